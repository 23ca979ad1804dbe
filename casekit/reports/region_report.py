"""What one region's report shows, computed in the library so the report notebook only narrates.

:func:`region_report` resolves the region, compares it with the other regions, and gathers per
population the weakest dimensions and the tailored course outline; then the region's gaps to the
competency model, the account-manager types (fitted on the whole bundle) and the region's mix of
them, how account managers spend their time and what they do on a visit (ride-alongs), the
sales managers' 360° review, what the interview and ride-along notes of the region dwell on
(themes, distinctive words and redacted excerpts), and which skills and behaviours go together
with sales results.
The notebook (``notebooks/5.0-region-report.ipynb``) calls it once and displays the parts with
the client-facing tables of :mod:`casekit.reports.tables` and the charts of
:mod:`casekit.reports.charts`.

The tables kept here come from the analysis functions, which already hide the numbers of groups
below ``min_n`` people (3 raters in the 360° review). Two things are for computing only and are
never displayed as they are: the segment assignments inside
:class:`~casekit.analysis.SegmentReport` (they name staff codes), the raw counts of
:attr:`RegionReport.segment_mix` (the client table,
:func:`casekit.reports.tables.segment_mix_table`, hides the small ones) and the exact counts of
:attr:`RegionReport.notes_themes` (:func:`casekit.reports.tables.theme_table` shows 1–4 as
``<5``). The note excerpts (:attr:`RegionReport.notes_quotes`) are redacted
(:func:`casekit.analysis.analyse_notes`) and then scrubbed of what a client may not read next to
a quote: staff codes and city names (:func:`scrub_quote`); the interviewee field is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from casekit.domain import MIN_CELL_SIZE, POPULATIONS
from casekit.exceptions import AnalysisError
from casekit.privacy.disclosure import (
    MIN_INTERVIEWEES,
    UNQUOTED_METHOD,
    is_suppressed,
    quotable_populations,
    quoted_interviewees,
)
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns, validate_output

if TYPE_CHECKING:  # pragma: no cover
    from casekit.analysis import NotesAnalysis, SegmentReport, VisitProfile
    from casekit.analysis.findings import Findings
    from casekit.curriculum import CourseDesign, Outline
    from casekit.intake import Bundle, Manifest
    from casekit.reports.engagement import EngagementAnalysis, NotesView

__all__ = [
    "ALL_REGIONS",
    "BROAD_CODE_GROUP",
    "CITY_PLACEHOLDER",
    "NOTE_KEYWORDS",
    "NOTE_QUOTES",
    "NOTE_QUOTE_COLUMNS",
    "NOTE_QUOTE_SCHEMA",
    "NOTE_THEMES",
    "STAFF_CODE_PLACEHOLDER",
    "VOICE_CONSULTANT",
    "VOICE_INTERVIEWEE",
    "VOICE_RECORD",
    "RegionReport",
    "finding_intervals",
    "notes_base",
    "performance_links",
    "populations_present",
    "region_keywords",
    "region_quotes",
    "region_report",
    "region_themes",
    "region_time_use",
    "region_visit_profile",
    "scrub_quote",
    "segment_labels",
    "segment_types",
    "superiors_view",
]

#: How the report names the comparison group of every region (``group_name`` of the
#: all-regions rows of the ride-along tables).
ALL_REGIONS = "全部地区"
#: Seed of the account-manager segmentation (the same bundle gives the same types every build).
SEGMENT_SEED = 2008


def populations_present(comparison: pd.DataFrame) -> list[str]:
    """Return the populations that have rows in ``comparison``, in :data:`~casekit.domain.POPULATIONS` order.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for one region (column ``population``).

    Returns
    -------
    list of str
        Population ids.
    """
    present = set(comparison["population"])
    return [p for p in POPULATIONS if p in present]


def finding_intervals(gaps: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    """``gaps`` with each gap's interval replaced by its finding's (adjusted for the number of comparisons).

    The report shows one interval per gap: the one :func:`casekit.analysis.engagement_findings`
    decides with. A row without a matching ``vs_required`` finding of the same group (a city,
    or a group of another size) keeps its own 95% interval.

    Parameters
    ----------
    gaps : pandas.DataFrame
        :func:`casekit.analysis.region_gaps` of one region.
    findings : Findings
        The engagement's findings.

    Returns
    -------
    pandas.DataFrame
        A copy of ``gaps``.
    """
    table = findings.table
    rows = table.loc[table["kind"] == "vs_required"]
    intervals = {key: (n, hidden, low, high) for key, n, hidden, low, high in zip(
        zip(rows["region"], rows["population"], rows["dimension"]),
        rows["n"], rows["hidden"], rows["ci_low"], rows["ci_high"])}
    out = gaps.copy()
    low, high = out["ci_low"].to_numpy(copy=True), out["ci_high"].to_numpy(copy=True)
    keys = zip(out["region_id"], out["population"], out["dimension"])
    for i, (key, n) in enumerate(zip(keys, out["n"])):
        match = intervals.get(key)
        if match is not None and int(match[0]) == int(n) and not bool(match[1]):
            low[i], high[i] = float(match[2]), float(match[3])
    out["ci_low"], out["ci_high"] = low, high
    return out


def _level(bundle: Bundle, region_id: str) -> str:
    """``"city"`` for a city of the manifest, else ``"top_region"`` (grouping of the ride-along tables)."""
    return "city" if bundle.manifest.top_of(region_id) != region_id else "top_region"


def segment_types(
    bundle: Bundle, *, random_state: int = SEGMENT_SEED, outlines: Mapping[str, Outline] | None = None
) -> tuple[SegmentReport | None, str]:
    """Fit the account-manager types on the whole bundle (every region).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    random_state : int, default 2008
        Seed of the segmentation, so every build finds the same types.
    outlines : mapping of str to Outline, optional
        Seed outlines per population (the account managers' names the types' training emphasis);
        default :func:`casekit.curriculum.load_outlines`.

    Returns
    -------
    (SegmentReport or None, str)
        The segmentation and its Chinese summary (``SegmentReport.message``; when not
        ``clear``, why there are no types). ``None`` and the reason when the bundle has too
        little data to segment at all (e.g. no account manager).
    """
    from casekit.analysis import segment_account_managers
    from casekit.curriculum import load_outlines

    if outlines is None:
        outlines = load_outlines()
    try:
        report = segment_account_managers(bundle, random_state=random_state,
                                          outline=outlines["account_manager"])
    except (AnalysisError, ValueError):  # too few account managers for a clusterer
        # (the exception's own text is the analyst's, never shown to the client)
        return None, "客户经理的数据不足，无法分析客户经理类型。"
    return report, report.message


def segment_labels(report: SegmentReport | None) -> pd.Series | None:
    """Each account manager's type as the report names it (``第1类“…”``), for grouping.

    Parameters
    ----------
    report : SegmentReport or None
        A segmentation (:func:`segment_types`).

    Returns
    -------
    pandas.Series or None
        Index: respondent ids; values: a categorical in persona order. ``None`` when there are
        no clear types. For computing only: the index holds staff codes.
    """
    if report is None or not report.clear:
        return None
    from casekit.analysis.segments import SEGMENT_ASSIGNMENT_SCHEMA

    names = {p.segment: f"第{p.segment}类“{p.name}”" for p in report.personas}
    validate_output(report.assignments, SEGMENT_ASSIGNMENT_SCHEMA, reads=("respondent_id", "segment"),
                    by="segment_labels")
    assignments = report.assignments.set_index("respondent_id")["segment"]
    labels = assignments.map(lambda s: names.get(int(s)) if pd.notna(s) else None)
    return pd.Series(pd.Categorical(labels, categories=list(names.values())),
                     index=assignments.index, name="segment")


#: Columns of the ride-along tables that name a group or an item rather than hold a number.
_IDENTITY = frozenset({"group", "group_name", "stage", "step", "stage_label", "behaviour",
                       "behaviour_label", "outcome", "outcome_label", "suppressed", "note"})
_NO_VISITS = "本地区没有工作随访记录"


def _region_rows(own: pd.DataFrame, every: pd.DataFrame, region_id: str, region_name: str) -> pd.DataFrame:
    """The rows of ``region_id`` in a ride-along table ``own``.

    A region without any observed visit has no rows there; it gets the shape of the
    all-regions rows ``every`` (one row per item) with every number missing, ``n_people`` 0,
    ``suppressed`` and a note, so the report still shows the region's column.
    """
    rows = own.loc[own["group"] == region_id]
    if not rows.empty:
        return rows
    rows = every.copy()
    for column in rows.columns:
        if column not in _IDENTITY:
            dtype = rows[column].dtype
            if dtype.kind in "iub":  # numpy integers hold no missing value
                dtype = pd.Int64Dtype()
            missing = pd.NA if isinstance(dtype, pd.api.extensions.ExtensionDtype) else float("nan")
            rows[column] = pd.Series(missing, index=rows.index, dtype=dtype)
    return rows.assign(group=region_id, group_name=region_name, n_people=0, suppressed=True,
                       note=_NO_VISITS)


def _all_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(group_name=ALL_REGIONS)


def region_time_use(
    bundle: Bundle, region_id: str, *, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """The region's time allocation next to all regions' (:func:`casekit.analysis.time_allocation`).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A manifest region id (a city is looked up among the cities, with their complementary
        suppression).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest distinct account managers observed for a group's numbers to be shown.

    Returns
    -------
    pandas.DataFrame
        Two rows of :func:`~casekit.analysis.time_allocation`: the region (suppressed, with a
        note, when too few were observed or none), then all regions (``group`` ``"all"``,
        ``group_name`` :data:`ALL_REGIONS`). Empty when the bundle has no ride-along.
    """
    from casekit.analysis import time_allocation

    every = time_allocation(bundle, by="all", min_n=min_n)
    if every.empty:
        return every
    own = time_allocation(bundle, by=_level(bundle, region_id), min_n=min_n, groups=[region_id])
    mine = _region_rows(own, every, region_id, bundle.manifest.name(region_id))
    return pd.concat([mine, _all_rows(every)], ignore_index=True)


def region_visit_profile(
    bundle: Bundle, region_id: str, *, min_n: int = MIN_CELL_SIZE
) -> VisitProfile:
    """What happens on the region's observed visits, next to all regions (:func:`casekit.analysis.visit_profile`).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A manifest region id.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest distinct account managers observed for a group's numbers to be shown.

    Returns
    -------
    VisitProfile
        Each table holds the region's rows (suppressed when too few were observed, or none),
        then all regions' (``group`` ``"all"``, ``group_name`` :data:`ALL_REGIONS`).
    """
    from casekit.analysis import VisitProfile, visit_profile

    name = bundle.manifest.name(region_id)
    own = visit_profile(bundle, by=_level(bundle, region_id), min_n=min_n, groups=[region_id])
    every = visit_profile(bundle, by="all", min_n=min_n)
    parts: dict[str, pd.DataFrame] = {}
    for part in ("questions", "funnel", "behaviours", "outcomes"):
        everyone = getattr(every, part)
        mine = _region_rows(getattr(own, part), everyone, region_id, name)
        parts[part] = pd.concat([mine, _all_rows(everyone)], ignore_index=True)
    return VisitProfile(**parts)


def performance_links(bundle: Bundle) -> tuple[pd.DataFrame | None, str]:
    """How account managers' skills and behaviours go together with sales results, all regions.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.

    Returns
    -------
    (pandas.DataFrame or None, str)
        :func:`casekit.analysis.performance_linkage` of
        :func:`casekit.analysis.account_manager_features`, and an empty message; or ``None``
        and one Chinese sentence saying why there is no analysis (no sales result in the
        codebook, no account manager).
    """
    from casekit.analysis import account_manager_features, performance_linkage

    too_little = "客户经理的数据不足，无法分析能力、行为与业绩的关系。"
    try:
        features = account_manager_features(bundle)
    except AnalysisError:
        return None, too_little
    people = features.people
    if "performance" not in people.columns or not people["performance"].notna().any():
        return None, "本次调研问卷没有收集业绩数据（如业绩完成率），因此无法分析能力、行为与业绩的关系。"
    try:
        return performance_linkage(features), ""
    except AnalysisError:
        return None, too_little


# -- interview and ride-along notes ------------------------------------------------------------

#: Most themes, distinctive words and excerpts the notes section shows.
NOTE_THEMES = 5
NOTE_KEYWORDS = 10
NOTE_QUOTES = 8
#: Shortest excerpt (characters, ``……`` not counted) worth quoting: shorter segments are
#: headings (``随访：〔企业F〕地产售楼处``) or lead-ins, quoted only when nothing longer is left.
_MIN_QUOTE_CHARS = 15
#: A staff code or interviewee code (``AM034``, ``SE010``, ``B07``): one to three Latin letters
#: and at least two digits, not inside a longer word or number.
_STAFF_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,3}\d{2,}(?![0-9])")
#: What a staff code and a city name become in an excerpt.
STAFF_CODE_PLACEHOLDER = "〔工号〕"
CITY_PLACEHOLDER = "〔地市〕"
#: The code group quoted last (:func:`region_quotes`): the research dimensions, broad topics.
BROAD_CODE_GROUP = "dimension"
#: Suffixes a city's name may carry in the notes (``保定市``) or in the manifest.
_CITY_SUFFIXES = ("地区", "市")


def _city_names(manifest: Manifest) -> list[str]:
    """Every city name of the manifest, with and without its suffix, longest first."""
    regions = manifest.regions
    names: set[str] = set()
    for name in regions.loc[regions["level"] != "top", "name"]:
        name = str(name).strip()
        if not name:
            continue
        names.add(name)
        for suffix in _CITY_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.add(name[: -len(suffix)])
    return sorted(names, key=lambda n: (-len(n), n))


def _city_pattern(manifest: Manifest) -> re.Pattern[str] | None:
    names = _city_names(manifest)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    suffixes = "|".join(_CITY_SUFFIXES)
    return re.compile(f"(?:{alternatives})(?:{suffixes})?")


def scrub_quote(text: str, manifest: Manifest) -> str:
    """Remove from a (redacted) excerpt what a client may not read: staff codes and city names.

    Redaction (:mod:`casekit.intake.redaction`) replaces customers' names, companies and phone
    numbers, but keeps staff codes and place names, which consultants need. Next to a quote
    in a client report, a staff code names the interviewee and a city narrows it down to a
    few people, so both are replaced: a code by :data:`STAFF_CODE_PLACEHOLDER`, a city of the
    manifest (with or without ``市``) by :data:`CITY_PLACEHOLDER`. Top-level region names stay.

    Parameters
    ----------
    text : str
        A redacted excerpt.
    manifest : casekit.intake.Manifest
        The bundle's manifest (its cities).

    Returns
    -------
    str
        The excerpt, scrubbed.

    Notes
    -----
    ``"客户经理AM034说：我们唐山的客户……"`` becomes ``"客户经理〔工号〕说：我们〔地市〕的客户……"``.
    """
    return _scrubber(manifest)(text)


def _scrubber(manifest: Manifest) -> Callable[[object], str]:
    """:func:`scrub_quote` with the manifest's city pattern built once (for many excerpts)."""
    pattern = _city_pattern(manifest)

    def scrub(text: object) -> str:
        scrubbed = _STAFF_CODE.sub(STAFF_CODE_PLACEHOLDER, str(text))
        return pattern.sub(CITY_PLACEHOLDER, scrubbed) if pattern is not None else scrubbed

    return scrub


