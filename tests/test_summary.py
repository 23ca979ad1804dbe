"""The 调研报告 as a document (casekit.reports.summary): summary, method, causes, recommendations, appendix."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from casekit.analysis import engagement_findings
from casekit.domain import POPULATIONS
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports.document import Bullets, Figure, Table, document_text
from casekit.reports.region_report import region_report, segment_types
from casekit.reports.summary import (
    SECTION_TITLES,
    distinct_sentences,
    gap_sentences,
    report_document,
    summary_sentences,
)


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def shared(sample, shared_sample_notes):
    """What every region's report reuses: findings, types, notes (computed once; the notes are the
    session's ``analyse_notes`` of the sample)."""
    segments, _ = segment_types(sample)
    return {"findings": engagement_findings(sample), "segments": segments, "notes": shared_sample_notes}


@pytest.fixture(scope="module")
def documents(sample, shared):
    return {region: report_document(region_report(sample, region, **shared))
            for region in ("beijing", "hebei", "shijiazhuang", "nanning")}


def _labels(findings, region, population):
    rows = findings.claimed(region, population)
    return list(dict.fromkeys(rows["dimension_label"]))


def test_sections_follow_the_structure_of_a_research_report(documents):
    doc = documents["beijing"]
    assert [s.title for s in doc.sections] == list(SECTION_TITLES.values())
    assert doc.title == "北京地区培训需求调研报告"


def test_the_summary_names_every_claimed_finding_in_the_order_of_need(sample, shared, documents):
    findings = shared["findings"]
    for region in ("beijing", "hebei", "nanning"):
        doc = documents[region]
        text = "\n".join(doc.summary)
        for population in POPULATIONS:
            for label in _labels(findings, region, population):
                assert f"“{label}”" in text, (region, population, label)
        # what sets the region apart comes first, then the gaps to the target
        distinct = distinct_sentences(findings, region, list(POPULATIONS))
        assert list(doc.summary[:len(distinct)]) == distinct
        gaps = gap_sentences(findings, region, list(POPULATIONS))
        # the gaps of an audience appear in Findings.order
        for population in POPULATIONS:
            name = POPULATIONS[population].label
            weak = findings.claimed(region, population, kind="vs_required", direction="weaker")
            label_of = dict(zip(weak["dimension"], weak["dimension_label"]))
            order = [label_of[d] for d in findings.order(region, population) if d in label_of]
            mentioned = [label for s in gaps if s.startswith(name + "的“")
                         for label in re.findall(r"“([^”]+)”", s)]
            assert mentioned == order, (region, population)


def test_each_summary_sentence_shows_the_scores_and_the_number_of_people(documents):
    for doc in documents.values():
        for sentence in doc.summary:
            if "明显" in sentence and "详见" not in sentence:
                assert re.search(r"（(本地区 |[^（）]*)\d+ 人", sentence), sentence
                if "无明显差异" not in sentence:
                    assert re.search(r"平均 \d\.\d\d 分", sentence), sentence
            assert not re.search(r"\d\.\d{3,}", sentence), sentence


def test_what_sets_a_region_apart_leads_the_summary(documents, shared):
    hebei = documents["hebei"]
    assert hebei.summary[0].startswith("政企客户经理的“行业”能力明显弱于其他地区")
    assert re.search(r"本地区 \d+ 人，其他地区 \d+ 人", hebei.summary[0])
    summary = hebei.section("summary")
    headings = [b.text for b in summary.blocks if getattr(b, "emphasis", False)]
    assert headings[:2] == ["本地区与其他地区相比", "与目标水平的差距"]
    # the sample's targets are casekit's defaults: the summary says they are not agreed yet
    texts = [b.text for b in summary.blocks if hasattr(b, "text")]
    assert any("尚未与客户逐项确认" in t for t in texts)


def test_nothing_claimed_says_no_clear_difference_with_n(sample, shared):
    findings = shared["findings"]
    quiet = dataclasses.replace(findings, table=findings.table.assign(claimed=False))
    lines = summary_sentences(quiet, "beijing", ["account_manager", "support_engineer"])
    assert re.fullmatch(r"与其他地区相比，本地区政企客户经理、支撑人员的各项能力均无明显差异"
                        r"（政企客户经理 \d+ 人、支撑人员 \d+ 人）。", lines[0])
    assert len(lines) == 3
    assert all("无明显差异" in line and re.search(r"（\d+ 人）", line) for line in lines[1:])
    hidden = dataclasses.replace(findings, table=findings.table.assign(hidden=True, claimed=False))
    assert summary_sentences(hidden, "beijing", ["account_manager"]) == [
        f"政企客户经理参与问卷的人数不足 {findings.min_n} 人，不作判断。"]


def test_the_method_counts_sources_and_hides_small_groups(documents):
    method = documents["beijing"].section("method")
    sources = next(b for b in method.blocks if isinstance(b, Table) and b.title == "调研来源").frame
    assert {"问卷调查", "工作随访", "360°评估", "本地产品目录"} <= set(sources["调研方式"])
    people = [v for v in sources["人数"] if v not in ("—",)]
    for value in people:
        number = re.match(r"\d+", value)
        assert value.startswith("<") or (number and int(number.group()) >= 5), value


def test_a_city_report_says_its_findings_are_the_provinces(documents):
    doc = documents["shijiazhuang"]
    limits = next(b for b in doc.section("method").blocks if isinstance(b, Bullets))
    assert any("河北全省" in item for item in limits.items)
    assert doc.summary == documents["hebei"].summary


