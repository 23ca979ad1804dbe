"""What each module holds for one region: cases, role-plays, industries, local products, emphasis.

Course design takes the region's evidence as data (:class:`CourseEvidence`), never a bundle:
the integrator fills it from a bundle (the case library, the ride-alongs' customer industries,
``catalogue/<region>.csv``, interview themes, the behaviour-type mix). Every input may be
``None``; the module then falls back to the seed's content and says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from dataclasses import dataclass
from typing import Any

import pandas as pd

from casekit.curriculum.outlines import Module, Outline
from casekit.domain import BEHAVIOURS, DIMENSIONS, INDUSTRIES, MIN_CELL_SIZE
from casekit.formatting import days as fmt_days

__all__ = [
    "DIMENSION_TOPICS",
    "INDUSTRY_MINUTES",
    "INDUSTRY_SOURCES",
    "SEED_INDUSTRIES",
    "SEED_ROLEPLAYS",
    "CourseEvidence",
    "added_session",
    "capacity_note",
    "choose_industries",
    "emphasis_for",
    "industry_capacity",
    "module_cases",
    "module_products",
    "module_roleplays",
]

#: The seed's seven industries of 行业篇, in seed order, with the seed's case for each.
SEED_INDUSTRIES: Mapping[str, str] = {
    "hotel": "华夏宾馆的苦恼",
    "retail": "惠万家超市的苦恼",
    "education": "汇才小学的苦恼",
    "real_estate": "明大地产的苦恼",
    "travel": "开心假期旅行社的苦恼",
    "trading": "前翼贸易公司的苦恼",
    "manufacturing": "康明灯具厂的苦恼",
}
#: ``source`` of an industry evidence row → how a sentence names it.
INDUSTRY_SOURCES: Mapping[str, str] = {
    "ride_alongs": "随访记录中拜访的客户",
    "catalogue": "本地产品目录中的行业套餐",
    "notes": "访谈记录中提到",
}
#: Minutes one industry takes in 行业篇 (现状与业务特点, 需求分析, 整体解决方案, one case):
#: 1 day (360 minutes) holds 6 industries, 1.25 days the seed's 7.
INDUSTRY_MINUTES: int = 60
_DAY_MINUTES = 360
#: An industry the seed does not name enters 行业篇 only with at least this much evidence.
_MIN_NEW_INDUSTRY_COUNT = 2

#: For a dimension no module of an outline trains: the seed topics (any outline) that train it,
#: as (module id, topic), and the dimensions of the module it best sits in (nearest first).
DIMENSION_TOPICS: Mapping[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "time": ((("sm_managing_sales", "管理时间和领域：营销人员的时间管理、营销人员的目标管理"),),
             ("customer", "management", "sales")),
    "management": ((("sm_managing_sales", "客户管理：客户分类和资源分配；营销靠数据：建立CRM系统"),),
                   ("customer", "time", "sales")),
    "communication": ((("se_key_links", "第三个关键环节：找到客户的潜在需求（少说后听建立信任、通过提问建立专业形象、"
                                        "从正反两个方向提问、探询客户的需求；寻找客户的伤口、揭开伤口、往伤口上撒盐、给伤口抹药）"),
                       ("se_key_links", "第四个关键环节：方案营销（方案在转型产品营销中的作用、方案的结构-形成价值金三角、"
                                        "如何陈述产品-把产品与价值形成关联）")),
                      ("customer", "sales", "product")),
}

#: Behaviours whose frequency in a type means more of some practice, and which practice.
_BEHAVIOUR_EMPHASIS: Mapping[str, tuple[str, str]] = {
    "price_first": ("sales", "多练价值销售：角色扮演中先问需求、用增收降本提效说明价值，禁止以价格优惠开场"),
    "free_trial_offer": ("sales", "多练价值销售：用方案价值代替免费试用推动成交，练习约定下一步行动"),
    "relationship_talk": ("customer", "多练需求提问：拜访练习中减少关系寒暄，用提问找到客户的问题"),
    "technical_jargon": ("communication", "多练客户语言：把产品功能说成客户听得懂的价值，由同伴记录技术术语"),
}
_MIN_TYPE_EXCESS = 0.10  # a type this much more common than in the engagement shapes emphasis


@dataclass(frozen=True, eq=False)
class CourseEvidence:
    """A region's evidence for composing its course (all optional).

    Attributes
    ----------
    library : pandas.DataFrame or None
        The bundle's case library (``casekit.authoring.case_library``; columns used: ``id``,
        ``kind`` (case/roleplay), ``title``, ``top_region_id``, ``industry``,
        ``industry_label``, ``product_labels``, ``funnel_stage_label``, ``modules`` (tuple of
        module ids), ``status``, ``roleplays``, ``minutes``).
    industries : pandas.DataFrame or None
        The region's customer industries: ``industry`` (id, see
        :data:`casekit.domain.INDUSTRIES`, or another id), ``industry_label``, ``source``
        (one of :data:`INDUSTRY_SOURCES`), ``count``. Filled from the ride-alongs'
        ``customer_industry``, the catalogue's industry packages and the interview themes.
    products : pandas.DataFrame or None
        The region's catalogue rows: ``local_name``, ``package``, ``price``,
        ``customer_value``, ``needs``.
    type_mix : pandas.DataFrame or None
        The region's behaviour types against the engagement: ``type_id``, ``type_label``,
        ``share`` (region), ``engagement_share``, ``traits`` (tuple of behaviour ids that mark
        the type, e.g. ``("price_first",)``) and optionally ``n`` (the region's people of the
        type; a type below the disclosure threshold is not used).
    region_name : str or None
        Chinese name of the region.
    open_items : tuple of str
        Decisions the bundle leaves open for every course of the region (Chinese sentences), e.g.
        that the target levels are casekit's defaults and have not been agreed with the client.
    """

    library: pd.DataFrame | None = None
    industries: pd.DataFrame | None = None
    products: pd.DataFrame | None = None
    type_mix: pd.DataFrame | None = None
    region_name: str | None = None
    open_items: tuple[str, ...] = ()


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _industry_label(industry: str, label: str = "") -> str:
    if label:
        return label
    return INDUSTRIES[industry].label if industry in INDUSTRIES else industry


def _industry_words(industry: str, label: str) -> tuple[str, ...]:
    words = {label} if label else set()
    if industry in INDUSTRIES:
        words |= {INDUSTRIES[industry].label, *INDUSTRIES[industry].aliases}
    return tuple(sorted(w for w in words if w))


# -- industries -------------------------------------------------------------------------------


def industry_capacity(days: float) -> int:
    """How many industries fit 行业篇 of ``days`` (:data:`INDUSTRY_MINUTES` each, at least 1)."""
    return max(1, int(days * _DAY_MINUTES // INDUSTRY_MINUTES))


def choose_industries(evidence: pd.DataFrame | None, days: float) -> tuple[list[dict[str, Any]], list[str]]:
    """The industries of 行业篇 for a region, each with its reason.

    Rule: the industries the region's evidence names (total count over sources, highest first;
    one the seed does not name needs at least 2), then the seed's seven in seed order, up to
    :func:`industry_capacity`.

    Parameters
    ----------
    evidence : pandas.DataFrame or None
        ``industry, industry_label, source, count`` rows (see :class:`CourseEvidence`).
    days : float
        Length of 行业篇.

    Returns
    -------
    industries : list of dict
        ``{"id", "label", "reason", "evidence"}`` in teaching order.
    left_out : list of str
        Labels of industries the evidence names that did not fit.
    """
    capacity = industry_capacity(days)
    scored: dict[str, dict[str, Any]] = {}
    if evidence is not None and not evidence.empty:
        for _, row in evidence.iterrows():
            industry = _text(row.get("industry"))
            count = row.get("count")
            if not industry or count is None or pd.isna(count) or int(count) <= 0:
                continue
            entry = scored.setdefault(industry, {"label": _industry_label(industry, _text(row.get("industry_label"))),
                                                 "count": 0, "sources": {}})
            source = _text(row.get("source"))
            entry["count"] += int(count)
            entry["sources"][source] = entry["sources"].get(source, 0) + int(count)
    named = [i for i, e in scored.items() if i in SEED_INDUSTRIES or e["count"] >= _MIN_NEW_INDUSTRY_COUNT]
    named.sort(key=lambda i: (-scored[i]["count"], list(SEED_INDUSTRIES).index(i) if i in SEED_INDUSTRIES else 99, i))
    chosen: list[dict[str, Any]] = []
    for industry in named[:capacity]:
        e = scored[industry]
        parts = [f"{INDUSTRY_SOURCES.get(s, s)}{c}次" if s != "catalogue" else f"{INDUSTRY_SOURCES[s]}{c}个"
                 for s, c in sorted(e["sources"].items(), key=lambda kv: list(INDUSTRY_SOURCES).index(kv[0])
                                    if kv[0] in INDUSTRY_SOURCES else 9)]
        shown = "，".join(parts)
        often = "多次出现" if e["count"] >= 2 else "出现"  # one mention is not 多次
        if industry in SEED_INDUSTRIES:
            reason = f"本地区证据{often}该行业（{shown}），且为标准课程行业篇的典型行业"
        else:
            reason = f"标准课程行业篇未列此行业（课程其他部分的案例涉及），本地区证据{often}（{shown}），故列入"
        chosen.append({"id": industry, "label": e["label"], "reason": reason, "evidence": shown})
    left_out = [scored[i]["label"] for i in named[capacity:]]
    for industry in SEED_INDUSTRIES:
        if len(chosen) >= capacity:
            break
        if any(c["id"] == industry for c in chosen):
            continue
        why = ("未提供本地区客户行业证据，按标准课程大纲的典型行业安排" if not scored
               else "本地区证据未提及，按标准课程大纲的典型行业补足")
        chosen.append({"id": industry, "label": INDUSTRIES[industry].label, "reason": why, "evidence": ""})
    return chosen, left_out


# -- cases and role-plays ---------------------------------------------------------------------


def _library_rows(library: pd.DataFrame | None, kind: str, module_id: str) -> pd.DataFrame:
    if library is None or library.empty:
        return pd.DataFrame()
    mods = library["modules"].map(lambda v: module_id in tuple(v) if isinstance(v, (list, tuple)) else False)
    return library.loc[(library["kind"] == kind) & mods]


def _rank_library(rows: pd.DataFrame, region: str, industries: Sequence[str]) -> list[tuple[int, pd.Series]]:
    ranked = []
    for _, row in rows.iterrows():
        score = (2 if _text(row.get("top_region_id")) == region else 0) + (
            1 if _text(row.get("industry")) in industries else 0) + (1 if _text(row.get("status")) == "reviewed" else 0)
        ranked.append((score, row))
    ranked.sort(key=lambda sr: (-sr[0], _text(sr[1]["id"])))
    return ranked


def _library_reason(row: pd.Series, region: str, region_name: str, kind_word: str) -> str:
    bits = []
    if _text(row.get("top_region_id")) == region:
        bits.append(f"取材于{region_name}本地")
    label = _text(row.get("industry_label"))
    if label:
        bits.append(f"{label}行业")
    stage = _text(row.get("funnel_stage_label"))
    if stage:
        bits.append(f"销售阶段：{stage}")
    products = row.get("product_labels")
    if isinstance(products, (list, tuple)) and products:
        bits.append("涉及" + "、".join(str(p) for p in products))
    return f"案例库中归入本模块的{kind_word}" + ("（" + "，".join(bits) + "）" if bits else "")


def _seed_case_index(outline_set: Sequence[Outline]) -> list[tuple[str, str]]:
    """(module id, case title) for every seed case of every outline."""
    return [(m.module_id, c) for o in outline_set for m in o.modules for c in m.cases]


def module_cases(module: Module, region: str, region_name: str, library: pd.DataFrame | None,
                 industries: Sequence[dict[str, Any]] = (), all_outlines: Sequence[Outline] = (),
                 limit: int = 3) -> list[dict[str, Any]]:
    """Cases for a module: the case library's first, the seed's named cases as fallback.

    For 行业篇 (``industries`` given): one case per chosen industry -- the library's case of that
    industry for this module, else the seed's case for it (the seven of 行业篇, or another seed
    case naming the industry), else an entry saying a case must be written.
    """
    ranked = _rank_library(_library_rows(library, "case", module.module_id), region,
                           [i["id"] for i in industries])
    out: list[dict[str, Any]] = []
    if industries:
        seed_index = _seed_case_index(all_outlines)
        for industry in industries:
            lib = [r for _, r in ranked if _text(r.get("industry")) == industry["id"]]
            if lib:
                row = lib[0]
                out.append({"title": _text(row["title"]), "source": "library", "id": _text(row["id"]),
                            "industry": industry["label"], "reason": _library_reason(row, region, region_name, "案例")})
                continue
            seed = SEED_INDUSTRIES.get(industry["id"])
            if seed is None:
                words = _industry_words(industry["id"], industry["label"])
                seed = next((c for _, c in seed_index if any(w in c for w in words)), None)
            if seed is not None:
                out.append({"title": seed, "source": "seed", "id": None, "industry": industry["label"],
                            "reason": "案例库中没有本地区该行业的案例，采用标准课程大纲的案例"})
            else:
                out.append({"title": f"{industry['label']}行业案例（待编写）", "source": "seed", "id": None,
                            "industry": industry["label"],
                            "reason": "案例库与标准课程大纲都没有该行业的案例，需由顾问根据访谈编写"})
        return out
    for _, row in ranked[:limit]:
        out.append({"title": _text(row["title"]), "source": "library", "id": _text(row["id"]),
                    "industry": _text(row.get("industry_label")) or None,
                    "reason": _library_reason(row, region, region_name, "案例")})
    if not out:
        for title in module.cases[:limit]:
            if _PLACEHOLDER in title:  # the seed leaves this case to the research
                out.append({"title": f"{region_name or '本地区'}案例（根据调研编写）", "source": "seed", "id": None,
                            "industry": None,
                            "reason": f"标准课程大纲此处为“{title}”：案例库中还没有，需由顾问根据本地区访谈与随访编写"})
                continue
            out.append({"title": title, "source": "seed", "id": None, "industry": None,
                        "reason": "案例库中没有归入本模块的案例，采用标准课程大纲点名的案例"})
    return out


#: The seed's wording for a case the research is to supply.
_PLACEHOLDER = "通过调研形成"

#: Role-plays the seed's method calls for (案例教学：角色扮演) where the case library has none for
#: a module: one scene per module built from the module's own topics, marked 待编写脚本.
SEED_ROLEPLAYS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "am_transformation": ("向老客户介绍转型产品：从卖产品到卖方案",),
    "am_needs_basics": ("与客户的总经理、财务和业务部门负责人分别面谈，找出各自的需求",),
    "am_industry_solutions": ("{industry}客户拜访：先问经营中的难处，再讲方案的价值",),
    "se_consultative": ("陪同客户经理拜访：用客户听得懂的话回答技术问题",),
    "se_customer_problem": ("从客户的购买流程出发，找到客户真正的问题",),
    "se_key_links": ("联合拜访：先听后讲，用提问找到客户的潜在需求", "向客户陈述方案：把产品和价值联系起来"),
    "sm_sales_process": ("辅导客户经理走完销售漏斗的一步",),
    "sm_managing_sales": ("与客户经理一对一检查重点客户的销售进展",),
    "sm_people": ("给下属布置一项难卖的产品任务并激励他",),
})


def module_roleplays(module: Module, region: str, region_name: str, library: pd.DataFrame | None,
                     industries: Sequence[str] = (), limit: int = 2,
                     industries_labels: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Role-plays for a module: the case library's, else a scene of :data:`SEED_ROLEPLAYS` (script to write)."""
    ranked = _rank_library(_library_rows(library, "roleplay", module.module_id), region, industries)
    out = [{"title": _text(row["title"]), "source": "library", "id": _text(row["id"]),
            "reason": _library_reason(row, region, region_name, "角色扮演")} for _, row in ranked[:limit]]
    if out:
        return out
    reason = "本培训方法以角色扮演练习本模块的要点；案例库中还没有归入本模块的角色扮演，按本模块要点设计，脚本待顾问编写"
    for scene in SEED_ROLEPLAYS.get(module.module_id, ())[:limit]:
        if "{industry}" in scene:
            for label in list(industries_labels)[:limit]:
                out.append({"title": scene.format(industry=label), "source": "seed", "id": None, "reason": reason})
        else:
            out.append({"title": scene, "source": "seed", "id": None, "reason": reason})
    return out[:limit]


