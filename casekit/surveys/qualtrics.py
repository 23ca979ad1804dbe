"""Qualtrics CSV exports ("Download data" → CSV), in both header layouts.

Layouts
-------
* **Current (three header rows)**: row 1 the column names (export tags such as ``Q3_1``, or
  ``QID3_1`` when "use question IDs" was chosen), row 2 the question text
  (``请评价以下说法与您的符合程度 - 我能说清…``), row 3 the ImportId JSON
  (``{"ImportId":"QID3_1"}``). Columns are keyed on the ImportId, so renamed export tags and a
  localised second row do not matter.
* **Legacy (two header rows)**: row 1 ``V1 … V10`` for the system columns then the export tags,
  row 2 the system column names (``ResponseID``, ``IPAddress``, ``StartDate`` …) and the
  question texts. Columns are keyed on the export tag.

Both "choice text" and "numeric values" downloads are read; the reader does not convert one into
the other (a numeric download gives codes, as SPSS without labels or 问卷星 按序号 do).

Conventions
-----------
* **Question numbers** are the order in which questions first appear in the export (the survey
  flow order), so ``QID1 … QID8`` of the reference questionnaire are ``Q1 … Q8``; the ImportId
  (or export tag) is kept as :attr:`ExportColumn.platform_id`.
* ``QIDn_TEXT`` is a text-entry question (kind ``open``: the export does not tell a number from a
  text); ``QIDn`` a choice question (``single``, or ``multi`` when some answer holds several
  choices); ``QIDn_k`` columns are the rows of a matrix, the items of a ranking (every answered
  response holds distinct ranks ``1…k``), or the choices of a multiple-choice question exported
  "split into columns" (cells hold the choice's own text, or ``1``/``0``); ``QIDn_k_TEXT`` is the
  write-in of choice ``k`` (key ``Q<n>_other``).
* **Multiple choice in one column**: Qualtrics joins the chosen choices with ``,`` and does not
  escape commas inside a choice text. The reader splits on ``,`` and then re-joins neighbouring
  pieces whenever the re-joined text is a known choice: a choice text seen as a whole answer on
  its own (that cannot itself be split into other known choices) or the label of a write-in
  choice. A choice with a comma that nobody chose alone is therefore still split (a known
  ambiguity of the format). Choices keep the order of the export (Qualtrics writes them in choice
  order); numeric downloads are sorted by code.
* **Side-by-side, multiple-answer matrix and loop-and-merge** columns are kept one column each,
  kind ``matrix`` (not folded): ``QID6#1_1`` (set 1, row 1) → ``Q<n>_1_1``, ``QID8_1_1`` (row 1,
  choice 1) → ``Q<n>_1_1``, ``1_QID3`` (loop 1) → ``Q<n>_loop1`` and ``1_QID3_2`` →
  ``Q<n>_loop1_2``; a ``…_TEXT`` column is the write-in ``…_other`` of the column it extends, or
  (alone) an ``open`` answer. ``sub_item`` is the question text after the stem the columns
  share (``重要性 - 资费``). Legacy export tags (``Q6#1_1``, ``1_Q3``) are read the same way.
  Columns about a question that are not answers -- display order (``QID5_DO``, ``QID5_ADO``),
  a timing question (``QID9_FIRST_CLICK``, ``_LAST_CLICK``, ``_PAGE_SUBMIT``, ``_CLICK_COUNT``),
  the NPS group (``QID7_NPS_GROUP``) -- are metadata keyed by their header. Any other ImportId
  naming a ``QID`` is a problem ("unsupported question column"), never metadata.
* **Ranking** ``QIDn_k`` cells hold the rank of choice ``k``; the value becomes the choices in
  rank order: their texts (from the second header row) in a choice-text download, their codes
  ``k`` in a numeric download.
* **Status**: Qualtrics writes both "not shown" and "seen but not answered" as an empty cell
  unless the download used "recode seen but unanswered questions as -99". When any question cell
  of the file is ``-99`` the reader takes the file to be recoded: ``-99`` → ``""`` ``empty``,
  an empty cell → ``skipped``. Otherwise every empty cell is ``empty``. (A genuine numeric answer
  of ``-99`` is indistinguishable from the recode.) A write-in is ``skipped`` when its question
  is, ``empty`` otherwise.
* **Metadata**: ``StartDate`` → ``started_at``, ``EndDate`` → ``submitted_at`` (ISO text),
  ``Duration (in seconds)`` → ``duration_s`` (times and durations read by
  :mod:`~casekit.surveys._parse`; a cell that does not parse is a problem), ``ResponseId``/``ResponseID`` → ``response_id``,
  ``IPAddress`` → ``ip``, ``DistributionChannel`` → ``source``, ``ExternalReference`` →
  ``user_id``, ``SC0`` → ``total_score``. Other system and embedded-data columns are kept as
  ``meta`` columns keyed by their header.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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

PLATFORM = "qualtrics"

#: Metadata by ImportId (current layout).
_META_BY_IMPORT_ID: dict[str, str] = {
    "startDate": "started_at",
    "endDate": "submitted_at",
    "ipAddress": "ip",
    "duration": "duration_s",
    "_recordId": "response_id",
    "distributionChannel": "source",
    "externalDataReference": "user_id",
}
#: Metadata by column name (both layouts; legacy names come from the second row).
_META_BY_NAME: dict[str, str] = {
    "StartDate": "started_at",
    "EndDate": "submitted_at",
    "IPAddress": "ip",
    "Duration (in seconds)": "duration_s",
    "ResponseId": "response_id",
    "ResponseID": "response_id",
    "DistributionChannel": "source",
    "ExternalReference": "user_id",
    "ExternalDataReference": "user_id",
    "SC0": "total_score",
}
_DATE_KEYS = ("started_at", "submitted_at")
_LEGACY_SYSTEM = re.compile(r"^V\d+$")
_LEGACY_TRAILING_META = ("LocationLatitude", "LocationLongitude", "LocationAccuracy")
#: A question column's ImportId: optional loop-and-merge prefix ``1_``, ``QIDn``, optional
#: side-by-side set ``#1``, any ``_k`` parts, optional ``_TEXT``.
_QID = re.compile(r"^(?:(?P<loop>\d+)_)?(?P<q>QID\d+)(?:#(?P<set>\d+))?(?P<parts>(?:_\d+)*)(?P<text>_TEXT)?$")
#: The same for export tags (legacy layout): ``Q6#1_1``, ``1_Q3``, ``Q8_1_1``, ``Q4_4_TEXT``.
_TAG = re.compile(r"^(?:(?P<loop>\d+)_)?(?P<q>[A-Za-z][\w.]*?)(?:#(?P<set>\d+))?(?P<parts>(?:_\d+)*)(?P<text>_TEXT)?$")
#: An ImportId naming a question, whatever its form (a column that must not become metadata).
_ANY_QID = re.compile(r"QID\d+")
#: Columns about a question that are not its answers: display order (``_DO``, ``_ADO``), a timing
#: question's clicks and seconds, the NPS group derived from the answer. Kept as metadata.
_QID_BOOKKEEPING = re.compile(
    r"^(?:\d+_)?QID\d+(?:#\d+)?(?:_\d+)*_(?:DO|ADO|FIRST_CLICK|LAST_CLICK|PAGE_SUBMIT|CLICK_COUNT|NPS_GROUP)$"
)
_NUMERIC_CHOICE = re.compile(r"^\d+(?:,\d+)*$")
_INT = re.compile(r"^\d+$")
_UNANSWERED = "-99"


@dataclass
class _Question:
    """The columns of one question, in file order."""

    qid: str
    main: list[int] = field(default_factory=list)  # QIDn (choice)
    text: list[int] = field(default_factory=list)  # QIDn_TEXT
    items: list[tuple[int, int]] = field(default_factory=list)  # (column, k) of QIDn_k
    writeins: list[tuple[int, int]] = field(default_factory=list)  # (column, k) of QIDn_k_TEXT
    compound: list[tuple[int, str, bool]] = field(default_factory=list)  # (column, key suffix, _TEXT)


@dataclass(frozen=True)
class _Layout:
    names: list[str]  # the header as in the file (first row; legacy system names from row 2)
    texts: list[str]  # question text row
    ids: list[str | None]  # ImportId / export tag per column; None for unreadable
    first_data: int  # index of the first data row in the grid
    legacy: bool


def _import_id(cell: str) -> str | None:
    """``{"ImportId":"QID3_1"}`` → ``QID3_1``; None when the cell is not such JSON."""
    text = cell.strip()
    if not text.startswith("{"):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    value = obj.get("ImportId") if isinstance(obj, dict) else None
    return value if isinstance(value, str) and value else None


def sniff(grid: Grid) -> bool:
    """Tell whether a grid looks like a Qualtrics CSV export.

    Parameters
    ----------
    grid : Grid
        The file as read by :func:`~casekit.surveys._io.read_grid`.

    Returns
    -------
    bool
        True for the three-row layout (a third row of ImportId JSON cells) and for the legacy
        layout (``V1``, ``V2`` … in row 1 and ``ResponseID`` in row 2).
    """
    rows = grid.rows
    if len(rows) >= 3 and rows[2] and sum(_import_id(c) is not None for c in rows[2]) >= max(1, len(rows[2]) // 2):
        return True
    return len(rows) >= 2 and rows[0][:2] == ["V1", "V2"] and "ResponseID" in rows[1]


def read(path: str | Path, *, grid: Grid | None = None) -> SurveyExport:
    """Read a Qualtrics CSV export.

    Parameters
    ----------
    path : str or Path
        The ``.csv`` as downloaded (three header rows, or the legacy two).
    grid : Grid, optional
        The file already read by :func:`~casekit.surveys._io.read_grid` (``read_export``
        passes the grid it used for detection, so the file is read once).

    Returns
    -------
    SurveyExport
        Platform ``"qualtrics"``; see the module docstring for keys and statuses.

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found); never another exception.
    """
    path = Path(path)
    return guarded(path, "Qualtrics CSV export", lambda: _read(path, grid))


def _layout(grid: Grid, rel: str) -> _Layout:
    rows = grid.rows
    if len(rows) >= 2 and rows[0][:2] == ["V1", "V2"]:
        first, second = rows[0], rows[1]
        names = [second[i] if _LEGACY_SYSTEM.match(n) and i < len(second) else n for i, n in enumerate(first)]
        ids: list[str | None] = [None if (_LEGACY_SYSTEM.match(n) or n in _LEGACY_TRAILING_META) else n for n in first]
        texts = [second[i] if i < len(second) else "" for i in range(len(first))]
        return _Layout(names, texts, ids, 2, True)
    if len(rows) < 3:
        raise SurveyFileError(
            [Problem(rel, None, None, tr("三行表头（列名、题目文字、ImportId JSON）或旧版的两行",
                                "three header rows (names, question text, ImportId JSON) or the legacy two"),
                     tr(f"{len(rows)} 行", f"{len(rows)} row(s)"))]
        )
    names, texts, third = rows[0], rows[1], rows[2]
    problems = []
    for row_index, row in ((2, texts), (3, third)):
        if len(row) != len(names):
            problems.append(Problem(rel, grid.line_numbers[row_index - 1], None,
                                    tr(f"与表头一样 {len(names)} 格", f"{len(names)} cells as in the header"),
                                    tr(f"{len(row)} 格", f"{len(row)} cells")))
    ids = []
    for i, name in enumerate(names):
        cell = third[i] if i < len(third) else ""
        import_id = _import_id(cell)
        if import_id is None:
            problems.append(Problem(rel, grid.line_numbers[2], name, tr('形如 {"ImportId":"QID1"} 的 ImportId',
                                                                      'an ImportId like {"ImportId":"QID1"}'), cell))
        ids.append(import_id)
    if problems:
        raise SurveyFileError(problems)
    return _Layout(list(names), list(texts), ids, 3, False)


def _split_stem(texts: Sequence[str]) -> tuple[str, list[str]]:
    """Split ``stem - item`` question texts of one question into the stem and the items."""
    texts = [t.strip() for t in texts]
    if not texts:
        return "", []
    if len(texts) == 1:
        for sep in (" - ", "-"):
            if sep in texts[0]:
                stem, sub = texts[0].rsplit(sep, 1)
                return stem.strip(), [sub.strip()]
        return texts[0], [texts[0]]
    prefix = os.path.commonprefix(texts)
    for sep in (" - ", "-"):
        cut = prefix.rfind(sep)
        if cut > 0:
            return texts[0][:cut].strip(), [t[cut + len(sep):].strip() for t in texts]
    return prefix.strip() or texts[0], texts


def _strip_suffix(text: str) -> str:
    """Drop Qualtrics' `` - Selected Choice`` and `` - Text`` decorations of a question text."""
    return re.sub(r"\s*-\s*(Selected Choice|Text|TEXT)\s*$", "", text.strip())


