"""The sales toolbox of one region (转型产品营销工具箱 / 商务客户市场精细化销售工具).

The seed's toolbox turns the account manager from a "medicine seller" into a "doctor": three
cross tables tie the region's products to the customer's needs and departments (产品-需求对照工具箱:
产品与客户需求、客户需求与客户各部门职能、产品与客户各部门需求), the target customer model
(目标客户模型) says whom to approach with what, and the customer management tables 1–4
(客户管理表一～四) are what an account manager fills in about each customer.

:func:`build_toolbox` derives all of it from the bundle: the region's catalogue
(``catalogue/<region>.csv``: local product names, the value in the customer's words, the needs and
departments each product addresses) and, for the target customer model, the industries of the
region's ride-alongs and the industry tags of its interview notes. Cells are written in the
customer's language: only ``customer_value`` is ever copied, never ``technical_description``, and
:func:`jargon_findings` lists every cell that still contains an engineer's word (:data:`JARGON`).

:func:`write_toolbox_xlsx` and :func:`write_toolbox_docx` write it for the account managers;
both are atomic and reproducible (same input, same bytes). See ``docs/toolbox.md``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from casekit import domain
from casekit.authoring.benefits import department_benefit, need_benefit
from casekit.authoring.cast import Department, IndustryCast, industry_cast
from casekit.exceptions import AnalysisError
from casekit.language import quoted, tr

__all__ = [
    "EVIDENCE_FEW",
    "EVIDENCE_KINDS",
    "GUIDES",
    "INDUSTRY_QUESTIONS",
    "JARGON",
    "LIFECYCLE_STAGES",
    "OPENING_QUESTIONS",
    "PHRASEBOOK_NOTE",
    "PURCHASE_ROLES",
    "REVIEW_COLUMNS",
    "TITLES",
    "Toolbox",
    "build_toolbox",
    "department_choices",
    "evidence_sentence",
    "industry_research",
    "jargon_findings",
    "product_industries",
    "research_date",
    "review_markdown",
    "table_guide",
    "table_title",
    "write_review",
    "write_toolbox_docx",
    "write_toolbox_xlsx",
]

#: Engineers' words that must not appear in what an account manager says to a customer
#: (the seed: support engineers "speak technical language, not the customer's").
JARGON: tuple[str, ...] = (
    "带宽", "码流", "协议", "组网拓扑", "拓扑", "服务器", "分辨率", "并发", "网关", "接口", "编码",
    "架构", "数据库", "多租户", "部署", "路由", "防火墙", "IP网络", "VPN", "VPDN", "MPLS", "ADSL",
    "SaaS", "ASP模式", "DVR", "LDAP", "IDC", "H.264", "B/S", "CIF", "PMS", "软交换",
)

#: Sheet / section titles, in the order of the toolbox (each ≤ 31 characters for Excel). The
#: per-industry product × department tables (``industry_departments:<industry id>``) follow
#: ``product_departments``; see :func:`table_title`.
TITLES: Mapping[str, str] = MappingProxyType({
    "product_needs": "产品×客户需求",
    "need_departments": "客户需求×部门职能",
    "product_departments": "产品×部门需求",
    "prices": "产品价格与套餐",
    "target_customers": "目标客户模型",
    "customer_info": "客户管理表一 客户基本信息",
    "decision_chain": "客户管理表二 决策链",
    "opportunities": "客户管理表三 需求与机会",
    "visit_plan": "客户管理表四 拜访与跟进计划",
})

#: A short guide per table, shown in the DOCX and on the XLSX cover.
GUIDES: Mapping[str, str] = MappingProxyType({
    "product_needs": "横看：这个产品能帮客户解决哪类问题；竖看：客户说想增收、降支、提效时，可以推荐哪些产品。"
                     "格子里是客户自己会说的话，拜访时照着说，不要讲技术参数。",
    "need_departments": "每类需求在客户的哪些部门最有感受，格子里是把需求和部门连起来的产品。"
                        "拜访前先想好要见哪几个部门的人，不要只找一个人谈。",
    "product_departments": "同一个产品，对不同部门的好处说法不同。见到哪个部门的人，就讲他关心的那一句："
                           "老板听收入、成本和管得住，财务听钱和对账，业务部门听少跑腿，"
                           "管电脑的听省心和安全，销售听客户多、回头客多。",
    "industry_departments": "在{industry}里，部门和负责人有自己的叫法。见到哪位，就讲他那一列的话。",
    "prices": "本地区每个产品的套餐和价格。先讲清好处，客户问到价钱再拿出来；价格以本地最新资费为准。",
    "target_customers": "本地区调研（工作随访、访谈）中出现的行业：这类客户通常有什么需求、先找哪些部门的哪位、"
                        "主推哪些产品、见到每个人第一个问题怎么问。“证据”一栏说明这一行有多少调研撑着："
                        "证据少的行业，要在工作中继续验证。",
    "customer_info": "第一次接触客户前后填写：客户是谁、做什么、规模多大、现在用了哪些业务。",
    "decision_chain": "客户内部每个部门的关键人：谁拍板、谁使用、谁把关、谁有影响；他们各自关心什么。",
    "opportunities": "把客户的原话记下来，对应到需求和产品；用客户的话写出产品能带来的好处。",
    "visit_plan": "每次拜访前写目的和要问的问题，拜访后写客户反馈和约定的下一步。每周一更新。",
})

#: Opening questions per customer need, in the seed's manner (从哪些信息来判断客户的需求; ask from
#: both sides; find the customer's "wound" before offering the "medicine").
OPENING_QUESTIONS: Mapping[str, str] = MappingProxyType({
    "increase_revenue": "今年的生意比去年好还是差？您觉得差在哪儿——客人少了，还是每个客人花得少了？",
    "cut_cost": "每个月花在跑腿、对账、打电话传真上的钱和人手，大概有多少？哪一块您觉得最冤枉？",
    "raise_efficiency": "一件事从您这儿交代下去，到办完报回来，要经过几个人、几天？最容易卡在哪一步？",
    "security": "上一次丢东西或者出事是什么时候？当时是怎么发现的，损失了多少？",
    "customer_acquisition": "现在的新客人主要是怎么找到您的？老客人多久没来了，您知道吗？",
})

#: The first question to the decision maker of an industry whose cast (``cast.yaml``) has no
#: departments of its own yet: about that industry's business, never about a product. With a cast
#: of its own, the decision maker's ``ask`` is used instead.
INDUSTRY_QUESTIONS: Mapping[str, str] = MappingProxyType({
    "hotel": "今年的入住率比去年怎么样？淡季空着的房间，您想过怎么填上吗？",
    "retail": "几家店里哪家最让您操心？您不在店里的时候，怎么知道店里的情况？",
    "education": "家长最常打电话来问学校什么事？老师通知一遍家长，现在要花多少工夫？",
    "real_estate": "一位客户从第一次来看房到签约，要来回几趟？看完没买的客户，后来还联系吗？",
    "travel": "旺季报名的电话接得过来吗？去年跟过团的老客人，今年有多少回来报名？",
    "trading": "客户下单到发货要几天？业务员在外面，怎么知道仓库里还有没有货？",
    "manufacturing": "车间和仓库的情况，您在办公室能知道多少？上一次因为消息没传到耽误交货是什么时候？",
    "hospital": "一个病人看完病以后，医院和他还有联系吗？复诊的病人大概占多少？",
    "bakery": "每天做多少面包是怎么定的？卖不完和不够卖，哪种情况多？",
    "cosmetics": "来买过一次的顾客，有多少会再来？她们什么时候用完、该来补货，您心里有数吗？",
})

#: The enterprise life cycle (企业生命周期需求分析), a pick-list of table 1.
LIFECYCLE_STAGES: tuple[str, ...] = ("创业期", "成长期", "成熟期", "衰退期")
#: Purchase roles of the people in a customer's decision chain (采购角色), a pick-list of table 2.
PURCHASE_ROLES: tuple[str, ...] = ("决策者", "使用者", "把关者", "影响者")
ATTITUDES: tuple[str, ...] = ("支持", "中立", "反对", "不清楚")
#: An industry backed by fewer pieces of research (ride-alongs + interview notes) than this has
#: "few" pieces of evidence (证据少); see :func:`evidence_sentence`.
EVIDENCE_FEW = 5
#: With at least :data:`EVIDENCE_FEW` pieces, evidence is "ample" (证据较多) when it comes from at
#: least this many kinds of research (ride-alongs and interview notes), otherwise "fair" (证据一般).
EVIDENCE_KINDS = 2
#: How the review list names cells written from casekit's phrasebook (one line per product).
PHRASEBOOK_NOTE = "通用说法，请按本地客户的话核对"
PHRASEBOOK_ADVICE = ("问问本地客户经理，客户自己会怎么说；改好的话写进产品目录的“department_values”列，"
                     "或改 benefits.yaml")
#: Columns of :attr:`Toolbox.review` (the consultant's editing list).
REVIEW_COLUMNS: tuple[str, ...] = ("表", "行", "列", "问题", "建议")

_PRODUCT_COL = "产品"
_NEED_COL = "客户需求"
_FITS = "适用"  # a product addresses a need but the catalogue has no sentence (the review says so)
_NO_PRICE = "以本地最新资费为准"
_NO_PRODUCT = "调研中没有谈到具体产品"
_INDUSTRY_KEY = "industry_departments:"
_ORDER = {pid: i for i, pid in enumerate(domain.PRODUCTS)}
_ADVANCING = {"won", "advanced"}


def table_title(key: str) -> str:
    """The sheet / section title of a toolbox table key (``industry_departments:hospital`` → 产品×部门需求·医院)."""
    if key.startswith(_INDUSTRY_KEY):
        industry = key[len(_INDUSTRY_KEY):]
        term = domain.INDUSTRIES.get(industry)
        return f"{TITLES['product_departments']}·{term.label if term else industry}"
    return TITLES.get(key, key)


def table_guide(key: str) -> str:
    """The Chinese guide of a toolbox table key (:data:`GUIDES`)."""
    if key.startswith(_INDUSTRY_KEY):
        industry = key[len(_INDUSTRY_KEY):]
        term = domain.INDUSTRIES.get(industry)
        return GUIDES["industry_departments"].format(industry=term.label if term else industry)
    return GUIDES.get(key, "")


def evidence_sentence(visits: int, notes: int, advanced: int = 0) -> str:
    """Say plainly how much research backs an industry's row of the target customer model.

    Parameters
    ----------
    visits, notes : int
        Customer visits seen on ride-alongs (工作随访) and interview and ride-along notes
        (访谈与随访记录) of the region about the industry (:func:`industry_research`).
    advanced : int, default 0
        Visits that were won or advanced to the next step.

    Returns
    -------
    str
        The counts and a verdict: fewer than :data:`EVIDENCE_FEW` pieces → 证据少，需要在工作中继续验证;
        at least that many from :data:`EVIDENCE_KINDS` kinds of research → 证据较多; otherwise
        证据一般 (one kind only: confirm with the other).

    Examples
    --------
    >>> evidence_sentence(2, 1)
    '工作随访2次、访谈与随访记录1篇（证据少，需要在工作中继续验证）'
    >>> evidence_sentence(5, 1, advanced=2)
    '工作随访5次、访谈与随访记录1篇，其中2次随访成交或推进（证据较多）'
    """
    parts = []
    if visits:
        parts.append(f"工作随访{visits}次")
    if notes:
        parts.append(f"访谈与随访记录{notes}篇")
    if visits and advanced:
        parts[-1] += f"，其中{advanced}次随访成交或推进"
    pieces, kinds = visits + notes, int(bool(visits)) + int(bool(notes))
    if pieces < EVIDENCE_FEW:
        verdict = "证据少，需要在工作中继续验证"
    elif kinds >= EVIDENCE_KINDS:
        verdict = "证据较多"
    else:
        verdict = "证据一般：只有" + ("工作随访" if visits else "访谈记录") + "，需要用" + \
                  ("访谈" if visits else "工作随访") + "印证"
    return f"{'、'.join(parts) or '没有调研记录'}（{verdict}）"


def product_industries(row: Mapping[str, object]) -> frozenset[str]:
    """The industries a catalogue row is made for, by its local name or package (酒店版 → hotel).

    A product made for an industry is offered only to that industry: on its product × department
    sheet, in its row of the target customer model and in its paths of the diagnosis guide. Words
    too common to mean an industry on their own (餐饮: a hotel's restaurant as much as a bakery's)
    do not count.

    Parameters
    ----------
    row : mapping
        One row of ``bundle.catalogue`` (``local_name``, ``package``).

    Returns
    -------
    frozenset of str
        Industry ids of :data:`casekit.domain.INDUSTRIES`; empty for a product of every industry.

    Examples
    --------
    >>> sorted(product_industries({"local_name": "商务领航·酒店版", "package": "酒店版（前台、客房）"}))
    ['hotel']
    >>> product_industries({"local_name": "商务领航", "package": "通用版"})
    frozenset()
    """
    from casekit.analysis.industries import INDUSTRY_WORDS
    from casekit.analysis.quotes import TEXT_ONLY_IN_TAGS

    text = _text(row.get("local_name")) + " " + _text(row.get("package"))
    named = set()
    for industry, term in domain.INDUSTRIES.items():
        words = (*INDUSTRY_WORDS.get(industry, ()), term.label, *term.aliases)
        if any(len(w) >= 2 and w not in TEXT_ONLY_IN_TAGS and w in text for w in words):
            named.add(industry)
    return frozenset(named)


def _offered_to(row: Mapping[str, object], industry: str) -> bool:
    named = product_industries(row)
    return not named or industry in named


def industry_research(bundle, region: str) -> dict[str, tuple[int, int, int]]:
    """How much of a region's research is about each customer industry.

    The one count behind every evidence sentence (the toolbox's target customer model and the
    diagnosis guide say the same numbers in the same words, :func:`evidence_sentence`): visits
    and notes as :func:`casekit.analysis.industries.industry_evidence` counts them, and how many
    of those visits were won or advanced.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle.
    region : str
        A region id or name (a city resolves to its province).

    Returns
    -------
    dict
        Industry id → ``(visits, notes, advanced)``, industries with at least one visit or note,
        most research first (then :data:`casekit.domain.INDUSTRIES` order).
    """
    from casekit.analysis.industries import industry_evidence

    manifest = bundle.manifest
    top = manifest.top_of(manifest.require(region))
    evidence = industry_evidence(bundle, top)
    counts: dict[str, list[int]] = {}
    for industry, source, n in zip(evidence["industry"], evidence["source"], evidence["count"]):
        if source in ("ride_alongs", "notes"):
            counts.setdefault(str(industry), [0, 0, 0])[0 if source == "ride_alongs" else 1] += int(n)
    visits = bundle.ride_alongs
    if "top_region_id" in visits and "outcome" in visits:
        mine = visits.loc[visits["top_region_id"] == top]
        for industry, outcome in zip(mine["industry"], mine["outcome"]):
            if industry in counts and outcome in _ADVANCING:
                counts[industry][2] += 1
    order = {ind: i for i, ind in enumerate(domain.INDUSTRIES)}
    ranked = sorted(counts.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), order.get(kv[0], 99)))
    return {ind: (v, n, a) for ind, (v, n, a) in ranked}


@dataclass(frozen=True, eq=False)
class Toolbox:
    """One region's sales toolbox: client-facing tables with Chinese headers.

    Attributes
    ----------
    region_id, region_name : str
        The top-level region whose catalogue was used (a city resolves to its province).
    client, engagement, period : str
        From the manifest; ``period`` is shown on covers.
    products : tuple of str
        The region's local product names, in the order of the tables.
    product_needs : DataFrame
        ``产品`` + one column per customer need (label): the product's value in the customer's
        words where it addresses the need, empty otherwise.
    need_departments : DataFrame
        ``客户需求`` + one column per customer department (label): the local products that link
        the need and the department (``、``-separated), empty otherwise.
    product_departments : DataFrame
        ``产品`` + one column per generic department (label): what the product does for that
        department (:func:`casekit.authoring.benefits.department_benefit`) where the catalogue
        lists the department, empty otherwise.
    industry_departments : mapping
        Industry id → DataFrame for each industry of ``target_customers`` whose cast has departments
        of its own: ``产品`` + one column per department as the industry calls it (``信息科（信息科长）``).
    prices : DataFrame
        ``产品``, ``同类业务`` (the canonical product), ``套餐``, ``价格``.
    target_customers : DataFrame
        One row per industry the region's ride-alongs or notes mention: ``行业``, ``典型需求``,
        ``先接触的部门`` (the industry's own departments and titles), ``主推产品``, ``开场提问``
        (one question per department, ``title：question`` per line), ``证据``
        (:func:`evidence_sentence`).
    customer_info, decision_chain, opportunities, visit_plan : DataFrame
        客户管理表一～四: columns only (blank templates).
    pick_lists : mapping
        Table key → column → allowed values (products are the region's local names).
    jargon : DataFrame
        :func:`jargon_findings` of the tables (``表``, ``行``, ``列``, ``术语``, ``内容``); empty when
        every cell is in the customer's language.
    review : DataFrame
        The consultant's editing list (:data:`REVIEW_COLUMNS`: ``表``, ``行``, ``列``, ``问题``,
        ``建议``): jargon, cells that are the catalogue's single sentence, missing prices and
        packages, industries without departments of their own. Never written into the XLSX/DOCX
        (:func:`write_review`).
    date : datetime
        A fixed date derived from the research period (:func:`research_date`), stored as the
        files' created/modified date so that output is reproducible.
    """

    region_id: str
    region_name: str
    client: str
    engagement: str
    period: str
    products: tuple[str, ...]
    product_needs: pd.DataFrame
    need_departments: pd.DataFrame
    product_departments: pd.DataFrame
    target_customers: pd.DataFrame
    customer_info: pd.DataFrame
    decision_chain: pd.DataFrame
    opportunities: pd.DataFrame
    visit_plan: pd.DataFrame
    prices: pd.DataFrame = field(default_factory=pd.DataFrame)
    industry_departments: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    pick_lists: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    jargon: pd.DataFrame = field(default_factory=pd.DataFrame)
    review: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(REVIEW_COLUMNS)))
    date: dt.datetime = dt.datetime(2000, 1, 1)

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """Return ``(key, frame)`` in toolbox order (:func:`table_title` gives each title).

        The keys of :data:`TITLES`, with ``industry_departments:<industry id>`` after
        ``product_departments``.
        """
        out: list[tuple[str, pd.DataFrame]] = []
        for key in TITLES:
            out.append((key, getattr(self, key)))
            if key == "product_departments":
                out += [(_INDUSTRY_KEY + ind, frame) for ind, frame in self.industry_departments.items()]
        return out

    @property
    def templates(self) -> tuple[str, ...]:
        """Keys of the blank management tables (客户管理表一～四)."""
        return ("customer_info", "decision_chain", "opportunities", "visit_plan")


# -- building -----------------------------------------------------------------------------------


def research_date(period: str) -> dt.datetime:
    """Return the last date named in a manifest's ``period`` (``2008-08 至 2008-10`` → 2008-10-01).

    Years and months may be written ``2008-10``, ``2008.10``, ``2008/10`` or ``2008年10月``; a day is
    optional. Without any date the result is 2000-01-01 (still fixed, so output stays reproducible).
    """
    found = re.findall(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2}))?", str(period or ""))
    for year, month, day in reversed(found):
        try:
            return dt.datetime(int(year), int(month), int(day or 1))
        except ValueError:
            continue
    return dt.datetime(2000, 1, 1)


def _labels(vocabulary: Mapping[str, domain.Term], ids: Iterable[str]) -> list[str]:
    return [vocabulary[i].label for i in ids if i in vocabulary]


def _ids(cell: object) -> tuple[str, ...]:
    if isinstance(cell, (tuple, list)):
        return tuple(str(x) for x in cell)
    return ()


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _region_catalogue(bundle, top: str) -> pd.DataFrame:
    cat = bundle.catalogue
    rows = cat[cat["region_id"] == top].copy()
    if rows.empty:
        raise AnalysisError(tr(f"地区{quoted(top)}没有产品目录：应有 catalogue/{top}.csv，每个本地产品一行",
                               f"region {top!r} has no product catalogue: expected catalogue/{top}.csv "
                               "with one row per local product"))
    rows["_order"] = rows["canonical_product"].map(_ORDER).fillna(len(_ORDER))
    return rows.sort_values(["_order", "local_name"], kind="stable").reset_index(drop=True)


class _Review:
    """Collects the consultant's editing notes, once per (table, row, column, problem)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str, str], str] = {}
        self.generic: dict[str, dict[str, int]] = {}  # product → table → cells in casekit's words

    def add(self, table: str, row: str, column: str, problem: str, advice: str) -> None:
        self.rows.setdefault((table, row, column, problem), advice)

    def phrasebook(self, table: str, product: str) -> None:
        """Count a cell filled from casekit's phrasebook, not from the client's catalogue."""
        tables = self.generic.setdefault(product, {})
        tables[table] = tables.get(table, 0) + 1

    def frame(self) -> pd.DataFrame:
        rows = [(*k, v) for k, v in self.rows.items()]
        for product, tables in self.generic.items():  # one line per product, not per cell
            cells = sum(tables.values())
            where = "、".join(tables) if len(tables) <= 2 else f"{next(iter(tables))}等{len(tables)}张表"
            rows.append((where, product, f"{cells}格", f"{PHRASEBOOK_NOTE}：{cells}格用的是casekit的通用说法，"
                         "不是本地产品目录里的话", PHRASEBOOK_ADVICE))
        return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))


