"""How the evaluation writes its numbers and names in Chinese sentences a client reads.

A measure has a *unit* (:data:`UNITS`) that decides how its levels and changes are written:

``share``
    a proportion in [0, 1] (a behaviour's rate on the observed visits, a quiz score's share of
    the points): levels as whole percentages (``32%``), changes in percentage points
    (``26 个百分点``);
``percent``
    a number already in percent (target attainment of the sales measure): the same words,
    without the factor 100;
``score``
    a questionnaire score: two decimals (:func:`casekit.formatting.score`), changes as
    :func:`casekit.formatting.signed` writes them, in 分.

A change shown beside two levels is the difference of the two levels *as shown* (the reader's own
subtraction matches), as everywhere in casekit (:func:`casekit.formatting.rounded_diff`). Numbers
are never written with the ASCII hyphen: negatives take the minus sign
:data:`casekit.formatting.MINUS`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

from casekit.domain import BEHAVIOURS, DIMENSIONS, POPULATIONS
from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.formatting import MINUS, MISSING, count_label, rounded_diff, score, signed

__all__ = [
    "ADJUSTED_NOTE",
    "KNOWN_NAMES",
    "UNITS",
    "amount_text",
    "change_words",
    "check_unit",
    "level_text",
    "name_of",
    "people_text",
    "range_text",
    "subject_text",
]

#: Units of a measure (see the module docstring).
UNITS: tuple[str, ...] = ("share", "percent", "score")

#: Said after an interval adjusted for the number of tests of its family.
ADJUSTED_NOTE = "已按同时检验的数量校正"

#: Chinese names of the ids a sentence may meet, when the caller gives none: populations,
#: behaviours, dimensions, and the evaluation's own measures.
KNOWN_NAMES: Mapping[str, str] = {
    **{t: POPULATIONS[t].label for t in POPULATIONS},
    **{t: BEHAVIOURS[t].label for t in BEHAVIOURS},
    **{t: DIMENSIONS[t].label for t in DIMENSIONS},
    "quiz": "知识测验",
    "sales": "业绩完成率",
    "trained": "参训人员",
    "untrained": "未参训人员",
}


def check_unit(unit: object) -> str:
    """Return ``unit`` if it is one of :data:`UNITS`; raise :class:`AnalysisError` otherwise."""
    if unit not in UNITS:
        raise AnalysisError(tr(f"unit 应为 {'、'.join(UNITS)} 之一，实际为 {unit!r}",
                               f"unit must be one of {', '.join(UNITS)}, got {unit!r}"))
    return str(unit)


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def name_of(value: Hashable, names: Mapping[Any, str] | None = None) -> str:
    """The Chinese name of an id: ``names`` first, then :data:`KNOWN_NAMES`, else the value.

    Parameters
    ----------
    value : hashable
        A group value (region id, population id …) or a measure id.
    names : mapping, optional
        The caller's names (e.g. region ids to the manifest's Chinese names).

    Returns
    -------
    str
    """
    if names is not None and value in names:
        return str(names[value])
    return KNOWN_NAMES.get(str(value), str(value))


def subject_text(values: Iterable[Hashable], names: Mapping[Any, str] | None = None) -> str:
    """The group a sentence speaks of: its values' names joined (``北京政企客户经理``).

    An empty group (``by=()``) is everybody: ``""``.
    """
    return "".join(name_of(v, names) for v in values if not _missing(v))


def _scale(value: float, unit: str) -> float:
    return float(value) * 100 if unit == "share" else float(value)


def _whole(value: float) -> str:
    """A whole number, with the minus sign for negatives and no ``−0``."""
    number = int(round(value))
    return f"{MINUS}{-number}" if number < 0 else str(number)


def _signed_whole(value: float) -> str:
    """A whole number with ``+`` before positives and the minus sign before negatives."""
    return ("+" if int(round(value)) > 0 else "") + _whole(value)


def level_text(value: Any, unit: str) -> str:
    """A level of a measure: ``32%`` (share or percent) or ``3.25 分`` (score); ``—`` if missing."""
    unit = check_unit(unit)
    if _missing(value):
        return MISSING
    if unit == "score":
        return f"{score(value)} 分"
    return f"{_whole(_scale(value, unit))}%"


def _shown_points(value: float, unit: str) -> float:
    """A level as shown (whole percent, or a score at two decimals)."""
    if unit == "score":
        return float(score(value))
    return float(int(round(_scale(value, unit))))


def change_words(before: Any, after: Any, unit: str) -> tuple[str, str]:
    """The verb and the amount of a change from ``before`` to ``after``, as the reader can check.

    Parameters
    ----------
    before, after : float
        The two levels (same people).
    unit : str
        One of :data:`UNITS`.

    Returns
    -------
    (str, str)
        e.g. ``("升至", "增加 26 个百分点")``, ``("降至", "减少 0.40 分")``,
        ``("保持在", "没有变化")``; the amount is the difference of the shown levels.
    """
    unit = check_unit(unit)
    if _missing(before) or _missing(after):
        return "变为", MISSING
    if unit == "score":
        diff = rounded_diff(after, before)
        size = signed(abs(diff)).lstrip("+")
        amount = f"{size} 分"
    else:
        diff = _shown_points(after, unit) - _shown_points(before, unit)
        amount = f"{_whole(abs(diff))} 个百分点"
    if diff > 0:
        return "升至", f"增加 {amount}"
    if diff < 0:
        return "降至", f"减少 {amount}"
    return "保持在", "没有变化"


def amount_text(value: Any, unit: str) -> str:
    """A signed amount of change: ``+26 个百分点``, ``−0.40 分``; ``—`` if missing."""
    unit = check_unit(unit)
    if _missing(value):
        return MISSING
    if unit == "score":
        return f"{signed(value)} 分"
    return f"{_signed_whole(_scale(value, unit))} 个百分点"


def range_text(low: Any, high: Any, unit: str) -> str:
    """An interval in plain words: ``可能范围 15 至 37 个百分点`` (signs as :func:`amount_text`).

    When both ends are written alike (``+6 至 +6``), one value: ``可能范围在 +6 个百分点左右``.
    """
    unit = check_unit(unit)
    if _missing(low) or _missing(high) or not (math.isfinite(float(low)) and math.isfinite(float(high))):
        return "无法估计可能范围"
    if unit == "score":
        lo_text, hi_text, word = signed(low), signed(high), "分"
    else:
        lo, hi = _scale(low, unit), _scale(high, unit)
        if unit == "share":  # a change of a share lies within ±100 points, however wide the interval
            lo, hi = max(lo, -100.0), min(hi, 100.0)
        lo_text, hi_text, word = _signed_whole(lo), _signed_whole(hi), "个百分点"
    if lo_text == hi_text:  # "+6 至 +6": every person changed alike, or the range is below the rounding
        return f"可能范围在 {lo_text} {word}左右"
    return f"可能范围 {lo_text} 至 {hi_text} {word}"


def people_text(n: Any, min_n: int) -> str:
    """A head count for a sentence: `` 24 人`` (with a leading space, so that it follows a Chinese
    word directly: 另有 24 人), or ``不足5人`` below the disclosure threshold (never the number)."""
    label = count_label(n, min_n)
    return f"不足{min_n}人" if label.startswith("<") else f" {label} 人"

