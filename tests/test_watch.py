"""``casekit build --watch``: rebuild on every change of the bundle, with the same warm kernels.

The builds run the probe notebook of ``test_build_incremental`` (it reads the engagement-wide
results the build computed and shows a region's interview count) on a copy of the sample.
"""

from __future__ import annotations

import importlib
import queue
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from casekit.exceptions import BundleValidationError
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports.watch import watch_reports

region_report = importlib.import_module("casekit.reports.region_report")
programme = importlib.import_module("casekit.reports.programme")

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-shared-probe.ipynb"
REGIONS = ["beijing", "tianjin", "nanning"]
NOTE = "notes/N001.md"  # an interview in Tianjin

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


def test_watch_rebuilds_only_the_changed_region_in_the_same_kernels_and_waits_out_a_broken_file(
    tmp_path, monkeypatch
):
    bundle = tmp_path / "sample"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(region_report, "segment_types", lambda b, **kw: (None, "本次测试不分类"))
    monkeypatch.setattr(programme, "programme_overview", lambda b, **kw: None)

    events: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    def watch() -> None:
        try:
            watch_reports(bundle, regions=REGIONS, out=tmp_path / "out", progress=False, notebook=PROBE,
                          jobs=2, interval=0.1, settle=0.2, stop=stop,
                          on_result=events.put, on_error=events.put)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            events.put(exc)
        finally:
            events.put("ended")

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        first = events.get(timeout=300)
        assert not isinstance(first, BaseException), first
        assert first.ok and first.built == REGIONS and first.kernel_starts == 2

        # A note of Tianjin: its report is rebuilt, in a kernel of the first build.
        note = bundle / NOTE
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("答：做，新产品上线都会讲。", "答：做，新产品上线一般都会讲。"), encoding="utf-8")
        second = events.get(timeout=300)
        assert not isinstance(second, BaseException), second
        assert second.ok and second.built == ["tianjin"] and second.skipped == ["beijing", "nanning"]
        assert second.kernel_starts == first.kernel_starts  # no kernel started: the same ones

        # A half-written survey file: reported, nothing built, the watch goes on ...
        responses = bundle / "survey" / "responses.csv"
        good = responses.read_bytes()
        responses.write_bytes(good[: len(good) // 2] + b",\xff\xfe")
        broken = events.get(timeout=300)
        assert isinstance(broken, BundleValidationError)
        assert (tmp_path / "out" / "sample" / "tianjin" / "report.html").is_file()  # the reports stay
        # ... and once the file is whole again, its reports are those of its content: up to date.
        responses.write_bytes(good)
        again = events.get(timeout=300)
        assert not isinstance(again, BaseException), again
        assert again.ok and again.built == [] and again.skipped == REGIONS
        # The kernels are still those of the first build.
        note.write_text(text, encoding="utf-8")
        last = events.get(timeout=300)
        assert not isinstance(last, BaseException), last
        assert last.built == ["tianjin"] and last.kernel_starts == first.kernel_starts
    finally:
        stop.set()
        thread.join(timeout=120)
    assert events.get(timeout=5) == "ended" and not thread.is_alive()


def test_watch_refuses_dask():
    with pytest.raises(ValueError, match="scheduler"):
        watch_reports(SAMPLE_BUNDLE, scheduler="tcp://127.0.0.1:8786")
