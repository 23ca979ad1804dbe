"""The programme view: the whole engagement on one page, for the client's programme lead.

:func:`programme_overview` gathers, from a bundle, what ``index.html`` shows above the list of
region reports (:mod:`casekit.reports.index` renders it):

* who took part: respondents by population and region (small counts written ``<5`` and, where
  totals would give them away, further counts hidden by
  :func:`casekit.privacy.disclosure.hidden_mix_counts`);
* regions side by side on each dimension: one table per population, a region's mean per
  dimension (hidden below the disclosure threshold), marked where the findings model claims a
  difference (:meth:`casekit.analysis.Findings.claimed`: 明显低于目标, 明显弱于其他地区 …; no mark
  means no clear difference);
* each region's claimed findings as short sentences, in the order of need of
  :meth:`casekit.analysis.Findings.order` (无明显差异 when none);
* each region's course design at a glance (:func:`casekit.reports.course.course_designs`):
  per audience the total days and the modules with their days, modules lengthened or shortened
  for the region against the design every region shares marked.

Everything is plain Chinese strings ready to render; the page escapes them (bundle text is
hostile). The same bundle gives the same overview.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


from casekit.domain import MIN_CELL_SIZE
from casekit.exceptions import AnalysisError
from casekit.formatting import count_label, score
from casekit.formatting import days as fmt_days
from casekit.privacy.disclosure import hidden_mix_counts, is_suppressed

if TYPE_CHECKING:  # pragma: no cover
    from casekit.analysis import Findings
    from casekit.intake import Bundle

__all__ = [
    "ALL_REGIONS",
    "MARKS",
    "CourseGlance",
    "DimensionRow",
    "FindingGroup",
    "NO_DIFFERENCE",
    "MeanCell",
    "ModuleGlance",
    "PopulationTable",
    "ProgrammeOverview",
    "RegionGlance",
    "programme_overview",
]

#: Column of the engagement as a whole (all regions with enough people, pooled).
ALL_REGIONS = "全部地区"

#: (kind, direction) → the mark a claimed finding puts in its cell.
MARKS: Mapping[tuple[str, str], str] = {
    ("vs_required", "weaker"): "明显低于目标",
    ("vs_required", "stronger"): "明显高于目标",
    ("vs_other_regions", "weaker"): "明显弱于其他地区",
    ("vs_other_regions", "stronger"): "明显强于其他地区",
}

_ENGAGEMENT = "all"  # casekit.analysis.findings.ENGAGEMENT (the findings table's region id)
_EPS = 1e-9


@dataclass(frozen=True)
class MeanCell:
    """One region's mean on one dimension.

    Attributes
    ----------
    text : str
        The mean (``"3.4"``), ``"人数不足"`` (fewer people than the threshold) or ``"—"``
        (nobody answered, or no mean to show).
    marks : tuple of str
        The claimed findings of the cell (values of :data:`MARKS`); empty: no clear difference.
    tone : str
        The cell's shading: ``"regional"`` (claimed weaker than the other regions), ``"gap"``
        (claimed below the target level only), ``"strong"`` (only claimed strengths),
        ``"plain"`` (nothing claimed) or ``"hidden"``.
    """

    text: str
    marks: tuple[str, ...] = ()
    tone: str = "plain"


@dataclass(frozen=True)
class DimensionRow:
    """One dimension of a population table: its label, target level and one cell per column."""

    label: str
    target: str
    cells: tuple[MeanCell, ...]


@dataclass(frozen=True)
class PopulationTable:
    """Regions side by side for one population.

    Attributes
    ----------
    population : str
        Population id.
    label : str
        Its Chinese name.
    columns : tuple of str
        Region names, then :data:`ALL_REGIONS`.
    counts : tuple of str
        People per column as shown (``"<5"`` for a small group, ``"—"`` when hidden).
    rows : tuple of DimensionRow
        Dimensions in the domain's order.
    scale : str
        The score range of the population's questionnaire (``"1–5 分"``), ``""`` when unknown.
    """

    population: str
    label: str
    columns: tuple[str, ...]
    counts: tuple[str, ...]
    rows: tuple[DimensionRow, ...]
    scale: str = ""


@dataclass(frozen=True)
class ModuleGlance:
    """A module of a region's course: title, days, and the change made for the region (``""``: none)."""

    title: str
    days: str
    change: str = ""
    lengthened: bool = False


