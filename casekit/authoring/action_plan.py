"""30/60/90-day action plans per account-manager behaviour type (issue 16, after the course).

The seed fights training that changes nothing ("培训后一动不动"). After the course, each behaviour
type of account manager gets a plan for its first ninety days: for days 1–30, 31–60 and 61–90,
two to four concrete actions, each naming the module of the region's course that taught it, the
sales-toolbox table it uses, and the sign a sales manager will see on a joint visit (陪访) when
it works -- said as a ride-along behaviour, so the next follow-up wave measures it with the same
instrument (e.g. "开场先问客户经营上的问题，不先报价" ↔ ``price_first`` seen less often).

Plans are built from a type's **profile**, never from the sample's planted ids: its weakest
dimensions (:attr:`casekit.analysis.Persona.emphasis_dimensions`, plus every dimension scored
clearly below all account managers) and its characteristic behaviours in the bad direction
(:data:`casekit.domain.BEHAVIOUR_SKILL`: a "medicine seller's" behaviour seen clearly more often,
a "doctor's" behaviour clearly less often, both at :data:`casekit.analysis.segments.DISTINCT_Z`
standard deviations). The rules -- which weakness calls for which theme, the wording of every
action and sign -- live in ``action_plan.yaml`` beside this module (:func:`load_action_rules`;
``docs/action-plans.md``), so a consultant edits words, not code.

When the segmentation finds no clear types, one plan is built for all account managers of the
region from the weaknesses the region's course design names (its objectives and added sessions).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from casekit.authoring.toolbox import TITLES, table_title
from casekit.curriculum.composition import DIMENSION_TOPICS
from casekit.curriculum.design import CourseDesign, ModuleDesign
from casekit.domain import BEHAVIOUR_SKILL, BEHAVIOURS, DIMENSIONS, MIN_CELL_SIZE, POPULATION_DIMENSIONS
from casekit.exceptions import ActionPlanRulesError, Problem
from casekit.intake.config import Each, Keyed, ProblemLog, Schema, load_config
from casekit.privacy.disclosure import is_suppressed

__all__ = [
    "DISTINCT_Z",
    "PERIODS",
    "RULES_FILE",
    "ActionPlan",
    "ActionPlanRulesError",
    "ActionRules",
    "PlanAction",
    "Sign",
    "Theme",
    "TypeProfile",
    "action_plans",
    "load_action_rules",
    "type_profiles",
]

#: The three periods of a plan, in order → their Chinese heading.
PERIODS: Mapping[str, str] = {"day30": "第1～30天", "day60": "第31～60天", "day90": "第61～90天"}
#: The packaged rules file, beside this module.
RULES_FILE = "action_plan.yaml"
#: A profile value this many standard deviations from all account managers distinguishes a type
#: (the segmentation's own threshold, :data:`casekit.analysis.segments.DISTINCT_Z`).
DISTINCT_Z: float = 0.5
#: ``default:`` values of a theme: ``fill`` tops up any plan short of ``min_themes``; ``strong``
#: comes first for a type without any weakness (its plan keeps and spreads good practice).
_DEFAULT_KINDS = ("fill", "strong")
_ALL_TYPES = "all"


# -- the rules file -----------------------------------------------------------------------------


class _ActionSchema(Schema):
    do: Any = None
    table: Any = None
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
    sign: Any = None
    watch: Any = None


class _TableSchema(Schema):
    ask: Any = None


class _RhythmSchema(Schema):
    when: Any = None
    what: Any = None


class _RecordSchema(Schema):
    what: Any = None
    how: Any = None


class _RulesSchema(Schema):
    min_themes: Any = None
    max_themes: Any = None
    signs: Keyed[_SignSchema] | None = None
    themes: Each[_ThemeSchema] | None = None
    tables: Keyed[_TableSchema] | None = None
    rhythm: Each[_RhythmSchema] | None = None
    records: Each[_RecordSchema] | None = None


@dataclass(frozen=True)
class Sign:
    """What a sales manager sees on a joint visit when a behaviour changes.

    Attributes
    ----------
    behaviour : str
        A :data:`casekit.domain.BEHAVIOURS` id (a ride-along behaviour).
    direction : int
        +1: the behaviour should be seen more often; −1: less often; 0: neither
        (:data:`casekit.domain.BEHAVIOUR_SKILL`).
    text : str
        The sign, in plain Chinese.
    watch : str
        What to look for on the joint visit (the checklist's question).
    """

    behaviour: str
    direction: int
    text: str
    watch: str

    @property
    def label(self) -> str:
        """The behaviour's Chinese label (as the ride-along records name it)."""
        return BEHAVIOURS[self.behaviour].label

    @property
    def measure(self) -> str:
        """How the follow-up wave's ride-alongs measure it, in Chinese (``随访记录中“…”应减少``)."""
        if self.direction > 0:
            return f"随访记录中“{self.label}”应更常见"
        if self.direction < 0:
            return f"随访记录中“{self.label}”应减少"
        return f"随访记录中“{self.label}”的做法应更有针对性"


@dataclass(frozen=True)
class Theme:
    """One coaching theme of the rules file: when it applies and its action per period."""

    id: str
    title: str
    dimension: str
    behaviours: tuple[str, ...]
    default: str | None
    actions: Mapping[str, tuple[str, str, str]]  # period → (do, table key, sign behaviour)


@dataclass(frozen=True)
class ActionRules:
    """The parsed rules file (:func:`load_action_rules`).

    Attributes
    ----------
    min_themes, max_themes : int
        A plan has between these many themes, so each period has that many actions.
    signs : mapping of str to Sign
        Behaviour id → its sign.
    themes : tuple of Theme
        In the file's order (the order breaks ties).
    tables : mapping of str to str
        Toolbox table key → what the manager asks in the weekly review.
    rhythm : tuple of (str, str)
        The weekly rhythm: when, what.
    records : tuple of (str, str)
        What to record for the next follow-up wave: what, how.
    file : str
        Where the rules were read from (in problems).
    """

    min_themes: int
    max_themes: int
    signs: Mapping[str, Sign]
    themes: tuple[Theme, ...]
    tables: Mapping[str, str]
    rhythm: tuple[tuple[str, str], ...]
    records: tuple[tuple[str, str], ...]
    file: str = RULES_FILE


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _parse_rules(data: Any, log: ProblemLog) -> ActionRules | None:
    if not isinstance(data, Mapping):
        log.add((), None, "a YAML mapping with keys signs, themes, tables, rhythm, records", type(data).__name__)
        return None

    def count(key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            log.add((key,), key, "a whole number ≥ 1", value)
            return default
        return value

    min_themes, max_themes = count("min_themes", 2), count("max_themes", 4)
    if min_themes > max_themes:
        log.add(("max_themes",), "max_themes", f"a number ≥ min_themes ({min_themes})", max_themes)

    def sentence(path: tuple[Any, ...], node: Any, key: str) -> str:
        value = node.get(key) if isinstance(node, Mapping) else None
        text = _text(value)
        if not text or not isinstance(value, str):
            log.add((*path, key), ".".join(str(p) for p in (*path, key)), "a Chinese sentence", value)
        return text

    signs: dict[str, Sign] = {}
    raw_signs = data.get("signs")
    if not isinstance(raw_signs, Mapping) or not raw_signs:
        log.add(("signs",), "signs", "a mapping of behaviour ids to signs", raw_signs)
        raw_signs = {}
    for behaviour, entry in raw_signs.items():
        if behaviour not in BEHAVIOURS:
            log.add(("signs", behaviour), f"signs.{behaviour}", f"a behaviour id ({', '.join(BEHAVIOURS)})", behaviour)
            continue
        signs[behaviour] = Sign(behaviour, BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1],
                                sentence(("signs", behaviour), entry, "sign"),
                                sentence(("signs", behaviour), entry, "watch"))

    themes: list[Theme] = []
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        log.add(("themes",), "themes", "a list of themes", raw_themes)
        raw_themes = []
    seen: set[str] = set()
    for i, entry in enumerate(raw_themes):
        where = ("themes", i)
        if not isinstance(entry, Mapping):
            log.add(where, f"themes[{i}]", "a theme (a mapping)", entry)
            continue
        theme_id = _text(entry.get("id"))
        if not theme_id or not theme_id.isascii() or theme_id in seen:
            log.add((*where, "id"), f"themes[{i}].id", "a unique ASCII id", entry.get("id"))
        seen.add(theme_id)
        title = sentence(where, entry, "title")
        dimension = _text(entry.get("dimension"))
        if dimension not in DIMENSIONS:
            log.add((*where, "dimension"), f"themes[{i}].dimension",
                    f"a dimension id ({', '.join(DIMENSIONS)})", entry.get("dimension"))
        raw_behaviours = entry.get("behaviours") or []
        if not isinstance(raw_behaviours, list):
            log.add((*where, "behaviours"), f"themes[{i}].behaviours", "a list of behaviour ids", raw_behaviours)
            raw_behaviours = []
        for b in raw_behaviours:
            if b not in BEHAVIOURS:
                log.add((*where, "behaviours"), f"themes[{i}].behaviours",
                        f"behaviour ids ({', '.join(BEHAVIOURS)})", b)
        default = entry.get("default")
        if default is True:
            default = "fill"
        if default in (False, None):
            default = None
        elif default not in _DEFAULT_KINDS:
            log.add((*where, "default"), f"themes[{i}].default", "true, fill or strong", default)
            default = None
        actions: dict[str, tuple[str, str, str]] = {}
        for period in PERIODS:
            node = entry.get(period)
            if not isinstance(node, Mapping):
                log.add((*where, period), f"themes[{i}].{period}", "an action with do, table, sign", node)
                continue
            do = sentence((*where, period), node, "do")
            table = _text(node.get("table"))
            if table not in TITLES:
                log.add((*where, period, "table"), f"themes[{i}].{period}.table",
                        f"a toolbox table ({', '.join(TITLES)})", node.get("table"))
            sign = _text(node.get("sign"))
            if sign not in signs:
                log.add((*where, period, "sign"), f"themes[{i}].{period}.sign",
                        "a behaviour with an entry under signs", node.get("sign"))
            actions[period] = (do, table, sign)
        themes.append(Theme(theme_id, title, dimension, tuple(str(b) for b in raw_behaviours), default, actions))
    if raw_themes and not any(t.default == "fill" for t in themes):
        log.add(("themes",), "themes", "at least one theme with default: true (fills a plan with few weaknesses)",
                "none")

    tables: dict[str, str] = {}
    raw_tables = data.get("tables") or {}
    if not isinstance(raw_tables, Mapping):
        log.add(("tables",), "tables", "a mapping of toolbox tables to questions", raw_tables)
        raw_tables = {}
    for key, entry in raw_tables.items():
        if key not in TITLES:
            log.add(("tables", key), f"tables.{key}", f"a toolbox table ({', '.join(TITLES)})", key)
            continue
        tables[str(key)] = sentence(("tables", key), entry, "ask")

    def pairs(key: str, first: str, second: str) -> tuple[tuple[str, str], ...]:
        raw = data.get(key)
        if not isinstance(raw, list) or not raw:
            log.add((key,), key, f"a list of entries with {first} and {second}", raw)
            return ()
        return tuple((sentence((key, i), e, first), sentence((key, i), e, second)) for i, e in enumerate(raw))

    rhythm = pairs("rhythm", "when", "what")
    records = pairs("records", "what", "how")
    return ActionRules(min_themes, max_themes, signs, tuple(themes), tables, rhythm, records, log.file)


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
        unknown dimensions, behaviours or toolbox tables, missing sentences.
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
        raise ActionPlanRulesError([Problem(str(path), None, None, "UTF-8 text",
                                            f"a byte that is not UTF-8 at offset {exc.start}")]) from None
    return _read_rules(text, str(path))


# -- type profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeProfile:
    """What a plan needs to know about one behaviour type.

    Attributes
    ----------
    key : str
        ``type<n>`` for segment n, ``all`` for all account managers (no clear types).
    label : str
        How the plan names it, e.g. ``第2类“常以价格优惠开场·常提出免费试用”``.
    weak_dimensions : tuple of str
        Dimension ids, weakest first.
    behaviours : mapping of str to float
        Behaviour id → how far the type's rate lies from all account managers' (standard
        deviations; positive: more often).
    strengths, weaknesses : tuple of str
        The persona's phrases (for the plan's introduction).
    """

    key: str
    label: str
    weak_dimensions: tuple[str, ...]
    behaviours: Mapping[str, float]
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()

    def behaviours_to_change(self, z: float = DISTINCT_Z) -> tuple[str, ...]:
        """Behaviours seen clearly too often (bad ones) or too seldom (good ones), clearest first."""
        bad = []
        for behaviour, value in self.behaviours.items():
            sign = BEHAVIOUR_SKILL.get(behaviour, ("", 0))[1]
            if sign and math.isfinite(value) and -sign * value >= z:
                bad.append((-sign * value, behaviour))
        return tuple(b for _, b in sorted(bad, key=lambda t: (-t[0], t[1])))


def type_profiles(segments: Any, region: str | None = None, *, min_n: int = MIN_CELL_SIZE,
                  design: CourseDesign | None = None) -> list[TypeProfile]:
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

    Returns
    -------
    list of TypeProfile
        In segment order; one profile ``all`` when there are no clear types.
    """
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
    out = []
    for persona in segments.personas:
        if present is not None and persona.segment not in present:
            continue
        rows = profile.loc[profile["segment"] == persona.segment]
        z = {str(f): float(v) for f, v in zip(rows["feature"], rows["z"])}
        weak = list(persona.emphasis_dimensions)
        low = sorted((v, d) for d, v in z.items() if d in DIMENSIONS and math.isfinite(v) and v <= -DISTINCT_Z)
        weak += [d for _, d in low if d not in weak]
        behaviours = {f[5:]: v for f, v in z.items() if f.startswith("rate_") and f[5:] in BEHAVIOURS}
        out.append(TypeProfile(f"type{persona.segment}", f"第{persona.segment}类“{persona.name}”", tuple(weak),
                               behaviours, tuple(persona.strengths), tuple(persona.weaknesses)))
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
        A :data:`PERIODS` key.
    theme, theme_title : str
        The rules' theme.
    text : str
        What the account manager does.
    dimension : str
        The dimension the action trains.
    module_id, module_title : str
        The module of the region's course design that trains it.
    table, table_title : str
        The toolbox table used (:data:`casekit.authoring.toolbox.TITLES` key and title).
    sign : Sign
        What the sales manager sees on a joint visit when it works.
    because : tuple of str
        The weakness that chose the theme: dimension and behaviour ids; empty for a theme every
        type gets (``default``).
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


@dataclass(frozen=True)
class ActionPlan:
    """The 30/60/90-day plan of one behaviour type in one region.

    Attributes
    ----------
    type_key, type_label : str
        :class:`TypeProfile`'s key and label.
    region, region_name : str
        The region of the course design.
    summary : str
        Who the plan is for and what it works on, in plain Chinese.
    weak_dimensions : tuple of str
        The type's weakest dimensions.
    behaviours_to_change : tuple of str
        Its behaviours in the bad direction.
    actions : tuple of PlanAction
        Period by period, themes in priority order.
    """

    type_key: str
    type_label: str
    region: str
    region_name: str
    summary: str
    weak_dimensions: tuple[str, ...]
    behaviours_to_change: tuple[str, ...]
    actions: tuple[PlanAction, ...]

    def period(self, period: str) -> tuple[PlanAction, ...]:
        """The actions of one :data:`PERIODS` key."""
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


def _label(dimension: str) -> str:
    return DIMENSIONS[dimension].label if dimension in DIMENSIONS else dimension


def _chosen_themes(profile: TypeProfile, rules: ActionRules, population: str
                   ) -> list[tuple[Theme, tuple[str, ...]]]:
    """The themes of a type, strongest weakness first, with the weaknesses that chose each."""
    dims = [d for d in profile.weak_dimensions if d in POPULATION_DIMENSIONS.get(population, DIMENSIONS)]
    to_change = profile.behaviours_to_change()
    scored = []
    for order, theme in enumerate(rules.themes):
        if theme.default == "strong":  # keeping good practice: never a remedy for a weakness
            continue
        because: list[str] = []
        score = 0.0
        if theme.dimension in dims:  # the weakest dimension scores 2, the last one just over 1
            because.append(theme.dimension)
            score = max(score, 1 + (len(dims) - dims.index(theme.dimension)) / len(dims))
        for b in theme.behaviours:  # a behaviour scores its distance from everybody (≥ DISTINCT_Z)
            if b in to_change:
                because.append(b)
                score = max(score, abs(profile.behaviours.get(b, 0.0)))
        if because:
            scored.append((-score, order, theme, tuple(because)))
    chosen = [(t, because) for _, _, t, because in sorted(scored, key=lambda s: (s[0], s[1]))][:rules.max_themes]
    # good practice to keep and spread: only a real type without any weakness (not "everybody")
    fill_kinds = ("strong", "fill") if not chosen and profile.key != _ALL_TYPES else ("fill",)
    for kind in fill_kinds:
        for theme in rules.themes:
            if len(chosen) >= rules.min_themes:
                break
            if theme.default == kind and all(t.id != theme.id for t, _ in chosen):
                chosen.append((theme, ()))
    return chosen


def _summary(profile: TypeProfile, region_name: str, themes: Sequence[tuple[Theme, tuple[str, ...]]]) -> str:
    if profile.key == _ALL_TYPES:
        who = f"{region_name}的全体客户经理（调研未发现明显不同的行为类型）"
    else:
        who = f"{region_name}属于{profile.label}的客户经理"
    weak = "、".join(profile.weaknesses[:4])
    parts = [f"适用于{who}。"]
    if weak:
        parts.append(f"这一类客户经理与其他客户经理相比，明显不足的是{weak}。")
    elif profile.weak_dimensions:
        parts.append("需要加强的是" + "、".join(f"「{_label(d)}」" for d in profile.weak_dimensions[:3]) + "。")
    elif profile.key == _ALL_TYPES:
        parts.append("调研未发现需要特别加强的方面，计划的重点是养成用销售工具表、按计划拜访的习惯。")
    else:
        parts.append("这一类客户经理的做法已接近顾问式销售，计划的重点是保持好习惯，并带动其他同事。")
    parts.append("九十天内重点练：" + "；".join(t.title for t, _ in themes) + "。")
    return "".join(parts)


def action_plans(design: CourseDesign, segments: Any, toolbox_tables: Iterable[str] | None = None, *,
                 rules: ActionRules | None = None, min_n: int = MIN_CELL_SIZE) -> list[ActionPlan]:
    """The 30/60/90-day action plan of each behaviour type of the design's region.

    Parameters
    ----------
    design : CourseDesign
        The region's course for account managers (:func:`casekit.reports.course.course_design`,
        or :func:`casekit.curriculum.design_course`): every action names one of its modules.
    segments : SegmentReport, sequence of TypeProfile, or None
        The behaviour types: a segmentation of the whole bundle
        (:func:`casekit.analysis.segment_account_managers`; the region's types are those with
        people in the region, see :func:`type_profiles`), or profiles built by hand. None, or a
        segmentation without clear types: one plan for all account managers, from the design.
    toolbox_tables : iterable of str, optional
        The toolbox tables the account managers have (:data:`casekit.authoring.toolbox.TITLES`
        keys, e.g. ``[k for k, _ in build_toolbox(bundle, region).tables()]``); an action whose
        table is not among them is left out (another theme fills its place). Default: every table.
    rules : ActionRules, optional
        :func:`load_action_rules` (default: the packaged rules).
    min_n : int
        Disclosure threshold, see :func:`type_profiles`.

    Returns
    -------
    list of ActionPlan
        One per type, in segment order; each period holds ``rules.min_themes`` to
        ``rules.max_themes`` actions (two to four with the packaged rules).
    """
    rules = rules or load_action_rules()
    if segments is None or hasattr(segments, "personas"):
        profiles = type_profiles(segments, design.region, min_n=min_n, design=design)
    else:
        profiles = list(segments)
    tables = set(TITLES) if toolbox_tables is None else {str(t).split(":")[0] for t in toolbox_tables}
    usable = ActionRules(rules.min_themes, rules.max_themes, rules.signs,
                         tuple(t for t in rules.themes if all(a[1] in tables for a in t.actions.values())),
                         rules.tables, rules.rhythm, rules.records, rules.file)
    plans = []
    for profile in profiles:
        themes = _chosen_themes(profile, usable, design.audience)
        actions = []
        for period in PERIODS:
            for theme, because in themes:
                do, table, sign = theme.actions[period]
                module = _module_for(design, theme.dimension)
                actions.append(PlanAction(period, theme.id, theme.title, do, theme.dimension, module.id,
                                          module.title, table, table_title(table), rules.signs[sign], because))
        plans.append(ActionPlan(profile.key, profile.label, design.region, design.region_name,
                                _summary(profile, design.region_name, themes), profile.weak_dimensions,
                                profile.behaviours_to_change(), tuple(actions)))
    return plans
