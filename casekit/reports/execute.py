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
Without a warm kernel the engine behaves like papermill's default one and shuts the kernel down
immediately after the notebook.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from jupyter_core.utils import run_sync
from nbformat import NotebookNode

__all__ = ["ENGINE_NAME", "KERNEL_NAME", "WarmKernel", "CasekitEngine", "execute_notebook"]

log = logging.getLogger(__name__)

#: Name under which :class:`CasekitEngine` is registered with papermill.
ENGINE_NAME = "casekit"
#: The kernel reports run in: the current environment's IPython.
KERNEL_NAME = "python3"

_RESET_CODE = (
    "from casekit.reports.kernel_state import reset_kernel_state as _casekit_reset\n"
    "_casekit_reset({cwd!r})\n"
)


class WarmKernel:
    """One IPython kernel reused by many notebook runs.

    Use it as a context manager; the kernel starts lazily at the first :meth:`prepare` and is
    shut down on exit.

    Parameters
    ----------
    cwd : path-like
        Working directory of the notebooks (normally the report notebook's folder).
    kernel_name : str
        Kernel spec to start.
    startup_timeout : float
        Seconds to wait for the kernel to answer after starting.

    Attributes
    ----------
    starts : int
        How many times a kernel process was started (1 + restarts after a kernel died).
    """

    def __init__(self, cwd: Path | str, *, kernel_name: str = KERNEL_NAME, startup_timeout: float = 60) -> None:
        self.cwd = str(Path(cwd).resolve())
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.starts = 0

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def start(self) -> None:
        """Start a new kernel process (shutting down the current one, if any) and connect to it."""
        from jupyter_client.manager import AsyncKernelManager

        self.shutdown()
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(
            cwd=self.cwd, extra_arguments=[
                "--HistoryManager.hist_file=:memory:",
                # The kernel's own log (not the notebook's output): keep errors, drop the
                # loopback-TCP warning it prints on every start, which alarms consultants.
                "--IPKernelApp.log_level=ERROR",
            ]
        )
        self.km = km
        self.starts += 1
        # One client for the kernel's lifetime: nbclient reuses it (it only makes a client when
        # it has none), which saves connecting and waiting for the kernel for every notebook.
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
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
        except RuntimeError:  # already gone
            pass
        finally:
            try:
                run_sync(km.cleanup_resources)()
            except Exception:  # pragma: no cover - best effort
                pass

    # -- between notebooks -----------------------------------------------------------------
    def _reset(self) -> None:
        reply = run_sync(self.kc.execute_interactive)(
            _RESET_CODE.format(cwd=self.cwd),
            store_history=False,
            allow_stdin=False,
            timeout=self.startup_timeout,
            output_hook=lambda msg: None,
        )
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(
                f"resetting the kernel failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def prepare(self) -> None:
        """Make the kernel ready for the next notebook: alive and in a fresh state.

        Starts the kernel if none runs or it died; if resetting fails, starts a new kernel and
        resets that one.
        """
        if not self.is_alive():
            self.start()
        try:
            self._reset()
        except Exception as exc:  # a wedged kernel: replace it
            log.warning("kernel reset failed (%s); starting a new kernel", exc)
            self.start()
            self._reset()


def _engine_class():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import remove_args

    class CasekitEngine(NBClientEngine):
        """papermill engine running notebooks in a :class:`WarmKernel` when given one.

        Accepts the extra keyword ``warm_kernel`` (a prepared :class:`WarmKernel` or ``None``).
        Without it, each notebook gets a fresh kernel, shut down immediately afterwards.
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
                kwargs.setdefault("shutdown_kernel", "immediate")
                return super().execute_managed_notebook(
                    nb_man,
                    kernel_name,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                    start_timeout=start_timeout,
                    execution_timeout=execution_timeout,
                    **kwargs,
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
        kernel is started and shut down immediately afterwards.
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
    """
    import papermill as pm

    notebook = Path(notebook)
    common: dict[str, Any] = dict(
        parameters=dict(parameters),
        engine_name=ENGINE_NAME,
        kernel_name=kernel.kernel_name if kernel is not None else KERNEL_NAME,
        progress_bar=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
    )
    if kernel is not None:
        kernel.prepare()
        executed = pm.execute_notebook(str(notebook), str(output), warm_kernel=kernel, **common)
    else:
        executed = pm.execute_notebook(
            str(notebook), str(output), cwd=str(cwd or notebook.resolve().parent), **common
        )
    return _stable_injected_cell_id(executed, output)


def _stable_injected_cell_id(nb: Any, output: Path | str) -> Any:
    """Give papermill's injected-parameters cell a fixed id (papermill draws a random one), so
    the same inputs give byte-identical notebooks and HTML."""
    import nbformat

    changed = False
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []) and cell.get("id") != "injected-parameters":
            cell["id"] = "injected-parameters"
            changed = True
    if changed:
        nbformat.write(nb, str(output))
    return nb
