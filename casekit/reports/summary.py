"""The 调研报告 of one region as a :class:`~casekit.reports.document.ReportDocument`.

:func:`report_document` writes, from a :class:`~casekit.reports.region_report.RegionReport`:

一、执行摘要
    The claimed findings of the findings model (:class:`~casekit.analysis.findings.Findings`),
    in its order of need (:meth:`~casekit.analysis.findings.Findings.order`), each one plain
    sentence with the scores and the number of people; "无明显差异" where nothing is claimed;
    then the recommendations.
二、调研背景与方法
    The sources (questionnaire, interviews, ride-alongs, 360° review, catalogue), counted by
    population and city with small counts hidden, the period, and what was not possible.
三、主要发现
    By audience: the findings' sentences and table, the comparison with the other regions and
    the gaps to the target level, the account-manager types, the 360° review; the key charts.
四、原因分析
    What the ride-alongs, the interviews and the link between behaviour and results say about
    why: time use, how visits are conducted, the themes the region's notes dwell on, excerpts.
五、建议
    The course design of each audience (days per module, what was lengthened for this region
    and why), the toolbox and how the types are used in class.
附录
    The method in plain words and a glossary of the terms the report uses.

Every sentence and table cell is plain text (renderers escape it) and client-facing Chinese;
analyst terms appear only in the appendix, where the glossary explains them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from casekit.domain import NOTE_METHODS, POPULATIONS
from casekit.formatting import days as fmt_days
from casekit.formatting import score as fmt_score
from casekit.privacy.disclosure import is_suppressed
from casekit.reports.document import (
    Block,
    Bullets,
    Figure,
    Paragraph,
    ReportDocument,
    Section,
    Table,
)
from casekit.reports.tables import frame_records

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

    from casekit.analysis.findings import Findings
    from casekit.reports.region_report import RegionReport

__all__ = [
    "GLOSSARY",
    "SECTION_TITLES",
    "method_sources",
    "distinct_sentences",
    "gap_sentences",
    "recommendation_sentences",
    "report_document",
    "summary_sentences",
    "targets_unconfirmed",
]

#: Section key → Chinese heading, in report order.
SECTION_TITLES: Mapping[str, str] = {
    "summary": "一、执行摘要",
    "method": "二、调研背景与方法",
    "findings": "三、主要发现",
    "causes": "四、原因分析",
    "recommendations": "五、建议",
    "appendix": "附录：方法说明与术语表",
}

#: Terms the report uses, and what they mean, in plain words (the appendix's glossary).
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("目标水平", "顾问为每个岗位、每个能力维度设定的应达到的分数（1–5 分），对转型产品销售最关键的能力定得更高；"
                 "需与客户确认。"),
    ("差距", "本地区平均分减去目标水平；负数表示低于目标。"),
    ("明显低于目标 / 明显偏弱", "差距足够大，而且考虑了人数多少和整个项目同时做了多少次比较之后仍然成立；"
                                "否则报告写“无明显差异”。"),
    ("差距的可能范围（置信区间）", "根据参与人数估计的真实差距大致所在的范围；范围不含 0，说明差距比较确定。"
                                   "人数越少，范围越宽。"),
    ("同时做多次比较", "同时比较的维度和地区越多，偶然出现“差异”的机会越大；报告用统计方法"
                       "（本杰明尼—霍赫伯格方法）控制误判的比例，所以只有确实较大的差异才被称为“明显”。"),
    ("人数少于 5 人不显示", "为保护受访者，任何少于 5 人的分组都不显示得分，只显示“<5”。"),
    ("客户经理类型", "用聚类分析把问卷得分、时间使用和拜访做法相近的客户经理归为一类；"
                     "只有各类之间差别明显、换一批人重新分析分法基本不变时才描述类型。类型只用于设计课程，不评价个人。"),
    ("轮廓系数", "衡量分类清晰程度的指标，越接近 1 表示各类之间界限越清楚。"),
    ("自助抽样稳定性", "从数据中反复随机抽取一批人重新分类，看分法是否一致；越接近 1 越稳定。"),
    ("等级相关（斯皮尔曼相关）", "衡量两项指标是否一同升降，范围 −1 到 1；正数表示同升同降，负数表示此升彼降。"
                                 "相关不代表因果。"),
    ("顾问式 / 推销式", "顾问式：先了解客户需求，再讲产品价值；推销式：以价格优惠、免费试用、寒暄或技术术语为主。"),
    ("工作随访", "顾问作为旁观者跟随客户经理拜访客户，记录时间、做法和拜访结果。"),
    ("360°评估", "销售管理人员由本人、下属客户经理、支撑人员和上级按同一组题目评分；每类评价者不足 3 人时并入其他评价者，上级主管至少 3 位时按地区合并单独列出。"),
    ("自评减他评", "本人自评平均分减去他人评价平均分；正数表示自我评价高于他人的看法。"),
)

#: How many claimed findings of one audience the summary lists before "及其他 N 项".
SUMMARY_PER_AUDIENCE = 4


# -- small helpers ------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return str(value)


def _frame(table: pd.DataFrame, *, keep_index: bool = True) -> pd.DataFrame:
    """A display table as strings: the index (if named or not a range) becomes the first column."""
    frame = table
    if keep_index and not isinstance(frame.index, pd.RangeIndex):
        names = [n if n else "" for n in frame.index.names]
        frame = frame.reset_index()
        if len(names) == 1 and not names[0]:
            frame = frame.rename(columns={frame.columns[0]: ""})
    columns = [" ".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else str(c) for c in frame.columns]
    if frame.empty:  # no rows (or no columns): nothing to write, the columns keep their types
        return frame.set_axis(columns, axis=1).reset_index(drop=True)
    # one pass over the cells (a Series.map per column costs more than the few cells it writes)
    return pd.DataFrame([[_cell(v) for v in row] for row in frame.to_numpy(dtype=object)], columns=columns)


def _png(fig: MplFigure) -> bytes:
    """The figure as PNG bytes, without volatile metadata (same figure → same bytes)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _population_name(population: str) -> str:
    return POPULATIONS[population].label if population in POPULATIONS else population