# -- products ---------------------------------------------------------------------------------


def _price(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value):
        return f"{value:g}元"
    return _text(value)


def module_products(products: pd.DataFrame | None, industries: Sequence[dict[str, Any]] = (),
                    limit: int = 6) -> list[dict[str, str]]:
    """The region's local products for a module that teaches products or solutions.

    With ``industries`` (行业篇) the products whose name, package, value or needs mention a
    chosen industry come first, in the order of the industries.
    """
    if products is None or products.empty:
        return []
    words = [_industry_words(i["id"], i["label"]) for i in industries]
    rows = []
    for position, (_, row) in enumerate(products.iterrows()):
        name = _text(row.get("local_name"))
        if not name:
            continue
        package = _text(row.get("package"))
        # 商务领航·酒店版 with package 酒店版（…）: say the package once
        core = package.split("（")[0].strip()
        full = name if not package or core in name or package in name else f"{name}·{package}"
        if name in package and package != name:
            full = package
        blob = " ".join(_text(row.get(c)) for c in ("local_name", "package", "customer_value", "needs"))
        hit = next((k for k, ws in enumerate(words) if any(w in blob for w in ws)), len(words))
        rows.append((hit, position, {"name": full, "price": _price(row.get("price")),
                                                 "value": _text(row.get("customer_value"))}))
    rows.sort(key=lambda r: (r[0], r[1]))
    seen, out = set(), []
    for _, _, item in rows:
        if item["name"] not in seen:
            seen.add(item["name"])
            out.append(item)
    return out[:limit]


