"""What each command writes: the one table of output-file extensions, and its check.

Every option that names an output file (``--out``, ``--csv``) writes one format, chosen by or
matching the file's extension. A name that promises another format (``gaps --csv g.xlsx`` would
be CSV text in a file Excel opens as a workbook and rejects; ``outline-interview --out o.pdf``
Markdown in a "PDF") is refused before anything is read or written. Options that name a folder
(``build --out``, ``toolbox --out``, ``redact --out``, ``sample --out``) are not in the table.

Adding a command that writes a file adds one line to :data:`OUTPUT_FORMATS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from casekit.exceptions import OutputFormatError

__all__ = ["OUTPUT_FORMATS", "check_output_format"]

_CSV = (".csv",)

#: ``"<command> <option>"`` → the extensions it writes (compared case-insensitively); the
#: first is the default format.
OUTPUT_FORMATS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "validate --csv": _CSV,
    "codebook draft --out": (".yaml", ".yml"),
    "survey --csv": _CSV,
    "segment --csv": _CSV,
    "gaps --csv": _CSV,
    "findings --csv": _CSV,
    "findings --json": (".json",),
    "followup --csv": _CSV,
    "followup --json": (".json",),
    "linkage --csv": _CSV,
    "ride-alongs --csv": _CSV,
    "review360 --csv": _CSV,
    "codes --csv": _CSV,
    "quotes --csv": _CSV,
    "keywords --csv": _CSV,
    "outline-interview --out": (".md",),
    "case list --csv": _CSV,
    "case book --out": (".docx", ".md"),
    "outline --out": (".docx", ".md", ".json"),
    "action-plan --out": (".docx", ".md"),
})


def check_output_format(path: str | Path, option: str) -> Path:
    """Return ``path`` if its extension is one ``option`` writes, else raise.

    Parameters
    ----------
    path : str or Path
        The output file as given.
    option : str
        A key of :data:`OUTPUT_FORMATS`, e.g. ``"gaps --csv"``.

    Returns
    -------
    Path

    Raises
    ------
    OutputFormatError
        ``gaps --csv g.xlsx: cannot write a .xlsx file; supported: .csv (nothing was written)``.
    KeyError
        If ``option`` is not in the table (a programming error).
    """
    supported = OUTPUT_FORMATS[option]
    path = Path(path)
    if path.suffix.lower() not in supported:
        raise OutputFormatError(option, str(path), path.suffix, supported)
    return path
