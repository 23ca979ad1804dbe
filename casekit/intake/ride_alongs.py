"""``ride_alongs.csv``: one row per observed customer visit (工作随访).

The file may carry an optional ``observer`` column (an observer's code, e.g. ``O1``). Then two
rows with the same ``visit_id`` and different observers are one visit recorded twice, the basis
of the observers' agreement: the analyses see the visit once (its first recording, in file
order) in :attr:`RideAlongTables.visits`, and every recording in
:attr:`RideAlongTables.recordings`. Without ``observer``, a repeated ``visit_id`` is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.intake._files import FILE, ROW, read_table, short_list
from casekit.intake.catalogue import local_names
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import (
    RIDE_ALONGS,
    Column,
    cell_problems,
    coerce,
    split_cell,
    vocab_map,
)
from casekit.language import language, tr

__all__ = ["OBSERVER_COLUMN", "RIDE_ALONGS_FILE", "RIDE_ALONG_RECORDINGS", "RideAlongTables", "read_ride_alongs"]

RIDE_ALONGS_FILE = "ride_alongs.csv"
#: The optional column naming who recorded a visit.
OBSERVER_COLUMN = "observer"

#: Every recording of a visit: the columns of ``RIDE_ALONGS`` plus ``observer`` (None when the
#: file has no ``observer`` column or the cell is empty); sorted by ``visit_id``, recordings of
#: one visit in file order.
RIDE_ALONG_RECORDINGS = RIDE_ALONGS.extended([
    Column("observer", "object", source=OBSERVER_COLUMN, required=False, nullable=True),
])

#: With an ``observer`` column a visit id may repeat (one row per observer): checked here instead.
_RECORDED = replace(RIDE_ALONG_RECORDINGS, columns=tuple(
    replace(c, unique=False) if c.name == "visit_id" else c for c in RIDE_ALONG_RECORDINGS.columns))

#: What every recording of one visit must agree on (they describe the same visit).
_SAME_VISIT = ("date", "region", "account_manager")


@dataclass(frozen=True, eq=False)
class RideAlongTables:
    """The ride-alongs of one file.

    Attributes
    ----------
    visits : DataFrame
        One row per visit (its first recording in file order), columns of
        :data:`RIDE_ALONG_RECORDINGS`, sorted by ``visit_id``: what every analysis reads.
    recordings : DataFrame
        Every row of the file with its ``observer``, same columns: a visit recorded by two
        observers has two rows (the observers' agreement).
    """

    visits: pd.DataFrame
    recordings: pd.DataFrame


def _funnel_map() -> dict[str, str]:
    stages = list(domain.FUNNEL_STAGES)
    table = vocab_map(domain.FUNNEL_STAGES)
    table.update({str(i): s for i, s in enumerate(stages, start=1)})
    return table


def read_ride_alongs(root: Path, manifest: Manifest | None, account_managers: set[str] | None,
                     catalogue: pd.DataFrame | None, *, rel: str = RIDE_ALONGS_FILE,
                     period: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                     ) -> tuple[RideAlongTables, list[Problem]]:
    """Read and check ``ride_alongs.csv`` (the baseline's, or a follow-up wave's).

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names.
    account_managers : set of str or None
        Respondent ids of the survey's account managers; None skips that check (survey unreadable).
    catalogue : DataFrame or None
        Regional catalogues, to resolve local product names.
    rel : str
        The file, relative to ``root`` (``followup/w1/ride_alongs.csv`` for a wave): read from
        there and named so in problems.
    period : (Timestamp, Timestamp), optional
        First and last day of a follow-up wave's fieldwork: a visit dated outside it is a problem.

    Returns
    -------
    tables : RideAlongTables
        One row per visit, and every recording.
    problems : list of Problem
        With an ``observer`` column: a repeated visit without an observer on each recording,
        one observer recording a visit twice, recordings of one visit naming another date,
        region or account manager.
    """
    frame, problems = read_table(root / rel, rel)
    if frame is None:
        empty = RIDE_ALONG_RECORDINGS.empty()
        return RideAlongTables(empty, empty.copy()), problems
    observed = OBSERVER_COLUMN in frame.columns
    out, more = coerce(frame, _RECORDED if observed else RIDE_ALONG_RECORDINGS, manifest)
    problems += more
    if observed:
        problems += _recording_problems(frame)
    if period is not None and "date" in out.columns:
        start, end = period
        date = out["date"]
        problems += cell_problems(frame, date.notna() & ((date < start) | (date > end)), "date",
                                  tr(f"这一轮回访调研期内的日期（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}，见 followup/waves.yaml）",
                                     f"a date within the wave's fieldwork period ({start:%Y-%m-%d} to {end:%Y-%m-%d}, "
                                     "followup/waves.yaml)"))

    # funnel stage: id, label, alias or step 1–8
    if "funnel_stage" in frame.columns:
        s = frame["funnel_stage"]
        stage = s.map(_funnel_map())
        problems += cell_problems(frame, (s != "") & stage.isna(), "funnel_stage",
                                  tr(f"销售阶段 1–8（{short_list([t.label for t in domain.FUNNEL_STAGES.values()], 8)}，"
                                     "或其英文编号）",
                                     "a funnel stage 1–8 (" + short_list([t.label for t in domain.FUNNEL_STAGES.values()], 8)
                                     + ", or its English id)"))
        out["funnel_stage"] = stage
        out["funnel_step"] = stage.map({s: i for i, s in enumerate(domain.FUNNEL_STAGES, start=1)})

    # account manager: must be an account-manager respondent of the survey
    if account_managers is not None and "account_manager" in frame.columns:
        s = frame["account_manager"]
        problems += cell_problems(frame, (s != "") & ~s.isin(account_managers), "account_manager",
                                  tr("问卷中一位客户经理的答卷人编号"
                                     + ("" if rel == RIDE_ALONGS_FILE else "（培训前调研的 survey/：每轮都用同一编号）"),
                                     "the respondent id of an account manager in the survey"
                                     + ("" if rel == RIDE_ALONGS_FILE
                                        else " (the baseline's survey/: the same id at every wave)")))

    # products: local names (the row's region's catalogue first) or canonical products
    if "products" in frame.columns:
        out["products_local"], out["products"], more = _products(frame, out, catalogue)
        problems += more
    if observed:
        out["observer"] = frame[OBSERVER_COLUMN].where(frame[OBSERVER_COLUMN] != "", None)
    first = (~frame["visit_id"].duplicated(keep="first") if "visit_id" in frame.columns
             else pd.Series(True, index=frame.index))
    problems.sort(key=lambda p: p.row or 0)
    return RideAlongTables(RIDE_ALONG_RECORDINGS.finalize(out.loc[first]),
                           RIDE_ALONG_RECORDINGS.finalize(out)), problems


def _recording_problems(frame: pd.DataFrame) -> list[Problem]:
    """The checks of a file with an ``observer`` column on visits recorded more than once."""
    if "visit_id" not in frame.columns:
        return []  # reported by coerce
    visit = frame["visit_id"]
    observer = frame[OBSERVER_COLUMN]
    repeated = (visit != "") & visit.duplicated(keep=False)
    if not repeated.any():
        return []
    problems = cell_problems(frame, repeated & (observer == ""), OBSERVER_COLUMN,
                             tr("被记录多次的拜访，每条记录都要有观察员代号（它的 visit_id 出现在好几行）",
                                "an observer's code on every recording of a visit recorded more than once "
                                "(its visit_id is on several rows)"))
    firsts = frame.loc[repeated].drop_duplicates("visit_id").set_index("visit_id")
    twice = repeated & (observer != "") & frame.duplicated(["visit_id", OBSERVER_COLUMN], keep="first")
    if twice.any():
        at = frame.loc[repeated & (observer != "")].drop_duplicates(["visit_id", OBSERVER_COLUMN])
        where = {(v, o): tr(f"{f} 第 {r} 行", f"{f} row {r}")
                 for v, o, f, r in zip(at["visit_id"], at[OBSERVER_COLUMN], at[FILE], at[ROW])}
        found = pd.Series({i: tr(f"{o}（拜访 {v} 已由 {o} 记录在 {where[(v, o)]}）",
                                 f"{o} (visit {v} already recorded by {o} at {where[(v, o)]})")
                           for i, v, o in zip(frame.index[twice], visit[twice], observer[twice])},
                          index=frame.index, dtype=object)
        problems += cell_problems(frame, twice, OBSERVER_COLUMN,
                                  tr("同一次拜访的每条记录由不同的观察员记录", "a different observer on each recording of one visit"),
                                  found=found)
    later = repeated & visit.duplicated(keep="first")
    for column in _SAME_VISIT:
        if column not in frame.columns:
            continue
        first = visit.map(firsts[column])
        differs = later & (frame[column] != first)
        if differs.any():
            if language() == "zh":
                found = (frame[column].where(frame[column] != "", "（空）") + "（这次拜访的第一条记录，"
                         + visit.map(firsts[FILE]) + " 第 " + visit.map(firsts[ROW]).astype(str) + " 行，写的是 "
                         + first.where(first != "", "（空）") + "）")
            else:
                found = (frame[column].where(frame[column] != "", "<missing>") + " (the visit's first recording, "
                         + visit.map(firsts[FILE]) + " row " + visit.map(firsts[ROW]).astype(str) + ", says "
                         + first.where(first != "", "<missing>") + ")")
            problems += cell_problems(frame, differs, column,
                                      tr("同一次拜访的每条记录这一列都相同（另一位观察员记录的同一 visit_id）",
                                         "the same value on every recording of one visit (the same visit_id "
                                         "recorded by another observer)"), found=found)
    return problems


def _products(frame: pd.DataFrame, out: pd.DataFrame, catalogue: pd.DataFrame | None
              ) -> tuple[pd.Series, pd.Series, list[Problem]]:
    texts = frame["products"].fillna("").astype(str).tolist()
    names = local_names(catalogue) if catalogue is not None and len(catalogue) else {}
    anywhere: dict[str, set[str]] = {}
    for table in names.values():
        for name, canonical_id in table.items():
            anywhere.setdefault(name, set()).add(canonical_id)
    canonical = vocab_map(domain.PRODUCTS)
    tops = out["top_region_id"].tolist()
    # cells repeat a lot (a few products per region): each distinct (cell, region) is resolved once
    done: dict[tuple[str, object], tuple[tuple[str, ...], tuple[str, ...], str | None]] = {}
    local, resolved, bad_rows, bad_found = [], [], [], []
    for i, (text, top) in enumerate(zip(texts, tops)):
        key = (text, top if isinstance(top, str) else None)
        hit = done.get(key)
        if hit is None:
            items = split_cell(text)
            region = names.get(top, {}) if isinstance(top, str) else {}
            ids: list[str] = []
            bad: list[str] = []
            for name in items:
                prod: str | None = region.get(name) or canonical.get(name)
                if prod is None and len(anywhere.get(name, ())) == 1:
                    prod = next(iter(anywhere[name]))
                if prod is None:
                    bad.append(name)
                else:
                    ids.append(prod)
            hit = done[key] = (tuple(items), tuple(dict.fromkeys(ids)), "；".join(bad) if bad else None)
        local.append(hit[0])
        resolved.append(hit[1])
        if hit[2] is not None:
            bad_rows.append(i)
            bad_found.append(hit[2])
    mask = pd.Series(False, index=frame.index)
    found = pd.Series(np.nan, index=frame.index, dtype=object)
    if bad_rows:
        mask.iloc[bad_rows] = True
        found.iloc[bad_rows] = bad_found
    problems = cell_problems(frame, mask, "products",
                             tr("该地区 catalogue/<地区编号>.csv 中的产品或标准产品（"
                                + short_list([t.label for t in domain.PRODUCTS.values()], 10) + "）",
                                "products named in the region's catalogue/<region_id>.csv or canonical products ("
                                + short_list([t.label for t in domain.PRODUCTS.values()], 10) + ")"), found=found)
    return (pd.Series(local, index=frame.index, dtype=object),
            pd.Series(resolved, index=frame.index, dtype=object), problems)
