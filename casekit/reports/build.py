"""``casekit build``: one report per region, as notebook and offline HTML (and, on request, PDF,
Word and PowerPoint), plus an index.

For each region the report notebook is executed with papermill (in one reused kernel, see
:mod:`casekit.reports.execute`) into a temporary folder next to the published ones, exported to
HTML, and only then renamed into place. A region that fails publishes nothing: its previous
report, if any, stays and the index marks it as out of date. The other regions go on.

Formats (``formats=``, ``casekit build --formats html,pdf,docx,pptx``; :data:`FORMATS`): the
HTML page is always built; ``report.pdf`` is that page printed by a headless Chromium
(:mod:`casekit.reports.pdf`), ``report.docx`` and ``slides.pptx`` render the region's
:class:`~casekit.reports.document.ReportDocument` (:func:`casekit.reports.summary.report_document`
of :func:`~casekit.reports.region_report.region_report`; the bundle-wide analyses behind it, the
findings, the account-manager types and the coded notes, are computed once per build, see
:class:`BuildInputs`). They are written into the region's temporary folder beside
``report.html`` and published with it: a format that fails fails the region, and its previous
report (every format of it) stays.

Interruptions and concurrency: the index is rewritten (atomically) after every region, so an
interrupted build leaves an index that matches what was published; a build that died between the
two renames of :func:`_publish` left the previous report under ``.old-<region>-…``, which the next
build puts back. One build at a time may write into ``<out>/<bundle>``: the build holds an
operating-system lock on :data:`LOCK_FILE` for its whole life (:mod:`casekit.reports.lock`), so a
second one stops with :class:`~casekit.exceptions.BuildLockedError` naming the holder's process id,
and a lock file left behind by a build that died is free at once.

Ctrl-C (``KeyboardInterrupt``): the region being built publishes nothing, its temporary folder is
removed, the index lists what was published, the kernel is shut down and the lock released; then
the interrupt goes on to the caller (the CLI prints one line and exits 130).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.exceptions import (
    BuildError,
    EditedFileError,
    ExportError,
    NotebookNotFoundError,
    OutputError,
    RegionError,
    ReportFormatError,
)
from casekit.files import umask
from casekit.safe_save import LEDGER_NAME, backup_path, record_written, unedited, written_files
from casekit.paths import REPORT_NOTEBOOK, REPORTS, bundle_output_dir
from casekit.reports.execute import WarmKernel, execute_notebook
from casekit.reports.export import external_urls, notebook_to_html
from casekit.reports.fonts import find_cjk_font
from casekit.reports.index import (
    FORMAT_FILES,
    INDEX_HTML,
    REPORT_HTML,
    RegionEntry,
    load_entries,
    write_index,
)
from casekit.reports.lock import build_lock
from casekit.reports.pdf import find_browser, html_to_pdf

if TYPE_CHECKING:  # pragma: no cover
    from tqdm import tqdm

    from casekit.analysis import Findings, NotesAnalysis, SegmentReport
    from casekit.intake import Bundle, Manifest
    from casekit.reports.document import ReportDocument
    from casekit.reports.programme import ProgrammeOverview

__all__ = [
    "FORMATS",
    "LOCK_FILE",
    "REPORT_IPYNB",
    "BuildInputs",
    "BuildResult",
    "ReportFormat",
    "build_reports",
    "parse_formats",
    "resolve_regions",
]

log = logging.getLogger(__name__)

REPORT_IPYNB = "report.ipynb"
#: Lock file in ``<out>/<bundle>``, locked while a build runs (it holds the builder's process id,
#: for messages only).
LOCK_FILE = ".build.lock"
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
    formats : tuple of str
        The formats built for each region (``"html"`` first, see :data:`FORMATS`).
    format_seconds : dict of str to dict of str to float
        Region id → format → wall time of writing that format (``"html"``: executing the
        notebook and exporting the page; the document the Word and slide formats share is
        counted with the first of them).
    """

    built: list[str]
    failed: dict[str, str]
    index_path: Path
    out_dir: Path
    stale: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    kernel_starts: int = 0
    formats: tuple[str, ...] = ("html",)
    format_seconds: dict[str, dict[str, float]] = field(default_factory=dict)

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


