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

__all__ = ["BENEFIT_SOURCES", "Benefit", "department_benefit", "phrasebook"]

#: Where a benefit sentence came from, best first.
BENEFIT_SOURCES: tuple[str, ...] = ("catalogue", "phrasebook", "catalogue_value")


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
        for text in (local.get(department.key), local.get(department.maps_to),
                     book["generic"].get(product, {}).get(department.maps_to)):
            if text:
                return Benefit(text, "phrasebook")
    return Benefit(_text(row.get("customer_value")), "catalogue_value")


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
        ``{"generic": {product id: {department id: sentence}}, "industries": {industry id:
        {product id: {department key or id: sentence}}}}``, read-only.
    """
    data = yaml.safe_load(files("casekit.authoring").joinpath("benefits.yaml").read_text(encoding="utf-8")) or {}

    def frozen(tree: Any) -> Any:
        if isinstance(tree, Mapping):
            return MappingProxyType({str(k): frozen(v) for k, v in tree.items()})
        return str(tree).strip()

    return MappingProxyType({"generic": frozen(data.get("generic") or {}),
                             "industries": frozen(data.get("industries") or {})})
