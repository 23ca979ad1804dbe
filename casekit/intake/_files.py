"""Reading bundle files as text, keeping the row and line numbers a consultant sees.

Every reader returns what it could read plus a list of :class:`~casekit.exceptions.Problem`;
none of them raises on bad input, so one broken file never hides problems in another.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from casekit.exceptions import InputFileError, Problem
from casekit.bounded import (
    StrictYamlLoader,
    check_file,
    check_table_text,
    check_workbook,
    csv_records,
    read_bytes,
    yaml_error_problem,
)
from casekit.language import tr

__all__ = [
    "FILE",
    "MISSING",
    "ROW",
    "is_ignored",
    "line_of",
    "listed_files",
    "load_yaml",
    "read_table",
    "read_text",
    "short_list",
    "split_front_matter",
    "text_of",
]

#: Helper columns carried by every table read from a file: the spreadsheet row and the file.
ROW = "_row"
FILE = "_file"
#: What ``Problem.found`` says when a value is absent.
MISSING = "<missing>"

YamlLines = dict[tuple[Any, ...], int]


def is_ignored(path: Path) -> bool:
    """Return True for files and folders casekit skips (name starting with ``_`` or ``.``)."""
    return path.name.startswith(("_", "."))


def listed_files(folder: Path) -> list[Path]:
    """Return the files of ``folder`` that casekit reads, sorted by name (ignored ones left out)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not is_ignored(p))


def read_text(path: Path, rel: str, *, legacy: bool = False) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file (a BOM is accepted); report a missing or undecodable file.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its path relative to the bundle root, used in problems.
    legacy : bool
        Also accept what Windows Notepad saves on Chinese Windows (for hand-written notes): UTF-16
        with a byte-order mark ("Unicode") and GB18030, a superset of GBK and GB2312 ("ANSI").
        UTF-8 is tried first; a file that is mostly valid UTF-8 with a few broken bytes is
        reported, not decoded as GB18030 into nonsense.

    Returns
    -------
    text : str or None
        The text with ``\\n`` line ends; None when the file is missing or cannot be decoded.
    problems : list of Problem
    """
    try:
        data = read_bytes(path, rel)
    except InputFileError as exc:
        return None, exc.problems
    if legacy and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return _newlines(data.decode("utf-16")), []
        except UnicodeDecodeError:
            return None, [Problem(rel, None, None, tr("UTF-16 编码的文本（文件以字节顺序标记开头）",
                                                      "UTF-16 text (the file starts with its byte-order mark)"),
                                  tr("无法解码的字节", "undecodable bytes"))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if legacy and not _mostly_utf8(data):
            try:
                return _newlines(data.decode("gb18030")), []
            except UnicodeDecodeError as gb_exc:
                # GBK text with a broken byte: the broken byte is where GB18030 fails, not where
                # UTF-8 first failed (that is the first Chinese character)
                line = data[: gb_exc.start].count(b"\n") + 1
                found = tr(f"无法解码的字节 {data[gb_exc.start:gb_exc.start + 4]!r}（文件看来是 GBK/GB18030 编码）",
                           f"undecodable bytes {data[gb_exc.start:gb_exc.start + 4]!r} "
                           "(the file looks GBK/GB18030-encoded)")
                return None, [Problem(rel, line, None, tr("UTF-8 或 GBK/GB18030 编码的文本", "UTF-8 or GBK/GB18030 text"),
                                      found)]
        line = data[: exc.start].count(b"\n") + 1
        found = tr(f"无法解码的字节 {data[exc.start:exc.start + 4]!r}",
                   f"undecodable bytes {data[exc.start:exc.start + 4]!r}")
        if legacy:
            return None, [Problem(rel, line, None, tr("UTF-8 或 GBK/GB18030 编码的文本", "UTF-8 or GBK/GB18030 text"),
                                  found)]
        try:
            data.decode("gb18030")
            found += tr("（文件看来是 GBK/GB18030 编码，中文 Windows 上的 Excel 另存为“CSV”时就是这样）",
                        " (the file looks GBK/GB18030-encoded, as Excel saves 'CSV' on Chinese Windows)")
        except UnicodeDecodeError:
            pass
        return None, [Problem(rel, line, None, tr("UTF-8 编码的文本（请另存为“CSV UTF-8”）",
                                                  "UTF-8 text (save the file as 'CSV UTF-8')"), found)]
    return _newlines(text), []


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _mostly_utf8(data: bytes) -> bool:
    """Whether undecodable UTF-8 is rather damaged UTF-8 than another encoding.

    GBK text read as UTF-8 fails almost everywhere; UTF-8 with a few broken bytes decodes to far
    more good non-ASCII characters than replacement characters.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > 2 * bad


