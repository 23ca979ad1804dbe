"""A bundle with markup in every text field builds reports in which nothing runs or loads.

Issue 10: manifest text (client, engagement, period, region names) reached the region report's
Markdown unescaped, so ``<details open ontoggle=…>``, ``<img onerror=…>`` and the like ran when a
client opened the report. The sample bundle is copied and every free-text field rewritten with
such payloads (ids stay ids, so the bundle stays valid); the built pages are read with an HTML
parser.
"""

from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from casekit.paths import SAMPLE_BUNDLE
from casekit.reports.safe_html import CONTENT_SECURITY_POLICY

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">点我</a>',
    "[点我](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "<object data=http://evil.example/x></object>",
    "<style>@import 'http://evil.example/x.css'</style>",
    "<!--",
]
FREE_TEXT_COLUMNS = {
    "ride_alongs.csv": ["purpose", "observer_notes"],
    "catalogue": ["local_name", "package", "price", "technical_description", "customer_value"],
}


def _hostile(text: str, i: int) -> str:
    return f"{text}{PAYLOADS[i % len(PAYLOADS)]}"


def _rewrite_csv(path: Path, rewrite) -> None:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0])
    for i, row in enumerate(rows):
        rewrite(i, row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def hostile_bundle(root: Path) -> dict[str, str]:
    """Copy the sample into ``root/sample`` with a payload in every free-text field.

    Region names in the data files become ids, so that the names in the manifest can carry
    payloads. Returns the manifest's new texts (what the pages must show as text).
    """
    bundle = root / "sample"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    manifest_path = bundle / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    name_to_id: dict[str, str] = {}
    counter = iter(range(1000))
    shown: dict[str, str] = {}
    for region in manifest["regions"]:
        for r in [region, *region.get("cities", [])]:
            name_to_id[r["name"]] = r["id"]
            r["name"] = _hostile(r["name"], next(counter))
            shown[r["id"]] = r["name"]
            if "client" in r:  # a region's own client (Manifest.client_of) is bundle text too
                r["client"] = _hostile(r["client"], next(counter))
                shown[f"client:{r['id']}"] = r["client"]
    for key in ("client", "engagement", "period"):
        manifest[key] = _hostile(manifest[key], next(counter))
        shown[key] = manifest[key]
    manifest_path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def region_id(text: str) -> str:
        stripped = text.strip()
        return name_to_id.get(stripped, name_to_id.get(stripped.removesuffix("市"), stripped))

    def survey_row(i, row):
        row["所在地区"] = region_id(row["所在地区"])

    for path in sorted(bundle.glob("**/survey/*.csv")):  # the baseline's and every follow-up wave's
        _rewrite_csv(path, survey_row)

    local_names: dict[str, str] = {}

    def catalogue_row(i, row):
        for column in FREE_TEXT_COLUMNS["catalogue"]:
            new = _hostile(row[column], i + len(column))
            if column == "local_name":
                local_names[row[column]] = new
            row[column] = new

    for path in sorted((bundle / "catalogue").glob("*.csv")):
        _rewrite_csv(path, catalogue_row)

    def ride_along_row(i, row):
        row["region"] = region_id(row["region"])
        for column in FREE_TEXT_COLUMNS["ride_alongs.csv"]:
            row[column] = _hostile(row[column], i + len(column))
        row["products"] = ";".join(local_names.get(p, p) for p in row["products"].split(";"))

    for path in [bundle / "ride_alongs.csv", *sorted(bundle.glob("followup/*/ride_alongs.csv"))]:
        _rewrite_csv(path, ride_along_row)

    for k, path in enumerate(sorted((bundle / "notes").glob("*.md"))):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        front = re.sub(r"^region: *(.+)$", lambda m: f"region: {region_id(m.group(1))}", front, flags=re.M)
        lines = [_hostile(line, k + j) if line.strip() else line for j, line in enumerate(body.split("\n"))]
        path.write_text(f"---\n{front}---\n" + "\n".join(lines), encoding="utf-8")
    return shown


# -- reading the pages -----------------------------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "srcset", "data", "action", "formaction", "poster", "background"}
_NO_CONTENT = {"script", "style", "title"}


class PageReader(HTMLParser):
    """Everything of a page that could run or load, its CSP and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.csp: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in _NO_CONTENT:
            self._skip += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in _URL_ATTRIBUTES:
                self.urls.append((tag, name, re.sub(r"[\x00-\x20]", "", value or "")))
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(dict(attrs).get("content", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _NO_CONTENT:
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in _NO_CONTENT:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def assert_nothing_runs_or_loads(html: str, where: str) -> PageReader:
    page = read_page(html)
    live = {"script", "iframe", "frame", "object", "embed", "applet", "svg", "math", "details", "base", "form"}
    assert not live & set(page.tags), f"{where}: live elements {sorted(live & set(page.tags))}"
    assert page.handlers == [], f"{where}: event handlers {page.handlers}"
    for tag, name, url in page.urls:
        assert not re.match(r"(?i)(javascript|vbscript|data:text)", url), f"{where}: <{tag} {name}={url}>"
        if tag == "img":
            assert url.startswith("data:image/"), f"{where}: image loaded from {url}"
        if tag == "a":
            assert "evil" not in url, f"{where}: link from bundle text {url}"
        if tag == "link":
            pytest.fail(f"{where}: <link {name}={url}>")
    assert "evil.example" not in "".join(u for _, _, u in page.urls)
    return page


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    from casekit.reports import build_reports

    root = tmp_path_factory.mktemp("hostile")
    shown = hostile_bundle(root)
    # hebei: a province with cities, notes, quotes, 360° and ride-alongs; tianjin: a second page.
    result = build_reports(root / "sample", regions=["hebei", "tianjin"], out=root / "reports", progress=False)
    assert result.ok, result.failed
    return result, shown


def test_no_page_built_from_a_hostile_bundle_runs_or_loads_anything(hostile_build):
    result, shown = hostile_build
    pages = sorted(result.out_dir.glob("*/report.html")) + [result.index_path]
    assert len(pages) == 3
    for path in pages:
        html = path.read_text(encoding="utf-8")
        page = assert_nothing_runs_or_loads(html, path.name)
        assert page.csp == [CONTENT_SECURITY_POLICY], f"{path}: Content-Security-Policy {page.csp}"
        # The markup is shown as the text it is.
        # a region's report names the region's own client (Manifest.client_of), the index the bundle's
        region = path.parent.name if path.name == "report.html" else None
        client = shown.get(f"client:{region}", shown["client"]) if region else shown["client"]
        for text in (client, shown["engagement"], shown["period"]):
            assert text in page.visible_text, f"{path}: {text!r} not shown as text"
    hebei = read_page((result.out_dir / "hebei" / "report.html").read_text(encoding="utf-8")).visible_text
    assert f"{shown['hebei']}地区培训需求调研报告" in hebei
    assert "<iframe srcdoc=" in hebei or "<img src=x onerror=alert(1)>" in hebei
    index = read_page(result.index_path.read_text(encoding="utf-8")).visible_text
    assert shown["hebei"] in index and shown["tianjin"] in index


def test_report_notebook_escapes_bundle_text_before_any_sanitising(hostile_build):
    """The root: the executed notebook's own Markdown and HTML outputs hold no live markup."""
    from nbconvert.filters import markdown2html

    result, _ = hostile_build
    for notebook in sorted(result.out_dir.glob("*/report.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/markdown" in data:
                    assert_nothing_runs_or_loads(markdown2html(data["text/markdown"]), notebook.parent.name)
                if "text/html" in data:
                    assert_nothing_runs_or_loads(data["text/html"], notebook.parent.name)
