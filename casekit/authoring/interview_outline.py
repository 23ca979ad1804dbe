"""The one-on-one interview outline (访谈大纲) of a region, drafted from its survey results.

The seed's research runs: questionnaire → analysis → interview outline → in-depth interviews.
:func:`draft_interview_outline` writes that outline for one region and one population: the
dimensions the region needs most get a section each, in the findings' one order of need
(:meth:`casekit.analysis.findings.Findings.order`: the weakest first, then the other claimed
weaknesses, then the largest gaps to the target as hypotheses to check), with open questions that
ask for recent, concrete cases and follow-up probes; the numbers cited are those of
:func:`casekit.analysis.region_gaps`, as the region's report prints them; for account managers, a
section probes the behaviour types most common in the region (from a clear
:class:`~casekit.analysis.SegmentReport`). The questions come from the question bank
``interview_questions.yaml`` next to this module (or another file given as ``bank=``).

Evidence is cited only as the region's report shows it: scores as :mod:`casekit.formatting`
writes them, never a number of a suppressed row, never a head count below the anonymity
threshold, never a staff code. When the region has no shown row for the population, the outline
covers every dimension and says why (no evidence to prioritise).

See ``docs/interview-outline.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from casekit.domain import (
    BEHAVIOURS,
    DIMENSIONS,
    MIN_CELL_SIZE,
    POPULATION_DIMENSIONS,
    POPULATIONS,
    lookup,
)
from casekit.exceptions import AnalysisError
from casekit.formatting import count_label, rounded_diff, score, shown_gap_diff, signed
from casekit.privacy.disclosure import gap_hidden
from casekit.language import os_reason, tr

__all__ = [
    "BANK_PATH",
    "InterviewOutline",
    "OutlineSection",
    "draft_interview_outline",
    "load_question_bank",
]

#: The question bank shipped with casekit.
BANK_PATH = Path(__file__).resolve().parent / "interview_questions.yaml"

#: Minutes of the opening and the closing section.
OPENING_MINUTES = 5
CLOSING_MINUTES = 5
#: Shortest dimension or behaviour section.
MIN_SECTION_MINUTES = 5
#: Share of the middle part given to the behaviour-type section (rounded to 5 minutes).
BEHAVIOUR_SHARE = 0.2
#: Behaviour types probed (the most common in the region) and traits probed per type.
N_TYPES = 2
N_TRAITS = 2
#: A trait distinguishes a type when its mean differs from everybody's by this many SDs.
TRAIT_Z = 0.5
#: Questions per dimension the bank must hold.
QUESTIONS_PER_DIMENSION = (3, 5)

_NUMERALS = "一二三四五六七八九十"
_DATE_PLACEHOLDER = "____年__月__日"
_BLANK = "__________"


# -- the question bank ------------------------------------------------------------------------


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AnalysisError(tr(f"访谈题库：{where} 应为非空文字的列表，实际为 {value!r}",
                               f"question bank: {where} must be a list of non-empty texts, found {value!r}"))
    return tuple(v.strip() for v in value)


def load_question_bank(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check a question bank.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the format of :data:`BANK_PATH` (default: that file).

    Returns
    -------
    dict
        ``scripts`` (``opening``, ``closing``, ``case_hint``: texts), ``populations``
        (population → ``opening``, ``closing``: tuples of questions; ``dimensions``: dimension →
        ``{"questions": tuple, "probes": tuple}``) and ``behaviours`` (behaviour id →
        ``{"often": tuple, "rarely": tuple}``).

    Raises
    ------
    AnalysisError
        If the file is missing or malformed: a population or dimension of
        :data:`~casekit.domain.POPULATION_DIMENSIONS` without 3–5 questions, an unknown
        behaviour id, a key not in the vocabulary.
    """
    file = Path(path) if path is not None else BANK_PATH
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        reason = os_reason(exc.strerror) if isinstance(exc, OSError) and exc.strerror else exc
        raise AnalysisError(tr(f"访谈题库 {file} 无法读取（{reason}）", f"question bank {file}: cannot be read ({exc})")) from exc
    if not isinstance(raw, dict):
        raise AnalysisError(tr(f"访谈题库 {file}：最外层应为映射（键: 值）",
                               f"question bank {file}: expected a mapping at the top level"))
    scripts = raw.get("scripts") or {}
    bank: dict[str, Any] = {
        "scripts": {k: str(scripts.get(k, "") or "").strip() for k in ("opening", "closing", "case_hint")},
        "populations": {},
        "behaviours": {},
    }
    pops = raw.get("populations") or {}
    unknown = sorted(set(pops) - set(POPULATION_DIMENSIONS))
    if unknown:
        raise AnalysisError(tr(f"访谈题库 {file}：不认识的岗位 {'、'.join(map(str, unknown))}"
                               f"（应为 {'、'.join(POPULATION_DIMENSIONS)}）",
                               f"question bank {file}: unknown population(s) {unknown}"))
    lo, hi = QUESTIONS_PER_DIMENSION
    for pop, dims in POPULATION_DIMENSIONS.items():
        entry = pops.get(pop) or {}
        where = f"populations.{pop}"
        given = entry.get("dimensions") or {}
        extra = sorted(set(given) - set(dims))
        if extra:
            raise AnalysisError(tr(f"访谈题库 {file}：{where}.dimensions 中有不认识的维度 {'、'.join(map(str, extra))}"
                                   f"（应为 {'、'.join(dims)}）",
                                   f"question bank {file}: {where}.dimensions has unknown dimension(s) {extra}"))
        dimensions = {}
        for dim in dims:
            d = given.get(dim) or {}
            questions = _strings(d.get("questions"), f"{where}.dimensions.{dim}.questions")
            if not lo <= len(questions) <= hi:
                raise AnalysisError(tr(f"访谈题库 {file}：{where}.dimensions.{dim} 应有 {lo}–{hi} 道题，"
                                       f"实际有 {len(questions)} 道",
                                       f"question bank {file}: {where}.dimensions.{dim} needs {lo}–{hi} "
                                       f"questions, found {len(questions)}"))
            dimensions[dim] = {"questions": questions,
                               "probes": _strings(d.get("probes"), f"{where}.dimensions.{dim}.probes")}
        bank["populations"][pop] = {
            "opening": _strings(entry.get("opening"), f"{where}.opening"),
            "closing": _strings(entry.get("closing"), f"{where}.closing"),
            "dimensions": dimensions,
        }
    behaviours = raw.get("behaviours") or {}
    unknown = sorted(set(behaviours) - set(BEHAVIOURS))
    if unknown:
        raise AnalysisError(tr(f"访谈题库 {file}：不认识的做法编号 {'、'.join(map(str, unknown))}",
                               f"question bank {file}: unknown behaviour id(s) {unknown}"))
    for bid in BEHAVIOURS:  # vocabulary order: deterministic
        b = behaviours.get(bid) or {}
        bank["behaviours"][bid] = {k: _strings(b.get(k), f"behaviours.{bid}.{k}") for k in ("often", "rarely")}
    return bank


