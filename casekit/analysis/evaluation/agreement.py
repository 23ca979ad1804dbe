"""Observer agreement: Cohen's κ per behaviour on visits recorded by two observers.

A ride-along visit recorded twice (the same ``visit_id``, two ``observer`` codes) gives, for every
behaviour, a pair of yes/no ratings. Per behaviour:

* ``observed`` -- the share of double-recorded visits on which the two observers agree;
* ``expected`` -- the agreement two observers would reach by chance with their own rates,
  ``p₁ p₂ + (1 − p₁)(1 − p₂)``;
* Cohen's ``kappa = (observed − expected) / (1 − expected)``: 1 is perfect agreement, 0 no
  better than chance.

A behaviour with ``kappa < KAPPA_MIN`` (0.6, "substantial" agreement by Landis & Koch) is flagged
``unreliable``: its before/after change should be read as indicative only. When both observers
saw the behaviour on every visit, or on none, the chance agreement is 1 and κ is undefined: the
row says so (``defined`` False, ``kappa`` NaN, and a sentence), and is not flagged unreliable --
there is nothing to judge.

The first observer of a pair is the one whose code sorts first; κ pools all pairs of observers
(Cohen's κ assumes the same two raters; with several pairs it is the pooled agreement of "an
observer" and "a second observer"). A visit recorded by more than two observers uses the first
two codes in sort order. It equals :func:`sklearn.metrics.cohen_kappa_score` on the two columns of
ratings (tested).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.evaluation.inputs import check_table
from casekit.analysis.evaluation.wording import name_of
from casekit.domain import BEHAVIOURS, lookup
from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREEMENT_SCHEMA",
    "KAPPA_MIN",
    "agreement_sentence",
    "behaviour_sets",
    "observer_agreement",
]

#: κ below this flags a behaviour as an unreliable measure (Landis & Koch's "substantial").
KAPPA_MIN: float = 0.6

#: The table of :func:`observer_agreement`.
AGREEMENT_SCHEMA = OutputSchema(
    "observer agreement", "casekit.analysis.evaluation.observer_agreement", (
        *columns("str", "behaviour", "behaviour_label"),
        Col("n_visits", "int", description="visits recorded by two observers"),
        Col("seen_first", "int", description="visits on which the first observer recorded the behaviour"),
        Col("seen_second", "int", description="the same for the second observer"),
        Col("seen_both", "int"),
        Col("observed", "float", nullable=True, description="share of visits with the same rating"),
        Col("expected", "float", nullable=True, description="agreement expected by chance"),
        Col("kappa", "float", nullable=True, description="Cohen's κ; NaN when undefined"),
        Col("defined", "bool", description="false when both always or both never saw it"),
        Col("unreliable", "bool", description=f"kappa < {KAPPA_MIN}"),
        Col("sentence", description="plain Chinese"),
    ), consumers=("followup report", "cli followup"))
#: Columns of :func:`observer_agreement` (from its schema).
AGREEMENT_COLUMNS: tuple[str, ...] = AGREEMENT_SCHEMA.names

_NAN = float("nan")


def _behaviour_id(text: str) -> str:
    """A behaviour's id from its id, Chinese label or alias (an unknown text is kept as it is)."""
    return lookup(BEHAVIOURS, text) or text.strip()


def behaviour_sets(value: Any) -> frozenset[str]:
    """The behaviours of one recorded visit, as ids.

    Parameters
    ----------
    value : list, tuple, set, str or None
        Ids (or the domain's Chinese labels) as a collection, or joined by ``;`` or the
        full-width ``；`` as a ride-along file has them. A missing cell is no behaviour.

    Returns
    -------
    frozenset of str
    """
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        parts = [str(v) for v in value]
    elif value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    else:
        parts = re.split("[;；]", str(value))
    return frozenset(_behaviour_id(p) for p in parts if p.strip())


def _pairs(visits: pd.DataFrame) -> list[tuple[frozenset[str], frozenset[str]]]:
    """The (first, second) observers' behaviours of every visit recorded by at least two."""
    pairs = []
    for _, visit in visits.groupby("visit_id", sort=True):
        records = visit.sort_values("observer", kind="mergesort").drop_duplicates("observer")
        if len(records) >= 2:
            pairs.append((records["behaviours"].iloc[0], records["behaviours"].iloc[1]))
    return pairs


