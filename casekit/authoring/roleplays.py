"""Drafting a role-play (角色扮演) from a teaching case (``docs/cases.md``).

:func:`draft_roleplay` turns a :class:`~casekit.authoring.cases.Case` into a
:class:`~casekit.authoring.cases.RolePlay`: the account manager, the support engineer as the
neutral expert (隐性销售) and the customer's decision makers by department; a public brief from the
case's 背景 and 情境; each role's objective and private information (the customer side's needs and
objections as the case and the region's catalogue give them, nothing invented: what is missing is
marked ``【待补充：……】``); a time plan adding up to the minutes; and an observer checklist tied to
the eight funnel steps and the ride-along behaviours of :data:`casekit.domain.BEHAVIOURS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from casekit.authoring.cases import Case, RolePlay, missing
from casekit.domain import BEHAVIOURS, CUSTOMER_NEEDS, FUNNEL_STAGES, INDUSTRIES, lookup
from casekit.file_ids import check_file_id

__all__ = ["DEPARTMENT_ROLES", "OBSERVER_CHECKLIST", "TIME_PLAN", "draft_roleplay", "observer_checklist"]

#: Customer department id (:data:`casekit.domain.CUSTOMER_DEPARTMENTS`) → role name.
DEPARTMENT_ROLES: Mapping[str, str] = {
    "general_manager": "总经理",
    "it": "信息技术负责人",
    "finance": "财务负责人",
    "operations": "运营负责人",
    "sales_marketing": "销售市场负责人",
    "admin": "行政负责人",
    "security": "安保负责人",
}

#: What each department typically weighs when buying (the seed's 按部门找需求).
_DEPARTMENT_CONCERNS: Mapping[str, str] = {
    "general_manager": "关心能不能增加收入、减少成本，最后拍板",
    "it": "关心系统能不能和现有设备、软件接上，谁来维护",
    "finance": "关心花多少钱、多久能看到回报、怎么付费",
    "operations": "关心日常工作是不是更省事，员工愿不愿意用",
    "sales_marketing": "关心能不能带来更多客户",
    "admin": "关心办公是不是更方便、管理是不是更省心",
    "security": "关心能不能防盗、出了事能不能及时知道",
}

#: Industries whose owner is usually the one decision maker (a small shop: 老板 / 老板娘).
_OWNER_RUN = ("retail", "bakery", "cosmetics", "travel", "trading")

#: The time plan: step, share of the minutes.
TIME_PLAN: tuple[tuple[str, float], ...] = (
    ("阅读公开信息和本角色的私人信息", 0.15),
    ("角色扮演：销售拜访", 0.45),
    ("观察员反馈（按观察清单）", 0.2),
    ("全体讨论与讲师点评", 0.2),
)

#: The observer checklist: one line per funnel step, then the behaviours not yet covered.
#: Each line: (funnel stage or None, behaviour or None, text).
OBSERVER_CHECKLIST: tuple[tuple[str | None, str | None, str], ...] = (
    ("preparation", "joint_visit", "拜访前客户经理与支撑人员商量好分工"),
    ("customer_profile", None, "掌握了客户的行业、规模、经营特点和各部门情况"),
    ("entry_point", "identifies_decision_makers", "找到切入点和各位决策人"),
    ("visit", "asks_needs", "先提问了解客户需求，而不是先介绍产品"),
    ("pain_development", None, "把客户说出的麻烦发展成痛点（不解决会怎样）"),
    ("solution", "customer_language", "用客户的语言讲产品能带来的好处"),
    ("closing", "agrees_next_step", "结束时约定了下一步行动"),
    ("after_sales", None, "提到了使用后的跟进和长期合作"),
    (None, "product_demo", "支撑人员在需求明确之后才演示，演示针对客户的麻烦"),
    (None, "price_first", "没有以价格优惠开场"),
    (None, "free_trial_offer", "没有用免费试用代替需求挖掘"),
    (None, "technical_jargon", "没有使用客户听不懂的技术术语"),
    (None, "relationship_talk", "没有用关系寒暄代替谈业务"),
    (None, "uses_toolbox", "使用了销售工具表（需求调查表、产品价值表）"),
)


def observer_checklist() -> str:
    """The observer checklist as Markdown ``- [ ]`` lines (funnel step, then the behaviour)."""
    lines = []
    for stage, behaviour, text in OBSERVER_CHECKLIST:
        head = f"{FUNNEL_STAGES[stage].label}：" if stage else ""
        tail = f"（{BEHAVIOURS[behaviour].label}）" if behaviour else ""
        lines.append(f"- [ ] {head}{text}{tail}")
    return "\n".join(lines)


def _time_plan(minutes: int) -> str:
    """Steps whose minutes add up to ``minutes`` exactly (the role-play step takes the rest)."""
    parts = [max(1, round(minutes * share)) for _, share in TIME_PLAN]
    main = 1  # the role-play itself absorbs rounding
    parts[main] += minutes - sum(parts)
    if parts[main] < 1:
        raise ValueError(f"a role-play needs more than {minutes} minutes")
    return "\n".join(f"- {n}分钟 {step}" for n, (step, _) in zip(parts, TIME_PLAN))


def draft_roleplay(case: Case, *, roleplay_id: str | None = None, minutes: int = 30,
                   bundle: Any = None) -> RolePlay:
    """Draft a role-play from a case.

    Parameters
    ----------
    case : Case
        The teaching case (a draft or reviewed).
    roleplay_id : str, optional
        Default ``R`` + the case id's digits (``C002`` → ``R002``).
    minutes : int
        Total length; the time plan adds up to it (at least 8).
    bundle : Bundle, optional
        The products' departments, needs and customer value are taken from the catalogue of the
        case's region (without it, the customer side is the case's own roles and a general
        manager, and the support engineer's product values are marked missing).

    Returns
    -------
    RolePlay
        ``status: draft``; ``case`` is ``case.id``.

    Raises
    ------
    ValueError
        If ``minutes`` is too short for the four steps.
    FileIdError
        If ``roleplay_id`` cannot be a file name (:data:`casekit.file_ids.FILE_ID_PATTERN`).
    """
    if roleplay_id is not None:
        check_file_id(roleplay_id, "role-play id")
    if minutes < 8:
        raise ValueError(f"a role-play needs at least 8 minutes, got {minutes}")
    products = _product_rows(case, getattr(bundle, "catalogue", None), getattr(bundle, "manifest", None))
    customer = _customer_name(case)
    industry_id = lookup(INDUSTRIES, case.industry) if case.industry else None

    # the customer side: the case's own customer roles first, then departments by product
    case_customer = [r for r in case.roles if r not in ("客户经理", "支撑人员")]
    departments: list[str] = []
    for row in products:
        for d in row.get("departments", ()):
            if d in DEPARTMENT_ROLES and d not in departments:
                departments.append(d)
    if not case_customer and "general_manager" not in departments:
        departments.insert(0, "general_manager")
    if case_customer and "general_manager" in departments and (industry_id in _OWNER_RUN or
                                                               any(r in ("老板", "老板娘", "总经理") for r in case_customer)):
        departments.remove("general_manager")  # the owner / boss of the case decides
    departments = departments[:3]
    customer_roles = case_customer + [DEPARTMENT_ROLES[d] for d in departments if DEPARTMENT_ROLES[d] not in case_customer]
    roles = ["客户经理", "支撑人员", *customer_roles]

    # public brief --------------------------------------------------------------------------
    background = _strip_sources(case.section("背景"))
    situation = _strip_sources(case.section("情境"))
    described = [re.sub(r"^-\s*", "", line).strip() for line in background.split("\n")
                 if line.startswith("- ") and "：" not in line[:8]]
    gaps = re.findall(r"【待补充[^】]*】", background)
    public = f"{customer}（{case.industry or '行业待补充'}，{case.region}）。涉及产品：" \
        f"{'、'.join(case.products) if case.products else missing('产品')}。"
    if described:
        public += "\n\n" + "\n".join(f"- {d}" for d in described)
    if gaps:
        public += "\n\n" + "\n".join(gaps)
    public += (f"\n\n客户经理约了{customer}再谈一次。本次角色扮演就是这次拜访：客户经理和支撑人员一起去，"
               f"客户方参加的有：{'、'.join(customer_roles)}。")
    if case.outcome == "failure":
        public += "\n\n此前的经过（客户经理的讲述，双方都知道）：\n\n" + _first_paragraphs(situation, 4)

    # roles -----------------------------------------------------------------------------
    objections = _customer_quotes(case)
    value_lines = [f"- {r['local_name']}：{r['customer_value']}" for r in products if r.get("customer_value")]
    blocks: list[tuple[str, str, str]] = []
    am_private = ("你对这位客户知道的就是公开信息里的内容。"
                  + (f"上次：{_weak_summary(case)}" if case.outcome == "failure" and _weak_summary(case) else ""))
    am_goal = ("掌控拜访节奏：先提问，按部门找到客户的需求和痛点，再请支撑人员有针对性地演示，"
               "不以价格开场，结束时约定下一步。")
    blocks.append(("客户经理", am_goal, am_private))
    se_private = "产品能为客户带来的价值（来自本地产品目录）：\n\n" + "\n".join(value_lines) if value_lines \
        else missing("产品的客户价值（本地产品目录中没有）")
    blocks.append(("支撑人员",
                   "作为中立专家（隐性销售）：客户经理引出需求之前不讲产品；演示时只讲客户关心的好处，不用技术术语。",
                   se_private))
    for i, role in enumerate(customer_roles):
        dept = next((d for d, r in DEPARTMENT_ROLES.items() if r == role), None)
        needs = _needs_of(products, dept)
        if dept is None:  # the case's own customer (老板娘, 客户方经理)
            goal = "只为真正解决自己麻烦的东西花钱；客户经理不问，就不主动说出自己的麻烦。"
            private = []
            if objections:
                private.append("你在案例中说过：" + "；".join(f"“{q}”" for q in objections))
            private.append(_situation_facts(case) or missing(f"{role}的具体麻烦（案例中没有记录）"))
            if i == 0 and "总经理" not in customer_roles:
                private.append("你是拍板的人。")
            text = "\n\n".join(private)
        else:
            goal = _DEPARTMENT_CONCERNS.get(dept, "关心本部门的工作") + "。"
            parts = []
            if needs:
                parts.append("本部门关心的方面（来自本地产品目录的需求）：" + "、".join(needs) + "。")
            parts.append(missing(f"{role}部门的具体麻烦和顾虑（案例中没有记录）"))
            parts.append("只有客户经理问到你部门的情况时，才说出你的麻烦。")
            text = "\n\n".join(parts)
        blocks.append((role, goal, text))
    roles_text = "\n\n".join(f"### {role}\n\n目标：{goal}\n\n私人信息：{private}" for role, goal, private in blocks)

    digits = re.sub(r"\D", "", case.id) or case.id
    title = f"{case.title}——角色扮演" if "【待补充" not in case.title else missing("标题")
    return RolePlay(
        id=roleplay_id or f"R{digits}",
        title=title,
        region=case.region,
        industry=case.industry,
        products=case.products,
        funnel_stage=label_or(case.funnel_stage, "visit"),
        outcome=case.outcome,
        roles=tuple(roles),
        modules=case.modules,
        sources=case.sources,
        status="draft",
        sections={
            "公开信息": public,
            "角色": roles_text,
            "时间安排": _time_plan(minutes),
            "观察清单": observer_checklist(),
        },
        case=case.id,
        minutes=minutes,
    )


# ------------------------------------------------------------------------------------ helpers


def label_or(stage: str, default: str) -> str:
    """The case's funnel step, or the label of ``default`` when it is still missing."""
    if stage and "【待补充" not in stage:
        return stage
    return FUNNEL_STAGES[default].label