# -- the outline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineSection:
    """One section of an interview outline.

    Attributes
    ----------
    kind : str
        ``opening``, ``dimension``, ``behaviour`` or ``closing``.
    title : str
        Chinese title, e.g. ``行业`` or ``开场``.
    minutes : int
        Time planned for the section.
    questions : tuple of str
        The main questions, in order.
    probes : tuple of str
        Follow-up probes (追问), asked as the answers call for them.
    evidence : str
        Chinese line citing the survey (empty when there is none).
    dimension : str or None
        The dimension id of a ``dimension`` section.
    note : str
        Guidance for the interviewer (what to say, what the section is for).
    findings : tuple of str
        Ids of the findings the section rests on (:func:`casekit.analysis.findings.finding_id`):
        the region's gap to the target and its difference from the other regions.
    claimed : bool
        Whether a weakness of the dimension is claimed (else the section checks a hypothesis).
    """

    kind: str
    title: str
    minutes: int
    questions: tuple[str, ...]
    probes: tuple[str, ...] = ()
    evidence: str = ""
    dimension: str | None = None
    note: str = ""
    findings: tuple[str, ...] = ()
    claimed: bool = False


@dataclass(frozen=True)
class InterviewOutline:
    """A one-on-one interview outline for one region and population.

    Attributes
    ----------
    title : str
        e.g. ``河北 政企客户经理 一对一访谈大纲``.
    region, region_name : str
        Manifest id and Chinese name.
    population : str
        Population id.
    client, engagement : str
        From the bundle's manifest.
    minutes : int
        Length of the interview; the sections' minutes add up to it.
    purpose : str
        Why these sections, citing the evidence.
    sections : tuple of OutlineSection
        开场, one section per dimension probed, the behaviour types (optional), 收尾.
    dimensions : tuple of str
        The dimension ids probed, in the findings' order of need (weakest first) unless
        ``generic``.
    generic : bool
        True when there was no evidence to prioritise and every dimension is covered.
    notes : tuple of str
        Remarks for the interviewer (e.g. why there is no behaviour-type section).
    """

    title: str
    region: str
    region_name: str
    population: str
    client: str
    engagement: str
    minutes: int
    purpose: str
    sections: tuple[OutlineSection, ...]
    dimensions: tuple[str, ...]
    generic: bool
    notes: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """Return one row per section: 部分, 时间（分钟）, 问题数, 依据."""
        return pd.DataFrame(
            [{"部分": s.title, "时间（分钟）": s.minutes, "问题数": len(s.questions), "依据": s.evidence or "—"}
             for s in self.sections],
            columns=["部分", "时间（分钟）", "问题数", "依据"])

    def to_markdown(self) -> str:
        """Return the outline as printable Chinese Markdown, with the header block and consent note."""
        pop_label = POPULATIONS[self.population].label
        lines = [
            f"# {self.title}", "",
            "| 项目 | 内容 |", "|---|---|",
            f"| 客户 | {self.client} |",
            f"| 项目名称 | {self.engagement} |",
            f"| 地区 | {self.region_name} |",
            f"| 访谈对象 | {pop_label} |",
            f"| 时长 | {self.minutes}分钟 |",
            f"| 日期 | {_DATE_PLACEHOLDER} |",
            f"| 访谈人（化名） | {_BLANK} |",
            f"| 受访人（化名） | {_BLANK} |",
            "",
            "> **录音需征得同意。** 开始前说明访谈目的和记录的用途；受访人不同意录音时只做笔记。",
            ("> **记录中不得出现姓名：** 受访人、同事和客户一律使用化名（如“客户经理甲”“某酒店”），"
             "不记工号、电话和客户联系人姓名。"),
            "",
            "## 访谈目的", "", self.purpose, "",
        ]
        if self.notes:
            lines += [*(f"> {n}" for n in self.notes), ""]
        lines += ["## 时间安排", "", "| 部分 | 时间（分钟） |", "|---|---|"]
        lines += [f"| {s.title} | {s.minutes} |" for s in self.sections]
        lines += [f"| 合计 | {sum(s.minutes for s in self.sections)} |", ""]
        for i, s in enumerate(self.sections):
            lines += [f"## {_NUMERALS[i] if i < len(_NUMERALS) else i + 1}、{s.title}（{s.minutes}分钟）", ""]
            if s.evidence:
                lines += [f"*依据：{s.evidence}*", ""]
            if s.note:
                lines += [s.note, ""]
            lines += [f"{j}. {q}" for j, q in enumerate(s.questions, 1)]
            lines.append("")
            if s.probes:
                lines += ["追问：", "", *(f"- {p}" for p in s.probes), ""]
        return "\n".join(lines).rstrip("\n") + "\n"


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _shown_gap(row: Mapping[str, Any]) -> float:
    """The gap as the report prints it: the difference of the rounded mean and requirement."""
    return rounded_diff(row["mean"], row["required"])


