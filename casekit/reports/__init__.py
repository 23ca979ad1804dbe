"""Reports: what a region's report shows, CJK fonts and charts, one report notebook per region,
offline HTML, the index, the 课程大纲 a client signs (``outline_document``).

Every name below is imported on first use (PEP 562): importing a light module of this package
(``casekit.reports.fingerprint``, which ``casekit build`` uses to find out that nothing is stale)
must not pull in pandas, matplotlib, papermill or nbconvert.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import Any

# nbformat (papermill, nbconvert) imports jsonschema, which imports the optional rfc3987_syntax
# when installed (jupyterlab's jupyter-events pulls it in) to check the "iri" string format; that
# import compiles a grammar: 1.2-1.6 s in the build process and again in every report kernel. No
# notebook schema uses that format, so casekit's processes go without it: jsonschema then skips
# the "iri" check, as it does wherever the package is not installed. Measured in docs/build.md.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: Public name → the module that defines it.
_WHERE = {
    "BuildResult": "casekit.reports.build",
    "build_reports": "casekit.reports.build",
    "resolve_regions": "casekit.reports.build",
    "CJKFontNotFoundError": "casekit.reports.fonts",
    "ensure_cjk_font": "casekit.reports.fonts",
    "dimension_comparison_figure": "casekit.reports.charts",
    "gap_figure": "casekit.reports.charts",
    "plot_dimension_comparison": "casekit.reports.charts",
    "time_allocation_figure": "casekit.reports.charts",
    "outline_docx_bytes": "casekit.reports.outline_document",
    "outline_markdown": "casekit.reports.outline_document",
    "write_outline": "casekit.reports.outline_document",
    "followup_change_figure": "casekit.reports.followup_report",
    "followup_document": "casekit.reports.followup_report",
    "followup_document_from": "casekit.reports.followup_report",
    "followup_regions": "casekit.reports.followup_report",
    "RegionReport": "casekit.reports.region_report",
    "region_report": "casekit.reports.region_report",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'casekit.reports' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


class _Package(types.ModuleType):
    """This package, whose ``region_report`` is the function, not the module of that name.

    Importing the module ``casekit.reports.region_report`` sets the package attribute of that
    name to the module; the function is what ``from casekit.reports import region_report`` has
    always given, so the attribute is the function the module defines.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
