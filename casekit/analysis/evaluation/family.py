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
from dataclasses import dataclass

import numpy as np
from scipy import stats

from casekit.analysis.findings import bh_adjust
from casekit.analysis.intervals import check_confidence
from casekit.exceptions import AnalysisError

__all__ = ["FamilyAdjustment", "adjust_family", "check_fdr", "t_p_value"]


def check_fdr(fdr: object) -> float:
    """Return ``fdr`` as a float in (0, 1); raise :class:`AnalysisError` otherwise."""
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float, np.floating)) or not 0 < float(fdr) < 1:
        raise AnalysisError(f"fdr must be a number in (0, 1) (e.g. 0.05), got {fdr!r}")
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
