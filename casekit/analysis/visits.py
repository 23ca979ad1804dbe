"""Ride-alongs (工作随访): how account managers spend their time and what they do on a visit.

The seed's complaint about first-line sales managers is that they "do not know how their
account managers spend their working time" (对客户经理……每天的工作时间分配都不清楚). The
ride-along log answers it. Everything here reads ``bundle.ride_alongs`` (one row per observed
visit), ``bundle.manifest`` (region names and tree) and, for the estimated working week,
``bundle.respondents`` with the background questions the codebook marks
``role: weekly_visits`` / ``role: visit_time_share``.

Two tables, grouped by top-level region, city, segment (e.g. the account-manager types of a
segmentation) or all visits together:

* :func:`time_allocation` -- minutes on site and travelling per visit and, when the
  questionnaire asked for the weekly number of customer visits, an *estimated* working week
  (hours with customers, on the road, in the office) next to the share of time people *say*
  they spend visiting customers;
* :func:`visit_profile` -- what happens on a visit: the share of talking time spent asking
  questions, how far along the sales funnel the visit got, the behaviours seen, the outcome.

:func:`time_use_sentences` words the time table in Chinese for a report.

**Anonymity (every table).** A group is shown only if at least ``min_n`` distinct account
managers were observed in it. Groups below that are *suppressed*: the row stays (with the
number of people, which client-facing tables write as ``<5``) but every other number is
missing, and ``note`` says why in Chinese. So that a suppressed group cannot be recovered by
subtraction -- all visits minus the groups shown, or a province minus its cities shown -- the
people outside the shown groups must number 0 or at least ``min_n``: within each top-level
region for cities, and over all observed visits for every grouping; otherwise the smallest shown
group is hidden too (complementary suppression; on a tie the later group in display order).
Numbers computed on a subset of the people (the working-week estimate, the self-reported share)
obey the same two rules on that subset.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casekit import formatting
from casekit.analysis.intervals import check_confidence, t_interval, wilson_interval
from casekit.analysis.ordering import region_order
from casekit.domain import BEHAVIOURS, FUNNEL_STAGES, OUTCOMES
from casekit.exceptions import AnalysisError, RegionError
from casekit.language import quoted, tr
from casekit.privacy.disclosure import (
    MIN_OBSERVED,
    check_threshold,
    count_suppressed,
    is_small,
    is_suppressed,
    protect_rest,
)
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "ALL_GROUP",
    "ALL_GROUP_NAME",
    "BEHAVIOUR_COLUMNS",
    "BEHAVIOUR_SCHEMA",
    "FUNNEL_COLUMNS",
    "FUNNEL_SCHEMA",
    "GROUP_BY",
    "OUTCOME_COLUMNS",
    "OUTCOME_SCHEMA",
    "QUESTION_COLUMNS",
    "QUESTION_SCHEMA",
    "REPORTED_COLUMNS",
    "TIME_ALLOCATION_SCHEMA",
    "TIME_COLUMNS",
    "WEEK_COLUMNS",
    "VisitProfile",
    "rounded_week",
    "time_allocation",
    "time_use_sentences",
    "visit_profile",
]

#: Values of the ``by`` argument.
GROUP_BY: tuple[str, ...] = ("top_region", "city", "segment", "all")
#: ``group`` of the single group of ``by="all"``.
ALL_GROUP = "all"
#: Its Chinese name (``全体客户经理``).
ALL_GROUP_NAME = "全体"

#: The columns every grouped ride-along table starts with, and ends with.
_GROUP = (
    Col("group", description="region id, segment label or all"),
    Col("group_name"),
    Col("n_people", "int", description="account managers observed"),
    Col("n_visits", "int", nullable=True, description="empty when suppressed"),
)
_END = (Col("suppressed", "bool"), Col("note"))
_GROUP_COLUMNS: tuple[str, ...] = tuple(c.name for c in _GROUP)
_END_COLUMNS: tuple[str, ...] = tuple(c.name for c in _END)
_WEEK = (
    Col("n_estimated", "int", nullable=True),
    *columns("float", "weekly_visits", "hours_on_site", "hours_travel", "hours_office", "share_on_site",
             "share_travel", "share_office", nullable=True),
    Col("week_hours", "float", nullable=True, description="the working week the estimate assumes"),
    Col("n_capped", "int", nullable=True,
        description="people whose estimated field hours exceeded the week and were scaled down to it"),
)
_REPORTED = (
    Col("n_reported", "int", nullable=True),
    *columns("float", "visit_share_reported", "visit_share_observed", "visit_share_gap", nullable=True),
)

#: The table of :func:`time_allocation`; the weekly and self-reported columns are there only
#: when the codebook has the background question they need.
TIME_ALLOCATION_SCHEMA = OutputSchema(
    "time allocation", "casekit.analysis.time_allocation", (
        *_GROUP,
        *columns("float", "minutes_on_site", "minutes_travel", "on_site_share", nullable=True),
        *_WEEK,
        *_REPORTED,
        *_END,
    ), consumers=("reports.tables", "reports.charts", "reports.region_report", "cli ride-alongs", "notebooks"),
    optional=tuple(c.name for c in (*_WEEK, *_REPORTED)))
#: Columns of :func:`time_allocation` always present (``suppressed`` and ``note`` come last).
TIME_COLUMNS: tuple[str, ...] = TIME_ALLOCATION_SCHEMA.names[:7]
#: Columns added when the codebook has a ``weekly_visits`` background question.
WEEK_COLUMNS: tuple[str, ...] = tuple(c.name for c in _WEEK)
#: Columns added when the codebook has a ``visit_time_share`` background question.
REPORTED_COLUMNS: tuple[str, ...] = tuple(c.name for c in _REPORTED)
#: The table of :attr:`VisitProfile.questions`.
QUESTION_SCHEMA = OutputSchema(
    "visit questions", "casekit.analysis.visit_profile().questions", (
        *_GROUP,
        Col("mean", "float", nullable=True, description="share of talk that is questions"),
        *columns("float", "ci_low", "ci_high", nullable=True),
        *_END,
    ), consumers=("reports.tables", "cli ride-alongs", "notebooks"))
#: Columns of :attr:`VisitProfile.questions` (from its schema).
QUESTION_COLUMNS: tuple[str, ...] = QUESTION_SCHEMA.names
#: The table of :attr:`VisitProfile.funnel`.
FUNNEL_SCHEMA = OutputSchema(
    "visit funnel", "casekit.analysis.visit_profile().funnel", (
        *_GROUP,
        Col("stage"), Col("step", "int"), Col("stage_label"), Col("count", "int", nullable=True),
        *columns("float", "share", "share_reached", "mean_step", nullable=True),
        *_END,
    ), consumers=("reports.tables", "reports.charts", "cli ride-alongs", "notebooks"))
#: Columns of :attr:`VisitProfile.funnel` (from its schema).
FUNNEL_COLUMNS: tuple[str, ...] = FUNNEL_SCHEMA.names


def _rate_schema(item: str, table: str, consumers: tuple[str, ...]) -> OutputSchema:
    """The schema of a table of how often each ``item`` (behaviour, outcome) was seen."""
    return OutputSchema(
        f"visit {table}", f"casekit.analysis.visit_profile().{table}", (
            *_GROUP, *columns("str", item, f"{item}_label"), Col("count", "int", nullable=True),
            *columns("float", "rate", "ci_low", "ci_high", nullable=True), *_END,
        ), consumers=consumers)


#: The table of :attr:`VisitProfile.behaviours`.
BEHAVIOUR_SCHEMA = _rate_schema("behaviour", "behaviours", ("reports.tables", "cli ride-alongs", "notebooks"))
#: Columns of :attr:`VisitProfile.behaviours` (from its schema).
BEHAVIOUR_COLUMNS: tuple[str, ...] = BEHAVIOUR_SCHEMA.names
#: The table of :attr:`VisitProfile.outcomes`.
OUTCOME_SCHEMA = _rate_schema("outcome", "outcomes", ("reports.tables", "cli ride-alongs", "notebooks"))
#: Columns of :attr:`VisitProfile.outcomes` (from its schema).
OUTCOME_COLUMNS: tuple[str, ...] = OUTCOME_SCHEMA.names

_VISIT_COLUMNS = (
    "region_id",
    "top_region_id",
    "account_manager",
    "funnel_step",
    "minutes_on_site",
    "minutes_travel",
    "question_share",
    "behaviours",
    "outcome",
)

#: Visibility of a group: shown, too few people, hidden to protect another group.
_SHOWN, _SMALL, _COMPLEMENT = "", "small", "complement"


@dataclass(frozen=True)
class VisitProfile:
    """What happens on an observed visit, per group (long format: one row per group × thing).

    Every table starts with ``group``, ``group_name`` (Chinese), ``n_people`` (distinct account
    managers observed), ``n_visits`` and ends with ``suppressed`` and ``note`` (Chinese; why a
    row shows no numbers). Suppressed groups keep their rows with every number but
    ``n_people`` missing.

    Attributes
    ----------
    questions : DataFrame
        One row per group: ``mean`` share of talking time the account manager spent asking
        questions (each person's mean over their visits, then averaged over people) with the
        t-interval ``ci_low`` / ``ci_high`` over people (:data:`QUESTION_COLUMNS`).
    funnel : DataFrame
        One row per group × funnel stage (all eight, in funnel order): ``stage``, ``step``
        (1–8), ``stage_label``, ``count`` (visits whose furthest stage was this one),
        ``share`` (of the group's visits), ``share_reached`` (visits that got at least this
        far: the funnel) and ``mean_step`` (the group's mean furthest step, repeated on each
        row) (:data:`FUNNEL_COLUMNS`).
    behaviours : DataFrame
        One row per group × behaviour (all behaviours of :data:`casekit.domain.BEHAVIOURS`,
        zeros included): ``count`` (visits where it was seen; a visit counts once), ``rate``
        (``count / n_visits``) and its Wilson interval (:data:`BEHAVIOUR_COLUMNS`).
    outcomes : DataFrame
        One row per group × outcome (all of :data:`casekit.domain.OUTCOMES`): ``count``,
        ``rate`` and its Wilson interval (:data:`OUTCOME_COLUMNS`).
    """

    questions: pd.DataFrame
    funnel: pd.DataFrame
    behaviours: pd.DataFrame
    outcomes: pd.DataFrame


# --------------------------------------------------------------------------------------------
# grouping and suppression


@dataclass(frozen=True)
class _Groups:
    """Visits with their group, the groups in display order and their Chinese names."""

    visits: pd.DataFrame  # _VISIT_COLUMNS + "group" (missing: in no group) + "parent"
    order: list[Hashable]
    names: dict[Hashable, str]
    by: str


def _ride_alongs(bundle: Any) -> pd.DataFrame:
    visits = bundle.ride_alongs
    missing = [c for c in _VISIT_COLUMNS if c not in visits.columns]
    if missing:
        raise AnalysisError(tr(
            f"随访记录表（ride_alongs）缺少 {'、'.join(missing)} 列；至少应有 {'、'.join(_VISIT_COLUMNS)}",
            f"bundle.ride_alongs lacks the column(s) {', '.join(missing)}; "
            f"expected at least {', '.join(_VISIT_COLUMNS)}"
        ))
    return visits.loc[:, list(_VISIT_COLUMNS)].reset_index(drop=True)


def _region_name(manifest: Any, region_id: str) -> str:
    try:
        return str(manifest.name(region_id))
    except (RegionError, KeyError, LookupError):
        return str(region_id)




def _segment_order(segments: pd.Series) -> list[Hashable]:
    values = segments.dropna()
    if isinstance(segments.dtype, pd.CategoricalDtype):
        present = set(values)
        return [c for c in segments.cat.categories if c in present]
    distinct = list(dict.fromkeys(values))
    try:
        return sorted(distinct)
    except TypeError:
        return sorted(distinct, key=str)


def _groups(bundle: Any, by: str, segments: pd.Series | None) -> _Groups:
    if by not in GROUP_BY:
        raise AnalysisError(tr(f"by 应为 {'、'.join(GROUP_BY)} 之一，实际为 {by!r}",
                               f"by must be one of {', '.join(GROUP_BY)}; got {by!r}"))
    if by == "segment":
        if segments is None:
            raise AnalysisError(tr(
                "by='segment' 需要给出 segments：以客户经理的答卷编号为索引、值为其所属类型的 pandas Series",
                "by='segment' needs segments: a pandas Series indexed by the account managers' "
                "respondent ids, holding each one's segment label"
            ))
        if not isinstance(segments, pd.Series):
            raise AnalysisError(tr(
                f"segments 应为 pandas Series（答卷编号 → 类型），实际为 {type(segments).__name__}",
                f"segments must be a pandas Series (respondent id → segment), got "
                f"{type(segments).__name__}"
            ))
        if not segments.index.is_unique:
            dup = segments.index[segments.index.duplicated()][0]
            raise AnalysisError(tr(f"segments 中答卷编号{quoted(dup)}出现了不止一次",
                                   f"segments has respondent id {dup!r} more than once"))
    elif segments is not None:
        raise AnalysisError(tr(f"只有 by='segment' 时才用 segments（现在 by 为 {by!r}）",
                               f"segments is only used with by='segment' (by is {by!r})"))

    visits = _ride_alongs(bundle)
    manifest = bundle.manifest
    visits["parent"] = ALL_GROUP
    if by == "top_region":
        visits["group"] = visits["top_region_id"].astype(object)
        canonical: list[Hashable] = list(region_order(manifest, "top"))
    elif by == "city":
        visits["group"] = visits["region_id"].astype(object)
        visits["parent"] = visits["top_region_id"].astype(object)
        canonical = list(region_order(manifest, "city"))
    elif by == "segment":
        assert segments is not None
        visits["group"] = visits["account_manager"].map(segments).astype(object)
        canonical = _segment_order(segments)
    else:
        visits["group"] = ALL_GROUP
        canonical = [ALL_GROUP]
    present = set(visits["group"].dropna())
    order = [g for g in canonical if g in present]
    order += sorted((g for g in present if g not in set(order)), key=str)
    if by in ("top_region", "city"):
        regions = manifest.regions
        known = dict(zip(regions["region_id"], regions["name"].astype(str)))
        names = {g: known[g] if g in known else _region_name(manifest, str(g)) for g in order}
    elif by == "segment":
        names = {g: str(g) for g in order}
    else:
        names = {ALL_GROUP: ALL_GROUP_NAME}
    return _Groups(visits=visits, order=order, names=names, by=by)


def _visibility(
    visits: pd.DataFrame, order: Sequence[Hashable], by: str, min_n: int
) -> dict[Hashable, str]:
    """Decide which groups may be shown (see the module docstring).

    Parameters
    ----------
    visits : DataFrame
        ``account_manager``, ``group`` (missing: in no group) and ``parent``; only the people
        the statistic is computed on.
    order : sequence
        Display order of the groups (ties of the complementary rule hide the later one).
    by : str
        The grouping; cities are first checked within their top-level region.
    min_n : int
        Anonymity threshold (distinct people).

    Returns
    -------
    dict
        Group → :data:`_SHOWN`, :data:`_SMALL` or :data:`_COMPLEMENT` for every group of
        ``order`` (a group nobody of ``visits`` is in counts as small).
    """
    # (group, parent, person) of every visit: a few dozen, counted in Python
    rows = list(zip(visits["group"], visits["parent"], visits["account_manager"]))
    people: dict[Hashable, set[Hashable]] = {}
    for group, _, person in rows:
        if pd.notna(group):
            members = people.setdefault(group, set())
            if pd.notna(person):
                members.add(person)
    sizes = {group: len(members) for group, members in people.items()}
    status = {g: _SMALL if is_suppressed(sizes.get(g, 0), max(min_n, 1)) else _SHOWN for g in order}

    def settle(scope: list[tuple[Hashable, Hashable, Hashable]]) -> None:
        here = {group for group, _, _ in scope if pd.notna(group)}
        shown = [g for g in order if status[g] == _SHOWN and g in here]
        visits_of = [(group, person) for group, _, person in scope if pd.notna(person)]

        def rest(parts: list[Hashable]) -> int:
            outside = set(parts)
            return len({person for group, person in visits_of if group not in outside})

        kept = set(protect_rest(shown, sizes, rest, min_n))
        for group in shown:
            if group not in kept:
                status[group] = _COMPLEMENT

    if by == "city":
        provinces: dict[Hashable, list[tuple[Hashable, Hashable, Hashable]]] = {}
        for row in rows:
            if pd.notna(row[1]):
                provinces.setdefault(row[1], []).append(row)
        for scope in provinces.values():
            settle(scope)
    if by != "all":
        settle(rows)
    return status


def _suppression_note(
    status: str,
    min_n: int,
    who: str = "随访观察到的客户经理",
    consequence: str = "本组不单独显示",
) -> str:
    """Chinese note of a hidden group or statistic ("" when shown)."""
    if status == _SMALL:
        return f"{who}不足{min_n}人，{consequence}"
    if status == _COMPLEMENT:
        return f"为避免由合计推算出人数较少的组，{consequence}"
    return ""


def _wanted(order: Sequence[Hashable], groups: Collection[Hashable] | None) -> list[Hashable]:
    """The groups of ``order`` whose rows are asked for (all of them without ``groups``)."""
    if groups is None:
        return list(order)
    asked = set(groups)
    return [g for g in order if g in asked]


def _join(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def _capped_week(est: pd.DataFrame, week_hours: float) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Each person's estimated week: hours on site, travelling, in the office, and whether capped.

    ``est`` has one row per person with ``weekly`` (self-reported visits per week) and their mean
    ``minutes_on_site`` / ``minutes_travel`` per observed visit. Field hours above ``week_hours``
    are scaled down, keeping the split between site and road, so that every week adds up to
    ``week_hours``.
    """
    h_on = est["weekly"] * est["minutes_on_site"] / 60.0
    h_tr = est["weekly"] * est["minutes_travel"] / 60.0
    h_field = h_on + h_tr
    capped = h_field > week_hours
    scale = (week_hours / h_field.where(capped, week_hours)).where(capped, 1.0)
    h_on, h_tr = h_on * scale, h_tr * scale
    h_off = (week_hours - h_on - h_tr).clip(lower=0.0)
    return h_on, h_tr, h_off, capped


def _capped_note(n_capped: int, n_estimated: int, week_hours: float, min_n: int = MIN_OBSERVED) -> str:
    """The Chinese clause saying that some estimated weeks were capped at the working week.

    Parameters
    ----------
    n_capped : int
        People whose estimated field hours exceeded ``week_hours``.
    n_estimated : int
        People behind the estimate.
    week_hours : float
        The working week assumed.
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_OBSERVED`
        A count of 1 to ``min_n − 1`` people is written as "不足 ``min_n`` 人".

    Returns
    -------
    str
        E.g. ``其中5人按自报拜访次数推算的外出时间超过每周40小时，已按40小时计、不计办公室时间``
        (a count or its complement of 1 to ``min_n − 1`` people reads ``有部分人``);
        empty when nobody was capped.
    """
    if n_capped <= 0:
        return ""
    week = formatting.days(round(float(week_hours), 1))
    if n_capped >= n_estimated:
        return (f"按自报拜访次数推算，每个人的外出时间都超过每周{week}小时，"
                f"已按{week}小时计、不计办公室时间")
    if count_suppressed(n_estimated, n_capped, min_n) or is_small(n_estimated - n_capped, min_n):
        who = "有部分人"  # a count (or its complement) of 1 to min_n − 1 people is not written
    else:
        who = f"{n_capped}人"
    return (f"其中{who}按自报拜访次数推算的外出时间超过每周{week}小时，"
            f"已按{week}小时计、不计办公室时间")


# --------------------------------------------------------------------------------------------
# statistics


def _role_values(bundle: Any, role: str) -> pd.Series | None:
    """Respondent id → numeric answer of the background question with ``role`` (or None)."""
    codebook = getattr(bundle, "codebook", None)
    role_column = getattr(codebook, "role_column", None)
    column = role_column(role) if callable(role_column) else None
    respondents = bundle.respondents
    if column is None or column not in respondents.columns:
        return None
    values = pd.to_numeric(respondents[column], errors="coerce").astype("float64")
    values.index = respondents["respondent_id"].to_numpy()
    return values[~values.index.duplicated()]


def _as_fraction(shares: pd.Series) -> pd.Series:
    """Self-reported % of working time as a fraction (a column entered as 0–1 is kept)."""
    known = shares.dropna()
    if len(known) and known.max() <= 1.0:
        return shares
    return shares / 100.0


#: Columns of the tables here that hold text and keep the type pandas gives them.
_TEXT_COLUMNS = frozenset({"group_name", "stage", "stage_label", "behaviour", "behaviour_label",
                           "outcome", "outcome_label"})


def _frame(rows: list[dict[str, Any]], columns: Sequence[str], ints: Sequence[str]) -> pd.DataFrame:
    """The table of ``rows`` (dicts; a missing key is a missing value), each column of its type."""
    data: dict[str, Any] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        if column in ints:
            data[column] = pd.array(values, dtype="Int64")
        elif column == "n_people":
            data[column] = pd.Series(values, dtype="int64")
        elif column == "suppressed":
            data[column] = pd.Series(values, dtype="bool")
        elif column in ("group", "note"):
            data[column] = pd.Series(values, dtype=object)
        elif column in _TEXT_COLUMNS:
            data[column] = pd.Series(values, dtype=None if values else object)
        else:
            data[column] = pd.Series(values, dtype="float64")
    return pd.DataFrame(data, columns=list(columns))


# --------------------------------------------------------------------------------------------
# time allocation


def time_allocation(
    bundle: Any,
    by: str = "top_region",
    segments: pd.Series | None = None,
    week_hours: float = 40.0,
    min_n: int = MIN_OBSERVED,
    *,
    groups: Collection[Hashable] | None = None,
) -> pd.DataFrame:
    """How account managers' time splits between customers, the road and the office.

    **Observed (every bundle).** Per group, the mean minutes with the customer and travelling
    per observed visit (means over visits), and the share of field time (on site + travel)
    spent with the customer: ``sum(on site) / sum(on site + travel)`` over the group's visits,
    so it matches the two means shown.

    **Estimated working week (codebook with a ``weekly_visits`` question).** An *estimate*,
    computed per person and then averaged over the group's people: a person's hours on site per
    week are their self-reported visits per week × their own observed mean minutes on site per
    visit (in this group) / 60, likewise for travel; their office hours are ``week_hours``
    minus those field hours. **The estimate never exceeds the week:** a person whose field
    hours come to more than ``week_hours`` (self-reported visits × observed minutes) has both
    field hours scaled down so that they add up to ``week_hours``, with no office time;
    ``n_capped`` counts them and ``note`` says so. Every person's week therefore adds up to
    ``week_hours`` and so do the group's mean hours (``hours_on_site + hours_travel +
    hours_office == week_hours``); the shares are the hours divided by ``week_hours``. Only
    people both observed and with an answer count (``n_estimated``); ``weekly_visits`` is their
    mean self-reported visits per week and ``week_hours`` the week assumed -- the estimate's
    basis, which the report states. The estimate assumes an observed visit is typical of the
    person's visits; with one or two visits per person it is rough for a person but fair for a
    group.

    **Said versus observed (codebook with a ``visit_time_share`` question).** Per person with
    an answer (and, when the week is estimated, an estimate): the self-reported share of
    working time spent visiting customers (``visit_share_reported``, as a fraction; answers
    are taken as percentages unless every answer in the bundle is at most 1) next to the
    estimated share of the week spent on site or travelling (``visit_share_observed``: field
    time counts as visiting, which favours the self-report) and their difference
    ``visit_share_gap = reported - observed`` (positive: people say they visit more than the
    ride-alongs suggest). Means over the same ``n_reported`` people.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; ``ride_alongs``, ``manifest``, ``respondents`` and ``codebook`` are
        read.
    by : {"top_region", "city", "segment", "all"}, default "top_region"
        The grouping: top-level region, the region recorded for the visit (a city, or the
        top-level region when no city is known), the segment of ``segments``, or one group
        ``"all"`` (名称 ``全体``).
    segments : pandas.Series, optional
        Required for ``by="segment"`` (and refused otherwise): index = account managers'
        respondent ids, values = segment labels. Visits of people not in it (or with a missing
        label) belong to no group; they still count as "the rest" of the anonymity rule.
    week_hours : float, default 40.0
        Working hours of a week, for the estimate.
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_OBSERVED`
        Smallest number of distinct account managers whose numbers are shown (``0``: show
        everything, for the consultant's own look).
    groups : collection, optional
        Only the rows of these groups (e.g. one region's, for its report); which groups are
        shown is still decided on all of them. Default: every group.

    Returns
    -------
    pandas.DataFrame
        One row per group with at least one visit (of ``groups``, when given), in display order (manifest order for
        regions, category or sorted order for segments). Columns :data:`TIME_COLUMNS`
        (``group``, ``group_name`` in Chinese, ``n_people``, ``n_visits``,
        ``minutes_on_site``, ``minutes_travel``, ``on_site_share``), then
        :data:`WEEK_COLUMNS` when the codebook has ``weekly_visits`` (``n_estimated``, mean
        self-reported ``weekly_visits``, ``hours_on_site``, ``hours_travel``,
        ``hours_office``, ``share_on_site``, ``share_travel``, ``share_office``, the assumed
        ``week_hours`` and ``n_capped``, the people whose field hours were scaled down to the
        week), then
        :data:`REPORTED_COLUMNS` when it has ``visit_time_share`` (``n_reported``,
        ``visit_share_reported``, ``visit_share_observed``, ``visit_share_gap``), then
        ``suppressed`` and ``note``. A suppressed group (see the module docstring) shows only
        ``n_people``; estimate or self-report columns are missing, with a note, when their own
        subset of people is too small.

    Raises
    ------
    AnalysisError
        For an unknown ``by``, a missing or malformed ``segments``, ``week_hours`` not
        positive, or a negative ``min_n``.
    """
    min_n = check_threshold(min_n, "min_n")
    if isinstance(week_hours, bool) or not isinstance(week_hours, (int, float, np.number)) or not (
        math.isfinite(float(week_hours)) and float(week_hours) > 0
    ):
        raise AnalysisError(tr(f"week_hours 应为正的小时数，实际为 {week_hours!r}",
                               f"week_hours must be a positive number of hours, got {week_hours!r}"))
    week_hours = float(week_hours)
    grouping = _groups(bundle, by, segments)
    visits = grouping.visits
    weekly = _role_values(bundle, "weekly_visits")
    reported = _role_values(bundle, "visit_time_share")
    if reported is not None:
        reported = _as_fraction(reported)

    columns = list(TIME_COLUMNS)
    if weekly is not None:
        columns += WEEK_COLUMNS
    if reported is not None:
        columns += REPORTED_COLUMNS
    columns += _END_COLUMNS

    status = _visibility(visits, grouping.order, by, min_n)
    people = visits["account_manager"]
    week_status: dict[Hashable, str] = {}
    if weekly is not None:
        has_weekly = people.map(weekly).notna()
        week_status = _visibility(visits[has_weekly], grouping.order, by, min_n)
    report_status: dict[Hashable, str] = {}
    if reported is not None:
        has_both = people.map(reported).notna()
        if weekly is not None:
            has_both &= people.map(weekly).notna()
        report_status = _visibility(visits[has_both], grouping.order, by, min_n)

    rows: list[dict[str, Any]] = []
    for group in _wanted(grouping.order, groups):
        gv = visits.loc[visits["group"] == group]
        st = status[group]
        row: dict[str, Any] = {
            "group": group,
            "group_name": grouping.names[group],
            "n_people": int(gv["account_manager"].nunique()),
            "n_visits": None,
            "suppressed": st != _SHOWN,
            "note": _suppression_note(st, min_n),
        }
        if st != _SHOWN:
            rows.append(row)
            continue
        on = gv["minutes_on_site"].astype("float64")
        travel = gv["minutes_travel"].astype("float64")
        field = float(on.sum() + travel.sum())
        row.update(
            n_visits=len(gv),
            minutes_on_site=float(on.mean()),
            minutes_travel=float(travel.mean()),
            on_site_share=float(on.sum()) / field if field > 0 else math.nan,
        )
        person = gv.groupby("account_manager")[["minutes_on_site", "minutes_travel"]].mean()
        person = person.astype("float64")
        notes: list[str] = []
        if weekly is not None:
            est = person.assign(weekly=weekly.reindex(person.index).to_numpy()).dropna()
            h_on, h_tr, h_off, capped = _capped_week(est, week_hours)
            row["n_estimated"] = len(est)
            row["week_hours"] = week_hours
            if week_status[group] == _SHOWN:
                row.update(
                    weekly_visits=float(est["weekly"].mean()),
                    hours_on_site=float(h_on.mean()),
                    hours_travel=float(h_tr.mean()),
                    hours_office=float(h_off.mean()),
                    share_on_site=float((h_on / week_hours).mean()),
                    share_travel=float((h_tr / week_hours).mean()),
                    share_office=float((h_off / week_hours).mean()),
                    n_capped=int(capped.sum()),
                )
                if capped.any():
                    notes.append(_capped_note(int(capped.sum()), len(est), week_hours, min_n))
            else:
                notes.append(
                    _suppression_note(
                        week_status[group], min_n, "填写每周拜访次数的客户经理", "不估算工作周"
                    )
                )
        if reported is not None:
            rep = person.assign(reported=reported.reindex(person.index).to_numpy())
            if weekly is not None:
                rep["weekly"] = weekly.reindex(person.index).to_numpy()
                rep = rep.dropna()
                h_field = rep["weekly"] * (rep["minutes_on_site"] + rep["minutes_travel"]) / 60.0
                observed = h_field / np.maximum(h_field, week_hours)
            else:
                rep = rep.dropna()
                observed = pd.Series(math.nan, index=rep.index)
            row["n_reported"] = len(rep)
            if report_status[group] == _SHOWN:
                said = float(rep["reported"].mean())
                seen = float(observed.mean())
                row.update(
                    visit_share_reported=said,
                    visit_share_observed=seen,
                    visit_share_gap=said - seen if weekly is not None else math.nan,
                )
            else:
                notes.append(
                    _suppression_note(
                        report_status[group], min_n, "自报拜访时间占比的客户经理", "不显示自报时间占比"
                    )
                )
        row["note"] = _join(row["note"], *notes)
        rows.append(row)
    return _frame(rows, columns, ints=("n_visits", "n_estimated", "n_reported", "n_capped"))


def rounded_week(row: Any) -> tuple[float, float, float] | None:
    """The estimated week of a :func:`time_allocation` row as shown: hours rounded to 0.1.

    The hours on site and travelling are rounded so that their sum is the rounded field time,
    and the office hours are the rest of the week: the three numbers shown always add up to the
    week the estimate assumed (``week_hours``), never to 40.1 or 41.8.

    Parameters
    ----------
    row : Mapping or pandas.Series
        A row of :func:`time_allocation` with :data:`WEEK_COLUMNS`.

    Returns
    -------
    tuple of float or None
        (on site, travelling, office) in hours with one decimal; None when the row has no
        estimate.
    """
    try:
        on, travel = float(row["hours_on_site"]), float(row["hours_travel"])
        week = float(row["week_hours"]) if "week_hours" in row and pd.notna(row["week_hours"]) else math.nan
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(on) and math.isfinite(travel)):
        return None
    if not math.isfinite(week):  # an older table without the week: the office hours as computed
        office = float(row["hours_office"]) if pd.notna(row.get("hours_office")) else 0.0
        week = on + travel + office
    week = round(week, 1)
    field = min(round(on + travel, 1), week)
    shown_on = min(round(on, 1), field)
    shown_travel = round(field - shown_on, 1)
    return shown_on, shown_travel, round(week - field, 1)


