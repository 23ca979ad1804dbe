"""Small helpers every DOCX export of casekit uses (the sales toolbox now, case books later).

Word picks the font of Chinese text from the ``w:eastAsia`` attribute of a run's or style's
``w:rFonts``; python-docx's ``font.name`` sets only the Latin fonts (``w:ascii``/``w:hAnsi``), so
Chinese text would fall back to whatever the reader's Word thinks (often a Japanese font, or
SimSun at a different size). :func:`new_document` therefore sets both on the Normal style, the
heading styles and the table style, and :func:`add_paragraph`, :func:`add_heading` and
:func:`add_table` set them again on every run they write (a run-level font wins over themes and
copy-paste).

:func:`save` writes atomically and reproducibly: the core properties (author, created, modified)
are fixed and the ZIP entries get a fixed timestamp, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from casekit.safe_save import save_editable

__all__ = [
    "CJK_FONT",
    "FIXED_TIME",
    "LATIN_FONT",
    "add_heading",
    "add_page_numbers",
    "add_paragraph",
    "add_table",
    "document_bytes",
    "fixed_zip",
    "new_document",
    "save",
    "set_run_fonts",
]

#: Default font of Chinese text: SimSun, present on every Chinese Windows and in WPS.
CJK_FONT = "宋体"
#: Default font of Latin text and digits.
LATIN_FONT = "Times New Roman"
#: Timestamp used when the caller gives none (ZIP entries cannot be older than 1980).
FIXED_TIME = dt.datetime(2000, 1, 1)

_HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_rfonts(rpr_parent, font: str, latin_font: str) -> None:
    """Set ``w:rFonts`` (ascii, hAnsi, eastAsia) on an element owning an ``w:rPr``; drop themes."""
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()  # keeps the schema's element order
    for attr in _THEME_ATTRS:  # a theme font attribute overrides the explicit one
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin_font)
    rfonts.set(qn("w:hAnsi"), latin_font)
    rfonts.set(qn("w:eastAsia"), font)


def set_run_fonts(run, font: str = CJK_FONT, latin_font: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian font of one run (``run._r`` gets ``w:rFonts``)."""
    _set_rfonts(run._r, font, latin_font)


def _fonts_of(doc: DocumentObject) -> tuple[str, str]:
    fonts = getattr(doc, "_casekit_fonts", None)
    return fonts if fonts is not None else (CJK_FONT, LATIN_FONT)


