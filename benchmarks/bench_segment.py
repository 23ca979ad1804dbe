"""Benchmark: segmenting a mid-size engagement (600 account managers), the previous way and the new.

Issue 15 asks for ``casekit segment`` on 600 account managers in ≤ 3 s with the same k, stability
and adjusted Rand index as before. :class:`~casekit.analysis.segmentation.Segmenter` keeps the
previous algorithm step for step behind ``shortcuts=False`` (the baseline); ``shortcuts=True``
(the default) is the new path (one thread for OpenMP and BLAS, silhouettes from one distance matrix per data
set, scikit-learn's input checks once per fit: see the module docstring and
``docs/segmentation-speed.md``).

Bundles (each written once into ``benchmarks/_work/``, seeded):

* ``national600`` -- ``benchmarks/national_bundle.py`` with 600 account managers in 20 cities of
  5 provinces, 6,000 ride-along rows (four planted types);
* ``independent600`` -- casekit's own sample generator (``casekit.sample``) with the sample's head
  counts scaled to ~600 account managers and another seed (different generator, different types
  of data: most people never accompanied);
* the sample bundle ``research_data/sample`` (88 account managers) and the hand-made fixtures
  ``tests/fixtures/bundles/foreign`` and ``mini`` (no types).

For every bundle, each in a fresh process (``_measure.measure``), the two ways are timed side by
side in one run:

* **command** -- what ``casekit segment BUNDLE`` does, from its imports to its exit (CLI ``main``
  with ``--csv`` into a temporary folder; the interpreter start, ~0.03 s, is not included): the
  baseline process sets the segmenter's default to ``shortcuts=False`` before the call;
* **segment_account_managers** -- the function alone: features, ``Segmenter.fit`` and personas
  (imports and bundle loading excluded).

In this process both ways are also fitted once per bundle and compared: chosen k, verdict,
stability, silhouette, the adjusted Rand index between the two labellings and against the
planted types (``_ground_truth.yaml``, where the bundle has one). Results go to
``benchmarks/RESULTS.md`` (section ``bench_segment``).

Usage::

    python benchmarks/bench_segment.py [--no-write] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402 - the scripts run as files, not a package
from _results import machine as describe_machine, write_section  # noqa: E402
from national_bundle import national_bundle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
SEED = 2008
#: People of the mid-size engagement.
MID_SIZE = 600
INDEPENDENT_SEED = 77


def independent_bundle(root: Path, n_account_managers: int = MID_SIZE, seed: int = INDEPENDENT_SEED) -> Path:
    """Write (once) a bundle of ~``n_account_managers`` from casekit's sample generator, another seed."""
    from casekit.sample import generate_sample
    from casekit.sample.regions import STAFF_COUNTS
    from casekit.sample.scenarios import SAMPLE

    if (root / "manifest.yaml").exists():
        return root
    total = sum(counts["account_manager"] for counts in STAFF_COUNTS.values())
    staff = {region: {**counts, "account_manager": round(counts["account_manager"] * n_account_managers / total)}
             for region, counts in STAFF_COUNTS.items()}
    scenario = replace(SAMPLE, id="independent600", bundle="independent600", staff_counts=staff)
    generate_sample(root, seed=seed, scenario=scenario, force=True)
    return root


def bundles() -> dict[str, Path]:
    """The benchmark's bundles by name (written on first use)."""
    return {
        "national600": national_bundle(WORK / "segment-national600", n_account_managers=MID_SIZE,
                                       n_cities=20, n_provinces=5, n_visits=10 * MID_SIZE),
        "independent600": independent_bundle(WORK / "segment-independent600"),
        "sample": ROOT / "research_data" / "sample",
        "foreign": ROOT / "tests" / "fixtures" / "bundles" / "foreign",
        "mini": ROOT / "tests" / "fixtures" / "bundles" / "mini",
    }


def segment_command(bundle_path: str, shortcuts: bool) -> None:
    """``casekit segment BUNDLE`` from its imports to its end (``shortcuts`` as the segmenter's default)."""
    import contextlib
    import io

    from casekit.analysis.segmentation import Segmenter
    from casekit.cli import main

    if not shortcuts:  # the previous algorithm, as the command ran it before
        Segmenter.__init__.__kwdefaults__["shortcuts"] = False
    with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        code = main(["segment", bundle_path, "--csv", str(Path(out) / "segments.csv")])
    if code != 0:
        raise RuntimeError(f"casekit segment {bundle_path} exited with {code}")


def fit_once(bundle_path: str, shortcuts: bool) -> tuple[Any, Any]:
    """A bundle's account-manager features and the segmenter fitted to them (as the command does)."""
    from casekit.analysis.features import account_manager_features
    from casekit.analysis.segmentation import Segmenter
    from casekit.intake import load_bundle

    features = account_manager_features(load_bundle(bundle_path))
    return features, Segmenter(blocks=features.blocks, random_state=SEED, shortcuts=shortcuts).fit(features.X)


def segment_seconds(bundle_path: str, shortcuts: bool) -> None:
    """Print the seconds of ``segment_account_managers`` alone (the bundle loaded before the clock)."""
    import time

    from casekit.analysis.segments import segment_account_managers
    from casekit.intake import load_bundle

    bundle = load_bundle(bundle_path)
    start = time.perf_counter()
    segment_account_managers(bundle, random_state=SEED, shortcuts=shortcuts)
    print("@@seconds@@", time.perf_counter() - start)


