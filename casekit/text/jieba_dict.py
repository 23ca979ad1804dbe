"""casekit's one copy of jieba's general dictionary, shared by the tokenizer and the redactor.

Read once per process, never through jieba's cache file in the temporary folder (another user's
or a concurrent process's file could shadow it, and jieba would log to stderr), and never jieba's
global instance (``jieba.add_word`` elsewhere cannot change casekit's results, and casekit never
changes jieba's).

Parsing the dictionary (its word frequencies with every word's prefixes, and its part-of-speech
tags) takes about a second; casekit keeps the parsed result in its own cache file,
``$XDG_CACHE_HOME/casekit/jieba-dict-<key>.pickle`` (``~/.cache``), keyed by a SHA-256 of the
dictionary's bytes and jieba's version, written atomically and signed like the build's result
cache (:mod:`casekit.text.signed_files`): a file this user's casekit did not write, or a damaged
one, is never unpickled and is replaced. The words a caller adds (the redactor's domain words and
regions) are added to its own copy, after loading, and are not part of the cache.

The file holds the dictionary in shards, one per first character of a word (a word's prefixes
share its first character), frequencies and tags apart (:class:`DictionaryShards`). Building all
of it in memory costs about a third of a second; most texts need a small part: a rebuild after
one note changed looks up some words of every note and cuts one paragraph. So the tokenizers read
it shard by shard: :func:`partial_tokenizer` is a ``jieba.Tokenizer`` whose frequencies are read
for the characters of each text before jieba cuts it, and :class:`LazyTags` a tag table read for
each word looked up. They cut exactly as a tokenizer holding the whole dictionary.
:func:`jieba_dictionary` still gives the whole of it.

It sits below privacy and analysis so that both the redactor (:mod:`casekit.privacy.redaction`) and
the tokenizer (:mod:`casekit.analysis.tokenize`) can use it without one importing the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import struct
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casekit.text.signed_files import signed, unsigned, write_atomically

__all__ = [
    "DictionaryShards",
    "JiebaDictionary",
    "LazyTags",
    "base_jieba_dictionary",
    "dictionary_cache_folder",
    "dictionary_shards",
    "import_posseg",
    "jieba_dictionary",
    "jieba_dictionary_key",
    "jieba_tokenizer",
    "partial_tokenizer",
]

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_JIEBA: Any = None
_DICTIONARY: JiebaDictionary | None = None
_SHARDS: DictionaryShards | None = None
#: Part of the cache file's key: a change of what the file holds makes every older one unused.
_FORMAT = "casekit-jieba-dict-3"
#: The cache file's payload: the length of its head (8 bytes, big-endian), the head (a pickle of
#: the total frequency and the index of the shards), then the shards (pickles of dicts).
_HEAD_LENGTH = struct.Struct(">Q")


@dataclass(frozen=True)
class JiebaDictionary:
    """jieba's general dictionary as jieba's tokenizers hold it (shared: never change it).

    Attributes
    ----------
    freq : dict of str to int
        Word → frequency, every prefix of a word included with 0 (``jieba.Tokenizer.FREQ``).
    total : int
        The sum of the frequencies (``jieba.Tokenizer.total``).
    tags : dict of str to str
        Word → part-of-speech tag (``jieba.posseg.POSTokenizer.word_tag_tab``).
    """

    freq: dict[str, int]
    total: int
    tags: dict[str, str]


def _jieba_module() -> Any:
    """Import jieba without letting an import-time warning (``pkg_resources``) reach stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    return jieba


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence jieba's logger (it writes its dictionary loading to stderr)."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def dictionary_cache_folder() -> Path:
    """Where casekit keeps its parsed copy of jieba's dictionary: ``$XDG_CACHE_HOME/casekit``
    (default ``~/.cache/casekit``)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "casekit"


def _parse(data: bytes) -> JiebaDictionary:
    """Parse the dictionary's bytes exactly as jieba does (with its own two readers)."""
    import io

    jieba = _jieba_module()
    with _quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        POSTokenizer = import_posseg().POSTokenizer  # noqa: N806 - jieba's name

        freq, total = jieba.Tokenizer.gen_pfdict(io.BytesIO(data))
        reader = POSTokenizer.__new__(POSTokenizer)  # only its parser: no dictionary read at creation
        reader.load_word_tag(io.BytesIO(data))
    # the tags' words as the same string objects as the frequencies' (the cache file then holds
    # each word once, and loading it makes one string per word)
    words = {word: word for word in freq}
    tags = {words.get(word, word): tag for word, tag in reader.word_tag_tab.items()}
    return JiebaDictionary(freq, total, tags)


