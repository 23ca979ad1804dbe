"""腾讯问卷 (wj.qq.com) exports: the downloaded ``.csv``, or the ``.zip`` holding it.

Layout read (one header row, one row per response; every cell usually quoted)
-----------------------------------------------------------------------------
* **System columns** (names as Tencent writes them) become metadata
  (:data:`~casekit.surveys.model.META_KEYS`): ``编号`` → ``response_id``;
  ``开始答题时间`` → ``started_at`` and ``结束答题时间`` → ``submitted_at`` (ISO text
  ``YYYY-MM-DD HH:MM:SS``; ``2024-03-05 09:12:03``, ``2024/3/5 9:12:03``,
  ``2024年3月5日 9:12:03``, ``05-Mar-2024 09:12:03`` … as every reader reads them,
  :func:`~casekit.surveys._parse.iso_datetime`); ``答题时长`` → ``duration_s`` (seconds as
  text, from ``192``, ``3分12秒`` or ``1小时2分3秒``:
  :func:`~casekit.surveys._parse.duration_seconds`); ``IP`` → ``ip`` (an ``1.2.3.4(河北-保定)`` cell also
  gives ``ip_region``); ``地理位置省`` + ``地理位置市`` (or ``省份``/``城市``, ``地理位置``; the
  country column only when both are blank) → ``ip_region`` ``"河北-保定"``; ``来源``/``渠道`` →
  ``source``; ``自定义字段`` (else ``Referrer``) → ``source_detail``; ``用户ID`` (else
  ``用户标识``) → ``user_id``; ``总分``/``得分`` → ``total_score``. Other unnumbered columns
  (``UA``, ``语言``, ``用户类型``, ``昵称``, ``清洗数据结果``, ``智能清洗数据无效概率``,
  ``审核状态`` …) are platform bookkeeping and are not kept.
* **Question columns** start with the question number: ``n.题干``.

  - ``n.题干`` alone: a single choice (every answered cell ``A.选项``), a number or open text;
    ``n.题干[选项填空]`` next to it is the write-in of that single choice → ``Q<n>_other``.
  - ``n.题干_填空k``: the k-th blank of a multi-blank fill-in → ``Q<n>_<k>``.
  - ``n.题干:标签`` (ASCII colon), several columns sharing ``n.题干``: the options of a
    multiple choice, the rows of a matrix, or the options of a ranking. A column is one of these
    only when another column of question n, with a different text, shares its text up to an
    ASCII colon (the stem is the longest such prefix): a colon in a lone question's stem
    (``2.您每天几点上班(例如 8:30)``) does not make it a matrix row. Told apart from the cells,
    column-wise (the header does not say):

    1. **multiple choice** when every answered cell of every column is ``1``, ``0`` or that
       column's own option text (``A.商务领航``, ``D.其他____{fillblank-8c1d}``), or when the
       group has a ``[选项填空]`` write-in column, or when nobody answered it → one ``Q<n>``
       value, chosen options in column order joined by ``;``; the option column's
       ``…[选项填空]`` text → ``Q<n>_other`` (``Q<n>_other_2`` … if several);
    2. **ranking** when every answered cell is a whole number and, in every response, the
       numbers are exactly ``1 … m`` once each (some ``≥ 2``) → ``Q<n>``, options in rank order
       joined by ``;``;
    3. otherwise a **matrix** (cells hold the chosen scale point, as text or a score) →
       ``Q<n>_<k>`` for the k-th row, ``sub_item`` the row title.

    A numeric matrix in which every response happens to give each row a different score
    ``1 … m`` would be read as a ranking; a numeric matrix answered only with ``1`` as a
    multiple choice. Real data with more than a few responses does not do that.
* **Cells**: surrounding white space and a leading tab (Excel "keep as text": ``\\t139…``) are
  removed, as is a leading ``'`` before a digit, ``+``, ``-``, ``=`` or ``@``; the option letter (one capital letter and
  ``.`` or ``、``: ``A.男``, ``B、支撑人员``) is removed in a column when *every* answered cell
  of that column carries one (choice columns), so open answers that happen to start with
  ``A.`` are kept whole; ``____`` and ``{fillblank-…}`` placeholders are removed from option
  texts. ``(跳过)``/``（跳过）`` (question skipped by the survey's logic) → ``""`` with status
  ``skipped``; ``(空)``/``（空）`` and blank cells → ``""`` with status ``empty``. A question
  folded from several columns is ``skipped`` when any of them says so.
* The empty column Tencent adds after the last question (every line ends with ``,``) is
  dropped; a header-less column holding data is a problem.
* A ``.zip`` is read in memory: its ``.csv`` members (``__MACOSX`` entries ignored) with the same
  header row are the segments of one export (``…_seg_1.csv``, ``…_seg_2.csv``) and are read
  in name order; when members differ, the text export is preferred to a ``编码`` (codes) one.

Every problem (file, row, column, expected, found) is collected and raised at once as
:class:`~casekit.exceptions.SurveyFileError`; whatever the bytes, nothing else is raised.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from casekit.exceptions import InputFileError, Problem, SurveyFileError
from casekit.bounded import InflateBudget, inflate, read_bytes
from casekit.surveys._io import (
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    Grid,
    grid_from_bytes,
    read_grid,
)
from casekit.surveys._parse import (
    DATETIME_EXPECTED,
    DATETIME_EXPECTED_ZH,
    DURATION_EXPECTED,
    DURATION_EXPECTED_ZH,
    clean_cells,
    convert,
    duration_seconds,
    guarded,
    iso_datetime,
)
from casekit.surveys.model import LIST_SEP, ExportColumn, SurveyExport
from casekit.surveys.registry import TABLE_SUFFIXES, Reader, register_reader
from casekit.language import tr

__all__ = ["READER", "read", "sniff"]

PLATFORM = "tencent"

#: Metadata key → Tencent header names, in order of preference (the first present is used).
_META_HEADERS: dict[str, tuple[str, ...]] = {
    "response_id": ("编号", "答卷编号", "序号"),
    "started_at": ("开始答题时间", "开始时间"),
    "submitted_at": ("结束答题时间", "提交时间", "提交答卷时间"),
    "duration_s": ("答题时长", "答题时间", "所用时间"),
    "ip": ("IP", "IP地址", "ip", "答题IP"),
    "source": ("来源", "渠道", "来源渠道", "答题来源"),
    "source_detail": ("自定义字段", "来源详情", "Referrer"),
    "user_id": ("用户ID", "用户id", "用户标识", "OpenID", "openid"),
    "total_score": ("总分", "得分", "考试得分"),
}
#: Location columns folded into ``ip_region``: (province-like, city-like, country-like).
_REGION_PROVINCE = ("地理位置省", "省份", "省")
_REGION_CITY = ("地理位置市", "城市", "市")
_REGION_COUNTRY = ("地理位置国家和地区", "国家和地区", "国家")
_REGION_SINGLE = ("地理位置", "IP属地")
#: Headers that mark a 腾讯问卷 export (``编号`` plus one of the answer times).
_SNIFF_TIMES = ("开始答题时间", "结束答题时间")

_SKIPPED = ("(跳过)", "（跳过）")
_NOT_ANSWERED = ("(空)", "（空）")
_WRITE_IN = "[选项填空]"

_QUESTION_RE = re.compile(r"^(\d+)[.．](.*)$", re.DOTALL)
_FILL_RE = re.compile(r"^(.*)_填空(\d+)$", re.DOTALL)
_PREFIX = r"^[A-Z][.、]"
_PLACEHOLDER = r"\{fillblank-[^}]*\}|_{2,}"
_INT_RE = r"^\d{1,4}$"
_NUMBER_RE = r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$"
#: Joins a column's cells into one string so that a C-speed regex can look at the whole column
#: at once; per-cell Python work is then done only on the columns that need it.
_SEP = "\x00"
_PREFIX_AT = re.compile(r"\x00[A-Z][.、]")  # searched in _SEP + blob: a literal first character is fast


def sniff(grid: Grid) -> bool:
    """Tell whether a grid looks like a 腾讯问卷 export.

    Parameters
    ----------
    grid : Grid
        The file read by :func:`~casekit.surveys._io.read_grid`.

    Returns
    -------
    bool
        True when the first non-blank row has ``编号`` and ``开始答题时间`` or ``结束答题时间``
        and at least one numbered question column.
    """
    try:
        header = next((row for row in grid.rows if any(c.strip() for c in row)), None)
        if header is None:
            return False
        names = {_clean_header(c) for c in header}
        return (
            "编号" in names
            and any(t in names for t in _SNIFF_TIMES)
            and any(_QUESTION_RE.match(n) for n in names)
        )
    except Exception:  # noqa: BLE001 - sniffing must never fail detection
        return False


def read(path: str | Path, *, grid: Grid | None = None) -> SurveyExport:
    """Read a 腾讯问卷 export (``.csv``, or the downloaded ``.zip`` holding it).

    Parameters
    ----------
    path : str or Path
        The file as downloaded.
    grid : Grid, optional
        The file already read by :func:`~casekit.surveys._io.read_grid` (``read_export``
        passes the grid it used for detection, so the file is read once).

    Returns
    -------
    SurveyExport
        Platform ``"tencent"``; see the module docstring for the layout rules.

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found); no other exception,
        whatever the file holds.
    """
    path = Path(path)
    return guarded(path, "腾讯问卷 export", lambda: _read(path, grid))


# --------------------------------------------------------------------------- reading files


@dataclass
class _Table:
    """Rows of text cells with where each came from (file name inside a zip, line)."""

    rows: list[list[str]]
    lines: list[int]
    files: list[str]
    encoding: str | None


def _read(path: Path, grid: Grid | None = None) -> SurveyExport:
    table = _load(path, grid)
    return _Reader(path, table).build()


def _load(path: Path, grid: Grid | None = None) -> _Table:
    rel = path.name
    if not path.is_file():
        raise SurveyFileError([Problem(rel, None, None, tr("存在的文件", "an existing file"), "<missing>")])
    if path.suffix.lower() == ".zip":
        return _load_zip(path, rel)
    if path.suffix.lower() in XLSX_SUFFIXES or path.suffix.lower() in TEXT_SUFFIXES:
        grid = grid if grid is not None else read_grid(path)
    else:  # an unexpected suffix: read it as text, as Tencent's CSV is
        try:
            data = read_bytes(path, rel, bundle=False)
        except InputFileError as exc:
            raise SurveyFileError(exc.problems) from None
        grid = grid_from_bytes(data, rel)
    return _Table(grid.rows, grid.line_numbers, [rel] * len(grid.rows), grid.encoding)


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name; names written by Windows tools without the UTF-8 flag are GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _natural_key(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _load_zip(path: Path, rel: str) -> _Table:
    try:
        data = read_bytes(path, rel, bundle=False)
    except InputFileError as exc:
        raise SurveyFileError(exc.problems) from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SurveyFileError(
            [Problem(rel, None, None, tr("能打开的 .zip 压缩包", "a readable .zip archive"),
                     tr(f"打不开的压缩包（{type(exc).__name__}: {exc}）", f"an unreadable archive ({type(exc).__name__}: {exc})"))]
        ) from None
    with archive:
        named = [(info, _member_name(info)) for info in infos if not info.is_dir()]
        members = [
            (info, name)
            for info, name in named
            if name.lower().endswith(".csv")
            and not name.startswith("__MACOSX/")
            and not PurePosixPath(name).name.startswith("._")
        ]
        if not members:
            found = ", ".join(name for _, name in named) or tr("空的压缩包", "an empty archive")
            raise SurveyFileError([Problem(rel, None, None, tr("内有问卷 .csv 导出文件的 .zip 压缩包",
                                                               "a .zip holding the questionnaire's .csv export"), found)])
        members.sort(key=lambda m: _natural_key(m[1]))
        grids: list[tuple[str, Grid]] = []
        problems: list[Problem] = []
        budget = InflateBudget()
        for info, name in members:
            where = f"{rel}/{name}"
            try:
                grids.append((where, grid_from_bytes(inflate(archive, info, rel, name, budget), where)))
            except InputFileError as exc:
                raise SurveyFileError(exc.problems) from None
            except SurveyFileError as exc:
                problems.extend(exc.problems)
    if problems:
        raise SurveyFileError(problems)
    grids = _choose_segments(grids, rel)
    rows: list[list[str]] = []
    lines: list[int] = []
    files: list[str] = []
    for i, (where, grid) in enumerate(grids):
        skip = 0 if i == 0 else _first_nonblank(grid.rows) + 1  # later segments repeat the header
        rows.extend(grid.rows[skip:])
        lines.extend(grid.line_numbers[skip:])
        files.extend([where] * max(0, len(grid.rows) - skip))
    return _Table(rows, lines, files, grids[0][1].encoding)


def _first_nonblank(rows: Sequence[Sequence[str]]) -> int:
    return next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), len(rows))


def _header_of(grid: Grid) -> tuple[str, ...]:
    i = _first_nonblank(grid.rows)
    return tuple(_clean_header(c) for c in grid.rows[i]) if i < len(grid.rows) else ()


def _choose_segments(grids: list[tuple[str, Grid]], rel: str) -> list[tuple[str, Grid]]:
    """The members making up one export: all of them when they share a header row."""
    headers = {_header_of(g) for _, g in grids}
    if len(headers) == 1:
        return grids
    text = [(w, g) for w, g in grids if "编码" not in PurePosixPath(w).name]
    if text and len({_header_of(g) for _, g in text}) == 1:
        return text
    names = ", ".join(w for w, _ in grids)
    raise SurveyFileError([Problem(rel, None, None, tr("同一份导出：各 csv 文件的表头行相同",
                                                       "one export: csv members sharing one header row"), names)])


# --------------------------------------------------------------------------- columns


def _every_cell(values: pd.Series, cell_pattern: str) -> bool:
    """Whether every non-empty cell fully matches ``cell_pattern`` (one regex over the column)."""
    cell = f"(?:{cell_pattern})?"
    return re.fullmatch(f"{cell}(?:{_SEP}{cell})*", _SEP.join(values.tolist()), re.DOTALL) is not None


def _clean_cells(values: list[str]) -> tuple[pd.Series, pd.Series]:
    """Trim cells, drop Excel's leading ``'`` before digits, turn markers into ``""``.

    Returns the cleaned column and the mask of cells marked as skipped by the survey's logic.
    """
    values = clean_cells(values)
    blob = _SEP.join(values)
    series = pd.Series(values, dtype=object)
    if any(marker in blob for marker in (*_SKIPPED, *_NOT_ANSWERED)):
        skipped = series.isin(_SKIPPED)
        return series.mask(skipped | series.isin(_NOT_ANSWERED), ""), skipped
    return series, pd.Series(False, index=series.index)


def _strip_letters(value: pd.Series) -> tuple[pd.Series, bool]:
    """Remove option letters when every answered cell of the column has one."""
    values = value.tolist()
    answered = int(value.ne("").sum())
    if answered and len(_PREFIX_AT.findall(_SEP + _SEP.join(values))) == answered:
        return pd.Series([v[2:].strip() for v in values], index=value.index, dtype=object), True
    return value, False


def _without_placeholders(value: pd.Series) -> pd.Series:
    blob = _SEP.join(value.tolist())
    if "__" in blob or "{fillblank" in blob:
        return value.str.replace(_PLACEHOLDER, "", regex=True).str.strip()
    return value


def _sub_columns(rests: Sequence[str]) -> list[bool]:
    """Which columns of one question are option/row columns ``n.题干:标签``.

    A column is one when its text (without ``[选项填空]``) has an ASCII colon up to which another
    column of the same question, with a different text, starts the same way. A colon in a lone
    question's stem (``2.您每天几点上班(例如 8:30)``, with or without its ``[选项填空]``
    column) does not make it a matrix, nor does one in the stem of fill-in blanks
    (``…(8:30)_填空1``, ``…_填空2``: blanks of one stem are not each other's partners).
    """
    bases = [r.removesuffix(_WRITE_IN) for r in rests]
    fills = [_FILL_RE.match(b) for b in bases]
    out: list[bool] = []
    for i, base in enumerate(bases):
        colons = [m.start() for m in re.finditer(":", base)]
        found = False
        for k, other in enumerate(bases):
            if k == i or other == base:
                continue
            if fills[i] is not None and fills[k] is not None and fills[i].group(1) == fills[k].group(1):
                continue  # blanks of one fill-in question
            if any(other.startswith(base[: pos + 1]) for pos in colons):
                found = True
                break
        out.append(found)
    return out


def _clean_header(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def _label(text: str) -> str:
    """An option or row title as the questionnaire shows it: placeholders removed."""
    return re.sub(_PLACEHOLDER, "", text).strip()


@dataclass
class _Sub:
    """One ``n.题干:标签`` column of a question group."""

    index: int
    header: str
    label: str
    write_in: bool


@dataclass
class _Question:
    """Every column of question ``n``, in file order."""

    number: int
    position: int
    stem: str = ""
    plain: list[tuple[int, str]] = field(default_factory=list)  # n.题干
    plain_write_in: list[tuple[int, str]] = field(default_factory=list)  # n.题干[选项填空]
    fills: list[tuple[int, str, int]] = field(default_factory=list)  # n.题干_填空k
    subs: list[tuple[int, str, str]] = field(default_factory=list)  # n.题干:标签 (raw rest)


@dataclass
class _Output:
    """One column of the result, with its values and statuses."""

    order: tuple[int, int]
    column: ExportColumn
    values: pd.Series
    status: pd.Series


class _Reader:
    """Turns a table of text cells into a :class:`SurveyExport`, column by column."""

    def __init__(self, path: Path, table: _Table) -> None:
        self.path = path
        self.rel = path.name
        self.table = table
        self.problems: list[Problem] = []
        self.lines: list[int] = []
        self.files: list[str] = []
        self.n = 0
        self.raw: dict[str, pd.Series] = {}
        self.cells: dict[str, pd.Series] = {}
        self.skipped: dict[str, pd.Series] = {}

    # -- helpers ---------------------------------------------------------------------------

    def problem(self, row: int | None, column: str | None, expected: str, found: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.rel, row, column, expected, found))

    def located(self, mask: pd.Series, column: str, expected: str) -> None:
        """Add one problem per row where ``mask`` is true, with the cell's text as found."""
        for i in np.flatnonzero(mask.to_numpy(dtype=bool)):
            self.problem(self.lines[i], column, expected, str(self.raw[column].iat[i]), self.files[i])

    # -- the pipeline ----------------------------------------------------------------------

    def build(self) -> SurveyExport:
        rows, lines, files = self.table.rows, self.table.lines, self.table.files
        start = _first_nonblank(rows)
        if start == len(rows):
            raise SurveyFileError([Problem(self.rel, None, None, tr("有表头行的腾讯问卷导出文件", "a 腾讯问卷 export with a header row"),
                                           tr("没有表头行", "no header row"))])
        header = [_clean_header(c) for c in rows[start]]
        header_file, header_line = files[start], lines[start]
        body_idx = [i for i in range(start + 1, len(rows)) if any(c.strip() for c in rows[i])]
        width = len(header)
        keep = [j for j, h in enumerate(header) if h]
        body: list[list[str]] = []
        for i in body_idx:
            row = rows[i]
            if len(row) != width:
                extra = row[width:]
                missing = range(len(row), width)
                if any(c.strip() for c in extra) or any(header[j] for j in missing):
                    self.problem(lines[i], None, tr(f"与表头行一样 {width} 格", f"{width} cells as in the header row"),
                                 tr(f"{len(row)} 格", f"{len(row)} cells"), files[i])
                row = (row + [""] * width)[:width]
            body.append(row)
        self.lines = [lines[i] for i in body_idx]
        self.files = [files[i] for i in body_idx]
        n = len(body)
        by_column = [list(col) for col in zip(*body)] if n else [[] for _ in range(width)]
        for j in range(width):
            if not header[j] and "".join(by_column[j]).strip():
                self.problem(header_line, tr(f"<第 {j + 1} 列>", f"<column {j + 1}>"),
                             tr("每个有答案的列都有表头", "a header for every column holding answers"),
                             tr("空的表头", "a blank header"), header_file)
        seen: dict[str, int] = {}
        for j in list(keep):
            if header[j] in seen:
                self.problem(header_line, header[j], tr("每个列名只出现一次", "each column header once"),
                             tr(f"第 {seen[header[j]] + 1} 列和第 {j + 1} 列", f"columns {seen[header[j]] + 1} and {j + 1}"),
                             header_file)
                keep.remove(j)
            seen.setdefault(header[j], j)
        self.raw = {header[j]: pd.Series(by_column[j], dtype=object) for j in keep}
        self.n = n
        for j in keep:
            self.cells[header[j]], self.skipped[header[j]] = _clean_cells(by_column[j])

        outputs = self.meta_outputs([header[j] for j in keep], keep)
        questions = self.group_questions([(j, header[j]) for j in keep], header_line, header_file)
        if not questions:
            self.problem(header_line, None, tr("名为“n.题干”的题目列（腾讯问卷导出文件）", "question columns named 'n.题干' (腾讯问卷 export)"),
                         ", ".join(header[j] for j in keep[:8]) or tr("一列也没有", "no column"), header_file)
        for question in questions:
            outputs.extend(self.question_outputs(question, header_line, header_file))
        keys = [o.column.key for o in outputs]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            heads = [o.column.header for o in outputs if o.column.key == key]
            self.problem(header_line, heads[0], tr(f"每个键 {key} 一组列", f"one column group per key {key}"), " / ".join(heads),
                         header_file)
        if self.problems:
            raise SurveyFileError(self.problems)
        outputs.sort(key=lambda o: o.order)
        # Built column-wise: ``_build.assemble`` takes one list per response, which would turn
        # every column back into Python rows; the result is the same SurveyExport.
        return SurveyExport(
            path=self.path,
            platform=PLATFORM,
            encoding=self.table.encoding,
            columns=tuple(o.column for o in outputs),
            data=pd.DataFrame({o.column.key: o.values.to_numpy(dtype=object) for o in outputs}, index=range(self.n),
                              dtype=object),
            status=pd.DataFrame({o.column.key: o.status.to_numpy(dtype=object) for o in outputs}, index=range(self.n),
                                dtype=object),
            rows=tuple(int(r) for r in self.lines),
        )

    def simple_status(self, value: pd.Series, skipped: pd.Series) -> pd.Series:
        return pd.Series(np.where(skipped, "skipped", np.where(value.ne(""), "answered", "empty")), dtype=object)

    # -- metadata --------------------------------------------------------------------------

    def meta_outputs(self, names: list[str], positions: list[int]) -> list[_Output]:
        where = dict(zip(names, positions))
        outputs: list[_Output] = []

        def first(candidates: Sequence[str]) -> str | None:
            return next((c for c in candidates if c in where), None)

        def add(key: str, header: str, values: pd.Series, skipped: pd.Series | None = None) -> None:
            skipped = skipped if skipped is not None else pd.Series(False, index=values.index)
            outputs.append(
                _Output((where[header], 0), ExportColumn(key, header, "meta"), values, self.simple_status(values, skipped))
            )

        for key, candidates in _META_HEADERS.items():
            name = first(candidates)
            if name is None or key in ("ip",):
                continue
            value = self.cells[name]
            if key in ("started_at", "submitted_at"):
                value = self.parse_times(name, value)
            elif key == "duration_s":
                value = self.parse_duration(name, value)
            add(key, name, value)

        ip_name = first(_META_HEADERS["ip"])
        ip_region: pd.Series | None = None
        if ip_name is not None:
            ip = self.cells[ip_name]
            ip_blob = _SEP.join(ip.tolist())
            if "(" in ip_blob or "（" in ip_blob:  # "1.2.3.4(河北-保定)"
                parts = ip.str.extract(r"^(.*?)\s*[(（]([^()（）]*)[)）]$")
                has_region = parts[0].notna()
                ip = ip.where(~has_region, parts[0].fillna(""))
                if has_region.any():
                    ip_region = parts[1].fillna("").str.strip()
            add("ip", ip_name, ip)

        province, city = first(_REGION_PROVINCE), first(_REGION_CITY)
        country, single = first(_REGION_COUNTRY), first(_REGION_SINGLE)
        region_cols = [c for c in (province, city) if c is not None]
        if region_cols:
            region = self.cells[region_cols[0]]
            if len(region_cols) == 2:
                other = self.cells[region_cols[1]]
                both = region.ne("") & other.ne("") & region.ne(other)  # 北京-北京 → 北京
                region = region.where(region.ne(""), other).where(~both, region + "-" + other)
            if country is not None:
                region = region.where(region.ne(""), self.cells[country])
            add("ip_region", min(region_cols + ([country] if country else []), key=where.get), region)
        elif single is not None:
            add("ip_region", single, self.cells[single])
        elif country is not None:
            add("ip_region", country, self.cells[country])
        elif ip_region is not None and ip_name is not None:
            outputs.append(
                _Output((where[ip_name], 1), ExportColumn("ip_region", ip_name, "meta"), ip_region,
                        self.simple_status(ip_region, pd.Series(False, index=ip_region.index)))
            )
        return outputs

    def parse_times(self, name: str, value: pd.Series) -> pd.Series:
        """Times as ISO text (:func:`~casekit.surveys._parse.iso_datetime`); others reported."""
        return self.parse_with(name, value, iso_datetime, tr(DATETIME_EXPECTED_ZH, DATETIME_EXPECTED))

    def parse_duration(self, name: str, value: pd.Series) -> pd.Series:
        """Durations as seconds (:func:`~casekit.surveys._parse.duration_seconds`); others reported."""
        return self.parse_with(name, value, duration_seconds, tr(DURATION_EXPECTED_ZH, DURATION_EXPECTED))

    def parse_with(self, name: str, value: pd.Series, parse: Callable[[str], str | None], expected: str) -> pd.Series:
        values, bad = convert(value.tolist(), parse)
        if bad:
            mask = np.zeros(len(value), dtype=bool)
            mask[bad] = True
            self.located(pd.Series(mask, index=value.index), name, expected)
        return pd.Series(values, index=value.index, dtype=object)

    # -- questions -------------------------------------------------------------------------

    def group_questions(self, columns: list[tuple[int, str]], header_line: int, header_file: str) -> list[_Question]:
        by_number: dict[int, list[tuple[int, str, str]]] = {}
        for j, name in columns:
            match = _QUESTION_RE.match(name)
            if match is not None:
                by_number.setdefault(int(match.group(1)), []).append((j, name, match.group(2)))
        questions: list[_Question] = []
        for number, entries in by_number.items():
            q = _Question(number, entries[0][0])
            subs = _sub_columns([rest for _, _, rest in entries])
            for (j, name, rest), is_sub in zip(entries, subs):
                fill = _FILL_RE.match(rest)
                if is_sub:
                    q.subs.append((j, name, rest))
                elif rest.endswith(_WRITE_IN):
                    q.plain_write_in.append((j, name))
                    q.stem = q.stem or rest.removesuffix(_WRITE_IN).strip()
                elif fill is not None:
                    q.fills.append((j, name, int(fill.group(2))))
                    q.stem = q.stem or fill.group(1).strip()
                else:
                    q.plain.append((j, name))
                    q.stem = rest.strip()
            questions.append(q)
        return questions

    def question_outputs(self, q: _Question, header_line: int, header_file: str) -> list[_Output]:
        outputs: list[_Output] = []
        if len(q.plain) > 1:
            self.problem(header_line, q.plain[1][1], tr(f"第 {q.number} 题只有一列", f"one column for question {q.number}"),
                         q.plain[0][1], header_file)
        if q.plain and q.subs:
            self.problem(header_line, q.subs[0][1], tr(f"第 {q.number} 题写成一列，或写成选项/行的多列",
                                                       f"question {q.number} as one column or as option/row columns"),
                         q.plain[0][1], header_file)
        subs = self.split_subs(q) if q.subs else []
        if q.plain:
            outputs.extend(self.single_outputs(q))
        elif q.plain_write_in and not q.subs:  # a write-in column whose choice column is missing
            for i, (wj, wname) in enumerate(q.plain_write_in):
                text = self.cells[wname]
                key = f"Q{q.number}_other" + (f"_{i + 1}" if i else "")
                outputs.append(_Output((wj, 0), ExportColumn(key, wname, "other", q.number, q.stem, "其他"),
                                       text, self.simple_status(text, self.skipped[wname])))
        for j, name, k in q.fills:
            value = self.cells[name]
            outputs.append(_Output((j, 0), ExportColumn(f"Q{q.number}_{k}", name, "fill", q.number, q.stem, f"填空{k}"),
                                   value, self.simple_status(value, self.skipped[name])))
        if subs:
            outputs.extend(self.group_outputs(q, subs))
        return outputs

    def split_subs(self, q: _Question) -> list[_Sub]:
        """Find the stem shared by the ``n.题干:标签`` columns and each column's label."""
        rests = [rest.removesuffix(_WRITE_IN) for _, _, rest in q.subs]
        colons = [m.start() for m in re.finditer(":", rests[0])]
        cut = colons[0]
        # the longest prefix ending at a colon that every column shares (a colon inside the stem,
        # "几点上班(例如 8:30):标签", is then part of the stem)
        for pos in colons:
            prefix = rests[0][: pos + 1]
            if all(r.startswith(prefix) and len(r) > pos + 1 for r in rests):
                cut = pos
        q.stem = q.stem or rests[0][:cut].strip()
        return [
            _Sub(j, name, _label(rest[cut + 1:]), name.endswith(_WRITE_IN))
            for (j, name, _), rest in zip(q.subs, rests)
        ]

    def single_outputs(self, q: _Question) -> list[_Output]:
        j, name = q.plain[0]
        raw = self.cells[name]
        value, lettered = _strip_letters(raw)
        skipped = self.skipped[name]
        for wj, wname in q.plain_write_in:
            skipped = skipped | self.skipped[wname]
        answered = value[value.ne("")]
        options: tuple[str, ...] = ()
        if lettered or q.plain_write_in:
            kind = "single"
            if lettered:
                seen = sorted({(v[0], v[2:].strip()) for v in pd.unique(raw[raw.ne("")])})
                options = tuple(dict.fromkeys(label for _, label in seen))
        elif len(answered) and _every_cell(value, _NUMBER_RE[1:-1]):
            kind = "number"
        else:
            kind = "open"
        outputs = [_Output((j, 0), ExportColumn(f"Q{q.number}", name, kind, q.number, q.stem, None, None, options),
                           value, self.simple_status(value, skipped))]
        for i, (wj, wname) in enumerate(q.plain_write_in):
            text = self.cells[wname]
            chosen = value[text.ne("") & value.ne("")]
            sub_item = str(chosen.mode().iat[0]) if len(chosen) else "其他"
            key = f"Q{q.number}_other" + (f"_{i + 1}" if i else "")
            outputs.append(_Output((j, 1 + i), ExportColumn(key, wname, "other", q.number, q.stem, sub_item),
                                   text, self.simple_status(text, skipped)))
        return outputs

    def group_outputs(self, q: _Question, subs: list[_Sub]) -> list[_Output]:
        options = [s for s in subs if not s.write_in]
        write_ins = [s for s in subs if s.write_in]
        position = subs[0].index
        skipped = pd.Series(False, index=range(self.n))
        for s in subs:
            skipped = skipped | self.skipped[s.header].reset_index(drop=True)
        cleaned: dict[str, pd.Series] = {}
        for s in options:
            value, _ = _strip_letters(self.cells[s.header])
            cleaned[s.header] = _without_placeholders(value.reset_index(drop=True))
        answered_any = any(v.ne("").any() for v in cleaned.values())
        is_multi = bool(write_ins) or not answered_any or all(
            cleaned[s.header].isin(("", "0", "1", s.label)).all() for s in options
        )
        if is_multi:
            return self.multi_outputs(q, options, write_ins, cleaned, skipped, position)
        ranks = self.ranks(options, cleaned)
        if ranks is not None:
            value = self.join_ranked(options, ranks)
            column = ExportColumn(f"Q{q.number}", options[0].header, "rank", q.number, q.stem, None, None,
                                  tuple(s.label for s in options))
            return [_Output((position, 0), column, value, self.simple_status(value, skipped))]
        outputs = []
        for k, s in enumerate(options, start=1):
            value = cleaned[s.header]
            column = ExportColumn(f"Q{q.number}_{k}", s.header, "matrix", q.number, q.stem, s.label)
            outputs.append(_Output((s.index, 0), column, value, self.simple_status(value, skipped)))
        return outputs

    def multi_outputs(self, q: _Question, options: list[_Sub], write_ins: list[_Sub], cleaned: dict[str, pd.Series],
                      skipped: pd.Series, position: int) -> list[_Output]:
        acc = np.full(self.n, "", dtype=object)
        for s in options:
            chosen = cleaned[s.header].ne("") & cleaned[s.header].ne("0")
            acc = acc + np.where(chosen.to_numpy(), s.label + LIST_SEP, "")
        joined = pd.Series(acc, dtype=object).str.slice(0, -len(LIST_SEP)) if self.n else pd.Series([], dtype=object)
        header = options[0].header if options else write_ins[0].header
        column = ExportColumn(f"Q{q.number}", header, "multi", q.number, q.stem, None, None, tuple(s.label for s in options))
        outputs = [_Output((position, 0), column, joined, self.simple_status(joined, skipped))]
        for i, s in enumerate(write_ins):
            text = self.cells[s.header].reset_index(drop=True)
            key = f"Q{q.number}_other" + (f"_{i + 1}" if i else "")
            column = ExportColumn(key, s.header, "other", q.number, q.stem, s.label)
            outputs.append(_Output((position, 1 + i), column, text, self.simple_status(text, skipped)))
        return outputs

    def ranks(self, options: list[_Sub], cleaned: dict[str, pd.Series]) -> np.ndarray | None:
        """The rank matrix (0 = not ranked) when the group is a ranking, else None."""
        if not all(_every_cell(cleaned[s.header], _INT_RE[1:-1]) for s in options):
            return None
        frame = pd.DataFrame({s.header: cleaned[s.header] for s in options})
        filled = frame.ne("")
        ranks = np.array(frame.where(filled, "0").to_numpy(dtype=str), dtype=np.int64).reshape(self.n, len(options))
        m = filled.sum(axis=1).to_numpy()
        if ranks.max(initial=0) < 2 or (ranks[filled.to_numpy()] < 1).any():
            return None
        for r in range(1, len(options) + 1):  # exactly 1..m, each once
            if not np.array_equal((ranks == r).sum(axis=1), (m >= r).astype(np.int64)):
                return None
        return ranks

    def join_ranked(self, options: list[_Sub], ranks: np.ndarray) -> pd.Series:
        acc = np.full(self.n, "", dtype=object)
        for r in range(1, len(options) + 1):
            at_rank = np.full(self.n, "", dtype=object)
            for j, s in enumerate(options):
                at_rank = np.where(ranks[:, j] == r, s.label + LIST_SEP, at_rank)
            acc = acc + at_rank
        return pd.Series(acc, dtype=object).str.slice(0, -len(LIST_SEP)) if self.n else pd.Series([], dtype=object)


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "腾讯问卷", read, sniff, suffixes=(*TABLE_SUFFIXES, ".zip"), priority=20))
