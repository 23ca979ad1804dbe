"""``build_reports``: per-region reports, offline HTML, the index, failures and atomicity.

The end-to-end build runs the real report notebook for two regions of the sample bundle, once
(module-scoped). Failure handling uses the tiny probe notebook of ``fixtures/notebooks``.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from casekit.exceptions import BuildError, RegionError
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build_reports
from casekit.reports.export import external_urls

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE_BUNDLE)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real report notebook built for Beijing and Hebei (the latter asked by name)."""
    out = tmp_path_factory.mktemp("reports")
    result = build_reports(SAMPLE_BUNDLE, regions=["beijing", "河北"], out=out, progress=False)
    return result, out


# -- the real report, end to end ----------------------------------------------------------------
def test_build_publishes_both_regions(built):
    result, out = built
    assert result.ok, result.failed
    assert result.built == ["beijing", "hebei"]
    assert result.failed == {}
    assert result.out_dir == out.resolve() / "sample"
    assert result.kernel_starts == 1
    for region in ("beijing", "hebei"):
        assert (result.out_dir / region / "report.ipynb").is_file()
        assert (result.out_dir / region / "report.html").is_file()
    assert not [p.name for p in result.out_dir.iterdir() if p.name.startswith(".")]


def test_index_links_every_region_built(built):
    result, _ = built
    assert result.index_path == result.out_dir / "index.html"
    html = result.index_path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert 'href="beijing/report.html"' in html and 'href="hebei/report.html"' in html
    assert "北京" in html and "河北" in html
    assert external_urls(html) == []


