"""Drafting a teaching case from one coded, redacted interview note (``docs/cases.md``).

A draft reads as the seed's cases do — a titled story (锦华宾馆的苦恼), not a transcript: a
background in prose, the people (fictional full names and titles), what happened (third person;
the interviewer's questions are gone, the interviewee's answers become the character's actions or
words “……”), the dilemma and the questions; then, for the trainer only, a teaching note with its
ten parts (:mod:`casekit.authoring.teaching_note`), what the note does not say (``待核实``) and the
sources.

The kind of case follows the note's population: an account manager's note gives a sales case
about a customer, a support engineer's a support case (the neutral expert, 隐性销售, the five key
links), a sales manager's a management case (target breakdown, process control, coaching). The
modules linked are those of the population's course outline.

Names: every placeholder (〔企业A〕, 〔甲〕), the interviewee and the customer's people get consistent
fictional names from :class:`casekit.authoring.cast.Namer` (``key`` = the note id), never a name the
bundle's raw notes or roster hold. The keys it names people by (for the role-play drafted from the
same note): the interviewee's role ``am`` / ``se`` / ``sm``, the partner ``am`` or ``se``, a
placeholder as written (``〔甲〕``), a customer's title as written (``院长``), the company ``〔企业A〕``.

The consultant's remarks (``顾问备注：``, ``备注：``, sentences such as “可作为……的示范”) never enter
the story: they become the teaching note's analysis. What the note does not tell is written
``【待补充：……】`` and listed under ``待核实`` — never invented. The same note and bundle always give
the same draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from casekit.authoring.cases import Case, missing
from casekit.authoring.cast import Namer, department_for_title, forbidden_text, industry_cast, pronoun_gender
from casekit.authoring.teaching_note import (
    ANALYSIS_PHRASES,
    MANAGEMENT_STEPS,
    SM_TOPICS,
    discussion_plan,
    plan_steps,
    teaching_note_markdown,
)
from casekit.domain import FUNNEL_STAGES, INDUSTRIES, POPULATIONS, label, lookup
from casekit.exceptions import NoteNotFoundError
from casekit.file_ids import check_file_id, normalize_id
from casekit.language import tr

__all__ = [
    "CODE_DIMENSIONS",
    "CODE_MODULES",
    "FIVE_KEY_LINKS",
    "INSTEAD",
    "OBJECTIVES",
    "HERO_TITLES",
    "OWN_SIDE_WORDS",
    "QUESTION_TEMPLATES",
    "TEACHING_POINTS",
    "default_case_id",
    "draft_case",
    "self_interactions",
]

#: The research dimension each (non-dimension) code of the default frame is about.
CODE_DIMENSIONS: Mapping[str, str] = {
    "price_selling": "sales", "weak_product_knowledge": "product", "weak_industry_knowledge": "industry",
    "training_no_transfer": "management", "weak_team_selling": "sales",
    "technical_language": "communication", "ignores_market": "market", "no_sales_skills": "market",
    "no_market_strategy": "strategy", "results_only": "process", "unknown_time_use": "process",
    "weak_leadership": "leadership",
    "asks_needs_first": "customer", "joint_visit": "sales", "finds_decision_maker": "customer",
    "customer_language_value": "communication", "hidden_selling": "communication",
    "department_needs": "customer", "process_coaching": "process",
    "price_opening": "sales", "free_trial": "sales", "jargon": "communication", "no_next_step": "sales",
    "relationship_only": "sales", "missed_needs": "customer", "unknown_decision_maker": "customer",
}

#: Population → code → the module of that population's outline that trains it.
CODE_MODULES: Mapping[str, Mapping[str, str]] = {
    "account_manager": {
        "price_selling": "am_transformation", "price_opening": "am_transformation", "free_trial": "am_transformation",
        "weak_product_knowledge": "am_transformation", "relationship_only": "am_transformation",
        "missed_needs": "am_needs_basics", "asks_needs_first": "am_needs_basics",
        "department_needs": "am_needs_basics", "unknown_decision_maker": "am_needs_basics",
        "finds_decision_maker": "am_needs_basics", "no_next_step": "am_needs_basics",
        "joint_visit": "am_needs_basics", "hidden_selling": "am_needs_basics", "weak_team_selling": "am_needs_basics",
        "weak_industry_knowledge": "am_industry_solutions", "customer_language_value": "am_industry_solutions",
        "jargon": "am_industry_solutions", "technical_language": "am_industry_solutions",
    },
    "support_engineer": {
        "technical_language": "se_consultative", "jargon": "se_consultative",
        "customer_language_value": "se_consultative", "price_selling": "se_consultative",
        "price_opening": "se_consultative", "free_trial": "se_consultative",
        "weak_product_knowledge": "se_key_links", "training_no_transfer": "se_key_links",
        "joint_visit": "se_key_links", "hidden_selling": "se_key_links", "weak_team_selling": "se_key_links",
        "asks_needs_first": "se_customer_problem", "missed_needs": "se_customer_problem",
        "department_needs": "se_customer_problem", "finds_decision_maker": "se_partnership",
        "unknown_decision_maker": "se_partnership",
        "ignores_market": "se_mindset", "no_sales_skills": "se_mindset",
    },
    "sales_manager": {
        "results_only": "sm_managing_sales", "process_coaching": "sm_managing_sales",
        "unknown_time_use": "sm_managing_sales", "no_market_strategy": "sm_leadership",
        "ignores_market": "sm_leadership", "weak_leadership": "sm_people", "training_no_transfer": "sm_people",
        "price_selling": "sm_sales_process", "missed_needs": "sm_sales_process", "no_next_step": "sm_sales_process",
    },
}
_DEFAULT_MODULE = {"account_manager": "am_needs_basics", "support_engineer": "se_key_links",
                   "sales_manager": "sm_managing_sales"}

#: The support engineer's five key links to a sale (the seed's 技术支持人员成功的五个关键环节).
FIVE_KEY_LINKS: tuple[str, ...] = (
    "给客户经理做产品培训", "和客户经理联合拜访", "提问找到客户的“伤口”（潜在需求）",
    "方案销售（价值三角：客户的问题、解决办法、得到的好处）", "服务销售（用好服务带来下一单）",
)
_LINK_OF = {
    "weak_product_knowledge": 0, "training_no_transfer": 0,
    "joint_visit": 1, "hidden_selling": 1, "weak_team_selling": 1,
    "asks_needs_first": 2, "missed_needs": 2, "department_needs": 2,
    "customer_language_value": 3, "technical_language": 3, "jargon": 3, "price_selling": 3,
    "relationship_only": 4, "no_next_step": 4,
}

#: The interviewee's title per population (the story's main character).
HERO_TITLES: Mapping[str, str] = {"account_manager": "客户经理", "support_engineer": "支撑工程师",
                                  "sales_manager": "分公司经理"}
_NO_INDUSTRY = {"account_manager": "行业", "support_engineer": "客户的行业",
                "sales_manager": "行业（管理案例写团队主要面对的客户行业）"}
_NO_STAGE = {"account_manager": "漏斗阶段", "support_engineer": "漏斗阶段",
             "sales_manager": "漏斗阶段（管理案例写管理者要检查的那一步）"}
#: How a note names its protagonist, by population (for the pronouns that give their gender).
_HERO_WORDS: dict[str, tuple[str, ...]] = {
    "account_manager": ("客户经理", "这位客户经理"),
    "support_engineer": ("支撑人员", "支撑工程师", "工程师"),
    "sales_manager": ("主任", "经理", "主管", "负责人"),
}
_HERO_KEYS = {"account_manager": "am", "support_engineer": "se", "sales_manager": "sm"}

#: Discussion questions per population and code: {hero} is the main character, {partner} the
#: account manager or support engineer beside him, {customer} the customer company.
QUESTION_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "account_manager": {
        "price_selling": "{hero}为什么一开口就谈价格、申请折扣？如果先问{customer}各部门的麻烦，会怎样？",
        "price_opening": "{hero}为什么一开口就谈价格？如果先问{customer}现在遇到了什么麻烦，会怎样？",
        "free_trial": "免费试用为什么没有让{customer}用起来？到期收费时客户的反应说明了什么？",
        "missed_needs": "{hero}没有问清楚哪些需求？请列出你会向{customer}各部门提的三个问题。",
        "weak_industry_knowledge": "要读懂{customer}这个行业，拜访前应该了解哪些情况（经营特点、淡旺季、客源、各部门）？",
        "weak_product_knowledge": "{hero}对产品的了解缺了什么？怎样把产品功能说成{customer}能得到的好处？",
        "weak_team_selling": "这一单里{hero}和支撑工程师应该怎样分工？",
        "jargon": "哪些话是技术术语？换成客户的语言该怎么说？",
        "technical_language": "哪些话客户听不懂？换成客户的语言该怎么说？",
        "no_next_step": "拜访结束时，{hero}应该和客户约定什么下一步？",
        "relationship_only": "只靠关系能走多远？除了关系，{hero}还能给{customer}带来什么价值？",
        "unknown_decision_maker": "在{customer}里谁拍板、谁把关、谁在用？{hero}应该怎样找到并接触他们？",
        "asks_needs_first": "{hero}问了哪些问题？这些问题为什么让客户愿意说出自己的麻烦？",
        "joint_visit": "{hero}和{partner}事先是怎样分工的？这种分工为什么有效？",
        "hidden_selling": "{partner}在什么时候、用什么方式出场？为什么说这是“隐性销售”？",
        "customer_language_value": "产品的价值是用谁的语言讲出来的？举出案例中的一句话。",
        "finds_decision_maker": "{hero}是怎样找到决策人的？各位决策人关心的分别是什么？",
        "department_needs": "{customer}的各个部门分别有什么需求？{hero}是怎样逐一找到的？",
    },
    "support_engineer": {
        "technical_language": "{hero}的哪些话客户和客户经理听不懂？换成客户的语言该怎么说？",
        "jargon": "哪些话是技术术语？作为中立的专家，{hero}该怎样讲客户才听得进去？",
        "weak_product_knowledge": "{hero}对自己支撑的产品还缺哪些了解？演示不出来，对客户经理意味着什么？",
        "training_no_transfer": "{hero}给客户经理的产品培训为什么没有让他们会卖？培训应该讲什么、怎么讲？",
        "weak_team_selling": "客户经理和{hero}应该在什么时候一起做前期分析？各自负责什么？",
        "joint_visit": "拜访前，{partner}和{hero}是怎样分工的？这种分工为什么有效？",
        "hidden_selling": "{hero}在什么时候出场、说了什么、没说什么？为什么说这是“隐性销售”？",
        "customer_language_value": "{hero}是怎样用客户的话讲产品价值的？举出案例中的一句话。",
        "asks_needs_first": "支撑工程师怎样通过提问找到客户的“伤口”？案例中有哪些好问题？",
        "missed_needs": "如果先问客户的麻烦，{hero}会问哪三个问题？",
        "finds_decision_maker": "客户那边谁是技术把关的人？{hero}怎样让他放心？",
        "price_selling": "价格战里，支撑工程师能帮客户经理做什么，让客户看到价格以外的价值？",
        "ignores_market": "{hero}对市场和竞争对手了解多少？这对方案有什么影响？",
    },
    "sales_manager": {
        "results_only": "只在月底看结果，会让客户经理怎样做事？{hero}可以在销售漏斗的哪几步看过程？",
        "no_market_strategy": "{hero}的片区应该先卖给谁？做市场分析要看哪些数据？",
        "process_coaching": "{hero}是怎样管过程、带下属的？哪些做法可以推广？",
        "unknown_time_use": "客户经理每天的时间花在哪里，{hero}怎样才能知道？",
        "weak_leadership": "下属眼中的{hero}是什么样的管理者？他最需要改变的是什么？",
        "training_no_transfer": "培训学到的方法为什么没有用到销售中？{hero}能做些什么？",
        "price_selling": "客户经理都在打价格战，{hero}应该怎样辅导他们？",
        "missed_needs": "{hero}怎样在陪访和辅导中教会客户经理问需求？",
    },
}

#: Teaching points per code (the wrap-up of the teaching note).
TEACHING_POINTS: Mapping[str, str] = {
    "price_selling": "价格不是客户的需求：以价格开场把产品变成了比价的商品",
    "price_opening": "以价格优惠开场，客户只会记住价格",
    "free_trial": "没有需求的免费试用不会让客户用起来，到期反而更难收费",
    "missed_needs": "先诊断后开药：按部门提问，挖掘客户的需求和痛点",
    "weak_industry_knowledge": "拜访前收集客户全貌信息：行业特点、经营状况、各部门的麻烦",
    "weak_product_knowledge": "熟悉产品：能把功能讲成客户的好处，能当着客户演示",
    "weak_team_selling": "团队销售：客户经理与支撑人员分工协作",
    "training_no_transfer": "把培训的方法用到每一次拜访中",
    "technical_language": "用客户的语言讲价值，不讲技术术语",
    "jargon": "用客户的语言讲价值，不讲技术术语",
    "no_next_step": "每次拜访结束都要约定下一步行动",
    "relationship_only": "关系是敲门砖，价值才是成交的理由",
    "unknown_decision_maker": "找到并接触所有决策人：拍板的、把关的、使用的",
    "asks_needs_first": "先提问挖掘需求，再谈产品",
    "joint_visit": "联合拜访：事先分工，客户经理掌控节奏",
    "hidden_selling": "隐性销售：支撑人员作为中立的专家，在需求明确后才出场演示",
    "customer_language_value": "用客户的语言讲价值：客户关心的是能不能解决自己的麻烦",
    "finds_decision_maker": "找到决策人，按各自的关注点沟通",
    "department_needs": "按部门找需求：每个部门的麻烦都是一个切入点",
    "process_coaching": "管过程、带下属：关注销售漏斗每一步",
    "results_only": "管理销售过程，而不只是结果：结果是过程做出来的",
    "no_market_strategy": "先做市场分析，再定销售策略：先想清楚卖给谁，再分解目标",
    "unknown_time_use": "知道下属的时间花在哪里，才谈得上管理",
    "weak_leadership": "领导者的核心工作是人：辅导下属，而不是替他们做事",
    "ignores_market": "了解市场和竞争对手，方案才有说服力",
    "no_sales_skills": "支撑人员也要会销售：理解客户的生意",
}

_WEAK_GROUPS = ("failure", "am_weakness", "se_weakness", "sm_weakness")
_SUCCESS_WORDS = ("签了", "签约", "成交", "签下", "拿下", "中标", "点头")
_FAILURE_WORDS = ("没下文", "丢单", "丢了", "没签", "没有签", "没谈成", "不了了之", "黄了", "没成")
_SUCCESS_TAGS = ("成功案例", "成功")
_FAILURE_TAGS = ("失败案例", "失败")
_REMARK = re.compile(r"^\s*(顾问备注|备注|顾问点评|点评|顾问意见|我们的看法|我们的判断|顾问的看法|复盘|建议|要点)\s*[：:]\s*")
#: Sentences of a narrative note that are the consultant speaking, not the story.
_REMARK_SENTENCE = re.compile(r"我们请|我们让|我们建议|顾问建议|复盘时我们|问题集中在|普遍|可作为|可以作为|可以改编|改编成|这正是|正是我们|我们说的|这反映|反映出|说明了|典型的|值得注意")
_LABEL = re.compile(r"^\s*(随访复盘|随访后复盘|陪访复盘|背景|演示厅考察|考察|记录|原话|观察|情况|现场|结果|经过|后来)\s*[：:]\s*")
#: A line of a field record that names the method or the place, not a sentence of the story.
_METHOD_LINE = re.compile(r"^\s*(随访|陪访|跟访|演示厅考察|考察|360°?访谈|360度访谈|访谈|座谈|现场)[^。！？：:]{0,30}?(记录)?[。：:]?\s*$"
                          r"|^\s*(随访|陪访|跟访)\s*[：:][^。！？]{0,30}。?$")
#: Own-side words a customer title must never be matched inside (客户经理 is not a 经理 of the customer).
OWN_SIDE_WORDS: tuple[str, ...] = ("大客户经理", "客户经理", "销售经理", "产品经理", "项目经理", "区域经理", "渠道经理",
                                   "分公司经理", "营销中心经理", "营销中心主任", "支撑人员", "支撑工程师", "客户主任",
                                   "分局长", "支局长")
_QUOTED = re.compile(r"[\"“「]([^\"”」\n]{1,200})[\"”」]")
_COMPANY = re.compile(r"〔企业([A-Z]+)〕")
_PERSON = re.compile(r"〔([^〔〕企模]{1,3})〕")
_NUMBER_PLACEHOLDERS = {"手机号": "手机", "电话": "电话", "服务电话": "服务电话", "身份证号": "身份证",
                        "邮箱": "邮箱", "QQ号": "QQ", "微信号": "微信"}
#: Customer titles named in a story besides those of the industry's cast.
_EXTRA_TITLES = ("老板娘", "老板", "院长", "校长", "店长", "厂长", "总经理", "董事长")
_NOT_PEOPLE = ("财务", "会计", "行政", "网管", "总")  # departments or too short to be a person in a sentence
_SHORT_TITLE = re.compile(r"(科长|主任|经理|院长|厂长|店长|校长|主管|老板娘|老板)$")
_SHORT_OF = {"支撑工程师": "工", "支撑人员": "工", "客户经理": "经理", "总经理": "总"}
#: A company placeholder's ending as the note wrote it (〔企业B〕超市 → 超市).
_COMPANY_ENDING = re.compile(r"^([\u4e00-\u9fff]{1,5}?)(?=[^\u4e00-\u9fff]|那|的|这|里|和|是|在|说|有|$)")
_SUBJECTLESS = ("觉得", "习惯", "对", "说", "不知道", "不清楚", "没有", "没", "问", "让", "看", "跟", "找",
                "给", "去", "打", "用", "讲", "带", "只", "先", "再", "一般", "平时", "每天", "月底", "认为", "希望",
                "知道", "想", "准备", "打算", "负责", "跑", "约", "报")
_OPINION = ("那没办法", "没办法", "估计", "其实", "反正", "可能", "应该", "大概", "说实话", "那", "嗯")
_YES = ("做", "对", "是", "有", "会", "嗯", "是的", "当然", "问过", "讲过", "用过")
_NO = ("没有", "没", "不", "不是", "不会", "没问", "没细问")
_SIZE = re.compile(r"([一二三四五六七八九十两百千\d]+)\s*[多余]?\s*(家连锁|家店|家分店|个分店|间客房|间房|张床位|个床位|张床|名员工|个员工|"
                   r"名医生|个科室|个班|名学生|层楼|个门店|台车)")
#: The customer's kind as a note may say it (一家物流公司) when it is not one of the list's industries.
_INDUSTRY_WORD = re.compile(r"(?<![另每])一家([\u4e00-\u9fff]{2,3}?(?:公司|厂|医院|宾馆|酒店|超市|学校|餐厅|商场))")
#: An industry as the story's background names the customer's kind (一家房地产开发公司).
_INDUSTRY_NOUNS: Mapping[str, str] = {"real_estate": "房地产开发公司", "retail": "连锁超市", "education": "学校",
                                      "trading": "贸易公司", "manufacturing": "工厂", "bakery": "面包房",
                                      "cosmetics": "化妆品公司", "travel": "旅行社", "hotel": "宾馆", "hospital": "医院"}
_VISIT_WORDS = ("拜访", "随访", "去一家", "现场", "一起去", "陪同", "联合")


# ------------------------------------------------------------------------------------ naming


@dataclass
class _Cast:
    """The case's people and company, and how the story's words become their names."""

    namer: Namer
    population: str
    hero_key: str
    hero_title: str
    industry: str | None
    company_stem: str = ""
    company: str = ""
    people: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key → (full, title, short)
    mentioned: set[str] = field(default_factory=set)
    text: str = ""  # the note's (redacted) text: its 她/他 give each person's gender

    @property
    def hero(self) -> str:
        return self.person(self.hero_key, self.hero_title)

    @property
    def partner_key(self) -> str:
        return "se" if self.population == "account_manager" else "am"

    @property
    def partner_title(self) -> str:
        return "支撑工程师" if self.population == "account_manager" else "客户经理"

    def person(self, key: str, title: str) -> str:
        """The full name of person ``key`` (named on first use)."""
        if key not in self.people:
            full = self.namer.full_name(key, title, self.gender(key, title))
            m = _SHORT_TITLE.search(title)
            short = full[0] + (_SHORT_OF.get(title) or (m.group(1) if m and len(title) > 2 else title))
            self.people[key] = (full, title, short)
        return self.people[key][0]

    def gender(self, key: str, title: str) -> str | None:
        """The person's gender as the note's pronouns tell it (None when they do not)."""
        if not self.text:
            return None
        hero_words = _HERO_WORDS[self.population]
        if key == self.hero_key:
            return pronoun_gender(self.text, hero_words, protagonist=True)
        if key in ("am", "se", "sm"):
            return None
        return pronoun_gender(self.text, tuple(w for w in (key, title) if w), hero=hero_words)

    def company_name(self, suffix: str | None = None) -> str:
        if not self.company:
            self.company_stem, self.company = self.namer.company("〔企业A〕", suffix=suffix)
        return self.company


#: Words before a title that make it a group or anyone (一群超市老板, 三个老板, 有老板问清晰度,
#: 他们有两个合伙人): such a title is never named as one fictional person.
_GROUP_BEFORE = re.compile(r"(一群|一些|这些|那些|有些|好几[个位]|几[个位]|[两三四五六七八九十几多]+[个位名]|每[个位家]|"
                           r"很多|不少|多位|所有|其他)[\u4e00-\u9fff]{0,3}$|(?:^|[，。、；：\s])有$")


def _titles(industry: str | None) -> list[str]:
    """Customer titles a story may name, longest first."""
    out: set[str] = set(_EXTRA_TITLES)
    for cast in (industry_cast(industry), industry_cast("generic")):
        for d in cast.departments:
            out.update(t for t in (d.title, *d.aliases) if len(t) >= 2)
    return sorted((t for t in out if t not in _NOT_PEOPLE and "客户" not in t), key=lambda t: (-len(t), t))


# ------------------------------------------------------------------------------------ text


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。！？!?；;\n]+[。！？!?；;]?[”」\"]?", text) if s.strip()]


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text).strip()
    text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)
    return text


def _quotes_to_chinese(text: str) -> str:
    """Straight and corner quotes as “……” (inner quotes ‘……’)."""
    out, depth = [], 0
    for ch in text:
        if ch == '"':
            out.append("“" if depth % 2 == 0 else "”")
            depth += 1
        else:
            out.append(ch)
    text = "".join(out).replace("「", "“").replace("」", "”")
    # a quote inside a quote: ‘’
    return re.sub(r"“([^“”]*)“([^“”]*)”([^“”]*)”", r"“\1‘\2’\3”", text)


def _outside_quotes(text: str, fn: Any) -> str:
    """Apply ``fn`` to the parts of ``text`` outside “……” (what someone said stays as said)."""
    parts = re.split(r"(“[^”]*”)", text)
    return "".join(p if p.startswith("“") else fn(p) for p in parts)


class _Story:
    """Turns the redacted note's words into the case's: names for placeholders, third person."""

    def __init__(self, cast: _Cast, interviewee: str, narrative_he: bool, role_words: bool,
                 narrator_consultant: bool = False, visitors: bool = False, extra_suffix: str | None = None) -> None:
        self.cast = cast
        self.narrator_consultant = narrator_consultant  # 我/我们 outside quotes: the consultant, not a character
        self.visitors = visitors  # a demo-hall visit: the consultants posed as customers
        self.interviewee = interviewee
        self.narrative_he = narrative_he  # in a narrative note 他 is the interviewee
        self.role_words = role_words  # 客户经理 / 支撑人员 mean this story's people
        self.titles = _titles(cast.industry)
        self.suffixes = sorted((*industry_cast(cast.industry).suffixes, *([extra_suffix] if extra_suffix else [])),
                               key=len, reverse=True)

    def name_companies(self, text: str) -> str:
        def company(m: re.Match[str]) -> str:
            after = text[m.end():m.end() + 8]
            suffix = next((s for s in self.suffixes if after.startswith(s)), None)
            if suffix is None:
                ending = _COMPANY_ENDING.match(after)
                suffix = ending.group(1) if ending else None
            stem, full = self.cast.namer.company(m.group(0), suffix=suffix)
            if m.group(0) == "〔企业A〕" or not self.cast.company:
                self.cast.company_stem, self.cast.company = stem, full
            return stem if suffix else full

        text = _COMPANY.sub(company, text)
        if not self.cast.company and self.suffixes and self.cast.industry:
            m = re.search("(?<![另每])一家(" + "|".join(map(re.escape, self.suffixes)) + ")", text)
            if m:  # 去一家口腔医院 → 去康宁口腔医院: the customer gets its name
                self.cast.company_name(m.group(1))
        if self.cast.company and self.cast.company_stem and self.suffixes:
            suffix = self.cast.company[len(self.cast.company_stem):]
            text = re.sub(f"(?<![另每])一家{re.escape(suffix)}", self.cast.company, text, count=1)
        return text

    def name_people(self, text: str) -> str:
        def placeholder(m: re.Match[str]) -> str:
            key = m.group(0)
            word = m.group(1)
            if word in _NUMBER_PLACEHOLDERS:
                before = text[max(0, m.start() - 2):m.start()]
                return "号码" if before.endswith(("手机", "电话", "号")) else _NUMBER_PLACEHOLDERS[word] + "号码"
            after = text[m.end():m.end() + 6]
            title = next((t for t in (*self.titles, "经理", "主任", "科长", "总", "老师", "师傅") if after.startswith(t)),
                         "")
            full = self.cast.person(key, title or "先生")
            return full[0] if title else full

        text = _drop_numbers(text)
        text = _PERSON.sub(placeholder, text)
        if self.titles:
            pattern = re.compile("(?<![\u4e00-\u9fff]{2}[的])(" + "|".join(map(re.escape, self.titles)) + ")")

            def title(m: re.Match[str]) -> str:
                t = m.group(1)
                if "各" in m.string[max(0, m.start() - 3):m.start()]:
                    return t  # 各分店店长: many people, not one
                if _GROUP_BEFORE.search(m.string[max(0, m.start() - 6):m.start()]):
                    return t  # 一群超市老板, 三个老板, 有老板问, 两个合伙人: a group or anyone, not one person
                if _inside_own_word(m.string, m.start(), t):
                    return t  # 客户经理 is ours, not a 经理 of the customer
                before = m.string[max(0, m.start() - 1):m.start()]
                if before and before in "".join(p[0][0] for p in self.cast.people.values()):
                    return t  # 周院长: already named
                key = next((k for k, (_, title_, _) in self.cast.people.items() if title_ == t), t)
                full = self.cast.person(key, t)  # 院长 after 〔乙〕院长: the same 院长
                _, _, short = self.cast.people[key]
                if key not in self.cast.mentioned and key == t:
                    self.cast.mentioned.add(key)
                    return f"{t}{full}"
                return short

            text = _outside_quotes(text, lambda part: pattern.sub(title, part))  # “老板，……”: a form of address
        return text

    def name_roles(self, text: str) -> str:
        hero = self.cast.hero
        if self.interviewee:
            text = text.replace(self.interviewee, hero)
        if self.cast.population == "sales_manager":  # 主任说…: the manager is the hero
            # a title the note also gives the manager's superior (上级主管) is the superior, not the hero
            titles = sorted({t for t in (self.cast.hero_title, "主任", "经理", "主管", "负责人")
                             if f"上级{t}" not in self.cast.text and f"上级的{t}" not in self.cast.text},
                            key=len, reverse=True) or [self.cast.hero_title]
            text = re.sub(r"(?<![\u4e00-\u9fff])(" + "|".join(titles) + r")(?=说|认为|希望|觉得|表示|自己)", hero, text)
        if self.cast.population == "account_manager":  # 客户经理 of an account manager's story is the hero
            text = re.sub(r"(?<![各给])客户经理(?![们甲乙丙])", hero, text)
        if not self.role_words:
            return text
        words = {"account_manager": ("客户经理",), "support_engineer": ("支撑工程师", "支撑人员", "工程师"),
                 "sales_manager": ()}
        partner_words = ("支撑工程师", "支撑人员") if self.cast.population == "account_manager" else ("客户经理",)
        for w in words.get(self.cast.population, ()):
            text = re.sub(f"(?<!陪同的)(?<!各){w}(?![们甲乙])", hero, text)
        partner = None
        for w in partner_words:
            if re.search(f"{w}(?![们])", text):
                partner = partner or self.cast.person(self.cast.partner_key, self.cast.partner_title)
                text = re.sub(f"{w}(?![们])", partner, text)
        return text

    def third_person(self, text: str) -> str:
        hero = self.cast.hero

        def fn(part: str) -> str:
            if self.narrator_consultant:
                part = _consultant_out(part, self.visitors)
            part = re.sub(r"我们", "他们", part)
            part = re.sub(r"我", hero, part)
            if self.narrative_he:
                part = re.sub(r"(^|[。，；！？])问(他|她)(?![们])", r"\1问起", part)  # the interviewer asked
                part = re.sub(r"(?<![其])他(?![们人])", hero, part)
                part = re.sub(r"(?<![其])她(?![们人])", hero, part)
            return part

        return _outside_quotes(text, fn)

    def words(self, text: str) -> str:
        """Names only (quotes, first person kept): the consultant's remarks and the sources."""
        text = _quotes_to_chinese(_tidy(text))
        return self.name_roles(self.name_people(self.name_companies(text)))

    def tell(self, text: str) -> str:
        """Names and third person: a sentence of the story."""
        return self.third_person(self.words(text))


