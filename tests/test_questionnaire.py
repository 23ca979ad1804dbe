"""questionnaire.py: standalone codebooks, matching columns, converting answers, every problem at once."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys import ExportColumn, plain
from casekit.surveys._build import assemble
from casekit.intake.questionnaire import (
    apply_questionnaire,
    parse_questionnaire,
    read_questionnaire,
)

EXPORT = (
    "编号,所在地市,1.您的岗位,2.服务意识—主动询问需求,2.服务意识—先安抚情绪,2.服务意识—尽快结束通话,"
    "3.信心—升级流程,3.信心—资费争议,4.建议\n"
    "K1,保定,客服,同意,非常同意,不同意,6,2,多些案例\n"
    "K2,唐山,客服,一般,不适用,一般,4,4,\n"
    "K3,,班长,非常不同意,不同意,非常同意,,7,\n"
)

CODEBOOK = """\
columns:
  respondent_id: 编号
  region: 所在地市
  role: {key: Q1}
missing: ["", 不适用]
scales:
  agree5:
    labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5}
  num7:
    labels: {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7}
items:
  - id: s1
    column: 2.服务意识—主动询问需求
    dimension: 服务意识
    scale: agree5
  - id: s2
    pattern: 先安抚
    dimension: 服务意识
    scale: agree5
  - id: s3
    key: Q2_3
    dimension: 服务意识
    scale: agree5
    reverse: true
  - {id: c1, column: 3.信心—升级流程, dimension: 投诉处理信心, scale: num7}
  - {id: c2, column: 3.信心—资费争议, dimension: 投诉处理信心, scale: num7, reverse: true}