def _stem_number(text: str) -> str:
    """Drop a leading question number such as ``3. `` or ``Q3、`` from a stem."""
    return re.sub(r"^\s*Q?\d+\s*[.、．:：]\s*", "", text).strip()


def _split_choices(value: str, known: set[str]) -> list[str]:
    """Split a comma-joined multiple-choice cell, keeping known choices that contain commas."""
    tokens = value.split(",")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j = len(tokens)
        while j > i + 1 and ",".join(tokens[i:j]) not in known:
            j -= 1
        out.append(",".join(tokens[i:j]).strip())
        i = j
    return [t for t in out if t]


def _known_choices(values: Sequence[str], extra: Sequence[str]) -> set[str]:
    base = {v for v in values if "," not in v} | set(extra)
    known = set(base)
    for v in values:
        if "," in v and not any(part.strip() in base for part in v.split(",")):
            known.add(v)
    return known


def _read(path: Path, grid: Grid | None = None) -> SurveyExport:
    rel = path.name
    grid = grid if grid is not None else read_grid(path)
    layout = _layout(grid, rel)
    width = len(layout.names)
    body = grid.rows[layout.first_data:]
    lines = grid.line_numbers[layout.first_data:]
    problems: list[Problem] = []
    records: list[list[str]] = []
    rows: list[int] = []
    for record, line in zip(body, lines):
        if not any(c.strip() for c in record):
            continue
        if layout.legacy and len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]
        if len(record) != width:
            problems.append(Problem(rel, line, None, tr(f"与表头一样 {width} 格", f"{width} cells as in the header"),
                                    tr(f"{len(record)} 格", f"{len(record)} cells")))
            continue
        records.append(record)
        rows.append(line)
    if problems:
        raise SurveyFileError(problems)

    frame = pd.DataFrame(records, columns=range(width), dtype=object) if records else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)}
    )
    frame = clean_frame(frame) if records else frame

    # Group question columns by question id, in file order; everything else is metadata.
    questions: dict[str, _Question] = {}
    meta: list[int] = []
    pattern = _TAG if layout.legacy else _QID
    for i, cid in enumerate(layout.ids):
        m = pattern.match(cid) if cid else None
        if m is None or layout.names[i] in _META_BY_NAME:
            if (
                not layout.legacy
                and cid
                and _ANY_QID.search(cid)
                and not _QID_BOOKKEEPING.match(cid)
                and layout.names[i] not in _META_BY_NAME
            ):
                problems.append(Problem(rel, grid.line_numbers[2], layout.names[i],
                                        tr("能识别的题目列（QIDn、QIDn_k、QIDn_TEXT、QIDn_k_TEXT、并排题 QIDn#s_k、"
                                           "QIDn_k_c、循环合并题 l_QIDn）",
                                           "a supported question column (QIDn, QIDn_k, QIDn_TEXT, QIDn_k_TEXT, "
                                           "side-by-side QIDn#s_k, QIDn_k_c, loop-and-merge l_QIDn)"),
                                        tr(f"不能识别的题目列 {cid}", f"unsupported question column {cid}")))
            meta.append(i)
            continue
        q = questions.setdefault(m["q"], _Question(m["q"]))
        parts = [p for p in m["parts"].split("_") if p]
        if m["loop"] is not None or m["set"] is not None or len(parts) > 1:
            suffix = (f"_loop{int(m['loop'])}" if m["loop"] is not None else "") + (
                f"_{int(m['set'])}" if m["set"] is not None else ""
            ) + "".join(f"_{int(p)}" for p in parts)
            q.compound.append((i, suffix, bool(m["text"])))
            continue
        k = int(parts[0]) if parts else None
        if k is None:
            (q.text if m["text"] else q.main).append(i)
        else:
            (q.writeins if m["text"] else q.items).append((i, k))
    if problems:
        raise SurveyFileError(problems)

    question_cols = [
        i
        for q in questions.values()
        for i in (*q.main, *q.text, *(c for c, _ in q.items), *(c for c, _ in q.writeins), *(c for c, _, _ in q.compound))
    ]
    recoded = bool(len(frame)) and bool((frame[question_cols] == _UNANSWERED).to_numpy().any()) if question_cols else False
    numeric = _numeric_download(frame, questions, layout.legacy)

    n = len(frame)
    out_cols: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []  # (file position, column, values, statuses)
    for i in meta:
        if not layout.names[i].strip():  # the trailing empty column of legacy downloads
            continue
        out_cols.append((i, *_meta_column(rel, layout, i, frame[i] if n else pd.Series([], dtype=object), rows, problems)))
    for number, q in enumerate(questions.values(), start=1):
        out_cols.extend(_question_columns(rel, layout, frame, rows, q, number, recoded, numeric, problems))
    if problems:
        raise SurveyFileError(problems)
    out_cols.sort(key=lambda t: t[0])

    columns: list[ExportColumn] = []
    seen: set[str] = set()
    for _, col, _, _ in out_cols:
        key = col.key
        suffix = 2
        while key in seen:
            key = f"{col.key}_{suffix}"
            suffix += 1
        seen.add(key)
        columns.append(col if key == col.key else ExportColumn(**{**col.__dict__, "key": key}))
    values = np.column_stack([v.to_numpy(dtype=object) for _, _, v, _ in out_cols]) if out_cols and n else np.empty((n, len(out_cols)), dtype=object)
    statuses = np.column_stack([s.to_numpy(dtype=object) for _, _, _, s in out_cols]) if out_cols and n else np.empty((n, len(out_cols)), dtype=object)
    return assemble(path, PLATFORM, grid.encoding, columns, values.tolist(), statuses.tolist(), rows)


