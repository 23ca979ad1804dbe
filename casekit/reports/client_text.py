"""Is this text fit for a client? English words, code identifiers, raw floats and analyst jargon.

Everything a client reads (the 调研报告 in every format, the course outline, the toolbox) is plain
professional Simplified Chinese. :func:`client_text_problems` finds what breaks that, and says
each problem in a Chinese sentence that names the offending piece and quotes a little of the
text around it, so that a build test can fail with a message a consultant can act on:

* **English words** -- runs of two or more ASCII letters, except product and brand names (the
  bundle's catalogue: :func:`allowed_words_for`) and the few Latin-letter words Chinese business
  text really uses (:data:`COMMON_LATIN_WORDS`);
* **code identifiers** -- ``snake_case``, ``camelCase``, dotted names (``casekit.reports``), calls
  (``label(``) and unfilled ``{placeholders}``;
* **raw numbers** -- more than two decimals (``0.4900``, ``3.14159``), scientific notation
  (``1e-05``) and the printed forms of missing or logical values (``nan``, ``None``, ``True``);
* **analyst terms** (:data:`ANALYST_TERMS`: Spearman, 自助抽样, 轮廓系数, p值 …) -- allowed only in
  an appendix that explains them (``appendix=True``); elsewhere the problem names the plain
  words to use instead.

The check reads text, not markup: give it what the client sees (the visible text of the HTML,
:func:`casekit.reports.document.document_text` of a document, the text of a Word file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

__all__ = [
    "ANALYST_TERMS",
    "COMMON_LATIN_WORDS",
    "RAW_VALUE_WORDS",
    "allowed_words_for",
    "client_text_problems",
    "html_visible_text",
]

#: Latin-letter words that Chinese business text really uses and a client reads without effort:
#: office software and file kinds a consultant hands over (the outline is a "Word 文档"), and the
#: few abbreviations the method's own outlines and the telecom trade write in Latin letters.
#: Kept short on purpose: anything else is either a product or brand name (from the bundle's
#: catalogue, :func:`allowed_words_for`) or should be said in Chinese.
COMMON_LATIN_WORDS: frozenset[str] = frozenset({
    "Word", "Excel", "PowerPoint", "PPT", "PDF",  # what the consultant hands over
    "CRM", "OA", "IT", "ERP",  # office systems, as Chinese companies name them
    "ADSL", "VPN", "IP",  # telecom services, as operators sell them
})

#: Printed forms of missing, infinite or logical values: a table that shows them was not
#: formatted for reading.
RAW_VALUE_WORDS: frozenset[str] = frozenset({
    "nan", "NaN", "NaT", "None", "null", "NULL", "True", "False", "true", "false", "inf", "Inf",
    "<NA>",
})

#: Analyst terms → the plain words a client reads instead. Allowed only in an appendix that
#: explains the method (``client_text_problems(..., appendix=True)``).
ANALYST_TERMS: dict[str, str] = {
    "Spearman": "等级相关（或直接说“两者一同变化的程度”）",
    "Pearson": "相关（或直接说“两者一同变化的程度”）",
    "bootstrap": "换一批人重新分析",
    "自助抽样": "换一批人重新分析",
    "轮廓系数": "各类之间的区分程度",
    "silhouette": "各类之间的区分程度",
    "间隔统计量": "与没有类型的对照数据相比",
    "gap statistic": "与没有类型的对照数据相比",
    "调整兰德指数": "分法是否稳定",
    "p值": "差异是否可靠",
    "p 值": "差异是否可靠",
    "t检验": "比较平均分",
    "t 检验": "比较平均分",
    "Welch": "比较两组平均分",
    "Benjamini": "考虑了同时做的比较次数",
    "Hochberg": "考虑了同时做的比较次数",
    "Yekutieli": "考虑了同时做的比较次数",
    "错误发现率": "考虑了同时做的比较次数",
    "标准误": "可能的误差范围",
    "效应量": "差距的大小",
    "聚类": "分组、分类",
    "k-means": "分组、分类",
    "种子课程大纲": "标准课程大纲",
    "种子大纲": "标准课程大纲",
    "种子文档": "本培训方法",
}

_CONTEXT = 12
_TERM = re.compile("|".join(re.escape(t) for t in sorted(ANALYST_TERMS, key=len, reverse=True)),
                   re.IGNORECASE)
_IDENTIFIER = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+"  # snake_case
    r"|_[A-Za-z][A-Za-z0-9_]*"  # _private
    r"|[a-z]+[A-Z][A-Za-z0-9]*"  # camelCase
    r"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+"  # dotted.name
    r"|[A-Za-z_][A-Za-z0-9_]*\((?=\)|[A-Za-z_'\"])"  # call(
    r"|\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^}]*)?\}"  # {placeholder}
    r")")
_FLOAT = re.compile(r"(?<![\d.])[-+−]?\d+(?:\.\d+)?[eE][-+]?\d+(?![\d.])"  # 1e-05, 2.5E+03
                    r"|(?<![\d.])\d+\.\d{3,}(?![\d.])")  # 0.4900, 3.14159
_RAW_VALUE = re.compile(r"(?<![A-Za-z0-9_<])(?:"
                        + "|".join(re.escape(w) for w in sorted(RAW_VALUE_WORDS, key=len, reverse=True))
                        + r")(?![A-Za-z0-9_>])")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def _context(text: str, start: int, end: int) -> str:
    """The offending piece with a little text either side, on one line."""
    left = text[max(0, start - _CONTEXT):start]
    right = text[end:end + _CONTEXT]
    before = "…" if start > _CONTEXT else ""
    after = "…" if end + _CONTEXT < len(text) else ""
    snippet = f"{before}{left}{text[start:end]}{right}{after}"
    return re.sub(r"\s+", " ", snippet).strip()


def _allowed_tokens(words: Iterable[str]) -> set[str]:
    """Case-folded Latin-letter runs of the allowed words (a product named 商务领航CRM模块 allows CRM)."""
    tokens: set[str] = set()
    for word in words:
        tokens.update(t.casefold() for t in _LATIN.findall(str(word)))
    return tokens


def client_text_problems(text: str, *, allowed_words: Iterable[str] = (),
                         appendix: bool = False) -> list[str]:
    """Return every piece of ``text`` a client should not read, each as a Chinese sentence.

    Parameters
    ----------
    text : str
        Client-facing text as the client sees it (visible text, not markup).
    allowed_words : iterable of str
        Product and brand names that may contain Latin letters (the bundle's catalogue:
        :func:`allowed_words_for`); :data:`COMMON_LATIN_WORDS` are always allowed.
    appendix : bool, default False
        The text is an appendix that explains the method: analyst terms (:data:`ANALYST_TERMS`)
        are allowed there. English words, identifiers and raw numbers are not.

    Returns
    -------
    list of str
        One sentence per problem, in the order they occur, e.g.
        ``分析术语“Spearman”（宜改为：等级相关…）：“…业绩完成率一同变化（Spearman 等级相关，范围…”``.
        Empty when the text is fit for a client.

    Examples
    --------
    >>> client_text_problems("北京政企客户经理在“销售”上平均 2.87 分")
    []
    >>> client_text_problems("均分0.4900")
    ['未经整理的数字“0.4900”（保留两位小数即可）：“均分0.4900”']
    """
    allowed = _allowed_tokens([*COMMON_LATIN_WORDS, *allowed_words])
    found: list[tuple[int, str]] = []
    covered: list[tuple[int, int]] = []

    def add(start: int, end: int, message: str) -> None:
        covered.append((start, end))
        found.append((start, f"{message}：“{_context(text, start, end)}”"))

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in covered)

    for m in _TERM.finditer(text):
        term = next(t for t in ANALYST_TERMS if t.casefold() == m.group().casefold())
        if term.isascii() and not _whole_word(text, m.start(), m.end()):
            continue
        if appendix:
            covered.append((m.start(), m.end()))
        else:
            add(m.start(), m.end(), f"分析术语“{m.group()}”（宜改为：{ANALYST_TERMS[term]}）")
    for m in _RAW_VALUE.finditer(text):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), f"程序的原始值“{m.group()}”（应写成“—”或文字）")
    for m in _IDENTIFIER.finditer(text):
        if free(m.start(), m.end()) and not _allowed_identifier(m.group(), allowed):
            add(m.start(), m.end(), f"程序标识符“{m.group()}”（应换成中文名称）")
    for m in _FLOAT.finditer(text):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), f"未经整理的数字“{m.group()}”（保留两位小数即可）")
    for m in _LATIN.finditer(text):
        if free(m.start(), m.end()) and m.group().casefold() not in allowed:
            add(m.start(), m.end(), f"英文词“{m.group()}”（应改用中文；产品或品牌名称除外）")
    return [message for _, message in sorted(found, key=lambda f: f[0])]


def _whole_word(text: str, start: int, end: int) -> bool:
    """An ASCII term stands alone (``Welch`` in “Welch t 检验”, not inside ``Welches``)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _allowed_identifier(piece: str, allowed: set[str]) -> bool:
    """A dotted or joined piece made only of allowed words (``OA.CRM`` is not code)."""
    if piece.startswith("{") or piece.endswith("(") or "_" in piece:
        return False
    parts = re.split(r"[.]", piece)
    return all(p.casefold() in allowed for p in parts if p)


