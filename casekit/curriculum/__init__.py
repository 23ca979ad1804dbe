"""Curriculum: the seed's three course outlines as data, tailored per region from the evidence."""

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
    "CurriculumError",
    "Module",
    "Outline",
    "OutlineError",
    "Part",
    "TailoredOutline",
    "load_outlines",
    "tailor_outline",
]
