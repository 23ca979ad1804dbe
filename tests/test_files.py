"""Atomic output files: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from casekit.exceptions import OutputError
from casekit.files import write_atomic


def test_writes_text_and_bytes_and_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "sub" / "表.csv"
    write_atomic(target, "维度,均分\n")
    assert target.read_text(encoding="utf-8") == "维度,均分\n"
    write_atomic(target, b"\xef\xbb\xbfa\n")
    assert target.read_bytes() == b"\xef\xbb\xbfa\n"
    assert [p.name for p in target.parent.iterdir()] == ["表.csv"]
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others, not mkstemp's 0600


def test_an_unwritable_target_is_an_output_error_and_the_old_file_stays(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="file"):
        write_atomic(blocker / "child.csv", "x")  # a file where a folder should be
    assert blocker.read_text(encoding="utf-8") == "old"
