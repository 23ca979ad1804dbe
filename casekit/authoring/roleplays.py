"""Drafting a role-play (角色扮演) from a teaching case (``docs/roleplays.md``).

:func:`draft_roleplay` turns a :class:`~casekit.authoring.cases.Case` into a
:class:`~casekit.authoring.cases.RolePlay` of the kind the case's population calls for:

* an account manager's note → a **sales visit** (销售拜访): the account manager (and the support
  engineer when the note says they went together) and the customer's cast;
* a support engineer's note → a **joint visit** (联合拜访): account manager, support engineer, the
  customer's gatekeeper (把关者) and decision maker (决策者);
* a sales manager's note → a **coaching conversation** (指标分解与辅导谈话): the sales manager and
  two account managers with different markets, no customer.

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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from casekit.domain import BEHAVIOURS, FUNNEL_STAGES, INDUSTRIES, POPULATIONS, PRODUCTS, lookup
from casekit.file_ids import check_file_id

__all__ = [
    "COACHING_CHECKLIST",
    "KIND_LABELS",
    "MAX_CUSTOMER_ROLES",
    "OBSERVER_CHECKLIST",
    "POPULATION_KINDS",
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
#: Kind → what the role-play is, as a trainee reads it.
KIND_LABELS: Mapping[str, str] = {
    "sales_visit": "销售拜访",
    "joint_visit": "联合拜访",
    "coaching": "指标分解与辅导谈话",
}
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

#: Titles that make a note's person the customer's decision maker when the industry's cast does
#: not know the title (a shop's 老板娘, a school's 校长 in the generic cast).
_OWNER_TITLES = ("老板娘", "老板", "董事长", "老总", "店长", "厂长", "校长", "院长", "总经理")
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
_PERSON_TITLE = re.compile(r"(长|经理|主任|主管|老板娘|老板|董事长|老总|会计|负责人)$")
#: What may stand before a person in a clause where the person is the subject.
_SUBJECT_LEAD = re.compile(r"(最后|后来|当时|其实|现在|平时|最早|一开始|上次|那天|而|但|可)?"
                           rf"[{''.join(NAME_SURNAMES)}]?")
_NOT_A_FACT = re.compile(r"(说|问|讲|答|道|回答|表示)了?$|点头|签了|签约|成交|拍板了|同意了|^你们?\S{0,2}(说|问)")
#: A fact on a customer's card says what troubles or concerns that person (not what they did in
#: the visit the role-play re-enacts: 老板娘自己拿着手机翻了五分钟 belongs to the story, not the card).
_TROUBLE = re.compile(r"抱怨|担心|嫌|麻烦|怕|不知道|不清楚|没法|没办法|只能|差错|丢|流失|贵|头疼|不满|意见|不放心|着急|"
                      r"发愁|少了|慢|乱|对不上|加班|忙不过来|顾不上|关心|想要|希望|要求|顾虑|靠|问题|难|累|烦")
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

    @property
    def heading(self) -> str:
        """The card's heading: ``信息科长（周科长）``."""
        return f"{self.title}（{self.name}）"

    @property
    def role(self) -> str:
        """Purchase role (决策者 / 使用者 / 把关者 / 影响者); ``""`` when unknown."""
        return self.department.role if self.department is not None else ""


@dataclass(frozen=True)
class _Source:
    """What a role-play is drawn from: the story's paragraphs and the note's facts."""

    key: str  # the Namer key: the case's first source note id
    population: str
    story: tuple[tuple[str, str], ...]  # (kind, text): paragraphs / answers, no question, no remark
    remarks: tuple[str, ...]  # the consultant's remarks (used to find titles only, never shown)


def roleplay_kind(case: Case, bundle: Any = None) -> str:
    """The role-play kind (:data:`POPULATION_KINDS`) of a case: from its ``population``, else the
    population of its source note in ``bundle``, else its modules' population, else a sales visit."""
    return POPULATION_KINDS.get(_population(case, bundle), "sales_visit")


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
    kind = POPULATION_KINDS.get(source.population, "sales_visit")
    if kind == "coaching":
        return []
    industry = _industry_id(case)
    namer = namer or _namer(source.key, industry, bundle)
    rows = _product_rows(case, bundle)
    return _cast(case, source, kind, industry_cast(industry), industry, rows, namer)


