"""Any CSV/XLSX with one header row: the fallback reader when no platform is recognised.

A plain table says nothing about its questions, so every column is ``kind="open"`` and there is
no metadata. Keys follow the model's conventions where the header tells the question number:

* ``1. 您的岗位``, ``1、您的岗位``, ``Q1 您的岗位`` → ``Q1`` (stem ``您的岗位``);
* several columns with the same number (``3.服务意识—我会…``, ``3.服务意识—我能…``, or ``Q3_1``,
  ``Q3_2``) are the rows of one matrix question → ``Q3_1``, ``Q3_2`` …; the part the headers
  share (up to a separator such as ``—``, ``:``, ``(``) is the stem, the rest the ``sub_item``;
* any other header → a slug of the header (:func:`slug`, shared by every reader: lower case, runs
  of non-word characters → ``_``; Chinese characters are kept), ``col<n>`` for a blank header, with ``_2``, ``_3`` … appended
  to repeated keys.

The header is the first non-blank row; fully blank rows below it are skipped. A cell is
``"empty"`` when blank, else ``"answered"``.
"""

from __future__ import annotations

import re
from pathlib import Path

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys._build import assemble
from casekit.surveys._io import Grid, read_grid
from casekit.surveys._parse import clean_cell, guarded, slug
from casekit.surveys.model import ExportColumn, SurveyExport
from casekit.surveys.registry import Reader, register_reader
from casekit.language import tr

__all__ = ["READER", "PLATFORM", "question_number", "read", "slug", "sniff"]

PLATFORM = "plain"

#: ``1.`` ``1、`` ``1．`` ``1:`` ``1)`` ``（1）``-free numbering, or ``Q1`` / ``q1`` / ``Q1_2``.
_NUMBERED = re.compile(
    r"^\s*(?:[Qq](?P<q>\d{1,4})(?![0-9A-Za-z])[\s._\-:：、．)）]*"
    r"|(?P<n>\d{1,4})\s*[.、．:：)）](?!\d))\s*(?P<rest>.*)$",
    re.DOTALL,
)
#: Separators between a matrix question's stem and its row in a header.
_STEM_SEPARATORS = "—–-:：_|｜(（[【"
_CLOSERS = ")）]】"


def question_number(header: str) -> tuple[int, str] | None:
    """Return ``(number, rest)`` when the header starts with a question number, else None.

    Examples
    --------
    >>> question_number("3、您对培训的总体评价")
    (3, '您对培训的总体评价')
    >>> question_number("Q12_3")
    (12, '3')
    >>> question_number("2008年业绩") is None
    True
    """
    m = _NUMBERED.match(header)
    if not m:
        return None
    number = int(m.group("q") or m.group("n"))
    return number, m.group("rest").strip()


def sniff(grid: Grid) -> bool:
    """Return True when the grid has any non-blank cell (a plain table matches anything)."""
    return any(clean_cell(c) for row in grid.rows for c in row)


def _split_stem(rests: list[str]) -> tuple[str, list[str | None]]:
    """The stem shared by a matrix question's headers and each column's own part."""
    if len(rests) < 2:
        return (rests[0] if rests else ""), [None] * len(rests)
    prefix = rests[0]
    for r in rests[1:]:
        i = 0
        while i < min(len(prefix), len(r)) and prefix[i] == r[i]:
            i += 1
        prefix = prefix[:i]
    # cut back to the last separator so that the stem ends where a row title starts
    cut = max((prefix.rfind(s) for s in _STEM_SEPARATORS), default=-1)
    if cut < 0:
        return "", [r or None for r in rests]
    stem = prefix[:cut].strip()
    subs = [r[cut + 1:].strip().rstrip(_CLOSERS).strip() or None for r in rests]
    return stem, subs


