"""The sales managers' 360° review (360°调研): who sees a manager how, and where they disagree.

The seed reviews each first-line sales manager (营销中心主任, 县/市/区分公司负责人) through the
eyes of the people who work with him -- account managers, support staff, his superior -- and
his own. Everything here reads ``bundle.reviews_360`` (one row per rater × item: ``manager_id``,
``region_id``, ``top_region_id``, ``rater_group``, ``rater_token``, ``item_id``, ``dimension``,
``score``), ``bundle.manifest`` and the review scale of ``bundle.codebook``.

A rater's score on a dimension is the mean of their answered items of that dimension; a group's
mean is the mean over its raters (each rater weighs the same, however many items they answered).

* :func:`manager_review` -- per manager × dimension × rater group: number of raters and mean;
* :func:`self_other_gap` -- per manager × dimension: self score, everyone else's mean, the gap
  and a Chinese label for a blind spot;
* :func:`review_summary` -- per dimension × rater group over a region's managers: what a
  client-facing region report may show.

**Rater anonymity (decided per manager × dimension).** A rater must never be identifiable, so no
number shown may rest on fewer than ``min_raters`` non-self raters:

1. a non-self group with at least ``min_raters`` raters is shown on its own;
2. the groups below ``min_raters`` are pooled into one group ``其他评价者`` (``other_raters``),
   shown if the pool has ``min_raters`` raters;
3. otherwise the pool's raters are folded into the largest group of rule 1 (on a tie the first
   of account managers, support, superiors), shown as e.g. ``客户经理（含上级主管）``;
4. when there is no group of rule 1 either, all non-self raters together number fewer than
   ``min_raters``: nothing but the self rating is shown (one suppressed row says so), and
   :func:`self_other_gap` shows no "others" mean either.

The shown groups therefore always *partition* the non-self raters, each part with at least
``min_raters`` raters; "all others" (:func:`self_other_gap`) is the union of the shown parts.
Any sum or difference of shown numbers -- "all others" minus the groups shown, for instance --
can only reveal a union of shown parts, never a hidden group: folding is always safe, and no
rater is ever dropped from "all others" while shown nowhere. In the usual case of one superior
per manager, the superior is never shown alone.

Per-manager results (:func:`manager_review`, :func:`self_other_gap`) are for the consultants
(feedback conversations, interview preparation); a client-facing report shows only
:func:`review_summary`, whose every number is a mean over at least ``min_managers`` managers of
numbers :func:`manager_review` / :func:`self_other_gap` show -- with one exception, the
superiors' view.

**The superiors' view (上级的看法).** The seed names the superiors among the raters, but a
manager usually has one superior, who is never shown alone for that manager. :func:`review_summary`
therefore pools the superiors' ratings over the region's managers: its ``superior`` row is the
mean over managers of each manager's superiors' mean, shown when it rests on at least
``min_managers`` managers and at least ``min_raters`` superiors (distinct rater tokens: a token
seen under two managers counts once, so a bundle whose tokens follow a person across managers
is counted by person). All regions pool only the top-level regions that have that many
superiors themselves, and a city is hidden when the rest of its province would have 1 to
``min_raters − 1`` superiors, so no small group of superiors can be recovered by subtraction. A
superior's single rating is never recoverable either: the per-manager numbers fold it into a
group of at least ``min_raters`` raters, and the pooled row averages at least ``min_raters``
superiors. Where the superiors are too few, the row has no number and says which row holds
their ratings (they stay merged as :func:`manager_review` shows them; said once, on this row).

**No rating in two rows.** Where the superiors' pooled row is shown, :func:`review_summary`
takes the superiors' ratings back out of every group they were folded or pooled into: the
account managers' row is then their own view (``客户经理``), and the group rows with the
superiors' row partition the other ratings (their ``n_raters`` add up to ``all_others``').
A folded group without its superior is a group of rule 1, so nothing smaller is shown; a
``其他评价者`` pool left below ``min_raters`` is left out of its row (its raters count in
``all_others`` only). ``all_others`` (全部他评, the 他人评价 of the report's sentences) includes
the superiors: it is the total of the rows above it, not another group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.intervals import check_confidence, t_interval
from casekit.analysis.ordering import ordered, sort_rows
from casekit.analysis.scores import cell_shown_cities
from casekit.domain import DIMENSIONS, RATER_GROUPS
from casekit.exceptions import AnalysisError, RegionError
from casekit.language import quoted, tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.privacy.disclosure import (
    MIN_MANAGERS,
    MIN_RATERS,
    check_threshold,
    comparison_base,
    partition_raters,
    shown_cities,
)

__all__ = [
    "ALL_OTHERS",
    "ALL_OTHERS_LABEL",
    "DEFAULT_MIN_RATERS",
    "GAP_COLUMNS",
    "GAP_SCHEMA",
    "GAP_FLAGS",
    "MANAGER_REVIEW_COLUMNS",
    "MANAGER_REVIEW_SCHEMA",
    "OTHER_RATERS",
    "OTHER_RATERS_LABEL",
    "ReviewBasis",
    "SELF",
    "SUMMARY_COLUMNS",
    "SUMMARY_SCHEMA",
    "SUPERIOR",
    "manager_review",
    "review_basis",
    "review_summary",
    "self_other_gap",
]

#: Smallest number of non-self raters behind any number shown (:data:`casekit.privacy.disclosure.MIN_RATERS`).
DEFAULT_MIN_RATERS = MIN_RATERS
#: The rater group of a manager's own rating.
SELF = "self"
#: The superiors' rater group (上级主管): pooled over a region's managers in :func:`review_summary`.
SUPERIOR = "superior"
#: Pseudo rater group: small non-self groups pooled (rule 2 of the module docstring).
OTHER_RATERS = "other_raters"
OTHER_RATERS_LABEL = "其他评价者"
#: Pseudo rater group of :func:`review_summary`: all non-self raters (the "others" of
#: :func:`self_other_gap`).
ALL_OTHERS = "all_others"
ALL_OTHERS_LABEL = "全部他评"

#: Gap flags of :func:`self_other_gap` → Chinese label.
GAP_FLAGS: dict[str, str] = {
    "overrated": "自评明显高于他评",
    "underrated": "自评明显低于他评",
    "aligned": "自评与他评基本一致",
}

#: The table of :func:`manager_review`.
MANAGER_REVIEW_SCHEMA = OutputSchema(
    "manager review", "casekit.analysis.manager_review", (
        *columns("str", "manager_id", "region_id", "top_region_id", "dimension", "dimension_label", "rater_group", "group_label"),
        Col("includes", "tuple"), Col("n_raters", "int"), Col("mean", "float", nullable=True),
        Col("suppressed", "bool"), Col("note"),
    ), consumers=("cli review360",))
#: Columns of :func:`manager_review` (from its schema).
MANAGER_REVIEW_COLUMNS: tuple[str, ...] = MANAGER_REVIEW_SCHEMA.names
#: The table of :func:`self_other_gap`.
GAP_SCHEMA = OutputSchema(
    "self-other gap", "casekit.analysis.self_other_gap", (
        *columns("str", "manager_id", "region_id", "top_region_id", "dimension", "dimension_label"),
        Col("self_score", "float"), Col("n_others", "int"), *columns("float", "others_mean", "gap"),
        *columns("str", "flag", "flag_label", "note"),
    ), consumers=("cli review360",))
#: Columns of :func:`self_other_gap` (from its schema).
GAP_COLUMNS: tuple[str, ...] = GAP_SCHEMA.names
#: The table of :func:`review_summary`.
SUMMARY_SCHEMA = OutputSchema(
    "360 review summary", "casekit.analysis.review_summary", (
        *columns("str", "region_id", "dimension", "dimension_label", "rater_group", "group_label"),
        Col("n_managers", "int"),
        Col("n_raters", "int", nullable=True,
            description="ratings behind the row: distinct superiors on the superiors' pooled row, "
                        "the group's raters summed over its managers elsewhere; empty for self "
                        "and for a row without a number"),
        Col("mean", "float", nullable=True),
        Col("n_gap", "int", nullable=True),
        *columns("float", "mean_gap", "gap_ci_low", "gap_ci_high", nullable=True),
        Col("suppressed", "bool"), Col("note"),
    ), consumers=("reports.tables", "reports.region_report", "cli review360", "notebooks"))
#: Columns of :func:`review_summary` (from its schema).
SUMMARY_COLUMNS: tuple[str, ...] = SUMMARY_SCHEMA.names

_REVIEW_COLUMNS = (
    "manager_id",
    "region_id",
    "top_region_id",
    "rater_group",
    "rater_token",
    "dimension",
    "score",
)
#: Order of the non-self groups (also the tie-break of rule 3).
_OTHER_ORDER: tuple[str, ...] = tuple(g for g in RATER_GROUPS if g != SELF)
#: Order of rows within a manager × dimension / a dimension.
_GROUP_ORDER: tuple[str, ...] = (SELF, *_OTHER_ORDER, OTHER_RATERS, ALL_OTHERS)
#: The blind-spot threshold is given on a 1–5 scale (range 4) and rescaled to the review's.
_REFERENCE_RANGE = 4.0
_EPS = 1e-9


# --------------------------------------------------------------------------------------------
# helpers


def _group_label(group: str) -> str:
    if group in RATER_GROUPS:
        return RATER_GROUPS[group].label
    return {OTHER_RATERS: OTHER_RATERS_LABEL, ALL_OTHERS: ALL_OTHERS_LABEL}.get(group, str(group))


def _dimension_label(dimension: str) -> str:
    return DIMENSIONS[dimension].label if dimension in DIMENSIONS else str(dimension)


def _check_min_raters(min_raters: Any) -> int:
    value = check_threshold(min_raters, "min_raters")
    if value < 1:
        raise AnalysisError(tr(f"min_raters 应不小于 1，实际为 {min_raters!r}", f"min_raters must be at least 1, got {min_raters!r}"))
    return value


def _rater_scores(bundle: Any) -> pd.DataFrame:
    """One row per manager × rater × dimension: the rater's mean over the dimension's items."""
    reviews = bundle.reviews_360
    missing = [c for c in _REVIEW_COLUMNS if c not in reviews.columns]
    if missing:
        raise AnalysisError(tr(
            f"360° 评估表（reviews_360）缺少 {'、'.join(missing)} 列；至少应有 {'、'.join(_REVIEW_COLUMNS)}",
            f"bundle.reviews_360 lacks the column(s) {', '.join(missing)}; "
            f"expected at least {', '.join(_REVIEW_COLUMNS)}"
        ))
    answered = reviews.loc[reviews["score"].notna(), list(_REVIEW_COLUMNS)]
    scores = (
        answered.groupby(["manager_id", "rater_token", "rater_group", "dimension"], sort=False)[
            "score"
        ]
        .mean()
        .astype("float64")
        .reset_index()
    )
    return scores


def _manager_regions(bundle: Any) -> pd.DataFrame:
    """Index ``manager_id``: ``region_id``, ``top_region_id`` (the most frequent ones)."""
    reviews = bundle.reviews_360
    if reviews.empty:
        return pd.DataFrame(columns=["region_id", "top_region_id"], index=pd.Index([], name="manager_id"))
    # each column's most frequent value per manager (ties: the smallest, as Series.mode), counted
    # in one group-by instead of a Python function per manager
    columns = {}
    for column in ("region_id", "top_region_id"):
        counts = reviews.groupby(["manager_id", column], sort=False).size().rename("n").reset_index()
        counts = counts.sort_values(["manager_id", "n", column], ascending=[True, False, True], kind="mergesort")
        columns[column] = counts.drop_duplicates("manager_id").set_index("manager_id")[column]
    return pd.DataFrame(columns).sort_index()


def _labels(groups: Sequence[str]) -> str:
    return "、".join(_group_label(g) for g in groups)


def _review_rows(bundle: Any, min_raters: int) -> list[dict[str, Any]]:
    """Rows of :func:`manager_review`, with the raters' scores kept in ``_scores``."""
    scores = _rater_scores(bundle)
    regions = _manager_regions(bundle)
    rows: list[dict[str, Any]] = []
    for (manager, dimension), cell in scores.groupby(["manager_id", "dimension"], sort=False):
        base = {
            "manager_id": manager,
            "region_id": regions.at[manager, "region_id"],
            "top_region_id": regions.at[manager, "top_region_id"],
            "dimension": dimension,
            "dimension_label": _dimension_label(dimension),
        }
        by_group = {g: part["score"].to_numpy(dtype="float64") for g, part in cell.groupby("rater_group")}
        if SELF in by_group:
            values = by_group[SELF]
            rows.append({**base, "rater_group": SELF, "group_label": _group_label(SELF),
                         "includes": (SELF,), "n_raters": int(values.size),
                         "mean": float(values.mean()), "suppressed": False, "note": "",
                         "_scores": values, "_parts": {SELF: values}})
        counts = {g: int(v.size) for g, v in by_group.items() if g != SELF}
        ordered_counts = {g: counts[g] for g in ordered(list(counts), _OTHER_ORDER)}
        shown, hidden = partition_raters(ordered_counts, min_raters, pooled=OTHER_RATERS)
        for group, includes in shown:
            values = np.concatenate([by_group[g] for g in includes])
            if group == OTHER_RATERS:
                label = OTHER_RATERS_LABEL
                note = f"{_labels(includes)}评价人数均不足{min_raters}人，合并显示"
            elif len(includes) > 1:
                label = f"{_group_label(group)}（含{_labels(includes[1:])}）"
                note = (f"{_labels(includes[1:])}评价人数不足{min_raters}人，"
                        f"并入人数最多的{_group_label(group)}组显示")
            else:
                label, note = _group_label(group), ""
            rows.append({**base, "rater_group": group, "group_label": label,
                         "includes": includes, "n_raters": int(values.size),
                         "mean": float(values.mean()), "suppressed": False, "note": note,
                         "_scores": values, "_parts": {g: by_group[g] for g in includes}})
        if hidden:
            rows.append({**base, "rater_group": OTHER_RATERS, "group_label": OTHER_RATERS_LABEL,
                         "includes": hidden, "n_raters": sum(counts[g] for g in hidden),
                         "mean": math.nan, "suppressed": True,
                         "note": f"他评人数合计不足{min_raters}人，为保护评价者不显示",
                         "_scores": np.array([], dtype="float64"), "_parts": {}})
    return rows




