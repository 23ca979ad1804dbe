"""Authoring: what consultants write from the research — interview outlines, the sales toolbox.

* :mod:`casekit.authoring.interview_outline` — the one-on-one interview outline (访谈大纲) drafted
  from a region's survey results (``casekit outline-interview``);
* :mod:`casekit.authoring.toolbox` — each region's sales toolbox as XLSX and DOCX
  (``casekit toolbox``); :mod:`casekit.authoring.docx_writer` — DOCX with East Asian fonts set.

* :mod:`casekit.authoring.cases` — teaching cases and role-plays as Markdown with front matter in
  the bundle's ``cases/``; :mod:`~casekit.authoring.case_draft` and
  :mod:`~casekit.authoring.roleplays` draft them from redacted, coded notes
  (``casekit case draft``); :mod:`~casekit.authoring.library` indexes and filters them
  (``casekit case list``); :mod:`~casekit.authoring.case_book` exports a course's case book
  (``casekit case book``).
"""

from casekit.authoring.case_book import (
    case_book_markdown,
    select_for_course,
    write_case_book_docx,
)
from casekit.authoring.case_draft import draft_case
from casekit.authoring.cases import (
    Case,
    RolePlay,
    read_cases,
    validate_case,
    write_case,
)
from casekit.authoring.interview_outline import (
    InterviewOutline,
    draft_interview_outline,
)
from casekit.authoring.library import case_library, filter_library
from casekit.authoring.roleplays import draft_roleplay
from casekit.authoring.toolbox import (
    Toolbox,
    build_toolbox,
    write_toolbox_docx,
    write_toolbox_xlsx,
)

__all__ = [
    "Case",
    "InterviewOutline",
    "RolePlay",
    "Toolbox",
    "build_toolbox",
    "case_book_markdown",
    "case_library",
    "draft_case",
    "draft_interview_outline",
    "draft_roleplay",
    "filter_library",
    "read_cases",
    "select_for_course",
    "validate_case",
    "write_case",
    "write_case_book_docx",
    "write_toolbox_docx",
    "write_toolbox_xlsx",
]
