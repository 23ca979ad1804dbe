"""Regression to the mean: named beside every trainee-only change when the weakest were chosen,
and the baseline-versus-change check finds it in data where nobody changed but the weakest were
picked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.evaluation import (
    CORRELATION_SCHEMA,
    REGRESSION_NOTE,
    baseline_change_correlation,
    flag_regression_to_mean,
    paired_change,
)
from casekit.exceptions import AnalysisError
from casekit.tables import validate_output


def weakest_selected(seed: int, n: int = 200, picked: int = 40) -> pd.DataFrame:
    """Stable true levels measured twice with error; the ``picked`` lowest first measures trained,
    with no effect at all."""
    rng = np.random.default_rng(seed)
    true = rng.normal(0.5, 0.1, n)
    first, second = true + rng.normal(0, 0.1, n), true + rng.normal(0, 0.1, n)
    weakest = np.argsort(first)[:picked]
    return pd.DataFrame({"person_id": [f"AM{i:03d}" for i in weakest], "measure": "asks_needs",
                         "before": first[weakest], "after": second[weakest]})


def test_the_weakest_improve_without_training_and_that_is_named():
    data = weakest_selected(1)
    change = paired_change(data)
    assert change["claimed"].iloc[0] and change["change"].iloc[0] > 0  # a "gain" from nothing
    flagged = flag_regression_to_mean(change, "weakest")
    assert flagged["regression_to_mean"].iloc[0] and flagged["regression_note"].iloc[0] == REGRESSION_NOTE
    assert not flag_regression_to_mean(change, "all")["regression_to_mean"].any()
    assert flag_regression_to_mean(change, "volunteers")["regression_note"].iloc[0] == ""


def test_hidden_rows_are_not_flagged():
    change = paired_change(weakest_selected(2, picked=4))
    assert not flag_regression_to_mean(change, "weakest")["regression_to_mean"].any()


def test_the_baseline_change_check_sees_it():
    """Everyone measured twice with measurement error, nobody trained: the low start "gains"."""
    out = baseline_change_correlation(weakest_selected(3, n=80, picked=80))
    row = out.iloc[0]
    assert row["negative"] and row["rho"] < 0 and row["ci_high"] < 0
    assert "培训前起点越低的人变化越大" in row["sentence"] and "0." not in row["sentence"]
    validate_output(out, CORRELATION_SCHEMA)


def test_the_check_is_quiet_when_change_does_not_depend_on_the_start():
    rng = np.random.default_rng(5)  # a fixed draw: with independent changes the check errs 1 time in 40
    before = rng.uniform(0.2, 0.6, 60)
    data = pd.DataFrame({"person_id": [f"AM{i}" for i in range(60)], "measure": "asks_needs",
                         "before": before, "after": before + 0.1 + rng.normal(0, 0.05, 60)})
    row = baseline_change_correlation(data).iloc[0]
    assert not row["negative"] and "看不出" in row["sentence"]


def test_selection_must_be_known():
    with pytest.raises(AnalysisError, match="selection must be one of all, weakest, volunteers"):
        flag_regression_to_mean(paired_change(weakest_selected(5)), "random")
