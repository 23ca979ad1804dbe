"""Qualtrics CSV exports: both header layouts, choice-text and numeric downloads."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import SurveyFileError
from casekit.intake.exports import detect_platform, read_export
from casekit.intake.exports.qualtrics import read

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
