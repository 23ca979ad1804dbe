"""The competency model: the level each population should reach on each dimension.

Defaults come with casekit (``casekit/analysis/competency.yaml``, declared on a 1–5 scale, each
level with a one-sentence Chinese basis derived from the seed's diagnosis). A bundle may
override any of them with an optional ``competency.yaml``::

    account_manager:          # population id, Chinese label or alias
      industry: 4.5           # dimension id or label → required level
      行业: 4.5                # (the same, by label; give each dimension once)
    支撑人员:
      communication: {required: 8, basis: 客户明确要求支撑人员能脱稿讲清方案价值}

Levels are on the population's score range in this bundle (the range of the codebook items
asked of it; every population has one). A default is rescaled linearly from 1–5 to that range,
so 4.0 on 1–5 is 4.75 on 1–6 and 7.5 on 0–10. A population the codebook asks no item keeps the
1–5 scale.

:func:`read_competency` checks the file and reports every problem at once (file
``competency.yaml``, row = the YAML line, column = the key as written).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import CasekitError, Problem
from casekit.intake._files import (
    line_of,
    load_yaml,
    read_text,
    short_list,
    text_of,
)
from casekit.intake.config import Keyed, Schema, read_config
from casekit.intake.schemas import COMPETENCY, vocab_expected
from casekit.language import tr

__all__ = [
    "COMPETENCY_FILE",
    "CompetencySchema",
    "DEFAULTS_PATH",
    "DEFAULT_SCALE",
    "default_competency",
    "population_ranges",
    "read_competency",
    "rescale",
]

#: The optional bundle file overriding the default levels.
COMPETENCY_FILE = "competency.yaml"
#: casekit's default competency model (package data).
DEFAULTS_PATH = Path(__file__).resolve().parent.parent / "analysis" / "competency.yaml"
#: The scale the default levels are declared on.
DEFAULT_SCALE: tuple[float, float] = (1.0, 5.0)
#: ``basis`` of a level set by the bundle without one of its own.
BUNDLE_BASIS = "按本项目 competency.yaml 设定"


def rescale(level: float, source: tuple[float, float], target: tuple[float, float]) -> float:
    """Map ``level`` linearly from the ``source`` score range to the ``target`` one.

    Parameters
    ----------
    level : float
        A level on ``source``.
    source, target : (float, float)
        ``(min, max)`` of the two ranges.

    Returns
    -------
    float
        The same relative position on ``target``.

    Examples
    --------
    >>> rescale(4.0, (1, 5), (0, 10))
    7.5
    """
    (a, b), (c, d) = source, target
    return float(c + (level - a) / (b - a) * (d - c))


class LevelSchema(Schema):
    """A required level with its reason (a bare number is the level alone)."""

    required: Any = None
    basis: Any = None


#: ``competency.yaml``: population → dimension → level (a number, or ``{required, basis}``).
CompetencySchema = Keyed[Keyed[LevelSchema]]


@lru_cache(maxsize=1)
def _defaults() -> tuple[tuple[str, str, float, str], ...]:
    """``(population, dimension, level on 1–5, basis)`` of the package defaults, checked."""
    rel = str(DEFAULTS_PATH)
    text, problems = read_text(DEFAULTS_PATH, rel)
    data, _, more = load_yaml(text or "", rel)
    problems += more
    rows: list[tuple[str, str, float, str]] = []
    if not problems:
        scale = (data or {}).get("scale") or {}
        if (scale.get("min"), scale.get("max")) != DEFAULT_SCALE:
            problems.append(Problem(rel, None, "scale", "scale: {min: 1, max: 5}", str(scale)))
        pops = (data or {}).get("populations") or {}
        for pop, dims in domain.POPULATION_DIMENSIONS.items():
            spec = pops.get(pop) or {}
            for dim in dims:
                entry = (spec.get("dimensions") or {}).get(dim) or {}
                level, basis = entry.get("required"), text_of(entry.get("basis") or spec.get("basis"))
                if not isinstance(level, (int, float)) or not 1 <= level <= 5 or not basis:
                    problems.append(Problem(rel, None, f"{pop}.{dim}",
                                            "a required level in 1–5 with a basis", str(entry)))
                    continue
                rows.append((pop, dim, float(level), basis))
    if problems:  # a broken installation, not a user error
        raise CasekitError(tr("casekit 自带的能力模型已损坏：\n", "casekit's default competency model is broken:\n")
                           + "\n".join(f"  - {p}" for p in problems))
    return tuple(rows)


def default_competency(ranges: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Return casekit's default competency model, on 1–5 or rescaled to given score ranges.

    Parameters
    ----------
    ranges : mapping of str to (float, float), optional
        Population id → its score range (:func:`population_ranges`); a population listed
        here gets its levels rescaled linearly from 1–5 to its range, the others stay on 1–5.

    Returns
    -------
    DataFrame
        Columns of :data:`~casekit.intake.schemas.COMPETENCY` (``source`` is ``"default"``),
        one row per population × dimension of :data:`~casekit.domain.POPULATION_DIMENSIONS`,
        in domain order.

    Raises
    ------
    CasekitError
        If the package's ``competency.yaml`` is broken (an installation problem).
    """
    ranges = ranges or {}
    rows = []
    for pop, dim, level, basis in _defaults():
        lo, hi = ranges.get(pop, DEFAULT_SCALE)
        required = level if (lo, hi) == DEFAULT_SCALE else rescale(level, DEFAULT_SCALE, (lo, hi))
        rows.append({"population": pop, "dimension": dim, "required": required, "scale_min": lo,
                     "scale_max": hi, "source": "default", "basis": basis})
    return COMPETENCY.finalize(pd.DataFrame(rows, columns=COMPETENCY.names))


