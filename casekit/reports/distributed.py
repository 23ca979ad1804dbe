"""Rendering regions on a Dask cluster: ``casekit build --scheduler tcp://HOST:8786`` or ``--workers N``.

The build process does everything but render: it loads and checks the bundle, computes the
engagement-wide results once (into the cache folder), decides which regions are stale, and
publishes every file -- atomically, region by region, with the index and the build record --
exactly as a local build. Each Dask task renders one region (:func:`render_on_worker`): it runs the
region's notebook in a warm kernel kept by the worker process between tasks, writes the formats
into a temporary folder of the worker's, and returns the files' bytes. The reports folder need
not be shared; the same inputs give the same bytes as a serial build.

What a worker needs (``docs/cluster.md``):

* casekit installed in the Python environment the worker runs in (``pip install casekit`` or the
  project's virtualenv), with a CJK font, and Chromium for ``--formats pdf``;
* the project folder -- the report notebook, the bundle and the cache folder -- at the same paths
  as on the machine that runs ``casekit build``: a shared folder (NFS, SMB, a cluster file
  system). A worker that cannot read them fails the region with a message saying which path it
  lacks; nothing is uploaded.

A worker that dies while rendering a region (killed, out of memory) fails that region only: the
others publish. Each region is pinned to one worker with a free thread (Dask does not move it
elsewhere), so no other region is on that worker. A region that Dask still holds when its worker
has gone -- it had not reached the worker yet, or the cluster retries tasks whose worker died
(Dask's ``distributed.scheduler.allowed-failures``, 3 by default) -- is sent once more, to
another live worker; should that one die too, the region fails. The ``LocalCluster`` of
``--workers`` retries nothing, so a crash shows.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from casekit.exceptions import DistributedError
from casekit.language import os_reason, quoted, tr

__all__ = ["DaskRenderer", "check_scheduler", "render_on_worker"]

log = logging.getLogger(__name__)

#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 20

#: Seconds between looks at the cluster's workers while regions render.
POLL_SECONDS = 1.0
#: Seconds a region's worker must have been gone before the region counts as stranded (not failed
#: by the scheduler) and is sent again.
STRANDED_AFTER = 1.0

_kernel: Any = None
#: One region or warm-up at a time in this worker process's kernel (a warm-up runs beside tasks).
_kernel_lock = threading.Lock()


def _worker_kernel(cwd: str, cache_dir: str | None) -> Any:
    """This worker process's warm kernel (a new one when the folder or the cache changes)."""
    global _kernel
    from casekit.reports.execute import WarmKernel

    wanted = (str(Path(cwd).resolve()), cache_dir)
    if _kernel is not None and (_kernel.cwd, _kernel.cache_dir) != wanted:
        _kernel.shutdown()
        _kernel = None
    if _kernel is None:
        _kernel = WarmKernel(cwd=cwd, cache_dir=cache_dir)
        atexit.register(_kernel.shutdown)
    return _kernel


def warm_up_worker(cwd: str, cache_dir: str | None, bundle_path: str | None = None) -> None:
    """Start this worker's kernel, import what the report imports and read the bundle (before its
    first region)."""
    with _kernel_lock:
        # never raises: the first region meets any failure
        _worker_kernel(cwd, cache_dir).warm_up(bundle_path)


