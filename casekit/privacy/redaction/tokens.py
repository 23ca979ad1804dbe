"""The jieba tokens the redaction reads and the candidate record every detector returns.

:class:`RedactionTokenizer` is a private jieba tokenizer with the method's domain words
(:data:`DOMAIN_TERMS`) and region names (:data:`PLACE_WORDS`, a bundle's regions) added, so that
a product or a place is never cut into a name. The person detectors (:mod:`.names`), the company
detectors (:mod:`.companies`) and the number patterns (:mod:`.patterns`, through the redactor)
all return :class:`Candidate` spans; :class:`~casekit.privacy.redaction.redactor.Redactor`
resolves their overlaps by :data:`PRIORITY`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from casekit.privacy.redaction.patterns import EMAIL_RANK, ID_RANK, NUMBER_RANK
from casekit.text.cut_store import CutStore

if TYPE_CHECKING:  # pragma: no cover
    from casekit.privacy.redaction.companies import CompanyName
    from casekit.text.jieba_dict import LazyTags

log = logging.getLogger(__name__)

__all__ = ["DOMAIN_TERMS", "PLACE_WORDS", "PRIORITY", "Candidate", "RedactionTokenizer", "Token", "all_han", "is_han"]

#: One jieba token: ``(start, end, word, flag)``, offsets in the text cut.
Token = tuple[int, int, str, str]

#: Administrative places: a place alone in front of a suffix does not make a name (南宁酒店).
PLACE_WORDS: frozenset[str] = frozenset("""
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川
贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 石家庄 保定 唐山 邯郸 邢台 沧州 衡水 廊坊
承德 张家口 秦皇岛 南宁 济南 青岛 广州 深圳 武汉 郑州 太原 沈阳 义乌
""".split())  # noqa: SIM905

#: Domain words jieba must keep whole and never flag (products, roles, tools of the method).
DOMAIN_TERMS: tuple[str, ...] = (
    "客户经理", "政企客户经理", "大客户经理", "支撑人员", "销售管理人员", "营销中心", "营销中心主任",
    "商务领航", "宽带监控", "宽视界", "场景监控", "全球眼", "混合组网", "集团网", "企业虚拟网",
    "黄页", "电话黄页", "光纤专线", "企业网站", "天翼", "商务光速", "视频看店", "商务快车",
    "隐性销售", "工作随访", "随访", "复盘", "客户管理表", "销售工具", "置业顾问", "售楼处",
    "前台主管", "大堂经理", "项目经理", "产品经理", "区域经理", "销售经理", "客服主管", "班主任",
    "办公室主任", "院办主任", "信息科", "教导处", "教务处", "号码百事通", "C网", "老板娘",
)


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character (CJK unified ideographs and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def all_han(s: str) -> bool:
    """Whether ``s`` is non-empty and made only of Chinese characters."""
    return bool(s) and all(is_han(c) for c in s)


class RedactionTokenizer:
    """A private jieba tokenizer (the global one is left alone) with the domain words added.

    One per set of extra words (a bundle's product names and regions), cached: redacting with
    one bundle never changes how another bundle's notes are cut.

    The tokens of every text cut are remembered by a keyed hash of the text (:class:`_TokenStore`):
    in this process, and in a signed file of the user's cache folder written when the process
    ends, so that a rebuild after one note was edited cuts that note's paragraphs only. The
    file holds each token's offsets and part-of-speech tag, never the text or its words.
    jieba's dictionary is read shard by shard (:func:`casekit.text.jieba_dict.partial_tokenizer`):
    the frequencies of the words the detectors look up and of the characters of the texts cut.
    """

    _lock = threading.RLock()
    _cache: ClassVar[dict[tuple[frozenset[str], frozenset[str]], RedactionTokenizer]] = {}

    def __init__(self, words: Iterable[str] = (), places: Iterable[str] = ()) -> None:
        from casekit.text.jieba_dict import LazyTags, dictionary_shards, partial_tokenizer

        logging.getLogger("jieba").setLevel(logging.WARNING)
        # A private copy of jieba's general dictionary and its tags (casekit's copy, never jieba's
        # cache file in the temporary folder, which may belong to another user and make jieba
        # log an error on stderr), read shard by shard as texts are cut and words looked up;
        # words added below stay in this copy.
        shards = dictionary_shards()
        self.tokenizer = partial_tokenizer(shards)
        self._tags = LazyTags(shards)  # the POS tokenizer's, when one is needed
        self._pos: Any = None
        self._store: _TokenStore | None = None
        self.added: set[str] = set()
        self._added_tags: dict[str, str] = {}
        self.add_words(DOMAIN_TERMS)
        self.add_words(words)
        self.places: set[str] = set()
        self.add_places(PLACE_WORDS)
        self.add_places(places)

    @classmethod
    def get(cls, words: Iterable[str] = (), places: Iterable[str] = ()) -> RedactionTokenizer:
        """The segmenter with these extra words and places (created once)."""
        key = (frozenset(words) - frozenset(DOMAIN_TERMS), frozenset(places) - PLACE_WORDS)
        with cls._lock:
            if key not in cls._cache:
                if len(cls._cache) >= 8:
                    cls._cache.pop(next(iter(cls._cache)))
                cls._cache[key] = cls(*key)
            return cls._cache[key]

    @property
    def pos(self) -> Any:
        """The ``jieba.posseg.POSTokenizer`` of :attr:`tokenizer` (made at the first text cut:
        texts whose tokens are remembered need none)."""
        with self._lock:
            if self._pos is None:
                self._pos = _pos_tokenizer(self.tokenizer, self._tags)
            return self._pos

    def add_words(self, words: Iterable[str], tag: str = "nz") -> None:
        with self._lock:
            for word in words:
                if word and word not in self.added and len(word) > 1:
                    self.tokenizer.add_word(word, freq=max(self.freq(word), 20000), tag=tag)
                    self.added.add(word)
                    self._added_tags[word] = tag
                    self._store = None  # the cuts change: remembered under another key

    def add_places(self, names: Iterable[str]) -> None:
        """Region names: segmented whole, tagged ns, never a person nor a company name alone."""
        names = [n for n in names if n and len(n) > 1]
        self.add_words(names, tag="ns")
        self.places.update(names)

    def freq(self, word: str) -> int:
        return int(self.tokenizer.freq_of(word))

    def tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, word, flag)`` of every token; offsets are the text's."""
        with self._lock:
            if self._store is None:
                self._store = _TokenStore.open(self._cut_key())
            store = self._store
            spans = store.get(text)
            if spans is None:
                spans = self._cut(text)
                store.put(text, spans)
        return [(start, end, text[start:end], flag) for start, end, flag in spans]

    def _cut(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """jieba's tokens of ``text`` as ``(start, end, flag)``; none if jieba changed the text."""
        out = []
        pos = 0
        with self._lock:
            pairs = list(self.pos.cut(text))
        for pair in pairs:
            word, flag = pair.word, pair.flag
            start = text.find(word, pos) if text[pos:pos + len(word)] != word else pos
            if start < 0:  # jieba changed the text (it never should): no tokens, no jieba signals
                return ()
            out.append((start, start + len(word), flag))
            pos = start + len(word)
        return tuple(out)

    def _cut_key(self) -> str:
        """What the cuts depend on: jieba's dictionary, and the words added with their tags and
        frequencies."""
        from casekit.text.jieba_dict import jieba_dictionary_key

        added = sorted((w, t, self.tokenizer.FREQ.get(w)) for w, t in self._added_tags.items())
        return hashlib.sha256(repr((_TOKENS_FORMAT, jieba_dictionary_key(), added)).encode("utf-8")).hexdigest()[:32]


#: Part of a token store's key: a change of how :meth:`RedactionTokenizer.tokens` cuts (or of the
#: stored form) makes every older store unused.
_TOKENS_FORMAT = "casekit-redaction-tokens-1"


class _TokenStore(CutStore):
    """The remembered tokens of one tokenizer's cuts: keyed hash of a text → its ``(start, end,
    flag)`` tuples (:class:`casekit.text.cut_store.CutStore`: never a text or a word)."""

    prefix = "redaction-tokens"
    _open: ClassVar[dict[str, CutStore]] = {}


def _pos_tokenizer(tokenizer: Any, tags: LazyTags) -> Any:
    """A ``jieba.posseg.POSTokenizer`` of ``tokenizer`` with these word tags, as
    ``POSTokenizer(tokenizer)`` would make it but without reading the dictionary file again."""
    from casekit.text.jieba_dict import import_posseg

    posseg = import_posseg()
    pos = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    pos.tokenizer = tokenizer
    pos.word_tag_tab = tags
    return pos


@dataclass
class Candidate:
    start: int
    end: int
    kind: str
    confidence: float
    priority: int
    key: str = ""  # identity of a person or company (its pseudonym's key)
    lead: str = ""  # 小 / 老 kept before a person's pseudonym
    tail: str = ""  # title or suffix kept after the pseudonym
    roster: bool = False
    company: CompanyName | None = None  # a company's name found in front of its suffix


#: Which detector wins an overlap (lower first, then the longer span): numbers rank as
#: :mod:`casekit.privacy.redaction.patterns` ranks them.
PRIORITY = {"roster": 0, "email": EMAIL_RANK, "id": ID_RANK, "number": NUMBER_RANK, "title": 4, "company": 5,
             "cue": 6, "jieba": 7}
