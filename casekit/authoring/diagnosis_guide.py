"""The diagnosis guide of one region: from "medicine seller" (卖药的) to "doctor" (医生).

The seed's third key link (找到客户的潜在需求) has the account manager diagnose before prescribing:
寻找客户的伤口 (ask the question that finds the pain), 揭开伤口 (let the customer say it), 往伤口上撒盐
(make plain what it costs if nothing changes), 给伤口抹药 (only then the product). Its toolbox ties
each product to the customer's needs and departments so that an account manager turns "from a
medicine seller into a doctor" (由一位"卖药的"转变为一个"医生").

:func:`build_diagnosis_guide` writes that path per industry and per department of the customer:

* industries: those the region's ride-alongs and notes name
  (:func:`casekit.analysis.industries.industry_evidence`), most traces first; then the other
  industries casekit has a customer cast for (:func:`casekit.authoring.cast.industry_cast`),
  marked as not seen in the region's research;
* per department of the industry's cast: the opening question (``Department.ask``), the pain in
  the customer's words (``Department.worry``), the follow-up that makes its cost plain and what
  happens if it is not solved (:data:`SALT`, by the catalogue department the cast maps to), the
  region's products for that department (catalogue rows whose ``departments`` include it and
  whose ``needs`` fit it, :data:`DEPARTMENT_NEEDS`), the value sentence for that department
  (:func:`casekit.authoring.benefits.department_benefit`) and the local package and price;
* examples from the region's notes (redacted, :func:`casekit.analysis.analyse_notes`): customers'
  own words, what account managers here do wrong (codes of the code frame's ``failure`` and
  ``am_weakness`` groups) and what worked (``success``). The quote rules of the client report
  apply: never a 360° interview (:data:`casekit.privacy.disclosure.UNQUOTED_METHOD`), never a population the region
  interviewed fewer than :data:`~casekit.privacy.disclosure.MIN_INTERVIEWEES` people of; an
  excerpt holding a placeholder (〔…〕), a staff code or other Latin letters, a city of the
  manifest or a name of the roster is skipped, never repaired.

Everything in the guide is plain Chinese for account managers; editing notes (engineers' words
left in a catalogue sentence) go to :attr:`DiagnosisGuide.review`, never into the file.
:func:`write_diagnosis_guide_docx` and :func:`write_diagnosis_guide_markdown` write it atomically
and reproducibly. See ``docs/diagnosis-guide.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from casekit import domain
from casekit.authoring.benefits import department_benefit, needs_in
from casekit.authoring.cast import Department, industry_cast
from casekit.authoring.toolbox import JARGON, evidence_sentence, industry_research, product_industries, research_date
from casekit.exceptions import AnalysisError
from casekit.language import quoted, tr
from casekit.privacy.disclosure import MIN_INTERVIEWEES, UNQUOTED_METHOD, quotable_populations

__all__ = [
    "DEPARTMENT_NEEDS",
    "EXAMPLE_KINDS",
    "GOOD_GROUPS",
    "MISTAKE_GROUPS",
    "SALT",
    "STEPS",
    "DepartmentPath",
    "DiagnosisGuide",
    "Example",
    "IndustryGuide",
    "Remedy",
    "build_diagnosis_guide",
    "department_needs",
    "department_salt",
    "diagnosis_guide_docx_bytes",
    "diagnosis_guide_markdown",
    "write_diagnosis_guide_docx",
    "write_diagnosis_guide_markdown",
]

#: The steps of the path, in order (the seed's four, then what the account manager says and sells).
STEPS: tuple[str, ...] = ("寻找伤口", "揭开伤口", "往伤口上撒盐", "给伤口抹药", "说出好处", "本地套餐和价格")

#: Needs a department of the catalogue (:data:`casekit.domain.CUSTOMER_DEPARTMENTS`) feels; a
#: product is offered to a department only when one of its needs is among them.
DEPARTMENT_NEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "general_manager": ("increase_revenue", "cut_cost", "customer_acquisition", "raise_efficiency", "security"),
    "finance": ("cut_cost", "raise_efficiency"),
    "it": ("raise_efficiency", "security", "cut_cost"),
    "operations": ("raise_efficiency", "cut_cost", "security"),
    "sales_marketing": ("customer_acquisition", "increase_revenue"),
    "admin": ("cut_cost", "raise_efficiency"),
    "security": ("security",),
})

#: 往伤口上撒盐 per catalogue department: the follow-up question that makes the pain's cost plain,
#: and what happens if it is not solved (said to the account manager, in plain words).
SALT: Mapping[str, tuple[str, str]] = MappingProxyType({
    "general_manager": ("这件事要是再拖一年，少赚的和多花的钱加起来有多少？同行要是先解决了，您的客户会去哪儿？",
                        "钱照样花，生意却一点点流到先动手的同行那里。"),
    "finance": ("每个月为这件事多加几天班、多出几次错，一年下来是多少钱？账上出了差错，最后谁来担？",
                "账越拖越乱，出了差错先找的是财务。"),
    "it": ("下一次再出这样的事，会耽误多少业务？到时候领导第一个找谁？",
           "故障和风险一直压在一两个人身上，出一次事就是大事。"),
    "operations": ("每天多花的这些工夫，一年加起来要多养几个人？来办事的人等久了，会不会就不来了？",
                   "人手越加越多，来办事的人还在排队、还在抱怨。"),
    "sales_marketing": ("一个老客户一年给您带来多少生意？走掉一个，要花多少力气才补得回来？",
                        "老客户悄悄流失，新客户又找不到门。"),
    "admin": ("一件事通知不到、落实不了，出一次岔子要多花多少工夫去补？",
              "管理靠打电话、跑腿，越忙越乱，花钱还不少。"),
    "security": ("再出一次事，损失有多大？说不清是谁的责任，最后算在谁头上？",
                 "损失说不清，责任落不到人，同样的事还会再出。"),
})
_SALT_DEFAULT = ("这个问题要是一直这样下去，一年下来会多花多少钱、少赚多少钱？",
                 "问题不会自己消失，拖得越久代价越大。")

#: Code-frame groups whose codes mark what account managers do wrong, and what worked.
MISTAKE_GROUPS: tuple[str, ...] = ("failure", "am_weakness")
GOOD_GROUPS: tuple[str, ...] = ("success",)
#: Kinds of :class:`Example` and how the guide heads them.
EXAMPLE_KINDS: Mapping[str, str] = MappingProxyType({
    "customer": "客户的原话",
    "mistake": "这里的客户经理常犯的错",
    "good": "做得好的例子",
})

_PRODUCTS_PER_DEPARTMENT = 3
_EXAMPLES_PER_KIND = 3
_REGION_MISTAKES = 6
_MIN_QUOTE_CHARS = 8
_ORDER = {pid: i for i, pid in enumerate(domain.PRODUCTS)}
_PLACEHOLDER = re.compile(r"[〔〕]")
_LATIN = re.compile(r"[A-Za-z]")
_QUOTED = re.compile(r"[“\"「]([^“”\"「」]{4,60})[”\"」]")
_SPEECH = re.compile(r"说|问|讲|嫌|抱怨|回答|答|表示|反问|笑着|一句")
_LIST_NUMBER = re.compile(r"^(……)?\s*\d+[.、．]\s*")
_THIRD_PERSON_SPEECH = re.compile(r"[她他].{0,3}(?:说|问|讲|答)")
_SELF_SPEECH = re.compile(r"我.{0,4}(?:说|问|讲|答)")
_SENTENCE_BREAK = re.compile(r"[。！？；!?;\n]")
_MEMO = ("顾问备注", "备注", "顾问")
_CUSTOMER_WORDS = ("客户", "老板", "老总", "对方", "经理")
#: Our own people: never a customer speaking, even though 客户经理 holds 客户 and 经理.
_OUR_PEOPLE = re.compile(r"客户经理|支撑人员|支撑工程师|销售经理们|我们")


# -- the guide ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Remedy:
    """One of the region's products for a department (给伤口抹药).

    Attributes
    ----------
    product : str
        The region's local product name.
    value : str
        What it does for this department, in the customer's words
        (:func:`casekit.authoring.benefits.department_benefit`).
    package, price : str
        The local package and price from the catalogue (empty when the catalogue has none).
    needs : tuple of str
        Labels of the department's needs the product addresses.
    """

    product: str
    value: str
    package: str
    price: str
    needs: tuple[str, ...] = ()

    @property
    def offer(self) -> str:
        """Package and price in one phrase (本地套餐和价格)."""
        package = "" if self.package == self.product else self.package  # 客户关系管理模块：客户关系管理模块
        parts = [p for p in (package, self.price) if p]
        return "，".join(parts) if parts else "本地价格待补充，请向产品经理确认"


@dataclass(frozen=True)
class DepartmentPath:
    """The path from the first question to the price, for one department of one industry.

    Attributes
    ----------
    department, title, role : str
        The department as the industry calls it, the person met there and their purchase role.
    ask : str
        寻找伤口: the question that finds the pain.
    worry : str
        揭开伤口: the pain in the customer's words.
    salt_question, consequence : str
        往伤口上撒盐: the follow-up question, and what happens if the pain is not solved.
    remedies : tuple of Remedy
        给伤口抹药 / 说出好处 / 本地套餐和价格: the region's products for this department.
    """

    department: str
    title: str
    role: str
    ask: str
    worry: str
    salt_question: str
    consequence: str
    remedies: tuple[Remedy, ...] = ()

    def steps(self) -> list[tuple[str, str]]:
        """``(step, text)`` in the order of :data:`STEPS`, as the guide prints them."""
        if self.remedies:
            medicine = "先确认客户认了这个问题，再推荐：" + "、".join(r.product for r in self.remedies)
            value = "；".join(f"{r.product}——“{r.value}”" for r in self.remedies)
            price = "；".join(f"{r.product}：{r.offer}" for r in self.remedies)
        else:
            medicine = "本地区产品目录里还没有专门对这个部门的产品：先把问题记下来，和支撑人员商量方案。"
            value = "先请客户自己说出解决以后能省多少、多赚多少，再把这笔账写进方案。"
            price = "待和支撑人员一起定方案后报价。"
        return [
            (STEPS[0], f"这样问{self.title}：“{self.ask}”"),
            (STEPS[1], f"{self.title}常说：“{self.worry}”"),
            (STEPS[2], f"接着问：“{self.salt_question}”不解决的后果：{self.consequence}"),
            (STEPS[3], medicine),
            (STEPS[4], value),
            (STEPS[5], price),
        ]


@dataclass(frozen=True)
class Example:
    """An excerpt of the region's notes shown as an example.

    Attributes
    ----------
    kind : str
        One of :data:`EXAMPLE_KINDS`.
    label : str
        Who speaks (a customer's title) or what the excerpt shows (a code's label).
    quote : str
        The redacted excerpt (no placeholder, no staff code, no city, no roster name).
    segment_id : str
        Where it comes from, for the consultant (never printed in the guide).
    """

    kind: str
    label: str
    quote: str
    segment_id: str = ""


@dataclass(frozen=True)
class IndustryGuide:
    """The diagnosis path for one customer industry.

    Attributes
    ----------
    industry, label : str
        Industry id (:data:`casekit.domain.INDUSTRIES`) and its Chinese label.
    seen : bool
        Whether the region's ride-alongs or notes name the industry.
    basis : str
        Where the industry comes from, in plain words (or that the research did not meet it).
    paths : tuple of DepartmentPath
        One per department of the industry's cast, in the order a consultant would visit them.
    examples : tuple of Example
        Excerpts of the region's notes about this industry.
    """

    industry: str
    label: str
    seen: bool
    basis: str
    paths: tuple[DepartmentPath, ...]
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class DiagnosisGuide:
    """One region's diagnosis guide (诊断指南).

    Attributes
    ----------
    region_id, region_name : str
        The top-level region whose catalogue and notes were used.
    client, engagement, period : str
        From the manifest.
    industries : tuple of IndustryGuide
        Industries seen in the region's research first (most traces first), then the others.
    mistakes : tuple of Example
        What account managers of the region do wrong, from all its notes (any industry).
    quoted : bool
        False when no population of the region reached the interviewee threshold: the guide says
        once, at the top, that it quotes nobody.
    review : tuple of str
        Editing notes for the consultant (never written into the guide): catalogue sentences
        that still hold an engineer's word (their product is left out where that sentence would
        be said).
    date : datetime
        Fixed date from the research period (reproducible files).
    """

    region_id: str
    region_name: str
    client: str
    engagement: str
    period: str
    industries: tuple[IndustryGuide, ...]
    mistakes: tuple[Example, ...] = ()
    review: tuple[str, ...] = ()
    date: dt.datetime = field(default=dt.datetime(2000, 1, 1))
    quoted: bool = True

    @property
    def title(self) -> str:
        """The document's title."""
        return f"{self.region_name}诊断指南：从“卖药的”到“医生”"

    def to_markdown(self) -> str:
        """The guide as Markdown (:func:`diagnosis_guide_markdown`)."""
        return diagnosis_guide_markdown(self)


