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

__all__ = ["reset_kernel_state"]

_snapshot: dict[str, Any] | None = None


def _take_snapshot() -> dict[str, Any]:
    import matplotlib
    import matplotlib.pyplot  # activates the inline backend and its rcParams

    return {
        "rc": dict(matplotlib.rcParams),
        "warnings": list(warnings.filters),
    }


def reset_kernel_state(cwd: str, cache_dir: str | None = None) -> None:
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

    from casekit.reports.engagement import use_cache

    use_cache(cache_dir)

    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        # Clears the user namespace and output history; execution counts start again at 1.
        # Not ``aggressive``: modules stay imported, which is the point of reusing the kernel.
        shell.reset(new_session=True)
