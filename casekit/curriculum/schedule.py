"""The day-by-day timetable of a course: half-day sessions, each a list of timed activities.

:func:`schedule_course` takes a course's modules in teaching order -- plain mappings shaped like
the ``modules`` of ``CourseDesign.to_dict()`` (id, title, days, chapters, topics, toolbox, cases,
roleplays, industries, added_sessions, emphasis) -- and lays them out on half-day sessions
(:class:`SessionPlan`: 180 minutes each by default). A module takes ``days`` x the day's minutes;
modules are packed in order, so a module may run over a session break and share a session with
the next one; every session is filled exactly.

Each module's minutes become activities of six types (:data:`ACTIVITY_TYPES`): short lectures on
the module's topics, one case discussion per case, one role-play per role-play, exercises with the
sales-toolbox items, the trainees' own local problems (本地问题研讨, which the seed calls the
highlight of the course: one block every day) and a quiz/recap closing every day. Every type but
讲授 is interactive.

The seed asks that interactive time be more than half of the course (互动时间超过一半). The
schedule keeps lectures to at most half of every module's share of every session, so every day
is more than half interactive by construction: when a module's cases, role-plays and exercises do
not fill the rest, its topics are also practised in small-group discussions (小组讨论). Only a
module with nothing to practise (chapter headings only) cannot be converted; the session then says
so in :attr:`Session.notes` (plain Chinese) and the computed shares show it -- the schedule never
claims a share its minutes do not have.

The algorithm is deterministic (no randomness, no dependence on dict order beyond the input's).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from casekit.domain import SESSION_MINUTES_RANGE
from casekit.exceptions import CurriculumError
from casekit.language import quoted, tr

__all__ = [
    "ACTIVITY_TYPES",
    "HALVES",
    "INTERACTIVE_TYPES",
    "MIN_INTERACTIVE_SHARE",
    "Activity",
    "Session",
    "SessionPlan",
    "day_shares",
    "module_minutes",
    "schedule_course",
    "schedule_notes",
    "schedule_share",
]

#: The activity types, exactly as the course design writes them.
ACTIVITY_TYPES: tuple[str, ...] = ("讲授", "案例讨论", "角色扮演", "游戏/练习", "本地问题研讨", "测验/复盘")
#: Every type but the lecture.
INTERACTIVE_TYPES: frozenset[str] = frozenset(ACTIVITY_TYPES[1:])
#: The two half-days of a day.
HALVES: tuple[str, str] = ("上午", "下午")
#: seed: 互动时间（包括讨论，练习，体验等）在课程安排中超过一半
MIN_INTERACTIVE_SHARE: float = 0.5

_LECTURE, _CASE, _ROLEPLAY, _PRACTICE, _LOCAL, _RECAP = ACTIVITY_TYPES
_STEP = 5  # every duration is a multiple of five minutes
_SHORTEST = 15  # no activity is shorter
_DAY_STEP = 0.25  # module lengths are on the quarter-day grid
_SESSION_RANGE = SESSION_MINUTES_RANGE  # a half-day's minutes
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

# (shortest, ideal, longest) minutes per kind of content; a case discussion typically takes 45-60
_CASE_MINUTES = (20, 50, 75)
_ROLEPLAY_MINUTES = (20, 45, 75)
_PRACTICE_MINUTES = (15, 30, 60)
_DISCUSSION_MINUTES = (15, 20, 45)  # a topic practised in small groups (conversion of lecture time)
_LECTURE_UNIT = 25  # typical lecture length when topics are grouped
_LECTURE_LONGEST = 60
_LOCAL_LONGEST = 90  # the day's local-problem block may grow to this
_RECAP_LONGEST = 30
_SHORT_GROUP_WORK = 35  # a case or role-play shorter than this is merged with its neighbour
# weights placing the content on the module's sessions (roughly minutes at a comfortable pace)
_WEIGHTS = {_LECTURE: 10, _CASE: 50, _ROLEPLAY: 45, _PRACTICE: 30}
# what a title may already start with (the seed writes 案例分析：…, 讨论：…)
_TITLE_PREFIXES = ("案例分析：", "案例讨论：", "角色扮演：", "讨论：", "练习：")


@dataclass(frozen=True)
class SessionPlan:
    """The lengths (and, for display, the start times) of a day's two half-day sessions.

    Parameters
    ----------
    morning_minutes, afternoon_minutes : int
        Teaching minutes of the morning (上午) and afternoon (下午) sessions: multiples of 5 between
        90 and 300. The manifest may set them; 180 each by default.
    morning_start, afternoon_start : str or None
        ``"HH:MM"`` start times, used only to print clock times (:meth:`Session.times`).

    Raises
    ------
    CurriculumError
        If a length is not a multiple of 5 in [90, 300], a start time is not ``HH:MM``, or the
        afternoon starts before the morning ends.
    """

    morning_minutes: int = 180
    afternoon_minutes: int = 180
    morning_start: str | None = None
    afternoon_start: str | None = None

    def __post_init__(self) -> None:
        lo, hi = _SESSION_RANGE
        for name in ("morning_minutes", "afternoon_minutes"):
            value = getattr(self, name)
            if (not isinstance(value, int) or isinstance(value, bool) or value % _STEP
                    or not lo <= value <= hi):
                raise CurriculumError(tr(
                    f"SessionPlan.{name}：应为 {lo} 到 {hi} 之间、{_STEP} 的整数倍的分钟数，实际为 {value!r}",
                    f"SessionPlan.{name}: expected a whole number of minutes, a multiple of {_STEP} "
                    f"between {lo} and {hi}, found {value!r}"))
        for name in ("morning_start", "afternoon_start"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not _CLOCK.match(value)):
                raise CurriculumError(tr(f"SessionPlan.{name}：应为 HH:MM 格式的时间或 None，实际为 {value!r}",
                                         f"SessionPlan.{name}: expected a time 'HH:MM' or None, found {value!r}"))
        if self.morning_start and self.afternoon_start:
            morning_end = _clock_minutes(self.morning_start) + self.morning_minutes
            if _clock_minutes(self.afternoon_start) < morning_end:
                raise CurriculumError(tr(
                    f"下午开始时间应不早于 {_clock_text(morning_end)}（上午 {self.morning_start} 开始，"
                    f"共 {self.morning_minutes} 分钟），实际为 {self.afternoon_start}",
                    f"SessionPlan.afternoon_start: expected {_clock_text(morning_end)} or later (the morning "
                    f"starts at {self.morning_start} and lasts {self.morning_minutes} minutes), "
                    f"found {self.afternoon_start!r}"))

    @property
    def day_minutes(self) -> int:
        """Teaching minutes of a full day (morning + afternoon)."""
        return self.morning_minutes + self.afternoon_minutes

    def half_minutes(self, half: str) -> int:
        """Minutes of the session ``half`` (``"上午"`` or ``"下午"``)."""
        return self.morning_minutes if half == HALVES[0] else self.afternoon_minutes

    def half_start(self, half: str) -> str | None:
        """Start time of the session ``half``, or None."""
        return self.morning_start if half == HALVES[0] else self.afternoon_start


@dataclass(frozen=True)
class Activity:
    """One timed activity of a session.

    Parameters
    ----------
    kind : str
        One of :data:`ACTIVITY_TYPES` (``type`` in :meth:`to_dict`).
    title : str
        Chinese title taken from the module's content, e.g. ``"案例讨论：华夏宾馆的苦恼"``.
    minutes : int
        Length, a multiple of 5, at least 15.
    module : str
        Id of the module it belongs to.
    """

    kind: str
    title: str
    minutes: int
    module: str

    @property
    def interactive(self) -> bool:
        """Whether the trainees work (every type but 讲授)."""
        return self.kind in INTERACTIVE_TYPES

    def to_dict(self) -> dict[str, Any]:
        """``{"type", "title", "minutes", "interactive", "module"}`` (the course design's shape)."""
        return {"type": self.kind, "title": self.title, "minutes": self.minutes,
                "interactive": self.interactive, "module": self.module}


@dataclass(frozen=True)
class Session:
    """A half-day of the course.

    Parameters
    ----------
    day : int
        Day number, from 1.
    half : str
        ``"上午"`` or ``"下午"``.
    minutes : int
        Its length; the activities' minutes add up to it. The plan's half-day length, except for
        the last session of a course whose length ends inside it.
    activities : tuple of Activity
        In teaching order.
    start : str or None
        ``"HH:MM"`` when the plan gives start times.
    notes : tuple of str
        Plain-Chinese remarks a consultant must read (e.g. why a day is less than half
        interactive); not part of :meth:`to_dict`.
    """

    day: int
    half: str
    minutes: int
    activities: tuple[Activity, ...]
    start: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def interactive_minutes(self) -> int:
        """Minutes of the interactive activities."""
        return sum(a.minutes for a in self.activities if a.interactive)

    def times(self) -> tuple[tuple[str, str], ...]:
        """``("HH:MM", "HH:MM")`` start and end of every activity; empty without a start time."""
        if self.start is None:
            return ()
        clock = _clock_minutes(self.start)
        out = []
        for a in self.activities:
            out.append((_clock_text(clock), _clock_text(clock + a.minutes)))
            clock += a.minutes
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """``{"day", "half", "minutes", "activities": [...]}`` exactly as the course design writes it.

        With a start time (the manifest's ``morning_start`` / ``afternoon_start``) the session and
        each activity also get ``"start"`` and ``"end"`` (``"HH:MM"``).
        """
        activities = [a.to_dict() for a in self.activities]
        out: dict[str, Any] = {"day": self.day, "half": self.half, "minutes": self.minutes}
        times = self.times()
        if times:
            for activity, (start, end) in zip(activities, times):
                activity.update(start=start, end=end)
            clock = _clock_minutes(self.start)  # type: ignore[arg-type]
            out.update(start=self.start, end=_clock_text(clock + self.minutes))
        out["activities"] = activities
        return out


# --------------------------------------------------------------------------------------------
# summaries


def schedule_share(sessions: Iterable[Session]) -> float:
    """Share of the course's minutes that are interactive, computed from the activities.

    Parameters
    ----------
    sessions : iterable of Session

    Returns
    -------
    float
        Between 0 and 1 (0 for an empty schedule).
    """
    sessions = tuple(sessions)
    total = sum(s.minutes for s in sessions)
    return sum(s.interactive_minutes for s in sessions) / total if total else 0.0


def day_shares(sessions: Iterable[Session]) -> dict[int, float]:
    """Interactive share of every day, computed from the activities.

    Parameters
    ----------
    sessions : iterable of Session

    Returns
    -------
    dict of int to float
        Day number → share of that day's minutes that are interactive, in day order.
    """
    minutes: dict[int, list[int]] = {}
    for s in sessions:
        acc = minutes.setdefault(s.day, [0, 0])
        acc[0] += s.interactive_minutes
        acc[1] += s.minutes
    return {day: (i / t if t else 0.0) for day, (i, t) in sorted(minutes.items())}


def module_minutes(sessions: Iterable[Session]) -> dict[str, int]:
    """Minutes each module actually received, in order of first appearance."""
    out: dict[str, int] = {}
    for s in sessions:
        for a in s.activities:
            out[a.module] = out.get(a.module, 0) + a.minutes
    return out


def schedule_notes(sessions: Iterable[Session]) -> tuple[str, ...]:
    """Every session's notes, in course order (plain Chinese; empty when nothing needs saying)."""
    return tuple(note for s in sessions for note in s.notes)


# --------------------------------------------------------------------------------------------
# input


@dataclass(frozen=True)
class _Spec:
    """A module mapping, read and checked."""

    module_id: str
    title: str
    days: float
    chapters: tuple[str, ...]
    topics: tuple[str, ...]
    toolbox: tuple[str, ...]
    cases: tuple[str, ...]
    roleplays: tuple[str, ...]
    industries: tuple[str, ...]
    added: tuple[str, ...]
    emphasis: tuple[str, ...]


def _titles(module: Mapping[str, Any], key: str, label_key: str, where: str) -> tuple[str, ...]:
    """``module[key]`` as texts: plain strings, or mappings whose ``label_key`` is the text."""
    value = module.get(key) or ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise CurriculumError(tr(f"{where}，键 {key}：应为列表，实际为 {value!r}",
                                 f"{where}, key {key!r}: expected a list, found {value!r}"))
    out = []
    for item in value:
        text = item.get(label_key) if isinstance(item, Mapping) else item
        if not isinstance(text, str) or not text.strip():
            raise CurriculumError(tr(
                f"{where}，键 {key}：应为文字，或含有非空 {label_key} 的映射，实际为 {item!r}",
                f"{where}, key {key!r}: expected texts or mappings with a non-empty {label_key!r}, found {item!r}"))
        out.append(text.strip())
    return tuple(out)


def _read_module(module: Any, index: int) -> _Spec:
    where = tr(f"第 {index + 1} 个模块", f"module #{index + 1}")
    if not isinstance(module, Mapping):
        raise CurriculumError(tr(f"{where}：应为映射（课程设计中的模块），实际为 {module!r}",
                                 f"{where}: expected a mapping (the course design's module), found {module!r}"))
    module_id = module.get("id")
    if not isinstance(module_id, str) or not module_id:
        raise CurriculumError(tr(f"{where}，键 id：应为非空文字，实际为 {module_id!r}",
                                 f"{where}, key 'id': expected a non-empty text, found {module_id!r}"))
    where = tr(f"模块{quoted(module_id)}", f"module {module_id!r}")
    title = module.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CurriculumError(tr(f"{where}，键 title：应为非空文字，实际为 {title!r}",
                                 f"{where}, key 'title': expected a non-empty text, found {title!r}"))
    days = module.get("days")
    if (not isinstance(days, (int, float)) or isinstance(days, bool) or not math.isfinite(days) or days <= 0
            or abs(days / _DAY_STEP - round(days / _DAY_STEP)) > 1e-9):
        raise CurriculumError(tr(
            f"{where}，键 days：应为 {_DAY_STEP:g} 天的正整数倍，实际为 {days!r}",
            f"{where}, key 'days': expected a positive multiple of {_DAY_STEP:g} days, found {days!r}"))
    return _Spec(
        module_id=module_id,
        title=title.strip(),
        days=float(days),
        chapters=_titles(module, "chapters", "title", where),
        topics=_titles(module, "topics", "title", where),
        toolbox=_titles(module, "toolbox", "title", where),
        cases=_titles(module, "cases", "title", where),
        roleplays=_titles(module, "roleplays", "title", where),
        industries=_titles(module, "industries", "label", where),
        added=_titles(module, "added_sessions", "title", where),
        emphasis=_titles(module, "emphasis", "text", where),
    )


# --------------------------------------------------------------------------------------------
# content → activities to be timed


#: Title prefix of a small-group discussion of lectured topics.
_DISCUSSION_PREFIX = "小组讨论："


@dataclass
class _Item:
    """An activity being planned: its content, bounds and (once fitted) minutes."""

    kind: str
    prefix: str
    titles: list[str]
    order: float
    lo: int
    ideal: int
    hi: int
    convertible: bool = False  # lecture on topics that can also be practised in small groups
    fixed: bool = False  # the day's local-problem block or recap
    continued: bool = False
    minutes: int = 0

    @property
    def title(self) -> str:
        if self.prefix == _DISCUSSION_PREFIX and self.titles:
            # the lecture before it lists the topics; the discussion says what the groups do
            first = self.titles[0]
            more = f"等 {len(self.titles)} 个要点" if len(self.titles) > 1 else ""
            return f"{self.prefix}结合本地区实际讨论「{first}」{more}" + ("（续）" if self.continued else "")
        text = "；".join(self.titles)
        if len(self.titles) > 1 and self.kind in (_CASE, _ROLEPLAY):
            text += "（分组并行）"
        return f"{self.prefix}{text}" + ("（续）" if self.continued else "")


def _strip(title: str) -> str:
    for prefix in _TITLE_PREFIXES:
        if title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix):]
    return title


