"""Every path casekit uses by default, built from the project root (notebooks hard-code none)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["INTERNAL", "NOTEBOOKS", "PROJECT_ROOT", "REPORTS", "REPORT_NOTEBOOK", "RESEARCH_DATA", "SAMPLE_BUNDLE"]

#: The checkout's root (the folder holding ``pyproject.toml``); override with ``CASEKIT_ROOT``.
PROJECT_ROOT: Path = Path(os.environ.get("CASEKIT_ROOT", Path(__file__).resolve().parent.parent))
RESEARCH_DATA: Path = PROJECT_ROOT / "research_data"
SAMPLE_BUNDLE: Path = RESEARCH_DATA / "sample"
REPORTS: Path = PROJECT_ROOT / "reports"
#: Consultant-only outputs that name staff codes (e.g. person → segment); never sent to a client.
INTERNAL: Path = PROJECT_ROOT / "internal"
NOTEBOOKS: Path = PROJECT_ROOT / "notebooks"
#: The notebook papermill executes once per region.
REPORT_NOTEBOOK: Path = NOTEBOOKS / "5.0-region-report.ipynb"
