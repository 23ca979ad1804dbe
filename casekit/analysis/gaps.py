"""Skill gaps: how far people's dimension scores fall short of the competency model.

A person's *gap* on a dimension is ``score − required`` (negative: below the required level of
their population, ``bundle.competency``). A group's gap is the mean of its members' gaps, with a
t-interval, and ``share_below`` is the share of its members below the required level.

Anonymity (the rule of :func:`casekit.analysis.scores.compare_region`, applied to gaps)
------------------------------------------------------------------------------------------
Decided for each population × dimension separately, so that no number shown reveals a group of
fewer than ``min_n`` people, neither directly nor by subtracting shown numbers from each other
(within a table, between :func:`gap_table` tables of different ``by``, or between two regions'
:func:`region_gaps`):

* **A group below** ``min_n`` **shows no number**: ``mean``, ``gap``, ``ci_low``, ``ci_high``
  and ``share_below`` are missing and ``suppressed`` is True (``n`` stays, for client tables to
  print as ``<5`` with :func:`casekit.formatting.count_label`).
* **Comparison base.** Only top-level regions whose own cell has at least ``min_n`` people count
  towards the *all regions* row (``group_id`` ``"all"``) and towards *others* in
  :func:`region_gaps`. A smaller top-level region is suppressed and contributes to no number
  shown anywhere, so "all" minus the shown regions is always 0.
* **Cities are never shown next to their province's total; they are merged instead.**
  ``by="city"`` shows a city on its own when it has ``min_n`` people; everyone else of the
  province (smaller cities and people recorded without a city) forms one group
  ``"<province>其他地市"`` (``group_id`` ``"<province id>:other"``). When that remainder would
  number 1 to ``min_n − 1``, the smallest shown city is moved into it too, until it reaches
  ``min_n`` (complementary suppression; the same cities as ``compare_region`` shows). So every
  person of a province is in exactly one row of the city table, and every row either has at
  least ``min_n`` people or is the whole province below ``min_n`` (then suppressed and outside
  the comparison base). The province's total (``by="top_region"``) minus the shown city rows is
  therefore a shown merged group or nothing: no hidden city can be recovered by subtraction.
  City rows of merged cities stay in the table, suppressed, with a note naming the group they
  were merged into.

Every table is in domain order (population, dimension), regions in manifest order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.intervals import check_confidence, t_interval
from casekit.analysis.ordering import rank_within
from casekit.analysis.scores import cell_shown_cities, group_sizes, respondent_scores
from casekit.domain import (
    DIMENSIONS,
    MIN_CELL_SIZE,
    POPULATION_DIMENSIONS,
    POPULATIONS,
    lookup,
)
from casekit.privacy.disclosure import comparison_base, is_small, is_suppressed, shown_cities
from casekit.exceptions import AnalysisError
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.language import tr

__all__ = [
    "ALL_GROUP",
    "GAP_BY",
    "GAP_TABLE_COLUMNS",
    "GAP_TABLE_SCHEMA",
    "PERSON_GAP_COLUMNS",
    "PERSON_GAP_SCHEMA",
    "REGION_GAP_COLUMNS",
    "REGION_GAP_SCHEMA",
    "competency_levels",
    "gap_table",
    "person_gaps",
    "region_gaps",
]

#: The table of :func:`person_gaps`.
PERSON_GAP_SCHEMA = OutputSchema(
    "person gaps", "casekit.analysis.person_gaps", (
        *columns("str", "respondent_id", "region_id", "top_region_id", "population", "dimension"),
        *columns("float", "score", "required", "gap"),
    ), consumers=("public API",))
#: Columns of :func:`person_gaps` (from its schema).
PERSON_GAP_COLUMNS: tuple[str, ...] = PERSON_GAP_SCHEMA.names
#: A group's gap on a dimension (columns shared by :func:`gap_table` and :func:`region_gaps`).
_GAP_STATS = (
    *columns("str", "population", "dimension", "dimension_label"),
    Col("n", "int"), Col("mean", "float", nullable=True), Col("required", "float"),
    *columns("float", "gap", "ci_low", "ci_high", "share_below", nullable=True),
)
#: The table of :func:`gap_table`.
GAP_TABLE_SCHEMA = OutputSchema(
    "gap table", "casekit.analysis.gap_table", (
        *columns("str", "group_id", "group_name"), *_GAP_STATS, Col("suppressed", "bool"), Col("note"),
    ), consumers=("reports.tables", "cli gaps", "notebooks 3.0, 5.0"))
#: Columns of :func:`gap_table` (from its schema).
GAP_TABLE_COLUMNS: tuple[str, ...] = GAP_TABLE_SCHEMA.names
#: The table of :func:`region_gaps`.
REGION_GAP_SCHEMA = OutputSchema(
    "region gaps", "casekit.analysis.region_gaps", (
        *columns("str", "region_id", "region_name"), *_GAP_STATS, Col("others_n", "int"),
        *columns("float", "others_gap", "diff", nullable=True),
        Col("rank", "int", nullable=True), Col("suppressed", "bool"), Col("note"),
    ), consumers=("reports.tables", "reports.charts", "authoring.interview_outline", "notebooks"))
#: Columns of :func:`region_gaps` (from its schema).
REGION_GAP_COLUMNS: tuple[str, ...] = REGION_GAP_SCHEMA.names
#: Values of ``gap_table(by=...)``.
GAP_BY: tuple[str, ...] = ("top_region", "city", "all")
#: ``group_id`` and ``group_name`` of the all-regions row.
ALL_GROUP: tuple[str, str] = ("all", "全部地区")

#: A score this close below the required level counts as reaching it (float noise).
_EPS = 1e-9
_NAN = float("nan")
_STATS = ("mean", "gap", "ci_low", "ci_high", "share_below")


# --------------------------------------------------------------------------------------------
# helpers


def _population(population: str | None) -> str | None:
    if population is None:
        return None
    pid = lookup(POPULATIONS, population)
    if pid is None:
        known = "、".join(f"{t.id} ({t.label})" for t in POPULATIONS.values())
        raise AnalysisError(tr(f"没有岗位「{population}」；应为以下之一：{known}",
                                 f"unknown population {population!r}; expected one of {known}"))
    return pid


def _check(min_n: int, confidence: float) -> None:
    check_confidence(confidence)
    if min_n < 0:
        raise AnalysisError(tr(f"min_n 应不小于 0，实际为 {min_n!r}", f"min_n must be 0 or more, got {min_n!r}"))


def competency_levels(bundle: Any) -> pd.DataFrame:
    """The target levels the gaps are measured against: the bundle's competency table.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``competency`` and ``items`` are read, when present).

    Returns
    -------
    DataFrame
        ``bundle.competency`` (the bundle's ``competency.yaml`` over casekit's defaults); when
        the bundle has none, casekit's default levels rescaled to its items' score ranges
        (:func:`casekit.intake.competency.default_competency`). Columns ``population``,
        ``dimension``, ``required``, ``scale_min``, ``scale_max``, ``source``, ``basis``.
    """
    table = getattr(bundle, "competency", None)
    if table is None or table.empty:
        from casekit.intake.competency import default_competency, population_ranges

        table = default_competency(population_ranges(getattr(bundle, "items", None)))
    return table


_competency = competency_levels


def _dimension_label(dimension: str) -> str:
    return DIMENSIONS[dimension].label if dimension in DIMENSIONS else str(dimension)


def _pairs(people: pd.DataFrame, population: str | None, every: bool) -> list[tuple[str, str]]:
    """Population × dimension cells in domain order (``every``: also those without data)."""
    pops = list(POPULATIONS) + sorted(set(people["population"]) - set(POPULATIONS))
    if population is not None:
        pops = [population]
    pairs: list[tuple[str, str]] = []
    for pop in pops:
        found = set(people.loc[people["population"] == pop, "dimension"])
        expected = [d for d in POPULATION_DIMENSIONS.get(pop, ()) if every or d in found]
        extra = [d for d in DIMENSIONS if d in found and d not in expected]
        extra += sorted(found - set(DIMENSIONS) - set(expected))
        pairs.extend((pop, d) for d in (*expected, *extra))
    return pairs


def _summary(scores: pd.Series | np.ndarray, required: float, confidence: float) -> dict[str, float]:
    """n, mean score, mean gap, its t-interval and the share below ``required``.

    ``scores``: a Series, or an array of floats; missing values are dropped, the order kept.
    The gap is missing (``n`` still counted) for a dimension outside the competency model.
    """
    if isinstance(scores, pd.Series):
        values = scores.dropna().to_numpy(dtype="float64")
    else:
        values = scores[~np.isnan(scores)]
    n = int(values.size)
    out = {"n": n, "mean": _NAN, "gap": _NAN, "ci_low": _NAN, "ci_high": _NAN,
           "share_below": _NAN}
    if n == 0:
        return out
    out["mean"] = float(values.mean())
    if not np.isfinite(required):
        return out
    out["gap"], out["ci_low"], out["ci_high"] = t_interval(values - required, confidence)
    out["share_below"] = float(np.mean(values < required - _EPS))
    return out


def _hide(row: dict[str, Any], keys: Sequence[str] = _STATS) -> dict[str, Any]:
    for key in keys:
        row[key] = _NAN
    return row


def _merged_name(name: str, shown: set[str]) -> str:
    """The group of a province's cities not shown on their own (``name``: the province's)."""
    return f"{name}其他地市" if shown else f"{name}各地市合并"


# --------------------------------------------------------------------------------------------
# public API


def person_gaps(bundle: Any, population: str | None = None) -> pd.DataFrame:
    """Each person's gap to the required level on each dimension they answered.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``responses`` and ``competency`` are read).
    population : str, optional
        Only this population (id, Chinese label or alias).

    Returns
    -------
    DataFrame
        One row per respondent × dimension (order of
        :func:`~casekit.analysis.scores.respondent_scores`): ``respondent_id``, ``region_id``,
        ``top_region_id``, ``population``, ``dimension``, ``score``, ``required`` (on the
        population's score range) and ``gap`` (``score − required``; negative = below the
        required level). A dimension outside the competency model has missing ``required`` and
        ``gap``. For consultants only: a client never sees a person's row.

    Raises
    ------
    AnalysisError
        If ``population`` is not a known population.
    """
    pid = _population(population)
    scores = respondent_scores(bundle)
    if pid is not None:
        scores = scores.loc[scores["population"] == pid]
    competency = _competency(bundle)[["population", "dimension", "required"]]
    out = scores.merge(competency, how="left", on=["population", "dimension"])
    out["required"] = out["required"].astype("float64")
    out["gap"] = (out["score"] - out["required"]).astype("float64")
    return out[list(PERSON_GAP_COLUMNS)].reset_index(drop=True)


def gap_table(
    bundle: Any,
    by: str = "top_region",
    population: str | None = None,
    min_n: int = MIN_CELL_SIZE,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean gap to the required level per group, population and dimension.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle.
    by : {"top_region", "city", "all"}, default "top_region"
        Groups: top-level regions, cities (top-level regions without cities as themselves;
        small cities merged per province, see the module docstring), or everyone. The first
        two end each population × dimension with the all-regions row.
    population : str, optional
        Only this population (id, Chinese label or alias).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Smallest group whose numbers are shown (``0``: an internal, unsuppressed table).
    confidence : float, default 0.95
        Coverage of the interval of the mean gap.

    Returns
    -------
    DataFrame
        Columns ``group_id``, ``group_name`` (Chinese), ``population``, ``dimension``,
        ``dimension_label``, ``n`` (people with a score), ``mean`` (mean score), ``required``,
        ``gap`` (``mean − required``, negative = shortfall), ``ci_low`` / ``ci_high``
        (t-interval of the mean gap; missing when ``n < 2``), ``share_below`` (share of the
        group below the required level, 0–1), ``suppressed`` and ``note`` (Chinese: why a row is
        hidden or merged, what a merged group holds, which regions the all-regions row leaves
        out; empty otherwise). Only groups with at least one person appear.

    Raises
    ------
    AnalysisError
        If ``by``, ``population``, ``min_n`` or ``confidence`` is invalid.
    """
    if by not in GAP_BY:
        raise AnalysisError(tr(f"by 应为 {'、'.join(GAP_BY)} 之一，实际为 {by!r}",
                               f"by must be one of {', '.join(GAP_BY)}, got {by!r}"))
    _check(min_n, confidence)
    pid = _population(population)
    people = person_gaps(bundle, pid)
    manifest = bundle.manifest
    tops = list(manifest.top_level_ids())
    cells = dict(iter(people.groupby(["population", "dimension"], sort=False)))
    rows: list[dict[str, Any]] = []
    for pop, dim in _pairs(people, pid, every=False):
        cell = cells[(pop, dim)]
        required = float(cell["required"].iloc[0])
        base = comparison_base(cell["top_region_id"].value_counts(), min_n)
        head = {"population": pop, "dimension": dim, "dimension_label": _dimension_label(dim)}

        def row(gid: str, name: str, members: pd.DataFrame, note: str = "",
                hide: bool | None = None, *, head: dict[str, str] = head,
                required: float = required) -> None:
            r: dict[str, Any] = {"group_id": gid, "group_name": name, **head,
                                 **_summary(members["score"], required, confidence),
                                 "required": required}
            suppressed = is_suppressed(r["n"], min_n) if hide is None else hide
            if suppressed:
                _hide(r)
                note = note or f"不足{min_n}人，不显示"
            rows.append({**r, "suppressed": suppressed, "note": note})

        if by in ("top_region", "city"):
            for top in tops + sorted(set(cell["top_region_id"]) - set(tops)):
                in_top = cell.loc[cell["top_region_id"] == top]
                if in_top.empty:
                    continue
                small = top not in base
                cities = [c for c in manifest.descendants(top) if c != top] if top in tops else []
                if by == "top_region" or not cities:
                    row(top, manifest.name(top) if top in tops else str(top), in_top,
                        f"不足{min_n}人，不显示，也不计入“{ALL_GROUP[1]}”" if small else "")
                    continue
                _city_rows(row, manifest, top, cities, cell, in_top, min_n)
        all_members = cell.loc[cell["top_region_id"].isin(base)]
        left_out = [manifest.name(t) if t in tops else str(t) for t in
                    dict.fromkeys(cell["top_region_id"]) if t not in base]
        note = f"不含不足{min_n}人的地区：{'、'.join(left_out)}" if left_out else ""
        if is_suppressed(len(all_members), min_n):
            note = f"各地区均不足{min_n}人，不显示"
        row(*ALL_GROUP, all_members, note)
    table = pd.DataFrame(rows, columns=list(GAP_TABLE_COLUMNS))
    return table.astype({"n": "int64", "suppressed": "bool", **{c: "float64" for c in
                         ("mean", "required", "gap", "ci_low", "ci_high", "share_below")}})


