"""exports/wjx: 问卷星 按文本 / 按序号 exports, .xlsx and .csv, read into the reference tidy tables."""

from __future__ import annotations

import csv
import gc
import importlib
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from casekit.exceptions import SurveyFileError
from casekit.surveys import detect_platform, read_export, wjx
from casekit.surveys._io import read_grid

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
WJX = EXPORTS / "wjx"

TEXT_EXPORTS = [
    "reference_text.xlsx",
    "reference_text_gb18030.csv",
    "reference_old_layout.xlsx",
    "reference_option_columns.xlsx",
    "reference_option_columns_01.csv",
]
CODE_EXPORTS = [
    "reference_codes.xlsx",
    "reference_codes_utf8bom.csv",
    "reference_old_layout_codes.csv",
]
ALL_EXPORTS = TEXT_EXPORTS + CODE_EXPORTS

META = "序号,提交答卷时间,所用时间,来自IP"
META_ROW = "1,2024/3/5 10:12:33,95秒,1.2.3.4(广东-深圳)"


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand-ins for the platform readers tried before 问卷星 that are not written yet.

    ``detect_platform`` imports every reader in its sniffing order; a reader that exists is used
    as is (so a reader that wrongly claims 问卷星 files makes these tests fail).
    """
    for name in ("qualtrics", "limesurvey", "tencent", "plain"):
        module = f"casekit.surveys.{name}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            stub = types.ModuleType(module)
            stub.sniff = lambda grid: False  # type: ignore[attr-defined]
            monkeypatch.setitem(sys.modules, module, stub)


def _as_text(tidy: pd.DataFrame) -> pd.DataFrame:
    out = tidy.copy()
    out["sub_item"] = out["sub_item"].fillna("")
    question_no = out["question_no"].astype(int)
    out = out.astype(str)
    out["question_no"] = question_no
    return out


def _expected(name: str) -> pd.DataFrame:
    out = pd.read_csv(EXPORTS / name, dtype=str, keep_default_na=False)
    out["question_no"] = out["question_no"].astype(int)
    return out


def _write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- reference questionnaire


@pytest.mark.parametrize("name", TEXT_EXPORTS)
def test_text_exports_give_the_reference_tidy_table(readers, name):
    tidy = read_export(WJX / name).tidy()
    pd.testing.assert_frame_equal(_as_text(tidy), _expected("reference_tidy.csv"))


@pytest.mark.parametrize("name", CODE_EXPORTS)
def test_code_exports_give_the_reference_codes_tidy_table(readers, name):
    tidy = read_export(WJX / name).tidy()
    pd.testing.assert_frame_equal(_as_text(tidy), _expected("reference_tidy_codes.csv"))


@pytest.mark.parametrize("name", ALL_EXPORTS)
def test_platform_is_detected_as_wjx(readers, name):
    assert detect_platform(WJX / name) == "wjx"
    assert wjx.sniff(read_grid(WJX / name))
    assert wjx.read(WJX / name).platform == "wjx"


def test_other_tables_are_not_sniffed_as_wjx(tmp_path):
    plain = _write_csv(tmp_path / "plain.csv", "姓名,年龄,城市\n张三,30,保定\n")
    assert not wjx.sniff(read_grid(plain))
    numbered_without_meta = _write_csv(tmp_path / "n.csv", "姓名,1、岗位\n张三,经理\n")
    assert not wjx.sniff(read_grid(numbered_without_meta))


@pytest.mark.parametrize("name", ALL_EXPORTS)
def test_metadata_is_parsed(name):
    data = wjx.read(WJX / name).data
    assert data["response_id"].tolist() == ["1", "2", "3", "4"]
    assert data["submitted_at"].tolist()[:3] == ["2024-03-05 10:12:33", "2024-03-05 11:02:07", "2024-03-06 09:45:10"]
    assert data["duration_s"].tolist() == ["95", "200", "128", "3725"]  # 95秒, 3分20秒, 128秒, 1小时2分5秒
    assert data["ip"].tolist() == ["1.2.3.4", "223.104.3.7", "36.110.2.18", "112.224.5.9"]
    assert data["ip_region"].tolist() == ["广东-深圳", "河北-石家庄", "北京-北京", ""]
    assert data["source"].tolist()[:2] == ["微信", "手机提交"]


def test_metadata_columns_keep_their_headers_and_statuses():
    export = wjx.read(WJX / "reference_codes.xlsx")
    assert export.column("ip").header == export.column("ip_region").header == "来自IP"
    assert export.column("duration_s").kind == "meta"
    assert export.data["user_id"].tolist() == ["u1", "u2", "u3", "u4"]
    assert export.status["total_score"].tolist() == ["empty"] * 4
    assert export.status["ip_region"].tolist() == ["answered"] * 3 + ["empty"]


@pytest.mark.parametrize("name", ALL_EXPORTS)
def test_phone_numbers_keep_their_digits(name):
    q8 = wjx.read(WJX / name).data["Q8"].tolist()
    assert q8 == ["13912345678", "03118601234", "010-62345678", ""]


def test_encoding_and_rows_are_reported():
    export = wjx.read(WJX / "reference_text_gb18030.csv")
    assert export.encoding == "gb18030"
    assert export.rows == (2, 3, 4, 5)  # Q7 of response 4 spans two lines, but it is the last row
    assert wjx.read(WJX / "reference_codes_utf8bom.csv").encoding == "utf-8-sig"
    assert wjx.read(WJX / "reference_text.xlsx").encoding is None


def test_columns_are_described_once():
    export = wjx.read(WJX / "reference_text.xlsx")
    q3 = export.column("Q3_2")
    assert (q3.kind, q3.question_no, q3.stem, q3.sub_item) == ("matrix", 3, "请评价以下说法与您的符合程度", "拜访时我习惯先讲价格优惠")
    assert export.column("Q4").kind == "multi"
    assert export.column("Q4_other").kind == "other"
    assert export.column("Q5").kind == "rank"
    assert export.column("Q6").kind == "number"
    assert export.column("Q1").header == "1、您的岗位"


def test_option_columns_are_folded_into_one_column_with_their_options():
    export = wjx.read(WJX / "reference_option_columns.xlsx")
    q4 = export.column("Q4")
    assert q4.options == ("商务领航", "宽带监控", "混合组网", "其他")
    assert q4.header == "4、(商务领航)"
    assert [c.key for c in export.columns if c.question_no == 4] == ["Q4", "Q4_other"]


def test_rank_option_columns_are_read_in_rank_order():
    export = wjx.read(WJX / "reference_codes_utf8bom.csv")
    assert export.column("Q5").kind == "rank"
    assert export.data["Q5"].tolist() == ["1;2;3", "", "2;1;3", ""]
    assert export.status["Q5"].tolist() == ["answered", "skipped", "answered", "skipped"]


# --------------------------------------------------------------------------- other layouts


def test_fill_in_blanks(tmp_path):
    path = _write_csv(
        tmp_path / "blanks.csv",
        f"{META},9、联系人(填空1),9、联系人(填空2),10、(姓名),10、(电话),第11题(填空1),第11题(填空2)\n"
        f"{META_ROW},张三,0311,李四,03118601234,(跳过),x\n",
    )
    export = wjx.read(path)
    tidy = export.tidy()
    assert tidy["key"].tolist() == ["Q9_1", "Q9_2", "Q10_1", "Q10_2", "Q11_1", "Q11_2"]
    assert tidy["sub_item"].tolist() == ["填空1", "填空2", "姓名", "电话", "填空1", "填空2"]
    assert tidy["value"].tolist() == ["张三", "0311", "李四", "03118601234", "", "x"]
    assert tidy["status"].tolist()[4] == "skipped"
    assert export.column("Q9_1").stem == "联系人"
    assert {c.kind for c in export.columns if c.kind != "meta"} == {"fill"}


def test_durations_times_and_ip_variants(tmp_path):
    path = _write_csv(
        tmp_path / "meta.csv",
        "序号,提交答卷时间,所用时间,来自IP,1、岗位\n"
        "1,2024/3/5 8:02,1分35秒,1.2.3.4（广东-深圳）,a\n"
        "2,2024-03-05 10:12:33,95,,b\n"
        "3,2024/12/31 23:59:59,2小时,240e:3b0::1(广东-广州),c\n",
    )
    data = wjx.read(path).data
    assert data["submitted_at"].tolist() == ["2024-03-05 08:02:00", "2024-03-05 10:12:33", "2024-12-31 23:59:59"]
    assert data["duration_s"].tolist() == ["95", "95", "7200"]
    assert data["ip"].tolist() == ["1.2.3.4", "", "240e:3b0::1"]
    assert data["ip_region"].tolist() == ["广东-深圳", "", "广东-广州"]


def test_missing_codes_and_markers(tmp_path):
    path = _write_csv(
        tmp_path / "codes.csv",
        f"{META},1、岗位,2、说法—甲,2、说法—乙,3、地市\n"
        f"{META_ROW},-3,-2,4,（跳过）\n"
        f"{META_ROW},2,3,(空),(跳过)\n",
    )
    export = wjx.read(path)
    assert export.data[["Q1", "Q2_1", "Q2_2", "Q3"]].values.tolist() == [["", "", "4", ""], ["2", "3", "", ""]]
    # -3 跳过 (jump logic) and -2 未显示 (display logic): both skipped by the questionnaire's logic
    assert export.status[["Q1", "Q2_1", "Q2_2", "Q3"]].values.tolist() == [
        ["skipped", "skipped", "answered", "skipped"],
        ["answered", "answered", "empty", "skipped"],
    ]


def test_missing_codes_apply_to_choice_matrix_and_rank_columns_only(tmp_path):
    path = _write_csv(
        tmp_path / "r_按序号.csv",
        f"{META},1、岗位,2、说法—甲,2、说法—乙,3、产品,4、变化（%）,5、利润（万元）,6、备注,7、联系人(填空1),7、联系人(填空2)\n"
        f"{META_ROW},-2,-2,4,1┋3,-2,-3,-2,-3,x\n"
        f"{META_ROW},2,3,-3,-3,12.5,-1200,好,-2,y\n"
        f"{META_ROW},1,1,2,-2,-0.5,86,(空),z,-2\n",
    )
    export = wjx.read(path)
    assert export.data["Q4"].tolist() == ["-2", "12.5", "-0.5"]  # a number: -2 is an answer
    assert export.status["Q4"].tolist() == ["answered"] * 3
    assert export.data["Q5"].tolist() == ["-3", "-1200", "86"]
    assert export.data["Q6"].tolist() == ["-2", "好", ""]  # open: kept; (空) is still empty
    assert export.status["Q6"].tolist() == ["answered", "answered", "empty"]
    assert export.data["Q7_1"].tolist() == ["-3", "-2", "z"]  # fill-in blanks
    assert export.status["Q7_2"].tolist() == ["answered"] * 3
    assert export.status["Q1"].tolist() == ["skipped", "answered", "answered"]
    assert export.status["Q2_1"].tolist() == ["skipped", "answered", "answered"]
    assert export.status["Q2_2"].tolist() == ["answered", "skipped", "answered"]
    assert export.data["Q3"].tolist() == ["1;3", "", ""]
    assert export.status["Q3"].tolist() == ["answered", "skipped", "skipped"]


def test_negative_numbers_in_a_text_export_are_answers(tmp_path):
    path = _write_csv(
        tmp_path / "text.csv",
        f"{META},1、说法—甲,1、说法—乙,2、变化（%）\n{META_ROW},一般,比较符合,-3\n",
    )
    export = wjx.read(path)
    assert export.data["Q2"].tolist() == ["-3"]
    assert export.status["Q2"].tolist() == ["answered"]


@pytest.mark.parametrize(("name", "expected"), [("123_按序号.csv", "1;3"), ("123_按文本.csv", "甲;丙")])
def test_file_name_tells_codes_from_text_when_the_cells_do_not(tmp_path, name, expected):
    path = _write_csv(tmp_path / name, f"{META},4(甲),4(乙),4(丙)\n{META_ROW},1,0,1\n")
    assert wjx.read(path).data["Q4"].tolist() == [expected]


def test_write_ins_and_keep_as_text_prefixes(tmp_path):
    path = _write_csv(
        tmp_path / "w.csv",
        f"{META},1、岗位,2、产品,3、电话\n"
        f"{META_ROW},其他〖网格经理〗,商务领航┋其他〖〗,'03118601234\n"
        f"{META_ROW},支撑人员,(跳过),\t 0311\n",
    )
    export = wjx.read(path)
    assert export.data["Q1"].tolist() == ["其他", "支撑人员"]
    assert export.data["Q1_other"].tolist() == ["网格经理", ""]
    assert export.column("Q1_other").sub_item == "其他"
    assert export.data["Q2"].tolist() == ["商务领航;其他", ""]
    assert export.status["Q2_other"].tolist() == ["empty", "skipped"]
    assert export.data["Q3"].tolist() == ["03118601234", "0311"]


def test_an_export_without_responses_is_read(tmp_path):
    export = wjx.read(_write_csv(tmp_path / "none.csv", f"{META},1、岗位\n"))
    assert len(export.data) == 0
    assert export.tidy().empty


def test_a_generated_export_of_20000_rows_is_read(tmp_path):
    path = tmp_path / "big.csv"
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、岗位"]
    header += [f"2、说法—第{k}行" for k in range(1, 6)] + ["3、产品", "4、排序", "5、建议", "6、电话"]
    options = ["政企客户经理", "支撑人员", "(跳过)"]
    scale = ["一般", "比较符合", "(空)"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(20_000):
            writer.writerow(
                [i + 1, "2024/3/5 10:12:33", f"{i % 900}秒", "微信", "N/A", "1.2.3.4(广东-深圳)", options[i % 3]]
                + [scale[(i + k) % 3] for k in range(5)]
                + ["商务领航┋其他〖云存储〗" if i % 2 else "混合组网", "路上→客户现场", f"建议{i}", f"0{i:010d}"]
            )
    export = wjx.read(path)
    assert export.data.shape == (20_000, len(header) + 2)  # + ip_region, Q3_other
    assert export.data["Q6"].iloc[7] == "00000000007"
    assert export.data["Q3_other"].iloc[1] == "云存储"
    assert export.status["Q1"].iloc[2] == "skipped"
    assert export.rows[-1] == 20_001


# --------------------------------------------------------------------------- malformed input


def test_every_problem_is_reported_at_once(tmp_path):
    path = _write_csv(
        tmp_path / "bad.csv",
        f"{META},1、岗位,,3、—我能说清,4、产品\n"
        "1,2024/3/5 10:12:33,95秒,1.2.3.4,a,b,c,其他〖云存储\n"
        "2,2024/3/5 25:12:33,abc,1.2.3.4,a,b,c,宽带监控\n",
    )
    with pytest.raises(SurveyFileError, match=r"5 problems found") as info:
        wjx.read(path)
    problems = info.value.to_frame()
    assert problems["file"].unique().tolist() == ["bad.csv"]
    located = set(zip(problems["row"], problems["column"], problems["found"]))
    assert (1, "column 6", "an empty header") in located  # answers under a blank header
    assert (1, "3、—我能说清", "3、—我能说清") in located
    assert (2, "4、产品", "其他〖云存储") in located
    assert (3, "提交答卷时间", "2024/3/5 25:12:33") in located
    assert (3, "所用时间", "abc") in located
    assert problems["expected"].str.len().gt(0).all()


def test_unbalanced_write_in_is_reported(tmp_path):
    path = _write_csv(tmp_path / "w.csv", f"{META},1、岗位\n{META_ROW},其他〗网格〖\n")
    with pytest.raises(SurveyFileError, match=r"row 2, column '1、岗位': expected a write-in like 其他〖…〗"):
        wjx.read(path)


def test_matrix_rows_must_share_a_stem(tmp_path):
    path = _write_csv(tmp_path / "m.csv", f"{META},3、甲说法,3、乙说法\n{META_ROW},一般,一般\n")
    with pytest.raises(SurveyFileError, match=r"column '3、甲说法': expected matrix rows '3、题干—行标题'") as info:
        wjx.read(path)
    assert len(info.value.problems) == 2


def test_columns_of_one_question_must_be_together_and_in_one_layout(tmp_path):
    path = _write_csv(tmp_path / "q.csv", f"{META},1、岗位,2、甲,1、岗位2,5、(甲),5、题干—乙\n{META_ROW},a,b,c,1,d\n")
    with pytest.raises(SurveyFileError) as info:
        wjx.read(path)
    found = info.value.to_frame()
    assert "question 1 again after '1、岗位'" in found["found"].tolist()
    assert set(found["column"]) == {"1、岗位2", "5、(甲)", "5、题干—乙"}


def test_rows_with_the_wrong_number_of_cells_are_reported(tmp_path):
    path = _write_csv(tmp_path / "r.csv", f"{META},1、岗位\n1,2024/3/5 10:12:33\n{META_ROW},a,b\n")
    with pytest.raises(SurveyFileError) as info:
        wjx.read(path)
    assert [(p.row, p.found) for p in info.value.problems] == [(2, "2 cells"), (3, "6 cells")]


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("empty.csv", b"  \n\n", "an empty file"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "ZipError"),
        ("meta_only.csv", "序号,来源\n1,微信\n".encode(), "none"),
        ("random.csv", bytes(range(256)) * 4, "undecodable bytes"),
    ],
)
def test_unreadable_files_raise_survey_file_error(tmp_path, name, content, found):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SurveyFileError, match=found):
        wjx.read(path)


def test_missing_file_raises_survey_file_error(tmp_path):
    with pytest.raises(SurveyFileError, match="an existing file"):
        wjx.read(tmp_path / "nope.xlsx")


def test_reading_leaves_the_garbage_collector_alone(tmp_path, monkeypatch):
    """The reader must not switch off the process-wide collector (a shared Jupyter kernel)."""
    calls = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    wjx.read(WJX / "reference_text.xlsx")
    with pytest.raises(SurveyFileError):
        wjx.read(_write_csv(tmp_path / "bad.csv", "序号,来源\n1,x\n"))
    assert calls == []
    assert gc.isenabled()


# --------------------------------------------------------------------------- other system columns


def test_unknown_system_columns_are_kept_as_metadata(tmp_path):
    path = _write_csv(
        tmp_path / "extra.csv",
        "序号,提交答卷时间,所用时间,来源,来源详情,自定义字段,微信昵称,姓名,考试得分,source,来自IP,1、岗位,2、说法—甲,2、说法—乙\n"
        "1,2024/3/5 10:12:33,95秒,微信,N/A,bd-01,老张,张三,85,x,1.2.3.4(广东-深圳),经理,一般,比较符合\n"
        "2,2024/3/5 11:12:33,35秒,微信,N/A,,小李,李四,,y,1.2.3.5,支撑,一般,一般\n",
    )
    assert wjx.sniff(read_grid(path))
    export = wjx.read(path)
    assert export.data["自定义字段"].tolist() == ["bd-01", ""]
    assert export.status["自定义字段"].tolist() == ["answered", "empty"]
    assert export.data["微信昵称"].tolist() == ["老张", "小李"]
    assert export.data["考试得分"].tolist() == ["85", ""]
    nickname = export.column("微信昵称")
    assert (nickname.kind, nickname.header, nickname.question_no) == ("meta", "微信昵称", None)
    assert export.column("source").header == "来源"  # 问卷星's own 来源 keeps the meta key
    assert export.column("source_2").header == "source"  # an unknown header whose slug is taken
    assert export.tidy()["key"].unique().tolist() == ["Q1", "Q2_1", "Q2_2"]  # questions only
    assert "微信昵称" in export.tidy(include_meta=True)["key"].tolist()


def test_a_blank_header_without_answers_is_ignored(tmp_path):
    path = _write_csv(tmp_path / "b.csv", f"{META},1、岗位,,2、地市\n{META_ROW},经理,,保定\n")
    assert [c.key for c in wjx.read(path).columns][-2:] == ["Q1", "Q2"]


# --------------------------------------------------------------------------- many problems


def test_one_wrong_value_on_many_rows_is_one_condensed_problem(tmp_path):
    rows = "".join(f"{i},2024/3/5 10:12:33,abc,1.2.3.4,经理\n" for i in range(1, 1001))
    rows += "1001,yesterday,95秒,1.2.3.4,经理\n"
    with pytest.raises(SurveyFileError) as info:
        wjx.read(_write_csv(tmp_path / "many.csv", f"{META},1、岗位\n{rows}"))
    problems = info.value.problems
    assert [(p.row, p.column, p.found) for p in problems] == [
        (1002, "提交答卷时间", "yesterday"),
        (2, "所用时间", "abc"),
        (3, "所用时间", "abc"),
        (4, "所用时间", "abc"),
        (None, "所用时间", "… and 997 more rows with the same value 'abc'"),
    ]


def test_many_different_problems_are_capped(tmp_path):
    rows = "".join(f"{i},2024/3/5 10:12:33,{i}x,1.2.3.4,经理\n" for i in range(1, 501))
    with pytest.raises(SurveyFileError) as info:
        wjx.read(_write_csv(tmp_path / "many.csv", f"{META},1、岗位\n{rows}"))
    problems = info.value.problems
    assert len(problems) == 200
    assert problems[-1].found == "… 301 more problems"