def notes_base(bundle: Bundle, region_id: str) -> tuple[int, int]:
    """Notes and distinct interviewees of a top-level region (its cities included).

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        A top-level region id.

    Returns
    -------
    (int, int)
        Number of notes and of distinct interviewees; a note without an interviewee counts as
        a person of its own. For computing only: show them with
        :func:`casekit.formatting.count_label`.
    """
    notes = bundle.notes
    if notes is None or notes.empty:
        return 0, 0
    mine = notes.loc[notes["top_region_id"] == region_id]
    people = mine["interviewee"] if "interviewee" in mine.columns else pd.Series(dtype=object)
    named = people.dropna().astype(str).str.strip()
    named = named[named != ""]
    return len(mine), int(named.nunique()) + int(len(mine) - len(named))


def region_themes(analysis: NotesAnalysis, region_id: str, *, k: int = NOTE_THEMES) -> pd.DataFrame:
    """The codes a top-level region's notes raise more often than the other regions'.

    Parameters
    ----------
    analysis : casekit.analysis.NotesAnalysis
        The bundle's coded, redacted notes (:func:`casekit.analysis.analyse_notes`).
    region_id : str
        A top-level region id.
    k : int, default :data:`NOTE_THEMES`
        Themes at most.

    Returns
    -------
    pandas.DataFrame
        The region's rows of :meth:`~casekit.analysis.NotesAnalysis.themes` with ``z > 0``,
        most distinctive first (``code``, ``label``, ``code_group``, ``n_notes``,
        ``n_interviewees``, ``z`` …), plus ``group_label`` (the code group's Chinese label).
        Exact counts: show them with :func:`casekit.reports.tables.theme_table`.
    """
    themes = analysis.themes(by="top_region_id")
    mine = themes.loc[(themes["top_region_id"] == region_id) & (themes["z"] > 0)]
    mine = mine.sort_values("z", ascending=False, kind="stable").head(k).reset_index(drop=True)
    groups = analysis.bundle.code_frame.groups
    return mine.assign(group_label=[str(groups.get(g, g)) for g in mine["code_group"]])