# -- 执行摘要 -----------------------------------------------------------------------------------

def _ability(label: str) -> str:
    """``“销售”能力``; a label that already says 力 (领导力, 执行能力) is not doubled."""
    return f"“{label}”" if label.endswith("力") else f"“{label}”能力"


def _dimension_sentence(rows: Sequence[Mapping[str, Any]], audience: str) -> str:
    """The claimed findings of one dimension (against the target, against the other regions) as one sentence."""
    first = rows[0]
    parts: list[str] = []
    numbers: list[str] = []
    for row in rows:
        if row["kind"] == "vs_required":
            parts.append("明显低于目标水平" if row["direction"] == "weaker" else "明显高于目标水平")
            numbers.append(f"目标 {fmt_score(row['reference'])} 分")
        else:
            parts.append("明显弱于其他地区" if row["direction"] == "weaker" else "明显强于其他地区")
            numbers.append(f"其他地区 {fmt_score(row['reference'])} 分")
    verdict = "，也".join(parts) if len(parts) > 1 else parts[0]
    people = f"{int(first['n'])} 人"
    ref_n = first.get("reference_n")
    if len(rows) == 1 and first["kind"] != "vs_required" and ref_n is not None and ref_n == ref_n:
        people = f"本地区 {int(first['n'])} 人，其他地区 {int(ref_n)} 人"
    return (f"{audience}的{_ability(str(first['dimension_label']))}{verdict}："
            f"平均 {fmt_score(first['mean'])} 分，{'，'.join(numbers)}（{people}）。")


def _kind_sentences(rows: Sequence[Mapping[str, Any]], order: Callable[[], Sequence[str]], name: str, kind: str,
                    *, per_audience: int) -> list[str]:
    """One audience's claimed findings of one kind, in the order of need, one sentence per dimension.

    ``rows`` are the audience's rows of the findings table (as records, in the table's order);
    ``order`` gives :meth:`Findings.order` of the audience (asked only when something is claimed).
    """
    claimed = [row for row in rows if row["kind"] == kind and bool(row["claimed"])]
    if not claimed:
        return []
    by_dimension: dict[str, list[Mapping[str, Any]]] = {}
    for row in claimed:
        by_dimension.setdefault(row["dimension"], []).append(row)
    dims = [d for d in order() if d in by_dimension]
    # weaknesses in the order of need, then strengths
    dims.sort(key=lambda d: 0 if any(row["direction"] == "weaker" for row in by_dimension[d]) else 1)
    out = [_dimension_sentence(by_dimension[d], name) for d in dims[:per_audience]]
    rest = dims[per_audience:]
    if rest:
        rest_rows = [row for row in claimed if row["dimension"] in rest]
        label_of = {row["dimension"]: row["dimension_label"] for row in rest_rows}
        labels = "".join(f"“{label_of[d]}”" for d in rest)  # in the order of need
        if all(row["direction"] == "weaker" for row in rest_rows):
            verdict = "也明显低于目标水平" if kind == "vs_required" else "也明显弱于其他地区"
        else:
            verdict = "也有明显差异"
        ability = "" if labels.endswith("力”") else ("等能力" if len(rest) > 1 else "能力")
        out.append(f"{name}的{labels}{ability}{verdict}，详见第三部分。")
    return out


def _audience_rows(findings: Findings, region: str) -> dict[str, pd.DataFrame]:
    """The findings table's rows of ``region``, per audience (in the table's order)."""
    table = findings.table
    return dict(tuple(table.loc[table["region"] == region].groupby("population", sort=False)))


