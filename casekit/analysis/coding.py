"""Coding interview-note segments: keyword rules, manual decisions, frequencies, co-occurrence.

The input is a table of note segments (one row per paragraph, question, answer or turn of a note,
as :func:`casekit.intake.note_segments.note_segments` returns it): at least ``segment_id``,
``note_id`` and ``text``; ``kind`` and ``population`` are used when present, and the grouping
columns (``top_region_id``, ``population`` …) and ``interviewee`` by :func:`code_frequencies`.

* :func:`apply_rules` codes segments with the keyword rules of a
  :class:`~casekit.intake.code_frame.CodeFrame`.
* Manual decisions live beside the notes, in ``notes/codes.csv`` (:data:`MANUAL_CODES_FILE`):
  one row per segment × code decided by hand (``add`` or ``remove``), written by
  :func:`save_manual_code`, read and checked by :func:`read_manual_codes`.
* :func:`codes_for` combines both: rule codes, plus manual adds, minus manual removes.
* :func:`code_frequencies` counts segments, notes and interviewees per group × code, hiding
  counts of fewer than :data:`~casekit.privacy.disclosure.MIN_INTERVIEWEES` interviewees;
  :func:`co_occurrence` counts codes appearing together.

Matching. Keywords are matched as substrings of the segment text: Chinese is written without
spaces, so a keyword matches wherever its characters occur (``降价`` in ``再降价``, but also in
``不降价``: a rule excludes such places with ``none:`` and a ``window:``). Before matching, Latin
letters are lower-cased and full-width ASCII forms are mapped to ASCII (``ＣＲＭ`` → ``crm``), in
both the keywords and the text; positions in the text are unchanged by this.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.intake.code_frame import CodeFrame, Rule
from casekit.intake.manual_codes import (
    MANUAL_ACTIONS,
    MANUAL_CODES_FILE,
    MANUAL_COLUMNS,
    read_manual_codes,
    require_columns,
    save_manual_code,
    segment_sort_key,
)
from casekit.privacy.disclosure import MIN_INTERVIEWEES, count_suppressed

__all__ = [
    "CODED_COLUMNS",
    "CODED_SCHEMA",
    "CODE_FREQUENCY_SCHEMA",
    "CO_OCCURRENCE_SCHEMA",
    "FREQUENCY_COLUMNS",
    "MANUAL_ACTIONS",
    "MANUAL_CODES_FILE",
    "MANUAL_COLUMNS",
    "RULE_COLUMNS",
    "RULE_SCHEMA",
    "apply_rules",
    "co_occurrence",
    "code_frequencies",
    "code_frequency_schema",
    "codes_for",
    "normalize",
    "read_manual_codes",
    "save_manual_code",
    "segment_sort_key",
]

#: The table of :func:`apply_rules`.
RULE_SCHEMA = OutputSchema(
    "rule codes", "casekit.analysis.coding.apply_rules", (
        *columns("str", "segment_id", "note_id", "code", "source"),
        Col("rule", "int", nullable=True), Col("keyword"),
        *columns("int", "start", "end", nullable=True),
    ), consumers=("coding.codes_for",))
#: Columns of :func:`apply_rules` (from its schema).
RULE_COLUMNS: tuple[str, ...] = RULE_SCHEMA.names
#: The table of :func:`codes_for`.
CODED_SCHEMA = OutputSchema(
    "coded segments", "casekit.analysis.coding.codes_for", (
        *columns("str", "segment_id", "note_id", "code", "label", "code_group", "source"),
        Col("rule", "int", nullable=True), Col("keyword"),
        *columns("int", "start", "end", nullable=True), *columns("str", "coder", "comment"),
    ),
    consumers=("NotesAnalysis.coded", "quotes", "keywords", "authoring.case_draft", "cli codes", "notebooks"))
#: Columns of :func:`codes_for` (from its schema).
CODED_COLUMNS: tuple[str, ...] = CODED_SCHEMA.names


def _by_columns(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


#: The columns of :func:`code_frequencies` after its ``by`` columns (counts empty when suppressed).
_FREQUENCY = (
    *columns("str", "code", "label", "code_group"),
    *columns("int", "n_segments", "n_notes", "n_interviewees", nullable=True),
    *columns("int", "group_notes", "group_interviewees"),
    Col("share", "float", nullable=True), Col("suppressed", "bool"),
)
#: Columns of :func:`code_frequencies` after its ``by`` columns (from its schema).
FREQUENCY_COLUMNS: tuple[str, ...] = tuple(c.name for c in _FREQUENCY)


def code_frequency_schema(by: str | Sequence[str] = ("top_region_id",)) -> OutputSchema:
    """The schema of :func:`code_frequencies` grouped ``by`` these columns (text, first).

    Parameters
    ----------
    by : str or sequence of str, default ``("top_region_id",)``
        As for :func:`code_frequencies`.

    Returns
    -------
    OutputSchema
        The ``by`` columns, then :data:`FREQUENCY_COLUMNS`.
    """
    return OutputSchema(
        "code frequencies", "casekit.analysis.coding.code_frequencies",
        (*columns("str", *_by_columns(by)), *_FREQUENCY),
        consumers=("NotesAnalysis.frequencies", "NotesAnalysis.segment_frequencies", "cli codes", "notebooks"))


#: The table of :func:`code_frequencies` by top-level region (:func:`code_frequency_schema` gives
#: the other groupings).
CODE_FREQUENCY_SCHEMA = code_frequency_schema()
#: The table of :func:`co_occurrence`.
CO_OCCURRENCE_SCHEMA = OutputSchema(
    "code co-occurrence", "casekit.analysis.coding.co_occurrence", (
        *columns("str", "code_a", "code_b"), *columns("int", "n_a", "n_b", "n_both"),
        Col("jaccard", "float", nullable=True, description="NaN when neither code occurs"),
    ), consumers=("cli codes --cooccurrence", "notebooks"))


# --------------------------------------------------------------------------- matching

_FOLD = {c: c + 0x20 for c in range(ord("A"), ord("Z") + 1)}
_FOLD.update({0xFF01 + i: 0x21 + i for i in range(0x5E)})  # full-width ASCII → ASCII
_FOLD.update({0xFF21 + i: 0x61 + i for i in range(26)})    # full-width A–Z → a–z
_FOLD[0x3000] = 0x20                                       # ideographic space


def normalize(text: str) -> str:
    """Return ``text`` as the rules see it: ASCII letters lower-cased, full-width forms as ASCII.

    The result has exactly the length of ``text`` (one character for one), so positions found
    in it are positions in ``text``.

    Examples
    --------
    >>> normalize("ＣＲＭ模块，VPN")
    'crm模块,vpn'
    """
    return str(text).translate(_FOLD)


@dataclass(frozen=True)
class _Compiled:
    """A rule ready to run on normalized text."""

    number: int
    any_re: re.Pattern[str]
    all_: tuple[tuple[str, ...], ...]
    none: tuple[str, ...]
    window: int | None
    has_regex: bool

    @classmethod
    def of(cls, rule: Rule, number: int) -> _Compiled:
        words = sorted({normalize(w) for w in rule.any}, key=lambda w: (-len(w), w))
        parts = [re.escape(w) for w in words] + [f"(?:{r})" for r in rule.regex]
        return cls(
            number=number,
            any_re=re.compile("|".join(parts), re.IGNORECASE),
            all_=tuple(tuple(normalize(a).strip() for a in entry.split("|") if a.strip())
                       for entry in rule.all),
            none=tuple(normalize(n) for n in rule.none),
            window=rule.window,
            has_regex=bool(rule.regex),
        )

    def find(self, text: str) -> tuple[int, int] | None:
        """The first ``any`` match of normalized ``text`` meeting ``all``/``none``, or None."""
        for m in self.any_re.finditer(text):
            if m.end() == m.start():
                continue
            s, e = m.start(), m.end()
            if all(any(_near(text, a, s, e, self.window) for a in entry) for entry in self.all_) and \
                    not any(_near(text, n, s, e, self.window) for n in self.none):
                return s, e
        return None


@lru_cache(maxsize=4096)
def _compile(rule: Rule, number: int) -> _Compiled:
    return _Compiled.of(rule, number)


def _near(text: str, word: str, s: int, e: int, window: int | None) -> bool:
    """Whether ``word`` occurs in ``text`` (within ``window`` characters of ``text[s:e]``)."""
    if window is None:
        return word in text
    lo = max(0, s - window - len(word))
    hi = e + window + len(word)
    return word in text[lo:hi]



def apply_rules(segments: pd.DataFrame, frame: CodeFrame) -> pd.DataFrame:
    """Code every segment with the keyword rules of ``frame``.

    Parameters
    ----------
    segments : DataFrame
        Note segments: ``segment_id``, ``text``; optional ``note_id``, ``kind`` (segments of a
        kind in ``frame.skip_kinds`` are not coded) and ``population`` (a code with
        ``populations`` codes only segments of those populations).
    frame : CodeFrame
        The code frame (:func:`casekit.intake.code_frame.read_code_frame`).

    Returns
    -------
    DataFrame
        Columns :data:`RULE_COLUMNS`: one row per segment × code that fired: ``source`` is
        ``"rule"``, ``rule`` the 1-based number of the first rule of the code that fired,
        ``keyword`` the text it matched as written in the segment, ``start``/``end`` its
        position in the segment text. In segment order, then frame order.

    Raises
    ------
    AnalysisError
        If ``segments`` lacks ``segment_id`` or ``text``.
    """
    require_columns(segments, ("segment_id", "text"), "a segments table", "apply_rules")
    texts = [("" if pd.isna(t) else str(t)) for t in segments["text"]]
    norm = [normalize(t) for t in texts]
    n = len(texts)
    active = np.ones(n, dtype=bool)
    if "kind" in segments.columns and frame.skip_kinds:
        active &= ~segments["kind"].isin(frame.skip_kinds).to_numpy()
    populations = segments["population"].to_numpy() if "population" in segments.columns else None
    note_ids = segments["note_id"].tolist() if "note_id" in segments.columns else [None] * n
    seg_ids = segments["segment_id"].tolist()

    big = "\x00".join(norm)
    offsets = []
    pos = 0
    for t in norm:
        offsets.append(pos)
        pos += len(t) + 1

    rows: list[tuple[int, int, dict[str, Any]]] = []
    for ci, code in enumerate(frame.codes):
        if not code.rules:
            continue
        allowed = active.copy()
        if code.populations and populations is not None:
            allowed &= np.isin(populations, list(code.populations))
        done: set[int] = set()
        for number, rule in enumerate(code.rules, 1):
            comp = _compile(rule, number)
            candidates: Iterable[int]
            if comp.has_regex:
                candidates = range(n)
            else:
                candidates = sorted({bisect_right(offsets, m.start()) - 1 for m in comp.any_re.finditer(big)})
            for i in candidates:
                if i in done or not allowed[i]:
                    continue
                hit = comp.find(norm[i])
                if hit is None:
                    continue
                done.add(i)
                s, e = hit
                rows.append((i, ci, {"segment_id": seg_ids[i], "note_id": note_ids[i], "code": code.id,
                                     "source": "rule", "rule": number, "keyword": texts[i][s:e],
                                     "start": s, "end": e}))
    rows.sort(key=lambda r: (r[0], r[1]))
    out = pd.DataFrame([r[2] for r in rows], columns=list(RULE_COLUMNS))
    return out.astype({"rule": "int64", "start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- manual codes


def codes_for(segments: pd.DataFrame, frame: CodeFrame, manual: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codes of every segment: rule codes, plus manual adds, minus manual removes.

    Parameters
    ----------
    segments : DataFrame
        Note segments (see :func:`apply_rules`).
    frame : CodeFrame
        The code frame.
    manual : DataFrame, optional
        Manual decisions (:func:`read_manual_codes`: ``segment_id``, ``code``, ``action``,
        optional ``coder``, ``comment``). Decisions about segments or codes not in ``segments``
        / ``frame`` are ignored (:func:`read_manual_codes` reports them).

    Returns
    -------
    DataFrame
        Columns :data:`CODED_COLUMNS`, one row per segment × code: ``source`` ``"rule"`` or
        ``"manual"`` (a manual ``add`` of a code a rule also found keeps the rule's keyword and
        position); ``label`` and ``code_group`` from the frame; ``coder``/``comment`` of manual
        rows. A manual ``remove`` always wins over the rules. In segment order, then frame
        order.
    """
    rules = apply_rules(segments, frame)
    order = {sid: i for i, sid in enumerate(segments["segment_id"])}
    note_of = dict(zip(segments["segment_id"], segments["note_id"])) if "note_id" in segments.columns else {}
    table = rules.assign(coder="", comment="")
    if manual is not None and not manual.empty:
        require_columns(manual, ("segment_id", "code", "action"), "a manual-codes table", "codes_for")
        m = manual.loc[manual["segment_id"].isin(order) & manual["code"].isin(frame.ids)]
        m = m.drop_duplicates(["segment_id", "code"], keep="last")
        decided = dict(zip(zip(m["segment_id"], m["code"]), m.to_dict("records")))
        keep = [decided.get((s, c), {}).get("action") != "remove"
                for s, c in zip(table["segment_id"], table["code"])]
        table = table.loc[keep].copy()
        existing = set(zip(table["segment_id"], table["code"]))
        adds = []
        for (sid, code), rec in decided.items():
            if rec["action"] != "add":
                continue
            if (sid, code) in existing:
                hit = (table["segment_id"] == sid) & (table["code"] == code)
                table.loc[hit, ["source", "coder", "comment"]] = [
                    "manual", str(rec.get("coder", "") or ""), str(rec.get("comment", "") or "")]
                continue
            adds.append({"segment_id": sid, "note_id": note_of.get(sid), "code": code, "source": "manual",
                         "rule": pd.NA, "keyword": "", "start": pd.NA, "end": pd.NA,
                         "coder": str(rec.get("coder", "") or ""), "comment": str(rec.get("comment", "") or "")})
        if adds:
            table = pd.concat([table.astype({"rule": "Int64", "start": "Int64", "end": "Int64"}),
                               pd.DataFrame(adds)], ignore_index=True)
    code_order = {c: i for i, c in enumerate(frame.ids)}
    table = table.astype({"rule": "Int64", "start": "Int64", "end": "Int64"})
    table["label"] = [frame.code(c).label for c in table["code"]]
    table["code_group"] = [frame.code(c).group for c in table["code"]]
    table["_o"] = [(order[s], code_order[c]) for s, c in zip(table["segment_id"], table["code"])]
    table = table.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    return table[list(CODED_COLUMNS)]


