"""``casekit build``: one report per region, as notebook and offline HTML, plus an index.

For each region the report notebook is executed with papermill (in one reused kernel, see
:mod:`casekit.reports.execute`) into a temporary folder next to the published ones, exported to
HTML, and only then renamed into place. A region that fails publishes nothing: its previous
report, if any, stays and the index marks it as out of date. The other regions go on.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from casekit.exceptions import BuildError, RegionError
from casekit.paths import REPORT_NOTEBOOK, REPORTS
from casekit.reports.execute import WarmKernel, execute_notebook
from casekit.reports.export import external_urls, notebook_to_html
from casekit.reports.index import REPORT_HTML, RegionEntry, load_entries, write_index

__all__ = ["BuildResult", "build_reports", "resolve_regions", "REPORT_IPYNB"]

REPORT_IPYNB = "report.ipynb"
_TMP_PREFIX = ".tmp-"
_OLD_PREFIX = ".old-"


@dataclass
class BuildResult:
    """What :func:`build_reports` did.

    Attributes
    ----------
    built : list of str
        Region ids whose report was built and published, in build order.
    failed : dict of str to str
        Region id → why its report failed (nothing of it was published).
    index_path : pathlib.Path
        The bundle's ``index.html``.
    out_dir : pathlib.Path
        ``<out>/<bundle>``, holding ``<region_id>/report.ipynb`` and ``report.html``.
    stale : list of str
        Failed regions whose previous report was kept (marked out of date in the index).
    seconds : dict of str to float
        Wall time per region.
    kernel_starts : int
        Kernel processes started (1 with a reused kernel, unless one died).
    """

    built: list[str]
    failed: dict[str, str]
    index_path: Path
    out_dir: Path
    stale: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    kernel_starts: int = 0

    @property
    def ok(self) -> bool:
        """True when every requested region was built."""
        return not self.failed

    def raise_for_failures(self) -> None:
        """Raise :class:`~casekit.exceptions.BuildError` naming the failed regions, if any."""
        if self.failed:
            raise BuildError(self.failed)

    def __str__(self) -> str:
        lines = [f"built {len(self.built)} region report(s) in {self.out_dir}: {', '.join(self.built) or '-'}"]
        for region_id, why in self.failed.items():
            kept = " (previous report kept, marked stale)" if region_id in self.stale else ""
            lines.append(f"FAILED {region_id}: {why}{kept}")
        lines.append(f"index: {self.index_path}")
        return "\n".join(lines)


def resolve_regions(manifest, regions: str | Iterable[str] | None) -> list[str]:
    """Turn what the user asked for into manifest region ids.

    Parameters
    ----------
    manifest : casekit.intake.Manifest
        The bundle's manifest.
    regions : str, iterable of str or None
        Region ids or Chinese names (a string may list several, separated by commas);
        None: every top-level region.

    Returns
    -------
    list of str
        Region ids, in the order given, without repeats.

    Raises
    ------
    RegionError
        Naming every unknown region and listing the known ids.
    """
    if regions is None:
        return list(manifest.top_level_ids())
    if isinstance(regions, str):
        regions = regions.replace("，", ",").split(",")
    asked = [str(r).strip() for r in regions if str(r).strip()]
    resolved = {text: manifest.resolve(text) for text in asked}
    unknown = [text for text, rid in resolved.items() if rid is None]
    if unknown:
        known = ", ".join(f"{rid} ({name})" for rid, name in zip(manifest.regions["region_id"], manifest.regions["name"]))
        raise RegionError(
            f"unknown region{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known region ids: {known}"
        )
    if not asked:
        raise RegionError("no region given; known region ids: " + ", ".join(manifest.regions["region_id"]))
    return list(dict.fromkeys(resolved[text] for text in asked))


def _failure_reason(exc: BaseException) -> str:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (notebook cell {exc.exec_count})"
    if isinstance(exc, DeadKernelError):
        return "the kernel died while running the report (out of memory?)"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _publish(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` (two renames within one folder; the old one is removed)."""
    old = None
    if final.exists():
        old = final.with_name(f"{_OLD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}")
        final.rename(old)
    try:
        tmp.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _sweep(out_dir: Path) -> None:
    """Remove temporary folders left by an interrupted earlier build."""
    for path in out_dir.iterdir():
        if path.is_dir() and path.name.startswith((_TMP_PREFIX, _OLD_PREFIX)):
            shutil.rmtree(path, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _build_region(notebook: Path, parameters: dict[str, Any], title: str, final: Path, kernel) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{final.name}-", dir=final.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; published folders are not
        executed = execute_notebook(notebook, tmp / REPORT_IPYNB, parameters, kernel=kernel)
        html = notebook_to_html(executed, title=title)
        remote = external_urls(html)
        if remote:  # pragma: no cover - guards the template against nbconvert changes
            raise RuntimeError(f"the HTML page would load {remote[0]} (it must open offline)")
        (tmp / REPORT_HTML).write_text(html, encoding="utf-8")
        _publish(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def build_reports(
    bundle_path: Path | str,
    regions: str | Iterable[str] | None = None,
    out: Path | str = REPORTS,
    progress: bool = True,
    notebook: Path | str = REPORT_NOTEBOOK,
    *,
    reuse_kernel: bool = True,
    parameters: Mapping[str, Any] | None = None,
) -> BuildResult:
    """Build every requested region's report of a bundle, and the bundle's index.

    The bundle is loaded (and so validated) once first; then ``notebook`` is executed with
    papermill once per region, with parameters ``bundle_path`` (absolute) and ``region`` (an
    id). Each region gets ``<out>/<bundle>/<region_id>/report.ipynb`` and ``report.html`` (code
    hidden, opens offline); ``<out>/<bundle>/index.html`` links them all.

    Parameters
    ----------
    bundle_path : path-like
        The research bundle.
    regions : str, iterable of str or None
        Region ids or Chinese names (cities too); None: every top-level region of the manifest.
    out : path-like
        Root of the report folders (default ``reports/``).
    progress : bool
        Show a progress bar on standard error.
    notebook : path-like
        The report template (needs a cell tagged ``parameters``).
    reuse_kernel : bool
        Run all regions in one kernel, reset between regions (fast); False: a fresh kernel per
        region.
    parameters : mapping, optional
        Further notebook parameters, the same for every region (``bundle_path`` and ``region``
        are set by the build).

    Returns
    -------
    BuildResult
        Which regions were built and which failed (``result.ok`` is False if any failed).

    Raises
    ------
    casekit.exceptions.BundleNotFoundError, casekit.exceptions.BundleValidationError
        If the bundle is missing or invalid (nothing is built).
    casekit.exceptions.RegionError
        If a requested region is not in the manifest (nothing is built).
    """
    from casekit.intake import load_bundle

    bundle_path = Path(bundle_path).resolve()
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"report notebook not found: {notebook}")
    manifest = load_bundle(bundle_path).manifest
    region_ids = resolve_regions(manifest, regions)

    out_dir = Path(out).resolve() / manifest.bundle
    out_dir.mkdir(parents=True, exist_ok=True)
    _sweep(out_dir)
    entries = load_entries(out_dir)

    built: list[str] = []
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    bar = _progress(region_ids, enabled=progress)
    kernel_cm = WarmKernel(cwd=notebook.parent) if reuse_kernel else nullcontext(None)
    with kernel_cm as kernel:
        for region_id in region_ids:
            name = manifest.name(region_id)
            bar.set_postfix_str(region_id)
            start = time.perf_counter()
            try:
                values = {**(parameters or {}), "bundle_path": str(bundle_path), "region": region_id}
                _build_region(notebook, values, f"{name} · 区域调研报告", out_dir / region_id, kernel)
            except Exception as exc:
                failed[region_id] = _failure_reason(exc)
                previous = entries.get(region_id)
                has_previous = (out_dir / region_id / REPORT_HTML).is_file()
                entries[region_id] = RegionEntry(
                    region_id, name, "stale" if has_previous else "failed",
                    built_at=previous.built_at if (previous and has_previous) else None,
                    error=failed[region_id],
                )
                if progress:
                    bar.write(f"casekit build: {region_id} failed: {failed[region_id]}", file=sys.stderr)
            else:
                built.append(region_id)
                entries[region_id] = RegionEntry(
                    region_id, name, "ok", built_at=datetime.now().strftime("%Y-%m-%d %H:%M")
                )
            seconds[region_id] = time.perf_counter() - start
            bar.update(1)
        starts = kernel.starts if kernel is not None else len(region_ids)
    bar.close()

    order = {rid: i for i, rid in enumerate(manifest.regions["region_id"])}
    rows = sorted(
        (e for rid, e in entries.items() if rid in order),
        key=lambda e: order[e.region_id],
    )
    index_path = write_index(
        out_dir, rows, client=manifest.client, engagement=manifest.engagement,
        period=manifest.period or "", bundle=manifest.bundle,
    )
    return BuildResult(
        built=built,
        failed=failed,
        index_path=index_path,
        out_dir=out_dir,
        stale=[rid for rid in failed if entries[rid].status == "stale"],
        seconds=seconds,
        kernel_starts=starts,
    )


def _progress(region_ids: list[str], *, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=len(region_ids),
        desc="casekit build",
        unit="region",
        file=sys.stderr,
        disable=not enabled or os.environ.get("CASEKIT_NO_PROGRESS") == "1",
        dynamic_ncols=True,
    )
