"""Cross-tabulations and group comparisons (casekit.analysis.group_tests).

Reference values come from pingouin and scipy (test dependencies only), and from the values
pingouin's docstrings publish for its bundled datasets.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from casekit.analysis import (
    AnalysisError,
    CrosstabResult,
    GroupComparison,
    compare_groups,
    crosstab,
)
from casekit.analysis.group_tests import TOTAL

# pingouin (the reference, not casekit) calls a pandas method deprecated in pandas 3
pytestmark = pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.dropna"
)


@pytest.fixture
def pain() -> pd.DataFrame:
    """pingouin's "anova" dataset: pain threshold by hair colour, 19 people in 4 groups."""
    return pg.read_dataset("anova")


@pytest.fixture
def penguins() -> pd.DataFrame:
    return pg.read_dataset("penguins")


def pg_chi2(data: pd.DataFrame, x: str, y: str, correction: bool) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, _, table = pg.chi2_independence(data, x=x, y=y, correction=correction)
    return table.set_index("test").loc["pearson"]


# --------------------------------------------------------------------------------------------
# compare_groups


def test_compare_groups_published_pain_threshold_values(pain: pd.DataFrame) -> None:
    # Source: pingouin 0.7.0 docstrings. pingouin.anova (detailed, rounded to 3 decimals):
    #   Hair color SS 1360.726 DF 3 MS 453.575 F 6.791 p_unc 0.004 np2 0.576; Within DF 15
    # pingouin.kruskal: ddof1 3, H 10.58863, p_unc 0.014172
    result = compare_groups(pain["Pain threshold"], pain["Hair color"])
    assert isinstance(result, GroupComparison)
    assert round(result.anova_f, 3) == 6.791
    assert round(result.anova_p, 3) == 0.004
    assert round(result.eta_squared, 3) == 0.576
    assert (result.df_between, result.df_within, result.n) == (3, 15, 19)
    assert round(result.kruskal_h, 5) == 10.58863
    assert round(result.kruskal_p, 6) == 0.014172


def test_compare_groups_equals_pingouin_and_scipy(pain: pd.DataFrame) -> None:
    result = compare_groups(pain["Pain threshold"], pain["Hair color"])
    aov = pg.anova(dv="Pain threshold", between="Hair color", data=pain, detailed=True)
    kw = pg.kruskal(data=pain, dv="Pain threshold", between="Hair color")
    assert result.anova_f == pytest.approx(aov.loc[0, "F"], rel=1e-12)
    assert result.anova_p == pytest.approx(aov.loc[0, "p_unc"], rel=1e-10)
    assert result.eta_squared == pytest.approx(aov.loc[0, "np2"], rel=1e-12)
    ss_b, ss_w, ms_w = aov.loc[0, "SS"], aov.loc[1, "SS"], aov.loc[1, "MS"]
    omega = (ss_b - 3 * ms_w) / (ss_b + ss_w + ms_w)
    assert result.omega_squared == pytest.approx(omega, rel=1e-12)
    assert 0 < result.omega_squared < result.eta_squared
    assert result.kruskal_h == pytest.approx(kw.loc["Kruskal", "H"], rel=1e-12)
    assert result.kruskal_p == pytest.approx(kw.loc["Kruskal", "p_unc"], rel=1e-10)
    assert result.epsilon_squared == pytest.approx(result.kruskal_h / (19 - 1))
    samples = [g["Pain threshold"].to_numpy() for _, g in pain.groupby("Hair color")]
    assert result.anova_f == pytest.approx(stats.f_oneway(*samples).statistic)


def test_compare_groups_descriptives_in_group_order(pain: pd.DataFrame) -> None:
    result = compare_groups(pain["Pain threshold"], pain["Hair color"])
    table = result.groups
    assert table.columns.tolist() == ["group", "n", "mean", "sd", "median"]
    assert table["group"].tolist() == sorted(pain["Hair color"].unique())
    expected = pain.groupby("Hair color")["Pain threshold"].agg(
        ["count", "mean", "std", "median"]
    )
    assert table["n"].tolist() == expected["count"].tolist()
    assert table["mean"].tolist() == pytest.approx(expected["mean"].tolist())
    assert table["sd"].tolist() == pytest.approx(expected["std"].tolist())
    assert table["median"].tolist() == pytest.approx(expected["median"].tolist())