def _consultant_out(part: str, visitors: bool) -> str:
    """The consultant leaves the story: ``我们问她……，她说`` is ``问起……，她说``, ``她给我看了`` is
    ``她拿出了``; at a demo hall the consultants are the visiting customers (``客人``)."""
    if visitors:
        part = re.sub(r"(我们|我)(扮成|装作|假扮成?)([^，。；]{1,20}?)来(听|看)", r"几位客人以\3的身份来\4", part)
        part = re.sub(r"(我们|我)(?=问)", "客人", part)
        part = re.sub(r"(问|给|跟|对|向)(我们|我)", r"\1客人", part)
    part = re.sub(r"(我们|我)?(再|又)?问(他|她)(?!们)", lambda m: (m.group(2) or "") + "问起", part)
    part = re.sub(r"(我们|我)问(他们|她们)", r"问起\2", part)
    part = re.sub(r"(?<![。！？；，])(?<=[^再又])(?<!^)问(他们|她们)(?=希望|想|觉得|认为|最)", r"问起\1", part)
    part = re.sub(r"(问起[^。！？；“”]*?)[。]\s*((?:他|她)(?:都|也)?(?:说|坦白说|承认))", r"\1，\2", part)
    part = re.sub(r"(他|她)(给|拿给|递给)(我们|我)看(了)?", r"\1拿出了", part)
    part = re.sub(r"(跟|对|向)(我们|我)(说|讲|抱怨|承认|坦言)", r"\3", part)
    part = re.sub(r"告诉(我们|我)", "说", part)
    part = re.sub(r"(?:随访|陪访)?复盘时", "出门后", part)
    part = re.sub(r"(?:随访|陪访)?复盘中", "回来的路上", part)
    part = re.sub(r"(我们|我)(注意到|发现|看到)", r"可以看到", part)
    return part


