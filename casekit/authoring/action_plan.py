"""30/60/90-day action plans per account-manager behaviour type (issue 16, after the course).

The seed fights training that changes nothing ("培训后一动不动"). After the course, every account
manager of a region gets **three core actions** (the region's focus) and each behaviour type a few
actions of its own (at most ``max_type_actions`` rows over days 1–30, 31–60 and 61–90). Every action
names the method learned in class (找伤口—揭伤口—撒盐—抹药, 价值金三角, 隐性销售 …), the sales-toolbox
table it uses, and its own sign: what a sales manager sees or hears on a joint visit (陪访) when it
works, tied to the ride-along behaviour the next follow-up wave measures.

**After a follow-up** (:func:`followup_focus` of :func:`casekit.analysis.evaluate_followup`), the
plan is "the next ninety days": behaviours the evaluation claims improved (``claimed`` in the good
direction, reliable, not hidden) are kept, never new habits; the core is the behaviours that did not
improve and are furthest from good at the wave; the joint-visit target is set from the coaching log
(:class:`CoachingTarget`). Without a follow-up the plan is built from the baseline: the core is what
most types need.

Types are named neutrally by rule from their profile (``type_names`` of the rules: 价格推动型,
技术讲解型 …), each with what a manager sees on a visit to recognise it. Plans are built from a
type's **profile**, never from the sample's ids. The rules live in ``action_plan.yaml`` beside this
module (:func:`load_action_rules`; ``docs/action-plans.md``), so a consultant edits words, not code.

When the segmentation finds no clear types, one plan is built for all account managers of the
region from the weaknesses the region's course design names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from casekit.authoring.toolbox import TITLES, table_title
from casekit.curriculum.composition import DIMENSION_TOPICS
from casekit.curriculum.design import CourseDesign, ModuleDesign
from casekit.domain import BEHAVIOUR_SKILL, BEHAVIOURS, DIMENSIONS, MIN_CELL_SIZE, POPULATION_DIMENSIONS
from casekit.exceptions import ActionPlanRulesError, Problem
from casekit.language import tr
from casekit.intake.config import Each, Keyed, ProblemLog, Schema, load_config
from casekit.privacy.disclosure import is_suppressed

__all__ = [
    "CORE",
    "DISTINCT_Z",
    "PERIODS",
    "RULES_FILE",
    "ActionPlan",
    "ActionPlanRulesError",
    "ActionRules",
    "BehaviourChange",
    "CoachingTarget",
    "FollowUpFocus",
    "PlanAction",
    "Sign",
    "Theme",
    "TypeProfile",
    "action_plans",
    "coaching_target",
    "followup_focus",
    "load_action_rules",
    "type_profiles",
]

#: The three periods of a plan, in order → their Chinese heading.
PERIODS: Mapping[str, str] = {"day30": "第1～30天", "day60": "第31～60天", "day90": "第61～90天"}
#: ``period`` and ``type_key`` of the core actions every account manager does for ninety days.
CORE = "core"
#: The packaged rules file, beside this module.
RULES_FILE = "action_plan.yaml"
#: A profile value this many standard deviations from all account managers distinguishes a type
#: (the segmentation's own threshold, :data:`casekit.analysis.segments.DISTINCT_Z`).
DISTINCT_Z: float = 0.5
_DEFAULT_KINDS = ("fill", "strong")
_ALL_TYPES = "all"
_TARGET = "{target}"


# -- the rules file -----------------------------------------------------------------------------


class _ActionSchema(Schema):
    do: Any = None
    table: Any = None
    method: Any = None
    behaviour: Any = None
    sign: Any = None


class _ThemeSchema(Schema):
    id: Any = None
    title: Any = None
    dimension: Any = None
    behaviours: Any = None
    default: Any = None
    day30: _ActionSchema | Any = None
    day60: _ActionSchema | Any = None
    day90: _ActionSchema | Any = None


class _SignSchema(Schema):
    card: Any = None


class _TypeNameSchema(Schema):
    name: Any = None
    behaviours: Any = None
    recognise: Any = None


class _TableSchema(Schema):
    ask: Any = None


class _StepSchema(Schema):
    every_weeks: Any = None
    text: Any = None


class _CoachingSchema(Schema):
    steps: Each[_StepSchema] | None = None
    default: Any = None


class _RhythmSchema(Schema):
    when: Any = None
    what: Any = None


class _RecordSchema(Schema):
    what: Any = None
    how: Any = None


class _RulesSchema(Schema):
    core_count: Any = None
    max_type_actions: Any = None
    max_type_themes: Any = None
    card_items: Any = None
    observable: Any = None
    vague: Any = None
    methods: Any = None
    signs: Keyed[_SignSchema] | None = None
    type_names: Each[_TypeNameSchema] | None = None
    fallback_name: Any = None
    core: Each[_ActionSchema] | None = None
    themes: Each[_ThemeSchema] | None = None
    tables: Keyed[_TableSchema] | None = None
    coaching: _CoachingSchema | None = None
    rhythm: Each[_RhythmSchema] | None = None
    records: Each[_RecordSchema] | None = None


@dataclass(frozen=True)
class Sign:
    """What a sales manager sees on a joint visit when an action works.

    Attributes
    ----------
    behaviour : str
        A :data:`casekit.domain.BEHAVIOURS` id: the ride-along behaviour the next wave measures.
    direction : int
        +1: the behaviour should be seen more often; −1: less often; 0: neither
        (:data:`casekit.domain.BEHAVIOUR_SKILL`).
    text : str
        The sign of this action, in plain Chinese, observable on a joint visit.
    card : str
        The behaviour's item on the joint-visit record card.
    """

    behaviour: str
    direction: int
    text: str
    card: str = ""

    @property
    def label(self) -> str:
        """The behaviour's Chinese label (as the ride-along records name it)."""
        return BEHAVIOURS[self.behaviour].label

    @property
    def watch(self) -> str:
        """What to look for on the joint visit (the card's item)."""
        return self.card or self.text

    @property
    def measure(self) -> str:
        """How the follow-up wave's ride-alongs measure it, in Chinese (``随访记录中“…”应减少``)."""
        if self.direction > 0:
            return f"随访记录中“{self.label}”应更常见"
        if self.direction < 0:
            return f"随访记录中“{self.label}”应减少"
        return f"随访记录中“{self.label}”"