# -- building -----------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _ids(cell: object) -> tuple[str, ...]:
    if isinstance(cell, (tuple, list)):
        return tuple(str(x) for x in cell)
    return ()


def _region_catalogue(bundle: Any, top: str) -> pd.DataFrame:
    cat = bundle.catalogue
    rows = cat[cat["region_id"] == top].copy()
    if rows.empty:
        raise AnalysisError(tr(f"地区{quoted(top)}没有产品目录：应有 catalogue/{top}.csv，每个本地产品一行",
                               f"region {top!r} has no product catalogue: expected catalogue/{top}.csv "
                               "with one row per local product"))
    rows["_order"] = rows["canonical_product"].map(_ORDER).fillna(len(_ORDER))
    return rows.sort_values(["_order", "local_name"], kind="stable").reset_index(drop=True)


def _jargon_in(text: str) -> str | None:
    return next((w for w in JARGON if w.lower() in text.lower()), None)


def _remedies(rows: pd.DataFrame, department: Department, industry: str | None,
              review: list[str]) -> tuple[Remedy, ...]:
    """Catalogue rows for ``department``: listing its catalogue department, needs fitting it.

    A product made for another industry (its name or package says so) is left out, one made
    for this industry comes first; a value sentence holding an engineer's word is left out and
    noted in ``review``.
    """
    from casekit.authoring.benefits import phrasebook

    local = phrasebook()["industries"].get(industry_cast(industry).industry, {})
    wanted = department_needs(industry, department)
    weight = {need: len(wanted) - i for i, need in enumerate(wanted)}  # the worry's first need counts most
    ranked: list[tuple[int, int, int, Remedy]] = []
    for i, row in enumerate(rows.to_dict("records")):
        product_id = domain.lookup(domain.PRODUCTS, _text(row.get("canonical_product")) or "-") or ""
        written = bool(local.get(product_id, {}).get(department.key))  # the phrasebook speaks to it here
        if department.maps_to not in _ids(row.get("departments")) and not written:
            continue
        needs = _ids(row.get("needs"))
        fit = [n for n in wanted if n in needs]
        if not fit:
            continue  # the product is for this department, but not for what it worries about
        named = product_industries(row)
        if named and industry not in named:
            continue  # 商务领航·酒店版 is not offered to a hospital
        benefit = department_benefit(row, department, industry)
        value = _text(benefit.text)
        if not value and benefit.source == "phrasebook":
            continue  # the phrasebook says nothing of this product fits this department here
        value = value or _text(row.get("customer_value"))
        product = _text(row.get("local_name"))
        word = _jargon_in(value)
        if word is not None:
            note = f"{product}的好处说法里有技术用语“{word}”，改成客户的话以前不写进指南：{value}"
            if note not in review:
                review.append(note)
            continue
        said = sum(weight[n] for n in needs_in(value) if n in weight)
        ranked.append((0 if named else 1, -(sum(weight[n] for n in fit) + said), i, Remedy(
            product=product, value=value, package=_text(row.get("package")), price=_text(row.get("price")),
            needs=tuple(domain.CUSTOMER_NEEDS[n].label for n in fit if n in domain.CUSTOMER_NEEDS),
        )))
    ranked.sort(key=lambda t: t[:3])
    return tuple(t[3] for t in ranked[:_PRODUCTS_PER_DEPARTMENT])


