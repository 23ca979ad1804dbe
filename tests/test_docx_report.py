"""The 调研报告 as Word: read back what a client opens (text, headings, tables, pictures, fonts)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from casekit.exceptions import ExportError
from casekit.reports.document import Bullets, Figure, Paragraph, ReportDocument, Section, Table
from casekit.reports.docx_report import report_docx_bytes, write_report_docx

HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"http://x\",\"点我\") A&B 控\x00制\x01字\x08符"
HOSTILE_SHOWN = "<script>alert(1)</script> =HYPERLINK(\"http://x\",\"点我\") A&B 控制字符"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _png(color: tuple[int, int, int], size: tuple[int, int] = (640, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _document() -> ReportDocument:
    summary = (
        "客户经理最薄弱的是需求挖掘：四成拜访在了解客户需求之前就开始介绍产品。",
        "以价格优惠开场的客户经理业绩明显较低，业绩好的客户经理很少这样做。",
        "主管对客户经理方案呈现的评价低于客户经理的自评。",
        HOSTILE,
    )
    recommendations = (
        "课程第一单元安排需求挖掘的分组练习，使用销售工具箱中的拜访计划表。",
        "用真实案例讨论价格谈判，帮助客户经理以价值而不是优惠开场。",
    )
    scores = pd.DataFrame({
        "维度": ["需求挖掘", "方案呈现", "异议处理", "关系维护", "行业知识", HOSTILE],
        "本地区": ["3.1", "3.4", "3.6", "4.0", "3.3", "3.0"],
        "全部地区": ["3.5", "3.5", "3.7", "3.9", "3.4", "3.2"],
    })
    course = pd.DataFrame({
        "单元": ["第一单元", "第二单元", "第三单元"],
        "主题": ["大客户需求分析", "方案呈现与价值表达", "价格谈判"],
        "时长": ["一天", "半天", "半天"],
    })
    sections = (
        Section("summary", "一、执行摘要", (
            Paragraph("本次调研的主要发现如下。", emphasis=True),
            Bullets(summary, numbered=True),
        )),
        Section("method", "二、调研背景与方法", (
            Paragraph("我们访谈了三十二位客户经理和八位主管，并随访了十二次客户拜访。"),
            Table(scores, title="各维度得分对比", note="注：少于五人的组不单独显示。"),
        ), (
            Section("method.sources", "（一）资料来源", (Bullets(("问卷调查", "个别访谈", "随访观察")),), (
                Section("method.sources.survey", "1. 问卷调查", (Paragraph("问卷共回收一百二十份。"),)),
            )),
        )),
        Section("findings", "三、主要发现", (
            Figure(_png((31, 119, 180)), "各维度得分对比", "comparison"),
            Figure(_png((255, 127, 14), (400, 800)), "客户经理的时间分配", "time_use"),
        )),
        Section("recommendations", "四、建议", (
            Bullets(recommendations, numbered=True),
            Table(course, title="客户经理课程一览"),
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
    return report_docx_bytes(report)


@pytest.fixture(scope="module")
def word(data):
    return Document(io.BytesIO(data))


def _paragraph_texts(word) -> list[str]:
    return [p.text for p in word.paragraphs]


def test_every_finding_and_recommendation_is_a_paragraph(word, report):
    texts = _paragraph_texts(word)
    for sentence in [*report.summary[:-1], *report.recommendations]:
        assert sentence in texts


def test_cover_names_title_client_engagement_period_and_region(word, report):
    cover = "\n".join(_paragraph_texts(word)[:12])
    for value in (report.title, report.client, report.engagement, report.period, report.region_name):
        assert value in cover
    assert word.core_properties.title == report.title


def test_sections_are_headings_by_depth_and_listed_in_the_contents(word, report, data):
    styles = {p.text: p.style.name for p in word.paragraphs}
    for top in report.sections:
        for level, section in top.walk():
            assert styles.get(section.title) == f"Heading {level}", section.title
    xml = _document_xml(data)
    assert "TOC \\o" in xml
    contents = _paragraph_texts(word)
    toc_at = contents.index("目录")
    first_heading = next(i for i, p in enumerate(word.paragraphs) if p.style.name == "Heading 1")
    assert "一、执行摘要" in contents[toc_at:first_heading]
    assert "（一）资料来源" in contents[toc_at:first_heading]


def test_tables_are_real_word_tables_with_a_repeated_shaded_header(word, report):
    scores = report.section("method").blocks[1].frame
    course = report.section("recommendations").blocks[1].frame
    assert len(word.tables) == 2
    for table, frame in zip(word.tables, (scores, course)):
        cells = [[c.text for c in row.cells] for row in table.rows]
        assert cells[0] == list(frame.columns)
        assert cells[1:] == [[v.replace("\x00", "").replace("\x01", "").replace("\x08", "") for v in row]
                             for row in frame.astype(str).values.tolist()]
        header = table.rows[0]._tr
        assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        fills = [tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") for tc in header.tc_lst]
        assert all(f is not None and f.get(qn("w:fill")) not in (None, "auto", "FFFFFF") for f in fills)
    texts = _paragraph_texts(word)
    assert "表1　各维度得分对比" in texts and "注：少于五人的组不单独显示。" in texts


def _document_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_every_run_with_chinese_text_has_an_east_asian_font(data):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", n)]
        checked = 0
        for name in parts:
            root = etree.fromstring(z.read(name))
            for run in root.iter(qn("w:r")):
                text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                if not CJK.search(text):
                    continue
                fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                assert fonts is not None and fonts.get(qn("w:eastAsia")), (name, text)
                checked += 1
    assert checked > 30


def test_figures_are_pictures_with_captions_scaled_to_the_page(word, report):
    pictures = word.inline_shapes
    assert len(pictures) == len(report.figures())
    page = word.sections[0]
    text_width = page.page_width - page.left_margin - page.right_margin
    text_height = page.page_height - page.top_margin - page.bottom_margin
    for picture in pictures:
        assert 0 < picture.width <= text_width and 0 < picture.height <= text_height
    tall = pictures[1]
    assert tall.height > tall.width  # the portrait chart keeps its shape
    texts = _paragraph_texts(word)
    assert "图1　各维度得分对比" in texts and "图2　客户经理的时间分配" in texts


def test_each_numbered_list_starts_again_at_one(word):
    numbering = word.part.numbering_part.element
    num_ids = []
    for p in word.paragraphs:
        num_pr = p._p.pPr.numPr if p._p.pPr is not None else None
        if p.style.name == "List Number" and num_pr is not None and num_pr.numId is not None:
            num_ids.append(num_pr.numId.val)
    lists = list(dict.fromkeys(num_ids))
    assert len(lists) == 2  # the findings and the recommendations
    for num_id in lists:
        num = numbering.num_having_numId(num_id)
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start is not None and start.get(qn("w:val")) == "1"


def test_footer_carries_a_page_number_field(word):
    footer = word.sections[0].footer._element
    fields = footer.findall(f".//{qn('w:fldSimple')}")
    assert any(f.get(qn("w:instr")).strip() == "PAGE" for f in fields)


def test_hostile_text_is_literal_text_and_forbidden_characters_are_dropped(word, data):
    texts = _paragraph_texts(word)
    assert HOSTILE_SHOWN in texts
    xml = _document_xml(data)
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "HYPERLINK" not in "".join(e.get(qn("w:instr")) or "" for e in word.element.iter(qn("w:fldSimple")))
    assert not [t for t in word.element.iter(qn("w:instrText")) if "HYPERLINK" in (t.text or "")]


def test_same_document_same_bytes_and_the_file_is_written(report, data, tmp_path):
    assert report_docx_bytes(_document()) == data
    path = write_report_docx(report, tmp_path / "out" / "report.docx")
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["report.docx"]  # no temporary left behind


def test_a_broken_figure_is_an_export_error_and_nothing_is_written(report, tmp_path):
    broken = ReportDocument(
        title=report.title, region_id="bj", region_name="北京", client="", engagement="", period="",
        summary=(), recommendations=(),
        sections=(Section("findings", "三、主要发现", (Figure(b"not a png", "坏图", "gaps"),)),),
    )
    with pytest.raises(ExportError, match="坏图"):
        write_report_docx(broken, tmp_path / "report.docx")
    assert not (tmp_path / "report.docx").exists()


def test_an_empty_document_still_opens(tmp_path):
    empty = ReportDocument(title="空报告", region_id="x", region_name="", client="", engagement="",
                           period="", summary=(), recommendations=())
    word = Document(io.BytesIO(report_docx_bytes(empty)))
    assert "空报告" in _paragraph_texts(word)


def test_a_wide_table_gets_a_landscape_page_and_the_text_after_it_goes_on_in_portrait():
    from docx.enum.section import WD_ORIENT

    wide = pd.DataFrame({f"第{i}列": [f"值{i}"] * 3 for i in range(1, 11)})
    report = ReportDocument(
        title="报告", region_id="bj", region_name="北京", client="", engagement="", period="",
        summary=(), recommendations=(),
        sections=(Section("appendix", "附录", (Paragraph("下表列出全部数值。"), Table(wide, title="全部数值"),
                                              Paragraph("表后的说明。"))),),
    )
    word = Document(io.BytesIO(report_docx_bytes(report)))
    orientations = [s.orientation for s in word.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = word.sections[1]
    assert landscape.page_width > landscape.page_height
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(wide.columns)
    text_width = landscape.page_width - landscape.left_margin - landscape.right_margin
    assert sum(col.width for col in table.columns) <= text_width * 1.001


def test_an_overlong_title_is_kept_whole_on_the_cover():
    long_title = "北京地区培训需求调研报告" * 30
    report = ReportDocument(title=long_title, region_id="bj", region_name="北京", client="", engagement="",
                            period="", summary=(), recommendations=())
    word = Document(io.BytesIO(report_docx_bytes(report)))
    assert long_title in _paragraph_texts(word)
