"""A CJK font for matplotlib, so chart titles, axes and legends in Chinese render as glyphs
instead of empty boxes.

matplotlib ships no CJK font and caches its font list on first use, so a font installed later
(``make fonts``) is invisible to it until the cache is rebuilt. :func:`ensure_cjk_font` sidesteps
the cache: it looks for a known CJK font file, registers it directly with
``matplotlib.font_manager.fontManager.addfont`` and makes it the first sans-serif family.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

from casekit.exceptions import CJKFontNotFoundError
from casekit.language import tr

__all__ = [
    "CJK_FONT_ENV",
    "CJKFont",
    "CJKFontNotFoundError",
    "check_cjk_font",
    "ensure_cjk_font",
    "find_cjk_font",
    "windows_font_files",
]

#: Environment variable naming a font file to use instead of the search below.
CJK_FONT_ENV = "CASEKIT_CJK_FONT"

#: Family names, in order of preference: Simplified Chinese faces first.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "DengXian",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)

#: Where the usual packages put those fonts (Debian/Ubuntu, Fedora, macOS, Windows).
COMMON_FONT_FILES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Microsoft/Microsoft Yahei.ttf",  # macOS with Office
)
#: Windows' own Chinese fonts (微软雅黑, 等线, 黑体), in ``%WINDIR%\Fonts`` (``C:\Windows`` unless
#: Windows lives elsewhere) and, installed for one user, in ``%LOCALAPPDATA%\Microsoft\Windows\Fonts``.
WINDOWS_FONT_FILES: tuple[str, ...] = ("msyh.ttc", "Deng.ttf", "simhei.ttf")


def windows_font_files(environ: Mapping[str, str] | None = None) -> list[str]:
    r"""Where Windows keeps :data:`WINDOWS_FONT_FILES` (whether or not this is Windows): the
    system folder of ``WINDIR`` (default ``C:\Windows``) and the user's ``LOCALAPPDATA`` folder."""
    environ = os.environ if environ is None else environ
    folders = [PureWindowsPath(environ.get("WINDIR") or environ.get("SystemRoot") or "C:\\Windows", "Fonts")]
    if environ.get("LOCALAPPDATA"):
        folders.append(PureWindowsPath(environ["LOCALAPPDATA"], "Microsoft", "Windows", "Fonts"))
    return [str(folder / name) for folder in folders for name in WINDOWS_FONT_FILES]

#: Characters a usable font must have (a sample of what reports print).
_PROBE_TEXT = "中国网通客户经理维度"

_INSTALL_HINT = (
    "install one, e.g. `sudo apt-get install fonts-wqy-microhei` (Debian/Ubuntu; `make fonts` "
    "does this) or `fonts-noto-cjk`, or point the environment variable "
    f"{CJK_FONT_ENV} at a .ttf/.ttc/.otf file"
)
_INSTALL_HINT_ZH = (
    "请安装一种中文字体：Windows 自带微软雅黑、黑体或等线；Debian/Ubuntu 上可运行 "
    "`sudo apt-get install fonts-wqy-microhei`（`make fonts` 会做这一步）或安装 `fonts-noto-cjk`；"
    f"也可以把环境变量 {CJK_FONT_ENV} 设为一个 .ttf/.ttc/.otf 字体文件"
)


@dataclass(frozen=True)
class CJKFont:
    """The CJK font matplotlib uses for casekit's charts.

    Parameters
    ----------
    family : str
        matplotlib family name, e.g. ``"WenQuanYi Micro Hei"``.
    path : pathlib.Path
        The font file.
    """

    family: str
    path: Path


