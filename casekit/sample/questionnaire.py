"""The questionnaire (one for all three populations) and its simulated 问卷星-style export.

Question wording follows the seed's list of weaknesses. Answers are scale labels, drawn from each
respondent's true dimension scores (type profile or the scenario's one-factor model + region
weakness + person noise) plus answer noise; reverse-keyed items are answered mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from casekit.domain import POPULATIONS
from casekit.sample.people import Person
from casekit.sample.planted import (
    ITEM_SD,
    PERSON_SD,
    SE_PROFILE,
    SM_PROFILE,
    am_type_of,
)
from casekit.sample.regions import region_name
from casekit.sample.scenarios import SAMPLE, Scenario

__all__ = [
    "BACKGROUND",
    "FIELDWORK_DAYS",
    "FIELDWORK_START",
    "ID_COLUMNS",
    "ITEMS",
    "META_COLUMNS",
    "MISSING",
    "SCALES",
    "SKIPPED",
    "Item",
    "codebook",
    "survey_header",
    "survey_rows",
    "true_scores",
]

AM, SE, SM = "account_manager", "support_engineer", "sales_manager"

SCALES: dict[str, dict[str, int]] = {
    "agree5": {"非常不符合": 1, "不太符合": 2, "一般": 3, "比较符合": 4, "非常符合": 5},
    "freq5": {"从不": 1, "很少": 2, "有时": 3, "经常": 4, "总是": 5},
}

#: Cell values that mean "no answer". ``(跳过)`` is what the platform writes for questions hidden
#: by skip logic (a question not asked of the respondent's population).
MISSING: list[str] = ["", "(空)", "(跳过)", "不适用", "-3"]
SKIPPED = "(跳过)"

ID_COLUMNS: dict[str, str] = {
    "respondent_id": "答卷编号",
    "region": "所在地区",
    "population": "岗位类别",
}
#: The survey platform's own columns (listed under ``ignore:`` in the codebook).
META_COLUMNS: tuple[str, ...] = ("序号", "提交答卷时间", "所用时间", "来源")

#: Background questions: (id, column, type).
BACKGROUND: tuple[tuple[str, str, str], ...] = (
    ("age_band", "您的年龄段", "category"),
    ("tenure_years", "您在本公司工作的年限（年）", "number"),
    ("target_attainment", "上季度业绩完成率（%）", "number"),
    ("weekly_visits", "平均每周客户拜访次数", "number"),
    ("visit_time_share", "工作时间中用于拜访客户的比例（%）", "number"),
)
#: ``role:`` of background questions the analysis uses (``casekit.domain.BACKGROUND_ROLES``).
BACKGROUND_ROLE: dict[str, str] = {
    "target_attainment": "performance",
    "weekly_visits": "weekly_visits",
    "visit_time_share": "visit_time_share",
}

#: When the baseline questionnaire opened, and for how many days.
FIELDWORK_START: datetime = datetime(2008, 8, 18, 9, 0, 0)
FIELDWORK_DAYS: int = 11

_AGE_BANDS = ("25岁及以下", "26-30岁", "31-35岁", "36-40岁", "41岁及以上")


@dataclass(frozen=True)
class Item:
    """One scale question of the questionnaire."""

    id: str
    column: str
    dimension: str
    populations: tuple[str, ...]
    scale: str = "agree5"
    reverse: bool = False


ITEMS: tuple[Item, ...] = (
    # account managers: product
    Item("am_product_1", "我能说清本地区主推转型产品的资费和套餐", "product", (AM,)),
    Item(
        "am_product_2",
        "我能用客户听得懂的话讲清商务领航类产品能帮客户解决什么问题",
        "product",
        (AM,),
    ),
    Item(
        "am_product_3",
        "新产品推出后，我往往要很久才弄明白它能做什么",
        "product",
        (AM,),
        reverse=True,
    ),
    Item(
        "am_product_4",
        "客户问到监控、组网的技术实现时，我能回答大部分问题",
        "product",
        (AM,),
    ),
    # industry
    Item("am_industry_1", "我能说清酒店行业客户的经营特点", "industry", (AM,)),
    Item(
        "am_industry_2",
        "拜访前我会先了解客户所在行业的旺季、淡季和主要成本",
        "industry",
        (AM,),
        "freq5",
    ),
    Item(
        "am_industry_3",
        "除了通信需求，我对客户的生意了解很少",
        "industry",
        (AM,),
        reverse=True,
    ),
    Item(
        "am_industry_4",
        "我能说出超市、学校、工厂等不同行业各自最头疼的问题",
        "industry",
        (AM,),
    ),
    # sales
    Item(
        "am_sales_1",
        "向客户介绍产品时我主要讲优惠和价格",
        "sales",
        (AM,),
        "freq5",
        True,
    ),
    Item(
        "am_sales_2",
        "拜访中我会先提问了解客户的问题，再介绍产品",
        "sales",
        (AM,),
        "freq5",
    ),
    Item(
        "am_sales_3",
        "客户犹豫时，我会提出免费试用或者再降点价",
        "sales",
        (AM,),
        "freq5",
        True,
    ),
    Item(
        "am_sales_4",
        "遇到需要多人拍板的项目，我会请支撑人员和领导一起做方案",
        "sales",
        (AM,),
        "freq5",
    ),
    # management (of one's own customers)
    Item(
        "am_management_1",
        "我用客户管理表记录每个重点客户的情况",
        "management",
        (AM,),
        "freq5",
    ),
    Item(
        "am_management_2",
        "我每月会给自己的客户分类，决定重点跟进哪些",
        "management",
        (AM,),
        "freq5",
    ),
    Item(
        "am_management_3",
        "我的客户资料主要记在脑子里",
        "management",
        (AM,),
        reverse=True,
    ),
    # time
    Item("am_time_1", "我每周会提前规划客户拜访的路线和时间", "time", (AM,), "freq5"),
    Item(
        "am_time_2",
        "我的工作时间大部分花在内部报表和开会上",
        "time",
        (AM,),
        reverse=True,
    ),
    Item("am_time_3", "我能保证每周一半以上的时间在拜访客户", "time", (AM,)),
    # customer
    Item(
        "am_customer_1", "我能说出重点客户的组织架构和各部门负责人", "customer", (AM,)
    ),
    Item(
        "am_customer_2",
        "我能判断客户处在创业期、成长期、成熟期还是衰退期",
        "customer",
        (AM,),
    ),
    Item(
        "am_customer_3",
        "我很少了解客户在增收、降支、提效方面的具体想法",
        "customer",
        (AM,),
        reverse=True,
    ),
    # communication (the last one is shared with support engineers)
    Item(
        "am_communication_1", "客户愿意和我谈他们经营中的难处", "communication", (AM,)
    ),
    Item(
        "am_communication_2",
        "我能把技术人员讲的内容转换成客户能听懂的话",
        "communication",
        (AM,),
    ),
    Item(
        "am_communication_3",
        "和客户谈业务时常常冷场，不知道该说什么",
        "communication",
        (AM,),
        reverse=True,
    ),
    Item(
        "shared_communication_1",
        "给客户讲产品时，我先讲它对客户的好处，再讲功能",
        "communication",
        (AM, SE),
        "freq5",
    ),
    # support engineers
    Item("se_product_1", "我能完整演示本地区主推转型产品的全部功能", "product", (SE,)),
    Item("se_product_2", "我清楚各转型产品之间怎样组合成一个方案", "product", (SE,)),
    Item(
        "se_product_3",
        "有些已经上线的产品模块我自己也没用过",
        "product",
        (SE,),
        reverse=True,
    ),
    Item(
        "se_communication_1",
        "我能把技术术语转换成客户能听懂的话",
        "communication",
        (SE,),
    ),
    Item(
        "se_communication_2",
        "给客户讲解时，我主要讲技术参数和系统架构",
        "communication",
        (SE,),
        "freq5",
        True,
    ),
    Item(
        "se_communication_3",
        "陪同拜访时，我先听客户经理和客户谈，再在合适的时机补充",
        "communication",
        (SE,),
        "freq5",
    ),
    Item("se_market_1", "我了解本地区主要行业客户的经营特点", "market", (SE,)),
    Item(
        "se_market_2",
        "我觉得卖产品是客户经理的事，和技术人员关系不大",
        "market",
        (SE,),
        reverse=True,
    ),
    Item(
        "se_market_3", "我会主动向客户经理了解一线客户的反馈", "market", (SE,), "freq5"
    ),
    # sales managers
    Item(
        "sm_strategy_1", "我能结合本地市场分析出转型产品的目标客户", "strategy", (SM,)
    ),
    Item(
        "sm_strategy_2", "我们的转型产品销售目标是根据市场分析制定的", "strategy", (SM,)
    ),
    Item(
        "sm_strategy_3",
        "转型产品的指标我主要按上级下达的数字平均分给客户经理",
        "strategy",
        (SM,),
        reverse=True,
    ),
    Item("sm_process_1", "我清楚每位客户经理每天的时间分配", "process", (SM,)),
    Item(
        "sm_process_2",
        "我会和客户经理逐个检查重点客户的销售进展到了哪一步",
        "process",
        (SM,),
        "freq5",
    ),
    Item(
        "sm_process_3", "我主要看业绩结果来评价客户经理", "process", (SM,), reverse=True
    ),
    Item("sm_leadership_1", "我知道每位下属在哪方面能力欠缺", "leadership", (SM,)),
    Item(
        "sm_leadership_2",
        "我会陪客户经理拜访客户，事后给他辅导",
        "leadership",
        (SM,),
        "freq5",
    ),
    Item(
        "sm_leadership_3",
        "下属遇到难卖的产品时，我也不知道该怎么帮他",
        "leadership",
        (SM,),
        reverse=True,
    ),
)


def codebook(review_items: list[dict[str, str]]) -> dict:
    """Return the codebook as a YAML-ready dict.

    Parameters
    ----------
    review_items : list of dict
        The 360° review items (``id``, ``text``, ``dimension``).
    """
    return {
        "columns": dict(ID_COLUMNS),
        "ignore": list(META_COLUMNS),
        "missing": list(MISSING),
        "scales": {name: {"labels": dict(labels)} for name, labels in SCALES.items()},
        "background": [
            {"id": i, "column": c, "type": t, **({"role": BACKGROUND_ROLE[i]} if i in BACKGROUND_ROLE else {})}
            for i, c, t in BACKGROUND
        ],
        "items": [
            {
                "id": it.id,
                "column": it.column,
                "dimension": it.dimension,
                "populations": list(it.populations),
                "scale": it.scale,
                "reverse": it.reverse,
            }
            for it in ITEMS
        ],
        "reviews_360": {"scale": "agree5", "items": review_items},
    }


def _regional_shift(person: Person, dimension: str, scenario: Scenario) -> float:
    return sum(
        w.delta
        for w in scenario.weaknesses
        if w.region == person.region
        and w.population == person.population
        and w.dimension == dimension
    )


def true_scores(
    person: Person, rng: np.random.Generator, scenario: Scenario = SAMPLE
) -> dict[str, float]:
    """Return the person's true (unobserved) score per dimension of their population.

    Parameters
    ----------
    person : Person
        The respondent.
    rng : numpy.random.Generator
        Source of randomness.
    scenario : Scenario, default SAMPLE
        The type profiles (or one-factor model) and regional weaknesses to draw from.
    """
    factor = scenario.one_factor
    if factor is not None:
        general = rng.normal()
        return {
            dim: factor.true_score(person.population, dim, general, rng.normal())
            + _regional_shift(person, dim, scenario)
            for dim in factor.profiles[person.population]
        }
    if person.population == AM:
        profile = am_type_of(person.am_type).survey
    elif person.population == SE:
        profile = SE_PROFILE
    else:
        profile = SM_PROFILE
    scores = {}
    for dim, mean in profile.items():
        delta = _regional_shift(person, dim, scenario)
        scores[dim] = mean + delta + rng.normal(0.0, PERSON_SD)
    return scores


def survey_header() -> list[str]:
    """Return the export's column headers in order."""
    cols = [
        *META_COLUMNS,
        ID_COLUMNS["respondent_id"],
        ID_COLUMNS["region"],
        ID_COLUMNS["population"],
    ]
    cols += [c for _, c, _ in BACKGROUND]
    cols += [it.column for it in ITEMS]
    return cols


