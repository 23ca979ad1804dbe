"""What a region's report shows: computed in casekit, displayed by the report notebook."""

from __future__ import annotations

import re

import pytest
from conftest import MINI

from casekit.curriculum import load_outlines
from casekit.domain import POPULATIONS
from casekit.exceptions import RegionError
from casekit.intake import load_bundle
from casekit.reports import RegionReport, region_report
from casekit.reports.region_report import populations_present


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(MINI)


@pytest.fixture(scope="module")
def report(bundle) -> RegionReport:
    return region_report(bundle, "河北")


def test_region_is_resolved_by_name(report):
    assert (report.region_id, report.region_name) == ("hebei", "河北")
    assert report.manifest.bundle == "mini"


def test_populations_are_those_present_in_population_order(report):
    present = set(report.comparison["population"])
    assert report.populations == [p for p in POPULATIONS if p in present]
    assert report.populations == populations_present(report.comparison)
    assert report.populations  # the mini bundle has answers


def test_findings_are_the_engagements_and_every_claim_cites_its_numbers(bundle, report):
    from casekit.analysis import engagement_findings

    assert report.findings is not None and report.findings_region == "hebei"
    assert report.findings.table.equals(engagement_findings(bundle).table)
    for sentence in report.findings.table.loc[report.findings.table["claimed"], "sentence"]:
        assert "n=" in sentence and "区间" in sentence


def test_designs_follow_the_manifest_audiences_and_budgets(bundle, report):
    outlines = load_outlines()
    audiences = [p for p in bundle.manifest.audiences if p in outlines]
    assert list(report.designs) == audiences
    for population, design in report.designs.items():
        assert design.budget_days == bundle.manifest.budget_days("hebei", population)
        assert design.region == "hebei" and design.audience == population
        minutes = sum(a["minutes"] for s in design.to_dict()["schedule"] for a in s["activities"])
        assert minutes == round(design.total_days * 360)


def test_unknown_region_lists_known_ids(bundle):
    with pytest.raises(RegionError, match=r"unknown region '火星'; known region ids: beijing \(北京\)"):
        region_report(bundle, "火星")


# -- issue 4: gaps, types, ride-alongs, 360°, linkage (the sample bundle) ----------------------------

@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def hebei(sample) -> RegionReport:
    return region_report(sample, "hebei")


def _client_tables(report: RegionReport) -> list:
    """Every client table and sentence the report notebook shows for the new sections."""
    from casekit.reports import tables

    from casekit.reports import course_tables

    findings = report.findings.table
    out = [tables.skill_gap_table(report.gaps, findings=report.findings),
           *[s for p in report.populations for s in course_tables.findings_sentences(findings, report.findings_region, p)],
           *[course_tables.findings_table(findings, report.findings_region, p) for p in report.populations],
           report.segments_message, *report.time_sentences, report.linkage_message,
           tables.review_table(report.reviews), *tables.review_sentences(report.reviews, report.reviews_all),
           tables.review_table(report.reviews_superiors.loc[report.reviews_superiors["region_id"] == "all"])
           if not report.reviews_superiors.empty else ""]
    if report.segments is not None and report.segments.clear:
        out += [tables.persona_table(report.segments), *tables.persona_descriptions(report.segments),
                tables.segment_mix_table(report.segment_mix, report.mix_region_id, report.segments)]
    if not report.time_use.empty:
        out.append(tables.time_allocation_table(report.time_use))
    if not report.time_by_segment.empty:
        out.append(tables.time_allocation_table(report.time_by_segment))
    if report.visits is not None:
        out.append(tables.visit_profile_table(report.visits))
    if report.linkage is not None:
        out.append(tables.linkage_table(report.linkage))
    return out