@cache
def _cast_extras() -> Mapping[tuple[str, str], Mapping[str, Any]]:
    """The optional keys of ``cast.yaml`` departments this module reads (``needs``, ``salt``)."""
    data = yaml.safe_load(files("casekit.authoring").joinpath("cast.yaml").read_text(encoding="utf-8")) or {}
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for industry, spec in (data.get("industries") or {}).items():
        for d in (spec or {}).get("departments") or ():
            out[(str(industry), str(d.get("key")))] = MappingProxyType(
                {k: d[k] for k in ("needs", "salt") if d.get(k)})
    return MappingProxyType(out)


def _extras(industry: str | None, department: Department) -> Mapping[str, Any]:
    cast = industry_cast(industry)
    return _cast_extras().get((cast.industry, department.key), {})


def department_needs(industry: str | None, department: Department) -> tuple[str, ...]:
    """The customer needs a department's worry is about, the most pressing first.

    Parameters
    ----------
    industry : str or None
        Industry id or label (its cast, :func:`casekit.authoring.cast.industry_cast`).
    department : Department
        One of the cast's departments.

    Returns
    -------
    tuple of str
        :data:`casekit.domain.CUSTOMER_NEEDS` ids: the department's ``needs`` in ``cast.yaml``
        when written; else the needs its worry, then its wants speak of
        (:func:`casekit.authoring.benefits.needs_in`); else :data:`DEPARTMENT_NEEDS` of the
        catalogue department it maps to.

    Examples
    --------
    >>> purchasing = industry_cast("retail").department("purchasing")
    >>> department_needs("retail", purchasing)[0]
    'cut_cost'
    """
    written = [n for n in (_extras(industry, department).get("needs") or ()) if n in domain.CUSTOMER_NEEDS]
    if written:
        return tuple(dict.fromkeys(written))
    found = [*needs_in(department.worry), *needs_in(department.wants)]
    if found:
        return tuple(dict.fromkeys(found))
    return DEPARTMENT_NEEDS.get(department.maps_to, tuple(domain.CUSTOMER_NEEDS))


