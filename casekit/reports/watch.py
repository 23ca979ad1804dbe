"""Rebuild the reports whenever a bundle file changes, with the same warm kernels (``casekit build
--watch``).

A consultant writing up interviews edits a note, saves it and wants the region's report again.
A single ``casekit build`` pays, every time, for starting Python, a kernel and the kernel's
imports before it renders the one region that changed (about 4 of its 5--6 seconds on the
sample). :func:`watch_reports` pays for them once: it builds, keeps the kernels of a
:class:`~casekit.reports.build.BuildSession`, looks at the bundle's files every ``interval``
seconds (names, sizes, modification times: :func:`~casekit.bundle_tree.tree_stamp`), and when
something changed and then stayed still for ``settle`` seconds, builds again. Each build is an
ordinary :func:`~casekit.reports.build.build_reports`: what is up to date is left alone, the build
lock is held while it runs (and released in between), and a bundle with problems is reported and
waited on until it is fixed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casekit.bundle_tree import tree_stamp
from casekit.exceptions import CasekitError
from casekit.reports.build import BuildResult, BuildSession, build_reports

__all__ = ["watch_reports"]


def _stamp(bundle_path: Path) -> tuple[object, ...] | None:
    try:
        return tree_stamp(bundle_path)
    except OSError:  # a folder being replaced: look again later
        return None


def watch_reports(
    bundle_path: Path | str,
    *,
    interval: float = 0.5,
    settle: float = 0.3,
    stop: threading.Event | None = None,
    on_result: Callable[[BuildResult], None] | None = None,
    on_error: Callable[[CasekitError], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    **build: Any,
) -> int:
    """Build the reports of a bundle, then again whenever one of its files changes, until stopped.

    Parameters
    ----------
    bundle_path : path-like
        The research bundle.
    interval : float
        Seconds between two looks at the bundle's files.
    settle : float
        A change is built once the files have stayed as they are this long (an editor saving a
        file in several writes, or several files copied in, give one build).
    stop : threading.Event, optional
        Set it to end the watch (it ends after the build in progress); without it the watch
        runs until interrupted (Ctrl-C, :class:`KeyboardInterrupt`).
    on_result : callable, optional
        Called with each build's :class:`~casekit.reports.build.BuildResult`.
    on_error : callable, optional
        Called with the error of a build that could not start (a bundle with problems, a folder
        locked by another build …); the watch goes on and builds after the next change.
        Default: the error is raised and the watch ends.
    on_wait : callable, optional
        Called each time the watch starts waiting for a change.
    **build
        Passed to :func:`~casekit.reports.build.build_reports` (``regions``, ``out``,
        ``formats``, ``jobs``, ``progress`` …; not ``scheduler``, ``workers`` or ``session``).
        ``force`` applies to the first build only: later builds rebuild what changed.

    Returns
    -------
    int
        The number of builds run.

    Raises
    ------
    ValueError
        If ``build`` asks for a Dask scheduler or workers (the watch keeps local kernels).
    """
    for name in ("scheduler", "workers", "session"):
        if build.get(name) is not None:
            raise ValueError(f"watch_reports keeps its own local kernels: {name!r} cannot be given")
    bundle_path = Path(bundle_path).resolve()
    stop = stop if stop is not None else threading.Event()
    builds = 0
    force = bool(build.pop("force", False))
    with BuildSession() as session:
        while not stop.is_set():
            seen = _stamp(bundle_path)
            try:
                result = build_reports(bundle_path, session=session, force=force and builds == 0, **build)
            except CasekitError as exc:
                if on_error is None:
                    raise
                on_error(exc)
            else:
                if on_result is not None:
                    on_result(result)
            builds += 1
            if on_wait is not None:
                on_wait()
            if not _changed(bundle_path, seen, interval, settle, stop):
                break
    return builds


def _changed(bundle_path: Path, seen: tuple[object, ...] | None, interval: float, settle: float,
             stop: threading.Event) -> bool:
    """Wait until the bundle's files differ from ``seen`` and then stay still for ``settle``
    seconds: True; False when ``stop`` was set meanwhile."""
    while not stop.wait(interval):
        now = _stamp(bundle_path)
        if now is None or now == seen:
            continue
        while not stop.wait(settle):  # still being written: wait until it is quiet
            later = _stamp(bundle_path)
            if later == now:
                return True
            now = later
        return False
    return False
