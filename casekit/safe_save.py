"""Saving files a person may edit: casekit never silently replaces someone's work.

Cases and role-plays in a bundle's ``cases/``, the toolbox workbooks filled in by hand, case
books and interview outlines are drafts a consultant goes on editing. One rule covers every such
save (:func:`save_editable`):

* a file that does not exist yet, or whose content is exactly what casekit last wrote there, is
  replaced (atomically, through :func:`casekit.files.write_atomic`);
* a file whose content differs from what casekit last wrote (edited by hand, or never written by
  casekit) is left alone and :class:`~casekit.exceptions.EditedFileError` is raised, unless
  ``force``; with ``force`` the old content is first copied beside it, to
  ``_<stem>.bak-<YYYYmmdd-HHMMSS><suffix>`` (``cases/C030.md`` →
  ``cases/_C030.bak-20250301-142501.md``; ``-2``, ``-3`` … are added rather than overwrite an
  older backup). The leading ``_`` makes casekit's bundle readers skip the backup.

What casekit last wrote is remembered as a SHA-256 of the bytes, per file, in a small ledger
:data:`LEDGER_NAME` (``.casekit-written.json``) in the folder given as ``root`` (by default the
file's folder). A file whose content equals the new content is never a conflict.

No save goes through a symbolic link below that folder, or replaces one
(:func:`link_problems`): a linked file or sub-folder is refused with
:class:`~casekit.exceptions.LinkedOutputError` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from casekit.exceptions import EditedFileError, LinkedOutputError, OutputError, Problem
from casekit.files import write_atomic
from casekit.language import tr

__all__ = ["LEDGER_NAME", "Saved", "backup_path", "check_no_links", "edited_files", "link_problems",
           "record_written", "remove_if_unedited", "save_editable", "unedited", "written_files"]

#: The ledger of what casekit wrote into a folder (a dot file: bundle readers skip it).
LEDGER_NAME = ".casekit-written.json"


@dataclass(frozen=True)
class Saved:
    """What :func:`save_editable` did.

    Attributes
    ----------
    path : Path
        The file saved.
    backup : Path or None
        Where the old content was kept (only with ``force`` and an edited file).
    changed : bool
        False when the file already held exactly this content (nothing was written).
    """

    path: Path
    backup: Path | None = None
    changed: bool = True


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def link_problems(paths: Iterable[str | Path], base: str | Path) -> list[Problem]:
    """Where writing ``paths`` would go through a symbolic link below ``base``.

    casekit never writes through a link or over one: a linked ``cases/`` folder or case file
    would carry a save outside the folder it belongs to (a bundle's ``cases/``, a sample), and
    replacing the link would silently cut it. ``base`` itself may be a link (a bundle kept
    elsewhere and linked into ``research_data/``); every folder and file below it is checked.

    Parameters
    ----------
    paths : iterable of str or Path
        The files to be written, each ``base`` / something.
    base : str or Path
        The folder they belong to.

    Returns
    -------
    list of Problem
        One per link met below ``base`` (``file`` is the link's path relative to ``base``, so a
        linked folder is named once) and one per path not below ``base`` at all; empty when
        every path may be written.
    """
    base = Path(os.path.abspath(base))
    problems: list[Problem] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(os.path.abspath(path))
        try:
            rel = path.relative_to(base)
        except ValueError:
            problems.append(Problem(str(path), None, None, tr(f"{base} 里面的文件", f"a file inside {base}"),
                                    tr("在它外面的路径", "a path outside it")))
            continue
        current = base
        for part in rel.parts:
            current = current / part
            if current.is_symlink():
                if current not in seen:  # a linked folder is named once, not once per file in it
                    seen.add(current)
                    try:
                        target = str(current.readlink())
                    except OSError:  # pragma: no cover - vanished meanwhile
                        target = "?"
                    what = "file" if current == path else "folder"
                    what_zh = "文件" if current == path else "文件夹"
                    problems.append(Problem(current.relative_to(base).as_posix(), None, None,
                                            tr(f"不是符号链接的{what_zh}（casekit 不通过链接写入）",
                                               f"a {what} that is not a symbolic link (casekit does not write "
                                               "through links)"), tr(f"指向 {target} 的链接", f"a link to {target}")))
                break
    return problems


def check_no_links(paths: Iterable[str | Path], base: str | Path) -> None:
    """Raise :class:`~casekit.exceptions.LinkedOutputError` with every :func:`link_problems`."""
    problems = link_problems(paths, base)
    if problems:
        raise LinkedOutputError(problems)


def _ledger_of(path: Path, root: Path | None) -> tuple[Path, str]:
    """The ledger file and the key of ``path`` in it (refused: a path through a link below ``root``)."""
    root = Path(root) if root is not None else path.parent
    check_no_links([path], root)
    return root / LEDGER_NAME, Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()


def _read_ledger(ledger: Path) -> dict[str, str]:
    try:
        data = json.loads(ledger.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _write_ledger(ledger: Path, files: dict[str, str]) -> None:
    text = json.dumps({"written_by": "casekit", "files": dict(sorted(files.items()))},
                      ensure_ascii=False, indent=1)
    write_atomic(ledger, text + "\n")


def _conflicts(current: bytes | None, payload: bytes, recorded: str | None) -> bool:
    """Whether replacing ``current`` (None: no file) by ``payload`` would lose changes casekit did
    not make (``recorded``: the ledger's digest of what casekit last wrote there)."""
    return current is not None and current != payload and recorded != _digest(current)


def edited_files(contents: Mapping[str, bytes], root: str | Path) -> list[str]:
    """Which files :func:`save_editable` would refuse to replace with ``contents`` (without ``force``).

    The ledger of ``root`` is read once for all of them. Links are not checked here: call
    :func:`check_no_links` first.

    Parameters
    ----------
    contents : mapping of str to bytes
        The new content of each file, by its POSIX path relative to ``root``.
    root : str or Path
        The folder whose ledger records the files.

    Returns
    -------
    list of str
        The relative paths (in the order of ``contents``) of the existing files whose content is
        neither the new one nor what casekit last wrote there.
    """
    root = Path(root)
    files = _read_ledger(root / LEDGER_NAME)
    edited = []
    for rel, payload in contents.items():
        path = root / rel
        if not path.is_file():
            continue
        try:
            current = path.read_bytes()
        except OSError as exc:
            raise OutputError(path, exc.strerror or str(exc)) from None
        if _conflicts(current, payload, files.get(rel)):
            edited.append(rel)
    return edited


def unedited(path: str | Path, *, root: str | Path | None = None) -> bool:
    """Whether ``path`` is absent or holds exactly what casekit last wrote there.

    Parameters
    ----------
    path : str or Path
    root : str or Path, optional
        The folder whose ledger records ``path`` (default: ``path``'s folder).

    Returns
    -------
    bool
    """
    path = Path(path)
    ledger, key = _ledger_of(path, None if root is None else Path(root))
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    return _read_ledger(ledger).get(key) == _digest(current)


def written_files(root: str | Path) -> list[str]:
    """The files the ledger of ``root`` records as written by casekit (relative POSIX paths, sorted).

    Parameters
    ----------
    root : str or Path
        The folder holding :data:`LEDGER_NAME`.

    Returns
    -------
    list of str
    """
    return sorted(_read_ledger(Path(root) / LEDGER_NAME))


def record_written(root: str | Path, names: Iterable[str]) -> None:
    """Record files casekit has just written below ``root`` (for a writer that did not use :func:`save_editable`).

    Parameters
    ----------
    root : str or Path
        The folder holding :data:`LEDGER_NAME`.
    names : iterable of str
        The files, as POSIX paths relative to ``root``; each must exist.
    """
    root = Path(root)
    ledger = root / LEDGER_NAME
    files = _read_ledger(ledger)
    for name in names:
        files[name] = _digest((root / name).read_bytes())
    _write_ledger(ledger, files)


def backup_path(path: str | Path, when: dt.datetime | None = None) -> Path:
    """A free name beside ``path`` for its backup: ``_<stem>.bak-<YYYYmmdd-HHMMSS>[-n]<suffix>``.

    Parameters
    ----------
    path : str or Path
    when : datetime, optional
        The time in the name (default: now, local time).

    Returns
    -------
    Path
        A name no file has yet.
    """
    path = Path(path)
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        extra = "" if n == 1 else f"-{n}"
        candidate = path.with_name(f"_{path.stem}.bak-{stamp}{extra}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def _keep_backup(path: Path, old: bytes) -> Path:
    """Copy ``old`` to a new backup name beside ``path``; never overwrite an existing file."""
    while True:
        target = backup_path(path)
        try:
            with target.open("xb") as fh:  # exclusive: an older backup is never replaced
                fh.write(old)
            return target
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(target, exc.strerror or str(exc)) from None


def save_editable(path: str | Path, data: bytes | str, *, force: bool = False,
                  root: str | Path | None = None) -> Saved:
    """Write a file a person may edit, never replacing changes casekit did not make.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created if needed.
    data : bytes or str
        The new content (text is written as UTF-8).
    force : bool, default False
        Replace a file that was changed since casekit wrote it, keeping its old content in a
        backup beside it (:func:`backup_path`).
    root : str or Path, optional
        The folder whose ledger records the file (default: the file's folder).

    Returns
    -------
    Saved

    Raises
    ------
    EditedFileError
        The file holds something casekit did not write there and ``force`` is False; nothing
        was written.
    OutputError
        The file, its backup or the ledger cannot be written.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    ledger, key = _ledger_of(path, None if root is None else Path(root))
    files = _read_ledger(ledger)
    digest = _digest(payload)
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    backup = None
    if _conflicts(current, payload, files.get(key)):
        if not force:
            raise EditedFileError(path)
        backup = _keep_backup(path, current)
    if current != payload:
        write_atomic(path, payload)
    if files.get(key) != digest:
        files[key] = digest
        _write_ledger(ledger, files)
    return Saved(path, backup, current != payload)


def remove_if_unedited(path: str | Path, *, root: str | Path | None = None) -> bool:
    """Delete a file casekit wrote, if nobody changed it since; forget it in the ledger.

    Parameters
    ----------
    path : str or Path
    root : str or Path, optional
        The folder whose ledger records the file (default: the file's folder).

    Returns
    -------
    bool
        True when the file was removed (or was already gone); False when it was edited and kept.
    """
    path = Path(path)
    ledger, key = _ledger_of(path, None if root is None else Path(root))
    if not unedited(path, root=root):
        return False
    path.unlink(missing_ok=True)
    files = _read_ledger(ledger)
    if files.pop(key, None) is not None:
        _write_ledger(ledger, files)
    return True
