"""Executing a notebook with papermill in a reused (warm) kernel."""

import ast
import json
import sys
from pathlib import Path

import pytest
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

from casekit.reports.execute import KERNEL_ARGV, WarmKernel, execute_notebook

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"


def _leftovers(nb) -> dict:
    """What the probe notebook found left over from an earlier run in its kernel."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if text.startswith("LEFTOVERS "):
                return ast.literal_eval(text[len("LEFTOVERS "):].strip())
    raise AssertionError("the probe notebook printed no LEFTOVERS line")


FRESH = {"variable": False, "figures": [], "rc_linewidth": 1.5, "cwd": "notebooks"}


@pytest.fixture(scope="module")
def warm_runs(tmp_path_factory):
    """Run the probe for regions a, b (fails), c (kills its kernel), d in one WarmKernel."""
    out = tmp_path_factory.mktemp("warm")
    results = {}
    with WarmKernel(cwd=PROBE.parent) as kernel:
        for region in ("a", "b", "c", "d"):
            params = {"region": region, "fail_region": "b", "die_region": "c"}
            try:
                results[region] = execute_notebook(PROBE, out / f"{region}.ipynb", params, kernel=kernel)
            except (PapermillExecutionError, DeadKernelError) as exc:
                results[region] = exc
        starts = kernel.starts
    return results, starts, out


def test_no_state_leaks_between_notebooks(warm_runs):
    results, _, _ = warm_runs
    # The probe sets a global, a figure, an rcParam and changes directory; none survives.
    assert _leftovers(results["a"]) == FRESH
    assert _leftovers(results["d"]) == FRESH


def test_execution_counts_restart_for_each_notebook(warm_runs):
    results, _, _ = warm_runs
    counts = [c.execution_count for c in results["d"].cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_failing_cell_is_reported_and_marked(warm_runs):
    import nbformat

    results, _, out = warm_runs
    error = results["b"]
    assert isinstance(error, PapermillExecutionError)
    assert error.ename == "RuntimeError" and "planned failure for b" in error.evalue
    # papermill still wrote the notebook, marked at the failing cell
    assert nbformat.read(str(out / "b.ipynb"), as_version=4).metadata.papermill.exception is True


def test_dead_kernel_is_replaced(warm_runs):
    results, starts, _ = warm_runs
    assert isinstance(results["c"], DeadKernelError)
    assert starts == 2
    assert "DONE d" in "".join(o.get("text", "") for c in results["d"].cells for o in c.get("outputs", []))


@pytest.fixture
def bogus_python3_kernelspec(tmp_path, monkeypatch):
    """A user-level ``python3`` kernelspec pointing at another Python (as Anaconda or
    ``ipykernel install --user`` leave), in a temporary Jupyter data dir."""
    from jupyter_client.kernelspec import KernelSpecManager

    jupyter = tmp_path / "jupyter"
    spec = jupyter / "kernels" / "python3"
    spec.mkdir(parents=True)
    bogus = str(tmp_path / "elsewhere" / "bin" / "python")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [bogus, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (elsewhere)", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(jupyter))
    # Guard: a lookup by name would pick the bogus spec.
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == bogus
    return bogus


def test_fresh_kernel_run_is_the_current_interpreter_whatever_kernelspecs_say(bogus_python3_kernelspec, tmp_path):
    """A fresh kernel (no WarmKernel given) starts this interpreter's IPython, not ``python3``."""
    assert KERNEL_ARGV[0] == sys.executable
    nb = execute_notebook(PROBE, tmp_path / "fresh.ipynb", {"region": "x"})
    assert _leftovers(nb) == FRESH


def test_executed_notebook_has_no_timing_or_paths(warm_runs):
    import nbformat

    _, _, out = warm_runs
    text = (out / "a.ipynb").read_text(encoding="utf-8")
    for volatile in ("start_time", "end_time", "duration", "input_path", "output_path", "iopub.", str(out)):
        assert volatile not in text, volatile
    nb = nbformat.read(str(out / "a.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == ["injected-parameters"]
    assert nb.metadata.papermill.parameters == {"region": "a", "fail_region": "b", "die_region": "c"}


def test_a_kernels_warm_up_leaves_nothing_a_notebook_could_see():
    import matplotlib
    import matplotlib.pyplot as plt

    from casekit.reports.kernel_state import warm_up

    before = dict(matplotlib.rcParams)
    figures = plt.get_fignums()
    warm_up()  # imports, draws Chinese text with the CJK font, builds the HTML exporter
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == figures


def test_shutting_a_kernel_down_ends_the_code_it_runs_for_another_thread(tmp_path):
    """A build that ends while a kernel still warms up must not wait out the warm-up's timeout."""
    import threading

    from casekit.exceptions import KernelError
    from casekit.reports.execute import WarmKernel

    kernel = WarmKernel(cwd=tmp_path)
    kernel.start()
    outcome: list[BaseException | None] = []

    def long_run():
        try:
            kernel.run("import time; time.sleep(60)", timeout=120, what="warming up the kernel")
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            outcome.append(exc)

    worker = threading.Thread(target=long_run)
    worker.start()
    import time

    time.sleep(1)
    kernel.shutdown()
    worker.join(timeout=30)  # a liveness bound, not a speed target: the sleep alone lasts 60 s
    assert not worker.is_alive(), "the run went on after the kernel was shut down"
    assert isinstance(outcome[0], KernelError) and "shut down" in str(outcome[0])