def _frame_from_records(records: list[list[str]], rel: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Build a text frame from csv records (fallback when pandas' parser rejects the file)."""
    header, body = records[0], records[1:]
    problems: list[Problem] = []
    width = len(header)
    rows = []
    for i, rec in enumerate(body):
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            problems.append(Problem(rel, i + 2, None, tr(f"最多 {width} 格（每个表头一格）",
                                                         f"at most {width} cells (one per header)"),
                                    tr(f"{len(rec)} 格", f"{len(rec)} cells")))
        rows.append((rec + [""] * width)[:width])
    return pd.DataFrame(rows, columns=header, dtype=str), problems


#: How many rows from the top are searched for a header that is not on row 1.
HEADER_SEARCH_ROWS = 10


def _header_row(rows: list[list[str]], header_hint: str) -> int | None:
    """0-based index of the first of the top rows containing ``header_hint`` as a cell."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if header_hint in (str(c).strip().lstrip("\ufeff") for c in row):
            return i
    return None


def _misplaced_header(rel: str, row: int, header_hint: str, sheet: str | None = None) -> Problem:
    where = f" of sheet {sheet!r}" if sheet else ""
    where_zh = f"（工作表「{sheet}」）" if sheet else ""
    return Problem(
        rel, 1, header_hint,
        tr("表头（列名所在的行）在第 1 行", "the header row (the row naming the columns) as row 1"),
        tr(f"表头在第 {row} 行{where_zh}；请删除它上面的 {row - 1} 行（标题或说明）",
           f"the header on row {row}{where}; delete the {row - 1} row(s) above it (a title or notes)"),
    )


def _read_xlsx(path: Path, rel: str, header_hint: str | None) -> tuple[pd.DataFrame | None, list[str], list[Problem]]:
    """Read the sheet holding the export: the first one whose top rows contain ``header_hint``."""
    try:
        check_file(path, rel)
        check_workbook(path, rel)
    except InputFileError as exc:
        return None, [], exc.problems
    try:
        sheets = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl",
                               header=None, sheet_name=None)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a corrupt workbook
        return None, [], [Problem(rel, None, None, tr("能打开的 .xlsx 工作簿", "a readable .xlsx workbook"),
                                  f"{type(exc).__name__}: {exc}")]
    if not sheets:
        return None, [], [Problem(rel, None, None, tr("至少有一个工作表的工作簿", "a workbook with a sheet"),
                                  tr("没有工作表", "no sheet"))]
    chosen = next(iter(sheets))
    if header_hint is not None:
        for name, sheet in sheets.items():
            at = _header_row(sheet.fillna("").astype(str).values.tolist(), header_hint)
            if at is not None:
                chosen = name
                if at > 0:
                    return None, [], [_misplaced_header(rel, at + 1, header_hint, name if len(sheets) > 1 else None)]
                break
    raw = sheets[chosen].fillna("")
    if raw.empty:
        return pd.DataFrame(), [], []
    header = [str(c) for c in raw.iloc[0].tolist()]
    body = raw.iloc[1:].reset_index(drop=True)
    keep = [i for i, h in enumerate(header) if h.strip() or (body.iloc[:, i].astype(str).str.strip() != "").any()]
    body = body.iloc[:, keep]
    header = [header[i] for i in keep]
    body.columns = range(len(header))
    return body, header, []


def read_table(
    path: Path, rel: str, header_hint: str | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV or XLSX table with every cell as stripped text.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its path relative to the bundle root, used in problems.
    header_hint : str, optional
        A column header the table must have (e.g. the respondent id column). When it is not on
        row 1 but on one of the next rows (a title row above the header, as exports often have),
        one problem says so instead of reporting every column missing; in a workbook, the first
        sheet holding it is read (so a cover sheet in front does not matter).

    Returns
    -------
    frame : DataFrame or None
        One column per header (white space stripped) plus ``_row`` (spreadsheet row number, the
        header being row 1) and ``_file`` (``rel``, also in ``frame.attrs["_file"]`` for a table
        without rows); fully blank rows are dropped. ``None`` when
        the file cannot be read at all.
    problems : list of Problem
    """
    problems: list[Problem] = []
    if path.suffix.lower() == ".xlsx":
        body, header, problems = _read_xlsx(path, rel, header_hint)
        if body is None:
            return None, problems
        if not header:
            return None, [Problem(rel, 1, None, tr("表头行", "a header row"), tr("空的工作表", "an empty sheet"))]
        frame = body
    else:
        text, problems = read_text(path, rel)
        if text is None:
            return None, problems
        try:
            top, _ = csv_records(text, rel, limit=HEADER_SEARCH_ROWS)
        except InputFileError as exc:
            return None, exc.problems
        if not top:
            return None, [Problem(rel, 1, None, tr("表头行", "a header row"), tr("空文件", "an empty file"))]
        raw_header = top[0]
        if header_hint is not None and header_hint not in [h.strip().lstrip("\ufeff") for h in raw_header]:
            at = _header_row(top, header_hint)
            if at is not None:
                return None, [_misplaced_header(rel, at + 1, header_hint)]
        try:
            check_table_text(text, rel, len(raw_header))
        except InputFileError as exc:
            return None, exc.problems
        try:
            # bytes, not a StringIO: pandas re-encodes a text buffer chunk by chunk, which is
            # quadratic in the size of Chinese text
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), encoding="utf-8", dtype=str,
                                keep_default_na=False, skip_blank_lines=False, header=0)
        except pd.errors.ParserError:
            try:
                records, _ = csv_records(text, rel)
            except InputFileError as exc:
                return None, exc.problems
            frame, problems = _frame_from_records(records, rel)
        header = raw_header
    header = [str(h).strip().lstrip("\ufeff") for h in header]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem(rel, 1, h, tr("每个列名只出现一次", "each column header once"),
                                    tr(f"「{h}」出现了两次", f"{h!r} twice")))
        seen.add(h)
    frame = frame.copy()
    frame.columns = _dedupe(header)
    for col in frame.columns:
        text_col = frame[col].fillna("").astype(str)
        frame[col] = text_col.str.strip() if _needs_strip(text_col) else text_col
    frame[ROW] = range(2, len(frame) + 2)
    frame[FILE] = rel
    blank = (frame.drop(columns=[ROW, FILE]) == "").all(axis=1)
    frame = frame.loc[~blank].reset_index(drop=True)
    frame.attrs[FILE] = rel  # the file of a table without data rows (problems must name it)
    return frame, problems


