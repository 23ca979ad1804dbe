"""Drafting a role-play (角色扮演) from a teaching case (``docs/roleplays.md``).

:func:`draft_roleplay` turns a :class:`~casekit.authoring.cases.Case` into a
:class:`~casekit.authoring.cases.RolePlay` of the kind the case's population calls for:

* an account manager's note → a **sales visit** (销售拜访): the account manager (and the support
  engineer when the note says they went together) and the customer's cast;
* a support engineer's note with a customer → a **joint visit** (联合拜访): account manager,
  support engineer, the customer's gatekeeper (把关者) and decision maker (决策者); without a
  customer → an internal session (:data:`SE_INTERNAL_SCENES`): the engineer's product training for
  two account managers, or the account manager and the engineer preparing a joint visit;
* a sales manager's note → the scene its topic calls for (:data:`SM_SCENES`): a target breakdown
  (指标分解与辅导谈话), the Monday key-customer meeting, a ride-along debrief, a launch plan, the
  choice of sample industries, the coordination of the support engineer; no customer.

The customer's cast (:func:`roleplay_cast`) is the people the note itself names first (〔甲〕院长,
信息科长 … mapped with :func:`casekit.authoring.cast.department_for_title`), then the departments the
note names, then the departments of the industry the case's products reach
(:meth:`~casekit.authoring.cast.IndustryCast.mapped`), the decision maker always present, at most
:data:`MAX_CUSTOMER_ROLES`. Everybody gets a fictional name from
:class:`~casekit.authoring.cast.Namer` keyed by the case's first source note, so the role-play and
its case name the same people; a name the case itself already gives (周院长) is kept.

Each card holds only what its holder knows and wants: the goal (``Department.wants``), the purchase
role, the trouble the note tells about this person (rewritten to "你"; their own words without
quotation marks) or else the industry's typical worry marked ``【待补充：……】`` for the consultant,
and what they say only when asked. No card quotes another person, the consultant or the
interviewer. The account manager's card holds what an account manager knows before the visit
(the products with the region's package and price, the customer's background, their own earlier
steps); the support engineer's card the products' benefit for each department in the customer's
words (:func:`casekit.authoring.benefits.department_benefit`).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from casekit.analysis.industries import INDUSTRY_WORDS
from casekit.authoring.benefits import department_benefit
from casekit.authoring.cases import Case, RolePlay, missing
from casekit.authoring.cast import (
    NAME_SURNAMES,
    Department,
    IndustryCast,
    Namer,
    department_for_title,
    forbidden_text,
    industry_cast,
)
from casekit.authoring.toolbox import product_industries
from casekit.domain import BEHAVIOURS, FUNNEL_STAGES, INDUSTRIES, POPULATIONS, PRODUCTS, lookup
from casekit.file_ids import check_file_id
from casekit.language import tr

__all__ = [
    "COACHING_CHECKLIST",
    "INTERNAL_KINDS",
    "KIND_LABELS",
    "MAX_CUSTOMER_ROLES",
    "OBSERVER_CHECKLIST",
    "POPULATION_KINDS",
    "SCENE_CHECKLISTS",
    "SE_INTERNAL_SCENES",
    "SM_SCENES",
    "TIME_PLAN",
    "CastMember",
    "draft_roleplay",
    "observer_checklist",
    "roleplay_cast",
    "roleplay_kind",
]

#: The role-play kind each population's note gives.
POPULATION_KINDS: Mapping[str, str] = {
    "account_manager": "sales_visit",
    "support_engineer": "joint_visit",
    "sales_manager": "coaching",
}
#: Kind → what the role-play is, as a trainee reads it. Besides the three default kinds of
#: :data:`POPULATION_KINDS`: a support engineer's note without a customer gives an internal session
#: (``se_training``, ``visit_prep``); a sales manager's note gives the scene its topic calls for.
KIND_LABELS: Mapping[str, str] = {
    "sales_visit": "销售拜访",
    "joint_visit": "联合拜访",
    "coaching": "指标分解与辅导谈话",
    "se_training": "给客户经理的产品培训",
    "visit_prep": "联合拜访前的准备会",
    "pipeline_review": "周一重点客户例会",
    "ride_along_debrief": "陪访后的一对一辅导",
    "launch_planning": "新业务上市计划会",
    "market_choice": "选样板行业的计划会",
    "support_coordination": "支撑资源协调会",
}
#: Kinds without the customer: colleagues of the operator only.
INTERNAL_KINDS: frozenset[str] = frozenset(
    {"coaching", "se_training", "visit_prep", "pipeline_review", "ride_along_debrief", "launch_planning",
     "market_choice", "support_coordination"})
#: The scene of a support engineer's note that names no customer: kind → words of the note (or its
#: tags) that call for it; the kind with most hits wins (a tag counts three times), ties go to the first.
SE_INTERNAL_SCENES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("visit_prep", ("协作", "配合", "叫我们去", "客户经理的事", "分工", "埋怨", "方案", "联合拜访", "前期", "售前",
                    "找支撑")),
    ("se_training", ("培训", "演示", "没人学", "产品知识")),
)
#: The scene of a sales manager's note: kind → words, as :data:`SE_INTERNAL_SCENES`.
SM_SCENES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coaching", ("目标分解", "指标", "平均", "人头")),
    ("pipeline_review", ("过程管理", "过程", "报表", "漏斗", "例会", "重点客户")),
    ("ride_along_debrief", ("粗暴", "陪访", "辅导", "带人", "带徒弟", "倒数", "排名", "长不起来", "领导力")),
    ("launch_planning", ("没有卖", "经验", "放号", "上市", "移动业务")),
    ("market_choice", ("市场分析", "卖给谁", "样板", "撒网")),
    ("support_coordination", ("协作", "配合", "支撑人员", "先来后到")),
)
#: At most this many customer people in one role-play (more cannot be played in one group).
MAX_CUSTOMER_ROLES = 4

#: The time plan: step (``{kind}`` is the kind's label), share of the minutes.
TIME_PLAN: tuple[tuple[str, float], ...] = (
    ("阅读公开信息和本角色的私人信息", 0.15),
    ("角色扮演：{kind}", 0.45),
    ("观察员反馈（按观察清单）", 0.2),
    ("全体讨论与讲师点评", 0.2),
)

#: The observer checklist of a visit: one line per funnel step, then the behaviours not yet covered.
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
#: Lines of :data:`OBSERVER_CHECKLIST` that only make sense when a support engineer plays.
_SE_LINES = ("joint_visit", "product_demo")

#: The observer checklist of a coaching conversation (the seed's 目标分解 / 流程保证结果 / 辅导):
#: (part, text).
COACHING_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("指标分解", "按片区的市场（客户有多少、什么行业、多大规模）分指标，而不是按人头平均"),
    ("指标分解", "请客户经理先说自己片区的重点客户和行业，再一起定数"),
    ("指标分解", "不同片区主推的产品不同，指标里说清楚"),
    ("过程管理", "逐个问重点客户走到了销售漏斗的哪一步、下一步做什么、需要谁帮忙"),
    ("过程管理", "约定每周看过程的办法（例会上的重点客户清单），不只看月底报表"),
    ("过程管理", "卡住的客户当场商量办法，而不是只问为什么没完成"),
    ("辅导", "先听客户经理讲，问得多、说得少"),
    ("辅导", "肯定一件做得好的事，具体指出一处可以改进的地方"),
    ("辅导", "约定一次陪访或一对一复盘"),
    ("辅导", "结束时双方对指标和下一步说法一致，客户经理愿意接受"),
)

#: The observer checklists of the internal scenes (besides :data:`COACHING_CHECKLIST`): kind →
#: (part, text).
SCENE_CHECKLISTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "se_training": (
        ("培训前", "先问客户经理要卖给哪些客户、客户常问什么，再决定讲什么"),
        ("讲法", "讲客户的麻烦和产品带来的好处，而不是功能、架构"),
        ("讲法", "给出一句客户经理能直接对老板说的话（用客户的语言讲价值）"),
        ("讲法", "讲清本地的套餐和价格"),
        ("讲法", "讲清哪些部分能演示、怎样带客户来看演示"),
        ("讲法", "没有使用客户经理听不懂的技术术语"),
        ("练习", "请客户经理当场用自己的话说一遍，并具体纠正"),
        ("下一步", "结束时约定第一次联合拜访的客户和分工"),
    ),
    "visit_prep": (
        ("了解客户", "先弄清客户是做什么生意的、规模多大、谁拍板，而不只是网络环境"),
        ("分工", "说好客户经理问需求、支撑人员回答技术问题和演示"),
        ("分工", "商量好要先问客户的几个问题，不先讲产品"),
        ("分工", "约定演示放在需求明确之后，只演示和客户麻烦有关的部分"),
        ("方案", "约定拜访后方案谁写、什么时候交、客户经理要提供什么"),
        ("合作", "双方说出各自的难处，商量办法，不互相埋怨"),
        ("下一步", "结束时约定拜访时间和各自要带的资料"),
    ),
    "pipeline_review": (
        ("过程管理", "逐个问重点客户走到了销售漏斗的哪一步、下一步做什么、需要谁帮忙"),
        ("过程管理", "卡住的客户当场商量办法，而不是只问为什么没完成"),
        ("过程管理", "会开成帮忙解决问题，而不是查岗"),
        ("辅导", "先听客户经理讲，问得多、说得少"),
        ("辅导", "约定本周陪访哪一位、哪一家客户"),
        ("会议", "时间控制在半小时，结束时每人说出本周要做的一件事"),
    ),
    "ride_along_debrief": (
        ("辅导", "先请客户经理自己说刚才哪里做得好、哪里不满意"),
        ("辅导", "问得多、说得少，不批评人，只谈刚才拜访里的具体做法"),
        ("辅导", "肯定一件做得好的事，具体指出一处可以改进的地方（比如先问老板的麻烦再讲产品）"),
        ("辅导", "示范或一起练一遍下一次该怎么说"),
        ("辅导", "不提排名和扣钱"),
        ("下一步", "约定下一次陪访的时间和要练的一件事"),
        ("下一步", "结束时客户经理愿意接受，说法一致"),
    ),
    "launch_planning": (
        ("选客户", "先定先卖给哪一类客户（从已有的客户里找现成的卖点），而不是谁要就卖给谁"),
        ("卖点", "为这类客户说出一句卖点（用客户的语言讲价值）"),
        ("指标分解", "把指标分到片区和客户类型，而不是按人头平均"),
        ("过程管理", "定好前两周每人要拜访的客户名单"),
        ("支持", "说清还缺什么支持（样机、资费、支撑人员），谁去协调"),
        ("过程管理", "约定每周看进度的办法"),
    ),
    "market_choice": (
        ("市场分析", "先看片区里有哪些行业、每个行业有多少客户，再定卖给谁"),
        ("市场分析", "选一两个行业做样板，说清为什么选它"),
        ("卖点", "说出这个行业最常见的麻烦和产品能带来的好处"),
        ("指标分解", "每人定下自己的样板客户名单"),
        ("过程管理", "约定样板做成后怎样在同行业里推广"),
    ),
    "support_coordination": (
        ("了解情况", "先问清几个单子各在销售漏斗的哪一步、多大、客户约的时间能不能改"),
        ("协调", "按单子的大小和阶段决定支撑人员先去哪家，由管理者拍板，不让支撑人员自己选"),
        ("协调", "照顾支撑人员的工作量：方案谁写、什么时候交"),
        ("规则", "定下以后约支撑人员的办法（提前多久约、冲突时谁来定）"),
        ("下一步", "结束时当场定下来，告诉每一方"),
    ),
}

#: Titles that make a note's person the customer's decision maker when the industry's cast does
#: not know the title (a shop's 老板娘, a school's 校长 in the generic cast).
_OWNER_TITLES = ("老板娘", "老板", "董事长", "老总", "店长", "厂长", "校长", "院长", "总经理")
#: Owners of a small business: when they are the only people a note names, nobody else guards a purchase.
_SHOP_OWNERS = ("老板娘", "老板", "店长")
#: Bare titles a placeholder person may carry (〔甲〕经理) besides the cast's titles.
_BARE_TITLES = ("经理", "主任", "主管", "总", "科长", "处长", "老师", "会计")
#: Words that are the seller's side, never the customer's people.
_OWN_SIDE = ("客户经理", "支撑人员", "支撑工程师", "分公司经理", "销售经理", "县分公司", "产品经理",
             "销售管理", "营销中心主任")
#: Shortened department names that are method words, never a department in a note.
_NOT_DEPARTMENTS = ("销售", "市场", "业务", "信息", "行政", "营销", "总经理办公", "总经理", "院", "财务科科", "部门",
                    "技术", "办公室")
#: Words of somebody else acting in a clause (the clause is then not this person's to tell).
_OTHERS = ("客户经理", "支撑", "顾问", "我们", "我", "他", "她", "你", "咱")
#: A clause that tells what happened in the story (said, nodded, signed), not what the person knows.
#: A title that names a person (not only a department: 财务 and 网管 become the department's title).
_PERSON_TITLE = re.compile(r"(长|经理|主任|主管|老板娘|老板|董事长|老总|会计|负责人|顾问)$")
#: Staff of a department (置业顾问 of the 售楼处): another person than the department's head.
_STAFF = re.compile(r"顾问$")
#: The purchase roles a note may give its people itself: 决策人（总经理）、影响者（财务）.
_NOTE_ROLE = re.compile(r"(决策人|决策者|使用者|使用人|影响者|影响人|把关者|把关人)[（(]([^）)]{1,30})[）)]")
#: What a note tells of the seller's product, not of the person: 客房部压根不知道有这个东西 is an
#: observation about the product, never the person's trouble.
_ABOUT_PRODUCT = re.compile(r"这个东西|这个系统|这套东西|这个产品|这个软件|有这个|登录|没人用|用了以后|试用")
#: What may stand before a person in a clause where the person is the subject.
_SUBJECT_LEAD = re.compile(r"(最后|后来|当时|其实|现在|平时|最早|一开始|上次|那天|而|但|可)?"
                           rf"[{''.join(NAME_SURNAMES)}]?")
_NOT_A_FACT = re.compile(r"(说|问|讲|答|道|回答|表示)了?$|点头|签了|签约|成交|拍板了|同意了|^你们?\S{0,2}(说|问)")
#: A fact on a customer's card says what troubles or concerns that person (not what they did in
#: the visit the role-play re-enacts: 老板娘自己拿着手机翻了五分钟 belongs to the story, not the card).
_TROUBLE = re.compile(r"抱怨|担心|嫌|麻烦|怕|不知道|不清楚|没法|没办法|只能|差错|丢|流失|贵|头疼|不满|意见|不放心|着急|"
                      r"发愁|少了|慢|乱|对不上|加班|忙不过来|顾不上|关心|想要|希望|要求|顾虑|靠|问题|难|累|烦|还是用|还在用|手工|没人跟")
_PERSON_MARK = re.compile(r"〔[甲乙丙丁戊己庚辛壬癸]\d*〕")
_COMPANY_MARK = re.compile(r"〔企业([A-Z]+)〕([\u4e00-\u9fff]{0,6})")
_QUOTE = re.compile(r"[\"“「『]([^\"“”「」『』]{1,120})[\"”」』]")
_QUOTE_CHARS = re.compile(r"[\"“”「」『』‘’]")
_REMARK = re.compile(r"^\s*(顾问备注|备注|顾问点评|点评|我们的看法|初步判断|建议)\s*[：:]")
_SOURCE_REF = re.compile(r"（[A-Za-z0-9_]+-\d+(?:、[A-Za-z0-9_]+-\d+)*）")
_NOTE_ID = re.compile(r"[A-Za-z]{1,4}[-_]?\d{2,}")
_SEGMENT_ID = re.compile(r"^(?P<note>[A-Za-z0-9_-]+?)-\d+$")


# ------------------------------------------------------------------------------------ the cast


@dataclass(frozen=True)
class CastMember:
    """One person of a role-play.

    Attributes
    ----------
    title : str
        The title as the role-play shows it (院长, 信息科长, 客户经理).
    name : str
        Fictional name (周院长; a seller: 孙晓红).
    department : Department or None
        The customer's department (:mod:`casekit.authoring.cast`); ``None`` for the seller's side
        and for a note's person whose department the note does not tell.
    key : str
        The :class:`~casekit.authoring.cast.Namer` key (the note's placeholder 〔甲〕, else the title).
    from_note : bool
        True when the note itself names this person (or their department).
    said_as : str
        The title as the note writes it (〔乙〕总 → 总; a department's person: its title).
    """

    title: str
    name: str
    department: Department | None = None
    key: str = ""
    from_note: bool = False
    said_as: str = ""
    note_role: str = ""
    merged: bool = False

    @property
    def heading(self) -> str:
        """The card's heading: ``信息科长（周科长）``."""
        return f"{self.title}（{self.name}）"

    @property
    def role(self) -> str:
        """Purchase role (决策者 / 使用者 / 把关者 / 影响者): the one the note gives this person
        (``note_role``), else the department's; ``""`` when unknown."""
        if self.note_role:
            return self.note_role
        return self.department.role if self.department is not None else ""


@dataclass(frozen=True)
class _Source:
    """What a role-play is drawn from: the story's paragraphs and the note's facts."""

    key: str  # the Namer key: the case's first source note id
    population: str
    story: tuple[tuple[str, str], ...]  # (kind, text): paragraphs / answers, no question, no remark
    remarks: tuple[str, ...]  # the consultant's remarks (used to find titles only, never shown)
    tags: tuple[str, ...] = ()  # the note's tags (产品培训, 过程管理): what the note is about
    method: str = ""  # interview, interview_360 (others speak of the interviewee), ride_along_debrief …

    @property
    def text(self) -> str:
        """Everything the note says (story and remarks), for finding what it is about."""
        return "\n".join([t for _, t in self.story] + list(self.remarks))


def roleplay_kind(case: Case, bundle: Any = None, analysis: Any = None) -> str:
    """The role-play kind (:data:`KIND_LABELS`) of a case.

    The population is the case's ``population``, else that of its source note in ``bundle``, else
    its modules' population, else an account manager's. An account manager's note gives a sales
    visit; a support engineer's a joint visit when the note has a customer (a company placeholder,
    a customer's title), else an internal session (:data:`SE_INTERNAL_SCENES`); a sales manager's
    the scene its topic calls for (:data:`SM_SCENES`).
    """
    source = _source(case, bundle, analysis)
    return _kind(source, industry_cast(_industry_id(case)), _industry_id(case))


def _kind(source: _Source, cast: IndustryCast, industry: str | None) -> str:
    kind = POPULATION_KINDS.get(source.population, "sales_visit")
    if kind == "joint_visit" and not _has_customer(source, cast, industry):
        return _scene(source, SE_INTERNAL_SCENES)
    if kind == "coaching":
        return _scene(source, SM_SCENES)
    return kind


def _has_customer(source: _Source, cast: IndustryCast, industry: str | None) -> bool:
    """Whether the note tells of a customer: a company placeholder, a customer's title, 一家超市."""
    texts = [t for _, t in source.story] + list(source.remarks)
    if any(_COMPANY_MARK.search(t) for t in texts):
        return True
    if _note_people(texts, cast, industry):
        return True
    return _company_placeholder(texts, cast)[1] is not None


def _scene(source: _Source, scenes: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The scene whose words the note (and its tags, three times each) uses most; ties: the first."""
    text = "\n".join([t for _, t in source.story] + list(source.remarks))

    def score(words: Sequence[str]) -> int:
        return sum(text.count(w) for w in words) + 3 * sum(any(w in tag for w in words) for tag in source.tags)

    best = max(range(len(scenes)), key=lambda i: (score(scenes[i][1]), -i))
    return scenes[best][0]


def roleplay_cast(case: Case, *, bundle: Any = None, analysis: Any = None,
                  namer: Namer | None = None) -> list[CastMember]:
    """The customer's people a role-play of ``case`` casts (empty for a coaching conversation).

    Parameters
    ----------
    case : Case
        The case (old or new format).
    bundle : Bundle, optional
        Its notes give the source segments (redacted), its catalogue the products' departments.
    analysis : NotesAnalysis, optional
        ``analyse_notes(bundle)`` when already computed (its redacted segments are reused).
    namer : Namer, optional
        Default: ``Namer(<first source note id>, industry, forbidden=forbidden_text(bundle))``.

    Returns
    -------
    list of CastMember
        The note's people first, then the departments the note names, then those the products
        reach; the decision maker always present; at most :data:`MAX_CUSTOMER_ROLES`.
    """
    source = _source(case, bundle, analysis)
    industry = _industry_id(case)
    kind = _kind(source, industry_cast(industry), industry)
    if kind in INTERNAL_KINDS:
        return []
    namer = namer or _namer(source.key, industry, bundle, case)
    rows = _split_by_industry(_product_rows(case, bundle), industry)[0]
    return _cast(case, source, kind, industry_cast(industry), industry, rows, namer)


def _cast(case: Case, source: _Source, kind: str, cast: IndustryCast, industry: str | None,
          rows: list[dict[str, Any]], namer: Namer) -> list[CastMember]:
    texts = [text for _, text in source.story] + list(source.remarks)
    people = _note_people(texts, cast, industry)
    chosen: list[tuple[str, str, Department | None, bool]] = []  # (title, key, department, from note)
    taken: set[str] = set()

    def add(title: str, key: str, department: Department | None, from_note: bool) -> None:
        ident = department.key if department is not None else key
        if department is not None and _STAFF.search(title) and title != department.title:
            ident = f"{department.key}:{title}"  # 置业顾问 is not the 售楼处经理
        if ident not in taken:
            taken.add(ident)
            chosen.append((title, key, department, from_note))

    for title, key, department in people:
        add(title, key, department, True)
    merged: set[str] = set()
    if kind == "sales_visit":
        for department in _note_departments(texts, cast):
            # a person the note names by a bare title (〔甲〕经理) may be this department's head
            # (前台 → 前厅经理): one person, not two
            bare = next((i for i, (t, k, d, _) in enumerate(chosen)
                         if d is None and t in _BARE_TITLES and department.title.endswith(t)
                         and department.key not in taken), None)
            if bare is not None:
                t, k, _, _ = chosen[bare]
                chosen[bare] = (t, k, department, True)
                taken.add(department.key)
                merged.add(k)
                continue
            add(department.title, department.title, department, True)
        for department in _product_departments(rows, cast):
            add(department.title, department.title, department, False)
    else:  # joint visit: the gatekeeper the products reach (else the industry's first); a shop
        # whose owner is the only person the note names has nobody else to guard the purchase
        owner_only = bool(people) and all(t in _SHOP_OWNERS for t, _, _ in people)
        if not owner_only and not any(d is not None and d.role == "把关者" for _, _, d, _ in chosen):
            guards = [d for d in _product_departments(rows, cast) if d.role == "把关者"] or \
                [d for d in cast.departments if d.role == "把关者"]
            if guards:
                add(guards[0].title, guards[0].title, guards[0], False)
    deciders = [d for d in cast.departments if d.role == "决策者"]
    if deciders and not any(d is not None and d.role == "决策者" for _, _, d, _ in chosen):
        boss = deciders[0]
        entry = (boss.title, boss.title, boss, False)
        notes_first = [c for c in chosen if c[3]]
        chosen = [*notes_first[:MAX_CUSTOMER_ROLES - 1], entry,
                  *[c for c in chosen if not c[3]]]
    chosen = chosen[:MAX_CUSTOMER_ROLES]

    roles = _note_roles(texts)
    named = _names_in_case(case)
    people = _people_in_case(case)
    used: set[str] = set()
    addresses = [_address(d.title if d is not None and not _PERSON_TITLE.search(t) else t) for t, _, d, _ in chosen]
    out = []
    for title, key, department, from_note in chosen:
        shown = department.title if department is not None and (key in merged or not _PERSON_TITLE.search(title)) \
            else title
        address = _address(shown if not _PERSON_TITLE.search(title) else title)
        full = next((n for n, role in people if n not in used
                     and (role.endswith(shown) or role.endswith("的" + title) or role == title)), None)
        if full is not None:  # the case's own person: the same surname, the same title
            used.add(full)
            name = full[0] + address
        else:
            name = (named.get(address) if addresses.count(address) == 1 else None) or namer.person(key, address)
        said = next((r for t, r in roles.items() if t in (title, shown)), "")
        out.append(CastMember(title=shown, name=name, department=department, key=key, from_note=from_note,
                              said_as=title, note_role=said, merged=key in merged))
    return out


def _note_roles(texts: Iterable[str]) -> dict[str, str]:
    """The purchase roles the note itself gives (决策人（总经理）、影响者（财务）): title → role."""
    out: dict[str, str] = {}
    for text in texts:
        for m in _NOTE_ROLE.finditer(text):
            role = {"决策人": "决策者", "使用人": "使用者", "影响人": "影响者", "把关人": "把关者"}.get(m.group(1), m.group(1))
            for title in re.split(r"[、，,/和及]", m.group(2)):
                if title.strip():
                    out.setdefault(title.strip(), role)
    return out


#: How a person is addressed after the surname (信息科长 → 周科长, 总经理 → 李总), longest first.
_ADDRESS: tuple[tuple[str, str], ...] = (
    ("副总经理", "总"), ("总经理", "总"), ("老总", "总"), ("老板娘", "老板娘"), ("老板", "老板"),
    ("董事长", "董事长"), ("院长", "院长"), ("校长", "校长"), ("厂长", "厂长"), ("店长", "店长"),
    ("科长", "科长"), ("处长", "处长"), ("主任", "主任"), ("主管", "主管"), ("经理", "经理"),
    ("会计", "会计"), ("负责人", "经理"), ("顾问", "顾问"), ("总", "总"),
)


def _address(title: str) -> str:
    """The part of a title used after a surname (信息科长 → 科长; 总经理 → 总)."""
    return next((short for end, short in _ADDRESS if title.endswith(end)), title)


def _note_people(texts: Iterable[str], cast: IndustryCast,
                 industry: str | None) -> list[tuple[str, str, Department | None]]:
    """(title, namer key, department) of every customer person the texts name, in order."""
    vocab: dict[str, Department | None] = {}
    generic = industry_cast("generic")
    for department in (*generic.departments, *cast.departments):  # the industry's own win
        for title in (department.title, *department.aliases):
            if len(title) > 1:
                vocab[title] = department
    for title in _OWNER_TITLES:
        vocab.setdefault(title, None)
    titles = sorted(vocab, key=len, reverse=True)
    bare = sorted(set(titles) | set(_BARE_TITLES), key=len, reverse=True)
    found: list[tuple[int, int, str, str]] = []  # (text no, offset, title, key)
    for n, text in enumerate(texts):
        masked = _mask_own_side(text)
        for m in re.finditer(_PERSON_MARK.pattern + "(" + "|".join(map(re.escape, bare)) + ")", masked):
            placeholder = m.group(0)[: -len(m.group(1))]
            found.append((n, m.start(), m.group(1), placeholder))
        spans = [(m.start(), m.end()) for m in re.finditer(_PERSON_MARK.pattern + r"\S{0,5}", masked)]
        for m in re.finditer("|".join(map(re.escape, titles)), masked):
            if any(a <= m.start() < b for a, b in spans):
                continue
            found.append((n, m.start(), m.group(0), m.group(0)))
    found.sort()
    out: list[tuple[str, str, Department | None]] = []
    keys: set[str] = set()
    for _, _, title, key in found:
        if key in keys:
            continue
        keys.add(key)
        out.append((title, key, _department_of(title, cast, industry)))
    return out


def _department_of(title: str, cast: IndustryCast, industry: str | None) -> Department | None:
    """The department of the industry's cast a title means (a generic match is moved onto the
    industry's department of the same catalogue id; an owner's title means the decision maker)."""
    department = department_for_title(industry, title)
    if department is not None and department not in cast.departments:
        same = cast.mapped(department.maps_to)
        department = same[0] if same else department
    if department is None and title in _OWNER_TITLES:
        deciders = [d for d in cast.departments if d.role == "决策者"]
        department = deciders[0] if deciders else None
    return department


def _mask_own_side(text: str) -> str:
    """The text with the seller's side (客户经理, 支撑人员 …) blanked, offsets kept."""
    for word in _OWN_SIDE:
        text = text.replace(word, "□" * len(word))
    return text


def _department_forms(department: Department) -> list[str]:
    """How a note may name the department (客房部, 客房; 门诊部, 门诊)."""
    forms = {department.name}
    for word in (department.name, department.title, *department.aliases):
        short = re.sub(r"(经理|主任|主管|科长|负责人|部|科)$", "", word)
        if len(short) >= 2:
            forms.add(short)
    return sorted((f for f in forms if f not in _NOT_DEPARTMENTS and len(f) >= 2), key=len, reverse=True)


def _note_departments(texts: Iterable[str], cast: IndustryCast) -> list[Department]:
    """The industry's departments the texts name (客房部压根不知道 → 客房部), in order."""
    hits: list[tuple[int, int, Department]] = []
    for n, text in enumerate(texts):
        masked = _mask_own_side(text)
        for department in cast.departments:
            offsets = [masked.find(f) for f in _department_forms(department) if f in masked]
            if offsets:
                hits.append((n, min(offsets), department))
    hits.sort(key=lambda h: (h[0], h[1]))
    out: list[Department] = []
    for _, _, department in hits:
        if department not in out:
            out.append(department)
    return out


def _product_departments(rows: Sequence[Mapping[str, Any]], cast: IndustryCast) -> list[Department]:
    """The industry's departments the products' catalogue departments reach, in catalogue order."""
    out: list[Department] = []
    for row in rows:
        for generic_id in row.get("departments", ()) or ():
            for department in cast.mapped(str(generic_id)):
                if department not in out:
                    out.append(department)
    return out


_OWN_LINE = re.compile(r"^-\s*([\u4e00-\u9fff]{2,4})：[^\n]*?分公司([^\n（(，]*)", re.MULTILINE)


def _own_side_in_case(case: Case) -> dict[str, str]:
    """The operator's people the case's 人物 names: ``am`` / ``se`` / ``sm`` → full name (雷雅琴).

    The role-play plays the same people as its case, so their names are read from the case, not
    drawn again (a draw in another order could give another surname).
    """
    out: dict[str, str] = {}
    for m in _OWN_LINE.finditer(case.section("人物")):
        name, title = m.group(1), m.group(2)
        key = "am" if "客户经理" in title else "se" if ("支撑" in title) else "sm" if "经理" in title or "主任" in title \
            else None
        if key is not None:
            out.setdefault(key, name)
    return out


def _people_in_case(case: Case) -> list[tuple[str, str]]:
    """(full name, role) of the customer's people the case's 人物 lists (陈海霞, 济安口腔医院院长)."""
    return [(m.group(1), m.group(2).strip())
            for m in re.finditer(r"^-\s*([\u4e00-\u9fff]{2,4})：([^（(\n，,]+)", case.section("人物"), re.MULTILINE)
            if "分公司" not in m.group(2)]


def _names_in_case(case: Case) -> dict[str, str]:
    """Title → fictional name the case already gives (``周院长`` in its 人物 or 经过)."""
    text = "\n".join(case.section(h) for h in ("人物", "背景", "经过", "情境"))
    surnames = "".join(NAME_SURNAMES)
    out: dict[str, str] = {}
    # 人物 first: "- 陈海霞：济安口腔医院院长（院办，…）" → 院长 → 陈院长
    for m in re.finditer(r"^-\s*([\u4e00-\u9fff]{2,4})：([^（(\n，,]+)", case.section("人物"), re.MULTILINE):
        role = m.group(2).strip()
        if "分公司" in role:  # the operator's own people: read by _own_side_in_case
            continue
        short = next((short for end, short in _ADDRESS if role.endswith(end)), None)
        if short:
            out.setdefault(short, m.group(1)[0] + short)
    ends = "|".join(sorted({short for _, short in _ADDRESS}, key=len, reverse=True))
    for m in re.finditer(rf"(?<![\u4e00-\u9fff])([{surnames}])({ends})", text):
        out.setdefault(m.group(2), m.group(0))
    return out


# ------------------------------------------------------------------------------------ sources


def _population(case: Case, bundle: Any) -> str:
    population = str(getattr(case, "population", "") or "")
    if population in POPULATIONS:
        return population
    notes = getattr(bundle, "notes", None)
    note_ids = _note_ids(case)
    if notes is not None and note_ids and "population" in getattr(notes, "columns", ()):
        rows = notes[notes["note_id"] == note_ids[0]]
        if not rows.empty and str(rows.iloc[0]["population"]) in POPULATIONS:
            return str(rows.iloc[0]["population"])
    prefixes = {"am": "account_manager", "se": "support_engineer", "sm": "sales_manager"}
    counts: dict[str, int] = {}
    for module in case.modules:
        pop = prefixes.get(str(module).split("_", 1)[0])
        if pop:
            counts[pop] = counts.get(pop, 0) + 1
    if counts:
        return max(counts, key=lambda p: (counts[p], -list(prefixes.values()).index(p)))
    return "account_manager"


def _note_ids(case: Case) -> list[str]:
    out: list[str] = []
    for sid in case.sources:
        m = _SEGMENT_ID.match(str(sid))
        note = m.group("note") if m else str(sid)
        if note not in out:
            out.append(note)
    return out


def _source(case: Case, bundle: Any, analysis: Any) -> _Source:
    note_ids = _note_ids(case)
    key = note_ids[0] if note_ids else case.id
    population = _population(case, bundle)
    story: list[tuple[str, str]] = []
    remarks: list[str] = []
    tags: list[str] = []
    method = ""
    segments = _segments(bundle, analysis, note_ids) if bundle is not None or analysis is not None else None
    if segments is not None and len(segments) and "method" in segments.columns:
        method = str(segments.iloc[0]["method"] or "")
    if segments is not None and len(segments) and "tags" in segments.columns:
        raw = segments.iloc[0]["tags"]
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[,，;；、\s]+", str(raw or "").strip("[]"))
        tags = [str(t).strip(" '\"") for t in items if str(t).strip(" '\"")]
    if segments is not None and len(segments):
        wanted = set(map(str, case.sources))
        picked = segments[segments["segment_id"].astype(str).isin(wanted)]
        if picked.empty:
            picked = segments
        for kind, text in zip(picked["kind"], picked["text"]):
            text = str(text)
            if kind == "question":
                continue
            if _REMARK.match(text):
                remarks.append(text)
            else:
                story.append((str(kind), text))
    else:  # the case text alone: its 经过 (new) or 情境 (old)
        for heading in ("经过", "情境"):
            for para in re.split(r"\n\s*\n", case.section(heading)):
                para = _SOURCE_REF.sub("", re.sub(r"（问：[^）]*）", "", para)).strip()
                if not para or para.startswith(("（", "客户的原话", "- “", "【待补充")) or "【待补充" in para:
                    continue
                if _REMARK.match(para):
                    remarks.append(para)
                else:
                    story.append(("paragraph", para))
    return _Source(key=key, population=population, story=tuple(story), remarks=tuple(remarks), tags=tuple(tags),
                   method=method)


def _segments(bundle: Any, analysis: Any, note_ids: list[str]) -> Any:
    """The redacted segments of ``note_ids`` (the whole bundle is redacted in order, so the
    placeholders are the ones every other draft of the bundle sees)."""
    frame = getattr(analysis, "segments", None)
    if frame is None:
        notes = getattr(bundle, "notes", None)
        if notes is None or notes.empty:
            return None
        from casekit.intake.note_segments import note_segments
        from casekit.intake.redaction import Redactor

        redactor = Redactor.from_bundle(bundle)
        frame = note_segments(bundle, redactor=lambda text: redactor.redact(text).text)
    frame = frame[frame["note_id"].isin(note_ids)]
    return frame.sort_values(["note_id", "position"]) if len(frame) else frame


def _industry_id(case: Case) -> str | None:
    if not case.industry or "【待补充" in case.industry:
        return None
    return lookup(INDUSTRIES, case.industry) or None


def _namer(key: str, industry: str | None, bundle: Any, case: Case | None = None) -> Namer:
    """The role-play's namer: the case's key, and every person the case's 人物 names adopted first.

    The people the role-play adds (a second account manager, a department the case does not
    name) then get neither a surname nor a given name of the case's people.
    """
    namer = Namer(key, industry, forbidden=forbidden_text(bundle) if bundle is not None else "")
    if case is not None:
        own = {name: key for key, name in _own_side_in_case(case).items()}
        for m in re.finditer(r"^-\s*([\u4e00-\u9fff]{2,4})：", case.section("人物"), re.MULTILINE):
            namer.adopt(own.get(m.group(1), f"case:{m.group(1)}"), m.group(1))
    return namer


def _product_rows(case: Case, bundle: Any) -> list[dict[str, Any]]:
    """The catalogue rows of the case's products in its region (local name or canonical id)."""
    rows = _region_rows(case, bundle)
    out: list[dict[str, Any]] = []
    for name in case.products:
        product = lookup(PRODUCTS, name)
        hit = next((r for r in rows if r["local_name"] == name), None) or \
            next((r for r in rows if product and r["canonical_product"] == product), None)
        if hit is not None and all(r["local_name"] != hit["local_name"] for r in out):
            out.append(hit)  # one line per product (商务宽带 and 光纤专线 are one row)
    return out


#: Words of a shop, a factory or a trading firm: a benefit sentence holding one is not read to a
#: customer of :data:`_NOT_SHOPS` unless the note says the word itself.
SHOP_WORDS = ("店里", "店铺", "收银台", "样册", "样品", "下订单", "工厂", "谈生意", "外地客户")
_NOT_SHOPS = ("hospital", "education", "hotel")


def _fits_customer(text: str, industry: str | None, note_text: str) -> bool:
    """Whether a benefit sentence may be read to a customer of ``industry`` (no 店里 for a school)."""
    if industry not in _NOT_SHOPS:
        return True
    return not any(w in text and w not in note_text for w in SHOP_WORDS)


def _split_by_industry(rows: Sequence[Mapping[str, Any]], industry: str | None
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows for this customer, rows made for another industry: 商务领航·酒店版 for a hospital)."""
    fits: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for row in rows:
        made_for = product_industries(row)
        (other if industry and made_for and industry not in made_for else fits).append(dict(row))
    return fits, other


def _other_industry_mark(rows: Sequence[Mapping[str, Any]], industry: str | None) -> str:
    """The 【待补充】 mark naming products of the case made for another industry (``""`` for none)."""
    if not rows:
        return ""
    names = "、".join(str(r["local_name"]) for r in rows)
    label = INDUSTRIES[industry].label if industry in INDUSTRIES else "这家客户"
    made = "、".join(sorted({INDUSTRIES[i].label for r in rows for i in product_industries(r)}))
    return missing(f"记录提到{names}，它是给{made}做的，这家客户是{label}，卡上没有列出；请核实要谈的产品")


def _benefit_line(row: Mapping[str, Any], members: Sequence[CastMember], industry: str | None,
                  note_text: str) -> tuple[str, str]:
    """(whose, sentence): the product's benefit for the first of ``members`` (the decision maker
    first) whose department has a sentence that fits the customer's industry; else the catalogue's
    one sentence when it fits; else ``("", "")``."""
    for member in members:
        if member.department is None:
            continue
        benefit = department_benefit(row, member.department, industry)
        if benefit.text and not benefit.needs_rewrite and _fits_customer(benefit.text, industry, note_text):
            return member.title, benefit.text
    value = str(row.get("customer_value") or "")
    if value and _fits_customer(value, industry, note_text):
        return "", value
    return "", ""


# ------------------------------------------------------------------------------------ texts


class _Rewriter:
    """Rewrites a note's sentences for a card: company and person placeholders to fictional names."""

    def __init__(self, companies: Mapping[str, str], people: Sequence[CastMember], vague: str = "") -> None:
        self.companies = companies  # placeholder → full name
        self.vague = vague  # the case's 某宾馆, written for the same company
        self.people = [(m.key, m.title, m.name) for m in people if m.key.startswith("〔")]

    def names(self, text: str) -> str:
        """Placeholders replaced by the fictional names (〔甲〕经理 → 周经理, 〔企业A〕宾馆 → 锦华宾馆)."""
        def company(m: re.Match[str]) -> str:
            full = self.companies.get(f"〔企业{m.group(1)}〕")
            if full is None:
                return m.group(0)
            tail = m.group(2)
            for n in range(len(tail), 0, -1):  # the note's ending is already part of the name
                if full.endswith(tail[:n]):
                    return full + tail[n:]
            return full + tail

        text = _COMPANY_MARK.sub(company, text)
        if self.vague and self.companies:
            text = text.replace(self.vague, next(iter(self.companies.values())))
        for key, title, name in self.people:
            surname = name[: len(name) - len(title)] if name.endswith(title) else name[:1]
            text = text.replace(key, surname)
        return text


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("，、：；。 ")


def _card_facts(persons: Sequence[str], departments: Sequence[str], others: Sequence[str],
                story: Iterable[str], rewriter: _Rewriter) -> tuple[list[str], list[str]]:
    """(facts, own words) the story tells about one person.

    A fact is a clause whose subject is the person (``persons``: 〔甲〕经理, 院长 → 你) or their
    department (``departments``: 客房部 → 你们客房部), cut before anybody else acts in it (the
    seller, a pronoun, ``others``) and never holding a quotation. Own words are what the person
    says or asks in the story, given without quotation marks.
    """
    facts: list[str] = []
    words: list[str] = []
    mine = sorted({t for t in (*persons, *departments) if t}, key=len, reverse=True)
    if not mine:
        return facts, words
    token_re = "|".join(map(re.escape, mine))
    other_re = "|".join(map(re.escape, sorted({t for t in others if t and t not in mine}, key=len, reverse=True)))
    actors = [w for w in _OTHERS]
    person_re = "|".join(map(re.escape, sorted({p for p in persons if p}, key=len, reverse=True))) or "(?!)"
    for text in story:
        masked = _mask_own_side(text)
        # the questions the note says this person asks: 信息科长的问题：数据存在哪、断网了怎么办
        for m in re.finditer(rf"(?:{person_re})(?:的|提的|关心的)问题[：:]([^。；\n“”\"]+)", masked):
            asked = [q.strip() for q in re.split(r"[、，,]", rewriter.names(text[m.start(1):m.end(1)])) if q.strip()]
            line = "- 你会问：" + "".join(q.rstrip("？?") + "？" for q in asked)
            if asked and "〔" not in line and line not in words:
                words.append(line)
        for m in re.finditer(rf"(?<![\u4e00-\u9fff])(?:{person_re})问([^，。；：:\n“”\"]{{1,12}})(?=[，。；])", masked):
            line = f"- 你会问到{rewriter.names(text[m.start(1):m.end(1)])}。"
            if "〔" not in line and line not in words:
                words.append(line)
        # the answer to a question about this person's department: 问售楼处……，对方说留了电话的一半都没人跟
        for m in re.finditer(r"问([^。；\n]*?)[，,]\s*(?:对方|他们|她|他)(?:说|讲|回答|答)[：:，]?([^。；\n“”\"]+)", masked):
            if re.search(token_re, m.group(1)):
                fact = _clean(rewriter.names(text[m.start(2):m.end(2)])) + "。"
                if "〔" not in fact and not _ABOUT_PRODUCT.search(fact) and fact not in facts:
                    facts.append(fact)
        for m in re.finditer(rf"({'|'.join(map(re.escape, persons)) or '(?!)'})[^，。；\"“”「」]{{0,8}}?(说|问|答|讲)"
                             r"(?:道|了)?(?:他|她|我|你们?)?[：:，]?\s*[\"“「]([^\"“”「」]{1,120})[\"”」]", masked):
            said = rewriter.names(text[m.start(3):m.end(3)]).rstrip("。，")
            if "〔" in said or _NOTE_ID.search(said):
                continue
            asked = m.group(2) == "问"
            line = f"- 你会{'问' if asked else '说'}：{said}" + ("" if said.endswith(("？", "?", "！")) else
                                                             "？" if asked else "。")
            if line not in words:
                words.append(line)
        plain = _QUOTE.sub("§", text)
        plain_masked = _QUOTE.sub("§", masked)
        for clause, clause_masked in zip(re.split(r"[。；！？\n：:]", plain), re.split(r"[。；！？\n：:]", plain_masked)):
            parts = re.split(r"[，,]", clause)
            parts_masked = re.split(r"[，,]", clause_masked)
            kept: list[str] = []
            for part, part_masked in zip(parts, parts_masked):
                if not kept:
                    hit = re.search(token_re, part_masked)
                    if hit is None:
                        continue
                    before, after = part_masked[:hit.start()], part_masked[hit.end():]
                    if not _SUBJECT_LEAD.fullmatch(before) or after.startswith("的") or "§" in part:
                        continue
                    rest = after
                    if any(w in rest for w in actors) or "□" in rest or (other_re and re.search(other_re, rest)) \
                            or _ABOUT_PRODUCT.search(rest):
                        continue
                    said_as = hit.group(0)
                    you = "你" if said_as in persons else f"你们{said_as}"
                    start = hit.start() - 1 if before and before[-1] in NAME_SURNAMES else hit.start()  # 周院长
                    kept.append(part[:start] + you + part[hit.end():])
                    continue
                if "§" in part or any(w in part for w in actors) or "□" in part_masked \
                        or (other_re and re.search(other_re, part_masked)) or re.search(token_re, part_masked) \
                        or _ABOUT_PRODUCT.search(part):
                    break
                kept.append(part)
            if not kept:
                continue
            sentence = _clean(rewriter.names("，".join(kept)))
            sentence = re.sub(r"^((?:最后|后来|当时|其实|现在|平时|最早|一开始|上次|那天)?)(你们?)(说|讲|提到|反映|表示)了?(?=\S)",
                              r"\1在\2看来，", sentence)  # reported speech: 院长说主要靠老病人介绍
            if len(sentence) < 3 or "〔" in sentence or _NOTE_ID.search(sentence) or _NOT_A_FACT.search(sentence) \
                    or not _TROUBLE.search(sentence):  # what happened in the visit is not on the card
                continue
            line = sentence + "。"
            if line not in facts:
                facts.append(line)
    return facts, words


def _tokens(member: CastMember) -> list[str]:
    """How the story names a cast member (their title, placeholder and department)."""
    out = [member.title, member.said_as]
    if member.key.startswith("〔"):
        out.append(member.key)
    if member.department is not None and member.from_note:
        out += _department_forms(member.department)
    return [t for t in out if t]


def _own_story(story: Iterable[tuple[str, str]], rewriter: _Rewriter) -> list[str]:
    """The interviewee's own words (answer segments) as the card holder's knowledge: sentences
    without quotation marks, placeholders or remarks, ``我`` → ``你``."""
    out: list[str] = []
    for kind, text in story:
        if kind != "answer":
            continue
        for sentence in re.findall(r"[^。！？\n]+[。！？]?", text):
            sentence = sentence.strip()
            if not sentence or _QUOTE_CHARS.search(sentence) or re.search(r"[（(]", sentence):
                continue
            sentence = rewriter.names(sentence)
            if "〔" in sentence or _NOTE_ID.search(sentence):
                continue
            sentence = re.sub(r"我(?!们)", "你", sentence)
            out.append(sentence if sentence.endswith(("。", "！", "？")) else sentence + "。")
    return out


# ------------------------------------------------------------------------------------ drafting


def observer_checklist(kind: str = "sales_visit", *, support_engineer: bool = True) -> str:
    """The observer checklist as Markdown ``- [ ]`` lines.

    Parameters
    ----------
    kind : str
        A :data:`KIND_LABELS` key: a visit's list follows the funnel steps and the ride-along
        behaviours; a coaching conversation's list is target breakdown, process and coaching.
    support_engineer : bool
        Whether a support engineer plays (else the lines about them are left out).
    """
    if kind == "coaching":
        return "\n".join(f"- [ ] {part}：{text}" for part, text in COACHING_CHECKLIST)
    if kind in SCENE_CHECKLISTS:
        return "\n".join(f"- [ ] {part}：{text}" for part, text in SCENE_CHECKLISTS[kind])
    lines = []
    for stage, behaviour, text in OBSERVER_CHECKLIST:
        if not support_engineer and behaviour in _SE_LINES:
            if stage is None:
                continue
            behaviour, text = None, "拜访前想好要问的问题和要见的人"
        head = f"{FUNNEL_STAGES[stage].label}：" if stage else ""
        tail = f"（{BEHAVIOURS[behaviour].label}）" if behaviour else ""
        lines.append(f"- [ ] {head}{text}{tail}")
    return "\n".join(lines)


def _time_plan(minutes: int, kind: str) -> str:
    """Steps whose minutes add up to ``minutes`` exactly (the role-play step takes the rest)."""
    parts = [max(1, round(minutes * share)) for _, share in TIME_PLAN]
    main = 1  # the role-play itself absorbs rounding
    parts[main] += minutes - sum(parts)
    if parts[main] < 1:
        raise ValueError(tr(f"角色扮演需要多于 {minutes} 分钟", f"a role-play needs more than {minutes} minutes"))
    return "\n".join(f"- {n}分钟 {step.format(kind=KIND_LABELS[kind])}" for n, (step, _) in zip(parts, TIME_PLAN))


def draft_roleplay(case: Case, *, roleplay_id: str | None = None, minutes: int = 30,
                   bundle: Any = None, analysis: Any = None) -> RolePlay:
    """Draft a role-play from a case.

    Parameters
    ----------
    case : Case
        The teaching case (a draft or reviewed; old sections 情境 or new 经过).
    roleplay_id : str, optional
        Default ``R`` + what follows the case id's ``C`` (``C002`` → ``R002``, ``CGX01`` → ``RGX01``).
    minutes : int
        Total length; the time plan adds up to it (at least 8).
    bundle : Bundle, optional
        Its notes (the case's ``sources``, redacted) tell who the customer's people are and what
        they said; its catalogue gives the products' departments, packages, prices and benefits;
        its roster and raw notes the names no fictional name may equal. Without it the case's own
        text is read and what the catalogue would give is marked ``【待补充：……】``.
    analysis : NotesAnalysis, optional
        ``analyse_notes(bundle)`` when already computed (its redacted segments are reused).

    Returns
    -------
    RolePlay
        ``status: draft``; ``case`` is ``case.id``; ``roles`` are the card headings
        (``信息科长（周科长）``).

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
        raise ValueError(tr(f"角色扮演至少需要 8 分钟，实际为 {minutes} 分钟", f"a role-play needs at least 8 minutes, got {minutes}"))
    source = _source(case, bundle, analysis)
    industry = _industry_id(case)
    cast = industry_cast(industry)
    kind = _kind(source, cast, industry)
    namer = _namer(source.key, industry, bundle, case)
    rows, other_rows = _split_by_industry(_product_rows(case, bundle), industry)
    customer = _cast(case, source, kind, cast, industry, rows, namer) if kind not in INTERNAL_KINDS else []

    # the customer's company: the case's title (某某的苦恼) when it names a company (never a
    # person: 戴工的苦恼 is the engineer's), else the note's placeholder, else a fictional name
    texts = [t for _, t in source.story] + list(source.remarks)
    placeholder, suffix = _company_placeholder(texts, cast)
    title_company = _title_company(case.title)
    vague = case.title[: -len("的苦恼")] if case.title.startswith("某") and case.title.endswith("的苦恼") else ""
    company = title_company or namer.company(placeholder, suffix)[1]
    rewriter = _Rewriter({placeholder: company}, customer, vague)

    named = _names_in_case(case)
    if kind == "coaching":
        blocks, public, sellers = _coaching(case, source, rows, namer, rewriter)
    elif kind in INTERNAL_KINDS:
        named_products = [p for p in case.products if "【" not in p]
        guessed = not rows and not named_products
        region_rows = rows or (_split_by_industry(_region_rows(case, bundle), industry)[0][:1] if guessed else [])
        blocks, public, sellers = _internal(kind, case, source, region_rows, namer, rewriter, guessed=guessed)
    else:
        own = _own_side_in_case(case)
        with_se = kind == "joint_visit" or bool({"支撑人员", "支撑工程师"} & set(case.roles)) or "se" in own
        am = CastMember("客户经理", own.get("am") or named.get("客户经理") or namer.full_name("am", "客户经理"))
        se = CastMember("支撑人员", own.get("se") or namer.full_name("se", "支撑人员")) if with_se else None
        sellers = [am] + ([se] if se else [])
        public = _public_visit(case, kind, company, cast, customer, sellers, rows, rewriter, suffix,
                               other=other_rows)
        catalogue = [str(r["local_name"]) for r in _split_by_industry(_region_rows(case, bundle), industry)[0]]
        place = suffix if suffix and not suffix.endswith("公司") else ""
        blocks = [(am.heading, *_am_card(case, source, kind, company, customer, se, rows, rewriter, catalogue,
                                         _industry_label(case.industry) or place, industry=industry,
                                         other=other_rows))]
        if se is not None:
            blocks.append((se.heading, *_se_card(kind, customer, rows, industry, source.text)))
        used: set[str] = set()  # a department's typical worry goes on one card at most
        for member in customer:
            # who else may act in a clause: the other people (their titles), not their departments'
            # words (收银 in 老板娘抱怨收银台差错多 is what she complains about, not an actor)
            others = [t for o in customer if o is not member for t in (o.title, o.said_as, o.key) if t]
            blocks.append((member.heading, *_customer_card(member, source, others, rewriter, used)))
    roles_text = "\n\n".join(f"### {head}\n\n目标：{goal}\n\n私人信息：{private}" for head, goal, private in blocks)

    # R + what follows the case's C (C002 → R002, CGX01 → RGX01); any other id: R + its digits
    digits = case.id[1:] if case.id[:1] in "Cc" and len(case.id) > 1 else (re.sub(r"\D", "", case.id) or case.id)
    clean_title = case.title and not re.search(r"[〔【]|^某", case.title)
    if vague and kind not in INTERNAL_KINDS:
        title = f"{company}的苦恼——角色扮演"
    elif clean_title:
        title = f"{case.title}——角色扮演"
    elif kind in INTERNAL_KINDS:
        title = KIND_LABELS[kind]
    else:
        title = f"拜访{company}" if kind == "sales_visit" else f"和支撑人员一起拜访{company}"
    return RolePlay(
        id=roleplay_id or f"R{digits}",
        title=title,
        region=case.region,
        industry=case.industry,
        products=case.products,
        funnel_stage=label_or(case.funnel_stage, "visit"),
        outcome=case.outcome,
        roles=tuple(head for head, _, _ in blocks),
        modules=case.modules,
        sources=case.sources,
        status="draft",
        sections={
            "公开信息": public,
            "角色": roles_text,
            "时间安排": _time_plan(minutes, kind),
            "观察清单": observer_checklist(kind, support_engineer=any(p.title == "支撑人员" for p in sellers)),
        },
        case=case.id,
        minutes=minutes,
    )


#: Endings of a company's name besides the casts' suffixes (a title 某某的苦恼 that ends otherwise
#: names a person: 戴工, 孙经理).
_ORG_ENDINGS = ("公司", "宾馆", "酒店", "饭店", "饭馆", "餐厅", "医院", "诊所", "学校", "小学", "中学", "学院", "超市",
                "商场", "厂", "店", "地产", "售楼处", "旅行社", "面包房", "集团", "中心", "商行", "市场")
#: A person's title at the end of a name (戴工, 孙经理, 周院长).
_PERSON_END = re.compile(r"(工|经理|主任|主管|科长|处长|院长|厂长|校长|店长|老板娘|老板|老总|总|师傅|老师|会计)$")
#: Kinds of place a note may name without a placeholder (一个饭馆老板, 一家连锁餐厅).
_PLACE_KINDS = ("饭馆", "餐厅", "饭店", "酒店", "宾馆", "医院", "超市", "厂", "学校", "旅行社", "面包房", "售楼处",
                "商场", "店")


def _title_company(title: str) -> str:
    """The company a case's title 某某的苦恼 names; ``""`` when it names a person (戴工的苦恼), is
    vague (某宾馆) or still missing."""
    if not title.endswith("的苦恼"):
        return ""
    name = title[: -len("的苦恼")]
    if not name or re.search(r"[〔【]|^某", name) or _PERSON_END.search(name):
        return ""
    endings = {*_ORG_ENDINGS, *(x for iid in (*INDUSTRIES, "generic") for x in industry_cast(iid).suffixes)}
    return name if name.endswith(tuple(endings)) else ""


def _region_rows(case: Case, bundle: Any) -> list[dict[str, Any]]:
    """Every row of the catalogue of the case's region (a city resolves to its province)."""
    catalogue = getattr(bundle, "catalogue", None)
    manifest = getattr(bundle, "manifest", None)
    if catalogue is None or getattr(catalogue, "empty", True) or manifest is None or not case.region:
        return []
    try:
        rid = manifest.resolve(case.region)
        top = manifest.top_of(rid) if rid else None
    except Exception:  # noqa: BLE001 - a region the manifest does not know has no catalogue
        top = None
    if not top:
        return []
    return [row.to_dict() for _, row in catalogue[catalogue["region_id"] == top].iterrows()]


def _company_placeholder(texts: Iterable[str], cast: IndustryCast) -> tuple[str, str | None]:
    """The note's first company placeholder and the ending it wrote (〔企业A〕宾馆 → 宾馆); else the
    kind the note names (一家口腔医院 → 口腔医院) under the default placeholder."""
    for text in texts:
        m = _COMPANY_MARK.search(text)
        if m:
            tail = m.group(2)
            ending = next((s for s in sorted(cast.suffixes, key=len, reverse=True) if tail.startswith(s)), None)
            if ending is None:
                m2 = re.match(r"[\u4e00-\u9fff]{0,4}?(宾馆|酒店|医院|超市|厂|公司|学校|小学|中学|地产|售楼处|面包房|旅行社)", tail)
                ending = m2.group(0) if m2 else None
            return f"〔企业{m.group(1)}〕", ending
    texts = list(texts)
    for text in texts:
        for suffix in sorted(cast.suffixes, key=len, reverse=True):
            m = re.search(rf"一[家所]([\u4e00-\u9fff]{{0,3}}{re.escape(suffix)})", text)
            if m:
                return "〔企业A〕", m.group(1)
    for text in texts:  # a kind of place the cast does not list (一个饭馆老板 → 饭馆)
        m = re.search(rf"一[家所个]([\u4e00-\u9fff]{{0,2}}?(?:{'|'.join(_PLACE_KINDS)}))", text)
        if m:
            return "〔企业A〕", m.group(1)
    return "〔企业A〕", None


def _public_visit(case: Case, kind: str, company: str, cast: IndustryCast, customer: list[CastMember],
                  sellers: list[CastMember], rows: list[dict[str, Any]], rewriter: _Rewriter,
                  suffix: str | None = None, other: Sequence[Mapping[str, Any]] = ()) -> str:
    place = suffix if suffix and not suffix.endswith("公司") else ""
    # what the customer is called in a sentence (一家学校, not 一家教育): the place the note names,
    # else the industry cast's noun, else the industry's label
    noun = place or (cast.noun if cast.industry != "generic" else "") or _industry_label(case.industry) or cast.noun
    lines = [f"{company}是{case.region or '本地'}的{'一所' if noun.endswith('学校') else '一家'}{noun}。"]
    background = rewriter.names(case.section("背景"))
    if background and not re.search(r"〔|【待补充|^- 客户：", background, flags=re.MULTILINE) \
            and not _NOTE_ID.search(_SOURCE_REF.sub("", background)):
        lines.append(_SOURCE_REF.sub("", background).strip())
    dropped = {str(r["local_name"]) for r in other}
    products = [r["local_name"] for r in rows] or [p for p in case.products if "【" not in p and p not in dropped]
    if products:
        lines.append(f"这次要谈的产品：{'、'.join(products)}。")
    who = "和".join(s.heading for s in sellers)
    lines.append(f"本次角色扮演是一次{KIND_LABELS[kind]}：{who}去{company}，"
                 f"对方参加的有：{'、'.join(m.heading for m in customer)}。")
    lines.append("每位扮演者只看自己的角色卡；客户方的人不问不说，客户经理要靠提问找到各人的麻烦。")
    return "\n\n".join(lines)


def _industry_label(industry: str) -> str:
    """The industry's label (医院) for a case's ``industry`` value, ``""`` when unknown."""
    if not industry or "【" in industry:
        return ""
    iid = lookup(INDUSTRIES, industry)
    return INDUSTRIES[iid].label if iid else ""


def _am_card(case: Case, source: _Source, kind: str, company: str, customer: list[CastMember],
             se: CastMember | None, rows: list[dict[str, Any]], rewriter: _Rewriter,
             catalogue: Sequence[str] = (), noun: str = "", *, industry: str | None = None,
             other: Sequence[Mapping[str, Any]] = ()) -> tuple[str, str]:
    goal = "先提问，按部门找到各位客户的麻烦，再讲产品能带来的好处；不以价格开场；结束时约定下一步。"
    if se is not None:
        guards = [m for m in customer if m.role == "把关者"]
        goal = ("掌控拜访节奏：事先和支撑人员分好工，你负责问需求，" +
                (f"请他回答{guards[0].title}关心的问题，" if guards else "请他在需求明确后再演示，") +
                "不以价格开场；结束时约定下一步。")
    parts = [f"你知道的客户情况：{company}，{case.region or '本地'}的一家{noun or _industry_label(case.industry) or '客户'}。"]
    deciders = [m for m in customer if m.role == "决策者"]
    if deciders:
        parts.append(f"你知道拍板的是{deciders[0].heading}；其他人各管什么、有什么麻烦，要到现场问。")
    if source.population == "account_manager":
        earlier = _own_story(source.story, rewriter)
        if earlier:
            parts.append("之前的经过（你自己的经历）：" + "".join(earlier))
    if rows:
        # the benefit for the decision maker (then the others), in this industry's words
        order = deciders + [m for m in customer if m not in deciders]
        lines = []
        for r in rows:
            whose, text = _benefit_line(r, order, industry, source.text)
            line = f"- {r['local_name']}：{r.get('package') or missing('套餐')}，{r.get('price') or missing('价格')}。"
            if text:
                line += f"对{whose}来说：{text.rstrip('。')}。" if whose else f"{text.rstrip('。')}。"
            else:
                line += missing(f"{r['local_name']}对这家客户的好处（产品目录的说法不是给这个行业写的，请按客户改写）")
            lines.append(line)
        parts.append("产品（本地产品目录的套餐和价格）：\n\n" + "\n".join(lines))
    elif catalogue:
        parts.append(missing(f"这次要谈的产品（记录没有写；本地产品目录里有：{'、'.join(catalogue)}）"))
    else:
        parts.append(missing("产品的本地套餐和价格（没有本地产品目录）"))
    if other:
        parts.append(_other_industry_mark(other, industry))
    return goal, "\n\n".join(parts)


def _se_card(kind: str, customer: list[CastMember], rows: list[dict[str, Any]],
             industry: str | None, note_text: str = "") -> tuple[str, str]:
    guards = [m for m in customer if m.role == "把关者"]
    goal = "作为中立专家（隐性销售）：客户经理引出需求之前不讲产品；只讲客户关心的好处，不用技术术语。"
    if kind == "joint_visit" and guards:
        goal = (f"作为中立专家（隐性销售）：只回答{guards[0].heading}关心的问题，让他放心；"
                "其他时间让客户经理和客户谈；不用技术术语。")
    if not rows:
        return goal, missing("产品对各部门的好处（没有本地产品目录）")
    lines: list[str] = []
    rewrite: list[str] = []
    for row in rows:
        said: dict[str, list[str]] = {}
        for member in customer:
            if member.department is None:
                continue
            benefit = department_benefit(row, member.department, industry)
            if not benefit.text or not _fits_customer(benefit.text, industry, note_text):
                continue  # nothing for this department, or words of another trade (店里 for a school)
            said.setdefault(benefit.text, []).append(member.title)
            if benefit.needs_rewrite and row["local_name"] not in rewrite:
                rewrite.append(str(row["local_name"]))
        if not said:
            value = str(row.get("customer_value") or "")
            said = {value: []} if value and _fits_customer(value, industry, note_text) else {}
            if not said and row["local_name"] not in rewrite:
                rewrite.append(str(row["local_name"]))
        for text, titles in said.items():
            who = f"（对{'、'.join(titles)}）" if titles and len(said) > 1 else ""
            lines.append(f"- {row['local_name']}{who}：{text.rstrip('。')}。")
    text = "产品能给客户带来的好处（用客户的话说）：\n\n" + "\n".join(lines)
    if rewrite:
        text += "\n\n" + missing(f"{'、'.join(rewrite)}对各部门分别的说法（产品目录只有一句，请按部门改写）")
    return goal, text


#: Typical worries of the owner of a business whose industry has no cast of its own (a restaurant,
#: a logistics firm): the generic cast's decision maker says one of these, chosen by the note id,
#: so that role-plays of different notes do not all hand the same line to every 老板.
OWNER_WORRIES = (
    "忙的时候人手不够，闲的时候人又闲着，一年算下来工钱花得不值",
    "几处的事都要自己过问，一出门就不知道下面在干什么",
    "老客人来得越来越少，新客人又不知道从哪儿来",
    "同行一个劲地压价，生意没少做，钱却越赚越少",
    "账是会计月底报上来的，哪一块赚钱、哪一块亏钱平时心里没数",
)


def _worry(department: Department, key: str) -> str:
    """The department's typical worry; for the decision maker of the generic cast, one of
    :data:`OWNER_WORRIES` or the cast's own, by the note id ``key``."""
    if department.role != "决策者" or department not in industry_cast("generic").departments:
        return department.worry
    pool = (department.worry, *OWNER_WORRIES)
    return pool[zlib.crc32(key.encode()) % len(pool)]


def _customer_card(member: CastMember, source: _Source, others: Sequence[str],
                   rewriter: _Rewriter, used: set[str] | None = None) -> tuple[str, str]:
    """(goal, private information) of a customer's card.

    When the note tells nothing of the person's trouble, the card says their department's typical
    worry (marked for checking) only when the note tells nothing of them at all (no words either)
    and no other card of the role-play already says that worry (``used``, updated).
    """
    used = set() if used is None else used
    department = member.department
    persons = [member.key + member.said_as] if member.key.startswith("〔") else [member.title, member.said_as]
    departments = _department_forms(department) if department is not None and member.from_note \
        and (member.merged or not member.key.startswith("〔")) and not _STAFF.search(member.title) else []
    facts, words = _card_facts(persons, departments, others, [t for _, t in source.story], rewriter)
    staff = department is not None and _STAFF.search(member.title) is not None and member.title != department.title
    if department is not None:
        goal = "自己手上的客户跟得过来，少做重复的事。" if staff else department.wants + "。"
        role = f"你在这次采购中是{member.role}" + {
            "决策者": "：最后拍板的是你。", "把关者": "：你不点头，这件事办不成。",
            "使用者": "：买了以后天天用的是你和你的人。", "影响者": "：你的意见会被拍板的人听进去。"}.get(
                member.role, "。")
        if member.merged:
            role += missing(f"记录里只写了{member.said_as}，这里当作{member.title}，请核实")
    else:
        goal = "只为真正解决自己麻烦的东西花钱。"
        role = missing(f"{member.title}的采购角色（记录没有写明他管什么、能不能拍板）")
    parts = [role]
    if facts:
        parts.append("你的情况：" + "".join(facts))
    elif department is not None and not staff and not words and _worry(department, source.key) not in used:
        worry = _worry(department, source.key)
        used.add(worry)
        parts.append("你的麻烦：" + missing(f"记录里没有写{member.title}的麻烦；同行业常见的是：{worry}。"
                                          "请核实或按客户的实际情况改写"))
    elif words:
        parts.append("你的麻烦：" + missing(f"记录里没有写{member.title}的麻烦，只记了他说过的话（见下面）；"
                                          "请按这些话和客户的实际情况写出来"))
    else:
        parts.append("你的麻烦：" + missing(f"{member.title}的麻烦（记录里没有写）"))
    if words:
        parts.append("你可能会说的话：\n\n" + "\n".join(words))
    ask = f"（例如问到：{department.ask}）" if department is not None else ""
    parts.append(f"只有客户经理问到你{'部门' if department is not None else ''}的情况{ask}，你才说出上面的麻烦；"
                 "不问，你就不主动说。")
    return goal, "\n\n".join(parts)


def _coaching(case: Case, source: _Source, rows: list[dict[str, Any]], namer: Namer,
              rewriter: _Rewriter) -> tuple[list[tuple[str, str, str]], str, list[CastMember]]:
    own = _own_side_in_case(case)
    manager = CastMember("销售经理", own.get("sm") or namer.person("sm", "经理"))
    am1 = CastMember("客户经理", own.get("am") or namer.full_name("客户经理甲", "客户经理"))
    am2 = CastMember("客户经理", namer.full_name("客户经理乙", "客户经理"))
    products = [str(r["local_name"]) for r in rows] or [p for p in case.products if "【" not in p]
    product_text = "、".join(products) if products else "转型业务"
    region = case.region or "本地"
    public = "\n\n".join([
        f"{region}的一个分公司。今年{product_text}的指标已经下到分公司，要分到每位客户经理。",
        f"本次角色扮演是一次{KIND_LABELS['coaching']}：{manager.heading}约{am1.heading}和{am2.heading}"
        "谈这个季度的指标怎么分、各自的重点客户走到了哪一步。",
        "两位客户经理的片区不同：一位是开发区和写字楼，一位是乡镇和街面小商铺。分公司本季度的指标数由讲师在开始前给出。",
    ])
    practice = _own_story(source.story, rewriter) if source.population == "sales_manager" else []
    told = _said(source, _SM_MANAGER, product=product_text, am=am1.name)  # what a 360° note tells of them
    manager_private = [
        "你是这两位客户经理的直接领导，今年的指标要按时完成。",
        ("你现在的做法：" + "".join(_second_person(x) for x in practice)) if practice
        else ("你现在的做法：" + "".join(told)) if told else missing("你现在怎样分指标、怎样看进展（记录里是顾问的叙述，请改写成这位管理者自己的做法）"),
    ]
    if rows:
        manager_private.append("今年主推的产品（本地产品目录）：" + "；".join(
            f"{r['local_name']}（{r.get('package') or '套餐待定'}，{r.get('price') or '价格待定'}）" for r in rows) + "。")
    manager_goal = ("和两位客户经理一起按片区的市场把指标分下去；问清每个重点客户走到了销售漏斗的哪一步、"
                    "下一步做什么、需要谁帮忙；约定每周看过程的办法和一次陪访。")
    big, small = (_scene_customer(i, namer) for i in _scene_industries(source, rows, 2))
    am1_private = ("你的片区：开发区和写字楼，单子大，但要见好几个部门，周期长。"
                   f"你手上有三个在谈的重点客户，其中{big[0]}谈了两个月还不知道谁拍板；"
                   f"见过一次{big[1]}，他说过：{big[2]}。"
                   "你觉得按人头平均分对你不公平：大单一签就超额，签不下来就挂零。"
                   "经理问到具体客户时，你才说出卡在哪一步；你希望经理陪你去一次。")
    am2_private = ("你的片区：乡镇和街面小商铺，客户多、单子小，一家一家跑。"
                   f"你觉得{product_text}在你的片区不好卖，小店老板只问多少钱。"
                   "你每天跑很多家，但说不出哪几家最有希望。经理问你时，你先说指标太高；"
                   f"只有经理问到你的客户都是做什么生意的，你才说出：最近有需求的是{small[0]}，"
                   f"{small[1]}说过：{small[2]}。")
    blocks = [
        (manager.heading, manager_goal, "\n\n".join(manager_private)),
        (am1.heading, "指标要和自己片区的客户对得上；卡住的大客户希望有人帮一把。", am1_private),
        (am2.heading, "指标要定得能完成；希望知道在小商铺多的片区该主推什么。", am2_private),
    ]
    return blocks, public, [manager, am1, am2]


def _said(source: _Source, template: Sequence[tuple[str, str]], **names: str) -> list[str]:
    """The template's sentences whose word the note uses (``{product}`` … filled in), in order.

    A card of an internal scene says what the note tells of this person in the card holder's own
    second person; the template holds, for a word of the note, the sentence it gives.
    """
    out: list[str] = []
    for word, sentence in template:
        if re.search(word, source.text):
            line = sentence.format(**names)
            if line not in out:
                out.append(line)
    return out


def _own_words(source: _Source, rewriter: _Rewriter) -> list[str]:
    """The interviewee's own words in the card holder's second person (我们 → 你们, 我 → 你),
    without quotation marks: their answers, a paragraph that is only their quotation, a quotation
    they are said to say (他说“…”). Empty for a 360° note (there others speak of them)."""
    if "360" in source.method or "360" in source.text[:40]:
        return []
    out = [_second_person(s) for s in _own_story(source.story, rewriter)]
    lead = re.compile(r"(他|她)(自己)?(也)?(说|承认|坦白说|想了一下说)[^，。“\"]{0,4}[：:，]?\s*$|^\s*$")
    for kind, text in source.story:
        if kind == "answer":
            continue
        for m in _QUOTE.finditer(text):
            before = text[max(0, m.start() - 10):m.start()]
            if not lead.search(before):
                continue
            said = rewriter.names(m.group(1)).strip()
            if "〔" in said or _NOTE_ID.search(said) or len(said) < 4:
                continue
            said = _second_person(said)
            line = said if said.endswith(("。", "！", "？")) else said + "。"
            if line not in out:
                out.append(line)
    return out


def _second_person(text: str) -> str:
    """我们 → 你们, 我 → 你 (what the card holder said, told to them)."""
    return _QUOTE_CHARS.sub("", re.sub(r"我(?!们)", "你", text.replace("我们", "你们")))


def _product_line(row: Mapping[str, Any], technical: bool = False) -> str:
    head = f"- {row['local_name']}：{row.get('package') or missing('套餐')}，{row.get('price') or missing('价格')}。"
    if technical and row.get("technical_description"):
        head += f"厂家资料上的说法：{str(row['technical_description']).rstrip('。')}。"
    return head


#: What a support engineer's note tells of the people of a training session: (word of the note,
#: sentence for the card). ``{product}`` is the product the session is about.
_TRAINING_SE = (
    (r"厂家的材料|功能、架构", "你平时讲产品，就是把厂家的材料过一遍：功能、架构、资费。"),
    (r"上面定的", "培训的时间和内容都是上面定的，你没问过客户经理需要什么。"),
    (r"账号过期|演示账号", "演示厅的演示账号有时过期，上次现场临时打电话重开。"),
    (r"没完整用过|只演到登录", "你自己也没完整用过{product}，演示只演到登录页面。"),
    (r"没人学|没人要", "这个产品一直没人要，你也就没有认真学。"),
)
_TRAINING_AM1 = (
    (r"提成", "你最想知道的是卖一套提成多少。"),
    (r"没人要|没有卖出|没卖出", "{product}在你们地区还没卖出去过，你不知道该先找哪类客户。"),
)
_TRAINING_AM2 = (
    (r"不知道哪些产品能演示|能演示", "你不知道哪些产品能演示，所以从没带客户去过演示厅。"),
    (r"怕演示出问题", "你怕在客户面前演示出问题，丢面子。"),
    (r"会卖", "上次产品培训你听完还是不会卖，记住的只有几个技术词。"),
)
_PREP_AM = (
    (r"不懂产品", "你对产品没把握，每个客户都想请支撑人员去讲。"),
    (r"方案", "你希望拜访完支撑人员尽快把方案写出来。"),
)
_PREP_SE = (
    (r"网络环境|交换机", "你记得客户的网络环境（几台交换机、什么线路），但说不清客户是做什么生意的。"),
    (r"只在出问题|售后被叫|出了问题才", "平时客户经理只在出问题时才找你，很少请你一起做前期分析。"),
    (r"术语|听不懂", "你讲方案时技术词用得多，有时陪同的客户经理也听不懂。"),
    (r"只有\s*\d+\s*个人|人手", "你们支撑团队人手少，一个人要跑好几个地方。"),
    (r"报价很清楚", "竞争对手的政企报价你很清楚。"),
    (r"流程图", "你讲方案时习惯先画客户的业务流程图。"),
)
#: What a sales manager's note tells of the manager and their account managers.
_SM_MANAGER = (
    (r"按人头平", "你现在按人头平均分指标。"),
    (r"收入报表|看报表", "你每月只看收入报表。"),
    (r"每天去了哪里", "客户经理每天去了哪里，你并不清楚。"),
    (r"亲自跑", "你一周一半以上的时间在亲自跑大客户，下面的人每天的时间怎么用，你并不清楚。"),
    (r"倒数", "你知道{am}的业绩老是倒数，但说不出弱在哪里。"),
    (r"分身乏术|长不起来", "你觉得自己分身乏术，下面的人又长不起来。"),
    (r"念排名", "你开月会的办法是念排名，念完就散；上个月{am}排在最后。"),
    (r"扣钱", "你对客户经理说得最多的是：这个月指标完成没有，没完成就扣钱。"),
    (r"自己想办法", "客户经理卖{product}遇到问题来找你，你常让他们自己想办法；你自己也没卖过{product}。"),
    (r"撒网", "今年重点推{product}，你这边还是按原来的片区撒网，半年做了十几家，行业五花八门，没有一家能拿出来当案例讲。"),
    (r"样板", "别的分公司先挑了一两个行业做样板。"),
    (r"只会接指标|想市场", "上级对你的评价是执行力强，但只会接指标、不会想市场，希望你先想清楚卖给谁，再想怎么卖。"),
    (r"没有卖手机的经验|没有.{0,4}经验", "你们没有卖{product}的经验，营业厅也没有柜台，原打算靠客户经理捆着固话卖。"),
    (r"谁要就卖给谁", "先卖给哪类客户，你原来的想法是谁要就卖给谁。"),
    (r"不过问", "支撑人员和客户经理怎么配合，你以前从不过问。"),
    (r"找市公司", "支撑人员有困难，你会去找市公司协调资源。"),
    (r"自己决定去哪家", "上次同一天三个客户经理都约了{product}的方案讲解，最后是支撑人员自己决定去哪家。"),
)
_COACHED_AM = (
    (r"念排名|排名", "上个月的例会上念排名，你是最后一名，当着大家的面。你以为今天又要挨批。"),
    (r"自己想办法", "以前你卖{product}遇到问题去找经理，经理让你自己想办法。"),
    (r"跟我们去", "你一直希望经理能跟你去一次客户那里，今天经理第一次来了。"),
    (r"倒数", "你的业绩老是倒数，你自己也说不清差在哪儿。"),
)


def _target_phrase(text: str) -> str:
    """The target the note gives (年底前放号五百部), ``""`` when none."""
    m = re.search(r"指标是([^，。；“”\"]{2,16})", text) or re.search(r"(放号[^，。；]{1,8}部)", text)
    return m.group(1) if m else ""


def _scene_industries(source: _Source, rows: Sequence[Mapping[str, Any]], n: int) -> list[str]:
    """``n`` different industries for the customers an internal scene talks about: those the note
    names (by their first mention), then those the products are made for, then the others in an
    order that depends on the note id (so two notes without any do not get one fixed pair)."""
    text = source.text
    hits: list[tuple[int, str]] = []
    for iid, words in INDUSTRY_WORDS.items():
        found = [text.find(w) for w in words if len(w) > 1 and w in text]
        if found:
            hits.append((min(found), iid))
    out = [iid for _, iid in sorted(hits)]
    out += [iid for r in rows for iid in sorted(product_industries(r)) if iid not in out]
    left = [i for i in INDUSTRIES if i not in out]
    pick = int(hashlib.sha256(source.key.encode()).hexdigest(), 16)
    while left and len(out) < n:  # a pair of notes rarely gets the same pair (1 in 90)
        out.append(left.pop(pick % len(left)))
        pick //= len(left) + 1
    return out[:n]


def _scene_customer(industry: str, namer: Namer | None = None) -> tuple[str, str, str]:
    """(一家宾馆, 总经理, what the decision maker says worries them) of an industry's cast; with a
    ``namer`` the place is the fictional company (锦华宾馆) its key gives for that industry."""
    cast = industry_cast(industry)
    boss = next((d for d in cast.departments if d.role == "决策者"), cast.departments[0])
    noun = cast.noun
    if namer is not None:
        place = Namer(namer.key, industry, forbidden=namer.forbidden).company(f"〔企业{industry}〕")[1]
        return f"{place}（{'一所' if noun.endswith('学校') else '一家'}{noun}）", boss.title, boss.worry
    return f"{'一所' if noun.endswith('学校') else '一家'}{noun}", boss.title, boss.worry


def _internal(kind: str, case: Case, source: _Source, rows: list[dict[str, Any]], namer: Namer,
              rewriter: _Rewriter, *, guessed: bool = False) -> tuple[list[tuple[str, str, str]], str, list[CastMember]]:
    """Cards and public text of a scene among colleagues (:data:`INTERNAL_KINDS` but ``coaching``):
    each card holds what the note tells of that person (:func:`_said`, :func:`_own_words`) and the
    scene's setting; no customer plays. ``guessed``: the note names no product and ``rows`` is the
    region catalogue's first one (marked for review); without rows either, the product is marked
    missing, never invented."""
    own = _own_side_in_case(case)
    region = case.region or "本地"
    products = [str(r["local_name"]) for r in rows] or [p for p in case.products if "【" not in p]
    product = products[0] if products else "这个产品"
    which = (missing(f"讲哪个产品（记录没有写；这里先用本地产品目录的第一个：{product}，请核实）") if guessed and rows
             else missing("讲哪个产品（记录没有写）") if not products else "")
    label = KIND_LABELS[kind]
    tail = "每位扮演者只看自己的角色卡；别人卡上的情况，要靠提问才知道。"
    if kind in ("se_training", "visit_prep"):
        se = CastMember("支撑人员", own.get("se") or namer.full_name("se", "支撑人员"))
        words = _own_words(source, rewriter)
        se_knows = _said(source, (*_TRAINING_SE, *_PREP_SE) if kind == "se_training" else _PREP_SE, product=product)
        if kind == "se_training":
            am1 = CastMember("客户经理", own.get("am") or namer.full_name("客户经理甲", "客户经理"))
            am2 = CastMember("客户经理", namer.full_name("客户经理乙", "客户经理"))
            public = "\n\n".join([
                f"{region}分公司。{'、'.join(products) or product}已经上线，分公司请支撑人员给客户经理讲一次。{which}",
                f"本次角色扮演是一次{label}：{se.heading}给{am1.heading}和{am2.heading}讲{product}。"
                "两位客户经理下周都要去见客户，想要一句能对老板说的话。",
                tail])
            words = [re.sub(r"^(做|没有|是|对|嗯|有)，", "", w) for w in words]
            se_private = [*se_knows, *(["你自己说过的话：" + "".join(words)] if words and not se_knows else [])]
            if rows:
                se_private.append("产品资料（本地产品目录）：\n\n" + "\n".join(_product_line(r, True) for r in rows))
            am_tail = "支撑人员讲到你听不懂的词，你就问：这对客户有什么用？只有支撑人员问到你要见的客户，你才说出他们的情况。"
            first, second = (_scene_customer(i, namer) for i in _scene_industries(source, rows, 2))
            blocks = [
                (se.heading, f"让两位客户经理听完就能对要见的客户说出一句话：{product}帮他解决什么麻烦、多少钱；"
                             "先问他们要卖给谁，再讲；不讲技术术语；约好第一次一起去的客户。",
                 "\n\n".join(se_private)),
                (am1.heading, f"听完能对你要见的{first[1]}说出一句话：这个东西帮他解决什么麻烦、多少钱。",
                 "\n\n".join([f"下周你要去见{first[0]}的{first[1]}。上次见面时{first[1]}随口说过：{first[2]}。",
                              *_said(source, _TRAINING_AM1, product=product), am_tail])),
                (am2.heading, "弄清这个东西哪些部分能演示、怎样演示，敢带客户来看。",
                 "\n\n".join([f"下周你要去见{second[0]}的{second[1]}。上次见面时{second[1]}随口说过：{second[2]}。",
                              *_said(source, _TRAINING_AM2, product=product), am_tail])),
            ]
            return blocks, public, [se, am1, am2]
        am = CastMember("客户经理", own.get("am") or namer.full_name("am", "客户经理"))
        visited = _scene_industries(source, rows, 1)[0]
        place, boss_title, boss_worry = _scene_customer(visited)
        company = Namer(source.key, visited, forbidden=namer.forbidden).company("〔企业A〕")[1]
        public = "\n\n".join([
            f"{am.name}下周要去拜访{company}（{region}的{place}），想请支撑人员{se.name}一起去，谈{product}。{which}",
            f"本次角色扮演是一次{label}：{am.heading}和{se.heading}商量客户是做什么的、谁问什么、"
            "谁讲什么、拜访后方案谁写。", tail])
        am_private = [f"你知道的客户情况：{company}的{boss_title}上次随口说过：{boss_worry}。其他部门你还没见过。",
                      *_said(source, _PREP_AM, product=product)]
        if rows:
            am_private.append("你想卖的产品（本地产品目录）：\n\n" + "\n".join(_product_line(r) for r in rows))
        se_private = [*(["你心里的想法（你自己说过的话）：" + "".join(words)] if words else []), *se_knows]
        se_private.append("客户经理不问，你就不主动说出上面的想法。" if se_private
                          else missing("支撑人员自己的想法和难处（记录里没有写）"))
        blocks = [
            (am.heading, "让支撑人员愿意一起去、知道客户要什么；说好拜访时你问需求、他回答技术问题；方案早点拿到。",
             "\n\n".join(am_private)),
            (se.heading, "先弄清客户是做什么生意的、要什么，再决定讲什么；说好方案谁写、什么时候要、你需要客户经理给什么。",
             "\n\n".join(se_private)),
        ]
        return blocks, public, [am, se]

    manager = CastMember("销售经理", own.get("sm") or namer.person("sm", "经理"))
    am1 = CastMember("客户经理", own.get("am") or namer.full_name("客户经理甲", "客户经理"))
    am2 = CastMember("客户经理", namer.full_name("客户经理乙", "客户经理"))
    words = _own_words(source, rewriter)
    mine = _said(source, _SM_MANAGER, product=product, am=am1.name)
    told = re.sub(r"\W", "", "".join(mine))
    words = [w for w in words if re.sub(r"\W", "", w) not in told]
    mine += [f"你自己说过的话：{''.join(words)}"] if words else []
    product_list = ("今年主推的产品（本地产品目录）：\n\n" + "\n".join(_product_line(r) for r in rows)) if rows else ""
    if kind == "pipeline_review":
        practice = [_QUOTE_CHARS.sub("", re.sub(r"^\d+[.、]\s*", "", rewriter.names(t))).replace("她", "你")
                    .replace("他", "你") for _, t in source.story if re.match(r"^\d+[.、]", t)]
        public = "\n\n".join([
            f"{region}的一个分公司，周一早上。{manager.heading}开每周半小时的重点客户例会。",
            f"本次角色扮演是一次{label}：{am1.heading}和{am2.heading}各自拿出重点客户清单，经理和他们一起过。",
            tail])
        manager_private = [*(["你的做法：" + "".join(p if p.endswith("。") else p + "。" for p in practice)]
                             if practice else mine), product_list]
        am1_private = ("你负责开发区，客户大、周期长。你的重点客户清单有三家：一家已经报了价在等回复；一家谈了两个月还不知道谁拍板；"
                       "一家刚见过一次。")
        am1_more = _said(source, ((r"查岗", "你原以为周一的会是查岗，只想报好消息；经理问到具体客户，你才说出卡在哪一步。"),))
        am2_private = (f"你是新人，跟老客户经理跑了一个月，刚开始单独负责乡镇片区，主推{product}。"
                       "你的清单上有两家，你说不清他们走到了哪一步；只有经理问到，你才说你想请经理陪你去一次。")
        blocks = [
            (manager.heading, "半小时里过一遍两位客户经理的重点客户：每个客户在销售漏斗哪一步、下一步做什么、需要谁帮忙；"
                              "卡住的当场商量办法；定下本周陪谁去哪家。", "\n\n".join(p for p in manager_private if p)),
            (am1.heading, "卡住的大客户希望有人帮一把；不想让例会变成挨批。", "\n\n".join([am1_private, *am1_more])),
            (am2.heading, "弄清自己的客户该怎么往下走。", am2_private),
        ]
        return blocks, public, [manager, am1, am2]
    if kind == "ride_along_debrief":
        ranked = bool(re.search(r"排名", source.text))
        last = bool(re.search(r"倒数", source.text))
        place, boss, worry = _scene_customer(_scene_industries(source, rows, 1)[0])
        public = "\n\n".join([
            f"{region}的一个分公司。{manager.heading}第一次陪{am1.heading}拜访客户：{place}的{boss}，谈{product}。{which}"
            + (f"上个月的例会上念了排名，{am1.name}是最后一名。" if ranked
               else f"{am1.name}的业绩老是倒数。" if last else ""),
            f"本次角色扮演是一次{label}：拜访刚结束，两人在回去的路上谈刚才的拜访。", tail])
        manager_private = [*mine,
                           f"刚才你看到的：{am1.name}一进门就介绍{product}的功能，没问{boss}有什么麻烦；{boss}问多少钱，"
                           f"{am1.name}马上说可以打折；{boss}说再考虑考虑，没有约下一次。中间{boss}提过一句自己的麻烦"
                           f"（{worry}），{am1.name}没接着问。",
                           product_list]
        coached = _said(source, _COACHED_AM, product=product)
        if not ranked:  # the 念排名 line is only for a note that tells of it
            coached = [c for c in coached if "排名" not in c]
        am_private = [f"刚才的拜访：你一进门就介绍{product}的功能；{boss}问多少钱，你说可以打折；{boss}说再考虑考虑。"
                      f"你觉得这位{boss}就是嫌贵。",
                      *coached,
                      f"其实{boss}提过一句自己的麻烦：{worry}。你没接着问；只有经理问你{boss}说了什么，你才想起来。"]
        blocks = [
            (manager.heading, f"让{am1.name}愿意改：先听对方说，肯定一件做得好的事，具体指出一处可以改的地方，一起练一遍，约好下一次陪访。",
             "\n\n".join(p for p in manager_private if p)),
            (am1.heading, "知道自己差在哪儿、下次怎么做；不想再挨批。", "\n\n".join(am_private)),
        ]
        return blocks, public, [manager, am1]
    if kind == "launch_planning":
        target = _target_phrase(source.text)
        other = next((p for p in products[1:] if p in source.text), "")
        public = "\n\n".join([
            f"{region}的一个县分公司。{product}要开始卖了" + (f"，上面给的指标是{target}" if target else "") + "。",
            f"本次角色扮演是一次{label}：{manager.heading}和{am1.heading}、{am2.heading}商量先卖给谁、"
            "每人负责多少、前两周先拜访谁。", tail])
        am1_private = ((f"你手上的企业客户里，有好几家已经用了{other}（内部互打免费），老板们常抱怨手机话费高。"
                        if other else "你手上有几十家企业客户，用着你们的固话和宽带，老板们常抱怨手机话费高。")
                       + "只有经理问到你的客户用着什么，你才说出来。")
        am2_private = (f"你觉得卖{product}是营业厅的事；客户问起机型和价格你答不上来。"
                       "你担心捆着固话卖，客户不要，指标完不成。")
        blocks = [
            (manager.heading, f"和两位客户经理定下{product}先卖给哪类客户、为什么、每人负责多少、前两周先拜访谁。",
             "\n\n".join(p for p in [*mine, product_list] if p)),
            (am1.heading, "指标要和自己手上的客户对得上。", am1_private),
            (am2.heading, "弄清这东西怎么卖、卖给谁，指标定得能完成。", am2_private),
        ]
        return blocks, public, [manager, am1, am2]
    if kind == "market_choice":
        public = "\n\n".join([
            f"{region}的一个分公司。今年重点推{product}，下半年要拿出一两个能当案例讲的样板客户。",
            f"本次角色扮演是一次{label}：{manager.heading}和{am1.heading}、{am2.heading}一起选样板行业、定样板客户。",
            tail])
        blocks = [
            (manager.heading, f"和两位客户经理选一两个行业做{product}的样板：说清为什么选它、先做哪几家、做成后怎么推广。",
             "\n\n".join(p for p in [*mine, product_list] if p)),
            (am1.heading, "选的行业要是自己片区有的。",
             f"你负责城区，片区里有十来家宾馆和几家民营医院；你做过的客户里有两家宾馆，用得还不错。只有经理问到你片区有哪些行业，你才说出来。"),
            (am2.heading, "别让自己的片区吃亏。",
             "你负责开发区，工厂多；你做过的几家客户行业各不相同，你觉得哪个行业都能卖，不想只盯一个行业。"),
        ]
        return blocks, public, [manager, am1, am2]
    # support_coordination
    se = CastMember("支撑人员", own.get("se") or namer.full_name("se", "支撑人员"))
    public = "\n\n".join([
        f"{region}的一个分公司。{am1.name}和{am2.name}都约了支撑人员{se.name}在同一天上午去客户那里讲{product}的方案，时间冲突。",
        f"本次角色扮演是一次{label}：{manager.heading}、{se.heading}和两位客户经理一起定下来先去哪家，以后怎么约。",
        tail])
    se_private = ("以前谁叫你就去，排不开就先来后到。这次两个客户经理约在同一天上午；你只有一个人，方案也要你写。"
                  "你希望以后有人替你定先去哪家，方案给你留出时间。")
    blocks = [
        (manager.heading, "弄清两个单子各走到了哪一步、多大，由你定下支撑人员先去哪家；再定以后约支撑人员的办法。",
         "\n\n".join(p for p in [*mine, product_list] if p)),
        (se.heading, "别再一天跑几家、熬夜写方案；有人按单子的大小替你定先后。", se_private),
        (am1.heading, "支撑人员这次一定要先来你这家。",
         "你的客户是一家三百人的工厂，已经见过总经理，这次讲方案要见信息主管和财务，客户只有这一天有空。"
         "只有经理问到，你才说出客户走到了哪一步。"),
        (am2.heading, "你先约的，支撑人员应该先来你这家。",
         "你的客户是一家二十人的贸易公司，只见过一次，对方说哪天都行。你是先约的支撑人员，觉得应该先来后到。"),
    ]
    return blocks, public, [manager, se, am1, am2]


# ------------------------------------------------------------------------------------ helpers


def label_or(stage: str, default: str) -> str:
    """The case's funnel step, or the label of ``default`` when it is still missing."""
    if stage and "【待补充" not in stage:
        return stage
    return FUNNEL_STAGES[default].label
