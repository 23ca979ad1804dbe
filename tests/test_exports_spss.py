"""SPSS .sav files: codes with value labels kept, labels applied on request, missing values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import SurveyFileError
from casekit.surveys import detect_platform, read_export
from casekit.surveys.spss import apply_labels, read

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
SAV = EXPORTS / "spss" / "reference.sav"


def _expected(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPORTS / name, dtype=str, keep_default_na=False)


def _as_text(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy.astype({"question_no": str}).fillna("").astype(str)


def test_codes_by_default() -> None:
    export = read_export(SAV)
    assert export.platform == "spss"
    assert export.encoding is None
    pd.testing.assert_frame_equal(_as_text(export.tidy()), _expected("reference_tidy_codes.csv"))


def test_labels_applied_on_request() -> None:
    pd.testing.assert_frame_equal(_as_text(read(SAV, labels=True).tidy()), _expected("reference_tidy.csv"))
    pd.testing.assert_frame_equal(_as_text(apply_labels(read(SAV)).tidy()), _expected("reference_tidy.csv"))


def test_value_labels_kept() -> None:
    labels = read(SAV).value_labels
    assert labels["Q1"] == {"1": "政企客户经理", "2": "支撑人员", "3": "销售管理人员"}
    assert labels["Q3_2"]["5"] == "非常符合"
    assert labels["Q4"] == {"1": "商务领航", "2": "宽带监控", "3": "混合组网", "4": "其他"}
    assert labels["Q5"] == {"1": "客户现场", "2": "路上", "3": "办公室"}


def test_numbers_as_text_without_point_zero() -> None:
    data = read(SAV).data
    assert data["Q6"].tolist() == ["85", "92.5", "60", ""]
    assert data["Q8"].tolist() == ["13912345678", "03118601234", "010-62345678", ""]


def test_user_missing_skip_code_is_skipped() -> None:
    export = read(SAV)
    assert export.status["Q5"].tolist() == ["answered", "skipped", "answered", "skipped"]
    assert export.status["Q6"].tolist() == ["answered", "answered", "answered", "empty"]


def test_variable_labels_give_stems_and_items() -> None:
    export = read(SAV)
    assert export.column("Q3_1").stem == "请评价以下说法与您的符合程度"
    assert export.column("Q3_1").sub_item == "我能说清主推产品的资费和套餐"
    assert export.column("Q3_1").platform_id == "Q3_1"
    assert export.column("Q1").stem == "您的岗位"
    assert export.column("Q4").kind == "multi"
    assert export.column("Q5").kind == "rank"


def test_metadata() -> None:
    data = read(SAV).data
    assert data.loc[0, "response_id"] == "R_1aB2cD3eF4gH5iJ"
    assert data.loc[0, "started_at"] == "2024-03-04 09:12:05"
    assert data.loc[0, "duration_s"] == "215"


def test_detected_by_suffix() -> None:
    assert detect_platform(SAV) == "spss"


@pytest.mark.parametrize("content", [b"", b"not an spss file at all", b"$FL2@(#) truncated"])
def test_any_bytes_give_survey_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.sav"
    path.write_bytes(content)
    with pytest.raises(SurveyFileError, match=r"bad\.sav: expected a"):
        read(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyFileError, match="an existing file"):
        read(tmp_path / "nope.sav")