def allowed_words_for(bundle: Any) -> tuple[str, ...]:
    """Return the product and brand names of a bundle's catalogue that a client may read.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (:func:`casekit.intake.load_bundle`); its ``catalogue`` holds each
        region's local product names (``local_name``) and packages (``package``, e.g.
        ``标准版（含邮箱、OA、短信）``).

    Returns
    -------
    tuple of str
        The distinct names, in catalogue order (empty when the bundle has no catalogue).
    """
    catalogue = getattr(bundle, "catalogue", None)
    if catalogue is None or not len(catalogue):
        return ()
    names: list[str] = []
    for column in ("local_name", "package"):
        if column in catalogue.columns:
            names.extend(str(v) for v in catalogue[column].dropna() if str(v).strip())
    return tuple(dict.fromkeys(names))


class _VisibleText(HTMLParser):
    """Collects the text a browser shows (not scripts, styles or the head), and images' alt text."""

    _HIDDEN = frozenset({"script", "style", "head", "template", "noscript"})
    _BREAKS = frozenset({"p", "div", "li", "tr", "td", "th", "br", "h1", "h2", "h3", "h4", "h5",
                         "h6", "caption", "figcaption", "section", "table", "dt", "dd"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif not self._hidden:
            if tag in self._BREAKS:
                self.parts.append("\n")
            alt = dict(attrs).get("alt") if tag == "img" else None
            if alt:
                self.parts.append(f"\n{alt}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS and not self._hidden:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_visible_text(html: str) -> str:
    """Return the text a reader sees in an HTML page, one block per line.

    Scripts, styles and the ``<head>`` are left out; an image contributes its ``alt`` text.
    Give the result to :func:`client_text_problems`.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    str
        Visible text, blank lines removed.
    """
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