def population_ranges(items: pd.DataFrame | None) -> dict[str, tuple[float, float]]:
    """Return each population's score range from the codebook items asked of it.

    Parameters
    ----------
    items : DataFrame or None
        ``bundle.items`` / ``Codebook.items`` (``populations``, ``scale_min``, ``scale_max``).

    Returns
    -------
    dict of str to (float, float)
        Population id → ``(min, max)``; populations asked no item are absent.
    """
    ranges: dict[str, tuple[float, float]] = {}
    if items is None or items.empty:
        return ranges
    for pops, lo, hi in zip(items["populations"], items["scale_min"], items["scale_max"]):
        for pop in pops or ():
            old = ranges.get(pop)
            ranges[pop] = (float(lo), float(hi)) if old is None else (min(old[0], lo), max(old[1], hi))
    return ranges


def _number(value: Any) -> float | None:
    """A finite number from a YAML scalar (``4``, ``4.5``, ``"4.5"``); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _dimension_list(population: str) -> str:
    return short_list([domain.label(domain.DIMENSIONS, d)
                       for d in domain.POPULATION_DIMENSIONS[population]], 12)


def read_competency(root: Path, codebook: Any | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Build the bundle's competency model and check its ``competency.yaml`` (optional).

    Parameters
    ----------
    root : Path
        The bundle folder.
    codebook : Codebook or None
        The bundle's codebook; its items give each population's score range. ``None`` (the
        codebook could not be read): levels are not checked against a range.

    Returns
    -------
    table : DataFrame
        Columns of :data:`~casekit.intake.schemas.COMPETENCY`: one row per population ×
        dimension of :data:`~casekit.domain.POPULATION_DIMENSIONS` in domain order;
        ``required`` on the population's score range ``scale_min``–``scale_max``; ``source``
        ``"bundle"`` for a level set by the bundle's file, else ``"default"``; ``basis`` the
        Chinese reason of the level.
    problems : list of Problem
        Every problem of ``competency.yaml`` (none when the file is absent).
    """
    ranges = population_ranges(getattr(codebook, "items", None))
    rows = {(r["population"], r["dimension"]): r
            for r in default_competency(ranges).to_dict("records")}

    problems = _apply_overrides(root, codebook is not None, ranges, rows)
    table = pd.DataFrame(list(rows.values()), columns=COMPETENCY.names)
    return COMPETENCY.finalize(table), problems