@dataclass(frozen=True)
class CourseGlance:
    """One audience's course in one region: the audience, the course title, total days and modules."""

    audience: str
    title: str
    total_days: str
    modules: tuple[ModuleGlance, ...]


@dataclass(frozen=True)
class FindingGroup:
    """The claimed findings of one population in one region, as sentences (or why there are none).

    ``regional[i]`` tells whether ``sentences[i]`` says the region is weaker than the other
    regions (what sets the region apart; the page stresses it).
    """

    population: str
    sentences: tuple[str, ...]
    regional: tuple[bool, ...] = ()


@dataclass(frozen=True)
class RegionGlance:
    """One region's findings and course designs.

    Attributes
    ----------
    region_id, name : str
        Manifest id and Chinese name.
    findings : tuple of FindingGroup
        Per population (manifest/domain order), the claimed findings in order of need.
    courses : tuple of CourseGlance
        Per audience of the manifest.
    """

    region_id: str
    name: str
    findings: tuple[FindingGroup, ...]
    courses: tuple[CourseGlance, ...]

    @property
    def has_findings(self) -> bool:
        """Whether any population of the region has a claimed finding."""
        return any(g.sentences != (NO_DIFFERENCE,) for g in self.findings)


#: What the page says of a population × region with nothing claimed.
NO_DIFFERENCE = "无明显差异"


@dataclass(frozen=True)
class ProgrammeOverview:
    """The programme view of an engagement, ready to render (plain Chinese strings only).

    Attributes
    ----------
    client, engagement, period : str
        From the manifest.
    regions : tuple of str
        Top-level region names, in manifest order.
    count_rows : tuple of (str, tuple of str)
        Respondents: population name → count per region then the total, as shown.
    count_columns : tuple of str
        The regions, then 合计.
    total : str
        All respondents.
    tables : tuple of PopulationTable
        One per population with answers.
    glances : tuple of RegionGlance
        One per top-level region.
    min_n : int
        The disclosure threshold used.
    """

    client: str
    engagement: str
    period: str
    regions: tuple[str, ...]
    count_columns: tuple[str, ...]
    count_rows: tuple[tuple[str, tuple[str, ...]], ...]
    total: str
    tables: tuple[PopulationTable, ...]
    glances: tuple[RegionGlance, ...]
    min_n: int = MIN_CELL_SIZE

    def glance(self, region_id: str) -> RegionGlance | None:
        """The glance of a region id (None if the overview has no such region)."""
        return next((g for g in self.glances if g.region_id == region_id), None)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _respondent_counts(bundle: Bundle, tops: list[str], populations: list[str], min_n: int
                       ) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], str]:
    """Respondents per population × region as shown, each row ending with its total."""
    from casekit.analysis import respondent_scores
    from casekit.domain import POPULATIONS

    people = respondent_scores(bundle)[["respondent_id", "top_region_id", "population"]].drop_duplicates()
    counts = (people.groupby(["population", "top_region_id"]).size().unstack(fill_value=0)
              .reindex(index=populations, columns=tops, fill_value=0).astype("int64"))
    sizes = counts.sum(axis=1)
    totals = counts.sum(axis=0)
    hidden = hidden_mix_counts(counts, sizes, totals, min_n)
    rows = []
    for pop in populations:
        if int(sizes[pop]) == 0:  # nobody of this population answered: no row
            continue
        shown = tuple(
            ("—" if int(counts.loc[pop, r]) == 0 or int(counts.loc[pop, r]) >= min_n else count_label(
                int(counts.loc[pop, r]), min_n)) if hidden.loc[pop, r] else count_label(int(counts.loc[pop, r]), min_n)
            for r in tops)
        label = POPULATIONS[pop].label if pop in POPULATIONS else str(pop)
        rows.append((label, (*shown, count_label(int(sizes[pop]), min_n))))
    return tuple(rows), count_label(int(len(people)), min_n)


def _flag(value: Any) -> bool:
    return not _missing(value) and bool(value)


