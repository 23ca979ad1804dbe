"""The 调研报告 of one region as a Word document a consultant hands over.

:func:`report_docx_bytes` renders a :class:`~casekit.reports.document.ReportDocument`: a cover
block (title, client, engagement, research period, region), a table of contents (a Word ``TOC``
field whose stored result already lists the headings; Word adds the page numbers when the field
is updated), the sections as Heading 1/2/3, paragraphs (key sentences in bold), bulleted and
numbered lists (each numbered list starts again at 1), real Word tables (header row shaded and
repeated on every page) with their caption and note, figures as pictures with a caption, and a
page number in the footer.

Every run carries the East Asian font (``w:eastAsia``) as well as the Latin one
(:mod:`casekit.authoring.docx_writer`). All document text is plain text: it is written as the
literal characters, never interpreted; characters XML cannot hold (``\\x00``-``\\x08`` …) and
bidirectional overrides (U+202E …, which would turn the text after them backwards) are dropped
(:func:`casekit.reports.document.plain_text`). The same document gives the same bytes (fixed
document properties and ZIP times).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from pathlib import Path

import pandas as pd

from casekit.exceptions import ExportError
from casekit.language import tr
from casekit.files import write_atomic
from casekit.reports.document import Bullets, Figure, Paragraph, ReportDocument, Section, Table, plain_text

__all__ = ["report_date", "report_docx_bytes", "write_report_docx"]

# Characters XML 1.0 cannot hold (lxml refuses them); tab, newline and carriage return are kept.

_A4_CM = (21.0, 29.7)
_MARGIN_CM = 2.5
_FIGURE_MAX_WIDTH_CM = 15.0
_FIGURE_MAX_HEIGHT_CM = 18.0
_HEADING_SIZES = {1: 16.0, 2: 14.0, 3: 12.0}
_HEADING_COLOR = (0x1F, 0x38, 0x64)
_TOC_LEVELS = 2
_PORTRAIT_MAX_COLUMNS = 7  # a table with more columns gets a landscape page


def _ems(text: str) -> float:
    """Width of ``text`` in ems: wide (CJK, full-width) characters 1, others 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _column_widths(frame: pd.DataFrame, total_cm: float, size_pt: float = 9.0) -> list[float]:
    """Column widths (cm) adding up to ``total_cm``.

    Each column first gets what its longest cell needs on one line (at most
    :data:`_SHORT_COLUMN_EMS` ems, at the table's type size, plus the cell's margins), so that a
    short column (人数, 结论, a practice's name) never wraps character by character; the rest of
    the width is shared by the longest text of each column (2 to 20 ems). When even the floors do
    not fit, they are scaled down together.
    """
    em_cm = size_pt / 72 * 2.54
    weights = [min(max(_ems(str(name)), *(_ems(v) for v in frame.iloc[:, i]), 2.0), 20.0)
               for i, name in enumerate(frame.columns)]
    floors = [min(max([_ems(v) for v in frame.iloc[:, i]] + [2.0]), _SHORT_COLUMN_EMS) * em_cm + _CELL_MARGIN_CM
              for i in range(len(frame.columns))]
    if sum(floors) >= total_cm:
        widths = [total_cm * f / sum(floors) for f in floors]
    else:
        spare = total_cm - sum(floors)
        widths = [f + spare * w / sum(weights) for f, w in zip(floors, weights)]
    return [math.floor(w * 100) / 100 for w in widths]  # rounded down: never wider than the page


#: A column's cells up to this many ems wide are kept on one line (wider ones wrap).
_SHORT_COLUMN_EMS = 9.0
#: Left and right cell margins of a Word table (0.19 cm each by default).
_CELL_MARGIN_CM = 0.4


_DATE = re.compile(r"(?P<y>\d{4})[年-](?P<m>\d{1,2})(?:[月-](?P<d>\d{1,2})日?)?月?"
                   r"|至(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日")
#: Written into a document's properties when its period names no date (a fixed value: same bytes).
_NO_DATE = dt.datetime(2000, 1, 1)
#: The author and last editor written into the properties: nobody's name, no tool's.
REPORT_AUTHOR = ""


def report_date(doc: ReportDocument) -> dt.datetime:
    """The last day the report's period names (``2009年2月1日至28日`` → 28 February 2009,
    ``2008-08 至 2008-10`` → 31 October 2008): the date written into a Word or slide file's
    properties, the same for the same document (no clock is read). 1 January 2000 without one."""
    import calendar

    found: list[dt.date] = []
    year = month = None
    for match in _DATE.finditer(str(doc.period or "")):
        try:
            if match["y"]:
                year, month = int(match["y"]), int(match["m"])
                day = int(match["d"]) if match["d"] else calendar.monthrange(year, month)[1]
            elif year is not None:
                month = int(match["m2"]) if match["m2"] else month
                day = int(match["d2"])
            else:
                continue
            found.append(dt.date(year, month, day))
        except (ValueError, TypeError):
            continue
    if not found:
        return _NO_DATE
    last = max(found)
    return dt.datetime(last.year, last.month, last.day)


