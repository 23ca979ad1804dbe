"""360° reviews of sales managers: rater anonymity, self-other gaps, the region summary."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import MINI

from casekit.analysis.reviews_360 import (
    ALL_OTHERS,
    OTHER_RATERS,
    manager_review,
    review_summary,
    self_other_gap,
)
from casekit.exceptions import AnalysisError, RegionError
from casekit.intake import load_bundle

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
HEADER = "manager_id,region,rater_group,rater_token,item_id,score"


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE)


@pytest.fixture(scope="module")
def mini():
    return load_bundle(MINI)


def csv_rows(manager, region, raters, items=("r360_strategy_1",)):
    """raters: list of (group, score); tokens T1, T2, … in order."""
    return [f"{manager},{region},{group},T{i},{item},{score}"
            for i, (group, score) in enumerate(raters, start=1) for item in items]


def loaded(mini_copy, *managers):
    rows = [r for m in managers for r in csv_rows(*m)]
    return load_bundle(mini_copy({"reviews_360.csv": HEADER + "\n" + "\n".join(rows) + "\n"}))


# four managers, one dimension (strategy), each with a different rater mix
MIX = (
    ("M1", "北京", [("self", 5), ("account_manager", 3), ("account_manager", 3), ("account_manager", 4),
                    ("account_manager", 2), ("support", 4), ("support", 2), ("superior", 3)]),
    ("M2", "北京", [("self", 4), ("account_manager", 2), ("account_manager", 3), ("account_manager", 4),
                    ("support", 3), ("support", 3), ("support", 3), ("superior", 1)]),
    ("M3", "保定", [("本人", 4), ("客户经理", 2), ("客户经理", 3), ("上级主管", 4)]),
    ("M4", "保定", [("本人", 5), ("客户经理", 1), ("上级主管", 2)]),
)


@pytest.fixture
def mix(mini_copy):
    return loaded(mini_copy, *MIX)


def groups_of(review, manager):
    rows = review.loc[review["manager_id"] == manager]
    return {r.rater_group: (r.group_label, r.n_raters, r.mean, r.suppressed) for r in rows.itertuples()}


# --------------------------------------------------------------------------------------------
# manager_review: the anonymity rules


def test_small_groups_are_pooled_as_other_raters(mix):
    g = groups_of(manager_review(mix), "M1")      # AM 4, support 2 + superior 1 = 3
    assert g["self"] == ("本人", 1, 5.0, False)
    assert g["account_manager"] == ("客户经理", 4, 3.0, False)
    assert g[OTHER_RATERS] == ("其他评价者", 3, 3.0, False)
    assert "support" not in g and "superior" not in g


def test_a_lone_superior_is_folded_into_the_largest_group(mix):
    review = manager_review(mix)
    g = groups_of(review, "M2")                   # AM 3, support 3 (tie: AM first), superior 1
    assert g["account_manager"] == ("客户经理（含上级主管）", 4, 2.5, False)
    assert g["support"] == ("支撑人员", 3, 3.0, False)
    assert "superior" not in g
    row = review.loc[(review["manager_id"] == "M2") & (review["rater_group"] == "account_manager")].iloc[0]
    assert row["includes"] == ("account_manager", "superior")
    assert "上级主管评价人数不足3人" in row["note"]


def test_two_small_groups_reaching_three_are_shown_together(mix):
    g = groups_of(manager_review(mix), "M3")      # AM 2 + superior 1
    assert g[OTHER_RATERS] == ("其他评价者", 3, 3.0, False)


def test_fewer_than_three_others_show_nothing_but_the_self_rating(mix):
    g = groups_of(manager_review(mix), "M4")      # AM 1 + superior 1
    assert g["self"][2] == 5.0
    _, n, mean, suppressed = g[OTHER_RATERS]
    assert suppressed and np.isnan(mean) and n == 2
    gap = self_other_gap(mix).set_index("manager_id").loc["M4"]
    assert np.isnan(gap["others_mean"]) and np.isnan(gap["gap"]) and pd.isna(gap["flag"])
    assert "不足3人" in gap["note"]


def test_no_number_rests_on_fewer_than_three_raters_and_others_reveal_nothing(sample, mix):
    for bundle in (sample, mix):
        review = manager_review(bundle)
        others = review.loc[(review["rater_group"] != "self") & ~review["suppressed"]]
        assert (others["n_raters"] >= 3).all()
        assert "superior" not in set(others["rater_group"])       # one superior: never alone
        # the shown groups partition all non-self raters: "all others" is their weighted mean,
        # so subtracting shown groups from it leaves nothing
        gaps = self_other_gap(bundle).set_index(["manager_id", "dimension"])
        for (manager, dimension), part in others.groupby(["manager_id", "dimension"]):
            row = gaps.loc[(manager, dimension)]
            assert part["n_raters"].sum() == row["n_others"]
            weighted = (part["n_raters"] * part["mean"]).sum() / part["n_raters"].sum()
            assert weighted == pytest.approx(row["others_mean"])


def test_min_raters_one_shows_every_group_alone(mix):
    g = groups_of(manager_review(mix, min_raters=1), "M4")
    assert g["superior"] == ("上级主管", 1, 2.0, False)
    with pytest.raises(AnalysisError, match="min_raters"):
        manager_review(mix, min_raters=0)


# --------------------------------------------------------------------------------------------
# self_other_gap


def test_gap_and_blind_spot_label(mix):
    gaps = self_other_gap(mix).set_index("manager_id")
    m1 = gaps.loc["M1"]                           # self 5, seven others averaging 3
    assert (m1["self_score"], m1["n_others"], m1["others_mean"], m1["gap"]) == (5.0, 7, 3.0, 2.0)
    assert (m1["flag"], m1["flag_label"]) == ("overrated", "自评明显高于他评")
    assert gaps.loc["M3", "dimension_label"] == "市场分析与策略"


def test_threshold_is_inclusive_and_symmetric(mini_copy):
    bundle = loaded(mini_copy,
                    ("A", "北京", [("self", 4), ("account_manager", 3), ("account_manager", 4),
                                   ("account_manager", 3), ("account_manager", 4)]),   # 4 − 3.5 = 0.5
                    ("B", "北京", [("self", 3), ("account_manager", 3), ("account_manager", 4),
                                   ("account_manager", 3), ("account_manager", 4)]),   # −0.5
                    ("C", "北京", [("self", 4), ("account_manager", 3), ("account_manager", 4),
                                   ("account_manager", 4), ("account_manager", 4)]))   # 0.25
    flags = self_other_gap(bundle).set_index("manager_id")["flag_label"]
    assert flags.to_dict() == {"A": "自评明显高于他评", "B": "自评明显低于他评", "C": "自评与他评基本一致"}


def test_blind_spot_threshold_follows_the_review_scale(mini_copy):
    codebook = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    codebook = codebook.replace(
        "  agree5:\n",
        "  agree7:\n    labels: {一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7}\n  agree5:\n",
    ).replace("reviews_360:\n  scale: agree5", "reviews_360:\n  scale: agree7")
    raters = [("account_manager", 4)] * 3 + [("account_manager", 5)] * 2      # others: 4.4
    rows = csv_rows("A", "北京", [("self", 5), *raters]) + csv_rows("B", "北京", [("self", 6), *raters])
    root = mini_copy({"codebook.yaml": codebook, "reviews_360.csv": HEADER + "\n" + "\n".join(rows) + "\n"})
    bundle = load_bundle(root)
    # on 1–7 the threshold is 0.5 × 6/4 = 0.75: a gap of 0.6 (a blind spot on 1–5) is not
    flags = self_other_gap(bundle).set_index("manager_id")["flag"]
    assert flags.to_dict() == {"A": "aligned", "B": "overrated"}
    # threshold 0.4 on 1–5 is 0.6 on 1–7: now A's gap reaches it
    assert self_other_gap(bundle, threshold=0.4)["flag"].tolist() == ["overrated", "overrated"]


# --------------------------------------------------------------------------------------------
# review_summary


def test_sample_self_inflation_is_recovered(sample):
    summary = review_summary(sample).set_index(["dimension", "rater_group"])
    for dimension in ("strategy", "process", "leadership"):
        row = summary.loc[(dimension, ALL_OTHERS)]
        assert row["n_managers"] == 35 and row["group_label"] == "全部他评"
        assert 0.6 < row["mean_gap"] < 1.2 and row["gap_ci_low"] > 0.5
        assert summary.loc[(dimension, "self"), "mean"] > row["mean"]
    # support staff rate without a planted bias: their gap is the planted 0.8
    support = summary.xs("support", level="rater_group")["mean_gap"]
    assert support.mean() == pytest.approx(0.8, abs=0.15)
    # strategy and leadership (no group bias of the majority raters) contain 0.8
    for dimension in ("strategy", "leadership"):
        row = summary.loc[(dimension, ALL_OTHERS)]
        assert row["gap_ci_low"] < 0.8 < row["gap_ci_high"]


def test_sample_superiors_appear_as_their_own_group_pooled_over_managers(sample):
    # each sample manager has one superior: never shown alone for a manager ...
    review = manager_review(sample)
    assert not (review["rater_group"] == "superior").any()
    assert review.loc[review["rater_group"] == "account_manager", "group_label"].eq("客户经理（含上级主管）").all()
    # ... but their view of all managers together is a group of its own, with its count
    summary = review_summary(sample)
    superior = summary.loc[summary["rater_group"] == "superior"].set_index("dimension")
    assert len(superior) == 3 and not superior["suppressed"].any()
    assert superior["n_managers"].eq(35).all() and superior["n_raters"].eq(35).all()
    assert superior["note"].str.contains("35位销售管理人员的上级主管评价（共35份）合并计算").all()
    raw = sample.reviews_360
    rows = raw.loc[(raw["rater_group"] == "superior") & raw["score"].notna()]
    by_manager = rows.groupby(["dimension", "manager_id"])["score"].mean().groupby("dimension").mean()
    assert superior["mean"].to_dict() == pytest.approx(by_manager.to_dict())
    # the planted self-inflation shows against the superiors too
    assert (superior["gap_ci_low"] > 0).all()
    # with the superiors' row shown, the account managers' row is their own view: the same
    # ratings are never in two rows, and the rows add up to all other raters
    am = summary.loc[summary["rater_group"] == "account_manager"].set_index("dimension")
    assert am["group_label"].eq("客户经理").all() and not am["note"].str.contains("上级主管").any()
    ams = raw.loc[(raw["rater_group"] == "account_manager") & raw["score"].notna()]
    assert am["n_raters"].to_dict() == ams.groupby("dimension")[["manager_id", "rater_token"]].apply(
        lambda d: len(d.drop_duplicates())).to_dict()
    own = ams.groupby(["dimension", "manager_id", "rater_token"])["score"].mean()
    assert am["mean"].to_dict() == pytest.approx(
        own.groupby(["dimension", "manager_id"]).mean().groupby("dimension").mean().to_dict())
    by_group = summary.set_index(["dimension", "rater_group"])["n_raters"]
    for dimension in ("strategy", "process", "leadership"):
        parts = by_group.loc[dimension].drop(["self", ALL_OTHERS], errors="ignore")
        assert parts.sum() == by_group.loc[(dimension, ALL_OTHERS)]
    # a region with enough managers has its own superiors' view; a small city has none
    beijing = review_summary(sample, "beijing").set_index(["dimension", "rater_group"])
    assert not beijing.loc[("strategy", "superior"), "suppressed"]
    assert beijing.loc[("strategy", "superior"), "n_raters"] >= 3
    baoding = review_summary(sample, "baoding")
    row = baoding.loc[baoding["rater_group"] == "superior"].iloc[0]
    assert row["suppressed"] and np.isnan(row["mean"])


def test_three_superiors_of_one_manager_are_shown_on_their_own(mini_copy):
    bundle = loaded(mini_copy, ("M1", "北京", [("self", 5), ("account_manager", 3), ("account_manager", 3),
                                              ("account_manager", 4), ("superior", 2), ("superior", 3),
                                              ("superior", 4)]))
    label, n, mean, hidden = groups_of(manager_review(bundle), "M1")["superior"]
    assert (label, n, mean, hidden) == ("上级主管", 3, pytest.approx(3.0), False)


def _with_superiors(mini, managers):
    """managers: (id, region, top, superior token); self 4, three account managers 3, superior 2."""
    rows = []
    for manager, region, top, boss in managers:
        raters = [("self", "S", 4.0)] + [("account_manager", f"A{i}", 3.0) for i in range(3)] \
            + [("superior", boss, 2.0)]
        for group, token, score in raters:
            rows.append({"manager_id": manager, "region_id": region, "top_region_id": top,
                         "rater_group": group, "rater_token": token, "item_id": "r360_strategy_1",
                         "dimension": "strategy", "score": score})
    return SimpleNamespace(manifest=mini.manifest, codebook=mini.codebook, reviews_360=pd.DataFrame(rows))


def test_fewer_than_three_superiors_are_merged_and_count_in_no_total(mini):
    # 河北: five managers, five superiors; 北京: five managers who share one superior (same token)
    managers = [(f"H{i}", "hebei", "hebei", f"BOSS{i}") for i in range(5)] \
        + [(f"P{i}", "beijing", "beijing", "BOSS") for i in range(5)]
    bundle = _with_superiors(mini, managers)
    hebei = review_summary(bundle, "hebei").set_index("rater_group").loc["superior"]
    assert not hebei["suppressed"] and hebei["mean"] == pytest.approx(2.0) and hebei["n_raters"] == 5
    assert hebei["mean_gap"] == pytest.approx(2.0)
    # 河北's superiors' row is shown: its account managers' row holds only their own ratings
    am = review_summary(bundle, "hebei").set_index("rater_group").loc["account_manager"]
    assert (am["group_label"], am["n_raters"], am["mean"]) == ("客户经理", 15, pytest.approx(3.0))
    assert "上级主管" not in am["note"]
    beijing = review_summary(bundle, "beijing").set_index("rater_group")
    superior = beijing.loc["superior"]
    assert superior["suppressed"] and np.isnan(superior["mean"])
    # 北京's one superior stays merged in the account managers' row, which says so in its label;
    # the superiors' row says where they went, and that is said nowhere else
    assert "上级主管评价不足3人" in superior["note"]
    assert "已并入“客户经理（含上级主管）”一行" in superior["note"]
    am = beijing.loc["account_manager"]
    assert (am["group_label"], am["n_raters"], am["mean"]) == ("客户经理（含上级主管）", 20, pytest.approx(2.75))  # (3 × 3 + 2) / 4
    assert "上级主管" not in am["note"]
    # all regions pool only 河北's superiors: all minus 河北 cannot reveal 北京's one superior
    total = review_summary(bundle).set_index("rater_group").loc["superior"]
    assert not total["suppressed"] and total["n_managers"] == 5 and total["n_raters"] == 5
    assert "不含上级主管评价不足3人的地区" in total["note"]


def test_a_province_includes_its_cities_and_small_cities_are_hidden(sample):
    managers = sample.reviews_360.groupby("manager_id")["top_region_id"].first()
    hebei = review_summary(sample, "hebei")
    assert (hebei["region_id"] == "hebei").all()
    assert hebei.loc[hebei["rater_group"] == "self", "n_managers"].tolist() == [(managers == "hebei").sum()] * 3
    assert review_summary(sample, "河北").equals(hebei)
    baoding = review_summary(sample, "baoding")
    assert baoding["suppressed"].all() and baoding["mean"].isna().all()
    with pytest.raises(RegionError):
        review_summary(sample, "atlantis")


def _fake(mini, managers):
    """managers: list of (manager id, region id, top id); self 4, three account managers 3."""
    rows = []
    for manager, region, top in managers:
        for i, (group, score) in enumerate([("self", 4.0)] + [("account_manager", 3.0)] * 3):
            rows.append({"manager_id": manager, "region_id": region, "top_region_id": top,
                         "rater_group": group, "rater_token": f"T{i}", "item_id": "r360_strategy_1",
                         "dimension": "strategy", "score": score})
    return SimpleNamespace(manifest=mini.manifest, codebook=mini.codebook,
                           reviews_360=pd.DataFrame(rows))


def test_city_hidden_when_the_rest_of_its_province_would_be_small(mini):
    managers = [(f"S{i}", "shijiazhuang", "hebei") for i in range(5)] \
        + [(f"B{i}", "baoding", "hebei") for i in range(2)]
    city = review_summary(_fake(mini, managers), "shijiazhuang")
    assert city["suppressed"].all()
    assert city["note"].str.contains("推算").all()
    province = review_summary(_fake(mini, managers), "hebei")
    assert not province["suppressed"].any() and province["n_managers"].eq(7).all()
    ok = managers + [(f"B{i}", "baoding", "hebei") for i in range(2, 5)]
    assert not review_summary(_fake(mini, ok), "shijiazhuang")["suppressed"].any()


def test_small_region_counts_in_no_total(mini):
    managers = [(f"H{i}", "hebei", "hebei") for i in range(5)] + [("P1", "beijing", "beijing"),
                                                                  ("P2", "beijing", "beijing")]
    bundle = _fake(mini, managers)
    total = review_summary(bundle).set_index("rater_group")
    assert total.at["self", "n_managers"] == 5            # 北京's two managers left out
    assert "不含" in total.at["self", "note"]
    gap = total.loc[ALL_OTHERS]
    assert gap["mean_gap"] == pytest.approx(1.0) and gap["n_gap"] == 5
    assert review_summary(bundle, "beijing")["suppressed"].all()


def test_no_reviews_give_empty_tables(mini_copy):
    bundle = load_bundle(mini_copy({"reviews_360.csv": HEADER + "\n"}))
    assert manager_review(bundle).empty and self_other_gap(bundle).empty
    assert review_summary(bundle).empty


def test_a_pool_with_a_superior_loses_him_where_the_superiors_row_is_shown(mini):
    # each manager: three account managers, two support staff and one superior; the support
    # staff and the superior are pooled into 其他评价者 for each manager
    rows = []
    for i in range(5):
        for region, boss in (("hebei", f"B{i}"), ("beijing", "BOSS")):
            raters = [("self", "S", 4.0), *[("account_manager", f"A{j}", 3.0) for j in range(3)],
                      ("superior", boss, 2.0), ("support", "T1", 2.5), ("support", "T2", 3.5)]
            rows += [{"manager_id": f"{region}{i}", "region_id": region, "top_region_id": region,
                      "rater_group": g, "rater_token": t, "item_id": "r360_strategy_1",
                      "dimension": "strategy", "score": v} for g, t, v in raters]
    bundle = SimpleNamespace(manifest=mini.manifest, codebook=mini.codebook, reviews_360=pd.DataFrame(rows))
    # 河北 (five superiors): the pool without its superior has two raters, so it is not shown;
    # those support ratings count only in 全部他评, and no rating is in two rows
    hebei = review_summary(bundle, "hebei").set_index("rater_group")
    assert not hebei.loc["superior", "suppressed"]
    pool = hebei.loc[OTHER_RATERS]
    assert pool["suppressed"] and np.isnan(pool["mean"]) and "去掉上级主管后评价人数不足3人" in pool["note"]
    assert hebei.loc["account_manager", "n_raters"] + hebei.loc["superior", "n_raters"] < hebei.loc[ALL_OTHERS, "n_raters"]
    # 北京 (one superior shared by all): the pool keeps him, and the superiors' row says so
    beijing = review_summary(bundle, "beijing").set_index("rater_group")
    assert beijing.loc[OTHER_RATERS, "mean"] == pytest.approx((2.5 + 3.5 + 2.0) / 3)
    assert "已并入“其他评价者”一行" in beijing.loc["superior", "note"]


def test_too_few_superiors_name_every_row_that_holds_them_once(mini):
    # 北京's ten managers share one superior: for five he is folded into three account
    # managers, for the other five he is pooled with two account managers and two support staff
    rows = []
    for i in range(10):
        folded = i < 5
        raters = [("self", "S", 4.0), *[("account_manager", f"A{j}", 3.0) for j in range(3 if folded else 2)],
                  ("superior", "BOSS", 2.0), *([] if folded else [("support", "T1", 2.5), ("support", "T2", 3.5)])]
        rows += [{"manager_id": f"P{i}", "region_id": "beijing", "top_region_id": "beijing", "rater_group": g,
                  "rater_token": t, "item_id": "r360_strategy_1", "dimension": "strategy", "score": v}
                 for g, t, v in raters]
    bundle = SimpleNamespace(manifest=mini.manifest, codebook=mini.codebook, reviews_360=pd.DataFrame(rows))
    summary = review_summary(bundle, "beijing").set_index("rater_group")
    assert summary.loc["superior", "suppressed"]
    assert summary.loc["superior", "note"].endswith("上级主管的评价已并入“客户经理（含上级主管）”、“其他评价者”一行计算")
    assert summary.loc["account_manager", "group_label"] == "客户经理（含上级主管）"
    assert summary.loc[OTHER_RATERS, "n_raters"] == 25 and summary.loc["account_manager", "n_raters"] == 20
    assert sum("上级主管" in note for note in summary["note"]) == 1


def test_the_bundle_wide_part_computed_once_gives_every_regions_summary_unchanged():
    from casekit.analysis.reviews_360 import review_basis

    bundle = load_bundle(Path(__file__).resolve().parents[1] / "research_data" / "sample")
    basis = review_basis(bundle)
    # all regions, a province with cities, one of its cities, a municipality, the smallest region
    for region in [None, "hebei", "baoding", "beijing", "nanning"]:
        pd.testing.assert_frame_equal(review_summary(bundle, region, min_managers=5, basis=basis),
                                      review_summary(bundle, region, min_managers=5))
    # a basis made for another rater threshold is not used for this one
    other = review_basis(bundle, min_raters=2)
    pd.testing.assert_frame_equal(review_summary(bundle, "beijing", basis=other), review_summary(bundle, "beijing"))
