"""Confidence intervals shared by the analysis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from casekit.analysis.intervals import (
    bonett_wright_interval,
    check_confidence,
    newcombe_interval,
    t_interval,
    wilson_interval,
)
from casekit.exceptions import AnalysisError


def test_t_interval_matches_scipy_and_ignores_missing_values():
    values = np.array([2.0, 3.5, np.nan, 4.0, 1.5, 3.0])
    mean, low, high = t_interval(values, 0.9)
    clean = values[~np.isnan(values)]
    expected = stats.t.interval(0.9, len(clean) - 1, loc=clean.mean(), scale=stats.sem(clean))
    assert mean == pytest.approx(clean.mean())
    assert (low, high) == pytest.approx(expected)


def test_t_interval_with_too_few_values_has_no_bounds():
    assert all(math.isnan(v) for v in t_interval([], 0.95))
    mean, low, high = t_interval([3.0], 0.95)
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)


def test_wilson_interval_stays_inside_zero_one_where_the_normal_one_does_not():
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)  # Wilson (1927), 0 of 10
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0) and low == pytest.approx(1 - 0.2775, abs=1e-4)


def test_newcombe_matches_the_published_example():
    # Newcombe (1998), table II, example (a): 56/70 vs 48/80 → 0.0524 to 0.3339
    assert newcombe_interval(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_bonett_wright_interval_is_wider_than_fisher_and_narrows_with_n():
    low, high = bonett_wright_interval(0.5, 30)
    fisher = np.tanh(np.arctanh(0.5) + np.array([-1, 1]) * 1.959964 / math.sqrt(27))
    assert low < fisher[0] and high > fisher[1]
    assert bonett_wright_interval(0.5, 300)[1] - bonett_wright_interval(0.5, 300)[0] < high - low
    assert all(math.isnan(v) for v in bonett_wright_interval(0.5, 3))


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.95"])
def test_a_confidence_outside_zero_one_is_rejected(bad):
    with pytest.raises(AnalysisError, match="confidence"):
        check_confidence(bad)
    with pytest.raises(AnalysisError):
        wilson_interval(1, 2, bad)
