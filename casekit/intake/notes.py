"""``notes/``: interview notes as Markdown, plain text or Word files, each with YAML front matter.

A note is ``notes/<id>.md``, ``notes/<id>.txt`` or ``notes/<id>.docx``. All three start with the
same front matter (a ``---`` line, ``key: value`` lines, a ``---`` line; in a Word file these are
the first paragraphs). Plain text may be UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with
a BOM (what Windows Notepad saves on Chinese Windows). A Word file's body is its paragraphs and
tables in document order, one blank-line-separated paragraph each (a table row is one line, its
cells separated by `` | ``).

Problems carry the line number (``.md``, ``.txt``) or the paragraph number (``.docx``, counting
each table as one) of the offending key.
"""

from __future__ import annotations

import datetime as dt
import errno
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from casekit.exceptions import InputFileError, Problem
from casekit.file_ids import file_id_problems
from casekit.intake._files import (
    FILE,
    MISSING,
    ROW,
    is_ignored,
    listed_files,
    load_yaml,
    read_text,
    split_front_matter,
)
from casekit.bounded import MAX_DOCUMENT_UNPACKED_BYTES, check_archive_file, check_note_text
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import NOTES, coerce, split_list
from casekit.privacy.redaction.documents import docx_paragraph_text
from casekit.language import tr

#: File in ``notes/`` that holds manual coding decisions, not a note.
MANUAL_CODES_NAME = "codes.csv"

__all__ = ["NOTES_DIR", "NOTE_SUFFIXES", "docx_paragraph_text", "read_notes"]

NOTES_DIR = "notes"
#: File types read as notes (lower case).
NOTE_SUFFIXES = (".md", ".txt", ".docx")
_KEYS = [c.source for c in NOTES.columns if c.source is not None]
_REQUIRED = [c.source for c in NOTES.columns if c.source is not None and c.required]

#: A front-matter delimiter in a Word file: ``---``, also as Word's autocorrect leaves it
#: (en/em dashes, full-width hyphens).
_DOCX_RULE = re.compile(r"[-\u2010-\u2015\uff0d\ufe63]{2,}")
#: Word's "smart quotes" and the spaces an IME types, normalised in a Word file's front matter.
_DOCX_FRONT = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'",
                             "\u2019": "'", "\u00a0": " ", "\u3000": " "})


@dataclass(frozen=True)
class _Split:
    """A note split into front matter and body.

    ``front_rows[i]`` is the row (line or paragraph) of line ``i + 1`` of ``front``; ``start`` is
    the row of the opening ``---``, used for keys that are missing.
    """

    front: str
    front_rows: list[int]
    start: int
    body: str


