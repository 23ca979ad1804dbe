"""Terminal tables a consultant can read: Chinese aligned, fit to the window, small groups hidden."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from casekit.cli import main
from casekit.cli.common import show
from casekit.cli.terminal_table import PIPE_WIDTH, cell_width, render, terminal_width, truncate

#: The commands of this module read the sample once and analyse its notes once (conftest).
pytestmark = pytest.mark.usefixtures("read_each_bundle_once")


def _starts(line: str, cells: list[str]) -> list[int]:
    """Terminal column where each of ``cells`` (in order) starts in ``line``."""
    starts, at = [], 0
    for cell in cells:
        at = line.index(cell, at)
        starts.append(cell_width(line[:at]))
        at += len(cell)
    return starts


def test_chinese_characters_count_as_two_cells():
    assert cell_width("北京") == 2 * cell_width("ab")
    assert cell_width("占比（%）") == cell_width("占比") + cell_width("（）") + cell_width("%")
    assert cell_width(truncate("市场分析与策略", 7)) <= 7
    assert truncate("市场分析与策略", 7).endswith("…")
    assert truncate("产品", 7) == "产品"


def test_columns_line_up_on_screen_whatever_the_mix_of_chinese_and_latin():
    rows = [["北京", "宽带监控", "4"], ["hebei", "宽视界", "12"], ["内蒙古自治区", "ab", "0"]]
    table = render(["地区", "词语", "次数"], rows, [False, False, True], 80)
    assert not table.dropped
    body = table.lines[1:]
    words = [_starts(line, row[:2])[1] for line, row in zip(body, rows)]
    assert len(set(words)) == 1  # the second column starts at the same screen column on every row
    ends = [cell_width(line) for line in body]
    assert len(set(ends)) == 1  # numbers are right-aligned: they all end at the same column
    assert body[1].endswith("12") and body[0].endswith(" 4")


def test_a_table_too_wide_shortens_text_never_numbers_then_leaves_out_columns():
    rows = [["weak_industry_knowledge", "行业知识薄弱导致无法与客户深入交流", "123456", "0.25"]]
    headers = ["主题编号", "名称", "提到的受访者（人）", "占比（%）"]
    numeric = [False, False, True, True]
    fitted = render(headers, rows, numeric, 50)
    assert all(cell_width(line) <= 50 for line in fitted.lines)
    assert "…" in fitted.lines[-1] and "123456" in fitted.lines[-1] and "0.25" in fitted.lines[-1]
    assert not fitted.dropped
    narrow = render(headers, rows, numeric, 24)
    assert all(cell_width(line) <= 24 for line in narrow.lines)
    assert narrow.dropped and narrow.dropped == headers[len(headers) - len(narrow.dropped):]


def test_long_headers_wrap_onto_a_second_line_instead_of_widening_narrow_number_columns():
    rows = [["beijing", "2", "5"]]
    table = render(["地区编号", "提到的受访者（人）", "本组受访者（人）"], rows, [False, True, True], 30)
    assert all(cell_width(line) <= 30 for line in table.lines)
    assert len(table.lines) == 3 and "（人）" in table.lines[1]


def test_the_width_is_columns_when_set_and_100_when_printing_into_a_pipe(monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_width() == 72
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() == PIPE_WIDTH  # pytest's captured stdout is not a terminal


def test_show_leaves_the_hidden_rows_out_only_when_asked(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "120")
    frame = pd.DataFrame({"code": ["price_selling", "joint_visit", "free_trial"], "n_notes": [7, pd.NA, 6],
                          "suppressed": [False, True, False]}).astype({"n_notes": "Int64"})
    show(frame, None, hide_suppressed=True)
    out = capsys.readouterr().out
    assert "joint_visit" not in out and "price_selling" in out and "人数不足不显示" not in out
    assert "另有 1 行" in out.splitlines()[-1] and "--all" in out.splitlines()[-1]
    show(frame, None)
    out = capsys.readouterr().out
    assert "joint_visit" in out and "--all" not in out


def test_a_table_with_every_row_hidden_is_one_sentence_not_an_empty_header(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "120")
    frame = pd.DataFrame({"code": ["price_selling", "joint_visit"], "n_notes": [pd.NA, pd.NA],
                          "suppressed": [True, True]}).astype({"n_notes": "Int64"})
    show(frame, None, hide_suppressed=True)
    assert capsys.readouterr().out.splitlines() == ["全部 2 行都因人数太少、数字不能显示而未列出；加 --all 可列出这些行"]


def test_an_id_beside_its_chinese_label_is_left_out_on_screen_and_kept_in_the_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "120")
    frame = pd.DataFrame({"dimension": ["product", "industry"], "dimension_label": ["产品", "行业"],
                          "mean": [3.41, 3.0]})
    show(frame, None)
    out = capsys.readouterr().out
    assert "产品" in out and "product" not in out and "维度编号" not in out
    show(frame, tmp_path / "t.csv")
    assert _csv_rows(tmp_path / "t.csv")[0]["维度编号"] == "product"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _cells(line: str) -> list[str]:
    return line.split()


def test_columns_that_do_not_fit_are_named_under_the_table_with_the_way_to_get_them(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "30")
    frame = pd.DataFrame({"region_name": ["北京"], "n_notes": [7], "n_interviewees": [5], "group_notes": [9],
                          "group_interviewees": [6]})
    show(frame, None)
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_width(line) <= 30 for line in lines[:-1])
    assert "未显示" in lines[-1] and "本组受访者（人）" in lines[-1] and "--csv" in lines[-1]


def test_codes_fits_the_terminal_hides_small_groups_and_all_lists_them(tmp_path, monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "90")
    assert main(["codes", str(SAMPLE_BUNDLE), "--csv", str(tmp_path / "codes.csv")]) == 0
    capsys.readouterr()
    every = _csv_rows(tmp_path / "codes.csv")
    n_hidden = sum(row["人数不足不显示"] == "是" for row in every)
    assert 0 < n_hidden < len(every)

    assert main(["codes", str(SAMPLE_BUNDLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_width(line) <= 90 for line in lines)
    assert any(f"另有 {n_hidden} 行" in line and "--all" in line for line in lines[-2:])
    shown_rows = [line for line in lines if line.split()[0] in {row["地区"] for row in every}]
    assert len(shown_rows) == len(every) - n_hidden

    assert main(["codes", str(SAMPLE_BUNDLE), "--all"]) == 0
    out = capsys.readouterr().out
    assert "--all" not in out
    assert sum(line.split()[0] in {row["地区"] for row in every} for line in out.splitlines()) == len(every)


def test_codes_csv_still_has_every_row_and_column(tmp_path, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    from casekit.analysis.notes_analysis import analyse_notes
    from casekit.intake import load_bundle

    frame = analyse_notes(load_bundle(SAMPLE_BUNDLE)).frequencies()
    assert main(["codes", str(SAMPLE_BUNDLE), "--csv", str(tmp_path / "codes.csv")]) == 0
    rows = _csv_rows(tmp_path / "codes.csv")
    # every row and column, and the region and the theme group in words beside their ids
    assert len(rows) == len(frame) and len(rows[0]) == frame.shape[1] + 2
    assert {r["主题类别编号"]: r["主题类别"] for r in rows}["dimension"] == "调研维度"
    assert {r["地区编号"]: r["地区"] for r in rows}["hebei"] == "河北"
    assert {r["主题编号"]: r["主题"] for r in rows}["price_selling"] == "推销方式错误（价格战）"


def test_findings_on_screen_say_what_is_compared_and_which_way_in_words(monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "160")
    assert main(["findings", str(SAMPLE_BUNDLE), "--regions", "beijing"]) == 0
    table = capsys.readouterr().out.split("\n\n", 1)[1]
    assert "目标水平" in table and "其他地区" in table and "偏弱" in table and "无明显差异" in table
    assert "vs_required" not in table and "vs_other_regions" not in table and "weaker" not in table


def test_keywords_lists_only_words_used_more_in_the_group_than_elsewhere(monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    from casekit.analysis.notes_analysis import analyse_notes
    from casekit.intake import load_bundle

    bundle = load_bundle(SAMPLE_BUNDLE)
    every = analyse_notes(bundle).keywords()
    assert (every["z"] <= 0).any()  # the sample has words a region uses less than the others
    every["region"] = every["top_region_id"].map(bundle.manifest.name)  # printed by name
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["keywords", str(SAMPLE_BUNDLE), "--top", "30"]) == 0
    out = capsys.readouterr().out
    rows = [_cells(line) for line in out.splitlines() if line.split()[0] in set(every["region"])]
    assert rows
    scores = [float(row[-1]) for row in rows]
    assert all(score > 0 for score in scores)
    negative = every.loc[every["z"] <= 0]
    printed = {(row[0], row[1]) for row in rows}
    assert not printed & set(zip(negative["region"], negative["word"]))


def test_ids_are_shortened_before_the_chinese_labels_beside_them():
    rows = [["hebei:other_cities", "河北其他地市", "31"]]
    table = render(["分组编号", "分组", "人数"], rows, [False, False, True], 30, ids=[True, False, False])
    assert "河北其他地市" in table.lines[-1] and "hebei:other_cities" not in table.lines[-1]
    assert all(cell_width(line) <= 30 for line in table.lines)


@pytest.mark.parametrize("command", [["gaps", "--by", "city"], ["review360", "--regions", "hebei", "shijiazhuang"]])
def test_gaps_and_review360_hide_small_groups_unless_all(command, tmp_path, monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "400")
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], "--csv", str(tmp_path / "t.csv")]) == 0
    capsys.readouterr()
    every = _csv_rows(tmp_path / "t.csv")
    n_hidden = sum(row["人数不足不显示"] == "是" for row in every)
    assert 0 < n_hidden < len(every)
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:]]) == 0
    short = capsys.readouterr().out.splitlines()
    assert any(f"另有 {n_hidden} 行" in line and "--all" in line for line in short[-2:])
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], "--all"]) == 0
    full = capsys.readouterr().out.splitlines()
    assert not any("--all" in line for line in full)
    assert len(full) - len(short) == n_hidden - 1  # the hidden rows are back; the line about them is gone


#: A lowercase English word on its own (an id such as ``hebei`` or ``account_manager``), not part of a
#: path, a file name or an option such as ``--all``.
_ENGLISH_WORD = re.compile(r"(?<![\w./-])[a-z][a-z_]+(?![\w.-])")


@pytest.mark.parametrize("command", [
    ["review360"], ["review360", "--regions", "河北", "天津"], ["review360", "--managers"],
    ["review360", "--managers", "--gap"], ["gaps"], ["gaps", "--by", "city"], ["linkage"], ["linkage", "--visits"],
])
def test_tables_name_what_they_show_in_chinese_and_the_csv_keeps_the_ids(command, tmp_path, monkeypatch, capsys):
    from casekit.intake.manifest import read_manifest
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "400")
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], *(["--all"] if command[0] != "linkage" else [])]) == 0
    printed = capsys.readouterr().out
    assert _ENGLISH_WORD.findall(printed) == []  # hebei, all, account_manager, self, rate_asks_needs, ride …
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], "--csv", str(tmp_path / "t.csv")]) == 0
    rows = _csv_rows(tmp_path / "t.csv")
    manifest = read_manifest(SAMPLE_BUNDLE)[0]
    regions = {(r[f"{column}编号"], r[column]) for r in rows for column in ("所在地区", "地区") if column in r}
    assert all(name == ("全部地区" if rid == "all" else manifest.name(rid)) for rid, name in regions)
    assert regions or command[0] != "review360"
    if command[0] == "gaps":
        from casekit.domain import POPULATIONS

        assert {r["岗位"] for r in rows} == {"政企客户经理", "支撑人员", "销售管理人员"}
        assert all(POPULATIONS[r["岗位编号"]].label == r["岗位"] for r in rows)


def test_case_list_names_kind_region_and_status_in_chinese(tmp_path, capsys, shared_sample_cases):
    import shutil

    from casekit.authoring.cases import write_case
    from casekit.paths import SAMPLE_BUNDLE

    root = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, root)
    write_case(root, shared_sample_cases["N002"])
    assert main(["case", "list", str(root)]) == 0
    printed = capsys.readouterr().out
    assert _ENGLISH_WORD.findall(printed) == []
    assert "案例" in printed and "草稿" in printed and "石家庄" in printed


@pytest.mark.parametrize("command", [
    ["codes"], ["codes", "--by", "city"], ["codes", "--by", "population"], ["codes", "--by", "method"],
    ["codes", "--cooccurrence"], ["codes", "--frame"],
    ["keywords"], ["keywords", "--by", "population"], ["keywords", "--by", "method", "--themes"],
    ["keywords", "--themes"],
])
def test_notes_tables_name_regions_people_and_themes_in_chinese(command, tmp_path, monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "400")
    all_rows = ["--all"] if command[0] == "codes" else []
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], *all_rows]) == 0
    printed = capsys.readouterr().out
    # hebei, account_manager, demo_hall_visit, dim_strategy, unknown_time_use, any(…), default …
    assert _ENGLISH_WORD.findall(printed) == []
    assert main([command[0], str(SAMPLE_BUNDLE), *command[1:], "--csv", str(tmp_path / "t.csv")]) == 0
    rows = _csv_rows(tmp_path / "t.csv")
    # the CSV keeps each id beside its name, and what is printed is those names
    pairs = [(f"{name}编号", name) for name in ("地区", "所在地区", "岗位", "调研方式", "主题", "主题甲", "主题乙", "主题类别")
             if f"{name}编号" in rows[0]]
    assert pairs
    for id_header, name_header in pairs:
        assert all(row[id_header] and row[name_header] != row[id_header] for row in rows)
        assert {row[name_header] for row in rows} & set(printed.split())


def test_codes_frame_prints_its_rules_in_words_and_the_csv_as_code_frame_yaml_has_them(tmp_path, monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "1000")
    assert main(["codes", str(SAMPLE_BUNDLE), "--frame"]) == 0
    lines = capsys.readouterr().out.splitlines()
    price = next(line for line in lines if line.startswith("推销方式错误（价格战）"))
    assert "全部岗位" in price and "默认框架" in price  # a code for every note
    assert "政企客户经理、支撑人员" in next(line for line in lines if line.startswith("产品 "))
    assert "不含：跳出、不降价就" in price and "相距 6 字以内" in price
    assert main(["codes", str(SAMPLE_BUNDLE), "--frame", "--csv", str(tmp_path / "frame.csv")]) == 0
    row = next(r for r in _csv_rows(tmp_path / "frame.csv") if r["主题编号"] == "price_selling")
    assert "none(跳出|不降价就" in row["规则"] and "window 6" in row["规则"] and row["来源"] == "default"
    assert row["适用岗位"] == ""


def test_keywords_by_people_compare_with_the_other_groups_not_the_other_regions(monkeypatch, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("COLUMNS", "400")
    assert main(["keywords", str(SAMPLE_BUNDLE), "--by", "population"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "其他组次数" in header and "其他地区" not in header
    assert main(["keywords", str(SAMPLE_BUNDLE)]) == 0
    assert "其他地区次数" in capsys.readouterr().out.splitlines()[0]


def test_followup_tables_line_up_in_chinese_and_cut_nothing(capsys, monkeypatch):
    """followup's tables were DataFrame.to_string: Chinese columns drifted. Each column now starts
    at the same terminal cell on every line, and every verdict and interval is whole."""
    import re

    from casekit.cell_width import cell_width
    from casekit.paths import SAMPLE_BUNDLE

    monkeypatch.setenv("CASEKIT_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["followup", str(SAMPLE_BUNDLE)]) == 0
    out = capsys.readouterr().out
    block = out.split("【第一层")[1].split("\n\n")[0].splitlines()[1:]  # header and rows of the first table
    assert len(block) > 5 and "…" not in "".join(block)
    starts = [[cell_width(line[:m.end()]) for m in re.finditer(r" {2,}", line)] for line in block]
    assert all(s == starts[0] for s in starts), block
    assert all(re.search(r"\d+\.\d\d 分 至 \d+\.\d\d 分", line) for line in block[1:])


def test_segment_tables_line_up_in_chinese(capsys, monkeypatch, tmp_path):
    """segment printed its k table with DataFrame.to_string: the Chinese headers pushed the
    numbers out of their columns. Each number now ends where its header ends (in terminal
    cells), with two decimals."""
    import re

    from casekit.cell_width import cell_width
    from conftest import MINI

    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["segment", str(MINI), "--quiet", "--csv", str(tmp_path / "s.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("类数"))
    table = [line for line in lines[first:] if line.strip()][:3]

    def ends(line: str) -> list[int]:
        return [cell_width(line[: m.end()]) for m in re.finditer(r"\S+", line)]

    for row in table[1:]:
        assert ends(row)[:5] == ends(table[0])[:5], table  # the five numeric columns, right-aligned
        assert all(c == "-" or re.fullmatch(r"-?\d+\.\d\d", c) for c in row.split()[1:5]), row
