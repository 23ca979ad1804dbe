"""Findings: the one model of what the questionnaire says a region is weak or strong at.

Every section that says a group is weak, strong or "the weakest" reads this table: the region
report, the course design, the interview outline, the toolbox. One row per top-level region ×
population × dimension × kind (:data:`FINDINGS_SCHEMA`, the contract of issue 12):

``vs_required``
    The group's mean score minus the consultant's target level for the population × dimension
    (``competency.yaml`` of the bundle over casekit's defaults,
    :func:`casekit.analysis.gaps.competency_levels`). One-sample Student t test and interval.
    Also computed for the whole engagement (region :data:`ENGAGEMENT`, all regions pooled).
    A dimension without a target level has no ``vs_required`` row.
``vs_other_regions``
    The region's mean minus the mean of the other regions' people of the same population
    (the comparison base of :func:`casekit.privacy.disclosure.comparison_base`: regions below
    the disclosure threshold count nowhere). Welch's t test and interval: closed form, so the
    same input always gives the same output with no seed; valid for unequal group sizes and
    variances (one region against four is the usual case); and the test and the interval are
    one computation, so "the interval excludes 0" and "adjusted significance" agree (a
    permutation test would give a p value but no matching interval, and a seed-dependent one).

Claiming
--------
Every shown row with a test enters one family per kind over the whole engagement (all regions ×
populations × dimensions; ``family="engagement"`` puts both kinds in one family). Within a family
the p values are adjusted by Benjamini–Hochberg (:func:`bh_adjust`). A row is *claimed* only when

* ``p_adjusted < fdr`` (default 0.05),
* ``|effect_size| >= min_effect`` (default :data:`MIN_EFFECT` = 0.3 standard deviations of
  people's scores: ``estimate / sd``, with the group's own SD for ``vs_required`` and the pooled
  SD of the two groups for ``vs_other_regions``; 0.3 SD is between Cohen's "small" 0.2 and
  "medium" 0.5, about 0.2 points on a five-point scale -- below that a difference is not
  something a trainer would plan a session around, however many people answered), and
* ``n`` (and, for ``vs_other_regions``, ``reference_n``) is at least ``min_n``, the disclosure
  threshold (:data:`casekit.privacy.disclosure.MIN_RESPONDENTS`).

What is not claimed is said as "无明显差异" (``direction == "none"``).

Why one family per kind: the gaps to the target level are nearly all real (self-reports sit well
below targets of 4 on a five-point scale), and Benjamini–Hochberg's threshold grows with the
number of rejections in the family. Mixed into one family, those certain gaps would loosen the
threshold of the regional comparisons: on data with no regional difference at all, about one
regional "weakness" per engagement would then be claimed from noise (measured: see
``docs/findings.md``). Kept apart, each kind's false discovery rate is controlled on its own.

Intervals
---------
The intervals reported are multiplicity-adjusted: Benjamini–Yekutieli false-coverage-rate
intervals. With ``m`` tests in a family and ``R`` of them rejected by Benjamini–Hochberg at
level ``α = 1 − confidence``, every interval of the family has marginal coverage
``1 − max(R, 1)·α/m`` (Bonferroni's when nothing is rejected). The selected ones then cover
their true values with a false-coverage rate of at most ``α``, and with the defaults
(``fdr == 1 − confidence``) an interval excludes 0 exactly when the row's adjusted p value is
below ``fdr``.

Privacy
-------
A group of fewer than ``min_n`` people shows no number (``hidden``; its row stays so that every
section can say 样本不足) and is never claimed; such a region is also left out of the other
regions' and the engagement's numbers (as in :func:`casekit.analysis.scores.compare_region`).

Weakest
-------
:meth:`Findings.weakest` is the one definition of "weakest" every section uses: the dimension
with the largest *claimed* shortfall (most negative ``estimate``) against the target level
(``vs_required``, ``direction == "weaker"``) of the region × population. A dimension with a lower
target but a larger gap wins over one with a higher target; nothing claimed → an empty tuple (the
text says 无明显差异). :meth:`Findings.order` extends it to every dimension (claimed shortfalls,
then claimed regional weaknesses, then the rest by their gap to the target), the one order in
which every section lists or probes dimensions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.gaps import ALL_GROUP, competency_levels, person_gaps
from casekit.analysis.intervals import check_confidence
from casekit.domain import DIMENSIONS, POPULATION_DIMENSIONS, POPULATIONS, lookup
from casekit.exceptions import AnalysisError, RegionError
from casekit.formatting import count_label, rounded_diff, score, signed
from casekit.privacy.disclosure import MIN_RESPONDENTS, check_threshold, comparison_base, is_suppressed
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.language import quoted, tr

__all__ = [
    "DIRECTIONS",
    "ENGAGEMENT",
    "FAMILIES",
    "FINDINGS_COLUMNS",
    "FINDINGS_SCHEMA",
    "FINDING_KINDS",
    "MIN_EFFECT",
    "VS_OTHER_REGIONS",
    "VS_REQUIRED",
    "Findings",
    "bh_adjust",
    "engagement_findings",
    "finding_id",
]

#: ``region`` of the engagement-wide rows (all regions pooled), and their ``region_name``.
ENGAGEMENT: str = ALL_GROUP[0]
_ENGAGEMENT_NAME: str = ALL_GROUP[1]
#: Kind: the group's mean minus the consultant's target level.
VS_REQUIRED = "vs_required"
#: Kind: the region's mean minus the other regions' mean (same population).
VS_OTHER_REGIONS = "vs_other_regions"
#: Kinds of finding, in table order.
FINDING_KINDS: tuple[str, ...] = (VS_REQUIRED, VS_OTHER_REGIONS)
#: Values of ``direction``.
DIRECTIONS: tuple[str, ...] = ("weaker", "stronger", "none")
#: Values of ``engagement_findings(family=...)``: one Benjamini–Hochberg family per kind, or one
#: for every test of the engagement.
FAMILIES: tuple[str, ...] = ("kind", "engagement")
#: Default practical threshold, in standard deviations of people's scores.
MIN_EFFECT: float = 0.3

#: The table of :func:`engagement_findings` (contract of issue 12, section 1).
FINDINGS_SCHEMA = OutputSchema(
    "findings", "casekit.analysis.findings.engagement_findings", (
        Col("id", description='"{region}:{population}:{dimension}:{kind}"'),
        Col("region", description=f'top-level region id; "{ENGAGEMENT}" for the engagement-wide rows'),
        Col("region_name", description=f"Chinese ({_ENGAGEMENT_NAME} for {ENGAGEMENT!r})"),
        *columns("str", "population", "dimension", "dimension_label", "kind"),
        Col("estimate", "float", nullable=True, description="negative = weaker"),
        *columns("float", "ci_low", "ci_high", nullable=True),
        Col("n", "int", description="the region's people with a score"),
        Col("reference_n", "int", description="the other regions' people; 0 for vs_required"),
        Col("mean", "float", nullable=True),
        Col("reference", "float", nullable=True, description="other regions' mean, or the target level"),
        Col("effect_size", "float", nullable=True, description="estimate / SD"),
        *columns("float", "p_value", "p_adjusted", nullable=True),
        Col("rank", "float", nullable=True, description="1 = weakest of the region × population by mean"),
        Col("claimed", "bool"), Col("direction", description="weaker, stronger or none"),
        Col("hidden", "bool", description="too few people to show"),
        Col("sentence", description="plain Chinese, for clients"),
        Col("population_label", description="Chinese"),
        Col("sd", "float", nullable=True, description="the SD effect_size divides by"),
        Col("interval_level", "float", nullable=True, description="marginal coverage of ci_low–ci_high"),
    ), consumers=("curriculum.design", "cli findings"))
#: Columns of :func:`engagement_findings` (from its schema).
FINDINGS_COLUMNS: tuple[str, ...] = FINDINGS_SCHEMA.names

_NAN = float("nan")
_NUMBERS = ("estimate", "ci_low", "ci_high", "mean", "reference", "effect_size", "p_value", "p_adjusted",
            "rank", "sd", "interval_level")


def finding_id(region: str, population: str, dimension: str, kind: str) -> str:
    """The stable id of a finding: ``"{region}:{population}:{dimension}:{kind}"``.

    Examples
    --------
    >>> finding_id("hebei", "account_manager", "sales", "vs_required")
    'hebei:account_manager:sales:vs_required'
    """
    return f"{region}:{population}:{dimension}:{kind}"


def bh_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p values (missing values stay missing, outside the family).

    ``p_adj(i) = min over j with p(j) >= p(i) of min(1, m · p(j) / rank(j))``, ``m`` the number
    of non-missing p values; a test is rejected at false discovery rate ``q`` when
    ``p_adj <= q``.

    Parameters
    ----------
    p_values : sequence of float
        The family's p values.

    Returns
    -------
    numpy.ndarray
        The adjusted p values, in the input's order.
    """
    p = np.asarray(p_values, dtype="float64")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


