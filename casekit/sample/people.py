"""The sample engagement's staff roster: who works where, and each account manager's planted type."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casekit.sample.regions import REGIONS, cities_of
from casekit.sample.scenarios import SAMPLE, Scenario

__all__ = ["ID_PREFIX", "Person", "build_roster"]

#: Staff code prefix per population (the questionnaire's 答卷编号 is the staff code).
ID_PREFIX: dict[str, str] = {
    "account_manager": "AM",
    "support_engineer": "SE",
    "sales_manager": "SM",
}

#: Relative size of each city's team (larger prefecture cities have more staff).
_CITY_WEIGHT: dict[str, float] = {
    "shijiazhuang": 5,
    "baoding": 4,
    "tangshan": 4,
    "handan": 3,
    "xingtai": 3,
    "cangzhou": 3,
    "hengshui": 3,
    "langfang": 3,
    "chengde": 3,
    "zhangjiakou": 3,
    "qinhuangdao": 2,
    "jinan": 5,
    "qingdao": 5,
    "yantai": 4,
}


@dataclass(frozen=True)
class Person:
    """One member of staff in the sample.

    Parameters
    ----------
    staff_id : str
        Staff code, e.g. ``AM017``; also the questionnaire's respondent id.
    population : str
        Population id.
    region : str
        Top-level region id.
    unit : str
        Most specific region id (the city when the region has cities).
    am_type : str or None
        Planted behaviour type id (account managers only).
    """

    staff_id: str
    population: str
    region: str
    unit: str
    am_type: str | None = None


def _allocate(n: int, units: tuple[tuple[str, str], ...]) -> list[str]:
    """Split ``n`` people over ``units`` proportionally to their weight (largest remainder)."""
    if len(units) == 1:
        return [units[0][0]] * n
    weights = np.array([_CITY_WEIGHT.get(uid, 1.0) for uid, _ in units], dtype=float)
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    for i in order[: n - counts.sum()]:
        counts[i] += 1
    return [uid for (uid, _), c in zip(units, counts) for _ in range(int(c))]


def build_roster(rng: np.random.Generator, scenario: Scenario = SAMPLE) -> list[Person]:
    """Return every member of staff, account managers first, in staff-code order.

    Account-manager types (when the scenario has any) are balanced within each region (so region
    effects are not confounded with type mix) and shuffled so that a staff code says nothing
    about its type.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    scenario : Scenario, default SAMPLE
        Head counts and account-manager types.

    Returns
    -------
    list of Person
    """
    roster: list[Person] = []
    type_ids = [t.id for t in scenario.am_types]
    for population, prefix in ID_PREFIX.items():
        number = 0
        for region in REGIONS:
            n = scenario.staff_counts[region.id][population]
            units = _allocate(n, cities_of(region.id))
            types: list[str | None] = [None] * n
            if population == "account_manager" and type_ids:
                start = int(rng.integers(len(type_ids)))
                types = [type_ids[(start + i) % len(type_ids)] for i in range(n)]
                rng.shuffle(types)
            for unit, am_type in zip(units, types):
                number += 1
                roster.append(
                    Person(
                        f"{prefix}{number:03d}", population, region.id, unit, am_type
                    )
                )
    return roster
