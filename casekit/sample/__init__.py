"""The seeded generator of the sample research bundles (``casekit sample``): the realistic sample,
a one-factor null and a bundle with planted regional weaknesses."""

from casekit.sample.generator import DEFAULT_SEED, SampleOverwriteError, generate_sample
from casekit.sample.scenarios import SCENARIOS, UnknownScenarioError

__all__ = ["DEFAULT_SEED", "SCENARIOS", "SampleOverwriteError", "UnknownScenarioError", "generate_sample"]
