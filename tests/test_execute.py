"""Executing a notebook with papermill in a reused (warm) kernel."""

import ast
from pathlib import Path

import pytest
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

from casekit.reports.execute import WarmKernel, execute_notebook

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


def test_fresh_kernel_run(tmp_path):
    nb = execute_notebook(PROBE, tmp_path / "x.ipynb", {"region": "x"})
    assert _leftovers(nb) == FRESH
