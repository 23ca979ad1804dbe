"""Build hook: the report notebooks travel inside the wheel.

``casekit build`` executes ``notebooks/5.0-region-report.ipynb`` (and 7.1 for the follow-up)
once per region. In a checkout it reads them from ``notebooks/``; an installed casekit has no
checkout, so ``build_py`` copies those two notebooks into the package as
``casekit/reports/notebooks/`` (:data:`casekit.paths.PACKAGED_NOTEBOOKS`). There is one source:
the checkout's notebooks, which nbval checks. Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The notebooks ``casekit build`` executes; kept equal to casekit.paths' REPORT_NOTEBOOK and
#: FOLLOWUP_NOTEBOOK (tests/test_packaging.py checks the wheel holds both).
REPORT_NOTEBOOKS = ("5.0-region-report.ipynb", "7.1-follow-up-report.ipynb")


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies the report notebooks into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's notebooks/ directly
            return
        target = Path(self.build_lib) / "casekit" / "reports" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for name in REPORT_NOTEBOOKS:
            shutil.copyfile(ROOT / "notebooks" / name, target / name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
