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
of the notebook's own :func:`~casekit.reports.region_report.region_report`, in its kernel:
:mod:`casekit.reports.kernel_formats`). They are written into the region's temporary folder beside
``report.html`` and published with it: a format that fails fails the region, and its previous
report (every format of it) stays.

Interruptions and concurrency: the index is rewritten (atomically) after every region, so an
interrupted build leaves an index that matches what was published; a build that died between the
two renames of :func:`_publish` left the previous report under ``.old-<region>-…``, which the next
build puts back. One build at a time may write into ``<out>/<bundle>``: the build holds an
operating-system lock on :data:`LOCK_FILE` for its whole life (:mod:`casekit.reports.lock`), so a
second one stops with :class:`~casekit.exceptions.BuildLockedError` naming the holder's process id,
and a lock file left behind by a build that died is free at once.

Rebuilding only what changed (:mod:`casekit.reports.build_state`): every region's report is keyed
by a SHA-256 of exactly what it depends on -- casekit's code, the notebook, the parameters, the
formats, the CJK font, every bundle file the engagement-wide analysis reads (all but the notes)
and what the region's notes section shows. A region whose key is that of its published report,
with every file of it there, is left as it is (``BuildResult.skipped``); ``force`` rebuilds
everything. When nothing at all changed, :func:`~casekit.reports.build_state.up_to_date` says so
from file hashes alone, before anything heavy is imported or the bundle is loaded.

Computing once: the engagement-wide results (findings, account-manager types, all regions' 360°
review, the notes views, :mod:`casekit.reports.engagement`) are computed once per build by the
build process, cached on disk by content hash (``<out>/<bundle>/.cache``, or
``CASEKIT_CACHE_DIR``), and read by every region's notebook; the Word report and the slides are
written in the kernel from the very ``report`` the notebook computed
(:mod:`casekit.reports.kernel_formats`).

All cores, and beyond one machine: ``jobs`` kernels run regions side by side (a pool of warm
kernels, default one per core; each region's publishing is its own, the index and the record
are written by the build alone, in manifest order, so the bytes are those of a serial build).
``scheduler``/``workers`` render the regions on a Dask cluster instead
(:mod:`casekit.reports.distributed`); the build process still publishes every file.

Ctrl-C (``KeyboardInterrupt``): the region being built publishes nothing, its temporary folder is
removed, the index lists what was published, the kernel is shut down and the lock released; then
the interrupt goes on to the caller (the CLI prints one line and exits 130).
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.exceptions import (
    BuildError,
    EditedFileError,
    ExportError,
    NoSurveyDataError,
    NotebookNotFoundError,
    OutputError,
    RegionError,
)
from casekit.files import umask
from casekit.safe_save import LEDGER_NAME, backup_path, record_written, unedited, written_files
from casekit.paths import REPORTS, bundle_output_dir
from casekit.reports.execute import WarmKernel, execute_notebook
from casekit.reports.export import external_urls
from casekit.reports.fonts import find_cjk_font
from casekit.reports.index import (
    FORMAT_FILES,
    INDEX_HTML,
    REPORT_HTML,
    RegionEntry,
    load_entries,
    write_index,
)
from casekit.reports.build_state import (
    NOTEBOOK_FILE,
    BuildState,
    font_stamp,
    kernel_folder,
    notebook_path_parameter,
    parse_formats,
    quick_key,
    region_files,
    request_key,
    up_to_date,
)
from casekit.reports.fingerprint import bundle_files, code_version, digest, file_digest
from casekit.reports.kernel_formats import named_function
from casekit.reports.lock import build_lock
from casekit.reports.report_kinds import REPORT_KINDS, ReportKind, report_kind
from casekit.reports.pdf import find_browser, html_to_pdf
from casekit.language import quoted, tr

if TYPE_CHECKING:  # pragma: no cover
    from tqdm import tqdm

    from casekit.analysis import Findings
    from casekit.intake import Bundle, Manifest
    from casekit.reports.engagement import EngagementNotes
    from casekit.reports.programme import ProgrammeOverview

__all__ = [
    "FORMATS",
    "LOCK_FILE",
    "REPORT_IPYNB",
    "BuildResult",
    "BuildSession",
    "ReportFormat",
    "build_reports",
    "cache_folder",
    "default_jobs",
    "parse_formats",
    "publish_files",
    "render_region",
    "resolve_regions",
]

log = logging.getLogger(__name__)

