"""The 课程大纲: the course design a client signs off, as Word, Markdown or JSON.

A course design (:meth:`casekit.curriculum.design.CourseDesign.to_dict`, the shape fixed in
issue 12's contract) is rendered into one document:

* the title (course title, region, audience; ``讲师版`` on the trainer edition);
* 一、课程目标 — the objectives, each followed by the findings it answers, in plain words;
* 二、培训对象, 三、课程时长 (total days, budget and its note, the modules' lengths, the share
  of interactive teaching computed from the timetable's minutes);
* 四、课程日程 — the timetable as a real table (day, 上午/下午, activity type, content,
  minutes, module) and each day's interactive share;
* 五、课程模块 — per module: length and range, where it sits in the timetable, the abilities it
  trains and why it is this long, chapters, topics, activities, cases, role-plays, industries with
  their reasons, local products with prices, toolbox items, behaviour-type emphasis, added
  sessions; the trainer edition adds the trainer notes and the cases' teaching notes;
* 六、待确认事项 — the open decisions (weaknesses no module trains);
* 附录 设计依据 — the method paragraph, every decision with the findings it rests on, and the
  index of those findings: plain words (and the findings table's sentence, when given), the
  finding id in small print.

Finding ids never appear in the running text: each cited finding gets a number (``[1]``, in the
order of first citation) shown small after the sentence that cites it, and the appendix says
what each number is.

Every value of the design is data (titles, reasons and cases come from client files): the
Markdown escapes it with :func:`casekit.reports.safe_html.escape_markdown`, the Word document
writes it as plain runs (no field, formula or hyperlink is built from data; characters XML
cannot hold are dropped). The same design gives the same bytes (fixed document properties and
ZIP timestamps).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import CurriculumError, OutputFormatError
from casekit.language import tr
from casekit.formatting import day_range, days, signed_days
from casekit.reports.safe_html import escape_markdown
from casekit.safe_save import save_editable

__all__ = [
    "OUTLINE_FORMATS",
    "finding_words",
    "outline_docx_bytes",
    "outline_json",
    "outline_markdown",
    "write_outline",
]

#: The formats :func:`write_outline` writes, by file extension (the first is the default).
OUTLINE_FORMATS: tuple[str, ...] = (".docx", ".md", ".json")

_NUMERALS = "一二三四五六七八九十"
_KIND_WORDS = {
    "vs_other_regions": "与其他地区相比",
    "vs_required": "与目标水平相比",
    "type_mix": "行为类型构成与全体相比",
}
_SOURCE_WORDS = {"library": "本地案例库", "seed": "通用经典案例"}
# Characters an XML 1.0 document cannot hold (python-docx refuses them), and stray surrogates.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")

# -- the document as blocks, rendered twice (Markdown, Word) -------------------------------------


@dataclass(frozen=True)
class _Para:
    """A paragraph: an optional bold label, text, finding references; ``small`` for fine print."""

    text: str
    label: str = ""
    refs: tuple[int, ...] = ()
    small: bool = False


@dataclass(frozen=True)
class _Heading:
    text: str
    level: int


@dataclass(frozen=True)
class _List:
    items: tuple[_Para, ...]
    numbered: bool = False


@dataclass(frozen=True)
class _Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_cm: tuple[float, ...] | None = None
    merged: tuple[int, ...] = ()  # columns whose empty cells continue the cell above


_Block = _Para | _Heading | _List | _Table


def _text(value: Any) -> str:
    """A design value as one line of text: None → "", whitespace runs → one space."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _WHITESPACE.sub(" ", _XML_INVALID.sub("", str(value))).strip()


