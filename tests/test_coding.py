"""Coding note segments: keyword rules, manual decisions in notes/codes.csv, frequencies, co-occurrence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit.analysis.coding import (
    CODED_COLUMNS,
    MANUAL_CODES_FILE,
    RULE_COLUMNS,
    apply_rules,
    co_occurrence,
    code_frequencies,
    codes_for,
    normalize,
    read_manual_codes,
    save_manual_code,
)
from casekit.exceptions import AnalysisError
from casekit.intake.code_frame import Code, CodeFrame, Rule, default_code_frame
from casekit.intake.note_segments import note_segments

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"




@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def sample_segments(sample):
    return note_segments(sample)


def seg_frame(*texts: str, **columns) -> pd.DataFrame:
    n = len(texts)
    data = {"segment_id": [f"N{i // 2 + 1:03d}-{i % 2 + 1:02d}" for i in range(n)],
            "note_id": [f"N{i // 2 + 1:03d}" for i in range(n)], "text": list(texts)}
    data.update(columns)
    return pd.DataFrame(data)


def frame_of(*codes: Code, skip_kinds=("question",)) -> CodeFrame:
    return CodeFrame(groups={"g": "组"}, codes=codes, skip_kinds=skip_kinds)


# ----------------------------------------------------------------------------- matching


def test_normalize_keeps_positions_and_folds_case_and_full_width():
    text = "ＣＲＭ模块　和VPN"
    assert normalize(text) == "crm模块 和vpn"
    assert len(normalize(text)) == len(text)


def test_any_all_none_and_window():
    code = Code("price", "价格", "g", rules=(Rule(any=("降价", "打折")), ))
    near = Code("opening", "开场讲价", "g", rules=(Rule(any=("开场",), all=("优惠|免费",), window=5),))
    neg = Code("cut", "降价", "g", rules=(Rule(any=("降价",), none=("不降价",), window=2),))
    segs = seg_frame("客户嫌贵，他就降价了", "开场就讲优惠", "开场寒暄了很久很久很久，最后才说优惠", "李总说不降价就别谈", "没有关系")
    out = apply_rules(segs, frame_of(code, near, neg))
    assert list(out.columns) == list(RULE_COLUMNS)
    got = {(r.segment_id, r.code, r.keyword) for r in out.itertuples()}
    assert got == {("N001-01", "price", "降价"), ("N001-01", "cut", "降价"), ("N001-02", "opening", "开场"),
                   ("N002-02", "price", "降价")}
    hit = out.loc[(out["segment_id"] == "N001-01") & (out["code"] == "price")].iloc[0]
    assert (hit["rule"], hit["start"], hit["end"]) == (1, 7, 9)
    assert segs.at[0, "text"][hit["start"]:hit["end"]] == "降价"


def test_keywords_match_case_and_width_insensitively_and_report_the_text_as_written():
    code = Code("crm", "CRM", "g", rules=(Rule(any=("CRM",)),))
    out = apply_rules(seg_frame("上了ＣＲＭ模块", "crm客户管理"), frame_of(code))
    assert out["keyword"].tolist() == ["ＣＲＭ", "crm"]


def test_regex_rules_and_rule_numbers():
    code = Code("discount", "折扣", "g", rules=(Rule(any=("优惠",)), Rule(regex=(r"[一二三四五六七八九]折",))))
    out = apply_rules(seg_frame("后来又申请了八折", "有优惠也打了九折"), frame_of(code))
    assert out[["segment_id", "rule", "keyword"]].values.tolist() == [["N001-01", 2, "八折"],
                                                                       ["N001-02", 1, "优惠"]]


def test_questions_are_not_coded_and_populations_restrict_a_code():
    any_price = Code("price", "价格", "g", rules=(Rule(any=("价格",)),))
    se_only = Code("se", "支撑", "g", populations=("support_engineer",), rules=(Rule(any=("价格",)),))
    segs = seg_frame("问：价格呢？", "答：价格太高", kind=["question", "answer"],
                     population=["account_manager", "support_engineer"])
    out = apply_rules(segs, frame_of(any_price, se_only))
    assert out[["segment_id", "code"]].values.tolist() == [["N001-02", "price"], ["N001-02", "se"]]
    everything = apply_rules(segs, frame_of(any_price, skip_kinds=()))
    assert everything["segment_id"].tolist() == ["N001-01", "N001-02"]


def test_apply_rules_needs_text():
    with pytest.raises(AnalysisError, match="text"):
        apply_rules(pd.DataFrame({"segment_id": ["a"]}), default_code_frame())


def _codes(coded: pd.DataFrame, note: str) -> set[str]:
    return set(coded.loc[coded["note_id"] == note, "code"])


def test_default_rules_on_the_sample_notes(sample_segments):
    coded = apply_rules(sample_segments, default_code_frame())
    # the price-war note (混合组网, 石家庄) is about price selling …
    price = coded.loc[(coded["note_id"] == "N004") & (coded["code"] == "price_selling")]
    assert not price.empty and set(price["keyword"]) <= {"价格战", "折扣"}
    # … the lamp-factory success story that escaped the price war is not
    assert "price_selling" not in _codes(coded, "N006")
    assert {"asks_needs_first", "customer_language_value"} <= _codes(coded, "N006")
    # hotel: free trial and discounts, no needs diagnosis
    assert {"price_selling", "free_trial", "missed_needs"} <= _codes(coded, "N002")
    # opening with the price
    assert "price_opening" in _codes(coded, "N011") and "price_opening" in _codes(coded, "N022")
    # support engineer drowning a restaurant owner in jargon
    assert {"technical_language", "jargon"} <= _codes(coded, "N019")
    # the hospital CRM success: asks first, joint visit, the customer's arithmetic, signed
    assert {"asks_needs_first", "joint_visit", "customer_language_value", "funnel_closing"} <= _codes(coded, "N007")
    # sales managers: results only, no process (石家庄); rough management (保定 360°)
    assert {"results_only", "no_market_strategy"} <= _codes(coded, "N030")
    assert "weak_leadership" in _codes(coded, "N037")
    # a demo-hall visit in 唐山 without jargon is not coded as jargon (none: 没说一句)
    assert "jargon" not in _codes(coded, "N026") and "customer_language_value" in _codes(coded, "N026")
    # manager codes stay with manager notes
    manager_notes = set(sample_segments.loc[sample_segments["population"] == "sales_manager", "note_id"])
    assert set(coded.loc[coded["code"] == "dim_leadership", "note_id"]) <= manager_notes


def test_same_input_same_output(sample_segments):
    frame = default_code_frame()
    a = codes_for(sample_segments, frame)
    b = codes_for(sample_segments.copy(), frame)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) > 100


# ----------------------------------------------------------------------------- manual codes


def test_manual_decisions_are_saved_sorted_one_row_per_segment_and_code(tmp_path):
    segs = seg_frame("客户嫌贵就降价", "先问了需求", "第三段", "第四段")
    frame = default_code_frame()
    save_manual_code(tmp_path, "N002-02", "free_trial", "add", "LW", "其实是试用", date="2008-10-01", segments=segs)
    save_manual_code(tmp_path, "N001-01", "price_selling", "remove", "LW",
                     date="2008-10-02", segments=segs)
    save_manual_code(tmp_path, "N001-02", "先问需求", "添加", "ZH", date="2008-10-03")
    path = save_manual_code(tmp_path, "N002-02", "free_trial", "remove", "ZH", "看错了", date="2008-10-04",
                            segments=segs)
    assert path == tmp_path / MANUAL_CODES_FILE
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == [
        "segment_id,code,action,coder,date,comment,excerpt",
        "N001-01,price_selling,remove,LW,2008-10-02,,客户嫌贵就降价",
        "N001-02,asks_needs_first,add,ZH,2008-10-03,,",
        "N002-02,free_trial,remove,ZH,2008-10-04,看错了,第四段",
    ]
    manual, problems = read_manual_codes(tmp_path, segs, frame)
    assert problems == []
    assert manual[["segment_id", "code", "action", "coder", "date"]].values.tolist() == [
        ["N001-01", "price_selling", "remove", "LW", "2008-10-02"],
        ["N001-02", "asks_needs_first", "add", "ZH", "2008-10-03"],
        ["N002-02", "free_trial", "remove", "ZH", "2008-10-04"],
    ]
    assert manual["row"].tolist() == [2, 3, 4]


def test_segment_ids_sort_naturally(tmp_path):
    for sid in ("N010-01", "N002-10", "N002-02"):
        save_manual_code(tmp_path, sid, "jargon", "add", "LW", date="2008-10-01")
    manual, _ = read_manual_codes(tmp_path)
    assert manual["segment_id"].tolist() == ["N002-02", "N002-10", "N010-01"]


def test_bad_manual_decisions_are_refused_and_nothing_is_written(tmp_path):
    segs = seg_frame("一段")
    with pytest.raises(AnalysisError, match="not a code"):
        save_manual_code(tmp_path, "N001-01", "no_such_code", "add", "LW")
    with pytest.raises(AnalysisError, match="add or remove"):
        save_manual_code(tmp_path, "N001-01", "jargon", "maybe", "LW")
    with pytest.raises(AnalysisError, match="coder"):
        save_manual_code(tmp_path, "N001-01", "jargon", "add", " ")
    with pytest.raises(AnalysisError, match="not a segment id"):
        save_manual_code(tmp_path, "N009-09", "jargon", "add", "LW", segments=segs)
    with pytest.raises(AnalysisError, match="YYYY-MM-DD"):
        save_manual_code(tmp_path, "N001-01", "jargon", "add", "LW", date="10/1/2008")
    assert not (tmp_path / MANUAL_CODES_FILE).exists()


def test_problems_of_a_hand_edited_codes_file_point_to_row_and_column(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / MANUAL_CODES_FILE).write_text(
        "segment_id,code,action,coder,date,comment,excerpt\n"
        "N001-01,jargon,add,LW,2008-10-01,,\n"        # fine
        "N404-01,jargon,add,LW,2008-10-01,,\n"        # unknown segment
        "N001-02,no_code,add,LW,2008-10-01,,\n"       # unknown code
        "N001-02,免费试用,delete,LW,2008-10-01,,\n"    # label accepted, action wrong
        "N001-02,jargon,remove,,2008-13-01,,\n"        # no coder, bad date
        "N001-01,满口术语,remove,ZH,2008-10-02,,\n"     # second decision for N001-01 × jargon
        "N001-02,price_selling,add,ZH,2008-10-02,,别的话\n",  # the excerpt no longer matches the text
        encoding="utf-8")
    segs = seg_frame("讲了MPLS和QoS", "开场就讲免费")
    manual, problems = read_manual_codes(tmp_path, segs)
    found = [(p.row, p.column, p.found) for p in problems]
    assert found == [
        (3, "segment_id", "N404-01"),
        (4, "code", "no_code"),
        (5, "action", "delete"),
        (6, "coder", "<missing>"),
        (6, "date", "2008-13-01"),
        (7, "code", "满口术语"),
        (8, "excerpt", "别的话"),
    ]
    assert all(p.file == MANUAL_CODES_FILE for p in problems)
    assert manual["segment_id"].tolist() == ["N001-01"]


def test_codes_file_with_a_missing_column(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / MANUAL_CODES_FILE).write_text("segment_id,code,coder,date,extra\nN001-01,jargon,LW,2008-10-01,x\n",
                                              encoding="utf-8")
    manual, problems = read_manual_codes(tmp_path)
    assert manual.empty
    assert {(p.row, p.column) for p in problems} == {(1, "action"), (1, "extra")}


def test_no_codes_file_means_no_decisions(tmp_path):
    manual, problems = read_manual_codes(tmp_path)
    assert manual.empty and problems == []


def test_manual_remove_beats_a_rule_and_manual_add_adds(sample_segments, tmp_path):
    frame = default_code_frame()
    rules = codes_for(sample_segments, frame)
    price = rules.loc[(rules["note_id"] == "N004") & (rules["code"] == "price_selling")]
    target = price["segment_id"].iloc[0]
    save_manual_code(tmp_path, target, "price_selling", "remove", "LW", "讲的是竞争对手", date="2008-10-05",
                     segments=sample_segments)
    save_manual_code(tmp_path, "N017-01", "weak_industry_knowledge", "add", "LW", date="2008-10-05",
                     segments=sample_segments)
    confirmed = rules.loc[rules["code"] == "jargon", "segment_id"].iloc[0]
    save_manual_code(tmp_path, confirmed, "jargon", "add", "ZH", "确认", date="2008-10-05",
                     segments=sample_segments)
    manual, problems = read_manual_codes(tmp_path, sample_segments, frame)
    assert problems == []
    coded = codes_for(sample_segments, frame, manual)
    assert list(coded.columns) == list(CODED_COLUMNS)
    assert not ((coded["segment_id"] == target) & (coded["code"] == "price_selling")).any()
    added = coded.loc[(coded["segment_id"] == "N017-01") & (coded["code"] == "weak_industry_knowledge")]
    assert added[["source", "coder", "label", "code_group", "note_id"]].values.tolist() == [
        ["manual", "LW", "行业知识弱", "am_weakness", "N017"]]
    assert pd.isna(added["start"].iloc[0])
    kept = coded.loc[(coded["segment_id"] == confirmed) & (coded["code"] == "jargon")].iloc[0]
    assert kept["source"] == "manual" and kept["keyword"] and kept["comment"] == "确认"
    assert len(coded) == len(rules)  # one removed, one added, one confirmed
    assert (coded.loc[coded["source"] == "rule"].drop(columns=["coder", "comment"]).shape[0]
            == len(rules) - 2)


# ----------------------------------------------------------------------------- frequencies


def _people_segments(region_people: dict[str, int]) -> pd.DataFrame:
    """One note (and one segment) per interviewee, ``n`` interviewees per region."""
    rows = []
    k = 0
    for region, n in region_people.items():
        for i in range(n):
            k += 1
            rows.append({"segment_id": f"N{k:03d}-01", "note_id": f"N{k:03d}", "text": "",
                         "top_region_id": region, "population": "account_manager",
                         "interviewee": f"{region}-{i}"})
    return pd.DataFrame(rows)


def test_frequencies_hide_small_groups_and_small_cells():
    segs = _people_segments({"hebei": 8, "tianjin": 4})
    hebei = segs.loc[segs["top_region_id"] == "hebei", "segment_id"].tolist()
    tianjin = segs.loc[segs["top_region_id"] == "tianjin", "segment_id"].tolist()
    coded = pd.DataFrame({"segment_id": hebei[:6] + hebei[:2] + tianjin[:4],
                          "code": ["price"] * 6 + ["jargon"] * 2 + ["price"] * 4})
    freq = code_frequencies(coded, segs)
    assert list(freq.columns) == ["top_region_id", "code", "label", "code_group", "n_segments", "n_notes",
                                  "n_interviewees", "group_notes", "group_interviewees", "share", "suppressed"]
    f = freq.set_index(["top_region_id", "code"])
    assert f.loc[("hebei", "price"), ["n_segments", "n_notes", "n_interviewees"]].tolist() == [6, 6, 6]
    assert f.loc[("hebei", "price"), "share"] == pytest.approx(6 / 8)
    assert not f.loc[("hebei", "price"), "suppressed"]
    # 2 of 8 people: a group of fewer than 5 is never revealed
    assert f.loc[("hebei", "jargon"), "suppressed"] and pd.isna(f.loc[("hebei", "jargon"), "n_notes"])
    # tianjin has 4 interviewees: everything hidden, even a code all of them raised
    assert f.loc["tianjin", "suppressed"].all() and f.loc["tianjin", "n_interviewees"].isna().all()
    assert f.loc[("tianjin", "price"), "group_interviewees"] == 4  # the base, shown as <5 by count_label
    assert not f.loc[("hebei", "price"), "suppressed"]


def test_frequencies_count_people_not_notes_and_show_zero():
    segs = _people_segments({"hebei": 6})
    segs.loc[segs.index[:3], "interviewee"] = "same-person"  # one person, three notes
    coded = pd.DataFrame({"segment_id": segs["segment_id"], "code": ["price"] * 6})
    frame = frame_of(Code("price", "价格", "g"), Code("other", "其他", "g"))
    freq = code_frequencies(coded, segs, frame=frame, min_n=3).set_index("code")
    assert freq.loc["price", ["n_notes", "n_interviewees", "group_interviewees"]].tolist() == [6, 4, 4]
    freq = code_frequencies(coded, segs, frame=frame).set_index("code")
    assert freq["suppressed"].all()  # 6 notes, but only 4 distinct people in the region
    segs["interviewee"] = [f"p{i}" for i in range(6)]
    freq = code_frequencies(coded, segs, frame=frame).set_index("code")
    assert freq.loc["other", "n_interviewees"] == 0 and not freq.loc["other", "suppressed"]
    assert freq.loc["other", "label"] == "其他"
    with pytest.raises(AnalysisError, match="min_n"):
        code_frequencies(coded, segs, min_n=0)
    with pytest.raises(AnalysisError, match="nowhere"):
        code_frequencies(coded, segs, by="nowhere")


def test_frequencies_on_the_sample_hide_regions_with_fewer_than_five_interviewees(sample_segments):
    frame = default_code_frame()
    coded = codes_for(sample_segments, frame)
    freq = code_frequencies(coded, sample_segments, by="top_region_id", frame=frame)
    small = freq.loc[freq["group_interviewees"] < 5]
    assert set(small["top_region_id"]) == {"shandong"}  # 3 notes, 3 people
    assert small["suppressed"].all() and small["n_segments"].isna().all()
    shown = freq.loc[~freq["suppressed"]]
    assert (shown["n_interviewees"].eq(0) | shown["n_interviewees"].ge(5)).all()
    assert len(freq) == 5 * len(frame)
    by_pop = code_frequencies(coded, sample_segments, by=["population"], frame=frame)
    am = by_pop.set_index(["population", "code"]).loc[("account_manager", "price_selling")]
    assert not am["suppressed"] and am["n_interviewees"] >= 5


# ----------------------------------------------------------------------------- co-occurrence


def test_co_occurrence_counts_and_jaccard():
    coded = pd.DataFrame({
        "segment_id": ["N001-01", "N001-01", "N001-02", "N002-01", "N002-01", "N002-01"],
        "note_id": ["N001", "N001", "N001", "N002", "N002", "N002"],
        "code": ["a", "b", "b", "a", "b", "c"],
    })
    seg = co_occurrence(coded)
    m = seg.pivot(index="code_a", columns="code_b", values="n_both")
    assert m.loc["a", "b"] == m.loc["b", "a"] == 2
    assert m.loc["b", "b"] == 3 and m.loc["a", "c"] == 1
    j = seg.set_index(["code_a", "code_b"])["jaccard"]
    assert j[("a", "b")] == pytest.approx(2 / 3)
    assert j[("a", "a")] == 1
    note = co_occurrence(coded, level="note").set_index(["code_a", "code_b"])
    assert note.loc[("a", "b"), "n_both"] == 2 and note.loc[("b", "b"), "n_a"] == 2
    assert note.loc[("b", "c"), "jaccard"] == pytest.approx(1 / 2)
    with pytest.raises(AnalysisError):
        co_occurrence(coded, level="region")


def test_co_occurrence_with_a_frame_lists_every_code(sample_segments):
    frame = default_code_frame()
    coded = codes_for(sample_segments, frame)
    co = co_occurrence(coded, level="note", frame=frame)
    assert len(co) == len(frame) ** 2
    pair = co.set_index(["code_a", "code_b"]).loc[("price_selling", "free_trial")]
    assert pair["n_both"] >= 3  # price cuts and free trials go together (N002, N011, N022, N033)
