"""Account-manager segments as consultants read them: personas, training emphasis, regional mix.

:func:`segment_account_managers` builds the features of a bundle
(:mod:`casekit.analysis.features`), fits a :class:`~casekit.analysis.segmentation.Segmenter` and
describes the result with :func:`describe_segments`.

Personas come from the data alone: for every segment, each feature's mean is compared with the
mean of all account managers in standard-deviation units (*z*); features with ``|z| ≥ 0.5`` are
what distinguishes the segment. Strengths and weaknesses follow the seed's terms: a higher
survey score is a strength; for ride-along behaviours the direction comes from
:data:`casekit.domain.BEHAVIOUR_SKILL` (asking about needs, customer language, joint visits are
the "doctor's" way of selling; price-first openings, free trials, jargon and small talk are the
"medicine seller's"). The name is the two most distinctive traits; the training emphasis maps
the segment's weakest dimensions (survey score and behaviours together) to the modules of the
course outline that train them. The outline is the caller's (``outline=``, e.g.
``casekit.curriculum.load_outlines()["account_manager"]``): the curriculum layer reads the
analysis, never the other way round, so this module does not load outlines itself.

When the segmenter finds no clear structure, :class:`SegmentReport` says so (``clear`` is False,
``message`` says in plain Chinese that there are no types and whether people differ mainly in
their overall level, e.g. "未发现明显不同的行为类型：所有人的差别主要是整体水平高低，而非类型不同";
``reasons`` holds the figures for the consultant, ``appendix`` the method and figures in plain
words for the report's appendix) and holds no persona: :func:`segment_mix` is
then empty and the report tables built from it have no rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from casekit.analysis.features import (
    FeatureTable,
    account_manager_features,
    feature_label,
)
from casekit.analysis.ordering import ordered, region_order
from casekit.analysis.segmentation import Segmenter
from casekit.domain import (
    BEHAVIOUR_SKILL,
    DIMENSIONS,
    MIN_CELL_SIZE,
    POPULATION_DIMENSIONS,
)
from casekit.exceptions import AnalysisError
from casekit.formatting import count_label
from casekit.language import tr
from casekit.privacy.disclosure import is_suppressed
from casekit.progress import Progress
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "DISTINCT_Z",
    "MIN_PEOPLE",
    "Persona",
    "SEGMENT_ASSIGNMENT_SCHEMA",
    "SegmentReport",
    "describe_segments",
    "segment_account_managers",
    "segment_mix",
]

#: The person → segment table (:attr:`SegmentReport.assignments`, written by ``casekit segment`` as
#: ``internal/<bundle>/segments.csv``).
SEGMENT_ASSIGNMENT_SCHEMA = OutputSchema(
    "segment assignments", "casekit.analysis.segment_account_managers().assignments", (
        *columns("str", "respondent_id", "region_id", "top_region_id"),
        Col("segment", "int", nullable=True, description="1-based; empty when no clear segments"),
        Col("segment_name", "str", nullable=True),
    ),
    consumers=("SegmentReport.segment_labels (--by segment)", "reports.region_report.segment_labels", "cli segment (segments.csv)"))

#: A feature distinguishes a segment when its mean is this many standard deviations from the
#: mean of everybody.
DISTINCT_Z: float = 0.5

#: How a persona says that a segment is high / low on a time-use or visit feature.
_PHRASES: dict[str, tuple[str, str]] = {
    "question_share": ("拜访中提问较多", "拜访中提问较少"),
    "funnel_step": ("拜访推进得较深", "拜访推进得较浅"),
    "minutes_on_site": ("每次在客户处停留较长", "每次在客户处停留较短"),
    "weekly_visits": ("拜访较频繁", "拜访次数较少"),
    "visit_time_share": ("拜访客户的时间较多", "拜访客户的时间较少"),
    "travel_share": ("路上耗时较多", "路上耗时较少"),
}
#: What a segment is strong or weak at, in words a client reads (产品 → 产品知识较强).
_ABILITIES: dict[str, str] = {
    "product": "产品知识",
    "industry": "行业知识",
    "sales": "销售技能",
    "management": "客户与商机管理",
    "time": "时间管理",
    "customer": "客户知识",
    "communication": "沟通能力",
    "market": "市场知识",
    "strategy": "市场分析与策略能力",
    "process": "过程管理能力",
    "leadership": "领导力",
}
#: How a persona says that a segment shows an observed behaviour often / seldom.
_BEHAVIOUR_PHRASES: dict[str, tuple[str, str]] = {
    "price_first": ("常以价格优惠开场", "较少以价格优惠开场"),
    "asks_needs": ("常提问挖掘需求", "较少提问挖掘需求"),
    "technical_jargon": ("常使用技术术语", "较少使用技术术语"),
    "customer_language": ("常用客户语言讲价值", "较少用客户语言讲价值"),
    "product_demo": ("常做产品演示", "较少做产品演示"),
    "joint_visit": ("常与支撑人员联合拜访", "较少与支撑人员联合拜访"),
    "identifies_decision_makers": ("常识别多个决策人", "较少识别多个决策人"),
    "uses_toolbox": ("常使用销售工具表", "较少使用销售工具表"),
    "agrees_next_step": ("常约定下一步行动", "较少约定下一步行动"),
    "relationship_talk": ("常以寒暄拉关系为主", "较少以寒暄拉关系为主"),
    "free_trial_offer": ("常提出免费试用", "较少提出免费试用"),
}
#: Segmentations kept (by content of the features and the parameters) so that building many
#: regions' reports in one kernel segments the bundle once.
_CACHE: dict[tuple[object, ...], SegmentReport] = {}
_CACHE_SIZE = 4
#: Fewest account managers with data that :func:`segment_account_managers` segments (the
#: clusterer's own minimum); fewer is an :class:`~casekit.exceptions.AnalysisError` in words.
MIN_PEOPLE = 3
#: Strengths (weaknesses, traits) named in a persona's description, most distinctive first.
_LISTED = 4
#: +1: higher is a strength, −1: higher is a weakness, 0: a trait without direction.
_DIRECTION: dict[str, int] = {"question_share": 1, "funnel_step": 1}


def _direction(feature: str) -> int:
    if feature in DIMENSIONS:
        return 1
    if feature.startswith("rate_"):
        return BEHAVIOUR_SKILL.get(feature[5:], ("", 0))[1]
    return _DIRECTION.get(feature, 0)


def _phrase(feature: str, high: bool) -> str:
    """Short Chinese phrase for a distinguishing feature (``常以价格优惠开场``, ``产品知识较弱``)."""
    if feature in DIMENSIONS:
        return f"{_ABILITIES.get(feature, DIMENSIONS[feature].label)}{'较强' if high else '较弱'}"
    if feature.startswith("rate_"):
        behaviour = feature[5:]
        if behaviour in _BEHAVIOUR_PHRASES:
            return _BEHAVIOUR_PHRASES[behaviour][0 if high else 1]
        label = feature_label(feature)[1:].split("”")[0]
        return f"{'常' if high else '较少'}出现“{label}”"
    if feature in _PHRASES:
        return _PHRASES[feature][0 if high else 1]
    return f"{feature_label(feature)}{'较高' if high else '较低'}"


@dataclass(frozen=True)
class Persona:
    """One segment described in Chinese.

    Attributes
    ----------
    segment : int
        1-based number (1 = largest segment).
    name : str
        The two most distinctive traits, e.g. ``常以价格优惠开场·产品知识较弱``.
    n : int
        People in the segment.
    share : float
        Share of all account managers.
    strengths, weaknesses, traits : tuple of str
        Distinguishing features that are good, bad, or neither (time use), most distinctive first.
    description : str
        One paragraph for a report.
    emphasis_dimensions : tuple of str
        Dimension ids the segment needs most, weakest first.
    emphasis : tuple of str
        Training emphasis in Chinese: dimension → modules of the course outline (empty when no
        outline was given).
    """

    segment: int
    name: str
    n: int
    share: float
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    traits: tuple[str, ...]
    description: str
    emphasis_dimensions: tuple[str, ...]
    emphasis: tuple[str, ...]


@dataclass(frozen=True)
class SegmentReport:
    """The result of segmenting account managers, ready to print or show.

    Attributes
    ----------
    clear : bool
        Whether clear segments were found (``Segmenter.structure_found_``).
    message : str
        Plain Chinese summary for a client (no statistics): the segments found, or that there
        are none (starting with ``Segmenter.summary_``, e.g. "未发现明显不同的行为类型：…").
    reasons : tuple of str
        The segmenter's verdict with its figures, in Chinese (for the consultant).
    personas : tuple of Persona
        Empty when not ``clear``.
    profile : DataFrame
        ``segment``, ``feature``, ``label``, ``block``, ``mean``, ``overall_mean``, ``z``
        (observed values only; empty when not ``clear``).
    assignments : DataFrame
        ``respondent_id``, ``region_id``, ``top_region_id``, ``segment`` (1-based; missing when
        not ``clear``), ``segment_name``. Consultant-facing: it names staff codes.
    k_scores : DataFrame
        The segmenter's ``k_scores_``.
    k : int
        Segments in the fit (1 when none).
    stability : float
        Mean bootstrap adjusted Rand index at ``k``.
    silhouette : float
        Mean silhouette at ``k``.
    appendix : str
        The method and figures behind the verdict in plain words (the segmenter's
        ``appendix_``), for the report's appendix; ``message`` is the body's sentence.
    """

    clear: bool
    message: str
    reasons: tuple[str, ...]
    personas: tuple[Persona, ...]
    profile: pd.DataFrame
    assignments: pd.DataFrame
    k_scores: pd.DataFrame
    k: int
    stability: float
    silhouette: float
    segmenter: Segmenter | None = field(default=None, repr=False, compare=False)
    appendix: str = ""

    def segment_labels(self) -> pd.Series:
        """Return respondent id → ``第n类“name”``, the label to group other tables by segment.

        Empty when not ``clear``. Pass it as ``segments=`` to
        :func:`casekit.analysis.visits.time_allocation` and ``visit_profile``.
        """
        a = self.assignments.dropna(subset=["segment"])
        labels = [f"第{int(s)}类“{n}”" for s, n in zip(a["segment"], a["segment_name"])]
        return pd.Series(labels, index=pd.Index(a["respondent_id"], name="respondent_id"),
                         name="segment", dtype=object)

    def persona_table(self) -> pd.DataFrame:
        """Return one row per persona with Chinese headers (client-facing).

        Strengths and weaknesses list the most distinctive four of each (the full lists are on
        the :class:`Persona`).
        """
        rows = [{"类型": f"第{p.segment}类 {p.name}", "人数": count_label(p.n),
                 "占比": f"{p.share:.0%}", "强项": "、".join(p.strengths[:_LISTED]) or "—",
                 "短板": "、".join(p.weaknesses[:_LISTED]) or "—", "培训重点": "；".join(p.emphasis) or "—"}
                for p in self.personas]
        return pd.DataFrame(rows, columns=["类型", "人数", "占比", "强项", "短板", "培训重点"])


def _emphasis(z: pd.Series, population: str, outline: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Weakest dimensions of a segment (survey and behaviours) and the modules that train them."""
    need: dict[str, float] = {}
    for d in POPULATION_DIMENSIONS.get(population, ()):
        if d in z.index and np.isfinite(z[d]):
            need[d] = need.get(d, 0.0) - float(z[d])
    for feature, value in z.items():
        if str(feature).startswith("rate_") and np.isfinite(value):
            dim, sign = BEHAVIOUR_SKILL.get(str(feature)[5:], ("", 0))
            if sign and dim in POPULATION_DIMENSIONS.get(population, ()):
                need[dim] = need.get(dim, 0.0) - 0.5 * sign * float(value)
    weakest = [d for d, v in sorted(need.items(), key=lambda kv: (-kv[1], kv[0])) if v >= DISTINCT_Z][:3]

    lines = []
    if outline is None:
        return tuple(weakest), ()
    for d in weakest:
        modules = [m.title for m in (outline.modules if outline else ()) if d in m.dimensions]
        where = "、".join(f"“{t}”" for t in modules) if modules else "现有大纲无专门单元，建议加入案例讨论与演练"
        lines.append(f"{_ABILITIES.get(d, DIMENSIONS[d].label)}：{where}")
    return tuple(weakest), tuple(lines)


