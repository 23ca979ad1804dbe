"""What every export reader shares: problems condensed, cells cleaned, times, durations, numbers.

``casekit.surveys.problems.condense`` and ``casekit.surveys._parse`` are used by
every reader (and by the questionnaire module for problems), ``_io`` reads every workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import Problem, SurveyFileError
from casekit.progress import Progress
from casekit.surveys import plain, read_export, wjx
from casekit.surveys._io import NUMBER_AS_TEXT, number_text, read_grid
from casekit.surveys._parse import (
    clean_cell,
    convert,
    duration_seconds,
    iso_datetime,
    slug,
)
from casekit.surveys.problems import condense

openpyxl = pytest.importorskip("openpyxl")


# --------------------------------------------------------------------------- condense


def _p(row: int | None, found: str, column: str = "1、岗位", file: str = "a.csv") -> Problem:
    return Problem(file, row, column, "a known option", found)


def test_condense_keeps_short_lists_as_they_are() -> None:
    problems = [_p(2, "x"), _p(3, "x"), _p(4, "x"), _p(2, "y", "2、地市")]
    assert condense(problems) == problems


def test_condense_groups_identical_problems_and_counts_the_rest() -> None:
    problems = [_p(r, "经 理") for r in range(2, 100_002)] + [_p(7, "y", "2、地市")]
    out = condense(problems)
    assert [(p.row, p.column, p.found) for p in out] == [
        (2, "1、岗位", "经 理"),
        (3, "1、岗位", "经 理"),
        (4, "1、岗位", "经 理"),
        (None, "1、岗位", "… and 99997 more rows with the same value '经 理'"),
        (7, "2、地市", "y"),
    ]
    assert out[3].expected == "a known option" and out[3].file == "a.csv"


def test_condense_tells_groups_apart_by_file_column_expected_and_found() -> None:
    problems = [_p(2, "x"), _p(3, "x", file="b.csv"), _p(4, "x", column="2、地市"),
                Problem("a.csv", 5, "1、岗位", "other", "x"), _p(6, "x")]
    summary = Problem("a.csv", None, "1、岗位", "a known option", "… and 1 more row with the same value 'x'")
    assert condense(problems, per_group=1) == [problems[0], summary, *problems[1:4]]


def test_condense_caps_the_list() -> None:
    problems = [_p(r, f"v{r}") for r in range(1000)]
    out = condense(problems, cap=10)
    assert len(out) == 10
    assert out[:9] == problems[:9]
    assert (out[-1].row, out[-1].column, out[-1].found) == (None, None, "… 991 more problems")
    grouped = condense([_p(r, "x") for r in range(50)] + [_p(r, f"v{r}") for r in range(20)], cap=5)
    # kept: 3 rows of "x" and their summary (47 more); the 20 others are counted
    assert [p.row for p in grouped] == [0, 1, 2, None, None]
    assert grouped[-1].found == "… 20 more problems"


def test_condense_rejects_silly_limits() -> None:
    with pytest.raises(ValueError, match="per_group"):
        condense([], per_group=0)
    with pytest.raises(ValueError, match="cap"):
        condense([], cap=1)


# --------------------------------------------------------------------------- cells, times, durations


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("\t'03118601234 ", "03118601234"), ("'=1+1", "=1+1"), ("'-3", "-3"), ("'好'", "'好'"), ("\ufeff编号", "编号"),
     ("'", "'"), ("", "")],
)
def test_clean_cell(cell: str, expected: str) -> None:
    assert clean_cell(cell) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 09:12:03", "2024-03-05 09:12:03"),
        ("2024/3/5 9:12", "2024-03-05 09:12:00"),
        ("2024/3/5", "2024-03-05 00:00:00"),
        ("2024.3.5 9:12:03", "2024-03-05 09:12:03"),
        ("2024年3月5日", "2024-03-05 00:00:00"),
        ("2024年3月5日 9:12:03", "2024-03-05 09:12:03"),
        ("2024年3月5日9:12", "2024-03-05 09:12:00"),
        ("2024-03-05T09:12:03.123Z", "2024-03-05 09:12:03"),
        ("2024-03-05 09:12:03+08:00", "2024-03-05 09:12:03"),
        ("3/5/2024 1:02:03 PM", "2024-03-05 13:02:03"),
        ("3/5/2024 12:02 AM", "2024-03-05 00:02:00"),
        ("05-Mar-2024 09:12:03", "2024-03-05 09:12:03"),
        ("2024/2/30 10:00", None),
        ("2024/3/5 25:12:33", None),
        ("3/5/2024 13:02 PM", None),
        ("yesterday", None),
        ("04.03.2024", None),
        ("", None),
    ],
)
def test_iso_datetime(text: str, expected: str | None) -> None:
    assert iso_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("95", "95"), ("95.0", "95"), ("192.50", "192.5"), ("95秒", "95"), ("1分35秒", "95"), ("1分钟35秒", "95"),
     ("3分", "180"), ("1小时2分5秒", "3725"), ("2小时", "7200"), ("95.5秒", "95.5"), ("0:01:35", "95"),
     ("abc", None), ("", None), ("-5", None), ("1:95:00", None)],
)
def test_duration_seconds(text: str, expected: str | None) -> None:
    assert duration_seconds(text) == expected


def test_convert_reports_the_cells_that_do_not_parse() -> None:
    values, bad = convert(["95秒", "", "abc", "95秒", "abc"], duration_seconds)
    assert values == ["95", "", "", "95", ""]
    assert bad == [2, 4]


def test_slug_is_shared_with_plain() -> None:
    assert plain.slug is slug
    assert slug("微信昵称") == "微信昵称"
    assert slug("Response ID") == "response_id"


@pytest.mark.parametrize("header", ["提交答卷时间", "开始时间"])
def test_chinese_dates_are_read_by_wjx_too(tmp_path: Path, header: str) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"序号,{header},所用时间,1、岗位\n1,2024年3月5日 9:12:03,0:01:35,a\n", encoding="utf-8")
    data = wjx.read(path).data
    assert data.iloc[0, 1] == "2024-03-05 09:12:03"
    assert data["duration_s"].tolist() == ["95"]


# --------------------------------------------------------------------------- workbook numbers


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("value", "text"),
    [(85.0, "85"), (-3.0, "-3"), (92.5, "92.5"), (0.0001, "0.0001"), (1e-05, "0.00001"), (0.1 + 0.2, "0.3"),
     (1 / 3, "0.333333333333333"), (123456789012.25, "123456789012.25"), (999999999999999.0, "999999999999999")],
)
def test_number_text_is_readable(value: float, text: str) -> None:
    assert number_text(value) == text


def test_ordinary_workbook_numbers_keep_a_readable_decimal(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "n.xlsx", [["电话", "比例", "得分"], [13912345678, 0.00001, 0.1 + 0.2]])
    assert read_grid(path).rows[1] == ["13912345678", "0.00001", "0.3"]


def test_id_numbers_stored_as_numbers_are_located_problems(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "ids.xlsx",
        [["序号", "提交答卷时间", "所用时间", "1、身份证号", "2、银行卡号", None],
         [1, "2024/3/5 10:12:33", "95秒", 110101199003071234, 6222020200112233445, 1234567890123456],
         [2, "2024/3/5 10:12:33", "95秒", "110101199003071234", 12345, None],
         [3, "2024/3/5 10:12:33", "95秒", 130102198501011234, 12345, None]],
    )
    for read in (wjx.read, plain.read, read_export):
        with pytest.raises(SurveyFileError) as info:
            read(path)
        got = [(p.file, p.row, p.column, p.expected) for p in info.value.problems]
        assert got == [
            ("ids.xlsx", 2, "1、身份证号", NUMBER_AS_TEXT),
            ("ids.xlsx", 2, "2、银行卡号", NUMBER_AS_TEXT),
            ("ids.xlsx", 2, "column F", NUMBER_AS_TEXT),
            ("ids.xlsx", 4, "1、身份证号", NUMBER_AS_TEXT),
        ]
        assert info.value.problems[0].found.startswith("1.1010119900307")  # as read back: digits lost


def test_four_identical_problems_are_condensed_too(tmp_path: Path) -> None:
    rows = "".join(f"{i},2024/3/5 10:12:33,abc,1.2.3.4,经理\n" for i in range(1, 5))
    path = tmp_path / "w.csv"
    path.write_text(f"序号,提交答卷时间,所用时间,来自IP,1、岗位\n{rows}", encoding="utf-8")
    with pytest.raises(SurveyFileError) as info:
        wjx.read(path)
    assert [p.row for p in info.value.problems] == [2, 3, 4, None]
    assert info.value.problems[-1].found == "… and 1 more row with the same value 'abc'"



# --------------------------------------------------------------------------- progress


class Recording(Progress):
    """A progress that keeps every report it is given: (label, count)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []

    def update(self, task) -> None:
        self.seen.append((task.label, task.count))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_large_export_reports_the_rows_read_and_reads_the_same(tmp_path: Path, suffix: str) -> None:
    header = ["序号", "所在地市", "1、您的岗位", "2、我会主动询问客户的需求"]
    rows = [[i, ("石家庄", "保定", "唐山")[i % 3], "客户经理", ("同意", "一般", "不同意")[i % 3]] for i in range(1, 10_001)]
    path = tmp_path / f"big{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(map(str, row)) for row in [header, *rows]) + "\n", encoding="utf-8")
    else:
        _workbook(path, [header, *rows])
    progress = Recording()
    shown = read_export(path, progress=progress)
    quiet = read_export(path)
    pd.testing.assert_frame_equal(shown.data, quiet.data)
    assert shown.platform == quiet.platform
    counts = [count for label, count in progress.seen if label == "读取问卷"]
    assert counts[0] == 0 and counts[-1] == 10_001  # every row of the file, the header too
    assert len(counts) > 2  # reported along the way, not only at the end
    assert [label for label, count in progress.seen if count == 0] == ["读取问卷", "整理答卷"]
    assert progress.tasks == []
