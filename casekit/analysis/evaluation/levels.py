"""The Kirkpatrick evaluation of a bundle's follow-up: the four levels composed, per wave.

:func:`evaluate_followup` reads ``bundle.followup`` (:class:`casekit.intake.followup.FollowUp`, see
``docs/followup.md``) and the baseline of the bundle, and returns a :class:`FollowUpEvaluation`:
one table per kind of measure, every row in the same columns (:data:`LEVEL_COLUMNS`): measure,
group (a region, every trained region together, or an account-manager type), baseline,
follow-up, change, the interval the sentence shows, n, how the course's effect is isolated, and
whether a change is claimed, with a plain-Chinese sentence.

Levels
------
1 reaction
    The reaction sheet's items (satisfaction, relevance, trainer): mean with a 95% t interval.
    Confidence and commitment are level 2 (New World Kirkpatrick) and sit in the learning table.
2 learning
    The quiz's share of points, paired pre/post per trainee (:func:`paired_change`); confidence
    and commitment means.
3 behaviour
    Observed by the ride-along observer: each account manager's behaviour rates, the share of
    talk that is questions and the share of time out spent at the customer, paired per person,
    per region and over every trained region (before/after only), and the trained against the
    untrained of the trainees' posts (difference-in-differences, each trained region against the
    same comparison group, and all trained regions together). The questionnaire's dimension
    scores are shown as self-report (``self_report`` true, said in the sentence), never as the
    behaviour claim. Required drivers: the coaching log (joint visits, weekly reviews) and the
    toolbox behaviour at follow-up. Observers' agreement (Cohen's κ): an unreliable behaviour's
    rows are marked ``unreliable`` and never ``claimed`` (the sentence says why).
4 results
    Sales: Phillips' trend line per trained region and over all trainees, and the
    difference-in-differences of the baseline and follow-up months' means against the untrained.
    Leading indicator: each account manager's share of visits that advanced or were won.

Families of the multiple-testing adjustment (Benjamini–Hochberg, intervals to match)
-----------------------------------------------------------------------------------
Chosen so that a family is one question a consultant asks, and so that adding regions does not
hide a strong change in one of them:

* the quiz: one family (its regions and the pooled row);
* observed behaviour, per region: **each region's measures one family** (``family="group"``: the
  eleven behaviours, question share and time on site of one region). A per-region question is
  "what changed in 河北?"; with every region × behaviour in one family (44+ tests, 7–15 trainees
  per region with one or two baseline visits each) nothing planted was found on the sample;
* observed behaviour, pooled over the trained regions: one family;
* observed behaviour, difference-in-differences against the untrained: one family (its regions and
  the pooled row);
* self-report (questionnaire dimensions): each region's dimensions one family, as behaviour;
* sales and the leading indicator: the trend lines one family, the differences-in-differences one
  family, the leading indicator one family.

Small cells (fewer than ``min_n`` people, in either group of a comparison) show no number and
are never claimed. Success cases name staff codes and are for the consultant only
(:attr:`FollowUpEvaluation.success_cases`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from casekit.analysis.evaluation.agreement import observer_agreement
from casekit.analysis.evaluation.change import paired_change
from casekit.analysis.evaluation.did import difference_in_differences, trend_line_effect
from casekit.analysis.evaluation.rates import paired_behaviour_rates
from casekit.analysis.evaluation.regression_to_mean import REGRESSION_NOTE
from casekit.analysis.evaluation.success_cases import SuccessCases, behaviour_change_score, success_cases
from casekit.analysis.evaluation.wording import KNOWN_NAMES, level_text, people_text
from casekit.analysis.intervals import t_interval
from casekit.domain import DIMENSIONS, MIN_CELL_SIZE
from casekit.exceptions import AnalysisError
from casekit.privacy.disclosure import check_threshold, is_suppressed
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "ALL_TRAINED",
    "SALES",
    "ATTRITION_COLUMNS",
    "FollowUpEvaluation",
    "ISOLATIONS",
    "LEVEL_COLUMNS",
    "LEVEL_SCHEMA",
    "REACTION_ITEMS",
    "SOURCES",
    "TYPE_COLUMNS",
    "evaluate_followup",
]

#: ``measure`` of the sales rows (target attainment in %, as in the answer key of the sample).
SALES = "target_attainment"
#: ``group`` of the rows over every trained region together.
ALL_TRAINED = "all"
#: ``isolation`` of a row → how it is said: against a comparison group, by trend line, before and
#: after only, or not a change at all (a reaction sheet's level).
ISOLATIONS: Mapping[str, str] = {
    "control_group": "对照组（未参训人员）",
    "trend_line": "趋势线",
    "before_after": "仅培训前后",
    "none": "不适用",
}
#: The reaction sheet's items: level 1 reaction, or level 2 (New World Kirkpatrick).
REACTION_ITEMS: Mapping[str, tuple[str, int]] = {
    "satisfaction": ("整体满意度", 1), "relevance": ("与工作的相关性", 1), "trainer": ("讲师表现", 1),
    "confidence": ("应用信心", 2), "commitment": ("应用意愿", 2),
}
#: Follow-up sources whose attrition and match rate are counted, with their Chinese names.
SOURCES: Mapping[str, str] = {
    "reaction": "课后评估", "quiz": "知识测验（培训后）", "survey": "问卷", "ride_alongs": "工作随访",
    "coaching": "辅导记录", "sales": "培训后业绩",
}
#: The evaluation's own measures, beside the domain's behaviours and dimensions.
_MEASURE_NAMES: Mapping[str, str] = {
    **KNOWN_NAMES, "question_share": "提问占说话时间", "on_site_share": "在客户处占外出时间",
    SALES: "业绩完成率", "advanced_share": "拜访推进或成交的比例", "quiz": "知识测验",
    "joint_visits": "主管陪访辅导", "weekly_reviews": "每周工具表点评",
    **{k: v[0] for k, v in REACTION_ITEMS.items()},
    **{d: DIMENSIONS[d].label for d in DIMENSIONS},  # the dimension "sales" is 销售, not the sales measure
}
_NOUNS: Mapping[str, str] = {"question_share": "平均值", "on_site_share": "平均值", "advanced_share": "平均值",
                             **{d: "维度平均分" for d in DIMENSIONS}}

#: One row of every measure table (:class:`FollowUpEvaluation`).
LEVEL_SCHEMA = OutputSchema(
    "follow-up evaluation", "casekit.analysis.evaluate_followup", (
        Col("level", "int", description="Kirkpatrick level 1-4"),
        *columns("str", "wave_id", "measure", "measure_label", "group", "group_label", "unit"),
        Col("baseline", "float", nullable=True, description="before the course (trend line: projected)"),
        Col("followup", "float", nullable=True, description="at the wave (trend line: actual)"),
        Col("change", "float", nullable=True, description="followup − baseline; DiD: trainees' minus control's change"),
        Col("ci_low", "float", nullable=True, description="the interval the sentence shows (adjusted)"),
        Col("ci_high", "float", nullable=True),
        Col("n", "int", description="people in the estimate (trainees)"),
        Col("n_missing", "int", description="trainees with a baseline value missing at follow-up"),
        Col("itt_change", "float", nullable=True, description="Phillips: missing counted as no change"),
        Col("n_control", "int", description="untrained people compared with (DiD), else 0"),
        Col("trained_change", "float", nullable=True, description="DiD: the trainees' mean change (completers)"),
        Col("control_change", "float", nullable=True, description="DiD: the untrained people's mean change"),
        Col("isolation", description="control_group, trend_line, before_after or none"),
        Col("isolation_label", description="how the isolation is said"),
        Col("claimed", "bool"), Col("direction", description="up, down or none"),
        Col("hidden", "bool", description="fewer than min_n people: no number shown"),
        Col("self_report", "bool", description="the trainee's own answer, not observed"),
        Col("unreliable", "bool", description="observers disagree (κ < 0.6): never claimed"),
        Col("note", description="regression to the mean, unreliable measure …"),
        Col("sentence", description="plain Chinese"),
    ), consumers=("cli followup", "followup report"))
#: Columns of every measure table (from :data:`LEVEL_SCHEMA`).
LEVEL_COLUMNS: tuple[str, ...] = LEVEL_SCHEMA.names
#: Columns of :attr:`FollowUpEvaluation.attrition`.
ATTRITION_COLUMNS: tuple[str, ...] = ("wave_id", "source", "source_label", "n_basis", "n_found", "n_missing",
                                      "match_rate", "meets_aim", "sentence")
#: Columns of :attr:`FollowUpEvaluation.types`.
TYPE_COLUMNS: tuple[str, ...] = ("wave_id", "group", "group_label", "n", "score", "ci_low", "ci_high", "hidden",
                                 "sentence")
#: The share of trainees to be matched across waves (docs/followup.md).
MATCH_AIM = 0.8

_NAN = float("nan")
_UNRELIABLE = "两位观察员对这一做法的记录一致性偏低，变化只作参考，不下结论。"
_SELF = "（学员自评）"


@dataclass(frozen=True, eq=False)
class FollowUpEvaluation:
    """The four Kirkpatrick levels of a bundle's follow-up, one table per kind of measure.

    Every measure table has :data:`LEVEL_COLUMNS`; rows of every wave (``wave_id``; ``""`` for
    what is not tied to a wave: the reaction sheet, the quiz, sales).

    Attributes
    ----------
    reaction : DataFrame
        Level 1: the reaction sheet's items (level only, no change).
    learning : DataFrame
        Level 2: quiz pre/post paired change per region and pooled; confidence and commitment.
    behaviour : DataFrame
        Level 3 observed: behaviours, question share, time on site; before/after per region and
        pooled, and difference-in-differences against the untrained.
    self_report : DataFrame
        Level 3 self-report: the questionnaire's dimension scores (``self_report`` true).
    drivers : DataFrame
        Required drivers: the coaching log's means per region (level only) and the toolbox
        behaviour at follow-up.
    results : DataFrame
        Level 4: sales (trend line; difference-in-differences) and the leading indicator.
    agreement : DataFrame
        Observers' agreement per wave (``observer_agreement`` columns and ``wave_id``).
    attrition : DataFrame
        Per wave and source: trainees expected, found, missing, match rate (:data:`ATTRITION_COLUMNS`).
    types : DataFrame
        Per account-manager type of the baseline segmentation: n and mean behaviour change score
        (:data:`TYPE_COLUMNS`); empty when the baseline has no clear types.
    success_cases : dict of str to SuccessCases
        Per wave: Brinkerhoff's lists. **Consultant only: they name staff codes.**
    notes : tuple of str
        Plain-Chinese notes on the whole evaluation (comparison group, regression to the mean).
    families : str
        How the multiple-testing families were chosen (the module's documentation, in short).
    """

    reaction: pd.DataFrame
    learning: pd.DataFrame
    behaviour: pd.DataFrame
    self_report: pd.DataFrame
    drivers: pd.DataFrame
    results: pd.DataFrame
    agreement: pd.DataFrame
    attrition: pd.DataFrame
    types: pd.DataFrame
    success_cases: dict[str, SuccessCases] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    families: str = ""

    #: The measure tables by level, in reading order.
    TABLES: ClassVar[tuple[str, ...]] = ("reaction", "learning", "behaviour", "self_report", "drivers", "results")

    def measures(self) -> pd.DataFrame:
        """Every measure table one below the other (level order), :data:`LEVEL_COLUMNS`."""
        frames = [getattr(self, name) for name in self.TABLES]
        return pd.concat([f for f in frames if len(f)] or [_empty()], ignore_index=True)


_FAMILIES = ("知识测验一组；观察到的行为每个地区一组、全部参训地区一组、对照比较一组；"
             "自评问卷每个地区一组；业绩的趋势线一组、对照比较一组；推进比例一组。")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=k) for c, k in _kinds().items()})


def _kinds() -> dict[str, str]:
    ints = {"level", "n", "n_missing", "n_control"}
    bools = {"claimed", "hidden", "self_report", "unreliable"}
    floats = {"baseline", "followup", "change", "ci_low", "ci_high", "itt_change", "trained_change", "control_change"}
    return {c: "int64" if c in ints else "bool" if c in bools else "float64" if c in floats else "object"
            for c in LEVEL_COLUMNS}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return _empty()
    defaults = {"n_missing": 0, "itt_change": _NAN, "n_control": 0, "trained_change": _NAN, "control_change": _NAN, "self_report": False, "unreliable": False,
                "note": "", "baseline": _NAN, "followup": _NAN, "change": _NAN, "ci_low": _NAN, "ci_high": _NAN,
                "direction": "none", "claimed": False, "hidden": False, "wave_id": ""}
    full = [{c: row.get(c, defaults.get(c)) for c in LEVEL_COLUMNS} for row in rows]
    return pd.DataFrame(full, columns=list(LEVEL_COLUMNS)).astype(_kinds())


class _Context:
    """What every level needs: names, the people table, the trained regions, the selection."""

    def __init__(self, bundle: Any, region: str | None, min_n: int) -> None:
        self.bundle = bundle
        self.followup = bundle.followup
        self.min_n = min_n
        people = self.followup.people.copy()
        people["person_id"] = people["person_id"].astype(str)
        self.people = people
        trainees = people[people["trained"]]
        self.posts = set(trainees["population"].dropna())
        self.trained_ids = set(trainees["person_id"])
        # the comparison group: the untrained in the trainees' own posts
        self.control_ids = set(people.loc[~people["trained"] & people["population"].isin(self.posts), "person_id"])
        self.region_of = dict(zip(people["person_id"], people["top_region_id"]))
        order = list(bundle.manifest.top_level_ids())
        trained_regions = set(trainees["top_region_id"].dropna())
        self.regions = [r for r in order if r in trained_regions]
        self.names: dict[Any, str] = {**_MEASURE_NAMES, ALL_TRAINED: "全部参训地区"}
        for r in order:
            self.names[r] = bundle.manifest.name(r)
        # one region asked for: every figure is computed as for the whole engagement (the same
        # families, so the same claims), and only that region's rows are kept (``scope``)
        self.scope = list(self.regions)
        if region is not None:
            top = self.region_of_region(bundle.manifest.require(region))
            if top not in self.regions:
                trained = "、".join(self.names[r] for r in self.regions) or "没有"
                raise AnalysisError(f"{self.names.get(top, top)}没有参训人员，无法评估培训效果；参训地区：{trained}。")
            self.scope = [top]
        self.selection = self.followup.selection
        self.control_text = _control_text(self.people, self.control_ids, self.names)

    def region_of_region(self, region: str) -> str:
        """The top-level region of a region id (a city's province)."""
        regions = self.bundle.manifest.regions
        parents = dict(zip(regions["region_id"], regions["parent_id"]))
        while parents.get(region) is not None and not pd.isna(parents.get(region)):
            region = parents[region]
        return region

    def group_of(self, ids: pd.Series) -> pd.Series:
        return ids.astype(str).map(self.region_of)


def _change_rows(table: pd.DataFrame, ctx: _Context, *, level: int, wave: str, isolation: str,
                 group: str | None) -> list[dict[str, Any]]:
    """Rows of :data:`LEVEL_COLUMNS` from a :func:`paired_change` table."""
    rows = []
    for rec in table.to_dict("records"):
        g = rec[group] if group else ALL_TRAINED
        rows.append({
            "level": level, "wave_id": wave, "measure": rec["measure"], "measure_label": rec["measure_label"],
            "group": g, "group_label": ctx.names.get(g, str(g)), "unit": rec["unit"],
            "baseline": rec["before_mean"], "followup": rec["after_mean"], "change": rec["change"],
            # the interval the sentence shows: adjusted for its family (the plain one for a family of one)
            "ci_low": rec["adj_low"] if pd.notna(rec["interval_level"]) else rec["ci_low"],
            "ci_high": rec["adj_high"] if pd.notna(rec["interval_level"]) else rec["ci_high"],
            "n": rec["n_paired"], "n_missing": rec["n_missing"], "itt_change": rec["itt_change"],
            "isolation": isolation, "isolation_label": ISOLATIONS[isolation], "claimed": bool(rec["claimed"]),
            "direction": rec["direction"], "hidden": bool(rec["hidden"]), "sentence": rec["sentence"]})
    return rows


def _did_rows(table: pd.DataFrame, ctx: _Context, *, level: int, wave: str) -> list[dict[str, Any]]:
    """Rows from a :func:`difference_in_differences` table (group column ``group``)."""
    rows = []
    for rec in table.to_dict("records"):
        if rec["comparison"] != "untrained":
            continue  # no comparison group here (fewer than min_n): the before/after rows say it all
        isolation = "control_group"
        g = rec["group"]
        sentence = f"与{ctx.control_text}对比：{rec['sentence']}"
        rows.append({
            "level": level, "wave_id": wave, "measure": rec["measure"], "measure_label": rec["measure_label"],
            "group": g, "group_label": ctx.names.get(g, str(g)), "unit": rec["unit"],
            "baseline": _NAN, "followup": _NAN, "change": rec["estimate"],
            "ci_low": rec["adj_low"], "ci_high": rec["adj_high"], "n": rec["n_trained"],
            "n_control": rec["n_untrained"], "trained_change": rec["trained_change"],
            "control_change": rec["untrained_change"], "isolation": isolation, "isolation_label": ISOLATIONS[isolation],
            "claimed": bool(rec["claimed"]),
            "direction": "none" if not rec["claimed"] else ("up" if rec["estimate"] > 0 else "down"),
            "hidden": bool(rec["hidden"]), "sentence": sentence})
    return rows


def _with_groups(table: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """The trainees' rows of a person × measure table, with ``group`` (their trained region)."""
    trained = table[table["person_id"].isin(ctx.trained_ids)].copy()
    trained["group"] = ctx.group_of(trained["person_id"])
    trained = trained[trained["group"].isin(ctx.regions)]
    return trained


def _did_table(table: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """Trainees per region and pooled, each against the same comparison group (``trained`` flag)."""
    trained = _with_groups(table, ctx)
    control = table[table["person_id"].isin(ctx.control_ids)]
    parts = []
    groups = [*ctx.regions, ALL_TRAINED] if len(ctx.regions) > 1 else list(ctx.regions)
    for g in groups:
        own = trained if g == ALL_TRAINED else trained[trained["group"] == g]
        parts.append(own.assign(group=g, trained=True))
        parts.append(control.assign(group=g, trained=False))
    out = pd.concat(parts, ignore_index=True)
    return out[["person_id", "measure", "before", "after", "trained", "group"]]


def _paired_both(table: pd.DataFrame, ctx: _Context, *, level: int, wave: str, units: Any,
                 family_regions: str) -> list[dict[str, Any]]:
    """Before/after rows per region (one family per region or one for all) and pooled (one family)."""
    trained = _with_groups(table, ctx)
    if trained.empty:
        return []
    rows = _change_rows(paired_change(trained[["person_id", "measure", "before", "after", "group"]], by="group",
                                      units=units, names=ctx.names, nouns=_NOUNS, min_n=ctx.min_n,
                                      family=family_regions),
                        ctx, level=level, wave=wave, isolation="before_after", group="group")
    if len(ctx.regions) > 1:
        pooled = paired_change(trained[["person_id", "measure", "before", "after"]].assign(group=ALL_TRAINED),
                               by="group", units=units, names=ctx.names, nouns=_NOUNS, min_n=ctx.min_n)
        rows += _change_rows(pooled, ctx, level=level, wave=wave, isolation="before_after", group="group")
    return rows


def _mean_rows(values: pd.DataFrame, ctx: _Context, *, level: int, wave: str, unit: str, extra: str,
               bounds: tuple[float, float]) -> list[dict[str, Any]]:
    """A level only (no change): mean with a 95% t interval (within ``bounds``) per region and pooled.

    ``values``: ``person_id``, ``measure``, ``value``; ``unit`` ``score`` (two decimals, with the
    words of ``extra``) or ``share`` (whole percentages).
    """
    data = _with_groups(values, ctx)
    rows = []
    groups = [*ctx.regions, ALL_TRAINED] if len(ctx.regions) > 1 else list(ctx.regions)
    for measure in dict.fromkeys(data["measure"]):
        for g in groups:
            mask = data["measure"] == measure
            if g != ALL_TRAINED:
                mask &= data["group"] == g
            x = data.loc[mask, "value"].dropna().to_numpy("float64")
            n = int(x.size)
            label = ctx.names.get(measure, measure)
            subject = f"{ctx.names.get(g, g)}“{label}”"
            hidden = is_suppressed(n, ctx.min_n)
            if hidden:
                mean = low = high = _NAN
                sentence = f"{subject}：有记录的{people_text(n, ctx.min_n)}，不作判断。"
            else:
                mean, low, high = t_interval(x, 0.95)
                if np.isfinite(low):
                    low, high = max(low, bounds[0]), min(high, bounds[1])
                    rng = f"可能范围 {_level(low, unit)} 至 {_level(high, unit)}"
                else:
                    rng = "无法估计可能范围"
                sentence = f"{subject}平均为 {_level(mean, unit)}（{extra}{rng}，n = {n}）。"
            rows.append({"level": level, "wave_id": wave, "measure": measure, "measure_label": label,
                         "group": g, "group_label": ctx.names.get(g, str(g)), "unit": unit,
                         "followup": mean, "ci_low": low, "ci_high": high, "n": n, "isolation": "none",
                         "isolation_label": ISOLATIONS["none"], "hidden": hidden, "sentence": sentence})
    return rows


def _level(value: float, unit: str) -> str:
    """A level without its unit word for a score (``3.25``), a share as ``23%``."""
    return level_text(value, unit).removesuffix(" 分")


# ---------------------------------------------------------------- level 1 and 2


def _reaction(ctx: _Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reaction = ctx.followup.reaction
    if reaction.empty:
        return [], []
    values = reaction.rename(columns={"item": "measure", "score": "value"})[["person_id", "measure", "value"]]
    values = values.assign(person_id=values["person_id"].astype(str))
    l1, l2 = [], []
    for item, (_, level) in REACTION_ITEMS.items():
        part = values[values["measure"] == item]
        if part.empty:
            continue
        rows = _mean_rows(part, ctx, level=level, wave="", unit="score", extra="满分 5 分，", bounds=(1.0, 5.0))
        (l1 if level == 1 else l2).extend(rows)
    return l1, l2


def _quiz(ctx: _Context) -> list[dict[str, Any]]:
    quiz = ctx.followup.quiz
    if quiz.empty:
        return []
    wide = quiz.assign(person_id=quiz["person_id"].astype(str)).pivot_table(
        index="person_id", columns="phase", values="share", aggfunc="first")
    if "pre" not in wide.columns:
        return []
    table = pd.DataFrame({"person_id": wide.index, "measure": "quiz", "before": wide["pre"].to_numpy(),
                          "after": wide["post"].to_numpy() if "post" in wide.columns else _NAN})
    return _paired_both(table, ctx, level=2, wave="", units="share", family_regions="all")


# ---------------------------------------------------------------- level 3


def _visit_measures(visits: pd.DataFrame) -> pd.DataFrame:
    """Per account manager: mean question share, share of time out at the customer, share of
    visits advanced or won (long: ``person_id``, ``measure``, ``value``)."""
    if visits.empty:
        return pd.DataFrame(columns=["person_id", "measure", "value"])
    data = visits[visits["account_manager"].notna()].copy()
    data["person_id"] = data["account_manager"].astype(str)
    on_site = pd.to_numeric(data["minutes_on_site"], errors="coerce")
    travel = pd.to_numeric(data["minutes_travel"], errors="coerce")
    data["on_site_share"] = on_site / (on_site + travel)
    data["question_share"] = pd.to_numeric(data["question_share"], errors="coerce")
    data["advanced_share"] = data["outcome"].isin(("advanced", "won")).astype(float).where(data["outcome"].notna())
    means = data.groupby("person_id")[["question_share", "on_site_share", "advanced_share"]].mean()
    return means.reset_index().melt(id_vars="person_id", var_name="measure", value_name="value")


def _paired_visits(baseline: pd.DataFrame, wave: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    before = _visit_measures(baseline).rename(columns={"value": "before"})
    after = _visit_measures(wave).rename(columns={"value": "after"})
    out = before.merge(after, on=["person_id", "measure"], how="left")
    return out[out["measure"].isin(measures)]


def _behaviour(ctx: _Context, wave: str, agreement: pd.DataFrame) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    baseline = ctx.bundle.ride_alongs
    visits = ctx.followup.ride_alongs.get(wave)
    if visits is None or visits.empty or baseline.empty:
        return [], pd.DataFrame(columns=["person_id", "measure", "before", "after"])
    rates = paired_behaviour_rates(baseline, visits)[["person_id", "measure", "before", "after"]]
    table = pd.concat([rates, _paired_visits(baseline, visits, ("question_share", "on_site_share"))],
                      ignore_index=True)
    table["person_id"] = table["person_id"].astype(str)
    rows = _paired_both(table, ctx, level=3, wave=wave, units="share", family_regions="group")
    if ctx.control_ids:
        rows += _did_rows(difference_in_differences(_did_table(table, ctx), by="group", units="share",
                                                    names=ctx.names, nouns=_NOUNS, min_n=ctx.min_n),
                          ctx, level=3, wave=wave)
    unreliable = set(agreement.loc[agreement["unreliable"], "behaviour"]) if len(agreement) else set()
    for row in rows:
        if row["measure"] in unreliable:
            row["unreliable"] = True
            if row["claimed"]:
                row["claimed"], row["direction"] = False, "none"
            row["note"] = _UNRELIABLE
            row["sentence"] = f"{row['sentence']}{_UNRELIABLE}"
    return rows, rates


def _self_report(ctx: _Context, wave: str) -> list[dict[str, Any]]:
    from casekit.analysis.scores import respondent_scores

    survey = ctx.followup.surveys.get(wave)
    if survey is None or survey.responses.empty or ctx.bundle.responses.empty:
        return []
    before = respondent_scores(ctx.bundle)[["respondent_id", "dimension", "score"]]
    after = respondent_scores(SimpleNamespace(responses=survey.responses))[["respondent_id", "dimension", "score"]]
    table = before.merge(after, on=["respondent_id", "dimension"], how="left", suffixes=("_b", "_a"))
    table = table.rename(columns={"respondent_id": "person_id", "dimension": "measure", "score_b": "before",
                                  "score_a": "after"})
    table["person_id"] = table["person_id"].astype(str)
    rows = _paired_both(table, ctx, level=3, wave=wave, units="score", family_regions="group")
    for row in rows:
        row["self_report"] = True
        row["sentence"] = f"{_SELF}{row['sentence']}"
    return rows


def _drivers(ctx: _Context, wave: str, rates: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    coaching = ctx.followup.coaching.get(wave)
    if coaching is not None and not coaching.empty:
        values = coaching.melt(id_vars="person_id", value_vars=["joint_visits", "weekly_reviews"],
                               var_name="measure", value_name="value")
        values["person_id"] = values["person_id"].astype(str)
        values["value"] = pd.to_numeric(values["value"], errors="coerce")
        rows += _mean_rows(values, ctx, level=3, wave=wave, unit="score", extra="本轮期间每人次数，",
                           bounds=(0.0, np.inf))
    toolbox = rates[rates["measure"] == "uses_toolbox"] if len(rates) else rates
    if len(toolbox):
        values = toolbox.rename(columns={"after": "value"})[["person_id", "measure", "value"]]
        rows += _mean_rows(values, ctx, level=3, wave=wave, unit="share", extra="本轮观察到的拜访中出现的比例，",
                           bounds=(0.0, 1.0))
    return rows


# ---------------------------------------------------------------- level 4


def _sales(ctx: _Context) -> list[dict[str, Any]]:
    sales = ctx.followup.sales
    if sales.empty:
        return []
    sales = sales.assign(person_id=sales["person_id"].astype(str))
    trained = sales[sales["person_id"].isin(ctx.trained_ids)].copy()
    trained["group"] = ctx.group_of(trained["person_id"])
    trained = trained[trained["group"].isin(ctx.regions)]
    parts = [trained]
    if len(ctx.regions) > 1:
        parts.append(trained.assign(group=ALL_TRAINED))
    series = pd.concat(parts, ignore_index=True)
    trend = trend_line_effect(series[["person_id", "month", "value", "period", "group"]], by="group",
                              names=ctx.names, min_n=ctx.min_n)
    rows = []
    for rec in trend.to_dict("records"):
        g = rec["group"]
        rows.append({"level": 4, "wave_id": "", "measure": SALES, "measure_label": "业绩完成率", "group": g,
                     "group_label": ctx.names.get(g, str(g)), "unit": rec["unit"], "baseline": rec["projected"],
                     "followup": rec["actual"], "change": rec["estimate"], "ci_low": rec["adj_low"],
                     "ci_high": rec["adj_high"], "n": rec["n_people"], "isolation": "trend_line",
                     "isolation_label": ISOLATIONS["trend_line"], "claimed": bool(rec["claimed"]),
                     "direction": "none" if not rec["claimed"] else ("up" if rec["estimate"] > 0 else "down"),
                     "hidden": bool(rec["hidden"]), "sentence": rec["sentence"]})
    if ctx.control_ids:
        means = sales[sales["period"].isin(("baseline", "after"))].pivot_table(
            index="person_id", columns="period", values="value", aggfunc="mean")
        if {"baseline", "after"} <= set(means.columns):
            table = pd.DataFrame({"person_id": means.index, "measure": SALES,
                                  "before": means["baseline"].to_numpy(), "after": means["after"].to_numpy()})
            table = table.dropna(subset=["before"])
            rows += _did_rows(difference_in_differences(_did_table(table, ctx), by="group", units="percent",
                                                        names=ctx.names, min_n=ctx.min_n),
                              ctx, level=4, wave="")
    return rows


def _leading(ctx: _Context, wave: str) -> list[dict[str, Any]]:
    visits = ctx.followup.ride_alongs.get(wave)
    if visits is None or visits.empty or ctx.bundle.ride_alongs.empty:
        return []
    table = _paired_visits(ctx.bundle.ride_alongs, visits, ("advanced_share",))
    table["person_id"] = table["person_id"].astype(str)
    return _paired_both(table, ctx, level=4, wave=wave, units="share", family_regions="all")


# ---------------------------------------------------------------- attrition, types, success cases


def _attrition(ctx: _Context) -> pd.DataFrame:
    f = ctx.followup
    rows: list[dict[str, Any]] = []
    in_scope = {p for p in ctx.trained_ids if ctx.region_of.get(p) in ctx.scope}

    def add(wave: str, source: str, basis: set[str], found: set[str], changes: bool = True) -> None:
        basis = basis & in_scope
        if not basis:
            return
        n_found = len(basis & found)
        rate = n_found / len(basis)
        missing = len(basis) - n_found
        label = SOURCES[source]
        # The number missing is the difference of two numbers shown: hiding it would protect
        # nobody and read as evasive. Hidden only when one of those two is.
        shown = len(basis) >= ctx.min_n and n_found >= ctx.min_n
        sentence = (f"{label}：应有{people_text(len(basis), ctx.min_n)}，找到{people_text(n_found, ctx.min_n)}"
                    f"（{round(rate * 100)}%）" + ("" if rate >= MATCH_AIM else "，低于 80% 的目标")
                    + (f"；{missing} 人未回访" if missing and shown
                       else f"；缺{people_text(missing, ctx.min_n)}" if missing else "")
                    + ("，计算变化时按“没有变化”计入" if missing and changes else "") + "。")
        rows.append({"wave_id": wave, "source": source, "source_label": label, "n_basis": len(basis),
                     "n_found": n_found, "n_missing": missing, "match_rate": rate,
                     "meets_aim": rate >= MATCH_AIM, "sentence": sentence})

    trainees = set(ctx.trained_ids)
    if not f.reaction.empty:
        add("", "reaction", trainees, set(f.reaction["person_id"].astype(str)), changes=False)
    if not f.quiz.empty:
        pre = set(f.quiz.loc[f.quiz["phase"] == "pre", "person_id"].astype(str))
        add("", "quiz", pre, set(f.quiz.loc[f.quiz["phase"] == "post", "person_id"].astype(str)))
    if not f.sales.empty:
        before = set(f.sales.loc[f.sales["period"] == "baseline", "person_id"].astype(str))
        add("", "sales", before, set(f.sales.loc[f.sales["period"] == "after", "person_id"].astype(str)))
    for rec in f.links.to_dict("records"):
        if rec["source"] in SOURCES and rec["present"]:
            found, missing = set(map(str, rec["found"])), set(map(str, rec["missing"]))
            add(rec["wave_id"], rec["source"], found | missing, found, changes=rec["source"] != "coaching")
    return pd.DataFrame(rows, columns=list(ATTRITION_COLUMNS)).astype(
        {"n_basis": "int64", "n_found": "int64", "n_missing": "int64", "match_rate": "float64", "meets_aim": "bool"})


def _types(ctx: _Context, wave: str, scores: pd.DataFrame, labels: pd.Series | None) -> list[dict[str, Any]]:
    """Per account-manager type: the trainees' behaviour change score, mean and 95% interval."""
    if labels is None or scores.empty:
        return []
    data = scores.assign(group=scores["person_id"].map(labels.to_dict()))
    data = data[data["person_id"].map(ctx.region_of).isin(ctx.scope)]
    rows = []
    for g in sorted(set(labels.dropna()), key=lambda text: (len(text.split("类")[0]), text)):
        own = data.loc[data["group"] == g, "score"].dropna().to_numpy("float64")
        n = int(own.size)
        hidden = is_suppressed(n, ctx.min_n)
        mean = low = high = _NAN
        if hidden:
            sentence = f"{g}：培训前后都有随访记录的参训人员{people_text(n, ctx.min_n)}，不作判断。"
        else:
            mean, low, high = t_interval(own, 0.95)
            if np.isfinite(low) and low > 0:
                moved = "这一类人整体向好的做法靠拢"
            elif np.isfinite(high) and high < 0:
                moved = "这一类人整体向不好的做法偏移"
            else:
                moved = "这一类人整体无明显变化"
            rng = (f"可能范围 {_signed_points(low)} 至 {_signed_points(high)} 个百分点" if np.isfinite(low)
                   else "无法估计可能范围")
            sentence = (f"{g}：{n} 名参训人员的各项拜访做法平均向好的方向变化 {_signed_points(mean)} 个百分点"
                        f"（顾问式做法增加、推销式做法减少都算向好；{rng}），{moved}。")
        rows.append({"wave_id": wave, "group": g, "group_label": g, "n": n, "score": mean, "ci_low": low,
                     "ci_high": high, "hidden": hidden, "sentence": sentence})
    return rows


def _signed_points(value: float) -> str:
    from casekit.formatting import MINUS

    whole = round(value * 100)
    return f"+{whole}" if whole > 0 else (f"{MINUS}{abs(whole)}" if whole < 0 else "0")


def _segment_labels(bundle: Any) -> pd.Series | None:
    from casekit.analysis.segments import segment_account_managers

    try:
        report = segment_account_managers(bundle, random_state=2008)
    except (AnalysisError, ValueError):
        return None
    return report.segment_labels() if report.clear else None


# ---------------------------------------------------------------- the whole


def evaluate_followup(bundle: Any, *, region: str | None = None, min_n: int = MIN_CELL_SIZE,
                      types: bool = True) -> FollowUpEvaluation:
    """The Kirkpatrick evaluation of ``bundle``'s follow-up, every level and wave.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded bundle with a ``followup/`` folder.
    region : str, optional
        One trained region (id or name; a city counts as its province): only its rows, its
        trainees' attrition, types and success cases. Its figures are those of the whole
        evaluation (the same families and comparison group), so asking for one region never
        changes a claim. Default: every trained region and all of them together.
    min_n : int, default :data:`casekit.domain.MIN_CELL_SIZE`
        Fewer people in a cell (either group of a comparison): no number, never claimed.
    types : bool, default True
        Whether to segment the baseline's account managers into types (about a second on the
        sample) for :attr:`FollowUpEvaluation.types`.

    Returns
    -------
    FollowUpEvaluation

    Raises
    ------
    AnalysisError
        If the bundle has no follow-up, or ``region`` has no trainees.
    RegionError
        If ``region`` is not in the manifest.
    """
    if getattr(bundle, "followup", None) is None:
        raise AnalysisError("这个资料包没有培训后回访的数据（followup 文件夹）：无法评估培训效果。")
    min_n = check_threshold(min_n, "min_n")
    ctx = _Context(bundle, region, min_n)
    reaction, confidence = _reaction(ctx)
    learning = confidence + _quiz(ctx)
    behaviour: list[dict[str, Any]] = []
    self_report: list[dict[str, Any]] = []
    drivers: list[dict[str, Any]] = []
    results = _sales(ctx)
    agreements, type_rows = [], []
    successes: dict[str, SuccessCases] = {}
    labels = _segment_labels(bundle) if types else None
    for wave in ctx.followup.waves["wave_id"]:
        recordings = ctx.followup.ride_along_recordings.get(wave)
        agreement = pd.DataFrame()
        if recordings is not None and "observer" in recordings.columns and recordings["observer"].notna().any():
            agreement = observer_agreement(recordings).assign(wave_id=wave)
            agreements.append(agreement)
        rows, rates = _behaviour(ctx, wave, agreement)
        behaviour += rows
        self_report += _self_report(ctx, wave)
        drivers += _drivers(ctx, wave, rates)
        results += _leading(ctx, wave)
        trainee_rates = rates[rates["person_id"].isin(ctx.trained_ids)
                              & rates["person_id"].map(ctx.region_of).isin(ctx.scope)] if len(rates) else rates
        if len(trainee_rates):
            unreliable = set(agreement.loc[agreement["unreliable"], "behaviour"]) if len(agreement) else set()
            kept = trainee_rates[~trainee_rates["measure"].isin(unreliable)]
            scores = behaviour_change_score(kept.rename(columns={"measure": "behaviour"}))
            type_rows += _types(ctx, wave, scores, labels)
            if scores["score"].notna().any():
                successes[wave] = success_cases(scores)
    notes = [f"对照组：{ctx.control_text}（参训学员所在岗位中未参加培训的人）；与未参训人员对比时，"
             "用参训人员的变化减去未参训人员同期的变化，扣除培训以外的共同影响。"
             if ctx.control_ids
             else "没有未参训的对照组：只能比较培训前后，业绩另用趋势线估计。"]
    if ctx.selection == "weakest":
        notes.append(REGRESSION_NOTE)
    agreement_table = pd.concat(agreements, ignore_index=True) if agreements else pd.DataFrame()

    def table(rows: list[dict[str, Any]]) -> pd.DataFrame:
        frame = _with_note(_frame(rows), ctx)
        if ctx.scope != ctx.regions:
            frame = frame[frame["group"].isin(ctx.scope)].reset_index(drop=True)
        return frame

    return FollowUpEvaluation(
        reaction=table(reaction), learning=table(learning), behaviour=table(behaviour),
        self_report=table(self_report), drivers=table(drivers), results=table(results), agreement=agreement_table, attrition=_attrition(ctx),
        types=pd.DataFrame(type_rows, columns=list(TYPE_COLUMNS)), success_cases=successes, notes=tuple(notes),
        families=_FAMILIES)


def _with_note(frame: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """Regression to the mean beside every shown trainees-only change (before/after, trend line)
    when the weakest were chosen: in ``note``, and after the sentence of a claimed change. A
    difference-in-differences compares with the untrained and is left as it is."""
    if ctx.selection == "weakest" and len(frame):
        mask = frame["isolation"].isin(("before_after", "trend_line")) & ~frame["hidden"]
        frame.loc[mask, "note"] = frame.loc[mask, "note"] + REGRESSION_NOTE  # beside an unreliable note
        claimed = mask & frame["claimed"]
        frame.loc[claimed, "sentence"] = frame.loc[claimed, "sentence"] + REGRESSION_NOTE
    return frame


def _control_text(people: pd.DataFrame, control_ids: set[str], names: Mapping[Any, str]) -> str:
    """The comparison group in words: 山东未参训的政企客户经理."""
    control = people[people["person_id"].isin(control_ids)]
    regions = [names.get(r, r) for r in dict.fromkeys(control["top_region_id"].dropna())]
    posts = [KNOWN_NAMES.get(p, p) for p in dict.fromkeys(control["population"].dropna())]
    return f"{'、'.join(regions)}未参训的{'、'.join(posts)}"

