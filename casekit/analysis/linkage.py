"""Performance linkage: which dimensions and behaviours go together with sales results.

Everything here describes *association*, never cause: the research observes people once, so a
feature that goes with higher attainment may be a consequence of success, or both may follow
from something else (territory, customers, seniority). Every Chinese sentence says "往往"
(tends to) and ends with "（相关，不代表因果）", and none uses causal wording (导致, 造成,
因为, 使得, 提升业绩 …); when the interval includes no association, the sentence says
"未见明显关联" / "未见明显差别".

* :func:`performance_linkage` -- each feature of a
  :class:`~casekit.analysis.features.FeatureTable` against the person's sales result
  (the background question with ``role: performance``): Spearman's rho, a Fisher-z interval
  with the Bonett–Wright standard error ``sqrt((1 + rho²/2) / (n − 3))``, the p value and the
  Benjamini–Hochberg q value over the table.
* :func:`visit_outcome_linkage` -- for each behaviour seen on ride-alongs, the share of visits
  won or advanced with and without it, and the difference with Newcombe's interval (hybrid
  Wilson score, method 10 of Newcombe 1998).

Both treat rows as independent: one person's several visits count as several visits. Read the
intervals as a guide, not as a test of a hypothesis chosen in advance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.features import FeatureTable, feature_label
from casekit.analysis.intervals import (
    bonett_wright_interval,
    check_confidence,
    newcombe_interval,
    wilson_interval,
)
from casekit.domain import BACKGROUND_ROLES, BEHAVIOURS, MIN_CELL_SIZE
from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.formatting import count_label

__all__ = [
    "LINKAGE_COLUMNS",
    "LINKAGE_SCHEMA",
    "SUCCESS_OUTCOMES",
    "VISIT_LINKAGE_COLUMNS",
    "VISIT_LINKAGE_SCHEMA",
    "bonett_wright_interval",
    "newcombe_interval",
    "performance_linkage",
    "visit_outcome_linkage",
    "wilson_interval",
]

#: The table of :func:`performance_linkage`.
LINKAGE_SCHEMA = OutputSchema(
    "performance linkage", "casekit.analysis.performance_linkage", (
        *columns("str", "feature", "label", "block"), Col("n", "int"),
        *columns("float", "rho", "ci_low", "ci_high", "p", "q", nullable=True),
        *columns("str", "strength", "sentence", "note"),
    ), consumers=("reports.tables", "reports.region_report", "cli linkage", "notebooks"))
#: Columns of :func:`performance_linkage` (from its schema).
LINKAGE_COLUMNS: tuple[str, ...] = LINKAGE_SCHEMA.names
#: The table of :func:`visit_outcome_linkage`.
VISIT_LINKAGE_SCHEMA = OutputSchema(
    "visit outcome linkage", "casekit.analysis.visit_outcome_linkage", (
        *columns("str", "behaviour", "label"), Col("n_with", "int"),
        *columns("float", "success_with", "share_with", nullable=True), Col("n_without", "int"),
        *columns("float", "success_without", "share_without", "diff", "ci_low", "ci_high", nullable=True),
        *columns("str", "sentence", "note"),
    ), consumers=("cli linkage",))
#: Columns of :func:`visit_outcome_linkage` (from its schema).
VISIT_LINKAGE_COLUMNS: tuple[str, ...] = VISIT_LINKAGE_SCHEMA.names
#: Outcomes counted as a successful visit (``casekit.domain.OUTCOMES`` ids).
SUCCESS_OUTCOMES: tuple[str, ...] = ("won", "advanced")
#: Appended to every sentence stating an association.
_NOT_CAUSAL = "（相关，不代表因果）"
_NAN = float("nan")


def _strength(rho: float) -> str:
    """弱/中等/较强 + 正/负相关, from the size of ``rho``."""
    if not math.isfinite(rho):
        return ""
    if rho == 0:
        return "无相关"
    size = abs(rho)
    word = "弱" if size < 0.3 else "中等" if size < 0.5 else "较强"
    return f"{word}{'正' if rho > 0 else '负'}相关"


def performance_linkage(
    features: FeatureTable,
    confidence: float = 0.95,
    min_n: int = 10,
    *,
    subject: str = "客户经理",
) -> pd.DataFrame:
    """How each feature goes together with the sales result (Spearman; association only).

    Parameters
    ----------
    features : FeatureTable
        From :func:`casekit.analysis.features.account_manager_features`; its
        ``people["performance"]`` is the sales result.
    confidence : float, default 0.95
        Coverage of the interval of rho.
    min_n : int, default 10
        Fewest people with both values for a correlation to be computed.
    subject : str, default "客户经理"
        Who the people are, as the Chinese sentences name them.

    Returns
    -------
    DataFrame
        One row per feature, sorted by ``|rho|`` descending (features without rho last):
        ``feature``, ``label`` (Chinese), ``block`` (``survey`` / ``time`` / ``ride``), ``n``
        (people with both values), ``rho``, ``ci_low`` / ``ci_high`` (Fisher z with the
        Bonett–Wright standard error), ``p``, ``q`` (Benjamini–Hochberg over the rows with a
        p value), ``strength`` (弱/中等/较强 正/负相关, describing the estimate), ``sentence``
        (Chinese, association wording; "未见明显关联" when the interval includes 0) and
        ``note`` (why rho is missing: fewer than ``min_n`` pairs, or no variation).

    Raises
    ------
    AnalysisError
        If there is no sales result (no background question with ``role: performance``, or
        no value in it), or ``confidence`` is not between 0 and 1.
    """
    check_confidence(confidence)
    people = features.people
    if "performance" not in people.columns or people["performance"].notna().sum() == 0:
        raise AnalysisError(tr(
            "没有业绩数据，无法分析能力、行为与业绩的关联：请在 codebook.yaml 中为记录业绩（如业绩完成率）"
            "的背景题加上 `role: performance`，再重新读取资料包。",
            "No sales result to link to: add `role: performance` "
            "to the background question of codebook.yaml that holds the sales result "
            "(e.g. target attainment), then reload the bundle."
        ))
    perf = pd.to_numeric(people["performance"], errors="coerce").reindex(features.X.index)
    perf_label = BACKGROUND_ROLES["performance"].label
    block_of = {f: b for b, cols in features.blocks.items() for f in cols}
    rows: list[dict[str, Any]] = []
    for feature in features.X.columns:
        x = pd.to_numeric(features.X[feature], errors="coerce")
        both = x.notna() & perf.notna()
        n = int(both.sum())
        label = feature_label(feature)
        row: dict[str, Any] = {"feature": feature, "label": label, "block": block_of.get(feature, ""),
                               "n": n, "rho": _NAN, "ci_low": _NAN, "ci_high": _NAN, "p": _NAN,
                               "q": _NAN, "strength": "", "note": ""}
        if n < max(min_n, 4):
            row["note"] = f"同时有两项数据的{subject}不足{max(min_n, 4)}人，未计算"
        elif x[both].nunique() < 2 or perf[both].nunique() < 2:
            row["note"] = "取值没有变化，无法计算"
        else:
            result = stats.spearmanr(x[both], perf[both])
            rho = float(result.statistic)
            low, high = bonett_wright_interval(rho, n, confidence)
            row.update(rho=rho, ci_low=low, ci_high=high, p=float(result.pvalue),
                       strength=_strength(rho))
        row["sentence"] = _sentence(row, label, perf_label, subject)
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(LINKAGE_COLUMNS))
    has_p = table["p"].notna()
    if has_p.any():
        table.loc[has_p, "q"] = stats.false_discovery_control(table.loc[has_p, "p"].to_numpy(), method="bh")
    table = table.astype({"n": "int64", **{c: "float64" for c in ("rho", "ci_low", "ci_high", "p", "q")}})
    order = table["rho"].abs().fillna(-1.0)
    table = table.iloc[np.argsort(-order.to_numpy(), kind="stable")]
    return table.reset_index(drop=True)


def _sentence(row: dict[str, Any], label: str, perf_label: str, subject: str) -> str:
    if row["note"]:
        return f"{label}：{row['note']}"
    low, high = row["ci_low"], row["ci_high"]
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 <= high:
        return f"{label}与{perf_label}之间未见明显关联（{count_label(row['n'])}人）"
    direction = "往往也越高" if row["rho"] > 0 else "往往越低"
    return f"{label}越高的{subject}，{perf_label}{direction}{_NOT_CAUSAL}"


def visit_outcome_linkage(
    bundle: Any, confidence: float = 0.95, *, min_n: int = MIN_CELL_SIZE
) -> pd.DataFrame:
    """Share of ride-along visits won or advanced, with and without each behaviour.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``ride_alongs`` is read).
    confidence : float, default 0.95
        Coverage of Newcombe's interval of the difference.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Fewest visits on each side (with / without) for the shares to be shown.

    Returns
    -------
    DataFrame
        One row per behaviour observed at least once, sorted by ``diff`` descending (rows
        without a difference last): ``behaviour``, ``label`` (Chinese), ``n_with`` /
        ``n_without`` (visits with / without it), ``success_with`` / ``success_without``
        (of those, visits whose outcome was won or advanced), ``share_with`` /
        ``share_without`` (0–1), ``diff`` (``share_with − share_without``), ``ci_low`` /
        ``ci_high`` (Newcombe), ``sentence`` (Chinese, association wording) and ``note``.
        When one side has fewer than ``min_n`` visits, the successes, shares and difference
        are missing and ``note`` says why. Empty when the bundle has no ride-along.

    Raises
    ------
    AnalysisError
        If ``confidence`` is not between 0 and 1.
    """
    check_confidence(confidence)
    visits = bundle.ride_alongs
    success = visits["outcome"].isin(SUCCESS_OUTCOMES).to_numpy()
    seen = visits["behaviours"].map(lambda b: set(b) if isinstance(b, (tuple, list, set)) else set())
    rows: list[dict[str, Any]] = []
    for behaviour, term in BEHAVIOURS.items():
        has = np.array([behaviour in s for s in seen], dtype=bool)
        if not has.any():
            continue
        n1, n2 = int(has.sum()), int((~has).sum())
        s1, s2 = int(success[has].sum()), int(success[~has].sum())
        row: dict[str, Any] = {"behaviour": behaviour, "label": term.label, "n_with": n1,
                               "n_without": n2, "note": ""}
        if min(n1, n2) < max(min_n, 1):
            side = "观察到" if n1 < max(min_n, 1) else "未观察到"
            row.update(success_with=_NAN, success_without=_NAN, share_with=_NAN,
                       share_without=_NAN, diff=_NAN, ci_low=_NAN, ci_high=_NAN,
                       note=f"{side}该行为的拜访不足{max(min_n, 1)}次，未计算")
            row["sentence"] = f"“{term.label}”：{row['note']}"
        else:
            low, high = newcombe_interval(s1, n1, s2, n2, confidence)
            row.update(success_with=s1, success_without=s2, share_with=s1 / n1,
                       share_without=s2 / n2, diff=s1 / n1 - s2 / n2, ci_low=low, ci_high=high)
            if low <= 0 <= high:
                row["sentence"] = f"有无“{term.label}”的拜访，成交或推进到下一步的比例未见明显差别"
            else:
                direction = "往往更高" if low > 0 else "往往更低"
                row["sentence"] = (f"观察到“{term.label}”的拜访，成交或推进到下一步的比例"
                                   f"{direction}{_NOT_CAUSAL}")
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(VISIT_LINKAGE_COLUMNS))
    table = table.astype({"n_with": "int64", "n_without": "int64", **{c: "float64" for c in (
        "success_with", "success_without", "share_with", "share_without", "diff", "ci_low",
        "ci_high")}})
    order = table["diff"].fillna(-np.inf).to_numpy()
    table = table.iloc[np.argsort(-order, kind="stable")]
    return table.reset_index(drop=True)