def resolve_regions(manifest: Manifest, regions: str | Iterable[str] | None) -> list[str]:
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
        Naming every unknown region (with the closest names) and every ambiguous one (with
        the regions it fits), and listing the known ids.
    """
    if regions is None:
        return list(manifest.top_level_ids())
    if isinstance(regions, str):
        regions = regions.replace("，", ",").split(",")
    asked = [str(r).strip() for r in regions if str(r).strip()]
    if not asked:
        raise RegionError("no region given; known region ids: " + ", ".join(manifest.regions["region_id"]))
    return list(dict.fromkeys(manifest.region_index.require_all(asked)))


# -- output formats --------------------------------------------------------------------------------
class BuildInputs:
    """What the Word and slide formats of every region are made from, computed once per build.

    The bundle-wide analyses behind a region's :class:`~casekit.reports.region_report.RegionReport`
    (the findings, the account-manager types, the coded interview notes) are computed the first
    time a region needs them and reused for every other region of the build.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The loaded bundle.
    """

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self._documents: dict[str, ReportDocument] = {}

    @cached_property
    def findings(self) -> Findings:
        """:func:`casekit.analysis.engagement_findings` of the bundle (as the region report computes it)."""
        from casekit.analysis import engagement_findings
        from casekit.domain import MIN_CELL_SIZE

        return engagement_findings(self.bundle, min_n=MIN_CELL_SIZE)

    @cached_property
    def segments(self) -> SegmentReport | None:
        """The account-manager types (:func:`~casekit.reports.region_report.segment_types`)."""
        from casekit.reports.region_report import segment_types

        return segment_types(self.bundle)[0]

    @cached_property
    def notes(self) -> NotesAnalysis:
        """:func:`casekit.analysis.analyse_notes` of the bundle."""
        from casekit.analysis import analyse_notes

        return analyse_notes(self.bundle)

    def document(self, region_id: str) -> ReportDocument:
        """The region's :class:`~casekit.reports.document.ReportDocument` (made once per region)."""
        if region_id not in self._documents:
            from casekit.reports.region_report import region_report
            from casekit.reports.summary import report_document

            report = region_report(self.bundle, region_id, segments=self.segments, notes=self.notes,
                                   findings=self.findings)
            self._documents = {region_id: report_document(report)}  # one region's at a time
        return self._documents[region_id]


def _write_pdf(folder: Path, region_id: str, inputs: BuildInputs | None) -> None:
    html_to_pdf(folder / REPORT_HTML, folder / FORMATS["pdf"].file)


def _write_docx(folder: Path, region_id: str, inputs: BuildInputs | None) -> None:
    from casekit.reports.docx_report import write_report_docx

    assert inputs is not None
    write_report_docx(inputs.document(region_id), folder / FORMATS["docx"].file)


def _write_pptx(folder: Path, region_id: str, inputs: BuildInputs | None) -> None:
    from casekit.reports.pptx_report import write_report_pptx

    assert inputs is not None
    write_report_pptx(inputs.document(region_id), folder / FORMATS["pptx"].file)


@dataclass(frozen=True)
class ReportFormat:
    """One format of a region's report.

    Attributes
    ----------
    file : str
        Its file name in the region's folder (:data:`casekit.reports.index.FORMAT_FILES`, which
        also holds what the index's link to it says).
    write : callable or None
        ``write(folder, region_id, inputs)`` writes ``folder / file`` from the region's
        ``report.html`` already in ``folder`` or from ``inputs`` (:class:`BuildInputs`); None for
        the HTML page itself, which the notebook's export writes.
    needs_inputs : bool
        Whether ``write`` reads the region's document (so the build loads the analyses).
    check : callable or None
        Run once before any work when the format is asked for; raises when it cannot be built
        here (no browser …).
    """

    file: str
    write: Callable[[Path, str, BuildInputs | None], None] | None = None
    needs_inputs: bool = False
    check: Callable[[], object] | None = None


