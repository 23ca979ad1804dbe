"""Building on Dask: a scheduler and two single-threaded workers on 127.0.0.1, started by this
module as separate processes (``dask scheduler`` / ``dask worker``), and a ``LocalCluster``.

The builds run the probe notebook ``fixtures/notebooks/region-shared-probe.ipynb`` (which reads
the engagement-wide results from the build's cache and can kill the worker process running it)
on the sample bundle, with a cache folder of this module's own; they fit no account-manager
types and draw no programme view on the index (slow, and shown by no probe).

The scheduler runs with ``allowed-failures`` 0: a region whose worker died is not retried
elsewhere, so the failure shows. Everything started here -- scheduler, workers, their kernels --
is stopped by the fixture's finalizer, also when a test fails.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import region_bytes

from casekit.exceptions import DistributedError
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build_reports
from casekit.reports.build_state import STATE_FILE

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

# Modules, not the functions ``casekit.reports`` re-exports under the same names.
region_report = importlib.import_module("casekit.reports.region_report")
programme = importlib.import_module("casekit.reports.programme")
dask_renderer = importlib.import_module("casekit.reports.distributed")

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-shared-probe.ipynb"
ROOT = Path(__file__).resolve().parents[1]
REGIONS = ["beijing", "tianjin", "nanning"]
KILLED = "tianjin"

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


class LoopbackCluster:
    """A Dask scheduler and ``workers`` worker processes (one thread each) on 127.0.0.1."""

    def __init__(self, folder: Path, workers: int = 2) -> None:
        self.folder = folder
        self.n_workers = workers
        self.procs: list[subprocess.Popen] = []
        self.address = ""
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
            "CASEKIT_TEST_KILL_WORKER": "1",
        }

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        with open(self.folder / log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", *args], stdout=out, stderr=subprocess.STDOUT,
                                    env=self.env, cwd=self.folder, start_new_session=True)
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        scheduler_file = self.folder / "scheduler.json"
        self._spawn(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(scheduler_file)], "scheduler.log")
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() or not scheduler_file.read_text():
            if time.monotonic() > deadline or self.procs[0].poll() is not None:
                raise RuntimeError("the test's Dask scheduler did not start: "
                                   + (self.folder / "scheduler.log").read_text(errors="replace"))
            time.sleep(0.2)
        import json

        self.address = json.loads(scheduler_file.read_text())["address"]
        for i in range(self.n_workers):
            self._spawn(["distributed.cli.dask_worker", self.address, "--nthreads", "1", "--nworkers", "1",
                         "--no-dashboard", "--name", f"w{i}", "--local-directory", str(self.folder / f"w{i}")],
                        f"worker{i}.log")
        with distributed.Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(self.n_workers, timeout=120)

    def worker_pids(self) -> set[int]:
        """The process ids of the workers (the processes that run the tasks)."""
        with distributed.Client(self.address, timeout=30, set_as_default=False) as client:
            return set(client.run(os.getpid).values())

    def descendants(self) -> list[psutil.Process]:
        found = []
        for proc in self.procs:
            try:
                found.extend(psutil.Process(proc.pid).children(recursive=True))
            except psutil.NoSuchProcess:
                pass
        return found

    def close(self) -> list[str]:
        """Stop the workers, then the scheduler (SIGTERM, as Ctrl-C would); return what outlived
        them by 15 seconds (and kill that)."""
        children = self.descendants()
        for proc in reversed(self.procs):  # workers first: they say goodbye to the scheduler
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        _, alive = psutil.wait_procs(children, timeout=15)
        left = [f"{p.pid} {_cmd(p)}" for p in alive if _running(p)]
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.procs.clear()
        return left


def _cmd(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline()[:4])
    except psutil.Error:
        return ""


def _running(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def quick_analysis(tmp_path_factory):
    """This module's own cache folder; no account-manager types, no programme view on the index."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEKIT_CACHE_DIR", str(tmp_path_factory.mktemp("dask-cache")))
        mp.setattr(region_report, "segment_types", lambda b, **kw: (None, "本次测试不分类"))
        mp.setattr(programme, "programme_overview", lambda b, **kw: None)
        yield


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, quick_analysis):
    loopback = LoopbackCluster(tmp_path_factory.mktemp("dask"))
    try:
        loopback.start()
        yield loopback
    finally:
        loopback.close()


@pytest.fixture(scope="module")
def parameters(tmp_path_factory):
    """The notebook parameters of every build here: Tianjin's kernel kills the Dask worker running it
    (only on the loopback cluster's workers, where ``CASEKIT_TEST_KILL_WORKER=1``), saying which."""
    return {"kill_worker_region": KILLED, "parent_pid_file": str(tmp_path_factory.mktemp("pid") / "worker.pid")}


