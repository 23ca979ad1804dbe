"""The sales managers' coaching checklist after the course, and the region's plan document (issue 16).

The seed's sales managers "manage by results only, with no process control, and do not know how
their account managers spend their time". After the course the change has to be watched where it
happens: on the customer visit. :func:`coaching_checklist` turns a region's 30/60/90-day plans
(:func:`casekit.authoring.action_plan.action_plans`) into the managers' checklist: what to look
for on a joint visit (陪访; one line per ride-along behaviour the plans name, with the types it
concerns and how the follow-up wave measures it), which sales-toolbox table to review in the
weekly review (周例会) and what to ask about it, a weekly rhythm (周一计划、周二至周四陪访、周五复盘)
and what to record, so the next follow-up wave can measure the required drivers (the
``joint_visits`` and ``weekly_reviews`` of ``followup/<wave>/coaching.csv``, ``docs/followup.md``).

:func:`action_plan_markdown` and :func:`action_plan_docx_bytes` render the region's plans and its
checklist as one document; :func:`write_action_plan` writes it (``.md`` or ``.docx``) atomically,
never replacing a file edited since casekit wrote it unless ``force``
(:func:`casekit.safe_save.save_editable`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casekit.authoring.action_plan import PERIODS, ActionPlan, ActionRules, Sign, load_action_rules
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
    "coaching_checklist",
    "document_title",
    "write_action_plan",
]

#: Why the checklist exists, in the seed's terms (the first paragraph of the checklist).
PURPOSE = ("培训后行为能不能改变，关键在销售经理的过程管理：不只看业绩结果，还要看客户经理在客户那里怎么做。"
           "本清单告诉销售经理陪访时看什么、每周复盘时看哪张销售工具表、问什么，以及要记下什么，"
           "以便下一次回访时衡量做法是否真的改变。")


@dataclass(frozen=True)
class VisitPoint:
    """One thing to look for on a joint visit.

    Attributes
    ----------
    sign : Sign
        The behaviour, what the manager sees when it works, and what to watch.
    types : tuple of str
        The labels of the types whose plans name it.
    """

    sign: Sign
    types: tuple[str, ...]


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
        The labels of the types whose plans use it.
    """

    table: str
    title: str
    ask: str
    guide: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class CoachingChecklist:
    """The sales managers' checklist for one region.

    Attributes
    ----------
    region, region_name : str
    purpose : str
        Why the checklist exists (one paragraph).
    joint_visits : tuple of VisitPoint
        What to look for on a joint visit, the signs most types share first.
    weekly_reviews : tuple of TableReview
        Which table to review weekly and what to ask, the most used first.
    rhythm : tuple of (str, str)
        The weekly rhythm: when, what.
    records : tuple of (str, str)
        What to record for the next follow-up wave: what, how.
    """

    region: str
    region_name: str
    purpose: str
    joint_visits: tuple[VisitPoint, ...]
    weekly_reviews: tuple[TableReview, ...]
    rhythm: tuple[tuple[str, str], ...]
    records: tuple[tuple[str, str], ...]


def coaching_checklist(design: CourseDesign, plans: Sequence[ActionPlan], *,
                       rules: ActionRules | None = None) -> CoachingChecklist:
    """The sales managers' coaching checklist from a region's action plans.

    Parameters
    ----------
    design : CourseDesign
        The region's course design (its region and name).
    plans : sequence of ActionPlan
        :func:`casekit.authoring.action_plan.action_plans` of the region.
    rules : ActionRules, optional
        The rules the plans were built with (default: the packaged rules): the weekly questions,
        the rhythm and the records.

    Returns
    -------
    CoachingChecklist
        Joint-visit points for every sign the plans name; a weekly review for every table they
        use; the same plans give the same checklist.
    """
    rules = rules or load_action_rules()
    signs: dict[Sign, list[str]] = {}
    tables: dict[str, list[str]] = {}
    uses: dict[str, int] = {}
    for plan in plans:
        for action in plan.actions:
            who = signs.setdefault(action.sign, [])
            if plan.type_label not in who:
                who.append(plan.type_label)
            users = tables.setdefault(action.table, [])
            if plan.type_label not in users:
                users.append(plan.type_label)
            uses[action.table] = uses.get(action.table, 0) + 1
    order = list(BEHAVIOURS)
    points = tuple(VisitPoint(s, tuple(t)) for s, t in
                   sorted(signs.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0].behaviour))))
    keys = list(tables)
    reviews = tuple(TableReview(k, table_title(k), rules.tables.get(k, "这张表本周更新了哪些内容？据此下周要做什么？"),
                                table_guide(k), tuple(tables[k]))
                    for k in sorted(keys, key=lambda k: (-uses[k], keys.index(k))))
    return CoachingChecklist(design.region, design.region_name, PURPOSE, points, reviews, rules.rhythm,
                             rules.records)


# -- rendering ------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Text as Markdown shows it literally (no markup from the bundle's names)."""
    return str(text).translate(_MD_SPECIAL).replace("\n", " ")


def document_title(region_name: str) -> str:
    """The document's title."""
    return f"{region_name}客户经理培训后九十天行动计划与销售经理辅导清单"


