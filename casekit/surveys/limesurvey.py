"""LimeSurvey CSV exports (Responses → Export → CSV), with any heading and answer format.

Layouts
-------
* Delimiter ``;`` (LimeSurvey's default) or ``,``; every cell quoted; UTF-8 with BOM.
* Headings "Question code" (``id``, ``submitdate``, ``Q3[SQ001]``, ``Q4[other]``, ``Q5[1]``),
  "Question code & question text" (``Q3[SQ001]. 请评价以下说法与您的符合程度 [我能说清…]``, also the
  short ``Q3 [我能说清…]``), or "Full question text" (``请评价以下说法与您的符合程度 [我能说清…]``,
  system columns as ``Response ID``, ``Date submitted`` …).
* Answers as "answer codes" or "full answers".

Conventions
-----------
* **Question numbers** are the order in which questions appear in the export; sub-questions are
  numbered in file order (``Q3[SQ001]`` → ``Q3_1``), the LimeSurvey code is kept as
  :attr:`ExportColumn.platform_id`. With code-only headings the export has no texts, so matrix
  rows get their sub-question code as ``sub_item`` and write-ins ``其他``.
* **Multiple choice** ``Q4[SQ001]`` … flag columns (``Y``/empty in code exports, ``是``/``否`` or
  ``Yes``/``No`` in full-answer exports, also after "convert Y/N to" with ``Y``/``N``) are folded
  into one ``Q4`` column: in a code export the chosen options' **positions** (``Q4[SQ001]`` → ``1``,
  the write-in ``Q4[other]`` → the position after the last sub-question), which match the
  questionnaire's option codes when sub-questions are listed in option order; in a full-answer
  export the sub-question texts. ``Q4[other]`` holds the write-in text and becomes ``Q4_other``;
  a non-empty write-in also adds the "other" option to ``Q4``.
* **Ranking** ``Q5[1]``, ``Q5[2]`` … (or headings ``[排名 1]``/``[Rank 1]``) hold the option in each
  rank (code or text, as exported); the value is those options in rank order.
* **Answer codes** are kept as exported (the reference questionnaire uses ``1…5``; ``A1…A5``
  stay ``A1…A5``).
* **Status**: LimeSurvey stores a question hidden by its relevance equation as NULL and one shown
  but left blank as an empty string; the CSV writes both as an empty cell, except that full-answer
  exports write ``N/A`` for a hidden multiple-choice question. The reader reads ``N/A`` as
  ``skipped`` (value ``""``) and an empty cell as ``empty``; a multiple-choice question whose flags
  are all ``否``/``No``/``N``/empty is ``empty``.
* **Metadata**: ``id`` → ``response_id``, ``submitdate`` → ``submitted_at``, ``startdate`` →
  ``started_at``, ``ipaddr`` → ``ip``, ``refurl`` → ``source_detail``, ``token`` → ``user_id``,
  ``interviewtime`` → ``duration_s`` (times as ``YYYY-MM-DD HH:MM:SS`` and durations as seconds,
  read by :mod:`~casekit.surveys._parse`; a cell that does not parse is a problem); other system columns (``lastpage``, ``startlanguage``,
  ``seed``, ``datestamp``) are kept as ``meta`` columns keyed by their code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys._build import assemble
from casekit.surveys._io import Grid, read_grid
from casekit.surveys._parse import (
    DATETIME_EXPECTED,
    DATETIME_EXPECTED_ZH,
    DURATION_EXPECTED,
    DURATION_EXPECTED_ZH,
    clean_frame,
    convert_series,
    duration_seconds,
    guarded,
    iso_datetime,
)
from casekit.surveys.model import LIST_SEP, ExportColumn, SurveyExport
from casekit.surveys.registry import Reader, register_reader
from casekit.language import tr

__all__ = ["READER", "read", "sniff"]

PLATFORM = "limesurvey"

#: System columns: code → meta key (None: keep the code as key).
_META_CODES: dict[str, str | None] = {
    "id": "response_id",
    "submitdate": "submitted_at",
    "lastpage": None,
    "startlanguage": None,
    "seed": None,
    "startdate": "started_at",
    "datestamp": None,
    "ipaddr": "ip",
    "refurl": "source_detail",
    "token": "user_id",
    "interviewtime": "duration_s",
}
#: System columns under "full question text" headings (English and Simplified Chinese) → code.
_META_TITLES: dict[str, str] = {
    "Response ID": "id",
    "Date submitted": "submitdate",
    "Last page": "lastpage",
    "Start language": "startlanguage",
    "Seed": "seed",
    "Date started": "startdate",
    "Date last action": "datestamp",
    "IP address": "ipaddr",
    "Referrer URL": "refurl",
    "Token": "token",
    "Access code": "token",
    "Total time": "interviewtime",
    "回复 ID": "id",
    "回复ID": "id",
    "答卷 ID": "id",
    "提交日期": "submitdate",
    "最后页面": "lastpage",
    "起始语言": "startlanguage",
    "种子": "seed",
    "开始日期": "startdate",
    "最后操作日期": "datestamp",
    "IP 地址": "ipaddr",
    "IP地址": "ipaddr",
    "来源 URL": "refurl",
}
_DATE_KEYS = ("started_at", "submitted_at")
_CODE = r"[A-Za-z][A-Za-z0-9_]*"
_CODE_HEADING = re.compile(rf"^(?P<code>{_CODE})(?:\[(?P<sub>[^\[\]]*)\])?$")
_CODETEXT_HEADING = re.compile(rf"^(?P<code>{_CODE})(?:\[(?P<sub>[^\[\]]*)\])?(?:\.\s*|\s+)(?P<text>.+)$", re.DOTALL)
_SUB_TEXT = re.compile(r"^(?P<stem>.*?)\s*\[(?P<sub>[^\[\]]*)\]$", re.DOTALL)
_RANK_TITLE = re.compile(r"^(?:Rank|排名|排序|等级|第)\s*(\d+)\s*(?:名|位)?$", re.IGNORECASE)
_YES = frozenset({"Y", "Yes", "是", "1"})
_NO = frozenset({"", "N", "No", "否", "0"})
_SKIP = "N/A"
_OTHER_TITLES = frozenset({"其他", "其它", "Other", "other"})


@dataclass(frozen=True)
class _Head:
    """One parsed heading."""

    header: str
    code: str | None  # question code (None under full-text headings)
    sub: str | None  # sub-question code, e.g. SQ001, other, 1
    stem: str
    sub_text: str | None


def sniff(grid: Grid) -> bool:
    """Tell whether a grid looks like a LimeSurvey CSV export.

    Parameters
    ----------
    grid : Grid
        The file as read by :func:`~casekit.surveys._io.read_grid`.

    Returns
    -------
    bool
        True when the header starts with LimeSurvey's system columns (``id``, ``submitdate``,
        ``lastpage`` …, by code or title) or carries ``Q[SQ001]``-style sub-question codes after
        an ``id`` column.
    """
    if not grid.rows or not grid.rows[0]:
        return False
    head = [_meta_code(h) for h in grid.rows[0][:12]]
    if head[0] != "id":
        return False
    if sum(code in _META_CODES for code in head if code) >= 3:
        return True
    return any(_CODE_HEADING.match(h) and "[" in h for h in grid.rows[0])


def _meta_code(header: str) -> str | None:
    """The system-column code of a heading (``id``, ``id. Response ID``, ``Response ID``)."""
    text = header.strip()
    m = _CODE_HEADING.match(text) or _CODETEXT_HEADING.match(text)
    if m and not m["sub"] and m["code"] in _META_CODES:
        return m["code"]
    return _META_TITLES.get(text)


def read(path: str | Path, *, grid: Grid | None = None) -> SurveyExport:
    """Read a LimeSurvey CSV export.

    Parameters
    ----------
    path : str or Path
        The ``.csv`` as downloaded (``;`` or ``,``; answer codes or full answers).
    grid : Grid, optional
        The file already read by :func:`~casekit.surveys._io.read_grid` (``read_export``
        passes the grid it used for detection, so the file is read once).

    Returns
    -------
    SurveyExport
        Platform ``"limesurvey"``; see the module docstring for keys, codes and statuses.

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found); never another exception.
    """
    path = Path(path)
    return guarded(path, "LimeSurvey CSV export", lambda: _read(path, grid))


def _parse_heading(header: str, by_code: bool) -> _Head:
    text = header.strip()
    if by_code:
        m = _CODE_HEADING.match(text)
        if m:
            return _Head(header, m["code"], m["sub"], "", None)
        m = _CODETEXT_HEADING.match(text)
        if m:
            body = m["text"].strip()
            t = _SUB_TEXT.match(body)
            stem, sub_text = (t["stem"].strip(), t["sub"].strip()) if t else (body, None)
            return _Head(header, m["code"], m["sub"], stem, sub_text)
        return _Head(header, text, None, text, None)
    t = _SUB_TEXT.match(text)
    if t:
        return _Head(header, None, None, t["stem"].strip(), t["sub"].strip())
    return _Head(header, None, None, text, None)


def _plain_status(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    skipped = series == _SKIP
    status = np.where(skipped, "skipped", np.where(series == "", "empty", "answered"))
    return series.where(~skipped, ""), pd.Series(status, index=series.index, dtype=object)


def _read(path: Path, grid: Grid | None = None) -> SurveyExport:
    rel = path.name
    grid = grid if grid is not None else read_grid(path)
    if not grid.rows or not any(c.strip() for c in grid.rows[0]):
        raise SurveyFileError([Problem(rel, 1, None, tr("由 LimeSurvey 列代码或标题组成的表头行",
                                                        "a header row of LimeSurvey column codes or titles"),
                                       tr("空行", "an empty line"))])
    header = [h.strip() for h in grid.rows[0]]
    width = len(header)
    by_code = re.match(r"^id(?:$|\.|\s)", header[0]) is not None  # "id" or "id. Response ID"

    problems: list[Problem] = []
    records: list[list[str]] = []
    rows: list[int] = []
    for record, line in zip(grid.rows[1:], grid.line_numbers[1:]):
        if not any(c.strip() for c in record):
            continue  # LimeSurvey ends the file with an empty line
        if len(record) != width:
            problems.append(Problem(rel, line, None, tr(f"与表头一样 {width} 格", f"{width} cells as in the header"),
                                    tr(f"{len(record)} 格", f"{len(record)} cells")))
            continue
        records.append(record)
        rows.append(line)
    if problems:
        raise SurveyFileError(problems)
    if records:
        frame = clean_frame(pd.DataFrame(records, columns=range(width), dtype=object))
    else:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})

    # System columns, then questions grouped by code (or by consecutive stem under full headings).
    meta: list[int] = []
    groups: list[tuple[str, list[tuple[int, _Head]]]] = []
    for i, h in enumerate(header):
        code = _meta_code(h)
        if code is not None:
            meta.append(i)
            continue
        head = _parse_heading(h, by_code)
        gkey = head.code if by_code else head.stem
        if groups and groups[-1][0] == gkey and (by_code or head.sub_text is not None):
            groups[-1][1].append((i, head))
        else:
            groups.append((gkey or "", [(i, head)]))

    codes_export = _codes_export(frame, groups)
    out: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []
    for i in meta:
        code = _meta_code(header[i]) or header[i]
        key = _META_CODES.get(code) or code
        series = frame[i]
        if key in _DATE_KEYS:
            series = convert_series(rel, header[i], series, rows, iso_datetime, tr(DATETIME_EXPECTED_ZH, DATETIME_EXPECTED), problems)
        elif key == "duration_s":
            series = convert_series(rel, header[i], series, rows, duration_seconds, tr(DURATION_EXPECTED_ZH, DURATION_EXPECTED), problems)
        status = pd.Series(np.where(series == "", "empty", "answered"), index=series.index, dtype=object)
        out.append((i, ExportColumn(key, header[i], "meta", platform_id=code), series, status))
    for number, (_, members) in enumerate(groups, start=1):
        out.extend(_question(rel, frame, rows, members, number, by_code, codes_export, problems))
    if problems:
        raise SurveyFileError(problems)
    out.sort(key=lambda t: t[0])

    columns: list[ExportColumn] = []
    seen: set[str] = set()
    for _, col, _, _ in out:
        key, suffix = col.key, 2
        while key in seen:
            key, suffix = f"{col.key}_{suffix}", suffix + 1
        seen.add(key)
        columns.append(col if key == col.key else ExportColumn(**{**col.__dict__, "key": key}))
    n = len(frame)
    if out and n:
        values = np.column_stack([v.to_numpy(dtype=object) for _, _, v, _ in out]).tolist()
        statuses = np.column_stack([s.to_numpy(dtype=object) for _, _, _, s in out]).tolist()
    else:
        values, statuses = [], []
    return assemble(path, PLATFORM, grid.encoding, columns, values, statuses, rows)


def _is_other(head: _Head, by_code: bool) -> bool:
    if by_code and head.sub is not None:
        return head.sub.lower() == "other"
    return head.sub_text in _OTHER_TITLES


def _is_flags(block: pd.DataFrame) -> bool:
    """Multiple-choice flag columns: every cell a yes/no flag (or N/A), some cell a yes."""
    if block.shape[1] == 0 or not len(block):
        return False
    cells = pd.unique(block.to_numpy().ravel())
    allowed = _YES | _NO | {_SKIP}
    return all(c in allowed for c in cells) and any(c in _YES - {"1"} for c in cells)


def _codes_export(frame: pd.DataFrame, groups: Sequence[tuple[str, list[tuple[int, _Head]]]]) -> bool:
    """True for an "answer codes" export: ``Y`` flags, or no ``是``/``Yes`` flags and coded choices."""
    if not len(frame):
        return True
    flags = pd.unique(frame.to_numpy().ravel())
    if "Y" in flags:
        return True
    if any(f in {"是", "Yes"} for f in flags):
        return False
    choice_cols = [i for _, members in groups if len(members) > 1 for i, _ in members]
    if not choice_cols:
        return False
    cells = pd.Series(frame[choice_cols].to_numpy().ravel(), dtype=object)
    cells = cells[(cells != "") & (cells != _SKIP)]
    return bool(len(cells)) and bool(cells.str.fullmatch(r"-?[A-Za-z]{0,3}\d+|-oth-").all())


def _question(
    rel: str,
    frame: pd.DataFrame,
    rows: Sequence[int],
    members: list[tuple[int, _Head]],
    number: int,
    by_code: bool,
    codes_export: bool,
    problems: list[Problem],
) -> list[tuple[int, ExportColumn, pd.Series, pd.Series]]:
    stem = next((h.stem for _, h in members if h.stem), "")

    def col(i: int, head: _Head, key: str, kind: str, sub: str | None = None, options: tuple[str, ...] = ()) -> ExportColumn:
        platform_id = f"{head.code}[{head.sub}]" if head.code and head.sub else head.code
        return ExportColumn(key, head.header, kind, number, stem, sub, platform_id, options)

    subs = [(i, h) for i, h in members if (h.sub is not None) or (h.sub_text is not None)]
    plain = [(i, h) for i, h in members if h.sub is None and h.sub_text is None]
    others = [(i, h) for i, h in subs if _is_other(h, by_code)]
    items = [(i, h) for i, h in subs if not _is_other(h, by_code)]
    out: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []
    parent_status: pd.Series | None = None

    for pos, (i, h) in enumerate(plain):
        values, status = _plain_status(frame[i])
        kind = "single" if others else "open"
        out.append((i, col(i, h, f"Q{number}" if pos == 0 else f"Q{number}_{pos + 1}", kind), values, status))
        parent_status = status if parent_status is None else parent_status

    if items:
        cols = [i for i, _ in items]
        labels = [h.sub_text or h.sub or "" for _, h in items]
        block = frame[cols]
        rank_positions = [_rank_position(h, by_code) for _, h in items]
        if all(p is not None for p in rank_positions) and len(items) >= 1 and not _is_flags(block):
            value, status = _fold_rank(block, rank_positions)
            out.append((cols[0], col(cols[0], items[0][1], f"Q{number}", "rank"), value, status))
            parent_status = status
        elif _is_flags(block) or (others and _is_flags(block.assign(_x="Y"))):
            other_cells = frame[others[0][0]] if others else None
            other_label = (others[0][1].sub_text or "其他") if others else ""
            option_labels = [str(p) for p in range(1, len(items) + 2)] if codes_export else [*labels, other_label]
            value, status = _fold_flags(block, other_cells, option_labels)
            opts = tuple(labels) + ((other_label,) if others else ())
            out.append((cols[0], col(cols[0], items[0][1], f"Q{number}", "multi", None, opts), value, status))
            parent_status = status
        else:
            statuses = []
            for pos, ((i, h), label) in enumerate(zip(items, labels), start=1):
                values, status = _plain_status(frame[i])
                out.append((i, col(i, h, f"Q{number}_{pos}", "matrix", label), values, status))
                statuses.append(status)
            if parent_status is None:
                parent_status = statuses[0]

    for pos, (i, h) in enumerate(others):
        values, status = _plain_status(frame[i])
        if parent_status is not None:
            status = pd.Series(
                np.where(status == "answered", "answered", np.where(parent_status == "skipped", "skipped", "empty")),
                index=status.index,
                dtype=object,
            )
        key = f"Q{number}_other" if pos == 0 else f"Q{number}_other_{pos + 1}"
        out.append((i, col(i, h, key, "other", h.sub_text or "其他"), values, status))
    return out


def _rank_position(head: _Head, by_code: bool) -> int | None:
    if by_code and head.sub is not None:
        return int(head.sub) if head.sub.isdigit() else None
    m = _RANK_TITLE.match(head.sub_text or "")
    return int(m[1]) if m else None


def _fold_rank(block: pd.DataFrame, positions: Sequence[int | None]) -> tuple[pd.Series, pd.Series]:
    """Options per rank → the options in rank order."""
    order = np.argsort(np.array(positions, dtype=float), kind="stable")
    ordered = block.iloc[:, order]
    skipped = (ordered == _SKIP).any(axis=1)
    kept = ordered.where((ordered != "") & (ordered != _SKIP))
    arr = kept.to_numpy(dtype=object)
    present = kept.notna().to_numpy()
    value = pd.Series([LIST_SEP.join(r[m]) for r, m in zip(arr, present)], index=block.index, dtype=object)
    status = np.where(value != "", "answered", np.where(skipped, "skipped", "empty"))
    return value, pd.Series(status, index=block.index, dtype=object)


def _fold_flags(block: pd.DataFrame, other: pd.Series | None, labels: Sequence[str]) -> tuple[pd.Series, pd.Series]:
    """Y/N flag columns (+ write-in) → the chosen options joined."""
    flags = block.isin(_YES).to_numpy()
    skipped = (block == _SKIP).all(axis=1).to_numpy()
    if other is not None:
        has_other = ((other != "") & (other != _SKIP)).to_numpy()
        flags = np.column_stack([flags, has_other])
        skipped = skipped & ~has_other
    labels_arr = np.array(labels[: flags.shape[1]], dtype=object)
    value = pd.Series([LIST_SEP.join(labels_arr[f]) for f in flags], index=block.index, dtype=object)
    status = np.where(value != "", "answered", np.where(skipped, "skipped", "empty"))
    return value, pd.Series(status, index=block.index, dtype=object)


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "LimeSurvey", read, sniff, priority=30))