#: What the evidence line says of a dimension's claims (findings' ``vs_required`` / ``vs_other_regions``).
_CLAIM_TARGET = "经检验明显低于目标水平"
_CLAIM_REGIONS = "经检验明显弱于其他地区"
_NO_CLAIM = "无明显差异，作为假设在访谈中核实"


def _claim_words(dimension: str, below_target: set[str], below_others: set[str]) -> str:
    words = [w for w, hit in ((_CLAIM_TARGET, dimension in below_target),
                              (_CLAIM_REGIONS, dimension in below_others)) if hit]
    return "，".join(words) if words else _NO_CLAIM


def _evidence(row: Mapping[str, Any], claim: str = "") -> str:
    gap = _shown_gap(row)
    text = (f"本地区{row['dimension_label']}维度均分{score(row['mean'])}，目标水平{score(row['required'])}，"
            f"差距{signed(gap)}（{count_label(row['n'])}人）")
    diff = shown_gap_diff(row)
    if not _missing(diff):
        others = rounded_diff(float(row["required"]) + float(row["others_gap"]), row["required"])
        text += f"；其他地区差距{signed(others)}，相对差距{signed(diff)}"
    if gap >= 0:
        text += "；已达到目标水平"
    if claim and not (gap >= 0 and claim == _NO_CLAIM):
        text += f"；{claim}"
    return text


