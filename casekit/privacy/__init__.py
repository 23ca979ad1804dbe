"""Privacy rules: what may be shown of a group of people (:mod:`casekit.privacy.disclosure`).

This package sits low in the layers (it imports only :mod:`casekit.domain`,
:mod:`casekit.exceptions`, numpy and pandas), so that every part of casekit that shows a number
can ask it. Redaction of names and numbers in text lives in :mod:`casekit.intake.redaction` for
now.
"""

from casekit.privacy.disclosure import (
    MIN_INTERVIEWEES,
    MIN_MANAGERS,
    MIN_NOTES,
    MIN_OBSERVED,
    MIN_RATERS,
    MIN_RESPONDENTS,
    ShareBound,
    bounded_share,
    check_threshold,
    comparison_base,
    count_suppressed,
    gap_hidden,
    hidden_mix_counts,
    is_small,
    is_suppressed,
    mean_hidden,
    partition_raters,
    protect_rest,
    row_complements,
    shown_cities,
)

__all__ = [
    "MIN_INTERVIEWEES",
    "MIN_MANAGERS",
    "MIN_NOTES",
    "MIN_OBSERVED",
    "MIN_RATERS",
    "MIN_RESPONDENTS",
    "ShareBound",
    "bounded_share",
    "check_threshold",
    "comparison_base",
    "count_suppressed",
    "gap_hidden",
    "hidden_mix_counts",
    "is_small",
    "is_suppressed",
    "mean_hidden",
    "partition_raters",
    "protect_rest",
    "row_complements",
    "shown_cities",
]
