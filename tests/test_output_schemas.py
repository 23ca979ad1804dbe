"""The output-table contract: every table another part of casekit relies on has exactly the shape
its :class:`casekit.tables.OutputSchema` declares, on the sample bundle and on the foreign one.

Each producer runs once per bundle (module-scoped); each schema is one test per bundle, so a
broken table is named by the test id. The checker itself is tested last, with hand-made frames.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BUNDLES

from casekit.analysis import (
    account_manager_features,
    compare_region,
    dimension_scores,
    gap_table,
    industry_evidence,
    item_analysis,
    manager_review,
    performance_linkage,
    person_gaps,
    region_gaps,
    reliability,
    respondent_scores,
    review_summary,
    segment_account_managers,
    self_other_gap,
    time_allocation,
    visit_outcome_linkage,
    visit_profile,
)
from casekit.analysis import (
    coding,
    findings,
    gaps,
    group_tests,
    industries,
    keywords,
    linkage,
    psychometrics,
    quotes,
    reviews_360,
    scores,
    segments,
    survey_summary,
    visits,
)
from casekit.authoring import library
from casekit.authoring.library import case_library
from casekit.exceptions import AnalysisError, CasekitError, OutputSchemaError
from casekit.intake import code_frame
from casekit.intake.codebook_draft import write_draft
from casekit.reports.region_report import NOTE_QUOTE_COLUMNS, NOTE_QUOTE_SCHEMA, region_quotes, region_themes
from casekit.surveys import model, read_export
from casekit.tables import OutputColumn, OutputSchema, output_problems, validate_output

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_PATHS = {"sample": ROOT / "research_data" / "sample", "foreign": BUNDLES / "foreign"}
CASE_LIBRARY = Path(__file__).parent / "fixtures" / "case_library"
EXPORTS = Path(__file__).parent / "fixtures" / "exports"
UNSEEN = Path(__file__).parent / "fixtures" / "questionnaires" / "unseen" / "kefu_training_needs.csv"


def _tables(bundle, notes) -> dict[str, list[tuple[OutputSchema, pd.DataFrame]]]:
    """Every declared table the bundle yields (``notes``: its ``analyse_notes``), keyed by the schema's constant."""
    top = bundle.manifest.top_level_ids()
    cities = [r for r in bundle.manifest.regions["region_id"] if r not in top]
    out: dict[str, list[tuple[OutputSchema, pd.DataFrame]]] = {}

    def add(key: str, schema: OutputSchema, frame: pd.DataFrame) -> None:
        out.setdefault(key, []).append((schema, frame))

    add("RESPONDENT_SCORE", scores.RESPONDENT_SCORE_SCHEMA, respondent_scores(bundle))
    for level in ("top", "city"):
        add("DIMENSION_SCORE", scores.DIMENSION_SCORE_SCHEMA, dimension_scores(bundle, level))
    for region in [*top, *cities[:2]]:
        comparison = compare_region(bundle, region)
        add("COMPARISON", scores.COMPARISON_SCHEMA, comparison)
        add("REGION_GAP", gaps.REGION_GAP_SCHEMA, region_gaps(bundle, region))
        add("INDUSTRY_EVIDENCE", industries.INDUSTRY_EVIDENCE_SCHEMA, industry_evidence(bundle, region))
    add("PERSON_GAP", gaps.PERSON_GAP_SCHEMA, person_gaps(bundle))
    add("FINDINGS", findings.FINDINGS_SCHEMA, findings.engagement_findings(bundle).table)
    for by in gaps.GAP_BY:
        add("GAP_TABLE", gaps.GAP_TABLE_SCHEMA, gap_table(bundle, by=by))
    seg = segment_account_managers(bundle)
    add("SEGMENT_ASSIGNMENT", segments.SEGMENT_ASSIGNMENT_SCHEMA, seg.assignments)
    labels = seg.segment_labels()
    for by in visits.GROUP_BY:
        if by == "segment" and labels.empty:
            continue
        kwargs = {"segments": labels} if by == "segment" else {}
        add("TIME_ALLOCATION", visits.TIME_ALLOCATION_SCHEMA, time_allocation(bundle, by=by, **kwargs))
        profile = visit_profile(bundle, by=by, **kwargs)
        add("QUESTION", visits.QUESTION_SCHEMA, profile.questions)
        add("FUNNEL", visits.FUNNEL_SCHEMA, profile.funnel)
        add("BEHAVIOUR", visits.BEHAVIOUR_SCHEMA, profile.behaviours)
        add("OUTCOME", visits.OUTCOME_SCHEMA, profile.outcomes)
    add("MANAGER_REVIEW", reviews_360.MANAGER_REVIEW_SCHEMA, manager_review(bundle))
    add("GAP", reviews_360.GAP_SCHEMA, self_other_gap(bundle))
    for region in (None, *top):
        add("SUMMARY", reviews_360.SUMMARY_SCHEMA, review_summary(bundle, region))
    add("VISIT_LINKAGE", linkage.VISIT_LINKAGE_SCHEMA, visit_outcome_linkage(bundle))
    try:
        add("LINKAGE", linkage.LINKAGE_SCHEMA, performance_linkage(account_manager_features(bundle)))
    except AnalysisError:  # the foreign bundle records no sales result
        pass
    add("RULE", coding.RULE_SCHEMA, coding.apply_rules(notes.segments, bundle.code_frame))
    add("CODED", coding.CODED_SCHEMA, notes.coded)
    add("QUOTE", quotes.QUOTE_SCHEMA, notes.quotes())
    add("QUOTE", quotes.QUOTE_SCHEMA, notes.quotes(region=top[0]))
    for by in ("top_region_id", "region_id", "population", "method"):
        add("CODE_FREQUENCY", coding.code_frequency_schema(by), notes.frequencies(by=by))
    if not labels.empty:
        add("CODE_FREQUENCY", coding.code_frequency_schema("segment"), notes.segment_frequencies(labels))
    for level in ("segment", "note"):
        add("CO_OCCURRENCE", coding.CO_OCCURRENCE_SCHEMA, coding.co_occurrence(notes.coded, level, bundle.code_frame))
    add("CO_OCCURRENCE", coding.CO_OCCURRENCE_SCHEMA, coding.co_occurrence(notes.coded))
    for by in ("top_region_id", "method"):
        add("KEYWORD", keywords.distinctive_schema(by), notes.keywords(by=by))
        add("THEME", keywords.distinctive_schema(by, "code"), notes.themes(by=by))
    for region in top:
        add("NOTE_QUOTE", NOTE_QUOTE_SCHEMA, region_quotes(notes, region, region_themes(notes, region)))
    add("CODE_FRAME", code_frame.CODE_FRAME_TABLE_SCHEMA, bundle.code_frame.table())
    # scale reliability and item analysis of the bundle's own survey, by dimension and region
    wide = bundle.responses.pivot_table(index="respondent_id", columns="item_id", values="value")
    scales = {d: sorted(set(g["item_id"]) & set(wide.columns)) for d, g in bundle.items.groupby("dimension")}
    regions = bundle.respondents.set_index("respondent_id")["top_region_id"].reindex(wide.index)
    add("RELIABILITY", psychometrics.RELIABILITY_SCHEMA, reliability(wide, scales))
    add("RELIABILITY", psychometrics.RELIABILITY_SCHEMA, reliability(wide, scales, groups=regions))
    first = next(items for items in scales.values() if len(items) > 2)
    add("ITEM_ANALYSIS", psychometrics.ITEM_ANALYSIS_SCHEMA, item_analysis(wide[first]))
    add("GROUP_DESCRIPTIVE", group_tests.GROUP_DESCRIPTIVE_SCHEMA,
        group_tests.compare_groups(wide[first].mean(axis=1), regions).groups)
    add("LIBRARY", library.LIBRARY_SCHEMA, case_library(bundle))
    return out


