"""腾讯问卷 exports: the reference questionnaire as .csv and .zip, layout variants, problems."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.exceptions import SurveyFileError
from casekit.surveys import detect_platform, read_export
from casekit.surveys._io import read_grid
from casekit.surveys._parse import DATETIME_EXPECTED, DURATION_EXPECTED
from casekit.surveys.tencent import read, sniff

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
FIXTURES = EXPORTS / "tencent"
CSV = FIXTURES / "reference.csv"
ZIP = FIXTURES / "reference.zip"
REFERENCE_TEXT = CSV.read_bytes().decode("utf-8-sig")

#: detect_platform tries these readers before 腾讯问卷 on a CSV; until they exist it cannot run.
_EARLIER = ("qualtrics", "limesurvey")
needs_dispatch = pytest.mark.skipif(
    any(importlib.util.find_spec(f"casekit.surveys.{m}") is None for m in _EARLIER),
    reason="detect_platform needs the qualtrics and limesurvey readers (written separately)",
)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A tidy table as its CSV text reads back, to compare with the reference file."""
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str, keep_default_na=False)


def _reference() -> pd.DataFrame:
    return pd.read_csv(EXPORTS / "reference_tidy.csv", dtype=str, keep_default_na=False)


def _write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _cells(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text, newline="")))


def _rewrite(cells: list[list[str]]) -> str:
    def line(row: list[str]) -> str:
        return ",".join('"' + c.replace('"', '""') + '"' for c in row) + ",\n"

    return "".join(line(r[:-1] if r and r[-1] == "" else r) for r in cells)


# --------------------------------------------------------------------------- the reference


@pytest.mark.parametrize("path", [CSV, ZIP], ids=["csv", "zip"])
def test_reference_export_gives_the_reference_tidy_table(path):
    export = read(path)
    assert export.platform == "tencent"
    pd.testing.assert_frame_equal(_as_text(export.tidy()), _reference())


@needs_dispatch
@pytest.mark.parametrize("path", [CSV, ZIP], ids=["csv", "zip"])
def test_read_export_detects_tencent(path):
    assert detect_platform(path) == "tencent"
    pd.testing.assert_frame_equal(_as_text(read_export(path).tidy()), _reference())


def test_zip_is_routed_to_tencent_without_reading_it():
    assert detect_platform(ZIP) == "tencent"


def test_metadata_is_parsed():
    export = read(CSV)
    meta = export.data.iloc[0]
    assert meta["response_id"] == "1"
    assert meta["started_at"] == "2024-03-05 09:12:03"
    assert meta["submitted_at"] == "2024-03-05 09:15:15"
    assert meta["duration_s"] == "192"
    assert meta["ip"] == "106.115.10.21"
    assert meta["ip_region"] == "河北-保定"
    assert meta["user_id"] == "oQ7x25Kk1"
    assert meta["source_detail"] == "bd-hebei"
    assert export.column("started_at").header == "开始答题时间"
    assert all(c.kind == "meta" for c in export.columns[:8])
    assert "UA" not in [c.header for c in export.columns]  # platform bookkeeping is not kept
    assert export.rows == (2, 3, 4, 5)  # response 4's two-line answer ends on line 6
    assert export.encoding == "utf-8-sig"


def test_columns_are_described_once():
    export = read(CSV)
    assert export.column("Q1").options == ("政企客户经理", "支撑人员", "销售管理人员")
    assert export.column("Q3_2").sub_item == "拜访时我习惯先讲价格优惠"
    assert export.column("Q3_2").stem == "请评价以下说法与您的符合程度"
    assert export.column("Q4").kind == "multi"
    assert export.column("Q4").options == ("商务领航", "宽带监控", "混合组网", "其他")
    assert export.column("Q4_other").sub_item == "其他"
    assert export.column("Q5").kind == "rank"
    assert export.column("Q6").kind == "number"
    assert export.data["Q8"].tolist() == ["13912345678", "03118601234", "010-62345678", ""]
    assert all(isinstance(v, str) for v in export.data.to_numpy().ravel())


def test_sniff_recognises_tencent_and_not_others():
    assert sniff(read_grid(CSV))
    wjx = _write_grid([["序号", "提交答卷时间", "所用时间", "1、您的岗位"], ["1", "2024/3/5 9:12:03", "95秒", "A"]])
    assert not sniff(wjx)
    assert not sniff(_write_grid([]))


def _write_grid(rows):
    from casekit.surveys._io import Grid

    return Grid(rows, list(range(1, len(rows) + 1)), "utf-8", ",")


# --------------------------------------------------------------------------- layout variants


