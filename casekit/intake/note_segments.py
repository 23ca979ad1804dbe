"""Interview notes cut into segments: paragraphs, or question/answer turns of a transcript.

A segment is the unit a consultant codes, quotes or searches: one paragraph of a narrative note,
or one speaker's turn when the note is written as a transcript. Every segment keeps where it came
from (note, position, character offsets into ``bundle.notes.text``) so a quote can always be traced
back to the interview.

Transcripts
-----------
A line starting with a speaker label followed by a colon (``：`` or ``:``) starts a turn:

* questions: ``问``, ``Q``, ``访谈者``, ``访问者``, ``采访者``, ``访谈人``, ``调研员``, ``顾问``,
  ``主持人``, ``我们``, ``追问``, ``提问``;
* answers: ``答``, ``A``, ``受访者``, ``被访者``, ``被访谈者``, ``受访人``, ``回答``;
* roles (``客户经理``, ``客户``, ``支撑人员``, ``营销中心主任``, ``老板``, ``店长`` …, see
  ``ROLE_LABELS``): answers when the note also has questions, otherwise plain ``turn`` s (a
  dialogue overheard on a ride-along: ``客户经理：… 客户：…``).

Labels other than ``问``/``答``/``Q``/``A``/``访谈者``/``受访者`` (and their like, ``STRONG_LABELS``)
start turns only in a note with at least two different speakers, so a narrative note opening
with ``客户：惠万家超市`` stays a paragraph.
A label may carry a code or a note in brackets (``客户经理B07：``, ``Q1:``, ``客户（王总）：``), be
written ``【问】``, bold (``**问：**``) or after a list bullet. On a line that starts with a label,
a further label after the end of a sentence starts the next turn (``问：怎么定的？答：平均分。``).
A turn continues over the following lines until the next speaker label; across a blank line only
when another labelled line follows before the next heading, rule (``---``) or comment paragraph
(``备注：``, ``顾问备注：``, ``小结：`` …), so the consultant's remarks after a transcript are
paragraphs of their own.

Paragraphs
----------
Otherwise a segment is a block of consecutive non-blank lines. A heading line is a segment of its
own, and so is each list item (``-``, ``*``, ``+``, ``•`` or ``1.`` / ``1、``); a Markdown table is
one segment (its separator row dropped).

Markup
------
Heading marks, list bullets, ``>`` quote marks, table edge pipes, ``**``, ``~~`` and backticks are
removed from ``text`` (a list item's number is kept); ``start`` / ``end`` are offsets into the
original note text and span the segment as written, markup and speaker label included, so
``note_text[start:end]`` is the passage to highlight. Segments never overlap and are in order.

Personal data
-------------
Notes hold names, phone numbers and company names. ``note_segments`` returns the text as written
unless a ``redactor`` is passed; **every caller that writes, shows or exports segments must pass
one** (``redactor=lambda t: r.redact(t).text`` with a ``casekit.intake.redaction.Redactor``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "ANSWER_LABELS",
    "COMMENT_LABELS",
    "QUESTION_LABELS",
    "ROLE_LABELS",
    "SEGMENT_COLUMNS",
    "SEGMENT_KINDS",
    "STRONG_LABELS",
    "Segment",
    "note_segments",
    "split_note",
]

#: Kinds of segment.
SEGMENT_KINDS = ("paragraph", "question", "answer", "turn")

#: Labels of the interviewer's turns (Chinese; ``Q`` is matched separately).
QUESTION_LABELS = ("问", "访谈者", "访问者", "采访者", "访谈人", "调研员", "顾问", "主持人", "我们",
                   "追问", "提问")
#: Labels of the interviewee's turns (Chinese; ``A`` is matched separately).
ANSWER_LABELS = ("答", "受访者", "被访者", "被访谈者", "受访人", "回答")
#: Labels that start a turn even when no other speaker appears in the note; the others (``我们``,
#: ``顾问``, roles …) only when the note has at least two different speakers, so that a note
#: opening with ``客户：惠万家超市`` is not read as a dialogue.
STRONG_LABELS = ("问", "答", "访谈者", "访问者", "采访者", "受访者", "被访者", "被访谈者", "受访人")
#: People who speak in a dialogue: answers in an interview, plain turns in an overheard dialogue.
ROLE_LABELS = (
    "客户经理", "政企客户经理", "大客户经理", "客户", "支撑人员", "支撑", "技术支撑", "售前支撑",
    "工程师", "技术人员", "营销中心主任", "主任", "分公司负责人", "支局长", "局长", "经理", "总经理",
    "销售管理人员", "上级", "主管", "领导", "老板", "老板娘", "店长", "院长", "校长", "厂长",
    "前台", "财务", "行政",
)
#: Paragraphs of the consultant's own remarks: they end a transcript's turn.
COMMENT_LABELS = ("备注", "顾问备注", "注", "按", "点评", "评语", "评论", "小结", "总结", "分析",
                  "观察", "思考", "说明", "结论", "建议", "印象", "初步判断", "我们的看法")

#: Columns of :func:`note_segments`, in order, with their dtypes.
SEGMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("segment_id", "str"),
    ("note_id", "str"),
    ("position", "int64"),
    ("kind", "str"),
    ("speaker", "str"),
    ("text", "str"),
    ("start", "int64"),
    ("end", "int64"),
    ("date", "datetime64[ns]"),
    ("region_id", "str"),
    ("top_region_id", "str"),
    ("population", "str"),
    ("method", "str"),
    ("interviewee", "str"),
    ("tags", "object"),
    ("file", "str"),
)
_NOTE_COLUMNS = ("date", "region_id", "top_region_id", "population", "method", "interviewee",
                 "tags", "file")


@dataclass(frozen=True)
class Segment:
    """One segment of a note.

    Parameters
    ----------
    position : int
        1-based position in the note.
    kind : str
        ``paragraph``, ``question``, ``answer`` or ``turn``.
    speaker : str
        The speaker label as written (``问``, ``客户经理B07``); ``""`` for paragraphs.
    text : str
        The segment's text without speaker label and Markdown markup (line breaks kept; a blank
        line inside a turn that spans paragraphs).
    start, end : int
        Offsets into the note text: ``text[start:end]`` is the segment as written.
    """

    position: int
    kind: str
    speaker: str
    text: str
    start: int
    end: int


# ---------------------------------------------------------------------------------------------
# patterns

_QUAL = r"(?:[A-Za-z0-9甲乙丙丁戊]{0,6}(?:[（(][^）)\n]{1,12}[）)])?)"
_CN_LABELS = sorted(set(QUESTION_LABELS + ANSWER_LABELS + ROLE_LABELS), key=lambda s: (-len(s), s))
_CN = "|".join(map(re.escape, _CN_LABELS))
_LABEL_BODY = (
    rf"(?:【(?P<a>{_CN}|Q|A)(?P<aq>{_QUAL})】[ \t]*[：:]?"
    rf"|(?P<b>{_CN})(?P<bq>{_QUAL})[ \t]*[：:]"
    rf"|(?P<c>[QA])(?P<cq>\d{{0,3}})[ \t]*[:：])[ \t]*"
)
_LABEL_AT_START = re.compile(_LABEL_BODY)
#: A further label on the same line: after the end of a sentence or white space.
_LABEL_INLINE = re.compile(r"(?<=[。？！?!…；;」』”\"）)\s])" + _LABEL_BODY)
_COMMENT = re.compile("(?:" + "|".join(map(re.escape, sorted(COMMENT_LABELS, key=len, reverse=True)))
                      + r")[ \t]*[：:]")

_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?=\s|$)")
_RULE = re.compile(r"[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}|`{3,}.*|~{3,}.*)")
_TABLE_SEP = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_BULLET = re.compile(r"[-*+•·][ \t]+")
_NUMBERED = re.compile(r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、)）](?!\d)")
_INLINE_MARKUP = re.compile(r"\*\*|~~|`")


@dataclass
class _Line:
    """One line of the note, classified and cleaned of markup."""

    kind: str  # blank | rule | tablesep | heading | item | text
    chars: str = ""  # the cleaned text
    where: list[int] = field(default_factory=list)  # original offset of each cleaned character
    first: int = 0  # offset of the first non-space character of the raw line
    last: int = 0  # offset after the last non-space character of the raw line
    label: re.Match[str] | None = None
    comment: bool = False


@dataclass
class _Open:
    """A segment being assembled."""

    family: str  # para | q | a | role
    speaker: str
    parts: list[str]
    start: int
    end: int


def _classify(text: str, begin: int, stop: int) -> _Line:
    raw = text[begin:stop]
    stripped = raw.strip()
    if not stripped:
        return _Line("blank")
    first = begin + (len(raw) - len(raw.lstrip()))
    last = begin + len(raw.rstrip())
    if _RULE.fullmatch(raw):
        return _Line("rule")
    if "|" in raw and "-" in raw and _TABLE_SEP.fullmatch(raw):
        return _Line("tablesep")
    kind = "text"
    i = first - begin
    n = len(raw.rstrip())
    while i < n and raw[i] == ">":  # block quote marks
        i += 1
        while i < n and raw[i] in " \t":
            i += 1
    m = _HEADING.match(raw, i) if i == first - begin else None
    if m:
        kind = "heading"
        i = m.end()
        closing = re.search(r"[ \t]+#+$", raw[:n])
        if closing and closing.start() >= i:
            n = closing.start()
    else:
        m = _BULLET.match(raw, i)
        if m:
            kind, i = "item", m.end()
        elif _NUMBERED.match(raw, i):
            kind = "item"
    if raw.startswith("|", i) and raw[:n].endswith("|") and n - i > 1:  # a table row's edge pipes
        i, n = i + 1, n - 1
    keep = [True] * n
    for m in _INLINE_MARKUP.finditer(raw, i, n):
        for k in range(m.start(), m.end()):
            keep[k] = False
    where = [begin + k for k in range(i, n) if keep[k]]
    chars = "".join(text[k] for k in where)
    # trim white space left at the edges by removed markup
    lead = len(chars) - len(chars.lstrip())
    tail = len(chars.rstrip())
    chars, where = chars[lead:tail], where[lead:tail]
    if not chars:
        return _Line("blank")
    line = _Line(kind, chars, where, first, last)
    if kind != "heading":
        line.label = _LABEL_AT_START.match(chars)
        line.comment = line.label is None and _COMMENT.match(chars) is not None
    return line


def _family(m: re.Match[str]) -> tuple[str, str]:
    """``(family, speaker)`` of a label match."""
    for name in ("a", "b", "c"):
        label = m.group(name)
        if label is not None:
            speaker = label + (m.group(name + "q") or "")
            if label in ("Q",) or label in QUESTION_LABELS:
                return "q", speaker
            if label in ("A",) or label in ANSWER_LABELS:
                return "a", speaker
            return "role", speaker
    raise AssertionError("unreachable")  # pragma: no cover


def _strong(m: re.Match[str]) -> bool:
    """Whether a label starts a turn even in a note with a single speaker."""
    if m.group("a") is not None:
        return True
    label = m.group("b") or m.group("c")
    return label in ("Q", "A") or label in STRONG_LABELS


def _lines(text: str) -> list[_Line]:
    out = []
    begin = 0
    while begin <= len(text):
        stop = text.find("\n", begin)
        stop = len(text) if stop < 0 else stop
        out.append(_classify(text, begin, stop))
        begin = stop + 1
    return out


def _turns(line: _Line) -> list[_Open]:
    """The turns started by a labelled line (more than one when labels follow inline)."""
    assert line.label is not None
    marks = [line.label]
    pos = line.label.end()
    while (m := _LABEL_INLINE.search(line.chars, pos)) is not None:
        marks.append(m)
        pos = m.end()
    turns = []
    for k, m in enumerate(marks):
        family, speaker = _family(m)
        stop = marks[k + 1].start() if k + 1 < len(marks) else len(line.chars)
        body = line.chars[m.end():stop].strip()
        start = line.first if k == 0 else line.where[m.start()]
        end = line.where[len(line.chars[:stop].rstrip()) - 1] + 1 if k + 1 < len(marks) else line.last
        turns.append(_Open(family, speaker, [body], start, end))
    return turns


def split_note(text: str) -> list[Segment]:
    """Cut a note's text into paragraphs or transcript turns.

    Parameters
    ----------
    text : str
        A note's body (``bundle.notes.text``).

    Returns
    -------
    list of Segment
        In order, numbered from 1; empty for an empty note. See the module docstring for the
        rules (labels recognised, where a turn ends, markup removed).
    """
    lines = _lines(text)
    speakers = {_family(ln.label)[1] for ln in lines if ln.label is not None}
    if len(speakers) < 2:  # not a dialogue: only the unmistakable labels start turns
        for ln in lines:
            if ln.label is not None and not _strong(ln.label):
                ln.label = None
                ln.comment = _COMMENT.match(ln.chars) is not None
    # whether, after line i, the next labelled line comes before the next heading, rule or comment
    label_ahead = [False] * len(lines)
    ahead = False
    for i in range(len(lines) - 1, -1, -1):
        label_ahead[i] = ahead
        ln = lines[i]
        if ln.label is not None:
            ahead = True
        elif ln.kind in ("heading", "rule") or ln.comment:
            ahead = False

    done: list[_Open] = []
    cur: _Open | None = None
    blank = False

    def close() -> None:
        nonlocal cur
        if cur is not None:
            done.append(cur)
            cur = None

    def paragraph(ln: _Line) -> _Open:
        return _Open("para", "", [ln.chars], ln.first, ln.last)

    for i, ln in enumerate(lines):
        if ln.kind == "blank":
            blank = True
            if cur is not None and cur.family == "para":
                close()
            continue
        if ln.kind == "tablesep":
            continue
        if ln.kind == "rule":
            close()
            blank = False
            continue
        if ln.kind == "heading":
            close()
            done.append(paragraph(ln))
        elif ln.label is not None:
            close()
            *whole, cur = _turns(ln)
            done.extend(whole)
        elif cur is not None and cur.family != "para":
            if not ln.comment and (not blank or label_ahead[i]):
                cur.parts.append(("\n\n" if blank else "\n") + ln.chars)
                cur.end = ln.last
            else:
                close()
                cur = paragraph(ln)
        elif cur is not None and ln.kind != "item" and not ln.comment:
            cur.parts.append("\n" + ln.chars)
            cur.end = ln.last
        else:
            close()
            cur = paragraph(ln)
        blank = False
    close()

    asks = any(s.family == "q" for s in done)
    kinds = {"para": "paragraph", "q": "question", "a": "answer", "role": "answer" if asks else "turn"}
    segments: list[Segment] = []
    for s in done:
        body = "".join(s.parts).strip()
        if body or s.family != "para":
            segments.append(Segment(len(segments) + 1, kinds[s.family], s.speaker, body, s.start, s.end))
    return segments


# ---------------------------------------------------------------------------------------------
# the table


def note_segments(bundle: Any, redactor: Callable[[str], str] | None = None) -> pd.DataFrame:
    """Return every note's segments with their provenance.

    Parameters
    ----------
    bundle : Bundle or DataFrame
        A loaded bundle (its ``notes`` table is used) or a notes table itself.
    redactor : callable, optional
        ``str -> str`` applied to each segment's ``text`` and ``speaker`` after the offsets are
        computed on the original text, e.g. ``lambda t: r.redact(t).text`` with a
        ``casekit.intake.redaction.Redactor``. Without one the text is returned as written:
        **callers that write, show or export segments must pass one.**

    Returns
    -------
    DataFrame
        One row per segment, sorted by note and position, columns ``SEGMENT_COLUMNS``:
        ``segment_id`` (``N005-03``: note id and 2-digit position), ``note_id``, ``position``
        (1-based), ``kind`` (``paragraph`` / ``question`` / ``answer`` / ``turn``), ``speaker``
        (label as written, ``""`` for paragraphs), ``text``, ``start``, ``end`` (offsets into the
        note's ``text``; ``start``/``end`` refer to the unredacted text), then the note's ``date``,
        ``region_id``, ``top_region_id``, ``population``, ``method``, ``interviewee``, ``tags``
        and ``file``.

    Raises
    ------
    TypeError
        If ``redactor`` returns something other than a str (e.g. a redaction result instead of
        its ``.text``).
    """
    notes = bundle.notes if hasattr(bundle, "notes") else bundle
    rows: list[dict[str, Any]] = []
    for note in notes.sort_values("note_id", kind="mergesort").to_dict("records"):
        text = note["text"] if isinstance(note["text"], str) else ""
        for seg in split_note(text):
            seg_text, speaker = seg.text, seg.speaker
            if redactor is not None:
                seg_text = _redacted(redactor, seg_text)
                speaker = _redacted(redactor, speaker) if speaker else speaker
            row = {
                "segment_id": f"{note['note_id']}-{seg.position:02d}",
                "note_id": note["note_id"],
                "position": seg.position,
                "kind": seg.kind,
                "speaker": speaker,
                "text": seg_text,
                "start": seg.start,
                "end": seg.end,
            }
            row.update({c: note.get(c) for c in _NOTE_COLUMNS})
            rows.append(row)
    frame = pd.DataFrame.from_records(rows, columns=[c for c, _ in SEGMENT_COLUMNS])
    for col, dtype in SEGMENT_COLUMNS:
        if dtype == "object":
            frame[col] = frame[col].astype(object)
        elif dtype == "datetime64[ns]":
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        else:
            frame[col] = frame[col].astype(dtype)
    return frame.reset_index(drop=True)


def _redacted(redactor: Callable[[str], str], text: str) -> str:
    out = redactor(text)
    if not isinstance(out, str):
        raise TypeError(f"redactor must return str, not {type(out).__name__} "
                        "(pass e.g. lambda t: r.redact(t).text)")
    return out
