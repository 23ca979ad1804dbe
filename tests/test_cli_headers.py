"""Every table the command line prints or writes has Chinese headers and numbers fit to read."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from casekit.cli.headers import HEADERS, KINDS, readable


def _schemas():
    from casekit.analysis import (
        coding,
        findings,
        gaps,
        keywords,
        linkage,
        psychometrics,
        quotes,
        reviews_360,
        segments,
        survey_summary,
        visits,
    )
    from casekit.authoring import library
    from casekit.intake import code_frame

    return [gaps.GAP_TABLE_SCHEMA, findings.FINDINGS_SCHEMA, linkage.LINKAGE_SCHEMA, linkage.VISIT_LINKAGE_SCHEMA,
            visits.TIME_ALLOCATION_SCHEMA, visits.QUESTION_SCHEMA, visits.FUNNEL_SCHEMA, visits.BEHAVIOUR_SCHEMA,
            visits.OUTCOME_SCHEMA, reviews_360.SUMMARY_SCHEMA, reviews_360.MANAGER_REVIEW_SCHEMA,
            reviews_360.GAP_SCHEMA, coding.code_frequency_schema(("top_region_id",)), coding.CO_OCCURRENCE_SCHEMA,
            code_frame.CODE_FRAME_TABLE_SCHEMA, quotes.QUOTE_SCHEMA, keywords.distinctive_schema(),
            keywords.distinctive_schema(item="code"), library.LIBRARY_SCHEMA, psychometrics.RELIABILITY_SCHEMA,
            survey_summary.DIFFERENCE_SCHEMA, survey_summary.CROSSTAB_SCHEMA, segments.SEGMENT_ASSIGNMENT_SCHEMA]


# the CLI's own overrides, where a shared column name means something else in that table
_OVERRIDES = {"case library": {"region": "地区"}, "code frame": {"group": "主题类别编号", "group_label": "主题类别"}}


@pytest.mark.parametrize("schema", _schemas(), ids=lambda s: s.name)
def test_every_column_the_cli_shows_gets_a_distinct_chinese_header(schema):
    shown = readable(pd.DataFrame(columns=list(schema.names)), _OVERRIDES.get(schema.name))
    english = [h for h in shown.columns if re.search(r"[A-Za-z]{2,}|_", str(h))]
    assert not english, f"{schema.name}: no Chinese header for {english}"
    assert len(set(shown.columns)) == len(shown.columns)


def test_the_mapping_declares_a_known_kind_for_every_column():
    assert {kind for _, kind in HEADERS.values()} <= set(KINDS)


def test_numbers_are_rounded_shares_become_percentages_and_ids_keep_their_column():
    table = pd.DataFrame({
        "dimension": ["product", "sales"], "dimension_label": ["产品", "销售"], "n": [14, 12],
        "mean": [3.4107142857142856, np.nan], "share_below": [0.5714285714285714, 1.0],
        "p": [0.000412, 0.04951], "suppressed": [False, True], "codes": [("a", "b"), ()],
    })
    shown = readable(table)
    assert list(shown.columns) == ["维度编号", "维度", "人数", "均分", "低于目标的比例（%）", "p值", "人数不足不显示", "主题"]
    assert shown["维度编号"].tolist() == ["product", "sales"]  # the stable id, unchanged
    assert shown["均分"].iloc[0] == 3.41 and pd.isna(shown["均分"].iloc[1])
    assert shown["低于目标的比例（%）"].tolist() == [57.1, 100.0]
    assert shown["p值"].tolist() == [0.0, 0.05]
    assert shown["人数不足不显示"].tolist() == ["否", "是"]
    assert shown["主题"].tolist() == ["a、b", ""]
    assert table.columns[0] == "dimension"  # the caller's frame is not changed


def test_two_columns_with_one_header_are_a_mapping_mistake():
    with pytest.raises(ValueError, match="地区编号"):
        readable(pd.DataFrame(columns=["region", "top_region_id"]))


def test_the_interval_of_a_rate_is_shown_in_percent_like_the_rate():
    from casekit.cli.headers import SHARE_INTERVAL

    rates = pd.DataFrame({"rate": [0.2], "ci_low": [0.0567], "ci_high": [0.5098]})
    assert readable(rates, SHARE_INTERVAL).iloc[0].tolist() == [20.0, 5.7, 51.0]
    assert list(readable(rates, SHARE_INTERVAL).columns) == ["占拜访次数（%）", "区间下限（%）", "区间上限（%）"]
    assert readable(rates).iloc[0].tolist() == [20.0, 0.06, 0.51]  # a score's interval: two decimals