def _numeric_download(frame: pd.DataFrame, questions: dict[str, _Question], legacy: bool) -> bool:
    """True when every answered choice cell is a code (a "numeric values" download).

    Legacy downloads name text-entry columns like choice columns (``Q2``), so only the
    ``Q<n>_<k>`` columns tell there.
    """
    cells = [frame[c] for q in questions.values() for c in ((() if legacy else tuple(q.main)) + tuple(c for c, _ in q.items))]
    if not cells or not len(frame):
        return False
    stacked = pd.concat(cells, ignore_index=True)
    answered = stacked[(stacked != "") & (stacked != _UNANSWERED)]
    return bool(len(answered)) and bool(answered.str.match(_NUMERIC_CHOICE).all())


def _meta_column(
    rel: str, layout: _Layout, i: int, series: pd.Series, rows: Sequence[int], problems: list[Problem]
) -> tuple[ExportColumn, pd.Series, pd.Series]:
    name = layout.names[i]
    key = _META_BY_NAME.get(name) or (_META_BY_IMPORT_ID.get(layout.ids[i] or "") if not layout.legacy else None) or name
    if key in _DATE_KEYS:
        series = convert_series(rel, name, series, rows, iso_datetime, tr(DATETIME_EXPECTED_ZH, DATETIME_EXPECTED), problems)
    elif key == "duration_s":
        series = convert_series(rel, name, series, rows, duration_seconds, tr(DURATION_EXPECTED_ZH, DURATION_EXPECTED), problems)
    status = pd.Series(np.where(series == "", "empty", "answered"), index=series.index, dtype=object)
    return ExportColumn(key=key, header=layout.names[i], kind="meta", platform_id=layout.ids[i] or name), series, status


