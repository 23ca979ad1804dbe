"""Questionnaire exports as downloaded from survey platforms, read into one shape.

``read_export(path)`` detects the platform (问卷星, 腾讯问卷, Qualtrics, LimeSurvey, SPSS ``.sav``,
or a plain CSV/XLSX) and returns a :class:`SurveyExport` whose :meth:`~SurveyExport.tidy` table is
the same whichever platform the questionnaire ran on. Each platform is one module with one
:func:`register_reader` line; :func:`platform_ids` and :func:`readers` are the one platform list
(``casekit/surveys/registry.py``). See ``docs/survey-exports.md``.
"""

from casekit.surveys.model import (
    LIST_SEP,
    META_KEYS,
    ExportColumn,
    SurveyExport,
)
from casekit.surveys.read import detect_platform, read_export
from casekit.surveys.registry import (
    PLATFORMS,
    TABLE_SUFFIXES,
    Reader,
    SurveyReader,
    platform_ids,
    reader_for,
    readers,
    register_reader,
    unregister_reader,
)

__all__ = [
    "LIST_SEP",
    "META_KEYS",
    "PLATFORMS",
    "TABLE_SUFFIXES",
    "ExportColumn",
    "Reader",
    "SurveyExport",
    "SurveyReader",
    "detect_platform",
    "platform_ids",
    "read_export",
    "reader_for",
    "readers",
    "register_reader",
    "unregister_reader",
]
