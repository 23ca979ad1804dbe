"""One verdict per measure, in the words a client reads: what changed, whether the course can take
the credit, and when the data cannot tell.

A measure of a region and wave may have two rows in :class:`~casekit.analysis.evaluation.levels.FollowUpEvaluation`:
the trainees' own change (before/after, or against the trend line for sales) and, when untrained
people of the same posts were measured too, the comparison with them. Printed side by side they
could say opposite things ("明显降低" and "无明显变化" for the same behaviour), so :func:`verdict`
gives the one the reader should take away:

* the comparison decides when there is one: a change that holds against the untrained is the
  course's (``明显提高（与未参训人员对比也成立）``); a change the trainees show but the untrained
  show too, or that the comparison cannot confirm, is said as such
  (``参训人员有变化，但扣除未参训人员同期的变化后还不能确定与培训有关``); a change the comparison
  confirms but the trainees' own range does not is said with both (``单看前后还不确定；…``);
* without a comparison, the trainees' change (with regression to the mean noted elsewhere);
* no claimed change is ``无明显变化`` only when the interval is narrow enough to rule out a change
  that matters (:data:`INFORMATIVE_WIDTH`) -- and not of zero width, which only says that the few
  people observed were alike; a wider one says ``人数太少，还判断不了`` -- "no
  clear change" from eight people and a range of −82 to +100 points would read as "the course did
  nothing";
* a behaviour the two observers did not record alike is ``记录不一致，只作参考``; a hidden row
  ``人数不足，不显示``; a level without a change (the reaction sheet, the coaching log) ``—``.

Whether a change is good is said too, where the method says which way is good
(:data:`casekit.domain.BEHAVIOUR_SKILL`: opening with a discount going down is progress).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from casekit.domain import BEHAVIOUR_SKILL

__all__ = ["INFORMATIVE_WIDTH", "NOT_CONFIRMED", "TOO_FEW", "NO_CHANGE", "desired_direction", "verdict"]

#: Widest 95% interval (in the measure's unit: 40 percentage points of a share or a percent, i.e.
#: ±20; 0.8 of a point of a five-point score) with which "no clear change" still says something;
#: wider, the data cannot tell.
INFORMATIVE_WIDTH: Mapping[str, float] = {"share": 0.4, "percent": 40.0, "score": 0.8}
#: Said when no change is claimed and the interval is too wide to rule one out.
TOO_FEW = "人数太少，还判断不了"
#: Said when no change is claimed and the interval is narrow.
NO_CHANGE = "无明显变化"
#: Said when the trainees changed but the comparison with the untrained does not confirm it.
NOT_CONFIRMED = "参训人员有变化，但扣除未参训人员同期的变化后还不能确定与培训有关"
_BOTH = NOT_CONFIRMED


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def desired_direction(measure: str) -> str | None:
    """``"up"`` or ``"down"`` when the method says which way a measure should move, else None.

    Behaviours follow :data:`casekit.domain.BEHAVIOUR_SKILL` (consultative ones up, pushing ones
    down, a product demonstration neither); every other measure of the evaluation (quiz, scores,
    question share, sales, visits advanced) is better higher.
    """
    if measure in BEHAVIOUR_SKILL:
        sign = BEHAVIOUR_SKILL[measure][1]
        return "up" if sign > 0 else ("down" if sign < 0 else None)
    return "up"


def _moved(row: Mapping[str, Any]) -> str:
    words = "明显提高" if row["direction"] == "up" else "明显降低"
    wanted = desired_direction(str(row["measure"]))
    if wanted is None:
        return words
    return words + ("（向好）" if wanted == row["direction"] else "（变差）")


def _unclaimed(row: Mapping[str, Any]) -> str:
    low, high = row.get("ci_low"), row.get("ci_high")
    if _missing(low) or _missing(high):
        return TOO_FEW
    width = float(high) - float(low)
    if width <= 0:  # every person alike before and after: no spread to rule a change out with
        return TOO_FEW
    return NO_CHANGE if width <= INFORMATIVE_WIDTH.get(str(row["unit"]), math.inf) else TOO_FEW


def verdict(row: Mapping[str, Any], comparison: Mapping[str, Any] | None = None) -> str:
    """The one verdict on a measure of a region and wave.

    Parameters
    ----------
    row : mapping
        A row of a measure table (:data:`~casekit.analysis.evaluation.levels.LEVEL_COLUMNS`):
        the trainees' change (``before_after`` or ``trend_line``), or a level.
    comparison : mapping, optional
        The same measure's ``control_group`` row (difference-in-differences), when there is one.

    Returns
    -------
    str
        Plain Chinese (see the module docstring).

    Examples
    --------
    >>> row = {"measure": "asks_needs", "unit": "share", "change": 0.54, "ci_low": 0.14,
    ...        "ci_high": 0.93, "claimed": True, "direction": "up", "hidden": False, "unreliable": False}
    >>> verdict(row)
    '明显提高（向好）'
    >>> verdict(row, {**row, "claimed": False, "ci_low": -0.2, "ci_high": 0.9})
    '参训人员有变化，但扣除未参训人员同期的变化后还不能确定与培训有关'
    """
    if row.get("hidden"):
        return "人数不足，不显示"
    if row.get("unreliable"):
        return "记录不一致，只作参考"
    if _missing(row.get("change")):
        return "—"
    usable = (comparison is not None and not comparison.get("hidden") and not comparison.get("unreliable")
              and not _missing(comparison.get("change")))
    if usable:
        assert comparison is not None
        if comparison["claimed"]:
            if row["claimed"]:
                return _moved(comparison) + "，与未参训人员对比也成立"
            return "单看前后还不确定；与未参训人员对比后" + _moved(comparison)
        if row["claimed"]:
            return _BOTH
        return _unclaimed(row)
    if row["claimed"]:
        return _moved(row)
    return _unclaimed(row)
