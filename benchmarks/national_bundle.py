"""A national-scale synthetic engagement for the issue-4 benchmark (generator, not a benchmark).

:func:`write_national_bundle` writes a complete, valid research bundle (``docs/bundle-format.md``)
the size of a national sales force: by default 30 provinces × 10 cities, 20,000 account managers,
2,000 support engineers, 1,500 sales managers, 200,000 ride-along visits (over 80 % of the
account managers), ~140,000 360° rows, 30 catalogues and 12 interview notes (~110 MB).
It is the sample bundle (``casekit/sample/``) scaled up, generated with vectorised numpy in a
few seconds and deterministic for a seed:

* the codebook is the sample's (``casekit.sample.questionnaire.codebook``: items, scales, the
  background questions with ``role:`` performance / weekly_visits / visit_time_share);
* ``survey/responses.csv`` has the sample's 问卷星-style layout (labels as text, ``(跳过)`` for
  questions not asked of the respondent's population, a few ``(空)`` and empty answers);
* the four planted account-manager types of ``casekit/sample/planted.py`` (``AM_TYPES``) shape
  every account manager exactly as in the sample: survey profile (+ person and answer noise),
  attainment, weekly visits and visit-time share, and on each ride-along the question share,
  behaviours, funnel step, outcome and minutes on site. Types are balanced within each province
  and shuffled;
* the sample's region weaknesses (and Tianjin's long travel / short visit time, Shandong's rare
  team selling) are planted in provinces p01–p05, which use the sample regions beijing, tianjin,
  hebei, shandong, nanning as templates (product names, catalogue, travel times); every other
  province reuses a template cyclically;
* as people type them, 2 % of the region cells carry an administrative suffix (``城市0101市``);
* the answer key is ``_ground_truth.yaml`` (ignored by casekit): ``account_manager_type_of``
  (staff id → type id), the types' profiles, the planted region weaknesses and the parameters.

:func:`measure` (from ``benchmarks/_measure.py``, re-exported here) runs a callable in a fresh
interpreter and returns its wall time and the process's peak resident memory, so a benchmark can
time the casekit pipeline and a baseline the same way.

Usage::

    python benchmarks/national_bundle.py OUT [--account-managers N] [--cities N] [--visits N]
                                            [--seed N] [--force] [--measure-load]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "benchmarks"):  # run as a file from anywhere: casekit and _measure importable
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from _measure import Measurement, measure

from casekit.domain import BEHAVIOURS, FUNNEL_STAGES, INDUSTRIES, OUTCOMES, POPULATIONS
from casekit.sample.catalogue import (
    CATALOGUE_COLUMNS,
    LOCAL_NAMES,
    catalogue_rows,
    local_name,
)
from casekit.sample.note_texts import PASSAGES, PLACEHOLDER_PRODUCTS
from casekit.sample.notes import DATE_WINDOWS, workdays
from casekit.sample.planted import (
    AM_TYPES,
    ITEM_SD,
    PERSON_SD,
    REGION_WEAKNESSES,
    SE_PROFILE,
    SM_PROFILE,
    SM_SELF_INFLATION,
)
from casekit.sample.questionnaire import (
    BACKGROUND,
    ITEMS,
    SCALES,
    SKIPPED,
    codebook,
    survey_header,
)
from casekit.sample.reviews import RATER_COUNTS, REVIEW_COLUMNS, REVIEW_ITEMS
from casekit.sample.ride_alongs import RIDE_ALONG_COLUMNS
from casekit.sample.visit_texts import (
    CLOSING,
    CONDUCT,
    CONTEXT,
    CUSTOMER_NOUN,
    INDUSTRY_PRODUCTS,
    PURPOSES,
)

__all__ = [
    "DEFAULT_SEED",
    "GENERATOR_MARK",
    "TEMPLATES",
    "Measurement",
    "NationalBundleError",
    "measure",
    "national_bundle",
    "write_national_bundle",
]

DEFAULT_SEED = 2026
#: Written into ``_ground_truth.yaml``: marks a folder this module may replace.
GENERATOR_MARK = "benchmarks.national_bundle"
#: Sample regions used as templates by provinces p01, p02, … (cyclically): local product
#: names, catalogue, travel times, and (p01–p05 only) the planted weaknesses.
TEMPLATES: tuple[str, ...] = ("beijing", "tianjin", "hebei", "shandong", "nanning")
#: Travel minutes (mean, sd) per template, as in ``casekit/sample/ride_alongs.py``.
_TRAVEL: dict[str, tuple[float, float]] = {
    "beijing": (50, 15), "tianjin": (75, 20), "hebei": (40, 15), "shandong": (35, 10), "nanning": (30, 10),
}
#: The template whose province has the planted time weakness (less visit time, long travel).
_TIME_WEAK = "tianjin"
#: The template whose province rarely sells as a team (joint visits, decision makers).
_TEAM_WEAK = "shandong"
#: Share of account managers accompanied on at least one ride-along.
OBSERVED_SHARE = 0.8
#: Share of region cells written with an administrative suffix (``城市0101市``), as people type.
SUFFIXED_SHARE = 0.02
N_NOTES = 12

AM, SE, SM = "account_manager", "support_engineer", "sales_manager"
_AGE_BANDS = ("25岁及以下", "26-30岁", "31-35岁", "36-40岁", "41岁及以上")
_AGE_P = {AM: [0.12, 0.38, 0.3, 0.14, 0.06], SE: [0.15, 0.45, 0.25, 0.1, 0.05], SM: [0, 0.05, 0.3, 0.4, 0.25]}
_PREFIX = {AM: "AM", SE: "SE", SM: "SM"}
_CITY_WEIGHTS = (5, 4, 4, 3, 3, 3, 3, 2, 2, 2)  # capital first; cyclic beyond ten cities


class NationalBundleError(RuntimeError):
    """The target folder exists and is not a bundle written by this module."""


@dataclass(frozen=True)
class _Regions:
    province_ids: list[str]
    province_names: list[str]
    template: list[str]              # per province
    city_ids: list[str]
    city_names: list[str]
    city_province: np.ndarray        # province index per city


@dataclass(frozen=True)
class _People:
    population: str
    staff_ids: np.ndarray            # object array of str
    city: np.ndarray                 # city index
    province: np.ndarray             # province index
    am_type: np.ndarray              # index into AM_TYPES (account managers; -1 for others)
    truth: np.ndarray                # (n, n_dims) true scores
    dims: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# regions and people


def _regions(n_cities: int, n_provinces: int) -> _Regions:
    n_provinces = max(1, min(n_provinces, n_cities))
    per = np.full(n_provinces, n_cities // n_provinces)
    per[: n_cities % n_provinces] += 1
    pid = [f"p{i + 1:02d}" for i in range(n_provinces)]
    pname = [f"省{i + 1:02d}" for i in range(n_provinces)]
    cid, cname, cprov = [], [], []
    for i, k in enumerate(per):
        for j in range(int(k)):
            cid.append(f"{pid[i]}c{j + 1:02d}")
            cname.append(f"城市{i + 1:02d}{j + 1:02d}")
            cprov.append(i)
    return _Regions(pid, pname, [TEMPLATES[i % len(TEMPLATES)] for i in range(n_provinces)],
                    cid, cname, np.array(cprov))


def _allocate(n: int, weights: np.ndarray) -> np.ndarray:
    """Split ``n`` over ``weights`` (largest remainder); returns the counts."""
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def _weaknesses(regions: _Regions) -> list[dict[str, Any]]:
    """The sample's region weaknesses, moved to the province using that sample region as template."""
    out = []
    for w in REGION_WEAKNESSES:
        if w.region in TEMPLATES and TEMPLATES.index(w.region) < len(regions.province_ids):
            out.append({"region": regions.province_ids[TEMPLATES.index(w.region)], "template": w.region,
                        "population": w.population, "dimension": w.dimension, "delta": w.delta,
                        "reason": w.reason})
    return out


