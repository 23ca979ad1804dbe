"""Assemble the hand-written passages into interview notes (``notes/*.md``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import yaml

from casekit.domain import INDUSTRIES, POPULATIONS
from casekit.sample.catalogue import LOCAL_NAMES, local_name
from casekit.sample.note_texts import PASSAGES, PLACEHOLDER_PRODUCTS, Passage
from casekit.sample.people import Person
from casekit.sample.regions import region_name
from casekit.sample.scenarios import SAMPLE, Scenario

__all__ = ["DATE_WINDOWS", "Note", "build_notes", "passages_of", "render_note", "workdays"]

_PLACEHOLDER = re.compile(r"\{([a-z]+)\}")

#: When each kind of note was taken (first and last day), following the research plan.
DATE_WINDOWS: dict[str, tuple[date, date]] = {
    "interview": (date(2008, 9, 1), date(2008, 9, 26)),
    "ride_along_debrief": (date(2008, 9, 8), date(2008, 10, 24)),
    "demo_hall_visit": (date(2008, 9, 1), date(2008, 9, 30)),
    "interview_360": (date(2008, 10, 8), date(2008, 10, 24)),
    "sales_manager_interview": (date(2008, 9, 15), date(2008, 10, 24)),
}

#: The National Day holiday: nobody was interviewed.
_HOLIDAY = (date(2008, 10, 1), date(2008, 10, 7))


def workdays(first: date, last: date) -> list[date]:
    """Return the working days from ``first`` to ``last`` (inclusive), without the holiday."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not (_HOLIDAY[0] <= day <= _HOLIDAY[1]):
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Note:
    """One interview note, ready to be written.

    Attributes
    ----------
    note_id : str
        ``N001`` …, numbered in date order.
    passage : Passage
        The hand-written passage it was made from.
    person : Person
        The interviewee (for 360° interviews: the manager reviewed).
    day : datetime.date
    interviewee : str
        Pseudonym written to the front matter.
    tags : tuple of str
    text : str
        The body with local product names filled in.
    products : tuple of str
        Canonical ids of the products mentioned, in order of first mention.
    """

    note_id: str
    passage: Passage
    person: Person
    day: date
    interviewee: str
    tags: tuple[str, ...]
    text: str
    products: tuple[str, ...]


def _fits(person: Person, passage: Passage) -> bool:
    if person.population != passage.population:
        return False
    if (
        passage.am_type is not None
        and person.am_type is not None  # without types, any account manager fits
        and person.am_type != passage.am_type
    ):
        return False
    if (
        passage.units
        and person.region not in passage.units
        and person.unit not in passage.units
    ):
        return False
    used = set(_PLACEHOLDER.findall(passage.body)) - {"city"}
    return all(PLACEHOLDER_PRODUCTS[k] in LOCAL_NAMES[person.region] for k in used)


def _pseudonym(person: Person, passage: Passage) -> str:
    if passage.method == "interview_360":
        return f"{person.staff_id}的360°评价人"
    return (
        f"{POPULATIONS[person.population].label.removeprefix('政企')}{person.staff_id}"
    )


def _fill(passage: Passage, person: Person) -> tuple[str, tuple[str, ...]]:
    products: list[str] = []

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "city":
            return region_name(person.unit)
        product = PLACEHOLDER_PRODUCTS[key]
        if product not in products:
            products.append(product)
        return local_name(person.region, product, passage.industry)

    return _PLACEHOLDER.sub(replace, passage.body), tuple(products)


def passages_of(scenario: Scenario = SAMPLE) -> tuple[Passage, ...]:
    """Return the passages a scenario's notes are made of, in :data:`PASSAGES` order.

    Without regional colour, passages tied to a region (``units``) are left out: they would
    tell a regional story the data do not have.

    Parameters
    ----------
    scenario : Scenario, default SAMPLE
    """
    if scenario.regional_colour:
        return PASSAGES
    return tuple(p for p in PASSAGES if not p.units)


def build_notes(
    roster: list[Person], rng: np.random.Generator, scenario: Scenario = SAMPLE
) -> list[Note]:
    """Assign every passage to an interviewee, a date and a region; return notes in id order.

    Parameters
    ----------
    roster : list of Person
        Everybody in the sample.
    rng : numpy.random.Generator
        Source of randomness.
    scenario : Scenario, default SAMPLE
        Which passages are used (:func:`passages_of`).

    Raises
    ------
    ValueError
        If no member of staff fits a passage (a passage's constraints contradict the roster).
    """
    used: set[str] = set()
    drafts = []
    for passage in passages_of(scenario):
        candidates = [p for p in roster if _fits(p, passage)]
        if not candidates:
            raise ValueError(f"no interviewee fits passage {passage.key!r}")
        fresh = [p for p in candidates if p.staff_id not in used] or candidates
        person = fresh[int(rng.integers(len(fresh)))]
        used.add(person.staff_id)
        window = passage.method
        if passage.population == "sales_manager" and passage.method == "interview":
            window = "sales_manager_interview"
        days = workdays(*DATE_WINDOWS[window])
        day = days[int(rng.integers(len(days)))]
        text, products = _fill(passage, person)
        tags = [local_name(person.region, p, passage.industry) for p in products]
        if passage.industry:
            tags.insert(0, INDUSTRIES[passage.industry].label)
        tags += list(passage.tags)
        tags = list(dict.fromkeys(tags))
        drafts.append((day, passage.key, passage, person, tuple(tags), text, products))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [
        Note(
            f"N{i:03d}",
            passage,
            person,
            day,
            _pseudonym(person, passage),
            tags,
            text,
            products,
        )
        for i, (day, _, passage, person, tags, text, products) in enumerate(
            drafts, start=1
        )
    ]


def render_note(note: Note) -> str:
    """Return the Markdown file content of a note (YAML front matter + body)."""
    front = {
        "id": note.note_id,
        "date": note.day,
        "region": region_name(note.person.unit),
        "population": note.person.population,
        "interviewee": note.interviewee,
        "method": note.passage.method,
        "tags": list(note.tags),
    }
    header = yaml.safe_dump(
        front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return f"---\n{header}---\n{note.text.rstrip()}\n"