def region_keywords(analysis: NotesAnalysis, region_id: str, *, k: int = NOTE_KEYWORDS) -> pd.DataFrame:
    """The words a top-level region's interviewees use more often than the other regions'.

    Parameters
    ----------
    analysis : casekit.analysis.NotesAnalysis
        The bundle's coded, redacted notes.
    region_id : str
        A top-level region id.
    k : int, default :data:`NOTE_KEYWORDS`
        Words at most.

    Returns
    -------
    pandas.DataFrame
        The region's rows of :meth:`~casekit.analysis.NotesAnalysis.keywords` with ``z > 0``
        (each word used in at least two notes by at least two interviewees of the region),
        most distinctive first, without words holding a staff code or a city name.
    """
    words = analysis.keywords(by="top_region_id")
    mine = words.loc[(words["top_region_id"] == region_id) & (words["z"] > 0)]
    scrub = _scrubber(analysis.bundle.manifest)
    mine = mine.loc[[scrub(str(w)) == str(w) for w in mine["word"]]]  # no staff code, no city
    return mine.sort_values("z", ascending=False, kind="stable").head(k).reset_index(drop=True)


#: The table of :func:`region_quotes`: the theme, then the provenance a client may see (as in
#: :data:`casekit.analysis.quotes.QUOTE_SCHEMA`) and the quote.
NOTE_QUOTE_SCHEMA = OutputSchema(
    "report quotes", "casekit.reports.region_report.region_quotes", (
        *columns("str", "code", "label", "segment_id", "note_id", "population"),
        # blank where too few of the population's interviewees were met that way / that month
        Col("method", "str", nullable=True), Col("date", "datetime", nullable=True),
        Col("voice"), Col("quote"),
    ), consumers=("RegionReport.notes_quotes", "reports.tables", "the region report"))