# -- behaviour types --------------------------------------------------------------------------


def emphasis_for(module: Module, type_mix: pd.DataFrame | None, min_n: int = MIN_CELL_SIZE) -> list[str]:
    """Training emphasis for a module from the region's behaviour types.

    A type at least 10 points more common in the region than in the engagement, marked by a
    behaviour of :data:`_BEHAVIOUR_EMPHASIS` whose dimension the module trains, adds that practice.
    """
    if type_mix is None or type_mix.empty:
        return []
    out: list[str] = []
    for _, row in type_mix.sort_values("type_id").iterrows():
        share, overall = row.get("share"), row.get("engagement_share")
        if share is None or overall is None or pd.isna(share) or pd.isna(overall):
            continue
        if "n" in row.index and pd.notna(row["n"]) and int(row["n"]) < min_n:
            continue
        if "claimed" in row.index and not bool(row["claimed"]):  # more common only by chance
            continue
        if float(share) - float(overall) < _MIN_TYPE_EXCESS - 1e-9:
            continue
        traits = row.get("traits")
        traits = tuple(traits) if isinstance(traits, (list, tuple)) else ()
        for behaviour in traits:
            if behaviour not in _BEHAVIOUR_EMPHASIS:
                continue
            dimension, practice = _BEHAVIOUR_EMPHASIS[behaviour]
            if dimension not in module.dimensions:
                continue
            label = _text(row.get("type_label")) or _text(row.get("type_id"))
            what = BEHAVIOURS[behaviour].label if behaviour in BEHAVIOURS else behaviour
            text = (f"本地区「{label}」类型占 {float(share):.0%}，高于全体的 {float(overall):.0%}"
                    f"（该类型常{what}）：{practice}")
            if text not in out:
                out.append(text)
    return out


