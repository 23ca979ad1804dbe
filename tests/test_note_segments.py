"""casekit.intake.note_segments: paragraphs and transcript turns with offsets and provenance."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import BUNDLES, MINI

from casekit.intake.note_segments import SEGMENT_COLUMNS, Segment, note_segments, split_note
from casekit.intake import load_bundle

SAMPLE = Path(__file__).parents[1] / "research_data" / "sample"
FIXTURE_NOTES = Path(__file__).parent / "fixtures" / "notes"


def _kinds(text: str) -> list[tuple[str, str, str]]:
    return [(s.kind, s.speaker, s.text) for s in split_note(text)]


def _assert_spans(text: str, segments: list[Segment]) -> None:
    """Offsets are in order, do not overlap, and each segment's text comes from its span."""
    end = 0
    for k, s in enumerate(segments, 1):
        assert s.position == k
        assert end <= s.start < s.end <= len(text)
        span = text[s.start:s.end]
        assert span == span.strip()
        rest = iter(span)
        assert all(ch in rest for ch in s.text.replace("\n", "")), (s, span)   # a subsequence
        end = s.end


def test_question_answer_transcript_then_remarks():
    text = ("问：你们给客户经理做产品培训吗？\n答：做，新产品上线都会讲。\n问：怎么讲？\n"
            "答：一般就是把厂家的材料过一遍，\n功能、架构、资费。\n\n备注：目前基本是照本宣科。")
    assert _kinds(text) == [
        ("question", "问", "你们给客户经理做产品培训吗？"),
        ("answer", "答", "做，新产品上线都会讲。"),
        ("question", "问", "怎么讲？"),
        ("answer", "答", "一般就是把厂家的材料过一遍，\n功能、架构、资费。"),
        ("paragraph", "", "备注：目前基本是照本宣科。"),
    ]
    segments = split_note(text)
    _assert_spans(text, segments)
    assert text[segments[3].start:segments[3].end] == "答：一般就是把厂家的材料过一遍，\n功能、架构、资费。"


def test_english_and_interviewer_labels():
    assert _kinds("Q: 怎么定指标？\nA1: 按人头平分。\n\nQ2：月底看什么？\nA:看报表") == [
        ("question", "Q", "怎么定指标？"), ("answer", "A1", "按人头平分。"),
        ("question", "Q2", "月底看什么？"), ("answer", "A", "看报表")]
    assert _kinds("访谈者：您负责几个片区？\n受访者（支撑人员）：两个。") == [
        ("question", "访谈者", "您负责几个片区？"), ("answer", "受访者（支撑人员）", "两个。")]
    assert _kinds("【问】怎么讲？\n【答】照着材料讲。") == [
        ("question", "问", "怎么讲？"), ("answer", "答", "照着材料讲。")]


def test_dialogue_of_roles_is_turns_or_answers():
    dialogue = "客户经理B07：王姐，今年有优惠。\n客户：我们店小，用不上。\n客户经理B07：那晚上怎么看店？"
    assert _kinds(dialogue) == [("turn", "客户经理B07", "王姐，今年有优惠。"),
                                ("turn", "客户", "我们店小，用不上。"),
                                ("turn", "客户经理B07", "那晚上怎么看店？")]
    interview = "我们：指标怎么分？\n营销中心主任：按人头平分。"
    assert _kinds(interview) == [("question", "我们", "指标怎么分？"), ("answer", "营销中心主任", "按人头平分。")]


def test_a_single_role_label_is_not_a_dialogue():
    text = "客户：惠万家超市（三家连锁）\n时间：上午\n\n客户：老板娘亲自接待。"
    assert _kinds(text) == [("paragraph", "", "客户：惠万家超市（三家连锁）\n时间：上午"),
                            ("paragraph", "", "客户：老板娘亲自接待。")]
    assert _kinds("顾问：先问后讲。") == [("paragraph", "", "顾问：先问后讲。")]
    assert _kinds("问：只记了一个问题") == [("question", "问", "只记了一个问题")]


def test_turns_on_one_line():
    text = "问：指标怎么定的？答：平均分。 问：为什么？答：公平。\n她说：先这样吧。"
    segments = split_note(text)
    assert [(s.kind, s.text) for s in segments] == [
        ("question", "指标怎么定的？"), ("answer", "平均分。"), ("question", "为什么？"),
        ("answer", "公平。\n她说：先这样吧。")]
    assert [text[s.start:s.end] for s in segments[:3]] == ["问：指标怎么定的？", "答：平均分。", "问：为什么？"]
    _assert_spans(text, segments)


def test_turn_continues_over_blank_lines_only_inside_a_transcript():
    text = ("问：有哪些难处？\n答：第一，产品太多。\n\n第二，客户不懂。\n问：还有呢？\n答：没了。\n\n"
            "他自己也承认：讲不清价值。\n\n## 小结\n问：补问一句？")
    assert _kinds(text) == [
        ("question", "问", "有哪些难处？"),
        ("answer", "答", "第一，产品太多。\n\n第二，客户不懂。"),
        ("question", "问", "还有呢？"),
        ("answer", "答", "没了。"),
        ("paragraph", "", "他自己也承认：讲不清价值。"),
        ("paragraph", "", "小结"),
        ("question", "问", "补问一句？"),
    ]
    _assert_spans(text, split_note(text))


