"""The one list of survey platforms: a reader protocol and a registry of readers.

Every platform module (``wjx.py``, ``tencent.py`` …) ends with one line that registers its reader,
as pandas' Excel engines and papermill's I/O handlers do::

    READER = register_reader(Reader("wjx", "问卷星", read, sniff, priority=10))

Everything that names the platforms asks the registry: :func:`platform_ids` (or the live view
:data:`PLATFORMS`) for a codebook's ``platform:`` check and ``casekit codebook draft`` /
``casekit survey --platform``, :func:`reader_for` for :func:`~casekit.surveys.read_export`.
Adding a platform is one new module and its name in :data:`BUILTIN_MODULES` (or a
:func:`register_reader` call from anywhere, before the export is read). The built-in modules are
imported when the registry is first asked, so naming the platforms (``casekit --help``) does not
import pandas.

How a file's reader is chosen (:func:`reader_for` with a path):

1. A file type that only one reader reads (``.sav`` SPSS, ``.zip`` 腾讯问卷) goes to that reader,
   without looking inside.
2. Any other file is read once as a table (CSV/TXT/TSV/XLSX, :func:`~casekit.surveys._io.read_grid`)
   and every reader of tables is asked, highest :attr:`~SurveyReader.priority` first (ties in
   registration order), whether the table looks like its platform's export (``sniff``).
3. A table no reader recognises goes to the table reader with the lowest priority (``plain``).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, overload, runtime_checkable

from casekit.exceptions import SurveyReaderError
from casekit.surveys._io import TEXT_SUFFIXES, XLSX_SUFFIXES, Grid, read_grid
from casekit.surveys.model import SurveyExport
from casekit.language import tr

__all__ = [
    "BUILTIN_MODULES",
    "PLATFORMS",
    "RESERVED_IDS",
    "TABLE_SUFFIXES",
    "Reader",
    "SurveyReader",
    "own_suffixes",
    "platform_ids",
    "reader_for",
    "readers",
    "reads_tables",
    "register_reader",
    "table_needed",
    "unregister_reader",
]

#: File types read as a table of text cells and told apart by their content (``sniff``).
TABLE_SUFFIXES: tuple[str, ...] = (*TEXT_SUFFIXES, *XLSX_SUFFIXES)

#: The platform modules that ship with casekit (``casekit/surveys/<name>.py``), in the order the
#: platforms are listed (codebook errors, ``--platform`` choices); each registers its reader.
BUILTIN_MODULES: tuple[str, ...] = ("wjx", "tencent", "qualtrics", "limesurvey", "spss", "plain")

#: Ids a reader may not take: ``auto`` is a codebook's ``platform:`` value for "detect".
RESERVED_IDS: tuple[str, ...] = ("auto",)

_ID = re.compile(r"[a-z][a-z0-9_]*")


@runtime_checkable
class SurveyReader(Protocol):
    """What every survey-platform reader provides.

    Attributes
    ----------
    id : str
        The platform's id (``wjx``): a codebook's ``platform:``, ``--platform`` and
        :attr:`SurveyExport.platform <casekit.surveys.model.SurveyExport.platform>`.
    label : str
        The platform's name as consultants know it (``问卷星``).
    suffixes : tuple of str
        The file types it reads, lower case with the dot (``.csv``). A type outside
        :data:`TABLE_SUFFIXES` (``.sav``) is this reader's alone: such a file is read by it
        without looking inside.
    priority : int
        Order in which readers of tables are asked to ``sniff`` (highest first); the lowest one
        reads a table no reader recognises.
    """

    id: str
    label: str
    suffixes: tuple[str, ...]
    priority: int

    def sniff(self, grid: Grid) -> bool:
        """Whether a table (the file read by ``read_grid``) looks like this platform's export."""
        ...

    def read(self, path: Path, *, grid: Grid | None = None) -> SurveyExport:
        """Read the export at ``path`` (``grid``: the file already read as a table, if it is one).

        Raises :class:`~casekit.exceptions.SurveyFileError` with every problem found.
        """
        ...