@pytest.fixture(scope="module", params=sorted(BUNDLE_PATHS))
def tables(request) -> dict[str, list[tuple[OutputSchema, pd.DataFrame]]]:
    """The tables of the session's loaded bundle and its analysed notes (read-only, tests/conftest.py)."""
    bundle = request.getfixturevalue(f"shared_{request.param}_bundle")
    return _tables(bundle, request.getfixturevalue(f"shared_{request.param}_notes"))


SCHEMAS = (
    "RESPONDENT_SCORE", "DIMENSION_SCORE", "COMPARISON", "REGION_GAP", "PERSON_GAP",
    "GAP_TABLE", "SEGMENT_ASSIGNMENT", "TIME_ALLOCATION", "QUESTION", "FUNNEL", "BEHAVIOUR",
    "OUTCOME", "MANAGER_REVIEW", "GAP", "SUMMARY", "VISIT_LINKAGE", "RULE", "CODED", "QUOTE",
    "RELIABILITY", "ITEM_ANALYSIS", "LIBRARY", "CODE_FREQUENCY", "CO_OCCURRENCE", "KEYWORD", "THEME",
    "NOTE_QUOTE", "CODE_FRAME", "GROUP_DESCRIPTIVE", "FINDINGS",
)


@pytest.mark.parametrize("key", SCHEMAS)
def test_each_table_matches_its_schema_exactly(tables, key):
    produced = tables[key]
    assert produced, f"no {key} table produced"
    for schema, frame in produced:
        assert output_problems(frame, schema) == [], f"{schema.name}: {[str(p) for p in output_problems(frame, schema)]}"