_NUMBER_WORD = "|".join(sorted(_NUMBER_PLACEHOLDERS, key=len, reverse=True))
_NUMBER_PH = re.compile(r"〔(" + _NUMBER_WORD + r"|座机|400/800电话)〕")


def _drop_numbers(text: str) -> str:
    """A redacted number leaves the sentence: ``（联系电话 〔电话〕）`` goes, ``留了手机 〔手机号〕`` is
    ``留了手机号``, ``电话是〔电话〕`` is ``留了电话`` — never ``电话电话号码``."""
    ph = _NUMBER_PH.pattern
    text = re.sub(r"[（(][^（）()]{0,12}?\s*" + ph + r"\s*[）)]", "", text)  # （联系电话 〔电话〕）
    text = re.sub(r"(手机号|手机|微信号|微信|QQ号|QQ|邮箱)(号码|号)?\s*[:：是为]?\s*" + ph,
                  lambda m: m.group(1) if m.group(1).endswith("号") or m.group(1) in ("邮箱",) else m.group(1) + "号",
                  text)
    text = re.sub(r"([\u4e00-\u9fff]{0,4}电话)(号码)?\s*[:：是为]?\s*" + ph, r"\1", text)
    return re.sub(r"\s*" + ph + r"\s*", "", text)  # a bare number: gone


