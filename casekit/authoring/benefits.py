"""What a product does for one department of a customer, in the customer's words.

The seed's third cross table (产品与客户各部门需求相结合) says the same product differently to each
department: the general manager hears revenue, finance hears cost and control, the front desk
hears less queueing. :func:`department_benefit` gives that sentence for one catalogue row and one
department (of :mod:`casekit.authoring.cast`), taking, in order: the catalogue's own sentence for
that department (optional ``department_values`` column), casekit's phrasebook (``benefits.yaml``)
and, last, the catalogue's one ``customer_value`` sentence, marked for rewriting.

CONTRACT (issue 13): the signature and :class:`Benefit` are fixed; the toolbox helper fills in
the phrasebook and the lookup (done: ``benefits.yaml``, :func:`phrasebook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import yaml

from casekit import domain
from casekit.authoring.cast import Department

__all__ = ["BENEFIT_SOURCES", "NEED_WORDS", "Benefit", "department_benefit", "need_benefit", "needs_in", "phrasebook"]

#: Where a benefit sentence came from, best first.
BENEFIT_SOURCES: tuple[str, ...] = ("catalogue", "phrasebook", "catalogue_value")

#: Words by which a sentence (a benefit, a department's worry or wants) speaks of a customer need
#: (:data:`casekit.domain.CUSTOMER_NEEDS`); see :func:`needs_in`.
NEED_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "increase_revenue": ("生意", "收入", "多卖", "少卖", "断了货", "卖房", "回头客", "入住率", "营业", "利润", "赚",
                         "淡季", "空着", "回来", "复诊", "断货", "不流失", "订得满"),
    "cut_cost": ("省", "花钱", "钱花", "费用", "成本", "话费", "不用买", "不用一次", "月租", "过期", "积压",
                 "压在仓库", "报损", "浪费", "加班", "对不上", "对账", "账", "预算", "损耗"),
    "raise_efficiency": ("跑", "排队", "等", "当天", "马上", "不卡", "查岗", "一查", "打电话", "登记",
                         "重复", "来回", "汇总", "盘库", "盘一次", "干等", "不知道", "才知道", "批文件",
                         "通知", "交接", "落实", "快", "在外面", "查库存"),
    "security": ("丢", "安全", "报警", "备份", "泄露", "出事", "责任", "录像", "偷", "拿的", "故障", "死机",
                 "动仓库", "纠纷", "查得清", "说不清"),
    "customer_acquisition": ("新客", "新病人", "找到我们", "找得到", "找上门", "客户多", "病人不多", "回访",
                             "促销", "传单", "老面孔", "招牌", "介绍", "知道医院", "客人少", "老客户",
                             "不来了", "会员", "签约单位", "协议客户", "生源", "家长"),
})


@dataclass(frozen=True)
class Benefit:
    """A product's benefit for one department.

    Attributes
    ----------
    text : str
        One sentence in the customer's words (never a technical description).
    source : str
        One of :data:`BENEFIT_SOURCES`; ``catalogue_value`` means the catalogue has only one
        sentence for every department, and the cell belongs on the review list for rewriting.
    """

    text: str
    source: str

    @property
    def needs_rewrite(self) -> bool:
        """True when the sentence is the catalogue's single one, not written for this department."""
        return self.source == "catalogue_value"


def department_benefit(row: Mapping[str, Any], department: Department, industry: str | None = None) -> Benefit:
    """The benefit of the catalogue ``row`` (a product) for ``department`` of an ``industry``.

    Parameters
    ----------
    row : mapping
        One row of ``bundle.catalogue`` (``canonical_product``, ``customer_value``, ``needs``,
        ``departments`` …).
    department : Department
        A department of :func:`casekit.authoring.cast.industry_cast`.
    industry : str, optional
        The customer's industry id or label (a phrasebook entry may be industry-specific).

    Returns
    -------
    Benefit
        The first of: the catalogue's sentence for ``department.maps_to`` (``department_values``,
        a mapping of generic department id → sentence, as :mod:`casekit.intake` reads it); the
        phrasebook's sentence for the industry and ``department.key``, then for the industry and
        ``department.maps_to``, then the generic one; the row's ``customer_value`` (possibly
        empty), which :attr:`Benefit.needs_rewrite`.

    Examples
    --------
    >>> from casekit.authoring.cast import industry_cast
    >>> pharmacy = industry_cast("hospital").department("pharmacy")
    >>> department_benefit({"canonical_product": "crm_module"}, pharmacy, "hospital").source
    'phrasebook'
    """
    own = _catalogue_sentence(row.get("department_values"), department.maps_to)
    if own:
        return Benefit(own, "catalogue")
    product = domain.lookup(domain.PRODUCTS, _text(row.get("canonical_product")) or "-")
    if product is not None:
        book = phrasebook()
        industry_id = domain.lookup(domain.INDUSTRIES, industry) if industry else None
        local = book["industries"].get(industry_id or "", {}).get(product, {})
        for key in (department.key, department.maps_to):
            if key in local:  # an empty sentence: nothing fits this department of this industry
                return Benefit(local[key], "phrasebook")
        text = book["generic"].get(product, {}).get(department.maps_to)
        if text:
            fits = book["only"].get(product, {}).get(department.maps_to, ())
            if industry_id is None or not fits or industry_id in fits:
                return Benefit(text, "phrasebook")
            return Benefit("", "phrasebook")  # a generic sentence that does not fit this industry
    return Benefit(_text(row.get("customer_value")), "catalogue_value")


