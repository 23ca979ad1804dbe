"""Dimension scores: per respondent, per region, and one region against the others.

Everything here reads two attributes of a loaded bundle and nothing else:

* ``bundle.responses`` -- one row per answered item, with the columns ``respondent_id``,
  ``region_id``, ``top_region_id``, ``population``, ``dimension`` and ``value`` (reverse keys
  already applied; a higher value always means a stronger skill);
* ``bundle.manifest`` -- ``descendants(region_id)``, ``name(region_id)`` and
  ``top_level_ids()``.

A respondent's dimension score is the mean of their answered items of that dimension; ``n`` of
a group is the number of respondents with a score. Groups smaller than ``min_n`` (default
:data:`casekit.domain.MIN_CELL_SIZE`) are *suppressed*: their mean and standard deviation are
set to missing so that no client-facing table can show the answers of fewer than ``min_n``
people.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.ordering import ordered, rank_within, region_order, sort_rows
from casekit.domain import DIMENSIONS, MIN_CELL_SIZE, POPULATION_DIMENSIONS, POPULATIONS
from casekit.privacy.disclosure import comparison_base, is_small, is_suppressed, shown_cities
from casekit.exceptions import RegionError
from casekit.language import quoted, tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_SCHEMA",
    "DIMENSION_SCORE_COLUMNS",
    "DIMENSION_SCORE_SCHEMA",
    "RESPONDENT_SCORE_COLUMNS",
    "RESPONDENT_SCORE_SCHEMA",
    "compare_region",
    "dimension_scores",
    "respondent_scores",
    "weakest_dimensions",
]

#: The table of :func:`respondent_scores`.
RESPONDENT_SCORE_SCHEMA = OutputSchema(
    "respondent scores", "casekit.analysis.respondent_scores", (
        *columns("str", "respondent_id", "region_id", "top_region_id", "population", "dimension"),
        Col("score", "float", description="mean of the respondent's answered items"),
        Col("n_items", "int", description="items answered"),
    ), consumers=("gaps.person_gaps", "features.account_manager_features"))
#: Columns of :func:`respondent_scores`.
RESPONDENT_SCORE_COLUMNS: tuple[str, ...] = RESPONDENT_SCORE_SCHEMA.names

#: The table of :func:`dimension_scores`.
DIMENSION_SCORE_SCHEMA = OutputSchema(
    "dimension scores", "casekit.analysis.dimension_scores", (
        *columns("str", "region_id", "population", "dimension"),
        Col("n", "int", description="respondents with a score"),
        Col("mean", "float", nullable=True, description="empty when suppressed"),
        Col("sd", "float", nullable=True, description="empty when suppressed or n < 2"),
        Col("suppressed", "bool"),
    ), consumers=("public API",))
#: Columns of :func:`dimension_scores`.
DIMENSION_SCORE_COLUMNS: tuple[str, ...] = DIMENSION_SCORE_SCHEMA.names

#: The table of :func:`compare_region` (and therefore of :func:`weakest_dimensions`).
COMPARISON_SCHEMA = OutputSchema(
    "comparison", "casekit.analysis.compare_region", (
        *columns("str", "population", "dimension", "dimension_label"),
        Col("n", "int", description="the region's respondents"),
        Col("mean", "float", nullable=True, description="empty when suppressed"),
        Col("others_n", "int", description="respondents of the other regions in the comparison base"),
        Col("others_mean", "float", nullable=True), Col("all_n", "int"),
        Col("all_mean", "float", nullable=True),
        Col("diff", "float", nullable=True, description="mean - others_mean"),
        Col("rank", "int", nullable=True, description="1 = weakest in the region; empty when suppressed"),
        Col("suppressed", "bool"),
    ),
    consumers=("reports.tables", "reports.charts", "reports.region_report"))
#: Columns of :func:`compare_region` (and therefore of :func:`weakest_dimensions`).
COMPARISON_COLUMNS: tuple[str, ...] = COMPARISON_SCHEMA.names

_RESPONSE_COLUMNS = (
    "respondent_id",
    "region_id",
    "top_region_id",
    "population",
    "dimension",
    "value",
)
_LEVELS = {"top": "top_region_id", "city": "region_id"}


# --------------------------------------------------------------------------------------------
# ordering helpers (every table here is sorted the same way, whatever the input order)


def _population_order() -> list[str]:
    return list(POPULATIONS)


def _dimension_order() -> list[str]:
    return list(DIMENSIONS)


def _check_responses(bundle: Any) -> pd.DataFrame:
    responses = bundle.responses
    missing = [c for c in _RESPONSE_COLUMNS if c not in responses.columns]
    if missing:
        raise ValueError(
            "bundle.responses is missing the column(s) "
            f"{', '.join(missing)}; expected at least {', '.join(_RESPONSE_COLUMNS)}"
        )
    return responses


# --------------------------------------------------------------------------------------------
# public API


def respondent_scores(bundle: Any) -> pd.DataFrame:
    """Score every respondent on every dimension they answered.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle; only ``bundle.responses`` is read.

    Returns
    -------
    pandas.DataFrame
        One row per respondent x dimension with the columns ``respondent_id``, ``region_id``,
        ``top_region_id``, ``population``, ``dimension``, ``score`` (mean of the answered items'
        ``value``) and ``n_items`` (number of answered items). Respondents without any answered
        item of a dimension have no row for it. Sorted by population, respondent id and
        dimension (domain order).
    """
    responses = _check_responses(bundle)
    answered = responses.loc[responses["value"].notna(), list(_RESPONSE_COLUMNS)]
    if answered.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c == "score" else "object")
                for c in RESPONDENT_SCORE_COLUMNS
            }
        ).astype({"n_items": "int64"})
    grouped = answered.groupby(
        ["respondent_id", "region_id", "top_region_id", "population", "dimension"],
        sort=False,
        dropna=False,
    )["value"]
    scores = grouped.agg(score="mean", n_items="count").reset_index()
    scores["score"] = scores["score"].astype("float64")
    scores["n_items"] = scores["n_items"].astype("int64")
    scores = sort_rows(
        scores,
        [
            ("population", _population_order()),
            ("respondent_id", None),
            ("dimension", _dimension_order()),
        ],
    )
    return scores[list(RESPONDENT_SCORE_COLUMNS)]


def _describe(scores: pd.Series) -> tuple[int, float, float]:
    """n, mean and sample standard deviation (ddof=1; missing when n < 2) of ``scores``."""
    values = scores.dropna().to_numpy(dtype="float64")
    n = int(values.size)
    mean = float(values.mean()) if n else float("nan")
    sd = float(values.std(ddof=1)) if n >= 2 else float("nan")
    return n, mean, sd


def dimension_scores(
    bundle: Any, level: str = "top", *, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """Mean dimension score of each region, population and dimension.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle; ``bundle.responses`` and ``bundle.manifest`` are read.
    level : {"top", "city"}, default "top"
        ``"top"`` groups respondents by the top-level region they belong to; ``"city"`` by the
        region recorded for them (a city, or the top-level region when no city is known).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Cells with fewer respondents are suppressed (``mean`` and ``sd`` missing). Pass ``0``
        for an internal, unsuppressed table.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_id``, ``population``, ``dimension``, ``n`` (respondents with a score),
        ``mean``, ``sd`` (sample standard deviation) and ``suppressed`` (``n < min_n``). Only
        cells with at least one respondent appear. Sorted by region (manifest order),
        population and dimension (domain order).

    Raises
    ------
    ValueError
        If ``level`` is neither ``"top"`` nor ``"city"``.
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be 'top' or 'city', got {level!r}")
    scores = respondent_scores(bundle)
    region_column = _LEVELS[level]
    rows = []
    for (region, population, dimension), group in scores.groupby(
        [region_column, "population", "dimension"], sort=False
    ):
        n, mean, sd = _describe(group["score"])
        suppressed = is_suppressed(n, min_n)
        rows.append(
            {
                "region_id": region,
                "population": population,
                "dimension": dimension,
                "n": n,
                "mean": float("nan") if suppressed else mean,
                "sd": float("nan") if suppressed else sd,
                "suppressed": suppressed,
            }
        )
    table = pd.DataFrame(rows, columns=list(DIMENSION_SCORE_COLUMNS))
    table = table.astype(
        {"n": "int64", "mean": "float64", "sd": "float64", "suppressed": "bool"}
    )
    return sort_rows(
        table,
        [
            ("region_id", region_order(bundle.manifest, level)),
            ("population", _population_order()),
            ("dimension", _dimension_order()),
        ],
    )


