"""Tailor an outline to one region: each module's length chosen from the region's evidence.

The rule (also in :func:`tailor_outline`'s docstring): every module gets a *need* in [0, 1]
from the region's scores on the dimensions it trains -- how far the region lies below the other
regions and how weak the dimension ranks within the region -- and its length is placed in its
range accordingly (need 1 → maximum), rounded to a quarter day. The total is then brought to the
audience's course-day budget by quarter-day steps on the modules of highest (adding) or lowest
(removing) need; a budget outside what the outline allows is clipped and said so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.curriculum.outlines import (
    DAY_STEP,
    CurriculumError,
    Module,
    Outline,
    round_days,
)
from casekit.domain import DIMENSIONS, MIN_CELL_SIZE
from casekit.formatting import (
    day_range,
    rounded_diff,
    score,
    signed,
    signed_days,
)
from casekit.privacy.disclosure import is_suppressed, mean_hidden
from casekit.formatting import days as fmt_days
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns, validate_output

__all__ = ["BUDGET_STATUSES", "TAILORED_COLUMNS", "TAILORED_SCHEMA", "TailoredOutline", "tailor_outline"]

#: The table of :attr:`TailoredOutline.table`.
TAILORED_SCHEMA = OutputSchema(
    "tailored outline", "casekit.curriculum.TailoredOutline.table", (
        *columns("str", "module_id", "title"), Col("part", "str", nullable=True),
        *columns("float", "days_min", "days_max"), *columns("str", "days_source", "dimensions"),
        *columns("float", "need", "evidence_days", nullable=True), Col("days", "float"),
        Col("interactive_share", "float", nullable=True), *columns("str", "adjustment", "reason"),
    ), consumers=("reports.tables", "reports.region_report"))
#: Columns of :attr:`TailoredOutline.table` (from its schema).
TAILORED_COLUMNS: tuple[str, ...] = TAILORED_SCHEMA.names

#: How the total relates to the budget.
BUDGET_STATUSES: Mapping[str, str] = {
    "fitted": "总课时与预算一致",
    "off_grid": "预算不是 0.25 天的整数倍，总课时取不超过预算的最近值",
    "below_min": "预算低于本课程最短课时，各模块取下限",
    "above_max": "预算高于本课程最长课时，各模块取上限",
    "none": "未给出预算，按调研证据取值",
}

#: The columns of :func:`~casekit.analysis.compare_region` that tailoring reads.
_READS = (
    "population",
    "dimension",
    "n",
    "mean",
    "others_n",
    "others_mean",
    "diff",
    "suppressed",
)
_LEVEL_BAND = 0.05  # |diff| below this reads as 基本持平


@dataclass(frozen=True, eq=False)
class TailoredOutline:
    """An outline with each module's length decided for one region.

    Attributes
    ----------
    outline : Outline
        The outline tailored.
    table : pandas.DataFrame
        One row per module, in teaching order, with the columns of :data:`TAILORED_COLUMNS`:
        ``module_id``, ``title``, ``part``, ``days_min``, ``days_max``, ``days_source`` (see
        :data:`~casekit.curriculum.outlines.DAYS_SOURCES`), ``dimensions`` (Chinese labels
        joined by 、), ``need`` (0-1, missing when the evidence is too thin), ``evidence_days``
        (the length the evidence alone gives), ``days`` (the length chosen),
        ``interactive_share``, ``adjustment`` (Chinese note when the budget moved the module,
        else empty) and ``reason`` (one line of Simplified Chinese citing the evidence).
    total_days : float
        Sum of ``days``.
    budget_days : float or None
        The audience's budget given.
    budget_status : str
        One of :data:`BUDGET_STATUSES`.
    notes : tuple of str
        Chinese notes for the report: how the total relates to the budget, weak dimensions no
        module trains.
    """

    outline: Outline
    table: pd.DataFrame
    total_days: float
    budget_days: float | None
    budget_status: str
    notes: tuple[str, ...]

    @property
    def population(self) -> str:
        """Population id of the outline."""
        return self.outline.population

    @property
    def title(self) -> str:
        """Chinese course title."""
        return self.outline.title

    @property
    def interactive_share(self) -> float:
        """Share of the whole course that is interactive (module shares weighted by days)."""
        if self.total_days <= 0:
            return float("nan")
        return float(
            (self.table["days"] * self.table["interactive_share"]).sum()
            / self.total_days
        )


# --------------------------------------------------------------------------------------------
# formatting (the numbers themselves are written by casekit.formatting)


def _range(module: Module) -> str:
    return f"区间 {day_range(module.days_min, module.days_max)} 天"


# --------------------------------------------------------------------------------------------
# evidence


@dataclass(frozen=True)
class _Place:
    """Where a dimension's mean lies among the region's usable dimensions (ties shared)."""

    lowest: int  # rank when ties take the lowest rank (1 = weakest)
    highest: int  # rank when ties take the highest rank
    average: float  # average rank of the tie
    k: int  # number of usable dimensions

    def text(self) -> str:
        if self.k < 2:
            return ""
        tied = self.highest > self.lowest
        if tied and self.lowest == 1 and self.highest == self.k:
            return "，与本地区其他维度均分相同"
        if self.lowest == 1:
            return "，并列本地区最弱项" if tied else "，为本地区最弱项"
        if self.highest == self.k:
            return "，并列本地区最强项" if tied else "，为本地区最强项"
        return f"，在本地区 {self.k} 个维度中由弱到强排第 {self.lowest}" + (
            "（并列）" if tied else ""
        )

    @property
    def weakness(self) -> float:
        """1 for the weakest dimension, 0 for the strongest, ties sharing their average."""
        return 0.5 if self.k < 2 else (self.k - self.average) / (self.k - 1)


@dataclass(frozen=True)
class _Evidence:
    """The region's evidence on one dimension, and the need it implies."""

    label: str
    n: int
    usable: bool
    mean: float = np.nan
    others_n: int = 0
    others_mean: float = np.nan
    diff: float = np.nan
    place: _Place | None = None
    need: float | None = None

    def text(self, min_n: int) -> str:
        """One clause of Simplified Chinese; never an exact count below ``min_n``."""
        if not self.usable:
            if self.n == 0:
                return f"「{self.label}」本地区无问卷数据"
            if is_suppressed(self.n, min_n):
                return f"「{self.label}」样本不足（少于{min_n}人）"
            return f"「{self.label}」不显示均分（避免推算出少于{min_n}人的群体）"
        out = f"「{self.label}」维度均分 {score(self.mean)}（n={self.n}）"
        if not math.isnan(self.diff):
            # the difference of the two means as printed, so the reader's subtraction matches
            shown = rounded_diff(self.mean, self.others_mean)
            others = score(self.others_mean)
            if shown <= -_LEVEL_BAND:
                out += f"，低于其他地区 {others}（{signed(shown)}）"
            elif shown >= _LEVEL_BAND:
                out += f"，高于其他地区 {others}（{signed(shown)}）"
            else:
                out += f"，与其他地区 {others} 基本持平（{signed(shown)}）"
        elif self.others_n == 0:
            out += "，无其他地区可比"
        elif is_suppressed(self.others_n, min_n):
            out += f"，其他地区样本不足（少于{min_n}人），不作比较"
        else:
            out += "，其他地区均分不予显示，不作比较"
        if self.place is not None:
            out += self.place.text()
        return out