#: Columns of :func:`region_quotes` (from its schema).
NOTE_QUOTE_COLUMNS: tuple[str, ...] = NOTE_QUOTE_SCHEMA.names


#: How the consultants' memos to themselves start (``顾问备注：…可改编为案例``): quoted only when
#: nothing else is left.
_MEMO_STARTS = ("顾问备注", "备注")


def _memo(quote: str) -> bool:
    return quote.lstrip("…").strip().startswith(_MEMO_STARTS)


#: Whose words an excerpt is (:func:`region_quotes`' ``voice``): the interviewee's answer in a
#: question-and-answer note, the consultants' own marked comment, or the record as written.
VOICE_INTERVIEWEE = "interviewee"
VOICE_CONSULTANT = "consultant"
VOICE_RECORD = "record"
#: How a consultant's own comment is marked at the start of a paragraph (``备注：``,
#: ``顾问点评：``); an unmarked paragraph (``我们追问…``) is the record, not labelled as anyone's.
_CONSULTANT_MARKS = ("备注", "顾问备注", "顾问点评", "顾问意见", "顾问", "点评", "评注")


def _voice(kind: object, text: object) -> str:
    """Whose words a segment is: only what the note itself marks (an answer, a marked comment)."""
    if kind == "answer":
        return VOICE_INTERVIEWEE
    start = str(text or "").lstrip()
    if kind == "paragraph" and any(start.startswith(m) and start[len(m):len(m) + 1] in ("：", ":")
                                   for m in _CONSULTANT_MARKS):
        return VOICE_CONSULTANT
    return VOICE_RECORD