def _product_needs(rows: pd.DataFrame, review: _Review) -> pd.DataFrame:
    """Product × need: one sentence per need the product lists (:func:`need_benefit`): the
    catalogue's sentence under the need it fits best, the phrasebook's under the others."""
    out = {_PRODUCT_COL: rows["local_name"].tolist()}
    title = TITLES["product_needs"]
    for term_id, term in domain.CUSTOMER_NEEDS.items():
        cells = []
        for _, row in rows.iterrows():
            name = row["local_name"]
            if term_id not in _ids(row["needs"]):
                cells.append("")
                continue
            benefit = need_benefit({**row, "needs": _ids(row["needs"])}, term_id)
            if not benefit.text and not _text(row["customer_value"]):
                review.add(title, name, term.label, "缺客户说法：目录里没有这个产品的客户说法，格子里暂写“适用”",
                           "在产品目录的“customer_value”列用客户的话写一句好处")
                cells.append(_FITS)
                continue
            if benefit.source == "phrasebook" and benefit.text:
                review.phrasebook(title, name)
            cells.append(benefit.text)
        out[term.label] = cells
    return pd.DataFrame(out)


def _generic_department(dep_id: str) -> Department:
    """A department of no industry in particular (phrasebook: generic sentences)."""
    label = domain.CUSTOMER_DEPARTMENTS[dep_id].label
    return Department(key=dep_id, name=label, maps_to=dep_id, title=label, role="", wants="", worry="", ask="")