def render_on_worker(job: Mapping[str, Any]) -> tuple[dict[str, bytes], dict[str, float]]:
    """Render one region where this code runs (a Dask task) and return its files.

    Parameters
    ----------
    job : mapping
        ``notebook`` (path), ``cwd`` (the kernel's working directory, which ``parameters``'
        ``bundle_path`` is relative to), ``parameters``, ``title``, ``formats``, ``cache_dir`` and
        ``document`` (optional): what :func:`casekit.reports.build.render_region` needs; ``code_version``: the build's
        :func:`~casekit.reports.fingerprint.code_version`, which this worker's must equal.

    Returns
    -------
    (dict of str to bytes, dict of str to float)
        File name → content, and the seconds each format took.

    Raises
    ------
    casekit.exceptions.DistributedError
        If this worker cannot read the notebook or the bundle, or runs another casekit.
    """
    import socket

    from casekit.reports.build import render_region

    from casekit.reports.fingerprint import code_version

    notebook = Path(job["notebook"])
    cwd = job["cwd"]  # the kernel's working directory: the bundle's parent (build_state.kernel_folder)
    bundle = (Path(cwd) / job["parameters"]["bundle_path"]).resolve()
    host = socket.gethostname()
    wanted = job.get("code_version")
    if wanted is not None and code_version() != wanted:
        raise DistributedError(tr(
            f"{host} 上的 Dask 工作进程运行的是 casekit {code_version()}，而这次生成用的是 {wanted}：请在每台工作机上"
            "安装同一版本的 casekit（以及同样版本的 pandas、matplotlib 等），否则生成的报告会不一样",
            f"the Dask worker on {host} runs casekit {code_version()}, the build {wanted}: install the same "
            "casekit (and the same versions of pandas, matplotlib …) on every worker, or the reports would differ"
        ))
    for what, what_zh, path in (("report notebook", "报告笔记本", notebook),
                                ("bundle's manifest", "资料包的 manifest.yaml", bundle / "manifest.yaml")):
        if not path.is_file():
            raise DistributedError(tr(
                f"{host} 上的 Dask 工作进程读不到{what_zh}（{path}）：工作机上项目文件夹和资料包的路径必须与运行 "
                "casekit build 的电脑相同（例如共享文件夹）",
                f"the Dask worker on {host} cannot read the {what} at {path}: workers need the project "
                "folder and the bundle at the same paths as the machine running casekit build (a shared folder)"
            ))
    folder = Path(tempfile.mkdtemp(prefix="casekit-region-"))
    try:
        with _kernel_lock:
            kernel = _worker_kernel(cwd, job["cache_dir"])
            seconds = render_region(folder, notebook, dict(job["parameters"]), job["title"], kernel, job["formats"],
                                    **({"document": job["document"]} if job.get("document") else {}))
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return files, seconds


def check_scheduler(address: str) -> None:
    """Fail at once, naming ``address``, when it is not a scheduler address or nothing listens there
    (Dask would wait its timeout, then print a traceback).

    Parameters
    ----------
    address : str
        ``tcp://host:port`` (``tls://`` too; ``host:port`` means ``tcp://``).

    Raises
    ------
    casekit.exceptions.DistributedError
    """
    import socket
    from urllib.parse import urlsplit

    example = tr("例如 tcp://10.0.0.5:8786", "e.g. tcp://10.0.0.5:8786")
    not_address = tr(f"{quoted(address)}不是 Dask 调度器的地址（{example}）",
                     f"not a Dask scheduler address: {address!r} ({example})")
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError as exc:
        raise DistributedError(not_address) from exc
    if parts.scheme not in ("tcp", "tls", "ucx", "inproc"):
        raise DistributedError(not_address)
    if parts.scheme not in ("tcp", "tls"):
        return  # another transport: let Dask say what is wrong
    if not parts.hostname or port is None:
        raise DistributedError(tr(f"{quoted(address)}不是 Dask 调度器的地址：需要主机和端口（{example}）",
                                  f"not a Dask scheduler address: {address!r}: it needs a host and a port ({example})"))
    try:
        with socket.create_connection((parts.hostname, port), timeout=5):
            pass
    except (OSError, ValueError) as exc:
        refused = isinstance(exc, ConnectionRefusedError)
        reason = "nothing listens there (connection refused)" if refused else str(exc)
        reason_zh = "那里没有程序在监听（连接被拒绝）" if refused else (
            os_reason(exc.strerror) if isinstance(exc, OSError) and exc.strerror else str(exc))
        raise DistributedError(tr(f"连接不上 {address} 的 Dask 调度器：{reason_zh}",
                                  f"cannot reach the Dask scheduler at {address}: {reason}")) from exc


class _Sent(NamedTuple):
    """A region in flight: sent to the worker at ``address``, first sent at ``started``."""

    region_id: str
    address: str
    started: float