def _city_rows(row: Any, manifest: Any, top: str, cities: list[str], cell: pd.DataFrame,
               in_top: pd.DataFrame, min_n: int) -> None:
    """Rows of one province in ``gap_table(by="city")``: shown cities, merged ones, the rest."""
    shown = shown_cities(cell, manifest, top, min_n)
    merged = _merged_name(manifest.name(top), shown)
    rest = in_top.loc[~in_top["region_id"].isin(shown)]
    rest_shown = not is_suppressed(len(rest), min_n)
    for city in cities:
        members = in_top.loc[in_top["region_id"] == city]
        if members.empty:
            continue
        if city in shown:
            row(city, manifest.name(city), members)
        elif is_suppressed(len(members), min_n):
            where = f"已并入“{merged}”" if rest_shown else "不显示"
            row(city, manifest.name(city), members, f"不足{min_n}人，{where}", hide=True)
        else:
            row(city, manifest.name(city), members,
                f"为免由全省数据推算出人数不足{min_n}人的地市，已并入“{merged}”", hide=True)
    if rest.empty:
        return
    parts = [manifest.name(c) for c in cities if c not in shown and (rest["region_id"] == c).any()]
    if (rest["region_id"] == top).any():
        parts.append("未注明地市者")
    note = f"含{'、'.join(parts)}" if rest_shown else f"全省不足{min_n}人，不显示，也不计入“{ALL_GROUP[1]}”"
    row(f"{top}:other", merged, rest, note)


