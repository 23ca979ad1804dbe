"""cell_width: terminal cells, so Chinese columns and the progress line line up."""

from __future__ import annotations

from casekit.cell_width import ELLIPSIS, cell_width, truncate


def test_a_chinese_character_takes_two_cells_and_a_combining_mark_none():
    assert cell_width("北京") == 4 and cell_width("beijing") == 7
    assert cell_width("（%）") == 5  # full-width brackets are wide, % is not
    assert cell_width("e\u0301") == 1  # e + combining acute accent
    assert cell_width("\u200b") == 0  # a zero-width space (format character)


def test_truncate_never_exceeds_the_width_and_marks_what_it_cut():
    for text in ("市场分析与策略", "beijing 北京", "a" * 30, "北京"):
        for width in range(2, 16):
            cut = truncate(text, width)
            assert cell_width(cut) <= width or cell_width(text) <= width
            assert (cut == text) == (cell_width(text) <= width)
            if cut != text:
                assert cut.endswith(ELLIPSIS) and text.startswith(cut[:-1])
    assert truncate("市场分析与策略", 9) == "市场分析…"
