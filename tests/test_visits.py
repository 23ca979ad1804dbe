"""Ride-along analysis: time allocation, the estimated working week, visit profiles."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from conftest import MINI

from casekit.analysis.visits import (
    REPORTED_COLUMNS,
    TIME_COLUMNS,
    WEEK_COLUMNS,
    rounded_week,
    time_allocation,
    time_use_sentences,
    visit_profile,
)
from casekit.exceptions import AnalysisError
from casekit.intake import load_bundle
from casekit.reports.tables import time_allocation_table

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"


@pytest.fixture(scope="module")
def mini():
    return load_bundle(MINI)


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE)


@pytest.fixture(scope="module")
def am_types() -> pd.Series:
    truth = yaml.safe_load((SAMPLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    return pd.Series(truth["account_manager_type_of"])


def visit(person, region, top, on=60, travel=30, question=0.2, step=4,
          behaviours=(), outcome="advanced"):
    return {"region_id": region, "top_region_id": top, "account_manager": person,
            "funnel_step": step, "minutes_on_site": on, "minutes_travel": travel,
            "question_share": question, "behaviours": tuple(behaviours), "outcome": outcome}


def fake(manifest, visits, people=None, roles=("weekly_visits", "visit_time_share")):
    """A bundle of hand-written visits and background answers (people: id → (weekly, share %))."""
    people = people or {}
    respondents = pd.DataFrame(
        [{"respondent_id": p, "wv": w, "vts": s} for p, (w, s) in people.items()],
        columns=["respondent_id", "wv", "vts"])
    columns = {"weekly_visits": "wv", "visit_time_share": "vts"}
    codebook = SimpleNamespace(role_column=lambda role: columns[role] if role in roles else None)
    return SimpleNamespace(manifest=manifest, ride_alongs=pd.DataFrame(visits),
                           respondents=respondents, codebook=codebook)


def crowd(prefix, n, region, top, **kw):
    return [visit(f"{prefix}{i}", region, top, **kw) for i in range(n)]


# --------------------------------------------------------------------------------------------
# time allocation: hand-computed


def test_week_is_estimated_per_person_then_averaged(mini):
    # A: two visits (on 30+90 → 60 min, travel 20+40 → 30 min), 10 visits a week
    # B: one visit, 120 min on site, 60 travel, 2 visits a week; C–E: 60/30, 4 a week
    visits = [visit("A", "beijing", "beijing", on=30, travel=20),
              visit("A", "beijing", "beijing", on=90, travel=40),
              visit("B", "beijing", "beijing", on=120, travel=60),
              *crowd("P", 3, "beijing", "beijing", on=60, travel=30)]
    people = {"A": (10, 50), "B": (2, 50), "P0": (4, 50), "P1": (4, 50), "P2": (4, 50)}
    row = time_allocation(fake(mini.manifest, visits, people)).iloc[0]
    assert (row["group"], row["group_name"], row["n_people"], row["n_visits"]) == ("beijing", "北京", 5, 6)
    assert row["minutes_on_site"] == pytest.approx((30 + 90 + 120 + 180) / 6)   # mean per visit
    assert row["minutes_travel"] == pytest.approx((20 + 40 + 60 + 90) / 6)
    assert row["on_site_share"] == pytest.approx(420 / 630)
    # per person: A 10h on site + 5h travel, B 4h + 2h, each P 4h + 2h
    assert row["hours_on_site"] == pytest.approx((10 + 4 + 3 * 4) / 5)
    assert row["hours_travel"] == pytest.approx((5 + 2 + 3 * 2) / 5)
    assert row["hours_office"] == pytest.approx((25 + 34 + 3 * 34) / 5)
    assert row["weekly_visits"] == pytest.approx(24 / 5)
    assert row["share_on_site"] + row["share_travel"] + row["share_office"] == pytest.approx(1)
    # said 50% of the time visiting; observed field time: A 15/40, others 6/40
    assert row["visit_share_reported"] == pytest.approx(0.5)
    assert row["visit_share_observed"] == pytest.approx((15 + 4 * 6) / 40 / 5)
    assert row["visit_share_gap"] == pytest.approx(0.5 - 39 / 200)
    assert not row["suppressed"] and row["note"] == ""


def test_overbooked_week_is_capped_at_the_week_and_says_so(mini):
    visits = crowd("P", 5, "beijing", "beijing", on=200, travel=100)       # 5 h a visit
    people = {f"P{i}": (10, 80) for i in range(5)}                          # 50 h a week
    table = time_allocation(fake(mini.manifest, visits, people), week_hours=40)
    row = table.iloc[0]
    # 50 field hours scaled down to the 40-hour week, keeping the 2:1 split
    assert row["hours_on_site"] == pytest.approx(80 / 3) and row["hours_travel"] == pytest.approx(40 / 3)
    assert row["hours_office"] == 0 and row["n_capped"] == 5 and row["week_hours"] == 40
    assert row["share_office"] == 0
    assert row["share_on_site"] == pytest.approx(2 / 3)
    assert row["visit_share_observed"] == pytest.approx(1.0)
    assert "已按40小时计" in row["note"]
    sentence = time_use_sentences(table)[0]
    assert "每周按40小时计，约26.7小时在客户处、13.3小时在路上，其余约0小时" in sentence
    assert "都超过每周40小时，已按40小时计" in sentence


def test_estimated_hours_never_add_up_to_more_than_the_week(mini):
    # the type 4: some people's reported visits × observed minutes exceed the week,
    # others' do not; the group's hours as printed add up to the week, and the sentence says
    # why the estimate was cut and what it rests on
    visits = (crowd("H", 5, "beijing", "beijing", on=100, travel=40)           # 2 h 20 a visit
              + crowd("L", 5, "beijing", "beijing", on=40, travel=20))
    people = {**{f"H{i}": (20, 80) for i in range(5)},                         # 46.7 h a week
              **{f"L{i}": (10, 50) for i in range(5)}}                         # 10 h a week
    table = time_allocation(fake(mini.manifest, visits, people), week_hours=40)
    row = table.iloc[0]
    assert row["n_capped"] == 5 and row["n_estimated"] == 10
    assert row["hours_on_site"] + row["hours_travel"] + row["hours_office"] == pytest.approx(40)
    sentence = time_use_sentences(table)[0]
    hours = [float(h) for h in re.findall(r"([\d.]+)小时在(?:客户处|路上|办公室)", sentence)]
    assert len(hours) == 3 and sum(hours) == pytest.approx(40)
    assert "（10人，平均每周拜访15次）估算，每周按40小时计" in sentence
    assert "其中5人按自报拜访次数推算的外出时间超过每周40小时，已按40小时计" in sentence
    shown = time_allocation_table(table)["北京"]
    printed = [float(shown[k]) for k in ("估算每周在客户处（小时）", "估算每周在路上（小时）",
                                          "估算每周在办公室及其他（小时）")]
    assert sum(printed) == pytest.approx(float(shown["估算依据：假定每周工作（小时）"])) == pytest.approx(40)
    assert shown["估算依据：填写每周拜访次数的客户经理（人）"] == "10"
    assert shown["估算依据：自报每周拜访（次，平均）"] == "15"
    assert "已按40小时计" in shown["说明"]


def test_a_few_capped_people_are_not_counted_out_loud(mini):
    visits = (crowd("H", 2, "beijing", "beijing", on=200, travel=100)
              + crowd("L", 6, "beijing", "beijing", on=40, travel=20))
    people = {**{f"H{i}": (10, 80) for i in range(2)}, **{f"L{i}": (10, 50) for i in range(6)}}
    row = time_allocation(fake(mini.manifest, visits, people), week_hours=40).iloc[0]
    assert row["n_capped"] == 2
    assert "其中有部分人按自报拜访次数推算的外出时间超过每周40小时" in row["note"]
    assert "2人" not in row["note"]


def test_sample_weeks_add_up_to_forty_hours(sample, am_types):
    for table in (time_allocation(sample), time_allocation(sample, by="segment", segments=am_types)):
        shown = table.loc[~table["suppressed"]]
        total = shown["hours_on_site"] + shown["hours_travel"] + shown["hours_office"]
        assert (total.round(9) == 40).all()
        for _, row in shown.iterrows():
            assert sum(rounded_week(row)) == pytest.approx(40)


def test_week_columns_only_when_the_codebook_asks_for_them(mini):
    table = time_allocation(mini, min_n=0)
    assert list(table.columns) == [*TIME_COLUMNS, "suppressed", "note"]
    visits = crowd("P", 5, "beijing", "beijing")
    people = {f"P{i}": (5, 50) for i in range(5)}
    only_share = time_allocation(fake(mini.manifest, visits, people, roles=("visit_time_share",)))
    assert list(only_share.columns) == [*TIME_COLUMNS, *REPORTED_COLUMNS, "suppressed", "note"]
    assert only_share.at[0, "visit_share_reported"] == pytest.approx(0.5)
    assert math.isnan(only_share.at[0, "visit_share_observed"])
    both = time_allocation(fake(mini.manifest, visits, people))
    assert list(both.columns) == [*TIME_COLUMNS, *WEEK_COLUMNS, *REPORTED_COLUMNS, "suppressed", "note"]


def test_visit_time_share_entered_as_fraction_is_not_divided_again(mini):
    visits = crowd("P", 5, "beijing", "beijing")
    people = {f"P{i}": (5, 0.6) for i in range(5)}
    assert time_allocation(fake(mini.manifest, visits, people)).at[0, "visit_share_reported"] == pytest.approx(0.6)


# --------------------------------------------------------------------------------------------
# suppression


def test_group_of_four_people_shows_no_numbers(mini):
    visits = crowd("B", 6, "beijing", "beijing") + crowd("H", 4, "baoding", "hebei") \
        + crowd("S", 5, "shijiazhuang", "hebei")
    table = time_allocation(fake(mini.manifest, visits), by="city").set_index("group")
    small = table.loc["baoding"]
    assert small["suppressed"] and small["n_people"] == 4
    assert pd.isna(small["n_visits"]) and small[["minutes_on_site", "minutes_travel",
                                                 "on_site_share", "hours_on_site"]].isna().all()
    assert "不足5人" in small["note"]
    # 石家庄 has 5 people, but 河北 minus 石家庄 would reveal 保定's 4: hidden too
    assert table.loc["shijiazhuang", "suppressed"]
    assert "推算" in table.loc["shijiazhuang", "note"]
    assert not table.loc["beijing", "suppressed"]


def test_rest_of_five_keeps_the_big_city_shown(mini):
    visits = crowd("B", 5, "beijing", "beijing") + crowd("H", 4, "baoding", "hebei") \
        + crowd("S", 5, "shijiazhuang", "hebei") + [visit("X", "hebei", "hebei")]
    table = time_allocation(fake(mini.manifest, visits), by="city").set_index("group")
    assert not table.loc["shijiazhuang", "suppressed"]     # rest of 河北: 4 + 1 = 5 people
    assert list(table.index) == ["beijing", "hebei", "shijiazhuang", "baoding"]   # manifest order


def test_small_top_region_cannot_be_recovered_from_the_total(mini):
    visits = crowd("B", 6, "beijing", "beijing") + crowd("H", 3, "baoding", "hebei")
    bundle = fake(mini.manifest, visits)
    by_region = time_allocation(bundle).set_index("group")
    assert by_region["suppressed"].all()        # 全体 − 北京 would be 河北's 3 people
    assert not time_allocation(bundle, by="all").at[0, "suppressed"]


def test_estimate_hidden_when_too_few_reported_their_visits(mini):
    visits = crowd("P", 5, "beijing", "beijing")
    people = {f"P{i}": (5, 50) for i in range(4)}          # P4 did not answer
    row = time_allocation(fake(mini.manifest, visits, people)).iloc[0]
    assert not row["suppressed"] and row["minutes_on_site"] == 60
    assert row["n_estimated"] == 4 and pd.isna(row["hours_on_site"])
    assert "不估算工作周" in row["note"]
    assert time_use_sentences(time_allocation(fake(mini.manifest, visits, people)))[0].count("小时") == 0


def test_min_n_zero_shows_every_group(mini):
    table = time_allocation(mini, by="city", min_n=0)
    assert not table["suppressed"].any()
    assert set(table["group"]) == {"beijing", "baoding", "shijiazhuang"}


# --------------------------------------------------------------------------------------------
# arguments


def test_bad_arguments_are_refused(mini):
    with pytest.raises(AnalysisError, match="by must be"):
        time_allocation(mini, by="province")
    with pytest.raises(AnalysisError, match="segments"):
        time_allocation(mini, by="segment")
    with pytest.raises(AnalysisError, match="only used with by='segment'"):
        visit_profile(mini, segments=pd.Series({"13800000001": "a"}))
    with pytest.raises(AnalysisError, match="week_hours"):
        time_allocation(mini, week_hours=0)
    with pytest.raises(AnalysisError, match="confidence"):
        visit_profile(mini, confidence=95)


def test_people_without_a_segment_belong_to_no_group(mini):
    segments = pd.Series({"13800000001": "甲", "13800000004": "乙"})
    table = time_allocation(mini, by="segment", segments=segments, min_n=0)
    assert list(table["group_name"]) == ["乙", "甲"]          # sorted labels
    assert table["n_visits"].sum() == 2     # V003's account manager has no segment


# --------------------------------------------------------------------------------------------
# the sample bundle


def test_tianjin_travels_longest_and_the_sentence_says_so(sample):
    table = time_allocation(sample)
    assert table.loc[table["minutes_travel"].idxmax(), "group"] == "tianjin"
    sentences = time_use_sentences(table)
    assert len(sentences) == 6
    tianjin = next(s for s in sentences if s.startswith("天津"))
    travel = table.set_index("group").loc["tianjin"]
    assert f"路上平均{travel['minutes_travel']:.0f}分钟" in tianjin
    assert f"{round(travel['hours_travel'], 1)}小时在路上" in tianjin
    assert sentences[-1].startswith("各组中，天津")


def test_people_say_they_visit_more_than_the_ride_alongs_show(sample):
    row = time_allocation(sample, by="all").iloc[0]
    assert row["n_people"] == sample.ride_alongs["account_manager"].nunique()
    assert row["visit_share_gap"] > 0.1
    assert "高于随访观察估算" in time_use_sentences(time_allocation(sample, by="all"))[0]


def test_relationship_keepers_spend_longest_on_site(sample, am_types):
    table = time_allocation(sample, by="segment", segments=am_types).set_index("group")
    assert table["minutes_on_site"].idxmax() == "relationship_keeper"
    assert table["hours_office"].idxmin() == "relationship_keeper"
    assert table.loc["price_pusher", "minutes_on_site"] < 35


def test_no_sentence_for_suppressed_cities(sample):
    table = time_allocation(sample, by="city")
    shown = set(table.loc[~table["suppressed"], "group_name"])
    sentences = time_use_sentences(table)
    assert shown == {"北京", "天津", "南宁"}
    assert len(sentences) == len(shown) + 1
    hidden = set(table.loc[table["suppressed"], "group_name"])
    assert not any(name in s for s in sentences for name in hidden)


# --------------------------------------------------------------------------------------------
# visit profile


def test_consultants_ask_most_and_reach_furthest(sample, am_types):
    profile = visit_profile(sample, by="segment", segments=am_types)
    q = profile.questions.set_index("group")
    assert q["mean"].idxmax() == "consultant"
    others_high = q.drop(index="consultant")["ci_high"].max()
    assert q.loc["consultant", "ci_low"] > others_high
    assert (q["ci_low"] < q["mean"]).all() and (q["mean"] < q["ci_high"]).all()
    steps = profile.funnel.groupby("group")["mean_step"].first()
    assert steps.idxmax() == "consultant"


def test_funnel_is_a_funnel(sample):
    funnel = visit_profile(sample).funnel
    for _, group in funnel.groupby("group"):
        assert list(group["step"]) == list(range(1, 9))
        assert group["share"].sum() == pytest.approx(1)
        assert group["share_reached"].iloc[0] == pytest.approx(1)
        assert group["share_reached"].is_monotonic_decreasing
        assert group["mean_step"].iloc[0] == pytest.approx((group["step"] * group["share"]).sum())
    assert funnel.loc[funnel["step"] == 7, "stage_label"].iloc[0] == "成交"


def test_price_pushers_open_with_price(sample, am_types):
    b = visit_profile(sample, by="segment", segments=am_types).behaviours
    row = b.loc[(b["group"] == "price_pusher") & (b["behaviour"] == "price_first")].iloc[0]
    assert row["behaviour_label"] == "以价格优惠开场"
    assert row["rate"] > 0.8 and row["ci_low"] <= row["rate"] <= row["ci_high"]
    consultant = b.loc[(b["group"] == "consultant") & (b["behaviour"] == "price_first")].iloc[0]
    assert consultant["count"] == 0 and consultant["ci_high"] > 0     # zero rows are kept


def test_a_visit_counts_once_per_behaviour_and_questions_weigh_people(mini):
    visits = [visit("A", "beijing", "beijing", question=0.1, behaviours=("asks_needs", "asks_needs")),
              visit("A", "beijing", "beijing", question=0.1, behaviours=("asks_needs",)),
              visit("A", "beijing", "beijing", question=0.1, outcome="won"),
              *[visit(f"P{i}", "beijing", "beijing", question=0.5) for i in range(4)]]
    profile = visit_profile(fake(mini.manifest, visits))
    b = profile.behaviours.set_index("behaviour")
    assert b.at["asks_needs", "count"] == 2 and b.at["asks_needs", "rate"] == pytest.approx(2 / 7)
    assert profile.questions.at[0, "mean"] == pytest.approx((0.1 + 4 * 0.5) / 5)   # not 2.3/7
    outcomes = profile.outcomes.set_index("outcome")
    assert outcomes.at["won", "rate"] == pytest.approx(1 / 7)
    assert outcomes.at["won", "outcome_label"] == "成交"
    # Wilson interval of 0 of 7 visits at 95%: z²/(n+z²)
    z2 = 1.959963984540054 ** 2
    assert b.at["price_first", "ci_high"] == pytest.approx(z2 / (7 + z2))


def test_suppressed_group_has_rows_but_no_numbers(mini):
    profile = visit_profile(mini)        # 3 visits, 1–2 people per region
    for table in (profile.questions, profile.funnel, profile.behaviours, profile.outcomes):
        assert table["suppressed"].all()
        numbers = [c for c in ("mean", "count", "rate", "share", "ci_low") if c in table.columns]
        assert table[numbers].isna().all().all()
        assert table["n_visits"].isna().all()
    assert set(profile.questions["group_name"]) == {"北京", "河北"}