def _region_sentences(findings: Findings, region: str, populations: Sequence[str], *,
                      per_audience: int) -> tuple[list[str], list[str]]:
    """:func:`distinct_sentences` and :func:`gap_sentences` in one pass over the region's findings.

    The region's rows are selected once, and each audience's order of need
    (:meth:`Findings.order`) is computed at most once, for both kinds of finding.
    """
    audiences = _audience_rows(findings, region)
    distinct: list[str] = []
    gaps: list[str] = []
    shown = []
    for population in populations:
        rows = audiences.get(population)
        if rows is None:
            continue
        name = _population_name(population)
        if rows["hidden"].astype(bool).all():
            gaps.append(f"{name}参与问卷的人数不足 {findings.min_n} 人，不作判断。")
            continue
        n = int(rows["n"].max())
        shown.append((population, n))
        records = frame_records(rows)
        order = functools.cache(functools.partial(findings.order, region, population))
        distinct += _kind_sentences(records, order, name, "vs_other_regions", per_audience=per_audience)
        gaps += (_kind_sentences(records, order, name, "vs_required", per_audience=per_audience)
                 or [f"{name}（{n} 人）的各项能力与目标水平相比均无明显差异。"])
    if not distinct and shown:
        names = "、".join(POPULATIONS[p].label for p, _ in shown)
        counts = "、".join(f"{POPULATIONS[p].label} {n} 人" for p, n in shown)
        distinct.append(f"与其他地区相比，本地区{names}的各项能力均无明显差异（{counts}）。")
    return distinct, gaps


def distinct_sentences(findings: Findings, region: str, populations: Sequence[str], *,
                       per_audience: int = SUMMARY_PER_AUDIENCE) -> list[str]:
    """What sets the region apart: its claimed differences from the other regions, one sentence each.

    Parameters
    ----------
    findings : Findings
        The engagement's findings.
    region : str
        Top-level region id.
    populations : sequence of str
        The audiences present in the region, in report order.
    per_audience : int
        At most this many dimensions per audience; the rest are named in one more sentence.

    Returns
    -------
    list of str
        Per audience, the dimensions claimed weaker (then stronger) than the other regions, in
        :meth:`Findings.order`, each with both means and both numbers of people; one sentence
        "no clear difference" when no audience differs (empty when every audience is hidden).
    """
    return _region_sentences(findings, region, populations, per_audience=per_audience)[0]


def gap_sentences(findings: Findings, region: str, populations: Sequence[str], *,
                  per_audience: int = SUMMARY_PER_AUDIENCE) -> list[str]:
    """The region's claimed gaps to the target level, per audience, in the order of need.

    Parameters
    ----------
    findings : Findings
        The engagement's findings.
    region : str
        Top-level region id.
    populations : sequence of str
        The audiences present in the region, in report order.
    per_audience : int
        At most this many dimensions per audience; the rest are named in one more sentence.

    Returns
    -------
    list of str
        Per audience, one sentence per dimension claimed below (then above) its target, the
        largest claimed shortfall first (:meth:`Findings.order`); "no clear difference" with the
        number of people when nothing is claimed; "too few people" when the audience is hidden.
    """
    return _region_sentences(findings, region, populations, per_audience=per_audience)[1]


def summary_sentences(findings: Findings, region: str, populations: Sequence[str], *,
                      per_audience: int = SUMMARY_PER_AUDIENCE) -> list[str]:
    """The executive summary's findings: :func:`distinct_sentences`, then :func:`gap_sentences`."""
    distinct, gaps = _region_sentences(findings, region, populations, per_audience=per_audience)
    return distinct + gaps


def targets_unconfirmed(bundle: Any) -> str:
    """A plain sentence when some target levels are casekit's defaults, not agreed with the client; else ""."""
    from casekit.analysis.gaps import competency_levels

    levels = competency_levels(bundle)
    sources = set(levels["source"]) if "source" in levels.columns else {"default"}
    if "default" not in sources:
        return ""
    some = "目标水平" if sources == {"default"} else "部分目标水平"
    return (f"{some}目前沿用通用的默认值（对转型销售最关键的能力定得更高），尚未与客户逐项确认；"
            "确认后与目标的差距会相应变化，与其他地区的比较不受影响。")


def _type_sentence(report: RegionReport) -> str | None:
    segments = report.segments
    if segments is None or not getattr(segments, "clear", False):
        return None
    return report.segments_message or None


def _linkage_sentences(report: RegionReport) -> list[str]:
    """The strongest positive and the strongest negative link with results (sentences as written)."""
    links = report.linkage
    if links is None or links.empty:
        return []
    out = []
    for sign in (1, -1):
        side = links.loc[(links["rho"] * sign) > 0]
        side = side.loc[(side["ci_low"] > 0) if sign > 0 else (side["ci_high"] < 0)]
        if not side.empty:
            best = side.loc[(side["rho"] * sign).idxmax()]
            sentence = str(best["sentence"]).replace("（相关，不代表因果）", "").rstrip("。")
            out.append(f"{sentence}（{int(best['n'])} 人；相关，不代表因果）。")
    return out


