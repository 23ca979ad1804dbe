"""options.py: known label sets, the order of a question's options, question text."""

from __future__ import annotations

import pytest

from casekit.intake.options import answer_order, question_text


@pytest.mark.parametrize(
    ("values", "options", "order"),
    [
        (["女", "男", "女", ""], (), ["男", "女"]),  # string order would put 女 first
        (["40岁及以上", "30-39岁", "30岁以下"], (), ["30岁以下", "30-39岁", "40岁及以上"]),
        (["10组", "2组", "1组"], (), ["1组", "2组", "10组"]),
        (["3年以上", "1年以下", "1-3年"], (), ["1年以下", "1-3年", "3年以上"]),
        (["满意", "非常满意", "一般"], (), ["一般", "满意", "非常满意"]),
        (["石家庄", "保定", "唐山"], (), ["保定", "唐山", "石家庄"]),  # nothing known: string order
        (["男", "女"], ("女", "男", "未说明"), ["女", "男"]),  # the export's options win
        (["男", "其他"], ("女", "男"), ["其他", "男"]),  # an answer not among the options: no option order
    ],
)
def test_answer_order(values, options, order):
    assert answer_order(values, options) == order


@pytest.mark.parametrize(
    ("header", "text"),
    [("1、您的性别", "您的性别"), ("2.服务意识—我会", "服务意识—我会"), ("Q3 岗位", "岗位"), ("第4题(选项)", "(选项)"),
     ("所在班组", "所在班组"), ("2024年业绩", "2024年业绩")],
)
def test_question_text(header, text):
    assert question_text(header) == text
