"""Isolating the course's effect (Phillips): a comparison group, or a trend line.

:func:`difference_in_differences`
    The trainees' mean change minus the untrained people's mean change over the same period, per
    group × measure, on completers (people with both a baseline and a follow-up value). The
    interval and test are Welch's t on the per-person changes of the two groups (unequal
    variances and sizes; closed form, no seed). Every row of a call is one Benjamini–Hochberg
    family, as in :func:`casekit.analysis.evaluation.paired_change`. Where a group has no
    untrained people (or fewer than ``min_n``), the row carries no estimate and says that only
    before and after can be compared: 只能比较培训前后，没有未参训的对照组.
:func:`trend_line_effect`
    For a monthly series (the sales measure): per group, a straight line is fitted by least
    squares to the monthly means of the baseline months (at least :data:`MIN_BASELINE_MONTHS`),
    projected over the follow-up months; the effect is the mean of actual minus projected over
    the follow-up months. Its standard error combines the month-to-month scatter around the
    baseline line (``σ²``, ``k − 2`` degrees of freedom for ``k`` baseline months) and the
    uncertainty of the projected line: ``σ² (1/M + x̄ᵀ(XᵀX)⁻¹x̄)`` with ``M`` follow-up months and
    ``x̄ = (1, mean follow-up month)``. It assumes months scatter independently around the line;
    a seasonal series breaks that assumption (said in ``docs/evaluation.md``). Labelled as
    Phillips' trend line (``method == "trend_line"``) wherever shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.checks import preview, preview_zh
from casekit.analysis.evaluation.change import measure_noun
from casekit.analysis.evaluation.family import adjust_rows, check_family, check_fdr, t_p_value
from casekit.analysis.evaluation.inputs import check_by, check_table, frame_of, numeric_column
from casekit.analysis.evaluation.wording import (
    ADJUSTED_NOTE,
    amount_text,
    check_unit,
    level_text,
    name_of,
    people_text,
    range_text,
    subject_text,
)
from casekit.analysis.intervals import check_confidence
from casekit.exceptions import AnalysisError
from casekit.language import quoted, tr
from casekit.privacy.disclosure import MIN_RESPONDENTS, check_threshold, is_suppressed
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "COMPARISONS",
    "DID_COLUMNS",
    "DID_SCHEMA",
    "MIN_BASELINE_MONTHS",
    "NO_CONTROL",
    "TREND_COLUMNS",
    "TREND_LINE",
    "TREND_SCHEMA",
    "did_sentence",
    "difference_in_differences",
    "month_number",
    "trend_line_effect",
    "trend_sentence",
]

#: ``comparison`` of a row: against untrained people, or before/after only (no control group).
COMPARISONS: tuple[str, ...] = ("untrained", "before_after_only")
#: Said where no untrained people exist to compare with.
NO_CONTROL = "只能比较培训前后，没有未参训的对照组"
#: Baseline months needed to fit a trend line.
MIN_BASELINE_MONTHS: int = 3
#: ``method`` of :func:`trend_line_effect` rows: Phillips' isolation by trend line.
TREND_LINE = "trend_line"

#: The table of :func:`difference_in_differences` after its group columns (``by``).
DID_SCHEMA = OutputSchema(
    "difference in differences", "casekit.analysis.evaluation.difference_in_differences", (
        *columns("str", "measure", "measure_label", "unit"),
        Col("comparison", description="untrained, or before_after_only when there is no control group"),
        *columns("int", "n_trained", "n_untrained"),
        Col("trained_change", "float", nullable=True, description="trainees' mean change (completers)"),
        Col("untrained_change", "float", nullable=True, description="untrained people's mean change"),
        Col("estimate", "float", nullable=True, description="trained_change − untrained_change"),
        Col("ci_low", "float", nullable=True, description="95% Welch interval"),
        Col("ci_high", "float", nullable=True),
        *columns("float", "p_value", "p_adjusted", "interval_level", "adj_low", "adj_high", nullable=True),
        Col("claimed", "bool"), Col("hidden", "bool", description="a group below min_n"),
        Col("sentence", description="plain Chinese, for clients"),
    ), consumers=("followup report", "cli followup"))
#: Columns of :func:`difference_in_differences` after the group columns.
DID_COLUMNS: tuple[str, ...] = DID_SCHEMA.names

#: The table of :func:`trend_line_effect` after its group columns (``by``).
TREND_SCHEMA = OutputSchema(
    "trend line effect", "casekit.analysis.evaluation.trend_line_effect", (
        Col("method", description=f"always {TREND_LINE!r}"), Col("unit"),
        Col("n_people", "int"), *columns("int", "baseline_months", "after_months"),
        Col("slope", "float", nullable=True, description="baseline trend per month"),
        Col("actual", "float", nullable=True, description="mean of the follow-up months"),
        Col("projected", "float", nullable=True, description="the baseline line over the follow-up months"),
        Col("estimate", "float", nullable=True, description="actual − projected"),
        *columns("float", "ci_low", "ci_high", "p_value", "p_adjusted", "interval_level", "adj_low", "adj_high",
                 nullable=True),
        Col("claimed", "bool"), Col("hidden", "bool"), Col("sentence"),
    ), consumers=("followup report", "cli followup"))
#: Columns of :func:`trend_line_effect` after the group columns.
TREND_COLUMNS: tuple[str, ...] = TREND_SCHEMA.names

_NAN = float("nan")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def month_number(month: object) -> int:
    """A ``YYYY-MM`` month as a count of months (``year · 12 + month − 1``).

    Raises
    ------
    AnalysisError
        If the text is not ``YYYY-MM`` with a month 1–12.
    """
    found = _MONTH.match(str(month))
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise AnalysisError(tr(f"月份应写作 YYYY-MM（如 2009-03），实际为{quoted(month)}",
                               f"month must be YYYY-MM (e.g. 2009-03), got {month!r}"))
    return int(found.group(1)) * 12 + int(found.group(2)) - 1


def _trained_flags(values: pd.Series) -> pd.Series:
    allowed = {True, False, 1, 0}
    bad = [v for v in values.dropna().unique() if v not in allowed]
    if bad or values.isna().any():
        raise AnalysisError(tr(f"trained 列每一行都应为 true 或 false；实际有{preview_zh(bad or ['（空）'])}",
                               f"table.trained must be true or false for every row; found {preview(bad or [None])}"))
    return values.astype(bool)


def _welch(treated: np.ndarray, control: np.ndarray) -> dict[str, float]:
    """Treated mean minus control mean: estimate, Welch standard error and degrees of freedom."""
    n1, n2 = treated.size, control.size
    out = {"trained_change": float(treated.mean()) if n1 else _NAN,
           "untrained_change": float(control.mean()) if n2 else _NAN, "se": _NAN, "df": _NAN}
    out["estimate"] = out["trained_change"] - out["untrained_change"]
    if n1 < 2 or n2 < 2:
        return out
    a, b = float(treated.var(ddof=1)) / n1, float(control.var(ddof=1)) / n2
    if a + b > 0:
        out["se"] = math.sqrt(a + b)
        out["df"] = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    return out


def did_sentence(row: Mapping[str, Any], by: Sequence[str] = (), *, names: Mapping[Any, str] | None = None,
                 nouns: Mapping[str, str] | None = None, min_n: int = MIN_RESPONDENTS, adjusted: bool = True) -> str:
    """One plain-Chinese sentence for a row of :func:`difference_in_differences`."""
    unit = row["unit"]
    noun = measure_noun(row["measure"], unit, nouns)
    subject = f"{subject_text((row[k] for k in by), names)}“{row['measure_label']}”"
    if row["comparison"] == "before_after_only":
        if row["n_untrained"] > 0:
            return (f"{subject}：未参训的人培训前后都有记录的{people_text(row['n_untrained'], min_n)}，"
                    "人数太少，不能作对照组，只能比较培训前后。")
        return f"{subject}：{NO_CONTROL}。"
    if row["hidden"]:
        return f"{subject}：培训前后都有记录的参训人员{people_text(row['n_trained'], min_n)}，不作比较。"
    of = f"的{noun}" if noun and noun != "平均值" else ""  # not "平均值平均变化"
    trained = (f"参训人员{of}平均变化 {amount_text(row['trained_change'], unit)}（n = {row['n_trained']}），"
               f"未参训人员同期 {amount_text(row['untrained_change'], unit)}（n = {row['n_untrained']}）")
    if pd.isna(row["p_value"]):
        return f"{subject}：{trained}；每人变化完全相同，无法估计可能范围，不作判断。"
    detail = range_text(row["adj_low"], row["adj_high"], unit) + (f"，{ADJUSTED_NOTE}" if adjusted else "")
    effect = amount_text(row["estimate"], unit)
    if row["claimed"]:
        return f"{subject}：{trained}；扣除未参训人员同期的变化后为 {effect}（{detail}），这部分更可能与培训有关。"
    return f"{subject}：{trained}；扣除同期变化后无明显差别（{effect}，{detail}）。"


def _interval(row: dict[str, Any], confidence: float) -> tuple[float, float]:
    """The unadjusted interval of ``row["estimate"]`` (NaN without spread)."""
    if not row["se"] > 0:
        return _NAN, _NAN
    half = float(stats.t.ppf((1 + confidence) / 2, row["df"])) * row["se"]
    return row["estimate"] - half, row["estimate"] + half


def difference_in_differences(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    units: str | Mapping[str, str] = "share",
    names: Mapping[Any, str] | None = None,
    nouns: Mapping[str, str] | None = None,
    confidence: float = 0.95,
    fdr: float = 0.05,
    min_n: int = MIN_RESPONDENTS,
    family: str = "all",
) -> pd.DataFrame:
    """The trainees' change minus the untrained people's change, per group × measure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per person × measure (× group): ``person_id``, ``measure``, ``before``,
        ``after``, ``trained`` (bool), and the ``by`` columns. Only people with both values
        (completers) enter; attrition is :func:`~casekit.analysis.evaluation.paired_change`'s.
    by, units, names, nouns, confidence, fdr, min_n, family
        As for :func:`~casekit.analysis.evaluation.paired_change`; ``min_n`` applies to both
        groups (an untrained group below it is no control group).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then :data:`DID_COLUMNS`. ``ci_low``–``ci_high`` is the 95% Welch
        interval of the difference of the two groups' mean per-person changes;
        ``adj_low``–``adj_high`` the multiplicity-adjusted one the sentence shows. Rows without
        a control group have ``comparison == "before_after_only"`` and no estimate.

    Raises
    ------
    AnalysisError
        If a column is missing, a value is not a number, ``trained`` is not true/false, or a
        person appears twice for a measure and group.
    """
    keys = check_by(by)
    confidence, fdr, family = check_confidence(confidence), check_fdr(fdr), check_family(family)
    min_n = check_threshold(min_n, "min_n")
    table = check_table(table, "table", ["person_id", "measure", "before", "after", "trained", *keys],
                        unique=[*keys, "measure", "person_id"])
    data = table[["person_id", "measure", *keys]].copy()
    data["trained"] = _trained_flags(table["trained"])
    data["change"] = numeric_column(table, "after", "table") - numeric_column(table, "before", "table")
    data = data[data["change"].notna()]
    if keys:
        data = data.dropna(subset=list(keys))
    trained, change = data["trained"].to_numpy(bool), data["change"].to_numpy("float64")
    rows: list[dict[str, Any]] = []
    for group, index in data.groupby([*keys, "measure"], sort=False).indices.items():
        values = group if isinstance(group, tuple) else (group,)
        measure = str(values[-1])
        unit = check_unit(units.get(measure, "share") if isinstance(units, Mapping) else units)
        treated, control = change[index][trained[index]], change[index][~trained[index]]
        row: dict[str, Any] = dict(zip(keys, values[:-1]))
        row.update(measure=measure, measure_label=name_of(measure, names), unit=unit,
                   n_trained=int(treated.size), n_untrained=int(control.size), **_welch(treated, control))
        row["comparison"] = "untrained" if not is_suppressed(control.size, min_n) else "before_after_only"
        row["hidden"] = is_suppressed(treated.size, min_n) or row["comparison"] == "before_after_only"
        row["p_value"] = t_p_value(row["estimate"], row["se"], row["df"])
        row["ci_low"], row["ci_high"] = _interval(row, confidence)
        rows.append(row)
    numbers = ["trained_change", "untrained_change", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted",
               "interval_level", "adj_low", "adj_high"]
    adjust_rows(rows, [tuple(r[k] for k in keys) if family == "group" else () for r in rows], numbers=numbers,
                confidence=confidence, fdr=fdr)
    for row in rows:
        row["sentence"] = did_sentence(row, keys, names=names, nouns=nouns, min_n=min_n,
                                       adjusted=row["family_size"] > 1)
    return frame_of(rows, [*keys, *DID_COLUMNS], ints=("n_trained", "n_untrained"), floats=numbers,
                    bools=("claimed", "hidden"))


# --------------------------------------------------------------------------------------------
# trend line


def _trend(months: np.ndarray, means: np.ndarray, after_months: np.ndarray, after_means: np.ndarray
           ) -> dict[str, float]:
    """Fit the baseline line, project it, and return slope, actual, projected, estimate, se, df."""
    design = np.column_stack([np.ones(months.size), months])
    coef, *_ = np.linalg.lstsq(design, means, rcond=None)
    residuals = means - design @ coef
    df = months.size - 2
    sigma2 = float(residuals @ residuals) / df
    x_bar = np.array([1.0, float(after_months.mean())])
    inverse = np.linalg.inv(design.T @ design)
    projected = float(x_bar @ coef)
    actual = float(after_means.mean())
    se = math.sqrt(sigma2 * (1 / after_months.size + float(x_bar @ inverse @ x_bar)))
    return {"slope": float(coef[1]), "actual": actual, "projected": projected, "estimate": actual - projected,
            "se": se, "df": float(df)}


def trend_sentence(row: Mapping[str, Any], by: Sequence[str] = (), *, names: Mapping[Any, str] | None = None,
                   label: str = "业绩完成率", min_n: int = MIN_RESPONDENTS, adjusted: bool = True) -> str:
    """One plain-Chinese sentence for a row of :func:`trend_line_effect`, labelled as a trend line."""
    subject = f"{subject_text((row[k] for k in by), names)}{label}"
    unit = row["unit"]
    if row["hidden"]:
        return f"{subject}：有数据的{people_text(row['n_people'], min_n)}，不作判断。"
    if row["baseline_months"] < MIN_BASELINE_MONTHS:
        return (f"{subject}：培训前只有 {row['baseline_months']} 个月的数据，至少需要 {MIN_BASELINE_MONTHS} 个月"
                "才能画出趋势线，无法用趋势线估计培训的作用。")
    if row["after_months"] == 0:
        return f"{subject}：还没有培训后的月份数据，无法与趋势线比较。"
    lead = (f"{subject}（趋势线估计：按培训前 {row['baseline_months']} 个月的走势推算培训后 "
            f"{row['after_months']} 个月，n = {row['n_people']}）：推算为 {level_text(row['projected'], unit)}，"
            f"实际为 {level_text(row['actual'], unit)}")
    if pd.isna(row["p_value"]):
        return f"{lead}；培训前各月恰好在一条直线上，无法估计可能范围，不作判断。"
    detail = range_text(row["adj_low"], row["adj_high"], unit) + (f"，{ADJUSTED_NOTE}" if adjusted else "")
    effect = amount_text(row["estimate"], unit)
    if row["claimed"]:
        return f"{lead}，比趋势多出 {effect}（{detail}）。"
    return f"{lead}，与趋势无明显差别（{effect}，{detail}）。"


def trend_line_effect(
    series: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    unit: str = "percent",
    label: str = "业绩完成率",
    names: Mapping[Any, str] | None = None,
    confidence: float = 0.95,
    fdr: float = 0.05,
    min_n: int = MIN_RESPONDENTS,
) -> pd.DataFrame:
    """Phillips' trend line: the follow-up months against the baseline trend, per group.

    Parameters
    ----------
    series : pandas.DataFrame
        One row per person × month: ``person_id``, ``month`` (``YYYY-MM``), ``value``,
        ``period`` (``baseline`` / ``after`` / ``during``; ``during`` is ignored), and the ``by``
        columns (the sales table of the follow-up).
    by : str or sequence of str, default ()
        Group columns; each group's monthly means are its series.
    unit : str, default "percent"
        Unit of ``value`` (target attainment in %).
    label : str, default 业绩完成率
        What the measure is called in the sentence.
    names : mapping, optional
        Chinese names of group values.
    confidence, fdr, min_n
        As for :func:`~casekit.analysis.evaluation.paired_change`; ``min_n`` counts the group's
        distinct people.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then :data:`TREND_COLUMNS`; ``method`` is :data:`TREND_LINE`. A group
        with fewer than :data:`MIN_BASELINE_MONTHS` baseline months, or no follow-up month, has
        no estimate and says why.

    Raises
    ------
    AnalysisError
        If a column is missing, a month is not ``YYYY-MM``, a value is not a number, a period is
        unknown, or a person has two values for one month.
    """
    keys = check_by(by)
    confidence, fdr = check_confidence(confidence), check_fdr(fdr)
    min_n = check_threshold(min_n, "min_n")
    unit = check_unit(unit)
    series = check_table(series, "series", ["person_id", "month", "value", "period", *keys],
                         unique=[*keys, "person_id", "month"])
    unknown = sorted(set(series["period"].dropna().astype(str)) - {"baseline", "after", "during"})
    if unknown:
        raise AnalysisError(tr(f"period 列应为 baseline、after 或 during；实际有{preview_zh(unknown)}",
                               f"series.period must be baseline, after or during; found {preview(unknown)}"))
    data = series[["person_id", "period", *keys]].copy()
    data["month"] = series["month"].map(month_number)
    data["value"] = numeric_column(series, "value", "series")
    data = data[data["value"].notna() & data["period"].isin(["baseline", "after"])]
    if keys:
        data = data.dropna(subset=list(keys))
    rows: list[dict[str, Any]] = []
    groups = data.groupby(list(keys), sort=False) if keys else [((), data)]
    for group, cell in groups:
        values = group if isinstance(group, tuple) else (group,)
        monthly = cell.groupby(["period", "month"])["value"].mean()
        base = monthly.get("baseline", pd.Series(dtype="float64")).sort_index()
        after = monthly.get("after", pd.Series(dtype="float64")).sort_index()
        row: dict[str, Any] = dict(zip(keys, values))
        row.update(method=TREND_LINE, unit=unit, n_people=int(cell["person_id"].nunique()),
                   baseline_months=int(base.size), after_months=int(after.size),
                   slope=_NAN, actual=_NAN, projected=_NAN, estimate=_NAN, se=_NAN, df=_NAN)
        row["hidden"] = is_suppressed(row["n_people"], min_n)
        if base.size >= MIN_BASELINE_MONTHS and after.size and not row["hidden"]:
            row.update(_trend(base.index.to_numpy("float64"), base.to_numpy("float64"),
                              after.index.to_numpy("float64"), after.to_numpy("float64")))
        row["p_value"] = t_p_value(row["estimate"], row["se"], row["df"])
        row["ci_low"], row["ci_high"] = _interval(row, confidence)
        rows.append(row)
    numbers = ["slope", "actual", "projected", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted",
               "interval_level", "adj_low", "adj_high"]
    adjust_rows(rows, [()] * len(rows), numbers=numbers, confidence=confidence, fdr=fdr)
    for row in rows:
        row["sentence"] = trend_sentence(row, keys, names=names, label=label, min_n=min_n,
                                         adjusted=row["family_size"] > 1)
    return frame_of(rows, [*keys, *TREND_COLUMNS], ints=("n_people", "baseline_months", "after_months"),
                    floats=numbers, bools=("claimed", "hidden"))
