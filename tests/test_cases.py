"""Cases and role-plays as Markdown with front matter: reading, validation, writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casekit.authoring.cases import (
    CASE_SECTIONS,
    Case,
    RolePlay,
    case_from_markdown,
    case_to_markdown,
    module_marks,
    read_cases,
    resolve_case,
    role_parts,
    validate_case,
    write_case,
)

SAMPLE = Path(__file__).parents[1] / "research_data" / "sample"
FIXTURES = Path(__file__).parent / "fixtures" / "cases"


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample bundle's manifest, catalogue, notes and private tables (all read_cases needs)."""
    root = tmp_path_factory.mktemp("bundle")
    for name in ("manifest.yaml", "catalogue", "notes", "_private"):
        src = SAMPLE / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy(src, root / name)
    return root


def with_cases(root: Path, tmp_path: Path, *folders: str) -> Path:
    target = tmp_path / "b"
    shutil.copytree(root, target)
    (target / "cases").mkdir()
    for folder in folders:
        for f in sorted((FIXTURES / folder).iterdir()):
            shutil.copy(f, target / "cases" / f.name)
    return target


def test_good_cases_read_clean(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    cases, problems = read_cases(root)
    assert problems == []
    case, rp = cases
    assert isinstance(case, Case) and isinstance(rp, RolePlay)
    assert case.kind == "case" and rp.kind == "roleplay"
    assert case.outcome == "failure"  # 失败 accepted and normalised
    assert case.products == ("商务领航·酒店版", "光纤专线")
    assert list(case.sections) == list(CASE_SECTIONS)
    assert case.sections["难题"].startswith("到期要收费")
    assert rp.case == "C001" and rp.minutes == 20
    assert role_parts(rp)["总经理"]["目标"] == "关心能不能减少成本。"
    assert module_marks(case.sections["教学要点"]) == ["am_needs_basics", "am_transformation"]
    assert case.path == root / "cases" / "C001.md"


def test_round_trip(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    cases, _ = read_cases(root)
    out = tmp_path / "out"
    for case in cases:
        write_case(out, case)
    again, _ = read_cases(out)  # no manifest there: format checks only
    assert again == cases
    assert [case_to_markdown(c) for c in again] == [case_to_markdown(c) for c in cases]
    # writing is idempotent, byte for byte
    assert (out / "cases" / "C001.md").read_text(encoding="utf-8") == case_to_markdown(cases[0])


def test_every_problem_at_once_with_lines(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good", "bad")
    cases, problems = read_cases(root)
    assert {c.id for c in cases} >= {"C001", "C011", "C012", "R001", "R010"}
    got = {(p.file, p.row, p.column, p.found) for p in problems}
    expected = {
        ("cases/C010.md", 2, "id", "C011"),                # id ≠ file name
        ("cases/C010.md", 5, "region", "火星"),
        ("cases/C010.md", 6, "industry", "航天"),
        ("cases/C010.md", 8, "funnel_stage", "签单"),
        ("cases/C010.md", 9, "outcome", "平局"),
        ("cases/C010.md", 11, "modules", "am_unknown"),
        ("cases/C010.md", 12, "sources", "XYZ"),
        ("cases/C010.md", 30, "教学要点", "am_nothing"),
        ("cases/C012.md", 7, "products", "商务光速"),      # Beijing's name, not Hebei's
        ("cases/C012.md", 20, "背景", "【待补充：规模】"),  # reviewed case with a gap
        ("cases/C012.md", 22, "背景", "139-1234-5678"),     # personal data
        ("cases/C012.md", 28, "讨论问题", "客户经理问了什么？"),
        ("cases/C013.md", 2, "id", "C012"),
        ("cases/R010.md", 7, "case", "C999"),               # role-play of a missing case
        ("cases/R010.md", 17, "角色", "<missing>"),         # 客户经理 has no 私人信息
        ("cases/R010.md", 27, "时间安排", "15 分钟"),
    }
    assert expected <= got, expected - got
    missing_section = [p for p in problems if p.file == "cases/C010.md" and p.column == "难题"]
    assert missing_section and missing_section[0].found == "<missing>"
    assert any(p.file == "cases/C013.md" and "already used" in p.expected for p in problems)
    assert any(p.file == "cases/C012.md" and "order" in p.expected for p in problems)
    assert any("personal data: 〔手机号〕" in p.expected for p in problems)
    # the good files stay clean next to the bad ones
    assert not [p for p in problems if p.file in ("cases/C001.md", "cases/R001.md")]
    # drafts may keep gaps: C013 is a draft full of 【待补充】 and has no gap problems
    assert not [p for p in problems if p.file == "cases/C013.md" and "待补充" in p.found]


def test_format_problems(tmp_path: Path) -> None:
    case, problems = case_from_markdown("no front matter")
    assert case is None and problems[0].row == 1
    text = "---\nid: C1\nkind: story\ncolour: red\n---\n## 背景\n\nx\n"
    case, problems = case_from_markdown(text)
    found = {(p.row, p.column) for p in problems}
    assert (3, "kind") in found and (4, "colour") in found
    assert (2, "title") in found  # missing required key


def test_validate_case_flags_a_phone_number(bundle_dir: Path) -> None:
    text = (FIXTURES / "good" / "C001.md").read_text(encoding="utf-8")
    case, _ = case_from_markdown(text)
    assert case is not None
    assert validate_case(case, bundle_dir) == []
    sections = dict(case.sections)
    sections["背景"] += "\n联系人电话 13912345678。"
    typed = Case(**{**{k: getattr(case, k) for k in (
        "id", "title", "region", "industry", "products", "funnel_stage", "outcome", "roles", "modules",
        "sources", "status")}, "sections": sections})
    problems = validate_case(typed, bundle_dir)
    assert len(problems) == 1
    p = problems[0]
    assert p.column == "背景" and p.found == "13912345678" and "personal data: 〔手机号〕" in p.expected
    # the line is the one write_case would write
    lines = case_to_markdown(typed).split("\n")
    assert "13912345678" in lines[p.row - 1]


def test_validate_roleplay_needs_its_case(bundle_dir: Path, tmp_path: Path) -> None:
    rp, _ = case_from_markdown((FIXTURES / "good" / "R001.md").read_text(encoding="utf-8"))
    assert isinstance(rp, RolePlay)
    problems = validate_case(rp, bundle_dir)
    assert [(p.column, p.found) for p in problems] == [("case", "C001")]
    root = with_cases(bundle_dir, tmp_path, "good")
    assert validate_case(rp, root) == []


def test_no_cases_folder(tmp_path: Path) -> None:
    assert read_cases(tmp_path) == ([], [])


def test_write_case_rejects_a_bad_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="file name"):
        write_case(tmp_path, Case(id="../x", title="t"))


def test_resolve_case() -> None:
    from casekit.intake import load_bundle

    bundle = load_bundle(SAMPLE)
    case, _ = case_from_markdown((FIXTURES / "good" / "C001.md").read_text(encoding="utf-8"))
    ids = resolve_case(case, bundle)
    assert ids == {"region_id": "shijiazhuang", "top_region_id": "hebei", "industry": "hotel",
                   "funnel_stage": "visit", "products": ("business_navigator", "broadband"),
                   "outcome": "failure"}