def _atoms(spec: _Spec) -> list[_Item]:
    """The module's content in teaching order: lecture topics with the practice woven in."""
    case_titles = {_strip(c) for c in spec.cases}
    sequence: list[_Item] = []
    # the seed's topic bullets (and the chosen industries) can also be practised in small groups;
    # chapter headings alone cannot
    texts = [(t, True) for t in spec.topics]
    for label in spec.industries:
        chapter = next((c for c in spec.chapters if label in c), None)
        texts.append((chapter if chapter else f"{label}行业解决方案销售", True))
    if not texts:
        texts = [(c, False) for c in spec.chapters] or [(spec.title, False)]
    for text, convertible in texts:
        if _strip(text) in case_titles:
            continue  # the seed lists some discussions both as a topic and as a case
        if text.startswith("讨论：") or "案例" in text:
            lo, ideal, hi = _PRACTICE_MINUTES
            sequence.append(_Item(_PRACTICE, "练习：", [_strip(text)], 0, lo, ideal, hi))
        else:
            sequence.append(_Item(_LECTURE, "讲授：", [text], 0, _SHORTEST, 10, _LECTURE_LONGEST,
                                  convertible=convertible))
    practice = (
        [_Item(_CASE, "案例讨论：", [_strip(t)], 0, *_CASE_MINUTES) for t in spec.cases]
        + [_Item(_ROLEPLAY, "角色扮演：", [_strip(t)], 0, *_ROLEPLAY_MINUTES) for t in spec.roleplays]
        + [_Item(_PRACTICE, "练习：运用", [t], 0, *_PRACTICE_MINUTES) for t in spec.toolbox]
        + [_Item(_PRACTICE, "强化练习：", [t], 0, *_PRACTICE_MINUTES) for t in spec.emphasis]
    )
    # weave: practice item j after lecture position round((j + 1) * n / (m + 1))
    n, m = len(sequence), len(practice)
    woven: list[_Item] = []
    slots: dict[int, list[_Item]] = {}
    for j, item in enumerate(practice):
        slots.setdefault(math.floor((j + 1) * n / (m + 1) + 0.5), []).append(item)
    for i in range(n + 1):
        woven.extend(slots.get(i, []))
        if i < n:
            woven.append(sequence[i])
    for title in spec.added:  # a session added for a weakness no module trains: explain, then practise
        woven.append(_Item(_LECTURE, "讲授：", [title], 0, _SHORTEST, 15, _LECTURE_LONGEST, convertible=True))
        woven.append(_Item(_PRACTICE, "专题练习：", [title], 0, *_PRACTICE_MINUTES))
    for k, item in enumerate(woven):
        item.order = float(k)
    return woven


