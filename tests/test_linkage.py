"""Performance linkage: Spearman with intervals, visit outcomes by behaviour; association wording."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import MINI

from casekit.analysis.features import FeatureTable, account_manager_features
from casekit.analysis.linkage import (
    newcombe_interval,
    performance_linkage,
    visit_outcome_linkage,
)
from casekit.exceptions import AnalysisError
from casekit.intake import load_bundle

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
CAUSAL = ("导致", "造成", "因为", "由于", "使得", "所以", "决定了", "提升业绩", "影响")


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def sample_linkage(sample):
    return performance_linkage(account_manager_features(sample))


def synthetic(n: int, r: float, seed: int, extra: dict[str, np.ndarray] | None = None) -> FeatureTable:
    """People whose feature ``x`` and performance are bivariate normal with correlation ``r``."""
    rng = np.random.default_rng(seed)
    cov = [[1.0, r], [r, 1.0]]
    xy = rng.multivariate_normal([0, 0], cov, size=n)
    ids = pd.Index([f"P{i:04d}" for i in range(n)], name="respondent_id")
    X = pd.DataFrame({"question_share": xy[:, 0], **(extra or {})}, index=ids)
    people = pd.DataFrame({"region_id": "r", "top_region_id": "r", "n_visits": 1,
                           "performance": 80 + 10 * xy[:, 1]}, index=ids)
    return FeatureTable(X=X, blocks={"ride": tuple(X.columns)}, people=people)


def spearman_of_normal(r: float) -> float:
    """Spearman's rho of a bivariate normal with Pearson correlation ``r``."""
    return 6 / math.pi * math.asin(r / 2)


def test_recovers_a_known_correlation_within_its_interval():
    true = spearman_of_normal(0.6)
    hits = 0
    for seed in range(40):
        row = performance_linkage(synthetic(120, 0.6, seed)).iloc[0]
        assert row["ci_low"] < row["rho"] < row["ci_high"]
        hits += row["ci_low"] <= true <= row["ci_high"]
    assert hits >= 34  # ~95% of 40; fewer than 34 hits has probability < 0.5%
    big = performance_linkage(synthetic(2000, 0.6, 1)).iloc[0]
    assert big["rho"] == pytest.approx(true, abs=0.05)


def test_interval_narrows_as_n_grows():
    widths = []
    for n in (20, 80, 320):
        row = performance_linkage(synthetic(n, 0.4, 7)).iloc[0]
        widths.append(row["ci_high"] - row["ci_low"])
    assert widths[0] > widths[1] > widths[2]
    wide = performance_linkage(synthetic(80, 0.4, 7), confidence=0.99).iloc[0]
    assert wide["ci_high"] - wide["ci_low"] > widths[1]


def test_no_association_says_so_and_a_clear_one_says_association_not_cause():
    rows = pd.concat([performance_linkage(synthetic(60, 0.0, seed)) for seed in range(20)])
    includes_zero = (rows["ci_low"] <= 0) & (rows["ci_high"] >= 0)
    assert includes_zero.sum() >= 15
    assert rows.loc[includes_zero, "sentence"].str.contains("未见明显关联").all()
    assert not rows.loc[~includes_zero, "sentence"].str.contains("未见明显关联").any()
    clear = performance_linkage(synthetic(200, 0.7, 3)).iloc[0]
    assert clear["strength"] == "较强正相关"
    assert clear["sentence"] == "提问占说话时间比例越高的客户经理，业绩完成率往往也越高（相关，不代表因果）"
    negative = performance_linkage(synthetic(200, -0.7, 3)).iloc[0]
    assert negative["strength"].endswith("负相关") and "往往越低" in negative["sentence"]


def test_too_few_pairs_get_no_rho_and_a_note():
    rng = np.random.default_rng(5)
    sparse = np.full(60, np.nan)
    sparse[:6] = rng.normal(size=6)
    table = performance_linkage(synthetic(60, 0.5, 5, extra={"funnel_step": sparse}), min_n=10)
    row = table.set_index("feature").loc["funnel_step"]
    assert row["n"] == 6 and math.isnan(row["rho"]) and row["note"]
    assert table["feature"].iloc[-1] == "funnel_step"  # no rho: last
    assert not math.isnan(table.set_index("feature").loc["question_share", "rho"])


def test_table_sorted_by_strength_with_q_values(sample_linkage):
    rho = sample_linkage["rho"].dropna().abs()
    assert rho.is_monotonic_decreasing
    has = sample_linkage["p"].notna()
    assert (sample_linkage.loc[has, "q"] >= sample_linkage.loc[has, "p"] - 1e-12).all()
    assert sample_linkage.loc[has, "q"].le(1).all()
    assert set(sample_linkage["block"]) <= {"survey", "time", "ride"}


def test_sample_consultants_ask_more_and_sell_more(sample_linkage):
    # planted: account managers of type "consultant" ask more questions and reach higher attainment
    rows = sample_linkage.set_index("feature")
    for feature in ("question_share", "rate_asks_needs"):
        assert rows.loc[feature, "ci_low"] > 0, feature
        assert "往往也越高" in rows.loc[feature, "sentence"]
    assert rows.loc["rate_price_first", "ci_high"] < 0


def test_sentences_never_use_causal_words(sample, sample_linkage):
    visits = visit_outcome_linkage(sample)
    sentences = list(sample_linkage["sentence"]) + list(visits["sentence"])
    assert sentences and all(isinstance(s, str) and s for s in sentences)
    for sentence in sentences:
        assert not any(word in sentence for word in CAUSAL), sentence
    claims = [s for s in sentences if "往往" in s]
    assert claims and all(s.endswith("（相关，不代表因果）") for s in claims)


def test_missing_performance_names_the_fix():
    features = account_manager_features(load_bundle(MINI))  # mini: no role: performance
    with pytest.raises(AnalysisError, match="role: performance"):
        performance_linkage(features)


def test_visit_outcome_shares_and_newcombe_interval(sample):
    table = visit_outcome_linkage(sample).set_index("behaviour")
    visits = sample.ride_alongs
    won = visits["outcome"].isin(["won", "advanced"])
    asks = visits["behaviours"].map(lambda b: "asks_needs" in b)
    row = table.loc["asks_needs"]
    assert row["n_with"] == asks.sum() and row["n_without"] == (~asks).sum()
    assert row["share_with"] == pytest.approx(won[asks].mean())
    assert row["share_without"] == pytest.approx(won[~asks].mean())
    assert row["ci_low"] > 0 and "往往更高" in row["sentence"]
    assert table["diff"].dropna().is_monotonic_decreasing
    # Newcombe (1998), Table II example: 56/70 vs 48/80 → 0.0524 to 0.3339 (method 10)
    low, high = newcombe_interval(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_behaviours_seen_on_few_visits_show_no_share():
    table = visit_outcome_linkage(load_bundle(MINI)).set_index("behaviour")  # three visits
    assert len(table) and table[["share_with", "share_without", "diff"]].isna().all().all()
    assert table["note"].str.contains("不足5次").all()
