"""Dimension scores, region comparison and suppression of small cells (casekit.analysis)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
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
    # beijing 6; tianjin's 2 are below 5, so left out of the comparison base;
    # support engineers are another population
    assert industry["others_n"] == 6
    assert industry["others_mean"] == pytest.approx(4.0)
    assert industry["all_n"] == 13
    assert industry["all_mean"] == pytest.approx((6 * 4.0 + 4 * 2.5 + 3 * 2.0) / 13)
    assert industry["diff"] == pytest.approx(industry["mean"] - industry["others_mean"])
    assert industry["dimension_label"] == "行业"


def test_rank_one_is_the_regions_weakest_dimension(bundle):
    table = compare_region(bundle, "hebei")
    am = table.query("population == 'account_manager' and rank.notna()")
    weakest = am.loc[am["rank"] == 1, "dimension"].item()
    assert weakest == "industry"  # 2.29 against sales 4.0


def test_small_region_is_suppressed_and_shows_no_score_at_all(bundle):
    table = compare_region(bundle, "baoding")  # 4 account managers
    industry = table.query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["suppressed"]
    assert industry["n"] == 4
    for column in ("mean", "diff", "others_mean", "all_mean"):
        assert math.isnan(industry[column]), column
    assert pd.isna(industry["rank"])
    # the 4 are part of hebei (7 >= 5), so of the comparison base; tianjin's 2 are not
    assert industry["all_n"] == 13


def test_suppressed_region_hides_all_mean_even_when_nobody_else_answered():
    people = crowd("TJ", "tianjin", 3, {"industry": [5.0]})
    industry = compare_region(fake_bundle(people), "tianjin").query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["suppressed"] and industry["others_n"] == 0
    for column in ("mean", "diff", "others_mean", "all_mean"):
        assert math.isnan(industry[column]), column


def test_small_comparison_group_is_left_out_of_the_comparison_base(bundle):
    people = crowd("BJ", "beijing", 8, {"industry": [3.0]}) + crowd(
        "TJ", "tianjin", 2, {"industry": [5.0]}
    )
    table = compare_region(fake_bundle(people), "beijing")
    industry = table.query(
        "population == 'account_manager' and dimension == 'industry'"
    ).iloc[0]
    assert industry["mean"] == pytest.approx(3.0)
    assert industry["others_n"] == 0  # tianjin's 2 are in no shown number
    assert math.isnan(industry["others_mean"]) and math.isnan(industry["diff"])
    assert industry["all_n"] == 8
    assert industry["all_mean"] == pytest.approx(3.0)  # beijing's own mean: nothing new


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


# --------------------------------------------------------------------------------------------
# anonymity across reports: nothing shown, in any report, reveals a group below 5


SHOWN = ("mean", "others_mean", "all_mean", "diff")


def every_report(b: SimpleNamespace) -> dict[str, pd.DataFrame]:
    """compare_region for every region of the manifest, top level and cities."""
    return {rid: compare_region(b, rid) for rid in TREE}


def shown_numbers(reports: dict[str, pd.DataFrame]) -> pd.Series:
    """Every score-derived number of every report, keyed by (region, population, dimension, column)."""
    values = {}
    for rid, table in reports.items():
        for _, row in table.iterrows():
            for column in SHOWN:
                values[(rid, row["population"], row["dimension"], column)] = row[column]
    return pd.Series(values, dtype="float64")


def with_scores(b: SimpleNamespace, change: dict[str, float]) -> SimpleNamespace:
    """The bundle with the given respondents' item values replaced."""
    responses = b.responses.copy()
    for respondent_id, value in change.items():
        responses.loc[responses["respondent_id"] == respondent_id, "value"] = value
    return SimpleNamespace(responses=responses, manifest=b.manifest)


