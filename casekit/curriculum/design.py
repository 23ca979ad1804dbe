"""A region's course design from its findings: lengths, composition, reasons (issue 12, section 2).

:func:`design_course` turns one outline, the engagement's findings table and the region's
evidence into a :class:`CourseDesign`, whose :meth:`CourseDesign.to_dict` is the shape the
课程大纲 writer renders (the shape and the rules: ``docs/course-design.md``). Lengths follow
:mod:`casekit.curriculum.lengths`; composition :mod:`casekit.curriculum.composition`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from casekit.curriculum.composition import (
    CourseEvidence,
    added_session,
    capacity_note,
    choose_industries,
    emphasis_for,
    module_cases,
    module_products,
    module_roleplays,
)
from casekit.curriculum.lengths import (
    ENGAGEMENT,
    FINDINGS_READS,
    DimensionNeed,
    dimension_needs,
    fit_lengths,
    is_flag_set,
    module_need,
)
from casekit.curriculum.outlines import CurriculumError, Module, Outline, load_outlines
from casekit.curriculum.schedule import SessionPlan, schedule_course, schedule_notes, schedule_share
from casekit.domain import DIMENSIONS, POPULATION_DIMENSIONS, POPULATIONS
from casekit.formatting import day_range
from casekit.formatting import days as fmt_days
from casekit.language import tr

__all__ = ["ACTIVITY_TYPES", "INDUSTRY_MODULE", "METHOD_TEXT", "CourseDesign", "ModuleDesign", "design_course"]

#: Activity types of a schedule (contract); every type but 讲授 is interactive.
ACTIVITY_TYPES: tuple[str, ...] = ("讲授", "案例讨论", "角色扮演", "游戏/练习", "本地问题研讨", "测验/复盘")
#: The module whose industries are chosen from the evidence (行业篇).
INDUSTRY_MODULE: str = "am_industry_solutions"
#: Modules that teach products or solutions get the region's local products.
_PRODUCT_DIMENSIONS = ("product", "industry")

#: The appendix paragraph (设计依据) on how lengths are decided.
METHOD_TEXT: str = (
    "各模块课时的确定方法：每个模块在标准课程大纲给出的区间内取值，以 0.25 天为单位，各模块之和等于客户给定的课时预算"
    "（预算超出本课程可安排的范围时，各模块统一取下限或上限，并在课时说明中写明）。每个模块的需要程度由它训练的维度决定："
    "先看全体学员在该维度上与目标水平之间经统计检验成立的差距，这一部分对所有地区相同；再看本地区与其他地区相比经统计检验"
    "成立的偏弱（加）或偏强（减）。差距用标准化差异衡量（两组均分之差除以标准差），只采用经多重比较校正后仍成立、"
    "且达到最小实际意义的结论；模块的主要维度按两倍计。课时分配：各模块先取下限，预算余下的课时按需要程度从高到低"
    "依次加到各模块的上限，需要程度相同的模块平均分配。由此保证：需要程度高的模块在其区间中的位置不低于需要程度低的模块；"
    "没有任何经检验成立的地区差异时，各地区的课程完全相同；本地区某一维度经检验偏弱，只会让主要训练它的模块变长或不变，"
    "不会变短；相同输入总得到相同结果。"
)

#: What a trainee should leave able to do, per dimension (objectives).
_GOALS: Mapping[str, str] = {
    "product": "能用客户语言讲清本地主推产品对客户的价值",
    "industry": "能说出重点行业客户的业务特点与需求，并提出整体解决方案",
    "sales": "能按销售流程推进商机，用价值而非价格打动客户",
    "management": "能对客户分类、分配资源并用客户管理表跟进商机",
    "time": "能按目标安排每周的拜访与工作时间",
    "customer": "能分析客户组织中不同部门和人员的需求，识别多个决策人",
    "communication": "能通过提问了解客户需求，并把技术语言转化为客户语言",
    "market": "能从市场与客户需求出发看待技术支持工作",
    "strategy": "能分析转型产品的目标市场，制定符合市场的销售目标与策略",
    "process": "能用销售漏斗和管理五步管理客户经理的销售过程",
    "leadership": "能激励、授权和辅导下属，建立在职培训制度",
}
#: What a trainer watches for when a dimension is weak (trainer notes).
_WATCH: Mapping[str, str] = {
    "product": "学员讲产品时是否停留在功能和技术参数上",
    "industry": "学员能否说出本地重点行业客户的具体业务和痛点",
    "sales": "角色扮演中学员是否一开口就谈价格或免费试用",
    "management": "学员是否有客户分类和商机跟进的习惯",
    "time": "学员对自己每周时间去向是否说得清",
    "customer": "学员是否只找一个联系人，忽略其他决策人",
    "communication": "学员是否多说少听、满口术语，提问是否停留在表面",
    "market": "学员是否只谈技术、不问客户的市场和业务",
    "strategy": "学员能否把上级下达的指标与本地市场分析联系起来",
    "process": "学员是否只看结果、说不出客户经理的过程问题",
    "leadership": "学员是否习惯亲自上阵而不是辅导下属",
}


@dataclass(frozen=True)
class ModuleDesign:
    """One module of a course design; :meth:`to_dict` gives the contract's module object."""

    id: str
    title: str
    part: str | None
    days: float
    days_min: float
    days_max: float
    base_days: float
    dimensions: tuple[str, ...]
    dimension_labels: tuple[str, ...]
    need: float
    findings: tuple[str, ...]
    reason: str
    chapters: tuple[str, ...]
    topics: tuple[str, ...]
    toolbox: tuple[str, ...]
    cases: tuple[Mapping[str, Any], ...] = ()
    roleplays: tuple[Mapping[str, Any], ...] = ()
    industries: tuple[Mapping[str, Any], ...] = ()
    products: tuple[Mapping[str, Any], ...] = ()
    emphasis: tuple[str, ...] = ()
    added_sessions: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The module as JSON-safe data (lists, no NaN)."""
        return {
            "id": self.id, "title": self.title, "part": self.part, "days": self.days,
            "days_min": self.days_min, "days_max": self.days_max, "base_days": self.base_days,
            "dimensions": list(self.dimensions), "dimension_labels": list(self.dimension_labels),
            "need": self.need, "findings": list(self.findings), "reason": self.reason,
            "chapters": list(self.chapters), "topics": list(self.topics), "toolbox": list(self.toolbox),
            "cases": [dict(c) for c in self.cases], "roleplays": [dict(r) for r in self.roleplays],
            "industries": [dict(i) for i in self.industries], "products": [dict(p) for p in self.products],
            "emphasis": list(self.emphasis), "added_sessions": [dict(s) for s in self.added_sessions],
        }


@dataclass(frozen=True)
class CourseDesign:
    """A region's course for one audience (contract section 2).

    Attributes mirror the keys of :meth:`to_dict`: ``region``, ``region_name``, ``audience``,
    ``audience_name``, ``title``, ``total_days``, ``budget_days``, ``budget_status`` (one of
    :data:`casekit.curriculum.lengths.BUDGET_STATUSES`), ``budget_note``,
    ``interactive_share`` (from the schedule's minutes when there is one, else the modules'
    planned shares weighted by days), ``objectives``, ``modules`` (:class:`ModuleDesign`),
    ``schedule`` (empty until :mod:`casekit.curriculum.schedule` fills it), ``uncovered``,
    ``decisions``, ``method``, ``trainer_notes``.
    """

    region: str
    region_name: str
    audience: str
    audience_name: str
    title: str
    total_days: float
    budget_days: float | None
    budget_status: str
    budget_note: str
    interactive_share: float
    modules: tuple[ModuleDesign, ...]
    objectives: tuple[Mapping[str, Any], ...] = ()
    schedule: tuple[Mapping[str, Any], ...] = ()
    uncovered: tuple[Mapping[str, Any], ...] = ()
    decisions: tuple[Mapping[str, Any], ...] = ()
    method: str = METHOD_TEXT
    trainer_notes: tuple[Mapping[str, Any], ...] = field(default=())

    def module(self, module_id: str) -> ModuleDesign:
        """The module with id ``module_id`` (``KeyError`` if absent)."""
        for m in self.modules:
            if m.id == module_id:
                return m
        raise KeyError(module_id)

    @property
    def days(self) -> dict[str, float]:
        """Module id → days."""
        return {m.id: m.days for m in self.modules}

    def to_dict(self) -> dict[str, Any]:
        """The design as JSON-safe data, exactly the contract's shape."""
        return {
            "region": self.region, "region_name": self.region_name, "audience": self.audience,
            "audience_name": self.audience_name, "title": self.title, "total_days": self.total_days,
            "budget_days": self.budget_days, "budget_status": self.budget_status, "budget_note": self.budget_note,
            "interactive_share": (None if self.interactive_share is None or math.isnan(self.interactive_share)
                                  else round(self.interactive_share, 4)),
            "objectives": [_plain(o) for o in self.objectives],
            "modules": [m.to_dict() for m in self.modules],
            "schedule": [_plain(s) for s in self.schedule],
            "uncovered": [_plain(u) for u in self.uncovered],
            "decisions": [_plain(d) for d in self.decisions],
            "method": self.method,
            "trainer_notes": [_plain(t) for t in self.trainer_notes],
        }