def _inside_own_word(text: str, at: int, title: str) -> bool:
    """Whether ``title`` found at ``at`` is part of one of :data:`OWN_SIDE_WORDS` (客户经理)."""
    for word in OWN_SIDE_WORDS:
        i = word.find(title)
        if i >= 0 and at - i >= 0 and text[at - i:at - i + len(word)] == word:
            return True
    return False


def self_interactions(text: str, names: Iterable[str]) -> list[str]:
    """Where one person acts on themselves (``郭德胜问郭德胜``, ``X给X看``, ``X跟X说``) in ``text``.

    Such a sentence means the interviewer's ``我`` and the interviewee's ``她`` became the same
    character; a draft must have none.
    """
    found: list[str] = []
    for name in names:
        if len(name) < 2:
            continue
        n = re.escape(name)
        pattern = rf"{n}(?:[^，。；！？“”{{}}]{{0,2}})?(?:问|给|跟|对|向|和|帮|告诉|拿给)(?:了)?{n}"
        found += [m.group(0) for m in re.finditer(pattern, text)]
    return found


def _question_statement(question: str, hero: str) -> str:
    q = re.sub(r"^\s*问\s*[：:]\s*", "", question).strip()
    q = re.sub(r"[？?。]+$", "", q)
    q = q.replace("你们", "他们").replace("您", hero).replace("你", hero)
    q = re.sub(r"(吗|呢|吧)$", "", q)
    return q


def _answer_to_story(question: str | None, answer: str, story: _Story) -> str:
    """One answer as the story tells it (the question is gone)."""
    hero = story.cast.hero
    a = re.sub(r"^\s*答\s*[：:]\s*", "", answer).strip()
    lead, action = "", ""
    m = re.match(r"^[（(]([^）)]{1,12})[）)]\s*", a)
    if m:
        action = "笑了笑" if m.group(1) == "笑" else m.group(1)
        lead = f"{hero}{action}，"
        a = a[m.end():]  # a stage direction of the record: the character's gesture, never a label
    if question is not None:
        q = _question_statement(question, hero)
        first = re.split(r"[，。！？,]", a, maxsplit=1)[0]
        yes_no = bool(re.search(r"有没有|是不是|会不会|能不能|吗[？?]?\s*$", question.strip()))
        if yes_no and (first in _NO or first in _YES):  # 问起……，X想了一会儿，说：“没细问。……”
            topic = story.words(_question_statement(question, ""))
            said = story.words(a).replace("“", "‘").replace("”", "’")
            return f"问起{topic}，{hero}{action + '，' if action else ''}说：“{said}”"
        if re.search(r"怎么看|怎么想|什么反应|怎么说|什么意见", q):  # others' views: the hero reports them
            topic = re.sub(r"(怎么看|怎么想|什么反应|怎么说|什么意见)$", "的看法", q)
            said = story.words(a).replace("“", "‘").replace("”", "’")
            return f"说起{story.words(topic)}，{hero}{action}说：“{said}”"
        if a.startswith(_OPINION) or len(a) <= 8:
            said = story.words(a).replace("“", "‘").replace("”", "’")
            return f"谈到{story.words(q)}，{hero}{action}说：“{said}”"
    told = story.tell(a)
    if hero not in told[:12] and told.startswith(_SUBJECTLESS):
        told = hero + told
    return lead + told


def _paragraph_to_story(text: str, story: _Story) -> str:
    """A paragraph of a narrative note as the story tells it."""
    hero = story.cast.hero
    t = re.sub(r"^\s*\d+[.、．)]\s*", "", text.strip())
    label = _LABEL.match(t)
    if label:
        t = t[label.end():]
        if label.group(1) == "原话":
            inner = _QUOTED.search(t)
            said = story.words(inner.group(1) if inner else t).replace("“", "‘").replace("”", "’")
            return f"{hero}说：“{said}”"
    t = re.sub(r"[；;]\s*$", "。", t)
    t = re.sub(r"^(随访|陪访|跟访|陪同拜访)([^，。；]{2,20})[，。]", lambda m: f"{story.cast.hero_key and '〔HERO〕'}这次去{m.group(2)}拜访，", t)
    told = story.tell(t).replace("〔HERO〕", hero)
    if told.startswith(_SUBJECTLESS) and not told.startswith(("问起", "再问起", "说起")):
        told = hero + told
    if told and told[-1] not in "。！？”：":
        told += "。"
    return told


# ------------------------------------------------------------------------------------ drafting


def default_case_id(note_id: str, note_ids: Iterable[str] = ()) -> str:
    """The id of the case drafted from ``note_id``: ``C`` + its digits (N002 → C002).

    When another of ``note_ids`` has the same digits (GX01 and YN01 would both be C01), the whole
    note id is used instead (CGX01, CYN01), so drafting every note never writes one file twice.
    """
    def digits(n: str) -> str:
        return re.sub(r"\D", "", n) or n

    mine = digits(note_id)
    if any(digits(str(other)) == mine and str(other) != note_id for other in note_ids):
        return "C" + re.sub(r"[^A-Za-z0-9_.-]", "", note_id)
    return f"C{mine}"