def _in_order(rows: pd.DataFrame, order: tuple[str, ...]) -> pd.DataFrame:
    """Shown rows in the findings' order of need (a dimension the findings lack: last, domain order)."""
    position = {d: i for i, d in enumerate(order)}
    t = rows.assign(_pos=[position.get(str(d), len(order)) for d in rows["dimension"]], _dom=range(len(rows)))
    return t.sort_values(["_pos", "_dom"], kind="mergesort").drop(columns=["_pos", "_dom"])


def _split(total: int, parts: int) -> list[int]:
    """``total`` minutes in ``parts`` whole shares, earlier parts getting the remainder."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _behaviour_probes(report: Any, segment: int, bank: Mapping[str, Any]) -> list[tuple[str, str, float]]:
    """(behaviour id, ``often``/``rarely``, |z|) of a segment's distinguishing behaviours with probes."""
    profile = report.profile
    rows = profile.loc[(profile["segment"] == segment) & profile["feature"].astype(str).str.startswith("rate_")]
    found = []
    for _, r in rows.iterrows():
        bid, z = str(r["feature"])[5:], float(r["z"])
        if bid not in BEHAVIOURS or not math.isfinite(z) or abs(z) < TRAIT_Z:
            continue
        way = "often" if z > 0 else "rarely"
        if bank["behaviours"].get(bid, {}).get(way):
            found.append((bid, way, abs(z)))
    order = list(BEHAVIOURS)
    found.sort(key=lambda t: (-round(t[2], 9), order.index(t[0])))
    return found[:N_TRAITS]


