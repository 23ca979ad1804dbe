"""Regression to the mean: named wherever it can explain a change.

People picked because they scored low the first time tend to score higher the second time even
with no training at all: part of a low first score is chance, and chance does not repeat. When the
trainees were the weakest (``selection: weakest`` in ``followup/waves.yaml``), every change
measured on the trainees alone (:func:`~casekit.analysis.evaluation.paired_change`) may be partly
that, and :func:`flag_regression_to_mean` says so beside each. A comparison with untrained people
(:func:`~casekit.analysis.evaluation.difference_in_differences`) removes it only if the untrained
were as weak at baseline, which a weakest-first selection rules out; it is therefore flagged too.

:func:`baseline_change_correlation` is a check usable anywhere: the rank correlation of people's
baseline level and their change. A clearly negative correlation (the lowest at baseline gained
most) is the signature of regression to the mean (or of a ceiling); it does not prove it, since a
course aimed at the weakest may help them most, but it is the reason to want a comparison group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.evaluation.inputs import check_by, check_table, numeric_column
from casekit.analysis.evaluation.wording import name_of, people_text, subject_text
from casekit.analysis.intervals import bonett_wright_interval, check_confidence
from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.privacy.disclosure import MIN_RESPONDENTS, check_threshold, is_suppressed
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "CORRELATION_COLUMNS",
    "CORRELATION_SCHEMA",
    "REGRESSION_NOTE",
    "SELECTIONS",
    "baseline_change_correlation",
    "correlation_sentence",
    "flag_regression_to_mean",
]

#: How trainees may have been chosen (``selection`` of ``followup/waves.yaml``).
SELECTIONS: tuple[str, ...] = ("all", "weakest", "volunteers")

#: Said beside every trainee-only change when the weakest were selected.
REGRESSION_NOTE = ("参训人员是按培训前成绩较弱挑选的：成绩偏低的人即使不参加培训，下次测量时通常也会回升一些，"
                   "因此这一变化中可能有一部分并非培训的作用。")

#: The table of :func:`baseline_change_correlation` after its group columns.
CORRELATION_SCHEMA = OutputSchema(
    "baseline and change", "casekit.analysis.evaluation.baseline_change_correlation", (
        *columns("str", "measure", "measure_label"), Col("n", "int", description="completers"),
        Col("rho", "float", nullable=True, description="Spearman correlation of before and after − before"),
        *columns("float", "ci_low", "ci_high", nullable=True),
        Col("negative", "bool", description="the interval lies below 0"),
        Col("hidden", "bool"), Col("sentence"),
    ), consumers=("followup report",))
#: Columns of :func:`baseline_change_correlation` after the group columns.
CORRELATION_COLUMNS: tuple[str, ...] = CORRELATION_SCHEMA.names

_NAN = float("nan")


def flag_regression_to_mean(results: pd.DataFrame, selection: str) -> pd.DataFrame:
    """Add ``regression_to_mean`` (bool) and ``regression_note`` (Chinese) to a table of changes.

    Parameters
    ----------
    results : pandas.DataFrame
        A table of :func:`~casekit.analysis.evaluation.paired_change` or
        :func:`~casekit.analysis.evaluation.difference_in_differences` (any table with a
        ``hidden`` column: rows with numbers are flagged).
    selection : {"all", "weakest", "volunteers"}
        How the trainees were chosen. Only ``"weakest"`` flags anything.

    Returns
    -------
    pandas.DataFrame
        A copy with the two columns added (the note is empty where nothing is flagged).

    Raises
    ------
    AnalysisError
        If ``selection`` is unknown or ``results`` has no ``hidden`` column.
    """
    if selection not in SELECTIONS:
        raise AnalysisError(tr(f"selection 应为 {'、'.join(SELECTIONS)} 之一，实际为 {selection!r}",
                               f"selection must be one of {', '.join(SELECTIONS)}, got {selection!r}"))
    results = check_table(results, "results", ["hidden"])
    out = results.copy()
    flagged = (~out["hidden"].astype(bool)) & (selection == "weakest")
    out["regression_to_mean"] = flagged.astype(bool)
    out["regression_note"] = np.where(flagged, REGRESSION_NOTE, "").astype(object)
    return out


def correlation_sentence(row: Mapping[str, Any], by: Sequence[str] = (), *,
                         names: Mapping[Any, str] | None = None, min_n: int = MIN_RESPONDENTS) -> str:
    """One plain-Chinese sentence for a row of :func:`baseline_change_correlation` (no coefficient)."""
    subject = f"{subject_text((row[k] for k in by), names)}“{row['measure_label']}”"
    if row["hidden"]:
        return f"{subject}：培训前后都有记录的{people_text(row['n'], min_n)}，不作判断。"
    if pd.isna(row["ci_low"]):
        return f"{subject}：无法判断起点高低与变化大小的关系（n = {row['n']}）。"
    if row["negative"]:
        return (f"{subject}：培训前起点越低的人变化越大，这一规律明显（n = {row['n']}）。其中一部分可能只是"
                "起点偏低的人自然回升，不全是培训的作用，宜与未参训人员对比后再下结论。")
    return f"{subject}：看不出培训前起点越低、变化越大的规律（n = {row['n']}）。"


def baseline_change_correlation(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] = (),
    names: Mapping[Any, str] | None = None,
    confidence: float = 0.95,
    min_n: int = MIN_RESPONDENTS,
) -> pd.DataFrame:
    """The rank correlation of baseline level and change, per group × measure.

    Parameters
    ----------
    table : pandas.DataFrame
        As for :func:`~casekit.analysis.evaluation.paired_change` (``person_id``, ``measure``,
        ``before``, ``after``, the ``by`` columns); completers only are used.
    by : str or sequence of str, default ()
        Group columns.
    names : mapping, optional
        Chinese names of group values and measures.
    confidence : float, default 0.95
        Coverage of the Bonett–Wright interval
        (:func:`casekit.analysis.intervals.bonett_wright_interval`).
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_RESPONDENTS`
        Fewer completers: hidden.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then :data:`CORRELATION_COLUMNS`. ``negative`` is true when the whole
        interval lies below 0: the lowest at baseline changed most.
    """
    keys = check_by(by)
    confidence = check_confidence(confidence)
    min_n = check_threshold(min_n, "min_n")
    table = check_table(table, "table", ["person_id", "measure", "before", "after", *keys],
                        unique=[*keys, "measure", "person_id"])
    data = table[["measure", *keys]].copy()
    data["before"] = numeric_column(table, "before", "table")
    data["change"] = numeric_column(table, "after", "table") - data["before"]
    data = data.dropna(subset=["before", "change", *keys])
    rows = []
    for group, cell in data.groupby([*keys, "measure"], sort=False):
        values = group if isinstance(group, tuple) else (group,)
        row: dict[str, Any] = dict(zip(keys, values[:-1]))
        n = len(cell)
        row.update(measure=str(values[-1]), measure_label=name_of(values[-1], names), n=n, rho=_NAN,
                   ci_low=_NAN, ci_high=_NAN, hidden=is_suppressed(n, min_n))
        varies = cell["before"].nunique() > 1 and cell["change"].nunique() > 1
        if not row["hidden"] and varies:
            rho = float(stats.spearmanr(cell["before"], cell["change"]).statistic)
            row["rho"] = rho
            row["ci_low"], row["ci_high"] = bonett_wright_interval(rho, n, confidence)
        row["negative"] = bool(row["ci_high"] < 0)
        row["sentence"] = correlation_sentence(row, keys, names=names, min_n=min_n)
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*keys, *CORRELATION_COLUMNS])
    out = out.astype({"n": "int64", "rho": "float64", "ci_low": "float64", "ci_high": "float64",
                      "negative": "bool", "hidden": "bool"})
    for column in ("measure", "measure_label", "sentence"):
        out[column] = out[column].astype(object)
    return out