@dataclass(frozen=True)
class Action:
    """One action of the rules file (a theme's period, or a core candidate)."""

    do: str
    table: str
    method: str
    behaviour: str
    sign: str


@dataclass(frozen=True)
class Theme:
    """One coaching theme of the rules file: when it applies and its action per period."""

    id: str
    title: str
    dimension: str
    behaviours: tuple[str, ...]
    default: str | None
    actions: Mapping[str, Action]


@dataclass(frozen=True)
class TypeName:
    """A neutral type name, the behaviours that earn it and how a manager recognises it."""

    name: str
    behaviours: tuple[str, ...]
    recognise: str


@dataclass(frozen=True)
class ActionRules:
    """The parsed rules file (:func:`load_action_rules`); see the comment at its top."""

    core_count: int
    max_type_actions: int
    max_type_themes: int
    card_items: int
    observable: tuple[str, ...]
    vague: tuple[str, ...]
    methods: Mapping[str, str]
    cards: Mapping[str, str]
    type_names: tuple[TypeName, ...]
    fallback_name: str
    core: tuple[Action, ...]
    themes: tuple[Theme, ...]
    tables: Mapping[str, str]
    coaching_steps: tuple[tuple[float, str], ...]
    coaching_default: str
    rhythm: tuple[tuple[str, str], ...]
    records: tuple[tuple[str, str], ...]
    file: str = RULES_FILE

    def sign(self, behaviour: str, text: str) -> Sign:
        """The :class:`Sign` of an action on ``behaviour``."""
        return Sign(behaviour, BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1], text, self.cards.get(behaviour, ""))

    @property
    def signs(self) -> Mapping[str, Sign]:
        """Behaviour id → its record-card sign."""
        return {b: self.sign(b, c) for b, c in self.cards.items()}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _parse_rules(data: Any, log: ProblemLog) -> ActionRules | None:  # noqa: C901 - one checker, every problem
    if not isinstance(data, Mapping):
        log.add((), None, tr("含有 core、themes、signs、tables、rhythm、records 等键的 YAML 映射", "a YAML mapping with keys core, themes, signs, tables, rhythm, records"), type(data).__name__)
        return None

    def count(key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            log.add((key,), key, tr("不小于 1 的整数", "a whole number ≥ 1"), value)
            return default
        return value

    core_count, max_type_actions = count("core_count", 3), count("max_type_actions", 4)
    max_type_themes, card_items = count("max_type_themes", 2), count("card_items", 6)

    def sentence(path: tuple[Any, ...], node: Any, key: str) -> str:
        value = node.get(key) if isinstance(node, Mapping) else None
        text = _text(value)
        if not text or not isinstance(value, str):
            log.add((*path, key), ".".join(str(p) for p in (*path, key)), tr("一句中文", "a Chinese sentence"), value)
        return text

    def words(key: str) -> tuple[str, ...]:
        raw = data.get(key)
        if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w.strip() for w in raw):
            log.add((key,), key, tr("中文词语的列表", "a list of Chinese words"), raw)
            return ()
        return tuple(w.strip() for w in raw)

    observable, vague = words("observable"), words("vague")

    def observable_problem(path: tuple[Any, ...], text: str) -> None:
        where = ".".join(str(p) for p in path)
        if observable and text and not any(w in text for w in observable):
            log.add(path, where, tr(f"管理人员陪访时能看到的表现（含有以下之一：{'、'.join(observable)}）", f"a sign a manager sees on a joint visit (one of: {'、'.join(observable)})"), text)
        bad = [w for w in vague if w in text]
        if bad:
            log.add(path, where, tr(f"看得见的表现，不用{'、'.join(bad)}这类词", f"an observable sign, without {'、'.join(bad)}"), text)

    methods: dict[str, str] = {}
    raw_methods = data.get("methods")
    if not isinstance(raw_methods, Mapping) or not raw_methods:
        log.add(("methods",), "methods", tr("方法编号 → 课上所学内容的映射", "a mapping of method ids to what was learned in class"), raw_methods)
        raw_methods = {}
    for key, value in raw_methods.items():
        if not _text(value) or not isinstance(value, str):
            log.add(("methods", key), f"methods.{key}", tr("一个中文短语", "a Chinese phrase"), value)
        methods[str(key)] = _text(value)

    cards: dict[str, str] = {}
    raw_signs = data.get("signs")
    if not isinstance(raw_signs, Mapping) or not raw_signs:
        log.add(("signs",), "signs", tr("做法编号 → 记录卡条目的映射", "a mapping of behaviour ids to record-card items"), raw_signs)
        raw_signs = {}
    for behaviour, entry in raw_signs.items():
        if behaviour not in BEHAVIOURS:
            log.add(("signs", behaviour), f"signs.{behaviour}", tr(f"做法编号（{'、'.join(BEHAVIOURS)}）", f"a behaviour id ({', '.join(BEHAVIOURS)})"), behaviour)
            continue
        cards[behaviour] = sentence(("signs", behaviour), entry, "card")
        observable_problem(("signs", behaviour, "card"), cards[behaviour])

    seen_signs: dict[str, str] = {}

    def action(path: tuple[Any, ...], node: Any, *, behaviour_key: str = "behaviour") -> Action | None:
        where = ".".join(str(p) for p in path)
        if not isinstance(node, Mapping):
            log.add(path, where, tr("含有 do、table、method、behaviour、sign 的行动", "an action with do, table, method, behaviour, sign"), node)
            return None
        do = sentence(path, node, "do")
        table = _text(node.get("table"))
        if table not in TITLES:
            log.add((*path, "table"), f"{where}.table", tr(f"工具包中的表格（{'、'.join(TITLES)}）", f"a toolbox table ({', '.join(TITLES)})"), node.get("table"))
        method = _text(node.get("method"))
        if method not in methods:
            log.add((*path, "method"), f"{where}.method", tr(f"methods 下的方法（{'、'.join(methods)}）", f"a method under methods ({', '.join(methods)})"),
                    node.get("method"))
        behaviour = _text(node.get(behaviour_key))
        if behaviour not in cards:
            log.add((*path, behaviour_key), f"{where}.{behaviour_key}", tr("在 signs 下有条目的做法", "a behaviour with an entry under signs"),
                    node.get(behaviour_key))
        sign = sentence(path, node, "sign")
        observable_problem((*path, "sign"), sign)
        if sign and sign in seen_signs:  # every action has its own sign
            log.add((*path, "sign"), f"{where}.sign", tr(f"只属于这个行动的表现（{seen_signs[sign]} 也用了）", f"a sign of this action only (also {seen_signs[sign]})"), sign)
        seen_signs.setdefault(sign, where)
        return Action(do, table, method, behaviour, sign)

    names: list[TypeName] = []
    raw_names = data.get("type_names")
    if not isinstance(raw_names, list) or not raw_names:
        log.add(("type_names",), "type_names", tr("中性的类型名称列表", "a list of neutral type names"), raw_names)
        raw_names = []
    for i, entry in enumerate(raw_names):
        where = ("type_names", i)
        name = sentence(where, entry, "name")
        recognise = sentence(where, entry, "recognise")
        observable_problem((*where, "recognise"), recognise)
        raw_b = entry.get("behaviours") if isinstance(entry, Mapping) else None
        if not isinstance(raw_b, list) or not raw_b or any(b not in BEHAVIOURS for b in raw_b):
            log.add((*where, "behaviours"), f"type_names[{i}].behaviours",
                    tr(f"做法编号的列表（{'、'.join(BEHAVIOURS)}）", f"a list of behaviour ids ({', '.join(BEHAVIOURS)})"), raw_b)
            raw_b = [b for b in raw_b or () if b in BEHAVIOURS] if isinstance(raw_b, list) else []
        names.append(TypeName(name, tuple(raw_b), recognise))
    fallback = sentence((), data, "fallback_name")

    core: list[Action] = []
    raw_core = data.get("core")
    if not isinstance(raw_core, list) or not raw_core:
        log.add(("core",), "core", tr("核心行动的列表", "a list of core actions"), raw_core)
        raw_core = []
    core_behaviours: set[str] = set()
    for i, entry in enumerate(raw_core):
        found = action(("core", i), entry)
        if found is not None:
            if found.behaviour in core_behaviours:
                log.add(("core", i, "behaviour"), f"core[{i}].behaviour", tr("每个做法只有一个核心行动", "one core action per behaviour"),
                        found.behaviour)
            core_behaviours.add(found.behaviour)
            core.append(found)

    themes: list[Theme] = []
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        log.add(("themes",), "themes", tr("主题的列表", "a list of themes"), raw_themes)
        raw_themes = []
    seen: set[str] = set()
    for i, entry in enumerate(raw_themes):
        where = ("themes", i)
        if not isinstance(entry, Mapping):
            log.add(where, f"themes[{i}]", tr("一个主题（映射）", "a theme (a mapping)"), entry)
            continue
        theme_id = _text(entry.get("id"))
        if not theme_id or not theme_id.isascii() or theme_id in seen:
            log.add((*where, "id"), f"themes[{i}].id", tr("不重复的英文编号", "a unique ASCII id"), entry.get("id"))
        seen.add(theme_id)
        title = sentence(where, entry, "title")
        dimension = _text(entry.get("dimension"))
        if dimension not in DIMENSIONS:
            log.add((*where, "dimension"), f"themes[{i}].dimension",
                    tr(f"维度编号（{'、'.join(DIMENSIONS)}）", f"a dimension id ({', '.join(DIMENSIONS)})"), entry.get("dimension"))
        raw_behaviours = entry.get("behaviours") or []
        if not isinstance(raw_behaviours, list):
            log.add((*where, "behaviours"), f"themes[{i}].behaviours", tr("做法编号的列表", "a list of behaviour ids"), raw_behaviours)
            raw_behaviours = []
        for b in raw_behaviours:
            if b not in BEHAVIOURS:
                log.add((*where, "behaviours"), f"themes[{i}].behaviours",
                        tr(f"做法编号（{'、'.join(BEHAVIOURS)}）", f"behaviour ids ({', '.join(BEHAVIOURS)})"), b)
        default = entry.get("default")
        if default is True:
            default = "fill"
        if default in (False, None):
            default = None
        elif default not in _DEFAULT_KINDS:
            log.add((*where, "default"), f"themes[{i}].default", tr("true、fill 或 strong", "true, fill or strong"), default)
            default = None
        actions: dict[str, Action] = {}
        for period in PERIODS:
            found = action((*where, period), entry.get(period))
            if found is not None:
                actions[period] = found
        themes.append(Theme(theme_id, title, dimension, tuple(str(b) for b in raw_behaviours), default, actions))
    if raw_themes and not any(t.default == "fill" for t in themes):
        log.add(("themes",), "themes", tr("至少一个主题写明 default: true（弱项少时用来补足计划）", "at least one theme with default: true (fills a plan with few weaknesses)"),
                tr("没有", "none"))

    tables: dict[str, str] = {}
    raw_tables = data.get("tables") or {}
    if not isinstance(raw_tables, Mapping):
        log.add(("tables",), "tables", tr("工具包表格 → 提问的映射", "a mapping of toolbox tables to questions"), raw_tables)
        raw_tables = {}
    for key, entry in raw_tables.items():
        if key not in TITLES:
            log.add(("tables", key), f"tables.{key}", tr(f"工具包中的表格（{'、'.join(TITLES)}）", f"a toolbox table ({', '.join(TITLES)})"), key)
            continue
        tables[str(key)] = sentence(("tables", key), entry, "ask")

    steps: list[tuple[float, str]] = []
    coaching = data.get("coaching")
    raw_steps = coaching.get("steps") if isinstance(coaching, Mapping) else None
    if not isinstance(raw_steps, list) or not raw_steps:
        log.add(("coaching",), "coaching.steps", tr("陪访频率的列表（every_weeks、text）", "a list of joint-visit frequencies (every_weeks, text)"), raw_steps)
        raw_steps = []
    for i, step in enumerate(raw_steps):
        weeks = step.get("every_weeks") if isinstance(step, Mapping) else None
        if isinstance(weeks, bool) or not isinstance(weeks, (int, float)) or weeks <= 0:
            log.add(("coaching", "steps", i, "every_weeks"), f"coaching.steps[{i}].every_weeks",
                    tr("大于 0 的周数", "a number of weeks > 0"), weeks)
            weeks = 1
        steps.append((float(weeks), sentence(("coaching", "steps", i), step, "text")))
    if [w for w, _ in steps] != sorted((w for w, _ in steps), reverse=True):
        log.add(("coaching", "steps"), "coaching.steps", tr("从少到多排列的频率（every_weeks 递减）", "steps from rare to often (every_weeks decreasing)"),
                [w for w, _ in steps])
    coaching_default = sentence(("coaching",), coaching, "default")

    def pairs(key: str, first: str, second: str) -> tuple[tuple[str, str], ...]:
        raw = data.get(key)
        if not isinstance(raw, list) or not raw:
            log.add((key,), key, tr(f"含有 {first} 和 {second} 的条目列表", f"a list of entries with {first} and {second}"), raw)
            return ()
        return tuple((sentence((key, i), e, first), sentence((key, i), e, second)) for i, e in enumerate(raw))

    rhythm = pairs("rhythm", "when", "what")
    records = pairs("records", "what", "how")
    return ActionRules(core_count, max_type_actions, max_type_themes, card_items, observable, vague, methods, cards,
                       tuple(names), fallback, tuple(core), tuple(themes), tables, tuple(steps), coaching_default,
                       rhythm, records, log.file)


