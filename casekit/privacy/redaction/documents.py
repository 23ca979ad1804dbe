"""Document I/O of the redaction: a text's encoding round trip and a whole Word package.

:func:`encode_like` writes a redacted text back in the encoding, byte-order mark and line ends
its original was read in; :func:`docx_text` reads a ``.docx`` note's text (body, tables,
headers, footers) and :func:`docx_paragraph_text` a Word paragraph's visible text.

:func:`redact_docx_bytes` redacts a whole Word package, every part that holds text. A ``.docx`` is a zip of XML parts. Personal data hides in more of them than the body: headers
and footers, footnotes and endnotes, comments (and their authors), text boxes, tracked
insertions and deletions, hyperlink targets (``mailto:``) and the document properties (author,
last modified by, title, subject, keywords, company). :func:`redact_docx_bytes` goes through
every XML part of the package with one :class:`~casekit.privacy.redaction.redactor.Redactor`, so a person
or company keeps one pseudonym across the body, the comments and the headers.

* ``word/*.xml`` (document, headers, footers, footnotes, endnotes, comments, glossary …): each
  paragraph (``w:p``, text boxes included) holding personal data, a field code that does, or a
  tracked change is rewritten as one run of its redacted visible text (paragraph properties and
  drawings kept; revisions accepted, so deleted text cannot carry data out); ``w:author`` and
  ``w:initials`` attributes (comments, revisions, ``people.xml``) are emptied.
* ``docProps/core.xml``: creator and last-modified-by emptied; title, subject, keywords,
  description, category redacted. ``docProps/app.xml``: company and manager emptied, other
  texts redacted. ``docProps/custom.xml`` and other XML parts: every text redacted.
* ``*.rels``: external targets (``mailto:wang@…``, links) redacted.

Binary parts (images, embedded workbooks) are copied as they are.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from casekit.privacy.redaction.redactor import Finding, Redaction, Redactor

__all__ = ["MAX_UNZIPPED_BYTES", "docx_paragraph_text", "docx_text", "encode_like", "open_package",
           "redact_docx_bytes"]

#: A note's package never expands beyond this; more is a zip bomb, refused before reading.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Elements whose text is not the document's visible text: deleted revisions, the fallback copy
#: of a drawing, text boxes.
_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_MC}Fallback", f"{_W}txbxContent", f"{_W}pPr", f"{_W}rPr"}
#: Parts that hold no one's words (formatting, fonts, numbering): left as they are.
_FORMAT_PARTS = frozenset({
    "[Content_Types].xml", "word/styles.xml", "word/stylesWithEffects.xml", "word/fontTable.xml",
    "word/numbering.xml", "word/settings.xml", "word/webSettings.xml",
})
#: Core properties that name who wrote the file (emptied) and that hold free text (redacted).
_CORE_CLEARED = (f"{_DC}creator", f"{_CP}lastModifiedBy")
_APP_CLEARED = (f"{_APP}Company", f"{_APP}Manager")
#: Elements that keep a run when its paragraph is rewritten (a drawing, a text box's frame).
_KEEP_IN_RUN = ("drawing", "pict", "object", "AlternateContent")
#: Tracked changes: a paragraph holding any is rewritten with the changes accepted.
_REVISIONS = (f"{_W}ins", f"{_W}del", f"{_W}moveFrom", f"{_W}moveTo")


def redact_docx_bytes(path: str | Path, redactor: Redactor) -> tuple[bytes, Redaction]:
    """Redact every text-holding part of a ``.docx`` package.

    Parameters
    ----------
    path : path-like
        The Word document.
    redactor : Redactor
        Used for every part in turn (the body first), so pseudonyms agree across parts.

    Returns
    -------
    (bytes, Redaction)
        The redacted package, and the redaction of all its texts joined by newlines (the
        findings' offsets are in that joined text).

    Raises
    ------
    ValueError
        If the file is not a Word package, or one of its text parts is not well-formed XML.
    """
    from casekit.privacy.redaction.redactor import Redaction

    source = open_package(path)
    collected: _Collected = _Collected()
    with source:
        infos = source.infolist()
        order = sorted(infos, key=lambda i: (i.filename != "word/document.xml", not i.filename.startswith("word/"),
                                             i.filename))
        redacted: dict[str, bytes] = {}
        for info in order:
            data = source.read(info)
            new = _redact_part(info.filename, data, redactor, collected)
            if new is not None:
                redacted[info.filename] = new
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for info in infos:
                target.writestr(info, redacted.get(info.filename) or source.read(info))
    return buffer.getvalue(), Redaction("\n".join(collected.texts), tuple(collected.findings))


class _Collected:
    """The redacted texts and findings of every part, in the order redacted.

    Every paragraph's text is kept; another text (a property, a link target) only when it held
    personal data, so the joined text reads as the document does.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.findings: list[Finding] = []
        self.offset = 0

    def redact(self, text: str, redactor: Redactor, *, paragraph: bool = False) -> Redaction:
        from casekit.privacy.redaction.redactor import Finding

        result = redactor.redact(text)
        if not paragraph and not result.findings:
            return result
        self.findings += [Finding(f.start + self.offset, f.end + self.offset, f.kind, f.original, f.replacement,
                                  f.confidence) for f in result.findings]
        self.texts.append(result.text)
        self.offset += len(text) + 1
        return result


def open_package(path: str | Path) -> zipfile.ZipFile:
    """Open a ``.docx`` as a zip after checking it is a Word package of a sane size.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If it is not a zip holding ``word/document.xml``, or would expand beyond
        :data:`MAX_UNZIPPED_BYTES` (the members' declared sizes, which also bound what is read).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path} is not a Word .docx document ({exc})") from None
    total = sum(info.file_size for info in package.infolist())
    problem = ""
    if "word/document.xml" not in package.namelist():
        problem = "no word/document.xml in the package"
    elif total > MAX_UNZIPPED_BYTES:
        problem = (f"it would expand to {total // 2**20} MB, more than {MAX_UNZIPPED_BYTES // 2**20} MB; "
                   "a note is never that large")
    if problem:
        package.close()
        raise ValueError(f"{path} is not a Word .docx document ({problem})")
    return package


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def _serialise(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _redact_part(name: str, data: bytes, redactor: Redactor, collected: _Collected) -> bytes | None:
    """The redacted bytes of one part, or None when it is left as it is."""
    if name in _FORMAT_PARTS or name.startswith("word/theme/") or not name.endswith((".xml", ".rels")):
        return None
    root = _parse(data)
    if root is None:  # what cannot be parsed cannot be redacted: refuse rather than copy it out
        raise ValueError(f"its part {name} is not well-formed XML, so it cannot be redacted")
    changed = False
    if name.endswith(".rels"):
        for rel in root.iter(f"{_REL}Relationship"):
            if rel.get("TargetMode") == "External":
                changed |= _redact_attribute(rel, "Target", redactor, collected)
    elif name == "docProps/core.xml":
        for element in root:
            if element.tag in _CORE_CLEARED:
                changed |= bool(element.text)
                element.text = ""
            else:
                changed |= _redact_element_text(element, redactor, collected)
    elif name == "docProps/app.xml":
        for element in root.iter():
            if element.tag in _APP_CLEARED:
                changed |= bool(element.text)
                element.text = ""
            elif len(element) == 0:
                changed |= _redact_element_text(element, redactor, collected)
    elif name.startswith("word/"):
        changed |= _redact_word_part(root, redactor, collected)
    else:  # docProps/custom.xml, customXml/item1.xml …: every text
        for element in root.iter():
            if isinstance(element.tag, str) and len(element) == 0:
                changed |= _redact_element_text(element, redactor, collected)
    return _serialise(root) if changed else None


def _redact_attribute(element: Any, attribute: str, redactor: Redactor, collected: _Collected) -> bool:
    value = element.get(attribute) or ""
    result = collected.redact(value, redactor)
    if result.findings:
        element.set(attribute, result.text)
        return True
    return False


def _redact_element_text(element: Any, redactor: Redactor, collected: _Collected) -> bool:
    if not element.text or not element.text.strip():
        return False
    result = collected.redact(element.text, redactor)
    if result.findings:
        element.text = result.text
        return True
    return False


def _redact_word_part(root: Any, redactor: Redactor, collected: _Collected) -> bool:
    changed = False
    for element in root.iter():
        for attribute in list(element.attrib):
            if attribute.rsplit("}", 1)[-1] in ("author", "initials", "userId", "providerId") and element.get(attribute):
                element.set(attribute, "")
                changed = True
    # in document order; an outer paragraph's text leaves its text boxes out, and a rewritten
    # one keeps their drawings, whose paragraphs come next
    for paragraph in list(root.iter(f"{_W}p")):
        text = docx_paragraph_text(paragraph)
        result = collected.redact(text, redactor, paragraph=True)
        instructions = " ".join([*(t.text or "" for t in paragraph.iter(f"{_W}instrText")),
                                 *(f.get(f"{_W}instr") or "" for f in paragraph.iter(f"{_W}fldSimple"))])
        field_data = bool(instructions.strip()) and bool(redactor.redact(instructions).findings)
        revised = any(True for tag in _REVISIONS for _ in paragraph.iter(tag))
        if result.findings or field_data or revised:
            _rewrite(paragraph, result.text)
            changed = True
    return changed


def _rewrite(paragraph: Any, text: str) -> None:
    """Replace a paragraph's content by one run of ``text``; keep its properties and drawings."""
    from lxml import etree

    kept_runs = []
    for child in list(paragraph):
        if child.tag == f"{_W}pPr":
            continue
        if child.tag == f"{_W}r" and any(c.tag.rsplit("}", 1)[-1] in _KEEP_IN_RUN for c in child
                                         if isinstance(c.tag, str)):
            kept_runs.append(child)
        paragraph.remove(child)
    run = etree.SubElement(paragraph, f"{_W}r")
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(run, f"{_W}br")
        for m, piece in enumerate(line.split("\t")):
            if m:
                etree.SubElement(run, f"{_W}tab")
            if piece:
                t = etree.SubElement(run, f"{_W}t")
                t.text = piece
                t.set(_XML_SPACE, "preserve")
    for kept in kept_runs:
        paragraph.append(kept)


def docx_text(path: str | Path) -> str:
    """The text of a ``.docx`` note: its paragraphs, table cells, headers and footers, one per line.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If it is not a Word document (damaged, another format renamed, or a zip bomb).
    """
    return "\n".join(docx_paragraph_text(p._p) for p in _docx_paragraphs(_open_docx(Path(path))))


def docx_paragraph_text(p: Any) -> str:
    """The visible text of a Word paragraph element (``w:p``), as a reader of the document sees it.

    Text inserted with tracked changes is included and deleted text left out (python-docx's
    ``Paragraph.text`` would drop the insertions); tabs and line breaks are kept.
    """
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _open_docx(path: Path) -> Any:
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError

    open_package(path).close()  # a Word package of a sane size (no zip bomb), before loading it
    try:
        return docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"{path} is not a Word .docx document ({exc})") from None


def _docx_paragraphs(document: Any) -> Iterator[Any]:
    def walk(container: Any) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def encode_like(text: str, original: bytes) -> bytes:
    """``text`` encoded as ``original`` was: same encoding, byte-order mark and line ends.

    The encodings are those :func:`casekit.intake.redaction.read_document` reads: UTF-16 with a
    BOM (either byte order), UTF-8 with or without a BOM, else GB18030 (a superset of GBK and GB2312).

    Examples
    --------
    >>> encode_like("〔甲〕经理", "王经理".encode("gbk")) == "〔甲〕经理".encode("gb18030")
    True
    """
    if original[:2] in (b"\xff\xfe", b"\xfe\xff"):
        little = original[:2] == b"\xff\xfe"
        crlf = "\r\n".encode("utf-16-le" if little else "utf-16-be") in original
        body = text.replace("\n", "\r\n") if crlf else text
        return original[:2] + body.encode("utf-16-le" if little else "utf-16-be")
    crlf = b"\r\n" in original
    body = text.replace("\n", "\r\n") if crlf else text
    try:
        original.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.encode("gb18030")
    return (b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b"") + body.encode("utf-8")
