"""Fuzz every export reader: whatever the file holds, only casekit errors come out.

For each reader module (问卷星, 腾讯问卷, Qualtrics, LimeSurvey, SPSS, plain) and for
``read_export`` with platform detection: arbitrary bytes saved as ``.csv``/``.xlsx``/``.sav``/
``.zip``, arbitrary tables of text (some with platform-like headers) saved as CSV or XLSX,
zip archives around such tables, and SPSS files with random variables and value labels. A read
either raises a :class:`~casekit.exceptions.CasekitError` or returns a
:class:`~casekit.surveys.SurveyExport` that keeps the model's conventions. Reader modules
not present yet are skipped.

Readers turn *any* exception into a :class:`~casekit.exceptions.SurveyFileError` (their
contract), so a crash inside a reader (a ``KeyError`` in its own code) would pass as "a bad
file": the shared guard marks such failures with ``found`` starting ``"internal error: "``, and
:func:`_check` fails on those and on any ``found`` that is an exception's text
(``"KeyError: 'x'"``); problems about the file say what was expected and found in words.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.exceptions import CasekitError, SurveyFileError
from casekit.surveys._io import read_grid
from casekit.surveys._parse import INTERNAL_ERROR
from casekit.surveys import platform_ids
from casekit.surveys.model import STATUSES, SurveyExport

READERS = ("wjx", "tencent", "qualtrics", "limesurvey", "spss", "plain")
TARGETS = (*READERS, "read_export")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

_counter = itertools.count()


def _reader(target: str) -> Callable[[Path], SurveyExport]:
    """The ``read`` of a reader module (skipped when absent), or ``read_export``."""
    if target == "read_export":
        for name in READERS:
            pytest.importorskip(f"casekit.surveys.{name}")
        return importlib.import_module("casekit.surveys").read_export
    return pytest.importorskip(f"casekit.surveys.{target}").read


#: A problem's ``found`` that is an exception's text, not a description of the file.
_EXCEPTION_TEXT = re.compile(r"^[A-Za-z_.]*(?:Error|Exception|Warning)\b:")


def _bugs(exc: SurveyFileError) -> list[str]:
    """The problems of ``exc`` that come from a crash in casekit, not from the file."""
    return [str(p) for p in exc.problems if p.found.startswith(INTERNAL_ERROR) or _EXCEPTION_TEXT.match(p.found)]


def _check(read: Callable[[Path], SurveyExport], path: Path) -> None:
    try:
        export = read(path)
    except SurveyFileError as exc:
        assert not _bugs(exc), f"a reader crashed on {path.name}: {_bugs(exc)}\n{path.read_bytes()[:2000]!r}"
        return
    except CasekitError:
        return
    assert isinstance(export, SurveyExport)
    keys = [c.key for c in export.columns]
    assert len(set(keys)) == len(keys)
    assert export.data.shape == export.status.shape == (len(export.rows), len(keys))
    assert list(export.data.columns) == keys == list(export.status.columns)
    assert export.platform in platform_ids()
    assert set(export.status.to_numpy().ravel()) <= set(STATUSES)
    assert all(isinstance(v, str) for v in export.data.to_numpy().ravel())


def _path(tmp_path: Path, suffix: str) -> Path:
    return tmp_path / f"f{next(_counter)}{suffix}"


# ------------------------------------------------------------------------------------------
# strategies

PLATFORM_HEADERS = {
    "wjx": ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的岗位", "2、您所在的地市",
            "3、(我能说清主推产品的资费和套餐)", "4、您最常向客户推荐哪些产品？(商务领航)", "4、(其他〖〗)",
            "5、(填空1)", "第3题(拜访时我习惯先讲价格优惠)", "自定义字段", "微信昵称", "", "source"],
    "tencent": ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置省", "地理位置市", "IP",
                "1.您的岗位", "3.请评价以下说法:我能说清主推产品的资费和套餐", "4.您最常向客户推荐哪些产品？:商务领航",
                "2.几点上班(例如 8:30)", "2.几点上班(例如 8:30)[选项填空]", "5.时段(9:00)_填空1", "5.时段(9:00):甲"],
    "qualtrics": ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                  "RecordedDate", "ResponseId", "Q1", "Q3_1", "Q3_2", "Q4", "Q4_4_TEXT", "Q5_1", "V1", "V2",
                  "ResponseID", '{"ImportId":"QID3_1"}', '{"ImportId":"startDate","timeZone":"Asia/Shanghai"}',
                  "QID6#1_1", "QID6#2_1_TEXT", "QID8_1_1", "1_QID3", "2_QID3_TEXT", "Q6#1_1", "1_Q3", "QID9_x1"],
    "limesurvey": ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr",
                   "Q1", "Q2", "Q3[SQ001]", "Q3[SQ002]", "Q4[1]", "Q4[other]", "Q5[1]", "Q5[2]", "Response ID",
                   "Date submitted", "回复 ID"],
    "spss": ["ResponseId", "Q1", "Q3_1"],
}
CELLS = ["", "(跳过)", "（空）", "-3", "-2", "1", "2", "3", "非常符合", "一般", "商务领航┋混合组网", "其他〖云存储〗",
         "客户现场→路上→办公室", "2008/9/12 10:01:02", "95秒", "1.2.3.4(河北-保定)", "A1", "Y", "-99", "N/A", "1,3",
         '{"ImportId":"QID1"}', "SQ001", "A2", "0", "13912345678", "2024年3月5日", "0:01:35", "'=1", "'", "3/5/2024 1:02 PM"]

cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    """A header (platform-like or arbitrary) and some rows of text, of ragged width."""
    platform = draw(st.sampled_from([*PLATFORM_HEADERS, None]))
    pool = PLATFORM_HEADERS.get(platform, [])
    head_cell = st.one_of(st.sampled_from(pool), cell) if pool else cell
    width = draw(st.integers(1, 8))
    header = draw(st.lists(head_cell, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=6))
    if platform == "qualtrics" and draw(st.booleans()):  # the three-row layout
        rows = [[draw(cell) for _ in header], [json.dumps({"ImportId": h}) for h in header], *rows]
    return [header, *rows]


#: Real exports (every platform's CSV fixtures) to mutate: rows of cells and delimiter.
SEEDS: dict[str, tuple[list[list[str]], str]] = {
    p.relative_to(Path(__file__).parent).as_posix(): (g.rows, g.delimiter or ",")
    for p in sorted((Path(__file__).parent / "fixtures" / "exports").glob("*/*.csv"))
    for g in [read_grid(p)]
}


@st.composite
def mutated_exports(draw: st.DrawFn, platform: str | None = None) -> tuple[list[list[str]], str]:
    """A real export (of ``platform`` when it has CSV fixtures) with a few cells, rows or columns
    changed, dropped or repeated."""
    own = sorted(k for k in SEEDS if f"/{platform}/" in k)
    rows, delimiter = SEEDS[draw(st.sampled_from(own or sorted(SEEDS)))]
    rows = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["cell", "cell", "drop_cell", "drop_row", "repeat_row", "truncate", "drop_column"]))
        if not rows:
            break
        r = draw(st.integers(0, len(rows) - 1))
        width = max(len(rows[r]), 1)
        c = draw(st.integers(0, width - 1))
        if op == "cell":
            rows[r][c:c + 1] = [draw(cell)]
        elif op == "drop_cell":
            del rows[r][c:c + 1]
        elif op == "drop_row":
            del rows[r]
        elif op == "repeat_row":
            rows.insert(r, list(rows[r]))
        elif op == "truncate":
            del rows[r:]
        else:
            for row in rows:
                del row[c:c + 1]
    return rows, delimiter


def _csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


# ------------------------------------------------------------------------------------------
# tests


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".zip"]))
def test_arbitrary_bytes(target: str, data: bytes, suffix: str, tmp_path_factory: pytest.TempPathFactory):
    read = _reader(target)
    path = _path(tmp_path_factory.getbasetemp(), suffix)
    path.write_bytes(data)
    _check(read, path)


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(rows=tables(), delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_arbitrary_tables_as_csv(target: str, rows: list[list[str]], delimiter: str, encoding: str,
                                 tmp_path_factory: pytest.TempPathFactory):
    read = _reader(target)
    path = _path(tmp_path_factory.getbasetemp(), ".csv")
    path.write_bytes(_csv_bytes(rows, delimiter, encoding))
    _check(read, path)


@pytest.mark.parametrize("target", TARGETS)
@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-8-sig", "gb18030"]))
def test_mutated_real_exports(target: str, data: st.DataObject, encoding: str,
                              tmp_path_factory: pytest.TempPathFactory):
    read = _reader(target)
    rows, delimiter = data.draw(mutated_exports(target))
    path = _path(tmp_path_factory.getbasetemp(), ".csv")
    path.write_bytes(_csv_bytes(rows, delimiter, encoding))
    _check(read, path)


@pytest.mark.parametrize("target", TARGETS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=tables())
def test_arbitrary_tables_as_xlsx(target: str, rows: list[list[str]], tmp_path_factory: pytest.TempPathFactory):
    openpyxl = pytest.importorskip("openpyxl")
    read = _reader(target)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        # openpyxl refuses control characters in cells; the fuzz is about the layout here
        sheet.append([c if c.isprintable() else repr(c) for c in row])
    path = _path(tmp_path_factory.getbasetemp(), ".xlsx")
    book.save(path)
    _check(read, path)


@pytest.mark.parametrize("target", ["tencent", "read_export"])
@FUZZ
@given(members=st.lists(st.tuples(st.sampled_from(["答卷.csv", "a/第1页.csv", "说明.txt", "x.xlsx", "__MACOSX/._a.csv"]),
                                  st.one_of(tables().map(lambda r: _csv_bytes(r, ",", "utf-8-sig")),
                                            st.binary(max_size=200))),
                        max_size=3, unique_by=lambda m: m[0]))
def test_zip_archives(target: str, members: list[tuple[str, bytes]], tmp_path_factory: pytest.TempPathFactory):
    read = _reader(target)
    path = _path(tmp_path_factory.getbasetemp(), ".zip")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    _check(read, path)


@pytest.mark.parametrize("target", ["spss", "read_export"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    columns=st.lists(st.sampled_from(["ResponseId", "Q1", "Q2", "Q3_1", "Q3_2", "Q4_1", "Q4_2", "Q5", "Q6", "q7"]),
                     min_size=1, max_size=5, unique=True),
    data=st.data(),
)
def test_spss_files_with_random_variables(target: str, columns: list[str], data: st.DataObject,
                                          tmp_path_factory: pytest.TempPathFactory):
    pyreadstat = pytest.importorskip("pyreadstat")
    pd = pytest.importorskip("pandas")
    read = _reader(target)
    n = data.draw(st.integers(0, 5))
    frame = {}
    labels = {}
    texts = {}
    for name in columns:
        if data.draw(st.booleans()):
            frame[name] = data.draw(st.lists(st.one_of(st.none(), st.sampled_from([-3.0, -2.0, 1.0, 2.0, 3.0, 4.5])),
                                             min_size=n, max_size=n))
            if data.draw(st.booleans()):
                labels[name] = {1.0: "非常不符合", 2.0: "一般", 3.0: "非常符合", -3.0: "跳过"}
        else:
            frame[name] = data.draw(st.lists(st.text(alphabet="ab 非常符合12-", max_size=6), min_size=n, max_size=n))
        texts[name] = data.draw(st.sampled_from(["", "您的岗位", "请评价 - 我能说清资费", "Q3：拜访时先讲价格"]))
    df = pd.DataFrame(frame)
    path = _path(tmp_path_factory.getbasetemp(), ".sav")
    try:
        pyreadstat.write_sav(df, str(path), column_labels=[texts[c] for c in df.columns],
                             variable_value_labels=labels)
    except Exception:  # noqa: BLE001 - pyreadstat rejects some frames (e.g. all-None columns)
        return
    _check(read, path)


def test_check_fails_on_a_crash_inside_a_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A bug inside a reader is reported as an internal error, and the fuzz check catches it."""
    from casekit.surveys import wjx

    def broken(self):
        return {}["no such key"]

    monkeypatch.setattr(wjx._Reader, "run", broken)
    path = tmp_path / "a.csv"
    path.write_text("序号,1、岗位\n1,a\n", encoding="utf-8")
    with pytest.raises(SurveyFileError) as info:
        wjx.read(path)
    assert info.value.problems[0].found == f"{INTERNAL_ERROR}KeyError: 'no such key'"
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(AssertionError, match="a reader crashed"):
        _check(wjx.read, path)


def test_check_accepts_problems_about_the_file(tmp_path: Path):
    from casekit.surveys import wjx

    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    _check(wjx.read, path)  # an unreadable workbook is the file's problem, not a crash
