"""Tables that fit a terminal: Chinese-width-aware alignment, truncated text, dropped columns.

A CJK character takes two terminal cells, so ``DataFrame.to_string`` (which counts characters)
misaligns Chinese columns. :func:`render` measures with :func:`cell_width` (East Asian width from
the standard library's :mod:`unicodedata`), right-aligns numbers, left-aligns text, and fits the
table into a width:

1. headers wider than their column wrap onto a second line;
2. text cells (never numbers) are shortened with ``…``: ids first (their Chinese label is beside
   them), then the widest text column first, down to
   :data:`SHORT_TEXT_WIDTH` cells, then (if need be) down to :data:`MIN_TEXT_WIDTH`;
3. if it still does not fit, the rightmost columns are left out (:attr:`TableText.dropped`).

:func:`terminal_width` is the width to fit: ``COLUMNS`` when set, the terminal's own width when
standard output is a terminal, else :data:`PIPE_WIDTH`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from casekit.cell_width import ELLIPSIS, cell_width, char_width, truncate

__all__ = ["ELLIPSIS", "MIN_TEXT_WIDTH", "PIPE_WIDTH", "SHORT_TEXT_WIDTH", "TableText", "align", "cell_width", "render",
           "terminal_width",
           "truncate"]

#: Width used when standard output is not a terminal (a pipe, a file) and ``COLUMNS`` is unset.
PIPE_WIDTH = 100
#: A text column is not shortened below this many cells (nor below its header's half) ...
MIN_TEXT_WIDTH = 8
#: ... and below this many only when the table would otherwise lose columns.
SHORT_TEXT_WIDTH = 12
#: Between two columns.
GAP = "  "


def _split(text: str, width: int) -> tuple[str, str]:
    """The first ``width`` cells of ``text`` and the rest."""
    used = 0
    for i, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:i], text[i:]
    return text, ""


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - cell_width(text))
    return space + text if right else text + space


def terminal_width() -> int:
    """Cells per line to fit: ``COLUMNS`` if set, the terminal's width on a terminal, else 100."""
    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit() and int(columns) > 0:
        return int(columns)
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - closed or replaced stdout
        tty = False
    return shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if tty else PIPE_WIDTH


@dataclass(frozen=True)
class TableText:
    """A rendered table.

    Attributes
    ----------
    lines : list of str
        Header line(s), then one line per row; none wider than the width asked for (unless a
        single column is wider by itself).
    dropped : list of str
        Headers of the columns left out because they did not fit, left to right.
    """

    lines: list[str]
    dropped: list[str] = field(default_factory=list)


def _header_lines(header: str, width: int) -> list[str]:
    """``header`` in ``width`` cells: one line, or two (broken before ``（`` or ``编号`` when it can be)."""
    if cell_width(header) <= width:
        return [header]
    for cut in (header.find("（"), len(header) - 2 if header.endswith("编号") else -1):
        if cut > 0 and cell_width(header[:cut]) <= width and cell_width(header[cut:]) <= width:
            return [header[:cut], header[cut:]]
    first, rest = _split(header, width)
    return [first, truncate(rest, width)]