def _behaviour_section(report: Any, manifest: Any, rid: str, bank: Mapping[str, Any],
                       min_n: int) -> tuple[OutlineSection | None, str]:
    """The behaviour-type section of a region, or None and the reason there is none."""
    from casekit.analysis import segment_mix

    if not report.clear:
        # the segmenter's plain verdict (e.g. "未发现明显不同的行为类型：…整体水平高低…") first
        why = report.reasons[0] if report.reasons else "未发现清晰的客户经理行为类型"
        return None, f"{why}，本大纲不含行为类型部分。"
    by = "top_region" if manifest.top_of(rid) == rid else "region"
    mix = segment_mix(report, manifest, by=by, min_n=min_n)
    mix = mix.loc[mix["group_id"] == rid]
    if mix.empty or bool(mix["suppressed"].any()):
        return None, f"本地区被分类的客户经理不足{min_n}人，不按行为类型设问。"
    mix = mix.sort_values(["count", "segment"], ascending=[False, True], kind="mergesort")
    present = mix.loc[mix["count"] > 0]
    mix_text = "、".join(f"第{int(r['segment'])}类“{r['segment_name']}”{r['share']:.0%}"
                         for _, r in present.iterrows())
    questions: list[str] = []
    probes: list[str] = []
    named = []
    for _, r in present.head(N_TYPES).iterrows():
        seg = int(r["segment"])
        named.append(f"第{seg}类“{r['segment_name']}”")
        for i, (bid, way, _) in enumerate(_behaviour_probes(report, seg, bank)):
            texts = bank["behaviours"][bid][way]
            # The first probe of a trait is a main question; the rest follow up.
            if texts[0] not in questions:
                questions.append(texts[0])
            probes.extend(p for p in texts[1:] if p not in probes)
    if not questions:
        return None, "本地区最常见的行为类型没有可追问的拜访行为，本大纲不含行为类型部分。"
    counts = list(present["count"])
    tied = len(counts) > N_TYPES and counts[N_TYPES - 1] == counts[N_TYPES]
    tie = "（人数并列时取全体中人数较多的类型）" if tied else ""
    note = (f"以下问题针对本地区最常见的{'、'.join(named)}{tie}的拜访做法，问具体的最近一次拜访；"
            f"不要向受访人说出其所属类型。")
    section = OutlineSection(kind="behaviour", title="拜访行为类型", minutes=0, questions=tuple(questions),
                             probes=tuple(probes), evidence=f"随访与问卷分群：{mix_text}", note=note)
    return section, ""


