"""``casekit build --formats``: the PDF (headless Chromium), the other formats' wiring, screenshots.

One real build of Beijing (HTML and PDF, plus Word and slides when their writers are installed) is
shared by the module. The PDF's text is read back with ``pdftotext``, its fonts with ``pdffonts``
and its first page rendered with ``pdftoppm``; the HTML page is rendered by the same headless
browser. Failure handling uses the tiny probe notebook of ``fixtures/notebooks``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casekit.reports.build_state import STATE_FILE
from casekit.exceptions import BrowserError, BrowserNotFoundError, ReportFormatError
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build as build_module
from casekit.reports import build_reports
from casekit.reports import pdf as pdf_module
from casekit.reports.fonts import PREFERRED_FAMILIES
from casekit.reports.pdf import BROWSER_ENV, html_to_pdf, screenshot
from conftest import write_page_here

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"
POPPLER = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")

pytestmark = [
    pytest.mark.skipif(not (SAMPLE_BUNDLE / "manifest.yaml").is_file(),
                       reason="sample bundle missing (run `casekit sample`)"),
    pytest.mark.skipif(any(shutil.which(t) is None for t in POPPLER),
                       reason="poppler-utils missing (run `make tools`)"),
]

needs_browser = pytest.mark.skipif(
    not any(shutil.which(b) for b in pdf_module.BROWSER_NAMES), reason="no Chromium (run `make tools`)"
)
#: Every region of the sample: each is built in all four formats once for this module.
SAMPLE_REGIONS = ("beijing", "tianjin", "hebei", "shandong", "nanning")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def built_all(sample_reports):
    """Every sample region built once in the four formats (``make tools`` installs Chromium)."""
    assert any(shutil.which(b) for b in pdf_module.BROWSER_NAMES), "no Chromium: run `make tools`"
    result = sample_reports
    assert result.ok, result.failed
    assert result.formats == ("html", "pdf", "docx", "pptx")
    assert result.built == list(SAMPLE_REGIONS)
    return result


@pytest.fixture(scope="module")
def built(built_all):
    """Beijing's folder of the build of every region."""
    return built_all, built_all.out_dir / "beijing"


@pytest.fixture(scope="module")
def pdf_text(built):
    _, folder = built
    return _run("pdftotext", "-enc", "UTF-8", str(folder / "report.pdf"), "-")


def _squash(text: str) -> str:
    """Text without white space (pdftotext breaks lines where the page does)."""
    return re.sub(r"\s+", "", text)


# -- the PDF --------------------------------------------------------------------------------------
def test_pdf_is_published_beside_the_html(built):
    result, folder = built
    assert result.formats[:2] == ("html", "pdf")
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert (folder / "report.html").is_file()
    assert not [p.name for p in result.out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]
    assert set(result.format_seconds["beijing"]) >= {"html", "pdf"}


def test_pdf_holds_the_title_the_region_and_every_chapter_of_the_page(built, pdf_text):
    _, folder = built
    html = (folder / "report.html").read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>(.*?)<", html).group(1).strip()
    chapters = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.DOTALL)]
    assert "北京" in title and len(chapters) >= 5
    text = _squash(pdf_text)
    assert _squash(title) in text
    missing = [c for c in chapters if _squash(c) not in text]
    assert not missing, missing


