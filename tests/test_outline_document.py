"""The 课程大纲: what a client and a trainer read in the Word, Markdown and JSON editions.

The designs are written by hand in the shape of issue 12's contract (``CourseDesign.to_dict()``):
Hebei account managers over 3.5 days with 医院 and 酒店 as industries, a design with an open
decision (a weakness no module trains), and a hostile one whose every text field carries markup,
a spreadsheet formula, Markdown link syntax or very long text.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from casekit.exceptions import CurriculumError, EditedFileError, OutputFormatError
from casekit.reports.safe_html import escape_markdown
from casekit.reports.outline_document import (
    finding_words,
    outline_docx_bytes,
    outline_json,
    outline_markdown,
    write_outline,
)

F_SALES = "hebei:account_manager:sales:vs_other_regions"
F_INDUSTRY = "hebei:account_manager:industry:vs_required"
F_CUSTOMER = "hebei:account_manager:customer:vs_required"
F_TIME = "hebei:account_manager:time:vs_other_regions"
TRAINER_NOTE = "第一天上午先请学员各举一个本月丢单的例子，写在白板上，第三天复盘时回看。"
TEACHING_NOTE = "讨论的关键是院长关心的是病人排队，而不是带宽。"


def _session(day: int, half: str, *activities: tuple[str, str, int, str]) -> dict:
    return {"day": day, "half": half, "minutes": sum(a[2] for a in activities),
            "activities": [{"type": t, "title": title, "minutes": m, "interactive": t != "讲授", "module": mod}
                           for t, title, m, mod in activities]}


def hebei_design() -> dict:
    """河北 政企客户经理, 3.5 days, 行业篇 on 医院 and 酒店."""
    t, n, i = "am_transformation", "am_needs_basics", "am_industry_solutions"
    schedule = [
        _session(1, "上午", ("讲授", "电信战略的转型：从通信服务供应商到综合信息服务供应商", 60, t),
                 ("本地问题研讨", "学员本月丢单的原因", 60, t), ("案例讨论", "某县医院信息化项目为何被竞争对手拿走", 60, t)),
        _session(1, "下午", ("讲授", "销售职能的转型：从卖产品到卖方案", 50, t),
                 ("游戏/练习", "用一页纸向院长讲清综合信息服务", 70, t), ("测验/复盘", "第一天复盘", 60, t)),
        _session(2, "上午", ("讲授", "客户是如何作出购买决定的", 60, n), ("案例讨论", "华夏宾馆的苦恼", 120, n)),
        _session(2, "下午", ("讲授", "组织层面的需求分析：增加收入、减少成本、提高效率", 60, n),
                 ("角色扮演", "第二次拜访酒店总经理", 120, n)),
        _session(3, "上午", ("讲授", "政企客户采购成员中不同角色的需求差异", 40, n), ("游戏/练习", "画出医院的采购角色图", 50, n),
                 ("讲授", "医院行业现状与业务特点", 40, i), ("案例讨论", "保定某医院的混合组网", 50, i)),
        _session(3, "下午", ("讲授", "酒店行业需求分析", 50, i), ("角色扮演", "信息科主任说“别家便宜两成”", 90, i),
                 ("本地问题研讨", "学员手上的酒店客户", 40, i)),
        _session(4, "上午", ("讲授", "电信行业整体解决方案销售", 45, i), ("本地问题研讨", "为自己的一位医院客户写方案提纲", 90, i),
                 ("测验/复盘", "全课程测验与行动计划", 45, i)),
    ]
    return {
        "region": "hebei", "region_name": "河北", "audience": "account_manager", "audience_name": "政企客户经理",
        "title": "政企客户经理销售培训", "total_days": 3.5, "budget_days": 3.5, "budget_status": "fitted",
        "budget_note": "各模块时长之和正好等于预算3.5天。", "interactive_share": 0.68,
        "objectives": [
            {"text": "能把综合信息服务讲成客户的收益，而不是产品的功能。", "findings": [F_SALES]},
            {"text": "能说出医院和酒店这两类客户的采购角色和各自关心的问题。", "findings": [F_INDUSTRY, F_CUSTOMER]},
        ],
        "modules": [
            {"id": t, "title": "电信的转型", "part": "第一部分 电信的转型", "days": 1.0, "days_min": 0.5,
             "days_max": 1.0, "base_days": 0.75, "dimensions": ["sales", "product"], "dimension_labels": ["销售", "产品"],
             "need": 0.4, "findings": [F_SALES],
             "reason": "河北客户经理的销售能力明显弱于其他地区，本模块取上限1天。",
             "chapters": ["第一部分 电信的转型"],
             "topics": ["电信战略的转型：从通信服务供应商到综合信息服务供应商", "销售职能的转型：从卖产品到卖方案"],
             "toolbox": ["转型产品价值清单"], "cases": [], "roleplays": [], "industries": [], "products": [],
             "emphasis": ["多数学员开口先谈价格：每个练习都要求先讲客户收益再报价。"], "added_sessions": []},
            {"id": n, "title": "基础篇 客户需求分析", "part": "第二部分 客户需求分析", "days": 1.25, "days_min": 1.0,
             "days_max": 1.25, "base_days": 1.25, "dimensions": ["customer", "sales"], "dimension_labels": ["客户", "销售"],
             "need": 0.3, "findings": [F_CUSTOMER],
             "reason": "客户能力低于目标水平，保留1.25天。",
             "chapters": ["基础篇 客户需求分析"], "topics": ["客户是如何作出购买决定的", "个人的需求分析"],
             "toolbox": ["客户需求分析表"],
             "cases": [{"title": "华夏宾馆的苦恼", "source": "seed", "id": None, "industry": "酒店",
                        "reason": "方法原书的酒店案例，贴近河北学员的酒店客户。"}],
             "roleplays": [{"title": "第二次拜访酒店总经理", "source": "library", "id": "R002",
                            "reason": "来自保定的陪访记录。"}],
             "industries": [], "products": [], "emphasis": [], "added_sessions": []},
            {"id": i, "title": "行业篇 行业解决方案销售", "part": "第二部分 客户需求分析", "days": 1.25, "days_min": 1.0,
             "days_max": 1.25, "base_days": 1.0, "dimensions": ["industry", "customer"],
             "dimension_labels": ["行业", "客户"], "need": 0.5, "findings": [F_INDUSTRY],
             "reason": "行业能力与目标水平差距最大，本模块加0.25天。",
             "chapters": ["医院行业解决方案销售", "酒店行业解决方案销售"],
             "topics": ["行业现状与业务特点", "行业需求分析", "电信行业整体解决方案销售"],
             "toolbox": ["行业需求地图"],
             "cases": [{"title": "保定某医院的混合组网", "source": "library", "id": "C001", "industry": "医院",
                        "reason": "本地案例库中唯一的医院案例。", "teaching_notes": TEACHING_NOTE}],
             "roleplays": [{"title": "信息科主任说“别家便宜两成”", "source": "library", "id": "R001",
                            "reason": "价格异议是河北陪访中最常见的阻碍。"}],
             "industries": [{"id": "hospital", "label": "医院", "reason": "访谈中院长、病人排队反复出现。",
                             "evidence": "12次访谈中9次提到医院"},
                            {"id": "hotel", "label": "酒店", "reason": "陪访客户中酒店最多。",
                             "evidence": "陪访记录40家客户中11家为酒店"}],
             "products": [{"name": "商务领航·酒店版", "price": "每月450元", "value": "前台、客房和监控一条线"},
                          {"name": "全球眼·医院版", "price": "每路每月30元", "value": "病区和药房的远程看护"}],
             "emphasis": [],
             "added_sessions": [{"title": "拜访时间规划", "dimension": "time", "finding": F_TIME,
                                 "reason": "时间能力弱于其他地区，放在行业篇中练习拜访路线。"}]},
        ],
        "schedule": schedule,
        "uncovered": [],
        "decisions": [
            {"module": i, "text": "行业篇加0.25天，因为行业能力比目标水平低得最多。", "findings": [F_INDUSTRY]},
            {"module": t, "text": "电信的转型由标准方案0.75天延长到1天，因为销售能力弱于其他地区。", "findings": [F_SALES]},
            {"module": n, "text": "客户需求分析保持1.25天。", "findings": [F_CUSTOMER]},
        ],
        "method": "每个模块的时长在方法给出的范围内，按季度天取整；调研中明显的不足使对应模块加长，预算不足时按需要程度分配。",
        "trainer_notes": [{"module": t, "text": TRAINER_NOTE}],
    }


def uncovered_design() -> dict:
    """The same course where 时间 is a weakness no module trains: an open decision."""
    design = hebei_design()
    design["modules"][2]["added_sessions"] = []
    design["uncovered"] = [{"dimension": "time", "dimension_label": "时间", "finding": F_TIME,
                            "decision": "是否在行业篇中加半天拜访时间规划，或另开一天的时间管理课程。"}]
    return design


HOSTILE = [
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://evil.example/x\",\"点我\")",
    "[点我](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "a | b | c",
    "# 标题\n- 列表",
]
LONG = "很长的理由" * 400


def hostile_design() -> dict:
    """Every text a client file could supply carries a payload."""
    design = hebei_design()
    k = iter(range(10_000))

    def bad(text: str) -> str:
        return f"{text}{HOSTILE[next(k) % len(HOSTILE)]}"

    design["title"] = bad("政企客户经理销售培训")
    for module in design["modules"]:
        module["title"] = bad(module["title"])
        module["reason"] = bad(module["reason"])
        for item in module["cases"] + module["roleplays"]:
            item["title"], item["reason"] = bad(item["title"]), bad(item["reason"])
        for item in module["industries"]:
            item["reason"], item["evidence"] = bad(item["reason"]), bad(item["evidence"])
        for item in module["products"]:
            item["name"], item["price"] = bad(item["name"]), bad(item["price"])
    design["modules"][0]["reason"] = LONG
    for session in design["schedule"]:
        for activity in session["activities"]:
            activity["title"] = bad(activity["title"])
    design["objectives"][0]["text"] = bad(design["objectives"][0]["text"])
    return design


def _docx_texts(data: bytes, tmp_path: Path) -> tuple[list[str], list[list[list[str]]]]:
    path = tmp_path / "read.docx"
    path.write_bytes(data)
    doc = Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def _all_docx_text(data: bytes, tmp_path: Path) -> str:
    paragraphs, tables = _docx_texts(data, tmp_path)
    return "\n".join(paragraphs + [c for t in tables for row in t for c in row])


def _activities(design: dict):
    return [(s, a) for s in design["schedule"] for a in s["activities"]]


# -- what the client reads ----------------------------------------------------------------------


def test_markdown_has_title_objectives_timetable_modules_and_appendix():
    design = hebei_design()
    md = outline_markdown(design)
    assert md.startswith("# 河北 政企客户经理销售培训 课程大纲\n")
    for heading in ("一、课程目标", "二、培训对象", "三、课程时长", "四、课程日程", "五、课程模块", "六、待确认事项",
                    "附录　设计依据"):
        assert f"## {heading}" in md
    assert "共3.5天（预算3.5天）" in md and design["budget_note"] in md
    for objective in design["objectives"]:
        assert objective["text"] in md
    # objectives say which findings they answer, in plain words, never as raw ids
    assert "（依据：河北政企客户经理的销售能力与其他地区相比）" in md
    body = md.split("## 附录")[0]
    assert "account_manager" not in body and "vs_required" not in body
    for module in design["modules"]:
        assert f"模块{design['modules'].index(module) + 1}　{module['title']}" in md
        for chapter in module["chapters"]:
            assert chapter in md
    for day in (1, 2, 3, 4):
        assert f"| 第{day}天 |" in md
    assert "上午（180分钟）" in md and "下午（180分钟）" in md
    for _, activity in _activities(design):
        assert escape_markdown(activity["title"]) in md
    for decision in design["decisions"]:
        assert decision["text"] in md
    assert design["method"] in md


def test_timetable_rows_carry_type_minutes_and_module():
    design = hebei_design()
    md = outline_markdown(design)
    titles = {m["id"]: m["title"] for m in design["modules"]}
    table = [line for line in md.splitlines() if line.count("|") == 7 and "所属模块" not in line
             and not line.startswith("|---")]
    assert len(table) == len(_activities(design))  # one row per activity, nothing lost
    for line, (_, activity) in zip(table, _activities(design)):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[2:] == [activity["type"], activity["title"], str(activity["minutes"]),
                             titles[activity["module"]]]


def test_each_day_shows_its_interactive_share_computed_from_the_minutes():
    design = hebei_design()
    md = outline_markdown(design)
    for day in (1, 2, 3, 4):
        acts = [a for s, a in _activities(design) if s["day"] == day]
        share = sum(a["minutes"] for a in acts if a["type"] != "讲授") / sum(a["minutes"] for a in acts)
        assert f"第{day}天：{round(share * 100)}%" in md
    everything = [a for _, a in _activities(design)]
    total = sum(a["minutes"] for a in everything if a["interactive"]) / sum(a["minutes"] for a in everything)
    assert f"占课堂时间的{round(total * 100)}%" in md


def test_module_shows_length_adjustment_industries_products_cases_and_added_sessions():
    md = outline_markdown(hebei_design())
    industry = md.split("模块3　")[1].split("## 六、")[0]
    assert "1.25天（可调范围1–1.25天；标准方案1天，本地区调整+0.25天）" in industry
    assert "安排在：**第3天上午、第3天下午、第4天上午" in industry
    assert "医院：访谈中院长、病人排队反复出现。（调研所见：12次访谈中9次提到医院）" in industry
    assert "酒店：陪访客户中酒店最多。" in industry
    assert "| 商务领航·酒店版 | 每月450元 | 前台、客房和监控一条线 |" in industry
    assert "《保定某医院的混合组网》（行业：医院；来源：本地案例库）" in industry
    assert "拜访时间规划（训练时间）" in industry
    # a module without industries or products has no empty headings for them
    transformation = md.split("模块1　")[1].split("模块2　")[0]
    assert "重点行业" not in transformation and "本地产品" not in transformation
    assert "多数学员开口先谈价格" in transformation


def test_appendix_numbers_every_cited_finding_with_words_sentence_and_id():
    design = hebei_design()
    sentences = pd.DataFrame({"id": [F_SALES, F_INDUSTRY],
                              "sentence": ["河北客户经理的销售平均分比其他地区低0.42分（n=38，区间−0.61至−0.23）。",
                                           "行业平均分比目标水平低0.80分（n=38）。"]})
    md = outline_markdown(design, findings=sentences)
    appendix = md.split("## 附录")[1]
    cited = [F_SALES, F_INDUSTRY, F_CUSTOMER, F_TIME]  # order of first citation in the document
    for number, fid in enumerate(cited, 1):
        line = next(x for x in appendix.splitlines() if f"\\[{number}\\] " in x)
        assert finding_words(fid, design) in line
        assert "account" not in line  # the client edition carries no ids (the trainer edition does)
    assert "低0.42分（n=38，区间−0.61至−0.23）" in appendix
    # the references in the body point at those numbers
    assert "<sup>[1]</sup>" in md.split("## 二、")[0]
    assert "<sup>[2][3]</sup>" in md.split("## 二、")[0]


def test_open_decisions_are_listed_or_said_to_be_none(tmp_path):
    paragraphs, _ = _docx_texts(outline_docx_bytes(uncovered_design()), tmp_path)
    start = paragraphs.index("六、待确认事项")
    assert paragraphs[start + 2].startswith("时间：是否在行业篇中加半天拜访时间规划")
    assert paragraphs[start + 3] == "附录　设计依据"
    md = outline_markdown(uncovered_design())
    open_part = md.split("## 六、待确认事项")[1].split("## 附录")[0]
    assert "**时间：**是否在行业篇中加半天拜访时间规划" in open_part
    assert "河北政企客户经理的时间能力与其他地区相比" in md.split("## 附录")[1]
    assert "无。" in outline_markdown(hebei_design()).split("## 六、待确认事项")[1].split("## 附录")[0]


def test_trainer_edition_adds_notes_and_case_keys_the_client_edition_lacks(tmp_path):
    design = hebei_design()
    client, trainer = outline_markdown(design), outline_markdown(design, trainer=True)
    assert "讲师版" in trainer.splitlines()[0] and "讲师版" not in client
    for text in (TRAINER_NOTE, TEACHING_NOTE, "R001", "案例集讲师版"):
        assert text in trainer
        assert text not in client
    client_docx = _all_docx_text(outline_docx_bytes(design), tmp_path)
    trainer_docx = _all_docx_text(outline_docx_bytes(design, trainer=True), tmp_path)
    assert TRAINER_NOTE in trainer_docx and TEACHING_NOTE in trainer_docx and "讲师版" in trainer_docx
    assert TRAINER_NOTE not in client_docx and TEACHING_NOTE not in client_docx and "讲师版" not in client_docx


# -- Word -----------------------------------------------------------------------------------------


def test_docx_holds_the_same_content_with_a_real_timetable_table(tmp_path):
    design = hebei_design()
    paragraphs, tables = _docx_texts(outline_docx_bytes(design), tmp_path)
    assert paragraphs[0] == "河北 政企客户经理销售培训 课程大纲"
    text = "\n".join(paragraphs)
    for module in design["modules"]:
        assert any(p.endswith(module["title"]) and p.startswith("模块") for p in paragraphs)
    for objective in design["objectives"]:
        assert objective["text"] in text
    for decision in design["decisions"]:
        assert decision["text"] in text
    assert "共3.5天（预算3.5天）。" in paragraphs
    timetable = next(t for t in tables if t[0][:2] == ["日期", "时段"])
    assert timetable[0] == ["日期", "时段", "形式", "内容", "分钟", "所属模块"]
    assert len(timetable) == 1 + len(_activities(design))
    titles = {m["id"]: m["title"] for m in design["modules"]}
    for row, (session, activity) in zip(timetable[1:], _activities(design)):
        # merged day / half cells read back as the same text on every row they span
        assert row[0] == f"第{session['day']}天"
        assert row[1] == f"{session['half']}（{session['minutes']}分钟）"
        assert row[2:] == [activity["type"], activity["title"], str(activity["minutes"]), titles[activity["module"]]]
    # the appendix: every decision, then the index of findings with the ids in small print
    appendix = paragraphs[paragraphs.index("附录　设计依据"):]
    index = [p for p in appendix if p.startswith("[")]
    assert [p.split(" ")[0] for p in index] == ["[1]", "[2]", "[3]", "[4]"]
    assert index[0] == f"[1] {finding_words(F_SALES, design)}"  # client edition: no id
    trainer = outline_docx_bytes(design, trainer=True)
    (tmp_path / "trainer.docx").write_bytes(trainer)
    assert any(p.text == f"[1] {finding_words(F_SALES, design)}（编号 {F_SALES}）"
               for p in Document(str(tmp_path / "trainer.docx")).paragraphs)
    doc = Document(str(tmp_path / "read.docx"))
    small = [p for p in doc.paragraphs if p.text in index]
    assert small and all(r.font.size.pt == 8 for p in small for r in p.runs)
    products = next(t for t in tables if t[0] == ["产品", "价格", "客户价值"])
    assert products[1] == ["商务领航·酒店版", "每月450元", "前台、客房和监控一条线"]


def test_docx_runs_carry_the_east_asian_font_and_pages_are_numbered(tmp_path):
    path = tmp_path / "o.docx"
    path.write_bytes(outline_docx_bytes(hebei_design(), trainer=True))
    doc = Document(str(path))
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert len(runs) > 100
    missing = [r.text for r in runs if r._r.find(qn("w:rPr")) is None
               or r._r.find(qn("w:rPr")).find(qn("w:rFonts")) is None
               or r._r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) != "宋体"]
    assert missing == []
    footer = doc.sections[0].footer._element
    fields = footer.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
    assert "".join(t.text for t in footer.iter(qn("w:t"))) == "第 1 页"


def test_same_design_same_bytes(tmp_path):
    design = hebei_design()
    assert outline_docx_bytes(design) == outline_docx_bytes(copy.deepcopy(design))
    assert outline_markdown(design) == outline_markdown(copy.deepcopy(design))
    assert outline_docx_bytes(design, trainer=True) != outline_docx_bytes(design)
    a = write_outline(design, tmp_path / "a" / "课程大纲.docx")
    b = write_outline(design, tmp_path / "b" / "课程大纲.docx")
    assert a.read_bytes() == b.read_bytes()


# -- hostile text ---------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_hostile_text_is_inert_in_markdown():
    markdown_it = pytest.importorskip("markdown_it")
    design = hostile_design()
    md = outline_markdown(design)
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    parser = _Elements()
    parser.feed(html)
    assert set(parser.tags) <= {"h1", "h2", "h3", "p", "strong", "ol", "ul", "li", "sup", "small",
                                "table", "thead", "tbody", "tr", "th", "td"}
    assert parser.attrs == [] or set(parser.attrs) <= {"style"}
    # the payloads are shown as written, and the timetable keeps its six columns on every row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[点我](javascript:alert(1))" in html.replace("\\", "")
    assert "=HYPERLINK(" in html
    assert LONG in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    timetable = [r for r in rows if r.count("<td") == 6 or r.count("<th") == 6]
    assert len(timetable) == 1 + len(_activities(design))
    assert all(r.count("<td") in (0, 6) for r in timetable)
    # a line break in a title does not start a heading or a list of its own
    assert "<h1>标题" not in html and "<li>列表" not in html


def test_hostile_text_is_plain_text_in_word(tmp_path):
    design = hostile_design()
    data = outline_docx_bytes(design)
    text = _all_docx_text(data, tmp_path)  # writes tmp_path / "read.docx"
    assert '=HYPERLINK("http://evil.example/x","点我")' in text
    assert "<script>alert(1)</script>" in text and LONG in text
    path = tmp_path / "read.docx"
    doc = Document(str(path))
    body = doc.element.body
    assert body.findall(".//" + qn("w:hyperlink")) == []
    assert body.findall(".//" + qn("w:fldSimple")) == [] and body.findall(".//" + qn("w:instrText")) == []
    assert not [r for r in doc.part.rels.values() if "hyperlink" in r.reltype]


def test_control_characters_from_data_are_dropped_not_fatal(tmp_path):
    design = hebei_design()
    design["modules"][0]["title"] = "电信\x00的\x0b转型"
    assert "模块1　电信的转型" in _all_docx_text(outline_docx_bytes(design), tmp_path)


# -- files ----------------------------------------------------------------------------------------


def test_write_outline_chooses_the_format_by_suffix(tmp_path):
    design = hebei_design()
    md = write_outline(design, tmp_path / "课程大纲.md")
    assert md.read_text(encoding="utf-8") == outline_markdown(design)
    docx_path = write_outline(design, tmp_path / "课程大纲.DOCX", trainer=True)
    assert Document(str(docx_path)).paragraphs[0].text.endswith("（讲师版）")
    js = write_outline(design, tmp_path / "课程大纲.json")
    raw = js.read_text(encoding="utf-8")
    assert json.loads(raw) == design
    assert "河北" in raw and "\\u" not in raw  # Chinese as is
    assert raw == json.dumps(design, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    with pytest.raises(OutputFormatError, match=r"outline --out .*课程大纲\.pdf: cannot write a \.pdf file; "
                                                r"supported: \.docx, \.md, \.json"):
        write_outline(design, tmp_path / "课程大纲.pdf")
    assert not (tmp_path / "课程大纲.pdf").exists()


def test_json_refuses_nan():
    design = hebei_design()
    design["interactive_share"] = float("nan")
    with pytest.raises(CurriculumError, match="not JSON-safe"):
        outline_json(design)


def test_not_a_design_is_refused_with_what_was_expected():
    with pytest.raises(CurriculumError, match=r"lacks 'modules', 'schedule'"):
        outline_markdown({"title": "x"})
    with pytest.raises(CurriculumError, match="is a mapping, found list"):
        outline_markdown([])
    bad = hebei_design()
    bad["modules"][0]["cases"] = "华夏宾馆"
    with pytest.raises(CurriculumError, match="cases must be a list, found str"):
        outline_markdown(bad)


@pytest.mark.parametrize("name", ["课程大纲.docx", "课程大纲.md"])
def test_an_edited_outline_is_not_replaced_unless_forced(tmp_path, name):
    path = tmp_path / name
    write_outline(hebei_design(), path)
    write_outline(uncovered_design(), path)  # casekit's own earlier file: replaced
    edited = path.read_bytes() + b"\n"
    path.write_bytes(edited)
    with pytest.raises(EditedFileError, match="was changed since casekit wrote it"):
        write_outline(hebei_design(), path)
    assert path.read_bytes() == edited
    write_outline(hebei_design(), path, force=True)
    assert path.read_bytes() != edited
    backups = list(tmp_path.glob(f"_课程大纲.bak-*{path.suffix}"))
    assert [b.read_bytes() for b in backups] == [edited]


def test_finding_words():
    design = hebei_design()
    assert finding_words(F_INDUSTRY, design) == "河北政企客户经理的行业能力与目标水平相比"
    assert finding_words("all:support_engineer:communication:vs_required") == "全部地区支撑人员的沟通能力与目标水平相比"
    assert finding_words("not an id") == "一项调研发现"


# -- rendering ------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed: no rendering check")
def test_docx_converts_to_pdf_with_libreoffice(tmp_path):
    path = write_outline(hebei_design(), tmp_path / "outline.docx", trainer=True)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=300, capture_output=True)
    pdf = tmp_path / "outline.pdf"
    assert pdf.stat().st_size > 0
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    flat = re.sub(r"\s+", "", text)
    assert "河北政企客户经理销售培训课程大纲（讲师版）" in flat
    assert "华夏宾馆的苦恼" in flat and "第4天" in flat
    assert "第2页" in flat  # the footer's page field was laid out


def test_the_timetable_shows_the_manifests_clock_times(mini_copy):
    from casekit.analysis import engagement_findings
    from casekit.intake import load_bundle
    from casekit.reports.course import course_design

    root = mini_copy()
    manifest = (root / "manifest.yaml").read_text(encoding="utf-8")
    (root / "manifest.yaml").write_text(
        manifest + 'sessions:\n  morning_start: "08:30"\n  afternoon_start: "13:30"\n', encoding="utf-8")
    bundle = load_bundle(root)
    design = course_design(bundle, "hebei", "support_engineer", engagement_findings(bundle)).to_dict()
    text = outline_markdown(design)
    assert escape_markdown("上午 08:30–11:30（180分钟）") in text
    assert escape_markdown("下午 13:30–16:30（180分钟）") in text
