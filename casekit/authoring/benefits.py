"""What a product does for one department of a customer, in the customer's words.

The seed's third cross table (产品与客户各部门需求相结合) says the same product differently to each
department: the general manager hears revenue, finance hears cost and control, the front desk
hears less queueing. :func:`department_benefit` gives that sentence for one catalogue row and one
department (of :mod:`casekit.authoring.cast`), taking, in order: the catalogue's own sentence for
that department (optional ``department_values`` column), casekit's phrasebook (``benefits.yaml``)
and, last, the catalogue's one ``customer_value`` sentence, marked for rewriting.

CONTRACT (issue 13): the signature and :class:`Benefit` are fixed; the toolbox helper fills in
the phrasebook and the lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casekit.authoring.cast import Department

__all__ = ["BENEFIT_SOURCES", "Benefit", "department_benefit"]

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
        The customer's industry id (a phrasebook entry may be industry-specific).
    """
    return Benefit(str(row.get("customer_value") or ""), "catalogue_value")
