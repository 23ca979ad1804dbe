"""The sample's follow-up after the course (``followup/``, ``docs/followup.md``) with planted change.

The course (2008-11-10 to 2008-11-14) trained the account managers of 北京, 天津, 河北 and 南宁;
山东's account managers were not trained and are the comparison group. Three months later one
follow-up wave (``w1``, February 2009) repeated the questionnaire and the ride-alongs and collected
the sales managers' coaching log; the course's reaction sheets, the knowledge quiz before and after
it and nine months of sales (six before, three after) complete the four Kirkpatrick levels.

What is planted (and written to the ``followup:`` section of ``_ground_truth.yaml``):

* **Behaviour changed in 北京 and 河北 only**: among trainees who took the course up, asks_needs
  and agrees_next_step are seen more often, price_first less often (:data:`BEHAVIOUR_CHANGES`),
  the question share rises (:data:`QUESTION_SHARE_SHIFT`), the questionnaire's ``sales`` dimension
  rises, sales rise beyond the trend (:data:`SALES_GAIN`) and the sales managers coach more.
* **天津: knowledge only**: the questionnaire's ``product`` dimension rises; behaviour, sales and
  coaching are as before.
* **南宁: trained, nothing changed**; 山东 (untrained): nothing but the sales trend everybody has.
* Everything else is drawn exactly as at baseline: a behaviour, dimension or region not named
  above has the baseline's generating probabilities and means.
* A few trainees of the changed regions changed nothing (``non_adopters``, Brinkerhoff's
  unsuccessful cases, little coaching); reaction sheets and the quiz gain are as good in every
  trained region (level 1 and 2 say nothing about level 3).
* One behaviour (:data:`UNRELIABLE_BEHAVIOUR`) is recorded with poor agreement by the second
  observer of the visits recorded twice; the others agree well.
* Attrition: two trainees left the company after the course (missing from the wave and from sales
  after it), a few more miss the questionnaire, a different few the ride-alongs, one left the
  course early (no reaction sheet, no quiz after it).

Everything is drawn from one :class:`numpy.random.SeedSequence` of its own (a child of the
bundle's seed that the baseline does not use), so the baseline files do not change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

import numpy as np

from casekit.domain import BEHAVIOURS, POPULATION_DIMENSIONS
from casekit.sample.notes import workdays
from casekit.sample.people import Person
from casekit.sample.planted import am_type_of
from casekit.sample.questionnaire import BACKGROUND, ID_COLUMNS, survey_header, survey_rows
from casekit.sample.regions import REGIONS
from casekit.sample.ride_alongs import RIDE_ALONG_COLUMNS, SentencePool, Visit, draw_visit, visit_row
from casekit.sample.scenarios import Scenario

__all__ = [
    "BEHAVIOUR_CHANGES",
    "COACHING_COLUMNS",
    "COURSE",
    "DIMENSION_CHANGES",
    "FOLLOWUP_RIDE_ALONG_COLUMNS",
    "QUESTION_SHARE_SHIFT",
    "QUIZ_COLUMNS",
    "QUIZ_MAX_SCORE",
    "REACTION_ITEMS",
    "SALES_AFTER_MONTHS",
    "SALES_BASELINE_MONTHS",
    "SALES_COLUMNS",
    "SALES_GAIN",
    "SALES_TREND_PER_MONTH",
    "TRAINED_REGIONS",
    "UNRELIABLE_BEHAVIOUR",
    "UNTRAINED_REGIONS",
    "WAVE",
    "BehaviourChange",
    "DimensionChange",
    "FollowUpSample",
    "Table",
    "build_followup",
]

AM = "account_manager"

#: The course: name, first and last day (``course:`` of ``followup/waves.yaml``).
COURSE: Mapping[str, object] = MappingProxyType(
    {"name": "转型业务营销培训", "start": date(2008, 11, 10), "end": date(2008, 11, 14)}
)
#: The one follow-up wave: id, label, fieldwork period.
WAVE: Mapping[str, object] = MappingProxyType(
    {"id": "w1", "label": "培训后三个月回访", "start": date(2009, 2, 1), "end": date(2009, 2, 28)}
)

#: Regions whose account managers attended the course, and the untrained comparison group.
TRAINED_REGIONS: tuple[str, ...] = ("beijing", "tianjin", "hebei", "nanning")
UNTRAINED_REGIONS: tuple[str, ...] = ("shandong",)

#: The class each trained region's account managers attended (河北 in two classes).
_COHORTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"beijing": ("京津班",), "tianjin": ("京津班",), "hebei": ("河北一班", "河北二班"), "nanning": ("南宁班",)}
)
#: Course days of a full attendance (the manifest's account-manager days; 河北's own budget).
_FULL_DAYS: Mapping[str, float] = MappingProxyType(
    {"beijing": 3.0, "tianjin": 3.0, "hebei": 3.5, "nanning": 3.0}
)


@dataclass(frozen=True)
class BehaviourChange:
    """A planted change of one ride-along behaviour among one region's trainees.

    Parameters
    ----------
    region : str
        Top-level region id.
    behaviour : str
        Behaviour id (``casekit.domain.BEHAVIOURS``).
    direction : int
        +1: seen more often after the course; −1: less often.
    size : float
        Share of the way moved: up, a rate ``p`` becomes ``p + size · (1 − p)``; down,
        ``p · (1 − size)`` (for a trainee who took the course up).
    """

    region: str
    behaviour: str
    direction: int
    size: float

    def rate_after(self, rate: float) -> float:
        """Return the behaviour's rate per visit after the course, given the rate before it.

        Parameters
        ----------
        rate : float
            Probability of the behaviour in one visit before the course.

        Returns
        -------
        float
        """
        if self.direction > 0:
            return rate + self.size * (1.0 - rate)
        return rate * (1.0 - self.size)


@dataclass(frozen=True)
class DimensionChange:
    """A planted change of one questionnaire dimension's true score among one region's trainees.

    Parameters
    ----------
    region : str
        Top-level region id.
    dimension : str
        Account-manager dimension id.
    delta : float
        Added to the true score (1–5 scale) of a trainee who took the course up.
    """

    region: str
    dimension: str
    delta: float


BEHAVIOUR_CHANGES: tuple[BehaviourChange, ...] = (
    BehaviourChange("beijing", "asks_needs", +1, 0.9),
    BehaviourChange("beijing", "price_first", -1, 0.9),
    BehaviourChange("beijing", "agrees_next_step", +1, 0.85),
    BehaviourChange("hebei", "asks_needs", +1, 0.9),
    BehaviourChange("hebei", "price_first", -1, 0.9),
    BehaviourChange("hebei", "agrees_next_step", +1, 0.85),
)
DIMENSION_CHANGES: tuple[DimensionChange, ...] = (
    DimensionChange("beijing", "sales", 1.0),
    DimensionChange("hebei", "sales", 1.0),
    DimensionChange("tianjin", "product", 0.8),
)
#: Added to the mean question share of a visit (trainees who took the course up).
QUESTION_SHARE_SHIFT: Mapping[str, float] = MappingProxyType({"beijing": 0.2, "hebei": 0.2})
#: Extra target attainment (points of %) after the course, beyond the trend.
SALES_GAIN: Mapping[str, float] = MappingProxyType({"beijing": 10.0, "hebei": 10.0})
#: Secular trend of target attainment, points of % per month, for everybody (trained or not).
SALES_TREND_PER_MONTH: float = 0.8
#: Month-to-month noise of one person's attainment (sd, points of %).
_SALES_NOISE_SD: float = 5.0
SALES_BASELINE_MONTHS: tuple[str, ...] = ("2008-05", "2008-06", "2008-07", "2008-08", "2008-09", "2008-10")
SALES_AFTER_MONTHS: tuple[str, ...] = ("2009-01", "2009-02", "2009-03")

#: Share of the trainees of a changed region who changed nothing.
_NON_ADOPTER_SHARE: float = 0.12
_N_LEFT_COMPANY: int = 2
_N_SURVEY_MISSING: int = 5
_N_RIDE_MISSING: int = 5
_N_SHORT_ATTENDANCE: int = 4
_N_LEFT_COURSE: int = 1

#: Reaction items (``followup/reaction.csv``): id, Chinese label (the file's header), true mean.
REACTION_ITEMS: tuple[tuple[str, str, float], ...] = (
    ("satisfaction", "整体满意度", 4.4),
    ("relevance", "与工作的相关性", 4.1),
    ("trainer", "讲师表现", 4.5),
    ("confidence", "应用信心", 3.9),
    ("commitment", "应用意愿", 4.1),
)
_REACTION_PERSON_SD: float = 0.35
_REACTION_ITEM_SD: float = 0.55
_REACTION_BLANK: float = 0.02
_REACTION_COMMENT: float = 0.35
_COMMENTS: tuple[str, ...] = (
    "案例都是身边的客户，很实用。",
    "角色扮演很有收获，希望多练几次。",
    "时间太紧，销售工具表没来得及练。",
    "希望回去后领导也能一起用销售工具表。",
    "讲师讲得很生动，就是内容有点多。",
    "先问再讲的方法以前没想过，回去试试。",
    "希望增加产品组合方案的内容。",
    "酒店和超市的案例最有用。",
    "培训安排在月中，手上的项目压力大。",
    "希望培训后有人跟进辅导。",
    "行业知识部分讲得透，产品部分可以再细一些。",
)

QUIZ_MAX_SCORE: int = 20
#: Mean and sd of the quiz gain (points), the same in every trained region.
_QUIZ_GAIN: tuple[float, float] = (6.0, 2.0)

#: Observers of the follow-up ride-alongs, and how many visits each observed account manager gets.
_OBSERVERS: tuple[str, ...] = ("O1", "O2", "O3", "O4")
_VISITS_PER_PERSON: int = 2
#: Share of visits recorded a second time by another observer.
_DOUBLE_SHARE: float = 0.15
#: Second observer of a reliably recorded behaviour: keeps a seen one, adds an unseen one.
_RELIABLE_KEEP: float = 0.985
_RELIABLE_ADD: float = 0.005
#: The behaviour observers disagree on: the second observer's record is the first's with this
#: probability, otherwise a guess seeing it with :data:`_GUESS_RATE` (Cohen's κ ≈ 0.2).
UNRELIABLE_BEHAVIOUR: str = "customer_language"
_UNRELIABLE_COPY: float = 0.25
_GUESS_RATE: float = 0.45
_QUESTION_SHARE_OBSERVER_SD: float = 0.03

#: Coaching in the wave's four weeks: joint visits (Poisson mean) and weekly reviews
#: (probability per week), for trainees who changed in a changed region and for everyone else.
_COACHING_CHANGED: tuple[float, float] = (4.0, 0.85)
_COACHING_USUAL: tuple[float, float] = (1.0, 0.25)
_WEEKS: int = 4

COACHING_COLUMNS: tuple[str, ...] = ("person_id", "joint_visits", "weekly_reviews")
QUIZ_COLUMNS: tuple[str, ...] = ("person_id", "phase", "score", "max_score")
SALES_COLUMNS: tuple[str, ...] = ("person_id", "month", "value")
FOLLOWUP_RIDE_ALONG_COLUMNS: tuple[str, ...] = (*RIDE_ALONG_COLUMNS, "observer")
_TRAINEE_COLUMNS: tuple[str, ...] = ("person_id", "cohort", "attended_days")


@dataclass(frozen=True)
class Table:
    """One CSV file of the follow-up: header and rows (all cells text)."""

    header: tuple[str, ...]
    rows: list[list[str]]
    bom: bool = False


@dataclass(frozen=True)
class FollowUpSample:
    """Everything the generator writes for the follow-up.

    Parameters
    ----------
    waves : dict
        The content of ``followup/waves.yaml``.
    tables : dict of str to Table
        Path relative to the bundle (``followup/trainees.csv`` …) → its table.
    truth : dict
        The ``followup:`` section of ``_ground_truth.yaml``.
    """

    waves: dict
    tables: dict[str, Table]
    truth: dict


def _pick(rng: np.random.Generator, pool: Sequence[str], k: int) -> list[str]:
    """``k`` ids of ``pool`` (sorted), drawn without replacement."""
    k = min(k, len(pool))
    return sorted(pool[int(i)] for i in rng.choice(len(pool), size=k, replace=False))


def _changed_regions() -> tuple[str, ...]:
    regions = {c.region for c in BEHAVIOUR_CHANGES} | {c.region for c in DIMENSION_CHANGES}
    return tuple(r.id for r in REGIONS if r.id in regions)


def _behaviour_rates(person: Person, adopter: bool) -> dict[str, float]:
    """The person's behaviour rates per visit after the course."""
    rates = dict(am_type_of(person.am_type).behaviours)
    if adopter:
        for change in BEHAVIOUR_CHANGES:
            if change.region == person.region:
                rates[change.behaviour] = change.rate_after(rates.get(change.behaviour, 0.0))
    return rates


