"""The 调研报告 of one region as a 16:9 slide deck for presenting to the client.

:func:`report_pptx_bytes` renders a :class:`~casekit.reports.document.ReportDocument` as:

1. a title slide (title, client, engagement, research period);
2. 执行摘要: the key findings (``doc.summary``), numbered, over as many slides as they need;
3. one slide per chart (``doc.figures()``; the key charts ``comparison``, ``gaps``, ``time_use``
   first), the picture scaled to fit; then a slide per table of a ``results`` section (the
   follow-up report's sales), when there is one;
4. 建议: ``doc.recommendations``, numbered, over as many slides as they need;
5. a course-at-a-glance slide per table of the ``recommendations`` section (one per audience), as
   a real table whose header row is repeated when its rows continue on the next slide.

Nothing may run off a slide: the height of every text box and table row is estimated from the
number of characters (a Chinese character is one em wide, a Latin one about half), the font size
and the box width, and what does not fit goes on a continuation slide. Every run carries a Latin
(``a:latin``) and an East Asian (``a:ea``) typeface: python-pptx sets only the Latin one, and
PowerPoint would otherwise draw Chinese in whatever its theme says.

All document text is plain text, written as literal characters; characters XML cannot hold and
bidirectional overrides are dropped (:func:`casekit.reports.document.plain_text`: a client name
ending in U+202E would otherwise turn the title beside it in every footer backwards) and line breaks become spaces. The same document gives the same bytes (fixed document
properties and ZIP times).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from casekit.exceptions import ExportError
from casekit.language import tr
from casekit.files import write_atomic
from casekit.reports.document import Bullets, Figure, Paragraph, ReportDocument, Table, plain_text

__all__ = [
    "EA_FONT",
    "KEY_FIGURES",
    "LATIN_FONT",
    "SLIDE_SIZE",
    "report_pptx_bytes",
    "write_report_pptx",
]

#: East Asian typeface of every run (Microsoft YaHei, on every Chinese Windows and in WPS).
EA_FONT = "微软雅黑"
#: Latin typeface of every run.
LATIN_FONT = "Arial"
#: Slide width and height in EMU (13.333 in × 7.5 in, 16:9).
SLIDE_SIZE = (12192000, 6858000)
#: Figure keys shown first, in this order.
KEY_FIGURES = ("comparison", "gaps", "time_use")

_WHITESPACE = re.compile(r"\s+")

_EMU_PER_INCH = 914400
_EMU_PER_PT = 12700
_MARGIN = int(0.6 * _EMU_PER_INCH)
_TITLE_TOP = int(0.35 * _EMU_PER_INCH)
_TITLE_HEIGHT = int(0.8 * _EMU_PER_INCH)
_BODY_TOP = int(1.45 * _EMU_PER_INCH)
_FOOTER_TOP = int(7.0 * _EMU_PER_INCH)
_FOOTER_HEIGHT = int(0.3 * _EMU_PER_INCH)
_BODY_BOTTOM = int(6.85 * _EMU_PER_INCH)
_INSET = int(0.08 * _EMU_PER_INCH)
_CELL_INSET_X = int(0.1 * _EMU_PER_INCH)
_CELL_INSET_Y = int(0.05 * _EMU_PER_INCH)
_LIST_INDENT = int(0.45 * _EMU_PER_INCH)

_LINE_SPACING = 1.25  # every paragraph's exact line spacing, in font sizes (so heights are known)
_SAFETY = 1.08  # wrapping wastes part of a line: count text this much wider
_TEXT_SIZE = 20.0
_TABLE_SIZE = 14.0
_ITEM_GAP_PT = 8.0

_DARK = (0x1F, 0x38, 0x64)
_ACCENT = (0x2E, 0x75, 0xB6)
_GREY = (0x59, 0x59, 0x59)


def _clean(value: object) -> str:
    """Document text as one line a slide can hold: missing → "", forbidden characters dropped."""
    return _WHITESPACE.sub(" ", plain_text(value)).strip()


def _ems(text: str) -> float:
    """Width of ``text`` in ems: wide (CJK, full-width) characters 1, others 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _lines(text: str, size_pt: float, width_emu: int) -> int:
    """Lines ``text`` takes at ``size_pt`` in a box ``width_emu`` wide (at least 1)."""
    per_line = max(width_emu / _EMU_PER_PT / size_pt, 1.0)
    return max(1, math.ceil(_ems(text) * _SAFETY / per_line))