def _read_rules(text: str, shown: str) -> ActionRules:
    loaded = load_config(text, shown, _RulesSchema)
    if loaded.data is None:
        raise ActionPlanRulesError(loaded.problems)
    log = loaded.log()
    rules = _parse_rules(loaded.data, log)
    if log.problems or rules is None:
        raise ActionPlanRulesError(log.problems)
    return rules


@cache
def _packaged_rules() -> ActionRules:
    text = files("casekit.authoring").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return _read_rules(text, f"casekit/authoring/{RULES_FILE}")


def load_action_rules(path: str | Path | None = None) -> ActionRules:
    """Read and check the action-plan rules.

    Parameters
    ----------
    path : str or Path, optional
        A rules file of the same shape as the packaged ``casekit/authoring/action_plan.yaml``
        (a consultant's edited copy); default: the packaged file, read once.

    Returns
    -------
    ActionRules

    Raises
    ------
    ActionPlanRulesError
        With every problem at once: YAML syntax, unknown keys (with the closest known key),
        unknown dimensions, behaviours, methods or toolbox tables, missing sentences, a sign no
        manager can see on a joint visit (none of the ``observable`` words, or a ``vague`` one), a
        sign shared by two actions.
    InputFileError
        If ``path`` does not exist or is larger than casekit reads (:mod:`casekit.bounded`).
    """
    if path is None:
        return _packaged_rules()
    from casekit.bounded import read_bytes

    path = Path(path)
    # bounded like every file casekit reads (size, no link): a consultant's copy, still a file
    data = read_bytes(path, str(path), bundle=False)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActionPlanRulesError([Problem(str(path), None, None, tr("UTF-8 编码的文本", "UTF-8 text"),
                                            tr(f"第 {exc.start} 个字节不是 UTF-8",
                                               f"a byte that is not UTF-8 at offset {exc.start}"))]) from None
    return _read_rules(text, str(path))