ignore: [4.建议]
"""


@pytest.fixture
def files(tmp_path: Path):
    def make(export: str = EXPORT, codebook: str = CODEBOOK) -> tuple[Path, Path]:
        e, c = tmp_path / "export.csv", tmp_path / "codebook.yaml"
        e.write_text(export, encoding="utf-8")
        c.write_text(codebook, encoding="utf-8")
        return e, c

    return make


def _apply(export_path: Path, codebook_path: Path):
    return apply_questionnaire(plain.read(export_path), read_questionnaire(codebook_path))


def _problems(export_path: Path, codebook_path: Path) -> list[Problem]:
    with pytest.raises(SurveyFileError) as exc:
        _apply(export_path, codebook_path)
    return exc.value.problems


def test_item_matrix_groups_and_reverse_keys(files):
    data = _apply(*files())
    assert data.items.index.tolist() == ["K1", "K2", "K3"]
    assert data.items.index.name == "respondent"
    assert data.items.columns.tolist() == ["s1", "s2", "s3", "c1", "c2"]
    assert data.items["s1"].tolist() == [4.0, 3.0, 1.0]
    assert data.items["s2"].iloc[0] == 5.0 and math.isnan(data.items["s2"].iloc[1])  # 不适用 is missing
    assert data.items["s3"].tolist() == [4.0, 3.0, 1.0]  # 6 - value
    assert math.isnan(data.items["c1"].iloc[2])
    assert data.items["c2"].tolist() == [6.0, 4.0, 1.0]  # 8 - value
    assert data.items.dtypes.unique().tolist() == ["float64"]
    assert data.groups.columns.tolist() == ["region", "role"]
    assert data.groups["region"].tolist() == ["保定", "唐山", ""]
    assert data.scales == {"服务意识": ["s1", "s2", "s3"], "投诉处理信心": ["c1", "c2"]}
    assert data.reversed_items == ("s3", "c2")
    assert data.rows == (2, 3, 4)
    assert data.headers["s2"] == "2.服务意识—先安抚情绪"


def test_without_respondent_id_rows_are_numbered_in_file_order(files):
    data = _apply(*files(codebook=CODEBOOK.replace("  respondent_id: 编号\n", "").replace("[4.建议]", "[4.建议, 编号]")))
    assert data.items.index.tolist() == ["1", "2", "3"]


def test_platform_id_match_and_value_labels(tmp_path: Path):
    cols = [ExportColumn("response_id", "ResponseId", "meta"),
            ExportColumn("Q1_1", "Q1_1", "matrix", 1, platform_id="QID1_1"),
            ExportColumn("Q1_2", "Q1_2", "matrix", 1, platform_id="QID1_2")]
    exp = assemble(tmp_path / "q.csv", "spss", None, cols,
                   [["R1", "1", "非常同意"], ["R2", "3", "不同意"]], [["answered"] * 3] * 2, [4, 5],
                   value_labels={"Q1_1": {"1": "非常不同意", "3": "一般"}})
    cb = tmp_path / "cb.yaml"
    cb.write_text("columns: {respondent_id: ResponseId}\n"
                  "scales: {a: {labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5}}}\n"
                  "items:\n  - {id: x, platform_id: QID1_1, dimension: D, scale: a}\n"
                  "  - {id: y, platform_id: QID1_2, dimension: D, scale: a}\n", encoding="utf-8")
    data = apply_questionnaire(exp, read_questionnaire(cb))
    assert data.items.loc["R1"].tolist() == [1.0, 5.0]
    assert data.items.loc["R2"].tolist() == [3.0, 2.0]  # meta columns need no ignore:


def test_every_export_problem_at_once(files):
    bad = EXPORT.replace("K3,,班长,非常不同意", "K1,,班长,很不同意").replace(",6,2,", ",9,2,")
    bad += "K4,唐山,客服,一般,不适用,一般,4,4,\n"  # K2's answers again
    problems = _problems(*files(export=bad, codebook=CODEBOOK.replace("ignore: [4.建议]\n", "")))
    got = {(p.file, p.row, p.column, p.found) for p in problems}
    assert got == {
        ("export.csv", 2, "3.信心—升级流程", "9"),
        ("export.csv", 4, "2.服务意识—主动询问需求", "很不同意"),
        ("export.csv", 4, "编号", "K1"),
        ("export.csv", None, "4.建议", "question column Q4 not in the codebook"),
        ("export.csv", 5, "编号", "the same answers as row 3 under respondent id K4"),
    }
    by_found = {p.found: p for p in problems}
    assert by_found["9"].expected == "a value of scale num7 (1、2、3、4、5、6、7)"
    assert by_found["很不同意"].expected == "a label of scale agree5 (非常不同意…非常同意 or 1–5) or a missing marker"
    assert by_found["K1"].expected == "a respondent id used once (also on row 2)"
    assert by_found["question column Q4 not in the codebook"].expected == (
        "a column listed under items, columns or ignore in codebook.yaml")
    assert by_found["the same answers as row 3 under respondent id K4"].expected == (
        "answers differing from those of respondent K2, row 3 (delete one of the two submissions)")


def test_codebook_columns_that_do_not_match_the_export(files):
    cb = (CODEBOOK.replace("region: 所在地市", "region: 所在地区")
          .replace("pattern: 先安抚", "pattern: 服务意识")
          .replace("key: Q2_3", "key: Q9")
          .replace("column: 3.信心—资费争议", "column: 2.服务意识—主动询问需求"))
    problems = _problems(*files(codebook=cb))
    got = {(p.file, p.row, p.column): p for p in problems}
    # columns matched by a broken entry (the pattern's three) are not reported unmapped as well
    assert set(got) == {("codebook.yaml", 3, "region"), ("codebook.yaml", 17, "pattern"),
                        ("codebook.yaml", 21, "key"), ("codebook.yaml", 26, "column"),
                        ("export.csv", None, "所在地市"), ("export.csv", None, "3.信心—资费争议")}
    assert got["codebook.yaml", 3, "region"].expected == "a header of export.csv; closest: 所在地市"
    assert got["codebook.yaml", 17, "pattern"].expected == "pattern naming exactly one column of export.csv"
    assert got["codebook.yaml", 17, "pattern"].found.startswith("3 columns: 2.服务意识—主动询问需求")
    assert got["codebook.yaml", 21, "key"].found == "Q9"
    assert got["codebook.yaml", 26, "column"].expected == "a column not already used by item s1"


def test_an_export_without_responses(files):
    problems = _problems(*files(export=EXPORT.split("\n", 1)[0] + "\n"))
    assert [(p.row, p.expected, p.found) for p in problems] == [
        (None, "at least one response below the header", "no responses")]


def test_codebook_problems_point_at_yaml_lines(tmp_path: Path):
    path = tmp_path / "cb.yaml"
    path.write_text(
        "colums: {respondent_id: 编号}\n"            # 1 typo in a top-level key
        "scales:\n"                                  # 2
        "  agree: {labels: {同意: 1}}\n"             # 3 one label
        "  flat: {labels: {a: 1, b: 1}}\n"           # 4 no spread
        "items:\n"                                   # 5
        "  - id: a1\n"                               # 6
        "    column: x\n"                            # 7
        "    key: Q1\n"                              # 8 two ways to match
        "    dimension: 服务\n"                      # 9
        "    scale: agree\n"                         # 10 scale with a problem
        "  - {id: a1, pattern: '(', dimension: '', scale: flat, reverce: true}\n"  # 11
        "  - {id: a3, column: z, dimension: D, scale: agree, reverse: 是}\n",     # 12
        encoding="utf-8",
    )
    questionnaire, problems = parse_questionnaire(path)
    got = {(p.row, p.column) for p in problems}
    assert got == {(1, "colums"), (3, "agree"), (4, "flat"), (8, "a1"), (10, "scale"), (11, "items[1].reverce"),
                   (11, "id"), (11, "pattern"), (11, "dimension"), (11, "scale"), (12, "scale"),
                   (12, "reverse")}
    assert all(p.file == "cb.yaml" for p in problems)
    assert questionnaire is not None and questionnaire.items == ()
    with pytest.raises(SurveyFileError, match=r"cb.yaml, row 11, column 'items\[1\].reverce': expected one of the keys id, "
                       r".*found \"unknown key 'reverce' \(did you mean 'reverse'\?\)\""):
        read_questionnaire(path)


def test_unreadable_codebooks(tmp_path: Path):
    path = tmp_path / "cb.yaml"
    path.write_text("items: [a\n", encoding="utf-8")
    with pytest.raises(SurveyFileError, match="expected valid YAML"):
        read_questionnaire(path)
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(SurveyFileError, match="expected a YAML mapping with keys columns"):
        read_questionnaire(path)
    with pytest.raises(SurveyFileError, match="this file to exist"):
        read_questionnaire(tmp_path / "nope.yaml")


def test_repeated_headers_need_a_key(files):
    export = EXPORT.replace("4.建议", "2.服务意识—主动询问需求")
    problems = _problems(*files(export=export, codebook=CODEBOOK.replace("ignore: [4.建议]", "ignore: [Q4]")))
    assert [(p.row, p.column, p.expected) for p in problems] == [
        (13, "column", "column naming exactly one column of export.csv")]


def test_an_answer_skipped_by_logic_is_missing(tmp_path: Path):
    cols = [ExportColumn("Q1", "1.满意度", "single", 1), ExportColumn("Q2", "2.推荐", "single", 2)]
    exp = assemble(tmp_path / "e.csv", "wjx", "utf-8", cols, [["满意", ""], ["", "满意"]],
                   [["answered", "skipped"], ["empty", "answered"]], [2, 3])
    cb = tmp_path / "cb.yaml"
    cb.write_text("scales: {s: {labels: {不满意: 1, 满意: 2}}}\nitems:\n"
                  "  - {id: a, key: Q1, dimension: D, scale: s}\n  - {id: b, key: Q2, dimension: D, scale: s}\n",
                  encoding="utf-8")
    data = apply_questionnaire(exp, read_questionnaire(cb))
    assert data.items.fillna(0).values.tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert data.groups.shape == (2, 0)


# --------------------------------------------------------------------------------------------
# duplicate submissions


def _likert_export(tmp_path: Path, rows: list[list[str]], meta: tuple[str, ...] = ("ip",)) -> object:
    """An export with the given metadata columns, then three Likert items; ``rows`` in that order."""
    cols = [ExportColumn(key, key, "meta") for key in meta]
    cols += [ExportColumn(f"Q1_{k}", f"1.评价—{k}", "matrix", 1, "评价", str(k)) for k in (1, 2, 3)]
    return assemble(tmp_path / "wjx.csv", "wjx", "utf-8", cols, rows, [["answered"] * len(cols)] * len(rows),
                    list(range(2, 2 + len(rows))))


def _likert_codebook(tmp_path: Path, extra: str = "") -> Path:
    cb = tmp_path / "cb.yaml"
    cb.write_text(extra + "scales: {a: {labels: {不同意: 1, 一般: 2, 同意: 3}}}\nitems:\n"
                  + "".join(f"  - {{id: i{k}, key: Q1_{k}, dimension: D, scale: a}}\n" for k in (1, 2, 3)),
                  encoding="utf-8")
    return cb


def test_identical_answer_patterns_from_different_people_are_not_duplicates(tmp_path: Path):
    rows = [["10.0.0.1", "同意", "同意", "同意"], ["10.0.0.2", "同意", "同意", "同意"],
            ["10.0.0.3", "同意", "同意", "同意"]]
    data = apply_questionnaire(_likert_export(tmp_path, rows), read_questionnaire(_likert_codebook(tmp_path)))
    assert data.items.shape == (3, 3)
    # no identifying metadata: a three-answer pattern is too short to call it one submission
    bare = _likert_export(tmp_path, [r[1:] for r in rows], meta=())
    assert apply_questionnaire(bare, read_questionnaire(_likert_codebook(tmp_path))).items.shape == (3, 3)


def test_same_ip_and_identical_answers_is_one_submission_sent_twice(tmp_path: Path):
    rows = [["10.0.0.1", "同意", "一般", "同意"], ["10.0.0.2", "同意", "一般", "同意"],
            ["10.0.0.1", "同意", "一般", "同意"], ["10.0.0.1", "同意", "一般", "不同意"]]
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(_likert_export(tmp_path, rows), read_questionnaire(_likert_codebook(tmp_path)))
    assert [(p.row, p.expected, p.found) for p in exc.value.problems] == [
        (4, "answers differing from those of row 2 (delete one of the two submissions)",
         "the same answers as row 2 and the same ip 10.0.0.1")]


def test_without_identifying_metadata_every_column_must_repeat_with_five_answers(tmp_path: Path):
    cols = [ExportColumn(f"Q{k}", f"{k}.题", "single" if k < 6 else "open", k) for k in range(1, 7)]
    same = ["同意", "一般", "同意", "同意", "一般", "培训太少"]
    rows = [same, [*same[:5], "希望多些案例"], same]
    exp = assemble(tmp_path / "e.csv", "plain", "utf-8", cols, rows, [["answered"] * 6] * 3, [2, 3, 4])
    cb = tmp_path / "cb.yaml"
    cb.write_text("scales: {a: {labels: {不同意: 1, 一般: 2, 同意: 3}}}\nitems:\n"
                  + "".join(f"  - {{id: i{k}, key: Q{k}, dimension: D, scale: a}}\n" for k in range(1, 6))
                  + "ignore: [Q6]\n", encoding="utf-8")
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(exp, read_questionnaire(cb))
    assert [(p.row, p.found) for p in exc.value.problems] == [(4, "the same answers as row 2")]


def test_the_same_respondent_id_twice_stays_a_repeated_id(tmp_path: Path):
    cols = [ExportColumn("ip", "IP", "meta"), ExportColumn("Q0", "工号", "fill", 0)]
    cols += [ExportColumn(f"Q1_{k}", f"1.评价—{k}", "matrix", 1, "评价", str(k)) for k in (1, 2, 3)]
    rows = [["10.0.0.1", "A1", "同意", "一般", "同意"], ["10.0.0.2", "A1", "同意", "同意", "同意"],
            ["10.0.0.1", "A1", "同意", "一般", "同意"]]  # the first submission again, under the same id
    exp = assemble(tmp_path / "e.csv", "wjx", "utf-8", cols, rows, [["answered"] * 5] * 3, [2, 3, 4])
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(exp, read_questionnaire(_likert_codebook(tmp_path, "columns: {respondent_id: 工号}\n")))
    assert [(p.row, p.column, p.expected) for p in exc.value.problems] == [
        (3, "工号", "a respondent id used once (also on row 2)"),
        (4, "工号", "a respondent id used once (also on row 2)")]


# --------------------------------------------------------------------------------------------
# many identical problems, answer codes, ranges, platform:


def test_one_wrong_label_on_every_row_is_a_handful_of_problems(tmp_path: Path):
    rows = [[f"10.0.{r // 250}.{r % 250}", "同意", "一般", "很同意"] for r in range(1000)]
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(_likert_export(tmp_path, rows), read_questionnaire(_likert_codebook(tmp_path)))
    problems = exc.value.problems
    assert len(problems) <= 5
    assert [p.row for p in problems] == [2, 3, 4, None]
    assert problems[-1].found == "… and 997 more rows with the same value '很同意'"


def test_answer_codes_are_scored_through_their_option_labels(tmp_path: Path):
    """问卷星 按序号: the number is the option's position, here in descending order."""
    options = ("非常符合", "比较符合", "一般", "不太符合", "非常不符合")
    cols = [ExportColumn("response_id", "序号", "meta")]
    cols += [ExportColumn(f"Q1_{k}", f"1.符合程度—{k}", "matrix", 1, "符合程度", str(k), options=options)
             for k in (1, 2)]
    rows = [["1", "1", "5"], ["2", "2", "4"], ["3", "非常符合", "3"]]
    exp = assemble(tmp_path / "按序号.xlsx", "wjx", None, cols, rows, [["answered"] * 3] * 3, [2, 3, 4])
    cb = tmp_path / "cb.yaml"
    cb.write_text("scales: {c: {labels: {非常不符合: 1, 不太符合: 2, 一般: 3, 比较符合: 4, 非常符合: 5}}}\n"
                  "items:\n  - {id: a, key: Q1_1, dimension: D, scale: c}\n"
                  "  - {id: b, key: Q1_2, dimension: D, scale: c}\n", encoding="utf-8")
    data = apply_questionnaire(exp, read_questionnaire(cb))
    assert data.items["a"].tolist() == [5.0, 4.0, 5.0]  # code 1 = 非常符合 = 5, not 1
    assert data.items["b"].tolist() == [1.0, 2.0, 3.0]

    # the same export without its options: a bare number is not silently taken as a value
    bare = assemble(tmp_path / "按序号.xlsx", "wjx", None, [c if c.kind == "meta" else
                                                            ExportColumn(c.key, c.header, c.kind, 1, c.stem, c.sub_item)
                                                            for c in cols], rows, [["answered"] * 3] * 3, [2, 3, 4])
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(bare, read_questionnaire(cb))
    assert {(p.row, p.column, p.found) for p in exc.value.problems} == {
        (2, "1.符合程度—1", "1"), (3, "1.符合程度—1", "2"), (2, "1.符合程度—2", "5"), (3, "1.符合程度—2", "4"),
        (4, "1.符合程度—2", "3")}
    assert all("option's position" in p.expected for p in exc.value.problems)

    # ... unless the scale lists the numbers: then they are codes with the values given
    cb.write_text(cb.read_text(encoding="utf-8").replace(
        "非常不符合: 1, 不太符合: 2, 一般: 3, 比较符合: 4, 非常符合: 5",
        '"1": 5, "2": 4, "3": 3, "4": 2, "5": 1, 非常符合: 5'), encoding="utf-8")
    data = apply_questionnaire(bare, read_questionnaire(cb))
    assert data.items["a"].tolist() == [5.0, 4.0, 5.0]
    assert data.items["b"].tolist() == [1.0, 2.0, 3.0]


