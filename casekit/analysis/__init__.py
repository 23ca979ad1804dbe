"""Analysis: dimension scores per respondent and region, one region against the others."""

from casekit.analysis.scores import (
    compare_region,
    dimension_scores,
    respondent_scores,
    weakest_dimensions,
)

__all__ = [
    "compare_region",
    "dimension_scores",
    "respondent_scores",
    "weakest_dimensions",
]

from casekit.analysis.group_tests import (
    CrosstabResult,
    GroupComparison,
    compare_groups,
    crosstab,
)
from casekit.analysis.psychometrics import (
    AlphaResult,
    AnalysisError,
    cronbach_alpha,
    item_analysis,
    reliability,
    reverse_items,
    scale_scores,
)

__all__ += [
    "AlphaResult",
    "AnalysisError",
    "CrosstabResult",
    "GroupComparison",
    "compare_groups",
    "cronbach_alpha",
    "crosstab",
    "item_analysis",
    "reliability",
    "reverse_items",
    "scale_scores",
]