# -- what the follow-up found -----------------------------------------------------------------------

_STATUSES = ("improved", "worse", "unchanged", "unclear")


@dataclass(frozen=True)
class BehaviourChange:
    """One ride-along behaviour of a region at the follow-up wave.

    Attributes
    ----------
    behaviour : str
        A :data:`casekit.domain.BEHAVIOURS` id.
    before, after : float or None
        Share of visits before the course and at the wave; None when the group is too small to show.
    status : str
        ``improved`` / ``worse`` (claimed by the evaluation, in the good / bad direction),
        ``unchanged`` (not claimed), ``unclear`` (too few people, or observers disagree).
    """

    behaviour: str
    before: float | None
    after: float | None
    status: str

    @property
    def label(self) -> str:
        """The behaviour's Chinese label."""
        return BEHAVIOURS[self.behaviour].label

    @property
    def gap(self) -> float:
        """How far the behaviour is from good at the wave (0 good … 1 bad; 0 for a neutral one)."""
        sign = BEHAVIOUR_SKILL.get(self.behaviour, ("", 0))[1]
        if self.after is None or not sign:
            return 0.0
        return 1 - self.after if sign > 0 else self.after


@dataclass(frozen=True)
class CoachingTarget:
    """How often sales managers should do joint visits in the next ninety days.

    Attributes
    ----------
    current : float or None
        Joint visits with coaching per account manager in the wave's period (the coaching log);
        None without a log or when the region is too small to show.
    days : int or None
        Length of that period (end of the course to end of the wave).
    target : str
        The target, in Chinese (``每两周一次``).
    target_weeks : float
        The target as a number of weeks between joint visits.
    """

    current: float | None
    days: int | None
    target: str
    target_weeks: float

    @property
    def current_weeks(self) -> float | None:
        """Weeks between two joint visits now (None without a figure; inf for none at all)."""
        if self.current is None or not self.days:
            return None
        return math.inf if self.current <= 0 else self.days / self.current / 7


@dataclass(frozen=True)
class FollowUpFocus:
    """What a region's latest follow-up wave found, as the next ninety days need it.

    Attributes
    ----------
    region : str
    wave_label : str
        The wave's name, e.g. ``培训后三个月回访``.
    changes : tuple of BehaviourChange
        Every ride-along behaviour of the region at the wave.
    coaching : CoachingTarget
    n : int
        Trainees of the region whose visits were compared (0 when every row is hidden).
    region_name : str
        The evaluation's name of the region (the province when the plan is for one of its cities).
    """

    region: str
    wave_label: str
    changes: tuple[BehaviourChange, ...]
    coaching: CoachingTarget
    n: int = 0
    region_name: str = ""

    def _with(self, *status: str) -> tuple[BehaviourChange, ...]:
        return tuple(c for c in self.changes if c.status in status)

    @property
    def improved(self) -> tuple[BehaviourChange, ...]:
        """Behaviours the evaluation claims improved: kept, never new habits."""
        return self._with("improved")

    @property
    def unclear(self) -> tuple[BehaviourChange, ...]:
        """Behaviours the wave cannot judge (too few people, observers disagree)."""
        return self._with("unclear")

    @property
    def unreliable(self) -> frozenset[str]:
        """Behaviours not to be judged on a joint visit (observers disagreed)."""
        return frozenset(c.behaviour for c in self.unclear if c.before is not None)

    @property
    def not_improved(self) -> tuple[BehaviourChange, ...]:
        """Worse or unchanged behaviours with a direction, the worse and the furthest from good first."""
        rows = [c for c in self._with("worse", "unchanged") if BEHAVIOUR_SKILL.get(c.behaviour, ("", 0))[1]]
        return tuple(sorted(rows, key=lambda c: (c.status != "worse", -round(c.gap, 6), _change(c),
                                                 list(BEHAVIOURS).index(c.behaviour))))