def department_salt(industry: str | None, department: Department) -> tuple[str, str]:
    """往伤口上撒盐 for one department: the follow-up question and what happens if nothing changes.

    Parameters
    ----------
    industry : str or None
        Industry id or label.
    department : Department
        One of the industry cast's departments.

    Returns
    -------
    tuple of str
        ``(question, consequence)``: the department's ``salt`` in ``cast.yaml`` (``{ask: …,
        cost: …}``) when written; otherwise both built from the department's own worry, so that
        no two departments hear the same question.

    Examples
    --------
    >>> department_salt("retail", industry_cast("retail").department("purchasing"))[0][:8]  # written
    '上个月断货那几样'
    """
    salt = _extras(industry, department).get("salt")
    _, generic_cost = SALT.get(department.maps_to, _SALT_DEFAULT)
    if isinstance(salt, Mapping) and salt.get("ask"):
        return str(salt["ask"]).strip(), str(salt.get("cost") or generic_cost).strip()
    worry = department.worry.strip().rstrip("。！？")
    if not worry:
        return SALT.get(department.maps_to, _SALT_DEFAULT)
    return (f"您说‘{worry}’——照这样下去，一年要多花多少工夫、少赚多少钱？再拖一年会怎样？",
            f"{worry}，这样的事一个月一个月地拖下去，花的工夫和钱一年比一年多。")


