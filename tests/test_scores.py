"""Dimension scores, region comparison and suppression of small cells (casekit.analysis)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from casekit.analysis import (
    compare_region,
    dimension_scores,
    respondent_scores,
    weakest_dimensions,
)
from casekit.domain import POPULATION_DIMENSIONS
from casekit.exceptions import CasekitError, RegionError

# --------------------------------------------------------------------------------------------
# test helpers: a fake manifest and bundle, so these tests do not depend on casekit.intake


class FakeManifest:
    """The part of ``casekit.intake.Manifest`` the analysis uses: a region tree with names."""

    def __init__(self, tree: dict[str, tuple[str, str | None]]) -> None:
        self._tree = tree  # region_id -> (name, parent_id)

    def top_level_ids(self) -> list[str]:
        return [rid for rid, (_, parent) in self._tree.items() if parent is None]

    def descendants(self, region_id: str) -> list[str]:
        if region_id not in self._tree:
            raise RegionError(f"unknown region {region_id!r}")
        return [region_id] + [
            rid for rid, (_, parent) in self._tree.items() if parent == region_id
        ]

    def name(self, region_id: str) -> str:
        return self._tree[region_id][0]

    def top_of(self, region_id: str) -> str:
        parent = self._tree[region_id][1]
        return region_id if parent is None else parent

    def budget_days(self, region_id: str, population: str) -> float:
        return {"account_manager": 3.0, "support_engineer": 2.5, "sales_manager": 3.0}[
            population
        ]


TREE = {
    "beijing": ("北京", None),
    "hebei": ("河北", None),
    "baoding": ("保定", "hebei"),
    "shijiazhuang": ("石家庄", "hebei"),
    "tianjin": ("天津", None),
}


def fake_bundle(
    people: list[tuple[str, str, str, dict[str, list[float]]]],
) -> SimpleNamespace:
    """Build a bundle from (respondent_id, region_id, population, {dimension: item values})."""
    manifest = FakeManifest(TREE)
    rows = []
    for respondent_id, region_id, population, answers in people:
        for dimension, values in answers.items():
            for k, value in enumerate(values):
                rows.append(
                    {
                        "respondent_id": respondent_id,
                        "region_id": region_id,
                        "top_region_id": manifest.top_of(region_id),
                        "population": population,
                        "item_id": f"{dimension}_{k}",
                        "dimension": dimension,
                        "value": value,
                        "raw": value,
                    }
                )
    return SimpleNamespace(responses=pd.DataFrame(rows), manifest=manifest)


def crowd(
    prefix: str,
    region: str,
    n: int,
    answers: dict[str, list[float]],
    population: str = "account_manager",
):
    """``n`` respondents of one region giving the same answers."""
    return [(f"{prefix}{i:02d}", region, population, answers) for i in range(n)]


@pytest.fixture
def bundle() -> SimpleNamespace:
    people = (
        crowd("BJ", "beijing", 6, {"industry": [4.0, 4.0], "sales": [3.0, 3.0]})
        + crowd("BD", "baoding", 4, {"industry": [2.0, 3.0], "sales": [4.0]})
        + crowd("SJ", "shijiazhuang", 3, {"industry": [2.0, 2.0], "sales": [4.0]})
        + crowd("TJ", "tianjin", 2, {"industry": [5.0], "sales": [5.0]})
        + crowd(
            "SE",
            "beijing",
            5,
            {"product": [3.0], "market": [2.0]},
            population="support_engineer",
        )
    )
    return fake_bundle(people)


# --------------------------------------------------------------------------------------------
# respondent_scores


def test_respondent_score_is_the_mean_of_answered_items(bundle):
    scores = respondent_scores(bundle)
    row = scores.query("respondent_id == 'BD00' and dimension == 'industry'").iloc[0]
    assert row["score"] == pytest.approx(2.5)
    assert row["n_items"] == 2
    assert row["top_region_id"] == "hebei"
    assert list(scores.columns) == [
        "respondent_id",
        "region_id",
        "top_region_id",
        "population",
        "dimension",
        "score",
        "n_items",
    ]


def test_unanswered_items_do_not_count_and_blank_respondents_get_no_row():
    b = fake_bundle(
        [
            (
                "A1",
                "beijing",
                "account_manager",
                {"industry": [4.0, float("nan")], "sales": [float("nan")]},
            )
        ]
    )
    scores = respondent_scores(b)
    assert scores["dimension"].tolist() == ["industry"]
    assert scores["n_items"].tolist() == [1]


# --------------------------------------------------------------------------------------------
# dimension_scores


def test_top_level_scores_pool_a_province_with_its_cities(bundle):
    table = dimension_scores(bundle, min_n=0)
    hebei = table.query("region_id == 'hebei' and dimension == 'industry'").iloc[0]
    assert hebei["n"] == 7
    assert hebei["mean"] == pytest.approx((4 * 2.5 + 3 * 2.0) / 7)
    assert set(table["region_id"]) == {"beijing", "hebei", "tianjin"}


def test_city_level_keeps_cities_apart(bundle):
    table = dimension_scores(bundle, level="city", min_n=0)
    assert {"baoding", "shijiazhuang"} <= set(table["region_id"])
    assert "hebei" not in set(table["region_id"])


def test_cells_below_five_respondents_hide_mean_and_sd(bundle):
    table = dimension_scores(bundle, level="city")
    baoding = table.query("region_id == 'baoding' and dimension == 'industry'").iloc[0]
    assert baoding["n"] == 4
    assert baoding["suppressed"]
    assert math.isnan(baoding["mean"]) and math.isnan(baoding["sd"])
    beijing = table.query(
        "region_id == 'beijing' and population == 'account_manager' and dimension == 'industry'"
    )
    assert beijing.iloc[0]["mean"] == pytest.approx(4.0)
    assert not beijing.iloc[0]["suppressed"]


def test_dimension_scores_order_does_not_depend_on_input_order(bundle):
    shuffled = SimpleNamespace(
        responses=bundle.responses.sample(frac=1, random_state=7).reset_index(
            drop=True
        ),
        manifest=bundle.manifest,
    )
    pd.testing.assert_frame_equal(dimension_scores(bundle), dimension_scores(shuffled))
    first = dimension_scores(bundle)
    assert (
        first["region_id"].tolist()[0] == "beijing"
    )  # manifest order, not alphabetical


def test_unknown_level_is_rejected(bundle):
    with pytest.raises(
        ValueError, match="level must be 'top' or 'city', got 'province'"
    ):
        dimension_scores(bundle, level="province")


# --------------------------------------------------------------------------------------------
# compare_region


def test_region_is_compared_with_everyone_else_of_the_population(bundle):
    table = compare_region(bundle, "hebei")
    industry = table.query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["n"] == 7
    assert (
        industry["others_n"] == 8
    )  # beijing 6 + tianjin 2; support engineers excluded
    assert industry["others_mean"] == pytest.approx((6 * 4.0 + 2 * 5.0) / 8)
    assert industry["all_n"] == 15
    assert industry["diff"] == pytest.approx(industry["mean"] - industry["others_mean"])
    assert industry["dimension_label"] == "行业"


def test_rank_one_is_the_regions_weakest_dimension(bundle):
    table = compare_region(bundle, "hebei")
    am = table.query("population == 'account_manager' and rank.notna()")
    weakest = am.loc[am["rank"] == 1, "dimension"].item()
    assert weakest == "industry"  # 2.29 against sales 4.0


def test_small_region_is_suppressed_but_still_counted_in_all(bundle):
    table = compare_region(bundle, "baoding")  # 4 account managers
    industry = table.query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["suppressed"]
    assert industry["n"] == 4
    for column in ("mean", "diff", "others_mean"):
        assert math.isnan(industry[column]), column
    assert pd.isna(industry["rank"])
    assert industry["all_n"] == 15  # the 4 are still part of everyone
    assert not math.isnan(industry["all_mean"])


def test_small_comparison_group_hides_its_mean(bundle):
    people = crowd("BJ", "beijing", 8, {"industry": [3.0]}) + crowd(
        "TJ", "tianjin", 2, {"industry": [5.0]}
    )
    table = compare_region(fake_bundle(people), "beijing")
    industry = table.query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["mean"] == pytest.approx(3.0)
    assert industry["others_n"] == 2
    assert (
        math.isnan(industry["others_mean"])
        and math.isnan(industry["all_mean"])
        and math.isnan(industry["diff"])
    )


def test_every_dimension_of_every_population_gets_a_row(bundle):
    table = compare_region(bundle, "tianjin")
    expected = [(p, d) for p, dims in POPULATION_DIMENSIONS.items() for d in dims]
    assert list(zip(table["population"], table["dimension"])) == [
        pair
        for p in ("account_manager", "support_engineer", "sales_manager")
        for pair in expected
        if pair[0] == p
    ]
    leadership = table.query("dimension == 'leadership'").iloc[0]
    assert leadership["n"] == 0 and leadership["suppressed"]


def test_city_comparison_puts_the_rest_of_the_province_among_the_others(bundle):
    table = compare_region(bundle, "baoding", min_n=1)
    sales = table.query(
        "population == 'account_manager' and dimension == 'sales'"
    ).iloc[0]
    assert sales["n"] == 4
    assert sales["others_n"] == 6 + 3 + 2  # beijing, shijiazhuang, tianjin
    assert not sales["suppressed"]


def test_unknown_region_raises_region_error(bundle):
    with pytest.raises(RegionError, match="unknown region 'atlantis'"):
        compare_region(bundle, "atlantis")
    assert issubclass(RegionError, CasekitError)


# --------------------------------------------------------------------------------------------
# weakest_dimensions


def test_weakest_dimensions_lists_lowest_unsuppressed_means(bundle):
    comparison = compare_region(bundle, "hebei")
    weakest = weakest_dimensions(comparison, "account_manager", k=3)
    assert weakest["dimension"].tolist() == [
        "industry",
        "sales",
    ]  # other dimensions have no data
    assert weakest["mean"].is_monotonic_increasing


def test_weakest_dimensions_never_shows_a_suppressed_cell(bundle):
    comparison = compare_region(bundle, "baoding")
    assert weakest_dimensions(comparison, "account_manager").empty
