"""The trainees' paired change (Kirkpatrick levels 2–4): planted changes are found with intervals
covering them, nothing is claimed from noise more often than the nominal rate, Phillips' rule for
people missing at follow-up, small groups hidden, and plain Chinese sentences even in the odd cases.
All data are simulated here with fixed seeds."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.evaluation import CHANGE_SCHEMA, paired_change
from casekit.exceptions import AnalysisError
from casekit.tables import validate_output

NAMES = {"beijing": "北京", "tianjin": "天津", "hebei": "河北"}
BEHAVIOURS = ("asks_needs", "price_first", "customer_language", "uses_toolbox")
#: The planted change: Beijing's account managers ask about needs on 25 points more visits.
PLANTED = {("beijing", "asks_needs"): 0.25}


def plain_chinese(sentence: str) -> bool:
    """No English word, no raw float, no NaN, no ASCII hyphen as a minus sign."""
    return (not re.search(r"[A-Za-z]", sentence.replace("n = ", ""))
            and not re.search(r"\d\.\d{3,}", sentence) and "-" not in sentence)


def trainees(seed: int, n: int = 30, missing: float = 0.0, planted=PLANTED) -> pd.DataFrame:
    """People × behaviours: baseline rates, follow-up = baseline + planted change + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for region in ("beijing", "tianjin", "hebei"):
        for i in range(n):
            gone = rng.random() < missing
            for behaviour in BEHAVIOURS:
                before = float(rng.uniform(0.2, 0.6))
                after = before + planted.get((region, behaviour), 0.0) + float(rng.normal(0, 0.12))
                rows.append({"person_id": f"{region[:2].upper()}{i:03d}", "region": region,
                             "measure": behaviour, "before": before, "after": np.nan if gone else after})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    return paired_change(trainees(2008), by="region", names=NAMES)


def test_the_planted_change_is_claimed_with_an_interval_covering_it(result):
    row = result.set_index(["region", "measure"]).loc[("beijing", "asks_needs")]
    assert row["claimed"] and row["direction"] == "up"
    assert row["ci_low"] <= 0.25 <= row["ci_high"]
    assert row["adj_low"] <= 0.25 <= row["adj_high"]
    assert row["adj_low"] <= row["ci_low"] and row["ci_high"] <= row["adj_high"]  # adjusted is wider
    assert row["sentence"].startswith("北京“提问挖掘需求”的随访出现率由")
    assert "升至" in row["sentence"] and "已按同时检验的数量校正" in row["sentence"]


def test_untouched_measures_are_not_claimed_and_say_so(result):
    untouched = result[~((result["region"] == "beijing") & (result["measure"] == "asks_needs"))]
    assert not untouched["claimed"].any()
    assert untouched["sentence"].str.contains("无明显变化").all()
    assert untouched["sentence"].str.contains("n = 30").all()


def test_the_table_has_its_declared_shape_and_plain_sentences(result):
    validate_output(result.drop(columns=["region"]), CHANGE_SCHEMA)
    assert len(result) == 3 * len(BEHAVIOURS)
    assert all(plain_chinese(s) for s in result["sentence"]), list(result["sentence"])


def test_the_same_input_gives_the_same_table():
    data = trainees(7)
    pd.testing.assert_frame_equal(paired_change(data, by="region"), paired_change(data, by="region"))


def test_noise_is_claimed_no_more_often_than_the_nominal_rate():
    """200 simulated evaluations with no change at all: the share claiming anything is near 5%."""
    rng = np.random.default_rng(16)
    n, measures, sims = 12, 5, 200
    any_claim = 0
    ids = [f"AM{i:03d}" for i in range(n)]
    for _ in range(sims):
        before = rng.uniform(0.2, 0.6, size=(measures, n))
        after = before + rng.normal(0, 0.1, size=(measures, n))
        table = pd.DataFrame({"person_id": ids * measures,
                              "measure": np.repeat([f"m{j}" for j in range(measures)], n),
                              "before": before.ravel(), "after": after.ravel()})
        any_claim += bool(paired_change(table)["claimed"].any())
    assert any_claim / sims <= 0.09  # nominal 0.05; 0.09 is three standard errors above it


def test_missing_trainees_count_as_no_change_beside_the_completers_figure():
    data = trainees(3, n=40, missing=0.25, planted={("beijing", "asks_needs"): 0.3})
    row = paired_change(data, by="region", names=NAMES).set_index(["region", "measure"]).loc[
        ("beijing", "asks_needs")]
    assert row["n_missing"] > 0 and row["n_paired"] + row["n_missing"] == row["n_baseline"] == 40
    # Phillips: the missing add zeros, so the figure shrinks by the completers' share
    assert row["itt_change"] == pytest.approx(row["change"] * row["n_paired"] / row["n_baseline"])
    assert 0 < row["itt_change"] < row["change"]
    assert row["itt_low"] < row["itt_change"] < row["itt_high"]
    assert f"另有 {row['n_missing']} 人培训后未回访" in row["sentence"]
    assert f"共 {row['n_baseline']} 人" in row["sentence"]


