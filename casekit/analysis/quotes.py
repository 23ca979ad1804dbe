"""Finding quotes in the interview notes, with their provenance.

:func:`find_quotes` selects note segments by code, region, customer industry, product,
population or text and returns each with where it comes from (note, position, region,
population, method, interviewee pseudonym, date, file), so that every quote in a case, a report
or a course traces back to its evidence. Long segments are trimmed around the matched words
with ``……``.

Industries and products of a segment come from its note's tags and from its own text:
:class:`MentionMatcher` finds the labels and aliases of :data:`casekit.domain.INDUSTRIES` and
:data:`casekit.domain.PRODUCTS`, and the local product names of the bundle's catalogue
(``商务快车`` in Nanning is the canonical ``business_navigator``), leftmost-longest (``宽带监控`` is
video monitoring, not ``宽带`` broadband; ``商务领航CRM模块`` is the CRM module).

Quotes are the segments' text as given: pass segments built with a redactor
(``note_segments(bundle, redactor=…)``) before showing quotes to anyone outside the team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from casekit import domain
from casekit.analysis.coding import normalize
from casekit.exceptions import AnalysisError, RegionError
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.language import quoted, tr

__all__ = [
    "QUOTE_CHARS",
    "QUOTE_COLUMNS",
    "QUOTE_SCHEMA",
    "TEXT_ONLY_IN_TAGS",
    "Mention",
    "MentionMatcher",
    "find_quotes",
    "industries_in",
    "products_in",
    "trim_quote",
]

#: Default longest quote shown, in characters (the ``……`` marks not counted).
QUOTE_CHARS = 80
#: Ellipsis marking a cut (Chinese 省略号).
ELLIPSIS = "……"
#: Aliases too common in ordinary text to mean the term (``电脑``: any computer, ``餐饮``: a hotel's
#: restaurant as much as a bakery); they are still recognised as a whole tag.
TEXT_ONLY_IN_TAGS: frozenset[str] = frozenset({"电脑", "餐饮"})

#: The table of :func:`find_quotes`.
QUOTE_SCHEMA = OutputSchema(
    "quotes", "casekit.analysis.find_quotes", (
        *columns("str", "segment_id", "note_id"), Col("position", "int"),
        *columns("str", "region_id", "top_region_id", "population", "method", "interviewee"),
        Col("date", "datetime"), Col("file"), Col("codes", "tuple"), Col("keyword"),
        *columns("tuple", "industries", "products"), *columns("str", "quote", "text"),
    ), consumers=("NotesAnalysis.quotes", "reports.region_report", "cli quotes", "notebooks"))
#: Columns of :func:`find_quotes` (from its schema).
QUOTE_COLUMNS: tuple[str, ...] = QUOTE_SCHEMA.names

_SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class Mention:
    """A vocabulary term found in a text.

    Attributes
    ----------
    kind : str
        ``"industry"`` or ``"product"``.
    id : str
        Industry or canonical product id.
    term : str
        The words as written in the text.
    start, end : int
        Position in the text.
    """

    kind: str
    id: str
    term: str
    start: int
    end: int


class MentionMatcher:
    """Finds customer industries and products named in a text.

    Parameters
    ----------
    catalogue : DataFrame, optional
        ``bundle.catalogue`` (``region_id``, ``local_name``, ``canonical_product``): local
        product names are recognised too. When two regions use one name for different
        products, the segment's own region decides (:meth:`find` with ``region``).
    """

    def __init__(self, catalogue: pd.DataFrame | None = None) -> None:
        # normalized term → list of (kind, id, region or None); region None = any region
        self._terms: dict[str, list[tuple[str, str, str | None]]] = {}
        self._tag_only: set[str] = set()
        for kind, vocab in (("industry", domain.INDUSTRIES), ("product", domain.PRODUCTS)):
            for term in vocab.values():
                for word in (term.label, *term.aliases):
                    self._add(word, kind, term.id, None)
                    if word in TEXT_ONLY_IN_TAGS:
                        self._tag_only.add(normalize(word))
        if catalogue is not None and not catalogue.empty:
            for region, name, product in zip(catalogue["region_id"], catalogue["local_name"],
                                             catalogue["canonical_product"]):
                if isinstance(name, str) and name.strip() and isinstance(product, str) and product:
                    self._add(name.strip(), "product", product, str(region))
                    self._tag_only.discard(normalize(name.strip()))
        words = sorted(self._terms, key=lambda w: (-len(w), w))
        self._re = re.compile("|".join(_pattern(w) for w in words)) if words else None

    def _add(self, word: str, kind: str, term_id: str, region: str | None) -> None:
        key = normalize(word.strip())
        entry = (kind, term_id, region)
        if key and entry not in self._terms.setdefault(key, []):
            self._terms[key].append(entry)

    def _resolve(self, key: str, region: str | None) -> list[tuple[str, str]]:
        """``(kind, id)`` pairs a term stands for in ``region``: the region's own catalogue first,
        then casekit's vocabulary, then another region's catalogue."""
        out: list[tuple[str, str]] = []
        for kind in ("industry", "product"):
            entries = [e for e in self._terms.get(key, []) if e[0] == kind]
            if not entries:
                continue
            own = [e for e in entries if e[2] is not None and e[2] == region]
            general = [e for e in entries if e[2] is None]
            others = sorted((e for e in entries if e[2] is not None), key=lambda e: (str(e[2]), e[1]))
            out.append((kind, (own or general or others)[0][1]))
        return out

    def find(self, text: str, region: str | None = None, *, whole: bool = False) -> list[Mention]:
        """All mentions in ``text``, leftmost-longest, in text order.

        Parameters
        ----------
        text : str
        region : str, optional
            Top-level region id whose catalogue names take precedence.
        whole : bool
            ``text`` is a tag: aliases kept out of free text (:data:`TEXT_ONLY_IN_TAGS`) count.
        """
        if self._re is None or not text:
            return []
        norm = normalize(str(text))
        out = []
        for m in self._re.finditer(norm):
            key = m.group(0)
            if key in self._tag_only and not (whole and m.start() == 0 and m.end() == len(norm)):
                continue
            for kind, term_id in self._resolve(key, region):
                out.append(Mention(kind, term_id, str(text)[m.start():m.end()], m.start(), m.end()))
        return out

    def industries(self, text: str, region: str | None = None) -> tuple[str, ...]:
        """Industry ids named in ``text``, in order of first mention."""
        return tuple(dict.fromkeys(m.id for m in self.find(text, region) if m.kind == "industry"))

    def products(self, text: str, region: str | None = None) -> tuple[str, ...]:
        """Canonical product ids named in ``text``, in order of first mention."""
        return tuple(dict.fromkeys(m.id for m in self.find(text, region) if m.kind == "product"))

    def of_tags(self, tags: Iterable[str], region: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(industries, products)`` named by a note's tags."""
        found: list[Mention] = []
        for tag in tags or ():
            found += self.find(str(tag), region, whole=True)
        return (tuple(dict.fromkeys(m.id for m in found if m.kind == "industry")),
                tuple(dict.fromkeys(m.id for m in found if m.kind == "product")))

    def product_id(self, name: str) -> str | None:
        """Canonical product id of a canonical id, label, alias or catalogue local name."""
        hit = domain.lookup(domain.PRODUCTS, name)
        if hit is not None:
            return hit
        pairs = self._resolve(normalize(str(name).strip()), None)
        return next((i for k, i in pairs if k == "product"), None)