_clean = plain_text  # document text as Word can hold it: missing → "", unshowable characters dropped


class _Writer:
    """Builds one Word document; keeps the running figure and table numbers."""

    def __init__(self, report: ReportDocument) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Cm, Pt, RGBColor

        from casekit.authoring import docx_writer as dw

        self.dw = dw
        self.report = report
        self.doc = dw.new_document()
        self.doc.core_properties.title = _clean(report.title)[:255]  # the format holds at most 255
        self.doc.core_properties.comments = ""  # the template says "generated by python-docx"
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(_A4_CM[0]), Cm(_A4_CM[1])
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(_MARGIN_CM))
        styles = self.doc.styles
        normal = styles["Normal"].paragraph_format
        normal.space_after = Pt(4)
        normal.line_spacing = 1.25
        for level, size in _HEADING_SIZES.items():
            style = styles[f"Heading {level}"]
            style.font.size = Pt(size)
            style.font.color.rgb = RGBColor(*_HEADING_COLOR)
        caption = styles["Caption"] if "Caption" in [s.name for s in styles] else \
            styles.add_style("Caption", WD_STYLE_TYPE.PARAGRAPH)
        caption.font.size = Pt(9)
        caption.font.bold = False
        caption.font.italic = False
        caption.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        self.styles = {
            "bullet": styles["List Bullet"],
            "number": styles["List Number"],
            "caption": caption,
        }
        self.n_tables = 0
        self.n_figures = 0
        self.landscape = False

    # -- pieces ----------------------------------------------------------------------------

    def run(self, paragraph, text: str, *, bold: bool = False, size: float | None = None,
            color: tuple[int, int, int] | None = None):
        from docx.shared import Pt, RGBColor

        font, latin = getattr(self.doc, "_casekit_fonts", (self.dw.CJK_FONT, self.dw.LATIN_FONT))
        run = paragraph.add_run(_clean(text))
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = RGBColor(*color)
        self.dw.set_run_fonts(run, font, latin)
        return run

    def paragraph(self, text: str = "", *, style=None, bold: bool = False, size: float | None = None,
                  color: tuple[int, int, int] | None = None):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            self.run(paragraph, text, bold=bold, size=size, color=color)
        return paragraph

    def cover(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
        from docx.shared import Pt

        report = self.report
        for _ in range(4):
            self.doc.add_paragraph()
        title = self.paragraph(report.title, bold=True, size=24, color=_HEADING_COLOR)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(36)
        lines = (("客户", report.client), ("项目", report.engagement),
                 (report.period_label, report.period), ("地区", report.region_name))
        for label, value in lines:
            if not _clean(value).strip():
                continue
            line = self.doc.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            line.paragraph_format.space_after = Pt(6)
            self.run(line, f"{label}：", bold=True, size=12)
            self.run(line, value, size=12)
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents(self) -> None:
        """A ``TOC`` field whose stored result lists the headings (levels 1-2)."""
        from docx.enum.text import WD_BREAK
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        heading = self.paragraph("目录", bold=True, size=16, color=_HEADING_COLOR)
        heading.paragraph_format.space_after = Pt(12)
        entries = [(level, _clean(sec.title)) for top in self.report.sections
                   for level, sec in top.walk() if level <= _TOC_LEVELS and _clean(sec.title).strip()]
        if not entries:
            entries = [(1, "")]

        def fld_char(paragraph, kind: str) -> None:
            run = paragraph.add_run()
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)

        last = None
        for i, (level, text) in enumerate(entries):
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.75 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(3)
            if i == 0:
                fld_char(paragraph, "begin")
                run = paragraph.add_run()
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = ' TOC \\o "1-%d" \\h \\z \\u ' % _TOC_LEVELS
                run._r.append(instr)
                fld_char(paragraph, "separate")
            if text:
                self.run(paragraph, text, bold=level == 1, size=11 if level == 1 else 10.5)
            last = paragraph
        fld_char(last, "end")
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bullets(self, block: Bullets) -> None:
        style = self.styles["number" if block.numbered else "bullet"]
        paragraphs = [self.paragraph(item, style=style) for item in block.items]
        if block.numbered and paragraphs:
            self.restart_numbering(paragraphs)

    def restart_numbering(self, paragraphs) -> None:
        """Give a numbered list its own numbering instance, so it starts at 1."""
        style_numpr = self.styles["number"].element.pPr.numPr
        numbering = self.doc.part.numbering_part.element
        abstract_id = numbering.num_having_numId(style_numpr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for paragraph in paragraphs:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num.numId

    def table(self, block: Table) -> None:
        from docx.shared import Cm, Pt

        frame = block.frame
        if len(frame.columns) == 0:
            return
        wide = len(frame.columns) > _PORTRAIT_MAX_COLUMNS
        self.orient(landscape=wide)
        self.n_tables += 1
        if block.title:
            caption = self.paragraph(f"表{self.n_tables}　{_clean(block.title)}", style=self.styles["caption"],
                                     bold=True)
            caption.paragraph_format.keep_with_next = True
            caption.paragraph_format.space_before = Pt(6)
        clean = frame.copy()
        clean.columns = [_clean(c) for c in frame.columns]
        clean = clean.map(_clean) if len(clean) else clean
        widths = _column_widths(clean, _A4_CM[1 if wide else 0] - 2 * _MARGIN_CM, 9 if not wide else 8)
        table = self.dw.add_table(self.doc, clean, size=9 if not wide else 8, widths_cm=widths)
        table.autofit = False
        for column, width in zip(table.columns, widths):  # LibreOffice lays out by the grid
            column.width = Cm(width)
        for row in table.rows:  # compact rows: body spacing is for running text
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_before = Pt(1)
                    paragraph.paragraph_format.space_after = Pt(1)
                    paragraph.paragraph_format.line_spacing = 1.0
        if block.note:
            note = self.paragraph(block.note, size=9, color=(0x40, 0x40, 0x40))
            note.paragraph_format.space_before = Pt(3)
        else:
            self.doc.add_paragraph().paragraph_format.space_after = Pt(0)

    def orient(self, *, landscape: bool) -> None:
        """Go on in landscape (wide tables) or portrait (everything else): a new page if it changes."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Cm

        if landscape == self.landscape:
            return
        self.landscape = landscape
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short, long = Cm(_A4_CM[0]), Cm(_A4_CM[1])
        section.page_width, section.page_height = (long, short) if landscape else (short, long)

    def figure(self, block: Figure) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(block.png)) as image:
                width_px, height_px = image.size
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ExportError(tr(f"图表《{block.title}》（{block.key or '无编号'}）不是可读的图片：{exc}",
                                 f"figure {block.title!r} ({block.key or 'no key'}) is not a readable "
                                 f"image: {exc}")) from None
        width = _FIGURE_MAX_WIDTH_CM
        if height_px and width * height_px / max(width_px, 1) > _FIGURE_MAX_HEIGHT_CM:
            width = _FIGURE_MAX_HEIGHT_CM * width_px / height_px
        self.n_figures += 1
        picture = self.doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(block.png), width=Cm(width))
        caption = self.paragraph(f"图{self.n_figures}　{_clean(block.title)}", style=self.styles["caption"])
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def section(self, level: int, section: Section) -> None:
        first = section.blocks[0] if section.blocks else None  # a heading stays with its wide table
        self.orient(landscape=isinstance(first, Table) and len(first.frame.columns) > _PORTRAIT_MAX_COLUMNS)
        if _clean(section.title).strip():
            self.dw.add_heading(self.doc, _clean(section.title), level=min(level, 3))
        for block in section.blocks:
            if not isinstance(block, Table):
                self.orient(landscape=False)
            if isinstance(block, Paragraph):
                if _clean(block.text):
                    self.paragraph(block.text, bold=block.emphasis)
            elif isinstance(block, Bullets):
                self.bullets(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Figure):
                self.figure(block)

    def build(self):
        self.cover()
        self.contents()
        for top in self.report.sections:
            for level, section in top.walk():
                self.section(level, section)
        self.dw.add_page_numbers(self.doc)
        return self.doc


def report_docx_bytes(doc: ReportDocument) -> bytes:
    """The 调研报告 ``doc`` as a Word document (``.docx`` bytes).

    Parameters
    ----------
    doc : ReportDocument
        The report (plain-text strings; tables of strings; figures as PNG).

    Returns
    -------
    bytes
        An A4 ``.docx``: cover block, table of contents, Heading 1/2/3 sections, paragraphs,
        lists, tables with a shaded header row repeated on every page, figures with captions,
        page numbers; every run with an East Asian font. The same document gives the same bytes
        (dated :func:`report_date`, no author).

    Raises
    ------
    ExportError
        If a figure's ``png`` is not a readable image.
    """
    writer = _Writer(doc)
    return writer.dw.document_bytes(writer.build(), when=report_date(doc), author=REPORT_AUTHOR)


def write_report_docx(doc: ReportDocument, path: str | Path) -> Path:
    """Write :func:`report_docx_bytes` of ``doc`` to ``path`` atomically (the folder is created).

    The report is rebuilt from the research every time (like ``report.html``): an existing file
    is replaced.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        If a figure is not a readable image (nothing written).
    OutputError
        If the file cannot be written (an existing file is left as it was).
    """
    path = Path(path)
    write_atomic(path, report_docx_bytes(doc))
    return path