_CATALOGUE_ONLY = "同一句话：各部门都是目录里同一句话，没有为这个部门写"
_CATALOGUE_ONLY_ADVICE = ("在产品目录的“department_values”列为这个部门写一句客户的话"
                          "（如“财务部：月底对账省两天”），或在 benefits.yaml 里补上这个产品")


def _product_departments(rows: pd.DataFrame, review: _Review) -> pd.DataFrame:
    """Product × generic department: each department's own benefit where the catalogue lists it."""
    out = {_PRODUCT_COL: rows["local_name"].tolist()}
    for dep_id, term in domain.CUSTOMER_DEPARTMENTS.items():
        department = _generic_department(dep_id)
        cells = []
        for _, row in rows.iterrows():
            if dep_id not in _ids(row["departments"]):
                cells.append("")
                continue
            benefit = department_benefit(row, department)
            if benefit.needs_rewrite:
                review.add(TITLES["product_departments"], row["local_name"], term.label, _CATALOGUE_ONLY,
                           _CATALOGUE_ONLY_ADVICE)
            elif benefit.source == "phrasebook" and benefit.text:
                review.phrasebook(TITLES["product_departments"], row["local_name"])
            cells.append(benefit.text or ("" if benefit.source == "phrasebook" else _FITS))
        out[term.label] = cells
    return pd.DataFrame(out)


