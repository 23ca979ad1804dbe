"""The one rule for bundle text on its way into a report page: escaped, then sanitised.

Everything a report shows that comes from a bundle (client, engagement, period, region and
city names, catalogue products, note excerpts, code labels …) is data, never markup. Two layers
keep it so:

1. **Escaping on the way in.** Markdown shown by the report notebook is built with
   :func:`markdown` / :func:`markdown_text` (a trusted template, every interpolated value
   escaped by :func:`escape_markdown`) or :func:`markdown_list` (each line escaped); tables are
   DataFrames, which pandas escapes; the index page is a Jinja template with autoescape.
2. **Sanitising on the way out.** :mod:`casekit.reports.export` passes every Markdown cell and
   every ``text/markdown``, ``text/html`` and SVG output of the executed notebook through
   :func:`clean_html`, an allowlist that rebuilds the HTML from its tokens: no ``<script>``,
   no ``on*`` attribute, no ``<iframe>``/``<object>``/``<embed>``/``<svg>``, no
   ``javascript:`` URL, no image that is not embedded. A section added later without
   escaping its values therefore still shows no live markup.

Every exported page also carries :data:`CONTENT_SECURITY_POLICY`, which forbids any script and
anything loaded from elsewhere, and :func:`active_content` finds what would run or load in a page
(the export refuses a page where it finds anything).
"""

from __future__ import annotations

import html as _html
import re
import string
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from casekit.reports.document import UNSHOWABLE

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "active_content",
    "clean_html",
    "csp_meta",
    "escape_html",
    "escape_markdown",
    "markdown",
    "markdown_document",
    "markdown_document_text",
    "markdown_list",
    "markdown_text",
]

#: The policy of every exported page: nothing may run, nothing may be fetched; images only
#: embedded (``data:``), style sheets only inline (nbconvert inlines JupyterLab's CSS).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def csp_meta() -> str:
    """The ``<meta http-equiv="Content-Security-Policy">`` element of :data:`CONTENT_SECURITY_POLICY`."""
    return f'<meta http-equiv="Content-Security-Policy" content="{escape_html(CONTENT_SECURITY_POLICY)}">'


# -- escaping on the way in ----------------------------------------------------------------------

#: Characters with a meaning in (CommonMark/GFM, nbconvert's math) Markdown, backslash-escaped;
#: ``:`` too, so that no ``http://…`` in the data becomes a link (GFM autolinks).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~$:])")
_LINE_BREAK = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def escape_html(value: Any) -> str:
    """``value`` as HTML text or attribute value: ``& < > " '`` replaced by entities.

    Characters no page should show (control characters, direction overrides that turn the rest
    of a line backwards: :data:`casekit.reports.document.UNSHOWABLE`) are dropped.
    """
    return _html.escape(UNSHOWABLE.sub("", str(value)), quote=True)


def escape_markdown(value: Any) -> str:
    """``value`` as text that Markdown shows exactly as written, inline.

    ``& < >`` become HTML entities (so no tag, comment or autolink can start), Markdown's
    punctuation and ``:`` are backslash-escaped (no link, image, bare URL, emphasis, heading,
    table or math), and line breaks become one space (a value cannot start a block of its own).

    Parameters
    ----------
    value : object
        Any value; ``str(value)`` is escaped.

    Returns
    -------
    str
        Text to interpolate into Markdown.

    Examples
    --------
    >>> escape_markdown("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_markdown("[x](javascript:alert(1))")
    '\\\\[x\\\\](javascript:alert(1))'
    """
    text = _LINE_BREAK.sub(" ", str(value))
    text = UNSHOWABLE.sub("", text)  # control characters, direction overrides
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class _EscapingFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return escape_markdown(super().format_field(value, format_spec))


_FORMATTER = _EscapingFormatter()


def markdown_text(template: str, /, *args: Any, **values: Any) -> str:
    """Fill a trusted Markdown ``template`` (``str.format`` syntax) with escaped values.

    Parameters
    ----------
    template : str
        Markdown written by casekit (headings, bold, lists); ``{}`` / ``{name}`` /
        ``{name:.0%}`` fields.
    *args, **values
        The data; each field is formatted with its spec, then escaped with
        :func:`escape_markdown`.

    Returns
    -------
    str
        The Markdown.

    Examples
    --------
    >>> markdown_text("# {region}地区", region="<b>北京</b>")
    '# &lt;b&gt;北京&lt;/b&gt;地区'
    """
    return _FORMATTER.vformat(template, args, values)


