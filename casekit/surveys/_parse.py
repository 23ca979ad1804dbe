"""What every reader does the same way: cleaning cells, times, durations, keys, the read() guard.

One implementation for all platforms, so that the same cell gives the same value whichever
reader meets it (``2024年3月5日`` is a date for 问卷星 and 腾讯问卷 alike; a duration or time that
cannot be read is a located problem in every reader, never left as it was):

* :func:`clean_cell` / :func:`clean_cells` -- surrounding white space (tabs included) removed,
  and one leading ``'`` when a digit, ``+``, ``-``, ``=`` or ``@`` follows it (the "keep as
  text" / formula-escape prefix spreadsheets and survey platforms add).
* :func:`iso_datetime` -- a submission time as ``YYYY-MM-DD HH:MM:SS``.
* :func:`duration_seconds` -- a duration as whole (or decimal) seconds.
* :func:`convert` / :func:`convert_series` -- one of those parsers over a column, per distinct
  value, with the rows that do not parse (located problems).
* :func:`slug` -- a key for a header that is not a question (``微信昵称`` → ``微信昵称``,
  ``Response ID`` → ``response_id``).
* :func:`guarded` -- the body of every reader's ``read()``: problems condensed
  (:func:`~casekit.surveys.problems.condense`), and any other exception turned into a
  :class:`~casekit.exceptions.SurveyFileError` whose ``found`` starts with
  :data:`INTERNAL_ERROR` -- a bug in casekit, told apart from a bad file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys.problems import condense
from casekit.language import tr

__all__ = [
    "DATETIME_EXPECTED",
    "DATETIME_EXPECTED_ZH",
    "DURATION_EXPECTED",
    "DURATION_EXPECTED_ZH",
    "INTERNAL_ERROR",
    "clean_cell",
    "clean_cells",
    "clean_frame",
    "convert",
    "convert_series",
    "duration_seconds",
    "guarded",
    "iso_datetime",
    "slug",
]

#: How the ``found`` of a problem caused by a bug in a reader (not by the file) starts.
INTERNAL_ERROR = "internal error: "

#: ``what`` of :func:`guarded` (the kind of file each reader reads) in Chinese.
_WHAT_ZH = {"CSV/XLSX table": " CSV/XLSX 表格", "SPSS .sav file": " SPSS .sav 文件",
            "LimeSurvey CSV export": " LimeSurvey CSV 导出文件", "问卷星 export": "问卷星导出文件",
            "腾讯问卷 export": "腾讯问卷导出文件", "Qualtrics CSV export": " Qualtrics CSV 导出文件"}

#: ``expected`` of a time that does not parse.
DATETIME_EXPECTED = "a date and time like 2024-03-05 09:12:03, 2024/3/5 9:12 or 2024年3月5日 9:12:03"
#: ``expected`` of a duration that does not parse.
DURATION_EXPECTED = "a duration like 95, 95秒, 3分12秒, 1小时2分5秒 or 0:03:12"
#: :data:`DATETIME_EXPECTED` and :data:`DURATION_EXPECTED` in Chinese.
DATETIME_EXPECTED_ZH = "日期和时间，例如 2024-03-05 09:12:03、2024/3/5 9:12 或 2024年3月5日 9:12:03"
DURATION_EXPECTED_ZH = "时长，例如 95、95秒、3分12秒、1小时2分5秒 或 0:03:12"

_T = TypeVar("_T")

_KEEP_AS_TEXT_NEXT = frozenset("0123456789+-=@")

# --------------------------------------------------------------------------- cells


def clean_cell(text: str) -> str:
    """A cell without surrounding white space and without a "keep as text" ``'`` prefix.

    Parameters
    ----------
    text : str
        The cell as in the file.

    Returns
    -------
    str
        ``text`` stripped (spaces, tabs, newlines, a BOM); then one leading ``'`` removed when
        a digit, ``+``, ``-``, ``=`` or ``@`` follows it, and the rest stripped again. A ``'``
        before other text (an open answer in quotes) is kept.

    Examples
    --------
    >>> clean_cell("\\t'03118601234 ")
    '03118601234'
    >>> clean_cell("'=1+1")
    '=1+1'
    >>> clean_cell("'好'")
    "'好'"
    """
    text = text.strip().lstrip("\ufeff").strip()
    if text[:1] == "'" and text[1:2] in _KEEP_AS_TEXT_NEXT and len(text) > 1:
        return text[1:].strip()
    return text


def clean_cells(cells: Sequence[str]) -> list[str]:
    """:func:`clean_cell` over a column, each distinct value cleaned once.

    Parameters
    ----------
    cells : sequence of str
        A column of cells.

    Returns
    -------
    list of str
    """
    out = list(map(str.strip, cells))
    todo = {v for v in set(out) if v[:1] in ("'", "\ufeff")}
    if todo:
        table = {v: clean_cell(v) for v in todo}
        out = list(map(table.get, out, out))
    return out


def slug(header: str) -> str:
    """Return a key for a header without a question number.

    Parameters
    ----------
    header : str
        The header as in the file.

    Returns
    -------
    str
        Lower case, every run of characters other than letters, digits (Chinese included) and
        ``_`` replaced by one ``_``, stripped of ``_``; ``""`` if nothing is left.

    Examples
    --------
    >>> slug("Response ID")
    'response_id'
    >>> slug("所在班组（部门）")
    '所在班组_部门'
    """
    return re.sub(r"[\W_]+", "_", header.lower()).strip("_")


# --------------------------------------------------------------------------- times

_TIME = r"(?:[ T]*(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d{1,9})?)?\s*(AM|PM|am|pm|上午|下午)?)?"
_ZONE = r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?"
_YMD = re.compile(r"(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?" + _TIME + _ZONE)
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + _ZONE)
_DMONY = re.compile(r"(\d{1,2})[-\s]([A-Za-z]{3,9})[-\s,]+(\d{4})" + _TIME + _ZONE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def iso_datetime(text: str) -> str | None:
    """A time as ``YYYY-MM-DD HH:MM:SS`` text, or None when it is not a valid time.

    Parameters
    ----------
    text : str
        The cell (already cleaned).

    Returns
    -------
    str or None
        Read forms: year first with ``-``, ``/``, ``.`` or ``年月日`` (``2024-03-05 09:12:03``,
        ``2024/3/5 9:12``, ``2024.3.5``, ``2024年3月5日 9:12:03``, ``2024-03-05T09:12:03.123Z``),
        ``M/D/YYYY`` (Qualtrics and US Excel: ``3/5/2024 9:12:03 AM``) and ``05-Mar-2024
        09:12:03``. A date without a time is midnight; fractions of a second are dropped; a
        time-zone suffix (``Z``, ``+08:00``) is ignored: the wall-clock time is kept as written.
        Impossible dates and times (``2024/2/30``, ``25:00``) give None.

    Examples
    --------
    >>> iso_datetime("2024年3月5日 9:02")
    '2024-03-05 09:02:00'
    >>> iso_datetime("3/5/2024 1:02:03 PM")
    '2024-03-05 13:02:03'
    >>> iso_datetime("2024/3/5 25:12:33") is None
    True
    """
    m = _YMD.fullmatch(text)
    if m:
        y, mo, d = m[1], m[2], m[3]
    else:
        m = _MDY.fullmatch(text)
        if m:
            mo, d, y = m[1], m[2], m[3]
        else:
            m = _DMONY.fullmatch(text)
            if m is None or m[2][:3].lower() not in _MONTHS:
                return None
            d, mo, y = m[1], str(_MONTHS[m[2][:3].lower()]), m[3]
    h, mi, s, half = m[4], m[5], m[6], m[7]
    hour = int(h or 0)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in ("PM", "pm", "下午") else 0)
    try:
        value = dt.datetime(int(y), int(mo), int(d), hour, int(mi or 0), int(s or 0))
    except ValueError:
        return None
    return value.strftime("%Y-%m-%d %H:%M:%S") if value.year >= 1000 else None


_DURATION_UNITS = re.compile(
    r"(?:(\d{1,7})\s*(?:小时|时|h|hr|hrs|hours?))?\s*"
    r"(?:(\d{1,9})\s*(?:分钟|分|min|mins|minutes?|m))?\s*"
    r"(?:(\d{1,12}(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|seconds?))?",
    re.IGNORECASE,
)
_DURATION_CLOCK = re.compile(r"(\d{1,7}):([0-5]\d):([0-5]\d)")
_DECIMAL = re.compile(r"\d{1,12}(?:\.\d+)?")


def _seconds_text(total: float) -> str:
    if float(total).is_integer():
        return str(int(total))
    return f"{total:.6f}".rstrip("0").rstrip(".")


def duration_seconds(text: str) -> str | None:
    """A duration as seconds (text), or None when it is not a duration.

    Parameters
    ----------
    text : str
        The cell (already cleaned).

    Returns
    -------
    str or None
        ``"95"`` for ``95``, ``95.0``, ``95秒``, ``1分35秒``, ``1分钟35秒``, ``0:01:35``;
        ``"3725"`` for ``1小时2分5秒``; decimal seconds stay decimal (``"95.5"`` for ``95.5`` or
        ``95.5秒``, at most 6 decimals).

    Examples
    --------
    >>> duration_seconds("1小时2分5秒")
    '3725'
    >>> duration_seconds("192.50")
    '192.5'
    >>> duration_seconds("abc") is None
    True
    """
    if _DECIMAL.fullmatch(text):
        return _seconds_text(float(text))
    m = _DURATION_CLOCK.fullmatch(text)
    if m:
        return str(int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]))
    m = _DURATION_UNITS.fullmatch(text)
    if m is None or not any(m.groups()):
        return None
    hours, minutes, seconds = m.groups()
    return _seconds_text(int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0))


def convert(cells: Sequence[str], parse: Callable[[str], str | None]) -> tuple[list[str], list[int]]:
    """Parse a column with ``parse``, once per distinct value.

    Parameters
    ----------
    cells : sequence of str
        Cleaned cells; ``""`` stays ``""``.
    parse : callable
        :func:`iso_datetime`, :func:`duration_seconds` or any ``str -> str | None``.

    Returns
    -------
    values : list of str
        The parsed values; ``""`` where a cell does not parse.
    bad : list of int
        Positions of the cells that do not parse (to report them, located).
    """
    table = {v: (parse(v) if v else "") for v in set(cells)}
    bad_values = {v for v, out in table.items() if out is None}
    if not bad_values:
        return list(map(table.__getitem__, cells)), []
    bad = [i for i, v in enumerate(cells) if v in bad_values]
    table = {v: out or "" for v, out in table.items()}
    return list(map(table.__getitem__, cells)), bad


def convert_series(
    file: str,
    column: str,
    series: pd.Series,
    rows: Sequence[int],
    parse: Callable[[str], str | None],
    expected: str,
    problems: list[Problem],
) -> pd.Series:
    """:func:`convert` for a pandas column, adding one located problem per cell that does not parse.

    Parameters
    ----------
    file : str
        File name for the problems.
    column : str
        Column header for the problems.
    series : pandas.Series
        Cleaned cells.
    rows : sequence of int
        The file line of each cell.
    parse : callable
        :func:`iso_datetime`, :func:`duration_seconds` …
    expected : str
        ``expected`` of the problems (:data:`DATETIME_EXPECTED` …).
    problems : list of Problem
        Appended to.

    Returns
    -------
    pandas.Series
        The parsed values (``""`` where a cell does not parse), same index.
    """
    cells = series.tolist()
    values, bad = convert(cells, parse)
    problems.extend(Problem(file, rows[i], column, expected, cells[i]) for i in bad)
    return pd.Series(values, index=series.index, dtype=object)


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`clean_cells` over every column of a frame of text cells."""
    return pd.DataFrame(
        {c: pd.Series(clean_cells(frame[c].tolist()), index=frame.index, dtype=object) for c in frame.columns},
        index=frame.index,
        columns=frame.columns,
    )


