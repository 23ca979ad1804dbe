"""Every path casekit uses by default (notebooks hard-code none).

Two rules, one per kind of path:

* **What casekit writes** goes, unless told otherwise, into folders relative to the *current
  working directory* at the time of writing, as any command-line tool does: ``./reports/<bundle>``
  (client-facing reports, toolboxes), ``./internal/<bundle>`` (consultant-only tables that name
  staff codes) and ``./research_data/sample`` (``casekit sample``). Never into the checkout or
  the installed package: :func:`bundle_output_dir` is the one place that turns "the default" into
  a folder.
* **What ships with the checkout and is read** -- the report notebook, the sample bundle the
  notebooks and tests read -- is found from the checkout's root (:data:`PROJECT_ROOT`). An
  installed casekit (a wheel, no checkout) carries the report notebooks in the package
  (:data:`PACKAGED_NOTEBOOKS`); its sample bundle is written by ``casekit demo`` or
  ``casekit sample`` into the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "FOLLOWUP_NOTEBOOK",
    "INTERNAL",
    "NOTEBOOKS",
    "PACKAGED_NOTEBOOKS",
    "PROJECT_ROOT",
    "REPORTS",
    "REPORT_NOTEBOOK",
    "RESEARCH_DATA",
    "SAMPLE_BUNDLE",
    "SAMPLE_OUT",
    "bundle_output_dir",
]

# -- read from the checkout ------------------------------------------------------------------------
#: The checkout's root (the folder holding ``pyproject.toml``); override with ``CASEKIT_ROOT``.
PROJECT_ROOT: Path = Path(os.environ.get("CASEKIT_ROOT", Path(__file__).resolve().parent.parent))
RESEARCH_DATA: Path = PROJECT_ROOT / "research_data"
#: The checkout's sample bundle, read by the notebooks and the tests.
SAMPLE_BUNDLE: Path = RESEARCH_DATA / "sample"
NOTEBOOKS: Path = PROJECT_ROOT / "notebooks"
#: Where an installed casekit (a wheel) carries the report notebooks: the build copies them from
#: the checkout's ``notebooks/`` into the package (``setup.py``), so there is one source.
PACKAGED_NOTEBOOKS: Path = Path(__file__).resolve().parent / "reports" / "notebooks"


def _shipped_notebook(name: str) -> Path:
    """The checkout's ``notebooks/<name>`` when there is one (what a consultant edits and the
    tests check), else the copy an installed casekit carries."""
    checkout = NOTEBOOKS / name
    return checkout if checkout.is_file() else PACKAGED_NOTEBOOKS / name


#: The notebook papermill executes once per region.
REPORT_NOTEBOOK: Path = _shipped_notebook("5.0-region-report.ipynb")
#: The notebook papermill executes once per trained region for the follow-up report.
FOLLOWUP_NOTEBOOK: Path = _shipped_notebook("7.1-follow-up-report.ipynb")

# -- written: relative to the working directory -----------------------------------------------------
#: Default root of client-facing outputs (reports, toolboxes): ``reports`` in the working directory.
REPORTS: Path = Path("reports")
#: Default root of consultant-only outputs that name staff codes (e.g. person → segment), never
#: sent to a client: ``internal`` in the working directory.
INTERNAL: Path = Path("internal")
#: Where ``casekit sample`` writes by default: ``research_data/sample`` in the working directory.
SAMPLE_OUT: Path = Path("research_data") / "sample"


def bundle_output_dir(bundle: str, root: Path | str | None = None, *, internal: bool = False) -> Path:
    """Return the folder a bundle's outputs go to: ``<root>/<bundle>``, as an absolute path.

    Parameters
    ----------
    bundle : str
        The bundle's name (``manifest.bundle``).
    root : path-like, optional
        Where the user asked for outputs (``--out``). None: :data:`REPORTS`, or :data:`INTERNAL`
        when ``internal``, in the current working directory. A relative ``root`` is relative to
        the current working directory too.
    internal : bool
        Consultant-only output (it names staff codes): default root :data:`INTERNAL`.

    Returns
    -------
    pathlib.Path
        ``<root>/<bundle>``, absolute (resolved against the working directory now).
    """
    if root is None:
        root = INTERNAL if internal else REPORTS
    return Path(root).resolve() / bundle