def _paths(rows: pd.DataFrame, industry: str, review: list[str]) -> tuple[DepartmentPath, ...]:
    cast = industry_cast(industry)
    out = []
    for department in cast.departments:
        question, consequence = department_salt(industry, department)
        out.append(DepartmentPath(
            department=department.name, title=department.title, role=department.role,
            ask=department.ask, worry=department.worry, salt_question=question, consequence=consequence,
            remedies=_remedies(rows, department, industry, review),
        ))
    return tuple(out)


def _industries(bundle: Any, top: str) -> list[tuple[str, bool, str]]:
    """``(industry, seen, basis)``: the research's industries first, then the cast's others."""
    out: list[tuple[str, bool, str]] = []
    for industry, (visits, notes, advanced) in industry_research(bundle, top).items():
        # the same count and words as the toolbox's target customer model
        out.append((industry, True, f"本地区调研中见到这类客户：{evidence_sentence(visits, notes, advanced)}。"))
    seen = {industry for industry, _, _ in out}
    for industry in domain.INDUSTRIES:
        if industry not in seen and industry_cast(industry).industry == industry:
            out.append((industry, False, "本地区调研中没有见到这类客户。下面按这类客户的通常情况准备，"
                                         "用之前请在工作中核实。"))
    return out


# -- examples from the notes --------------------------------------------------------------------


def _city_names(manifest: Any) -> list[str]:
    names: set[str] = set()
    for top in manifest.top_level_ids():
        for region in manifest.descendants(top):
            if region == top:
                continue
            name = str(manifest.name(region))
            names.add(name)
            stripped = re.sub(r"(市|地区|州|盟|县)$", "", name)
            if len(stripped) >= 2:
                names.add(stripped)
    return sorted(names, key=len, reverse=True)


def _roster_names(bundle: Any) -> list[str]:
    path = getattr(bundle, "path", None)
    if path is None:
        return []
    try:
        from casekit.intake.roster import read_roster

        entries = read_roster(path)
    except Exception:  # noqa: BLE001 - an unreadable roster adds nothing to check against
        return []
    return [n for e in entries for n in (e.name, *e.aliases) if n and len(n) >= 2]