def markdown(template: str, /, *args: Any, **values: Any) -> Any:
    """:func:`markdown_text` as an ``IPython.display.Markdown`` object, for ``display()``.

    Examples
    --------
    >>> display(markdown("### {}客户经理的类型分布", region_name))  # doctest: +SKIP
    """
    from IPython.display import Markdown

    return Markdown(markdown_text(template, *args, **values))


def markdown_list(lines: Iterable[Any]) -> Any:
    """Sentences as a Markdown bullet list, each escaped; None when there is none.

    Returns
    -------
    IPython.display.Markdown or None
    """
    from IPython.display import Markdown

    items = [f"- {escape_markdown(line)}" for line in lines]
    return Markdown("\n".join(items)) if items else None


_LINK_TARGET = re.compile(r"\]\s*\(")


def markdown_document_text(text: str) -> str:
    """A whole Markdown document written from bundle text (a drafted case, say), made inert.

    Headings, lists, blockquotes and emphasis keep working; raw HTML is shown as text (``&``
    and ``<`` become entities, so no tag can open) and link or image syntax (``[x](…)``,
    ``![x](…)``) is shown as written, so a note holding ``<img onerror=…>`` or
    ``[点我](javascript:…)`` displays those characters and runs nothing.

    Parameters
    ----------
    text : str
        Markdown from a bundle or drafted from one.

    Returns
    -------
    str
    """
    # Without a literal "<" no tag can open; ">" stays, so blockquotes keep working.
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;")
    return _LINK_TARGET.sub(lambda m: m.group(0).replace("(", "\\("), escaped)


def markdown_document(text: str) -> Any:
    """:func:`markdown_document_text` as an ``IPython.display.Markdown`` object, for ``display()``."""
    from IPython.display import Markdown

    return Markdown(markdown_document_text(text))


# -- sanitising on the way out -------------------------------------------------------------------

# Elements kept (with the attributes below); any other element is dropped, its text kept.
_ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption cite code col colgroup dd del div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub sup "
    "table tbody td tfoot th thead tr u ul".split()
)
# HTML's void elements: they have no end tag (nor content).
_VOID_TAGS = frozenset(
    "area base br col embed frame hr img input keygen link meta param source track wbr".split()
)
# Elements dropped with everything inside them.
_DROPPED_WITH_CONTENT = frozenset(
    "script style iframe frame frameset object embed applet svg math template noscript noembed "
    "noframes xmp plaintext textarea select title head base link meta form button input".split()
)
_GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "align", "valign", "style"})
_TAG_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type"}),
    "table": frozenset({"border"}),
}
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SAFE_LINK = re.compile(r"^(?:#|https?://|mailto:|(?![a-z][a-z0-9+.\-]*:)(?!//)[^\\]*$)", re.IGNORECASE)
_EMBEDDED_IMAGE = re.compile(r"^data:image/(?:png|jpe?g|gif|webp|svg\+xml);base64,[a-z0-9+/=]*$", re.IGNORECASE)
# Declarations made of plain values only (colours, lengths, keywords): no url(), @import,
# expression(), escapes or markup.
_SAFE_CSS = re.compile(r"^[\w\s:;#%.,\-!'\"()/*>+~=\[\]{}]*$")
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)


def _safe_css(css: str) -> bool:
    return bool(_SAFE_CSS.match(css)) and not _UNSAFE_CSS.search(css)


