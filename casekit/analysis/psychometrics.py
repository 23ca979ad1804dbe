"""Scale psychometrics for questionnaire data: scale scores, Cronbach's alpha, item analysis.

Every function takes plain pandas objects so that it works on any questionnaire:

* an **item matrix** ``items`` -- one row per respondent, one column per item id, numeric values
  with ``NaN`` for an unanswered item. Reverse-keyed items must be reversed, either beforehand
  with :func:`reverse_items` or through the ``reverse`` argument of :func:`scale_scores` and
  :func:`reliability`;
* a **scale map** ``scales`` -- scale name → the item ids of the scale;
* optionally ``groups`` -- a :class:`pandas.Series` with the same index as ``items`` giving
  each respondent's group (region, population, ...).

Missing answers are handled *pairwise*, as pingouin (``nan_policy="pairwise"``) and R's
``psych::alpha(use="pairwise")`` do: each item variance and each covariance between two items
uses every respondent who answered the item, or both items. Nothing here suppresses small groups:
these tables are for the consultant's own checks, not for clients (see
:mod:`casekit.formatting` for client-facing numbers).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.checks import preview, preview_zh
from casekit.analysis.grouping import align_groups, group_order
from casekit.exceptions import AnalysisError
from casekit.language import quoted, tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "ALL_GROUPS",
    "ITEM_ANALYSIS_COLUMNS",
    "ITEM_ANALYSIS_SCHEMA",
    "RELIABILITY_COLUMNS",
    "RELIABILITY_SCHEMA",
    "AlphaResult",
    "AnalysisError",
    "cronbach_alpha",
    "item_analysis",
    "reliability",
    "reverse_items",
    "scale_scores",
]

#: The table of :func:`reliability`.
RELIABILITY_SCHEMA = OutputSchema(
    "reliability", "casekit.analysis.reliability", (
        *columns("str", "scale", "group"), *columns("int", "n_items", "n"),
        *columns("float", "mean", "sd", "alpha", nullable=True), Col("note"),
    ), consumers=("analysis.survey_summary", "cli survey", "notebooks"))
#: Columns of :func:`reliability` (from its schema).
RELIABILITY_COLUMNS: tuple[str, ...] = RELIABILITY_SCHEMA.names

#: The table of :func:`item_analysis`.
ITEM_ANALYSIS_SCHEMA = OutputSchema(
    "item analysis", "casekit.analysis.item_analysis", (
        Col("item"), Col("n", "int"),
        *columns("float", "mean", "sd", "item_total_r", "alpha_if_deleted", nullable=True),
    ), consumers=("public API",))
#: Columns of :func:`item_analysis` (from its schema).
ITEM_ANALYSIS_COLUMNS: tuple[str, ...] = ITEM_ANALYSIS_SCHEMA.names

#: The ``group`` of :func:`reliability`'s rows when no ``groups`` are given.
ALL_GROUPS = "(all)"

Reverse = Mapping[str, tuple[float, float]]


# --------------------------------------------------------------------------------------------
# input checks (shared ones: casekit.analysis.checks, casekit.analysis.grouping)


def _check_items(items: object, caller: str) -> pd.DataFrame:
    """Return ``items`` as a float DataFrame, or raise :class:`AnalysisError`."""
    if not isinstance(items, pd.DataFrame):
        raise AnalysisError(tr(
            f"{caller} 需要一张题目表（pandas DataFrame，每行一人、每列一题），实际为 {type(items).__name__}",
            f"{caller} expects items as a pandas DataFrame (respondents x items), "
            f"got {type(items).__name__}"
        ))
    if items.columns.has_duplicates:
        dup = items.columns[items.columns.duplicated()].unique().tolist()
        raise AnalysisError(tr(
            f"题目表中有重复的列{preview_zh(dup)}；题目编号不能重复",
            f"items has duplicated column(s) {preview(dup)}; item ids must be unique"
        ))
    if items.index.has_duplicates:
        raise AnalysisError(tr(
            "题目表的行索引有重复；每一行应是一位答卷人",
            "items has a duplicated index; each row must be one respondent"
        ))
    bad = [c for c in items.columns if items[c].dtype.kind not in "biuf"]
    if bad:
        raise AnalysisError(tr(
            f"题目表应全是数字，列{preview_zh(bad)} 不是（类型为 {items[bad[0]].dtype}）；请先把答案换算成分数",
            f"items must be numeric; column(s) {preview(bad)} are not "
            f"(dtype {items[bad[0]].dtype}); convert answers to numbers first"
        ))
    return items.astype("float64")


def _check_scales(scales: object, items: pd.DataFrame) -> dict[str, list[str]]:
    """Return the scale map as a dict of lists, or raise with every unknown item at once."""
    if not isinstance(scales, Mapping) or not scales:
        raise AnalysisError(tr(
            f"量表对照（scales）应为“量表名称 → 题目编号”的非空映射，实际为 {scales!r:.80}",
            "scales must be a non-empty mapping of scale name -> item ids, "
            f"got {scales!r:.80}"
        ))
    out: dict[str, list[str]] = {}
    problems = []
    columns = set(items.columns)
    for name, ids in scales.items():
        if isinstance(ids, str) or not isinstance(ids, Sequence) or len(ids) == 0:
            problems.append(tr(
                f"量表{quoted(name)}：应为非空的题目编号列表，实际为 {ids!r}",
                f"scale {name!r}: expected a non-empty list of item ids, found {ids!r}"
            ))
            continue
        unknown = [i for i in ids if i not in columns]
        if unknown:
            problems.append(tr(
                f"量表{quoted(name)}：题目{preview_zh(unknown)} 不在题目表中",
                f"scale {name!r}: item(s) {preview(unknown)} are not columns of items"
            ))
        if len(set(ids)) != len(ids):
            problems.append(tr(f"量表{quoted(name)}：有题目列了两次（{'、'.join(map(str, ids))}）",
                               f"scale {name!r}: an item is listed twice ({list(ids)!r})"))
        out[name] = list(ids)
    if problems:
        raise AnalysisError(
            tr("量表对照与题目表不符：", "the scale map does not match items:") + "\n  - " + "\n  - ".join(problems)
        )
    return out


# --------------------------------------------------------------------------------------------
# reverse keys and scale scores


def reverse_items(items: pd.DataFrame, reverse: Reverse | None) -> pd.DataFrame:
    """Reverse-key items: ``v`` becomes ``min + max - v``.

    Parameters
    ----------
    items : pandas.DataFrame
        Item matrix (respondents x items, numeric, ``NaN`` = unanswered).
    reverse : mapping of str to (float, float), or None
        Item id → ``(min, max)`` of its response scale, e.g. ``{"q7": (1, 5)}`` turns 1 into 5
        and 2 into 4. ``None`` or an empty mapping returns a copy of ``items``.

    Returns
    -------
    pandas.DataFrame
        A float copy of ``items`` with the listed columns reversed.

    Raises
    ------
    AnalysisError
        If an item id is not a column of ``items``, if ``min >= max``, or if an answer lies
        outside ``[min, max]`` (a wrong range would silently shift every score).
    """
    data = _check_items(items, "reverse_items")
    if not reverse:
        return data
    problems = []
    for item, bounds in reverse.items():
        if item not in data.columns:
            problems.append(tr(f"{quoted(item)} 不在题目表中", f"{item!r} is not a column of items"))
            continue
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            problems.append(tr(f"{quoted(item)}：应为（最小值, 最大值），实际为 {bounds!r}",
                               f"{item!r}: expected (min, max), found {bounds!r}"))
            continue
        if not lo < hi:
            problems.append(tr(f"{quoted(item)}：最小值应小于最大值，实际为（{lo:g}, {hi:g}）",
                               f"{item!r}: expected min < max, found ({lo:g}, {hi:g})"))
            continue
        column = data[item]
        outside = column[(column < lo) | (column > hi)]
        if len(outside):
            values = sorted(outside.unique().tolist())
            problems.append(tr(
                f"{quoted(item)}：答案应在 {lo:g} 到 {hi:g} 之间，实际有{preview_zh(values)}",
                f"{item!r}: expected answers within [{lo:g}, {hi:g}], found {preview(values)}"
            ))
            continue
        data[item] = lo + hi - column
    if problems:
        raise AnalysisError(
            tr("无法反向计分：", "cannot reverse-key the items:") + "\n  - " + "\n  - ".join(problems)
        )
    return data


def _required_answers(min_answered: float, n_items: int) -> int:
    """Smallest number of answered items (out of ``n_items``) that gives a scale score."""
    if isinstance(min_answered, bool) or not isinstance(min_answered, numbers.Real):
        raise AnalysisError(tr(
            f"min_answered 应为 0 到 1 之间的比例（不含 0）或不小于 1 的题数，实际为 {min_answered!r}",
            f"min_answered must be a share in (0, 1] or a count >= 1, got {min_answered!r}"
        ))
    if isinstance(min_answered, numbers.Integral):
        if min_answered < 1:
            raise AnalysisError(tr(
                f"min_answered 作为题数应不小于 1，实际为 {min_answered}",
                f"min_answered as a count must be >= 1, got {min_answered}"
            ))
        return min(int(min_answered), n_items)
    if not 0 < min_answered <= 1:
        raise AnalysisError(tr(
            f"min_answered 作为比例应在 0 到 1 之间（不含 0），实际为 {min_answered!r}（题数请写整数）",
            f"min_answered as a share must be in (0, 1], got {min_answered!r} "
            "(pass an int for a count of items)"
        ))
    # tolerance so that e.g. 0.3 * 10 counts as 3, not 3.0000000000000004
    return max(1, math.ceil(min_answered * n_items - 1e-9))


def scale_scores(
    items: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    *,
    min_answered: float = 0.5,
    reverse: Reverse | None = None,
) -> pd.DataFrame:
    """Score every respondent on every scale: the mean of their answered items.

    Parameters
    ----------
    items : pandas.DataFrame
        Item matrix (respondents x items, numeric, ``NaN`` = unanswered).
    scales : mapping of str to sequence of str
        Scale name → item ids (columns of ``items``).
    min_answered : float or int, default 0.5
        How many of a scale's items a respondent must have answered to get a score. A float in
        ``(0, 1]`` is a share of the scale's items (0.5: at least half, rounded up; ``1.0``:
        all), an int ``>= 1`` a count (capped at the scale's number of items, so ``3`` on a
        two-item scale means both). Note ``1`` (one item) differs from ``1.0`` (all items).
    reverse : mapping of str to (float, float), optional
        Reverse keys applied first, see :func:`reverse_items`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``items``, one float column per scale (in the order of ``scales``):

        .. math:: s_{r} = \\frac{1}{|A_r|}\\sum_{i \\in A_r} x_{ri}

        where :math:`A_r` is the set of the scale's items respondent :math:`r` answered;
        ``NaN`` when :math:`|A_r|` is below the ``min_answered`` threshold.

    Raises
    ------
    AnalysisError
        If ``items`` is not numeric, a scale names an item that is not a column (all such items
        are listed), or ``min_answered`` is out of range.
    """
    data = (
        reverse_items(items, reverse)
        if reverse
        else _check_items(items, "scale_scores")
    )
    scale_map = _check_scales(scales, data)
    out = {}
    for name, ids in scale_map.items():
        block = data[ids]
        required = _required_answers(min_answered, len(ids))
        answered = block.notna().sum(axis=1)
        out[name] = block.mean(axis=1).where(answered >= required)
    return pd.DataFrame(out, index=data.index, columns=list(scale_map)).astype(
        "float64"
    )


# --------------------------------------------------------------------------------------------
# Cronbach's alpha


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one item matrix, with Feldt's confidence interval.

    Attributes
    ----------
    alpha : float
        Cronbach's alpha (pairwise covariances unless ``nan_policy="listwise"``).
    ci_low, ci_high : float
        Feldt confidence interval bounds (not rounded; pingouin rounds them to 3 decimals).
    ci_level : float
        Confidence level of the interval, e.g. ``0.95``.
    n : int
        Respondents used: rows with at least one answered item (pairwise), or complete rows
        (listwise). This is the ``n`` of Feldt's interval.
    n_items : int
        Number of items ``k``.
    """

    alpha: float
    ci_low: float
    ci_high: float
    ci_level: float
    n: int
    n_items: int

    @property
    def ci(self) -> tuple[float, float]:
        """The confidence interval as ``(low, high)``."""
        return (self.ci_low, self.ci_high)

    def to_frame(self) -> pd.DataFrame:
        """One row with the columns ``alpha``, ``ci_low``, ``ci_high``, ``ci_level``, ``n``,
        ``n_items``."""
        return pd.DataFrame([self.__dict__])


