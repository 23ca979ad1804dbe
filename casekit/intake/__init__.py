"""Reading and validating a research bundle into typed tables (``casekit validate``)."""

from casekit.intake.bundle import Bundle, load_bundle, validate_bundle
from casekit.intake.codebook import Codebook
from casekit.intake.manifest import Manifest

__all__ = ["Bundle", "Codebook", "Manifest", "load_bundle", "validate_bundle"]
