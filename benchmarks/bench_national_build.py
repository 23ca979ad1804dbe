"""Benchmark: building region reports of a 300-city national engagement, serial vs Dask workers.

The engagement is written by ``benchmarks/national_bundle.py`` (seeded, reused when its
parameters match; ``benchmarks/_work/national-build/``): 31 provinces, 300 cities, by default
4,000 account managers (plus 400 support engineers and 300 sales managers) and 40,000
ride-along rows -- a moderate sales force, so that the engagement-wide analysis (findings over
331 regions, account-manager types, notes) stays a small part of the build.

In one run, on the same ``k`` regions (default 24 cities spread over the provinces;
``--regions-count``, or ``--all`` for all 331 regions), each build into a fresh reports folder
and in a fresh Python process (:func:`_measure.measure`, imports included):

* **serial** -- ``build_reports(..., jobs=1)`` (``casekit build --jobs 1``): one warm kernel;
* **Dask** -- ``build_reports(..., workers=2)`` (``casekit build --workers 2``): a Dask
  ``LocalCluster`` of 2 workers started by the build, each rendering regions in its own warm
  kernel, the build process publishing every file.

Both totals include what a user waits for: imports, loading and validating the bundle, the
engagement-wide analysis (computed once per build, each build has a fresh cache), the cluster's
start (Dask) and the index. Separately, once, in this process: ``load_bundle`` and
:func:`casekit.reports.engagement.shared_results` (memory only), timed.

Projected time per 100 regions per worker = (Dask total / k) × workers × 100: the Dask run's
wall time per region, times the workers that shared it, is what one region costs one worker,
with the one-off costs (start-up, analysis, cluster) spread over the k regions -- so it
over-estimates for more regions. The workers' own render time per region (median) × 100 is the
lower bound without any one-off cost.

Results go to ``benchmarks/RESULTS.md`` (section ``bench_national_build``).

Usage::

    python benchmarks/bench_national_build.py [--regions-count K | --all] [--workers N]
        [--account-managers N] [--visits N] [--cities N] [--provinces N] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402 - the scripts run as files, not a package
from _results import machine as describe_machine, write_section  # noqa: E402
from national_bundle import national_bundle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
SEED = 2026


def build(bundle: str, out: str, regions: list[str], jobs: int | None, workers: int | None, report: str) -> None:
    """``build_reports`` of ``regions`` (run in a fresh process by :func:`_measure.measure`); what it
    did is written to ``report`` as JSON."""
    from casekit.reports import build_reports

    result = build_reports(bundle, regions=regions, out=out, progress=False, jobs=jobs, workers=workers)
    result.raise_for_failures()
    render = {rid: sum(v.values()) for rid, v in result.format_seconds.items()}
    Path(report).write_text(json.dumps({"built": result.built, "backend": result.backend,
                                        "workers": result.workers, "render": render}), encoding="utf-8")


def spread(items: list[str], k: int) -> list[str]:
    """``k`` items spread evenly over ``items`` (all of them if ``k`` is larger)."""
    if k >= len(items):
        return list(items)
    return [items[(i * len(items)) // k] for i in range(k)]


def timed_build(bundle: Path, out: Path, regions: list[str], *, jobs: int | None = None,
                workers: int | None = None) -> tuple[float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "CASEKIT_CACHE_DIR"}  # each build its own cache
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])  # kernels, workers
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "result.json"
        try:
            seconds, _peak = measure(build, str(bundle), str(out), regions, jobs, workers, str(report),
                                     time_imports=True, env=env)
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"the build failed:\n{exc.stderr.decode('utf-8', 'replace')}") from exc
        return seconds, json.loads(report.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions-count", type=int, default=24, help="cities built (default 24)")
    parser.add_argument("--all", action="store_true", help="build every region (provinces and cities)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (default 2)")
    parser.add_argument("--account-managers", type=int, default=4_000)
    parser.add_argument("--visits", type=int, default=40_000)
    parser.add_argument("--cities", type=int, default=300)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update RESULTS.md")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    bundle = national_bundle(WORK / "national-build", n_account_managers=args.account_managers,
                             n_cities=args.cities, n_provinces=args.provinces, n_visits=args.visits, seed=SEED)
    print(f"bundle ready in {time.perf_counter() - start:.1f} s: {bundle}", file=sys.stderr)

    from casekit.intake import load_bundle

    start = time.perf_counter()
    loaded = load_bundle(bundle)
    load_seconds = time.perf_counter() - start
    manifest = loaded.manifest
    top = list(manifest.top_level_ids())
    every = list(manifest.regions["region_id"])
    cities = [r for r in every if r not in set(top)]
    regions = every if args.all else spread(cities, args.regions_count)
    k = len(regions)
    what = (f"all {k} regions ({len(top)} provinces and {len(cities)} cities)" if args.all
            else f"{k} cities spread over the provinces ({', '.join(regions[:4])}, …)")

    out = WORK / "national-build-reports"
    started_load = os.getloadavg()[0]
    serial, serial_info = timed_build(bundle, out / "serial", regions, jobs=1)
    print(f"serial: {serial:.1f} s", file=sys.stderr)
    dask, dask_info = timed_build(bundle, out / "dask", regions, workers=args.workers)
    workers = dask_info["workers"]
    print(f"dask ({workers} workers): {dask:.1f} s", file=sys.stderr)

    from casekit.reports.engagement import shared_results

    start = time.perf_counter()
    shared_results(loaded)
    shared_seconds = time.perf_counter() - start
    print(f"shared_results: {shared_seconds:.1f} s", file=sys.stderr)

    figures = {
        "date": date.today().isoformat(), "machine": describe_machine(), "provinces": args.provinces,
        "cities": args.cities, "regions_total": len(every), "account_managers": args.account_managers,
        "visits": args.visits, "what": what, "k": k, "workers": workers, "serial": serial, "dask": dask,
        "serial_render": statistics.median(serial_info["render"].values()),
        "dask_render": statistics.median(dask_info["render"].values()),
        "dask_render_mean": statistics.fmean(dask_info["render"].values()),
        "shared": shared_seconds, "load": load_seconds,
        "load_avg": [f"{started_load:.1f}", f"{os.getloadavg()[0]:.1f}"],
    }
    (WORK / "national-build-figures.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    text = section(figures)
    print(text)
    if not args.no_write:
        write_section("bench_national_build", text)
    return 0


def section(f: dict) -> str:
    """The RESULTS.md section of one run's figures (``benchmarks/_work/national-build-figures.json``)."""
    k, workers = f["k"], f["workers"]
    per_region_worker = f["dask"] / k * workers
    mean = f" (mean {f['dask_render_mean']:.1f} s)" if f.get("dask_render_mean") is not None else ""
    faster = f["serial"] / f["dask"]
    verdict = (f"2 Dask workers are **{faster:.2f}× as fast** as one serial kernel" if faster >= 1 else
               f"2 Dask workers are **slower** than one serial kernel ({faster:.2f}×): each region took "
               f"{f['dask_render']:.0f} s on a worker against {f['serial_render']:.0f} s in the serial "
               "kernel. During the Dask run the two report kernels used about 15–20 % of a core each "
               "(`ps`), so the Dask path waits rather than computes; that is for `casekit/reports/"
               "distributed.py` to find (profile `render_on_worker` in a worker), not a limit of 2 cores")
    return f"""## A 300-city national engagement: serial vs Dask workers (`bench_national_build.py`)

`python benchmarks/bench_national_build.py` (`make bench`) -- {f['date']}, one run of each variant.

Machine: {f['machine']}.
Workload: the national bundle of `benchmarks/national_bundle.py` with {f['provinces']} provinces and
{f['cities']} cities ({f['regions_total']} regions), {f['account_managers']:,} account managers (plus
{f['account_managers'] // 10:,} support engineers and {f['account_managers'] * 3 // 40:,} sales managers),
{f['visits']:,} ride-along rows -- a moderate sales force, chosen so that the engagement-wide analysis
stays a small part of the build. Built: {f['what']}, report notebook to HTML, each build into a fresh
reports folder and in a fresh Python process (imports, loading and validating the bundle, the
engagement-wide analysis, the Dask cluster's start and the index included).

| variant | seconds | wall time per region (s) | render time per region on its kernel or worker, median (s) |
|---|---:|---:|---:|
| serial (`--jobs 1`, one warm kernel) | {f['serial']:.1f} | {f['serial'] / k:.2f} | {f['serial_render']:.2f} |
| Dask `LocalCluster` (`--workers {workers}`) | {f['dask']:.1f} | {f['dask'] / k:.2f} | {f['dask_render']:.2f} |
| **ratio serial / Dask** | **{faster:.2f}×** | | |

- {verdict}.
- Engagement-wide analysis, once (`shared_results`, the bundle already loaded): **{f['shared']:.1f} s**;
  loading and validating the bundle (`load_bundle`): {f['load']:.1f} s. Each build above pays both once.
- **Projected time per 100 regions per worker: {per_region_worker * 100:.0f} s ({per_region_worker * 100 / 60:.0f} min)**
  = (Dask total {f['dask']:.1f} s / {k} regions) × {workers} workers × 100: the Dask run's wall time
  per region, times the workers that shared it, is what one region cost one worker, with the
  one-off costs (start-up, bundle, analysis, cluster) spread over the {k} regions. The workers'
  median render time per region{mean} × 100 is {f['dask_render'] * 100:.0f} s (a worker's render time
  also counts the time its region waited for the core). All
  {f['regions_total']} regions on W workers ≈ one-off costs (about {f['shared'] + f['load']:.0f} s here) +
  {f['regions_total']} × (seconds per region per worker) / W.
- Load average (1 min) at the start and the end of the run: {f.get('load_avg', ['?', '?'])[0]} and
  {f.get('load_avg', ['?', '?'])[1]}; the build process, the Dask scheduler and the {f['workers']} workers (each
  with its kernel) share the 2 cores, so the Dask run pays for the cluster's own processes too.
- A national region costs more than a sample region (about 3 s): what is particular to a region
  (its comparison, gaps, course design, 360° rows) is computed over a bundle of
  {f['account_managers']:,} account managers.
"""


if __name__ == "__main__":
    sys.exit(main())