def _scale_range(bundle: Any) -> tuple[float, float]:
    """(min, max) of the review scale; 1–5 when the codebook does not say."""
    codebook = getattr(bundle, "codebook", None)
    name = getattr(codebook, "review_scale", None)
    scales = getattr(codebook, "scales", {}) or {}
    if name is not None and name in scales:
        scale = scales[name]
        return float(scale.min), float(scale.max)
    return 1.0, 5.0


# --------------------------------------------------------------------------------------------
# public API


def manager_review(bundle: Any, min_raters: int = DEFAULT_MIN_RATERS) -> pd.DataFrame:
    """Each sales manager's 360° result: raters and mean per dimension × rater group.

    Consultant-facing only (a person's results): a client-facing report shows
    :func:`review_summary`. Rater groups are merged so that no rater can be identified (rules of
    the module docstring).

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; ``reviews_360`` is read.
    min_raters : int, default 3
        Smallest number of non-self raters behind a number shown.

    Returns
    -------
    pandas.DataFrame
        One row per manager × dimension × shown group, sorted by manager, dimension (domain
        order) and group (本人, 客户经理, 支撑人员, 上级主管, 其他评价者). Columns
        :data:`MANAGER_REVIEW_COLUMNS`: ``manager_id``, ``region_id``, ``top_region_id``,
        ``dimension``, ``dimension_label``, ``rater_group`` (``self``, ``account_manager``,
        ``support``, ``superior`` or ``other_raters`` for pooled groups), ``group_label``
        (Chinese; a folded group reads ``客户经理（含上级主管）``), ``includes`` (tuple of the
        rater groups whose raters the number includes), ``n_raters``, ``mean``,
        ``suppressed`` and ``note`` (Chinese: what was pooled or folded, or why nothing is
        shown). Under rule 4 a single suppressed ``other_raters`` row without mean says that
        the others are too few.

    Raises
    ------
    AnalysisError
        If ``min_raters`` is not a whole number >= 1, or ``reviews_360`` lacks a column.
    """
    min_raters = _check_min_raters(min_raters)
    rows = _review_rows(bundle, min_raters)
    table = pd.DataFrame(rows, columns=list(MANAGER_REVIEW_COLUMNS))
    table = table.astype({"n_raters": "int64", "mean": "float64", "suppressed": "bool"})
    return sort_rows(table, [("manager_id", None), ("dimension", list(DIMENSIONS)),
                           ("rater_group", _GROUP_ORDER)])