def test_gbk_without_bom_reads_the_same(tmp_path):
    path = _write(tmp_path, REFERENCE_TEXT, encoding="gbk")
    export = read(path)
    assert export.encoding == "gb18030"
    pd.testing.assert_frame_equal(_as_text(export.tidy()), _reference())


def test_multiple_choice_as_1_0_flags_folds_the_same(tmp_path):
    cells = _cells(REFERENCE_TEXT)
    q4 = [j for j, h in enumerate(cells[0]) if h.startswith("4.") and not h.endswith("[选项填空]")]
    for row in cells[1:]:
        for j in q4:
            row[j] = "1" if row[j] else "0"
    export = read(_write(tmp_path, _rewrite(cells)))
    pd.testing.assert_frame_equal(_as_text(export.tidy()), _reference())


def test_segments_of_one_export_in_a_zip_are_concatenated(tmp_path):
    cells = _cells(REFERENCE_TEXT)
    first, second = _rewrite(cells[:3]), _rewrite([cells[0], *cells[3:]])
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("13579246_seg_2.csv", "\ufeff" + second)
        archive.writestr("13579246_seg_1.csv", "\ufeff" + first)
        archive.writestr("__MACOSX/._13579246_seg_1.csv", b"\x00\x05junk")
    export = read(path)
    pd.testing.assert_frame_equal(_as_text(export.tidy()), _reference())


def test_durations_times_and_region_variants(tmp_path):
    text = (
        '"编号","开始答题时间","结束答题时间","答题时长","IP","1.您的岗位",\n'
        '"1","02-Feb-2021 20:26:58","2021/2/2 20:30:10","3分12秒","1.2.3.4(广东-深圳)","A、男",\n'
        '"2","","","1小时0分5秒","","B、女",\n'
    )
    export = read(_write(tmp_path, text))
    assert export.data["started_at"].tolist() == ["2021-02-02 20:26:58", ""]
    assert export.data["submitted_at"].tolist() == ["2021-02-02 20:30:10", ""]
    assert export.data["duration_s"].tolist() == ["192", "3605"]
    assert export.data["ip"].tolist() == ["1.2.3.4", ""]
    assert export.data["ip_region"].tolist() == ["广东-深圳", ""]
    assert export.data["Q1"].tolist() == ["男", "女"]  # 、 after the letter too


def test_single_choice_write_in_and_fill_in_blanks(tmp_path):
    text = (
        '"编号","开始答题时间","1.您的岗位","1.您的岗位[选项填空]","2.您的地址：_填空1","2.您的地址：_填空2",\n'
        '"1","","A.客户经理","","河北","保定",\n'
        '"2","","D.其他","网格长","河北","",\n'
    )
    export = read(_write(tmp_path, text))
    assert export.data["Q1"].tolist() == ["客户经理", "其他"]
    assert export.data["Q1_other"].tolist() == ["", "网格长"]
    assert export.column("Q1_other").sub_item == "其他"
    assert export.column("Q2_2").sub_item == "填空2"
    assert export.status["Q2_2"].tolist() == ["answered", "empty"]


def test_open_text_keeps_a_letter_unless_every_answer_has_one(tmp_path):
    text = '"编号","开始答题时间","1.建议",\n"1","","A.先讲方案",\n"2","","多走访",\n'
    assert read(_write(tmp_path, text)).data["Q1"].tolist() == ["A.先讲方案", "多走访"]


def test_numeric_matrix_is_not_mistaken_for_a_ranking(tmp_path):
    text = (
        '"编号","开始答题时间","3.符合程度:甲","3.符合程度:乙",\n'
        '"1","","4","4",\n"2","","5","2",\n"3","","1","2",\n'
    )
    export = read(_write(tmp_path, text))
    assert [c.key for c in export.columns if c.kind == "matrix"] == ["Q3_1", "Q3_2"]
    assert export.data["Q3_1"].tolist() == ["4", "5", "1"]


# --------------------------------------------------------------------------- problems


def test_zip_without_csv_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no data")
    with pytest.raises(SurveyFileError, match=r"expected a \.zip holding the questionnaire's \.csv export, found 'readme\.txt'"):
        read(path)


def test_corrupt_zip_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SurveyFileError, match="a readable .zip archive"):
        read(path)