def _credit_detail(notes: pd.DataFrame, region_id: str, min_n: int) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """Which (population, method) and (population, method or ``""``, month) an excerpt's credit
    line may name: those with at least ``min_n`` distinct quotable interviewees in the region, so
    that the credit line never narrows a quotable population down to fewer people."""
    months = notes.assign(_month=[pd.Timestamp(d).strftime("%Y-%m") if not pd.isna(d) else ""
                                  for d in notes["date"]], _any="")
    by_method = quoted_interviewees(months, region_id, ("population", "method"))
    methods = {(str(p), str(m)) for (p, m), n in by_method.items() if not is_suppressed(int(n), min_n)}
    shown: set[tuple[str, str, str]] = set()
    for key in ("method", "_any"):
        by_month = quoted_interviewees(months, region_id, ("population", key, "_month"))
        shown |= {(str(p), str(m), str(t)) for (p, m, t), n in by_month.items()
                  if t and not is_suppressed(int(n), min_n)}
    return methods, shown


def _substantial(quote: str) -> bool:
    """Whether an excerpt reads as a quote: long enough, not a lead-in ending with a colon,
    not a row of a table (``事项 | 大约时间 …``)."""
    body = quote.replace("……", "").strip()
    return len(body) >= _MIN_QUOTE_CHARS and not body.endswith(("：", ":")) and "|" not in body


