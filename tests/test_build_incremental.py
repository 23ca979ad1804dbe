"""Rebuilding only what changed, computing the engagement-wide results once, and the pool of kernels.

Most builds here run the small probe notebook ``fixtures/notebooks/region-shared-probe.ipynb``
on a copy of the sample bundle, in one module-scoped series (:func:`series`): a first build, the
same build again, an edited interview note, an edited survey answer, a forced rebuild, a pool
build in which one region fails and another loses its kernel, and a build over a damaged cache
entry.
The probe reads the engagement-wide results the build computed, and fails if its kernel would
have to compute them itself. The series has its own cache folder, fits no account-manager
types and draws no programme view on the index (the slowest parts, which no probe shows, and
which the real notebook's tests cover): nothing of it reaches the session's shared cache.

The real report notebook runs once per build mode (:func:`pooled`): two regions in one kernel
and in a pool of two, which must give the same bytes; the command line's no-op check runs
against the first.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import region_bytes

from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build_reports
from casekit.reports.build_state import STATE_FILE
from casekit.reports.engagement import ResultCache

# Modules, not the functions ``casekit.reports`` re-exports under the same names.
engagement = importlib.import_module("casekit.reports.engagement")
region_report = importlib.import_module("casekit.reports.region_report")
programme = importlib.import_module("casekit.reports.programme")

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-shared-probe.ipynb"
ROOT = Path(__file__).resolve().parents[1]
#: Top-level regions without cities (manifest): Tianjin's notes are edited, Beijing and Nanning not.
EDITED = "tianjin"
REGIONS = ["beijing", EDITED, "nanning"]
NOTE = "notes/N001.md"  # an interview in Tianjin
LIKERT_COLUMN = 12  # 我能说清本地区主推转型产品的资费和套餐

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


def snapshot(out_dir: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``out_dir``: relative path → (bytes, modification time in ns)."""
    return {p.relative_to(out_dir).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out_dir.rglob("*")) if p.is_file()}


