"""Paired before/after change of the trainees, per measure and group (Kirkpatrick levels 2–4).

One row per group × measure: the trainees' mean change from the baseline to the follow-up, on the
same people (paired), with

* the 95% Student-t interval of the completers' mean change (``ci_low``, ``ci_high``);
* the paired t test, adjusted by Benjamini–Hochberg over every row of the call (call once per
  Kirkpatrick level: the call's rows are one family), and the matching Benjamini–Yekutieli
  interval (``adj_low``, ``adj_high``, coverage ``interval_level``), the one the sentence shows;
  a change is ``claimed`` only when the adjusted p value is below ``fdr`` (the adjusted interval
  then excludes 0), otherwise the sentence says 无明显变化, with n;
* Phillips' rule for missing data: a trainee with a baseline value but none at follow-up counts
  as no change. ``itt_change`` is the mean over every trainee with a baseline value (missing
  follow-ups counted as 0), with its 95% t interval, beside the completers-only ``change``; the
  attrition is counted (``n_missing``). The claim is made on the completers' paired test; the
  intention-to-treat figure is the conservative reading shown beside it. Its interval treats the
  imputed zeros as observed, so it is narrower than the uncertainty about the missing people
  really is: it is a floor for the effect, not a second test.

Groups of fewer than ``min_n`` paired people show no number (``hidden``), never claimed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.evaluation.family import adjust_rows, check_family, check_fdr, t_p_value
from casekit.analysis.evaluation.inputs import check_by, check_table, frame_of, numeric_column
from casekit.analysis.evaluation.wording import (
    ADJUSTED_NOTE,
    amount_text,
    change_words,
    check_unit,
    level_text,
    name_of,
    people_text,
    range_text,
    subject_text,
)
from casekit.analysis.intervals import check_confidence, t_interval
from casekit.domain import BEHAVIOURS
from casekit.privacy.disclosure import MIN_RESPONDENTS, check_threshold, is_small, is_suppressed
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_SCHEMA",
    "DEFAULT_NOUNS",
    "DIRECTIONS",
    "change_sentence",
    "measure_noun",
    "paired_change",
]

#: Values of ``direction``: a claimed increase, a claimed decrease, or nothing claimed.
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")

#: What a level of a measure is called in a sentence, by unit, when the caller names nothing
#: (a behaviour's share is its 随访出现率, see :func:`measure_noun`).
DEFAULT_NOUNS: Mapping[str, str] = {"share": "比例", "percent": "", "score": "平均分"}

#: The table of :func:`paired_change` after its group columns (``by``).
CHANGE_SCHEMA = OutputSchema(
    "paired change", "casekit.analysis.evaluation.paired_change", (
        *columns("str", "measure", "measure_label", "unit"),
        Col("n_baseline", "int", description="trainees with a baseline value"),
        Col("n_paired", "int", description="of them, with a follow-up value (completers)"),
        Col("n_missing", "int", description="of them, missing at follow-up (attrition)"),
        *columns("float", "before_mean", "after_mean", nullable=True),
        Col("change", "float", nullable=True, description="completers' mean change (after − before)"),
        Col("sd", "float", nullable=True, description="SD of the completers' changes"),
        Col("ci_low", "float", nullable=True, description="95% t interval of change"),
        Col("ci_high", "float", nullable=True),
        *columns("float", "p_value", "p_adjusted", nullable=True),
        Col("interval_level", "float", nullable=True, description="coverage of adj_low–adj_high"),
        Col("adj_low", "float", nullable=True, description="multiplicity-adjusted interval"),
        Col("adj_high", "float", nullable=True),
        Col("itt_change", "float", nullable=True, description="missing at follow-up counted as no change"),
        *columns("float", "itt_low", "itt_high", nullable=True),
        Col("claimed", "bool"), Col("direction", description="up, down or none"),
        Col("hidden", "bool", description="fewer than min_n paired people"),
        Col("sentence", description="plain Chinese, for clients"),
    ), consumers=("followup report", "cli followup"))
#: Columns of :func:`paired_change` after the group columns (from its schema).
CHANGE_COLUMNS: tuple[str, ...] = CHANGE_SCHEMA.names

_NAN = float("nan")
_NUMBERS = ("before_mean", "after_mean", "change", "sd", "ci_low", "ci_high", "p_value", "p_adjusted",
            "interval_level", "adj_low", "adj_high", "itt_change", "itt_low", "itt_high")


def measure_noun(measure: str, unit: str, nouns: Mapping[str, str] | None = None) -> str:
    """What a level of ``measure`` is called: ``nouns`` first, 随访出现率 for a behaviour, 得分率 for
    the quiz (``"quiz"``, a share of the points), else by unit (:data:`DEFAULT_NOUNS`)."""
    if nouns is not None and measure in nouns:
        return nouns[measure]
    if measure in BEHAVIOURS:
        return "随访出现率"
    if measure == "quiz":
        return "得分率"
    return DEFAULT_NOUNS[check_unit(unit)]


def _cell(before: np.ndarray, after: np.ndarray, confidence: float) -> dict[str, Any]:
    """The numbers of one group × measure (unadjusted): everyone here has a baseline value."""
    paired = ~np.isnan(after)
    changes = after[paired] - before[paired]
    n_base, n = before.size, int(paired.sum())
    out: dict[str, Any] = {"n_baseline": n_base, "n_paired": n, "n_missing": n_base - n}
    out["before_mean"] = float(before[paired].mean()) if n else _NAN
    out["after_mean"] = float(after[paired].mean()) if n else _NAN
    mean, low, high = t_interval(changes, confidence)
    out.update(change=mean, ci_low=low, ci_high=high)
    sd = float(changes.std(ddof=1)) if n > 1 else _NAN
    out["sd"] = sd
    out["se"] = sd / math.sqrt(n) if n > 1 else _NAN
    out["df"] = float(n - 1) if n > 1 else _NAN
    out["p_value"] = t_p_value(mean, out["se"], out["df"]) if n > 1 else _NAN
    itt = np.concatenate([changes, np.zeros(n_base - n)])
    out["itt_change"], out["itt_low"], out["itt_high"] = t_interval(itt, confidence) if n else (_NAN, _NAN, _NAN)
    return out


def change_sentence(row: Mapping[str, Any], by: Sequence[str] = (), *, names: Mapping[Any, str] | None = None,
                    nouns: Mapping[str, str] | None = None, min_n: int = MIN_RESPONDENTS,
                    adjusted: bool = True) -> str:
    """One plain-Chinese sentence for a row of :func:`paired_change`.

    Parameters
    ----------
    row : mapping
        A row of the table (its group columns ``by`` included).
    by : sequence of str
        The group columns, named in the sentence's subject (through ``names``).
    names : mapping, optional
        Chinese names of group values and measures (see
        :func:`casekit.analysis.evaluation.wording.name_of`).
    nouns : mapping, optional
        What a level of a measure is called (see :func:`measure_noun`).
    min_n : int
        The disclosure threshold.
    adjusted : bool
        Whether the interval shown is adjusted for a family of more than one test (then said).

    Returns
    -------
    str
        e.g. 北京政企客户经理“提问挖掘需求”的随访出现率由 32% 升至 58%（增加 26 个百分点，可能范围
        +15 至 +37 个百分点，n = 24，已按同时检验的数量校正）。
    """
    unit = row["unit"]
    noun = measure_noun(row["measure"], unit, nouns)
    subject = f"{subject_text((row[k] for k in by), names)}“{row['measure_label']}”"
    what = f"{subject}的{noun}" if noun else subject
    if row["hidden"]:
        if row["n_paired"] == 0:
            return f"{subject}：没有培训前后都有记录的人，不作判断。"
        return f"{subject}：培训前后都有记录的{people_text(row['n_paired'], min_n)}，不作判断。"
    before, after = level_text(row["before_mean"], unit), level_text(row["after_mean"], unit)
    verb, amount = change_words(row["before_mean"], row["after_mean"], unit)
    n_text = f"n = {row['n_paired']}"
    if pd.isna(row["p_value"]):
        if row["sd"] == 0 and row["change"] == 0:
            text = f"{what}前后相同，无明显变化（每人都没有变化，{n_text}）。"
        else:
            text = (f"{what}由 {before} {verb} {after}（{amount}，每人变化完全相同，无法估计可能范围，"
                    f"{n_text}），不作判断。")
    else:
        low, high = (row["adj_low"], row["adj_high"]) if adjusted else (row["ci_low"], row["ci_high"])
        detail = f"{amount}，{range_text(low, high, unit)}，{n_text}" + (f"，{ADJUSTED_NOTE}" if adjusted else "")
        if row["claimed"]:
            verb = "变为" if verb == "保持在" else verb  # a claimed change smaller than the rounding
            text = f"{what}由 {before} {verb} {after}（{detail}）。"
        else:
            text = f"{what}由 {before} 变为 {after}，无明显变化（{detail}）。"
    if row["n_missing"] > 0:
        # the total is left out when the missing are few: it would tell their number by subtraction
        total = "" if is_small(row["n_missing"], min_n) else f"（共{people_text(row['n_baseline'], min_n)}）"
        text += (f"另有{people_text(row['n_missing'], min_n)}培训后未回访；把他们计为没有变化{total}，"
                 f"平均变化为 {amount_text(row['itt_change'], unit)}。")
    return text


def paired_change(
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
    """The trainees' paired change per group × measure, with Phillips' intention-to-treat figure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per trainee × measure (× group): ``person_id``, ``measure``, ``before``,
        ``after`` (a missing ``after`` is a trainee missing at follow-up; a row without
        ``before`` is not in the baseline and is left out), and the columns of ``by``. Pass the
        trainees only; one call is one family of tests (one Kirkpatrick level).
    by : str or sequence of str, default ()
        Group columns (region, population …); rows with a missing group value are left out.
    units : str or mapping, default "share"
        The unit of every measure, or per measure id (see
        :data:`casekit.analysis.evaluation.wording.UNITS`).
    names : mapping, optional
        Chinese names of group values and measure ids (measures default to the domain's labels).
    nouns : mapping, optional
        What a level of a measure is called in the sentence (see :func:`measure_noun`).
    confidence : float, default 0.95
        Coverage of ``ci_low``–``ci_high`` and ``1 − α`` of the adjusted intervals.
    fdr : float, default 0.05
        A change is claimed when its Benjamini–Hochberg adjusted p value is below it.
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_RESPONDENTS`
        Fewer paired people: no number shown (``hidden``), never claimed.
    family : {"all", "group"}, default "all"
        The Benjamini–Hochberg family: every row of the call (one Kirkpatrick level across the
        engagement), or each group's measures on their own (a region's behaviours).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then :data:`CHANGE_COLUMNS`; one row per group × measure in the
        order of first appearance.

    Raises
    ------
    AnalysisError
        If a column is missing, a value is not a number, a person appears twice for a measure
        and group, or a unit or setting is unknown.
    """
    keys = check_by(by)
    confidence, fdr, family = check_confidence(confidence), check_fdr(fdr), check_family(family)
    min_n = check_threshold(min_n, "min_n")
    table = check_table(table, "table", ["person_id", "measure", "before", "after", *keys],
                        unique=[*keys, "measure", "person_id"])
    data = table[["person_id", "measure", *keys]].copy()
    data["before"] = numeric_column(table, "before", "table")
    data["after"] = numeric_column(table, "after", "table")
    data = data[data["before"].notna()]
    if keys:
        data = data.dropna(subset=list(keys))
    before, after = data["before"].to_numpy("float64"), data["after"].to_numpy("float64")
    rows: list[dict[str, Any]] = []
    for group, index in data.groupby([*keys, "measure"], sort=False, dropna=False).indices.items():
        values = group if isinstance(group, tuple) else (group,)
        measure = str(values[-1])
        unit = check_unit(units.get(measure, "share") if isinstance(units, Mapping) else units)
        row: dict[str, Any] = dict(zip(keys, values[:-1]))
        row.update(measure=measure, measure_label=name_of(measure, names), unit=unit,
                   **_cell(before[index], after[index], confidence))
        row["hidden"] = is_suppressed(row["n_paired"], min_n)
        rows.append(row)
    adjust_rows(rows, [tuple(r[k] for k in keys) if family == "group" else () for r in rows],
                numbers=_NUMBERS, confidence=confidence, fdr=fdr)
    for row in rows:
        row["direction"] = "none" if not row["claimed"] else ("up" if row["change"] > 0 else "down")
        row["sentence"] = change_sentence(row, keys, names=names, nouns=nouns, min_n=min_n,
                                          adjusted=row["family_size"] > 1)
    return frame_of(rows, [*keys, *CHANGE_COLUMNS], ints=("n_baseline", "n_paired", "n_missing"),
                    floats=_NUMBERS, bools=("claimed", "hidden"))