def _status(series: pd.Series, recoded: bool) -> tuple[pd.Series, pd.Series]:
    """Values with ``-99`` blanked, and the status per cell."""
    unanswered = series == _UNANSWERED
    blank = series == ""
    status = np.where(unanswered, "empty", np.where(blank, "skipped" if recoded else "empty", "answered"))
    return series.where(~unanswered, ""), pd.Series(status, index=series.index, dtype=object)


def _question_columns(
    rel: str,
    layout: _Layout,
    frame: pd.DataFrame,
    rows: Sequence[int],
    q: _Question,
    number: int,
    recoded: bool,
    numeric: bool,
    problems: list[Problem],
) -> list[tuple[int, ExportColumn, pd.Series, pd.Series]]:
    texts = layout.texts
    out: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []

    def col(i: int, key: str, kind: str, stem: str, sub: str | None = None, options: tuple[str, ...] = ()) -> ExportColumn:
        return ExportColumn(key, layout.names[i], kind, number, _stem_number(stem), sub, layout.ids[i], options)

    main_text = _strip_suffix(texts[q.main[0]]) if q.main else ""
    if q.main:
        stem = main_text
    elif q.text:
        stem = _strip_suffix(texts[q.text[0]])
    elif q.items:
        stem, _ = _split_stem([_strip_suffix(texts[c]) for c, _ in q.items])
    else:
        stem, _ = _split_stem([_strip_suffix(texts[c]) for c, _ in q.writeins])

    writein_labels = []
    for c, _ in q.writeins:
        label = _strip_suffix(texts[c])
        if stem and label.startswith(stem):
            label = label[len(stem):].lstrip(" -")
        elif " - " in label:
            label = label.rsplit(" - ", 1)[1]
        writein_labels.append(label.strip() or "其他")

    parent_status: pd.Series | None = None
    for idx, i in enumerate(q.text):
        values, status = _status(frame[i], recoded)
        key = f"Q{number}" if idx == 0 else f"Q{number}_{idx + 1}"
        out.append((i, col(i, key, "open", stem), values, status))
        parent_status = status if parent_status is None else parent_status
    for i in q.main:
        values, status = _status(frame[i], recoded)
        answered = values[status == "answered"]
        uniques = list(dict.fromkeys(answered.tolist()))
        if layout.legacy:  # legacy downloads always split multiple choice into columns
            kind = "single" if numeric and answered.str.match(_INT).all() else "open"
            out.append((i, col(i, f"Q{number}", kind, stem), values, status))
            parent_status = status if parent_status is None else parent_status
            continue
        if numeric:
            mapping = {u: LIST_SEP.join(sorted((p for p in u.split(",") if p), key=int)) for u in uniques}
        else:
            known = _known_choices(uniques, writein_labels)
            mapping = {u: LIST_SEP.join(_split_choices(u, known)) for u in uniques}
        kind = "multi" if any(LIST_SEP in v for v in mapping.values()) else "single"
        values = values.map(lambda v, m=mapping: m.get(v, v)).astype(object)
        out.append((i, col(i, f"Q{number}", kind, stem), values, status))
        parent_status = status if parent_status is None else parent_status

    if q.items:
        item_cols = [c for c, _ in q.items]
        codes = [str(k) for _, k in q.items]
        item_stem, subs = _split_stem([_strip_suffix(texts[c]) for c in item_cols])
        if q.main:  # items with a choice column: use the choice column's stem
            subs = [_strip_suffix(texts[c])[len(stem):].lstrip(" -") if _strip_suffix(texts[c]).startswith(stem) else s for c, s in zip(item_cols, subs)]
        else:
            stem = item_stem
        block = frame[item_cols]
        kind = _items_kind(block, subs)
        if kind == "rank":
            value, status = _fold_rank(rel, layout, block, rows, item_cols, codes if numeric else subs, recoded, problems)
            out.append((item_cols[0], col(item_cols[0], f"Q{number}", "rank", stem, None, tuple(subs)), value, status))
            parent_status = status
        elif kind == "multi":
            value, status = _fold_split_multi(block, item_cols, subs, codes if numeric else subs, recoded)
            out.append((item_cols[0], col(item_cols[0], f"Q{number}", "multi", stem, None, tuple(subs)), value, status))
            parent_status = status
        else:
            statuses = []
            for pos, (c, sub) in enumerate(zip(item_cols, subs), start=1):
                values, status = _status(frame[c], recoded)
                out.append((c, col(c, f"Q{number}_{pos}", "matrix", stem, sub), values, status))
                statuses.append(status)
            parent_status = statuses[0]

    for pos, ((c, _), label) in enumerate(zip(q.writeins, writein_labels)):
        values, status = _status(frame[c], recoded)
        if q.main or q.items:
            if parent_status is not None:
                status = pd.Series(
                    np.where(status == "answered", "answered", np.where(parent_status == "skipped", "skipped", "empty")),
                    index=status.index,
                    dtype=object,
                )
            key, kind = (f"Q{number}_other" if pos == 0 else f"Q{number}_other_{pos + 1}"), "other"
        else:
            key, kind = f"Q{number}_{pos + 1}", "fill"
        out.append((c, col(c, key, kind, stem, label), values, status))

    if q.compound:
        out.extend(_compound_columns(layout, frame, q, number, recoded, stem if (q.main or q.text or q.items) else None))
    return out


