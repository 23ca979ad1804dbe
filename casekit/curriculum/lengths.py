"""Module lengths from the findings: each module's need, and an exact fit to the budget.

The rule (see also ``docs/course-design.md``):

* **Need of a dimension.** ``base + regional``, in standardised units (effect sizes). ``base`` is
  the engagement-wide gap to the consultant's target: ``-effect_size`` of the claimed, weaker
  ``vs_required`` row of region ``"all"`` (0 when not claimed), the same for every region.
  ``regional`` is ``-effect_size`` of the region's claimed ``vs_other_regions`` row (positive for
  a claimed weakness, negative for a claimed strength, 0 when not claimed). Only ``claimed`` rows
  count; hidden rows are never claimed. A region's own ``vs_required`` rows do not change lengths
  (its difference from the rest is what ``vs_other_regions`` measures), so with no claimed
  regional finding every region gets exactly the base design.
* **Need of a module.** Its main (first) dimension's need plus ``1 / MAIN_WEIGHT`` (one half) of
  each other dimension's need, plus one half of the positive need of a dimension no module
  trains that is taught in a session added to this module. A sum, not a mean: a dimension's
  weakness then raises the need of *every* module it mainly trains by the same amount (what
  property 4 rests on), and a module training two weak dimensions needs more than one training
  one.
* **Lengths.** Each module's length is ``days_min + k * 0.25`` with ``0 ≤ k ≤ K`` (``K`` the
  quarter-days of its range); the lengths add up to the budget. The quarter-days above the
  minima go to the modules in order of need, highest first, each up to its maximum; modules of
  equal need share what is left when the budget runs out among them, evenly by their place in
  their range (then the earlier module first). A module of higher need is therefore never lower
  in its range than one of lower need, and a claimed weakness can only move the modules that
  train it up the order, never shorten them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from casekit.curriculum.outlines import DAY_STEP, CurriculumError, Module

__all__ = [
    "BUDGET_STATUSES",
    "ENGAGEMENT",
    "FINDINGS_READS",
    "MAIN_WEIGHT",
    "DimensionNeed",
    "LengthFit",
    "ModuleNeed",
    "allocate_days",
    "dimension_needs",
    "fit_lengths",
    "is_flag_set",
    "module_need",
]

#: ``region`` of the engagement-wide findings rows.
ENGAGEMENT: str = "all"
#: A module's main (first) dimension counts this many times as much as each other one in its need.
MAIN_WEIGHT: float = 2.0
#: The findings columns course design reads (contract, section 1).
FINDINGS_READS: tuple[str, ...] = (
    "id", "region", "population", "dimension", "kind", "estimate", "effect_size", "ci_low", "ci_high",
    "n", "claimed", "direction", "sentence", "hidden",
)
#: How the total relates to the budget.
BUDGET_STATUSES: Mapping[str, str] = {
    "fitted": "总课时与预算一致",
    "off_grid": "预算不是 0.25 天的整数倍，总课时取不超过预算的最近值",
    "below_min": "预算低于本课程最短课时，各模块取下限",
    "above_max": "预算高于本课程最长课时，各模块取上限",
    "none": "未给出预算，按调研证据取值",
}
_EPS = 1e-9


@dataclass(frozen=True)
class DimensionNeed:
    """The need of one dimension for one region, and the findings it comes from.

    Attributes
    ----------
    dimension : str
        Dimension id.
    base : float
        Engagement-wide claimed gap to the target, in standardised units (≥ 0).
    regional : float
        Minus the effect size of the region's claimed ``vs_other_regions`` row (0 if none).
    base_finding, regional_finding : str or None
        Ids of the claimed findings used (``None`` when not claimed).
    """

    dimension: str
    base: float = 0.0
    regional: float = 0.0
    base_finding: str | None = None
    regional_finding: str | None = None

    @property
    def total(self) -> float:
        """``base + regional``."""
        return self.base + self.regional


@dataclass(frozen=True)
class ModuleNeed:
    """A module's need (and the same without the regional part: its base need)."""

    module_id: str
    need: float
    base_need: float
    findings: tuple[str, ...]


