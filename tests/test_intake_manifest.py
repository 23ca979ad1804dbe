"""manifest.yaml: region tree, name resolution, budgets, and problems with YAML line numbers."""

from __future__ import annotations

import pytest
from conftest import MINI

from casekit.exceptions import RegionError
from casekit.intake import Manifest, load_bundle, validate_bundle


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_bundle(MINI).manifest


def test_header_fields(manifest):
    assert (manifest.bundle, manifest.client) == ("mini", "华北网通（测试）")
    assert manifest.period == "2008-08 至 2008-10"


def test_regions_table_lists_top_levels_then_their_cities(manifest):
    r = manifest.regions
    assert list(r.columns) == ["region_id", "name", "parent_id", "level"]
    assert r["region_id"].tolist() == ["beijing", "hebei", "shijiazhuang", "baoding"]
    assert r["parent_id"].tolist() == [None, None, "hebei", "hebei"]
    assert r["level"].tolist() == ["top", "top", "city", "city"]


@pytest.mark.parametrize("text, expected", [
    ("baoding", "baoding"), ("保定", "baoding"), ("保定市", "baoding"), (" 北京 ", "beijing"),
    ("Hebei", "hebei"), ("天津", None), ("", None),
])
def test_resolve_accepts_ids_and_chinese_names(manifest, text, expected):
    assert manifest.resolve(text) == expected


def test_tree_navigation(manifest):
    assert manifest.top_level_ids() == ["beijing", "hebei"]
    assert manifest.descendants("hebei") == ["hebei", "shijiazhuang", "baoding"]
    assert manifest.descendants("beijing") == ["beijing"]
    assert manifest.top_of("保定") == "hebei" and manifest.top_of("beijing") == "beijing"
    assert manifest.name("shijiazhuang") == "石家庄"


def test_unknown_region_raises_region_error_listing_known_ones(manifest):
    with pytest.raises(RegionError, match=r"unknown region '天津'; known region ids: beijing \(北京\)"):
        manifest.top_of("天津")


def test_budget_days_override_applies_to_the_region_and_its_cities(manifest):
    assert manifest.budget_days("hebei", "account_manager") == 3.5
    assert manifest.budget_days("baoding", "客户经理") == 3.5
    assert manifest.budget_days("beijing", "account_manager") == 3.0
    assert manifest.budget_days("hebei", "support_engineer") == 2.5
    with pytest.raises(KeyError, match="not an audience"):
        manifest.budget_days("hebei", "经理")


def _manifest_problems(mini_copy, text):
    root = mini_copy({"manifest.yaml": text})
    return [p for p in validate_bundle(root) if p.file == "manifest.yaml"]


def test_bad_and_duplicate_region_ids_are_reported_with_their_line(mini_copy):
    problems = _manifest_problems(mini_copy, """bundle: mini
client: 客户
engagement: 调研
regions:
  - id: beijing
    name: 北京
  - id: Hebei
    name: 河北
  - id: hebei
    name: 河北省
    cities:
      - {id: beijing, name: 北京市区}
audiences:
  account_manager: {days: 3}
  support_engineer: {days: 2.5}
  sales_manager: {days: 0}
""")
    found = {(p.row, p.column, p.found) for p in problems}
    assert (7, "id", "Hebei") in found
    assert (12, "id", "beijing") in found
    assert (16, "days", "0") in found


def test_missing_header_keys(mini_copy):
    problems = _manifest_problems(mini_copy, "regions:\n  - {id: beijing, name: 北京}\naudiences:\n"
                                             "  account_manager: {days: 3}\n")
    assert {p.column for p in problems} == {"bundle", "client", "engagement"}


def test_yaml_syntax_error_gives_the_line(mini_copy):
    problems = _manifest_problems(mini_copy, "bundle: mini\nclient: [oops\nregions: []\n")
    assert len(problems) == 1 and problems[0].expected == "valid YAML" and problems[0].row == 3


def test_require_resolves_or_lists_known_ids(manifest):
    assert manifest.require("保定市") == "baoding"
    assert manifest.require(" Hebei ") == "hebei"
    with pytest.raises(RegionError, match=r"unknown region '天津'; known region ids: beijing \(北京\), hebei \(河北\), "
                                          r"shijiazhuang \(石家庄\), baoding \(保定\)"):
        manifest.require("天津")


def test_manifest_sessions_set_the_timetable_and_bad_values_are_named(mini_copy):
    """`sessions:` in manifest.yaml sets the half-days of every course; a bad value is a problem."""
    from casekit.exceptions import BundleValidationError
    from casekit.reports.course import course_design

    root = mini_copy()
    manifest = (root / "manifest.yaml").read_text(encoding="utf-8")
    (root / "manifest.yaml").write_text(manifest + "sessions:\n  morning: 150\n  afternoon: 150\n", encoding="utf-8")
    bundle = load_bundle(root)
    assert bundle.manifest.sessions == {"morning": 150, "afternoon": 150}
    design = course_design(bundle, "hebei", bundle.manifest.audiences and next(iter(bundle.manifest.audiences)))
    assert {s["minutes"] for s in design.to_dict()["schedule"]} <= {150}
    assert sum(a["minutes"] for s in design.to_dict()["schedule"] for a in s["activities"]) == round(design.total_days * 300)
    (root / "manifest.yaml").write_text(manifest + "sessions:\n  morning: 95.5\n  afternoon_start: 2pm\n",
                                        encoding="utf-8")
    with pytest.raises(BundleValidationError) as err:
        load_bundle(root)
    text = str(err.value)
    assert "morning" in text and "95.5" in text and "afternoon_start" in text and "2pm" in text


