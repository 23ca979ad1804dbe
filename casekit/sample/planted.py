"""The structure the generator plants in the sample bundle (written to ``_ground_truth.yaml``).

Three things are planted so that analysis code can be tested against a known answer:

1. four account-manager behaviour types, each with a survey profile (mean score per dimension)
   and a ride-along profile (question share, behaviours, funnel stage, outcome, time on site);
2. region-specific weaknesses: a shift of one dimension's mean for one population in one region;
3. personal data in the interview notes that a redaction step must catch (see ``texts.notes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AM_TYPES",
    "ITEM_SD",
    "PERSON_SD",
    "REGION_WEAKNESSES",
    "SE_PROFILE",
    "SM_PROFILE",
    "SM_SELF_INFLATION",
    "UNTYPED_AM",
    "AmType",
    "RegionWeakness",
    "am_type_of",
]

#: Standard deviation of a person's true dimension score around their type's profile.
PERSON_SD: float = 0.28
#: Standard deviation of one answer around the person's true dimension score.
ITEM_SD: float = 0.45


@dataclass(frozen=True)
class AmType:
    """A planted account-manager behaviour type.

    Parameters
    ----------
    id : str
        English id, used in the ground truth.
    label : str
        Chinese name of the type.
    description : str
        What a consultant would say about such a manager.
    survey : dict of str to float
        True mean score (1–5) per account-manager dimension.
    question_share : (float, float)
        Mean and sd of the share of talking time spent asking questions in a visit.
    behaviours : dict of str to float
        Probability that each behaviour id is observed in one visit.
    funnel_steps : tuple of int
        Funnel steps (1–8) a visit of this type typically reaches, sampled uniformly.
    outcomes : dict of str to float
        Outcome probabilities.
    minutes_on_site : (int, int)
        Uniform range of minutes with the customer.
    weekly_visits : (float, float)
        Mean and sd of self-reported customer visits per week.
    visit_time_share : (float, float)
        Mean and sd of the self-reported share (%) of working time spent visiting customers.
    attainment : (float, float)
        Mean and sd of last quarter's target attainment (%).
    """

    id: str
    label: str
    description: str
    survey: dict[str, float]
    question_share: tuple[float, float]
    behaviours: dict[str, float]
    funnel_steps: tuple[int, ...]
    outcomes: dict[str, float]
    minutes_on_site: tuple[int, int]
    weekly_visits: tuple[float, float]
    visit_time_share: tuple[float, float]
    attainment: tuple[float, float]


AM_TYPES: tuple[AmType, ...] = (
    AmType(
        id="price_pusher",
        label="价格推销型",
        description="开口先讲优惠和免费试用，很少提问，产品知识和客户知识都弱，拜访停留在推销阶段。",
        survey={
            "product": 2.3,
            "industry": 2.5,
            "sales": 2.1,
            "management": 2.9,
            "time": 3.2,
            "customer": 2.2,
            "communication": 3.1,
        },
        question_share=(0.10, 0.04),
        behaviours={
            "price_first": 0.95,
            "free_trial_offer": 0.7,
            "product_demo": 0.15,
            "agrees_next_step": 0.2,
            "relationship_talk": 0.15,
        },
        funnel_steps=(3, 4, 4),
        outcomes={"won": 0.12, "advanced": 0.18, "stalled": 0.4, "lost": 0.3},
        minutes_on_site=(15, 35),
        weekly_visits=(9.0, 1.5),
        visit_time_share=(55.0, 8.0),
        attainment=(82.0, 10.0),
    ),
    AmType(
        id="relationship_keeper",
        label="关系维系型",
        description="拜访次数多、寒暄时间长，和客户关系好，但讲不清行业和产品价值，销售推进慢。",
        survey={
            "product": 2.8,
            "industry": 2.3,
            "sales": 2.9,
            "management": 2.6,
            "time": 2.4,
            "customer": 3.6,
            "communication": 4.2,
        },
        question_share=(0.22, 0.05),
        behaviours={
            "relationship_talk": 0.95,
            "agrees_next_step": 0.35,
            "free_trial_offer": 0.2,
            "price_first": 0.1,
            "identifies_decision_makers": 0.15,
        },
        funnel_steps=(2, 2, 3, 4),
        outcomes={"won": 0.1, "advanced": 0.35, "stalled": 0.45, "lost": 0.1},
        minutes_on_site=(70, 130),
        weekly_visits=(14.0, 2.0),
        visit_time_share=(70.0, 7.0),
        attainment=(86.0, 10.0),
    ),
    AmType(
        id="consultant",
        label="顾问型",
        description="先问后讲，了解客户行业和内部决策人，常与支撑人员联合拜访，用销售工具表推进项目。",
        survey={
            "product": 3.9,
            "industry": 3.9,
            "sales": 4.1,
            "management": 3.9,
            "time": 3.8,
            "customer": 4.0,
            "communication": 3.9,
        },
        question_share=(0.52, 0.07),
        behaviours={
            "asks_needs": 0.95,
            "customer_language": 0.85,
            "identifies_decision_makers": 0.7,
            "joint_visit": 0.6,
            "uses_toolbox": 0.6,
            "agrees_next_step": 0.9,
            "product_demo": 0.3,
        },
        funnel_steps=(5, 5, 6, 6, 7),
        outcomes={"won": 0.35, "advanced": 0.5, "stalled": 0.1, "lost": 0.05},
        minutes_on_site=(45, 80),
        weekly_visits=(8.0, 1.5),
        visit_time_share=(60.0, 7.0),
        attainment=(108.0, 12.0),
    ),
    AmType(
        id="technical_explainer",
        label="技术讲解型",
        description="产品功能熟，但一上来就讲参数和演示，满口术语，不问客户经营问题，方案对不上需求。",
        survey={
            "product": 4.2,
            "industry": 2.8,
            "sales": 2.6,
            "management": 3.2,
            "time": 3.1,
            "customer": 2.6,
            "communication": 2.3,
        },
        question_share=(0.14, 0.04),
        behaviours={
            "technical_jargon": 0.95,
            "product_demo": 0.8,
            "joint_visit": 0.3,
            "agrees_next_step": 0.35,
            "price_first": 0.1,
        },
        funnel_steps=(4, 4, 5, 6),
        outcomes={"won": 0.15, "advanced": 0.3, "stalled": 0.4, "lost": 0.15},
        minutes_on_site=(50, 90),
        weekly_visits=(6.0, 1.5),
        visit_time_share=(45.0, 8.0),
        attainment=(84.0, 10.0),
    ),
)


#: How an account manager without a planted type behaves (scenarios without types): the four
#: types' behaviours at about their average rates, drawn independently visit by visit, so that
#: ride-alongs, background answers and notes carry no type structure. Its ``survey`` profile is
#: not used (the one-factor model of :mod:`casekit.sample.scenarios` gives the survey means).
UNTYPED_AM: AmType = AmType(
    id="untyped",
    label="未分型",
    description="没有预设的行为类型：每次拜访的行为各自随机出现。",
    survey={},
    question_share=(0.25, 0.12),
    behaviours={
        "price_first": 0.3,
        "free_trial_offer": 0.25,
        "product_demo": 0.3,
        "relationship_talk": 0.3,
        "asks_needs": 0.25,
        "customer_language": 0.2,
        "technical_jargon": 0.25,
        "identifies_decision_makers": 0.2,
        "joint_visit": 0.2,
        "uses_toolbox": 0.15,
        "agrees_next_step": 0.45,
    },
    funnel_steps=(2, 3, 4, 4, 5, 6),
    outcomes={"won": 0.18, "advanced": 0.33, "stalled": 0.34, "lost": 0.15},
    minutes_on_site=(20, 110),
    weekly_visits=(9.0, 2.5),
    visit_time_share=(57.0, 10.0),
    attainment=(90.0, 14.0),
)


def am_type_of(type_id: str | None) -> AmType:
    """Return the planted account-manager type ``type_id`` (:data:`UNTYPED_AM` for None).

    Parameters
    ----------
    type_id : str or None
        An id of :data:`AM_TYPES`, or None for an account manager without a type.

    Raises
    ------
    KeyError
        If ``type_id`` is not a planted type.
    """
    if type_id is None:
        return UNTYPED_AM
    for kind in AM_TYPES:
        if kind.id == type_id:
            return kind
    raise KeyError(type_id)


@dataclass(frozen=True)
class RegionWeakness:
    """A planted shift of one dimension's mean for one population in one top-level region."""

    region: str
    population: str
    dimension: str
    delta: float
    reason: str = field(default="")