def region_quotes(
    analysis: NotesAnalysis, region_id: str, themes: pd.DataFrame, *, total: int = NOTE_QUOTES,
    min_n: int = MIN_INTERVIEWEES,
) -> pd.DataFrame:
    """Two or three redacted excerpts of a top-level region's notes for each of its top themes.

    Excerpts come from :meth:`~casekit.analysis.NotesAnalysis.quotes` (redacted segments,
    trimmed around the keyword that fired), never from an interviewer's question; a segment is
    quoted once, under the first theme it serves; within a theme, different notes first (notes
    not quoted yet before those already quoted), and the consultants' memos (``顾问备注``),
    headings, lead-ins or table rows only when nothing else is left. Three per theme when that fits in ``total``, else two, themes in order
    until ``total`` excerpts (a theme is not started with one place left) — the specific themes
    first, the broad research dimensions (:data:`BROAD_CODE_GROUP`) last.

    Parameters
    ----------
    analysis : casekit.analysis.NotesAnalysis
        The bundle's coded, redacted notes.
    region_id : str
        A top-level region id.
    themes : pandas.DataFrame
        :func:`region_themes` of the region (``code``, ``label``, ``code_group``), most
        distinctive first.
    total : int, default :data:`NOTE_QUOTES`
        Excerpts at most.
    min_n : int, default :data:`MIN_INTERVIEWEES`
        Fewest distinct interviewees of a population (and of the method and month a credit
        line names) in the region.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NOTE_QUOTE_COLUMNS`: the theme (``code``, ``label``), the provenance a client
        may see (``segment_id``, ``note_id``, ``population``, ``method``, ``date``), ``voice``
        (:data:`VOICE_INTERVIEWEE` for an answer in a question-and-answer note,
        :data:`VOICE_CONSULTANT` for a paragraph the note marks as a comment, ``备注：``,
        :data:`VOICE_RECORD` otherwise) and ``quote``, scrubbed by :func:`scrub_quote`. No
        interviewee, no city. Only populations with at least ``min_n`` distinct interviewees
        in the region's quotable notes
        (:func:`casekit.privacy.disclosure.quotable_populations`: 360° interviews neither quoted
        nor counted); ``method`` is blank when fewer than ``min_n`` of the population's
        interviewees were met that way, ``date`` blank when fewer than ``min_n`` in that month,
        so that the credit line never names a smaller group than the population.
    """
    if themes.empty or total < 1:
        return pd.DataFrame(columns=list(NOTE_QUOTE_COLUMNS))
    per_theme = 3 if 3 * len(themes) <= total else 2
    # the broad research-dimension codes (产品, 沟通 …) are quoted after the specific ones
    # (weaknesses, success and failure factors, funnel steps), which their excerpts often repeat
    broad = themes["code_group"] == BROAD_CODE_GROUP if "code_group" in themes.columns else False
    themes = themes.assign(_broad=broad).sort_values("_broad", kind="stable")
    segments = analysis.segments.set_index("segment_id")
    kinds, texts = segments["kind"], segments["text"]
    scrub = _scrubber(analysis.bundle.manifest)
    quotable = quotable_populations(analysis.bundle.notes, region_id, min_n=min_n)
    named_methods, named_months = _credit_detail(analysis.bundle.notes, region_id, min_n)
    used: set[str] = set()
    rows: list[dict[str, object]] = []
    for code, label in zip(themes["code"], themes["label"]):
        if len(rows) >= total:
            break
        found = analysis.quotes(code=code, region=region_id)
        found = found.loc[[kinds.get(s) != "question" and s not in used for s in found["segment_id"]]]
        # never a 360° interview (a manager has one superior: the rater is known), never a
        # population the region interviewed fewer than MIN_INTERVIEWEES of (the speaker is known)
        found = found.loc[(found["method"] != UNQUOTED_METHOD) & found["population"].isin(quotable)]
        found = found.assign(quote=[scrub(q) for q in found["quote"]])
        if rows and total - len(rows) < 2:  # no theme starts with a single excerpt
            break
        quoted = {str(r["note_id"]) for r in rows}
        good = pd.Series([_substantial(q) for q in found["quote"]], index=found.index)
        nth = found.loc[good].groupby("note_id").cumcount().reindex(found.index)
        # substantial excerpts first, the consultants' memos to themselves after the rest;
        # of notes not quoted yet, one per note, then a note's second excerpt …; headings and
        # lead-ins last. Ties keep segment order.
        order = found.assign(
            _short=~good,
            _memo=[_memo(q) for q in found["quote"]],
            _nth=nth.fillna(0).astype(int),
            _quoted=[str(n) in quoted for n in found["note_id"]],
        ).sort_values(["_short", "_memo", "_nth", "_quoted"], kind="stable")
        for _, row in order.head(min(per_theme, total - len(rows))).iterrows():
            segment = str(row["segment_id"])
            used.add(segment)
            population = str(row["population"])
            method = str(row["method"]) if (population, str(row["method"])) in named_methods else None
            month = "" if pd.isna(row["date"]) else pd.Timestamp(row["date"]).strftime("%Y-%m")
            date = row["date"] if (population, method or "", month) in named_months else pd.NaT
            rows.append({"code": code, "label": label, "segment_id": segment, "note_id": row["note_id"],
                         "population": population, "method": method, "date": date,
                         "voice": _voice(kinds.get(segment), texts.get(segment)), "quote": row["quote"]})
    return pd.DataFrame(rows, columns=list(NOTE_QUOTE_COLUMNS))


