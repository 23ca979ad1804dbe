"""Shared by the benchmark scripts: time one call in a fresh interpreter, with its peak memory.

:func:`measure` runs ``fn(*args, **kwargs)`` in a new ``python`` process (so the peak resident
memory is that of the one call, not of whatever ran before) and returns its wall time and the
process's peak RSS. A benchmark times the casekit pipeline and its baseline the same way::

    from _measure import measure
    seconds, peak_mb = measure("casekit.intake:load_bundle", bundle, imports=("pandas",))
    seconds, peak_mb = measure(baseline, bundle)   # a function of the benchmark script itself
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["Measurement", "measure"]

ROOT = Path(__file__).resolve().parent.parent


class Measurement(NamedTuple):
    """What :func:`measure` returns: wall time of the call and peak RSS of its process."""

    seconds: float
    peak_mb: float


_CHILD = r"""
import importlib, importlib.util, json, pickle, resource, sys, time
spec = pickle.loads(sys.stdin.buffer.read())
sys.path[:0] = spec["sys_path"]
def resolve(target):
    where, _, attr = target.partition(":")
    if where.endswith(".py"):
        s = importlib.util.spec_from_file_location("_measured_" + where.rsplit("/", 1)[-1][:-3], where)
        module = importlib.util.module_from_spec(s)
        sys.modules[s.name] = module
        s.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    for part in attr.split("."):
        module = getattr(module, part)
    return module
t0 = time.perf_counter()
for name in spec["imports"]:
    importlib.import_module(name)
fn = resolve(spec["target"])
args, kwargs = pickle.loads(spec["call"])
start = t0 if spec["time_imports"] else time.perf_counter()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = fn(*args, **kwargs)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stdout.write("\n@@measure@@" + json.dumps({"seconds": seconds, "peak_kb": peak, "base_kb": base}) + "\n")
"""


def _target(fn: Callable[..., Any] | str) -> str:
    """``module:qualname`` (or ``/path/file.py:qualname`` for a script's own function)."""
    if isinstance(fn, str):
        return fn
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if not module or "<" in qualname:
        raise ValueError(f"{fn!r} is not a module-level function; pass 'module:function' instead")
    if module == "__main__":
        main = sys.modules["__main__"]
        path = getattr(main, "__file__", None)
        if path is None:
            raise ValueError(f"{fn!r} is defined in an interactive __main__; put it in a module")
        return f"{Path(path).resolve()}:{qualname}"
    return f"{module}:{qualname}"


def measure(fn: Callable[..., Any] | str, *args: Any, imports: Sequence[str] = (), time_imports: bool = False,
            env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float | None = None,
            sys_path: Sequence[str] | None = None, **kwargs: Any) -> Measurement:
    """Run ``fn(*args, **kwargs)`` in a fresh Python process; return its time and peak memory.

    Parameters
    ----------
    fn : callable or str
        A module-level function (a script's own functions work too: the script is imported in
        the child under another name, so its ``if __name__ == "__main__"`` block does not run),
        or ``"module:function"`` / ``"/path/to/file.py:function"``.
    *args, **kwargs
        Arguments of the call (picklable).
    imports : sequence of str
        Modules imported before the clock starts (e.g. ``("pandas", "casekit.intake")``), so
        that import time is left out; ``fn``'s own module is always imported first.
    time_imports : bool, default False
        Start the clock before ``imports`` and ``fn``'s module are imported.
    env, cwd, timeout
        Passed to :func:`subprocess.run` (default: this process's environment, the project root).
    sys_path : sequence of str, optional
        Folders put first on the child's ``sys.path`` (default: the project root and
        ``benchmarks/``; pass ``()`` with ``env={"PYTHONPATH": …}`` to time another checkout).

    Returns
    -------
    Measurement
        ``(seconds, peak_mb)``: wall time of the call, and the child process's peak resident
        set size (``ru_maxrss``) in MB, interpreter and imports included.

    Raises
    ------
    subprocess.CalledProcessError
        If the call raises (its traceback is on the error's ``stderr``).
    """
    spec = {
        "target": _target(fn),
        "imports": list(imports),
        "time_imports": time_imports,
        "sys_path": [str(ROOT), str(Path(__file__).resolve().parent)] if sys_path is None else list(sys_path),
        "call": pickle.dumps((args, kwargs)),
    }
    done = subprocess.run([sys.executable, "-c", _CHILD], input=pickle.dumps(spec), capture_output=True,
                          check=False, env=env, cwd=cwd or ROOT, timeout=timeout)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    line = done.stdout.decode("utf-8", "replace").rsplit("@@measure@@", 1)[-1]
    data = json.loads(line.strip())
    return Measurement(data["seconds"], data["peak_kb"] / 1024)
