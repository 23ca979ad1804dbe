"""Scale scores, Cronbach's alpha, item analysis and the reliability table.

Reference values come from pingouin (a test dependency only) and from the values pingouin's own
docstrings publish, which its authors state were checked against R's ``psych::alpha``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from casekit.analysis import (
    AlphaResult,
    AnalysisError,
    cronbach_alpha,
    item_analysis,
    reliability,
    reverse_items,
    scale_scores,
)
from casekit.analysis.psychometrics import ALL_GROUPS, RELIABILITY_COLUMNS
from casekit.exceptions import CasekitError


@pytest.fixture
def wide_missing() -> pd.DataFrame:
    """pingouin's binary 12 x 11 dataset with 4 missing answers."""
    return pg.read_dataset("cronbach_wide_missing")


@pytest.fixture
def likert() -> pd.DataFrame:
    """pingouin's Likert dataset (15 subjects x 10 items), pivoted to wide form."""
    long = pg.read_dataset("cronbach_alpha")
    return long.pivot(index="Subj", columns="Items", values="Scores").astype(float)


def random_items(
    seed: int, n: int = 60, k: int = 6, missing: float = 0.15
) -> pd.DataFrame:
    """Correlated 1-5 answers with some missing cells."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    raw = np.clip(np.round(3 + trait + rng.normal(scale=1.0, size=(n, k))), 1, 5)
    raw[rng.random((n, k)) < missing] = np.nan
    return pd.DataFrame(raw, columns=[f"q{i + 1}" for i in range(k)])


# --------------------------------------------------------------------------------------------
# Cronbach's alpha against published values


def test_alpha_published_pairwise_value(wide_missing: pd.DataFrame) -> None:
    # Source: pingouin 0.5.x-0.7.0 docstring of pingouin.cronbach_alpha,
    # "In R: psych:alpha(data, use='pairwise')" -> (0.732660835214447, array([0.435, 0.909]))
    result = cronbach_alpha(wide_missing)
    assert isinstance(result, AlphaResult)
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == [0.435, 0.909]
    assert (result.n, result.n_items, result.ci_level) == (12, 11, 0.95)


def test_alpha_published_likert_value(likert: pd.DataFrame) -> None:
    # Source: pingouin.cronbach_alpha docstring, long-format "cronbach_alpha" dataset
    # -> (0.5917188485995826, array([0.195, 0.84 ]))
    result = cronbach_alpha(likert)
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == [0.195, 0.84]
    assert (result.n, result.n_items) == (15, 10)


def test_alpha_published_median_imputed_value(wide_missing: pd.DataFrame) -> None:
    # Source: pingouin.cronbach_alpha docstring, missing values replaced by column medians
    # -> (0.7380191693290734, array([0.447, 0.911]))
    result = cronbach_alpha(wide_missing.fillna(wide_missing.median()))
    assert result.alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == [0.447, 0.911]


def test_alpha_listwise_uses_complete_rows_for_n(wide_missing: pd.DataFrame) -> None:
    # Source: pingouin.cronbach_alpha docstring, "In R: psych:alpha(data, use='complete.obs')"
    # -> (0.8016949152542373, array([0.581, 0.933])). The alpha agrees; pingouin's interval
    # uses n = 12 rows *before* deletion, ours the 9 complete rows (a wider, honest interval).
    result = cronbach_alpha(wide_missing, nan_policy="listwise")
    assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert result.n == 9
    from scipy.stats import f

    def feldt(n: int) -> list[float]:
        df1, df2 = n - 1, (n - 1) * 10
        a = result.alpha
        return [
            1 - (1 - a) * f.isf(0.025, df1, df2),
            1 - (1 - a) * f.isf(0.975, df1, df2),
        ]

    assert list(result.ci) == pytest.approx(feldt(9), abs=1e-12)
    assert np.round(feldt(12), 3).tolist() == [
        0.581,
        0.933,
    ]  # pingouin's published interval
    assert result.ci_low < 0.581 and result.ci_high > 0.933


@pytest.mark.parametrize("seed", range(5))
def test_alpha_equals_pingouin_pairwise(seed: int) -> None:
    items = random_items(seed)
    expected_alpha, expected_ci = pg.cronbach_alpha(items, nan_policy="pairwise")
    result = cronbach_alpha(items)
    assert result.alpha == pytest.approx(expected_alpha, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == pytest.approx(
        expected_ci.tolist(), abs=1e-12
    )


def test_alpha_complete_data_matches_textbook_formula(likert: pd.DataFrame) -> None:
    k = likert.shape[1]
    textbook = (
        k / (k - 1) * (1 - likert.var(ddof=1).sum() / likert.sum(axis=1).var(ddof=1))
    )
    assert cronbach_alpha(likert).alpha == pytest.approx(textbook, abs=1e-12)


def test_alpha_ci_level_is_respected(likert: pd.DataFrame) -> None:
    _, expected = pg.cronbach_alpha(likert, ci=0.9)
    result = cronbach_alpha(likert, ci=0.9)
    assert np.round(result.ci, 3).tolist() == expected.tolist()
    wide = cronbach_alpha(likert, ci=0.99)
    assert wide.ci_low < result.ci_low < result.alpha < result.ci_high < wide.ci_high


def test_alpha_ignores_rows_without_any_answer(wide_missing: pd.DataFrame) -> None:
    padded = pd.concat(
        [wide_missing, pd.DataFrame(np.nan, index=[99], columns=wide_missing.columns)]
    )
    result = cronbach_alpha(padded)
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert result.n == 12
    assert result.ci == cronbach_alpha(wide_missing).ci


def test_alpha_result_to_frame(likert: pd.DataFrame) -> None:
    frame = cronbach_alpha(likert).to_frame()
    assert frame.columns.tolist() == [
        "alpha",
        "ci_low",
        "ci_high",
        "ci_level",
        "n",
        "n_items",
    ]
    assert len(frame) == 1 and frame.loc[0, "n"] == 15


def test_alpha_bad_input_messages() -> None:
    with pytest.raises(
        AnalysisError, match="items has 1 column, cronbach_alpha needs at least 2"
    ):
        cronbach_alpha(pd.DataFrame({"q1": [1.0, 2.0, 3.0]}))
    with pytest.raises(AnalysisError, match=r"items must be numeric; column\(s\) 'q2'"):
        cronbach_alpha(pd.DataFrame({"q1": [1, 2], "q2": ["a", "b"]}))
    with pytest.raises(
        AnalysisError,
        match="1 respondent with answers, cronbach_alpha needs at least 2",
    ):
        cronbach_alpha(pd.DataFrame({"q1": [1.0, np.nan], "q2": [2.0, np.nan]}))
    with pytest.raises(AnalysisError, match=r"item\(s\) 'q3' answered by fewer than 2"):
        cronbach_alpha(
            pd.DataFrame({"q1": [1, 2, 3], "q2": [1, 3, 3], "q3": [np.nan, 2, np.nan]})
        )
    with pytest.raises(
        AnalysisError, match="'q1'/'q2' answered together by fewer than 2"
    ):
        cronbach_alpha(
            pd.DataFrame(
                {
                    "q1": [1, 2, np.nan, np.nan],
                    "q2": [np.nan, np.nan, 1, 3],
                    "q3": [1, 2, 3, 4],
                }
            )
        )
    with pytest.raises(AnalysisError, match="no total variance"):
        cronbach_alpha(pd.DataFrame({"q1": [2, 2, 2], "q2": [3, 3, 3]}))
    with pytest.raises(AnalysisError, match="DataFrame"):
        cronbach_alpha([[1, 2], [3, 4]])  # type: ignore[arg-type]
    with pytest.raises(CasekitError, match="ci must be"):
        cronbach_alpha(pd.DataFrame({"q1": [1, 2, 3], "q2": [1, 3, 3]}), ci=95)


# --------------------------------------------------------------------------------------------
# item analysis


def test_item_analysis_complete_data_matches_direct_computation(
    likert: pd.DataFrame,
) -> None:
    table = item_analysis(likert)
    assert table.columns.tolist() == [
        "item",
        "n",
        "mean",
        "sd",
        "item_total_r",
        "alpha_if_deleted",
    ]
    assert table["item"].tolist() == likert.columns.tolist()
    for _, row in table.iterrows():
        item = likert[row["item"]]
        rest = likert.drop(columns=row["item"])
        assert row["n"] == 15
        assert row["mean"] == pytest.approx(item.mean())
        assert row["sd"] == pytest.approx(item.std(ddof=1))
        assert row["item_total_r"] == pytest.approx(
            np.corrcoef(item, rest.sum(axis=1))[0, 1]
        )
        assert row["item_total_r"] == pytest.approx(
            np.corrcoef(item, rest.mean(axis=1))[0, 1]
        )
        assert row["alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(rest)[0], abs=1e-12
        )


def test_item_analysis_with_missing_values_is_pairwise(
    wide_missing: pd.DataFrame,
) -> None:
    table = item_analysis(wide_missing).set_index("item")
    cov = wide_missing.cov().to_numpy()
    for i, item in enumerate(wide_missing.columns):
        rest = wide_missing.drop(columns=item)
        assert table.loc[item, "n"] == wide_missing[item].notna().sum()
        assert table.loc[item, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(rest)[0], abs=1e-12
        )
        others = [j for j in range(cov.shape[0]) if j != i]
        direct = cov[i, others].sum() / math.sqrt(
            cov[i, i] * cov[np.ix_(others, others)].sum()
        )
        assert table.loc[item, "item_total_r"] == pytest.approx(direct, abs=1e-12)


def test_item_analysis_flags_a_forgotten_reverse_key() -> None:
    items = random_items(3, n=200, missing=0.0)
    items["q6"] = 6 - items["q6"]  # a reverse-keyed item left unreversed
    table = item_analysis(items).set_index("item")
    assert table.loc["q6", "item_total_r"] < 0 < table.drop("q6")["item_total_r"].min()
    assert table.loc["q6", "alpha_if_deleted"] > cronbach_alpha(items).alpha
    fixed = item_analysis(reverse_items(items, {"q6": (1, 5)})).set_index("item")
    assert fixed.loc["q6", "item_total_r"] > 0


def test_item_analysis_two_items_and_errors() -> None:
    table = item_analysis(pd.DataFrame({"a": [1, 2, 3, 5], "b": [2, 2, 4, 4]}))
    assert table["alpha_if_deleted"].isna().all()
    assert table["item_total_r"].tolist() == pytest.approx(
        [np.corrcoef([1, 2, 3, 5], [2, 2, 4, 4])[0, 1]] * 2
    )
    with pytest.raises(
        AnalysisError, match="items has 1 column, item_analysis needs at least 2"
    ):
        item_analysis(pd.DataFrame({"a": [1, 2]}))


# --------------------------------------------------------------------------------------------
# reverse keys and scale scores


def test_reverse_items_mirrors_within_range() -> None:
    items = pd.DataFrame({"q1": [1, 2, 5, np.nan], "q2": [1, 1, 1, 1]})
    out = reverse_items(items, {"q1": (1, 5)})
    assert out["q1"].tolist()[:3] == [5.0, 4.0, 1.0] and math.isnan(out["q1"].iloc[3])
    assert out["q2"].tolist() == [1.0] * 4
    assert items["q1"].iloc[0] == 1  # input untouched


def test_reverse_items_reports_every_problem() -> None:
    items = pd.DataFrame({"q1": [1, 7], "q2": [1, 2]})
    with pytest.raises(AnalysisError) as info:
        reverse_items(items, {"q1": (1, 5), "q9": (1, 5), "q2": (5, 1)})
    message = str(info.value)
    assert "'q1': expected answers within [1, 5], found 7" in message
    assert "'q9' is not a column of items" in message
    assert "'q2': expected min < max, found (5, 1)" in message


def test_scale_scores_mean_of_answered_items_and_threshold() -> None:
    items = pd.DataFrame(
        {
            "a1": [1, 2, np.nan, np.nan],
            "a2": [3, np.nan, np.nan, 4],
            "a3": [5, 4, np.nan, np.nan],
        },
        index=["r1", "r2", "r3", "r4"],
    )
    scores = scale_scores(items, {"A": ["a1", "a2", "a3"]})
    assert scores.index.tolist() == ["r1", "r2", "r3", "r4"]
    # r1: 3 of 3; r2: 2 of 3 (>= half); r3: none; r4: 1 of 3 (< half)
    assert scores["A"].tolist()[:2] == [3.0, 3.0]
    assert scores["A"].iloc[2:].isna().all()
    assert (
        scale_scores(items, {"A": ["a1", "a2", "a3"]}, min_answered=1)["A"].iloc[3]
        == 4.0
    )
    all_items = scale_scores(items, {"A": ["a1", "a2", "a3"]}, min_answered=1.0)["A"]
    assert all_items.notna().tolist() == [True, False, False, False]
    # a count above the scale's length means "all items"
    assert (
        scale_scores(items, {"A": ["a1", "a2", "a3"]}, min_answered=9)["A"]
        .notna()
        .sum()
        == 1
    )


def test_scale_scores_apply_reverse_keys() -> None:
    items = pd.DataFrame({"a1": [1, 5], "a2r": [5, 1], "b1": [2, 3]})
    scores = scale_scores(
        items, {"A": ["a1", "a2r"], "B": ["b1"]}, reverse={"a2r": (1, 5)}
    )
    assert scores.columns.tolist() == ["A", "B"]
    assert scores["A"].tolist() == [1.0, 5.0]
    assert scores["B"].tolist() == [2.0, 3.0]


def test_scale_scores_bad_input_lists_everything() -> None:
    items = pd.DataFrame({"a1": [1, 2], "a2": [2, 3]})
    with pytest.raises(AnalysisError) as info:
        scale_scores(items, {"A": ["a1", "x1", "x2"], "B": [], "C": "a1"})
    message = str(info.value)
    assert "scale 'A': item(s) 'x1', 'x2' are not columns of items" in message
    assert "scale 'B': expected a non-empty list of item ids" in message
    assert "scale 'C': expected a non-empty list of item ids" in message
    for bad in (0, 0.0, 1.5, -2, True, "half"):
        with pytest.raises(AnalysisError, match="min_answered"):
            scale_scores(items, {"A": ["a1", "a2"]}, min_answered=bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# reliability table


@pytest.fixture
def survey() -> tuple[pd.DataFrame, dict[str, list[str]], pd.Series]:
    items = random_items(11, n=90, k=7, missing=0.1)
    items.index = [f"r{i:03d}" for i in range(len(items))]
    scales = {
        "Needs": ["q1", "q2", "q3", "q4"],
        "Closing": ["q5", "q6"],
        "Single": ["q7"],
    }
    groups = pd.Series(["north", "south", "east"] * 30, index=items.index)
    return items, scales, groups


def test_reliability_overall_table(survey) -> None:
    items, scales, _ = survey
    table = reliability(items, scales)
    assert table.columns.tolist() == list(RELIABILITY_COLUMNS)
    assert table["scale"].tolist() == ["Needs", "Closing", "Single"]
    assert (table["group"] == ALL_GROUPS).all()
    assert table["n_items"].tolist() == [4, 2, 1]
    scores = scale_scores(items, scales)
    for _, row in table.iterrows():
        s = scores[row["scale"]].dropna()
        assert row["n"] == len(s)
        assert row["mean"] == pytest.approx(s.mean())
        assert row["sd"] == pytest.approx(s.std(ddof=1))
    needs = table.set_index("scale").loc["Needs"]
    # alpha over every respondent, as pingouin computes it, not only the scored ones
    assert needs["alpha"] == pytest.approx(pg.cronbach_alpha(items[scales["Needs"]])[0], abs=1e-12)
    assert math.isnan(table.set_index("scale").loc["Single", "alpha"])


def test_reliability_alpha_equals_cronbach_alpha_when_nobody_is_excluded(
    survey,
) -> None:
    items, scales, _ = survey
    table = reliability(items, scales, min_answered=1).set_index("scale")
    for name in ("Needs", "Closing"):
        assert table.loc[name, "alpha"] == pytest.approx(
            cronbach_alpha(items[scales[name]]).alpha
        )


def test_reliability_by_group(survey) -> None:
    items, scales, groups = survey
    groups = groups.copy()
    groups.iloc[0] = None  # left out
    table = reliability(items, scales, groups=groups)
    assert len(table) == 3 * 3
    assert table["group"].tolist()[:3] == ["east", "north", "south"]  # sorted
    scores = scale_scores(items, scales)
    row = table[(table["scale"] == "Needs") & (table["group"] == "south")].iloc[0]
    members = groups.index[groups == "south"]
    s = scores.loc[members, "Needs"].dropna()
    assert row["n"] == len(s)
    assert row["alpha"] == pytest.approx(
        pg.cronbach_alpha(items.loc[members, scales["Needs"]])[0], abs=1e-12
    )
    north = table[(table["scale"] == "Needs") & (table["group"] == "north")].iloc[0]
    assert (
        north["n"] == scores.loc[groups.index[groups == "north"], "Needs"].notna().sum()
    )


def test_reliability_small_group_and_category_order(survey) -> None:
    items, scales, _ = survey
    groups = pd.Series(
        pd.Categorical(["big"] * 89 + ["tiny"], categories=["tiny", "big", "unused"]),
        index=items.index,
    )
    table = reliability(items, scales, groups=groups)
    assert table["group"].tolist()[:2] == [
        "tiny",
        "big",
    ]  # category order, unused left out
    tiny = table[table["group"] == "tiny"]
    assert (
        (tiny["n"] <= 1).all()
        and tiny["alpha"].isna().all()
        and tiny["sd"].isna().all()
    )


def test_reliability_with_reverse_keys_raises_alpha() -> None:
    items = random_items(5, n=150, k=4, missing=0.0)
    items["q4"] = 6 - items["q4"]
    scales = {"S": ["q1", "q2", "q3", "q4"]}
    plain = reliability(items, scales)["alpha"].iloc[0]
    keyed = reliability(items, scales, reverse={"q4": (1, 5)})["alpha"].iloc[0]
    assert keyed > plain


def test_reliability_groups_must_match_items(survey) -> None:
    items, scales, groups = survey
    with pytest.raises(
        AnalysisError, match=r"groups must have the same index as items, but it lacks 1"
    ):
        reliability(items, scales, groups=groups.iloc[1:])
    with pytest.raises(AnalysisError, match="groups must be a pandas Series"):
        reliability(items, scales, groups=list(groups))  # type: ignore[arg-type]


def test_reliability_alpha_keeps_partial_responders_like_pingouin() -> None:
    """Respondents below ``min_answered`` have no score (not in ``n``) but count in alpha."""
    rng = np.random.default_rng(7)
    trait = rng.normal(size=60)
    items = pd.DataFrame(
        {f"q{i}": np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=60)), 1, 5) for i in range(1, 5)},
        index=[f"r{i}" for i in range(60)],
    )
    # 15 partial responders: one or two items each (below the 0.5 threshold only with one)
    for r in range(15):
        keep = rng.choice(4, size=1 if r < 10 else 2, replace=False)
        items.iloc[r, [j for j in range(4) if j not in keep]] = np.nan
    items.iloc[59] = np.nan  # answered nothing
    groups = pd.Series(["a", "b"] * 30, index=items.index)
    scales = {"S": ["q1", "q2", "q3", "q4"]}

    table = reliability(items, scales)
    assert table.at[0, "n"] == 60 - 10 - 1  # the one-item responders have no score
    expected = pg.cronbach_alpha(items, nan_policy="pairwise")[0]
    assert table.at[0, "alpha"] == pytest.approx(expected, abs=1e-12)
    scored_only = pg.cronbach_alpha(items[scale_scores(items, scales)["S"].notna()])[0]
    assert abs(expected - scored_only) > 1e-6  # the fixture does tell the two apart

    by_group = reliability(items, scales, groups=groups).set_index("group")
    for g in ("a", "b"):
        members = groups.index[groups == g]
        assert by_group.at[g, "alpha"] == pytest.approx(pg.cronbach_alpha(items.loc[members])[0], abs=1e-12)


def test_a_blank_statistic_always_says_why() -> None:
    """Issue 10: alpha '-' with no reason. Items asked of different people, one item, one respondent."""
    rng = np.random.default_rng(3)
    trait = rng.normal(size=40)
    items = pd.DataFrame({f"q{i}": np.clip(np.round(3 + trait + rng.normal(scale=0.7, size=40)), 1, 5)
                          for i in range(1, 7)}, index=[f"r{i}" for i in range(40)])
    items.iloc[:20, 3:] = np.nan  # q1-q3 asked of the first 20, q4-q6 of the others
    items.iloc[20:, :3] = np.nan
    groups = pd.Series(["a"] * 39 + ["b"], index=items.index)
    table = reliability(items, {"Merged": [f"q{i}" for i in range(1, 7)], "Alone": ["q1"], "Half": ["q1", "q2", "q3"]},
                        groups=groups).set_index(["scale", "group"])
    assert math.isnan(table.at[("Merged", "a"), "alpha"])
    assert table.at[("Merged", "a"), "note"] == (
        "No alpha: its items were answered by different people (no respondent answered all of them; "
        "items asked of different populations are different scales).")
    assert table.at[("Alone", "a"), "note"] == "No alpha: it needs at least 2 items, the scale has 1."
    assert table.at[("Merged", "b"), "note"] == "1 respondent(s) with a scale score (at least 3 of its 6 items answered): no sd and no alpha (they need at least 2)."
    assert math.isnan(table.at[("Merged", "b"), "sd"])
    assert table.at[("Half", "a"), "note"] == "" and table.at[("Half", "a"), "alpha"] > 0.5
    # every blank alpha or sd has a note
    blank = table["alpha"].isna() | table["sd"].isna()
    assert (table.loc[blank, "note"] != "").all()