def _usable(rows: pd.DataFrame, min_n: int) -> pd.Series:
    """Rows whose region mean may be used as evidence (see :func:`casekit.privacy.disclosure.mean_hidden`)."""
    return pd.Series(
        [not mean_hidden(row, min_n) for _, row in rows.iterrows()],
        index=rows.index,
        dtype="bool",
    )


def _places(rows: pd.DataFrame, min_n: int) -> dict[str, _Place]:
    """Each usable dimension's place among the region's usable dimensions."""
    usable = rows.loc[_usable(rows, min_n)]
    means = usable.set_index("dimension")["mean"].astype("float64").round(6)
    k = len(means)
    low = means.rank(method="min")
    high = means.rank(method="max")
    avg = means.rank(method="average")
    return {d: _Place(int(low[d]), int(high[d]), float(avg[d]), k) for d in means.index}


def _evidence(
    rows: pd.DataFrame,
    places: Mapping[str, _Place],
    dimension: str,
    min_n: int,
    diff_scale: float,
) -> _Evidence:
    label = DIMENSIONS[dimension].label if dimension in DIMENSIONS else dimension
    match = rows.loc[rows["dimension"] == dimension]
    if match.empty:
        return _Evidence(label, 0, False)
    row = match.iloc[0]
    if "dimension_label" in row.index and isinstance(row["dimension_label"], str):
        label = row["dimension_label"]
    n = int(row["n"])
    if dimension not in places:
        return _Evidence(label, n, False)
    mean = float(row["mean"])
    others_n = int(row["others_n"]) if pd.notna(row["others_n"]) else 0
    others_mean = float(row["others_mean"]) if pd.notna(row["others_mean"]) else np.nan
    diff = float(row["diff"]) if pd.notna(row["diff"]) else np.nan
    if is_suppressed(others_n, min_n) or math.isnan(others_mean):  # never compare with a hidden group
        others_mean = diff = np.nan
    place = places[dimension]
    components = []
    if not math.isnan(diff):
        gap = min(1.0, max(-1.0, -diff / diff_scale))
        components.append((gap + 1) / 2)
    if place.k >= 2:
        components.append(place.weakness)
    need = float(np.mean(components)) if components else 0.5
    return _Evidence(label, n, True, mean, others_n, others_mean, diff, place, need)


