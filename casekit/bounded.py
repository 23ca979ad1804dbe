"""Bounded reading: the one place where casekit opens a file it did not write.

Every bundle file and every questionnaire export goes through the functions of this module,
which enforce the rules of ``docs/limits.md``:

* a file of a bundle must lie inside the bundle: a symbolic link (of the file or of a folder
  above it) leading out of the bundle is refused, and the linked file is not read;
* no file is read whole above :data:`MAX_FILE_BYTES`;
* archives (腾讯问卷's ``.zip``, ``.xlsx`` workbooks, ``.docx`` notes) are inflated as a stream
  with a running byte cap (:data:`MAX_UNPACKED_BYTES` in all, :data:`MAX_COMPRESSION_RATIO` per
  member), never trusting the sizes the archive declares;
* a workbook's sheets are measured (declared dimension, and the cells actually present) before
  calamine or openpyxl materialise them: :data:`MAX_SHEET_ROWS`, :data:`MAX_SHEET_COLUMNS`,
  :data:`MAX_CELLS`;
* CSV text is parsed by :func:`csv_records` (cells counted against :data:`MAX_CELLS`, a cell of
  over :data:`MAX_CSV_FIELD` characters and an unclosed quote reported with their line);
* YAML is parsed by :class:`StrictYamlLoader`: no anchors or aliases (no "billion laughs"), and
  a key given twice in one mapping is a problem naming both lines.

Every function reports what is wrong as :class:`~casekit.exceptions.Problem` (file, row,
column, expected, found) carried by :class:`~casekit.exceptions.InputFileError`.
"""

from __future__ import annotations

import csv
import functools
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from casekit.exceptions import InputFileError, Problem
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    from casekit.progress import Task

__all__ = [
    "CELL_BYTES",
    "DENSE_AREA_FLOOR",
    "MAX_AREA_PER_CELL",
    "MAX_CELLS",
    "MAX_COMPRESSION_RATIO",
    "MAX_CSV_FIELD",
    "MAX_DOCUMENT_UNPACKED_BYTES",
    "MAX_FILE_BYTES",
    "MAX_NOTE_BYTES",
    "MAX_NOTE_LINES",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_YAML_DEPTH",
    "RATIO_FLOOR_BYTES",
    "InflateBudget",
    "StrictYamlLoader",
    "check_archive",
    "check_archive_file",
    "check_file",
    "check_inside",
    "check_note_text",
    "check_table_text",
    "check_workbook",
    "csv_records",
    "inflate",
    "read_bytes",
    "yaml_error_problem",
]

MiB = 1024**2

#: Largest file read whole (a bundle's CSV, YAML, note, roster; a CSV or .zip export).
MAX_FILE_BYTES = 512 * MiB
#: Largest total of an archive's members once inflated (a workbook's sheets and strings, a
#: 腾讯问卷 zip's CSV files).
MAX_UNPACKED_BYTES = 4096 * MiB
#: Largest inflated / compressed ratio of one archive member bigger than :data:`RATIO_FLOOR_BYTES`.
MAX_COMPRESSION_RATIO = 200
#: Members inflating to less than this are never refused for their ratio.
RATIO_FLOOR_BYTES = 16 * MiB
#: Rows and columns of a sheet: Excel's own maxima (a sheet beyond them was not made by Excel).
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 16_384
#: Cells of one table: rows × columns of a sheet's used area (what calamine allocates), or the
#: cells of a CSV file. A 100,000-response × 300-column export has 30 million.
MAX_CELLS = 50_000_000
#: Bytes calamine allocates for each cell of a sheet's used area, present or empty (its ``Data``
#: value): it materialises the area densely, so the area, not the file, sets the memory.
CELL_BYTES = 32
#: A used area of up to this many cells (32 MB at :data:`CELL_BYTES`) is read however empty.
DENSE_AREA_FLOOR = 1_000_000
#: Above :data:`DENSE_AREA_FLOOR`, a used area may hold at most this many cells per cell present
#: in the sheet's XML: a 1.5 KB sheet with cells at A1 and AX1000000 would otherwise cost 1.6 GB.
MAX_AREA_PER_CELL = 16
#: Largest shared-string table (``xl/sharedStrings.xml``) once inflated; its declared
#: ``uniqueCount`` (which calamine reserves, 24 bytes per string, before reading) may not
#: exceed the strings it holds.
MAX_SHARED_STRINGS_BYTES = 256 * MiB
#: Largest ``.docx`` note once inflated: python-docx holds every part, and parses the XML ones
#: with lxml at about four times their size.
MAX_DOCUMENT_UNPACKED_BYTES = 64 * MiB
#: Largest note (``.md``, ``.txt``) in bytes, and in lines: segmenting keeps a record per line
#: and an offset per character.
MAX_NOTE_BYTES = 8 * MiB
MAX_NOTE_LINES = 100_000
#: Deepest nesting of YAML collections: casekit's own files nest at most 8 levels (the course
#: outlines), bundle files 5; deeper nesting only serves to exhaust the composer's recursion.
MAX_YAML_DEPTH = 32
#: Longest CSV cell in characters (the csv module's own limit). A longer cell is almost always
#: a stray quote that turned the rest of the file into one cell.
MAX_CSV_FIELD = 131_072

