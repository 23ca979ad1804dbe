"""The order rows are listed in: regions as in the manifest, vocabularies as in the domain.

Every table and chart that lists regions lists them in the manifest's order (each top-level
region as declared, followed by its cities), never alphabetically; populations and dimensions
follow :mod:`casekit.domain`. Values a canonical order does not know come after it, by name.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["REGION_COLUMNS", "in_region_order", "order_key", "ordered", "rank_within", "region_order", "sort_rows"]


def region_order(manifest: Any, level: str = "top") -> list[str]:
    """Return the region ids of the manifest in manifest order.

    Parameters
    ----------
    manifest : Manifest
        ``bundle.manifest`` (anything with ``top_level_ids()`` and ``descendants(region_id)``).
    level : {"top", "city", "all"}
        ``"top"``: the top-level regions as declared. ``"city"`` or ``"all"``: every region,
        each top-level region followed by its cities.

    Returns
    -------
    list of str
    """
    tops = list(manifest.top_level_ids())
    if level == "top":
        return tops
    order: list[str] = []
    for top in tops:
        for rid in manifest.descendants(top):
            if rid not in order:
                order.append(rid)
    return order


def order_key(values: Iterable[Hashable], canonical: Sequence[Hashable]) -> dict[Hashable, tuple[int, str]]:
    """Map each value to a sort key: its canonical position first, unknown values after, by name."""
    position = {v: i for i, v in enumerate(canonical)}
    return {v: (position.get(v, len(position)), str(v)) for v in values}


def ordered(values: Iterable[Hashable], canonical: Sequence[Hashable]) -> list[Any]:
    """Return the distinct ``values`` in canonical order, unknown ones after it, by name.

    Examples
    --------
    >>> ordered(["hebei", "zz", "beijing", "hebei"], ["beijing", "hebei"])
    ['beijing', 'hebei', 'zz']
    """
    distinct = list(dict.fromkeys(values))
    key = order_key(distinct, canonical)
    return sorted(distinct, key=key.__getitem__)


def sort_rows(frame: pd.DataFrame, keys: Sequence[tuple[str, Sequence[Hashable] | None]]) -> pd.DataFrame:
    """Sort ``frame`` by ``keys`` (stable), with a fresh index.

    Parameters
    ----------
    frame : DataFrame
    keys : sequence of (column, canonical order or None)
        Sort by each column in turn: by its canonical order (unknown values after it, by
        name), or by its text when the order is None.

    Returns
    -------
    DataFrame
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    ranks = [_sort_ranks(frame[column], canonical) for column, canonical in keys]
    order = np.lexsort(ranks[::-1]) if ranks else np.arange(len(frame))  # stable, first key outermost
    return frame.take(order).reset_index(drop=True)


def _sort_ranks(values: pd.Series, canonical: Sequence[Hashable] | None) -> np.ndarray:
    """Integer sort keys of ``values`` for :func:`sort_rows`: equal values share a rank.

    With a canonical order: by :func:`order_key` (missing values after every known one, with
    the unknown values by name). Without: by text, missing values last.
    """
    if canonical is None:
        codes, uniques = pd.factorize(values.astype(str))
        keys: list[Any] = [str(u) for u in uniques]
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        key = order_key(uniques, canonical)
        last = len(canonical)
        keys = [key.get(v, (last, str(v))) for v in uniques]
    rank = {k: i for i, k in enumerate(sorted(set(keys)))}
    # a missing text (code -1) sorts after every text
    by_code = np.array([rank[k] for k in keys] + [len(rank)], dtype="int64")
    return by_code[codes]


def rank_within(frame: pd.DataFrame, group: str, column: str) -> pd.Series:
    """Rank rows 1, 2, … by ascending ``column`` within each ``group``.

    Parameters
    ----------
    frame : DataFrame
    group : str
        The grouping column.
    column : str
        The column ranked; rows where it is missing get no rank.

    Returns
    -------
    pandas.Series
        Nullable integers (``Int64``) aligned with ``frame``; ties keep the rows' order.
    """
    known = frame.loc[frame[column].notna()]
    ranks = known.groupby(group, sort=False)[column].rank(method="first")
    return ranks.reindex(frame.index).astype("Int64")


#: Columns that hold region ids, and the level of :func:`region_order` they follow.
REGION_COLUMNS: dict[str, str] = {"top_region_id": "top", "region_id": "city"}


def in_region_order(frame: pd.DataFrame, manifest: Any, columns: str | Sequence[str]) -> pd.DataFrame:
    """Sort the rows of ``frame`` so that its region columns follow the manifest's order.

    Parameters
    ----------
    frame : DataFrame
    manifest : Manifest
        ``bundle.manifest``.
    columns : str or sequence of str
        The grouping columns of ``frame``, outermost first. Region columns
        (:data:`REGION_COLUMNS`) are put in manifest order; the others keep the order in
        which they appear. Rows within a group keep their order (the sort is stable).

    Returns
    -------
    DataFrame
        With a fresh index.
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    keys: list[tuple[str, Sequence[Hashable] | None]] = []
    for column in columns:
        if column not in frame.columns:
            continue
        level = REGION_COLUMNS.get(column)
        canonical = region_order(manifest, level) if level else list(dict.fromkeys(frame[column]))
        keys.append((column, canonical))
    return sort_rows(frame, keys) if keys else frame.reset_index(drop=True)