def _alpha_from_cov(cov: np.ndarray) -> float:
    """Cronbach's alpha from a k x k covariance matrix; NaN when undefined."""
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def cronbach_alpha(
    items: pd.DataFrame,
    *,
    nan_policy: Literal["pairwise", "listwise"] = "pairwise",
    ci: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha of an item matrix, with Feldt's confidence interval.

    Parameters
    ----------
    items : pandas.DataFrame
        Item matrix (respondents x items, numeric, ``NaN`` = unanswered), reverse keys
        already applied (:func:`reverse_items`).
    nan_policy : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"``: each covariance uses every respondent who answered both items (as
        ``pingouin.cronbach_alpha`` and ``psych::alpha(use="pairwise")``); ``"listwise"``:
        only respondents who answered every item.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    AnalysisError
        If ``items`` has fewer than 2 columns or fewer than 2 usable respondents, is not
        numeric, or alpha is undefined: an item answered by fewer than 2 respondents, two
        items never answered by the same respondent, or a total score without variance.

    Notes
    -----
    With :math:`C` the (pairwise) covariance matrix of the :math:`k` items (``ddof=1``),

    .. math::

        \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}\\right)

    i.e. one minus the share of the total-score variance that is item variance [1]_. The
    :math:`1-\\gamma` interval is Feldt's [2]_, with :math:`n` respondents:

    .. math::

        \\alpha_L = 1 - (1-\\alpha)\\,F_{1-\\gamma/2}(n-1, (n-1)(k-1)), \\quad
        \\alpha_U = 1 - (1-\\alpha)\\,F_{\\gamma/2}(n-1, (n-1)(k-1))

    where :math:`F_q` is the :math:`q` quantile of the F distribution. This is exactly
    pingouin's computation, except for :math:`n`: rows without any answer are not counted
    (they change no covariance, but pingouin counts them, narrowing the interval), and with
    ``nan_policy="listwise"`` :math:`n` is the number of complete rows (pingouin 0.5-0.7 keeps
    the number of rows *before* deletion, so its listwise interval is too narrow).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
           Psychometrika, 16(3), 297-334.
    .. [2] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
           coefficient alpha. Applied Psychological Measurement, 11(1), 93-103.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5], "q3": [1, 3, 3, 4]})
    >>> round(cronbach_alpha(items).alpha, 3)
    0.947
    """
    data = _check_items(items, "cronbach_alpha")
    k = data.shape[1]
    if k < 2:
        raise AnalysisError(tr(
            f"题目表只有 {k} 列，计算信度系数至少需要 2 道题",
            f"items has {k} column{'s' if k != 1 else ''}, cronbach_alpha needs at least 2"
        ))
    if nan_policy not in ("pairwise", "listwise"):
        raise AnalysisError(tr(
            f"nan_policy 应为 'pairwise' 或 'listwise'，实际为 {nan_policy!r}",
            f"nan_policy must be 'pairwise' or 'listwise', got {nan_policy!r}"
        ))
    if not 0 < ci < 1:
        raise AnalysisError(tr(f"ci 应为 0 到 1 之间的置信水平，实际为 {ci!r}",
                               f"ci must be a confidence level in (0, 1), got {ci!r}"))
    if nan_policy == "listwise":
        data = data.dropna(how="any")
    else:
        data = data.dropna(how="all")
    n = data.shape[0]
    if n < 2:
        which = "complete " if nan_policy == "listwise" else ""
        raise AnalysisError(tr(
            f"只有 {n} 位答卷人{'答全了这些题目' if which else '有作答'}，计算信度系数至少需要 2 人",
            f"items has {n} {which}respondent{'s' if n != 1 else ''} with answers, "
            "cronbach_alpha needs at least 2"
        ))
    _check_alpha_defined(data)
    alpha = _alpha_from_cov(data.cov().to_numpy())
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = 1 - ci
    low = 1 - (1 - alpha) * stats.f.isf(tail / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail / 2, df1, df2)
    return AlphaResult(
        alpha=alpha,
        ci_low=float(low),
        ci_high=float(high),
        ci_level=float(ci),
        n=int(n),
        n_items=int(k),
    )


def _check_alpha_defined(data: pd.DataFrame) -> None:
    """Raise :class:`AnalysisError` when the pairwise alpha of ``data`` is undefined."""
    answered = data.notna().astype("int64")
    counts = answered.T @ answered  # respondents behind each variance / covariance
    thin = [c for c in data.columns if counts.loc[c, c] < 2]
    if thin:
        raise AnalysisError(tr(
            f"题目{preview_zh(thin)} 的作答人数不足 2 人：无法计算这些题的方差，也就无法计算信度系数",
            f"item(s) {preview(thin)} answered by fewer than 2 respondents: "
            "their variance, and so alpha, is undefined"
        ))
    lonely = np.argwhere(np.triu(counts.to_numpy() < 2, k=1))
    if len(lonely):
        pairs = [f"{data.columns[i]!r}/{data.columns[j]!r}" for i, j in lonely]
        pairs_zh = [f"{quoted(data.columns[i])}与{quoted(data.columns[j])}" for i, j in lonely]
        raise AnalysisError(tr(
            f"同时回答 {'、'.join(pairs_zh[:5])} 的人数不足 2 人：无法计算它们的协方差，也就无法计算信度系数",
            f"item pair(s) {', '.join(pairs[:5])} answered together by fewer than 2 "
            "respondents: their covariance, and so alpha, is undefined"
        ))
    if data.cov().to_numpy().sum() <= 0:
        raise AnalysisError(tr(
            "所有人的回答完全一样，总分没有差异：无法计算信度系数",
            "the items have no total variance (every respondent answered alike): "
            "alpha is undefined"
        ))


def _alpha_or_nan(data: pd.DataFrame) -> float:
    """Pairwise alpha, or NaN where :func:`cronbach_alpha` would refuse the data."""
    return _alpha_with_reason(data)[0]


#: Why a scale's items give no alpha (or no scores) when different people answered them.
_APART = ("its items were answered by different people (no respondent answered all of them; "
          "items asked of different populations are different scales)")
_APART_ZH = "这个量表的题目由不同的人作答（没有人答全所有题目；问不同岗位的题目应分成不同的量表）"


def _answered_apart(data: pd.DataFrame) -> bool:
    """True when nobody answered every item and some item pair was answered together by < 2."""
    answered = data.notna().astype("int64")
    if data.shape[1] < 2 or data.shape[0] < 2 or bool((answered.sum(axis=1) == data.shape[1]).any()):
        return False
    return int((answered.T @ answered).to_numpy().min()) < 2


def _alpha_with_reason(data: pd.DataFrame) -> tuple[float, str]:
    """Pairwise alpha and ``""``, or NaN and why alpha is undefined (one sentence)."""
    nan = float("nan")
    if data.shape[1] < 2:
        return nan, tr(f"没有信度系数：至少需要 2 道题，这个量表只有 {data.shape[1]} 道。",
                       f"no alpha: it needs at least 2 items, the scale has {data.shape[1]}.")
    data = data.dropna(how="all")
    if data.shape[0] < 2:
        return nan, tr(f"没有信度系数：只有 {data.shape[0]} 人回答了这些题目，至少需要 2 人。",
                       f"no alpha: {data.shape[0]} respondent(s) answered its items, it needs at least 2.")
    if _answered_apart(data):
        return nan, tr(f"没有信度系数：{_APART_ZH}。", f"no alpha: {_APART}.")
    try:
        _check_alpha_defined(data)
    except AnalysisError as exc:
        return nan, tr(f"没有信度系数：{exc}。", f"no alpha: {exc}.")
    alpha = _alpha_from_cov(data.cov().to_numpy())
    return alpha, "" if math.isfinite(alpha) else tr("没有信度系数：各题得分合起来没有差异。",
                                                     "no alpha: the item covariances give no total variance.")


# --------------------------------------------------------------------------------------------
# item analysis and the reliability table


def item_analysis(items: pd.DataFrame) -> pd.DataFrame:
    """Item statistics of one scale: descriptives, corrected item-total r, alpha if deleted.

    Parameters
    ----------
    items : pandas.DataFrame
        Item matrix of one scale (respondents x items, numeric, ``NaN`` = unanswered, at least
        2 items), reverse keys already applied (:func:`reverse_items`).

    Returns
    -------
    pandas.DataFrame
        One row per item, in column order, with the columns

        * ``item`` -- the item id;
        * ``n`` -- respondents who answered it;
        * ``mean``, ``sd`` -- of its answers (``sd`` with ``ddof=1``);
        * ``item_total_r`` -- corrected item-total correlation: the item against the sum of
          the *other* items, from the pairwise covariance matrix :math:`C` as R's
          ``psych::alpha`` computes ``r.drop``:

          .. math:: r_{i} = \\frac{\\sum_{j \\ne i} C_{ij}}
                                  {\\sqrt{C_{ii} \\sum_{j,l \\ne i} C_{jl}}}

          With complete data this is the Pearson correlation of the item with the sum (or
          mean) of the other items; a low or negative value flags an item that does not
          measure what the others do (or a forgotten reverse key);
        * ``alpha_if_deleted`` -- pairwise Cronbach's alpha of the other items (``NaN`` for a
          two-item scale, where one item is left).

        ``item_total_r`` and ``alpha_if_deleted`` are ``NaN`` when undefined (e.g. an item
        without variance).

    Raises
    ------
    AnalysisError
        If ``items`` has fewer than 2 columns or is not numeric.
    """
    data = _check_items(items, "item_analysis")
    k = data.shape[1]
    if k < 2:
        raise AnalysisError(tr(
            f"题目表只有 {k} 列，题目分析至少需要 2 道题",
            f"items has {k} column{'s' if k != 1 else ''}, item_analysis needs at least 2"
        ))
    cov = data.cov().to_numpy()
    rows = []
    for i, item in enumerate(data.columns):
        rest = [j for j in range(k) if j != i]
        rest_cov = cov[np.ix_(rest, rest)]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = cov[i, rest].sum() / math.sqrt(cov[i, i] * rest_cov.sum())
        column = data[item]
        rows.append(
            {
                "item": item,
                "n": int(column.notna().sum()),
                "mean": float(column.mean()),
                "sd": float(column.std(ddof=1)),
                "item_total_r": float(r) if np.isfinite(r) else float("nan"),
                "alpha_if_deleted": _alpha_or_nan(data.drop(columns=item)),
            }
        )
    return pd.DataFrame(rows, columns=list(ITEM_ANALYSIS_COLUMNS))


def reliability(
    items: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    *,
    groups: pd.Series | None = None,
    reverse: Reverse | None = None,
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Reliability table: each scale's score distribution and Cronbach's alpha, per group.

    Parameters
    ----------
    items : pandas.DataFrame
        Item matrix (respondents x items, numeric, ``NaN`` = unanswered).
    scales : mapping of str to sequence of str
        Scale name → item ids.
    groups : pandas.Series, optional
        Each respondent's group, with the same index as ``items``. Respondents with a missing
        group are left out. Groups are listed in category order for a categorical, else
        sorted.
    reverse : mapping of str to (float, float), optional
        Reverse keys applied first, see :func:`reverse_items`.
    min_answered : float or int, default 0.5
        Threshold for a scale score, see :func:`scale_scores`.

    Returns
    -------
    pandas.DataFrame
        One row per scale (order of ``scales``), or per scale x group, with the columns
        :data:`RELIABILITY_COLUMNS`:

        * ``scale``; ``group`` (:data:`ALL_GROUPS` when ``groups`` is None);
        * ``n_items`` -- items of the scale;
        * ``n`` -- respondents with a scale score (see ``min_answered``);
        * ``mean``, ``sd`` -- of the scale scores (``sd`` with ``ddof=1``, ``NaN`` if n < 2);
        * ``alpha`` -- pairwise Cronbach's alpha (as :func:`cronbach_alpha`) of the scale's
          items over **every respondent of the group who answered at least one of its items**,
          as ``pingouin.cronbach_alpha(nan_policy="pairwise")`` and
          ``psych::alpha(use="pairwise")`` compute it on those rows. This can be more
          respondents than ``n``: someone who answered too few items for a score (below
          ``min_answered``) still contributes their answers to the item variances and
          covariances. ``NaN`` for a one-item scale, a group with fewer than 2 respondents
          with a score, or whenever alpha is undefined (an item answered by fewer than 2
          respondents, two items never answered together, no total variance);
        * ``note`` -- why a statistic is missing (``""`` when none is): fewer than 2
          respondents with a score, a one-item scale, items answered by different people
          (nobody answered all of them: usually items asked of different populations put in
          one scale), or why alpha is otherwise undefined.

    Raises
    ------
    AnalysisError
        If the inputs do not fit together (see :func:`scale_scores`; ``groups`` with another
        index than ``items``).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a1": [1, 2, 4, 5], "a2": [2, 2, 5, 4], "b1": [3, 1, 2, 3]})
    >>> table = reliability(items, {"A": ["a1", "a2"], "B": ["b1"]})
    >>> table[["scale", "group", "n_items", "n", "alpha"]].round(2)
      scale  group  n_items  n  alpha
    0     A  (all)        2  4   0.91
    1     B  (all)        1  4    NaN
    """
    data = (
        reverse_items(items, reverse) if reverse else _check_items(items, "reliability")
    )
    scale_map = _check_scales(scales, data)
    scores = scale_scores(data, scale_map, min_answered=min_answered)
    if groups is None:
        memberships: list[tuple[Hashable, pd.Index]] = [(ALL_GROUPS, data.index)]
    else:
        aligned = align_groups(groups, data.index, "items")
        memberships = [(g, aligned.index[aligned == g]) for g in group_order(aligned)]
    rows = []
    for name, ids in scale_map.items():
        for group, members in memberships:
            score = scores.loc[members, name].dropna()
            n = int(score.size)
            notes = []
            if n < 2:
                needed = _required_answers(min_answered, len(ids))
                notes.append(tr(
                    f"{'没有人' if n == 0 else f'只有 {n} 人'}有量表得分（{len(ids)} 道题中至少答了 {needed} 道才有得分）："
                    f"{'没有均分、' if n == 0 else '没有'}标准差和信度系数（至少需要 2 人）。",
                    f"{n} respondent(s) with a scale score (at least {needed} of its "
                    f"{len(ids)} items answered): {'no mean, ' if n == 0 else ''}no sd and no "
                    "alpha (they need at least 2)."))
                if _answered_apart(data.loc[members, ids].dropna(how="all")):
                    notes.append(tr(_APART_ZH + "。", _APART[0].upper() + _APART[1:] + "."))
                alpha = float("nan")
            else:
                # pairwise over everyone who answered an item, not only the scored (psych, pingouin)
                alpha, why = _alpha_with_reason(data.loc[members, ids])
                notes.append(why[0].upper() + why[1:] if why else "")
            rows.append(
                {
                    "scale": name,
                    "group": group,
                    "n_items": len(ids),
                    "n": n,
                    "mean": float(score.mean()) if n else float("nan"),
                    "sd": float(score.std(ddof=1)) if n >= 2 else float("nan"),
                    "alpha": alpha,
                    "note": " ".join(x for x in notes if x),
                }
            )
    frame = pd.DataFrame(rows, columns=list(RELIABILITY_COLUMNS))
    return frame.astype({"n_items": "int64", "n": "int64"})