def cached(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.pkl"))


def notes_views(cache: Path) -> dict[str, Any]:
    """The notes views the last build computed (its cache entry), by top-level region."""
    (entry,) = cached(cache, "notes")
    _, notes = ResultCache(cache).read(entry)
    return notes.views


def same_view(a: Any, b: Any) -> bool:
    return ((a.count, a.interviewees) == (b.count, b.interviewees)
            and all(getattr(a, name).equals(getattr(b, name)) for name in ("themes", "keywords", "quotes")))


def edit_note(bundle: Path) -> None:
    path = bundle / NOTE
    text = path.read_text(encoding="utf-8")
    assert "答：做，新产品上线都会讲。" in text
    path.write_text(text.replace("答：做，新产品上线都会讲。", "答：做，新产品上线一般都会讲。"), encoding="utf-8")


def edit_survey_answer(bundle: Path) -> None:
    """One Likert answer of the first respondent, to another valid answer."""
    path = bundle / "survey" / "responses.csv"
    text = path.read_text(encoding="utf-8-sig")
    header, first, rest = text.split("\n", 2)
    fields = first.split(",")
    assert next(csv.reader(io.StringIO(first))) == fields  # no quoted commas: a plain split is exact
    assert fields[LIKERT_COLUMN] == "比较符合"
    fields[LIKERT_COLUMN] = "一般"
    path.write_text("\ufeff" + "\n".join([header, ",".join(fields), rest]), encoding="utf-8")


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """The probe builds of one copy of the sample, one after the other, into one reports folder."""
    root = tmp_path_factory.mktemp("incremental")
    bundle = root / "sample"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    out, cache = root / "reports", root / "cache"
    calls: list[str] = []
    real = engagement.engagement_analysis

    def counting(b, **kwargs):
        calls.append(str(b.path))
        return real(b, **kwargs)

    def build(**kwargs):
        before = len(calls)
        result = build_reports(bundle, regions=kwargs.pop("regions", REGIONS), out=out, progress=False,
                               notebook=PROBE, **{"jobs": 1, **kwargs})
        return result, len(calls) - before

    runs: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEKIT_CACHE_DIR", str(cache))
        mp.setattr(engagement, "engagement_analysis", counting)
        mp.setattr(region_report, "segment_types", lambda b, **kw: (None, "本次测试不分类"))
        mp.setattr(programme, "programme_overview", lambda b, **kw: None)  # the index's summary: not tested here

        runs["first"] = build(jobs=2)
        out_dir = runs["first"][0].out_dir
        runs["first_files"] = snapshot(out_dir)
        runs["first_cache"] = [(p.name, p.stat().st_mtime_ns) for p in cached(cache, "analysis")]
        runs["again"] = build()
        runs["again_files"] = snapshot(out_dir)

        views_before = notes_views(cache)
        edit_note(bundle)
        runs["note"] = build()
        runs["note_views"] = views_before, notes_views(cache)
        runs["note_files"] = snapshot(out_dir)

        edit_survey_answer(bundle)
        runs["survey_one"] = build(regions=["beijing"])  # one region first: the others are now out of date
        runs["survey_one_index"] = runs["survey_one"][0].index_path.read_text(encoding="utf-8")
        runs["survey"] = build()
        runs["survey_index"] = runs["survey"][0].index_path.read_text(encoding="utf-8")
        runs["survey_files"] = snapshot(out_dir)

        runs["forced"] = build(force=True)
        runs["forced_files"] = snapshot(out_dir)

        runs["failing"] = build(regions=[EDITED, "nanning", "beijing"],
                                parameters={"die_region": EDITED, "fail_region": "nanning"}, jobs=2)

        (entry,) = cached(cache, "analysis")
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
        runs["damaged"] = build(regions=["beijing"], force=True)
        runs["damaged_cache"] = cached(cache, "analysis")
    runs["out_dir"], runs["cache"] = out_dir, cache
    return runs


# -- computing once ---------------------------------------------------------------------------
def test_engagement_results_are_computed_once_per_build_and_read_by_every_kernel(series):
    result, computed = series["first"]
    assert result.ok, result.failed  # the probe fails in a kernel that would recompute them
    assert result.built == REGIONS and result.backend == "kernels" and result.workers == 2
    assert computed == 1
    ((_, written),) = series["first_cache"]  # one entry, written before the first region's report
    assert written <= min(mtime for name, (_, mtime) in series["first_files"].items() if name.endswith(".ipynb"))
    # What the kernels read is in the reports: Tianjin's interview count, from the notes view.
    html = (series["out_dir"] / EDITED / "report.html").read_text(encoding="utf-8")
    notes = sum("region: 天津" in p.read_text(encoding="utf-8") for p in (SAMPLE_BUNDLE / "notes").glob("*.md"))
    assert "天津 地区报告" in html and f"访谈记录 {notes} 份" in html


def test_a_cache_entry_casekit_did_not_sign_is_never_unpickled(tmp_path, caplog):
    """A pickle runs code when loaded: one put into a shared reports folder must not run."""
    cache = ResultCache(tmp_path)
    cache.put("analysis", "k" * 64, {"answer": 42})
    path = cache.path("analysis", "k" * 64)
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (ran.write_text, ("the payload ran",))

    path.write_bytes(pickle.dumps(("k" * 64, Payload())))  # a plain pickle, no signature
    assert cache.get("analysis", "k" * 64) is None
    path.write_bytes(b"casekit-cache-1\n" + b"\0" * 32 + pickle.dumps(("k" * 64, Payload())))  # forged header
    assert cache.get("analysis", "k" * 64) is None
    assert not ran.exists()
    assert "not signed by this user's casekit" in caplog.text


def test_damaged_cache_entry_is_ignored_not_trusted(tmp_path, caplog):
    cache = ResultCache(tmp_path)
    cache.put("analysis", "k" * 64, {"answer": 42})
    path = cache.path("analysis", "k" * 64)
    assert cache.get("analysis", "k" * 64) == {"answer": 42}
    path.write_bytes(path.read_bytes()[:10])
    assert cache.get("analysis", "k" * 64) is None
    assert "unreadable cache entry" in caplog.text


def test_a_kernel_takes_the_bundle_the_build_read_only_while_no_file_changed(tmp_path, monkeypatch):
    """The build hands its loaded bundle to the kernels through the cache; a kernel uses it instead
    of reading the files, unless a file changed since the build read them."""
    from casekit.bundle_tree import tree_stamp
    from casekit.intake import bundle as bundle_module

    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE_BUNDLE, folder)
    stamp = tree_stamp(folder)
    loaded = bundle_module.load_bundle(folder)
    cache = ResultCache(tmp_path / "cache")
    engagement.hand_bundle(cache, loaded, stamp)
    monkeypatch.setattr(bundle_module, "_memo", None)
    assert not engagement.take_bundle(cache.folder, folder)  # remembering is off: nothing to do
    bundle_module.remember_bundles(True)
    try:
        assert engagement.take_bundle(cache.folder, folder)
        reads: list[Path] = []
        real_load = bundle_module._load
        monkeypatch.setattr(bundle_module, "_load", lambda root: reads.append(root) or real_load(root))
        taken = bundle_module.load_bundle(folder)
        assert reads == [] and taken.responses.equals(loaded.responses) and taken.path == folder
        # A note edited after the build read the bundle: the kernel reads the files.
        note = folder / NOTE
        note.write_text(note.read_text(encoding="utf-8") + "补充一句。\n", encoding="utf-8")
        assert not engagement.take_bundle(cache.folder, folder)
        assert "补充一句" in "".join(bundle_module.load_bundle(folder).notes["text"].astype(str)) and reads == [folder]
    finally:
        bundle_module.remember_bundles(False)
    engagement.drop_bundle(cache, folder)
    assert not list(cache.folder.glob("bundle-*.pkl"))