def draft_interview_outline(bundle: Any, region: str, population: str = "account_manager", *,
                            n_dimensions: int = 3, minutes: int = 60, segments: Any = None,
                            bank: str | Path | Mapping[str, Any] | None = None,
                            min_n: int = MIN_CELL_SIZE, findings: Any = None) -> InterviewOutline:
    """Draft the one-on-one interview outline of a region from its survey results.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle.
    region : str
        Region id or Chinese name (a top-level region or a city).
    population : str, default ``"account_manager"``
        Population id or Chinese label.
    n_dimensions : int, default 3
        Dimensions to probe, one section each: the first ``n_dimensions`` of
        :meth:`Findings.order <casekit.analysis.findings.Findings.order>` that the region's
        report shows (the weakest first, then the other claimed weaknesses, then the largest
        gaps to the target as hypotheses).
    minutes : int, default 60
        Length of the interview; the sections' minutes add up to it.
    segments : SegmentReport, optional
        From :func:`casekit.analysis.segment_account_managers`; for account managers, a clear
        segmentation adds a section probing the region's most common behaviour types.
    bank : path or mapping, optional
        Question bank file (default :data:`BANK_PATH`) or the result of
        :func:`load_question_bank`.
    min_n : int, default :data:`~casekit.domain.MIN_CELL_SIZE`
        Rows with fewer people are never cited.
    findings : Findings, optional
        :func:`casekit.analysis.engagement_findings` of the bundle (default: computed here). A
        city is ordered by its province's findings (the findings are per top-level region).

    Returns
    -------
    InterviewOutline
        Sections 开场, one per dimension probed (weakest first), 拜访行为类型 (optional), 收尾.
        When nothing is claimed for the region × population the purpose says 无明显差异 and
        the sections probe the largest gaps to the target as hypotheses to check.
        When no row of the population is shown for the region (too few respondents), every
        dimension is covered in domain order and ``generic`` is True, with a note saying why.

    Raises
    ------
    RegionError
        If the region is not in the manifest.
    AnalysisError
        If the population is unknown, ``n_dimensions`` < 1, ``minutes`` too short for the
        sections (5 minutes each at least), or the question bank is malformed.
    """
    from casekit.analysis import engagement_findings, region_gaps
    from casekit.analysis.findings import VS_OTHER_REGIONS, VS_REQUIRED, finding_id

    pop = lookup(POPULATIONS, population)
    if pop is None:
        raise AnalysisError(tr(f"没有岗位「{population}」；应为以下之一：{'、'.join(POPULATIONS)}",
                               f"unknown population {population!r}; expected one of {list(POPULATIONS)}"))
    if isinstance(n_dimensions, bool) or not isinstance(n_dimensions, int) or n_dimensions < 1:
        raise AnalysisError(tr(f"维度数应为不小于 1 的整数，实际为 {n_dimensions!r}",
                               f"n_dimensions must be a whole number >= 1, found {n_dimensions!r}"))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise AnalysisError(tr(f"访谈时长应为整数分钟，实际为 {minutes!r}", f"minutes must be a whole number, found {minutes!r}"))
    qbank = bank if isinstance(bank, Mapping) else load_question_bank(bank)
    pbank = qbank["populations"][pop]
    manifest = bundle.manifest
    rid = manifest.require(region)
    region_name = manifest.name(rid)
    pop_label = POPULATIONS[pop].label

    gaps = region_gaps(bundle, rid, min_n=min_n)
    rows = gaps.loc[(gaps["population"] == pop) & gaps["dimension"].isin(POPULATION_DIMENSIONS[pop])]
    shown = rows.loc[[not gap_hidden(r, min_n) for _, r in rows.iterrows()]]
    notes: list[str] = []
    evidence: dict[str, str] = {}
    section_findings: dict[str, tuple[str, ...]] = {}
    claimed_dims: set[str] = set()
    if shown.empty:
        generic = True
        dims = tuple(POPULATION_DIMENSIONS[pop])
        notes.append(f"本地区{pop_label}的问卷结果不单独显示（样本不足{min_n}人、没有问卷数据，或为保护匿名已与"
                     f"其他地市合并），无法据此确定重点维度，"
                     f"本大纲按通用顺序覆盖全部{len(dims)}个维度；访谈中请留意受访人自己提到的难点。")
        purpose = (f"本大纲用于{region_name}{pop_label}的一对一深度访谈。由于本地区没有可单独引用的问卷结果，"
                   f"没有可用于排序的证据，各维度同等对待。访谈以最近的真实案例为线索，"
                   f"了解受访人在各维度的实际做法和困难，为案例采集和课程定制提供依据。")
    else:
        generic = False
        if findings is None:
            findings = engagement_findings(bundle)  # the same findings as the report and the course
        top = manifest.top_of(rid)
        below_target = set(findings.claimed(top, pop, kind=VS_REQUIRED, direction="weaker")["dimension"])
        below_others = set(findings.claimed(top, pop, kind=VS_OTHER_REGIONS, direction="weaker")["dimension"])
        claimed_dims = below_target | below_others
        ordered = _in_order(shown, findings.order(top, pop)).head(n_dimensions)
        dims = tuple(str(d) for d in ordered["dimension"])
        claims = {d: _claim_words(d, below_target, below_others) for d in dims}
        evidence = {str(r["dimension"]): _evidence(r, claims[str(r["dimension"])]) for _, r in ordered.iterrows()}
        known = set(findings.table["id"])
        section_findings = {d: tuple(f for f in (finding_id(top, pop, d, k) for k in (VS_REQUIRED, VS_OTHER_REGIONS))
                                     if f in known) for d in dims}
        cited = "；".join(
            f"{r['dimension_label']}（差距{signed(_shown_gap(r))}"
            + ("" if _missing(shown_gap_diff(r)) else f"，相对其他地区{signed(shown_gap_diff(r))}")
            + ("，明显偏弱" if str(r["dimension"]) in claimed_dims else "，无明显差异") + "）"
            for _, r in ordered.iterrows())
        basis = (f"根据{region_name}{pop_label}的调研结论（均分与顾问设定的目标水平之差，及与其他地区相比；"
                 f"只有经统计检验成立的差异才算明显偏弱）")
        if not claimed_dims:
            purpose = (f"{basis}：无明显差异——本地区{pop_label}在各维度上与目标水平、与其他地区相比都没有经检验成立的"
                       f"明显偏弱。访谈以与目标水平差距最大的维度为假设加以核实，依次是：{cited}。访谈以最近的真实案例为线索，"
                       f"了解这些方面在实际工作中的做法和困难，为案例采集和课程定制提供依据；"
                       f"问卷结果只作线索，不向受访人出示，也不作结论。")
        else:
            hypotheses = [DIMENSIONS[d].label for d in dims if d not in claimed_dims]
            also = (f"其中{'、'.join(hypotheses)}无明显差异，作为假设在访谈中核实。" if hypotheses else "")
            purpose = (f"{basis}，本地区最需要深入了解的维度依次是：{cited}。{also}访谈以最近的真实案例为线索，"
                       f"了解这些短板在实际工作中的表现和原因，为案例采集和课程定制提供依据；"
                       f"问卷结果只作线索，不向受访人出示，也不作结论。")
        if top != rid:
            notes.append(f"调研结论按省级地区检验，地市没有单独的结论：维度按{manifest.name(top)}的结论排序，"
                         f"依据中的数字为本地市的。")
        if len(dims) < n_dimensions:
            notes.append(f"本地区只有{len(dims)}个维度有可引用的问卷结果，其余维度样本不足，未列入。")

    behaviour = None
    if segments is not None and pop == "account_manager":
        behaviour, why = _behaviour_section(segments, manifest, rid, qbank, min_n)
        if why:
            notes.append(why)

    middle = minutes - OPENING_MINUTES - CLOSING_MINUTES
    b_minutes = 0
    if behaviour is not None:
        b_minutes = max(MIN_SECTION_MINUTES, 5 * round(middle * BEHAVIOUR_SHARE / 5))
    d_minutes = _split(middle - b_minutes, len(dims)) if dims else []
    if middle - b_minutes < MIN_SECTION_MINUTES * len(dims) or middle < 0:
        need = OPENING_MINUTES + CLOSING_MINUTES + MIN_SECTION_MINUTES * (len(dims) + (behaviour is not None))
        raise AnalysisError(tr(f"{minutes} 分钟不够安排 {len(dims)} 个维度"
                               f"{'和做法部分' if behaviour is not None else ''}：至少需要 {need} 分钟（或减少维度）",
                               f"minutes={minutes} is too short for {len(dims)} dimension section(s)"
                               f"{' and the behaviour section' if behaviour is not None else ''}: "
                               f"at least {need} minutes are needed (or fewer dimensions)"))

    case_hint = qbank["scripts"].get("case_hint", "")
    sections = [OutlineSection(kind="opening", title="开场", minutes=OPENING_MINUTES,
                               questions=pbank["opening"], note=qbank["scripts"].get("opening", ""))]
    for dim, m in zip(dims, d_minutes):
        entry = pbank["dimensions"][dim]
        sections.append(OutlineSection(kind="dimension", title=DIMENSIONS[dim].label, minutes=m,
                                       questions=entry["questions"], probes=entry["probes"],
                                       evidence=evidence.get(dim, ""), dimension=dim, note=case_hint,
                                       findings=section_findings.get(dim, ()),
                                       claimed=dim in claimed_dims))
    if behaviour is not None:
        sections.append(replace(behaviour, minutes=b_minutes))
    sections.append(OutlineSection(kind="closing", title="收尾", minutes=CLOSING_MINUTES,
                                   questions=pbank["closing"], note=qbank["scripts"].get("closing", "")))
    return InterviewOutline(
        title=f"{region_name} {pop_label} 一对一访谈大纲", region=rid, region_name=region_name,
        population=pop, client=str(manifest.client), engagement=str(manifest.engagement),
        minutes=minutes, purpose=purpose, sections=tuple(sections), dimensions=dims,
        generic=generic, notes=tuple(notes))
