"""What a client opens renders in Chinese: toolbox workbook and document converted to PDF.

Word, WPS and Excel are not available here; LibreOffice is the stand-in: each file is converted
to PDF headless, and the PDF's text and fonts are read back (``pdftotext``, ``pdffonts``). A
missing glyph shows up as lost text; a file without East Asian fonts set would fall back to a
Latin font. Needs ``soffice`` and poppler (Debian: ``apt-get install libreoffice-writer-nogui
libreoffice-calc-nogui poppler-utils``); without them the tests are skipped, saying so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from casekit.authoring.toolbox import build_toolbox, write_toolbox_docx, write_toolbox_xlsx
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE

TOOLS = ("soffice", "pdftotext", "pdffonts")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="rendering check needs LibreOffice (soffice) and poppler (pdftotext, pdffonts)",
)
CJK_FONTS = ("WenQuanYi", "Noto", "SourceHan", "Source Han", "Droid", "SimSun", "SimHei", "AR PL")


def render(path: Path, out: Path) -> tuple[str, str]:
    """Convert ``path`` to PDF with LibreOffice; return the PDF's text and its font list."""
    profile = out / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=240)
    pdf = out / f"{path.stem}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return text, fonts


@pytest.fixture(scope="module")
def toolbox_files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("toolbox")
    toolbox = build_toolbox(load_bundle(SAMPLE_BUNDLE), "nanning")
    return {"xlsx": write_toolbox_xlsx(toolbox, out / "nanning.xlsx"),
            "docx": write_toolbox_docx(toolbox, out / "nanning.docx")}


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_toolbox_renders_its_chinese_text_with_a_cjk_font(toolbox_files, kind, tmp_path):
    text, fonts = render(toolbox_files[kind], tmp_path)
    squeezed = "".join(text.split())
    for expected in ("南宁", "视频看店", "产品×客户需求", "客户管理表"):
        assert expected in squeezed, expected
    assert "\ufffd" not in text
    assert any(name in fonts for name in CJK_FONTS), fonts