def _product_rows(case: Case, catalogue: Any, manifest: Any) -> list[dict[str, Any]]:
    if catalogue is None or getattr(catalogue, "empty", True):
        return []
    top = None
    if manifest is not None and case.region:
        rid = manifest.resolve(case.region)
        top = manifest.top_of(rid) if rid else None
    rows = catalogue[catalogue["region_id"] == top] if top else catalogue.iloc[0:0]
    out = []
    for name in case.products:
        hit = rows[rows["local_name"] == name]
        if hit.empty:
            continue
        out.append(hit.iloc[0].to_dict())
    return out


def _needs_of(products: list[dict[str, Any]], dept: str | None) -> list[str]:
    needs: list[str] = []
    for row in products:
        if dept is None or dept in row.get("departments", ()):
            for n in row.get("needs", ()):
                lab = CUSTOMER_NEEDS[n].label if n in CUSTOMER_NEEDS else str(n)
                if lab not in needs:
                    needs.append(lab)
    return needs


def _customer_name(case: Case) -> str:
    m = re.search(r"^-\s*客户：(.+)$", case.section("背景"), flags=re.MULTILINE)
    if m and "【待补充" not in m.group(1):
        return m.group(1).strip()
    if case.title.endswith("的苦恼"):
        return case.title[: -len("的苦恼")]
    return "客户"