def _has_own_cast(industry: str) -> bool:
    return industry_cast(industry).industry == industry


def _department_heading(department: Department) -> str:
    return department.name if department.title in department.name else f"{department.name}（{department.title}）"


def _industry_departments(rows: pd.DataFrame, industry: str, review: _Review) -> pd.DataFrame:
    """Product × the industry's own departments: filled where the catalogue lists the department's
    generic kind, or the phrasebook has a sentence written for this industry's department."""
    from casekit.authoring.benefits import phrasebook

    cast = industry_cast(industry)
    local = phrasebook()["industries"].get(industry, {})
    title = table_title(_INDUSTRY_KEY + industry)
    rows = rows.loc[[_offered_to(row, industry) for row in rows.to_dict("records")]]
    out: dict[str, list[str]] = {_PRODUCT_COL: rows["local_name"].tolist()}
    columns = [_department_heading(d) for d in cast.departments]
    for column in columns:
        out[column] = []
    for _, row in rows.iterrows():
        product = domain.lookup(domain.PRODUCTS, _text(row["canonical_product"]) or "-") or ""
        said: set[str] = set()
        for department, column in zip(cast.departments, columns):
            written = bool(local.get(product, {}).get(department.key))
            text = ""
            if department.maps_to in _ids(row["departments"]) or written:
                benefit = department_benefit(row, department, industry)
                if benefit.needs_rewrite:
                    review.add(title, row["local_name"], column, _CATALOGUE_ONLY, _CATALOGUE_ONLY_ADVICE)
                elif benefit.source == "phrasebook" and benefit.text:
                    review.phrasebook(title, row["local_name"])
                # an empty phrasebook sentence: nothing fits this department here (better than a wrong one)
                text = benefit.text or ("" if benefit.source == "phrasebook" else _FITS)
            # two departments of one generic kind (门诊部, 药房) without sentences of their own would
            # hear the same words: only the first one is told
            out[column].append("" if text in said and text != _FITS else text)
            said.add(text)
    return pd.DataFrame(out)