def test_recommendations_lead_to_each_audiences_course(sample, shared, documents):
    doc = documents["hebei"]
    report = region_report(sample, "hebei", **shared)
    for population, design in report.designs.items():
        name = POPULATIONS[population].label
        course = [r for r in doc.recommendations if r.startswith(f"为{name}安排")]
        assert len(course) == 1
        total = design.to_dict()["total_days"]
        assert f"{total:g} 天课程" in course[0]
        for module in design.modules:
            assert f"「{module.title}」" in course[0]
    assert any("工具箱" in r for r in doc.recommendations)
    # the weakest dimension is trained in a module that trains it
    weakest = shared["findings"].weakest("hebei", "account_manager")
    line = next(r for r in doc.recommendations if r.startswith("政企客户经理差距最大的是"))
    module = re.search(r"「([^」]+)」", line).group(1)
    design = report.designs["account_manager"]
    assert set(weakest) & set(next(m for m in design.modules if m.title == module).dimensions)


def test_the_causes_quote_redacted_notes_and_the_strongest_links_of_each_sign(documents):
    causes = documents["hebei"].section("causes")
    text = "\n".join(item for _, sec in causes.walk() for b in sec.blocks if isinstance(b, Bullets)
                     for item in b.items)
    assert "往往也越高" in text and "往往越低" in text
    assert "以价格优惠开场" in text
    # excerpts of the notes are there, redacted: no name of the roster, placeholders instead
    excerpts = [line for line in text.splitlines() if "摘自" in line]
    assert excerpts
    roster = pd.read_csv(SAMPLE_BUNDLE / "_private" / "roster.csv", dtype=str).fillna("")
    names = {n for n in roster["name"] if len(n) >= 2} | {
        a for aliases in roster["aliases"] for a in re.split(r"[;；|]", aliases) if len(a) >= 2}
    assert not [n for n in names if n in text]


def test_key_charts_are_rendered_and_reproducible(sample, shared, documents):
    doc = documents["beijing"]
    keys = [f.key for f in doc.figures()]
    assert {"comparison", "gaps", "time_use"} <= set(keys)
    assert all(f.png.startswith(b"\x89PNG") for f in doc.figures())
    again = report_document(region_report(sample, "beijing", **shared))
    assert [f.png for f in again.figures()] == [f.png for f in doc.figures()]
    assert document_text(again) == document_text(doc)


def test_the_glossary_explains_every_analyst_term_the_appendix_uses(documents):
    appendix = documents["beijing"].section("appendix")
    glossary = next(b for b in appendix.blocks if isinstance(b, Table) and b.title == "术语表").frame
    terms = " ".join(glossary["术语"])
    for term in ("置信区间", "轮廓系数", "自助抽样", "等级相关"):
        assert term in terms


def test_no_figures_when_charts_are_not_wanted(sample, shared):
    doc = report_document(region_report(sample, "nanning", **shared), charts=False)
    assert doc.figures() == []
    assert not any(isinstance(b, Figure) for s in doc.sections for _, x in s.walk() for b in x.blocks)


def test_a_bundle_nobody_here_wrote_gives_a_whole_document(shared_foreign_bundle):
    bundle = shared_foreign_bundle
    region = bundle.manifest.top_level_ids()[0]
    doc = report_document(region_report(bundle, region), charts=False)
    assert doc.summary
    assert doc.recommendations
    assert document_text(doc).count("\n") > 20


def _without(doc, key):
    return dataclasses.replace(doc, sections=tuple(s for s in doc.sections if s.key != key))


def test_every_regions_document_passes_the_client_text_check(sample, documents):
    from casekit.reports.client_text import allowed_words_for, client_text_problems

    allowed = allowed_words_for(sample)
    for region, doc in documents.items():
        body = document_text(_without(doc, "appendix"))
        appendix = document_text(dataclasses.replace(doc, sections=(doc.section("appendix"),)))
        assert client_text_problems(body, allowed_words=allowed) == [], region
        assert client_text_problems(appendix, allowed_words=allowed, appendix=True) == [], region


def test_the_deck_shows_one_chart_per_audience_drawn_for_a_slide(documents):
    from pptx import Presentation

    from casekit.reports.pptx_report import report_pptx_bytes

    doc = documents["hebei"]
    titles = [f.title for f in doc.slide_figures]
    assert titles[:3] == [f"{POPULATIONS[p].label}：各能力与目标水平的差距" for p in POPULATIONS]
    deck = Presentation(__import__("io").BytesIO(report_pptx_bytes(doc)))
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == len({f.png for f in doc.slide_figures})


def test_excerpts_are_credited_as_records_and_never_doubly_quoted(sample, shared, documents):
    text = document_text(documents["hebei"])
    excerpts = [line for line in text.splitlines() if "】" in line and "摘自" in line]
    assert excerpts
    for line in excerpts:
        assert re.search(r"——((顾问备注，)?摘自|[^—]+的回答，摘自)[^—]*记录", line), line
        assert not re.search(r"“[^”]*“", line), line  # no quotation mark opened twice
    assert "——政企客户经理，" not in text  # the old credit read as the person's own words
    # an excerpt with quotation marks of its own is set in 「」; one with 「」 too gets no outer marks
    hebei = region_report(sample, "hebei", **shared)
    row = hebei.notes_quotes.iloc[:1]
    for quote, framed in (('客户经理问"那您怎么知道？"', '「客户经理问"那您怎么知道？"」——'),
                          ("他说「好」，又说“再看”", "】他说「好」，又说“再看”——"),
                          ("没细问。", "“没细问。”——")):
        doc = report_document(dataclasses.replace(hebei, notes_quotes=row.assign(quote=quote)), charts=False)
        assert framed in document_text(doc), quote