# --------------------------------------------------------------------------- counting


def code_frequencies(coded: pd.DataFrame, segments: pd.DataFrame,
                     by: str | Sequence[str] = ("top_region_id",), min_n: int = MIN_INTERVIEWEES,
                     frame: CodeFrame | None = None) -> pd.DataFrame:
    """How often each code occurs per group, with small counts hidden (client-facing counts).

    Parameters
    ----------
    coded : DataFrame
        Segment codes (:func:`codes_for`): ``segment_id``, ``code`` (``label``, ``code_group``
        used when present).
    segments : DataFrame
        The note segments coded: ``segment_id``, ``note_id``, the ``by`` columns, and
        ``interviewee`` (without it each note counts as a different person).
    by : str or sequence of str, default ``("top_region_id",)``
        Columns of ``segments`` to group by: ``top_region_id``, ``region_id``, ``population``,
        ``method``, or any label column added to the segments (e.g. the account-manager type).
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_INTERVIEWEES`
        Anonymity threshold, see below.
    frame : CodeFrame, optional
        When given, every code of the frame gets a row (0 where absent), in frame order, with
        its label and group; otherwise the codes found in ``coded``, sorted by id.

    Returns
    -------
    DataFrame
        One row per group × code: the ``by`` columns, ``code``, ``label``, ``code_group``,
        ``n_segments`` (segments with the code), ``n_notes`` (notes with the code),
        ``n_interviewees`` (distinct interviewees with the code), ``group_notes`` and
        ``group_interviewees`` (all notes / interviewees of the group, coded or not),
        ``share`` (``n_interviewees / group_interviewees``), ``suppressed``. Counts are
        nullable integers.

    Notes
    -----
    Suppression (the counts say what a group of people said, so the rule of
    ``docs/architecture.md`` applies: no number may reveal a group of fewer than ``min_n``
    people):

    * a **group** with fewer than ``min_n`` distinct interviewees is suppressed as a whole:
      every code row of it has no counts and no share (``suppressed`` True); its base counts
      ``group_notes``/``group_interviewees`` are kept (show them with
      :func:`casekit.formatting.count_label`, i.e. ``<5``);
    * in a shown group, a **cell** whose code was raised by 1 to ``min_n − 1`` distinct
      interviewees is suppressed the same way (a client reads ``<5``). A code raised by
      nobody shows 0. The threshold is on interviewees, which implies at least ``min_n`` notes.

    The table has no totals row. Two tables of the same notes grouped differently (by region
    and by population) can reveal a hidden cell by subtraction: show clients one grouping.
    """
    cols = _by_columns(by)
    require_columns(segments, ("segment_id", "note_id", *cols), "a segments table", "code_frequencies")
    require_columns(coded, ("segment_id", "code"), "a coded table", "code_frequencies")
    if min_n < 1:
        raise AnalysisError(tr(f"min_n 应不小于 1，实际为 {min_n}", f"min_n must be at least 1, got {min_n}"))
    seg = segments[["segment_id", "note_id", *cols]].copy()
    seg["_person"] = segments["interviewee"].astype(str) if "interviewee" in segments.columns \
        else segments["note_id"].astype(str)
    base = seg.groupby(cols, dropna=False, sort=True).agg(group_notes=("note_id", "nunique"),
                                                          group_interviewees=("_person", "nunique"))
    hits = coded[["segment_id", "code"]].drop_duplicates().merge(seg, on="segment_id", how="inner")
    counts = hits.groupby([*cols, "code"], dropna=False, sort=False).agg(
        n_segments=("segment_id", "nunique"), n_notes=("note_id", "nunique"),
        n_interviewees=("_person", "nunique"))

    if frame is not None:
        codes = list(frame.ids)
        labels = {c.id: c.label for c in frame.codes}
        groups = {c.id: c.group for c in frame.codes}
    else:
        codes = sorted(coded["code"].unique().tolist())
        labels = dict(zip(coded["code"], coded["label"])) if "label" in coded.columns else {}
        groups = dict(zip(coded["code"], coded["code_group"])) if "code_group" in coded.columns else {}

    rows = []
    for key, b in base.iterrows():
        key_t = key if isinstance(key, tuple) else (key,)
        for code in codes:
            rec = dict(zip(cols, key_t))
            ck = (*key_t, code)
            if ck in counts.index:
                c = counts.loc[ck]
                n_seg, n_notes, n_int = int(c["n_segments"]), int(c["n_notes"]), int(c["n_interviewees"])
            else:
                n_seg = n_notes = n_int = 0
            suppressed = count_suppressed(int(b["group_interviewees"]), n_int, min_n)
            rec.update(code=code, label=labels.get(code, code), code_group=groups.get(code, ""),
                       n_segments=pd.NA if suppressed else n_seg,
                       n_notes=pd.NA if suppressed else n_notes,
                       n_interviewees=pd.NA if suppressed else n_int,
                       group_notes=int(b["group_notes"]), group_interviewees=int(b["group_interviewees"]),
                       share=pd.NA if suppressed else n_int / int(b["group_interviewees"]),
                       suppressed=suppressed)
            rows.append(rec)
    out = pd.DataFrame(rows, columns=list(code_frequency_schema(cols).names))
    return out.astype({"n_segments": "Int64", "n_notes": "Int64", "n_interviewees": "Int64",
                       "group_notes": "int64", "group_interviewees": "int64", "share": "Float64",
                       "suppressed": "bool"})