def _prices(rows: pd.DataFrame, review: _Review) -> pd.DataFrame:
    records = []
    for name, pid, package, price in zip(rows["local_name"], rows["canonical_product"], rows["package"],
                                         rows["price"]):
        term = domain.PRODUCTS.get(pid)
        if not _text(price):
            review.add(TITLES["prices"], name, "价格", "缺价格：目录里没有价格，表中写“以本地最新资费为准”",
                       "在产品目录的“price”列填上本地价格")
        if not _text(package):
            review.add(TITLES["prices"], name, "套餐", "缺套餐：目录里没有套餐", "在产品目录的“package”列填上套餐名称和内容")
        records.append({_PRODUCT_COL: name, "同类业务": term.label if term else "", "套餐": _text(package) or "—",
                        "价格": _text(price) or _NO_PRICE})
    return pd.DataFrame(records, columns=[_PRODUCT_COL, "同类业务", "套餐", "价格"])


def _need_departments(rows: pd.DataFrame) -> pd.DataFrame:
    out: dict[str, list[str]] = {_NEED_COL: [t.label for t in domain.CUSTOMER_NEEDS.values()]}
    for dep_id, dep in domain.CUSTOMER_DEPARTMENTS.items():
        cells = []
        for need_id in domain.CUSTOMER_NEEDS:
            linked = [name for name, needs, deps in zip(rows["local_name"], rows["needs"], rows["departments"])
                      if need_id in _ids(needs) and dep_id in _ids(deps)]
            cells.append("、".join(linked))
        out[dep.label] = cells
    return pd.DataFrame(out)


def _local_products(names: Iterable[str], canon: Iterable[str], local: Mapping[str, str],
                    by_canon: Mapping[str, list[str]]) -> set[str]:
    """The region's local names of what a visit or a note mentions."""
    found: set[str] = set()
    names = [n for n in names if n]
    for name in names:
        if name in local:
            found.add(name)
    for pid in canon:
        if not any(local.get(n) == pid for n in found):
            found.update(by_canon.get(pid, [])[:1])  # the region's first (generic) product
    return found


#: How many departments the target customer model names per industry (the decision maker is
#: always among them).
_MODEL_DEPARTMENTS = 4


def _first_departments(cast: IndustryCast, dep_count: Counter) -> list[Department]:
    """The industry's departments to approach: those the lead products concern most, decision maker first."""
    order = list(domain.CUSTOMER_DEPARTMENTS)
    ranked = sorted(cast.departments,
                    key=lambda d: (-dep_count.get(d.maps_to, 0), order.index(d.maps_to) if d.maps_to in order
                                   else len(order), cast.departments.index(d)))
    chosen = [d for d in ranked if dep_count.get(d.maps_to, 0)][:_MODEL_DEPARTMENTS]
    if not chosen:  # no product named in the research: the departments a consultant visits first
        chosen = list(cast.departments[:_MODEL_DEPARTMENTS])
    boss = next((d for d in cast.departments if d.role == "决策者"), None)
    if boss is not None:
        chosen = [boss, *[d for d in chosen if d is not boss]][:_MODEL_DEPARTMENTS]
    return chosen


def _opening_questions(industry: str, cast: IndustryCast, departments: list[Department]) -> str:
    lines = []
    for department in departments:
        ask = department.ask
        if department.role == "决策者" and not _has_own_cast(industry) and industry in INDUSTRY_QUESTIONS:
            ask = INDUSTRY_QUESTIONS[industry]
        lines.append(f"{department.title}：{ask}")
    return "\n".join(lines)


