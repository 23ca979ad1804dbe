"""The case library: index of cases and role-plays, and its filters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from casekit.authoring.library import (
    LIBRARY_COLUMNS,
    LibraryError,
    case_library,
    filter_library,
    library_cases,
    library_problems,
)

LIBRARY = Path(__file__).parent / "fixtures" / "case_library"


@pytest.fixture(scope="module")
def lib() -> pd.DataFrame:
    return case_library(LIBRARY)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["id"])


def test_index_has_one_row_per_file_sorted_by_id(lib):
    assert tuple(lib.columns) == LIBRARY_COLUMNS
    assert ids(lib) == ["factory_broadband", "hospital_price_war", "hotel_monitoring",
                        "rp_hotel_manager", "rp_price_war", "school_website"]
    # a folder without a bundle: no complaints about a missing manifest or catalogue
    assert library_problems(lib) == []


def test_index_labels(lib):
    row = lib.set_index("id").loc["hotel_monitoring"]
    assert (row["kind"], row["kind_label"]) == ("case", "案例")
    assert (row["industry"], row["industry_label"]) == ("hotel", "酒店")
    assert row["products"] == ("宽视界",)
    assert row["product_ids"] == ("video_monitoring",)
    assert row["product_labels"] == ("宽带监控",)
    assert (row["funnel_stage"], row["funnel_stage_label"], row["funnel_step"]) == ("pain_development", "发展痛点", 5)
    assert (row["outcome"], row["outcome_label"]) == ("success", "成功")
    assert row["modules"] == ("am_needs_basics",)
    assert row["module_titles"] == ("基础篇 客户需求分析",)
    assert (row["status"], row["status_label"]) == ("reviewed", "已审阅")
    assert row["n_sources"] == 2
    assert row["roleplays"] == ("rp_hotel_manager",)
    assert row["file"] == "cases/hotel_monitoring.md"
    # without a manifest the region stays as written and has no Chinese name
    assert row["region_id"] == "baoding" and pd.isna(row["region"])


def test_industry_written_as_label_is_resolved(lib):
    row = lib.set_index("id").loc["hospital_price_war"]
    assert (row["industry"], row["industry_label"]) == ("hospital", "医院")
    assert row["outcome_label"] == "失败"
    assert row["module_titles"] == ("领导：辨识电信营销的明天", "电信的转型")


def test_roleplay_rows(lib):
    row = lib.set_index("id").loc["rp_price_war"]
    assert (row["kind"], row["kind_label"], row["case"], row["minutes"]) == ("roleplay", "角色扮演",
                                                                             "hospital_price_war", 25)
    assert row["roleplays"] == ()


def test_filter_by_chinese_industry_label_and_alias(lib):
    assert ids(filter_library(lib, industry="医院")) == ["hospital_price_war", "rp_price_war"]
    assert ids(filter_library(lib, industry="宾馆")) == ["hotel_monitoring", "rp_hotel_manager"]
    assert ids(filter_library(lib, industry="hotel", kind="案例")) == ["hotel_monitoring"]


def test_filter_by_product_local_or_canonical_name(lib):
    by_local = ids(filter_library(lib, product="宽视界"))
    assert by_local == ["hotel_monitoring", "rp_hotel_manager"]
    # another region's local name and the canonical id find the same cases
    assert ids(filter_library(lib, product="全球眼")) == by_local
    assert ids(filter_library(lib, product="video_monitoring")) == by_local
    # written as a canonical id in one file, as a label in another
    assert ids(filter_library(lib, product="混合组网")) == ["hospital_price_war", "rp_price_war"]


def test_filter_by_module_id_or_title(lib):
    assert ids(filter_library(lib, module="am_transformation")) == ["hospital_price_war", "rp_price_war"]
    assert ids(filter_library(lib, module="基础篇 客户需求分析")) == ["hotel_monitoring", "rp_hotel_manager"]
    assert ids(filter_library(lib, module=["sm_leadership", "se_customer_problem"])) == [
        "factory_broadband", "hospital_price_war"]


def test_filter_other_keys_and_combinations(lib):
    assert ids(filter_library(lib, outcome="失败", kind="case")) == ["factory_broadband", "hospital_price_war"]
    assert ids(filter_library(lib, funnel_stage="找到切入点")) == ["school_website"]
    assert ids(filter_library(lib, status="草稿")) == ["rp_price_war", "school_website"]
    assert ids(filter_library(lib, region="beijing")) == ["hospital_price_war", "rp_price_war"]
    assert ids(filter_library(lib)) == ids(lib)
    empty = filter_library(lib, industry="酒店", outcome="failure")
    assert empty.empty and tuple(empty.columns) == LIBRARY_COLUMNS


@pytest.mark.parametrize("kwargs", [{"industry": "酒家"}, {"product": "不存在的产品"}, {"module": "am_nothing"},
                                    {"outcome": "won"}, {"region": "上海"}, {"kind": "story"}])
def test_unknown_filter_values_raise(lib, kwargs):
    with pytest.raises(LibraryError):
        filter_library(lib, **kwargs)


def test_library_cases_reads_rows_back(lib):
    items = library_cases(filter_library(lib, industry="酒店"))
    assert [(i.id, i.kind) for i in items] == [("hotel_monitoring", "case"), ("rp_hotel_manager", "roleplay")]
    assert "教学要点" in items[0].sections


def test_cases_folder_itself_is_accepted():
    assert ids(case_library(LIBRARY / "cases")) == ids(case_library(LIBRARY))


def test_missing_folder_raises(tmp_path):
    with pytest.raises(LibraryError):
        case_library(tmp_path / "nowhere")


def test_empty_bundle_gives_empty_library(mini_copy):
    lib = case_library(mini_copy())
    assert lib.empty and tuple(lib.columns) == LIBRARY_COLUMNS


# -- with a bundle: manifest names, cities, catalogue local names --------------------------------


@pytest.fixture
def bundle_lib(mini_copy) -> pd.DataFrame:
    catalogue = (Path(__file__).parent / "fixtures" / "bundles" / "mini" / "catalogue" / "hebei.csv").read_text(
        encoding="utf-8")
    catalogue = catalogue.rstrip("\n") + "\n店铺看家宝,video_monitoring,,,,,,\n"
    extra = (LIBRARY / "cases" / "factory_broadband.md").read_text(encoding="utf-8")
    extra = (extra.replace("id: factory_broadband", "id: shop_camera")
             .replace("products: [商务宽带]", "products: [店铺看家宝]"))
    root = mini_copy({"catalogue/hebei.csv": catalogue, "cases/shop_camera.md": extra})
    for path in (LIBRARY / "cases").glob("*.md"):
        shutil.copy(path, root / "cases" / path.name)
    return case_library(root)


def test_bundle_regions_get_manifest_names(bundle_lib):
    row = bundle_lib.set_index("id").loc["hotel_monitoring"]
    assert (row["region_id"], row["region"], row["top_region_id"]) == ("baoding", "保定", "hebei")
    assert bundle_lib.set_index("id").loc["hospital_price_war", "region"] == "北京"


def test_bundle_region_filter_takes_cities_along(bundle_lib):
    assert ids(filter_library(bundle_lib, region="河北", kind="case")) == [
        "factory_broadband", "hotel_monitoring", "school_website", "shop_camera"]
    assert ids(filter_library(bundle_lib, region="保定")) == ["hotel_monitoring", "rp_hotel_manager"]


def test_bundle_catalogue_local_name(bundle_lib):
    row = bundle_lib.set_index("id").loc["shop_camera"]
    assert row["products"] == ("店铺看家宝",) and row["product_ids"] == ("video_monitoring",)
    # the local name of one region finds the same product under another region's local name
    assert ids(filter_library(bundle_lib, product="宽视界", kind="case")) == ["hotel_monitoring", "shop_camera"]
    assert ids(filter_library(bundle_lib, product="店铺看家宝", kind="case")) == ["hotel_monitoring", "shop_camera"]


def test_loaded_bundle_is_accepted(mini_copy):
    from casekit.intake import load_bundle

    root = mini_copy()
    shutil.copytree(LIBRARY / "cases", root / "cases")
    lib = case_library(load_bundle(root))
    assert ids(lib) == ids(case_library(LIBRARY))
    assert lib.set_index("id").loc["factory_broadband", "region"] == "石家庄"
