"""The seed's three course outlines as data (casekit.curriculum.load_outlines)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from casekit.curriculum import CurriculumError, OutlineError, load_outlines
from casekit.curriculum.outlines import default_outlines_path
from casekit.domain import POPULATION_DIMENSIONS
from casekit.exceptions import CasekitError


@pytest.fixture(scope="module")
def outlines():
    return load_outlines()


def modules_by_id(outlines) -> dict[str, Any]:
    return {m.module_id: m for o in outlines.values() for m in o.modules}


# --------------------------------------------------------------------------------------------
# the packaged data is faithful to the seed


def test_three_outlines_with_the_seed_titles(outlines):
    assert {p: o.title for p, o in outlines.items()} == {
        "account_manager": "政企客户经理销售培训",
        "support_engineer": "支撑人员实战销售培训",
        "sales_manager": "基层机构负责人管理培训",
    }


def test_account_manager_parts_keep_the_seed_day_ranges(outlines):
    am = outlines["account_manager"]
    parts = {p.title: p for p in am.parts}
    transformation = parts["第一部分 电信的转型"]
    needs = parts["第二部分 客户需求分析"]
    assert (transformation.days_min, transformation.days_max) == (0.5, 1.0)
    assert (needs.days_min, needs.days_max) == (2.0, 2.5)
    split = [am.module(mid) for mid in needs.module_ids]
    assert [m.title for m in split] == [
        "基础篇 客户需求分析",
        "行业篇 行业解决方案销售",
    ]
    assert (
        sum(m.days_min for m in split) == 2.0 and sum(m.days_max for m in split) == 2.5
    )
    assert am.module("am_transformation").days_source == "seed"
    assert {m.days_source for m in split} == {"seed_split"}


def test_ranges_without_seed_days_are_marked_default(outlines):
    for population in ("sales_manager", "support_engineer"):
        assert {m.days_source for m in outlines[population].modules} == {"default"}


def test_account_manager_industry_cases(outlines):
    industry = outlines["account_manager"].module("am_industry_solutions")
    assert industry.cases == (
        "华夏宾馆的苦恼",
        "惠万家超市的苦恼",
        "汇才小学的苦恼",
        "明大地产的苦恼",
        "开心假期旅行社的苦恼",
        "前翼贸易公司的苦恼",
        "康明灯具厂的苦恼",
    )
    assert "industry" in industry.dimensions
    assert len(industry.chapters) == 7


def test_sales_manager_outline(outlines):
    sm = outlines["sales_manager"]
    assert [p.title for p in sm.parts] == [
        "第一部分 领导：辨识电信营销的明天",
        "第二部分 管理：流程保证结果",
        "第三部分 人员：领导者工作的核心",
    ]
    leadership = sm.module("sm_leadership")
    assert len(leadership.chapters) == 4
    for case in (
        "中、小型医院",
        "中、小型超市",
        "混合组网",
        "酒店",
        "化妆品公司",
        "专科医院",
        "旅行社",
    ):
        assert any(case in c for c in leadership.cases), case
    funnel = sm.module("sm_sales_process")
    steps = [t for t in funnel.topics if t.startswith("第") and "步" in t]
    assert (
        len(steps) == 8
        and steps[0] == "第一步：销售准备"
        and steps[-1].startswith("第八步")
    )
    assert funnel.toolbox == ("目标客户模型", "客户管理表一～四", "产品-需求对照工具箱")
    managing = sm.module("sm_managing_sales")
    assert len([t for t in managing.topics if t.startswith("第") and "步" in t]) == 5
    people = sm.module("sm_people")
    assert any("激励" in t for t in people.topics)
    assert "建立在岗辅导制度" in people.topics and "领导者失败的五大诱惑" in people.topics


def test_support_engineer_outline_has_five_chapters_and_five_key_links(outlines):
    se = outlines["support_engineer"]
    chapters = [c for m in se.modules for c in m.chapters]
    assert [c.split()[0] for c in chapters] == [
        "第一章",
        "第二章",
        "第三章",
        "第四章",
        "第五章",
    ]
    links = se.module("se_key_links").topics
    assert len(links) == 5
    for word in ("产品培训", "配合", "伤口", "价值金三角", "服务营销"):
        assert any(word in link for link in links), word


def test_every_module_is_mostly_interactive_and_trains_its_populations_dimensions(
    outlines,
):
    for population, outline in outlines.items():
        for m in outline.modules:
            assert m.interactive_share >= 0.5, m.module_id
            assert m.dimensions and set(m.dimensions) <= set(
                POPULATION_DIMENSIONS[population]
            ), m.module_id
            assert m.population == population
            assert m.days_min <= m.days_max


def test_content_shared_by_the_layers(outlines):
    mods = modules_by_id(outlines)
    for topic in (
        "销售的本质：帮助客户解决问题",
        "销售人员的三个层次",
        "比较销售流程和购买流程",
    ):
        holders = {m.population for m in mods.values() if topic in m.topics}
        assert holders == {"sales_manager", "support_engineer"}, topic
    assert {
        m.population
        for m in mods.values()
        if "混合组网案例分析：如何跳出价格战的泥潭" in m.cases
    } == {
        "sales_manager",
        "support_engineer",
    }
    assert {m.population for m in mods.values() if "客户的购买类型" in m.topics} == {
        "sales_manager",
        "support_engineer",
        "account_manager",
    }
    assert "account_manager" in mods["sm_leadership"].shared_with


def test_modules_are_frozen_and_ids_unique(outlines):
    mods = [m for o in outlines.values() for m in o.modules]
    assert len({m.module_id for m in mods}) == len(mods)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mods[0].days_max = 9  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# validation errors name the module and the key


def write_variant(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    """Copy the packaged outlines with ``change`` applied to the parsed data."""
    data = yaml.safe_load(default_outlines_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "outlines.yaml"
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def module_raw(data: dict, module_id: str) -> dict:
    for outline in data["outlines"]:
        for part in outline["parts"]:
            for module in part["modules"]:
                if module["id"] == module_id:
                    return module
    raise KeyError(module_id)


def test_reversed_range_names_module_and_key(tmp_path):
    path = write_variant(
        tmp_path, lambda d: module_raw(d, "se_mindset").update(days=[0.5, 0.25])
    )
    with pytest.raises(
        OutlineError,
        match=r"line \d+: module 'se_mindset', key 'days': expected \[min, max\]",
    ):
        load_outlines(path)


def test_dimension_of_another_population_is_rejected(tmp_path):
    path = write_variant(
        tmp_path, lambda d: module_raw(d, "se_mindset").update(dimensions=["industry"])
    )
    with pytest.raises(
        OutlineError,
        match=r"module 'se_mindset', key 'dimensions': expected .*support_engineer.*found \['industry'\]",
    ):
        load_outlines(path)


def test_interactive_share_below_half_is_rejected(tmp_path):
    path = write_variant(
        tmp_path, lambda d: module_raw(d, "sm_people").update(interactive_share=0.4)
    )
    with pytest.raises(
        OutlineError,
        match=r"module 'sm_people', key 'interactive_share': expected a share between 0.5 and 1",
    ):
        load_outlines(path)


def test_seed_range_of_a_part_must_be_kept_when_split(tmp_path):
    path = write_variant(
        tmp_path, lambda d: module_raw(d, "am_needs_basics").update(days=[1.0, 1.5])
    )
    with pytest.raises(
        OutlineError,
        match=r"part #2 '第二部分 客户需求分析', key 'days': expected the modules' ranges to add up to the part's range \[2, 2.5\], found '\[2, 2.75\]",
    ):
        load_outlines(path)


def test_misspelt_and_missing_keys_are_all_reported_at_once(tmp_path):
    def change(d: dict) -> None:
        module = module_raw(d, "am_transformation")
        module["dimension"] = module.pop("dimensions")
        module_raw(d, "se_key_links").update(days=[0.8, 1.25])

    path = write_variant(tmp_path, change)
    with pytest.raises(OutlineError) as info:
        load_outlines(path)
    places = [p.column for p in info.value.problems]
    assert "module 'am_transformation', key 'dimension'" in places
    assert "module 'am_transformation', key 'dimensions'" in places
    assert "module 'se_key_links', key 'days'" in places
    assert list(info.value.to_frame().columns) == [
        "file",
        "row",
        "column",
        "expected",
        "found",
    ]


def test_shared_topic_must_be_in_the_module(tmp_path):
    path = write_variant(
        tmp_path,
        lambda d: module_raw(d, "se_mindset").update(shared_topics=["不存在的话题"]),
    )
    with pytest.raises(
        OutlineError,
        match=r"module 'se_mindset', key 'shared_topics': expected each shared topic to appear",
    ):
        load_outlines(path)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "outlines.yaml"
    path.write_text(
        "outlines:\n  - population: sales_manager\n    title: [unclosed\n",
        encoding="utf-8",
    )
    with pytest.raises(
        OutlineError, match=r"outlines.yaml, line \d+: expected valid YAML"
    ):
        load_outlines(path)


def test_outline_errors_are_casekit_errors():
    assert issubclass(OutlineError, CurriculumError)
    assert issubclass(CurriculumError, CasekitError)


def test_shared_with_a_population_that_lacks_the_content_is_rejected(tmp_path):
    path = write_variant(
        tmp_path,
        lambda d: module_raw(d, "sm_people").update(
            shared_with=["account_manager"], shared_topics=["建立在岗辅导制度"]
        ),
    )
    with pytest.raises(
        OutlineError,
        match=r"line \d+: module 'sm_people', key 'shared_with': expected the outline of account_manager to contain",
    ):
        load_outlines(path)
