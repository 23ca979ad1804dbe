"""Account-manager features: survey, time use and ride-along blocks."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MINI

from casekit.analysis.features import account_manager_features, feature_label
from casekit.intake import load_bundle


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


def test_one_row_per_account_manager_with_three_blocks(sample):
    f = account_manager_features(sample)
    ams = sample.respondents.loc[sample.respondents["population"] == "account_manager", "respondent_id"]
    assert sorted(f.X.index) == sorted(ams)
    assert set(f.blocks) == {"survey", "time", "ride"}
    assert f.blocks["survey"] == ("product", "industry", "sales", "management", "time", "customer",
                                  "communication")
    assert "performance" in f.people and "target_attainment" not in f.X  # the result is not a feature


def test_people_never_accompanied_have_missing_not_zero_ride_features(sample):
    f = account_manager_features(sample)
    never = f.people.index[f.people["n_visits"] == 0]
    assert len(never) > 0
    assert f.X.loc[never, list(f.blocks["ride"])].isna().all().all()
    seen = f.people.index[f.people["n_visits"] > 0]
    assert f.X.loc[seen, list(f.blocks["ride"])].notna().all().all()


def test_behaviour_rate_is_the_share_of_the_persons_visits(sample):
    f = account_manager_features(sample)
    visits = sample.ride_alongs
    person = visits["account_manager"].value_counts().index[0]  # someone observed more than once
    mine = visits[visits["account_manager"] == person]
    assert len(mine) >= 2
    expected = np.mean(["price_first" in b for b in mine["behaviours"]])
    assert f.X.at[person, "rate_price_first"] == pytest.approx(expected)
    travel = mine["minutes_travel"].sum() / (mine["minutes_travel"] + mine["minutes_on_site"]).sum()
    assert f.X.at[person, "travel_share"] == pytest.approx(travel)


def test_time_use_questions_appear_only_when_the_codebook_names_their_role():
    f = account_manager_features(load_bundle(MINI))
    assert "weekly_visits" not in f.X and "performance" not in f.people


def test_every_feature_has_a_chinese_label(sample):
    labels = account_manager_features(sample).labels()
    assert labels["rate_price_first"] == "“以价格优惠开场”的拜访比例"
    assert labels["industry"] == "行业能力自评"
    assert all(not v.isascii() for v in labels.values())
    assert feature_label("unknown_feature") == "unknown_feature"
