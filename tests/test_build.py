"""``build_reports``: per-region reports, offline HTML, the index, failures and atomicity.

The end-to-end build runs the real report notebook for two regions of the sample bundle, in the
session's :func:`conftest.two_region_builds` (also read by the pool test of ``test_build_incremental``). Failure handling uses the tiny probe notebook of ``fixtures/notebooks``.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from casekit.exceptions import (
    BuildError,
    BuildLockedError,
    BundleValidationError,
    CasekitError,
    CJKFontNotFoundError,
    NotebookNotFoundError,
    OutputError,
    RegionError,
)
from casekit.intake import load_bundle
from casekit.reports.summary import SECTION_TITLES
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build as build_module
from casekit.reports import build_reports
from casekit.reports.build_state import STATE_FILE
from casekit.reports.export import external_urls
from conftest import write_page_here

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE_BUNDLE)


@pytest.fixture(scope="module")
def built(two_region_builds):
    """The real report notebook built for Beijing and Hebei (the latter asked by name), with the
    default pool of kernels (the session's build, shared with the pool test)."""
    return two_region_builds["pooled"], two_region_builds["pooled_out"]


# -- the real report, end to end ----------------------------------------------------------------
def test_build_publishes_both_regions(built):
    result, out = built
    assert result.ok, result.failed
    assert result.built == ["beijing", "hebei"]
    assert result.failed == {}
    assert result.out_dir == out.resolve() / "sample"
    # A pool of warm kernels, one per core (never more than the regions): each started once.
    assert result.workers == min(build_module.default_jobs(), 2) and result.backend == "kernels"
    assert result.kernel_starts == result.workers
    for region in ("beijing", "hebei"):
        assert (result.out_dir / region / "report.ipynb").is_file()
        assert (result.out_dir / region / "report.html").is_file()
    assert not [p.name for p in result.out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]


def test_index_links_every_region_built(built):
    result, _ = built
    assert result.index_path == result.out_dir / "index.html"
    html = result.index_path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert 'href="beijing/report.html"' in html and 'href="hebei/report.html"' in html
    assert "北京" in html and "河北" in html
    assert external_urls(html) == []


@pytest.mark.parametrize("region, name", [("beijing", "北京"), ("hebei", "河北")])
def test_report_html_is_chinese_codeless_and_offline(built, region, name):
    result, _ = built
    html = (result.out_dir / region / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert re.search(rf"<h1[^>]*>{name}地区培训需求调研报告", html)
    for heading in SECTION_TITLES.values():  # the structure of a 调研报告
        assert re.search(rf"<h2[^>]*>{re.escape(heading)}", html), heading
    for heading in ("（一）各维度得分与其他地区对比", "（三）能力差距（与目标水平相比）", "（四）客户经理类型",
                    "（五）销售管理人员360°评估", "（一）客户经理的时间花在哪里（工作随访）", "（二）访谈与随访要点",
                    "（三）能力与业绩的关系", "各岗位课程设计详情", "术语表"):
        assert heading in html, heading
    # no code: no editor areas, none of the notebook's source
    assert not re.search(r'class="[^"]*jp-InputArea-editor', html)
    assert "compare_region" not in html and "load_bundle" not in html
    # opens offline: nothing loaded from another host; the chart is embedded
    assert external_urls(html) == []
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "data:image/png;base64," in html


def test_same_inputs_give_byte_identical_reports_and_index(built, two_region_builds):
    """Reproducible: rebuilding from the same bundle gives the same bytes (index page too).

    The rebuild is the session's second build of the two regions, from scratch into another folder
    (in one kernel: the pool test compares the same two builds file by file)."""
    result, _ = built
    again = two_region_builds["serial"]
    assert again.ok and again.out_dir != result.out_dir
    for region in ("beijing", "hebei"):
        first, second = result.out_dir / region, again.out_dir / region
        assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()
        assert (first / "report.ipynb").read_bytes() == (second / "report.ipynb").read_bytes()
    # index.json logs when each report was built; the page shows it only for out-of-date ones
    assert again.index_path.read_bytes() == result.index_path.read_bytes()
    assert not re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", again.index_path.read_text(encoding="utf-8"))


def test_report_notebook_names_no_local_path_and_no_run_times(built, tmp_path):
    result, out = built
    text = (result.out_dir / "beijing" / "report.ipynb").read_text(encoding="utf-8")
    for local in (str(Path.home()), str(SAMPLE_BUNDLE.parent), str(out), "/tmp/"):
        assert local not in text, local
    for volatile in ("start_time", "end_time", "duration", "input_path", "output_path", "iopub.execute_input"):
        assert volatile not in text, volatile
    nb = nbformat.read(str(result.out_dir / "beijing" / "report.ipynb"), as_version=4)
    # the kernel runs in the bundle's parent folder: the bundle is named by its folder alone, so
    # the report is the same wherever casekit (a checkout, an installed wheel) or the bundle is
    assert nb.metadata.papermill.parameters == {"bundle_path": "sample", "region": "beijing"}


def test_reports_identify_no_individual(built, sample):
    result, _ = built
    ids = set(sample.respondents["respondent_id"]) | set(sample.reviews_360["manager_id"])
    for region in ("beijing", "hebei"):
        text = (result.out_dir / region / "report.html").read_text(encoding="utf-8")
        assert not ids & set(re.findall(r"[A-Za-z0-9_-]+", text))


def test_reports_show_no_staff_code_or_manager_id(built):
    """The new sections (types, ride-alongs, 360°) name no account manager (AM…) nor manager (SM…)."""
    result, _ = built
    for region in ("beijing", "hebei"):
        html = (result.out_dir / region / "report.html").read_text(encoding="utf-8")
        text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", html)  # the charts' bytes
        assert not re.findall(r"(?<![A-Za-z0-9])(?:AM|SM|SE)\d+", text)
        for section in ("目标水平", "本地区人数", "随访观察的客户经理（人）", "自评减他评", "相关，不代表因果"):
            assert section in text, section


def test_executed_notebook_has_no_errors(built):
    result, _ = built
    nb = nbformat.read(str(result.out_dir / "hebei" / "report.ipynb"), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]


# -- failures, atomicity, regions ---------------------------------------------------------------
@pytest.fixture(scope="module")
def probe_builds(tmp_path_factory, sample):
    """Probe builds into one folder: all good, then the second region failing, then dying."""
    out = tmp_path_factory.mktemp("probe")
    first, second, third = sample.manifest.top_level_ids()[:3]
    regions = [first, second, third]
    good = build_reports(SAMPLE_BUNDLE, regions=regions, out=out, progress=False, notebook=PROBE)
    before = (good.out_dir / second / "report.html").read_bytes()
    # One kernel: the third region must then run in a replacement for the kernel the second killed
    # (with two, whether the dead one is lent again depends on which thread is free first).
    bad = build_reports(
        SAMPLE_BUNDLE, regions=regions, out=out, progress=False, notebook=PROBE, jobs=1,
        parameters={"die_region": second, "fail_region": third},
    )
    return regions, good, bad, before


def test_failing_region_is_named_and_others_published(probe_builds):
    (first, second, third), good, bad, _ = probe_builds
    assert good.ok and good.built == [first, second, third]
    assert not bad.ok
    assert bad.built == [first]
    assert set(bad.failed) == {second, third}
    assert "kernel died" in bad.failed[second]
    assert f"RuntimeError: planned failure for {third}" in bad.failed[third]
    assert bad.kernel_starts == 2  # the dead kernel was replaced for the third region
    with pytest.raises(BuildError, match=rf"2 region report\(s\) failed:\n  - {second}: the kernel died"):
        bad.raise_for_failures()
    good.raise_for_failures()


def test_failed_region_keeps_previous_report_marked_stale(probe_builds):
    (_, second, third), _, bad, before = probe_builds
    assert (bad.out_dir / second / "report.html").read_bytes() == before
    assert sorted(bad.stale) == sorted([second, third])
    index = bad.index_path.read_text(encoding="utf-8")
    row = re.search(rf'<tr class="(\w+)" id="region-{second}">', index)
    assert row and row.group(1) == "stale"
    assert "已过期" in index and f'href="{second}/report.html"' in index
    assert not [p.name for p in bad.out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]


def test_index_page_hides_errors_which_index_json_keeps(probe_builds):
    (_, _, third), _, bad, _ = probe_builds
    index = bad.index_path.read_text(encoding="utf-8")
    assert "planned failure" not in index and "RuntimeError" not in index and "kernel died" not in index
    assert index.count("请查看构建日志") == 2
    saved = {e["region_id"]: e for e in json.loads((bad.out_dir / "index.json").read_text(encoding="utf-8"))["regions"]}
    assert saved[third]["error"] == bad.failed[third] and "planned failure" in saved[third]["error"]


def test_failed_region_without_previous_report_publishes_nothing(tmp_path, sample):
    region = sample.manifest.top_level_ids()[0]
    result = build_reports(
        SAMPLE_BUNDLE, regions=[region], out=tmp_path, progress=False, notebook=PROBE,
        parameters={"fail_region": region}, reuse_kernel=False,
    )
    assert result.built == [] and list(result.failed) == [region]
    assert result.kernel_starts == 1
    assert not (result.out_dir / region).exists()
    assert sorted(p.name for p in result.out_dir.iterdir()) == [STATE_FILE, "index.html", "index.json"]
    index = result.index_path.read_text(encoding="utf-8")
    assert "生成失败" in index and f'href="{region}/report.html"' not in index


def test_unknown_region_lists_known_ids(tmp_path):
    with pytest.raises(RegionError, match=r"unknown regions 'atlantis', '火星'; known region ids: beijing \(北京\)"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing", "atlantis", "火星"], out=tmp_path, progress=False)
    assert not (tmp_path / "sample").exists()


def test_region_names_and_ids_resolve(sample):
    from casekit.reports import resolve_regions

    manifest = sample.manifest
    assert resolve_regions(manifest, None) == manifest.top_level_ids()
    assert resolve_regions(manifest, ["河北", "hebei", "保定"]) == ["hebei", "baoding"]
    assert resolve_regions(manifest, "beijing,天津") == ["beijing", "tianjin"]


def test_warm_kernel_report_matches_committed_notebook(built):
    """Beijing built in the reused kernel shows exactly what the committed notebook shows
    (executed in a fresh kernel on its defaults, Beijing): no warm-kernel difference."""
    from casekit.paths import REPORT_NOTEBOOK

    def texts(nb):
        cells = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
        return [
            {k: v for k, v in o.get("data", {"text": o.get("text")}).items() if k.startswith("text")}
            for c in cells
            for o in c.outputs
        ]

    result, _ = built
    warm = nbformat.read(str(result.out_dir / "beijing" / "report.ipynb"), as_version=4)
    committed = nbformat.read(str(REPORT_NOTEBOOK), as_version=4)
    assert texts(warm) == texts(committed)


def test_cli_exit_status(tmp_path, capsys, monkeypatch):
    """`casekit build` exits 1 when a region fails or is unknown (the CLI maps result.ok)."""
    from casekit import cli
    from casekit.reports import build as build_module

    assert cli.main(["build", str(SAMPLE_BUNDLE), "--regions", "atlantis", "--out", str(tmp_path), "--quiet"]) == 1
    assert "atlantis" in capsys.readouterr().err

    def fake_build(*args, **kwargs):
        return build_module.BuildResult(built=["beijing"], failed={"tianjin": "RuntimeError: x"},
                                        index_path=tmp_path / "index.html", out_dir=tmp_path)

    monkeypatch.setattr("casekit.reports.build_reports", fake_build, raising=False)
    assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet"]) == 1
    assert "tianjin" in capsys.readouterr().err


# -- environment problems stop the build cleanly ------------------------------------------------
@pytest.fixture
def no_kernel(monkeypatch):
    """Make starting a kernel fail the test: the build must stop before it."""
    from casekit.reports.execute import WarmKernel

    def refuse(self):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(WarmKernel, "start", refuse)


def test_no_cjk_font_stops_the_build_before_any_kernel(monkeypatch, tmp_path, no_kernel, capsys):
    from casekit import cli
    from casekit.reports import fonts

    fonts.find_cjk_font.cache_clear()
    monkeypatch.delenv(fonts.CJK_FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "COMMON_FONT_FILES", ())
    monkeypatch.setattr(fonts, "PREFERRED_FAMILIES", ("No Such CJK Font",))
    try:
        with pytest.raises(CJKFontNotFoundError, match="No CJK font found"):
            build_reports(SAMPLE_BUNDLE, regions=["beijing", "hebei"], out=tmp_path, progress=False)
        assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet"]) == 1
        assert "No CJK font found" in capsys.readouterr().err
    finally:
        fonts.find_cjk_font.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_output_folder_that_cannot_be_created_is_a_clear_error(tmp_path, no_kernel, capsys):
    from casekit import cli

    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match=rf"cannot write the reports to {re.escape(str(not_a_folder))}.*: Not a directory"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=not_a_folder, progress=False)
    assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(not_a_folder), "--quiet"]) == 1
    assert "cannot write the reports to" in capsys.readouterr().err


