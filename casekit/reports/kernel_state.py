"""Runs *inside* a reused report kernel, between two notebooks: puts the kernel back into the
state of a fresh one, so that nothing one region's report did can show in the next.

:class:`casekit.reports.execute.WarmKernel` calls :func:`reset_kernel_state` before every
notebook. It keeps imported modules (that is where the time goes), and resets what a notebook
can change: the user namespace and output history (``Out``, ``_``), the execution counter,
matplotlib figures and ``rcParams``, warning filters, pandas display options and the working
directory.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any, cast

__all__ = ["reset_kernel_state", "warm_up"]

_snapshot: dict[str, Any] | None = None


def _take_snapshot() -> dict[str, Any]:
    import matplotlib
    import matplotlib.pyplot  # activates the inline backend and its rcParams

    return {
        "rc": dict(matplotlib.rcParams),
        "warnings": list(warnings.filters),
    }


def reset_kernel_state(cwd: str, cache_dir: str | None = None, bundle_path: str | None = None) -> None:
    """Return the running IPython kernel to the state of a freshly started one.

    The first call records matplotlib's ``rcParams`` and the warning filters; later calls
    restore them.

    Parameters
    ----------
    cwd : str
        The working directory notebooks run in (the folder of the report notebook).
    cache_dir : str, optional
        The build's cache of engagement-wide results (:func:`casekit.reports.engagement.use_cache`):
        the region reports of this kernel read what the build computed once. None: none.
    bundle_path : str, optional
        The bundle the notebooks read (relative to ``cwd``): when a file of it changed since the
        kernel read it (a build of ``casekit build --watch``), the bundle the build handed over
        through ``cache_dir`` is taken instead of reading the files again.
    """
    global _snapshot
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    if _snapshot is None:
        _snapshot = _take_snapshot()
    else:
        # In place: the C warnings machinery holds this very list (typeshed calls it a Sequence).
        cast(list, warnings.filters)[:] = _snapshot["warnings"]
        warnings._filters_mutated()  # type: ignore[attr-defined]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rc = matplotlib.rcParams
            for key in [k for k in rc if k not in _snapshot["rc"]]:
                dict.__delitem__(rc, key)
            for key, value in _snapshot["rc"].items():
                dict.__setitem__(rc, key, value)
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    os.chdir(cwd)

    from casekit.intake.bundle import remember_bundles
    from casekit.reports.engagement import use_cache

    use_cache(cache_dir)
    remember_bundles(True)  # the next region reads the same bundle: a copy, unless a file changed
    if cache_dir is not None and bundle_path is not None:
        from casekit.reports.engagement import take_bundle

        try:
            take_bundle(cache_dir, bundle_path)
        except Exception:  # noqa: BLE001 - only saves time: the notebook reads the files
            pass

    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        # Clears the user namespace and output history; execution counts start again at 1.
        # Not ``aggressive``: modules stay imported, which is the point of reusing the kernel.
        shell.reset(new_session=True)


def warm_up(bundle_path: str | None = None, cache_dir: str | None = None) -> None:
    """Do, once per kernel, what every region's report would otherwise pay for in its first run:
    import what the report notebook imports, load the CJK font and draw Chinese text with it,
    build the HTML exporter (its templates) with a page of one table, and read the bundle. Then
    everything alive is frozen out of the garbage collector's sight (:func:`gc.freeze`): it lives
    as long as the kernel, and IPython's reset collects garbage before every region.

    Leaves no trace a notebook could see: ``rcParams`` are restored, no figure is kept, the user
    namespace is untouched (and reset before every notebook anyway); the bundle is only kept in
    the kernel's memo (:func:`casekit.intake.bundle.remember_bundles`), which hands each notebook
    its own copy.

    Parameters
    ----------
    bundle_path : str, optional
        The bundle the notebooks will read. A bundle that cannot be read is left for the first
        notebook to report, with its region.
    cache_dir : str, optional
        The build's cache folder: the bundle the build loaded is taken from there when none of
        its files changed since (:func:`casekit.reports.engagement.take_bundle`), instead of
        reading and validating the files again.
    """
    import gc
    import io

    import matplotlib
    import matplotlib.pyplot  # noqa: F401 - the inline backend, as the notebook's %matplotlib
    import nbformat
    import pandas  # noqa: F401
    from matplotlib.figure import Figure

    import casekit.analysis  # noqa: F401
    import casekit.reports.charts  # noqa: F401
    import casekit.reports.course_tables  # noqa: F401
    import casekit.reports.region_report  # noqa: F401
    import casekit.reports.safe_html  # noqa: F401
    import casekit.reports.summary  # noqa: F401
    import casekit.reports.tables  # noqa: F401
    from casekit.reports.export import notebook_to_html
    from casekit.reports.fonts import ensure_cjk_font

    with matplotlib.rc_context():
        try:
            ensure_cjk_font()
        except Exception:  # noqa: BLE001 - no font: the notebook reports it, with its region
            pass
        fig = Figure(figsize=(2, 1), dpi=100, layout="constrained")
        ax = fig.subplots()
        ax.barh(["客户经理", "销售管理人员"], [3.2, 4.1])
        ax.set_title("预热：中文图表")
        fig.savefig(io.BytesIO(), format="png")
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 预热\n\n| 维度 | 得分 |\n|---|---|\n| 产品知识 | 3.5 |")])
    notebook_to_html(page, title="预热")
    if bundle_path is not None:
        from casekit.intake.bundle import load_bundle, remember_bundles

        remember_bundles(True)
        try:
            if cache_dir is not None:
                from casekit.reports.engagement import take_bundle

                take_bundle(cache_dir, bundle_path)
            load_bundle(bundle_path)
        except Exception:  # noqa: BLE001 - the first notebook reports it
            pass
    # What is alive now (modules, the bundle's memo) lives as long as the kernel: move it out of
    # the garbage collector's sight. IPython's reset runs a full collection before every region
    # (0.13 s of walking these objects each time, 0.005 s after), and so do the collections the
    # reports themselves trigger. No collection first: it would walk the same ~220,000 objects
    # (0.12 s) to free a few dozen.
    gc.freeze()