def region_gaps(
    bundle: Any, region_id: str, min_n: int = MIN_CELL_SIZE, confidence: float = 0.95
) -> pd.DataFrame:
    """The gaps of one region on every population × dimension, as its report shows them.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle.
    region_id : str
        A top-level region or a city (id or Chinese name); a region's people include its
        cities' people.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Smallest group whose numbers are shown.
    confidence : float, default 0.95
        Coverage of the interval of the mean gap.

    Returns
    -------
    DataFrame
        One row per population × dimension of :data:`~casekit.domain.POPULATION_DIMENSIONS`
        (also without data: ``n`` 0), then any other dimension found, in domain order.
        Columns ``region_id``, ``region_name``, ``population``, ``dimension``,
        ``dimension_label``, ``n``, ``mean``, ``required``, ``gap``, ``ci_low``, ``ci_high``,
        ``share_below`` (as in :func:`gap_table`), ``others_n`` / ``others_gap`` (the
        comparison base outside the region: its people and their mean gap), ``diff``
        (``gap − others_gap``: negative = a larger shortfall than elsewhere), ``rank``
        (1 = the region's largest shortfall within the population, ranking shown rows by
        ``gap``; nullable integer), ``suppressed`` and ``note``. A suppressed row (fewer than
        ``min_n`` people, or a city merged into its province's other cities) shows no number
        but ``n`` and ``required``; ``others_gap`` and ``diff`` are missing too, as they are
        when ``others_n`` is 1 to ``min_n − 1``.

    Raises
    ------
    RegionError
        If the region is not in the manifest.
    AnalysisError
        If ``min_n`` or ``confidence`` is invalid.
    """
    _check(min_n, confidence)
    manifest = bundle.manifest
    rid = manifest.require(region_id)
    inside = set(manifest.descendants(rid))
    top = manifest.top_of(rid)
    is_city = top != rid
    people = person_gaps(bundle)
    required_of = _competency(bundle).set_index(["population", "dimension"])["required"]
    # each population x dimension's people (positions, in table order), selected once
    cells = people.groupby(["population", "dimension"], sort=False).indices
    scores = people["score"].to_numpy(dtype="float64")
    tops = people["top_region_id"].to_numpy()
    places = people["region_id"].to_numpy()
    in_region = people["region_id"].isin(inside).to_numpy()
    name = manifest.name(rid)
    top_name = manifest.name(top) if is_city else name
    known_cities: dict[frozenset[tuple[Any, int]], set[str]] = {}
    none = np.array([], dtype="intp")
    rows: list[dict[str, Any]] = []
    for pop, dim in _pairs(people, None, every=True):
        cell = cells.get((pop, dim), none)
        required = float(required_of.get((pop, dim), _NAN))
        base = set(comparison_base(group_sizes(tops[cell]), min_n))
        own = in_region[cell]
        in_base = np.array([t in base for t in tops[cell]], dtype=bool)
        r: dict[str, Any] = {
            "region_id": rid, "region_name": name, "population": pop,
            "dimension": dim, "dimension_label": _dimension_label(dim),
            **_summary(scores[cell[own]], required, confidence), "required": required,
        }
        o = _summary(scores[cell[in_base & ~own]], required, confidence)
        r["others_n"], r["others_gap"] = o["n"], o["gap"]
        r["diff"] = r["gap"] - r["others_gap"]
        suppressed = is_suppressed(r["n"], min_n)
        note = ("无数据" if r["n"] == 0 else f"不足{min_n}人，不显示") if suppressed else ""
        if is_city and r["n"] > 0:
            shown = cell_shown_cities(tops[cell], places[cell], manifest, top, min_n, known_cities)
            if rid not in shown:
                merged = _merged_name(top_name, shown)
                rest = sum(t == top and c not in shown for t, c in zip(tops[cell], places[cell]))
                if not suppressed:
                    note = f"为免由全省数据推算出人数不足{min_n}人的地市，已并入“{merged}”"
                elif not is_suppressed(rest, min_n):
                    note = f"不足{min_n}人，已并入“{merged}”"
                suppressed = True
        if suppressed:
            _hide(r, (*_STATS, "others_gap", "diff"))
        if is_small(r["others_n"], min_n):
            _hide(r, ("others_gap", "diff"))
        rows.append({**r, "suppressed": suppressed, "note": note})
    table = pd.DataFrame(rows, columns=[c for c in REGION_GAP_COLUMNS if c != "rank"])
    table = table.astype({"n": "int64", "others_n": "int64", "suppressed": "bool",
                          **{c: "float64" for c in ("mean", "required", "gap", "ci_low", "ci_high",
                                                    "share_below", "others_gap", "diff")}})
    table["rank"] = rank_within(table, "population", "gap")
    return table[list(REGION_GAP_COLUMNS)].reset_index(drop=True)
