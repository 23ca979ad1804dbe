"""Client-facing tables of the region report: Chinese headers, rounded numbers, small cells hidden.

The analysis functions return tables for computing (ids, floats, missing values); these turn
them into what a client reads. No table here ever shows a group smaller than
:data:`casekit.domain.MIN_CELL_SIZE`: its count is shown as ``"<5"`` and its mean as ``"—"``;
where a hidden count could be recovered from a row total, a second cell is hidden (``"—"``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from casekit.domain import MIN_CELL_SIZE, POPULATIONS

__all__ = [
    "SMALL_CELL",
    "MISSING",
    "count_label",
    "respondent_counts",
    "comparison_table",
    "weakest_table",
    "outline_table",
]

MISSING = "—"


def _small_cell(min_n: int) -> str:
    return f"<{min_n}"


#: How a count below the anonymity threshold is shown.
SMALL_CELL = _small_cell(MIN_CELL_SIZE)


def count_label(n: int, min_n: int = MIN_CELL_SIZE) -> str:
    """Show a head count, hiding small groups: ``0`` → ``"0"``, 1…4 → ``"<5"``, else the number."""
    n = int(n)
    return _small_cell(min_n) if 0 < n < min_n else str(n)


def _population_label(population: str) -> str:
    term = POPULATIONS.get(population)
    return term.label if term is not None else str(population)


def _score(value: Any) -> str:
    return MISSING if pd.isna(value) else f"{float(value):.2f}"


def _signed(value: Any) -> str:
    return MISSING if pd.isna(value) else f"{float(value):+.2f}"


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


def comparison_table(comparison: pd.DataFrame, population: str | None = None) -> pd.DataFrame:
    """The region's dimension scores next to the other regions', for reading.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`casekit.analysis.compare_region`.
    population : str, optional
        Keep only this population (then the 岗位类别 column is dropped and 维度 is the index).

    Returns
    -------
    pandas.DataFrame
        Columns 岗位类别, 维度, 本地区人数, 本地区均分, 其他地区均分, 全部地区均分, 差值 (region
        − other regions), 本地区排名 (1 = weakest). Suppressed cells show ``"<5"`` / ``"—"``.
    """
    rows = comparison if population is None else comparison.loc[comparison["population"] == population]
    min_n = MIN_CELL_SIZE
    table = pd.DataFrame(
        {
            "岗位类别": [_population_label(p) for p in rows["population"]],
            "维度": list(rows["dimension_label"]),
            "本地区人数": [count_label(n, min_n) for n in rows["n"]],
            "本地区均分": [_score(v) for v in rows["mean"]],
            "其他地区均分": [_score(v) for v in rows["others_mean"]],
            "全部地区均分": [_score(v) for v in rows["all_mean"]],
            "差值": [_signed(v) for v in rows["diff"]],
            "本地区排名": [MISSING if pd.isna(r) else str(int(r)) for r in rows["rank"]],
        }
    )
    if population is not None:
        table = table.drop(columns="岗位类别").set_index("维度")
    return table


def weakest_table(weakest: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`casekit.analysis.weakest_dimensions`, for reading.

    Returns
    -------
    pandas.DataFrame
        Columns 排名, 维度, 本地区均分, 其他地区均分, 差值, 人数; index from 1.
    """
    table = pd.DataFrame(
        {
            "维度": list(weakest["dimension_label"]),
            "本地区均分": [_score(v) for v in weakest["mean"]],
            "其他地区均分": [_score(v) for v in weakest["others_mean"]],
            "差值": [_signed(v) for v in weakest["diff"]],
            "人数": [count_label(n) for n in weakest["n"]],
        }
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="排名")
    return table


def _days(value: Any) -> str:
    if pd.isna(value):
        return MISSING
    value = float(value)
    return f"{value:g}"


def outline_table(tailored: Any) -> pd.DataFrame:
    """A tailored course outline (:func:`casekit.curriculum.tailor_outline`), for reading.

    Returns
    -------
    pandas.DataFrame
        Columns 模块, 对应维度, 建议天数, 可选范围（天）, 互动比例, 依据 (the evidence, then any
        budget adjustment); index from 1 (module order).
    """
    rows = tailored.table
    reasons = list(rows["reason"])
    if "adjustment" in rows.columns:
        reasons = [
            f"{r}（{a}）" if isinstance(a, str) and a.strip() else r
            for r, a in zip(reasons, rows["adjustment"])
        ]
    table = pd.DataFrame(
        {
            "模块": list(rows["title"]),
            "对应维度": [d if isinstance(d, str) and d else MISSING for d in rows.get("dimensions", [""] * len(rows))],
            "建议天数": [_days(v) for v in rows["days"]],
            "可选范围（天）": [f"{_days(a)}–{_days(b)}" for a, b in zip(rows["days_min"], rows["days_max"])],
            "互动比例": [MISSING if pd.isna(v) else f"{float(v):.0%}" for v in rows["interactive_share"]],
            "依据": reasons,
        }
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="序号")
    return table
