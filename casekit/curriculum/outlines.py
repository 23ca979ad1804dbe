"""The seed's three example course outlines, as validated data.

The outlines live in ``casekit/curriculum/outlines.yaml`` (see the comment at its top for every
key). :func:`load_outlines` reads and validates that file -- or another file of the same shape --
and returns one frozen :class:`Outline` per population. Every problem in the file is reported at
once in an :class:`OutlineError`, each naming the line, the module and the key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from casekit.domain import POPULATION_DIMENSIONS, POPULATIONS
from casekit.exceptions import CurriculumError, OutlineError, Problem
from casekit.bounded import StrictYamlLoader, yaml_error_problem

__all__ = [
    "DAYS_SOURCES",
    "DAY_STEP",
    "CurriculumError",
    "Module",
    "Outline",
    "OutlineError",
    "Part",
    "default_outlines_path",
    "load_outlines",
]

#: Granularity of every course length, in days.
DAY_STEP: float = 0.25

#: Where a module's day range comes from → how a report says so.
DAYS_SOURCES: Mapping[str, str] = {
    "seed": "种子大纲给定",
    "seed_split": "种子大纲给定本部分总时长，模块间拆分",
    "default": "种子未给出，顾问默认区间",
}

#: seed: 互动时间（包括讨论，练习，体验等）在课程安排中超过一半
_MIN_INTERACTIVE_SHARE = 0.5
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"outlines"}
_OUTLINE_KEYS = {"population", "title", "parts"}
_PART_KEYS = {"title", "days", "modules"}
_MODULE_REQUIRED = (
    "id",
    "title",
    "days",
    "days_source",
    "dimensions",
    "interactive_share",
    "chapters",
)
_MODULE_OPTIONAL = ("shared_with", "shared_topics", "topics", "toolbox", "cases")


@dataclass(frozen=True)
class Module:
    """One unit of a course outline whose length the research decides.

    Parameters
    ----------
    module_id : str
        ASCII identifier, unique across all outlines.
    title : str
        Chinese title.
    days_min, days_max : float
        The range of its length in days (multiples of :data:`DAY_STEP`).
    dimensions : tuple of str
        Research dimensions it trains (ids of its population's dimensions); the first is the one
        it mainly trains (it counts double when tailoring).
    interactive_share : float
        Share of its time spent in discussions, exercises and role-plays (≥ 0.5).
    shared_with : tuple of str
        Other populations whose outline holds the same content.
    chapters : tuple of str
        Chapter titles, seed wording.
    cases : tuple of str
        Named cases, seed wording.
    population : str
        The population of the outline it belongs to.
    part : str or None
        Title of the seed part it belongs to (``None`` when the seed has no parts).
    days_source : {"seed", "seed_split", "default"}
        Provenance of the day range, see :data:`DAYS_SOURCES`.
    shared_topics : tuple of str
        The items shared with the populations of ``shared_with``.
    topics : tuple of str
        The chapters' bullets in seed order.
    toolbox : tuple of str
        Sales-toolbox items used.
    """

    module_id: str
    title: str
    days_min: float
    days_max: float
    dimensions: tuple[str, ...]
    interactive_share: float
    shared_with: tuple[str, ...]
    chapters: tuple[str, ...]
    cases: tuple[str, ...]
    population: str = ""
    part: str | None = None
    days_source: str = "default"
    shared_topics: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    toolbox: tuple[str, ...] = ()

    @property
    def days_mid(self) -> float:
        """Midpoint of the range, rounded to the nearest :data:`DAY_STEP` (halves up)."""
        return round_days((self.days_min + self.days_max) / 2)


@dataclass(frozen=True)
class Part:
    """A part of an outline as the seed names it, with the seed's day range when it gives one.

    Parameters
    ----------
    title : str or None
        The seed's title, ``None`` for an outline without parts.
    module_ids : tuple of str
        Its modules, in order.
    days_min, days_max : float or None
        The seed's range for the whole part; the modules' ranges add up to it.
    """

    title: str | None
    module_ids: tuple[str, ...]
    days_min: float | None = None
    days_max: float | None = None


@dataclass(frozen=True)
class Outline:
    """A course outline for one population.

    Parameters
    ----------
    population : str
        Population id.
    title : str
        Chinese course title.
    modules : tuple of Module
        In teaching order.
    parts : tuple of Part
        The seed's parts, grouping the modules.
    """

    population: str
    title: str
    modules: tuple[Module, ...]
    parts: tuple[Part, ...] = field(default=())

    @property
    def days_min(self) -> float:
        """Shortest possible course: every module at its minimum."""
        return sum(m.days_min for m in self.modules)

    @property
    def days_max(self) -> float:
        """Longest possible course: every module at its maximum."""
        return sum(m.days_max for m in self.modules)

    def module(self, module_id: str) -> Module:
        """Return the module with id ``module_id``.

        Raises
        ------
        KeyError
            If the outline has no such module.
        """
        for m in self.modules:
            if m.module_id == module_id:
                return m
        raise KeyError(f"outline {self.population!r} has no module {module_id!r}")


def round_days(days: float) -> float:
    """Round ``days`` to the nearest :data:`DAY_STEP`, halves up (deterministic)."""
    return math.floor(days / DAY_STEP + 0.5 + 1e-9) * DAY_STEP


def default_outlines_path() -> Path:
    """Path of the packaged ``outlines.yaml``."""
    return Path(str(resources.files("casekit.curriculum").joinpath("outlines.yaml")))


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _LineDict(dict):
    """A mapping that remembers the line where it starts in its YAML file."""

    line: int | None = None


class _LineLoader(StrictYamlLoader):
    """casekit's strict loader (no anchors or aliases, duplicate keys reported) + line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


# --------------------------------------------------------------------------------------------
# validation


class _Checker:
    """Collects every problem of one outlines file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.module_lines: dict[str, int | None] = {}

    def add(self, node: Any, where: str, expected: str, found: Any) -> None:
        line = getattr(node, "line", None)
        shown = "<missing>" if found is _MISSING else repr(found)
        self.problems.append(Problem(self.file, line, where, expected, shown))

    # small typed readers; each returns a usable value or None after recording a problem
    def text(
        self, node: Mapping, key: str, where: str, *, optional: bool = False
    ) -> str | None:
        value = node.get(key, _MISSING)
        if optional and value in (None, _MISSING):
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(node, where, "a non-empty text", value)
            return None
        return value.strip()

    def texts(
        self, node: Mapping, key: str, where: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = node.get(key, _MISSING)
        if value is _MISSING and not required:
            return ()
        ok = isinstance(value, list) and all(
            isinstance(v, str) and v.strip() for v in value
        )
        if not ok or (required and not value):
            self.add(
                node,
                where,
                "a non-empty list of texts" if required else "a list of texts",
                value,
            )
            return ()
        return tuple(v.strip() for v in value)

    def days(self, node: Mapping, key: str, where: str) -> tuple[float, float] | None:
        value = node.get(key, _MISSING)
        expected = f"[min, max] in days with 0 < min ≤ max, multiples of {DAY_STEP:g}"
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
            )
        ):
            self.add(node, where, expected, value)
            return None
        lo, hi = float(value[0]), float(value[1])
        on_grid = all(abs(v / DAY_STEP - round(v / DAY_STEP)) < 1e-9 for v in (lo, hi))
        if not (0 < lo <= hi) or not on_grid:
            self.add(node, where, expected, value)
            return None
        return lo, hi

    def unknown_keys(
        self, node: Mapping, allowed: set[str] | Sequence[str], where: str
    ) -> None:
        for key in node:
            if key not in allowed:
                self.add(
                    node,
                    f"{where}, key {key!r}",
                    f"one of the keys {', '.join(sorted(allowed))}",
                    key,
                )


_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()


def _parse(data: Any, file: str) -> dict[str, Outline]:
    check = _Checker(file)
    if not isinstance(data, Mapping) or not isinstance(data.get("outlines"), list):
        check.add(
            data,
            "key 'outlines'",
            "a mapping with a list under 'outlines'",
            type(data).__name__,
        )
        raise OutlineError(check.problems)
    check.unknown_keys(data, _TOP_KEYS, "top level")

    outlines: dict[str, Outline] = {}
    seen_ids: set[str] = set()
    for i, raw in enumerate(data["outlines"], start=1):
        where = f"outline #{i}"
        if not isinstance(raw, Mapping):
            check.add(data, where, "a mapping with population, title, parts", raw)
            continue
        check.unknown_keys(raw, _OUTLINE_KEYS, where)
        population = raw.get("population", _MISSING)
        if population not in POPULATIONS:
            check.add(
                raw,
                f"{where}, key 'population'",
                f"one of {', '.join(POPULATIONS)}",
                population,
            )
            continue
        where = f"outline {population!r}"
        if population in outlines:
            check.add(
                raw, f"{where}, key 'population'", "each population once", population
            )
            continue
        title = check.text(raw, "title", f"{where}, key 'title'")
        parts_raw = raw.get("parts", _MISSING)
        if not isinstance(parts_raw, list) or not parts_raw:
            check.add(
                raw, f"{where}, key 'parts'", "a non-empty list of parts", parts_raw
            )
            continue
        modules: list[Module] = []
        parts: list[Part] = []
        for j, part_raw in enumerate(parts_raw, start=1):
            parsed = _parse_part(
                check, part_raw, population, f"{where}, part #{j}", seen_ids
            )
            if parsed is not None:
                parts.append(parsed[0])
                modules.extend(parsed[1])
        outlines[population] = Outline(
            population, title or "", tuple(modules), tuple(parts)
        )

    missing = [p for p in POPULATIONS if p not in outlines]
    if missing and not check.problems:
        check.add(
            data,
            "key 'outlines'",
            f"one outline for each of {', '.join(POPULATIONS)}",
            f"none for {', '.join(missing)}",
        )
    # cross-outline checks only make sense on otherwise clean data
    if not check.problems:
        _check_shared(check, outlines)
    if check.problems:
        raise OutlineError(check.problems)
    return {p: outlines[p] for p in POPULATIONS}


def _parse_part(
    check: _Checker, raw: Any, population: str, where: str, seen_ids: set[str]
) -> tuple[Part, list[Module]] | None:
    if not isinstance(raw, Mapping):
        check.add(
            raw, where, "a mapping with title, modules (and optionally days)", raw
        )
        return None
    check.unknown_keys(raw, _PART_KEYS, where)
    title = check.text(raw, "title", f"{where}, key 'title'", optional=True)
    if title:
        where = f"{where} {title!r}"
    part_days = (
        check.days(raw, "days", f"{where}, key 'days'") if "days" in raw else None
    )
    modules_raw = raw.get("modules", _MISSING)
    if not isinstance(modules_raw, list) or not modules_raw:
        check.add(
            raw, f"{where}, key 'modules'", "a non-empty list of modules", modules_raw
        )
        return None
    modules = []
    for k, module_raw in enumerate(modules_raw, start=1):
        module = _parse_module(
            check,
            module_raw,
            population,
            title,
            "days" in raw,
            f"{where}, module #{k}",
            seen_ids,
        )
        if module is not None:
            modules.append(module)
    if part_days is not None and len(modules) == len(modules_raw):
        lo = sum(m.days_min for m in modules)
        hi = sum(m.days_max for m in modules)
        if abs(lo - part_days[0]) > 1e-9 or abs(hi - part_days[1]) > 1e-9:
            check.add(
                raw,
                f"{where}, key 'days'",
                f"the modules' ranges to add up to the part's range [{part_days[0]:g}, {part_days[1]:g}]",
                f"[{lo:g}, {hi:g}] ({', '.join(m.module_id for m in modules)})",
            )
    days_min, days_max = part_days if part_days else (None, None)
    return Part(title, tuple(m.module_id for m in modules), days_min, days_max), modules


def _parse_module(
    check: _Checker,
    raw: Any,
    population: str,
    part: str | None,
    part_has_days: bool,
    where: str,
    seen_ids: set[str],
) -> Module | None:
    if not isinstance(raw, Mapping):
        check.add(raw, where, "a mapping describing a module", raw)
        return None
    module_id = raw.get("id", _MISSING)
    if not isinstance(module_id, str) or not _ID_PATTERN.match(module_id):
        check.add(
            raw,
            f"{where}, key 'id'",
            "an ASCII id like 'am_transformation' ([a-z][a-z0-9_]*)",
            module_id,
        )
        return None
    where = f"module {module_id!r}"
    n_before = len(check.problems)
    if module_id in seen_ids:
        check.add(
            raw,
            f"{where}, key 'id'",
            "a module id used once across all outlines",
            module_id,
        )
    seen_ids.add(module_id)
    check.module_lines[module_id] = getattr(raw, "line", None)
    check.unknown_keys(raw, (*_MODULE_REQUIRED, *_MODULE_OPTIONAL), where)
    for key in _MODULE_REQUIRED:
        if key not in raw:
            check.add(raw, f"{where}, key {key!r}", "this key (required)", _MISSING)

    title = (
        check.text(raw, "title", f"{where}, key 'title'") if "title" in raw else None
    )
    days = check.days(raw, "days", f"{where}, key 'days'") if "days" in raw else None

    days_source = raw.get("days_source", _MISSING)
    if "days_source" in raw:
        if days_source not in DAYS_SOURCES:
            check.add(
                raw,
                f"{where}, key 'days_source'",
                f"one of {', '.join(DAYS_SOURCES)}",
                days_source,
            )
        elif days_source in ("seed", "seed_split") and not part_has_days:
            check.add(
                raw,
                f"{where}, key 'days_source'",
                "'default' (its part states no seed day range)",
                days_source,
            )
        elif days_source == "default" and part_has_days:
            check.add(
                raw,
                f"{where}, key 'days_source'",
                "'seed' or 'seed_split' (its part has the seed's day range)",
                days_source,
            )

    allowed_dims = POPULATION_DIMENSIONS[population]
    dimensions = raw.get("dimensions", _MISSING)
    if "dimensions" in raw and (
        not isinstance(dimensions, list)
        or not dimensions
        or any(d not in allowed_dims for d in dimensions)
        or len(set(dimensions)) != len(dimensions)
    ):
        check.add(
            raw,
            f"{where}, key 'dimensions'",
            f"a non-empty list of distinct dimensions of {population} ({', '.join(allowed_dims)})",
            dimensions,
        )

    share = raw.get("interactive_share", _MISSING)
    if "interactive_share" in raw and (
        not isinstance(share, (int, float))
        or isinstance(share, bool)
        or not (_MIN_INTERACTIVE_SHARE <= share <= 1)
    ):
        check.add(
            raw,
            f"{where}, key 'interactive_share'",
            f"a share between {_MIN_INTERACTIVE_SHARE:g} and 1 (seed: 互动时间超过一半)",
            share,
        )

    chapters = (
        check.texts(raw, "chapters", f"{where}, key 'chapters'", required=True)
        if "chapters" in raw
        else ()
    )
    shared_with = raw.get("shared_with", [])
    if (
        not isinstance(shared_with, list)
        or any(p not in POPULATIONS or p == population for p in shared_with)
        or len(set(shared_with)) != len(shared_with)
    ):
        others = [p for p in POPULATIONS if p != population]
        check.add(
            raw,
            f"{where}, key 'shared_with'",
            f"a list of other populations ({', '.join(others)})",
            shared_with,
        )
        shared_with = []
    shared_topics = check.texts(raw, "shared_topics", f"{where}, key 'shared_topics'")
    topics = check.texts(raw, "topics", f"{where}, key 'topics'")
    toolbox = check.texts(raw, "toolbox", f"{where}, key 'toolbox'")
    cases = check.texts(raw, "cases", f"{where}, key 'cases'")

    if bool(shared_with) != bool(shared_topics):
        check.add(
            raw,
            f"{where}, key 'shared_topics'",
            "shared topics exactly when 'shared_with' names populations",
            list(shared_topics),
        )
    own = set(chapters) | set(topics) | set(toolbox) | set(cases)
    for topic in shared_topics:
        if topic not in own:
            check.add(
                raw,
                f"{where}, key 'shared_topics'",
                "each shared topic to appear in the module's chapters, topics, toolbox or cases",
                topic,
            )

    if len(check.problems) > n_before:
        return None
    return Module(
        module_id=module_id,
        title=title or "",
        days_min=days[0] if days else 0.0,
        days_max=days[1] if days else 0.0,
        dimensions=tuple(dimensions),
        interactive_share=float(share),
        shared_with=tuple(shared_with),
        chapters=chapters,
        cases=cases,
        population=population,
        part=part,
        days_source=str(days_source),
        shared_topics=shared_topics,
        topics=topics,
        toolbox=toolbox,
    )


def _check_shared(check: _Checker, outlines: Mapping[str, Outline]) -> None:
    """Each population a module shares with must hold at least one of its shared topics."""
    content = {
        population: {
            item
            for m in outline.modules
            for item in (*m.chapters, *m.topics, *m.toolbox, *m.cases)
        }
        for population, outline in outlines.items()
    }
    for outline in outlines.values():
        for m in outline.modules:
            for other in m.shared_with:
                if other not in content:
                    continue
                if not any(t in content[other] for t in m.shared_topics):
                    check.problems.append(
                        Problem(
                            check.file,
                            check.module_lines.get(m.module_id),
                            f"module {m.module_id!r}, key 'shared_with'",
                            f"the outline of {other} to contain at least one of its shared topics",
                            repr(other),
                        )
                    )


# --------------------------------------------------------------------------------------------
# public API


def load_outlines(path: str | Path | None = None) -> dict[str, Outline]:
    """Read and validate the course outlines.

    Parameters
    ----------
    path : str or Path, optional
        An outlines YAML file; the packaged ``casekit/curriculum/outlines.yaml`` by default.

    Returns
    -------
    dict of str to Outline
        One outline per population, in :data:`~casekit.domain.POPULATIONS` order.

    Raises
    ------
    OutlineError
        With every problem of the file (YAML syntax, missing or unknown keys, bad ranges,
        dimensions of another population, interactive share below one half, inconsistent
        shared content), each naming the line, the module and the key.
    FileNotFoundError
        If ``path`` does not exist.
    """
    if path is None:
        file_path = default_outlines_path()
        shown = "casekit/curriculum/outlines.yaml"
    else:
        file_path = Path(path)
        shown = str(path)
    text = file_path.read_text(encoding="utf-8-sig")
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
        duplicates = loader.duplicate_problems(shown)
    except yaml.YAMLError as exc:
        raise OutlineError([yaml_error_problem(exc, shown)]) from exc
    finally:
        loader.dispose()
    if duplicates:
        raise OutlineError(duplicates)
    return _parse(data, shown)