def agreement_sentence(row: Mapping[str, Any]) -> str:
    """One plain-Chinese sentence for a row of :func:`observer_agreement` (no κ value in it)."""
    subject = f"“{row['behaviour_label']}”"
    n = row["n_visits"]
    if n == 0:
        return f"{subject}：没有两位观察员同场记录的拜访，无法检查记录的一致性。"
    if not row["defined"]:
        seen = "都记录到了" if row["seen_both"] == n else "都没有记录到"
        return (f"{subject}：两位观察员在同场记录的 {n} 次拜访中{seen}这一行为，"
                "无法判断他们对这一行为的判断是否一致。")
    share = f"{int(round(row['observed'] * 100))}%"
    if row["unreliable"]:
        return (f"{subject}：两位观察员在同场记录的 {n} 次拜访中有 {share} 记录一致，扣除偶然一致后一致程度不足，"
                "这一行为的变化只能作参考。")
    return f"{subject}：两位观察员在同场记录的 {n} 次拜访中有 {share} 记录一致，一致程度可靠。"


def observer_agreement(visits: pd.DataFrame, *, names: Mapping[Any, str] | None = None) -> pd.DataFrame:
    """Cohen's κ per behaviour from visits recorded by two observers.

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit × observer: ``visit_id``, ``observer``, ``behaviours`` (a list or
        tuple of behaviour ids, or ids joined by ``;``). Visits recorded once are ignored. Rows
        without an observer are ignored.
    names : mapping, optional
        Chinese names of behaviour ids not in :data:`casekit.domain.BEHAVIOURS`.

    Returns
    -------
    pandas.DataFrame
        :data:`AGREEMENT_COLUMNS`, one row per behaviour of the domain (in its order) and any
        other behaviour recorded (sorted), whether or not double-recorded visits exist.

    Raises
    ------
    AnalysisError
        If a column is missing, or one observer recorded one visit twice.
    """
    visits = check_table(visits, "visits", ["visit_id", "observer", "behaviours"])
    data = visits.loc[visits["observer"].notna(), ["visit_id", "observer", "behaviours"]].reset_index(drop=True)
    data["observer"] = data["observer"].astype(str).str.strip()
    if data.duplicated(["visit_id", "observer"]).any():
        repeated = data.loc[data.duplicated(["visit_id", "observer"]), "visit_id"].astype(str).unique()
        raise AnalysisError(tr(f"随访记录中同一位观察者把一次拜访记了两遍（拜访编号 {'、'.join(repeated[:5])}）",
                               f"visits: an observer recorded a visit twice (visit_id {', '.join(repeated[:5])})"))
    data["behaviours"] = data["behaviours"].map(behaviour_sets)
    pairs = _pairs(data)
    seen = set().union(*data["behaviours"]) if len(data) else set()
    order = [*BEHAVIOURS, *sorted(seen - set(BEHAVIOURS))]
    first = {b: np.array([b in a for a, _ in pairs], dtype=bool) for b in order}
    second = {b: np.array([b in c for _, c in pairs], dtype=bool) for b in order}
    rows = []
    n = len(pairs)
    for behaviour in order:
        x, y = first[behaviour], second[behaviour]
        row: dict[str, Any] = {"behaviour": behaviour, "behaviour_label": name_of(behaviour, names),
                               "n_visits": n, "seen_first": int(x.sum()), "seen_second": int(y.sum()),
                               "seen_both": int((x & y).sum()), "observed": _NAN, "expected": _NAN,
                               "kappa": _NAN, "defined": False}
        if n:
            p1, p2 = x.mean(), y.mean()
            observed = float((x == y).mean())
            expected = float(p1 * p2 + (1 - p1) * (1 - p2))
            row.update(observed=observed, expected=expected)
            if expected < 1:
                row.update(kappa=(observed - expected) / (1 - expected), defined=True)
        row["unreliable"] = bool(row["defined"] and row["kappa"] < KAPPA_MIN)
        row["sentence"] = agreement_sentence(row)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    return out.astype({"n_visits": "int64", "seen_first": "int64", "seen_second": "int64", "seen_both": "int64",
                       "observed": "float64", "expected": "float64", "kappa": "float64", "defined": "bool",
                       "unreliable": "bool"})
