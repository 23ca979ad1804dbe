"""Curriculum: the seed's three course outlines as data, designed per region from the findings."""

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
    "day_shares",
    "design_course",
    "load_outlines",
    "schedule_course",
    "schedule_notes",
    "schedule_share",
]
