"""The ride-along log (``ride_alongs.csv``): one row per observed customer visit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from casekit.domain import BEHAVIOURS, FUNNEL_STAGES, INDUSTRIES, OUTCOMES
from casekit.sample.catalogue import LOCAL_NAMES, local_name
from casekit.sample.notes import DATE_WINDOWS, Note, workdays
from casekit.sample.people import Person
from casekit.sample.planted import am_type_of
from casekit.sample.regions import REGIONS, region_name
from casekit.sample.scenarios import SAMPLE, Scenario
from casekit.sample.visit_texts import (
    CLOSING,
    CONDUCT,
    CONTEXT,
    CUSTOMER_NOUN,
    INDUSTRY_PRODUCTS,
    PURPOSES,
)

__all__ = [
    "N_EXTRA_VISITS",
    "N_OBSERVED_PER_REGION",
    "N_OBSERVED_PER_TYPE",
    "RIDE_ALONG_COLUMNS",
    "SentencePool",
    "Visit",
    "build_visits",
    "draw_visit",
    "visit_row",
]

RIDE_ALONG_COLUMNS: tuple[str, ...] = (
    "visit_id",
    "date",
    "region",
    "account_manager",
    "customer_industry",
    "purpose",
    "products",
    "funnel_stage",
    "minutes_on_site",
    "minutes_travel",
    "question_share",
    "behaviours",
    "outcome",
    "observer_notes",
)

#: Account managers observed per planted type (besides those of the ride-along debrief notes).
N_OBSERVED_PER_TYPE: int = 10
#: Account managers observed per region when the scenario has no types.
N_OBSERVED_PER_REGION: int = 8
#: Second visits with an already observed account manager.
N_EXTRA_VISITS: int = 13

#: Mean and sd of travel minutes per visit without regional colour.
_TRAVEL_ANYWHERE: tuple[float, float] = (45, 15)
#: Mean and sd of travel minutes per visit; Tianjin's large districts feed its time weakness.
_TRAVEL: dict[str, tuple[float, float]] = {
    "beijing": (50, 15),
    "tianjin": (75, 20),
    "hebei": (40, 15),
    "shandong": (35, 10),
    "nanning": (30, 10),
}

_FUNNEL_IDS = list(FUNNEL_STAGES)


@dataclass(frozen=True)
class Visit:
    """One observed visit (before numbering)."""

    day: date
    person: Person
    industry: str
    purpose: str
    products: tuple[str, ...]
    funnel_step: int
    minutes_on_site: int
    minutes_travel: int
    question_share: float
    behaviours: tuple[str, ...]
    outcome: str
    observer_notes: str
    note_id: str | None = None


class SentencePool:
    """Draws from hand-written sentences without repeating until a pool is exhausted.

    Parameters
    ----------
    rng : numpy.random.Generator
        Shuffles each pool when it is (re)filled.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._queues: dict[tuple[str, object], list[str]] = {}

    def draw(self, name: str, key: object, options: tuple[str, ...]) -> str:
        """Return the next sentence of pool ``(name, key)``, refilled from ``options`` when empty.

        Parameters
        ----------
        name : str
            Which kind of sentence (``"context"``, ``"conduct"`` …).
        key : object
            The pool within the kind (an industry, a type, an outcome …).
        options : tuple of str
            Every sentence of the pool.

        Returns
        -------
        str
        """
        queue = self._queues.setdefault((name, key), [])
        if not queue:
            queue.extend(options[i] for i in self._rng.permutation(len(options)))
        return queue.pop()


#: Without types, the observer describes a visit by its most telling behaviour.
_CONDUCT_BY_BEHAVIOUR: tuple[tuple[str, str], ...] = (
    ("price_first", "price_pusher"),
    ("technical_jargon", "technical_explainer"),
    ("asks_needs", "consultant"),
    ("relationship_talk", "relationship_keeper"),
    ("free_trial_offer", "price_pusher"),
    ("product_demo", "technical_explainer"),
    ("customer_language", "consultant"),
    ("identifies_decision_makers", "consultant"),
    ("uses_toolbox", "consultant"),
    ("joint_visit", "consultant"),
)


def _conduct_of(behaviours: tuple[str, ...]) -> str:
    for behaviour, conduct in _CONDUCT_BY_BEHAVIOUR:
        if behaviour in behaviours:
            return conduct
    return "relationship_keeper"


