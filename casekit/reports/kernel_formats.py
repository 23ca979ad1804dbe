"""Runs *inside* a report kernel, right after a region's notebook: writes the region's Word report
and slides from the :class:`~casekit.reports.region_report.RegionReport` the notebook computed.

The report notebook computes ``report = region_report(bundle, region)``; ``casekit build``
then asks the same kernel to render that very object as ``report.docx`` and ``slides.pptx``
(:func:`write_documents`), so a region's report is computed once, where its notebook runs --
in a local kernel or on a Dask worker alike. A notebook that keeps no ``report`` of that region
(a custom template) gets one computed here. Another kind of report (the follow-up,
:mod:`casekit.reports.report_kinds`) names its own function giving the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from casekit.reports.document import ReportDocument

__all__ = ["DOCUMENT_WRITERS", "named_function", "research_document", "write_documents"]

#: Format id → ``writer(document, path)`` as "module:function" (its file:
#: :data:`casekit.reports.build_state.REPORT_FILES`).
DOCUMENT_WRITERS: dict[str, str] = {
    "docx": "casekit.reports.docx_report:write_report_docx",
    "pptx": "casekit.reports.pptx_report:write_report_pptx",
}


def research_document(namespace: Mapping[str, Any], region_id: str) -> ReportDocument:
    """The research report's document of ``region_id``: from the notebook's own ``report`` when it
    kept one of that region, else computed from ``namespace["bundle_path"]``.

    Parameters
    ----------
    namespace : mapping
        The notebook's global namespace (``globals()`` in the kernel).
    region_id : str
        The region the notebook ran for.

    Returns
    -------
    ReportDocument
    """
    from casekit.reports.region_report import RegionReport, region_report
    from casekit.reports.summary import report_document

    report = namespace.get("report")
    if not (isinstance(report, RegionReport) and report.region_id == region_id):
        from casekit.intake import load_bundle

        report = region_report(load_bundle(namespace["bundle_path"]), region_id)
    return report_document(report)


def write_documents(namespace: Mapping[str, Any], region_id: str, folder: str, formats: Sequence[str],
                    document: str = "casekit.reports.kernel_formats:research_document") -> None:
    """Write the region's document formats into ``folder``.

    Parameters
    ----------
    namespace : mapping
        The notebook's global namespace (``globals()`` in the kernel).
    region_id : str
        The region the notebook ran for.
    folder : str
        Where to write (the region's temporary folder).
    formats : sequence of str
        Ids of :data:`DOCUMENT_WRITERS`.
    document : str
        ``"module:function"`` giving the region's document from ``(namespace, region_id)``: the
        report kind's (:attr:`casekit.reports.report_kinds.ReportKind.document`).
    """
    from casekit.reports.build_state import REPORT_FILES

    made = named_function(document)(namespace, region_id)
    for name in formats:
        named_function(DOCUMENT_WRITERS[name])(made, Path(folder) / REPORT_FILES[name])


def named_function(spec: str) -> Any:
    """The function a ``"module:function"`` string names (a report kind's hooks, the writers)."""
    from importlib import import_module

    module, function = spec.split(":")
    return getattr(import_module(module), function)