def read_notes(root: Path, manifest: Manifest | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check every interview note in ``notes/``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names.

    Returns
    -------
    notes : DataFrame
        Columns of ``casekit.intake.schemas.NOTES``, sorted by ``note_id``; ``text`` is the body
        after the front matter (a Word file's paragraphs separated by blank lines), ``file`` the
        note's path in the bundle (``notes/N001.docx``).
    problems : list of Problem
        Problems of the front matter carry the line (paragraph, for ``.docx``) of the offending key.
    """
    problems: list[Problem] = []
    folder = root / NOTES_DIR
    if not folder.is_dir():
        return NOTES.empty(), [Problem(f"{NOTES_DIR}/", None, None,
                                       tr("放访谈笔记（.md、.txt 或 .docx）的 notes/ 文件夹",
                                          "a notes/ folder of interview notes (.md, .txt or .docx)"),
                                       tr("没有 notes/ 文件夹", "no notes/ folder"))]
    records: list[dict[str, Any]] = []
    absent: set[tuple[str, str]] = set()
    problems += _not_files(folder)
    for path in listed_files(folder):
        if path.name == MANUAL_CODES_NAME:
            continue  # the consultants' coding decisions (casekit.intake.manual_codes), not a note
        if path.name.startswith("~$"):
            continue  # the lock file Word keeps next to an open document
        rel = f"{NOTES_DIR}/{path.name}"
        suffix = path.suffix.lower()
        if suffix not in NOTE_SUFFIXES:
            found = path.name
            if suffix in (".doc", ".wps", ".rtf"):
                found += tr("（请另存为 Word .docx 文档）", " (save it as a Word .docx document)")
            problems.append(Problem(rel, None, None, tr(".md、.txt 或 .docx 格式的笔记", "a note as .md, .txt or .docx"),
                                    found))
            continue
        split, more = _read_docx(path, rel) if suffix == ".docx" else _read_plain(path, rel)
        problems += more
        if split is None:
            continue
        too_long = check_note_text(split.body, rel)
        if too_long:
            problems += too_long
            continue
        data, lines, more = load_yaml(split.front, rel)
        problems += [_at_row(p, split) for p in more]
        if more:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(rel, _row(split, 1), None, tr("“键: 值”形式的文首信息",
                                                                  "front matter as key: value lines"), str(data)))
            continue
        record: dict[str, Any] = {FILE: rel, ROW: split.start, "_body": split.body, "_stem": path.stem}
        for key in _KEYS:
            record[key] = _as_text(data.get(key)) if key != "tags" else data.get(key)
            line = lines.get((key,))
            record[f"{ROW}:{key}"] = split.start if line is None else _row(split, line)
            if key in _REQUIRED and key not in data:
                absent.add((rel, key))
        records.append(record)
    if not records:
        return NOTES.empty(), problems

    frame = pd.DataFrame.from_records(records)
    tags = frame["tags"]
    frame["tags"] = ""
    out, more = coerce(frame, NOTES, manifest)
    for p in more:
        if (p.file, p.column) in absent and p.found == MISSING:
            p = Problem(p.file, p.row, p.column, tr(f"文首信息中的键「{p.column}」", f"the front-matter key {p.column!r}"),
                        MISSING)
        problems.append(p)
    wrong = frame["id"].ne("") & frame["id"].ne(frame["_stem"])
    problems += [
        Problem(f, int(r), "id", tr(f"去掉扩展名的文件名（「{stem}」）", f"the file name without its extension ({stem!r})"), i)
        for f, r, stem, i in zip(frame.loc[wrong, FILE], frame.loc[wrong, f"{ROW}:id"],
                                 frame.loc[wrong, "_stem"], frame.loc[wrong, "id"])
    ]
    # the file name is the note id: the one file-id rule (ASCII, no look-alike or invisible
    # character, no device name, no two ids differing only by case)
    problems += file_id_problems(zip(frame[FILE], frame[f"{ROW}:id"].astype(int), ["id"] * len(frame),
                                     frame["_stem"]), "note id")
    out["tags"] = [_tags(t) for t in tags]
    out["text"] = frame["_body"]
    out["file"] = frame[FILE]
    return NOTES.finalize(out), problems


# ---------------------------------------------------------------------------------------------
# the three formats


def _not_files(folder: Path) -> list[Problem]:
    """One problem per entry of ``notes/`` that is not a regular file (never opened: a FIFO would block).

    A folder, a named pipe, a device, a link to nothing or a link loop would otherwise be
    skipped in silence, and the note the consultant meant to add be missing from every analysis.
    """
    problems = []
    for entry in sorted(folder.iterdir()):
        if is_ignored(entry) or entry.is_file():
            continue
        if entry.is_symlink() and not entry.exists():
            try:
                entry.resolve(strict=True)
                found = tr("指向不存在目标的链接", "a link to nothing")
            except RuntimeError:
                found = tr("无法跟随的链接（循环）", "a link that cannot be followed (a loop)")
            except OSError as exc:
                found = (tr("无法跟随的链接（循环）", "a link that cannot be followed (a loop)") if exc.errno == errno.ELOOP
                         else tr("指向不存在目标的链接", "a link to nothing"))
        elif entry.is_dir():
            found = tr("一个文件夹", "a folder")
        elif entry.is_fifo():
            found = tr("命名管道（FIFO）", "a named pipe (FIFO)")
        else:
            found = tr("特殊文件（设备或套接字）", "a special file (device or socket)")
        problems.append(Problem(f"{NOTES_DIR}/{entry.name}", None, None,
                                tr("笔记文件（.md、.txt 或 .docx）；notes/ 中的其他内容不会读取",
                                   "a note file (.md, .txt or .docx); other entries of notes/ are not read"), found))
    return problems


def _read_plain(path: Path, rel: str) -> tuple[_Split | None, list[Problem]]:
    """A Markdown or plain-text note: UTF-8, GB18030/GBK or UTF-16; front matter from line 1."""
    text, problems = read_text(path, rel, legacy=True)
    if text is None:
        return None, problems
    too_long = check_note_text(text, rel)
    if too_long:
        return None, problems + too_long
    front, body, more = split_front_matter(text, rel)
    if front is None:
        return None, problems + more
    n = front.count("\n") + 1
    return _Split(front, list(range(2, n + 2)), 1, body), problems + more


def _read_docx(path: Path, rel: str) -> tuple[_Split | None, list[Problem]]:
    """A Word note: the first paragraphs are the front matter, the rest the body."""
    blocks, problems = _docx_blocks(path, rel)
    if blocks is None:
        return None, problems
    # one line per paragraph line (a Shift+Enter line break splits a paragraph into lines); a
    # paragraph with a bottom border (Word's autocorrect of a "---" typed below it) ends with a rule
    lines: list[tuple[int, int, str, bool]] = []
    for i, (row, text, rule_after) in enumerate(blocks):
        parts = text.split("\n")
        lines += [(row, i, line, rule_after and k == len(parts) - 1) for k, line in enumerate(parts)]
    at = next((k for k, line in enumerate(lines) if line[2].strip()), None)
    if at is None:
        return None, [Problem(rel, 1, None, tr("以“---”段落开头的文首信息", "front matter starting with a '---' paragraph"),
                              tr("空文档", "an empty document"))]
    start, _, first, _ = lines[at]
    if not _DOCX_RULE.fullmatch(first.strip()):
        return None, [Problem(rel, start, None, tr("以“---”段落开头的文首信息", "front matter starting with a '---' paragraph"),
                              first.strip()[:40])]
    for k in range(at + 1, len(lines)):
        row, block, line, rule_after = lines[k]
        if _DOCX_RULE.fullmatch(line.strip()) or line.strip() == "..." or rule_after:
            front_lines = lines[at + 1:k + 1] if rule_after else lines[at + 1:k]
            front = "\n".join(text.translate(_DOCX_FRONT) for _, _, text, _ in front_lines)
            rest = [text for _, b, text, _ in lines[k + 1:] if b == block]  # after the rule, same paragraph
            paragraphs = (["\n".join(rest)] if rest else []) + [text for _, text, _ in blocks[block + 1:]]
            body = "\n\n".join(p.strip() for p in paragraphs if p.strip())
            return _Split(front, [r for r, _, _, _ in front_lines], start, body), []
    return None, [Problem(rel, lines[-1][0], None, tr("文首信息之后的结束段落“---”",
                                                       "a closing '---' paragraph after the front matter"),
                          tr("文档结束", "end of document"))]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_blocks(path: Path, rel: str) -> tuple[list[tuple[int, str, bool]] | None, list[Problem]]:
    """Return the body's paragraphs and tables as ``(number, text, border below)``, in order.

    Text inserted with tracked changes is kept and deleted text left out (python-docx's own
    ``Paragraph.text`` would drop insertions); paragraphs inside content controls are included.
    Word's autocorrect turns a typed ``---`` into a bottom border: an empty paragraph with one
    reads as ``---``, and the flag says when a paragraph with text has one.
    """
    import docx  # python-docx; imported here so that reading Markdown bundles does not load it

    try:
        check_archive_file(path, rel, total=MAX_DOCUMENT_UNPACKED_BYTES)
    except InputFileError as exc:
        return None, exc.problems
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - a damaged zip or XML raises many types
        return None, [Problem(rel, None, None, tr("能打开的 Word 文档（.docx）", "a Word document (.docx) that opens"),
                              f"{type(exc).__name__}: {exc}")]
    blocks: list[tuple[int, str, bool]] = []
    for element in _body_elements(document.element.body):
        border = False
        if element.tag == f"{_W}p":
            text = docx_paragraph_text(element)
            bottom = element.find(f"{_W}pPr/{_W}pBdr/{_W}bottom")
            border = bottom is not None and bottom.get(f"{_W}val") not in ("nil", "none")
            if border and not text.strip():
                text, border = "---", False
        else:
            text = _table_text(element)
        blocks.append((len(blocks) + 1, text, border))
    return blocks, []


def _body_elements(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell, looking inside content controls."""
    for child in container:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in (f"{_W}customXml", f"{_W}ins"):
            yield from _body_elements(child)


def _table_text(tbl: Any) -> str:
    """One line per row, the non-empty cells separated by `` | `` (a cell's lines joined by spaces)."""
    rows = []
    for row in tbl.iter(f"{_W}tr"):
        if row.getparent() is not tbl:
            continue  # a nested table's rows belong to its cell
        cells = []
        for tc in row.findall(f"{_W}tc"):
            texts = [docx_paragraph_text(e) if e.tag == f"{_W}p" else _table_text(e) for e in _body_elements(tc)]
            cell = " ".join(" ".join(t.split()) for t in texts if t.strip())
            if cell:
                cells.append(cell)
        if cells:
            rows.append(" | ".join(cells))
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------
# helpers


def _row(split: _Split, line: int) -> int:
    """The file row of line ``line`` (1-based) of the front matter."""
    if 1 <= line <= len(split.front_rows):
        return split.front_rows[line - 1]
    return (split.front_rows[-1] + 1) if split.front_rows else split.start + 1


def _at_row(problem: Problem, split: _Split) -> Problem:
    if problem.row is None:
        return problem
    return Problem(problem.file, _row(split, problem.row), problem.column, problem.expected, problem.found)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return tuple(split_list(pd.Series([str(value)])).iloc[0])