def _segment_seconds(bundle_path: str, shortcuts: bool) -> float:
    """Seconds of ``segment_account_managers`` alone, in a fresh process."""
    import subprocess

    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).resolve().parent)!r}]\n"
            "from bench_segment import segment_seconds\n"
            f"segment_seconds({bundle_path!r}, {shortcuts!r})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=ROOT)
    return float(done.stdout.decode().rsplit("@@seconds@@", 1)[1].strip())


def compare(bundle_path: Path) -> dict[str, Any]:
    """Both ways fitted once here: k, verdict, stability, silhouette, ARI between them and to the truth."""
    import yaml
    from sklearn.metrics import adjusted_rand_score

    features, old = fit_once(str(bundle_path), False)
    _, new = fit_once(str(bundle_path), True)
    truth_file = bundle_path / "_ground_truth.yaml"
    truth = yaml.safe_load(truth_file.read_text(encoding="utf-8")) if truth_file.exists() else {}
    kinds = truth.get("account_manager_type_of") or {}
    planted = [kinds.get(i) for i in features.X.index]

    def to_truth(labels: Any) -> float:
        return float(adjusted_rand_score(planted, labels)) if kinds and None not in planted else float("nan")

    return {"n": len(features.X), "k": (old.n_clusters_, new.n_clusters_),
            "found": (old.structure_found_, new.structure_found_), "summary": (old.summary_, new.summary_),
            "stability": (old.stability_, new.stability_), "silhouette": (old.silhouette_, new.silhouette_),
            "ari": float(adjusted_rand_score(old.labels_, new.labels_)),
            "truth": (to_truth(old.labels_), to_truth(new.labels_))}


def _median(fn: Any, repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def _f(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="print only, do not update RESULTS.md")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per timing (median)")
    args = parser.parse_args(argv)
    rows, checks = [], []
    load_start = os.getloadavg()[0]
    for name, path in bundles().items():
        times = {}
        for shortcuts in (False, True):
            times["command", shortcuts] = _median(
                lambda s=shortcuts: measure(segment_command, str(path), s, time_imports=True).seconds, args.repeat)
            times["fit", shortcuts] = _median(lambda s=shortcuts: _segment_seconds(str(path), s), args.repeat)
        c = compare(path)
        rows.append((name, c["n"], times))
        checks.append((name, c))
        print(f"{name}: n={c['n']} command {times['command', False]:.2f} → {times['command', True]:.2f} s, "
              f"segment_account_managers {times['fit', False]:.2f} → {times['fit', True]:.2f} s; k {c['k']}, found {c['found']}, "
              f"stability {c['stability'][0]:.3f}/{c['stability'][1]:.3f}, ARI old↔new {c['ari']:.4f}, "
              f"ARI to planted {_f(c['truth'][0])}/{_f(c['truth'][1])}")
    load_end = os.getloadavg()[0]
    if args.no_write:
        return 0
    timing = "\n".join(
        f"| {name} | {n} | {t['command', False]:.2f} | **{t['command', True]:.2f}** | "
        f"{t['command', False] / t['command', True]:.1f}× | {t['fit', False]:.2f} | **{t['fit', True]:.2f}** | "
        f"{t['fit', False] / t['fit', True]:.1f}× |" for name, n, t in rows)
    same = "\n".join(
        f"| {name} | {c['k'][0]} / {c['k'][1]} | {'yes' if c['found'][0] else 'no'} / {'yes' if c['found'][1] else 'no'} | "
        f"{'yes' if c['summary'][0] == c['summary'][1] else '**no**'} | {c['stability'][0]:.3f} / {c['stability'][1]:.3f} | "
        f"{c['silhouette'][0]:.3f} / {c['silhouette'][1]:.3f} | {c['ari']:.4f} | {_f(c['truth'][0])} / {_f(c['truth'][1])} |"
        for name, c in checks)
    section = f"""## Segmentation of a mid-size engagement (`bench_segment.py`)

Issue 15: `casekit segment` on 600 account managers in ≤ 3 s with the same k, stability and
adjusted Rand index (ARI) as before. Baseline: `Segmenter(shortcuts=False)`, the previous
algorithm step for step; new: `shortcuts=True`, the default (one thread for OpenMP and BLAS,
silhouettes from one distance matrix per data set, scikit-learn's input checks and the principal
components once per fit; see `docs/segmentation-speed.md`). Medians of {args.repeat} fresh processes per cell. *command*: the
`casekit segment` command from its imports to its end (interpreter start excluded);
`segment_account_managers`: features, fit and personas alone (imports and bundle loading excluded).
Load average (1 min) of the shared machine at the start and the end of the run: {load_start:.1f} and
{load_end:.1f} (other work runs beside; the previous path suffers most from it, see below). Measured {date.today().isoformat()} on {describe_machine()}.

| bundle | account managers | command before (s) | command now (s) | ratio | `segment_account_managers` before (s) | now (s) | ratio |
|---|---:|---:|---:|---:|---:|---:|---:|
{timing}

The same segments, fitted once each way in one process (before / now):

| bundle | k | segments found | same message | stability | silhouette | ARI before ↔ now | ARI to planted types |
|---|---|---|---|---|---|---:|---|
{same}

What is left of the command's time on 600 people is imports (pandas; scikit-learn, which imports
`scipy.stats`, ~1 s of its own) and reading the bundle; segmenting itself takes a few tenths of a second. The previous path's time
depends on how busy the machine is: scikit-learn's k-means starts an OpenMP thread per core for
each of ~200 small fits, and when the cores are shared the threads wait for each other.
"""
    write_section("bench_segment", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