def needs_in(text: str) -> tuple[str, ...]:
    """The customer needs a sentence speaks of (:data:`NEED_WORDS`), most words first.

    Parameters
    ----------
    text : str
        A benefit sentence, or a department's worry or wants (:mod:`casekit.authoring.cast`).

    Returns
    -------
    tuple of str
        Need ids of :data:`casekit.domain.CUSTOMER_NEEDS`; ties in that order.

    Examples
    --------
    >>> needs_in("好卖的断了货才知道去补，不好卖的压在仓库里放到过期")
    ('cut_cost', 'increase_revenue', 'raise_efficiency')
    """
    order = list(domain.CUSTOMER_NEEDS)
    score = {need: sum(1 for w in words if w in text) for need, words in NEED_WORDS.items()}
    return tuple(sorted((n for n, k in score.items() if k), key=lambda n: (-score[n], order.index(n))))


def need_benefit(row: Mapping[str, Any], need: str) -> Benefit:
    """What the catalogue ``row`` (a product) does about one customer ``need``, in the customer's words.

    One product, one sentence per need: the catalogue's ``customer_value`` goes to the need it
    speaks of most (:func:`needs_in`; the first need the row lists when it names none), the
    phrasebook (``benefits.yaml``, ``needs.<product>.<need>``) says the others.

    Parameters
    ----------
    row : mapping
        One row of ``bundle.catalogue`` (``canonical_product``, ``customer_value``, ``needs``).
    need : str
        A :data:`casekit.domain.CUSTOMER_NEEDS` id the row lists.

    Returns
    -------
    Benefit
        ``catalogue_value`` for the catalogue's own sentence, ``phrasebook`` for the phrasebook's;
        empty text (``phrasebook``) when the row does not list the need or nothing is written for it.

    Examples
    --------
    >>> row = {"canonical_product": "crm_module", "customer_value": "老客户什么时候该回访，系统会提醒",
    ...        "needs": ("customer_acquisition", "increase_revenue", "raise_efficiency")}
    >>> need_benefit(row, "customer_acquisition").source
    'catalogue_value'
    >>> need_benefit(row, "increase_revenue").text != row["customer_value"]
    True
    """
    listed = [str(n) for n in (row.get("needs") or ()) if str(n) in domain.CUSTOMER_NEEDS]
    if need not in listed:
        return Benefit("", "phrasebook")
    value = _text(row.get("customer_value"))
    if value and _best_need(value, listed) == need:
        return Benefit(value, "catalogue_value")
    product = domain.lookup(domain.PRODUCTS, _text(row.get("canonical_product")) or "-")
    text = phrasebook()["needs"].get(product or "", {}).get(need, "")
    if text and text != value:
        return Benefit(text, "phrasebook")
    return Benefit("", "phrasebook")


def _best_need(text: str, listed: list[str]) -> str:
    """The need of ``listed`` a sentence speaks of most (the first listed when it names none)."""
    said = [n for n in needs_in(text) if n in listed]
    return said[0] if said else listed[0]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return str(value).strip()


def _catalogue_sentence(values: object, department_id: str) -> str:
    """The catalogue's own sentence for a generic department (keys may be ids or labels)."""
    if not isinstance(values, Mapping):
        return ""
    for key, text in values.items():
        if domain.lookup(domain.CUSTOMER_DEPARTMENTS, str(key)) == department_id and _text(text):
            return _text(text)
    return ""


@cache
def phrasebook() -> Mapping[str, Mapping[str, Any]]:
    """The phrasebook ``benefits.yaml`` (beside this module), read once.

    Returns
    -------
    mapping
        ``{"generic": {product id: {department id: sentence}}, "only": {product id: {department
        id: industry ids}}, "industries": {industry id: {product id: {department key or id:
        sentence}}}, "needs": {product id: {need id: sentence}}}``, read-only. A generic sentence
        written ``{text: …, only: [industry ids]}`` (it names shops, orders …) is said only to
        those industries (and where no industry is given); an industry's empty sentence (``""``
        or ``~``) means nothing fits that department there: its cell stays empty.
    """
    data = yaml.safe_load(files("casekit.authoring").joinpath("benefits.yaml").read_text(encoding="utf-8")) or {}

    def frozen(tree: Any) -> Any:
        if isinstance(tree, Mapping):
            return MappingProxyType({str(k): frozen(v) for k, v in tree.items()})
        return "" if tree is None else str(tree).strip()

    raw = data.get("generic") or {}
    generic = MappingProxyType({str(product): MappingProxyType({
        str(dep): str(e.get("text") or "").strip() if isinstance(e, Mapping) else str(e).strip()
        for dep, e in (entries or {}).items()}) for product, entries in raw.items()})
    only = MappingProxyType({str(product): MappingProxyType({
        str(dep): tuple(map(str, e.get("only") or ())) for dep, e in (entries or {}).items()
        if isinstance(e, Mapping)}) for product, entries in raw.items()})
    return MappingProxyType({"generic": generic, "only": only,
                             "industries": frozen(data.get("industries") or {}),
                             "needs": frozen(data.get("needs") or {})})
