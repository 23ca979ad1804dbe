"""The build lock: one build at a time writes into a reports folder.

The lock is an operating-system file lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows)
on a lock file, held by an open file descriptor for the whole build. The operating system
releases it when the holder closes the file or dies, however it dies (killed, power cut, disk
full), so a lock file left behind by a dead build never blocks the next one, and of several
builds trying at once exactly one gets it.

The file's content -- the holder's process id and host name -- only serves the message shown to a
second build; it is never used to decide who holds the lock. It is written after the lock is
taken, and failing to write it (a full disk) is not an error.

On release the holder removes the lock file while still holding the lock. A build that opened the
file just before and locks it just after would then hold a lock on a file that no longer has a
name (and a third build could lock a new file of the same name), so every build checks, after
locking, that the file it locked is still the one at the path, and tries again otherwise.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casekit.exceptions import BuildLockedError, OutputError

__all__ = ["build_lock", "lock_holder"]

log = logging.getLogger(__name__)

#: Byte locked on Windows: beyond the pid and host, so a second build can still read them.
_WINDOWS_LOCK_OFFSET = 1 << 20


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd`` without waiting; False if another process holds it."""
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed or replaced)."""
    if os.name == "nt":  # pragma: no cover - the file is never removed while open on Windows
        return True
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def lock_holder(path: Path | str) -> tuple[int | None, str | None]:
    """Return the process id and host written in a lock file (None for what cannot be read).

    Parameters
    ----------
    path : path-like
        The lock file.

    Returns
    -------
    tuple of (int or None, str or None)
        What the holder wrote; only for messages: it says nothing about whether a lock is held.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None, None
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    host = (lines[1].strip() or None) if len(lines) > 1 else None
    return pid, host


def _write_holder(fd: int, path: Path) -> None:
    """Write this process's id and host into the locked file; a failure is only logged."""
    data = f"{os.getpid()}\n{socket.gethostname()}\n".encode()
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
    except OSError as exc:  # e.g. ENOSPC: the lock is held all the same
        log.warning("could not write the process id into %s: %s", path, exc.strerror or exc)


@contextmanager
def build_lock(path: Path | str) -> Iterator[None]:
    """Hold the exclusive lock ``path`` while the block runs.

    Parameters
    ----------
    path : path-like
        The lock file (created if absent, removed on release). Its folder must exist.

    Raises
    ------
    casekit.exceptions.BuildLockedError
        If another live process holds the lock (naming its process id when it wrote one).
    casekit.exceptions.OutputError
        If the lock file cannot be created or opened.
    """
    path = Path(path)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(path.parent, exc.strerror or str(exc)) from None
        try:
            locked = _try_lock(fd)
        except BaseException:
            os.close(fd)
            raise
        if not locked:
            os.close(fd)
            pid, host = lock_holder(path)
            raise BuildLockedError(path, pid, host)
        if _is_current(fd, path):
            break
        os.close(fd)  # locked a file its holder removed on release: lock the new one
    try:
        _write_holder(fd, path)
        yield
    finally:
        try:
            if os.name != "nt":
                path.unlink(missing_ok=True)
            else:  # pragma: no cover - Windows cannot remove an open file
                os.ftruncate(fd, 0)
        except OSError as exc:
            log.warning("could not remove the lock file %s: %s", path, exc.strerror or exc)
        finally:
            os.close(fd)  # releases the lock
