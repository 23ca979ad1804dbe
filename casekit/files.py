"""Writing output files atomically: a reader never sees a half-written file.

Every file casekit writes for a user (reports' index, drafted codebooks, CSV tables) goes through
:func:`write_atomic`: the bytes go to a temporary file in the target folder, which then replaces
the target in one rename.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from casekit.exceptions import OutputError

__all__ = ["umask", "write_atomic"]


def umask() -> int:
    """Return the process umask (reading it means setting it; it is restored at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : str or Path
        The target file; its folder is created if needed.
    data : bytes or str
        The content; text is written as UTF-8.

    Raises
    ------
    OutputError
        If the folder cannot be created or the file cannot be written (the message gives the
        path and the operating system's reason); the target is then left as it was.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes the file private; outputs are not
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, exc.strerror or str(exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
