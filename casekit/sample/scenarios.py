"""The bundles the generator can write: the realistic sample, a one-factor null and planted weaknesses.

``sample`` is the realistic bundle of ``research_data/sample`` (behaviour types, five regional
weaknesses, regional colour in the notes, ride-alongs and budgets). The two others exist to test
what the analysis *claims*:

``null``
    No regional difference and no behaviour type at all. Every person of a population draws the
    true scores of its dimensions from one distribution shared by every region: a general level
    (one factor) plus a dimension-specific part, so that dimensions correlate as self-reports do
    (about .6 between a person's observed dimension means). The means are below the competency
    targets, so gaps to the targets exist engagement-wide, equally in every region. Any "this
    region is weaker" or "there are types" is noise.
``planted``
    The null plus a few strong regional weaknesses (:data:`PLANTED_WEAKNESSES`, written to
    ``_ground_truth.yaml``), each large enough and with enough respondents per region that a
    sound test with a multiplicity adjustment finds it. Nothing else is regional.

Both have at least 20 respondents per region × population and no regional colour: ride-alongs,
background answers and 360° ratings follow the same rule in every region, notes tied to one region
are left out, and the manifest gives every region the same course days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from casekit.exceptions import CasekitError
from casekit.sample.planted import AM_TYPES, REGION_WEAKNESSES, SM_PROFILE, AmType, RegionWeakness
from casekit.sample.regions import STAFF_COUNTS

__all__ = [
    "NULL",
    "ONE_FACTOR",
    "PLANTED",
    "PLANTED_WEAKNESSES",
    "SAMPLE",
    "SCENARIOS",
    "SCENARIO_STAFF_COUNTS",
    "OneFactor",
    "Scenario",
    "UnknownScenarioError",
    "scenario_of",
]


@dataclass(frozen=True)
class OneFactor:
    """True scores with one general factor and no types.

    A person's true score on dimension ``d`` is
    ``mean[d] + shift + person_sd * (sqrt(loading) * g + sqrt(1 - loading) * e_d)``, with ``g`` and
    ``e_d`` independent standard normal draws: true scores of two dimensions correlate by
    ``loading``; observed dimension means (a few noisy, rounded answers each) correlate less.

    Parameters
    ----------
    profiles : mapping of str to mapping of str to float
        Population → dimension → true mean on the 1–5 scale (the same in every region).
    person_sd : float
        Standard deviation of a person's true score around the mean.
    loading : float
        Share of a true score's variance due to the general factor (0–1).
    """

    profiles: Mapping[str, Mapping[str, float]]
    person_sd: float
    loading: float

    def true_score(self, population: str, dimension: str, general: float, specific: float) -> float:
        """Return the true score for standard-normal draws ``general`` and ``specific``.

        Parameters
        ----------
        population, dimension : str
            Which mean to start from.
        general : float
            The person's draw of the general factor (shared by their dimensions).
        specific : float
            The draw of this dimension's own part.

        Returns
        -------
        float
        """
        part = math.sqrt(self.loading) * general + math.sqrt(1.0 - self.loading) * specific
        return self.profiles[population][dimension] + self.person_sd * part


#: The one-factor model of ``null`` and ``planted``. Means are about the sample's (the account
#: managers' near the average of the four types' profiles), each at least 0.3 below its default
#: competency target (``casekit/analysis/competency.yaml``).
#: ``person_sd`` and ``loading`` give observed inter-dimension correlations of about .6.
ONE_FACTOR: OneFactor = OneFactor(
    profiles=MappingProxyType({
        "account_manager": MappingProxyType({
            "product": 3.3,
            "industry": 2.9,
            "sales": 2.9,
            "management": 3.2,
            "time": 3.1,
            "customer": 3.1,
            "communication": 3.2,
        }),
        "support_engineer": MappingProxyType({"product": 3.6, "communication": 2.9, "market": 2.6}),
        "sales_manager": MappingProxyType(dict(SM_PROFILE)),
    }),
    person_sd=0.55,
    loading=0.8,
)

#: Head counts per region and population of ``null`` and ``planted``: at least 20 per
#: region × population, so that a planted shift of 0.7–0.8 scale points stands about
#: five standard errors from the other regions and survives a multiplicity adjustment.
SCENARIO_STAFF_COUNTS: Mapping[str, Mapping[str, int]] = MappingProxyType({
    "beijing": {"account_manager": 24, "support_engineer": 20, "sales_manager": 20},
    "tianjin": {"account_manager": 24, "support_engineer": 20, "sales_manager": 20},
    "hebei": {"account_manager": 30, "support_engineer": 20, "sales_manager": 20},
    "shandong": {"account_manager": 24, "support_engineer": 20, "sales_manager": 20},
    "nanning": {"account_manager": 24, "support_engineer": 20, "sales_manager": 20},
})

#: The weaknesses of ``planted``: one dimension of one population in one region, lowered by
#: ``delta`` scale points (true score), across all three populations.
PLANTED_WEAKNESSES: tuple[RegionWeakness, ...] = (
    RegionWeakness("hebei", "account_manager", "industry", -0.7, "地市客户经理多从营业厅转岗，不熟悉行业客户的经营"),
    RegionWeakness("nanning", "account_manager", "product", -0.8, "新产品上得快，客户经理跟不上"),
    RegionWeakness("beijing", "support_engineer", "communication", -0.8, "演示讲解满是技术术语"),
    RegionWeakness("shandong", "sales_manager", "process", -0.8, "只看业绩结果，不管销售过程"),
)


@dataclass(frozen=True)
class Scenario:
    """What one kind of generated bundle plants.

    Parameters
    ----------
    id : str
        ``sample``, ``null`` or ``planted`` (``casekit sample --scenario``).
    bundle : str
        The manifest's ``bundle:`` (names the output folders of reports).
    staff_counts : mapping
        Region id → population id → head count.
    am_types : tuple of AmType
        Account-manager behaviour types, balanced within each region; empty: no types.
    weaknesses : tuple of RegionWeakness
        Regional shifts of one dimension's true mean.
    regional_colour : bool
        Whether the sample's regional detail is written: notes tied to a region, Tianjin's time
        budget and travel, Shandong's few joint visits, Hebei's own course budget.
    one_factor : OneFactor or None
        The one-factor model of true scores; None: the type profiles of
        :mod:`casekit.sample.planted` with independent person noise.
    followup : bool
        Whether the bundle has the follow-up after the course (``followup/``, planted changes:
        :mod:`casekit.sample.followup`).
    """

    id: str
    bundle: str
    staff_counts: Mapping[str, Mapping[str, int]]
    am_types: tuple[AmType, ...]
    weaknesses: tuple[RegionWeakness, ...]
    regional_colour: bool
    one_factor: OneFactor | None = None
    followup: bool = False


#: The realistic sample bundle (``research_data/sample``).
SAMPLE: Scenario = Scenario(
    "sample", "sample", STAFF_COUNTS, AM_TYPES, REGION_WEAKNESSES, True, followup=True
)
#: No regional difference and no types: a one-factor null.
NULL: Scenario = Scenario("null", "sample-null", SCENARIO_STAFF_COUNTS, (), (), False, ONE_FACTOR)
#: The null plus :data:`PLANTED_WEAKNESSES`.
PLANTED: Scenario = Scenario(
    "planted", "sample-planted", SCENARIO_STAFF_COUNTS, (), PLANTED_WEAKNESSES, False, ONE_FACTOR
)

#: Every scenario by id, in the order the CLI lists them.
SCENARIOS: Mapping[str, Scenario] = MappingProxyType({s.id: s for s in (SAMPLE, NULL, PLANTED)})


class UnknownScenarioError(CasekitError, ValueError):
    """A scenario id that is not one of :data:`SCENARIOS`."""


def scenario_of(scenario: str | Scenario) -> Scenario:
    """Return the :class:`Scenario` named ``scenario`` (a :class:`Scenario` is returned as is).

    Parameters
    ----------
    scenario : str or Scenario
        ``"sample"``, ``"null"`` or ``"planted"``.

    Raises
    ------
    UnknownScenarioError
        If ``scenario`` is not a known id (the known ones are named).
    """
    if isinstance(scenario, Scenario):
        return scenario
    try:
        return SCENARIOS[scenario]
    except KeyError:
        raise UnknownScenarioError(
            f"unknown sample scenario {scenario!r}: expected one of {', '.join(SCENARIOS)}"
        ) from None