def _apply_overrides(root: Path, check_range: bool, ranges: dict[str, tuple[float, float]],
                     rows: dict[tuple[str, str], dict[str, Any]]) -> list[Problem]:
    """Read ``competency.yaml`` into ``rows`` (levels with problems are left out)."""
    rel = COMPETENCY_FILE
    path = root / rel
    if not path.exists():
        return []
    loaded = read_config(path, rel, CompetencySchema)
    data = loaded.data
    if data is None:  # unreadable, does not parse, or empty (or comment-only): overrides nothing
        return loaded.problems
    if not isinstance(data, dict):
        return [Problem(rel, line_of(loaded.lines), None,
                        tr("岗位 → {维度: 要求水平} 的映射", "a mapping population → {dimension: required level}"),
                        type(data).__name__)]
    p = loaded.log()

    seen_pops: dict[str, str] = {}
    for pop_key, dims in data.items():
        pop_text = text_of(pop_key)
        pop = domain.lookup(domain.POPULATIONS, pop_text)
        if pop is None:
            p((str(pop_key),), pop_text, vocab_expected(domain.POPULATIONS, "a population"), pop_text)
            continue
        if pop in seen_pops:
            p((str(pop_key),), pop_text, tr(f"每个岗位只写一次（已写为「{seen_pops[pop]}」）",
                                            f"each population once (already given as {seen_pops[pop]!r})"), pop_text)
            continue
        seen_pops[pop] = pop_text
        if not isinstance(dims, dict):
            p((str(pop_key),), pop_text, tr("维度 → 要求水平的映射", "a mapping dimension → required level"), dims)
            continue
        pop_label = domain.label(domain.POPULATIONS, pop)
        lo, hi = ranges.get(pop, DEFAULT_SCALE)
        if pop in ranges:
            span = tr(f"本资料包中{pop_label}的分数范围 {lo:g}–{hi:g}",
                      f"{pop_label}'s score range in this bundle, {lo:g}–{hi:g}")
        else:
            span = tr(f"1–5 分（编码簿中没有问{pop_label}的题目）",
                      f"the 1–5 scale ({pop_label} is asked no item of the codebook)")
        seen_dims: dict[str, str] = {}
        for dim_key, value in dims.items():
            dim_text = text_of(dim_key)
            where = (str(pop_key), str(dim_key))
            dim = domain.lookup(domain.DIMENSIONS, dim_text)
            if dim is None or dim not in domain.POPULATION_DIMENSIONS[pop]:
                found = dim_text if dim is None else tr(f"{dim_text}（不是{pop_label}的维度）",
                                                        f"{dim_text} (not a dimension of {pop_label})")
                p(where, dim_text, tr(f"{pop_label}的维度（{_dimension_list(pop)}，或其英文编号）",
                                      f"a dimension of {pop_label} ({_dimension_list(pop)}, or its English id)"),
                  found)
                continue
            if dim in seen_dims:
                p(where, dim_text, tr(f"每个维度只写一次（已写为「{seen_dims[dim]}」）",
                                      f"each dimension once (already given as {seen_dims[dim]!r})"), dim_text)
                continue
            seen_dims[dim] = dim_text
            basis: Any = None
            level_path: tuple[str, ...] = where
            if isinstance(value, dict):
                basis = value.get("basis")
                level_path = where + ("required",) if "required" in value else where
                value = value.get("required")
            level = _number(value)
            if level is None:
                p(level_path, dim_text, tr(f"一个数：按{span}的要求水平", f"a number: the required level on {span}"), value)
                continue
            if check_range and not lo <= level <= hi:
                p(level_path, dim_text, tr(f"在{span}以内的要求水平", f"a required level within {span}"), value)
                continue
            rows[(pop, dim)].update(required=level, source="bundle",
                                    basis=text_of(basis) or BUNDLE_BASIS)
    return p.problems
