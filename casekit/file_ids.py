"""Ids and names that are keys or file names: one rule, checked with a full match.

A case id becomes ``cases/<id>.md``, a note id is the name of ``notes/<id>.md``, a region id
``toolbox/<region>.xlsx``, a bundle name a folder under ``reports/``. Such an id must name exactly
one file in exactly one folder, on every system a consultant may copy the bundle to, so it is
checked against :data:`FILE_ID_PATTERN` with :func:`re.fullmatch` (``re.match`` with ``$`` would
let ``"C9\\n"`` through):

* it starts with an ASCII letter or digit (so not ``.``, ``..``, a hidden name or ``-option``);
* then ASCII letters, digits, ``_``, ``-`` and ``.`` only: no ``/`` or ``\\``, no space, tab or
  line break, no look-alike such as the Cyrillic ``О`` in ``N0О1`` or the full-width ``Ｎ001``,
  no invisible character such as a zero-width space;
* at most 64 characters, not ending in ``.`` (Windows drops a trailing dot: ``C9.`` is ``C9``);
* not a Windows device name (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``–``COM9``,
  ``LPT1``–``LPT9``, in any case, with or without an extension: ``con.md`` cannot be created on
  Windows).

Two ids that differ only by case (``C9`` and ``c9``) are the same file on Windows and macOS:
:func:`id_key` is the identity of an id as a file name, and :func:`file_id_problems` reports such
pairs. An id typed by a person (on the command line) goes through :func:`normalize_id` (NFKC:
``Ｎ００１`` → ``N001``) before it is looked up.

Names used as keys but not as file names (region names) may be Chinese, but must not hold
invisible or control characters: ``南宁`` and ``南宁`` + U+200B look the same and would be two
regions. :func:`hidden_characters` finds them and :func:`name_problem` says where.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from casekit.exceptions import FileIdError, Problem
from casekit.language import tr

__all__ = [
    "FILE_ID_PATTERN",
    "FILE_ID_RULE",
    "FILE_ID_RULE_ZH",
    "WINDOWS_RESERVED_NAMES",
    "case_collision_problems",
    "check_file_id",
    "describe_character",
    "file_id_problem",
    "file_id_problems",
    "file_id_rule",
    "hidden_characters",
    "id_key",
    "is_file_id",
    "name_key",
    "name_problem",
    "normalize_id",
]

#: The form of every id casekit turns into a file or folder name (see also
#: :data:`WINDOWS_RESERVED_NAMES` and the trailing-dot rule, checked by :func:`is_file_id`).
FILE_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

#: Names Windows reserves for devices, with or without an extension (compared case-insensitively).
WINDOWS_RESERVED_NAMES: frozenset[str] = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)

#: The file-id rule in words, for error messages.
FILE_ID_RULE = ("ASCII letters, digits, '_', '-' and '.', starting with a letter or digit, "
                "not ending in '.', at most 64 characters, not a Windows device name "
                "(CON, PRN, AUX, NUL, COM1-9, LPT1-9) (e.g. C001)")
#: :data:`FILE_ID_RULE` in Chinese.
FILE_ID_RULE_ZH = ("只用 ASCII 字母、数字和 _ - .，以字母或数字开头，不以 . 结尾，最多 64 个字符，"
                   "不是 Windows 设备名（CON、PRN、AUX、NUL、COM1-9、LPT1-9）（例如 C001）")

#: What an id is (``check_file_id(…, what)``) in Chinese.
_WHAT_ZH = {"id": "编号", "note id": "笔记编号", "case id": "案例编号", "role-play id": "角色扮演编号",
            "region id": "地区编号", "bundle name": "资料包名称", "wave id": "回访轮次编号", "code id": "编码编号"}

_FILE_ID = re.compile(FILE_ID_PATTERN)
#: Characters shown nowhere: format (Cf: zero-width space, BOM, word joiner, bidi marks),
#: control (Cc), surrogates, private use, unassigned, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
#: Blank letters and variation selectors: other categories, but nothing a reader sees.
_HIDDEN_EXTRA = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F}
                          | set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0)))


def describe_character(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a character as code point and Unicode name."""
    name = unicodedata.name(char, "") or tr(f"类别 {unicodedata.category(char)}",
                                            f"category {unicodedata.category(char)}")
    return f"U+{ord(char):04X} {name}"


