"""The day-by-day timetable (casekit.curriculum.schedule)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.curriculum import load_outlines
from casekit.curriculum.schedule import (
    ACTIVITY_TYPES,
    HALVES,
    MIN_INTERACTIVE_SHARE,
    SessionPlan,
    day_shares,
    module_minutes,
    schedule_course,
    schedule_notes,
    schedule_share,
)
from casekit.exceptions import CurriculumError

OUTLINES = load_outlines()


def module_dicts(outline, pick: str) -> list[dict]:
    """The contract's module dicts built from a seed outline, every module at its min/mid/max."""
    out = []
    for m in outline.modules:
        days = {"min": m.days_min, "mid": m.days_mid, "max": m.days_max}[pick]
        out.append({
            "id": m.module_id, "title": m.title, "days": days, "chapters": list(m.chapters),
            "topics": list(m.topics), "toolbox": list(m.toolbox),
            "cases": [{"title": c, "source": "seed", "id": None} for c in m.cases],
            "roleplays": [], "industries": [], "added_sessions": [], "emphasis": [],
        })
    return out


def check_invariants(modules: list[dict], sessions, plan: SessionPlan = SessionPlan()) -> None:
    """What every schedule promises, whatever its content."""
    day = plan.day_minutes
    total_days = sum(m["days"] for m in modules)
    assert sum(s.minutes for s in sessions) == int(total_days * day / 5 + 0.5 + 1e-9) * 5
    # sessions in order, morning then afternoon, each filled exactly, plan lengths but the last
    assert [(s.day, s.half) for s in sessions] == [(1 + i // 2, HALVES[i % 2]) for i in range(len(sessions))]
    for s in sessions[:-1]:
        assert s.minutes == plan.half_minutes(s.half)
    for s in sessions:
        assert sum(a.minutes for a in s.activities) == s.minutes
        for a in s.activities:
            assert a.kind in ACTIVITY_TYPES
            assert a.minutes % 5 == 0 and a.minutes >= 15, a
            assert a.interactive == (a.kind != "讲授")
            assert a.title.startswith(("讲授：", "案例讨论：", "角色扮演：", "练习：", "强化练习：", "专题练习：",
                                       "小组讨论：", "本地问题研讨：", "测验/复盘："))
    # module order preserved, every module present
    order = list(dict.fromkeys(a.module for s in sessions for a in s.activities))
    assert order == [m["id"] for m in modules]
    # every case and role-play of a module is in that module's activities
    for m in modules:
        titles = " ".join(a.title for s in sessions for a in s.activities if a.module == m["id"])
        for case in m.get("cases", []):
            text = case["title"] if isinstance(case, dict) else case
            assert text.split("：", 1)[-1] in titles, (m["id"], text)
        for rp in m.get("roleplays", []):
            assert rp["title"] in titles, (m["id"], rp["title"])
    # each day: local problems somewhere, recap last
    days = sorted({s.day for s in sessions})
    for d in days:
        acts = [a for s in sessions if s.day == d for a in s.activities]
        assert acts[-1].kind == "测验/复盘"
        assert any(a.kind == "本地问题研讨" for a in acts)
    # the shares are the minutes' shares, and a day below half is explained
    for d, share in day_shares(sessions).items():
        mins = [a for s in sessions if s.day == d for a in s.activities]
        assert share == pytest.approx(sum(a.minutes for a in mins if a.interactive) / sum(a.minutes for a in mins))
        if share < MIN_INTERACTIVE_SHARE:
            assert any(f"第{d}天互动时间只占" in n for n in schedule_notes(sessions))


@pytest.mark.parametrize("pick", ["min", "mid", "max"])
@pytest.mark.parametrize("population", list(OUTLINES))
def test_seed_outlines_schedule_fully_and_half_interactive(population, pick):
    modules = module_dicts(OUTLINES[population], pick)
    sessions = schedule_course(modules)
    check_invariants(modules, sessions)
    # the seed's content can always be practised: every day more than half interactive (seed: 超过一半)
    assert min(day_shares(sessions).values()) > MIN_INTERACTIVE_SHARE
    assert schedule_notes(sessions) == ()
    # with the default plan every module gets exactly its days x 360 minutes
    assert module_minutes(sessions) == {m["id"]: int(m["days"] * 360) for m in modules}


def test_to_dict_is_the_contract_shape_and_json_safe():
    modules = module_dicts(OUTLINES["account_manager"], "mid")
    sessions = schedule_course(modules)
    first = sessions[0].to_dict()
    assert list(first) == ["day", "half", "minutes", "activities"]
    assert first["day"] == 1 and first["half"] == "上午" and first["minutes"] == 180
    assert set(first["activities"][0]) == {"type", "title", "minutes", "interactive", "module"}
    json.dumps([s.to_dict() for s in sessions], ensure_ascii=False, allow_nan=False)


def test_case_titles_read_as_the_timetable_shows_them():
    modules = module_dicts(OUTLINES["account_manager"], "max")
    titles = [a.title for s in schedule_course(modules) for a in s.activities]
    assert "案例讨论：华夏宾馆的苦恼" in titles
    assert any(t.startswith("讲授：") and "客户的购买类型" in t for t in titles)


def test_composed_module_gets_roleplays_industries_toolbox_and_added_sessions():
    module = {
        "id": "am_industry_solutions", "title": "行业篇 行业解决方案销售", "days": 1.25,
        "chapters": ["酒店行业解决方案销售", "教育行业解决方案销售"],
        "topics": ["行业现状与业务特点", "行业需求分析"],
        "toolbox": ["客户管理表一～四"],
        "cases": [{"title": "华夏宾馆的苦恼", "source": "seed", "id": None}],
        "roleplays": [{"title": "院长拜访：医院信息化", "source": "library", "id": "rp1"}],
        "industries": [{"id": "hotel", "label": "酒店"}, {"id": "hospital", "label": "医院"}],
        "added_sessions": [{"title": "时间管理：拜访计划", "dimension": "time"}],
        "emphasis": ["价值销售：先谈客户价值再谈价格"],
    }
    sessions = schedule_course([module])
    check_invariants([module], sessions)
    titles = [a.title for s in sessions for a in s.activities]
    assert "角色扮演：院长拜访：医院信息化" in titles
    assert any("酒店行业解决方案销售" in t for t in titles)  # the chapter of a chosen industry
    assert any("医院行业解决方案销售" in t for t in titles)  # an industry the seed has no chapter for
    assert any(t.startswith("练习：运用客户管理表") for t in titles)
    assert any(t.startswith("专题练习：时间管理") for t in titles)
    assert any(t.startswith("强化练习：价值销售") for t in titles)


def test_lecture_only_module_is_converted_to_small_group_work():
    module = {"id": "m", "title": "电信的转型", "days": 1.0,
              "topics": ["转型对客户经理的挑战", "电信战略的转型", "销售职能的转型"]}
    sessions = schedule_course([module])
    check_invariants([module], sessions)
    assert day_shares(sessions)[1] >= 0.5
    assert any(a.title.startswith("小组讨论：") for s in sessions for a in s.activities)


def test_module_with_nothing_to_practise_says_why_instead_of_claiming_half():
    module = {"id": "m", "title": "电信的转型", "days": 1.0, "chapters": ["第一部分 电信的转型"]}
    sessions = schedule_course([module])
    check_invariants([module], sessions)
    share = day_shares(sessions)[1]
    assert share < 0.5  # the computed share tells the truth
    notes = schedule_notes(sessions)
    assert len(notes) == 1
    assert notes[0].startswith(f"第1天互动时间只占{int(share * 100)}%") and "「电信的转型」只有章节标题" in notes[0]
    assert sessions[-1].notes == notes  # said on the day's last session


def test_many_cases_in_little_time_run_in_parallel_groups():
    cases = [{"title": f"案例{i}的苦恼"} for i in range(8)]
    module = {"id": "m", "title": "行业篇", "days": 0.5, "topics": ["行业需求分析"], "cases": cases}
    sessions = schedule_course([module])
    check_invariants([module], sessions)
    discussions = [a for s in sessions for a in s.activities if a.kind == "案例讨论"]
    assert any("（分组并行）" in a.title for a in discussions)
    assert all(a.minutes >= 30 for a in discussions)


def test_other_session_lengths_and_clock_times():
    plan = SessionPlan(morning_minutes=210, afternoon_minutes=150, morning_start="08:30", afternoon_start="13:30")
    modules = module_dicts(OUTLINES["support_engineer"], "mid")
    sessions = schedule_course(modules, plan)
    check_invariants(modules, sessions, plan)
    assert sessions[0].minutes == 210 and sessions[1].minutes == 150
    times = sessions[0].times()
    assert times[0][0] == "08:30" and times[-1][1] == "12:00"
    assert sessions[1].times()[0][0] == "13:30"


def test_deterministic():
    modules = module_dicts(OUTLINES["sales_manager"], "mid")
    assert schedule_course(modules) == schedule_course([dict(m) for m in modules])


@pytest.mark.parametrize("kwargs, match", [
    ({"morning_minutes": 181}, "multiple of 5"),
    ({"afternoon_minutes": 60}, "between 90 and 300"),
    ({"morning_minutes": True}, "whole number"),
    ({"morning_start": "9:00"}, "HH:MM"),
    ({"morning_start": "09:00", "afternoon_start": "11:00"}, "expected 12:00 or later"),
])
def test_session_plan_is_validated(kwargs, match):
    with pytest.raises(CurriculumError, match=match):
        SessionPlan(**kwargs)


@pytest.mark.parametrize("modules, match", [
    ([], "non-empty list of modules"),
    ([{"id": "m", "title": "x", "days": 0.3}], "multiple of 0.25"),
    ([{"id": "m", "title": "x", "days": 0}], "positive"),
    ([{"id": "m", "title": "", "days": 1}], "'title'"),
    ([{"id": "m", "title": "x", "days": 1, "cases": [{"source": "seed"}]}], "non-empty 'title'"),
    ([{"id": "m", "title": "x", "days": 1}, {"id": "m", "title": "y", "days": 1}], "distinct module ids"),
])
def test_bad_modules_are_refused(modules, match):
    with pytest.raises(CurriculumError, match=match):
        schedule_course(modules)


# --------------------------------------------------------------------------------------------
# property: random lengths on the quarter-day grid and random content

_words = st.sampled_from(["客户", "需求", "产品", "价值", "方案", "拜访", "医院", "酒店", "价格", "流程"])
_text = st.lists(_words, min_size=1, max_size=4).map("".join)


@st.composite
def course(draw):
    n = draw(st.integers(1, 5))
    modules = []
    for k in range(n):
        modules.append({
            "id": f"m{k}", "title": f"模块{k}" + draw(_text),
            "days": draw(st.integers(1, 8)) * 0.25,
            "chapters": [f"第{k}章" + draw(_text)],
            "topics": [f"要点{k}-{i}" + draw(_text) for i in range(draw(st.integers(0, 12)))],
            "toolbox": [f"工具{k}-{i}" for i in range(draw(st.integers(0, 3)))],
            "cases": [{"title": f"案例{k}-{i}" + draw(_text)} for i in range(draw(st.integers(0, 9)))],
            "roleplays": [{"title": f"扮演{k}-{i}"} for i in range(draw(st.integers(0, 3)))],
            "emphasis": [f"强调{k}-{i}" for i in range(draw(st.integers(0, 2)))],
        })
    minutes = st.integers(18, 60).map(lambda x: x * 5)
    plan = SessionPlan(draw(minutes), draw(minutes)) if draw(st.booleans()) else SessionPlan()
    return modules, plan


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(course())
def test_property_any_course_is_scheduled_honestly(data):
    modules, plan = data
    sessions = schedule_course(modules, plan)
    check_invariants(modules, sessions, plan)
    # content that can be practised is always at least half interactive, every day
    if all(m["topics"] or m["cases"] or m["roleplays"] or m["toolbox"] or m["emphasis"] for m in modules):
        assert min(day_shares(sessions).values()) >= MIN_INTERACTIVE_SHARE
    # each module keeps its time (exact with the default plan; within 15 minutes otherwise)
    got = module_minutes(sessions)
    for m in modules:
        assert abs(got[m["id"]] - m["days"] * plan.day_minutes) < (1 if plan == SessionPlan() else 15)
    assert 0 <= schedule_share(sessions) <= 1


def test_start_times_reach_the_design_and_default_sessions_do_not_change_its_shape():
    """The manifest's morning_start / afternoon_start are written into the design (and so the timetable)."""
    plan = SessionPlan(morning_minutes=210, afternoon_minutes=150, morning_start="08:30", afternoon_start="13:30")
    modules = module_dicts(OUTLINES["support_engineer"], "mid")
    first, second = (s.to_dict() for s in schedule_course(modules, plan)[:2])
    assert (first["start"], first["end"]) == ("08:30", "12:00")
    assert (second["start"], second["end"]) == ("13:30", "16:00")
    assert first["activities"][0]["start"] == "08:30" and first["activities"][-1]["end"] == "12:00"
    plain = schedule_course(modules)[0].to_dict()
    assert set(plain) == {"day", "half", "minutes", "activities"}
    assert "start" not in plain["activities"][0]
