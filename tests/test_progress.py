"""progress.py: the steps a long function reports, and the one terminal line that shows them."""

from __future__ import annotations

import io

import pytest

from casekit.progress import NO_PROGRESS_ENV, Progress, TerminalProgress


def screen(written: str) -> list[str]:
    """What a terminal shows after ``written``: a carriage return goes back to the line's start."""
    lines: list[str] = []
    line: list[str] = []
    cursor = 0
    for char in written:
        if char == "\r":
            cursor = 0
        elif char == "\n":
            lines.append("".join(line).rstrip())
            line, cursor = [], 0
        else:
            if cursor < len(line):
                line[cursor] = char
            else:
                line.append(char)
            cursor += 1
    lines.append("".join(line).rstrip())
    return lines


def drawn(written: str) -> list[str]:
    """Every state of the line, in order (what a reader of the terminal saw)."""
    return [part.rstrip() for part in written.split("\r") if part.strip()]


def terminal(**kwargs) -> tuple[TerminalProgress, io.StringIO]:
    stream = io.StringIO()
    return TerminalProgress(stream=stream, min_interval=0, width=60, **kwargs), stream


def test_the_default_shows_nothing(capsys):
    progress = Progress()
    with progress.task("选择类数", total=8) as task:
        for _ in range(8):
            task.step()
    assert capsys.readouterr() == ("", "")
    assert task.count == 8 and task.closed and progress.tasks == []


def test_steps_are_counted_and_named_in_chinese():
    progress, stream = terminal()
    with progress.task("地区", total=19) as task:
        for name in ("北京", "天津", "河北", "山东", "天津"):
            task.step(name)
        assert stream.getvalue().endswith("地区 5/19 天津")
    with progress.task("读取问卷", unit="行") as rows:
        rows.add(4000)
        rows.add(8000)
    with progress.task("选择类数", total=8) as k:
        for _ in range(3):
            k.step()
    states = drawn(stream.getvalue())
    assert "地区 1/19 北京" in states and "地区 5/19 天津" in states
    assert "读取问卷 12000 行" in states
    assert states[-1] == "选择类数 3/8"
    assert screen(stream.getvalue()) == [""]  # every step ended: the line is clean


def test_a_step_inside_another_shares_the_line_and_gives_it_back():
    progress, stream = terminal()
    with progress.task("地区", total=5) as regions:
        regions.step("河北")
        with progress.task("选择类数", total=8) as k:
            k.step()
            k.step()
            assert screen(stream.getvalue()) == ["地区 1/5 河北 · 选择类数 2/8"]
        assert screen(stream.getvalue()) == ["地区 1/5 河北"]  # no trace of the inner step
    assert screen(stream.getvalue()) == [""]


@pytest.mark.parametrize("error", [ValueError("bad cell"), KeyboardInterrupt()])
def test_an_error_or_ctrl_c_leaves_the_line_clean(error):
    progress, stream = terminal()
    with pytest.raises(type(error)):
        with progress.task("计分", total=15) as task:
            task.step()
            raise error
    assert "计分 1/15" in drawn(stream.getvalue())
    assert screen(stream.getvalue()) == [""]
    assert progress.tasks == []


def test_closing_the_display_clears_a_step_left_open():
    progress, stream = terminal()
    with progress:
        progress.task("整理答卷").step()
    assert screen(stream.getvalue()) == [""]


def test_a_line_printed_while_a_step_runs_gets_a_line_of_its_own():
    progress, stream = terminal()
    with progress.task("地区", total=2) as task:
        task.step("北京")
        progress.write("北京：toolbox/beijing.xlsx", file=stream)
        task.step("天津")
    assert screen(stream.getvalue()) == ["北京：toolbox/beijing.xlsx", ""]


def test_quiet_and_the_environment_switch_turn_it_off(monkeypatch):
    quiet, stream = terminal(enabled=False)
    with quiet.task("选择类数", total=8) as task:
        task.step()
    assert stream.getvalue() == ""
    monkeypatch.setenv(NO_PROGRESS_ENV, "1")
    off, stream = terminal()
    with off.task("选择类数", total=8) as task:
        task.step()
    assert stream.getvalue() == ""


def test_a_running_count_is_redrawn_sparingly_and_each_counted_item_at_once():
    stream = io.StringIO()
    progress = TerminalProgress(stream=stream, min_interval=3600, width=60)
    with progress.task("读取问卷", unit="行") as rows:
        for _ in range(100):
            rows.add(1000)
    with progress.task("计分", total=3) as task:
        for _ in range(3):
            task.step()
    states = drawn(stream.getvalue())
    assert states == ["读取问卷", "计分", "计分 1/3", "计分 2/3", "计分 3/3"]  # not one draw per 1,000 rows


def test_a_long_line_is_cut_to_the_width_and_never_wraps():
    progress, stream = terminal()
    with progress.task("地区", total=3) as task:
        task.step("内蒙古自治区呼和浩特市赛罕区" * 5)
        line = screen(stream.getvalue())[0]
    assert line.startswith("地区 1/3 内蒙古") and line.endswith("…")
    assert sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in line) <= 60


def test_a_name_cannot_drive_the_terminal():
    progress, stream = terminal()
    with progress.task("地区", total=1) as task:
        task.step("天津\x1b]0;title\x07")
    assert "\x1b" not in stream.getvalue() and "\x07" not in stream.getvalue()
