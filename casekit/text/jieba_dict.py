"""casekit's one copy of jieba's general dictionary, shared by the tokenizer and the redactor.

Read from the package once per process (about half a second), never through jieba's cache file
in the temporary folder (another user's or a concurrent process's file could shadow it, and jieba
would log to stderr), and never jieba's global instance (``jieba.add_word`` elsewhere cannot
change casekit's results, and casekit never changes jieba's).

It sits below privacy and analysis so that both the redactor (:mod:`casekit.privacy.redaction`) and
the tokenizer (:mod:`casekit.analysis.tokenize`) can use it without one importing the other.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["base_jieba_dictionary", "jieba_tokenizer"]

_LOCK = threading.Lock()
_JIEBA: Any = None


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
    with _LOCK:
        if _JIEBA is None:
            jieba = _jieba_module()
            tk = jieba.Tokenizer()
            with _quiet(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with tk.get_dict_file() as f:
                    tk.FREQ, tk.total = tk.gen_pfdict(f)
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
    tk = jieba_tokenizer()
    return tk.FREQ, tk.total
