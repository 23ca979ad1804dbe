"""A region's course designs from a research bundle: findings and evidence in, 课程大纲 out.

:func:`casekit.curriculum.design_course` takes data, never a bundle; this module gathers that data
from a loaded bundle -- the engagement's findings (:func:`casekit.analysis.engagement_findings`),
the region's customer industries (:func:`casekit.analysis.industry_evidence`), its local product
catalogue, the bundle's case library (:func:`casekit.authoring.case_library`) and the region's mix
of account-manager behaviour types against the whole engagement (:func:`type_mix`) -- and designs
the course of every audience of the manifest. The CLI (``casekit outline``), the region report
and the notebooks all call :func:`course_designs`, so they show the same design.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from casekit.domain import BEHAVIOURS, MIN_CELL_SIZE
from casekit.exceptions import CurriculumError, RegionError
from casekit.intake.competency import COMPETENCY_FILE
from casekit.privacy.disclosure import is_suppressed

if TYPE_CHECKING:  # pragma: no cover
    from casekit.analysis import SegmentReport
    from casekit.analysis.findings import Findings
    from casekit.curriculum import CourseDesign, CourseEvidence, Outline, SessionPlan
    from casekit.intake import Bundle

__all__ = [
    "TYPE_MIX_COLUMNS",
    "course_design",
    "course_designs",
    "course_evidence",
    "require_region",
    "type_mix",
]

#: Columns of :func:`type_mix` (what :class:`casekit.curriculum.CourseEvidence` reads).
TYPE_MIX_COLUMNS: tuple[str, ...] = (
    "type_id", "type_label", "n", "share", "engagement_share", "traits", "p_value", "p_adjusted", "claimed",
)
#: False-discovery rate of the type-mix tests (the findings' rate).
TYPE_MIX_FDR = 0.05
#: A behaviour marks a type when the type's rate of it lies this many standard deviations above
#: all account managers' rate (the segmentation's z-scores).
TRAIT_Z = 0.5


def _traits(rates: pd.DataFrame, segment: int) -> tuple[str, ...]:
    """The behaviours marking a type: ``rates`` holds the ``rate_…`` rows of the segmentation's profile."""
    rows = rates.loc[rates["segment"] == segment].sort_values("z", ascending=False)
    out = []
    for feature, z in zip(rows["feature"], rows["z"]):
        behaviour = str(feature)[len("rate_"):]
        if behaviour in BEHAVIOURS and float(z) >= TRAIT_Z:
            out.append(behaviour)
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of k1 of n1 against k2 of n2 (kept: a pure
    function of four counts, asked for the same tables by every region's report)."""
    return float(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])[1])


