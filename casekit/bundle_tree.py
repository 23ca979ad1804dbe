"""The files of a bundle folder, as a build and the loader's memo see them (standard library only).

Hidden files and folders (``.git``, ``.DS_Store``, editors' lock files, a build's ``.cache``) are
left out; everything else counts, ``_private`` included. Symbolic links are followed only when
they stay inside the bundle (the loader refuses the others, so they cannot change a report).

:func:`casekit.reports.fingerprint.bundle_files` hashes these files;
:func:`casekit.intake.bundle.remember_bundles` keys its memo by their :func:`tree_stamp`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

__all__ = ["TreeFile", "bundle_tree", "stamp_of", "tree_stamp"]


class TreeFile(NamedTuple):
    """One file of a bundle folder."""

    relative: str  #: POSIX path relative to the bundle folder
    real: str  #: the resolved path (a link inside the bundle: its target)
    size: int
    mtime_ns: int
    inode: int


def bundle_tree(root: Path | str) -> list[TreeFile]:
    """Every file of a bundle folder, sorted by relative path.

    Parameters
    ----------
    root : path-like
        The bundle folder.

    Returns
    -------
    list of TreeFile
    """
    root = Path(root).resolve()
    found: list[TreeFile] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            try:
                real = path.resolve()
                real.relative_to(root)
            except (OSError, ValueError):
                continue
            if real.is_file():
                st = real.stat()
                found.append(TreeFile(path.relative_to(root).as_posix(), str(real), st.st_size,
                                      st.st_mtime_ns, st.st_ino))
    found.sort(key=lambda f: f.relative)
    return found


def tree_stamp(root: Path | str) -> tuple[object, ...]:
    """What says, within one process, that no file of the bundle changed: each file's relative
    path, size, modification time and inode (not its content: hashing is
    :func:`casekit.reports.fingerprint.bundle_files`'s job).

    Parameters
    ----------
    root : path-like
        The bundle folder.

    Returns
    -------
    tuple
        Equal for two calls exactly when no file was added, removed, replaced or written.
    """
    return stamp_of(root, bundle_tree(root))


def stamp_of(root: Path | str, tree: list[TreeFile]) -> tuple[object, ...]:
    """:func:`tree_stamp` of a tree already listed by :func:`bundle_tree`."""
    return (str(Path(root).resolve()), tuple((f.relative, f.size, f.mtime_ns, f.inode) for f in tree))