def _cell(rows: list[dict[str, Any]], min_n: int) -> MeanCell:
    """The cell of one region × population × dimension from its findings rows."""
    if not rows:
        return MeanCell("—", tone="hidden")
    n = max(int(r["n"]) for r in rows)
    if is_suppressed(n, min_n):
        return MeanCell("人数不足" if n > 0 else "—", tone="hidden")
    means = [r["mean"] for r in rows if not _missing(r["mean"])]
    if not means:
        return MeanCell("—", tone="hidden")
    claimed = [r for r in rows if _flag(r["claimed"]) and not _flag(r["hidden"])]
    marks = tuple(MARKS[(str(r["kind"]), str(r["direction"]))] for r in claimed
                  if (str(r["kind"]), str(r["direction"])) in MARKS)
    weaker = {r["kind"] for r in claimed if r["direction"] == "weaker"}
    if "vs_other_regions" in weaker:
        tone = "regional"
    elif weaker:
        tone = "gap"
    else:
        tone = "strong" if claimed else "plain"
    return MeanCell(score(float(means[0])), marks, tone)


def _grouped(findings: Findings) -> dict[str, dict[str, dict[str, list[dict[str, Any]]]]]:
    """The findings rows as population → dimension → region → rows (table order kept)."""
    out: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
    for row in findings.table.to_dict("records"):
        out.setdefault(row["population"], {}).setdefault(row["dimension"], {}).setdefault(row["region"], []).append(row)
    return out


def _column_counts(counts: tuple[str, ...] | None, n_regions: int) -> tuple[str, ...]:
    """People per column of a population table: the regions' counts, then the pooled column's.

    The pooled column leaves out regions below the threshold: when there is one (a ``<5``), the
    row's total is not the pooled column's number and is not repeated there (pooled count and
    total together would give the small regions away).
    """
    if counts is None:
        return ("—",) * (n_regions + 1)
    regions = counts[:n_regions]
    pooled = "—" if any(c.startswith("<") for c in regions) else counts[n_regions]
    return (*regions, pooled)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else score(value)


def _scales(bundle: Bundle) -> dict[str, str]:
    """Population → the score range of its questionnaire, as shown (``"1–5 分"``)."""
    from casekit.analysis.gaps import competency_levels

    levels = competency_levels(bundle)
    out: dict[str, str] = {}
    if {"population", "scale_min", "scale_max"} <= set(levels.columns):
        for pop, rows in levels.groupby("population", sort=False):
            lo, hi = rows["scale_min"].dropna(), rows["scale_max"].dropna()
            if not lo.empty and not hi.empty and lo.nunique() == 1 and hi.nunique() == 1:
                out[str(pop)] = f"{_number(lo.iloc[0])}–{_number(hi.iloc[0])} 分"
    return out


def _tables(grouped: Mapping[str, Mapping[str, Mapping[str, list[dict[str, Any]]]]], tops: list[str],
            names: Mapping[str, str], min_n: int, counts: Mapping[str, tuple[str, ...]],
            scales: Mapping[str, str]) -> tuple[PopulationTable, ...]:
    out = []
    for pop, of_pop in grouped.items():
        every = [r for of_dim in of_pop.values() for rows in of_dim.values() for r in rows]
        if not any(int(r["n"]) > 0 for r in every):
            continue
        label = str(every[0]["population_label"])
        rows = []
        for of_dim in of_pop.values():
            first = next(iter(of_dim.values()))[0]
            targets = [r["reference"] for rows_ in of_dim.values() for r in rows_
                       if r["kind"] == "vs_required" and not _missing(r["reference"])]
            cells = tuple(_cell(of_dim.get(r, []), min_n) for r in [*tops, _ENGAGEMENT])
            rows.append(DimensionRow(str(first["dimension_label"]), score(float(targets[0])) if targets else "—",
                                     cells))
        out.append(PopulationTable(
            population=str(pop), label=label, columns=(*[names[r] for r in tops], ALL_REGIONS),
            counts=_column_counts(counts.get(label), len(tops)), rows=tuple(rows), scale=scales.get(str(pop), "")))
    return tuple(out)


def _finding_sentence(row: Mapping[str, Any]) -> str:
    """One short sentence of a claimed finding (the region report has its interval and counts)."""
    where = f"“{row['dimension_label']}”平均 {score(row['mean'])} 分"
    lower = row["direction"] == "weaker"
    if row["kind"] == "vs_required":
        return f"{where}，明显{'低于' if lower else '高于'}目标水平 {score(row['reference'])} 分。"
    return f"{where}，明显{'低于' if lower else '高于'}其他地区的 {score(row['reference'])} 分。"