def _change(c: BehaviourChange) -> float:
    sign = BEHAVIOUR_SKILL.get(c.behaviour, ("", 0))[1]
    if c.before is None or c.after is None:
        return 0.0
    return sign * (c.after - c.before)


def coaching_target(current: float | None, days: int | None, rules: ActionRules | None = None) -> CoachingTarget:
    """The joint-visit target from current practice: the rarest step of the rules at least half again
    as often as now (the most frequent step when now is already near it); the rules' default
    without a figure."""
    rules = rules or load_action_rules()
    steps = rules.coaching_steps
    by_text = {text: weeks for weeks, text in steps}
    if current is None or not days or not steps:
        return CoachingTarget(current, days, rules.coaching_default, by_text.get(rules.coaching_default, 2.0))
    now = math.inf if current <= 0 else days / current / 7
    for weeks, text in steps:  # from rare to often
        if weeks * 1.5 <= now:
            return CoachingTarget(current, days, text, weeks)
    weeks, text = steps[-1]
    return CoachingTarget(current, days, text, weeks)


def followup_focus(evaluation: Any, region: str, *, followup: Any = None, rules: ActionRules | None = None
                   ) -> FollowUpFocus | None:
    """What ``region``'s latest follow-up wave found, for its next ninety days.

    Parameters
    ----------
    evaluation : FollowUpEvaluation or None
        :func:`casekit.analysis.evaluate_followup` of the bundle (``region=`` or all regions).
    region : str
        Top-level region id.
    followup : FollowUp, optional
        ``bundle.followup``: the wave's name and the course's last day (the coaching log's period).
    rules : ActionRules, optional

    Returns
    -------
    FollowUpFocus or None
        None without an evaluation or without any behaviour row of the region. A behaviour is
        improved or worse only where the evaluation claims it (``claimed``, its ``direction``;
        an ``unreliable`` or ``hidden`` row is unclear and shows no number).
    """
    if evaluation is None:
        return None
    rules = rules or load_action_rules()
    rows = evaluation.behaviour
    rows = rows[(rows["group"] == region) & rows["measure"].isin(list(BEHAVIOURS))]
    if not len(rows):
        return None
    wave = str(rows["wave_id"].iloc[-1])
    rows = rows[rows["wave_id"] == wave]
    changes = []
    for behaviour in BEHAVIOURS:
        mine = rows[rows["measure"] == behaviour]
        if not len(mine):
            continue
        sign = BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1]
        shown = mine[mine["isolation"] == "before_after"]
        first = shown.iloc[0] if len(shown) else mine.iloc[0]
        hidden = bool(first["hidden"])
        before = None if hidden or _missing(first["baseline"]) else float(first["baseline"])
        after = None if hidden or _missing(first["followup"]) else float(first["followup"])
        claims = [(str(r["direction"])) for _, r in mine.iterrows()
                  if bool(r["claimed"]) and not bool(r["hidden"]) and not bool(r["unreliable"])]
        good = "up" if sign > 0 else "down" if sign < 0 else None
        bad = "down" if sign > 0 else "up" if sign < 0 else None
        if hidden or mine["unreliable"].any():
            status = "unclear"
        elif bad in claims:
            status = "worse"
        elif good in claims:
            status = "improved"
        else:
            status = "unchanged"
        changes.append(BehaviourChange(behaviour, before, after, status))
    label, days = "", None
    if followup is not None:
        waves = followup.waves
        match = waves[waves["wave_id"].astype(str) == wave]
        if len(match):
            label = _text(match["label"].iloc[0])
            try:
                days = int((_date(match["end"].iloc[0]) - _date(followup.course.end)).days)
            except (AttributeError, TypeError, ValueError):
                days = None
    current = None
    drivers = evaluation.drivers
    visits = drivers[(drivers["group"] == region) & (drivers["measure"] == "joint_visits")
                     & (drivers["wave_id"] == wave)] if len(drivers) else drivers
    if len(visits) and not bool(visits["hidden"].iloc[0]) and not _missing(visits["followup"].iloc[0]):
        current = float(visits["followup"].iloc[0])
    shown = rows[(rows["isolation"] == "before_after") & ~rows["hidden"].astype(bool)]
    n = int(shown["n"].max()) if len(shown) else 0
    return FollowUpFocus(region, label, tuple(changes),
                         coaching_target(current, days if days and days > 0 else None, rules), n,
                         _text(rows["group_label"].iloc[0]))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _date(value: Any) -> Any:
    import pandas as pd

    return pd.Timestamp(value).date()


# -- type profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeProfile:
    """What a plan needs to know about one behaviour type.

    Attributes
    ----------
    key : str
        ``type<n>`` for segment n, ``all`` for all account managers (no clear types).
    label : str
        How the plan names it: a neutral name by rule, e.g. ``第2类 价格推动型``.
    weak_dimensions : tuple of str
        Dimension ids, weakest first.
    behaviours : mapping of str to float
        Behaviour id → how far the type's rate lies from all account managers' (standard
        deviations; positive: more often).
    strengths, weaknesses : tuple of str
        The persona's phrases (consultant-facing; the client document does not print them).
    recognise : str
        What a manager sees on a joint visit that marks the type (``type_names`` of the rules).
    """

    key: str
    label: str
    weak_dimensions: tuple[str, ...]
    behaviours: Mapping[str, float]
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    recognise: str = ""

    @property
    def number(self) -> int | None:
        """The type's number (``type2`` → 2), None for everybody."""
        digits = self.key[4:] if self.key.startswith("type") else ""
        return int(digits) if digits.isdigit() else None

    def behaviours_to_change(self, z: float = DISTINCT_Z) -> tuple[str, ...]:
        """Behaviours seen clearly too often (bad ones) or too seldom (good ones), clearest first."""
        bad = []
        for behaviour, value in self.behaviours.items():
            sign = BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1]
            if sign and math.isfinite(value) and -sign * value >= z:
                bad.append((-sign * value, behaviour))
        return tuple(b for _, b in sorted(bad, key=lambda t: (-t[0], t[1])))