def test_a_few_missing_people_are_not_counted_out_loud():
    data = trainees(4, n=20)
    data.loc[data["person_id"].isin(["BE000", "BE001"]), "after"] = np.nan
    row = paired_change(data, by="region", names=NAMES).iloc[0]
    assert row["n_missing"] == 2
    assert "另有不足5人培训后未回访" in row["sentence"]
    assert "共" not in row["sentence"]  # the total would give the two away by subtraction


def test_a_group_below_the_threshold_shows_no_number():
    data = trainees(5, n=4)
    out = paired_change(data, by="region", names=NAMES)
    assert out["hidden"].all() and not out["claimed"].any()
    assert out["change"].isna().all() and out["itt_change"].isna().all()
    assert out["sentence"].str.contains("不足5人，不作判断").all()
    assert not out["sentence"].str.contains(r"\d+%").any()


def test_nobody_changing_is_said_plainly_not_as_nan():
    table = pd.DataFrame({"person_id": [f"AM{i}" for i in range(8)], "measure": "asks_needs",
                          "before": 0.5, "after": 0.5})
    row = paired_change(table).iloc[0]
    assert not row["claimed"] and np.isnan(row["p_value"])
    assert row["sentence"] == "“提问挖掘需求”的随访出现率前后相同，无明显变化（每人都没有变化，n = 8）。"


def test_everybody_changing_by_the_same_amount_gives_no_verdict():
    table = pd.DataFrame({"person_id": [f"AM{i}" for i in range(8)], "measure": "asks_needs",
                          "before": 0.25, "after": 0.5})
    sentence = paired_change(table).iloc[0]["sentence"]
    assert "无法估计可能范围" in sentence and "增加 25 个百分点" in sentence
    assert plain_chinese(sentence)


def test_scores_are_written_in_points_with_two_decimals():
    rng = np.random.default_rng(9)
    before = rng.normal(3.0, 0.5, 25)
    table = pd.DataFrame({"person_id": [f"AM{i}" for i in range(25)], "measure": "quiz",
                          "before": before, "after": before + 0.6 + rng.normal(0, 0.3, 25)})
    sentence = paired_change(table.assign(measure="self_rating"), units="score",
                             names={"self_rating": "自评得分"}).iloc[0]["sentence"]
    assert re.search(r"“自评得分”的平均分由 \d\.\d\d 分 升至 \d\.\d\d 分（增加 0\.\d\d 分", sentence)
    assert "已按同时检验的数量校正" not in sentence  # one test: nothing to adjust for


def test_bad_input_is_named():
    data = trainees(1, n=5)
    with pytest.raises(AnalysisError, match="more than one row per region × measure × person_id"):
        paired_change(pd.concat([data, data.head(1)]), by="region")
    with pytest.raises(AnalysisError, match="lacks column.*'after'"):
        paired_change(data.drop(columns="after"))
    with pytest.raises(AnalysisError, match="unit must be one of"):
        paired_change(data, by="region", units="euro")


def test_the_quiz_reads_as_a_share_of_the_points():
    table = pd.DataFrame({"person_id": [f"AM{i}" for i in range(6)], "measure": "quiz",
                          "before": [0.4, 0.5, 0.45, 0.35, 0.5, 0.4], "after": [0.7, 0.75, 0.7, 0.6, 0.8, 0.65]})
    assert paired_change(table).iloc[0]["sentence"].startswith("“知识测验”的得分率由 43% 升至 70%（增加 27 个百分点")


def test_each_group_can_be_its_own_family(result):
    from casekit.analysis.findings import bh_adjust

    data = trainees(2008)
    alone = paired_change(data, by="region", names=NAMES, family="group")
    for region, rows in alone.groupby("region"):
        np.testing.assert_allclose(rows["p_adjusted"], bh_adjust(rows["p_value"].to_numpy()))
    # fewer tests per family: the planted change's adjusted interval is narrower than across all regions
    def width(table: pd.DataFrame) -> float:
        row = table.set_index(["region", "measure"]).loc[("beijing", "asks_needs")]
        return row["adj_high"] - row["adj_low"]

    assert width(alone) < width(result)
    with pytest.raises(AnalysisError, match="family must be one of all, group"):
        paired_change(data, by="region", family="region")


def test_an_empty_table_gives_an_empty_result_of_the_declared_shape():
    empty = pd.DataFrame({"person_id": [], "region": [], "measure": [], "before": [], "after": []})
    out = paired_change(empty, by="region")
    assert out.empty and list(out.columns) == ["region", *CHANGE_SCHEMA.names]