def test_every_problem_is_reported_at_once_with_its_place(tmp_path):
    text = (
        '"编号","开始答题时间","答题时长","1.您的岗位",\n'
        '"1","yesterday","3分12秒","A.客户经理",\n'
        '"2","2024-03-05 10:01:40","long","B.支撑人员",\n'
        '"3","2024-03-05 10:01:40","20","C.管理","","extra",\n'
        '"4","2024-03-05 10:01:40","20","C.管理","oops"\n'
    )
    with pytest.raises(SurveyFileError) as caught:
        read(_write(tmp_path, text))
    found = {(p.row, p.column, p.expected) for p in caught.value.problems}
    assert found == {
        (4, None, "5 cells as in the header row"),
        (1, "<column 5>", "a header for every column holding answers"),
        (2, "开始答题时间", DATETIME_EXPECTED),
        (3, "答题时长", DURATION_EXPECTED),
    }
    assert "4 problems found" in str(caught.value)
    assert all(p.file == "export.csv" for p in caught.value.problems)


def test_a_file_that_is_not_a_tencent_export_is_refused(tmp_path):
    path = _write(tmp_path, "name,score\n张三,5\n")
    with pytest.raises(SurveyFileError, match="question columns named 'n.题干'"):
        read(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("binary.csv", bytes(range(256)) * 4),
        ("broken.xlsx", b"PK\x03\x04garbage"),
        ("missing.csv", None),
        ("odd.dat", "\ufeff编号,开始答题时间\n".encode()),
    ],
)
def test_unreadable_input_raises_survey_file_error_only(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SurveyFileError):
        read(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".zip", ".xlsx"]))
def test_random_bytes_never_raise_anything_but_survey_file_error(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(REFERENCE_TEXT.encode()[: len(data)] + data if data[:1] == b"\x00" else data)
    try:
        read(path)
    except SurveyFileError:
        pass


# --------------------------------------------------------------------------- colons, shared parsing


def test_an_ascii_colon_in_a_lone_stem_does_not_make_a_matrix(tmp_path):
    text = (
        '"编号","开始答题时间","结束答题时间","1.您的岗位","2.您每天几点上班(例如 8:30)",'
        '"3.几点下班(例如 17:30)","3.几点下班(例如 17:30)[选项填空]","4.时段(如 9:00)_填空1","4.时段(如 9:00)_填空2",'
        '"5.说法:甲(8:30前)","5.说法:乙(8:30后)",\n'
        '"1","2024-03-05 09:12:03","2024-03-05 09:15:15","A.客户经理","8:30","A.其他","18:00","9:00","12:00","一般","比较符合",\n'
    )
    export = read(_write(tmp_path, text))
    q2 = export.column("Q2")
    assert (q2.kind, q2.stem, q2.sub_item) == ("open", "您每天几点上班(例如 8:30)", None)
    assert export.data["Q2"].tolist() == ["8:30"]
    assert export.column("Q3").stem == "几点下班(例如 17:30)"
    assert export.data["Q3_other"].tolist() == ["18:00"]
    assert [export.column(k).sub_item for k in ("Q4_1", "Q4_2")] == ["填空1", "填空2"]
    assert export.column("Q4_1").stem == "时段(如 9:00)"
    assert [export.column(k).sub_item for k in ("Q5_1", "Q5_2")] == ["甲(8:30前)", "乙(8:30后)"]
    assert export.column("Q5_1").stem == "说法"
    assert "Q2_1" not in export.data.columns


def test_times_and_durations_are_read_as_in_every_reader(tmp_path):
    text = (
        '"编号","开始答题时间","结束答题时间","答题时长","1.您的岗位",\n'
        '"1","2024年3月5日 9:12:03","2024/3/5 9:15","1小时2分5秒","A.经理",\n'
        '"2","05-Mar-2024 09:12:03","2024-03-05T09:15:15","192.0","A.经理",\n'
    )
    data = read(_write(tmp_path, text)).data
    assert data["started_at"].tolist() == ["2024-03-05 09:12:03", "2024-03-05 09:12:03"]
    assert data["submitted_at"].tolist() == ["2024-03-05 09:15:00", "2024-03-05 09:15:15"]
    assert data["duration_s"].tolist() == ["3725", "192"]


def test_a_write_in_column_without_its_choice_column_is_kept(tmp_path):
    # found by the fuzz test: the export had one row but no column, and a wrong shape
    text = '"编号","开始答题时间","2.几点上班(例如 8:30)[选项填空]",\n"1","2024-03-05 09:12:03","(跳过)",\n'
    export = read(_write(tmp_path, text))
    assert export.data.shape == export.status.shape == (1, 3)
    other = export.column("Q2_other")
    assert (other.kind, other.stem, other.sub_item) == ("other", "几点上班(例如 8:30)", "其他")
    assert export.status["Q2_other"].tolist() == ["skipped"]

