"""Executing a parameterised notebook with papermill, in a fresh or a reused (warm) kernel.

Starting an IPython kernel and importing pandas, matplotlib and casekit costs more than running
a region's report. :class:`WarmKernel` starts one kernel and reuses it for every region: before
each notebook it checks that the kernel is alive (restarting it if not) and resets it to the
state of a fresh kernel (:func:`casekit.reports.kernel_state.reset_kernel_state`), keeping only
imported modules.

papermill does the parameterising, the error marking and the writing; the papermill engine
``"casekit"`` registered here hands nbclient the warm kernel's manager and its connected client.
nbclient does not shut down a kernel it did not start (``owns_km`` is false) and does not make a
new client when it has one, so the kernel and its connection outlive each notebook.
A run without a reused kernel gets a :class:`WarmKernel` of its own, shut down right after the
notebook, so both paths start the same kernel the same way.

The kernel is always the *current interpreter's* IPython (``sys.executable -m
ipykernel_launcher``), never a kernelspec looked up by name: a user-level ``python3`` spec
(Anaconda, ``ipykernel install --user``) would otherwise shadow the virtual environment's and
the report would fail with ``ModuleNotFoundError: casekit``.

Executed notebooks are made reproducible before they are written: papermill's timing and paths,
nbclient's per-cell timestamps and the random id of the injected-parameters cell are removed
or fixed, so the same inputs give byte-identical notebooks.
"""

from __future__ import annotations

import logging
import queue
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_core.utils import run_sync
from nbformat import NotebookNode

from casekit.exceptions import KernelError
from casekit.language import tr

__all__ = [
    "ENGINE_NAME",
    "KERNEL_ARGV",
    "WARM_UP_CODE",
    "KERNEL_NAME",
    "CasekitEngine",
    "CurrentPythonKernelSpecManager",
    "WarmKernel",
    "execute_notebook",
    "make_reproducible",
    "settle_interrupted_tasks",
]

log = logging.getLogger(__name__)

#: Name under which :class:`CasekitEngine` is registered with papermill.
ENGINE_NAME = "casekit"
#: Kernel name given to papermill (it picks the Python parameter translator by it); the kernel
#: actually started is always :data:`KERNEL_ARGV`, whatever kernelspecs are installed.
KERNEL_NAME = "python3"
#: Command line of the report kernel: the IPython kernel of the interpreter running casekit.
KERNEL_ARGV: tuple[str, ...] = (sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}")


class CurrentPythonKernelSpecManager(KernelSpecManager):
    """Kernelspec manager that answers every kernel name with the current interpreter's kernel.

    Installed kernelspecs are never consulted, so a user-level ``python3`` spec pointing at
    another Python cannot replace the environment casekit runs in.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return the spec of :data:`KERNEL_ARGV` (``kernel_name`` is ignored)."""
        try:
            from ipykernel.kernelspec import RESOURCES as resource_dir
        except ImportError:  # pragma: no cover - ipykernel is a dependency; logos only
            resource_dir = ""
        return KernelSpec(
            argv=list(KERNEL_ARGV),
            display_name=f"Python {sys.version_info.major} (casekit)",
            language="python",
            resource_dir=resource_dir,
            metadata={"debugger": False},
        )

_RESET_CODE = (
    "from casekit.reports.kernel_state import reset_kernel_state as _casekit_reset\n"
    "_casekit_reset({cwd!r}, {cache_dir!r}, {bundle_path!r})\n"
)
#: What the report notebook imports, imported by :meth:`WarmKernel.warm_up` ahead of the first
#: region (while the build computes the engagement-wide results).
WARM_UP_CODE = (
    "from casekit.reports.kernel_state import warm_up as _casekit_warm_up\n"
    "_casekit_warm_up({bundle_path!r}, {cache_dir!r})\n"
)