def _neutral_names(behaviours: Sequence[Mapping[str, float]], rules: ActionRules) -> list[TypeName | None]:
    """Each type's name entry: the one whose behaviours it shows most clearly more often than all
    account managers (at least :data:`DISTINCT_Z`), each entry used once, the clearest first."""
    pairs = []
    for i, z in enumerate(behaviours):
        for j, entry in enumerate(rules.type_names):
            values = [z[b] for b in entry.behaviours if b in z and math.isfinite(z[b])]
            if values and max(values) >= DISTINCT_Z:
                pairs.append((-max(values), i, j))
    chosen: list[TypeName | None] = [None] * len(behaviours)
    used: set[int] = set()
    for _, i, j in sorted(pairs):
        if chosen[i] is None and j not in used:
            chosen[i] = rules.type_names[j]
            used.add(j)
    return chosen


def type_profiles(segments: Any, region: str | None = None, *, min_n: int = MIN_CELL_SIZE,
                  design: CourseDesign | None = None, rules: ActionRules | None = None) -> list[TypeProfile]:
    """The behaviour types a region's plans are built for, from a segmentation.

    Parameters
    ----------
    segments : SegmentReport or None
        :func:`casekit.analysis.segment_account_managers` of the whole bundle.
    region : str, optional
        A top-level region id: only the types with people in that region (every type when the
        region has fewer than ``min_n`` account managers, whose mix is never broken down).
    min_n : int
        Disclosure threshold (:func:`casekit.privacy.disclosure.is_suppressed`).
    design : CourseDesign, optional
        Without clear types: the weaknesses the design names make one plan for everybody.
    rules : ActionRules, optional
        The neutral names (``type_names``); default: the packaged rules.

    Returns
    -------
    list of TypeProfile
        In segment order; one profile ``all`` when there are no clear types.
    """
    rules = rules or load_action_rules()
    clear = segments is not None and getattr(segments, "clear", False) and segments.personas
    if not clear:
        return [_everybody(design)]
    profile = segments.profile
    present = None
    if region is not None:
        a = segments.assignments.dropna(subset=["segment"])
        mine = a.loc[a["top_region_id"] == region]
        if len(mine) and not is_suppressed(len(mine), min_n):
            present = {int(s) for s in mine["segment"]}
    everyone = []
    for persona in segments.personas:
        rows = profile.loc[profile["segment"] == persona.segment]
        z = {str(f): float(v) for f, v in zip(rows["feature"], rows["z"])}
        weak = list(persona.emphasis_dimensions)
        low = sorted((v, d) for d, v in z.items() if d in DIMENSIONS and math.isfinite(v) and v <= -DISTINCT_Z)
        weak += [d for _, d in low if d not in weak]
        behaviours = {f[5:]: v for f, v in z.items() if f.startswith("rate_") and f[5:] in BEHAVIOURS}
        everyone.append((persona, tuple(weak), behaviours))
    names = _neutral_names([b for _, _, b in everyone], rules)  # over every type: the same name in every region
    out = []
    for (persona, weak, behaviours), name in zip(everyone, names):
        if present is not None and persona.segment not in present:
            continue
        label = f"第{persona.segment}类 {name.name if name else rules.fallback_name}"
        out.append(TypeProfile(f"type{persona.segment}", label, weak, behaviours, tuple(persona.strengths),
                               tuple(persona.weaknesses), name.recognise if name else ""))
    return out


def _everybody(design: CourseDesign | None) -> TypeProfile:
    """All account managers as one profile: the dimensions the region's design names as weak."""
    weak: list[str] = []
    if design is not None:
        for objective in design.objectives:
            for fid in objective.get("findings") or ():
                parts = str(fid).split(":")
                if len(parts) >= 3 and parts[2] in DIMENSIONS and parts[2] not in weak:
                    weak.append(parts[2])
        for m in design.modules:
            weak += [s["dimension"] for s in m.added_sessions if s.get("dimension") not in weak]
    return TypeProfile(_ALL_TYPES, "全体客户经理", tuple(weak), {})


# -- plans ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanAction:
    """One action of a plan.

    Attributes
    ----------
    period : str
        A :data:`PERIODS` key, or :data:`CORE` for the ninety days' core actions.
    theme, theme_title : str
        The rules' theme (``core`` for a core action).
    text : str
        What the account manager does.
    dimension : str
        The dimension the action trains.
    module_id, module_title : str
        The module of the region's course design that trains it.
    table, table_title : str
        The toolbox table used (:data:`casekit.authoring.toolbox.TITLES` key and title).
    sign : Sign
        What the sales manager sees on a joint visit when it works (this action's own sign).
    because : tuple of str
        The weakness that chose the theme: dimension and behaviour ids; empty for a default theme.
    method, method_text : str
        The method learned in class (``methods`` of the rules) and how the document names it.
    module_specific : bool
        Whether the module is the course's only module on the action's dimension (the document
        names the module only then).
    """

    period: str
    theme: str
    theme_title: str
    text: str
    dimension: str
    module_id: str
    module_title: str
    table: str
    table_title: str
    sign: Sign
    because: tuple[str, ...] = ()
    method: str = ""
    method_text: str = ""
    module_specific: bool = False


@dataclass(frozen=True)
class ActionPlan:
    """The plan of one behaviour type in one region (or the region's core actions).

    Attributes
    ----------
    type_key, type_label : str
        :class:`TypeProfile`'s key and label; :data:`CORE` and ``全体客户经理`` for the core.
    region, region_name : str
        The region of the course design.
    summary : str
        What the plan works on, in plain Chinese.
    weak_dimensions : tuple of str
        The type's weakest dimensions.
    behaviours_to_change : tuple of str
        Its behaviours in the bad direction (not yet improved at the follow-up).
    actions : tuple of PlanAction
        Period by period.
    recognise : str
        How a manager recognises the type on a joint visit (empty for the core and everybody).
    focus : FollowUpFocus or None
        What the follow-up found (the same object on every plan of the region).
    """

    type_key: str
    type_label: str
    region: str
    region_name: str
    summary: str
    weak_dimensions: tuple[str, ...]
    behaviours_to_change: tuple[str, ...]
    actions: tuple[PlanAction, ...]
    recognise: str = ""
    focus: FollowUpFocus | None = field(default=None, compare=False)

    @property
    def is_core(self) -> bool:
        """Whether this is the core every account manager of the region does."""
        return self.type_key == CORE

    @property
    def number(self) -> int | None:
        """The type's number, None for the core and for everybody."""
        digits = self.type_key[4:] if self.type_key.startswith("type") else ""
        return int(digits) if digits.isdigit() else None

    def period(self, period: str) -> tuple[PlanAction, ...]:
        """The actions of one :data:`PERIODS` key (or :data:`CORE`)."""
        return tuple(a for a in self.actions if a.period == period)

    @property
    def signs(self) -> tuple[Sign, ...]:
        """The signs the plan's actions name, in order of first appearance."""
        return tuple(dict.fromkeys(a.sign for a in self.actions))