@dataclass
class _Quoter:
    """The rules every excerpt passes before it is shown."""

    cities: list[str]
    names: list[str]

    def clean(self, text: str, min_chars: int = _MIN_QUOTE_CHARS) -> str | None:
        text = _LIST_NUMBER.sub(r"\1", text.strip())
        body = text.replace("……", "")
        if len(body) < min_chars or body.endswith(("：", ":")) or "|" in body:
            return None
        if _PLACEHOLDER.search(text) or _LATIN.search(text):
            return None  # a redacted name, a staff code, an id or an English word
        if text.startswith(_MEMO):
            return None  # the consultants' own notes are not examples
        if any(c in text for c in self.cities) or any(n in text for n in self.names):
            return None
        if any(w.lower() in text.lower() for w in JARGON):
            return None
        return text


def _speakers(industry: str | None) -> list[str]:
    titles: set[str] = set(_CUSTOMER_WORDS)
    for cast in {industry_cast(industry), industry_cast(None)}:
        for d in cast.departments:
            titles.update([d.title, *d.aliases])
    return sorted((t for t in titles if len(t) >= 2), key=len, reverse=True)


def _customer_words(text: str, speakers: list[str]) -> list[tuple[str, str]]:
    """``(speaker, words)``: speech in quotation marks whose sentence has a customer speak it.

    The sentence before the opening mark must hold a verb of speaking and a customer's title
    (the one nearest the mark speaks); the account manager's own words (我跟他说 …) are not a
    customer's.
    """
    out = []
    for match in _QUOTED.finditer(text):
        lead = _OUR_PEOPLE.sub("＿", _SENTENCE_BREAK.split(text[:match.start()])[-1])
        if not _SPEECH.search(lead) or _SELF_SPEECH.search(lead):
            continue
        found = [(lead.rfind(s), len(s), s) for s in speakers if s in lead]
        if not found:
            continue
        position, _, speaker = max(found)
        if "＿" in lead[position:] or _THIRD_PERSON_SPEECH.search(lead[position:]):
            continue  # one of our people speaks after the customer is named
        out.append(("客户" if speaker in ("对方", "经理") else speaker, match.group(1).strip()))
    return out


def _examples(analysis: Any, top: str, industry: str | None, quoter: _Quoter, quotable: set[str],
              used: set[str]) -> list[Example]:
    """Customer words, mistakes and good practice about ``industry`` (None: any) in ``top``'s notes."""
    frame = analysis.bundle.code_frame
    kinds = analysis.segments.set_index("segment_id")["kind"]

    def allowed(found: pd.DataFrame) -> pd.DataFrame:
        keep = [(kinds.get(s) != "question" and m != UNQUOTED_METHOD and p in quotable and s not in used)
                for s, m, p in zip(found["segment_id"], found["method"], found["population"])]
        found = found.loc[keep]
        if industry is not None:
            found = found.loc[[industry in _ids(i) for i in found["industries"]]]
        return found

    out: list[Example] = []
    if industry is not None:
        speakers = _speakers(industry)
        # every segment of a note about the industry (the customer speaks where the industry is not named)
        about = set(analysis.quotes(region=top, industry=industry)["note_id"])
        found = analysis.segments.loc[analysis.segments["note_id"].isin(about)]
        found = found.loc[[(k != "question" and m != UNQUOTED_METHOD and p in quotable and s not in used)
                           for k, m, p, s in zip(found["kind"], found["method"], found["population"],
                                                 found["segment_id"])]]
        n = 0
        for segment, text in zip(found["segment_id"], found["text"]):
            for speaker, words in _customer_words(str(text), speakers):
                quote = quoter.clean(words, min_chars=4)
                if quote and n < _EXAMPLES_PER_KIND:
                    used.add(str(segment))
                    out.append(Example("customer", speaker, quote, str(segment)))
                    n += 1
            if n >= _EXAMPLES_PER_KIND:
                break
    for kind, groups in (("mistake", MISTAKE_GROUPS), ("good", GOOD_GROUPS)):
        limit = _EXAMPLES_PER_KIND if industry is not None else _REGION_MISTAKES
        if kind == "good" and industry is None:
            continue
        n = 0
        for code in frame.codes:
            if code.group not in groups or n >= limit:
                continue
            found = allowed(analysis.quotes(region=top, code=code.id))
            for segment, quote in zip(found["segment_id"], found["quote"]):
                quote = quoter.clean(str(quote))
                if quote and segment not in used:
                    used.add(str(segment))
                    out.append(Example(kind, code.label, quote, str(segment)))
                    n += 1
                    break  # one excerpt per code: the examples show different mistakes
    return out


