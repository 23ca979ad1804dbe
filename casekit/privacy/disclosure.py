"""What may be shown of a group of people: every small-cell and complementary suppression rule.

casekit's promise to the people it researches: no number a client reads shows a person, nor
reveals a group smaller than the rule's threshold -- directly, by subtracting shown numbers
within a table, or by differencing two regions' reports. Every part of casekit that shows a
count, a mean, a share or a rater group asks this module; none decides on its own.

Thresholds (one per rule, each with its reason):

* :data:`MIN_RESPONDENTS` (5) -- questionnaire cells: dimension scores, skill gaps, respondent
  counts, course-design evidence;
* :data:`MIN_OBSERVED` (5) -- ride-along groups, counted in distinct account managers observed;
* :data:`MIN_INTERVIEWEES` (5) -- interview-note counts (codes, themes, a region's notes
  section), counted in distinct interviewees;
* :data:`MIN_MANAGERS` (5) -- a 360° summary: managers behind a region's mean;
* :data:`MIN_RATERS` (3) -- non-self raters behind any 360° number about one manager;
* :data:`MIN_NOTES` (2) -- notes (and interviewees) a distinctive word must come from.

Rules (functions):

* a group below its threshold shows no statistic (:func:`is_suppressed`), a count of 1 to
  threshold − 1 is never printed (:func:`is_small`, written ``<5`` by
  :func:`casekit.formatting.count_label`); a comparison row's mean (:func:`mean_hidden`) and
  gap (:func:`gap_hidden`); a code count (:func:`count_suppressed`);
* only groups at the threshold enter a comparison base (:func:`comparison_base`);
* complementary suppression: shown parts whose total is published must leave a rest of 0 or at
  least the threshold (:func:`protect_rest`, :func:`shown_cities`); a row with one hidden
  count hides a second (:func:`row_complements`); a two-way table with published margins,
  where every small count must lie on a cycle of hidden counts (:func:`hidden_mix_counts`); a
  share never tells that 1 to threshold − 1 people are on one
  side (:func:`bounded_share`);
* 360° rater anonymity: small rater groups pooled or folded, nothing shown below
  :data:`MIN_RATERS` non-self raters, so a superior is never shown alone
  (:func:`partition_raters`).

This module sits below every layer that shows data: it imports only :mod:`casekit.domain`,
:mod:`casekit.exceptions`, numpy and pandas, and it formats nothing (that is
:mod:`casekit.formatting`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from casekit.domain import MIN_CELL_SIZE
from casekit.exceptions import AnalysisError

__all__ = [
    "MIN_INTERVIEWEES",
    "MIN_MANAGERS",
    "MIN_NOTES",
    "MIN_OBSERVED",
    "MIN_RATERS",
    "MIN_RESPONDENTS",
    "UNQUOTED_METHOD",
    "ShareBound",
    "bounded_share",
    "check_threshold",
    "comparison_base",
    "count_suppressed",
    "gap_hidden",
    "hidden_mix_counts",
    "is_small",
    "is_suppressed",
    "mean_hidden",
    "partition_raters",
    "protect_rest",
    "quotable_populations",
    "quoted_interviewees",
    "row_complements",
    "shown_cities",
]

G = TypeVar("G", bound=Hashable)

#: Respondents behind a questionnaire number (score, gap, count). Five: the smallest group in
#: which one person's answers no longer stand out, the threshold the client agreed to.
MIN_RESPONDENTS: int = MIN_CELL_SIZE

#: Distinct account managers observed behind a ride-along number. Same reason as
#: :data:`MIN_RESPONDENTS`: a group's time use or behaviour must not describe one person.
MIN_OBSERVED: int = MIN_CELL_SIZE

#: Distinct interviewees behind a count of interview notes or codes. Counted in people, not
#: notes: five notes of one interviewee are still one person's words.
MIN_INTERVIEWEES: int = MIN_CELL_SIZE

#: Sales managers behind a region's 360° summary: a region's mean must not be one manager's.
MIN_MANAGERS: int = MIN_CELL_SIZE

#: Non-self raters behind any 360° number about one manager. Three, not five: a manager has
#: few raters, and the per-manager results are for consultants; with three, no rater (and in
#: particular no superior, usually one per manager) is ever shown alone.
MIN_RATERS: int = 3

#: Notes, and interviewees, a word or code must occur in to be listed as distinctive: a word
#: found in one note only could identify who said it.
MIN_NOTES: int = 2


def _missing(value: Any) -> bool:
    """Whether ``value`` is None, NaN, ``pd.NA`` or ``pd.NaT``."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a scalar value
        return False