def type_mix(report: SegmentReport | None, region_id: str, *, min_n: int = MIN_CELL_SIZE,
             fdr: float = TYPE_MIX_FDR) -> pd.DataFrame:
    """The region's account-manager behaviour types against the whole engagement, with a test.

    Each type's share in the region is compared with its share among the other regions' account
    managers (Fisher's exact test, two-sided); the p-values of every region × type of the
    engagement are adjusted together (Benjamini–Hochberg) and a type counts as more common in
    the region (``claimed``) only when the adjusted p-value is below ``fdr``, the region's share
    is the higher one, and both the region and the type's count in it reach ``min_n`` people.

    Parameters
    ----------
    report : SegmentReport or None
        :func:`casekit.analysis.segment_account_managers` (fitted on the whole bundle).
    region_id : str
        A top-level region id (types are not broken down by city).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Smallest group shown or used.
    fdr : float, default 0.05
        False-discovery rate of the adjustment.

    Returns
    -------
    pandas.DataFrame
        :data:`TYPE_MIX_COLUMNS`, one row per type; empty without clear types or when the
        region has fewer than ``min_n`` account managers. ``n`` is the region's people of the
        type (for computing only: client tables show counts below ``min_n`` as ``<5``).
    """
    if report is None or not report.clear:
        return pd.DataFrame(columns=list(TYPE_MIX_COLUMNS))
    a = report.assignments.dropna(subset=["segment"])
    regions = sorted(set(a["top_region_id"]))
    tests: list[dict[str, Any]] = []
    tops, segments = a["top_region_id"].to_numpy(), a["segment"].to_numpy()
    for region in regions:
        mine = tops == region
        n1 = int(mine.sum())
        n2 = len(a) - n1
        for persona in report.personas:
            of_type = segments == persona.segment
            k1, k2 = int((of_type & mine).sum()), int((of_type & ~mine).sum())
            p = _fisher_p(k1, n1, k2, n2) if n1 and n2 else 1.0
            tests.append({"region": region, "segment": persona.segment, "label": persona.name,
                          "k": k1, "n": n1, "share": k1 / n1 if n1 else np.nan,
                          "other": k2 / n2 if n2 else np.nan, "p": p})
    if not tests:
        return pd.DataFrame(columns=list(TYPE_MIX_COLUMNS))
    from casekit.analysis.findings import bh_adjust

    adjusted = bh_adjust([t["p"] for t in tests])  # the findings' one Benjamini–Hochberg
    profile = report.profile
    rates = profile.loc[profile["feature"].astype(str).str.startswith("rate_")]
    rows = []
    for t, q in zip(tests, adjusted):
        if t["region"] != region_id or is_suppressed(t["n"], min_n):
            continue
        claimed = bool(q < fdr and t["share"] > t["other"] and not is_suppressed(t["k"], min_n))
        rows.append({"type_id": f"type{t['segment']}", "type_label": t["label"], "n": t["k"],
                     "share": t["share"], "engagement_share": float((segments == t["segment"]).mean()),
                     "traits": _traits(rates, t["segment"]), "p_value": t["p"], "p_adjusted": float(q),
                     "claimed": claimed})
    return pd.DataFrame(rows, columns=list(TYPE_MIX_COLUMNS))


def course_evidence(bundle: Bundle, region_id: str, *, library: pd.DataFrame | None = None,
                    segments: SegmentReport | None = None, min_n: int = MIN_CELL_SIZE) -> CourseEvidence:
    """Gather what composes a region's course from the bundle.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        Region id or Chinese name.
    library : pandas.DataFrame, optional
        :func:`casekit.authoring.case_library` of the bundle; default: read here (an empty
        library when the bundle has no ``cases/`` folder, so the seed's cases are used).
    segments : SegmentReport, optional
        The account-manager types (fitted on the whole bundle); without it no type emphasis.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Smallest group used.

    Returns
    -------
    CourseEvidence
    """
    from casekit.analysis import industry_evidence
    from casekit.authoring import case_library
    from casekit.curriculum import CourseEvidence

    manifest = bundle.manifest
    region_id = manifest.require(region_id)
    top = manifest.top_of(region_id)
    if library is None:
        library = case_library(bundle)
    catalogue = bundle.catalogue
    products = catalogue.loc[catalogue["region_id"].isin([region_id, top])] if not catalogue.empty else None
    if products is not None and region_id != top and (products["region_id"] == region_id).any():
        products = products.loc[products["region_id"] == region_id]
    open_items: tuple[str, ...] = ()
    if not (Path(bundle.path) / COMPETENCY_FILE).is_file():
        open_items = ("各维度的目标水平沿用通用默认值（核心能力 4.0 分、支撑能力 3.5 分，满分 5 分），"
                      "尚未与客户逐项确认；请在确认大纲前与客户商定，并写入项目资料的目标水平文件。",)
    return CourseEvidence(
        open_items=open_items,
        library=library,
        industries=industry_evidence(bundle, region_id),
        products=None if products is None or products.empty else products.reset_index(drop=True),
        type_mix=type_mix(segments, top, min_n=min_n),
        region_name=manifest.name(region_id),
    )


