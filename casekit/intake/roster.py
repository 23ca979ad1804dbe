"""A bundle's private roster (``_private/roster.csv``) and pseudonym table (``_private/pseudonyms.csv``).

Both files live in the bundle's raw data area ``_private/``, which casekit never copies into a
report; ``casekit validate`` checks them (:func:`private_problems`) like every file it reads. The roster lists the names the consultants know (customers' companies,
interviewees, contacts) so that the redaction finds them even where no pattern would; the
pseudonym table remembers which pseudonym each name received, so the same person or company
keeps its pseudonym across every note of the bundle and across runs (see ``docs/redaction.md``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from casekit.exceptions import BundleValidationError, InputFileError, Problem
from casekit.files import write_atomic
from casekit.bounded import MAX_CELLS, read_bytes
from casekit.privacy.redaction.entries import RosterEntry
from casekit.language import tr

__all__ = [
    "PRIVATE_DIR",
    "PSEUDONYMS_FILE",
    "PSEUDONYM_COLUMNS",
    "ROSTER_COLUMNS",
    "ROSTER_FILE",
    "RosterEntry",
    "private_problems",
    "read_pseudonyms",
    "read_roster",
    "write_pseudonyms",
]

#: The bundle's raw data area (its name starts with ``_``: not read as research data; its two
#: files are still validated).
PRIVATE_DIR = "_private"
#: ``kind,name,aliases``: names the consultants know.
ROSTER_FILE = f"{PRIVATE_DIR}/roster.csv"
#: ``kind,original,pseudonym``: every pseudonym handed out, in the order they were first used.
PSEUDONYMS_FILE = f"{PRIVATE_DIR}/pseudonyms.csv"

ROSTER_COLUMNS: tuple[str, ...] = ("kind", "name", "aliases")
PSEUDONYM_COLUMNS: tuple[str, ...] = ("kind", "original", "pseudonym")
_KINDS = {"person": "person", "company": "company", "人名": "person", "人": "person",
          "企业": "company", "公司": "company", "单位": "company"}


def _records(text: str, rel: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Each line of a private CSV as its own record ``(line, cells)``, with the problems.

    A name never spans lines, so no cell of these files may: a quote opened in one row and
    closed rows later (``company,"明大地产,`` … ``person,郝建平,郝总;老郝"``) would otherwise
    swallow the rows between into one cell and drop their names out of the redaction without a
    word. Parsing line by line keeps those rows, and the lines with an unbalanced quote are
    reported (the last line's too).
    """
    records: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    cells = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = next(csv.reader([line], strict=True))
        except csv.Error:
            record = None
        if record is None or line.count('"') % 2:
            shown = line if len(line) <= 60 else line[:60] + "…"
            problems.append(Problem(rel, number, None,
                                    tr('每个带引号的单元格在同一行内都有结束的引号（"）（一行一条记录）',
                                       'a closing quote (") for each quoted cell, on the same line (one row per line)'),
                                    tr(f"引号不成对：{shown}", f"an unbalanced quote in: {shown}")))
            continue
        cells += len(record)
        if cells > MAX_CELLS:
            problems.append(Problem(rel, number, None, tr(f"不超过 {MAX_CELLS:,} 格的表格（见 docs/limits.md）",
                                                          f"a table of at most {MAX_CELLS:,} cells (docs/limits.md)"),
                                    tr(f"到第 {number:,} 行已超过 {MAX_CELLS:,} 格",
                                       f"more than {MAX_CELLS:,} cells by line {number:,}")))
            break
        records.append((number, record))
    return records, problems


