"""Industry evidence: which customer industries a region's research talks about."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.analysis.industries import INDUSTRY_EVIDENCE_SCHEMA, industry_evidence
from casekit.intake import load_bundle
from casekit.tables import validate_output

ROOT = Path(__file__).resolve().parents[1]
FOREIGN = Path(__file__).parent / "fixtures" / "bundles" / "foreign"


@pytest.fixture(scope="module")
def sample():
    return load_bundle(ROOT / "research_data" / "sample")


def _totals(evidence):
    return evidence.groupby("industry_label")["count"].sum().to_dict()


def test_hebei_interviews_full_of_hospital_words_make_hospitals_evidence(sample):
    evidence = industry_evidence(sample, "hebei")
    validate_output(evidence, INDUSTRY_EVIDENCE_SCHEMA)
    notes = evidence.loc[(evidence["industry"] == "hospital") & (evidence["source"] == "notes")]
    assert len(notes) == 1 and notes["count"].iloc[0] >= 2
    assert "院长" in notes["words"].iloc[0] or "病人" in notes["words"].iloc[0]
    # the counts match the ride-along table itself
    visits = sample.ride_alongs
    hebei_hospital = int(((visits["top_region_id"] == "hebei") & (visits["industry"] == "hospital")).sum())
    row = evidence.loc[(evidence["industry"] == "hospital") & (evidence["source"] == "ride_alongs")]
    assert (int(row["count"].iloc[0]) if len(row) else 0) == hebei_hospital


def test_regions_differ_and_most_traced_industry_comes_first(sample):
    hebei, beijing = industry_evidence(sample, "hebei"), industry_evidence(sample, "beijing")
    assert _totals(hebei) != _totals(beijing)
    totals = hebei.groupby("industry", sort=False)["count"].sum()
    assert list(totals) == sorted(totals, reverse=True)


def test_a_city_counts_its_own_visits_only(sample):
    city = industry_evidence(sample, "保定")
    province = industry_evidence(sample, "hebei")
    visits = lambda e: int(e.loc[e["source"] == "ride_alongs", "count"].sum())  # noqa: E731
    assert 0 < visits(city) < visits(province)


def test_catalogue_product_named_for_an_industry_counts(tmp_path, sample):
    evidence = industry_evidence(sample, "hebei")
    hotel = evidence.loc[(evidence["industry"] == "hotel") & (evidence["source"] == "catalogue")]
    assert len(hotel) == 1 and "酒店" in hotel["words"].iloc[0]


def test_foreign_bundle_and_unknown_region(sample):
    foreign = load_bundle(FOREIGN)
    for region in foreign.manifest.top_level_ids():
        validate_output(industry_evidence(foreign, region), INDUSTRY_EVIDENCE_SCHEMA)
    from casekit.exceptions import RegionError

    with pytest.raises(RegionError):
        industry_evidence(sample, "atlantis")
