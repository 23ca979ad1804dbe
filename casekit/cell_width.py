"""How wide text is on a terminal: a CJK character takes two cells, a combining mark none.

``len()`` counts characters, so Chinese text measured with it misaligns tables and overflows a
progress line. :func:`cell_width` measures in terminal cells (East Asian width from the standard
library's :mod:`unicodedata`, no dependency), :func:`truncate` cuts to a number of cells. Used by
the terminal tables (:mod:`casekit.cli.terminal_table`) and the progress line
(:mod:`casekit.progress`).
"""

from __future__ import annotations

import unicodedata

__all__ = ["ELLIPSIS", "cell_width", "char_width", "truncate"]

#: Marks shortened text.
ELLIPSIS = "…"


def char_width(char: str) -> int:
    """Terminal cells one character takes: 2 wide (CJK, full-width), 0 combining or format, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: 2 per wide (CJK, full-width) character, 0 per combining mark.

    Examples
    --------
    >>> cell_width("北京"), cell_width("beijing"), cell_width("占比（%）")
    (4, 7, 9)
    """
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``…`` when something was cut.

    Examples
    --------
    >>> truncate("市场分析与策略", 9), truncate("北京", 9)
    ('市场分析…', '北京')
    """
    if cell_width(text) <= width:
        return text
    out, used = [], cell_width(ELLIPSIS)
    for char in text:
        w = char_width(char)
        if used + w > width:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS
