"""The seed's three example course outlines, as validated data.

The outlines live in ``casekit/curriculum/outlines.yaml`` (see the comment at its top for every
key). :func:`load_outlines` reads and validates that file -- or another file of the same shape --
and returns one frozen :class:`Outline` per population. Every problem in the file is reported at
once in an :class:`OutlineError`, each naming the line, the module and the key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from casekit.domain import POPULATION_DIMENSIONS, POPULATIONS
from casekit.exceptions import CurriculumError, OutlineError, Problem
from casekit.intake.config import Each, ProblemLog, Schema, load_config

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
    "seed": "标准课程大纲给定",
    "seed_split": "标准课程大纲给定本部分总时长，各模块间由顾问拆分",
    "default": "标准课程大纲未给出，由顾问定的默认区间",
}

#: seed: 互动时间（包括讨论，练习，体验等）在课程安排中超过一半
_MIN_INTERACTIVE_SHARE = 0.5
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_MODULE_REQUIRED = (
    "id",
    "title",
    "days",
    "days_source",
    "dimensions",
    "interactive_share",
    "chapters",
)


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
        it mainly trains (it counts double in the design).
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
# schema: the keys of an outlines file


class ModuleSchema(Schema):
    """A module (``_MODULE_REQUIRED`` keys must be present; checked with the values)."""

    id: Any = None
    title: Any = None
    days: Any = None
    days_source: Any = None
    dimensions: Any = None
    interactive_share: Any = None
    chapters: Any = None
    shared_with: Any = None
    shared_topics: Any = None
    topics: Any = None
    toolbox: Any = None
    cases: Any = None


class PartSchema(Schema):
    """A part of an outline: its modules and, when the seed gives it, its day range."""

    title: Any = None
    days: Any = None
    modules: Each[ModuleSchema] | None = None


class OutlineSchema(Schema):
    """One population's outline."""

    population: Any = None
    title: Any = None
    parts: Each[PartSchema] | None = None


class OutlinesSchema(Schema):
    """The keys of an outlines file (``casekit/curriculum/outlines.yaml``)."""

    outlines: Each[OutlineSchema] | None = None


# --------------------------------------------------------------------------------------------
# validation

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()


def _show(found: Any) -> str:
    """A found value as :class:`OutlineError` writes it (Python's notation)."""
    return "<missing>" if found is _MISSING else repr(found)


def _placer(data: Any) -> Any:
    """YAML path → place name: ``module 'am_x', key 'days'``, ``outline 'sales_manager', part #2``."""

    def item(node: Any, key: str, index: Any) -> Any:
        seq = node.get(key) if isinstance(node, Mapping) else None
        return seq[index] if isinstance(seq, list) and isinstance(index, int) and index < len(seq) else None

    def place(loc: tuple[Any, ...]) -> str:
        where, key = "top level", loc[-1]
        if len(loc) >= 3:
            outline = item(data, "outlines", loc[1])
            population = outline.get("population") if isinstance(outline, Mapping) else None
            where = f"outline {population!r}" if population in POPULATIONS else f"outline #{loc[1] + 1}"
        if len(loc) >= 5:
            part = item(outline, "parts", loc[3])
            title = part.get("title") if isinstance(part, Mapping) else None
            where += f", part #{loc[3] + 1}" + (f" {title.strip()!r}" if isinstance(title, str) and title.strip()
                                                else "")
        if len(loc) >= 7:
            module = item(part, "modules", loc[5])
            module_id = module.get("id") if isinstance(module, Mapping) else None
            where = (f"module {module_id!r}" if isinstance(module_id, str) and _ID_PATTERN.match(module_id)
                     else f"{where}, module #{loc[5] + 1}")
        return f"{where}, key {key!r}"

    return place


def _text(log: ProblemLog, node: Mapping, path: tuple[Any, ...], key: str, where: str, *,
          optional: bool = False) -> str | None:
    """``node[key]`` as a non-empty text, or None after recording a problem."""
    value = node.get(key, _MISSING)
    if optional and value in (None, _MISSING):
        return None
    if not isinstance(value, str) or not value.strip():
        log.add(path, where, "a non-empty text", value)
        return None
    return value.strip()


def _texts(log: ProblemLog, node: Mapping, path: tuple[Any, ...], key: str, where: str, *,
           required: bool = False) -> tuple[str, ...]:
    """``node[key]`` as a list of texts (``()`` after recording a problem)."""
    value = node.get(key, _MISSING)
    if value is _MISSING and not required:
        return ()
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if not ok or (required and not value):
        log.add(path, where, "a non-empty list of texts" if required else "a list of texts", value)
        return ()
    return tuple(v.strip() for v in value)


def _days(log: ProblemLog, node: Mapping, path: tuple[Any, ...], key: str, where: str
          ) -> tuple[float, float] | None:
    """``node[key]`` as a day range on the :data:`DAY_STEP` grid, or None after a problem."""
    value = node.get(key, _MISSING)
    expected = f"[min, max] in days with 0 < min ≤ max, multiples of {DAY_STEP:g}"
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        log.add(path, where, expected, value)
        return None
    lo, hi = float(value[0]), float(value[1])
    on_grid = all(abs(v / DAY_STEP - round(v / DAY_STEP)) < 1e-9 for v in (lo, hi))
    if not (0 < lo <= hi) or not on_grid:
        log.add(path, where, expected, value)
        return None
    return lo, hi


def _parse(data: Any, log: ProblemLog) -> dict[str, Outline]:
    if not isinstance(data, Mapping) or not isinstance(data.get("outlines"), list):
        log.add((), "key 'outlines'", "a mapping with a list under 'outlines'", type(data).__name__)
        raise OutlineError(log.problems)

    outlines: dict[str, Outline] = {}
    seen_ids: set[str] = set()
    module_lines: dict[str, int | None] = {}
    for i, raw in enumerate(data["outlines"]):
        path: tuple[Any, ...] = ("outlines", i)
        where = f"outline #{i + 1}"
        if not isinstance(raw, Mapping):
            log.add(path, where, "a mapping with population, title, parts", raw)
            continue
        population = raw.get("population", _MISSING)
        if population not in POPULATIONS:
            log.add(path, f"{where}, key 'population'", f"one of {', '.join(POPULATIONS)}", population)
            continue
        where = f"outline {population!r}"
        if population in outlines:
            log.add(path, f"{where}, key 'population'", "each population once", population)
            continue
        title = _text(log, raw, path, "title", f"{where}, key 'title'")
        parts_raw = raw.get("parts", _MISSING)
        if not isinstance(parts_raw, list) or not parts_raw:
            log.add(path, f"{where}, key 'parts'", "a non-empty list of parts", parts_raw)
            continue
        modules: list[Module] = []
        parts: list[Part] = []
        for j, part_raw in enumerate(parts_raw):
            parsed = _parse_part(log, part_raw, path + ("parts", j), population, f"{where}, part #{j + 1}",
                                 seen_ids, module_lines)
            if parsed is not None:
                parts.append(parsed[0])
                modules.extend(parsed[1])
        outlines[population] = Outline(population, title or "", tuple(modules), tuple(parts))

    missing = [p for p in POPULATIONS if p not in outlines]
    if missing and not log.problems:
        log.add((), "key 'outlines'", f"one outline for each of {', '.join(POPULATIONS)}",
                f"none for {', '.join(missing)}")
    # cross-outline checks only make sense on otherwise clean data
    if not log.problems:
        _check_shared(log, outlines, module_lines)
    if log.problems:
        raise OutlineError(log.problems)
    return {p: outlines[p] for p in POPULATIONS}