#: White space (as ``str.strip`` sees it) right after a cell separator.
_SPACE_AFTER_SEP = re.compile("\x00\\s")


def _needs_strip(cells: pd.Series) -> bool:
    """Whether any text cell starts or ends with white space (so ``str.strip`` would change it).

    One C-speed scan of the cells joined by NUL (and of the reversed join, for trailing space)
    instead of a Python call per cell; a NUL inside a cell can only cause a needless strip.
    """
    joined = "\x00".join(cells.tolist())
    if joined[:1].isspace() or joined[-1:].isspace():
        return True
    return _SPACE_AFTER_SEP.search(joined) is not None or _SPACE_AFTER_SEP.search(joined[::-1]) is not None


def _dedupe(header: list[str]) -> list[str]:
    out: list[str] = []
    count: dict[str, int] = {}
    for h in header:
        n = count.get(h, 0)
        out.append(h if n == 0 else f"{h}.{n}")
        count[h] = n + 1
    return out


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: YamlLines) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (str(getattr(key, "value", key)),)
            lines[sub] = key.start_mark.line + 1
            _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines)


def load_yaml(text: str, rel: str, line_offset: int = 0) -> tuple[Any, YamlLines, list[Problem]]:
    """Parse YAML text, also returning the line of every key and list item.

    Parameters
    ----------
    text : str
        The YAML document.
    rel : str
        File name used in problems.
    line_offset : int
        Lines before ``text`` in the file (front matter starts after the ``---`` line).

    Returns
    -------
    data : object or None
        The parsed document (``None`` when it does not parse).
    lines : dict
        ``(key, index, ...)`` path → 1-based line in the file.
    problems : list of Problem
    """
    lines: YamlLines = {}
    loader = None
    try:
        # what yaml.compose and then yaml.load do, parsing the text once instead of twice; the
        # lines are taken before constructing (which flattens merge keys in the node tree)
        loader = StrictYamlLoader(text)
        node = loader.get_single_node()
        duplicates = loader.duplicate_problems(rel, line_offset)
        if duplicates:
            return None, {}, duplicates
        if node is not None:
            lines[()] = node.start_mark.line + 1
            _walk(node, (), lines)
        data = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, ValueError) as exc:
        return None, {}, [yaml_error_problem(exc, rel, line_offset)]
    finally:
        if loader is not None:
            loader.dispose()
    if line_offset:
        lines = {k: v + line_offset for k, v in lines.items()}
    return data, lines, []


def line_of(lines: YamlLines, *path: Any) -> int | None:
    """Return the line of ``path`` in a YAML file, or of its nearest known parent."""
    key = tuple(str(p) if not isinstance(p, int) else p for p in path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return lines.get(())


def text_of(value: Any) -> str:
    """Return a YAML scalar as stripped text ("" for None)."""
    if value is None:
        return ""
    return str(value).strip()


def short_list(values: Iterable[str], n: int = 6) -> str:
    """Return ``a、b、c…`` with at most ``n`` entries, for "expected" messages."""
    values = list(values)
    head = "、".join(values[:n])
    return head + ("…" if len(values) > n else "")


def split_front_matter(text: str, rel: str) -> tuple[str | None, str, list[Problem]]:
    """Split a Markdown note into its YAML front matter and its body.

    Returns
    -------
    front : str or None
        The YAML between the opening ``---`` (line 1) and the closing ``---``; None if absent.
    body : str
        The Markdown after the front matter, stripped.
    problems : list of Problem
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text.strip(), [Problem(rel, 1, None, tr("以“---”行开头的文首信息",
                                                             "front matter starting with a '---' line"),
                                            lines[0][:40] if lines and lines[0] else MISSING)]
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]).strip(), []
    return None, "", [Problem(rel, len(lines), None, tr("文首信息之后的结束行“---”",
                                                        "a closing '---' line after the front matter"),
                              tr("文件结束", "end of file"))]