@dataclass(frozen=True)
class RegionReport:
    """Everything one region's report shows.

    Attributes
    ----------
    bundle : casekit.intake.Bundle
        The research bundle.
    region_id : str
        The region's id.
    region_name : str
        Its Chinese name.
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for the region.
    populations : list of str
        Populations with rows in ``comparison`` (:func:`populations_present`).
    findings : Findings or None
        :func:`casekit.analysis.engagement_findings` of the whole bundle: every sentence of the
        report about a strength or weakness, and every course-design decision, cites one.
    findings_region : str
        The region whose findings the report shows: the region itself, or the province of a
        city (findings compare top-level regions).
    designs : dict of str to CourseDesign
        :func:`casekit.reports.course.course_designs`: the designed course of every audience.
    min_n : int
        Smallest cell size shown.
    gaps : pandas.DataFrame
        :func:`casekit.analysis.region_gaps`: every population × dimension of the region against
        the competency model, with the other regions' gap.
    segments : SegmentReport or None
        The account-manager types, fitted on the whole bundle (:func:`segment_types`); ``None``
        when there was too little data to try.
    segments_message : str
        Chinese summary of the segmentation, or why there are no types.
    segment_mix : pandas.DataFrame
        :func:`casekit.analysis.segment_mix` by top-level region (every region: the client
        table needs them all to hide small counts consistently). Raw counts, for computing only.
    mix_region_id : str
        The region whose mix the report shows: the region itself, or the province of a city
        (types are not broken down by city, where the groups are too small).
    time_use : pandas.DataFrame
        :func:`region_time_use`: the region's and all regions' time allocation.
    time_sentences : list of str
        :func:`casekit.analysis.time_use_sentences` of ``time_use``.
    time_by_segment : pandas.DataFrame
        :func:`casekit.analysis.time_allocation` by account-manager type, all regions (empty
        without clear types).
    visits : VisitProfile or None
        :func:`region_visit_profile`; ``None`` when the bundle has no ride-along.
    reviews : pandas.DataFrame
        :func:`casekit.analysis.review_summary` of the region's sales managers (never
        per manager).
    reviews_all : pandas.DataFrame
        The same for all regions, the comparison.
    reviews_superiors : pandas.DataFrame
        The superiors' view (上级的看法): the ``superior`` rows of ``reviews`` then of
        ``reviews_all`` (``region_id`` the region, or ``"all"`` for the programme-level view),
        with the columns of :func:`casekit.analysis.review_summary`. A row is shown when at
        least 3 superiors' ratings of at least ``min_n`` managers are behind it; otherwise it
        has no mean and its ``note`` says that the superiors' ratings were merged into the
        other raters'. Empty without a 360° review.
    linkage : pandas.DataFrame or None
        :func:`performance_links`, all regions; ``None`` without a sales result.
    linkage_message : str
        Why ``linkage`` is ``None`` (one Chinese sentence), else empty.
    notes_region_id : str
        The region whose interview and ride-along notes the report shows: the region itself,
        or the province of a city (notes are not broken down by city).
    notes_count : int
        Notes of ``notes_region_id`` (:func:`notes_base`). For computing only.
    notes_interviewees : int
        Their distinct interviewees. For computing only: below ``min_n`` the section shows
        one sentence and no theme, word or excerpt (:attr:`notes_shown`).
    notes_themes : pandas.DataFrame
        :func:`region_themes` (exact counts: show with
        :func:`casekit.reports.tables.theme_table`); empty when not :attr:`notes_shown`.
    notes_keywords : pandas.DataFrame
        :func:`region_keywords`; empty when not :attr:`notes_shown`.
    notes_quotes : pandas.DataFrame
        :func:`region_quotes`: redacted, scrubbed excerpts with the provenance a client may
        see; empty when not :attr:`notes_shown`.
    """

    bundle: Bundle
    region_id: str
    region_name: str
    comparison: pd.DataFrame
    populations: list[str]
    findings: Findings | None = None
    findings_region: str = ""
    designs: dict[str, CourseDesign] = field(default_factory=dict)
    min_n: int = MIN_CELL_SIZE
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: SegmentReport | None = None
    segments_message: str = ""
    segment_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    mix_region_id: str = ""
    time_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    time_sentences: list[str] = field(default_factory=list)
    time_by_segment: pd.DataFrame = field(default_factory=pd.DataFrame)
    visits: VisitProfile | None = None
    reviews: pd.DataFrame = field(default_factory=pd.DataFrame)
    reviews_all: pd.DataFrame = field(default_factory=pd.DataFrame)
    reviews_superiors: pd.DataFrame = field(default_factory=pd.DataFrame)
    linkage: pd.DataFrame | None = None
    linkage_message: str = ""
    notes_region_id: str = ""
    notes_count: int = 0
    notes_interviewees: int = 0
    notes_themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes_keywords: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes_quotes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def manifest(self) -> Manifest:
        """The bundle's manifest."""
        return self.bundle.manifest

    @property
    def notes_shown(self) -> bool:
        """Whether the notes section shows themes, words and excerpts (enough interviewees)."""
        return not is_suppressed(self.notes_interviewees, self.min_n)