_CHUNK = 1 * MiB


#: Where the limits are explained, after a Chinese "expected" text.
_LIMITS = "（见 docs/limits.md）"


def _n(value: int) -> str:
    return f"{value:,}"


def _size(n_bytes: int) -> str:
    return f"{n_bytes / MiB:,.0f} MiB" if n_bytes >= MiB else tr(f"{n_bytes:,} 字节", f"{n_bytes:,} bytes")


# ------------------------------------------------------------------------------------ paths


def check_inside(path: Path, root: Path, rel: str) -> list[Problem]:
    """Refuse a bundle file that is (or lies under) a symbolic link leading out of the bundle.

    Parameters
    ----------
    path : Path
        The file, ``root / rel``.
    root : Path
        The bundle folder.
    rel : str
        The file's path relative to ``root``, used in the problem.

    Returns
    -------
    list of Problem
        One problem when the file, once every link is followed, is not inside ``root``; the
        linked file is not opened, so nothing of it is shown.
    """
    try:
        target = Path(path).resolve()
        base = Path(root).resolve()
    except (OSError, RuntimeError):  # a link loop
        return [Problem(rel, None, None, tr("资料包里面的文件", "a file inside the bundle"),
                        tr("无法跟随的链接", "a link that cannot be followed"))]
    if target == base or base in target.parents:
        return []
    return [Problem(rel, None, None, tr("资料包里面的文件", "a file inside the bundle"),
                    tr("指向资料包外面文件的链接", "a link to a file outside the bundle"))]


def _root_of(path: Path, rel: str) -> Path | None:
    """The bundle folder of ``path`` when ``rel`` is its tail (``notes/N1.md`` → the bundle)."""
    parts = PurePosixPath(rel).parts
    if not parts or ".." in parts or PurePosixPath(rel).is_absolute() or path.parts[-len(parts):] != parts:
        return None
    return path.parents[len(parts) - 1]


def check_file(path: Path, rel: str, *, bundle: bool = True, limit: int = MAX_FILE_BYTES) -> None:
    """Check a file before any reader opens it: inside its bundle, present, at most ``limit`` bytes.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name in problems: the path relative to the bundle root (``notes/N1.md``), or an
        export's name.
    bundle : bool
        The file belongs to a bundle whose root is ``path`` minus ``rel``: refuse it when it
        (or a folder above it, inside the bundle) is a link leading out of the bundle. False
        for a file named on the command line, which may be a link anywhere.
    limit : int
        Largest size accepted.

    Raises
    ------
    InputFileError
        If the file is a link out of the bundle, missing, or larger than ``limit``.
    """
    path = Path(path)
    root = _root_of(path, rel) if bundle else None
    if root is not None:
        problems = check_inside(path, root, rel)
        if problems:
            raise InputFileError(problems)
    if not path.is_file():
        raise InputFileError([Problem(rel, None, None, tr("这个文件存在", "this file to exist"), "<missing>")])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError([Problem(rel, None, None, tr("能读取的文件",
                                                          "a readable file"), exc.strerror or str(exc))]) from None
    if size > limit:
        raise InputFileError([Problem(rel, None, None, tr(f"不超过 {_size(limit)} 的文件{_LIMITS}",
                                                          f"a file of at most {_size(limit)} (docs/limits.md)"),
                                      _size(size))])


