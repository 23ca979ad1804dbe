"""Executed notebook → offline HTML page with the code hidden."""

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from casekit.reports.export import external_urls, notebook_to_html

PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# 北京地区培训需求调研报告\n\n见 [官网](https://example.com)。"),
            new_code_cell(
                "secret_code = 42\nsecret_code",
                execution_count=1,
                outputs=[
                    new_output("execute_result", {"text/plain": "42"}, execution_count=1),
                    new_output("display_data", {"image/png": PNG_1PX, "text/plain": "<Figure>"}),
                ],
            ),
        ]
    )


def test_page_hides_code_and_opens_offline():
    html = notebook_to_html(_notebook(), title="北京 · 区域调研报告")
    assert '<html lang="zh-CN">' in html
    assert "<title>北京 · 区域调研报告</title>" in html
    assert "secret_code" not in html
    assert not re.search(r'class="[^"]*jp-InputArea-editor', html)
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert re.search(r"<h1[^>]*>北京地区培训需求调研报告", html)
    assert f"data:image/png;base64,{PNG_1PX}" in html
    assert external_urls(html) == []
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "require.min.js" not in html and "MathJax" not in html


def test_title_does_not_modify_the_notebook():
    nb = _notebook()
    notebook_to_html(nb, title="北京")
    assert "title" not in nb.metadata


def test_external_urls_finds_loaded_resources_only():
    html = (
        '<script src="https://cdn.example/require.js"></script>'
        "<link rel=stylesheet href='//fonts.example/css'>"
        '<img src="data:image/png;base64,AAAA">'
        '<a href="https://example.com">链接</a>'
        "<style>@import 'http://x.example/a.css'; .a { background: url(img/local.png) }</style>"
    )
    assert external_urls(html) == [
        "https://cdn.example/require.js",
        "//fonts.example/css",
        "http://x.example/a.css",
    ]


def test_roundtrip_through_file(tmp_path):
    from casekit.reports.export import write_html

    path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(), str(path))
    out = write_html(path, tmp_path / "report.html")
    assert "北京地区培训需求调研报告" in out.read_text(encoding="utf-8")


def _hostile_notebook():
    payload = '<img src=x onerror=alert(1)><details open ontoggle=alert(1)>x</details><iframe srcdoc="<script>alert(1)</script>"></iframe>'
    return new_notebook(
        cells=[
            new_markdown_cell(f"# 报告\n\n{payload}\n\n[点我](javascript:alert(1))"),
            new_code_cell(
                "x",
                execution_count=1,
                outputs=[
                    new_output("display_data", {"text/markdown": f"**客户：** {payload}<svg onload=alert(1)>"}),
                    new_output("display_data", {"text/html": f"<table><tr><td>{payload}</td></tr></table><script>alert(1)</script>"}),
                    new_output("display_data", {"application/javascript": "alert(1)", "text/plain": "js"}),
                    new_output("display_data", {"text/vnd.mermaid": "graph TD; A-->B</pre><script>alert(1)</script>"}),
                ],
            ),
        ]
    )


def test_markup_in_outputs_is_sanitised_and_the_page_forbids_scripts():
    """Defence in depth: a section that forgot to escape its values still shows no live markup."""
    from casekit.reports.safe_html import CONTENT_SECURITY_POLICY, active_content

    html = notebook_to_html(_hostile_notebook(), title="<script>alert(1)</script>")
    assert active_content(html) == []
    assert not re.search(r"<(script|iframe|details|svg)\b|\son\w+=|javascript:", html, re.IGNORECASE)
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<table><tr><td>x</td></tr></table>" in html  # the table is kept, the image of no source not
    assert "<h1>报告</h1>" in html and "<p><a>点我</a></p>" in html
    tags = re.findall(r'<meta\b[^>]*\bhttp-equiv="Content-Security-Policy"[^>]*>', html)
    meta = [re.search(r'\bcontent="([^"]*)"', tag).group(1) for tag in tags]
    assert [m.replace("&#x27;", "'").replace("&#39;", "'") for m in meta] == [CONTENT_SECURITY_POLICY]
    assert html.index("Content-Security-Policy") < html.index("<style")  # before what it governs


def test_a_page_that_would_still_run_something_is_refused(monkeypatch):
    import pytest

    from casekit.exceptions import ExportError
    from casekit.reports import export

    monkeypatch.setattr(export, "active_content", lambda html: ["<script> element"])
    with pytest.raises(ExportError, match=r"the HTML page of '北京' would run or load content: <script> element"):
        notebook_to_html(_notebook(), title="北京")


def test_external_urls_ignores_css_quoted_as_text():
    html = "<p>@import 'http://evil.example/x.css' url(http://evil.example/y)</p><p style=\"background:url('//cdn.example/z')\">x</p>"
    assert external_urls(html) == ["//cdn.example/z"]


def test_image_size_metadata_cannot_add_attributes():
    nb = _notebook()
    nb.cells[1].outputs[1].metadata = {"image/png": {"width": "1 onerror=alert(1)"}}
    html = notebook_to_html(nb)
    assert 'width="1 onerror=alert(1)"' in html and " onerror=alert" not in html.replace('width="1 onerror', "")