#: What follows a number that is a quantity, not a product code: 114间房, 189万, 133元, 153人.
_QUANTITY_AFTER = "间万千百亿元块人个家位台张平米天年月日次层床岁%％."


def _pattern(word: str) -> str:
    """Regex of one term; a term starting or ending with a digit must not touch other digits
    (``189`` is not found in a phone number), and a term of digits only is not a quantity
    (``114间房``, ``189万`` are not the products 114 and 189)."""
    p = re.escape(word)
    if word[:1].isdigit():
        p = r"(?<![\d.])" + p
    if word[-1:].isdigit():
        p += r"(?!\d)"
    if word.isdigit():
        p += f"(?![{re.escape(_QUANTITY_AFTER)}])"
    return p


def industries_in(text: str, catalogue: pd.DataFrame | None = None) -> tuple[str, ...]:
    """Industry ids (:data:`casekit.domain.INDUSTRIES`) named in ``text``."""
    return MentionMatcher(catalogue).industries(text)


def products_in(text: str, catalogue: pd.DataFrame | None = None, region: str | None = None) -> tuple[str, ...]:
    """Canonical product ids named in ``text`` (labels, aliases, the catalogue's local names)."""
    return MentionMatcher(catalogue).products(text, region)


def trim_quote(text: str, start: int | None = None, end: int | None = None,
               width: int = QUOTE_CHARS) -> str:
    """Shorten ``text`` to about ``width`` characters around ``text[start:end]``, marking cuts with ``……``.

    Parameters
    ----------
    text : str
        The segment text; line breaks become spaces.
    start, end : int, optional
        The matched words; None: the beginning of the text.
    width : int
        Longest quote without the ``……`` marks.

    Returns
    -------
    str
        The whole text when short enough; otherwise the window, beginning after a sentence end
        when one is in its first part and ending at one when one is in its second half, with
        ``……`` where text was left out. Never a quotation cut open: a cut inside one moves to
        its end (up to a quarter of ``width`` further) or before it, or the excerpt writes its
        missing mark (``问“那您……”``).

    Examples
    --------
    >>> trim_quote("甲" * 50 + "价格战" + "乙" * 50, 50, 53, width=13)
    '……甲甲甲甲甲价格战乙乙乙乙乙……'
    """
    flat = str(text).replace("\r", " ").replace("\n", " ")
    if width < 1:
        raise AnalysisError(tr(f"width 应不小于 1，实际为 {width}", f"width must be at least 1, got {width}"))
    stripped = flat.strip()
    if len(stripped) <= width:
        return stripped
    if start is None or end is None or not 0 <= start <= end <= len(flat):
        start, end = 0, 0
    k = end - start
    if k >= width:
        a, b = start, start + width
    else:
        before = (width - k) // 2
        a = max(0, start - before)
        b = min(len(flat), a + width)
        a = max(0, b - width)
        if a > 0:  # begin at a sentence when one starts in the first half of the context
            for i in range(a, a + max(1, (start - a) // 2)):
                if flat[i] in _SENTENCE_END:
                    a = i + 1
                    b = min(len(flat), a + width)
                    break
        if b < len(flat):  # end at a sentence when one ends in the second half of the window
            for i in range(b - 1, max(end, b - max(1, width // 2)) - 1, -1):
                if flat[i] in _SENTENCE_END:
                    b = i + 1
                    break
    a, b, opened, unclosed = _outside_quotations(flat, a, b, start, end, width)
    body = flat[a:b].strip()
    head = "".join(opened) + ELLIPSIS if a > 0 else ""
    tail = ELLIPSIS + "".join(_CLOSING[o] for o in reversed(unclosed)) if flat[b:].strip() else ""
    return head + body + tail


#: Quotation marks: each opening mark and its closing mark (``"`` opens and closes).
_CLOSING = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"'}
_OPENING = {close: open_ for open_, close in _CLOSING.items()}


def _open_quotations(text: str, stop: int) -> list[tuple[int, str]]:
    """The quotations open at ``text[stop]``: (position, opening mark), outermost first.

    A closing mark without its opening mark is ignored (an apostrophe ``’``); a ``"`` closes
    the innermost open ``"``, else opens one.
    """
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate(text[:stop]):
        if ch == '"' and stack and stack[-1][1] == '"':
            stack.pop()
        elif ch in _CLOSING:
            stack.append((i, ch))
        elif ch in _OPENING:
            for j in range(len(stack) - 1, -1, -1):
                if stack[j][1] == _OPENING[ch]:
                    del stack[j:]
                    break
    return stack


def _outside_quotations(flat: str, a: int, b: int, start: int, end: int,
                        width: int) -> tuple[int, int, list[str], list[str]]:
    """Move a window's cuts out of quotations, or say which marks to add to close them.

    An excerpt must never begin or end inside a quotation whose other mark it leaves out
    (``客户经理问"那您现在怎么知道店里的情况？……`` reads as if the quotation ran on). At the
    end, a quotation that closes within ``width // 4`` characters is taken in whole; else the
    cut moves back before its opening mark when the matched words stay in and at least a third
    of the window is left; else the excerpt closes it after its ``……``. At the beginning the
    same: a quotation opened at most ``width // 4`` characters earlier is taken from its
    opening mark, else its opening mark is written before the ``……``.

    Returns
    -------
    (a, b, opened, unclosed)
        The new window and the opening marks to write before the first ``……`` (quotations
        opened before the excerpt), and after the last ``……`` the closing marks of
        ``unclosed`` (quotations the excerpt opens and cuts).
    """
    slack = max(1, width // 4)
    if b < len(flat):
        inner = [(i, m) for i, m in _open_quotations(flat, b) if i >= a]
        if inner:
            first = inner[0][0]
            closes = next((j for j in range(b, min(len(flat), b + slack))
                           if not [q for q in _open_quotations(flat, j + 1) if q[0] >= a]), None)
            if closes is not None:
                b = closes + 1
            elif first >= end and len(flat[a:first].strip()) >= max(1, width // 3):
                b = first
    unclosed = [m for i, m in _open_quotations(flat, b) if i >= a] if b < len(flat) else []
    opened: list[str] = []
    if a > 0:
        outer = _open_quotations(flat, a)
        if outer and a - outer[0][0] <= slack:
            a = outer[0][0]
            outer = _open_quotations(flat, a)
        opened = [m for _, m in outer]
    if not flat[b:].strip():
        unclosed = []
    return a, b, opened, unclosed


def _resolve_code(code: str, coded: pd.DataFrame, frame: Any) -> str:
    """The id of ``code`` (id or label) in ``frame``, else among ``coded``, else in the default frame."""
    if frame is not None:
        hit = frame.resolve(code)
        if hit is None:
            raise AnalysisError(tr(f"「{code}」不是编码框架中的编码编号或名称", f"{code!r} is not a code id or label of the code frame"))
        return hit
    if code in set(coded["code"]):
        return code
    if "label" in coded.columns:
        match = coded.loc[coded["label"] == code, "code"]
        if len(match):
            return str(match.iloc[0])
    from casekit.intake.code_frame import default_code_frame

    hit = default_code_frame().resolve(code)
    if hit is None:
        raise AnalysisError(tr(f"「{code}」不是编码框架中的编码编号或名称（资料包自己的编码请传入 frame=）",
                               f"{code!r} is not a code id or label of the code frame (pass frame= for a "
                               "bundle's own codes)"))
    return hit


def _lookup(vocab: Mapping[str, domain.Term], value: str, what: str, what_zh: str) -> str:
    hit = domain.lookup(vocab, value)
    if hit is None:
        choices = "、".join(t.label for t in vocab.values())
        raise AnalysisError(tr(f"{quoted(value)}不是{what_zh}（可选：{choices}，或其英文编号）",
                               f"{value!r} is not {what} (one of {choices}, or its English id)"))
    return hit


def find_quotes(segments: pd.DataFrame, coded: pd.DataFrame | None = None, code: str | None = None,
                region: str | None = None, industry: str | None = None, product: str | None = None,
                population: str | None = None, text: str | None = None, limit: int | None = None, *,
                catalogue: pd.DataFrame | None = None, frame: Any = None, manifest: Any = None,
                width: int = QUOTE_CHARS, matcher: MentionMatcher | None = None) -> pd.DataFrame:
    """Segments matching every filter given, as quotes with their provenance.

    Parameters
    ----------
    segments : DataFrame
        Note segments (``note_segments``): ``segment_id``, ``note_id``, ``text``; the
        provenance columns of :data:`QUOTE_COLUMNS` when present, and ``tags``.
    coded : DataFrame, optional
        Segment codes (:func:`casekit.analysis.coding.codes_for`); needed for ``code``.
    code : str, optional
        Code id or label: segments with this code; the quote is trimmed around the keyword
        that fired.
    region : str, optional
        Region id: segments whose ``region_id`` or ``top_region_id`` is it (a province
        includes its cities). With ``manifest``, also a Chinese name (``河北``, ``保定市``).
    industry : str, optional
        Industry id, label or alias (:data:`casekit.domain.INDUSTRIES`): segments whose note
        is tagged with it or whose text names it.
    product : str, optional
        Canonical product id, label, alias, or a local name of the catalogue (``视频看店``):
        segments whose note tags or text name that product under any of its names.
    population : str, optional
        Population id, label or alias.
    text : str, optional
        Words the segment must contain (substring, Latin letters case-insensitive).
    limit : int, optional
        At most this many quotes (the first in segment order).
    catalogue : DataFrame, optional
        ``bundle.catalogue``, to recognise local product names.
    frame : CodeFrame, optional
        To resolve ``code`` given by label.
    manifest : Manifest, optional
        ``bundle.manifest``: resolves ``region`` names and checks that the region exists.
    width : int, default :data:`QUOTE_CHARS`
        Longest quote before trimming with ``……``.
    matcher : MentionMatcher, optional
        ``MentionMatcher(catalogue)``, when already made (for many calls on one bundle).

    Returns
    -------
    DataFrame
        Columns :data:`QUOTE_COLUMNS` in segment order: the provenance columns, ``codes``
        (tuple of the segment's code ids), ``keyword`` (the words the quote is centred on),
        ``industries`` and ``products`` (tuples of ids, from tags and text), ``quote`` (trimmed)
        and ``text`` (whole segment).

    Raises
    ------
    AnalysisError
        If a filter names an unknown code, industry, product or population (or, with
        ``manifest``, region), or ``code`` is given without ``coded``.
    """
    if "segment_id" not in segments.columns or "text" not in segments.columns:
        raise AnalysisError(tr("find_quotes 需要含有 segment_id 和 text 列的段落表",
                               "find_quotes needs a segments table with segment_id and text"))
    matcher = matcher if matcher is not None else MentionMatcher(catalogue)
    seg = segments.reset_index(drop=True)
    keep = pd.Series(True, index=seg.index)

    codes_of: dict[str, tuple[str, ...]] = {}
    anchor_of: dict[str, tuple[int, int, str]] = {}
    if coded is not None and not coded.empty:
        for sid, c in zip(coded["segment_id"].tolist(), coded["code"].tolist()):
            codes_of[sid] = codes_of.get(sid, ()) + (c,)
    if code is not None:
        if coded is None:
            raise AnalysisError(tr("按编码找引语（code=…）需要给出已编码的段落（codes_for 的结果）",
                                   "find_quotes(code=…) needs the coded segments (codes_for)"))
        cid = _resolve_code(code, coded, frame)
        rows = coded.loc[coded["code"] == cid] if not coded.empty else coded
        keep &= seg["segment_id"].isin(set(rows["segment_id"]))
        if "start" in rows.columns:
            for sid, s, e, kw in zip(rows["segment_id"], rows["start"], rows["end"], rows.get("keyword", "")):
                if not pd.isna(s) and not pd.isna(e):
                    anchor_of[sid] = (int(s), int(e), str(kw))
    if region is not None:
        wanted = {str(region).strip().lower()}
        if manifest is not None:
            try:  # unknown (the closest named) or ambiguous (the candidates named)
                rid = manifest.require(str(region))
            except RegionError as exc:
                raise AnalysisError(str(exc)) from exc
            wanted = {r.lower() for r in manifest.descendants(rid)}
        in_region = pd.Series(False, index=seg.index)
        for col in ("region_id", "top_region_id"):
            if col in seg.columns:
                in_region |= seg[col].astype(str).str.lower().isin(wanted)
        keep &= in_region
    if population is not None:
        pop = _lookup(domain.POPULATIONS, population, "a population", "岗位")
        keep &= seg["population"] == pop if "population" in seg.columns else False
    text_hits: dict[int, tuple[int, int]] = {}
    if text is not None:
        needle = normalize(str(text).strip())
        if not needle:
            raise AnalysisError(tr("按文字找引语（text=…）需要给出要找的词", "find_quotes(text=…) needs some words to look for"))
        for i, body in zip(seg.index[keep], seg.loc[keep, "text"]):
            at = normalize("" if pd.isna(body) else str(body)).find(needle)
            if at < 0:
                keep.at[i] = False
            else:
                text_hits[i] = (at, at + len(needle))
    industry_id = _lookup(domain.INDUSTRIES, industry, "an industry", "行业") if industry is not None else None
    product_id = None
    if product is not None:
        product_id = matcher.product_id(product)
        if product_id is None:
            raise AnalysisError(tr(f"{quoted(product)}不是产品（应为标准产品的编号或名称、别名，或产品目录中的本地名称）",
                                   f"{product!r} is not a product (a canonical product id or label, an alias, "
                                   "or a local name of the catalogue)"))

    # industries and products of every remaining segment, from its note's tags and its text
    read = [c for c in seg.columns  # the columns read below (each boxed as to_dict does)
            if c in QUOTE_COLUMNS or c in ("segment_id", "note_id", "text", "top_region_id", "tags")]
    records = {i: rec for i, rec in zip(seg.index[keep], seg.loc[keep, read].to_dict("records"))}
    info: dict[int, tuple[tuple[str, ...], tuple[str, ...], list[Mention], str]] = {}
    wanted_in_text: dict[int, list[Mention]] = {}
    tag_cache: dict[tuple[tuple[str, ...], str | None], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for i, rec in records.items():
        body = "" if pd.isna(rec["text"]) else str(rec["text"])
        top = rec.get("top_region_id")
        top = None if top is None or pd.isna(top) else str(top)
        mentions = matcher.find(body, top)
        tags = _tags(rec.get("tags"))
        if (tags, top) not in tag_cache:
            tag_cache[(tags, top)] = matcher.of_tags(tags, top)
        tag_ind, tag_prod = tag_cache[(tags, top)]
        industries = tuple(dict.fromkeys([*tag_ind, *(m.id for m in mentions if m.kind == "industry")]))
        products = tuple(dict.fromkeys([*tag_prod, *(m.id for m in mentions if m.kind == "product")]))
        info[i] = (industries, products, mentions, body)
        if industry_id is None and product_id is None:
            continue
        if (industry_id is not None and industry_id not in industries) or \
                (product_id is not None and product_id not in products):
            keep.at[i] = False
            continue
        wanted_in_text[i] = [m for m in mentions if (m.kind, m.id) in
                             {("industry", industry_id), ("product", product_id)}]
    if (industry_id is not None or product_id is not None) and "note_id" in seg.columns:
        # a note whose text names the industry/product gives those segments; a note only
        # tagged with it gives all its segments (the tag says the whole note is about it)
        notes_in_text = {records[i]["note_id"] for i, ms in wanted_in_text.items() if ms}
        for i, ms in wanted_in_text.items():
            if not ms and records[i]["note_id"] in notes_in_text:
                keep.at[i] = False

    rows_out = []
    for i in seg.index[keep]:
        rec = records[i]
        industries, products, mentions, body = info[i]
        anchor: tuple[int, int, str] | None = None
        if i in text_hits:
            s, e = text_hits[i]
            anchor = (s, e, body[s:e])
        elif rec["segment_id"] in anchor_of:
            anchor = anchor_of[rec["segment_id"]]
        elif wanted_in_text.get(i):
            m = wanted_in_text[i][0]
            anchor = (m.start, m.end, m.term)
        s, e, kw = anchor if anchor is not None else (None, None, "")
        out = {c: rec.get(c) for c in QUOTE_COLUMNS if c in seg.columns and c != "text"}
        out.update(codes=codes_of.get(rec["segment_id"], ()), keyword=kw, industries=industries,
                   products=products, quote=trim_quote(body, s, e, width), text=body)
        rows_out.append(out)
        if limit is not None and len(rows_out) >= limit:
            break
    columns = [c for c in QUOTE_COLUMNS
               if c in seg.columns or c in ("codes", "keyword", "industries", "products", "quote", "text")]
    return pd.DataFrame(rows_out, columns=columns)


def _tags(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in re.split(r"[;；、,，]", value) if t.strip())
    return tuple(str(t) for t in value)