def _people(rng: np.random.Generator, population: str, n: int, regions: _Regions,
            province_weight: np.ndarray, weaknesses: list[dict[str, Any]]) -> _People:
    """Staff of one population: who works where, planted type and true scores."""
    city_w = np.array([_CITY_WEIGHTS[int(k) % len(_CITY_WEIGHTS)] for k in
                       _rank_within(regions.city_province)], dtype=float)
    prov_total = np.bincount(regions.city_province, weights=city_w)
    weights = province_weight[regions.city_province] * city_w / prov_total[regions.city_province]
    counts = _allocate(n, weights)
    city = np.repeat(np.arange(len(counts)), counts)
    province = regions.city_province[city]
    width = max(3, len(str(n)))
    staff = np.array([f"{_PREFIX[population]}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    am_type = np.full(n, -1, dtype=np.int64)
    if population == AM:
        profile = [t.survey for t in AM_TYPES]
        dims = tuple(AM_TYPES[0].survey)
        starts = np.r_[0, np.cumsum(np.bincount(province, minlength=len(regions.province_ids)))]
        for p in range(len(regions.province_ids)):  # balanced within each province, then shuffled
            a, b = starts[p], starts[p + 1]
            types = (int(rng.integers(len(AM_TYPES))) + np.arange(b - a)) % len(AM_TYPES)
            rng.shuffle(types)
            am_type[a:b] = types
        means = np.array([[prof[d] for d in dims] for prof in profile])[am_type]
    else:
        prof = SE_PROFILE if population == SE else SM_PROFILE
        dims = tuple(prof)
        means = np.tile(np.array([prof[d] for d in dims]), (n, 1))
    for w in weaknesses:
        if w["population"] == population and w["dimension"] in dims:
            where = province == regions.province_ids.index(w["region"])
            means[where, dims.index(w["dimension"])] += w["delta"]
    truth = means + rng.normal(0.0, PERSON_SD, means.shape)
    return _People(population, staff, city, province, am_type, truth, dims)


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each run of equal values of a sorted array."""
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))


def _region_text(rng: np.random.Generator, names: Sequence[str], idx: np.ndarray) -> np.ndarray:
    """Region names as typed: a few with an administrative suffix (``城市0101市``)."""
    base = np.asarray(names, dtype=object)[idx]
    suffixed = rng.random(len(idx)) < SUFFIXED_SHARE
    base[suffixed] = base[suffixed] + "市"
    return base


# ---------------------------------------------------------------------------------------------
# survey


def _of_type(attr: str, am_type: np.ndarray) -> np.ndarray:
    """Per account manager, the ``(mean, sd)`` of an :class:`AmType` attribute of their type."""
    return np.array([getattr(t, attr) for t in AM_TYPES])[am_type]


def _survey(rng: np.random.Generator, groups: list[_People], regions: _Regions,
            time_weak: int | None) -> list[list[str]]:
    header = survey_header()
    n_fixed = len(header) - len(BACKGROUND) - len(ITEMS)
    blocks = []
    for g in groups:
        n = len(g.staff_ids)
        age = rng.choice(len(_AGE_BANDS), size=n, p=_AGE_P[g.population])
        tenure = np.clip(np.round(rng.normal(2 + 2.5 * age, 2.0)), 1, 25).astype(int)
        attain: np.ndarray | None
        if g.population == AM:
            attain = rng.normal(*_of_type("attainment", g.am_type).T)
            visits = rng.normal(*_of_type("weekly_visits", g.am_type).T)
            share = rng.normal(*_of_type("visit_time_share", g.am_type).T)
            if time_weak is not None:  # the planted time weakness shows in the time budget too
                weak = g.province == time_weak
                share[weak] -= 12.0
                visits[weak] -= 2.0
        elif g.population == SE:
            attain, visits, share = None, rng.normal(2.5, 1.0, n), rng.normal(20.0, 6.0, n)
        else:
            attain, visits, share = rng.normal(90.0, 12.0, n), rng.normal(3.0, 1.5, n), rng.normal(25.0, 8.0, n)
        bg = {
            "age_band": np.array(_AGE_BANDS, dtype=object)[age],
            "tenure_years": tenure.astype(str).astype(object),
            "target_attainment": (np.full(n, "不适用", dtype=object) if attain is None
                                  else np.clip(np.round(attain), 30, 160).astype(int).astype(str).astype(object)),
            "weekly_visits": np.clip(np.round(visits), 0, 25).astype(int).astype(str).astype(object),
            "visit_time_share": np.clip(np.round(share / 5.0) * 5, 5, 90).astype(int).astype(str).astype(object),
        }
        block = np.empty((n, len(header)), dtype=object)
        block[:, n_fixed - 3] = g.staff_ids
        block[:, n_fixed - 2] = _region_text(rng, regions.city_names, g.city)
        block[:, n_fixed - 1] = POPULATIONS[g.population].label
        for j, (qid, _, _) in enumerate(BACKGROUND):
            block[:, n_fixed + j] = bg[qid]
        for j, item in enumerate(ITEMS):
            col = n_fixed + len(BACKGROUND) + j
            if g.population not in item.populations:
                block[:, col] = SKIPPED
                continue
            value = g.truth[:, g.dims.index(item.dimension)] + rng.normal(0.0, ITEM_SD, n)
            if item.reverse:
                value = 6.0 - value
            score = np.clip(np.rint(value), 1, 5).astype(int)
            labels = {v: k for k, v in SCALES[item.scale].items()}
            answer = np.array([labels[s] for s in range(1, 6)], dtype=object)[score - 1]
            u = rng.random(n)
            answer[u < 0.018] = "(空)"
            answer[u < 0.012] = ""
            block[:, col] = answer
        blocks.append(block)
    rows = np.concatenate(blocks)
    n = len(rows)
    # submission times: 11 days from 2008-08-18 09:00, weekends moved to the Monday after
    start = np.datetime64("2008-08-18T09:00:00", "s")
    when = start + rng.uniform(0, 11 * 24 * 3600, n).astype("timedelta64[s]")
    days = when.astype("datetime64[D]").astype(np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    when = when + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")
    when.sort()
    rows = rows[rng.permutation(n)]
    stamps = np.char.replace(np.char.replace(np.datetime_as_string(when, unit="s"), "-", "/"), "T", " ")
    rows[:, 0] = np.arange(1, n + 1).astype(str)
    rows[:, 1] = stamps
    rows[:, 2] = np.char.add(rng.integers(240, 1500, n).astype(str), "秒")
    rows[:, 3] = "链接"
    return rows.tolist()


# ---------------------------------------------------------------------------------------------
# ride-alongs


def _ride_alongs(rng: np.random.Generator, am: _People, regions: _Regions, n_visits: int,
                 time_weak: int | None, team_weak: int | None) -> list[list[str]]:
    n_am = len(am.staff_ids)
    n_obs = min(n_am, n_visits, max(1, round(OBSERVED_SHARE * n_am)))
    observed = np.sort(rng.choice(n_am, size=n_obs, replace=False))
    per = 1 + rng.multinomial(n_visits - n_obs, np.full(n_obs, 1.0 / n_obs))
    who = np.repeat(observed, per)
    kind = am.am_type[who]
    prov = am.province[who]
    tmpl_of_prov = np.array([TEMPLATES.index(t) for t in regions.template])
    tmpl = tmpl_of_prov[prov]
    days = np.array(workdays(*DATE_WINDOWS["ride_along_debrief"]), dtype="datetime64[D]")
    day = days[rng.integers(len(days), size=n_visits)]

    industries = sorted(INDUSTRIES)
    ind = rng.integers(len(industries), size=n_visits)

    # outcome and funnel step by type
    outcome_ids = sorted(OUTCOMES)
    outcome = np.empty(n_visits, dtype=np.int64)
    step = np.empty(n_visits, dtype=np.int64)
    on_site = np.empty(n_visits, dtype=np.int64)
    share = np.empty(n_visits)
    beh_ids = list(BEHAVIOURS)
    seen = np.zeros((n_visits, len(beh_ids)), dtype=bool)
    u_out = rng.random(n_visits)
    u_step = rng.random(n_visits)
    u_beh = rng.random((n_visits, len(beh_ids)))
    u_team = rng.random((n_visits, len(beh_ids)))
    for t, kt in enumerate(AM_TYPES):
        m = kind == t
        k = int(m.sum())
        names = sorted(kt.outcomes)
        cum = np.cumsum([kt.outcomes[x] for x in names])
        pos = np.minimum(np.searchsorted(cum / cum[-1], u_out[m], side="right"), len(names) - 1)
        outcome[m] = np.array([outcome_ids.index(x) for x in names])[pos]
        steps = np.array([s for s in kt.funnel_steps if s < 7] or [6])
        step[m] = np.where(outcome[m] == outcome_ids.index("won"), 7,
                           steps[(u_step[m] * len(steps)).astype(int)])
        lo, hi = kt.minutes_on_site
        on_site[m] = rng.integers(lo, hi + 1, size=k)
        share[m] = np.clip(rng.normal(*kt.question_share, size=k), 0.02, 0.9)
        for b, p in kt.behaviours.items():
            j = beh_ids.index(b)
            seen[m, j] = u_beh[m, j] < p
        most = beh_ids.index(max(kt.behaviours, key=kt.behaviours.__getitem__))
        if team_weak is not None:  # team selling is the planted weakness of one province
            for b in ("joint_visit", "identifies_decision_makers"):
                j = beh_ids.index(b)
                drop = m & (prov == team_weak) & (u_team[:, j] >= 0.4)
                seen[drop, j] = False
        none = m & ~seen.any(axis=1)
        seen[none, most] = True
    mean_sd = np.array([_TRAVEL[t] for t in TEMPLATES])[tmpl]
    travel = np.clip(np.round(rng.normal(mean_sd[:, 0], mean_sd[:, 1]) / 5) * 5, 10, 180).astype(int)

    # products: one or two of what the industry needs and the province sells
    k2 = rng.random(n_visits) >= 0.6
    r0 = rng.random(n_visits)
    r1 = rng.random(n_visits)
    products = np.empty(n_visits, dtype=object)
    first = np.empty(n_visits, dtype=object)
    for ti, template in enumerate(TEMPLATES):
        for ii, industry in enumerate(industries):
            m = (tmpl == ti) & (ind == ii)
            if not m.any():
                continue
            offer = [p for p in INDUSTRY_PRODUCTS[industry] if p in LOCAL_NAMES[template]]
            names = [local_name(template, p, industry) for p in offer]
            size = len(offer)
            i0 = (r0[m] * size).astype(int)
            i1 = (i0 + 1 + (r1[m] * max(size - 1, 1)).astype(int)) % size
            two = k2[m] & (size > 1)
            lo, hi = np.minimum(i0, i1), np.maximum(i0, i1)
            table_one = np.array(names, dtype=object)
            pair = np.array([[f"{names[a]};{names[b]}" for b in range(size)] for a in range(size)], dtype=object)
            products[m] = np.where(two, pair[lo, hi], table_one[i0])
            first[m] = np.where(two, table_one[lo], table_one[i0])

    # behaviours: one joined label text per distinct combination
    labels = [BEHAVIOURS[b].label for b in beh_ids]
    code = seen @ (1 << np.arange(len(beh_ids)))
    uniq, inverse = np.unique(code, return_inverse=True)
    joined = np.array([";".join(labels[j] for j in range(len(beh_ids)) if c >> j & 1) for c in uniq], dtype=object)
    behaviours = joined[inverse]

    # texts: purpose and observer notes from the sample's hand-written pools
    funnel_labels = [t.label for t in FUNNEL_STAGES.values()]
    industry_labels = [INDUSTRIES[i].label for i in industries]
    outcome_labels = [OUTCOMES[o].label for o in outcome_ids]
    r = rng.random((n_visits, 5))
    minutes_said = rng.random(n_visits) < 0.35
    ids = [t.id for t in AM_TYPES]
    purpose, notes = [], []
    for v in range(n_visits):
        industry = industries[ind[v]]
        nouns = CUSTOMER_NOUN[industry]
        fill = {"p": first[v], "c": nouns[int(r[v, 0] * len(nouns))], "m": str(on_site[v])}
        pool = PURPOSES[int(step[v])]
        purpose.append(pool[int(r[v, 1] * len(pool))].format_map(fill))
        ctx, conduct, closing = CONTEXT[industry], CONDUCT[ids[kind[v]]], CLOSING[outcome_ids[outcome[v]]]
        parts = [ctx[int(r[v, 2] * len(ctx))], conduct[int(r[v, 3] * len(conduct))].format_map(fill)]
        if minutes_said[v]:
            parts.append(f"在客户处共{on_site[v]}分钟。")
        parts.append(closing[int(r[v, 4] * len(closing))])
        notes.append("".join(parts))

    # sort like the sample (date, staff id), then number
    order = np.lexsort((who, day))
    width = max(3, len(str(n_visits)))
    columns = {
        "visit_id": [f"V{i:0{width}d}" for i in range(1, n_visits + 1)],
        "date": np.datetime_as_string(day[order], unit="D").tolist(),
        "region": _region_text(rng, regions.city_names, am.city[who])[order].tolist(),
        "account_manager": am.staff_ids[who][order].tolist(),
        "customer_industry": np.array(industry_labels, dtype=object)[ind][order].tolist(),
        "purpose": np.array(purpose, dtype=object)[order].tolist(),
        "products": products[order].tolist(),
        "funnel_stage": np.array(funnel_labels, dtype=object)[step - 1][order].tolist(),
        "minutes_on_site": on_site[order].astype(str).tolist(),
        "minutes_travel": travel[order].astype(str).tolist(),
        "question_share": np.char.mod("%.2f", np.round(share, 2))[order].tolist(),
        "behaviours": behaviours[order].tolist(),
        "outcome": np.array(outcome_labels, dtype=object)[outcome][order].tolist(),
        "observer_notes": np.array(notes, dtype=object)[order].tolist(),
    }
    return [list(r) for r in zip(*(columns[c] for c in RIDE_ALONG_COLUMNS))]


# ---------------------------------------------------------------------------------------------
# 360° reviews, catalogue, notes


def _reviews(rng: np.random.Generator, sm: _People, regions: _Regions) -> list[list[str]]:
    groups = list(RATER_COUNTS)
    n = len(sm.staff_ids)
    counts = np.stack([rng.integers(lo, hi + 1, size=n) for lo, hi in RATER_COUNTS.values()], axis=1)
    manager = np.repeat(np.repeat(np.arange(n), len(groups)), counts.ravel())
    group = np.repeat(np.tile(np.arange(len(groups)), n), counts.ravel())
    n_raters = len(manager)
    tokens = np.char.add("r", np.char.mod("%x", 16**5 + rng.choice(16**6 - 16**5, n_raters, replace=False)))
    leniency = rng.normal(0.0, 0.25, n_raters)
    bias = np.zeros((len(groups), len(sm.dims)))
    bias[groups.index("account_manager"), sm.dims.index("process")] = -0.2
    bias[groups.index("superior"), sm.dims.index("strategy")] = -0.2
    bias[groups.index("self"), :] = SM_SELF_INFLATION
    dim = np.array([sm.dims.index(it["dimension"]) for it in REVIEW_ITEMS])
    value = (sm.truth[manager][:, dim] + bias[group][:, dim] + leniency[:, None]
             + rng.normal(0.0, ITEM_SD, (n_raters, len(REVIEW_ITEMS))))
    score = np.clip(np.rint(value), 1, 5).astype(int).astype(str)
    k = len(REVIEW_ITEMS)
    cols = {
        "manager_id": np.repeat(sm.staff_ids[manager], k),
        "region": np.repeat(np.array(regions.city_ids, dtype=object)[sm.city[manager]], k),
        "rater_group": np.repeat(np.array(groups, dtype=object)[group], k),
        "rater_token": np.repeat(tokens, k),
        "item_id": np.tile(np.array([it["id"] for it in REVIEW_ITEMS], dtype=object), n_raters),
        "score": score.ravel(),
    }
    return [list(r) for r in zip(*(cols[c].tolist() for c in REVIEW_COLUMNS))]


def _notes(rng: np.random.Generator, groups: dict[str, _People], regions: _Regions) -> list[tuple[str, str]]:
    """A handful of interview notes: sample passages (not tied to one sample region) re-placed."""
    import re

    placeholder = re.compile(r"\{([a-z]+)\}")
    free = [p for p in PASSAGES if not p.units and p.method in ("interview", "ride_along_debrief")]
    picks = sorted(rng.choice(len(free), size=min(N_NOTES, len(free)), replace=False))
    drafts = []
    used: set[str] = set()
    for i in picks:
        passage = free[int(i)]
        g = groups[passage.population]
        fits = np.ones(len(g.staff_ids), dtype=bool)
        if passage.am_type is not None and g.population == AM:
            fits &= g.am_type == [t.id for t in AM_TYPES].index(passage.am_type)
        needed = {PLACEHOLDER_PRODUCTS[k] for k in placeholder.findall(passage.body) if k != "city"}
        sells = np.array([needed <= set(LOCAL_NAMES[t]) for t in regions.template])
        fits &= sells[g.province]
        candidates = np.flatnonzero(fits)
        if not len(candidates):
            continue
        person = int(candidates[rng.integers(len(candidates))])
        staff = str(g.staff_ids[person])
        if staff in used:
            continue
        used.add(staff)
        template = regions.template[g.province[person]]
        city = regions.city_names[g.city[person]]
        products: list[str] = []

        def fill(match: re.Match[str], template: str = template, city: str = city,
                 products: list[str] = products, industry: str | None = passage.industry) -> str:
            if match.group(1) == "city":
                return city
            name = local_name(template, PLACEHOLDER_PRODUCTS[match.group(1)], industry)
            if name not in products:
                products.append(name)
            return name

        body = placeholder.sub(fill, passage.body)
        window = workdays(*DATE_WINDOWS[passage.method])
        day = window[int(rng.integers(len(window)))]
        tags = ([INDUSTRIES[passage.industry].label] if passage.industry else []) + products + list(passage.tags)
        label = POPULATIONS[passage.population].label.removeprefix("政企")
        front = {"date": day, "region": city, "population": passage.population,
                 "interviewee": f"{label}{staff}", "method": passage.method, "tags": list(dict.fromkeys(tags))}
        drafts.append((day, passage.key, front, body))
    drafts.sort(key=lambda d: (d[0], d[1]))
    out = []
    for n, (_, _, front, body) in enumerate(drafts, start=1):
        note_id = f"N{n:03d}"
        header = yaml.safe_dump({"id": note_id, **front}, allow_unicode=True, sort_keys=False,
                                default_flow_style=None, width=1000)
        out.append((note_id, f"---\n{header}---\n{body.rstrip()}\n"))
    return out


# ---------------------------------------------------------------------------------------------
# writing


def _dumper() -> type:
    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump_yaml(path: Path, data: object) -> None:
    text = yaml.dump(data, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], *, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _parameters(n_account_managers: int, n_cities: int, n_visits: int, seed: int, n_provinces: int,
                n_support_engineers: int, n_sales_managers: int) -> dict[str, int]:
    return {"n_account_managers": n_account_managers, "n_support_engineers": n_support_engineers,
            "n_sales_managers": n_sales_managers, "n_provinces": min(n_provinces, n_cities), "n_cities": n_cities,
            "n_visits": n_visits, "seed": seed}


def _default(given: int | None, share: int) -> int:
    return max(1, share) if given is None else given


def _write(root: Path, params: dict[str, int]) -> None:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(params["seed"]).spawn(6)]
    rng_people, rng_survey, rng_visits, rng_reviews, rng_notes, rng_sizes = streams
    regions = _regions(params["n_cities"], params["n_provinces"])
    n_prov = len(regions.province_ids)
    province_weight = rng_sizes.uniform(0.5, 2.0, n_prov)  # provinces differ in size
    weaknesses = _weaknesses(regions)
    groups = {
        AM: _people(rng_people, AM, params["n_account_managers"], regions, province_weight, weaknesses),
        SE: _people(rng_people, SE, params["n_support_engineers"], regions, province_weight, weaknesses),
        SM: _people(rng_people, SM, params["n_sales_managers"], regions, province_weight, weaknesses),
    }
    time_weak = regions.template.index(_TIME_WEAK) if _TIME_WEAK in regions.template else None
    team_weak = regions.template.index(_TEAM_WEAK) if _TEAM_WEAK in regions.template else None

    manifest = {
        "bundle": "national",
        "client": "全国政企营销体系（合成基准数据）",
        "engagement": "政企客户经理能力与行为调研（全国规模基准）",
        "period": "2008-08 至 2008-10",
        "regions": [
            {"id": pid, "name": pname,
             "cities": [{"id": c, "name": n} for c, n, p in zip(regions.city_ids, regions.city_names,
                                                                 regions.city_province) if p == i]}
            for i, (pid, pname) in enumerate(zip(regions.province_ids, regions.province_names))
        ],
        "audiences": {AM: {"days": 3.0}, SE: {"days": 2.5}, SM: {"days": 3.0}},
    }
    _dump_yaml(root / "manifest.yaml", manifest)
    _dump_yaml(root / "codebook.yaml", codebook([dict(item) for item in REVIEW_ITEMS]))
    _write_csv(root / "survey" / "responses.csv", survey_header(),
               _survey(rng_survey, list(groups.values()), regions, time_weak), bom=True)
    _write_csv(root / "ride_alongs.csv", RIDE_ALONG_COLUMNS,
               _ride_alongs(rng_visits, groups[AM], regions, params["n_visits"], time_weak, team_weak))
    _write_csv(root / "reviews_360.csv", REVIEW_COLUMNS, _reviews(rng_reviews, groups[SM], regions))
    for i, (pid, template) in enumerate(zip(regions.province_ids, regions.template)):
        rows = catalogue_rows(template, i)
        _write_csv(root / "catalogue" / f"{pid}.csv", CATALOGUE_COLUMNS,
                   ([r[c] for c in CATALOGUE_COLUMNS] for r in rows))
    (root / "notes").mkdir()
    for note_id, text in _notes(rng_notes, groups, regions):
        (root / "notes" / f"{note_id}.md").write_text(text, encoding="utf-8")

    am = groups[AM]
    type_ids = [t.id for t in AM_TYPES]
    truth = {
        "generator": GENERATOR_MARK,
        "seed": params["seed"],
        "parameters": params,
        "note": "Test-only answer key of the national benchmark bundle; casekit ignores files starting with '_'.",
        "templates": dict(zip(regions.province_ids, regions.template)),
        "account_manager_types": [
            {"id": t.id, "label": t.label, "description": t.description, "survey_profile": dict(t.survey)}
            for t in AM_TYPES
        ],
        "region_weaknesses": weaknesses,
        "reviews_360": {"self_inflation": SM_SELF_INFLATION, "weakest_dimension": "process"},
        "account_manager_type_of": dict(zip(am.staff_ids.tolist(), (type_ids[t] for t in am.am_type))),
    }
    _dump_yaml(root / "_ground_truth.yaml", truth)


def _mark_of(path: Path) -> dict[str, Any] | None:
    """``generator`` and ``parameters`` of a bundle written here (None when not ours), read fast."""
    truth = path / "_ground_truth.yaml"
    try:
        with truth.open(encoding="utf-8") as fh:
            head = "".join(line for _, line in zip(range(20), fh))
        data = yaml.safe_load(head.split("\nnote:", 1)[0])
    except (OSError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == GENERATOR_MARK else None


def write_national_bundle(root: Path, n_account_managers: int = 20_000, n_cities: int = 300,
                          n_visits: int = 200_000, seed: int = DEFAULT_SEED, *, n_provinces: int = 30,
                          n_support_engineers: int | None = None, n_sales_managers: int | None = None,
                          force: bool = False) -> Path:
    """Write the national-scale synthetic bundle into ``root`` and return ``root``.

    Parameters
    ----------
    root : Path
        Folder to write; created if absent, replaced if empty or written earlier by this module
        (its ``_ground_truth.yaml`` says ``generator: benchmarks.national_bundle``). The bundle
        is built in a temporary folder beside ``root`` and renamed into place.
    n_account_managers : int, default 20,000
        Account managers (each answers the questionnaire; types balanced per province).
    n_cities : int, default 300
        Cities, spread evenly over ``n_provinces`` provinces (ids ``p01``, ``p01c01`` …).
    n_visits : int, default 200,000
        Ride-along rows, over 80 % of the account managers (each of those at least once).
    seed : int, default 2026
        Seed; the same parameters always give byte-identical files.
    n_provinces : int, default 30
        Top-level regions.
    n_support_engineers, n_sales_managers : int, optional
        Default: a tenth and three fortieths of the account managers (2,000 and 1,500), at least 1.
    force : bool, default False
        Replace ``root`` whatever it holds.

    Returns
    -------
    Path
        ``root``.

    Raises
    ------
    NationalBundleError
        If ``root`` holds something else and ``force`` is False.
    """
    root = Path(root)
    params = _parameters(n_account_managers, n_cities, n_visits, seed, n_provinces,
                         _default(n_support_engineers, n_account_managers // 10),
                         _default(n_sales_managers, n_account_managers * 3 // 40))
    if min(params["n_account_managers"], params["n_sales_managers"], params["n_visits"], n_cities) < 1:
        raise ValueError("need at least one city, account manager, sales manager and visit")
    if root.exists() and not force and any(root.iterdir()) and _mark_of(root) is None:
        raise NationalBundleError(f"{str(root)!r} exists and is not a bundle written by {GENERATOR_MARK}; "
                                  "refusing to replace it (pass force=True)")
    root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{root.name}.tmp-", dir=root.parent))
    work.chmod(0o755)
    try:
        _write(work, params)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if root.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{root.name}.old-", dir=root.parent))
        root.rename(old / root.name)
        work.rename(root)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(root)
    return root


def national_bundle(root: Path, **parameters: Any) -> Path:
    """Return ``root`` holding the national bundle of ``parameters``, writing it only if needed.

    A bundle written earlier with the same parameters (read from its ``_ground_truth.yaml``) is
    reused; otherwise :func:`write_national_bundle` (re)writes it. ``parameters`` are those of
    :func:`write_national_bundle` (except ``force``).
    """
    root = Path(root)
    mark = _mark_of(root) if root.exists() else None
    defaults = {"n_account_managers": 20_000, "n_cities": 300, "n_visits": 200_000, "seed": DEFAULT_SEED,
                "n_provinces": 30, "n_support_engineers": None, "n_sales_managers": None}
    args = {**defaults, **parameters}
    nam = args["n_account_managers"]
    wanted = _parameters(nam, args["n_cities"], args["n_visits"], args["seed"], args["n_provinces"],
                         _default(args["n_support_engineers"], nam // 10),
                         _default(args["n_sales_managers"], nam * 3 // 40))
    if mark is not None and mark.get("parameters") == wanted:
        return root
    return write_national_bundle(root, **args)


# ---------------------------------------------------------------------------------------------


def _summary(root: Path) -> str:
    sizes = {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*") if p.is_file()}
    big = ("survey/responses.csv", "ride_alongs.csv", "reviews_360.csv", "_ground_truth.yaml")
    parts = [f"{k} {sizes[k] / 1e6:.1f} MB" for k in big if k in sizes]
    return f"{root}: {', '.join(parts)}; {sum(sizes.values()) / 1e6:.1f} MB in {len(sizes)} files"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if written here before)")
    parser.add_argument("--account-managers", type=int, default=20_000)
    parser.add_argument("--cities", type=int, default=300)
    parser.add_argument("--provinces", type=int, default=30)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="replace OUT whatever it holds")
    parser.add_argument("--measure-load", action="store_true",
                        help="then time casekit.intake.load_bundle(OUT) in a fresh process")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    write_national_bundle(args.out, args.account_managers, args.cities, args.visits, args.seed,
                          n_provinces=args.provinces, force=args.force)
    print(f"written in {time.perf_counter() - start:.1f} s -- {_summary(args.out)}", file=sys.stderr)
    if args.measure_load:
        seconds, peak = measure("casekit.intake:load_bundle", str(args.out.resolve()), imports=("pandas",))
        print(f"load_bundle: {seconds:.2f} s, peak RSS {peak:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
