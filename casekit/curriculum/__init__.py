"""Curriculum: the seed's three course outlines as data, tailored and designed per region from the evidence."""

from casekit.curriculum.composition import CourseEvidence
from casekit.curriculum.design import CourseDesign, ModuleDesign, design_course
from casekit.curriculum.outlines import (
    DAYS_SOURCES,
    CurriculumError,
    Module,
    Outline,
    OutlineError,
    Part,
    load_outlines,
)
from casekit.curriculum.schedule import (
    Activity,
    Session,
    SessionPlan,
    day_shares,
    schedule_course,
    schedule_notes,
    schedule_share,
)
from casekit.curriculum.tailoring import TailoredOutline, tailor_outline

__all__ = [
    "DAYS_SOURCES",
    "Activity",
    "CourseDesign",
    "CourseEvidence",
    "CurriculumError",
    "Module",
    "ModuleDesign",
    "Outline",
    "OutlineError",
    "Part",
    "Session",
    "SessionPlan",
    "TailoredOutline",
    "day_shares",
    "design_course",
    "load_outlines",
    "schedule_course",
    "schedule_notes",
    "schedule_share",
    "tailor_outline",
]