def test_hebei_account_managers_fall_furthest_behind_elsewhere_in_industry(hebei):
    managers = hebei.gaps.loc[hebei.gaps["population"] == "account_manager"]
    assert managers.loc[managers["diff"].idxmin(), "dimension_label"] == "行业"  # the planted weakness
    assert managers.loc[managers["rank"] == 1, "dimension"].tolist() == ["industry"]
    from casekit.reports.course_tables import findings_sentences
    from casekit.reports.tables import skill_gap_table

    # one definition of the weakest dimension: the gap table, the findings and the design agree
    assert hebei.findings.weakest("hebei", "account_manager") == ("industry",)
    table = skill_gap_table(hebei.gaps, "account_manager", findings=hebei.findings)
    assert table.loc["行业", "说明"] == "本岗位差距最大的维度"
    assert table.loc["行业", "与其他地区相比"].endswith("（明显偏弱）")
    assert (table["说明"] == "本岗位差距最大的维度").sum() == 1
    sentences = findings_sentences(hebei.findings.table, "hebei", "account_manager",
                                   hebei.findings.weakest("hebei", "account_manager"))
    assert "“行业”" in sentences[0] and "明显低于" in sentences[0]


def test_personas_are_fitted_on_all_regions_and_the_mix_is_the_regions(sample, hebei):
    from casekit.reports.tables import persona_table, segment_mix_table

    segments = hebei.segments
    assert segments is not None and segments.clear and len(segments.personas) >= 2
    assert sum(p.n for p in segments.personas) == len(segments.assignments)  # everyone, every region
    assert hebei.segments_message == segments.message
    assert len(persona_table(segments)) == len(segments.personas)
    assert set(hebei.segment_mix["group_id"]) == set(sample.manifest.top_level_ids())
    mix = segment_mix_table(hebei.segment_mix, hebei.mix_region_id, segments)
    hebei_people = (sample.respondents["top_region_id"] == "hebei") & (sample.respondents["population"] == "account_manager")
    assert mix.loc["合计", "本地区人数"] == str(int(hebei_people.sum()))
    # ride-along time by type covers the same types
    assert len(hebei.time_by_segment) == len(segments.personas)


def test_time_use_is_the_region_then_all_regions(hebei):
    assert hebei.time_use["group"].tolist() == ["hebei", "all"]
    assert hebei.time_use["group_name"].tolist() == ["河北", "全部地区"]
    assert [s[:4] for s in hebei.time_sentences] == ["河北客户", "全部地区"]
    assert list(dict.fromkeys(hebei.visits.behaviours["group"])) == ["hebei", "all"]


def test_360_shows_the_superiors_view_pooled_never_one_superior(hebei):
    from casekit.reports.tables import review_sentences, review_table

    # the superiors have their own row, so the account managers' row is their own view: no
    # superior's rating is in two rows
    table = review_table(hebei.reviews)
    sources = set(table.index.get_level_values("评价来源"))
    assert "客户经理" in sources and not any("含上级主管" in s for s in sources)
    # the superiors of 河北's 13 managers, pooled, are a group of their own with its count
    superiors = hebei.reviews.loc[hebei.reviews["rater_group"] == "superior"]
    assert len(superiors) == 3 and not superiors["suppressed"].any() and (superiors["n_raters"] >= 3).all()
    shown = table.xs("上级主管", level="评价来源")
    assert (shown["经理人数"] == "13").all() and (shown["平均分"] != "—").all()
    assert all("上级的看法：本地区上级主管的评价平均" in s for s in review_sentences(hebei.reviews, hebei.reviews_all))
    # the programme-level superiors' view sits beside the region's
    view = hebei.reviews_superiors
    assert view["region_id"].tolist() == ["hebei"] * 3 + ["all"] * 3
    assert (view["rater_group"] == "superior").all() and not view["suppressed"].any()
    assert (hebei.reviews_all["region_id"] == "all").all()


def test_linkage_across_regions_has_clear_associations(hebei):
    from casekit.reports.tables import linkage_table

    assert hebei.linkage is not None and hebei.linkage_message == ""
    table = linkage_table(hebei.linkage)
    assert 1 <= len(table) <= 6
    assert all(s.endswith("（相关，不代表因果）") for s in table["解读"])


