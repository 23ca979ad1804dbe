"""The one entry point: detect an export's platform and read it."""

from __future__ import annotations

from pathlib import Path

from casekit.exceptions import Problem, SurveyFileError
from casekit.progress import Progress
from casekit.surveys._io import Grid, read_grid
from casekit.surveys.model import SurveyExport
from casekit.surveys.registry import platform_ids, reader_for, table_needed
from casekit.language import tr

__all__ = ["detect_platform", "read_export"]


def detect_platform(path: str | Path, grid: Grid | None = None) -> str:
    """Tell which platform produced an export, from its file type and header rows.

    Parameters
    ----------
    path : str or Path
        The export as downloaded.
    grid : Grid, optional
        The file already read with :func:`~casekit.surveys._io.read_grid`.

    Returns
    -------
    str
        The id of the registered reader that reads it (:func:`~casekit.surveys.registry.reader_for`).
    """
    return reader_for(Path(path), grid=grid).id


def read_export(path: str | Path, platform: str | None = None, *, progress: Progress | None = None) -> SurveyExport:
    """Read a questionnaire export as downloaded, detecting its platform unless told.

    Parameters
    ----------
    path : str or Path
        The file (``.csv``, ``.xlsx``, ``.sav``, or 腾讯问卷's ``.zip``).
    platform : str, optional
        Force a reader: one of :func:`~casekit.surveys.registry.platform_ids` (``wjx``,
        ``tencent``, ``qualtrics``, ``limesurvey``, ``spss``, ``plain`` and any reader
        registered since).
    progress : Progress, optional
        Where the reading is reported: ``读取问卷`` with the rows read so far, then
        ``整理答卷`` while the platform's reader interprets them; default: nowhere.

    Returns
    -------
    SurveyExport

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found) when the file cannot be
        read as an export of that platform.
    """
    path = Path(path)
    if platform is not None and platform not in platform_ids():
        raise SurveyFileError([Problem(path.name, None, None, tr(f"以下平台之一：{'、'.join(platform_ids())}",
                                                                f"a platform among {', '.join(platform_ids())}"), platform)])
    if not path.is_file():
        raise SurveyFileError([Problem(path.name, None, None, tr("存在的文件", "an existing file"), "<missing>")])
    progress = progress or Progress()
    forced = reader_for(platform) if platform is not None else None
    if not table_needed(path, forced):  # a .sav or a .zip: its reader reads the file itself
        with progress.task("读取问卷"):
            reader = forced if forced is not None else reader_for(path, grid=None)
            return reader.read(path, grid=None)
    # Read a table once: the grid used to detect the platform is handed to the reader.
    with progress.task("读取问卷", unit="行") as rows:
        grid = read_grid(path, rows=rows)
    reader = forced if forced is not None else reader_for(path, grid=grid)
    with progress.task("整理答卷"):
        return reader.read(path, grid=grid)