# --------------------------------------------------------------------------- the read() guard


def guarded(path: Path, what: str, body: Callable[[], _T]) -> _T:
    """Run a reader's body so that only :class:`~casekit.exceptions.SurveyFileError` leaves it.

    Parameters
    ----------
    path : Path
        The file read (its name is used in problems).
    what : str
        What the file should be, for the problem of an unexpected failure (``"问卷星 export"``).
    body : callable
        Does the reading; returns the result.

    Returns
    -------
    The result of ``body``.

    Raises
    ------
    SurveyFileError
        The problems ``body`` raised, condensed (:func:`~casekit.surveys.problems.condense`).
        Any other exception is a bug in the reader: it becomes one problem whose ``found`` starts
        with :data:`INTERNAL_ERROR` (``"internal error: KeyError: 'x'"``), the original exception
        chained as ``__cause__`` for the traceback.
    """
    try:
        return body()
    except SurveyFileError as exc:
        condensed = condense(exc.problems)
        if condensed == exc.problems:
            raise
        raise SurveyFileError(condensed) from None
    except Exception as exc:
        problem = Problem(
            path.name,
            None,
            None,
            tr(f"能读取的{_WHAT_ZH.get(what, what)}（casekit 读这个文件时出错了：请连同文件一起报告这个问题）",
               f"a readable {what} (casekit failed on this file: please report it with the file)"),
            f"{INTERNAL_ERROR}{type(exc).__name__}: {exc}",
        )
        raise SurveyFileError([problem]) from exc