REPORT_IPYNB = NOTEBOOK_FILE
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
    skipped : list of str
        Requested regions whose published report was already up to date (same key: nothing
        it depends on changed), left as they were; in request order.
    workers : int
        Regions rendered side by side (kernels of the pool, or Dask workers).
    backend : str
        ``"kernels"`` (this machine's pool of warm kernels, one kernel when ``workers`` is 1),
        ``"dask"`` (a Dask cluster) or ``"none"`` (nothing was stale).
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
    skipped: list[str] = field(default_factory=list)
    workers: int = 1
    backend: str = "kernels"

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
        if self.skipped:
            lines.append(f"up to date, not rebuilt: {', '.join(self.skipped)}")
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
        raise RegionError(tr("没有给出地区；" + manifest.region_index.known(),
                             "no region given; known region ids: " + ", ".join(manifest.regions["region_id"])))
    return list(dict.fromkeys(manifest.region_index.require_all(asked)))


# -- output formats --------------------------------------------------------------------------------
def _write_pdf(folder: Path, region_id: str, inputs: object) -> None:
    html_to_pdf(folder / REPORT_HTML, folder / FORMATS["pdf"].file)


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
        ``report.html`` already in ``folder`` (``inputs`` is None); None for the HTML page, which
        the notebook's export writes, and for the formats written in the kernel.
    in_kernel : bool
        Written in the region's kernel right after its notebook, from the notebook's ``report``
        (:func:`casekit.reports.kernel_formats.write_documents`).
    check : callable or None
        Run once before any work when the format is asked for; raises when it cannot be built
        here (no browser …).
    """

    file: str
    write: Callable[[Path, str, Any], None] | None = None
    in_kernel: bool = False
    check: Callable[[], object] | None = None


#: Every format ``casekit build --formats`` knows, in the order they are built; ``html`` always is.
FORMATS: dict[str, ReportFormat] = {
    "html": ReportFormat(FORMAT_FILES["html"][0]),
    "pdf": ReportFormat(FORMAT_FILES["pdf"][0], _write_pdf, check=find_browser),
    "docx": ReportFormat(FORMAT_FILES["docx"][0], in_kernel=True),
    "pptx": ReportFormat(FORMAT_FILES["pptx"][0], in_kernel=True),
}


def _failure_reason(exc: BaseException) -> str:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return tr(f"{exc.ename}: {exc.evalue}（笔记本第 {exc.exec_count} 个单元格）",
                  f"{exc.ename}: {exc.evalue} (notebook cell {exc.exec_count})")
    if isinstance(exc, DeadKernelError):
        return tr("生成报告时内核意外退出（内存不够？）", "the kernel died while running the report (out of memory?)")
    if type(exc).__name__ == "KilledWorker":  # distributed's, not imported unless used
        return tr("生成这份报告的 Dask 工作进程意外退出（内存不够，或被停止）",
                  "the Dask worker rendering it died (out of memory, or stopped)")
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
                overview: ProgrammeOverview | None = None, heading: str = REPORT_KINDS["research"].title,
                period: tuple[str, str] | None = None) -> Path:
    """Write the index of ``entries`` (regions in manifest order; unknown ones dropped); ``period``:
    (label, text) instead of the manifest's research period."""
    order = {rid: i for i, rid in enumerate(manifest.regions["region_id"])}
    rows = sorted((e for rid, e in entries.items() if rid in order), key=lambda e: order[e.region_id])
    try:
        return write_index(
            out_dir, rows, client=manifest.client, engagement=manifest.engagement,
            period=period[1] if period else (manifest.period or ""), bundle=manifest.bundle, overview=overview,
            heading=heading, period_label=period[0] if period else "调研时间",
        )
    except OSError as exc:
        raise OutputError(out_dir, _os_reason(exc)) from exc


# -- keys ------------------------------------------------------------------------------------------
def cache_folder(out_dir: Path) -> Path:
    """Where a build keeps its engagement-wide results: ``CASEKIT_CACHE_DIR`` when set (shared by
    every reports folder: entries are keyed by content), else ``<out>/<bundle>/.cache``."""
    from casekit.reports.engagement import CACHE_DIR

    shared = os.environ.get("CASEKIT_CACHE_DIR")
    return Path(shared).resolve() if shared else out_dir / CACHE_DIR


def default_jobs() -> int:
    """Kernels of the pool by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _frame_digest(frame: Any) -> str:
    """SHA-256 of a table's content (its CSV text, columns included)."""
    import pandas as pd

    if frame is None:
        return "none"
    if not isinstance(frame, pd.DataFrame):
        return digest(repr(frame))
    return digest(list(map(str, frame.columns)), frame.to_csv(index=False, lineterminator="\n"))


def _notes_digest(bundle: Bundle, notes: EngagementNotes, top: str) -> str:
    """What a region's report shows of the notes: its province's themes as the theme table shows
    them, its distinctive words (not their scores, which move with any note of any region), its
    excerpts and counts, and its own notes (the method section counts them)."""
    from casekit.reports.tables import theme_table

    view = notes.view(top)
    rows = bundle.notes
    mine = rows.loc[rows["top_region_id"] == top] if not rows.empty else rows
    themes = theme_table(view.themes) if not view.themes.empty else view.themes
    words = list(map(str, view.keywords["word"])) if "word" in view.keywords.columns else []
    return digest(view.count, view.interviewees, _frame_digest(themes), words, _frame_digest(view.quotes),
                  _frame_digest(mine))


# -- one region ------------------------------------------------------------------------------------
def write_page(folder: Path, title: str, kernel: WarmKernel) -> None:
    """Export ``folder``'s executed notebook as its HTML page, in the region's kernel.

    In the kernel rather than in the build process: two regions built side by side would export
    in one process, taking turns on its interpreter lock; each kernel also builds its exporter
    (templates) once, at its warm-up.
    """
    kernel.run(
        "from casekit.reports.export import write_html as _casekit_html\n"
        f"_casekit_html({str(folder / REPORT_IPYNB)!r}, {str(folder / REPORT_HTML)!r}, title={title!r})\n",
        timeout=600, what=tr("写入 ", "writing ") + REPORT_HTML,
    )


def render_region(
    folder: Path,
    notebook: Path,
    parameters: dict[str, Any],
    title: str,
    kernel: WarmKernel,
    formats: Sequence[str],
    document: str = REPORT_KINDS["research"].document,
) -> dict[str, float]:
    """Execute the region's notebook into ``folder`` and write every format there (nothing else:
    publishing is the caller's; a Dask worker renders into a folder of its own).

    Parameters
    ----------
    folder : pathlib.Path
        An empty folder.
    notebook : pathlib.Path
        The report template.
    parameters : dict
        Its parameters (``bundle_path``, ``region`` …).
    title : str
        The HTML page's title.
    kernel : WarmKernel
        The kernel to run it in (prepared here).
    formats : sequence of str
        Ids of :data:`FORMATS`.
    document : str
        ``"module:function"`` giving the region's document in the kernel, for the Word report
        and the slides (the report kind's :attr:`~casekit.reports.report_kinds.ReportKind.document`).

    Returns
    -------
    dict of str to float
        Seconds each format took.
    """
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    execute_notebook(notebook, folder / REPORT_IPYNB, parameters, kernel=kernel)
    write_page(folder, title, kernel)
    remote = external_urls((folder / REPORT_HTML).read_text(encoding="utf-8"))
    if remote:  # pragma: no cover - guards the template against nbconvert changes
        raise ExportError(tr(f"HTML 页面会加载 {remote[0]}（页面必须能离线打开）",
                             f"the HTML page would load {remote[0]} (it must open offline)"))
    seconds["html"] = time.perf_counter() - start
    in_kernel = [name for name in formats if FORMATS[name].in_kernel]
    if in_kernel:
        start = time.perf_counter()
        kernel.run(
            "from casekit.reports.kernel_formats import write_documents as _casekit_write\n"
            f"_casekit_write(globals(), {parameters['region']!r}, {str(folder)!r}, {in_kernel!r}, {document!r})\n",
            timeout=600, what=tr("写入 ", "writing ") + tr("、", ", ").join(FORMATS[n].file for n in in_kernel),
        )
        seconds[in_kernel[0]] = time.perf_counter() - start
    for name in formats:
        write = FORMATS[name].write
        if write is not None:
            start = time.perf_counter()
            write(folder, parameters["region"], None)
            seconds[name] = time.perf_counter() - start
    return seconds


def _finish(tmp: Path, final: Path, edited: Sequence[str], added: Sequence[str]) -> None:
    """Record what casekit wrote in ``tmp``, carry a person's files over, publish ``tmp`` as ``final``."""
    record_written(tmp, sorted(p.name for p in tmp.iterdir() if p.is_file()))
    _keep_hand_work(final, tmp, edited, added)
    _publish(tmp, final)


def _checked_hand_work(final: Path, force: bool) -> tuple[list[str], list[str]]:
    edited, added = _hand_work(final)
    if edited and not force:
        raise EditedFileError(", ".join(str(final / name) for name in edited))
    return edited, added


def _region_tmp(final: Path) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{final.name}-", dir=final.parent))
    os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes it private; published folders are not
    return tmp


def _build_region(
    notebook: Path,
    parameters: dict[str, Any],
    title: str,
    final: Path,
    kernel: WarmKernel,
    *,
    formats: Sequence[str] = ("html",),
    force: bool = False,
    document: str = REPORT_KINDS["research"].document,
    **_: Any,
) -> dict[str, float]:
    """Build one region's report in every format into a temporary folder, then publish it.

    A person's work in the published folder is never lost: a file casekit wrote there and
    someone edited since stops the region before any work (:class:`EditedFileError`), unless
    ``force``, which keeps it as a backup beside the new one; a file casekit never wrote there is
    carried over into the new folder.

    Returns the seconds each format took.
    """
    edited, added = _checked_hand_work(final, force)
    tmp = _region_tmp(final)
    try:
        seconds = render_region(tmp, notebook, parameters, title, kernel, formats, document)
        _finish(tmp, final, edited, added)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return seconds


def publish_files(final: Path, files: Mapping[str, bytes], *, force: bool = False) -> None:
    """Publish a region's report rendered elsewhere (a Dask worker) as ``final``.

    The same rules as a local region: edited files stop it unless ``force``, a person's files
    are carried over, and the folder is replaced in one rename.

    Parameters
    ----------
    final : pathlib.Path
        ``<out>/<bundle>/<region_id>``.
    files : mapping of str to bytes
        File name → content (names without folders).
    force : bool
        Replace edited files (keeping each as a backup).
    """
    edited, added = _checked_hand_work(final, force)
    tmp = _region_tmp(final)
    try:
        for name, data in files.items():
            if Path(name).name != name or name.startswith("."):
                raise ExportError(tr(f"生成的文件名不能含有文件夹：{quoted(name)}",
                                     f"a rendered file may not name a folder: {name!r}"))
            (tmp / name).write_bytes(data)
        _finish(tmp, final, edited, added)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# -- the build -------------------------------------------------------------------------------------
def build_reports(
    bundle_path: Path | str,
    regions: str | Iterable[str] | None = None,
    out: Path | str = REPORTS,
    progress: bool = True,
    notebook: Path | str | None = None,
    *,
    report: str | ReportKind = "research",
    reuse_kernel: bool = True,
    parameters: Mapping[str, Any] | None = None,
    formats: str | Iterable[str] | None = None,
    force: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    session: BuildSession | None = None,
) -> BuildResult:
    """Build every requested region's report of a bundle, and the bundle's index.

    A CJK font is looked for and the bundle is loaded (and so validated) once first; then
    ``notebook`` is executed with papermill once per stale region, with parameters
    ``bundle_path`` (the bundle's folder name, relative to the kernels' working directory, the bundle's parent folder) and
    ``region`` (an id). Each region gets ``<out>/<bundle>/<region_id>/report.ipynb`` and
    ``report.html`` (code hidden, opens offline); ``<out>/<bundle>/index.html`` links them all and
    is rewritten after every region. The same inputs give byte-identical reports and
    ``index.html``, whatever the number of kernels or workers.

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
    notebook : path-like, optional
        The report template (needs a cell tagged ``parameters``); default: the report kind's.
    report : str or ReportKind
        Which report (:mod:`casekit.reports.report_kinds`): ``"research"`` (区域调研报告, into
        ``<out>/<bundle>/<region>``) or ``"followup"`` (培训后跟踪评估报告 of each region that had
        trainees, into ``<out>/<bundle>/follow-up/<region>``, with its own index and record).
    reuse_kernel : bool
        Run regions in reused kernels, reset between regions (fast); False: a fresh kernel per
        region (one at a time).
    parameters : mapping, optional
        Further notebook parameters, the same for every region (``bundle_path`` and ``region``
        are set by the build).
    formats : str, iterable of str or None
        Formats to write beside ``report.html`` (ids of :data:`FORMATS`: ``pdf``, ``docx``,
        ``pptx``; a string may list several, separated by commas); the HTML page is always
        written. None: HTML only.
    force : bool
        Rebuild every requested region, even one that is up to date, and one whose published
        files a person edited (``report.docx`` …), keeping each edited file as
        ``_<stem>.bak-<time><suffix>`` beside the new one. Without it an up-to-date region is
        left as it is, and a stale region with edited files fails (named in the result) and
        keeps its report; files a person added to a region's folder are always carried over.
    jobs : int, optional
        Kernels running regions side by side on this machine (default :func:`default_jobs`, one
        per core; never more than the regions to build).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``): render the regions on its
        workers (:mod:`casekit.reports.distributed`).
    workers : int, optional
        Start a Dask ``LocalCluster`` of this many workers for this build (ignored with
        ``scheduler``).
    session : BuildSession, optional
        Warm kernels kept from one build to the next (:func:`casekit.reports.watch.watch_reports`):
        the kernels are taken from it (started on its first build) and left running; default:
        started for this build and shut down at its end.

    Returns
    -------
    BuildResult
        Which regions were built, left as they were, or failed (``result.ok`` is False if any
        failed).

    Raises
    ------
    casekit.exceptions.ReportFormatError
        If a format is unknown (nothing is done; the message lists the known ones).
    casekit.exceptions.ReportKindError
        If ``report`` is unknown (nothing is done).
    casekit.exceptions.BrowserNotFoundError
        If PDF is asked for and no headless browser is installed (nothing is built).
    casekit.exceptions.NotebookNotFoundError
        If ``notebook`` does not exist.
    casekit.exceptions.CJKFontNotFoundError
        If no CJK font is installed (charts would show boxes; nothing is built).
    casekit.exceptions.BundleNotFoundError, casekit.exceptions.BundleValidationError
        If the bundle is missing or invalid (nothing is built).
    casekit.exceptions.RegionError
        If a requested region is not in the manifest, or (follow-up report) had no trainees or
        the bundle has no follow-up (nothing is built).
    casekit.exceptions.OutputError
        If ``<out>/<bundle>`` cannot be created or written.
    casekit.exceptions.BuildLockedError
        If another build is writing into ``<out>/<bundle>``.
    casekit.exceptions.DistributedError
        If the Dask scheduler cannot be reached (nothing is built).
    """
    from casekit.intake import load_bundle

    chosen = parse_formats(formats)  # before anything else: a typo costs nothing
    kind = report_kind(report)
    bundle_path = Path(bundle_path).resolve()
    notebook = Path(notebook if notebook is not None else kind.notebook).resolve()
    if not notebook.is_file():
        raise NotebookNotFoundError(tr(
            f"找不到报告笔记本：{notebook}（请传入 notebook=…，或恢复 notebooks/{kind.notebook.name}）",
            f"report notebook not found: looked for {notebook} (pass notebook=... or restore "
            f"notebooks/{kind.notebook.name})"
        ))
    values = {**(parameters or {}), "bundle_path": notebook_path_parameter(bundle_path)}
    kernel_dir = kernel_folder(bundle_path)  # the kernels' working directory: the bundle's parent
    if not force and session is None:  # (a session's kernels start now, warm for the next change)
        current = up_to_date(bundle_path, regions, out, notebook, chosen, values, kind=kind)
        if current is not None:
            out_dir, region_ids = current
            return BuildResult(built=[], failed={}, index_path=out_dir / INDEX_HTML, out_dir=out_dir,
                               formats=chosen, skipped=region_ids, workers=0, backend="none")
    if scheduler is not None:
        from casekit.reports.distributed import check_scheduler

        check_scheduler(scheduler)  # before the bundle is loaded: a wrong address costs nothing
    font = find_cjk_font()  # once, before any kernel starts: without it every region would fail alike
    for name in chosen:  # e.g. the browser of the PDF: missing, every region would fail alike
        check = FORMATS[name].check
        if check is not None:
            check()
    local = scheduler is None and workers is None
    early = _early_target(bundle_path, regions, out, kind) if local and reuse_kernel else None
    with ExitStack() as stack:

        def lock(folder: Path) -> None:
            _make_out_dir(folder)
            stack.enter_context(build_lock(folder / LOCK_FILE))
            _sweep_or_fail(folder)

        def start_kernels(count: int, cache: Path) -> tuple[_KernelPool | None, Any]:
            if session is not None:
                return session.kernels(jobs, count, kernel_dir, cache, values.get("bundle_path"))
            return stack.enter_context(_local_kernels(True, jobs, count, kernel_dir, cache, values.get("bundle_path"),
                                                      reuse_kernel=True))

        kernels = None
        if early is not None:
            # The manifest alone names the reports folder and the regions: lock the folder and start
            # the first kernel now, so it imports what the report needs while this process reads and
            # validates the bundle (a bundle with problems shuts it down unused).
            early_dir, early_regions = early
            created = _first_missing(early_dir)  # e.g. reports/ itself, in a new working folder
            lock(early_dir)
            kernels = start_kernels(len(early_regions), cache_folder(early_dir))
            try:
                files = kind.inputs(bundle_files(bundle_path))  # before loading: a change meanwhile only costs a rebuild
                bundle = _load_for_kernels(bundle_path, cache_folder(early_dir), stack)
                _require_answers(bundle, kind, bundle_path)
            except Exception:
                if created is not None:
                    stack.close()  # kernels down, lock released: then the folders this build made go
                    _remove_if_empty(early_dir, up_to=created)
                raise
        else:
            files = kind.inputs(bundle_files(bundle_path))
            bundle = load_bundle(bundle_path)
            _require_answers(bundle, kind, bundle_path)
        manifest = bundle.manifest
        region_ids = named_function(kind.regions)(bundle, regions)
        out_dir = kind.out_dir(bundle_output_dir(manifest.bundle, out))
        if early is None:
            lock(out_dir)
            if session is not None and local and reuse_kernel:
                kernels = start_kernels(len(region_ids), cache_folder(out_dir))
        elif out_dir != early[0]:  # the manifest was edited while it was read
            raise OutputError(out_dir, tr("生成过程中资料包的 manifest.yaml 被改动了；请再运行一次",
                                          "the bundle's manifest changed while the build read it; run the build again"))
        plan = _Plan(
            bundle=bundle, files=files, notebook=notebook, values=values, formats=chosen,
            font=font_stamp(font.path), font_path=str(font.path), force=force, request=request_key(regions, chosen, notebook, values),
            cache=cache_folder(out_dir), kind=kind, kernel_dir=kernel_dir,
        )
        try:
            return _build_locked(
                manifest, region_ids, out_dir, notebook,
                values=values, progress=progress, reuse_kernel=reuse_kernel,
                formats=chosen, force=force, plan=plan, jobs=jobs, scheduler=scheduler, workers=workers,
                kernels=kernels,
            )
        except KeyboardInterrupt:
            # Interrupted inside a publish: put a report moved aside back, drop temporary folders.
            _sweep(out_dir)
            raise


def _early_target(
    bundle_path: Path, regions: str | Iterable[str] | None, out: Path | str, kind: ReportKind
) -> tuple[Path, list[str]] | None:
    """The reports folder and the regions of a research build, from the manifest alone (cheap), or
    None when the manifest has problems or the report needs the whole bundle to know its regions
    (the full load then reports everything at once).

    Raises
    ------
    casekit.exceptions.RegionError
        If a requested region is not in the manifest (nothing is created).
    """
    if kind.id != "research":
        return None
    from casekit.intake.manifest import read_manifest

    try:
        manifest, problems = read_manifest(bundle_path)
    except Exception:  # noqa: BLE001 - any doubt: the full load reports it, with every other problem
        return None
    if manifest is None or problems:
        return None
    region_ids = resolve_regions(manifest, regions)
    return kind.out_dir(bundle_output_dir(manifest.bundle, out)), region_ids


def _require_answers(bundle: Bundle, kind: ReportKind, bundle_path: Path) -> None:
    """Refuse a research report of a bundle without a single questionnaire answer (a new
    engagement's skeleton): it would show nothing but still recommend a course."""
    if kind.id == "research" and bundle.respondents.empty:
        try:  # as the consultant would type it: relative to the working directory when inside it
            shown = bundle_path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            shown = str(bundle_path)
        raise NoSurveyDataError(shown)


def _load_for_kernels(bundle_path: Path, cache: Path, stack: ExitStack) -> Bundle:
    """Load (and so validate) the bundle and hand it to the report kernels through the cache
    folder (:func:`casekit.reports.engagement.hand_bundle`) until ``stack`` closes: a kernel
    then takes it instead of reading the files again, as long as none of them changed."""
    from casekit.bundle_tree import tree_stamp
    from casekit.intake import load_bundle
    from casekit.reports.engagement import ResultCache, drop_bundle, hand_bundle

    stamp = tree_stamp(bundle_path)  # before reading: a file changed meanwhile is read again
    bundle = load_bundle(bundle_path)
    handed = ResultCache(cache)
    stack.callback(drop_bundle, handed, bundle_path)
    hand_bundle(handed, bundle, stamp)
    return bundle


def _sweep_or_fail(out_dir: Path) -> None:
    try:
        _sweep(out_dir)
    except OSError as exc:
        raise OutputError(out_dir, _os_reason(exc)) from exc


def _first_missing(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist yet (None: ``folder`` exists)."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists():
            return missing
        missing = path
    return missing


def _remove_if_empty(folder: Path, *, up_to: Path | None = None) -> None:
    """Remove ``folder`` (and its own empty cache folder) if nothing else is in it, then each
    parent up to ``up_to`` that is empty too (the folders the build created). Never a shared
    ``CASEKIT_CACHE_DIR``: that folder is the user's, even when empty."""
    from casekit.reports.engagement import CACHE_DIR

    try:
        (folder / CACHE_DIR).rmdir()
    except OSError:
        pass
    paths = [folder]
    if up_to is not None and up_to in folder.parents:
        paths += [p for p in folder.parents if p == up_to or up_to in p.parents]
    for path in paths:
        try:
            path.rmdir()
        except OSError:  # not empty (or already gone): nor are its parents to be removed
            return


@dataclass
class _Plan:
    """What the build knows before it runs a region: inputs, keys and the engagement-wide results."""

    bundle: Bundle
    files: dict[str, str]
    notebook: Path
    values: dict[str, Any]
    formats: tuple[str, ...]
    font: dict[str, Any]
    font_path: str
    force: bool
    request: str
    cache: Path
    kernel_dir: Path
    kind: ReportKind = REPORT_KINDS["research"]
    _notes: EngagementNotes | None = None
    _findings: Findings | None = None
    _notes_digests: dict[str, str] = field(default_factory=dict)

    @cached_property
    def quick(self) -> str:
        return quick_key(self.files, self.notebook, self.values, self.formats, self.font)

    @cached_property
    def common(self) -> str:
        if self.kind.reads_followup:  # the follow-up compares regions: every file is every region's input
            return digest("region", self.kind.id, code_version(), file_digest(self.notebook), self.values,
                          list(self.formats), self.font, self.files)
        from casekit.reports.engagement import analysis_key

        return digest("region", code_version(), file_digest(self.notebook), self.values, list(self.formats),
                      self.font, analysis_key(self.files, _min_n()))

    @property
    def research(self) -> bool:
        return self.kind.id == "research"

    def shared(self) -> None:
        """Compute (or read from the cache) the engagement-wide results, once (the research
        report's; the follow-up report has none)."""
        if self._notes is None and self.research:
            from casekit.reports.engagement import ResultCache, shared_results

            analysis, self._notes = shared_results(self.bundle, min_n=_min_n(), cache=ResultCache(self.cache),
                                                   files=self.files)
            self._findings = analysis.findings

    def region_key(self, region_id: str, title: str) -> str:
        if not self.research:
            return digest(self.common, region_id, title)
        top = self.bundle.manifest.top_of(region_id)
        if top not in self._notes_digests:  # a province's cities show its notes: once per province
            self.shared()
            assert self._notes is not None
            self._notes_digests[top] = _notes_digest(self.bundle, self._notes, top)
        return digest(self.common, region_id, title, self._notes_digests[top])

    def index_key(self, entries: Mapping[str, RegionEntry]) -> str:
        rows = sorted((rid, e.name, e.status, list(e.formats)) for rid, e in entries.items())
        return digest("index", code_version(), self.files, rows)

    def overview(self) -> ProgrammeOverview | None:
        return _overview(self.bundle, findings=self._findings) if self.research else None


def _title(manifest: Manifest, region_id: str, kind: ReportKind = REPORT_KINDS["research"]) -> str:
    """The title of a region's HTML page (part of its key)."""
    return f"{manifest.name(region_id)} · {kind.title}"


def _followup_period(bundle: Bundle) -> tuple[str, str] | None:
    """The follow-up index's period: ``("回访时间", "2009-02 至 2009-03")`` from the waves' dates."""
    waves = bundle.followup.waves if bundle.followup is not None else None
    if waves is None or waves.empty:
        return None
    import pandas as pd

    start = pd.to_datetime(waves["start"], errors="coerce").min()
    end = pd.to_datetime(waves["end"], errors="coerce").max()
    if pd.isna(start) or pd.isna(end):
        return None
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    return "回访时间", first if first == last else f"{first} 至 {last}"


def research_regions(bundle: Bundle, asked: str | Iterable[str] | None) -> list[str]:
    """The regions of a research build: ``asked`` (ids or names, cities too) or every top-level one.

    Raises
    ------
    casekit.exceptions.RegionError
        If one is not in the manifest.
    """
    return resolve_regions(bundle.manifest, asked)


def followup_report_regions(bundle: Bundle, asked: str | Iterable[str] | None) -> list[str]:
    """The regions of a follow-up build: the top-level regions that had trainees, or those of
    them ``asked`` for (ids or names).

    Raises
    ------
    casekit.exceptions.RegionError
        If the bundle has no follow-up, or a region asked for is not in the manifest, is a city,
        or had no trainees (the message lists the trained regions).
    """
    manifest = bundle.manifest
    followup = bundle.followup
    if followup is None:
        raise RegionError("这个资料包没有培训后回访的数据（followup 文件夹，见 docs/followup.md）："
                          "无法生成跟踪评估报告。")
    from casekit.reports.followup_report import followup_regions

    trained = followup_regions(bundle)
    if asked is None:
        return trained
    names = "、".join(manifest.name(r) for r in trained) or "没有"
    chosen = resolve_regions(manifest, asked)
    for rid in chosen:
        if rid not in trained:
            top = manifest.top_of(rid)
            where = (f"{manifest.name(rid)}是{manifest.name(top)}的下属城市：跟踪评估报告按省级地区生成"
                     if top != rid else f"{manifest.name(rid)}没有参训学员")
            raise RegionError(f"{where}；可生成跟踪评估报告的地区：{names}。")
    return chosen


def _min_n() -> int:
    from casekit.domain import MIN_CELL_SIZE

    return MIN_CELL_SIZE


def _overview(bundle: Bundle, findings: Findings | None = None) -> ProgrammeOverview | None:
    """The index's programme view (about a second on the sample bundle), once per build.

    A bundle the overview cannot be computed for still gets its reports and the list of them:
    the reason is logged and the index shows the list only.
    """
    from casekit.reports.programme import programme_overview

    try:
        return programme_overview(bundle, findings=findings)
    except Exception as exc:  # noqa: BLE001 - the overview is a summary: no failure of it may
        # cost the client the region reports or the list of them.
        log.warning("index.html without the programme view: %s", exc)
        return None


def _present(folder: Path, formats: Sequence[str]) -> bool:
    return all((folder / name).is_file() for name in region_files(formats))


class BuildSession:
    """Warm kernels kept from one build to the next, for builds of the same report notebook into the
    same reports folder (``casekit build --watch``, :func:`casekit.reports.watch.watch_reports`).

    The first build that asks starts them (as many as it has regions to build, at most ``jobs``);
    later builds take the same kernels, already importing nothing and reading the bundle's changes
    only. Kernels are reset before every region as in a single build. Use as a context manager:
    the kernels are shut down on exit (or :meth:`close`).
    """

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._kernels: tuple[_KernelPool | None, Any] | None = None
        self._key: tuple[Any, ...] | None = None

    def kernels(self, jobs: int | None, regions: int, cwd: Path, cache: Path,
                bundle_path: str | None) -> tuple[_KernelPool | None, Any]:
        """The session's pool and its threads; a build of another bundle or reports folder
        shuts the old kernels down and starts new ones."""
        key = (cwd, cache, bundle_path, jobs)
        if self._kernels is None or self._key != key:
            self.close()
            self._kernels = self._stack.enter_context(
                _local_kernels(True, jobs, regions, cwd, cache, bundle_path, reuse_kernel=True))
            self._key = key
        return self._kernels

    def close(self) -> None:
        """Shut the kernels down (a later build starts new ones)."""
        try:
            self._stack.close()
        finally:
            self._stack = ExitStack()
            self._kernels = self._key = None

    def __enter__(self) -> BuildSession:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _KernelPool:
    """Up to ``size`` warm kernels lent to the threads that build regions side by side.

    One kernel is warmed up at once (:meth:`warm_up`); the others only when the build knows it
    has more than one region to build (:meth:`grow`), so a rebuild of one region does not share
    the machine with kernels it will never use.
    """

    def __init__(self, size: int, cwd: Path, cache_dir: Path, *, reuse: bool, bundle_path: str | None = None) -> None:
        self.reuse = reuse
        self.cwd = cwd
        self.cache_dir = cache_dir
        self.bundle_path = bundle_path
        self.kernels = [WarmKernel(cwd=cwd, cache_dir=cache_dir) for _ in range(size if reuse else 0)]
        self.free: queue.SimpleQueue[WarmKernel] = queue.SimpleQueue()
        self.lent = 0  # kernels put in service (warming up or in ``free``)
        self.fresh_starts = 0

    def warm_up(self, executor: Any, count: int = 1) -> None:
        """Start ``count`` more kernels (at most ``size`` in all) in the executor's threads, each
        lent to the regions once it has imported the report's modules and read the bundle."""
        target = min(self.lent + count, len(self.kernels))
        while self.lent < target:
            kernel = self.kernels[self.lent]
            self.lent += 1
            executor.submit(self._warm, kernel)

    def grow(self, executor: Any, regions: int) -> None:
        """Put as many kernels in service as there are regions to build (at most ``size``)."""
        self.warm_up(executor, max(0, min(regions, len(self.kernels)) - self.lent))

    def _warm(self, kernel: WarmKernel) -> None:
        try:
            kernel.warm_up(self.bundle_path)
        finally:
            self.free.put(kernel)

    def run(self, build_one: Callable[[WarmKernel], dict[str, float]]) -> dict[str, float]:
        if not self.reuse:
            with WarmKernel(cwd=self.cwd, cache_dir=self.cache_dir) as kernel:
                try:
                    return build_one(kernel)
                finally:
                    self.fresh_starts += kernel.starts
        kernel = self.free.get()
        try:
            return build_one(kernel)
        finally:
            self.free.put(kernel)

    @property
    def starts(self) -> int:
        return self.fresh_starts + sum(k.starts for k in self.kernels)

    def shutdown(self) -> None:
        for kernel in self.kernels:
            kernel.shutdown()


@contextmanager
def _local_kernels(
    wanted: bool, jobs: int | None, regions: int, cwd: Path, cache: Path, bundle_path: str | None, *,
    reuse_kernel: bool,
) -> Iterator[tuple[_KernelPool | None, Any]]:
    """The pool of warm kernels and the threads that lend them (both None when ``wanted`` is
    false: a Dask build). The kernels start and import what the report needs at once, while the
    keys and the engagement-wide results are computed; all of it is shut down on exit."""
    if not wanted:
        yield None, None
        return
    from concurrent.futures import ThreadPoolExecutor

    size = max(1, min(jobs or default_jobs(), regions)) if reuse_kernel else 1
    pool = _KernelPool(size, cwd, cache, reuse=reuse_kernel, bundle_path=bundle_path)
    executor = ThreadPoolExecutor(size, thread_name_prefix="casekit-region")
    try:
        pool.warm_up(executor)  # one kernel now, the others once there is more than one region to build
        yield pool, executor
    finally:
        pool.shutdown()  # first: a warm-up or a notebook in progress ends at once
        executor.shutdown(wait=True, cancel_futures=True)
        pool.shutdown()


def _build_locked(
    manifest: Manifest,
    region_ids: list[str],
    out_dir: Path,
    notebook: Path,
    *,
    values: dict[str, Any],
    progress: bool,
    reuse_kernel: bool,
    formats: tuple[str, ...] = ("html",),
    force: bool = False,
    plan: _Plan,
    jobs: int | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    kernels: tuple[_KernelPool, Any] | None = None,
) -> BuildResult:
    local = scheduler is None and workers is None
    started = (nullcontext(kernels) if kernels is not None else
               _local_kernels(local, jobs, len(region_ids), plan.kernel_dir, plan.cache, plan.values.get("bundle_path"),
                              reuse_kernel=reuse_kernel))
    with started as (pool, executor):
        entries = load_entries(out_dir)
        state = BuildState.load(out_dir)
        if pool is not None:  # regions certainly stale (the survey, code or notebook changed): their kernels now
            pool.grow(executor, sum(force or (state.regions.get(rid) or {}).get("common") != plan.common
                                    for rid in region_ids))
        titles = {rid: _title(manifest, rid, plan.kind) for rid in region_ids}
        keys = {rid: plan.region_key(rid, titles[rid]) for rid in region_ids}
        todo, skipped = [], []
        for rid in region_ids:
            record = state.regions.get(rid) or {}
            current = (record.get("key") == keys[rid] and _present(out_dir / rid, formats)
                       and rid in entries and entries[rid].status == "ok")
            (skipped if current and not force else todo).append(rid)
        if pool is not None:
            pool.grow(executor, len(todo))
        for rid in skipped:
            state.regions[rid]["quick"] = plan.quick
        # Regions not asked for this time, published from other inputs than these: the index must not
        # present them as current beside a programme view computed from the new data.
        for rid, entry in list(entries.items()):
            if rid in keys or entry.status != "ok" or rid not in set(manifest.regions["region_id"]):
                continue
            record = state.regions.get(rid) or {}
            if record.get("key") != plan.region_key(rid, _title(manifest, rid, plan.kind)):
                entries[rid] = RegionEntry(
                    rid, entry.name, "outdated", built_at=entry.built_at, formats=entry.formats,
                    error=f"built from earlier inputs than this build's; rebuild it (--regions {rid})",
                )
                state.forget(rid)

        built: list[str] = []
        failed: dict[str, str] = {}
        seconds: dict[str, float] = {}
        format_seconds: dict[str, dict[str, float]] = {}
        index_path = out_dir / INDEX_HTML
        overview: list[ProgrammeOverview | None] = []

        def save_index() -> Path:
            if not overview:  # once per build, for every rewrite of the index
                overview.append(early.result() if early is not None else plan.overview())
            path = _save_index(out_dir, manifest, entries, overview[0], heading=plan.kind.title,
                               period=_followup_period(plan.bundle) if not plan.research else None)
            state.index = plan.index_key(entries)
            return path

        def save_state() -> None:
            try:
                state.save(out_dir)
            except OSError as exc:  # the record only saves time: the next build redoes more
                log.warning("could not write the build record in %s: %s", out_dir, exc.strerror or exc)

        def done(region_id: str, outcome: dict[str, float] | BaseException, elapsed: float) -> None:
            nonlocal index_path
            name = manifest.name(region_id)
            if isinstance(outcome, BaseException):
                failed[region_id] = _failure_reason(outcome)
                previous = entries.get(region_id)
                has_previous = (out_dir / region_id / REPORT_HTML).is_file()
                entries[region_id] = RegionEntry(
                    region_id, name, "stale" if has_previous else "failed",
                    built_at=previous.built_at if (previous and has_previous) else None,
                    error=failed[region_id],
                    formats=previous.formats if (previous and has_previous) else (),
                )
                state.forget(region_id)
                if progress:
                    bar.write("casekit build: " + tr(f"{region_id} 生成失败：{failed[region_id]}",
                                                     f"{region_id} failed: {failed[region_id]}"), file=sys.stderr)
            else:
                built.append(region_id)
                format_seconds[region_id] = outcome or {}
                # index.json is a build log: it may say when; index.html shows it only for
                # reports that are out of date, so a fresh build's page is byte-identical.
                entries[region_id] = RegionEntry(
                    region_id, name, "ok", built_at=datetime.now().strftime("%Y-%m-%d %H:%M"), formats=formats,
                )
                state.regions[region_id] = {"key": keys[region_id], "common": plan.common, "quick": plan.quick,
                                            "formats": list(formats)}
            index_path = save_index()
            save_state()
            seconds[region_id] = elapsed
            bar.update(1)

        size = 0
        backend = "none"
        starts = 0
        early = None
        with ExitStack() as stack:
            bar = stack.enter_context(_progress(todo, enabled=progress))
            if todo:  # the index's programme view is drawn up while the first regions render
                from concurrent.futures import ThreadPoolExecutor

                side = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="casekit-overview"))
                plan.shared()  # the findings it reuses, first
                early = side.submit(plan.overview)
            if todo:
                if scheduler is not None or workers is not None:
                    from casekit.reports.distributed import DaskRenderer

                    backend = "dask"
                    renderer = stack.enter_context(DaskRenderer(scheduler=scheduler, workers=workers))
                    size = renderer.size
                    renderer.warm_up(plan.kernel_dir, plan.cache, values.get("bundle_path"))
                    plan.shared()  # into the cache the workers read, before any region starts
                    renderer.run(
                        todo, notebook=notebook, cwd=plan.kernel_dir, values=values, titles=titles, formats=formats,
                        cache_dir=plan.cache, out_dir=out_dir, force=force, done=done,
                        document=plan.kind.document,
                    )
                else:
                    assert pool is not None
                    backend = "kernels"
                    size = min(len(pool.kernels), len(todo)) if reuse_kernel else 1
                    starts = _run_kernels(todo, size, notebook, values, titles, formats, out_dir, pool, executor,
                                          force=force, done=done, bar=bar, document=plan.kind.document)
            if not index_path.is_file() or state.index != plan.index_key(entries):
                index_path = save_index()
            state.requests[plan.request] = {"quick": plan.quick, "regions": list(region_ids),
                                            "font": plan.font_path, "index": state.index}
            if failed:  # a failed region is not current: the quick path must not say "nothing to do"
                state.requests.pop(plan.request, None)
            save_state()
        order = {rid: i for i, rid in enumerate(region_ids)}
        return BuildResult(
            built=sorted(built, key=order.__getitem__),
            failed={rid: failed[rid] for rid in sorted(failed, key=order.__getitem__)},
            index_path=index_path,
            out_dir=out_dir,
            stale=[rid for rid in sorted(failed, key=order.__getitem__) if entries[rid].status == "stale"],
            seconds=seconds,
            kernel_starts=starts,
            formats=formats,
            format_seconds=format_seconds,
            skipped=skipped,
            workers=size,
            backend=backend,
        )


