"""The one-on-one interview outline (访谈大纲): evidence, open questions, time, privacy."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from conftest import MINI

from casekit.analysis import engagement_findings, region_gaps, segment_account_managers, segment_mix
from casekit.authoring.interview_outline import (
    BANK_PATH,
    InterviewOutline,
    draft_interview_outline,
    load_question_bank,
)
from casekit.domain import BEHAVIOURS, POPULATION_DIMENSIONS
from casekit.exceptions import AnalysisError, RegionError
from casekit.formatting import MINUS
from casekit.intake import load_bundle

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
TRUTH = yaml.safe_load((SAMPLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
STAFF_CODE = re.compile(r"\b(AM|SE|SM)\d+")
#: Yes/no or leading forms an open question must not take.
CLOSED = re.compile(r"吗[？?]?$|是不是|是否|对不对|有没有|能不能|会不会|难道")


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def segments(sample):
    return segment_account_managers(sample)


def _planted():
    return [(w["region"], w["population"], w["dimension"]) for w in TRUTH["region_weaknesses"]]


def _all_texts(outline: InterviewOutline) -> list[str]:
    return [t for s in outline.sections for t in (*s.questions, *s.probes)]


# -- evidence ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def findings(sample):
    return engagement_findings(sample)


@pytest.mark.parametrize(("region", "population", "dimension"), _planted())
def test_dimensions_follow_the_findings_order_of_need(sample, segments, findings, region, population, dimension):
    outline = draft_interview_outline(sample, region, population, segments=segments)
    first = next(s for s in outline.sections if s.kind == "dimension")
    # the first section is the findings' one "weakest", the rest follow Findings.order
    assert first.dimension == findings.weakest(region, population)[0]
    assert outline.dimensions == findings.order(region, population)[:3]
    assert not outline.generic and len(outline.dimensions) == 3
    # the purpose names the weakest dimension first
    assert outline.purpose.split("依次是：")[1].startswith(f"{first.title}（差距{MINUS}")
    # the planted weakness is probed; it comes first except in Tianjin (see the next test)
    assert dimension in outline.dimensions
    assert (first.dimension == dimension) == (region != "tianjin")
    # a planted weakness the findings claim is probed, and its section says so
    claimed = findings.claimed(region, population, kind="vs_other_regions", direction="weaker")
    if dimension in set(claimed["dimension"]):
        section = next(s for s in outline.sections if s.dimension == dimension)
        assert "经检验明显弱于其他地区" in section.evidence
        assert f"{region}:{population}:{dimension}:vs_other_regions" in section.findings


def test_tianjins_largest_shortfall_comes_before_its_regional_time_weakness(sample, findings):
    # Tianjin's planted weakness is 时间 against the other regions; its largest claimed shortfall
    # against the target is 行业, which the one definition of "weakest" puts first
    outline = draft_interview_outline(sample, "tianjin")
    assert outline.dimensions[:2] == ("industry", "time")
    rows = findings.region("tianjin").set_index("id")
    industry = rows.loc["tianjin:account_manager:industry:vs_required", "estimate"]
    time = rows.loc["tianjin:account_manager:time:vs_required", "estimate"]
    assert industry < time < 0


def test_nothing_claimed_says_no_clear_difference_and_probes_the_largest_gaps(sample, findings):
    none = dataclasses.replace(findings, table=findings.table.assign(claimed=False, direction="none"))
    outline = draft_interview_outline(sample, "hebei", "support_engineer", findings=none)
    assert "无明显差异" in outline.purpose and "假设" in outline.purpose
    gaps = findings.region("hebei").query("population == 'support_engineer' and kind == 'vs_required'")
    largest_gap_first = tuple(gaps.sort_values("estimate")["dimension"])
    assert outline.dimensions == largest_gap_first == none.order("hebei", "support_engineer")
    assert all(not s.claimed for s in outline.sections if s.kind == "dimension")
    assert all("无明显差异" in s.evidence for s in outline.sections if s.kind == "dimension")


def test_a_city_is_ordered_by_its_provinces_findings(sample, segments, findings):
    outline = draft_interview_outline(sample, "shijiazhuang")
    if outline.generic:
        pytest.skip("石家庄 has too few account managers to cite")
    assert outline.dimensions == tuple(d for d in findings.order("hebei", "account_manager")
                                       if d in outline.dimensions)
    assert any("按河北的结论排序" in n for n in outline.notes)


def test_sections_in_order_with_evidence(sample, segments):
    outline = draft_interview_outline(sample, "河北", segments=segments, n_dimensions=2)
    kinds = [s.kind for s in outline.sections]
    assert kinds == ["opening", "dimension", "dimension", "behaviour", "closing"]
    assert outline.sections[0].title == "开场" and outline.sections[0].minutes == 5
    assert outline.sections[-1].title == "收尾"
    assert outline.title == "河北 政企客户经理 一对一访谈大纲"
    industry = outline.sections[1]
    # 均分/要求/差距 as the report prints them, with the house minus sign
    assert "均分2.10" in industry.evidence and "目标水平4.00" in industry.evidence
    assert "经检验明显低于目标水平" in industry.evidence and industry.claimed
    assert f"差距{MINUS}1.90" in industry.evidence
    assert "-" not in industry.evidence


def test_a_dimension_that_meets_the_requirement_comes_last(sample):
    gaps = region_gaps(sample, "nanning")
    am = gaps.loc[gaps["population"] == "account_manager"].set_index("dimension")
    assert am.loc["communication", "gap"] > 0  # Nanning meets the requirement in communication
    outline = draft_interview_outline(sample, "nanning", n_dimensions=7)
    assert set(outline.dimensions) == set(am.index)
    assert outline.dimensions[-1] == "communication"
    assert "已达到目标水平" in outline.sections[-2].evidence
    assert "假设" not in outline.sections[-2].evidence  # met: nothing to check


# -- the behaviour types -----------------------------------------------------------------------


def test_segments_section_names_the_regions_most_common_types(sample, segments):
    assert segments.clear
    mix = segment_mix(segments, sample.manifest)
    for region in ("hebei", "shandong"):
        outline = draft_interview_outline(sample, region, segments=segments)
        section = next(s for s in outline.sections if s.kind == "behaviour")
        rows = mix.loc[mix["group_id"] == region]
        top = rows.loc[rows["count"] == rows["count"].max()].sort_values("segment").iloc[0]
        assert top["segment_name"] in section.note
        assert section.questions
        assert section.minutes >= 5


def test_no_behaviour_section_without_segments_or_for_other_populations(sample, segments):
    plain = draft_interview_outline(sample, "hebei")
    assert "behaviour" not in [s.kind for s in plain.sections]
    support = draft_interview_outline(sample, "hebei", "support_engineer", segments=segments)
    assert "behaviour" not in [s.kind for s in support.sections]


# -- open questions, time, privacy --------------------------------------------------------------


def test_bank_covers_every_dimension_and_behaviour_with_open_questions():
    bank = load_question_bank()
    for pop, dims in POPULATION_DIMENSIONS.items():
        entry = bank["populations"][pop]
        assert entry["opening"] and entry["closing"]
        for dim in dims:
            assert 3 <= len(entry["dimensions"][dim]["questions"]) <= 5
            assert entry["dimensions"][dim]["probes"]
    assert set(bank["behaviours"]) == set(BEHAVIOURS)
    for bid in ("price_first", "technical_jargon", "relationship_talk", "joint_visit"):
        assert any(bank["behaviours"][bid].values())
    texts = [q for e in bank["populations"].values()
             for q in (*e["opening"], *e["closing"],
                       *(t for d in e["dimensions"].values() for t in (*d["questions"], *d["probes"])))]
    texts += [t for b in bank["behaviours"].values() for v in b.values() for t in v]
    closed = [t for t in texts if CLOSED.search(t)]
    assert not closed, closed
    # in the seed's spirit: most dimension questions ask for a concrete, recent case
    main = [q for e in bank["populations"].values() for d in e["dimensions"].values() for q in d["questions"]]
    concrete = [q for q in main if re.search(r"最近|请讲|举|上周|例", q)]
    assert len(concrete) >= 0.75 * len(main), sorted(set(main) - set(concrete))


@pytest.mark.parametrize("minutes", [45, 60, 90])
def test_minutes_add_up(sample, segments, minutes):
    for region in sample.manifest.top_level_ids():
        outline = draft_interview_outline(sample, region, segments=segments, minutes=minutes)
        assert sum(s.minutes for s in outline.sections) == minutes
        assert all(s.minutes >= 5 for s in outline.sections)
        assert f"| 合计 | {minutes} |" in outline.to_markdown()


def test_too_short_an_interview_is_refused(sample):
    with pytest.raises(AnalysisError, match="too short"):
        draft_interview_outline(sample, "hebei", minutes=20)
    with pytest.raises(AnalysisError):
        draft_interview_outline(sample, "hebei", "销售经理不存在")
    with pytest.raises(RegionError):
        draft_interview_outline(sample, "火星")


def test_markdown_header_consent_and_no_personal_data(sample, segments):
    pii = [p["string"] for p in TRUTH["pii"]]
    for region in [*sample.manifest.top_level_ids(), "chengde"]:
        for pop in POPULATION_DIMENSIONS:
            md = draft_interview_outline(sample, region, pop, segments=segments).to_markdown()
            assert not STAFF_CODE.search(md)
            assert not [p for p in pii if p in md]
    md = draft_interview_outline(sample, "hebei", segments=segments).to_markdown()
    for text in ("# 河北 政企客户经理 一对一访谈大纲", sample.manifest.client, sample.manifest.engagement,
                 "日期", "访谈人（化名）", "受访人（化名）", "录音需征得同意", "不得出现姓名", "化名"):
        assert text in md


def test_deterministic(sample, segments):
    a = draft_interview_outline(sample, "tianjin", segments=segments)
    b = draft_interview_outline(sample, "tianjin", segments=segments)
    assert a == b and a.to_markdown() == b.to_markdown()


# -- no evidence: the generic outline ---------------------------------------------------------


def test_population_without_shown_data_gives_generic_outline_with_note():
    mini = load_bundle(MINI)  # every cell of the mini bundle has fewer than 5 people
    outline = draft_interview_outline(mini, "hebei", "support_engineer")
    assert outline.generic
    assert outline.dimensions == POPULATION_DIMENSIONS["support_engineer"]
    assert any("无法据此确定重点维度" in n for n in outline.notes)
    md = outline.to_markdown()
    assert "无法据此确定重点维度" in md
    assert not any(s.evidence for s in outline.sections)
    assert not re.search(r"\d\.\d\d", md)  # no score of a suppressed cell
    assert sum(s.minutes for s in outline.sections) == 60


def test_small_city_is_generic_and_cites_no_number(sample, segments):
    gaps = region_gaps(sample, "chengde")
    assert gaps.loc[gaps["population"] == "account_manager", "suppressed"].all()
    outline = draft_interview_outline(sample, "chengde", segments=segments)
    assert outline.generic
    assert outline.dimensions == POPULATION_DIMENSIONS["account_manager"]
    md = outline.to_markdown()
    assert not re.search(r"\d\.\d\d", md)
    assert "behaviour" not in [s.kind for s in outline.sections]


def test_custom_bank_is_checked(tmp_path):
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))
    raw["populations"]["account_manager"]["dimensions"]["time"]["questions"] = ["只有一个问题？"]
    bad = tmp_path / "bank.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AnalysisError, match="time"):
        load_question_bank(bad)
    raw = yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))
    raw["behaviours"]["shouting"] = {"often": ["请讲一个例子。"]}
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AnalysisError, match="shouting"):
        load_question_bank(bad)
