"""The seeded generator of the realistic sample research bundle (``casekit sample``)."""

from casekit.sample.generator import DEFAULT_SEED, SampleOverwriteError, generate_sample

__all__ = ["DEFAULT_SEED", "SampleOverwriteError", "generate_sample"]