# --------------------------------------------------------------------------------------------
# timeline: sessions and the modules' pieces of them


@dataclass
class _Chunk:
    """The part of one session a module occupies."""

    session: int
    module: int
    minutes: int
    fixed: list[_Item] = field(default_factory=list)  # local problems / recap placed here
    atoms: list[_Item] = field(default_factory=list)
    spare: _Item | None = None  # the module's nearest practice, to carry on when nothing else is left

    @property
    def free(self) -> int:
        return self.minutes - sum(i.minutes for i in self.fixed)


def _round5(x: float) -> int:
    return int(math.floor(x / _STEP + 0.5 + 1e-9)) * _STEP


def _timeline(specs: Sequence[_Spec], plan: SessionPlan
              ) -> tuple[list[tuple[int, str, int]], list[_Chunk], list[str]]:
    """Sessions ``(day, half, minutes)`` and the chunks, every chunk at least 15 minutes."""
    notes: list[str] = []
    day = plan.day_minutes
    cum, bounds = 0.0, [0]
    for spec in specs:
        cum += spec.days
        bounds.append(_round5(cum * day))
    total = bounds[-1]
    sessions: list[list[Any]] = []  # [day, half, start, minutes]
    start, d = 0, 1
    while start < total:
        for half in HALVES:
            if start >= total:
                break
            length = min(plan.half_minutes(half), total - start)
            sessions.append([d, half, start, length])
            start += length
        d += 1
    if len(sessions) > 1 and sessions[-1][3] < _SHORTEST:
        last = sessions.pop()
        sessions[-1][3] += last[3]
        notes.append(f"课程最后只剩{last[3]}分钟，不足一节活动，已并入第{sessions[-1][0]}天{sessions[-1][1]}。")
    chunks: list[_Chunk] = []
    for s, (_, _, s_start, s_len) in enumerate(sessions):
        s_end = s_start + s_len
        pieces = []
        for k in range(len(specs)):
            overlap = min(s_end, bounds[k + 1]) - max(s_start, bounds[k])
            if overlap > 0:
                pieces.append(_Chunk(s, k, overlap))
        if s == len(sessions) - 1 and s_end > total:  # the merged tail belongs to the last module
            pieces[-1].minutes += s_end - total
        # a piece too short for one activity goes to its neighbour in the same session
        while len(pieces) > 1 and min(p.minutes for p in pieces) < _SHORTEST:
            i = min(range(len(pieces)), key=lambda j: (pieces[j].minutes, j))
            neighbour = i - 1 if i > 0 else i + 1
            pieces[neighbour].minutes += pieces[i].minutes
            pieces.pop(i)
        chunks.extend(pieces)
    return [(d_, h, m) for d_, h, _, m in sessions], chunks, notes