# --------------------------------------------------------------------------------------------
# the tests


def _one_sample(values: np.ndarray, target: float) -> dict[str, float]:
    """Mean minus ``target``: estimate, standard error, df, SD, p (two-sided Student t)."""
    n = values.size
    mean = float(values.mean()) if n else _NAN
    out = {"mean": mean, "reference": target, "estimate": mean - target, "se": _NAN, "df": _NAN,
           "sd": _NAN, "p_value": _NAN}
    if n < 2:
        return out
    sd = float(values.std(ddof=1))
    out["sd"], out["se"], out["df"] = sd, sd / math.sqrt(n), float(n - 1)
    out["p_value"] = _p_value(out["estimate"], out["se"], out["df"])
    return out


def _welch(own: np.ndarray, others: np.ndarray) -> dict[str, float]:
    """Own mean minus others' mean: estimate, Welch standard error and df, pooled SD, p."""
    n1, n2 = own.size, others.size
    m1 = float(own.mean()) if n1 else _NAN
    m2 = float(others.mean()) if n2 else _NAN
    out = {"mean": m1, "reference": m2, "estimate": m1 - m2, "se": _NAN, "df": _NAN, "sd": _NAN,
           "p_value": _NAN}
    if n1 < 2 or n2 < 2:
        return out
    v1, v2 = float(own.var(ddof=1)), float(others.var(ddof=1))
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1)) if se > 0 else _NAN
    out["sd"] = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    out["se"], out["df"] = se, df
    out["p_value"] = _p_value(out["estimate"], se, df)
    return out


