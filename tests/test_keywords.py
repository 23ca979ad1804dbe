"""Distinctive keywords and themes per region: weighted log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.coding import codes_for
from casekit.analysis.keywords import distinctive_keywords, themes, weighted_log_odds
from casekit.exceptions import AnalysisError
from casekit.intake.code_frame import default_code_frame
from casekit.intake.note_segments import note_segments

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"


def split(text: str) -> list[str]:
    return text.split()


def segs(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """``(region, interviewee, text)`` → one note and segment per row."""
    return pd.DataFrame([{"segment_id": f"N{i:03d}-01", "note_id": f"N{i:03d}", "top_region_id": r,
                          "interviewee": who, "text": t, "kind": "paragraph"}
                         for i, (r, who, t) in enumerate(rows, 1)])


# ----------------------------------------------------------------------------- the statistic


def test_weighted_log_odds_matches_monroe_et_al():
    counts = pd.DataFrame({"价格": [10, 2], "需求": [1, 9], "产品": [5, 5]}, index=["a", "b"])
    out = weighted_log_odds(counts).set_index(["group", "item"])
    y = counts.to_numpy(float)
    n = y.sum()
    alpha = y.sum(axis=0)  # default prior: the pooled counts (alpha_0 = n)
    a0 = n
    i, w = 0, 0
    yi, yj, ni, nj = y[i, w], y[1, w], y[i].sum(), y[1].sum()
    delta = math.log((yi + alpha[w]) / (ni + a0 - yi - alpha[w])) - math.log((yj + alpha[w]) / (nj + a0 - yj - alpha[w]))
    z = delta / math.sqrt(1 / (yi + alpha[w]) + 1 / (yj + alpha[w]))
    assert out.loc[("a", "价格"), "log_odds"] == pytest.approx(delta)
    assert out.loc[("a", "价格"), "z"] == pytest.approx(z)
    assert out.loc[("a", "价格"), ["count", "others_count"]].tolist() == [10, 2]
    # two groups: one's over-use is the other's under-use
    assert out.loc[("b", "价格"), "z"] == pytest.approx(-z)
    assert out.loc[("a", "需求"), "z"] < 0 < out.loc[("b", "需求"), "z"]


def test_the_prior_shrinks_rare_words():
    counts = pd.DataFrame({"rare": [2, 0], "common": [40, 20], "other": [58, 80]}, index=["a", "b"])
    weak = weighted_log_odds(counts, prior_size=1).set_index(["group", "item"])
    strong = weighted_log_odds(counts).set_index(["group", "item"])
    assert strong.loc[("a", "rare"), "log_odds"] < weak.loc[("a", "rare"), "log_odds"]
    with pytest.raises(AnalysisError, match="2 groups"):
        weighted_log_odds(counts.iloc[:1])
    with pytest.raises(AnalysisError, match="prior_size"):
        weighted_log_odds(counts, prior_size=0)


# ----------------------------------------------------------------------------- keywords


def test_a_word_from_one_note_only_is_never_listed():
    rows = [("nanning", "甲", "视频看店 " * 10 + "客户"),  # said ten times, by one person
            ("nanning", "乙", "天翼189 新产品 客户"),
            ("nanning", "丙", "天翼189 新产品 客户"),
            ("hebei", "丁", "宽视界 客户 客户"),
            ("hebei", "戊", "宽视界 客户 价格")]
    out = distinctive_keywords(segs(rows), split, min_count=2)
    nanning = out.loc[out["top_region_id"] == "nanning"]
    assert "视频看店" not in set(nanning["word"])
    assert {"天翼189", "新产品"} <= set(nanning["word"])
    assert (out["n_notes"] >= 2).all() and (out["n_interviewees"] >= 2).all()
    assert list(out.columns) == ["top_region_id", "word", "count", "others_count", "n_notes", "n_interviewees",
                                 "others_notes", "log_odds", "z"]
    with pytest.raises(AnalysisError, match="identify"):
        distinctive_keywords(segs(rows), split, min_notes=1)


def test_two_notes_of_one_interviewee_are_one_person():
    rows = [("nanning", "甲", "视频看店"), ("nanning", "甲", "视频看店"), ("nanning", "乙", "客户"),
            ("hebei", "丁", "客户"), ("hebei", "戊", "客户")]
    out = distinctive_keywords(segs(rows), split, min_count=1)
    assert "视频看店" not in set(out["word"])


def test_ties_are_ordered_by_word_and_output_is_stable():
    rows = [("a", "p1", "乙 甲 丙"), ("a", "p2", "乙 甲 丙"), ("b", "p3", "丁 丁"), ("b", "p4", "丁 丁")]
    out = distinctive_keywords(segs(rows), split, min_count=1)
    a = out.loc[out["top_region_id"] == "a"]
    assert a["word"].tolist() == sorted(a["word"])  # equal z: by word
    again = distinctive_keywords(segs(rows)[::-1], split, min_count=1)
    pd.testing.assert_frame_equal(out, again)


def test_questions_are_left_out_and_one_group_is_an_error():
    s = segs([("a", "p1", "问 价格"), ("a", "p2", "问 价格"), ("b", "p3", "价格"), ("b", "p4", "别的")])
    s["kind"] = ["question", "answer", "answer", "answer"]
    s.loc[1, "text"] = "问 价格"
    out = distinctive_keywords(s, split, min_count=1, min_notes=2)
    assert "问" not in set(out["word"])  # said in one answer only once the question is left out
    assert "问" in set(distinctive_keywords(s, split, min_count=1, skip_kinds=())["word"])
    with pytest.raises(AnalysisError, match="2 groups"):
        distinctive_keywords(s.assign(top_region_id="a"), split)


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def sample_segments(sample):
    return note_segments(sample)


def test_nanning_is_distinctive_for_its_local_products(sample, sample_segments):
    tokenize = pytest.importorskip("casekit.analysis.tokenize")
    words = tokenize.Tokenizer(tokenize.user_dictionary(sample)).words
    out = distinctive_keywords(sample_segments, words, top=5)
    nanning = out.loc[out["top_region_id"] == "nanning"]
    local = set(sample.catalogue.loc[sample.catalogue["region_id"] == "nanning", "local_name"])
    assert (set(nanning["word"]) & local) or "新产品" in set(nanning["word"])
    assert nanning["word"].iloc[0] in local | {"新产品"}
    assert (nanning["z"] > 0).all() and nanning["z"].is_monotonic_decreasing
    # a local name is never listed for a region that does not sell under it
    hebei = out.loc[out["top_region_id"] == "hebei", "word"]
    assert not set(hebei) & local
    pd.testing.assert_frame_equal(out, distinctive_keywords(sample_segments.copy(), words, top=5))


# ----------------------------------------------------------------------------- themes


def test_themes_find_codes_over_represented_in_a_region():
    s = segs([("nanning", f"n{i}", "") for i in range(4)] + [("hebei", f"h{i}", "") for i in range(4)])
    ids = s["segment_id"].tolist()
    coded = pd.DataFrame({"segment_id": ids[:4] + ids[4:5] + ids[4:8],
                          "code": ["weak_product_knowledge"] * 4 + ["weak_product_knowledge"] + ["price_selling"] * 4})
    out = themes(coded, s, frame=default_code_frame())
    top = out.groupby("top_region_id").head(1).set_index("top_region_id")
    assert top.loc["nanning", "code"] == "weak_product_knowledge" and top.loc["nanning", "label"] == "产品知识弱"
    assert top.loc["hebei", "code"] == "price_selling" and top.loc["hebei", "z"] > 0
    assert top.loc["nanning", "code_group"] == "am_weakness"
    # the single hebei note with weak_product_knowledge is never listed for hebei
    assert not ((out["top_region_id"] == "hebei") & (out["code"] == "weak_product_knowledge")).any()
    assert np.isfinite(out["z"]).all()


def test_themes_on_the_sample(sample_segments):
    frame = default_code_frame()
    coded = codes_for(sample_segments, frame)
    out = themes(coded, sample_segments, frame=frame)
    nanning = out.loc[out["top_region_id"] == "nanning"]
    assert nanning["code"].iloc[0] == "weak_product_knowledge"  # 新产品学不过来 (南宁)
    beijing = out.loc[out["top_region_id"] == "beijing"]
    assert {"technical_language", "jargon"} & set(beijing.loc[beijing["z"] > 0, "code"])  # 北京: 说人话
    assert (out["n_notes"] >= 2).all()
    by_segment = themes(coded, sample_segments, frame=frame, unit="segment")
    assert (by_segment["count"] >= out.set_index(["top_region_id", "code"])["count"]
            .reindex(by_segment.set_index(["top_region_id", "code"]).index).fillna(0).to_numpy()).all()
