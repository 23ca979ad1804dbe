"""The 调研报告 of one region as a document: sections of paragraphs, lists, tables and figures.

One model, several renderings. :func:`report_document` (in :mod:`casekit.reports.summary`) turns
a :class:`~casekit.reports.region_report.RegionReport` into a :class:`ReportDocument`; the Word
report (:mod:`casekit.reports.docx_report`), the slide deck (:mod:`casekit.reports.pptx_report`)
and the report notebook's summary, method, causes, recommendations and glossary
(:func:`section_markdown`) all render that one object, so every format says the same thing.

Every string in a document is client-facing Simplified Chinese and is plain text, never markup:
each renderer escapes it for its own format. Tables hold strings only (numbers already formatted,
small groups already hidden), with Chinese column headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Block",
    "Bullets",
    "Figure",
    "Paragraph",
    "ReportDocument",
    "Section",
    "Table",
    "UNSHOWABLE",
    "document_text",
    "plain_text",
    "section_markdown",
]

#: Characters no rendering of a document shows as text: those XML 1.0 cannot hold (C0 controls
#: but tab, newline and carriage return; DEL; lone surrogates; U+FFFE, U+FFFF) and the
#: bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), which
#: would reverse or reorder the text *after* them (a client name ending in U+202E turns the
#: report title beside it backwards).
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
                        "\u202a-\u202e\u2066-\u2069]")


def plain_text(value: object) -> str:
    """``value`` as text every format can show: :data:`UNSHOWABLE` characters dropped.

    Parameters
    ----------
    value : object
        A string (bundle text: hostile); anything else is converted with ``str``; None and a
        missing value (NaN, ``pd.NA``) give "".

    Returns
    -------
    str
        The text without the characters of :data:`UNSHOWABLE`; nothing else changes (markup
        stays the literal text it is: each renderer escapes for its format).
    """
    if value is None:
        return ""
    import pandas as pd

    try:
        if pd.isna(value):  # NaN, NaT, pd.NA: a missing cell shows as nothing
            return ""
    except (TypeError, ValueError):  # not a scalar
        pass
    return UNSHOWABLE.sub("", str(value))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text.

    Attributes
    ----------
    text : str
        The paragraph.
    emphasis : bool
        Shown in bold (a key sentence).
    """

    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted (or numbered) list of plain-text items."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table: string cells, Chinese headers, small groups already hidden.

    Attributes
    ----------
    frame : pandas.DataFrame
        The table; every cell is a ``str``; the index is not shown.
    title : str
        Caption above the table (may be empty).
    note : str
        Note below the table (may be empty).
    """

    frame: pd.DataFrame
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart as a PNG image.

    Attributes
    ----------
    png : bytes
        The image (rendered with the CJK font).
    title : str
        Caption.
    key : str
        Stable id of the chart (``"comparison"``, ``"gaps"``, ``"time_use"``), used by the deck
        to pick its key charts.
    """

    png: bytes
    title: str
    key: str = ""


Block = Union[Paragraph, Bullets, Table, Figure]


@dataclass(frozen=True)
class Section:
    """A titled section: blocks, then subsections (one level deeper).

    Attributes
    ----------
    key : str
        Stable id (``"summary"``, ``"method"``, ``"findings"``, ``"causes"``,
        ``"recommendations"``, ``"appendix"``).
    title : str
        Chinese heading (``"一、执行摘要"``).
    blocks : tuple of Block
        Content, in order.
    subsections : tuple of Section
        Subsections, after the blocks.
    """

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()

    def walk(self, level: int = 1) -> Iterator[tuple[int, Section]]:
        """Yield ``(level, section)`` for this section and every subsection, depth first."""
        yield level, self
        for sub in self.subsections:
            yield from sub.walk(level + 1)