def _background(person: Person, rng: np.random.Generator, regional_colour: bool) -> dict[str, str]:
    age_p = {
        AM: [0.12, 0.38, 0.3, 0.14, 0.06],
        SE: [0.15, 0.45, 0.25, 0.1, 0.05],
        SM: [0, 0.05, 0.3, 0.4, 0.25],
    }
    age = int(rng.choice(len(_AGE_BANDS), p=age_p[person.population]))
    tenure = int(np.clip(round(rng.normal(2 + 2.5 * age, 2.0)), 1, 25))
    if person.population == AM:
        am = am_type_of(person.am_type)
        attain = rng.normal(*am.attainment)
        visits = rng.normal(*am.weekly_visits)
        share = rng.normal(*am.visit_time_share)
        if (
            regional_colour and person.region == "tianjin"
        ):  # the planted time weakness shows in the time budget too
            share -= 12.0
            visits -= 2.0
    elif person.population == SE:
        attain, visits, share = None, rng.normal(2.5, 1.0), rng.normal(20.0, 6.0)
    else:
        attain, visits, share = (
            rng.normal(90.0, 12.0),
            rng.normal(3.0, 1.5),
            rng.normal(25.0, 8.0),
        )
    return {
        "age_band": _AGE_BANDS[age],
        "tenure_years": str(tenure),
        "target_attainment": "不适用"
        if attain is None
        else str(int(np.clip(round(attain), 30, 160))),
        "weekly_visits": str(int(np.clip(round(visits), 0, 25))),
        "visit_time_share": str(int(np.clip(round(share / 5.0) * 5, 5, 90))),
    }


