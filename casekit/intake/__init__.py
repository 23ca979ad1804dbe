"""Reading and validating a research bundle into typed tables (``casekit validate``)."""

from casekit.intake.bundle import Bundle, BundleCheck, check_bundle, load_bundle, validate_bundle
from casekit.intake.codebook import Codebook
from casekit.intake.followup import FollowUp, followup_summary, read_followup
from casekit.intake.manifest import Manifest

__all__ = [
    "Bundle",
    "BundleCheck",
    "Codebook",
    "FollowUp",
    "Manifest",
    "check_bundle",
    "followup_summary",
    "load_bundle",
    "read_followup",
    "validate_bundle",
]