def _cast(case: Case, source: _Source, kind: str, cast: IndustryCast, industry: str | None,
          rows: list[dict[str, Any]], namer: Namer) -> list[CastMember]:
    texts = [text for _, text in source.story] + list(source.remarks)
    people = _note_people(texts, cast, industry)
    chosen: list[tuple[str, str, Department | None, bool]] = []  # (title, key, department, from note)
    taken: set[str] = set()

    def add(title: str, key: str, department: Department | None, from_note: bool) -> None:
        ident = department.key if department is not None else key
        if ident not in taken:
            taken.add(ident)
            chosen.append((title, key, department, from_note))

    for title, key, department in people:
        add(title, key, department, True)
    if kind == "sales_visit":
        for department in _note_departments(texts, cast):
            add(department.title, department.title, department, True)
        for department in _product_departments(rows, cast):
            add(department.title, department.title, department, False)
    else:  # joint visit: the gatekeeper the products reach (else the industry's first)
        if not any(d is not None and d.role == "把关者" for _, _, d, _ in chosen):
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

    named = _names_in_case(case)
    addresses = [_address(d.title if d is not None and not _PERSON_TITLE.search(t) else t) for t, _, d, _ in chosen]
    out = []
    for title, key, department, from_note in chosen:
        shown = department.title if department is not None and not _PERSON_TITLE.search(title) else title
        address = _address(shown if not _PERSON_TITLE.search(title) else title)
        name = (named.get(address) if addresses.count(address) == 1 else None) or namer.person(key, address)
        out.append(CastMember(title=shown, name=name, department=department, key=key, from_note=from_note,
                              said_as=title))
    return out