def _p_value(estimate: float, se: float, df: float) -> float:
    """Two-sided t-test p value; NaN when there is no spread at all (nothing to test)."""
    if not se > 0 or not np.isfinite(df):
        return _NAN
    return float(2 * stats.t.sf(abs(estimate) / se, df))


# --------------------------------------------------------------------------------------------
# the table


def _check(confidence: float, fdr: float, min_effect: float, min_n: int, family: str) -> tuple[float, int]:
    confidence = check_confidence(confidence)
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float)) or not 0 < fdr < 1:
        raise AnalysisError(tr(f"fdr 应为 0 到 1 之间的数（如 0.05），实际为 {fdr!r}",
                               f"fdr must be a number in (0, 1) (e.g. 0.05), got {fdr!r}"))
    if isinstance(min_effect, bool) or not isinstance(min_effect, (int, float)) or not min_effect >= 0:
        raise AnalysisError(tr(f"min_effect 应为不小于 0 的数（以标准差计，如 0.3），实际为 {min_effect!r}",
                               f"min_effect must be a number >= 0 (standard deviations, e.g. 0.3), got {min_effect!r}"))
    if family not in FAMILIES:
        raise AnalysisError(tr(f"family 应为 {'、'.join(FAMILIES)} 之一，实际为 {family!r}",
                               f"family must be one of {', '.join(FAMILIES)}, got {family!r}"))
    return confidence, check_threshold(min_n, "min_n")


def _pairs(people: pd.DataFrame) -> list[tuple[str, str]]:
    """Every population × dimension: the domain's, then any other found in the data."""
    found_pops = [p for p in dict.fromkeys(people["population"]) if p not in POPULATIONS]
    pairs: list[tuple[str, str]] = []
    for pop in [*POPULATIONS, *sorted(found_pops)]:
        expected = list(POPULATION_DIMENSIONS.get(pop, ()))
        found = set(people.loc[people["population"] == pop, "dimension"])
        extra = [d for d in DIMENSIONS if d in found and d not in expected]
        extra += sorted(found - set(DIMENSIONS) - set(expected))
        pairs.extend((pop, d) for d in (*expected, *extra))
    return pairs


def _label(vocabulary: Mapping[str, Any], term: str) -> str:
    return vocabulary[term].label if term in vocabulary else str(term)