def _safe_url(tag: str, attribute: str, value: str) -> bool:
    url = _URL_IGNORED.sub("", value)
    if tag == "img" and attribute == "src":
        return bool(_EMBEDDED_IMAGE.match(url))
    return bool(_SAFE_LINK.match(url))


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._dropping: list[str] = []  # stack of dropped-with-content elements we are inside
        self._style: list[str] | None = None  # text of a <style> being checked

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        allowed = _GLOBAL_ATTRIBUTES | _TAG_ATTRIBUTES.get(tag, frozenset())
        kept = []
        for name, value in attrs:
            name = name.lower()
            value = "" if value is None else value
            if name not in allowed:
                continue
            if name in ("href", "src") and not _safe_url(tag, name, value):
                continue
            if name == "style" and not _safe_css(value):
                continue
            kept.append(f' {name}="{escape_html(value)}"')
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping:
            if tag in _DROPPED_WITH_CONTENT and tag not in _VOID_TAGS:
                self._dropping.append(tag)  # nested: its end tag must not end the outer one
            return
        if tag == "style":
            self._style = []
            self._dropping.append(tag)
            return
        if tag in _DROPPED_WITH_CONTENT:
            if tag not in _VOID_TAGS:
                self._dropping.append(tag)
            return
        self._keep(tag, attrs)

    def _keep(self, tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool = False) -> None:
        if tag not in _ALLOWED_TAGS:
            return
        kept = self._attributes(tag, attrs)
        if tag == "img" and " src=" not in kept:
            return  # an image that is not embedded shows nothing: left out
        self.out.append(f"<{tag}{kept}>")
        if self_closing and tag not in _VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping or tag in _DROPPED_WITH_CONTENT:
            return
        self._keep(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
                if tag == "style" and self._style is not None:
                    css = "".join(self._style)
                    if _safe_css(css):
                        self.out.append(f"<style>{css}</style>")
                    self._style = None
            return
        if tag in _ALLOWED_TAGS and tag not in _VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._style is not None and self._dropping == ["style"]:
            self._style.append(data)
        elif not self._dropping:
            self.out.append(_html.escape(data, quote=False))

    # Comments, declarations and processing instructions are dropped (the default handlers).


def clean_html(fragment: Any) -> str:
    """Keep only harmless markup of an HTML fragment (rebuilt from its tokens).

    Kept: headings, paragraphs, lists, block quotes, emphasis, code, tables and ``<div>``/
    ``<span>`` with ``class``/``id``/``style`` (plain declarations only), links to fragments,
    relative paths, ``http(s)`` or ``mailto``, and images embedded as ``data:image/…;base64``
    (any other image is left out).
    Dropped with their content: ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``,
    ``<svg>``, ``<math>``, ``<template>``, forms and their controls, and a ``<style>`` that
    loads anything. Dropped: every other element (its text kept, escaped), every ``on*`` and
    other attribute not listed, comments. The text reads as before.

    Parameters
    ----------
    fragment : str or bytes
        HTML (an output of the report notebook, rendered Markdown).

    Returns
    -------
    str
        HTML with nothing that runs or loads.
    """
    text = fragment.decode("utf-8") if isinstance(fragment, bytes) else str(fragment)
    cleaner = _Cleaner()
    cleaner.feed(text)
    cleaner.close()
    return "".join(cleaner.out)


# -- checking a page -----------------------------------------------------------------------------

_ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base", "form"})
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "data", "action", "formaction", "poster", "background", "xlink:href"})
_SCRIPT_URL = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.IGNORECASE)
_LOADING_TAGS = frozenset({"img", "link", "source", "audio", "video", "track", "input", "image", "use"})
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            url = _URL_IGNORED.sub("", value or "")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> event handler")
            elif name in _URL_ATTRIBUTES and _SCRIPT_URL.match(url):
                self.found.append(f"<{tag} {name}={url[:40]}…> script URL")
            elif name in _URL_ATTRIBUTES and tag in _LOADING_TAGS and _REMOTE.match(url):
                self.found.append(f"<{tag} {name}={url}> remote load")

    handle_startendtag = handle_starttag


def active_content(page: str) -> list[str]:
    """Describe everything in ``page`` that would run or load from elsewhere (empty: nothing).

    Finds ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<base>``, ``<form>``, a
    refresh ``<meta>``, ``on*`` attributes, ``javascript:`` / ``vbscript:`` /
    ``data:text/html`` URLs and images or style sheets loaded from another host.

    Parameters
    ----------
    page : str
        An HTML page.

    Returns
    -------
    list of str
        One description per finding, in order of appearance.
    """
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker.found