def _read_csv(path: Path, rel: str, columns: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """The rows of a private CSV as ``(line, {column: text})``, with every problem of the file."""
    try:
        data = read_bytes(path, rel)
    except InputFileError as exc:
        return [], exc.problems
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return [], [Problem(rel, None, None, tr("UTF-8 编码的 CSV 文件（Excel 另存为“CSV UTF-8”）",
                                                "a UTF-8 CSV file (Excel: 'CSV UTF-8')"), tr("其他编码",
                                                                                             "another encoding"))]
    records, problems = _records(text, rel)
    header = [h.strip() for h in (records[0][1] if records else [])]
    missing = [c for c in columns[:2] if c not in header]
    if missing:
        return [], [*problems, *(Problem(rel, 1, c, tr(f"「{c}」列", f"a column {c!r}"),
                                         ", ".join(header) or tr("（没有表头）", "<no header>"))
                                 for c in missing)]
    rows = []
    width = len(header)
    for line, record in records[1:]:
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(Problem(rel, line, None, tr(f"最多 {width} 格（每列一格：{'、'.join(header)}）",
                                                        f"at most {width} cells (one per column: {', '.join(header)})"),
                                    tr(f"{len(record)} 格", f"{len(record)} cells")))
            continue
        clean = {h: (record[k].strip() if k < len(record) else "") for k, h in enumerate(header) if h}
        if any(clean.values()):
            rows.append((line, clean))
    return rows, sorted(problems, key=lambda p: p.row or 0)


def private_problems(root: str | Path) -> list[Problem]:
    """Every problem of the bundle's private files (roster and pseudonym table), for validation.

    ``casekit validate`` checks them like every other file casekit reads: a broken roster
    would otherwise drop names out of the redaction without a word.

    Parameters
    ----------
    root : str or Path
        The bundle folder.

    Returns
    -------
    list of Problem
        Empty when both files are absent or clean.
    """
    problems: list[Problem] = []
    for read in (read_roster, read_pseudonyms):
        try:
            read(root)
        except BundleValidationError as exc:
            problems += exc.problems
    return problems


def read_roster(root: str | Path) -> list[RosterEntry]:
    """Read ``<root>/_private/roster.csv``; an absent file is an empty roster.

    Parameters
    ----------
    root : str or Path
        The bundle folder.

    Returns
    -------
    list of RosterEntry
        In file order.

    Raises
    ------
    BundleValidationError
        If the file cannot be read, lacks the ``kind``/``name`` columns, has a line with an
        unbalanced quote (a cell that would span lines and swallow the rows after it) or more
        cells than columns, or a row whose kind is not ``person``/``company``, whose name is
        empty, or whose name or an alias is too short or too generic to redact safely (``李``,
        ``公司``, ``经理``: see :func:`casekit.privacy.redaction.unsafe_name`); all problems at
        once. A roster with problems is never used in part: the redaction refuses to run.
    """
    path = Path(root) / ROSTER_FILE
    if not path.is_file():
        return []
    # the redaction's vocabulary, loaded only when a bundle has a roster
    from casekit.privacy.redaction.redactor import unsafe_name

    rows, problems = _read_csv(path, ROSTER_FILE, ROSTER_COLUMNS)
    entries: list[RosterEntry] = []
    for row_number, row in rows:
        kind = _KINDS.get(row.get("kind", "").lower())
        name = row.get("name", "")
        if kind is None:
            problems.append(Problem(ROSTER_FILE, row_number, "kind", tr("person（人）或 company（公司）",
                                                                        "person or company"),
                                    row.get("kind", "") or "<missing>"))
        if not name:
            problems.append(Problem(ROSTER_FILE, row_number, "name", tr("名称", "a name"), "<missing>"))
        if kind is None or not name:
            continue
        raw = row.get("aliases", "")
        for sep in ("；", "、", "，", ","):
            raw = raw.replace(sep, ";")
        aliases = tuple(a.strip() for a in raw.split(";") if a.strip() and a.strip() != name)
        unsafe = [(column, form, why) for column, forms in (("name", (name,)), ("aliases", aliases))
                  for form in forms if (why := unsafe_name(kind, form))]
        for column, form, why in unsafe:
            problems.append(Problem(ROSTER_FILE, row_number, column, why, form))
        if unsafe:
            continue
        entries.append(RosterEntry(kind, name, aliases))
    if problems:
        raise BundleValidationError(problems)
    return entries


def read_pseudonyms(root: str | Path) -> list[tuple[str, str, str]]:
    """Read ``<root>/_private/pseudonyms.csv`` as ``(kind, original, pseudonym)`` rows, in order.

    Raises
    ------
    BundleValidationError
        If the file exists but cannot be read or lacks its columns.
    """
    path = Path(root) / PSEUDONYMS_FILE
    if not path.is_file():
        return []
    rows, problems = _read_csv(path, PSEUDONYMS_FILE, PSEUDONYM_COLUMNS)
    for row_number, row in rows:
        if not row.get("pseudonym"):
            problems.append(Problem(PSEUDONYMS_FILE, row_number, "pseudonym", "a pseudonym", "<missing>"))
    if problems:
        raise BundleValidationError(problems)
    return [(row.get("kind", ""), row.get("original", ""), row["pseudonym"]) for _, row in rows]


def write_pseudonyms(root: str | Path, rows: list[tuple[str, str, str]]) -> Path:
    """Write the pseudonym table atomically (UTF-8 with BOM, so Excel reads it right).

    Parameters
    ----------
    root : str or Path
        The bundle folder.
    rows : list of (kind, original, pseudonym)
        Every row, existing ones first, in the order they were handed out.

    Returns
    -------
    Path
        The file written.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PSEUDONYM_COLUMNS)
    writer.writerows(rows)
    path = Path(root) / PSEUDONYMS_FILE
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return path