def new_document(title: str | None = None, *, font: str = CJK_FONT, latin_font: str = LATIN_FONT,
                 size: float = 10.5) -> DocumentObject:
    """Return a new document whose styles use ``font`` for Chinese and ``latin_font`` for Latin text.

    Parameters
    ----------
    title : str, optional
        Written as the document's first paragraph (style Title) and as its core title.
    font : str
        East Asian font of the Normal, heading and table styles (default 宋体).
    latin_font : str
        Latin font of those styles (default Times New Roman).
    size : float
        Body text size in points (10.5 pt is 五号字).

    Returns
    -------
    docx.document.Document
        Later :func:`add_paragraph` / :func:`add_heading` / :func:`add_table` calls use the same
        fonts on their runs.
    """
    doc = Document()
    doc._casekit_fonts = (font, latin_font)  # type: ignore[attr-defined]
    normal = doc.styles["Normal"]
    normal.font.size = Pt(size)
    _set_rfonts(normal.element, font, latin_font)
    for name in (*_HEADING_STYLES, "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _set_rfonts(style.element, font, latin_font)
    if title:
        doc.core_properties.title = title
        add_heading(doc, title, level=0)
    return doc


def add_paragraph(doc: DocumentObject, text: str = "", *, style: str | None = None,
                  bold: bool = False, size: float | None = None) -> Paragraph:
    """Append a paragraph of ``text`` whose run carries the document's fonts."""
    font, latin = _fonts_of(doc)
    paragraph = doc.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        set_run_fonts(run, font, latin)
    return paragraph


def add_heading(doc: DocumentObject, text: str, level: int = 1) -> Paragraph:
    """Append a heading (level 0 is the Title style) whose run carries the document's fonts."""
    font, latin = _fonts_of(doc)
    paragraph = doc.add_heading(level=level)
    run = paragraph.add_run(text)
    set_run_fonts(run, font, latin)
    return paragraph


def _borders(table: Table, size: int = 4) -> None:
    """Give every cell of ``table`` single black borders (independent of the style's)."""
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def add_table(doc: DocumentObject, frame: pd.DataFrame, *, index: bool = False,
              header_fill: str | None = "D9D9D9", size: float | None = 9,
              blank_rows: int = 0, widths_cm: Sequence[float] | None = None) -> Table:
    """Append ``frame`` as a bordered table with a bold header row repeated on every page.

    Parameters
    ----------
    doc : Document
        From :func:`new_document`.
    frame : DataFrame
        Its column names make the header row; missing values become empty cells.
    index : bool
        Write the index as the first column (its name, or empty, heads it).
    header_fill : str or None
        Hex shading of the header cells; None for none.
    size : float or None
        Point size of the table text.
    blank_rows : int
        Empty rows appended after the data (for templates filled in by hand).
    widths_cm : sequence of float, optional
        Column widths in centimetres.

    Returns
    -------
    docx.table.Table
    """
    font, latin = _fonts_of(doc)
    data = frame.reset_index() if index else frame
    if index and frame.index.name is None:
        data = data.rename(columns={"index": ""})
    columns = [str(c) for c in data.columns]
    table = doc.add_table(rows=1, cols=len(columns))
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:
        pass
    _borders(table)

    def fill(cell, text: str, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        set_run_fonts(run, font, latin)

    header = table.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, columns):
        fill(cell, name, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if header_fill:
            _shade(cell, header_fill)
    for row in data.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            text = _cell_text(value)
            if text:
                fill(cell, text)
    for _ in range(blank_rows):
        table.add_row()
    if widths_cm is not None:
        from docx.shared import Cm

        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
    return table


def add_page_numbers(doc: DocumentObject, *, before: str = "第 ", after: str = " 页",
                     size: float = 9) -> None:
    """Put a centred page number (a Word ``PAGE`` field) in the footer of every section.

    The field is casekit's own, never built from data; Word and LibreOffice fill it in when
    they lay the pages out (the stored placeholder is ``1``).

    Parameters
    ----------
    doc : Document
        From :func:`new_document`.
    before, after : str
        Text around the number (default ``第 N 页``).
    size : float
        Point size of the footer text.
    """
    font, latin = _fonts_of(doc)
    for section in doc.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in (before, None, after):
            if piece is None:
                field = OxmlElement("w:fldSimple")
                field.set(qn("w:instr"), "PAGE")
                paragraph._p.append(field)
                run = paragraph.add_run("1")
                field.append(run._r)  # the placeholder run lives inside the field
            elif piece:
                run = paragraph.add_run(piece)
            else:
                continue
            run.font.size = Pt(size)
            set_run_fonts(run, font, latin)


def fixed_zip(data: bytes, when: dt.datetime = FIXED_TIME) -> bytes:
    """Rewrite a ZIP archive (XLSX, DOCX) with every entry stamped ``when``, same order and content.

    Office writers stamp entries with the current time; this makes equal content equal bytes.
    """
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def save(doc: DocumentObject, path: str | Path, *, when: dt.datetime = FIXED_TIME,
         author: str = "casekit", force: bool = False) -> Path:
    """Write ``doc`` to ``path`` atomically, with fixed core properties and ZIP timestamps.

    A document is something a person goes on editing: an existing file is replaced only if it
    holds exactly what casekit last wrote there (:func:`casekit.safe_save.save_editable`).

    Parameters
    ----------
    doc : Document
    path : str or Path
        Target ``.docx``; its folder is created if needed.
    when : datetime
        Stored as created / modified (e.g. derived from the research period), so two saves of
        the same content give identical bytes.
    author : str
        Author and last-modified-by.
    force : bool, default False
        Replace a file edited since casekit wrote it, keeping the old one beside it as
        ``_<stem>.bak-<YYYYmmdd-HHMMSS>.docx``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    EditedFileError
        If the file was changed since casekit wrote it and ``force`` is False (nothing written).
    OutputError
        If the file cannot be written (the old file, if any, is left as it was).
    """
    save_editable(path, document_bytes(doc, when=when, author=author), force=force)
    return Path(path)


def document_bytes(doc: DocumentObject, *, when: dt.datetime = FIXED_TIME, author: str = "casekit") -> bytes:
    """The bytes :func:`save` would write: fixed core properties and ZIP timestamps.

    Parameters
    ----------
    doc : Document
    when : datetime
        Stored as created / modified / last printed and as every ZIP entry's time.
    author : str
        Author and last-modified-by.

    Returns
    -------
    bytes
        The ``.docx`` package; the same document and arguments give the same bytes.
    """
    props = doc.core_properties
    props.author = author
    props.last_modified_by = author
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), when)