class DaskRenderer:
    """Renders a build's regions on a Dask cluster: an existing one, or a ``LocalCluster``.

    Use it as a context manager.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``).
    workers : int, optional
        Without ``scheduler``: start a ``LocalCluster`` of this many single-threaded worker
        processes (default 2), closed on exit.

    Attributes
    ----------
    size : int
        Regions rendered side by side (the workers' threads).
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.client: Any = None
        self.cluster: Any = None
        self.size = 0
        self._warm: dict[str, Any] = {}  # worker address -> its warm-up task

    def __enter__(self) -> DaskRenderer:  # noqa: PYI034 - not subclassed
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a dependency; a broken install
            raise DistributedError(tr(f"在 Dask 上生成需要安装 distributed 包：{exc}",
                                      f"building on Dask needs the 'distributed' package: {exc}")) from exc
        if self.scheduler is not None:
            check_scheduler(self.scheduler)
        try:
            if self.scheduler is not None:
                self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            else:
                with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                    self.cluster = LocalCluster(
                        n_workers=self.workers or 2, threads_per_worker=1, processes=True,
                        dashboard_address=":0", silence_logs=logging.CRITICAL,
                    )
                self.client = Client(self.cluster, set_as_default=False)
            info = self.client.scheduler_info()
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError …: one message
            self.__exit__(None, None, None)
            where = self.scheduler or "a local cluster"
            where_zh = self.scheduler or "本机集群"
            raise DistributedError(tr(f"连接不上 {where_zh} 的 Dask 调度器：{exc}",
                                      f"cannot reach the Dask scheduler at {where}: {exc}")) from exc
        self.size = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        if self.size == 0:
            self.__exit__(None, None, None)
            raise DistributedError(tr(f"{self.scheduler} 的 Dask 调度器没有工作进程",
                                      f"the Dask scheduler at {self.scheduler} has no workers"))
        return self

    def __exit__(self, *exc: object) -> None:
        client, self.client = self.client, None
        cluster, self.cluster = self.cluster, None
        if client is not None:
            try:
                client.close()
            except Exception as error:  # noqa: BLE001 - closing: nothing is left to save
                log.debug("closing the Dask client: %s", error)
        if cluster is not None:
            try:
                cluster.close()
            except Exception as error:  # noqa: BLE001
                log.debug("closing the local Dask cluster: %s", error)

    def warm_up(self, cwd: Path, cache_dir: Path, bundle_path: str | None = None) -> None:
        """Start every worker's kernel in the background (the build goes on meanwhile).

        A warm-up that fails changes nothing: the first region on that worker starts its kernel
        (:func:`warm_up_worker` never raises).
        """

        # A task pinned to each worker, run in its task thread like a region (``client.run``
        # would run it in the worker's event loop, which it would block for seconds).
        for address in self._workers():
            self._warm[address] = self.client.submit(
                warm_up_worker, str(cwd), str(cache_dir), bundle_path, workers=[address],
                allow_other_workers=False, pure=False, key=f"casekit-warm-up-{address}-{time.time_ns()}",
            )

    def run(
        self,
        todo: Sequence[str],
        *,
        notebook: Path,
        cwd: Path,
        values: Mapping[str, Any],
        titles: Mapping[str, str],
        formats: Sequence[str],
        cache_dir: Path,
        out_dir: Path,
        force: bool,
        done: Callable[[str, Any, float], None],
        document: str | None = None,
    ) -> None:
        """Render ``todo`` on the cluster and publish each region as it arrives.

        The kernels run in ``cwd`` (the bundle's parent folder; ``values["bundle_path"]`` is
        relative to it). ``done(region_id, seconds_or_exception, elapsed)`` is called in this thread for every
        region, published or failed.

        Each region goes to a live worker with a free thread whose warm-up is over, pinned there
        strictly: at most one region per worker thread is in flight, and Dask never moves it (its
        work stealing moves a queued task whose pin is loose to an idle worker -- possibly one that
        was about to get another region, which then died with it). A region whose worker dies
        while rendering it fails (``KilledWorker``). A region whose worker left the cluster while
        Dask still holds it (it had not reached the worker, or the scheduler retries tasks whose
        worker died: ``allowed-failures`` > 0) is sent once more, to another live worker; if that
        one goes too, the region fails.
        """
        from casekit.reports.build import publish_files

        from casekit.reports.fingerprint import code_version

        version = code_version()
        waiting = deque(todo)
        in_flight: dict[Any, _Sent] = {}
        first_sent: dict[str, float] = {}
        sent_again: set[str] = set()
        gone_since: dict[str, float] = {}  # worker address -> when this build first missed it
        wake = threading.Event()  # set when a region or a warm-up finishes
        for warm_up in self._warm.values():
            warm_up.add_done_callback(lambda _: wake.set())

        def send(region_id: str, address: str, started: float) -> None:
            job = {"notebook": str(notebook), "cwd": str(cwd), "parameters": {**values, "region": region_id},
                   "title": titles[region_id], "formats": list(formats), "cache_dir": str(cache_dir),
                   "code_version": version, "document": document}
            future = self.client.submit(render_on_worker, job, workers=[address], allow_other_workers=False,
                                        pure=False, retries=0, key=f"casekit-region-{region_id}-{time.time_ns()}")
            in_flight[future] = _Sent(region_id, address, started)
            future.add_done_callback(lambda _: wake.set())

        try:
            while waiting or in_flight:
                wake.clear()
                alive = self._workers()
                now = time.monotonic()
                for address in {sent.address for sent in in_flight.values()} - alive.keys():
                    gone_since.setdefault(address, now)
                finished: list[tuple[_Sent, Any]] = []
                for future, sent in list(in_flight.items()):
                    # Stranded: cancelled by the cluster (not by this build), or still held by Dask
                    # a while after its worker left (the grace lets a KilledWorker arrive first).
                    gone = sent.address in gone_since and now - gone_since[sent.address] >= STRANDED_AFTER
                    if not (future.status == "cancelled" or gone and not future.done()):
                        continue
                    del in_flight[future]
                    future.cancel()
                    if sent.region_id in sent_again:
                        finished.append((sent, DistributedError(
                            "the Dask worker rendering it died (out of memory, or stopped), and so did "
                            "the one it was sent to again")))
                    else:
                        log.info("%s: Dask lost it (its worker %s left, or the cluster cancelled it); "
                                 "sending it again", sent.region_id, sent.address)
                        sent_again.add(sent.region_id)
                        waiting.appendleft(sent.region_id)
                for future in [f for f in in_flight if f.done()]:
                    sent = in_flight.pop(future)
                    try:
                        finished.append((sent, future.result()))
                    except Exception as exc:  # noqa: BLE001 - one region's failure is that region's
                        finished.append((sent, exc))
                # The next regions first (the workers work while this thread publishes).
                busy = Counter(sent.address for sent in in_flight.values())
                for address in sorted(alive):
                    warm_up = self._warm.get(address)
                    while waiting and busy[address] < alive[address] and (warm_up is None or warm_up.done()):
                        region_id = waiting.popleft()
                        send(region_id, address, first_sent.setdefault(region_id, time.perf_counter()))
                        busy[address] += 1
                for sent, result in finished:
                    outcome: Any = result
                    if not isinstance(result, BaseException):
                        files, outcome = result
                        try:
                            publish_files(out_dir / sent.region_id, files, force=force)
                        except Exception as exc:  # noqa: BLE001 - e.g. an edited file: that region's
                            outcome = exc
                    done(sent.region_id, outcome, time.perf_counter() - sent.started)
                if not (waiting or in_flight):
                    break
                # Until a region finishes, a worker's warm-up ends, or a second goes by (a worker may
                # have left or joined: a nanny restarts a dead worker under a new address).
                wake.wait(POLL_SECONDS)
        except BaseException:
            for future in in_flight:
                future.cancel()
            raise

    def _workers(self) -> dict[str, int]:
        """The scheduler's workers now: address -> threads."""
        info = self.client.scheduler_info()
        return {address: int(w.get("nthreads", 1)) for address, w in info.get("workers", {}).items()}