def test_performance_linkage_matches_its_schema(shared_sample_bundle):
    """Only the sample records a sales result (the foreign bundle raises, as it should)."""
    frame = performance_linkage(account_manager_features(shared_sample_bundle))
    assert len(frame) > 0
    validate_output(frame, linkage.LINKAGE_SCHEMA)


def test_case_library_with_cases_matches_its_schema():
    frame = case_library(CASE_LIBRARY)
    assert len(frame) > 0
    validate_output(frame, library.LIBRARY_SCHEMA)


@pytest.mark.parametrize("export", sorted(EXPORTS.glob("*/reference*.*")), ids=lambda p: p.parent.name + "/" + p.name)
def test_tidy_answers_match_their_schema(export):
    validate_output(read_export(export).tidy(), model.TIDY_SCHEMA)


@pytest.fixture(scope="module")
def unseen_codebook(tmp_path_factory) -> Path:
    """The drafted codebook of the unseen questionnaire export."""
    codebook = tmp_path_factory.mktemp("unseen") / "codebook.yaml"
    write_draft(UNSEEN, codebook, platform="plain")
    return codebook


@pytest.mark.parametrize("by", [None, "所在班组", "region"])
def test_survey_tables_of_an_unseen_questionnaire_match_their_schemas(unseen_codebook, by):
    """``casekit survey --by … --crosstabs --csv`` writes these three tables."""
    scored = survey_summary.score_survey(UNSEEN, unseen_codebook, platform="plain")
    validate_output(scored.summary(by), psychometrics.RELIABILITY_SCHEMA)
    if by is None:
        return
    differences = validate_output(scored.group_differences(by), survey_summary.DIFFERENCE_SCHEMA)
    assert len(differences) == 2 and differences["test"].notna().all()
    assert len(validate_output(scored.crosstabs(by), survey_summary.CROSSTAB_SCHEMA)) > 0


def test_survey_tables_without_a_test_match_their_schemas(unseen_codebook, tmp_path):
    """Every agent in one team: no test, and the cells left empty are those the schemas allow."""
    text = UNSEEN.read_text(encoding="utf-8-sig")
    for team in ("宽带业务组", "政企热线组"):
        text = text.replace(team, "投诉处理组")
    export = tmp_path / "one_team.csv"
    export.write_text(text, encoding="utf-8")
    scored = survey_summary.score_survey(export, unseen_codebook, platform="plain")
    differences = validate_output(scored.group_differences("所在班组"), survey_summary.DIFFERENCE_SCHEMA)
    assert differences["test"].isna().all() and differences["note"].str.contains("No test").all()
    crosstabs = validate_output(scored.crosstabs("所在班组"), survey_summary.CROSSTAB_SCHEMA)
    assert crosstabs["df"].isna().all()


def test_group_descriptives_of_a_questionnaire_match_their_schema(unseen_codebook):
    scored = survey_summary.score_survey(UNSEEN, unseen_codebook, platform="plain")
    scores = psychometrics.scale_scores(scored.data.items, scored.data.scales)
    comparison = group_tests.compare_groups(scores.iloc[:, 0], scored.data.groups["region"])
    assert len(validate_output(comparison.groups, group_tests.GROUP_DESCRIPTIVE_SCHEMA)) >= 2


def test_the_old_column_tuples_are_the_schemas_names():
    """Nothing that reads ``*_COLUMNS`` sees a change."""
    assert scores.COMPARISON_COLUMNS == scores.COMPARISON_SCHEMA.names
    assert psychometrics.RELIABILITY_COLUMNS == ("scale", "group", "n_items", "n", "mean", "sd", "alpha", "note")
    assert visits.TIME_COLUMNS == ("group", "group_name", "n_people", "n_visits", "minutes_on_site",
                                   "minutes_travel", "on_site_share")
    assert visits.TIME_ALLOCATION_SCHEMA.names == (*visits.TIME_COLUMNS, *visits.WEEK_COLUMNS,
                                                   *visits.REPORTED_COLUMNS, "suppressed", "note")
    assert library.LIBRARY_COLUMNS[-1] == "file"
    assert survey_summary.SUMMARY_COLUMNS == ("scale", "group", "n_items", "n", "mean", "sd", "alpha", "note")
    assert survey_summary.DIFFERENCE_COLUMNS == survey_summary.DIFFERENCE_SCHEMA.names
    assert survey_summary.CROSSTAB_COLUMNS == ("question", "n", "chi2", "df", "p", "cramers_v", "low_expected", "note")
    assert group_tests.GROUP_DESCRIPTIVE_COLUMNS == ("group", "n", "mean", "sd", "median")
    assert NOTE_QUOTE_COLUMNS == ("code", "label", "segment_id", "note_id", "population", "method", "date", "voice",
                                  "quote")
    assert coding.code_frequency_schema(("population", "method")).names[:3] == ("population", "method", "code")
    assert keywords.KEYWORD_SCHEMA.names[:2] == ("top_region_id", "word")