def _reserve_day_items(sessions: Sequence[tuple[int, str, int]], chunks: list[_Chunk],
                       specs: Sequence[_Spec], notes_by_session: dict[int, list[str]]) -> None:
    """Place each day's 本地问题研讨 and closing 测验/复盘 in the day's chunks."""
    days: dict[int, list[_Chunk]] = {}
    for c in chunks:
        days.setdefault(sessions[c.session][0], []).append(c)
    for d, day_chunks in days.items():
        day_minutes = sum(c.minutes for c in day_chunks)
        taught = list(dict.fromkeys(specs[c.module].title for c in day_chunks))
        last = day_chunks[-1]
        recap = 20 if day_minutes >= 240 else _SHORTEST
        recap = min(recap, last.minutes)
        if 0 < last.minutes - recap < _SHORTEST:
            recap = last.minutes if last.minutes <= _RECAP_LONGEST else last.minutes - _SHORTEST
        last.fixed.append(_Item(_RECAP, "测验/复盘：", [f"第{d}天要点（{'、'.join(taught)}）"], 1e9,
                                recap, recap, _RECAP_LONGEST, fixed=True, minutes=recap))

        def module_free_elsewhere(c: _Chunk) -> int:
            return sum(o.free for o in chunks if o.module == c.module and o is not c)

        placed = False
        for local in ((45, 30, _SHORTEST) if day_minutes >= 240 else (30, _SHORTEST)):
            for c in reversed(day_chunks):
                rest = c.free - local
                if rest >= _SHORTEST or (rest == 0 and module_free_elsewhere(c) >= _SHORTEST):
                    c.fixed.insert(0, _Item(_LOCAL, "本地问题研讨：", [f"学员带来的实际问题（{specs[c.module].title}）"],
                                            1e9 - 1, local, local, _LOCAL_LONGEST, fixed=True, minutes=local))
                    placed = True
                    break
            if placed:
                break
        if not placed:
            notes_by_session.setdefault(last.session, []).append(
                f"第{d}天只有{day_minutes}分钟，排不下本地问题研讨（学员带来的实际问题）。")