_KEY: str | None = None


def _dictionary_bytes() -> tuple[bytes, str]:
    """jieba's dictionary file and its key: a SHA-256 of its bytes and jieba's version."""
    global _KEY
    jieba = _jieba_module()
    with jieba.Tokenizer().get_dict_file() as f:
        data = f.read()
    _KEY = hashlib.sha256(jieba.__version__.encode("utf-8") + b"\n" + data).hexdigest()[:32]
    return data, _KEY


def jieba_dictionary_key() -> str:
    """A SHA-256 (hex, 32 digits) of jieba's dictionary file and jieba's version: what the cuts of
    a tokenizer built on :func:`jieba_dictionary` depend on besides the words added to it."""
    with _LOCK:
        return _KEY if _KEY is not None else _dictionary_bytes()[1]


class DictionaryShards:
    """jieba's general dictionary as casekit's cache file holds it: split by a word's first
    character, each shard read (unpickled) when asked for.

    Parameters
    ----------
    total : int
        The sum of the frequencies (``jieba.Tokenizer.total``).
    index : dict of str to (int, int, int, int)
        First character → offset and length of its frequencies' shard, then of its tags' shard,
        in ``blobs``.
    blobs : bytes
        The shards, each a pickle of a dict (signed with the file: never unpickled otherwise).
    """

    def __init__(self, total: int, index: dict[str, tuple[int, int, int, int]], blobs: bytes) -> None:
        self.total = total
        self._index = index
        self._blobs = memoryview(blobs)
        # the shards read so far: the redactor's tokenizer and the keyword tokenizer read the
        # same characters' shards, each into its own table
        self._freq: dict[str, dict[str, int]] = {}
        self._tags: dict[str, dict[str, str]] = {}

    def chars(self) -> Iterable[str]:
        """Every first character of a word of the dictionary."""
        return self._index.keys()

    def freq(self, char: str) -> dict[str, int]:
        """Word → frequency of the words (and prefixes of words) starting with ``char`` (empty
        when none does): shared by every caller, never change it."""
        return self._read(self._freq, char, 0)

    def tags(self, char: str) -> dict[str, str]:
        """Word → part-of-speech tag of the words starting with ``char``: shared by every caller,
        never change it."""
        return self._read(self._tags, char, 2)

    def _read(self, read: dict[str, Any], char: str, at: int) -> Any:
        shard = read.get(char)
        if shard is None:
            where = self._index.get(char)
            shard = pickle.loads(self._blobs[where[at]:where[at] + where[at + 1]]) if where else {}
            read[char] = shard  # two threads may read one shard at once: the same content
        return shard

    def whole(self) -> JiebaDictionary:
        """The whole dictionary, every shard read."""
        freq: dict[str, int] = {}
        tags: dict[str, str] = {}
        for char in self.chars():
            freq.update(self.freq(char))
            tags.update(self.tags(char))
        return JiebaDictionary(freq, self.total, tags)

    @classmethod
    def of(cls, dictionary: JiebaDictionary) -> tuple[DictionaryShards, bytes]:
        """The shards of ``dictionary`` (all of them read already) and what the cache file holds
        for it (before its signature)."""
        freq: dict[str, dict[str, int]] = {}
        tags: dict[str, dict[str, str]] = {}
        for word, count in dictionary.freq.items():
            freq.setdefault(word[:1], {})[word] = count
        for word, tag in dictionary.tags.items():
            tags.setdefault(word[:1], {})[word] = tag
        payload = cls._payload(dictionary.total, freq, tags)
        shards = cls.from_payload(payload)
        shards._freq.update(freq)
        shards._tags.update(tags)
        return shards, payload

    @staticmethod
    def _payload(total: int, freq: dict[str, dict[str, int]], tags: dict[str, dict[str, str]]) -> bytes:
        blobs: list[bytes] = []
        index: dict[str, tuple[int, int, int, int]] = {}
        offset = 0
        for char in sorted(freq.keys() | tags.keys()):
            parts = [pickle.dumps(part.get(char, {}), protocol=pickle.HIGHEST_PROTOCOL) for part in (freq, tags)]
            index[char] = (offset, len(parts[0]), offset + len(parts[0]), len(parts[1]))
            offset += len(parts[0]) + len(parts[1])
            blobs += parts
        head = pickle.dumps((total, index), protocol=pickle.HIGHEST_PROTOCOL)
        return _HEAD_LENGTH.pack(len(head)) + head + b"".join(blobs)

    @classmethod
    def from_payload(cls, payload: bytes) -> DictionaryShards:
        """The shards of a cache file's (signed) payload.

        Raises
        ------
        Exception
            When the payload is not one (another casekit version's file).
        """
        (length,) = _HEAD_LENGTH.unpack_from(payload)
        start = _HEAD_LENGTH.size
        total, index = pickle.loads(payload[start:start + length])
        if not isinstance(total, int) or not isinstance(index, dict):
            raise ValueError("not a dictionary file of this casekit")
        return cls(total, index, payload[start + length:])