def _answer(item: Item, truth: float, rng: np.random.Generator) -> str:
    value = truth + rng.normal(0.0, ITEM_SD)
    if item.reverse:
        value = 6.0 - value
    score = int(np.clip(np.rint(value), 1, 5))
    labels = {v: k for k, v in SCALES[item.scale].items()}
    return labels[score]


def survey_rows(
    people: list[Person],
    truths: dict[str, dict[str, float]],
    rng: np.random.Generator,
    scenario: Scenario = SAMPLE,
    *,
    start: datetime = FIELDWORK_START,
    days: int = FIELDWORK_DAYS,
) -> list[list[str]]:
    """Return the export's data rows, in submission order.

    Parameters
    ----------
    people : list of Person
        Every respondent.
    truths : dict
        Staff id → true dimension scores (see :func:`true_scores`).
    rng : numpy.random.Generator
        Source of randomness.
    scenario : Scenario, default SAMPLE
        Whether the sample's regional colour (Tianjin's time budget) is written.
    start : datetime.datetime, default FIELDWORK_START
        When the questionnaire opened (the baseline's 2008-08-18 09:00).
    days : int, default FIELDWORK_DAYS
        How many days it stayed open (submissions at the weekend move to the next Monday).

    Returns
    -------
    list of list of str
        One row per person, in the order of :func:`survey_header`.
    """
    times = []
    for offset in rng.uniform(0, days * 24 * 3600, size=len(people)):
        submitted = start + timedelta(seconds=int(offset))
        if submitted.weekday() >= 5:  # nobody fills the questionnaire at the weekend
            submitted += timedelta(days=7 - submitted.weekday())
        times.append(submitted)
    times.sort()
    order = rng.permutation(len(people))
    rows: list[list[str]] = []
    for n, (idx, submitted) in enumerate(zip(order, times), start=1):
        person = people[int(idx)]
        seconds = int(rng.integers(240, 1500))
        row = [str(n), submitted.strftime("%Y/%m/%d %H:%M:%S"), f"{seconds}秒", "链接"]
        row += [
            person.staff_id,
            region_name(person.unit),
            POPULATIONS[person.population].label,
        ]
        bg = _background(person, rng, scenario.regional_colour)
        row += [bg[i] for i, _, _ in BACKGROUND]
        truth = truths[person.staff_id]
        for item in ITEMS:
            if person.population not in item.populations:
                row.append(SKIPPED)
                continue
            answer = _answer(item, truth[item.dimension], rng)
            u = rng.random()
            if u < 0.012:
                answer = ""
            elif u < 0.018:
                answer = "(空)"
            row.append(answer)
        rows.append(row)
    return rows
