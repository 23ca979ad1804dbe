"""Authoring: what consultants write from the research — interview outlines, the sales toolbox.

* :mod:`casekit.authoring.interview_outline` — the one-on-one interview outline (访谈大纲) drafted
  from a region's survey results (``casekit outline-interview``);
* :mod:`casekit.authoring.toolbox` — each region's sales toolbox as XLSX and DOCX
  (``casekit toolbox``); :mod:`casekit.authoring.docx_writer` — DOCX with East Asian fonts set.

Teaching cases, role-play scripts and the case library are still to come (issue 6).
"""

from casekit.authoring.interview_outline import (
    InterviewOutline,
    draft_interview_outline,
)
from casekit.authoring.toolbox import (
    Toolbox,
    build_toolbox,
    write_toolbox_docx,
    write_toolbox_xlsx,
)

__all__ = [
    "InterviewOutline",
    "Toolbox",
    "build_toolbox",
    "draft_interview_outline",
    "write_toolbox_docx",
    "write_toolbox_xlsx",
]