def draft_case(bundle: Any, note_id: str, *, case_id: str | None = None, analysis: Any = None,
               minutes: int | None = None, roleplay: bool = True) -> Case:
    """Draft a teaching case — a story with a teaching note — from one coded, redacted note.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (its notes, catalogue, manifest and code frame).
    note_id : str
        The note (``N002``; NFKC-normalised first, so a full-width ``Ｎ００２`` is ``N002``).
    case_id : str, optional
        The case id; default ``C`` + the note's digits (``N002`` → ``C002``).
    analysis : NotesAnalysis, optional
        ``casekit.analysis.analyse_notes(bundle)`` when already computed (it is the slow part).
    minutes : int, optional
        Class time of the discussion; the teaching note's plan adds up to it. Default: what the
        case needs (:func:`casekit.authoring.teaching_note.plan_steps`: its kind, number of
        questions and role-play), e.g. 90 for a sales case of four questions with a role-play.
    roleplay : bool, default True
        Whether a role-play follows the case in class (``casekit case draft --all`` drafts one for
        every case): the plan then has the exercise and its debrief.

    Returns
    -------
    Case
        ``status: draft``, ``population`` of the note, ``minutes``; sections
        :data:`casekit.authoring.cases.CASE_SECTIONS`. What the note does not say is
        ``【待补充：……】`` and listed under ``待核实``.

    Raises
    ------
    NoteNotFoundError
        If the bundle has no note ``note_id`` (the message lists the first note ids); also a
        ``KeyError``, for callers that catch that.
    FileIdError
        If ``case_id`` cannot be a file name (:func:`casekit.file_ids.file_id_problem`).
    """
    if case_id is not None:
        check_file_id(case_id, "case id")
    note_id = normalize_id(note_id)
    if analysis is None:
        from casekit.analysis import analyse_notes

        analysis = analyse_notes(bundle)
    notes = bundle.notes
    rows = notes[notes["note_id"] == note_id]
    if rows.empty:
        listed = sorted(map(str, notes['note_id']))[:8]
        raise NoteNotFoundError(tr(f"{getattr(bundle, 'path', '资料包')} 中没有笔记「{note_id}」（已有笔记：{'、'.join(listed)}…）",
                                   f"no note {note_id!r} in {getattr(bundle, 'path', 'the bundle')} "
                                   f"(notes: {', '.join(listed)}…)"))
    note = rows.iloc[0]
    segs = analysis.segments[analysis.segments["note_id"] == note_id].sort_values("position")
    coded = analysis.coded[analysis.coded["segment_id"].astype(str).str.startswith(f"{note_id}-")]
    codes_of: dict[str, list[tuple[str, str, str]]] = {}
    for sid, code, lab, group in zip(coded["segment_id"], coded["code"], coded["label"], coded["code_group"]):
        codes_of.setdefault(str(sid), [])
        if (code, lab, group) not in codes_of[str(sid)]:
            codes_of[str(sid)].append((str(code), str(lab), str(group)))
    all_codes = _ordered_codes(codes_of, [str(s) for s in segs["segment_id"]])
    population = lookup(POPULATIONS, str(note["population"])) or "account_manager"
    top = str(note["top_region_id"])
    region_name = _region_name(bundle, str(note["region_id"]))
    industry_id, products = _industry_products(bundle, note, segs, top)
    method = str(note["method"])

    # -- the people ------------------------------------------------------------------------
    namer = Namer(note_id, industry_id, forbidden=forbidden_text(bundle))
    hero_title = _hero_title(population, str(note.get("interviewee") or ""))
    has_questions = bool((segs["kind"] == "question").any())
    text_all = "".join(str(t) for t in segs["text"])
    cast = _Cast(namer=namer, population=population, hero_key=_HERO_KEYS[population], hero_title=hero_title,
                 industry=industry_id, text="\n".join(str(t) for t in segs["text"]))
    # the customer's kind as the note says it (一家物流公司) when no industry of the list is named
    word = None if industry_id else _INDUSTRY_WORD.search(text_all)
    industry_word = word.group(1) if word else (_INDUSTRY_NOUNS.get(industry_id or "") or
                                                 (industry_cast(industry_id).noun if industry_id else None))
    placeholder_company = bool(_COMPANY.search(text_all))
    if word and not placeholder_company and population != "sales_manager":
        cast.company_name(word.group(1))
    story = _Story(cast, interviewee=str(note.get("interviewee") or ""), extra_suffix=word.group(1) if word else None,
                   narrator_consultant=not has_questions, visitors=method == "demo_hall_visit",
                   narrative_he=not has_questions and (method in ("interview", "interview_360") or
                                                       (method == "demo_hall_visit" and population == "support_engineer")),
                   role_words=method == "ride_along_debrief" or any(w in text_all for w in _VISIT_WORDS))

    # -- split: story, the consultant's remarks ------------------------------------------------
    story_parts: list[tuple[str, str, str]] = []  # (segment id, what the story says, raw)
    remarks: list[tuple[str, str]] = []  # (segment id, remark as analysis)
    used: list[str] = []
    last_question: str | None = None
    for _, s in segs.iterrows():
        sid, text, kind = str(s["segment_id"]), str(s["text"]), str(s["kind"])
        if kind == "question":
            last_question = text
            continue
        if _REMARK.match(text):
            remarks.append((sid, story.words(_REMARK.sub("", text))))
            used.append(sid)
            last_question = None
            continue
        if "|" in text and "\n" in text:  # a table: counts, not a story
            last_question = None
            continue
        if _is_heading(text, str(note.get("interviewee") or "")) or _METHOD_LINE.match(text.strip()):
            continue  # the record's title or method (随访：某某售楼处, 360°访谈（……）): not the story
        kept, remark = [], []
        for sentence in _sentences(text):
            (remark if _REMARK_SENTENCE.search(sentence) else kept).append(sentence)
        if remark:
            remarks.append((sid, story.words("".join(remark))))
        if kept:
            body = "".join(kept)
            told = _answer_to_story(last_question, body, story) if kind == "answer" else \
                _paragraph_to_story(body, story)
            story_parts.append((sid, told, body))
        used.append(sid)
        last_question = None

    outcome = _outcome(note, [raw for _, _, raw in story_parts],
                       [g for sid in codes_of for _, _, g in codes_of[sid]])
    stage = _stage(all_codes)
    modules = _modules(all_codes, population)

    # the ending (what happened afterwards): the success segment, or the last answer of the note
    ending = None
    if story_parts:
        closing = [p for p in story_parts if any(w in p[1] for w in _SUCCESS_WORDS + _FAILURE_WORDS)]
        if closing and len(story_parts) >= 3 and outcome == "success":
            # the sentences that tell the outcome leave the story (the class discusses before knowing)
            sid, told, raw = closing[-1]
            said = _sentences(told)
            out = [x for x in said if any(w in x for w in _SUCCESS_WORDS + _FAILURE_WORDS)]
            rest = "".join(x for x in said if x not in out)
            ending = (sid, "".join(out), raw)
            story_parts = [(a, rest, c) if a == sid else (a, b, c) for a, b, c in story_parts]
            story_parts = [p for p in story_parts if p[1].strip()]
        elif has_questions:
            ending = story_parts[-1]
    company_known = bool(cast.company)
    if population == "account_manager" and not cast.company:
        cast.company_name()
    customer = cast.company or (f"这家{industry_cast(industry_id).noun}" if industry_id else "客户")
    hero = cast.hero

    # -- 背景 ----------------------------------------------------------------------------------
    background = _background(cast, population, region_name, industry_word, products, story_parts, company_known)
    # -- 人物 ----------------------------------------------------------------------------------
    people = _people(cast, region_name, customer)
    # -- 经过 ----------------------------------------------------------------------------------
    if story_parts:
        happened = "\n\n".join(_full_stop(_tidy(p[1])) for p in story_parts)
    else:
        happened = missing(f"{hero}做了什么、客户说了什么（记录中没有可写成故事的内容）")
    # -- 难题 ----------------------------------------------------------------------------------
    dilemma = _dilemma(cast, population, all_codes, customer, outcome, story_parts)
    if outcome == "success":  # a success story: the dilemma is the hero's own
        dilemma = f"这一单做成了，{customer}眼下没有什么苦恼；难题在{hero}自己身上。\n\n" + dilemma
    # -- 出处 ----------------------------------------------------------------------------------
    by_id = {str(s["segment_id"]): s for _, s in segs.iterrows()}
    order = sorted(used, key=lambda x: int(by_id[x]["position"]))
    source_lines = []
    for sid in order:
        s = by_id[sid]
        labels = "、".join(lab for _, lab, g in codes_of.get(sid, []) if g != "dimension")
        source_lines.append(f"- {sid}{'（' + labels + '）' if labels else ''}：{story.words(str(s['text']))}")
    sources_text = (f"{_method_label(method)}，{_date(note['date'])}，{region_name}；记录已脱敏，"
                    "人名和单位名换成了本案例的化名：\n\n" + "\n".join(source_lines))

    own_complaint = (population == "account_manager" and not placeholder_company and not story.role_words
                     and bool({"price_selling", "price_opening"} & set(all_codes)))
    about_customer = (company_known or method == "ride_along_debrief" or industry_id is not None) and not own_complaint
    title = _title(cast, population, outcome, about_customer)
    sections = {
        "背景": background,
        "人物": people,
        "经过": happened,
        "难题": dilemma,
        "讨论问题": "",
        "教学笔记": "",
    }
    outcome_value = outcome or missing("成功或失败" if population != "sales_manager" else "成功或失败（管理做法的结果）")
    sections["待核实"] = _to_check(title, sections, outcome_value,
                                   None if industry_id else missing(_NO_INDUSTRY[population]),
                                   None if stage else missing(_NO_STAGE[population]))
    sections["出处"] = sources_text
    roles = [hero_title]
    if cast.partner_key in cast.people:
        roles.append(cast.partner_title)
    roles += [title_ for key, (_, title_, _) in cast.people.items()
              if key not in (cast.hero_key, cast.partner_key) and title_ not in roles]
    digits = re.sub(r"\D", "", note_id) or note_id
    case = Case(
        id=case_id or f"C{digits}",
        title=title,
        region=region_name,
        industry=label(INDUSTRIES, industry_id) if industry_id else missing(
            _NO_INDUSTRY[population] + (f"（记录说是{industry_word}，不在行业表中）" if industry_word else "")),
        products=tuple(products),
        funnel_stage=label(FUNNEL_STAGES, stage) if stage else missing(_NO_STAGE[population]),
        outcome=outcome_value,
        roles=tuple(roles),
        modules=tuple(modules),
        sources=tuple(order),
        status="draft",
        population=population,
        minutes=minutes or 60,
        sections=sections,
    )
    # -- 讨论问题 and 教学笔记: the role-play's scene (the one `case roleplay` drafts) decides
    # the plan's exercise and, for a manager, what the case is about
    from casekit.authoring.roleplays import roleplay_kind

    scene = roleplay_kind(case, bundle, analysis)
    topic = SM_TOPICS.get(scene) if population == "sales_manager" else None
    questions = _questions(cast, population, all_codes, customer, stage, topic)
    discussion = "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1))
    ending_text = None
    if ending is not None:
        ending_text = _tidy(ending[1])
    used_text = {sid: story.words(str(s["text"])) for _, s in segs.iterrows() if str(s["segment_id"]) in used}
    frame = getattr(bundle, "code_frame", None)
    keywords = {c.id: tuple(w for r in c.rules for k in (*r.any, *r.all) for w in k.split("|"))
                for c in (frame.codes if frame is not None else ())}
    note_text, note_minutes = _teaching_note(cast, population, all_codes, codes_of, customer, outcome, stage, modules,
                                             questions, remarks, story_parts, ending_text, minutes, industry_id,
                                             roleplay, used_text, scene=scene, topic=topic, keywords=keywords,
                                             text_all=text_all)
    sections = {**sections, "讨论问题": discussion, "教学笔记": note_text}
    sections["待核实"] = _to_check(title, {k: v for k, v in sections.items() if k not in ("待核实", "出处")},
                                   outcome_value, None if industry_id else missing(_NO_INDUSTRY[population]),
                                   None if stage else missing(_NO_STAGE[population]))
    ordered = {k: sections[k] for k in ("背景", "人物", "经过", "难题", "讨论问题", "教学笔记", "待核实", "出处")}
    return replace(case, minutes=note_minutes, sections=ordered)


# ------------------------------------------------------------------------------------ sections


def _background(cast: _Cast, population: str, region: str, noun: str | None, products: list[str],
                story_parts: list[tuple[str, str, str]], company_known: bool) -> str:
    hero = cast.hero
    size = None
    for _, told, _ in story_parts:
        m = _SIZE.search(told)
        if m:
            size = m.group(0)
            break
    bits: list[str] = []
    if cast.company:
        kind = f"一家{noun}" if noun else "一家" + missing("什么行业的单位")
        bits.append(f"{cast.company}是{region}的{kind}" + (f"（{size}）" if size else "") + "。")
        described = [_tidy(t) for _, t, _ in story_parts if cast.company_stem and cast.company_stem in t][:1]
        if not size:
            bits.append(missing(f"{cast.company}的规模（员工、门店或床位）和经营特点（淡旺季、客源或客户群）"))
        if population == "account_manager":
            bits.append(missing(f"{cast.company}各部门的现状和麻烦、谁拍板"))
        del described
    product_text = "、".join(products) if products else ""
    if population == "account_manager":
        bits.append(f"{hero}是{region}分公司的政企客户经理，负责{cast.company or '这家客户'}"
                    + (f"，这次主推{product_text}" if product_text else "") + "。")
        if not company_known:
            bits.append(missing(f"记录没有写明客户是哪一家；{cast.company}是为案例起的名字，请核实客户的情况"))
    elif population == "support_engineer":
        bits.append(f"{hero}是{region}分公司的支撑工程师，和客户经理一起做政企客户的售前和售后支撑"
                    + (f"，负责的产品有{product_text}" if product_text else "") + "。")
    else:
        post = "一家分公司的经理" if cast.hero_title == "分公司经理" else f"的{cast.hero_title}"
        bits.append(f"{hero}是{region}{post}，手下有一支政企客户经理团队"
                    + (f"；今年公司重点推{product_text}" if product_text else "") + "。")
        bits.append(missing(f"{hero}团队的人数、片区的客户构成和今年的指标"))
    return "\n\n".join(bits)


def _people(cast: _Cast, region: str, customer: str) -> str:
    lines = []
    for key, (full, title, _) in cast.people.items():
        office = f"{region}{title}" if title.startswith("分公司") else f"{region}分公司{title}"
        if key == cast.hero_key:
            lines.append(f"- {full}：{office}（本案例的主人公）")
        elif key == cast.partner_key:
            lines.append(f"- {full}：{office}，和{cast.hero}一起做这家客户")
        else:
            department = department_for_title(cast.industry, title)
            at = cast.company or f"{customer}的"
            title = {"总": "总经理"}.get(title, title)
            if title in ("先生",):
                lines.append(f"- {full}：{at}的人，" + missing(f"{full}的职务"))
            elif department is not None:
                lines.append(f"- {full}：{at}{title}（{department.name}，采购中的{department.role}）")
            elif title in ("经理", "主任", "主管", "总"):
                lines.append(f"- {full}：{at}的{title}，" + missing(f"{full}在{at}的部门和职务"))
            else:
                lines.append(f"- {full}：{at}{title}")
    return "\n".join(lines)