def _raw_rows(bundle: Any, min_n: int) -> list[dict[str, Any]]:
    """One row per region × population × dimension × kind, unadjusted."""
    people = person_gaps(bundle)
    levels = competency_levels(bundle).set_index(["population", "dimension"])["required"]
    manifest = bundle.manifest
    tops = list(manifest.top_level_ids())
    tops += sorted(set(people["top_region_id"]) - set(tops))
    names = {t: (manifest.name(t) if t in manifest.top_level_ids() else str(t)) for t in tops}
    cells = dict(iter(people.groupby(["population", "dimension"], sort=False)))
    rows: list[dict[str, Any]] = []
    for pop, dim in _pairs(people):
        cell = cells.get((pop, dim), people.iloc[:0])
        target = float(levels.get((pop, dim), _NAN))
        sizes = cell["top_region_id"].value_counts().reindex(tops, fill_value=0)
        base = set(comparison_base(sizes, min_n))
        head = {"population": pop, "population_label": _label(POPULATIONS, pop), "dimension": dim,
                "dimension_label": _label(DIMENSIONS, dim)}
        for region in [*tops, ENGAGEMENT]:
            if region == ENGAGEMENT:
                own = cell.loc[cell["top_region_id"].isin(base), "score"].to_numpy("float64")
            else:
                own = cell.loc[cell["top_region_id"] == region, "score"].to_numpy("float64")
            where = {"region": region, "region_name": names.get(region, _ENGAGEMENT_NAME), **head}
            if np.isfinite(target):
                rows.append({**where, "kind": VS_REQUIRED, "n": int(own.size), "reference_n": 0,
                             "hidden": is_suppressed(own.size, min_n), **_one_sample(own, target)})
            if region == ENGAGEMENT:
                continue
            others = cell.loc[cell["top_region_id"].isin(base - {region}), "score"].to_numpy("float64")
            hidden = is_suppressed(own.size, min_n) or is_suppressed(others.size, min_n)
            rows.append({**where, "kind": VS_OTHER_REGIONS, "n": int(own.size), "reference_n": int(others.size),
                         "hidden": hidden, **_welch(own, others)})
    return rows


def _adjust(table: pd.DataFrame, family: str, confidence: float) -> tuple[dict[str, int], dict[str, float]]:
    """Fill ``p_adjusted``, ``interval_level``, ``ci_low`` and ``ci_high``; return m and level per family."""
    tested = ~table["hidden"] & table["p_value"].notna()
    keys = table["kind"] if family == "kind" else pd.Series("engagement", index=table.index)
    alpha = 1 - confidence
    sizes: dict[str, int] = {}
    levels: dict[str, float] = {}
    table["p_adjusted"] = _NAN
    table["interval_level"] = _NAN
    for key in dict.fromkeys(keys[tested]):
        members = tested & (keys == key)
        adjusted = bh_adjust(table.loc[members, "p_value"].to_numpy())
        table.loc[members, "p_adjusted"] = adjusted
        m = int(members.sum())
        rejected = int((adjusted <= alpha).sum())
        level = 1 - max(rejected, 1) * alpha / m
        table.loc[members, "interval_level"] = level
        sizes[str(key)], levels[str(key)] = m, level
    has_interval = table["interval_level"].notna()
    quantile = stats.t.ppf(1 - (1 - table.loc[has_interval, "interval_level"]) / 2, table.loc[has_interval, "df"])
    half = quantile * table.loc[has_interval, "se"]
    table["ci_low"], table["ci_high"] = _NAN, _NAN
    table.loc[has_interval, "ci_low"] = table.loc[has_interval, "estimate"] - half
    table.loc[has_interval, "ci_high"] = table.loc[has_interval, "estimate"] + half
    return sizes, levels


def _rank(table: pd.DataFrame) -> pd.Series:
    """1 = the lowest mean of the region × population (ties averaged); NaN on hidden rows."""
    rank = pd.Series(_NAN, index=table.index)
    shown_mean = ~table["n"].map(is_suppressed).astype(bool)
    for _, group in table.loc[shown_mean].groupby(["region", "population"], sort=False):
        means = group.drop_duplicates("dimension").set_index("dimension")["mean"]
        ranks = means.rank(method="average")
        rank.loc[group.index] = group["dimension"].map(ranks).to_numpy()
    rank[table["hidden"]] = _NAN
    return rank


