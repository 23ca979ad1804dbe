"""Group comparisons for questionnaire data: cross-tabulations and score differences.

* :func:`crosstab` -- a closed question against a grouping (region, population, ...): counts
  with margins, row percentages, the chi-square test of independence, Cramér's V, and Fisher's
  exact test for 2 x 2 tables. Multi-choice questions (options joined by ``;``) are counted
  option by option.
* :func:`compare_groups` -- a numeric score (e.g. a column of
  :func:`casekit.analysis.scale_scores`) across groups: descriptives, one-way ANOVA with eta²
  and omega², Kruskal-Wallis with epsilon², and a documented rule choosing between them.

Both take plain :class:`pandas.Series` sharing one index (one row per respondent). Like
:mod:`casekit.analysis.psychometrics`, nothing here suppresses small groups: the results are
for the consultant, not for clients.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.checks import preview, preview_zh
from casekit.analysis.grouping import align_groups, group_order
from casekit.exceptions import AnalysisError
from casekit.language import quoted, tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "GROUP_DESCRIPTIVE_COLUMNS",
    "GROUP_DESCRIPTIVE_SCHEMA",
    "MAX_ABS_SKEW",
    "MIN_EXPECTED",
    "MIN_GROUP_N_FOR_ANOVA",
    "TOTAL",
    "CrosstabResult",
    "GroupComparison",
    "compare_groups",
    "crosstab",
]

#: Label of the margins (row and column totals) of :attr:`CrosstabResult.counts`.
TOTAL = "Total"

#: Expected counts below this are "small" for the chi-square approximation (Cochran's rule).
MIN_EXPECTED = 5.0

#: ``compare_groups(method="auto")`` uses Kruskal-Wallis when a group has fewer observations.
MIN_GROUP_N_FOR_ANOVA = 10

#: ``compare_groups(method="auto")`` uses Kruskal-Wallis when a group's skewness exceeds this.
MAX_ABS_SKEW = 1.0

#: The table of :attr:`GroupComparison.groups`: one row per compared group, ``group`` the group's
#: label (text in every casekit grouping: regions, populations, a questionnaire's answers).
GROUP_DESCRIPTIVE_SCHEMA = OutputSchema(
    "group descriptives", "casekit.analysis.compare_groups().groups", (
        Col("group"), Col("n", "int"), *columns("float", "mean", "sd", "median"),
    ), consumers=("GroupComparison.groups", "public API"))
#: Columns of :attr:`GroupComparison.groups` (from its schema).
GROUP_DESCRIPTIVE_COLUMNS: tuple[str, ...] = GROUP_DESCRIPTIVE_SCHEMA.names


def _check_series(values: object, name: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise AnalysisError(tr(
            f"{name} 应为 pandas Series（每行一位答卷人），实际为 {type(values).__name__}",
            f"{name} must be a pandas Series (one row per respondent), got {type(values).__name__}"
        ))
    if values.index.has_duplicates:
        raise AnalysisError(tr(
            f"{name} 的行索引有重复；每一行应是一位答卷人",
            f"{name} has a duplicated index; each row must be one respondent"
        ))
    return values


# --------------------------------------------------------------------------------------------
# crosstab


@dataclass(frozen=True)
class CrosstabResult:
    """A closed question cross-tabulated against groups, with a test of independence.

    Attributes
    ----------
    counts : pandas.DataFrame
        Groups (rows) x answer options (columns), with a :data:`TOTAL` row and column. For a
        multi-choice question a cell counts respondents who chose the option, so the
        :data:`TOTAL` column counts choices, not respondents.
    row_percent : pandas.DataFrame
        Percent (0-100) of each group's respondents giving each answer, same layout as
        ``counts`` without the :data:`TOTAL` column (the :data:`TOTAL` row is the whole
        sample). Rows sum to 100 for a single-choice question; for a multi-choice question
        they can exceed 100.
    n : int
        Respondents in the table (answer and group both present).
    n_by_group : pandas.Series
        Respondents per group (the denominators of ``row_percent``).
    chi2, dof, p_value : float, int, float
        Pearson's chi-square test of independence on the table without margins and without
        all-zero rows or columns (``scipy.stats.chi2_contingency``). Yates' continuity
        correction is applied only to a 2 x 2 table, and only with ``correction=True``;
        larger tables are never corrected. ``NaN`` when the test does not apply (see
        ``notes``).
    cramers_v : float
        Cramér's V, :math:`\\sqrt{\\chi^2 / (n (\\min(r, c) - 1))}`, from the *uncorrected*
        chi-square (so it does not depend on ``correction``). ``NaN`` when the test does not
        apply.
    expected : pandas.DataFrame or None
        Expected counts under independence (``None`` when the test does not apply).
    low_expected : bool
        ``True`` when the chi-square approximation is doubtful by Cochran's rule: more than
        20% of the expected counts are below :data:`MIN_EXPECTED` (5), or one is below 1.
        ``notes`` then says so, and suggests Fisher's exact test.
    fisher_p, odds_ratio : float
        Fisher's exact test (two-sided, ``scipy.stats.fisher_exact``) and the sample odds
        ratio, for a 2 x 2 table only; ``NaN`` otherwise.
    multi_choice : bool
        Whether options were counted separately (``explode_multi=True``).
    notes : tuple of str
        Plain-language caveats to show with the table.
    """

    counts: pd.DataFrame
    row_percent: pd.DataFrame
    n: int
    n_by_group: pd.Series
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    expected: pd.DataFrame | None
    low_expected: bool
    fisher_p: float
    odds_ratio: float
    multi_choice: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def chi2_applies(self) -> bool:
        """Whether the chi-square test was computed (single choice, at least a 2 x 2 table)."""
        return not math.isnan(self.chi2)

    def to_frame(self) -> pd.DataFrame:
        """The table in long form: one row per group x answer.

        Returns
        -------
        pandas.DataFrame
            Columns ``group``, ``answer``, ``count`` and ``row_percent`` (margins excluded).
        """
        counts = self.counts.drop(index=TOTAL, columns=TOTAL)
        percent = self.row_percent.drop(index=TOTAL)
        long = counts.stack().rename("count").to_frame()
        long["row_percent"] = percent.stack()
        long.index.names = ["group", "answer"]
        return long.reset_index()

    def summary(self) -> pd.DataFrame:
        """The test in one row: ``n``, ``chi2``, ``dof``, ``p_value``, ``cramers_v``,
        ``low_expected``, ``fisher_p``, ``odds_ratio``, ``multi_choice``, ``notes``."""
        keys = (
            "n",
            "chi2",
            "dof",
            "p_value",
            "cramers_v",
            "low_expected",
            "fisher_p",
            "odds_ratio",
            "multi_choice",
        )
        row = {k: getattr(self, k) for k in keys}
        row["notes"] = " ".join(self.notes)
        return pd.DataFrame([row])


def _split_choices(answers: pd.Series, sep: str) -> pd.Series:
    """One row per chosen option (index repeated), blanks removed."""
    parts = answers.astype(str).str.split(sep, regex=False).explode().str.strip()
    return parts[parts != ""]


def crosstab(
    answers: pd.Series,
    groups: pd.Series,
    *,
    order: Sequence[Hashable] | None = None,
    explode_multi: bool = False,
    sep: str = ";",
    correction: bool = True,
) -> CrosstabResult:
    """Cross-tabulate a closed question against groups and test their independence.

    Parameters
    ----------
    answers : pandas.Series
        One answer per respondent (missing = not answered). With ``explode_multi=True``, a
        string of the chosen options joined by ``sep``, e.g. ``"price;coverage"``.
    groups : pandas.Series
        Each respondent's group, same index as ``answers``. Respondents with a missing answer
        or group are left out. Groups are listed in category order for a categorical, else
        sorted.
    order : sequence, optional
        Answer options in display order. Options nobody chose still get a (zero) column; an
        answer not in ``order`` is an error (it is usually a typo in one or the other).
        Default: category order for a categorical, else sorted.
    explode_multi : bool, default False
        Count each chosen option of a multi-choice answer. A respondent can then fall into
        several columns, so the chi-square test (which needs each respondent in exactly one
        cell) does not apply: ``chi2``, ``p_value`` and ``cramers_v`` are ``NaN`` and
        ``notes`` says why.
    sep : str, default ";"
        Separator of multi-choice answers.
    correction : bool, default True
        Yates' continuity correction for a 2 x 2 table (scipy's default); tables with more
        than one degree of freedom are never corrected.

    Returns
    -------
    CrosstabResult

    Raises
    ------
    AnalysisError
        If the Series are not aligned (different index labels), or an answer is not in
        ``order``, or nothing is left after dropping missing values.

    Notes
    -----
    Pearson's statistic is :math:`\\chi^2 = \\sum_{ij} (O_{ij} - E_{ij})^2 / E_{ij}` with
    :math:`E_{ij} = O_{i\\cdot} O_{\\cdot j} / n` and :math:`(r-1)(c-1)` degrees of freedom,
    computed on the table without all-zero rows and columns (an option nobody chose has no
    expected count). The approximation is trusted when no more than 20% of the expected
    counts are below 5 and none below 1 (Cochran, 1954); otherwise ``low_expected`` is set.
    For a 2 x 2 table Fisher's exact test is always given. Cramér's V [2]_ is 0 for
    independence and 1 for a perfect association.

    References
    ----------
    .. [1] Cochran, W. G. (1954). Some methods for strengthening the common chi-square tests.
           Biometrics, 10(4), 417-451.
    .. [2] Cramér, H. (1946). Mathematical Methods of Statistics. Princeton University Press,
           p. 282.
    """
    answers = _check_series(answers, "answers")
    groups = align_groups(_check_series(groups, "groups"), answers.index, "answers")
    keep = answers.notna() & groups.notna()
    answers, groups = answers[keep], groups[keep]
    if explode_multi:
        cells = _split_choices(answers, sep)
        answered = groups.loc[cells.index.unique()]
    else:
        cells = answers
        answered = groups
    if answered.empty:
        raise AnalysisError(tr(
            "没有人既回答了这道题又有分组，无法制表",
            "no respondent has both an answer and a group; nothing to tabulate"
        ))
    cell_groups = groups.loc[cells.index]

    observed_options = list(pd.unique(cells))
    if order is None:
        if isinstance(answers.dtype, pd.CategoricalDtype) and not explode_multi:
            seen = set(observed_options)
            options = [c for c in answers.cat.categories if c in seen]
        else:
            options = group_order(pd.Series(observed_options, dtype=object))
    else:
        options = list(order)
        unknown = [o for o in observed_options if o not in set(options)]
        if unknown:
            raise AnalysisError(tr(
                f"答案中有{preview_zh(unknown)}，不在选项顺序（{preview_zh(options)}）中；"
                "请把它们加入 order，或改正答案",
                f"answers has value(s) {preview(unknown)} that are not in order "
                f"({preview(options)}); add them to order or fix the answers"
            ))
    group_levels = group_order(answered)

    table = (
        pd.crosstab(
            pd.Categorical(cell_groups.to_numpy(), categories=group_levels),
            pd.Categorical(cells.to_numpy(), categories=options),
            dropna=False,
        )
        .reindex(index=group_levels, columns=options, fill_value=0)
        .astype("int64")
    )
    table.index.name, table.columns.name = None, None
    n_by_group = answered.value_counts().reindex(group_levels).astype("int64")
    n_by_group.index.name = None
    n_by_group.name = "n"
    n = int(n_by_group.sum())

    counts = table.copy()
    counts[TOTAL] = counts.sum(axis=1)
    counts.loc[TOTAL] = counts.sum(axis=0)
    row_percent = table.div(n_by_group, axis=0) * 100
    row_percent.loc[TOTAL] = table.sum(axis=0) / n * 100

    notes: list[str] = []
    nan = float("nan")
    chi2 = p_value = cramers_v = fisher_p = odds_ratio = nan
    dof = 0
    expected = None
    low_expected = False
    tested = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if explode_multi:
        notes.append(tr(
            "多选题：一个人可能计入几列，所以不做卡方检验。",
            "Multi-choice question: a respondent can be counted in several columns, so the "
            "chi-square test of independence does not apply."
        ))
    elif min(tested.shape) < 2:
        notes.append(tr(
            f"卡方检验至少需要两个组、两种回答；这张表只有 {tested.shape[0]} 组、{tested.shape[1]} 种回答。",
            "The chi-square test needs at least two groups and two answers given; "
            f"the table has {tested.shape[0]} x {tested.shape[1]}."
        ))
    else:
        observed = tested.to_numpy()
        res = stats.chi2_contingency(observed, correction=correction)
        chi2, p_value, dof = float(res.statistic), float(res.pvalue), int(res.dof)
        uncorrected = float(
            stats.chi2_contingency(observed, correction=False).statistic
        )
        cramers_v = math.sqrt(uncorrected / (n * (min(observed.shape) - 1)))
        expected = pd.DataFrame(
            res.expected_freq, index=tested.index, columns=tested.columns
        )
        small = res.expected_freq < MIN_EXPECTED
        share_small = float(small.mean())
        low_expected = share_small > 0.2 or bool((res.expected_freq < 1).any())
        if low_expected:
            notes.append(tr(
                f"{small.size} 个期望频数中有 {small.sum()} 个（{share_small:.0%}）小于 {MIN_EXPECTED:g}"
                + ("，有的小于 1" if (res.expected_freq < 1).any() else "")
                + "：卡方检验的 p值不可靠"
                + ("；请看费希尔精确检验的 p值。" if observed.shape == (2, 2) else "；请合并人数少的组或回答。"),
                f"{small.sum()} of {small.size} expected counts ({share_small:.0%}) are below "
                f"{MIN_EXPECTED:g}"
                + (", one below 1" if (res.expected_freq < 1).any() else "")
                + ": the chi-square p value is unreliable"
                + (
                    "; use Fisher's exact test (fisher_p)."
                    if observed.shape == (2, 2)
                    else "; merge small groups or answers."
                )
            ))
        if observed.shape == (2, 2):
            fisher = stats.fisher_exact(observed)
            fisher_p, odds_ratio = float(fisher.pvalue), float(fisher.statistic)
            if correction:
                notes.append(tr("2×2 表：卡方值已做连续性校正（耶茨校正）。",
                                "2 x 2 table: chi2 includes Yates' continuity correction."))
    return CrosstabResult(
        counts=counts,
        row_percent=row_percent,
        n=n,
        n_by_group=n_by_group,
        chi2=chi2,
        dof=dof,
        p_value=p_value,
        cramers_v=cramers_v,
        expected=expected,
        low_expected=low_expected,
        fisher_p=fisher_p,
        odds_ratio=odds_ratio,
        multi_choice=explode_multi,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------
# compare_groups


@dataclass(frozen=True)
class GroupComparison:
    """A numeric score compared across groups: descriptives, ANOVA and Kruskal-Wallis.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per compared group (:data:`GROUP_DESCRIPTIVE_COLUMNS`): ``group``, ``n``,
        ``mean``, ``sd`` (``ddof=1``), ``median``.
    dropped : pandas.Series
        Groups left out because they have fewer than 2 observations (group → n; 0 for a
        group whose members all lack a score).
    n : int
        Observations compared (:math:`N`).
    method : {"anova", "kruskal"}
        The test to report, chosen by ``method`` (see :func:`compare_groups`).
    reason : str
        Why that test was chosen.
    anova_f, anova_p : float
        One-way ANOVA F statistic and p value (``scipy.stats.f_oneway``).
    df_between, df_within : int
        :math:`k - 1` and :math:`N - k`.
    eta_squared, omega_squared : float
        ANOVA effect sizes (see :func:`compare_groups`).
    kruskal_h, kruskal_p : float
        Kruskal-Wallis H (tie-corrected) and p value (``scipy.stats.kruskal``, :math:`k-1`
        degrees of freedom).
    epsilon_squared : float
        Kruskal-Wallis effect size.
    notes : tuple of str
        Plain-language caveats.
    """

    groups: pd.DataFrame
    dropped: pd.Series
    n: int
    method: Literal["anova", "kruskal"]
    reason: str
    anova_f: float
    anova_p: float
    df_between: int
    df_within: int
    eta_squared: float
    omega_squared: float
    kruskal_h: float
    kruskal_p: float
    epsilon_squared: float
    notes: tuple[str, ...] = field(default=())

    @property
    def p_value(self) -> float:
        """p value of the chosen test."""
        return self.anova_p if self.method == "anova" else self.kruskal_p

    @property
    def effect_size(self) -> float:
        """Effect size of the chosen test: eta² (ANOVA) or epsilon² (Kruskal-Wallis)."""
        return self.eta_squared if self.method == "anova" else self.epsilon_squared

    def to_frame(self) -> pd.DataFrame:
        """Both tests, one row each.

        Returns
        -------
        pandas.DataFrame
            Columns ``test`` (``"anova"``, ``"kruskal"``), ``statistic`` (F or H), ``df1``,
            ``df2`` (``NaN`` for Kruskal-Wallis), ``p_value``, ``effect_size`` (eta² or
            epsilon²), ``effect_name`` and ``chosen`` (the test ``method`` picked).
        """
        return pd.DataFrame(
            [
                {
                    "test": "anova",
                    "statistic": self.anova_f,
                    "df1": self.df_between,
                    "df2": float(self.df_within),
                    "p_value": self.anova_p,
                    "effect_size": self.eta_squared,
                    "effect_name": "eta_squared",
                    "chosen": self.method == "anova",
                },
                {
                    "test": "kruskal",
                    "statistic": self.kruskal_h,
                    "df1": self.df_between,
                    "df2": float("nan"),
                    "p_value": self.kruskal_p,
                    "effect_size": self.epsilon_squared,
                    "effect_name": "epsilon_squared",
                    "chosen": self.method == "kruskal",
                },
            ]
        )


#: Relative tolerance under which scores count as all equal (float noise such as 0.1 + 0.2).
EQUAL_RTOL = 1e-12


def _all_equal(values: np.ndarray) -> bool:
    """Whether the scores are equal up to float noise.

    ``np.ptp(values) <= EQUAL_RTOL * max(1, |mean|)``: twelve scores of ``0.1`` computed two
    ways differ by ~1e-17, which must not count as variation (their sums of squares are pure
    rounding error, and ratios of them meaningless).
    """
    return bool(values.size) and float(np.ptp(values)) <= EQUAL_RTOL * max(1.0, abs(float(values.mean())))


def _unit(value: float) -> float:
    """``value`` clipped to [0, 1] (NaN stays NaN)."""
    return value if math.isnan(value) else min(1.0, max(0.0, value))


def _choose_method(samples: dict[Hashable, np.ndarray]) -> tuple[str, str]:
    """The ``method="auto"`` rule: (method, reason)."""
    small = {g: len(v) for g, v in samples.items() if len(v) < MIN_GROUP_N_FOR_ANOVA}
    if small:
        return (
            "kruskal",
            tr(
                f"{preview_zh(list(small), unit='个组')}不足 {MIN_GROUP_N_FOR_ANOVA} 人，人数太少，不能假定分数近似正态分布",
                f"group(s) {preview(list(small))} have fewer than {MIN_GROUP_N_FOR_ANOVA} "
                "observations, too few to rely on normality"
            ),
        )
    skewed = {}
    for g, v in samples.items():
        if not _all_equal(v):
            skew = float(stats.skew(v, bias=False))
            if abs(skew) > MAX_ABS_SKEW:
                skewed[g] = skew
    if skewed:
        worst = max(skewed, key=lambda g: abs(skewed[g]))
        return (
            "kruskal",
            tr(
                f"{preview_zh(list(skewed), unit='个组')}的分数分布明显不对称（偏度的绝对值大于 {MAX_ABS_SKEW:g}；"
                f"{quoted(worst)}为 {skewed[worst]:.2f}）",
                f"group(s) {preview(list(skewed))} are clearly skewed "
                f"(|skewness| > {MAX_ABS_SKEW:g}; {worst!r}: {skewed[worst]:.2f})"
            ),
        )
    return (
        "anova",
        tr(
            f"每组都有至少 {MIN_GROUP_N_FOR_ANOVA} 人，分数分布大致对称（偏度的绝对值不超过 {MAX_ABS_SKEW:g}）",
            f"every group has at least {MIN_GROUP_N_FOR_ANOVA} observations and "
            f"|skewness| <= {MAX_ABS_SKEW:g}"
        ),
    )


def compare_groups(
    scores: pd.Series,
    groups: pd.Series,
    *,
    method: Literal["auto", "anova", "kruskal"] = "auto",
) -> GroupComparison:
    """Compare a numeric score across groups with ANOVA and Kruskal-Wallis.

    Parameters
    ----------
    scores : pandas.Series
        Numeric score per respondent (``NaN`` = no score), e.g. a column of
        :func:`casekit.analysis.scale_scores`.
    groups : pandas.Series
        Each respondent's group, same index as ``scores``. Respondents with a missing score or
        group are left out; groups with fewer than 2 observations are dropped and reported in
        :attr:`GroupComparison.dropped`.
    method : {"auto", "anova", "kruskal"}, default "auto"
        Which test :attr:`GroupComparison.method` reports (both are always computed).
        ``"auto"`` picks Kruskal-Wallis when any group has fewer than
        :data:`MIN_GROUP_N_FOR_ANOVA` (10) observations, or when any group is clearly
        non-normal: its sample skewness (adjusted Fisher-Pearson, ``bias=False``) exceeds
        :data:`MAX_ABS_SKEW` (1) in absolute value -- "highly skewed" by Bulmer's rule of
        thumb. Otherwise ANOVA, which is robust to moderate non-normality at these sizes. A
        normality test is deliberately not used: with large groups it rejects trivial
        departures, with small ones it detects nothing.

    Returns
    -------
    GroupComparison

    Raises
    ------
    AnalysisError
        If ``scores`` is not numeric, the Series are not aligned, or fewer than 2 groups
        have at least 2 observations.

    Notes
    -----
    With :math:`k` groups, :math:`N` observations, :math:`SS_b` and :math:`SS_t` the
    between-group and total sums of squares and :math:`MS_w = (SS_t - SS_b)/(N-k)`:

    .. math::

        F = \\frac{SS_b/(k-1)}{MS_w}, \\quad
        \\eta^2 = \\frac{SS_b}{SS_t}, \\quad
        \\omega^2 = \\frac{SS_b - (k-1) MS_w}{SS_t + MS_w}

    (eta² equals pingouin's partial eta² ``np2`` in a one-way design; omega² is less biased
    [1]_). Kruskal-Wallis' :math:`H` is scipy's tie-corrected statistic, and

    .. math:: \\varepsilon^2 = \\frac{H}{(N^2 - 1)/(N + 1)} = \\frac{H}{N - 1}

    (Tomczak & Tomczak [2]_). If every score is equal, no test is defined: the statistics are
    ``NaN`` and ``notes`` says so. "Equal" allows for float noise: the scores count as equal
    when their range is at most ``1e-12 * max(1, |mean|)`` (:data:`EQUAL_RTOL`; scores such as
    ``0.1`` computed two ways differ by ~1e-17, and ratios of sums of squares made of rounding
    error are meaningless -- they gave eta² = 4 before this rule).

    All three effect sizes are clipped to [0, 1]. eta² and epsilon² lie there by definition
    (rounding can push them just outside). omega² is negative whenever :math:`F < 1`, as an
    unbiased estimate of a population value that cannot be negative may be; it is reported as
    0 then, as is common practice (a negative omega² means "no effect", not a negative one).

    References
    ----------
    .. [1] Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared statistics.
           Psychological Methods, 8(4), 434-447.
    .. [2] Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates
           revisited. Trends in Sport Sciences, 1(21), 19-25.
    .. [3] Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance
           analysis. JASA, 47(260), 583-621.
    """
    if method not in ("auto", "anova", "kruskal"):
        raise AnalysisError(tr(
            f"method 应为 'auto'、'anova' 或 'kruskal'，实际为 {method!r}",
            f"method must be 'auto', 'anova' or 'kruskal', got {method!r}"
        ))
    scores = _check_series(scores, "scores")
    if scores.dtype.kind not in "biuf":
        raise AnalysisError(tr(
            f"得分应为数字，实际类型为 {scores.dtype}；请先把答案换算成分数",
            f"scores must be numeric, got dtype {scores.dtype}; convert answers to numbers first"
        ))
    groups = align_groups(_check_series(groups, "groups"), scores.index, "scores")
    keep = scores.notna() & groups.notna()
    values, labels = scores[keep].astype("float64"), groups[keep]

    samples: dict[Hashable, np.ndarray] = {}
    dropped: dict[Hashable, int] = {}
    for g in group_order(
        groups
    ):  # a group whose scores are all missing is reported too
        v = values[labels == g].to_numpy()
        if v.size < 2:
            dropped[g] = int(v.size)
        else:
            samples[g] = v
    dropped_series = pd.Series(dropped, dtype="int64", name="n")
    if len(samples) < 2:
        raise AnalysisError(tr(
            f"比较至少需要 2 个组、每组至少 2 人有得分，实际只有 {len(samples)} 个组"
            + (f"（{preview_zh(list(dropped), unit='个组')}不足 2 人有得分，未参与比较）" if dropped else ""),
            f"compare_groups needs at least 2 groups with 2 or more scores, found {len(samples)}"
            + (f" (dropped: {preview(list(dropped))})" if dropped else "")
        ))

    descriptives = pd.DataFrame(
        [
            {
                "group": g,
                "n": int(v.size),
                "mean": float(v.mean()),
                "sd": float(v.std(ddof=1)),
                "median": float(np.median(v)),
            }
            for g, v in samples.items()
        ],
        columns=list(GROUP_DESCRIPTIVE_COLUMNS),
    )
    notes: list[str] = []
    if dropped:
        notes.append(tr(
            f"{preview_zh(list(dropped), unit='个组')}不足 2 人有得分，未参与比较。",
            f"Dropped group(s) with fewer than 2 scores: {preview(list(dropped))}."
        ))
    pooled = np.concatenate(list(samples.values()))
    n_total, k = int(pooled.size), len(samples)
    ss_total = float(((pooled - pooled.mean()) ** 2).sum())
    ss_between = float(
        sum(v.size * (v.mean() - pooled.mean()) ** 2 for v in samples.values())
    )
    df_between, df_within = k - 1, n_total - k
    nan = float("nan")
    if _all_equal(pooled):
        anova_f = anova_p = eta2 = omega2 = kw_h = kw_p = eps2 = nan
        notes.append(tr("所有人的得分都相同：无法检验差别。", "Every score is equal: no test of differences is defined."))
    else:
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            # scipy warns when every group is constant (F is then infinite); the value is kept
            warnings.simplefilter("ignore", stats.ConstantInputWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            anova = stats.f_oneway(*samples.values())
            kw = stats.kruskal(*samples.values())
        anova_f, anova_p = float(anova.statistic), float(anova.pvalue)
        ms_within = max(0.0, ss_total - ss_between) / df_within if df_within > 0 else nan
        eta2 = _unit(ss_between / ss_total)
        omega2 = _unit((ss_between - df_between * ms_within) / (ss_total + ms_within))
        kw_h, kw_p = float(kw.statistic), float(kw.pvalue)
        eps2 = _unit(kw_h / (n_total - 1))

    if method == "auto":
        chosen, reason = _choose_method(samples)
    else:
        chosen, reason = method, tr(f"按要求使用 method={method!r}", f"method={method!r} was requested")
    return GroupComparison(
        groups=descriptives,
        dropped=dropped_series,
        n=n_total,
        method=chosen,  # type: ignore[arg-type]
        reason=reason,
        anova_f=anova_f,
        anova_p=anova_p,
        df_between=df_between,
        df_within=df_within,
        eta_squared=eta2,
        omega_squared=omega2,
        kruskal_h=kw_h,
        kruskal_p=kw_p,
        epsilon_squared=eps2,
        notes=tuple(notes),
    )