def _target_customers(bundle, top: str, rows: pd.DataFrame, review: _Review) -> pd.DataFrame:
    local = dict(zip(rows["local_name"], rows["canonical_product"]))
    by_canon: dict[str, list[str]] = {}
    for name, pid in local.items():
        by_canon.setdefault(pid, []).append(name)
    needs_of = dict(zip(rows["local_name"], rows["needs"]))
    deps_of = dict(zip(rows["local_name"], rows["departments"]))

    visits = bundle.ride_alongs
    visits = visits[visits["top_region_id"] == top] if "top_region_id" in visits else visits.iloc[0:0]
    notes = bundle.notes
    notes = notes[notes["top_region_id"] == top] if "top_region_id" in notes else notes.iloc[0:0]

    evidence: dict[str, dict[str, object]] = {}

    def slot(ind: str) -> dict[str, object]:
        return evidence.setdefault(ind, {"visits": 0, "advanced": 0, "notes": 0,
                                          "products": Counter(), "wins": Counter()})

    for ind, names, canon, outcome in zip(visits["industry"], visits["products_local"], visits["products"],
                                          visits["outcome"]):
        if ind not in domain.INDUSTRIES:
            continue
        s = slot(ind)
        s["visits"] += 1  # type: ignore[operator]
        ahead = outcome in _ADVANCING
        s["advanced"] += int(ahead)  # type: ignore[operator]
        for name in _local_products(_ids(names), _ids(canon), local, by_canon):
            s["products"][name] += 1  # type: ignore[index]
            if ahead:
                s["wins"][name] += 1  # type: ignore[index]

    for tags in notes["tags"]:
        tags = _ids(tags)
        industries = {domain.lookup(domain.INDUSTRIES, t) for t in tags} - {None}
        if not industries:
            continue
        canon = [p for p in (domain.lookup(domain.PRODUCTS, t) for t in tags if t not in local) if p]
        mentioned = _local_products(tags, canon, local, by_canon)
        for ind in industries:
            s = slot(ind)  # type: ignore[arg-type]
            s["notes"] += 1  # type: ignore[operator]
            for name in mentioned:
                s["products"][name] += 1  # type: ignore[index]

    records = []
    title = TITLES["target_customers"]
    row_of = {r["local_name"]: r for r in rows.to_dict("records")}
    # the industries and their counts are those of the one count (industry_research), so that the
    # toolbox and the diagnosis guide say the same numbers; the products come from the visits and tags
    for ind, (n_visits, n_notes, n_advanced) in industry_research(bundle, top).items():
        s = slot(ind)
        label = domain.INDUSTRIES[ind].label
        products: Counter = s["products"]  # type: ignore[assignment]
        wins: Counter = s["wins"]  # type: ignore[assignment]
        offered = [n for n in products if _offered_to(row_of[n], ind)]
        lead = sorted(offered, key=lambda n: (-wins[n], -products[n], _ORDER.get(local[n], 99), n))[:3]
        need_count: Counter = Counter()
        dep_count: Counter = Counter()
        for name in lead:
            for need in _ids(needs_of.get(name)):
                need_count[need] += products[name]
            for dep in _ids(deps_of.get(name)):
                dep_count[dep] += products[name]
        need_ids = [n for n, _ in sorted(need_count.items(),
                                         key=lambda kv: (-kv[1], list(domain.CUSTOMER_NEEDS).index(kv[0])))][:3]
        cast = industry_cast(ind)
        departments = _first_departments(cast, dep_count)
        if not lead:
            review.add(title, label, "主推产品", "缺产品：调研记录里没有谈到这个行业的具体产品",
                       "补充随访或访谈记录的产品，或由顾问按行业经验填写主推产品")
        if not _has_own_cast(ind):
            review.add(title, label, "先接触的部门", "通用部门：这个行业还没有自己的部门和职务叫法，表中用的是通用部门",
                       "在 casekit/authoring/cast.yaml 里为这个行业写上部门、职务和开场提问")
        records.append({
            "行业": label,
            "典型需求": "、".join(_labels(domain.CUSTOMER_NEEDS, need_ids)) or "—",
            "先接触的部门": "、".join(_department_heading(d) for d in departments),
            "主推产品": "、".join(lead) or _NO_PRODUCT,
            "开场提问": _opening_questions(ind, cast, departments),
            "证据": evidence_sentence(n_visits, n_notes, n_advanced),
        })
    columns = ["行业", "典型需求", "先接触的部门", "主推产品", "开场提问", "证据"]
    return pd.DataFrame(records, columns=columns)


def department_choices(first: Iterable[str] = ()) -> tuple[str, ...]:
    """The departments a management table offers: every industry's own names, then the generic ones.

    Parameters
    ----------
    first : iterable of str
        Industry ids whose departments come first (the region's customers).

    Returns
    -------
    tuple of str
        Department names of :mod:`casekit.authoring.cast` (院办, 信息科, 前厅部 …), each once, then
        the labels of :data:`casekit.domain.CUSTOMER_DEPARTMENTS` not already named.
    """
    first = [i for i in first if i in domain.INDUSTRIES]
    seen: dict[str, None] = {}
    for industry in [*first, *(i for i in domain.INDUSTRIES if i not in first)]:
        cast = industry_cast(industry)
        if cast.industry == industry:
            for department in cast.departments:
                seen.setdefault(department.name, None)
    for term in domain.CUSTOMER_DEPARTMENTS.values():
        seen.setdefault(term.label, None)
    return tuple(seen)


def _templates(products: tuple[str, ...], first: Iterable[str] = ()
               ) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, tuple[str, ...]]]]:
    industries = tuple(t.label for t in domain.INDUSTRIES.values())
    departments = department_choices(first)
    needs = tuple(t.label for t in domain.CUSTOMER_NEEDS.values())
    stages = tuple(t.label for t in domain.FUNNEL_STAGES.values())
    columns = {
        "customer_info": ["客户名称", "所属行业", "地址", "员工人数", "分支机构/门店数", "企业发展阶段",
                          "主要业务与客户群", "在用我方产品", "在用其他运营商业务", "客户目前的苦恼", "填表日期"],
        "decision_chain": ["客户名称", "部门", "关键人（职务）", "采购角色", "他最关心的事", "对我方态度",
                           "联系方式", "谁介绍认识的", "备注"],
        "opportunities": ["客户名称", "客户需求", "提出需求的部门", "客户原话", "对应产品", "用客户的话说好处",
                          "预计月收入（元）", "销售阶段", "预计成交时间"],
        "visit_plan": ["客户名称", "拜访日期", "拜访对象（部门/职务）", "拜访目的", "准备问的问题", "准备介绍的产品",
                       "是否需要支撑人员同去", "客户反馈", "约定的下一步", "下次拜访日期"],
    }
    picks = {
        "customer_info": {"所属行业": industries, "企业发展阶段": LIFECYCLE_STAGES, "在用我方产品": products},
        "decision_chain": {"部门": departments, "采购角色": PURCHASE_ROLES, "对我方态度": ATTITUDES},
        "opportunities": {"客户需求": needs, "提出需求的部门": departments, "对应产品": products,
                          "销售阶段": stages},
        "visit_plan": {"准备介绍的产品": products, "是否需要支撑人员同去": ("是", "否")},
    }
    frames = {key: pd.DataFrame(columns=cols, dtype=object) for key, cols in columns.items()}
    return frames, picks


def jargon_findings(tables: Toolbox | Iterable[tuple[str, pd.DataFrame]],
                    words: Iterable[str] = JARGON) -> pd.DataFrame:
    """Return every cell (and header) of client-facing tables that contains a jargon word.

    Parameters
    ----------
    tables : Toolbox or iterable of (key, DataFrame)
        A toolbox (all its tables are client-facing) or ``(key, frame)`` pairs.
    words : iterable of str
        The jargon list (default :data:`JARGON`); matched case-insensitively as substrings.

    Returns
    -------
    DataFrame
        Columns ``表`` (the table's title), ``行`` (the row's first cell, or ``表头``), ``列``,
        ``术语`` and ``内容``; empty when every cell is in the customer's language.
    """
    pairs = tables.tables() if isinstance(tables, Toolbox) else list(tables)
    words = [w for w in words if w]
    found = []
    for key, frame in pairs:
        title = table_title(key)
        for column in frame.columns:
            for word in words:
                if word.lower() in str(column).lower():
                    found.append((title, "表头", str(column), word, str(column)))
        for _, row in frame.iterrows():
            first = _text(row.iloc[0]) if len(row) else ""
            for column, value in row.items():
                text = _text(value)
                for word in words:
                    if text and word.lower() in text.lower():
                        found.append((title, first, str(column), word, text))
    return pd.DataFrame(found, columns=["表", "行", "列", "术语", "内容"])


