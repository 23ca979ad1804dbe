"""Assembling a :class:`~casekit.surveys.model.SurveyExport` from parsed cells (shared by readers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from casekit.surveys.model import ExportColumn, SurveyExport

__all__ = ["assemble", "assemble_columns"]


def assemble(
    path: Path,
    platform: str,
    encoding: str | None,
    columns: Sequence[ExportColumn],
    values: Sequence[Sequence[str]],
    statuses: Sequence[Sequence[str]],
    rows: Sequence[int],
    value_labels: dict[str, dict[str, str]] | None = None,
) -> SurveyExport:
    """Build a :class:`SurveyExport` from one list of values and statuses per response.

    Parameters
    ----------
    path : Path
        The file read.
    platform : str
        Platform id.
    encoding : str or None
        Detected encoding.
    columns : sequence of ExportColumn
        The columns, in file order; keys must be unique.
    values, statuses : sequence of sequence of str
        Per response, one value and one status per column (same order as ``columns``).
    rows : sequence of int
        Per response, its 1-based line or sheet row in the file.
    value_labels : dict, optional
        ``key → {code: label}``.

    Returns
    -------
    SurveyExport
    """
    width = len(columns)
    if any(len(r) != width for r in values) or any(len(r) != width for r in statuses):
        raise ValueError(f"every response needs one value and one status per column ({width})")
    by_column = [list(c) for c in zip(*values)] if values else [[] for _ in columns]
    status_by_column = [list(c) for c in zip(*statuses)] if statuses else [[] for _ in columns]
    return assemble_columns(path, platform, encoding, columns, by_column, status_by_column, rows, value_labels)


def assemble_columns(
    path: Path,
    platform: str,
    encoding: str | None,
    columns: Sequence[ExportColumn],
    values: Sequence[Sequence[str]],
    statuses: Sequence[Sequence[str]],
    rows: Sequence[int],
    value_labels: dict[str, dict[str, str]] | None = None,
) -> SurveyExport:
    """Build a :class:`SurveyExport` from one list of values and statuses per *column*.

    The same result as :func:`assemble`, without turning columns into one tuple per response
    and back (fewer temporary objects: faster, and less work for the garbage collector).

    Parameters
    ----------
    path, platform, encoding, columns, rows, value_labels
        As for :func:`assemble`.
    values, statuses : sequence of sequence of str
        Per column (same order as ``columns``), one value and one status per response.

    Returns
    -------
    SurveyExport
    """
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"duplicate column keys {dupes}")
    n = len(rows)
    index = pd.RangeIndex(n)

    def frame(cols: Sequence[Sequence[str]]) -> pd.DataFrame:
        out = pd.DataFrame({k: pd.Series(c, index=index, dtype=object) for k, c in zip(keys, cols)}, index=index)
        return out if keys else pd.DataFrame(index=index, columns=[], dtype=object)

    return SurveyExport(
        path=Path(path),
        platform=platform,
        encoding=encoding,
        columns=tuple(columns),
        data=frame(values),
        status=frame(statuses),
        rows=tuple(int(r) for r in rows),
        value_labels=dict(value_labels or {}),
    )