def _assign(chunks: list[_Chunk], specs: Sequence[_Spec]) -> None:
    """Spread each module's content over its chunks, in order, in proportion to their free minutes."""
    for k, spec in enumerate(specs):
        mine = [c for c in chunks if c.module == k and c.free >= _SHORTEST]
        if not mine:
            mine = [max((c for c in chunks if c.module == k), key=lambda c: c.free)]
        atoms = _atoms(spec)
        weights = [_WEIGHTS[a.kind] for a in atoms]
        total_w = sum(weights) or 1
        capacity = sum(c.free for c in mine) or 1
        edges, acc = [], 0
        for c in mine:
            acc += c.free
            edges.append(acc / capacity)
        before = 0.0
        for atom, w in zip(atoms, weights):
            position = (before + w / 2) / total_w
            before += w
            target = next((i for i, e in enumerate(edges) if position < e), len(mine) - 1)
            mine[target].atoms.append(atom)
        for i, c in enumerate(mine):  # no chunk of the module is left without content
            if c.atoms or c.free < _SHORTEST:
                continue
            donors = [j for j in (i - 1, i + 1) if 0 <= j < len(mine) and len(mine[j].atoms) > 1]
            if donors:
                j = donors[0]
                c.atoms.append(mine[j].atoms.pop(-1 if j < i else 0))
                continue
            # nothing to spare: the neighbouring activity carries on (…（续）)
            j = next(j for j in (i - 1, i + 1, *range(len(mine))) if 0 <= j < len(mine) and mine[j].atoms)
            t = mine[j].atoms[-1 if j < i else 0]
            c.atoms.append(_Item(t.kind, t.prefix, list(t.titles), t.order, _SHORTEST, t.ideal, t.hi,
                                 t.convertible, continued=True))
        practice = [a for a in atoms if a.kind != _LECTURE]
        for c in mine:
            if practice and c.atoms:
                first = c.atoms[0].order
                c.spare = min(practice, key=lambda a: (abs(a.order - first), a.order > first))


