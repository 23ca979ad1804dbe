"""Argument checks shared by the analysis functions, with the same error wording everywhere.

Errors are :class:`casekit.exceptions.AnalysisError` and say what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from casekit.exceptions import AnalysisError

__all__ = ["check_count", "preview"]


def preview(values: Sequence[object], limit: int = 5) -> str:
    """Return ``'a', 'b', 'c'`` for an error message (at most ``limit`` values, then the count).

    Parameters
    ----------
    values : sequence
        The values to name.
    limit : int
        How many to show before ``… (N in all)``.

    Returns
    -------
    str
    """
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    return shown if len(values) <= limit else f"{shown}, … ({len(values)} in all)"


def check_count(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 0 (not a bool), else raise.

    Parameters
    ----------
    value : object
        The argument to check (e.g. ``min_raters``).
    name : str
        Its name in the error message.

    Returns
    -------
    int

    Raises
    ------
    AnalysisError
        ``<name> must be a whole number >= 0, got <value>``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise AnalysisError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)
