"""Reports: what a region's report shows, CJK fonts and charts, one report notebook per region,
offline HTML, the index, the 课程大纲 a client signs (``outline_document``).

``build_reports`` and ``BuildResult`` are imported on first use: they pull in papermill and
nbconvert, which the report notebook itself (charts, fonts) does not need.
"""

from casekit.reports.charts import (
    dimension_comparison_figure,
    gap_figure,
    plot_dimension_comparison,
    time_allocation_figure,
)
from casekit.reports.fonts import CJKFontNotFoundError, ensure_cjk_font
from casekit.reports.outline_document import (
    outline_docx_bytes,
    outline_markdown,
    write_outline,
)
from casekit.reports.region_report import RegionReport, region_report

__all__ = [
    "BuildResult",
    "CJKFontNotFoundError",
    "RegionReport",
    "build_reports",
    "dimension_comparison_figure",
    "ensure_cjk_font",
    "gap_figure",
    "outline_docx_bytes",
    "outline_markdown",
    "plot_dimension_comparison",
    "region_report",
    "resolve_regions",
    "time_allocation_figure",
    "write_outline",
]

_LAZY = {"BuildResult", "build_reports", "resolve_regions"}


def __getattr__(name: str):
    if name in _LAZY:
        from casekit.reports import build

        return getattr(build, name)
    raise AttributeError(f"module 'casekit.reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
