"""Content fingerprints of what a build reads: the bundle's files, casekit's code, the notebook.

``casekit build`` keys every output by a hash of exactly what it depends on
(:mod:`casekit.reports.build_state`), and the engagement-wide results by a hash of the bundle
files they read (:mod:`casekit.reports.engagement`). This module computes those hashes and
nothing else; it imports only the standard library, so a build that finds nothing stale
never loads pandas, matplotlib or Jupyter.

A fingerprint is a SHA-256 over content, never over times: copying a bundle, touching a file or
checking it out again changes nothing; changing one byte changes the fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from casekit.bundle_tree import bundle_tree, stamp_of

__all__ = [
    "CODE_SUFFIXES",
    "FOLLOWUP_PREFIX",
    "NOTES_PREFIX",
    "RENDERING_LIBRARIES",
    "bundle_files",
    "code_version",
    "digest",
    "file_digest",
    "without_followup",
    "without_notes",
]

#: Files of the casekit package whose content is part of :func:`code_version`.
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".txt", ".tpl", ".j2", ".css", ".json", ".md")
#: Libraries whose version changes what a report looks like (numbers, charts, HTML, Word, slides).
RENDERING_LIBRARIES = (
    "pandas", "numpy", "scipy", "scikit-learn", "matplotlib", "jieba", "nbconvert", "nbformat", "nbclient",
    "papermill", "ipykernel", "python-docx", "python-pptx", "pyyaml", "jinja2", "mistune",
)
#: Where a bundle keeps its interview and ride-along notes (``casekit.intake.notes.NOTES_DIR``).
#: The bundle folder of the follow-up waves (``docs/followup.md``), as the keys of :func:`bundle_files` start.
FOLLOWUP_PREFIX = "followup/"
NOTES_PREFIX = "notes/"
_CHUNK = 1 << 20


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's bytes (hex).

    Parameters
    ----------
    path : path-like
        A regular file.

    Returns
    -------
    str
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def bundle_files(root: Path | str) -> dict[str, str]:
    """Every file of a bundle folder and the SHA-256 of its content.

    The files are :func:`casekit.bundle_tree.bundle_tree`'s: hidden ones left out, ``_private``
    included (the roster drives the redaction of notes), links only inside the bundle.

    Parameters
    ----------
    root : path-like
        The bundle folder.

    Returns
    -------
    dict of str to str
        POSIX path relative to ``root`` → hex digest, sorted by path.
    """
    root = Path(root).resolve()
    tree = bundle_tree(root)
    # Within one process (a report kernel builds many regions) a file whose size, time and inode
    # are unchanged is not read again; across processes every build hashes the content.
    signature = stamp_of(root, tree)
    if _last_tree and _last_tree[0] == signature:
        return dict(_last_tree[1])
    digests = {f.relative: file_digest(f.real) for f in tree}
    _last_tree[:] = [signature, digests]
    return dict(digests)


_last_tree: list[Any] = []


def without_followup(files: Mapping[str, str]) -> dict[str, str]:
    """``files`` less the follow-up after the course (``followup/``): what the research reads."""
    return {k: v for k, v in files.items() if not k.startswith(FOLLOWUP_PREFIX)}


def without_notes(files: Mapping[str, str]) -> dict[str, str]:
    """``files`` less the interview and ride-along notes (what the engagement-wide analysis reads)."""
    return {k: v for k, v in files.items() if not k.startswith(NOTES_PREFIX)}


@lru_cache(maxsize=1)
def code_version() -> str:
    """casekit's version and a SHA-256 of its package files (code, templates, models, word lists)
    and of the Python and library versions that render a report (:data:`RENDERING_LIBRARIES`).

    A development checkout changes code without changing ``__version__``: the content digest
    makes a cached result or a published report stale as soon as any of it changes; so does
    upgrading matplotlib or pandas.

    Returns
    -------
    str
        ``"<version>+<first 16 hex digits>"``.
    """
    import platform
    from importlib import metadata

    import casekit

    package = Path(casekit.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    for name in RENDERING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name}={version}\0".encode())
    h.update(platform.python_version().encode())
    return f"{casekit.__version__}+{h.hexdigest()[:16]}"


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def digest(*parts: Any) -> str:
    """SHA-256 (hex) of JSON-able parts: mappings are sorted by key, paths written POSIX-style.

    Parameters
    ----------
    *parts
        Strings, numbers, mappings, sequences (nested), paths; anything else counts by ``repr``.

    Returns
    -------
    str
    """
    text = json.dumps([_canonical(p) for p in parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_lines(lines: Iterable[str]) -> str:
    """SHA-256 (hex) of lines of text, in order."""
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