#: Every format ``casekit build --formats`` knows, in the order they are built; ``html`` always is.
FORMATS: dict[str, ReportFormat] = {
    "html": ReportFormat(FORMAT_FILES["html"][0]),
    "pdf": ReportFormat(FORMAT_FILES["pdf"][0], _write_pdf, check=find_browser),
    "docx": ReportFormat(FORMAT_FILES["docx"][0], _write_docx, needs_inputs=True),
    "pptx": ReportFormat(FORMAT_FILES["pptx"][0], _write_pptx, needs_inputs=True),
}


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn what the user asked for into format ids, ``"html"`` first, in :data:`FORMATS` order.

    Parameters
    ----------
    formats : str, iterable of str or None
        Format ids (a string may list several, separated by commas); None: HTML only.

    Returns
    -------
    tuple of str

    Raises
    ------
    casekit.exceptions.ReportFormatError
        Naming every unknown format and listing the known ones.
    """
    if formats is None:
        return ("html",)
    if isinstance(formats, str):
        formats = formats.replace("，", ",").split(",")
    asked = [str(f).strip().lower().lstrip(".") for f in formats if str(f).strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        raise ReportFormatError(unknown, tuple(FORMATS))
    return tuple(f for f in FORMATS if f == "html" or f in asked)


def _failure_reason(exc: BaseException) -> str:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (notebook cell {exc.exec_count})"
    if isinstance(exc, DeadKernelError):
        return "the kernel died while running the report (out of memory?)"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


# -- the output folder: creating, locking, publishing, cleaning up ----------------------------------
def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _make_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out_dir, _os_reason(exc)) from exc
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(out_dir, "Permission denied")


def _publish(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` (two renames within one folder; the old one is removed).

    Between the two renames the previous report is ``.old-<region>-<random>`` and ``final`` does
    not exist; :func:`_sweep` puts it back if the build dies right there.
    """
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


def _hand_work(final: Path) -> tuple[list[str], list[str]]:
    """What a person did in a published region folder: (edited, added).

    ``edited``: files casekit wrote there (its ledger, :mod:`casekit.safe_save`) whose content
    changed since (a consultant's edits of ``report.docx`` or ``slides.pptx``); ``added``: files
    and folders casekit never wrote there. A folder without a ledger was published by a casekit
    that kept none: its files count as casekit's.
    """
    if not final.is_dir():
        return [], []
    recorded = set(written_files(final))
    if not recorded:
        return [], []
    edited, added = [], []
    for path in sorted(final.iterdir()):
        if path.name == LEDGER_NAME:
            continue
        if path.name not in recorded:
            added.append(path.name)
        elif not path.is_file() or not unedited(path, root=final):
            edited.append(path.name)
    return edited, added


def _keep_hand_work(final: Path, tmp: Path, edited: Sequence[str], added: Sequence[str]) -> None:
    """Copy a person's files into the folder about to replace ``final``: added ones as they are,
    edited ones (the build was forced) as ``_<stem>.bak-<time><suffix>`` backups.

    Copies, not moves: until :func:`_publish` succeeds, ``final`` stays whole.
    """
    for name in [*added, *edited]:
        source = final / name
        target = tmp / name
        if name in edited or target.exists():  # an added file where the build now writes one
            target = backup_path(target)
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True)
        else:
            shutil.copy2(source, target, follow_symlinks=False)