def _load_shards() -> DictionaryShards:
    """The dictionary from casekit's signed cache file, or parsed (and the cache file written)."""
    data, key = _dictionary_bytes()
    key = hashlib.sha256(f"{_FORMAT}\n{key}".encode("utf-8")).hexdigest()[:32]
    path = dictionary_cache_folder() / f"jieba-dict-{key}.pickle"
    try:
        payload = unsigned(path.read_bytes())
    except OSError:
        payload = None
    if payload is not None:
        try:
            return DictionaryShards.from_payload(payload)
        except Exception as exc:  # noqa: BLE001 - signed but unreadable: parsed again, rewritten
            log.debug("ignoring the unreadable jieba dictionary cache %s: %s", path, exc)
    shards, payload = DictionaryShards.of(_parse(data))
    try:
        write_atomically(path, signed(payload), prefix=".jieba-dict-")
        for old in path.parent.glob("jieba-dict-*.pickle"):  # only the newest dictionary's copy
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # the cache only saves time
        log.debug("could not write the jieba dictionary cache %s: %s", path, exc)
    return shards


def _load_dictionary() -> JiebaDictionary:
    """The whole dictionary from casekit's signed cache file, or parsed (and the file written)."""
    return _load_shards().whole()


def dictionary_shards() -> DictionaryShards:
    """Return jieba's general dictionary in shards (:class:`DictionaryShards`), read once per
    process from casekit's signed cache file (or parsed, and the file written).

    Reading it checks the file's signature and its index; no shard is unpickled until asked for.

    Returns
    -------
    DictionaryShards
        Shared by every caller (its shards are handed out as new dicts).
    """
    global _SHARDS
    with _LOCK:
        if _SHARDS is None:
            _SHARDS = _load_shards()
        return _SHARDS


def jieba_dictionary() -> JiebaDictionary:
    """Return jieba's general dictionary with its part-of-speech tags, read once per process.

    From casekit's signed cache file when it holds this dictionary (see the module's notes),
    else parsed from jieba's package and the cache file written.

    Returns
    -------
    JiebaDictionary
        Shared by every caller: copy its mappings before adding words.
    """
    global _DICTIONARY
    shards = dictionary_shards()
    with _LOCK:
        if _DICTIONARY is None:
            _DICTIONARY = shards.whole()
        return _DICTIONARY