def build_toolbox(bundle, region: str) -> Toolbox:
    """Build the sales toolbox of ``region`` from the bundle's catalogue and research.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``casekit.intake.load_bundle``).
    region : str
        A top-level region id or name (``"hebei"``, ``"河北"``); a city (``"保定"``) resolves to its
        province, whose catalogue it sells from.

    Returns
    -------
    Toolbox

    Raises
    ------
    RegionError
        If the region is not in the manifest.
    AnalysisError
        If the region has no catalogue rows.

    Notes
    -----
    Editing notes for the consultant (jargon, cells that are the catalogue's single sentence,
    missing prices) are collected in ``Toolbox.review``, never in the tables.
    """
    manifest = bundle.manifest
    top = manifest.top_of(manifest.require(region))
    rows = _region_catalogue(bundle, top)
    products = tuple(rows["local_name"])
    review = _Review()
    target = _target_customers(bundle, top, rows, review)
    by_label = {t.label: ind for ind, t in domain.INDUSTRIES.items()}
    frames, picks = _templates(products, [by_label[label] for label in target["行业"]])
    own = [by_label[label] for label in target["行业"] if _has_own_cast(by_label[label])]
    draft = Toolbox(
        region_id=top,
        region_name=manifest.name(top),
        client=manifest.client,
        engagement=manifest.engagement,
        period=manifest.period or "",
        products=products,
        product_needs=_product_needs(rows, review),
        need_departments=_need_departments(rows),
        product_departments=_product_departments(rows, review),
        industry_departments=MappingProxyType({ind: _industry_departments(rows, ind, review) for ind in own}),
        prices=_prices(rows, review),
        target_customers=target,
        pick_lists=MappingProxyType({k: MappingProxyType(v) for k, v in picks.items()}),
        date=research_date(manifest.period),
        **frames,
    )
    jargon = jargon_findings(draft)
    for f in jargon.itertuples(index=False):
        review.add(f[0], f[1], f[2], f"技术用语“{f[3]}”：{f[4]}",
                   "换成客户自己的话：说客户能得到什么，不说怎么实现（改产品目录的“customer_value”列）")
    object.__setattr__(draft, "jargon", jargon)
    object.__setattr__(draft, "review", review.frame())
    return draft


# -- writing ------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    """Width of ``text`` in Excel character units: CJK and full-width characters count 2."""
    width = 0
    for ch in text:
        code = ord(ch)
        wide = (0x1100 <= code <= 0x115F or 0x2E80 <= code <= 0xA4CF or 0xAC00 <= code <= 0xD7A3
                or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF60
                or 0xFFE0 <= code <= 0xFFE6 or code == 0x00D7)
        width += 2 if wide else 1
    return width


def _column_width(texts: Iterable[str], *, cap: int = 40, floor: int = 8) -> float:
    longest = max((max((_display_width(line) for line in t.split("\n")), default=0) for t in texts), default=0)
    return float(min(max(longest + 2, floor), cap))


def _cover_lines(toolbox: Toolbox) -> list[tuple[str, str]]:
    return [
        ("客户", toolbox.client),
        ("地区", toolbox.region_name),
        ("项目", toolbox.engagement),
        ("调研时间", toolbox.period),
        ("本地产品", "、".join(toolbox.products)),
    ]


_TEMPLATE_ROWS = 50


