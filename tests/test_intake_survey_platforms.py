"""survey/ holding exports as downloaded (``platform:`` in codebook.yaml): 问卷星, Qualtrics.

The mini bundle's twelve respondents are written in each platform's exact layout; loaded through
the platform reader and matched by ``key`` / ``column`` / ``pattern`` / ``platform_id``, they
must give the same ``responses`` as the mini bundle in casekit's own layout.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import MINI
from openpyxl import Workbook

from casekit.exceptions import BundleValidationError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake._files import read_table

MiniCopy = Callable[..., Path]

ID, REGION, POP, AGE, TARGET = "答卷编号", "所在地区", "岗位类别", "您的年龄段", "上季度业绩完成率（%）"
ITEMS = {  # item id → its header in the mini bundle (and matrix row title in the exports)
    "am_product_1": "我能说清本地区主推转型产品的资费和套餐",
    "am_customer_1": "拜访前我会先了解客户的组织结构和决策人",
    "am_sales_1": "我习惯一开场就给客户报价格优惠",
    "se_communication_1": "我能用客户听得懂的话介绍技术方案",
    "sm_strategy_1": "我会为转型产品制定分区域的销售目标",
}
STEM = "请评价以下说法与您的符合程度"
BASE_CODEBOOK = (MINI / "codebook.yaml").read_text(encoding="utf-8")
RESPONSE_COLUMNS = ["respondent_id", "item_id", "region_id", "top_region_id", "population", "dimension", "value",
                    "raw"]


def _mini_rows() -> list[dict[str, str]]:
    """The mini bundle's respondents, one dict per row (header → text), in file order."""
    rows = []
    for f in sorted((MINI / "survey").iterdir()):
        frame, problems = read_table(f, f.name)
        assert not problems
        rows += frame.drop(columns=["_row", "_file"]).to_dict("records")
    return rows


MINI_ROWS = _mini_rows()