def course_designs(bundle: Bundle, region_id: str, findings: Findings | None = None, *,
                   outlines: Mapping[str, Outline] | None = None, library: pd.DataFrame | None = None,
                   segments: SegmentReport | None = None, min_n: int = MIN_CELL_SIZE,
                   audiences: Sequence[str] | None = None) -> dict[str, CourseDesign]:
    """Design the course of every audience of the manifest (or of ``audiences``) for one region.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle (its manifest gives the audiences, in order, and their budgets).
    region_id : str
        Region id or Chinese name.
    findings : Findings, optional
        :func:`casekit.analysis.engagement_findings` of the bundle; default: computed here.
    outlines : mapping of str to Outline, optional
        Seed outlines; default :func:`casekit.curriculum.load_outlines`.
    library, segments, min_n
        As :func:`course_evidence`.
    audiences : sequence of str, optional
        Population ids to design (default: every audience of the manifest); the rest are skipped.

    Returns
    -------
    dict of str to CourseDesign
        Population id → design, for each audience with a seed outline, in the manifest's order.
    """
    from casekit.analysis import engagement_findings
    from casekit.curriculum import design_course, load_outlines

    manifest = bundle.manifest
    region_id = require_region(bundle, region_id)
    if findings is None:
        findings = engagement_findings(bundle)
    if outlines is None:
        outlines = load_outlines()
    evidence = course_evidence(bundle, region_id, library=library, segments=segments, min_n=min_n)
    region = manifest.top_of(region_id)
    sessions = manifest_sessions(bundle)
    return {
        population: design_course(outlines[population], findings.table, region,
                                  manifest.budget_days(region_id, population), evidence=evidence,
                                  sessions=sessions)
        for population in manifest.audiences
        if population in outlines and (audiences is None or population in audiences)
    }


def require_region(bundle: Bundle, region: str) -> str:
    """The manifest's id of ``region`` (an id or a Chinese name, a province or a city).

    Raises
    ------
    casekit.exceptions.CurriculumError
        If the manifest has no such region, or several fit: the message, in Chinese, lists the
        top-level regions as name and id (their cities are accepted too).
    """
    manifest = bundle.manifest
    try:
        return manifest.require(region)
    except RegionError as exc:
        choices = "、".join(f"{manifest.name(r)}（{r}）" for r in manifest.top_level_ids())
        raise CurriculumError(
            f"未知的地区“{region}”（清单中没有这个地区，或有多个地区同名）：可选 {choices}，也可填写其下属地市"
        ) from exc


def manifest_sessions(bundle: Bundle) -> SessionPlan:
    """The half-day sessions the manifest sets (``sessions:``), else the defaults (180 minutes each)."""
    from casekit.curriculum.schedule import SessionPlan
    from casekit.domain import DEFAULT_SESSION_MINUTES

    given = bundle.manifest.sessions
    return SessionPlan(morning_minutes=given.get("morning", DEFAULT_SESSION_MINUTES),
                       afternoon_minutes=given.get("afternoon", DEFAULT_SESSION_MINUTES),
                       morning_start=given.get("morning_start"), afternoon_start=given.get("afternoon_start"))


def course_design(bundle: Bundle, region: str, audience: str, findings: Findings | None = None,
                  **kwargs: Any) -> CourseDesign:
    """Design one audience's course for one region (see :func:`course_designs`).

    Raises
    ------
    casekit.exceptions.CurriculumError
        If the audience is not one the manifest trains or has no seed outline (the message
        lists the audiences).
    """
    from casekit.domain import POPULATIONS, lookup

    population = lookup(POPULATIONS, audience)
    if population is None:
        raise CurriculumError(
            f"未知的培训对象“{audience}”：可选 " + "、".join(f"{p}（{t.label}）" for p, t in POPULATIONS.items())
        )
    designs = course_designs(bundle, region, findings, audiences=(population,), **kwargs)
    if population not in designs:
        from casekit.curriculum import load_outlines

        trained = [p for p in bundle.manifest.audiences if p in (kwargs.get("outlines") or load_outlines())]
        raise CurriculumError(
            f"本项目的清单（manifest.yaml）没有为“{POPULATIONS[population].label}”安排课程：可选 "
            + "、".join(POPULATIONS[p].label for p in trained)
        )
    return designs[population]