def test_build_over_a_damaged_cache_entry_repairs_it_once(series):
    result, computed = series["damaged"]
    assert result.ok, result.failed  # the probe fails in a kernel that would recompute
    assert computed <= 1  # recomputed, or rewritten from what this process already holds
    (entry,) = series["damaged_cache"]
    _, value = ResultCache(entry.parent).read(entry)
    assert isinstance(value, engagement.EngagementAnalysis)


# -- rebuilding only what changed ---------------------------------------------------------------
def test_second_build_with_nothing_changed_publishes_nothing(series):
    result, computed = series["again"]
    assert result.ok and result.built == [] and result.skipped == REGIONS
    assert result.backend == "none" and computed == 0
    assert series["again_files"] == series["first_files"]  # same bytes, same modification times


def test_editing_one_interview_note_rebuilds_only_the_regions_whose_report_shows_it(series):
    result, computed = series["note"]
    assert result.ok, result.failed
    assert EDITED in result.built
    assert computed == 0  # the survey-side analysis does not read the notes
    before, after = series["note_views"]
    unchanged = [rid for rid in REGIONS if rid != EDITED and same_view(before[rid], after[rid])]
    assert unchanged, "the edit moved every region's notes view: the test proves nothing"
    assert result.skipped == unchanged
    assert sorted(result.built) == sorted(set(REGIONS) - set(unchanged))
    old, new = series["again_files"], series["note_files"]
    for rid in unchanged:
        assert {k: v for k, v in new.items() if k.startswith(f"{rid}/")} == \
            {k: v for k, v in old.items() if k.startswith(f"{rid}/")}
    assert new[f"{EDITED}/report.ipynb"][1] > old[f"{EDITED}/report.ipynb"][1]