def superiors_view(reviews: pd.DataFrame, reviews_all: pd.DataFrame) -> pd.DataFrame:
    """The superiors' view of a region's sales managers (上级的看法), the region's next to all regions'.

    Parameters
    ----------
    reviews, reviews_all : pandas.DataFrame
        :func:`casekit.analysis.review_summary` of the region and of all regions.

    Returns
    -------
    pandas.DataFrame
        Their ``superior`` rows, the region's first (``region_id``: the region, then
        ``"all"``); empty when neither has one.
    """
    parts = [t.loc[t["rater_group"] == "superior"] for t in (reviews, reviews_all)
             if not t.empty and "rater_group" in t.columns]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def region_report(
    bundle: Bundle,
    region: str,
    *,
    min_n: int = MIN_CELL_SIZE,
    segments: SegmentReport | None = None,
    notes: NotesAnalysis | None = None,
    findings: Findings | None = None,
    analysis: EngagementAnalysis | None = None,
    notes_view: NotesView | None = None,
) -> RegionReport:
    """Compute what the report of ``region`` shows.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded research bundle.
    region : str
        Region id or Chinese name (a province or a city).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Cells with fewer respondents show no score and are not used as evidence.
    segments : SegmentReport, optional
        The account-manager types of this bundle, when already fitted (e.g. by
        :func:`segment_types` for another region's report); default: fitted here.
    findings : Findings, optional
        :func:`casekit.analysis.engagement_findings` of the bundle, when already computed;
        default: computed here (about 0.1 s on the sample bundle).
    notes : NotesAnalysis, optional
        The bundle's coded, redacted interview notes, when already analysed; default:
        :func:`casekit.analysis.analyse_notes` here (only when the region's notes come from at
        least ``min_n`` interviewees).
    analysis : EngagementAnalysis, optional
        The engagement-wide results (:func:`casekit.reports.engagement.engagement_analysis`),
        when already computed: ``segments`` and ``findings`` are then taken from it.
    notes_view : NotesView, optional
        The notes view of the region's top-level region
        (:func:`casekit.reports.engagement.engagement_notes`), when already computed.

    Without any of ``segments``, ``findings``, ``notes``, ``analysis`` and ``notes_view``, and
    with a cache folder in use in this process (:func:`casekit.reports.engagement.use_cache`,
    as in the kernels of ``casekit build``), the engagement-wide results come from
    :func:`casekit.reports.engagement.shared_results`: computed once per build.

    Returns
    -------
    RegionReport

    Raises
    ------
    casekit.exceptions.RegionError
        If ``region`` is not in the manifest; the message lists the known ids.

    Notes
    -----
    The account-manager types are fitted on the whole bundle (about a second on the sample
    bundle) unless ``segments`` is given; the seed is fixed, so every region's report shows the
    same types. The interview notes are analysed for the whole bundle too (themes and words are
    the region's against the other regions'), about two seconds on the sample bundle.
    """
    from casekit.analysis import compare_region, region_gaps, review_summary, time_use_sentences
    from casekit.curriculum import load_outlines
    from casekit.reports.course import course_designs
    from casekit.reports.engagement import active_cache, engagement_analysis, shared_results
    from casekit.reports.engagement import notes_view as region_notes_view

    manifest = bundle.manifest
    region_id = manifest.require(region)
    outlines = load_outlines()  # read once: the types' training emphasis and the tailored outlines
    top = manifest.top_of(region_id)
    if (analysis is None and notes_view is None and segments is None and findings is None and notes is None
            and active_cache() is not None):
        analysis, every_view = shared_results(bundle, min_n=min_n, outlines=outlines)
        notes_view = every_view.view(top)
    if analysis is None:
        analysis = engagement_analysis(bundle, min_n=min_n, outlines=outlines, findings=findings,
                                       segments=segments)
    findings, segments = analysis.findings, analysis.segments
    comparison = compare_region(bundle, region_id, min_n=min_n)
    populations = populations_present(comparison)
    time_use = region_time_use(bundle, region_id, min_n=min_n)
    has_visits = not bundle.ride_alongs.empty
    notes_region_id = top
    if notes_view is None:
        notes_view = region_notes_view(bundle, notes_region_id, min_n=min_n, analysis=notes)
    reviews = review_summary(bundle, region_id, min_managers=min_n, basis=analysis.review_basis)
    reviews_all = analysis.reviews_all
    return RegionReport(
        bundle=bundle,
        region_id=region_id,
        region_name=manifest.name(region_id),
        comparison=comparison,
        populations=populations,
        findings=findings,
        findings_region=top,
        designs=course_designs(bundle, region_id, findings, outlines=outlines, segments=segments, min_n=min_n),
        min_n=min_n,
        gaps=finding_intervals(region_gaps(bundle, region_id, min_n=min_n), findings),
        segments=segments,
        segments_message=analysis.segments_message,
        segment_mix=analysis.segment_mix,
        mix_region_id=top,
        time_use=time_use,
        time_sentences=[s for i in range(len(time_use)) for s in time_use_sentences(time_use.iloc[[i]])],
        time_by_segment=analysis.time_by_segment,
        visits=region_visit_profile(bundle, region_id, min_n=min_n) if has_visits else None,
        reviews=reviews,
        reviews_all=reviews_all,
        reviews_superiors=superiors_view(reviews, reviews_all),
        linkage=analysis.linkage,
        linkage_message=analysis.linkage_message,
        notes_region_id=notes_region_id,
        notes_count=notes_view.count,
        notes_interviewees=notes_view.interviewees,
        notes_themes=notes_view.themes,
        notes_keywords=notes_view.keywords,
        notes_quotes=notes_view.quotes,
    )
