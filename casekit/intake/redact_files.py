"""Redact note files as ``casekit redact`` does: check every file first, then redact one by one.

:func:`redact_files` refuses the whole run before anything is read when any file cannot be a
note (missing, a ``.doc``, another format, or ``out`` would overwrite it), naming every such file
at once (:class:`~casekit.exceptions.RedactFilesError`). It then yields one
:class:`RedactedFile` per note, in order, so a caller can show each as it is done; a note that
cannot be read (a broken ``.docx``, an undecodable text) is reported in its ``error`` and the
others are still redacted. With a bundle, its roster and pseudonyms are used and
:meth:`RedactionRun.save` adds the new pseudonyms to it.

Only public names of :mod:`casekit.intake.redaction` are used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from casekit.exceptions import BundleNotFoundError, RedactFilesError
from casekit.intake.redaction import Redaction, Redactor, read_document, write_redacted
from casekit.language import tr

__all__ = ["NOTE_SUFFIXES", "RedactedFile", "RedactionRun", "redact_file_problems", "redact_files"]

#: The extensions of the notes casekit reads.
NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".docx")


@dataclass(frozen=True)
class RedactedFile:
    """One note of a run: its redaction, or why it could not be read.

    Attributes
    ----------
    path : Path
        The note as given.
    result : Redaction or None
        The redacted text and findings; None when ``error`` is set.
    target : Path or None
        Where the redacted note was written (with ``out``).
    error : str or None
        Why the note could not be read (the others are redacted all the same).
    """

    path: Path
    result: Redaction | None = None
    target: Path | None = None
    error: str | None = None


@dataclass
class RedactionRun:
    """The notes of one :func:`redact_files` call, redacted as they are iterated.

    Attributes
    ----------
    files : tuple of Path
    out : Path or None
        Folder the redacted notes are written to (None: only returned).
    redactor : Redactor
    bundle : Path or None
    """

    files: tuple[Path, ...]
    out: Path | None
    redactor: Redactor
    bundle: Path | None = None

    def __iter__(self) -> Iterator[RedactedFile]:
        for path in self.files:
            try:
                if self.out is not None:
                    target, result = write_redacted(path, self.out, self.redactor)
                    done = RedactedFile(path, result, target)
                else:
                    done = RedactedFile(path, self.redactor.redact(read_document(path)))
            except (OSError, UnicodeDecodeError, ValueError) as exc:  # unreadable file, broken .docx
                done = RedactedFile(path, error=str(exc))
            yield done

    def save(self) -> tuple[int, Path | None]:
        """Add the pseudonyms handed out to the bundle; return how many and the file (None: not saved)."""
        if self.bundle is None:
            return 0, None
        new = self.redactor.unsaved
        return new, self.redactor.save()


def redact_file_problems(paths: Iterable[Path], out: Path | None = None) -> list[str]:
    """Every reason the given files cannot be redacted (into ``out``), one ``<file>: <why>`` each."""
    problems = []
    for path in map(Path, paths):
        if not path.is_file():
            problems.append(tr(f"{path}：没有这个文件", f"{path}: no such file"))
        elif path.suffix.lower() == ".doc":
            problems.append(tr(f"{path}：这是 .doc 文件；请在 Word 中另存为 .docx（另存为 → Word 文档），再对它脱敏",
                               f"{path}: a .doc file; save it as .docx (Word: 另存为 → Word 文档) and redact that"))
        elif path.suffix.lower() not in NOTE_SUFFIXES:
            problems.append(tr(f"{path}：不是 casekit 能读的笔记（{'、'.join(NOTE_SUFFIXES)}）",
                               f"{path}: not a note casekit reads ({', '.join(NOTE_SUFFIXES)})"))
        elif out is not None and (Path(out) / path.name).resolve() == path.resolve():
            problems.append(tr(f"{path}：--out 会覆盖原文件；请换一个文件夹",
                               f"{path}: --out would overwrite the original; choose another folder"))
    return problems


def redact_files(paths: Iterable[str | Path], out: str | Path | None = None,
                 bundle: str | Path | None = None) -> RedactionRun:
    """Check the notes, then return a run that redacts them one by one.

    Parameters
    ----------
    paths : iterable of str or Path
        Notes (``.md``, ``.markdown``, ``.txt``, ``.docx``), folders of notes or wildcard patterns
        (``notes/*.md``; :func:`casekit.input_paths.expand_paths`: Windows shells do not expand
        them).
    out : str or Path, optional
        Write each redacted note into this folder under its own name (default: only return the text).
    bundle : str or Path, optional
        Use this bundle's ``_private/roster.csv`` and pseudonyms.

    Returns
    -------
    RedactionRun
        Iterate it for one :class:`RedactedFile` per note.

    Raises
    ------
    RedactFilesError
        Naming every file that cannot be redacted; nothing was read or written.
    BundleNotFoundError
        If ``bundle`` has no ``manifest.yaml``.
    """
    from casekit.input_paths import expand_paths

    expanded, problems = expand_paths(paths, NOTE_SUFFIXES)  # patterns and folders, as on any system
    files = tuple(expanded)
    out_dir = None if out is None else Path(out)
    problems += redact_file_problems(files, out_dir)
    if problems:
        raise RedactFilesError(problems)
    if bundle is None:
        return RedactionRun(files, out_dir, Redactor())
    root = Path(bundle)
    if not (root / "manifest.yaml").is_file():
        raise BundleNotFoundError(tr(f"{root} 不是调研资料包（没有 manifest.yaml）",
                                     f"{root} is not a research bundle (no manifest.yaml)"))
    return RedactionRun(files, out_dir, Redactor.from_bundle(root), root)
