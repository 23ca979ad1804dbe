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
from casekit.curriculum.tailoring import TailoredOutline, tailor_outline

__all__ = [
    "DAYS_SOURCES",
    "CourseDesign",
    "CourseEvidence",
    "CurriculumError",
    "Module",
    "ModuleDesign",
    "Outline",
    "OutlineError",
    "Part",
    "TailoredOutline",
    "design_course",
    "load_outlines",
    "tailor_outline",
]