def _module_need(evidence: list[_Evidence]) -> float | None:
    """Weighted mean need of a module's usable dimensions; the first (main) one counts double."""
    weights, needs = [], []
    for position, e in enumerate(evidence):
        if e.usable and e.need is not None:
            weights.append(2.0 if position == 0 else 1.0)
            needs.append(e.need)
    if not needs:
        return None
    return float(np.average(needs, weights=weights))


# --------------------------------------------------------------------------------------------
# budget


def _fit(
    days: list[float],
    modules: tuple[Module, ...],
    needs: list[float | None],
    target: float,
) -> list[float]:
    """Move ``days`` to ``target`` by quarter-day steps: add to the highest need, remove from the lowest."""
    days = list(days)
    order_need = [0.5 if nd is None else nd for nd in needs]
    steps = round((target - sum(days)) / DAY_STEP)
    for _ in range(abs(steps)):
        if steps > 0:
            room = [
                i
                for i, m in enumerate(modules)
                if days[i] + DAY_STEP <= m.days_max + 1e-9
            ]
            pick = max(room, key=lambda i: (order_need[i], -i))
            days[pick] += DAY_STEP
        else:
            room = [
                i
                for i, m in enumerate(modules)
                if days[i] - DAY_STEP >= m.days_min - 1e-9
            ]
            pick = min(room, key=lambda i: (order_need[i], -i))
            days[pick] -= DAY_STEP
    return days


# --------------------------------------------------------------------------------------------
# public API