def draw_visit(
    person: Person,
    day: date,
    rng: np.random.Generator,
    pool: SentencePool,
    *,
    industry: str | None = None,
    products: tuple[str, ...] = (),
    funnel_step: int | None = None,
    behaviours: tuple[str, ...] = (),
    outcome: str | None = None,
    minutes_on_site: int | None = None,
    note_id: str | None = None,
    regional_colour: bool = True,
    behaviour_rates: Mapping[str, float] | None = None,
    question_shift: float = 0.0,
    describe_by_behaviours: bool = False,
) -> Visit:
    """Draw one observed visit of ``person`` on ``day`` from their type's ride-along profile.

    Every field not given is drawn; with the defaults the draws are the baseline's (the follow-up
    wave passes changed rates for the behaviours a course changed).

    Parameters
    ----------
    person : Person
        The account manager observed.
    day : datetime.date
        The day of the visit.
    rng : numpy.random.Generator
        Source of randomness.
    pool : SentencePool
        The observer's sentences (shared by the visits of one file, so they do not repeat).
    industry, products, funnel_step, behaviours, outcome, minutes_on_site : optional
        Fixed fields (a visit debriefed in a note); drawn when not given.
    note_id : str, optional
        The note debriefing the visit (named at the end of the observer's notes).
    regional_colour : bool, default True
        Whether the sample's regional detail applies (Shandong's few joint visits, travel times).
    behaviour_rates : mapping of str to float, optional
        Probability of each behaviour in one visit, replacing the type's (the type's behaviour
        with the highest rate is still the one recorded when nothing else was seen).
    question_shift : float, default 0.0
        Added to the mean of the type's question share.
    describe_by_behaviours : bool, default False
        Whether the observer's sentence describes the visit by its behaviours rather than by the
        person's type (a person who changed no longer behaves like their type).

    Returns
    -------
    Visit
    """
    kind = am_type_of(person.am_type)
    sold = LOCAL_NAMES[person.region]
    if industry is None:
        industry = str(rng.choice(sorted(INDUSTRIES)))
    if not products:
        offer = [p for p in INDUSTRY_PRODUCTS[industry] if p in sold]
        k = 1 if rng.random() < 0.6 else 2
        products = tuple(
            offer[i]
            for i in sorted(
                rng.choice(len(offer), size=min(k, len(offer)), replace=False)
            )
        )
    products = tuple(p for p in products if p in sold)[:2]
    if outcome is None:
        names = sorted(kind.outcomes)
        outcome = names[
            int(rng.choice(len(names), p=[kind.outcomes[n] for n in names]))
        ]
    if funnel_step is None:
        steps = [s for s in kind.funnel_steps if s < 7] or [6]
        funnel_step = (
            7 if outcome == "won" else int(steps[int(rng.integers(len(steps)))])
        )
    if not behaviours:
        rates = kind.behaviours if behaviour_rates is None else behaviour_rates
        seen = [b for b in sorted(rates) if rng.random() < rates[b]]
        if regional_colour and person.region == "shandong":  # team selling is the planted Shandong weakness
            seen = [
                b
                for b in seen
                if b not in ("joint_visit", "identifies_decision_makers")
                or rng.random() < 0.4
            ]
        if not seen:
            seen = [max(kind.behaviours, key=kind.behaviours.__getitem__)]
        behaviours = tuple(seen)
    lo, hi = kind.minutes_on_site
    on_site = int(rng.integers(lo, hi + 1))
    if minutes_on_site is not None:
        on_site = minutes_on_site
    mean, sd = _TRAVEL[person.region] if regional_colour else _TRAVEL_ANYWHERE
    travel = int(np.clip(round(rng.normal(mean, sd) / 5) * 5, 10, 180))
    share_mean, share_sd = kind.question_share
    share = float(np.clip(rng.normal(share_mean + question_shift, share_sd), 0.02, 0.9))
    product_name = (
        local_name(person.region, products[0], industry) if products else "新业务"
    )
    customer = pool.draw("noun", industry, CUSTOMER_NOUN[industry])
    conduct = kind.id if kind.id in CONDUCT and not describe_by_behaviours else _conduct_of(behaviours)
    fill = {"p": product_name, "c": customer, "m": str(on_site)}
    purpose = pool.draw("purpose", funnel_step, PURPOSES[funnel_step]).format_map(fill)
    sentences = [
        pool.draw("context", industry, CONTEXT[industry]),
        pool.draw("conduct", conduct, CONDUCT[conduct]).format_map(fill),
        pool.draw("closing", outcome, CLOSING[outcome]),
    ]
    if rng.random() < 0.35:
        sentences.insert(2, f"在客户处共{on_site}分钟。")
    if note_id is not None:
        sentences.append(f"复盘记录见访谈笔记{note_id}。")
    return Visit(
        day=day,
        person=person,
        industry=industry,
        purpose=purpose,
        products=products,
        funnel_step=funnel_step,
        minutes_on_site=on_site,
        minutes_travel=travel,
        question_share=round(share, 2),
        behaviours=behaviours,
        outcome=outcome,
        observer_notes="".join(sentences),
        note_id=note_id,
    )


