"""Manual coding decisions beside the notes: ``notes/codes.csv``.

Consultants code note segments by hand where the keyword rules miss or over-reach (from the
notebook widget, or by editing the file). Each decision is one row — segment × code, ``add`` or
``remove``, who, when, why — so a git diff of the file reads as a review log. This is
consultant-authored research data, so casekit writes it inside the bundle (atomically), the one
exception besides ``_private/`` to "casekit never writes into a bundle".

* :func:`read_manual_codes` reads and checks the file (unknown segment or code, bad action or
  date, a segment whose text changed since the decision: each a
  :class:`~casekit.exceptions.Problem` with row and column); the bundle loader reports its
  problems with all others.
* :func:`save_manual_code` records one decision (a new decision on the same segment × code
  replaces the old row).

How decisions combine with the rules: :func:`casekit.analysis.coding.codes_for`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from casekit.exceptions import AnalysisError, Problem
from casekit.files import write_atomic
from casekit.intake._files import FILE, ROW, read_table
from casekit.intake.code_frame import CodeFrame, read_code_frame
from casekit.intake.notes import MANUAL_CODES_NAME, NOTES_DIR
from casekit.language import tr

__all__ = [
    "EXCERPT_CHARS",
    "MANUAL_ACTIONS",
    "MANUAL_CODES_FILE",
    "MANUAL_COLUMNS",
    "read_manual_codes",
    "save_manual_code",
    "segment_sort_key",
]

#: The manual-codes file, relative to the bundle root.
MANUAL_CODES_FILE = f"{NOTES_DIR}/{MANUAL_CODES_NAME}"
#: Columns of ``notes/codes.csv``, in file order (``excerpt`` is optional when reading).
MANUAL_COLUMNS: tuple[str, ...] = ("segment_id", "code", "action", "coder", "date", "comment", "excerpt")
_REQUIRED_MANUAL = ("segment_id", "code", "action", "coder", "date")
#: ``action`` values: the consultant adds the code to the segment, or removes it.
MANUAL_ACTIONS: tuple[str, ...] = ("add", "remove")
_ACTION_ALIASES = {"add": "add", "添加": "add", "增加": "add", "加": "add",
                   "remove": "remove", "删除": "remove", "去掉": "remove", "删": "remove"}
#: Characters of the segment text stored in ``excerpt`` (to review decisions and notice edits).
EXCERPT_CHARS = 20



def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str, caller: str) -> None:
    """Raise :class:`AnalysisError` naming the columns ``caller`` needs and ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"{caller} needs {what} with the column(s) {', '.join(missing)}; "
                            f"found {', '.join(map(str, frame.columns)) or 'no columns'}")


