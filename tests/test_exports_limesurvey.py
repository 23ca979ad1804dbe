"""LimeSurvey CSV exports: ``;`` or ``,``, answer codes or full answers, any heading style."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import SurveyFileError
from casekit.surveys import detect_platform, read_export
from casekit.surveys.limesurvey import read

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
HERE = EXPORTS / "limesurvey"
TEXT_FILES = ["full_answers_semicolon.csv", "full_headings_full_answers.csv"]
CODE_FILES = ["answer_codes_comma.csv"]
ALL_FILES = [*TEXT_FILES, *CODE_FILES, "code_headings_answer_codes.csv"]


def _expected(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPORTS / name, dtype=str, keep_default_na=False)


def _as_text(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy.astype({"question_no": str}).fillna("").astype(str)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_full_answers_give_the_reference_table(name: str) -> None:
    tidy = _as_text(read_export(HERE / name).tidy())
    pd.testing.assert_frame_equal(tidy, _expected("reference_tidy.csv"))


@pytest.mark.parametrize("name", CODE_FILES)
def test_answer_codes_give_the_reference_codes(name: str) -> None:
    tidy = _as_text(read_export(HERE / name).tidy())
    pd.testing.assert_frame_equal(tidy, _expected("reference_tidy_codes.csv"))


def test_code_headings_give_codes_and_sub_question_codes() -> None:
    """Code-only headings carry no texts: answers match, matrix rows are named by their codes."""
    tidy = _as_text(read_export(HERE / "code_headings_answer_codes.csv").tidy())
    expected = _expected("reference_tidy_codes.csv")
    cols = ["response", "key", "question_no", "value", "status"]
    pd.testing.assert_frame_equal(tidy[cols], expected[cols])
    assert tidy.loc[tidy["key"] == "Q3_2", "sub_item"].unique().tolist() == ["SQ002"]
    assert tidy.loc[tidy["key"] == "Q4_other", "sub_item"].unique().tolist() == ["其他"]


@pytest.mark.parametrize("name", ALL_FILES)
def test_detected_as_limesurvey(name: str) -> None:
    assert detect_platform(HERE / name) == "limesurvey"


def test_sub_questions_keep_their_codes() -> None:
    export = read(HERE / "answer_codes_comma.csv")
    assert export.column("Q3_1").platform_id == "Q3[SQ001]"
    assert export.column("Q4_other").platform_id == "Q4[other]"
    assert export.column("Q4").kind == "multi"
    assert export.column("Q4").options == ("商务领航", "宽带监控", "混合组网", "其他")
    assert export.column("Q5").kind == "rank"


def test_metadata_mapped_to_meta_keys() -> None:
    for name in ALL_FILES:
        data = read(HERE / name).data
        assert data.loc[1, "response_id"] == "2"
        assert data.loc[1, "submitted_at"] == "2024-03-04 10:05:30"
        assert data.loc[1, "started_at"] == "2024-03-04 10:01:00"
        assert data.loc[1, "ip"] == "27.188.5.22"
        assert data.loc[1, "lastpage"] == "3"


def test_na_is_skipped_and_blank_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "ls.csv"
    path.write_text(
        '"id";"submitdate";"lastpage";"startlanguage";"seed";"Q1";"Q2[SQ001]";"Q2[SQ002]"\n'
        '"1";"";"1";"zh-Hans";"5";"";"N/A";"N/A"\n'
        '"2";"";"1";"zh-Hans";"6";"x";"Y";""\n'
        '"3";"";"1";"zh-Hans";"7";"N/A";"";""\n',
        encoding="utf-8",
    )
    export = read(path)
    assert export.status["Q1"].tolist() == ["empty", "answered", "skipped"]
    assert export.data["Q2"].tolist() == ["", "1", ""]
    assert export.status["Q2"].tolist() == ["skipped", "answered", "empty"]


def test_ragged_rows_reported_all_at_once(tmp_path: Path) -> None:
    path = tmp_path / "ls.csv"
    path.write_text(
        '"id";"submitdate";"lastpage";"startlanguage";"seed";"Q1"\n'
        '"1";"";"1";"zh-Hans";"5"\n'
        '"2";"";"1";"zh-Hans";"6";"x"\n'
        '"3";"";"1";"zh-Hans";"7";"x";"y"\n',
        encoding="utf-8",
    )
    with pytest.raises(SurveyFileError, match=r"ls\.csv, row 2: expected 6 cells as in the header, found '5 cells'") as info:
        read(path)
    assert info.value.to_frame()["row"].tolist() == [2, 4]


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00\xd8", b'"id";"Q1"\n"unclosed', b"id\n"])
def test_any_bytes_give_survey_file_error_or_a_result(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    try:
        read(path)
    except SurveyFileError:
        pass


def test_times_and_durations_parsed_or_reported(tmp_path: Path) -> None:
    path = tmp_path / "ls.csv"
    head = '"id";"submitdate";"lastpage";"startlanguage";"seed";"startdate";"interviewtime";"Q1"\n'
    path.write_text(
        head
        + '"1";"2024-03-04 09:15:40";"1";"zh-Hans";"5";"2024年3月4日 9:12";"215.25";"x"\n'
        + '"2";"04.03.2024";"1";"zh-Hans";"6";"2024-03-04 10:00:00";"";"y"\n',
        encoding="utf-8",
    )
    with pytest.raises(SurveyFileError) as info:  # was left as "04.03.2024" without a word
        read(path)
    assert [(p.row, p.column, p.found) for p in info.value.problems] == [(3, "submitdate", "04.03.2024")]
    path.write_text(
        head + '"1";"2024-03-04 09:15:40";"1";"zh-Hans";"5";"2024年3月4日 9:12";"215.25";"x"\n', encoding="utf-8"
    )
    data = read(path).data
    assert data["started_at"].tolist() == ["2024-03-04 09:12:00"]
    assert data["duration_s"].tolist() == ["215.25"]