def check_threshold(value: Any, name: str) -> int:
    """Check a threshold argument: a whole number >= 0.

    Parameters
    ----------
    value : int
        The threshold as passed (``min_n``, ``min_managers`` …).
    name : str
        The argument's name, for the message.

    Returns
    -------
    int

    Raises
    ------
    AnalysisError
        If ``value`` is a bool, not a whole number, or negative.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise AnalysisError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def is_small(n: Any, min_n: int = MIN_RESPONDENTS) -> bool:
    """Whether a head count is 1 to ``min_n − 1``: a count that must never be printed.

    Nobody (0) may be shown; a missing count is not small (it has nothing to print).

    Parameters
    ----------
    n : int or None
        The count.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    bool
    """
    return not _missing(n) and 0 < int(n) < min_n


def is_suppressed(n: Any, min_n: int = MIN_RESPONDENTS) -> bool:
    """Whether a statistic of a group of ``n`` people must be hidden.

    Parameters
    ----------
    n : int or None
        The group's size; a missing size counts as too small.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    bool
        ``True`` when ``n < min_n`` (also for an empty group, which has no statistic).
    """
    return _missing(n) or int(n) < min_n


def mean_hidden(row: Mapping[str, Any], min_n: int = MIN_RESPONDENTS) -> bool:
    """Whether the region's own mean in a comparison or gap row is hidden.

    The one test of "is this cell suppressed" for client-facing output (tables, reasons,
    charts): the row is flagged ``suppressed``, or has fewer than ``min_n`` respondents, or its
    mean is missing.

    Parameters
    ----------
    row : mapping
        A row of :func:`casekit.analysis.compare_region` or :func:`casekit.analysis.region_gaps`
        (``pandas.Series`` or dict) with ``n`` and ``mean``, and optionally ``suppressed``.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    bool
    """
    flagged = row.get("suppressed", False)
    if not _missing(flagged) and bool(flagged):
        return True
    return is_suppressed(row.get("n"), min_n) or _missing(row.get("mean"))


def gap_hidden(row: Mapping[str, Any], min_n: int = MIN_RESPONDENTS) -> bool:
    """Whether a skill-gap row shows no number: its mean is hidden or it has no gap.

    Parameters
    ----------
    row : mapping
        A row of :func:`casekit.analysis.gap_table` or :func:`casekit.analysis.region_gaps`.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    bool
    """
    return mean_hidden(row, min_n) or _missing(row.get("gap"))


def count_suppressed(group_size: int, count: int, min_n: int = MIN_INTERVIEWEES) -> bool:
    """Whether a count within a group is hidden: the group is small, or the count is.

    Parameters
    ----------
    group_size : int
        People in the group (e.g. its distinct interviewees).
    count : int
        People of the group the count is about (e.g. who raised a code).
    min_n : int, default :data:`MIN_INTERVIEWEES`
        The rule's threshold.

    Returns
    -------
    bool
        ``True`` when ``group_size < min_n`` or ``0 < count < min_n`` (a count of 0 is shown).
    """
    return int(group_size) < min_n or is_small(count, min_n)


def comparison_base(sizes: Mapping[G, int] | pd.Series, min_n: int = MIN_RESPONDENTS) -> list[G]:
    """The groups that may contribute to a comparison ("other regions", "all regions").

    A group below ``min_n`` is suppressed in its own report; it must contribute to no number
    shown anywhere, or "all regions" minus the regions shown would reveal it.

    Parameters
    ----------
    sizes : mapping or Series
        Group → number of people, in order.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    list
        The groups with at least ``min_n`` people, in the order of ``sizes``.
    """
    return [group for group, size in sizes.items() if size >= min_n]


def protect_rest(
    shown: Sequence[G],
    sizes: Mapping[G, int],
    rest: Callable[[list[G]], int],
    min_n: int = MIN_RESPONDENTS,
) -> list[G]:
    """Complementary suppression: hide shown parts until the unshown rest is 0 or ``min_n``.

    When a total is published (a province, all visits) and some of its parts are shown, the
    total minus the shown parts reveals the rest. So while the rest numbers 1 to ``min_n − 1``,
    the smallest shown part is hidden too (on a tie the later one in ``shown``'s order).

    Parameters
    ----------
    shown : sequence
        The parts that pass their own threshold, in display order.
    sizes : mapping
        Part → number of people (a missing part counts as 0).
    rest : callable
        ``rest(parts)`` → the number of people of the total outside ``parts`` (distinct
        people: a person may belong to several parts).
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    list
        The parts still shown, in the order of ``shown``.
    """
    kept = list(shown)
    while kept:
        left = rest(kept)
        if left == 0 or left >= min_n:
            break
        smallest = min(reversed(kept), key=lambda part: sizes.get(part, 0))
        kept.remove(smallest)
    return kept


def shown_cities(cell: pd.DataFrame, manifest: Any, top: str, min_n: int = MIN_RESPONDENTS) -> set[str]:
    """The cities of a top-level region whose numbers may be shown for one cell.

    A city needs ``min_n`` people; and when the rest of its top-level region (its other
    cities' and uncitied people, minus the cities shown) would number 1 to ``min_n − 1``, the
    smallest city shown is hidden too (:func:`protect_rest`), so that the top-level number
    minus the shown cities' cannot reveal the rest.

    Parameters
    ----------
    cell : DataFrame
        One row per person of the cell (e.g. one population × dimension), with
        ``top_region_id`` and ``region_id``.
    manifest : casekit.intake.Manifest
        For the cities of ``top`` and their order (``descendants``).
    top : str
        The top-level region.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    set of str
    """
    places = list(dict.fromkeys(manifest.descendants(top)))
    cities = [c for c in places if c != top]
    in_top = cell.loc[cell["top_region_id"] == top]
    counts = in_top["region_id"].value_counts()
    sizes = {c: int(counts.get(c, 0)) for c in cities}
    total = len(in_top)
    candidates = [c for c in cities if sizes[c] >= min_n]
    return set(protect_rest(candidates, sizes, lambda parts: total - sum(sizes[c] for c in parts), min_n))


def row_complements(counts: pd.DataFrame, min_n: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Cells to hide so that a row's single small count cannot be recovered from its total.

    In a table whose row totals are shown, a row with exactly one count of 1 to ``min_n − 1``
    (shown as ``<5``) would reveal it: total minus the cells shown. The smallest count of at
    least ``min_n`` in that row is hidden too (the first on a tie), unless the labels would pin
    the pair: a ``<5`` of 1 hidden with a ``—`` of ``min_n`` leaves 1 + ``min_n``, and a ``—``
    is at least ``min_n``; then the next larger count is preferred.

    Parameters
    ----------
    counts : DataFrame
        Whole-number counts.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    DataFrame of bool
        Same shape: ``True`` for the complementary cells (the small cells themselves are not
        marked; they are hidden by :func:`is_small`).
    """
    hide = np.zeros(counts.shape, dtype=bool)
    for row, (_, values) in enumerate(counts.iterrows()):
        small = [i for i, v in enumerate(values) if 0 < v < min_n]
        if len(small) != 1:
            continue
        room = int(values.iloc[small[0]]) - min_n  # the small count is at most room + partner
        others = sorted((room + v < 2, v, i) for i, v in enumerate(values) if v >= min_n)
        if others:
            hide[row, others[0][2]] = True
    return pd.DataFrame(hide, index=counts.index, columns=counts.columns)


def _mix_nodes(counts: pd.DataFrame, sizes: pd.Series, totals: pd.Series,
               min_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Graph nodes of a group × type table's published totals (see :func:`hidden_mix_counts`).

    Returns ``(row_node, col_node, small_rows, small_cols)``: each group (row) and type (column)
    its node, a line with a published total its own node, the groups below ``min_n`` one node
    (their sum follows from the table's total) and the types below ``min_n`` another. A line
    whose total is 0 is published (as 0): it keeps its own node.
    """
    n_rows, n_cols = counts.shape
    sizes_ = sizes.reindex(counts.index).fillna(0).to_numpy()
    totals_ = totals.reindex(counts.columns).fillna(0).to_numpy()
    small_rows = (sizes_ > 0) & (sizes_ < min_n)  # a total of 0 is published: it shows as 0
    small_cols = (totals_ > 0) & (totals_ < min_n)
    row_node = np.where(small_rows, n_rows, np.arange(n_rows))
    col_node = np.where(small_cols, n_rows + 1 + n_cols, n_rows + 1 + np.arange(n_cols))
    return row_node, col_node, small_rows, small_cols


def _root(parent: list[int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _determined(cell: tuple[int, int], hidden: np.ndarray, row_node: np.ndarray, col_node: np.ndarray) -> bool:
    """Whether a hidden cell follows from the published totals and the shown cells.

    Hidden cells are the edges of a bipartite graph between the nodes of their row and column;
    a cell can change while every published total stays put only along a cycle, so it is
    determined exactly when it lies on none (it is a bridge).
    """
    parent = list(range(int(col_node.max()) + 2))
    for r, c in zip(*np.nonzero(hidden)):
        if (r, c) != cell:
            a, b = _root(parent, int(row_node[r])), _root(parent, int(col_node[c]))
            parent[a] = b
    return _root(parent, int(row_node[cell[0]])) != _root(parent, int(col_node[cell[1]]))


def _cheapest_cycle(cell: tuple[int, int], hidden: np.ndarray, values: np.ndarray,
                    row_node: np.ndarray, col_node: np.ndarray, min_n: int,
                    labels: bool = True) -> list[tuple[int, int]] | None:
    """The shown cells to hide so that ``cell`` lies on a cycle that can move, losing the least.

    A shortest path between the cell's two nodes that does not use the cell itself (Dijkstra):
    a hidden cell costs nothing, a shown count its value, a shown 0 more than any count (a 0 is
    hidden only when no path of counts exists). Along the cycle the cells change by +1 and −1
    in turn, and each must stay within what its label tells the reader: a 0 (shown ``—`` when
    hidden) cannot fall, a ``<5`` count is 1 to ``min_n − 1``, a hidden larger count (``—``) is
    at least ``min_n``. So a cell at such a bound may only move away from it, and the walk keeps
    one orientation for all of them (a walk passes a cell row to column for −1, back for +1).
    With ``labels=False`` only the bound every count has is kept (none is below 0). Ties go to
    the earlier cell in row-major order. None when there is no such path.
    """
    n_rows = values.shape[0]

    def allowed(r: int, c: int) -> set[int]:
        """The moves (+1, −1) that keep a cell within what its label says."""
        value = int(values[r, c])
        if not labels:
            return {1, -1} if value > 0 else {1}
        low, high = (0, None) if value == 0 else (1, min_n - 1) if value < min_n else (min_n, None)
        return {move for move in (1, -1) if not (move < 0 and value == low) and not (move > 0 and value == high)}

    adjacency: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for r, c in itertools.product(range(n_rows), range(values.shape[1])):
        if (r, c) != cell:
            a, b = int(row_node[r]), int(col_node[c])
            adjacency.setdefault(a, []).append((b, (r, c)))
            adjacency.setdefault(b, []).append((a, (r, c)))
    # a state is (node, orientation: 0 not yet fixed, +1 the cell grows, −1 it shrinks)
    moves = allowed(*cell)
    if not moves:
        return None
    source, target = (int(row_node[cell[0]]), 0 if len(moves) == 2 else moves.pop()), int(col_node[cell[1]])
    best: dict[tuple[int, int], tuple[int, int]] = {source: (0, 0)}
    came: dict[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]] = {}
    queue: list[tuple[tuple[int, int], tuple[int, int]]] = [((0, 0), source)]
    end = None
    while queue:
        cost, state = heapq.heappop(queue)
        node, orientation = state
        if node == target:
            end = state
            break
        if cost > best[state]:
            continue
        for other, (r, c) in adjacency.get(node, ()):
            sign = -1 if node <= n_rows else 1  # row nodes are 0 … n_rows
            fits = [o for o in ((orientation,) if orientation else (1, -1)) if o * sign in allowed(r, c)]
            if not fits:
                continue
            way = fits[0] if len(fits) == 1 else orientation
            value = int(values[r, c])
            step = (0, 0) if hidden[r, c] else (0, value) if value > 0 else (1, 0)
            new, nxt = (cost[0] + step[0], cost[1] + step[1]), (other, way)
            if nxt not in best or new < best[nxt]:
                best[nxt] = new
                came[nxt] = (state, (r, c))
                heapq.heappush(queue, (new, nxt))
    if end is None:
        return None
    path, state = [], end
    while state != source:
        state, step_cell = came[state]
        path.append(step_cell)
    return list(dict.fromkeys(c for c in reversed(path) if not hidden[c]))


def hidden_mix_counts(
    counts: pd.DataFrame, sizes: pd.Series, totals: pd.Series, min_n: int = MIN_RESPONDENTS
) -> pd.DataFrame:
    """Which counts of a group × type table are hidden, so that none of 1 to ``min_n − 1`` shows.

    Counts 1 to ``min_n − 1`` and every non-zero count of a group below ``min_n`` are hidden;
    they must stay unknown however the reader combines what is published: the shown counts, a
    group's total (``sizes``, published from ``min_n``), a type's total (``totals``, published
    from ``min_n``) and the table's total (published too, e.g. through the types' shares; so
    the groups below ``min_n`` together, and the types below ``min_n`` together, have a known
    total). A hidden count is left undetermined exactly when it lies on a cycle of hidden
    counts, a cycle alternating between rows and columns with published totals (the groups
    below ``min_n`` counting as one row, the types below ``min_n`` as one column): only along
    such a cycle can counts change, +1 and −1 in turn, with every published total unchanged.
    So, iteratively, each small count not on a cycle gets the cheapest set of further hidden
    counts that closes one (shortest path, a shown count costing its value: small counts
    first; a shown 0 is hidden only when no path of counts exists), until none is left. The
    cycle must be able to move: a 0 cannot fall, and where some cycle allows it, a ``<5``
    count stays 1 to ``min_n − 1`` and a hidden larger count at least ``min_n``, so that what
    the labels say does not pin a count either. Deterministic: ties go to the earlier cell in
    row-major order.

    Parameters
    ----------
    counts : DataFrame
        Groups (rows) × types (columns), whole numbers.
    sizes : Series
        Group → its total (published when at least ``min_n``).
    totals : Series
        Type → its total (published when at least ``min_n``).
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    DataFrame of bool
        Same shape as ``counts``: ``True`` for every hidden count (a complementary 0 included).

    Notes
    -----
    Only a table with a single group or a single type besides the small ones can leave a small
    count determined: there, its counts are the published totals themselves.
    """
    values = counts.to_numpy(dtype="int64")
    row_node, col_node, small_rows, _ = _mix_nodes(counts, sizes, totals, min_n)
    sensitive = (values > 0) & (values < min_n)
    sensitive[small_rows, :] = values[small_rows, :] > 0
    hidden = sensitive.copy()
    cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(sensitive))]
    for cell in cells:  # a cell once on a cycle stays on one: hiding more only adds cycles
        if _determined(cell, hidden, row_node, col_node):
            extra = _cheapest_cycle(cell, hidden, values, row_node, col_node, min_n)
            if extra is None:  # no cycle keeps every label true: at least none pins the count
                extra = _cheapest_cycle(cell, hidden, values, row_node, col_node, min_n, labels=False)
            for other in extra or ():
                hidden[other] = True
    return pd.DataFrame(hidden, index=counts.index, columns=counts.columns)


class ShareBound(NamedTuple):
    """How a share of people may be shown: exactly (``"="``) or as a bound in whole percent."""

    #: ``"="`` (``value`` is the share, 0–1), ``"<"`` or ``">"`` (``value`` is a whole percent).
    relation: str
    value: float


def bounded_share(share: Any, n: Any, min_n: int = MIN_RESPONDENTS) -> ShareBound | None:
    """A share of ``n`` people, never revealing that 1 to ``min_n − 1`` of them are on one side.

    97% of 36 people would say that exactly one person is on the other side; such a share is
    given as a bound instead (``> 86%``: at least ``min_n`` people could be on the other side;
    ``< 14%`` when the people in the share are the few). When both sides are small, or the
    group itself is below ``min_n``, nothing is shown.

    Parameters
    ----------
    share : float
        The share (0–1) of the group on one side.
    n : int
        People in the group.
    min_n : int, default :data:`MIN_RESPONDENTS`
        The rule's threshold.

    Returns
    -------
    ShareBound or None
        ``None`` when nothing may be shown.
    """
    if _missing(share) or is_suppressed(n, min_n):
        return None
    total = int(n)
    inside = round(float(share) * total)
    outside = total - inside
    small_inside, small_outside = 0 < inside < min_n, 0 < outside < min_n
    if small_inside and small_outside:
        return None
    if small_inside:
        return ShareBound("<", math.ceil(100 * min_n / total))
    if small_outside:
        return ShareBound(">", math.floor(100 * (total - min_n) / total))
    return ShareBound("=", float(share))


def partition_raters(
    counts: Mapping[str, int], min_raters: int = MIN_RATERS, pooled: str = "other_raters"
) -> tuple[list[tuple[str, tuple[str, ...]]], tuple[str, ...]]:
    """360° rater anonymity for one manager × dimension: which rater groups may be shown.

    1. a non-self group with at least ``min_raters`` raters is shown on its own;
    2. the groups below ``min_raters`` are pooled into one group ``pooled``, shown if the pool
       has ``min_raters`` raters;
    3. otherwise the pool is folded into the largest group of rule 1 (on a tie the first in
       the order of ``counts``);
    4. when there is no group of rule 1 either, nothing is shown.

    The shown groups always partition the non-self raters, each part with at least
    ``min_raters``, so no sum or difference of shown numbers reveals a hidden group; with the
    usual one superior per manager, the superior is never shown alone.

    Parameters
    ----------
    counts : mapping
        Non-self rater group → number of raters (> 0), in the display order of the groups.
    min_raters : int, default :data:`MIN_RATERS`
        The rule's threshold.
    pooled : str, default ``"other_raters"``
        The id of the pooled group (rule 2).

    Returns
    -------
    shown : list of (group id, included groups)
        The groups shown, each with the rater groups its number includes: ``(g, (g,))`` alone,
        ``(pooled, small groups)`` pooled, ``(g, (g, *small groups))`` folded.
    hidden : tuple of str
        The groups shown nowhere (rule 4); empty otherwise.
    """
    groups = list(counts)
    big = [g for g in groups if counts[g] >= min_raters]
    small = tuple(g for g in groups if counts[g] < min_raters)
    shown: list[tuple[str, tuple[str, ...]]] = [(g, (g,)) for g in big]
    if not small:
        return shown, ()
    if sum(counts[g] for g in small) >= min_raters:
        return [*shown, (pooled, small)], ()
    if big:
        largest = max(big, key=lambda g: (counts[g], -big.index(g)))
        return [(g, (g, *small)) if g == largest else (g, inc) for g, inc in shown], ()
    return [], small


#: Notes of this method are never quoted in a client report (the 360° interview of a manager's
#: superior or staff: a rater group of one or two people). Nor are they counted among the
#: people of a population who may be quoted: their interviewee is a rater *of* a manager (the
#: note's population), not one of the population's own interviewees.
UNQUOTED_METHOD = "interview_360"

#: A staff code inside an interviewee field (``客户经理AM030``, ``AM030``): one to three Latin
#: letters and at least two digits. Two fields with the same code are the same person.
_PERSON_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,3}\d{2,}(?![0-9])")


def _person_key(interviewee: Any) -> str | None:
    """Who an interviewee field names, as a key that is the same for the same person.

    Unicode-normalised (NFKC), blanks and case ignored; a field holding exactly one staff code
    is that code (``客户经理AM030`` and ``am030`` are one person). ``None`` for a blank field.
    """
    if _missing(interviewee):
        return None
    text = "".join(unicodedata.normalize("NFKC", str(interviewee)).split()).casefold()
    if not text:
        return None
    codes = set(_PERSON_CODE.findall(text))
    return codes.pop() if len(codes) == 1 else text


def quoted_interviewees(notes: pd.DataFrame, region_id: str, by: Sequence[str] = ("population",)) -> pd.Series:
    """Distinct people a top-level region's quotable notes come from, per group.

    The base of every rule about quoting a note: only the notes that may be quoted
    (not :data:`UNQUOTED_METHOD`), only the region's own, and people, not notes (five notes of
    one interviewee are one person's words; ``客户经理AM030`` and ``AM030`` are one person). A
    note without an interviewee counts as nobody: it may be anyone already counted.

    Parameters
    ----------
    notes : pandas.DataFrame
        ``bundle.notes`` (``top_region_id``, ``method``, ``interviewee`` and the ``by`` columns).
    region_id : str
        A top-level region id.
    by : sequence of str, default ``("population",)``
        The columns to group by (``population``, ``method``, a month column …).

    Returns
    -------
    pandas.Series of int
        Distinct interviewees per group (a MultiIndex for several columns); groups whose notes
        name nobody are 0, groups without a quotable note are absent.
    """
    by = [by] if isinstance(by, str) else list(by)
    if notes is None or notes.empty:
        return pd.Series(dtype="int64")
    mine = notes.loc[(notes["top_region_id"] == region_id) & (notes["method"] != UNQUOTED_METHOD)]
    if mine.empty:
        return pd.Series(dtype="int64")
    people = mine.assign(_person=[_person_key(v) for v in mine["interviewee"]])
    return people.groupby(by if len(by) > 1 else by[0], dropna=False)["_person"].nunique().astype("int64")


def quotable_populations(notes: pd.DataFrame, region_id: str, *, min_n: int = MIN_INTERVIEWEES) -> set[str]:
    """Populations of a top-level region whose quotable notes come from at least ``min_n`` people.

    An excerpt from a population the region interviewed fewer people of could be traced to its
    speaker (three sales managers, one demo-hall guide), so the report quotes none of them. The
    people are counted by :func:`quoted_interviewees`: the region's own notes, 360° interviews
    (:data:`UNQUOTED_METHOD`, never quoted, their interviewees raters of the population rather
    than members of it) left out, each person once.

    Parameters
    ----------
    notes : pandas.DataFrame
        ``bundle.notes`` (``top_region_id``, ``population``, ``method``, ``interviewee``).
    region_id : str
        A top-level region id.
    min_n : int, default :data:`MIN_INTERVIEWEES`
        Smallest number of interviewees quoted.

    Returns
    -------
    set of str
        Population ids.
    """
    counts = quoted_interviewees(notes, region_id, ("population",))
    return {str(p) for p, n in counts.items() if not _missing(p) and not is_suppressed(int(n), min_n)}