def _dilemma(cast: _Cast, population: str, codes: list[str], customer: str, outcome: str | None,
             story_parts: list[tuple[str, str, str]]) -> str:
    hero = cast.hero
    code_set = set(codes)
    if population == "account_manager":
        if outcome == "success":
            return (f"{customer}的事情顺利推进了，领导让{hero}在班组里讲讲经验，再去跑同一片区的几家{_noun(cast)}。"
                    f"\n\n如果你是{hero}，哪些做法你会带到下一家客户？换一家规模、老板都不一样的客户，哪些做法要改？")
        return (f"{customer}那边还没有结果，{hero}还要再去一次。"
                f"\n\n如果你是{hero}，下一次去{customer}之前你会做哪些准备？见到客户先问什么、不说什么，"
                "怎样让对方愿意继续谈下去？")
    if population == "support_engineer":
        partner = cast.people.get("am", (None,))[0] or "客户经理"
        if {"training_no_transfer", "weak_product_knowledge"} & code_set and not {"joint_visit", "hidden_selling"} & code_set:
            return (f"下个月又有新产品上线，分公司让{hero}给客户经理们讲一次。"
                    f"\n\n如果你是{hero}，这次培训你会怎样准备、讲什么、怎么讲，才能让客户经理回去就能卖、敢带客户来看演示？")
        if outcome == "success":
            return (f"这次配合得好，分公司想让{hero}把做法教给其他支撑工程师。"
                    f"\n\n如果你是{hero}，你会怎样讲清楚自己在拜访中“该说什么、不该说什么”？换一位不习惯分工的客户经理，你会怎样和他商量？")
        return (f"{partner}又约{hero}下周一起去见一家新客户。"
                f"\n\n如果你是{hero}，出发前你会和{partner}怎样分工？你在什么时候出场、说什么、不说什么，"
                "才能当好客户眼中中立的专家？")
    if {"no_market_strategy", "ignores_market"} & code_set:
        return (f"明年的指标又下来了，{hero}要在两周内把它分到每个客户经理头上。"
                f"\n\n如果你是{hero}，你会先做哪些市场分析？指标怎样分解，平时怎样看每个人的销售过程、怎样辅导落后的人？")
    return (f"月底的报表又出来了，几个客户经理离指标差得很远，{hero}准备找他们谈话。"
            f"\n\n如果你是{hero}，这次谈话之前你要先弄清什么？以后你会怎样管过程、带下属，而不是只在月底看结果？")


def _title(cast: _Cast, population: str, outcome: str | None, about_customer: bool) -> str:
    """The case's title by kind: a customer's 苦恼 for a sales case about one customer; the hero's
    own (支撑工程师林海燕的苦恼) when the dilemma is theirs; a plain title for a success story."""
    full = cast.hero
    named = f"{cast.hero_title}{full}"
    if outcome == "success":
        if population == "sales_manager":
            return f"{named}是怎样带团队的"
        return f"{cast.company}这一单是怎样做成的" if about_customer and cast.company else f"{named}的一次成功拜访"
    if population == "account_manager" and about_customer and cast.company:
        return f"{cast.company}的苦恼"
    return f"{named}的苦恼"


def _noun(cast: _Cast) -> str:
    return industry_cast(cast.industry).noun if cast.industry else "客户"


#: A sales manager's case: the discussion question and the opening question of its topic
#: (:data:`casekit.authoring.teaching_note.SM_TOPICS`).
SM_TOPIC_QUESTIONS: Mapping[str, tuple[str, str]] = {
    "target": ("如果由你来分{hero}手里的指标，你会先看片区的哪些情况？请按客户的行业和规模把它分给三个客户经理，说出理由。",
               "{hero}手里的指标是怎样分下去的？如果你是片区里客户最少的那个客户经理，拿到这个数会怎么想？"),
    "process": ("{hero}每周问下属的问题里，哪些是在管过程、哪些只是在催结果？请写出你每周会对每个重点客户问的三个问题。",
                "{hero}是怎样知道每个客户经理的重点客户走到了哪一步的？这和月底看报表有什么不同？"),
    "coaching": ("{hero}陪访时什么时候该说话、什么时候不该说？陪访后的一对一谈话应该先问什么、再教什么？",
                 "{hero}手下的客户经理最近一次从{hero}那里学到了什么？是怎么学到的？"),
    "launch": ("一项谁都没卖过的新业务，上市第一个月{hero}应该先卖给谁、请谁支撑、每周检查什么？",
               "一项谁都没卖过的新业务交到{hero}手上，第一周最该做的是什么？"),
}


def _questions(cast: _Cast, population: str, codes: list[str], customer: str, stage: str | None,
               topic: str | None = None) -> list[str]:
    hero = cast.hero
    partner = cast.people.get(cast.partner_key, (cast.partner_title,))[0]
    templates = QUESTION_TEMPLATES[population]
    out: list[str] = []
    if "price_selling" in codes:  # the same question twice
        codes = [c for c in codes if c != "price_opening"]
    for code in codes:
        t = templates.get(code)
        if t:
            q = t.format(hero=hero, partner=partner, customer=customer)
            if q not in out:
                out.append(q)
    if population == "account_manager":
        out.append(f"如果重新来一次，{hero}{_STAGE_PLAIN.get(stage or 'visit', '这次拜访之前')}应该做好哪些准备？")
    elif population == "support_engineer":
        out.append(f"对照支撑工程师的五个关键环节（{'；'.join(FIVE_KEY_LINKS)}），{hero}做到了哪几个？哪一个最该补上？")
    else:
        if topic in SM_TOPIC_QUESTIONS:
            q = SM_TOPIC_QUESTIONS[topic][0].format(hero=hero)
            out = [q] + [x for x in out if x != q]
        out.append(f"对照管理五步（目标分解、过程控制、辅导、评估、激励），{hero}哪一步做得最不够？你会从哪一步改起？")
    return out[:6]


#: What to do instead, per code ({customer}: the case's customer, {depts}: its departments' titles).
INSTEAD: Mapping[str, str] = {
    "price_selling": "先不谈价格，先问{customer}各部门（{depts}）现在最头疼什么，再把产品说成能帮他们省下多少、多赚多少",
    "price_opening": "开口先问{customer}现在的麻烦，价格等客户看到价值以后再谈",
    "free_trial": "试用之前先和{customer}约好由谁用、解决哪个麻烦、到期怎样算效果",
    "missed_needs": "按部门问：{depts}各问一个“现在最麻烦的是什么”，把答案记下来再选产品",
    "weak_industry_knowledge": "拜访前查清{customer}的经营特点（淡旺季、客源、各部门），带着对行业的判断去",
    "weak_product_knowledge": "拜访前把每个产品练成一句客户能听懂的好处，并能当场演示",
    "weak_team_selling": "拜访前和支撑工程师约好：谁问需求、谁讲方案、谁在什么时候出场",
    "training_no_transfer": "培训后马上拿一家真实客户练一次，经理陪访时检查用上没有",
    "technical_language": "把术语换成{customer}的话：不说功能，说它替哪个部门解决了什么麻烦",
    "jargon": "把术语换成{customer}的话：不说功能，说它替哪个部门解决了什么麻烦",
    "no_next_step": "每次离开{customer}之前约定下一步：见谁、看什么、哪天",
    "relationship_only": "借着好关系多问一句{customer}的经营麻烦，让关系变成生意",
    "unknown_decision_maker": "画出{customer}的决策图：谁拍板、谁把关、谁在用（{depts}），逐一见到",
    "asks_needs_first": "把这套提问写成自己的问题清单，下一家客户照着问",
    "joint_visit": "把这次的分工写下来，下次联合拜访前照着商量",
    "hidden_selling": "支撑工程师等需求清楚了再出场，只讲能解决这个麻烦的那一部分",
    "customer_language_value": "把客户自己的话记下来，用在方案书和下一次拜访里",
    "finds_decision_maker": "按各位决策人的关心点分别准备一句话",
    "department_needs": "把{customer}各部门的麻烦和对应的产品写成一张表，下次带着去",
    "process_coaching": "把这种管过程的做法写成每周的固定动作，教给其他经理",
    "results_only": "每周看一次每个客户经理的客户推进到了漏斗哪一步，而不只月底看数字",
    "no_market_strategy": "先按行业和规模把片区客户分类，再按潜力分指标",
    "unknown_time_use": "每周看一次下属的拜访记录：见了谁、推进到哪一步",
    "weak_leadership": "每月至少陪每个客户经理拜访一次客户，当场示范、事后辅导",
    "ignores_market": "方案前先了解竞争对手的报价和说法，想好自己不同在哪里",
    "no_sales_skills": "支撑工程师也要先问客户的生意，再讲技术",
}
#: Learning objectives as what a trainee is seen doing ({customer}, {depts}).
OBJECTIVES: Mapping[str, str] = {
    "price_selling": "学员能在演练中不先报价，先问出{customer}至少两个部门的麻烦，再把价格放进价值里说",
    "price_opening": "学员能在演练中用一个问{customer}麻烦的问题开场，而不是用优惠开场",
    "free_trial": "学员能为一次试用写出三项约定：谁用、解决哪个麻烦、到期怎样算效果",
    "missed_needs": "学员能按部门列出{customer}可能的麻烦（{depts}），并在演练中每个部门至少问出一个",
    "weak_industry_knowledge": "学员能在拜访前写出{customer}这一行的经营特点和各部门的麻烦（一页纸）",
    "weak_product_knowledge": "学员能把一个产品说成一句{customer}能听懂的好处，并当着同伴演示一遍",
    "weak_team_selling": "学员能和搭档写出一次联合拜访的分工表（谁问、谁讲、何时出场）",
    "training_no_transfer": "学员能把培训学到的一个方法用在下一次真实拜访中，并在课后汇报结果",
    "technical_language": "学员能把案例中的三句术语改写成客户的话",
    "jargon": "学员能把案例中的三句术语改写成客户的话",
    "no_next_step": "学员能在演练结束前和客户约定一个具体的下一步（见谁、看什么、哪天）",
    "relationship_only": "学员能借着一次寒暄问出{customer}的一个经营麻烦",
    "unknown_decision_maker": "学员能画出{customer}的决策图（拍板、把关、使用的人），并说出各自关心什么",
    "asks_needs_first": "学员能写出自己的五个开场问题，并在演练中先问后讲",
    "joint_visit": "学员能和搭档在演练前商量分工，并在演练中按分工做",
    "hidden_selling": "支撑工程师学员能在演练中等需求清楚了再出场，只讲解决这个麻烦的部分",
    "customer_language_value": "学员能用客户自己的一句话讲出产品的价值",
    "finds_decision_maker": "学员能说出每位决策人关心什么，并各准备一句话",
    "department_needs": "学员能列出{customer}各部门的麻烦和对应的产品（一张表）",
    "process_coaching": "学员能写出自己每周检查下属过程的三个动作",
    "results_only": "学员能为一名下属列出他的客户各在漏斗哪一步，并在演练中据此谈话",
    "no_market_strategy": "学员能把片区客户按行业和规模分类，并据此分解一次指标",
    "unknown_time_use": "学员能用一周的拜访记录说出一名下属的时间花在哪里",
    "weak_leadership": "学员能在演练中做一次辅导谈话：先问过程，再给一个具体的做法",
    "ignores_market": "学员能说出一个竞争对手的报价和说法，并写出自己的不同之处",
}
_STAGE_PLAIN = {"preparation": "去见客户之前", "customer_profile": "第一次见客户之前", "entry_point": "找切入点的时候",
                "visit": "这次拜访之前", "pain_development": "客户说出麻烦之后", "solution": "拿出方案之前",
                "closing": "谈签约的时候", "after_sales": "签约以后"}


