"""What one region's report shows, computed in the library so the report notebook only narrates.

:func:`region_report` resolves the region, compares it with the other regions, and gathers per
population the weakest dimensions and the tailored course outline; then the region's gaps to the
competency model, the account-manager types (fitted on the whole bundle) and the region's mix of
them, how account managers spend their time and what they do on a visit (ride-alongs), the
sales managers' 360° review, and which skills and behaviours go together with sales results.
The notebook (``notebooks/5.0-region-report.ipynb``) calls it once and displays the parts with
the client-facing tables of :mod:`casekit.reports.tables` and the charts of
:mod:`casekit.reports.charts`.

The tables kept here come from the analysis functions, which already hide the numbers of groups
below ``min_n`` people (3 raters in the 360° review). Two things are for computing only and are
never displayed as they are: the segment assignments inside
:class:`~casekit.analysis.SegmentReport` (they name staff codes) and the raw counts of
:attr:`RegionReport.segment_mix` (the client table,
:func:`casekit.reports.tables.segment_mix_table`, hides the small ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from casekit.domain import MIN_CELL_SIZE, POPULATIONS
from casekit.exceptions import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    from casekit.analysis import SegmentReport, VisitProfile
    from casekit.curriculum import Outline, TailoredOutline
    from casekit.intake import Bundle, Manifest

__all__ = [
    "ALL_REGIONS",
    "RegionReport",
    "performance_links",
    "populations_present",
    "region_report",
    "region_time_use",
    "region_visit_profile",
    "segment_labels",
    "segment_types",
    "tailored_outlines",
    "weakest_by_population",
]

#: How the report names the comparison group of every region (``group_name`` of the
#: all-regions rows of the ride-along tables).
ALL_REGIONS = "全部地区"
#: Seed of the account-manager segmentation (the same bundle gives the same types every build).
SEGMENT_SEED = 2008


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


def _level(bundle: Bundle, region_id: str) -> str:
    """``"city"`` for a city of the manifest, else ``"top_region"`` (grouping of the ride-along tables)."""
    return "city" if bundle.manifest.top_of(region_id) != region_id else "top_region"


def segment_types(
    bundle: Bundle, *, random_state: int = SEGMENT_SEED
) -> tuple[SegmentReport | None, str]:
    """Fit the account-manager types on the whole bundle (every region).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    random_state : int, default 2008
        Seed of the segmentation, so every build finds the same types.

    Returns
    -------
    (SegmentReport or None, str)
        The segmentation and its Chinese summary (``SegmentReport.message``; when not
        ``clear``, why there are no types). ``None`` and the reason when the bundle has too
        little data to segment at all (e.g. no account manager).
    """
    from casekit.analysis import segment_account_managers

    try:
        report = segment_account_managers(bundle, random_state=random_state)
    except (AnalysisError, ValueError) as exc:  # too few account managers for a clusterer
        return None, f"客户经理的数据不足，无法分析客户经理类型（{exc}）。"
    return report, report.message


def segment_labels(report: SegmentReport | None) -> pd.Series | None:
    """Each account manager's type as the report names it (``第1类“…”``), for grouping.

    Parameters
    ----------
    report : SegmentReport or None
        A segmentation (:func:`segment_types`).

    Returns
    -------
    pandas.Series or None
        Index: respondent ids; values: a categorical in persona order. ``None`` when there are
        no clear types. For computing only: the index holds staff codes.
    """
    if report is None or not report.clear:
        return None
    names = {p.segment: f"第{p.segment}类“{p.name}”" for p in report.personas}
    assignments = report.assignments.set_index("respondent_id")["segment"]
    labels = assignments.map(lambda s: names.get(int(s)) if pd.notna(s) else None)
    return pd.Series(pd.Categorical(labels, categories=list(names.values())),
                     index=assignments.index, name="segment")


#: Columns of the ride-along tables that name a group or an item rather than hold a number.
_IDENTITY = frozenset({"group", "group_name", "stage", "step", "stage_label", "behaviour",
                       "behaviour_label", "outcome", "outcome_label", "suppressed", "note"})
_NO_VISITS = "本地区没有工作随访记录"


def _region_rows(own: pd.DataFrame, every: pd.DataFrame, region_id: str, region_name: str) -> pd.DataFrame:
    """The rows of ``region_id`` in a ride-along table ``own``.

    A region without any observed visit has no rows there; it gets the shape of the
    all-regions rows ``every`` (one row per item) with every number missing, ``n_people`` 0,
    ``suppressed`` and a note, so the report still shows the region's column.
    """
    rows = own.loc[own["group"] == region_id]
    if not rows.empty:
        return rows
    rows = every.copy()
    for column in rows.columns:
        if column not in _IDENTITY:
            dtype = rows[column].dtype
            if dtype.kind in "iub":  # numpy integers hold no missing value
                dtype = pd.Int64Dtype()
            missing = pd.NA if isinstance(dtype, pd.api.extensions.ExtensionDtype) else float("nan")
            rows[column] = pd.Series(missing, index=rows.index, dtype=dtype)
    return rows.assign(group=region_id, group_name=region_name, n_people=0, suppressed=True,
                       note=_NO_VISITS)


def _all_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(group_name=ALL_REGIONS)


def region_time_use(
    bundle: Bundle, region_id: str, *, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """The region's time allocation next to all regions' (:func:`casekit.analysis.time_allocation`).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A manifest region id (a city is looked up among the cities, with their complementary
        suppression).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest distinct account managers observed for a group's numbers to be shown.

    Returns
    -------
    pandas.DataFrame
        Two rows of :func:`~casekit.analysis.time_allocation`: the region (suppressed, with a
        note, when too few were observed or none), then all regions (``group`` ``"all"``,
        ``group_name`` :data:`ALL_REGIONS`). Empty when the bundle has no ride-along.
    """
    from casekit.analysis import time_allocation

    every = time_allocation(bundle, by="all", min_n=min_n)
    if every.empty:
        return every
    own = time_allocation(bundle, by=_level(bundle, region_id), min_n=min_n)
    mine = _region_rows(own, every, region_id, bundle.manifest.name(region_id))
    return pd.concat([mine, _all_rows(every)], ignore_index=True)


def region_visit_profile(
    bundle: Bundle, region_id: str, *, min_n: int = MIN_CELL_SIZE
) -> VisitProfile:
    """What happens on the region's observed visits, next to all regions (:func:`casekit.analysis.visit_profile`).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A manifest region id.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest distinct account managers observed for a group's numbers to be shown.

    Returns
    -------
    VisitProfile
        Each table holds the region's rows (suppressed when too few were observed, or none),
        then all regions' (``group`` ``"all"``, ``group_name`` :data:`ALL_REGIONS`).
    """
    from casekit.analysis import VisitProfile, visit_profile

    name = bundle.manifest.name(region_id)
    own = visit_profile(bundle, by=_level(bundle, region_id), min_n=min_n)
    every = visit_profile(bundle, by="all", min_n=min_n)
    parts: dict[str, pd.DataFrame] = {}
    for part in ("questions", "funnel", "behaviours", "outcomes"):
        everyone = getattr(every, part)
        mine = _region_rows(getattr(own, part), everyone, region_id, name)
        parts[part] = pd.concat([mine, _all_rows(everyone)], ignore_index=True)
    return VisitProfile(**parts)


def performance_links(bundle: Bundle) -> tuple[pd.DataFrame | None, str]:
    """How account managers' skills and behaviours go together with sales results, all regions.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.

    Returns
    -------
    (pandas.DataFrame or None, str)
        :func:`casekit.analysis.performance_linkage` of
        :func:`casekit.analysis.account_manager_features`, and an empty message; or ``None``
        and one Chinese sentence saying why there is no analysis (no sales result in the
        codebook, no account manager).
    """
    from casekit.analysis import account_manager_features, performance_linkage

    too_little = "客户经理的数据不足，无法分析能力、行为与业绩的关系。"
    try:
        features = account_manager_features(bundle)
    except AnalysisError:
        return None, too_little
    people = features.people
    if "performance" not in people.columns or not people["performance"].notna().any():
        return None, "本次调研问卷没有收集业绩数据（如业绩完成率），因此无法分析能力、行为与业绩的关系。"
    try:
        return performance_linkage(features), ""
    except AnalysisError:
        return None, too_little


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
    gaps : pandas.DataFrame
        :func:`casekit.analysis.region_gaps`: every population × dimension of the region against
        the competency model, with the other regions' gap.
    segments : SegmentReport or None
        The account-manager types, fitted on the whole bundle (:func:`segment_types`); ``None``
        when there was too little data to try.
    segments_message : str
        Chinese summary of the segmentation, or why there are no types.
    segment_mix : pandas.DataFrame
        :func:`casekit.analysis.segment_mix` by top-level region (every region: the client
        table needs them all to hide small counts consistently). Raw counts, for computing only.
    mix_region_id : str
        The region whose mix the report shows: the region itself, or the province of a city
        (types are not broken down by city, where the groups are too small).
    time_use : pandas.DataFrame
        :func:`region_time_use`: the region's and all regions' time allocation.
    time_sentences : list of str
        :func:`casekit.analysis.time_use_sentences` of ``time_use``.
    time_by_segment : pandas.DataFrame
        :func:`casekit.analysis.time_allocation` by account-manager type, all regions (empty
        without clear types).
    visits : VisitProfile or None
        :func:`region_visit_profile`; ``None`` when the bundle has no ride-along.
    reviews : pandas.DataFrame
        :func:`casekit.analysis.review_summary` of the region's sales managers (never
        per manager).
    reviews_all : pandas.DataFrame
        The same for all regions, the comparison.
    linkage : pandas.DataFrame or None
        :func:`performance_links`, all regions; ``None`` without a sales result.
    linkage_message : str
        Why ``linkage`` is ``None`` (one Chinese sentence), else empty.
    """

    bundle: Bundle
    region_id: str
    region_name: str
    comparison: pd.DataFrame
    populations: list[str]
    weakest: dict[str, pd.DataFrame] = field(default_factory=dict)
    outlines: dict[str, TailoredOutline] = field(default_factory=dict)
    min_n: int = MIN_CELL_SIZE
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: SegmentReport | None = None
    segments_message: str = ""
    segment_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    mix_region_id: str = ""
    time_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    time_sentences: list[str] = field(default_factory=list)
    time_by_segment: pd.DataFrame = field(default_factory=pd.DataFrame)
    visits: VisitProfile | None = None
    reviews: pd.DataFrame = field(default_factory=pd.DataFrame)
    reviews_all: pd.DataFrame = field(default_factory=pd.DataFrame)
    linkage: pd.DataFrame | None = None
    linkage_message: str = ""

    @property
    def manifest(self) -> Manifest:
        """The bundle's manifest."""
        return self.bundle.manifest


