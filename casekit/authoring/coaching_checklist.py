"""The sales managers' joint-visit record card after the course, and the region's plan document (issue 16).

The seed's sales managers "manage by results only, with no process control, and do not know how
their account managers spend their time". After the course the change has to be watched where it
happens: on the customer visit. :func:`coaching_checklist` turns a region's plans
(:func:`casekit.authoring.action_plan.action_plans`) into a one-page 陪访记录卡 (about six observable
items with □看到了 □没看到, short tags 全部／1、2、4类, never a behaviour observers disagree on), the
weekly rhythm with a joint-visit target set from the coaching log when the follow-up has one, the
toolbox table to review weekly and what to ask, and what to record so the next wave can measure the
required drivers (``followup/<wave>/coaching.csv``, ``docs/followup.md``).

:func:`action_plan_markdown` and :func:`action_plan_docx_bytes` render the region's plans and card as
one document (:func:`coaching_card_docx_bytes` the card alone); :func:`write_action_plan` writes it
(``.md`` or ``.docx``) atomically, never replacing a file edited since casekit wrote it unless
``force`` (:func:`casekit.safe_save.save_editable`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casekit.authoring.action_plan import (
    PERIODS,
    ActionPlan,
    ActionRules,
    CoachingTarget,
    FollowUpFocus,
    Sign,
    coaching_target,
    load_action_rules,
)
from casekit.authoring.toolbox import table_guide, table_title
from casekit.curriculum.design import CourseDesign
from casekit.domain import BEHAVIOURS
from casekit.output_formats import check_output_format
from casekit.safe_save import save_editable

__all__ = [
    "PURPOSE",
    "CoachingChecklist",
    "TableReview",
    "VisitPoint",
    "action_plan_docx_bytes",
    "action_plan_markdown",
    "coaching_card_docx_bytes",
    "coaching_checklist",
    "document_title",
    "write_action_plan",
]

#: Why the checklist exists, in the seed's terms (the first paragraph of the checklist).
PURPOSE = ("培训后做法能不能改变，关键在销售经理的过程管理：不只看业绩结果，还要看客户经理在客户那里怎么做。"
           "陪访时带上这张卡，只记看到了还是没看到；拜访后当场说一件做得好的、一件下次改的。")
#: The record card's tick boxes.
TICKS = "□看到了　□没看到"
_BLANK = "＿＿＿＿＿＿"


@dataclass(frozen=True)
class VisitPoint:
    """One item of the joint-visit record card.

    Attributes
    ----------
    sign : Sign
        The behaviour; ``sign.card`` is the item.
    types : tuple of str
        The labels of the plans that name it (``全体客户经理`` for the core).
    tag : str
        Who it concerns, short: ``全部`` or ``1、2、4类``.
    """

    sign: Sign
    types: tuple[str, ...]
    tag: str = ""


@dataclass(frozen=True)
class TableReview:
    """One sales-toolbox table to review weekly.

    Attributes
    ----------
    table, title : str
        The toolbox key and its title.
    ask : str
        What the manager asks about it.
    guide : str
        What the table is for (the toolbox's own guide).
    types : tuple of str
        The labels of the plans that use it.
    tag : str
        Who it concerns, short.
    """

    table: str
    title: str
    ask: str
    guide: str
    types: tuple[str, ...]
    tag: str = ""


@dataclass(frozen=True)
class CoachingChecklist:
    """The sales managers' joint-visit record card and weekly rhythm for one region.

    Attributes
    ----------
    region, region_name : str
    purpose : str
        Why the card exists (one paragraph).
    joint_visits : tuple of VisitPoint
        The card's items (at most ``card_items`` of the rules): the core's behaviours first, then
        those most types share; never a behaviour the follow-up found observers disagree on.
    weekly_reviews : tuple of TableReview
        Which table to review weekly and what to ask, the most used first.
    rhythm : tuple of (str, str)
        The weekly rhythm: when, what (with the joint-visit target).
    records : tuple of (str, str)
        What to record for the next follow-up wave: what, how.
    target : CoachingTarget
        How often to do joint visits, from the coaching log when the follow-up has one.
    left_out : tuple of str
        Labels of the behaviours left off the card because observers disagreed on them.
    """

    region: str
    region_name: str
    purpose: str
    joint_visits: tuple[VisitPoint, ...]
    weekly_reviews: tuple[TableReview, ...]
    rhythm: tuple[tuple[str, str], ...]
    records: tuple[tuple[str, str], ...]
    target: CoachingTarget | None = None
    left_out: tuple[str, ...] = ()


def _tag(plans: Sequence[ActionPlan]) -> str:
    """``全部`` when the core or everybody's plan is among them, else the type numbers: ``1、2、4类``."""
    if any(p.is_core or p.number is None for p in plans):
        return "全部"
    return "、".join(str(n) for n in sorted({p.number for p in plans if p.number is not None})) + "类"


def coaching_checklist(design: CourseDesign, plans: Sequence[ActionPlan], *,
                       rules: ActionRules | None = None) -> CoachingChecklist:
    """The sales managers' record card and weekly rhythm from a region's action plans.

    Parameters
    ----------
    design : CourseDesign
        The region's course design (its region and name).
    plans : sequence of ActionPlan
        :func:`casekit.authoring.action_plan.action_plans` of the region (their ``focus`` sets
        the joint-visit target and the behaviours left off the card).
    rules : ActionRules, optional
        The rules the plans were built with (default: the packaged rules).

    Returns
    -------
    CoachingChecklist
        The same plans give the same checklist.
    """
    rules = rules or load_action_rules()
    focus: FollowUpFocus | None = next((p.focus for p in plans if p.focus is not None), None)
    unreliable = focus.unreliable if focus is not None else frozenset()
    by_sign: dict[str, list[ActionPlan]] = {}
    by_table: dict[str, list[ActionPlan]] = {}
    uses: dict[str, int] = {}
    for plan in plans:
        for action in plan.actions:
            who = by_sign.setdefault(action.sign.behaviour, [])
            if plan not in who:
                who.append(plan)
            users = by_table.setdefault(action.table, [])
            if plan not in users:
                users.append(plan)
            uses[action.table] = uses.get(action.table, 0) + 1
    order = list(BEHAVIOURS)

    def rank(behaviour: str) -> tuple:
        who = by_sign[behaviour]
        return (not any(p.is_core for p in who), -len(who), order.index(behaviour))

    kept = [b for b in sorted(by_sign, key=rank) if b not in unreliable and b in rules.cards]
    points = tuple(VisitPoint(rules.signs[b], tuple(p.type_label for p in by_sign[b]), _tag(by_sign[b]))
                   for b in kept[:rules.card_items])
    left_out = tuple(BEHAVIOURS[b].label for b in sorted(by_sign, key=rank) if b in unreliable)
    keys = list(by_table)
    reviews = tuple(TableReview(k, table_title(k), rules.tables.get(k, "这张表本周更新了哪些内容？据此下周要做什么？"),
                                table_guide(k), tuple(p.type_label for p in by_table[k]), _tag(by_table[k]))
                    for k in sorted(keys, key=lambda k: (-uses[k], keys.index(k))))
    target = focus.coaching if focus is not None else coaching_target(None, None, rules)
    rhythm = tuple((when, what.replace("{target}", target.target)) for when, what in rules.rhythm)
    return CoachingChecklist(design.region, design.region_name, PURPOSE, points, reviews, rhythm, rules.records,
                             target, left_out)


# -- rendering ------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Text as Markdown shows it literally (no markup from the bundle's names)."""
    return str(text).translate(_MD_SPECIAL).replace("\n", " ")


def document_title(region_name: str, *, after_followup: bool = False) -> str:
    """The document's title (``下一个九十天（回访后）`` when built after a follow-up)."""
    if after_followup:
        return f"{region_name}客户经理下一个九十天（回访后）行动计划与陪访记录卡"
    return f"{region_name}客户经理培训后九十天行动计划与陪访记录卡"


def _pct(value: float | None) -> str:
    return f"{round(value * 100):.0f}%"


def _change_text(change) -> str:  # noqa: ANN001 - a BehaviourChange
    if change.before is None or change.after is None:
        return f"“{change.label}”"
    verb = "升至" if change.after > change.before else "降至" if change.after < change.before else "仍为"
    if verb == "仍为":
        return f"“{change.label}”（仍为 {_pct(change.after)}）"
    return f"“{change.label}”（由 {_pct(change.before)} {verb} {_pct(change.after)}）"


def _coaching_text(target: CoachingTarget, region_name: str) -> str:
    per_90 = max(1, round(90 / (target.target_weeks * 7)))
    goal = f"下一个九十天每位客户经理{target.target}（九十天约 {per_90} 次）"
    weeks = target.current_weeks
    if weeks is None:
        return f"主管陪访：{goal}。"
    if weeks == float("inf"):
        now = f"回访期间（培训结束后约 {target.days} 天）{region_name}的主管基本没有陪访"
    else:
        now = (f"回访期间（培训结束后约 {target.days} 天）{region_name}每位客户经理平均得到 {target.current:.1f} 次"
               f"主管陪访，约每 {max(1, round(weeks))} 周一次")
    return f"主管陪访：{now}；{goal}。"


def _focus_items(focus: FollowUpFocus, core: ActionPlan | None, region_name: str) -> list[str]:
    items = []
    if any(c.before is not None and c.after is not None for c in focus.changes):
        people = f"（{focus.region_name or region_name}回访到 {focus.n} 人）" if focus.n else ""
        few = "；人不多，十几个百分点的升降也可能是偶然" if 0 < focus.n < 15 else ""
        items.append(f"括号里是随访拜访中出现这一做法的比例：培训前和这次回访时{people}{few}。")
    if focus.improved:
        items.append("已明显改善，继续保持（不再作为新习惯来练）：" + "、".join(_change_text(c) for c in focus.improved)
                     + "。")
    core_behaviours = [a.sign.behaviour for a in core.actions] if core is not None else []
    stuck = [c for c in focus.not_improved if c.behaviour in core_behaviours]
    if stuck:
        items.append("还看不出改善，是下一个九十天全体客户经理的重点：" + "、".join(_change_text(c) for c in stuck) + "。")
    disagreed = [c for c in focus.unclear if c.behaviour in focus.unreliable]
    small = [c for c in focus.unclear if c.behaviour not in focus.unreliable]
    if disagreed:
        items.append("、".join(f"“{c.label}”" for c in disagreed)
                     + "：两位观察员的记录常不一致，这次不下结论，陪访记录卡也不列。")
    if small:
        items.append("、".join(f"“{c.label}”" for c in small) + "：回访到的人太少，这次不下结论。")
    items.append(_coaching_text(focus.coaching, focus.region_name or region_name))
    return items


def _method(action) -> str:  # noqa: ANN001 - a PlanAction
    if action.module_specific and action.method_text:
        return f"{action.method_text}；课程“{action.module_title}”"
    return action.method_text or action.module_title


def _plan_table(plan: ActionPlan) -> pd.DataFrame:
    rows = []
    columns = ["行动", "课上学过的方法", "销售工具表", "陪访时看得到"]
    if not plan.is_core:
        columns = ["时间", *columns]
    for action in plan.actions:
        row = {"时间": PERIODS.get(action.period, "九十天"), "行动": action.text, "课上学过的方法": _method(action),
               "销售工具表": action.table_title, "陪访时看得到": action.sign.text}
        rows.append({c: row[c] for c in columns})
    return pd.DataFrame(rows, columns=columns)


def _card_blocks(checklist: CoachingChecklist) -> Iterator[tuple[str, object]]:
    yield "h1", f"{checklist.region_name}销售经理陪访记录卡"
    yield "para", f"日期{_BLANK}　客户经理{_BLANK}　客户{_BLANK}　本次拜访目的{_BLANK}{_BLANK}"
    yield "table", pd.DataFrame(
        [{"看什么": p.sign.card, "适用": p.tag, "看到没有": TICKS} for p in checklist.joint_visits],
        columns=["看什么", "适用", "看到没有"])
    yield "para", f"拜访后当场说：一件做得好的{_BLANK}{_BLANK}；下次改一件{_BLANK}{_BLANK}"
    yield "para", checklist.purpose
    if checklist.left_out:
        yield "para", ("“" + "”“".join(checklist.left_out) + "”不易当场判断（两位观察员的记录也常不一致），本卡不列。")


def _blocks(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None
            ) -> Iterator[tuple[str, object]]:
    """The document as blocks: ("h1"|"h2"|"para"|"item"|"break", text) or ("table", DataFrame)."""
    core = next((p for p in plans if p.is_core), None)
    types = [p for p in plans if not p.is_core]
    focus = next((p.focus for p in plans if p.focus is not None), None)
    region_name = plans[0].region_name if plans else checklist.region_name if checklist else ""
    yield "para", f"负责人{_BLANK}　开始日期{_BLANK}　复盘日期{_BLANK}"
    n = iter("一二三四五六")
    if focus is not None:
        yield "h1", f"{next(n)}、{focus.wave_label or '培训后回访'}发现了什么"
        for item in _focus_items(focus, core, region_name):
            yield "item", item
    if core is not None and core.actions:
        count = "一二三四五六七八九"[len(core.actions) - 1] if len(core.actions) < 10 else str(len(core.actions))
        yield "h1", f"{next(n)}、全体客户经理的{count}件核心行动"
        yield "para", core.summary
        yield "table", _plan_table(core)
    typed = any(p.number is not None for p in types)
    if types:
        yield "h1", f"{next(n)}、{'各类客户经理' if typed else '全体客户经理'}的补充行动"
        if typed:
            yield "para", ("陪访时按下面“怎么认出这一类”对照客户经理的做法，决定按哪一类辅导。"
                           "每位客户经理属于哪一类的名单由顾问另行交给销售经理，不随本文件分发。")
        for plan in types:
            if typed:
                yield "h2", plan.type_label
            if plan.recognise and plan.number is not None:
                yield "para", f"怎么认出这一类：陪访时如果{plan.recognise}，按第{plan.number}类辅导。"
            yield "para", plan.summary
            if plan.actions:
                yield "table", _plan_table(plan)
    if checklist is None:
        return
    yield "break", ""
    yield from _card_blocks(checklist)
    yield "break", ""
    yield "h1", f"{next(n)}、每周节奏与复盘"
    for when, what in checklist.rhythm:
        yield "item", f"{when}：{what}"
    yield "h2", "每周复盘看哪张表、问什么"
    yield "table", pd.DataFrame(
        [{"销售工具表": r.title, "复盘时问": r.ask, "适用": r.tag} for r in checklist.weekly_reviews],
        columns=["销售工具表", "复盘时问", "适用"])
    yield "h2", "要记下什么（供下一次回访衡量）"
    for what, how in checklist.records:
        yield "item", f"{what}：{how}"


def _md_table(frame: pd.DataFrame) -> list[str]:
    lines = ["| " + " | ".join(_md(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_md(v) for v in row) + " |")
    return lines + [""]


def _title(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None, region_name: str | None) -> str:
    name = region_name or (plans[0].region_name if plans else checklist.region_name if checklist else "")
    return document_title(name, after_followup=any(p.focus is not None for p in plans))


def _markdown(title: str, blocks: Iterator[tuple[str, object]]) -> str:
    lines = [f"# {_md(title)}", ""]
    for kind, content in blocks:
        if lines and lines[-1].startswith("- ") and kind != "item":
            lines.append("")
        if kind == "table":
            lines += _md_table(content)  # type: ignore[arg-type]
        elif kind in ("h1", "h2"):
            lines += ["#" * (int(kind[1]) + 1) + f" {_md(content)}", ""]
        elif kind == "item":
            lines.append(f"- {_md(content)}")
        elif kind == "break":
            lines += ["---", ""]
        else:
            lines += [_md(content), ""]
    return "\n".join(lines).rstrip() + "\n"


def action_plan_markdown(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None = None, *,
                         region_name: str | None = None) -> str:
    """The region's plans (and record card and weekly rhythm) as Markdown.

    Parameters
    ----------
    plans : sequence of ActionPlan
    checklist : CoachingChecklist, optional
        Appended: the record card, then the weekly rhythm.
    region_name : str, optional
        For the title (default: the plans' or the checklist's region).

    Returns
    -------
    str
        Every text from the bundle (region and type names) is escaped, so it shows as written.
    """
    return _markdown(_title(plans, checklist, region_name), _blocks(plans, checklist))


_WIDTHS = {5: [2.4, 9.4, 5.4, 3.6, 5.3], 4: [10.6, 5.4, 3.8, 6.3], 3: [6.0, 15.6, 4.5]}
_CARD_WIDTHS = [15.0, 3.5, 7.6]


def _docx(title: str, blocks: Iterator[tuple[str, object]], font: str | None, *, card_only: bool = False) -> bytes:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    from casekit.authoring import docx_writer as dw

    doc = dw.new_document(None if card_only else title, font=font or dw.CJK_FONT)
    doc.core_properties.title = title
    doc.core_properties.comments = ""  # not "generated by python-docx": a document the consultant hands over
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    in_card = card_only
    for kind, content in blocks:
        if kind == "table":
            frame = content  # type: ignore[assignment]
            card = in_card and "看到没有" in frame.columns  # type: ignore[attr-defined]
            cm = _CARD_WIDTHS if card else _WIDTHS.get(len(frame.columns))  # type: ignore[attr-defined]
            table = dw.add_table(doc, frame, widths_cm=cm)  # type: ignore[arg-type]
            table.autofit = False
            for column, width in zip(table.columns, cm or ()):  # the grid too (LibreOffice, WPS read it)
                column.width = Cm(width)
            if card:  # room to tick on a clipboard
                for row in table.rows:
                    for cell in row.cells:
                        for paragraph in cell.paragraphs:
                            for run in paragraph.runs:
                                run.font.size = Pt(13)
                    row.height = Cm(1.3)
            dw.add_paragraph(doc, "")
        elif kind == "break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            in_card = not in_card
        elif kind in ("h1", "h2"):
            dw.add_heading(doc, str(content), level=int(kind[1]))
        elif kind == "item":
            dw.add_paragraph(doc, "• " + str(content))
        else:
            dw.add_paragraph(doc, str(content), size=13 if in_card else None)
    dw.add_page_numbers(doc)
    return dw.document_bytes(doc, author="")


def action_plan_docx_bytes(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None = None, *,
                           region_name: str | None = None, font: str | None = None) -> bytes:
    """The region's plans (and record card and weekly rhythm) as a Word document.

    Parameters
    ----------
    plans, checklist, region_name
        As :func:`action_plan_markdown`.
    font : str, optional
        East Asian font (default :data:`casekit.authoring.docx_writer.CJK_FONT`), set through
        ``w:eastAsia`` on every run.

    Returns
    -------
    bytes
        An A4 landscape ``.docx`` with page numbers, the record card on a page of its own; no
        author in its properties; the same input gives the same bytes.
    """
    return _docx(_title(plans, checklist, region_name), _blocks(plans, checklist), font)


def coaching_card_docx_bytes(checklist: CoachingChecklist, *, font: str | None = None) -> bytes:
    """The joint-visit record card alone (one A4 landscape page, to print and copy)."""
    return _docx(f"{checklist.region_name}销售经理陪访记录卡", _card_blocks(checklist), font, card_only=True)


def write_action_plan(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None, path: str | Path, *,
                      force: bool = False) -> Path:
    """Write the region's plans and checklist to ``path`` (``.docx`` or ``.md``).

    Parameters
    ----------
    plans, checklist
        As :func:`action_plan_markdown`.
    path : str or Path
        The extension chooses the format.
    force : bool, default False
        Replace a file edited since casekit wrote it (the old one is kept beside it as a backup).

    Returns
    -------
    Path

    Raises
    ------
    OutputFormatError
        For another extension (nothing written).
    EditedFileError
        If the file was changed since casekit wrote it and ``force`` is False (nothing written).
    """
    path = check_output_format(path, "action-plan --out")  # .docx or .md (OUTPUT_FORMATS)
    if path.suffix.lower() == ".docx":
        data = action_plan_docx_bytes(plans, checklist)
    else:
        data = action_plan_markdown(plans, checklist).encode("utf-8")
    save_editable(path, data, force=force)
    return path
