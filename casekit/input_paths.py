"""The files a user names on the command line: patterns and folders, the same on every system.

A POSIX shell expands ``notes/*.md`` before casekit sees it; Windows' PowerShell and cmd pass the
pattern as it is typed. :func:`expand_paths` does the expansion itself, so ``casekit redact
notes\\*.md`` works in PowerShell, and it takes a folder for the files in it, so ``casekit redact
notes`` needs no pattern at all.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from casekit.language import tr

__all__ = ["expand_paths"]

_MAGIC = frozenset("*?[")


def expand_paths(paths: Iterable[str | Path], suffixes: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files named by ``paths``: each a file, a folder or a wildcard pattern.

    * an existing file is taken as it is (whatever its suffix: the caller says what it reads);
    * a folder gives its files with one of ``suffixes`` (not in sub-folders, hidden files and
      ``~$`` Office lock files left out), sorted by name;
    * anything else with ``*``, ``?`` or ``[`` is a pattern (``**`` for any depth), expanded as a
      POSIX shell would: the matching files (no hidden files, no ``~$`` lock files), sorted;
    * anything else is passed on as it is: the caller reports it as missing.

    A file named twice is kept once, where it first appears.

    Parameters
    ----------
    paths : iterable of str or Path
        What the user gave.
    suffixes : sequence of str
        Lower-case suffixes taken from a folder (``(".md", ".txt", ".docx")``).

    Returns
    -------
    files : list of Path
    problems : list of str
        A folder without such files, or a pattern that matches nothing, one ``<path>: <why>``
        each (all of them, not only the first).
    """
    files: list[Path] = []
    problems: list[str] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for given in paths:
        path = Path(given)
        text = str(given)
        if path.is_dir():
            found = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                            and not p.name.startswith((".", "~$"))), key=lambda p: p.name)
            if not found:
                problems.append(tr(f"{path}：文件夹中没有笔记（{'、'.join(suffixes)}）",
                                   f"{path}: a folder without notes ({', '.join(suffixes)})"))
            for p in found:
                add(p)
        elif not path.exists() and _MAGIC & set(text):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True)
                             if Path(m).is_file() and not Path(m).name.startswith("~$"))
            if not matches:
                problems.append(tr(f"{text}：没有文件符合这个通配符", f"{text}: no file matches this pattern"))
            for p in matches:
                add(p)
        else:
            add(path)
    return files, problems
