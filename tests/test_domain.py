"""The vocabulary resolves what consultants actually write in data files."""

import pytest

from casekit.domain import (
    BEHAVIOURS,
    DIMENSIONS,
    FUNNEL_STAGES,
    POPULATION_DIMENSIONS,
    POPULATIONS,
    PRODUCTS,
    label,
    lookup,
)


@pytest.mark.parametrize(
    ("vocab", "text", "expected"),
    [
        (DIMENSIONS, "行业纬度", "industry"),
        (DIMENSIONS, " 客户 ", "customer"),
        (POPULATIONS, "客户经理", "account_manager"),
        (POPULATIONS, "support_engineer", "support_engineer"),
        (PRODUCTS, "宽视界", "video_monitoring"),
        (FUNNEL_STAGES, "成交", "closing"),
    ],
)
def test_lookup_accepts_ids_labels_and_aliases(vocab, text, expected):
    assert lookup(vocab, text) == expected


def test_lookup_returns_none_for_unknown_text():
    assert lookup(DIMENSIONS, "颜值") is None


def test_every_population_dimension_is_a_known_dimension_with_a_chinese_label():
    for population, dims in POPULATION_DIMENSIONS.items():
        assert population in POPULATIONS
        for dim in dims:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label(DIMENSIONS, dim))


def test_account_managers_have_the_seven_seed_dimensions():
    labels = [label(DIMENSIONS, d) for d in POPULATION_DIMENSIONS["account_manager"]]
    assert labels == ["产品", "行业", "销售", "管理", "时间", "客户", "沟通"]


def test_labels_and_aliases_are_unambiguous_within_each_vocabulary():
    for vocab in (DIMENSIONS, POPULATIONS, PRODUCTS, FUNNEL_STAGES, BEHAVIOURS):
        seen: dict[str, str] = {}
        for term in vocab.values():
            for text in (term.id, term.label, *term.aliases):
                assert seen.setdefault(text, term.id) == term.id, f"{text!r} is ambiguous"