def _sentence(row: Mapping[str, Any], min_n: int) -> str:
    """One plain-Chinese sentence a client may read."""
    where = row["region_name"]
    subject = f"{where}{row['population_label']}在“{row['dimension_label']}”上"
    if row["hidden"]:
        if is_suppressed(row["n"], min_n):
            people = "无人作答" if row["n"] == 0 else f"不足{min_n}人"
            return f"{subject}样本不足（{people}），不作判断。"
        return f"{subject}：其他地区样本不足（不足{min_n}人），不作比较。"
    mean = score(row["mean"])
    diff = signed(rounded_diff(row["mean"], row["reference"]))
    interval = (f"区间 {signed(row['ci_low'])} 至 {signed(row['ci_high'])}" if pd.notna(row["ci_low"])
                else "无法计算区间")
    higher_lower = "低于" if row["direction"] == "weaker" else "高于"
    if row["kind"] == VS_REQUIRED:
        what = f"目标水平 {score(row['reference'])} 分"
        detail = f"（差 {diff}，n={count_label(row['n'], min_n)}，{interval}）"
    else:
        what = f"其他地区的 {score(row['reference'])} 分"
        detail = (f"（差 {diff}，n={count_label(row['n'], min_n)}，其他地区 n={count_label(row['reference_n'], min_n)}，"
                  f"{interval}）")
    if row["claimed"]:
        return f"{subject}平均 {mean} 分，明显{higher_lower}{what}{detail}。"
    return f"{subject}平均 {mean} 分，与{what}无明显差异{detail}。"