def _minutes(value: float) -> str:
    return f"{value:.0f}"


def _hours(value: float) -> str:
    return formatting.days(round(float(value), 1))


def _basis(row: Any) -> str:
    """``12人，平均每周拜访9.2次``: who the week is estimated from."""
    parts = []
    if pd.notna(row.get("n_estimated")):
        parts.append(f"{int(row['n_estimated'])}人")
    if pd.notna(row.get("weekly_visits")):
        parts.append(f"平均每周拜访{_hours(row['weekly_visits'])}次")
    return "，".join(parts)


def _percent(value: float) -> str:
    return f"{float(value) * 100:.0f}%"


def time_use_sentences(table: pd.DataFrame) -> list[str]:
    """Word the key findings of :func:`time_allocation` in Chinese, for a report.

    One sentence per shown group (suppressed groups never get one, nor do numbers hidden for
    a group's subset), in the table's order, e.g. ``天津客户经理每次拜访在客户处平均51分钟，
    路上平均74分钟，路上时间占外出时间的59%；按随访观察到的每次拜访时长乘以本人自报的每周拜访
    次数（7人，平均每周拜访5.6次）估算，每周按40小时计，约4.3小时在客户处、6.6小时在路上，
    其余约29.1小时在办公室或做其他工作。`` The estimate states its basis (people, their mean
    self-reported visits, the week assumed); its three hours are :func:`rounded_week`, so they
    add up to the week as written; when someone's field hours were capped at the week, the
    sentence says so (``其中5人……已按40小时计、不计办公室时间``). When the self-reported share
    of time visiting customers is known, the sentence adds it next to the estimate. With two
    or more shown groups, a last sentence names the group with the longest travel per visit.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`time_allocation` (any ``by``).

    Returns
    -------
    list of str
        The sentences; empty when no group is shown.

    Raises
    ------
    AnalysisError
        If ``table`` lacks the columns of :data:`TIME_COLUMNS`, ``suppressed`` or ``note``.
    """
    needed = [*TIME_COLUMNS, *_END_COLUMNS]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise AnalysisError(tr(
            f"time_use_sentences 需要 time_allocation 的结果表；缺少 {'、'.join(missing)} 列",
            f"time_use_sentences needs a time_allocation table; missing column(s) {', '.join(missing)}"
        ))
    shown = table.loc[~table["suppressed"].astype(bool) & table["minutes_travel"].notna()]
    sentences: list[str] = []
    for _, row in shown.iterrows():
        text = (
            f"{row['group_name']}客户经理每次拜访在客户处平均{_minutes(row['minutes_on_site'])}分钟，"
            f"路上平均{_minutes(row['minutes_travel'])}分钟"
        )
        if pd.notna(row["on_site_share"]):
            text += f"，路上时间占外出时间的{_percent(1 - row['on_site_share'])}"
        week = rounded_week(row) if "hours_on_site" in table.columns else None
        if week is not None:
            on, travel, office = week
            text += (
                f"；按随访观察到的每次拜访时长乘以本人自报的每周拜访次数"
                f"（{_basis(row)}）估算，每周按{_hours(on + travel + office)}小时计，"
                f"约{_hours(on)}小时在客户处、{_hours(travel)}小时在路上，"
                f"其余约{_hours(office)}小时在办公室或做其他工作"
            )
            if pd.notna(row.get("n_capped")) and int(row["n_capped"]) > 0:
                text += "；" + _capped_note(int(row["n_capped"]), int(row["n_estimated"]),
                                          on + travel + office)
        if "visit_share_reported" in table.columns and pd.notna(row["visit_share_reported"]):
            text += f"；自报拜访客户的时间占工作时间的{_percent(row['visit_share_reported'])}"
            if pd.notna(row["visit_share_observed"]):
                said = round(float(row["visit_share_reported"]) * 100)
                seen = round(float(row["visit_share_observed"]) * 100)
                relation = "高于" if said > seen else ("低于" if said < seen else "等于")
                text += f"，{relation}随访观察估算的{seen}%"
        sentences.append(text + "。")
    if len(shown) >= 2:
        longest = shown.loc[shown["minutes_travel"].astype(float).idxmax()]
        sentences.append(
            f"各组中，{longest['group_name']}客户经理每次拜访路上用时最长，"
            f"平均{_minutes(longest['minutes_travel'])}分钟。"
        )
    return sentences


