"""Client-facing tables of the region report: Chinese headers, rounded numbers, small cells hidden.

The analysis functions return tables for computing (ids, floats, missing values); these turn
them into what a client reads. No table here ever shows a group smaller than
:data:`casekit.domain.MIN_CELL_SIZE`: its count is shown as ``"<5"`` and its mean as ``"—"``;
where a hidden count could be recovered from a row total, a second cell is hidden (``"—"``).
A difference (差值) is always the difference of the two rounded means shown beside it. Numbers
are written by :mod:`casekit.formatting`, the one place that decides how they read.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from casekit.domain import MIN_CELL_SIZE, POPULATIONS
from casekit.formatting import (
    MISSING,
    SMALL_CELL,
    count_label,
    day_range,
    days,
    mean_hidden,
    rounded_diff,
    score,
    signed,
)

__all__ = [
    "MISSING",
    "SMALL_CELL",
    "comparison_table",
    "count_label",
    "outline_table",
    "respondent_counts",
    "weakest_table",
]

# MISSING, SMALL_CELL and count_label are re-exported from casekit.formatting: the report
# notebook (and older code) import them from here.


def _population_label(population: str) -> str:
    term = POPULATIONS.get(population)
    return term.label if term is not None else str(population)


def _shown_diff(row: pd.Series, min_n: int) -> str:
    """差值 of a comparison row: the difference of the two rounded means shown, or ``"—"``."""
    if mean_hidden(row, min_n) or pd.isna(row.get("diff")) or pd.isna(row.get("others_mean")):
        return MISSING
    return signed(rounded_diff(row["mean"], row["others_mean"]))


def _region_mean(row: pd.Series, min_n: int) -> str:
    return MISSING if mean_hidden(row, min_n) else score(row["mean"])


def _rank(row: pd.Series, min_n: int) -> str:
    rank = row.get("rank")
    return MISSING if mean_hidden(row, min_n) or pd.isna(rank) else str(int(rank))


def respondent_counts(bundle: Any, region_id: str, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """Questionnaire respondents of a region per population (and per city), small counts hidden.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The loaded bundle (``respondents`` and ``manifest`` are read).
    region_id : str
        A manifest region id; its cities are included.
    min_n : int
        Counts from 1 to ``min_n - 1`` are shown as ``"<5"``.

    Returns
    -------
    pandas.DataFrame
        Index 岗位类别 (population labels, domain order); one column per place of the region
        that has respondents (its cities, and the region itself when rows name no city), then
        合计. Cells are strings.
    """
    manifest = bundle.manifest
    places = list(manifest.descendants(region_id))
    people = bundle.respondents.loc[bundle.respondents["region_id"].isin(places)]
    populations = [p for p in POPULATIONS if p in set(bundle.respondents["population"])]
    populations += sorted(set(people["population"]) - set(populations))
    counts = (
        people.groupby(["population", "region_id"]).size().unstack(fill_value=0)
        .reindex(index=populations, columns=places, fill_value=0)
    )
    shown = [p for p in places if counts[p].sum() > 0] if len(places) > 1 else []
    table = pd.DataFrame(index=pd.Index([_population_label(p) for p in populations], name="岗位类别"))
    for place in shown:
        table[manifest.name(place)] = [count_label(v, min_n) for v in counts[place]]
    if shown:
        _suppress_complementary(table, counts.loc[:, shown], min_n)
    table["合计"] = [count_label(v, min_n) for v in counts.sum(axis=1)]
    return table


def _suppress_complementary(table: pd.DataFrame, counts: pd.DataFrame, min_n: int) -> None:
    """Hide a second cell in every row where exactly one count is hidden.

    With the row's total shown, a single hidden cell could be recovered by subtraction
    (total minus the cells shown). The smallest other non-zero count of the row is hidden too,
    shown as :data:`MISSING`.
    """
    for row, (_, values) in enumerate(counts.iterrows()):
        small = [(v, i) for i, v in enumerate(values) if 0 < v < min_n]
        if len(small) != 1:
            continue
        others = sorted((v, i) for i, v in enumerate(values) if v >= min_n)
        if others:
            table.iat[row, others[0][1]] = MISSING


def comparison_table(
    comparison: pd.DataFrame,
    population: str | None = None,
    *,
    min_n: int = MIN_CELL_SIZE,
) -> pd.DataFrame:
    """The region's dimension scores next to the other regions', for reading.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`casekit.analysis.compare_region`.
    population : str, optional
        Keep only this population (then the 岗位类别 column is dropped and 维度 is the index).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        The anonymity threshold: a row below it (or flagged ``suppressed``) shows its count as
        ``"<5"`` and no score, difference or rank.

    Returns
    -------
    pandas.DataFrame
        Columns 岗位类别, 维度, 本地区人数, 本地区均分, 其他地区均分, 全部地区均分, 差值 (region
        − other regions, computed from the two rounded means shown), 本地区排名 (1 = weakest).
        Cells are strings; suppressed cells show ``"<5"`` / ``"—"``.
    """
    rows = comparison if population is None else comparison.loc[comparison["population"] == population]
    records = [row for _, row in rows.iterrows()]
    table = pd.DataFrame(
        {
            "岗位类别": [_population_label(r["population"]) for r in records],
            "维度": [str(r["dimension_label"]) for r in records],
            "本地区人数": [count_label(r["n"], min_n) for r in records],
            "本地区均分": [_region_mean(r, min_n) for r in records],
            "其他地区均分": [score(r["others_mean"]) for r in records],
            "全部地区均分": [score(r["all_mean"]) for r in records],
            "差值": [_shown_diff(r, min_n) for r in records],
            "本地区排名": [_rank(r, min_n) for r in records],
        },
        columns=["岗位类别", "维度", "本地区人数", "本地区均分", "其他地区均分", "全部地区均分", "差值", "本地区排名"],
    )
    if population is not None:
        table = table.drop(columns="岗位类别").set_index("维度")
    return table


def weakest_table(weakest: pd.DataFrame, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """The rows of :func:`casekit.analysis.weakest_dimensions`, for reading.

    Parameters
    ----------
    weakest : pandas.DataFrame
        Output of :func:`casekit.analysis.weakest_dimensions` (columns ``dimension_label``,
        ``n``, ``mean``, ``others_mean``, ``diff``), weakest first.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        The anonymity threshold (``weakest_dimensions`` never returns a suppressed row; one
        given here anyway shows no score).

    Returns
    -------
    pandas.DataFrame
        Index 排名 (from 1, weakest first); columns 维度, 本地区均分, 其他地区均分, 差值 (from the
        two rounded means shown), 人数. Cells are strings.
    """
    records = [row for _, row in weakest.iterrows()]
    table = pd.DataFrame(
        {
            "维度": [str(r["dimension_label"]) for r in records],
            "本地区均分": [_region_mean(r, min_n) for r in records],
            "其他地区均分": [score(r["others_mean"]) for r in records],
            "差值": [_shown_diff(r, min_n) for r in records],
            "人数": [count_label(r["n"], min_n) for r in records],
        },
        columns=["维度", "本地区均分", "其他地区均分", "差值", "人数"],
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="排名")
    return table


def _reason(reason: Any, adjustment: Any) -> str:
    """The full reason, with the budget adjustment appended unless it already cites it."""
    text = "" if pd.isna(reason) else str(reason)
    if isinstance(adjustment, str) and adjustment.strip() and adjustment not in text:
        text = f"{text}；{adjustment}" if text else adjustment
    return text


def outline_table(tailored: Any) -> pd.DataFrame:
    """A tailored course outline (:func:`casekit.curriculum.tailor_outline`), for reading.

    Parameters
    ----------
    tailored : casekit.curriculum.TailoredOutline
        The tailored outline; its ``table`` is read (``title``, ``dimensions``, ``days``,
        ``days_min``, ``days_max``, ``interactive_share``, ``reason`` and ``adjustment``).

    Returns
    -------
    pandas.DataFrame
        Index 序号 (from 1, module order); columns 模块, 对应维度, 建议天数, 可选范围（天）,
        互动比例, 依据 (the full reason, never shortened: the evidence, then any budget
        adjustment, cited once). Cells are strings.
    """
    rows = tailored.table
    adjustments = rows["adjustment"] if "adjustment" in rows.columns else [""] * len(rows)
    dimensions = rows["dimensions"] if "dimensions" in rows.columns else [""] * len(rows)
    table = pd.DataFrame(
        {
            "模块": list(rows["title"]),
            "对应维度": [d if isinstance(d, str) and d else MISSING for d in dimensions],
            "建议天数": [days(v) for v in rows["days"]],
            "可选范围（天）": [day_range(a, b) for a, b in zip(rows["days_min"], rows["days_max"])],
            "互动比例": [MISSING if pd.isna(v) else f"{float(v):.0%}" for v in rows["interactive_share"]],
            "依据": [_reason(r, a) for r, a in zip(rows["reason"], adjustments)],
        },
        columns=["模块", "对应维度", "建议天数", "可选范围（天）", "互动比例", "依据"],
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="序号")
    return table
