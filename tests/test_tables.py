"""Client-facing tables never reveal a group smaller than the anonymity threshold."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import ClassVar

import pandas as pd

from casekit import formatting
from casekit.analysis import weakest_dimensions
from casekit.curriculum import load_outlines, tailor_outline
from casekit.reports.tables import (
    MISSING,
    SMALL_CELL,
    comparison_table,
    outline_table,
    respondent_counts,
    weakest_table,
)
from casekit.reports.tables import count_label as tables_count_label


class _Manifest:
    """The two manifest methods respondent_counts needs: a province with three cities."""

    names: ClassVar[dict[str, str]] = {
        "hebei": "河北", "shijiazhuang": "石家庄", "baoding": "保定", "tangshan": "唐山"
    }

    def descendants(self, region_id: str) -> list[str]:
        return ["hebei", "shijiazhuang", "baoding", "tangshan"] if region_id == "hebei" else [region_id]

    def name(self, region_id: str) -> str:
        return self.names[region_id]


def _bundle(counts: dict[tuple[str, str], int]) -> SimpleNamespace:
    rows = [
        {"respondent_id": f"{population}-{city}-{i}", "region_id": city, "population": population}
        for (population, city), n in counts.items()
        for i in range(n)
    ]
    return SimpleNamespace(manifest=_Manifest(), respondents=pd.DataFrame(rows))


def test_small_counts_are_hidden_but_totals_shown():
    table = respondent_counts(
        _bundle({("account_manager", "shijiazhuang"): 6, ("account_manager", "baoding"): 2,
                 ("account_manager", "tangshan"): 3}),
        "hebei",
    )
    row = table.loc["政企客户经理"]
    assert row["石家庄"] == "6"
    assert row["保定"] == "<5" and row["唐山"] == "<5"
    assert row["合计"] == "11"


def test_a_single_hidden_count_cannot_be_recovered_from_the_total():
    table = respondent_counts(
        _bundle({("account_manager", "shijiazhuang"): 9, ("account_manager", "baoding"): 7,
                 ("account_manager", "tangshan"): 2}),
        "hebei",
    )
    row = table.loc["政企客户经理"]
    assert row["唐山"] == "<5"
    # 18 - 9 - 7 would give 唐山 away: the smallest other count is hidden too
    assert row["保定"] == MISSING
    assert row["石家庄"] == "9"
    assert row["合计"] == "18"


def test_rows_without_small_cells_are_shown_in_full():
    table = respondent_counts(
        _bundle({("support_engineer", "shijiazhuang"): 5, ("support_engineer", "baoding"): 8}),
        "hebei",
    )
    row = table.loc["支撑人员"]
    assert (row["石家庄"], row["保定"], row["合计"]) == ("5", "8", "13")


# -- comparison_table, weakest_table, outline_table ----------------------------------------------


def _comparison() -> pd.DataFrame:
    """A compare_region-shaped table: one shown, one suppressed, one with hidden others."""
    nan = float("nan")
    return pd.DataFrame(
        {
            "population": ["account_manager"] * 3 + ["support_engineer"],
            "dimension": ["industry", "sales", "time", "product"],
            "dimension_label": ["行业", "销售", "时间", "产品"],
            "n": [9, 3, 7, 6],
            # 2.334 and 3.216 print as 2.33 and 3.22: 差值 must read −0.89
            "mean": [2.334, nan, 3.9, 4.0],
            "others_n": [11, 17, 0, 8],
            "others_mean": [3.216, nan, nan, 3.5],
            "all_n": [20, 17, 7, 14],
            "all_mean": [2.82, nan, 3.9, 3.71],
            "diff": [2.334 - 3.216, nan, nan, 0.5],
            "rank": pd.array([1, pd.NA, 2, 1], dtype="Int64"),
            "suppressed": [False, True, False, False],
        }
    )


def test_comparison_table_has_chinese_headers_and_string_cells():
    table = comparison_table(_comparison())
    assert list(table.columns) == [
        "岗位类别", "维度", "本地区人数", "本地区均分", "其他地区均分", "全部地区均分", "差值", "本地区排名"
    ]
    assert table["岗位类别"].tolist() == ["政企客户经理"] * 3 + ["支撑人员"]
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_comparison_table_hides_suppressed_cells():
    table = comparison_table(_comparison(), "account_manager")
    assert table.index.name == "维度" and "岗位类别" not in table.columns
    sales = table.loc["销售"]
    assert sales["本地区人数"] == "<5"
    for column in ("本地区均分", "其他地区均分", "全部地区均分", "差值", "本地区排名"):
        assert sales[column] == MISSING, column
    time = table.loc["时间"]  # nobody else to compare with
    assert (time["本地区均分"], time["其他地区均分"], time["差值"]) == ("3.90", MISSING, MISSING)


def test_comparison_table_never_shows_a_mean_the_threshold_forbids():
    leaky = _comparison()
    leaky.loc[1, ["mean", "diff", "others_mean"]] = (1.5, -1.0, 2.5)  # not suppressed upstream
    leaky.loc[1, "rank"] = 1
    sales = comparison_table(leaky, "account_manager").loc["销售"]
    assert (sales["本地区人数"], sales["本地区均分"], sales["差值"], sales["本地区排名"]) == (
        "<5", MISSING, MISSING, MISSING
    )


def test_differences_are_those_of_the_means_shown():
    table = comparison_table(_comparison())
    assert table.loc[0, ["本地区均分", "其他地区均分", "差值"]].tolist() == ["2.33", "3.22", "−0.89"]
    assert table.loc[3, "差值"] == "+0.50"
    for _, row in table.iterrows():
        if row["差值"] != MISSING:
            shown = float(row["本地区均分"]) - float(row["其他地区均分"])
            assert float(row["差值"].replace("−", "-")) == round(shown, 2)
            assert "-" not in row["差值"]  # one minus sign style: U+2212


def test_weakest_table():
    comparison = _comparison()
    weakest = weakest_dimensions(comparison, "account_manager", k=3)
    table = weakest_table(weakest)
    assert table.index.name == "排名" and table.index.tolist() == [1, 2]
    assert list(table.columns) == ["维度", "本地区均分", "其他地区均分", "差值", "人数"]
    assert table.loc[1].tolist() == ["行业", "2.33", "3.22", "−0.89", "9"]
    assert table.loc[2].tolist() == ["时间", "3.90", MISSING, MISSING, "7"]


def _tailored(min_n: int = 5):
    comparison = _comparison()
    comparison["population"] = "sales_manager"
    comparison["dimension"] = ["leadership", "strategy", "process", "extra"]
    comparison["dimension_label"] = ["领导力", "市场分析与策略", "过程管理", "其他"]
    outline = load_outlines()["sales_manager"]
    return tailor_outline(outline, comparison, outline.days_min + 0.25, min_n=min_n)


def test_outline_table_shows_full_reasons_and_each_adjustment_once():
    tailored = _tailored()
    table = outline_table(tailored)
    assert table.index.name == "序号" and table.index.tolist() == list(range(1, len(tailored.table) + 1))
    assert list(table.columns) == ["模块", "对应维度", "建议天数", "可选范围（天）", "互动比例", "依据"]
    assert table["依据"].tolist() == tailored.table["reason"].tolist()  # full, not cut
    assert max(len(r) for r in table["依据"]) > 50  # longer than pandas' default column width
    for reason, adjustment in zip(table["依据"], tailored.table["adjustment"]):
        if adjustment:
            assert reason.count(adjustment) == 1
    assert "「市场分析与策略」样本不足（少于5人）" in " ".join(table["依据"])
    assert not re.search(r"n=[0-4]\D", " ".join(table["依据"]))


def test_outline_table_days_and_shares():
    tailored = _tailored()
    table = outline_table(tailored)
    row = tailored.table.iloc[0]
    assert table.loc[1, "建议天数"] == f"{row['days']:g}"
    assert table.loc[1, "可选范围（天）"] == f"{row['days_min']:g}–{row['days_max']:g}"
    assert table.loc[1, "互动比例"].endswith("%")
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_outline_table_appends_an_adjustment_the_reason_lacks():
    tailored = _tailored()
    short = tailored.table.copy()
    short.loc[0, "reason"] = "「领导力」维度均分 2.33（n=9）"
    short.loc[0, "adjustment"] = "预算不足，由 1 天压至下限"
    table = outline_table(SimpleNamespace(table=short))
    assert table.loc[1, "依据"] == "「领导力」维度均分 2.33（n=9）；预算不足，由 1 天压至下限"


def test_count_helpers_stay_importable_from_tables():
    assert tables_count_label is formatting.count_label
    assert (SMALL_CELL, MISSING) == ("<5", "—")