def _parse_part(
    log: ProblemLog, raw: Any, path: tuple[Any, ...], population: str, where: str, seen_ids: set[str],
    module_lines: dict[str, int | None],
) -> tuple[Part, list[Module]] | None:
    if not isinstance(raw, Mapping):
        log.add(path, where, "a mapping with title, modules (and optionally days)", raw)
        return None
    title = _text(log, raw, path, "title", f"{where}, key 'title'", optional=True)
    if title:
        where = f"{where} {title!r}"
    part_days = _days(log, raw, path, "days", f"{where}, key 'days'") if "days" in raw else None
    modules_raw = raw.get("modules", _MISSING)
    if not isinstance(modules_raw, list) or not modules_raw:
        log.add(path, f"{where}, key 'modules'", "a non-empty list of modules", modules_raw)
        return None
    modules = []
    for k, module_raw in enumerate(modules_raw):
        module = _parse_module(log, module_raw, path + ("modules", k), population, title, "days" in raw,
                               f"{where}, module #{k + 1}", seen_ids)
        if module is not None:
            modules.append(module)
            module_lines[module.module_id] = log.line(*path, "modules", k)
    if part_days is not None and len(modules) == len(modules_raw):
        lo = sum(m.days_min for m in modules)
        hi = sum(m.days_max for m in modules)
        if abs(lo - part_days[0]) > 1e-9 or abs(hi - part_days[1]) > 1e-9:
            log.add(
                path,
                f"{where}, key 'days'",
                f"the modules' ranges to add up to the part's range [{part_days[0]:g}, {part_days[1]:g}]",
                f"[{lo:g}, {hi:g}] ({', '.join(m.module_id for m in modules)})",
            )
    days_min, days_max = part_days if part_days else (None, None)
    return Part(title, tuple(m.module_id for m in modules), days_min, days_max), modules


def _parse_module(
    log: ProblemLog,
    raw: Any,
    path: tuple[Any, ...],
    population: str,
    part: str | None,
    part_has_days: bool,
    where: str,
    seen_ids: set[str],
) -> Module | None:
    if not isinstance(raw, Mapping):
        log.add(path, where, "a mapping describing a module", raw)
        return None
    module_id = raw.get("id", _MISSING)
    if not isinstance(module_id, str) or not _ID_PATTERN.match(module_id):
        log.add(path, f"{where}, key 'id'", "an ASCII id like 'am_transformation' ([a-z][a-z0-9_]*)", module_id)
        return None
    where = f"module {module_id!r}"
    n_before = len(log)
    if module_id in seen_ids:
        log.add(path, f"{where}, key 'id'", "a module id used once across all outlines", module_id)
    seen_ids.add(module_id)
    for key in _MODULE_REQUIRED:
        if key not in raw:
            log.add(path, f"{where}, key {key!r}", "this key (required)", _MISSING)

    title = _text(log, raw, path, "title", f"{where}, key 'title'") if "title" in raw else None
    days = _days(log, raw, path, "days", f"{where}, key 'days'") if "days" in raw else None

    days_source = raw.get("days_source", _MISSING)
    if "days_source" in raw:
        if days_source not in DAYS_SOURCES:
            log.add(path, f"{where}, key 'days_source'", f"one of {', '.join(DAYS_SOURCES)}", days_source)
        elif days_source in ("seed", "seed_split") and not part_has_days:
            log.add(path, f"{where}, key 'days_source'", "'default' (its part states no seed day range)",
                    days_source)
        elif days_source == "default" and part_has_days:
            log.add(path, f"{where}, key 'days_source'",
                    "'seed' or 'seed_split' (its part has the seed's day range)", days_source)

    allowed_dims = POPULATION_DIMENSIONS[population]
    dimensions = raw.get("dimensions", _MISSING)
    if "dimensions" in raw and (
        not isinstance(dimensions, list)
        or not dimensions
        or any(d not in allowed_dims for d in dimensions)
        or len(set(dimensions)) != len(dimensions)
    ):
        log.add(path, f"{where}, key 'dimensions'",
                f"a non-empty list of distinct dimensions of {population} ({', '.join(allowed_dims)})",
                dimensions)

    share = raw.get("interactive_share", _MISSING)
    if "interactive_share" in raw and (
        not isinstance(share, (int, float))
        or isinstance(share, bool)
        or not (_MIN_INTERACTIVE_SHARE <= share <= 1)
    ):
        log.add(path, f"{where}, key 'interactive_share'",
                f"a share between {_MIN_INTERACTIVE_SHARE:g} and 1 (seed: 互动时间超过一半)", share)

    chapters = (_texts(log, raw, path, "chapters", f"{where}, key 'chapters'", required=True)
                if "chapters" in raw else ())
    shared_with = raw.get("shared_with", [])
    if (
        not isinstance(shared_with, list)
        or any(p not in POPULATIONS or p == population for p in shared_with)
        or len(set(shared_with)) != len(shared_with)
    ):
        others = [p for p in POPULATIONS if p != population]
        log.add(path, f"{where}, key 'shared_with'", f"a list of other populations ({', '.join(others)})",
                shared_with)
        shared_with = []
    shared_topics = _texts(log, raw, path, "shared_topics", f"{where}, key 'shared_topics'")
    topics = _texts(log, raw, path, "topics", f"{where}, key 'topics'")
    toolbox = _texts(log, raw, path, "toolbox", f"{where}, key 'toolbox'")
    cases = _texts(log, raw, path, "cases", f"{where}, key 'cases'")

    if bool(shared_with) != bool(shared_topics):
        log.add(path, f"{where}, key 'shared_topics'", "shared topics exactly when 'shared_with' names populations",
                list(shared_topics))
    own = set(chapters) | set(topics) | set(toolbox) | set(cases)
    for topic in shared_topics:
        if topic not in own:
            log.add(path, f"{where}, key 'shared_topics'",
                    "each shared topic to appear in the module's chapters, topics, toolbox or cases", topic)

    if len(log) > n_before:
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