def self_other_gap(
    bundle: Any, min_raters: int = DEFAULT_MIN_RATERS, threshold: float = 0.5
) -> pd.DataFrame:
    """How much higher each sales manager rates himself than everyone else rates him.

    Consultant-facing only (a person's results). "Others" are all non-self raters of the
    manager on the dimension, each weighing the same -- the union of the groups
    :func:`manager_review` shows, so it reveals no hidden group.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; ``reviews_360`` and the review scale of ``codebook`` are read.
    min_raters : int, default 3
        The others' mean is shown only with at least this many non-self raters.
    threshold : float, default 0.5
        A gap of at least this much, *on a 1–5 scale*, is a blind spot. It is rescaled to the
        review scale of the codebook: ``threshold × (max − min) / 4`` (0.75 on a 1–7 scale,
        1.25 on 0–10); 1–5 is assumed when the codebook names no review scale.

    Returns
    -------
    pandas.DataFrame
        One row per manager × dimension, sorted by manager and dimension (domain order).
        Columns :data:`GAP_COLUMNS`: ``manager_id``, ``region_id``, ``top_region_id``,
        ``dimension``, ``dimension_label``, ``self_score`` (missing without a self rating),
        ``n_others``, ``others_mean`` (missing below ``min_raters``), ``gap`` (``self_score -
        others_mean``), ``flag`` (``overrated`` when the gap is at least the rescaled
        threshold, ``underrated`` when at most minus it, else ``aligned``; missing without a
        gap), ``flag_label`` (Chinese, :data:`GAP_FLAGS`: ``自评明显高于他评`` …) and ``note``
        (Chinese, why no gap).

    Raises
    ------
    AnalysisError
        If ``min_raters`` is not a whole number >= 1 or ``threshold`` is not a positive number.
    """
    min_raters = _check_min_raters(min_raters)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)) or not (
        math.isfinite(float(threshold)) and float(threshold) > 0
    ):
        raise AnalysisError(tr(f"threshold 应为正数（按 1–5 分计），实际为 {threshold!r}",
                               f"threshold must be a positive number (on a 1–5 scale), got {threshold!r}"))
    low, high = _scale_range(bundle)
    cut = float(threshold) * (high - low) / _REFERENCE_RANGE

    scores = _rater_scores(bundle)
    regions = _manager_regions(bundle)
    rows: list[dict[str, Any]] = []
    for (manager, dimension), cell in scores.groupby(["manager_id", "dimension"], sort=False):
        is_self = cell["rater_group"] == SELF
        own = cell.loc[is_self, "score"]
        others = cell.loc[~is_self, "score"]
        self_score = float(own.mean()) if len(own) else math.nan
        n_others = len(others)
        others_mean = float(others.mean()) if n_others >= min_raters else math.nan
        gap = self_score - others_mean
        notes = []
        if not len(own):
            notes.append("无本人自评")
        if 0 < n_others < min_raters:
            notes.append(f"他评人数不足{min_raters}人，为保护评价者不显示")
        elif n_others == 0:
            notes.append("无他评")
        if math.isnan(gap):
            flag = None
        elif gap >= cut - _EPS:
            flag = "overrated"
        elif gap <= -cut + _EPS:
            flag = "underrated"
        else:
            flag = "aligned"
        rows.append({
            "manager_id": manager,
            "region_id": regions.at[manager, "region_id"],
            "top_region_id": regions.at[manager, "top_region_id"],
            "dimension": dimension,
            "dimension_label": _dimension_label(dimension),
            "self_score": self_score,
            "n_others": n_others,
            "others_mean": others_mean,
            "gap": gap,
            "flag": flag,
            "flag_label": GAP_FLAGS[flag] if flag else None,
            "note": "；".join(notes),
        })
    table = pd.DataFrame(rows, columns=list(GAP_COLUMNS))
    table = table.astype({"self_score": "float64", "n_others": "int64", "others_mean": "float64",
                          "gap": "float64"})
    return sort_rows(table, [("manager_id", None), ("dimension", list(DIMENSIONS))])


