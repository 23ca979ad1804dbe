"""The Kirkpatrick evaluation after the course: the statistics, on plain tables.

One module per concept (see ``docs/evaluation.md`` for the methods in plain words):

* :mod:`.change` -- the trainees' paired before/after change per measure and group, with
  Phillips' intention-to-treat figure beside the completers' and Benjamini–Hochberg across the
  measures of one level (:func:`paired_change`);
* :mod:`.did` -- isolating the course's effect: difference-in-differences against untrained
  people (:func:`difference_in_differences`) or Phillips' trend line for a monthly series
  (:func:`trend_line_effect`);
* :mod:`.regression_to_mean` -- the warning when the weakest were selected
  (:func:`flag_regression_to_mean`) and the baseline-versus-change check
  (:func:`baseline_change_correlation`);
* :mod:`.agreement` -- observers' agreement, Cohen's κ per behaviour (:func:`observer_agreement`);
* :mod:`.success_cases` -- Brinkerhoff's success cases (:func:`success_cases`);
* :mod:`.rates` -- per-person behaviour rates of the ride-alongs, baseline and wave side by side
  (:func:`paired_behaviour_rates`), the level-3 input of the functions above;
* :mod:`.wording` and :mod:`.family` -- how numbers are written, one family's adjustment;
  :mod:`.inputs` -- the checks of the input tables.

Every function takes the tables ``casekit.intake.followup.read_followup`` hands on (see
``docs/followup.md``) and returns a DataFrame with a ``sentence`` column in plain Chinese.
"""

from casekit.analysis.evaluation.agreement import (
    AGREEMENT_COLUMNS,
    AGREEMENT_SCHEMA,
    KAPPA_MIN,
    agreement_sentence,
    behaviour_sets,
    observer_agreement,
)
from casekit.analysis.evaluation.change import (
    CHANGE_COLUMNS,
    CHANGE_SCHEMA,
    change_sentence,
    paired_change,
)
from casekit.analysis.evaluation.did import (
    DID_COLUMNS,
    DID_SCHEMA,
    MIN_BASELINE_MONTHS,
    NO_CONTROL,
    TREND_COLUMNS,
    TREND_LINE,
    TREND_SCHEMA,
    did_sentence,
    difference_in_differences,
    trend_line_effect,
    trend_sentence,
)
from casekit.analysis.evaluation.rates import behaviour_rates, paired_behaviour_rates
from casekit.analysis.evaluation.regression_to_mean import (
    CORRELATION_COLUMNS,
    CORRELATION_SCHEMA,
    REGRESSION_NOTE,
    SELECTIONS,
    baseline_change_correlation,
    correlation_sentence,
    flag_regression_to_mean,
)
from casekit.analysis.evaluation.success_cases import (
    CONSULTANT_ONLY,
    SUCCESS_CASE_COLUMNS,
    SUCCESS_CASE_SCHEMA,
    SuccessCases,
    behaviour_change_score,
    interview_outline,
    success_cases,
)
from casekit.analysis.evaluation.wording import UNITS

__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREEMENT_SCHEMA",
    "CHANGE_COLUMNS",
    "CHANGE_SCHEMA",
    "CONSULTANT_ONLY",
    "CORRELATION_COLUMNS",
    "CORRELATION_SCHEMA",
    "DID_COLUMNS",
    "DID_SCHEMA",
    "KAPPA_MIN",
    "MIN_BASELINE_MONTHS",
    "NO_CONTROL",
    "REGRESSION_NOTE",
    "SELECTIONS",
    "SUCCESS_CASE_COLUMNS",
    "SUCCESS_CASE_SCHEMA",
    "TREND_COLUMNS",
    "TREND_LINE",
    "TREND_SCHEMA",
    "UNITS",
    "SuccessCases",
    "agreement_sentence",
    "baseline_change_correlation",
    "behaviour_change_score",
    "behaviour_rates",
    "behaviour_sets",
    "change_sentence",
    "correlation_sentence",
    "did_sentence",
    "difference_in_differences",
    "flag_regression_to_mean",
    "interview_outline",
    "observer_agreement",
    "paired_behaviour_rates",
    "paired_change",
    "success_cases",
    "trend_line_effect",
    "trend_sentence",
]
