"""Authoring: what consultants write from the research — interview outlines, the sales toolbox,
the diagnosis guide, teaching cases with teaching notes, role-plays and case books.

* :mod:`casekit.authoring.interview_outline` — the one-on-one interview outline (访谈大纲) drafted
  from a region's survey results (``casekit outline-interview``);
* :mod:`casekit.authoring.cast` — the customer's departments and people per industry and
  consistent fictional names; :mod:`casekit.authoring.benefits` — what a product does for each
  department, in the customer's words;
* :mod:`casekit.authoring.toolbox` — each region's sales toolbox as XLSX and DOCX, with a review
  list for the consultant (``casekit toolbox``); :mod:`casekit.authoring.diagnosis_guide` — from
  the question that finds the pain to the local price, per industry (``casekit guide``);
  :mod:`casekit.authoring.docx_writer` — DOCX with East Asian fonts set.

* :mod:`casekit.authoring.cases` — teaching cases and role-plays as Markdown with front matter in
  the bundle's ``cases/``; :mod:`~casekit.authoring.case_draft` and
  :mod:`~casekit.authoring.roleplays` draft them as stories from redacted, coded notes, each case
  with its teaching note (:mod:`~casekit.authoring.teaching_note`)
  (``casekit case draft``); :mod:`~casekit.authoring.library` indexes and filters them
  (``casekit case list``); :mod:`~casekit.authoring.case_book` exports a course's case book
  (``casekit case book``).
"""

from casekit.authoring.benefits import Benefit, department_benefit
from casekit.authoring.case_book import (
    case_book_markdown,
    held_back,
    select_for_course,
    trainee_cases,
    write_case_book_docx,
)
from casekit.authoring.case_draft import default_case_id, draft_case
from casekit.authoring.cast import Department, IndustryCast, Namer, industry_cast, pronoun_gender
from casekit.authoring.cases import (
    Case,
    RolePlay,
    read_cases,
    validate_case,
    write_case,
)
from casekit.authoring.diagnosis_guide import (
    DiagnosisGuide,
    build_diagnosis_guide,
    write_diagnosis_guide_docx,
)
from casekit.authoring.interview_outline import (
    InterviewOutline,
    draft_interview_outline,
)
from casekit.authoring.library import case_library, filter_library
from casekit.authoring.roleplays import draft_roleplay
from casekit.authoring.teaching_note import TEACHING_NOTE_PARTS, teaching_note_problems
from casekit.authoring.toolbox import (
    Toolbox,
    build_toolbox,
    write_toolbox_docx,
    write_toolbox_xlsx,
)

__all__ = [
    "TEACHING_NOTE_PARTS",
    "Benefit",
    "Case",
    "Department",
    "DiagnosisGuide",
    "IndustryCast",
    "Namer",
    "InterviewOutline",
    "RolePlay",
    "Toolbox",
    "build_diagnosis_guide",
    "build_toolbox",
    "case_book_markdown",
    "case_library",
    "default_case_id",
    "department_benefit",
    "draft_case",
    "draft_interview_outline",
    "draft_roleplay",
    "filter_library",
    "held_back",
    "industry_cast",
    "pronoun_gender",
    "read_cases",
    "select_for_course",
    "teaching_note_problems",
    "trainee_cases",
    "validate_case",
    "write_case",
    "write_case_book_docx",
    "write_diagnosis_guide_docx",
    "write_toolbox_docx",
    "write_toolbox_xlsx",
]
