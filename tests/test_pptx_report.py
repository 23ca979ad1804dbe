"""The 调研报告 as a slide deck: read back what is presented (text, pictures, tables, fonts, bounds)."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from casekit.exceptions import ExportError
from casekit.reports.document import Bullets, Figure, Paragraph, ReportDocument, Section, Table
from casekit.reports.pptx_report import report_pptx_bytes, write_report_pptx

HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"http://x\",\"点我\") A&B 控\x00制\x01字\x08符"
HOSTILE_SHOWN = "<script>alert(1)</script> =HYPERLINK(\"http://x\",\"点我\") A&B 控制字符"
CJK = re.compile(r"[\u4e00-\u9fff]")
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _png(color: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _document(n_findings: int = 9) -> ReportDocument:
    findings = tuple(
        f"第{i}项发现：客户经理在需求挖掘上明显弱于产品介绍，约{10 + i}%的拜访在了解客户需求之前就开始报价，"
        f"而业绩较好的客户经理很少这样做。" for i in range(1, n_findings)
    )
    summary = (*findings, HOSTILE, "很长的一句话：" + "主管认为客户经理需要在拜访前准备行业资料并与客户的各个部门建立联系，" * 40)
    recommendations = (
        "课程第一单元安排需求挖掘的分组练习，使用销售工具箱中的拜访计划表。",
        "用真实案例讨论价格谈判，帮助客户经理以价值而不是优惠开场。",
        "为主管开设辅导课程，让主管在随访后给出具体反馈。",
    )
    course = pd.DataFrame({
        "单元": [f"第{i}单元" for i in range(1, 21)],
        "主题": ["大客户需求分析与拜访准备", "方案呈现与价值表达", "价格谈判", "客户关系维护"] * 5,
        "时长": ["一天", "半天", "半天", "半天"] * 5,
        "方法": ["案例讨论、角色扮演和课后辅导，结合本地区客户的真实情况"] * 20,
    })
    supervisors = pd.DataFrame({"单元": ["第一单元", "第二单元"], "主题": ["随访辅导", "业绩面谈"]})
    sections = (
        Section("summary", "一、执行摘要", (Bullets(summary, numbered=True),)),
        Section("findings", "三、主要发现", (
            Figure(_png((200, 200, 200), (800, 450)), "其他图表", "other"),
            Figure(_png((31, 119, 180), (800, 450)), "各维度得分对比", "comparison"),
            Figure(_png((255, 127, 14), (400, 900)), "客户经理的时间分配", "time_use"),
            Figure(_png((44, 160, 44), (1600, 300)), "能力差距", "gaps"),
        )),
        Section("recommendations", "五、建议", (Paragraph("建议如下。"), Bullets(recommendations, numbered=True)), (
            Section("recommendations.am", "（一）客户经理课程", (Table(course, title="客户经理课程一览",
                                                                    note="注：时长以半天为单位。"),)),
            Section("recommendations.sup", "（二）主管课程", (Table(supervisors, title="主管课程一览"),)),
        )),
    )
    return ReportDocument(
        title="北京地区培训需求调研报告", region_id="bj", region_name="北京", client="华北网通（样例）",
        engagement="大客户销售能力提升项目", period="2025年3月至4月", summary=summary,
        recommendations=recommendations, sections=sections,
    )


@pytest.fixture(scope="module")
def report() -> ReportDocument:
    return _document()


@pytest.fixture(scope="module")
def data(report) -> bytes:
    return report_pptx_bytes(report)


@pytest.fixture(scope="module")
def deck(data):
    return Presentation(io.BytesIO(data))


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def _titled(deck, prefix: str) -> list:
    return [s for s in deck.slides if s.shapes[0].has_text_frame and s.shapes[0].text_frame.text.startswith(prefix)]


def test_deck_is_16_9_and_opens_with_a_title_slide(deck, report):
    assert deck.slide_width * 9 == deck.slide_height * 16
    first = _slide_text(deck.slides[0])
    for value in (report.title, report.client, report.engagement, report.period):
        assert value in first
    assert deck.core_properties.title == report.title


def test_every_finding_and_recommendation_is_on_a_slide_in_order(deck, report):
    summary = "".join(_slide_text(s) for s in _titled(deck, "执行摘要"))
    positions = [summary.find(s.replace("\x00", "").replace("\x01", "").replace("\x08", ""))
                 for s in report.summary[:-1]]
    assert -1 not in positions and positions == sorted(positions)
    long_one = report.summary[-1]
    assert long_one[:40] in summary and long_one[-40:] in summary  # cut over slides, not lost
    recs = "".join(_slide_text(s) for s in _titled(deck, "建议"))
    for sentence in report.recommendations:
        assert sentence in recs
    assert len(_titled(deck, "执行摘要")) >= 3  # a long summary goes on over several slides


def test_nothing_runs_off_a_slide(deck):
    height, width = deck.slide_height, deck.slide_width
    for n, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (n, shape.name)
            assert shape.left + shape.width <= width, (n, shape.name)
            assert shape.top + shape.height <= height, (n, shape.name, _slide_text(slide)[:40])
            if shape.has_table:
                rows = sum(r.height for r in shape.table.rows)
                assert shape.top + rows <= height, (n, shape.name)


def test_key_charts_come_first_each_a_picture_scaled_to_fit(deck, report):
    pictures = [(s, sh) for s in deck.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    titles = [s.shapes[0].text_frame.text for s, _ in pictures]
    assert titles == ["各维度得分对比", "能力差距", "客户经理的时间分配", "其他图表"]
    by_title = {f.title: f for f in report.figures()}
    for (slide, picture), title in zip(pictures, titles):
        shown = Image.open(io.BytesIO(picture.image.blob)).size
        assert picture.image.blob == by_title[title].png
        assert abs(picture.width / picture.height - shown[0] / shown[1]) < 0.01  # not distorted
        below_title = slide.shapes[0].top + slide.shapes[0].height
        assert picture.top >= below_title


def test_course_tables_are_real_tables_with_the_header_repeated(deck, report):
    course = report.section("recommendations.am").blocks[0].frame
    slides = _titled(deck, "客户经理课程一览")
    assert len(slides) >= 2  # twenty rows do not fit on one slide
    rows = []
    for slide in slides:
        tables = [sh.table for sh in slide.shapes if sh.has_table]
        assert len(tables) == 1
        cells = [[c.text for c in r.cells] for r in tables[0].rows]
        assert cells[0] == list(course.columns)
        rows.extend(cells[1:])
    assert rows == course.values.tolist()
    assert "注：时长以半天为单位。" in _slide_text(slides[-1])
    assert len(_titled(deck, "主管课程一览")) == 1


def test_every_run_with_chinese_text_has_an_east_asian_and_a_latin_typeface(data):
    checked = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if not re.fullmatch(r"ppt/slides/slide\d+\.xml", name):
                continue
            for run in etree.fromstring(z.read(name)).iter(f"{{{A}}}r"):
                text = "".join(t.text or "" for t in run.iter(f"{{{A}}}t"))
                if not CJK.search(text):
                    continue
                rpr = run.find(f"{{{A}}}rPr")
                assert rpr is not None, text
                assert rpr.find(f"{{{A}}}ea") is not None and rpr.find(f"{{{A}}}ea").get("typeface"), text
                assert rpr.find(f"{{{A}}}latin") is not None, text
                checked += 1
    assert checked > 40


def test_hostile_text_is_literal_and_forbidden_characters_are_dropped(deck, data):
    summary = "".join(_slide_text(s) for s in _titled(deck, "执行摘要"))
    assert HOSTILE_SHOWN in summary
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/slides/slide"))
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "hlinkClick" not in xml


def test_same_document_same_bytes_and_the_file_is_written(report, data, tmp_path):
    assert report_pptx_bytes(_document()) == data
    path = write_report_pptx(report, tmp_path / "out" / "slides.pptx")
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["slides.pptx"]


def test_a_short_summary_stays_on_one_slide():
    short = _document(n_findings=3)
    short = ReportDocument(**{**short.__dict__, "summary": short.summary[:2], "sections": ()})
    deck = Presentation(io.BytesIO(report_pptx_bytes(short)))
    assert len(_titled(deck, "执行摘要")) == 1


def test_a_broken_figure_is_an_export_error_and_nothing_is_written(tmp_path):
    broken = ReportDocument(
        title="报告", region_id="bj", region_name="北京", client="", engagement="", period="",
        summary=(), recommendations=(),
        sections=(Section("findings", "三、主要发现", (Figure(b"\x89PNG broken", "坏图", "gaps"),)),),
    )
    with pytest.raises(ExportError, match="坏图"):
        write_report_pptx(broken, tmp_path / "slides.pptx")
    assert not (tmp_path / "slides.pptx").exists()


def test_overlong_titles_are_cut_with_an_ellipsis_and_stay_on_the_slide():
    long_title = "北京地区培训需求调研报告" * 30
    report = ReportDocument(
        title=long_title, region_id="bj", region_name="北京", client="华北网通" * 40,
        engagement="大客户销售能力提升项目" * 20, period="2025年3月至4月", summary=("一句话。",),
        recommendations=(), sections=(Section("findings", "三、主要发现", (
            Figure(_png((31, 119, 180), (800, 450)), "各维度得分对比" * 30, "comparison"),)),),
    )
    deck = Presentation(io.BytesIO(report_pptx_bytes(report)))
    first = _slide_text(deck.slides[0])
    assert "北京地区培训需求调研报告" in first and "…" in first and len(first) < len(long_title)
    chart_title = deck.slides[2].shapes[0].text_frame.text
    assert chart_title.startswith("各维度得分对比") and chart_title.endswith("…")
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.top + shape.height <= deck.slide_height


def test_each_list_of_the_summary_section_gets_its_own_titled_slides_with_its_caveat():
    from pptx import Presentation

    from casekit.reports.document import Bullets, Paragraph, ReportDocument, Section

    summary = Section("summary", "一、执行摘要", (
        Paragraph("本次调研……"),
        Paragraph("本地区与其他地区相比", emphasis=True), Bullets(("甲明显弱于其他地区。",), numbered=True),
        Paragraph("与目标水平的差距", emphasis=True), Paragraph("目标水平尚未与客户逐项确认。"),
        Bullets(("乙明显低于目标水平。",), numbered=True),
        Paragraph("主要建议", emphasis=True), Bullets(("为客户经理安排 3 天课程。",), numbered=True),
    ))
    doc = ReportDocument("北京地区培训需求调研报告", "beijing", "北京", "华北网通", "项目", "2008",
                         summary=("甲明显弱于其他地区。", "乙明显低于目标水平。"),
                         recommendations=("为客户经理安排 3 天课程。",), sections=(summary,))
    deck = Presentation(io.BytesIO(report_pptx_bytes(doc)))
    slides = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides]
    titled = {texts[0]: "\n".join(texts[1:]) for texts in slides if texts}
    assert "甲明显弱于其他地区。" in titled["执行摘要：本地区与其他地区相比"]
    gaps = titled["执行摘要：与目标水平的差距"]
    assert "乙明显低于目标水平。" in gaps and "目标水平尚未与客户逐项确认。" in gaps
    assert "为客户经理安排 3 天课程。" in titled["建议"]
    assert not any(title.startswith("执行摘要：主要建议") for title in titled)