def _mode_sentence(z: pd.Series) -> str:
    """Where the segment stands between the seed's "medicine seller" and "doctor"."""
    signed = [BEHAVIOUR_SKILL[f[5:]][1] * float(v) for f, v in z.items()
              if str(f).startswith("rate_") and f[5:] in BEHAVIOUR_SKILL
              and BEHAVIOUR_SKILL[f[5:]][1] and np.isfinite(v)]
    if not signed:
        return ""
    mode = float(np.mean(signed))
    bad = [feature_label(str(f))[1:].split("”")[0] for f, v in z.items()
           if str(f).startswith("rate_") and BEHAVIOUR_SKILL.get(str(f)[5:], ("", 0))[1] < 0
           and np.isfinite(v) and v >= DISTINCT_Z]
    if mode >= DISTINCT_Z / 2:
        return "拜访中的做法接近“医生”式的顾问销售：先问清客户的经营问题，再讲产品能带来的价值。"
    if mode <= -DISTINCT_Z / 2 and bad:
        return (f"拜访中的做法仍像“卖药的”：{'、'.join(bad)}，"
                "而不是先诊断客户的需求再开方。")
    return ""


def describe_segments(segmenter: Segmenter, features: FeatureTable,
                      population: str = "account_manager", *,
                      outline: Any = None) -> SegmentReport:
    """Describe a fitted segmenter's segments in Chinese.

    Parameters
    ----------
    segmenter : Segmenter
        Fitted on ``features.X``.
    features : FeatureTable
        The table the segmenter was fitted on.
    population : str
        The population segmented (whose dimensions count for the training emphasis).
    outline : Outline, optional
        The course outline whose modules give the training emphasis
        (``casekit.curriculum.load_outlines()[population]``, or any object whose ``modules`` have
        ``title`` and ``dimensions``). None: personas still name their weakest dimensions
        (``emphasis_dimensions``) but no modules, and their description has no training emphasis.

    Returns
    -------
    SegmentReport
    """
    X = features.X
    people = features.people.reindex(X.index)
    assignments = pd.DataFrame({
        "respondent_id": X.index,
        "region_id": people["region_id"].to_numpy(),
        "top_region_id": people["top_region_id"].to_numpy(),
    })
    block_of = {c: b for b, cols in features.blocks.items() for c in cols}
    k = int(segmenter.n_clusters_)
    if not segmenter.structure_found_:
        assignments["segment"] = pd.array([pd.NA] * len(X), dtype="Int64")
        assignments["segment_name"] = pd.array([pd.NA] * len(X), dtype="string")
        message = (f"{segmenter.summary_}。因此不划分客户经理类型，也不描绘各类型的画像；"
                   "培训按全体客户经理在各项能力上的差距安排。")
        return SegmentReport(False, message, tuple(segmenter.reasons_), (),
                             pd.DataFrame(columns=["segment", "feature", "label", "block", "mean",
                                                   "overall_mean", "z"]),
                             assignments, segmenter.k_scores_, k, float(segmenter.stability_),
                             float(segmenter.silhouette_), segmenter, segmenter.appendix_)

    labels = pd.Series(segmenter.labels_ + 1, index=X.index)
    overall_mean = X.mean()
    overall_sd = X.std(ddof=0).replace(0, np.nan)
    means = X.groupby(labels).mean()
    zs = (means - overall_mean) / overall_sd
    rows = []
    for seg in means.index:
        for feat in X.columns:
            rows.append({"segment": int(seg), "feature": feat, "label": feature_label(feat),
                         "block": block_of.get(feat, ""), "mean": float(means.at[seg, feat]),
                         "overall_mean": float(overall_mean[feat]), "z": float(zs.at[seg, feat])})
    profile = pd.DataFrame(rows)

    personas: list[Persona] = []
    sizes = labels.value_counts()
    used: dict[str, int] = {}
    for seg in sorted(means.index):
        z = zs.loc[seg]
        distinct = z[z.abs() >= DISTINCT_Z].dropna()
        distinct = distinct.reindex(distinct.abs().sort_values(ascending=False, kind="stable").index)
        strengths, weaknesses, traits = [], [], []
        for feat, value in distinct.items():
            phrase = _phrase(str(feat), value > 0)
            sign = _direction(str(feat)) * np.sign(value)
            (strengths if sign > 0 else weaknesses if sign < 0 else traits).append(phrase)
        top = [_phrase(str(f), v > 0) for f, v in distinct.items()][:2]
        name = "·".join(top) if top else "各项接近平均"
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name}（{used[name]}）"
        dims, emphasis = _emphasis(z, population, outline)
        n = int(sizes[seg])
        parts = [f"第{seg}类“{name}”：{count_label(n)}人，占客户经理的{n / len(X):.0%}。"]
        if strengths:
            parts.append(f"明显好于整体的是{'、'.join(strengths[:_LISTED])}。")
        if weaknesses:
            parts.append(f"明显弱于整体的是{'、'.join(weaknesses[:_LISTED])}。")
        if traits:
            parts.append(f"其他特点：{'、'.join(traits[:_LISTED])}。")
        parts.append(_mode_sentence(z))
        if emphasis:
            parts.append("培训重点：" + "；".join(emphasis) + "。")
        personas.append(Persona(int(seg), name, n, n / len(X), tuple(strengths), tuple(weaknesses),
                                tuple(traits), "".join(parts), dims, emphasis))

    names = {p.segment: p.name for p in personas}
    assignments["segment"] = pd.array(labels.to_numpy(), dtype="Int64")
    assignments["segment_name"] = pd.array([names[s] for s in labels], dtype="string")
    message = (f"客户经理可分为{k}类，各类之间做法差别明显，换一批人重新分析，分法基本不变：" +
               "；".join(f"第{p.segment}类“{p.name}”{p.share:.0%}" for p in personas) + "。")
    return SegmentReport(True, message, tuple(segmenter.reasons_), tuple(personas), profile,
                         assignments, segmenter.k_scores_, k, float(segmenter.stability_),
                         float(segmenter.silhouette_), segmenter, segmenter.appendix_)