def test_a_code_whose_label_is_not_on_the_scale(tmp_path: Path):
    cols = [ExportColumn("Q1", "1.满意度", "single", 1, options=("满意", "不满意", "说不清"))]
    exp = assemble(tmp_path / "e.csv", "wjx", "utf-8", cols, [["1"], ["3"]], [["answered"]] * 2, [2, 3])
    cb = tmp_path / "cb.yaml"
    cb.write_text("scales: {s: {labels: {不满意: 1, 满意: 2}}}\nitems:\n  - {id: a, key: Q1, dimension: D, scale: s}\n",
                  encoding="utf-8")
    with pytest.raises(SurveyFileError) as exc:
        apply_questionnaire(exp, read_questionnaire(cb))
    assert [(p.row, p.found) for p in exc.value.problems] == [(3, "3")]
    assert "code 3 is the option '说不清'" in exc.value.problems[0].expected


def test_items_of_one_dimension_on_different_ranges_are_a_codebook_problem(tmp_path: Path):
    cb = tmp_path / "cb.yaml"
    cb.write_text(
        "scales:\n"                                                       # 1
        "  five: {labels: {'1': 1, '2': 2, '3': 3, '4': 4, '5': 5}}\n"     # 2
        "  ten: {labels: {'0': 0, '10': 10}}\n"                           # 3
        "  five_b: {labels: {低: 1, 高: 5}}\n"                             # 4
        "items:\n"                                                        # 5
        "  - {id: a, column: A, dimension: D, scale: five}\n"             # 6
        "  - {id: b, column: B, dimension: D, scale: five_b}\n"           # 7 same range: fine
        "  - {id: c, column: C, dimension: D, scale: ten}\n"              # 8
        "  - {id: d, column: D, dimension: E, scale: ten}\n",             # 9
        encoding="utf-8")
    _, problems = parse_questionnaire(cb)
    assert [(p.row, p.column, p.found) for p in problems] == [(8, "scale", "scale ten ranging 0–10 (item c)")]
    assert problems[0].expected.startswith("a response scale ranging 1–5 like scale five of item a")