def _plain(value: Any) -> Any:
    """Tuples → lists, NaN → None, numpy scalars → Python, recursively."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# -- findings helpers ---------------------------------------------------------------------------


def _label(dimension: str) -> str:
    return DIMENSIONS[dimension].label if dimension in DIMENSIONS else dimension


def _check_findings(findings: pd.DataFrame | None) -> pd.DataFrame | None:
    if findings is None:
        return None
    missing = [c for c in FINDINGS_READS if c not in findings.columns]
    if missing:
        raise CurriculumError(tr(
            f"结论表缺少 {'、'.join(missing)} 列（应为结论表，含有 {'、'.join(FINDINGS_READS)} 列）",
            f"findings lack the column(s) {', '.join(missing)} (expected the findings table: "
            f"{', '.join(FINDINGS_READS)})"))
    return findings


def _sentences(findings: pd.DataFrame | None) -> dict[str, str]:
    """Finding id → its sentence (no final 。), first row of an id."""
    out: dict[str, str] = {}
    if findings is not None:
        for fid, text in zip(findings["id"], findings["sentence"]):
            out.setdefault(str(fid), text.rstrip("。") if isinstance(text, str) else "")
    return out


def _claimed_weak(findings: pd.DataFrame | None, region: str, population: str, dimension: str
                  ) -> list[pd.Series]:
    """Claimed weaker rows on ``dimension``: the region against the others, then the engagement's gap.

    The same two rows that make a module's need (:func:`~casekit.curriculum.lengths.dimension_needs`):
    a region's own gap to the target (its ``vs_required`` row) is not read, so that with no claimed
    regional difference every region adds the same sessions and cites the same findings.
    """
    if findings is None or findings.empty:
        return []
    rows = findings.loc[(findings["population"] == population) & (findings["dimension"] == dimension)]
    rows = rows.loc[rows["claimed"].map(is_flag_set) & ~rows["hidden"].map(is_flag_set)
                    & (rows["direction"] == "weaker")]
    mine = rows.loc[(rows["region"] == region) & (rows["kind"] == "vs_other_regions")].sort_values("id")
    engagement = rows.loc[(rows["region"] == ENGAGEMENT) & (rows["kind"] == "vs_required")]
    return [r for _, r in mine.iterrows()] + [r for _, r in engagement.iterrows()]


def _evidence_clause(module: Module, needs: Mapping[str, DimensionNeed], sentences: Mapping[str, str],
                     region: str, population: str) -> str:
    """What the region's own evidence says on each dimension the module trains, in the report's words.

    The region's gap to the target comes first (the same sentence, numbers and n as the report's
    主要发现); then whether the region differs from the other regions. A region that does not differ
    takes the base design, which follows the engagement-wide gap: the clause says so, so the reader
    knows why the region's own gap did not lengthen the module on its own.
    """
    parts = []
    shared = []
    for d in module.dimensions:
        n = needs[d]
        said = []
        own = sentences.get(f"{region}:{population}:{d}:vs_required", "")
        if own:
            said.append(own)
        if n.regional_finding is not None:
            said.append(sentences.get(n.regional_finding, ""))
        elif n.base_finding is not None:
            shared.append(_label(d))
        if not own and n.base_finding is not None:
            said.append(sentences.get(n.base_finding, ""))
        said = [t for t in said if t]
        if said:
            parts.append(f"「{_label(d)}」：" + "；".join(said))
    if not parts:
        labels = "」「".join(_label(d) for d in module.dimensions)
        return (f"本模块训练的「{labels}」，全体学员与目标水平之间、本地区与其他地区之间均无经检验成立的明显差异")
    if shared:
        parts.append("「" + "」「".join(shared) + "」与其他地区相比无明显差异，按各地区共同的差距安排")
    return "；".join(parts)


def _decision_clause(module: Module, days: float, base_days: float, status: str, rank: int, k: int,
                     need: float, differs: bool, tied: bool = False) -> str:
    if abs(days - module.days_max) < 1e-9 and module.days_max > module.days_min:
        what = f"取上限 {fmt_days(days)} 天"
    elif abs(days - module.days_min) < 1e-9 and module.days_max > module.days_min:
        what = f"取下限 {fmt_days(days)} 天"
    else:
        what = f"取 {fmt_days(days)} 天"
    what += f"（区间 {day_range(module.days_min, module.days_max)} 天）"
    if status == "below_min":
        what += "，因课时预算不足，各模块均取下限"
    elif status == "above_max":
        what += "，因课时预算充裕，各模块均取上限"
    elif differs:
        delta = days - base_days
        if abs(delta) < 1e-9:
            what += "，与各地区共同的基础方案相同"
        else:
            what += f"，比各地区共同的基础方案{'多' if delta > 0 else '少'} {fmt_days(abs(delta))} 天"
    if k > 1 and need > 1e-9:
        what = f"需要程度在本课程 {k} 个模块中{'并列' if tied else ''}排第 {rank}，" + what
    return what


def _budget_note(status: str, budget: float | None, total: float, lo: float, hi: float) -> str:
    if status == "none":
        return f"未给出课时预算：按各模块区间中值之和安排，合计 {fmt_days(total)} 天，各模块长短按调研结论分配。"
    if status == "below_min":
        return (f"课时预算 {fmt_days(budget)} 天低于本课程最短 {fmt_days(lo)} 天：各模块取下限，合计 {fmt_days(total)} 天，"
                f"超出预算 {fmt_days(lo - budget)} 天，请与客户确认。")
    if status == "above_max":
        return (f"课时预算 {fmt_days(budget)} 天高于本课程最长 {fmt_days(hi)} 天：各模块取上限，合计 {fmt_days(total)} 天，"
                f"余 {fmt_days(budget - hi)} 天未安排，请与客户确认。")
    if status == "off_grid":
        return (f"课时预算 {fmt_days(budget)} 天不是 0.25 天的整数倍：合计取 {fmt_days(total)} 天，"
                "各模块长短按调研结论分配。")
    if abs(total - hi) < 1e-9:
        return (f"合计 {fmt_days(total)} 天，与课时预算一致；预算正好等于各模块上限之和，各模块都取上限，"
                "调研结论决定各模块的内容和练习重点，不再影响天数。")
    if abs(total - lo) < 1e-9:
        return (f"合计 {fmt_days(total)} 天，与课时预算一致；预算正好等于各模块下限之和，各模块都取下限，"
                "调研结论决定各模块的内容和练习重点，不再影响天数。")
    return f"合计 {fmt_days(total)} 天，与课时预算一致，各模块长短按调研结论分配。"


# -- public API ---------------------------------------------------------------------------------


def design_course(
    outline: Outline,
    findings: pd.DataFrame | None,
    region: str,
    budget_days: float | None,
    *,
    evidence: CourseEvidence | None = None,
    sessions: SessionPlan | None = None,
) -> CourseDesign:
    """Design one region's course for the outline's audience from the findings.

    Parameters
    ----------
    outline : Outline
        From :func:`~casekit.curriculum.load_outlines`.
    findings : pandas.DataFrame or None
        The findings table (contract section 1; at least :data:`FINDINGS_READS`), for the whole
        engagement (the rows of region ``"all"`` give the base design). ``None``: no findings,
        the base design with no reasons beyond "无明显差异".
    region : str
        Top-level region id.
    budget_days : float or None
        The audience's course-day budget; ``None`` keeps the sum of the range midpoints.
    evidence : CourseEvidence, optional
        The region's case library, customer industries, local products and behaviour types.
    sessions : optional
        Passed to :func:`casekit.curriculum.schedule.schedule_course` when that module exists
        (half-day session lengths); otherwise the schedule stays empty.

    Returns
    -------
    CourseDesign

    Raises
    ------
    CurriculumError
        If ``budget_days`` is not a positive number, or ``findings`` lacks a column it reads.

    Examples
    --------
    >>> design = design_course(load_outlines()["account_manager"], findings, "hebei", 3.5)  # doctest: +SKIP
    >>> design.to_dict()["modules"][0]["days"]  # doctest: +SKIP
    0.75
    """
    if budget_days is not None:
        if isinstance(budget_days, bool) or not isinstance(budget_days, (int, float, np.number)) \
                or not (budget_days > 0) or math.isinf(budget_days):
            raise CurriculumError(tr(f"培训天数（budget_days）应为正数或 None，实际为 {budget_days!r}",
                                     f"budget_days must be a positive number of days or None, got {budget_days!r}"))
        budget_days = float(budget_days)
    findings = _check_findings(findings)
    evidence = evidence or CourseEvidence()
    population = outline.population
    modules = outline.modules
    region_name = evidence.region_name or _region_name(findings, region)
    all_dims = POPULATION_DIMENSIONS.get(population, ())
    needs = dimension_needs(findings, region, population, all_dims)
    sentences = _sentences(findings)

    # uncovered claimed weaknesses → added sessions or open decisions
    covered = {d for m in modules for d in m.dimensions}
    added: dict[str, list[dict[str, Any]]] = {m.module_id: [] for m in modules}
    added_dims: dict[str, list[str]] = {m.module_id: [] for m in modules}
    uncovered: list[dict[str, Any]] = []
    for d in all_dims:
        if d in covered:
            continue
        weak = _claimed_weak(findings, region, population, d)
        if not weak:
            continue
        fid = str(weak[0]["id"])
        reason = sentences.get(fid) or f"「{_label(d)}」经检验偏弱"
        placed = added_session(d, outline, fid, reason)
        if placed is None:
            uncovered.append({"dimension": d, "dimension_label": _label(d), "finding": fid,
                              "decision": f"{reason}；三门标准课程都没有训练「{_label(d)}」的内容，请顾问决定："
                                          "新增约 0.25 天的专题、放入案例研讨，或本次培训不处理并向客户说明。"})
            continue
        host, session = placed
        added[host].append(session)
        added_dims[host].append(d)

    module_needs = [module_need(m, needs, added_dims[m.module_id]) for m in modules]
    fit = fit_lengths(modules, [mn.need for mn in module_needs], budget_days)
    base_fit = fit_lengths(modules, [mn.base_need for mn in module_needs], budget_days)
    differs = any(abs(mn.need - mn.base_need) > 1e-9 for mn in module_needs)
    # rank by need, ties sharing the best rank (said as 并列)
    rank = {i: 1 + sum(1 for j in range(len(modules)) if module_needs[j].need > module_needs[i].need + 1e-9)
            for i in range(len(modules))}
    tied = {i: any(j != i and abs(module_needs[j].need - module_needs[i].need) < 1e-9 for j in range(len(modules)))
            for i in range(len(modules))}

    # local products go where products are taught: modules mainly training a product dimension,
    # else the first module training one at all (not every module: the list would repeat)
    product_hosts = {i for i, m in enumerate(modules) if m.dimensions[0] in _PRODUCT_DIMENSIONS}
    if not product_hosts:
        product_hosts = {next((i for i, m in enumerate(modules)
                               if any(d in _PRODUCT_DIMENSIONS for d in m.dimensions)), -1)}
    gained = [modules[j].title for j in range(len(modules)) if fit.days[j] > base_fit.days[j] + 1e-9]

    chosen_industries: list[dict[str, Any]] = []
    left_out: list[str] = []
    designs: list[ModuleDesign] = []
    decisions: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for i, m in enumerate(modules):
        days = fit.days[i]
        mn = module_needs[i]
        industries: list[dict[str, Any]] = []
        chapters = m.chapters
        reason_extra = ""
        if m.module_id == INDUSTRY_MODULE:
            industries, left_out = choose_industries(evidence.industries, days)
            chosen_industries = industries
            chapters = tuple(_industry_chapter(m, ind) for ind in industries)
            reason_extra = f"{capacity_note(days)}：" + "、".join(ind["label"] for ind in industries)
            if left_out:
                reason_extra += f"；证据还提到{'、'.join(left_out)}，因课时所限未列入"
        seed_outlines = _seed_outlines() if industries else ()
        cases = module_cases(m, region, region_name, evidence.library, industries, seed_outlines,
                             limit=max(1, int(days / 0.5)))
        roleplays = module_roleplays(m, region, region_name, evidence.library,
                                     [ind["id"] for ind in chosen_industries], limit=max(1, int(days / 0.5)),
                                     industries_labels=[ind["label"] for ind in industries[:2]])
        products = module_products(evidence.products, industries) if i in product_hosts else []
        emphasis = emphasis_for(m, evidence.type_mix)
        clause = _evidence_clause(m, needs, sentences, region, population)
        decision = _decision_clause(m, days, base_fit.days[i], fit.status, rank[i], len(modules), mn.need, differs,
                                    tied[i])
        reason = f"{clause}；{decision}"
        if differs and days < base_fit.days[i] - 1e-9 and gained and fit.status in ("fitted", "off_grid"):
            reason += ("；总课时不变，为给本地区更需要加强的" + "、".join(f"「{t}」" for t in gained)
                       + "腾出时间")
        if added[m.module_id]:
            reason += "；另加专题：" + "、".join(f"「{_label(s['dimension'])}」" for s in added[m.module_id])
        if reason_extra:
            reason += f"；{reason_extra}"
        reason += "。"
        designs.append(ModuleDesign(
            id=m.module_id, title=m.title, part=m.part, days=days, days_min=m.days_min, days_max=m.days_max,
            base_days=base_fit.days[i], dimensions=m.dimensions,
            dimension_labels=tuple(_label(d) for d in m.dimensions), need=round(mn.need, 3),
            findings=tuple(dict.fromkeys(mn.findings + tuple(s["finding"] for s in added[m.module_id]))),
            reason=reason, chapters=chapters, topics=m.topics, toolbox=m.toolbox,
            cases=tuple(cases), roleplays=tuple(roleplays), industries=tuple(industries),
            products=tuple(products), emphasis=tuple(emphasis), added_sessions=tuple(added[m.module_id]),
        ))
        decisions.append({"module": m.module_id, "text": f"「{m.title}」：{reason}",
                          "findings": list(designs[-1].findings)})
        notes.append({"module": m.module_id, "text": _trainer_note(m, needs, cases, roleplays, emphasis)})

    uncovered.extend(_open_items(designs, left_out, evidence))
    objectives = _objectives(designs, needs, findings, region, population)
    lo, hi = outline.days_min, outline.days_max
    budget_note = _budget_note(fit.status, budget_days, fit.total, lo, hi)
    schedule, share, day_notes = _schedule(designs, sessions)
    decisions.extend({"module": None, "text": note, "findings": []} for note in day_notes)
    if share is None:
        total = sum(d.days for d in designs)
        share = (sum(d.days * m.interactive_share for d, m in zip(designs, modules)) / total) if total else math.nan
    return CourseDesign(
        region=region, region_name=region_name, audience=population,
        audience_name=POPULATIONS[population].label if population in POPULATIONS else population,
        title=outline.title, total_days=fit.total, budget_days=budget_days, budget_status=fit.status,
        budget_note=budget_note, interactive_share=float(share), modules=tuple(designs),
        objectives=tuple(objectives), schedule=tuple(schedule), uncovered=tuple(uncovered),
        decisions=tuple(decisions), method=METHOD_TEXT, trainer_notes=tuple(notes),
    )


@functools.lru_cache(maxsize=1)
def _seed_outlines() -> tuple[Outline, ...]:
    """The packaged outlines (their seed cases name industries 行业篇 may need)."""
    return tuple(load_outlines().values())


def _region_name(findings: pd.DataFrame | None, region: str) -> str:
    if findings is not None and "region_name" in findings.columns:
        hit = findings.loc[findings["region"] == region, "region_name"]
        if len(hit) and isinstance(hit.iloc[0], str) and hit.iloc[0]:
            return hit.iloc[0]
    return "本地区"


def _industry_chapter(module: Module, industry: Mapping[str, Any]) -> str:
    for chapter in module.chapters:
        if chapter.startswith(industry["label"]) or chapter.startswith(industry["label"][:2]):
            return chapter
    return f"{industry['label']}行业解决方案销售"


def _trainer_note(module: Module, needs: Mapping[str, DimensionNeed], cases: list[dict[str, Any]],
                  roleplays: list[dict[str, Any]], emphasis: list[str]) -> str:
    bits = []
    weak = [d for d in module.dimensions if needs[d].regional > 0]
    gap = [d for d in module.dimensions if needs[d].base > 0 and d not in weak]
    strong = [d for d in module.dimensions if needs[d].regional < 0]
    for d in weak:
        bits.append(f"本地区「{_label(d)}」比其他地区明显偏弱，留意{_WATCH.get(d, '学员的表现')}")
    for d in gap:
        bits.append(f"全体学员「{_label(d)}」低于目标水平，留意{_WATCH.get(d, '学员的表现')}")
    for d in strong:
        bits.append(f"本地区「{_label(d)}」比其他地区明显偏强，可请表现好的学员分享做法")
    if emphasis:
        bits.append("练习重点见本模块的训练侧重")
    keyed = [c for c in (*cases, *roleplays) if c.get("source") == "library" and c.get("id")]
    if keyed:
        bits.append("讲师版案例集中" + "、".join(f"「{c['title']}」" for c in keyed) + "附有教学笔记，可据此点评")
    if not bits:
        bits.append("本模块训练的维度无经检验成立的短板，按基础方案讲授，多请学员用本地客户举例")
    return "；".join(bits) + "。"


def _open_items(designs: list[ModuleDesign], left_out: list[str], evidence: CourseEvidence
                ) -> list[dict[str, Any]]:
    """What must be decided or written before the outline is signed, besides uncovered weaknesses."""
    items = [{"dimension": None, "dimension_label": "目标水平", "finding": None, "decision": text}
             for text in evidence.open_items]
    scripts = [f"「{r['title']}」" for m in designs for r in m.roleplays if r.get("source") != "library"]
    if scripts:
        items.append({"dimension": None, "dimension_label": "角色扮演", "finding": None,
                      "decision": "以下角色扮演的脚本需在开课前编写（含角色说明、观察表和点评要点）：" + "、".join(scripts)})
    to_write = [f"「{m.title}」" for m in designs for c in m.cases if "根据调研编写" in str(c.get("title"))]
    if to_write:
        items.append({"dimension": None, "dimension_label": "本地案例", "finding": None,
                      "decision": "以下模块的本地案例需根据本地区访谈与随访编写：" + "、".join(to_write)})
    if left_out:
        items.append({"dimension": None, "dimension_label": "行业", "finding": None,
                      "decision": "调研还提到" + "、".join(left_out) + "，因课时所限未列入行业篇：请与客户确认是否替换已选行业或增加课时"})
    return items


def _trainer_of(designs: list[ModuleDesign], dimension: str) -> ModuleDesign:
    """The module that trains ``dimension`` most: main dimension first, the longest of them; else any; else its session's host."""
    for test in (lambda m: m.dimensions[0] == dimension, lambda m: dimension in m.dimensions,
                 lambda m: any(a["dimension"] == dimension for a in m.added_sessions)):
        hosts = [m for m in designs if test(m)]
        if hosts:
            return max(hosts, key=lambda m: (m.days, -designs.index(m)))
    return designs[0]