def test_paragraphs_headings_lists_and_markup():
    text = ("# 柳州 · 客户经理甲 #\n\n**背景**：做政企 6 年，\n以前卖固话。\n\n"
            "- 觉得监控`好卖`；\n- 习惯用~~送~~三个月\n  打开局面。\n\n"
            "1. 没有问财务；\n2、下一步约老板。\n\n> 原话：“卖号码的。”\n\n---\n\n"
            "| 问题 | 频次 |\n|---|:--:|\n| 售后 | 经常 |\n\n   \n")
    segments = split_note(text)
    assert [(s.kind, s.text) for s in segments] == [
        ("paragraph", "柳州 · 客户经理甲"),
        ("paragraph", "背景：做政企 6 年，\n以前卖固话。"),
        ("paragraph", "觉得监控好卖；"),
        ("paragraph", "习惯用送三个月\n打开局面。"),
        ("paragraph", "1. 没有问财务；"),
        ("paragraph", "2、下一步约老板。"),
        ("paragraph", "原话：“卖号码的。”"),
        ("paragraph", "问题 | 频次\n售后 | 经常"),
    ]
    assert text[segments[0].start:segments[0].end] == "# 柳州 · 客户经理甲 #"
    assert text[segments[2].start:segments[2].end] == "- 觉得监控`好卖`；"
    _assert_spans(text, segments)


def test_bold_and_bulleted_labels():
    text = "**问：** 进展怎么样？\n- **答**：还在谈。\n> 问：谁拍板？\n> 答：老板。"
    assert _kinds(text) == [("question", "问", "进展怎么样？"), ("answer", "答", "还在谈。"),
                            ("question", "问", "谁拍板？"), ("answer", "答", "老板。")]


def test_not_labels():
    text = "问题：客户不懂。\n客户经理开场：“王姐……”\n我们追问：门诊要什么？\nAPI: 接口"
    assert [s.kind for s in split_note(text)] == ["paragraph"]


def test_empty_and_blank_notes():
    assert split_note("") == []
    assert split_note("\n \n\t\n---\n") == []


def test_spans_hold_for_every_note_of_the_sample_and_foreign_bundles():
    for folder in (SAMPLE / "notes", BUNDLES / "foreign" / "notes", FIXTURE_NOTES):
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8-sig").split("---\n", 2)[2]
            segments = split_note(text)
            assert segments, path
            _assert_spans(text, segments)


def test_split_is_deterministic():
    text = (SAMPLE / "notes" / "N002.md").read_text(encoding="utf-8")
    assert split_note(text) == split_note(text)


# ---------------------------------------------------------------------------------------------
# the table


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("seg") / "mini"
    shutil.copytree(MINI, root)
    for path in FIXTURE_NOTES.glob("N1*"):
        shutil.copy(path, root / "notes" / path.name)
    return load_bundle(root)


def test_note_segments_columns_and_provenance(bundle):
    seg = note_segments(bundle)
    assert list(seg.columns) == [c for c, _ in SEGMENT_COLUMNS]
    assert seg["segment_id"].is_unique
    assert seg["segment_id"].str.fullmatch(r"N\d{3}-\d{2}").all()
    notes = bundle.notes.set_index("note_id")
    for row in seg.itertuples():
        note = notes.loc[row.note_id]
        assert row.segment_id == f"{row.note_id}-{row.position:02d}"
        assert (row.date, row.region_id, row.top_region_id, row.population, row.method, row.interviewee,
                row.tags, row.file) == (note["date"], note["region_id"], note["top_region_id"],
                                        note["population"], note["method"], note["interviewee"],
                                        note["tags"], note["file"])
        assert row.text.replace("\n", "")[:3] in note["text"][row.start:row.end].replace("\n", "")
    assert seg["position"].dtype == "int64" and seg["date"].dtype == "datetime64[ns]"
    by_id = seg.set_index("segment_id")
    assert by_id.loc["N102-02", ["kind", "speaker", "text", "file"]].tolist() == [
        "turn", "客户经理", "王姐，今年宽视界有优惠。", "notes/N102.txt"]
    assert by_id.loc["N103-03", ["kind", "speaker", "text"]].tolist() == [
        "answer", "A", "一般把厂家材料过一遍。\n讲完他们还是不会卖。"]
    assert by_id.loc["N101-01", "text"] == "访谈记录 · 客户经理B11"
    assert seg.groupby("note_id")["position"].apply(lambda p: p.tolist() == list(range(1, len(p) + 1))).all()


def test_redactor_applies_after_offsets(bundle):
    plain = note_segments(bundle)
    calls = []

    def redact(text: str) -> str:
        calls.append(text)
        return re.sub(r"王姐|华夏宾馆", "［已隐去］", text)

    red = note_segments(bundle, redactor=redact)
    assert red[["segment_id", "start", "end", "kind"]].equals(plain[["segment_id", "start", "end", "kind"]])
    assert red.set_index("segment_id").at["N102-02", "text"] == "［已隐去］，今年宽视界有优惠。"
    assert not red["text"].str.contains("华夏宾馆").any() and plain["text"].str.contains("华夏宾馆").any()
    assert len(calls) == len(plain) + (plain["speaker"] != "").sum()    # text and speaker
    with pytest.raises(TypeError, match="redact"):
        note_segments(bundle, redactor=lambda t: object())


def test_note_segments_is_deterministic_and_accepts_a_notes_table(bundle):
    assert note_segments(bundle).equals(note_segments(bundle))
    assert note_segments(bundle.notes).equals(note_segments(bundle))


def test_no_notes_gives_an_empty_typed_table(bundle):
    empty = note_segments(bundle.notes.iloc[:0])
    assert list(empty.columns) == [c for c, _ in SEGMENT_COLUMNS] and empty.empty
    assert empty["start"].dtype == "int64"


def test_sample_bundle_segments():
    seg = note_segments(load_bundle(SAMPLE))
    assert set(seg["kind"]) == {"paragraph", "question", "answer"}
    first = seg[seg["note_id"] == "N001"]
    assert first["kind"].tolist() == ["question", "answer"] * 4 + ["paragraph"]
    assert isinstance(seg, pd.DataFrame)
