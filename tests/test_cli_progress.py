"""Progress on the long commands: ``segment``, ``survey``, ``codebook draft``, ``toolbox``, ``case book``.

Each shows its steps in Chinese on standard error (also when it is not a terminal, as ``build``
does), prints and writes exactly what it does with ``--quiet``, and ``--quiet`` shows nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import casekit
import casekit.progress
from casekit.cli import main
from casekit.paths import SAMPLE_BUNDLE

UNSEEN = Path(__file__).parent / "fixtures" / "questionnaires" / "unseen" / "kefu_training_needs.csv"
#: Every label a progress line of these commands starts with.
LABELS = re.compile(r"读取调研资料|汇总每人资料|准备数据|选择类数|与对照数据比较|划分类型|检验稳定性|读取问卷|整理答卷|计分|检查重复提交|地区 |"
                    r"检查案例|编排案例|起草编码簿")


def states(err: str) -> list[str]:
    """Every state of the progress line written to ``err``."""
    return [part.strip() for line in err.split("\n") for part in line.split("\r") if LABELS.match(part.strip())]


def screen(err: str) -> list[str]:
    """The lines of ``err`` as a terminal shows them (a carriage return rewrites the line)."""
    lines = []
    for line in err.split("\n"):
        shown: list[str] = []
        for part in line.split("\r"):
            shown[: len(part)] = part
        lines.append("".join(shown).rstrip())
    return lines


@pytest.fixture(autouse=True)
def every_step_drawn(monkeypatch):
    """Progress on (as a user's shell has it), every step drawn (no rationing: no timing in tests)."""
    monkeypatch.delenv(casekit.progress.NO_PROGRESS_ENV, raising=False)
    monkeypatch.setattr(casekit.progress, "MIN_INTERVAL", 0.0)


def test_segment_shows_its_steps_and_quiet_changes_nothing_else(tmp_path: Path):
    """Run as a user does, one fresh process each (segmentations are remembered within one)."""
    root = str(Path(casekit.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k != casekit.progress.NO_PROGRESS_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    runs = {}
    for flags in ([], ["--quiet"]):
        folder = tmp_path / ("quiet" if flags else "shown")
        folder.mkdir()
        runs[bool(flags)] = subprocess.run(
            [sys.executable, "-m", "casekit.cli", "segment", str(SAMPLE_BUNDLE), "--csv", "segments.csv", *flags],
            cwd=folder, env=env, capture_output=True, timeout=600, check=True,
        )  # bytes: text mode would turn each carriage return into a line break
    shown, quiet = ({"stdout": runs[q].stdout.decode(), "stderr": runs[q].stderr.decode()} for q in (False, True))
    labels = {s.split(" ")[0] for s in states(shown["stderr"])}
    assert {"读取调研资料", "汇总每人资料", "准备数据", "选择类数", "与对照数据比较", "检验稳定性"} <= labels
    assert {"选择类数 3/8", "选择类数 8/8", "与对照数据比较 10/10", "检验稳定性 20/20"} <= set(states(shown["stderr"]))
    assert shown["stdout"] == quiet["stdout"]
    assert (tmp_path / "shown" / "segments.csv").read_bytes() == (tmp_path / "quiet" / "segments.csv").read_bytes()
    assert states(quiet["stderr"]) == [] and "\r" not in quiet["stderr"]
    # what stays on screen is the line written after the work, never a half-cleared progress line
    assert [line for line in screen(shown["stderr"]) if line] == [line for line in screen(quiet["stderr"]) if line]


def _codebook(tmp_path: Path) -> Path:
    from casekit.intake.codebook_draft import write_draft

    path = tmp_path / "codebook.yaml"
    write_draft(UNSEEN, path, platform="plain")
    return path


def test_survey_shows_reading_and_scoring(tmp_path: Path, capsys):
    argv = ["survey", str(UNSEEN), "--codebook", str(_codebook(tmp_path)), "--platform", "plain", "--by", "所在班组"]
    capsys.readouterr()
    assert main(argv) == 0
    shown = capsys.readouterr()
    assert main([*argv, "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert "读取问卷 41 行" in states(shown.err)
    assert "整理答卷" in states(shown.err) and "检查重复提交" in states(shown.err)
    assert any(re.fullmatch(r"计分 \d+/\d+", s) for s in states(shown.err))
    assert shown.out == quiet.out and "服务意识" in shown.out
    assert states(quiet.err) == []
    assert screen(shown.err) == [""]  # nothing else said, and the line is clean


def test_codebook_draft_shows_reading_and_drafting_and_writes_the_same_draft(tmp_path: Path, capsys):
    argv = ["codebook", "draft", str(UNSEEN), "--platform", "plain"]
    assert main([*argv, "--out", str(tmp_path / "shown.yaml")]) == 0
    shown = capsys.readouterr()
    assert main([*argv, "--out", str(tmp_path / "quiet.yaml"), "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert {"读取问卷 41 行", "整理答卷", "起草编码簿"} <= set(states(shown.err))
    assert (tmp_path / "shown.yaml").read_bytes() == (tmp_path / "quiet.yaml").read_bytes()
    assert states(quiet.err) == [] and "\r" not in quiet.err
    # what stays on screen: the respondent id chosen and where the draft went, on clean lines
    assert [line.replace("shown", "quiet") for line in screen(shown.err) if line] == \
        [line for line in quiet.err.split("\n") if line]
    assert main([*argv, "--quiet"]) == 0  # printed instead of written: the same draft
    assert capsys.readouterr().out.encode() == (tmp_path / "quiet.yaml").read_bytes()


def test_codebook_draft_says_in_chinese_which_column_numbers_the_respondents(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["codebook", "draft", str(UNSEEN), "--platform", "plain", "--out", str(tmp_path / "c.yaml")]) == 0
    said = [line for line in screen(capsys.readouterr().err) if line]
    assert said[0].startswith("答卷人编号：「编号」：") and not re.search(r"[a-z]{2,}", said[0])


def test_toolbox_counts_the_regions_and_its_lines_stay_whole(tmp_path: Path, capsys):
    argv = ["toolbox", str(SAMPLE_BUNDLE), "--regions", "南宁", "河北"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    shown = capsys.readouterr()
    assert main([*argv, "--out", str(tmp_path / "b"), "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert "地区 1/2 南宁" in states(shown.err) and "地区 2/2 河北" in states(shown.err)
    assert shown.out.replace(str(tmp_path / "a"), "OUT") == quiet.out.replace(str(tmp_path / "b"), "OUT")
    for name in ("nanning.xlsx", "nanning.docx", "hebei.xlsx", "hebei.docx"):
        assert (tmp_path / "a" / "sample" / "toolbox" / name).read_bytes() == \
            (tmp_path / "b" / "sample" / "toolbox" / name).read_bytes()
    assert states(quiet.err) == []
    # the review summaries printed while the line is up keep lines of their own
    assert screen(shown.err) == [line.replace(str(tmp_path / "b"), str(tmp_path / "a"))
                                 for line in quiet.err.split("\n")]


def test_case_book_counts_the_cases(tmp_path: Path, capsys, shared_sample_cases):
    from casekit.authoring.cases import write_case

    root = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, root)
    for note in ("N002", "N005"):
        write_case(root, shared_sample_cases[note])
    for flags in ([], ["--quiet"]):
        assert main(["case", "book", str(root), "--out", str(tmp_path / f"book{len(flags)}.md"), "--trainer",
                     *flags]) == 0
    printed = capsys.readouterr()
    books = [(tmp_path / f"book{n}.md").read_text(encoding="utf-8") for n in (0, 1)]
    assert books[0] == books[1]
    err = printed.err.split("cases and role-plays written to")  # the first run's messages, then the second's
    assert "检查案例 2/2 C005" in states(err[0]) and "编排案例 1/2 C002" in states(err[0])
    assert states(err[1]) == []


def test_quiet_is_one_option_with_one_meaning(capsys):
    from casekit.cli import build_parser

    parser = build_parser()
    for argv in (["segment", "b"], ["survey", "e.csv", "--codebook", "c.yaml"], ["toolbox", "b"],
                 ["case", "book", "b", "--out", "book.md"], ["build", "b"], ["demo"],
                 ["codebook", "draft", "e.csv"]):
        assert parser.parse_args([*argv, "--quiet"]).quiet is True
        assert parser.parse_args(argv).quiet is False
