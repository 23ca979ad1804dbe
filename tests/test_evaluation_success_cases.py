"""Brinkerhoff's success cases: the planted extremes are picked, ties are broken by id, nobody is on
both lists, and the interview outlines ask what the method asks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.evaluation import (
    CONSULTANT_ONLY,
    SUCCESS_CASE_SCHEMA,
    behaviour_change_score,
    success_cases,
)
from casekit.exceptions import AnalysisError
from casekit.tables import validate_output


def scores(seed: int = 16) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"person_id": [f"AM{i:03d}" for i in range(30)], "score": rng.normal(0, 0.05, 30)})
    table.loc[[4, 17, 22], "score"] = [0.5, 0.6, 0.4]     # planted successes
    table.loc[[1, 9, 28], "score"] = [-0.5, -0.4, -0.6]   # planted non-successes
    return table.sample(frac=1, random_state=1)           # order of the input does not matter


def test_the_planted_extremes_are_picked_in_order():
    cases = success_cases(scores())
    assert list(cases.most["person_id"]) == ["AM017", "AM004", "AM022"]
    assert list(cases.least["person_id"]) == ["AM028", "AM001", "AM009"]
    assert list(cases.most["rank"]) == [1, 2, 3]
    validate_output(cases.most, SUCCESS_CASE_SCHEMA)
    validate_output(cases.least, SUCCESS_CASE_SCHEMA)
    assert cases.note == CONSULTANT_ONLY and cases.n_people == 30


def test_ties_are_broken_by_id_and_nobody_is_on_both_lists():
    table = pd.DataFrame({"person_id": ["AM3", "AM1", "AM2", "AM4"], "score": [0.1, 0.1, 0.1, 0.1]})
    cases = success_cases(table, k=3)
    assert list(cases.most["person_id"]) == ["AM1", "AM2", "AM3"]
    assert list(cases.least["person_id"]) == ["AM4"]


def test_missing_scores_are_left_out():
    table = pd.DataFrame({"person_id": ["AM1", "AM2"], "score": [np.nan, 0.2]})
    cases = success_cases(table, k=1)
    assert list(cases.most["person_id"]) == ["AM2"] and cases.least.empty and cases.n_people == 1
    empty = success_cases(table.iloc[:1])
    assert empty.most.empty and "无法挑选成功案例" in empty.summary


def test_the_outlines_ask_about_modules_coaching_and_the_toolbox():
    cases = success_cases(scores(), modules=("需求挖掘", "价值呈现"), toolbox=("客户档案表",))
    success, other = "\n".join(cases.success_outline), "\n".join(cases.non_success_outline)
    for outline in (success, other):
        assert "需求挖掘、价值呈现" in outline and "客户档案表" in outline and "销售经理" in outline
    assert "帮助" in success and "障碍" in other


def test_behaviour_change_counts_fewer_price_first_openings_as_progress():
    table = pd.DataFrame({"person_id": ["AM1", "AM1", "AM1", "AM2"],
                          "behaviour": ["asks_needs", "price_first", "product_demo", "asks_needs"],
                          "before": [0.2, 0.6, 0.1, 0.5], "after": [0.4, 0.4, 0.9, 0.3]})
    out = behaviour_change_score(table).set_index("person_id")
    assert out.loc["AM1", "score"] == pytest.approx(0.2)  # +0.2 asking, −0.2 price first; demo neutral
    assert out.loc["AM1", "n_behaviours"] == 2
    assert out.loc["AM2", "score"] == pytest.approx(-0.2)


def test_k_must_be_a_positive_whole_number():
    with pytest.raises(AnalysisError, match="k must be a whole number >= 1"):
        success_cases(scores(), k=0)


def test_rates_of_a_visit_recorded_twice_count_it_once():
    from casekit.analysis.evaluation import paired_behaviour_rates

    baseline = pd.DataFrame({"visit_id": ["V1", "V1", "V2", "V3"], "observer": ["O2", "O1", "O1", "O1"],
                             "account_manager": ["AM1", "AM1", "AM1", "AM2"],
                             "behaviours": ["price_first", "asks_needs", "asks_needs;price_first", ""]})
    wave = pd.DataFrame({"visit_id": ["W1"], "account_manager": ["AM1"], "behaviours": [("asks_needs",)]})
    out = paired_behaviour_rates(baseline, wave, behaviours=("asks_needs", "price_first")).set_index(
        ["person_id", "measure"])
    assert out.loc[("AM1", "asks_needs"), "before"] == 1.0  # V1 as O1 recorded it, and V2
    assert out.loc[("AM1", "price_first"), "before"] == 0.5
    assert out.loc[("AM1", "asks_needs"), "after"] == 1.0 and out.loc[("AM1", "asks_needs"), "visits_before"] == 2
    assert np.isnan(out.loc[("AM2", "asks_needs"), "after"]) and out.loc[("AM2", "asks_needs"), "visits_after"] == 0
    glued = pd.concat([baseline.iloc[:2], baseline.iloc[2:].reset_index(drop=True)])  # row labels repeat
    pd.testing.assert_frame_equal(paired_behaviour_rates(glued, wave), paired_behaviour_rates(baseline, wave))
