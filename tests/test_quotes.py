"""Quotes with provenance; industries and products named in notes (tags, labels, local names)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit.analysis.coding import codes_for
from casekit.analysis.quotes import (
    ELLIPSIS,
    QUOTE_COLUMNS,
    MentionMatcher,
    find_quotes,
    industries_in,
    products_in,
    trim_quote,
)
from casekit.exceptions import AnalysisError
from casekit.intake import load_bundle
from casekit.intake.code_frame import default_code_frame
from casekit.intake.note_segments import note_segments

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def segments(sample):
    return note_segments(sample)


@pytest.fixture(scope="module")
def coded(segments):
    return codes_for(segments, default_code_frame())


# ----------------------------------------------------------------------------- mentions


def test_longest_name_wins():
    m = MentionMatcher()
    assert m.products("宽带监控演示时画面卡住了") == ("video_monitoring",)  # not 宽带 (broadband)
    assert m.products("学校的固话、宽带一直是我们的") == ("broadband",)
    assert products_in("宽视界，场景监控") == ("video_monitoring",)


def test_numbers_are_not_products_inside_longer_numbers():
    assert products_in("老板问天翼189能不能组网，电话 0771-5381234") == ("mobile_c",)
    assert products_in("手机 13189012345") == ()
    assert products_in("114查号推广") == ("hotline_114",)


def test_local_names_come_from_the_catalogue(sample):
    m = MentionMatcher(sample.catalogue)
    assert products_in("视频看店的演示账号过期了") == ()  # not a casekit name …
    assert m.products("视频看店的演示账号过期了") == ("video_monitoring",)  # … but Nanning's
    assert m.products("商务快车里面的进销存模块") == ("business_navigator",)
    assert m.products("商务领航CRM模块能不能做复诊提醒") == ("crm_module",)  # Hebei's name, whole
    assert m.products("全球眼和商务组网") == ("video_monitoring", "hybrid_network")
    assert m.product_id("企业虚拟网") == "hybrid_network" and m.product_id("天翼") == "mobile_c"
    assert m.product_id("不存在的产品") is None


def test_industries_by_label_and_alias_and_generic_words_only_as_tags():
    assert industries_in("华夏宾馆那边跟了快两个月") == ("hotel",)
    assert industries_in("一所民办小学，学校招生") == ("education",)
    m = MentionMatcher()
    assert m.industries("前台、客房、餐饮各自有什么麻烦") == ()  # a hotel's restaurant is not a bakery
    assert m.of_tags(["餐饮", "电脑"]) == (("bakery",), ("pc_bundle",))
    assert m.products("只有两台电脑和一面电视墙") == ()


# ----------------------------------------------------------------------------- trimming


def test_trim_quote_centres_on_the_keyword():
    text = "甲" * 50 + "价格战" + "乙" * 50
    quote = trim_quote(text, 50, 53, width=13)
    assert quote == ELLIPSIS + "甲" * 5 + "价格战" + "乙" * 5 + ELLIPSIS
    assert trim_quote("短句。", 0, 2, width=80) == "短句。"
    assert trim_quote(text, width=10) == "甲" * 10 + ELLIPSIS
    assert trim_quote("第一行\n第二行", width=80) == "第一行 第二行"


def test_trim_quote_prefers_sentence_boundaries():
    text = "前面说了很多别的事情。客户经理开场就讲优惠，后来又申请了八折。再后面还有很多很多别的话题要讲的"
    at = text.index("优惠")
    quote = trim_quote(text, at, at + 2, width=30)
    assert quote.startswith(ELLIPSIS + "客户经理开场") and "优惠" in quote
    assert quote.endswith("八折。" + ELLIPSIS)


# ----------------------------------------------------------------------------- find_quotes


def test_quotes_by_local_product_name_find_the_segment_that_names_it(segments, coded, sample):
    quotes = find_quotes(segments, coded, product="视频看店", catalogue=sample.catalogue)
    assert list(quotes.columns) == list(QUOTE_COLUMNS)
    n016 = quotes.loc[quotes["note_id"] == "N016"]
    expected = segments.loc[(segments["note_id"] == "N016") & segments["text"].str.contains("视频看店"), "segment_id"]
    assert n016["segment_id"].tolist() == expected.tolist()
    row = n016.iloc[0]
    note = sample.notes.set_index("note_id").loc["N016"]
    assert (row["region_id"], row["top_region_id"], row["population"], row["method"]) == (
        "nanning", "nanning", "account_manager", "interview")
    assert row["interviewee"] == note["interviewee"] and row["file"] == "notes/N016.md"
    assert row["date"] == note["date"]
    assert row["keyword"] == "视频看店" and "视频看店" in row["quote"]
    assert "video_monitoring" in row["products"] and "mobile_c" in row["products"]
    # the same product under its Hebei name is found too (canonical product)
    assert "N005" in set(quotes["note_id"]) and "N026" in set(quotes["note_id"])
    # only the segments naming it, not every paragraph of a note tagged with it
    assert set(quotes.loc[quotes["note_id"] == "N005", "segment_id"]) == set(
        segments.loc[(segments["note_id"] == "N005") & segments["text"].str.contains("宽视界"), "segment_id"])


def test_quotes_by_code_are_trimmed_around_the_keyword(segments, coded):
    quotes = find_quotes(segments, coded, code="推销方式错误（价格战）", region="hebei", width=30,
                         frame=default_code_frame())
    assert {"N002", "N004", "N011", "N033"} <= set(quotes["note_id"])
    assert (quotes["top_region_id"] == "hebei").all()
    for quote, keyword, text in zip(quotes["quote"], quotes["keyword"], quotes["text"]):
        assert keyword and keyword in quote
        # a quotation cut by the window is finished when it ends within a quarter of the width
        assert len(quote.replace(ELLIPSIS, "")) <= 30 + 30 // 4 and _balanced(quote)
        if len(text) > 30:
            assert ELLIPSIS in quote
    city = find_quotes(segments, coded, code="price_selling", region="shijiazhuang")
    assert set(city["note_id"]) == {"N002", "N004"}


def test_region_names_with_the_manifest(segments, coded, sample):
    by_name = find_quotes(segments, coded, code="price_selling", region="石家庄市", manifest=sample.manifest)
    assert set(by_name["note_id"]) == {"N002", "N004"}
    province = find_quotes(segments, coded, code="price_selling", region="河北", manifest=sample.manifest)
    assert province["segment_id"].tolist() == find_quotes(segments, coded, code="price_selling",
                                                          region="hebei")["segment_id"].tolist()
    with pytest.raises(AnalysisError, match="region"):
        find_quotes(segments, coded, region="火星", manifest=sample.manifest)


def test_quotes_by_industry_use_tags_and_text(segments, coded):
    quotes = find_quotes(segments, coded, industry="宾馆")
    notes = set(quotes["note_id"])
    assert {"N002", "N031", "N032"} <= notes
    # N031 is only tagged 酒店: all its paragraphs; N032 only names 酒店 in one paragraph
    assert len(quotes.loc[quotes["note_id"] == "N031"]) == (segments["note_id"] == "N031").sum()
    assert len(quotes.loc[quotes["note_id"] == "N032"]) == 1
    assert all("hotel" in i for i in quotes["industries"])


def test_filters_combine(segments, coded):
    q = find_quotes(segments, coded, population="支撑人员", text="术语")
    assert set(q["note_id"]) == {"N025"} and (q["population"] == "support_engineer").all()
    assert q["keyword"].tolist() == ["术语"]
    assert len(find_quotes(segments, coded, limit=3)) == 3
    assert find_quotes(segments, coded, code="jargon", region="nanning").empty is False
    assert find_quotes(segments, coded, text="ＭＰＬＳ")["note_id"].tolist() == ["N018"]


def test_unknown_filters_are_errors(segments, coded):
    with pytest.raises(AnalysisError, match="industry"):
        find_quotes(segments, coded, industry="航天")
    with pytest.raises(AnalysisError, match="product"):
        find_quotes(segments, coded, product="飞船")
    with pytest.raises(AnalysisError, match="population"):
        find_quotes(segments, coded, population="司机")
    with pytest.raises(AnalysisError, match="code"):
        find_quotes(segments, coded, code="no_such_code")
    with pytest.raises(AnalysisError, match="coded"):
        find_quotes(segments, None, code="jargon")


def test_same_input_same_quotes(segments, coded, sample):
    a = find_quotes(segments, coded, product="宽带监控", catalogue=sample.catalogue)
    b = find_quotes(segments.copy(), coded.copy(), product="宽带监控", catalogue=sample.catalogue)
    pd.testing.assert_frame_equal(a, b)


def test_a_number_that_is_a_quantity_is_not_a_product():
    # 114间房 and 189万 are a hotel's rooms and turnover, not the products 114 and 189
    from casekit.analysis.quotes import MentionMatcher
    from casekit.intake import load_bundle
    from casekit.paths import SAMPLE_BUNDLE

    matcher = MentionMatcher(load_bundle(SAMPLE_BUNDLE).catalogue)
    assert [m.term for m in matcher.find("有114间房，去年营业额189万元", "hebei")] == []
    assert [m.term for m in matcher.find("打114查号，用189手机", "hebei")] == ["114", "189"]


def _balanced(quote: str) -> bool:
    """Every quotation mark of an excerpt closed, in order."""
    stack: list[str] = []
    for ch in quote:
        if ch == '"' and stack and stack[-1] == '"':
            stack.pop()
        elif ch in "“「\"":
            stack.append(ch)
        elif ch in "”」":
            if not stack or {"”": "“", "」": "「"}[ch] != stack.pop():
                return False
    return not stack


def test_trim_quote_never_cuts_a_quotation_open():
    # the sample's N005: the cut fell inside 客户经理问"那您现在怎么知道店里的情况？"
    text = ('分工事先商量过：客户经理负责问，支撑人员负责演示，不抢话。老板娘抱怨收银台差错多、夜里仓库进过人，'
            '客户经理问"那您现在怎么知道店里的情况？"——"只能一家一家跑。"')
    for width in range(8, len(text)):
        for at in (0, text.index("收银台"), text.index("那您"), text.index("一家一家")):
            quote = trim_quote(text, at, at + 2, width=width)
            assert _balanced(quote), (width, at, quote)
            assert text[at:at + 2] in quote
    # a quotation that closes a few characters after the cut is taken in whole
    assert trim_quote(text, 0, 2, width=72).endswith('店里的情况？"' + ELLIPSIS)
    # one that runs on far is left out or closed after the ellipsis, never left open
    long_quote = "他说：“" + "甲" * 60 + "”。"
    assert trim_quote(long_quote, 0, 2, width=20) == "他说：“" + "甲" * 16 + ELLIPSIS + "”"
    # begun inside a quotation: its opening mark comes first
    assert trim_quote(long_quote, 40, 42, width=10).startswith("“" + ELLIPSIS)