_SOURCE_REF = re.compile(r"（[A-Za-z0-9_]+-\d+(?:、[A-Za-z0-9_]+-\d+)*）")


def _strip_sources(text: str) -> str:
    """The text without segment references （N002-04） and interviewer questions （问：…）."""
    text = _SOURCE_REF.sub("", text)
    return re.sub(r"（问：[^）]*）", "", text)


def _first_paragraphs(text: str, n: int = 2) -> str:
    paras = [p.strip() for p in text.split("\n\n") if p.strip() and not p.strip().startswith("（")]
    paras = [p for p in paras if not p.startswith(("客户的原话", "- “", "【待补充"))]
    return "\n\n".join(paras[:n]) if paras else missing("背景")


def _customer_quotes(case: Case) -> list[str]:
    text = case.section("情境")
    if "客户的原话：" not in text:
        return []
    tail = text.split("客户的原话：", 1)[1]
    return [m.group(1) for m in re.finditer(r"“([^”]+)”", tail)]


def _situation_facts(case: Case) -> str:
    """Sentences of the 情境 that say what the customer complained about or did."""
    text = _strip_sources(case.section("情境"))
    facts = [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]", text)
             if re.search(r"抱怨|嫌|麻烦|不知道|没人|担心", s) and not re.search(r"[\"“”「」]", s)]
    return "案例中的情况：" + "".join(facts) if facts else ""


def _weak_summary(case: Case) -> str:
    lines = [re.sub(r"（[^）]*）$", "", line[2:]).strip()
             for line in case.section("难题").split("\n") if line.startswith("- ")]
    return "、".join(lines) + "。" if lines else ""
