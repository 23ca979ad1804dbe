"""The language of what casekit says to the person at the keyboard: ``--help``, progress lines and
error messages.

Consultants read Chinese, so Chinese is the default. ``CASEKIT_LANG=en`` keeps the English text
(for a developer, a bug report, or the test suite). The variable is read each time a message is
made, so a notebook kernel or a test that sets it takes effect at once; any other value than
``en`` (unset, ``zh``, ``zh_CN``, a typo) means Chinese and never an error.

Reports, outlines and cases are Chinese in every language: this module is only for messages.
Each message is written once in both languages where it is made::

    from casekit.language import tr

    raise RegionError(tr(f"没有地区「{name}」", f"no region {name!r}"))
"""

from __future__ import annotations

import os

__all__ = ["ENVIRONMENT_VARIABLE", "LANGUAGES", "language", "os_reason", "quoted", "tr"]

#: The environment variable that chooses the language.
ENVIRONMENT_VARIABLE = "CASEKIT_LANG"

#: The languages casekit speaks; the first is the default.
LANGUAGES: tuple[str, ...] = ("zh", "en")


def language() -> str:
    """Return the current language: ``"en"`` when ``CASEKIT_LANG`` says English, else ``"zh"``.

    ``en``, ``EN``, ``en_US.UTF-8`` and ``english`` all mean English; anything else (including
    an unset or empty variable) means Chinese.

    Returns
    -------
    str
        ``"zh"`` or ``"en"``.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    return "en" if value == "en" or value.startswith(("en_", "en-", "en.", "english")) else "zh"


def tr(zh: str, en: str) -> str:
    """Return ``zh`` or ``en``, whichever the current :func:`language` is.

    Parameters
    ----------
    zh : str
        The message in Simplified Chinese (the default).
    en : str
        The same message in English (``CASEKIT_LANG=en``).

    Returns
    -------
    str

    Examples
    --------
    With ``CASEKIT_LANG`` unset (or ``zh``):

    >>> tr("没有发现问题", "no problems found")  # doctest: +SKIP
    '没有发现问题'
    """
    return en if language() == "en" else zh


#: The operating system's reasons (``strerror``) a consultant meets when casekit writes, in Chinese.
_OS_REASONS_ZH = {
    "Permission denied": "没有写入权限",
    "Operation not permitted": "操作不被允许",
    "No space left on device": "磁盘空间已满",
    "Disk quota exceeded": "超出磁盘配额",
    "Read-only file system": "文件系统只读",
    "No such file or directory": "文件或文件夹不存在",
    "Not a directory": "路径中有一部分不是文件夹",
    "Is a directory": "这是一个文件夹",
    "File exists": "文件已存在",
    "File name too long": "文件名太长",
    "Directory not empty": "文件夹不是空的",
}


def quoted(value: object) -> str:
    """Return ``value`` as a Chinese message shows data: in 「」, control characters escaped.

    File names, column headers and cell values are data: they are shown as found, never translated.
    A character that would drive the terminal (ESC, BEL, a line break) is written as ``\\x1b``,
    ``\\n`` …, as Python's ``repr`` would.

    Parameters
    ----------
    value : object
        The value (``str()`` of it is shown).

    Returns
    -------
    str
        ``「value」``.

    Examples
    --------
    >>> quoted("天津")
    '「天津」'
    >>> quoted("a\\nb")
    '「a\\\\nb」'
    """
    text = str(value)
    return "「" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "」"


def os_reason(reason: str) -> str:
    """The operating system's reason for a failed write (``strerror``), in the current language.

    Parameters
    ----------
    reason : str
        As the operating system gives it (``"Permission denied"``).

    Returns
    -------
    str
        In Chinese when known and the language is Chinese; else ``reason`` unchanged.
    """
    return tr(_OS_REASONS_ZH.get(reason, reason), reason)
