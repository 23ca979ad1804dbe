"""Spreadsheet-safe cells: text from a bundle never becomes a formula in Excel or WPS.

A cell that starts with ``=`` (or ``+``, ``-``, ``@``, a tab or a carriage return) is evaluated
as a formula by Excel, WPS and LibreOffice when a CSV file is opened, and openpyxl writes a
Python string starting with ``=`` into an XLSX workbook as a live formula. A catalogue cell such
as ``=HYPERLINK("http://…"&A1,"x")`` would then run on a consultant's or client's machine. Every
table casekit writes for a spreadsheet goes through this module:

* :func:`csv_cell` / :func:`csv_safe` neutralise CSV cells the way OWASP recommends ("CSV
  injection"): a text cell whose first character is one of :data:`FORMULA_TRIGGERS` (also their
  full-width forms ``＝ ＋ － ＠``, which Excel on a Chinese system may read as the ASCII ones)
  gets a leading single quote ``'``. Numbers casekit computed (a negative difference, say) stay
  numbers; only values that are text are touched. :func:`csv_bytes` is the one way casekit
  writes a table as CSV (UTF-8 with a BOM, for Excel on a Chinese Windows).
* :func:`text_only` makes every cell of an openpyxl workbook that openpyxl took for a formula a
  text cell again (casekit writes no formulas), marked with Excel's quote prefix so that editing
  the cell keeps it text.

Like :mod:`casekit.files`, this module sits at the top of the package and imports nothing from
it, so every stage may use it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_TRIGGERS", "csv_bytes", "csv_cell", "csv_safe", "looks_like_formula", "text_only"]

#: First characters that make a spreadsheet evaluate a cell (ASCII and full-width forms).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

#: What is put in front of a text cell that would be evaluated.
QUOTE = "'"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` typed into a cell (its first character).

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
        True when ``text`` starts with one of :data:`FORMULA_TRIGGERS`.
    """
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """One CSV cell made safe: a text value that would be evaluated gets a leading ``'``.

    Parameters
    ----------
    value : object
        The cell. Only ``str`` values are changed; numbers, booleans and missing values are
        returned as they are (``-0.25`` stays a number).

    Returns
    -------
    object
        ``"'" + value`` for a formula-like string, else ``value`` unchanged.

    Examples
    --------
    >>> csv_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell(-2.5)
    -2.5
    """
    if isinstance(value, str) and looks_like_formula(value):
        return QUOTE + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and text column header passed through :func:`csv_cell`.

    List-valued cells (a case's products, a visit's behaviours) are written as their items joined
    by ``；``, never as Python's ``('a', 'b')``.

    Numeric columns are left alone, so the numbers casekit computed are written as numbers.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        The same shape, index and dtypes.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not _never_text(column.dtype):
            out.isetitem(position, column.map(lambda v: csv_cell(_listed(v)), na_action="ignore"))
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(csv_cell(level) for level in name) for name in out.columns], names=out.columns.names
        )
    else:
        out.columns = [csv_cell(name) for name in out.columns]
    return out


def _listed(value: Any) -> Any:
    """A list-valued cell (products, roles …) as a spreadsheet reads it: items joined by ``；``."""
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(map(str, value)) if isinstance(value, (set, frozenset)) else map(str, value)
        return "；".join(items)
    return value


def _never_text(dtype: Any) -> bool:
    """Whether a column of this dtype cannot hold text (numbers, booleans, times)."""
    types = pd.api.types
    if isinstance(dtype, pd.CategoricalDtype):
        return _never_text(dtype.categories.dtype)
    return bool(types.is_numeric_dtype(dtype) or types.is_bool_dtype(dtype)
                or types.is_datetime64_any_dtype(dtype) or types.is_timedelta64_dtype(dtype))


def csv_bytes(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """The bytes of a table as casekit writes every CSV: spreadsheet-safe, UTF-8 with a BOM.

    The BOM is there because Excel on a Chinese Windows reads a CSV without one as GBK and
    garbles it.

    Parameters
    ----------
    frame : DataFrame
    index : bool, default False
        Also write the index.

    Returns
    -------
    bytes
    """
    return csv_safe(frame).to_csv(index=index).encode("utf-8-sig")


def text_only(workbook: Any) -> int:
    """Turn every formula cell of an openpyxl workbook back into the text it was written from.

    casekit writes no formulas: a cell openpyxl typed as a formula holds text from a bundle
    (a product name, a customer's words) that happened to start with ``=``. Such a cell becomes
    a text cell with Excel's quote prefix set, so it shows the text and stays text when edited.

    Parameters
    ----------
    workbook : openpyxl.Workbook

    Returns
    -------
    int
        How many cells were changed.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and looks_like_formula(cell.value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
