"""The method's vocabulary, declared once.

Everything here comes from the seed document (see ``docs/method.md``): the three populations
trained, the research dimensions per population, research methods, the sales funnel, customer
industries, canonical transformation products and the behaviours a ride-along observer records.
Identifiers are English; ``label`` is the Simplified Chinese text a consultant or client reads.

Every other module refers to these identifiers instead of repeating strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "BACKGROUND_ROLES",
    "BEHAVIOURS",
    "BEHAVIOUR_SKILL",
    "CUSTOMER_DEPARTMENTS",
    "CUSTOMER_NEEDS",
    "DEFAULT_SESSION_MINUTES",
    "DIMENSIONS",
    "FOLLOWUP_SOURCES",
    "FUNNEL_STAGES",
    "INDUSTRIES",
    "MIN_CELL_SIZE",
    "NOTE_METHODS",
    "OUTCOMES",
    "POPULATIONS",
    "POPULATION_DIMENSIONS",
    "PRODUCTS",
    "QUIZ_PHASES",
    "RATER_GROUPS",
    "REACTION_ITEMS",
    "RESEARCH_METHODS",
    "SALES_PERIODS",
    "SESSION_MINUTES_RANGE",
    "TRAINEE_SELECTIONS",
    "Term",
    "label",
    "lookup",
]


@dataclass(frozen=True)
class Term:
    """One controlled-vocabulary entry.

    Parameters
    ----------
    id : str
        Stable English identifier used in code and data files.
    label : str
        Simplified Chinese label shown to consultants and clients.
    aliases : tuple of str
        Other spellings accepted on input (e.g. traditional wording or short forms).
    """

    id: str
    label: str
    aliases: tuple[str, ...] = ()


def _vocab(*terms: Term) -> Mapping[str, Term]:
    return MappingProxyType({t.id: t for t in terms})


#: Smallest group size shown in a client-facing breakdown (anonymity threshold).
MIN_CELL_SIZE: int = 5

POPULATIONS = _vocab(
    Term("account_manager", "政企客户经理", ("客户经理", "政企客户经理", "大客户经理")),
    Term("support_engineer", "支撑人员", ("技术支撑", "支撑人员", "信息内容服务中心", "售前支撑")),
    Term("sales_manager", "销售管理人员", ("销售管理者", "营销中心主任", "分公司负责人", "销售管理人员")),
)

#: Research dimensions (调研纬度). The first seven are the account-manager dimensions named by
#: the seed; ``market`` is the support engineers' third one; the last three are the sales
#: managers' weaknesses named by the seed (strategy, process control, leadership).
DIMENSIONS = _vocab(
    Term("product", "产品", ("产品纬度", "产品维度")),
    Term("industry", "行业", ("行业纬度", "行业维度")),
    Term("sales", "销售", ("销售纬度", "销售维度")),
    Term("management", "管理", ("管理纬度", "管理维度")),
    Term("time", "时间", ("时间纬度", "时间维度")),
    Term("customer", "客户", ("客户纬度", "客户维度")),
    Term("communication", "沟通", ("沟通纬度", "沟通维度")),
    Term("market", "市场", ("市场纬度", "市场维度")),
    Term("strategy", "市场分析与策略", ("策略",)),
    Term("process", "过程管理", ("过程控制",)),
    Term("leadership", "领导力", ("领导",)),
)

POPULATION_DIMENSIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "account_manager": (
            "product",
            "industry",
            "sales",
            "management",
            "time",
            "customer",
            "communication",
        ),
        "support_engineer": ("product", "communication", "market"),
        "sales_manager": ("strategy", "process", "leadership"),
    }
)

RESEARCH_METHODS = _vocab(
    Term("questionnaire", "问卷调查"),
    Term("phone_survey", "电话调研"),
    Term("interview", "一对一深度访谈", ("访谈", "深度访谈")),
    Term("ride_along", "工作随访", ("随访",)),
    Term("demo_hall_visit", "演示厅考察", ("演示厅",)),
    Term("review_360", "360°调研", ("360调研", "360度调研")),
    Term("observation", "工作观察"),
)

#: Methods a note (Markdown file in ``notes/``) may declare in its front matter.
NOTE_METHODS = _vocab(
    Term("interview", "一对一深度访谈", ("访谈", "深度访谈")),
    Term("ride_along_debrief", "随访复盘", ("随访", "随访访谈")),
    Term("demo_hall_visit", "演示厅考察", ("演示厅",)),
    Term("interview_360", "360°访谈", ("360访谈",)),
)

#: The seed's eight-step sales funnel (第五章 通信服务销售流程).
FUNNEL_STAGES = _vocab(
    Term("preparation", "销售准备"),
    Term("customer_profile", "收集客户全貌信息", ("收集信息",)),
    Term("entry_point", "找到切入点"),
    Term("visit", "销售拜访", ("销售拜访阶段",)),
    Term("pain_development", "发展痛点"),
    Term("solution", "给客户他想要的解决方案", ("提出解决方案", "解决方案")),
    Term("closing", "成交"),
    Term("after_sales", "建立长期合作关系", ("销售后",)),
)

INDUSTRIES = _vocab(
    Term("hotel", "酒店", ("宾馆", "酒店行业")),
    Term("retail", "零售超市", ("超市", "零售", "零售、超市")),
    Term("education", "教育", ("学校", "教育行业")),
    Term("real_estate", "地产", ("房地产", "地产行业")),
    Term("travel", "旅行社", ("旅游", "旅行社行业")),
    Term("trading", "贸易", ("贸易公司", "贸易流通")),
    Term("manufacturing", "工厂", ("制造业", "生产性行业")),
    Term("hospital", "医院", ("医疗", "专科医院", "医药")),
    Term("bakery", "面包房", ("餐饮",)),
    Term("cosmetics", "化妆品", ("化妆品公司",)),
)

#: A course's half-day session: its default length and the lengths a manifest may set (minutes).
DEFAULT_SESSION_MINUTES: int = 180
SESSION_MINUTES_RANGE: tuple[int, int] = (90, 300)

#: Canonical transformation products; each region sells them under local names (see the
#: bundle's product catalogue).
PRODUCTS = _vocab(
    Term("business_navigator", "商务领航"),
    Term("crm_module", "客户关系管理模块", ("CRM模块", "CRM")),
    Term("video_monitoring", "宽带监控", ("宽视界", "场景监控", "全球眼")),
    Term("hybrid_network", "混合组网"),
    Term("yellow_pages", "黄页广告", ("黄页",)),
    Term("hotline_114", "114号码百事通", ("114", "114查号推广")),
    Term("website", "企业网站建设", ("网站",)),
    Term("pc_bundle", "电脑捆绑", ("电脑", "商务电脑")),
    Term("mobile_c", "C网手机", ("189", "153", "133", "天翼")),
    Term("broadband", "商务宽带", ("宽带", "光纤专线")),
)

#: What a silent observer records during a ride-along (工作随访).
BEHAVIOURS = _vocab(
    Term("price_first", "以价格优惠开场"),
    Term("asks_needs", "提问挖掘需求"),
    Term("technical_jargon", "使用技术术语"),
    Term("customer_language", "用客户语言讲价值"),
    Term("product_demo", "产品演示"),
    Term("joint_visit", "与支撑人员联合拜访"),
    Term("identifies_decision_makers", "识别多个决策人"),
    Term("uses_toolbox", "使用销售工具表"),
    Term("agrees_next_step", "约定下一步行动"),
    Term("relationship_talk", "以关系寒暄为主"),
    Term("free_trial_offer", "提出免费试用"),
)

#: What a numeric background question measures, when the analysis needs it (``role:`` in the
#: codebook): the sales result for the performance linkage, self-reported time use for the
#: segmentation features and the time-allocation estimate.
BACKGROUND_ROLES = _vocab(
    Term("performance", "业绩完成率", ("业绩", "销售业绩")),
    Term("weekly_visits", "每周客户拜访次数", ("拜访次数",)),
    Term("visit_time_share", "拜访客户时间占比（%）", ("拜访时间占比",)),
)

#: For each observed behaviour: the account-manager dimension it shows and whether seeing it
#: more often is good (+1: consultative selling, the seed's "doctor") or bad (−1: the seed's
#: "medicine seller": price first, free trials, jargon, small talk instead of needs).
#: ``product_demo`` is neutral (0): good or bad depends on what came before it.
BEHAVIOUR_SKILL: Mapping[str, tuple[str, int]] = MappingProxyType(
    {
        "price_first": ("sales", -1),
        "free_trial_offer": ("sales", -1),
        "technical_jargon": ("communication", -1),
        "relationship_talk": ("sales", -1),
        "asks_needs": ("customer", 1),
        "customer_language": ("communication", 1),
        "identifies_decision_makers": ("customer", 1),
        "joint_visit": ("sales", 1),
        "uses_toolbox": ("management", 1),
        "agrees_next_step": ("sales", 1),
        "product_demo": ("product", 0),
    }
)

OUTCOMES = _vocab(
    Term("won", "成交"),
    Term("advanced", "推进到下一步"),
    Term("stalled", "停滞"),
    Term("lost", "丢单"),
)

#: Rater groups of the sales managers' 360° review. Rater names are never stored.
RATER_GROUPS = _vocab(
    Term("account_manager", "客户经理"),
    Term("support", "支撑人员"),
    Term("superior", "上级主管"),
    Term("self", "本人"),
)

CUSTOMER_DEPARTMENTS = _vocab(
    Term("general_manager", "总经理/决策层"),
    Term("it", "信息技术部"),
    Term("finance", "财务部"),
    Term("operations", "运营部"),
    Term("sales_marketing", "销售市场部"),
    Term("admin", "行政部"),
    Term("security", "安保部"),
)

#: Organisation-level needs (组织层面的需求): increase revenue, cut cost, raise efficiency.
CUSTOMER_NEEDS = _vocab(
    Term("increase_revenue", "增加收入", ("增收",)),
    Term("cut_cost", "减少成本", ("降支", "降低成本")),
    Term("raise_efficiency", "提高效率", ("提效",)),
    Term("security", "安全防范"),
    Term("customer_acquisition", "获取客户", ("拓客",)),
)

#: The items of the 课后评估 sheet filled in at the end of the course (``followup/reaction.csv``):
#: the first three are Kirkpatrick's level 1 (reaction), ``confidence`` and ``commitment`` the
#: New World Kirkpatrick's additions at level 2 (``docs/followup.md``).
REACTION_ITEMS = _vocab(
    Term("satisfaction", "整体满意度", ("满意度", "总体满意度")),
    Term("relevance", "与工作的相关性", ("相关性", "工作相关性")),
    Term("trainer", "讲师表现", ("讲师", "讲师评价")),
    Term("confidence", "应用信心", ("信心",)),
    Term("commitment", "应用意愿", ("意愿", "应用承诺")),
)

#: How the trainees were chosen (``followup/waves.yaml`` → ``selection``); ``weakest`` makes the
#: evaluation name regression to the mean beside every trainee-only change.
TRAINEE_SELECTIONS = _vocab(
    Term("all", "全员参训", ("全员", "全部")),
    Term("weakest", "选派基础薄弱者", ("基础薄弱者", "后进者", "薄弱者")),
    Term("volunteers", "自愿报名", ("自愿", "自愿参加")),
)

#: The two sittings of the knowledge quiz (``followup/quiz.csv`` → ``phase``).
QUIZ_PHASES = _vocab(
    Term("pre", "培训前", ("课前", "前测")),
    Term("post", "培训后", ("课后", "后测")),
)

#: Where a month of ``followup/sales.csv`` lies against the course (derived, never typed).
SALES_PERIODS = _vocab(
    Term("baseline", "培训前"),
    Term("during", "培训期间"),
    Term("after", "培训后"),
)

#: The sources of a follow-up wave that name people (``followup/<wave_id>/``), as the match
#: rates of ``casekit validate`` name them.
FOLLOWUP_SOURCES = _vocab(
    Term("survey", "问卷"),
    Term("ride_alongs", "随访"),
    Term("coaching", "辅导记录"),
)


def label(vocabulary: Mapping[str, Term], term_id: str) -> str:
    """Return the Chinese label of ``term_id`` in ``vocabulary``.

    Parameters
    ----------
    vocabulary : mapping of str to Term
        One of the vocabularies of this module, e.g. :data:`DIMENSIONS`.
    term_id : str
        The English identifier.

    Returns
    -------
    str
        The Simplified Chinese label.

    Raises
    ------
    KeyError
        If ``term_id`` is not in the vocabulary.
    """
    return vocabulary[term_id].label


def lookup(vocabulary: Mapping[str, Term], text: str) -> str | None:
    """Resolve an id, a Chinese label or an alias to the term's id.

    Parameters
    ----------
    vocabulary : mapping of str to Term
        The vocabulary to search.
    text : str
        What a data file contains; surrounding white space is ignored.

    Returns
    -------
    str or None
        The term id, or ``None`` when nothing matches.

    Examples
    --------
    >>> lookup(DIMENSIONS, "行业纬度")
    'industry'
    >>> lookup(POPULATIONS, "account_manager")
    'account_manager'
    """
    key = str(text).strip()
    if key in vocabulary:
        return key
    for term in vocabulary.values():
        if key == term.label or key in term.aliases:
            return term.id
    return None
