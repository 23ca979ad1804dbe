"""Benchmark: what the Word, PDF and slide formats add to ``casekit build``.

Both variants build every top-level region of the sample bundle with the ``casekit`` command, in
the same run on the same machine:

* **html** -- ``casekit build <bundle> --out ... --quiet`` (the baseline: the report notebook
  executed and exported per region);
* **all formats** -- the same with ``--formats html,docx,pdf,pptx`` (the region's document
  computed once for Word and slides, the page printed to PDF by headless Chromium).

Each variant runs ``--repeat`` times (default 2, alternating); the median wall time and the peak
resident memory of the build process and of its children (the kernel, Chromium) are reported
and written to ``benchmarks/RESULTS.md``. Scratch output goes to ``benchmarks/_work/``.

Usage::

    python benchmarks/bench_formats.py [--repeat N] [--bundle PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import os
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
VARIANTS = {"html": "html", "all formats": "html,docx,pdf,pptx"}


def _build(bundle: Path, out: Path, formats: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the largest process of one build (``/usr/bin/time``-free)."""
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "casekit"), "build", str(bundle), "--out", str(out), "--quiet",
                             "--formats", formats], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"casekit build --formats {formats} failed")
    return seconds, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--bundle", type=Path, default=ROOT / "research_data" / "sample")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for i in range(args.repeat):
        for name, formats in VARIANTS.items():
            runs[name].append(_build(args.bundle, WORK / f"formats-{i}-{name.replace(' ', '-')}", formats))
    median = {name: statistics.median(s for s, _ in r) for name, r in runs.items()}
    peak = {name: max(m for _, m in r) for name, r in runs.items()}
    ratio = median["all formats"] / median["html"]
    rows = "\n".join(f"| {name} | {median[name]:.2f} | {' / '.join(f'{s:.2f}' for s, _ in runs[name])} | {peak[name]:.0f} |"
                     for name in VARIANTS)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    report = f"""## The report formats (Word, PDF, slides) against the HTML report

`python benchmarks/bench_formats.py` -- {date.today().isoformat()}

Machine: {describe_machine()}. Load average at the end of the run: {load}.
Workload: `casekit build` of the sample bundle's top-level regions, HTML only against
`--formats html,docx,pdf,pptx`; {args.repeat} alternating runs, median. Peak memory is the largest
resident set of the build process (the kernel and Chromium are separate processes).

| variant | median wall time (s) | runs (s) | peak memory of the build process (MB) |
|---|---:|---|---:|
{rows}

**All four formats take {ratio:.2f}x the time of the HTML report alone** (the baseline, same run).
The extra time is the region's document (written in the region's kernel from the report its
notebook computed, charts drawn once for Word and slides), Chromium printing each page, and
writing the two packages.
"""
    print(report)
    if not args.no_write:
        write_section("bench_formats", report)
        print(f"written to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
