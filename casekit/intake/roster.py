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
from dataclasses import dataclass
from pathlib import Path

from casekit.exceptions import BundleValidationError, InputFileError, Problem
from casekit.files import write_atomic
from casekit.intake.bounded import csv_records, read_bytes

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


@dataclass(frozen=True)
class RosterEntry:
    """One known person or company.

    Parameters
    ----------
    kind : str
        ``person`` or ``company``.
    name : str
        The canonical name (the key of its pseudonym).
    aliases : tuple of str
        Other ways the notes write it (``王经理``, ``老王``, ``华夏``).
    """

    kind: str
    name: str
    aliases: tuple[str, ...] = ()


def _read_csv(path: Path, rel: str, columns: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """The rows of a private CSV as ``(line, {column: text})``, with every problem of the file."""
    try:
        data = read_bytes(path, rel)
    except InputFileError as exc:
        return [], exc.problems
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return [], [Problem(rel, None, None, "a UTF-8 CSV file (Excel: 'CSV UTF-8')", "another encoding")]
    try:
        records, lines = csv_records(text, rel)
    except InputFileError as exc:
        return [], exc.problems
    header = [h.strip() for h in (records[0] if records else [])]
    missing = [c for c in columns[:2] if c not in header]
    if missing:
        return [], [Problem(rel, 1, c, f"a column {c!r}", ", ".join(header) or "<no header>")
                    for c in missing]
    problems: list[Problem] = []
    rows = []
    width = len(header)
    for record, line in zip(records[1:], lines[1:]):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(Problem(rel, line, None, f"at most {width} cells (one per column: {', '.join(header)})",
                                    f"{len(record)} cells"))
        clean = {h: (record[k].strip() if k < len(record) else "") for k, h in enumerate(header) if h}
        if any(clean.values()):
            rows.append((line, clean))
    return rows, problems


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
        If the file cannot be read, lacks the ``kind``/``name`` columns or has a row whose kind
        is not ``person``/``company`` or whose name is empty (all problems at once).
    """
    path = Path(root) / ROSTER_FILE
    if not path.is_file():
        return []
    rows, problems = _read_csv(path, ROSTER_FILE, ROSTER_COLUMNS)
    entries: list[RosterEntry] = []
    for row_number, row in rows:
        kind = _KINDS.get(row.get("kind", "").lower())
        name = row.get("name", "")
        if kind is None:
            problems.append(Problem(ROSTER_FILE, row_number, "kind", "person or company",
                                    row.get("kind", "") or "<missing>"))
        if not name:
            problems.append(Problem(ROSTER_FILE, row_number, "name", "a name", "<missing>"))
        if kind is None or not name:
            continue
        raw = row.get("aliases", "")
        for sep in ("；", "、", "，", ","):
            raw = raw.replace(sep, ";")
        aliases = tuple(a.strip() for a in raw.split(";") if a.strip() and a.strip() != name)
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