def _module_for(design: CourseDesign, dimension: str) -> ModuleDesign:
    """The design's module that trains ``dimension``.

    Its main dimension first (the longest such module), then any module training it, then a module
    holding an added session on it, then the module the seed's topics on it would be placed in
    (:data:`casekit.curriculum.composition.DIMENSION_TOPICS`), else the first module.
    """
    modules = design.modules
    tests = (lambda m: m.dimensions[0] == dimension, lambda m: dimension in m.dimensions,
             lambda m: any(s.get("dimension") == dimension for s in m.added_sessions))
    for test in tests:
        hosts = [m for m in modules if test(m)]
        if hosts:
            return max(hosts, key=lambda m: (m.days, -modules.index(m)))
    for near in DIMENSION_TOPICS.get(dimension, ((), ()))[1]:
        hosts = [m for m in modules if m.dimensions and m.dimensions[0] == near] or \
                [m for m in modules if near in m.dimensions]
        if hosts:
            return hosts[0]
    return modules[0]


def _plan_action(design: CourseDesign, rules: ActionRules, period: str, theme_id: str, title: str,
                 dimension: str, action: Action, because: tuple[str, ...]) -> PlanAction:
    module = _module_for(design, dimension)
    # the module is named only when it is the one module of the course on this subject (行业篇 for an
    # industry action), not a general module that happens to list it (电信的转型 for every sales action)
    specific = dimension in module.dimensions and sum(dimension in m.dimensions for m in design.modules) == 1
    return PlanAction(period, theme_id, title, action.do, dimension, module.id, module.title, action.table,
                      table_title(action.table), rules.sign(action.behaviour, action.sign), because,
                      action.method, rules.methods.get(action.method, ""), specific)


def _theme_scores(profile: TypeProfile, theme: Theme, population: str, needs: Sequence[str]) -> tuple[float, tuple]:
    """How strongly a type needs a theme (0: not at all) and the weaknesses that chose it."""
    dims = [d for d in profile.weak_dimensions if d in POPULATION_DIMENSIONS.get(population, DIMENSIONS)]
    because: list[str] = []
    score = 0.0
    if theme.dimension in dims:  # the weakest dimension scores 2, the last one just over 1
        because.append(theme.dimension)
        score = max(score, 1 + (len(dims) - dims.index(theme.dimension)) / len(dims))
    for b in theme.behaviours:  # a behaviour scores its distance from everybody (≥ DISTINCT_Z)
        if b in needs:
            because.append(b)
            score = max(score, abs(profile.behaviours.get(b, 0.0)))
    return score, tuple(because)


def _rows(themes: Sequence[tuple[Theme, tuple[str, ...]]], allowed: Any, limit: int
          ) -> list[tuple[str, Theme, Action, tuple[str, ...]]]:
    """At most ``limit`` rows: one per period from the first theme that has an allowed action, then
    the other allowed actions period by period; no action twice."""
    rows: list[tuple[str, Theme, Action, tuple[str, ...]]] = []
    for period in PERIODS:
        for theme, because in themes:
            action = theme.actions.get(period)
            if action is not None and allowed(action) and len(rows) < limit:
                rows.append((period, theme, action, because))
                break
    for period in PERIODS:
        for theme, because in themes:
            action = theme.actions.get(period)
            if (action is not None and allowed(action) and len(rows) < limit
                    and all(r[2] is not action for r in rows)):
                rows.append((period, theme, action, because))
    order = list(PERIODS)
    theme_order = [t.id for t, _ in themes]
    return sorted(rows, key=lambda r: (order.index(r[0]), theme_order.index(r[1].id)))


def _core_plan(design: CourseDesign, rules: ActionRules, profiles: Sequence[TypeProfile],
               focus: FollowUpFocus | None, tables: set[str], improved: set[str]) -> ActionPlan:
    """The region's core: ``core_count`` actions every account manager does for ninety days."""
    candidates = [a for a in rules.core if a.behaviour not in improved and a.table in tables]
    need = {b: sum(b in p.behaviours_to_change() for p in profiles) for b in BEHAVIOURS}
    file_order = [a.behaviour for a in rules.core]
    if focus is not None:
        ranked = [c.behaviour for c in focus.not_improved]

        def key(a: Action) -> tuple:
            return (ranked.index(a.behaviour) if a.behaviour in ranked else len(ranked), -need[a.behaviour],
                    file_order.index(a.behaviour))
    else:
        def key(a: Action) -> tuple:
            return (-need[a.behaviour], file_order.index(a.behaviour))
    chosen = sorted(candidates, key=key)[:rules.core_count]
    actions = tuple(_plan_action(design, rules, CORE, CORE, "全体客户经理的核心行动",
                                 BEHAVIOUR_SKILL.get(a.behaviour, ("sales", 0))[0] or "sales", a, (a.behaviour,))
                    for a in chosen)
    if focus is not None and focus.not_improved:
        named = [c.label for c in focus.not_improved if c.behaviour in {a.behaviour for a in chosen}]
        summary = ("回访时" + "、".join(f"“{n}”" for n in named) + "还看不出改善，下一个九十天全体客户经理每周都做这几件事。"
                   if named else "下一个九十天全体客户经理每周都做这几件事。")
    else:
        summary = ("九十天里全体客户经理每周都做这几件事，各类客户经理再加上本类自己的行动。" if len(profiles) > 1
                   or (profiles and profiles[0].key != _ALL_TYPES) else "九十天里全体客户经理每周都做这几件事。")
    return ActionPlan(CORE, "全体客户经理", design.region, design.region_name, summary, (), (), actions, "", focus)