def test_changing_one_survey_answer_rebuilds_every_region_and_recomputes_once(series):
    one, computed_one = series["survey_one"]
    assert one.ok and one.built == ["beijing"] and computed_one == 1
    # The regions not asked for were built from the old answers: the index says they are out of date.
    index = series["survey_one_index"]
    marks = dict((rid, cls) for cls, rid in re.findall(r'<tr class="(\w+)" id="region-(\w+)">', index))
    assert marks == {"beijing": "ok", EDITED: "outdated", "nanning": "outdated"}
    assert "2 个地区的报告早于最新调研数据，待重新生成" in index and "生成失败" not in index
    result, computed = series["survey"]
    assert result.ok, result.failed
    assert result.built == [EDITED, "nanning"] and result.skipped == ["beijing"]
    assert computed == 0  # computed once, by the first of the two builds
    index = series["survey_index"]
    assert dict((rid, cls) for cls, rid in re.findall(r'<tr class="(\w+)" id="region-(\w+)">', index)) == \
        dict.fromkeys(REGIONS, "ok")
    old, new = series["note_files"], series["survey_files"]
    assert all(new[f"{rid}/report.ipynb"][1] > old[f"{rid}/report.ipynb"][1] for rid in REGIONS)


def test_force_rebuilds_every_region_with_the_same_bytes(series):
    result, computed = series["forced"]
    assert result.ok, result.failed
    assert result.built == REGIONS and result.skipped == [] and computed == 0
    old, new = series["survey_files"], series["forced_files"]
    for rid in REGIONS:
        assert new[f"{rid}/report.html"][1] > old[f"{rid}/report.html"][1]
        assert new[f"{rid}/report.html"][0] == old[f"{rid}/report.html"][0]
        assert new[f"{rid}/report.ipynb"][0] == old[f"{rid}/report.ipynb"][0]


# -- the pool of kernels ------------------------------------------------------------------------
def test_failing_and_dying_regions_in_the_pool_fail_alone(series):
    result, _ = series["failing"]
    out_dir = series["out_dir"]
    assert result.backend == "kernels" and result.workers == 2
    assert result.built == ["beijing"]
    assert list(result.failed) == [EDITED, "nanning"]
    assert "kernel died" in result.failed[EDITED]
    assert "RuntimeError: planned failure for nanning" in result.failed["nanning"]
    # The failed regions keep their previous reports, marked out of date; nothing half-written.
    forced = series["forced_files"]
    for rid in (EDITED, "nanning"):
        assert (out_dir / rid / "report.html").read_bytes() == forced[f"{rid}/report.html"][0]
    index = result.index_path.read_text(encoding="utf-8")
    for rid in (EDITED, "nanning"):
        row = re.search(rf'<tr class="(\w+)" id="region-{rid}">', index)
        assert row and row.group(1) == "stale"
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]
    # A failed region is not "up to date": the record keeps no key for it.
    record = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert EDITED not in record["regions"] and "nanning" not in record["regions"]


# -- the real report: a pool gives the bytes of one kernel; the command line's no-op check ------
@pytest.fixture(scope="module")
def pooled(tmp_path_factory, two_region_builds):
    """The real report notebook for two regions, in one kernel and in a pool of two: the session's
    builds of Beijing and Hebei (the pool is the default one, of two kernels on two cores or more;
    on one core this module builds its own pool of two)."""
    regions = ["beijing", "hebei"]
    serial, pool = two_region_builds["serial"], two_region_builds["pooled"]
    if pool.workers != 2:  # one core: the default pool is one kernel
        pool = build_reports(SAMPLE_BUNDLE, regions=regions, out=tmp_path_factory.mktemp("pool"), progress=False,
                             jobs=2)
    return regions, serial, pool, two_region_builds["serial_out"]


def test_pool_of_kernels_gives_the_bytes_of_a_serial_build(pooled):
    regions, serial, pool, _ = pooled
    assert serial.ok and pool.ok, (serial.failed, pool.failed)
    assert (serial.workers, pool.workers) == (1, 2)
    assert serial.built == pool.built == regions
    one, many = region_bytes(serial.out_dir, regions), region_bytes(pool.out_dir, regions)
    assert sorted(one) == sorted(many)
    assert {f"{rid}/{name}" for rid in regions for name in ("report.html", "report.ipynb")} <= set(one)
    assert [name for name in one if one[name] != many[name]] == []