# -- 建议 ---------------------------------------------------------------------------------------

def recommendation_sentences(report: RegionReport) -> list[str]:
    """One sentence per audience's course, what was lengthened for the region, then the toolbox.

    Parameters
    ----------
    report : RegionReport
        The region's report.

    Returns
    -------
    list of str
        Plain sentences: the course of each audience with its days per module (longest first)
        and its share of interactive teaching; the modules longer than the plan common to all
        regions, with why; how the account-manager types are used; the sales toolbox.
    """
    return _recommendation_sentences(report, _plans(report), _weakest(report, report.designs))


def _plans(report: RegionReport) -> dict[str, dict[str, Any]]:
    """Each audience's course design as a plain dict (:meth:`CourseDesign.to_dict`)."""
    return {population: design.to_dict() for population, design in report.designs.items()}


def _weakest(report: RegionReport, populations: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """:meth:`Findings.weakest` of each audience in the report's findings region (empty without findings)."""
    if report.findings is None:
        return {}
    return {population: report.findings.weakest(report.findings_region, population)
            for population in dict.fromkeys(populations)}


def _recommendation_sentences(report: RegionReport, plans: Mapping[str, Mapping[str, Any]],
                              weakest: Mapping[str, tuple[str, ...]]) -> list[str]:
    """:func:`recommendation_sentences` from the plans (:func:`_plans`) and the weakest dimensions (:func:`_weakest`)."""
    weaker_than_others: dict[str, set[str]] = {}
    if report.findings is not None:
        claimed = report.findings.claimed(report.findings_region, kind="vs_other_regions", direction="weaker")
        for population, dimension in zip(claimed["population"], claimed["dimension"]):
            weaker_than_others.setdefault(population, set()).add(dimension)
    out: list[str] = []
    for population, plan in plans.items():
        audience = POPULATIONS[population].label if population in POPULATIONS else plan["audience_name"]
        modules = sorted(plan["modules"], key=lambda m: -float(m["days"]))
        parts = "、".join(f"「{m['title']}」{fmt_days(m['days'])} 天" for m in modules)
        share = plan.get("interactive_share")
        interactive = f"，案例讨论、角色扮演等互动教学约占 {share:.0%}" if share is not None else ""
        out.append(f"为{audience}安排 {fmt_days(plan['total_days'])} 天课程：{parts}{interactive}。")
        weaker_here = weaker_than_others.get(population, set())
        longer = [m for m in plan["modules"]
                  if m.get("base_days") is not None and float(m["days"]) > float(m["base_days"])]
        for m in longer:
            labels = "、".join(f"“{lbl}”" for d, lbl in zip(m.get("dimensions") or (), m.get("dimension_labels") or ())
                              if d in weaker_here)
            why = f"本地区{audience}在{labels}上明显弱于其他地区，" if labels else "根据本地区的调研结果，"
            out.append(f"{why}「{m['title']}」比各地区共同方案加长到 {fmt_days(m['days'])} 天。")
        if weakest.get(population):
            dims = set(weakest[population])
            target = [m for m in plan["modules"] if dims & set(m.get("dimensions") or ())]
            if target:
                main = max(target, key=lambda m: float(m["days"]))  # the longest module training it
                labels = "、".join(f"“{lbl}”" for d, lbl in zip(main["dimensions"], main["dimension_labels"])
                                  if d in dims)
                out.append(f"{audience}差距最大的是{labels}，在「{main['title']}」（{fmt_days(main['days'])} 天）"
                           "中重点训练。")
    if report.segments is not None and getattr(report.segments, "clear", False):
        out.append("开课时用简短的自评了解每位学员接近哪种客户经理类型（类型按全部地区的数据划分），演练时按类型分组，针对各类型的弱项布置角色扮演。")
    out.append("课程配套销售工具箱（产品与客户各部门利益对照表、客户需求诊断表等）和本地区真实案例，"
               "学员在课上用本地区的产品和客户练习，课后在拜访中继续使用。")
    return out


# -- 调研背景与方法 -----------------------------------------------------------------------------

def _count(n: int, min_n: int) -> str:
    return f"<{min_n}" if is_suppressed(n, min_n) else str(n)


def method_sources(report: RegionReport) -> pd.DataFrame:
    """The sources of the region's evidence: method, who, how many, when.

    Counts of people below the disclosure threshold show as ``<5``; counts of records are shown.

    Returns
    -------
    pandas.DataFrame
        Columns 调研方式, 调研对象, 人数, 份数/次数, 时间 (all strings).
    """
    bundle = report.bundle
    manifest = bundle.manifest
    min_n = report.min_n
    region_ids = set(manifest.descendants(report.region_id))
    top = report.notes_region_id or report.region_id
    top_region = manifest.top_of(report.region_id)
    rows: list[dict[str, str]] = []
    respondents = bundle.respondents
    if not respondents.empty:
        counts = respondents.loc[respondents["region_id"].isin(region_ids), "population"].value_counts()
        for population in POPULATIONS:
            n = int(counts.get(population, 0))
            if n:
                rows.append({"调研方式": "问卷调查", "调研对象": POPULATIONS[population].label,
                             "人数": _count(n, min_n), "份数/次数": str(n), "时间": manifest.period or "—"})
    notes = bundle.notes
    if not notes.empty:
        mine = notes.loc[notes["top_region_id"] == top]
        for method, group in mine.groupby("method", sort=True):
            people = group["interviewee"].nunique()
            label = NOTE_METHODS[method].label if method in NOTE_METHODS else str(method)
            who = "、".join(POPULATIONS[p].label for p in POPULATIONS if p in set(group["population"]))
            records = f"{len(group)} 份"  # how much fieldwork was done is not anyone's data
            rows.append({"调研方式": label, "调研对象": who, "人数": _count(int(people), min_n),
                         "份数/次数": records, "时间": _period(group["date"])})
    rides = bundle.ride_alongs
    if not rides.empty:
        mine = rides.loc[rides["top_region_id"] == top_region]
        if not mine.empty:
            rows.append({"调研方式": "工作随访", "调研对象": POPULATIONS["account_manager"].label
                         if "account_manager" in POPULATIONS else "客户经理",
                         "人数": _count(int(mine["account_manager"].nunique()), min_n),
                         "份数/次数": f"{len(mine)} 次拜访", "时间": _period(mine["date"])})
    reviews = bundle.reviews_360
    if not reviews.empty:
        mine = reviews.loc[reviews["top_region_id"] == top_region]
        if not mine.empty:
            rows.append({"调研方式": "360°评估", "调研对象": "销售管理人员及其评价者",
                         "人数": _count(int(mine["manager_id"].nunique()), min_n) + " 位经理",
                         "份数/次数": f"{mine['rater_token'].nunique()} 位评价者", "时间": manifest.period or "—"})
    catalogue = bundle.catalogue
    if catalogue is not None and not getattr(catalogue, "empty", True):
        # the region's own catalogue (catalogue/<top region>.csv), not the bundle's
        mine = catalogue.loc[catalogue["region_id"].isin(region_ids | {top_region})]
        if not mine.empty:
            rows.append({"调研方式": "本地产品目录", "调研对象": "本地区在售产品", "人数": "—",
                         "份数/次数": f"{len(mine)} 项", "时间": manifest.period or "—"})
    return pd.DataFrame(rows, columns=["调研方式", "调研对象", "人数", "份数/次数", "时间"])


def _period(dates: pd.Series) -> str:
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    if dates.empty:
        return "—"
    lo, hi = dates.min(), dates.max()
    first = f"{lo.year}年{lo.month}月"
    last = f"{hi.year}年{hi.month}月"
    return first if first == last else f"{first}至{last}"


def _limitations(report: RegionReport) -> list[str]:
    """What was not possible, one plain sentence each."""
    out = []
    missing = [POPULATIONS[p].label for p in POPULATIONS if p not in report.populations]
    if missing:
        out.append(f"本地区没有{'、'.join(missing)}的问卷数据，报告不含这些岗位的得分。")
    if report.findings is not None:
        table = report.findings.table
        rows = table.loc[table["region"] == report.findings_region]
        all_hidden = rows["hidden"].astype(bool).groupby(rows["population"]).all()  # audiences with rows
        for p in report.populations:
            if all_hidden.get(p, False):
                out.append(f"{POPULATIONS[p].label}参与问卷的人数不足 {report.min_n} 人，不作判断。")
    if report.region_id != report.findings_region:
        out.append(f"主要发现、客户经理类型和访谈要点按{report.manifest.name(report.findings_region)}全省统计，"
                   "不按地市细分（地市的人数太少，无法作出可靠的判断）。")
    if not report.notes_shown:
        out.append(f"访谈与随访记录来自不足 {report.min_n} 位受访者，为保护受访者，不列出主题和原话。")
    if report.visits is None:
        out.append("本次调研没有工作随访记录，客户经理的时间使用和拜访做法无法观察。")
    if report.reviews.empty:
        out.append("本地区没有销售管理人员的360°评估数据。")
    if report.linkage is None:
        out.append(report.linkage_message or "没有业绩数据，无法分析能力与业绩的关系。")
    if report.segments is None or not getattr(report.segments, "clear", False):
        out.append("客户经理之间没有清晰、稳定的分类，报告不描述客户经理类型。")
    return out


# -- sections -----------------------------------------------------------------------------------

def _summary_section(report: RegionReport, distinct: list[str], gaps: list[str],
                     recommendations: list[str], sources: pd.DataFrame, links: list[str]) -> Section:
    surveyed = sources.loc[sources["调研方式"] == "问卷调查"]
    people = "、".join(f"{r['调研对象']}不足 {report.min_n} 人" if r["人数"].startswith("<")
                      else f"{r['调研对象']} {r['人数']} 人" for r in frame_records(surveyed))
    methods = set(sources["调研方式"])
    joined = _joined([label for label, present in (
        ("访谈", bool(methods - {"问卷调查", "工作随访", "360°评估", "本地产品目录"})),
        ("工作随访", "工作随访" in methods), ("产品目录", "本地产品目录" in methods)) if present])
    intro = (f"本次调研了解{report.region_name}政企销售队伍的能力现状和培训需求"
             + (f"，问卷覆盖{people}" if people else "")
             + (f"，并结合{joined}分析原因" if joined else "")
             + "，据此设计各岗位的课程。")
    region = report.findings_region
    blocks: list[Block] = [Paragraph(intro)]
    if report.region_id != region:
        blocks.append(Paragraph(f"主要发现按{report.manifest.name(region)}全省统计（地市的人数太少，无法单独判断）。"))
    if distinct:
        blocks += [Paragraph("本地区与其他地区相比", emphasis=True), Bullets(tuple(distinct), numbered=True)]
    if gaps:
        blocks.append(Paragraph("与目标水平的差距", emphasis=True))
        caveat = targets_unconfirmed(report.bundle)
        if caveat:
            blocks.append(Paragraph(caveat))
        blocks.append(Bullets(tuple(gaps), numbered=True))
    # types and the link with results are fitted on every region's account managers together
    extra = ([s for s in [_type_sentence(report), *links] if s]
             if "account_manager" in report.populations else [])
    if extra:
        blocks += [Paragraph("全部地区客户经理合并分析的结果", emphasis=True), Bullets(tuple(extra))]
    blocks += [Paragraph("主要建议", emphasis=True), Bullets(tuple(recommendations), numbered=True)]
    return Section("summary", SECTION_TITLES["summary"], tuple(blocks))


def _joined(items: Sequence[str]) -> str:
    """``甲、乙和丙``."""
    return "、".join(items[:-1]) + "和" + items[-1] if len(items) > 1 else "".join(items)


def _method_section(report: RegionReport, sources: pd.DataFrame) -> Section:
    manifest = report.manifest
    methods = _joined(list(dict.fromkeys(sources["调研方式"])))  # only the methods the region has
    blocks: list[Block] = [
        Paragraph(f"调研时间：{manifest.period or '—'}。"
                  + (f"本地区的调研采用{methods}相结合的方法。" if methods else "")
                  + f"报告只呈现汇总结果，不涉及任何个人；人数少于 {report.min_n} 人的分组不显示得分。"),
        Table(sources, title="调研来源"),
    ]
    from casekit.reports.tables import respondent_counts

    counts = respondent_counts(report.bundle, report.region_id, min_n=report.min_n)
    if len(counts.columns) > 2:  # a province: by city
        blocks.append(Table(_frame(counts), title="问卷人数（按地市）",
                            note=f"少于 {report.min_n} 人的单元格显示为“<{report.min_n}”。"))
    limits = _limitations(report)
    if limits:
        blocks += [Paragraph("未能做到的部分", emphasis=True), Bullets(tuple(limits))]
    return Section("method", SECTION_TITLES["method"], tuple(blocks))


def _findings_section(report: RegionReport, weakest: Mapping[str, tuple[str, ...]], *, charts: bool) -> Section:
    from casekit.reports.course_tables import findings_sentences, findings_table
    from casekit.reports.tables import (
        comparison_table,
        persona_descriptions,
        review_sentences,
        review_table,
        segment_mix_table,
        skill_gap_table,
    )

    findings = report.findings
    blocks: list[Block] = [Paragraph(
        "只有数据足以支持时，报告才说某项能力“明显低于目标”或本地区“明显偏弱”：差异要足够大，"
        "并且考虑了人数多少和整个项目同时做了多少次比较；否则写“无明显差异”。")]
    if charts:
        from casekit.reports.charts import dimension_comparison_figure, gap_figure

        if not report.comparison.empty:
            blocks.append(Figure(_png(dimension_comparison_figure(report.comparison, region_name=report.region_name)),
                                 "各能力维度得分：本地区与其他地区", key="comparison"))
        if not report.gaps.empty and not report.gaps["suppressed"].all():
            blocks.append(Figure(_png(gap_figure(report.gaps, report.region_name)),
                                 "与目标水平的差距", key="gaps"))
    subsections = []
    for population in report.populations:
        label = POPULATIONS[population].label
        sub: list[Block] = []
        if findings is not None:
            sentences = findings_sentences(findings.table, report.findings_region, population,
                                           weakest[population], min_n=report.min_n)
            if sentences:
                sub.append(Bullets(tuple(sentences)))
            ftable = findings_table(findings.table, report.findings_region, population)
            if len(ftable):
                sub.append(Table(_frame(ftable), title="结论一览"))
        sub.append(Table(_frame(comparison_table(report.comparison, population)), title="各维度得分与其他地区对比"))
        if not report.gaps.empty and population in set(report.gaps["population"]):
            sub.append(Table(_frame(skill_gap_table(report.gaps, population, findings=findings)),
                             title="与目标水平的差距"))
        if population == "account_manager" and report.segments is not None:
            sub.append(Paragraph(report.segments_message))
            if getattr(report.segments, "clear", False):
                sub.append(Bullets(tuple(persona_descriptions(report.segments))))
                sub.append(Table(_frame(segment_mix_table(report.segment_mix, report.mix_region_id, report.segments)),
                                 title=f"{report.manifest.name(report.mix_region_id)}客户经理的类型分布"))
        if population == "sales_manager" and not report.reviews.empty:
            sub.append(Paragraph("360°评估", emphasis=True))
            sub.append(Bullets(tuple(review_sentences(report.reviews, report.reviews_all))))
            sub.append(Table(_frame(review_table(report.reviews)), title="360°评估结果"))
        subsections.append(Section(f"findings_{population}", label, tuple(sub)))
    return Section("findings", SECTION_TITLES["findings"], tuple(blocks), tuple(subsections))


def _quote_items(report: RegionReport, k: int = 4) -> list[str]:
    from casekit.reports.tables import quote_source

    quotes = report.notes_quotes
    if quotes.empty:
        return []
    picked = quotes.drop_duplicates("label").head(k)
    items = []
    for r in frame_records(picked):
        quote = str(r["quote"]).strip()
        # an excerpt with quotation marks of its own is set in corner brackets, never “…“…”…”;
        # one with corner brackets too gets no outer marks (the credit line says what it is)
        opening, closing = next(((a, b) for a, b in _OUTER_MARKS if not any(m in quote for m in _MARKS[a])), ("", ""))
        items.append(f"【{r['label']}】{opening}{quote}{closing}——{quote_source(r)}")
    return items


#: The marks set around an excerpt (:func:`_quote_items`), the first the excerpt does not use.
_OUTER_MARKS = (("“", "”"), ("「", "」"))
#: The marks that clash with each outer opening mark.
_MARKS = {"“": ("“", "”", '"'), "「": ("「", "」", "『", "』")}


def _time_figure(report: RegionReport) -> Figure | None:
    """The weekly time chart (region and all regions), or None when the ride-alongs are hidden."""
    if report.time_use.empty or report.time_use["suppressed"].all():
        return None
    from casekit.reports.charts import time_allocation_figure

    return Figure(_png(time_allocation_figure(report.time_use)), "客户经理每周时间分配", key="time_use")


def _causes_section(report: RegionReport, time_figure: Figure | None, links: list[str]) -> Section:
    from casekit.reports.tables import theme_table, visit_profile_table

    blocks: list[Block] = [Paragraph(
        "问卷说明了差距在哪里；访谈、工作随访和能力与业绩的关系说明差距从何而来。以下是本地区的主要线索。")]
    subsections = []
    ride: list[Block] = []
    if report.time_use.empty or report.time_use["suppressed"].all():
        ride.append(Paragraph("本地区随访观察到的客户经理不足 5 人或没有随访记录，不显示随访结果。"))
    else:
        ride.append(Bullets(tuple(report.time_sentences)))
        if time_figure is not None:
            ride.append(time_figure)
        if report.visits is not None:
            ride.append(Table(_frame(visit_profile_table(report.visits)), title="拜访中的做法与结果"))
    subsections.append(Section("causes_ride_alongs", "（一）客户经理的时间花在哪里（工作随访）", tuple(ride)))
    notes: list[Block] = []
    name = report.manifest.name(report.notes_region_id or report.region_id)
    if not report.notes_shown:
        notes.append(Paragraph(f"{name}的访谈与随访记录来自不足 {report.min_n} 位受访者，为保护受访者，不列出主题和原话。"))
    else:
        themes = theme_table(report.notes_themes) if not report.notes_themes.empty else None
        if themes is None:
            notes.append(Paragraph(f"与其他地区相比，{name}的记录中没有明显提得更多的主题。"))
        elif all(str(v).startswith("<") for v in themes["提到的受访者（人）"]):  # a table of "<5" says nothing
            notes.append(Paragraph(f"{name}的记录中提得更多的主题是"
                                   + "、".join(f"“{t}”" for t in themes["主题"])
                                   + f"，每个主题的受访者都不足 {report.min_n} 人，不列人数。"))
        else:
            notes.append(Table(_frame(themes), title=f"{name}的访谈与随访记录中提得更多的主题"))
        items = _quote_items(report)
        if items:
            notes += [Paragraph("访谈与随访记录摘录（已匿名处理）", emphasis=True), Bullets(tuple(items))]
    subsections.append(Section("causes_notes", "（二）访谈与随访要点", tuple(notes)))
    link_blocks: list[Block] = []
    if links:
        link_blocks.append(Paragraph("利用全部地区客户经理的数据，看哪些能力、时间使用和拜访做法与业绩完成率一同升降。"
                                     "这些是相关关系，不代表因果。"))
        link_blocks.append(Bullets(tuple(links)))
    else:
        link_blocks.append(Paragraph(report.linkage_message or "未发现与业绩明显相关的能力或做法。"))
    subsections.append(Section("causes_linkage", "（三）能力与业绩的关系", tuple(link_blocks)))
    return Section("causes", SECTION_TITLES["causes"], tuple(blocks), tuple(subsections))


def _recommendations_section(report: RegionReport, recommendations: list[str],
                             plans: Mapping[str, Mapping[str, Any]]) -> Section:
    from casekit.reports.course_tables import design_summary

    blocks: list[Block] = [Bullets(tuple(recommendations), numbered=True)]
    subsections = []
    for population, plan in plans.items():
        rows = [{"模块": m["title"], "天数": fmt_days(m["days"]),
                 "训练的能力": "、".join(m.get("dimension_labels") or ()) or "—"} for m in plan["modules"]]
        table = pd.DataFrame(rows, columns=["模块", "天数", "训练的能力"])
        subsections.append(Section(f"recommendations_{population}", f"{POPULATIONS[population].label}课程概览",
                                   (Paragraph(design_summary(plan)), Table(table, title=f"{POPULATIONS[population].label}课程模块（共 {fmt_days(plan['total_days'])} 天）"))))
    return Section("recommendations", SECTION_TITLES["recommendations"], tuple(blocks), tuple(subsections))


def _appendix_section(report: RegionReport) -> Section:
    blocks: list[Block] = [Paragraph("以下说明供需要了解方法的读者参考。")]
    if report.findings is not None:
        blocks.append(Paragraph(report.findings.method))
    if report.designs:
        blocks.append(Paragraph(next(iter(report.designs.values())).method))
    technical = getattr(report.segments, "appendix", "") if report.segments is not None else ""
    if technical:
        blocks.append(Paragraph(str(technical)))
    glossary = pd.DataFrame(list(GLOSSARY), columns=["术语", "含义"])
    blocks.append(Table(glossary, title="术语表"))
    return Section("appendix", SECTION_TITLES["appendix"], tuple(blocks))


def _slide_figures(report: RegionReport, time_figure: Figure | None) -> tuple[Figure, ...]:
    """One gap chart per audience (the region against its target and the other regions), then time use."""
    from casekit.reports.charts import gap_figure

    figures = []
    if not report.gaps.empty:
        for population in report.populations:
            rows = report.gaps.loc[report.gaps["population"] == population]
            if rows.empty or rows["suppressed"].all():
                continue
            figures.append(Figure(_png(gap_figure(report.gaps, report.region_name, populations=[population])),
                                  f"{POPULATIONS[population].label}：各能力与目标水平的差距", key="gaps"))
    if time_figure is not None:
        figures.append(time_figure)
    return tuple(figures)


def report_document(report: RegionReport, *, charts: bool = True) -> ReportDocument:
    """The 调研报告 of a region as one document every format renders.

    Parameters
    ----------
    report : RegionReport
        :func:`casekit.reports.region_report.region_report` of the region.
    charts : bool, default True
        Render the key charts (comparison, gaps, time use) as PNG figures; ``False`` for a
        text-only document (faster; the notebook draws its own charts).

    Returns
    -------
    ReportDocument
        Sections in :data:`SECTION_TITLES` order; ``summary`` and ``recommendations`` hold the
        executive summary's sentences.
    """
    manifest = report.manifest
    findings, region = report.findings, report.findings_region
    distinct, gaps = (_region_sentences(findings, region, report.populations, per_audience=SUMMARY_PER_AUDIENCE)
                      if findings is not None else ([], []))
    plans = _plans(report)
    weakest = _weakest(report, [*report.populations, *plans])
    recommendations = _recommendation_sentences(report, plans, weakest)
    time_figure = _time_figure(report) if charts else None
    sources = method_sources(report)
    links = _linkage_sentences(report)
    sections = (
        _summary_section(report, distinct, gaps, recommendations, sources, links),
        _method_section(report, sources),
        _findings_section(report, weakest, charts=charts),
        _causes_section(report, time_figure, links),
        _recommendations_section(report, recommendations, plans),
        _appendix_section(report),
    )
    return ReportDocument(
        slide_figures=_slide_figures(report, time_figure) if charts else (),
        title=f"{report.region_name}地区培训需求调研报告",
        region_id=report.region_id,
        region_name=report.region_name,
        client=str(manifest.client_of(report.region_id) or ""),
        engagement=str(manifest.engagement or ""),
        period=str(manifest.period or ""),
        summary=tuple(distinct + gaps),
        recommendations=tuple(recommendations),
        sections=sections,
    )
