"""Cases and role-plays as Markdown with front matter: reading, validation, writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casekit.authoring.cases import (
    CASE_SECTIONS,
    LEGACY_CASE_SECTIONS,
    Case,
    RolePlay,
    case_from_markdown,
    case_problems,
    case_to_markdown,
    module_marks,
    read_cases,
    resolve_case,
    role_parts,
    validate_case,
    write_case,
)
from casekit.exceptions import FileIdError, LinkedOutputError

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
    assert list(case.sections) == list(LEGACY_CASE_SECTIONS)  # a file of the older format reads clean
    assert case.is_legacy and case.section("经过") == case.sections["情境"]  # 情境 is the story
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
        ("cases/C020.md", 29, "经过", "〔企业A〕"),          # a placeholder in the story
        ("cases/C020.md", 62, "教学笔记", "5+15+15+10 = 45 分钟"),  # minutes: 60
        ("cases/C020.md", 42, "教学笔记", "<missing>"),      # no ### 板书设计
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


# ---------------------------------------------------------------- issue 10: ids and links (findings 7, 9)


def test_case_files_that_differ_only_by_case_collide(bundle_dir: Path, tmp_path: Path) -> None:
    # the probe: C9 and c9 were both accepted; they are one file on Windows and macOS
    root = with_cases(bundle_dir, tmp_path, "good")
    text = (root / "cases" / "C001.md").read_text(encoding="utf-8")
    (root / "cases" / "c001.md").write_text(text.replace("id: C001", "id: c001", 1), encoding="utf-8")
    problems = [p for p in read_cases(root)[1] if p.file == "cases/c001.md"]
    assert [p.found for p in problems if p.column != "title"] == ["c001"]  # (its copied title is reported too)
    assert "differs from 'C001' (cases/C001.md) by more than upper/lower case" in [p for p in problems if p.column != "title"][0].expected
    (root / "cases" / "c9.md").write_text("x", encoding="utf-8")
    with pytest.raises(FileIdError, match=r"case id 'C9' cannot be a file name: .*differs from c9\.md"):
        write_case(root, Case(id="C9", title="t"))
    assert not (root / "cases" / "C9.md").exists()


@pytest.mark.parametrize("case_id", ["CON", "aux", "Nul", "COM3"])
def test_a_case_named_like_a_windows_device_is_refused(bundle_dir: Path, tmp_path: Path, case_id: str) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    with pytest.raises(FileIdError, match=rf"case id '{case_id}' cannot be a file name: .*Windows device name"):
        write_case(root, Case(id=case_id, title="t"))
    text = (root / "cases" / "C001.md").read_text(encoding="utf-8")
    (root / "cases" / f"{case_id}.md").write_text(text.replace("id: C001", f"id: {case_id}", 1), encoding="utf-8")
    problems = [p for p in read_cases(root)[1] if p.file == f"cases/{case_id}.md" and p.column == "id"]
    assert len(problems) == 1 and "Windows device name" in problems[0].expected


def test_a_cases_folder_linked_out_of_the_bundle_is_one_problem_and_never_written(
        bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    outside = tmp_path / "outside"
    (root / "cases").rename(outside)
    (root / "cases").symlink_to(outside, target_is_directory=True)
    cases, problems = read_cases(root)
    assert cases == [] and [(p.file, p.expected, p.found) for p in problems] == [
        ("cases/", "a cases/ folder inside the bundle", "a link to a folder outside the bundle")]
    assert case_problems(root) == problems
    before = sorted(p.name for p in outside.iterdir())
    with pytest.raises(LinkedOutputError, match=r"cases: expected a folder that is not a symbolic link"):
        write_case(root, Case(id="C002", title="t"))
    assert sorted(p.name for p in outside.iterdir()) == before


def test_a_linked_case_file_is_read_as_a_problem_and_never_written_through(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    target = tmp_path / "elsewhere.md"
    target.write_text("别人的文件\n", encoding="utf-8")
    (root / "cases" / "C002.md").symlink_to(target)
    assert [(p.file, p.found) for p in case_problems(root) if p.file == "cases/C002.md"] == [
        ("cases/C002.md", "a link to a file outside the bundle")]
    # before: ValueError '… is not inside …' from safe_save, a traceback in the CLI
    with pytest.raises(LinkedOutputError, match=r"cases/C002\.md: expected a file that is not a symbolic link"):
        write_case(root, Case(id="C002", title="t"))
    assert target.read_text(encoding="utf-8") == "别人的文件\n" and (root / "cases" / "C002.md").is_symlink()


def test_case_problems_reports_broken_yaml_in_cases(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "good")
    (root / "cases" / "C777.md").write_text("---\nid: C777\ntitle: [unclosed\n---\n", encoding="utf-8")
    problems = case_problems(root)
    assert [(p.file, p.row, p.expected) for p in problems] == [("cases/C777.md", 3, "valid YAML")]


def test_a_title_with_a_control_character_is_a_problem(bundle_dir: Path, tmp_path: Path) -> None:
    """An escape sequence in a title would reach the consultant's terminal through `case list`."""
    root = with_cases(bundle_dir, tmp_path, "good")
    first = sorted((root / "cases").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    first.write_text(text.replace(title, 'title: "红\\e]0;pwned\\a色"', 1), encoding="utf-8")
    problems = [p for p in case_problems(root) if p.column == "title"]
    assert len(problems) == 1 and problems[0].file == f"cases/{first.name}"
    assert "control character" in problems[0].expected and problems[0].row is not None


# ---------------------------------------------------------------- issue 13: the new format


def test_a_case_of_the_new_format_reads_clean_and_round_trips(bundle_dir: Path, tmp_path: Path) -> None:
    from casekit.authoring.teaching_note import TEACHING_NOTE_PARTS, teaching_note_parts

    root = with_cases(bundle_dir, tmp_path, "new")
    cases, problems = read_cases(root)
    assert problems == []
    (case,) = cases
    assert list(case.sections) == list(CASE_SECTIONS) and not case.is_legacy
    assert case.population == "account_manager" and case.minutes == 45 and case.case_type == "销售案例"
    assert list(teaching_note_parts(case)) == list(TEACHING_NOTE_PARTS)
    assert case.trainee_ready
    text = case_to_markdown(case)
    assert "population: account_manager\nminutes: 45\n---" in text
    assert case_from_markdown(text)[0] == case
    # a case without the two new keys writes none of them (older files stay byte for byte)
    old, _ = case_from_markdown((FIXTURES / "good" / "C001.md").read_text(encoding="utf-8"))
    assert old is not None and "population" not in case_to_markdown(old) and "minutes" not in case_to_markdown(old)
    assert old.population == "" and old.class_minutes == 60 and old.case_type == "案例"


def test_a_reviewed_case_whose_teaching_note_lacks_a_part_is_reported(bundle_dir: Path) -> None:
    case, _ = case_from_markdown((FIXTURES / "new" / "C002.md").read_text(encoding="utf-8"))
    assert case is not None and validate_case(case, bundle_dir) == []
    note = case.sections["教学笔记"].replace("### 后来的情况\n\n客户经理准备再申请优惠。", "")
    shorter = Case(**{**case.__dict__, "sections": {**case.sections, "教学笔记": note}})
    problems = validate_case(shorter, bundle_dir)
    assert [(p.column, p.expected, p.found) for p in problems] == [
        ("教学笔记", "the part '### 后来的情况' of the teaching note", "<missing>")]
    lines = case_to_markdown(shorter).split("\n")
    assert lines[problems[0].row - 1] == "### 案例概要"
    # a draft may still lack it; a bad population is reported whatever the status
    draft = Case(**{**shorter.__dict__, "status": "draft", "population": "manager"})
    assert [(p.column, p.found) for p in validate_case(draft, bundle_dir)] == [("population", "manager")]


def test_fictional_names_pass_the_personal_data_check_and_real_ones_do_not(bundle_dir: Path) -> None:
    case, _ = case_from_markdown((FIXTURES / "new" / "C002.md").read_text(encoding="utf-8"))
    assert case is not None and validate_case(case, bundle_dir) == []  # 刘志强, 锦华宾馆: fictional
    # 华夏宾馆 and 王经理 are the real names of note N002 (before redaction)
    story = case.sections["经过"].replace("锦华宾馆", "华夏宾馆").replace("周建国嫌贵", "王经理嫌贵")
    real = Case(**{**case.__dict__, "sections": {**case.sections, "经过": story}})
    found = {p.found for p in validate_case(real, bundle_dir) if "personal data" in p.expected}
    assert "华夏宾馆" in found
    # a word of the raw notes a detector may take for a name (问到) is not a real name
    asked = case.sections["经过"] + "\n\n被问到知不知道每个客户经理每天的时间怎么用，刘志强坦白说不知道。"
    plain = Case(**{**case.__dict__, "sections": {**case.sections, "经过": asked}})
    assert [p for p in validate_case(plain, bundle_dir) if "personal data" in p.expected] == []


def test_a_reviewed_case_may_drop_its_checklist_of_what_to_verify(bundle_dir: Path) -> None:
    case, _ = case_from_markdown((FIXTURES / "new" / "C002.md").read_text(encoding="utf-8"))
    assert case is not None and case.status == "reviewed"
    checked = Case(**{**case.__dict__, "sections": {h: t for h, t in case.sections.items() if h != "待核实"}})
    assert validate_case(checked, bundle_dir) == []
    # the other sections stay required
    cut = Case(**{**case.__dict__, "sections": {h: t for h, t in case.sections.items() if h != "难题"}})
    assert [(p.column, p.found) for p in validate_case(cut, bundle_dir)] == [("难题", "<missing>")]


def test_two_cases_with_one_title_are_reported(bundle_dir: Path, tmp_path: Path) -> None:
    root = with_cases(bundle_dir, tmp_path, "new")
    (case,) = read_cases(root)[0]
    twin = Case(**{**case.__dict__, "id": "C777", "path": None})
    write_case(root, twin)
    _, problems = read_cases(root)
    assert [(Path(p.file).name, p.column, p.found) for p in problems] == [("C777.md", "title", case.title)]
    assert case.id in problems[0].expected
