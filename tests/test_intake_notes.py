"""notes/ (.md, .txt, .docx): front matter checks with line/paragraph numbers; text and tags kept."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pandas as pd
import pytest
from conftest import MINI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from casekit.intake import load_bundle, validate_bundle

GOOD = """---
id: N004
date: 2008-09-21
region: 保定
population: 客户经理
interviewee: 客户经理B09
method: 随访
---
# 随访复盘

客户说“先试用再说”。
"""


def test_notes_are_loaded_with_ids_dates_and_tags():
    notes = load_bundle(MINI).notes.set_index("note_id")
    assert notes.at["N001", "date"] == pd.Timestamp("2008-09-12")
    assert notes.at["N001", "tags"] == ("商务领航", "酒店", "价格战")
    assert notes.at["N003", "tags"] == ("过程管理", "目标分解")      # a ；-separated string
    assert notes.at["N002", "tags"] == ()
    assert notes.at["N002", "method"] == "demo_hall_visit"          # from 演示厅
    assert notes.at["N001", "top_region_id"] == "hebei"
    assert notes.at["N001", "text"] == "客户经理B07谈到，酒店客户最关心的是入住率。"
    assert notes.at["N001", "file"] == "notes/N001.md"


def test_note_with_body_heading_and_aliases(mini_copy):
    b = load_bundle(mini_copy({"notes/N004.md": GOOD}))
    n = b.notes.set_index("note_id").loc["N004"]
    assert (n["method"], n["population"]) == ("ride_along_debrief", "account_manager")
    assert n["text"].startswith("# 随访复盘")


def _note_problems(mini_copy, text, name="N004.md"):
    root = mini_copy({f"notes/{name}": text})
    return [(p.row, p.column, p.found) for p in validate_bundle(root) if p.file == f"notes/{name}"]


def test_id_must_match_file_name(mini_copy):
    assert _note_problems(mini_copy, GOOD, "N005.md") == [(2, "id", "N004")]


def test_missing_keys_are_each_reported(mini_copy):
    text = GOOD.replace("interviewee: 客户经理B09\n", "").replace("date: 2008-09-21\n", "")
    assert sorted(_note_problems(mini_copy, text)) == [(1, "date", "<missing>"), (1, "interviewee", "<missing>")]


def test_bad_method_date_region_population_point_at_their_lines(mini_copy):
    text = (GOOD.replace("method: 随访", "method: 座谈").replace("2008-09-21", "2008/9/21")
            .replace("region: 保定", "region: 廊坊").replace("客户经理\n", "经理\n"))
    assert _note_problems(mini_copy, text) == [
        (3, "date", "2008/9/21"), (4, "region", "廊坊"), (5, "population", "经理"), (7, "method", "座谈")]


def test_no_front_matter(mini_copy):
    problems = _note_problems(mini_copy, "# 访谈记录\n正文")
    assert problems == [(1, None, "# 访谈记录")]


def test_unclosed_front_matter(mini_copy):
    assert _note_problems(mini_copy, "---\nid: N004\n正文\n") == [(4, None, "end of file")]


# ---------------------------------------------------------------------------------------------
# notes as .txt and .docx (issue 5)


FIXTURE_NOTES = Path(__file__).parent / "fixtures" / "notes"
FRONT = ["---", "id: N004", "date: 2008-09-21", "region: 保定", "population: 客户经理",
         "interviewee: 客户经理B09", "method: 随访", "---"]


def _docx(paragraphs: list[str], *, table: list[list[str]] | None = None,
          extra: list[str] | None = None) -> bytes:
    """A Word file with one paragraph per item (``\\n`` is a line break), then a table and more."""
    document = docx.Document()
    for text in paragraphs:
        lines = text.split("\n")
        p = document.add_paragraph(lines[0])
        for line in lines[1:]:
            run = p.add_run()
            run.add_break()
            run.add_text(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    for text in extra or []:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _fixture_bundle(mini_copy):
    return mini_copy({f"notes/{p.name}": p.read_bytes() for p in FIXTURE_NOTES.glob("N1*")})


def test_fixture_notes_in_each_format_are_loaded(mini_copy):
    notes = load_bundle(_fixture_bundle(mini_copy)).notes.set_index("note_id")
    assert notes.loc[["N101", "N102", "N103"], "file"].tolist() == [
        "notes/N101.md", "notes/N102.txt", "notes/N103.docx"]
    n102 = notes.loc["N102"]                                          # GB18030, CRLF, from Notepad
    assert (n102["method"], n102["region_id"], n102["tags"]) == ("ride_along_debrief", "shijiazhuang",
                                                                 ("宽视界", "超市"))
    assert n102["text"].startswith("随访惠万家超市，用记事本整理。\n\n客户经理：王姐")
    assert "\r" not in n102["text"]
    n103 = notes.loc["N103"]
    assert (n103["population"], n103["tags"]) == ("support_engineer", ("演示厅", "技术语言"))
    assert n103["text"] == ("演示厅访谈\n\nQ: 你们怎么给客户经理讲产品？\n\n"
                            "A: 一般把厂家材料过一遍。\n讲完他们还是不会卖。\n\n"
                            "环节 | 现状\n产品培训 | 照本宣科\n\n备注：支撑人员讲的是技术语言。")
    assert notes.loc["N101", "text"].startswith("# 访谈记录")


BODY = "客户说“先试用再说”。\n第二行"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_plain_text_notes_in_notepad_encodings(mini_copy, encoding):
    text = "\r\n".join(FRONT) + "\r\n" + BODY + "\r\n"
    b = load_bundle(mini_copy({"notes/N004.txt": text.encode(encoding)}))
    n = b.notes.set_index("note_id").loc["N004"]
    assert (n["text"], n["file"], n["method"]) == (BODY, "notes/N004.txt", "ride_along_debrief")


def test_markdown_notes_may_be_gbk_too(mini_copy):
    text = "\n".join(FRONT) + "\n" + BODY
    notes = load_bundle(mini_copy({"notes/N004.md": text.encode("gbk")})).notes
    assert notes.set_index("note_id").at["N004", "text"] == BODY


def test_damaged_utf8_is_reported_not_guessed(mini_copy):
    data = ("\n".join(FRONT) + "\n" + BODY + "\n").encode("utf-8")
    data = data.replace("先试用".encode(), b"\xff\xfe\xfd")                # broken bytes on line 9
    assert _note_problems(mini_copy, data, "N004.txt") == [(9, None, "undecodable bytes b'\\xff\\xfe\\xfd\\xe5'")]


def test_docx_note_text_keeps_paragraphs_tables_and_line_breaks(mini_copy):
    data = _docx(FRONT + ["# 随访复盘", "客户说：\n先试用再说", "", "  "], table=[["问题", ""], ["价格", "贵"]],
                 extra=["下一步：约财务。"])
    n = load_bundle(mini_copy({"notes/N004.docx": data})).notes.set_index("note_id").loc["N004"]
    assert n["text"] == "# 随访复盘\n\n客户说：\n先试用再说\n\n问题\n价格 | 贵\n\n下一步：约财务。"
    assert (n["file"], n["method"], n["region_id"]) == ("notes/N004.docx", "ride_along_debrief", "baoding")


def test_docx_problems_name_the_paragraph(mini_copy):
    paragraphs = ["", ""] + [p.replace("2008-09-21", "2008/9/21") for p in FRONT] + ["正文"]
    paragraphs[6] = "population: 经理"                  # two empty paragraphs, then '---' is paragraph 3
    assert _note_problems(mini_copy, _docx(paragraphs), "N004.docx") == [
        (5, "date", "2008/9/21"), (7, "population", "经理")]
    wrong_id = _docx(FRONT + ["正文"])
    assert _note_problems(mini_copy, wrong_id, "N005.docx") == [(2, "id", "N004")]
    missing = _docx([p for p in FRONT if not p.startswith("date")] + ["正文"])
    assert _note_problems(mini_copy, missing, "N004.docx") == [(1, "date", "<missing>")]
    soft_breaks = _docx(["---\nid: N004\ndate: 2008/9/21", *FRONT[3:], "正文"])  # one paragraph, 3 lines
    assert _note_problems(mini_copy, soft_breaks, "N004.docx") == [(1, "date", "2008/9/21")]
    bad_yaml = _docx(FRONT[:3] + ["region: [保定"] + FRONT[4:])
    assert [r for r, _, _ in _note_problems(mini_copy, bad_yaml, "N004.docx")] == [5]


def test_docx_without_or_with_unclosed_front_matter(mini_copy):
    assert _note_problems(mini_copy, _docx(["访谈记录", "正文"]), "N004.docx") == [(1, None, "访谈记录")]
    assert _note_problems(mini_copy, _docx(FRONT[:-1]), "N004.docx") == [(7, None, "end of document")]
    assert _note_problems(mini_copy, _docx([]), "N004.docx") == [(1, None, "an empty document")]


def test_docx_front_matter_as_word_autocorrects_it(mini_copy):
    front = ["———", *FRONT[1:-1], "tags: [“商务领航”, ‘酒店’]", "–––"]           # dashes, smart quotes
    front[2] = "date:\u00a0“2008-09-21”"                                 # a no-break space
    n = load_bundle(mini_copy({"notes/N004.docx": _docx(front + ["正文"])})).notes.iloc[-1]
    assert (n["note_id"], n["date"], n["tags"], n["text"]) == ("N004", pd.Timestamp("2008-09-21"),
                                                               ("商务领航", "酒店"), "正文")


def _bordered(text: str) -> bytes:
    return parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6"/></w:pBdr>'
                     f'</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')


def _save(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_rules_turned_into_borders(mini_copy):
    document = docx.Document(io.BytesIO(_docx(FRONT[1:-1] + ["正文"])))
    body = document.element.body
    body.insert(0, _bordered(""))                                        # empty paragraph, border
    keys = [p for p in body.iterchildren() if p.tag.endswith("}p")]
    keys[-2].insert(0, parse_xml(f'<w:pPr {nsdecls("w")}><w:pBdr><w:bottom w:val="single"/></w:pBdr></w:pPr>'))
    n = load_bundle(mini_copy({"notes/N004.docx": _save(document)})).notes.set_index("note_id").loc["N004"]
    assert (n["method"], n["text"]) == ("ride_along_debrief", "正文")


def test_docx_tracked_changes_and_content_controls(mini_copy):
    document = docx.Document(io.BytesIO(_docx(FRONT + ["客户说"])))
    p = document.paragraphs[-1]._p
    p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="顾问" w:date="2008-09-22T00:00:00Z">'
                       '<w:r><w:t>先试用</w:t></w:r></w:ins>'))
    p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="顾问" w:date="2008-09-22T00:00:00Z">'
                       '<w:r><w:delText>不要</w:delText></w:r></w:del>'))
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:tab/><w:t>再说</w:t></w:r>'))
    document.element.body.insert(len(document.element.body) - 1, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>表单里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    n = load_bundle(mini_copy({"notes/N004.docx": _save(document)})).notes.set_index("note_id").loc["N004"]
    assert n["text"] == "客户说先试用\t再说\n\n表单里的段落"


def test_other_files_in_notes(mini_copy):
    root = mini_copy({"notes/N004.docx": b"not a zip", "notes/N005.doc": b"\xd0\xcf\x11\xe0",
                      "notes/~$N001.docx": b"\x00lock", "notes/N006.pdf": b"%PDF"})
    found = sorted((p.file, p.expected, p.found) for p in validate_bundle(root) if p.file.startswith("notes/"))
    assert [f[:2] for f in found] == [
        ("notes/N004.docx", "a Word document (.docx) that opens"),
        ("notes/N005.doc", "a note as .md, .txt or .docx"),
        ("notes/N006.pdf", "a note as .md, .txt or .docx")]
    assert found[1][2] == "N005.doc (save it as a Word .docx document)"


def test_same_id_in_two_formats_is_a_duplicate(mini_copy):
    root = mini_copy({"notes/N004.md": GOOD, "notes/N004.docx": _docx(FRONT + ["正文"])})
    found = [(p.file, p.column, p.expected) for p in validate_bundle(root) if p.file.startswith("notes/N004")]
    assert found == [("notes/N004.md", "id", "a unique value")]
