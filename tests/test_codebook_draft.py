"""codebook_draft.py: a draft standalone codebook from any export (``casekit codebook draft``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from casekit.cli import main
from casekit.exceptions import SurveyFileError
from casekit.intake.codebook_draft import (
    NUMBERS_TODO,
    _scalar,
    draft_codebook,
    guess_scale,
    write_draft,
)
from casekit.surveys import ExportColumn, plain
from casekit.surveys._build import assemble
from casekit.intake.questionnaire import apply_questionnaire, read_questionnaire

UNSEEN = Path(__file__).parent / "fixtures" / "questionnaires" / "unseen" / "kefu_training_needs.csv"


def _labels(values: list[str], **kw) -> list[str] | None:
    guess = guess_scale(Counter(values), **kw)
    return None if guess is None else [label for label, _ in guess.labels]


@pytest.mark.parametrize(
    ("answers", "name", "labels"),
    [
        (["一般", "比较符合", "非常符合", "不太符合", "非常不符合"], "conform5",
         ["非常不符合", "不太符合", "一般", "比较符合", "非常符合"]),
        (["同意", "非常同意", "不同意", "非常不同意", "一般"], "agree5", ["非常不同意", "不同意", "一般", "同意", "非常同意"]),
        (["有点同意", "同意", "非常同意", "中立", "有点不同意", "非常不同意", "不同意"], "agree7",
         ["非常不同意", "不同意", "有点不同意", "中立", "有点同意", "同意", "非常同意"]),
        (["非常符合", "有点符合", "符合", "不符合", "有点不符合", "非常不符合"], "conform6",
         ["非常不符合", "不符合", "有点不符合", "有点符合", "符合", "非常符合"]),
        (["从不", "经常", "有时", "很少", "总是"], "freq5", ["从不", "很少", "有时", "经常", "总是"]),
        (["满意", "非常不满意", "一般", "非常满意", "不满意"], "satisfy5", ["非常不满意", "不满意", "一般", "满意", "非常满意"]),
        (["比较重要", "非常重要", "一般", "不太重要", "非常不重要"], "importance5",
         ["非常不重要", "不太重要", "一般", "比较重要", "非常重要"]),
        (["3", "5", "1"], "num1_5", ["1", "2", "3", "4", "5"]),
        (["6", "2"], "num1_7", [str(i) for i in range(1, 8)]),
        (["0", "9", "10"], "num0_10", [str(i) for i in range(11)]),
    ],
)
def test_recognised_label_sets_are_put_in_scale_order(answers, name, labels):
    guess = guess_scale(Counter(answers))
    assert guess is not None and guess.recognised
    assert guess.name == name
    assert [lab for lab, _ in guess.labels] == labels
    assert [v for _, v in guess.labels] == [float(v) for v in (range(len(labels)) if name == "num0_10"
                                                               else range(1, len(labels) + 1))]
    assert not guess.todo


@pytest.mark.parametrize(
    ("answers", "labels", "unused"),
    [
        # issue 10: six labels of a 问卷星 export are not a 7-point scale with an invented 一般 = 4
        (["非常符合", "有点符合", "符合", "不符合", "有点不符合", "非常不符合"],
         ["非常不符合", "不符合", "有点不符合", "有点符合", "符合", "非常符合"], None),
        (["一般", "比较符合", "非常符合", "不太符合"], ["不太符合", "一般", "比较符合", "非常符合"], "非常不符合"),
        (["有点同意", "同意", "非常同意", "中立"], ["中立", "有点同意", "同意", "非常同意"], "有点不同意"),
        (["满意", "非常不满意"], ["非常不满意", "满意"], "一般"),
    ],
)
def test_a_scale_is_exactly_the_labels_the_export_uses(answers, labels, unused):
    guess = guess_scale(Counter(answers))
    assert guess is not None
    assert [lab for lab, _ in guess.labels] == labels
    assert [v for _, v in guess.labels] == [float(v) for v in range(1, len(labels) + 1)]  # no gap, no invented level
    if unused is None:
        assert guess.name == "conform6" and not guess.todo
    else:  # a known set gives the order, not the scale: the consultant is asked
        assert guess.todo.startswith("TODO: 导出中只出现了这") and unused in guess.todo


def test_not_a_scale():
    assert guess_scale(Counter(["客户经理", "支撑人员"])) is None
    assert guess_scale(Counter(["85", "92.5"])) is None
    assert guess_scale(Counter(["3"])) is None  # one answer tells nothing
    assert guess_scale(Counter(["1", "12"])) is None


def test_options_and_value_labels_give_the_order():
    assert _labels(["好", "差"], options=("差", "中", "好")) == ["差", "中", "好"]
    assert _labels(["2", "3"], options=("差", "中", "好")) == ["差", "中", "好"]  # answer codes
    assert _labels(["1", "5"], codes={"5": "非常同意", "1": "非常不同意"}) == ["非常不同意", "非常同意"]
    guess = guess_scale(Counter(["一般"]), options=("非常不符合", "不太符合", "一般", "比较符合", "非常符合"))
    assert guess is not None and guess.name == "conform5"


def test_scalars_round_trip_through_yaml():
    for text in ["非常同意", "1", "yes", "null", "a: b", "#1", "(空)", "-3", "是,否", "[x]", "'q'", "on", "1.5"]:
        assert yaml.safe_load(f"k: {_scalar(text)}") == {"k": text}
        assert yaml.safe_load(f"{{{_scalar(text)}: 1}}") == {text: 1}


def _draft(tmp_path: Path, export) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(draft_codebook(export), encoding="utf-8")
    return path


def test_draft_of_an_unseen_export_loads_without_edits(tmp_path: Path):
    export = plain.read(UNSEEN)
    text = draft_codebook(export)
    assert "# 平台 platform: plain" in text
    assert "reverse keying is NOT guessed" in text
    # the 1–7 numbers: the only thing the consultant is asked to check
    assert [line.strip() for line in text.splitlines() if "TODO" in line] == [f"# {NUMBERS_TODO}"]
    q = read_questionnaire(_draft(tmp_path, export))
    assert q.columns["respondent_id"].value == "编号"
    assert q.columns["region"].value == "所在地市"
    assert "population" not in q.columns  # 工作年限 mentions 岗位 but is not the role
    assert q.scale_items == {"服务意识": ["Q2_1", "Q2_2", "Q2_3", "Q2_4", "Q2_5"],
                             "投诉处理信心": ["Q3_1", "Q3_2", "Q3_3", "Q3_4"]}
    assert {i.scale for i in q.items} == {"agree7", "num1_7"}
    assert not any(i.reverse for i in q.items)
    assert [i.match.how for i in q.items] == ["column"] * 9
    assert set(q.ignore) == {"提交时间", "所在班组", "1.您在客服岗位的工作年限", "4.您最希望的培训形式",
                             "5.您对本次培训还有什么建议？"}
    data = apply_questionnaire(export, q)
    assert data.items.shape == (40, 9)


def test_unrecognised_matrix_labels_are_listed_by_frequency_with_a_todo(tmp_path: Path):
    cols = [ExportColumn("response_id", "序号", "meta"),
            ExportColumn("Q1_1", "1.(培训有用)", "matrix", 1, "培训评价", "培训有用"),
            ExportColumn("Q1_2", "1.(讲师清楚)", "matrix", 1, "培训评价", "讲师清楚"),
            ExportColumn("Q2", "2.您的岗位", "single", 2, "您的岗位", options=("客户经理", "支撑人员")),
            ExportColumn("Q3", "3.常用产品", "multi", 3, "常用产品")]
    rows = [["1", "还行", "很好", "客户经理", "a;b"], ["2", "很好", "很好", "支撑人员", "a"],
            ["3", "很好", "差", "客户经理", "b"]]
    exp = assemble(tmp_path / "wjx.xlsx", "wjx", None, cols, rows, [["answered"] * 5] * 3, [2, 3, 4])
    text = draft_codebook(exp)
    assert "TODO" in text
    q = read_questionnaire(_draft(tmp_path, exp))  # loads as drafted; the order is for the consultant
    assert list(q.scales["scale_1"].labels) == ["很好", "还行", "差"]
    assert [i.id for i in q.items] == ["Q1_1", "Q1_2"]
    assert {i.dimension for i in q.items} == {"培训评价"}
    assert q.columns["respondent_id"].value == "序号"
    assert q.columns["population"].value == "2.您的岗位"
    assert q.ignore == ("3.常用产品",)
    apply_questionnaire(exp, q)


def test_stable_platform_ids_are_preferred_and_matrix_rows_share_one_scale(tmp_path: Path):
    cols = [ExportColumn("response_id", "ResponseId", "meta", platform_id="_recordId"),
            ExportColumn("Q1_1", "Q1_1", "matrix", 1, "工作评价", "a", platform_id="QID1_1"),
            ExportColumn("Q1_2", "Q1_2", "matrix", 1, "工作评价", "b", platform_id="QID1_2")]
    rows = [["R1", "同意", "有点同意"], ["R2", "非常同意", "非常不同意"], ["R3", "不同意", "同意"]]
    exp = assemble(tmp_path / "q.csv", "qualtrics", "utf-8", cols, rows, [["answered"] * 3] * 3, [4, 5, 6])
    text = draft_codebook(exp)
    q = read_questionnaire(_draft(tmp_path, exp))
    assert [(i.match.how, i.match.value) for i in q.items] == [("platform_id", "QID1_1"), ("platform_id", "QID1_2")]
    # one scale for the question, from the labels used in any row (row 1 alone lacks 有点同意)
    assert {i.scale for i in q.items} == {"agree_5labels"}
    assert list(q.scales["agree_5labels"].labels) == ["非常不同意", "不同意", "有点同意", "同意", "非常同意"]
    assert "（如 有点不同意）" in text and "TODO" in text  # the unused level is a question, not a guess
    assert apply_questionnaire(exp, q).items.loc["R1"].tolist() == [4.0, 3.0]


def test_write_draft_does_not_replace_a_codebook_unless_forced(tmp_path: Path):
    out = tmp_path / "cb.yaml"
    out.write_text("edited by hand", encoding="utf-8")
    with pytest.raises(SurveyFileError, match="--force"):
        write_draft(UNSEEN, out, platform="plain")
    assert out.read_text(encoding="utf-8") == "edited by hand"
    write_draft(UNSEEN, out, platform="plain", force=True)
    assert out.read_text(encoding="utf-8").startswith("# casekit")
    assert [p.name for p in tmp_path.iterdir()] == ["cb.yaml"]  # no temporary file left


def test_cli_codebook_draft_prints_or_writes(tmp_path: Path, capsys):
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain"]) == 0
    printed = capsys.readouterr().out
    assert yaml.safe_load(printed)["columns"]["respondent_id"] == "编号"
    out = tmp_path / "cb.yaml"
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == printed
    assert str(out) in capsys.readouterr().err
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain", "--out", str(out)]) == 1
    assert "an existing file" in capsys.readouterr().err
    assert main(["codebook", "draft", str(tmp_path / "none.csv"), "--platform", "plain"]) == 1
    assert "expected an existing file" in capsys.readouterr().err


def test_cli_codebook_draft_refusals_are_chinese_by_default(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    out = tmp_path / "cb.yaml"
    out.write_text("x: 1\n", encoding="utf-8")
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain", "--out", str(out)]) == 1
    assert "cb.yaml：应为还没有用过的文件名（或加 --force 替换它），实际为「已有的文件」" in capsys.readouterr().err
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain", "--bundle", str(tmp_path / "none")]) == 1
    assert "应为调研资料包的文件夹（内有 manifest.yaml），实际为「没有这个文件夹」" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "x: 1\n"


def test_cli_codebook_needs_an_action():
    with pytest.raises(SystemExit) as exc:
        main(["codebook"])
    assert exc.value.code == 2


def test_descending_options_are_scored_by_their_labels(tmp_path: Path):
    """问卷星 按序号: codes are option positions; here the options run 非常符合 → 非常不符合."""
    options = ("非常符合", "比较符合", "一般", "不太符合", "非常不符合")
    cols = [ExportColumn("response_id", "序号", "meta")]
    cols += [ExportColumn(f"Q1_{k}", f"1、符合程度—{t}", "matrix", 1, "符合程度", t, options=options)
             for k, t in ((1, "说清资费"), (2, "了解客户"))]
    rows = [["1", "1", "2"], ["2", "5", "1"], ["3", "3", "4"]]
    exp = assemble(tmp_path / "问卷星_按序号.xlsx", "wjx", None, cols, rows, [["answered"] * 3] * 3, [2, 3, 4])
    text = draft_codebook(exp)
    assert "TODO" not in text
    q = read_questionnaire(_draft(tmp_path, exp))
    assert dict(q.scales["conform5"].labels) == {"非常不符合": 1, "不太符合": 2, "一般": 3, "比较符合": 4, "非常符合": 5}
    data = apply_questionnaire(exp, q)
    assert data.items["Q1_1"].tolist() == [5.0, 1.0, 3.0]  # code 1 = 非常符合: the highest, not 1
    assert data.items["Q1_2"].tolist() == [4.0, 5.0, 2.0]


def test_descending_value_labels_are_scored_by_their_labels(tmp_path: Path):
    cols = [ExportColumn("Q1", "Q1", "single", 1, platform_id="Q1"), ExportColumn("Q2", "Q2", "single", 2, platform_id="Q2")]
    labels = {"1": "非常同意", "2": "同意", "3": "一般", "4": "不同意", "5": "非常不同意"}
    exp = assemble(tmp_path / "s.sav", "spss", None, cols, [["1", "5"], ["2", "4"], ["4", "3"]],
                   [["answered"] * 2] * 3, [1, 2, 3], value_labels={"Q1": labels, "Q2": labels})
    q = read_questionnaire(_draft(tmp_path, exp))
    assert apply_questionnaire(exp, q).items["Q1"].tolist() == [5.0, 4.0, 2.0]


def test_bare_numbers_without_options_are_drafted_with_a_todo(tmp_path: Path):
    cols = [ExportColumn("Q1_1", "1、符合程度—a", "matrix", 1, "符合程度", "a"),
            ExportColumn("Q1_2", "1、符合程度—b", "matrix", 1, "符合程度", "b")]
    exp = assemble(tmp_path / "按序号.csv", "wjx", "utf-8", cols, [["1", "2"], ["5", "4"], ["3", "3"]],
                   [["answered"] * 2] * 3, [2, 3, 4])
    text = draft_codebook(exp)
    assert text.count(f"# {NUMBERS_TODO}") == 1
    assert "数字是选项序号还是分值？请核对" in text
    q = read_questionnaire(_draft(tmp_path, exp))
    assert {i.scale for i in q.items} == {"num1_5"}


def test_number_columns_answered_as_ratings_are_items(tmp_path: Path):
    cols = [ExportColumn("response_id", "序号", "meta"),
            ExportColumn("Q1", "1、您向朋友推荐本培训的可能性有多大？", "number", 1, "您向朋友推荐本培训的可能性有多大？"),
            ExportColumn("Q2", "2、总体评分", "number", 2, "总体评分"),
            ExportColumn("Q3", "3、上季度业绩完成率（%）", "number", 3, "上季度业绩完成率（%）")]
    rows = [["1", "0", "3", "85"], ["2", "9", "5", "92.5"], ["3", "10", "1", "60"], ["4", "7", "4", "100"]]
    exp = assemble(tmp_path / "e.xlsx", "wjx", None, cols, rows, [["answered"] * 4] * 4, [2, 3, 4, 5])
    q = read_questionnaire(_draft(tmp_path, exp))
    assert [(i.id, i.scale) for i in q.items] == [("Q1", "num0_10"), ("Q2", "num1_5")]
    assert q.ignore == ("3、上季度业绩完成率（%）",)
    data = apply_questionnaire(exp, q)
    assert data.items["Q1"].tolist() == [0.0, 9.0, 10.0, 7.0]
    assert data.items["Q2"].tolist() == [3.0, 5.0, 1.0, 4.0]


def test_an_end_level_used_elsewhere_in_the_export_is_offered_but_never_a_middle_one():
    conform5 = ["非常不符合", "不太符合", "一般", "比较符合", "非常符合"]
    # nobody answered 非常不符合 here, but another question of the export got it: a 5-point question
    guess = guess_scale(Counter(["一般", "比较符合", "非常符合", "不太符合"]), elsewhere=frozenset(conform5))
    assert guess is not None and guess.name == "conform5" and not guess.todo
    assert dict(guess.labels)["不太符合"] == 2.0
    # six labels here; 一般 answered in another (5-point) question is not this question's midpoint
    six = ["非常不符合", "不符合", "有点不符合", "有点符合", "符合", "非常符合"]
    guess = guess_scale(Counter(six[1:]), elsewhere=frozenset(six + conform5))
    assert guess is not None and guess.name == "conform6" and [v for _, v in guess.labels] == [1.0, 2, 3, 4, 5, 6]
    guess = guess_scale(Counter(["有点同意", "同意", "非常同意", "有点不同意"]), elsewhere=frozenset(["一般", "中立"]))
    assert guess is not None and "一般" not in dict(guess.labels) and guess.todo


def test_bundle_person_ids_reports_a_stray_quote_in_a_bundle_table(mini_copy):
    from casekit.intake.codebook_draft import bundle_person_ids

    root = mini_copy()
    assert bundle_person_ids(root)  # the mini bundle's staff codes are read
    header = (root / "ride_alongs.csv").read_text(encoding="utf-8").splitlines()[0]
    (root / "ride_alongs.csv").write_text(header + "\nV9,\"stray quote\n" + "很长的备注" * 30_000 + "\n",
                                          encoding="utf-8")
    with pytest.raises(SurveyFileError, match=r"ride_alongs.csv, row 2: expected a closing quote"):
        bundle_person_ids(root)
