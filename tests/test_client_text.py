"""The client-text check: what a client must not read, found and said in Chinese."""

from __future__ import annotations

import pytest

from casekit.reports.client_text import (
    ANALYST_TERMS,
    allowed_words_for,
    client_text_problems,
    html_visible_text,
)

# sentences of the Beijing region report as built before issue 14 (/tmp/bj.txt), kept verbatim
SPEARMAN = ("利用全部地区客户经理的数据，看哪些能力自评、时间使用和拜访做法与业绩完成率一同变化"
            "（Spearman 等级相关，范围 −1 到 1）。")
CLUSTERING = "根据全部地区客户经理的问卷得分、时间使用和随访中观察到的拜访做法，用聚类分析把客户经理分成几种类型"
OJT = "讲授：有效授权；建立OJT制度；领导者失败的五大诱惑"
PRODUCTS = "本地产品：商务光速·10M光纤接入、114商户推广·114首位推荐、商务领航·标准版（含邮箱、OA、短信）"
CLEAN = [
    "北京政企客户经理在“销售”上平均 2.87 分，明显低于目标水平 4.00 分（差 −1.13，n=14，区间 −1.64 至 −0.62）。",
    "北京客户经理每次拜访在客户处平均69分钟，路上平均55分钟，路上时间占外出时间的44%；每周约11.2小时在客户处",
    "需要程度在本课程 3 个模块中排第 3，取下限 0.5 天（区间 0.5–1 天）。",
    "每个岗位另有可供客户确认的完整课程大纲（Word 文档）。",
    "调研时间：2008-08 至 2008-10",
]


@pytest.mark.parametrize("text", CLEAN)
def test_plain_report_sentences_pass(text):
    assert client_text_problems(text) == []


def test_an_analyst_term_is_named_with_its_context_and_the_plain_words_to_use():
    (problem,) = client_text_problems(SPEARMAN)
    assert "分析术语“Spearman”" in problem and "等级相关" in problem
    assert "一同变化（Spearman 等级相关" in problem  # a little of the text around it
    assert "英文词" not in problem  # said once, as the term it is

    (problem,) = client_text_problems(CLUSTERING)
    assert "“聚类”" in problem and "分组" in problem


def test_analyst_terms_are_allowed_in_an_appendix_that_explains_them():
    method = ("二是与其他地区比较：用 Welch t 检验比较平均分。各项检验的 p 值用 Benjamini–Hochberg 方法校正；"
              "区间采用 Benjamini–Yekutieli 错误覆盖率区间。分组之间的区分程度（轮廓系数）为 0.49。")
    assert client_text_problems(method, appendix=True) == []
    found = client_text_problems(method)
    assert {"Welch", "t 检验", "p 值", "Benjamini", "Hochberg", "Yekutieli", "轮廓系数"} <= {
        t for t in ANALYST_TERMS if any(f"“{t}”" in p for p in found)}
    # an appendix is still no place for English words or raw numbers
    problems = client_text_problems("稳定性 0.98765（bootstrap of the labels）", appendix=True)
    assert [p.split("”")[0] for p in problems] == ["未经整理的数字“0.98765", "英文词“of", "英文词“the", "英文词“labels"]


def test_english_words_are_found_unless_they_name_a_product_or_a_common_office_word():
    (problem,) = client_text_problems(OJT)
    assert problem.startswith("英文词“OJT”") and "建立OJT制度" in problem
    assert client_text_problems(PRODUCTS) == []  # OA: a word Chinese offices use; 10M: one letter
    assert client_text_problems("商务领航CRM模块 每月200元", allowed_words=["商务领航CRM模块"]) == []
    assert client_text_problems("推荐 iPhone 套餐") and not client_text_problems("推荐 iPhone 套餐",
                                                                               allowed_words=["iPhone"])


@pytest.mark.parametrize("text, piece", [
    ("差距最大的维度：rate_price_first", "rate_price_first"),
    ("类型：segment_name", "segment_name"),
    ("见 casekit.reports.summary", "casekit.reports.summary"),
    ("名称：{region_name}", "{region_name}"),
    ("第1类 featureLabel", "featureLabel"),
])
def test_code_identifiers_are_found(text, piece):
    (problem,) = client_text_problems(text)
    assert problem.startswith(f"程序标识符“{piece}”")


@pytest.mark.parametrize("text, piece", [
    ("轮廓系数0.4900", "0.4900"),
    ("均分 3.4107142857142856 分", "3.4107142857142856"),
    ("p = 1e-05", "1e-05"),
    ("平均 2.5E+03 分钟", "2.5E+03"),
])
def test_raw_floats_are_found(text, piece):
    problems = client_text_problems(text, appendix=True)
    assert any(p.startswith(f"未经整理的数字“{piece}”") for p in problems), problems


@pytest.mark.parametrize("word", ["nan", "None", "True", "NaN", "<NA>"])
def test_printed_missing_and_logical_values_are_found(word):
    (problem,) = client_text_problems(f"本地区均分 {word}，差值 −0.14")
    assert problem.startswith(f"程序的原始值“{word}”")


def test_problems_come_in_the_order_of_the_text():
    problems = client_text_problems(f"{OJT}。{SPEARMAN}均分 nan")
    assert [p[:4] for p in problems] == ["英文词“", "分析术语", "程序的原"]


def test_allowed_words_come_from_the_bundles_catalogue():
    from casekit.intake import load_bundle
    from conftest import BUNDLES

    words = allowed_words_for(load_bundle(BUNDLES / "foreign"))
    assert "八桂商务通" in words and "看店宝（4路）" in words
    assert "商务领航" not in words  # a canonical product id, not a name the region sells under
    assert allowed_words_for(object()) == ()


def test_visible_text_leaves_out_scripts_styles_and_the_head():
    html = ("<html><head><title>x_y</title><style>.a{color:red}</style></head><body><h1>北京</h1>"
            "<script>var rate_price_first = 0.4900;</script><p>均分&nbsp;3.41 分</p>"
            "<img alt='各维度得分' src='a.png'></body></html>")
    text = html_visible_text(html)
    assert text.splitlines() == ["北京", "均分 3.41 分", "各维度得分"]
    assert client_text_problems(text) == []