def test_a_small_region_influences_no_number_shown_in_any_report():
    # the reviewer's attack: beijing (8) and hebei (6) compared with "others" that contained
    # tianjin (3) gave tianjin's mean away by differencing two reports
    people = (
        crowd("BJ", "beijing", 8, {"industry": [3.0], "sales": [2.0]})
        + crowd("BD", "baoding", 6, {"industry": [4.0], "sales": [3.5]})
        + crowd("TJ", "tianjin", 3, {"industry": [1.0], "sales": [5.0]})
        + crowd("SE", "beijing", 5, {"product": [3.0]}, population="support_engineer")
        + crowd("SF", "tianjin", 2, {"product": [1.0]}, population="support_engineer")
    )
    b = fake_bundle(people)
    before = every_report(b)
    small = b.responses.loc[b.responses["top_region_id"] == "tianjin", "respondent_id"]
    after = every_report(with_scores(b, {rid: 4.75 for rid in small.unique()}))
    for rid in TREE:
        pd.testing.assert_frame_equal(before[rid], after[rid], obj=rid)
    # ... while the shown numbers still do their job
    hebei = before["hebei"].query("dimension == 'industry'").iloc[0]
    assert (hebei["mean"], hebei["others_mean"], hebei["others_n"]) == (4.0, 3.0, 8)
    tianjin = before["tianjin"].query("dimension == 'industry'").iloc[0]
    assert tianjin["suppressed"] and tianjin["n"] == 3


def test_no_combination_of_shown_numbers_recovers_a_small_group():
    """Shown numbers are linear in the scores: measure them and check what they span.

    hebei (9) = baoding (6) + shijiazhuang (3); tianjin has 3. Perturbing each respondent's score
    in turn gives the matrix of every shown number's dependence on every respondent; a group's
    mean can be computed from the shown numbers exactly when its (scaled) indicator vector lies
    in the span of the rows.
    """
    people = (
        crowd("BJ", "beijing", 8, {"industry": [3.0]})
        + crowd("BD", "baoding", 6, {"industry": [4.0]})
        + crowd("SJ", "shijiazhuang", 3, {"industry": [2.0]})
        + crowd("TJ", "tianjin", 3, {"industry": [1.0]})
    )
    b = fake_bundle(people)
    base = shown_numbers(every_report(b))
    shown = base.notna()
    respondents = list(dict.fromkeys(b.responses["respondent_id"]))
    columns = []
    for rid in respondents:
        value = float(b.responses.loc[b.responses["respondent_id"] == rid, "value"].iloc[0])
        moved = shown_numbers(every_report(with_scores(b, {rid: value + 1.0})))
        assert (moved.notna() == shown).all()  # what is hidden does not depend on the scores
        columns.append((moved[shown] - base[shown]).to_numpy())
    jacobian = np.column_stack(columns)
    rank = np.linalg.matrix_rank(jacobian, tol=1e-9)

    def indicator(prefix: str) -> np.ndarray:
        return np.array([float(r.startswith(prefix)) for r in respondents])

    def recoverable(vector: np.ndarray) -> bool:
        return np.linalg.matrix_rank(np.vstack([jacobian, vector]), tol=1e-9) == rank

    # what is shown spans exactly beijing's and hebei's means: every number shown is some
    # combination of those two groups of 8 and 9 ...
    assert rank == 2
    assert recoverable(indicator("BJ")) and recoverable(indicator("BD") + indicator("SJ"))
    # ... so no small group (nor baoding, which would give shijiazhuang away) nor anyone alone
    for prefix in ("TJ", "SJ", "BD"):
        assert not recoverable(indicator(prefix)), prefix
    for k in range(len(respondents)):
        assert not recoverable(np.eye(len(respondents))[k]), respondents[k]


def test_a_city_is_hidden_when_the_rest_of_its_province_would_be_small():
    people = (
        crowd("BJ", "beijing", 8, {"industry": [3.0]})
        + crowd("BD", "baoding", 6, {"industry": [4.0]})
        + crowd("SJ", "shijiazhuang", 3, {"industry": [2.0]})
    )
    b = fake_bundle(people)
    baoding = compare_region(b, "baoding").query("dimension == 'industry'").iloc[0]
    # hebei's mean (9 people) minus baoding's (6) would give shijiazhuang's 3 away
    assert baoding["n"] == 6 and baoding["suppressed"] and math.isnan(baoding["mean"])
    people += crowd("SX", "shijiazhuang", 2, {"industry": [2.0]})  # now 5 in shijiazhuang
    b = fake_bundle(people)
    for city in ("baoding", "shijiazhuang"):
        row = compare_region(b, city).query("dimension == 'industry'").iloc[0]
        assert not row["suppressed"] and not math.isnan(row["mean"]), city


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
