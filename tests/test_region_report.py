"""What a region's report shows: computed in casekit, displayed by the report notebook."""

from __future__ import annotations

import pytest
from conftest import MINI

from casekit.analysis import compare_region, weakest_dimensions
from casekit.curriculum import load_outlines, tailor_outline
from casekit.domain import POPULATIONS
from casekit.exceptions import RegionError
from casekit.intake import load_bundle
from casekit.reports import RegionReport, region_report
from casekit.reports.region_report import populations_present, tailored_outlines


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(MINI)


@pytest.fixture(scope="module")
def report(bundle) -> RegionReport:
    return region_report(bundle, "河北")


def test_region_is_resolved_by_name(report):
    assert (report.region_id, report.region_name) == ("hebei", "河北")
    assert report.manifest.bundle == "mini"


def test_populations_are_those_present_in_population_order(report):
    present = set(report.comparison["population"])
    assert report.populations == [p for p in POPULATIONS if p in present]
    assert report.populations == populations_present(report.comparison)
    assert report.populations  # the mini bundle has answers


def test_weakest_dimensions_per_population(report):
    assert list(report.weakest) == report.populations
    for population, weakest in report.weakest.items():
        assert weakest.equals(weakest_dimensions(report.comparison, population, k=3))
        assert len(weakest) <= 3


def test_outlines_follow_the_manifest_audiences_and_budgets(bundle, report):
    outlines = load_outlines()
    audiences = [p for p in bundle.manifest.audiences if p in outlines]
    assert list(report.outlines) == audiences
    for population, tailored in report.outlines.items():
        expected = tailor_outline(outlines[population], report.comparison,
                                  bundle.manifest.budget_days("hebei", population))
        assert tailored.table.equals(expected.table)
        assert tailored.budget_days == bundle.manifest.budget_days("hebei", population)


def test_tailored_outlines_of_a_given_comparison(bundle):
    comparison = compare_region(bundle, "beijing")
    outlines = tailored_outlines(bundle, "beijing", comparison)
    assert set(outlines) <= set(bundle.manifest.audiences)


def test_unknown_region_lists_known_ids(bundle):
    with pytest.raises(RegionError, match=r"unknown region '火星'; known region ids: beijing \(北京\)"):
        region_report(bundle, "火星")
