"""The code frame: casekit's default, a bundle's code_frame.yaml (extends / replaces), problems."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit import domain
from casekit.intake.code_frame import (
    CODE_FRAME_FILE,
    DEFAULT_CODE_FRAME_PATH,
    CodeFrame,
    default_code_frame,
    read_code_frame,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def _write(root: Path, text: str) -> Path:
    (root / CODE_FRAME_FILE).write_text(text, encoding="utf-8")
    return root


def _line(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


# ----------------------------------------------------------------------------- the default


def test_default_frame_has_the_seeds_groups_with_chinese_labels():
    frame = default_code_frame()
    assert DEFAULT_CODE_FRAME_PATH.parent.name == "analysis" and DEFAULT_CODE_FRAME_PATH.is_file()
    assert list(frame.groups) == ["dimension", "am_weakness", "se_weakness", "sm_weakness", "success",
                                  "failure", "funnel"]
    assert all(CJK.search(label) for label in frame.groups.values())
    assert frame.source == "default" and frame.skip_kinds == ("question",)
    assert len(frame) == len(set(frame.ids)) >= 40
    for code in frame.codes:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code.id)
        assert CJK.search(code.label) and CJK.search(code.description), code.id
        assert code.rules, f"{code.id} has no rule"
        assert code.group in frame.groups
    assert len({c.label for c in frame.codes}) == len(frame)


def test_default_frame_has_every_research_dimension_and_funnel_step():
    frame = default_code_frame()
    for dim, term in domain.DIMENSIONS.items():
        code = frame.code(f"dim_{dim}")
        assert code.label == term.label and code.group == "dimension"
        # applied to the notes of the populations researched on that dimension
        assert set(code.populations) == {p for p, dims in domain.POPULATION_DIMENSIONS.items() if dim in dims}
    funnel = [c for c in frame.codes if c.group == "funnel"]
    assert [c.id for c in funnel] == [f"funnel_{s}" for s in domain.FUNNEL_STAGES]
    assert [c.label for c in funnel] == [t.label for t in domain.FUNNEL_STAGES.values()]


@pytest.mark.parametrize("label", [
    "推销方式错误（价格战）", "产品知识弱", "行业知识弱", "培训不落地", "团队销售弱",
    "技术语言", "不关注市场", "缺少销售技能",
    "缺少市场分析与策略", "只管结果不管过程", "不知道客户经理时间花在哪", "领导力弱",
    "先问需求", "联合拜访", "找到决策人", "用客户语言讲价值",
    "以价格开场", "免费试用", "满口术语", "没约下一步",
])
def test_default_frame_names_the_weaknesses_and_factors_of_the_seed(label):
    assert default_code_frame().resolve(label) is not None


def test_weakness_codes_sit_in_their_populations_group():
    frame = default_code_frame()
    assert frame.code("technical_language").group == "se_weakness"
    assert frame.code("results_only").group == "sm_weakness"
    assert frame.code("price_selling").group == "am_weakness"


def test_resolve_and_table():
    frame = default_code_frame()
    assert frame.resolve("price_selling") == "price_selling"
    assert frame.resolve(" 免费试用 ") == "free_trial"
    assert frame.resolve("nonsense") is None
    table = frame.table()
    assert list(table.columns) == ["code", "label", "group", "group_label", "description", "populations",
                                   "n_rules", "rules", "source"]
    assert table["code"].tolist() == list(frame.ids)
    row = table.set_index("code").loc["price_selling"]
    assert row["group_label"] == "客户经理的弱点" and "价格战" in row["rules"]


# ----------------------------------------------------------------------------- a bundle's file


def test_bundle_without_a_code_frame_uses_the_default(tmp_path):
    frame, problems = read_code_frame(tmp_path)
    assert problems == [] and frame is default_code_frame()


def test_empty_file_changes_nothing(tmp_path):
    frame, problems = read_code_frame(_write(tmp_path, "# nothing yet\n"))
    assert problems == [] and frame.ids == default_code_frame().ids


EXTENDS = """\
extends: default
remove: [free_trial]
groups:
  local: 本地问题
codes:
  - id: local_tariff
    label: 资费看不懂
    group: local
    description: 客户看不懂本地资费
    populations: [客户经理]
    rules:
      - any: [资费, 套餐]
        all: ["看不懂|说不清"]
        window: 10
  - id: price_selling
    label: 价格推销
    group: am_weakness
    rules:
      - regex: ['[一二三四五六七八九]折']
"""


def test_extends_adds_replaces_and_removes_codes(tmp_path):
    frame, problems = read_code_frame(_write(tmp_path, EXTENDS))
    assert problems == []
    assert frame.source == "default+bundle"
    default = default_code_frame()
    assert "free_trial" not in frame and "free_trial" in default
    assert frame.ids[-1] == "local_tariff"
    assert frame.groups["local"] == "本地问题" and "funnel" in frame.groups
    local = frame.code("local_tariff")
    assert local.source == "bundle" and local.populations == ("account_manager",)
    assert local.rules[0].all == ("看不懂|说不清",) and local.rules[0].window == 10
    replaced = frame.code("price_selling")
    assert replaced.label == "价格推销" and replaced.source == "bundle"
    assert frame.ids.index("price_selling") == default.ids.index("price_selling")  # kept in place
    assert frame.code("jargon").source == "default"


def test_without_extends_the_file_replaces_the_default(tmp_path):
    text = """\
