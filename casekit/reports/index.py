"""The per-bundle index page, ``<out>/<bundle>/index.html``: the programme view and the reports.

Given a :class:`~casekit.reports.programme.ProgrammeOverview` (``casekit build`` computes one per
build), the page is a one-page overview of the engagement for the client's programme lead: who
took part, the list of region reports (each format linked, see :func:`region_links`), regions
side by side on each dimension with the claimed findings marked, and each region's findings and
course at a glance. Without one it is the list of region reports only.

What the page lists is kept in ``index.json`` next to it, so that a build of some regions keeps
the others' rows, and a region whose rebuild failed keeps a link to its previous report, marked
as out of date. The page is static, Simplified Chinese and opens offline.

Every text on the page (client, engagement, period, region names) is escaped by the template's
autoescape, and the page carries :data:`casekit.reports.safe_html.CONTENT_SECURITY_POLICY` (no
script, nothing loaded from elsewhere).

The page is for the client: it shows each region's status in Chinese and never the error behind
a failure (English tracebacks, local paths, possibly data values). The error is kept in
``index.json`` and reported by the build (``BuildResult.failed``, the command line).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.files import write_atomic
from casekit.reports.build_state import REPORT_FILES
from casekit.reports.document import plain_text
from casekit.reports.safe_html import CONTENT_SECURITY_POLICY

from casekit.reports.programme import NO_DIFFERENCE

if TYPE_CHECKING:  # pragma: no cover
    from casekit.reports.programme import ProgrammeOverview

__all__ = [
    "FAILURE_HINT",
    "FORMAT_FILES",
    "INDEX_HTML",
    "INDEX_JSON",
    "STATUS_LABELS",
    "RegionEntry",
    "load_entries",
    "region_links",
    "write_index",
]

INDEX_HTML = "index.html"
INDEX_JSON = "index.json"
REPORT_HTML = REPORT_FILES["html"]

#: Status id → what the index says.
STATUS_LABELS: Mapping[str, str] = {
    "ok": "已生成",
    "stale": "生成失败；已过期，显示上次报告",
    "outdated": "调研数据已更新，待重新生成；显示上次报告",
    "failed": "生成失败，暂无报告",
}

#: The only explanation of a failure the page gives (the error itself is in the build log).
FAILURE_HINT = "请查看构建日志"

#: Report format → (file in the region's folder, what the link says), in the order linked.
FORMAT_FILES: Mapping[str, tuple[str, str]] = {
    fmt: (REPORT_FILES[fmt], label)
    for fmt, label in (("html", "网页版"), ("docx", "Word 文档"), ("pdf", "PDF 文件"), ("pptx", "演示文稿"))
}


@dataclass(frozen=True)
class RegionEntry:
    """One row of the index.

    Parameters
    ----------
    region_id : str
        Manifest id; the report lives in ``<region_id>/report.html``.
    name : str
        Chinese name of the region.
    status : str
        ``"ok"`` (built by the last build of this region), ``"stale"`` (the last build failed,
        an older report is kept), ``"outdated"`` (not rebuilt since its inputs changed: a build
        of other regions saw new data; its report is kept) or ``"failed"`` (failed, no report).
    built_at : str or None
        Local time of the report shown (``YYYY-MM-DD HH:MM``), None when there is none.
    error : str or None
        Why the last build of the region failed (kept in ``index.json``, never shown on the
        page).
    formats : tuple of str
        The formats of the report shown (``"html"``, ``"pdf"``, ``"docx"``, ``"pptx"``; see
        :data:`casekit.reports.build.FORMATS`); empty when there is none.
    """

    region_id: str
    name: str
    status: str
    built_at: str | None = None
    error: str | None = None
    formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", tuple(self.formats))  # index.json stores a list

    @property
    def has_report(self) -> bool:
        return self.status in ("ok", "stale", "outdated")


def region_links(entry: RegionEntry) -> list[tuple[str, str]]:
    """The links of a region's report: ``(href, label)`` per format it was built in.

    The formats are the entry's ``formats`` attribute when it has one (default ``("html",)``),
    in the order of :data:`FORMAT_FILES`; unknown formats are skipped. Empty without a report.
    """
    if not entry.has_report:
        return []
    formats = set(getattr(entry, "formats", None) or ("html",)) | {"html"}
    return [(f"{entry.region_id}/{name}", label) for fmt, (name, label) in FORMAT_FILES.items() if fmt in formats]


def load_entries(out_dir: Path) -> dict[str, RegionEntry]:
    """Read the rows of the index in ``out_dir`` (empty when there is none or it is unreadable).

    Rows whose report folder has since been deleted are dropped.
    """
    path = Path(out_dir) / INDEX_JSON
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = {e["region_id"]: RegionEntry(**e) for e in raw["regions"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        rid: e
        for rid, e in entries.items()
        if not e.has_report or (Path(out_dir) / rid / REPORT_HTML).is_file()
    }


def _showable(value: Any) -> Any:
    """Every text the page prints, without control or bidirectional-override characters.

    Bundle text may end in U+202E (which turns the rest of its line backwards: the research
    period beside the engagement) or carry control characters (shown as boxes); markup the
    template itself makes (``Markup``) is left alone.
    """
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return plain_text(value)
    return value


@lru_cache(maxsize=1)
def _template() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        finalize=_showable,
    )
    return env.get_template("casekit_index.html.j2")


def _render(entries: list[RegionEntry], *, client: str, engagement: str, period: str, bundle: str,
            overview: ProgrammeOverview | None = None, heading: str = "区域调研报告",
            period_label: str = "调研时间") -> str:
    by_id = {e.region_id: e for e in entries}
    return _template().render(
        entries=entries,
        by_id=by_id,
        links={e.region_id: region_links(e) for e in entries},
        overview=overview,
        no_difference=NO_DIFFERENCE,
        labels=STATUS_LABELS,
        failure_hint=FAILURE_HINT,
        client=client,
        engagement=engagement,
        period=period,
        bundle=bundle,
        heading=heading,
        period_label=period_label,
        n_ok=sum(e.status == "ok" for e in entries),
        n_failed=sum(e.status in ("stale", "failed") for e in entries),
        n_outdated=sum(e.status == "outdated" for e in entries),
        report_html=REPORT_HTML,
        content_security_policy=CONTENT_SECURITY_POLICY,
    )


def write_index(
    out_dir: Path,
    entries: Iterable[RegionEntry],
    *,
    client: str,
    engagement: str = "",
    period: str = "",
    bundle: str = "",
    overview: ProgrammeOverview | None = None,
    heading: str = "区域调研报告",
    period_label: str = "调研时间",
) -> Path:
    """Write ``index.html`` and ``index.json`` into ``out_dir`` (each replaced atomically).

    Parameters
    ----------
    out_dir : pathlib.Path
        The bundle's report folder, ``<out>/<bundle>``.
    entries : iterable of RegionEntry
        The rows, in the order shown.
    client, engagement, period, bundle : str
        Header of the page (from the manifest).
    overview : ProgrammeOverview, optional
        :func:`casekit.reports.programme.programme_overview` of the bundle: the page then shows
        the engagement at a glance (who took part, regions side by side on each dimension, each
        region's findings and course) above the list of reports; None: the list only.
    heading : str
        What the reports are called in the page's title and heading (``区域调研报告``,
        ``培训后跟踪评估报告``; :attr:`casekit.reports.report_kinds.ReportKind.title`).
    period_label : str
        What ``period`` is called in the header (``调研时间``; the follow-up's ``回访时间``).

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    entries = list(entries)
    payload = {"bundle": bundle, "regions": [asdict(e) for e in entries]}
    write_atomic(out_dir / INDEX_JSON, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    html = _render(entries, client=client, engagement=engagement, period=period, bundle=bundle, overview=overview,
                   heading=heading, period_label=period_label)
    index = out_dir / INDEX_HTML
    write_atomic(index, html)
    return index
