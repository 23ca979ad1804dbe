"""plain.py: any CSV/XLSX with one header row (the fallback reader)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from casekit.exceptions import SurveyFileError
from casekit.surveys import plain, read_export
from casekit.surveys._io import Grid

UNSEEN = Path(__file__).parent / "fixtures" / "questionnaires" / "unseen" / "kefu_training_needs.csv"


def _csv(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_numbered_headers_give_question_keys_and_matrix_rows(tmp_path: Path):
    path = _csv(tmp_path, "编号,1.您的岗位,2、服务意识—我会主动询问,2、服务意识—我能说清资费,Q3,所在班组（部门）\n"
                          "A1,客户经理,同意,一般,5,投诉组\n")
    exp = plain.read(path)
    assert [c.key for c in exp.columns] == ["编号", "Q1", "Q2_1", "Q2_2", "Q3", "所在班组_部门"]
    q1, q21, q22 = exp.column("Q1"), exp.column("Q2_1"), exp.column("Q2_2")
    assert (q1.question_no, q1.stem, q1.sub_item) == (1, "您的岗位", None)
    assert (q21.question_no, q21.stem, q21.sub_item) == (2, "服务意识", "我会主动询问")
    assert q22.sub_item == "我能说清资费"
    assert exp.column("编号").question_no is None
    assert {c.kind for c in exp.columns} == {"open"}
    assert exp.platform == "plain" and exp.value_labels == {}


def test_q_prefixed_sub_columns_and_repeated_or_blank_headers(tmp_path: Path):
    path = _csv(tmp_path, "Q5_1,Q5_2,备注,备注,,Response ID\n1,2,a,b,c,r1\n")
    exp = plain.read(path)
    assert [c.key for c in exp.columns] == ["Q5_1", "Q5_2", "备注", "备注_2", "col5", "response_id"]
    assert exp.data.iloc[0].tolist() == ["1", "2", "a", "b", "c", "r1"]


def test_cells_are_text_cleaned_and_statuses_follow_blanks(tmp_path: Path):
    path = _csv(tmp_path, "电话,得分,意见\n'03118601234,  7 ,\n\t13912345678,,\"两行\n意见\"\n")
    exp = plain.read(path)
    assert exp.data["电话"].tolist() == ["03118601234", "13912345678"]
    assert exp.data["得分"].tolist() == ["7", ""]
    assert exp.status["得分"].tolist() == ["answered", "empty"]
    assert exp.data["意见"].tolist() == ["", "两行\n意见"]
    assert exp.status.shape == exp.data.shape


def test_rows_are_file_lines_skipping_blank_lines(tmp_path: Path):
    path = _csv(tmp_path, "\n\n编号,意见\n1,\"第一行\n第二行\"\n\n2,好\n")
    exp = plain.read(path)
    assert exp.rows == (4, 7)
    assert exp.data["编号"].tolist() == ["1", "2"]


def test_extra_cells_under_a_blank_header_are_kept(tmp_path: Path):
    exp = plain.read(_csv(tmp_path, "a,b\n1,2,3\n4,5\n"))
    assert [c.key for c in exp.columns] == ["a", "b", "col3"]
    assert exp.data["col3"].tolist() == ["3", ""]


def test_gbk_csv_and_semicolons(tmp_path: Path):
    exp = plain.read(_csv(tmp_path, "编号;1.满意度\n1;非常满意\n", encoding="gbk"))
    assert exp.encoding == "gb18030"
    assert exp.data["Q1"].tolist() == ["非常满意"]


def test_xlsx(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "1.您的岗位", "2.得分"])
    sheet.append([1001, "客户经理", 5])
    sheet.append([None, None, None])
    sheet.append([1002, "支撑人员", 4.5])
    path = tmp_path / "export.xlsx"
    book.save(path)
    exp = plain.read(path)
    assert exp.encoding is None
    assert exp.data.values.tolist() == [["1001", "客户经理", "5"], ["1002", "支撑人员", "4.5"]]
    assert exp.rows == (2, 4)


def test_empty_and_blank_files_are_problems(tmp_path: Path):
    with pytest.raises(SurveyFileError, match="an empty file"):
        plain.read(_csv(tmp_path, ""))
    with pytest.raises(SurveyFileError, match="expected a header row naming the columns, found 'only blank rows'"):
        plain.read(_csv(tmp_path, ",,\n ,\n", name="blank.csv"))
    with pytest.raises(SurveyFileError, match="an existing file"):
        plain.read(tmp_path / "missing.csv")


def test_header_only_gives_no_responses(tmp_path: Path):
    exp = plain.read(_csv(tmp_path, "编号,1.满意度\n"))
    assert exp.data.shape == (0, 2) and exp.status.shape == (0, 2) and exp.rows == ()


def test_sniff_matches_any_non_blank_grid():
    assert plain.sniff(Grid([["a"]], [1], "utf-8", ","))
    assert not plain.sniff(Grid([["", " "], []], [1, 2], "utf-8", ","))


def test_question_number_and_slug():
    assert plain.question_number("12．您的建议") == (12, "您的建议")
    assert plain.question_number("q7") == (7, "")
    assert plain.question_number("1.5分以上") is None
    assert plain.question_number("2008年业绩") is None
    assert plain.slug("Response ID") == "response_id"
    assert plain.slug("！？") == ""


def test_read_export_with_platform_plain():
    exp = read_export(UNSEEN, platform="plain")
    assert exp.data.shape == (40, 16)
    assert exp.column("Q3_2").stem == "投诉处理信心"


def test_tidy_of_a_plain_export(tmp_path: Path):
    exp = plain.read(_csv(tmp_path, "编号,1.满意度\n1,满意\n2,\n"))
    tidy = exp.tidy()
    assert tidy["key"].tolist() == ["编号", "Q1", "编号", "Q1"]
    assert tidy["status"].tolist() == ["answered", "answered", "answered", "empty"]