def read_bytes(path: Path, rel: str, *, bundle: bool = True, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole file after :func:`check_file` (same parameters); never more than ``limit`` bytes.

    Raises
    ------
    InputFileError
        If the file is a link out of the bundle, missing, larger than ``limit`` or unreadable.
    """
    check_file(path, rel, bundle=bundle, limit=limit)
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputFileError([Problem(rel, None, None, tr("能读取的文件",
                                                          "a readable file"), exc.strerror or str(exc))]) from None
    if len(data) > limit:  # grew while being read
        raise InputFileError([Problem(rel, None, None, tr(f"不超过 {_size(limit)} 的文件{_LIMITS}",
                                                          f"a file of at most {_size(limit)} (docs/limits.md)"),
                                      tr(f"超过 {_size(limit)}", f"more than {_size(limit)}"))])
    return data


# ---------------------------------------------------------------------------------- archives


class InflateBudget:
    """The bytes an archive may still inflate to, shared by the members read with :func:`inflate`.

    Parameters
    ----------
    total : int
        The cap for the whole archive.
    """

    def __init__(self, total: int = MAX_UNPACKED_BYTES) -> None:
        self.left = total
        self.total = total


def _member_cap(info: zipfile.ZipInfo) -> int:
    return max(RATIO_FLOOR_BYTES, MAX_COMPRESSION_RATIO * max(info.compress_size, 1))


def _too_big(rel: str, name: str, inflated: int, info: zipfile.ZipInfo, budget: InflateBudget) -> Problem:
    if budget.left <= 0:
        return Problem(rel, None, name, tr(f"解压后不超过 {_size(budget.total)} 的压缩包{_LIMITS}",
                                           f"an archive inflating to at most {_size(budget.total)} (docs/limits.md)"),
                       tr(f"解压后超过 {_size(budget.total)}", f"more than {_size(budget.total)} once inflated"))
    return Problem(rel, None, name,
                   tr(f"解压后不超过压缩大小 {MAX_COMPRESSION_RATIO} 倍的压缩包成员{_LIMITS}",
                      f"an archive member inflating to at most {MAX_COMPRESSION_RATIO} times its packed size "
                      f"(docs/limits.md)"),
                   tr(f"{_size(info.compress_size)} 解压后超过 {_size(inflated)}（压缩炸弹）",
                      f"{_size(info.compress_size)} inflating to more than {_size(inflated)} (a zip bomb)"))


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, name: str,
            budget: InflateBudget) -> Iterator[bytes]:
    """Inflate one member in chunks, stopping with a problem as soon as a cap is passed."""
    cap = _member_cap(info)
    inflated = 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                return
            inflated += len(chunk)
            budget.left -= len(chunk)
            if inflated > cap or budget.left < 0:
                raise InputFileError([_too_big(rel, name, inflated, info, budget)])
            yield chunk


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, name: str | None = None,
            budget: InflateBudget | None = None) -> bytes:
    """Inflate one archive member as a stream with a running byte cap.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open archive.
    info : zipfile.ZipInfo
        The member.
    rel : str
        The archive's name in problems.
    name : str, optional
        The member's name in problems (default ``info.filename``).
    budget : optional
        Shared by the members of one archive (default: :data:`MAX_UNPACKED_BYTES` for this one).

    Raises
    ------
    InputFileError
        If the member inflates to more than :data:`MAX_COMPRESSION_RATIO` times its packed size
        (above :data:`RATIO_FLOOR_BYTES`) or the archive to more than :data:`MAX_UNPACKED_BYTES`;
        the declared sizes are not trusted.
    """
    budget = budget if budget is not None else InflateBudget()
    return b"".join(_chunks(archive, info, rel, name or info.filename, budget))


def check_archive(archive: zipfile.ZipFile, rel: str, total: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse an archive whose declared sizes already pass the limits (cheap: no inflating).

    Python's :mod:`zipfile` never inflates a member beyond its declared size, so for readers
    built on it (python-docx, openpyxl) this check bounds what they inflate.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open archive.
    rel : str
        Its name in problems.
    total : int
        Largest total of the members once inflated (default :data:`MAX_UNPACKED_BYTES`).

    Raises
    ------
    InputFileError
    """
    infos = archive.infolist()
    declared = sum(i.file_size for i in infos)
    if declared > total:
        raise InputFileError([Problem(rel, None, None,
                                      tr(f"解压后不超过 {_size(total)} 的压缩包{_LIMITS}",
                                         f"an archive inflating to at most {_size(total)} (docs/limits.md)"),
                                      tr(f"声明为 {_size(declared)}", f"{_size(declared)} declared"))])
    for info in infos:
        if info.file_size > _member_cap(info):
            raise InputFileError([Problem(rel, None, info.filename,
                                          tr(f"解压后不超过压缩大小 {MAX_COMPRESSION_RATIO} 倍的压缩包成员{_LIMITS}",
                                             f"an archive member inflating to at most {MAX_COMPRESSION_RATIO} times "
                                             "its packed size (docs/limits.md)"),
                                          tr(f"{_size(info.compress_size)} 声明解压为 {_size(info.file_size)}（压缩炸弹）",
                                             f"{_size(info.compress_size)} declared to inflate to "
                                             f"{_size(info.file_size)} (a zip bomb)"))])


def check_archive_file(path: Path, rel: str, *, bundle: bool = True, total: int = MAX_UNPACKED_BYTES) -> None:
    """:func:`check_file`, then the archive's limits, before another reader (python-docx) opens it.

    The declared sizes are checked (:func:`check_archive`), then every member is inflated as a
    stream under the running caps (``total`` in all, :data:`MAX_COMPRESSION_RATIO` per member),
    so what the reader will inflate and parse is known to fit. A file that is not a zip is left
    to its reader to report.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name in problems.
    bundle : bool
        As for :func:`check_file`.
    total : int
        Largest total of the members once inflated (a ``.docx`` note:
        :data:`MAX_DOCUMENT_UNPACKED_BYTES`).

    Raises
    ------
    InputFileError
    """
    check_file(path, rel, bundle=bundle)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with archive:
        check_archive(archive, rel, total)
        budget = InflateBudget(total)
        try:
            for info in archive.infolist():
                for _ in _chunks(archive, info, rel, info.filename, budget):
                    pass
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return  # a damaged member: the reader reports it


# --------------------------------------------------------------------------------- workbooks

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
#: Cell and row references by exact length (digits of the row, letters of the column): of
#: equal-length matches the largest bytes string is the largest number, so ``max(findall)``
#: runs at C speed and only the longest length present in a chunk is collected.
_ROW_DIGITS = {k: re.compile(rb'r="[A-Z]{0,4}(\d{%d})"' % k) for k in range(7, 0, -1)}
_ROW_DIGITS_TOO_MANY = re.compile(rb'r="[A-Z]{0,4}(\d{8,})"')
_COL_LETTERS = {k: re.compile(rb'r="([A-Z]{%d})\d' % k) for k in range(3, 0, -1)}
_COL_LETTERS_TOO_MANY = re.compile(rb'r="([A-Z]{4,})\d')


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_names(archive: zipfile.ZipFile, rel: str) -> dict[str, str]:
    """Worksheet member → its name as Excel shows it (falling back to the member name)."""
    members = [i.filename for i in archive.infolist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", i.filename)]
    names = {m: PurePosixPath(m).stem for m in members}
    try:
        workbook = archive.getinfo("xl/workbook.xml")
        rels = archive.getinfo("xl/_rels/workbook.xml.rels")
    except KeyError:
        return names
    budget = InflateBudget()
    wb = inflate(archive, workbook, rel, "xl/workbook.xml", budget).decode("utf-8", "replace")
    rl = inflate(archive, rels, rel, "xl/_rels/workbook.xml.rels", budget).decode("utf-8", "replace")
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rl):
        rid = re.search(r'\bId="([^"]+)"', tag)
        target = re.search(r'\bTarget="([^"]+)"', tag)
        if rid and target:
            t = target.group(1).lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else f"xl/{t}"
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", wb):
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]+)"|\bid="([^"]+)"', tag)
        if name and rid:
            member = targets.get(rid.group(1) or rid.group(2) or "")
            if member in names:
                names[member] = name.group(1)
    return names


def check_workbook(path: Path, rel: str) -> None:
    """Measure a workbook before a reader materialises it; refuse one over the limits.

    The archive is inflated as a stream (running caps, see :func:`inflate`); for every sheet
    the declared ``<dimension ref=…>`` and the cells actually present (highest row number,
    widest column, number of cells) are compared with :data:`MAX_SHEET_ROWS`,
    :data:`MAX_SHEET_COLUMNS` and :data:`MAX_CELLS` (rows × columns of the used area: what a
    reader allocates). A sheet that declares ``A1`` but holds a cell at ``XFD1048576`` is caught.
    A used area of more than :data:`DENSE_AREA_FLOOR` cells must hold at least one cell in
    :data:`MAX_AREA_PER_CELL` (calamine allocates the area densely, :data:`CELL_BYTES` a cell).
    The shared-string table may declare (``uniqueCount``) no more strings than it holds, and
    inflate to at most :data:`MAX_SHARED_STRINGS_BYTES`.

    Parameters
    ----------
    path : Path
        The ``.xlsx``/``.xlsm`` file (an old binary ``.xls`` is not a zip and is left to its reader).
    rel : str
        Its name in problems.

    Raises
    ------
    InputFileError
        With one problem per sheet over a limit (file, sheet, limit, what was found).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip (an .xls, a damaged file): the reader reports it
    problems: list[Problem] = []
    with archive:
        try:
            check_archive(archive, rel)
            names = _sheet_names(archive, rel)
            budget = InflateBudget()
            for info in archive.infolist():
                if info.filename in names:
                    problems += _sheet_problems(archive, info, rel, names[info.filename], budget)
                elif _SHARED_STRINGS.fullmatch(info.filename):
                    problems += _shared_strings_problems(archive, info, rel, budget)
                elif not info.is_dir():
                    for _ in _chunks(archive, info, rel, info.filename, budget):
                        pass
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return  # a damaged member: the reader reports it
    if problems:
        raise InputFileError(problems)


def _largest(buffer: bytes, patterns: dict[int, re.Pattern[bytes]], too_many: re.Pattern[bytes],
             convert: Any) -> int:
    """The largest row (or column) referenced in ``buffer``: longest references first."""
    m = too_many.search(buffer)
    if m is not None:
        return convert(m.group(1))
    for pattern in patterns.values():
        found = pattern.findall(buffer)
        if found:
            return convert(max(found))
    return 0


@functools.lru_cache(maxsize=64)
def _greater(value: bytes, digits: bool) -> re.Pattern[bytes]:
    """A pattern matching a row (``digits``) or column reference greater than ``value``."""
    cls, top = (rb"\d", ord("9")) if digits else (rb"[A-Z]", ord("Z"))
    n = len(value)
    alts = [cls + b"{%d,}" % (n + 1)]
    for k, ch in enumerate(value):
        if ch < top:
            lo = bytes([ch + 1])
            alts.append(re.escape(value[:k]) + b"[" + lo + b"-" + bytes([top]) + b"]" + cls + b"{%d}" % (n - k - 1))
    body = b"(?:" + b"|".join(alts) + b")"
    return re.compile(rb'r="[A-Z]{0,4}' + body + rb'"' if digits else rb'r="' + body + rb"\d")


_LAST_REF = re.compile(rb'r="([A-Z]{0,4})(\d+)"')


def _max_refs(head: bytes, max_row: int, max_col: int) -> tuple[int, int]:
    """The highest row and column referenced in ``head`` and before.

    Fast path (an ordered sheet): the last reference of the chunk raises the maxima, and one
    C-speed search shows that nothing in the chunk is greater; otherwise every reference of the
    longest length is collected (:func:`_largest`).
    """
    pos = head.rfind(b'r="')
    last = _LAST_REF.match(head, pos) if pos >= 0 else None
    if last is not None:
        max_row = max(max_row, int(last.group(2)))
        if last.group(1):
            max_col = max(max_col, _column_number(last.group(1)))
    if max_row == 0 or _greater(str(max_row).encode(), True).search(head):
        max_row = max(max_row, _largest(head, _ROW_DIGITS, _ROW_DIGITS_TOO_MANY, int))
    if max_col == 0 or _greater(_column_letters(max_col).encode(), False).search(head):
        max_col = max(max_col, _largest(head, _COL_LETTERS, _COL_LETTERS_TOO_MANY, _column_number))
    return max_row, max_col


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, sheet: str,
                    budget: InflateBudget) -> list[Problem]:
    """Measure one sheet as it inflates: declared dimension, highest row and column, cells."""
    declared: tuple[int, int] | None = None
    max_row = rows_seen = max_col = cells = 0
    tail = b""
    first = True
    chunks = _chunks(archive, info, rel, f"sheet {sheet!r}", budget)
    for chunk in _with_end(chunks):
        buffer = tail + chunk
        if first:
            first = False
            m = _DIMENSION.search(buffer, 0, 8192)
            if m is not None:
                last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                declared = (int(last_row or 1), _column_number(last_col or b"A"))
                if declared[0] * declared[1] > MAX_CELLS or declared[0] > MAX_SHEET_ROWS \
                        or declared[1] > MAX_SHEET_COLUMNS:
                    break  # the declaration alone is over the limits: no need to read on
        # whole tags only: a reference never straddles the cut
        cut = len(buffer) if not chunk else max(0, buffer.rfind(b"<"))
        head, tail = buffer[:cut], buffer[cut:]
        max_row, max_col = _max_refs(head, max_row, max_col)
        rows_seen += head.count(b"<row")
        cells += head.count(b"<c")  # cells (and the few <col>, <cfRule> tags: an upper bound)
    problems = []
    where = tr(f"工作表「{sheet}」", f"sheet {sheet!r}")
    if declared is not None:
        n_rows, n_cols = declared
        found = tr(f"声明大小为 {_n(n_rows)} 行 × {_n(n_cols)} 列",
                   f"a declared size of {_n(n_rows)} rows × {_n(n_cols)} columns")
        if n_rows > MAX_SHEET_ROWS or n_cols > MAX_SHEET_COLUMNS or n_rows * n_cols > MAX_CELLS:
            problems.append(Problem(rel, None, where, _sheet_expected(),
                                    found + tr(f"（{_n(n_rows * n_cols)} 格）", f" ({_n(n_rows * n_cols)} cells)")))
            return problems
    n_rows = max(max_row, rows_seen)
    n_cols = max(max_col, 1)
    if n_rows > MAX_SHEET_ROWS or n_cols > MAX_SHEET_COLUMNS or n_rows * n_cols > MAX_CELLS or cells > MAX_CELLS:
        problems.append(Problem(rel, None, where, _sheet_expected(),
                                tr(f"单元格延伸到第 {_n(n_rows)} 行、第 {_n(n_cols)} 列（{_n(max(n_rows * n_cols, cells))} 格）",
                                   f"cells up to row {_n(n_rows)}, column {_n(n_cols)} "
                                   f"({_n(max(n_rows * n_cols, cells))} cells)")))
        return problems
    area = max(n_rows * n_cols, declared[0] * declared[1] if declared is not None else 0)
    if area > DENSE_AREA_FLOOR and area > MAX_AREA_PER_CELL * cells:
        problems.append(Problem(
            rel, None, where,
            tr(f"使用区域（A1 到最后一格）不超过 {_n(DENSE_AREA_FLOOR)} 格，或不超过实有单元格的 {MAX_AREA_PER_CELL} 倍："
               f"读取时区域内每一格都要占 {CELL_BYTES} 字节{_LIMITS}",
               f"a used area (A1 to the last cell) of at most {_n(DENSE_AREA_FLOOR)} cells, or at most "
               f"{MAX_AREA_PER_CELL} times the cells present: a reader allocates {CELL_BYTES} bytes for every "
               "cell of the area (docs/limits.md)"),
            tr(f"区域有 {_n(area)} 格（读取需 {_size(area * CELL_BYTES)}），实有 {_n(cells)} 格",
               f"an area of {_n(area)} cells ({_size(area * CELL_BYTES)} to read) holding {_n(cells)} cells")))
    return problems


_SHARED_STRINGS = re.compile(r"xl/sharedStrings\.xml", re.IGNORECASE)
_SST_TAG = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_SST_ATTRIBUTE = re.compile(rb'\b(uniqueCount|count)\s*=\s*["\']\s*(\d*)')


def _shared_strings_problems(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str,
                             budget: InflateBudget) -> list[Problem]:
    """Measure the shared-string table as it inflates: declared counts, strings held, size."""
    where = info.filename
    declared: dict[str, int] = {}
    items = size = 0
    tail = b""
    first = True
    for chunk in _with_end(_chunks(archive, info, rel, where, budget)):
        buffer = tail + chunk
        if first:
            first = False
            tag = _SST_TAG.search(buffer, 0, 8192)
            if tag is not None:
                declared = {k.decode(): int(v or 0) for k, v in _SST_ATTRIBUTE.findall(tag.group(0))}
        size += len(chunk)
        if size > MAX_SHARED_STRINGS_BYTES:
            return [Problem(rel, None, where,
                            tr(f"解压后不超过 {_size(MAX_SHARED_STRINGS_BYTES)} 的共享字符串表{_LIMITS}",
                               f"a shared-string table of at most {_size(MAX_SHARED_STRINGS_BYTES)} once inflated "
                               "(docs/limits.md)"),
                            tr(f"超过 {_size(MAX_SHARED_STRINGS_BYTES)}",
                               f"more than {_size(MAX_SHARED_STRINGS_BYTES)}"))]
        cut = len(buffer) if not chunk else max(0, buffer.rfind(b"<"))
        head, tail = buffer[:cut], buffer[cut:]
        items += head.count(b"<si>") + head.count(b"<si ") + head.count(b"<si/") + len(_PREFIXED_SI.findall(head))
    unique = declared.get("uniqueCount", 0)
    if unique > items:
        return [Problem(rel, None, where,
                        tr(f"共享字符串表声明的数目（uniqueCount）不多于实有字符串：读取时会按声明的数目预留内存{_LIMITS}",
                           "a shared-string table declaring (uniqueCount) no more strings than it holds: "
                           "a reader reserves memory for the declared number (docs/limits.md)"),
                        tr(f"声明 uniqueCount={_n(unique)}，实有 {_n(items)} 个字符串",
                           f"uniqueCount={_n(unique)} declared, {_n(items)} string(s) present"))]
    if items > MAX_CELLS:
        return [Problem(rel, None, where, tr(f"不超过 {_n(MAX_CELLS)} 个字符串的共享字符串表{_LIMITS}",
                                             f"a shared-string table of at most {_n(MAX_CELLS)} strings (docs/limits.md)"),
                        tr(f"{_n(items)} 个字符串", f"{_n(items)} strings"))]
    return []


_PREFIXED_SI = re.compile(rb"<\w+:si[\s>/]")


def _with_end(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, then one empty chunk marking the end (the carried tail is measured then)."""
    yield from chunks
    yield b""


def _sheet_expected() -> str:
    return tr(f"不超过 {_n(MAX_SHEET_ROWS)} 行、{_n(MAX_SHEET_COLUMNS)} 列，从 A1 到最后一格不超过 {_n(MAX_CELLS)} 格的工作表{_LIMITS}",
              f"a sheet of at most {_n(MAX_SHEET_ROWS)} rows, {_n(MAX_SHEET_COLUMNS)} columns and "
              f"{_n(MAX_CELLS)} cells from A1 to its last cell (docs/limits.md)")


# -------------------------------------------------------------------------------------- CSV


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ``\\n``, lazily and without copying the whole text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


#: Records between two reports of :func:`csv_records` to its ``rows`` task.
_ROWS_REPORTED_EVERY = 4096


def csv_records(text: str, rel: str, delimiter: str = ",", *,
                limit: int | None = None, rows: Task | None = None) -> tuple[list[list[str]], list[int]]:
    """Parse CSV text into records, with the line each starts on.

    Parameters
    ----------
    text : str
        The decoded text, ``\\n`` line ends.
    rel : str
        The file's name in problems.
    delimiter : str
        The cell separator.
    limit : int, optional
        Stop after this many records (a header search); default all.
    rows : Task, optional
        Counts the records read (:meth:`casekit.progress.Task.add`), every 4,096 records and
        once at the end.

    Returns
    -------
    records : list of list of str
    lines : list of int
        The 1-based line where each record starts (a quoted cell may span lines).

    Raises
    ------
    InputFileError
        When a cell is longer than :data:`MAX_CSV_FIELD` characters or a quoted cell is never
        closed (a stray ``"`` turning the rest of the file into one cell), or the file has more
        than :data:`MAX_CELLS` cells; the problem names the line where the record starts.
    """
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records: list[list[str]] = []
    lines: list[int] = []
    cells = 0
    start = 1
    # the next record count reported to `rows` (never reached without it)
    report = _ROWS_REPORTED_EVERY if rows is not None else -1
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
            cells += len(record)
            if cells > MAX_CELLS:
                raise InputFileError([Problem(rel, lines[-1], None,
                                              tr(f"不超过 {_n(MAX_CELLS)} 格的表格{_LIMITS}",
                                                 f"a table of at most {_n(MAX_CELLS)} cells (docs/limits.md)"),
                                              tr(f"到第 {_n(lines[-1])} 行已超过 {_n(MAX_CELLS)} 格",
                                                 f"more than {_n(MAX_CELLS)} cells by line {_n(lines[-1])}"))])
            if limit is not None and len(records) >= limit:
                return records, lines
            if len(records) == report:
                rows.add(_ROWS_REPORTED_EVERY)  # type: ignore[union-attr]
                report += _ROWS_REPORTED_EVERY
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputFileError([_long_cell(rel, start, text, delimiter)]) from None
        raise InputFileError([Problem(rel, start, None, tr("格式正确的 CSV", "well-formed CSV"), str(exc))]) from None
    if records and lines[-1] < reader.line_num and _ends_in_quote(text, lines[-1], delimiter):
        raise InputFileError([_unclosed(rel, lines[-1], text, tr("一直延续到文件末尾的带引号单元格",
                                                                 "a quoted cell running to the end of the file"))])
    if rows is not None:
        rows.add(len(records) % _ROWS_REPORTED_EVERY)
    return records, lines


def check_table_text(text: str, rel: str, n_columns: int) -> None:
    """Refuse CSV text whose lines × header columns pass :data:`MAX_CELLS`, before a parser allocates.

    A table parser (pandas) allocates a cell for every column of every line, blank lines
    included, so the product bounds what it allocates; counting lines is one C-speed scan.

    Parameters
    ----------
    text : str
        The decoded text, ``\\n`` line ends.
    rel : str
        The file's name in problems.
    n_columns : int
        Cells of the header row.

    Raises
    ------
    InputFileError
        Naming the number of lines and of cells they make.
    """
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    cells = n_lines * max(n_columns, 1)
    if cells > MAX_CELLS:
        raise InputFileError([Problem(rel, None, None,
                                      tr(f"不超过 {_n(MAX_CELLS)} 格的表格{_LIMITS}",
                                         f"a table of at most {_n(MAX_CELLS)} cells (docs/limits.md)"),
                                      tr(f"{_n(n_lines)} 行 × {_n(n_columns)} 列（{_n(cells)} 格）",
                                         f"{_n(n_lines)} lines × {_n(n_columns)} columns ({_n(cells)} cells)"))])


def check_note_text(text: str, rel: str) -> list[Problem]:
    """The problems of a note's text over :data:`MAX_NOTE_BYTES` or :data:`MAX_NOTE_LINES`.

    Checked before the note is segmented (a record per line, an offset per character).
    """
    size = len(text.encode("utf-8"))
    if size > MAX_NOTE_BYTES:
        return [Problem(rel, None, None, tr(f"不超过 {_size(MAX_NOTE_BYTES)} 的笔记{_LIMITS}",
                                            f"a note of at most {_size(MAX_NOTE_BYTES)} (docs/limits.md)"),
                        _size(size))]
    n_lines = text.count("\n") + 1
    if n_lines > MAX_NOTE_LINES:
        return [Problem(rel, None, None, tr(f"不超过 {_n(MAX_NOTE_LINES)} 行的笔记{_LIMITS}",
                                            f"a note of at most {_n(MAX_NOTE_LINES)} lines (docs/limits.md)"),
                        tr(f"{_n(n_lines)} 行", f"{_n(n_lines)} lines"))]
    return []


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _long_cell(rel: str, line: int, text: str, delimiter: str) -> Problem:
    """The problem of a record (from ``line``) holding a cell over :data:`MAX_CSV_FIELD` characters.

    A quoted cell that closes properly (its quote followed by a separator or a line end) is only
    long; one whose quote never closes, or closes amid other text, is a stray quote.
    """
    pos = _offset_of_line(text, line)
    end = len(text)
    while pos < end:
        if text[pos] == '"':
            close = text.find('"', pos + 1)
            while close >= 0 and text.startswith('""', close):
                close = text.find('"', close + 2)
            if close < 0 or (close + 1 < end and text[close + 1] not in (delimiter, "\n")):
                break  # never closed, or closed amid other text: a stray quote
            if close - pos - 1 > MAX_CSV_FIELD:
                return _long(rel, line, text.count("\n", pos, close) + 1)
            pos = close + 1
        else:
            stop = min((i for i in (text.find(delimiter, pos), text.find("\n", pos)) if i >= 0), default=end)
            if stop - pos > MAX_CSV_FIELD:
                return _long(rel, line, 1)
            pos = stop
        if pos >= end or text[pos] == "\n":
            break
        pos += 1  # the separator
    return _unclosed(rel, line, text, tr(f"一个超过 {_n(MAX_CSV_FIELD)} 个字符的单元格",
                                         f"a cell of over {_n(MAX_CSV_FIELD)} characters"))


def _long(rel: str, line: int, n_lines: int) -> Problem:
    return Problem(rel, line, None, tr(f"每个单元格不超过 {_n(MAX_CSV_FIELD)} 个字符{_LIMITS}",
                                       f"cells of at most {_n(MAX_CSV_FIELD)} characters (docs/limits.md)"),
                   tr(f"从第 {line} 行开始有一个超过 {_n(MAX_CSV_FIELD)} 个字符的单元格（共 {_n(n_lines)} 行）",
                      f"a cell of over {_n(MAX_CSV_FIELD)} characters from line {line} "
                      f"({_n(n_lines)} line(s) long)"))


def _unclosed(rel: str, line: int, text: str, what: str) -> Problem:
    rest = text.count("\n") + 1 - line
    return Problem(rel, line, None,
                   tr(f'每个带引号的单元格都有结束的引号（"），且单元格少于 {_n(MAX_CSV_FIELD)} 个字符',
                      f'a closing quote (") for each quoted cell, and cells under {_n(MAX_CSV_FIELD)} characters'),
                   tr(f"从第 {line} 行开始{what}（一个多余的引号把后面 {_n(rest)} 行并成了一格）",
                      f"{what} from line {line} (a stray quote makes the next {_n(rest)} line(s) one cell)"))


def _ends_in_quote(text: str, line: int, delimiter: str) -> bool:
    """Whether the last record (from ``line``) is a quoted cell left open at the end of the text."""
    offset = _offset_of_line(text, line)
    try:
        list(csv.reader(_lines(text[offset:]), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# ------------------------------------------------------------------------------------- YAML


class YamlAliasError(yaml.composer.ComposerError):
    """An anchor (``&name``) or alias (``*name``) in a file where casekit refuses them."""


class YamlDepthError(yaml.composer.ComposerError):
    """Collections nested deeper than :data:`MAX_YAML_DEPTH`."""


class YamlMergeKeyError(yaml.composer.ComposerError):
    """A merge key (``<<``): it would add keys that the duplicate and unknown-key checks never see."""


class StrictYamlLoader(yaml.SafeLoader):
    """The YAML loader of every file casekit reads.

    Safe (no Python objects), no anchors or aliases (an alias bomb of ten nested levels is a
    billion nodes; bundle files have no use for them), no merge keys (``<<``), collections
    nested at most :data:`MAX_YAML_DEPTH` deep (deeper, the recursive composer would hit
    Python's recursion limit), dates kept as text, and every key given twice in one mapping
    remembered in :attr:`duplicates` as ``(key, first line, second line)``.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlAliasError(None, None, tr(f"别名 *{event.anchor}", f"an alias '*{event.anchor}'"), event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlAliasError(None, None, tr(f"锚点 &{anchor}", f"an anchor '&{anchor}'"), event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            if self.depth >= MAX_YAML_DEPTH:
                raise YamlDepthError(None, None, tr(f"嵌套超过 {MAX_YAML_DEPTH} 层", f"more than {MAX_YAML_DEPTH} nested levels"),
                                     event.start_mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Any) -> Any:  # noqa: D102 - PyYAML hook
        node = super().compose_mapping_node(anchor)
        seen: dict[str, int] = {}
        for key, _ in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                raise YamlMergeKeyError(None, None, tr(f"合并键 {key.value}", f"a merge key {key.value!r}"), key.start_mark)
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    self.duplicates.append((key.value, seen[key.value], line))
                else:
                    seen[key.value] = line
        return node

    def duplicate_problems(self, rel: str, line_offset: int = 0) -> list[Problem]:
        """One problem per key given twice in a mapping, naming both lines."""
        return [Problem(rel, second + line_offset, key, tr("同一映射中每个键只写一次", "each key once in a mapping"),
                        tr(f"「{key}」在第 {first + line_offset} 行，第 {second + line_offset} 行又写了一次",
                           f"{key!r} on line {first + line_offset} and again on line {second + line_offset}"))
                for key, first, second in self.duplicates]


StrictYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_error_problem(exc: Exception, rel: str, line_offset: int = 0) -> Problem:
    """The problem of a YAML text that could not be loaded (syntax, anchors and aliases)."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 + line_offset if mark is not None else None
    why = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, YamlAliasError):
        return Problem(rel, line, None, tr("不用锚点（&）和别名（*）的 YAML：每个值都直接写出来",
                                           "YAML without anchors (&) or aliases (*): write each value out"), str(why))
    if isinstance(exc, YamlMergeKeyError):
        return Problem(rel, line, None, tr("不用合并键（<<）的 YAML：每个键都直接写出来",
                                           "YAML without merge keys (<<): write each key out"), str(why))
    if isinstance(exc, YamlDepthError):
        return Problem(rel, line, None, tr(f"嵌套不超过 {MAX_YAML_DEPTH} 层的 YAML{_LIMITS}",
                                           f"YAML nested at most {MAX_YAML_DEPTH} levels deep (docs/limits.md)"),
                       str(why))
    return Problem(rel, line, None, tr("格式正确的 YAML", "valid YAML"), str(why))