@pytest.mark.parametrize("region, name", [("beijing", "北京"), ("hebei", "河北")])
def test_report_html_is_chinese_codeless_and_offline(built, region, name):
    result, _ = built
    html = (result.out_dir / region / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert re.search(rf"<h1[^>]*>{name}地区培训需求调研报告", html)
    for heading in ("一、调研对象", "二、各维度得分与其他地区对比", "三、最薄弱的维度", "四、课程大纲建议"):
        assert re.search(rf"<h2[^>]*>{heading}", html), heading
    # no code: no editor areas, none of the notebook's source
    assert not re.search(r'class="[^"]*jp-InputArea-editor', html)
    assert "compare_region" not in html and "load_bundle" not in html
    # opens offline: nothing loaded from another host; the chart is embedded
    assert external_urls(html) == []
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']?(https?:)?//", html, re.I)
    assert "data:image/png;base64," in html


def test_same_inputs_give_byte_identical_reports_and_index(built, tmp_path):
    """Reproducible: rebuilding Beijing from the same bundle gives the same bytes."""
    result, _ = built
    again = build_reports(SAMPLE_BUNDLE, regions=["beijing"], out=tmp_path, progress=False)
    assert again.ok
    first, second = result.out_dir / "beijing", again.out_dir / "beijing"
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()
    # the index of a one-region build differs in content, but not by when it was built
    index = again.index_path.read_text(encoding="utf-8")
    assert not re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", index)


def test_reports_identify_no_individual(built, sample):
    result, _ = built
    ids = set(sample.respondents["respondent_id"]) | set(sample.reviews_360["manager_id"])
    for region in ("beijing", "hebei"):
        text = (result.out_dir / region / "report.html").read_text(encoding="utf-8")
        assert not ids & set(re.findall(r"[A-Za-z0-9_-]+", text))


def test_executed_notebook_has_no_errors(built):
    result, _ = built
    nb = nbformat.read(str(result.out_dir / "hebei" / "report.ipynb"), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]


# -- failures, atomicity, regions ---------------------------------------------------------------
@pytest.fixture(scope="module")
def probe_builds(tmp_path_factory, sample):
    """Probe builds into one folder: all good, then the second region failing, then dying."""
    out = tmp_path_factory.mktemp("probe")
    first, second, third = sample.manifest.top_level_ids()[:3]
    regions = [first, second, third]
    good = build_reports(SAMPLE_BUNDLE, regions=regions, out=out, progress=False, notebook=PROBE)
    before = (good.out_dir / second / "report.html").read_bytes()
    bad = build_reports(
        SAMPLE_BUNDLE, regions=regions, out=out, progress=False, notebook=PROBE,
        parameters={"die_region": second, "fail_region": third},
    )
    return regions, good, bad, before


def test_failing_region_is_named_and_others_published(probe_builds):
    (first, second, third), good, bad, _ = probe_builds
    assert good.ok and good.built == [first, second, third]
    assert not bad.ok
    assert bad.built == [first]
    assert set(bad.failed) == {second, third}
    assert "kernel died" in bad.failed[second]
    assert f"RuntimeError: planned failure for {third}" in bad.failed[third]
    assert bad.kernel_starts == 2  # the dead kernel was replaced for the third region
    with pytest.raises(BuildError, match=rf"2 region report\(s\) failed:\n  - {second}: the kernel died"):
        bad.raise_for_failures()
    good.raise_for_failures()


def test_failed_region_keeps_previous_report_marked_stale(probe_builds):
    (first, second, third), _, bad, before = probe_builds
    assert (bad.out_dir / second / "report.html").read_bytes() == before
    assert sorted(bad.stale) == sorted([second, third])
    index = bad.index_path.read_text(encoding="utf-8")
    row = re.search(rf'<tr class="(\w+)" id="region-{second}">', index)
    assert row and row.group(1) == "stale"
    assert "已过期" in index and f'href="{second}/report.html"' in index
    assert not [p.name for p in bad.out_dir.iterdir() if p.name.startswith(".")]


def test_failed_region_without_previous_report_publishes_nothing(tmp_path, sample):
    region = sample.manifest.top_level_ids()[0]
    result = build_reports(
        SAMPLE_BUNDLE, regions=[region], out=tmp_path, progress=False, notebook=PROBE,
        parameters={"fail_region": region}, reuse_kernel=False,
    )
    assert result.built == [] and list(result.failed) == [region]
    assert not (result.out_dir / region).exists()
    assert sorted(p.name for p in result.out_dir.iterdir()) == ["index.html", "index.json"]
    index = result.index_path.read_text(encoding="utf-8")
    assert "生成失败" in index and f'href="{region}/report.html"' not in index


def test_unknown_region_lists_known_ids(tmp_path):
    with pytest.raises(RegionError, match=r"unknown regions 'atlantis', '火星'; known region ids: beijing \(北京\)"):
        build_reports(SAMPLE_BUNDLE, regions=["beijing", "atlantis", "火星"], out=tmp_path, progress=False)
    assert not (tmp_path / "sample").exists()


def test_region_names_and_ids_resolve(sample):
    from casekit.reports import resolve_regions

    manifest = sample.manifest
    assert resolve_regions(manifest, None) == manifest.top_level_ids()
    assert resolve_regions(manifest, ["河北", "hebei", "保定"]) == ["hebei", "baoding"]
    assert resolve_regions(manifest, "beijing,天津") == ["beijing", "tianjin"]


def test_warm_kernel_report_matches_committed_notebook(built):
    """Beijing built in the reused kernel shows exactly what the committed notebook shows
    (executed in a fresh kernel on its defaults, Beijing): no warm-kernel difference."""
    from casekit.paths import REPORT_NOTEBOOK

    def texts(nb):
        cells = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
        return [
            {k: v for k, v in o.get("data", {"text": o.get("text")}).items() if k.startswith("text")}
            for c in cells
            for o in c.outputs
        ]

    result, _ = built
    warm = nbformat.read(str(result.out_dir / "beijing" / "report.ipynb"), as_version=4)
    committed = nbformat.read(str(REPORT_NOTEBOOK), as_version=4)
    assert texts(warm) == texts(committed)


def test_cli_exit_status(tmp_path, capsys, monkeypatch):
    """`casekit build` exits 1 when a region fails or is unknown (the CLI maps result.ok)."""
    from casekit import cli
    from casekit.reports import build as build_module

    assert cli.main(["build", str(SAMPLE_BUNDLE), "--regions", "atlantis", "--out", str(tmp_path), "--quiet"]) == 1
    assert "atlantis" in capsys.readouterr().err

    def fake_build(*args, **kwargs):
        return build_module.BuildResult(built=["beijing"], failed={"tianjin": "RuntimeError: x"},
                                        index_path=tmp_path / "index.html", out_dir=tmp_path)

    monkeypatch.setattr("casekit.reports.build_reports", fake_build, raising=False)
    assert cli.main(["build", str(SAMPLE_BUNDLE), "--out", str(tmp_path), "--quiet"]) == 1
    assert "tianjin" in capsys.readouterr().err