class WarmKernel:
    """One IPython kernel reused by many notebook runs.

    Use it as a context manager; the kernel starts lazily at the first :meth:`prepare` and is
    shut down on exit.

    Parameters
    ----------
    cwd : path-like
        Working directory of the notebooks (a build uses the bundle's parent folder, :func:`casekit.reports.build_state.kernel_folder`).
    startup_timeout : float
        Seconds to wait for the kernel to answer after starting.
    cache_dir : path-like, optional
        The build's cache of engagement-wide results, put in use in the kernel before every
        notebook (:func:`casekit.reports.kernel_state.reset_kernel_state`).

    Attributes
    ----------
    starts : int
        How many times a kernel process was started (1 + restarts after a kernel died).
    """

    def __init__(self, cwd: Path | str, *, startup_timeout: float = 60,
                 cache_dir: Path | str | None = None) -> None:
        self.cwd = str(Path(cwd).resolve())
        self.cache_dir = str(cache_dir) if cache_dir is not None else None
        #: The bundle of :meth:`warm_up` (the reset before each notebook refreshes it from the build's).
        self.bundle_path: str | None = None
        self.kernel_name = KERNEL_NAME
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.starts = 0

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> WarmKernel:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def start(self) -> None:
        """Start a new kernel process (shutting down the current one, if any) and connect to it."""
        from jupyter_client.manager import AsyncKernelManager

        self.shutdown()
        km = AsyncKernelManager(
            kernel_name=self.kernel_name, kernel_spec_manager=CurrentPythonKernelSpecManager()
        )
        self.km = km  # first, so that an interrupted start still shuts down what it started
        try:
            run_sync(km.start_kernel)(
                cwd=self.cwd, extra_arguments=[
                    "--HistoryManager.hist_file=:memory:",
                    # The kernel's own log (not the notebook's output): keep errors, drop the
                    # loopback-TCP warning it prints on every start, which alarms consultants.
                    "--IPKernelApp.log_level=ERROR",
                ]
            )
        except BaseException:
            if sys.exc_info()[0] is KeyboardInterrupt:
                settle_interrupted_tasks()
            self.shutdown()
            raise
        self.starts += 1
        # One client for the kernel's lifetime: nbclient reuses it (it only makes a client when
        # it has none), which saves connecting and waiting for the kernel for every notebook.
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        except RuntimeError as exc:  # "Kernel didn't respond" / "Kernel died before replying"
            kc.stop_channels()
            self.shutdown()
            raise KernelError(tr(f"报告内核（{sys.executable}）未能启动：{exc}",
                                 f"the report kernel ({sys.executable}) did not start: {exc}")) from exc
        except BaseException:
            kc.stop_channels()
            self.shutdown()
            raise
        kc.allow_stdin = False
        self.kc = kc
        log.debug("started kernel %s (start #%d)", km.kernel_id, self.starts)

    def is_alive(self) -> bool:
        """Return whether the kernel process is running."""
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def shutdown(self) -> None:
        """Stop the kernel process now (no-op when none is running)."""
        kc, self.kc = self.kc, None
        if kc is not None:
            kc.stop_channels()
        km, self.km = self.km, None
        if km is None:
            return
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError as exc:  # the process went away while we stopped it
            log.debug("kernel already gone at shutdown: %s", exc)
        finally:
            try:
                run_sync(km.cleanup_resources)()
            except (OSError, RuntimeError) as exc:  # pragma: no cover - already removed, or
                log.debug("kernel cleanup: %s", exc)  # a start interrupted before it had any

    # -- between notebooks -----------------------------------------------------------------
    def run(self, code: str, *, timeout: float | None = None, what: str | None = None) -> None:
        """Execute ``code`` in the kernel (outputs dropped); raise :class:`KernelError` if it fails.

        Parameters
        ----------
        code : str
            Python source.
        timeout : float, optional
            Seconds to wait for the reply; default the startup timeout.
        what : str, optional
            What the code does, for the error message (default: running code in the kernel).
        """
        what = what or tr("在内核中运行代码", "running code in the kernel")
        kc = self.kc
        if kc is None:
            raise KernelError(tr(f"内核没有在运行（{what}）", f"{what} failed: the kernel is not running"))
        try:
            reply = run_sync(self._reply)(kc, code, timeout if timeout is not None else self.startup_timeout, what)
        except (KernelError, TimeoutError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # the channels closed under it (shut down from another thread):
            if self.kc is not kc:     # a failure, or the wait cancelled (asyncio.CancelledError)
                raise KernelError(tr(f"内核已被关闭，已中止（{what}）", f"{what} stopped: the kernel was shut down")) from exc
            raise
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(tr(f"内核运行出错（{what}）：{content.get('ename')}: {content.get('evalue')}",
                                 f"{what} failed: {content.get('ename')}: {content.get('evalue')}"))

    async def _reply(self, kc: Any, code: str, timeout: float, what: str) -> dict[str, Any]:
        """Send ``code``, wait for its reply and for the kernel to be idle again (outputs dropped).

        Waits in short steps, so that a :meth:`shutdown` from another thread (a build ending
        while this kernel still warms up) ends the wait at once instead of at ``timeout``.
        """
        msg_id = kc.execute(code, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        reply: dict[str, Any] | None = None
        while True:
            if self.kc is not kc:
                raise KernelError(tr(f"内核已被关闭，已中止（{what}）", f"{what} stopped: the kernel was shut down"))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(tr(f"内核在 {timeout:g} 秒内没有响应（{what}）",
                                      f"{what}: no answer from the kernel within {timeout:g} s"))
            try:
                if reply is None:
                    msg = await kc.get_shell_msg(timeout=min(0.2, left))
                    if msg["parent_header"].get("msg_id") == msg_id:
                        reply = msg
                else:
                    msg = await kc.get_iopub_msg(timeout=min(0.2, left))
                    if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                            and msg["content"].get("execution_state") == "idle"):
                        return reply
            except queue.Empty:
                continue

    def _reset(self) -> None:
        self.run(_RESET_CODE.format(cwd=self.cwd, cache_dir=self.cache_dir, bundle_path=self.bundle_path),
                 what=tr("重置内核", "resetting the kernel"))

    def warm_up(self, bundle_path: str | None = None) -> None:
        """Start the kernel (if none runs) and import what the report notebook imports.

        Failures are left for :meth:`prepare` to meet and report (a warm-up only saves time).

        Parameters
        ----------
        bundle_path : str, optional
            The bundle the notebooks will read (as they get it: relative to the kernel's working
            directory); read now, so that the first region finds it in the kernel's memo
            (:func:`casekit.intake.bundle.remember_bundles`).
        """
        self.bundle_path = bundle_path
        try:
            if not self.is_alive():
                self.start()
            self.run(WARM_UP_CODE.format(bundle_path=bundle_path, cache_dir=self.cache_dir), timeout=max(self.startup_timeout, 120),
                     what=tr("预热内核", "warming up the kernel"))
        except Exception as exc:  # noqa: BLE001 - reported by the first notebook, with its region
            log.debug("kernel warm-up failed: %s", exc)

    def prepare(self) -> None:
        """Make the kernel ready for the next notebook: alive and in a fresh state.

        Starts the kernel if none runs or it died; if resetting fails, starts a new kernel and
        resets that one.
        """
        if not self.is_alive():
            self.start()
        try:
            self._reset()
        except (KernelError, TimeoutError, RuntimeError) as exc:  # a wedged kernel: replace it
            log.warning("kernel reset failed (%s); starting a new kernel", exc)
            self.start()
            self._reset()


def _engine_class() -> type:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import remove_args

    class CasekitEngine(NBClientEngine):
        """papermill engine running notebooks in a :class:`WarmKernel`.

        Accepts the extra keyword ``warm_kernel`` (a prepared :class:`WarmKernel`). Without one,
        the notebook gets a kernel of its own in papermill's working directory, shut down
        immediately afterwards.
        """

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            warm_kernel: WarmKernel | None = None,
            **kwargs,
        ):
            if warm_kernel is None:
                import os

                with WarmKernel(cwd=os.getcwd(), startup_timeout=start_timeout) as own:
                    own.prepare()
                    return cls.execute_managed_notebook(
                        nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file,
                        stderr_file=stderr_file, start_timeout=start_timeout,
                        execution_timeout=execution_timeout, warm_kernel=own, **kwargs,
                    )
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
            client = PapermillNotebookClient(
                nb_man,
                km=warm_kernel.km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = warm_kernel.kc  # connected and ready: nbclient uses it as is
            return client.execute()

    return CasekitEngine


CasekitEngine = _engine_class()


def _register() -> None:
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, CasekitEngine)