@dataclass(frozen=True)
class LengthFit:
    """Lengths fitted to a budget.

    Attributes
    ----------
    days : tuple of float
        One length per module, in module order.
    status : str
        One of :data:`BUDGET_STATUSES`.
    target : float
        The total aimed at (the budget on the grid, or the clipped total).
    """

    days: tuple[float, ...]
    status: str
    target: float

    @property
    def total(self) -> float:
        """Sum of the lengths."""
        return float(sum(self.days))


def is_flag_set(value: object) -> bool:
    """Whether a boolean cell is true; missing (None, NaN, ``pd.NA``) counts as false."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def _claimed_effect(row: Mapping[str, object]) -> float | None:
    """``-effect_size`` of a claimed, shown row (positive = weaker), else None."""
    if is_flag_set(row.get("hidden", False)) or not is_flag_set(row.get("claimed", False)):
        return None
    effect = row.get("effect_size")
    if effect is None or pd.isna(effect):
        return None
    return -float(effect)


def dimension_needs(findings: pd.DataFrame | None, region: str, population: str,
                    dimensions: Sequence[str]) -> dict[str, DimensionNeed]:
    """Each dimension's need for ``region`` (see the module docstring for the rule).

    Parameters
    ----------
    findings : pandas.DataFrame or None
        Findings rows (contract columns, at least :data:`FINDINGS_READS`); ``None`` = no findings.
        When several rows share a key (region, population, dimension, kind), the first by
        ``id`` counts, so the order of the rows never matters.
    region : str
        Top-level region id.
    population : str
        Population id; rows of other populations are ignored.
    dimensions : sequence of str
        The dimensions wanted.

    Returns
    -------
    dict of str to DimensionNeed
    """
    out = {d: DimensionNeed(d) for d in dimensions}
    if findings is None or findings.empty:
        return out
    mask = (findings["population"] == population) & findings["region"].isin([ENGAGEMENT, region])
    records = findings.loc[mask, ["id", "region", "dimension", "kind", "effect_size", "claimed", "direction",
                                  "hidden"]].to_dict("records")
    records.sort(key=lambda r: str(r["id"]))
    base: dict[str, tuple[float, str]] = {}
    regional: dict[str, tuple[float, str]] = {}
    for row in records:
        d = row["dimension"]
        if d not in out:
            continue
        effect = _claimed_effect(row)
        if effect is None:
            continue
        if row["region"] == ENGAGEMENT and row["kind"] == "vs_required":
            if effect > 0 and row.get("direction") != "stronger":
                base.setdefault(d, (round(effect, 6), str(row["id"])))
        elif row["region"] == region and region != ENGAGEMENT and row["kind"] == "vs_other_regions":
            regional.setdefault(d, (round(effect, 6), str(row["id"])))
    for d in out:
        b, r = base.get(d), regional.get(d)
        out[d] = DimensionNeed(d, b[0] if b else 0.0, r[0] if r else 0.0, b[1] if b else None, r[1] if r else None)
    return out


def module_need(module: Module, needs: Mapping[str, DimensionNeed], added: Sequence[str] = ()) -> ModuleNeed:
    """A module's need: its main dimension's need plus half of each other's (module docstring).

    Parameters
    ----------
    module : Module
        The module.
    needs : mapping of str to DimensionNeed
        From :func:`dimension_needs`, covering the module's dimensions and ``added``.
    added : sequence of str
        Dimensions no module trains, taught in a session added to this module; each adds half
        its positive need -- never less.

    Returns
    -------
    ModuleNeed
    """
    weights = [1.0 if i == 0 else 1.0 / MAIN_WEIGHT for i in range(len(module.dimensions))]
    need = sum(w * needs[d].total for w, d in zip(weights, module.dimensions))
    base = sum(w * needs[d].base for w, d in zip(weights, module.dimensions))
    for d in added:
        need += max(0.0, needs[d].total) / MAIN_WEIGHT
        base += max(0.0, needs[d].base) / MAIN_WEIGHT
    ids = []
    for d in (*module.dimensions, *added):
        for f in (needs[d].base_finding, needs[d].regional_finding):
            if f is not None:
                ids.append(f)
    return ModuleNeed(module.module_id, round(need, 6), round(base, 6), tuple(ids))


def _steps(lo: float, hi: float) -> int:
    return int(round((hi - lo) / DAY_STEP))


def allocate_days(ranges: Sequence[tuple[float, float]], needs: Sequence[float], total_days: float
                  ) -> tuple[float, ...]:
    """Lengths on the quarter-day grid that add up to ``total_days``, given in order of need.

    Every module starts at its minimum; the quarter-days above the minima go to the modules in
    order of need, highest first, each up to its maximum; modules of equal need share what is
    left when the budget runs out among them, a quarter-day at a time to the one lowest in its
    range (then the earlier one). So a module of higher need is never lower in its range than one
    of lower need (property 1), and raising a module's need never shortens it (property 4: it can
    only move up the order).

    Parameters
    ----------
    ranges : sequence of (float, float)
        Each module's ``(days_min, days_max)``, multiples of 0.25.
    needs : sequence of float
        Each module's need (standardised units).
    total_days : float
        On the grid, between ``Σ min`` and ``Σ max``.

    Returns
    -------
    tuple of float

    Raises
    ------
    CurriculumError
        If the total is off the grid or outside the ranges.
    """
    if len(ranges) != len(needs):
        raise CurriculumError(f"{len(ranges)} ranges but {len(needs)} needs")
    steps = [_steps(lo, hi) for lo, hi in ranges]
    base = sum(lo for lo, _ in ranges)
    extra = (total_days - base) / DAY_STEP
    if abs(extra - round(extra)) > 1e-6 or extra < -_EPS or extra > sum(steps) + _EPS:
        raise CurriculumError(
            f"total {total_days:g} days is not on the 0.25-day grid within "
            f"[{base:g}, {base + sum(steps) * DAY_STEP:g}]")
    left = int(round(extra))
    need = [round(float(x), 6) for x in needs]
    k = [0] * len(steps)
    for level in sorted(set(need), reverse=True):
        group = [i for i in range(len(steps)) if need[i] == level]
        room = sum(steps[i] for i in group)
        if room <= left:  # the whole group to its maxima
            for i in group:
                k[i] = steps[i]
            left -= room
            continue
        while left > 0:  # the budget ends in this group: share it by place in the range
            i = min((i for i in group if k[i] < steps[i]), key=lambda i: ((k[i] + 1) / steps[i], i))
            k[i] += 1
            left -= 1
        break
    return tuple(lo + kk * DAY_STEP for (lo, _), kk in zip(ranges, k))


def fit_lengths(modules: Sequence[Module], needs: Sequence[float], budget_days: float | None) -> LengthFit:
    """Lengths for ``modules`` from their needs and the budget.

    Parameters
    ----------
    modules : sequence of Module
        In teaching order.
    needs : sequence of float
        One need per module.
    budget_days : float or None
        The course-day budget; ``None`` keeps the sum of the range midpoints (status ``none``).

    Returns
    -------
    LengthFit
        ``status``: ``fitted`` (total = budget), ``off_grid`` (the largest total on the grid not
        above the budget), ``below_min`` / ``above_max`` (every module at its minimum / maximum,
        the clipping said by the caller), ``none``.
    """
    ranges = [(m.days_min, m.days_max) for m in modules]
    lo = sum(m.days_min for m in modules)
    hi = sum(m.days_max for m in modules)
    if budget_days is None:
        target = min(hi, max(lo, sum(m.days_mid for m in modules)))
        return LengthFit(allocate_days(ranges, needs, target), "none", target)
    if budget_days < lo - _EPS:
        return LengthFit(tuple(m.days_min for m in modules), "below_min", lo)
    if budget_days > hi + _EPS:
        return LengthFit(tuple(m.days_max for m in modules), "above_max", hi)
    target = math.floor(budget_days / DAY_STEP + 1e-9) * DAY_STEP
    status = "fitted" if abs(target - budget_days) < _EPS else "off_grid"
    return LengthFit(allocate_days(ranges, needs, target), status, target)