def segment_sort_key(segment_id: str) -> tuple[Any, ...]:
    """Natural sort key of a segment id: ``N005-03`` before ``N005-10`` before ``N010-01``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(segment_id)))


def _excerpt(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()[:EXCERPT_CHARS]


def _segment_texts(segments: pd.DataFrame | None) -> dict[str, str] | None:
    if segments is None:
        return None
    require_columns(segments, ("segment_id", "text"), "a segments table", "the manual codes")
    return dict(zip(segments["segment_id"].astype(str), segments["text"].fillna("").astype(str)))


def read_manual_codes(root: str | Path, segments: pd.DataFrame | None = None,
                      frame: CodeFrame | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check the consultants' manual coding decisions, ``notes/codes.csv``.

    Parameters
    ----------
    root : str or Path
        The bundle folder.
    segments : DataFrame, optional
        The bundle's note segments (``segment_id``, ``text``): every ``segment_id`` must be one
        of them, and a row's ``excerpt`` must still be the start of its segment's text (else
        the note was edited and the id may now point to another passage). Without it, segment
        ids are not checked.
    frame : CodeFrame, optional
        The code frame codes must belong to; default: the bundle's
        (:func:`~casekit.intake.code_frame.read_code_frame`).

    Returns
    -------
    codes : DataFrame
        The valid rows: ``segment_id``, ``code`` (the id, also when the file gives the label),
        ``action`` (``add``/``remove``), ``coder``, ``date`` (``YYYY-MM-DD``), ``comment``,
        ``excerpt``, ``row`` (the row in the file, header = 1). Empty when the file is absent.
    problems : list of Problem
        File ``notes/codes.csv``, the row and column of each wrong cell.
    """
    root = Path(root)
    rel = MANUAL_CODES_FILE
    empty = pd.DataFrame(columns=[*MANUAL_COLUMNS, "row"])
    path = root / rel
    if not path.exists():
        return empty, []
    if frame is None:
        frame = read_code_frame(root)[0]
    table, problems = read_table(path, rel)
    if table is None:
        return empty, problems
    missing = [c for c in _REQUIRED_MANUAL if c not in table.columns]
    for c in missing:
        problems.append(Problem(rel, 1, c, tr(f"「{c}」列（各列：{'、'.join(MANUAL_COLUMNS)}）",
                                              f"a column {c!r} (columns: {', '.join(MANUAL_COLUMNS)})"), "<missing>"))
    for c in table.columns:
        if c not in MANUAL_COLUMNS and c not in (ROW, FILE):
            problems.append(Problem(rel, 1, c, tr(f"只有 {'、'.join(MANUAL_COLUMNS)} 这几列",
                                                  f"only the columns {', '.join(MANUAL_COLUMNS)}"), c))
    if missing:
        return empty, problems
    texts = _segment_texts(segments)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for rec in table.to_dict("records"):
        r = int(rec[ROW])
        bad = len(problems)
        sid = rec["segment_id"]
        if not sid:
            problems.append(Problem(rel, r, "segment_id", tr("段落编号（例如 N005-03）",
                                                             "a segment id (e.g. N005-03)"), "<missing>"))
        elif texts is not None and sid not in texts:
            problems.append(Problem(rel, r, "segment_id", tr("资料包笔记中的段落编号（例如 N005-03）",
                                                             "a segment id of the bundle's notes (e.g. N005-03)"), sid))
        code = frame.resolve(rec["code"]) if rec["code"] else None
        if code is None:
            problems.append(Problem(rel, r, "code", tr("编码框架中的编码编号或名称", "a code id or label of the code frame"),
                                    rec["code"] or "<missing>"))
        action = _ACTION_ALIASES.get(rec["action"].lower())
        if action is None:
            problems.append(Problem(rel, r, "action", tr("add（添加）或 remove（去掉）",
                                                         "add or remove"), rec["action"] or "<missing>"))
        if not rec["coder"]:
            problems.append(Problem(rel, r, "coder", tr("谁做的决定（姓名或缩写）",
                                                        "who decided (name or initials)"), "<missing>"))
        date = _parse_date(rec["date"])
        if date is None:
            problems.append(Problem(rel, r, "date", tr("日期，格式为 YYYY-MM-DD",
                                                       "a date YYYY-MM-DD"), rec["date"] or "<missing>"))
        excerpt = rec.get("excerpt", "") or ""
        if excerpt and texts is not None and sid in texts and not _excerpt(texts[sid]).startswith(excerpt):
            problems.append(Problem(
                rel, r, "excerpt",
                tr(f"段落 {sid} 开头的文字「{_excerpt(texts[sid])}」（笔记是不是改过了？请核对这条决定针对的是哪段话）",
                   f"the start of segment {sid}'s text, {_excerpt(texts[sid])!r} (was the note edited? "
                   "check which passage this decision is about)"), excerpt))
        if code is not None and sid:
            if (sid, code) in seen:
                problems.append(Problem(rel, r, "code",
                                        tr(f"每个段落每个编码只有一条决定（第 {seen[(sid, code)]} 行已对 {sid} 决定了 {code}）",
                                           f"one decision per segment and code (row {seen[(sid, code)]} "
                                           f"already decides {code} for {sid})"), rec["code"]))
            else:
                seen[(sid, code)] = r
        if len(problems) > bad:
            continue
        rows.append({"segment_id": sid, "code": code, "action": action, "coder": rec["coder"],
                     "date": date, "comment": rec.get("comment", "") or "", "excerpt": excerpt, "row": r})
    return pd.DataFrame(rows, columns=[*MANUAL_COLUMNS, "row"]), problems