def _items(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise CurriculumError(tr(f"课程设计中的 {what} 应为列表，实际为 {type(value).__name__}",
                                 f"the course design's {what} must be a list, found {type(value).__name__}"))
    return list(value)


def _mappings(value: Any, what: str) -> list[Mapping[str, Any]]:
    items = _items(value, what)
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise CurriculumError(tr(f"课程设计中的 {what}[{i}] 应为映射，实际为 {type(item).__name__}",
                                     f"the course design's {what}[{i}] must be a mapping, "
                                     f"found {type(item).__name__}"))
    return items


def _minutes(value: Any) -> int:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return 0


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _day(value: Any) -> str:
    text = _text(value)
    return f"第{text}天" if text else ""


def finding_words(finding_id: str, design: Mapping[str, Any] | None = None) -> str:
    """A finding id in plain Chinese: ``hebei:account_manager:sales:vs_other_regions`` →
    ``河北政企客户经理的销售能力与其他地区相比``.

    Parameters
    ----------
    finding_id : str
        ``"{region}:{population}:{dimension}:{kind}"`` (the findings table's ``id``).
    design : mapping, optional
        The course design: its region and audience names and its modules' dimension labels are
        used for ids the domain vocabulary does not name.

    Returns
    -------
    str
        The words; ``一项调研发现`` for an id of another shape.
    """
    design = design or {}
    parts = _text(finding_id).split(":")
    if len(parts) != 4:
        return "一项调研发现"
    region, population, dimension, kind = parts
    if region == design.get("region") and design.get("region_name"):
        region_words = _text(design.get("region_name"))
    elif region == "all":
        region_words = "全部地区"
    else:
        region_words = "其他地区"
    if population == design.get("audience") and design.get("audience_name"):
        population_words = _text(design.get("audience_name"))
    elif population in domain.POPULATIONS:
        population_words = domain.label(domain.POPULATIONS, population)
    else:
        population_words = "学员"
    labels: dict[str, str] = {}
    for module in design.get("modules") or []:
        if isinstance(module, Mapping):
            labels.update(zip(module.get("dimensions") or [], module.get("dimension_labels") or []))
    for item in design.get("uncovered") or []:
        if isinstance(item, Mapping) and item.get("dimension"):
            labels[str(item["dimension"])] = _text(item.get("dimension_label"))
    if kind == "type_mix":
        return f"{region_words}{population_words}的{_KIND_WORDS[kind]}"
    if dimension in domain.DIMENSIONS:
        dimension_words = domain.label(domain.DIMENSIONS, dimension)
    else:
        dimension_words = labels.get(dimension) or "某一"
    kind_words = _KIND_WORDS.get(kind, "的调研结果")
    return f"{region_words}{population_words}的{dimension_words}能力{kind_words}"


def _sentences(findings: Any) -> dict[str, str]:
    """``findings`` (a findings table, or a mapping id → sentence) as id → sentence."""
    if findings is None:
        return {}
    if isinstance(findings, pd.DataFrame):
        if not {"id", "sentence"} <= set(findings.columns):
            raise CurriculumError(tr(f"给课程大纲的结论表应有 id 和 sentence 两列，实际为 {'、'.join(map(str, findings.columns))}",
                                     "the findings table given to the outline needs the columns 'id' and "
                                     f"'sentence', found {', '.join(map(str, findings.columns))}"))
        return {str(i): _text(s) for i, s in zip(findings["id"], findings["sentence"])}
    if isinstance(findings, Mapping):
        return {str(k): _text(v) for k, v in findings.items()}
    raise CurriculumError(tr(f"findings 应为结论表，或“编号 → 结论”的映射，实际为 {type(findings).__name__}",
                             f"findings must be a findings table or a mapping of id to sentence, "
                             f"found {type(findings).__name__}"))


@dataclass
class _Builder:
    design: Mapping[str, Any]
    trainer: bool
    sentences: dict[str, str]
    blocks: list[_Block] = field(default_factory=list)
    cited: dict[str, int] = field(default_factory=dict)
    section: int = 0

    # -- helpers --------------------------------------------------------------------------------

    def refs(self, ids: Any) -> tuple[int, ...]:
        out = []
        for fid in _items(ids, "findings"):
            key = _text(fid)
            if not key:
                continue
            if key not in self.cited:
                self.cited[key] = len(self.cited) + 1
            if self.cited[key] not in out:
                out.append(self.cited[key])
        return tuple(out)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(_Heading(text, level))

    def section_heading(self, text: str) -> None:
        self.heading(f"{_NUMERALS[self.section]}、{text}", 1)
        self.section += 1

    def para(self, text: str, label: str = "", refs: tuple[int, ...] = (), small: bool = False) -> None:
        if text or label:
            self.blocks.append(_Para(text, label, refs, small))

    def bullets(self, items: Sequence[_Para], *, numbered: bool = False, label: str = "") -> None:
        items = tuple(i for i in items if i.text or i.label)
        if not items:
            return
        if label:
            self.para("", label=label)
        self.blocks.append(_List(items, numbered))

    def plain(self, what: str, word: str) -> str:
        return _text(self.design.get(what)) or word

    # -- the document ---------------------------------------------------------------------------

    def title(self) -> str:
        d = self.design
        region, audience = _text(d.get("region_name")), _text(d.get("audience_name"))
        title = _text(d.get("title")) or "销售培训"
        if audience and audience not in title:
            title = f"{title}（{audience}）"
        full = " ".join(p for p in (region, title, "课程大纲") if p)
        return f"{full}（讲师版）" if self.trainer else full

    def build(self) -> list[_Block]:
        d = self.design
        self.heading(self.title(), 0)
        facts = [("地区", _text(d.get("region_name"))), ("培训对象", _text(d.get("audience_name"))),
                 ("课程时长", f"{days(d.get('total_days'))}天" if d.get("total_days") is not None else "")]
        self.para("　".join(f"{k}：{v}" for k, v in facts if v))
        if self.trainer:
            self.para("本版含讲师备注与案例教学笔记，只供讲师使用，请勿发给客户或学员。", label="讲师版")
        self.objectives()
        self.audience()
        self.duration()
        self.schedule()
        self.modules()
        self.open_decisions()
        self.appendix()
        return self.blocks

    def objectives(self) -> None:
        self.section_heading("课程目标")
        items = []
        for objective in _mappings(self.design.get("objectives"), "objectives"):
            text = _text(objective.get("text"))
            ids = [_text(f) for f in _items(objective.get("findings"), "objectives.findings")]
            refs = self.refs(ids)
            basis = "；".join(dict.fromkeys(finding_words(f, self.design) for f in ids if f))
            items.append(_Para(f"{text}（依据：{basis}）" if basis else text, refs=refs))
        if items:
            self.bullets(items, numbered=True)
        else:
            self.para("本设计未列出课程目标。")

    def audience(self) -> None:
        d = self.design
        self.section_heading("培训对象")
        region, audience = _text(d.get("region_name")), _text(d.get("audience_name"))
        self.para(f"{region}地区的{audience}。" if region else f"{audience}。")

    def duration(self) -> None:
        d = self.design
        self.section_heading("课程时长")
        total, budget = d.get("total_days"), d.get("budget_days")
        line = f"共{days(total)}天"
        if budget is not None:
            line += f"（预算{days(budget)}天）"
        self.para(line + "。")
        self.para(_text(d.get("budget_note")))
        share = self.interactive_share()
        if share is not None:
            self.para(f"互动教学（案例讨论、角色扮演、游戏与练习、本地问题研讨、测验与复盘）占课堂时间的{_percent(share)}，"
                      "按课程日程中每项活动的分钟数计算。")
        rows = []
        for module in _mappings(d.get("modules"), "modules"):
            rows.append((_text(module.get("title")), days(module.get("days")),
                         day_range(module.get("days_min"), module.get("days_max")),
                         "、".join(_text(x) for x in _items(module.get("dimension_labels"), "dimension_labels"))))
        if rows:
            self.blocks.append(_Table(("模块", "天数", "可调范围（天）", "训练的能力"), tuple(rows),
                                      (6.0, 2.0, 3.0, 5.0)))

    def activities(self) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        """(session, activity) pairs of the timetable, in order."""
        out = []
        for session in _mappings(self.design.get("schedule"), "schedule"):
            for activity in _mappings(session.get("activities"), "schedule.activities"):
                out.append((session, activity))
        return out

    def interactive_share(self, day: Any = None) -> float | None:
        total = interactive = 0
        for session, activity in self.activities():
            if day is not None and session.get("day") != day:
                continue
            minutes = _minutes(activity.get("minutes"))
            total += minutes
            is_interactive = activity.get("interactive")
            if is_interactive is None:
                is_interactive = _text(activity.get("type")) != "讲授"
            interactive += minutes if is_interactive else 0
        return interactive / total if total else None

    def module_titles(self) -> dict[str, str]:
        return {_text(m.get("id")): _text(m.get("title")) for m in _mappings(self.design.get("modules"), "modules")}

    def schedule(self) -> None:
        self.section_heading("课程日程")
        titles = self.module_titles()
        rows = []
        previous_day, previous_key = None, None
        for session, activity in self.activities():
            day, half = _day(session.get("day")), _text(session.get("half"))
            minutes = _minutes(session.get("minutes"))
            day_cell = day if day != previous_day else ""
            half_cell = ""
            if (day, half) != previous_key:
                start, end = _text(session.get("start")), _text(session.get("end"))
                clock = f" {start}–{end}" if start and end else ""
                half_cell = f"{half}{clock}（{minutes}分钟）" if half and minutes else half
            previous_day, previous_key = day, (day, half)
            module = _text(activity.get("module"))
            rows.append((day_cell, half_cell, _text(activity.get("type")), _text(activity.get("title")),
                         str(_minutes(activity.get("minutes"))), titles.get(module, module and "—")))
        if not rows:
            self.para("本设计尚未排出课程日程。")
            return
        self.blocks.append(_Table(("日期", "时段", "形式", "内容", "分钟", "所属模块"), tuple(rows),
                                  (1.4, 2.9, 2.1, 5.1, 1.2, 3.3), merged=(0, 1)))
        lines = []
        for day in dict.fromkeys(s.get("day") for s in _mappings(self.design.get("schedule"), "schedule")):
            share = self.interactive_share(day)
            if share is not None:
                lines.append(_Para(f"{_day(day)}：{_percent(share)}"))
        self.bullets(lines, label="每天的互动教学占比")

    def modules(self) -> None:
        self.section_heading("课程模块")
        notes: dict[str, list[str]] = {}
        for note in _mappings(self.design.get("trainer_notes"), "trainer_notes"):
            notes.setdefault(_text(note.get("module")), []).append(_text(note.get("text")))
        modules = _mappings(self.design.get("modules"), "modules")
        for n, module in enumerate(modules, 1):
            self.module(n, module, notes.pop(_text(module.get("id")), []))
        if self.trainer and any(notes.values()):
            self.heading("讲师备注（全课程）", 2)
            self.bullets([_Para(t) for texts in notes.values() for t in texts])

    def module(self, n: int, module: Mapping[str, Any], notes: list[str]) -> None:
        mid = _text(module.get("id"))
        self.heading(f"模块{n}　{_text(module.get('title'))}", 2)
        if _text(module.get("part")):
            self.para(_text(module.get("part")), label="所属部分")
        length = f"{days(module.get('days'))}天（可调范围{day_range(module.get('days_min'), module.get('days_max'))}天"
        base = module.get("base_days")
        if base is not None and module.get("days") is not None and float(base) != float(module["days"]):
            length += f"；标准方案{days(base)}天，本地区调整{signed_days(float(module['days']) - float(base))}天"
        self.para(length + "）", label="时长")
        sessions = []
        for session, activity in self.activities():
            if _text(activity.get("module")) == mid:
                sessions.append(f"{_day(session.get('day'))}{_text(session.get('half'))}")
        self.para("、".join(dict.fromkeys(sessions)), label="安排在")
        self.para("、".join(_text(x) for x in _items(module.get("dimension_labels"), "dimension_labels")),
                  label="训练的能力")
        self.para(_text(module.get("reason")), label="安排理由", refs=self.refs(module.get("findings")))
        self.bullets([_Para(_text(c)) for c in _items(module.get("chapters"), "chapters")], label="章节")
        self.bullets([_Para(_text(t)) for t in _items(module.get("topics"), "topics")], label="要点")
        rows = tuple((f"{_day(s.get('day'))}{_text(s.get('half'))}", _text(a.get("type")), _text(a.get("title")),
                      str(_minutes(a.get("minutes"))))
                     for s, a in self.activities() if _text(a.get("module")) == mid)
        if rows:
            self.para("", label="课堂活动")
            self.blocks.append(_Table(("时段", "形式", "内容", "分钟"), rows, (3.0, 2.4, 8.6, 1.6)))
        self.bullets([self.case(c) for c in _mappings(module.get("cases"), "cases")], label="案例")
        self.bullets([self.case(c) for c in _mappings(module.get("roleplays"), "roleplays")], label="角色扮演")
        industries = []
        for industry in _mappings(module.get("industries"), "industries"):
            text = _text(industry.get("label"))
            reason, evidence = _text(industry.get("reason")), _text(industry.get("evidence"))
            if reason:
                text += f"：{reason}"
            if evidence and evidence not in reason:  # the reason usually cites the counts already
                text += f"（调研所见：{evidence}）"
            industries.append(_Para(text))
        self.bullets(industries, label="重点行业")
        products = tuple((_text(p.get("name")), _text(p.get("price")), _text(p.get("value")))
                         for p in _mappings(module.get("products"), "products"))
        if products:
            self.para("", label="本地产品")
            self.blocks.append(_Table(("产品", "价格", "客户价值"), products, (4.5, 3.0, 8.1)))
        self.bullets([_Para(_text(t)) for t in _items(module.get("toolbox"), "toolbox")], label="使用的销售工具")
        self.bullets([_Para(_text(e)) for e in _items(module.get("emphasis"), "emphasis")], label="训练侧重")
        added = []
        for session in _mappings(module.get("added_sessions"), "added_sessions"):
            dimension = _text(session.get("dimension"))
            label = domain.label(domain.DIMENSIONS, dimension) if dimension in domain.DIMENSIONS else ""
            text = _text(session.get("title")) + (f"（训练{label}）" if label else "")
            reason = _text(session.get("reason"))
            added.append(_Para(f"{text}：{reason}" if reason else text, refs=self.refs([session.get("finding")])))
        self.bullets(added, label="增设专题")
        if self.trainer:
            self.bullets([_Para(t) for t in notes if t], label="讲师备注")

    def case(self, case: Mapping[str, Any]) -> _Para:
        text = f"《{_text(case.get('title'))}》"
        facts = []
        if _text(case.get("industry")):
            facts.append(f"行业：{_text(case.get('industry'))}")
        source = _text(case.get("source"))
        if source:
            facts.append(f"来源：{_SOURCE_WORDS.get(source, source)}")
        if self.trainer and _text(case.get("id")):
            facts.append(f"案例编号：{_text(case.get('id'))}")
        if facts:
            text += f"（{'；'.join(facts)}）"
        if _text(case.get("reason")):
            text += f"：{_text(case.get('reason'))}"
        if self.trainer:
            for key, word in (("teaching_notes", "教学笔记"), ("answer_key", "参考答案")):
                if _text(case.get(key)):
                    text += f"　{word}：{_text(case.get(key))}"
            if not any(_text(case.get(k)) for k in ("teaching_notes", "answer_key")) and _text(case.get("id")):
                text += "　教学笔记与参考答案见案例集讲师版。"
        return _Para(text)

    def open_decisions(self) -> None:
        self.section_heading("待确认事项")
        items = []
        for item in _mappings(self.design.get("uncovered"), "uncovered"):
            label = _text(item.get("dimension_label"))
            decision = _text(item.get("decision"))
            items.append(_Para(decision, label=label, refs=self.refs([item.get("finding")])))
        if items:
            self.para("确认大纲前需要决定或完成的事项：")
            self.bullets(items, numbered=True)
        else:
            self.para("无。")

    def appendix(self) -> None:
        self.heading("附录　设计依据", 1)
        self.para(_text(self.design.get("method")), label="方法说明")
        modules = _mappings(self.design.get("modules"), "modules")
        order = {_text(m.get("id")): i for i, m in enumerate(modules)}
        titles = self.module_titles()
        decisions = _mappings(self.design.get("decisions"), "decisions")
        decisions = sorted(decisions, key=lambda x: order.get(_text(x.get("module")), len(order)))
        items = []
        for decision in decisions:
            module = _text(decision.get("module"))
            items.append(_Para(_text(decision.get("text")), label=titles.get(module) or "全课程",
                               refs=self.refs(decision.get("findings"))))
        if items:
            self.bullets(items, label="设计决定")
        if self.cited:
            self.para("", label="依据索引")
            self.para("正文中的方括号数字指向下列调研发现" + ("；括号内的编号供核对调研结果表。" if self.trainer else "。"),
                      small=True)
            entries = []
            for fid, number in self.cited.items():
                text = finding_words(fid, self.design)
                sentence = self.sentences.get(fid)
                if sentence:
                    text += f"：{sentence}"
                # the finding's id is for the consultant checking the results table, not for the client
                entries.append(_Para(f"[{number}] {text}" + (f"（编号 {fid}）" if self.trainer else ""), small=True))
            self.bullets(entries)


# -- Markdown -----------------------------------------------------------------------------------


def _md_para(p: _Para) -> str:
    out = f"**{escape_markdown(p.label)}：**" if p.label else ""
    out += escape_markdown(p.text)
    if p.refs:
        out += "<sup>" + "".join(f"[{r}]" for r in p.refs) + "</sup>"
    return f"<small>{out}</small>" if p.small else out


def _markdown(blocks: Sequence[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            out += [f"{'#' * (block.level + 1)} {escape_markdown(block.text)}", ""]
        elif isinstance(block, _Para):
            out += [_md_para(block), ""]
        elif isinstance(block, _List):
            for i, item in enumerate(block.items, 1):
                out.append(f"{i}. {_md_para(item)}" if block.numbered else f"- {_md_para(item)}")
            out.append("")
        else:
            out.append("| " + " | ".join(escape_markdown(c) for c in block.columns) + " |")
            out.append("|" + "---|" * len(block.columns))
            for row in block.rows:
                out.append("| " + " | ".join(escape_markdown(c) for c in row) + " |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _check(design: Any) -> Mapping[str, Any]:
    if not isinstance(design, Mapping):
        raise CurriculumError(tr(f"课程设计（CourseDesign.to_dict()）应为映射，实际为 {type(design).__name__}",
                                 f"a course design (CourseDesign.to_dict()) is a mapping, found {type(design).__name__}"))
    missing = [k for k in ("title", "modules", "schedule") if k not in design]
    if missing:
        raise CurriculumError(tr(f"课程设计缺少 {'、'.join(missing)}（应为 CourseDesign.to_dict() 的结构）",
                                 f"the course design lacks {', '.join(repr(k) for k in missing)} "
                                 "(expected the shape of CourseDesign.to_dict())"))
    return design


def _blocks(design: Any, trainer: bool, findings: Any) -> list[_Block]:
    return _Builder(_check(design), bool(trainer), _sentences(findings)).build()


def outline_markdown(design: Mapping[str, Any], *, trainer: bool = False, findings: Any = None) -> str:
    """The 课程大纲 as Markdown.

    Parameters
    ----------
    design : mapping
        ``CourseDesign.to_dict()`` (issue 12's contract).
    trainer : bool, default False
        False: the client edition; True: the trainer edition (讲师版), which adds the trainer
        notes and the cases' teaching notes.
    findings : DataFrame or mapping, optional
        The findings table (columns ``id`` and ``sentence``) or a mapping id → sentence: the
        appendix's index then quotes each cited finding's sentence (numbers, n, interval).

    Returns
    -------
    str
        Markdown in which every value of the design is escaped (no link, tag or table break
        can come from the data).

    Raises
    ------
    CurriculumError
        If ``design`` is not a course design (a mapping with title, modules and schedule).
    """
    return _markdown(_blocks(design, trainer, findings))


# -- Word ---------------------------------------------------------------------------------------


def _docx_para(doc: Any, p: _Para, style: Any = None) -> None:
    from docx.shared import Pt, RGBColor

    from casekit.authoring import docx_writer as dw

    font, latin = getattr(doc, "_casekit_fonts", (dw.CJK_FONT, dw.LATIN_FONT))
    paragraph = doc.add_paragraph(style=style)
    size = Pt(8) if p.small else None

    def run(text: str, *, bold: bool = False, superscript: bool = False) -> None:
        r = paragraph.add_run(text)
        r.bold = bold or None
        if superscript:
            r.font.superscript = True
            r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        if size is not None:
            r.font.size = size
        dw.set_run_fonts(r, font, latin)

    if p.label and not p.text:  # a label introducing a list or a table
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.keep_with_next = True
    if p.label:
        run(f"{p.label}：", bold=True)
    if p.text:
        run(p.text)
    if p.refs:
        run("".join(f"[{r}]" for r in p.refs), superscript=True)


def _docx_table(doc: Any, block: _Table) -> None:
    from casekit.authoring import docx_writer as dw

    frame = pd.DataFrame(list(block.rows), columns=list(block.columns))
    table = dw.add_table(doc, frame, widths_cm=block.widths_cm)
    if block.widths_cm is not None:  # LibreOffice lays out by the grid, Word by the cells
        from docx.shared import Cm

        table.autofit = False
        for column, width in zip(table.columns, block.widths_cm):
            column.width = Cm(width)
    for column in block.merged:  # an empty cell continues the one above it
        cells = table.columns[column].cells  # once: table.cell() walks the whole table each time
        top = None
        for r, row in enumerate(block.rows, 1):
            if row[column]:
                top = cells[r]
            elif top is not None:
                top = top.merge(cells[r])


def outline_docx_bytes(design: Mapping[str, Any], *, trainer: bool = False, findings: Any = None) -> bytes:
    """The 课程大纲 as a Word document (A4, East Asian fonts on every style and run, page numbers).

    Parameters
    ----------
    design, trainer, findings
        As for :func:`outline_markdown`.

    Returns
    -------
    bytes
        The ``.docx``; the same arguments give the same bytes (fixed document properties and
        ZIP timestamps).

    Raises
    ------
    CurriculumError
        If ``design`` is not a course design.
    """
    from docx.shared import Cm

    from casekit.authoring import docx_writer as dw

    blocks = _blocks(design, trainer, findings)
    title = blocks[0]
    doc = dw.new_document(title.text)  # type: ignore[union-attr]
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    dw.add_page_numbers(doc)
    # looked up once: a style given by name is searched for on every paragraph
    list_styles = {True: doc.styles["List Number"], False: doc.styles["List Bullet"]}
    for block in blocks[1:]:
        if isinstance(block, _Heading):
            dw.add_heading(doc, block.text, level=block.level)
        elif isinstance(block, _Para):
            _docx_para(doc, block)
        elif isinstance(block, _List):
            style = list_styles[block.numbered]
            for item in block.items:
                _docx_para(doc, item, style)
        else:
            _docx_table(doc, block)
    return dw.document_bytes(doc)


# -- JSON and the file --------------------------------------------------------------------------


def outline_json(design: Mapping[str, Any]) -> str:
    """The course design as JSON text: UTF-8, Chinese as is, keys sorted, indent 2, final newline.

    Raises
    ------
    CurriculumError
        If ``design`` holds a value JSON cannot hold (NaN, infinity, an object).
    """
    try:
        return json.dumps(_check(design), ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise CurriculumError(tr(f"课程设计中有 JSON 无法保存的值：{exc}", f"the course design is not JSON-safe: {exc}")) from None


def write_outline(design: Mapping[str, Any], path: str | Path, *, trainer: bool = False,
                  force: bool = False, findings: Any = None) -> Path:
    """Write the 课程大纲 to ``path``: Word (``.docx``), Markdown (``.md``) or the design as JSON (``.json``).

    The document is something a consultant goes on editing before the client signs it: an
    existing file is replaced only if it holds exactly what casekit last wrote there
    (:func:`casekit.safe_save.save_editable`).

    Parameters
    ----------
    design : mapping
        ``CourseDesign.to_dict()``.
    path : str or Path
        The target; its extension chooses the format (:data:`OUTLINE_FORMATS`).
    trainer : bool, default False
        Write the trainer edition (讲师版); ignored for JSON, which is the design itself.
    force : bool, default False
        Replace a file changed since casekit wrote it, keeping the old one beside it as
        ``_<stem>.bak-<YYYYmmdd-HHMMSS><suffix>``.
    findings : DataFrame or mapping, optional
        As for :func:`outline_markdown`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputFormatError
        If the extension is not one of :data:`OUTLINE_FORMATS` (nothing written).
    EditedFileError
        If the file was changed since casekit wrote it and ``force`` is False (nothing written).
    CurriculumError
        If ``design`` is not a course design.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        data: bytes | str = outline_docx_bytes(design, trainer=trainer, findings=findings)
    elif suffix == ".md":
        data = outline_markdown(design, trainer=trainer, findings=findings)
    elif suffix == ".json":
        data = outline_json(design)
    else:
        raise OutputFormatError("outline --out", str(path), suffix, OUTLINE_FORMATS)
    save_editable(path, data, force=force)
    return path
