"""How numbers are written in client-facing text: scores, differences, days and head counts.

One implementation of each, shared by the report tables (:mod:`casekit.reports.tables`), the
course designs' reasons (:mod:`casekit.curriculum.design`) and the charts, so that the same
number always reads the same way everywhere a client sees it:

* a score has two decimals; a missing (or suppressed) value is :data:`MISSING` (``"—"``);
* a signed number uses ``"+"`` for positives and the minus sign :data:`MINUS` (U+2212) for
  negatives, never the ASCII hyphen; zero has no sign;
* a difference of two shown scores is the difference of the *rounded* scores
  (:func:`rounded_diff`), so a reader's own subtraction always matches the number printed;
* a head count of ``1`` to ``min_n - 1`` is never printed, only ``"<5"`` (:func:`count_label`).

Which numbers may be shown at all is decided by :mod:`casekit.privacy.disclosure`; this module
only writes them. Like :mod:`casekit.domain`, it sits at the bottom of the package and imports
nothing from it but the domain vocabulary and the disclosure rules, so every stage may use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit.domain import MIN_CELL_SIZE
from casekit.privacy.disclosure import is_small

__all__ = [
    "MINUS",
    "MISSING",
    "SMALL_CELL",
    "count_label",
    "day_range",
    "days",
    "rounded_diff",
    "score",
    "shown_gap_diff",
    "signed",
    "signed_days",
    "small_cell",
]

#: Shown in place of a missing or suppressed value.
MISSING = "—"

#: The minus sign of every negative number shown (U+2212 MINUS SIGN).
MINUS = "\u2212"

_SCORE_DECIMALS = 2


def _missing(value: Any) -> bool:
    """Whether ``value`` is None, NaN, ``pd.NA`` or ``pd.NaT``."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a scalar value
        return False


def _with_sign(text: str) -> str:
    """Give an unsigned-or-hyphen-signed number text the house sign style."""
    if text.startswith("-"):
        return MINUS + text[1:]
    return "+" + text


def small_cell(min_n: int = MIN_CELL_SIZE) -> str:
    """How a head count below the anonymity threshold is shown.

    Parameters
    ----------
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        The anonymity threshold.

    Returns
    -------
    str
        ``"<5"`` for the default threshold.
    """
    return f"<{min_n}"


#: How a head count below :data:`~casekit.domain.MIN_CELL_SIZE` is shown (``"<5"``).
SMALL_CELL = small_cell(MIN_CELL_SIZE)


def score(value: Any) -> str:
    """A mean score as shown to a client: two decimals, or ``"—"`` when missing.

    Parameters
    ----------
    value : float or None
        The score; None, NaN and ``pd.NA`` count as missing.

    Returns
    -------
    str
        e.g. ``"3.25"``; :data:`MISSING` for a missing value.

    Examples
    --------
    >>> score(2.6149), score(float("nan"))
    ('2.61', '—')
    """
    if _missing(value):
        return MISSING
    return f"{float(value):.{_SCORE_DECIMALS}f}"


def _rounded(value: float) -> float:
    """``value`` rounded exactly as :func:`score` prints it."""
    return float(f"{float(value):.{_SCORE_DECIMALS}f}")


def signed(value: Any) -> str:
    """A signed difference with two decimals: ``"+0.65"``, ``"−0.64"``, ``"0.00"``.

    Parameters
    ----------
    value : float or None
        The difference; None, NaN and ``pd.NA`` count as missing.

    Returns
    -------
    str
        ``"+"`` before positives, the minus sign :data:`MINUS` (U+2212) before negatives, no
        sign when the value rounds to zero; :data:`MISSING` for a missing value.

    Examples
    --------
    >>> signed(0.65), signed(-0.641), signed(-0.001)
    ('+0.65', '−0.64', '0.00')
    """
    if _missing(value):
        return MISSING
    rounded = _rounded(value)
    if rounded == 0:
        return f"{0:.{_SCORE_DECIMALS}f}"
    return _with_sign(f"{rounded:.{_SCORE_DECIMALS}f}")


