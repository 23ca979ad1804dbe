"""The per-bundle index page."""

import json
import re

from casekit.reports.index import RegionEntry, load_entries, write_index


def _entries():
    return [
        RegionEntry("beijing", "北京", "ok", built_at="2024-05-01 10:00"),
        RegionEntry("hebei", "河北", "stale", built_at="2024-04-01 09:00", error="ValueError: <bad>"),
        RegionEntry("tianjin", "天津", "failed", error="RuntimeError: boom"),
    ]


def test_index_links_reports_and_marks_failures(tmp_path):
    for rid in ("beijing", "hebei"):
        (tmp_path / rid).mkdir()
        (tmp_path / rid / "report.html").write_text("<html></html>", encoding="utf-8")
    path = write_index(tmp_path, _entries(), client="华北网通（样例）", engagement="调研", period="2008-08", bundle="sample")
    html = path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert 'href="beijing/report.html"' in html
    assert 'href="hebei/report.html"' in html and "已过期" in html
    assert 'href="tianjin/report.html"' not in html and "生成失败" in html
    assert "http://" not in html and "https://" not in html
    assert json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))["bundle"] == "sample"
    assert set(load_entries(tmp_path)) == {"beijing", "hebei", "tianjin"}


def test_entries_of_deleted_reports_are_dropped(tmp_path):
    write_index(tmp_path, _entries(), client="样例")
    # No report folders exist: only the failed entry (which has no report) survives.
    assert list(load_entries(tmp_path)) == ["tianjin"]


def test_no_or_broken_index_gives_no_entries(tmp_path):
    assert load_entries(tmp_path) == {}
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    assert load_entries(tmp_path) == {}


def test_index_shows_no_error_text_only_a_chinese_hint(tmp_path):
    """The page is for the client: errors (English, local paths, data) stay in index.json."""
    entries = [
        RegionEntry("hebei", "河北", "stale", built_at="2024-04-01 09:00",
                    error="KeyError: '/home/consultant/research_data/x.csv' value 4.2"),
        RegionEntry("tianjin", "天津", "failed", error="RuntimeError: boom"),
    ]
    (tmp_path / "hebei").mkdir()
    (tmp_path / "hebei" / "report.html").write_text("<html></html>", encoding="utf-8")
    html = write_index(tmp_path, entries, client="样例").read_text(encoding="utf-8")
    for leaked in ("KeyError", "/home/consultant", "4.2", "RuntimeError", "boom", "原因"):
        assert leaked not in html, leaked
    assert html.count("请查看构建日志") == 2
    assert "已过期，显示上次报告" in html and "生成失败，暂无报告" in html
    saved = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert [e["error"] for e in saved["regions"]] == [entries[0].error, "RuntimeError: boom"]


def test_index_page_of_fresh_reports_does_not_depend_on_build_time(tmp_path):
    (tmp_path / "beijing").mkdir()
    (tmp_path / "beijing" / "report.html").write_text("<html></html>", encoding="utf-8")
    first = write_index(tmp_path, [RegionEntry("beijing", "北京", "ok", built_at="2024-05-01 10:00")], client="样例")
    before = first.read_bytes()
    again = write_index(tmp_path, [RegionEntry("beijing", "北京", "ok", built_at="2031-12-31 23:59")], client="样例")
    assert again.read_bytes() == before


def test_index_shows_manifest_markup_as_text_and_forbids_scripts(tmp_path):
    from html.parser import HTMLParser

    from casekit.reports.safe_html import CONTENT_SECURITY_POLICY, active_content

    hostile = "<img src=x onerror=alert(1)>"
    entries = [RegionEntry("beijing", f"北京<details open ontoggle=alert(1)>", "failed")]
    path = write_index(tmp_path, entries, client=f"华北{hostile}", engagement="<script>alert(1)</script>",
                       period='"><svg onload=alert(1)>', bundle="sample")
    html = path.read_text(encoding="utf-8")
    assert active_content(html) == []
    assert not re.search(r"<(script|img|svg|details)\b", html)

    class Reader(HTMLParser):
        text, csp = [], []

        def handle_starttag(self, tag, attrs):
            if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
                self.csp.append(dict(attrs)["content"])

        def handle_data(self, data):
            self.text.append(data)

    reader = Reader()
    reader.feed(html)
    shown = "".join(reader.text)
    assert f"华北{hostile} · 区域调研报告" in shown and "<script>alert(1)</script>" in shown
    assert "北京<details open ontoggle=alert(1)>" in shown
    assert reader.csp == [CONTENT_SECURITY_POLICY]


def test_build_writes_the_programme_view_computed_once(tmp_path, monkeypatch):
    """``casekit build`` computes the overview once and every index it writes carries it."""
    from casekit.paths import SAMPLE_BUNDLE
    from casekit.reports import build as build_module
    from casekit.reports import programme
    from casekit.reports.execute import WarmKernel

    def refuse(self):
        raise AssertionError("a kernel was started")

    def fake_region(notebook, parameters, title, final, kernel, **_):
        final.mkdir()
        (final / "report.html").write_text("<html></html>", encoding="utf-8")

    calls = []
    real = programme.programme_overview

    def counted(bundle, **kwargs):
        calls.append(bundle.manifest.bundle)
        return real(bundle, **kwargs)

    monkeypatch.setattr(WarmKernel, "start", refuse)
    monkeypatch.setattr(build_module, "_build_region", fake_region)
    monkeypatch.setattr(programme, "programme_overview", counted)
    seen = []
    write = build_module.write_index

    def recording(*args, **kwargs):
        seen.append(kwargs.get("overview"))
        return write(*args, **kwargs)

    monkeypatch.setattr(build_module, "write_index", recording)
    result = build_module.build_reports(SAMPLE_BUNDLE, regions=["beijing", "hebei"], out=tmp_path, progress=False)
    assert result.ok
    assert calls == ["sample"] and len(seen) == 2 and seen[0] is seen[1] is not None
    html = result.index_path.read_text(encoding="utf-8")
    assert "调研项目总览" in html and "各地区在各能力维度上的平均分" in html
    assert 'href="beijing/report.html"' in html and 'href="hebei/report.html"' in html
    # Regions not built yet are in the overview, without a link.
    assert 'id="overview-tianjin"' in html and 'href="tianjin/report.html"' not in html


def test_index_without_overview_is_the_list_of_reports(tmp_path):
    html = write_index(tmp_path, _entries(), client="样例").read_text(encoding="utf-8")
    assert "区域调研报告" in html and "调研项目总览" not in html and "平均分" not in html