def _columns(header: list[str]) -> list[ExportColumn]:
    numbered = [question_number(h) for h in header]
    by_number: dict[int, list[int]] = {}
    for i, q in enumerate(numbered):
        if q is not None:
            by_number.setdefault(q[0], []).append(i)
    keys: list[str] = [""] * len(header)
    stems: list[str] = [""] * len(header)
    subs: list[str | None] = [None] * len(header)
    for number, idx in by_number.items():
        rests = [numbered[i][1] for i in idx]  # type: ignore[index]
        if len(idx) == 1:
            keys[idx[0]], stems[idx[0]] = f"Q{number}", rests[0]
            continue
        stem, own = _split_stem(rests)
        for k, (i, sub) in enumerate(zip(idx, own), start=1):
            keys[i], stems[i], subs[i] = f"Q{number}_{k}", stem, sub
    for i, h in enumerate(header):
        if not keys[i]:
            keys[i] = slug(h) or f"col{i + 1}"
    seen: dict[str, int] = {}
    taken = set(keys)
    out = []
    for i, key in enumerate(keys):
        if key in seen:
            n = seen[key] + 1
            while f"{key}_{n}" in taken:
                n += 1
            seen[key] = n
            key = f"{key}_{n}"
            taken.add(key)
        else:
            seen[key] = 1
        q = numbered[i]
        out.append(ExportColumn(key=key, header=header[i], kind="open",
                                question_no=q[0] if q else None, stem=stems[i], sub_item=subs[i]))
    return out


def read(path: str | Path, *, sheet: str | int | None = None, grid: Grid | None = None) -> SurveyExport:
    """Read a CSV/XLSX table with one header row.

    Parameters
    ----------
    path : str or Path
        The file (``.csv``/``.txt``/``.tsv`` or ``.xlsx``).
    sheet : str or int, optional
        Workbook sheet; default the first.
    grid : Grid, optional
        The file already read by :func:`~casekit.surveys._io.read_grid` (``read_export``
        passes the grid it used for detection, so the file is read once).

    Returns
    -------
    SurveyExport
        ``platform="plain"``, every column ``kind="open"``, keys as described in the module.

    Raises
    ------
    SurveyFileError
        If the file cannot be read or holds only blank rows. Cells beyond the header (under a
        blank header cell) become columns ``col<n>`` rather than being dropped.
    """
    path = Path(path)
    return guarded(path, "CSV/XLSX table", lambda: _read(path, sheet, grid))


def _read(path: Path, sheet: str | int | None, grid: Grid | None) -> SurveyExport:
    rel = path.name
    grid = grid if grid is not None else read_grid(path, sheet=sheet)
    rows = [[clean_cell(c).replace("\ufeff", "") for c in r] for r in grid.rows]
    start = next((i for i, r in enumerate(rows) if any(r)), None)
    if start is None:
        raise SurveyFileError([Problem(rel, None, None, tr("写着各列名称的表头行", "a header row naming the columns"),
                                       tr("只有空行", "only blank rows"))])
    header = rows[start]
    while header and not header[-1]:  # trailing blank header cells (spreadsheet padding)
        header = header[:-1]
    body = [(grid.line_numbers[i], r) for i, r in enumerate(rows) if i > start and any(r)]
    width = max([len(header)] + [len(r) - _trailing_blank(r) for _, r in body])
    if width > len(header):
        # data under a blank header: give those columns a name rather than losing them
        header = header + [""] * (width - len(header))
    columns = _columns(header)
    values: list[list[str]] = []
    statuses: list[list[str]] = []
    lines: list[int] = []
    for line, r in body:
        cells = (r + [""] * width)[:width]
        values.append(cells)
        statuses.append(["answered" if c else "empty" for c in cells])
        lines.append(line)
    return assemble(path, PLATFORM, grid.encoding, columns, values, statuses, lines)


def _trailing_blank(row: list[str]) -> int:
    n = 0
    for c in reversed(row):
        if c:
            break
        n += 1
    return n


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "普通表格", read, sniff, priority=-100))