def test_a_city_report_shows_its_provinces_type_mix_and_hides_its_few_visits(sample, hebei):
    city = region_report(sample, "石家庄", segments=hebei.segments)  # the types are the bundle's
    assert (city.region_id, city.mix_region_id) == ("shijiazhuang", "hebei")
    row = city.time_use.iloc[0]
    assert row["group"] == "shijiazhuang" and bool(row["suppressed"]) and row["n_people"] < 5
    assert city.time_sentences[0].startswith("全部地区")  # no sentence about the hidden city


def test_client_tables_name_no_person(sample, hebei):
    codes = set(sample.respondents["respondent_id"]) | set(sample.reviews_360["manager_id"])
    for part in _client_tables(hebei):
        text = part if isinstance(part, str) else part.to_string() + " ".join(map(str, part.index))
        assert not codes & set(re.findall(r"[A-Za-z0-9_-]+", text)), text[:80]


def test_without_types_or_sales_results_the_sections_say_why(report):
    # the mini bundle: too few account managers for clear types, no `role: performance`
    assert report.segments is None or not report.segments.clear
    assert report.segments_message.startswith(("未发现", "人数太少", "客户经理的数据不足"))
    assert report.segment_mix.empty
    assert report.linkage is None
    assert report.linkage_message == "本次调研问卷没有收集业绩数据（如业绩完成率），因此无法分析能力、行为与业绩的关系。"
    assert not report.time_use.empty and report.time_use["suppressed"].all()


# -- the interview-notes section ----------------------------------------------------------------

@pytest.fixture(scope="module")
def notes(shared_sample_notes):
    return shared_sample_notes  # analyse_notes(sample), shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def every_region(sample, hebei, notes) -> dict[str, RegionReport]:
    """The report of every top-level region of the sample, and of one city (石家庄)."""
    ids = [*sample.manifest.top_level_ids(), "shijiazhuang"]
    return {r: region_report(sample, r, segments=hebei.segments, notes=notes) for r in ids}


def _notes_section(report: RegionReport) -> str:
    """What the notebook's notes section shows a client, as text."""
    from casekit.reports import tables

    name = report.manifest.name(report.notes_region_id)
    parts = [tables.notes_overview(name, report.notes_count, report.notes_interviewees,
                                   province_name=name if report.notes_region_id != report.region_id else None)]
    if report.notes_shown:
        parts += [tables.theme_table(report.notes_themes).to_string(),
                  tables.keyword_text(report.notes_keywords, name),
                  tables.quote_markdown(report.notes_quotes)]
    return "\n".join(parts)


def test_every_sample_region_has_a_notes_section(sample, every_region):
    for region_id, report in every_region.items():
        assert report.notes_region_id == sample.manifest.top_of(region_id)
        assert report.notes_count > 0 and _notes_section(report)
    for region_id in ("beijing", "tianjin", "hebei", "nanning", "shijiazhuang"):
        report = every_region[region_id]
        assert report.notes_shown, region_id
        assert 1 <= len(report.notes_themes) <= 5 and (report.notes_themes["z"] > 0).all()
        assert 1 <= len(report.notes_keywords) <= 10
        if region_id in ("beijing", "nanning"):  # no population with 5 interviewees: nothing quoted
            assert report.notes_quotes.empty
            continue
        assert 2 <= len(report.notes_quotes) <= 8
        # two or three excerpts per theme quoted (one only when the theme has no other left)
        per_theme = report.notes_quotes.groupby("code").size()
        assert per_theme.max() <= 3 and (per_theme >= 2).sum() >= 2


