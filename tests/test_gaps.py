"""Skill gaps: person gaps, gap tables with suppression and merging, one region's gaps."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import MINI

from casekit.analysis.gaps import gap_table, person_gaps, region_gaps
from casekit.domain import MIN_CELL_SIZE
from casekit.exceptions import AnalysisError, RegionError
from casekit.intake import load_bundle
from casekit.intake.competency import default_competency
from casekit.intake.manifest import Manifest

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
STATS = ["mean", "gap", "ci_low", "ci_high", "share_below"]


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


def fake_bundle(tree: dict[str, dict[str, list[float]]], dimension: str = "product",
                population: str = "account_manager") -> SimpleNamespace:
    """A bundle with one dimension: ``{top: {region (top or city): [scores…]}}``."""
    regions, responses = [], []
    for top, places in tree.items():
        regions.append({"region_id": top, "name": top.upper(), "parent_id": None, "level": "top"})
        for place, scores in places.items():
            if place != top:
                regions.append({"region_id": place, "name": place.upper(), "parent_id": top,
                                "level": "city"})
            for i, s in enumerate(scores):
                responses.append({"respondent_id": f"{place}-{i}", "region_id": place,
                                  "top_region_id": top, "population": population,
                                  "dimension": dimension, "value": float(s)})
    manifest = Manifest("fake", "客户", "项目", "2008", pd.DataFrame(regions))
    return SimpleNamespace(manifest=manifest, responses=pd.DataFrame(responses),
                           competency=default_competency(), items=None)


# ---------------------------------------------------------------------------------------------
# person gaps


def test_person_gap_is_score_minus_required(sample):
    people = person_gaps(sample)
    required = sample.competency.set_index(["population", "dimension"])["required"]
    expected = [required[(p, d)] for p, d in zip(people["population"], people["dimension"])]
    assert people["required"].tolist() == expected
    assert np.allclose(people["gap"], people["score"] - people["required"])
    assert set(person_gaps(sample, "支撑人员")["population"]) == {"support_engineer"}
    with pytest.raises(AnalysisError):
        person_gaps(sample, "实习生")


# ---------------------------------------------------------------------------------------------
# the planted answer key of the sample bundle


def test_planted_weaknesses_are_the_regions_largest_shortfall_relative_to_others(sample):
    truth = yaml.safe_load((SAMPLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    assert truth["region_weaknesses"]
    for planted in truth["region_weaknesses"]:
        gaps = region_gaps(sample, planted["region"])
        mine = gaps.loc[(gaps["population"] == planted["population"]) & ~gaps["suppressed"]]
        worst = mine.loc[mine["diff"].idxmin()]
        assert worst["dimension"] == planted["dimension"], planted
        assert worst["gap"] < 0 and worst["gap"] < worst["others_gap"]
        # and it is among the region's two largest absolute shortfalls of that population
        assert worst["rank"] <= 2, planted


def test_region_rank_orders_shortfalls(sample):
    gaps = region_gaps(sample, "河北")  # a Chinese name works too
    am = gaps.loc[gaps["population"] == "account_manager"].sort_values("rank")
    assert am["gap"].is_monotonic_increasing  # rank 1 = most negative gap
    assert list(am["rank"]) == list(range(1, len(am) + 1))
    with pytest.raises(RegionError):
        region_gaps(sample, "火星")


# ---------------------------------------------------------------------------------------------
# intervals


def test_interval_covers_the_true_mean_gap_about_95_percent_of_the_time():
    rng = np.random.default_rng(2008)
    true_mean, n_groups, size = 3.1, 200, MIN_CELL_SIZE  # small groups: t, not z
    bundle = fake_bundle({f"r{i:03d}": {f"r{i:03d}": rng.normal(true_mean, 0.6, size).tolist()}
                          for i in range(n_groups)})
    table = gap_table(bundle, by="top_region", min_n=MIN_CELL_SIZE)
    groups = table.loc[table["group_id"] != "all"]
    assert len(groups) == n_groups
    true_gap = true_mean - groups["required"]
    covered = (groups["ci_low"] <= true_gap) & (true_gap <= groups["ci_high"])
    assert 0.91 <= covered.mean() <= 0.99
    wider = gap_table(bundle, by="top_region", confidence=0.99)
    assert ((wider["ci_high"] - wider["ci_low"]) > (table["ci_high"] - table["ci_low"])).all()


def test_share_below_counts_people_under_the_required_level():
    bundle = fake_bundle({"a": {"a": [2, 3, 4, 5, 5, 3.5]}})
    required = default_competency().set_index(["population", "dimension"])["required"]
    row = gap_table(bundle, by="all").iloc[0]
    scores = np.array([2, 3, 4, 5, 5, 3.5])
    assert row["share_below"] == pytest.approx(np.mean(scores < required[("account_manager", "product")]))
    assert row["gap"] == pytest.approx(scores.mean() - required[("account_manager", "product")])


# ---------------------------------------------------------------------------------------------
# anonymity


def _no_number_below(table: pd.DataFrame, min_n: int) -> None:
    small = table["n"] < min_n
    assert table.loc[small, STATS].isna().all().all()
    assert table.loc[small, "suppressed"].all()
    assert (table.loc[table["suppressed"], "note"] != "").all()


@pytest.mark.parametrize("min_n", [MIN_CELL_SIZE, 13])
def test_no_cell_below_min_n_shows_a_number(sample, min_n):
    for by in ("top_region", "city", "all"):
        _no_number_below(gap_table(sample, by=by, min_n=min_n), min_n)
    for rid in ("hebei", "baoding", "qingdao"):
        gaps = region_gaps(sample, rid, min_n=min_n)
        _no_number_below(gaps, min_n)
        assert gaps.loc[gaps["suppressed"], ["others_gap", "diff"]].isna().all().all()


def test_small_regions_are_left_out_of_all_regions(sample):
    min_n = 13  # Tianjin and Nanning have 12 account managers: suppressed
    table = gap_table(sample, by="top_region", population="account_manager", min_n=min_n)
    for _, cell in table.groupby("dimension"):
        shown = cell.loc[(cell["group_id"] != "all") & ~cell["suppressed"]]
        hidden = cell.loc[(cell["group_id"] != "all") & cell["suppressed"]]
        everyone = cell.loc[cell["group_id"] == "all"].iloc[0]
        assert set(hidden["group_id"]) == {"tianjin", "nanning"}
        assert everyone["n"] == shown["n"].sum()  # all − shown regions = nobody
        assert everyone["gap"] == pytest.approx((shown["gap"] * shown["n"]).sum() / shown["n"].sum())
        assert "天津" in everyone["note"]


def test_city_rows_partition_each_province_so_subtraction_reveals_nothing(sample):
    by_top = gap_table(sample, by="top_region")
    by_city = gap_table(sample, by="city")
    tops = sample.manifest.top_level_ids()
    top_of = sample.manifest.top_map()
    by_city["top"] = by_city["group_id"].map(lambda g: g.split(":")[0]).map(lambda g: top_of.get(g, g))
    checked = 0
    for (pop, dim), cell in by_city.groupby(["population", "dimension"]):
        for top in tops:
            shown = cell.loc[(cell["top"] == top) & ~cell["suppressed"]]
            total = by_top.loc[(by_top["population"] == pop) & (by_top["dimension"] == dim)
                               & (by_top["group_id"] == top)]
            if total.empty or total["suppressed"].iloc[0]:
                assert shown.empty
                continue
            total = total.iloc[0]
            assert (shown["n"] >= MIN_CELL_SIZE).all()
            # the shown rows hold every person of the province exactly once …
            assert shown["n"].sum() == total["n"]
            assert (shown["gap"] * shown["n"]).sum() == pytest.approx(total["gap"] * total["n"])
            # … so the province minus any shown rows is a sum of shown groups: never 1–4 people
            checked += 1
    assert checked > 0
    merged = by_city.loc[by_city["group_id"] == "hebei:other"]
    assert len(merged) and (~merged["suppressed"]).all()
    hidden_small = by_city.loc[by_city["suppressed"] & (by_city["n"] < MIN_CELL_SIZE)
                               & (by_city["top"] == "hebei")]
    assert len(hidden_small) and hidden_small["note"].str.contains("已并入“河北").all()


def test_a_city_that_would_expose_its_neighbour_is_merged_too():
    # 6 people in a, 4 in b: showing a would reveal b as province − a
    bundle = fake_bundle({"p": {"a": [3, 3.5, 4, 2, 3, 4.5], "b": [1, 2, 1.5, 2]},
                          "q": {"q": [3, 3, 4, 4, 5]}})
    table = gap_table(bundle, by="city")
    rows = table.set_index("group_id")
    assert rows.loc["a", "suppressed"] and rows.loc["b", "suppressed"]
    assert rows.loc["a", STATS].isna().all()
    assert "P其他地市" in rows.loc["a", "note"] or "P各地市合并" in rows.loc["a", "note"]
    assert rows.loc["p:other", "n"] == 10 and not rows.loc["p:other", "suppressed"]
    assert region_gaps(bundle, "a")["suppressed"].all()
    assert not region_gaps(bundle, "p")["suppressed"].iloc[0]
    # a province below min_n: nothing of it is shown, and "all" is only q
    small = fake_bundle({"p": {"a": [3, 4], "b": [1, 2]}, "q": {"q": [3, 3, 4, 4, 5]}})
    table = gap_table(small, by="city").set_index("group_id")
    assert table.loc[["a", "b", "p:other"], "suppressed"].all()
    assert table.loc["all", "n"] == table.loc["q", "n"]


def test_reports_of_a_city_and_its_province_do_not_difference_to_a_small_group(sample):
    # a shown city, a merged small one, and Shandong's city merged to protect its neighbour
    for city in ("shijiazhuang", "baoding", "jinan", "qingdao", "yantai"):
        mine = region_gaps(sample, city)
        province = region_gaps(sample, sample.manifest.top_of(city))
        shown = ~mine["suppressed"]
        rest = mine.loc[shown, "others_n"] - province.loc[shown, "others_n"]
        assert ((rest == 0) | (rest >= MIN_CELL_SIZE)).all(), city


def test_bad_arguments_are_explained(sample):
    with pytest.raises(AnalysisError, match="by must be"):
        gap_table(sample, by="province")
    with pytest.raises(AnalysisError, match="confidence"):
        gap_table(sample, confidence=95)


def test_mini_bundle_everything_small_is_hidden():
    bundle = load_bundle(MINI)
    table = gap_table(bundle, by="city")
    assert table["suppressed"].all()  # no region of the mini bundle has 5 people in a cell
    assert table[STATS].isna().all().all()
    assert not gap_table(bundle, by="city", min_n=0)[["mean", "gap"]].isna().any().any()


def test_dimension_outside_the_model_counts_people_but_has_no_gap():
    bundle = fake_bundle({"a": {"a": [3, 4, 4, 5, 2, 3]}}, dimension="market")  # not an AM dimension
    row = gap_table(bundle, by="all").iloc[0]
    assert row["n"] == 6 and row["mean"] == pytest.approx(3.5)
    assert np.isnan(row["required"]) and np.isnan(row["gap"]) and np.isnan(row["share_below"])