def test_pdf_is_a4_with_page_numbers(built, pdf_text):
    _, folder = built
    info = _run("pdfinfo", str(folder / "report.pdf"))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert pages > 3
    assert re.search(r"^Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info, re.MULTILINE), info
    first = _run("pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(folder / "report.pdf"), "-")
    assert f"1 / {pages}" in first


def test_pdf_embeds_a_cjk_font(built):
    _, folder = built
    rows = _run("pdffonts", str(folder / "report.pdf")).splitlines()[2:]
    cjk = re.compile("|".join(re.escape(f.replace(" ", "")) for f in PREFERRED_FAMILIES) + r"|CJK|SourceHan",
                     re.IGNORECASE)
    embedded = [r.split()[0] for r in rows if re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", r)
                and r.split()[-5] == "yes"]
    assert any(cjk.search(name) for name in embedded), rows


# -- screenshots: what a reader sees ---------------------------------------------------------------
def _image_stats(path: Path) -> tuple[tuple[int, int], int, float]:
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        histogram = image.convert("L").histogram()
        colours = len(image.convert("RGB").getcolors(maxcolors=1 << 22) or [])
        return image.size, colours, sum(histogram[:128]) / sum(histogram)


def test_html_page_and_first_pdf_page_render_as_real_pictures(built, tmp_path):
    _, folder = built
    shot = screenshot(folder / "report.html", tmp_path / "page.png", width=1200, height=1600)
    size, colours, dark = _image_stats(shot)
    assert size == (1200, 1600)
    assert colours > 200  # text with anti-aliasing and a coloured chart, not a blank or error page
    assert 0.005 < dark < 0.5

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                    str(folder / "report.pdf"), str(tmp_path / "pdf-page")], check=True, timeout=120)
    size, colours, dark = _image_stats(tmp_path / "pdf-page.png")
    assert abs(size[0] - 413) <= 1 and abs(size[1] - 585) <= 1  # A4 at 50 dots per inch
    assert colours > 50
    assert 0.003 < dark < 0.5


# -- the four formats hold the same findings ------------------------------------------------------
#: The parts of a package a reader sees (the body, headers and footers, the slides), not its properties.
_SHOWN_PARTS = re.compile(r"^(word/(document|header\d*|footer\d*)\.xml|ppt/slides/slide\d+\.xml)$")


def _package_text(path: Path, *, squash: bool = True) -> str:
    """Every text a reader sees in a Word or PowerPoint package, tags dropped.

    ``squash``: without white space (to find a sentence split over runs); else one run per line.
    """
    import html
    import zipfile

    with zipfile.ZipFile(path) as package:
        names = sorted((n for n in package.namelist() if _SHOWN_PARTS.match(n)),
                       key=lambda n: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", n)])
        xml = "".join(package.read(n).decode("utf-8") for n in names)
    # the text runs (w:t, a:t), not field codes such as the contents' TOC instruction
    runs = re.findall(r"<(?:w|a):t(?:\s[^>]*)?>([^<]*)</(?:w|a):t>", xml)
    text = html.unescape(("" if squash else "\n").join(runs))
    return _squash(text) if squash else text


@pytest.mark.parametrize("region", SAMPLE_REGIONS)
def test_every_format_states_the_findings_of_the_executive_summary(built_all, region):
    import html

    folder = built_all.out_dir / region
    page = (folder / "report.html").read_text(encoding="utf-8")
    # every item of the executive summary: the findings' lists and the recommendations
    summary = page[page.index("一、执行摘要"):page.index("二、调研背景与方法")]
    findings = [_squash(html.unescape(re.sub(r"<[^>]+>", "", li))) for li in re.findall(r"<li>(.*?)</li>", summary, re.DOTALL)]
    assert len(findings) >= 8
    assert built_all.formats == ("html", "pdf", "docx", "pptx")
    texts = {"pdf": _squash(_run("pdftotext", "-enc", "UTF-8", str(folder / "report.pdf"), "-")),
             "docx": _package_text(folder / "report.docx"),
             "pptx": _package_text(folder / "slides.pptx")}
    name = {"beijing": "北京", "tianjin": "天津", "hebei": "河北", "shandong": "山东", "nanning": "南宁"}[region]
    for fmt, text in texts.items():
        assert f"{name}地区培训需求调研报告" in text, fmt
    missing = {fmt: [f for f in findings if f not in text] for fmt, text in texts.items()}
    assert not any(missing.values()), missing


def test_index_lists_the_formats_of_each_region(built):
    result, _ = built
    saved = json.loads((result.out_dir / "index.json").read_text(encoding="utf-8"))["regions"]
    assert [(e["region_id"], e["formats"]) for e in saved] == [(r, list(result.formats)) for r in SAMPLE_REGIONS]


# -- asking for formats ---------------------------------------------------------------------------
@pytest.fixture
def no_kernel(monkeypatch):
    from casekit.reports.execute import WarmKernel

    def refuse(self):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(WarmKernel, "start", refuse)


def test_unknown_format_fails_before_any_work(tmp_path, no_kernel, capsys):
    from casekit import cli

    with pytest.raises(ReportFormatError, match=r"unknown report formats 'odt', 'rtf'; known formats: html, pdf, docx, pptx"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False, formats="pdf,odt,rtf")
    assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet", "--formats", "html,PDF,xlsx"]) == 1
    assert "unknown report format 'xlsx'; known formats: html, pdf, docx, pptx" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_formats_are_built_in_one_order_with_html_always(tmp_path):
    assert build_module.parse_formats(None) == ("html",)
    assert build_module.parse_formats("pptx，PDF") == ("html", "pdf", "pptx")
    assert build_module.parse_formats(["docx", "html", "docx"]) == ("html", "docx")


def test_no_browser_stops_a_pdf_build_before_any_kernel(tmp_path, monkeypatch, no_kernel):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    with pytest.raises(BrowserNotFoundError, match=r"未找到生成 PDF 所需的浏览器.*apt-get install chromium.*make tools"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path / "out", progress=False, formats="pdf")
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "no-such-chrome"))
    with pytest.raises(BrowserNotFoundError, match=rf"{BROWSER_ENV} 指向的浏览器不存在"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path / "out", progress=False, formats="pdf")
    assert not (tmp_path / "out").exists()