def build_visits(
    roster: list[Person],
    notes: list[Note],
    rng: np.random.Generator,
    scenario: Scenario = SAMPLE,
) -> list[Visit]:
    """Return every observed visit, in date order.

    Each ride-along debrief note gets the visit it debriefs (same account manager, day, industry,
    products, funnel step, behaviours and outcome). The other visits observe
    :data:`N_OBSERVED_PER_TYPE` account managers of each planted type (without types:
    :data:`N_OBSERVED_PER_REGION` of each region), some of them twice.

    Parameters
    ----------
    roster : list of Person
    notes : list of Note
    rng : numpy.random.Generator
    scenario : Scenario, default SAMPLE
        Its types (who is observed) and whether regional colour is written.
    """
    colour = scenario.regional_colour
    pool = SentencePool(rng)
    visits: list[Visit] = []
    for note in notes:
        passage = note.passage
        if passage.method != "ride_along_debrief":
            continue
        visits.append(
            draw_visit(
                note.person,
                note.day,
                rng,
                pool,
                industry=passage.industry,
                products=note.products,
                funnel_step=passage.funnel_step,
                behaviours=passage.behaviours,
                outcome=passage.outcome,
                minutes_on_site=passage.minutes_on_site,
                note_id=note.note_id,
                regional_colour=colour,
            )
        )
    days = workdays(*DATE_WINDOWS["ride_along_debrief"])
    observed: list[Person] = []
    groups: list[tuple[list[Person], int]] = [
        ([p for p in roster if p.am_type == kind.id], N_OBSERVED_PER_TYPE)
        for kind in scenario.am_types
    ] or [
        ([p for p in roster if p.population == "account_manager" and p.region == r.id],
         N_OBSERVED_PER_REGION)
        for r in REGIONS
    ]
    for members, size in groups:
        picks = sorted(rng.choice(len(members), size=size, replace=False))
        observed += [members[int(i)] for i in picks]
    extra = [
        observed[int(i)]
        for i in sorted(rng.choice(len(observed), size=N_EXTRA_VISITS, replace=False))
    ]
    taken = {(v.person.staff_id, v.day) for v in visits}
    for person in observed + extra:
        day = days[int(rng.integers(len(days)))]
        while (person.staff_id, day) in taken:
            day = days[int(rng.integers(len(days)))]
        taken.add((person.staff_id, day))
        visits.append(draw_visit(person, day, rng, pool, regional_colour=colour))
    visits.sort(key=lambda v: (v.day, v.person.staff_id))
    return visits


def visit_row(visit_id: str, visit: Visit) -> dict[str, str]:
    """Return the CSV row of a visit, written as an observer would (Chinese labels)."""
    region = visit.person.region
    return {
        "visit_id": visit_id,
        "date": visit.day.isoformat(),
        "region": region_name(visit.person.unit),
        "account_manager": visit.person.staff_id,
        "customer_industry": INDUSTRIES[visit.industry].label,
        "purpose": visit.purpose,
        "products": ";".join(
            local_name(region, p, visit.industry) for p in visit.products
        ),
        "funnel_stage": FUNNEL_STAGES[_FUNNEL_IDS[visit.funnel_step - 1]].label,
        "minutes_on_site": str(visit.minutes_on_site),
        "minutes_travel": str(visit.minutes_travel),
        "question_share": f"{visit.question_share:.2f}",
        "behaviours": ";".join(BEHAVIOURS[b].label for b in visit.behaviours),
        "outcome": OUTCOMES[visit.outcome].label,
        "observer_notes": visit.observer_notes,
    }
