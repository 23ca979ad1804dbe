"""Client-facing tables never reveal a group smaller than the anonymity threshold."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from casekit.reports.tables import MISSING, respondent_counts


class _Manifest:
    """The two manifest methods respondent_counts needs: a province with three cities."""

    names = {"hebei": "河北", "shijiazhuang": "石家庄", "baoding": "保定", "tangshan": "唐山"}

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