def _people(trainees: list[Person], rng: np.random.Generator) -> dict[str, list[str]]:
    """Who changed nothing, who left, who is missing where (lists of staff ids)."""
    groups: dict[str, list[str]] = {"non_adopters": []}
    for region in _changed_regions():
        members = [p.staff_id for p in trainees if p.region == region]
        k = max(1, int(round(_NON_ADOPTER_SHARE * len(members))))
        groups["non_adopters"] += _pick(rng, members, k)
    ids = [p.staff_id for p in trainees]
    free = [i for i in ids if i not in groups["non_adopters"]]
    groups["left_company"] = _pick(rng, free, _N_LEFT_COMPANY)
    staying = [i for i in ids if i not in groups["left_company"]]
    groups["left_course"] = _pick(rng, [i for i in staying if i in free], _N_LEFT_COURSE)
    rest = [i for i in staying if i not in groups["left_course"]]
    groups["short_attendance"] = _pick(rng, rest, _N_SHORT_ATTENDANCE)
    groups["survey_only"] = _pick(rng, staying, _N_SURVEY_MISSING)
    groups["ride_only"] = _pick(rng, [i for i in staying if i not in groups["survey_only"]], _N_RIDE_MISSING)
    return groups


def _trainee_rows(trainees: list[Person], groups: dict[str, list[str]]) -> list[list[str]]:
    rows = []
    by_region: dict[str, list[Person]] = {}
    for person in trainees:
        by_region.setdefault(person.region, []).append(person)
    for person in trainees:
        cohorts = _COHORTS[person.region]
        mates = by_region[person.region]
        cohort = cohorts[mates.index(person) * len(cohorts) // len(mates)]
        days = _FULL_DAYS[person.region]
        if person.staff_id in groups["left_course"]:
            days = 1.5
        elif person.staff_id in groups["short_attendance"]:
            days -= 1.0
        rows.append([person.staff_id, cohort, f"{days:g}"])
    return rows


def _reaction_rows(
    trainees: list[Person], groups: dict[str, list[str]], rng: np.random.Generator
) -> list[list[str]]:
    rows = []
    for person in trainees:
        if person.staff_id in groups["left_course"]:
            continue
        effect = rng.normal(0.0, _REACTION_PERSON_SD)
        row = [person.staff_id]
        for _, _, mean in REACTION_ITEMS:
            score = int(np.clip(np.rint(rng.normal(mean + effect, _REACTION_ITEM_SD)), 1, 5))
            row.append("" if rng.random() < _REACTION_BLANK else str(score))
        row.append(_COMMENTS[int(rng.integers(len(_COMMENTS)))] if rng.random() < _REACTION_COMMENT else "")
        rows.append(row)
    return rows


def _quiz_rows(
    trainees: list[Person],
    truths: Mapping[str, Mapping[str, float]],
    groups: dict[str, list[str]],
    rng: np.random.Generator,
) -> list[list[str]]:
    rows = []
    for person in trainees:
        truth = truths[person.staff_id]
        skill = float(np.mean([truth[d] for d in ("product", "industry", "sales", "customer")]))
        pre = int(np.clip(np.rint(rng.normal(8.0 + 3.0 * (skill - 3.0), 2.0)), 1, QUIZ_MAX_SCORE - 2))
        post = int(np.clip(np.rint(pre + rng.normal(*_QUIZ_GAIN)), 0, QUIZ_MAX_SCORE))
        rows.append([person.staff_id, "pre", str(pre), str(QUIZ_MAX_SCORE)])
        if person.staff_id not in groups["left_course"]:
            rows.append([person.staff_id, "post", str(post), str(QUIZ_MAX_SCORE)])
    return rows


def _month_index(month: str) -> int:
    year, mon = (int(x) for x in month.split("-"))
    return (year - 2008) * 12 + mon - 5  # months since 2008-05


def _sales(
    ams: list[Person],
    attainment: Mapping[str, float],
    adopters: set[str],
    groups: dict[str, list[str]],
    rng: np.random.Generator,
) -> dict[str, dict[str, float]]:
    """Staff id → month → target attainment (%), rounded to one decimal."""
    centre = (len(SALES_BASELINE_MONTHS) - 1) / 2.0
    values: dict[str, dict[str, float]] = {}
    for person in ams:
        months = {}
        for month in SALES_BASELINE_MONTHS + SALES_AFTER_MONTHS:
            after = month in SALES_AFTER_MONTHS
            noise = rng.normal(0.0, _SALES_NOISE_SD)  # drawn for every month: streams stay aligned
            if after and person.staff_id in groups["left_company"]:
                continue
            value = attainment[person.staff_id] + SALES_TREND_PER_MONTH * (_month_index(month) - centre)
            if after and person.staff_id in adopters:
                value += SALES_GAIN.get(person.region, 0.0)
            months[month] = round(float(np.clip(value + noise, 20.0, 200.0)), 1)
        values[person.staff_id] = months
    return values


def _second_record(visit: Visit, rng: np.random.Generator, pool: SentencePool) -> Visit:
    """The same visit as recorded by a second observer."""
    seen = set(visit.behaviours)
    second = []
    for behaviour in BEHAVIOURS:
        if behaviour == UNRELIABLE_BEHAVIOUR:
            copy = rng.random() < _UNRELIABLE_COPY
            guess = rng.random() < _GUESS_RATE
            has = (behaviour in seen) if copy else guess
        elif behaviour in seen:
            has = rng.random() < _RELIABLE_KEEP
        else:
            has = rng.random() < _RELIABLE_ADD
        if has:
            second.append(behaviour)
    behaviours = tuple(sorted(second))
    share = float(np.clip(round(visit.question_share + rng.normal(0.0, _QUESTION_SHARE_OBSERVER_SD), 2), 0.02, 0.9))
    notes = draw_visit(
        visit.person, visit.day, rng, pool,
        industry=visit.industry, products=visit.products, funnel_step=visit.funnel_step,
        behaviours=behaviours or visit.behaviours, outcome=visit.outcome,
        minutes_on_site=visit.minutes_on_site, describe_by_behaviours=True,
    ).observer_notes
    return dataclasses.replace(visit, behaviours=behaviours, question_share=share, observer_notes=notes)


def _ride_alongs(
    observed: list[Person],
    adopters: set[str],
    rng: np.random.Generator,
    rng_double: np.random.Generator,
) -> tuple[list[list[str]], list[str]]:
    """Rows of ``ride_alongs.csv`` and the ids of the visits recorded twice."""
    days = workdays(date(2009, 2, 2), date(2009, 2, 27))
    pool = SentencePool(rng)
    visits: list[Visit] = []
    for person in observed:
        adopter = person.staff_id in adopters
        taken: set[date] = set()
        for _ in range(_VISITS_PER_PERSON):
            day = days[int(rng.integers(len(days)))]
            while day in taken:
                day = days[int(rng.integers(len(days)))]
            taken.add(day)
            visits.append(draw_visit(
                person, day, rng, pool,
                behaviour_rates=_behaviour_rates(person, adopter),
                question_shift=QUESTION_SHARE_SHIFT.get(person.region, 0.0) if adopter else 0.0,
                describe_by_behaviours=adopter,
            ))
    visits.sort(key=lambda v: (v.day, v.person.staff_id))
    n_double = int(round(_DOUBLE_SHARE * len(visits)))
    double = {int(i) for i in rng_double.choice(len(visits), size=n_double, replace=False)}
    second_pool = SentencePool(rng_double)
    rows: list[list[str]] = []
    double_ids: list[str] = []
    for i, visit in enumerate(visits):
        vid = f"W1V{i + 1:03d}"
        first = int(rng_double.integers(len(_OBSERVERS)))
        row = visit_row(vid, visit)
        rows.append([row[c] for c in RIDE_ALONG_COLUMNS] + [_OBSERVERS[first]])
        if i in double:
            other = (first + 1 + int(rng_double.integers(len(_OBSERVERS) - 1))) % len(_OBSERVERS)
            again = visit_row(vid, _second_record(visit, rng_double, second_pool))
            rows.append([again[c] for c in RIDE_ALONG_COLUMNS] + [_OBSERVERS[other]])
            double_ids.append(vid)
    return rows, double_ids


def _coaching_rows(
    ams: list[Person], adopters: set[str], groups: dict[str, list[str]], rng: np.random.Generator
) -> list[list[str]]:
    behaviour_regions = {c.region for c in BEHAVIOUR_CHANGES}
    rows = []
    for person in ams:
        changed = person.staff_id in adopters and person.region in behaviour_regions
        mean, weekly = _COACHING_CHANGED if changed else _COACHING_USUAL
        joint = int(rng.poisson(mean))
        reviews = int(rng.binomial(_WEEKS, weekly))
        if person.staff_id in groups["left_company"]:
            continue
        rows.append([person.staff_id, str(joint), str(reviews)])
    return rows


def _mean_rates(people: list[Person], adopters: set[str], behaviour: str) -> tuple[float, float]:
    before = [am_type_of(p.am_type).behaviours.get(behaviour, 0.0) for p in people]
    after = [_behaviour_rates(p, p.staff_id in adopters).get(behaviour, 0.0) for p in people]
    return round(float(np.mean(before)), 3), round(float(np.mean(after)), 3)


def _truth(
    ams: list[Person],
    trainees: list[Person],
    adopters: set[str],
    groups: dict[str, list[str]],
    missing: dict[str, list[str]],
    double_ids: list[str],
) -> dict:
    changes: list[dict] = []
    for change in BEHAVIOUR_CHANGES:
        members = [p for p in trainees if p.region == change.region]
        before, after = _mean_rates(members, adopters, change.behaviour)
        changes.append({
            "measure": "behaviour", "id": change.behaviour, "region": change.region,
            "direction": "up" if change.direction > 0 else "down", "size": change.size,
            "rate_before": before, "rate_after": after,
        })
    for region, shift in QUESTION_SHARE_SHIFT.items():
        changes.append({"measure": "question_share", "id": "question_share", "region": region,
                        "direction": "up", "size": shift})
    for dim in DIMENSION_CHANGES:
        changes.append({"measure": "survey_dimension", "id": dim.dimension, "region": dim.region,
                        "direction": "up" if dim.delta > 0 else "down", "size": dim.delta})
    for region, gain in SALES_GAIN.items():
        changes.append({"measure": "sales", "id": "target_attainment", "region": region,
                        "direction": "up", "size": gain})
    regions = [r.id for r in REGIONS]
    dimensions = list(POPULATION_DIMENSIONS[AM])
    behaviour_regions = {c.region for c in BEHAVIOUR_CHANGES}
    return {
        "course": {k: str(v) for k, v in COURSE.items()},
        "wave": {k: str(v) for k, v in WAVE.items()},
        "trained_regions": list(TRAINED_REGIONS),
        "untrained_regions": list(UNTRAINED_REGIONS),
        "n_trainees": len(trainees),
        "n_untrained": len(ams) - len(trainees),
        "planted_changes": changes,
        "untouched": {
            "behaviours": {
                r: [b for b in BEHAVIOURS
                    if not any(c.region == r and c.behaviour == b for c in BEHAVIOUR_CHANGES)]
                for r in regions
            },
            "survey_dimensions": {
                r: [d for d in dimensions
                    if not any(c.region == r and c.dimension == d for c in DIMENSION_CHANGES)]
                for r in regions
            },
            "question_share": [r for r in regions if r not in QUESTION_SHARE_SHIFT],
            "sales_beyond_trend": [r for r in regions if r not in SALES_GAIN],
        },
        "sales_trend_per_month": SALES_TREND_PER_MONTH,
        "non_adopters": groups["non_adopters"],
        "coaching": {
            "more_coaching": [r.id for r in REGIONS if r.id in behaviour_regions],
            "joint_visits_mean": {"changed": _COACHING_CHANGED[0], "others": _COACHING_USUAL[0]},
            "weekly_review_rate": {"changed": _COACHING_CHANGED[1], "others": _COACHING_USUAL[1]},
        },
        "reaction": {
            "same_in_every_trained_region": True,
            "means": {item: mean for item, _, mean in REACTION_ITEMS},
        },
        "quiz": {"max_score": QUIZ_MAX_SCORE, "gain_mean": _QUIZ_GAIN[0],
                 "same_in_every_trained_region": True},
        "observer_agreement": {
            "unreliable_behaviour": UNRELIABLE_BEHAVIOUR,
            "expected_kappa": 0.2,
            "double_recorded_visits": double_ids,
        },
        "left_company": groups["left_company"],
        "left_course_early": groups["left_course"],
        "missing": missing,
    }


def build_followup(
    roster: Sequence[Person],
    truths: Mapping[str, Mapping[str, float]],
    baseline_survey: Sequence[Sequence[str]],
    seed_sequence: np.random.SeedSequence,
    scenario: Scenario,
) -> FollowUpSample:
    """Draw the sample's follow-up after the course (``followup/``) with its planted change.

    Parameters
    ----------
    roster : sequence of Person
        The baseline's staff (only account managers are trained and followed up).
    truths : mapping
        Staff id → baseline true dimension scores (:func:`casekit.sample.questionnaire.true_scores`).
    baseline_survey : sequence of rows
        The baseline questionnaire's data rows (:func:`casekit.sample.questionnaire.survey_rows`):
        each account manager's sales before the course centre on their answer to the target
        attainment question.
    seed_sequence : numpy.random.SeedSequence
        The follow-up's own seed sequence (one child per concept is spawned from it).
    scenario : Scenario
        The bundle's scenario (regional colour of the ride-alongs and the questionnaire).

    Returns
    -------
    FollowUpSample
        ``followup/waves.yaml``'s content, every CSV by its path in the bundle, and the ``followup:``
        section of the ground truth.
    """
    (rng_people, rng_reaction, rng_quiz, rng_sales, rng_survey,
     rng_visits, rng_double, rng_coaching) = (np.random.default_rng(s) for s in seed_sequence.spawn(8))
    ams = [p for p in roster if p.population == AM]
    trainees = [p for p in ams if p.region in TRAINED_REGIONS]
    groups = _people(trainees, rng_people)
    changed = set(_changed_regions())
    adopters = {p.staff_id for p in trainees if p.region in changed and p.staff_id not in groups["non_adopters"]}

    header = survey_header()
    id_col = header.index(ID_COLUMNS["respondent_id"])
    attain_col = header.index(next(c for i, c, _ in BACKGROUND if i == "target_attainment"))
    attainment = {row[id_col]: float(row[attain_col]) for row in baseline_survey if row[id_col].startswith("AM")}
    # a person's age band and tenure do not change in six months: the wave repeats the baseline's
    fixed_cols = [header.index(c) for i, c, _ in BACKGROUND if i in ("age_band", "tenure_years")]
    fixed = {row[id_col]: [row[c] for c in fixed_cols] for row in baseline_survey}
    sales = _sales(ams, attainment, adopters, groups, rng_sales)

    survey_missing = sorted(groups["left_company"] + groups["survey_only"])
    ride_missing = sorted(groups["left_company"] + groups["ride_only"])
    respondents = [p for p in ams if p.staff_id not in survey_missing]
    truths_after: dict[str, dict[str, float]] = {}
    for person in respondents:
        after = dict(truths[person.staff_id])
        if person.staff_id in adopters:
            for change in DIMENSION_CHANGES:
                if change.region == person.region:
                    after[change.dimension] += change.delta
        truths_after[person.staff_id] = after
    survey = survey_rows(respondents, truths_after, rng_survey, scenario,
                         start=datetime(2009, 2, 2, 9, 0, 0), days=12)
    for row in survey:  # the attainment they report is that of the months since the course
        for col, value in zip(fixed_cols, fixed[row[id_col]]):
            row[col] = value
        months = sales[row[id_col]]
        row[attain_col] = str(int(np.clip(round((months["2009-01"] + months["2009-02"]) / 2), 30, 160)))

    observed = [p for p in ams if p.staff_id not in ride_missing]
    ride_rows, double_ids = _ride_alongs(observed, adopters, rng_visits, rng_double)

    wave = str(WAVE["id"])
    tables = {
        "followup/trainees.csv": Table(_TRAINEE_COLUMNS, _trainee_rows(trainees, groups)),
        "followup/reaction.csv": Table(
            ("person_id", *(label for _, label, _ in REACTION_ITEMS), "comment"),
            _reaction_rows(trainees, groups, rng_reaction),
        ),
        "followup/quiz.csv": Table(QUIZ_COLUMNS, _quiz_rows(trainees, truths, groups, rng_quiz)),
        "followup/sales.csv": Table(SALES_COLUMNS, [
            [pid, month, f"{value:.1f}"] for pid, months in sales.items() for month, value in months.items()
        ]),
        f"followup/{wave}/survey/responses.csv": Table(tuple(header), survey, bom=True),
        f"followup/{wave}/ride_alongs.csv": Table(FOLLOWUP_RIDE_ALONG_COLUMNS, ride_rows),
        f"followup/{wave}/coaching.csv": Table(COACHING_COLUMNS, _coaching_rows(ams, adopters, groups, rng_coaching)),
    }
    missing = {
        "survey": survey_missing,
        "ride_alongs": ride_missing,
        "coaching": list(groups["left_company"]),
        "sales_after": list(groups["left_company"]),
        "reaction": list(groups["left_course"]),
        "quiz_post": list(groups["left_course"]),
    }
    waves = {
        "course": dict(COURSE),
        "selection": "all",
        "waves": [dict(WAVE)],
    }
    return FollowUpSample(
        waves=waves,
        tables=tables,
        truth=_truth(ams, trainees, adopters, groups, missing, double_ids),
    )
