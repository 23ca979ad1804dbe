"""Exploring a bundle's follow-up after the course: what notebook ``7.0-follow-up`` shows.

The consultant's working view of the Kirkpatrick evaluation
(:func:`casekit.analysis.evaluate_followup`, ``docs/followup.md``): one :class:`FollowUpExplorer`
per bundle holds the evaluation (computed once) and answers the notebook's questions as plain
tables, figures and Chinese text -- who was matched across waves, which behaviours the observers
recorded consistently, what changed in a region (per level, a table and a chart of the changes
with their intervals, claimed changes marked), the trained region against the comparison group
(the untrained people of the trainees' posts), who moved per account-manager type, the success
cases and the region's 30/60/90-day action plan and coaching checklist
(:mod:`casekit.authoring.action_plan`, :mod:`casekit.authoring.coaching_checklist`).

It lives in ``reports`` because it draws charts and calls the authoring layer (the action plans).
Nothing here decides a claim: every change, interval, claim, hidden cell and unreliable flag is
the evaluation's. Success cases and the per-person list of who moved name staff codes: they are
for the consultant only (:data:`CONSULTANT_ONLY`), never for a client file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casekit.analysis.evaluation.levels import ALL_TRAINED, SALES, FollowUpEvaluation, evaluate_followup
from casekit.analysis.evaluation.rates import paired_behaviour_rates
from casekit.analysis.evaluation.success_cases import (
    CONSULTANT_ONLY,
    SuccessCases,
    behaviour_change_score,
    success_cases,
)
from casekit.analysis.evaluation.wording import KNOWN_NAMES, amount_text, level_text, people_text, range_text
from casekit.analysis.intervals import t_interval
from casekit.domain import BEHAVIOURS, MIN_CELL_SIZE
from casekit.exceptions import AnalysisError
from casekit.privacy.disclosure import check_threshold, is_suppressed
from casekit.reports.charts import ALL_COLOUR, OTHERS_COLOUR, REGION_COLOUR
from casekit.reports.fonts import ensure_cjk_font
from casekit.reports.safe_html import escape_markdown

__all__ = [
    "CONSULTANT_ONLY",
    "LEVEL_TITLES",
    "NO_FOLLOWUP",
    "FollowUpExplorer",
    "verdict",
]

#: Said when the bundle has no ``followup/`` folder (as ``casekit followup`` says it).
NO_FOLLOWUP = ("这个资料包没有培训后回访的数据（没有 followup 文件夹），无法评估培训效果。"
               "回访数据的格式见 docs/followup.md。")

#: The measure tables of :class:`~casekit.analysis.FollowUpEvaluation` → their titles, in reading order.
LEVEL_TITLES: Mapping[str, str] = {
    "reaction": "第一层 反应：学员对课程的评价",
    "learning": "第二层 学习：知识测验、应用信心与应用意愿",
    "behaviour": "第三层 行为：随访观察到的做法",
    "self_report": "第三层 行为（参考）：学员自评问卷",
    "drivers": "第三层 保障措施：主管辅导与工具使用",
    "results": "第四层 结果：业绩与拜访推进",
}

#: Column headings of :meth:`FollowUpExplorer.measure_table`.
_TABLE_COLUMNS = ["指标", "分组", "对照方式", "培训前", "培训后", "变化", "可能范围", "人数", "结论"]
#: Measures counted in times (the coaching log), not scores.
_COUNTS = frozenset({"joint_visits", "weekly_reviews"})
#: Claimed changes: a strong colour; not claimed: grey; unreliable: a light grey.
_CLAIMED_COLOUR = "#c0392b"
_PLAIN_COLOUR = "#4d5560"
_UNRELIABLE_COLOUR = "#b8bec6"
#: A marker per way of isolating the course's effect.
_MARKERS: Mapping[str, str] = {"before_after": "o", "control_group": "s", "trend_line": "D", "none": "o"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(text: Any) -> str:
    """Bundle text for a chart label: drawn literally (:func:`casekit.reports.charts.chart_text`), on one line."""
    from casekit.reports.charts import chart_text

    return chart_text(text).replace("\n", " ")


def verdict(row: Mapping[str, Any]) -> str:
    """The conclusion of one evaluation row in words.

    Parameters
    ----------
    row : mapping
        A row of a measure table (:data:`casekit.analysis.evaluation.levels.LEVEL_COLUMNS`).

    Returns
    -------
    str
        ``人数不足，不显示`` (hidden), ``记录不一致，只作参考`` (observers disagree), ``明显提高`` /
        ``明显降低`` (claimed), ``无明显变化``, or ``只有培训后的数据`` for a level without a change.
    """
    from casekit.analysis.evaluation.verdict import verdict as one_verdict

    if not row["hidden"] and not row["unreliable"] and _missing(row["change"]):
        return "只有培训后的数据"
    return one_verdict(row)


def _level(value: Any, unit: str, measure: str) -> str:
    if _missing(value):
        return "—"
    text = level_text(value, unit)
    return text.replace(" 分", " 次") if measure in _COUNTS else text


def _scaled(value: float, unit: str, *, change: bool = False) -> float:
    """A value in the unit the chart shows: a share as percent, within what a share can be
    (0 to 100%, a change of a share −100 to +100 points), as the tables write intervals."""
    if unit != "share":
        return value
    low = -1.0 if change else 0.0
    return min(max(value, low), 1.0) * 100


def _axis_label(unit: str, change: bool, measure: str = "") -> str:
    if unit == "score":
        word = "次" if measure in _COUNTS else "分"
        return f"变化（{word}）" if change else f"平均（{word}）"
    return "变化（个百分点）" if change else "平均（%）"


class FollowUpExplorer:
    """The follow-up of one bundle, as the consultant explores it.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded bundle; its ``followup`` is evaluated once, here.
    min_n : int, default :data:`casekit.domain.MIN_CELL_SIZE`
        Fewer people in a cell: no number (the evaluation's threshold, and the comparison
        group's levels).

    Raises
    ------
    AnalysisError
        If the bundle has no follow-up (:data:`NO_FOLLOWUP`).

    Attributes
    ----------
    bundle : casekit.intake.Bundle
    evaluation : FollowUpEvaluation
        Every trained region and all of them together.
    waves : dict of str to str
        Wave id → its label, in time order.
    """

    def __init__(self, bundle: Any, *, min_n: int = MIN_CELL_SIZE) -> None:
        if getattr(bundle, "followup", None) is None:
            raise AnalysisError(NO_FOLLOWUP)
        self.bundle = bundle
        self.min_n = check_threshold(min_n, "min_n")
        self.evaluation: FollowUpEvaluation = evaluate_followup(bundle, min_n=self.min_n)
        waves = bundle.followup.waves
        self.waves: dict[str, str] = dict(zip(waves["wave_id"].astype(str), waves["label"].astype(str)))
        people = bundle.followup.people.copy()
        people["person_id"] = people["person_id"].astype(str)
        self._people = people

    # -- choices -----------------------------------------------------------------------------

    @property
    def regions(self) -> list[tuple[str, str]]:
        """The trained regions and, with more than one, all of them together: ``(label, id)``."""
        measures = self.evaluation.measures()
        groups = dict.fromkeys(zip(measures["group_label"], measures["group"]))
        regions = [g for g in groups if g[1] != ALL_TRAINED]
        return regions + [g for g in groups if g[1] == ALL_TRAINED]

    def region_id(self, region: str) -> str:
        """A trained region's id from its id or name (``all`` or 全部参训地区 for all together).

        Raises
        ------
        AnalysisError
            If ``region`` is not a trained region (the message names the trained ones).
        """
        for label, rid in self.regions:
            if region in (label, rid):
                return rid
        try:
            top = self.bundle.manifest.top_of(self.bundle.manifest.require(region))
        except Exception:  # noqa: BLE001 -- an unknown name: said below, with the choices
            top = None
        if top is not None and any(rid == top for _, rid in self.regions):
            return top
        trained = "、".join(label for label, _ in self.regions) or "没有"
        raise AnalysisError(f"“{region}”不是参训地区，可选：{trained}。")

    def region_name(self, region: str) -> str:
        """The Chinese name of a trained region (or 全部参训地区)."""
        rid = self.region_id(region)
        return dict((r, label) for label, r in self.regions)[rid]

    def measure_options(self, table: str, wave: str) -> list[tuple[str, str]]:
        """The measures of one level's table at ``wave``: ``(label, id)``, in the table's order."""
        frame = self._rows(table, None, wave)
        return list(dict.fromkeys(zip(frame["measure_label"], frame["measure"])))

    def _table(self, table: str) -> pd.DataFrame:
        if table not in LEVEL_TITLES:
            raise AnalysisError(f"未知的层级“{table}”，可选：" + "、".join(LEVEL_TITLES))
        return getattr(self.evaluation, table)

    def _rows(self, table: str, region: str | None, wave: str) -> pd.DataFrame:
        """A table's rows of one region (None: every group) at ``wave`` (and the rows of no wave)."""
        frame = self._table(table)
        frame = frame[frame["wave_id"].isin((wave, ""))]
        if region is not None:
            frame = frame[frame["group"] == self.region_id(region)]
        return frame.reset_index(drop=True)

    # -- who was matched, which measures are reliable ------------------------------------------

    def overview(self) -> list[str]:
        """The evaluation's notes and the course, in plain Chinese sentences."""
        course = self.bundle.followup.course
        name = course.get("name") if isinstance(course, Mapping) else getattr(course, "name", "")
        regions = "、".join(label for label, rid in self.regions if rid != ALL_TRAINED)
        lines = [f"课程“{name}”的参训地区：{regions}；回访轮次：" + "、".join(self.waves.values()) + "。"]
        return lines + list(self.evaluation.notes)

    def match_table(self) -> pd.DataFrame:
        """Per wave and source: trainees expected, found, the match rate and the 80% aim.

        Returns
        -------
        DataFrame
            ``轮次``, ``资料``, ``应有``, ``找到``, ``匹配率``, ``达到八成``; counts as text (a number of
            missing people under ``min_n`` is never written, as in the evaluation's sentences).
        """
        rows = []
        for rec in self.evaluation.attrition.to_dict("records"):
            when = "课程结束时" if rec["source"] == "reaction" else "培训前后"
            rows.append({"轮次": self.waves.get(rec["wave_id"], when), "资料": rec["source_label"],
                         "应有": people_text(rec["n_basis"], self.min_n).strip(),
                         "找到": people_text(rec["n_found"], self.min_n).strip(),
                         "匹配率": f"{round(rec['match_rate'] * 100)}%",
                         "达到八成": "是" if rec["meets_aim"] else "否（低于 80% 的目标）"})
        return pd.DataFrame(rows, columns=["轮次", "资料", "应有", "找到", "匹配率", "达到八成"])

    def agreement_table(self) -> pd.DataFrame:
        """Observers' agreement per wave and behaviour, in words.

        Returns
        -------
        DataFrame
            ``轮次``, ``做法``, ``同场记录的拜访``, ``记录相同的比例``, ``结论`` (可靠 / 偏低，只作参考);
            empty when no visit was recorded twice.
        """
        agreement = self.evaluation.agreement
        rows = []
        for rec in agreement.to_dict("records") if len(agreement) else []:
            rows.append({"轮次": self.waves.get(rec["wave_id"], rec["wave_id"]), "做法": rec["behaviour_label"],
                         "同场记录的拜访": f"{int(rec['n_visits'])} 次",
                         "记录相同的比例": "—" if _missing(rec["observed"]) else f"{round(rec['observed'] * 100)}%",
                         "结论": "偏低，只作参考" if rec["unreliable"] else "可靠"})
        return pd.DataFrame(rows, columns=["轮次", "做法", "同场记录的拜访", "记录相同的比例", "结论"])

    def unreliable_behaviours(self, wave: str | None = None) -> list[str]:
        """The Chinese names of the behaviours the observers recorded inconsistently (at ``wave``)."""
        agreement = self.evaluation.agreement
        if agreement.empty:
            return []
        rows = agreement[agreement["unreliable"]]
        if wave is not None:
            rows = rows[rows["wave_id"] == wave]
        return list(dict.fromkeys(rows["behaviour_label"]))

    # -- one region, one level -------------------------------------------------------------------

    def measure_table(self, table: str, region: str, wave: str) -> pd.DataFrame:
        """One level of one region at one wave, every number written as the client reads it.

        Parameters
        ----------
        table : str
            A key of :data:`LEVEL_TITLES`.
        region : str
            A trained region (id or name), or ``all``.
        wave : str
            A wave id (the reaction sheet, the quiz and sales belong to no wave and are always shown).

        Returns
        -------
        DataFrame
            :data:`_TABLE_COLUMNS`; a hidden row shows ``—`` and ``不足5人``, never a number.
        """
        rows = []
        for rec in self._rows(table, region, wave).to_dict("records"):
            hidden = rec["hidden"]
            n = people_text(rec["n"], self.min_n).strip()
            if rec["n_control"]:
                n += f"，对照{people_text(rec['n_control'], self.min_n)}"
            if _missing(rec["ci_low"]) or hidden:
                interval = "—"
            elif _missing(rec["change"]):
                interval = (f"{_level(rec['ci_low'], rec['unit'], rec['measure'])} 至 "
                            f"{_level(rec['ci_high'], rec['unit'], rec['measure'])}")
            else:
                interval = range_text(rec["ci_low"], rec["ci_high"], rec["unit"]).removeprefix("可能范围 ")
            rows.append({
                "指标": rec["measure_label"] + ("（学员自评）" if rec["self_report"] else ""),
                "分组": rec["group_label"], "对照方式": rec["isolation_label"],
                "培训前": "—" if hidden else _level(rec["baseline"], rec["unit"], rec["measure"]),
                "培训后": "—" if hidden else _level(rec["followup"], rec["unit"], rec["measure"]),
                "变化": "—" if hidden or _missing(rec["change"]) else amount_text(rec["change"], rec["unit"]),
                "可能范围": interval, "人数": n, "结论": verdict(rec)})
        return pd.DataFrame(rows, columns=_TABLE_COLUMNS)

    def claimed_sentences(self, region: str, wave: str, tables: Sequence[str] = tuple(LEVEL_TITLES)
                          ) -> list[str]:
        """The sentences of the region's claimed changes, level by level (none: an empty list)."""
        out: list[str] = []
        for table in tables:
            frame = self._rows(table, region, wave)
            out += list(frame.loc[frame["claimed"], "sentence"])
        return out

    def change_figure(self, table: str, region: str, wave: str) -> Figure:
        """The region's measures of one level: each change (or level) with its interval.

        One panel per kind of number (changes in percentage points, changes in points, levels),
        each change with its levels before → after written at the right;
        a claimed change is drawn in red and filled, a change that is not claimed hollow and grey,
        an unreliable behaviour light grey with 记录不一致; a hidden row has no marker and says
        人数不足. The marker says how the course's effect is isolated (circle before/after only,
        square against the comparison group, diamond trend line).

        Returns
        -------
        matplotlib.figure.Figure
        """
        ensure_cjk_font()
        frame = self._rows(table, region, wave)
        panels: dict[tuple[bool, str], list[dict[str, Any]]] = {}
        order = {m: i for i, m in enumerate(dict.fromkeys(frame["measure"]))}
        frame = frame.assign(_order=frame["measure"].map(order)).sort_values(
            "_order", kind="mergesort").drop(columns="_order")
        for rec in frame.to_dict("records"):
            change = not _missing(rec["change"]) or rec["isolation"] != "none"
            unit = "percent" if rec["unit"] in ("share", "percent") else f"score:{rec['measure'] in _COUNTS}"
            panels.setdefault((change, unit), []).append(rec)
        sizes = [len(rows) for rows in panels.values()] or [1]
        fig = Figure(figsize=(8.4, 1.3 + 0.34 * sum(sizes) + 0.5 * len(sizes)), dpi=100, layout="constrained")
        title = f"{_plain(self.region_name(region))} · {LEVEL_TITLES[table]}：变化与可能范围"
        if wave in self.waves and (frame["wave_id"] == wave).any():
            title += f"（{_plain(self.waves[wave])}）"
        fig.suptitle(title, fontsize=12)
        if not panels:
            ax = fig.subplots()
            ax.axis("off")
            ax.text(0.5, 0.5, "这一层没有数据", ha="center", va="center", fontsize=11)
            return fig
        axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": sizes}, squeeze=False)[:, 0]
        for ax, ((change, _), rows) in zip(axes, panels.items()):
            self._draw_panel(ax, rows, change)
        handles = [
            _legend_marker("o", _CLAIMED_COLOUR, True, "明显变化（红色实心）"),
            _legend_marker("o", _PLAIN_COLOUR, False, "无明显变化（空心）"),
        ]
        isolations = set(frame["isolation"])
        if "control_group" in isolations:
            handles.append(_legend_marker("s", _PLAIN_COLOUR, False, "扣除对照组同期变化"))
        if "trend_line" in isolations:
            handles.append(_legend_marker("D", _PLAIN_COLOUR, False, "与趋势线比较"))
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
        return fig

    @staticmethod
    def _draw_panel(ax: Any, rows: list[dict[str, Any]], change: bool) -> None:
        labels = []
        for i, rec in enumerate(rows):
            y = len(rows) - 1 - i
            label = _plain(rec["measure_label"])
            if rec["isolation"] in ("control_group", "trend_line"):
                label += f"（{'扣除对照组同期变化' if rec['isolation'] == 'control_group' else '与趋势线相比'}）"
            labels.append((y, label))
            unit = rec["unit"]
            if rec["hidden"]:
                ax.text(0.02, y, "人数不足，不显示", transform=ax.get_yaxis_transform(), va="center",
                        fontsize=8, color=OTHERS_COLOUR)
                continue
            value = rec["change"] if change else rec["followup"]
            if _missing(value):
                continue
            colour = (_UNRELIABLE_COLOUR if rec["unreliable"] else _CLAIMED_COLOUR if rec["claimed"]
                      else _PLAIN_COLOUR)
            low, high = rec["ci_low"], rec["ci_high"]
            if not (_missing(low) or _missing(high)):
                ax.plot([_scaled(low, unit, change=change), _scaled(high, unit, change=change)], [y, y],
                        color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([_scaled(value, unit, change=change)], [y], marker=_MARKERS.get(rec["isolation"], "o"), markersize=7,
                    color=colour, markerfacecolor=colour if rec["claimed"] else "white", markeredgewidth=1.5)
            if rec["unreliable"]:
                ax.annotate("记录不一致", (_scaled(value, unit, change=change), y), xytext=(6, 5), textcoords="offset points",
                            fontsize=7, color=OTHERS_COLOUR)
            if not (_missing(rec["baseline"]) or _missing(rec["followup"])):  # before → after, at the right
                ax.text(1.01, y, f"{_level(rec['baseline'], unit, rec['measure'])} → "
                        f"{_level(rec['followup'], unit, rec['measure'])}", transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color=colour)
        ax.set_yticks([y for y, _ in labels], [text for _, text in labels], fontsize=9)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        if change:
            ax.axvline(0, color=ALL_COLOUR, linewidth=1, zorder=0)
        measure = rows[0]["measure"]
        ax.set_xlabel(_axis_label(rows[0]["unit"], change, measure), fontsize=9)
        if change and any(not _missing(r["baseline"]) for r in rows):
            ax.text(1.01, 1.0, "培训前→后", transform=ax.transAxes, va="bottom", fontsize=8, color=OTHERS_COLOUR)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    # -- the trained region against the comparison group -----------------------------------------

    @cached_property
    def control_ids(self) -> frozenset[str]:
        """The comparison group: the untrained people in the trainees' own posts."""
        people = self._people
        posts = set(people.loc[people["trained"], "population"].dropna())
        return frozenset(people.loc[~people["trained"] & people["population"].isin(posts), "person_id"])

    @property
    def control_label(self) -> str:
        """The comparison group in words (山东未参训的政企客户经理); empty without one."""
        control = self._people[self._people["person_id"].isin(self.control_ids)]
        if control.empty:
            return ""
        names = self.bundle.manifest
        regions = [names.name(r) for r in dict.fromkeys(control["top_region_id"].dropna())]
        posts = [KNOWN_NAMES.get(p, p) for p in dict.fromkeys(control["population"].dropna())]
        return f"{'、'.join(regions)}未参训的{'、'.join(posts)}"

    def _person_values(self, wave: str, measure: str) -> pd.DataFrame:
        """Per person: ``person_id``, ``before``, ``after`` of an observed measure or sales."""
        followup = self.bundle.followup
        if measure == SALES:
            sales = followup.sales
            if sales.empty:
                return pd.DataFrame(columns=["person_id", "before", "after"])
            means = sales[sales["period"].isin(("baseline", "after"))].assign(
                person_id=sales["person_id"].astype(str)).pivot_table(
                index="person_id", columns="period", values="value", aggfunc="mean")
            return pd.DataFrame({"person_id": means.index,
                                 "before": means.get("baseline", pd.Series(np.nan, index=means.index)).to_numpy(),
                                 "after": means.get("after", pd.Series(np.nan, index=means.index)).to_numpy()})
        visits = followup.ride_alongs.get(wave)
        baseline = self.bundle.ride_alongs
        if visits is None or visits.empty or baseline.empty:
            return pd.DataFrame(columns=["person_id", "before", "after"])
        if measure in BEHAVIOURS:
            rates = paired_behaviour_rates(baseline, visits, (measure,))
            return rates[["person_id", "before", "after"]].assign(person_id=rates["person_id"].astype(str))
        if measure in ("question_share", "on_site_share"):
            before, after = _visit_means(baseline, measure), _visit_means(visits, measure)
            out = before.rename("before").to_frame().join(after.rename("after"), how="left")
            return out.rename_axis("person_id").reset_index()
        return pd.DataFrame(columns=["person_id", "before", "after"])

    def comparison_table(self, region: str, wave: str, measure: str) -> pd.DataFrame:
        """The region's trainees and the comparison group, before and after, for one measure.

        Only for what the evaluation compares with the untrained (observed behaviours, the share
        of talk that is questions, time on site, sales); each group's people observed both times.

        Returns
        -------
        DataFrame
            ``分组``, ``人数``, ``培训前``, ``培训后``, ``变化`` and the hidden-free numbers
            ``n``, ``before``, ``after``, ``before_low`` … for the chart; a group of fewer than
            ``min_n`` shows no number. Empty without a comparison group or for another measure.
        """
        columns = ["分组", "人数", "培训前", "培训后", "变化", "group", "n", "before", "after", "before_low",
                   "before_high", "after_low", "after_high", "unit"]
        values = self._person_values(wave, measure)
        if not self.control_ids or values.empty:
            return pd.DataFrame(columns=columns)
        rid = self.region_id(region)
        trained = self._people[self._people["trained"]]
        if rid != ALL_TRAINED:
            trained = trained[trained["top_region_id"] == rid]
        unit = "percent" if measure == SALES else "share"
        rows = []
        for group, label, ids in (("trained", f"{self.region_name(rid)}参训学员", set(trained["person_id"])),
                                  ("control", self.control_label, set(self.control_ids))):
            own = values[values["person_id"].isin(ids)].dropna(subset=["before", "after"])
            n = len(own)
            hidden = is_suppressed(n, self.min_n)
            b = t_interval(own["before"].to_numpy("float64")) if not hidden else (np.nan,) * 3
            a = t_interval(own["after"].to_numpy("float64")) if not hidden else (np.nan,) * 3
            rows.append({"分组": label, "人数": people_text(n, self.min_n).strip(),
                         "培训前": "—" if hidden else level_text(b[0], unit),
                         "培训后": "—" if hidden else level_text(a[0], unit),
                         "变化": "—" if hidden else amount_text(a[0] - b[0], unit),
                         "group": group, "n": n, "before": b[0], "after": a[0], "before_low": b[1],
                         "before_high": b[2], "after_low": a[1], "after_high": a[2], "unit": unit})
        return pd.DataFrame(rows, columns=columns)

    def comparison_row(self, region: str, wave: str, measure: str) -> dict[str, Any] | None:
        """The evaluation's difference-in-differences row of the region and measure, if any."""
        for table in ("behaviour", "results"):
            frame = self._rows(table, region, wave)
            rows = frame[(frame["measure"] == measure) & (frame["isolation"] == "control_group")]
            if len(rows):
                return rows.iloc[0].to_dict()
        return None

    def comparison_figure(self, region: str, wave: str, measure: str) -> Figure | None:
        """Before → after of the region's trainees and of the comparison group, with 95% intervals.

        The subtitle gives the evaluation's comparison (the difference of the two changes, its
        adjusted interval and whether it is claimed). None when there is nothing to compare.

        Returns
        -------
        matplotlib.figure.Figure or None
        """
        table = self.comparison_table(region, wave, measure)
        row = self.comparison_row(region, wave, measure)
        if table.empty or row is None:
            return None
        ensure_cjk_font()
        fig = Figure(figsize=(6.4, 3.8), dpi=100, layout="constrained")
        ax = fig.subplots()
        for rec, colour, shift in zip(table.to_dict("records"), (REGION_COLOUR, OTHERS_COLOUR), (-0.03, 0.03)):
            if is_suppressed(rec["n"], self.min_n):
                ax.plot([], [], color=colour, linewidth=2, label=f"{_plain(rec['分组'])}（人数不足，不显示）")
                continue
            unit = rec["unit"]
            xs = [0 + shift, 1 + shift]
            ys = [_scaled(rec["before"], unit), _scaled(rec["after"], unit)]
            ax.plot(xs, ys, marker="o", color=colour, linewidth=2, label=f"{_plain(rec['分组'])}（{rec['人数']}）",
                    zorder=3)
            for x, low, high in ((xs[0], rec["before_low"], rec["before_high"]),
                                 (xs[1], rec["after_low"], rec["after_high"])):
                if not (_missing(low) or _missing(high)):
                    ax.plot([x, x], [_scaled(low, unit), _scaled(high, unit)], color=colour, linewidth=1, alpha=0.6)
        ax.set_xticks([0, 1], ["培训前", f"培训后（{_plain(self.waves.get(wave, wave))}）" if measure != SALES
                               else "培训后"])
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylabel("平均（%）")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if measure != SALES:
            ax.set_ylim(-2, 102)
        fig.legend(fontsize=8, frameon=False, loc="outside lower center", ncol=2)
        said = verdict(row)
        if row["hidden"]:
            sub = "对照比较：人数不足，不显示"
        else:
            sub = (f"两组变化之差 {amount_text(row['change'], row['unit'])}，"
                   f"{range_text(row['ci_low'], row['ci_high'], row['unit'])}：{said}")
        fig.suptitle(f"{_plain(row['measure_label'])}：参训学员与对照组\n{sub}", fontsize=11)
        return fig

    # -- per type: who moved; success cases --------------------------------------------------------

    @cached_property
    def segments(self) -> Any:
        """The baseline segmentation of account managers (as the evaluation's types and the plans)."""
        from casekit.analysis.segments import segment_account_managers

        return segment_account_managers(self.bundle, random_state=2008)

    def _scores(self, wave: str, *, missing: bool = False) -> pd.DataFrame:
        """Each trainee's observed behaviour change score at ``wave`` (reliable behaviours only);
        with ``missing``, also the trainees observed at baseline only (score NaN)."""
        visits = self.bundle.followup.ride_alongs.get(wave)
        if visits is None or visits.empty or self.bundle.ride_alongs.empty:
            return pd.DataFrame({"person_id": pd.Series(dtype=object), "score": pd.Series(dtype="float64"),
                                 "n_behaviours": pd.Series(dtype="int64")})
        rates = paired_behaviour_rates(self.bundle.ride_alongs, visits)
        rates["person_id"] = rates["person_id"].astype(str)
        trained = set(self._people.loc[self._people["trained"], "person_id"])
        unreliable = set(self.evaluation.agreement.loc[
            self.evaluation.agreement["unreliable"] & (self.evaluation.agreement["wave_id"] == wave), "behaviour"]
        ) if len(self.evaluation.agreement) else set()
        kept = rates[rates["person_id"].isin(trained) & ~rates["measure"].isin(unreliable)]
        scores = behaviour_change_score(kept[["person_id", "measure", "before", "after"]].rename(
            columns={"measure": "behaviour"}))
        if missing:
            absent = sorted(set(kept["person_id"]) - set(scores["person_id"]))
            scores = pd.concat([scores, pd.DataFrame({"person_id": absent, "score": np.nan, "n_behaviours": 0})],
                               ignore_index=True)
        return scores

    def type_table(self, wave: str) -> pd.DataFrame:
        """Per account-manager type (every trained region): n, mean change and the conclusion.

        Returns
        -------
        DataFrame
            ``类型``, ``人数``, ``行为变化``, ``可能范围``, ``结论``; a type of fewer than ``min_n``
            shows no number.
        """
        types = self.evaluation.types
        rows = []
        for rec in types[types["wave_id"] == wave].to_dict("records") if len(types) else []:
            hidden = rec["hidden"]
            if hidden:
                moved = "人数不足，不显示"
            elif np.isfinite(rec["ci_low"]) and rec["ci_low"] > 0:
                moved = "整体向好的做法靠拢"
            elif np.isfinite(rec["ci_high"]) and rec["ci_high"] < 0:
                moved = "整体向不好的做法偏移"
            else:
                moved = "整体无明显变化"
            rows.append({"类型": rec["group_label"], "人数": people_text(rec["n"], self.min_n).strip(),
                         "行为变化": "—" if hidden else amount_text(rec["score"], "share"),
                         "可能范围": "—" if hidden or not np.isfinite(rec["ci_low"]) else
                         range_text(rec["ci_low"], rec["ci_high"], "share").removeprefix("可能范围 "),
                         "结论": moved})
        return pd.DataFrame(rows, columns=["类型", "人数", "行为变化", "可能范围", "结论"])

    def who_moved(self, region: str, wave: str) -> pd.DataFrame:
        """**Consultant only** (staff codes): each trainee of the region observed before and after.

        Returns
        -------
        DataFrame
            ``编号``, ``类型``, ``行为变化`` (mean over the reliable behaviours of direction × change,
            in percentage points), ``方向`` (向好 / 没有变化 / 向差, or 未回访 for a trainee observed
            before the course only); sorted by type, then change (largest first, the missing
            last), then code.
        """
        scores = self._scores(wave, missing=True)
        rid = self.region_id(region)
        region_of = dict(zip(self._people["person_id"], self._people["top_region_id"]))
        if rid != ALL_TRAINED:
            scores = scores[scores["person_id"].map(region_of) == rid]
        labels: dict[str, str] = {}
        if self.segments.clear:
            labels = {str(k): v for k, v in self.segments.segment_labels().to_dict().items()}
        out = pd.DataFrame({
            "编号": scores["person_id"].astype(str),
            "类型": scores["person_id"].map(lambda p: labels.get(str(p), "未分类")),
            "score": scores["score"].astype("float64")})
        out = out.sort_values(["类型", "score", "编号"], ascending=[True, False, True], kind="mergesort",
                              na_position="last")
        out["行为变化"] = [amount_text(s, "share") for s in out["score"]]
        out["方向"] = ["未回访" if math.isnan(s) else "向好" if round(s * 100) > 0 else
                     "向差" if round(s * 100) < 0 else "没有变化" for s in out["score"]]
        return out[["编号", "类型", "行为变化", "方向"]].reset_index(drop=True)

    def success_cases(self, region: str, wave: str) -> SuccessCases:
        """Brinkerhoff's most and least changed trainees of the region (consultant only)."""
        scores = self._scores(wave)
        rid = self.region_id(region)
        if rid != ALL_TRAINED:
            region_of = dict(zip(self._people["person_id"], self._people["top_region_id"]))
            scores = scores[scores["person_id"].map(region_of) == rid]
        return success_cases(scores[["person_id", "score"]])

    def success_cases_markdown(self, region: str, wave: str) -> str:
        """The region's success cases and the two interview outlines, as Markdown for the consultant.

        The staff codes come from the bundle and are escaped (:func:`escape_markdown`): show the
        text with ``IPython.display.Markdown``.
        """
        cases = self.success_cases(region, wave)
        lines = [f"**{CONSULTANT_ONLY}**", "", cases.summary, ""]
        if cases.n_people:
            for title, frame in (("变化最大（成功案例）", cases.most), ("变化最小（未成功案例）", cases.least)):
                lines.append(f"- {title}：" + "、".join(
                    f"{escape_markdown(p)}（{amount_text(s, 'share')}）" for p, s in zip(frame["person_id"], frame["score"])))
            for title, outline in (("访谈提纲：变化大的人", cases.success_outline),
                                   ("访谈提纲：变化小的人", cases.non_success_outline)):
                lines += ["", f"**{title}**", ""] + [f"{i}. {q}" for i, q in enumerate(outline, 1)]
        return "\n".join(lines) + "\n"

    # -- the region's action plan and coaching checklist -------------------------------------------

    def action_plan_markdown(self, region: str, type_label: str | None = None) -> str:
        """The region's 30/60/90-day action plans and the sales managers' coaching checklist.

        Calls :func:`casekit.authoring.action_plan.action_plans` and
        :func:`casekit.authoring.coaching_checklist.coaching_checklist` (what ``casekit
        action-plan`` writes) on the region's account-manager course design.

        Parameters
        ----------
        region : str
            A trained region (not ``all``: a plan belongs to one region's course).
        type_label : str, optional
            Only the plan of this type (its label); default every type's plan.

        Returns
        -------
        str
            Markdown with every bundle text escaped.

        Raises
        ------
        AnalysisError
            For ``all`` or an unknown type.
        """
        from casekit.authoring.coaching_checklist import action_plan_markdown

        rid = self.region_id(region)
        if rid == ALL_TRAINED:
            raise AnalysisError("行动计划按地区编写：请选一个参训地区。")
        plans, checklist = self._plans(rid)
        if type_label is not None:
            chosen = [p for p in plans if p.type_label == type_label]
            if not chosen:
                raise AnalysisError(f"{self.region_name(rid)}没有“{type_label}”的行动计划，可选："
                                    + "、".join(p.type_label for p in plans))
            # the core actions are every account manager's: they stay beside the type's own
            plans = [p for p in plans if p.is_core and p not in chosen] + chosen
        return action_plan_markdown(plans, checklist)

    def plan_types(self, region: str) -> list[str]:
        """The labels of the region's action plans by type (the core plan for everybody is shown
        with each), or the one plan for all account managers when there are no clear types."""
        rid = self.region_id(region)
        if rid == ALL_TRAINED:
            return []
        plans = self._plans(rid)[0]
        types = [p.type_label for p in plans if not p.is_core]
        return types or [p.type_label for p in plans]

    def _plans(self, rid: str) -> tuple[list[Any], Any]:
        cache = self.__dict__.setdefault("_plan_cache", {})
        if rid not in cache:
            from casekit.authoring.action_plan import action_plans, followup_focus
            from casekit.authoring.coaching_checklist import coaching_checklist
            from casekit.reports.course import course_design

            design = course_design(self.bundle, rid, "account_manager")
            # the next ninety days, from what this region's follow-up found (as casekit action-plan)
            focus = followup_focus(self.evaluation, rid, followup=self.bundle.followup)
            plans = action_plans(design, self.segments, focus=focus)
            cache[rid] = (plans, coaching_checklist(design, plans))
        return cache[rid]


def _visit_means(visits: pd.DataFrame, measure: str) -> pd.Series:
    """Per account manager: the mean question share or share of time out spent on site."""
    data = visits[visits["account_manager"].notna()]
    if "observer" in data.columns:  # a visit recorded twice counts once
        data = data.drop_duplicates("visit_id", keep="first")
    if measure == "question_share":
        values = pd.to_numeric(data["question_share"], errors="coerce")
    else:
        on_site = pd.to_numeric(data["minutes_on_site"], errors="coerce")
        values = on_site / (on_site + pd.to_numeric(data["minutes_travel"], errors="coerce"))
    return values.groupby(data["account_manager"].astype(str)).mean()


def _legend_marker(marker: str, colour: str, filled: bool, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], marker=marker, color=colour, markerfacecolor=colour if filled else "white",
                  linestyle="none", markersize=7, label=label)