def action_plans(design: CourseDesign, segments: Any, toolbox_tables: Iterable[str] | None = None, *,
                 rules: ActionRules | None = None, min_n: int = MIN_CELL_SIZE,
                 focus: FollowUpFocus | None = None) -> list[ActionPlan]:
    """The region's core actions and the action plan of each behaviour type of the region.

    Parameters
    ----------
    design : CourseDesign
        The region's course for account managers (:func:`casekit.reports.course.course_design`,
        or :func:`casekit.curriculum.design_course`).
    segments : SegmentReport, sequence of TypeProfile, or None
        The behaviour types: a segmentation of the whole bundle
        (:func:`casekit.analysis.segment_account_managers`; the region's types are those with
        people in the region, see :func:`type_profiles`), or profiles built by hand. None, or a
        segmentation without clear types: one plan for all account managers, from the design.
    toolbox_tables : iterable of str, optional
        The toolbox tables the account managers have (:data:`casekit.authoring.toolbox.TITLES`
        keys); an action whose table is not among them is left out. Default: every table.
    rules : ActionRules, optional
        :func:`load_action_rules` (default: the packaged rules).
    min_n : int
        Disclosure threshold, see :func:`type_profiles`.
    focus : FollowUpFocus, optional
        :func:`followup_focus` of the region: behaviours claimed improved are kept (no action
        builds them as a new habit) and the core is what did not improve. Default: the plan is
        built from the baseline.

    Returns
    -------
    list of ActionPlan
        First the core (``type_key`` :data:`CORE`, ``rules.core_count`` actions for everybody),
        then one plan per type in segment order, each with at most ``rules.max_type_actions``
        actions; a theme (and so an action's text) belongs to one type only.
    """
    rules = rules or load_action_rules()
    if segments is None or hasattr(segments, "personas"):
        profiles = type_profiles(segments, design.region, min_n=min_n, design=design, rules=rules)
    else:
        profiles = list(segments)
    tables = set(TITLES) if toolbox_tables is None else {str(t).split(":")[0] for t in toolbox_tables}
    improved = {c.behaviour for c in focus.improved} if focus is not None else set()
    core = _core_plan(design, rules, profiles, focus, tables, improved)
    core_behaviours = {a.sign.behaviour for a in core.actions}

    keeping = {a for t in rules.themes if t.default == "strong" for a in t.actions.values()}

    def allowed(action: Action) -> bool:  # a keep-and-spread action may name a behaviour already good
        return action.table in tables and (action in keeping or (action.behaviour not in improved
                                                                  and action.behaviour not in core_behaviours))

    usable = [t for t in rules.themes if any(allowed(a) for a in t.actions.values())]
    needs = {p.key: tuple(b for b in p.behaviours_to_change() if b not in improved) for p in profiles}
    pairs = []
    for i, profile in enumerate(profiles):
        for j, theme in enumerate(usable):
            if theme.default == "strong":  # keeping good practice: never a remedy for a weakness
                continue
            score, because = _theme_scores(profile, theme, design.audience, needs[profile.key])
            if score > 0:
                pairs.append((-score, i, j, because))
    chosen: dict[int, list[tuple[Theme, tuple[str, ...]]]] = {i: [] for i in range(len(profiles))}
    taken: set[str] = set()
    for _, i, j, because in sorted(pairs, key=lambda p: p[:3]):
        theme = usable[j]
        if theme.id not in taken and len(chosen[i]) < rules.max_type_themes:
            chosen[i].append((theme, because))
            taken.add(theme.id)
    for i, profile in enumerate(profiles):  # no theme left: keep good practice, or a default habit
        if chosen[i]:
            continue
        strong = not profile.weak_dimensions and not needs[profile.key] and profile.key != _ALL_TYPES
        for kind in (("strong", "fill") if strong else ("fill",)):
            spare = [t for t in usable if t.default == kind and t.id not in taken]
            if spare and not chosen[i]:
                chosen[i].append((spare[0], ()))
                taken.add(spare[0].id)
    plans = [core]
    for i, profile in enumerate(profiles):
        rows = _rows(chosen[i], allowed, rules.max_type_actions)
        # a period left empty (its actions built an improved or core behaviour): one action from
        # the type's next theme not given to another type, else from a default theme
        ranked = [usable[j] for _, k, j, _ in sorted(pairs, key=lambda p: p[:3]) if k == i]
        ranked += [t for t in usable if t.default == "fill"]
        for period in PERIODS:
            if any(r[0] == period for r in rows) or len(rows) >= rules.max_type_actions:
                continue
            spare = next((t for t in ranked if t.id not in taken and period in t.actions
                          and allowed(t.actions[period])), None)
            if spare is not None:
                taken.add(spare.id)
                because = next((b for _, k, j, b in pairs if k == i and usable[j] is spare), ())
                chosen[i].append((spare, because))
                rows.append((period, spare, spare.actions[period], because))
        order = list(PERIODS)
        rows.sort(key=lambda r: order.index(r[0]))
        actions = tuple(_plan_action(design, rules, period, theme.id, theme.title, theme.dimension, action, because)
                        for period, theme, action, because in rows)
        themes = list(dict.fromkeys(theme.title for _, theme, _, _ in rows))
        plans.append(ActionPlan(profile.key, profile.label, design.region, design.region_name,
                                _summary(profile, design.region_name, themes), profile.weak_dimensions,
                                needs[profile.key], actions, profile.recognise, focus))
    return plans


def _summary(profile: TypeProfile, region_name: str, themes: Sequence[str]) -> str:
    if profile.key == _ALL_TYPES:
        parts = [f"适用于{region_name}的全体客户经理（调研未发现明显不同的行为类型）。"]
        if not profile.weak_dimensions:
            parts.append("调研未发现需要特别加强的方面，计划的重点是养成用销售工具表、按计划拜访的习惯。")
    else:
        parts = []
        if not profile.weak_dimensions and not profile.behaviours_to_change():
            parts.append("这一类客户经理的做法已接近顾问式销售。")
    who = "此外" if profile.key == _ALL_TYPES else "在核心行动之外，本类"
    if themes:
        parts.append(f"{who}重点练：" + "；".join(themes) + "。")
    else:
        parts.append("按核心行动做即可。")
    return "".join(parts)