def _resolve_region(manifest: Any, region_id: str | None) -> tuple[str | None, str | None, set[str]]:
    """(region id, its top-level region, the region with its descendants); Nones for all."""
    if region_id is None:
        return None, None, set()
    inside = list(manifest.descendants(region_id))  # RegionError when unknown
    if not inside:
        raise RegionError(tr(f"没有地区{quoted(region_id)}：资料包的 manifest.yaml 中没有这个地区",
                             f"unknown region {region_id!r}: not in the bundle's manifest"))
    rid = inside[0]
    return rid, manifest.top_of(rid), set(inside)


def _select(
    cell: pd.DataFrame,
    manifest: Any,
    region: tuple[str | None, str | None, set[str]],
    min_managers: int,
    known_cities: dict[frozenset[tuple[Any, int]], set[str]] | None = None,
) -> tuple[pd.DataFrame, bool, str]:
    """The managers of ``cell`` a region's number may use, whether it is hidden, and a note.

    ``cell`` has one row per manager (``region_id``, ``top_region_id``). For all regions the
    base is the top-level regions with at least ``min_managers`` managers in the cell (a
    smaller one contributes to no number, so that "all" minus the regions shown cannot
    reveal it). A top-level region needs ``min_managers``; a city also needs the rest of its
    province to be 0 or at least ``min_managers`` after the cities shown
    (:func:`casekit.analysis.scores.compare_region`'s rule). ``known_cities``: one caller's
    answers of that rule by head count (:func:`casekit.analysis.scores.cell_shown_cities`).
    """
    rid, top, inside = region
    needed = max(min_managers, 1)
    too_few = f"销售管理人员不足{min_managers}人，不显示"
    if rid is None:
        sizes = cell["top_region_id"].value_counts()
        base = set(comparison_base(sizes, needed))
        chosen = cell.loc[cell["top_region_id"].isin(base)]
        if len(chosen) < needed:
            return chosen, True, too_few
        if len(base) < len(sizes):
            return chosen, False, f"不含销售管理人员不足{min_managers}人的地区"
        return chosen, False, ""
    chosen = cell.loc[cell["region_id"].isin(inside)]
    if len(chosen) < needed:
        return chosen, True, too_few
    if top is not None and rid != top and rid not in cell_shown_cities(
            cell["top_region_id"].to_numpy(), cell["region_id"].to_numpy(), manifest, top, min_managers,
            {} if known_cities is None else known_cities):
        return chosen, True, "为避免由全省合计推算出人数较少的地市，不单独显示"
    return chosen, False, ""