# -- uncovered dimensions ---------------------------------------------------------------------


def added_session(dimension: str, outline: Outline, finding_id: str, reason: str
                  ) -> tuple[str, dict[str, Any]] | None:
    """A session of seed topics training ``dimension``, placed in the nearest module.

    Returns
    -------
    (module id, session) or None
        ``None`` when no seed topic trains the dimension (an open decision instead).
    """
    entry = DIMENSION_TOPICS.get(dimension)
    if entry is None:
        return None
    topics, nearest = entry
    host = None
    for near in nearest:
        host = next((m for m in outline.modules if m.dimensions[0] == near), None) or next(
            (m for m in outline.modules if near in m.dimensions), None)
        if host is not None:
            break
    if host is None:
        host = outline.modules[0]
    titles = "；".join(t for _, t in topics)
    label = DIMENSIONS[dimension].label if dimension in DIMENSIONS else dimension
    return host.module_id, {"title": titles, "dimension": dimension, "finding": finding_id,
                            "reason": f"{reason}；本课程没有专门训练「{label}」的模块，借用标准课程大纲中的相关内容，"
                                      f"作为专题放在「{host.title}」中"}


def capacity_note(days: float) -> str:
    """One sentence: how many industries 行业篇 of ``days`` holds."""
    return f"行业篇 {fmt_days(days)} 天，每个行业约 {INDUSTRY_MINUTES} 分钟，可安排 {industry_capacity(days)} 个行业"