def rounded_diff(a: Any, b: Any) -> float:
    """``a - b`` computed from the two values as :func:`score` shows them.

    A reader who subtracts the two printed means gets exactly the printed difference:
    2.333 and 3.216 are shown as 2.33 and 3.22, so their difference is −0.89 (not the −0.88 of
    the unrounded values).

    Parameters
    ----------
    a, b : float or None
        The two scores (e.g. the region's mean and the other regions' mean).

    Returns
    -------
    float
        The difference of the rounded values, itself rounded to two decimals (no floating-point
        residue); NaN when either value is missing.

    Examples
    --------
    >>> rounded_diff(2.333, 3.216)
    -0.89
    """
    if _missing(a) or _missing(b):
        return float("nan")
    return round(_rounded(a) - _rounded(b), _SCORE_DECIMALS)


def days(value: Any) -> str:
    """A number of course days without trailing zeros: ``"0.5"``, ``"1"``, ``"2.25"``.

    Parameters
    ----------
    value : float or None
        Days; None, NaN and ``pd.NA`` count as missing.

    Returns
    -------
    str
        The value with as many decimals as it needs (at most six, never in exponent notation);
        :data:`MISSING` for a missing value.

    Examples
    --------
    >>> days(0.5), days(1.0), days(2.25)
    ('0.5', '1', '2.25')
    """
    if _missing(value):
        return MISSING
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed_days(value: float) -> str:
    """A change in course days: ``"+0.25"``, ``"−0.5"`` (zero shown as ``"0"``).

    Parameters
    ----------
    value : float
        The change.

    Returns
    -------
    str
        Signed as :func:`signed` does (``"+"`` / :data:`MINUS`), digits as :func:`days`.
    """
    if _missing(value):
        return MISSING
    text = days(value)
    return text if text == "0" else _with_sign(text)


def day_range(lo: Any, hi: Any) -> str:
    """A range of course days: ``"1–1.25"`` (en dash), each end as :func:`days` writes it.

    Parameters
    ----------
    lo, hi : float or None
        The shortest and longest length.

    Returns
    -------
    str
        ``"<lo>–<hi>"``; a single value when both ends are equal; :data:`MISSING` when both are
        missing.
    """
    if _missing(lo) and _missing(hi):
        return MISSING
    if not _missing(lo) and not _missing(hi) and math.isclose(float(lo), float(hi)):
        return days(lo)
    return f"{days(lo)}–{days(hi)}"


def count_label(n: Any, min_n: int = MIN_CELL_SIZE) -> str:
    """A head count as shown to a client, small groups hidden.

    Parameters
    ----------
    n : int
        The count.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Counts from 1 to ``min_n - 1`` are shown as ``"<min_n"``.

    Returns
    -------
    str
        ``"0"`` for nobody, ``"<5"`` for 1 to 4 people (default threshold), else the number;
        :data:`MISSING` for a missing count.

    Raises
    ------
    ValueError
        If ``n`` is negative or not a whole number.

    Examples
    --------
    >>> count_label(0), count_label(3), count_label(12)
    ('0', '<5', '12')
    """
    if _missing(n):
        return MISSING
    count = int(n)
    if count != float(n) or count < 0:
        raise ValueError(f"a head count must be a whole number >= 0, got {n!r}")
    return small_cell(min_n) if is_small(count, min_n) else str(count)


def shown_gap_diff(row: Mapping[str, Any]) -> float:
    """A region's skill gap minus the other regions', as the rounded means of a report give it.

    The required level is the same on both sides, so this is the region's mean minus the other
    regions' mean (``required + others_gap``), computed from the two rounded means like the
    差值 of a comparison table (:func:`rounded_diff`): every section of a report, and the
    interview outline, prints the same number.

    Parameters
    ----------
    row : mapping
        A row of :func:`casekit.analysis.region_gaps` (``mean``, ``required``, ``diff``,
        ``others_gap``).

    Returns
    -------
    float
        NaN when there is no comparison (``diff`` or ``others_gap`` missing).
    """
    if _missing(row.get("diff")) or _missing(row.get("others_gap")):
        return float("nan")
    return rounded_diff(row["mean"], float(row["required"]) + float(row["others_gap"]))
