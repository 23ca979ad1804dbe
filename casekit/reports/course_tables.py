"""Client-facing tables and sentences of a region's findings and course designs.

The findings (:func:`casekit.analysis.engagement_findings`) and the course design
(:func:`casekit.reports.course.course_designs`) are computed once; this module only words them
for the region report: what the region's evidence supports (and what it does not), and the
designed course -- modules with their lengths and reasons, the timetable, the composition and
the decisions left to the consultant. Every sentence about a weakness comes from a finding,
so the report's sections tell one story.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from casekit.domain import MIN_CELL_SIZE
from casekit.formatting import days as fmt_days
from casekit.reports.tables import frame_records

__all__ = [
    "design_composition",
    "design_module_table",
    "design_summary",
    "design_timetable",
    "findings_sentences",
    "findings_table",
]

_KIND_COLUMNS = {"vs_required": "与目标水平相比", "vs_other_regions": "与其他地区相比"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _conclusion(row: Mapping[str, Any]) -> str:
    if bool(row.get("hidden")):
        return "人数不足，不作判断"
    if not bool(row.get("claimed")):
        return "无明显差异"
    if row.get("kind") == "vs_required":
        return "明显低于目标" if row.get("direction") == "weaker" else "明显高于目标"
    return "明显偏弱" if row.get("direction") == "weaker" else "明显偏强"


def findings_table(findings: pd.DataFrame, region: str, population: str) -> pd.DataFrame:
    """One row per dimension: the conclusion against the target level and against the other regions.

    Parameters
    ----------
    findings : pandas.DataFrame
        The findings table (:attr:`casekit.analysis.Findings.table`).
    region : str
        Top-level region id.
    population : str
        Population id.

    Returns
    -------
    pandas.DataFrame
        Index 维度 (Chinese); columns 与目标水平相比, 与其他地区相比: 明显低于目标 / 明显偏弱 /
        无明显差异 / 人数不足，不作判断 (the numbers are in the sentences of
        :func:`findings_sentences`).
    """
    rows = findings.loc[(findings["region"] == region) & (findings["population"] == population)]
    labels = list(dict.fromkeys(rows["dimension_label"]))
    cells: dict[str, dict[Any, str]] = {column: {} for column in _KIND_COLUMNS.values()}
    for row in frame_records(rows):
        column = _KIND_COLUMNS.get(str(row["kind"]))
        if column is not None:
            cells[column][row["dimension_label"]] = _conclusion(row)
    return pd.DataFrame({column: [by_label.get(label, "—") for label in labels] for column, by_label in cells.items()},
                        index=pd.Index(labels, name="维度"), dtype=object)


def findings_sentences(findings: pd.DataFrame, region: str, population: str, weakest: Sequence[str] = (),
                       *, min_n: int = MIN_CELL_SIZE) -> list[str]:
    """The claimed findings of one region × population as sentences, weakest first; or why there are none.

    Parameters
    ----------
    findings : pandas.DataFrame
        The findings table.
    region, population : str
        Top-level region id and population id.
    weakest : sequence of str
        :meth:`casekit.analysis.Findings.weakest` of the region × population (dimension ids):
        their sentences come first.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        The disclosure threshold the findings used (named when the whole group is too small).

    Returns
    -------
    list of str
        Each claimed finding's sentence; "no clear difference" sentences when nothing is claimed.
    """
    rows = frame_records(findings.loc[(findings["region"] == region) & (findings["population"] == population)])
    if not rows:
        return []
    if all(bool(row["hidden"]) for row in rows):
        return [f"本地区该岗位参与问卷的人数少于 {min_n} 人，不作判断。"]
    order = {d: i for i, d in enumerate(weakest)}

    def need(row: Mapping[str, Any]) -> tuple[int, int, bool, float]:
        """The weakest dimensions first, then against the target before against the other regions,
        then by estimate (a missing one last)."""
        estimate = row["estimate"]
        return (order.get(row["dimension"], len(order)), 0 if row["kind"] == "vs_required" else 1,
                _missing(estimate), 0.0 if _missing(estimate) else float(estimate))

    claimed = sorted((row for row in rows if bool(row["claimed"])), key=need)  # stable: ties keep the table's order
    out = [str(row["sentence"]) for row in claimed]
    for kind, none in (("vs_required", "各维度与目标水平相比均无明显差异。"),
                       ("vs_other_regions", "与其他地区相比，没有哪个维度有明显差异。")):
        of_kind = [row for row in rows if row["kind"] == kind]
        if of_kind and not any(bool(row["claimed"]) for row in of_kind):
            out.append(none)
    return out


def design_summary(design: Mapping[str, Any]) -> str:
    """One paragraph: the course, its length against the budget, and how interactive it is."""
    budget = design.get("budget_days")
    text = (f"{design['title']}：共 {fmt_days(design['total_days'])} 天"
            + (f"（课时预算 {fmt_days(budget)} 天）" if not _missing(budget) else "")
            + f"，按日程计互动教学占 {design['interactive_share']:.0%}。")
    note = design.get("budget_note")
    return text + (str(note) if note else "")


def design_module_table(design: Mapping[str, Any]) -> pd.DataFrame:
    """Modules in teaching order (the index): days, range, the abilities trained and the reason."""
    rows = []
    for m in design["modules"]:
        rows.append({
            "模块": m["title"],
            "天数": fmt_days(m["days"]),
            "可调范围": f"{fmt_days(m['days_min'])}–{fmt_days(m['days_max'])}",
            "训练的能力": "、".join(m.get("dimension_labels") or ()),
            "依据": m.get("reason") or "",
        })
    return pd.DataFrame(rows, columns=["模块", "天数", "可调范围", "训练的能力", "依据"]).set_index("模块")


def design_timetable(design: Mapping[str, Any]) -> pd.DataFrame:
    """The timetable: one row per activity, indexed by its half-day (第1天上午); type, content, minutes, module."""
    titles = {m["id"]: m["title"] for m in design["modules"]}
    rows = []
    for session in design.get("schedule") or ():
        clock = f" {session['start']}–{session['end']}" if session.get("start") and session.get("end") else ""
        for activity in session["activities"]:
            rows.append({
                "时段": f"第{session['day']}天{session['half']}{clock}",
                "形式": activity["type"],
                "内容": activity["title"],
                "分钟": int(activity["minutes"]),
                "所属模块": titles.get(activity.get("module"), ""),
            })
    return pd.DataFrame(rows, columns=["时段", "形式", "内容", "分钟", "所属模块"]).set_index("时段")


def design_composition(design: Mapping[str, Any], *, open_decisions: bool = True) -> list[str]:
    """What each module is taught with, one line per module, then the open decisions.

    ``open_decisions=False`` leaves out the consultant's open decisions (``待顾问确认：…``):
    the client's report shows the course, not the consultants' to-do list (which stays in the
    trainer's edition of the 课程大纲 and ``casekit outline``).
    """
    lines = []
    for m in design["modules"]:
        parts = []
        cases = [c["title"] for c in m.get("cases") or ()]
        if cases:
            parts.append("案例：" + "、".join(cases))
        plays = [r["title"] for r in m.get("roleplays") or ()]
        if plays:
            parts.append("角色扮演：" + "、".join(plays))
        industries = [i["label"] for i in m.get("industries") or ()]
        if industries:
            parts.append("行业：" + "、".join(industries))
        products = [p["name"] for p in m.get("products") or ()]
        if products:
            parts.append("本地产品：" + "、".join(products))
        added = [a["title"] for a in m.get("added_sessions") or ()]
        if added:
            parts.append("补充专题：" + "、".join(added))
        emphasis = list(m.get("emphasis") or ())
        if emphasis:
            parts.append("训练重点：" + "；".join(emphasis))
        if parts:
            lines.append(f"{m['title']}——" + "；".join(parts))
    for u in (design.get("uncovered") or ()) if open_decisions else ():
        lines.append(f"待顾问确认：{u['decision']}")
    return lines

