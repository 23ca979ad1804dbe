"""Files casekit writes for this user only: signed with this user's key and written atomically.

A cache file holding a pickle or a marshal runs (or can crash) code when loaded, so casekit loads
one only when it carries a valid HMAC-SHA256 signature made with this user's secret key
(:func:`cache_secret`). A file someone else put into a shared folder, or a damaged one, reads as
absent. This is the one signing mechanism of casekit's caches: the engagement-wide results
(:class:`casekit.reports.engagement.ResultCache`) and the jieba dictionary
(:mod:`casekit.text.jieba_dict`) both use it.

It sits in the lowest layer (beside :mod:`casekit.text.jieba_dict`, which needs it) and reads
nothing of a bundle.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from pathlib import Path

__all__ = ["MAGIC", "cache_secret", "signature", "signed", "unsigned", "write_atomically"]

log = logging.getLogger(__name__)

#: Signature header of a signed file: magic, then the HMAC-SHA256 of the payload that follows.
MAGIC = b"casekit-cache-1\n"
_secret: bytes | None = None


def cache_secret() -> bytes:
    """This user's key for signing cache entries.

    ``CASEKIT_CACHE_KEY`` (hex) when set -- e.g. the same key for the workers of a cluster --,
    else the key in ``$XDG_CONFIG_HOME/casekit/cache.key`` (``~/.config``), created with 32 random
    bytes and permissions 0600 the first time.

    Returns
    -------
    bytes
    """
    global _secret
    if _secret is not None:
        return _secret
    given = os.environ.get("CASEKIT_CACHE_KEY", "").strip()
    if given:
        try:
            _secret = bytes.fromhex(given)
        except ValueError:
            _secret = given.encode("utf-8")
        return _secret
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    path = Path(home) / "casekit" / "cache.key"
    try:
        _secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        key = secrets.token_bytes(32)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(key.hex() + "\n")
            _secret = key
        except FileExistsError:  # another process made it meanwhile: use theirs
            _secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except OSError as exc:  # no writable home: a key for this process only (no reuse)
            log.info("cache entries are signed with a key of this process only: %s", exc)
            _secret = key
    return _secret


def signature(data: bytes) -> bytes:
    """The HMAC-SHA256 of ``data`` with :func:`cache_secret`."""
    return hmac.new(cache_secret(), data, hashlib.sha256).digest()


def signed(payload: bytes) -> bytes:
    """``payload`` with its signature header (what a signed file holds)."""
    return MAGIC + signature(payload) + payload


def unsigned(data: bytes) -> bytes | None:
    """The payload of a signed file's bytes, or None when they do not carry this user's signature."""
    head, payload = data[: len(MAGIC) + 32], data[len(MAGIC) + 32:]
    if head[: len(MAGIC)] != MAGIC or not hmac.compare_digest(head[len(MAGIC):], signature(payload)):
        return None
    return payload


def write_atomically(path: Path, data: bytes, *, prefix: str = ".") -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and one rename, so a
    reader sees the old file, the new one, or none (the folder is created if missing).

    Raises
    ------
    OSError
        If the folder or the file cannot be written (the temporary file is removed).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