def _parse_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        return None


def save_manual_code(root: str | Path, segment_id: str, code: str, action: str, coder: str,
                     comment: str = "", *, date: str | dt.date | None = None,
                     segments: pd.DataFrame | None = None, frame: CodeFrame | None = None) -> Path:
    """Record a consultant's coding decision in ``notes/codes.csv`` (atomically).

    The file has one row per segment × code: a new decision for the same pair replaces the
    previous one (its history is in git). Rows are sorted by segment id (naturally: ``N005-03``
    before ``N005-10``) and code, so diffs show just the decision that changed. This is
    consultant-authored research data, so it is written inside the bundle, next to the notes.

    Parameters
    ----------
    root : str or Path
        The bundle folder.
    segment_id : str
        The segment decided about (e.g. ``N005-03``).
    code : str
        Code id or Chinese label of the frame.
    action : str
        ``"add"`` (the segment has the code, whatever the rules say) or ``"remove"`` (it does
        not); ``添加`` / ``删除`` are accepted.
    coder : str
        Who decided (name or initials).
    comment : str, optional
        Why, in a few words.
    date : str or date, optional
        Date of the decision, ``YYYY-MM-DD``; default today.
    segments : DataFrame, optional
        The bundle's note segments: the id is checked and the start of the segment's text is
        stored in ``excerpt`` (for reviewers, and to notice later edits of the note).
    frame : CodeFrame, optional
        Default: the bundle's code frame.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    AnalysisError
        If the segment id, code, action, coder or date is not valid, or the existing file cannot
        be read (it is then left untouched).
    OutputError
        If the file cannot be written.
    """
    root = Path(root)
    if frame is None:
        frame = read_code_frame(root)[0]
    sid = str(segment_id).strip()
    if not sid:
        raise AnalysisError("save_manual_code needs a segment id (e.g. N005-03), got an empty one")
    code_id = frame.resolve(code)
    if code_id is None:
        raise AnalysisError(f"{code!r} is not a code id or label of the code frame")
    act = _ACTION_ALIASES.get(str(action).strip().lower())
    if act is None:
        raise AnalysisError(f"action must be add or remove, got {action!r}")
    who = str(coder).strip()
    if not who:
        raise AnalysisError("save_manual_code needs the coder (name or initials)")
    day = (date.isoformat() if isinstance(date, dt.date) else _parse_date(str(date))) if date is not None \
        else dt.date.today().isoformat()
    if day is None:
        raise AnalysisError(f"date must be YYYY-MM-DD, got {date!r}")
    excerpt = ""
    texts = _segment_texts(segments)
    if texts is not None:
        if sid not in texts:
            raise AnalysisError(f"{sid!r} is not a segment id of the notes")
        excerpt = _excerpt(texts[sid])

    path = root / MANUAL_CODES_FILE
    records: list[dict[str, str]] = []
    if path.exists():
        table, problems = read_table(path, MANUAL_CODES_FILE)
        if table is None:
            raise AnalysisError(f"cannot read {MANUAL_CODES_FILE} (nothing was written): "
                                + "; ".join(map(str, problems)))
        for rec in table.to_dict("records"):
            records.append({c: str(rec.get(c, "") or "") for c in MANUAL_COLUMNS})
    new = {"segment_id": sid, "code": code_id, "action": act, "coder": who, "date": day,
           "comment": " ".join(str(comment).split()), "excerpt": excerpt}
    records = [r for r in records
               if not (r["segment_id"] == sid and (frame.resolve(r["code"]) or r["code"]) == code_id)]
    records.append(new)
    records.sort(key=lambda r: (segment_sort_key(r["segment_id"]), r["code"], r["date"]))
    buf = io.StringIO()
    pd.DataFrame(records, columns=list(MANUAL_COLUMNS)).to_csv(buf, index=False, lineterminator="\n")
    write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    return path


# --------------------------------------------------------------------------- combining
