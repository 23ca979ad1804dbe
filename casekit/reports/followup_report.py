"""The 培训后跟踪评估报告 of one region as a :class:`~casekit.reports.document.ReportDocument`.

After the course, :func:`casekit.analysis.evaluate_followup` measures the four Kirkpatrick levels
with the research's own instruments (``docs/followup.md``). This module turns one trained region's
:class:`~casekit.analysis.evaluation.levels.FollowUpEvaluation` into the document every format
renders (the notebook ``7.1-follow-up-report``, Word, slides), in the order a client reads it:

一、执行摘要
    A 结论 built by rule from the evaluation (what was learned, which observed behaviours changed
    and whether the change holds against the untrained, sales, and -- when no behaviour holds --
    the managers' coaching against the action plan's target) and the three first 下一步; then what
    changed clearly, what changed but cannot be confirmed yet (有变化，但还不能确定), what did not
    or cannot be told yet, how the course's effect was told apart from everything else that
    happened meanwhile, and how many trainees could be followed up. The self-report apart (仅供参考).
二、评估方法
    The course and the waves, who was trained and how they were chosen (regression to the mean
    named when the weakest were chosen), the comparison group or trend line, the observers and
    their agreement, the 80% match aim and the actual rates.
三 to 七
    One section per level: 反应, 学习 (quiz, confidence, commitment), 行为 (observed on
    ride-alongs, one row per behaviour with its before/after change and the comparison with the
    untrained; the questionnaire apart, as 学员自评), 保障措施 (the managers' coaching, the toolbox
    in use), 结果 (sales by trend line and against the untrained; visits advanced or won).
八、各类客户经理的变化
    Who moved and who did not, by the baseline's behaviour types.
九、下一步建议
    The coaching against the action plan's target (raise it, with the figures, when below), the
    behaviours still to work on in the action plan's order (:func:`casekit.authoring.action_plan.followup_focus`;
    one that moved 20 points the good way is named for confirmation instead), measuring again,
    the pointer to the region's action plan; then per behaviour: what the sales manager looks at
    on joint visits and the action that trains it (:func:`casekit.authoring.action_plan.load_action_rules`).
附录
    The method's terms in plain words, and how the multiple-testing families were chosen.

Every string is plain client-facing Chinese (renderers escape it); tables hold strings only, a
group below the disclosure threshold shows ``<5`` and no number; no staff code, person id or
name appears (the success cases are consultant-only and never enter this document).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from casekit.analysis.evaluation.verdict import NOT_CONFIRMED
from casekit.domain import BEHAVIOURS, MIN_CELL_SIZE, POPULATIONS
from casekit.exceptions import AnalysisError
from casekit.formatting import count_label
from casekit.reports.document import (
    Block,
    Bullets,
    Figure,
    Paragraph,
    ReportDocument,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

    from casekit.analysis.evaluation.levels import FollowUpEvaluation

__all__ = [
    "FOLLOWUP_GLOSSARY",
    "FOLLOWUP_SECTION_TITLES",
    "followup_change_figure",
    "followup_document",
    "followup_document_from",
    "followup_regions",
    "plain_sentence",
]

#: Section key → Chinese heading, in report order.
FOLLOWUP_SECTION_TITLES: Mapping[str, str] = {
    "summary": "一、执行摘要",
    "method": "二、评估方法",
    "reaction": "三、第一层 反应：学员对课程的评价",
    "learning": "四、第二层 学习：知识、应用信心与应用意愿",
    "behaviour": "五、第三层 行为：拜访中的做法",
    "drivers": "六、保障措施：主管辅导与工具使用",
    "results": "七、第四层 结果：业绩与拜访推进",
    "types": "八、各类客户经理的变化",
    "recommendations": "九、下一步建议",
    "appendix": "附录：方法说明与术语表",
}

#: The terms the follow-up report uses, in plain words (the appendix's glossary).
FOLLOWUP_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("四个层次", "评估培训效果的通用做法（柯氏四级评估）：第一层看学员对课程的评价，第二层看学到了什么，"
                 "第三层看回到岗位后做法有没有改变，第四层看业绩等结果有没有改变。"),
    ("与未参训人员对比（差异中的差异）", "同一时期里，未参加培训的同岗位人员（对照组）也会因为市场、季节、考核等原因发生变化。"
                                         "把参训人员前后的变化减去对照组同期的变化，剩下的部分才更可能是培训带来的。"),
    ("对照组", "与参训人员同岗位、但没有参加这次培训的人，用来估计“不培训也会发生的变化”。"),
    ("趋势线", "没有对照组时估计业绩的办法：按培训前几个月的走势推算培训后本来会达到的水平，"
               "实际业绩比推算高出的部分才算作培训之后的额外变化。"),
    ("可能范围（95% 区间）", "根据参与人数估计的真实变化大致所在的范围；范围不含 0，说明变化比较确定。"
                             "人数越少、各人差别越大，范围越宽。"),
    ("多重比较校正（已按同时检验的数量校正）", "同时看的做法和指标越多，偶然出现“变化”的机会越大；报告按每一组问题"
                                               "（例如“本地区的做法变了没有”）同时检验的数量放宽可能范围，"
                                               "只有范围仍不含 0 的变化才称为“明显”。"),
    ("无明显变化", "数据不足以说明有变化：可能确实没有变化，也可能变化太小或人数太少而看不出来。"),
    ("按“没有变化”计入", "有的学员培训后没有回访数据（离职、请假等）。按通行的保守做法（菲利普斯方法），"
                         "把他们计为“没有变化”再算一次平均变化，与只算回访者的结果并列，避免只看留下来的人而高估效果。"),
    ("观察员一致性（κ 系数）", "两位观察员同场记录同一次拜访时，扣除偶然一致之后记录一致的程度，1 为完全一致；"
                               "低于 0.6 说明这项做法不容易记准，它的变化只作参考、不下结论。"),
    ("回归均值", "按培训前成绩最差挑选学员时，成绩偏低的人即使不培训，下次测量通常也会回升一些；"
                 "这时只看参训人员前后的变化会高估培训的作用，与未参训人员对比更可靠。"),
    ("学员自评", "学员自己在问卷中的打分。自评容易受心情和期望影响，报告只把它作参考，"
                 "做法的变化以观察员在工作随访中的记录为准。"),
    ("人数少于 5 人不显示", "为保护学员，任何少于 5 人的分组都不显示数字，只显示“<5”。"),
)

#: What the measures in a behaviour table are called.
_OBSERVED_NOTE = ("做法的出现率：在观察员随访的拜访中出现这种做法的比例，先按人计算、再取平均；"
                  "“提问占说话时间”是客户经理在拜访中说话的时间里用来提问的比例，“在客户处占外出时间”是外出时间里"
                  "真正在客户处的比例，两者都取平均。")
_COUNTS = frozenset({"joint_visits", "weekly_reviews"})
#: Fewer trainees observed before and after than this: the summary says that no visible change is
#: not the same as no change.
_FEW_OBSERVED = 10


# -- small helpers ------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain_sentence(sentence: str) -> str:
    """An evaluation sentence as the report body says it: no method names, head counts in 人.

    ``（差异中的差异）`` is dropped (the body says 与未参训人员对比; the appendix explains the
    method), so is ``已按同时检验的数量校正`` (said once, in the method section) and ``n = 13``
    becomes ``13 人``.

    Parameters
    ----------
    sentence : str
        A ``sentence`` of :class:`~casekit.analysis.evaluation.levels.FollowUpEvaluation`.

    Returns
    -------
    str
    """
    from casekit.analysis.evaluation.wording import ADJUSTED_NOTE

    text = sentence.replace("（差异中的差异）", "").replace("差异中的差异", "与未参训人员对比")
    text = text.replace("，" + ADJUSTED_NOTE, "").replace(ADJUSTED_NOTE, "")
    text = re.sub(r"n = (\d+)", r"\1 人", text)
    text = re.sub(r" 分 (升至|降至|保持在|变为)", r" 分\1", text)
    text = re.sub(r"^与(.+?)对比：(.+?)：", r"\2与\1对比：", text)
    return text


def _png(fig: MplFigure) -> bytes:
    """The figure as PNG bytes, without volatile metadata (same figure → same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _level(value: Any, unit: str, measure: str = "") -> str:
    from casekit.analysis.evaluation.wording import level_text

    if _missing(value):
        return "—"
    text = level_text(value, unit)
    if measure in _COUNTS:
        return text.replace(" 分", " 次")
    return text.removesuffix(" 分") if unit == "score" else text


def _amount(value: Any, unit: str) -> str:
    """A signed change without its unit word: ``+54``, ``−0.40``."""
    from casekit.analysis.evaluation.wording import amount_text

    if _missing(value):
        return "—"
    return amount_text(value, unit).removesuffix(" 个百分点").removesuffix(" 分")


def _range(low: Any, high: Any, unit: str) -> str:
    """An interval of a change as a cell: ``+14 至 +93``; both ends written alike: ``约 +6``."""
    if _missing(low) or _missing(high) or not (math.isfinite(float(low)) and math.isfinite(float(high))):
        return "无法估计"
    if unit == "share":
        low, high = max(float(low), -1.0), min(float(high), 1.0)
    lo, hi = _amount(low, unit), _amount(high, unit)
    if lo == hi:  # every person changed alike, or a range narrower than the rounding
        return f"约 {lo}"
    return f"{lo} 至 {hi}"


def _with_range(row: Mapping[str, Any]) -> str:
    """A change and its interval in one cell: ``+54（+14 至 +93）``; ``0（各人均无变化）``."""
    if all(not _missing(row[c]) and float(row[c]) == 0.0 for c in ("change", "ci_low", "ci_high")):
        return "0（各人均无变化）"
    return f"{_amount(_shown_change(row), row['unit'])}（{_range(row['ci_low'], row['ci_high'], row['unit'])}）"


def _unit_word(unit: str, measure: str = "") -> str:
    if measure in _COUNTS:
        return "次"
    return "分" if unit == "score" else "个百分点"


def _verdict(row: Mapping[str, Any], comparison: Mapping[str, Any] | None = None) -> str:
    """The one verdict of :func:`casekit.analysis.evaluation.verdict.verdict` (the command line's too)."""
    from casekit.analysis.evaluation.verdict import verdict

    return verdict(row, comparison)


def _people(n: Any, min_n: int) -> str:
    return count_label(int(n), min_n) if not _missing(n) else "—"


def _joined(items: Sequence[str]) -> str:
    """``甲、乙和丙``."""
    items = list(items)
    return "、".join(items[:-1]) + "和" + items[-1] if len(items) > 1 else "".join(items)


def _date(value: Any) -> str:
    if _missing(value):
        return "—"
    stamp = pd.Timestamp(value)
    return f"{stamp.year}年{stamp.month}月{stamp.day}日"


def _span(start: Any, end: Any) -> str:
    """``2008年11月10日至14日`` (the year and month said once when they repeat)."""
    if _missing(start) or _missing(end):
        return f"{_date(start)}至{_date(end)}"
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if a.year == b.year and a.month == b.month:
        return f"{_date(a)}至{b.day}日"
    if a.year == b.year:
        return f"{_date(a)}至{b.month}月{b.day}日"
    return f"{_date(a)}至{_date(b)}"


def _good(row: Mapping[str, Any]) -> bool | None:
    """Whether a claimed change of a behaviour goes the good way (None: no good way known), by the
    verdicts' one rule (:func:`casekit.analysis.evaluation.verdict.desired_direction`)."""
    from casekit.analysis.evaluation.verdict import desired_direction

    wanted = desired_direction(str(row["measure"]))
    return None if wanted is None else row["direction"] == wanted


# -- what the document is built from ------------------------------------------------------------


def followup_regions(bundle: Any) -> list[str]:
    """The top-level regions a follow-up report is built for: those with trainees, manifest order.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded bundle.

    Returns
    -------
    list of str
        Region ids; empty when the bundle has no ``followup/`` folder or nobody was trained.
    """
    followup = getattr(bundle, "followup", None)
    if followup is None:
        return []
    people = followup.people
    trained = set(people.loc[people["trained"].astype(bool), "top_region_id"].dropna().astype(str))
    return [r for r in bundle.manifest.top_level_ids() if r in trained]


class _Context:
    """Names, waves and counts the sections share."""

    def __init__(self, bundle: Any, region_id: str, evaluation: FollowUpEvaluation, min_n: int) -> None:
        self.bundle = bundle
        self.manifest = bundle.manifest
        self.region_id = region_id
        self.region_name = str(self.manifest.name(region_id))
        self.evaluation = evaluation
        self.followup = bundle.followup
        self.min_n = min_n
        waves = self.followup.waves
        self.waves: dict[str, str] = {str(w): str(label) for w, label in zip(waves["wave_id"], waves["label"])}
        self.wave_dates = {str(w): (s, e) for w, s, e in zip(waves["wave_id"], waves["start"], waves["end"])}
        people = self.followup.people
        self.people = people
        mine = people[people["trained"].astype(bool) & (people["top_region_id"].astype(str) == region_id)]
        self.trainees = mine
        # the comparison group as the evaluation takes it: the untrained in the trainees' posts
        trained = people["trained"].astype(bool)
        posts = set(people.loc[trained, "population"].dropna())
        control = people[~trained & people["population"].isin(posts)]
        self.control_regions = [str(r) for r in dict.fromkeys(control["top_region_id"].dropna())]

    def wave_label(self, wave: str) -> str:
        return self.waves.get(wave, wave) or "培训前后"

    def rows(self, table: str, **where: Any) -> pd.DataFrame:
        frame = getattr(self.evaluation, table)
        if frame.empty:
            return frame
        mask = frame["group"].astype(str) == self.region_id
        for column, value in where.items():
            mask &= frame[column] == value
        return frame[mask]


# -- tables -------------------------------------------------------------------------------------


def _did_table(ctx: _Context, wave: str) -> pd.DataFrame:
    """One row per behaviour compared with the untrained: both groups' changes, the difference, verdict."""
    rows = ctx.rows("behaviour", wave_id=wave)
    rows = rows[rows["isolation"] == "control_group"] if len(rows) else rows
    out = []
    for row in rows.to_dict("records"):
        hidden = bool(row["hidden"])
        verdict = _verdict(row)
        out.append({"做法": row["measure_label"],
                    "参训人员的变化": "—" if hidden else _amount(row["trained_change"], row["unit"]),
                    "未参训人员的变化": "—" if hidden else _amount(row["control_change"], row["unit"]),
                    "扣除同期变化后（可能范围）": "—" if hidden else _with_range(row),
                    "人数（参训/未参训）": f"{_people(row['n'], ctx.min_n)} / {_people(row['n_control'], ctx.min_n)}",
                    "结论": verdict})
    return pd.DataFrame(out, columns=["做法", "参训人员的变化", "未参训人员的变化", "扣除同期变化后（可能范围）",
                                      "人数（参训/未参训）", "结论"])


def _behaviour_table(ctx: _Context, wave: str, table: str = "behaviour") -> pd.DataFrame:
    """One row per behaviour (or dimension): before, after, change and interval, people, verdict."""
    rows = ctx.rows(table, wave_id=wave)
    before_after = rows[rows["isolation"] == "before_after"]
    comparisons = {r["measure"]: r for r in rows[rows["isolation"] == "control_group"].to_dict("records")}
    out = []
    for row in before_after.to_dict("records"):
        hidden = bool(row["hidden"])
        unit = row["unit"]
        missing = int(row["n_missing"])
        record = {
            "做法" if table == "behaviour" else "维度": row["measure_label"],
            "培训前": "—" if hidden else _level(row["baseline"], unit),
            "培训后": "—" if hidden else _level(row["followup"], unit),
            "变化（可能范围）": "—" if hidden else _with_range(row),
            "人数（未回访）": _people(row["n"], ctx.min_n) + (f"（{_people(missing, ctx.min_n)}）" if missing else ""),
        }
        record["结论"] = _verdict(row, comparisons.get(row["measure"]))
        out.append(record)
    return pd.DataFrame(out)


def _level_table(rows: pd.DataFrame, min_n: int, *, label: str = "项目") -> pd.DataFrame:
    """Levels without a change (reaction sheet, coaching log): mean, range, people."""
    out = []
    for row in rows.to_dict("records"):
        hidden = bool(row["hidden"])
        unit, measure = row["unit"], row["measure"]
        rng = "—"
        if not hidden and not _missing(row["ci_low"]):
            lo, hi = _level(row["ci_low"], unit, measure), _level(row["ci_high"], unit, measure)
            rng = "各人相同" if lo == hi else f"{lo} 至 {hi}"
        out.append({label: row["measure_label"], "平均": "—" if hidden else _level(row["followup"], unit, measure),
                    "可能范围": rng, "人数": _people(row["n"], min_n)})
    return pd.DataFrame(out, columns=[label, "平均", "可能范围", "人数"])


def _change_table(rows: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Changes of any isolation (quiz, sales, leading indicator), one row each.

    The trainees' figure beside what it is compared with: after against before (before/after),
    actual against the trend's projection (trend line), the trainees' change against the
    untrained's change (comparison group); then the difference, its range, people, verdict.
    """
    out = []
    for row in rows.to_dict("records"):
        hidden = bool(row["hidden"])
        unit = row["unit"]
        isolation = row["isolation"]
        ours = theirs = "—"
        if not hidden:
            if isolation == "control_group":
                ours = f"变化 {_amount(row['trained_change'], unit)}"
                theirs = f"未参训人员变化 {_amount(row['control_change'], unit)}"
            elif isolation == "trend_line":
                ours, theirs = f"实际 {_level(row['followup'], unit)}", f"按趋势推算 {_level(row['baseline'], unit)}"
            else:
                ours, theirs = f"培训后 {_level(row['followup'], unit)}", f"培训前 {_level(row['baseline'], unit)}"
        n = _people(row["n"], min_n)
        if row["n_control"]:
            n += f"，对照 {_people(row['n_control'], min_n)}"
        how = {"control_group": "与未参训人员对比", "trend_line": "与培训前趋势对比",
               "before_after": "只比较培训前后"}.get(isolation, "—")
        out.append({"指标": row["measure_label"], "比较方式": how, "参训人员": ours, "比较对象": theirs,
                    "差别（可能范围）": "—" if hidden else _with_range(row),
                    "人数": n, "结论": _verdict(row)})
    return pd.DataFrame(out, columns=["指标", "比较方式", "参训人员", "比较对象", "差别（可能范围）", "人数", "结论"])


# -- sentences ----------------------------------------------------------------------------------


def _short(row: Mapping[str, Any]) -> str:
    """A claimed change in a few words: “提问挖掘需求”明显增加（+54 个百分点，+14 至 +93）."""
    unit = row["unit"]
    word = "增加" if row["direction"] == "up" else "减少"
    name = f"“{row['measure_label']}”"
    if row["measure"] == "quiz":
        word, name = ("提高" if row["direction"] == "up" else "下降"), "得分率"
    rng = _range(row["ci_low"], row["ci_high"], unit)
    rng = "" if rng == "无法估计" or rng.startswith("约") else f"，可能范围 {rng} {_unit_word(unit)}"
    return f"{name}明显{word}（{_amount(_shown_change(row), unit)} {_unit_word(unit)}{rng}）"


def _isolation_sentence(ctx: _Context) -> str:
    behaviour = ctx.rows("behaviour")
    results = ctx.rows("results")
    has_control = bool(len(behaviour) and (behaviour["isolation"] == "control_group").any()) or bool(
        len(results) and (results["isolation"] == "control_group").any())
    trend = bool(len(results) and (results["isolation"] == "trend_line").any())
    parts, caveat = [], ""
    if has_control:
        control = _control_words(ctx)
        parts.append(f"做法和业绩的变化都与{control}同期的变化作了对比")
        elsewhere = [r for r in ctx.control_regions if r != ctx.region_id]
        if elsewhere and ctx.region_id not in ctx.control_regions:
            names = "、".join(str(ctx.manifest.name(r)) for r in elsewhere)
            clients = {str(ctx.manifest.client_of(r) or "") for r in elsewhere}
            other = bool(ctx.manifest.client_of(ctx.region_id)) and str(ctx.manifest.client_of(ctx.region_id)) not in clients
            caveat = (f"未参训人员在{names}，与{ctx.region_name}不在同一地区" + ("、也不属于同一家公司" if other else "")
                     + "，这种对比只能扣除两地共同的变化（如季节、全行业的形势），扣除不了只发生在"
                     + f"{ctx.region_name}的变化；扣除后剩下的部分更可能与培训及培训后的主管跟进有关，"
                     "两者分不开")
        else:
            caveat = "这种对比扣除了不培训也会发生的变化；剩下的部分更可能与培训及培训后的主管跟进有关，两者分不开"
    else:
        parts.append("没有未参训的同岗位人员可作对照，做法的变化只能比较培训前后，不能完全排除市场、季节等其他原因")
    if trend:
        parts.insert(1 if has_control else len(parts), "业绩另按培训前几个月的走势推算培训后本来会达到的水平，再与实际对比")
    sentence = "；".join(parts) + "。"
    if caveat:
        sentence += caveat + "。"
    if ctx.followup.selection == "weakest":
        sentence += "学员是按培训前成绩较弱挑选的，只看培训前后的提高可能含有“回归均值”的成分（见附录），以与未参训人员的对比为准。"
    return sentence


def _control_words(ctx: _Context) -> str:
    for note in ctx.evaluation.notes:
        match = re.match(r"对照组：(.+?)（", note)
        if match:
            return match.group(1)
    return "未参训人员"


def _attrition_sentence(ctx: _Context) -> str:
    attrition = ctx.evaluation.attrition
    if attrition.empty:
        return "没有培训后回访资料，无法计算回访匹配率。"
    low = attrition[~attrition["meets_aim"].astype(bool)]
    rates = [round(float(r) * 100) for r in attrition["match_rate"]]
    lowest, highest = min(rates), max(rates)
    span = f"{lowest}%" if lowest == highest else f"{lowest}%～{highest}%"
    text = f"各项回访资料能与培训前对上的学员比例为 {span}（目标至少 80%）"
    if len(low):
        text += "，" + "、".join(str(s) for s in low["source_label"]) + "未达到目标，相关结论要更谨慎"
    else:
        text += "，均达到目标"
    if (attrition["n_missing"] > 0).any():
        text += "；未回访的学员按“没有变化”计入，另给出只算回访者的结果"
    return text + "。"


def _unchanged_behaviours(ctx: _Context, *, undecided: bool = False) -> list[str]:
    """Labels of the observed behaviours neither claimed nor hidden whose verdict is 无明显变化
    (``undecided``: those whose range is too wide to tell, 人数太少，还判断不了)."""
    from casekit.analysis.evaluation.verdict import NO_CHANGE, TOO_FEW

    every = ctx.rows("behaviour")
    rows = every[(every["isolation"] == "before_after") & every["measure"].isin(list(BEHAVIOURS))] \
        if len(every) else every
    if rows.empty:
        return []
    claimed_any = set(every.loc[every["claimed"], "measure"])
    keep = rows[~rows["hidden"] & ~rows["unreliable"] & ~rows["measure"].isin(claimed_any)]
    comparisons = {(r["measure"], r["wave_id"]): r
                   for r in every[every["isolation"] == "control_group"].to_dict("records")}
    wanted = TOO_FEW if undecided else NO_CHANGE
    return list(dict.fromkeys(r["measure_label"] for r in keep.to_dict("records")
                              if _verdict(r, comparisons.get((r["measure"], r["wave_id"]))) == wanted))


def _claimed(ctx: _Context, table: str) -> pd.DataFrame:
    rows = ctx.rows(table)
    if rows.empty:
        return rows
    return rows[rows["claimed"] & ~rows["hidden"]]


def _shown(value: Any, unit: str) -> float:
    """A level as the report shows it (whole percent, or a score at two decimals), in its unit."""
    from casekit.analysis.evaluation.wording import level_text

    text = level_text(value, unit).removesuffix(" 分").removesuffix("%")
    number = float(text.replace("−", "-"))
    return number / 100 if unit == "share" else number


def _shown_change(row: Mapping[str, Any]) -> Any:
    """The change as the reader can check it: after minus before *as shown* (``3.75 − 2.97 = 0.78``,
    never the unrounded 0.79), when the row's change is that difference; else the change."""
    change, before, after = row.get("change"), row.get("baseline"), row.get("followup")
    if _missing(change) or _missing(before) or _missing(after):
        return change
    if abs(float(after) - float(before) - float(change)) > 1e-6:
        return change
    return round(_shown(after, row["unit"]) - _shown(before, row["unit"]), 6)


def _points(row: Mapping[str, Any]) -> float:
    """A before/after change of a share in whole points, from the shown levels (0 when missing)."""
    value = _shown_change(row)
    return 0.0 if _missing(value) else float(value) * (100 if row["unit"] == "share" else 1)


def _months(days: int) -> str:
    """``三个半月``: a period of days in half months, in Chinese numerals."""
    halves = max(1, round(days / 30.44 * 2))
    whole, half = divmod(halves, 2)
    numerals = "零一两三四五六七八九十"
    if whole == 0:
        return "半个月"
    number = numerals[whole] if whole <= 10 else str(whole)
    return f"{number}个{'半' if half else ''}月"


def _per(value: float) -> str:
    """A count per person at one decimal: ``3.7``."""
    return f"{float(value):.1f}"


class _Seen:
    """One observed measure of the region at the latest wave: its verdict, its bucket and numbers."""

    def __init__(self, row: Mapping[str, Any], comparison: Mapping[str, Any] | None) -> None:
        from casekit.analysis.evaluation.verdict import NO_CHANGE, TOO_FEW, desired_direction

        self.row = row
        self.label = str(row["measure_label"])
        self.measure = str(row["measure"])
        self.verdict = _verdict(row, comparison)
        self.n = int(row["n"]) if not _missing(row["n"]) else 0
        usable = (comparison is not None and not comparison.get("hidden") and not comparison.get("unreliable")
                  and not _missing(comparison.get("change")))
        wanted = desired_direction(self.measure) if self.measure in BEHAVIOURS or self.measure in (
            "question_share", "advanced_share") else None
        self.points = _points(row)
        if row.get("hidden"):
            self.kind = "hidden"
        elif row.get("unreliable"):
            self.kind = "unreliable"
        elif usable and comparison is not None and comparison["claimed"]:
            self.kind = "confirmed"
        elif row["claimed"] and not usable:
            self.kind = "claimed"  # no comparison: before/after only
        elif self.verdict == NOT_CONFIRMED:
            self.kind = "unsure"
        elif self.verdict == TOO_FEW:
            self.kind = "too_few"
        elif self.verdict == NO_CHANGE:
            self.kind = "none"
        else:
            self.kind = "other"
        moved = ((comparison or {}).get("direction") if self.kind == "confirmed" else row.get("direction"))
        if self.kind in ("too_few", "none", "other"):
            moved = "up" if self.points > 0 else "down" if self.points < 0 else "none"
        self.good = None if wanted is None or moved not in ("up", "down") else moved == wanted
        #: moved at least :data:`_BIG` points the good way (said as 方向向好, never 还看不出改善)
        self.promising = bool(self.good) and abs(self.points) >= _BIG and self.kind in ("too_few", "unsure", "none")

    def levels(self) -> str:
        """``由 14% 升至 71%``."""
        row = self.row
        before, after = _level(row["baseline"], row["unit"]), _level(row["followup"], row["unit"])
        if before == after:
            return f"保持在 {after}"
        return f"由 {before} {'升至' if _shown_change(row) > 0 else '降至'} {after}"

    def tentative(self) -> str:
        """A change too uncertain to claim, with its direction and numbers."""
        way = "" if self.good is None else ("，方向向好" if self.good else "，方向变差")
        if self.kind == "unsure":
            return f"“{self.label}”{self.levels()}{way}，但与未参训人员对比后还不能确定与培训有关"
        return f"“{self.label}”{self.levels()}{way}，但只随访了 {self.n} 人，还不能下结论"


#: A change of at least this many points is said with its numbers even when it is not claimed.
_BIG = 20.0


def _seen(ctx: _Context) -> list[_Seen]:
    """The region's observed measures (behaviours, question share, time on site) at the latest wave."""
    rows = ctx.rows("behaviour")
    if rows.empty:
        return []
    wave = str(rows["wave_id"].iloc[-1])
    rows = rows[rows["wave_id"] == wave]
    comparisons = {r["measure"]: r for r in rows[rows["isolation"] == "control_group"].to_dict("records")}
    return [_Seen(r, comparisons.get(r["measure"])) for r in rows[rows["isolation"] == "before_after"].to_dict("records")]


def _focus(ctx: _Context) -> Any:
    """The action plan's reading of the region's latest wave (:func:`casekit.authoring.action_plan.followup_focus`)."""
    from casekit.authoring.action_plan import followup_focus

    return followup_focus(ctx.evaluation, ctx.region_id, followup=ctx.followup)


def _coaching(ctx: _Context) -> dict[str, Any] | None:
    """The managers' follow-up against the action plan's target: joint visits and toolbox reviews
    per person over the period, the target and whether it is met (None without a coaching log)."""
    focus = _focus(ctx)
    if focus is None or focus.coaching.current is None or not focus.coaching.days:
        return None
    target = focus.coaching
    drivers = ctx.rows("drivers")
    reviews = drivers[(drivers["measure"] == "weekly_reviews") & ~drivers["hidden"].astype(bool)] if len(drivers) \
        else drivers
    review = None
    if len(reviews) and not _missing(reviews["followup"].iloc[-1]):
        review = float(reviews["followup"].iloc[-1])
    current_weeks = target.current_weeks
    below = current_weeks is not None and current_weeks > target.target_weeks * 1.05
    return {"visits": float(target.current), "days": int(target.days), "period": _months(int(target.days)),
            "target": target.target, "expected": target.days / 7 / target.target_weeks,
            "reviews": review, "weeks": target.days / 7, "below": below}


def _coaching_sentence(c: Mapping[str, Any]) -> str:
    """``培训后三个半月内人均约 0.9 次主管陪访（行动计划的目标是每月一次，同期约 3.5 次）``."""
    text = (f"培训后{c['period']}内，每位客户经理人均约 {_per(c['visits'])} 次主管陪访"
            f"（行动计划的目标是{c['target']}，同期约 {_per(c['expected'])} 次）")
    if c["reviews"] is not None:
        text += f"；工具表复盘（计划每周一次，同期约 {round(c['weeks'])} 次）人均约 {_per(c['reviews'])} 次"
    return text


def _conclusion(ctx: _Context, seen: Sequence[_Seen]) -> str:
    """The 结论: what was learned, which behaviours changed and whether it holds against the
    untrained, the results, and -- when the observed changes are weak -- what the data says why."""
    parts: list[str] = []
    learning = ctx.rows("learning")
    quiz = learning[(learning["measure"] == "quiz") & ~learning["hidden"]] if len(learning) else learning
    if len(quiz):
        row = quiz.iloc[-1]
        levels = f"由 {_level(row['baseline'], row['unit'])} 到 {_level(row['followup'], row['unit'])}"
        if row["claimed"] and row["direction"] == "up":
            parts.append(f"学员学到了课程内容：知识测验得分率{levels.replace('到', '升至')}")
        else:
            parts.append(f"知识测验得分率{levels}，没有明显提高")
    confirmed = [s for s in seen if s.kind in ("confirmed", "claimed") and s.good is not False]
    worse = [s for s in seen if s.kind in ("confirmed", "claimed") and s.good is False]
    unsure = [s for s in seen if s.kind == "unsure"]
    promising = [s for s in seen if s.promising and s.kind != "unsure"]
    shown = [s for s in seen if s.kind != "hidden"]
    n = max((s.n for s in shown), default=0)
    if confirmed:
        held = [s for s in confirmed if s.kind == "confirmed"]
        text = "拜访中" + "、".join(f"“{s.label}”{s.levels()}" + (
            "" if s.row["claimed"] else f"（单看培训前后还不确定，只随访了 {s.n} 人）") for s in confirmed)
        if held and len(held) == len(confirmed):
            text += "，与未参训人员对比也成立，这部分更可能与培训及培训后的主管跟进有关"
        elif held:
            text += ("，其中" + "、".join(f"“{s.label}”" for s in held) + "与未参训人员对比也成立，"
                     "更可能与培训及培训后的主管跟进有关")
        else:
            text += "（没有未参训人员可比，不能完全排除市场、季节等其他原因）"
        parts.append(text)
    elif shown:
        text = f"观察员在培训前后都随访到的 {n} 名学员中，还看不出拜访做法有明显变化"
        if n < _FEW_OBSERVED:
            text += "，但人数太少，看不出变化不等于没有变化"
        parts.append(text)
    if unsure:
        parts.append("；".join(s.tentative() for s in unsure))
    if promising:
        parts.append("、".join(f"“{s.label}”{s.levels()}" for s in promising)
                     + "，方向向好，但人数太少，待下一轮回访确认")
    if worse:
        parts.append("、".join(f"“{s.label}”{s.levels()}" for s in worse) + "，向不好的方向变化，需要注意")
    results = ctx.rows("results")
    sales = results[(results["measure"] == "target_attainment") & ~results["hidden"]] if len(results) else results
    if len(sales):
        bits, none = [], []
        for row in sales.to_dict("records"):
            against = "培训前的走势" if row["isolation"] == "trend_line" else "未参训人员同期的变化"
            if row["claimed"]:
                amount = _amount(abs(_shown_change(row)), row["unit"]).lstrip("+")
                bits.append(("比培训前的走势" if row["isolation"] == "trend_line" else "扣除未参训人员同期的变化后")
                            + ("高" if row["direction"] == "up" else "低") + f" {amount} 个百分点")
            else:
                none.append(against)
        text = "业绩完成率" + "，".join(bits)
        if none:
            text += ("；" if bits else "") + "与" + "和".join(none) + "相比没有明显变化"
        parts.append(text)
    coaching = _coaching(ctx)
    weak = not [s for s in confirmed if s.kind == "confirmed"]
    if coaching is not None and weak and shown:
        if coaching["below"]:
            parts.append("数据给出的一个原因是培训后的跟进偏少：" + _coaching_sentence(coaching))
            parts.append("做法的改变需要主管在岗位上持续跟进")
        else:
            parts.append("主管陪访已达到行动计划的目标（" + _coaching_sentence(coaching) + "）")
    return "。".join(p for p in parts if p) + "。" if parts else ""


def _summary_section(ctx: _Context, next_steps: Sequence[str]) -> tuple[Section, tuple[str, ...]]:
    course = ctx.followup.course
    n_trained = len(ctx.trainees)
    intro = (f"本报告评估{ctx.region_name}参加“{course.name}”（{_span(course.start, course.end)}）的"
             f" {count_label(n_trained, ctx.min_n)} 名学员培训后的变化，按课后评价、学到的知识、拜访中的做法和业绩四个层次，"
             "用与培训前调研相同的问卷、工作随访和业绩口径测量。")
    seen = _seen(ctx)
    conclusion = _conclusion(ctx, seen)
    changed: list[str] = []
    quiz = _claimed(ctx, "learning")
    quiz = quiz[quiz["measure"] == "quiz"]
    if len(quiz):
        changed.append("知识测验：" + _short(quiz.iloc[0]) + "。")
    held = [s for s in seen if s.kind in ("confirmed", "claimed")]
    if held:
        parts = []
        for s in held:
            text = _short(s.row) if s.row["claimed"] else f"“{s.label}”{s.levels()}"
            if s.kind == "confirmed":
                text += ("，与未参训人员对比后仍然成立" if s.row["claimed"]
                         else f"：单看培训前后还不确定（只随访了 {s.n} 人），与未参训人员对比后明显"
                         + ("向好" if s.good is not False else "变差"))
            else:
                text += "（没有未参训人员可比）"
            parts.append(text)
        changed.append("观察员在工作随访中看到：" + "；".join(parts) + "。")
    results = _claimed(ctx, "results")
    sales = results[results["measure"] == "target_attainment"]
    if len(sales):
        bits = []
        for row in sales.to_dict("records"):
            up = row["direction"] == "up"
            how = (("比培训前的走势多出" if up else "比培训前的走势少") if row["isolation"] == "trend_line"
                   else ("扣除未参训人员同期变化后提高" if up else "扣除未参训人员同期变化后下降"))
            bits.append(f"{how} {_amount(abs(_shown_change(row)), row['unit']).lstrip('+')} 个百分点")
        changed.append("业绩完成率：" + "，".join(bits) + "。")
    maybe = [s.tentative() + "。" for s in seen if s.kind == "unsure" or (s.kind == "too_few" and abs(s.points) >= _BIG)]
    nothing: list[str] = []
    quiet = [s.label for s in seen if s.kind == "none" and s.measure in BEHAVIOURS]
    if quiet:
        nothing.append("拜访中的" + "、".join(f"“{u}”" for u in quiet)
                       + "：无明显变化（各人前后的差别都不大，可能范围较窄）。")
    undecided = [s.label for s in seen if s.kind == "too_few" and abs(s.points) < _BIG and s.measure in BEHAVIOURS]
    if undecided:
        n = max(s.n for s in seen if s.kind == "too_few")
        nothing.append("拜访中的" + "、".join(f"“{u}”" for u in undecided)
                       + f"：前后变化不到 {int(_BIG)} 个百分点，只随访了 {n} 人，还判断不了是否有变化。")
    shown = [s for s in seen if s.kind != "hidden"]
    if shown and max(s.n for s in shown) < _FEW_OBSERVED:
        nothing.append(f"培训前后都被随访到的学员只有 {max(s.n for s in shown)} 人："
                       "看不出变化不等于没有变化，下一轮回访宜增加随访的人数和次数。")
    if len(ctx.rows("results")) and not len(sales):
        nothing.append("业绩完成率：无明显变化。")
    unreliable = [s.label for s in seen if s.kind == "unreliable"]
    if unreliable:
        nothing.append("、".join(f"“{u}”" for u in unreliable) + "：两位观察员的记录不够一致，变化只作参考。")
    self_claimed = _claimed(ctx, "self_report")
    self_line = ""
    if len(self_claimed):
        bits = [f"“{r['measure_label']}”维度{'提高' if r['direction'] == 'up' else '下降'} "
                f"{_amount(abs(_shown_change(r)), 'score').lstrip('+')} 分" for r in self_claimed.to_dict("records")]
        self_line = "学员自评（仅供参考，不作为做法改变的证据）：" + "、".join(bits) + "。"
    how = [_isolation_sentence(ctx), _attrition_sentence(ctx)]
    blocks: list[Block] = [Paragraph(intro)]
    if conclusion:
        blocks += [Paragraph("结论", emphasis=True), Paragraph(conclusion)]
    if next_steps:
        blocks += [Paragraph("下一步", emphasis=True), Bullets(tuple(next_steps[:3]), numbered=True)]
    blocks += [Paragraph("有明显变化的方面", emphasis=True),
               Bullets(tuple(changed or ["各层次都没有有数据支持的明显变化。"]), numbered=True)]
    if self_line:
        blocks.append(Paragraph(self_line))
    if maybe:
        blocks += [Paragraph("有变化，但还不能确定", emphasis=True), Bullets(tuple(maybe), numbered=True)]
    if nothing:
        blocks += [Paragraph("无明显变化或还判断不了的方面", emphasis=True), Bullets(tuple(nothing), numbered=True)]
    blocks += [Paragraph("如何判断是培训带来的变化", emphasis=True), Bullets(tuple(how), numbered=True)]
    summary = ((conclusion,) if conclusion else ()) + tuple(changed or ["各层次都没有有数据支持的明显变化。"]) \
        + tuple(maybe) + tuple(nothing)  # the self-report, for reference only, stays in the body
    return Section("summary", FOLLOWUP_SECTION_TITLES["summary"], tuple(blocks)), summary


def _method_section(ctx: _Context) -> Section:
    f = ctx.followup
    course = f.course
    trainees = ctx.trainees
    posts = [POPULATIONS[p].label if p in POPULATIONS else str(p) for p in dict.fromkeys(trainees["population"].dropna())]
    selection = {
        "all": "本地区相关岗位的人员全部参加培训。",
        "weakest": ("学员是按培训前成绩较弱挑选的。成绩偏低的人即使不参加培训，下次测量时通常也会回升一些（回归均值），"
                    "所以只看学员培训前后的提高会高估培训的作用；报告以与未参训人员的对比为准。"),
        "volunteers": "学员是自愿报名参加的：愿意参加的人本身可能更积极，培训前后的变化中可能有一部分与此有关。",
    }.get(str(f.selection), "")
    blocks: list[Block] = [Paragraph(
        f"培训：“{course.name}”，{_span(course.start, course.end)}。"
        f"{ctx.region_name}参训学员 {count_label(len(trainees), ctx.min_n)} 人"
        + (f"（{_joined(posts)}）" if posts else "") + "。" + selection)]
    waves = pd.DataFrame([{"回访": label, "时间": _span(*ctx.wave_dates[w]),
                           "内容": _wave_contents(ctx, w)} for w, label in ctx.waves.items()],
                         columns=["回访", "时间", "内容"])
    blocks.append(Table(waves, title="培训后回访"))
    blocks.append(Paragraph(
        "课后评估表和知识测验在课程结束时完成；知识测验培训前后各做一次。拜访中的做法由观察员在工作随访中记录（与培训前调研同样的"
        "记录表），不以学员的自评为准；问卷自评只作参考。业绩用与调研相同的口径（目标完成率），培训前后按月比较。"))
    blocks.append(Paragraph(_isolation_sentence(ctx)))
    blocks.append(Paragraph(
        "报告同时看了很多项做法和指标，看得越多，越容易偶然碰上“变化”；所以文中所有的可能范围都已按同时检验的数量"
        "放宽，只有放宽后范围仍不含 0 的变化才称为“明显”（见附录）。"))
    agreement = ctx.evaluation.agreement
    if len(agreement):
        visits = int(agreement["n_visits"].max())
        weak = list(dict.fromkeys(agreement.loc[agreement["unreliable"].astype(bool), "behaviour_label"]))
        text = (f"为检验记录是否可靠，{visits} 次拜访由两位观察员同场各自记录（全部参训地区合计）。"
                + (f"{'、'.join(f'“{w}”' for w in weak)}两人记录的一致程度偏低，这些做法的变化只作参考，不下结论；"
                   "其余做法记录一致，可靠。" if weak else "各项做法两人的记录一致，可靠。"))
        blocks.append(Paragraph(text))
    attrition = ctx.evaluation.attrition
    if len(attrition):
        table = pd.DataFrame([{
            "资料": r["source_label"] + (f"（{ctx.wave_label(r['wave_id'])}）" if r["wave_id"] else ""),
            "应有（人）": _people(r["n_basis"], ctx.min_n), "找到（人）": _people(r["n_found"], ctx.min_n),
            "匹配率": f"{round(float(r['match_rate']) * 100)}%",
            "是否达到八成": "是" if r["meets_aim"] else "否"} for r in attrition.to_dict("records")])
        blocks.append(Table(table, title="回访匹配情况", note=(
            "按学员的匿名编号把培训后的资料与培训前对应；目标是至少八成学员能对上。工作随访只计培训前被随访过的学员。"
            f"少于 {ctx.min_n} 人的数字显示为“<{ctx.min_n}”。")))
        blocks.append(Paragraph(_attrition_sentence(ctx)))
    return Section("method", FOLLOWUP_SECTION_TITLES["method"], tuple(blocks))


def _wave_contents(ctx: _Context, wave: str) -> str:
    f = ctx.followup
    parts = []
    if wave in f.surveys and f.surveys[wave] is not None and len(f.surveys[wave].responses):
        parts.append("问卷")
    if wave in f.ride_alongs and f.ride_alongs[wave] is not None and len(f.ride_alongs[wave]):
        parts.append("工作随访")
    if wave in f.coaching and f.coaching[wave] is not None and len(f.coaching[wave]):
        parts.append("主管辅导记录")
    return "、".join(parts) or "—"


def _reaction_section(ctx: _Context) -> Section:
    rows = ctx.rows("reaction")
    if rows.empty:
        return Section("reaction", FOLLOWUP_SECTION_TITLES["reaction"], (Paragraph("没有课后评估表的资料。"),))
    blocks: list[Block] = [
        Paragraph("课程结束时学员填写课后评估表（满分 5 分）。评价高说明学员认可课程，但不等于回到岗位后会改变做法，"
                  "所以后面几层更重要。"),
        Table(_level_table(rows, ctx.min_n), title="课后评估（满分 5 分）")]
    return Section("reaction", FOLLOWUP_SECTION_TITLES["reaction"], tuple(blocks))


def _learning_section(ctx: _Context) -> Section:
    rows = ctx.rows("learning")
    blocks: list[Block] = []
    quiz = rows[rows["measure"] == "quiz"] if len(rows) else rows
    if len(quiz):
        blocks.append(Paragraph("知识测验培训前后各做一次，比较同一批学员的得分率（得分占满分的比例）。"))
        blocks.append(Bullets(tuple(plain_sentence(s) for s in quiz["sentence"])))
        blocks.append(Table(_change_table(quiz, ctx.min_n), title="知识测验"))
    levels = rows[rows["measure"].isin(("confidence", "commitment"))] if len(rows) else rows
    if len(levels):
        blocks.append(Paragraph("课程结束时，学员还在课后评估表上回答了把所学用到工作中的信心和意愿（满分 5 分）。"))
        blocks.append(Table(_level_table(levels, ctx.min_n), title="应用信心与应用意愿（满分 5 分）"))
    if not blocks:
        blocks.append(Paragraph("没有知识测验和课后评估表的资料。"))
    return Section("learning", FOLLOWUP_SECTION_TITLES["learning"], tuple(blocks))


def _behaviour_section(ctx: _Context, charts: bool) -> tuple[Section, Figure | None]:
    rows = ctx.rows("behaviour")
    blocks: list[Block] = [Paragraph(
        "做法的变化以观察员在工作随访中的记录为准：同一批学员培训前后各被随访，比较每种做法在拜访中出现的比例；"
        "有未参训的同岗位人员时，再与他们同期的变化对比（第二张表），扣除不培训也会发生的变化。")]
    figure = None
    if rows.empty:
        blocks.append(Paragraph("没有培训后的工作随访记录，无法评估拜访中的做法。"))
    for wave in dict.fromkeys(rows["wave_id"]) if len(rows) else ():
        claimed = rows[(rows["wave_id"] == wave) & rows["claimed"] & ~rows["hidden"]]
        title = ctx.wave_label(wave)
        if len(claimed):
            blocks.append(Paragraph(f"{title}：有明显变化的做法", emphasis=True))
            blocks.append(Bullets(tuple(plain_sentence(s) for s in claimed["sentence"])))
        else:
            blocks.append(Paragraph(f"{title}：观察员记录的各项做法均无明显变化。", emphasis=True))
        if charts and figure is None:
            figure = Figure(_png(followup_change_figure(ctx.evaluation, ctx.region_name, wave=wave)),
                            f"{ctx.region_name}：培训前后拜访做法的变化（{title}）", key="behaviour_change")
            blocks.append(figure)
        blocks.append(Table(_behaviour_table(ctx, wave), title=f"拜访中的做法：培训前后（{title}，观察员记录）",
                            note=_OBSERVED_NOTE + "变化、可能范围的单位为百分点；括号里的未回访人数按“没有变化”另算一次，见正文。"))
        did = _did_table(ctx, wave)
        if len(did):
            blocks.append(Table(did, title=f"拜访中的做法：与未参训人员对比（{title}）", note=(
                f"同一时期{_control_words(ctx)}的变化作为对照：参训人员的变化减去未参训人员的变化，"
                "剩下的部分更可能是培训带来的。单位为百分点。")))
        unreliable = rows[(rows["wave_id"] == wave) & rows["unreliable"]]
        for label in dict.fromkeys(unreliable["measure_label"]):
            blocks.append(Paragraph(f"“{label}”只作参考：两位观察员对这一做法的记录一致程度偏低，变化不下结论。"))
    subsections = []
    self_rows = ctx.rows("self_report")
    if len(self_rows):
        sub: list[Block] = [Paragraph(
            "学员在回访问卷中再次为自己的能力打分（满分 5 分）。这是学员自评，容易受心情和期望影响，只作参考，"
            "不作为做法改变的证据。")]
        for wave in dict.fromkeys(self_rows["wave_id"]):
            claimed = self_rows[(self_rows["wave_id"] == wave) & self_rows["claimed"] & ~self_rows["hidden"]]
            if len(claimed):
                sub.append(Bullets(tuple(plain_sentence(s) for s in claimed["sentence"])))
            sub.append(Table(_behaviour_table(ctx, wave, "self_report"),
                             title=f"学员自评（{ctx.wave_label(wave)}，只作参考）", note="变化、可能范围的单位为分。"))
        subsections.append(Section("self_report", "学员自评（只作参考）", tuple(sub)))
    return Section("behaviour", FOLLOWUP_SECTION_TITLES["behaviour"], tuple(blocks), tuple(subsections)), figure


def _drivers_section(ctx: _Context) -> Section:
    rows = ctx.rows("drivers")
    if rows.empty:
        return Section("drivers", FOLLOWUP_SECTION_TITLES["drivers"], (Paragraph("没有主管辅导记录。"),))
    blocks: list[Block] = [Paragraph(
        "培训后做法能不能改变，很大程度取决于回到岗位后有没有人跟进：销售经理陪同拜访并当场辅导、每周点评销售工具表，"
        "以及客户经理是否真的在用工具表。这些是保障措施，只看水平，不计算变化。")]
    for wave in dict.fromkeys(rows["wave_id"]):
        part = rows[rows["wave_id"] == wave]
        blocks.append(Table(_level_table(part, ctx.min_n), title=f"保障措施（{ctx.wave_label(wave)}）",
                            note="主管陪访辅导、每周工具表点评为回访期间每人的平均次数；使用销售工具表为随访中出现的比例。"))
        visits = part[(part["measure"] == "joint_visits") & ~part["hidden"]]
        reviews = part[(part["measure"] == "weekly_reviews") & ~part["hidden"]]
        bits = []
        if len(visits):
            bits.append(f"每人平均得到主管陪访辅导 {_level(visits.iloc[0]['followup'], 'score', 'joint_visits')}")
        if len(reviews):
            bits.append(f"每周工具表点评 {_level(reviews.iloc[0]['followup'], 'score', 'weekly_reviews')}")
        if bits:
            blocks.append(Paragraph(f"{ctx.wave_label(wave)}期间，" + "，".join(bits) + "。"))
    return Section("drivers", FOLLOWUP_SECTION_TITLES["drivers"], tuple(blocks))


def _results_section(ctx: _Context) -> Section:
    rows = ctx.rows("results")
    if rows.empty:
        return Section("results", FOLLOWUP_SECTION_TITLES["results"], (Paragraph("没有培训后的业绩资料。"),))
    sales = rows[rows["measure"] == "target_attainment"]
    leading = rows[rows["measure"] != "target_attainment"]
    blocks: list[Block] = []
    if len(sales):
        blocks.append(Paragraph(
            "业绩用与调研相同的口径（目标完成率，按月）。两种比较方式：与培训前趋势对比——按培训前几个月的走势推算培训后"
            "本来会达到的水平，看实际多出多少；与未参训人员对比——参训人员培训前后的变化"
            "减去未参训人员同期的变化。"))
        blocks.append(Bullets(tuple(plain_sentence(s) for s in sales["sentence"])))
        note = "变化、可能范围的单位为百分点。"
        attrition = ctx.evaluation.attrition
        lost = attrition[attrition["source"] == "sales"] if len(attrition) else attrition
        trend = sales[sales["isolation"] == "trend_line"]
        if len(lost) and int(lost["n_missing"].iloc[0]) > 0 and len(trend):
            note += (f"与培训前趋势对比按全部 {_people(trend['n'].iloc[0], ctx.min_n)} 人计算，其中培训后没有业绩数据的"
                     f" {_people(lost['n_missing'].iloc[0], ctx.min_n).replace('<', '不足 ')} 人按“没有变化”计入；"
                     "与未参训人员对比只算找到的人。")
        blocks.append(Table(_change_table(sales, ctx.min_n), title="业绩完成率", note=note))
    if len(leading):
        blocks.append(Paragraph(
            "业绩要几个月才能体现，先行指标是工作随访中拜访有推进或成交的比例：做法改变后，它通常先于业绩变化。"))
        blocks.append(Table(_change_table(leading, ctx.min_n), title="先行指标：拜访推进或成交的比例",
                            note="变化、可能范围的单位为百分点。"))
    return Section("results", FOLLOWUP_SECTION_TITLES["results"], tuple(blocks))


def _types_section(ctx: _Context) -> Section:
    types = ctx.evaluation.types
    if types.empty:
        return Section("types", FOLLOWUP_SECTION_TITLES["types"], (Paragraph(
            "培训前调研没有把客户经理分成清晰、稳定的类型，或培训前后都有随访记录的学员太少，不按类型分析。"),))
    blocks: list[Block] = [Paragraph(
        "按培训前调研划分的客户经理类型，看哪一类人的做法变了、哪一类没有变。“行为变化分”把各项做法的变化合在一起："
        "好的做法更常见、不好的做法更少见为正，单位为百分点。类型只用于安排后续辅导，不评价个人。")]
    blocks.append(Bullets(tuple(plain_sentence(s) for s in types["sentence"])))
    table = pd.DataFrame([{
        "类型": r["group_label"], "人数": _people(r["n"], ctx.min_n),
        "行为变化分": "—" if r["hidden"] else _amount(r["score"], "share"),
        "可能范围": "—" if r["hidden"] else _range(r["ci_low"], r["ci_high"], "share"),
        "结论": ("人数不足，不作判断" if r["hidden"] else "向好的做法靠拢" if r["ci_low"] > 0
                 else "向不好的做法偏移" if r["ci_high"] < 0 else "无明显变化")}
        for r in types.to_dict("records")])
    blocks.append(Table(table, title="各类客户经理的做法变化"))
    return Section("types", FOLLOWUP_SECTION_TITLES["types"], tuple(blocks))


def _next_steps(ctx: _Context, seen: Sequence[_Seen]) -> tuple[list[str], list[str]]:
    """Per coaching theme, the behaviours the action plan still has to work on (its
    :func:`~casekit.authoring.action_plan.followup_focus`: worse first, then the furthest from good),
    what the manager watches on joint visits and the theme's first-30-days action; a behaviour
    that moved at least :data:`_BIG` points the good way is left out (said as 方向向好). Also the
    labels of those behaviours, in order."""
    from casekit.authoring.action_plan import load_action_rules

    rules = load_action_rules()
    focus = _focus(ctx)
    if focus is None:
        return [], []
    promising = {s.measure for s in seen if s.promising}
    order = [c.behaviour for c in focus.not_improved if c.behaviour not in promising]
    order += [c.behaviour for c in focus.unclear if c.behaviour in focus.unreliable]
    worse = {c.behaviour for c in focus.changes if c.status == "worse"}
    groups: dict[str, list[str]] = {}
    for measure in dict.fromkeys(order):
        if measure not in rules.signs:
            continue
        theme = next((t for t in rules.themes if measure in t.behaviours), None)
        groups.setdefault(theme.id if theme is not None else f"-{measure}", []).append(measure)
    themes = {t.id: t for t in rules.themes}
    items = []
    for key, measures in groups.items():
        states: dict[str, list[str]] = {}
        for m in measures:
            state = ("变差了" if m in worse else "记录不一致（先统一观察标准）" if m in focus.unreliable
                     else "还看不出改善")
            states.setdefault(state, []).append(f"“{BEHAVIOURS[m].label}”")
        said = "，".join("、".join(labels) + state for state, labels in states.items())
        watch = "；".join(rules.signs[m].watch for m in measures)
        text = f"{said}：主管陪访时看{watch}"
        theme = themes.get(key)
        if theme is not None:
            text += f"。行动计划“{theme.title}”头 30 天：{theme.actions['day30'].do}"
        items.append(text + "。")
    labels = [BEHAVIOURS[m].label for m in dict.fromkeys(order) if m in rules.signs and m not in focus.unreliable]
    return items, labels


def _recommendations_section(ctx: _Context) -> tuple[Section, tuple[str, ...]]:
    seen = _seen(ctx)
    steps, labels = _next_steps(ctx, seen)
    general = []
    coaching = _coaching(ctx)
    if coaching is not None and coaching["below"]:
        general.append(f"把主管陪访提高到每位客户经理{coaching['target']}：" + _coaching_sentence(coaching)
                       + "。做法的改变需要主管在岗位上持续跟进，陪访时带上陪访记录卡，周例会上逐项复盘工具表。")
    elif coaching is not None:
        general.append("保持主管陪访和每周的工具表复盘：" + _coaching_sentence(coaching) + "，已达到行动计划的目标。")
    elif len(ctx.rows("drivers")) == 0:
        general.append("按行动计划安排主管陪访和每周的工具表复盘，并记下每人的陪访和复盘次数，供下一轮回访评估。")
    if labels:
        shown = labels[:3]
        general.append("下一阶段主管陪访和周例会重点跟进还看不出改善的做法：" + "、".join(f"“{x}”" for x in shown)
                       + ("等" if len(labels) > 3 else "") + "（见下列各项和行动计划）。")
    else:
        general.append("观察到的做法都有改善或方向向好：下一阶段的重点是巩固，并由进步大的客户经理在周例会上分享做法。")
    open_ = [s for s in seen if s.promising or s.kind == "unsure"]
    shown_n = max((s.n for s in seen if s.kind != "hidden"), default=0)
    again = "下一轮回访用同样的随访记录表再测一次"
    if seen and shown_n < _FEW_OBSERVED:
        again = f"下一轮回访多随访一些学员（这次培训前后都随访到的只有 {shown_n} 人），用同样的随访记录表再测一次"
    if open_:
        again += "，确认" + "、".join(f"“{s.label}”" for s in open_) + "的变化是否成立"
    general.append(again + "。")
    general.append(f"{ctx.region_name}各类客户经理的 30/60/90 天行动计划和销售经理的辅导检查表另行提供"
                   "（行动计划文档），可直接用于下一阶段的辅导。")
    if not ctx.evaluation.attrition.empty and not ctx.evaluation.attrition["meets_aim"].all():
        general.append("下一轮回访前先补齐学员名单和随访安排，争取至少八成学员能与培训前对上。")
    blocks: list[Block] = [Bullets(tuple(general), numbered=True)]
    if steps:
        blocks += [Paragraph("还看不出改善的做法与下一步", emphasis=True), Bullets(tuple(steps))]
    recommendations = tuple(general) + tuple(steps)
    return Section("recommendations", FOLLOWUP_SECTION_TITLES["recommendations"], tuple(blocks)), recommendations


def _appendix_section(ctx: _Context) -> Section:
    blocks: list[Block] = [Paragraph("以下说明供需要了解方法的读者参考。")]
    blocks.append(Paragraph(
        "每项变化都比较同一批人培训前后的结果（按匿名编号一一对应），给出 95% 可能范围；只有按同时检验的数量校正后"
        "范围仍不含 0 的变化才称为“明显”，否则写“无明显变化”。人数少于 5 人的分组不显示数字，也不下结论。"))
    if ctx.evaluation.families:
        blocks.append(Paragraph("同时检验的分组（多重比较校正按组进行）：" + ctx.evaluation.families))
    for note in ctx.evaluation.notes:
        blocks.append(Paragraph(note))
    blocks.append(Table(pd.DataFrame(list(FOLLOWUP_GLOSSARY), columns=["术语", "含义"]), title="术语表"))
    return Section("appendix", FOLLOWUP_SECTION_TITLES["appendix"], tuple(blocks))


# -- charts -------------------------------------------------------------------------------------


def followup_change_figure(evaluation: FollowUpEvaluation, region_name: str, *, wave: str | None = None,
                           slide: bool = False, min_n: int = MIN_CELL_SIZE) -> MplFigure:
    """The observed behaviour changes of one region, each with its interval, claimed ones marked.

    One horizontal line per measure of the behaviour table's before/after rows (the region of
    ``evaluation``, asked for with ``evaluate_followup(bundle, region=...)``): a dot at the change
    in percentage points and a whisker for its (adjusted) interval. A claimed change is drawn in
    the report's blue (good direction) or orange (bad direction) and labelled with its value; an
    unclaimed one in grey; a trainees' change the comparison with the untrained does not confirm
    (:data:`~casekit.analysis.evaluation.verdict.NOT_CONFIRMED`) in dark grey, dashed, marked 待确认; one
    the observers do not record alike is hollow and marked 只作参考;
    a group below ``min_n`` shows no dot, only ``n<5``.

    Parameters
    ----------
    evaluation : FollowUpEvaluation
        The region's evaluation.
    region_name : str
        The region's Chinese name (title).
    wave : str, optional
        The wave (default: the first with rows).
    slide : bool, default False
        A 16:9 figure for a slide (larger type) instead of the report's.
    min_n : int
        Smallest group shown.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        If the evaluation has no observed behaviour rows.
    """
    import numpy as np
    from matplotlib.figure import Figure as MplFigureClass
    from matplotlib.lines import Line2D

    from casekit.privacy.disclosure import is_suppressed
    from casekit.reports.charts import ALL_COLOUR, REGION_COLOUR, chart_text
    from casekit.reports.fonts import ensure_cjk_font

    rows = evaluation.behaviour
    rows = rows[rows["isolation"] == "before_after"] if len(rows) else rows
    if wave is None and len(rows):
        wave = str(rows["wave_id"].iloc[0])
    rows = rows[rows["wave_id"] == wave] if len(rows) else rows
    groups = list(dict.fromkeys(rows["group"])) if len(rows) else []
    if len(groups) > 1:
        rows = rows[rows["group"] == groups[0]]
    if rows.empty:
        raise AnalysisError("没有培训前后的随访记录，无法画出做法的变化。")
    ensure_cjk_font()
    comparisons = {r["measure"]: r for r in evaluation.behaviour.to_dict("records")
                   if r["isolation"] == "control_group" and r["wave_id"] == wave and r["group"] == rows["group"].iloc[0]}
    rows = rows.reset_index(drop=True)
    bad = "#d9822b"
    pending = "#59616b"  # grey like an unclaimed change, drawn dashed and marked 待确认
    size = (11.0, 6.2) if slide else (8.0, 1.4 + 0.42 * len(rows))
    font = 12 if slide else 9
    fig = MplFigureClass(figsize=size, dpi=100, layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows.to_dict("records")):
        hidden = bool(row["hidden"]) or is_suppressed(row["n"], min_n)
        if hidden or _missing(row["change"]):
            ax.text(-97, yi, f"n<{min_n}" if hidden else "无数据", va="center", ha="left", fontsize=font - 1,
                    color="#333333")
            continue
        change = float(row["change"]) * 100
        low = max(float(row["ci_low"]) * 100, -100) if not _missing(row["ci_low"]) else change
        high = min(float(row["ci_high"]) * 100, 100) if not _missing(row["ci_high"]) else change
        good = _good(row)
        # a change the comparison with the untrained does not confirm is 待确认, not 明显向好
        unsure = bool(row["claimed"]) and _verdict(row, comparisons.get(row["measure"])) == NOT_CONFIRMED
        claimed = bool(row["claimed"]) and not unsure
        colour = (REGION_COLOUR if good is not False else bad) if claimed else pending if unsure else ALL_COLOUR
        ax.plot([low, high], [yi, yi], color=colour if claimed or unsure else "#8a929b", linewidth=2, zorder=2,
                linestyle="--" if unsure else "-")
        face = "white" if row["unreliable"] else colour
        ax.scatter([change], [yi], s=60 if slide else 40, color=face,
                   edgecolors=colour if claimed or unsure else "#59616b", linewidths=1.5, zorder=3)
        label = _amount(_shown_change(row), "share")
        if row["unreliable"]:
            label += "（只作参考）"
        elif unsure:
            label += "（待确认）"
        ax.text(min(high, 100) + 2, yi, label, va="center", ha="left", fontsize=font - 1,
                color=colour if claimed or unsure else "#59616b")
    ax.axvline(0, color="#222222", linewidth=1.0, zorder=1)
    ax.set_yticks(y, [str(v) for v in rows["measure_label"]], fontsize=font)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(-100, 125)
    ax.set_xticks([-100, -50, 0, 50, 100], ["−100", "−50", "0", "+50", "+100"], fontsize=font - 1)
    ax.set_xlabel("培训后减培训前（百分点；横线为可能范围）", fontsize=font)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Line2D([], [], marker="o", linestyle="-", color=REGION_COLOUR, label="明显向好"),
               Line2D([], [], marker="o", linestyle="-", color=bad, label="明显变差"),
               Line2D([], [], marker="o", linestyle="--", color=pending, label="有变化，待确认"),
               Line2D([], [], marker="o", linestyle="-", color="#8a929b", markerfacecolor=ALL_COLOUR,
                      label="无明显变化或还判断不了"),
               Line2D([], [], marker="o", linestyle="-", color="#8a929b", markerfacecolor="white",
                      label="记录不一致，只作参考")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=font - 1)
    # a region name is bundle text: a "$" would start matplotlib's math mode (and "$\\foo{$" fails to draw)
    title = chart_text(region_name)
    fig.suptitle(f"{title}：培训前后拜访做法的变化（观察员记录）", fontsize=font + 4)
    return fig


# -- the document -------------------------------------------------------------------------------


def followup_document(bundle: Any, region_id: str, evaluation: FollowUpEvaluation | None = None, *,
                      charts: bool = True, min_n: int = MIN_CELL_SIZE) -> ReportDocument:
    """The 培训后跟踪评估报告 of one trained region as one document every format renders.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded bundle with a ``followup/`` folder.
    region_id : str
        A top-level region with trainees (:func:`followup_regions`); a city counts as its
        province, a name as its id.
    evaluation : FollowUpEvaluation, optional
        ``evaluate_followup(bundle, region=region_id)`` when already computed (the notebook
        shows it too); computed here otherwise, and when the one given holds other regions' rows
        (its attrition and types would not be the region's).
    charts : bool, default True
        Draw the behaviour-change chart (report and slide size).
    min_n : int
        Disclosure threshold.

    Returns
    -------
    ReportDocument
        Sections in :data:`FOLLOWUP_SECTION_TITLES` order; ``summary`` and ``recommendations``
        hold the executive summary's and the next steps' sentences.

    Raises
    ------
    AnalysisError
        If the bundle has no follow-up, or the region has no trainees (in Chinese, naming the
        trained regions).
    RegionError
        If the region is not in the manifest.
    """
    from casekit.analysis.evaluation.levels import evaluate_followup

    if getattr(bundle, "followup", None) is None:
        raise AnalysisError("这个资料包没有培训后回访的数据（followup 文件夹），无法生成培训后跟踪评估报告。")
    manifest = bundle.manifest
    region = manifest.top_of(manifest.require(region_id))
    if region not in followup_regions(bundle):
        evaluate_followup(bundle, region=region, min_n=min_n, types=False)  # raises the Chinese error
    groups = {str(g) for name in ("learning", "behaviour", "results") if evaluation is not None
              for g in getattr(evaluation, name)["group"]}
    if evaluation is None or groups - {region}:  # none, or not this one region's (its attrition and types)
        evaluation = evaluate_followup(bundle, region=region, min_n=min_n)
    ctx = _Context(bundle, region, evaluation, min_n)
    recommendations_section, recommendations = _recommendations_section(ctx)
    summary_section, summary = _summary_section(ctx, recommendations)
    behaviour, figure = _behaviour_section(ctx, charts)
    sections = (summary_section, _method_section(ctx), _reaction_section(ctx), _learning_section(ctx), behaviour,
                _drivers_section(ctx), _results_section(ctx), _types_section(ctx), recommendations_section,
                _appendix_section(ctx))
    slide_figures: tuple[Figure, ...] = ()
    if figure is not None:
        slide_figures = (Figure(_png(followup_change_figure(evaluation, ctx.region_name, slide=True, min_n=min_n)),
                                figure.title, key="behaviour_change"),)
    waves = ctx.followup.waves
    period = "；".join(f"{_span(s, e)}（{label}）"
                       for label, s, e in zip(waves["label"], waves["start"], waves["end"]))
    return ReportDocument(
        title=f"{ctx.region_name}地区培训后跟踪评估报告",
        region_id=region,
        region_name=ctx.region_name,
        client=str(manifest.client_of(region) or ""),
        engagement=str(manifest.engagement or ""),
        period=period,
        period_label="回访时间",
        summary=summary,
        recommendations=recommendations,
        sections=sections,
        slide_figures=slide_figures,
    )


def followup_document_from(namespace: Mapping[str, Any], region_id: str) -> ReportDocument:
    """The follow-up report of ``region_id`` from a report kernel's namespace (the build's hook).

    ``casekit build --report followup`` runs notebook ``7.1-follow-up-report`` per region and then
    asks this function, in the same kernel, for the document the Word and slide writers render.

    Parameters
    ----------
    namespace : mapping
        The notebook's globals: ``document`` (a :class:`ReportDocument` the notebook built) is
        returned as it is when it is the region's; otherwise the bundle at ``bundle_path`` is
        loaded and the document computed (with ``evaluation`` reused when it is the region's).
    region_id : str
        The region of the run.

    Returns
    -------
    ReportDocument

    Raises
    ------
    AnalysisError
        If neither a document nor ``bundle_path`` is in the namespace, or the region has no
        trainees.
    """
    document = namespace.get("document")
    if isinstance(document, ReportDocument) and document.region_id == region_id \
            and document.title.endswith("培训后跟踪评估报告"):
        return document
    path = namespace.get("bundle_path")
    if path is None:
        raise AnalysisError(f"无法生成{region_id}的培训后跟踪评估报告：笔记本中既没有报告文档（document），也没有资料包路径（bundle_path）。")
    from casekit.intake import load_bundle

    bundle = load_bundle(path)
    evaluation = namespace.get("evaluation")
    same = namespace.get("region") == region_id and evaluation is not None and hasattr(evaluation, "behaviour")
    return followup_document(bundle, region_id, evaluation if same else None)
