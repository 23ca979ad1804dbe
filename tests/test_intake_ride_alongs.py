"""ride_alongs.csv: typed columns, products via catalogues, funnel steps, account managers."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import MINI

from casekit.intake import load_bundle, validate_bundle

HEADER = (MINI / "ride_alongs.csv").read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture(scope="module")
def visits():
    return load_bundle(MINI).ride_alongs.set_index("visit_id")


def test_typed_values(visits):
    v = visits.loc["V002"]
    assert v["date"] == pd.Timestamp("2008-09-16")
    assert (v["region_id"], v["top_region_id"]) == ("baoding", "hebei")
    assert v["industry"] == "retail"                       # 超市
    assert (v["minutes_on_site"], v["minutes_travel"], v["question_share"]) == (30, 50, 0.35)
    assert v["behaviours"] == ("asks_needs", "product_demo")
    assert v["outcome"] == "advanced"


def test_products_keep_local_names_and_map_to_canonical_ids(visits):
    assert visits.at["V002", "products_local"] == ("宽视界", "商务领航")
    assert visits.at["V002", "products"] == ("video_monitoring", "business_navigator")
    assert visits.at["V003", "products"] == ("crm_module", "hybrid_network")   # 、-separated aliases


@pytest.mark.parametrize("visit, stage, step", [
    ("V001", "entry_point", 3), ("V002", "pain_development", 5), ("V003", "closing", 7)])
def test_funnel_stage_from_step_label_or_id(visits, visit, stage, step):
    assert (visits.at[visit, "funnel_stage"], visits.at[visit, "funnel_step"]) == (stage, step)


def _problems(mini_copy, row):
    root = mini_copy({"ride_alongs.csv": HEADER + "\n" + row + "\n"})
    return [(p.row, p.column, p.found) for p in validate_bundle(root) if p.file == "ride_alongs.csv"]


def test_account_manager_must_be_an_account_manager_respondent(mini_copy):
    row = "V009,2008-09-15,北京,{},酒店,,商务领航,3,45,40,0.2,,停滞,"
    assert _problems(mini_copy, row.format("13800000007")) == [(2, "account_manager", "13800000007")]
    assert _problems(mini_copy, row.format("13800000001")) == []


def test_local_name_of_another_region_only_if_unambiguous(mini_copy):
    # 宽视界 is only in hebei's catalogue: accepted for a Beijing visit (one meaning)
    row = "V009,2008-09-15,北京,13800000001,酒店,,宽视界,3,45,40,0.2,,停滞,"
    assert _problems(mini_copy, row) == []


def test_negative_minutes_and_empty_required_cells(mini_copy):
    row = "V009,,北京,13800000001,酒店,,商务领航,3,-5,40,0.2,,,"
    assert _problems(mini_copy, row) == [
        (2, "date", "<missing>"), (2, "minutes_on_site", "-5"), (2, "outcome", "<missing>")]