def _line_height(size_pt: float) -> int:
    return int(size_pt * _LINE_SPACING * _EMU_PER_PT)


def _fit(text: str, size_pt: float, width_emu: int, max_lines: int) -> str:
    """``text`` cut (with an ellipsis) to what fits in ``max_lines`` lines: for titles and footers."""
    if _lines(text, size_pt, width_emu) <= max_lines:
        return text
    per_line = max(width_emu / _EMU_PER_PT / size_pt, 1.0)
    text = text[: int(max_lines * per_line / 0.55) + 2]  # more than fits: the cut looks no further
    return _split_to_fit(text + "…", size_pt, width_emu, max_lines)[0][:-1] + "…"


def _split_to_fit(text: str, size_pt: float, width_emu: int, max_lines: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_lines`` lines each (for a sentence longer than a slide)."""
    pieces, current = [], ""
    for ch in text:
        if current and _lines(current + ch, size_pt, width_emu) > max_lines:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def _sentences(paragraphs: Sequence[str]) -> list[str]:
    """Paragraphs as one item per sentence (a slide reads better in points than in a block)."""
    return [part + "。" for text in paragraphs for part in str(text).split("。") if part.strip()]


def _greedy(heights: Sequence[int], budget: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, h in enumerate(heights):
        if i > start and used + h > budget:
            spans.append((start, i))
            start, used = i, 0
        used += h
    if start < len(heights):
        spans.append((start, len(heights)))
    return spans


def _paginate(heights: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Cut items of ``heights`` into ``(start, stop)`` pages of at most ``budget`` each, as few
    pages as filling each page gives, and those pages as even as possible (4 + 4, not 6 + 2)."""
    spans = _greedy(heights, budget)
    if len(spans) <= 1:
        return spans
    target = max(max(heights), sum(heights) // len(spans))
    while target < budget:
        even = _greedy(heights, target)
        if len(even) == len(spans):
            return even
        target += max(1, budget // 50)
    return spans


@dataclass(frozen=True)
class _Item:
    number: int
    text: str
    continued: bool = False  # the rest of an item cut over two slides (no number)


class _Deck:
    """Builds one presentation; numbers the slides as they are added."""

    def __init__(self, report: ReportDocument) -> None:
        from pptx import Presentation

        self.report = report
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_SIZE
        self.blank = self.prs.slide_layouts[6]
        self.footer_text = " · ".join(t for t in (_clean(report.client), _clean(report.title)) if t)

    # -- text -------------------------------------------------------------------------------

    @staticmethod
    def fonts(run, *, size: float, bold: bool = False, color: tuple[int, int, int] | None = None) -> None:
        """Size, weight, colour and both typefaces of one run (``a:latin`` then ``a:ea``)."""
        from pptx.dml.color import RGBColor
        from pptx.oxml.ns import qn
        from pptx.oxml.xmlchemy import OxmlElement
        from pptx.util import Pt

        font = run.font
        font.size = Pt(size)
        font.bold = bold
        if color is not None:
            font.color.rgb = RGBColor(*color)
        font.name = LATIN_FONT  # a:latin, in its schema position
        rpr = run._r.get_or_add_rPr()
        for old in rpr.findall(qn("a:ea")):
            rpr.remove(old)
        ea = OxmlElement("a:ea")
        ea.set("typeface", EA_FONT)
        rpr.find(qn("a:latin")).addnext(ea)

    def text_box(self, slide, left: int, top: int, width: int, height: int):
        from pptx.enum.text import MSO_AUTO_SIZE

        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.margin_left = frame.margin_right = _INSET
        frame.margin_top = frame.margin_bottom = _INSET
        return box

    def add_text(self, paragraph, text: str, **kw) -> None:
        from pptx.util import Pt

        paragraph.line_spacing = Pt(kw["size"] * _LINE_SPACING)  # exact: the estimate holds everywhere
        run = paragraph.add_run()
        run.text = text
        self.fonts(run, **kw)

    # -- slides -----------------------------------------------------------------------------

    def new_slide(self, title: str):
        """A blank slide with ``title`` at the top, an accent rule and the footer."""
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

        slide = self.prs.slides.add_slide(self.blank)
        width = SLIDE_SIZE[0] - 2 * _MARGIN
        size = 28.0
        while size > 18 and _lines(title, size, width - 2 * _INSET) > 1:
            size -= 2
        max_lines = max(1, (_TITLE_HEIGHT - 2 * _INSET) // _line_height(size))
        title = _fit(title, size, width - 2 * _INSET, max_lines)
        box = self.text_box(slide, _MARGIN, _TITLE_TOP, width, _TITLE_HEIGHT)
        box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        self.add_text(box.text_frame.paragraphs[0], title, size=size, bold=True, color=_DARK)
        rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _MARGIN, _TITLE_TOP + _TITLE_HEIGHT + int(0.08 * _EMU_PER_INCH),
                                      width, int(0.04 * _EMU_PER_INCH))
        rule.fill.solid()
        rule.fill.fore_color.rgb = RGBColor(*_ACCENT)
        rule.line.fill.background()
        number = len(self.prs.slides)
        footer_width = int(width * 0.8)
        if self.footer_text:
            left = self.text_box(slide, _MARGIN, _FOOTER_TOP, footer_width, _FOOTER_HEIGHT)
            footer = _fit(self.footer_text, 10, footer_width - 2 * _INSET, 1)
            self.add_text(left.text_frame.paragraphs[0], footer, size=10, color=_GREY)
        right = self.text_box(slide, _MARGIN + footer_width, _FOOTER_TOP, width - footer_width, _FOOTER_HEIGHT)
        right.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        self.add_text(right.text_frame.paragraphs[0], str(number), size=10, color=_GREY)
        return slide

    def title_slide(self) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

        report = self.report
        slide = self.prs.slides.add_slide(self.blank)
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_SIZE[0], int(0.25 * _EMU_PER_INCH))
        band.fill.solid()
        band.fill.fore_color.rgb = RGBColor(*_ACCENT)
        band.line.fill.background()
        width = SLIDE_SIZE[0] - 2 * _MARGIN
        title = _clean(report.title)
        size = 40.0
        while size > 24 and _lines(title, size, width - 2 * _INSET) > 2:
            size -= 2
        title = _fit(title, size, width - 2 * _INSET, 3)
        height = _lines(title, size, width - 2 * _INSET) * _line_height(size) + 2 * _INSET
        top = int(2.0 * _EMU_PER_INCH)
        box = self.text_box(slide, _MARGIN, top, width, height)
        box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        box.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
        self.add_text(box.text_frame.paragraphs[0], title, size=size, bold=True, color=_DARK)
        details = [f"{label}：{_clean(value)}" for label, value in
                   (("客户", report.client), ("项目", report.engagement), (report.period_label, report.period))
                   if _clean(value)]
        if details:
            sub_size = 18.0
            details = [_fit(d, sub_size, width - 2 * _INSET, 2) for d in details]
            sub_lines = sum(_lines(d, sub_size, width - 2 * _INSET) for d in details)
            sub_top = top + height + int(0.4 * _EMU_PER_INCH)
            sub_height = min(sub_lines * _line_height(sub_size) + 2 * _INSET, _BODY_BOTTOM - sub_top)
            box = self.text_box(slide, _MARGIN, sub_top, width, sub_height)
            frame = box.text_frame
            for i, detail in enumerate(details):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                paragraph.alignment = PP_ALIGN.CENTER
                self.add_text(paragraph, detail, size=sub_size, color=_GREY)

    def numbered_slides(self, title: str, texts: Sequence[str], size: float = _TEXT_SIZE,
                        notes: Sequence[str] = ()) -> None:
        """``texts`` as a numbered list over as many slides as they need (``title（续）`` after the first).

        ``notes`` follow the list unnumbered (a caveat the list must not be read without).
        """
        width = SLIDE_SIZE[0] - 2 * _MARGIN
        text_width = width - 2 * _INSET - _LIST_INDENT
        budget = _BODY_BOTTOM - _BODY_TOP - 2 * _INSET
        gap = int(_ITEM_GAP_PT * _EMU_PER_PT)
        max_lines = max(1, (budget - gap) // _line_height(size))
        items: list[_Item] = []
        for number, text in enumerate((_clean(t) for t in texts), 1):
            for k, piece in enumerate(_split_to_fit(text, size, text_width, max_lines) or [""]):
                items.append(_Item(number, piece, continued=k > 0))
        for text in (_clean(t) for t in notes):
            for piece in _split_to_fit(text, size, text_width, max_lines) or [""]:
                items.append(_Item(0, piece, continued=True))  # no number, no hanging indent

        def height(item: _Item) -> int:
            return _lines(item.text, size, text_width) * _line_height(size) + gap

        pages = _paginate([height(item) for item in items], budget)
        for i, span in enumerate(pages):
            page = items[span[0]:span[1]]
            slide = self.new_slide(title if i == 0 else f"{title}（续）")
            box_height = sum(height(item) for item in page) + 2 * _INSET
            box = self.text_box(slide, _MARGIN, _BODY_TOP, width, box_height)
            frame = box.text_frame
            for j, item in enumerate(page):
                paragraph = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
                self.list_paragraph(paragraph, item)
                self.add_text(paragraph, item.text, size=size, color=(0x26, 0x26, 0x26))

    @staticmethod
    def list_paragraph(paragraph, item: _Item) -> None:
        """Hanging indent, a number (``1.``) or none for a continued item, space after."""
        from pptx.oxml.ns import qn
        from pptx.oxml.xmlchemy import OxmlElement
        from pptx.util import Pt

        paragraph.space_after = Pt(_ITEM_GAP_PT)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.set("marL", str(_LIST_INDENT))
        ppr.set("indent", str(-_LIST_INDENT if not item.continued else 0))
        for tag in ("a:buNone", "a:buAutoNum", "a:buChar", "a:buFont", "a:buClr", "a:buSzPct"):
            for old in ppr.findall(qn(tag)):
                ppr.remove(old)
        clr = OxmlElement("a:buClr")
        srgb = OxmlElement("a:srgbClr")
        srgb.set("val", "%02X%02X%02X" % _ACCENT)
        clr.append(srgb)
        font = OxmlElement("a:buFont")
        font.set("typeface", LATIN_FONT)
        if item.continued:
            bullet = OxmlElement("a:buNone")
            ppr.append(bullet)
            return
        bullet = OxmlElement("a:buAutoNum")
        bullet.set("type", "arabicPeriod")
        bullet.set("startAt", str(item.number))
        ppr.append(clr)
        ppr.append(font)
        ppr.append(bullet)

    def figure_slide(self, figure: Figure) -> None:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(figure.png)) as image:
                width_px, height_px = image.size
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ExportError(tr(f"图表《{figure.title}》（{figure.key or '无编号'}）不是可读的图片：{exc}",
                                 f"figure {figure.title!r} ({figure.key or 'no key'}) is not a readable "
                                 f"image: {exc}")) from None
        slide = self.new_slide(_clean(figure.title) or "图表")
        box_width = SLIDE_SIZE[0] - 2 * _MARGIN
        box_height = _BODY_BOTTOM - _BODY_TOP
        scale = min(box_width / max(width_px, 1), box_height / max(height_px, 1))
        width, height = int(width_px * scale), int(height_px * scale)
        left = _MARGIN + (box_width - width) // 2
        top = _BODY_TOP + (box_height - height) // 2
        slide.shapes.add_picture(io.BytesIO(figure.png), left, top, width, height)

    def table_slides(self, table: Table, title: str) -> None:
        """``table`` as a real table, its rows over as many slides as they need, header repeated."""
        from pptx.util import Pt

        frame = table.frame
        if len(frame.columns) == 0:
            return
        header = [_clean(c) for c in frame.columns]
        rows = [[_clean(v) for v in row] for row in frame.itertuples(index=False)]
        size = _TABLE_SIZE if len(header) <= 4 else 12.0
        width = SLIDE_SIZE[0] - 2 * _MARGIN
        weights = [min(max(max([_ems(c) for c in [h, *(r[i] for r in rows)]]), 3.0), 24.0)
                   for i, h in enumerate(header)]
        widths = [int(width * w / sum(weights)) for w in weights]
        widths[-1] = width - sum(widths[:-1])
        body = _BODY_BOTTOM - _BODY_TOP
        note = _clean(table.note)
        note_size = 12.0
        if note:  # a note takes at most a third of the slide, cut with an ellipsis beyond
            note = _fit(note, note_size, width - 2 * _INSET, max(1, body // 3 // _line_height(note_size)))
        note_height = (_lines(note, note_size, width - 2 * _INSET) * _line_height(note_size) + 2 * _INSET
                       if note else 0)
        cell_extra = 2 * _CELL_INSET_Y + int(2 * _EMU_PER_PT)

        def fit_row(cells: Sequence[str], max_height: int) -> list[str]:
            """Each cell cut (with an ellipsis) to the lines a row of ``max_height`` holds."""
            max_lines = max(1, (max_height - cell_extra) // _line_height(size))
            return [_fit(c, size, w - 2 * _CELL_INSET_X, max_lines) for c, w in zip(cells, widths)]

        def row_height(cells: Sequence[str]) -> int:
            lines = max(_lines(c, size, w - 2 * _CELL_INSET_X) for c, w in zip(cells, widths))
            return lines * _line_height(size) + cell_extra

        # Nothing may run off the slide: a header row takes at most a quarter of the body, a row
        # at most what is left under the header and the note (PowerPoint grows a row to fit its
        # text, so a cell too long for that is cut; the Word report holds the whole text).
        header = fit_row(header, body // 4)
        head_h = row_height(header)
        budget = body - note_height
        max_row = budget - head_h
        rows = [fit_row(row, max_row) for row in rows]
        pages: list[list[list[str]]] = [[]]
        used = head_h
        for row in rows:
            h = row_height(row)
            if pages[-1] and used + h > budget:
                pages.append([])
                used = head_h
            pages[-1].append(row)
            used += h
        for i, page in enumerate(pages):
            slide = self.new_slide(title if i == 0 else f"{title}（续）")
            heights = [head_h] + [row_height(r) for r in page]
            shape = slide.shapes.add_table(len(page) + 1, len(header), _MARGIN, _BODY_TOP, width, sum(heights))
            grid = shape.table
            grid.first_row = True
            for j, w in enumerate(widths):
                grid.columns[j].width = w
            for r, (cells, h) in enumerate(zip([header, *page], heights)):
                grid.rows[r].height = h
                for j, text in enumerate(cells):
                    cell = grid.cell(r, j)
                    cell.margin_left = cell.margin_right = _CELL_INSET_X
                    cell.margin_top = cell.margin_bottom = _CELL_INSET_Y
                    paragraph = cell.text_frame.paragraphs[0]
                    paragraph.space_after = Pt(0)
                    if r == 0:
                        self.add_text(paragraph, text, size=size, bold=True, color=(0xFF, 0xFF, 0xFF))
                    else:
                        self.add_text(paragraph, text, size=size, color=(0x26, 0x26, 0x26))
            if note and i == len(pages) - 1:
                box = self.text_box(slide, _MARGIN, _BODY_TOP + sum(heights), width, note_height)
                self.add_text(box.text_frame.paragraphs[0], note, size=note_size, color=_GREY)

    # -- the deck ---------------------------------------------------------------------------

    def figures(self) -> list[Figure]:
        """Every figure once (same picture once), the key charts first."""
        figures, seen = [], set()
        for figure in self.report.slide_figures or tuple(self.report.figures()):  # charts drawn for a slide first
            if figure.png in seen:
                continue
            seen.add(figure.png)
            figures.append(figure)
        rank = {key: i for i, key in enumerate(KEY_FIGURES)}
        return sorted(figures, key=lambda f: rank.get(f.key, len(rank)))  # stable: document order

    def course_tables(self) -> list[Table]:
        try:
            section = self.report.section("recommendations")
        except KeyError:
            return []
        return [b for _, sec in section.walk() for b in sec.blocks if isinstance(b, Table)]

    def results_tables(self) -> list[Table]:
        """The tables of a ``results`` section (a follow-up report's sales), one slide each."""
        try:
            section = self.report.section("results")
        except KeyError:
            return []
        return [b for _, sec in section.walk() for b in sec.blocks if isinstance(b, Table)]

    def summary_lists(self) -> list[tuple[str, list[str], list[str]]]:
        """The executive summary's lists as (heading, items, notes), the recommendations left out.

        Each bold paragraph of the summary section heads the list that follows it; a plain
        paragraph between them (e.g. that the targets are not agreed yet) is the list's note. A bold
        paragraph followed by plain paragraphs only (a follow-up report's 结论) heads those, one item
        per sentence.
        Without such a section: one list of :attr:`ReportDocument.summary`.
        """
        try:
            section = self.report.section("summary")
        except KeyError:
            section = None
        lists: list[tuple[str, list[str], list[str]]] = []
        heading, notes = None, []
        for block in section.blocks if section is not None else ():
            if isinstance(block, Paragraph) and block.emphasis:
                if heading is not None and notes:  # a heading over paragraphs only (结论): its own slide
                    lists.append((heading, _sentences(notes), []))
                heading, notes = block.text, []
            elif isinstance(block, Paragraph) and heading is not None:
                notes.append(block.text)
            elif isinstance(block, Bullets) and heading is not None and block.items:
                if list(block.items) != list(self.report.recommendations):
                    lists.append((heading, list(block.items), notes))
                heading, notes = None, []
        if heading is not None and notes:
            lists.append((heading, _sentences(notes), []))
        if not lists and self.report.summary:
            lists = [("执行摘要", list(self.report.summary), [])]
        return lists

    def build(self):
        self.title_slide()
        for heading, items, notes in self.summary_lists():
            title = heading if heading == "执行摘要" else f"执行摘要：{heading}"
            self.numbered_slides(title, items, notes=notes)
        for figure in self.figures():
            self.figure_slide(figure)
        for table in self.results_tables():
            self.table_slides(table, f"结果：{_clean(table.title)}" if table.title else "结果")
        if self.report.recommendations:
            self.numbered_slides("建议", self.report.recommendations)
        for table in self.course_tables():
            self.table_slides(table, _clean(table.title) or "课程一览")
        return self.prs


def report_pptx_bytes(doc: ReportDocument) -> bytes:
    """The 调研报告 ``doc`` as a 16:9 slide deck (``.pptx`` bytes).

    Parameters
    ----------
    doc : ReportDocument
        The report (plain-text strings; tables of strings; figures as PNG).

    Returns
    -------
    bytes
        The ``.pptx``: title slide, 执行摘要, one slide per chart (key charts first), 建议, a
        course-at-a-glance table per table of the ``recommendations`` section. No text box or
        table runs below the slide; every run has an East Asian and a Latin typeface. The same
        document gives the same bytes.

    Raises
    ------
    ExportError
        If a figure's ``png`` is not a readable image.
    """
    from casekit.authoring.docx_writer import fixed_zip
    from casekit.reports.docx_report import REPORT_AUTHOR, report_date

    prs = _Deck(doc).build()
    when = report_date(doc)
    props = prs.core_properties
    props.title = _clean(doc.title)[:255]  # the package format holds at most 255 characters
    props.subject = _clean(doc.engagement)[:255]
    props.author = props.last_modified_by = REPORT_AUTHOR
    props.comments = ""  # the template says "generated using python-pptx"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return fixed_zip(buffer.getvalue(), when)


def write_report_pptx(doc: ReportDocument, path: str | Path) -> Path:
    """Write :func:`report_pptx_bytes` of ``doc`` to ``path`` atomically (the folder is created).

    The deck is rebuilt from the research every time (like ``report.html``): an existing file
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
    write_atomic(path, report_pptx_bytes(doc))
    return path