def _plan_table(plan: ActionPlan) -> pd.DataFrame:
    rows = []
    for period, heading in PERIODS.items():
        for action in plan.period(period):
            rows.append({"时间": heading, "行动": action.text, "课程模块": action.module_title,
                         "销售工具表": action.table_title,
                         "陪访时看到": f"{action.sign.text}（{action.sign.measure}）"})
    return pd.DataFrame(rows, columns=["时间", "行动", "课程模块", "销售工具表", "陪访时看到"])


def _blocks(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None
            ) -> Iterator[tuple[str, object]]:
    """The document as blocks: ("h1"|"h2"|"para"|"item", text) or ("table", DataFrame)."""
    yield "para", ("培训结束不是终点。以下是每类客户经理培训后九十天的行动计划：每个阶段做哪几件事、用到课程的哪个模块和"
                   "哪张销售工具表，以及销售经理陪访时会看到什么变化。后面是销售经理的辅导清单。")
    yield "h1", "一、九十天行动计划"
    for plan in plans:
        yield "h2", plan.type_label
        yield "para", plan.summary
        yield "table", _plan_table(plan)
    if checklist is None:
        return
    yield "h1", "二、销售经理辅导清单"
    yield "para", checklist.purpose
    yield "h2", "陪访时看什么"
    yield "table", pd.DataFrame(
        [{"要看的做法": p.sign.label, "怎么看": p.sign.watch, "做到了的样子": p.sign.text,
          "涉及的类型": "、".join(p.types)} for p in checklist.joint_visits],
        columns=["要看的做法", "怎么看", "做到了的样子", "涉及的类型"])
    yield "h2", "每周复盘看哪张表、问什么"
    yield "table", pd.DataFrame(
        [{"销售工具表": r.title, "复盘时问": r.ask, "涉及的类型": "、".join(r.types)} for r in checklist.weekly_reviews],
        columns=["销售工具表", "复盘时问", "涉及的类型"])
    yield "h2", "每周节奏"
    for when, what in checklist.rhythm:
        yield "item", f"{when}：{what}"
    yield "h2", "要记下什么（供下一次回访衡量）"
    for what, how in checklist.records:
        yield "item", f"{what}：{how}"


def _md_table(frame: pd.DataFrame) -> list[str]:
    lines = ["| " + " | ".join(_md(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_md(v) for v in row) + " |")
    return lines + [""]


def action_plan_markdown(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None = None, *,
                         region_name: str | None = None) -> str:
    """The region's plans (and checklist) as Markdown.

    Parameters
    ----------
    plans : sequence of ActionPlan
    checklist : CoachingChecklist, optional
        Appended as part two.
    region_name : str, optional
        For the title (default: the plans' or the checklist's region).

    Returns
    -------
    str
        Every text from the bundle (region and type names) is escaped, so it shows as written.
    """
    name = region_name or (plans[0].region_name if plans else checklist.region_name if checklist else "")
    lines = [f"# {_md(document_title(name))}", ""]
    for kind, content in _blocks(plans, checklist):
        if kind == "table":
            lines += _md_table(content)  # type: ignore[arg-type]
        elif kind in ("h1", "h2"):
            if lines and lines[-1].startswith("- "):
                lines.append("")
            lines += ["#" * (int(kind[1]) + 1) + f" {_md(content)}", ""]
        elif kind == "item":
            lines.append(f"- {_md(content)}")
        else:
            if lines and lines[-1].startswith("- "):
                lines.append("")
            lines += [_md(content), ""]
    return "\n".join(lines).rstrip() + "\n"


def action_plan_docx_bytes(plans: Sequence[ActionPlan], checklist: CoachingChecklist | None = None, *,
                           region_name: str | None = None, font: str | None = None) -> bytes:
    """The region's plans (and checklist) as a Word document; the same input gives the same bytes.

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
        An A4 landscape ``.docx`` with page numbers.
    """
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    from casekit.authoring import docx_writer as dw

    name = region_name or (plans[0].region_name if plans else checklist.region_name if checklist else "")
    doc = dw.new_document(document_title(name), font=font or dw.CJK_FONT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    widths = {5: [2.4, 8.6, 4.2, 4.2, 6.6], 4: [3.6, 7.6, 8.2, 6.6], 3: [5.0, 13.0, 8.0]}
    for kind, content in _blocks(plans, checklist):
        if kind == "table":
            frame = content  # type: ignore[assignment]
            cm = widths.get(len(frame.columns))  # type: ignore[attr-defined]
            table = dw.add_table(doc, frame, widths_cm=cm)  # type: ignore[arg-type]
            table.autofit = False
            for column, width in zip(table.columns, cm or ()):  # the grid too (LibreOffice, WPS read it)
                column.width = Cm(width)
            dw.add_paragraph(doc, "")
        elif kind in ("h1", "h2"):
            dw.add_heading(doc, str(content), level=int(kind[1]))
        elif kind == "item":
            dw.add_paragraph(doc, "• " + str(content))
        else:
            dw.add_paragraph(doc, str(content))
    dw.add_page_numbers(doc)
    return dw.document_bytes(doc)


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