@pytest.fixture(scope="module")
def serial(tmp_path_factory, quick_analysis, parameters):
    """The reference: the probe built for the three regions in one kernel (nothing is killed)."""
    result = build_reports(SAMPLE_BUNDLE, regions=REGIONS, out=tmp_path_factory.mktemp("serial"),
                           progress=False, notebook=PROBE, jobs=1, parameters=parameters)
    assert result.ok, result.failed
    return result


@pytest.fixture(scope="module")
def on_cluster(tmp_path_factory, cluster, serial, parameters):
    """The same build on the loopback cluster, where Tianjin's kernel kills its worker mid-region."""
    pids = cluster.worker_pids()
    result = build_reports(SAMPLE_BUNDLE, regions=REGIONS, out=tmp_path_factory.mktemp("dask-out"),
                           progress=False, notebook=PROBE, scheduler=cluster.address, parameters=parameters)
    pid_file = Path(parameters["parent_pid_file"])
    return result, pids, int(pid_file.read_text()) if pid_file.is_file() else None


def test_cluster_build_publishes_the_bytes_of_a_serial_build(serial, on_cluster):
    result, *_ = on_cluster
    assert result.backend == "dask" and result.workers == 2
    assert result.built  # rendered on the worker that was not killed
    one, many = region_bytes(serial.out_dir, result.built), region_bytes(result.out_dir, result.built)
    del one["index.html"], many["index.html"]  # the cluster's index lists a failed region
    assert sorted(one) == sorted(many)
    assert {f"{rid}/{name}" for rid in result.built for name in ("report.html", "report.ipynb")} <= set(one)
    assert [name for name in one if one[name] != many[name]] == []


def test_worker_killed_mid_region_fails_that_region_and_the_others_publish(on_cluster):
    result, pids, parent = on_cluster
    assert parent in pids  # the probe's kernel really killed a Dask worker process
    assert KILLED in result.failed
    assert "Dask worker" in result.failed[KILLED] and "died" in result.failed[KILLED]
    assert set(result.built) | set(result.failed) == set(REGIONS)
    out_dir = result.out_dir
    # Nothing of the killed region is published, the index says it failed, no temporary folder is left.
    assert not (out_dir / KILLED).exists()
    index = result.index_path.read_text(encoding="utf-8")
    row = re.search(rf'<tr class="(\w+)" id="region-{KILLED}">', index)
    assert row and row.group(1) == "failed"
    assert all(f'href="{rid}/report.html"' in index for rid in result.built)
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]


def test_worker_killed_mid_region_costs_no_other_region(on_cluster):
    # Each region is pinned strictly to a worker with a free thread and a finished warm-up. A loose
    # pin (allow_other_workers) let Dask's work stealing move Tianjin, queued behind its worker's
    # warm-up, to the other worker as Beijing finished there, and Nanning, sent to that worker
    # next, could die with it (under load, scheduler stories showed Tianjin kill Beijing's worker).
    result, *_ = on_cluster
    assert list(result.failed) == [KILLED]
    assert result.built == [r for r in REGIONS if r != KILLED]


def test_local_cluster_of_two_workers_gives_the_same_bytes_and_leaves_nothing_running(
        tmp_path, serial, quick_analysis, parameters):
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    result = build_reports(SAMPLE_BUNDLE, regions=REGIONS, out=tmp_path, progress=False, notebook=PROBE,
                           workers=2, parameters=parameters)  # its workers have no CASEKIT_TEST_KILL_WORKER
    assert result.ok, result.failed
    assert result.backend == "dask" and result.workers == 2
    one, many = region_bytes(serial.out_dir, REGIONS), region_bytes(result.out_dir, REGIONS)
    assert sorted(one) == sorted(many)
    assert [name for name in one if one[name] != many[name]] == []
    # (multiprocessing's resource tracker serves this process as long as it lives.)
    new = [p for p in me.children(recursive=True) if p.pid not in before and "resource_tracker" not in _cmd(p)]
    _, alive = psutil.wait_procs(new, timeout=15)
    assert [_cmd(p) for p in alive if _running(p)] == []


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory, quick_analysis):
    """A build sent to a port nobody listens on: (address, the error, the reports folder).

    The wait for the scheduler is cut to 2 s (``CONNECT_TIMEOUT``, 20 s) to keep the test short."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    out = tmp_path_factory.mktemp("unreachable")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dask_renderer, "CONNECT_TIMEOUT", 2)
        with pytest.raises(DistributedError) as error:
            build_reports(SAMPLE_BUNDLE, regions=REGIONS[:1], out=out, progress=False, notebook=PROBE,
                          scheduler=address)
    return address, error.value, out


def test_unreachable_scheduler_is_a_clear_error_and_writes_nothing(unreachable):
    address, error, out = unreachable
    assert address in str(error)
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert [name for name in written if not name.endswith(".build.lock")] == []


def test_unreachable_scheduler_says_nothing_listens_there(unreachable):
    _, error, _ = unreachable
    assert "refused" in str(error) or "nothing listens" in str(error)


def test_cluster_stops_with_nothing_left_running(cluster):
    assert cluster.close() == []