def _fake_browser(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_browser_that_hangs_is_killed_and_leaves_no_file(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html lang='zh-CN'><body>北京</body></html>", encoding="utf-8")
    pid_file = tmp_path / "pid"
    monkeypatch.setenv(BROWSER_ENV, str(_fake_browser(
        tmp_path, f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)")))
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.4 the previous one")
    with pytest.raises(BrowserError, match=r"浏览器在 1 秒内未能完成PDF 打印，已终止"):
        html_to_pdf(page, target, timeout=1)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert target.read_bytes() == b"%PDF-1.4 the previous one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-chromium", "page.html", "pid", "report.pdf"]


def test_browser_that_writes_no_pdf_is_an_error(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    # writes an HTML error page where the PDF should be, and exits 0
    monkeypatch.setenv(BROWSER_ENV, str(_fake_browser(tmp_path, (
        "out = [a.split('=', 1)[1] for a in sys.argv if a.startswith('--print-to-pdf=')][0]\n"
        "open(out, 'w').write('<html>error</html>')"))))
    with pytest.raises(BrowserError, match="输出文件为空或格式不对"):
        html_to_pdf(page, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-chromium", "page.html"]


def _executed(notebook, output, parameters, *, kernel=None, **_):
    """Stands in for executing the report notebook (no kernel): a one-cell report of the region."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"# {parameters['region']} 地区报告\n\n## 一、调研对象\n\n本报告为测试用。")])
    nbformat.write(nb, str(output))
    return nb


@needs_browser
def test_failing_pdf_keeps_the_previous_report_and_marks_the_region_failed(tmp_path, monkeypatch, no_kernel):
    monkeypatch.setattr(build_module, "execute_notebook", _executed)
    monkeypatch.setattr(build_module, "write_page", write_page_here)
    good = build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False, notebook=PROBE,
                         formats="pdf")
    assert good.ok and good.formats == ("html", "pdf")
    folder = good.out_dir / "beijing"
    before = {name: (folder / name).read_bytes() for name in ("report.html", "report.pdf")}
    assert "beijing地区报告" in _squash(_run("pdftotext", "-enc", "UTF-8", str(folder / "report.pdf"), "-"))

    def broken(html_path, pdf_path, **kwargs):
        raise BrowserError("浏览器未能完成PDF 打印（退出码 1）：测试")

    monkeypatch.setattr(build_module, "html_to_pdf", broken)
    bad = build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False, notebook=PROBE,
                        formats="html,pdf", force=True)  # forced: nothing changed, it would be up to date
    assert not bad.ok and bad.stale == ["beijing"]
    assert bad.failed["beijing"].startswith("BrowserError: 浏览器未能完成PDF 打印")
    assert {name: (folder / name).read_bytes() for name in before} == before
    saved = json.loads((bad.out_dir / "index.json").read_text(encoding="utf-8"))["regions"]
    assert [(e["status"], e["formats"]) for e in saved] == [("stale", ["html", "pdf"])]
    assert not [p.name for p in bad.out_dir.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]


def test_browser_that_fails_says_why_in_chinese(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    monkeypatch.setenv(BROWSER_ENV, str(_fake_browser(
        tmp_path, "sys.stderr.write('ERROR: cannot open display\\n'); sys.exit(3)")))
    with pytest.raises(BrowserError, match=r"浏览器未能完成截图（退出码 3）：ERROR: cannot open display"):
        screenshot(page, tmp_path / "page.png")
    assert not (tmp_path / "page.png").exists()


def test_index_links_every_format_the_build_knows():
    from casekit.reports.index import FORMAT_FILES

    assert set(FORMAT_FILES) == set(build_module.FORMATS)


def test_cli_build_with_pdf_says_what_each_region_has(tmp_path, monkeypatch, capsys):
    from casekit import cli

    def fake_build(*args, formats=None, **kwargs):
        return build_module.BuildResult(built=["beijing"], failed={}, index_path=tmp_path / "index.html",
                                        out_dir=tmp_path, formats=build_module.parse_formats(formats))

    monkeypatch.setattr("casekit.reports.build_reports", fake_build, raising=False)
    assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet", "--formats", "pdf"]) == 0
    assert "each built region has: report.html, report.pdf" in capsys.readouterr().out


# -- what a client reads is plain Chinese -----------------------------------------------------------
@pytest.fixture(scope="module")
def allowed():
    """The sample's product and brand names (the only Latin words a client page may hold)."""
    from casekit.intake import load_bundle
    from casekit.reports.client_text import allowed_words_for

    return allowed_words_for(load_bundle(SAMPLE_BUNDLE))


@pytest.mark.parametrize("region", SAMPLE_REGIONS)
def test_every_format_of_every_region_passes_the_client_text_check(built_all, allowed, region):
    from casekit.reports.client_text import client_text_problems, html_visible_text

    folder = built_all.out_dir / region
    page = html_visible_text((folder / "report.html").read_text(encoding="utf-8"))
    body, _, appendix = page.partition("\n附录")
    assert appendix, "the report has an appendix"
    assert client_text_problems(body, allowed_words=allowed) == []
    assert client_text_problems("附录" + appendix, allowed_words=allowed, appendix=True) == []
    word = _package_text(folder / "report.docx", squash=False)
    word_body, heading, word_appendix = word.rpartition("附录：方法说明与术语表")  # the last is the chapter
    assert heading
    assert client_text_problems(word_body, allowed_words=allowed) == []
    assert client_text_problems(heading + word_appendix, allowed_words=allowed, appendix=True) == []
    slides = _package_text(folder / "slides.pptx", squash=False)  # the deck has no appendix: no analyst term at all
    assert client_text_problems(slides, allowed_words=allowed) == []


def test_the_programme_page_passes_the_client_text_check(built_all, allowed):
    from casekit.reports.client_text import client_text_problems, html_visible_text

    page = html_visible_text(built_all.index_path.read_text(encoding="utf-8"))
    assert "调研项目总览" in page
    assert client_text_problems(page, allowed_words=allowed) == []


def test_chrome_and_edge_are_looked_for_where_windows_and_macos_install_them():
    from casekit.reports.pdf import installed_browser_paths

    places = installed_browser_paths({"ProgramFiles": "C:\\Program Files", "ProgramFiles(x86)": "C:\\Program Files (x86)",
                                      "LOCALAPPDATA": "C:\\Users\\张三\\AppData\\Local"})
    assert places[0] == "C:/Program Files/Google/Chrome/Application/chrome.exe"
    assert "C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe" in places
    assert "C:/Users/张三/AppData/Local/Google/Chrome/Application/chrome.exe" in places
    assert "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" in places
    # a place whose variable is not set is not guessed
    assert not any("%" in p or "Program Files" in p for p in installed_browser_paths({}))
