"""The region report's findings and course-design tables: what a client reads."""

from __future__ import annotations

import re

import pytest

from casekit.analysis import engagement_findings
from casekit.reports.course import course_designs
from casekit.reports.course_tables import (
    design_composition,
    design_module_table,
    design_summary,
    design_timetable,
    findings_sentences,
    findings_table,
)


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def findings(sample):
    return engagement_findings(sample)


@pytest.fixture(scope="module")
def hebei(sample, findings):
    return {p: d.to_dict() for p, d in course_designs(sample, "hebei", findings).items()}


def test_findings_table_says_only_what_the_findings_claim(findings):
    table = findings_table(findings.table, "hebei", "account_manager")
    assert table.loc["行业", "与其他地区相比"] == "明显偏弱"  # planted, claimed
    rows = findings.table.loc[(findings.table["region"] == "hebei") & (findings.table["population"] == "account_manager")
                              & (findings.table["kind"] == "vs_other_regions")]
    assert (table["与其他地区相比"] == "明显偏弱").sum() == int((rows["claimed"] & (rows["direction"] == "weaker")).sum())
    assert set(table.to_numpy().ravel()) <= {"明显低于目标", "明显高于目标", "明显偏弱", "明显偏强", "无明显差异",
                                              "人数不足，不作判断", "—"}


def test_findings_sentences_put_the_weakest_first_and_say_when_nothing_is_claimed(findings):
    weakest = findings.weakest("hebei", "support_engineer")
    sentences = findings_sentences(findings.table, "hebei", "support_engineer", weakest)
    label = findings.table.loc[findings.table["dimension"] == weakest[0], "dimension_label"].iloc[0]
    assert f"“{label}”" in sentences[0]
    assert sentences[-1] == "与其他地区相比，没有哪个维度有明显差异。"
    for sentence in sentences[:-1]:
        assert re.search(r"n=\d+", sentence) and "区间" in sentence
        assert not re.search(r"[A-Za-z_]{3,}", sentence)  # plain Chinese, no identifiers


def test_design_tables_show_every_module_and_every_minute(hebei):
    for plan in hebei.values():
        modules = design_module_table(plan)
        assert list(modules.index) == [m["title"] for m in plan["modules"]]
        assert all(modules["依据"].str.len() > 20)
        timetable = design_timetable(plan)
        assert timetable["分钟"].sum() == round(plan["total_days"] * 360)
        assert set(timetable.index) == {f"第{s['day']}天{s['half']}" for s in plan["schedule"]}
        assert f"{plan['interactive_share']:.0%}" in design_summary(plan)


def test_composition_names_industries_cases_and_role_plays_without_doubled_labels(hebei):
    lines = design_composition(hebei["account_manager"])
    text = "\n".join(lines)
    assert "行业：" in text and "医院" in text  # Hebei's notes are full of 院长/病人
    assert "角色扮演：" in text
    for doubled in ("角色扮演：角色扮演", "专题：专题", "案例：案例："):
        assert doubled not in text


def test_the_reports_timetable_shows_the_manifests_clock_times():
    design = {"modules": [{"id": "m", "title": "模块"}], "schedule": [
        {"day": 1, "half": "上午", "minutes": 180, "start": "08:30", "end": "11:30",
         "activities": [{"type": "讲授", "title": "讲授：甲", "minutes": 180, "module": "m",
                         "start": "08:30", "end": "11:30"}]},
        {"day": 1, "half": "下午", "minutes": 180,
         "activities": [{"type": "讲授", "title": "讲授：乙", "minutes": 180, "module": "m"}]},
    ]}
    assert list(design_timetable(design).index) == ["第1天上午 08:30–11:30", "第1天下午"]


def test_the_clients_report_leaves_the_consultants_open_decisions_out(hebei):
    design = dict(hebei["account_manager"])
    design["uncovered"] = [{"decision": "角色扮演脚本需在开课前编写"}]
    assert any(line.startswith("待顾问确认：") for line in design_composition(design))
    client = design_composition(design, open_decisions=False)
    assert client and not any("待顾问确认" in line for line in client)