def _compound_columns(
    layout: _Layout, frame: pd.DataFrame, q: _Question, number: int, recoded: bool, stem: str | None
) -> list[tuple[int, ExportColumn, pd.Series, pd.Series]]:
    """Side-by-side, multi-answer matrix and loop-and-merge columns, each kept as its own column.

    ``QID6#1_1`` → ``Q6_1_1`` (set 1, row 1), ``QID8_1_1`` → ``Q8_1_1`` (row 1, choice 1),
    ``1_QID3`` → ``Q3_loop1`` (``1_QID3_2`` → ``Q3_loop1_2``); kind ``matrix``. A ``…_TEXT``
    column is the write-in of the column it extends (``Q6_1_1_other``, kind ``other``) or, alone,
    a text answer (kind ``open``).
    """
    texts = [_strip_suffix(layout.texts[c]) for c, _, _ in q.compound]
    common, subs = _split_stem(texts)
    stem = stem if stem is not None else common
    plain_suffixes = {suffix for _, suffix, text in q.compound if not text}
    out: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []
    for (c, suffix, text), sub in zip(q.compound, subs):
        values, status = _status(frame[c], recoded)
        if text and suffix in plain_suffixes:
            key, kind = f"Q{number}{suffix}_other", "other"
        else:
            key, kind = f"Q{number}{suffix}", "open" if text else "matrix"
        column = ExportColumn(key, layout.names[c], kind, number, _stem_number(stem), sub, layout.ids[c])
        out.append((c, column, values, status))
    return out


