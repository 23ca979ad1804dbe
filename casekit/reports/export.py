"""Executed report notebook → one self-contained HTML page for the client.

The page hides all code (inputs and prompts), embeds every image, declares Simplified Chinese
(``<html lang="zh-CN">``) and opens offline: casekit's template (``templates/casekit_report``)
extends JupyterLab's but drops everything it would load from a CDN (require.js, MathJax, Mermaid,
widget managers).

Bundle text is data, never markup (:mod:`casekit.reports.safe_html`): every Markdown cell and every
Markdown, HTML and SVG output is passed through :func:`~casekit.reports.safe_html.clean_html`
(JavaScript and widget outputs are dropped), the page carries a Content-Security-Policy that
forbids any script and any remote load, and a page in which
:func:`~casekit.reports.safe_html.active_content` still finds something is refused
(:class:`~casekit.exceptions.ExportError`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from casekit.exceptions import ExportError
from casekit.language import tr
from casekit.reports.safe_html import CONTENT_SECURITY_POLICY, active_content, clean_html

__all__ = ["TEMPLATES", "external_urls", "notebook_to_html", "write_html"]

#: Folder holding casekit's nbconvert templates.
TEMPLATES: Path = Path(__file__).resolve().parent / "templates"
_TEMPLATE = "casekit_report"

# Elements that make a browser fetch something, and the URL-valued attributes they carry.
_LOADING_TAG = re.compile(
    r"<(?:script|link|img|iframe|embed|source|audio|video|object|track|input)\b[^>]*>", re.IGNORECASE
)
_URL_ATTRIBUTE = re.compile(r"""\b(?:src|href|data|poster|srcset)\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
# CSS that fetches: url(...) and @import "...".
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*([^"'\s)]+)""", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"""<[a-z][^>]*\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _strip_css_comments(html: str) -> str:
    """Drop comments from inline style sheets (JupyterLab's cite web pages in theirs)."""
    return _STYLE_BLOCK.sub(lambda m: m.group(1) + _CSS_COMMENT.sub("", m.group(2)) + m.group(3), html)


#: The page's language tag (nbconvert's own ``language_code`` only accepts two-letter codes).
LANGUAGE = "zh-CN"


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter's own version renders the page, then parses and re-serialises all of it
            # with BeautifulSoup (a third of the export's time, the embedded charts included) only
            # to add alt text to images (our template gives every chart its Chinese alt text) and
            # tabindex to code cells (the report has none). Render the template alone.
            lexer = nb.metadata.get("language_info", {}).get("pygments_lexer", "ipython3")
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _init_resources(self, resources):
            resources = super()._init_resources(resources)
            resources["language_code"] = LANGUAGE
            resources["content_security_policy"] = CONTENT_SECURITY_POLICY
            return resources

    return ReportExporter(
        template_name=_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        theme="light",
        # The lab template's own switch: Markdown and HTML go through clean_html (ours, below),
        # JavaScript and widget outputs are left out.
        sanitize_html=True,
        filters={"clean_html": clean_html},
    )


def notebook_to_html(nb: NotebookNode, *, title: str | None = None) -> str:
    """Render an executed notebook as a client-facing HTML page (in-process, no subprocess).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str, optional
        The page's ``<title>``; default: the notebook's ``metadata.title`` or its name.

    Returns
    -------
    str
        The HTML page: no code, images embedded, no external URL loaded, nothing that runs.

    Raises
    ------
    casekit.exceptions.ExportError
        If the page would still run or load something (a defect of the template, not of the
        data: outputs are sanitised).
    """
    if title is not None:
        nb = nbformat.from_dict(nb)  # a copy: the caller's notebook is left as it was
        nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title or "report"}})
    body = _strip_css_comments(body)
    found = active_content(body)
    if found:
        raise ExportError(tr(
            f"{'《' + title + '》' if title else '报告'}的 HTML 页面会运行或加载内容：{'；'.join(found)}"
            "（报告中不能带有脚本）",
            f"the HTML page of {title or 'the report'!r} would run or load content: {'; '.join(found)} "
            "(expected none: the report must not carry scripts)"
        ))
    return body


def write_html(notebook_path: Path | str, html_path: Path | str, *, title: str | None = None) -> Path:
    """Read an executed notebook and write its HTML page next to it (or to ``html_path``).

    Parameters
    ----------
    notebook_path : path-like
        The executed ``.ipynb``.
    html_path : path-like
        Where to write the page (UTF-8).
    title : str, optional
        The page's ``<title>``.

    Returns
    -------
    pathlib.Path
        ``html_path``.
    """
    nb = nbformat.read(str(notebook_path), as_version=4)
    html_path = Path(html_path)
    html_path.write_text(notebook_to_html(nb, title=title), encoding="utf-8")
    return html_path


def external_urls(html: str) -> list[str]:
    """Return every URL on another host that ``html`` would load when opened.

    Looks at the URL attributes of fetching elements (``<script src>``, ``<link href>``,
    ``<img src>``, ``<iframe src>`` …) and at CSS ``url()`` / ``@import``; plain links
    (``<a href>``) load nothing and are not reported.

    An empty list means the page opens offline. Used by the tests and as a guard in the build.

    Parameters
    ----------
    html : str
        An HTML page.

    Returns
    -------
    list of str
        The external URLs, in order of appearance.
    """
    found = [m.group(1) for tag in _LOADING_TAG.finditer(html) for m in _URL_ATTRIBUTE.finditer(tag.group(0))]
    # CSS is read where it is CSS (style sheets and style attributes), not in the page's text,
    # which may quote CSS as data.
    css = [m.group(2) for m in _STYLE_BLOCK.finditer(html)] + [a or b for a, b in _STYLE_ATTRIBUTE.findall(html)]
    found += [url for block in css for url in _CSS_URL.findall(block)]
    return [url for url in found if _REMOTE.match(url)]
