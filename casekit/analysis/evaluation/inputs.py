"""Checks of the evaluation's input tables, so that every function says the same thing.

The evaluation takes plain pandas tables with documented columns (the tables
:func:`casekit.intake.followup.read_followup` hands on, see ``docs/followup.md``); a missing
column, a non-numeric value or a person listed twice is an :class:`~casekit.exceptions.AnalysisError`
that names the table, the column and what was found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.checks import preview, preview_zh
from casekit.exceptions import AnalysisError
from casekit.language import tr

__all__ = ["check_by", "check_table", "frame_of", "numeric_column"]


def check_by(by: str | Sequence[str]) -> tuple[str, ...]:
    """``by`` as a tuple of column names (a single name allowed)."""
    if isinstance(by, str):
        return (by,)
    keys = tuple(by)
    if not all(isinstance(k, str) for k in keys):
        raise AnalysisError(tr(f"by 应为列名（文字），实际为 {keys!r}", f"by must name columns (text), got {keys!r}"))
    return keys


def check_table(table: object, name: str, required: Sequence[str], *, unique: Sequence[str] = ()
                ) -> pd.DataFrame:
    """Check that ``table`` is a DataFrame with ``required`` columns and unique ``unique`` keys.

    Parameters
    ----------
    table : object
        What the caller passed.
    name : str
        The table's name, for the message (``"changes"``).
    required : sequence of str
        Columns that must exist.
    unique : sequence of str, optional
        Columns whose combination must not repeat (one row per person × measure …).

    Returns
    -------
    pandas.DataFrame
        The table, unchanged.

    Raises
    ------
    AnalysisError
        Naming every missing column, or the repeated keys.
    """
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(tr(f"{name} 应为 pandas DataFrame，实际为 {type(table).__name__}",
                               f"{name} must be a pandas DataFrame, got {type(table).__name__}"))
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise AnalysisError(tr(
            f"{name} 缺少{preview_zh(missing)}列；应有{preview_zh(list(required))}，"
            f"实际为{preview_zh(list(map(str, table.columns)))}",
            f"{name} lacks column(s) {preview(missing)}; expected {preview(list(required))}, "
            f"found {preview(list(map(str, table.columns)))}"))
    if unique:
        repeated = table.duplicated(list(unique), keep=False)
        if repeated.any():
            keys = list(dict.fromkeys(map(tuple, table.loc[repeated, list(unique)].astype(str).to_numpy())))
            raise AnalysisError(tr(
                f"{name} 中同一 {' × '.join(unique)} 有不止一行：{preview_zh(['、'.join(k) for k in keys])}",
                f"{name} has more than one row per {' × '.join(unique)}: {preview(keys)}"))
    return table


def numeric_column(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    """``table[column]`` as float64 (empty cells NaN); an unreadable value is an error."""
    values = pd.to_numeric(table[column], errors="coerce").astype("float64")
    bad = values.isna() & table[column].notna()
    if bad.any():
        raise AnalysisError(tr(
            f"{name} 的 {column} 列应为数字；实际有{preview_zh(list(table.loc[bad, column]))}",
            f"{name}.{column} must hold numbers; found {preview(list(table.loc[bad, column]))}"))
    return values


def frame_of(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, ints: Sequence[str] = (),
             bools: Sequence[str] = (), floats: Sequence[str] = ()) -> pd.DataFrame:
    """A result table from row dicts, each column of its declared kind (text columns as ``object``).

    Built column by column from numpy arrays: a pandas ``astype`` per column cost more than the
    statistics in the evaluation's simulations.
    """
    kinds = {**dict.fromkeys(ints, "int64"), **dict.fromkeys(bools, "bool"), **dict.fromkeys(floats, "float64")}
    data = {}
    for column in columns:
        values = [row[column] for row in rows]
        if column in kinds:
            data[column] = np.array(values, dtype=kinds[column])
        else:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            data[column] = array
    return pd.DataFrame(data, columns=list(columns))