def _items_kind(block: pd.DataFrame, subs: Sequence[str]) -> str:
    """``rank``, ``multi`` (split choice columns) or ``matrix`` for the ``QIDn_k`` columns."""
    if not len(block):
        return "matrix"
    k = block.shape[1]
    cells = block.where((block != "") & (block != _UNANSWERED))
    stacked = cells.stack().dropna()
    if len(stacked) == 0:
        return "matrix"
    if k >= 2 and stacked.str.match(_INT).all():
        ranks = cells.apply(pd.to_numeric, errors="coerce")
        answered_rows = ranks.notna().any(axis=1)
        sub = ranks[answered_rows]
        in_range = ((sub.isna()) | ((sub >= 1) & (sub <= k))).all().all()
        distinct = (sub.nunique(axis=1) == sub.notna().sum(axis=1)).all()
        if in_range and distinct and (sub > 1).any().any():
            return "rank"
    own_label = all(set(cells[c].dropna()) <= {sub, "1", "0"} for c, sub in zip(block.columns, subs))
    if own_label:
        return "multi"
    return "matrix"


def _fold_rank(
    rel: str,
    layout: _Layout,
    block: pd.DataFrame,
    rows: Sequence[int],
    item_cols: Sequence[int],
    labels: Sequence[str],
    recoded: bool,
    problems: list[Problem],
) -> tuple[pd.Series, pd.Series]:
    """Ranks per item → the items in rank order."""
    unanswered = (block == _UNANSWERED).any(axis=1)
    ranks = block.where((block != "") & (block != _UNANSWERED)).apply(pd.to_numeric, errors="coerce")
    bad = block.where((block != "") & (block != _UNANSWERED)).notna() & ranks.isna()
    for r, c in zip(*np.nonzero(bad.to_numpy())):
        problems.append(Problem(rel, rows[r], layout.names[item_cols[c]], tr("名次（整数）", "a rank (a whole number)"),
                                            block.iat[r, c]))
    order = np.argsort(ranks.fillna(np.inf).to_numpy(), axis=1, kind="stable")
    filled = ranks.notna().to_numpy()
    labels_arr = np.array(labels, dtype=object)
    values = [
        LIST_SEP.join(labels_arr[o][filled[r][o]]) for r, o in enumerate(order)
    ]
    value = pd.Series(values, index=block.index, dtype=object)
    status = np.where(value != "", "answered", np.where(unanswered, "empty", "skipped" if recoded else "empty"))
    return value, pd.Series(status, index=block.index, dtype=object)


def _fold_split_multi(
    block: pd.DataFrame, item_cols: Sequence[int], subs: Sequence[str], labels: Sequence[str], recoded: bool
) -> tuple[pd.Series, pd.Series]:
    """Per-choice columns (choice text or ``1``) → the chosen choices joined."""
    chosen = pd.DataFrame({c: (block[c] == sub) | (block[c] == "1") for c, sub in zip(item_cols, subs)})
    seen = ((block == "0") | (block == _UNANSWERED)).any(axis=1)
    labels_arr = np.array(labels, dtype=object)
    flags = chosen.to_numpy()
    value = pd.Series([LIST_SEP.join(labels_arr[f]) for f in flags], index=block.index, dtype=object)
    status = np.where(value != "", "answered", np.where(seen, "empty", "skipped" if recoded else "empty"))
    return value, pd.Series(status, index=block.index, dtype=object)


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "Qualtrics", read, sniff, priority=40))
