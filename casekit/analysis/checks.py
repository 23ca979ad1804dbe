"""Helpers for the analysis functions' argument errors, so they read the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["preview"]


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
