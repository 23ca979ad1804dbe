"""casekit: research and case-authoring workbench for telecom sales-training consultants.

Layers, bottom up: ``casekit.intake`` → ``casekit.analysis`` → ``casekit.curriculum`` →
``casekit.authoring`` → ``casekit.reports`` → ``casekit.cli``. See ``docs/architecture.md``.
"""

from casekit.exceptions import BundleValidationError, CasekitError, Problem

__version__ = "0.1.0"
__all__ = ["BundleValidationError", "CasekitError", "Problem", "__version__"]
