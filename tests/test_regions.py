"""Region names: one rule (exact id or name, then fallbacks that give one region) everywhere.

The bundle here is the ``mini`` bundle with a third province, 吉林, whose city 吉林市 has the same
name apart from 市 (a real case), and a second city 长春市 written with its suffix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI

from casekit.exceptions import RegionError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.regions import RegionIndex, strip_region_suffix
from casekit.reports import resolve_regions

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"

JILIN_MANIFEST = """bundle: jilin
client: 吉林网通（测试）
engagement: 转型业务营销体系培训调研
regions:
  - id: beijing
    name: 北京
  - id: jilin
    name: 吉林
    cities:
      - {id: jilin_city, name: 吉林市}
      - {id: changchun, name: 长春市}
  - id: hebei
    name: 河北
    cities:
      - {id: shijiazhuang, name: 石家庄}
      - {id: baoding, name: 保定}
audiences:
  account_manager: {days: 3.0}
  support_engineer: {days: 2.5}
  sales_manager: {days: 3.0}
budgets:
  吉林市: {account_manager: 4.0}
  吉林: {account_manager: 2.0}
"""

#: Survey rows: respondent id → the region as the row writes it.
SURVEY_ROWS = {"13900000001": "吉林市", "13900000002": "吉林", "13900000003": "吉林省",
               "13900000004": "长春", "13900000005": "Jilin_City", "13900000006": "长春市"}


def _write_bundle(root: Path, manifest: str = JILIN_MANIFEST, rows: dict[str, str] | None = None) -> Path:
    shutil.copytree(MINI, root)
    (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
    survey = root / "survey" / "responses.csv"
    text = survey.read_text(encoding="utf-8")
    for rid, region in (SURVEY_ROWS if rows is None else rows).items():
        text += f"{rid},2008-09-02 10:00,10.0.1.1,{region},政企客户经理,30-39岁,90,比较符合,一般,不太符合,,\n"
    survey.write_text(text, encoding="utf-8")
    with (root / "ride_alongs.csv").open("a", encoding="utf-8") as f:
        f.write("V101,2008-09-20,吉林市,13900000001,酒店,介绍商务领航,商务领航,3,40,30,0.3,提问挖掘需求,推进到下一步,\n")
        f.write("V102,2008-09-21,吉林,13900000002,酒店,介绍商务领航,商务领航,3,40,30,0.3,提问挖掘需求,停滞,\n")
    with (root / "reviews_360.csv").open("a", encoding="utf-8") as f:
        f.write("13900000009,吉林市,客户经理,T01,r360_strategy_1,4\n")
        f.write("13900000010,吉林,客户经理,T01,r360_strategy_1,3\n")
    shutil.copy(root / "catalogue" / "hebei.csv", root / "catalogue" / "jilin.csv")
    return root


@pytest.fixture(scope="module")
def jilin_root(tmp_path_factory) -> Path:
    return _write_bundle(tmp_path_factory.mktemp("regions") / "jilin")


@pytest.fixture(scope="module")
def jilin(jilin_root):
    return load_bundle(jilin_root)


# -- the rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("吉林市", "jilin_city"),      # exact name, although 吉林 + 市 is the province too
    ("吉林", "jilin"),             # exact name
    ("jilin_city", "jilin_city"),  # exact id
    (" 吉林市 ", "jilin_city"),    # surrounding white space is never part of a name
    ("JILIN", "jilin"),            # id in other letter case
    ("ＪＩＬＩＮ", "jilin"),        # ... or in full-width letters
    ("吉林省", "jilin"),           # one suffix the manifest's name lacks
    ("长春", "changchun"),         # the manifest's name without its suffix
    ("河北省", "hebei"), ("保定市", "baoding"),
    ("吉林省市", None), ("长春省", None), ("", None), (None, None),
])
def test_one_rule_exact_first_then_fallbacks(jilin, text, expected):
    assert jilin.manifest.resolve(text) == expected


def test_suffix_is_only_removed_when_two_characters_remain():
    assert strip_region_suffix("内蒙古自治区") == "内蒙古"
    assert strip_region_suffix("市区") is None and strip_region_suffix("北京") is None


# -- validation and data rows ------------------------------------------------------------------
def test_province_and_city_differing_only_by_shi_validate(jilin_root):
    assert validate_bundle(jilin_root) == []


def test_data_rows_go_to_the_region_they_name(jilin):
    where = jilin.respondents.set_index("respondent_id")[["region_id", "top_region_id"]]
    got = {rid: tuple(where.loc[rid]) for rid in SURVEY_ROWS}
    assert got == {"13900000001": ("jilin_city", "jilin"), "13900000002": ("jilin", "jilin"),
                   "13900000003": ("jilin", "jilin"), "13900000004": ("changchun", "jilin"),
                   "13900000005": ("jilin_city", "jilin"), "13900000006": ("changchun", "jilin")}
    visits = jilin.ride_alongs.set_index("visit_id")["region_id"]
    assert (visits["V101"], visits["V102"]) == ("jilin_city", "jilin")
    managers = jilin.reviews_360.drop_duplicates("manager_id").set_index("manager_id")["region_id"]
    assert (managers["13900000009"], managers["13900000010"]) == ("jilin_city", "jilin")


def test_budgets_name_regions_by_the_same_rule(jilin):
    assert jilin.manifest.budget_days("jilin_city", "account_manager") == 4.0
    assert jilin.manifest.budget_days("changchun", "account_manager") == 2.0  # its province's
    assert jilin.manifest.budget_days("吉林", "account_manager") == 2.0


def test_duplicate_names_as_written_are_still_an_error(tmp_path):
    manifest = JILIN_MANIFEST.replace("{id: changchun, name: 长春市}", "{id: changchun, name: 吉林市}")
    root = _write_bundle(tmp_path / "dup", manifest, rows={})
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    assert [(p.column, p.found) for p in problems] == [("name", "吉林市")]
    assert "already used by jilin_city" in problems[0].expected


# -- build --regions and --region --------------------------------------------------------------
def test_build_regions_resolve_each_name_to_its_region(jilin):
    assert resolve_regions(jilin.manifest, ["吉林市", "吉林", "吉林省", "长春", "jilin_city"]) == \
        ["jilin_city", "jilin", "changchun"]


def test_cli_build_regions_builds_the_city_and_the_province(jilin_root, tmp_path, monkeypatch, capsys):
    """`casekit build --regions 吉林市 吉林` builds the city, then the province (a probe notebook)."""
    from casekit import cli, reports

    real = reports.build_reports
    monkeypatch.setattr(reports, "build_reports", lambda *a, **kw: real(*a, notebook=PROBE, **kw))
    code = cli.main(["build", str(jilin_root), "--regions", "吉林市", "吉林", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "built   jilin_city\nbuilt   jilin\n" in out
    assert sorted(p.name for p in (tmp_path / "jilin").iterdir() if p.is_dir()) == ["jilin", "jilin_city"]


def test_region_option_of_every_command_uses_the_rule(jilin):
    m = jilin.manifest
    assert m.require("吉林市") == "jilin_city" and m.require("吉林") == "jilin"
    assert m.descendants("吉林") == ["jilin", "jilin_city", "changchun"]
    assert m.descendants("吉林市") == ["jilin_city"]
    assert m.name("吉林省") == "吉林" and m.top_of("长春") == "jilin"


# -- ambiguous and unknown names ---------------------------------------------------------------
AMBIGUOUS_MANIFEST = JILIN_MANIFEST.replace("name: 吉林\n", "name: 吉林省\n").replace("  吉林: {", "  jilin: {")


@pytest.fixture(scope="module")
def ambiguous_root(tmp_path_factory) -> Path:
    """Province 吉林省 and city 吉林市: a row saying 吉林 could mean either."""
    return _write_bundle(tmp_path_factory.mktemp("regions") / "ambiguous", AMBIGUOUS_MANIFEST,
                         rows={"13900000001": "吉林市", "13900000002": "吉林"})


def test_ambiguous_name_is_an_error_listing_the_candidates(ambiguous_root):
    problems = validate_bundle(ambiguous_root)
    about_jilin = [p for p in problems if p.found == "吉林"]
    assert {(p.file, p.column) for p in about_jilin} == {
        ("survey/responses.csv", "所在地区"), ("ride_alongs.csv", "region"), ("reviews_360.csv", "region")}
    assert all("'吉林' fits jilin (吉林省) and jilin_city (吉林市): write its id" in p.expected
               for p in about_jilin)
    assert all(p.found != "吉林市" for p in problems)  # the exact name is not ambiguous


@pytest.fixture(scope="module")
def ambiguous_clean_root(tmp_path_factory) -> Path:
    """Province 吉林省 and city 吉林市, every row naming one region: a valid bundle."""
    root = _write_bundle(tmp_path_factory.mktemp("regions") / "clean", AMBIGUOUS_MANIFEST,
                         rows={"13900000001": "吉林市"})
    for path in ("ride_alongs.csv", "reviews_360.csv"):
        lines = (root / path).read_text(encoding="utf-8").splitlines(keepends=True)
        (root / path).write_text("".join(line for line in lines if ",吉林," not in line), encoding="utf-8")
    return root


def test_ambiguous_region_asked_for_lists_the_candidates(ambiguous_clean_root, tmp_path, capsys):
    from casekit import cli

    index = RegionIndex(["jilin", "jilin_city"], ["吉林省", "吉林市"])
    with pytest.raises(RegionError, match=r"ambiguous region '吉林': it fits jilin \(吉林省\) and "
                                          r"jilin_city \(吉林市\); write the region's id or its exact name"):
        index.require("吉林")
    root = ambiguous_clean_root
    assert validate_bundle(root) == []
    assert cli.main(["build", str(root), "--regions", "吉林", "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "ambiguous region '吉林': it fits jilin (吉林省) and jilin_city (吉林市)" in capsys.readouterr().err
    assert not (tmp_path / "out" / "jilin").exists()


def test_unknown_name_suggests_the_closest(jilin):
    with pytest.raises(RegionError, match=r"unknown region '吉临市' \(did you mean jilin_city \(吉林市\)"):
        jilin.manifest.require("吉临市")
    with pytest.raises(RegionError, match=r"unknown region 'baodin' \(did you mean baoding \(保定\)\?\); "
                                          r"known region ids: beijing \(北京\), jilin \(吉林\)"):
        resolve_regions(jilin.manifest, ["吉林", "baodin"])
    assert "closest: jilin_city (吉林市)" in jilin.manifest.expected_region("吉临市")


def test_unknown_and_ambiguous_names_are_reported_together():
    index = RegionIndex(["jilin", "jilin_city", "beijing"], ["吉林省", "吉林市", "北京"])
    with pytest.raises(RegionError) as info:
        index.require_all(["吉林", "北京", "火星"])
    message = str(info.value)
    assert message.startswith("ambiguous region '吉林'") and "; unknown region '火星'; known region ids" in message


# -- region order ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


def _regions_listed(table, column):
    return list(dict.fromkeys(table[column].dropna()))


def test_tables_list_regions_in_the_manifests_order(sample, shared_sample_notes):
    """Every table by region follows the manifest (北京, 天津, 河北, 山东, 南宁), not the alphabet."""
    from casekit.analysis import dimension_scores, time_allocation
    from casekit.analysis.ordering import region_order

    tops = region_order(sample.manifest, "top")
    assert tops == ["beijing", "tianjin", "hebei", "shandong", "nanning"]
    notes = shared_sample_notes  # analyse_notes(sample), computed once per session
    listed = {
        "code frequencies": _regions_listed(notes.frequencies(by="top_region_id"), "top_region_id"),
        "themes": _regions_listed(notes.themes(by="top_region_id"), "top_region_id"),
        "keywords": _regions_listed(notes.keywords(by="top_region_id"), "top_region_id"),
        "dimension scores": _regions_listed(dimension_scores(sample), "region_id"),
        "time allocation": _regions_listed(time_allocation(sample, by="top_region"), "group"),
    }
    for what, regions in listed.items():
        assert regions == [r for r in tops if r in regions], what
    assert listed["code frequencies"] == tops


def test_cli_toolbox_names_every_bad_region_before_writing(ambiguous_clean_root, tmp_path, capsys):
    from casekit import cli

    out = tmp_path / "reports"
    assert cli.main(["toolbox", str(ambiguous_clean_root), "--regions", "吉林市", "吉林", "火星", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ambiguous region '吉林': it fits jilin (吉林省) and jilin_city (吉林市)" in err
    assert "unknown region '火星'" in err
    assert not out.exists()
