"""catalogue/<region_id>.csv: one file per top-level region, vocabularies resolved."""

from __future__ import annotations

from conftest import MINI

from casekit.intake import load_bundle, validate_bundle

HEADER = (MINI / "catalogue" / "hebei.csv").read_text(encoding="utf-8").splitlines()[0]


def test_catalogue_rows_resolve_products_needs_and_departments():
    c = load_bundle(MINI).catalogue.set_index(["region_id", "local_name"])
    row = c.loc[("hebei", "宽视界")]
    assert row["canonical_product"] == "video_monitoring"
    assert row["needs"] == ("security", "raise_efficiency")
    assert row["departments"] == ("general_manager", "security")
    assert c.loc[("beijing", "商务领航"), "needs"] == ("cut_cost",)   # alias 降支
    assert c.loc[("beijing", "全球眼"), "departments"] == ()


def test_catalogue_of_a_city_or_unknown_region(mini_copy):
    root = mini_copy({"catalogue/baoding.csv": HEADER + "\n", "catalogue/天津.csv": HEADER + "\n"})
    problems = {p.file: p for p in validate_bundle(root)}
    assert set(problems) == {"catalogue/baoding.csv", "catalogue/天津.csv"}
    assert "baoding is a city of hebei" in problems["catalogue/baoding.csv"].expected
