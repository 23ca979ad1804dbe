"""The command line's argparse in Chinese (casekit/cli/parser.py): wrapping by display width,
argparse's messages translated, English left as argparse writes it."""

from __future__ import annotations

import argparse

import pytest

from casekit.cli.parser import ArgumentParser, translate_error, wrap
from casekit.cli.terminal_table import cell_width

TEXT = ("把问题另外写成 CSV 表格（UTF-8，带 BOM，可用 Excel 打开），一个问题一行；改动过的文件备份为 "
        "_<文件名>.bak-<时间>，写入 <报告文件夹>/<资料包>/follow-up/。")


@pytest.mark.parametrize("width", [12, 20, 33, 54])
def test_wrapped_chinese_fits_the_width_and_keeps_every_character(width):
    lines = wrap(TEXT, width)
    # a closing mark may hang past the width rather than start a line
    assert all(cell_width(line.rstrip("，。、；：）」》")) <= width and cell_width(line) <= width + 2 for line in lines)
    assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")


@pytest.mark.parametrize("width", [12, 20, 33, 54])
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(width):
    lines = wrap(TEXT, width)
    assert not [line for line in lines[1:] if line[0] in "，。、；：）」》"]
    assert not [line for line in lines[:-1] if line[-1] in "（「《"]


def test_placeholders_and_paths_are_not_broken():
    lines = wrap(TEXT, 40)
    assert any("_<文件名>.bak-<时间>" in line for line in lines)
    assert any("<报告文件夹>/<资料包>/follow-up/" in line for line in lines)


def test_english_help_breaks_at_spaces_only():
    assert wrap("grouping: top_region 省级地区, city 地市, segment 客户经理行为类型", 30,
                between_characters=False) == ["grouping: top_region 省级地区,", "city 地市, segment", "客户经理行为类型"]


def test_argparse_messages_in_chinese_and_others_unchanged():
    assert translate_error("argument --min-n: expected one argument") == "参数 --min-n：需要给出一个值"
    assert translate_error("one of the arguments --a --b is required") == "参数 --a --b 中必须给出一个"
    assert translate_error("应为不小于 1 的整数") == "应为不小于 1 的整数"


def test_a_plain_argparse_parent_lands_in_the_chinese_sections(monkeypatch, capsys):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("folder", help="一个文件夹")
    parent.add_argument("--seed", type=int, help="种子")
    parser = ArgumentParser(prog="casekit x", parents=[parent])
    text = parser.format_help()
    assert text.count("选项：") == 1 and text.count("位置参数：") == 1
    assert "positional arguments" not in text and "options" not in text
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["a", "--seed", "x"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.endswith("casekit x: 错误：参数 --seed：'x' 不是有效的整数\n")


def test_the_space_before_a_latin_word_is_kept():
    assert wrap("替换被人改动过的文件（旧文件备份在旁边，名为 _<文件名>.bak-<时间>）", 58) == [
        "替换被人改动过的文件（旧文件备份在旁边，名为",
        "_<文件名>.bak-<时间>）",
    ]
    assert wrap("旧文件名为 _<文件名>", 40) == ["旧文件名为 _<文件名>"]
