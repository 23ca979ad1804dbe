"""Client-facing tables of the region report: Chinese headers, rounded numbers, small cells hidden.

The analysis functions return tables for computing (ids, floats, missing values); these turn
them into what a client reads. No table here ever shows a group smaller than
:data:`casekit.domain.MIN_CELL_SIZE`: its count is shown as ``"<5"`` and its mean as ``"—"``;
where a hidden count could be recovered from a row total, a second cell is hidden (``"—"``).
A difference (差值) is always the difference of the two rounded means shown beside it. Numbers
are written by :mod:`casekit.formatting`, the one place that decides how they read.

The tables of the research findings follow the same rules:

* :func:`skill_gap_table` (gaps to the competency model): a share of people below the required
  level that would reveal 1–4 people on one side is written as a bound (``">86%"``);
* :func:`persona_table`, :func:`segment_mix_table` (account-manager types): a type's count in a
  region is hidden when it is 1–4, and a second count where the published totals (region and
  type) would give it away; a share is shown only beside a shown count;
* :func:`time_allocation_table`, :func:`visit_profile_table` (ride-alongs): a group with fewer
  than 5 account managers observed shows only ``"<5"``;
* :func:`review_table` (360° review): means over at least 5 sales managers, never one manager's
  result; a rater group never shown on its own (the single superior) keeps a row without a
  number, with the reason;
* :func:`linkage_table`: associations only, in the wording of
  :mod:`casekit.analysis.linkage` (never causal);
* :func:`theme_table`, :func:`keyword_text`, :func:`quote_markdown` (interview and ride-along
  notes): theme counts of 1–4 people as ``"<5"``; words used by at least 2 interviewees; redacted
  excerpts credited as excerpts of a record (:func:`quote_source`: a role, and a method and a
  month where enough people stand behind them), never a person, a city or a note.

Text that comes from the bundle (region names, words, excerpts, labels) is escaped with
:func:`casekit.reports.safe_html.escape_markdown` wherever a function here returns Markdown; the
tables are DataFrames, which pandas escapes when it writes HTML.

Intervals read ``[−0.95, −0.37]`` (:func:`interval_label`), with the minus sign of
:func:`casekit.formatting.signed`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.visits import rounded_week
from casekit.domain import BEHAVIOUR_SKILL, MIN_CELL_SIZE, POPULATIONS
from casekit.formatting import (
    MISSING,
    SMALL_CELL,
    count_label,
    days,
    rounded_diff,
    score,
    shown_gap_diff,
    signed,
)
from casekit.privacy.disclosure import (
    bounded_share,
    gap_hidden,
    hidden_mix_counts,
    is_small,
    is_suppressed,
    mean_hidden,
    row_complements,
)
from casekit.reports.safe_html import escape_markdown

__all__ = [
    "MISSING",
    "SMALL_CELL",
    "comparison_table",
    "count_label",
    "interval_label",
    "keyword_text",
    "linkage_table",
    "notes_overview",
    "persona_descriptions",
    "persona_table",
    "quote_markdown",
    "quote_source",
    "respondent_counts",
    "review_sentences",
    "review_table",
    "segment_mix_table",
    "skill_gap_table",
    "theme_table",
    "time_allocation_table",
    "visit_profile_table",
]

# MISSING, SMALL_CELL and count_label are re-exported from casekit.formatting: the report
# notebook (and older code) import them from here.


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as dicts (what ``frame.to_dict("records")`` gives), read through one object array.

    The report's tables are made from small frames (a row per dimension, group or rater
    group): reading them row by row as Series, or column by column, costs far more than the
    cells written from them.
    """
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in frame.to_numpy(dtype=object)]


def _population_label(population: str) -> str:
    term = POPULATIONS.get(population)
    return term.label if term is not None else str(population)


def _shown_diff(row: Mapping[str, Any], min_n: int) -> str:
    """差值 of a comparison row: the difference of the two rounded means shown, or ``"—"``."""
    if mean_hidden(row, min_n) or pd.isna(row.get("diff")) or pd.isna(row.get("others_mean")):
        return MISSING
    return signed(rounded_diff(row["mean"], row["others_mean"]))


def _region_mean(row: Mapping[str, Any], min_n: int) -> str:
    return MISSING if mean_hidden(row, min_n) else score(row["mean"])


def _rank(row: Mapping[str, Any], min_n: int) -> str:
    rank = row.get("rank")
    return MISSING if mean_hidden(row, min_n) or pd.isna(rank) else str(int(rank))


