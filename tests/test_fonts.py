"""CJK font for matplotlib: Chinese chart text must render with real glyphs, never boxes."""

import io
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from casekit.reports import CJKFontNotFoundError, ensure_cjk_font, fonts

CHINESE = "政企客户经理：各维度平均得分与全部地区对比 −0.25"


@pytest.fixture
def fresh_font_search():
    """Forget the cached font search before and after the test; restore rcParams."""
    fonts.find_cjk_font.cache_clear()
    with matplotlib.rc_context():
        yield
    fonts.find_cjk_font.cache_clear()


def _render(text: str) -> Figure:
    fig = Figure(figsize=(4, 2))
    ax = fig.subplots()
    ax.set_title(text)
    ax.set_xlabel("维度")
    ax.bar(["产品", "沟通"], [3.2, -0.4])
    fig.savefig(io.BytesIO(), format="png")
    return fig


def test_chinese_text_renders_without_missing_glyphs(fresh_font_search):
    family = ensure_cjk_font()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph 25919 (\N{...}) missing from font(s) ..." would raise
        fig = _render(CHINESE)
    title = fig.axes[0].title
    resolved = Path(font_manager.findfont(title.get_fontproperties(), fallback_to_default=False))
    assert resolved == fonts.find_cjk_font().path
    assert family == fonts.find_cjk_font().family
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_missing_glyph_detection_works(fresh_font_search):
    """Guard for the test above: without the CJK font, matplotlib does warn about glyphs."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    with pytest.warns(UserWarning, match=r"Glyph \d+ .* missing from font"):
        _render(CHINESE)


def test_ensure_cjk_font_is_idempotent(fresh_font_search):
    first = ensure_cjk_font()
    assert ensure_cjk_font() == first
    assert matplotlib.rcParams["font.sans-serif"].count(first) == 1


def test_no_cjk_font_names_the_package_to_install(fresh_font_search, monkeypatch):
    monkeypatch.delenv(fonts.CJK_FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "COMMON_FONT_FILES", ())
    monkeypatch.setattr(fonts, "PREFERRED_FAMILIES", ("No Such CJK Font",))
    with pytest.raises(CJKFontNotFoundError, match=r"No CJK font found.*fonts-wqy-microhei"):
        ensure_cjk_font()


def test_font_override_must_be_a_file(fresh_font_search, monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.CJK_FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(CJKFontNotFoundError, match=r"CASEKIT_CJK_FONT names .*missing\.ttf"):
        ensure_cjk_font()


def test_font_override_is_used(fresh_font_search, monkeypatch):
    path = fonts.find_cjk_font().path
    fonts.find_cjk_font.cache_clear()
    monkeypatch.setenv(fonts.CJK_FONT_ENV, str(path))
    ensure_cjk_font()
    assert fonts.find_cjk_font().path == path


def test_windows_fonts_are_looked_for_where_windows_keeps_them():
    """微软雅黑, 等线 and 黑体 in the system's Fonts folder (wherever Windows is installed) and in the
    user's own fonts folder."""
    from casekit.reports.fonts import windows_font_files

    assert windows_font_files({}) == ["C:\\Windows\\Fonts\\msyh.ttc", "C:\\Windows\\Fonts\\Deng.ttf",
                                      "C:\\Windows\\Fonts\\simhei.ttf"]
    found = windows_font_files({"WINDIR": "D:\\WINNT", "LOCALAPPDATA": "C:\\Users\\张三\\AppData\\Local"})
    assert found[0] == "D:\\WINNT\\Fonts\\msyh.ttc"
    assert "C:\\Users\\张三\\AppData\\Local\\Microsoft\\Windows\\Fonts\\Deng.ttf" in found
