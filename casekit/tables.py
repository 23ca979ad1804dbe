"""The shape of every output table another part of casekit relies on, declared once.

An :class:`OutputSchema` lists :class:`OutputColumn` s — name, kind of value, whether a cell may
be empty, what it means — and is declared next to the function that produces the table
(``casekit.analysis.scores.COMPARISON`` beside ``compare_region``). The old column-name tuples
(``COMPARISON_COLUMNS`` …) are derived from it (:attr:`OutputSchema.names`).

:func:`validate_output` checks a frame against its schema and raises
:class:`~casekit.exceptions.OutputSchemaError` naming the table and every missing, extra or
misplaced column, every column of the wrong kind and every empty cell where none may be — all at
once. It is called where a table crosses a boundary (the report reading
``compare_region``; the report reading the segment assignments) and by
``tests/test_output_schemas.py``, which runs each producer on the sample and the foreign bundle.

This is the small part of pandera casekit needs (column presence, order, kind, emptiness);
value checks stay with the code that computes the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casekit.exceptions import OutputSchemaError, Problem

if TYPE_CHECKING:  # pandas is imported when a table is checked: declaring a schema stays cheap
    import pandas as pd

__all__ = ["KINDS", "OutputColumn", "OutputSchema", "columns", "output_problems", "validate_output"]

#: Kinds of value a column may hold, and how a reader says them.
KINDS: dict[str, str] = {
    "str": "text",
    "int": "whole numbers",
    "float": "numbers",
    "bool": "true/false",
    "datetime": "dates",
    "tuple": "tuples",
}


@dataclass(frozen=True)
class OutputColumn:
    """One column of an output table.

    Parameters
    ----------
    name : str
        Column name.
    kind : str
        Kind of value, one of :data:`KINDS`: ``"int"`` accepts ``int64`` and the nullable
        ``Int64``; ``"str"`` a string dtype or an object column holding only ``str``;
        ``"tuple"`` an object column holding only tuples.
    nullable : bool
        Cells may be empty (NaN, None, ``pd.NA``) — e.g. a number hidden by suppression.
    description : str
        What the column holds (documentation only).
    """

    name: str
    kind: str = "str"
    nullable: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")


def columns(kind: str, *names: str, nullable: bool = False) -> tuple[OutputColumn, ...]:
    """Return one :class:`OutputColumn` per name, all of ``kind`` (and ``nullable``).

    Examples
    --------
    >>> [c.name for c in columns("float", "ci_low", "ci_high", nullable=True)]
    ['ci_low', 'ci_high']
    """
    return tuple(OutputColumn(n, kind, nullable) for n in names)


@dataclass(frozen=True)
class OutputSchema:
    """The declared shape of one output table.

    Parameters
    ----------
    name : str
        Name of the table in messages (``"comparison"``).
    producer : str
        Dotted name of the function or attribute that produces it.
    columns : sequence of OutputColumn
        Every column, in order.
    consumers : tuple of str
        What relies on the table (documentation; listed in ``docs/architecture.md``).
    optional : tuple of str
        Columns that may be absent as a whole (e.g. the weekly-visit estimates of
        ``time_allocation`` when the codebook has no such question); present ones keep their
        place in the order.
    """

    name: str
    producer: str
    columns: tuple[OutputColumn, ...]
    consumers: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {self.name!r} names a column twice")
        unknown = set(self.optional) - set(names)
        if unknown:
            raise ValueError(f"schema {self.name!r}: optional columns not declared: {sorted(unknown)}")

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in order (what the ``*_COLUMNS`` tuples are)."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> OutputColumn:
        """Return the column named ``name`` (``KeyError`` if there is none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def select(self, names: Iterable[str]) -> tuple[str, ...]:
        """Return ``names`` in this schema's order (``KeyError`` for an undeclared one)."""
        wanted = set(names)
        for n in wanted:
            self.column(n)
        return tuple(n for n in self.names if n in wanted)


def _kind_problem(series: pd.Series, column: OutputColumn) -> str | None:
    """What is wrong with the kind of ``series`` (None when it holds ``column.kind``)."""
    from pandas.api import types as ptypes

    kind, dtype = column.kind, series.dtype
    values = series.dropna()
    if kind == "int":
        ok = ptypes.is_integer_dtype(dtype) and not ptypes.is_bool_dtype(dtype)
    elif kind == "float":
        ok = ptypes.is_float_dtype(dtype)
    elif kind == "bool":
        ok = ptypes.is_bool_dtype(dtype)
    elif kind == "datetime":
        ok = ptypes.is_datetime64_any_dtype(dtype)
    elif kind == "str" and dtype != object:
        ok = ptypes.is_string_dtype(dtype)
    elif dtype == object and kind in ("str", "tuple"):
        want = str if kind == "str" else tuple
        wrong = values[[not isinstance(v, want) for v in values]]
        if len(wrong):
            return f"a {type(wrong.iloc[0]).__name__} value at row {series.index.get_loc(wrong.index[0]) + 1}"
        return None
    else:
        ok = False
    # an empty table has no values of the wrong kind, whatever dtype pandas gave it
    return None if ok or (len(series) == 0 and dtype == object) else f"a column of dtype {dtype}"


def output_problems(
    frame: pd.DataFrame, schema: OutputSchema, *, reads: Sequence[str] | None = None
) -> list[Problem]:
    """Return every way ``frame`` differs from ``schema`` (empty when it matches).

    Parameters
    ----------
    frame : DataFrame
        The table to check.
    schema : OutputSchema
        Its declared shape.
    reads : sequence of str, optional
        A consumer's view: only these columns must be present and of their kind; others may be
        absent, extra or in any order. ``None`` (default) checks the whole table: exactly the
        declared columns (optional ones may be absent), in order.

    Returns
    -------
    list of Problem
        ``file`` is the table name, ``column`` the column, ``row`` the first offending row
        (1-based) for an empty cell or a value of the wrong kind.
    """
    import pandas as pd

    problems: list[Problem] = []
    present = list(frame.columns)
    if reads is None:
        wanted = [n for n in schema.names if n not in schema.optional or n in present]
        for n in wanted:
            if n not in present:
                problems.append(Problem(schema.name, None, n, f"a column of {KINDS[schema.column(n).kind]}",
                                        "<missing>"))
        for n in present:
            if n not in schema.names:
                problems.append(Problem(schema.name, None, str(n), "no such column (not in the schema of "
                                        f"{schema.producer})", "an extra column"))
        if not problems and present != wanted:
            problems.append(Problem(schema.name, None, None, f"the columns in the order {', '.join(wanted)}",
                                    ", ".join(map(str, present))))
        checked = [n for n in wanted if n in present]
    else:
        checked = list(schema.select(reads))
        problems += [Problem(schema.name, None, n, f"a column of {KINDS[schema.column(n).kind]}", "<missing>")
                     for n in checked if n not in present]
        checked = [n for n in checked if n in present]
    for n in checked:
        column, series = schema.column(n), frame[n]
        if isinstance(series, pd.DataFrame):  # a duplicated name: reported as its own problem
            problems.append(Problem(schema.name, None, n, "one column of that name", f"{series.shape[1]} columns"))
            continue
        wrong = _kind_problem(series, column)
        if wrong is not None:
            problems.append(Problem(schema.name, None, n, f"a column of {KINDS[column.kind]}", wrong))
        if not column.nullable:
            empty = series.isna().to_numpy()
            if empty.any():
                first = int(empty.argmax()) + 1
                problems.append(Problem(schema.name, first, n, "no empty cell",
                                        f"{int(empty.sum())} empty cell{'s' if empty.sum() != 1 else ''}"))
    return problems


def validate_output(
    frame: pd.DataFrame, schema: OutputSchema, *, reads: Sequence[str] | None = None, by: str = ""
) -> pd.DataFrame:
    """Check ``frame`` against ``schema`` and return it unchanged.

    Parameters are those of :func:`output_problems`, plus ``by``: who checks
    (``"design_course"``), named in the message.

    Returns
    -------
    DataFrame
        ``frame`` itself.

    Raises
    ------
    OutputSchemaError
        Listing every problem at once: missing, extra or misplaced columns, columns of the wrong
        kind, empty cells in a column that may have none.
    """
    problems = output_problems(frame, schema, reads=reads)
    if problems:
        raise OutputSchemaError(problems, table=schema.name, producer=schema.producer, by=by)
    return frame