def respondent_counts(bundle: Any, region_id: str, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """Questionnaire respondents of a region per population (and per city), small counts hidden.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        The loaded bundle (``respondents`` and ``manifest`` are read).
    region_id : str
        A manifest region id; its cities are included.
    min_n : int
        Counts from 1 to ``min_n - 1`` are shown as ``"<5"``.

    Returns
    -------
    pandas.DataFrame
        Index 岗位类别 (population labels, domain order); one column per place of the region
        that has respondents (its cities, and the region itself when rows name no city), then
        合计. Cells are strings.
    """
    manifest = bundle.manifest
    places = list(manifest.descendants(region_id))
    people = bundle.respondents.loc[bundle.respondents["region_id"].isin(places)]
    populations = [p for p in POPULATIONS if p in set(bundle.respondents["population"])]
    populations += sorted(set(people["population"]) - set(populations))
    counts = (
        people.groupby(["population", "region_id"]).size().unstack(fill_value=0)
        .reindex(index=populations, columns=places, fill_value=0)
    )
    shown = [p for p in places if counts[p].sum() > 0] if len(places) > 1 else []
    cells = {manifest.name(place): [count_label(v, min_n) for v in counts[place]] for place in shown}
    if shown:
        complements = row_complements(counts.loc[:, shown], min_n).to_numpy()
        names = list(cells)
        for row, column in zip(*np.nonzero(complements)):
            cells[names[column]][row] = MISSING
    cells["合计"] = [count_label(v, min_n) for v in counts.sum(axis=1)]
    return pd.DataFrame(cells, index=pd.Index([_population_label(p) for p in populations], name="岗位类别"))


def comparison_table(
    comparison: pd.DataFrame,
    population: str | None = None,
    *,
    min_n: int = MIN_CELL_SIZE,
) -> pd.DataFrame:
    """The region's dimension scores next to the other regions', for reading.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`casekit.analysis.compare_region`.
    population : str, optional
        Keep only this population (then the 岗位类别 column is dropped and 维度 is the index).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        The anonymity threshold: a row below it (or flagged ``suppressed``) shows its count as
        ``"<5"`` and no score, difference or rank.

    Returns
    -------
    pandas.DataFrame
        Columns 岗位类别, 维度, 本地区人数, 本地区均分, 其他地区均分, 全部地区均分, 差值 (region
        − other regions, computed from the two rounded means shown), 本地区内由低到高 (1 = weakest).
        Cells are strings; suppressed cells show ``"<5"`` / ``"—"``.
    """
    rows = comparison if population is None else comparison.loc[comparison["population"] == population]
    records = frame_records(rows)
    return _by_dimension({
        "岗位类别": [_population_label(r["population"]) for r in records],
        "维度": [str(r["dimension_label"]) for r in records],
        "本地区人数": [count_label(r["n"], min_n) for r in records],
        "本地区均分": [_region_mean(r, min_n) for r in records],
        "其他地区均分": [score(r["others_mean"]) for r in records],
        "全部地区均分": [score(r["all_mean"]) for r in records],
        "差值": [_shown_diff(r, min_n) for r in records],
        "本地区内由低到高": [_rank(r, min_n) for r in records],
    }, population)


def _by_dimension(columns: dict[str, list[str]], population: str | None) -> pd.DataFrame:
    """A table of the columns; of one population: without 岗位类别, indexed by 维度."""
    if population is None:
        return pd.DataFrame(columns)
    if not columns["维度"]:  # no rows: typed as pandas types empty columns, the index too
        return pd.DataFrame(columns).drop(columns="岗位类别").set_index("维度")
    columns = {name: cells for name, cells in columns.items() if name != "岗位类别"}
    return pd.DataFrame(columns, index=pd.Index(columns.pop("维度"), name="维度"))


# -- issue 4: gaps, account-manager types, ride-alongs, 360° review, linkage ----------------------

def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def interval_label(low: Any, high: Any) -> str:
    """A confidence interval as a client reads it: ``"[−0.95, −0.37]"``.

    Parameters
    ----------
    low, high : float or None
        The bounds.

    Returns
    -------
    str
        Both bounds written by :func:`casekit.formatting.signed` (``+`` / U+2212 minus, two
        decimals) in square brackets; :data:`MISSING` when either bound is missing.
    """
    if _is_missing(low) or _is_missing(high):
        return MISSING
    return f"[{signed(low)}, {signed(high)}]"


def _percent(value: Any) -> str:
    """A share (0–1) as a whole percentage, ``"—"`` when missing."""
    return MISSING if _is_missing(value) else f"{float(value):.0%}"


def _minutes(value: Any) -> str:
    return MISSING if _is_missing(value) else f"{float(value):.0f}"


def _hours(value: Any) -> str:
    """Hours with at most one decimal and no trailing zero (``"9.3"``, ``"21"``)."""
    return MISSING if _is_missing(value) else days(round(float(value), 1))


def _people_share(share: Any, n: Any, min_n: int) -> str:
    """Share of ``n`` people as :func:`casekit.privacy.disclosure.bounded_share` allows it."""
    bound = bounded_share(share, n, min_n)
    if bound is None:
        return MISSING
    if bound.relation == "=":
        return _percent(share)
    return f"{bound.relation}{int(bound.value)}%"


_CONCLUSIONS = {"weaker": "明显偏弱", "stronger": "明显偏强"}


def _verdicts(findings: pd.DataFrame | None, region: str | None, kind: str) -> dict[tuple[str, str], str]:
    """(population, dimension) → what the findings conclude for ``region`` (claimed or not)."""
    if findings is None or region is None:
        return {}
    rows = findings.loc[(findings["region"] == region) & (findings["kind"] == kind)]
    return {(str(r["population"]), str(r["dimension"])):
            (_CONCLUSIONS.get(str(r["direction"]), "无明显差异") if bool(r["claimed"]) else "无明显差异")
            for r in frame_records(rows) if not bool(r["hidden"])}


def _compared(row: Mapping[str, Any], verdicts: Mapping[tuple[str, str], str]) -> str:
    """与其他地区相比: the signed difference of the gaps and what the findings conclude."""
    value = shown_gap_diff(row)
    if _is_missing(value):
        return MISSING
    verdict = verdicts.get((str(row["population"]), str(row["dimension"])))
    return f"{signed(value)}（{verdict}）" if verdict else signed(value)


def _gap_note(row: Mapping[str, Any], min_n: int, weakest: Mapping[str, tuple[str, ...]]) -> str:
    note = "" if _is_missing(row.get("note")) else str(row.get("note"))
    if gap_hidden(row, min_n):
        return note or f"不足{min_n}人，不显示"
    parts = []
    if rounded_diff(row["mean"], row["required"]) >= 0:
        parts.append("已达到目标水平")
    elif str(row["dimension"]) in weakest.get(str(row["population"]), ()):
        parts.append("本岗位差距最大的维度")
    return "；".join([*parts, note] if note else parts)


def skill_gap_table(
    gaps: pd.DataFrame, population: str | None = None, *, findings: Any = None, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """The region's gaps to the competency model (:func:`casekit.analysis.region_gaps`), for reading.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`casekit.analysis.region_gaps` for one region.
    population : str, optional
        Keep only this population (then 岗位类别 is dropped and 维度 is the index).
    findings : casekit.analysis.Findings, optional
        The engagement's findings: 与其他地区相比 says what they conclude (明显偏弱 / 明显偏强 /
        无明显差异) and 说明 marks the population's weakest dimension (:meth:`Findings.weakest`,
        the one definition every section uses). Without them only the numbers are shown.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        A row below it (or flagged ``suppressed``) shows its count as ``"<5"`` and no number.

    Returns
    -------
    pandas.DataFrame
        Columns 岗位类别, 维度, 人数, 均分, 目标水平, 差距 (均分 − 目标水平, from the two rounded
        numbers shown; negative = below the requirement), 差距的可能范围 (the gap's interval:
        :func:`casekit.reports.region_report.region_report` puts the findings' intervals, adjusted
        for the number of comparisons, in ``gaps``), 低于目标的比例
        (a bound such as ``">86%"`` when it would show that 1–4 people are on one side),
        与其他地区相比 (the region's gap minus the other regions', from the rounded means as
        :func:`comparison_table` computes 差值, with 弱于 / 好于 / 相近),
        说明 (the analysis note; 本岗位差距最大的维度 / 已达到目标水平). Cells are strings.
    """
    rows = gaps if population is None else gaps.loc[gaps["population"] == population]
    region = _gap_region(rows, findings)
    weakest = {p: findings.weakest(region, p) for p in dict.fromkeys(rows["population"])} if region is not None else {}
    return _skill_gap_table(rows, population, _verdicts(None if findings is None else findings.table, region,
                                                        "vs_other_regions"), weakest, min_n)


def _gap_region(gaps: pd.DataFrame, findings: Any) -> str | None:
    """The region of ``gaps`` whose findings :func:`skill_gap_table` cites; None without findings or for a city."""
    region = None if gaps.empty or "region_id" not in gaps.columns else str(gaps["region_id"].iloc[0])
    if findings is None or region is None or not (findings.table["region"] == region).any():
        return None  # a city: the findings compare top-level regions, not this group
    return region


def _skill_gap_table(rows: pd.DataFrame, population: str | None, verdicts: Mapping[tuple[str, str], str],
                     weakest: Mapping[str, tuple[str, ...]], min_n: int) -> pd.DataFrame:
    """:func:`skill_gap_table` of ``rows`` (already of ``population``), with what the findings say of
    the region: the verdicts against the other regions (:func:`_verdicts`) and each population's
    weakest dimensions."""
    records = frame_records(rows)

    def shown(row: Mapping[str, Any], text: str) -> str:
        return MISSING if gap_hidden(row, min_n) else text

    return _by_dimension({
        "岗位类别": [_population_label(r["population"]) for r in records],
        "维度": [str(r["dimension_label"]) for r in records],
        "人数": [count_label(r["n"], min_n) for r in records],
        "均分": [shown(r, score(r["mean"])) for r in records],
        "目标水平": [score(r["required"]) for r in records],
        "差距": [shown(r, signed(rounded_diff(r["mean"], r["required"]))) for r in records],
        "差距的可能范围": [shown(r, interval_label(r["ci_low"], r["ci_high"])) for r in records],
        "低于目标的比例": [shown(r, _people_share(r["share_below"], r["n"], min_n)) for r in records],
        "与其他地区相比": [shown(r, _compared(r, verdicts)) for r in records],
        "说明": [_gap_note(r, min_n, weakest) for r in records],
    }, population)


# -- account-manager types ---------------------------------------------------------------------


def persona_table(segments: Any, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """The account-manager types of a segmentation, for reading.

    Parameters
    ----------
    segments : casekit.analysis.SegmentReport
        A segmentation of the whole bundle (``persona_table()`` is reused).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        A type with fewer people shows ``"<5"``, no share and no description of its members.

    Returns
    -------
    pandas.DataFrame
        Index 类型 (``第1类 …``); columns 人数, 占比 (of all account managers), 强项, 短板,
        培训重点. Empty when the segmentation found no clear types.
    """
    table = segments.persona_table()
    for row, persona in enumerate(segments.personas):
        if is_suppressed(persona.n, min_n):
            table.iloc[row, 1:] = [count_label(persona.n, min_n), MISSING, MISSING, MISSING, MISSING]
    return table.set_index("类型")


def persona_descriptions(segments: Any, *, min_n: int = MIN_CELL_SIZE) -> list[str]:
    """One paragraph per account-manager type (``Persona.description``); small types not described.

    Parameters
    ----------
    segments : casekit.analysis.SegmentReport
        A segmentation.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        A type with fewer people is named only, with its count as ``"<5"``.

    Returns
    -------
    list of str
        In type order; empty without clear types.
    """
    return [
        p.description if not is_suppressed(p.n, min_n) else
        f"第{p.segment}类“{p.name}”：{count_label(p.n, min_n)}人，人数过少，不单独描述。"
        for p in segments.personas
    ]


def segment_mix_table(
    mix: pd.DataFrame, region_id: str, segments: Any, *, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """A region's account managers by type, next to all regions', small counts hidden.

    Parameters
    ----------
    mix : pandas.DataFrame
        :func:`casekit.analysis.segment_mix` by top-level region, for **every** region: the
        hidden cells are chosen over the whole region × type table, so that no small count can
        be recovered from the totals this or another region's report shows.
    region_id : str
        The region whose column is shown (a ``group_id`` of ``mix``).
    segments : casekit.analysis.SegmentReport
        The segmentation (type names and totals).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Counts of 1 to ``min_n − 1`` show as ``"<5"``; a complementary hidden count (a 0 too) as
        ``"—"``.

    Returns
    -------
    pandas.DataFrame
        Index 类型 (``第1类 …``, then 合计); columns 本地区人数, 本地区占比 (only for a shown count
        of a region with at least ``min_n`` account managers), 全部地区占比. Empty (no rows)
        when there are no clear types or the region has no account manager.
    """
    columns = ["本地区人数", "本地区占比", "全部地区占比"]
    names = {p.segment: f"第{p.segment}类 {p.name}" for p in segments.personas}
    if mix.empty or region_id not in set(mix["group_id"]):
        return pd.DataFrame(columns=columns, index=pd.Index([], name="类型"))
    counts = (mix.groupby(["group_id", "segment"])["count"].sum().unstack("segment", fill_value=0)
              .reindex(columns=list(names), fill_value=0))
    sizes = mix.groupby("group_id")["n"].first()
    totals = pd.Series({p.segment: p.n for p in segments.personas})
    hidden = hidden_mix_counts(counts, sizes, totals, min_n)
    n = int(sizes[region_id])
    everyone = int(totals.sum())
    rows = {}
    for segment, name in names.items():
        count = int(counts.at[region_id, segment])
        if hidden.at[region_id, segment]:
            label = count_label(count, min_n) if is_small(count, min_n) else MISSING  # a hidden 0 too
            share = MISSING
        else:
            label = str(count)
            share = MISSING if is_suppressed(n, min_n) else _percent(count / n)
        total_share = MISSING if is_suppressed(totals[segment], min_n) else _percent(totals[segment] / everyone)
        rows[name] = [label, share, total_share]
    rows["合计"] = [count_label(n, min_n), MISSING if is_suppressed(n, min_n) else "100%", "100%"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = "类型"
    return table


# -- ride-alongs -------------------------------------------------------------------------------


def _group_columns(table: pd.DataFrame) -> list[str]:
    return [str(name) for name in dict.fromkeys(table["group_name"])]


def time_allocation_table(table: pd.DataFrame, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """How account managers' time splits, one column per group (:func:`casekit.analysis.time_allocation`).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`casekit.analysis.time_allocation` (e.g. the region and all regions, or
        the account-manager types); each row becomes a column headed by its ``group_name``.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        A group with fewer observed account managers shows ``"<5"`` and no number.

    Returns
    -------
    pandas.DataFrame
        Index 指标: observed people and visits, minutes on site and on the road per visit, the
        road's share of field time, then (when the questionnaire asked for weekly visits) the
        estimate's basis (估算依据: the people it rests on, their mean self-reported visits per
        week, the working week assumed) and the estimated hours per week with customers, on
        the road and in the office or on other work (:func:`casekit.analysis.visits.rounded_week`:
        the three add up to the week shown; 说明 says when someone's field hours were capped at
        the week), then (when it asked for it) the self-reported share of time visiting customers
        next to the ride-alongs' estimate, and 说明. Cells are strings.
    """
    has_week = "hours_on_site" in table.columns
    has_reported = "visit_share_reported" in table.columns
    out: dict[str, list[str]] = {}
    for row in frame_records(table):
        hide = bool(row["suppressed"]) or is_suppressed(row["n_people"], min_n)

        def num(text: str, hide: bool = hide) -> str:
            return MISSING if hide else text

        cells = {
            "随访观察的客户经理（人）": count_label(row["n_people"], min_n),
            "随访的拜访（次）": num(MISSING if _is_missing(row["n_visits"]) else str(int(row["n_visits"]))),
            "每次拜访在客户处（分钟）": num(_minutes(row["minutes_on_site"])),
            "每次拜访在路上（分钟）": num(_minutes(row["minutes_travel"])),
            "路上时间占外出时间": num(MISSING if _is_missing(row["on_site_share"])
                                       else _percent(1 - float(row["on_site_share"]))),
        }
        if has_week:
            week = rounded_week(row)
            hours = [MISSING] * 3 if week is None else [_hours(h) for h in week]
            cells.update({
                "估算依据：填写每周拜访次数的客户经理（人）": num(
                    MISSING if _is_missing(row["n_estimated"]) or week is None
                    else str(int(row["n_estimated"]))),
                "估算依据：自报每周拜访（次，平均）": num(
                    MISSING if week is None else _hours(row["weekly_visits"])),
                "估算依据：假定每周工作（小时）": num(
                    MISSING if week is None else _hours(sum(week))),
                "估算每周在客户处（小时）": num(hours[0]),
                "估算每周在路上（小时）": num(hours[1]),
                "估算每周在办公室及其他（小时）": num(hours[2]),
            })
        if has_reported:
            cells.update({
                "自报拜访客户的时间占比": num(_percent(row["visit_share_reported"])),
                "随访估算的拜访客户时间占比": num(_percent(row["visit_share_observed"])),
            })
        cells["说明"] = "" if _is_missing(row["note"]) else str(row["note"])
        out[str(row["group_name"])] = list(cells.values())
        index = list(cells)
    if not out:
        return pd.DataFrame(index=pd.Index([], name="指标"))
    result = pd.DataFrame(out, index=pd.Index(index, name="指标"))
    return result


def _records_by(frame: pd.DataFrame, key: str) -> dict[Any, list[dict[str, Any]]]:
    """``frame``'s rows as records, per value of ``key`` in order of appearance (a missing key is left
    out, as :meth:`pandas.DataFrame.groupby` leaves it out)."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for row in frame_records(frame):
        if not _is_missing(row[key]):
            out.setdefault(row[key], []).append(row)
    return out


def _behaviour_kind(behaviour: str) -> str:
    sign = BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1]
    return "顾问式" if sign > 0 else ("推销式" if sign < 0 else "中性")


def visit_profile_table(profile: Any, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """What happens on an observed visit, one column per group (:class:`casekit.analysis.VisitProfile`).

    Parameters
    ----------
    profile : casekit.analysis.VisitProfile
        E.g. :func:`casekit.reports.region_report.region_visit_profile`: the region and all
        regions.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        A group with fewer observed account managers shows ``"<5"`` and no number.

    Returns
    -------
    pandas.DataFrame
        Two-level index (部分, 指标): 概况 (people, visits, the share of talking time spent
        asking questions, the mean furthest funnel step), 拜访中的做法 (share of visits where
        each behaviour was seen), 拜访结果 (share of visits per outcome), then 说明. Columns
        做法类型 (顾问式 / 推销式 / 中性 for behaviours) and one per group. Cells are strings.
    """
    questions = profile.questions
    groups = list(dict.fromkeys(questions["group"]))
    names = dict(zip(questions["group"], questions["group_name"].astype(str)))
    index: list[tuple[str, str]] = []
    kinds: list[str] = []
    cells: dict[str, list[str]] = {names[g]: [] for g in groups}

    def hidden(row: Mapping[str, Any]) -> bool:
        return bool(row["suppressed"]) or is_suppressed(row["n_people"], min_n)

    def add(part: str, label: str, kind: str, value: Any) -> None:
        index.append((part, label))
        kinds.append(kind)
        for group in groups:
            cells[names[group]].append(value(group))

    # the profile's tables are small (a row per group, item and group): read as records, by group
    q = {row["group"]: row for row in frame_records(questions)}
    add("概况", "随访观察的客户经理（人）", "", lambda g: count_label(q[g]["n_people"], min_n))
    add("概况", "随访的拜访（次）", "", lambda g: MISSING if hidden(q[g]) or _is_missing(q[g]["n_visits"])
        else str(int(q[g]["n_visits"])))
    add("概况", "提问占客户经理说话时间的比例", "",
        lambda g: MISSING if hidden(q[g]) else _percent(q[g]["mean"]))
    funnel: dict[Any, Mapping[str, Any]] = {}
    for row in frame_records(profile.funnel):
        funnel.setdefault(row["group"], row)  # a group's first row
    add("概况", "拜访平均推进到的销售阶段（共8步）", "",
        lambda g: MISSING if g not in funnel or hidden(funnel[g]) or _is_missing(funnel[g]["mean_step"])
        else f"{float(funnel[g]['mean_step']):.1f}")
    for part, frame, key, label in (("拜访中的做法（占拜访次数）", profile.behaviours, "behaviour", "behaviour_label"),
                                    ("拜访结果（占拜访次数）", profile.outcomes, "outcome", "outcome_label")):
        for item, rows in _records_by(frame, key).items():
            by_group = {row["group"]: row for row in rows}
            add(part, str(rows[0][label]), _behaviour_kind(str(item)) if key == "behaviour" else "",
                lambda g, b=by_group: MISSING if g not in b or hidden(b[g]) else _percent(b[g]["rate"]))
    if not all(_is_missing(q[g]["note"]) or not str(q[g]["note"]) for g in groups):  # no empty note row
        add("说明", "", "", lambda g: "" if _is_missing(q[g]["note"]) else str(q[g]["note"]))
    table = pd.DataFrame({"做法类型": kinds, **cells},
                         index=pd.MultiIndex.from_tuples(index, names=["部分", "指标"]))
    return table


# -- 360° review ------------------------------------------------------------------------------


def review_table(summary: pd.DataFrame, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """A region's 360° review of sales managers (:func:`casekit.analysis.review_summary`), for reading.

    Only group means over at least ``min_n`` managers are shown, never a manager's own result.
    The superiors (上级主管) have their own row: their ratings pooled over the region's managers
    where at least 3 superiors' ratings are behind it (:func:`casekit.analysis.review_summary`),
    and then no other group row contains them (客户经理 is the account managers' own view).
    Where the superiors are too few, their ratings stay merged in another group, which reads
    e.g. ``客户经理（含上级主管）``, and the superiors' row (without a number) says where they went.
    A row without a number says why. The last row of a dimension, 全部他评, is the total of the
    groups above it (every rater but the manager), not another group.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`casekit.analysis.review_summary` for one region.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest managers behind a number shown.

    Returns
    -------
    pandas.DataFrame
        Two-level index (维度, 评价来源); columns 经理人数, 评价份数 (ratings behind the row:
        the group's raters summed over the managers, distinct superiors on the superiors' row;
        "—" where nothing is shown), 平均分, 自评减他评 (the managers' self rating minus this
        group's rating: positive = they rate themselves higher), 95%置信区间 and 说明. Cells are
        strings.
    """
    rows = frame_records(summary)
    selves = {row["dimension"]: row for row in rows if row["rater_group"] == "self"}
    records = []
    for row in rows:
        hide = bool(row["suppressed"]) or is_suppressed(row["n_managers"], min_n) or _is_missing(row["mean"])
        never_shown = bool(row["suppressed"]) and int(row["n_managers"]) == 0
        gap = MISSING
        if not hide and row["rater_group"] != "self" and not _is_missing(row["mean_gap"]) \
                and not is_suppressed(row["n_gap"], min_n):
            own = selves.get(row["dimension"])
            if (own is not None and not bool(own["suppressed"])
                    and int(own["n_managers"]) == int(row["n_managers"]) == int(row["n_gap"])):
                # the same managers on both sides: the difference of the two rounded means shown
                gap = signed(rounded_diff(own["mean"], row["mean"]))
            else:
                gap = signed(row["mean_gap"])
        ci = (interval_label(row["gap_ci_low"], row["gap_ci_high"]) if gap != MISSING else MISSING)
        records.append({
            "维度": str(row["dimension_label"]),
            "评价来源": str(row["group_label"]),
            "经理人数": MISSING if never_shown else count_label(row["n_managers"], min_n),
            "评价份数": (MISSING if hide or row["rater_group"] == "self" or _is_missing(row.get("n_raters"))
                     else str(int(row["n_raters"]))),
            "平均分": MISSING if hide else score(row["mean"]),
            "自评减他评": gap,
            "95%置信区间": ci,
            "说明": "" if _is_missing(row["note"]) else str(row["note"]),
        })
    table = pd.DataFrame(records, columns=["维度", "评价来源", "经理人数", "评价份数", "平均分",
                                           "自评减他评", "95%置信区间", "说明"])
    return table.set_index(["维度", "评价来源"])


def review_sentences(
    summary: pd.DataFrame, summary_all: pd.DataFrame | None = None, *, min_n: int = MIN_CELL_SIZE
) -> list[str]:
    """One Chinese sentence per dimension: self rating against all other raters (全部他评).

    "他人评价" is every rater but the manager -- account managers, support staff and superiors
    together, one pooled number (the ``all_others`` row); the superiors' own view follows it.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`casekit.analysis.review_summary` for the region.
    summary_all : pandas.DataFrame, optional
        The same for all regions, for the comparison clause.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest managers behind a number cited.

    Returns
    -------
    list of str
        In dimension order; a dimension whose self or others rating is hidden gets no sentence.
        Each sentence ends with the superiors' view (上级的看法): the region's superiors'
        pooled rating and the managers' self rating against it, with all regions' beside it;
        all regions' alone when the region's superiors are too few; or, when neither can be
        shown, a clause saying that their ratings count in 他人评价.
    """
    region_rows, all_rows = _review_rows(summary), _review_rows(summary_all)

    def others(rows: Mapping[tuple[Any, Any], Mapping[str, Any]], dimension: str) -> Mapping[str, Any] | None:
        row = rows.get((dimension, "all_others"))
        if row is None or bool(row["suppressed"]) or _is_missing(row["mean_gap"]) \
                or is_suppressed(row["n_gap"], min_n):
            return None
        return row

    sentences = []
    for dimension in dict.fromkeys(d for d in summary["dimension"] if not _is_missing(d)):
        own = region_rows.get((dimension, "self"))
        row = others(region_rows, str(dimension))
        if own is None or row is None or bool(own["suppressed"]):
            continue
        low, high = float(row["gap_ci_low"]), float(row["gap_ci_high"])
        gap = float(row["mean_gap"])
        if low > 0:
            verdict = f"自评明显高于他评，平均高{signed(gap)[1:]}分"
        elif high < 0:
            verdict = f"自评明显低于他评，平均低{signed(gap)[1:]}分"
        else:
            verdict = "自评与他评没有明显差别"
        text = (f"{row['dimension_label']}：{count_label(row['n_gap'], min_n)}位销售管理人员的自评平均"
                f"{score(own['mean'])}分，他人评价平均{score(row['mean'])}分，{verdict}"
                f"（95%置信区间 {interval_label(low, high)}）")
        everyone = others(all_rows, str(dimension))
        if everyone is not None:
            overall = float(everyone["mean_gap"])
            text += (f"；全部地区的销售管理人员自评平均比他评{'高' if overall >= 0 else '低'}"
                     f"{signed(abs(overall)).lstrip('+')}分")
        superiors = _superior_clause(region_rows, all_rows, str(dimension), min_n)
        sentences.append(text + (f"。{superiors}" if superiors else "") + "。")
    return sentences


def _review_rows(table: pd.DataFrame | None) -> dict[tuple[Any, Any], dict[str, Any]]:
    """The first row of each (dimension, rater group) of a review summary, as a record (``{}`` for none)."""
    rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    if table is not None and not table.empty:
        for row in frame_records(table):
            rows.setdefault((row["dimension"], row["rater_group"]), row)
    return rows


def _superior_shown(row: Mapping[str, Any] | None, min_n: int) -> bool:
    return (row is not None and not bool(row["suppressed"]) and not _is_missing(row["mean"])
            and not is_suppressed(row["n_managers"], min_n))


def _superior_clause(
    region_rows: Mapping[tuple[Any, Any], Mapping[str, Any]],
    all_rows: Mapping[tuple[Any, Any], Mapping[str, Any]],
    dimension: str,
    min_n: int,
) -> str:
    """The superiors' view of a dimension (上级的看法): the region's, else all regions', else why not.

    ``region_rows`` and ``all_rows`` are the region's and all regions' review summaries by
    (dimension, rater group) (:func:`_review_rows`).
    """
    own = region_rows.get((dimension, "superior"))
    every = all_rows.get((dimension, "superior"))
    if own is None and every is None:
        return ""

    def view(row: Mapping[str, Any], where: str, rows: Mapping[tuple[Any, Any], Mapping[str, Any]]) -> str:
        text = f"{where}上级主管的评价平均{score(row['mean'])}分"
        if not _is_missing(row["mean_gap"]) and not is_suppressed(row["n_gap"], min_n):
            gap = float(row["mean_gap"])
            selves = rows.get((dimension, "self"))
            if (selves is not None and not bool(selves["suppressed"])
                    and int(selves["n_managers"]) == int(row["n_managers"]) == int(row["n_gap"])):
                # the same managers on both sides: as review_table, the difference of the rounded means
                gap = float(rounded_diff(selves["mean"], row["mean"]))
            low, high = float(row["gap_ci_low"]), float(row["gap_ci_high"])
            if low > 0:
                verdict = f"销售管理人员的自评明显高于上级评价，平均高{signed(gap)[1:]}分"
            elif high < 0:
                verdict = f"销售管理人员的自评明显低于上级评价，平均低{signed(gap)[1:]}分"
            else:
                verdict = "销售管理人员的自评与上级评价没有明显差别"
            text += f"，{verdict}（95%置信区间 {interval_label(low, high)}）"
        return text

    if _superior_shown(own, min_n):
        text = "上级的看法：" + view(own, "本地区", region_rows)
        if _superior_shown(every, min_n):
            text += f"；全部地区上级主管的评价平均{score(every['mean'])}分"
        return text
    if _superior_shown(every, min_n):
        return ("上级的看法：本地区上级主管的评价人数太少，不单独显示，已计入他人评价；"
                + view(every, "全部地区", all_rows))
    return "本地区上级主管的评价人数太少，不单独显示，已计入他人评价"


# -- performance linkage -----------------------------------------------------------------------


def linkage_table(linkage: pd.DataFrame, *, k: int = 6, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """The strongest associations with sales results (:func:`casekit.analysis.performance_linkage`).

    Parameters
    ----------
    linkage : pandas.DataFrame
        Output of :func:`casekit.analysis.performance_linkage`, sorted by ``|rho|``.
    k : int, default 6
        Rows shown at most.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Counts below it show as ``"<5"`` (``performance_linkage`` needs 10 pairs anyway).

    Returns
    -------
    pandas.DataFrame
        Only associations whose interval excludes 0, strongest first, with the strongest of each
        sign: up to ``k // 2`` negative ones are kept even when weaker positive ones would fill the
        table (and the other way round). Index 序号 (from 1);
        columns 能力或行为, 人数, 相关系数 (Spearman), 95%置信区间, 相关程度, 解读 (the
        association sentence, never causal). Empty (no rows) when none is clear.
    """
    clear = linkage.loc[(linkage["ci_low"] > 0) | (linkage["ci_high"] < 0)]
    # the strongest of each sign: a clear negative association (以价格优惠开场, the seed's case
    # against price-cut selling) is never pushed out by a row of weaker positive ones
    order = clear["rho"].abs().sort_values(ascending=False, kind="stable").index
    clear = clear.loc[order]
    negative, positive = clear.loc[clear["rho"] < 0], clear.loc[clear["rho"] > 0]
    n_negative = min(len(negative), k // 2)
    n_positive = min(len(positive), k - n_negative)
    n_negative = min(len(negative), k - n_positive)
    keep = set(negative.index[:n_negative]) | set(positive.index[:n_positive])
    clear = clear.loc[[i for i in clear.index if i in keep]]
    table = pd.DataFrame(
        {
            "能力或行为": [str(v) for v in clear["label"]],
            "人数": [count_label(v, min_n) for v in clear["n"]],
            "相关系数": [signed(v) for v in clear["rho"]],
            "95%置信区间": [interval_label(a, b) for a, b in zip(clear["ci_low"], clear["ci_high"])],
            "相关程度": [str(v) for v in clear["strength"]],
            "解读": [str(v) for v in clear["sentence"]],
        },
        columns=["能力或行为", "人数", "相关系数", "95%置信区间", "相关程度", "解读"],
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="序号")
    return table


# -- interview and ride-along notes ------------------------------------------------------------

#: An enumeration at the start of an excerpt (``2. 术语密度很高``), which Markdown would
#: turn into a numbered list.
_LEADING_NUMBER = re.compile(r"^\s*\d{1,2}[.、．)）]\s*")


def notes_overview(
    region_name: str,
    n_notes: int,
    n_interviewees: int,
    *,
    province_name: str | None = None,
    min_n: int = MIN_CELL_SIZE,
) -> str:
    """One or two Chinese sentences opening the notes section: how many notes, from how many people.

    Parameters
    ----------
    region_name : str
        Chinese name of the region whose notes are shown (the province, for a city report).
    n_notes, n_interviewees : int
        Its notes and distinct interviewees
        (:func:`casekit.reports.region_report.notes_base`).
    province_name : str, optional
        Given for a city's report: says that the notes are the province's (notes are not
        broken down by city).
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        With fewer interviewees nothing else is shown, and the sentence says why.

    Returns
    -------
    str
        Counts written by :func:`casekit.formatting.count_label` (never 1–4).
    """
    prefix = f"访谈与随访记录不按地市统计，以下为{province_name}全省的记录。" if province_name else ""
    if n_notes == 0:
        return f"{prefix}{region_name}没有访谈与随访记录。"
    if is_suppressed(n_interviewees, min_n):
        return (f"{prefix}{region_name}的访谈与随访记录来自不足 {min_n} 位受访者。"
                "为保护受访者，不列出本地区的主题、常用词和记录摘录。")
    return (f"{prefix}{region_name}共有访谈与随访记录 {count_label(n_notes, min_n)} 份，"
            f"来自 {count_label(n_interviewees, min_n)} 位受访者。")


def theme_table(themes: pd.DataFrame, *, min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """A region's distinctive themes (:func:`casekit.reports.region_report.region_themes`), for reading.

    Parameters
    ----------
    themes : pandas.DataFrame
        Columns ``label``, ``group_label``, ``n_notes``, ``n_interviewees``, most distinctive
        first.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Counts of 1 to ``min_n − 1`` show as ``"<5"``. Where fewer than ``min_n`` people raised
        the theme, the notes are shown only as ``"<5"`` too (``"—"`` when the same few people
        wrote ``min_n`` notes or more: the count would say how few they are).

    Returns
    -------
    pandas.DataFrame
        Index 序号 (from 1); columns 主题, 类别, 提到的记录（份）, 提到的受访者（人). Cells are
        strings.
    """
    def notes_cell(n_notes: Any, n_people: Any) -> str:
        if is_suppressed(n_people, min_n) and not is_suppressed(n_notes, min_n):
            return MISSING
        return count_label(n_notes, min_n)

    table = pd.DataFrame(
        {
            "主题": [str(v) for v in themes["label"]],
            "类别": [str(v) for v in themes["group_label"]],
            "提到的记录（份）": [notes_cell(a, b) for a, b in zip(themes["n_notes"], themes["n_interviewees"])],
            "提到的受访者（人）": [count_label(v, min_n) for v in themes["n_interviewees"]],
        },
        columns=["主题", "类别", "提到的记录（份）", "提到的受访者（人）"],
    )
    table.index = pd.RangeIndex(1, len(table) + 1, name="序号")
    return table


def keyword_text(keywords: pd.DataFrame, region_name: str, *, k: int = 10) -> str:
    """A region's distinctive words as one line, with the sentence saying what they are.

    Parameters
    ----------
    keywords : pandas.DataFrame
        :func:`casekit.reports.region_report.region_keywords` (column ``word``), most
        distinctive first.
    region_name : str
        Chinese name of the region whose notes they come from.
    k : int, default 10
        Words at most.

    Returns
    -------
    str
        Markdown: the sentence, then the words joined by ``、``; a sentence alone when there is
        no word.
    """
    words = [str(w) for w in keywords["word"].head(k)] if "word" in keywords.columns else []
    if not words:
        return f"与其他地区相比，{escape_markdown(region_name)}的记录中没有明显更常用的词。"
    line = "、".join(escape_markdown(w) for w in words)
    region_name = escape_markdown(region_name)
    return (f"下面是{region_name}的受访者比其他地区的受访者更常用的词，越靠前越突出"
            f"（只列出本地区至少 2 位受访者、在至少 2 份记录中用过的词）：\n\n**{line}**")


def _month(value: Any) -> str:
    if _is_missing(value):
        return ""
    date = pd.Timestamp(value)
    return f"{date.year}年{date.month}月"


def quote_source(row: pd.Series | Mapping[str, Any]) -> str:
    """Where an excerpt comes from, as a client may read it: an excerpt of a record, not a person.

    Parameters
    ----------
    row : pandas.Series or mapping
        A row of :func:`casekit.reports.region_report.region_quotes` (``population``,
        ``method``, ``date``, ``voice``; a blank ``method`` or ``date`` is left out: the report
        names no group smaller than it may show).

    Returns
    -------
    str
        The credit line, without its leading ``——``: ``"摘自政企客户经理一对一深度访谈记录
        （2008年9月）"`` — the notes are the consultants' record, in their words or the
        interviewee's; ``"政企客户经理的回答，摘自一对一深度访谈记录（2008年9月）"`` for an answer of
        a question-and-answer note (``voice`` ``"interviewee"``); ``"顾问备注，摘自…记录（…）"`` for
        a comment the note marks as the consultants' (``"consultant"``). Never the
        interviewee, a city or the note's id (a client could ask for the note, which names the
        interviewee).
    """
    from casekit.domain import NOTE_METHODS

    population = _vocabulary_label(POPULATIONS, row.get("population"))
    method = _vocabulary_label(NOTE_METHODS, row.get("method"))
    month = _month(row.get("date"))
    when = f"（{month}）" if month else ""
    voice = "" if _is_missing(row.get("voice")) else str(row.get("voice"))
    if voice == "interviewee" and population:
        return f"{population}的回答，摘自{method or '调研'}记录{when}"
    record = f"{population}{method}记录" if method else f"{population}的调研记录" if population else "调研记录"
    return f"{'顾问备注，' if voice == 'consultant' else ''}摘自{record}{when}"


def _vocabulary_label(vocabulary: Mapping[str, Any], term_id: Any) -> str:
    if _is_missing(term_id):
        return ""
    term = vocabulary.get(str(term_id))
    return term.label if term is not None else str(term_id)


def quote_markdown(quotes: pd.DataFrame) -> str:
    """Excerpts of the notes under their themes, as Markdown block quotes with their source.

    Parameters
    ----------
    quotes : pandas.DataFrame
        :func:`casekit.reports.region_report.region_quotes` (``label``, ``quote`` and the
        columns of :func:`quote_source`), grouped by theme in the order given.

    Returns
    -------
    str
        One ``#### 主题`` heading per theme, each excerpt a block quote followed by
        ``——`` and :func:`quote_source` (``——摘自政企客户经理一对一深度访谈记录（2008年9月）``: an
        excerpt of the record, not a person's words); empty when there is no excerpt. The excerpts' own
        Markdown characters are escaped and a leading list number (``2.``) dropped, so each
        reads exactly as written.
    """
    parts: list[str] = []
    if quotes.empty:
        return ""
    for label, rows in quotes.groupby("label", sort=False):
        parts.append(f"#### {escape_markdown(str(label))}")
        for _, row in rows.iterrows():
            text = escape_markdown(_LEADING_NUMBER.sub("", str(row["quote"])).strip())
            parts.append(f"> {text}\n>\n> ——{escape_markdown(quote_source(row))}")
    return "\n\n".join(parts)
