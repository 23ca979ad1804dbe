"""Reading a downloaded export as a grid of text cells: encodings, delimiters, workbooks.

Every reader starts here, so that every platform gets the same encoding detection and keeps
every cell as text (phone numbers and 18-digit ID numbers keep their digits).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.exceptions import InputFileError, Problem, SurveyFileError
from casekit.bounded import check_file, check_workbook, csv_records, read_bytes
from casekit.surveys.problems import condense
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    from casekit.progress import Task

__all__ = [
    "NUMBER_AS_TEXT",
    "NUMBER_AS_TEXT_ZH",
    "TEXT_SUFFIXES",
    "XLSX_SUFFIXES",
    "Grid",
    "cell_text",
    "decode",
    "grid_from_bytes",
    "number_text",
    "read_grid",
    "unrecoverable",
]

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class Grid:
    """A table as found in the file: rows of text cells, nothing interpreted yet.

    Attributes
    ----------
    rows : list of list of str
        Every row of the file (or sheet), blank rows included, cells as text.
    line_numbers : list of int
        The 1-based line (CSV: first line of a record that spans lines) or sheet row of each row.
    encoding : str or None
        Detected text encoding; None for workbooks.
    delimiter : str or None
        CSV delimiter; None for workbooks.
    sheet : str or None
        Sheet name for workbooks.
    """

    rows: list[list[str]]
    line_numbers: list[int]
    encoding: str | None
    delimiter: str | None
    sheet: str | None = None


def decode(data: bytes, rel: str) -> tuple[str, str]:
    """Decode an export's bytes: BOM, then UTF-8, UTF-16 without BOM, GB18030 (a superset of GBK).

    Parameters
    ----------
    data : bytes
        The file's content.
    rel : str
        The file name used in problems.

    Returns
    -------
    text : str
        The text with universal newlines.
    encoding : str
        The encoding used.

    Raises
    ------
    SurveyFileError
        If the bytes are not text in any of these encodings.
    """
    if not data.strip():
        raise SurveyFileError([Problem(rel, None, None, tr("有表头行的问卷导出文件", "a questionnaire export with a header row"),
                                       tr("空文件", "an empty file"))])
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(enc)), enc
            except UnicodeDecodeError as exc:
                raise SurveyFileError([_undecodable(rel, data, exc, enc)]) from None
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without BOM: every other byte is NUL
        le = data[1::2].count(b"\x00") > data[0::2].count(b"\x00")
        enc = "utf-16-le" if le else "utf-16-be"
        try:
            return _newlines(data.decode(enc)), enc
        except UnicodeDecodeError:
            pass
    try:
        return _newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as first:
        try:
            return _newlines(data.decode("gb18030")), "gb18030"
        except UnicodeDecodeError:
            raise SurveyFileError([_undecodable(rel, data, first, tr("UTF-8、UTF-16 或 GB18030", "UTF-8, UTF-16 or GB18030"))]) from None


def _undecodable(rel: str, data: bytes, exc: UnicodeDecodeError, tried: str) -> Problem:
    line = data[: exc.start].count(b"\n") + 1
    return Problem(rel, line, None, tr(f"{tried} 编码的文本", f"text in {tried}"),
                   tr(f"无法解码的字节 {data[exc.start:exc.start + 4]!r}", f"undecodable bytes {data[exc.start:exc.start + 4]!r}"))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab outside quotes."""
    first = text.split("\n", 1)[0]
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


#: Integers of at least this magnitude (16 digits or more) cannot be kept by a workbook, which
#: stores numbers as doubles with 15 significant digits: the digits after the 15th are lost.
_MAX_EXACT = 10**15

#: ``expected`` of a number cell that has lost digits.
NUMBER_AS_TEXT = "the number as text (format the column as Text in Excel and export again)"
NUMBER_AS_TEXT_ZH = "以文本保存的数字（请在 Excel 中把这一列设为“文本”格式后重新导出）"


