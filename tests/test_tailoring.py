"""Tailoring an outline to a region from its evidence (casekit.curriculum.tailor_outline)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from casekit.analysis import compare_region
from casekit.curriculum import (
    CurriculumError,
    TailoredOutline,
    load_outlines,
    tailor_outline,
)
from casekit.domain import DIMENSIONS, POPULATION_DIMENSIONS
from casekit.exceptions import OutputSchemaError


@pytest.fixture(scope="module")
def outlines():
    return load_outlines()


def synthetic_comparison(
    population: str,
    means: dict[str, float],
    *,
    others_mean: float = 3.25,
    n: int = 36,
    small: dict[str, int] | None = None,
    default_mean: float = 3.4,
) -> pd.DataFrame:
    """A ``compare_region``-shaped table: the region's means per dimension against fixed others.

    Dimensions not in ``means`` get ``default_mean``; ``small`` gives dimensions a size below 5
    (suppressed as compare_region would).
    """
    small = small or {}
    rows = []
    for dimension in POPULATION_DIMENSIONS[population]:
        count = small.get(dimension, n)
        suppressed = count < 5
        mean = np.nan if suppressed else means.get(dimension, default_mean)
        rows.append(
            {
                "population": population,
                "dimension": dimension,
                "dimension_label": DIMENSIONS[dimension].label,
                "n": count,
                "mean": mean,
                "others_n": 120,
                "others_mean": np.nan if suppressed else others_mean,
                "all_n": 120 + count,
                "all_mean": others_mean,
                "diff": mean - others_mean,
                "suppressed": suppressed,
            }
        )
    table = pd.DataFrame(rows)
    table["rank"] = table["mean"].rank(method="first").astype("Int64")
    return table


def days_of(tailored: TailoredOutline) -> dict[str, float]:
    return dict(zip(tailored.table["module_id"], tailored.table["days"]))


def small_counts_cited(text: str, min_n: int = 5) -> list[str]:
    """Every ``n=<count>`` in ``text`` with a count below ``min_n`` (there must be none)."""
    return [m.group(0) for m in re.finditer(r"n=(\d+)", text) if int(m.group(1)) < min_n]


def all_text(tailored: TailoredOutline) -> str:
    return "\n".join([*tailored.table["reason"], *tailored.table["adjustment"], *tailored.notes])


# --------------------------------------------------------------------------------------------
# the evidence decides


def test_weaker_region_gets_the_longer_module_and_the_reason_cites_its_numbers(
    outlines,
):
    am = outlines["account_manager"]
    weak_industry = synthetic_comparison(
        "account_manager", {"industry": 2.61, "customer": 2.9}
    )
    weak_sales = synthetic_comparison("account_manager", {"sales": 2.6, "product": 2.8})
    a = tailor_outline(am, weak_industry, None)
    b = tailor_outline(am, weak_sales, None)
    assert days_of(a)["am_industry_solutions"] > days_of(b)["am_industry_solutions"]
    assert days_of(b)["am_transformation"] > days_of(a)["am_transformation"]
    assert not a.table["days"].equals(b.table["days"])

    reason = a.table.set_index("module_id").loc["am_industry_solutions", "reason"]
    assert reason.startswith(
        "「行业」维度均分 2.61（n=36），低于其他地区 3.25（−0.64），为本地区最弱项"
    )
    assert reason.endswith("取上限 1.25 天（区间 1–1.25 天）")


def test_single_dimension_module_reason_reads_as_one_line(outlines):
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison(
        "sales_manager", {"leadership": 2.61, "strategy": 3.5, "process": 3.6}
    )
    row = (
        tailor_outline(sm, comparison, None)
        .table.set_index("module_id")
        .loc["sm_people"]
    )
    assert (
        row["reason"]
        == "「领导力」维度均分 2.61（n=36），低于其他地区 3.25（−0.64），为本地区最弱项，取上限 0.75 天（区间 0.5–0.75 天）"
    )
    assert "\n" not in row["reason"]


def test_strong_region_takes_the_minimum(outlines):
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison(
        "sales_manager", {"leadership": 3.9, "strategy": 3.5, "process": 3.6}
    )
    row = (
        tailor_outline(sm, comparison, None)
        .table.set_index("module_id")
        .loc["sm_people"]
    )
    assert row["days"] == 0.5
    assert "高于其他地区 3.25（+0.65），为本地区最强项，取下限 0.5 天" in row["reason"]


def test_too_small_a_sample_takes_the_midpoint_and_says_why(outlines):
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison("sales_manager", {}, small={"leadership": 3})
    row = (
        tailor_outline(sm, comparison, None)
        .table.set_index("module_id")
        .loc["sm_people"]
    )
    assert row["reason"].startswith("「领导力」样本不足（少于5人），取区间中值")
    assert row["days"] == 0.75  # midpoint 0.625 rounded half up to the quarter day
    assert np.isnan(row["need"])
    assert "均分" not in row["reason"]  # a suppressed mean is never cited
    tailored = tailor_outline(sm, comparison, None)
    assert small_counts_cited(all_text(tailored)) == []  # nor the exact size of the group


def test_small_sample_wording_follows_the_threshold(outlines):
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison("sales_manager", {}, small={"leadership": 3})
    comparison.loc[comparison["dimension"] == "strategy", ["n", "suppressed"]] = (7, False)
    tailored = tailor_outline(sm, comparison, None, min_n=10)
    text = all_text(tailored)
    assert "「领导力」样本不足（少于10人）" in text
    strategy = DIMENSIONS["strategy"].label
    assert f"「{strategy}」样本不足（少于10人）" in text  # 36 >= 10 elsewhere, but 7 < 10 here
    assert small_counts_cited(text, min_n=10) == []


def test_difference_cited_is_that_of_the_rounded_means(outlines):
    sm = outlines["sales_manager"]
    # 2.334 and 3.216 read as 2.33 and 3.22: the reader expects −0.89, not round(−0.882) = −0.88
    comparison = synthetic_comparison(
        "sales_manager",
        {"leadership": 2.334, "strategy": 3.5, "process": 3.6},
        others_mean=3.216,
    )
    reason = tailor_outline(sm, comparison, None).table.set_index("module_id").loc[
        "sm_people", "reason"
    ]
    assert reason.startswith("「领导力」维度均分 2.33（n=36），低于其他地区 3.22（−0.89）")
    for mean, others, diff in re.findall(r"均分 (\d\.\d\d).*?其他地区 (\d\.\d\d).*?（([+−]?\d\.\d\d)）", reason):
        assert round(float(mean) - float(others), 2) == float(diff.replace("−", "-"))


def test_hidden_comparison_group_is_never_described_as_small(outlines):
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison("sales_manager", {"leadership": 2.6})
    comparison["others_mean"] = np.nan  # hidden although 120 others answered
    comparison["diff"] = np.nan
    reason = tailor_outline(sm, comparison, None).table.set_index("module_id").loc[
        "sm_people", "reason"
    ]
    assert "其他地区均分不予显示，不作比较" in reason
    assert "样本不足" not in reason


def test_two_regions_with_different_weaknesses_get_different_outlines(outlines):
    se = outlines["support_engineer"]
    market_weak = tailor_outline(
        se,
        synthetic_comparison(
            "support_engineer", {"market": 2.5, "product": 3.8, "communication": 3.6}
        ),
        2.5,
    )
    talk_weak = tailor_outline(
        se,
        synthetic_comparison(
            "support_engineer", {"communication": 2.5, "product": 3.6, "market": 3.8}
        ),
        2.5,
    )
    assert market_weak.total_days == talk_weak.total_days == 2.5
    assert days_of(market_weak) != days_of(talk_weak)
    assert days_of(talk_weak)["se_key_links"] > days_of(market_weak)["se_key_links"]


def test_a_modules_main_dimension_weighs_more_than_its_second(outlines):
    se = outlines[
        "support_engineer"
    ]  # se_key_links trains communication first, product second
    talk_weak = synthetic_comparison(
        "support_engineer", {"communication": 2.6, "product": 3.6, "market": 3.4}
    )
    product_weak = synthetic_comparison(
        "support_engineer", {"product": 2.6, "communication": 3.6, "market": 3.4}
    )
    a = tailor_outline(se, talk_weak, None).table.set_index("module_id")
    b = tailor_outline(se, product_weak, None).table.set_index("module_id")
    assert a.loc["se_key_links", "need"] > b.loc["se_key_links", "need"] + 0.25
    assert a.loc["se_key_links", "days"] >= b.loc["se_key_links", "days"]


# --------------------------------------------------------------------------------------------
# the budget


@pytest.mark.parametrize("budget", [2.5, 2.75, 3.0, 3.25, 3.5])
def test_total_equals_a_budget_within_the_outlines_range(outlines, budget):
    am = outlines["account_manager"]
    tailored = tailor_outline(
        am, synthetic_comparison("account_manager", {"industry": 2.61}), budget
    )
    assert tailored.total_days == budget
    assert tailored.budget_status == "fitted"
    table = tailored.table
    assert (table["days"] >= table["days_min"]).all() and (
        table["days"] <= table["days_max"]
    ).all()
    assert ((table["days"] * 4) % 1 == 0).all()
    part1 = table.loc[table["module_id"] == "am_transformation", "days"].sum()
    part2 = table.loc[
        table["module_id"].isin(["am_needs_basics", "am_industry_solutions"]), "days"
    ].sum()
    assert 0.5 <= part1 <= 1.0 and 2.0 <= part2 <= 2.5


def test_budget_steps_go_to_the_neediest_module_first(outlines):
    am = outlines["account_manager"]
    comparison = synthetic_comparison(
        "account_manager", {"industry": 2.61, "customer": 2.9}
    )
    evidence = tailor_outline(am, comparison, None)
    tighter = tailor_outline(am, comparison, evidence.total_days - 0.25)
    moved = tighter.table.loc[tighter.table["adjustment"] != ""]
    assert moved["module_id"].tolist() == [
        "am_transformation"
    ]  # the least needed module gives way
    assert "为符合总课时预算，由 0.75 天调整 −0.25 天" in moved["reason"].item()
    assert any("为符合课时预算" in note for note in tighter.notes)


def test_budget_below_the_minimum_is_clipped_and_flagged(outlines):
    am = outlines["account_manager"]
    tailored = tailor_outline(
        am, synthetic_comparison("account_manager", {"industry": 2.61}), 2.0
    )
    assert tailored.total_days == 2.5
    assert tailored.budget_status == "below_min"
    assert (tailored.table["days"] == tailored.table["days_min"]).all()
    assert "课时预算 2 天低于本课程最短 2.5 天" in tailored.notes[0]
    assert (
        tailored.table.set_index("module_id").loc["am_industry_solutions", "adjustment"]
        == "预算不足，由 1.25 天压至下限"
    )


def test_budget_above_the_maximum_is_clipped_and_flagged(outlines):
    se = outlines["support_engineer"]
    tailored = tailor_outline(se, synthetic_comparison("support_engineer", {}), 5.0)
    assert tailored.total_days == 3.5
    assert tailored.budget_status == "above_max"
    assert "余 1.5 天未安排" in tailored.notes[0]


def test_budget_off_the_quarter_day_grid_rounds_down_and_says_so(outlines):
    am = outlines["account_manager"]
    tailored = tailor_outline(am, synthetic_comparison("account_manager", {}), 2.9)
    assert tailored.total_days == 2.75
    assert tailored.budget_status == "off_grid"
    assert "不是 0.25 天的整数倍" in tailored.notes[0]


# --------------------------------------------------------------------------------------------
# the table, determinism and robustness


def test_table_columns_and_interactive_share(outlines):
    tailored = tailor_outline(
        outlines["account_manager"], synthetic_comparison("account_manager", {}), 3.0
    )
    for column in (
        "module_id",
        "title",
        "days_min",
        "days_max",
        "days",
        "interactive_share",
        "reason",
    ):
        assert column in tailored.table.columns
    assert tailored.interactive_share > 0.5
    assert set(tailored.table["days_source"]) == {"seed", "seed_split"}


def test_tailoring_is_deterministic_whatever_the_row_order(outlines):
    am = outlines["account_manager"]
    comparison = synthetic_comparison(
        "account_manager", {"industry": 2.61, "time": 2.7}
    )
    first = tailor_outline(am, comparison, 3.0)
    again = tailor_outline(am, comparison.sample(frac=1, random_state=3), 3.0)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.notes == again.notes


def test_other_populations_rows_are_ignored(outlines):
    am = outlines["account_manager"]
    mine = synthetic_comparison("account_manager", {"industry": 2.61})
    mixed = pd.concat(
        [synthetic_comparison("support_engineer", {"product": 1.0}), mine],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(
        tailor_outline(am, mine, 3.0).table, tailor_outline(am, mixed, 3.0).table
    )


def test_weak_dimension_without_a_module_is_noted(outlines):
    am = outlines["account_manager"]
    tailored = tailor_outline(
        am, synthetic_comparison("account_manager", {"time": 2.4}), 3.0
    )
    assert any(
        note.startswith("「时间」是本地区最弱的三项之一（均分 2.40，n=36）")
        for note in tailored.notes
    )


def test_comparison_without_the_expected_columns_is_rejected(outlines):
    bad = synthetic_comparison("account_manager", {}).drop(
        columns=["others_mean", "diff"]
    )
    with pytest.raises(
        OutputSchemaError,
        match=r"(?s)2 problems in table 'comparison' \(expected the table of casekit.analysis.compare_region, "
        r"read by tailor_outline\).*column 'others_mean': expected a column of numbers, found '<missing>'"
        r".*column 'diff': expected a column of numbers, found '<missing>'",
    ):
        tailor_outline(outlines["account_manager"], bad, 3.0)


def test_non_positive_budget_is_rejected(outlines):
    with pytest.raises(
        CurriculumError,
        match="budget_days must be a positive number of days or None, got 0",
    ):
        tailor_outline(
            outlines["account_manager"], synthetic_comparison("account_manager", {}), 0
        )


# --------------------------------------------------------------------------------------------
# end to end with compare_region: no reason ever names a person


class TinyManifest:
    """Two top-level regions, no cities (test helper standing in for casekit.intake.Manifest)."""

    def top_level_ids(self):
        return ["north", "south"]

    def descendants(self, region_id):
        return [region_id]

    def name(self, region_id):
        return {"north": "北区", "south": "南区"}[region_id]

    def budget_days(self, region_id, population):
        return 3.0


def test_end_to_end_reasons_cite_counts_but_never_names(outlines):
    names = [
        "张伟",
        "王芳",
        "李娜",
        "刘洋",
        "陈静",
        "杨磊",
        "赵敏",
        "黄勇",
        "周杰",
        "吴倩",
    ]
    rows = []
    for i, name in enumerate(names):
        region = "north" if i < 6 else "south"
        industry = 2.0 if region == "north" else 4.0
        for dimension in POPULATION_DIMENSIONS["account_manager"]:
            rows.append(
                {
                    "respondent_id": f"客户经理{name}",
                    "region_id": region,
                    "top_region_id": region,
                    "population": "account_manager",
                    "item_id": f"{dimension}_1",
                    "dimension": dimension,
                    "value": industry if dimension == "industry" else 3.5,
                    "raw": "",
                }
            )
    bundle = SimpleNamespace(responses=pd.DataFrame(rows), manifest=TinyManifest())
    am = outlines["account_manager"]
    north = tailor_outline(
        am,
        compare_region(bundle, "north"),
        bundle.manifest.budget_days("north", "account_manager"),
    )
    south = tailor_outline(am, compare_region(bundle, "south"), 3.0)
    industry_north = north.table.set_index("module_id").loc["am_industry_solutions"]
    assert "「行业」维度均分 2.00（n=6）" in industry_north["reason"]
    assert industry_north["days"] == 1.25
    # the south has only 4 account managers: too few to decide anything, and too few to say
    # exactly how few
    assert south.table["reason"].str.contains("样本不足（少于5人）").all()
    for tailored in (north, south):
        text = all_text(tailored)
        assert not any(name in text for name in names)
        assert small_counts_cited(text) == []
    # the south's 4 are left out of the north's comparison: nobody else to compare with
    assert "无其他地区可比" in industry_north["reason"]


def test_a_small_regions_scores_change_no_outline_of_any_region(outlines):
    """Tailored lengths and reasons of every region ignore a region below 5 (differencing)."""

    def bundle_with(small_value: float) -> SimpleNamespace:
        rows = []
        for region, size, value in (("north", 8, 2.0), ("south", 6, 3.6), ("west", 3, small_value)):
            for i in range(size):
                for dimension in POPULATION_DIMENSIONS["account_manager"]:
                    rows.append(
                        {
                            "respondent_id": f"{region}{i}",
                            "region_id": region,
                            "top_region_id": region,
                            "population": "account_manager",
                            "item_id": f"{dimension}_1",
                            "dimension": dimension,
                            "value": value if dimension == "industry" else 3.0 + i / 10,
                            "raw": "",
                        }
                    )

        class Manifest(TinyManifest):
            def top_level_ids(self):
                return ["north", "south", "west"]

        return SimpleNamespace(responses=pd.DataFrame(rows), manifest=Manifest())

    am = outlines["account_manager"]
    low, high = bundle_with(1.0), bundle_with(5.0)
    for region in ("north", "south", "west"):
        a = tailor_outline(am, compare_region(low, region), 3.0)
        b = tailor_outline(am, compare_region(high, region), 3.0)
        pd.testing.assert_frame_equal(a.table, b.table, obj=region)
        assert a.notes == b.notes
        assert small_counts_cited(all_text(a)) == []


def test_a_population_not_surveyed_in_the_region_says_so(outlines):
    """No respondents at all is not "too small a sample": the reason says there is no data."""
    sm = outlines["sales_manager"]
    comparison = synthetic_comparison("sales_manager", {}, small={"leadership": 0})
    row = tailor_outline(sm, comparison, None).table.set_index("module_id").loc["sm_people"]
    assert row["reason"].startswith("「领导力」本地区无问卷数据，取区间中值")
    assert "样本不足" not in row["reason"]
