"""analyse_notes: coded on the original text, shown only redacted."""

from __future__ import annotations

import pytest
import yaml

from casekit.analysis import analyse_notes
from casekit.paths import SAMPLE_BUNDLE


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def analysis(shared_sample_notes):
    return shared_sample_notes  # analyse_notes(sample), shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def planted() -> list[str]:
    truth = yaml.safe_load((SAMPLE_BUNDLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    return [entry["string"] for entry in truth["pii"]]


def test_nothing_shown_holds_planted_personal_data(analysis, planted):
    shown = " ".join(analysis.segments["text"]) + " ".join(analysis.quotes()["quote"])
    shown += " ".join(analysis.keywords()["word"]) + " ".join(analysis.coded["keyword"].astype(str))
    assert [s for s in planted if s in shown] == []
    assert "〔企业" in shown and "〔手机号〕" in shown  # redacted, not dropped


def test_segments_keep_their_ids_and_offsets_after_redaction(sample, analysis):
    from casekit.intake.note_segments import note_segments

    original = note_segments(sample)
    assert analysis.segments["segment_id"].tolist() == original["segment_id"].tolist()
    assert analysis.segments[["start", "end"]].equals(original[["start", "end"]])
    changed = (analysis.segments["text"] != original["text"]).sum()
    assert 0 < changed < len(original) / 2


def test_codes_and_quotes_line_up(analysis):
    quotes = analysis.quotes(code="price_opening")
    coded = set(analysis.coded.loc[analysis.coded["code"] == "price_opening", "segment_id"])
    assert len(quotes) and set(quotes["segment_id"]) <= coded


def test_region_keywords_are_words_of_that_region(analysis):
    keywords = analysis.keywords()
    nanning = keywords.loc[keywords["top_region_id"] == "nanning", "word"].head(5).tolist()
    assert "视频看店" in nanning  # Nanning's local name for video monitoring
    assert all(len(w) >= 2 and "〔" not in w for w in keywords["word"])


def test_codes_by_behaviour_type_agree_with_the_types_found_in_the_numbers(sample, analysis):
    """Notes about price-pushing account managers are coded price selling, consultants ask first."""
    from casekit.analysis import segment_account_managers

    report = segment_account_managers(sample)
    table = analysis.segment_frequencies(report.segment_labels(), min_n=3)
    shown = table[~table["suppressed"]]
    top = shown.sort_values(["n_interviewees", "code"], ascending=[False, True]).groupby("segment").head(2)
    by_type = top.groupby("segment")["code"].apply(set)
    price = next(s for s in by_type.index if "价格" in s)
    consultant = next(s for s in by_type.index if "提问" in s)
    assert "price_selling" in by_type[price]
    assert "asks_needs_first" in by_type[consultant]
