"""A bundle nobody on the team wrote: ``fixtures/bundles/foreign`` (滇桂, 2009), made by hand from
``docs/bundle-format.md`` only.

It differs from the sample wherever the format allows: a 问卷星-style .xlsx export with its own
Chinese headers and platform columns under ``ignore:``, a 1–6 agreement scale and a 0–10 scale
(reverse-keyed items on both), missing markers including a numeric ``99``, cities named ``柳州市``
and a leaf province (云南), no sales managers in the survey (only in the 360° review), budgets,
notes with a BOM and CRLF line endings, ``、``/``；`` list separators, local product names.

The broken variants are copies of it with one mistake a consultant really makes.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import BUNDLES

from casekit.intake import load_bundle, validate_bundle
from casekit.reports import build_reports

FOREIGN = BUNDLES / "foreign"
XLSX = "survey/问卷星导出_2009-04.xlsx"


# -- helpers ------------------------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "foreign"
    shutil.copytree(FOREIGN, root)
    return root


def _edit_xlsx(root: Path, edit) -> None:
    path = root / XLSX
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def _cell(ws, respondent: str, header: str):
    cols = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, cols["员工工号"]).value == respondent:
            return ws.cell(r, cols[header])
    raise KeyError(respondent)


def _text(report: Path) -> str:
    """The report as a reader sees it: tags dropped, white space collapsed."""
    t = report.read_text(encoding="utf-8")
    t = re.sub(r"<style.*?</style>|<script.*?</script>", " ", t, flags=re.S)
    t = re.sub(r"<[^>]+>", " ", t)
    return re.sub(r"\s+", " ", html.unescape(t))


def _places(problems) -> set[tuple]:
    return {(p.file, p.row, p.column) for p in problems}


# -- the valid bundle ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle():
    return load_bundle(FOREIGN)


def test_foreign_bundle_validates_clean():
    assert validate_bundle(FOREIGN) == []


def test_manifest_regions_audiences_and_budgets(bundle):
    m = bundle.manifest
    assert m.client == "某省电信（滇桂区域公司）"
    assert list(m.regions["region_id"]) == ["guangxi", "nanning", "liuzhou", "guilin", "yunnan"]
    assert m.audiences == {"account_manager": 2.5, "support_engineer": 2.0, "sales_manager": 1.5}
    assert m.budgets == {"yunnan": {"account_manager": 2.0}, "guangxi": {"support_engineer": 3.0}}


def test_respondents_roll_up_from_cities_named_with_shi(bundle):
    r = bundle.respondents.set_index("respondent_id")
    assert len(r) == 29
    assert r["population"].value_counts().to_dict() == {"account_manager": 20, "support_engineer": 9}
    # 柳州市 (by name), liuzhou (by id), 广西 itself, 云南 / yunnan
    assert tuple(r.loc["GXLZ01", ["region_id", "top_region_id"]]) == ("liuzhou", "guangxi")
    assert tuple(r.loc["GXLZS2", ["region_id", "top_region_id"]]) == ("liuzhou", "guangxi")
    assert tuple(r.loc["GXSJ01", ["region_id", "top_region_id"]]) == ("guangxi", "guangxi")
    assert tuple(r.loc["YNAM04", ["region_id", "top_region_id"]]) == ("yunnan", "yunnan")
    assert r.groupby("top_region_id").size().to_dict() == {"guangxi": 20, "yunnan": 9}
    # the platform's metadata columns (ignore:) are dropped, background answers kept
    assert set(r.columns) >= {"tenure_years", "age_band", "attainment_2008"}
    assert not {"序号", "提交答卷时间", "来自IP"} & set(r.columns)
    assert r["attainment_2008"].isna().loc["GXSJ01"]


def test_reverse_keys_apply_on_both_scales(bundle):
    v = bundle.responses.set_index(["respondent_id", "item_id"])["value"]
    assert v.loc[("GXLZ01", "gx_prod_a")] == 5       # 同意, 1–6 scale
    assert v.loc[("GXLZ01", "gx_prod_b")] == 1       # 完全同意 on a reverse item: 1 + 6 − 6
    assert v.loc[("GXLZS1", "se_comm_a")] == 8       # 2 on a reverse 0–10 item: 0 + 10 − 2
    assert v.loc[("GXGL02", "gx_sales_b")] == 5      # a value typed instead of the label
    items = bundle.items.set_index("item_id")
    assert (items.loc["se_comm_a", "scale_min"], items.loc["se_comm_a", "scale_max"]) == (0, 10)
    # one score range per population: the 1–6 item is asked of account managers only
    assert items.loc["both_comm_a", "populations"] == ("account_manager",)


def test_missing_markers_are_not_answers(bundle):
    answered = set(zip(bundle.responses["respondent_id"], bundle.responses["item_id"]))
    assert ("GXNN03", "gx_time_a") not in answered      # 未作答
    assert ("GXNN04", "both_comm_a") not in answered    # empty cell
    assert ("YNSE02", "se_mkt_a") not in answered       # numeric 99
    assert ("YNAM05", "gx_time_a") not in answered      # （跳过）
    assert ("YNSE01", "gx_prod_a") not in answered      # skipped: not asked of support engineers
    assert len(bundle.responses) == 311  # 20 AMs × 14 + 9 SEs × 4 − 5 missing


def test_ride_alongs_catalogue_notes_and_360_read_with_local_names(bundle):
    ra = bundle.ride_alongs.set_index("visit_id")
    assert len(ra) == 8
    assert ra.loc["LZ-0412-1", "products"] == ("video_monitoring", "business_navigator")  # 壮乡眼；八桂商务通
    assert ra.loc["NN-0415-1", "funnel_stage"] == "solution"                               # "6"
    assert ra.loc["NN-0415-1", "behaviours"] == ("asks_needs", "customer_language", "joint_visit")  # 、
    assert ra.loc["GL-0420-1", "industry"] == "hotel"                                       # 宾馆
    cat = bundle.catalogue.set_index(["region_id", "local_name"])
    assert len(cat) == 9
    assert cat.loc[("guangxi", "光纤专线（南宁试点）"), "canonical_product"] == "broadband"
    assert cat.loc[("yunnan", "滇企互联"), "departments"] == ("finance", "it")
    notes = bundle.notes.set_index("note_id")
    assert len(notes) == 6
    assert notes.loc["YN01", "method"] == "ride_along_debrief"        # BOM + CRLF, method 随访
    assert "\r" not in notes.loc["YN01", "text"]
    assert notes.loc["gx-gl-03", "tags"] == ("宾馆", "路程", "时间管理")  # tags as one 、 string
    assert notes.loc["GX04", "population"] == "sales_manager"          # 营销中心主任
    rv = bundle.reviews_360
    assert len(rv) == 42 and rv["manager_id"].nunique() == 3
    assert set(rv["rater_group"]) == {"account_manager", "support", "superior", "self"}
    assert rv.loc[rv["manager_id"] == "LZM01", "top_region_id"].unique().tolist() == ["guangxi"]


# -- reports for every region (one build) -------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("foreign_reports")
    result = build_reports(FOREIGN, out=out, progress=False)
    texts = {r: _text(result.out_dir / r / "report.html") for r in result.built}
    return result, texts


def test_build_succeeds_for_every_region_without_sales_managers_in_the_survey(built):
    result, texts = built
    assert result.ok, result.failed
    assert result.built == ["guangxi", "yunnan"]
    index = result.index_path.read_text(encoding="utf-8")
    assert "广西" in index and "云南" in index
    for region, name in (("guangxi", "广西"), ("yunnan", "云南")):
        t = texts[region]
        assert f"{name}地区培训需求调研报告" in t and "某省电信（滇桂区域公司）" in t
        assert "销售管理人员" in t and "Traceback" not in t and "Error" not in t


def test_reports_show_the_cities_and_suppress_small_cells(built):
    _, t = built
    # 广西's respondents by city: 桂林市 has 3 account managers, shown as <5
    assert "广西 南宁市 柳州市 桂林市 合计" in t["guangxi"]
    assert "政企客户经理 <5 6 5 <5 15" in t["guangxi"]
    # 云南 has 4 support engineers: count and means hidden, no ranking
    assert "支撑人员 <5" in t["yunnan"]
    assert "支撑人员 本地区该岗位参与问卷的人数少于 5 人，不作判断。" in t["yunnan"]


def test_findings_and_course_reasons_cite_the_right_numbers(built):
    _, t = built
    gx, yn = t["guangxi"], t["yunnan"]
    # planted: 广西 account managers weak on 行业 (and 时间, too little to claim), 云南 on 客户 and 沟通
    assert "广西政企客户经理在“行业”上平均 2.10 分，明显低于其他地区的 4.40 分（差 −2.30，n=15，其他地区 n=5" in gx
    assert "云南政企客户经理在“客户”上平均 2.20 分，明显低于其他地区的 4.17 分（差 −1.97，n=5，其他地区 n=15" in yn
    assert "云南政企客户经理在“沟通”上平均 2.70 分，明显低于其他地区的 4.50 分" in yn
    assert not re.search(r"广西政企客户经理在“时间”上平均 [0-9.]+ 分，明显低于其他地区", gx)  # too little to claim
    # the course section cites the same finding in its reasons
    assert gx.count("明显低于其他地区的 4.40 分（差 −2.30") >= 2
    # budgets: 广西 support engineers 3 days (override), 云南 account managers 2 days (too short)
    assert "共 3 天（课时预算 3 天）" in gx
    assert "课时预算 2 天低于本课程最短 2.5 天" in yn


def test_a_suppressed_cell_cannot_be_recovered_from_the_two_reports(built):
    _, t = built
    # 云南 has 4 support engineers (suppressed). 广西's report publishes its own 5 engineers' mean
    # (产品 8.20); if 云南's report publishes the mean of all 9, 云南's 4 follow by subtraction.
    row = re.search(r"支撑人员 本地区人数 本地区均分 其他地区均分 全部地区均分 差值 本地区内由低到高 维度 "
                    r"产品 (\S+) (\S+) (\S+) (\S+)", t["yunnan"])
    assert row and row.group(1) == "<5"
    assert row.group(4) == "—", f"全部地区均分 {row.group(4)} shown for a suppressed region cell"


def test_reports_never_state_the_exact_size_of_a_small_group(built):
    _, t = built
    for region, text in t.items():
        assert not re.findall(r"n=[1-4]<5", text), region


def test_a_budget_clipped_to_the_minima_is_said_once_per_course(built):
    _, t = built
    assert "课时预算 1.5 天低于本课程最短 2.25 天" in t["guangxi"]
    for region, text in t.items():
        assert "调整 " not in text and "（预算不足" not in text, region  # no second, contradicting phrase


# -- broken variants: what a consultant really gets wrong ---------------------------------------
def test_gbk_csv_is_reported_as_an_encoding_problem(tmp_path):
    root = _copy(tmp_path)
    p = root / "ride_alongs.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gbk"))  # Excel "CSV" on Chinese Windows
    problems = validate_bundle(root)
    assert _places(problems) == {("ride_alongs.csv", 2, None)}
    assert "UTF-8" in problems[0].expected


def test_header_typo_names_the_expected_column(tmp_path):
    root = _copy(tmp_path)
    p = root / "ride_alongs.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("customer_industry", "customer_industy", 1),
                 encoding="utf-8")
    assert _places(validate_bundle(root)) == {("ride_alongs.csv", 1, "customer_industry")}


def test_region_not_in_manifest_is_located_and_lists_the_known_names(tmp_path):
    root = _copy(tmp_path)
    p = root / "ride_alongs.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("2009-04-20,桂林市", "2009-04-20,百色市"),
                 encoding="utf-8")
    _edit_xlsx(root, lambda wb: setattr(_cell(wb.active, "GXLZ02", "所属分公司"), "value", "柳州"))
    problems = validate_bundle(root)
    assert _places(problems) == {("ride_alongs.csv", 6, "region")}  # 柳州 for 柳州市 is tolerated
    assert problems[0].found == "百色市" and "柳州市" in problems[0].expected


def test_stray_spaces_are_tolerated_and_full_width_digits_located(tmp_path):
    root = _copy(tmp_path)

    def edit(wb):
        ws = wb.active
        _cell(ws, "GXNN01", "Q1 我能向客户讲清楚天翼商务套餐和宽带的组合资费").value = "同意 "
        _cell(ws, "GXNN02", "Q3 我了解所负责行业客户的经营模式和淡旺季").value = "完全同意\u3000"
        _cell(ws, "GXNN05", "所属分公司").value = "南宁市 "
        _cell(ws, "GXNNS1", "Q15 【支撑】我能独立完成全球眼、混合组网的方案设计").value = "８"

    _edit_xlsx(root, edit)
    problems = validate_bundle(root)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.column, p.found) == (XLSX, "Q15 【支撑】我能独立完成全球眼、混合组网的方案设计", "８")
    assert p.row is not None and p.row > 1 and "0–10" in p.expected


def test_xlsx_title_row_above_the_header_gets_one_clear_message(tmp_path):
    root = _copy(tmp_path)

    def edit(wb):
        wb.active.insert_rows(1)
        wb.active["A1"] = "2009年滇桂政企营销能力调研问卷 —— 答卷数据（问卷星导出）"

    _edit_xlsx(root, edit)
    problems = validate_bundle(root)  # a fix may also find the header itself: then no problem
    assert all(p.file == XLSX for p in problems)
    assert len(problems) <= 3
    assert not any("Unnamed" in str(p.column) for p in problems)
    assert not problems or any("row 2" in f"{p.expected} {p.found}" or p.row == 2 for p in problems)


def test_xlsx_with_a_cover_sheet_names_the_file(tmp_path):
    root = _copy(tmp_path)

    def edit(wb):
        wb.create_sheet("说明", 0)["A1"] = "本文件为问卷星原始导出，数据见第二个工作表"

    _edit_xlsx(root, edit)
    problems = validate_bundle(root)  # a fix may also read the sheet holding the header
    assert {p.file for p in problems} <= {XLSX}