def _sweep(out_dir: Path) -> None:
    """Clean up after an interrupted earlier build (run while holding the lock).

    Temporary folders are removed. A previous report moved aside by :func:`_publish`
    (``.old-<region>-<random>``) is put back when ``<region>`` is missing (the build died between
    the two renames), and removed otherwise.
    """
    for path in sorted(out_dir.iterdir()):
        if not path.is_dir():
            continue
        if path.name.startswith(_OLD_PREFIX):
            region = path.name[len(_OLD_PREFIX):].rpartition("-")[0]
            final = out_dir / region
            if region and not final.exists():
                log.warning("restoring %s, left aside by an interrupted build", final)
                path.rename(final)
                continue
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(_TMP_PREFIX):
            shutil.rmtree(path, ignore_errors=True)



def _save_index(out_dir: Path, manifest: Manifest, entries: Mapping[str, RegionEntry],
                overview: ProgrammeOverview | None = None) -> Path:
    """Write the index of ``entries`` (regions in manifest order; unknown ones dropped)."""
    order = {rid: i for i, rid in enumerate(manifest.regions["region_id"])}
    rows = sorted((e for rid, e in entries.items() if rid in order), key=lambda e: order[e.region_id])
    try:
        return write_index(
            out_dir, rows, client=manifest.client, engagement=manifest.engagement,
            period=manifest.period or "", bundle=manifest.bundle, overview=overview,
        )
    except OSError as exc:
        raise OutputError(out_dir, _os_reason(exc)) from exc


def _overview(bundle: Bundle) -> ProgrammeOverview | None:
    """The index's programme view (about a second on the sample bundle), once per build.

    A bundle the overview cannot be computed for still gets its reports and the list of them:
    the reason is logged and the index shows the list only.
    """
    from casekit.reports.programme import programme_overview

    try:
        return programme_overview(bundle)
    except Exception as exc:  # noqa: BLE001 - the overview is a summary: no failure of it may
        # cost the client the region reports or the list of them.
        log.warning("index.html without the programme view: %s", exc)
        return None


# -- one region ------------------------------------------------------------------------------------
def _notebook_path_parameter(bundle_path: Path, notebook_dir: Path) -> str:
    """``bundle_path`` as the notebook's kernel should see it: relative to its working directory
    (the notebook's folder), so that no absolute local path is written into the report."""
    try:
        return Path(os.path.relpath(bundle_path, notebook_dir)).as_posix()
    except ValueError:  # pragma: no cover - another drive (Windows): no relative path exists
        return str(bundle_path)