# -- the checker ----------------------------------------------------------------------------------

TOY = OutputSchema("toy", "tests.toy", (
    OutputColumn("id"),
    OutputColumn("n", "int"),
    OutputColumn("mean", "float", nullable=True),
    OutputColumn("tags", "tuple"),
    OutputColumn("extra_info", "float", nullable=True),
), optional=("extra_info",))


def _toy(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"id": ["a", "b"], "n": [5, 7], "mean": [2.5, np.nan], "tags": [("x",), ()]})
    return frame.assign(**changes)


def test_a_matching_table_passes_and_is_returned():
    frame = _toy()
    assert validate_output(frame, TOY) is frame
    assert output_problems(_toy(extra_info=[1.0, np.nan]), TOY) == []  # optional column present


def test_every_difference_is_reported_at_once():
    bad = _toy(n=["5", "7"], id=["a", None], surprise=1).drop(columns=["mean"])
    with pytest.raises(OutputSchemaError) as info:
        validate_output(bad, TOY, by="a test")
    message = str(info.value)
    assert message.startswith("4 problems in table 'toy' (expected the table of tests.toy, read by a test):")
    assert "toy, column 'mean': expected a column of numbers, found '<missing>'" in message
    assert "toy, column 'surprise': expected no such column (not in the schema of tests.toy), found 'an extra column'" in message
    assert "toy, column 'n': expected a column of whole numbers, found 'a column of dtype str'" in message
    assert "toy, row 2, column 'id': expected no empty cell, found '1 empty cell'" in message
    assert "toy, column 'tags'" not in message
    assert isinstance(info.value, CasekitError) and len(info.value.problems) == 4
    assert info.value.to_frame().columns.tolist() == ["file", "row", "column", "expected", "found"]


def test_values_of_the_wrong_kind_in_an_object_column_are_located():
    with pytest.raises(OutputSchemaError, match=r"toy, column 'tags': expected a column of tuples, found 'a list value at row 2'"):
        validate_output(_toy(tags=[("x",), ["y"]]), TOY)


def test_column_order_is_part_of_the_contract():
    with pytest.raises(OutputSchemaError, match=r"expected the columns in the order id, n, mean, tags, found 'n, id, mean, tags'"):
        validate_output(_toy()[["n", "id", "mean", "tags"]], TOY)


def test_a_consumer_checks_only_what_it_reads():
    frame = _toy(surprise=1)[["surprise", "tags", "n", "id"]]
    assert output_problems(frame, TOY, reads=("id", "n")) == []
    with pytest.raises(OutputSchemaError, match=r"1 problem in table 'toy'.*\n  - toy, column 'mean': expected a column of numbers, found '<missing>'"):
        validate_output(frame, TOY, reads=("n", "mean"))
    with pytest.raises(KeyError):
        validate_output(frame, TOY, reads=("nope",))


def test_an_empty_table_of_object_columns_passes():
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in TOY.names[:4]})
    assert output_problems(empty, TOY) == []


def test_segment_labels_refuse_an_assignment_table_without_segments(shared_sample_bundle):
    from casekit.reports.region_report import segment_labels

    report = segment_account_managers(shared_sample_bundle)
    assert report.clear
    broken = dataclasses.replace(report, assignments=report.assignments.drop(columns=["segment"]))
    with pytest.raises(OutputSchemaError, match=r"(?s)table 'segment assignments' .*read by segment_labels.*column 'segment': "
                                                 r"expected a column of whole numbers, found '<missing>'"):
        segment_labels(broken)


def test_schemas_reject_a_kind_they_do_not_know():
    with pytest.raises(ValueError, match="kind must be one of str, int, float, bool, datetime, tuple, got 'text'"):
        OutputColumn("x", "text")
