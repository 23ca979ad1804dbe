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