_SUPERIOR_CELL_COLUMNS = ["manager_id", "region_id", "top_region_id", "mean", "tokens"]


def _superior_cells(raw: pd.DataFrame, regions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per dimension, one row per manager rated by a superior on it (in manager order): the
    superiors' mean and tokens, and the manager's region."""
    part = raw.loc[raw["rater_group"] == SUPERIOR]
    if part.empty:
        return {}
    grouped = part.groupby(["dimension", "manager_id"], sort=False)
    means = grouped["score"].mean()
    tokens = part["rater_token"].to_numpy()
    cells = pd.DataFrame({
        "dimension": means.index.get_level_values("dimension"),
        "manager_id": means.index.get_level_values("manager_id"),
        "mean": means.to_numpy(),
        "tokens": [frozenset(map(str, tokens[grouped.indices[key]])) for key in means.index],
    })
    cells = cells.join(regions, on="manager_id", how="left")
    return {dimension: cell.sort_values("manager_id", kind="stable")[_SUPERIOR_CELL_COLUMNS].reset_index(drop=True)
            for dimension, cell in cells.groupby("dimension", sort=False)}


def _n_superiors(cell: pd.DataFrame) -> int:
    """Distinct superiors of ``cell``, counted by token (a token seen under two managers counts once)."""
    return len(frozenset().union(*cell["tokens"])) if len(cell) else 0


def _superior_select(
    cell: pd.DataFrame,
    manifest: Any,
    region: tuple[str | None, str | None, set[str]],
    min_managers: int,
    min_raters: int,
) -> tuple[pd.DataFrame, bool, str]:
    """The managers whose superiors the pooled superiors' row of a region may use.

    As :func:`_select`, and besides: at least ``min_raters`` distinct superiors (tokens) behind
    the number; for all regions, only the top-level regions that have that many themselves (so
    that all regions minus the regions shown reveals no small group of superiors); for a city,
    the rest of its province 0 or at least ``min_raters`` superiors.
    """
    rid, top, _ = region
    few = f"上级主管评价不足{min_raters}人，为保护评价者不单独显示"
    if rid is None and len(cell):
        per_top = {t: _n_superiors(part) for t, part in cell.groupby("top_region_id", sort=False)}
        enough = [t for t, n in per_top.items() if n >= min_raters]
        if not enough:
            return cell.iloc[:0], True, few
        chosen, hidden, note = _select(cell.loc[cell["top_region_id"].isin(enough)], manifest, region, min_managers)
        if not hidden and len(enough) < len(per_top) and not note:
            note = f"不含上级主管评价不足{min_raters}人的地区"
    else:
        chosen, hidden, note = _select(cell, manifest, region, min_managers)
    if hidden:
        return chosen, True, note
    if _n_superiors(chosen) < min_raters:
        return chosen, True, few
    if rid is not None and top is not None and rid != top:
        province = cell.loc[cell["top_region_id"] == top]
        shown = shown_cities(province, manifest, top, min_managers)
        rest = _n_superiors(province.loc[~province["region_id"].isin(shown)])
        if 0 < rest < min_raters:
            return chosen, True, "为避免由全省合计推算出人数较少的上级主管评价，不单独显示"
    return chosen, False, note


def _superior_row(
    row: dict[str, Any],
    cell: pd.DataFrame,
    manifest: Any,
    region: tuple[str | None, str | None, set[str]],
    min_managers: int,
    min_raters: int,
    self_scores: Mapping[tuple[str, str], float],
    confidence: float,
) -> dict[str, Any]:
    """The superiors' row of :func:`review_summary`: their ratings pooled over the region's managers."""
    chosen, hidden, note = _superior_select(cell, manifest, region, min_managers, min_raters)
    n_superiors = _n_superiors(chosen)
    where = "全部地区" if region[0] is None else "本地区"
    row.update(n_managers=len(chosen), n_raters=n_superiors, suppressed=hidden)
    if hidden:
        row["note"] = note
        return row
    row["mean"] = float(chosen["mean"].mean())
    row["note"] = "；".join(n for n in (
        note,
        f"{where}{len(chosen)}位销售管理人员的上级主管评价（共{n_superiors}份）合并计算，"
        "不显示某一位经理的上级评价",
    ) if n)
    own = np.array([self_scores.get((m, row["dimension"]), math.nan) for m in chosen["manager_id"]], dtype="float64")
    with_gap = chosen.assign(gap=own - chosen["mean"].to_numpy(dtype="float64"))
    with_gap = with_gap.dropna(subset=["gap"])
    row["n_gap"] = len(with_gap)
    if len(with_gap) >= max(min_managers, 1) and _n_superiors(with_gap) >= min_raters:
        mean, low, high = t_interval(with_gap["gap"].to_numpy(dtype="float64"), confidence)
        row.update(mean_gap=mean, gap_ci_low=low, gap_ci_high=high)
    return row


_NO_ROWS = np.array([], dtype="intp")


def _cell_rows(table: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Positions of each dimension x rater group's rows of ``table``, in table order."""
    if table.empty:
        return {}
    return table.groupby(["dimension", "rater_group"], sort=False).indices


_CONTRIBUTION_COLUMNS = ["manager_id", "region_id", "top_region_id", "dimension", "rater_group",
                         "mean", "n", "includes", "folded"]


def _contributions(
    review: pd.DataFrame, gaps: pd.DataFrame, min_raters: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each manager's shown means, for :func:`review_summary`: merged, superiors apart, and dropped.

    ``merged``: one row per manager × dimension × group as :func:`manager_review` shows it
    (a superior folded into a group stays in it), plus ``all_others`` from
    :func:`self_other_gap`. ``separate``: the same with the superiors' ratings taken out of
    every group they were folded or pooled into -- used where the superiors' pooled row is
    shown, so that no rating counts in two rows; a part left with fewer than ``min_raters``
    raters is left out (it is listed in ``dropped``: ``manager_id``, ``dimension``,
    ``rater_group``) and its raters count only in ``all_others``. A folded group without its
    superior is a group of rule 1 (at least ``min_raters`` raters on its own), so nothing
    smaller than before is shown.
    """
    merged_rows: list[dict[str, Any]] = []
    separate_rows: list[dict[str, Any]] = []
    dropped_rows: list[dict[str, Any]] = []
    if not review.empty:
        for rec in review.loc[~review["suppressed"]].to_dict("records"):
            group, includes = rec["rater_group"], tuple(rec["includes"])
            base = {k: rec[k] for k in ("manager_id", "region_id", "top_region_id", "dimension")}
            entry = {**base, "rater_group": group, "mean": rec["mean"], "n": rec["n_raters"],
                     "includes": includes, "folded": len(includes) > 1 and group != OTHER_RATERS}
            merged_rows.append(entry)
            if SUPERIOR not in includes or group in (SELF, SUPERIOR):
                separate_rows.append(entry)
                continue
            rest = tuple(g for g in includes if g != SUPERIOR)
            values = np.concatenate([rec["_parts"][g] for g in rest]) if rest else np.array([])
            if values.size < min_raters:
                dropped_rows.append({**base, "rater_group": group})
                continue
            separate_rows.append({**base, "rater_group": group, "mean": float(values.mean()),
                                  "n": int(values.size), "includes": rest,
                                  "folded": len(rest) > 1 and group != OTHER_RATERS})
    if not gaps.empty:
        others = gaps.loc[gaps["others_mean"].notna()]
        for rec in others.to_dict("records"):
            entry = {k: rec[k] for k in ("manager_id", "region_id", "top_region_id", "dimension")}
            entry.update(rater_group=ALL_OTHERS, mean=rec["others_mean"], n=rec["n_others"],
                         includes=(), folded=False)
            merged_rows.append(entry)
            separate_rows.append(entry)

    def frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)

    return (frame(merged_rows, _CONTRIBUTION_COLUMNS), frame(separate_rows, _CONTRIBUTION_COLUMNS),
            frame(dropped_rows, ["manager_id", "dimension", "rater_group"]))


@dataclass(frozen=True)
class ReviewBasis:
    """What :func:`review_summary` reads of the whole bundle, whichever region it summarises:
    each manager's rater groups as :func:`manager_review` shows them, with the superiors folded in
    (``merged``) and apart (``separate``, ``dropped``), the raters' scores (``raw``) and each
    manager's region (``regions``). Build it once with :func:`review_basis` and pass it to every
    region's :func:`review_summary`."""

    min_raters: int
    raw: pd.DataFrame
    regions: pd.DataFrame
    merged: pd.DataFrame
    separate: pd.DataFrame
    dropped: pd.DataFrame


def review_basis(bundle: Any, min_raters: int = DEFAULT_MIN_RATERS) -> ReviewBasis:
    """The bundle-wide part of :func:`review_summary` (see :class:`ReviewBasis`).

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle.
    min_raters : int, default 3
        Rater anonymity, as passed to :func:`review_summary`.

    Returns
    -------
    ReviewBasis
    """
    min_raters = _check_min_raters(min_raters)
    review = pd.DataFrame(_review_rows(bundle, min_raters))
    gaps = self_other_gap(bundle, min_raters=min_raters)
    merged, separate, dropped = _contributions(review, gaps, min_raters)
    return ReviewBasis(min_raters, _rater_scores(bundle), _manager_regions(bundle), merged, separate, dropped)


def review_summary(
    bundle: Any,
    region_id: str | None = None,
    min_managers: int = MIN_MANAGERS,
    min_raters: int = DEFAULT_MIN_RATERS,
    confidence: float = 0.95,
    *,
    basis: ReviewBasis | None = None,
) -> pd.DataFrame:
    """The 360° review of a region's sales managers, per dimension × rater group.

    This is what a client-facing region report may show; individual managers' results
    (:func:`manager_review`, :func:`self_other_gap`) are consultant-facing only.

    Every number is a mean over managers of numbers the per-manager functions show: for a
    rater group, each manager's shown mean of that group (a group that had small groups folded
    into it is labelled e.g. ``客户经理（含支撑人员）`` and says so in ``note``; a support group
    never shown alone for any manager gets no row values); for ``all_others``, each manager's
    "others" mean of :func:`self_other_gap`. The exception is ``superior``: the superiors'
    ratings pooled over the region's managers (module docstring), shown when at least
    ``min_managers`` managers and ``min_raters`` superiors (``n_raters``) are behind it. Then
    the superiors' ratings are taken out of the groups they were folded into, so that no
    rating counts in two rows (the account managers' row is their own view, ``客户经理``).
    Otherwise the row has no number, the merge stays (``客户经理（含上级主管）``) and only the
    superiors' row says so. ``all_others`` includes the superiors: the total of the rows
    above it. ``mean_gap`` is the mean over managers of
    ``self score − this group's mean`` with a t-interval over managers, for the managers who
    have both.

    **Which managers.** ``region_id=None`` means all regions -- more precisely the top-level
    regions with at least ``min_managers`` managers in the cell; a smaller region contributes
    to no number (``note`` says so), so that subtracting the regions' reports from the total
    cannot reveal it. A region includes its cities (``manifest.descendants``). A region with
    fewer than ``min_managers`` managers in a cell is suppressed, and so is a city whose
    province would otherwise show a remainder of 1 to ``min_managers − 1`` managers.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; ``reviews_360``, ``manifest`` and the codebook's review scale are read.
    region_id : str, optional
        A region id or name of the manifest (top level or city); None for all regions.
    min_managers : int, default :data:`~casekit.privacy.disclosure.MIN_MANAGERS`
        Smallest number of managers behind a number shown.
    min_raters : int, default 3
        Passed to the per-manager functions (rater anonymity).
    confidence : float, default 0.95
        Level of the gap's interval.
    basis : ReviewBasis, optional
        :func:`review_basis` of this bundle, computed once for all regions (a report build
        does); computed here when missing or made for another ``min_raters``.

    Returns
    -------
    pandas.DataFrame
        One row per dimension (domain order) × rater group found in the region's reviews
        (``self``, ``account_manager``, ``support``, ``superior``, ``other_raters``, then
        ``all_others``). Columns :data:`SUMMARY_COLUMNS`: ``region_id`` (the region, or
        ``"all"``), ``dimension``, ``dimension_label``, ``rater_group``, ``group_label``
        (Chinese), ``n_managers``, ``n_raters`` (ratings behind the row: distinct superiors
        on the ``superior`` row, the group's raters summed over its managers elsewhere; missing
        for ``self`` and hidden rows), ``mean`` (mean of the managers' means), ``n_gap``,
        ``mean_gap``, ``gap_ci_low``, ``gap_ci_high`` (missing for ``self``), ``suppressed``
        (``mean`` hidden) and ``note`` (Chinese).

    Raises
    ------
    RegionError
        If ``region_id`` is not in the manifest.
    AnalysisError
        For a negative ``min_managers``, ``min_raters`` below 1 or ``confidence`` outside
        (0, 1).
    """
    min_managers = check_threshold(min_managers, "min_managers")
    min_raters = _check_min_raters(min_raters)
    confidence = check_confidence(confidence)
    manifest = bundle.manifest
    region = _resolve_region(manifest, region_id)
    label = region[0] if region[0] is not None else "all"

    if basis is None or basis.min_raters != min_raters:
        basis = review_basis(bundle, min_raters)
    raw, regions = basis.raw, basis.regions
    merged, separate, dropped = basis.merged, basis.separate, basis.dropped
    if region[0] is not None:
        mine = set(regions.index[regions["region_id"].isin(region[2])])
    else:
        mine = set(regions.index)

    own_ratings = merged.loc[merged["rater_group"] == SELF]
    self_scores = dict(zip(zip(own_ratings["manager_id"], own_ratings["dimension"]), own_ratings["mean"]))
    # each table's rows of a dimension x rater group (positions), selected once
    merged_cells, separate_cells, dropped_cells = (_cell_rows(t) for t in (merged, separate, dropped))

    in_region_raw = raw.loc[raw["manager_id"].isin(mine)]
    present_groups: dict[str, set[str]] = {}
    for manager, dimension, group in zip(merged["manager_id"], merged["dimension"], merged["rater_group"]):
        if manager in mine:
            present_groups.setdefault(dimension, set()).add(group)
    cells: list[tuple[str, str]] = []
    for dimension, part in in_region_raw.groupby("dimension", sort=False):
        groups = set(part["rater_group"])
        present = present_groups.get(dimension, set())
        if groups - {SELF}:
            groups.add(ALL_OTHERS)
        cells += [(dimension, g) for g in groups | present]

    def blank(dimension: str, group: str) -> dict[str, Any]:
        return {"region_id": label, "dimension": dimension, "dimension_label": _dimension_label(dimension),
                "rater_group": group, "group_label": _group_label(group), "n_managers": 0,
                "n_raters": None, "mean": math.nan, "n_gap": None, "mean_gap": math.nan,
                "gap_ci_low": math.nan, "gap_ci_high": math.nan, "suppressed": True, "note": ""}

    # ... the superiors' pooled row first: where it is shown, the superiors' ratings leave the
    # groups they were folded into (no rating counts in two rows); where it is not, they stay
    rows: list[dict[str, Any]] = []
    superiors_shown: set[str] = set()
    superior_cells = _superior_cells(in_region_raw, regions)
    no_superiors = pd.DataFrame(columns=_SUPERIOR_CELL_COLUMNS)
    for dimension, group in cells:
        if group != SUPERIOR:
            continue
        row = _superior_row(blank(dimension, group), superior_cells.get(dimension, no_superiors),
                            manifest, region, min_managers, min_raters, self_scores, confidence)
        if not row["suppressed"]:
            superiors_shown.add(dimension)
        rows.append(row)
    # where the superiors' row is hidden, the rows shown that hold their ratings (said once, there)
    holding: dict[str, list[tuple[str, str]]] = {}
    known_cities: dict[frozenset[tuple[Any, int]], set[str]] = {}

    for dimension, group in cells:
        if group == SUPERIOR:
            continue
        source, rows_of = (separate, separate_cells) if dimension in superiors_shown else (merged, merged_cells)
        cell = source.take(rows_of.get((dimension, group), _NO_ROWS))
        chosen, hidden, note = _select(cell, manifest, region, min_managers, known_cities)
        row = blank(dimension, group)
        row.update(n_managers=len(chosen), suppressed=hidden, note=note)
        if group != SELF and not hidden:
            row["n_raters"] = int(chosen["n"].sum())
        if group in _OTHER_ORDER and not cell["manager_id"].isin(mine).any():
            row["note"] = (f"每位销售管理人员的{_group_label(group)}评价人数都不足{min_raters}人，"
                           "为保护评价者不单独显示（已计入全部他评）")
            row["suppressed"] = True
        if not row["suppressed"]:
            row["mean"] = float(chosen["mean"].mean())
            if group not in (SELF, ALL_OTHERS) and chosen["includes"].map(lambda inc: SUPERIOR in inc).any():
                holding.setdefault(dimension, [])
            folded = chosen.loc[chosen["folded"].astype(bool)]
            if len(folded):
                extra = sorted({g for inc in folded["includes"] for g in inc[1:]}, key=_OTHER_ORDER.index)
                row["group_label"] = f"{_group_label(group)}（含{_labels(extra)}）"
                # a folded superior is explained once, on the superiors' row
                others = [g for g in extra if g != SUPERIOR]
                if others:
                    which = "每位经理" if len(folded) == len(chosen) else f"其中{len(folded)}位经理"
                    row["note"] = "；".join(n for n in (
                        row["note"],
                        f"{which}的{_labels(others)}评价不足{min_raters}人，为保护评价者已并入本组",
                    ) if n)
            if dimension in holding and group not in (SELF, ALL_OTHERS) \
                    and chosen["includes"].map(lambda inc: SUPERIOR in inc).any():
                holding[dimension].append((group, f"“{row['group_label']}”"))
            if group == ALL_OTHERS:
                row["note"] = "；".join(n for n in (row["note"], "以上各组评价合计（不含本人），不是另一组评价者") if n)
        lost = dropped.take(dropped_cells.get((dimension, group), _NO_ROWS)) if dimension in superiors_shown \
            else dropped.iloc[:0]
        lost = lost.loc[lost["manager_id"].isin(mine)]
        if len(lost) and not row["suppressed"]:
            row["note"] = "；".join(n for n in (
                row["note"], f"另有{len(lost)}位经理的这组评价去掉上级主管后不足{min_raters}人，只计入全部他评",
            ) if n)
        elif len(lost) and not cell["manager_id"].isin(mine).any():
            row["note"] = f"去掉上级主管后评价人数不足{min_raters}人，为保护评价者不单独显示（已计入全部他评）"
        if group != SELF:
            own = np.array([self_scores.get((m, dimension), math.nan) for m in cell["manager_id"]], dtype="float64")
            with_gap = cell.assign(gap=own - cell["mean"].to_numpy(dtype="float64")).dropna(subset=["gap"])
            chosen_gap, gap_hidden, _ = _select(with_gap, manifest, region, min_managers, known_cities)
            row["n_gap"] = len(chosen_gap)
            if not row["suppressed"] and not gap_hidden:
                mean, low, high = t_interval(chosen_gap["gap"].to_numpy(dtype="float64"), confidence)
                row.update(mean_gap=mean, gap_ci_low=low, gap_ci_high=high)
            elif not row["suppressed"]:
                row["note"] = "；".join(n for n in (
                    row["note"], f"同时有自评和本组评价的销售管理人员不足{min_managers}人，不显示差距") if n)
        rows.append(row)
    for row in rows:
        if row["rater_group"] == SUPERIOR and row["suppressed"] and row["dimension"] in holding:
            into = sorted(holding[row["dimension"]], key=lambda h: _GROUP_ORDER.index(h[0]))
            row["note"] = "；".join(n for n in (
                row["note"], f"上级主管的评价已并入{'、'.join(label for _, label in into)}一行计算") if n)
            row["n_raters"] = None

    table = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    table["n_gap"] = pd.array(table["n_gap"].tolist(), dtype="Int64")
    table["n_raters"] = pd.array(table["n_raters"].tolist(), dtype="Int64")
    table = table.astype({"n_managers": "int64", "mean": "float64", "mean_gap": "float64",
                          "gap_ci_low": "float64", "gap_ci_high": "float64", "suppressed": "bool"})
    return sort_rows(table, [("dimension", list(DIMENSIONS)), ("rater_group", _GROUP_ORDER)])