def hidden_characters(text: str) -> list[tuple[int, str]]:
    """The invisible and control characters of ``text``, with their 1-based positions.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (int, str)
        ``[(3, "\\u200b")]`` for ``"南宁\\u200b"``; empty when every character is visible (an
        ordinary space counts as visible).
    """
    return [(i, ch) for i, ch in enumerate(text, start=1)
            if unicodedata.category(ch) in _HIDDEN_CATEGORIES or ord(ch) in _HIDDEN_EXTRA]


def name_problem(text: str) -> str | None:
    """What makes ``text`` unfit as a name used as a key (a region name), or None.

    Returns
    -------
    str or None
        ``"an invisible or control character U+200B ZERO WIDTH SPACE at position 3"`` (every
        such character, joined by ``; ``); None when the name is fine.
    """
    hidden = hidden_characters(text)
    if not hidden:
        return None
    return tr("；".join(f"第 {i} 个字符是看不见的字符或控制字符 {describe_character(ch)}" for i, ch in hidden),
              "; ".join(f"an invisible or control character {describe_character(ch)} at position {i}"
                        for i, ch in hidden))


def name_key(text: str) -> str:
    """The identity of a name as a key: NFKC-normalised and case-folded (``Ａ区`` is ``a区``)."""
    return unicodedata.normalize("NFKC", text).casefold()


def normalize_id(text: str) -> str:
    """An id as typed by a person, NFKC-normalised and stripped (``Ｎ００１`` → ``N001``).

    Use it on ids typed on the command line before looking them up; ids read from files are
    checked with :func:`file_id_problem` instead, never silently changed.
    """
    return unicodedata.normalize("NFKC", str(text)).strip()


def id_key(value: str) -> str:
    """The identity of an id as a file name on Windows and macOS: ``C9`` and ``c9`` are one file."""
    return value.casefold()


def file_id_problem(value: object) -> str | None:
    """What keeps ``value`` from being a file id, in words; None when it is one.

    Returns
    -------
    str or None
        E.g. ``"a character that is not ASCII: U+041E CYRILLIC CAPITAL LETTER O at position 3
        (a look-alike of 'O')"``, ``"a Windows device name (CON)"``, ``"a trailing '.'"``.
    """
    if not isinstance(value, str):
        return tr(f"{type(value).__name__} 类型的值，不是文本", f"a {type(value).__name__}, not text")
    if not value:
        return tr("一个字符也没有", "no character at all")
    hidden = name_problem(value)
    if hidden is not None:
        return hidden
    foreign = [(i, ch) for i, ch in enumerate(value, start=1) if not ch.isascii()]
    if foreign:
        parts = []
        for i, ch in foreign:
            folded = unicodedata.normalize("NFKC", ch)
            look_alike = folded.isascii() and folded != ch
            like = tr(f"（与「{folded}」形似）", f" (a look-alike of {folded!r})") if look_alike else ""
            parts.append(tr(f"第 {i} 个字符不是 ASCII 字符：{describe_character(ch)}{like}",
                            f"a character that is not ASCII: {describe_character(ch)} at position {i}{like}"))
        return tr("；", "; ").join(parts)
    if _FILE_ID.fullmatch(value) is None:
        if len(value) > 64:
            return tr(f"{len(value)} 个字符", f"{len(value)} characters")
        bad = [(i, ch) for i, ch in enumerate(value, start=1) if not (ch.isalnum() or ch in "_.-")]
        if bad:
            return tr("；".join(f"第 {i} 个字符「{ch}」" for i, ch in bad),
                      "; ".join(f"the character {ch!r} at position {i}" for i, ch in bad))
        return tr(f"首字符「{value[0]}」", f"the first character {value[0]!r}")
    if value.endswith("."):
        return tr("结尾的 .（Windows 会去掉它，名字就成了另一个文件的）",
                  "a '.' at the end (Windows drops it, so the name would be another file's)")
    if value.split(".", 1)[0].upper() in WINDOWS_RESERVED_NAMES:
        device = value.split(".", 1)[0].upper()
        return tr(f"Windows 设备名 {device}（在 Windows 上没有文件能用这个名字）",
                  f"the Windows device name {device} (no file can have it on Windows)")
    return None


