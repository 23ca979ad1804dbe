"""casekit: research and case-authoring workbench for telecom sales-training consultants.

Stages follow the method: ``casekit.intake`` → ``casekit.analysis`` → ``casekit.authoring`` →
``casekit.curriculum`` → ``casekit.reports``. See ``docs/architecture.md``.
"""

from casekit.exceptions import BundleValidationError, CasekitError, Problem

__version__ = "0.1.0"
__all__ = ["BundleValidationError", "CasekitError", "Problem", "__version__"]