def test_auto_picks_kruskal_for_small_groups(pain: pd.DataFrame) -> None:
    result = compare_groups(pain["Pain threshold"], pain["Hair color"])
    assert result.method == "kruskal"
    assert "fewer than 10 observations" in result.reason
    assert result.p_value == result.kruskal_p
    assert result.effect_size == result.epsilon_squared
    forced = compare_groups(pain["Pain threshold"], pain["Hair color"], method="anova")
    assert forced.method == "anova" and forced.p_value == forced.anova_p


def test_penguins_with_missing_values_auto_picks_anova(penguins: pd.DataFrame) -> None:
    result = compare_groups(penguins["body_mass_g"], penguins["species"])
    assert result.method == "anova"  # groups of 68-152, |skewness| < 0.3
    assert result.n == 342  # two penguins without a body mass are left out
    aov = pg.anova(dv="body_mass_g", between="species", data=penguins, detailed=True)
    kw = pg.kruskal(data=penguins, dv="body_mass_g", between="species")
    assert result.anova_f == pytest.approx(aov.loc[0, "F"], rel=1e-10)
    assert result.eta_squared == pytest.approx(aov.loc[0, "np2"], rel=1e-10)
    assert result.kruskal_h == pytest.approx(kw.loc["Kruskal", "H"], rel=1e-10)
    assert result.effect_size == result.eta_squared


def test_auto_picks_kruskal_for_skewed_groups() -> None:
    rng = np.random.default_rng(0)
    scores = pd.Series(np.concatenate([rng.exponential(size=40), rng.normal(size=40)]))
    groups = pd.Series(["a"] * 40 + ["b"] * 40)
    result = compare_groups(scores, groups)
    assert result.method == "kruskal"
    assert "'a'" in result.reason and "skewed" in result.reason


def test_groups_with_one_score_are_dropped_and_reported(pain: pd.DataFrame) -> None:
    scores = pd.concat(
        [pain["Pain threshold"], pd.Series([99.0, np.nan], index=[100, 101])]
    )
    groups = pd.concat(
        [pain["Hair color"], pd.Series(["Red", "Grey"], index=[100, 101])]
    )
    result = compare_groups(scores, groups)
    assert result.dropped.to_dict() == {"Grey": 0, "Red": 1}
    assert "Red" not in result.groups["group"].tolist()
    assert result.n == 19
    assert result.anova_f == pytest.approx(
        compare_groups(pain["Pain threshold"], pain["Hair color"]).anova_f
    )
    assert any("Dropped" in note for note in result.notes)


def test_to_frame_lists_both_tests(pain: pd.DataFrame) -> None:
    frame = compare_groups(pain["Pain threshold"], pain["Hair color"]).to_frame()
    assert frame["test"].tolist() == ["anova", "kruskal"]
    assert frame["chosen"].tolist() == [False, True]
    assert frame.loc[0, "df2"] == 15 and math.isnan(frame.loc[1, "df2"])


def test_constant_scores_give_no_test() -> None:
    result = compare_groups(pd.Series([3.0] * 6), pd.Series(list("aabbcc")))
    assert math.isnan(result.anova_f) and math.isnan(result.kruskal_h)
    assert "Every score is equal" in result.notes[0]