def test_missing_report_notebook_says_where_it_looked(tmp_path, no_kernel):
    missing = tmp_path / "nowhere" / "report.ipynb"
    with pytest.raises(NotebookNotFoundError, match=rf"report notebook not found: looked for {re.escape(str(missing))}"):
        build_reports(SAMPLE_BUNDLE, out=tmp_path, progress=False, notebook=missing)
    assert issubclass(NotebookNotFoundError, CasekitError)


def test_user_python3_kernelspec_does_not_replace_the_environment(tmp_path, monkeypatch, sample):
    """An Anaconda/``ipykernel install --user`` spec named python3 must not be used."""
    jupyter = tmp_path / "jupyter"
    (jupyter / "kernels" / "python3").mkdir(parents=True)
    (jupyter / "kernels" / "python3" / "kernel.json").write_text(json.dumps({
        "argv": [str(tmp_path / "conda" / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(jupyter))
    # A fresh kernel per region: the path that used to look the kernel up by name.
    region = sample.manifest.top_level_ids()[0]
    result = build_reports(SAMPLE_BUNDLE, regions=[region], out=tmp_path / "out", progress=False,
                           notebook=PROBE, reuse_kernel=False)
    assert result.ok, result.failed
    assert result.kernel_starts == 1


# -- interrupted and concurrent builds ----------------------------------------------------------
def test_index_is_written_after_each_region(tmp_path, sample, monkeypatch, no_kernel):
    """A build interrupted after its first region leaves an index listing that region."""
    first, second = sample.manifest.top_level_ids()[:2]

    def interrupted(notebook, parameters, title, final, kernel, **_):
        if parameters["region"] == second:
            raise KeyboardInterrupt
        final.mkdir()
        (final / "report.html").write_text("<html></html>", encoding="utf-8")

    monkeypatch.setattr(build_module, "_build_region", interrupted)
    with pytest.raises(KeyboardInterrupt):  # one kernel: the regions are built in order
        build_reports(SAMPLE_BUNDLE, regions=[first, second], out=tmp_path, progress=False, notebook=PROBE,
                      jobs=1)
    out_dir = tmp_path / "sample"
    saved = json.loads((out_dir / "index.json").read_text(encoding="utf-8"))["regions"]
    assert [(e["region_id"], e["status"]) for e in saved] == [(first, "ok")]
    assert f'href="{first}/report.html"' in (out_dir / "index.html").read_text(encoding="utf-8")
    assert not (out_dir / build_module.LOCK_FILE).exists()  # released on the way out


def _fake_region(notebook, parameters, title, final, kernel, **_):
    """Stands in for _build_region (no kernel): publishes a page naming the region."""
    tmp = final.with_name(f".tmp-{final.name}-fake")
    tmp.mkdir()
    (tmp / "report.html").write_text(f"<html>{parameters['region']}</html>", encoding="utf-8")
    build_module._publish(tmp, final)


def test_report_left_aside_by_a_crash_between_the_renames_is_restored(tmp_path, sample, monkeypatch, no_kernel):
    first, second, third = sample.manifest.top_level_ids()[:3]
    monkeypatch.setattr(build_module, "_build_region", _fake_region)
    done = build_reports(SAMPLE_BUNDLE, regions=[first, second], out=tmp_path, progress=False)
    out_dir = done.out_dir
    # _publish died after renaming `first` aside, before renaming the new one into place ...
    (out_dir / first).rename(out_dir / f".old-{first}-0123abcd")
    (out_dir / f".tmp-{first}-x1y2z3").mkdir()
    # ... and, for `second`, after both renames but before removing the old copy.
    (out_dir / f".old-{second}-4567cdef").mkdir()
    result = build_reports(SAMPLE_BUNDLE, regions=[third], out=tmp_path, progress=False)
    assert result.ok
    assert (out_dir / first / "report.html").read_text(encoding="utf-8") == f"<html>{first}</html>"
    assert (out_dir / second / "report.html").read_text(encoding="utf-8") == f"<html>{second}</html>"
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]
    index = result.index_path.read_text(encoding="utf-8")
    assert all(f'href="{r}/report.html"' in index for r in (first, second, third))


def _write_lock(out_dir: Path, content: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = out_dir / build_module.LOCK_FILE
    lock.write_text(content, encoding="utf-8")
    return lock


#: Takes the build lock given as argv[1] when told "go" on stdin, says "won" or "lost", and keeps
#: the lock until its stdin ends.
LOCK_CONTENDER = """
import sys
from casekit.exceptions import BuildLockedError
from casekit.reports.lock import build_lock
print("ready", flush=True)
sys.stdin.readline()
try:
    with build_lock(sys.argv[1]):
        print("won", flush=True)
        sys.stdin.read()
except BuildLockedError:
    print("lost", flush=True)
    sys.stdin.read()
"""


def _contender(lock: Path) -> subprocess.Popen:
    root = str(Path(build_module.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", LOCK_CONTENDER, str(lock)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline() == "ready\n"
    return proc


def _record_lock_holder(monkeypatch, lock: Path) -> list[str]:
    """Replace the build proper by recording what the lock file says while it runs."""
    held_by = []

    def build_locked(*args, **kwargs):
        held_by.append(lock.read_text(encoding="utf-8").split()[0])
        return "built"

    monkeypatch.setattr(build_module, "_build_locked", build_locked)
    return held_by


def test_second_concurrent_build_fails_fast(tmp_path, no_kernel, capsys):
    """A build holding the lock (another live process) stops a second one, which names its pid."""
    from casekit import cli

    lock = tmp_path / "sample" / build_module.LOCK_FILE
    lock.parent.mkdir()
    holder = _contender(lock)
    try:
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline() == "won\n"
        with pytest.raises(BuildLockedError, match=rf"another build is running .*process {holder.pid} on .*{re.escape(str(lock))}"):
            build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False)
        assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet"]) == 1
        assert f"another build is running into this folder (process {holder.pid}" in capsys.readouterr().err
        assert lock.read_text(encoding="utf-8").split()[0] == str(holder.pid)  # still the other build's
        assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == [build_module.LOCK_FILE]
    finally:
        holder.communicate("")
    assert holder.returncode == 0


@pytest.mark.parametrize("content", ["", "999999999\nsome-host\n", "{pid}\n{host}\n"])
def test_lock_file_left_behind_does_not_block(tmp_path, monkeypatch, no_kernel, content):
    """A lock file nobody holds is free, whatever it says: empty (the disk was full when it was
    written), naming a process that is gone, or naming a process that runs (pid reuse)."""
    lock = _write_lock(tmp_path / "sample", content.format(pid=os.getppid(), host=socket.gethostname()))
    held_by = _record_lock_holder(monkeypatch, lock)
    assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False) == "built"
    assert held_by == [str(os.getpid())]
    assert not lock.exists()


def test_lock_of_a_build_that_was_killed_is_free_at_once(tmp_path, monkeypatch, no_kernel):
    lock = tmp_path / "sample" / build_module.LOCK_FILE
    lock.parent.mkdir()
    holder = _contender(lock)
    holder.stdin.write("go\n")
    holder.stdin.flush()
    assert holder.stdout.readline() == "won\n"
    holder.kill()
    holder.wait()
    assert lock.is_file()  # a SIGKILLed build cannot clean up ...
    held_by = _record_lock_holder(monkeypatch, lock)
    assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False) == "built"
    assert held_by == [str(os.getpid())]  # ... yet its lock is free


def test_of_builds_starting_together_exactly_one_gets_the_lock(tmp_path):
    lock = tmp_path / build_module.LOCK_FILE
    contenders = [_contender(lock) for _ in range(4)]
    try:
        for proc in contenders:  # all are waiting at the barrier; let them go at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        said = sorted(proc.stdout.readline().strip() for proc in contenders)
    finally:
        for proc in contenders:  # the winner holds the lock until every contender has answered
            proc.communicate("")
    assert said == ["lost", "lost", "lost", "won"]
    assert not lock.exists()


def test_disk_full_while_writing_the_pid_does_not_leave_a_stuck_lock(tmp_path, monkeypatch, no_kernel, caplog):
    import errno

    from casekit.reports import lock as lock_module

    def disk_full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    lock = tmp_path / "sample" / build_module.LOCK_FILE
    with monkeypatch.context() as m:
        m.setattr(lock_module.os, "write", disk_full)
        held = []
        m.setattr(build_module, "_build_locked", lambda *a, **k: held.append(lock.read_bytes()) or "built")
        assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False) == "built"
    assert held == [b""]  # built without the pid in the file
    assert "No space left on device" in caplog.text
    assert not lock.exists()
    held_by = _record_lock_holder(monkeypatch, lock)  # the next build is not blocked
    assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False) == "built"
    assert held_by == [str(os.getpid())]


def test_lock_file_that_cannot_be_created_is_a_clear_error(tmp_path, monkeypatch, no_kernel):
    import errno

    from casekit.reports import lock as lock_module

    real_open = os.open

    def no_inodes(path, flags, mode=0o777):
        if str(path).endswith(build_module.LOCK_FILE):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, flags, mode)

    monkeypatch.setattr(lock_module.os, "open", no_inodes)
    with pytest.raises(OutputError, match=r"cannot write the reports to .*sample: No space left on device"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False)
    assert list((tmp_path / "sample").iterdir()) == []


