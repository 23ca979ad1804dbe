"""问卷星 (wjx.cn) exports: 按文本 and 按序号 downloads, as ``.xlsx`` or ``.csv``.

Layouts read (one header row, one response per row):

* Metadata columns ``序号``, ``提交答卷时间`` (``2024/3/5 10:12:33``), ``开始时间``, ``所用时间``
  (``95秒``, ``1分35秒``, ``1小时2分5秒`` or bare seconds), ``来源``, ``来源详情``, ``来自IP``
  (``1.2.3.4(广东-深圳)``, split into ``ip`` and ``ip_region``), ``总分``, ``用户ID``.
* One column per question: ``1、题干`` (also ``1．题干`` / ``1.题干`` / ``1：题干``).
* Matrix rows: consecutive ``3、题干—行标题`` columns (the dash may be ``—``, ``－`` or ``-``);
  keys ``Q3_1`` … in column order, ``sub_item`` the row title.
* Option columns of one question: consecutive ``4、(选项)`` / ``4(选项)`` columns, each holding
  ``1``/``0``, the option text or nothing, folded into the one value ``Q4`` (chosen options in
  column order, joined by :data:`~casekit.surveys.model.LIST_SEP`). If the cells hold
  ranks (``1`` … ``m``, a permutation per response) the group is a ranking and the options are
  joined in rank order. Option labels ``填空1`` … make fill-in blanks; other free text makes
  fill-in blanks ``Q4_1`` … with the label as ``sub_item``.
* The older layout ``第3题(子项)``: matrix rows, or option columns when the cells hold
  ``1``/``0``/the label (or ranks, as above).
* Fill-in blanks ``8、题干(填空1)``, ``8、题干(填空2)`` … → ``Q8_1``, ``Q8_2`` (``sub_item`` ``填空1``).
* Multiple choice joined by ``┋``; rankings joined by ``→`` (a column is a ranking when at
  least half of its answers contain ``→``); write-ins ``其他〖云存储〗`` → option ``其他`` in the
  value and ``云存储`` in ``<key>_other`` (``sub_item`` the option carrying the write-in).
* ``(跳过)`` / ``（跳过）`` → ``""`` "skipped"; ``(空)`` / ``（空）`` / empty cell → ``""`` "empty".

按序号 exports are recognised from their cells (matrix rows and ``┋``-joined answers hold option
numbers, ``-3``/``-2`` codes appear) and, when the cells do not tell, from ``按序号`` in the file
name. In them option-column groups fold to option numbers (``1;3``), and the missing codes of
:data:`MISSING_CODES` apply to **choice, matrix and ranking columns only** (kinds in
:data:`CODED_KINDS`, judged with the codes set aside): there a negative number cannot be an
option number, while in a number, open or fill-in column ``-2`` or ``-3`` may be a real answer
and is kept. ``-3`` is 问卷星's "跳过" (skipped by a jump logic) and ``-2`` its "未显示" (not
displayed, hidden by a display/关联 logic): both → ``""`` "skipped". Source: 问卷星's own
description of 按序号 downloads ("-3 表示跳过, -2 表示未显示"), as we know it; the reference
corpora searched for this change (pages and docs, "问卷星 导出 按序号 -2 -3 跳过 未显示") hold no
page that states it, so it is not independently confirmed -- the mapping is this one constant.
A question shown but not answered is ``(空)`` in both exports ("empty").
A write-in in a 按序号 single column (``2┋4〖云存储〗``) gets ``sub_item`` ``其他`` (the option's text
is not in the file).

Any other unnumbered column (``自定义字段``, ``微信昵称``, ``姓名``, ``考试得分``, ``填写设备`` …) is
kept as metadata (``kind="meta"``) keyed by the :func:`~casekit.surveys._parse.slug` of
its header (``_2`` … when that key is taken); a column holding answers under a blank header is a
problem.

问卷星 exports do not carry question types: ``ExportColumn.kind`` is inferred from the layout and
the cells (``matrix``, ``multi``, ``rank``, ``fill``, ``number``, ``single`` or ``open``) and is a
best guess for plain columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys._build import assemble_columns
from casekit.surveys._io import Grid, read_grid
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
    slug,
)
from casekit.surveys.model import LIST_SEP, ExportColumn, SurveyExport
from casekit.surveys.registry import Reader, register_reader
from casekit.language import tr

__all__ = ["READER", "META_HEADERS", "MISSING_CODES", "MISSING_MARKERS", "read", "sniff"]

PLATFORM = "wjx"

#: 按序号 numeric missing codes → status (choice, matrix and ranking columns only; see the module).
MISSING_CODES: dict[str, str] = {"-3": "skipped", "-2": "skipped"}

#: Question kinds whose 按序号 cells are option numbers, so that a negative number is a missing code.
CODED_KINDS = frozenset({"single", "multi", "matrix", "rank"})

#: Text markers for a cell without an answer (both exports) → status.
MISSING_MARKERS: dict[str, str] = {
    "": "empty",
    "(空)": "empty",
    "（空）": "empty",
    "(跳过)": "skipped",
    "（跳过）": "skipped",
}

#: 问卷星 system column headers → metadata key (``来自IP`` also gives ``ip_region``).
META_HEADERS: dict[str, str] = {
    "序号": "response_id",
    "提交答卷时间": "submitted_at",
    "开始时间": "started_at",
    "开始答卷时间": "started_at",
    "所用时间": "duration_s",
    "来源": "source",
    "来源详情": "source_detail",
    "来自IP": "ip",
    "总分": "total_score",
    "用户ID": "user_id",
}

#: Headers only 问卷星 uses (sniffing).
_MARKER_HEADERS = frozenset({"提交答卷时间", "所用时间", "来自IP", "来源详情"})

_QUESTION = re.compile(r"(\d{1,4})(?:、|．|\.(?!\d)|：|:)\s*(.*)", re.DOTALL)
_OPTION = re.compile(r"(\d{1,4})、?\s*([(（].*[)）])", re.DOTALL)
_OLD_SUB = re.compile(r"第(\d{1,4})题\s*([(（].*[)）])", re.DOTALL)
_FILL = re.compile(r"(.*?)\s*[(（]\s*(填空\d+)\s*[)）]", re.DOTALL)
_FILL_LABEL = re.compile(r"填空\d+")
_WRITE_IN = re.compile(r"([^〖〗]*)〖([^〖〗]*)〗", re.DOTALL)
_ASCII_INT = re.compile(r"[0-9]{1,9}")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_CODES = re.compile(r"-?\d+(?:[┋→]\d+)*(?:〖[^〖〗]*〗)?")
_IP = re.compile(r"([^\s(（]*)\s*(?:[(（](.*)[)）])?", re.DOTALL)
_DASHES = ("—", "－", "-")
_SKIP_SEP = "\x00"


@dataclass(frozen=True)
class _Head:
    """One header cell, classified."""

    index: int
    text: str
    style: str  # "meta", "question" (n、题干), "option" (n、(x)), "sub" (第n题(x)) or "unknown"
    number: int | None = None
    stem: str = ""
    label: str | None = None


@dataclass
class _Out:
    """One output column with its cells."""

    column: ExportColumn
    values: list[str]
    statuses: list[str]


# --------------------------------------------------------------------------- public API


def sniff(grid: Grid) -> bool:
    """Tell whether a grid looks like a 问卷星 export.

    Parameters
    ----------
    grid : Grid
        The file read by :func:`~casekit.surveys._io.read_grid`.

    Returns
    -------
    bool
        True when the header row has 问卷星's system columns (``提交答卷时间``, ``所用时间``,
        ``来自IP`` or ``来源详情``) and at least one question header, or ``序号`` followed only by
        问卷星 question headers.
    """
    try:
        header = _header_row(grid)
        if header is None:
            return False
        cells = [c.strip() for c in grid.rows[header]]
        questions = sum(_classify(i, c).style in ("question", "option", "sub") for i, c in enumerate(cells) if c)
        if not questions:
            return False
        if _MARKER_HEADERS.intersection(cells):
            return True
        others = [c for c in cells if c and c != "序号"]
        return "序号" in cells and questions == len(others)
    except Exception:  # noqa: BLE001 - sniffing never fails, it only says no
        return False


def read(path: str | Path, *, grid: Grid | None = None) -> SurveyExport:
    """Read a 问卷星 export (按文本 or 按序号, ``.xlsx`` or ``.csv``) as downloaded.

    Parameters
    ----------
    path : str or Path
        The file.
    grid : Grid, optional
        The file already read by :func:`~casekit.surveys._io.read_grid` (``read_export``
        passes the grid it used for detection, so the file is read once).

    Returns
    -------
    SurveyExport
        Platform ``"wjx"``; see the module docstring for the layouts and the missing codes.

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found); raised for any input
        that is not a readable 问卷星 export, whatever its bytes.
    """
    path = Path(path)
    return guarded(path, "问卷星 export", lambda: _Reader(path, grid if grid is not None else read_grid(path)).run())


# --------------------------------------------------------------------------- headers


def _header_row(grid: Grid) -> int | None:
    """Index of the first row with a non-blank cell."""
    for i, row in enumerate(grid.rows):
        if any(c.strip() for c in row):
            return i
    return None


def _wrapped(text: str) -> str | None:
    """The inside of ``(…)``/``（…）`` when the parentheses wrap all of ``text``, else None."""
    if len(text) < 2 or text[0] not in "(（" or text[-1] not in ")）":
        return None
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return None
    return text[1:-1].strip() if depth == 0 else None


def _classify(index: int, text: str) -> _Head:
    """Classify one header cell (style ``"unknown"`` when it is none of 问卷星's)."""
    if text in META_HEADERS:
        return _Head(index, text, "meta")
    m = _OLD_SUB.fullmatch(text)
    if m and (label := _wrapped(m[2])) is not None:
        return _Head(index, text, "sub", int(m[1]), "", label)
    m = _OPTION.fullmatch(text)
    if m and (label := _wrapped(m[2])) is not None:
        return _Head(index, text, "option", int(m[1]), "", label)
    m = _QUESTION.fullmatch(text)
    if m:
        return _Head(index, text, "question", int(m[1]), m[2].strip())
    return _Head(index, text, "unknown")


def _split_matrix(stems: Sequence[str]) -> tuple[str, list[str]] | None:
    """Split ``题干—行标题`` stems at the dash after their common stem; None if they do not share one."""
    prefix = stems[0]
    for s in stems[1:]:
        n = 0
        while n < min(len(prefix), len(s)) and prefix[n] == s[n]:
            n += 1
        prefix = prefix[:n]
    for dash in _DASHES:
        cut = prefix.rfind(dash)
        if cut >= 0:
            rows = [s[cut + 1 :].strip() for s in stems]
            if all(rows):
                return prefix[:cut].strip(), rows
    return None


# --------------------------------------------------------------------------- cells


def _clean(column: Sequence[str]) -> tuple[list[str], set[str]]:
    """Cells cleaned (:func:`~casekit.surveys._parse.clean_cells`) and their distinct values.

    Most work is then done per distinct value.
    """
    out = clean_cells(column)
    return out, set(out)


def _nonblank(row: Sequence[str]) -> bool:
    """True when a row has a cell that is not white space (fast path: its first cell)."""
    return bool(row) and bool(row[0].strip() or "".join(row).strip())


def _meta_status(values: list[str]) -> list[str]:
    """``"answered"`` for a non-empty metadata cell, ``"empty"`` otherwise."""
    return list(map({"": "empty"}.get, values, repeat("answered")))


def _parse_write_ins(value: str, sep: str | None) -> tuple[str, str, str | None] | None:
    """``其他〖云存储〗`` parts → (options joined, write-ins joined, option carrying the first write-in).

    Returns None when a ``〖``/``〗`` is unbalanced or nested.
    """
    parts = value.split(sep) if sep else [value]
    labels: list[str] = []
    others: list[str] = []
    carrier: str | None = None
    for part in parts:
        part = part.strip()
        if "〖" in part or "〗" in part:
            m = _WRITE_IN.fullmatch(part)
            if m is None:
                return None
            label = m[1].strip()
            labels.append(label)
            if carrier is None:
                carrier = label
            if m[2].strip():
                others.append(m[2].strip())
        else:
            labels.append(part)
    return LIST_SEP.join(labels), LIST_SEP.join(others), carrier


# --------------------------------------------------------------------------- the reader


class _Reader:
    """Reads one grid; collects problems instead of stopping at the first."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self.path = path
        self.rel = path.name
        self.grid = grid
        self.problems: list[Problem] = []
        self._joined: dict[int, str] = {}
        self.cells: list[list[str]] = []
        self.distinct: list[set[str]] = []

    def joined(self, index: int) -> str:
        """Column ``index``'s distinct values joined by NUL (cached), to look for ┋ → 〖 〗 at C speed."""
        text = self._joined.get(index)
        if text is None:
            text = self._joined[index] = _SKIP_SEP.join(self.distinct[index])
        return text

    def problem(self, row: int | None, column: str | None, expected: str, found: str) -> None:
        self.problems.append(Problem(self.rel, row, column, expected, found))

    def fail_if_problems(self) -> None:
        """Raise every problem found so far (``read`` condenses them)."""
        if self.problems:
            raise SurveyFileError(self.problems)

    # ---- steps

    def run(self) -> SurveyExport:
        grid = self.grid
        h = _header_row(grid)
        if h is None:
            self.problem(None, None, tr("问卷星导出的表头行（序号、提交答卷时间、1、题干 …）", "a 问卷星 header row (序号, 提交答卷时间, 1、题干 …)"),
                         tr("只有空行", "only blank rows"))
            self.fail_if_problems()
            raise AssertionError("unreachable")
        self.header_line = grid.line_numbers[h]
        header = [c.strip() for c in grid.rows[h]]
        while header and not header[-1]:
            header.pop()
        n_cols = len(header)
        heads = [_classify(i, t) for i, t in enumerate(header)]

        kept = [i for i in range(h + 1, len(grid.rows)) if _nonblank(grid.rows[i])]
        self.lines = [grid.line_numbers[i] for i in kept]
        rows = grid.rows[h + 1 :] if len(kept) == len(grid.rows) - h - 1 else [grid.rows[i] for i in kept]
        if any(len(r) != n_cols for r in rows):
            rows = self._fit_rows(rows, n_cols, header)
        self.n = len(rows)
        raw = list(zip(*rows)) if rows else [()] * n_cols
        cleaned = [_clean(col) for col in raw]
        self.cells = [c for c, _ in cleaned]
        self.distinct = [d for _, d in cleaned]
        self._check_heads(heads)

        groups = self._groups(heads)
        self.codes = self._codes_export(groups)
        outs: list[_Out] = []
        extras: list[_Out] = []
        for kind, members in groups:
            if kind == "meta":
                outs.extend(self._meta(members[0]))
            elif kind == "extra":
                extras.append(self._extra(members[0]))
                outs.append(extras[-1])
            else:
                outs.extend(self._question(kind, members))
        if not any(head.style in ("question", "option", "sub") for head in heads):
            self.problem(self.header_line, None, tr("至少一个题目列（1、题干）", "at least one question column (1、题干)"),
                         tr("一个也没有", "none"))
        self._unique_extra_keys(outs, extras)
        keys = [o.column.key for o in outs]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            header = next(o.column.header for o in outs if o.column.key == key)
            self.problem(self.header_line, header, tr("问卷星的每个系统列只出现一次", "each 问卷星 system column once"),
                         tr(f"{keys.count(key)} 个「{header}」列", f"{keys.count(key)} columns {header!r}"))
        self.fail_if_problems()
        columns = [o.column for o in outs]
        values = [o.values for o in outs]
        statuses = [o.statuses for o in outs]
        return assemble_columns(self.path, PLATFORM, self.grid.encoding, columns, values, statuses, self.lines)

    def _check_heads(self, heads: Sequence[_Head]) -> None:
        """A column holding answers under a blank header is a problem (a blank one is ignored)."""
        for head in heads:
            if head.style == "unknown" and not head.text and self.distinct[head.index] - {""}:
                self.problem(
                    self.header_line,
                    tr(f"第 {head.index + 1} 列", f"column {head.index + 1}"),
                    tr("每个有答案的列都有表头", "a header for every column holding answers"),
                    tr("空的表头", "an empty header"),
                )

    def _extra(self, head: _Head) -> _Out:
        """An unnumbered column that is not one of 问卷星's known system columns: kept as metadata.

        Real exports carry more system columns than :data:`META_HEADERS` (``自定义字段``,
        ``微信昵称``, ``姓名`` from a login, ``考试得分``, ``填写设备`` …); they are kept as they are,
        keyed by the header's :func:`~casekit.surveys._parse.slug`, so that they can be
        ignored or used as groups.
        """
        key = slug(head.text) or f"col{head.index + 1}"
        values = self.cells[head.index]
        return _Out(ExportColumn(key, head.text, "meta"), values, _meta_status(values))

    @staticmethod
    def _unique_extra_keys(outs: list[_Out], extras: list[_Out]) -> None:
        """Give extra columns whose slug is already a key ``_2``, ``_3`` … (in place)."""
        if not extras:
            return
        extra_ids = {id(o) for o in extras}
        taken = {o.column.key for o in outs if id(o) not in extra_ids}
        for o in extras:
            key, n = o.column.key, 2
            while key in taken:
                key, n = f"{o.column.key}_{n}", n + 1
            taken.add(key)
            if key != o.column.key:
                o.column = ExportColumn(key, o.column.header, "meta")

    def _fit_rows(self, rows: list[list[str]], n_cols: int, header: Sequence[str]) -> list[list[str]]:
        fitted: list[list[str]] = []
        for row, line in zip(rows, self.lines):
            if len(row) > n_cols:
                extra = row[n_cols:]
                if any(c.strip() for c in extra):
                    self.problem(line, None, tr(f"与表头行一样 {n_cols} 格", f"{n_cols} cells as in the header row"),
                                 tr(f"{len(row)} 格", f"{len(row)} cells"))
                row = row[:n_cols]
            elif len(row) < n_cols:
                self.problem(line, header[len(row)] or None, tr(f"与表头行一样 {n_cols} 格", f"{n_cols} cells as in the header row"),
                             tr(f"{len(row)} 格", f"{len(row)} cells"))
                row = list(row) + [""] * (n_cols - len(row))
            fitted.append(row)
        return fitted

    def _groups(self, heads: Sequence[_Head]) -> list[tuple[str, list[_Head]]]:
        """Meta columns alone; consecutive columns of one question number together, classified."""
        runs: list[list[_Head]] = []
        for head in heads:
            alone = ("meta", "unknown")
            if head.style in alone or not runs or runs[-1][0].style in alone or runs[-1][0].number != head.number:
                runs.append([head])
            else:
                runs[-1].append(head)
        seen: dict[int, _Head] = {}
        groups: list[tuple[str, list[_Head]]] = []
        for run in runs:
            first = run[0]
            if first.style == "unknown":
                if first.text:
                    groups.append(("extra", run))
                continue
            if first.style == "meta":
                groups.append(("meta", run))
                continue
            assert first.number is not None
            if first.number in seen:
                for head in run:
                    self.problem(
                        self.header_line,
                        head.text,
                        tr(f"第 {first.number} 题的各列挨在一起", f"the columns of question {first.number} next to each other"),
                        tr(f"在「{seen[first.number].text}」之后又出现第 {first.number} 题",
                           f"question {first.number} again after {seen[first.number].text!r}"),
                    )
                continue
            seen[first.number] = first
            groups.append((self._group_kind(run), run))
        return groups

    def _group_kind(self, run: list[_Head]) -> str:
        styles = {h.style for h in run}
        n = run[0].number
        if len(styles) > 1:
            for head in run:
                self.problem(
                    self.header_line,
                    head.text,
                    tr(f"第 {n} 题的各列用同一种写法（都是“{n}、题干—行标题”、都是“{n}、(选项)”或都是“第{n}题(子项)”）",
                       f"the columns of question {n} in one layout (all '{n}、题干—行标题', all '{n}、(选项)' or all '第{n}题(子项)')"),
                    head.text,
                )
            return "bad"
        style = run[0].style
        if style == "question":
            fills = [_FILL.fullmatch(h.stem) for h in run]
            if all(fills) and len({m[1] for m in fills if m}) == 1:
                return "fill"
            if len(run) == 1:
                if run[0].stem[:1] in _DASHES or not run[0].stem:
                    self.problem(
                        self.header_line, run[0].text,
                        tr(f"带题干的题目表头“{n}、题干”或矩阵行“{n}、题干—行标题”",
                           f"a question header '{n}、题干' or matrix row '{n}、题干—行标题' with its stem"), run[0].text
                    )
                    return "bad"
                return "plain"
            if _split_matrix([h.stem for h in run]) is None or any(h.stem[:1] in _DASHES for h in run):
                for head in run:
                    self.problem(
                        self.header_line,
                        head.text,
                        tr(f"共用第 {n} 题题干的矩阵行“{n}、题干—行标题”，或填空“{n}、题干(填空1)”",
                           f"matrix rows '{n}、题干—行标题' sharing question {n}'s stem, or fill-in blanks '{n}、题干(填空1)'"),
                        head.text,
                    )
                return "bad"
            return "matrix"
        labels = [h.label or "" for h in run]
        if all(_FILL_LABEL.fullmatch(lab) for lab in labels):
            return "fill"
        if self._looks_multi([self.distinct[h.index] for h in run], labels):
            return "options"
        if self._looks_rank([self.distinct[h.index] for h in run], [self.cells[h.index] for h in run]):
            return "rank"
        return "subfill" if style == "option" else "matrix"

    def _looks_multi(self, cols: Sequence[set[str]], labels: Sequence[str]) -> bool:
        missing = MISSING_MARKERS.keys() | MISSING_CODES.keys()
        for col, label in zip(cols, labels):
            allowed = {"0", "1", label}
            for v in col:
                if v in allowed or v in missing:
                    continue
                m = _WRITE_IN.fullmatch(v)
                if m is None or m[1].strip() not in ("", "1", label):
                    return False
        return True

    def _looks_rank(self, distincts: Sequence[set[str]], cols: Sequence[list[str]]) -> bool:
        k = len(cols)
        missing = MISSING_MARKERS.keys() | MISSING_CODES.keys()
        distinct = set().union(*distincts) - missing
        if not distinct or not all(_ASCII_INT.fullmatch(v) and int(v) <= k for v in distinct):
            return False
        if not any(int(v) > 1 for v in distinct):
            return False
        for row in zip(*cols):
            ranks = [int(v) for v in row if _ASCII_INT.fullmatch(v) and int(v)]
            if sorted(ranks) != list(range(1, len(ranks) + 1)):
                return False
        return True

    def _codes_export(self, groups: Sequence[tuple[str, list[_Head]]]) -> bool:
        """按序号 or 按文本: votes from matrix rows, ``┋`` answers and option labels; then the file name."""
        codes = text = 0
        markers = MISSING_MARKERS.keys() | MISSING_CODES.keys()
        for kind, members in groups:
            if kind in ("meta", "extra", "bad"):
                continue
            for head in members:
                distinct = self.distinct[head.index]
                if "-3" in distinct or "-2" in distinct:
                    codes += 1
                if kind == "matrix" or (kind == "plain" and "┋" in self.joined(head.index)):
                    answered = distinct - markers
                    if answered:
                        if all(_CODES.fullmatch(v) for v in answered):
                            codes += 1
                        else:
                            text += 1
                elif kind == "options" and head.label and head.label not in ("0", "1") and head.label in distinct:
                    text += 1
        if codes != text:
            return codes > text
        name = self.path.name
        return "按序号" in name and "按文本" not in name

    # ---- metadata

    def _meta(self, head: _Head) -> list[_Out]:
        key = META_HEADERS[head.text]
        col = self.cells[head.index]
        distinct = self.distinct[head.index]
        if key in ("submitted_at", "started_at"):
            values = self._convert(col, head.text, iso_datetime, tr(DATETIME_EXPECTED_ZH, DATETIME_EXPECTED))
        elif key == "duration_s":
            values = self._convert(col, head.text, duration_seconds, tr(DURATION_EXPECTED_ZH, DURATION_EXPECTED))
        elif key == "ip":
            return self._ip(head, col, distinct)
        else:
            values = col
        return [_Out(ExportColumn(key, head.text, "meta"), values, _meta_status(values))]

    def _convert(self, col: list[str], header: str, parse: Callable[[str], str | None], expected: str) -> list[str]:
        """Parse every distinct value once; report the cells that do not parse."""
        values, bad = convert(col, parse)
        for i in bad:
            self.problem(self.lines[i], header, expected, col[i])
        return values

    def _ip(self, head: _Head, col: list[str], distinct: set[str]) -> list[_Out]:
        ip_of: dict[str, str] = {}
        region_of: dict[str, str] = {}
        for v in distinct:
            m = _IP.fullmatch(v)
            ip_of[v], region_of[v] = (m[1], (m[2] or "").strip()) if m else (v, "")
        ips = list(map(ip_of.__getitem__, col))
        regions = list(map(region_of.__getitem__, col))
        return [
            _Out(ExportColumn("ip", head.text, "meta"), ips, _meta_status(ips)),
            _Out(ExportColumn("ip_region", head.text, "meta"), regions, _meta_status(regions)),
        ]

    # ---- questions

    def _markers(self, kind: str | None = "single") -> dict[str, str]:
        """Missing markers of a column of ``kind``: with the 按序号 codes for coded kinds only."""
        return {**MISSING_MARKERS, **MISSING_CODES} if self.codes and kind in CODED_KINDS else MISSING_MARKERS

    def _answer_kind(self, head: _Head) -> str:
        """The kind a plain column would be given, its 按序号 missing codes set aside (to know
        whether those codes are missing codes or answers)."""
        distinct = self.distinct[head.index] - MISSING_MARKERS.keys() - MISSING_CODES.keys()
        joined = self.joined(head.index)
        sep = "┋" if "┋" in joined else ("→" if "→" in joined else None)
        if sep is None and ("〖" in joined or "〗" in joined):
            return "single"
        col = self.cells[head.index]
        n_answered = sum(1 for v in col if v in distinct)
        return self._guess_kind(sep, distinct, n_answered, joined)

    def _question(self, kind: str, members: list[_Head]) -> list[_Out]:
        n = members[0].number
        assert n is not None
        if kind == "bad":
            return []
        if kind == "plain":
            head = members[0]
            return self._answers(head, f"Q{n}", n, head.stem, None, None)
        if kind == "fill":
            outs: list[_Out] = []
            for k, head in enumerate(members, start=1):
                if head.style == "question":
                    m = _FILL.fullmatch(head.stem)
                    assert m is not None
                    stem, label = m[1], m[2]
                else:
                    stem, label = "", head.label
                outs.extend(self._answers(head, f"Q{n}_{k}", n, stem, label, "fill"))
            return outs
        if kind == "subfill":
            outs = []
            for k, head in enumerate(members, start=1):
                outs.extend(self._answers(head, f"Q{n}_{k}", n, "", head.label, "fill"))
            return outs
        if kind == "matrix":
            if members[0].style == "question":
                split = _split_matrix([h.stem for h in members])
                assert split is not None
                stem, titles = split
            else:
                stem, titles = "", [h.label or "" for h in members]
            outs = []
            for k, (head, title) in enumerate(zip(members, titles), start=1):
                outs.extend(self._answers(head, f"Q{n}_{k}", n, stem, title, "matrix"))
            return outs
        if kind == "options":
            return self._fold_options(members, n)
        return self._fold_ranks(members, n)

    def _answers(self, head: _Head, key: str, n: int, stem: str, sub_item: str | None, kind: str | None) -> list[_Out]:
        """One answer column (plain question, matrix row or blank), with its write-in column if any."""
        col = self.cells[head.index]
        distinct = self.distinct[head.index]
        if kind is None and self.codes:
            markers = self._markers(self._answer_kind(head))
        else:
            markers = self._markers(kind)
        statuses = list(map(markers.get, col, repeat("answered")))
        values = col
        if not distinct.isdisjoint(markers):
            blank = dict.fromkeys(markers, "")
            values = list(map(blank.get, col, col))
        distinct = distinct - markers.keys()
        n_answered = statuses.count("answered")
        joined = self.joined(head.index)
        sep: str | None = None
        if "┋" in joined:
            sep = "┋"
        elif "→" in joined and 2 * sum(1 for v in values if "→" in v) >= n_answered:
            sep = "→"
        has_brackets = "〖" in joined or "〗" in joined
        other: _Out | None = None
        if sep or has_brackets:
            table = {v: _parse_write_ins(v, sep) for v in distinct}
            bad = {v for v, parsed in table.items() if parsed is None}
            if bad:
                for i, v in enumerate(values):
                    if v in bad:
                        self.problem(self.lines[i], head.text, tr("“其他〖…〗”这样〖 〗成对的填写内容",
                                                                  "a write-in like 其他〖…〗 with balanced 〖 〗"), v)
                return []
            parsed = {v: p for v, p in table.items() if p is not None}
            value_map = {v: p[0] for v, p in parsed.items()}
            value_map[""] = ""
            if has_brackets:
                other_map = {v: p[1] for v, p in parsed.items()}
                other_map[""] = ""
                others = list(map(other_map.__getitem__, values))
                carriers = [p[2] for p in parsed.values() if p[2]]
                carrier = "其他" if self.codes or not carriers else max(set(carriers), key=carriers.count)
                other_status = [
                    "answered" if o else ("skipped" if s == "skipped" else "empty") for o, s in zip(others, statuses)
                ]
                other = _Out(ExportColumn(f"{key}_other", head.text, "other", n, stem, carrier), others, other_status)
            values = list(map(value_map.__getitem__, values))
        if kind is None:
            kind = self._guess_kind(sep, distinct, n_answered, joined)
        column = ExportColumn(key, head.text, kind, n, stem, sub_item)
        outs = [_Out(column, values, statuses)]
        if other is not None:
            outs.append(other)
        return outs

    def _guess_kind(self, sep: str | None, distinct: set[str], n_answered: int, joined: str) -> str:
        if sep == "┋":
            return "multi"
        if sep == "→":
            return "rank"
        if distinct and all(_NUMBER.fullmatch(v) for v in distinct):
            return "single" if self.codes and all(_ASCII_INT.fullmatch(v) and len(v) <= 2 for v in distinct) else "number"
        if distinct and len(distinct) <= 30 and 2 * len(distinct) <= n_answered and "\n" not in joined:
            return "single"
        return "open"

    def _fold_options(self, members: list[_Head], n: int) -> list[_Out]:
        """Option columns (``1``/``0``/label/``〖…〗``) → one multiple-choice value per response."""
        labels = [h.label or "" for h in members]
        names = [str(j + 1) for j in range(len(members))] if self.codes else labels
        markers = self._markers("multi")
        chosen_cols: list[list[bool]] = []
        missing_cols: list[list[str | None]] = []
        other_cols: list[list[str]] = []
        carrier: str | None = None
        for head, label in zip(members, labels):
            col = self.cells[head.index]
            table: dict[str, tuple[bool, str | None, str]] = {}
            for v in self.distinct[head.index]:
                if v in markers:
                    table[v] = (False, markers[v], "")
                elif v == "0":
                    table[v] = (False, None, "")
                elif v in ("1", label):
                    table[v] = (True, None, "")
                else:
                    m = _WRITE_IN.fullmatch(v)
                    table[v] = (True, None, m[2].strip() if m else "")
                    carrier = carrier or label
            chosen_cols.append([table[v][0] for v in col])
            missing_cols.append([table[v][1] for v in col])
            other_cols.append([table[v][2] for v in col])
        values = [LIST_SEP.join(name for name, c in zip(names, row) if c) for row in zip(*chosen_cols)]
        statuses = []
        for value, row in zip(values, zip(*missing_cols)):
            if value:
                statuses.append("answered")
            elif all(s == "skipped" for s in row):
                statuses.append("skipped")
            else:
                statuses.append("empty")
        head = members[0]
        column = ExportColumn(f"Q{n}", head.text, "multi", n, "", None, None, tuple(labels))
        outs = [_Out(column, values, statuses)]
        if carrier is not None:
            others = [LIST_SEP.join(o for o in row if o) for row in zip(*other_cols)]
            other_status = ["answered" if o else ("skipped" if s == "skipped" else "empty") for o, s in zip(others, statuses)]
            outs.append(_Out(ExportColumn(f"Q{n}_other", head.text, "other", n, "", carrier), others, other_status))
        return outs

    def _fold_ranks(self, members: list[_Head], n: int) -> list[_Out]:
        """Option columns holding ranks → the options in rank order."""
        labels = [h.label or "" for h in members]
        names = [str(j + 1) for j in range(len(members))] if self.codes else labels
        markers = {**MISSING_MARKERS, **MISSING_CODES}
        cols = [self.cells[h.index] for h in members]
        values: list[str] = []
        statuses: list[str] = []
        for row in zip(*cols):
            ranked = sorted((int(v), j) for j, v in enumerate(row) if _ASCII_INT.fullmatch(v) and int(v))
            if ranked:
                values.append(LIST_SEP.join(names[j] for _, j in ranked))
                statuses.append("answered")
            else:
                values.append("")
                statuses.append("skipped" if all(markers.get(v) == "skipped" for v in row) else "empty")
        column = ExportColumn(f"Q{n}", members[0].text, "rank", n, "", None, None, tuple(labels))
        return [_Out(column, values, statuses)]


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "问卷星", read, sniff, priority=10))
