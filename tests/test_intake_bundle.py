"""The whole bundle: every planted problem reported at once; a valid bundle loads completely."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import BROKEN, MINI

from casekit.exceptions import BundleNotFoundError, BundleValidationError
from casekit.intake import Bundle, load_bundle, validate_bundle

#: (file, row, column) of every problem planted in tests/fixtures/bundles/broken/.
PLANTED = {
    ("manifest.yaml", 17, "audiences"),                       # 客服人员 is not a population
    ("manifest.yaml", 20, "budgets"),                         # tianjin is not a region
    ("codebook.yaml", 40, "dimension"),                       # 营销 is not a dimension
    ("survey/responses.csv", 1, "我每周会规划拜访时间"),         # item column missing from the export
    ("survey/responses.csv", 1, "备注"),                       # unmapped question column
    ("survey/responses.csv", 3, "所在地区"),                   # 天津 unknown region
    ("survey/responses.csv", 3, "上季度业绩完成率（%）"),        # 八十 is not a number
    ("survey/responses.csv", 3, "我能说清本地区主推转型产品的资费和套餐"),  # 很符合 not on the scale
    ("survey/responses.csv", 4, "岗位类别"),                   # 客服 unknown population
    ("survey/responses.csv", 5, "答卷编号"),                   # duplicate respondent id
    ("survey/responses.csv", 6, "我能说清本地区主推转型产品的资费和套餐"),  # support engineer answered an AM item
    ("survey/responses.csv", 7, "我会为转型产品制定分区域的销售目标"),      # 6 outside 1–5
    ("catalogue/baoding.csv", None, None),                   # a city, not a top-level region
    ("catalogue/hebei.csv", 3, "local_name"),                # duplicate local name
    ("catalogue/hebei.csv", 3, "canonical_product"),         # 云储存 unknown product
    ("catalogue/hebei.csv", 3, "needs"),                     # 发财 unknown need
    ("catalogue/tianjin.csv", None, None),                   # unknown region
    ("ride_alongs.csv", 1, "minutes_travel"),                # missing column
    ("ride_alongs.csv", 2, "date"),                          # 2008-13-01
    ("ride_alongs.csv", 2, "minutes_on_site"),               # 四十
    ("ride_alongs.csv", 3, "question_share"),                # 1.5
    ("ride_alongs.csv", 3, "behaviours"),                    # 画大饼
    ("ride_alongs.csv", 3, "outcome"),                       # 成功
    ("ride_alongs.csv", 3, "funnel_stage"),                  # 9
    ("ride_alongs.csv", 3, "account_manager"),               # not a respondent
    ("ride_alongs.csv", 3, "products"),                      # 智慧店铺
    ("ride_alongs.csv", 4, "visit_id"),                      # duplicate V002
    ("ride_alongs.csv", 4, "region"),                        # 廊坊 not in the manifest
    ("ride_alongs.csv", 4, "account_manager"),               # a support engineer
    ("reviews_360.csv", 3, "rater_group"),                   # 同事
    ("reviews_360.csv", 3, "item_id"),                       # not in the codebook
    ("reviews_360.csv", 3, "score"),                         # 7
    ("reviews_360.csv", 4, "rater_token"),                   # same rater, same item twice
    ("notes/N001.md", 2, "id"),                              # N009 ≠ file name
    ("notes/N001.md", 7, "method"),                          # 座谈
    ("notes/N002.md", 1, "interviewee"),                     # key missing
    ("notes/N002.md", 3, "date"),                            # 2008-09-31
    ("notes/N002.md", 4, "region"),                          # 天津
    ("notes/N003.md", 5, None),                              # YAML syntax error
}


def test_broken_bundle_reports_every_planted_problem_at_once():
    problems = validate_bundle(BROKEN)
    assert {(p.file, p.row, p.column) for p in problems} == PLANTED
    assert len(problems) == len(PLANTED)


def test_problems_quote_the_value_found_and_say_what_is_allowed():
    by_place = {(p.file, p.row, p.column): p for p in validate_bundle(BROKEN)}
    p = by_place[("survey/responses.csv", 3, "所在地区")]
    assert p.found == "天津" and "北京" in p.expected
    p = by_place[("ride_alongs.csv", 3, "outcome")]
    assert p.found == "成功" and "成交" in p.expected
    p = by_place[("survey/responses.csv", 5, "答卷编号")]
    assert "row 3" in p.found
    assert str(by_place[("ride_alongs.csv", 2, "date")]) == (
        "ride_alongs.csv, row 2, column 'date': expected a date YYYY-MM-DD, found '2008-13-01'")


def test_load_bundle_raises_with_all_problems_and_returns_nothing_partial():
    with pytest.raises(BundleValidationError, match=rf"^{len(PLANTED)} problems found:") as info:
        load_bundle(BROKEN)
    assert len(info.value.problems) == len(PLANTED)
    frame = info.value.to_frame()
    assert list(frame.columns) == ["file", "row", "column", "expected", "found"]


def test_missing_manifest_names_the_path_tried(tmp_path):
    with pytest.raises(BundleNotFoundError, match=r"manifest\.yaml.*does not exist"):
        load_bundle(tmp_path)
    with pytest.raises(BundleNotFoundError, match=str(tmp_path / "nowhere")):
        validate_bundle(tmp_path / "nowhere")


def test_valid_bundle_loads_with_every_table():
    assert validate_bundle(MINI) == []
    bundle = load_bundle(MINI)
    assert isinstance(bundle, Bundle)
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.notes = None  # type: ignore[misc]
    assert len(bundle.respondents) == 12
    assert bundle.respondents["population"].value_counts().to_dict() == {
        "account_manager": 6, "support_engineer": 3, "sales_manager": 3}
    assert len(bundle.notes) == 3 and len(bundle.ride_alongs) == 3
    assert len(bundle.reviews_360) == 6 and len(bundle.catalogue) == 4
    assert bundle.manifest.top_level_ids() == ["beijing", "hebei"]


ARCHITECTURE_COLUMNS = {
    "items": ["item_id", "column", "dimension", "populations", "scale", "reverse", "scale_min", "scale_max"],
    "responses": ["respondent_id", "region_id", "top_region_id", "population", "item_id", "dimension",
                  "value", "raw"],
    "ride_alongs": ["visit_id", "date", "region_id", "top_region_id", "account_manager", "industry",
                    "purpose", "products", "products_local", "funnel_stage", "funnel_step",
                    "minutes_on_site", "minutes_travel", "question_share", "behaviours", "outcome",
                    "observer_notes"],
    "reviews_360": ["manager_id", "region_id", "top_region_id", "rater_group", "rater_token", "item_id",
                    "dimension", "score"],
    "review_items": ["item_id", "text", "dimension"],
    "catalogue": ["region_id", "local_name", "canonical_product", "package", "price",
                  "technical_description", "customer_value", "needs", "departments", "department_values"],
    "notes": ["note_id", "date", "region_id", "top_region_id", "population", "interviewee", "method",
              "tags", "text", "file"],
}


@pytest.mark.parametrize("table", sorted(ARCHITECTURE_COLUMNS))
def test_tables_have_the_documented_columns(table):
    frame = getattr(load_bundle(MINI), table)
    assert list(frame.columns) == ARCHITECTURE_COLUMNS[table]


def test_respondents_columns_are_ids_then_background():
    r = load_bundle(MINI).respondents
    assert list(r.columns) == ["respondent_id", "region_id", "top_region_id", "population",
                               "age_band", "target_attainment"]


def test_rows_are_sorted_by_ids():
    b = load_bundle(MINI)
    assert b.ride_alongs["visit_id"].tolist() == ["V001", "V002", "V003"]
    assert b.respondents["respondent_id"].is_monotonic_increasing
    assert b.notes["note_id"].tolist() == ["N001", "N002", "N003"]
    pairs = list(zip(b.responses["respondent_id"], b.responses["item_id"]))
    assert pairs == sorted(pairs)


def test_underscore_and_dot_files_are_ignored(mini_copy):
    root = mini_copy({
        "_ground_truth.yaml": "not: [valid",
        "notes/_draft.md": "no front matter",
        "notes/.N004.md.swp": "junk",
        "survey/_old_export.csv": "a,b\n1,2\n",
        "catalogue/.DS_Store": "junk",
    })
    assert validate_bundle(root) == []


def test_a_problem_in_one_file_does_not_hide_others(mini_copy):
    root = mini_copy({"codebook.yaml": "columns: [unclosed", "manifest.yaml": "bundle: x\nregions: {"})
    files = {p.file for p in validate_bundle(root)}
    assert {"codebook.yaml", "manifest.yaml"} <= files


def test_missing_files_are_reported(mini_copy):
    root = mini_copy({"ride_alongs.csv": None, "reviews_360.csv": None, "survey": None,
                      "codebook.yaml": None})
    found = {(p.file, p.found) for p in validate_bundle(root)}
    assert ("ride_alongs.csv", "<missing>") in found
    assert ("reviews_360.csv", "<missing>") in found
    assert ("codebook.yaml", "<missing>") in found
    assert ("survey/", "no survey/ folder") in found


def test_accepts_manifest_path_too():
    assert load_bundle(MINI / "manifest.yaml").manifest.bundle == "mini"


def test_dtypes_are_typed():
    b = load_bundle(MINI)
    assert pd.api.types.is_datetime64_any_dtype(b.ride_alongs["date"])
    assert b.ride_alongs["minutes_on_site"].dtype == "int64"
    assert b.responses["value"].dtype == "float64"
    assert b.reviews_360["score"].dtype == "float64"
    assert isinstance(b.notes["tags"].iloc[0], tuple)


def test_manual_codes_beside_the_notes_are_checked_with_the_bundle(mini_copy):
    from casekit.intake.note_segments import note_segments

    segment = note_segments(load_bundle(MINI))["segment_id"].iloc[0]
    codes = ("segment_id,code,action,coder,date,comment\n"
             f"{segment},asks_needs_first,add,LW,2008-09-20,\n"
             "N999-01,asks_needs_first,add,LW,2008-09-20,\n")
    root = mini_copy({"notes/codes.csv": codes})
    problems = [p for p in validate_bundle(root) if p.file == "notes/codes.csv"]
    assert [(p.row, p.column, p.found) for p in problems] == [(3, "segment_id", "N999-01")]
    good = mini_copy({"notes/codes.csv": codes.rsplit("N999", 1)[0]})
    bundle = load_bundle(good)
    assert bundle.manual_codes[["segment_id", "code", "action"]].values.tolist() == [[segment, "asks_needs_first", "add"]]
    assert "asks_needs_first" in bundle.code_frame.ids


def test_a_report_kernel_reads_an_unchanged_bundle_once_and_each_report_gets_its_own_copy(mini_copy, monkeypatch):
    from casekit.intake import bundle as bundle_module

    root = mini_copy({})
    fresh = load_bundle(root)
    reads = []
    real_read = bundle_module._read
    monkeypatch.setattr(bundle_module, "_read", lambda r: reads.append(r) or real_read(r))
    monkeypatch.setattr(bundle_module, "_memo", None)
    bundle_module.remember_bundles(True)
    first = load_bundle(root)
    first.notes.loc[:, "text"] = "一份报告改了自己的表"  # what one region's report does to its copy ...
    first.manifest.regions.loc[:, "name"] = "改过的地区名"
    bundle_module.remember_bundles(True)  # the kernel's reset before the next region keeps the memo
    second = load_bundle(root)
    assert len(reads) == 1  # ... the next region neither reads the files again nor sees it
    assert "一份报告改了自己的表" not in set(second.notes["text"])
    assert "改过的地区名" not in set(second.manifest.regions["name"])
    pd.testing.assert_frame_equal(second.responses, fresh.responses)
    pd.testing.assert_frame_equal(second.notes, fresh.notes)

    note = next((root / "notes").glob("*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    third = load_bundle(root)  # a file changed: read again
    assert len(reads) == 2 and any("补充一句" in t for t in third.notes["text"])

    bundle_module.remember_bundles(False)  # the default: every call reads the files
    load_bundle(root)
    assert len(reads) == 3