def segment_account_managers(bundle: object, n_clusters: int | None = None, *,
                             random_state: int = 2008, population: str = "account_manager",
                             outline: Any = None, progress: Progress | None = None,
                             **params: object) -> SegmentReport:
    """Segment a bundle's account managers and describe the segments.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle.
    n_clusters : int or None
        Fix k (None: chosen from the data).
    random_state : int
        Seed; the same bundle and seed give the same segments.
    population : str
        Population to segment (account managers: the only one observed on ride-alongs).
    outline : Outline, optional
        The course outline that gives the personas' training emphasis (see
        :func:`describe_segments`); e.g. ``casekit.curriculum.load_outlines()[population]``.
    progress : Progress, optional
        Where the steps are reported (汇总每人资料, then :meth:`Segmenter.fit`'s); default:
        nowhere.
        The same bundle and seed give the same segments with any progress or none.
    **params
        Further :class:`Segmenter` parameters (``k_max``, ``n_bootstrap``, …).

    Returns
    -------
    SegmentReport
    """
    progress = progress or Progress()
    with progress.task("汇总每人资料"):
        features = account_manager_features(bundle, population)
    if len(features.X) < MIN_PEOPLE:  # the clusterer cannot split fewer (a new engagement's first answers)
        raise AnalysisError(tr(
            f"只有 {len(features.X)} 名客户经理有问卷资料，分类至少需要 {MIN_PEOPLE} 人：问卷收齐后再分析客户经理类型",
            f"only {len(features.X)} account manager(s) have questionnaire data; segmenting needs at least "
            f"{MIN_PEOPLE}: segment once the survey is in",
        ))
    # The same features and parameters give the same segments: a report kernel that builds
    # region after region (or a notebook re-run) segments once. Keyed by content, not by path.
    key = (int(pd.util.hash_pandas_object(features.X, index=True).sum()), tuple(features.X.columns),
           tuple(features.people["region_id"]), n_clusters, random_state, population, outline,
           tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in _CACHE:
        segmenter = Segmenter(n_clusters=n_clusters, blocks=features.blocks,
                              random_state=random_state, **params)  # type: ignore[arg-type]
        segmenter.fit(features.X, progress=progress)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = describe_segments(segmenter, features, population, outline=outline)
    cached = _CACHE[key]
    return replace(cached, profile=cached.profile.copy(), assignments=cached.assignments.copy(),
                   k_scores=cached.k_scores.copy())


def segment_mix(report: SegmentReport, manifest: object, by: str = "top_region",
                min_n: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """Count each segment per region, suppressing counts that could identify people.

    Parameters
    ----------
    report : SegmentReport
        A clear segmentation (an unclear one gives an empty table).
    manifest : Manifest
        Gives region names.
    by : {"top_region", "region"}
        Group by top-level region or by the region each person named (usually a city).
    min_n : int
        A region with fewer account managers is not broken down (its row says so).

    Returns
    -------
    DataFrame
        ``group_id``, ``group_name``, ``n``, ``segment``, ``segment_name``, ``count``, ``share``,
        ``suppressed``, regions in the manifest's order. Counts below ``min_n`` are kept for
        consultants but flagged; client tables print them as ``<5`` and never print a share
        for a region under ``min_n``.
    """
    cols = ["group_id", "group_name", "n", "segment", "segment_name", "count", "share", "suppressed"]
    if not report.clear:
        return pd.DataFrame(columns=cols)
    key = "top_region_id" if by == "top_region" else "region_id"
    a = report.assignments
    rows = []
    names = {p.segment: p.name for p in report.personas}
    groups = dict(iter(a.groupby(key, sort=False)))
    for gid in ordered(groups, region_order(manifest, "top" if by == "top_region" else "city")):
        group = groups[gid]
        n = len(group)
        counts = group["segment"].value_counts()
        for seg in sorted(names):
            c = int(counts.get(seg, 0))
            rows.append({"group_id": gid, "group_name": manifest.name(gid),  # type: ignore[attr-defined]
                         "n": n, "segment": seg, "segment_name": names[seg], "count": c,
                         "share": float("nan") if is_suppressed(n, min_n) else c / n,
                         "suppressed": is_suppressed(n, min_n)})
    return pd.DataFrame(rows, columns=cols)