def _judged(findings: pd.DataFrame | None, region: str, population: str, dimensions: list[str]) -> bool:
    """Whether any shown finding with respondents speaks to ``dimensions`` (the region's or the engagement's)."""
    if findings is None or findings.empty:
        return True  # no findings given: the base design, said in the reasons
    rows = findings.loc[(findings["population"] == population) & findings["region"].isin([ENGAGEMENT, region])
                        & findings["dimension"].isin(dimensions)]
    n = pd.to_numeric(rows["n"], errors="coerce").fillna(0)
    hidden = rows["hidden"].fillna(False).astype(bool)
    return bool(((n > 0) & ~hidden).any())


def _objectives(designs: list[ModuleDesign], needs: Mapping[str, DimensionNeed],
                findings: pd.DataFrame | None, region: str, population: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    weights: dict[str, float] = {}
    for m in designs:
        dims = list(m.dimensions) + [s["dimension"] for s in m.added_sessions]
        for d in dims:
            n = needs.get(d)
            ids = [f for f in (n.regional_finding if n and n.regional > 0 else None,
                               n.base_finding if n else None) if f] if n else []
            if not ids or d in seen:
                continue
            seen[d] = {"text": f"提升「{_label(d)}」：{_GOALS.get(d, '补齐短板')}（见「{_trainer_of(designs, d).title}」）",
                       "findings": ids}
            weights[d] = max(0.0, n.total) if n else 0.0
    out = [seen[d] for d in sorted(seen, key=lambda d: (-weights[d], d))]
    if not out:
        main = list(dict.fromkeys(m.dimensions[0] for m in designs))
        why = ("调研未发现需要特别加强的方面" if _judged(findings, region, population, main)
               else "调研样本不足，未能判断需要特别加强的方面")
        out = [{"text": f"「{_label(d)}」：{_GOALS.get(d, '')}（各地区共同目标，{why}）",
                "findings": []} for d in main]
    return out


def _schedule(designs: list[ModuleDesign], sessions: SessionPlan | None
              ) -> tuple[list[Mapping[str, Any]], float | None, list[str]]:
    """The day-by-day schedule (:func:`casekit.curriculum.schedule.schedule_course`).

    Returns the sessions as ``to_dict()`` mappings, the interactive share computed from their
    minutes, and the schedule's notes (a day below half interactive, and why).
    """
    modules = [d.to_dict() for d in designs]
    result = schedule_course(modules) if sessions is None else schedule_course(modules, sessions)
    rows = [_plain(s.to_dict()) for s in result]
    share = schedule_share(result) if rows else None
    return rows, share, list(schedule_notes(result))
