"""export_codebook.py: what a question must say for its dimension to be taken without asking."""

from __future__ import annotations

import pytest

from casekit.intake.export_codebook import named_dimension, stored_name


@pytest.mark.parametrize("text, dimension", [
    ("产品", "product"),
    ("一、产品知识", "product"),
    ("第二部分 行业纬度", "industry"),
    ("3、客户知识：请评价以下说法与您的符合程度", "customer"),
    ("【销售】拜访时我先问客户的需求", "sales"),
    ("（沟通能力）客户愿意和我谈经营中的难处", "communication"),
    ("市场分析与策略", "strategy"),        # not 市场 (market): the longer name is meant
    ("过程控制—我清楚每位客户经理的时间分配", "process"),
])
def test_a_question_naming_a_dimension(text, dimension):
    assert named_dimension(text) == dimension


@pytest.mark.parametrize("text", [
    "我能说清主推产品的资费和套餐",        # mentions 产品, names nothing
    "请评价以下说法与您的符合程度",
    "我用客户管理表记录每个重点客户的情况",
    "【产品】【销售】两方面都有",            # two dimensions: none
    "",
])
def test_a_statement_that_only_mentions_a_dimension_names_none(text):
    assert named_dimension(text) is None


def test_an_export_is_stored_under_a_name_the_readers_do_not_skip():
    assert stored_name("D:/下载/_问卷星导出.xlsx") == "问卷星导出.xlsx"
    assert stored_name(".导出.csv") == "导出.csv"
    assert stored_name("_.xlsx") == "export.xlsx"
    assert stored_name("问卷星导出.xlsx") == "问卷星导出.xlsx"
