"""reviews_360.csv: rater groups, items of the codebook, scores on the review scale."""

from __future__ import annotations

from conftest import MINI

from casekit.intake import load_bundle, validate_bundle

HEADER = "manager_id,region,rater_group,rater_token,item_id,score"


def test_reviews_carry_dimension_and_numeric_score():
    r = load_bundle(MINI).reviews_360
    row = r.loc[(r["manager_id"] == "13800000009") & (r["rater_token"] == "T02")].iloc[0]
    assert (row["rater_group"], row["dimension"], row["score"]) == ("superior", "strategy", 5.0)  # 非常符合
    assert set(r["rater_group"]) == {"account_manager", "superior", "self", "support"}
    assert set(r["top_region_id"]) == {"beijing", "hebei"}


def _problems(mini_copy, rows):
    root = mini_copy({"reviews_360.csv": HEADER + "\n" + "\n".join(rows) + "\n"})
    return [(p.row, p.column, p.found) for p in validate_bundle(root) if p.file == "reviews_360.csv"]


def test_scores_outside_the_scale(mini_copy):
    assert _problems(mini_copy, ["M1,北京,本人,T1,r360_strategy_1,0", "M1,北京,本人,T1,r360_leadership_1,4.5"]) == [
        (2, "score", "0"), (3, "score", "4.5")]


def test_one_token_one_rater_group(mini_copy):
    assert _problems(mini_copy, ["M1,北京,本人,T1,r360_strategy_1,3", "M1,北京,上级主管,T1,r360_leadership_1,4"]) == [
        (2, "rater_group", "本人"), (3, "rater_group", "上级主管")]


def test_missing_column(mini_copy):
    root = mini_copy({"reviews_360.csv": "manager_id,region,rater_group,item_id,score\nM1,北京,本人,r360_strategy_1,3\n"})
    assert [(p.row, p.column, p.found) for p in validate_bundle(root)] == [(1, "rater_token", "<missing>")]