def test_excerpts_show_no_staff_code_city_interviewee_or_planted_name(sample, every_region):
    import yaml

    from casekit.paths import SAMPLE_BUNDLE

    truth = yaml.safe_load((SAMPLE_BUNDLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    planted = [entry["string"] for entry in truth["pii"]]
    regions = sample.manifest.regions
    cities = set(regions.loc[regions["level"] == "city", "name"])
    interviewees = set(sample.notes["interviewee"])
    for region_id, report in every_region.items():
        assert "interviewee" not in report.notes_quotes.columns
        text = _notes_section(report)
        assert not re.findall(r"(?<![A-Za-z0-9])(?:AM|SM|SE)\d+", text), region_id
        assert [c for c in cities if c in text] == [], region_id
        assert [p for p in planted if p in text] == [], region_id
        assert [i for i in interviewees if i in text] == [], region_id


def test_an_excerpt_naming_a_city_is_quoted_without_it(sample, notes):
    import pandas as pd

    from casekit.reports.region_report import CITY_PLACEHOLDER, region_quotes

    # N023 (沧州) and N026 (唐山) open with their city; quote the themes they are coded with
    themes = pd.DataFrame({"code": ["funnel_after_sales", "dim_product"], "label": ["建立长期合作关系", "产品"],
                           "code_group": ["funnel", "dimension"]})
    quotes = region_quotes(notes, "hebei", themes, total=40)
    raw = notes.segments.set_index("segment_id")["text"]
    named = [s for s in quotes["segment_id"] if "沧州" in raw[s] or "唐山" in raw[s]]
    assert named  # the test would see a city left in
    shown = quotes.set_index("segment_id").loc[named, "quote"]
    assert all(CITY_PLACEHOLDER in q and "沧州" not in q and "唐山" not in q for q in shown)


def test_scrub_quote_replaces_staff_codes_and_cities_but_not_provinces(sample):
    from casekit.reports.region_report import scrub_quote

    text = "客户经理AM034说：我们唐山的客户、保定市的医院，和河北其他地方不一样；H.264、天翼189照旧。"
    assert scrub_quote(text, sample.manifest) == (
        "客户经理〔工号〕说：我们〔地市〕的客户、〔地市〕的医院，和河北其他地方不一样；H.264、天翼189照旧。")


def test_nanning_keywords_include_its_local_product_name(every_region):
    nanning = every_region["nanning"]
    assert "视频看店" in nanning.notes_keywords["word"].tolist()[:3]
    from casekit.reports.tables import keyword_text

    assert "视频看店" in keyword_text(nanning.notes_keywords, "南宁")


def test_theme_counts_of_one_to_four_print_as_small(every_region):
    from casekit.reports.tables import theme_table

    themes = every_region["hebei"].notes_themes
    small = themes["n_interviewees"].between(1, 4)
    assert small.any() and not small.all()  # the sample has both
    table = theme_table(themes)
    assert (table.loc[small.to_numpy(), "提到的受访者（人）"] == "<5").all()
    assert (table.loc[~small.to_numpy(), "提到的受访者（人）"] != "<5").all()
    assert table["主题"].iloc[0] == themes["label"].iloc[0]
    assert "客户经理的弱点" in set(table["类别"])


def test_a_region_with_few_interviewees_gets_a_sentence_not_the_table(every_region, report):
    from casekit.reports.tables import notes_overview

    for small in (every_region["shandong"], report):  # the sample's Shandong, the mini bundle's Hebei
        assert 0 < small.notes_interviewees < 5
        assert not small.notes_shown
        assert small.notes_themes.empty and small.notes_keywords.empty and small.notes_quotes.empty
        text = _notes_section(small)
        assert "不足 5 位受访者" in text and "主题" not in text.split("。")[0]
        assert text == notes_overview(small.region_name, small.notes_count, small.notes_interviewees)


def test_a_city_report_shows_its_provinces_notes(every_region):
    city, province = every_region["shijiazhuang"], every_region["hebei"]
    assert city.notes_region_id == "hebei"
    assert city.notes_quotes.equals(province.notes_quotes)
    assert _notes_section(city).startswith("访谈与随访记录不按地市统计，以下为河北全省的记录。")


def test_a_region_without_notes_says_so(mini_copy):
    note = (MINI / "notes" / "N002.md").read_text(encoding="utf-8").replace("region: beijing", "region: 保定")
    report = region_report(load_bundle(mini_copy({"notes/N002.md": note})), "beijing")
    assert (report.notes_count, report.notes_interviewees, report.notes_shown) == (0, 0, False)
    assert _notes_section(report) == "北京没有访谈与随访记录。"


def test_quotes_never_come_from_a_360_interview_or_a_small_group_of_interviewees(sample, hebei):
    from casekit.privacy.disclosure import UNQUOTED_METHOD, quotable_populations

    notes = sample.notes
    for region in sample.manifest.top_level_ids():
        quotable = quotable_populations(notes, region)
        mine = notes.loc[(notes["top_region_id"] == region) & (notes["method"] != UNQUOTED_METHOD)]
        for population, group in mine.groupby("population"):
            assert (population in quotable) == (group["interviewee"].nunique() >= 5)
    assert not hebei.notes_quotes.empty
    assert UNQUOTED_METHOD not in set(hebei.notes_quotes["method"])
    assert set(hebei.notes_quotes["population"]) <= quotable_populations(notes, "hebei")


def test_hebei_quotes_no_sales_manager_it_interviewed_three_of(sample, hebei, notes):
    """河北 interviewed 3 sales managers (石家庄, 张家口, 邯郸); two 360° interviews of managers'
    raters must not make them 5: no sales manager's words in the report, notebook or document."""
    from casekit.reports.document import document_text
    from casekit.reports.region_report import region_quotes, region_themes
    from casekit.reports.summary import report_document

    managers = sample.notes.loc[(sample.notes["top_region_id"] == "hebei")
                                & (sample.notes["population"] == "sales_manager")]
    assert managers["interviewee"].nunique() == 5 and (managers["method"] == "interview").sum() == 3
    assert "sales_manager" not in set(hebei.notes_quotes["population"])
    every = region_quotes(notes, "hebei", region_themes(notes, "hebei", k=50), total=200)
    assert not every.empty and "sales_manager" not in set(every["population"])
    text = document_text(report_document(hebei, charts=False))
    for words in ("按人头平均分", "放号五百部", "销售管理人员一对一深度访谈", "销售管理人员的回答"):
        assert words not in text and words not in _notes_section(hebei)
    # the excerpts the document does show are credited as excerpts of a record
    assert "——摘自政企客户经理" in text or "——政企客户经理的回答，摘自" in text


def test_a_credit_line_names_no_method_or_month_fewer_than_five_stand_behind(sample, every_region):
    from casekit.privacy.disclosure import quoted_interviewees
    from casekit.reports.region_report import VOICE_CONSULTANT, VOICE_INTERVIEWEE, VOICE_RECORD

    import pandas as pd

    notes = sample.notes.assign(month=sample.notes["date"].dt.strftime("%Y-%m"))
    methods = notes.set_index("note_id")["method"]
    blanked = 0
    for region_id, report in every_region.items():
        top = report.notes_region_id
        by_method = quoted_interviewees(notes, top, ("population", "method"))
        for _, row in report.notes_quotes.iterrows():
            assert row["voice"] in (VOICE_INTERVIEWEE, VOICE_CONSULTANT, VOICE_RECORD)
            if pd.isna(row["method"]):  # left out: the note's own method has fewer than 5 people
                blanked += 1
                method = methods[row["note_id"]]
                assert by_method[(row["population"], method)] < 5, (region_id, method)
            else:
                assert by_method[(row["population"], row["method"])] >= 5, (region_id, row["method"])
            if pd.notna(row["date"]):
                keys = ["population", "method", "month"] if pd.notna(row["method"]) else ["population", "month"]
                group = tuple(row[k] for k in keys[:-1]) + (pd.Timestamp(row["date"]).strftime("%Y-%m"),)
                assert quoted_interviewees(notes, top, keys)[group] >= 5, (region_id, group)
    # 天津's 5 account managers: 2 interviewed, 3 on ride-alongs; neither method may be named
    tianjin = every_region["tianjin"].notes_quotes
    assert not tianjin.empty and tianjin["method"].isna().all() and blanked >= len(tianjin)
