"""The ``casekit`` command under faults: Ctrl-C, a reader that closes the pipe, and where the
default output folders are (the working directory, wherever casekit itself is installed).

These run the command as a user does, in a subprocess, from a folder outside the checkout.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casekit.reports.build_state import STATE_FILE
import casekit
from casekit import cli
from casekit.paths import PROJECT_ROOT, SAMPLE_BUNDLE

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)

CASEKIT = [sys.executable, "-m", "casekit.cli"]


def _env() -> dict[str, str]:
    """The environment of a user's shell: casekit importable (this checkout), no progress bar."""
    root = str(Path(casekit.__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "CASEKIT_NO_PROGRESS": "1"}


def _listing(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")} if folder.is_dir() else {}


# -- Ctrl-C ------------------------------------------------------------------------------------------
def test_ctrl_c_in_any_command_is_one_line_and_exit_130(monkeypatch, capsys):
    import casekit.intake.bundle

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(casekit.intake.bundle, "check_bundle", interrupted)
    assert cli.main(["validate", str(SAMPLE_BUNDLE)]) == 130
    captured = capsys.readouterr()
    assert captured.err == (
        "casekit validate: interrupted; what was already written is kept, nothing is left half-written\n"
    )
    assert captured.out == ""


def test_ctrl_c_during_a_build_keeps_what_was_published(tmp_path):
    """Ctrl-C in the terminal (SIGINT to the whole process group) while the second region is
    being built: one line on stderr, exit 130, the first report intact, nothing half-written, the
    lock released, and the next build works."""
    out = tmp_path / "reports"
    # One kernel: the regions are built one after the other, so Hebei is being built when Ctrl-C comes.
    build = [*CASEKIT, "build", str(SAMPLE_BUNDLE), "--out", str(out), "--quiet", "--jobs", "1", "--regions"]
    proc = subprocess.Popen([*build, "beijing", "hebei"], cwd=tmp_path, env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    first = out / "sample" / "beijing" / "report.html"
    deadline = time.monotonic() + 300
    try:
        while not first.is_file():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the first region was not published in 300 s"
            time.sleep(0.05)
        time.sleep(0.5)  # Hebei's report is being built now
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when the test fails
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == [
        "casekit build: interrupted; what was already written is kept, nothing is left half-written"
    ]
    out_dir = out / "sample"
    published = first.read_bytes()
    assert b"</html>" in published
    assert (out_dir / "beijing" / "report.ipynb").is_file()
    # no temporary folder, no report moved aside, no lock file
    assert [p.name for p in out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE] == []
    if (out_dir / "hebei").exists():  # finished just before the interrupt: then it is whole
        assert (out_dir / "hebei" / "report.html").is_file()

    again = subprocess.run([*build, "hebei"], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert first.read_bytes() == published
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="hebei/report.html"' in index
    assert [p.name for p in out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE] == []


# -- a reader that stops reading ---------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["segment", str(SAMPLE_BUNDLE)], ["codes", str(SAMPLE_BUNDLE)]])
def test_closed_stdout_ends_quietly_with_141(tmp_path, argv):
    """``casekit segment … | head``: the reader is gone before casekit prints; no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # `head` has read its lines and exited
    try:
        proc = subprocess.run([*CASEKIT, *argv], cwd=tmp_path, env=_env(), stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=600)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Error" not in proc.stderr


def test_reader_that_stops_after_one_line(tmp_path):
    proc = subprocess.Popen([*CASEKIT, "codes", str(SAMPLE_BUNDLE)], cwd=tmp_path, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "主题类别" in proc.stdout.readline()  # the header line (Chinese headers)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.wait(timeout=600)
    assert proc.returncode in (0, 141)  # 0 when it had printed everything before the close
    assert stderr == ""


# -- default output folders --------------------------------------------------------------------------
def test_default_outputs_go_to_the_working_directory(tmp_path):
    """Run from a folder outside the checkout: the sample, the person → segment table and the
    toolbox land under that folder, and nothing is written into the checkout."""
    assert not tmp_path.resolve().is_relative_to(PROJECT_ROOT.resolve())
    before = {name: _listing(PROJECT_ROOT / name) for name in ("reports", "internal", "research_data")}

    def run(*argv: str) -> None:
        proc = subprocess.run([*CASEKIT, *argv], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr

    run("sample")
    assert (tmp_path / "research_data" / "sample" / "manifest.yaml").is_file()
    run("segment", "research_data/sample")
    assert (tmp_path / "internal" / "sample" / "segments.csv").is_file()
    run("toolbox", "research_data/sample", "--regions", "南宁")
    toolbox = tmp_path / "reports" / "sample" / "toolbox"
    assert sorted(p.name for p in toolbox.iterdir() if not p.name.startswith(".")) == [
        "nanning.docx", "nanning.xlsx", "nanning_待修改清单.md",
    ]  # beside the safe-save ledger .casekit-written.json
    after = {name: _listing(PROJECT_ROOT / name) for name in ("reports", "internal", "research_data")}
    assert after == before


def test_a_table_printed_to_the_terminal_carries_no_escape_sequence(capsys):
    """A bundle cell holding ESC or BEL (a case title) is shown as \\x1b, never sent to the terminal."""
    import pandas as pd

    from casekit.cli.common import show

    show(pd.DataFrame({"title": ["红\x1b]0;pwned\x07色", "正常"]}), None)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;pwned\\x07" in out and "正常" in out