def _build_region(
    notebook: Path,
    parameters: dict[str, Any],
    title: str,
    final: Path,
    kernel: WarmKernel,
    *,
    formats: Sequence[str] = ("html",),
    inputs: BuildInputs | None = None,
    force: bool = False,
) -> dict[str, float]:
    """Build one region's report in every format into a temporary folder, then publish it.

    A person's work in the published folder is never lost: a file casekit wrote there and
    someone edited since stops the region before any work (:class:`EditedFileError`), unless
    ``force``, which keeps it as a backup beside the new one; a file casekit never wrote there is
    carried over into the new folder.

    Returns the seconds each format took.
    """
    edited, added = _hand_work(final)
    if edited and not force:
        raise EditedFileError(", ".join(str(final / name) for name in edited))
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{final.name}-", dir=final.parent))
    seconds: dict[str, float] = {}
    try:
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes it private; published folders are not
        start = time.perf_counter()
        executed = execute_notebook(notebook, tmp / REPORT_IPYNB, parameters, kernel=kernel)
        html = notebook_to_html(executed, title=title)
        remote = external_urls(html)
        if remote:  # pragma: no cover - guards the template against nbconvert changes
            raise ExportError(f"the HTML page would load {remote[0]} (it must open offline)")
        (tmp / REPORT_HTML).write_text(html, encoding="utf-8")
        seconds["html"] = time.perf_counter() - start
        for name in formats:
            write = FORMATS[name].write
            if write is not None:
                start = time.perf_counter()
                write(tmp, parameters["region"], inputs)
                seconds[name] = time.perf_counter() - start
        record_written(tmp, sorted(p.name for p in tmp.iterdir() if p.is_file()))
        _keep_hand_work(final, tmp, edited, added)
        _publish(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return seconds


def build_reports(
    bundle_path: Path | str,
    regions: str | Iterable[str] | None = None,
    out: Path | str = REPORTS,
    progress: bool = True,
    notebook: Path | str = REPORT_NOTEBOOK,
    *,
    reuse_kernel: bool = True,
    parameters: Mapping[str, Any] | None = None,
    formats: str | Iterable[str] | None = None,
    force: bool = False,
) -> BuildResult:
    """Build every requested region's report of a bundle, and the bundle's index.

    A CJK font is looked for and the bundle is loaded (and so validated) once first; then
    ``notebook`` is executed with papermill once per region, with parameters ``bundle_path``
    (relative to the notebook's folder, the kernel's working directory) and ``region`` (an id).
    Each region gets ``<out>/<bundle>/<region_id>/report.ipynb`` and ``report.html`` (code
    hidden, opens offline); ``<out>/<bundle>/index.html`` links them all and is rewritten after
    every region. The same inputs give byte-identical reports and ``index.html``.

    Parameters
    ----------
    bundle_path : path-like
        The research bundle.
    regions : str, iterable of str or None
        Region ids or Chinese names (cities too); None: every top-level region of the manifest.
    out : path-like
        Root of the report folders (default ``reports`` in the current working directory).
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
    formats : str, iterable of str or None
        Formats to write beside ``report.html`` (ids of :data:`FORMATS`: ``pdf``, ``docx``,
        ``pptx``; a string may list several, separated by commas); the HTML page is always
        written. None: HTML only.
    force : bool
        Rebuild a region whose published files a person edited (``report.docx`` …), keeping
        each edited file as ``_<stem>.bak-<time><suffix>`` beside the new one. Without it such a
        region fails (named in the result) and keeps its report; files a person added to a
        region's folder are always carried over.

    Returns
    -------
    BuildResult
        Which regions were built and which failed (``result.ok`` is False if any failed).

    Raises
    ------
    casekit.exceptions.ReportFormatError
        If a format is unknown (nothing is done; the message lists the known ones).
    casekit.exceptions.BrowserNotFoundError
        If PDF is asked for and no headless browser is installed (nothing is built).
    casekit.exceptions.NotebookNotFoundError
        If ``notebook`` does not exist.
    casekit.exceptions.CJKFontNotFoundError
        If no CJK font is installed (charts would show boxes; nothing is built).
    casekit.exceptions.BundleNotFoundError, casekit.exceptions.BundleValidationError
        If the bundle is missing or invalid (nothing is built).
    casekit.exceptions.RegionError
        If a requested region is not in the manifest (nothing is built).
    casekit.exceptions.OutputError
        If ``<out>/<bundle>`` cannot be created or written.
    casekit.exceptions.BuildLockedError
        If another build is writing into ``<out>/<bundle>``.
    """
    from casekit.intake import load_bundle

    chosen = parse_formats(formats)  # before anything else: a typo costs nothing
    bundle_path = Path(bundle_path).resolve()
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise NotebookNotFoundError(
            f"report notebook not found: looked for {notebook} (pass notebook=... or restore "
            "notebooks/5.0-region-report.ipynb)"
        )
    find_cjk_font()  # once, before any kernel starts: without it every region would fail alike
    for name in chosen:  # e.g. the browser of the PDF: missing, every region would fail alike
        check = FORMATS[name].check
        if check is not None:
            check()
    bundle = load_bundle(bundle_path)
    manifest = bundle.manifest
    region_ids = resolve_regions(manifest, regions)
    inputs = BuildInputs(bundle) if any(FORMATS[f].needs_inputs for f in chosen) else None

    out_dir = bundle_output_dir(manifest.bundle, out)
    _make_out_dir(out_dir)
    with build_lock(out_dir / LOCK_FILE):
        try:
            _sweep(out_dir)
        except OSError as exc:
            raise OutputError(out_dir, _os_reason(exc)) from exc
        overview = _overview(bundle)  # once per build, for every rewrite of the index
        try:
            return _build_locked(
                manifest, region_ids, out_dir, notebook,
                values={**(parameters or {}), "bundle_path": _notebook_path_parameter(bundle_path, notebook.parent)},
                progress=progress, reuse_kernel=reuse_kernel, overview=overview,
                formats=chosen, inputs=inputs, force=force,
            )
        except KeyboardInterrupt:
            # Interrupted inside a publish: put a report moved aside back, drop temporary folders.
            _sweep(out_dir)
            raise


def _build_locked(
    manifest: Manifest,
    region_ids: list[str],
    out_dir: Path,
    notebook: Path,
    *,
    values: dict[str, Any],
    progress: bool,
    reuse_kernel: bool,
    overview: ProgrammeOverview | None = None,
    formats: tuple[str, ...] = ("html",),
    inputs: BuildInputs | None = None,
    force: bool = False,
) -> BuildResult:
    entries = load_entries(out_dir)
    format_seconds: dict[str, dict[str, float]] = {}
    built: list[str] = []
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    starts = 0
    index_path = out_dir / INDEX_HTML
    with ExitStack() as stack:
        bar = stack.enter_context(_progress(region_ids, enabled=progress))
        shared = stack.enter_context(WarmKernel(cwd=notebook.parent)) if reuse_kernel else None
        for region_id in region_ids:
            name = manifest.name(region_id)
            bar.set_postfix_str(region_id)
            start = time.perf_counter()
            kernel = shared if shared is not None else WarmKernel(cwd=notebook.parent)
            try:
                format_seconds[region_id] = _build_region(
                    notebook, {**values, "region": region_id}, f"{name} · 区域调研报告",
                    out_dir / region_id, kernel, formats=formats, inputs=inputs, force=force,
                ) or {}
            except Exception as exc:  # noqa: BLE001 - any failure of one region's report is
                # recorded for that region (named in BuildResult.failed) and the others go on.
                failed[region_id] = _failure_reason(exc)
                previous = entries.get(region_id)
                has_previous = (out_dir / region_id / REPORT_HTML).is_file()
                entries[region_id] = RegionEntry(
                    region_id, name, "stale" if has_previous else "failed",
                    built_at=previous.built_at if (previous and has_previous) else None,
                    error=failed[region_id],
                    formats=previous.formats if (previous and has_previous) else (),
                )
                if progress:
                    bar.write(f"casekit build: {region_id} failed: {failed[region_id]}", file=sys.stderr)
            else:
                built.append(region_id)
                # index.json is a build log: it may say when; index.html shows it only for
                # reports that are out of date, so a fresh build's page is byte-identical.
                entries[region_id] = RegionEntry(
                    region_id, name, "ok", built_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
                    formats=formats,
                )
            finally:
                if shared is None:
                    kernel.shutdown()
                    starts += kernel.starts
            index_path = _save_index(out_dir, manifest, entries, overview)
            seconds[region_id] = time.perf_counter() - start
            bar.update(1)
        if shared is not None:
            starts = shared.starts
    return BuildResult(
        built=built,
        failed=failed,
        index_path=index_path,
        out_dir=out_dir,
        stale=[rid for rid in failed if entries[rid].status == "stale"],
        seconds=seconds,
        kernel_starts=starts,
        formats=formats,
        format_seconds=format_seconds,
    )


def _progress(region_ids: list[str], *, enabled: bool) -> tqdm:
    from tqdm import tqdm

    return tqdm(
        total=len(region_ids),
        desc="casekit build",
        unit="region",
        file=sys.stderr,
        disable=not enabled or os.environ.get("CASEKIT_NO_PROGRESS") == "1",
        dynamic_ncols=True,
    )