def _has_glyphs(path: str, text: str = _PROBE_TEXT) -> bool:
    """Return whether the font file at ``path`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def _candidate_files() -> list[str]:
    files = []
    override = os.environ.get(CJK_FONT_ENV)
    if override:
        if not Path(override).is_file():
            raise CJKFontNotFoundError(tr(
                f"环境变量 {CJK_FONT_ENV} 指向的 {override} 不是文件；请取消这个设置，或者{_INSTALL_HINT_ZH}",
                f"{CJK_FONT_ENV} names {override!r}, which is not a file; unset it or {_INSTALL_HINT}"
            ))
        files.append(override)
    files.extend(f for f in (*COMMON_FONT_FILES, *windows_font_files()) if Path(f).is_file())
    return files


@lru_cache(maxsize=1)
def find_cjk_font() -> CJKFont:
    """Find and register a CJK font with matplotlib (the search runs once per process).

    The file named by ``$CASEKIT_CJK_FONT`` wins; otherwise the common install locations of
    Noto Sans CJK, Source Han Sans and WenQuanYi are registered, and the first family of
    :data:`PREFERRED_FAMILIES` that matplotlib knows (from those files or from its own font
    cache) and that really has Chinese glyphs is chosen.

    Returns
    -------
    CJKFont
        Family name and file of the chosen font.

    Raises
    ------
    CJKFontNotFoundError
        If no installed font can draw Chinese; the message names the package to install.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    registered: list[str] = []
    for path in _candidate_files():
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
        registered.append(path)

    by_family: dict[str, list[str]] = {}
    for entry in manager.ttflist:
        by_family.setdefault(entry.name, []).append(entry.fname)

    override = os.environ.get(CJK_FONT_ENV)
    order: list[str] = []
    if override:
        # The override's own family names come first, whatever they are.
        order.extend(e.name for e in manager.ttflist if e.fname == override)
    order.extend(PREFERRED_FAMILIES)
    for family in dict.fromkeys(order):
        for path in by_family.get(family, []):
            if _has_glyphs(path):
                return CJKFont(family=family, path=Path(path))
    raise CJKFontNotFoundError(tr(
        f"找不到图表可用的中文字体（已查找 {'、'.join(PREFERRED_FAMILIES[:6])}），图中的中文会显示成空白方框。"
        + _INSTALL_HINT_ZH + "。",
        "No CJK font found for matplotlib (looked for "
        + ", ".join(PREFERRED_FAMILIES[:6])
        + "); Chinese chart labels would render as empty boxes. To fix it, "
        + _INSTALL_HINT
        + "."
    ))


def ensure_cjk_font() -> str:
    """Make matplotlib draw Chinese text with an installed CJK font.

    Registers the font found by :func:`find_cjk_font` (works with a stale matplotlib font
    cache), puts it first in ``font.sans-serif``, selects the sans-serif family and turns off
    ``axes.unicode_minus`` (CJK fonts often lack U+2212, the typographic minus sign).
    Calling it again is cheap and re-applies the settings (e.g. after ``rcdefaults()``).

    Returns
    -------
    str
        The matplotlib family name of the font, e.g. ``"WenQuanYi Micro Hei"``.

    Raises
    ------
    CJKFontNotFoundError
        If no CJK font is installed.

    Examples
    --------
    >>> family = ensure_cjk_font()  # doctest: +SKIP
    >>> family  # doctest: +SKIP
    'WenQuanYi Micro Hei'
    """
    import matplotlib as mpl

    font = find_cjk_font()
    sans = [font.family] + [f for f in mpl.rcParams["font.sans-serif"] if f != font.family]
    mpl.rcParams["font.sans-serif"] = sans
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False
    return font.family


def check_cjk_font() -> int:
    """Print the CJK font charts use, or why there is none; return an exit code.

    The entry point of ``make fonts`` (``sys.exit(check_cjk_font())``), which installs a font
    when this finds none.

    Returns
    -------
    int
        0 when a CJK font was found (its family printed on standard output), 1 when none was
        (the reason printed on standard error).
    """
    import sys

    try:
        print("CJK font for charts:", ensure_cjk_font())
    except CJKFontNotFoundError as exc:
        print(f"casekit: {exc}", file=sys.stderr)
        return 1
    return 0