def import_posseg() -> Any:
    """Import ``jieba.posseg`` without it parsing jieba's dictionary file a second time.

    Importing the module makes its global ``POSTokenizer`` (``jieba.posseg.dt``), which reads
    the tags of every word of ``jieba.dt``'s dictionary file, line by line: about a third of a
    second, the largest part of the first text cut in a process. When ``jieba.dt`` has jieba's
    own dictionary -- the file casekit's copy is parsed from, by the same reader -- the file is
    handed to the import as empty for that moment, and the global tokenizer then gets casekit's
    tags (:class:`LazyTags`: the same table, read shard by shard as words are looked up).
    Otherwise (jieba's dictionary replaced with ``jieba.set_dictionary``) it is imported as usual.

    Returns
    -------
    module
        ``jieba.posseg``.
    """
    import io
    import sys

    jieba = _jieba_module()
    with _POSSEG_IMPORT:
        if "jieba.posseg" not in sys.modules and jieba.dt.dictionary == jieba.DEFAULT_DICT:
            default = jieba.dt
            # the one call of get_dict_file in the import is POSTokenizer(jieba.dt).__init__'s
            default.get_dict_file = lambda: io.BytesIO(b"")
            try:
                import jieba.posseg
            finally:
                del default.get_dict_file
            jieba.posseg.dt.word_tag_tab = LazyTags()
        import jieba.posseg

        return jieba.posseg


_POSSEG_IMPORT = threading.Lock()


def jieba_tokenizer() -> Any:
    """Return casekit's own ``jieba.Tokenizer`` with jieba's general dictionary, built once.

    Every caller shares it: add no word to it; a caller that needs words added builds its own
    (:func:`partial_tokenizer`). It reads the dictionary shard by shard as texts are cut
    (:func:`partial_tokenizer`): its ``FREQ`` holds the words of the shards read so far.

    Returns
    -------
    jieba.Tokenizer
        Initialised, with no words added; never ``jieba.dt``.
    """
    global _JIEBA
    shards = dictionary_shards()
    with _LOCK:
        if _JIEBA is None:
            _JIEBA = partial_tokenizer(shards)
        return _JIEBA


def partial_tokenizer(shards: DictionaryShards | None = None) -> Any:
    """A new ``jieba.Tokenizer`` of jieba's general dictionary that reads the dictionary's shards
    as it needs them: those of the characters of a text before cutting it, of a word before
    adding it.

    It cuts exactly as a ``jieba.Tokenizer`` holding the whole dictionary: every frequency jieba
    looks up while cutting a text is of a piece of that text (``get_DAG``, which every way of
    cutting calls first, reads the shards of the text's characters). Look a word's frequency up
    with ``tokenizer.freq_of(word)``, never in ``tokenizer.FREQ`` directly: it holds the shards
    read so far.

    Parameters
    ----------
    shards : DictionaryShards, optional
        Default :func:`dictionary_shards`.

    Returns
    -------
    jieba.Tokenizer
        Initialised, with no words added.
    """
    return _partial_class()(shards if shards is not None else dictionary_shards())


_PARTIAL: Any = None


def _partial_class() -> Any:
    """The ``jieba.Tokenizer`` subclass of :func:`partial_tokenizer` (made once: it needs jieba)."""
    global _PARTIAL
    if _PARTIAL is not None:
        return _PARTIAL
    jieba = _jieba_module()

    class PartialTokenizer(jieba.Tokenizer):  # type: ignore[misc,name-defined]
        def __init__(self, shards: DictionaryShards) -> None:
            super().__init__()
            self.FREQ, self.total = {}, shards.total
            self.initialized = True
            self._shards = shards
            self._read: set[str] = set()
            self._reading = threading.Lock()

        def need(self, text: str) -> None:
            """Read the frequencies of the words starting with any character of ``text``."""
            missing = set(text) - self._read
            if not missing:
                return
            with self._reading:  # a shard is read once, before any word of it is added
                for char in sorted(missing - self._read):
                    self.FREQ.update(self._shards.freq(char))
                    self._read.add(char)

        def freq_of(self, word: str) -> int:
            """The frequency of ``word`` (0 when jieba's dictionary and the words added lack it)."""
            self.need(word[:1])
            return int(self.FREQ.get(word) or 0)

        def get_DAG(self, sentence: str) -> Any:  # noqa: N802 - jieba's name
            self.need(sentence)
            return super().get_DAG(sentence)

        def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
            self.need(word[:1])
            super().add_word(word, freq, tag)

        def suggest_freq(self, segment: Any, tune: bool = False) -> int:
            self.need("".join(segment) if not isinstance(segment, str) else segment)
            return int(super().suggest_freq(segment, tune))

    _PARTIAL = PartialTokenizer
    return _PARTIAL


