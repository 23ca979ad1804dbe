"""Isolating the course's effect: difference-in-differences against untrained people, said as
before/after only when nobody is untrained, and Phillips' trend line for the sales series."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from casekit.analysis.evaluation import (
    DID_SCHEMA,
    NO_CONTROL,
    TREND_LINE,
    TREND_SCHEMA,
    difference_in_differences,
    trend_line_effect,
)
from casekit.exceptions import AnalysisError
from casekit.tables import validate_output


def plain_chinese(sentence: str) -> bool:
    return (not re.search(r"[A-Za-z]", sentence.replace("n = ", ""))
            and not re.search(r"\d\.\d{3,}", sentence) and "-" not in sentence)


def people(seed: int, effect: float, trend: float = 0.1, n: int = 40) -> pd.DataFrame:
    """Trained and untrained people; everyone drifts by ``trend``, trainees gain ``effect`` more."""
    rng = np.random.default_rng(seed)
    trained = np.arange(2 * n) < n
    before = rng.uniform(0.2, 0.6, 2 * n)
    after = before + trend + effect * trained + rng.normal(0, 0.1, 2 * n)
    return pd.DataFrame({"person_id": [f"AM{i:03d}" for i in range(2 * n)], "region": "beijing",
                         "measure": "asks_needs", "before": before, "after": after, "trained": trained})


def test_a_planted_difference_is_recovered():
    row = difference_in_differences(people(1, effect=0.25), by="region", names={"beijing": "北京"}).iloc[0]
    assert row["comparison"] == "untrained" and row["claimed"]
    assert row["ci_low"] <= 0.25 <= row["ci_high"]
    assert row["trained_change"] == pytest.approx(0.35, abs=0.05)
    assert row["untrained_change"] == pytest.approx(0.10, abs=0.05)
    assert row["sentence"].startswith("北京“提问挖掘需求”：参训人员的随访出现率平均变化")
    assert "扣除未参训人员同期的变化后为 +" in row["sentence"] and "培训带来的变化为" not in row["sentence"] and plain_chinese(row["sentence"])


def test_the_interval_is_welchs_on_the_per_person_changes():
    data = people(2, effect=0.1)
    row = difference_in_differences(data).iloc[0]
    change = data["after"] - data["before"]
    welch = stats.ttest_ind(change[data["trained"]], change[~data["trained"]], equal_var=False)
    assert row["p_value"] == pytest.approx(welch.pvalue)
    low, high = welch.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_parallel_trends_give_about_zero_and_no_claim():
    """Both groups drift alike: the estimate is near 0 and claimed in about 5% of 100 simulations."""
    claims, estimates = 0, []
    for seed in range(100):
        row = difference_in_differences(people(100 + seed, effect=0.0, n=15)).iloc[0]
        claims += bool(row["claimed"])
        estimates.append(row["estimate"])
    assert claims <= 10  # nominal 5 of 100
    assert abs(np.mean(estimates)) < 0.01


def test_without_untrained_people_only_before_and_after_are_compared():
    data = people(3, effect=0.2).assign(trained=True)
    row = difference_in_differences(data, by="region", names={"beijing": "北京"}).iloc[0]
    assert row["comparison"] == "before_after_only" and not row["claimed"]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"])
    assert row["sentence"] == f"北京“提问挖掘需求”：{NO_CONTROL}。"


def test_too_few_untrained_people_are_no_control_group():
    data = people(4, effect=0.2)
    data.loc[data.index[43:], "trained"] = True  # three untrained left
    row = difference_in_differences(data).iloc[0]
    assert row["comparison"] == "before_after_only" and row["n_untrained"] == 3
    assert "不足5人" in row["sentence"] and "3" not in row["sentence"]


def test_the_table_has_its_declared_shape():
    both = pd.concat([people(5, 0.2), people(6, 0.0).assign(region="tianjin")])
    out = difference_in_differences(both, by="region")
    validate_output(out.drop(columns=["region"]), DID_SCHEMA)
    assert "已按同时检验的数量校正" in out["sentence"].iloc[0]


def test_trained_must_be_true_or_false():
    with pytest.raises(AnalysisError, match="trained must be true or false"):
        difference_in_differences(people(7, 0.1).assign(trained="yes"))


# --------------------------------------------------------------------------------------------
# trend line


def sales(seed: int, jump: float, baseline_months: int = 6, after_months: int = 4, n: int = 20,
          slope: float = 1.0, noise: float = 1.0) -> pd.DataFrame:
    """Monthly attainment (%) of ``n`` people: a rising line, ``jump`` points higher after the course."""
    rng = np.random.default_rng(seed)
    rows = []
    months = [f"2008-{m:02d}" for m in range(1, baseline_months + 1)]
    after = [f"2009-{m:02d}" for m in range(1, after_months + 1)]
    for i in range(n):
        level = rng.normal(90, 8)
        for label, period in [(m, "baseline") for m in months] + [("2008-11", "during")] + [
                (m, "after") for m in after]:
            year, month = map(int, label.split("-"))
            t = (year - 2008) * 12 + month
            value = level + slope * t + (jump if period == "after" else 0) + rng.normal(0, noise * 4)
            rows.append({"person_id": f"AM{i:03d}", "month": label, "value": value, "period": period})
    return pd.DataFrame(rows)


def test_a_jump_above_the_trend_is_found_and_labelled_as_a_trend_line():
    row = trend_line_effect(sales(1, jump=8.0, noise=0.5)).iloc[0]
    assert row["method"] == TREND_LINE and row["baseline_months"] == 6 and row["after_months"] == 4
    assert row["slope"] == pytest.approx(1.0, abs=0.5)
    assert row["ci_low"] <= 8.0 <= row["ci_high"] and row["claimed"]
    assert "趋势线估计" in row["sentence"] and "比趋势多出 +" in row["sentence"]
    assert plain_chinese(row["sentence"])


def test_the_trend_itself_is_not_taken_for_an_effect():
    """Rising sales with no jump: the after months are on the line, nothing is claimed."""
    out = trend_line_effect(sales(2, jump=0.0))
    row = out.iloc[0]
    assert not row["claimed"] and row["ci_low"] <= 0 <= row["ci_high"]
    assert "与趋势无明显差别" in row["sentence"]
    validate_output(out, TREND_SCHEMA)


def test_the_projection_is_the_baseline_line():
    data = sales(3, jump=4.0)
    row = trend_line_effect(data).iloc[0]
    base = data[data["period"] == "baseline"].groupby("month")["value"].mean()
    after = data[data["period"] == "after"].groupby("month")["value"].mean()
    t_base = np.arange(1, 7, dtype=float)
    t_after = np.arange(13, 17, dtype=float)
    slope, intercept = np.polyfit(t_base, base.to_numpy(), 1)
    assert row["slope"] == pytest.approx(slope)
    assert row["projected"] == pytest.approx(intercept + slope * t_after.mean())
    assert row["estimate"] == pytest.approx(after.mean() - row["projected"])


def test_two_baseline_months_are_too_few_for_a_trend_line():
    row = trend_line_effect(sales(4, jump=5.0, baseline_months=2)).iloc[0]
    assert np.isnan(row["estimate"]) and not row["claimed"]
    assert "至少需要 3 个月" in row["sentence"] and plain_chinese(row["sentence"])


def test_a_small_group_shows_no_trend():
    row = trend_line_effect(sales(5, jump=5.0, n=3)).iloc[0]
    assert row["hidden"] and np.isnan(row["estimate"]) and "不足5人" in row["sentence"]


def test_months_must_be_year_and_month():
    with pytest.raises(AnalysisError, match="month must be YYYY-MM"):
        data = sales(6, jump=0.0)
        data.loc[0, "month"] = "March"
        trend_line_effect(data)


def test_empty_tables_give_empty_results():
    empty = pd.DataFrame({"person_id": [], "measure": [], "before": [], "after": [], "trained": []})
    assert difference_in_differences(empty).empty
    nobody = trend_line_effect(pd.DataFrame({"person_id": [], "month": [], "value": [], "period": []}))
    assert nobody["sentence"].tolist() == ["业绩完成率：有数据的 0 人，不作判断。"]