# --------------------------------------------------------------------------------------------
# visit profile


def _long_rows(
    base: dict[str, Any],
    things: Sequence[tuple[str, str]],
    key: str,
    counts: dict[str, int] | None,
    n_visits: int,
    confidence: float,
) -> list[dict[str, Any]]:
    rows = []
    for thing, thing_label in things:
        row = {**base, key: thing, f"{key}_label": thing_label}
        if counts is not None:
            count = int(counts.get(thing, 0))
            low, high = wilson_interval(count, n_visits, confidence)
            row.update(count=count, rate=count / n_visits, ci_low=low, ci_high=high)
        rows.append(row)
    return rows


def _listed(value: Any) -> tuple[str, ...]:
    """The behaviours of one visit as a tuple (a missing cell is none)."""
    if isinstance(value, (tuple, list, set, frozenset, np.ndarray)):
        return tuple(value)
    return ()


def _vocab_with_extra(vocab: Any, seen: set[str]) -> list[tuple[str, str]]:
    things = [(t, vocab[t].label) for t in vocab]
    things += [(t, str(t)) for t in sorted(seen - set(vocab), key=str)]
    return things


def visit_profile(
    bundle: Any,
    by: str = "top_region",
    segments: pd.Series | None = None,
    min_n: int = MIN_OBSERVED,
    confidence: float = 0.95,
    *,
    groups: Collection[Hashable] | None = None,
) -> VisitProfile:
    """What happens on an observed visit: questions, funnel, behaviours and outcomes per group.

    Groups, ``segments`` and suppression are those of :func:`time_allocation` (see the module
    docstring): a group needs ``min_n`` distinct account managers, and complementary
    suppression keeps a hidden group from being recovered by subtraction.

    The question share is averaged per person first (each account manager's mean over their
    visits), then over the group's people, with a t-interval over people, so that a person
    observed twice does not weigh double. The funnel, behaviours and outcomes are shares of
    visits; their Wilson intervals treat visits as independent (most people were observed
    once, a few twice). A visit counts once per behaviour, however often it is listed.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; ``ride_alongs`` and ``manifest`` are read.
    by : {"top_region", "city", "segment", "all"}, default "top_region"
        The grouping, as in :func:`time_allocation`.
    segments : pandas.Series, optional
        Respondent id → segment label; required for (and only accepted with)
        ``by="segment"``.
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_OBSERVED`
        Smallest number of distinct account managers whose numbers are shown.
    confidence : float, default 0.95
        Level of every interval.
    groups : collection, optional
        Only the rows of these groups, as in :func:`time_allocation`. Default: every group.

    Returns
    -------
    VisitProfile
        ``questions``, ``funnel``, ``behaviours``, ``outcomes`` (long format; columns in
        :class:`VisitProfile` and :data:`QUESTION_COLUMNS`, :data:`FUNNEL_COLUMNS`,
        :data:`BEHAVIOUR_COLUMNS`, :data:`OUTCOME_COLUMNS`).

    Raises
    ------
    AnalysisError
        For an unknown ``by``, a missing or malformed ``segments``, a negative ``min_n`` or a
        ``confidence`` outside (0, 1).
    """
    min_n = check_threshold(min_n, "min_n")
    confidence = check_confidence(confidence)
    grouping = _groups(bundle, by, segments)
    visits = grouping.visits
    status = _visibility(visits, grouping.order, by, min_n)

    behaviours_seen = {b for bs in visits["behaviours"] for b in _listed(bs)}
    behaviour_list = _vocab_with_extra(BEHAVIOURS, behaviours_seen)
    outcome_list = _vocab_with_extra(OUTCOMES, set(visits["outcome"].dropna()))
    stage_ids = list(FUNNEL_STAGES)

    questions: list[dict[str, Any]] = []
    funnel: list[dict[str, Any]] = []
    behaviours: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    for group in _wanted(grouping.order, groups):
        gv = visits.loc[visits["group"] == group]
        st = status[group]
        shown = st == _SHOWN
        n_visits = len(gv)
        base = {
            "group": group,
            "group_name": grouping.names[group],
            "n_people": int(gv["account_manager"].nunique()),
            "n_visits": n_visits if shown else None,
            "suppressed": not shown,
            "note": _suppression_note(st, min_n),
        }
        q = dict(base)
        if shown:
            per_person = gv.groupby("account_manager")["question_share"].mean().astype("float64")
            mean, low, high = t_interval(per_person.to_numpy(), confidence)
            q.update(mean=mean, ci_low=low, ci_high=high)
        questions.append(q)

        steps = gv["funnel_step"].astype("int64")
        mean_step = float(steps.mean()) if shown else math.nan
        for step, stage in enumerate(stage_ids, start=1):
            row = {**base, "stage": stage, "step": step,
                   "stage_label": FUNNEL_STAGES[stage].label}
            if shown:
                count = int((steps == step).sum())
                row.update(count=count, share=count / n_visits,
                           share_reached=float((steps >= step).sum()) / n_visits,
                           mean_step=mean_step)
            funnel.append(row)

        b_counts: dict[str, int] | None = None
        o_counts: dict[str, int] | None = None
        if shown:
            b_counts = {}
            for listed in gv["behaviours"]:
                for b in set(_listed(listed)):
                    b_counts[b] = b_counts.get(b, 0) + 1
            o_counts = gv["outcome"].value_counts().to_dict()
        behaviours += _long_rows(base, behaviour_list, "behaviour", b_counts, n_visits, confidence)
        outcomes += _long_rows(base, outcome_list, "outcome", o_counts, n_visits, confidence)

    ints = ("n_visits", "step", "count")
    return VisitProfile(
        questions=_frame(questions, QUESTION_COLUMNS, ints),
        funnel=_frame(funnel, FUNNEL_COLUMNS, ints),
        behaviours=_frame(behaviours, BEHAVIOUR_COLUMNS, ints),
        outcomes=_frame(outcomes, OUTCOME_COLUMNS, ints),
    )
