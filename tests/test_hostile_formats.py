"""Hostile bundle text in the Word report, the slides, the index page and the printed PDF.

Issue 14 probe. Bundle text (client, engagement, period, region and product names, quotes) may
carry control characters, a right-to-left override (U+202E) or markup that frames a local file;
a careless client may give a 5,000-character name. What held is not repeated here (markup is
text in every format, no network fetch by the printing browser, region ids like ``../../x`` are
refused by ``casekit validate``); what broke is:

* a client name ending in U+202E turned the report title beside it backwards in every slide
  footer (and reached Word, the index page's header line and its period);
* a table note or cell too long for a slide crashed the deck (negative row height) or ran off
  the slide (PowerPoint grows a row to fit its text);
* ``html_to_pdf`` printed a page that frames ``file:///etc/passwd`` with the file's content;
* (probing a region with no data) every region's method table counted the whole bundle's product
  catalogue (48 items) as the region's own.

The writers are called directly on small documents; the PDF test prints one tiny page.
"""

from __future__ import annotations

import io
import re
import subprocess

import pandas as pd
import pytest

from casekit.reports.document import (
    UNSHOWABLE,
    Paragraph,
    ReportDocument,
    Section,
    Table,
    plain_text,
)

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROLS = "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\ufffe\uffff\ud800"
TITLE = "河北地区培训需求调研报告"
LONG = "很长的产品名称" * 800


def _document(**kw) -> ReportDocument:
    fields = dict(title=TITLE, region_id="hebei", region_name="河北", client="华北网通",
                  engagement="转型业务营销体系培训调研", period="2008-08 至 2008-10",
                  summary=("政企客户经理的“行业”能力明显低于目标水平。",),
                  recommendations=("先补行业知识。",), sections=())
    fields.update(kw)
    return ReportDocument(**fields)


def _hostile_document() -> ReportDocument:
    evil = f"甲{CONTROLS}\u202e乙"
    table = pd.DataFrame({f"模块{CONTROLS}\u202e": [evil], "天数": ["1天"]})
    return _document(client=f"华北网通{CONTROLS}\u202e", engagement=f"转型\u202e调研{CONTROLS}",
                     period=f"2008\u2066年{CONTROLS}", summary=(evil,), recommendations=(evil,),
                     sections=(Section("summary", f"执行摘要{CONTROLS}", (Paragraph(evil),)),
                               Section("recommendations", "建议", (Table(table, title=evil, note=evil),))))


def _pptx_texts(data: bytes) -> list[list[str]]:
    from pptx import Presentation

    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append(texts)
    return slides


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_plain_text_drops_controls_and_direction_overrides_only():
    assert plain_text(f"华北{CONTROLS}\u202e网通\u2067<b>&\t\n") == "华北网通<b>&\t\n"
    assert plain_text(None) == ""
    assert UNSHOWABLE.search("普通文字 ABC 1.5") is None


def test_a_direction_override_in_the_client_name_turns_no_slide_footer_backwards():
    from casekit.reports.pptx_report import report_pptx_bytes

    slides = _pptx_texts(report_pptx_bytes(_hostile_document()))
    assert len(slides) >= 3
    for texts in slides:
        for text in texts:
            assert not UNSHOWABLE.search(text), f"unshowable character in slide text {text!r}"
    footers = [t for texts in slides[1:] for t in texts if TITLE in t]
    assert footers and all("华北网通" in t for t in footers), "every slide's footer names client and title"
    assert "甲乙" in "".join(slides[1])


def test_the_word_report_opens_with_neither_controls_nor_direction_overrides():
    from casekit.reports.docx_report import report_docx_bytes

    text = _docx_text(report_docx_bytes(_hostile_document()))
    assert not UNSHOWABLE.search(text)
    for shown in ("华北网通", "转型调研", "2008年", "执行摘要", "甲乙", TITLE):
        assert shown in text


@pytest.mark.parametrize("where", ["note", "cell", "header"])
def test_a_table_text_too_long_for_a_slide_is_cut_and_stays_on_it(where):
    from pptx import Presentation

    from casekit.reports.pptx_report import SLIDE_SIZE, report_pptx_bytes

    frame = pd.DataFrame({LONG if where == "header" else "模块": [LONG if where == "cell" else "行业知识"],
                          "天数": ["1天"]})
    table = Table(frame, title="课程模块", note=LONG if where == "note" else "")
    data = report_pptx_bytes(_document(sections=(Section("recommendations", "建议", (table,)),)))
    deck = Presentation(io.BytesIO(data))
    shown = []
    for slide in deck.slides:
        for shape in slide.shapes:
            assert 0 <= shape.top and shape.top + shape.height <= SLIDE_SIZE[1], "a shape runs off the slide"
            if shape.has_table:
                rows = shape.table.rows
                assert sum(row.height for row in rows) <= SLIDE_SIZE[1] - shape.top
                shown += [cell.text for row in rows for cell in row.cells]
            elif shape.has_text_frame:
                shown.append(shape.text_frame.text)
    cut = [t for t in shown if t.startswith("很长的产品名称")]
    assert cut and all(t.endswith("…") and len(t) < len(LONG) for t in cut), "the long text is cut with …"


def test_the_index_page_prints_bundle_text_without_direction_overrides(tmp_path):
    from casekit.reports.index import RegionEntry, write_index

    # manifest text casekit validate lets through (region names with such characters it refuses;
    # a lone surrogate cannot come out of a UTF-8 file)
    controls = CONTROLS.replace("\ud800", "")
    entry = RegionEntry(region_id="hebei", name="河北", status="ok")
    page = write_index(tmp_path, [entry], client="华北网通\u202e", engagement=f"转型调研\u202e{controls}",
                       period="2008-08 至 2008-10").read_text(encoding="utf-8")
    assert not UNSHOWABLE.search(page)
    assert "转型调研" in page and "2008-08 至 2008-10" in page and "华北网通" in page


def test_the_printed_pdf_embeds_no_local_file_even_from_a_page_that_frames_one(tmp_path):
    from casekit.reports.pdf import html_to_pdf

    page = tmp_path / "page.html"
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容 SECRET-4711", encoding="utf-8")
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><p>报告正文</p>'
                    f'<iframe src="{secret.as_uri()}"></iframe><object data="{secret.as_uri()}"></object>'
                    f'<embed src="{secret.as_uri()}">', encoding="utf-8")
    pdf = html_to_pdf(page, tmp_path / "page.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          text=True, encoding="utf-8").stdout
    assert "报告正文" in text
    assert "SECRET-4711" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "page.pdf", "secret.txt"]


# -- the method table of a region (found probing an empty region) ---------------------------------

@pytest.fixture(scope="module")
def sample_bundle():
    from casekit.intake import load_bundle
    from casekit.paths import SAMPLE_BUNDLE

    return load_bundle(SAMPLE_BUNDLE)


def _sources(bundle, region_id: str) -> pd.DataFrame:
    from types import SimpleNamespace

    from casekit.reports.summary import method_sources

    report = SimpleNamespace(bundle=bundle, region_id=region_id, notes_region_id=region_id, min_n=5)
    return method_sources(report)


def test_each_region_counts_its_own_products_not_the_bundles(sample_bundle):
    catalogue = sample_bundle.catalogue
    for region_id in ("hebei", "nanning"):
        sources = _sources(sample_bundle, region_id)
        row = sources.loc[sources["调研方式"] == "本地产品目录"]
        own = int((catalogue["region_id"] == region_id).sum())
        assert own < len(catalogue)
        assert row["份数/次数"].tolist() == [f"{own} 项"], f"{region_id}: {row.to_dict('records')}"
