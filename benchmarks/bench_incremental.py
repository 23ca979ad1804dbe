"""Benchmark: ``casekit build`` at engagement scale -- full, pooled, no-op and incremental rebuilds.

Issue 15's targets, measured side by side in one run on a copy of the sample bundle (all 19
regions: the 5 top-level regions and the 14 cities), each ``casekit build`` a fresh command-line
process (``casekit build BUNDLE --regions <all 19> --out DIR --quiet``; wall time of the whole
process):

a. **hand loop** -- per region, sequentially: ``papermill`` CLI then ``jupyter nbconvert --to
   html --no-input`` (``bench_build.hand_loop``); timed on ``--hand-regions`` regions (default 5,
   spread over the list) and scaled linearly to all regions;
b. **full build** into a fresh reports folder, default ``--jobs`` (one kernel per core);
c. **serial full build** (``--jobs 1``) into another fresh folder: the pool's speed-up;
d. **no-op rebuild**: (b)'s command again, nothing changed;
e. **one note edited**: a sentence appended to an interview note of a top-level region without
   cities (天津), then (b)'s command again: which regions were rebuilt (the ``built   <id>``
   lines) and how long it took;
f. **one survey answer changed** (one cell of ``survey/responses.csv``), then (b)'s command
   again: every region is rebuilt, and the engagement-wide analysis is written to the cache
   folder once (counted with inotify: each computation of it ends in one rename of
   ``analysis-<key>.pkl`` into the cache folder);
g. **the watch**: (b)'s command with ``--watch``, left to start and go idle, then another
   sentence appended to the note of (e): the time from the save to the report published.

Results go to ``benchmarks/RESULTS.md`` (section ``bench_incremental``); scratch output to
``benchmarks/_work/incremental/``. ``CASEKIT_CACHE_DIR`` is removed from the builds' environment,
so each reports folder has its own cache (``<out>/sample/.cache``) and a fresh folder computes
everything.

Usage::

    python benchmarks/bench_incremental.py [--hand-regions K] [--regions-count N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import ctypes.util
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import machine as describe_machine, write_section  # noqa: E402 - the scripts run as files, not a package
from bench_build import hand_loop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work" / "incremental"
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"

#: The note edited in step (e): an interview in 天津 (a top-level region without cities).
EDITED_NOTE = "notes/N001.md"
APPENDED = "\n补充：客户经理说，培训后希望有一份能直接带去拜访的产品说明。\n"
#: Step (f): the first answer 比较符合 of the first respondent becomes 一般.
SURVEY_FILE = "survey/responses.csv"


@dataclass
class Run:
    """One ``casekit build`` process: its wall time and the regions it says it built."""

    seconds: float
    built: list[str]
    output: str


def build_env() -> dict[str, str]:
    """This process's environment without ``CASEKIT_CACHE_DIR`` and with this checkout first."""
    env = {k: v for k, v in os.environ.items() if k != "CASEKIT_CACHE_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def casekit_build(bundle: Path, out: Path, regions: list[str], *extra: str) -> Run:
    """Run ``casekit build`` as a user would and time the whole process."""
    cmd = [str(BIN / "casekit"), "build", str(bundle), "--regions", *regions, "--out", str(out), "--quiet", *extra]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=build_env(), check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    built = [line.split(None, 1)[1].strip() for line in done.stdout.splitlines() if line.startswith("built   ")]
    return Run(seconds, built, done.stdout)


class RenameCounter:
    """Count files renamed into a folder whose name starts with ``prefix`` (Linux inotify).

    ``ResultCache.put`` writes a temporary file and renames it to ``<kind>-<key>.pkl``: one
    rename per computed result, whoever computed it (the build process or a report kernel).
    """

    IN_MOVED_TO = 0x00000080
    IN_CREATE = 0x00000100

    def __init__(self, folder: Path, prefix: str) -> None:
        self.prefix = prefix
        self.names: list[str] = []
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        folder.mkdir(parents=True, exist_ok=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, str(folder).encode(), self.IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify is not available")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                if self._stop.is_set():
                    return
                time.sleep(0.02)
                continue
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                name = data[offset + 16: offset + 16 + length].rstrip(b"\0").decode()
                if name.startswith(self.prefix) and name.endswith(".pkl"):
                    self.names.append(name)
                offset += 16 + length

    def stop(self) -> list[str]:
        """Stop watching; the names renamed into the folder meanwhile."""
        time.sleep(0.1)
        self._stop.set()
        self._thread.join()
        os.close(self.fd)
        return self.names


def edit_note(bundle: Path) -> None:
    """Append one sentence to an interview note of 天津."""
    path = bundle / EDITED_NOTE
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + APPENDED, encoding="utf-8")


def change_answer(bundle: Path) -> str:
    """Change one answer of the first respondent (比较符合 → 一般); describe the change."""
    path = bundle / SURVEY_FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0].lstrip("\ufeff")]))
    cells = lines[1].split(",")
    column = cells.index("比较符合")
    cells[column] = "一般"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"respondent {cells[4]}, “{header[column]}”: 比较符合 → 一般"