@pytest.mark.parametrize("extra, words", [
    # the afternoon starting before the morning ends is the manifest's problem, found by validate
    ('sessions:\n  morning_start: "09:00"\n  afternoon_start: "10:00"\n', ("afternoon_start", "12:00", "10:00")),
    # a session running past midnight has no clock time
    ('sessions:\n  morning: 300\n  morning_start: "23:00"\n', ("morning_start", "24:00", "23:00")),
    ('sessions:\n  afternoon: 300\n  afternoon_start: "22:00"\n', ("afternoon_start", "24:00", "22:00")),
])
def test_manifest_session_times_that_cannot_be_a_day_are_problems(mini_copy, extra, words):
    root = mini_copy()
    manifest = (root / "manifest.yaml").read_text(encoding="utf-8")
    (root / "manifest.yaml").write_text(manifest + extra, encoding="utf-8")
    problems = validate_bundle(root)
    hits = [p for p in problems if p.file == "manifest.yaml" and p.column in ("morning_start", "afternoon_start")]
    assert hits, problems
    text = " ".join(f"{p.column} {p.expected} {p.found}" for p in hits)
    assert all(w in text for w in words), text
    assert all(p.row is not None for p in hits)


def test_an_unquoted_time_is_named_as_written(mini_copy):
    """YAML reads 14:00 as the number 840; the problem says what was written and to quote it."""
    root = mini_copy()
    manifest = (root / "manifest.yaml").read_text(encoding="utf-8")
    (root / "manifest.yaml").write_text(manifest + "sessions:\n  afternoon_start: 14:00\n", encoding="utf-8")
    (problem,) = [p for p in validate_bundle(root) if p.column == "afternoon_start"]
    assert "14:00" in str(problem.found)
    assert "quote" in problem.expected


@pytest.mark.parametrize("days", [".inf", "-.inf", ".nan"])
def test_an_infinite_course_budget_is_a_problem(mini_copy, days):
    root = mini_copy()
    text = (root / "manifest.yaml").read_text(encoding="utf-8")
    assert "days: 3.0" in text
    (root / "manifest.yaml").write_text(text.replace("days: 3.0", f"days: {days}", 1), encoding="utf-8")
    assert [p for p in validate_bundle(root) if p.column == "days"]


def test_two_keys_naming_one_audience_or_one_budget_are_a_problem(mini_copy):
    """客户经理 and account_manager are one audience; hebei and 河北 one region: the later may not silently win."""
    root = mini_copy()
    text = (root / "manifest.yaml").read_text(encoding="utf-8")
    text = text.replace("audiences:\n", "audiences:\n  客户经理: {days: 1.5}\n", 1)
    assert "budgets:\n  hebei: {account_manager: 3.5}" in text
    text = text.replace("budgets:\n", "budgets:\n  河北: {政企客户经理: 2.0}\n", 1)
    (root / "manifest.yaml").write_text(text, encoding="utf-8")
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    found = " ".join(f"{p.column} {p.expected} {p.found}" for p in problems)
    assert any("account_manager" in str(p.found) or "客户经理" in str(p.found) for p in problems
               if p.column == "audiences"), found
    assert any(p.column in ("budgets", "account_manager", "政企客户经理") and "once" in p.expected
               for p in problems), found
    assert all(p.row is not None for p in problems)


CLIENTS = """bundle: mini
client: 华北网通、南宁电信
engagement: 调研
regions:
  - id: beijing
    name: 北京
    client: 华北网通北京分公司
  - id: hebei
    name: 河北
    client: 华北网通
    cities:
      - {id: shijiazhuang, name: 石家庄}
      - {id: baoding, name: 保定, client: 保定网通}
  - id: nanning
    name: 南宁
  - id: tianjin
    name: 天津
    client: %s
audiences:
  account_manager: {days: 3}
  support_engineer: {days: 2.5}
"""


def test_a_region_names_its_own_client_else_its_provinces_else_the_bundles(mini_copy):
    root = mini_copy({"manifest.yaml": CLIENTS % "天津网通"})
    manifest = load_bundle(root).manifest
    assert manifest.client_of("beijing") == "华北网通北京分公司"
    assert manifest.client_of("河北") == "华北网通"
    assert manifest.client_of("石家庄") == "华北网通"          # the province's
    assert manifest.client_of("baoding") == "保定网通"          # the city's own
    assert manifest.client_of("nanning") == "华北网通、南宁电信"  # the bundle's
    with pytest.raises(RegionError):
        manifest.client_of("火星")


@pytest.mark.parametrize("value, shown", [("123", "123"), ("[华北, 网通]", "['华北', '网通']"), ('""', "<missing>"),
                                          ("{name: 网通}", "{'name': '网通'}")])
def test_a_client_that_is_not_text_is_a_clear_problem(mini_copy, value, shown):
    problems = _manifest_problems(mini_copy, CLIENTS % value)
    (problem,) = [p for p in problems if p.column == "client"]
    assert problem.row == 18 and "client as text" in problem.expected
    assert shown in str(problem.found)


def test_the_sample_bundle_names_each_regions_client():
    from pathlib import Path
    sample = load_bundle(Path(__file__).resolve().parents[1] / "research_data" / "sample").manifest
    assert {r: sample.client_of(r) for r in ("北京", "天津", "河北", "保定", "山东", "青岛")} == dict.fromkeys(
        ("北京", "天津", "河北", "保定", "山东", "青岛"), "华北网通")
    assert sample.client_of("南宁") == "南宁电信"