def _responses(bundle) -> pd.DataFrame:
    return bundle.responses[RESPONSE_COLUMNS].sort_values(["respondent_id", "item_id"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def mini_responses() -> pd.DataFrame:
    return _responses(load_bundle(MINI))


def _codebook(head: str, columns: str, background: str, items: dict[str, str], ignore: str = "") -> str:
    """The mini codebook with ``head`` on top and other ways of naming the columns."""
    text = BASE_CODEBOOK
    start, end = text.index("columns:"), text.index("missing:")
    text = text[:start] + head + columns + text[end:]
    start, end = text.index("background:"), text.index("items:")
    text = text[:start] + background + text[end:]
    for iid, header in ITEMS.items():
        text = text.replace(f"  - id: {iid}\n    column: {header}\n", f"  - id: {iid}\n    {items[iid]}\n")
    return text.replace("ignore: [提交时间, 来源IP]\n", ignore)


# -- 问卷星 按文本 .xlsx ---------------------------------------------------------------------------
WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来自IP"]
WJX_QUESTIONS = [f"1、{ID}", f"2、{REGION}", f"3、{POP}", f"4、{AGE}", f"5、{TARGET}"]
WJX_MATRIX = [f"6、{STEM}—{title}" for title in ITEMS.values()]
WJX_OPEN = "7、您对培训有什么建议？"

WJX_CODEBOOK = _codebook(
    "platform: wjx\n",
    "columns:\n  respondent_id: {key: Q1}\n  region: 2、所在地区\n  population: {pattern: 岗位类别$}\n",
    "background:\n  - {id: age_band, key: Q4, type: category}\n"
    "  - {id: target_attainment, column: 5、上季度业绩完成率（%）, type: number}\n",
    {
        "am_product_1": "key: Q6_1",
        "am_customer_1": f"column: 6、{STEM}—{ITEMS['am_customer_1']}",
        "am_sales_1": "key: Q6_3",
        "se_communication_1": "key: Q6_4",
        "sm_strategy_1": f"column: 6、{STEM}—{ITEMS['sm_strategy_1']}",
    },
    "ignore: [Q7, 来源]\n",
)


def _wjx_cell(text: str) -> str:
    """A mini cell as 问卷星 按文本 writes it: no answer is (空), the bundle's -3 is (跳过)."""
    return {"": "(空)", "-3": "(跳过)"}.get(text, text)


def _wjx_xlsx(path: Path, rows: list[dict[str, str]] | None = None, *, edit: Callable | None = None) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(WJX_META + WJX_QUESTIONS + WJX_MATRIX + [WJX_OPEN])
    for n, row in enumerate(rows if rows is not None else MINI_ROWS, start=1):
        meta = [n, f"2008/9/1 10:{n:02d}:00", f"{60 + n}秒", "微信", f"10.0.0.{n}(河北-保定)"]
        questions = [_wjx_cell(row[h]) for h in (ID, REGION, POP, AGE, TARGET)]
        matrix = [_wjx_cell(row[h]) for h in ITEMS.values()]
        ws.append(meta + questions + matrix + ["多些案例" if n % 3 == 0 else "(空)"])
    if edit is not None:
        edit(ws)
    wb.save(path)


def _wjx_bundle(mini_copy: MiniCopy, codebook: str = WJX_CODEBOOK, **kwargs) -> Path:
    root = mini_copy({"survey": None, "codebook.yaml": codebook})
    (root / "survey").mkdir()
    _wjx_xlsx(root / "survey" / "问卷星_按文本.xlsx", **kwargs)
    return root


def test_wjx_export_gives_the_mini_bundles_responses(mini_copy, mini_responses):
    root = _wjx_bundle(mini_copy)
    assert validate_bundle(root) == []
    bundle = load_bundle(root)
    got = _responses(bundle)
    pd.testing.assert_frame_equal(got, mini_responses)
    mini = load_bundle(MINI)
    cols = ["respondent_id", "region_id", "top_region_id", "population", "age_band", "target_attainment"]
    pd.testing.assert_frame_equal(bundle.respondents[cols].reset_index(drop=True),
                                  mini.respondents[cols].reset_index(drop=True))
    assert bundle.codebook.platform == "wjx"


def test_wjx_skipped_cells_are_missing(mini_copy):
    bundle = load_bundle(_wjx_bundle(mini_copy))
    # respondent 13800000001: (跳过) for the two items not asked of account managers
    answered = bundle.responses.loc[bundle.responses["respondent_id"] == "13800000001", "item_id"]
    assert sorted(answered) == ["am_customer_1", "am_product_1", "am_sales_1"]
    # 13800000006 (支撑人员): only the support engineers' item, the rest (跳过)
    answered = bundle.responses.loc[bundle.responses["respondent_id"] == "13800000006", "item_id"]
    assert answered.tolist() == ["se_communication_1"]


def test_platform_auto_detects_the_export(mini_copy, mini_responses):
    root = _wjx_bundle(mini_copy, WJX_CODEBOOK.replace("platform: wjx", "platform: auto"))
    pd.testing.assert_frame_equal(_responses(load_bundle(root)), mini_responses)


def test_wjx_bad_answer_is_located_in_the_download(mini_copy):
    def edit(ws):
        ws.cell(3, len(WJX_META) + len(WJX_QUESTIONS) + 1).value = "很符合"  # respondent 2, Q6_1

    root = _wjx_bundle(mini_copy, edit=edit)
    problems = validate_bundle(root)
    assert [(p.file, p.row, p.column, p.found) for p in problems] == [
        ("survey/问卷星_按文本.xlsx", 3, WJX_MATRIX[0], "很符合")]
    with pytest.raises(BundleValidationError):
        load_bundle(root)


def test_wjx_unmapped_question_and_missing_key_are_reported(mini_copy):
    codebook = WJX_CODEBOOK.replace("ignore: [Q7, 来源]", "ignore: [来源]").replace("key: Q6_3", "key: Q9_3")
    problems = validate_bundle(_wjx_bundle(mini_copy, codebook))
    places = {(p.file, p.row, p.column) for p in problems}
    assert places == {
        ("survey/问卷星_按文本.xlsx", 1, WJX_OPEN),         # Q7 neither mapped nor ignored
        ("survey/问卷星_按文本.xlsx", 1, "key 'Q9_3'"),     # am_sales_1 matches no column
        ("survey/问卷星_按文本.xlsx", 1, WJX_MATRIX[2]),    # … so Q6_3 is unmapped
    }
    missing = next(p for p in problems if p.column == "key 'Q9_3'")
    assert missing.expected.startswith("the column of item am_sales_1 (codebook.yaml line ")
    assert "a column key of 问卷星_按文本.xlsx; closest: Q6_3" in missing.expected


def test_pattern_matching_several_columns_is_a_problem(mini_copy):
    codebook = WJX_CODEBOOK.replace("key: Q6_1", "pattern: 资费|决策人")
    problems = validate_bundle(_wjx_bundle(mini_copy, codebook))
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column) == ("survey/问卷星_按文本.xlsx", 1, "pattern '资费|决策人'")
    assert "pattern naming exactly one column" in p.expected
    assert p.found.startswith("2 columns: ")


def test_reader_problems_are_relative_to_the_bundle(mini_copy):
    root = _wjx_bundle(mini_copy)
    (root / "survey" / "坏文件.sav").write_bytes(b"not an spss file")
    problems = validate_bundle(root)
    assert problems and {p.file for p in problems} == {"survey/坏文件.sav"}


@pytest.mark.parametrize("value", ["wjx2", "问卷星", ""])
def test_bad_platform_is_a_located_codebook_problem(mini_copy, value):
    root = _wjx_bundle(mini_copy, WJX_CODEBOOK.replace("platform: wjx", f"platform: '{value}'"))
    problems = validate_bundle(root)
    assert [(p.file, p.row, p.column) for p in problems] == [("codebook.yaml", 1, "platform")]
    assert problems[0].expected.startswith("one of wjx, tencent, qualtrics, limesurvey, spss, plain, auto")


def test_match_keys_need_platform(mini_copy):
    root = _wjx_bundle(mini_copy, WJX_CODEBOOK.replace("platform: wjx\n", ""))
    problems = [p for p in validate_bundle(root) if p.file == "codebook.yaml"]
    assert {p.column for p in problems} >= {"key", "pattern"}
    assert all("need platform:" in p.expected for p in problems if p.column in ("key", "pattern"))


def test_one_match_key_per_item(mini_copy):
    codebook = WJX_CODEBOOK.replace("key: Q6_1", f"key: Q6_1\n    column: 6、{STEM}—{ITEMS['am_product_1']}")
    problems = [p for p in validate_bundle(_wjx_bundle(mini_copy, codebook)) if p.file == "codebook.yaml"]
    assert len(problems) == 1 and "exactly one of column, pattern, platform_id, key" in problems[0].expected


# -- Qualtrics 3-row CSV ------------------------------------------------------------------------
QX_META = [("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
           ("Status", "Response Type", "status"), ("IPAddress", "IP Address", "ipAddress"),
           ("Progress", "Progress", "progress"), ("Duration (in seconds)", "Duration (in seconds)", "duration"),
           ("Finished", "Finished", "finished"), ("RecordedDate", "Recorded Date", "recordedDate"),
           ("ResponseId", "Response ID", "_recordId"), ("DistributionChannel", "Distribution Channel",
                                                         "distributionChannel"),
           ("UserLanguage", "User Language", "userLanguage")]
QX_QUESTIONS = [("Q1", ID, "QID1_TEXT"), ("Q2", REGION, "QID2_TEXT"), ("Q3", POP, "QID3_TEXT"),
                ("Q4", AGE, "QID4"), ("Q5", TARGET, "QID5_TEXT")]
QX_MATRIX = [(f"Q6_{k}", f"{STEM} - {title}", f"QID6_{k}") for k, title in enumerate(ITEMS.values(), start=1)]

QX_CODEBOOK = _codebook(
    "platform: qualtrics\n",
    "columns:\n  respondent_id: {platform_id: QID1_TEXT}\n  region: {platform_id: QID2_TEXT}\n"
    "  population: {platform_id: QID3_TEXT}\n",
    "background:\n  - {id: age_band, platform_id: QID4, type: category}\n"
    "  - {id: target_attainment, platform_id: QID5_TEXT, type: number}\n",
    {iid: f"platform_id: QID6_{k}" for k, iid in enumerate(ITEMS, start=1)},
    "ignore: [ResponseId]\n",
)


def _qx_cell(text: str) -> str:
    """Qualtrics leaves a question without an answer blank (the bundle's markers included)."""
    return "" if text in ("", "(空)", "(跳过)", "-3", "不适用") else text


def _qualtrics_csv(rows: list[dict[str, str]] | None = None) -> str:
    columns = QX_META + QX_QUESTIONS + QX_MATRIX
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([c[0] for c in columns])
    w.writerow([c[1] for c in columns])
    w.writerow([json.dumps({"ImportId": c[2]}) for c in columns])
    for n, row in enumerate(rows if rows is not None else MINI_ROWS, start=1):
        meta = ["2008-09-01 10:00:00", "2008-09-01 10:05:00", "0", f"10.0.0.{n}", "100", "300", "1",
                "2008-09-01 10:05:01", f"R_{n:04d}abcdEFGH", "anonymous", "ZH-S"]
        answers = [_qx_cell(row[h]) for h in (ID, REGION, POP, AGE, TARGET, *ITEMS.values())]
        w.writerow(meta + answers)
    return "\ufeff" + out.getvalue()


def test_qualtrics_export_matched_by_platform_id(mini_copy, mini_responses):
    root = mini_copy({"survey": None, "codebook.yaml": QX_CODEBOOK, "survey/qualtrics.csv": _qualtrics_csv()})
    assert validate_bundle(root) == []
    pd.testing.assert_frame_equal(_responses(load_bundle(root)), mini_responses)


def test_qualtrics_problem_has_the_files_own_row(mini_copy):
    rows = [dict(r) for r in MINI_ROWS]
    rows[1][ITEMS["am_product_1"]] = "7"  # second response: line 5 (three header rows)
    root = mini_copy({"survey": None, "codebook.yaml": QX_CODEBOOK, "survey/qualtrics.csv": _qualtrics_csv(rows)})
    problems = validate_bundle(root)
    assert [(p.file, p.row, p.column, p.found) for p in problems] == [("survey/qualtrics.csv", 5, "Q6_1", "7")]


def test_two_downloads_are_concatenated(mini_copy, mini_responses):
    root = mini_copy({"survey": None, "codebook.yaml": QX_CODEBOOK,
                      "survey/a.csv": _qualtrics_csv(MINI_ROWS[:5]), "survey/b.csv": _qualtrics_csv(MINI_ROWS[5:])})
    pd.testing.assert_frame_equal(_responses(load_bundle(root)), mini_responses)


def test_no_platform_keeps_todays_behaviour(mini_copy):
    """Without platform: a downloaded 问卷星 file is read in casekit's own layout: headers must match."""
    root = _wjx_bundle(mini_copy, BASE_CODEBOOK)
    problems = validate_bundle(root)
    assert ("survey/问卷星_按文本.xlsx", 1, ID) in {(p.file, p.row, p.column) for p in problems}


# -- platform: auto, two platforms mixed -----------------------------------------------------------
KEY_CODEBOOK = _codebook(
    "platform: auto\n",
    "columns:\n  respondent_id: {key: Q1}\n  region: {key: Q2}\n  population: {key: Q3}\n",
    "background:\n  - {id: age_band, key: Q4, type: category}\n  - {id: target_attainment, key: Q5, type: number}\n",
    {iid: f"key: Q6_{k}" for k, iid in enumerate(ITEMS, start=1)},
    "ignore: [Q7]\n",
)


def _mixed_bundle(mini_copy: MiniCopy, qualtrics_rows: list[dict[str, str]]) -> Path:
    root = mini_copy({"survey": None, "codebook.yaml": KEY_CODEBOOK, "survey/b_qualtrics.csv": _qualtrics_csv(
        qualtrics_rows)})
    _wjx_xlsx(root / "survey" / "a_问卷星.xlsx", MINI_ROWS[:6])
    return root


def test_auto_reads_downloads_of_different_platforms_together(mini_copy, mini_responses):
    root = _mixed_bundle(mini_copy, MINI_ROWS[6:])
    pd.testing.assert_frame_equal(_responses(load_bundle(root)), mini_responses)


def test_problems_in_a_later_download_name_its_own_header(mini_copy):
    rows = [dict(r) for r in MINI_ROWS[6:]]
    rows[0][ITEMS["se_communication_1"]] = "很好"
    problems = validate_bundle(_mixed_bundle(mini_copy, rows))
    assert [(p.file, p.row, p.column, p.found) for p in problems] == [("survey/b_qualtrics.csv", 4, "Q6_4", "很好")]


def test_an_item_left_out_for_a_codebook_problem_is_not_also_an_unmapped_column(mini_copy):
    codebook = WJX_CODEBOOK.replace("  - id: am_sales_1\n    key: Q6_3\n    dimension: sales\n",
                                    "  - id: am_sales_1\n    key: Q6_3\n    dimension: TODO\n")
    assert codebook != WJX_CODEBOOK
    problems = validate_bundle(_wjx_bundle(mini_copy, codebook))
    assert [(p.file, p.column, p.found) for p in problems] == [("codebook.yaml", "dimension", "TODO")]


def test_an_identifying_column_naming_no_header_is_one_problem_not_one_per_row(mini_copy):
    codebook = WJX_CODEBOOK.replace("  region: 2、所在地区\n", "  region: 所在城市\n")
    assert codebook != WJX_CODEBOOK
    problems = validate_bundle(_wjx_bundle(mini_copy, codebook))
    # the header named is missing, the header meant is unmapped; no row says its region is empty
    assert [(p.file, p.row, p.column) for p in problems] == [("survey/问卷星_按文本.xlsx", 1, "所在城市"),
                                                             ("survey/问卷星_按文本.xlsx", 1, "2、所在地区")]
    assert problems[0].expected.startswith("the region column named (codebook.yaml line ")