def _teaching_note(cast: _Cast, population: str, codes: list[str], codes_of: Mapping[str, list[tuple[str, str, str]]],
                   customer: str, outcome: str | None, stage: str | None, modules: list[str], questions: list[str],
                   remarks: list[tuple[str, str]], story_parts: list[tuple[str, str, str]], ending: str | None,
                   minutes: int | None, industry_id: str | None, roleplay: bool = True,
                   said: Mapping[str, str] | None = None, *, scene: str | None = None, topic: str | None = None,
                   keywords: Mapping[str, tuple[str, ...]] | None = None, text_all: str = "") -> tuple[str, int]:
    from casekit.curriculum import load_outlines

    hero = cast.hero
    kind = {"account_manager": "销售案例", "support_engineer": "支撑案例", "sales_manager": "管理案例"}[population]
    outline = load_outlines()[population]
    titles = {m.module_id: m.title for m in outline.modules}
    told_of = {sid: told for sid, told, _ in story_parts}
    keywords = keywords or {}
    result = {"success": "最后成交了", "failure": "没有成交"}.get(outcome or "", "结果" + missing("成交了没有"))
    weak = [c for c in codes if any(g in _WEAK_GROUPS for sid in codes_of for cc, _, g in codes_of[sid] if cc == c)]
    focus = "、".join(dict.fromkeys(lab for sid in codes_of for c, lab, g in codes_of[sid]
                                    if g not in ("dimension", "funnel"))) or missing("本案例的重点")
    if population == "sales_manager":
        synopsis = f"{kind}。{hero}（{cast.hero_title}）怎样分指标、管团队。本案例的重点：{focus}。"
    else:
        synopsis = (f"{kind}。{hero}（{cast.hero_title}）" + (f"和{customer}打交道" if cast.company else "")
                    + f"，{result}。本案例的重点：{focus}。")
    depts_of = industry_cast(industry_id).departments[:4] if industry_id else industry_cast(None).departments[:4]
    depts = "、".join(d.title for d in depts_of) or "各部门"
    fill = {"customer": customer, "depts": depts, "hero": hero,
            "peers": "医疗机构" if industry_id == "hospital" else "同行"}
    points = list(dict.fromkeys(TEACHING_POINTS[c] for c in codes if c in TEACHING_POINTS))
    objectives = list(dict.fromkeys(f"- {OBJECTIVES[c].format(**fill)}" for c in codes if c in OBJECTIVES))[:3] or \
        ["- " + missing("学习目标（学员能做到什么：记录中没有可用的编码）")]
    audience = f"{POPULATIONS[population].label}；课程模块：" + \
        "、".join(f"{titles.get(m, m)}〔模块：{m}〕" for m in modules)
    prep = [f"1. {questions[0]}" if questions else "1. " + missing("课前思考题"),
            {"account_manager": "2. 回想你最近一次拜访：你问了客户哪些问题？客户说出了哪些麻烦？",
             "support_engineer": "2. 回想你最近一次陪客户经理拜访：你说得最多的是什么？客户记住的是什么？",
             "sales_manager": "2. 你现在怎样知道每个客户经理的客户进展到了哪一步？"}[population]]
    if population == "sales_manager":
        opening = SM_TOPIC_QUESTIONS[topic][1].format(hero=hero) if topic in SM_TOPIC_QUESTIONS else \
            f"{hero}现在是怎样管团队的？哪一点你在自己的团队里也见过？"
    elif population == "support_engineer":
        opening = f"{hero}在这个案例里更像推销员，还是更像专家？为什么？"
    elif outcome == "success":
        opening = f"这一单是怎样做成的？{hero}做的哪一件事，你下周就能在自己的客户那里照做？"
    else:
        opening = f"读完案例，你觉得{customer}真正的麻烦是什么？{hero}看到了吗？"

    # -- 案例分析: per code, one clean sentence of the story + the phrasebook ----------------------
    analysis: list[str] = []
    taken: set[str] = set()
    groups = {c: g for sid in codes_of for c, _, g in codes_of[sid]}
    order = ([c for c in codes if groups.get(c) not in ("dimension", "funnel")]
             + [c for c in codes if groups.get(c) == "funnel"] + [c for c in codes if groups.get(c) == "dimension"])
    for code in order:
        if code not in ANALYSIS_PHRASES:
            continue
        sids = [sid for sid in codes_of if any(c == code for c, _, _ in codes_of[sid])]
        texts = [told_of[s] for s in sids if s in told_of]  # the story only, never a remark
        evidence = _evidence(texts, keywords.get(code, ()), taken)
        if not evidence:
            continue  # a code with no sentence of its own in the story: the wrap-up names it
        taken.add(evidence)
        lab = next(lab for sid in sids for c, lab, _ in codes_of[sid] if c == code)
        group = groups.get(code)
        verdict = "（做得不对）" if code in weak else "（做得对）" if group == "success" else ""
        head = f"{lab}方面" if group == "dimension" else lab
        phrase = ANALYSIS_PHRASES[code].format(**fill)
        first = phrase.split("。")[0]
        if first.rstrip("”") in evidence:  # the story already says the phrase's first sentence
            phrase = phrase[len(first) + 1:]
        para = f"**{head}**{verdict}：案例中，{evidence}{phrase}"
        if population == "support_engineer" and code in _LINK_OF:
            para += f"这属于支撑工程师五个关键环节中的“{FIVE_KEY_LINKS[_LINK_OF[code]]}”。"
        analysis.append(para)
    for _, remark in remarks:
        kept = [x for x in _sentences(remark) if not re.search(r"改编|可作为|可以作为", x)]
        text = "".join(kept).replace("我们说的", "方法中说的").replace("我们", "方法中")
        if len(text) < 8:
            continue
        analysis.append(f"**顾问的观察**：{text}" + ("" if text.endswith(("。", "”")) else "。"))
    if population == "account_manager" and industry_id:
        analysis.append(f"**从{customer}的各部门看**：" + "；".join(
            f"{d.title}关心“{d.wants}”，可以问“{d.ask}”" for d in depts_of) + "。（见销售工具箱的产品与部门对照表）")
    if stage:
        analysis.append(f"**销售漏斗**：本案例停在“{label(FUNNEL_STAGES, stage)}”这一步；"
                        f"讨论时请学员说出{_STAGE_PLAIN.get(stage, '这一步之前')}漏掉了什么。")
    if not analysis:
        analysis.append(missing("案例分析：做得对和不对的地方、原因、应该怎么做"))

    wrap = "\n".join(f"- {p}" + (f"〔模块：{m}〕" if (m := _module_for(c, population)) else "")
                     for c in codes if c in TEACHING_POINTS for p in [TEACHING_POINTS[c]])
    wrap = "\n".join(dict.fromkeys(wrap.split("\n"))) if wrap else "- " + missing("总结要点")
    story_text = "\n".join(told for _, told, _ in story_parts) or text_all
    board = _board(population, codes, weak, hero, customer, depts_of, story_text, text_all, outcome, stage)
    if not ending:
        after = missing("后来的情况：之后怎样了（记录没有写）")
    elif outcome == "success":
        after = ending
    else:  # what the interview said is not "afterwards"
        after = missing("后来的情况：访谈之后怎样了" + ("（成交了没有）" if population == "account_manager" else ""))
    price = bool({"price_selling", "price_opening", "free_trial"} & set(weak))
    steps = plan_steps(population, questions=len(questions), roleplay=roleplay, hero=hero, customer=customer,
                       scene=scene, success=outcome == "success", price=price, topic=topic)
    total = minutes or sum(m for m, _ in steps)
    return teaching_note_markdown({
        "案例概要": synopsis,
        "学习目标": "\n".join(objectives),
        "适用对象与模块": audience,
        "课前思考题": "\n".join(prep),
        "开场问题": opening,
        "讨论安排": discussion_plan(total, steps),
        "案例分析": "\n\n".join(analysis),
        "总结": wrap,
        "板书设计": board,
        "后来的情况": after,
    }), total


def _clean_sentences(text: str) -> list[str]:
    """The whole sentences of a paragraph: a quotation is never cut in two, no sentence ends in a colon."""
    out: list[str] = []
    buf = ""
    for piece in _sentences(_tidy(text)):
        buf += piece.strip()
        if buf.count("“") > buf.count("”") or buf.endswith(("：", ":", "，")):
            continue  # the quotation or the sentence goes on
        out.append(buf)
        buf = ""
    out = [x for x in out if 8 <= len(x) <= 120 and "：。" not in x and not x.startswith(("（", "【"))
           and not _REMARK_SENTENCE.search(x) and not re.match(r"(初步判断|判断|建议|结论)[：:]", x)]
    return [_full_stop(x.rstrip("；;")) for x in out]


def _evidence(texts: Iterable[str], words: Iterable[str], taken: set[str]) -> str | None:
    """The story's one sentence that best shows a code: most of its keywords, not quoted under another code."""
    words = [w for w in words if w]
    best, score = None, -1
    for text in texts:
        for sentence in _clean_sentences(text):
            if sentence in taken:
                continue
            hits = sum(1 for w in words if w in sentence)
            if hits > score:
                best, score = sentence, hits
    if best is None or (words and score == 0 and any(any(w in t for w in words) for t in texts)):
        return None  # the keyword's sentence is already quoted under another code: no evidence of its own
    return best


#: What an account manager did, per code (the board's left column).
_DEEDS: Mapping[str, str] = {
    "price_opening": "以价格开场", "free_trial": "免费试用", "missed_needs": "没问需求就讲产品",
    "weak_industry_knowledge": "不了解客户的生意", "weak_product_knowledge": "讲不清产品",
    "jargon": "满口术语", "technical_language": "满口术语", "no_next_step": "没约下一步",
    "relationship_only": "只靠关系", "unknown_decision_maker": "没找到拍板的人", "weak_team_selling": "单兵作战",
    "asks_needs_first": "先问需求", "department_needs": "按部门找需求", "finds_decision_maker": "找到决策人",
    "joint_visit": "联合拜访", "hidden_selling": "专家出场（隐性销售）", "customer_language_value": "用客户的话讲价值",
}
#: What to do next time, per code (the board's right column).
_NEXT_TIME: Mapping[str, str] = {
    "price_selling": "先问三个问题：现在最麻烦的是什么、这个麻烦每月损失多少、谁最着急",
    "price_opening": "先问三个问题：现在最麻烦的是什么、这个麻烦每月损失多少、谁最着急",
    "free_trial": "试用三约定：谁来用、解决哪个麻烦、到期怎样算效果",
    "missed_needs": "按部门各问一个“现在最麻烦的是什么”",
    "department_needs": "按部门各问一个“现在最麻烦的是什么”",
    "weak_industry_knowledge": "拜访前写一页客户全貌（客户管理表一）",
    "unknown_decision_maker": "画决策链：拍板、把关、使用、影响",
    "jargon": "价值三角：客户的问题、解决办法、得到的好处",
    "technical_language": "价值三角：客户的问题、解决办法、得到的好处",
    "no_next_step": "离开前约好下一步：见谁、看什么、哪天",
    "weak_team_selling": "联合拜访前写分工表",
    "weak_product_knowledge": "每个产品练成一句客户听得懂的好处",
    "relationship_only": "借着关系问出一个经营麻烦",
}