groups: {mine: 我的编码}
skip_kinds: []
codes:
  - {id: only, label: 唯一, group: mine, rules: [{any: 价格}]}
  - {id: by_hand, label: 手工编码, group: mine}
"""
    frame, problems = read_code_frame(_write(tmp_path, text))
    assert problems == []
    assert isinstance(frame, CodeFrame) and frame.source == "bundle"
    assert frame.ids == ("only", "by_hand") and frame.skip_kinds == ()
    assert frame.code("only").rules[0].any == ("价格",)
    assert frame.code("by_hand").rules == ()  # applied by hand only


BROKEN = """\
extends: default
colour: blue
groups:
  local: 本地问题
  Bad-Group: 坏
codes:
  - id: ok_code
    label: 好的
    group: local
    rules:
      - any: [价格]
  - id: ok_code
    label: 重复
    group: local
  - id: Bad Id
    label: 坏编号
    group: local
  - id: no_group
    label: 没有组
    group: nowhere
  - id: empty_rules
    label: 空规则
    group: local
    rules: []
  - id: no_keywords
    label: 没有关键词
    group: local
    rules:
      - all: [价格]
  - id: bad_regex
    label: 坏正则
    group: local
    rules:
      - regex: ['(未闭合']
  - id: lonely_window
    label: 孤窗
    group: local
    rules:
      - any: [价格]
        window: 5
  - id: bad_window
    label: 坏窗口
    group: local
    rules:
      - any: [价格]
        all: [战]
        window: -3
  - id: typo_key
    label: 拼写
    group: local
    rulez: []
  - id: who
    label: 人群
    group: local
    populations: [外星人]
  - id: same_label
    label: 好的
    group: local
"""


def test_every_problem_is_reported_with_its_line_and_place(tmp_path):
    frame, problems = read_code_frame(_write(tmp_path, BROKEN))
    by = {(p.column, p.row): p for p in problems}

    def has(column: str, needle: str, *, found: str | None = None) -> None:
        line = _line(BROKEN, needle)
        assert (column, line) in by, (column, line, [(p.column, p.row) for p in problems])
        if found is not None:
            assert found in by[(column, line)].found

    assert all(p.file == "code_frame.yaml" for p in problems)
    has("colour", "colour:", found="colour")
    has("groups.Bad-Group", "Bad-Group")
    dup = [p for p in problems if p.column == "codes[ok_code].id"]
    assert len(dup) == 1 and "once" in dup[0].expected and dup[0].row == _line(BROKEN, "label: 重复") - 1
    has("codes[Bad Id].id", "id: Bad Id")
    has("codes[no_group].group", "group: nowhere", found="nowhere")
    has("codes[empty_rules].rules", "rules: []", found="empty list")
    has("codes[no_keywords].rules[0]", "- all: [价格]")
    has("codes[bad_regex].rules[0].regex", "(未闭合", found="(未闭合")
    has("codes[lonely_window].rules[0].window", "window: 5")
    has("codes[bad_window].rules[0].window", "window: -3")
    has("codes[typo_key].rulez", "rulez")
    has("codes[who].populations", "外星人", found="外星人")
    same = [p for p in problems if p.column == "codes[same_label].label"]
    assert len(same) == 1 and same[0].row == _line(BROKEN, "id: same_label") + 1
    assert len(problems) == 13
    # what was valid is kept; nothing broken is
    assert "ok_code" in frame and "bad_regex" not in frame and "who" not in frame
    assert frame.code("ok_code").label == "好的"


def test_extends_must_say_default_and_remove_needs_it(tmp_path):
    _, problems = read_code_frame(_write(tmp_path, "extends: basic\nremove: [jargon]\ncodes: []\ngroups: {a: 甲}\n"))
    cols = {p.column for p in problems}
    assert {"extends", "remove"} <= cols
    _, problems = read_code_frame(_write(tmp_path, "extends: default\nremove: [no_such_code]\n"))
    assert [(p.column, p.found) for p in problems] == [("remove", "no_such_code")]


def test_yaml_that_does_not_parse_is_one_problem_with_its_line(tmp_path):
    frame, problems = read_code_frame(_write(tmp_path, "groups:\n  a: 甲\ncodes:\n  - id: [unclosed\n"))
    assert len(problems) == 1 and problems[0].row is not None and problems[0].expected == "valid YAML"
    assert frame is default_code_frame()


def test_a_bundle_label_may_not_reuse_a_default_label(tmp_path):
    text = "extends: default\ncodes:\n  - {id: mine, label: 免费试用, group: failure, rules: [{any: 试用}]}\n"
    _, problems = read_code_frame(_write(tmp_path, text))
    assert [(p.column, p.row, p.found) for p in problems] == [("codes[mine].label", 3, "免费试用")]


def test_skip_kinds_must_be_segment_kinds(tmp_path):
    _, problems = read_code_frame(_write(tmp_path, "extends: default\nskip_kinds: [question, chatter]\n"))
    assert [(p.column, p.found) for p in problems] == [("skip_kinds", "chatter")]
