"""The kinds of report ``casekit build`` makes: the research report (区域调研报告) and, once the
course has run, the follow-up report (培训后跟踪评估报告).

A kind names everything the build does differently for it: the notebook papermill executes per
region, the folder its reports are published in, the page titles, which bundle files its reports
depend on, which regions it builds by default, and the function that hands the Word and slide
writers the region's :class:`~casekit.reports.document.ReportDocument` in the kernel. Everything
else -- kernels, formats, rebuilding only what changed, publishing, the index, Dask -- is the
same machinery.

* **research**: ``notebooks/5.0-region-report.ipynb`` into ``<out>/<bundle>/<region>/``; one
  report per top-level region by default (cities on request). Its reports do not depend on the
  bundle's ``followup/`` folder: adding or editing the follow-up rebuilds none of them.
* **followup**: ``notebooks/7.1-follow-up-report.ipynb`` into
  ``<out>/<bundle>/follow-up/<region>/`` (a hyphen: no region id can take that name), with its
  own index; one report per top-level region that had trainees. Every bundle file is an input.

This module imports only the standard library and casekit's light modules: the no-op check of
``casekit build`` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from casekit.paths import FOLLOWUP_NOTEBOOK, REPORT_NOTEBOOK

__all__ = ["FOLLOWUP_FOLDER", "REPORT_KINDS", "ReportKind", "report_kind"]

#: The follow-up reports' folder in ``<out>/<bundle>`` (and the bundle's follow-up folder's name).
FOLLOWUP_FOLDER = "follow-up"


@dataclass(frozen=True)
class ReportKind:
    """What makes one kind of region report.

    Attributes
    ----------
    id : str
        ``"research"`` or ``"followup"`` (``casekit build --report``).
    notebook : pathlib.Path
        The report template executed once per region.
    folder : str
        Sub-folder of ``<out>/<bundle>`` the reports, their index and the build record go in
        (``""``: the bundle's folder itself).
    title : str
        What a region's page title and the index call the report (``北京 · 区域调研报告``).
    reads_followup : bool
        Whether the reports depend on the bundle's ``followup/`` files (their keys include them).
    document : str
        ``"module:function"`` of ``function(namespace, region_id) -> ReportDocument``, run in the
        region's kernel after its notebook (the notebook's globals as ``namespace``) for the Word
        report and the slides.
    regions : str
        ``"module:function"`` of ``function(bundle, asked) -> list[str]``: the regions to build
        (``asked``: ids or names, or None for the default), raising
        :class:`~casekit.exceptions.RegionError` for one the kind cannot report on.
    """

    id: str
    notebook: Path
    folder: str
    title: str
    reads_followup: bool
    document: str
    regions: str

    def inputs(self, files: Mapping[str, str]) -> dict[str, str]:
        """The bundle files (relative path → digest) this kind's reports depend on."""
        from casekit.reports.fingerprint import without_followup

        return dict(files) if self.reads_followup else without_followup(files)

    def out_dir(self, bundle_dir: Path) -> Path:
        """Where this kind's reports of a bundle go, given the bundle's reports folder."""
        return bundle_dir / self.folder if self.folder else bundle_dir


REPORT_KINDS: Mapping[str, ReportKind] = {
    "research": ReportKind(
        id="research", notebook=REPORT_NOTEBOOK, folder="", title="区域调研报告", reads_followup=False,
        document="casekit.reports.kernel_formats:research_document",
        regions="casekit.reports.build:research_regions",
    ),
    "followup": ReportKind(
        id="followup", notebook=FOLLOWUP_NOTEBOOK, folder=FOLLOWUP_FOLDER, title="培训后跟踪评估报告",
        reads_followup=True,
        document="casekit.reports.followup_report:followup_document_from",
        regions="casekit.reports.build:followup_report_regions",
    ),
}


def report_kind(kind: str | ReportKind) -> ReportKind:
    """The :class:`ReportKind` of an id (a kind is returned as it is).

    Raises
    ------
    casekit.exceptions.ReportKindError
        For an unknown id (the message lists the known ones).
    """
    if isinstance(kind, ReportKind):
        return kind
    found = REPORT_KINDS.get(str(kind).strip().lower().replace("-", ""))
    if found is None:
        from casekit.exceptions import ReportKindError

        raise ReportKindError(str(kind), tuple(REPORT_KINDS))
    return found

