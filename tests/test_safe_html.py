"""Bundle text on its way into a report page: escaped Markdown, sanitised HTML, a page check."""

import pytest
from nbconvert.filters import markdown2html

from casekit.reports.safe_html import (
    CONTENT_SECURITY_POLICY,
    active_content,
    clean_html,
    csp_meta,
    escape_markdown,
    markdown,
    markdown_list,
    markdown_text,
)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<script>alert(1)</script>",
    "[点我](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "<http://evil.example/>",
    "见 http://evil.example/x",
    "北京\n\n<script>alert(1)</script>",
    "&lt;script&gt;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_renders_as_the_text_written(text):
    rendered = markdown2html(markdown_text("**客户：** {client}", client=text))
    assert active_content(rendered) == []
    assert "<a " not in rendered and "<img" not in rendered
    # What a reader sees is the value as written (line breaks become a space).
    from html import unescape
    from re import sub

    shown = unescape(sub(r"<[^>]+>", "", rendered)).strip()
    assert shown == "客户： " + " ".join(text.split("\n\n"))


def test_markdown_text_keeps_the_template_and_format_specs():
    assert markdown_text("### {}：{share:.0%}，{days:g} 天", "<b>", share=0.25, days=2.0) == "### &lt;b&gt;：25%，2 天"
    assert markdown("# {name}", name="*北京*").data == "# \\*北京\\*"
    assert markdown_list(["a", "<b>"]).data == "- a\n- &lt;b&gt;"
    assert markdown_list([]) is None
    assert escape_markdown("1|2 $x$ _y_ `z` #") == "1\\|2 \\$x\\$ \\_y\\_ \\`z\\` \\#"


def test_clean_html_keeps_tables_headings_and_embedded_images():
    html = (
        '<div class="x"><h2 id="h">标题</h2><table border="1" class="dataframe"><thead>'
        '<tr style="text-align: right;"><th>地区</th></tr></thead><tbody><tr><td colspan="2">北京</td></tr>'
        '</tbody></table><img src="data:image/png;base64,AAAA" alt="图表"><a href="#h">上文</a>'
        "<style>.dataframe th { vertical-align: top; }</style></div>"
    )
    assert clean_html(html) == html


@pytest.mark.parametrize(
    "fragment, kept",
    [
        ("<img src=x onerror=alert(1)>文字", "文字"),
        ("<details open ontoggle=alert(1)>细节</details>", "细节"),
        ("<svg onload=alert(1)><text>图</text></svg>后", "后"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>后', "后"),
        ("<script>alert(1)</script>后", "后"),
        ('<a href=" java\tscript:alert(1)">链接</a>', "<a>链接</a>"),
        ('<a href="data:text/html,x">链接</a>', "<a>链接</a>"),
        ('<img src="http://evil.example/x.png">后', "后"),
        ("<object data=http://evil.example/x></object>后", "后"),
        ("<style>@import 'http://evil.example/x.css';</style>后", "后"),
        ('<p style="background: url(http://evil.example/x)">段</p>', "<p>段</p>"),
        ("<p>a<!-- <script>alert(1)</script> -->b</p>", "<p>ab</p>"),
        ("<form action=http://evil.example><input name=x></form>后", "后"),
        ("<embed src=http://evil.example/x>后", "后"),
        ("<p>1 &lt; 2 &amp; <b>3</b></p>", "<p>1 &lt; 2 &amp; <b>3</b></p>"),
    ],
)
def test_clean_html_drops_what_runs_or_loads(fragment, kept):
    cleaned = clean_html(fragment)
    assert cleaned == kept
    assert active_content(cleaned) == []


def test_active_content_names_each_finding():
    page = (
        '<script src="a.js"></script><img src="https://cdn.example/x.png" onerror="x()">'
        '<a href="javascript:alert(1)">x</a><iframe></iframe><meta http-equiv="refresh" content="0;url=x">'
    )
    assert active_content(page) == [
        "<script> element",
        "<img src=https://cdn.example/x.png> remote load",
        "<img onerror=…> event handler",
        "<a href=javascript:alert(1)…> script URL",
        "<iframe> element",
        "<meta http-equiv=refresh>",
    ]


def test_policy_forbids_scripts_and_remote_loads():
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY  # falls back to default-src 'none'
    assert "img-src data:;" in CONTENT_SECURITY_POLICY
    # the whole policy, attribute-escaped, and nothing else in the element
    assert csp_meta() == (
        '<meta http-equiv="Content-Security-Policy" content="'
        + CONTENT_SECURITY_POLICY.replace("'", "&#x27;")
        + '">'
    )


def test_markdown_document_keeps_structure_and_shows_markup_as_text():
    from casekit.reports.safe_html import markdown_document_text

    note = "## 背景\n- 客户说 <img src=x onerror=alert(1)>\n[点这里](javascript:alert(1)) ![图](http://evil/x.png) A&B"
    shown = markdown_document_text(note)
    assert shown.startswith("## 背景\n- 客户说 ")
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)>" in shown
    assert "](javascript:" not in shown and "](http:" not in shown
    assert "A&amp;B" in shown


def test_direction_overrides_and_control_characters_never_reach_a_page():
    """A client name ending in U+202E turned the rest of the report's header line backwards."""
    from casekit.reports.safe_html import escape_html, escape_markdown, markdown_text

    hostile = "华北网通\u202e\x07\ufffe"
    assert escape_html(hostile) == "华北网通"
    assert escape_markdown(hostile) == "华北网通"
    assert markdown_text("**客户：** {client}　项目", client=hostile) == "**客户：** 华北网通　项目"