@dataclass(frozen=True)
class ReportDocument:
    """The 调研报告 of one region.

    Attributes
    ----------
    title : str
        ``"北京地区培训需求调研报告"``.
    region_id, region_name : str
        The region.
    client, engagement, period : str
        From the manifest (the client is the region's own client name).
    summary : tuple of str
        The key findings, one plain sentence each, in priority order (the 执行摘要's list; the
        deck's summary slide).
    recommendations : tuple of str
        One sentence per recommendation, leading to the course design and the toolbox.
    sections : tuple of Section
        The whole report in order.
    slide_figures : tuple of Figure
        Charts drawn for a 16:9 slide (one audience per chart); the deck shows these instead of
        the report's tall multi-audience charts when there are any.
    period_label : str
        What ``period`` is called on the cover and the title slide (``调研时间``; the follow-up
        report's ``回访时间``).
    """

    title: str
    region_id: str
    region_name: str
    client: str
    engagement: str
    period: str
    summary: tuple[str, ...]
    recommendations: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)
    slide_figures: tuple[Figure, ...] = field(default_factory=tuple)
    period_label: str = "调研时间"

    def section(self, key: str) -> Section:
        """The top-level or nested section with ``key`` (``KeyError`` if absent)."""
        for top in self.sections:
            for _, sec in top.walk():
                if sec.key == key:
                    return sec
        raise KeyError(key)

    def figures(self) -> list[Figure]:
        """Every figure, in document order."""
        return [b for top in self.sections for _, sec in top.walk() for b in sec.blocks
                if isinstance(b, Figure)]


def _table_lines(table: Table) -> list[str]:
    lines = [table.title] if table.title else []
    frame = table.frame
    lines.append(" ".join(str(c) for c in frame.columns))
    lines.extend(" ".join(str(v) for v in row) for row in frame.itertuples(index=False))
    if table.note:
        lines.append(table.note)
    return lines


def document_text(doc: ReportDocument) -> str:
    """All the text of ``doc`` (headings, paragraphs, list items, table cells, captions), one per line.

    What a client reads, for checks (:func:`casekit.reports.client_text.client_text_problems`)
    and for comparing formats.
    """
    lines = [doc.title, doc.client, doc.engagement, doc.period]
    for top in doc.sections:
        for _, sec in top.walk():
            lines.append(sec.title)
            for block in sec.blocks:
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Bullets):
                    lines.extend(block.items)
                elif isinstance(block, Table):
                    lines.extend(_table_lines(block))
                elif isinstance(block, Figure):
                    lines.append(block.title)
    return "\n".join(line for line in lines if line)


def section_markdown(section: Section, *, level: int = 2, tables: bool = False) -> str:
    """Markdown of a section's text (escaped), for the report notebook.

    Parameters
    ----------
    section : Section
        The section.
    level : int, default 2
        Heading level of the section's title.
    tables : bool, default False
        Include tables as Markdown tables (the notebook usually shows them as DataFrames).

    Returns
    -------
    str
        Markdown in which every piece of document text is escaped
        (:func:`casekit.reports.safe_html.escape_markdown`); figures are left out.
    """
    from casekit.reports.safe_html import escape_markdown as esc

    out: list[str] = []
    for depth, sec in section.walk(level):
        out.append(f"{'#' * min(depth, 6)} {esc(sec.title)}")
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                out.append(f"**{esc(block.text)}**" if block.emphasis else esc(block.text))
            elif isinstance(block, Bullets):
                out.append("\n".join(f"{i}. {esc(item)}" if block.numbered else f"- {esc(item)}"
                                     for i, item in enumerate(block.items, 1)))
            elif isinstance(block, Table) and tables:
                frame = block.frame
                rows = ["| " + " | ".join(esc(c) for c in frame.columns) + " |",
                        "|" + "---|" * len(frame.columns)]
                rows += ["| " + " | ".join(esc(v) for v in r) + " |" for r in frame.itertuples(index=False)]
                if block.title:
                    out.append(f"**{esc(block.title)}**")
                out.append("\n".join(rows))
                if block.note:
                    out.append(esc(block.note))
    return "\n\n".join(out)