def tailor_outline(
    outline: Outline,
    comparison: pd.DataFrame,
    budget_days: float | None,
    *,
    min_n: int = MIN_CELL_SIZE,
    diff_scale: float = 0.5,
) -> TailoredOutline:
    """Choose each module's length within its range from one region's evidence.

    Rule. For each module, every dimension it trains with an unsuppressed region score gives a
    need in [0, 1]: the mean of (a) the gap to the other regions, ``-diff / diff_scale`` clipped
    to [-1, 1] and mapped to [0, 1], and (b) the dimension's place in the region,
    ``(k - rank) / (k - 1)`` over the region's ``k`` usable dimensions (weakest = 1; tied
    dimensions share their average rank). The module's need is the weighted mean over its
    dimensions, the first (main) dimension counting double; its length is
    ``days_min + need * (days_max - days_min)`` rounded to 0.25 day (halves up). Modules without
    usable evidence (all cells below ``min_n``) take the midpoint of their range. When the
    budget lies within [Σ days_min, Σ days_max], 0.25-day steps are added to the modules of
    highest need (or removed from those of lowest need) until the total equals the budget
    (rounded down to 0.25 day); otherwise every module is clipped to its minimum or maximum,
    and the table (``adjustment``) and :attr:`TailoredOutline.notes` say so.

    Reasons. Each reason cites the region's mean (two decimals) with its ``n``, the other
    regions' mean and the difference *of the two means as printed* (so a reader's subtraction
    matches); a dimension below ``min_n`` respondents reads 样本不足（少于5人） -- no reason or
    note ever prints a count below ``min_n``. Numbers are written by :mod:`casekit.formatting`.

    Parameters
    ----------
    outline : Outline
        From :func:`~casekit.curriculum.load_outlines`.
    comparison : pandas.DataFrame
        :func:`casekit.analysis.compare_region` for the region (rows of other populations are
        ignored).
    budget_days : float or None
        The audience's course-day budget (``bundle.manifest.budget_days(region_id, population)``);
        ``None`` to keep the evidence-based lengths.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Cells with fewer respondents are not used as evidence.
    diff_scale : float, default 0.5
        A region mean this far below the others' (in scale points) counts as the largest gap.

    Returns
    -------
    TailoredOutline

    Raises
    ------
    OutputSchemaError
        If ``comparison`` lacks a column of :func:`~casekit.analysis.compare_region` that
        tailoring reads, or one of them holds the wrong kind of value (all named at once).
    CurriculumError
        If ``budget_days`` is not a positive number.

    Examples
    --------
    >>> from casekit.analysis import compare_region  # doctest: +SKIP
    >>> outline = load_outlines()["account_manager"]  # doctest: +SKIP
    >>> tailored = tailor_outline(outline, compare_region(bundle, "hebei"),
    ...                           bundle.manifest.budget_days("hebei", "account_manager"))  # doctest: +SKIP
    """
    from casekit.analysis.scores import COMPARISON_SCHEMA  # here: importing curriculum stays cheap

    validate_output(comparison, COMPARISON_SCHEMA, reads=_READS, by="tailor_outline")
    if budget_days is not None:
        if (
            isinstance(budget_days, bool)
            or not isinstance(budget_days, (int, float, np.number))
            or not (budget_days > 0)
        ):
            raise CurriculumError(
                f"budget_days must be a positive number of days or None, got {budget_days!r}"
            )
        budget_days = float(budget_days)
    if diff_scale <= 0:
        raise CurriculumError(f"diff_scale must be positive, got {diff_scale!r}")

    rows = comparison.loc[comparison["population"] == outline.population].reset_index(
        drop=True
    )
    modules = outline.modules
    places = _places(rows, min_n)

    evidence: list[list[_Evidence]] = []
    needs: list[float | None] = []
    evidence_days: list[float] = []
    for module in modules:
        ev = [_evidence(rows, places, d, min_n, diff_scale) for d in module.dimensions]
        need = _module_need(ev)
        evidence.append(ev)
        needs.append(need)
        if need is None:
            evidence_days.append(module.days_mid)
        else:
            raw = module.days_min + need * (module.days_max - module.days_min)
            evidence_days.append(
                min(module.days_max, max(module.days_min, round_days(raw)))
            )

    lo, hi = outline.days_min, outline.days_max
    total_evidence = sum(evidence_days)
    notes: list[str] = []
    adjustments = [""] * len(modules)
    if budget_days is None:
        status = "none"
        days = list(evidence_days)
        notes.append(
            f"未给出课时预算：各模块按调研证据取值，合计 {fmt_days(sum(days))} 天。"
        )
    elif budget_days < lo - 1e-9:
        status = "below_min"
        days = [m.days_min for m in modules]
        notes.append(
            f"课时预算 {fmt_days(budget_days)} 天低于本课程最短 {fmt_days(lo)} 天（各模块下限之和）："
            f"各模块取下限，合计 {fmt_days(lo)} 天，超出预算 {fmt_days(lo - budget_days)} 天，请与客户确认。"
        )
        for i, m in enumerate(modules):
            if days[i] != evidence_days[i]:
                adjustments[i] = f"预算不足，由 {fmt_days(evidence_days[i])} 天压至下限"
    elif budget_days > hi + 1e-9:
        status = "above_max"
        days = [m.days_max for m in modules]
        notes.append(
            f"课时预算 {fmt_days(budget_days)} 天高于本课程最长 {fmt_days(hi)} 天（各模块上限之和）："
            f"各模块取上限，合计 {fmt_days(hi)} 天，余 {fmt_days(budget_days - hi)} 天未安排，请与客户确认。"
        )
        for i, m in enumerate(modules):
            if days[i] != evidence_days[i]:
                adjustments[i] = f"预算充裕，由 {fmt_days(evidence_days[i])} 天增至上限"
    else:
        target = math.floor(budget_days / DAY_STEP + 1e-9) * DAY_STEP
        status = "fitted" if abs(target - budget_days) < 1e-9 else "off_grid"
        days = _fit(evidence_days, modules, needs, target)
        if status == "off_grid":
            notes.append(
                f"课时预算 {fmt_days(budget_days)} 天不是 0.25 天的整数倍：合计取 {fmt_days(target)} 天。"
            )
        change = target - total_evidence
        if abs(change) < 1e-9:
            notes.append(f"按调研证据合计 {fmt_days(target)} 天，与课时预算一致。")
        else:
            how = "增加" if change > 0 else "减少"
            rule = "需要度最高" if change > 0 else "需要度最低"
            notes.append(
                f"按调研证据合计 {fmt_days(total_evidence)} 天，为符合课时预算 {fmt_days(budget_days)} 天，"
                f"在{rule}的模块上{how} {fmt_days(abs(change))} 天，合计 {fmt_days(sum(days))} 天。"
            )
        for i in range(len(modules)):
            delta = days[i] - evidence_days[i]
            if abs(delta) > 1e-9:
                adjustments[i] = (
                    f"为符合总课时预算，由 {fmt_days(evidence_days[i])} 天调整 {signed_days(delta)} 天"
                )

    covered = {d for m in modules for d in m.dimensions}
    for dimension, place in sorted(
        places.items(), key=lambda kv: (kv[1].average, kv[0])
    ):
        if place.highest <= 3 and place.k > 3 and dimension not in covered:
            row = rows.loc[rows["dimension"] == dimension].iloc[0]
            label = (
                row["dimension_label"] if "dimension_label" in row.index else dimension
            )
            notes.append(
                f"「{label}」是本地区最弱的三项之一（均分 {score(row['mean'])}，n={int(row['n'])}），"
                "本大纲没有专门训练它的模块，建议在案例研讨中补充。"
            )

    records = []
    for i, module in enumerate(modules):
        ev = evidence[i]
        parts = [e.text(min_n) for e in ev]
        final = days[i]
        if needs[i] is None:
            decision = (
                f"取区间中值 {fmt_days(final)} 天"
                if abs(final - module.days_mid) < 1e-9
                else f"取 {fmt_days(final)} 天"
            )
        elif abs(final - module.days_max) < 1e-9:
            decision = f"取上限 {fmt_days(final)} 天"
        elif abs(final - module.days_min) < 1e-9:
            decision = f"取下限 {fmt_days(final)} 天"
        else:
            decision = f"取 {fmt_days(final)} 天"
        sep = "，" if len(parts) == 1 else "；"
        reason = f"{'；'.join(parts)}{sep}{decision}（{_range(module)}）"
        if adjustments[i]:
            reason += f"；{adjustments[i]}"
        need_i = needs[i]
        records.append(
            {
                "module_id": module.module_id,
                "title": module.title,
                "part": module.part,
                "days_min": module.days_min,
                "days_max": module.days_max,
                "days_source": module.days_source,
                "dimensions": "、".join(e.label for e in ev),
                "need": np.nan if need_i is None else round(need_i, 4),
                "evidence_days": evidence_days[i],
                "days": final,
                "interactive_share": module.interactive_share,
                "adjustment": adjustments[i],
                "reason": reason,
            }
        )
    table = pd.DataFrame(records, columns=list(TAILORED_COLUMNS))
    table = table.astype(
        {
            "days_min": "float64",
            "days_max": "float64",
            "days": "float64",
            "evidence_days": "float64",
            "need": "float64",
            "interactive_share": "float64",
        }
    )
    return TailoredOutline(
        outline=outline,
        table=table,
        total_days=float(sum(days)),
        budget_days=budget_days,
        budget_status=status,
        notes=tuple(notes),
    )