@dataclass(frozen=True)
class Reader:
    """A :class:`SurveyReader` made of a platform module's two functions.

    Parameters
    ----------
    id, label : str
        See :class:`SurveyReader`.
    read_file : callable
        ``read_file(path, *, grid=None) -> SurveyExport``.
    sniff_table : callable, optional
        ``sniff_table(grid) -> bool``; None for a reader that reads no tables.
    suffixes : tuple of str, default TABLE_SUFFIXES
    priority : int, default 0
    """

    id: str
    label: str
    read_file: Callable[..., SurveyExport]
    sniff_table: Callable[[Grid], bool] | None = None
    suffixes: tuple[str, ...] = TABLE_SUFFIXES
    priority: int = 0

    def sniff(self, grid: Grid) -> bool:
        """Whether the table looks like this platform's export (False without ``sniff_table``)."""
        return self.sniff_table is not None and bool(self.sniff_table(grid))

    def read(self, path: Path, *, grid: Grid | None = None) -> SurveyExport:
        """Read the export (see :class:`SurveyReader`)."""
        return self.read_file(Path(path), grid=grid)


_READERS: dict[str, SurveyReader] = {}
_builtins_loaded = False


def _load_builtins() -> None:
    """Import the built-in platform modules once (each registers its reader on import)."""
    global _builtins_loaded
    if _builtins_loaded:
        return
    _builtins_loaded = True
    for name in BUILTIN_MODULES:
        importlib.import_module(f"casekit.surveys.{name}")


def _ordered() -> list[SurveyReader]:
    """Registered readers: built-ins in :data:`BUILTIN_MODULES` order, then others as registered."""
    _load_builtins()
    rank = {name: i for i, name in enumerate(BUILTIN_MODULES)}
    position = {rid: i for i, rid in enumerate(_READERS)}
    return sorted(_READERS.values(), key=lambda r: (rank.get(r.id, len(rank)), position[r.id]))


def register_reader(reader: SurveyReader) -> SurveyReader:
    """Add a platform's reader to the registry (its module's one line).

    Parameters
    ----------
    reader : SurveyReader

    Returns
    -------
    SurveyReader
        ``reader``, so that a module can keep it (``READER = register_reader(...)``).

    Raises
    ------
    SurveyReaderError
        If it lacks an attribute of :class:`SurveyReader`, its id is not a lower-case ASCII name
        or already registered, or it claims a file type (outside :data:`TABLE_SUFFIXES`) that
        another reader reads.
    """
    if getattr(reader, "id", None) not in BUILTIN_MODULES:
        _load_builtins()  # so that ids and file types are checked against every built-in reader
    if not isinstance(reader, SurveyReader):
        missing = [a for a in ("id", "label", "suffixes", "priority", "sniff", "read") if not hasattr(reader, a)]
        raise SurveyReaderError(f"survey reader {reader!r}: expected a SurveyReader, found no {', '.join(missing)}")
    rid = reader.id
    if not isinstance(rid, str) or not _ID.fullmatch(rid) or rid in RESERVED_IDS:
        raise SurveyReaderError(f"survey reader id {rid!r}: expected a lower-case ASCII name (a-z, 0-9, _) "
                                f"other than {', '.join(RESERVED_IDS)}")
    if rid in _READERS:
        raise SurveyReaderError(f"survey reader {rid!r}: expected a new id, found it registered already")
    if not isinstance(reader.label, str) or not reader.label.strip():
        raise SurveyReaderError(f"survey reader {rid!r}: expected a label, found {reader.label!r}")
    bad = [s for s in reader.suffixes if not isinstance(s, str) or not re.fullmatch(r"\.[a-z0-9]+", s)]
    if bad or not reader.suffixes:
        raise SurveyReaderError(f"survey reader {rid!r}: expected file types such as '.csv' (lower case), "
                                f"found {tuple(reader.suffixes)!r}")
    for suffix in own_suffixes(reader):
        owner = _owner(suffix)
        if owner is not None:
            raise SurveyReaderError(f"survey reader {rid!r}: expected a file type no other reader reads, "
                                    f"found {suffix} read by {owner.id!r}")
    _READERS[rid] = reader
    return reader


def unregister_reader(platform: str) -> SurveyReader:
    """Remove a reader from the registry and return it (``SurveyReaderError`` if not registered)."""
    _load_builtins()
    if platform not in _READERS:
        raise SurveyReaderError(_unknown(platform))
    return _READERS.pop(platform)