@pytest.mark.parametrize(
    "scores",
    [
        [0.1] * 12,  # gave eta² = 4.0 and a RuntimeWarning from scipy
        [0.1 + 0.2] * 6 + [0.3] * 6,  # equal but for the last bit
        [0.7 * 3] * 6 + [2.1] * 6,  # 2.0999999999999996 and 2.1
        [1e6 + 0.1] * 6 + [1e6 + 0.1 + 1e-10] * 6,  # noise relative to the mean
    ],
)
def test_float_noise_constant_scores_give_no_test_and_no_warning(scores: list[float]) -> None:
    groups = pd.Series(list("aaaaaabbbbbb"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_groups(pd.Series(scores), groups)
    assert math.isnan(result.eta_squared) and math.isnan(result.omega_squared)
    assert math.isnan(result.epsilon_squared) and math.isnan(result.anova_f)
    assert "Every score is equal" in result.notes[0]


def test_effect_sizes_are_clipped_to_the_unit_interval() -> None:
    # identical group means: F = 0 < 1, so the unbiased omega² would be negative
    scores = pd.Series([1.0, 2.0, 3.0] * 4)
    groups = pd.Series(list("aaabbbcccddd"))
    result = compare_groups(scores, groups)
    ss_b, ss_t, k, n = 0.0, 8.0, 4, 12
    ms_w = (ss_t - ss_b) / (n - k)
    assert (ss_b - (k - 1) * ms_w) / (ss_t + ms_w) < 0  # what the formula gives
    assert result.omega_squared == 0.0
    assert result.eta_squared == pytest.approx(0.0, abs=1e-15)
    assert 0.0 <= result.epsilon_squared <= 1.0
    # groups constant within, different between: every effect size is at most 1
    apart = compare_groups(pd.Series([1.0] * 6 + [2.0] * 6), pd.Series(list("aaaaaabbbbbb")))
    assert apart.eta_squared == 1.0 and apart.omega_squared <= 1.0 and apart.epsilon_squared <= 1.0


def test_compare_groups_bad_input() -> None:
    scores = pd.Series([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(
        AnalysisError, match="needs at least 2 groups with 2 or more scores, found 1"
    ):
        compare_groups(scores, pd.Series(["a", "a", "a", "b"]))
    with pytest.raises(AnalysisError, match="scores must be numeric"):
        compare_groups(pd.Series(list("abcd")), pd.Series(list("aabb")))
    with pytest.raises(
        AnalysisError, match="groups must have the same index as scores"
    ):
        compare_groups(scores, pd.Series(list("aabb"), index=[1, 2, 3, 4]))
    with pytest.raises(AnalysisError, match="method must be"):
        compare_groups(scores, pd.Series(list("aabb")), method="t-test")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# crosstab


def test_crosstab_2x2_against_pingouin_and_scipy() -> None:
    data = pg.read_dataset("chi2_independence")
    result = crosstab(data["target"], data["sex"])
    assert isinstance(result, CrosstabResult)
    # Source: pingouin.chi2_independence docstring, pearson row: chi2 22.717 (Yates), dof 1
    assert round(result.chi2, 3) == 22.717 and result.dof == 1
    reference = pg_chi2(data, "sex", "target", correction=True)
    assert result.chi2 == pytest.approx(reference["chi2"], rel=1e-12)
    assert result.p_value == pytest.approx(reference["pval"], rel=1e-10)
    # Cramér's V from the uncorrected statistic (pingouin with correction=False)
    uncorrected = pg_chi2(data, "sex", "target", correction=False)
    assert result.cramers_v == pytest.approx(uncorrected["cramer"], rel=1e-12)
    observed = pd.crosstab(data["sex"], data["target"]).to_numpy()
    fisher = stats.fisher_exact(observed)
    assert result.fisher_p == pytest.approx(fisher.pvalue)
    assert result.odds_ratio == pytest.approx(fisher.statistic)
    assert not result.low_expected
    assert any("Yates" in note for note in result.notes)
    no_yates = crosstab(data["target"], data["sex"], correction=False)
    assert no_yates.chi2 == pytest.approx(uncorrected["chi2"], rel=1e-12)


def test_crosstab_larger_table_is_not_corrected(penguins: pd.DataFrame) -> None:
    result = crosstab(penguins["island"], penguins["species"])
    reference = pg_chi2(penguins, "species", "island", correction=True)
    assert result.dof == 4
    assert result.chi2 == pytest.approx(reference["chi2"], rel=1e-12)  # 299.55
    assert result.cramers_v == pytest.approx(reference["cramer"], rel=1e-12)  # 0.660
    direct = stats.chi2_contingency(
        pd.crosstab(penguins["species"], penguins["island"])
    )
    assert result.p_value == pytest.approx(direct.pvalue, rel=1e-10)
    assert math.isnan(result.fisher_p)


def test_crosstab_counts_margins_and_row_percentages() -> None:
    answers = pd.Series(["yes", "no", "yes", "yes", None, "no", "yes"])
    groups = pd.Series(["B", "A", "A", "B", "A", "B", None])
    result = crosstab(answers, groups, order=["yes", "no", "maybe"])
    counts = result.counts
    assert counts.index.tolist() == ["A", "B", TOTAL]
    assert counts.columns.tolist() == ["yes", "no", "maybe", TOTAL]
    assert counts.loc["A"].tolist() == [1, 1, 0, 2]
    assert counts.loc["B"].tolist() == [2, 1, 0, 3]
    assert counts.loc[TOTAL].tolist() == [3, 2, 0, 5]
    assert result.n == 5 and result.n_by_group.tolist() == [2, 3]
    assert result.row_percent.loc["B"].tolist() == pytest.approx([200 / 3, 100 / 3, 0])
    assert result.row_percent.loc[TOTAL].tolist() == pytest.approx([60, 40, 0])
    # the empty "maybe" column is shown but not tested (no expected count)
    assert result.dof == 1 and result.expected is not None
    assert result.expected.columns.tolist() == ["yes", "no"]
    long = result.to_frame()
    assert long.columns.tolist() == ["group", "answer", "count", "row_percent"]
    assert len(long) == 6


def test_crosstab_flags_small_expected_counts() -> None:
    answers = pd.Series(["x", "y", "x", "z", "x", "y", "x", "x"])
    groups = pd.Series(["g1", "g1", "g1", "g1", "g2", "g2", "g2", "g2"])
    result = crosstab(answers, groups)
    assert result.low_expected
    assert "expected counts" in " ".join(result.notes) and "unreliable" in " ".join(
        result.notes
    )
    assert "low_expected" in result.summary().columns


def test_crosstab_multi_choice_counts_each_option() -> None:
    answers = pd.Series(
        ["price;coverage", "price", "service; price", "", None, "coverage"]
    )
    groups = pd.Series(["A", "A", "B", "B", "B", "B"])
    result = crosstab(answers, groups, explode_multi=True)
    assert result.multi_choice
    assert result.counts.loc["A", "price"] == 2 and result.counts.loc["B", "price"] == 1
    assert result.counts.loc[TOTAL, TOTAL] == 6  # choices, not respondents
    assert result.n == 4 and result.n_by_group.to_dict() == {"A": 2, "B": 2}
    assert result.row_percent.loc["A", "price"] == 100
    assert result.row_percent.loc["A"].sum() == 150  # multi-choice rows exceed 100%
    assert (
        math.isnan(result.chi2)
        and math.isnan(result.cramers_v)
        and not result.chi2_applies
    )
    assert "does not apply" in result.notes[0]


def test_crosstab_bad_input() -> None:
    with pytest.raises(
        AnalysisError, match=r"answers has value\(s\) 'maybe' that are not in order"
    ):
        crosstab(
            pd.Series(["yes", "maybe"]), pd.Series(["a", "b"]), order=["yes", "no"]
        )
    with pytest.raises(
        AnalysisError, match="groups must have the same index as answers"
    ):
        crosstab(pd.Series(["yes", "no"]), pd.Series(["a", "b"], index=[5, 6]))
    with pytest.raises(AnalysisError, match="nothing to tabulate"):
        crosstab(pd.Series([None, None]), pd.Series(["a", "b"]))
    single = crosstab(pd.Series(["yes", "no"]), pd.Series(["a", "a"]))
    assert math.isnan(single.chi2) and "at least two groups" in single.notes[0]
