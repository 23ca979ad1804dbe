"""Chinese word segmentation of notes with jieba, keeping the method's and the region's terms whole.

jieba's general dictionary cuts ``商务领航`` into ``商务`` / ``领航`` and ``宽视界`` into ``宽`` /
``视界``; for coding notes those must stay one word, and so must each region's local product names
(``商务领航·酒店版``, ``宽带+电脑``, which jieba could not join at all because of ``·`` and ``+``).

How it works:

* :func:`user_dictionary` lists the terms of a bundle: canonical products with their aliases,
  industries, roles (populations, rater groups and the roles of ``terms_zh.txt``), behaviours,
  customer needs and departments, funnel stages, the seed's terms (``terms_zh.txt``) and the
  bundle's local product names (``bundle.catalogue.local_name``).
* :class:`Tokenizer` first cuts out every occurrence of its terms (leftmost, longest first; a
  term starting or ending in a Latin letter or digit only where it is not part of a longer Latin
  word or number), then segments the text between them with casekit's private
  ``jieba.Tokenizer`` (jieba's general dictionary, loaded once per process, never jieba's global
  instance). The terms live in the :class:`Tokenizer` object, never in a jieba dictionary, so one
  bundle's terms cannot reach another bundle's tokenizer, and ``jieba.add_word`` calls elsewhere
  cannot change casekit's results. (Adding the terms to jieba instead would not keep
  ``商务领航·酒店版`` whole, and would split ``1890`` after the term ``189``.)
* Nothing is written to stderr (jieba logs its dictionary loading there, which fails nbval).
* The same terms and text always give the same tokens.
* What a text was cut into is remembered under a keyed hash of the text, as token lengths, never
  the text (:class:`casekit.text.cut_store.CutStore`, ``keyword-cuts-<key>.pickle`` in casekit's
  cache folder, keyed by the terms and jieba's dictionary): a rebuild after one note changed
  cuts only that note's new paragraphs again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any, ClassVar

from casekit import domain
from casekit.text.cut_store import CutStore
from casekit.text.jieba_dict import base_jieba_dictionary, jieba_dictionary_key, jieba_tokenizer

__all__ = [
    "Tokenizer",
    "base_jieba_dictionary",
    "domain_terms",
    "seed_terms",
    "stopwords",
    "user_dictionary",
]

_TERMS_FILE = "terms_zh.txt"
_STOPWORDS_FILE = "stopwords_zh.txt"
#: Separators inside a vocabulary label that joins two names (``零售、超市``, ``总经理/决策层``).
_LABEL_PARTS = re.compile(r"[/、;；]")
_NUMBER = re.compile(r"[\d０-９.,，:：%％+\-×~～/]+|[零〇一二三四五六七八九十百千万亿两几半]+[多余]?")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
#: Part of a cut store's key: a change of how :meth:`Tokenizer.cut` cuts (or of the stored form)
#: makes every older store unused.
_CUTS_FORMAT = "casekit-keyword-cuts-1"


class _CutStore(CutStore):
    """The remembered cuts of :meth:`Tokenizer.cut`: keyed hash of a text → its token lengths."""

    prefix = "keyword-cuts"
    _open: ClassVar[dict[str, CutStore]] = {}


def _read_list(name: str) -> list[str]:
    text = resources.files("casekit.analysis").joinpath(name).read_text(encoding="utf-8")
    return [s for s in (line.split("#", 1)[0].strip() for line in text.splitlines()) if s]


@functools.cache
def seed_terms() -> tuple[str, ...]:
    """Return the terms of ``casekit/analysis/terms_zh.txt`` (roles and the seed's method terms)."""
    return tuple(_read_list(_TERMS_FILE))


@functools.cache
def stopwords() -> frozenset[str]:
    """Return the Chinese stopwords of ``casekit/analysis/stopwords_zh.txt``."""
    return frozenset(_read_list(_STOPWORDS_FILE))


def _vocabulary_terms(vocabulary: Any, *, labels: bool = True, aliases: bool = True) -> Iterator[str]:
    for term in vocabulary.values():
        names = ([term.label] if labels else []) + (list(term.aliases) if aliases else [])
        for name in names:
            yield name
            if _LABEL_PARTS.search(name):
                yield from _LABEL_PARTS.split(name)


@functools.cache
def domain_terms() -> tuple[str, ...]:
    """Return the terms every bundle shares: ``casekit.domain`` vocabularies and ``terms_zh.txt``.

    Products (labels and aliases), industries, populations and rater groups (the roles),
    behaviours, customer needs and departments, funnel stages, and the seed's terms; sorted,
    each once, single characters left out.
    """
    found: list[str] = []
    for vocab in (domain.PRODUCTS, domain.INDUSTRIES, domain.POPULATIONS, domain.CUSTOMER_NEEDS,
                  domain.FUNNEL_STAGES, domain.CUSTOMER_DEPARTMENTS):
        found += _vocabulary_terms(vocab)
    found += _vocabulary_terms(domain.RATER_GROUPS)
    found += _vocabulary_terms(domain.BEHAVIOURS)
    found += seed_terms()
    return _clean_terms(t for t in found if t != domain.RATER_GROUPS["self"].label)


def user_dictionary(bundle: Any) -> list[str]:
    """Return the terms a bundle's notes are segmented with.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle; its ``catalogue.local_name`` (every region's local product names) is
        added to :func:`domain_terms`.

    Returns
    -------
    list of str
        Sorted, each term once, single characters left out.
    """
    local: Iterable[str] = ()
    catalogue = getattr(bundle, "catalogue", None)
    if catalogue is not None and "local_name" in catalogue.columns:
        local = (str(v) for v in catalogue["local_name"].dropna())
    return list(_clean_terms([*domain_terms(), *local]))


def _clean_terms(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({t.strip() for t in terms if len(t.strip()) >= 2}))


def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = []
    for term in sorted(terms, key=lambda t: (-len(t), t)):
        body = re.escape(term)
        if _ASCII_ALNUM.match(term[0]):
            body = r"(?<![A-Za-z0-9])" + body
        if _ASCII_ALNUM.match(term[-1]):
            body += r"(?![A-Za-z0-9])"
        parts.append(body)
    return re.compile("|".join(parts), re.IGNORECASE)


class Tokenizer:
    """Segment Chinese text into words, keeping ``terms`` whole.

    Parameters
    ----------
    terms : iterable of str, optional
        Words to keep whole (e.g. ``user_dictionary(bundle)``); default :func:`domain_terms`.
        Single characters are ignored.
    hmm : bool
        Let jieba join unknown words with its hidden Markov model (its default).

    Examples
    --------
    >>> tok = Tokenizer(user_dictionary(bundle))            # doctest: +SKIP
    >>> tok.words("客户经理用宽视界给老板娘演示")             # doctest: +SKIP
    ['客户经理', '宽视界', '老板娘', '演示']
    """

    def __init__(self, terms: Iterable[str] | None = None, *, hmm: bool = True) -> None:
        self.terms: tuple[str, ...] = domain_terms() if terms is None else _clean_terms(terms)
        self.hmm = hmm
        self._folded = frozenset(t.casefold() for t in self.terms)
        self._pattern = _term_pattern(self.terms)
        self._jieba = jieba_tokenizer()
        self._stop = stopwords()
        self._store: CutStore | None = None

    def __repr__(self) -> str:
        return f"Tokenizer({len(self.terms)} terms)"

    def cut(self, text: str) -> list[str]:
        """Return every token of ``text`` in order (punctuation and white space included).

        ``"".join(tok.cut(text)) == text``. A text cut before (in this process or, through
        the cut store, in an earlier one) is not cut again.
        """
        if self._store is None:
            self._store = _CutStore.open(self._cut_key())
        lengths = self._store.get(text)
        if lengths is not None and sum(lengths) == len(text):
            tokens, pos = [], 0
            for length in lengths:
                tokens.append(text[pos:pos + length])
                pos += length
            return tokens
        tokens = self._cut(text)
        self._store.put(text, tuple(len(t) for t in tokens))
        return tokens

    def _cut_key(self) -> str:
        """What the cuts depend on: the terms, the HMM switch and jieba's dictionary."""
        what = repr((_CUTS_FORMAT, jieba_dictionary_key(), self.terms, self.hmm))
        return hashlib.sha256(what.encode("utf-8")).hexdigest()[:32]

    def _cut(self, text: str) -> list[str]:
        tokens: list[str] = []
        pos = 0
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                if m.start() > pos:
                    tokens += self._cut_plain(text[pos:m.start()])
                tokens.append(m.group())
                pos = m.end()
        if pos < len(text):
            tokens += self._cut_plain(text[pos:])
        return tokens

    def _cut_plain(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=self.hmm))

    def words(self, text: str) -> list[str]:
        """Return the content words of ``text``, in order.

        Terms are always kept; other tokens are dropped when they are white space, punctuation
        or symbols, numbers (``2008``, ``80%``, ``0311-86012345``, ``三``), or stopwords
        (:func:`stopwords`, which include the single-character function words).
        """
        return [t for t in self.cut(text) if self.is_content(t)]

    def is_content(self, token: str) -> bool:
        """Whether ``token`` is a content word (see :meth:`words`)."""
        if token.casefold() in self._folded:
            return True
        token = token.strip()
        if not token or token in self._stop:
            return False
        if all(unicodedata.category(ch)[0] in "PSZC" for ch in token):
            return False
        return _NUMBER.fullmatch(token) is None
