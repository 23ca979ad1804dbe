"""Files named on the command line: patterns and folders expanded by casekit (Windows shells do not)."""

from __future__ import annotations

import ntpath
from pathlib import Path

import pytest

from casekit.cli import main
from casekit.input_paths import expand_paths
from casekit.paths import SAMPLE_BUNDLE

SUFFIXES = (".md", ".txt", ".docx")


@pytest.fixture
def notes(tmp_path, monkeypatch):
    folder = tmp_path / "访谈记录"
    (folder / "二期").mkdir(parents=True)
    for name in ("N2.md", "N1.md", "N3.txt", "README.pdf", ".hidden.md", "~$N1.docx"):
        (folder / name).write_text("王经理说，下周再谈。\n", encoding="utf-8")
    (folder / "二期" / "N9.md").write_text("客户说要再看看。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def names(files):
    return [p.name for p in files]


def test_a_folder_gives_its_notes_sorted_and_a_pattern_what_it_matches(notes):
    files, problems = expand_paths(["访谈记录"], SUFFIXES)
    assert names(files) == ["N1.md", "N2.md", "N3.txt"] and problems == []  # no PDF, hidden or Office lock file
    files, problems = expand_paths(["访谈记录/*.md"], SUFFIXES)
    assert names(files) == ["N1.md", "N2.md"] and problems == []
    files, _ = expand_paths(["访谈记录/**/*.md"], SUFFIXES)
    assert names(files) == ["N1.md", "N2.md", "N9.md"]


def test_a_file_named_twice_is_kept_once_and_plain_names_pass_through(notes):
    files, problems = expand_paths(["访谈记录/N2.md", "访谈记录/*.md", "missing.md"], SUFFIXES)
    assert names(files) == ["N2.md", "N1.md", "missing.md"] and problems == []  # missing.md: the caller says so


def test_every_empty_folder_and_unmatched_pattern_is_reported_at_once(notes, tmp_path):
    (tmp_path / "空").mkdir()
    files, problems = expand_paths(["空", "访谈记录/*.docx", "访谈记录/N1.md"], SUFFIXES)
    assert names(files) == ["N1.md"]
    assert problems == ["空: a folder without notes (.md, .txt, .docx)",
                        "访谈记录/*.docx: no file matches this pattern"]


@pytest.mark.skipif(Path("a\\b").name != "a\\b", reason="on Windows backslashes are separators already")
def test_a_backslash_pattern_is_a_file_name_off_windows(notes):
    """What PowerShell passes for ``notes\\*.md``: on Windows casekit expands it (glob and pathlib
    read backslashes as separators there); elsewhere a backslash is part of a file name."""
    pattern = ntpath.join("访谈记录", "*.md")
    assert pattern == "访谈记录\\*.md"
    files, problems = expand_paths([pattern], SUFFIXES)
    assert files == [] and problems == ["访谈记录\\*.md: no file matches this pattern"]


def test_redact_takes_a_folder_and_a_pattern_as_powershell_passes_them(tmp_path, monkeypatch, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("N001.md", "N002.md"):
        (notes / name).write_bytes((SAMPLE_BUNDLE / "notes" / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["redact", "notes/*.md"]) == 0  # unexpanded, as PowerShell and cmd pass it
    out = capsys.readouterr().out
    assert "==> notes/N001.md <==" in out and "==> notes/N002.md <==" in out
    assert main(["redact", "notes", "--out", "redacted"]) == 0
    assert sorted(p.name for p in (tmp_path / "redacted").iterdir()) == ["N001.md", "N002.md"]
    capsys.readouterr()
    assert main(["redact", "notes/*.docx", "empty-folder-missing.md"]) == 1
    err = capsys.readouterr().err
    assert "notes/*.docx: no file matches this pattern" in err and "empty-folder-missing.md: no such file" in err