def _region_ids(manifest: Any, region_id: str) -> set[str]:
    """The region and all its descendants; :class:`RegionError` if the manifest lacks it."""
    try:
        ids = set(manifest.descendants(region_id))
    except RegionError:
        raise
    except (KeyError, LookupError, ValueError) as exc:
        raise RegionError(tr(
            f"没有地区{quoted(region_id)}：资料包的 manifest.yaml 中没有这个地区",
            f"unknown region {region_id!r}: not in the bundle's manifest"
        )) from exc
    if not ids:
        raise RegionError(tr(f"没有地区{quoted(region_id)}：资料包的 manifest.yaml 中没有这个地区",
                             f"unknown region {region_id!r}: not in the bundle's manifest"))
    return ids


def _top_of(manifest: Any, region_id: str) -> str:
    """The top-level region containing ``region_id`` (itself when it is top level)."""
    for top in manifest.top_level_ids():
        if top == region_id or region_id in set(manifest.descendants(top)):
            return top
    return region_id  # not under any top level: treat it as one


def compare_region(
    bundle: Any, region_id: str, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """Compare one region's dimension scores with the rest of the client.

    The *region* is ``region_id`` together with all its descendants (a province and its
    cities). It is compared with a *comparison base*, decided for each population x dimension
    separately and the same in every region's report:

    **Comparison base.** Only top-level regions whose own cell (respondents of the population
    with a score on the dimension) has at least ``min_n`` respondents are in the base. A
    top-level region below ``min_n`` is left out of it entirely, so its respondents contribute
    to no number shown in any report -- neither its own (suppressed) row nor the *others* and
    *all* of any other region; otherwise two reports' *others* means could be differenced to
    recover it. *Others* are the base's respondents outside the region (for a city: everyone in
    the base outside the city, the rest of its province included); *all* is the whole base.

    **Cities.** A city's mean is shown only when it has ``min_n`` respondents and the rest of
    its top-level region, after taking away the cities shown, numbers 0 or at least ``min_n``
    (else the smallest city is hidden too), so that a province's mean minus its cities' means
    never reveals a small group.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle; ``bundle.responses`` and ``bundle.manifest`` are read.
    region_id : str
        A manifest region id (top level or city).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Smallest group whose mean may be shown.

    Returns
    -------
    pandas.DataFrame
        One row per population x dimension -- every dimension of
        :data:`~casekit.domain.POPULATION_DIMENSIONS` (also when nobody in the region answered
        it, with ``n`` 0) followed by any other dimension found in the data -- sorted by
        population and dimension in domain order. Columns:

        ``population``, ``dimension``, ``dimension_label`` (Chinese),
        ``n`` / ``mean``: the region's respondents with a score and their mean,
        ``others_n`` / ``others_mean``: the comparison base outside the region,
        ``all_n`` / ``all_mean``: the whole comparison base,
        ``diff``: ``mean - others_mean`` (unrounded; client-facing text shows the difference of
        the rounded means, :func:`casekit.formatting.rounded_diff`),
        ``rank``: 1 = the region's weakest dimension of this population (nullable integer,
        ranking only unsuppressed rows; ties keep domain order),
        ``suppressed``: ``n < min_n``, or a city hidden by the rule above.

        Suppression rules, so that no number shown reveals fewer than ``min_n`` people,
        neither directly nor by subtraction within the row or across reports:

        * a suppressed row shows no score at all: ``mean``, ``diff``, ``rank``,
          ``others_mean`` and ``all_mean`` are missing (only the counts remain, which
          client-facing tables show as ``"<5"``);
        * ``0 < others_n < min_n`` (which the comparison base rules out for an unsuppressed
          row, but is checked all the same): ``others_mean``, ``diff`` and ``all_mean`` are
          missing.

    Raises
    ------
    RegionError
        If ``region_id`` is not in the manifest.
    """
    manifest = bundle.manifest
    inside = _region_ids(manifest, region_id)
    top = _top_of(manifest, region_id)
    is_city = top != region_id
    scores = respondent_scores(bundle)
    # each population x dimension's rows (positions, in table order), selected once
    cells = scores.groupby(["population", "dimension"], sort=False, dropna=False).indices
    values = scores["score"].to_numpy(dtype="float64")
    tops = scores["top_region_id"].to_numpy()
    places = scores["region_id"].to_numpy()
    in_region = scores["region_id"].isin(inside).to_numpy()
    known_cities: dict[frozenset[tuple[Any, int]], set[str]] = {}

    found: dict[Any, list[Any]] = {}
    for population, dimension in cells:
        found.setdefault(population, []).append(dimension)
    pairs: list[tuple[str, str]] = []
    for population in ordered(
        list(POPULATIONS) + list(scores["population"]), _population_order()
    ):
        expected = POPULATION_DIMENSIONS.get(population, ())
        extra = [d for d in ordered(found.get(population, ()), _dimension_order()) if d not in expected]
        pairs.extend((population, d) for d in (*expected, *extra))

    nan = float("nan")
    none = np.array([], dtype="intp")
    rows = []
    for population, dimension in pairs:
        cell = cells.get((population, dimension), none)
        base = set(comparison_base(group_sizes(tops[cell]), min_n))
        in_base = np.array([t in base for t in tops[cell]], dtype=bool)
        mine = in_region[cell]

        n, mean, _ = _describe_values(values[cell[mine]])
        others_n, others_mean, _ = _describe_values(values[cell[in_base & ~mine]])
        all_n, all_mean, _ = _describe_values(values[cell[in_base]])
        suppressed = is_suppressed(n, min_n)
        if is_city and not suppressed:
            shown = cell_shown_cities(tops[cell], places[cell], manifest, top, min_n, known_cities)
            suppressed = region_id not in shown
        diff = mean - others_mean
        if suppressed:
            mean = diff = others_mean = all_mean = nan
        if is_small(others_n, min_n):
            others_mean = diff = all_mean = nan
        label = (
            DIMENSIONS[dimension].label if dimension in DIMENSIONS else str(dimension)
        )
        rows.append(
            {
                "population": population,
                "dimension": dimension,
                "dimension_label": label,
                "n": n,
                "mean": mean,
                "others_n": others_n,
                "others_mean": others_mean,
                "all_n": all_n,
                "all_mean": all_mean,
                "diff": diff,
                "suppressed": suppressed,
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in COMPARISON_COLUMNS if c != "rank"])
    table = table.astype(
        {
            "n": "int64",
            "others_n": "int64",
            "all_n": "int64",
            "mean": "float64",
            "others_mean": "float64",
            "all_mean": "float64",
            "diff": "float64",
            "suppressed": "bool",
        }
    )
    table["rank"] = rank_within(table, "population", "mean")
    return table[list(COMPARISON_COLUMNS)].reset_index(drop=True)


def group_sizes(ids: np.ndarray) -> Counter[Any]:
    """How many rows each id of ``ids`` has (missing ids not counted): the sizes
    :func:`casekit.privacy.disclosure.comparison_base` reads."""
    return Counter(ids[pd.notna(ids)].tolist())


def cell_shown_cities(
    tops: np.ndarray, places: np.ndarray, manifest: Any, top: str, min_n: int,
    known: dict[frozenset[tuple[Any, int]], set[str]],
) -> set[str]:
    """:func:`casekit.privacy.disclosure.shown_cities` of a cell given as two arrays (each
    person's top-level region and region).

    The rule reads nothing of a cell but how many of its people each place of ``top`` has;
    ``known`` (one caller's dict, for one manifest, ``top`` and ``min_n``) keeps the answer
    for each such head count, which the cells of one bundle often share.
    """
    mine = tops == top
    sizes = frozenset(Counter(places[mine].tolist()).items())
    if sizes not in known:
        cell = pd.DataFrame({"top_region_id": tops[mine], "region_id": places[mine]})
        known[sizes] = shown_cities(cell, manifest, top, min_n)
    return known[sizes]


def _describe_values(values: np.ndarray) -> tuple[int, float, float]:
    """:func:`_describe` of an array of floats (missing values dropped, order kept)."""
    values = values[~np.isnan(values)]
    n = int(values.size)
    mean = float(values.mean()) if n else float("nan")
    sd = float(values.std(ddof=1)) if n >= 2 else float("nan")
    return n, mean, sd


def weakest_dimensions(
    comparison: pd.DataFrame, population: str, k: int = 3
) -> pd.DataFrame:
    """The ``k`` dimensions of ``population`` with the lowest region means.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The result of :func:`compare_region`.
    population : str
        A population id.
    k : int, default 3
        How many rows to return at most.

    Returns
    -------
    pandas.DataFrame
        The ``k`` unsuppressed rows of ``population`` with the lowest ``mean`` (weakest first,
        i.e. by ``rank``), same columns as ``comparison``. Suppressed rows never appear: their
        mean is unknown to the reader.
    """
    rows = comparison.loc[
        (comparison["population"] == population) & comparison["mean"].notna()
    ]
    rows = rows.sort_values(["mean"], kind="mergesort")
    if "rank" in rows.columns:
        rows = rows.sort_values("rank", kind="mergesort")
    return rows.head(k).reset_index(drop=True)
