"""One family of tests of the evaluation: Benjamini–Hochberg p values and matching intervals.

Every estimate of one Kirkpatrick level (all measures × groups of one call) is one family, as the
findings do for the research (:mod:`casekit.analysis.findings`): the p values are adjusted with
:func:`casekit.analysis.findings.bh_adjust`, and the intervals shown beside a claim are the
Benjamini–Yekutieli false-coverage-rate intervals: with ``m`` tests of which ``R`` are rejected at
``α = 1 − confidence``, each interval has coverage ``1 − max(R, 1)·α/m``. With the defaults
(``fdr == 1 − confidence``) an adjusted interval excludes 0 exactly when the adjusted p value is
below ``fdr``, so a sentence never shows an interval that contradicts its verdict.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from casekit.analysis.findings import bh_adjust
from casekit.analysis.intervals import check_confidence
from casekit.exceptions import AnalysisError
from casekit.language import tr

__all__ = [
    "FAMILIES",
    "FamilyAdjustment",
    "adjust_family",
    "adjust_rows",
    "check_fdr",
    "check_family",
    "t_p_value",
]


#: Values of ``family=``: every row of a call is one family (``"all"``, the default: one
#: Kirkpatrick level of the engagement), or each group's measures are one (``"group"``).
FAMILIES: tuple[str, ...] = ("all", "group")


def check_family(family: object) -> str:
    """Return ``family`` if it is one of :data:`FAMILIES`; raise :class:`AnalysisError` otherwise."""
    if family not in FAMILIES:
        raise AnalysisError(tr(f"family 应为 {'、'.join(FAMILIES)} 之一，实际为 {family!r}",
                               f"family must be one of {', '.join(FAMILIES)}, got {family!r}"))
    return str(family)


def check_fdr(fdr: object) -> float:
    """Return ``fdr`` as a float in (0, 1); raise :class:`AnalysisError` otherwise."""
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float, np.floating)) or not 0 < float(fdr) < 1:
        raise AnalysisError(tr(f"fdr 应为 0 到 1 之间的数（如 0.05），实际为 {fdr!r}",
                               f"fdr must be a number in (0, 1) (e.g. 0.05), got {fdr!r}"))
    return float(fdr)


def t_p_value(estimate: float, se: float, df: float) -> float:
    """Two-sided p value of ``estimate / se`` on Student's t with ``df``; NaN without spread."""
    if not (math.isfinite(estimate) and se > 0 and math.isfinite(df) and df > 0):
        return float("nan")
    return float(2 * stats.t.sf(abs(estimate) / se, df))


@dataclass(frozen=True)
class FamilyAdjustment:
    """The adjusted p values and intervals of one family (arrays in the input's order).

    Attributes
    ----------
    p_adjusted : numpy.ndarray
        Benjamini–Hochberg adjusted p values (NaN outside the family: no test).
    level : float
        The marginal coverage of every adjusted interval (NaN for an empty family).
    low, high : numpy.ndarray
        The adjusted intervals (NaN where there is no test).
    size : int
        ``m``, the tests in the family.
    """

    p_adjusted: np.ndarray
    level: float
    low: np.ndarray
    high: np.ndarray
    size: int


def adjust_family(estimates: np.ndarray, se: np.ndarray, df: np.ndarray, p_values: np.ndarray,
                  confidence: float = 0.95) -> FamilyAdjustment:
    """Adjust one family: BH p values and Benjamini–Yekutieli intervals of matching coverage.

    Parameters
    ----------
    estimates, se, df, p_values : numpy.ndarray
        Per test; a NaN p value is no test (left out of the family).
    confidence : float, default 0.95
        ``1 − α``.

    Returns
    -------
    FamilyAdjustment
    """
    confidence = check_confidence(confidence)
    p = np.asarray(p_values, dtype="float64")
    adjusted = bh_adjust(p)
    tested = ~np.isnan(p)
    m = int(tested.sum())
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    if m == 0:
        return FamilyAdjustment(adjusted, float("nan"), low, high, 0)
    alpha = 1 - confidence
    rejected = int((adjusted[tested] <= alpha).sum())
    level = 1 - max(rejected, 1) * alpha / m
    est = np.asarray(estimates, dtype="float64")[tested]
    half = stats.t.ppf(1 - (1 - level) / 2, np.asarray(df, dtype="float64")[tested]) * np.asarray(
        se, dtype="float64")[tested]
    low[tested], high[tested] = est - half, est + half
    return FamilyAdjustment(adjusted, float(level), low, high, m)


def adjust_rows(rows: list[dict[str, Any]], groups: Sequence[Hashable], *, numbers: Sequence[str],
                confidence: float, fdr: float) -> None:
    """Adjust result rows in place, one family per distinct value of ``groups``.

    Each row needs ``estimate`` (or ``change``), ``se``, ``df``, ``p_value`` and ``hidden``; it
    gets ``p_adjusted``, ``interval_level``, ``adj_low``, ``adj_high``, ``claimed`` (adjusted p
    below ``fdr``, never for a hidden row) and ``family_size`` (tests in its family), and a
    hidden row's ``numbers`` are blanked (NaN).
    """
    nan = float("nan")
    members: dict[Hashable, list[int]] = {}
    for i, key in enumerate(groups):
        members.setdefault(key, []).append(i)
    for index in members.values():
        chosen = [rows[i] for i in index]
        estimate = "estimate" if "estimate" in chosen[0] else "change"
        tested = np.array([nan if r["hidden"] else r["p_value"] for r in chosen], dtype="float64")
        family = adjust_family(np.array([r[estimate] for r in chosen], dtype="float64"),
                               np.array([r["se"] for r in chosen], dtype="float64"),
                               np.array([r["df"] for r in chosen], dtype="float64"), tested, confidence)
        for j, row in enumerate(chosen):
            row.update(p_adjusted=family.p_adjusted[j], interval_level=nan if np.isnan(tested[j]) else family.level,
                       adj_low=family.low[j], adj_high=family.high[j], family_size=family.size)
            row["claimed"] = bool(not row["hidden"] and row["p_adjusted"] < fdr)
            if row["hidden"]:
                row.update(dict.fromkeys(numbers, nan))