REGION_WEAKNESSES: tuple[RegionWeakness, ...] = (
    RegionWeakness(
        "hebei",
        "account_manager",
        "industry",
        -0.7,
        "地市客户经理多从话务、营业厅转岗，对行业客户经营不熟",
    ),
    RegionWeakness(
        "tianjin", "account_manager", "time", -0.7, "片区大、内部报表多，拜访时间被挤占"
    ),
    RegionWeakness(
        "nanning",
        "account_manager",
        "product",
        -0.7,
        "新产品上得快，培训全由技术人员讲，客户经理跟不上",
    ),
    RegionWeakness(
        "shandong",
        "account_manager",
        "sales",
        -0.7,
        "单兵作战，多决策人项目不会组织团队销售",
    ),
    RegionWeakness(
        "beijing", "support_engineer", "communication", -0.8, "演示厅讲解满是技术术语"
    ),
)

#: True mean scores of support engineers (the seed: jargon, no market view).
SE_PROFILE: dict[str, float] = {"product": 4.0, "communication": 2.9, "market": 2.6}
#: True mean scores of sales managers (the seed: results-only management is the worst).
SM_PROFILE: dict[str, float] = {"strategy": 2.9, "process": 2.4, "leadership": 3.1}
#: How much higher sales managers rate themselves in the 360° review than others rate them.
SM_SELF_INFLATION: float = 0.8