def is_file_id(value: object) -> bool:
    """Whether ``value`` is a file id: :data:`FILE_ID_PATTERN` (whole string), no trailing ``.``, no device name."""
    return file_id_problem(value) is None


def check_file_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it can be a file name, else raise :class:`~casekit.exceptions.FileIdError`.

    Parameters
    ----------
    value : object
        The id, e.g. a case id given with ``--id``.
    what : str, default "id"
        What the id is, for the message (``"case id"``).

    Returns
    -------
    str

    Raises
    ------
    FileIdError
        ``case id 'CON' cannot be a file name: expected ASCII letters, digits, …, not one with the
        Windows device name CON (…)``.
    """
    problem = file_id_problem(value)
    if problem is not None:
        raise FileIdError(tr(_WHAT_ZH.get(what, what), what), str(value),
                          tr(f"{FILE_ID_RULE_ZH}；这个编号的问题：{problem}", f"{FILE_ID_RULE}, not one with {problem}"))
    return str(value)


def file_id_rule() -> str:
    """:data:`FILE_ID_RULE` in the current language (:mod:`casekit.language`)."""
    return tr(FILE_ID_RULE_ZH, FILE_ID_RULE)


def file_id_problems(entries: Iterable[tuple[str, int | None, str | None, str]], what: str = "id"
                     ) -> list[Problem]:
    """Check ids that become file names, each on its own and against each other.

    Parameters
    ----------
    entries : iterable of (file, row, column, id)
        Where each id is (for the problem) and the id.
    what : str, default "id"
        What the ids are (``"note id"``), for the problems.

    Returns
    -------
    list of Problem
        One per id that is not a file id (:func:`file_id_problem` says why, e.g. the position of
        a look-alike or invisible character), then :func:`case_collision_problems` of the others.
    """
    entries = list(entries)
    problems: list[Problem] = []
    good = []
    for file, row, column, value in entries:
        why = file_id_problem(value)
        if why is None:
            good.append((file, row, column, value))
        else:
            problems.append(Problem(file, row, column,
                                    tr(f"可用作文件名的{_WHAT_ZH.get(what, what)}（只用 ASCII 字母、数字和 _ - .，"
                                       f"见 docs/bundle-format.md）；这个编号的问题：{why}",
                                       f"a {what} that can be a file name (ASCII letters, digits, _ - .; "
                                       f"docs/bundle-format.md), not one with {why}"),
                                    value))
    return problems + case_collision_problems(good, what)


def case_collision_problems(entries: Iterable[tuple[str, int | None, str | None, str]], what: str = "id"
                            ) -> list[Problem]:
    """One problem per id that differs only by upper/lower case from an earlier one.

    ``C9`` and ``c9`` are two files on Linux but one on Windows and macOS: copying the bundle
    there would lose one. Exact duplicates are left to the caller's uniqueness check.

    Parameters
    ----------
    entries : iterable of (file, row, column, id)
    what : str, default "id"

    Returns
    -------
    list of Problem
    """
    problems: list[Problem] = []
    first: dict[str, tuple[str, str]] = {}
    for file, row, column, value in entries:
        key = id_key(value)
        if key in first and first[key][1] != value:
            other_file, other = first[key]
            problems.append(Problem(file, row, column,
                                    tr(f"与「{other}」（{other_file}）不只是大小写不同的{_WHAT_ZH.get(what, what)}"
                                       "（在 Windows 和 macOS 上两者是同一个文件）",
                                       f"a {what} that differs from {other!r} ({other_file}) by more than "
                                       "upper/lower case (on Windows and macOS both are the same file)"),
                                    value))
        first.setdefault(key, (file, value))
    return problems
