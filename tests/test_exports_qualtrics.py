"""Qualtrics CSV exports: both header layouts, choice-text and numeric downloads."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import SurveyFileError
from casekit.surveys import detect_platform, read_export
from casekit.surveys.qualtrics import read

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
HERE = EXPORTS / "qualtrics"
TEXT_FILES = ["choice_text.csv", "legacy_choice_text.csv"]
CODE_FILES = ["numeric_values.csv", "legacy_numeric_values.csv"]


def _expected(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPORTS / name, dtype=str, keep_default_na=False)


def _as_text(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy.astype({"question_no": str}).fillna("").astype(str)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_choice_text_download_gives_the_reference_table(name: str) -> None:
    tidy = _as_text(read_export(HERE / name).tidy())
    pd.testing.assert_frame_equal(tidy, _expected("reference_tidy.csv"))


@pytest.mark.parametrize("name", CODE_FILES)
def test_numeric_download_gives_the_reference_codes(name: str) -> None:
    tidy = _as_text(read_export(HERE / name).tidy())
    pd.testing.assert_frame_equal(tidy, _expected("reference_tidy_codes.csv"))


@pytest.mark.parametrize("name", TEXT_FILES + CODE_FILES)
def test_detected_as_qualtrics(name: str) -> None:
    assert detect_platform(HERE / name) == "qualtrics"
    assert read_export(HERE / name).platform == "qualtrics"


def test_columns_keyed_on_import_id() -> None:
    export = read(HERE / "choice_text.csv")
    assert export.column("Q3_1").platform_id == "QID3_1"
    assert export.column("Q4_other").platform_id == "QID4_4_TEXT"
    assert export.column("Q4").kind == "multi"
    assert export.column("Q5").kind == "rank"
    assert export.column("Q5").options == ("客户现场", "路上", "办公室")
    assert export.column("Q3_2").stem == "请评价以下说法与您的符合程度"
    assert export.rows == (4, 5, 6, 7)  # the lines where each response starts in the file


def test_metadata_mapped_to_meta_keys() -> None:
    for name in ("choice_text.csv", "legacy_choice_text.csv"):
        data = read(HERE / name).data
        assert data.loc[0, "response_id"] == "R_1aB2cD3eF4gH5iJ"
        assert data.loc[0, "started_at"] == "2024-03-04 09:12:05"
        assert data.loc[0, "submitted_at"] == "2024-03-04 09:15:40"
        assert data.loc[0, "ip"] == "36.112.1.10"
    data = read(HERE / "choice_text.csv").data
    assert data.loc[0, "duration_s"] == "215"
    assert data.loc[0, "source"] == "anonymous"


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _three_rows(names: list[str], texts: list[str], ids: list[str], *data: list[str]) -> list[list[str]]:
    return [names, texts, [json.dumps({"ImportId": i}) for i in ids], *data]


def test_choice_text_with_a_comma_is_kept_whole(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1", "Q2"],
        ["Response ID", "频率", "渠道"],
        ["_recordId", "QID1", "QID2"],
        ["R_1", "是, 经常", "线上,线下"],
        ["R_2", "否", "线上"],
        ["R_3", "是, 经常", "线下"],
        ["R_4", "否", "Email, WeChat,线上"],
        ["R_5", "否", "Email, WeChat"],
    )
    export = read(_write(tmp_path / "q.csv", rows))
    assert export.data["Q1"].tolist() == ["是, 经常", "否", "是, 经常", "否", "否"]
    assert export.column("Q1").kind == "single"
    assert export.data["Q2"].tolist() == ["线上;线下", "线上", "线下", "Email, WeChat;线上", "Email, WeChat"]
    assert export.column("Q2").kind == "multi"


def test_without_the_minus_99_recode_blanks_are_empty(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1", "Q2"], ["Response ID", "岗位", "地市"], ["_recordId", "QID1", "QID2_TEXT"],
        ["R_1", "支撑人员", ""],
    )
    export = read(_write(tmp_path / "q.csv", rows))
    assert export.status.loc[0, "Q2"] == "empty"


def test_wrong_cell_counts_reported_with_their_lines(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1"], ["Response ID", "岗位"], ["_recordId", "QID1"],
        ["R_1", "支撑人员", "extra"], ["R_2", "支撑人员"], ["R_3"],
    )
    with pytest.raises(SurveyFileError, match="2 problems") as info:
        read(_write(tmp_path / "q.csv", rows))
    frame = info.value.to_frame()
    assert frame["row"].tolist() == [4, 6]
    assert frame["file"].tolist() == ["q.csv", "q.csv"]
    assert frame["found"].tolist() == ["3 cells", "1 cells"]


def test_unreadable_import_id_is_located(tmp_path: Path) -> None:
    rows = [["ResponseId", "Q1"], ["Response ID", "岗位"], ['{"ImportId":"_recordId"}', "QID1"], ["R_1", "x"]]
    with pytest.raises(SurveyFileError, match=r"q\.csv, row 3, column 'Q1': expected an ImportId"):
        read(_write(tmp_path / "q.csv", rows))


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe garbage", b"only one line\n", b'"unclosed\n'])
def test_any_bytes_give_survey_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(SurveyFileError):
        read(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyFileError, match="an existing file"):
        read(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- compound question columns


def test_side_by_side_multi_answer_matrix_and_loop_columns_are_questions(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1", "Q6#1_1", "Q6#1_2", "Q6#2_1", "Q6#2_1_TEXT", "Q8_1_1", "Q8_1_2", "1_Q3", "2_Q3", "1_Q3_TEXT"],
        ["Response ID", "岗位",
         "评价 - 重要性 - 资费", "评价 - 重要性 - 网络", "评价 - 满意度 - 资费", "评价 - 满意度 - 资费 - Text",
         "使用的产品 - 商务领航 - 办公", "使用的产品 - 商务领航 - 家庭", "产品1 - 建议", "产品2 - 建议", "产品1 - 其他"],
        ["_recordId", "QID1", "QID6#1_1", "QID6#1_2", "QID6#2_1", "QID6#2_1_TEXT", "QID8_1_1", "QID8_1_2",
         "1_QID3", "2_QID3", "1_QID3_TEXT"],
        ["R_1", "经理", "非常重要", "重要", "满意", "还行", "1", "", "多培训", "少开会", "无"],
        ["R_2", "支撑", "", "重要", "", "", "", "1", "", "加薪", ""],
    )
    export = read(_write(tmp_path / "q.csv", rows))
    keys = [c.key for c in export.columns]
    assert keys == ["response_id", "Q1", "Q2_1_1", "Q2_1_2", "Q2_2_1", "Q2_2_1_other", "Q3_1_1", "Q3_1_2",
                    "Q4_loop1", "Q4_loop2", "Q4_loop1_other"]
    assert all(c.kind != "meta" for c in export.columns[1:])
    side = export.column("Q2_1_2")
    assert (side.kind, side.question_no, side.platform_id, side.stem, side.sub_item) == (
        "matrix", 2, "QID6#1_2", "评价", "重要性 - 网络")
    assert export.column("Q2_2_1_other").kind == "other"
    assert export.data["Q2_1_1"].tolist() == ["非常重要", ""]
    assert export.data["Q3_1_2"].tolist() == ["", "1"]
    assert export.column("Q4_loop2").platform_id == "2_QID3"
    assert export.data["Q4_loop2"].tolist() == ["少开会", "加薪"]


def test_an_unsupported_question_column_is_a_problem_not_metadata(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1", "Q9"], ["Response ID", "岗位", "热图"], ["_recordId", "QID1", "QID9_x1_y2"],
        ["R_1", "经理", "10,20"],
    )
    with pytest.raises(SurveyFileError) as info:
        read(_write(tmp_path / "q.csv", rows))
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.found) == (3, "Q9", "unsupported question column QID9_x1_y2")
    assert "a supported question column" in problem.expected


def test_display_order_and_timing_columns_are_metadata(tmp_path: Path) -> None:
    rows = _three_rows(
        ["ResponseId", "Q1", "Q1_DO", "Q9_First Click", "Q9_Page Submit", "Q7", "Q7_NPS_GROUP"],
        ["Response ID", "岗位", "岗位 - Display Order", "Timing - First Click", "Timing - Page Submit", "推荐", "推荐"],
        ["_recordId", "QID1", "QID1_DO", "QID9_FIRST_CLICK", "QID9_PAGE_SUBMIT", "QID7", "QID7_NPS_GROUP"],
        ["R_1", "经理", "1|2|3", "1.2", "10.5", "9", "3"],
    )
    export = read(_write(tmp_path / "q.csv", rows))
    assert [c.key for c in export.columns if c.kind == "meta"] == [
        "response_id", "Q1_DO", "Q9_First Click", "Q9_Page Submit", "Q7_NPS_GROUP"]
    assert [c.key for c in export.columns if c.kind != "meta"] == ["Q1", "Q2"]


def test_unreadable_times_and_durations_are_located_problems(tmp_path: Path) -> None:
    rows = _three_rows(
        ["StartDate", "EndDate", "Duration (in seconds)", "ResponseId", "Q1"],
        ["Start Date", "End Date", "Duration (in seconds)", "Response ID", "岗位"],
        ["startDate", "endDate", "duration", "_recordId", "QID1"],
        ["2024-03-04 09:12:05", "3/4/2024 9:15:40 AM", "215", "R_1", "经理"],
        ["yesterday", "2024-03-04 09:15:40", "long", "R_2", "经理"],
    )
    with pytest.raises(SurveyFileError) as info:
        read(_write(tmp_path / "q.csv", rows))
    found = {(p.row, p.column, p.found) for p in info.value.problems}
    assert found == {(5, "StartDate", "yesterday"), (5, "Duration (in seconds)", "long")}
    rows[4] = ["2024-03-04 10:00:00", "2024年3月4日 10:05", "300.5", "R_2", "经理"]
    data = read(_write(tmp_path / "q.csv", rows)).data
    assert data["submitted_at"].tolist() == ["2024-03-04 09:15:40", "2024-03-04 10:05:00"]
    assert data["duration_s"].tolist() == ["215", "300.5"]
