"""What one region's report shows, computed in the library so the report notebook only narrates.

:func:`region_report` resolves the region, compares it with the other regions, and gathers per
population the weakest dimensions and the tailored course outline. The notebook
(``notebooks/5.0-region-report.ipynb``) calls it once and displays the parts with the
client-facing tables of :mod:`casekit.reports.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from casekit.domain import MIN_CELL_SIZE, POPULATIONS

if TYPE_CHECKING:  # pragma: no cover
    from casekit.curriculum import Outline, TailoredOutline
    from casekit.intake import Bundle, Manifest

__all__ = ["RegionReport", "populations_present", "region_report", "tailored_outlines", "weakest_by_population"]


def populations_present(comparison: pd.DataFrame) -> list[str]:
    """Return the populations that have rows in ``comparison``, in :data:`~casekit.domain.POPULATIONS` order.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for one region (column ``population``).

    Returns
    -------
    list of str
        Population ids.
    """
    present = set(comparison["population"])
    return [p for p in POPULATIONS if p in present]


def weakest_by_population(
    comparison: pd.DataFrame, populations: list[str], *, k: int = 3
) -> dict[str, pd.DataFrame]:
    """Return the ``k`` weakest dimensions of each population (empty table: too few respondents).

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for one region.
    populations : list of str
        Population ids, in the order wanted.
    k : int, default 3
        Dimensions per population at most.

    Returns
    -------
    dict of str to pandas.DataFrame
        Population id → :func:`casekit.analysis.weakest_dimensions`; an empty table when every
        dimension of the population has fewer than :data:`~casekit.domain.MIN_CELL_SIZE`
        respondents.
    """
    from casekit.analysis import weakest_dimensions

    return {p: weakest_dimensions(comparison, p, k=k) for p in populations}


def tailored_outlines(
    bundle: Bundle,
    region_id: str,
    comparison: pd.DataFrame,
    outlines: Mapping[str, Outline] | None = None,
    *,
    min_n: int = MIN_CELL_SIZE,
) -> dict[str, TailoredOutline]:
    """Tailor the course outline of every audience of the bundle's manifest to one region.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle; its manifest gives the audiences (in order) and course-day budgets.
    region_id : str
        The region.
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for the region.
    outlines : mapping of str to Outline, optional
        Seed outlines per population; default :func:`casekit.curriculum.load_outlines`.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Cells with fewer respondents are not used as evidence.

    Returns
    -------
    dict of str to TailoredOutline
        Population id → outline, for each audience of the manifest that has a seed outline, in
        the manifest's order.
    """
    from casekit.curriculum import load_outlines, tailor_outline

    manifest = bundle.manifest
    if outlines is None:
        outlines = load_outlines()
    return {
        population: tailor_outline(
            outlines[population], comparison, manifest.budget_days(region_id, population), min_n=min_n
        )
        for population in manifest.audiences
        if population in outlines
    }


@dataclass(frozen=True)
class RegionReport:
    """Everything one region's report shows.

    Attributes
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        The region's id.
    region_name : str
        Its Chinese name.
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for the region.
    populations : list of str
        Populations with rows in ``comparison`` (:func:`populations_present`).
    weakest : dict of str to pandas.DataFrame
        :func:`weakest_by_population` of ``populations``.
    outlines : dict of str to TailoredOutline
        :func:`tailored_outlines`.
    min_n : int
        Smallest cell size shown.
    """

    bundle: Bundle
    region_id: str
    region_name: str
    comparison: pd.DataFrame
    populations: list[str]
    weakest: dict[str, pd.DataFrame] = field(default_factory=dict)
    outlines: dict[str, TailoredOutline] = field(default_factory=dict)
    min_n: int = MIN_CELL_SIZE

    @property
    def manifest(self) -> Manifest:
        """The bundle's manifest."""
        return self.bundle.manifest


def region_report(bundle: Bundle, region: str, *, k: int = 3, min_n: int = MIN_CELL_SIZE) -> RegionReport:
    """Compute what the report of ``region`` shows.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded research bundle.
    region : str
        Region id or Chinese name (a province or a city).
    k : int, default 3
        Weakest dimensions listed per population.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Cells with fewer respondents show no score and are not used as evidence.

    Returns
    -------
    RegionReport

    Raises
    ------
    casekit.exceptions.RegionError
        If ``region`` is not in the manifest; the message lists the known ids.
    """
    from casekit.analysis import compare_region

    manifest = bundle.manifest
    region_id = manifest.require(region)
    comparison = compare_region(bundle, region_id, min_n=min_n)
    populations = populations_present(comparison)
    return RegionReport(
        bundle=bundle,
        region_id=region_id,
        region_name=manifest.name(region_id),
        comparison=comparison,
        populations=populations,
        weakest=weakest_by_population(comparison, populations, k=k),
        outlines=tailored_outlines(bundle, region_id, comparison, min_n=min_n),
        min_n=min_n,
    )
