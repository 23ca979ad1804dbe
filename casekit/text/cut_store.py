"""Remembered cuts: what a tokenizer made of a text, kept under a keyed hash of the text.

Cutting Chinese text with jieba needs its dictionary and takes time; a rebuild after one edited
note meets the same paragraphs again. A :class:`CutStore` remembers, per text, what a tokenizer
made of it -- a tuple of numbers and tags (token offsets or lengths, part-of-speech tags), never
the text or its words: a text is known by its HMAC-SHA256 with this user's key
(:func:`casekit.text.signed_files.cache_secret`). The cuts are kept in the process, and written
when the process ends (if any text was cut) to a signed file in the user's cache folder
(:func:`casekit.text.jieba_dict.dictionary_cache_folder`), ``<prefix>-<key>.pickle``, where the
key says what the cuts depend on (the tokenizer's dictionary and words). A file not signed with
this user's key, or damaged, reads as empty (and is replaced).

A file keeps at most :data:`STORE_TEXTS` texts (those used last) and a kind of store at most
:data:`STORE_FILES` files (the newest). The redactor's tokens
(:class:`casekit.privacy.redaction.tokens.RedactionTokenizer`) and the keyword tokenizer's cuts
(:class:`casekit.analysis.tokenize.Tokenizer`) each have one kind.
"""

from __future__ import annotations

import atexit
import logging
import pickle
from pathlib import Path
from typing import Any, ClassVar

from casekit.text.jieba_dict import dictionary_cache_folder
from casekit.text.signed_files import signature, signed, unsigned, write_atomically

__all__ = ["STORE_FILES", "STORE_TEXTS", "CutStore"]

log = logging.getLogger(__name__)

#: Texts a store file keeps at most (those used last), and the files of a kind kept at most.
STORE_TEXTS = 200_000
STORE_FILES = 8


class CutStore:
    """The remembered cuts of one tokenizer: keyed hash of a text → what it was cut into.

    Subclass it once per kind of cut, setting :attr:`prefix` (the file name's start) and an
    empty ``_open`` of its own; get the store of a key with :meth:`open`.

    Parameters
    ----------
    path : pathlib.Path
        The store's file.
    cuts : dict of bytes to tuple
        The cuts read from it.
    """

    #: The file name's start: ``<prefix>-<key>.pickle``.
    prefix: ClassVar[str] = "cuts"
    _open: ClassVar[dict[str, CutStore]] = {}

    def __init__(self, path: Path, cuts: dict[bytes, Any]) -> None:
        self.path = path
        self.old = cuts
        self.used: dict[bytes, Any] = {}
        self.added = False

    @classmethod
    def open(cls, key: str) -> CutStore:
        """The store of the cuts keyed ``key``: one per process, read from its file at first use
        (and written when the process ends, if a text was cut)."""
        if key not in cls._open:
            path = dictionary_cache_folder() / f"{cls.prefix}-{key}.pickle"
            cuts: dict[bytes, Any] = {}
            try:
                payload = unsigned(path.read_bytes())
                if payload is not None:
                    stored_key, cuts = pickle.loads(payload)
                    if stored_key != key or not isinstance(cuts, dict):
                        cuts = {}
            except Exception as exc:  # noqa: BLE001 - absent or unreadable: every text is cut
                log.debug("%s not read from %s: %s", cls.prefix, path, exc)
                cuts = {}
            cls._open[key] = store = cls(path, cuts)
            atexit.register(store.save, key)
        return cls._open[key]

    @staticmethod
    def text_key(text: str) -> bytes:
        """What a text is known by: the first 16 bytes of its HMAC-SHA256 with this user's key."""
        return signature(text.encode("utf-8"))[:16]

    def get(self, text: str) -> Any | None:
        """The cut of ``text`` remembered, or None."""
        key = self.text_key(text)
        cut = self.used.get(key)
        if cut is None:
            cut = self.old.get(key)
            if cut is not None:
                self.used[key] = cut
        return cut

    def put(self, text: str, cut: Any) -> None:
        """Remember the cut of ``text`` (numbers and tags only: never a piece of the text)."""
        self.used[self.text_key(text)] = cut
        self.added = True

    def save(self, key: str) -> None:
        """Write the file if texts were cut in this process: this process's texts first, then the
        older ones, at most :data:`STORE_TEXTS`; only the newest :data:`STORE_FILES` files of
        this kind are kept."""
        if not self.added:
            return
        kept = dict(self.used)
        for text_key, cut in self.old.items():
            if len(kept) >= STORE_TEXTS:
                break
            kept.setdefault(text_key, cut)
        try:
            payload = pickle.dumps((key, kept), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(self.path, signed(payload), prefix=f".{self.prefix}-")
            files = sorted(self.path.parent.glob(f"{self.prefix}-*.pickle"),
                           key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[STORE_FILES:]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # the store only saves time
            log.debug("%s not written to %s: %s", self.prefix, self.path, exc)
        self.old, self.used, self.added = kept, {}, False