def _check_shared(log: ProblemLog, outlines: Mapping[str, Outline], module_lines: Mapping[str, int | None]
                  ) -> None:
    """Each population a module shares with must hold at least one of its shared topics."""
    content = {
        population: {item for m in outline.modules for item in (*m.chapters, *m.topics, *m.toolbox, *m.cases)}
        for population, outline in outlines.items()
    }
    for outline in outlines.values():
        for m in outline.modules:
            for other in m.shared_with:
                if other not in content:
                    continue
                if not any(t in content[other] for t in m.shared_topics):
                    log.problems.append(Problem(
                        log.file,
                        module_lines.get(m.module_id),
                        f"module {m.module_id!r}, key 'shared_with'",
                        f"the outline of {other} to contain at least one of its shared topics",
                        repr(other),
                    ))


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
        With every problem of the file (YAML syntax, missing or unknown keys -- an unknown key
        with the closest known one, ``did you mean 'dimensions'?`` --, bad ranges, dimensions
        of another population, interactive share below one half, inconsistent shared content),
        each naming the line, the module and the key.
    FileNotFoundError
        If ``path`` does not exist.
    """
    if path is None:
        # read once per version of the packaged file: drafting or checking each case asks for it
        file_path = default_outlines_path()
        stat = file_path.stat()
        key = (str(file_path), stat.st_mtime_ns, stat.st_size)
        if key not in _PACKAGED:
            outlines = _read_outlines(file_path, "casekit/curriculum/outlines.yaml")
            _PACKAGED.clear()
            _PACKAGED[key] = outlines
        return dict(_PACKAGED[key])  # the outlines are frozen; the dict is the caller's own
    return _read_outlines(Path(path), str(path))


#: The packaged outlines, parsed: (path, modification time, size) of the file → its outlines.
_PACKAGED: dict[tuple[str, int, int], dict[str, Outline]] = {}


def _read_outlines(file_path: Path, shown: str) -> dict[str, Outline]:
    """Read, validate and parse one outlines file (``shown`` is its name in problems)."""
    text = file_path.read_text(encoding="utf-8-sig")
    loaded = load_config(text, shown, OutlinesSchema, place=_placer)
    if loaded.data is None and loaded.problems:
        raise OutlineError(loaded.problems)
    # schema problems keep their own wording (an unknown key's found is a sentence, not a value)
    log = ProblemLog(shown, loaded.lines, list(loaded.problems), _show)
    return _parse(loaded.data, log)
