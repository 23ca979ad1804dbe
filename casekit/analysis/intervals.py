"""Confidence intervals used across the analysis, in one place.

* :func:`t_interval` -- mean of a sample with Student's t interval (gaps, question shares,
  360° self-vs-others gaps);
* :func:`wilson_interval` -- a proportion (behaviour rates, outcome shares);
* :func:`newcombe_interval` -- a difference of two proportions (Newcombe 1998, method 10);
* :func:`bonett_wright_interval` -- a Spearman correlation (Fisher z with the Bonett–Wright
  standard error).

All return ``nan`` bounds instead of raising when there are too few observations, and reject a
``confidence`` outside (0, 1) with :class:`~casekit.exceptions.AnalysisError`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from casekit.exceptions import AnalysisError
from casekit.language import tr

__all__ = [
    "bonett_wright_interval",
    "check_confidence",
    "newcombe_interval",
    "t_interval",
    "wilson_interval",
]

_NAN = float("nan")


def check_confidence(confidence: object) -> float:
    """Return ``confidence`` as a float in (0, 1); raise :class:`AnalysisError` otherwise."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating)):
        raise AnalysisError(tr(f"confidence 应为 0 到 1 之间的数（如 0.95），实际为 {confidence!r}",
                               f"confidence must be a number in (0, 1) (e.g. 0.95), got {confidence!r}"))
    if not 0 < float(confidence) < 1:
        raise AnalysisError(tr(f"confidence 应在 0 到 1 之间（如 0.95），实际为 {confidence!r}",
                               f"confidence must be in (0, 1) (e.g. 0.95), got {confidence!r}"))
    return float(confidence)


def _z(confidence: float) -> float:
    return _normal_quantile((1 + check_confidence(confidence)) / 2)


# The quantiles are pure functions of their arguments, and scipy takes about a tenth of a
# millisecond for each: a report asks for the same few hundreds of times, so they are kept.
@functools.lru_cache(maxsize=256)
def _normal_quantile(p: float) -> float:
    return float(stats.norm.ppf(p))


@functools.lru_cache(maxsize=1024)
def _t_quantile(p: float, df: int) -> float:
    return float(stats.t.ppf(p, df))


def t_interval(values: Sequence[float] | np.ndarray, confidence: float = 0.95
               ) -> tuple[float, float, float]:
    """Mean of ``values`` (missing values dropped) and its Student-t interval.

    Returns
    -------
    (float, float, float)
        ``(mean, low, high)``; all ``nan`` for no values, the bounds ``nan`` for one value.
    """
    confidence = check_confidence(confidence)
    data = np.asarray(values, dtype="float64")
    data = data[~np.isnan(data)]
    n = data.size
    if n == 0:
        return _NAN, _NAN, _NAN
    mean = float(data.mean())
    if n < 2:
        return mean, _NAN, _NAN
    half = float(_t_quantile((1 + confidence) / 2, n - 1) * data.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of the proportion ``successes / n`` (``nan`` bounds when ``n`` is 0)."""
    z = _z(confidence)
    if n <= 0:
        return _NAN, _NAN
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(s1: int, n1: int, s2: int, n2: int, confidence: float = 0.95
                      ) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``s1/n1 − s2/n2`` (Newcombe 1998, method 10).

    Parameters
    ----------
    s1, n1 : int
        Successes and trials of the first group.
    s2, n2 : int
        Successes and trials of the second group.
    confidence : float, default 0.95
        Coverage.

    Returns
    -------
    (float, float)
        Lower and upper bound; ``(nan, nan)`` when a group is empty.
    """
    if n1 <= 0 or n2 <= 0:
        check_confidence(confidence)
        return _NAN, _NAN
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson_interval(s1, n1, confidence)
    l2, u2 = wilson_interval(s2, n2, confidence)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def bonett_wright_interval(rho: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval of a Spearman correlation: Fisher z with the Bonett–Wright standard error.

    Parameters
    ----------
    rho : float
        Spearman's rank correlation of ``n`` pairs.
    n : int
        Number of pairs; the interval needs more than 3.
    confidence : float, default 0.95
        Coverage.

    Returns
    -------
    (float, float)
        ``tanh(atanh(rho) ∓ z · sqrt((1 + rho²/2) / (n − 3)))``; ``(nan, nan)`` when ``n ≤ 3``
        or ``rho`` is missing.
    """
    z = _z(confidence)
    if n <= 3 or not math.isfinite(rho):
        return _NAN, _NAN
    r = float(np.clip(rho, -0.999999, 0.999999))
    se = math.sqrt((1 + r * r / 2) / (n - 3))
    centre = math.atanh(r)
    return math.tanh(centre - z * se), math.tanh(centre + z * se)