def readers() -> tuple[SurveyReader, ...]:
    """Every registered reader: the built-ins in :data:`BUILTIN_MODULES` order, then the others in
    registration order (the order platforms are listed in)."""
    return tuple(_ordered())


def platform_ids() -> tuple[str, ...]:
    """The registered platforms' ids, in the order of :func:`readers`: ``wjx``, ``tencent`` …

    Until a reader is needed, the built-in modules are not imported: each is named after its
    reader's id (``tests/test_survey_registry.py`` checks it), so the list is known without them.
    """
    if not _builtins_loaded:
        return BUILTIN_MODULES
    return tuple(r.id for r in _ordered())


def own_suffixes(reader: SurveyReader) -> tuple[str, ...]:
    """The file types only ``reader`` reads (its suffixes outside :data:`TABLE_SUFFIXES`)."""
    return tuple(s for s in reader.suffixes if s not in TABLE_SUFFIXES)


def reads_tables(reader: SurveyReader) -> bool:
    """Whether ``reader`` reads tables (CSV/TXT/TSV/XLSX), i.e. takes part in sniffing."""
    return any(s in TABLE_SUFFIXES for s in reader.suffixes)


def reader_for(platform_or_path: str | os.PathLike[str], *, grid: Grid | None = None) -> SurveyReader:
    """The reader of a platform (by id) or of an export file (by file type, then content).

    Parameters
    ----------
    platform_or_path : str or path-like
        A registered platform id (``"spss"``), or the export file (a ``str`` that is not an id
        is taken as a path).
    grid : Grid, optional
        The file already read as a table, so that detection does not read it again.

    Returns
    -------
    SurveyReader

    Raises
    ------
    SurveyReaderError
        For a name that is neither a registered platform nor a file.
    SurveyFileError
        If the file has to be read as a table and cannot be (missing, undecodable, over a limit).
    """
    _load_builtins()
    if isinstance(platform_or_path, str) and platform_or_path in _READERS:
        return _READERS[platform_or_path]
    path = Path(platform_or_path)
    if isinstance(platform_or_path, str) and not path.suffix and not path.exists():
        raise SurveyReaderError(_unknown(platform_or_path))
    owner = _owner(path.suffix.lower())
    if owner is not None:
        return owner
    table_readers = sorted((r for r in _ordered() if reads_tables(r)), key=lambda r: -r.priority)
    if not table_readers:
        raise SurveyReaderError(f"{path.name}: expected a registered reader of tables, found none")
    grid = grid if grid is not None else read_grid(path)
    return next((r for r in table_readers if r.sniff(grid)), table_readers[-1])


def table_needed(path: Path, reader: SurveyReader | None = None) -> bool:
    """Whether an export is read as a table first (then detection and the reader share one read).

    A file type some reader owns (``.sav``, ``.zip``) is not; any other file is, unless the
    reader it is forced through reads no tables (SPSS).
    """
    _load_builtins()
    if _owner(path.suffix.lower()) is not None:
        return False
    return reader is None or reads_tables(reader)


def _owner(suffix: str) -> SurveyReader | None:
    return next((r for r in _ordered() if suffix and suffix in own_suffixes(r)), None)


def _unknown(name: str) -> str:
    return tr(f"问卷平台「{name}」：应为 {'、'.join(platform_ids())} 之一",
              f"survey platform {name!r}: expected one of {', '.join(platform_ids())}")


class _PlatformIds(Sequence[str]):
    """A live, read-only view of :func:`platform_ids` (a reader registered later is in it)."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return platform_ids()[index]

    def __len__(self) -> int:
        return len(platform_ids())

    def __contains__(self, value: object) -> bool:
        return value in platform_ids()

    def __iter__(self) -> Iterator[str]:
        return iter(platform_ids())

    def __repr__(self) -> str:
        return repr(platform_ids())


#: The platform ids as a live sequence (``"wjx" in PLATFORMS``, ``", ".join(PLATFORMS)``),
#: e.g. argparse ``choices``: the readers are imported only when it is first looked at.
PLATFORMS: Sequence[str] = _PlatformIds()
