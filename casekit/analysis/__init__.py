"""Analysis: dimension scores, psychometrics, skill gaps, segments, ride-alongs, 360° reviews, linkage,
the Kirkpatrick evaluation after the course (:func:`evaluate_followup`)."""

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

from casekit.analysis.features import FeatureTable, account_manager_features
from casekit.analysis.gaps import gap_table, person_gaps, region_gaps
from casekit.analysis.linkage import performance_linkage, visit_outcome_linkage
from casekit.analysis.notes_analysis import NotesAnalysis, analyse_notes
from casekit.analysis.reviews_360 import manager_review, review_summary, self_other_gap
from casekit.analysis.segmentation import Segmenter
from casekit.analysis.segments import (
    Persona,
    SegmentReport,
    describe_segments,
    segment_account_managers,
    segment_mix,
)
from casekit.analysis.visits import (
    VisitProfile,
    time_allocation,
    time_use_sentences,
    visit_profile,
)

__all__ += [
    "FeatureTable",
    "NotesAnalysis",
    "Persona",
    "SegmentReport",
    "Segmenter",
    "VisitProfile",
    "account_manager_features",
    "analyse_notes",
    "describe_segments",
    "gap_table",
    "manager_review",
    "performance_linkage",
    "person_gaps",
    "region_gaps",
    "review_summary",
    "segment_account_managers",
    "segment_mix",
    "self_other_gap",
    "time_allocation",
    "time_use_sentences",
    "visit_outcome_linkage",
    "visit_profile",
]

from casekit.analysis.industries import industry_evidence

__all__ += ["industry_evidence"]

from casekit.analysis.findings import ENGAGEMENT, Findings, engagement_findings

__all__ += ["ENGAGEMENT", "Findings", "engagement_findings"]

from casekit.analysis.evaluation.levels import FollowUpEvaluation, evaluate_followup

__all__ += ["FollowUpEvaluation", "evaluate_followup"]