def co_occurrence(coded: pd.DataFrame, level: str = "segment", frame: CodeFrame | None = None) -> pd.DataFrame:
    """How often two codes occur in the same segment (or the same note).

    Parameters
    ----------
    coded : DataFrame
        Segment codes (:func:`codes_for`): ``segment_id``, ``code``, and ``note_id`` for
        ``level="note"``.
    level : {"segment", "note"}
        The unit in which two codes count as occurring together.
    frame : CodeFrame, optional
        When given, all codes of the frame, in frame order (pairs with zero counts included);
        otherwise the codes of ``coded``, sorted by id.

    Returns
    -------
    DataFrame
        One row per ordered pair of codes (including a code with itself): ``code_a``,
        ``code_b``, ``n_a``, ``n_b`` (units with each code), ``n_both`` (units with both) and
        ``jaccard`` (``n_both / (n_a + n_b − n_both)``, NaN when neither occurs). Pivot
        ``n_both`` on ``code_a`` × ``code_b`` for the matrix. Exact counts, for consultants:
        not for client reports (see :func:`code_frequencies` for those).
    """
    if level not in ("segment", "note"):
        raise AnalysisError(tr(f"level 应为 'segment' 或 'note'，实际为 {level!r}",
                               f"level must be 'segment' or 'note', got {level!r}"))
    unit = "segment_id" if level == "segment" else "note_id"
    require_columns(coded, (unit, "code"), "a coded table", "co_occurrence")
    codes = list(frame.ids) if frame is not None else sorted(coded["code"].unique().tolist())
    pairs = coded[[unit, "code"]].drop_duplicates()
    pairs = pairs.loc[pairs["code"].isin(codes)]
    units = sorted(pairs[unit].unique().tolist(), key=segment_sort_key)
    idx = {c: i for i, c in enumerate(codes)}
    uidx = {u: i for i, u in enumerate(units)}
    m = np.zeros((len(units), len(codes)), dtype=np.int64)
    m[[uidx[u] for u in pairs[unit]], [idx[c] for c in pairs["code"]]] = 1
    both = m.T @ m
    n = np.diag(both)
    union = n[:, None] + n[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = np.where(union > 0, both / np.where(union > 0, union, 1), np.nan)
    a, b = np.meshgrid(np.arange(len(codes)), np.arange(len(codes)), indexing="ij")
    out = pd.DataFrame({
        "code_a": [codes[i] for i in a.ravel()], "code_b": [codes[j] for j in b.ravel()],
        "n_a": n[a.ravel()], "n_b": n[b.ravel()], "n_both": both.ravel(), "jaccard": jac.ravel(),
    })
    return out