class LazyTags(dict):  # type: ignore[type-arg]
    """jieba's part-of-speech tags (word → tag) as a dict that reads a word's shard when the word
    is looked up or set: a ``jieba.posseg.POSTokenizer.word_tag_tab`` that costs only what the
    texts cut need.

    It behaves as the whole table: a lookup or change reads the word's shard first (a word set
    before keeps its tag), and anything that sees every word (iterating, its length, comparing,
    copying, pickling) reads every shard first.

    Parameters
    ----------
    shards : DictionaryShards, optional
        Default :func:`dictionary_shards` (read at the first word looked up).
    """

    def __init__(self, shards: DictionaryShards | None = None) -> None:
        super().__init__()
        self._given = shards
        self._read: set[str] = set()
        self._reading = threading.Lock()

    @property
    def _shards(self) -> DictionaryShards:
        """The shards read from (:func:`dictionary_shards` unless given; fetched at the first need)."""
        if self._given is None:
            self._given = dictionary_shards()
        return self._given

    def _need(self, word: object) -> None:
        char = word[:1] if isinstance(word, str) else ""
        if char in self._read or not isinstance(word, str):
            return
        with self._reading:
            if char not in self._read:
                shard = self._shards.tags(char)
                kept = {w: dict.__getitem__(self, w) for w in shard.keys() & dict.keys(self)}
                dict.update(self, shard)
                dict.update(self, kept)  # a word set before its shard was read keeps its tag
                self._read.add(char)

    def _need_all(self) -> None:
        for char in list(self._shards.chars()):
            self._need(char)

    def get(self, key: object, default: object = None) -> object:
        self._need(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: object) -> object:
        self._need(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._need(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key: object, value: object) -> None:
        self._need(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: object) -> None:
        self._need(key)
        dict.__delitem__(self, key)

    def setdefault(self, key: object, default: object = None) -> object:
        self._need(key)
        return dict.setdefault(self, key, default)

    def pop(self, key: object, *default: object) -> object:
        self._need(key)
        return dict.pop(self, key, *default)

    def update(self, *others: object, **words: object) -> None:
        given = dict(*others, **words)  # type: ignore[call-overload]
        for key in given:
            self._need(key)
        dict.update(self, given)

    def __ior__(self, other: object) -> LazyTags:
        self.update(other)
        return self

    def clear(self) -> None:
        self._read.update(self._shards.chars())  # nothing is read into it again
        dict.clear(self)

    def _whole(self) -> dict[str, str]:
        self._need_all()
        return dict(dict.items(self))

    def __iter__(self) -> Iterator[str]:
        self._need_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._need_all()
        return dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, LazyTags) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._whole())

    def __or__(self, other: object) -> dict[str, str]:
        return self._whole() | (other._whole() if isinstance(other, LazyTags) else other)  # type: ignore[operator]

    def __ror__(self, other: object) -> dict[str, str]:
        return other | self._whole()  # type: ignore[operator]

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self._whole(),)

    def keys(self) -> Any:
        self._need_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._need_all()
        return dict.values(self)

    def items(self) -> Any:
        self._need_all()
        return dict.items(self)

    def copy(self) -> dict[str, str]:
        return self._whole()

    def popitem(self) -> tuple[str, str]:
        self._need_all()
        return dict.popitem(self)


def base_jieba_dictionary() -> tuple[dict[str, int], int]:
    """Return jieba's general dictionary (word → frequency, total), read once per process.

    For a caller that needs its own ``jieba.Tokenizer`` with words added (the redactor): copy the
    mapping into it, so this one is never changed.

    Returns
    -------
    tuple of (dict of str to int, int)
        The shared mapping (do not change it) and the total frequency.
    """
    dictionary = jieba_dictionary()
    return dictionary.freq, dictionary.total
