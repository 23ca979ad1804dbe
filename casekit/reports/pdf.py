"""The offline report page printed to PDF, and screenshots of it, with a headless Chromium.

The PDF is the HTML page as printed: the page's own ``@media print`` rules (A4, margins, page
numbers, a new page per chapter, rows and charts not cut; ``templates/casekit_report``) lay it
out, so the HTML and the PDF are the same report. Chromium embeds the fonts it draws with, the
CJK font included (``pdffonts`` lists it as embedded).

The browser runs without a network (every host name resolves to nothing; the page itself loads
nothing from elsewhere, see :mod:`casekit.reports.export`; the copy printed starts with casekit's
Content-Security-Policy, so no page printed frames or embeds a local file), with a throwaway
profile, in its own process group, and is killed with all its children when it takes longer than ``timeout``
seconds. Its output goes to a temporary file beside the target, is checked (a non-empty PDF or
PNG) and only then renamed into place: a failed print leaves no file and keeps an older one.

The browser is ``$CASEKIT_CHROMIUM`` when set, else the first of :data:`BROWSER_NAMES` on the
``PATH``; ``make tools`` installs Chromium on Debian and Ubuntu.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Iterator
from contextlib import contextmanager
from pathlib import Path

from casekit.exceptions import BrowserError, BrowserNotFoundError
from casekit.language import tr
from casekit.files import umask
from casekit.reports.safe_html import csp_meta

__all__ = [
    "BROWSER_ENV",
    "BROWSER_NAMES",
    "PDF_TIMEOUT",
    "find_browser",
    "html_to_pdf",
    "installed_browser_paths",
    "screenshot",
]

#: Environment variable naming the browser program (a path or a name on the ``PATH``).
BROWSER_ENV = "CASEKIT_CHROMIUM"
#: Programs looked for on the ``PATH``, in this order.
BROWSER_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                                  "chrome", "msedge")
#: Where Windows and macOS install Chrome and Edge (Windows always has Edge), looked at when
#: none of :data:`BROWSER_NAMES` is on the ``PATH`` (their installers do not add them to it).
#: ``%...%`` are environment variables.
INSTALLED_BROWSERS: tuple[str, ...] = (
    "%ProgramFiles%/Google/Chrome/Application/chrome.exe",
    "%ProgramFiles(x86)%/Google/Chrome/Application/chrome.exe",
    "%LOCALAPPDATA%/Google/Chrome/Application/chrome.exe",
    "%ProgramFiles(x86)%/Microsoft/Edge/Application/msedge.exe",
    "%ProgramFiles%/Microsoft/Edge/Application/msedge.exe",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)
#: Seconds a print (or screenshot) may take before the browser is killed.
PDF_TIMEOUT = 120.0

_INSTALL_HINT = (
    "请安装 Chromium（Debian/Ubuntu：sudo apt-get install chromium，或在项目目录运行 make tools），"
    f"或设置环境变量 {BROWSER_ENV} 指向 Chromium 或 Google Chrome 的程序路径"
)
_DOCTYPE = re.compile(rb"\A(\xef\xbb\xbf)?\s*<!doctype[^>]*>", re.IGNORECASE)
_PDF_MAGIC = b"%PDF-"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# No network, no first-run, no background services: the page is local and loads nothing.
_HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-crash-reporter",
    "--mute-audio",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--run-all-compositor-stages-before-draw",
)


def find_browser() -> Path:
    """Return the headless browser used to print reports.

    Returns
    -------
    pathlib.Path
        ``$CASEKIT_CHROMIUM`` when set (a path, or a program name on the ``PATH``), else the first
        of :data:`BROWSER_NAMES` found on the ``PATH``, else the first of
        :data:`INSTALLED_BROWSERS` installed (Chrome or Edge where Windows and macOS put them).

    Raises
    ------
    casekit.exceptions.BrowserNotFoundError
        When ``$CASEKIT_CHROMIUM`` names no program, or none of :data:`BROWSER_NAMES` is
        installed; the message says what to install.
    """
    asked = os.environ.get(BROWSER_ENV, "").strip()
    if asked:
        found = shutil.which(asked)
        if found is None:
            raise BrowserNotFoundError(
                f"环境变量 {BROWSER_ENV} 指向的浏览器不存在或不可执行：{asked}。{_INSTALL_HINT}。"
            )
        return Path(found)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    for place in installed_browser_paths():
        if Path(place).is_file():
            return Path(place)
    raise BrowserNotFoundError(
        f"未找到生成 PDF 所需的浏览器（已查找 {'、'.join(BROWSER_NAMES)}）。{_INSTALL_HINT}。"
    )


def installed_browser_paths(environ: Mapping[str, str] | None = None) -> list[str]:
    """:data:`INSTALLED_BROWSERS` with their environment variables filled in (a place whose
    variable is not set is left out)."""
    environ = os.environ if environ is None else environ
    out = []
    for place in INSTALLED_BROWSERS:
        names = re.findall(r"%([^%]+)%", place)
        if all(environ.get(n) for n in names):
            out.append(re.sub(r"%([^%]+)%", lambda m: environ[m.group(1)].replace("\\", "/"), place))
    return out


def _run(browser: Path, args: list[str], url: str, *, timeout: float, what: str) -> None:
    """Run the browser on ``url`` in its own process group; kill the group after ``timeout`` s."""
    with tempfile.TemporaryDirectory(prefix="casekit-chromium-", ignore_cleanup_errors=True) as profile:
        env = {**os.environ, "HOME": profile, "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
        command = [str(browser), *_HEADLESS_FLAGS, f"--user-data-dir={profile}", *args, url]
        # The browser's messages go to a file, not a pipe: a helper process left holding a pipe
        # open would keep a reader waiting after the browser itself is done.
        log_path = Path(profile) / "browser.log"
        with open(log_path, "wb") as log:
            try:
                proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        env=env, start_new_session=True)
            except OSError as exc:
                raise BrowserError(f"无法启动浏览器 {browser}：{exc.strerror or exc}。{_INSTALL_HINT}。") from exc
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise BrowserError(
                    f"浏览器在 {timeout:g} 秒内未能完成{what}，已终止。请重试；若反复出现，请检查报告是否过大。"
                ) from None
            finally:  # on time-out, Ctrl-C or success: nothing of the browser's is left running
                _kill_group(proc)
        if proc.returncode != 0:
            tail = " ".join(log_path.read_bytes().decode("utf-8", "replace").split()[-40:])
            raise BrowserError(f"浏览器未能完成{what}（退出码 {proc.returncode}）：{tail}")


def _kill_group(proc: subprocess.Popen) -> None:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only: the browser and its helpers
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if proc.poll() is None:
        proc.wait()


@contextmanager
def _locked_down(html_path: Path) -> Iterator[Path]:
    """A copy of the page beside it whose first element is casekit's Content-Security-Policy.

    A page opened from a file may frame or embed any other local file (``<iframe
    src=file:///etc/passwd>`` prints the file's content into the PDF); the policy
    (:data:`casekit.reports.safe_html.CONTENT_SECURITY_POLICY`: images and fonts inline only,
    nothing framed, fetched or run) holds for whatever page is printed, whether or not it carries
    the policy itself. The copy sits in the page's folder (same relative links) and is removed.
    """
    data = html_path.read_bytes()
    meta = csp_meta().encode("utf-8")
    found = _DOCTYPE.match(data)
    at = found.end() if found else 0
    fd, name = tempfile.mkstemp(prefix=f".{html_path.stem}.print-", suffix=".html", dir=html_path.parent)
    copy = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data[:at] + meta + data[at:])
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _render(html_path: Path | str, out_path: Path | str, *, args: list[str], option: str, magic: bytes,
            timeout: float, what: str) -> Path:
    html_path = Path(html_path).resolve()
    out_path = Path(out_path)
    if not html_path.is_file():
        raise FileNotFoundError(tr(f"找不到要转换的 HTML 页面：{html_path}", f"no HTML page to render at {html_path}"))
    browser = find_browser()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=out_path.suffix, dir=out_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # the browser writes the file itself; an empty one would hide its failure
        with _locked_down(html_path) as page:
            _run(browser, [*args, f"{option}={tmp}"], page.as_uri(), timeout=timeout, what=what)
        try:
            head = tmp.read_bytes()[: len(magic)]
        except FileNotFoundError:
            head = b""
        if head != magic:
            raise BrowserError(f"浏览器未能完成{what}：输出文件为空或格式不对（{out_path.name}）。")
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


def html_to_pdf(html_path: Path | str, pdf_path: Path | str, *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print an offline HTML page to PDF with a headless Chromium.

    Parameters
    ----------
    html_path : path-like
        The page (``report.html``); it must open offline.
    pdf_path : path-like
        Where to write the PDF; its folder must exist. Replaced atomically: nothing is written
        when printing fails.
    timeout : float, default :data:`PDF_TIMEOUT`
        Seconds after which the browser (and everything it started) is killed.

    Returns
    -------
    pathlib.Path
        ``pdf_path``.

    Raises
    ------
    casekit.exceptions.BrowserNotFoundError
        If no browser is installed (see :func:`find_browser`).
    casekit.exceptions.BrowserError
        If the browser fails, times out or writes no PDF.
    FileNotFoundError
        If ``html_path`` does not exist.
    """
    return _render(html_path, pdf_path, args=["--no-pdf-header-footer"], option="--print-to-pdf",
                   magic=_PDF_MAGIC, timeout=timeout, what="PDF 打印")


def screenshot(
    html_path: Path | str,
    png_path: Path | str,
    *,
    width: int = 1200,
    height: int = 1600,
    timeout: float = PDF_TIMEOUT,
) -> Path:
    """Render the top of an HTML page to a PNG image, as a browser window of ``width`` × ``height``.

    Parameters
    ----------
    html_path : path-like
        The page.
    png_path : path-like
        Where to write the image (replaced atomically).
    width, height : int
        Window size in CSS pixels (the image has this size).
    timeout : float, default :data:`PDF_TIMEOUT`
        Seconds after which the browser is killed.

    Returns
    -------
    pathlib.Path
        ``png_path``.

    Raises
    ------
    casekit.exceptions.BrowserNotFoundError, casekit.exceptions.BrowserError
        As :func:`html_to_pdf`.
    """
    return _render(html_path, png_path, args=[f"--window-size={int(width)},{int(height)}"],
                   option="--screenshot", magic=_PNG_MAGIC, timeout=timeout, what="截图")
