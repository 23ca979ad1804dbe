"""Questionnaire exports as downloaded from survey platforms, read into one shape.

``read_export(path)`` detects the platform (问卷星, 腾讯问卷, Qualtrics, LimeSurvey, SPSS ``.sav``,
or a plain CSV/XLSX) and returns a :class:`SurveyExport` whose :meth:`~SurveyExport.tidy` table is
the same whichever platform the questionnaire ran on. See ``docs/survey-exports.md``.
"""

from casekit.surveys.model import (
    LIST_SEP,
    META_KEYS,
    PLATFORMS,
    ExportColumn,
    SurveyExport,
)
from casekit.surveys.read import detect_platform, read_export

__all__ = [
    "LIST_SEP",
    "META_KEYS",
    "PLATFORMS",
    "ExportColumn",
    "SurveyExport",
    "detect_platform",
    "read_export",
]