def test_cli_says_up_to_date_without_loading_pandas(pooled):
    regions, serial, _, out = pooled
    code = ("import sys; from casekit import cli; "
            f"rc = cli.main(['build', {str(SAMPLE_BUNDLE)!r}, '--regions', *{regions!r}, '--out', {str(out)!r}]); "
            "print('PANDAS', 'pandas' in sys.modules, 'RC', rc)")
    before = snapshot(serial.out_dir)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"up to date, nothing to rebuild: {', '.join(regions)}" in done.stdout
    assert "PANDAS False RC 0" in done.stdout
    assert snapshot(serial.out_dir) == before


def test_a_rebuild_of_one_region_starts_one_kernel_and_a_survey_change_all_at_once(tmp_path, monkeypatch):
    """The pool warms one kernel at once, the others only for work they will get: a note edit that
    leaves every region's report as it was (only the note's words moved) shares the machine with
    no kernel it will not use; a changed survey answer makes every region stale and starts them all."""
    from casekit.reports.execute import WarmKernel

    bundle = tmp_path / "sample"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(region_report, "segment_types", lambda b, **kw: (None, "本次测试不分类"))
    monkeypatch.setattr(programme, "programme_overview", lambda b, **kw: None)
    build_module = importlib.import_module("casekit.reports.build")
    warmed: list[int] = []
    real = WarmKernel.warm_up
    monkeypatch.setattr(WarmKernel, "warm_up", lambda self, *a: warmed.append(id(self)) or real(self, *a))
    # In the build's own thread: kernels put in service, and the moment the notes are read (the
    # engagement-wide results), after which the stale regions are known.
    events: list[Any] = []
    pool_warm_up, plan_shared = build_module._KernelPool.warm_up, build_module._Plan.shared
    monkeypatch.setattr(build_module._KernelPool, "warm_up",
                        lambda self, *a: pool_warm_up(self, *a) or events.append(self.lent))
    monkeypatch.setattr(build_module._Plan, "shared", lambda self: events.append("shared") or plan_shared(self))

    def build():
        warmed.clear()
        events.clear()
        return build_reports(bundle, regions=REGIONS, out=tmp_path / "out", progress=False, notebook=PROBE, jobs=2)

    def in_service_before_the_notes() -> int:
        return max(e for e in events[: events.index("shared")] if e != "shared")

    first = build()
    assert first.ok and len(set(warmed)) == 2 and first.workers == 2
    assert in_service_before_the_notes() == 2  # nothing built before: every region certainly stale

    path = bundle / NOTE  # the same note with one more line break: its file changed, no report did
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    unchanged = build()
    assert unchanged.ok and unchanged.built == [] and unchanged.skipped == REGIONS
    assert len(warmed) == 1 and in_service_before_the_notes() == 1

    edit_survey_answer(bundle)
    every = build()
    assert every.ok and every.built == REGIONS and len(set(warmed)) == 2
    assert in_service_before_the_notes() == 2  # at once, not after the notes were read


def test_touching_or_copying_the_font_rebuilds_nothing_another_font_everything(tmp_path):
    from casekit.reports.build_state import font_stamp

    font = tmp_path / "font.ttf"
    font.write_bytes(b"\x00\x01\x00\x00 a font's bytes")
    before = font_stamp(font)
    os.utime(font, (1, 1))  # touched (a package reinstalled, a backup restored)
    copy = tmp_path / "copy" / "font.ttf"
    copy.parent.mkdir()
    shutil.copy(font, copy)
    assert font_stamp(font) == before and font_stamp(copy) == before
    font.write_bytes(b"\x00\x01\x00\x00 another font's bytes")
    assert font_stamp(font) != before
    assert font_stamp(tmp_path / "missing.ttf") == font_stamp(None)  # no font: the build stops before any key
