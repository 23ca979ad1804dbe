"""Engagement-wide results: computed once per build, cached on disk by content hash, read by
every region's report.

A region's report compares the region with all the others, so much of what it shows is the
same for every region: the findings (every claimed strength or weakness, with its tests), the
account-manager types, their mix by region and their weekly time, all regions' 360° review, the
link of skills and behaviours with sales results, and, per top-level region, what its notes
dwell on against the other regions' (themes, words, excerpts). Computing them once per region
would cost most of a build; :func:`shared_results` computes them once and keeps them:

* in the process (a dict), so a reused report kernel pays once per build;
* on disk, when a cache folder is in use (:func:`use_cache`; ``casekit build`` uses
  ``<out>/<bundle>/.cache``), keyed by a SHA-256 of exactly what they read
  (:mod:`casekit.reports.fingerprint`): :class:`EngagementAnalysis` by every bundle file but
  the notes, :class:`EngagementNotes` by every bundle file; both by casekit's code
  (:func:`~casekit.reports.fingerprint.code_version`) and the smallest cell size. Editing an
  interview note recomputes the notes part only; a changed survey answer recomputes both.

Recomputing the notes part after one note changed recomputes every region's themes and words
(they compare a region with all the others, so any note can move them), but a region's excerpts
only when something they are chosen from changed: each view keeps a SHA-256 of what
:func:`~casekit.reports.region_report.region_quotes` reads for it (:attr:`NotesView.quotes_basis`:
its themes, its segments and their codes, its notes' details, the manifest, the catalogue, the
code frame, casekit's code), and a view whose digest is that of the newest cached view of the
region takes that view's excerpts.

The cache holds pickles, and loading a pickle can run code: an entry is loaded only when it
carries a valid HMAC-SHA256 signature made with this user's secret key (:func:`cache_secret`:
``CASEKIT_CACHE_KEY``, or a random key created once in ``~/.config/casekit/cache.key``, readable
by this user only). A file someone else put into a shared reports folder, or a damaged one, is
treated as absent and recomputed. A cache entry is written atomically (a reader sees the old
entry, the new one, or none) and only the newest entry of each kind and bundle is kept.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from casekit.domain import MIN_CELL_SIZE
from casekit.privacy.disclosure import is_suppressed
from casekit.reports.fingerprint import bundle_files, code_version, digest, without_followup, without_notes
from casekit.text.signed_files import cache_secret, signed, unsigned, write_atomically

if TYPE_CHECKING:  # pragma: no cover
    from casekit.analysis import NotesAnalysis, SegmentReport
    from casekit.analysis.findings import Findings
    from casekit.analysis.reviews_360 import ReviewBasis
    from casekit.curriculum import Outline
    from casekit.intake import Bundle

__all__ = [
    "CACHE_DIR",
    "EngagementAnalysis",
    "EngagementNotes",
    "NotesView",
    "ResultCache",
    "active_cache",
    "analysis_key",
    "cache_secret",
    "engagement_analysis",
    "engagement_notes",
    "notes_view",
    "notes_key",
    "shared_results",
    "use_cache",
]

log = logging.getLogger(__name__)

#: The cache folder of a build, inside ``<out>/<bundle>``.
CACHE_DIR = ".cache"
_ANALYSIS = "analysis"
_NOTES = "notes"


@dataclass(frozen=True)
class EngagementAnalysis:
    """What every region's report reads of the survey, the 360° review and the ride-alongs.

    Attributes
    ----------
    min_n : int
        Smallest cell size the results were computed with.
    findings : Findings
        :func:`casekit.analysis.engagement_findings` of the bundle.
    segments : SegmentReport or None
        The account-manager types (:func:`casekit.reports.region_report.segment_types`).
    segments_message : str
        Their Chinese summary, or why there are none.
    segment_mix : pandas.DataFrame
        :func:`casekit.analysis.segment_mix` by top-level region (raw counts; computing only).
    time_by_segment : pandas.DataFrame
        The weekly time by account-manager type, all regions (empty without clear types or
        ride-alongs).
    reviews_all : pandas.DataFrame
        :func:`casekit.analysis.review_summary` of all regions.
    review_basis : casekit.analysis.reviews_360.ReviewBasis
        The bundle-wide part of every region's 360° summary, computed once.
    linkage : pandas.DataFrame or None
        :func:`casekit.reports.region_report.performance_links`.
    linkage_message : str
        Why ``linkage`` is None, else empty.
    """

    min_n: int
    findings: Findings
    segments: SegmentReport | None
    segments_message: str
    segment_mix: pd.DataFrame
    time_by_segment: pd.DataFrame
    reviews_all: pd.DataFrame
    review_basis: ReviewBasis
    linkage: pd.DataFrame | None
    linkage_message: str


@dataclass(frozen=True)
class NotesView:
    """What the notes section of a top-level region's report shows (its cities show the same).

    Attributes
    ----------
    region_id : str
        The top-level region.
    count, interviewees : int
        :func:`casekit.reports.region_report.notes_base` (computing only).
    themes, keywords, quotes : pandas.DataFrame
        :func:`~casekit.reports.region_report.region_themes`,
        :func:`~casekit.reports.region_report.region_keywords` and
        :func:`~casekit.reports.region_report.region_quotes`; empty when the region's notes
        come from fewer than ``min_n`` interviewees.
    quotes_basis : str
        SHA-256 of everything ``quotes`` was chosen from (empty for a view with counts only): an
        equal digest gives equal excerpts (:func:`notes_view`'s ``previous``).
    analysis : NotesAnalysis or None
        The notes analysis the view was computed from, for reuse while computing; never cached.
    """

    region_id: str
    count: int
    interviewees: int
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    keywords: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes_basis: str = field(default="", repr=False)
    analysis: NotesAnalysis | None = field(default=None, repr=False, compare=False)

    def without_analysis(self) -> NotesView:
        """The view without the notes analysis it was computed from (what is cached: the analysis
        holds the whole bundle and does not pickle)."""
        return replace(self, analysis=None)


@dataclass(frozen=True)
class EngagementNotes:
    """The notes views of every top-level region (:class:`NotesView`), computed together."""

    min_n: int
    views: dict[str, NotesView]

    def view(self, region_id: str) -> NotesView:
        """The view of a top-level region (empty for one without notes)."""
        return self.views.get(region_id) or NotesView(region_id, 0, 0)


def engagement_analysis(
    bundle: Bundle,
    *,
    min_n: int = MIN_CELL_SIZE,
    outlines: dict[str, Outline] | None = None,
    findings: Findings | None = None,
    segments: SegmentReport | None = None,
) -> EngagementAnalysis:
    """Compute :class:`EngagementAnalysis` (no cache).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    min_n : int
        Smallest cell size shown.
    outlines : mapping, optional
        Seed outlines (:func:`casekit.curriculum.load_outlines`), when already read.
    findings : Findings, optional
        :func:`casekit.analysis.engagement_findings` of the bundle, when already computed.
    segments : SegmentReport, optional
        The account-manager types, when already fitted.

    Returns
    -------
    EngagementAnalysis
    """
    from casekit.analysis import engagement_findings, review_summary, segment_mix, time_allocation
    from casekit.analysis.reviews_360 import review_basis
    from casekit.reports.region_report import performance_links, segment_labels, segment_types

    if segments is None:
        segments, message = segment_types(bundle, outlines=outlines)
    else:
        message = segments.message
    labels = segment_labels(segments)
    linkage, linkage_message = performance_links(bundle)
    has_visits = not bundle.ride_alongs.empty
    basis = review_basis(bundle)
    return EngagementAnalysis(
        min_n=min_n,
        findings=findings if findings is not None else engagement_findings(bundle, min_n=min_n),
        segments=segments,
        segments_message=message,
        segment_mix=(segment_mix(segments, bundle.manifest, by="top_region", min_n=min_n)
                     if segments is not None else pd.DataFrame()),
        time_by_segment=(time_allocation(bundle, by="segment", segments=labels, min_n=min_n)
                         if labels is not None and has_visits else pd.DataFrame()),
        reviews_all=review_summary(bundle, None, min_managers=min_n, basis=basis),
        review_basis=basis,
        linkage=linkage,
        linkage_message=linkage_message,
    )


def engagement_notes(
    bundle: Bundle, *, min_n: int = MIN_CELL_SIZE, analysis: NotesAnalysis | None = None,
    previous: EngagementNotes | None = None,
) -> EngagementNotes:
    """Compute :class:`EngagementNotes` (no cache): the notes view of every top-level region.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    min_n : int
        Below this many interviewees a region's view has counts only.
    analysis : NotesAnalysis, optional
        :func:`casekit.analysis.analyse_notes` of the bundle, when already computed; else
        computed here when any region has enough interviewees.
    previous : EngagementNotes, optional
        The views computed before (the cache's newest entry): a region whose excerpts would be
        chosen from the same things takes them from there (:func:`notes_view`).

    Returns
    -------
    EngagementNotes
    """
    before = previous.views if isinstance(previous, EngagementNotes) and previous.min_n == min_n else {}
    views: dict[str, NotesView] = {}
    for region_id in bundle.manifest.top_level_ids():
        views[region_id] = notes_view(bundle, region_id, min_n=min_n, analysis=analysis,
                                      previous=before.get(region_id))
        analysis = views[region_id].analysis or analysis  # analysed once, for every region
    return EngagementNotes(min_n=min_n, views={rid: v.without_analysis() for rid, v in views.items()})


def notes_view(
    bundle: Bundle, region_id: str, *, min_n: int = MIN_CELL_SIZE, analysis: NotesAnalysis | None = None,
    previous: NotesView | None = None,
) -> NotesView:
    """What the notes section of a top-level region's report shows (:class:`NotesView`).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A top-level region id.
    min_n : int
        Below this many interviewees the view has counts only.
    analysis : NotesAnalysis, optional
        :func:`casekit.analysis.analyse_notes` of the bundle, when already computed; else computed
        here when the region has enough interviewees (and kept on the view's ``analysis``).
    previous : NotesView, optional
        The region's view computed before: its excerpts are taken when its ``quotes_basis`` is
        this view's (the same themes, segments, codes, notes, manifest, catalogue, code frame
        and code), instead of being chosen again.

    Returns
    -------
    NotesView
    """
    from casekit.reports.region_report import notes_base, region_keywords, region_quotes, region_themes

    count, people = notes_base(bundle, region_id)
    if is_suppressed(people, min_n):
        return NotesView(region_id, count, people)
    if analysis is None:
        from casekit.analysis import analyse_notes

        analysis = analyse_notes(bundle)
    themes = region_themes(analysis, region_id)
    basis = _quotes_basis(analysis, region_id, themes)
    if previous is not None and previous.quotes_basis == basis:
        quotes = previous.quotes.copy()
    else:
        quotes = region_quotes(analysis, region_id, themes)
    return NotesView(
        region_id, count, people, themes=themes, keywords=region_keywords(analysis, region_id),
        quotes=quotes, quotes_basis=basis, analysis=analysis,
    )


def _quotes_basis(analysis: NotesAnalysis, region_id: str, themes: pd.DataFrame) -> str:
    """SHA-256 of everything :func:`~casekit.reports.region_report.region_quotes` reads for a
    top-level region: casekit's code, the themes (codes, labels, groups, in order), the region's
    segments (those :func:`~casekit.analysis.quotes.find_quotes` keeps for it) and their codes,
    the region's notes but their text (who and how many may be quoted and credited), the
    manifest (regions, cities scrubbed), the catalogue and the code frame."""
    bundle = analysis.bundle
    segments = analysis.segments
    wanted = {r.lower() for r in bundle.manifest.descendants(region_id)}
    mine = pd.Series(False, index=segments.index)
    for column in ("region_id", "top_region_id"):
        if column in segments.columns:
            mine |= segments[column].astype(str).str.lower().isin(wanted)
    segments = segments.loc[mine]
    coded = analysis.coded
    coded = coded.loc[coded["segment_id"].isin(segments["segment_id"])] if "segment_id" in coded.columns else coded
    notes = bundle.notes
    if notes is not None and not notes.empty:
        notes = notes.loc[notes["top_region_id"] == region_id].drop(columns=["text"], errors="ignore")
    shown = themes[[c for c in ("code", "label", "code_group") if c in themes.columns]]
    frame = bundle.code_frame
    codes = [(c.id, c.label, c.group) for c in frame.codes] if frame is not None else None
    tables = (shown, segments, coded, notes, bundle.manifest.regions, bundle.catalogue)
    return digest("quotes", code_version(), region_id, codes, _redaction_inputs(bundle.path),
                  *(_table_text(t) for t in tables))


def _redaction_inputs(root: Path | str) -> list[tuple[str, str]]:
    """Name and SHA-256 of every file of the bundle's ``_private/`` folder (the roster and the
    pseudonyms the excerpts are redacted with): a name added to the roster chooses the excerpts
    anew, so it is never shown from an excerpt redacted without it."""
    import hashlib

    folder = Path(root) / "_private"
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError:
        return []
    out = []
    for path in files:
        try:
            out.append((path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            out.append((path.relative_to(folder).as_posix(), "unreadable"))
    return out


def _table_text(table: pd.DataFrame | None) -> list[Any]:
    """A table as its columns, dtypes and CSV text (what :func:`_quotes_basis` hashes)."""
    if table is None:
        return ["none"]
    return [list(map(str, table.columns)), list(map(str, table.dtypes)),
            table.to_csv(index=False, lineterminator="\n")]


# -- keys and the cache ------------------------------------------------------------------------
def analysis_key(files: dict[str, str], min_n: int) -> str:
    """Cache key of :class:`EngagementAnalysis`: casekit's code, ``min_n`` and every bundle
    file but the notes and the follow-up (:func:`~casekit.reports.fingerprint.bundle_files`)."""
    return digest(_ANALYSIS, code_version(), min_n, without_notes(without_followup(files)))


def notes_key(files: dict[str, str], min_n: int) -> str:
    """Cache key of :class:`EngagementNotes`: casekit's code, ``min_n`` and every bundle file but
    the follow-up."""
    return digest(_NOTES, code_version(), min_n, without_followup(files))


class ResultCache:
    """Pickled results in a folder, one file per kind and key (``<kind>-<key>.pkl``).

    Parameters
    ----------
    folder : path-like
        Created on the first write.
    writable : bool
        False: :meth:`put` does nothing (the report kernels only read what the build wrote).

    Notes
    -----
    An entry is unpickled only when its signature (:func:`cache_secret`) is valid: a pickle runs
    code when loaded, so an entry someone else could have put into a shared folder is treated as
    absent.
    """

    def __init__(self, folder: Path | str, *, writable: bool = True) -> None:
        self.folder = Path(folder)
        self.writable = writable

    def path(self, kind: str, key: str) -> Path:
        """Where the entry of ``kind`` and ``key`` lives (``kind`` may not contain ``*``)."""
        return self.folder / f"{kind}-{key[:32]}.pkl"

    def latest(self, kind: str) -> Any | None:
        """The entry of ``kind`` written last, whatever its key: None when there is none (or
        none is readable)."""
        try:
            paths = sorted(self.folder.glob(f"{kind}-*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        except OSError:  # a folder not there, or an entry removed meanwhile
            return None
        for path in paths:
            entry = self.read(path)
            if entry is not None:
                return entry[1]
        return None

    def get(self, kind: str, key: str) -> Any | None:
        """The cached value, or None when absent or unreadable (a damaged entry is recomputed)."""
        entry = self.read(self.path(kind, key))
        if entry is None:
            return None
        stored_key, value = entry
        return value if stored_key == key else None

    def read(self, path: Path) -> tuple[str, Any] | None:
        """The (key, value) of the entry file ``path``; None when absent, unsigned or unreadable."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("ignoring the unreadable cache entry %s: %s", path, exc.strerror or exc)
            return None
        payload = unsigned(data)
        if payload is None:
            # never unpickled: a pickle runs code, and this one casekit did not write for this user
            log.warning("ignoring the unreadable cache entry %s: not signed by this user's casekit", path)
            return None
        try:
            stored_key, value = pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001 - signed but unreadable (another casekit version)
            log.warning("ignoring the unreadable cache entry %s: %s", path, exc)
            return None
        return stored_key, value

    def put(self, kind: str, key: str, value: Any) -> None:
        """Write an entry atomically and remove the older entries of ``kind``.

        A failure to write (read-only or full disk) is logged: the cache only saves time.
        """
        if not self.writable:
            return
        path = self.path(kind, key)
        try:
            payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(path, signed(payload), prefix=f".{kind}-")
            for old in self.folder.glob(f"{kind}-*.pkl"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not write the cache entry %s: %s", path, exc.strerror or exc)


_active: ResultCache | None = None
_memo: dict[tuple[str, str], Any] = {}


def use_cache(folder: Path | str | None) -> None:
    """Read engagement-wide results from ``folder`` from now on in this process (None: none).

    ``casekit build`` calls it in every report kernel, so that the kernels read what the build
    computed once (they never write there: a result missing from the folder is computed in
    memory).
    """
    global _active
    _active = ResultCache(folder, writable=False) if folder is not None else None


def active_cache() -> ResultCache | None:
    """The cache folder in use in this process (:func:`use_cache`), if any."""
    return _active


def _cached(kind: str, key: str, compute: Any, cache: ResultCache | None) -> Any:
    memo_key = (kind, key)
    if memo_key in _memo:
        if cache is not None and cache.writable and cache.get(kind, key) is None:
            cache.put(kind, key, _memo[memo_key])  # deleted or damaged since: the kernels read it
        return _memo[memo_key]
    value = cache.get(kind, key) if cache is not None else None
    if value is None:
        value = compute()
        if cache is not None:
            cache.put(kind, key, value)
    for old in [k for k in _memo if k[0] == kind]:  # the newest results of each bundle
        del _memo[old]
    _memo[memo_key] = value
    return value


#: Cache kind of the bundle the build hands its report kernels (:func:`hand_bundle`).
_BUNDLE = "bundle"


def hand_bundle(cache: ResultCache, bundle: Bundle, stamp: tuple[object, ...]) -> None:
    """Put the bundle the build loaded (and validated) where its report kernels read it
    (:func:`take_bundle`), keyed by the files' :func:`~casekit.bundle_tree.tree_stamp`.

    Parameters
    ----------
    cache : ResultCache
        The build's cache folder.
    bundle : casekit.intake.Bundle
        The loaded bundle.
    stamp : tuple
        :func:`~casekit.bundle_tree.tree_stamp` of the bundle's folder, taken before it was read.
    """
    cache.put(f"{_BUNDLE}-{_scope(bundle.path)}", digest(_BUNDLE, stamp), (stamp, bundle))


def drop_bundle(cache: ResultCache, bundle_path: Path | str) -> None:
    """Remove the bundle :func:`hand_bundle` left in the cache: the build ends, its kernels are
    done with it, and the next build hands over its own (a copy of all the client's research
    data should not outlive the build that needed it)."""
    for path in cache.folder.glob(f"{_BUNDLE}-{_scope(bundle_path)}-*.pkl"):
        path.unlink(missing_ok=True)


def take_bundle(cache_dir: Path | str, bundle_path: Path | str) -> bool:
    """In a report kernel: remember the bundle the build handed over (:func:`hand_bundle`), if
    none of its files changed since, so that the notebooks' :func:`~casekit.intake.load_bundle`
    finds it without reading the files (:func:`casekit.intake.bundle.remember_bundle`).

    Returns
    -------
    bool
        True if the handed bundle is now remembered; False if there is none or it is out of date
        (the files are then read as usual).
    """
    from casekit.bundle_tree import tree_stamp
    from casekit.intake.bundle import is_remembered, remember_bundle

    if is_remembered(bundle_path):  # e.g. the kernel's next region, nothing changed
        return True
    stamp = tree_stamp(bundle_path)
    handed = ResultCache(cache_dir, writable=False).get(f"{_BUNDLE}-{_scope(bundle_path)}", digest(_BUNDLE, stamp))
    if handed is None:
        return False
    bundle = handed[1]
    # as the kernel would have read it: its folder as the notebooks name it
    return remember_bundle(replace(bundle, path=Path(bundle_path).expanduser()), handed[0])


def _scope(bundle_path: Path | str) -> str:
    """A short tag of a bundle's folder: each bundle keeps its own newest cache entries."""
    return digest(str(Path(bundle_path).resolve()))[:8]


def shared_results(
    bundle: Bundle,
    *,
    min_n: int = MIN_CELL_SIZE,
    cache: ResultCache | None = None,
    files: dict[str, str] | None = None,
    outlines: dict[str, Outline] | None = None,
) -> tuple[EngagementAnalysis, EngagementNotes]:
    """The engagement-wide results of ``bundle``: from memory, the cache, or computed (once).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle (its files are fingerprinted from ``bundle.path``).
    min_n : int
        Smallest cell size shown.
    cache : ResultCache, optional
        Default: the folder of :func:`use_cache`, if any.
    files : dict, optional
        :func:`~casekit.reports.fingerprint.bundle_files` of the bundle, when already computed.
    outlines : mapping, optional
        Seed outlines, when already read.

    Returns
    -------
    (EngagementAnalysis, EngagementNotes)
    """
    cache = cache if cache is not None else _active
    files = files if files is not None else bundle_files(bundle.path)
    scope = _scope(bundle.path)
    analysis = _cached(f"{_ANALYSIS}-{scope}", analysis_key(files, min_n),
                       lambda: engagement_analysis(bundle, min_n=min_n, outlines=outlines), cache)
    kind = f"{_NOTES}-{scope}"
    notes = _cached(kind, notes_key(files, min_n),
                    lambda: engagement_notes(bundle, min_n=min_n, previous=_latest(kind, cache)), cache)
    return analysis, notes


def _latest(kind: str, cache: ResultCache | None) -> Any | None:
    """The newest result of ``kind`` known, whatever its key: in this process, else in the cache
    folder (None when there is none)."""
    for (known, _), value in _memo.items():
        if known == kind:
            return value
    return cache.latest(kind) if cache is not None else None