def _price_deeds(text: str) -> list[str]:
    """The 三板斧 a story shows: 降价, 免费, 捆绑."""
    out = []
    if re.search(r"降价|打折|八折|九折|折扣|优惠|便宜|\d折", text):
        out.append("降价")
    if re.search(r"免费|不要钱|全免|送半年|白送", text):
        out.append("免费")
    if re.search(r"捆|搭着|一起打包|买一送一", text):
        out.append("捆绑")
    return out


def _board(population: str, codes: list[str], weak: list[str], hero: str, customer: str, depts_of: Iterable[Any],
           story: str, text_all: str, outcome: str | None, stage: str | None) -> str:
    """The board plan in the case's own words, by kind of case (never a fragment of the story)."""
    if population == "account_manager":
        deeds: list[str] = []
        axes = _price_deeds(story + text_all) if "price_selling" in codes else []
        three = len(axes) >= 2
        if three:
            deeds.append(f"三板斧（{'/'.join(axes)}）")
        elif axes and not {"price_opening", "free_trial"} & set(codes):
            deeds.append({"降价": "降价", "免费": "免费试用", "捆绑": "捆绑销售"}[axes[0]])
        elif "price_selling" in codes and not {"price_opening", "free_trial"} & set(codes):
            deeds.append("打价格战")
        deeds += [_DEEDS[c] for c in codes if c in _DEEDS and not (three and c in ("price_opening", "free_trial"))]
        deeds = list(dict.fromkeys(deeds))[:4] or [missing(f"{hero}的做法")]
        names = "/".join(dict.fromkeys(re.sub(r"(部|科|室)$", "", d.name) or d.title for d in depts_of))
        nxt = list(dict.fromkeys(_NEXT_TIME[c] for c in codes if c in _NEXT_TIME))[:2]
        if outcome == "success":
            nxt = ["把做对的几步写成自己的拜访清单"] + nxt[:1]
        nxt = nxt or ["先问三个问题：现在最麻烦的是什么、这个麻烦每月损失多少、谁最着急"]
        board = (f"三栏：{hero}的做法（{'、'.join(deeds)}） | {customer}各部门的伤口（{names}） | "
                 f"下次怎么做（{'；'.join(nxt)}）")
        return board + (f"。下方画销售漏斗，圈出“{label(FUNNEL_STAGES, stage)}”。" if stage else "。")
    if population == "support_engineer":
        done = {_LINK_OF[c] for c in codes if c in _LINK_OF and c not in weak}
        lack = {_LINK_OF[c] for c in codes if c in _LINK_OF and c in weak}
        rows = []
        for i, link in enumerate(FIVE_KEY_LINKS):
            mark = "没做到" if i in lack else "做到了" if i in done else "案例没写，请学员判断"
            rows.append(f"{'①②③④⑤'[i]}{link.split('（')[0]}——{mark}")
        return ("左栏列支撑工程师的五个关键环节，逐项标出：" + "；".join(rows) +
                f"。右栏写{hero}下一次在没做到的环节怎么做；中间写一句：支撑工程师是中立的专家（隐性销售、善用权威），不是推销员。")
    clauses = [re.sub(r"[“”「」\"'‘’]", "", c).strip() for c in re.split(r"[，。；！？：\n]", story)]
    clauses = [c for c in clauses if 4 <= len(c) <= 24 and not c.startswith(("问", "再问", "谈到", "说到", "但", "而"))]
    rows = []
    shown: set[str] = set()
    for step, words in MANAGEMENT_STEPS:
        said = next((c for c in clauses if c not in shown and "管理者" not in c and any(w in c for w in words)), None)
        shown.add(said or "")
        rows.append(f"{step}——{said if said else '案例没写，请学员补上'}")
    return (f"管理五步，每步写{hero}现在做什么：" + "；".join(rows) +
            "。右栏由学员写出每一步可以改成怎样做；下方画销售漏斗八步，标出经理每周检查哪几步。")


def _full_stop(text: str) -> str:
    """A paragraph ends as a sentence does."""
    return text if not text or text[-1] in "。！？”：…）" else text + "。"


def _clip(text: str, n: int = 80) -> str:
    text = _tidy(text)
    if len(text) <= n:
        return text if text.endswith(("。", "”", "！", "？")) else text + "。"
    cut = text[:n]
    end = max(cut.rfind("。"), cut.rfind("，"))
    return (cut[:end] if end > 20 else cut) + "……"


def _to_check(title: str, sections: Mapping[str, str], *values: str | None) -> str:
    found: list[str] = []
    for value in (title, *(v for v in values if v), *sections.values()):
        for m in re.finditer(r"【待补充：([^】]*)】", str(value)):
            if m.group(1) not in found:
                found.append(m.group(1))
    if not found:
        return "无"
    return "记录中没有写明、需要向受访者或客户核实的内容（补上后删去正文中的【待补充】标记）：\n\n" + \
        "\n".join(f"- {f}" for f in found)


# ------------------------------------------------------------------------------------ helpers


def _hero_title(population: str, interviewee: str) -> str:
    if population == "sales_manager":
        m = re.search(r"(营销中心主任|营销中心经理|分公司经理|分局长|支局长|主任|经理)", interviewee)
        if m and m.group(1) not in ("主任", "经理"):
            return m.group(1)
    return HERO_TITLES[population]


def _is_heading(text: str, interviewee: str) -> bool:
    """A title line of a note (``柳州 · 客户经理甲``, ``演示厅考察（南宁）``): no sentence in it."""
    t = text.strip()
    if re.match(r"^(成功案例|失败案例|案例)\s*[：:]", t) and len(t) <= 40:
        return True  # 成功案例：一家专科医院的……: the consultant's label
    if "——" in t and len(t) <= 25 and "。" not in t.rstrip("。"):
        return True  # 某某厂——怎样跳出价格战: the consultant's title of a story
    if re.search(r"[。！？，；：:]", t):
        return bool(re.match(r"^[^，。；]{0,30}[：:]\s*$", t))
    return len(t) <= 20 and (bool(interviewee and interviewee in t) or "·" in t or t.endswith("）"))


def _ordered_codes(codes_of: Mapping[str, list[tuple[str, str, str]]], order: Iterable[str]) -> list[str]:
    out: list[str] = []
    for sid in order:
        for code, _, _ in codes_of.get(sid, []):
            if code not in out:
                out.append(code)
    return out


def _region_name(bundle: Any, region_id: str) -> str:
    try:
        return str(bundle.manifest.name(region_id))
    except Exception:  # noqa: BLE001 - a region unknown to the manifest is shown as written
        return region_id


def _industry_products(bundle: Any, note: pd.Series, segs: pd.DataFrame, top: str) -> tuple[str | None, list[str]]:
    from casekit.analysis.quotes import MentionMatcher

    matcher = MentionMatcher(bundle.catalogue)
    industries: list[str] = []
    products: list[str] = []
    local = set()
    cat = bundle.catalogue
    if cat is not None and not cat.empty:
        local = {str(n) for n in cat[cat["region_id"] == top]["local_name"]}

    def add(mentions: Iterable[Any]) -> None:
        for m in mentions:
            if m.kind == "industry" and m.id not in industries:
                industries.append(m.id)
            elif m.kind == "product":
                name = m.term if m.term in local else _product_label(m.id)
                if name not in products:
                    products.append(name)

    for tag in note["tags"] or ():
        add(matcher.find(str(tag), top, whole=True))
    for text in segs["text"]:
        add(matcher.find(str(text), top))
    return (industries[0] if industries else None), products


def _product_label(product_id: str) -> str:
    from casekit.domain import PRODUCTS

    return PRODUCTS[product_id].label if product_id in PRODUCTS else product_id


def _outcome(note: pd.Series, texts: list[str], groups: list[str]) -> str | None:
    """From the note's tags (成功案例 / 失败案例), else words (签了 / 丢单), else the success and
    failure factor codes (the more numerous group); None when undecided."""
    tags = [str(t) for t in (note["tags"] or ())]
    if any(t in _SUCCESS_TAGS for t in tags):
        return "success"
    if any(t in _FAILURE_TAGS for t in tags):
        return "failure"
    text = "".join(texts)
    won, lost = any(w in text for w in _SUCCESS_WORDS), any(w in text for w in _FAILURE_WORDS)
    if won != lost:
        return "success" if won else "failure"
    good = sum(1 for g in groups if g == "success")
    bad = sum(1 for g in groups if g == "failure")
    if good != bad:
        return "success" if good > bad else "failure"
    return None


def _stage(codes: list[str]) -> str | None:
    """The furthest funnel step the note's codes reach."""
    stages = [c.removeprefix("funnel_") for c in codes if c.startswith("funnel_")]
    stages = [s for s in stages if s in FUNNEL_STAGES]
    if not stages:
        if {"price_opening", "price_selling", "free_trial", "jargon", "asks_needs_first"} & set(codes):
            return "visit"
        return None
    order = list(FUNNEL_STAGES)
    return max(stages, key=order.index)


def _module_for(code: str, population: str) -> str | None:
    """The module of the population's own outline that trains the code."""
    from casekit.curriculum import load_outlines

    mapped = CODE_MODULES.get(population, {}).get(code)
    if mapped:
        return mapped
    dim = CODE_DIMENSIONS.get(code)
    if dim is None:
        return None
    outline = load_outlines().get(population)
    if outline is None:
        return None
    first = [m for m in outline.modules if m.dimensions and m.dimensions[0] == dim]
    if first:
        return first[0].module_id
    any_ = [m for m in outline.modules if dim in m.dimensions]
    return any_[0].module_id if any_ else None


def _modules(codes: list[str], population: str) -> list[str]:
    out: list[str] = []
    for code in codes:
        if code.startswith(("dim_", "funnel_")):
            continue
        m = _module_for(code, population)
        if m and m not in out:
            out.append(m)
    if not out and population in _DEFAULT_MODULE:
        out.append(_DEFAULT_MODULE[population])
    return out


def _method_label(method: str) -> str:
    from casekit.domain import NOTE_METHODS

    return NOTE_METHODS[method].label if method in NOTE_METHODS else method


def _date(value: Any) -> str:
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return str(value)