def watch_rebuild(bundle: Path, out: Path, regions: list[str]) -> Run:
    """Start ``casekit build --watch``, wait until it watches, append a sentence to the note of
    天津 and time from the save to the published report (its ``open`` line); then stop it."""
    import queue
    import signal

    cmd = [str(BIN / "casekit"), "build", str(bundle), "--regions", *regions, "--out", str(out), "--quiet", "--watch"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env=build_env())
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    seen: list[str] = []

    def until(prefix: str, timeout: float = 300) -> None:
        deadline = time.perf_counter() + timeout
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.perf_counter()))
            seen.append(line)
            if line.startswith(prefix):
                return

    try:
        until("watching")
        time.sleep(1.0)  # idle, as between two edits
        seen.clear()
        path = bundle / EDITED_NOTE
        start = time.perf_counter()
        path.write_text(path.read_text(encoding="utf-8") + "再补充：希望案例里有本地产品。\n", encoding="utf-8")
        until("open ")
        seconds = time.perf_counter() - start
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    built = [line.split(None, 1)[1].strip() for line in seen if line.startswith("built   ")]
    return Run(seconds, built, "".join(seen))


def main(argv: list[str] | None = None) -> int:
    from casekit.intake import load_bundle
    from casekit.paths import REPORT_NOTEBOOK, SAMPLE_BUNDLE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hand-regions", type=int, default=5,
                        help="regions the hand loop is timed on (scaled linearly to all; default 5)")
    parser.add_argument("--regions-count", type=int, default=None,
                        help="build only the first N regions (debugging; default all)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update RESULTS.md")
    args = parser.parse_args(argv)

    shutil.rmtree(WORK, ignore_errors=True)
    bundle = WORK / "bundle" / "sample"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    manifest = load_bundle(bundle).manifest
    regions = list(manifest.regions["region_id"])[: args.regions_count]
    top_level = set(manifest.top_level_ids())
    k = max(1, min(args.hand_regions, len(regions)))
    hand_subset = [regions[round(i * (len(regions) - 1) / max(1, k - 1))] for i in range(k)] if k > 1 else regions[:1]
    n_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def log(step: str, seconds: float, extra: str = "") -> None:
        print(f"{step}: {seconds:.2f} s{(' ' + extra) if extra else ''}", file=sys.stderr)

    # a. the hand loop, on k regions
    start = time.perf_counter()
    hand_loop(bundle, WORK / "hand", hand_subset, REPORT_NOTEBOOK)
    hand_k = time.perf_counter() - start
    hand = hand_k * len(regions) / k
    log("hand loop", hand_k, f"for {k} regions, {hand:.1f} s scaled to {len(regions)}")

    # b. full build, default jobs; c. serial
    out = WORK / "reports"
    full = casekit_build(bundle, out, regions)
    log("full build", full.seconds, f"({len(full.built)} built)")
    serial = casekit_build(bundle, WORK / "reports-serial", regions, "--jobs", "1")
    log("serial build", serial.seconds, f"({len(serial.built)} built)")

    # d. no-op
    noop = casekit_build(bundle, out, regions)
    noop_line = next((ln for ln in noop.output.splitlines() if ln.strip()), "")
    log("no-op rebuild", noop.seconds, noop_line[:60])

    # e. one note of 天津
    edit_note(bundle)
    note = casekit_build(bundle, out, regions)
    log("note edited", note.seconds, f"built {note.built}")

    # f. one survey answer
    change = change_answer(bundle)
    cache = out / manifest.bundle / ".cache"
    try:
        counter: RenameCounter | None = RenameCounter(cache, "analysis-")
    except OSError:
        counter = None
    survey = casekit_build(bundle, out, regions)
    written = counter.stop() if counter is not None else None
    log("survey answer changed", survey.seconds,
        f"built {len(survey.built)}; analysis written {len(written) if written is not None else '?'} time(s)")

    # g. the watch: `casekit build --watch`, then one more sentence in the note of 天津
    watch = watch_rebuild(bundle, out, regions)
    log("watch: note edited", watch.seconds, f"built {watch.built}")

    # -- the section ---------------------------------------------------------------------------
    def ratio(x: float) -> str:
        return f"{x:.2f}" if x < 10 else f"{x:.1f}"

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    speedup = hand / full.seconds
    pool = serial.seconds / full.seconds
    rows = [
        ("a. hand loop (papermill CLI + nbconvert per region), "
         f"{k} regions timed ({hand_k:.1f} s), scaled to {len(regions)}", hand, "1 (baseline)", "", ""),
        (f"b. full `casekit build`, {len(full.built)} regions, default jobs ({n_cores} cores)", full.seconds,
         f"hand loop / full = **{ratio(speedup)}×**", "≥ 6× and ≤ 20 s",
         met(speedup >= 6 and full.seconds <= 20)),
        (f"c. serial full build (`--jobs 1`), {len(serial.built)} regions", serial.seconds,
         f"serial / pooled = {ratio(pool)}×", "(pool speed-up)", ""),
        ("d. no-op rebuild (whole process)", noop.seconds,
         f"no-op / full = {noop.seconds / full.seconds:.3f}", "≤ 0.5 s", met(noop.seconds <= 0.5)),
        (f"e. one note of 天津 edited → rebuilt: {', '.join(note.built) or 'none'}", note.seconds,
         f"rebuild / full = {note.seconds / full.seconds:.2f}", "≤ 0.3 × full, only 天津",
         met(note.seconds <= 0.3 * full.seconds and set(note.built) <= {"tianjin"})),
        (f"f. one survey answer changed → {len(survey.built)} of {len(regions)} regions rebuilt", survey.seconds,
         f"rebuild / full = {survey.seconds / full.seconds:.2f}", "every region rebuilt, analysis once",
         met(set(survey.built) == set(regions) and written is not None and len(written) == 1)),
        (f"g. `--watch`: one note of 天津 edited → rebuilt: {', '.join(watch.built) or 'none'} "
         "(from the save to the report published, polling included)", watch.seconds,
         f"rebuild / full = {watch.seconds / full.seconds:.2f}", "≤ 0.3 × full, only 天津",
         met(watch.seconds <= 0.3 * full.seconds and set(watch.built) <= {"tianjin"})),
    ]
    table = "\n".join(f"| {step} | {seconds:.2f} | {r} | {target} | {ok} |" for step, seconds, r, target, ok in rows)
    once = (f"the engagement-wide analysis was written to the cache folder **{len(written)} time(s)** during "
            "this build (inotify on `<out>/sample/.cache`: each computation ends in one rename of "
            "`analysis-<key>.pkl`; the report kernels read it)" if written is not None
            else "inotify was not available, so the analysis computations were not counted")
    section = f"""## Full, pooled, no-op and incremental builds (`bench_incremental.py`)

`python benchmarks/bench_incremental.py` (`make bench`) -- {date.today().isoformat()}, one run of each step.

Machine: {describe_machine()}.
Workload: a copy of the sample bundle, all {len(regions)} regions ({len(top_level & set(regions))} top-level regions
and {len(set(regions) - top_level)} cities), report notebook `notebooks/5.0-region-report.ipynb` to HTML. Every
`casekit build` is the command a user types (`casekit build BUNDLE --regions <all> --out DIR --quiet`),
timed as a whole process (Python start-up, imports, bundle loading, the engagement-wide analysis and
the index included), steps b, d, e and f into the same reports folder, c into a fresh one. The hand
loop was timed on {k} regions ({', '.join(hand_subset)}) and scaled linearly to {len(regions)}
(×{len(regions) / k:.2f}): it runs region by region, each in fresh processes, so its time is close to
proportional to the number of regions.

| step | seconds | ratio | target (issue 15) | met? |
|---|---:|---|---|---|
{table}

Step e appended one sentence to `{EDITED_NOTE}` (an interview in 天津, a top-level region without
cities); the regions rebuilt are those whose notes view changed. Of its {note.seconds:.1f} s, about 4 are
fixed costs of any build process: starting Python and importing casekit, starting a kernel and
importing what the report needs into it, and a kernel's first report. Step g is the same edit
under `casekit build --watch` (the same command with `--watch`, already running and idle): its
kernels are warm, so the time is the notes' recomputation and the one report, plus up to half a
second before the watch looks at the files again. Step f changed one answer
({change}): the engagement-wide comparison moves, so every region is rebuilt; {once}.
The machine is shared (2 cores, other engineers' jobs running), so every figure is from a noisy
single run; the ratios compare steps of the same run.
"""
    print(section)
    if not args.no_write:
        write_section("bench_incremental", section)
        print(f"written to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
