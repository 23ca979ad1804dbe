"""The programme view of index.html: the whole engagement on one page."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from casekit.analysis import engagement_findings, respondent_scores
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports.course import course_designs
from casekit.reports.index import RegionEntry, write_index
from casekit.reports.programme import ALL_REGIONS, MARKS, NO_DIFFERENCE, PopulationTable, programme_overview

FOREIGN = Path(__file__).parent / "fixtures" / "bundles" / "foreign"


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE_BUNDLE)


@pytest.fixture(scope="module")
def findings(sample):
    return engagement_findings(sample)


@pytest.fixture(scope="module")
def overview(sample, findings):
    return programme_overview(sample, findings=findings)


def _strings(value):
    """Every string a reader sees inside a (nested) overview dataclass (ids left out)."""
    if isinstance(value, str):
        yield value
    elif is_dataclass(value):
        for f in fields(value):
            if f.name in ("region_id", "tone") or (isinstance(value, PopulationTable) and f.name == "population"):
                continue
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _strings(v)


def test_overview_has_every_region_and_population(sample, findings, overview):
    manifest = sample.manifest
    names = [manifest.name(r) for r in manifest.top_level_ids()]
    assert list(overview.regions) == names
    assert [g.name for g in overview.glances] == names
    answered = [t.label for t in overview.tables]
    assert answered == list(dict.fromkeys(findings.table.loc[findings.table["n"] > 0, "population_label"]))
    for table in overview.tables:
        assert table.columns == (*names, ALL_REGIONS)
        assert all(len(row.cells) == len(names) + 1 for row in table.rows)
        assert table.scale == "1–5 分"
    for glance in overview.glances:
        assert [g.population for g in glance.findings] == answered
        assert len(glance.courses) == len(manifest.audiences)
    people = respondent_scores(sample)["respondent_id"].nunique()
    assert overview.total == str(people)


def test_cells_mark_exactly_the_claimed_findings(sample, findings, overview):
    ids = [*sample.manifest.top_level_ids(), "all"]
    shown = set()
    for table in overview.tables:
        dims = list(dict.fromkeys(findings.table.loc[findings.table["population"] == table.population, "dimension"]))
        for dim, row in zip(dims, table.rows):
            for region, cell in zip(ids, row.cells):
                shown |= {(region, table.population, dim, mark) for mark in cell.marks}
    claimed = findings.claimed()
    expected = {(r, p, d, MARKS[(k, w)]) for r, p, d, k, w in
                zip(claimed["region"], claimed["population"], claimed["dimension"], claimed["kind"],
                    claimed["direction"])}
    assert expected and shown == expected
    # The regional weaknesses, what sets a region apart, are shaded apart from the common gaps.
    regional = {(r, p, d) for r, p, d, m in expected if m == "明显弱于其他地区"}
    assert regional
    for table in overview.tables:
        dims = list(dict.fromkeys(findings.table.loc[findings.table["population"] == table.population, "dimension"]))
        for dim, row in zip(dims, table.rows):
            for region, cell in zip(ids, row.cells):
                assert (cell.tone == "regional") == ((region, table.population, dim) in regional)


def test_region_findings_are_the_claimed_ones_in_order_of_need(sample, findings, overview):
    for glance in overview.glances:
        for group in glance.findings:
            pop = next(t.population for t in overview.tables if t.label == group.population)
            claimed = findings.claimed(glance.region_id, pop)
            if claimed.empty:
                assert group.sentences == (NO_DIFFERENCE,)
                continue
            assert len(group.sentences) == len(claimed)
            labels = dict(zip(claimed["dimension"], claimed["dimension_label"]))
            said = [re.match(r"“(.+?)”", s).group(1) for s in group.sentences]
            need = [labels[d] for d in findings.order(glance.region_id, pop) if d in labels]
            assert list(dict.fromkeys(said)) == need
            assert sum(group.regional) == len(claimed.query("kind == 'vs_other_regions' and direction == 'weaker'"))


def test_courses_give_days_and_stress_modules_lengthened_for_the_region(sample, findings, overview):
    lengthened = 0
    for glance in overview.glances:
        designs = list(course_designs(sample, glance.region_id, findings).values())
        for course, design in zip(glance.courses, designs):
            assert course.audience == design.audience_name
            assert [m.title for m in course.modules] == [m.title for m in design.modules]
            for shown, module in zip(course.modules, design.modules):
                assert shown.lengthened == (module.days > module.base_days)
                assert ("加长" in shown.change) == shown.lengthened
                lengthened += shown.lengthened
    assert lengthened  # the sample has a region-specific weakness that lengthens a module


def test_small_groups_show_no_mean_and_no_exact_count(sample):
    min_n = 7  # the sample's smallest groups (5 and 6 support engineers) fall below it
    overview = programme_overview(sample, min_n=min_n)
    people = respondent_scores(sample)
    counts = people.drop_duplicates(["respondent_id"]).groupby(["population", "top_region_id"]).size()
    tops = list(sample.manifest.top_level_ids())
    small = 0
    for table in overview.tables:
        for i, region in enumerate(tops):
            n = int(counts.get((table.population, region), 0))
            if 0 < n < min_n:
                small += 1
                assert table.counts[i] == f"<{min_n}"
                assert all(row.cells[i].text == "人数不足" and not row.cells[i].marks for row in table.rows)
        # A small region is left out of the pooled column: the row's total is not repeated there.
        if any(c.startswith("<") for c in table.counts[:-1]):
            assert table.counts[-1] == "—"
    assert small
    for label, row in overview.count_rows:
        assert not any(re.fullmatch(r"[1-6]", c) for c in row), (label, row)


def test_overview_is_plain_chinese(overview):
    for text in _strings(overview):
        assert not re.search(r"\d\.\d{3,}", text), text  # no raw float
        assert not re.search(r"[A-Za-z]{2,}|_", text), text  # no English word, no snake_case
        assert "nan" not in text.lower()


def test_page_shows_the_overview_without_script(tmp_path, sample, overview):
    from casekit.reports.safe_html import active_content

    for rid in ("beijing", "hebei"):
        (tmp_path / rid).mkdir()
        (tmp_path / rid / "report.html").write_text("<html></html>", encoding="utf-8")
    entries = [RegionEntry("beijing", "北京", "ok"), RegionEntry("hebei", "河北", "stale", built_at="2024-04-01 09:00")]
    html = write_index(tmp_path, entries, client=sample.manifest.client, overview=overview).read_text(encoding="utf-8")
    assert active_content(html) == []
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "调研项目总览" in html and "明显弱于其他地区" in html and "无明显差异" in html
    for table in overview.tables:
        assert table.label in html
    for glance in overview.glances:
        assert f'id="overview-{glance.region_id}"' in html
    # A region without a report says so instead of linking nowhere.
    assert 'href="tianjin/report.html"' not in html and "报告尚未生成" in html


def test_other_formats_are_linked_when_the_entry_lists_them(tmp_path):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class WithFormats(RegionEntry):
        formats: tuple[str, ...] = ("html",)

    (tmp_path / "beijing").mkdir()
    entry = WithFormats("beijing", "北京", "ok", formats=("html", "docx", "pdf", "pptx"))
    html = write_index(tmp_path, [entry, RegionEntry("hebei", "河北", "failed")], client="样例").read_text(encoding="utf-8")
    for href in ("beijing/report.html", "beijing/report.docx", "beijing/report.pdf", "beijing/slides.pptx"):
        assert f'href="{href}"' in html
    assert 'href="hebei/' not in html


def test_hostile_bundle_text_is_shown_as_text(tmp_path, overview):
    """Region, client, module and population names come from files: shown, never run."""
    from dataclasses import replace

    from casekit.reports.safe_html import active_content

    bad = "<script>alert(1)</script>"
    img = "<img src=x onerror=alert(1)>"
    first = overview.glances[0]
    course = first.courses[0]
    hostile = replace(
        overview, client=f"华北{img}", regions=(f"北京{bad}", *overview.regions[1:]),
        count_columns=(f"北京{bad}", *overview.count_columns[1:]),
        tables=(replace(overview.tables[0], label=f"客户经理{img}",
                        columns=(f"北京{bad}", *overview.tables[0].columns[1:])), *overview.tables[1:]),
        glances=(replace(first, name=f"北京{bad}", courses=(replace(
            course, title=f"课程{img}", modules=(replace(course.modules[0], title=f"模块{bad}"),
                                                 *course.modules[1:])), *first.courses[1:])),
                 *overview.glances[1:]),
    )
    html = write_index(tmp_path, [RegionEntry("beijing", f"北京{bad}", "failed")], client=hostile.client,
                       overview=hostile).read_text(encoding="utf-8")
    assert active_content(html) == []
    assert not re.search(r"<(script|img)\b", html)
    assert html.count("北京&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "华北&lt;img" in html and "客户经理&lt;img" in html and "课程&lt;img" in html and "模块&lt;script" in html


def test_foreign_bundle_scales_and_small_regions(tmp_path):
    bundle = load_bundle(FOREIGN)
    overview = programme_overview(bundle)
    scales = {t.label: t.scale for t in overview.tables}
    assert scales == {"政企客户经理": "1–6 分", "支撑人员": "0–10 分"}  # not every questionnaire is out of 5
    assert [label for label, _ in overview.count_rows] == list(scales)  # nobody answered as sales manager
    yunnan = overview.glance("yunnan")
    support = next(g for g in yunnan.findings if g.population == "支撑人员")
    assert support.sentences == ("参与问卷的人数少于 5 人，不作判断。",)
    html = write_index(tmp_path, [], client=overview.client, overview=overview).read_text(encoding="utf-8")
    assert "评分范围 0–10 分" in html and "满分 5 分" not in html
