"""Helpers for the analysis functions' argument errors, so they read the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from casekit.language import quoted

__all__ = ["preview", "preview_zh"]


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


def preview_zh(values: Sequence[object], limit: int = 5, unit: str = "个") -> str:
    """The Chinese :func:`preview`: ``「a」、「b」、「c」``, past ``limit`` values ``…等 N 个``.

    Parameters
    ----------
    values : sequence
        The values to name (data: shown as found, in 「」).
    limit : int
        How many to show before ``等 N 个``.
    unit : str
        The measure word and noun after the count (``个组``, ``道题``).

    Returns
    -------
    str

    Examples
    --------
    >>> preview_zh(["北京", "河北"])
    '「北京」、「河北」'
    >>> preview_zh(list("abcdefg"), limit=2, unit="个组")
    '「a」、「b」等 7 个组'
    """
    shown = "、".join(quoted(v) for v in list(values)[:limit])
    return shown if len(values) <= limit else f"{shown}等 {len(values)} {unit}"