def write_toolbox_xlsx(toolbox: Toolbox, path: str | Path, *, force: bool = False) -> Path:
    """Write the toolbox as an Excel workbook: a cover, one sheet per table, pick-lists.

    The cover (``使用说明``) names client, region and research period and says how to use each
    sheet; every table sheet has a bold, frozen header row, wrapped text and column widths fitted
    to Chinese text; the management tables offer their choices (products by local name,
    departments, needs, funnel stages …) as drop-down lists kept on the hidden sheet ``选项``.
    Every cell is a value, never a formula: bundle text starting with ``=`` stays text
    (:func:`casekit.spreadsheet.text_only`). The file is written atomically and is
    byte-identical for the same toolbox; a workbook filled in by hand since casekit wrote it is
    not replaced (:func:`casekit.safe_save.save_editable`).

    Parameters
    ----------
    toolbox : Toolbox
    path : str or Path
        Target ``.xlsx``.
    force : bool, default False
        Replace a workbook edited since casekit wrote it, keeping the old one beside it as
        ``_<region>.bak-<YYYYmmdd-HHMMSS>.xlsx``.

    Returns
    -------
    Path

    Raises
    ------
    EditedFileError
        If ``path`` was changed since casekit wrote it and ``force`` is False (nothing written).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    from casekit.authoring.docx_writer import fixed_zip
    from casekit.safe_save import save_editable
    from casekit.spreadsheet import text_only

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    wb = Workbook()
    cover = wb.active
    cover.title = "使用说明"
    cover["A1"] = f"{toolbox.region_name}转型产品营销工具箱"
    cover["A1"].font = Font(bold=True, size=14)
    r = 3
    for label_, value in _cover_lines(toolbox):
        cover.cell(r, 1, label_).font = bold
        cover.cell(r, 2, value).alignment = wrap
        r += 1
    r += 1
    cover.cell(r, 1, "怎么用").font = bold
    r += 1
    for key, _ in toolbox.tables():
        cover.cell(r, 1, table_title(key)).alignment = wrap
        cover.cell(r, 2, table_guide(key)).alignment = wrap
        r += 1
    cover.column_dimensions["A"].width = 30
    cover.column_dimensions["B"].width = 90

    options = wb.create_sheet("选项")
    # each distinct list is one column of the hidden options sheet, reached through a defined
    # name (Excel 2007 cannot point a list validation at another sheet directly)
    option_ranges: dict[tuple[str, str], str] = {}  # (table key, column) → defined name
    shared: dict[tuple[str, ...], str] = {}
    for key in toolbox.templates:
        for column, values in toolbox.pick_lists.get(key, {}).items():
            values = tuple(values)
            if not values:
                continue
            if values not in shared:
                col = len(shared) + 1
                letter = get_column_letter(col)
                options.cell(1, col, "本地产品" if values == toolbox.products else column).font = bold
                for i, value in enumerate(values, start=2):
                    options.cell(i, col, value)
                name = f"casekit_list_{col}"
                ref = f"{quote_sheetname(options.title)}!${letter}$2:${letter}${len(values) + 1}"
                wb.defined_names[name] = DefinedName(name, attr_text=ref)
                shared[values] = name
            option_ranges[(key, column)] = shared[values]
    options.sheet_state = "hidden"

    for key, frame in toolbox.tables():
        ws = wb.create_sheet(table_title(key))
        columns = [str(c) for c in frame.columns]
        for j, name in enumerate(columns, start=1):
            cell = ws.cell(1, j, name)
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = border
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            for j, value in enumerate(row, start=1):
                text = _text(value)
                cell = ws.cell(i, j, text or None)
                cell.alignment = wrap
                cell.border = border
                if j == 1:
                    cell.font = bold
        is_template = key in toolbox.templates
        last = _TEMPLATE_ROWS + 1 if is_template else len(frame) + 1
        if is_template:
            for i in range(2, last + 1):
                for j in range(1, len(columns) + 1):
                    ws.cell(i, j).border = border
                    ws.cell(i, j).alignment = wrap
        for j, name in enumerate(columns, start=1):
            texts = [name, *(_text(v) for v in frame.iloc[:, j - 1])] if len(frame) else [name]
            if is_template and name in toolbox.pick_lists.get(key, {}):
                texts += list(toolbox.pick_lists[key][name])
            ws.column_dimensions[get_column_letter(j)].width = _column_width(texts, floor=10 if is_template else 8)
        ws.freeze_panes = "B2"
        for column, values in toolbox.pick_lists.get(key, {}).items():
            if column not in columns or (key, column) not in option_ranges:
                continue
            letter = get_column_letter(columns.index(column) + 1)
            dv = DataValidation(type="list", formula1=option_ranges[(key, column)], allow_blank=True,
                                showDropDown=False, showErrorMessage=True, errorStyle="warning",
                                errorTitle="不在选项中", error="请从下拉列表中选择；确需填写其他内容可点“是”。",
                                promptTitle=column, prompt="从下拉列表中选择", showInputMessage=True)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)

    wb.move_sheet(options, offset=len(wb.sheetnames))  # keep the hidden sheet last
    wb.active = 0
    props = wb.properties
    props.creator = "casekit"
    props.lastModifiedBy = "casekit"
    props.title = f"{toolbox.region_name}转型产品营销工具箱"
    props.created = toolbox.date
    props.modified = toolbox.date
    text_only(wb)  # bundle text starting with "=" is text, never a live formula
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook would stamp "modified" with now
    save_editable(path, fixed_zip(buffer.getvalue(), toolbox.date), force=force)
    return Path(path)


def write_toolbox_docx(toolbox: Toolbox, path: str | Path, *, font: str | None = None,
                       force: bool = False) -> Path:
    """Write the toolbox as a Word document: a short Chinese guide per table, then the table.

    Landscape A4; the management tables come with empty rows to fill in by hand and the list of
    choices (local product names …) under each. Written atomically and reproducibly
    (:func:`casekit.authoring.docx_writer.save`).

    Parameters
    ----------
    toolbox : Toolbox
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
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    from casekit.authoring import docx_writer as dw

    title = f"{toolbox.region_name}转型产品营销工具箱"
    doc = dw.new_document(title, font=font or dw.CJK_FONT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for label_, value in _cover_lines(toolbox):
        dw.add_paragraph(doc, f"{label_}：{value}")
    dw.add_paragraph(doc, "本工具箱帮助客户经理把产品和客户的需求、客户各部门的职能对应起来："
                          "先问清客户的问题，再用客户的话讲产品能带来的好处。")
    for number, (key, frame) in enumerate(toolbox.tables(), start=1):
        dw.add_heading(doc, f"{number}. {table_title(key)}", level=1)
        dw.add_paragraph(doc, table_guide(key))
        is_template = key in toolbox.templates
        if not is_template and frame.empty:
            dw.add_paragraph(doc, "（本地区调研中没有可用的记录。）")
            continue
        dw.add_table(doc, frame, blank_rows=6 if is_template else 0)
        if is_template:
            for column, values in toolbox.pick_lists.get(key, {}).items():
                dw.add_paragraph(doc, f"{column}可选：{'、'.join(values)}", size=9)
    return dw.save(doc, path, when=toolbox.date, force=force)


# -- the consultant's editing list --------------------------------------------------------------


def _cell(text: object) -> str:
    return _text(text).replace("|", "｜").replace("\n", " ")


def review_markdown(toolbox: Toolbox) -> str:
    """The toolbox's editing list (:attr:`Toolbox.review`) as a Markdown page for the consultant.

    Returns
    -------
    str
        A title, one sentence on what the list is for, a count per problem and a table with
        :data:`REVIEW_COLUMNS`; "没有需要修改的地方" when the list is empty.
    """
    lines = [f"# {toolbox.region_name}转型产品营销工具箱：待修改清单", "",
             f"给顾问看，不发给客户经理。改好产品目录（catalogue/{toolbox.region_id}.csv）或短语库后，"
             "重新运行 `casekit toolbox`，工具箱和本清单一起更新。", ""]
    review = toolbox.review
    if review.empty:
        lines.append("没有需要修改的地方。")
        return "\n".join(lines) + "\n"
    kinds = Counter(str(p).split("：")[0] for p in review["问题"])
    lines.append(f"共{len(review)}处：" + "；".join(f"{k}{n}处" for k, n in kinds.items()) + "。")
    lines += ["", "| " + " | ".join(REVIEW_COLUMNS) + " |", "|" + "---|" * len(REVIEW_COLUMNS)]
    for row in review.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def write_review(toolbox: Toolbox, path: str | Path) -> Path:
    """Write :func:`review_markdown` to ``path`` atomically (replaced on every run: it is derived).

    Parameters
    ----------
    toolbox : Toolbox
    path : str or Path
        Target ``.md``, by convention ``<region id>_待修改清单.md`` beside the toolbox files.

    Returns
    -------
    Path
    """
    from casekit.files import write_atomic

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, review_markdown(toolbox))
    return target
