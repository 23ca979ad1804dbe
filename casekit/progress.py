"""Progress of long steps: what a long function reports, and one terminal line that shows it.

A long library function (segmenting account managers, reading and scoring a large questionnaire
export, writing a case book) takes an optional ``progress`` argument. The default is a plain
:class:`Progress`, which shows nothing: notebooks and library callers see no change. The command
line passes a :class:`TerminalProgress`, which keeps one line of standard error up to date in
Chinese -- ``选择类数 3/8``, ``地区 5/19 天津``, ``读取问卷 12000 行`` -- and clears it when the
step ends, whether it ended normally, with an error or with Ctrl-C, so that what the command
prints next starts on a clean line.

A function reports its steps through a :class:`Task`, opened with :meth:`Progress.task` as a
context manager::

    def fit(X, *, progress: Progress | None = None):
        progress = progress or Progress()
        with progress.task("选择类数", total=k_max) as task:
            for k in range(1, k_max + 1):
                task.step()          # the k-th of k_max: 选择类数 3/8
                ...

``task.step(item)`` starts the next of ``total`` items (shown with its name: ``地区 5/19 天津``);
``task.add(n)`` counts ``n`` more units of work when the total is not known in advance
(``读取问卷 12000 行``). Reporting never changes a result: the same data and seed give the same
output with any progress or none.

When the line is shown
----------------------
Like ``casekit build``'s bar, a :class:`TerminalProgress` writes to standard error whether or not
it is a terminal: a command run from a Jupyter cell (``!casekit segment …``) or an editor's run
panel writes to a pipe, and those render the line as it changes. ``--quiet`` (or the environment
variable ``CASEKIT_NO_PROGRESS=1``, for scripts and tests) turns it off. Items counted against a
total (a region, a k, a case: a few dozen per command) are drawn as they start; a running count
(rows read) at most every :data:`MIN_INTERVAL` seconds, so reporting often costs next to nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from types import TracebackType
from typing import IO

from casekit.cell_width import cell_width, truncate

__all__ = ["MIN_INTERVAL", "NO_PROGRESS_ENV", "Progress", "Task", "TerminalProgress"]

#: Seconds between two redraws of the terminal line (the first report of a step is drawn at once).
MIN_INTERVAL = 0.1
#: Set to ``1``, this environment variable turns every progress display off (as ``--quiet`` does).
NO_PROGRESS_ENV = "CASEKIT_NO_PROGRESS"
#: Between the steps shown on one line when one runs inside another.
_SEPARATOR = " · "
#: Control characters of a name from a bundle (a region, a case id) that would drive the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Task:
    """One step of a long function, reported to its :class:`Progress` (see the module docstring).

    Made by :meth:`Progress.task`; use it as a context manager, so that it ends (and a terminal
    line is cleared) however the ``with`` block is left.

    Attributes
    ----------
    label : str
        What is being done, in Chinese (``选择类数``).
    total : int or None
        How many items the step has; None when not known in advance.
    unit : str
        What :meth:`add` counts (``行``), shown after the count when ``total`` is None.
    count : int
        Items started (:meth:`step`) or units done (:meth:`add`) so far.
    item : str
        The name of the item being worked on (``天津``), or ``""``.
    closed : bool
        Whether the step has ended.
    """

    def __init__(self, progress: Progress, label: str, total: int | None = None, unit: str = "") -> None:
        self.progress = progress
        self.label = label
        self.total = total
        self.unit = unit
        self.count = 0
        self.item = ""
        self.closed = False

    def step(self, item: str = "") -> None:
        """Start the next item (``count`` goes up by one), named ``item``.

        Parameters
        ----------
        item : str, optional
            Shown after the count (``地区 5/19 天津``).
        """
        self.count += 1
        self.item = item
        self.progress.update(self)

    def add(self, n: int = 1) -> None:
        """Count ``n`` more units done (rows read, when the total is not known)."""
        self.count += n
        self.progress.update(self)

    def text(self) -> str:
        """The step as shown: ``选择类数 3/8``, ``地区 5/19 天津``, ``读取问卷 12000 行``, ``整理答卷``."""
        parts = [self.label]
        if self.total is not None and self.count:
            parts.append(f"{self.count}/{self.total}")
        elif self.total is None and self.count:
            parts.append(f"{self.count} {self.unit}".rstrip())
        if self.item:
            parts.append(_CONTROL.sub("?", self.item))
        return " ".join(parts)

    def close(self) -> None:
        """End the step (again: nothing happens)."""
        if not self.closed:
            self.closed = True
            self.progress.end(self)

    def __enter__(self) -> Task:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class Progress:
    """Where a long function reports its steps; this base class shows nothing.

    It is the default of every function that takes a ``progress`` argument. A subclass shows
    the steps by overriding :meth:`update` and :meth:`end` (:class:`TerminalProgress`; a test
    may record them).

    Attributes
    ----------
    tasks : list of Task
        The steps under way, outermost first.
    """

    def __init__(self) -> None:
        self.tasks: list[Task] = []

    def task(self, label: str, total: int | None = None, *, unit: str = "") -> Task:
        """Start a step: use the result as a context manager.

        Parameters
        ----------
        label : str
            What is being done, in Chinese (``选择类数``, ``地区``, ``读取问卷``).
        total : int, optional
            How many items (:meth:`Task.step`); omit when counting units with :meth:`Task.add`.
        unit : str, optional
            What :meth:`Task.add` counts (``行``).

        Returns
        -------
        Task
        """
        task = Task(self, label, total, unit)
        self.tasks.append(task)
        self.update(task)
        return task

    def update(self, task: Task) -> None:
        """Called when ``task`` starts and at each of its steps; shows nothing here."""

    def end(self, task: Task) -> None:
        """Called once when ``task`` ends (normally or not)."""
        if task in self.tasks:
            self.tasks.remove(task)

    def write(self, text: str, *, file: IO[str] | None = None) -> None:
        """Print a line while steps are under way (standard output by default).

        A terminal display clears its line first and redraws it after, so the two never share a
        line.
        """
        print(text, file=file if file is not None else sys.stdout, flush=True)

    def close(self) -> None:
        """End every step still under way (a terminal line is cleared)."""
        for task in list(reversed(self.tasks)):
            task.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class TerminalProgress(Progress):
    """One line of standard error showing the steps under way, in Chinese, cleared as they end.

    Parameters
    ----------
    enabled : bool, default True
        False (``--quiet``): nothing is shown. The environment variable
        ``CASEKIT_NO_PROGRESS=1`` turns it off too.
    stream : text stream, optional
        Where the line is drawn (default: standard error at the time of each write).
    min_interval : float, optional
        Seconds between two redraws of a running count (default :data:`MIN_INTERVAL`, read when
        the display is made); a step's start and each item of a step with a total are drawn at
        once.
    width : int, optional
        Terminal cells the line may take (default: the terminal's width less one, so that the
        line never wraps and can always be cleared).

    Notes
    -----
    The line is drawn with a carriage return and overwritten with spaces (no escape sequences),
    which every terminal casekit runs in understands, the Windows console included.
    """

    def __init__(self, enabled: bool = True, *, stream: IO[str] | None = None,
                 min_interval: float | None = None, width: int | None = None) -> None:
        super().__init__()
        self.enabled = enabled and os.environ.get(NO_PROGRESS_ENV) != "1"
        self._stream = stream
        self.min_interval = MIN_INTERVAL if min_interval is None else min_interval
        self._width = width
        self._shown = 0  # cells of the line now on screen (0: nothing drawn)
        self._last = 0.0
        self._fresh = False  # a step started since the last redraw

    @property
    def stream(self) -> IO[str]:
        """Where the line is drawn."""
        return self._stream if self._stream is not None else sys.stderr

    def line(self) -> str:
        """The line for the steps under way (``地区 2/5 河北 · 选择类数 3/8``), fitted to the width."""
        text = _SEPARATOR.join(t.text() for t in self.tasks)
        return truncate(text, self._cells())

    def task(self, label: str, total: int | None = None, *, unit: str = "") -> Task:
        """Start a step (as :meth:`Progress.task`); it is drawn at once."""
        self._fresh = True
        return super().task(label, total, unit=unit)

    def update(self, task: Task) -> None:
        """Redraw the line: at once when a step starts or moves to its next item (a step with a
        ``total``), at most every ``min_interval`` seconds for a running count (rows read)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if self._fresh or task.total is not None or now - self._last >= self.min_interval:
            self._fresh = False
            self._last = now
            self._draw(self.line())

    def end(self, task: Task) -> None:
        """Clear the line when the last step ends; else show the steps still under way."""
        super().end(task)
        if not self.enabled:
            return
        if self.tasks:
            self._draw(self.line())
        else:
            self._clear()

    def write(self, text: str, *, file: IO[str] | None = None) -> None:
        """Clear the line, print ``text`` (standard output by default) and draw the line again."""
        shown = self._shown
        if shown:
            self._clear()
        super().write(text, file=file)
        if shown and self.tasks:
            self._draw(self.line())

    def close(self) -> None:
        """End every step still under way and leave the line clean."""
        super().close()
        if self.enabled and self._shown:
            self._clear()

    # drawing -------------------------------------------------------------------------------
    def _cells(self) -> int:
        """``width``, else ``COLUMNS``, else the width of the terminal the line goes to, less one."""
        if self._width is not None:
            return self._width
        columns = shutil.get_terminal_size((0, 0)).columns if os.environ.get("COLUMNS") else 0
        if not columns:
            try:  # standard error's own terminal (standard output may be a pipe or a file)
                columns = os.get_terminal_size(self.stream.fileno()).columns
            except (AttributeError, OSError, ValueError):
                columns = 80
        return max(10, columns - 1)

    def _draw(self, text: str) -> None:
        width = cell_width(text)
        pad = " " * max(0, self._shown - width)  # what is left of a longer line before
        self._emit("\r" + text + pad)
        self._shown = width

    def _clear(self) -> None:
        if self._shown:
            self._emit("\r" + " " * self._shown + "\r")
        self._shown = 0

    def _emit(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # standard error closed: the work goes on without the line
            self.enabled = False

