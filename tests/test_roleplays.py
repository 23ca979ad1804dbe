"""Drafting a role-play from a case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from casekit.authoring.case_draft import draft_case
from casekit.authoring.cases import (
    ROLEPLAY_SECTIONS,
    RolePlay,
    case_from_markdown,
    role_parts,
    validate_case,
)
from casekit.authoring.roleplays import draft_roleplay, observer_checklist
from casekit.domain import BEHAVIOURS, FUNNEL_STAGES

SAMPLE = Path(__file__).parents[1] / "research_data" / "sample"
FIXTURES = Path(__file__).parent / "fixtures" / "cases"


@pytest.fixture(scope="module")
def sample() -> tuple[Any, Any]:
    from casekit.analysis import analyse_notes
    from casekit.intake import load_bundle

    bundle = load_bundle(SAMPLE)
    return bundle, analyse_notes(bundle)


def minutes_of(rp: RolePlay) -> int:
    return sum(int(m) for m in re.findall(r"(\d+)分钟", rp.sections["时间安排"]))


def test_roleplay_from_the_hotel_case(sample: tuple[Any, Any]) -> None:
    bundle, analysis = sample
    case = draft_case(bundle, "N002", analysis=analysis)
    rp = draft_roleplay(case, bundle=bundle)
    assert rp.id == "R002" and rp.case == "C002" and rp.minutes == 30 and rp.status == "draft"
    assert list(rp.sections) == list(ROLEPLAY_SECTIONS)
    assert rp.roles[:2] == ("客户经理", "支撑人员")
    assert "总经理" in rp.roles  # the decision maker, from the product's departments
    parts = role_parts(rp)
    assert list(parts) == list(rp.roles)
    for role, got in parts.items():
        assert got.get("目标") and got.get("私人信息"), role
    # the customer's objection from the case is the customer's private information
    customer = next(r for r in rp.roles if r not in ("客户经理", "支撑人员", "总经理"))
    assert "没用过的东西我为什么交钱" in parts[customer]["私人信息"]
    # the support engineer gets the catalogue's customer value
    assert "月底不用再加班对账" in parts["支撑人员"]["私人信息"]
    assert minutes_of(rp) == 30
    assert "华夏宾馆" not in rp.sections["公开信息"] and "王经理" not in str(rp.sections)


def test_checklist_covers_funnel_and_behaviours() -> None:
    checklist = observer_checklist()
    lines = checklist.split("\n")
    assert all(line.startswith("- [ ] ") for line in lines)
    for stage in FUNNEL_STAGES.values():
        assert f"- [ ] {stage.label}：" in checklist
    for behaviour in BEHAVIOURS.values():
        assert f"（{behaviour.label}）" in checklist
    assert "- [ ] 销售拜访：先提问了解客户需求，而不是先介绍产品（提问挖掘需求）" in lines


@pytest.mark.parametrize("minutes", [8, 20, 30, 45, 61, 90])
def test_minutes_add_up(minutes: int) -> None:
    case, _ = case_from_markdown((FIXTURES / "good" / "C001.md").read_text(encoding="utf-8"))
    rp = draft_roleplay(case, minutes=minutes, roleplay_id="R9")
    assert rp.id == "R9" and rp.minutes == minutes and minutes_of(rp) == minutes


def test_too_short() -> None:
    case, _ = case_from_markdown((FIXTURES / "good" / "C001.md").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="8 minutes"):
        draft_roleplay(case, minutes=5)


def test_success_roleplay_validates(sample: tuple[Any, Any], tmp_path: Path) -> None:
    from casekit.authoring.cases import write_case

    bundle, analysis = sample
    case = draft_case(bundle, "N005", analysis=analysis)
    rp = draft_roleplay(case, bundle=bundle, minutes=45)
    assert "老板娘" in rp.roles
    assert "只能一家一家跑" in role_parts(rp)["老板娘"]["私人信息"]
    # the case must exist in cases/ for the role-play to be valid
    assert [p.column for p in validate_case(rp, bundle)] == ["case"]
    import shutil

    root = tmp_path / "b"
    root.mkdir()
    for name in ("manifest.yaml", "catalogue", "notes", "_private"):
        src = SAMPLE / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    write_case(root, case)
    assert validate_case(rp, root) == []


def test_without_bundle_the_gaps_are_marked() -> None:
    case, _ = case_from_markdown((FIXTURES / "good" / "C001.md").read_text(encoding="utf-8"))
    rp = draft_roleplay(case)
    parts = role_parts(rp)
    assert parts["支撑人员"]["私人信息"].startswith("【待补充")
    assert "总经理" not in rp.roles or "客户的经理" in rp.roles