def unrecoverable(value: object) -> bool:
    """Whether a workbook number has more digits than a workbook can keep (16 or more).

    An 18-digit ID number or a 16-digit card number typed into a numeric cell is stored as a
    double: Excel keeps 15 significant digits and the rest are gone (``110101199003071234`` is
    read back as ``1.10101199003071e+17``). Such a cell cannot be turned back into the number;
    readers report it instead of guessing.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) >= _MAX_EXACT
    if isinstance(value, int):
        return abs(value) >= _MAX_EXACT
    return False


def number_text(value: float) -> str:
    """A workbook number as text, as Excel shows it in a General cell.

    Whole numbers without ``.0`` (``85``); other numbers rounded to 15 significant digits
    (Excel's precision, so ``0.1 + 0.2`` stored as ``0.30000000000000004`` gives ``0.3``) and
    written in positional notation, never with an exponent (``0.00001``, not ``1e-05``).
    Numbers of 16 digits or more cannot be recovered (see :func:`unrecoverable`): they are
    written in full positional notation here, and readers report them.
    """
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    text = repr(float(f"{value:.15g}"))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def cell_text(value: object) -> str:
    """A workbook cell as text: numbers as :func:`number_text`, dates as ISO text, None as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_grid(path: str | Path, *, sheet: str | int | None = None, delimiter: str | None = None,
              rows: Task | None = None) -> Grid:
    """Read a CSV/TXT or XLSX export into a :class:`Grid` of text cells.

    Parameters
    ----------
    path : str or Path
        The file.
    sheet : str or int, optional
        Workbook sheet (name or 0-based index); default the first sheet.
    delimiter : str, optional
        CSV delimiter; detected from the header line when omitted.
    rows : Task, optional
        Counts the rows read (:class:`casekit.progress.Task`), a few thousand at a time. A
        workbook's rows are counted once the workbook is unpacked, as they are turned into text.

    Returns
    -------
    Grid

    Raises
    ------
    SurveyFileError
        If the file is missing, empty, undecodable or not a readable workbook.
    """
    path = Path(path)
    rel = path.name
    if not path.is_file():
        raise SurveyFileError([Problem(rel, None, None, tr("存在的文件", "an existing file"), "<missing>")])
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_workbook(path, rel, sheet, rows)
    try:
        data = read_bytes(path, rel, bundle=False)
    except InputFileError as exc:
        raise SurveyFileError(exc.problems) from None
    return grid_from_bytes(data, rel, delimiter, rows=rows)


def grid_from_bytes(data: bytes, rel: str, delimiter: str | None = None, *, rows: Task | None = None) -> Grid:
    """Parse the bytes of a CSV export into a :class:`Grid` (as :func:`read_grid` does a file).

    Parameters
    ----------
    data : bytes
        The file's content (a file, or a member of a 腾讯问卷 zip).
    rel : str
        Its name in problems.
    delimiter : str, optional
        CSV delimiter; detected from the header line when omitted.
    rows : Task, optional
        Counts the records read (see :func:`read_grid`).

    Raises
    ------
    SurveyFileError
        If the bytes are empty or undecodable, or the CSV is malformed beyond recovery (an
        unclosed quote, a cell over the limit of ``docs/limits.md``).
    """
    text, encoding = decode(data, rel)
    delim = delimiter or _sniff_delimiter(text)
    try:
        records, lines = csv_records(text, rel, delim, rows=rows)
    except InputFileError as exc:
        raise SurveyFileError(exc.problems) from None
    return Grid(records, lines, encoding, delim)


#: Workbook rows turned into text between two reports to the ``rows`` task.
_ROWS_STEP = 4096


def _read_workbook(path: Path, rel: str, sheet: str | int | None, rows: Task | None = None) -> Grid:
    from python_calamine import CalamineWorkbook

    try:
        check_file(path, rel, bundle=False)
        if path.suffix.lower() != ".xls":
            check_workbook(path, rel)
    except InputFileError as exc:
        raise SurveyFileError(exc.problems) from None
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if not names:
            raise SurveyFileError([Problem(rel, None, None, tr("至少有一个工作表的工作簿", "a workbook with a sheet"),
                                           tr("没有工作表", "no sheet"))])
        if sheet is None:
            name = names[0]
        elif isinstance(sheet, int):
            name = names[sheet]
        else:
            name = sheet
        if name not in names:
            raise SurveyFileError([Problem(rel, None, None, tr(f"名为「{name}」的工作表", f"a sheet named {name!r}"),
                                           ", ".join(names))])
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except SurveyFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for corrupt files
        raise SurveyFileError(
            [Problem(rel, None, None, tr("能打开的 .xlsx 工作簿", "a readable .xlsx workbook"),
                     tr(f"打不开的工作簿（{type(exc).__name__}: {exc}）", f"an unreadable workbook ({type(exc).__name__}: {exc})"))]
        ) from None
    # Most cells of an export are already text: skip the conversion call for them (3M cells).
    # Rows are converted in place (calamine's lists are ours): no second list per row to keep,
    # which also spares the garbage collector 100k long-lived containers.
    lost = 0

    def text(value: object) -> str:
        nonlocal lost
        if unrecoverable(value):
            lost += 1
        return cell_text(value)

    for start in range(0, len(values), _ROWS_STEP):  # a few thousand rows at a time, counted
        for row in values[start:start + _ROWS_STEP]:
            row[:] = [v if type(v) is str else text(v) for v in row]
        if rows is not None:
            rows.add(min(_ROWS_STEP, len(values) - start))
    if lost:  # rare: read the sheet again to locate the cells as they were
        raw = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        raise SurveyFileError(condense(_lost_digits(rel, raw, values)))
    return Grid(values, list(range(1, len(values) + 1)), None, None, name)


def _lost_digits(rel: str, values: list[list[object]], rows: list[list[str]]) -> list[Problem]:
    """One problem per number cell that lost digits, located by sheet row and column header."""
    header_index = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    header = rows[header_index] if header_index is not None else []
    problems = []
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if type(value) is not str and unrecoverable(value):
                name = header[j].strip() if i != header_index and j < len(header) else ""
                column = name or tr(f"第 {_column_letters(j)} 列", f"column {_column_letters(j)}")
                found = tr(f"{value!r}（第 15 位以后的数字已丢失）", f"{value!r} (digits after the 15th lost)")
                problems.append(Problem(rel, i + 1, column, tr(NUMBER_AS_TEXT_ZH, NUMBER_AS_TEXT), found))
    return problems


def _column_letters(j: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 27 → AB)."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters
