"""Privacy rules: what may be shown of a group of people (:mod:`casekit.privacy.disclosure`) and
the redaction of personal data in notes (:mod:`casekit.privacy.redaction`).

This package sits low in the layers (it imports only :mod:`casekit.domain`, :mod:`casekit.text`,
:mod:`casekit.exceptions` and third-party libraries), so that every part of casekit that shows a
number or a note can ask it. The redaction reads no bundle: :mod:`casekit.intake.redaction`
gives it a bundle's roster, pseudonyms and names.
"""

from casekit.privacy.disclosure import (
    MIN_INTERVIEWEES,
    MIN_MANAGERS,
    MIN_NOTES,
    MIN_OBSERVED,
    MIN_RATERS,
    MIN_RESPONDENTS,
    UNQUOTED_METHOD,
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
    quotable_populations,
    quoted_interviewees,
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
    "UNQUOTED_METHOD",
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
    "quotable_populations",
    "quoted_interviewees",
    "row_complements",
    "shown_cities",
]