# -- public ---------------------------------------------------------------------------------------


def build_diagnosis_guide(bundle: Any, region: str, *, notes: Any | None = None) -> DiagnosisGuide:
    """Build the diagnosis guide of ``region``: per industry, from the first question to the price.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``casekit.intake.load_bundle``).
    region : str
        A top-level region id or name; a city resolves to its province (whose catalogue it sells
        from and whose notes it shares).
    notes : NotesAnalysis, optional
        :func:`casekit.analysis.analyse_notes` of the bundle (computed when not given; pass it
        when building several regions).

    Returns
    -------
    DiagnosisGuide

    Raises
    ------
    RegionError
        If the region is not in the manifest.
    AnalysisError
        If the region has no catalogue rows.
    """
    manifest = bundle.manifest
    top = manifest.top_of(manifest.require(region))
    rows = _region_catalogue(bundle, top)
    if notes is None:
        from casekit.analysis import analyse_notes

        notes = analyse_notes(bundle)
    quoter = _Quoter(_city_names(manifest), _roster_names(bundle))
    quotable = quotable_populations(bundle.notes, top)
    used: set[str] = set()
    review: list[str] = []
    industries = []
    for industry, seen, basis in _industries(bundle, top):
        examples = _examples(notes, top, industry, quoter, quotable, used) if seen else []
        industries.append(IndustryGuide(
            industry=industry, label=domain.INDUSTRIES[industry].label, seen=seen, basis=basis,
            paths=_paths(rows, industry, review), examples=tuple(examples)))
    mistakes = _examples(notes, top, None, quoter, quotable, used)
    return DiagnosisGuide(
        region_id=top, region_name=manifest.name(top), client=str(manifest.client or ""),
        engagement=str(manifest.engagement or ""), period=str(manifest.period or ""),
        industries=tuple(industries), mistakes=tuple(mistakes), review=tuple(review),
        date=research_date(manifest.period), quoted=bool(quotable),
    )


_INTRO = (
    "客户经理常常一见面就介绍产品、讲优惠，这是“卖药的”做法：药再好，病人不觉得自己有病，就不会买。"
    "医生先问诊：先找到伤口，再让客户自己把伤口揭开、说出疼在哪里，接着让他看清不治会怎样（往伤口上撒盐），"
    "最后才给伤口抹药——用客户听得懂的话讲产品能带来的好处，报本地的套餐和价格。",
    "下面按行业、按客户的部门，把每一步该怎么问、客户会怎么说、用哪个产品、怎么讲好处、多少钱写出来。"
    "一家客户要见几个部门的人，每个部门的伤口不一样，不要只找一个人谈。",
)
#: Said once, at the top, when the region's research cannot be quoted (the privacy rule: fewer than
#: casekit.privacy.disclosure.MIN_INTERVIEWEES interviewees of every population).
_NOT_QUOTED = (f"本地区每类受访人都不到{MIN_INTERVIEWEES}位，为保护受访人，这份指南不引用原话；"
               "下面的问法、说法是通用的，请培训时让学员讲自己遇到的例子。")
_NUMBERS = "一二三四五六七八九十"


def _chinese_number(n: int) -> str:
    if n <= 10:
        return _NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (_NUMBERS[ones - 1] if ones else "")


def _cover(guide: DiagnosisGuide) -> list[tuple[str, str]]:
    return [(k, v) for k, v in (("客户", guide.client), ("地区", guide.region_name), ("项目", guide.engagement),
                                 ("调研时间", guide.period)) if v]


def _blocks(guide: DiagnosisGuide) -> Iterable[tuple[str, Any]]:
    """The guide as a flat sequence of (kind, content): title, para, h1, h2, h3, item."""
    for label_, value in _cover(guide):
        yield "para", f"{label_}：{value}"
    yield "h1", "怎么用这份指南"
    for text in _INTRO:
        yield "para", text
    if not guide.quoted:
        yield "para", _NOT_QUOTED
    for number, ind in enumerate(guide.industries, start=1):
        yield "h1", f"{_chinese_number(number)}、{ind.label}"
        yield "para", ind.basis
        for path in ind.paths:
            yield "h2", f"{path.department}（{path.title}，{path.role}）"
            for i, (step, text) in enumerate(path.steps(), start=1):
                yield "step", (f"{i}. {step}", text)
        if ind.examples:
            yield "h2", "本地区的实例"
            for kind, heading in EXAMPLE_KINDS.items():
                chosen = [e for e in ind.examples if e.kind == kind]
                if not chosen:
                    continue
                yield "h3", heading
                for e in chosen:
                    yield "item", (f"{e.label}说：“{e.quote}”" if kind == "customer" else f"{e.label}：{e.quote}")
    yield "h1", "本地区客户经理常犯的错"
    if guide.mistakes:
        yield "para", "下面是本地区访谈和随访记录里的原话（已隐去人名、单位名）。对照看看：哪一步跳过了诊断，直接“卖药”了？"
        for e in guide.mistakes:
            yield "item", f"{e.label}：{e.quote}"
    else:
        yield "para", "培训时请学员讲自己遇到的例子，对照上面的步骤找出跳过了哪一步。"


