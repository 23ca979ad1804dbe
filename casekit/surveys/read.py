"""The one entry point: detect an export's platform and read it."""

from __future__ import annotations

import importlib
from pathlib import Path

from casekit.exceptions import Problem, SurveyFileError
from casekit.surveys._io import Grid, read_grid
from casekit.surveys.model import PLATFORMS, SurveyExport

__all__ = ["detect_platform", "read_export"]

#: Grid-based platforms, in the order they are tried; "plain" always matches last.
_SNIFF_ORDER: tuple[str, ...] = ("qualtrics", "limesurvey", "tencent", "wjx", "plain")


def _module(platform: str):
    return importlib.import_module(f"casekit.surveys.{platform}")


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
        One of :data:`~casekit.surveys.model.PLATFORMS`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".sav":
        return "spss"
    if suffix == ".zip":
        return "tencent"
    grid = grid if grid is not None else read_grid(path)
    for platform in _SNIFF_ORDER:
        if _module(platform).sniff(grid):
            return platform
    return "plain"


def read_export(path: str | Path, platform: str | None = None) -> SurveyExport:
    """Read a questionnaire export as downloaded, detecting its platform unless told.

    Parameters
    ----------
    path : str or Path
        The file (``.csv``, ``.xlsx``, ``.sav``, or 腾讯问卷's ``.zip``).
    platform : str, optional
        Force a reader: one of ``wjx``, ``tencent``, ``qualtrics``, ``limesurvey``, ``spss``,
        ``plain``.

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
    if platform is not None and platform not in PLATFORMS:
        raise SurveyFileError([Problem(path.name, None, None, f"a platform among {', '.join(PLATFORMS)}", platform)])
    if not path.is_file():
        raise SurveyFileError([Problem(path.name, None, None, "an existing file", "<missing>")])
    if platform in ("spss",) or path.suffix.lower() in (".sav", ".zip"):
        return _module(platform or detect_platform(path)).read(path)
    # Read the file once: the grid used to detect the platform is handed to the reader.
    grid = read_grid(path)
    if platform is None:
        platform = detect_platform(path, grid)
    if platform == "spss":
        return _module(platform).read(path)
    return _module(platform).read(path, grid=grid)