def _run_kernels(
    todo: list[str],
    size: int,
    notebook: Path,
    values: dict[str, Any],
    titles: Mapping[str, str],
    formats: tuple[str, ...],
    out_dir: Path,
    pool: _KernelPool,
    executor: Any,
    *,
    force: bool,
    done: Callable[[str, Any, float], None],
    bar: Any,
    document: str = REPORT_KINDS["research"].document,
) -> int:
    """Build ``todo`` in the pool's warm kernels, ``size`` at a time; ``done`` is called in this
    thread as each region ends.

    Returns the kernel processes started.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    def one(region_id: str) -> tuple[dict[str, float] | BaseException, float]:
        start = time.perf_counter()
        try:
            outcome: dict[str, float] | BaseException = pool.run(lambda kernel: _build_region(
                notebook, {**values, "region": region_id}, titles[region_id], out_dir / region_id, kernel,
                formats=formats, force=force, document=document,
            ) or {})
        except Exception as exc:  # noqa: BLE001 - any failure of one region's report is
            # recorded for that region (named in BuildResult.failed) and the others go on.
            outcome = exc
        return outcome, time.perf_counter() - start

    if size == 1:  # in this thread: the plain loop, Ctrl-C reaches the notebook at once
        for region_id in todo:
            bar.set_postfix_str(region_id)
            outcome, elapsed = one(region_id)
            done(region_id, outcome, elapsed)
        return pool.starts
    pending: dict[Any, str] = {}
    try:
        pending = {executor.submit(one, rid): rid for rid in todo}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: todo.index(pending[f])):
                region_id = pending.pop(future)
                outcome, elapsed = future.result()
                done(region_id, outcome, elapsed)
    except BaseException:
        for future in pending:
            future.cancel()
        pool.shutdown()  # the running notebooks end at once (their kernels are gone)
        for future, region_id in pending.items():  # published before the interrupt: list them too
            if future.done() and not future.cancelled() and future.exception() is None:
                outcome, elapsed = future.result()
                if not isinstance(outcome, BaseException):
                    done(region_id, outcome, elapsed)
        raise
    return pool.starts


def _progress(region_ids: list[str], *, enabled: bool) -> tqdm:
    from tqdm import tqdm

    return tqdm(
        total=len(region_ids),
        desc=tr("生成报告", "casekit build"),
        unit=tr("个地区", "region"),
        file=sys.stderr,
        disable=not enabled or os.environ.get("CASEKIT_NO_PROGRESS") == "1",
        dynamic_ncols=True,
    )