def engagement_findings(
    bundle: Any,
    *,
    confidence: float = 0.95,
    fdr: float = 0.05,
    min_effect: float = MIN_EFFECT,
    min_n: int = MIN_RESPONDENTS,
    family: str = "kind",
) -> Findings:
    """Every finding of the engagement: each region (and all pooled) against target and others.

    Parameters
    ----------
    bundle : Bundle
        A loaded research bundle (``responses``, ``manifest`` and, when present,
        ``competency`` and ``items`` are read).
    confidence : float, default 0.95
        ``1 − α`` of the false-coverage-rate intervals (see the module docstring).
    fdr : float, default 0.05
        False discovery rate: a row is claimed only if its Benjamini–Hochberg adjusted p value
        is below it.
    min_effect : float, default :data:`MIN_EFFECT`
        Smallest ``|effect_size|`` (standard deviations of people's scores) claimed.
    min_n : int, default :data:`~casekit.privacy.disclosure.MIN_RESPONDENTS`
        Disclosure threshold: a group with fewer people is hidden, never claimed, and left out
        of the other regions' and the engagement's numbers.
    family : {"kind", "engagement"}, default "kind"
        Benjamini–Hochberg family: every test of one kind in the engagement, or every test of
        the engagement (both kinds together; see the module docstring for why not by default).

    Returns
    -------
    Findings
        ``table`` has the columns of :data:`FINDINGS_SCHEMA`, one row per top-level region
        (manifest order, then :data:`ENGAGEMENT`) × population × dimension (domain order) ×
        kind (:data:`FINDING_KINDS`); hidden rows included.

    Raises
    ------
    AnalysisError
        If a setting is out of range.
    """
    confidence, min_n = _check(confidence, fdr, min_effect, min_n, family)
    table = pd.DataFrame(_raw_rows(bundle, min_n))
    if not table.empty:  # region (manifest order, the engagement last), population, dimension, kind
        position = {region: i for i, region in enumerate(dict.fromkeys(table["region"]))}
        table = table.sort_values("region", key=lambda r: r.map(position), kind="mergesort")
    if table.empty:
        table = pd.DataFrame(columns=[*FINDINGS_COLUMNS, "se", "df"])
    table = table.astype({"n": "int64", "reference_n": "int64", "hidden": "bool",
                          **{c: "float64" for c in ("mean", "reference", "estimate", "se", "df", "sd",
                                                    "p_value")}})
    sizes, levels = _adjust(table, family, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["effect_size"] = np.where(table["sd"] > 0, table["estimate"] / table["sd"], _NAN)
    enough = ~table["n"].map(lambda n: is_suppressed(n, min_n)).astype(bool)
    enough &= (table["kind"] == VS_REQUIRED) | ~table["reference_n"].map(lambda n: is_suppressed(n, min_n)).astype(bool)
    table["claimed"] = (~table["hidden"] & enough & (table["p_adjusted"] < fdr)
                        & (table["effect_size"].abs() >= min_effect)).astype(bool)
    table["direction"] = np.where(~table["claimed"], "none", np.where(table["estimate"] < 0, "weaker", "stronger"))
    table["rank"] = _rank(table)
    table.loc[table["hidden"], [c for c in _NUMBERS if c != "rank"]] = _NAN
    table["id"] = [finding_id(*key) for key in zip(table["region"], table["population"], table["dimension"],
                                                   table["kind"])]
    table["sentence"] = [_sentence(row, min_n) for row in table.to_dict("records")]
    table = table[list(FINDINGS_COLUMNS)].astype({"direction": object, "sentence": object, "id": object})
    for column in ("id", "region", "region_name", "population", "dimension", "dimension_label", "kind",
                   "direction", "sentence", "population_label"):
        table[column] = table[column].astype(object)
    table = table.reset_index(drop=True)
    return Findings(
        table=table,
        method=_method(sizes, levels, confidence, fdr, min_effect, min_n, family, _target_source(bundle)),
        family_size=sum(sizes.values()),
        family_sizes=dict(sizes),
        interval_levels=dict(levels),
        confidence=confidence, fdr=float(fdr), min_effect=float(min_effect), min_n=min_n, family=family,
    )


def _target_source(bundle: Any) -> str:
    levels = competency_levels(bundle)
    sources = set(levels["source"]) if "source" in levels.columns else set()
    if sources == {"default"} or not sources:
        return "本次沿用通用的默认目标水平（核心能力 4.0 分、支撑能力 3.5 分），尚未与客户逐项确认"
    if "default" in sources:
        return "本次部分由顾问与客户商定，其余沿用通用的默认目标水平"
    return "本次由顾问与客户商定"


def _percent(value: float) -> str:
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _method(sizes: Mapping[str, int], levels: Mapping[str, float], confidence: float, fdr: float,
            min_effect: float, min_n: int, family: str, source: str) -> str:
    """The appendix paragraph: tests, adjustment, thresholds (plain Chinese; may name methods)."""
    m_req, m_reg = sizes.get(VS_REQUIRED, 0), sizes.get(VS_OTHER_REGIONS, 0)
    total = sum(sizes.values())
    if family == "kind":
        scope = (f"校正在每种比较各自的全部检验内进行（与目标水平比较 {m_req} 项、与其他地区比较 {m_reg} 项，"
                 "分开校正：与目标水平的差距几乎都很明显，若与地区比较放在一起校正，会放宽地区比较的门槛）")
        coverage = "、".join(f"{'与目标水平比较' if k == VS_REQUIRED else '与其他地区比较'}的区间为 {_percent(v)}"
                             for k, v in levels.items())
    else:
        scope = f"校正在本次全部 {total} 项检验内一并进行"
        coverage = "、".join(f"区间为 {_percent(v)}" for v in levels.values())
    coverage = coverage or "本次没有可检验的比较"
    return (
        "判断依据：每个地区、每类人员、每个能力维度做两种比较。一是与目标水平比较：用单样本 t 检验看这组人的平均分"
        "与目标水平的差是否可靠；目标水平是顾问为培训设定的期望，不是外部标准，"
        f"{source}。二是与其他地区比较：用 Welch t 检验（不假定两组分数的离散程度相同）比较该地区与其他地区同类人员"
        "的平均分。全部地区合计只与目标水平比较。"
        f"本次共做 {total} 项检验。比较做得越多，偶然出现“差异”的机会越大，因此各项检验的 p 值用 Benjamini–Hochberg "
        f"方法校正，把错误发现率控制在 {_percent(fdr)} 以内；{scope}。报告中的区间也相应放宽，采用 Benjamini–Yekutieli "
        f"错误覆盖率区间（{coverage}，即每个区间的置信水平），使被判为明显的差异整体上仍有 {_percent(confidence)} "
        "的把握覆盖真实差距。"
        f"只有同时满足三个条件才说“明显高于”或“明显低于”：校正后 p 值小于 {fdr:g}；差距至少 {min_effect:g} 个标准差"
        "（差距除以人与人之间分数的标准差，与目标水平比较用这组人自己的标准差，地区之间比较用两组合并的标准差；"
        "小于这个幅度的差距，即使统计上可靠，也不足以据此安排培训）；该地区以及作比较的其他地区都至少 "
        f"{min_n} 人。不满足的一律写“无明显差异”。不足 {min_n} 人的组不显示任何数字，也不计入其他地区和全部地区"
        "的数字。“最弱”统一指：与目标水平相比明显偏低、且差距（分数）最大的维度；没有明显偏低的维度时不说哪项最弱。"
    )


# --------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, eq=False)
class Findings:
    """The findings of an engagement and the settings they were claimed under.

    Attributes
    ----------
    table : DataFrame
        Columns of :data:`FINDINGS_SCHEMA`.
    method : str
        The appendix paragraph (plain Chinese) explaining the tests, the Benjamini–Hochberg
        adjustment, the intervals, the size and disclosure thresholds and "weakest".
    family_size : int
        Tests adjusted, all families together.
    family_sizes : dict of str to int
        Tests per family (``"vs_required"`` / ``"vs_other_regions"``, or ``"engagement"``).
    interval_levels : dict of str to float
        Marginal coverage of the intervals of each family.
    confidence, fdr, min_effect, min_n, family
        The settings of :func:`engagement_findings`.
    """

    table: pd.DataFrame
    method: str
    family_size: int
    family_sizes: Mapping[str, int] = field(default_factory=dict)
    interval_levels: Mapping[str, float] = field(default_factory=dict)
    confidence: float = 0.95
    fdr: float = 0.05
    min_effect: float = MIN_EFFECT
    min_n: int = MIN_RESPONDENTS
    family: str = "kind"

    def _region_id(self, region: str) -> str:
        ids = dict.fromkeys(self.table["region"])
        if region in ids:
            return region
        by_name = dict(zip(self.table["region_name"], self.table["region"]))
        if region in by_name:
            return str(by_name[region])
        pairs = dict(zip(self.table["region"], self.table["region_name"])).items()
        known = "、".join(f"{r} ({n})" for r, n in pairs)
        raise RegionError(tr(f"没有地区{quoted(region)}：结论表中的地区有 {'、'.join(f'{r}（{n}）' for r, n in pairs)}",
                             f"unknown region {region!r}: the findings hold {known}"))

    @staticmethod
    def _population_id(population: str) -> str:
        pid = lookup(POPULATIONS, population)
        if pid is None:
            known = "、".join(f"{t.id} ({t.label})" for t in POPULATIONS.values())
            raise AnalysisError(tr(f"没有岗位「{population}」；应为以下之一：{known}",
                                 f"unknown population {population!r}; expected one of {known}"))
        return pid

    def region(self, region_id: str) -> pd.DataFrame:
        """The rows of one region (id or Chinese name; :data:`ENGAGEMENT` for all pooled).

        Raises
        ------
        RegionError
            If the findings have no such region.
        """
        rid = self._region_id(region_id)
        return self.table.loc[self.table["region"] == rid].reset_index(drop=True)

    def claimed(self, region_id: str | None = None, population: str | None = None, kind: str | None = None,
                direction: str | None = None) -> pd.DataFrame:
        """The claimed rows, optionally of one region, population, kind and direction.

        Parameters
        ----------
        region_id : str, optional
            Region id or Chinese name.
        population : str, optional
            Population id or Chinese label.
        kind : str, optional
            One of :data:`FINDING_KINDS`.
        direction : {"weaker", "stronger"}, optional

        Returns
        -------
        DataFrame
            Rows of :attr:`table` in its order.
        """
        rows = self.table.loc[self.table["claimed"]]
        if region_id is not None:
            rows = rows.loc[rows["region"] == self._region_id(region_id)]
        if population is not None:
            rows = rows.loc[rows["population"] == self._population_id(population)]
        if kind is not None:
            if kind not in FINDING_KINDS:
                raise AnalysisError(tr(f"kind 应为 {'、'.join(FINDING_KINDS)} 之一，实际为 {kind!r}",
                                       f"kind must be one of {', '.join(FINDING_KINDS)}, got {kind!r}"))
            rows = rows.loc[rows["kind"] == kind]
        if direction is not None:
            if direction not in DIRECTIONS[:2]:
                raise AnalysisError(tr(f"direction 应为 weaker 或 stronger，实际为 {direction!r}",
                                       f"direction must be weaker or stronger, got {direction!r}"))
            rows = rows.loc[rows["direction"] == direction]
        return rows.reset_index(drop=True)

    def weakest(self, region_id: str, population: str, k: int = 1) -> tuple[str, ...]:
        """The region's weakest dimension(s) of a population: the one definition of "weakest".

        The dimension with the largest claimed shortfall against its target level: among the
        ``vs_required`` rows claimed ``weaker``, the most negative ``estimate`` (a dimension with
        a lower target but a larger gap comes first). Dimensions whose shortfall, shown with two
        decimals, equals the ``k``-th largest are included too (a tie is not broken silently).

        Parameters
        ----------
        region_id : str
            Region id or Chinese name (:data:`ENGAGEMENT` for all regions pooled).
        population : str
            Population id or Chinese label.
        k : int, default 1
            How many of the largest shortfalls.

        Returns
        -------
        tuple of str
            Dimension ids, largest shortfall first; empty when no shortfall is claimed (the text
            then says 无明显差异).
        """
        rows = self.claimed(region_id, population, kind=VS_REQUIRED, direction="weaker")
        if rows.empty or k < 1:
            return ()
        rows = rows.sort_values("estimate", kind="mergesort")
        shown = rows["estimate"].round(2)
        cut = shown.iloc[min(k, len(rows)) - 1]
        return tuple(rows.loc[shown <= cut, "dimension"])

    def order(self, region_id: str, population: str) -> tuple[str, ...]:
        """Every dimension of the region × population, in the one order of need every section uses.

        Three tiers, each by size (see ``docs/findings.md``, "Order of need"):

        1. dimensions with a claimed shortfall against the target level (``vs_required``,
           ``weaker``), the largest shortfall (most negative ``estimate``) first -- so the order
           starts with :meth:`weakest` (ties included);
        2. dimensions claimed weaker than the other regions (``vs_other_regions``, ``weaker``)
           but with no claimed shortfall against the target, the largest difference first;
        3. the rest -- nothing claimed weaker -- by the gap to the target as shown (most
           negative ``estimate`` first: the hypotheses an interview or a trainer checks first),
           then those without a shown gap (hidden, or no target level).

        Ties within a tier keep the domain's order of the dimensions. Claimed strengths are
        simply "nothing claimed weaker" (tier 3).

        Parameters
        ----------
        region_id : str
            Region id or Chinese name (:data:`ENGAGEMENT` for all regions pooled).
        population : str
            Population id or Chinese label.

        Returns
        -------
        tuple of str
            Dimension ids; empty when the findings hold no row of the region × population.
        """
        rows = self.region(region_id)
        rows = rows.loc[rows["population"] == self._population_id(population)]
        dims = list(dict.fromkeys(rows["dimension"]))
        own = rows.set_index(["kind", "dimension"])

        def value(kind: str, dim: str, column: str) -> Any:
            return own[column].get((kind, dim), None)

        def weaker(kind: str, dim: str) -> bool:
            return bool(value(kind, dim, "claimed")) and value(kind, dim, "direction") == "weaker"

        def size(kind: str, dim: str) -> float:
            estimate = value(kind, dim, "estimate")
            return float(estimate) if estimate is not None and np.isfinite(estimate) else math.inf

        def key(item: tuple[int, str]) -> tuple[int, float, int]:
            position, dim = item
            if weaker(VS_REQUIRED, dim):
                return (1, size(VS_REQUIRED, dim), position)
            if weaker(VS_OTHER_REGIONS, dim):
                return (2, size(VS_OTHER_REGIONS, dim), position)
            return (3, size(VS_REQUIRED, dim), position)

        return tuple(dim for _, dim in sorted(enumerate(dims), key=key))

    def records(self, table: pd.DataFrame | None = None) -> list[dict[str, Any]]:
        """The rows as JSON-safe dicts with the contract's columns (NaN → None).

        Parameters
        ----------
        table : DataFrame, optional
            Rows of :attr:`table` to convert (default: all).
        """
        frame = self.table if table is None else table
        out = []
        for row in frame[list(FINDINGS_COLUMNS)].to_dict("records"):
            record: dict[str, Any] = {}
            for key, value in row.items():
                if isinstance(value, (bool, np.bool_)):
                    record[key] = bool(value)
                elif isinstance(value, (int, np.integer)):
                    record[key] = int(value)
                elif isinstance(value, (float, np.floating)):
                    record[key] = float(value) if math.isfinite(value) else None
                else:
                    record[key] = value
            out.append(record)
        return out
