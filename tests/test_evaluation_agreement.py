"""Observers' agreement on visits recorded twice: Cohen's κ per behaviour equals scikit-learn's,
κ below 0.6 is flagged, and a behaviour always or never seen is said to be unjudgeable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from casekit.analysis.evaluation import AGREEMENT_SCHEMA, KAPPA_MIN, observer_agreement
from casekit.tables import validate_output


def double_visits(seed: int, n: int = 60) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """``n`` visits recorded by O1 and O2: asks_needs almost always agreed, price_first at chance,
    uses_toolbox seen by both on every visit, free_trial_offer never seen."""
    rng = np.random.default_rng(seed)
    first_needs = rng.random(n) < 0.5
    second_needs = np.where(rng.random(n) < 0.95, first_needs, ~first_needs)
    first_price, second_price = rng.random(n) < 0.4, rng.random(n) < 0.4
    rows = []
    for i in range(n):
        for observer, needs, price in (("O1", first_needs[i], first_price[i]), ("O2", second_needs[i], second_price[i])):
            seen = ["uses_toolbox"] + (["asks_needs"] if needs else []) + (["price_first"] if price else [])
            rows.append({"visit_id": f"V{i:03d}", "observer": observer, "behaviours": tuple(seen)})
    rows.append({"visit_id": "V999", "observer": "O1", "behaviours": ("asks_needs",)})  # recorded once
    return pd.DataFrame(rows), {"asks_needs": (first_needs, second_needs), "price_first": (first_price, second_price)}


@pytest.fixture(scope="module")
def planted():
    visits, truth = double_visits(16)
    return observer_agreement(visits).set_index("behaviour"), truth


def test_kappa_equals_scikit_learns(planted):
    table, truth = planted
    for behaviour, (first, second) in truth.items():
        assert table.loc[behaviour, "kappa"] == pytest.approx(cohen_kappa_score(first, second))
        assert table.loc[behaviour, "observed"] == pytest.approx(np.mean(first == second))
    assert (table["n_visits"] == 60).all()  # the visit recorded once does not count


def test_agreement_at_chance_is_flagged_unreliable(planted):
    table, _ = planted
    assert table.loc["asks_needs", "kappa"] >= KAPPA_MIN and not table.loc["asks_needs", "unreliable"]
    assert table.loc["price_first", "kappa"] < KAPPA_MIN and table.loc["price_first", "unreliable"]
    assert "一致程度不足" in table.loc["price_first", "sentence"]
    assert "这一行为的变化只能作参考" in table.loc["price_first", "sentence"]
    assert table.loc["asks_needs", "sentence"].endswith("一致程度可靠。")


def test_a_behaviour_always_or_never_seen_has_no_kappa_and_says_why(planted):
    table, _ = planted
    for behaviour, seen in (("uses_toolbox", "都记录到了"), ("free_trial_offer", "都没有记录到")):
        row = table.loc[behaviour]
        assert not row["defined"] and np.isnan(row["kappa"]) and not row["unreliable"]
        assert seen in row["sentence"] and "无法判断" in row["sentence"]
        assert "nan" not in row["sentence"].lower()


def test_behaviours_joined_by_semicolons_read_like_lists():
    visits, _ = double_visits(3, n=20)
    as_text = visits.assign(behaviours=visits["behaviours"].map(";".join))
    pd.testing.assert_frame_equal(observer_agreement(visits), observer_agreement(as_text))
    # two files put together keep their own row labels: still one table of visits
    glued = pd.concat([visits[visits["observer"] == "O1"], visits[visits["observer"] == "O2"].reset_index(drop=True)])
    pd.testing.assert_frame_equal(observer_agreement(glued), observer_agreement(visits))


def test_every_domain_behaviour_is_listed_with_the_declared_shape(planted):
    table, _ = planted
    out = table.reset_index()
    validate_output(out, AGREEMENT_SCHEMA)
    assert out["behaviour"].iloc[0] == "price_first" and len(out) == 11


def test_no_visit_recorded_twice_is_said_plainly():
    visits = pd.DataFrame({"visit_id": ["V1", "V2"], "observer": ["O1", "O1"],
                           "behaviours": ["asks_needs", ""]})
    out = observer_agreement(visits)
    assert (out["n_visits"] == 0).all() and not out["unreliable"].any()
    assert out["sentence"].str.contains("没有两位观察员同场记录的拜访").all()


def test_a_ride_along_file_s_chinese_labels_and_full_width_separators_are_read():
    from casekit.analysis.evaluation import behaviour_sets

    assert behaviour_sets("以价格优惠开场；提出免费试用") == {"price_first", "free_trial_offer"}
    assert behaviour_sets("提问挖掘需求;agrees_next_step") == {"asks_needs", "agrees_next_step"}
    assert behaviour_sets(None) == frozenset() and behaviour_sets(float("nan")) == frozenset()