_register()


def settle_interrupted_tasks() -> None:
    """Cancel what a Ctrl-C left pending on this thread's event loop (the one jupyter's
    ``run_sync`` uses) and mark finished tasks' errors as seen.

    An interrupted cell leaves nbclient's tasks behind; once the kernel is shut down they would
    end with ``DeadKernelError`` and asyncio would print "Task exception was never retrieved"
    with a traceback at exit.
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running():  # pragma: no cover - called from inside a coroutine: nothing to settle
        return
    tasks = asyncio.all_tasks(loop)
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()


def execute_notebook(
    notebook: Path | str,
    output: Path | str,
    parameters: Mapping[str, Any],
    *,
    kernel: WarmKernel | None = None,
    cwd: Path | str | None = None,
    timeout: float | None = 600,
) -> NotebookNode:
    """Execute ``notebook`` with ``parameters`` and write the result to ``output``.

    The kernel is the current interpreter's IPython (see :data:`KERNEL_ARGV`). The notebook
    written is reproducible: see :func:`make_reproducible`.

    Parameters
    ----------
    notebook : path-like
        The template notebook; it needs a cell tagged ``parameters``.
    output : path-like
        Where the executed notebook is written (also when a cell fails: papermill marks the
        failing cell).
    parameters : mapping
        Values papermill injects after the ``parameters`` cell.
    kernel : WarmKernel, optional
        A kernel to reuse; it is prepared (restarted if dead, reset) first. Without it a fresh
        kernel is started in ``cwd`` and shut down immediately afterwards.
    cwd : path-like, optional
        Working directory of a fresh kernel; default: the notebook's folder.
    timeout : float or None
        Seconds a single cell may run.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell raised; ``ename``, ``evalue`` and ``exec_count`` say which and why.
    nbclient.exceptions.DeadKernelError
        If the kernel died while running the notebook.
    casekit.exceptions.KernelError
        If the kernel could not be started or reset.
    """
    notebook = Path(notebook)
    if kernel is None:
        with WarmKernel(cwd=cwd or notebook.resolve().parent) as own:
            return execute_notebook(notebook, output, parameters, kernel=own, timeout=timeout)

    import nbformat
    import papermill as pm

    kernel.prepare()
    try:
        executed = pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=dict(parameters),
            engine_name=ENGINE_NAME,
            kernel_name=kernel.kernel_name,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            warm_kernel=kernel,
        )
    except KeyboardInterrupt:
        settle_interrupted_tasks()
        raise
    make_reproducible(executed)
    nbformat.write(executed, str(output))
    return executed


#: papermill metadata that changes from run to run or names local paths.
_VOLATILE_PAPERMILL = ("start_time", "end_time", "duration", "input_path", "output_path")


def make_reproducible(nb: NotebookNode) -> NotebookNode:
    """Remove what differs between two runs of the same notebook on the same inputs.

    Drops papermill's start/end times, durations and input/output paths (of the notebook and
    of every cell) and nbclient's per-cell ``execution`` timestamps, and gives papermill's
    injected-parameters cell a fixed id (papermill draws a random one).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook; changed in place.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.
    """
    papermill = nb.metadata.get("papermill")
    if papermill is not None:
        for key in _VOLATILE_PAPERMILL:
            papermill.pop(key, None)
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        cell_papermill = meta.get("papermill")
        if cell_papermill is not None:
            for key in _VOLATILE_PAPERMILL:
                cell_papermill.pop(key, None)
        if "injected-parameters" in meta.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb
