"""Runs *inside* a report kernel, right after a region's notebook: writes the region's Word report
and slides from the :class:`~casekit.reports.region_report.RegionReport` the notebook computed.

The report notebook computes ``report = region_report(bundle, region)``; ``casekit build``
then asks the same kernel to render that very object as ``report.docx`` and ``slides.pptx``
(:func:`write_documents`), so a region's report is computed once, where its notebook runs --
in a local kernel or on a Dask worker alike. A notebook that keeps no ``report`` of that region
(a custom template) gets one computed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["DOCUMENT_WRITERS", "write_documents"]

#: Format id → ``writer(document, path)`` as "module:function" (its file:
#: :data:`casekit.reports.build_state.REPORT_FILES`).
DOCUMENT_WRITERS: dict[str, str] = {
    "docx": "casekit.reports.docx_report:write_report_docx",
    "pptx": "casekit.reports.pptx_report:write_report_pptx",
}


def write_documents(namespace: Mapping[str, Any], region_id: str, folder: str, formats: Sequence[str]) -> None:
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
    """
    from importlib import import_module

    from casekit.reports.build_state import REPORT_FILES
    from casekit.reports.region_report import RegionReport, region_report
    from casekit.reports.summary import report_document

    report = namespace.get("report")
    if not (isinstance(report, RegionReport) and report.region_id == region_id):
        from casekit.intake import load_bundle

        report = region_report(load_bundle(namespace["bundle_path"]), region_id)
    document = report_document(report)
    for name in formats:
        module, function = DOCUMENT_WRITERS[name].split(":")
        getattr(import_module(module), function)(document, Path(folder) / REPORT_FILES[name])