# --------------------------------------------------------------------------------------------
# fitting one chunk


def _merge(items: list[_Item], a: int, b: int) -> None:
    """Merge ``items[b]`` into ``items[a]`` (parallel groups for cases and role-plays)."""
    first, second = items[a], items.pop(b)
    if second.prefix != first.prefix:  # the merged activity names all it holds, with their own kinds
        first.titles = [first.title, second.title]
        first.prefix = ""
    else:
        first.titles.extend(second.titles)
    first.order = min(first.order, second.order)
    if first.kind == _LECTURE:
        first.ideal = min(_LECTURE_LONGEST, first.ideal + second.ideal)
        first.convertible = first.convertible or second.convertible
    else:
        first.lo, first.ideal, first.hi = (max(first.lo, second.lo), max(first.ideal, second.ideal),
                                           max(first.hi, second.hi))


def _merge_one(items: list[_Item], kinds: Sequence[str], *, shortest: bool = False) -> bool:
    """Merge two neighbours (in the list order of their kind) of the kind with most items."""
    best = None
    for kind in kinds:
        idx = [i for i, it in enumerate(items) if it.kind == kind and not it.fixed]
        if len(idx) < 2:
            continue
        pairs = list(zip(idx, idx[1:]))
        pair = min(pairs, key=lambda p: (items[p[0]].minutes + items[p[1]].minutes, p)) if shortest else pairs[0]
        if best is None or len(idx) > best[0]:
            best = (len(idx), pair)
    if best is None:
        return False
    _merge(items, *best[1])
    return True


