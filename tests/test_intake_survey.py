"""survey/: exports as text, codebook mapping, reverse keys, city roll-up, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from conftest import MINI

from casekit.intake import load_bundle, validate_bundle

HEADER = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8").splitlines()[0]
AM_PRODUCT = "我能说清本地区主推转型产品的资费和套餐"


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(MINI)


def _value(bundle, respondent, item):
    r = bundle.responses
    return r.loc[(r["respondent_id"] == respondent) & (r["item_id"] == item), "value"].item()


def test_csv_and_xlsx_exports_are_concatenated_with_ids_kept_as_text(bundle):
    ids = bundle.respondents["respondent_id"].tolist()
    assert ids[0] == "13800000001" and "13800000011" in ids and "13800000012" in ids  # from the .xlsx
    assert len(ids) == 12


def test_labels_and_values_both_count_and_missing_markers_are_dropped(bundle):
    assert _value(bundle, "13800000001", "am_product_1") == 4.0    # 比较符合
    assert _value(bundle, "13800000002", "am_product_1") == 4.0    # 4
    answered = bundle.responses.loc[bundle.responses["respondent_id"] == "13800000004", "item_id"]
    assert sorted(answered) == ["am_product_1", "am_sales_1"]     # (空) dropped
    assert len(bundle.responses) == 23


def test_reverse_keyed_items_are_mirrored_and_raw_is_kept(bundle):
    r = bundle.responses.set_index(["respondent_id", "item_id"])
    assert r.loc[("13800000001", "am_sales_1"), "value"] == 1.0   # 非常符合 on a reverse item
    assert r.loc[("13800000001", "am_sales_1"), "raw"] == "非常符合"
    assert r.loc[("13800000003", "am_sales_1"), "value"] == 5.0   # 1 → 5
    assert r.loc[("13800000002", "am_product_1"), "value"] == 4.0  # not reverse: unchanged


def test_city_rows_roll_up_to_their_province(bundle):
    r = bundle.respondents.set_index("respondent_id")
    assert r.at["13800000005", "region_id"] == "baoding"       # written 保定市
    assert r.at["13800000005", "top_region_id"] == "hebei"
    assert r.at["13800000006", "region_id"] == "hebei"
    assert r.at["13800000002", "top_region_id"] == "beijing"
    assert (bundle.responses["top_region_id"] == bundle.responses["respondent_id"].map(
        r["top_region_id"])).all()


def test_population_aliases_and_background_types(bundle):
    r = bundle.respondents.set_index("respondent_id")
    assert r.at["13800000010", "population"] == "sales_manager"   # 营销中心主任
    assert r.at["13800000007", "population"] == "support_engineer"  # 技术支撑
    assert r.at["13800000002", "target_attainment"] == 102.5
    assert np.isnan(r.at["13800000003", "target_attainment"])       # (空)
    assert r.at["13800000005", "age_band"] is None


def test_bom_is_accepted(mini_copy):
    text = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8")
    root = mini_copy({"survey/responses.csv": "\ufeff".encode() + text.encode("utf-8")})
    assert validate_bundle(root) == []


def test_gbk_file_is_reported_not_crashed(mini_copy):
    text = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8")
    root = mini_copy({"survey/responses.csv": text.encode("gbk")})
    problems = [p for p in validate_bundle(root) if p.file == "survey/responses.csv"]
    assert len(problems) == 1 and problems[0].expected.startswith("UTF-8")


def _survey_problems(mini_copy, rows):
    root = mini_copy({"survey/responses.csv": HEADER + "\n" + "\n".join(rows) + "\n"})
    return [p for p in validate_bundle(root) if p.file.startswith("survey/")]


def test_answer_outside_scale_names_the_scale(mini_copy):
    problems = _survey_problems(mini_copy, ["1,t,ip,北京,客户经理,30-39岁,80,特别符合,0,3,,"])
    assert {(p.row, p.column, p.found) for p in problems} == {
        (2, AM_PRODUCT, "特别符合"), (2, "拜访前我会先了解客户的组织结构和决策人", "0")}
    assert "非常不符合…非常符合 or 1–5" in problems[0].expected


def test_unknown_population_and_region(mini_copy):
    problems = _survey_problems(mini_copy, ["1,t,ip,天津,客服,30-39岁,80,,,,,"])
    assert {(p.column, p.found) for p in problems} == {("所在地区", "天津"), ("岗位类别", "客服")}


def test_items_answered_by_the_wrong_population(mini_copy):
    problems = _survey_problems(mini_copy, ["1,t,ip,北京,支撑人员,30-39岁,80,5,,,4,"])
    assert [(p.column, p.found) for p in problems] == [(AM_PRODUCT, "5")]
    assert "asked only of 政企客户经理" in problems[0].expected


def test_unmapped_and_missing_columns_are_reported_on_the_header_row(mini_copy):
    header = HEADER.replace("," + AM_PRODUCT, "") + ",满意度"
    root = mini_copy({"survey/responses.csv": header + "\n1,t,ip,北京,客户经理,30-39岁,80,5,3,,,4\n"})
    problems = [p for p in validate_bundle(root) if p.file == "survey/responses.csv"]
    assert {(p.row, p.column, p.found) for p in problems} == {(1, AM_PRODUCT, "<missing>"), (1, "满意度", "满意度")}
    assert any("item am_product_1 (codebook.yaml line 17)" in p.expected for p in problems)


def test_duplicate_respondent_across_files_names_the_first(mini_copy):
    problems = _survey_problems(mini_copy, ["13800000011,t,ip,北京,客户经理,30-39岁,80,5,,,,"])
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("survey/responses_shijiazhuang.xlsx", 2, "答卷编号")]
    assert problems[0].found == "13800000011 (first at survey/responses.csv row 2)"


def test_100k_rows_validate_in_seconds(mini_copy):
    rng = np.random.default_rng(0)
    n = 100_000
    labels = np.array(["非常不符合", "不太符合", "一般", "比较符合", "非常符合", "3", "(跳过)", ""])
    frame = pd.DataFrame({
        "答卷编号": [f"R{i:06d}" for i in range(n)],
        "提交时间": "2008-09-01", "来源IP": "10.0.0.1",
        "所在地区": rng.choice(["北京", "石家庄", "保定", "河北"], n),
        "岗位类别": "政企客户经理", "您的年龄段": "30-39岁",
        "上季度业绩完成率（%）": rng.integers(0, 150, n).astype(str),
    })
    for col in HEADER.split(",")[7:]:
        frame[col] = rng.choice(labels, n)
    frame["我能用客户听得懂的话介绍技术方案"] = ""
    frame["我会为转型产品制定分区域的销售目标"] = ""
    frame.loc[5, AM_PRODUCT] = "很符合"
    root = mini_copy({"survey/responses_shijiazhuang.xlsx": None})
    frame.to_csv(root / "survey" / "responses.csv", index=False)
    start = time.perf_counter()
    problems = validate_bundle(root)
    elapsed = time.perf_counter() - start
    survey = [p for p in problems if p.file.startswith("survey/")]
    assert [(p.row, p.found) for p in survey] == [(7, "很符合")]
    assert elapsed < 15, f"validating 100k rows took {elapsed:.1f}s"


def test_a_title_row_above_the_csv_header_is_one_located_problem(mini_copy):
    text = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8")
    root = mini_copy({"survey/responses.csv": "2008年政企客户经理能力调研问卷 答卷数据\n" + text})
    problems = validate_bundle(root)
    survey = [p for p in problems if p.file == "survey/responses.csv"]
    assert len(survey) == 1
    assert survey[0].row == 1 and survey[0].column == "答卷编号"
    assert "header on row 2" in survey[0].found and "delete the 1 row(s) above it" in survey[0].found


def test_a_gbk_encoded_export_says_how_to_save_it(mini_copy):
    text = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8")
    root = mini_copy({"survey/responses.csv": text.encode("gb18030")})
    problems = [p for p in validate_bundle(root) if p.file == "survey/responses.csv"]
    assert len(problems) == 1
    assert "CSV UTF-8" in problems[0].expected and "GBK" in problems[0].found
