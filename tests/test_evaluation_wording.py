"""How the evaluation writes numbers: the change shown is the difference of the levels shown,
negatives take the minus sign, and units read as a client expects."""

from __future__ import annotations

from casekit.analysis.evaluation.wording import amount_text, change_words, level_text, people_text, range_text
from casekit.formatting import MINUS


def test_the_change_is_the_difference_of_the_shown_levels():
    assert (level_text(0.324, "share"), level_text(0.586, "share")) == ("32%", "59%")
    assert change_words(0.324, 0.586, "share") == ("升至", "增加 27 个百分点")  # not the 26 of 0.262
    assert change_words(2.333, 3.216, "score") == ("升至", "增加 0.89 分")
    assert change_words(95.2, 91.0, "percent") == ("降至", "减少 4 个百分点")
    assert change_words(0.501, 0.499, "share") == ("保持在", "没有变化")


def test_negatives_use_the_minus_sign():
    assert amount_text(-0.12, "share") == f"{MINUS}12 个百分点"
    assert range_text(-0.05, 0.2, "share") == f"可能范围 {MINUS}5 至 +20 个百分点"
    assert range_text(float("nan"), 0.2, "share") == "无法估计可能范围"
    assert range_text(-1.4, 1.2, "share") == f"可能范围 {MINUS}100 至 +100 个百分点"  # a share moves 100 at most
    assert amount_text(-0.004, "share") == "0 个百分点"


def test_small_counts_are_never_printed():
    assert people_text(3, 5) == "不足5人" and people_text(12, 5) == " 12 人"
