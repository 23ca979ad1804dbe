"""How numbers read in client-facing text: one implementation each (casekit.formatting)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from casekit.domain import MIN_CELL_SIZE
from casekit.formatting import (
    MINUS,
    MISSING,
    SMALL_CELL,
    count_label,
    day_range,
    days,
    rounded_diff,
    score,
    signed,
    signed_days,
)


@pytest.mark.parametrize(
    "value, text",
    [(2.6149, "2.61"), (3.0, "3.00"), (np.float64(4.555), "4.55"), (float("nan"), "—"),
     (None, "—"), (pd.NA, "—")],
)
def test_score_has_two_decimals_or_a_dash(value, text):
    assert score(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(0.65, "+0.65"), (-0.641, "−0.64"), (-0.001, "0.00"), (0.0, "0.00"), (-0.0, "0.00"),
     (float("nan"), "—")],
)
def test_signed_uses_plus_and_the_unicode_minus(value, text):
    assert signed(value) == text


def test_no_ascii_hyphen_as_a_minus_sign():
    assert MINUS == "\u2212"
    for value in (-0.5, -12.345, -0.006):
        assert "-" not in signed(value) and signed(value).startswith(MINUS)
        assert "-" not in signed_days(value)


def test_rounded_diff_matches_the_printed_means():
    # the reviewer's example: 2.333 and 3.216 print as 2.33 and 3.22
    assert rounded_diff(2.333, 3.216) == -0.89
    assert signed(rounded_diff(2.333, 3.216)) == "−0.89"
    assert signed(2.333 - 3.216) == "−0.88"  # what the unrounded difference would print
    rng = np.random.default_rng(0)
    for a, b in rng.uniform(1, 5, size=(500, 2)):
        readers_subtraction = round(float(score(a)) - float(score(b)), 2)
        assert float(signed(rounded_diff(a, b)).replace(MINUS, "-")) == readers_subtraction
    assert math.isnan(rounded_diff(3.0, float("nan")))
    assert math.isnan(rounded_diff(None, 3.0))


@pytest.mark.parametrize(
    "value, text",
    [(0.5, "0.5"), (1.0, "1"), (2.25, "2.25"), (0.1 + 0.2, "0.3"), (12, "12"), (1e6, "1000000"),
     (-0.0, "0"), (float("nan"), "—")],
)
def test_days_without_trailing_zeros(value, text):
    assert days(value) == text


def test_signed_days_and_day_range():
    assert (signed_days(0.25), signed_days(-0.5), signed_days(0.0)) == ("+0.25", "−0.5", "0")
    assert day_range(1.0, 1.25) == "1–1.25"
    assert day_range(0.5, 0.5) == "0.5"
    assert day_range(float("nan"), float("nan")) == MISSING


@pytest.mark.parametrize(
    "n, text", [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (np.int64(12), "12"), (7.0, "7")]
)
def test_count_label_hides_one_to_four(n, text):
    assert count_label(n) == text


def test_count_label_follows_the_threshold():
    assert SMALL_CELL == f"<{MIN_CELL_SIZE}" == "<5"
    assert count_label(7, min_n=10) == "<10"
    assert count_label(float("nan")) == MISSING
    with pytest.raises(ValueError, match="a head count must be a whole number >= 0, got -1"):
        count_label(-1)
    with pytest.raises(ValueError, match="got 2.5"):
        count_label(2.5)
