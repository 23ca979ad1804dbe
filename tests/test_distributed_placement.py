"""Where ``DaskRenderer.run`` sends regions, and what it does when a worker goes, on a stand-in
Dask client (no cluster): each region strictly pinned to one live worker with a free thread and a
finished warm-up; a region whose worker died while rendering it fails; a region Dask still holds
after its worker left is sent once more, to a live worker, and fails if that one goes too.

``tests/test_distributed.py`` runs the real thing on a loopback cluster."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import pytest

from casekit.exceptions import DistributedError

dask_renderer = importlib.import_module("casekit.reports.distributed")

REGIONS = ["beijing", "tianjin", "nanning", "jinan"]
FILES = {"report.html": b"<html></html>"}


class KilledWorker(Exception):  # noqa: N818 - Dask's name, which the build recognises
    """What Dask's scheduler raises for a task whose worker died while running it."""


class FakeFuture:
    def __init__(self, key: str) -> None:
        self.key = key
        self.status = "pending"
        self._value: object = None
        self._callbacks: list = []
        self._lock = threading.Lock()

    def done(self) -> bool:
        return self.status != "pending"

    def result(self):
        if self.status == "error":
            raise self._value
        if self.status == "cancelled":
            raise RuntimeError(f"{self.key} was cancelled")
        return self._value

    def _settle(self, status: str, value: object = None) -> None:
        with self._lock:
            if self.status != "pending":
                return
            self.status, self._value = status, value
        for callback in self._callbacks:
            callback(self)

    def cancel(self) -> None:
        self._settle("cancelled")

    def add_done_callback(self, callback) -> None:
        self._callbacks.append(callback)
        if self.done():
            callback(self)


class FakeClient:
    """Workers ``address -> threads``; ``fate(region, address, attempt)`` says what happens to a
    region sent there: ``"ok"`` (renders after a moment), ``"kills"`` (its worker dies with it:
    KilledWorker) or ``"stranded"`` (the worker leaves before the region reaches it; Dask holds it).
    A worker that goes is replaced by a new one (as its nanny would)."""

    def __init__(self, workers: dict[str, int], fate) -> None:
        self.workers = dict(workers)
        self.fate = fate
        self.sent: list[tuple[str, str, bool]] = []  # (region, worker, allow_other_workers)
        self.overlaps: list[str] = []  # regions sent to a worker that had one in flight
        self.in_flight: dict[str, list[FakeFuture]] = {}
        self._lock = threading.Lock()
        self._restarts = 0

    def scheduler_info(self) -> dict:
        with self._lock:
            return {"workers": {a: {"nthreads": n} for a, n in self.workers.items()}}

    def _replace(self, address: str) -> None:
        with self._lock:
            threads = self.workers.pop(address, None)
            if threads is not None:
                self._restarts += 1
                self.workers[f"tcp://restarted-{self._restarts}"] = threads

    def submit(self, fn, job, *, workers, allow_other_workers, key, **kwargs):
        region, address = job["parameters"]["region"], workers[0]
        attempt = sum(1 for r, *_ in self.sent if r == region) + 1
        self.sent.append((region, address, allow_other_workers))
        future = FakeFuture(key)
        busy = [f for f in self.in_flight.get(address, []) if not f.done()]
        if len(busy) >= self.workers.get(address, 0):
            self.overlaps.append(region)
        self.in_flight.setdefault(address, []).append(future)
        fate = self.fate(region, address, attempt)

        def later() -> None:
            if fate == "ok":
                future._settle("finished", (dict(FILES), {"html": 0.01}))
            elif fate == "kills":
                self._replace(address)
                future._settle("error", KilledWorker(key))
            else:  # stranded: the worker leaves; the future stays pending
                self._replace(address)

        threading.Timer(0.02, later).start()
        return future


def run(client: FakeClient, out: Path, warm: dict | None = None) -> dict[str, object]:
    renderer = dask_renderer.DaskRenderer(scheduler="tcp://stand-in:8786")
    renderer.client = client
    renderer._warm = warm or {}
    outcomes: dict[str, object] = {}
    renderer.run(REGIONS, notebook=out / "report.ipynb", cwd=out, values={"bundle_path": "bundle"},
                 titles={r: r for r in REGIONS}, formats=["html"], cache_dir=out / ".cache", out_dir=out,
                 force=False, done=lambda rid, outcome, _elapsed: outcomes.__setitem__(rid, outcome))
    return outcomes


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(dask_renderer, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(dask_renderer, "STRANDED_AFTER", 0.0)


def test_each_region_is_pinned_strictly_to_a_worker_with_a_free_thread(tmp_path):
    client = FakeClient({"tcp://a": 1, "tcp://b": 1}, lambda *_: "ok")
    outcomes = run(client, tmp_path)
    assert all(not isinstance(o, BaseException) for o in outcomes.values()) and set(outcomes) == set(REGIONS)
    assert [allow for *_, allow in client.sent] == [False] * len(REGIONS)
    assert client.overlaps == []
    assert all((tmp_path / r / "report.html").read_bytes() == FILES["report.html"] for r in REGIONS)


def test_no_region_waits_behind_a_warm_up(tmp_path):
    warming = FakeFuture("warm-up-a")
    ready = FakeFuture("warm-up-b")
    ready._settle("finished")
    threading.Timer(0.1, warming._settle, ("finished",)).start()
    client = FakeClient({"tcp://a": 1, "tcp://b": 1}, lambda *_: "ok")
    outcomes = run(client, tmp_path, warm={"tcp://a": warming, "tcp://b": ready})
    assert set(outcomes) == set(REGIONS)
    assert client.sent[0][1] == "tcp://b"  # a was warming up; its first region came after
    assert client.overlaps == []


def test_region_whose_worker_died_rendering_it_fails_and_is_not_sent_again(tmp_path):
    client = FakeClient({"tcp://a": 1, "tcp://b": 1}, lambda region, *_: "kills" if region == "tianjin" else "ok")
    outcomes = run(client, tmp_path)
    assert type(outcomes.pop("tianjin")).__name__ == "KilledWorker"
    assert all(not isinstance(o, BaseException) for o in outcomes.values())
    assert [r for r, *_ in client.sent].count("tianjin") == 1
    assert client.overlaps == []


def test_region_stranded_by_a_worker_that_left_is_sent_once_more_to_a_live_worker(tmp_path):
    def fate(region, address, attempt):
        return "stranded" if region == "tianjin" and attempt == 1 else "ok"

    client = FakeClient({"tcp://a": 1, "tcp://b": 1}, fate)
    outcomes = run(client, tmp_path)
    assert all(not isinstance(o, BaseException) for o in outcomes.values()) and set(outcomes) == set(REGIONS)
    (first, *_), (second, *_) = [(a,) for r, a, _ in client.sent if r == "tianjin"]
    assert first != second
    assert (tmp_path / "tianjin" / "report.html").is_file()


def test_region_stranded_twice_fails_and_the_others_publish(tmp_path):
    client = FakeClient({"tcp://a": 1, "tcp://b": 1},
                        lambda region, *_: "stranded" if region == "tianjin" else "ok")
    outcomes = run(client, tmp_path)
    failure = outcomes.pop("tianjin")
    assert isinstance(failure, DistributedError) and "died" in str(failure)
    assert [r for r, *_ in client.sent].count("tianjin") == 2
    assert all(not isinstance(o, BaseException) for o in outcomes.values())
    assert not (tmp_path / "tianjin").exists()
