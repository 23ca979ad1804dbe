"""Shared DOCX helpers: East Asian fonts on styles and runs, bordered tables, reproducible saves."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pandas as pd
from docx.oxml.ns import qn

from casekit.authoring.docx_writer import (
    add_heading,
    add_paragraph,
    add_table,
    fixed_zip,
    new_document,
    save,
)


def _east_asia(element) -> str | None:
    rpr = element.find(qn("w:rPr"))
    rfonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def _document(font: str = "宋体") -> docx.document.Document:
    doc = new_document("河北转型产品营销工具箱", font=font)
    add_heading(doc, "一、产品×客户需求", level=1)
    add_paragraph(doc, "先问清客户的问题，再讲 ROI 之外的好处。")
    add_table(doc, pd.DataFrame({"产品": ["宽视界", "商务领航"], "增加收入": ["晚上关门后有人动仓库", None]}),
              blank_rows=2)
    return doc


def test_styles_and_runs_carry_the_east_asian_font_and_text_round_trips(tmp_path: Path):
    path = save(_document("黑体"), tmp_path / "out" / "工具箱.docx")
    doc = docx.Document(str(path))
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[name].element
        assert _east_asia(style) == "黑体", name
        rfonts = style.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
        assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override eastAsia
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(_east_asia(r._r) == "黑体" for r in runs)
    assert [p.text for p in doc.paragraphs] == [
        "河北转型产品营销工具箱", "一、产品×客户需求", "先问清客户的问题，再讲 ROI 之外的好处。"]
    table = doc.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["产品", "增加收入"], ["宽视界", "晚上关门后有人动仓库"], ["商务领航", ""], ["", ""], ["", ""]]
    assert all(r.bold for r in table.rows[0].cells[0].paragraphs[0].runs)
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert doc.core_properties.title == "河北转型产品营销工具箱"


def test_two_saves_of_the_same_document_are_byte_identical(tmp_path: Path):
    when = dt.datetime(2008, 10, 1)
    a = save(_document(), tmp_path / "a.docx", when=when)
    b = save(_document(), tmp_path / "b.docx", when=when)
    assert a.read_bytes() == b.read_bytes()
    props = docx.Document(str(a)).core_properties
    assert props.created.replace(tzinfo=None) == when and props.modified.replace(tzinfo=None) == when
    assert props.author == "casekit"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".casekit-written.json", "a.docx", "b.docx"]  # no temporary left


def test_fixed_zip_stamps_every_entry_and_keeps_content(tmp_path: Path):
    src = tmp_path / "x.zip"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("a.xml", "<a/>")
        z.writestr("b/c.xml", "中文")
    out = fixed_zip(src.read_bytes(), dt.datetime(2008, 8, 1))
    with zipfile.ZipFile(tmp_path / "x.zip") as before, zipfile.ZipFile(io.BytesIO(out)) as after:
        assert after.namelist() == before.namelist()
        assert all(i.date_time == (2008, 8, 1, 0, 0, 0) for i in after.infolist())
        assert after.read("b/c.xml").decode() == "中文"


def test_document_bytes_are_what_save_writes_and_page_numbers_are_a_footer_field(tmp_path: Path):
    from casekit.authoring.docx_writer import add_page_numbers, document_bytes

    doc = _document()
    add_page_numbers(doc)
    data = document_bytes(doc)
    assert save(doc, tmp_path / "a.docx").read_bytes() == data
    footer = docx.Document(io.BytesIO(data)).sections[0].footer._element
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE"]
    assert "".join(t.text for t in footer.iter(qn("w:t"))) == "第 1 页"
    assert all(_east_asia(r) == "宋体" for r in footer.iter(qn("w:r")))