def test_default_reports_folder_is_in_the_working_directory(tmp_path, monkeypatch, no_kernel):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(build_module, "_build_locked", lambda manifest, region_ids, out_dir, *a, **k: out_dir)
    assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], progress=False) == tmp_path.resolve() / "reports" / "sample"
    assert build_reports(SAMPLE_BUNDLE, regions=["beijing"], out="elsewhere", progress=False) == (
        tmp_path.resolve() / "elsewhere" / "sample"
    )


# -- a person's work in a region's folder -------------------------------------------------------------
def _stand_in(notebook, output, parameters, *, kernel=None, **_):
    """Executing the report notebook without a kernel: a one-cell report of the region."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {parameters['region']} 地区报告")])
    nbformat.write(nb, str(output))
    return nb


def test_a_consultants_edits_and_files_in_a_region_folder_are_never_lost(tmp_path, monkeypatch, no_kernel):
    from casekit.reports.build import FORMATS, ReportFormat

    monkeypatch.setattr(build_module, "execute_notebook", _stand_in)
    monkeypatch.setattr(build_module, "write_page", write_page_here)
    monkeypatch.setitem(FORMATS, "docx", ReportFormat(
        "report.docx", lambda folder, region, inputs: (folder / "report.docx").write_bytes(b"casekit's Word file")))

    def build(edition, **kwargs):  # another edition: the region is stale, as after a change of the bundle
        return build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False, formats="docx",
                             parameters={"edition": edition}, **kwargs)

    first = build(1)
    folder = first.out_dir / "beijing"
    (folder / "report.docx").write_bytes(b"the consultant's edited Word file")
    (folder / "客户反馈.txt").write_text("客户说……", encoding="utf-8")

    unchanged = build(1)  # nothing it depends on changed: left as it is, the edits with it
    assert unchanged.ok and unchanged.skipped == ["beijing"] and unchanged.built == []
    assert (folder / "report.docx").read_bytes() == b"the consultant's edited Word file"

    refused = build(2)  # stale, and the edited file stops the region before any work; the report stays
    assert refused.stale == ["beijing"] and refused.failed["beijing"].startswith("EditedFileError")
    assert "report.docx" in refused.failed["beijing"] and "--force" in refused.failed["beijing"]
    assert (folder / "report.docx").read_bytes() == b"the consultant's edited Word file"
    assert (folder / "客户反馈.txt").read_text(encoding="utf-8") == "客户说……"

    forced = build(2, force=True)  # replaced, the edited one kept beside it; the added file carried over
    assert forced.ok
    assert (folder / "report.docx").read_bytes() == b"casekit's Word file"
    backups = sorted(folder.glob("_report.bak-*.docx"))
    assert [b.read_bytes() for b in backups] == [b"the consultant's edited Word file"]
    assert (folder / "客户反馈.txt").read_text(encoding="utf-8") == "客户说……"

    again = build(3)  # nothing edited since: rebuilt without --force, the person's files still there
    assert again.ok and again.built == ["beijing"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        ["report.docx", "report.html", "report.ipynb", "客户反馈.txt", backups[0].name])


# -- the first kernel starts while the bundle is read ------------------------------------------------
def test_first_kernel_is_put_in_service_before_the_bundle_is_read(tmp_path, monkeypatch):
    """The manifest alone names the reports folder and the regions: the build locks the folder and
    starts its first kernel, then reads and validates the bundle while that kernel imports."""
    import casekit.intake

    events: list[str] = []
    pool_warm_up = build_module._KernelPool.warm_up
    monkeypatch.setattr(build_module._KernelPool, "warm_up",
                        lambda self, *a, **k: events.append("kernel") or pool_warm_up(self, *a, **k))
    real_load = casekit.intake.load_bundle
    monkeypatch.setattr(casekit.intake, "load_bundle", lambda path: events.append("bundle") or real_load(path))
    monkeypatch.setattr(build_module, "_build_region", lambda *a, **k: {})  # no report: only the order counts
    build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False, notebook=PROBE)
    assert events[:2] == ["kernel", "bundle"]
    # The bundle handed to the kernels through the cache is gone with the build (it is client data).
    assert not list((tmp_path / "sample" / ".cache").glob("bundle-*.pkl"))


def test_bundle_with_problems_leaves_no_reports_folder_and_no_lock(tmp_path, monkeypatch):
    shared = tmp_path / "shared-cache"  # the user's own cache folder, empty: it stays
    shared.mkdir()
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(shared))
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    responses = bundle / "survey" / "responses.csv"
    lines = responses.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",", ",不是分数,", 1)  # one answer too many, a non-number
    responses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BundleValidationError):
        build_reports(bundle, regions=["beijing"], out=tmp_path / "out", progress=False, notebook=PROBE)
    assert not (tmp_path / "out").exists()  # the folders this build made (out/ too) are gone again
    assert shared.is_dir()
    # and an existing reports folder stays, unlocked
    (tmp_path / "out" / "sample").mkdir(parents=True)
    with pytest.raises(BundleValidationError):
        build_reports(bundle, regions=["beijing"], out=tmp_path / "out", progress=False, notebook=PROBE)
    assert (tmp_path / "out" / "sample").is_dir()
    assert not (tmp_path / "out" / "sample" / build_module.LOCK_FILE).exists()