def test_a_bundle_codebook_platform_key_is_accepted(tmp_path: Path):
    cb = _likert_codebook(tmp_path, "platform: WJX\n")
    q = read_questionnaire(cb)
    assert q.platform == "wjx" and q.read_platform == "wjx"
    assert read_questionnaire(_likert_codebook(tmp_path, "platform: auto\n")).read_platform is None
    _, problems = parse_questionnaire(_likert_codebook(tmp_path, "platform: surveymonkey\n"))
    assert [(p.row, p.column, p.found) for p in problems] == [(1, "platform", "surveymonkey")]


def test_a_dimension_asked_of_two_populations_is_scored_as_two_scales(tmp_path):
    """A bundle codebook's 产品 items for account managers and support engineers are not one scale."""
    cb = tmp_path / "codebook.yaml"
    cb.write_text(
        "columns: {respondent_id: 编号}\n"
        "scales:\n  agree5: {labels: {非常不符合: 1, 不太符合: 2, 一般: 3, 比较符合: 4, 非常符合: 5}}\n"
        "items:\n"
        "  - {id: am1, column: A1, dimension: product, populations: [account_manager], scale: agree5}\n"
        "  - {id: am2, column: A2, dimension: product, populations: [account_manager], scale: agree5}\n"
        "  - {id: se1, column: S1, dimension: product, populations: [support_engineer], scale: agree5}\n"
        "  - {id: t1, column: T1, dimension: time, populations: [account_manager], scale: agree5}\n",
        encoding="utf-8",
    )
    questionnaire, problems = parse_questionnaire(cb)
    assert problems == []
    assert questionnaire.scale_items == {
        "product（account_manager）": ["am1", "am2"],
        "product（support_engineer）": ["se1"],
        "time": ["t1"],
    }


def test_a_bundle_codebook_reads_as_a_standalone_codebook():
    """The keys are shared: the sample bundle's codebook (with `role:`) works with `casekit survey`."""
    from casekit.intake.questionnaire import parse_questionnaire
    from casekit.paths import SAMPLE_BUNDLE

    text = (SAMPLE_BUNDLE / "codebook.yaml").read_text(encoding="utf-8")
    assert "role: performance" in text
    questionnaire, problems = parse_questionnaire(SAMPLE_BUNDLE / "codebook.yaml")
    assert problems == [] and questionnaire is not None