def region_report(
    bundle: Bundle,
    region: str,
    *,
    k: int = 3,
    min_n: int = MIN_CELL_SIZE,
    segments: SegmentReport | None = None,
) -> RegionReport:
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
    segments : SegmentReport, optional
        The account-manager types of this bundle, when already fitted (e.g. by
        :func:`segment_types` for another region's report); default: fitted here.

    Returns
    -------
    RegionReport

    Raises
    ------
    casekit.exceptions.RegionError
        If ``region`` is not in the manifest; the message lists the known ids.

    Notes
    -----
    The account-manager types are fitted on the whole bundle (about a second on the sample
    bundle) unless ``segments`` is given; the seed is fixed, so every region's report shows the
    same types.
    """
    from casekit.analysis import (
        compare_region,
        region_gaps,
        review_summary,
        segment_mix,
        time_allocation,
        time_use_sentences,
    )

    manifest = bundle.manifest
    region_id = manifest.require(region)
    comparison = compare_region(bundle, region_id, min_n=min_n)
    populations = populations_present(comparison)
    if segments is None:
        segments, segments_message = segment_types(bundle)
    else:
        segments_message = segments.message
    labels = segment_labels(segments)
    mix = (segment_mix(segments, manifest, by="top_region", min_n=min_n)
           if segments is not None else pd.DataFrame())
    time_use = region_time_use(bundle, region_id, min_n=min_n)
    has_visits = not bundle.ride_alongs.empty
    linkage, linkage_message = performance_links(bundle)
    return RegionReport(
        bundle=bundle,
        region_id=region_id,
        region_name=manifest.name(region_id),
        comparison=comparison,
        populations=populations,
        weakest=weakest_by_population(comparison, populations, k=k),
        outlines=tailored_outlines(bundle, region_id, comparison, min_n=min_n),
        min_n=min_n,
        gaps=region_gaps(bundle, region_id, min_n=min_n),
        segments=segments,
        segments_message=segments_message,
        segment_mix=mix,
        mix_region_id=manifest.top_of(region_id),
        time_use=time_use,
        time_sentences=[s for i in range(len(time_use)) for s in time_use_sentences(time_use.iloc[[i]])],
        time_by_segment=(time_allocation(bundle, by="segment", segments=labels, min_n=min_n)
                         if labels is not None and has_visits else pd.DataFrame()),
        visits=region_visit_profile(bundle, region_id, min_n=min_n) if has_visits else None,
        reviews=review_summary(bundle, region_id, min_managers=min_n),
        reviews_all=review_summary(bundle, None, min_managers=min_n),
        linkage=linkage,
        linkage_message=linkage_message,
    )