def _two_line_width(header: str) -> int:
    """Fewest cells ``header`` fits in, whole, on at most two lines."""
    width = max(-(-cell_width(header) // 2), 1)
    while ELLIPSIS in "".join(_header_lines(header, width)[1:]) and width < cell_width(header):
        width += 1
    return width


def _total(widths: Sequence[int]) -> int:
    """Cells a line of columns this wide takes."""
    return sum(widths) + len(GAP) * max(len(widths) - 1, 0)


def _fit(headers: Sequence[str], body: Sequence[int], numeric: Sequence[bool], ids: Sequence[bool],
         width: int) -> list[int]:
    """Column widths for these columns, as narrow as needed to fit ``width`` and as allowed."""
    n = len(headers)
    widths = [max(body[i], cell_width(headers[i])) for i in range(n)]
    # 1. headers on two lines where they are wider than their cells, the biggest saving first
    wrapped = [max(body[i], _two_line_width(headers[i])) for i in range(n)]
    for i in sorted(range(n), key=lambda i: (wrapped[i] - widths[i], i)):
        if _total(widths) <= width:
            break
        widths[i] = min(widths[i], wrapped[i])
    # 2. shorten text (never numbers): ids first (their label is beside them), then the widest
    #    text column first; short labels stay whole as long as they can: the floor comes down
    #    one cell at a time
    _shrink(widths, [min(widths[i], max(MIN_TEXT_WIDTH, _two_line_width(headers[i]))) if ids[i] and not numeric[i]
                     else widths[i] for i in range(n)], width)
    for least in range(SHORT_TEXT_WIDTH, MIN_TEXT_WIDTH - 1, -1):
        if _total(widths) <= width:
            break
        floor = [widths[i] if numeric[i] else min(widths[i], max(least, _two_line_width(headers[i])))
                 for i in range(n)]
        _shrink(widths, floor, width)
    return widths


def _shrink(widths: list[int], floor: Sequence[int], limit: int) -> None:
    """Narrow ``widths`` in place, the one furthest above its floor first, until ``total`` fits."""
    while _total(widths) > limit:
        room = [(widths[i] - floor[i], i) for i in range(len(widths)) if widths[i] > floor[i]]
        if not room:
            return
        widths[max(room)[1]] -= 1


def align(headers: Sequence[str], rows: Sequence[Sequence[str]],
          numeric: Sequence[bool] | None = None) -> list[str]:
    """Lay out a table with Chinese-width-aware alignment and nothing cut or left out.

    For tables whose every cell must be read whole (a verdict, an interval with its unit):
    columns are as wide as their widest cell, measured in terminal cells, so a line may be wider
    than the terminal, as ``DataFrame.to_string`` would make it, but the columns line up.

    Parameters
    ----------
    headers : sequence of str
    rows : sequence of sequences of str
        Cells, one string each.
    numeric : sequence of bool, optional
        Per column: right-aligned (default: every column left-aligned).

    Returns
    -------
    list of str
        The header line, then one line per row.

    Examples
    --------
    >>> print("\\n".join(align(["分组", "人数"], [["北京", "14 人"], ["全部参训地区", "71 人"]])))
    分组          人数
    北京          14 人
    全部参训地区  71 人
    """
    right = list(numeric) if numeric is not None else [False] * len(headers)
    widths = [max([cell_width(h)] + [cell_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    return [GAP.join(_pad(c, widths[i], right[i]) for i, c in enumerate(cells)).rstrip()
            for cells in [list(headers), *map(list, rows)]]


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool],
           width: int, ids: Sequence[bool] | None = None) -> TableText:
    """Lay out a table of already formatted cells within ``width`` terminal cells.

    Parameters
    ----------
    headers : sequence of str
        Column headers.
    rows : sequence of sequences of str
        Cells, one string each (numbers formatted, missing values as ``-``).
    numeric : sequence of bool
        Per column: right-aligned and never shortened.
    width : int
        Most cells per line.
    ids : sequence of bool, optional
        Per column: an id with a label beside it, shortened before any other text.

    Returns
    -------
    TableText
    """
    n = len(headers)
    body = [max([0] + [cell_width(r[i]) for r in rows]) for i in range(n)]
    ids = list(ids) if ids is not None else [False] * n
    kept = n
    widths = _fit(headers, body, numeric, ids, width)
    while kept > 1 and _total(widths) > width:  # 3. leave out the rightmost columns, fit the rest again
        kept -= 1
        widths = _fit(headers[:kept], body[:kept], numeric[:kept], ids[:kept], width)

    header_parts = [_header_lines(headers[i], widths[i]) for i in range(kept)]
    depth = max((len(p) for p in header_parts), default=1)
    lines = []
    for line in range(depth):
        cells = [p[line] if line < len(p) else "" for p in header_parts]
        lines.append(GAP.join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(cells)).rstrip())
    for row in rows:
        lines.append(GAP.join(_pad(row[i] if numeric[i] else truncate(row[i], widths[i]), widths[i], numeric[i])
                              for i in range(kept)).rstrip())
    return TableText(lines, list(headers[kept:]))