def _region_findings(findings: Findings, grouped: Mapping[str, Mapping[str, Mapping[str, list[dict[str, Any]]]]],
                     region: str, min_n: int) -> tuple[FindingGroup, ...]:
    groups = []
    for pop, of_pop in grouped.items():
        rows = [r for of_dim in of_pop.values() for r in of_dim.get(region, [])]
        if not any(int(r["n"]) > 0 for r in rows):
            continue
        label = str(rows[0]["population_label"])
        if all(_flag(r["hidden"]) for r in rows):
            groups.append(FindingGroup(label, (f"参与问卷的人数少于 {min_n} 人，不作判断。",), (False,)))
            continue
        claimed = [r for r in rows if _flag(r["claimed"]) and not _flag(r["hidden"])]
        if claimed:
            try:
                need = findings.order(region, pop)
            except AnalysisError:  # a population outside the domain: keep the table's order
                need = tuple(of_pop)
            order = {d: i for i, d in enumerate(need)}
            claimed.sort(key=lambda r: (order.get(r["dimension"], len(order)), r["kind"] != "vs_required"))
        sentences = tuple(_finding_sentence(r) for r in claimed)
        regional = tuple(r["kind"] == "vs_other_regions" and r["direction"] == "weaker" for r in claimed)
        groups.append(FindingGroup(label, sentences or (NO_DIFFERENCE,), regional or (False,)))
    return tuple(groups)


def _course_glances(designs: Mapping[str, Any]) -> tuple[CourseGlance, ...]:
    out = []
    for design in designs.values():
        modules = []
        for m in design.modules:
            delta = float(m.days) - float(m.base_days)
            change = ""
            if delta > _EPS:
                change = f"本地区加长 {fmt_days(delta)} 天"
            elif delta < -_EPS:
                change = f"本地区缩短 {fmt_days(-delta)} 天"
            modules.append(ModuleGlance(str(m.title), fmt_days(m.days), change, delta > _EPS))
        out.append(CourseGlance(str(design.audience_name), str(design.title), fmt_days(design.total_days),
                                tuple(modules)))
    return tuple(out)


def programme_overview(bundle: Bundle, *, findings: Findings | None = None,
                       min_n: int = MIN_CELL_SIZE) -> ProgrammeOverview:
    """The programme view of a bundle: who took part, regions side by side, findings, courses.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    findings : Findings, optional
        :func:`casekit.analysis.engagement_findings` of the bundle; default: computed here
        with ``min_n``.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Disclosure threshold: a group with fewer people shows no mean, and a count of 1 to
        ``min_n − 1`` is written ``<min_n``.

    Returns
    -------
    ProgrammeOverview
        Plain strings and tables; :func:`casekit.reports.index.write_index` renders it.

    Notes
    -----
    On the sample bundle this takes about a second (the findings half a second, each region's
    course designs a fraction of a second), next to several seconds per region report.
    """
    from casekit.analysis import engagement_findings
    from casekit.authoring import case_library
    from casekit.curriculum import load_outlines
    from casekit.reports.course import course_designs

    manifest = bundle.manifest
    if findings is None:
        findings = engagement_findings(bundle, min_n=min_n)
    tops = list(manifest.top_level_ids())
    names = {r: str(manifest.name(r)) for r in tops}
    populations = list(dict.fromkeys(findings.table["population"]))
    grouped = _grouped(findings)
    count_rows, total = _respondent_counts(bundle, tops, populations, min_n)
    outlines = load_outlines()
    library = case_library(bundle)  # read once, not once per region
    glances = tuple(
        RegionGlance(region_id=r, name=names[r], findings=_region_findings(findings, grouped, r, min_n),
                     courses=_course_glances(course_designs(bundle, r, findings, outlines=outlines, library=library,
                                                              min_n=min_n)))
        for r in tops
    )
    return ProgrammeOverview(
        client=str(manifest.client or ""),
        engagement=str(manifest.engagement or ""),
        period=str(manifest.period or ""),
        regions=tuple(names[r] for r in tops),
        count_columns=(*[names[r] for r in tops], "合计"),
        count_rows=count_rows,
        total=total,
        tables=_tables(grouped, tops, names, min_n, dict(count_rows), _scales(bundle)),
        glances=glances,
        min_n=min_n,
    )