def _lecture_units(topics: list[_Item], budget: int) -> list[_Item]:
    """Group the chunk's lecture topics into lectures of about 25 minutes within ``budget``."""
    if not topics:
        return []
    groups = min(len(topics), max(1, budget // _LECTURE_UNIT))
    units: list[_Item] = []
    for g in range(groups):
        part = topics[g * len(topics) // groups:(g + 1) * len(topics) // groups]
        unit = _Item(_LECTURE, part[0].prefix, [t for p in part for t in p.titles], part[0].order, _SHORTEST,
                     0, _LECTURE_LONGEST, convertible=any(p.convertible for p in part),
                     continued=part[0].continued)
        unit.ideal = max(_SHORTEST, min(45, sum(p.ideal for p in part)))
        unit.lo = max(_SHORTEST, min(30, _STEP * len(unit.titles)))  # about five minutes a topic at least
        units.append(unit)
    return units


def _grow(items: list[_Item], free: int, select: Any, limit: Any, lecture_cap: int | None) -> None:
    """Add five minutes at a time, round robin, to the selected items up to their limit."""
    total = sum(i.minutes for i in items)
    lecture = sum(i.minutes for i in items if i.kind == _LECTURE)
    progress = True
    while total < free and progress:
        progress = False
        for it in items:
            if total >= free:
                break
            if not select(it) or it.minutes + _STEP > limit(it):
                continue
            if it.kind == _LECTURE and lecture_cap is not None and lecture + _STEP > lecture_cap:
                continue
            it.minutes += _STEP
            total += _STEP
            lecture += _STEP if it.kind == _LECTURE else 0
            progress = True


def _fit(chunk: _Chunk) -> bool:
    """Time the chunk's activities so they fill it exactly; False when lectures exceed half of it."""
    # lectures under half of the chunk (seed: 互动时间超过一半); a chunk too short for that keeps the
    # old bound, half, so that a short remainder of a module is not left without its lecture
    strict = ((chunk.minutes + 1) // 2 - 1) // _STEP * _STEP
    cap = strict if strict >= _SHORTEST else (chunk.minutes // 2) // _STEP * _STEP
    free = chunk.free
    for f in chunk.fixed:
        f.minutes = f.lo
    practice = [a for a in chunk.atoms if a.kind != _LECTURE]
    topics = [a for a in chunk.atoms if a.kind == _LECTURE]
    if free <= 0:
        chunk.atoms = []
        return True
    for _ in range(200):
        items = [_copy(p) for p in practice]
        p_lo = sum(p.lo for p in items)
        budget = min(cap, free - p_lo)
        lectures: list[_Item] = []
        if topics:
            if budget >= _SHORTEST or not any(t.convertible for t in topics):
                lectures = _lecture_units([_copy(t) for t in topics], max(budget, _SHORTEST))
            else:  # no room to lecture: the topics are worked on in small groups instead
                lo, ideal, hi = _DISCUSSION_MINUTES
                items.append(_Item(_PRACTICE, _DISCUSSION_PREFIX, [x for t in topics for x in t.titles], topics[0].order,
                                   lo, ideal, hi))
        items = sorted(items + lectures, key=lambda it: it.order)
        # too much content for the time: merge neighbours of a kind, then shorten to the floor
        while sum(i.lo for i in items) > free:
            if _merge_one(items, (_PRACTICE, _CASE, _ROLEPLAY, _LECTURE)):
                continue
            if any(i.lo > _SHORTEST for i in items):
                for i in items:
                    i.lo = _SHORTEST
                continue
            while len(items) > 1:  # last resort: one activity holding everything
                _merge(items, 0, 1)
            items[0].lo = _SHORTEST
            break
        for i in items:
            i.minutes = i.lo
        is_practice = lambda i: i.kind != _LECTURE  # noqa: E731
        is_lecture = lambda i: i.kind == _LECTURE  # noqa: E731
        _grow(items, free, is_practice, lambda i: i.ideal, cap)
        _grow(items, free, is_lecture, lambda i: i.ideal, cap)
        _grow(items, free, is_practice, lambda i: i.hi, cap)
        _grow(items, free, is_lecture, lambda i: i.hi, cap)
        # group work too short to be worth it: run two of them in parallel groups and refit
        short = [i for i in items if i.kind in (_CASE, _ROLEPLAY) and i.minutes < _SHORT_GROUP_WORK]
        if short and any(sum(1 for i in practice if i.kind == s.kind) >= 2 for s in short):
            kinds = [k for k in (_CASE, _ROLEPLAY) if any(s.kind == k for s in short)]
            if _merge_one(practice, kinds, shortest=False):
                continue
        break
    # the rest of the time: practise the lectured topics in small groups (converting lecture time)
    remaining = free - sum(i.minutes for i in items)
    for unit in [i for i in items if i.kind == _LECTURE and i.convertible]:
        if remaining < _SHORTEST:
            break
        lo, ideal, hi = _DISCUSSION_MINUTES
        items.append(_Item(_PRACTICE, _DISCUSSION_PREFIX, list(unit.titles), unit.order + 0.5, lo, ideal, hi,
                           minutes=lo))
        remaining -= lo
    items.sort(key=lambda it: it.order)
    _grow(items, free, lambda i: i.kind != _LECTURE, lambda i: i.hi, cap)
    remaining = free - sum(i.minutes for i in items)
    if remaining > 0 and chunk.spare is not None and all(i.kind == _LECTURE for i in items):
        # only chapter headings here: the module's nearest exercise carries on instead of more lecture
        t = chunk.spare
        extra = _Item(t.kind, t.prefix, list(t.titles), max(i.order for i in items) + 0.5, _SHORTEST, t.ideal,
                      t.hi, continued=True, minutes=remaining)
        for lecture in reversed(items):
            while extra.minutes < _SHORTEST and lecture.minutes - _STEP >= lecture.lo:
                lecture.minutes -= _STEP
                extra.minutes += _STEP
        if extra.minutes >= _SHORTEST:
            items.append(extra)
    fixed = chunk.fixed
    whole = items + fixed
    _grow(whole, chunk.minutes, lambda i: i.fixed, lambda i: i.hi, None)
    _grow(whole, chunk.minutes, lambda i: i.kind != _LECTURE and not i.fixed, lambda i: chunk.minutes, None)
    # nothing left to practise: the rest can only be lecture (said by the caller)
    _grow(whole, chunk.minutes, lambda i: i.kind == _LECTURE, lambda i: chunk.minutes, None)
    _grow(whole, chunk.minutes, lambda i: True, lambda i: chunk.minutes, None)
    chunk.atoms = items
    return sum(i.minutes for i in items if i.kind == _LECTURE) <= cap


def _copy(item: _Item) -> _Item:
    return _Item(item.kind, item.prefix, list(item.titles), item.order, item.lo, item.ideal, item.hi,
                 item.convertible, item.fixed, item.continued, item.minutes)


# --------------------------------------------------------------------------------------------
# public API


def schedule_course(modules: Sequence[Mapping[str, Any]], plan: SessionPlan = SessionPlan()
                    ) -> tuple[Session, ...]:
    """Lay a course's modules out on half-day sessions of timed activities.

    Parameters
    ----------
    modules : sequence of mapping
        The modules in teaching order, shaped like ``CourseDesign.to_dict()["modules"]``: ``id``,
        ``title``, ``days`` (a positive multiple of 0.25) and optionally ``chapters``, ``topics``,
        ``toolbox`` (texts), ``cases``, ``roleplays``, ``added_sessions`` (mappings with a
        ``title``, or texts), ``industries`` (mappings with a ``label``, or texts) and ``emphasis``
        (texts). Other keys are ignored.
    plan : SessionPlan, optional
        The half-day lengths (180 minutes each by default).

    Returns
    -------
    tuple of Session
        Day 1 上午, day 1 下午, day 2 上午, … . The sessions' minutes add up to the course's days x
        the day's minutes (rounded to 5 minutes); every module keeps its ``days`` x the day's
        minutes, give or take less than 15 minutes where a piece of a session would be too short
        for one activity (never with the default plan). Every activity lasts a multiple of 5 and
        at least 15 minutes; every case and role-play of a module is discussed in its time (two
        may share an activity as parallel groups when time is short); every day has a
        本地问题研讨 block and ends with a 测验/复盘. Every day is more than half interactive,
        unless a module has nothing to practise: then the day's last session says why in its
        ``notes``.

    Raises
    ------
    CurriculumError
        If ``modules`` is empty or a module lacks an id, a title or a valid length, or a content
        list is not a list of texts.

    Examples
    --------
    >>> sessions = schedule_course([{"id": "m", "title": "电信的转型", "days": 0.5,
    ...                               "topics": ["转型对客户经理的挑战"]}])
    >>> [(s.day, s.half, s.minutes) for s in sessions]
    [(1, '上午', 180)]
    """
    if isinstance(modules, (str, bytes, Mapping)) or not isinstance(modules, Sequence) or not modules:
        raise CurriculumError(tr(f"schedule_course：应为非空的模块列表，实际为 {modules!r}",
                                 f"schedule_course: expected a non-empty list of modules, found {modules!r}"))
    if not isinstance(plan, SessionPlan):
        raise CurriculumError(tr(f"schedule_course：应为 SessionPlan，实际为 {plan!r}",
                                 f"schedule_course: expected a SessionPlan, found {plan!r}"))
    specs = [_read_module(m, i) for i, m in enumerate(modules)]
    ids = [s.module_id for s in specs]
    if len(set(ids)) != len(ids):
        raise CurriculumError(tr(f"schedule_course：模块编号不能重复，实际为 {'、'.join(ids)}",
                                 f"schedule_course: expected distinct module ids, found {ids}"))
    sessions, chunks, course_notes = _timeline(specs, plan)
    notes: dict[int, list[str]] = {}
    if course_notes:
        notes.setdefault(len(sessions) - 1, []).extend(course_notes)
    _reserve_day_items(sessions, chunks, specs, notes)
    _assign(chunks, specs)
    unconvertible: dict[int, list[str]] = {}
    for c in chunks:
        if not _fit(c):
            unconvertible.setdefault(sessions[c.session][0], []).append(specs[c.module].title)

    built: list[Session] = []
    for s, (day, half, minutes) in enumerate(sessions):
        acts: list[Activity] = []
        for c in (c for c in chunks if c.session == s):
            for it in c.atoms + c.fixed:
                acts.append(Activity(it.kind, it.title, it.minutes, specs[c.module].module_id))
        built.append(Session(day, half, minutes, tuple(acts), plan.half_start(half)))
    # a day not over half interactive is said, with its reason, on the day's last session
    for day, share in day_shares(built).items():
        if share > MIN_INTERACTIVE_SHARE + 1e-9:
            continue
        last = max(i for i, (d, _, _) in enumerate(sessions) if d == day)
        lacking = "、".join(f"「{t}」" for t in dict.fromkeys(unconvertible.get(day, [])))
        reason = (f"模块{lacking}只有章节标题，没有案例、角色扮演、练习或可分组讨论的要点，讲授时间无法改为练习；"
                  "请为它补充案例或练习" if lacking else "这一天太短，排不下足够的练习")
        notes.setdefault(last, []).append(
            f"第{day}天互动时间只占{math.floor(share * 100)}%，未超过一半（本培训方法要求互动时间超过一半）：{reason}。")
    return tuple(
        Session(s.day, s.half, s.minutes, s.activities, s.start, tuple(notes.get(i, ()))) for i, s in enumerate(built)
    )


def _clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