def diagnosis_guide_markdown(guide: DiagnosisGuide) -> str:
    """The guide as Markdown: title, how to use it, one section per industry, the region's mistakes.

    Parameters
    ----------
    guide : DiagnosisGuide

    Returns
    -------
    str
    """
    lines = [f"# {guide.title}", ""]
    for kind, content in _blocks(guide):
        if kind == "para":
            lines += [content, ""]
        elif kind in ("h1", "h2", "h3"):
            lines += ["#" * (int(kind[1]) + 1) + " " + content, ""]
        elif kind == "step":
            lines.append(f"- **{content[0]}**：{content[1]}")
        elif kind == "item":
            lines.append(f"- {content}")
    text = "\n".join(lines)
    text = re.sub(r"(\n- [^\n]*)\n(?=#)", r"\1\n\n", text)  # a blank line after each list
    return text.rstrip() + "\n"


def write_diagnosis_guide_markdown(guide: DiagnosisGuide, path: str | Path, *, force: bool = False) -> Path:
    """Write :func:`diagnosis_guide_markdown` to ``path`` (atomic; an edited file is kept).

    Parameters
    ----------
    guide : DiagnosisGuide
    path : str or Path
        Target ``.md``.
    force : bool, default False
        Replace a file edited since casekit wrote it, keeping the old one beside it.

    Returns
    -------
    Path

    Raises
    ------
    EditedFileError
        If ``path`` was changed since casekit wrote it and ``force`` is False (nothing written).
    """
    from casekit.safe_save import save_editable

    save_editable(path, diagnosis_guide_markdown(guide), force=force)
    return Path(path)


def diagnosis_guide_docx_bytes(guide: DiagnosisGuide, *, font: str | None = None) -> bytes:
    """The guide as a Word document (A4, East Asian fonts, page numbers); same guide, same bytes.

    Parameters
    ----------
    guide : DiagnosisGuide
    font : str, optional
        East Asian font (default :data:`casekit.authoring.docx_writer.CJK_FONT`).

    Returns
    -------
    bytes
    """
    from docx.shared import Cm

    from casekit.authoring import docx_writer as dw

    font = font or dw.CJK_FONT
    doc = dw.new_document(guide.title, font=font)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    for kind, content in _blocks(guide):
        if kind == "para":
            dw.add_paragraph(doc, content)
        elif kind in ("h1", "h2", "h3"):
            dw.add_heading(doc, content, level=int(kind[1]))
        elif kind == "step":
            paragraph = dw.add_paragraph(doc, content[0] + "：", bold=True)
            run = paragraph.add_run(content[1])
            dw.set_run_fonts(run, font, dw.LATIN_FONT)
        elif kind == "item":
            dw.add_paragraph(doc, "• " + content)
    dw.add_page_numbers(doc)
    return dw.document_bytes(doc, when=guide.date)


def write_diagnosis_guide_docx(guide: DiagnosisGuide, path: str | Path, *, font: str | None = None,
                               force: bool = False) -> Path:
    """Write :func:`diagnosis_guide_docx_bytes` to ``path``, atomically and reproducibly.

    Parameters
    ----------
    guide : DiagnosisGuide
    path : str or Path
        Target ``.docx``.
    font : str, optional
        East Asian font (default :data:`casekit.authoring.docx_writer.CJK_FONT`).
    force : bool, default False
        Replace a document edited since casekit wrote it, keeping the old one beside it.

    Returns
    -------
    Path

    Raises
    ------
    EditedFileError
        If ``path`` was changed since casekit wrote it and ``force`` is False (nothing written).
    """
    from casekit.safe_save import save_editable

    save_editable(path, diagnosis_guide_docx_bytes(guide, font=font), force=force)
    return Path(path)