#: How a person is addressed after the surname (信息科长 → 周科长, 总经理 → 李总), longest first.
_ADDRESS: tuple[tuple[str, str], ...] = (
    ("副总经理", "总"), ("总经理", "总"), ("老总", "总"), ("老板娘", "老板娘"), ("老板", "老板"),
    ("董事长", "董事长"), ("院长", "院长"), ("校长", "校长"), ("厂长", "厂长"), ("店长", "店长"),
    ("科长", "科长"), ("处长", "处长"), ("主任", "主任"), ("主管", "主管"), ("经理", "经理"),
    ("会计", "会计"), ("负责人", "经理"), ("总", "总"),
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


def _names_in_case(case: Case) -> dict[str, str]:
    """Title → fictional name the case already gives (``周院长`` in its 人物 or 经过)."""
    text = "\n".join(case.section(h) for h in ("人物", "背景", "经过", "情境"))
    surnames = "".join(NAME_SURNAMES)
    out: dict[str, str] = {}
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
    segments = _segments(bundle, analysis, note_ids) if bundle is not None or analysis is not None else None
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
    return _Source(key=key, population=population, story=tuple(story), remarks=tuple(remarks))


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


def _namer(key: str, industry: str | None, bundle: Any) -> Namer:
    return Namer(key, industry, forbidden=forbidden_text(bundle) if bundle is not None else "")


def _product_rows(case: Case, bundle: Any) -> list[dict[str, Any]]:
    """The catalogue rows of the case's products in its region (local name or canonical id)."""
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
    rows = catalogue[catalogue["region_id"] == top]
    out = []
    for name in case.products:
        hit = rows[rows["local_name"] == name]
        if hit.empty:
            product = lookup(PRODUCTS, name)
            hit = rows[rows["canonical_product"] == product] if product else hit
        if not hit.empty:
            out.append(hit.iloc[0].to_dict())
    return out


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
    for text in story:
        masked = _mask_own_side(text)
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
                    if any(w in rest for w in actors) or "□" in rest or (other_re and re.search(other_re, rest)):
                        continue
                    said_as = hit.group(0)
                    you = "你" if said_as in persons else f"你们{said_as}"
                    start = hit.start() - 1 if before and before[-1] in NAME_SURNAMES else hit.start()  # 周院长
                    kept.append(part[:start] + you + part[hit.end():])
                    continue
                if "§" in part or any(w in part for w in actors) or "□" in part_masked \
                        or (other_re and re.search(other_re, part_masked)) or re.search(token_re, part_masked):
                    break
                kept.append(part)
            if not kept:
                continue
            sentence = _clean(rewriter.names("，".join(kept)))
            sentence = re.sub(r"^((?:最后|后来|当时|其实|现在|平时|最早|一开始|上次|那天)?)(你们?)(说|讲|提到|反映|表示)了?(?=\S)",
                              r"\1在\2看来，", sentence)  # reported speech: 院长说主要靠老病人介绍
            if len(sentence) < 5 or "〔" in sentence or _NOTE_ID.search(sentence) or _NOT_A_FACT.search(sentence) \
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
        raise ValueError(f"a role-play needs more than {minutes} minutes")
    return "\n".join(f"- {n}分钟 {step.format(kind=KIND_LABELS[kind])}" for n, (step, _) in zip(parts, TIME_PLAN))


def draft_roleplay(case: Case, *, roleplay_id: str | None = None, minutes: int = 30,
                   bundle: Any = None, analysis: Any = None) -> RolePlay:
    """Draft a role-play from a case.

    Parameters
    ----------
    case : Case
        The teaching case (a draft or reviewed; old sections 情境 or new 经过).
    roleplay_id : str, optional
        Default ``R`` + the case id's digits (``C002`` → ``R002``).
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
        raise ValueError(f"a role-play needs at least 8 minutes, got {minutes}")
    source = _source(case, bundle, analysis)
    kind = POPULATION_KINDS.get(source.population, "sales_visit")
    industry = _industry_id(case)
    cast = industry_cast(industry)
    namer = _namer(source.key, industry, bundle)
    rows = _product_rows(case, bundle)
    customer = _cast(case, source, kind, cast, industry, rows, namer)

    # the customer's company: the case's title (某某的苦恼), else the note's placeholder
    texts = [t for _, t in source.story]
    placeholder, suffix = _company_placeholder(texts, cast)
    title_company = case.title[: -len("的苦恼")] if case.title.endswith("的苦恼") else ""
    if title_company and not re.search(r"[〔【]|^某", title_company):
        company = title_company
    else:
        company = namer.company(placeholder, suffix)[1]
    rewriter = _Rewriter({placeholder: company}, customer, title_company if title_company.startswith("某") else "")

    named = _names_in_case(case)
    if kind == "coaching":
        blocks, public, sellers = _coaching(case, source, rows, namer, rewriter)
    else:
        own = _own_side_in_case(case)
        with_se = kind == "joint_visit" or bool({"支撑人员", "支撑工程师"} & set(case.roles)) or "se" in own
        am = CastMember("客户经理", own.get("am") or named.get("客户经理") or namer.full_name("am", "客户经理"))
        se = CastMember("支撑人员", own.get("se") or namer.full_name("se", "支撑人员")) if with_se else None
        sellers = [am] + ([se] if se else [])
        public = _public_visit(case, kind, company, cast, customer, sellers, rows, rewriter)
        blocks = [(am.heading, *_am_card(case, source, kind, company, customer, se, rows, rewriter))]
        if se is not None:
            blocks.append((se.heading, *_se_card(kind, customer, rows, industry)))
        for member in customer:
            # who else may act in a clause: the other people (their titles), not their departments'
            # words (收银 in 老板娘抱怨收银台差错多 is what she complains about, not an actor)
            others = [t for o in customer if o is not member for t in (o.title, o.said_as, o.key) if t]
            blocks.append((member.heading, *_customer_card(member, source, others, rewriter)))
    roles_text = "\n\n".join(f"### {head}\n\n目标：{goal}\n\n私人信息：{private}" for head, goal, private in blocks)

    digits = re.sub(r"\D", "", case.id) or case.id
    clean_title = case.title and not re.search(r"[〔【]|^某", case.title)
    if case.title.startswith("某") and case.title.endswith("的苦恼") and kind != "coaching":
        title = f"{company}的苦恼——角色扮演"
    elif clean_title:
        title = f"{case.title}——角色扮演"
    elif kind == "coaching":
        title = "指标怎么分、过程怎么管"
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
            "观察清单": observer_checklist(kind, support_engineer=any(s.title == "支撑人员" for s in sellers)),
        },
        case=case.id,
        minutes=minutes,
    )


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
    for text in texts:
        for suffix in sorted(cast.suffixes, key=len, reverse=True):
            m = re.search(rf"一[家所]([\u4e00-\u9fff]{{0,3}}{re.escape(suffix)})", text)
            if m:
                return "〔企业A〕", m.group(1)
    return "〔企业A〕", None


def _public_visit(case: Case, kind: str, company: str, cast: IndustryCast, customer: list[CastMember],
                  sellers: list[CastMember], rows: list[dict[str, Any]], rewriter: _Rewriter) -> str:
    noun = _industry_label(case.industry) or cast.noun
    lines = [f"{company}是{case.region or '本地'}的一家{noun}。"]
    background = rewriter.names(case.section("背景"))
    if background and not re.search(r"〔|【待补充|^- 客户：", background, flags=re.MULTILINE) \
            and not _NOTE_ID.search(_SOURCE_REF.sub("", background)):
        lines.append(_SOURCE_REF.sub("", background).strip())
    products = [r["local_name"] for r in rows] or [p for p in case.products if "【" not in p]
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
             se: CastMember | None, rows: list[dict[str, Any]], rewriter: _Rewriter) -> tuple[str, str]:
    goal = "先提问，按部门找到各位客户的麻烦，再讲产品能带来的好处；不以价格开场；结束时约定下一步。"
    if se is not None:
        guards = [m for m in customer if m.role == "把关者"]
        goal = ("掌控拜访节奏：事先和支撑人员分好工，你负责问需求，" +
                (f"请他回答{guards[0].title}关心的问题，" if guards else "请他在需求明确后再演示，") +
                "不以价格开场；结束时约定下一步。")
    parts = [f"你知道的客户情况：{company}，{case.region or '本地'}的一家{_industry_label(case.industry) or '客户'}。"]
    deciders = [m for m in customer if m.role == "决策者"]
    if deciders:
        parts.append(f"你知道拍板的是{deciders[0].heading}；其他人各管什么、有什么麻烦，要到现场问。")
    if source.population == "account_manager":
        earlier = _own_story(source.story, rewriter)
        if earlier:
            parts.append("之前的经过（你自己的经历）：" + "".join(earlier))
    if rows:
        lines = [f"- {r['local_name']}：{r.get('package') or missing('套餐')}，{r.get('price') or missing('价格')}。"
                 + (f"{r['customer_value']}。" if r.get("customer_value") else "") for r in rows]
        parts.append("产品（本地产品目录的套餐和价格）：\n\n" + "\n".join(lines))
    else:
        parts.append(missing("产品的本地套餐和价格（没有本地产品目录）"))
    return goal, "\n\n".join(parts)


def _se_card(kind: str, customer: list[CastMember], rows: list[dict[str, Any]],
             industry: str | None) -> tuple[str, str]:
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
            if not benefit.text:
                continue
            said.setdefault(benefit.text, []).append(member.title)
            if benefit.needs_rewrite and row["local_name"] not in rewrite:
                rewrite.append(str(row["local_name"]))
        if not said:
            value = str(row.get("customer_value") or "")
            said = {value: []} if value else {}
        for text, titles in said.items():
            who = f"（对{'、'.join(titles)}）" if titles and len(said) > 1 else ""
            lines.append(f"- {row['local_name']}{who}：{text.rstrip('。')}。")
    text = "产品能给客户带来的好处（用客户的话说）：\n\n" + "\n".join(lines)
    if rewrite:
        text += "\n\n" + missing(f"{'、'.join(rewrite)}对各部门分别的说法（产品目录只有一句，请按部门改写）")
    return goal, text


def _customer_card(member: CastMember, source: _Source, others: Sequence[str],
                   rewriter: _Rewriter) -> tuple[str, str]:
    department = member.department
    persons = [member.key + member.said_as] if member.key.startswith("〔") else [member.title, member.said_as]
    departments = _department_forms(department) if department is not None and member.from_note \
        and not member.key.startswith("〔") else []
    facts, words = _card_facts(persons, departments, others, [t for _, t in source.story], rewriter)
    if department is not None:
        goal = department.wants + "。"
        role = f"你在这次采购中是{department.role}" + {
            "决策者": "：最后拍板的是你。", "把关者": "：你不点头，这件事办不成。",
            "使用者": "：买了以后天天用的是你和你的人。", "影响者": "：你的意见会被拍板的人听进去。"}.get(
                department.role, "。")
    else:
        goal = "只为真正解决自己麻烦的东西花钱。"
        role = missing(f"{member.title}的采购角色（记录没有写明他管什么、能不能拍板）")
    parts = [role]
    if facts:
        parts.append("你的情况：" + "".join(facts))
    elif department is not None:
        parts.append("你的麻烦：" + missing(f"记录里没有写{member.title}的麻烦；同行业常见的是：{department.worry}。"
                                          "请核实或按客户的实际情况改写"))
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
    am1 = CastMember("客户经理", namer.full_name("客户经理甲", "客户经理"))
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
    own = _own_story(source.story, rewriter) if source.population == "sales_manager" else []
    manager_private = [
        "你是这两位客户经理的直接领导，今年的指标要按时完成。",
        ("你现在的做法（你在访谈中自己说的）：" + "".join(own)) if own
        else missing("你现在怎样分指标、怎样看进展（记录里是顾问的叙述，请改写成这位管理者自己的做法）"),
    ]
    if rows:
        manager_private.append("今年主推的产品（本地产品目录）：" + "；".join(
            f"{r['local_name']}（{r.get('package') or '套餐待定'}，{r.get('price') or '价格待定'}）" for r in rows) + "。")
    manager_goal = ("和两位客户经理一起按片区的市场把指标分下去；问清每个重点客户走到了销售漏斗的哪一步、"
                    "下一步做什么、需要谁帮忙；约定每周看过程的办法和一次陪访。")
    am1_private = ("你的片区：开发区和写字楼，工厂和公司多，单子大，但要见好几个部门，周期长。"
                   "你手上有三个在谈的重点客户，其中一个谈了两个月还不知道谁拍板。"
                   "你觉得按人头平均分对你不公平：大单一签就超额，签不下来就挂零。"
                   "经理问到具体客户时，你才说出卡在哪一步；你希望经理陪你去一次。")
    am2_private = ("你的片区：乡镇和街面小商铺，客户多、单子小，一家一家跑。"
                   f"你觉得{product_text}在你的片区不好卖，小店老板只问多少钱。"
                   "你每天跑很多家，但说不出哪几家最有希望。经理问你时，你先说指标太高；"
                   "只有经理问到你的客户都是做什么生意的，你才说出哪几家最近有需求。")
    blocks = [
        (manager.heading, manager_goal, "\n\n".join(manager_private)),
        (am1.heading, "指标要和自己片区的客户对得上；卡住的大客户希望有人帮一把。", am1_private),
        (am2.heading, "指标要定得能完成；希望知道在小商铺多的片区该主推什么。", am2_private),
    ]
    return blocks, public, [manager, am1, am2]


# ------------------------------------------------------------------------------------ helpers


def label_or(stage: str, default: str) -> str:
    """The case's funnel step, or the label of ``default`` when it is still missing."""
    if stage and "【待补充" not in stage:
        return stage
    return FUNNEL_STAGES[default].label
