"""Benchmark: ``casekit build`` against the loop a user would write by hand.

Both build the HTML report of every top-level region of the sample bundle, in the same run on
the same machine:

* **casekit build** -- the command (``casekit build <bundle> --out ... --quiet``): one process,
  a pool of warm kernels (one per core), the engagement-wide results computed once,
  HTML export inside the warm kernel (no nbconvert process);
* **hand loop** -- per region, sequentially: ``papermill`` CLI (a fresh kernel) then
  ``jupyter nbconvert --to html --no-input``;
* for reference, ``build_reports`` called from Python, with one reused kernel (``jobs=1``) and
  with a fresh kernel per region (``reuse_kernel=False``): the ratio of the two isolates what
  reusing the kernel saves.

Each variant runs ``--repeat`` times (default 3, alternating); the median wall time is reported
and written to ``benchmarks/RESULTS.md``. Scratch output goes to ``benchmarks/_work/``.

Usage::

    python benchmarks/bench_build.py [--repeat N] [--bundle PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import machine as describe_machine, write_section  # noqa: E402 - the scripts run as files, not a package

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


def casekit_build(bundle: Path, out: Path) -> None:
    _run([str(BIN / "casekit"), "build", str(bundle), "--out", str(out), "--quiet"])


def hand_loop(bundle: Path, out: Path, regions: list[str], notebook: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for region in regions:
        executed = out / f"{region}.ipynb"
        _run([str(BIN / "papermill"), str(notebook), str(executed), "-p", "bundle_path", str(bundle),
              "-p", "region", region, "-k", "python3", "--cwd", str(notebook.parent)])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])


def python_api(bundle: Path, out: Path, reuse_kernel: bool) -> None:
    from casekit.reports import build_reports

    result = build_reports(bundle, out=out, progress=False, reuse_kernel=reuse_kernel, jobs=1)
    result.raise_for_failures()


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    from casekit.intake import load_bundle
    from casekit.paths import REPORT_NOTEBOOK, SAMPLE_BUNDLE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bundle", type=Path, default=SAMPLE_BUNDLE)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)

    bundle = args.bundle.resolve()
    regions = load_bundle(bundle).manifest.top_level_ids()
    shutil.rmtree(WORK, ignore_errors=True)
    import casekit.reports.build  # noqa: F401  (imports papermill, nbconvert: not timed)

    warm, fresh = "build_reports(jobs=1), one reused kernel", "build_reports(reuse_kernel=False)"
    times: dict[str, list[float]] = {"casekit build": [], "hand loop": [], warm: [], fresh: []}
    for i in range(args.repeat):
        times["casekit build"].append(_timed(casekit_build, bundle, WORK / f"casekit-{i}"))
        times["hand loop"].append(_timed(hand_loop, bundle, WORK / f"hand-{i}", regions, REPORT_NOTEBOOK))
        times[warm].append(_timed(python_api, bundle, WORK / f"warm-{i}", True))
        times[fresh].append(_timed(python_api, bundle, WORK / f"fresh-{i}", False))
        print(f"run {i + 1}/{args.repeat}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()),
              file=sys.stderr)
    median = {k: statistics.median(v) for k, v in times.items()}
    ratio = median["hand loop"] / median["casekit build"]
    kernel_ratio = median[fresh] / median[warm]

    machine = describe_machine()
    rows = "\n".join(
        f"| {k} | {median[k]:.2f} | {' / '.join(f'{t:.2f}' for t in v)} |" for k, v in times.items()
    )
    report = f"""## Building the region reports

`python benchmarks/bench_build.py` (`make bench`) -- {date.today().isoformat()}

Machine: {machine}.
Workload: the sample bundle's {len(regions)} top-level regions ({', '.join(regions)}), report notebook
`notebooks/5.0-region-report.ipynb` to HTML with the code hidden; {args.repeat} alternating runs, median.

| variant | median wall time (s) | runs (s) |
|---|---:|---|
{rows}

**`casekit build` is {ratio:.1f}x faster than the hand loop** (per region, sequential: `papermill`
CLI, then `jupyter nbconvert --to html --no-input`).
From Python (imports already done), reusing one kernel across regions is {kernel_ratio:.1f}x faster than
a fresh kernel per region ({median[fresh]:.2f} s vs {median[warm]:.2f} s). The rest of the gap to the
hand loop is one process instead of two per region (no repeated Python, papermill and nbconvert
start-up), the engagement-wide results computed once instead of in every region's notebook, the
HTML export inside the warm kernel (no nbconvert process) and, for `casekit build`, a kernel per core. `casekit build` also pays its
own start-up once (Python, imports, loading and validating the bundle).
"""
    print(report)
    if not args.no_write:
        write_section("bench_build", report)
        print(f"written to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
