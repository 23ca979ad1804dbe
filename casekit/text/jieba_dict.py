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
one, is never unpickled and is replaced. Loading it takes about a third of the parsing. The words
a caller adds (the redactor's domain words and regions) are added to its own copy, after loading,
and are not part of the cache.

It sits below privacy and analysis so that both the redactor (:mod:`casekit.privacy.redaction`) and
the tokenizer (:mod:`casekit.analysis.tokenize`) can use it without one importing the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casekit.text.signed_files import signed, unsigned, write_atomically

__all__ = [
    "JiebaDictionary",
    "base_jieba_dictionary",
    "dictionary_cache_folder",
    "jieba_dictionary",
    "jieba_dictionary_key",
    "jieba_tokenizer",
]

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_JIEBA: Any = None
_DICTIONARY: JiebaDictionary | None = None
#: Part of the cache file's key: a change of what the file holds makes every older one unused.
_FORMAT = "casekit-jieba-dict-2"


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
        from jieba.posseg import POSTokenizer

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


def _load_dictionary() -> JiebaDictionary:
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
            freq, total, tags = pickle.loads(payload)
            return JiebaDictionary(freq, total, tags)
        except Exception as exc:  # noqa: BLE001 - signed but unreadable: parsed again, rewritten
            log.debug("ignoring the unreadable jieba dictionary cache %s: %s", path, exc)
    parsed = _parse(data)
    try:
        blob = pickle.dumps((parsed.freq, parsed.total, parsed.tags), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(path, signed(blob), prefix=".jieba-dict-")
        for old in path.parent.glob("jieba-dict-*.pickle"):  # only the newest dictionary's copy
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # the cache only saves time
        log.debug("could not write the jieba dictionary cache %s: %s", path, exc)
    return parsed


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
    with _LOCK:
        if _DICTIONARY is None:
            _DICTIONARY = _load_dictionary()
        return _DICTIONARY


def jieba_tokenizer() -> Any:
    """Return casekit's own ``jieba.Tokenizer`` with jieba's general dictionary, built once.

    It is only read after it is built, so every caller shares it; a caller that needs words
    added builds its own ``jieba.Tokenizer`` from :func:`base_jieba_dictionary` instead.

    Returns
    -------
    jieba.Tokenizer
        Initialised, with no words added; never ``jieba.dt``.
    """
    global _JIEBA
    dictionary = jieba_dictionary()
    with _LOCK:
        if _JIEBA is None:
            tk = _jieba_module().Tokenizer()
            tk.FREQ, tk.total = dictionary.freq, dictionary.total
            tk.initialized = True
            _JIEBA = tk
        return _JIEBA


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
