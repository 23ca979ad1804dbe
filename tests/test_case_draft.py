"""Drafting a teaching case — a story with a teaching note — from one coded, redacted note."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from casekit.authoring.case_draft import draft_case, self_interactions
from casekit.authoring.cases import (
    CASE_SECTIONS,
    TRAINEE_SECTIONS,
    case_to_markdown,
    placeholders,
    read_cases,
    validate_case,
    write_case,
)
from casekit.authoring.cast import Namer, forbidden_text
from casekit.authoring.teaching_note import ANALYSIS_PHRASES, TEACHING_NOTE_PARTS, teaching_note_parts, teaching_note_problems

SAMPLE = Path(__file__).parents[1] / "research_data" / "sample"
FOREIGN = Path(__file__).parent / "fixtures" / "bundles" / "foreign"


@pytest.fixture(scope="module")
def sample(shared_sample_bundle: Any, shared_sample_notes: Any) -> tuple[Any, Any]:
    return shared_sample_bundle, shared_sample_notes


@pytest.fixture(scope="module")
def drafts(shared_sample_cases: Any) -> Any:
    return shared_sample_cases  # read-only, shared with the other modules (tests/conftest.py)


def planted_pii() -> list[str]:
    truth = yaml.safe_load((SAMPLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    return [str(p["string"]) for p in truth["pii"]]


def roster_names(root: Path) -> list[str]:
    path = root / "_private" / "roster.csv"
    if not path.exists():
        return []
    import csv

    with path.open(encoding="utf-8") as f:
        return [r["name"] for r in csv.DictReader(f) if r["name"]]


def trainee_text(case: Any) -> str:
    return case.title + "\n" + "\n".join(case.sections[h] for h in TRAINEE_SECTIONS)


def hero_of(case: Any) -> str:
    line = next(x for x in case.sections["人物"].split("\n") if "主人公" in x)
    return line.removeprefix("- ").split("：")[0]


def test_n002_is_a_sales_story_about_a_hotel(drafts: dict[str, Any]) -> None:
    case = drafts["N002"]
    assert case.id == "C002" and case.status == "draft" and case.population == "account_manager"
    assert case.case_type == "销售案例" and case.minutes >= 60
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}宾馆的苦恼", case.title), case.title  # like 华夏宾馆的苦恼
    assert case.industry == "酒店" and case.outcome == "failure"
    assert list(case.sections) == list(CASE_SECTIONS)
    text = case_to_markdown(case)
    for real in ("华夏宾馆", "王经理", *planted_pii()):
        assert real not in text, real
    hero = hero_of(case)
    assert re.fullmatch(r"[\u4e00-\u9fff]{3}", hero)
    # a story, not a transcript: no questions, no 答：, the hero acts in the third person
    story = case.sections["经过"]
    assert "问：" not in story and "答：" not in story
    assert "问起当时有没有问过" in story  # the interviewer's question: 问起……，X说 (no interviewer)
    assert "免费用三个月" in story and "没用过的东西我为什么交钱" in story
    assert not re.search("我", re.sub(r"“[^”]*”", "", story))
    assert hero in story
    # the customer's 经理 has one fictional name throughout; the title names one company
    customer = re.search(r"([\u4e00-\u9fff])经理嫌贵", story).group(1) + "经理"
    assert story.count(customer) >= 2
    assert case.title.removesuffix("的苦恼") in case.sections["背景"]
    # the consultant's remark is analysis, never story
    assert "三板斧" not in trainee_text(case) and "三板斧" in case.sections["教学笔记"]
    assert case.sections["难题"].count(f"如果你是{hero}") == 1
    assert "1. " + hero + "为什么一开口就谈价格" in case.sections["讨论问题"]
    assert set(case.modules) <= {"am_transformation", "am_needs_basics", "am_industry_solutions"}
    # what the note does not say is marked and listed for the consultant
    assert "【待补充" in case.sections["背景"]
    gaps = re.findall(r"【待补充：([^】]*)】", "".join(v for k, v in case.sections.items() if k != "待核实"))
    assert gaps and all(f"- {g}" in case.sections["待核实"] for g in gaps)
    assert not case.trainee_ready


def test_the_teaching_note_has_its_ten_parts_and_its_minutes_add_up(drafts: dict[str, Any]) -> None:
    for note_id, case in drafts.items():
        assert list(teaching_note_parts(case)) == list(TEACHING_NOTE_PARTS), note_id
        assert teaching_note_problems(case) == [], note_id
    n002 = drafts["N002"]
    parts = teaching_note_parts(n002)
    # the analysis rewrites the consultant's remark and says why, code by code
    assert "推销方式错误（价格战）" in parts["案例分析"] and "顾问的观察" in parts["案例分析"]
    # what happened afterwards is not the interview's last answer: it is marked for the consultant
    assert "再申请个优惠" not in parts["后来的情况"] and "【待补充" in parts["后来的情况"]
    # N005 ends in a signed contract: the outcome leaves the story for the teaching note
    n005 = drafts["N005"]
    assert "签了两家店的合同" in teaching_note_parts(n005)["后来的情况"]
    assert "签了两家店的合同" not in n005.sections["经过"]


def test_a_case_takes_the_kind_of_its_population(drafts: dict[str, Any], sample: tuple[Any, Any]) -> None:
    bundle, _ = sample
    populations = dict(zip(bundle.notes["note_id"], bundle.notes["population"]))
    assert set(populations.values()) == {"account_manager", "support_engineer", "sales_manager"}
    prefix = {"account_manager": "am_", "support_engineer": "se_", "sales_manager": "sm_"}
    for note_id, case in drafts.items():
        pop = populations[note_id]
        assert case.population == pop
        assert case.modules and all(m.startswith(prefix[pop]) for m in case.modules), (note_id, case.modules)
        text = case_to_markdown(case)
        assert "如果你是这位客户经理" not in text
        hero = hero_of(case)
        assert f"如果你是{hero}" in case.sections["难题"], note_id
        if pop == "account_manager":
            assert case.roles[0] == "客户经理"
            assert case.title.endswith("的苦恼" if case.outcome != "success" else "是怎样做成的"), case.title
        elif pop == "support_engineer":
            assert "五个关键环节" in case.sections["讨论问题"]
            assert case.case_type == "支撑案例" and case.roles[0] == "支撑工程师"
        else:
            assert case.case_type == "管理案例"
            assert re.search("指标|管过程|辅导", case.sections["难题"])
    # the sales manager who splits the target per head: a management case
    c030 = drafts["N030"]
    assert "分解" in c030.sections["难题"] and "sm_managing_sales" in c030.modules


def test_the_hospital_gets_its_own_people(drafts: dict[str, Any]) -> None:
    case = drafts["N020"]  # a support engineer's visit to a dental hospital
    people = case.sections["人物"]
    assert re.search(r"- [\u4e00-\u9fff]{3}：\S*医院院长", people)
    assert re.search(r"- [\u4e00-\u9fff]{3}：\S*医院信息科长", people)
    assert "总经理" not in people
    assert case.title.endswith("医院这一单是怎样做成的")  # a success: the hospital has no 苦恼
    assert "隐性销售" in case.sections["讨论问题"] and "隐性销售" in case.sections["教学笔记"]
    # the support engineer's own words are his; the consultant's (这正是我们说的) are not in the story
    assert "那天我像个专家，不像个推销员" in case.sections["经过"]
    assert "这正是" not in trainee_text(case)


def test_names_are_fictional_consistent_and_shared_with_the_roleplay(drafts: dict[str, Any],
                                                                     sample: tuple[Any, Any]) -> None:
    bundle, _ = sample
    real = roster_names(SAMPLE) + planted_pii()
    for note_id, case in drafts.items():
        text = case_to_markdown(case)
        assert not placeholders(text), (note_id, placeholders(text))
        assert not [r for r in real if r in text], note_id
        assert not re.search(r"N\d{3}", trainee_text(case)), note_id
        assert not re.search(r"(AM|SE|SM)\d{3}", text), note_id
    case = drafts["N002"]
    namer = Namer("N002", "hotel", forbidden=forbidden_text(bundle))
    assert hero_of(case) == namer.full_name("am", "客户经理")  # the role-play helper's namer agrees


def test_sources_are_real_segment_ids(drafts: dict[str, Any], sample: tuple[Any, Any]) -> None:
    _, analysis = sample
    case = drafts["N002"]
    ids = set(analysis.segments["segment_id"])
    assert case.sources and set(case.sources) <= ids
    for sid in case.sources:
        assert sid in case.sections["出处"]


def test_draft_validates_and_round_trips(drafts: dict[str, Any], sample: tuple[Any, Any], tmp_path: Path) -> None:
    bundle, _ = sample
    for case in (drafts["N002"], drafts["N005"], drafts["N030"]):
        # a draft may keep its gaps; nothing else is wrong with it (names are not personal data)
        assert [p for p in validate_case(case, bundle) if "待补充" not in p.found] == []
        write_case(tmp_path, case)
    again, problems = read_cases(tmp_path)
    assert again == [drafts["N002"], drafts["N005"], drafts["N030"]]
    assert not [p for p in problems if p.file.startswith("cases/")]


def test_deterministic(sample: tuple[Any, Any], drafts: dict[str, Any]) -> None:
    bundle, analysis = sample
    assert draft_case(bundle, "N002", analysis=analysis) == drafts["N002"]  # drafted again, earlier in the session


def test_unknown_note(sample: tuple[Any, Any]) -> None:
    bundle, analysis = sample
    with pytest.raises(KeyError, match="N999"):
        draft_case(bundle, "N999", analysis=analysis)


def test_a_bundle_nobody_here_wrote(shared_foreign_bundle: Any, foreign_drafts: dict[str, Any]) -> None:
    assert list(foreign_drafts) == [str(n) for n in shared_foreign_bundle.notes["note_id"]]
    for note_id, case in foreign_drafts.items():
        text = case_to_markdown(case)
        assert not placeholders(text), note_id
        for label in ("客户经理甲", "工程师B", "化名N", "客户经理D", "工程师E", "客户经理C"):
            assert label not in text, (note_id, label)
        assert teaching_note_problems(case) == []
    gx04 = foreign_drafts["GX04"]  # 营销中心主任: a management case
    assert gx04.case_type == "管理案例" and hero_of(gx04) in gx04.sections["经过"]


HAND_WRITTEN = {
    "H001": """---
id: H001
date: 2009-05-06
region: 石家庄
population: account_manager
interviewee: 客户经理AM901
method: interview
tags: [医院, 商务领航]
---
上个月他去了一家妇产医院谈商务领航。院长说病人看完就不回来了，复诊的越来越少。
信息科长担心病人的资料放到外面不安全，一直不松口。
他没有单独约信息科长谈，只跟院长报了价。到现在还没有签。

备注：没有找到把关的人，也没有按部门问需求。
""",
    "H002": """---
id: H002
date: 2009-05-07
region: 石家庄
population: support_engineer
interviewee: 支撑人员SE901
method: interview
tags: [酒店, 光纤专线, 技术语言]
---
我上周陪客户经理去了华康大酒店。我一进门就讲光纤的带宽和路由，钱总听了十分钟就说有事先走了。
回来客户经理跟我说："你讲得太专业了，客户听不懂。"我自己也觉得没讲到点子上。
""",
    "H003": """---
id: H003
date: 2009-05-08
region: 石家庄
population: sales_manager
interviewee: 销售管理人员SM901
method: interview
tags: [目标分解]
---
问：今年的指标是怎么分的？
答：我按去年的完成情况加百分之二十，谁去年做得多谁今年就多。
问：客户经理们怎么看？
答：做得好的觉得吃亏，有两个人已经不太愿意冲了。
""",
}


def test_hand_written_notes_in_other_phrasings(tmp_path: Path) -> None:
    from casekit.analysis import analyse_notes
    from casekit.intake import load_bundle

    root = tmp_path / "b"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("notes", "cases"))
    (root / "notes").mkdir()
    for note_id, text in HAND_WRITTEN.items():
        (root / "notes" / f"{note_id}.md").write_text(text, encoding="utf-8")
    bundle = load_bundle(root)
    analysis = analyse_notes(bundle)
    cases = {n: draft_case(bundle, n, analysis=analysis) for n in HAND_WRITTEN}
    for note_id, case in cases.items():
        text = case_to_markdown(case)
        assert not placeholders(text), note_id
        assert teaching_note_problems(case) == [], note_id
        outside_quotes = re.sub(r"“[^”]*”", "", case.sections["经过"])
        assert "我" not in outside_quotes, (note_id, case.sections["经过"])
        assert "问：" not in case.sections["经过"] and "答：" not in case.sections["经过"]
    hospital = cases["H001"]
    people = hospital.sections["人物"]
    assert "院长" in people and "信息科长" in people and hospital.title.endswith("医院的苦恼")
    assert "没有找到把关的人" not in trainee_text(hospital)  # the remark is analysis
    assert "没有找到把关的人" in hospital.sections["教学笔记"]
    hotel = cases["H002"]  # first person: the engineer becomes a name, the hotel a fictional one
    assert "华康" not in case_to_markdown(hotel) and hotel.case_type == "支撑案例"
    assert hero_of(hotel) in hotel.sections["经过"]
    manager = cases["H003"]
    assert manager.case_type == "管理案例" and "百分之二十" in manager.sections["经过"]


def test_cli_drafts_every_note_and_keeps_what_a_person_edited(tmp_path: Path, capsys: Any) -> None:
    from casekit.cli import main

    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle, ignore=shutil.ignore_patterns("cases"))
    assert main(["case", "draft", str(bundle)]) == 2  # a note or --all
    assert main(["case", "draft", str(bundle), "N002", "--all"]) == 2
    assert main(["case", "draft", str(bundle), "--all", "--save"]) == 0
    n_notes = len(list((bundle / "notes").glob("*.md")))
    files = sorted(p.name for p in (bundle / "cases").glob("*.md"))
    assert len([f for f in files if f.startswith("C")]) == n_notes
    assert len([f for f in files if f.startswith("R")]) == n_notes
    edited = bundle / "cases" / "C002.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("status: draft", "status: reviewed"), encoding="utf-8")
    capsys.readouterr()
    assert main(["case", "draft", str(bundle), "--all", "--save"]) == 0
    err = capsys.readouterr().err
    assert "kept 2 file(s) edited since casekit wrote them" in err and "C002.md" in err and "R002.md" in err  # the pair
    assert "status: reviewed" in edited.read_text(encoding="utf-8")  # the person's edit is still there
    assert main(["case", "draft", str(bundle), "--all", "--save", "--force"]) == 0
    assert "status: draft" in edited.read_text(encoding="utf-8")
    assert list((bundle / "cases").glob("_C002.bak-*.md"))
    # the trainee book of drafts only says so, in plain Chinese
    book = tmp_path / "学员.md"
    assert main(["case", "book", str(bundle), "--out", str(book)]) == 0
    assert "没有可以发给学员的案例" in capsys.readouterr().err
    assert "没有可以发给学员的案例" in book.read_text(encoding="utf-8")


def people_of(case: Any) -> list[str]:
    return re.findall(r"^- ([\u4e00-\u9fff]{2,4})：", case.sections["人物"], re.MULTILINE)


@pytest.fixture(scope="module")
def foreign_drafts(shared_foreign_cases: Any) -> Any:
    return shared_foreign_cases  # read-only, shared with the other modules (tests/conftest.py)


def test_the_interviewer_is_not_a_character(drafts: dict[str, Any], foreign_drafts: dict[str, Any]) -> None:
    for note_id, case in {**drafts, **foreign_drafts}.items():
        assert self_interactions(trainee_text(case), people_of(case)) == [], note_id
    assert self_interactions("郭德胜问郭德胜有没有算过", ["郭德胜"])  # the check can fail
    c004, c023 = drafts["N004"], drafts["N023"]
    hero = hero_of(c004)
    assert f"{hero}拿出了" in c004.sections["经过"] and "他们问" not in c004.sections["经过"]
    assert f"问起有没有算过客户现在一个月长途和传真花多少钱，{hero}说没有" in c004.sections["经过"]
    assert f"问起学校现在最头疼的事是什么，{hero_of(c023)}说" in c023.sections["经过"]
    # in a Q&A interview 我 of an answer is the interviewee: a yes/no answer is what they said
    c002 = drafts["N002"]
    assert f"{hero_of(c002)}想了一会儿，说：“没细问。" in c002.sections["经过"]


def test_own_side_words_are_not_customer_titles(drafts: dict[str, Any]) -> None:
    c028 = drafts["N028"]
    hero = hero_of(c028)
    assert f"{hero}在车里" in c028.sections["经过"]
    company = c028.title.removesuffix("这一单是怎样做成的").removesuffix("的苦恼")
    assert f"{company}经理（" not in c028.sections["人物"]
    for note_id, case in drafts.items():
        names = people_of(case)
        assert not re.search("(" + "|".join(names) + "){2}", trainee_text(case)), note_id


def test_a_redacted_number_is_never_a_word(drafts: dict[str, Any], foreign_drafts: dict[str, Any]) -> None:
    for note_id, case in {**drafts, **foreign_drafts}.items():
        text = trainee_text(case)
        assert not re.search("电话号码|手机号码|电话电话|手机手机|〔", text), note_id
    assert "留了手机号方便约时间" in drafts["N028"].sections["经过"]
    assert "（联系电话" not in drafts["N004"].sections["经过"]


def test_field_record_labels_leave_the_story(drafts: dict[str, Any], foreign_drafts: dict[str, Any]) -> None:
    labels = re.compile(r"^(随访|复盘|建议|结果|现场|要点)[：:]|^(随访|复盘)|考察记录|访谈（|我们的看法|被问到们|被问到", re.MULTILINE)
    for note_id, case in {**drafts, **foreign_drafts}.items():
        for heading in ("背景", "经过", "难题"):
            assert not labels.search(case.sections[heading]), (note_id, heading, case.sections[heading][:200])
        for paragraph in case.sections["经过"].split("\n\n"):
            assert paragraph[-1] in "。！？”：…）", (note_id, paragraph)
    # the consultant's recommendation is analysis for the trainer
    c025 = drafts["N025"]
    assert "三个餐饮老板的烦恼" not in trainee_text(c025)
    assert "三个餐饮老板的烦恼" in teaching_note_parts(c025)["案例分析"]
    assert re.search("问(起)?他们希望主任做什么", drafts["N037"].sections["经过"])  # not 被问到们


def test_titles_follow_the_kind_of_case(drafts: dict[str, Any]) -> None:
    c004 = drafts["N004"]  # an account manager's price-war complaint is their own
    assert c004.title == f"客户经理{hero_of(c004)}的苦恼"
    assert "物流公司" in c004.sections["背景"] and "什么行业的单位" not in c004.sections["背景"]
    assert "物流公司" in c004.industry  # the word the note used, for the consultant to place
    for note_id, case in drafts.items():
        if case.outcome == "success":  # nobody's 苦恼: a success story's dilemma is the hero's own
            assert not case.title.endswith("的苦恼"), (note_id, case.title)
            assert f"难题在{hero_of(case)}自己身上" in case.sections["难题"], note_id
        elif case.population != "account_manager":
            assert hero_of(case) in case.title, (note_id, case.title)
    assert "一家房地产开发公司" in drafts["N028"].sections["背景"]


def test_teaching_notes_depend_on_the_case(drafts: dict[str, Any], sample: tuple[Any, Any]) -> None:
    plans = {tuple(int(m) for m in re.findall(r"^- (\d+)分钟", teaching_note_parts(c)["讨论安排"], re.MULTILINE))
             for c in drafts.values()}
    assert len(plans) >= 3
    boards = {teaching_note_parts(c)["板书设计"] for c in drafts.values()}
    assert len(boards) == len(drafts)
    for note_id, case in drafts.items():
        parts = teaching_note_parts(case)
        assert parts["案例分析"].count("**销售漏斗**") <= 1, note_id
        for point in re.findall(r"^\*\*[^*]+\*\*（做得[^）]*）：(.*)$", parts["案例分析"], re.MULTILINE):
            assert point.startswith("案例中，") and "工具：" in point, (note_id, point)
        for line in parts["学习目标"].split("\n"):
            assert re.match(r"- (支撑工程师)?学员能", line) or "【待补充" in line, (note_id, line)
            assert "并在拜访中做到" not in line
        assert not parts["后来的情况"].startswith("访谈时"), note_id
        assert not re.search("“(收集客户全貌信息|找到切入点|发展痛点|销售准备)”之前", case.sections["讨论问题"]), note_id
    c028 = drafts["N028"]  # a sales case with a role-play: the exercise is part of the plan
    plan = teaching_note_parts(c028)["讨论安排"]
    assert "角色演练" in plan and c028.minutes >= 80
    bundle, analysis = sample
    alone = draft_case(bundle, "N028", analysis=analysis, roleplay=False)
    assert "角色演练" not in teaching_note_parts(alone)["讨论安排"] and alone.minutes < c028.minutes
    assert teaching_note_problems(alone) == []
    fixed = draft_case(bundle, "N028", analysis=analysis, minutes=120)
    assert fixed.minutes == 120 and teaching_note_problems(fixed) == []


def test_default_case_ids_never_collide_when_notes_share_digits(tmp_path):
    # GX01 and YN01 would both be C01: drafting every note must not write one file twice
    import shutil

    from casekit.authoring.case_draft import default_case_id
    from casekit.cli import main

    assert default_case_id("N002", ["N001", "N002"]) == "C002"
    assert default_case_id("GX01", ["GX01", "YN01"]) == "CGX01"
    root = tmp_path / "foreign"
    shutil.copytree(FOREIGN, root)
    assert main(["case", "draft", str(root), "--all", "--save"]) == 0
    files = sorted(p.name for p in (root / "cases").glob("*.md"))
    notes = len(list((root / "notes").glob("*.md")))
    assert len(files) == 2 * notes and {"CGX01.md", "CYN01.md", "RGX01.md", "RYN01.md"} <= set(files)


def test_a_case_and_its_roleplay_are_kept_or_written_together(tmp_path, capsys):
    import shutil

    from casekit.cli import main

    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    assert main(["case", "draft", str(root), "N002", "--roleplay", "--save"]) == 0
    roleplay = root / "cases" / "R002.md"
    roleplay.write_text(roleplay.read_text(encoding="utf-8") + "\n讲师补充：先演开场五分钟。\n", encoding="utf-8")
    before = (root / "cases" / "C002.md").read_bytes()
    # the role-play was edited: the case is not rewritten alone either
    assert main(["case", "draft", str(root), "N002", "--roleplay", "--save"]) == 1
    assert "R002.md" in capsys.readouterr().err
    assert (root / "cases" / "C002.md").read_bytes() == before and "讲师补充" in roleplay.read_text(encoding="utf-8")
    # the case was edited: --all keeps it and its role-play
    case = root / "cases" / "C002.md"
    case.write_text(case.read_text(encoding="utf-8").replace("## 难题", "## 难题\n\n（讲师改过）"), encoding="utf-8")
    roleplay.write_text(roleplay.read_text(encoding="utf-8").replace("\n讲师补充：先演开场五分钟。\n", ""),
                        encoding="utf-8")
    assert main(["case", "draft", str(root), "--all", "--save"]) == 0
    err = capsys.readouterr().err
    assert "C002.md" in err and "R002.md" in err


def test_a_group_of_people_is_not_named_as_one_person(drafts: dict[str, Any]):
    # 一群超市老板 / 三个老板 / 有老板问 / 两个合伙人: a group or anyone, never one fictional 冯老板
    story = drafts["N026"].section("经过")
    assert "一群超市老板讲" in story and "三个老板当场" in story and "有老板问" in story
    people = drafts["N009"]
    assert "两个合伙人" in people.section("经过") and people.section("人物").count("合伙人") == 1


def test_the_managers_superior_is_not_the_manager(sample: tuple[Any, Any]):
    # a 360° note: 上级主管 … 主管希望他 — the superior wishes something of the manager, who is not
    # made to wish it of himself
    from casekit.authoring.case_draft import self_interactions

    bundle, _ = sample
    case = draft_case(bundle, "N032")  # without an analysis: draft_case codes the notes itself
    hero = re.search(r"^- (\S+?)：", case.section("人物"), re.M).group(1)
    assert f"主管希望{hero}" in case.section("经过")
    assert self_interactions(case.section("经过"), [hero]) == []

# ------------------------------------------------------------------ teaching notes a trainer can teach from


def _whole_sentences(text: str) -> list[str]:
    out, buf = [], ""
    for piece in re.findall(r"[^。！？]+[。！？]?”?", text):
        buf += piece
        if buf.count("“") == buf.count("”"):
            out.append(buf)
            buf = ""
    return out + ([buf] if buf else [])


def _analysis_points(case: Any) -> list[tuple[str, str, str]]:
    """(heading, the story's words quoted, the consultant's text) of each coded point of the analysis."""
    story = re.sub(r"\s+", "", case.sections["经过"])
    chunks = [piece[:8] for phrase in ANALYSIS_PHRASES.values() for piece in re.split(r"\{\w+\}|。", phrase)
              if len(piece) >= 8]
    out = []
    for head, body in re.findall(r"^\*\*([^*]+)\*\*(?:（做得[^）]*）)?：案例中，(.*)$",
                                 teaching_note_parts(case)["案例分析"], re.MULTILINE):
        body = re.sub(r"\s+", "", body)
        sentences = _whole_sentences(body)
        k = max((n for n in range(1, len(sentences) + 1) if "".join(sentences[:n]).rstrip("。") in story), default=0)
        quote, said = "".join(sentences[:k]), "".join(sentences[k:])
        assert any(chunk in said for chunk in chunks), (case.id, head, body)  # the phrasebook's words follow
        out.append((head, quote or body, said))
    return out


def test_every_code_has_a_consultants_paragraph() -> None:
    from casekit.intake.code_frame import default_code_frame

    for code in default_code_frame().codes:
        phrase = ANALYSIS_PHRASES.get(code.id)
        assert phrase, code.id
        sentences = [x for x in re.split(r"(?<=[。！？])", phrase) if x.strip()]
        assert 1 <= len(sentences) <= 4 and "工具" in phrase, code.id
        assert not re.search(r"[A-Za-z_]{3,}", re.sub(r"\{(hero|customer|depts|peers)\}", "", phrase)), code.id


def test_the_analysis_quotes_one_clean_sentence_of_the_story_per_code(drafts: dict[str, Any],
                                                                       foreign_drafts: dict[str, Any]) -> None:
    for note_id, case in {**drafts, **foreign_drafts}.items():
        story = re.sub(r"\s+", "", case.sections["经过"])
        quoted = []
        for head, quote, said in _analysis_points(case):
            assert "：。" not in quote and not quote.endswith(("：", "，")), (note_id, head, quote)
            assert quote.count("“") == quote.count("”"), (note_id, head, quote)
            assert quote.rstrip("。") in story, (note_id, head, quote)  # the story's words, not a remark
            assert len(_whole_sentences(quote)) == 1, (note_id, head, quote)  # one sentence
            assert said, (note_id, head)
            quoted.append(quote)
        assert len(quoted) == len(set(quoted)), (note_id, quoted)  # never the same quotation twice
    c027 = teaching_note_parts(drafts["N027"])["案例分析"]  # all four of the manager's practices
    for practice in ("每周一", "只看不说", "带徒弟", "指标不平均分"):
        assert practice in c027, practice
    assert "善用权威" in teaching_note_parts(drafts["N020"])["案例分析"]
    assert "三板斧" in teaching_note_parts(drafts["N002"])["案例分析"]


def test_board_plans_are_written_not_cut_from_the_story(drafts: dict[str, Any], foreign_drafts: dict[str, Any]) -> None:
    for note_id, case in {**drafts, **foreign_drafts}.items():
        board = teaching_note_parts(case)["板书设计"]
        assert "……" not in board, (note_id, board)
        if case.population == "account_manager":
            columns = board.split(" | ")
            assert len(columns) == 3 and "的做法（" in columns[0] and "各部门的伤口（" in columns[1] \
                and columns[2].startswith("下次怎么做（"), (note_id, board)
        elif case.population == "support_engineer":
            assert board.count("——") == 5 and "做到了" in board or "没做到" in board or "案例没写" in board, note_id
        else:
            for step in ("目标分解——", "过程控制——", "辅导——", "评估——", "激励——"):
                assert step in board, (note_id, step)
    c002 = teaching_note_parts(drafts["N002"])["板书设计"]
    assert "三板斧（降价/免费/捆绑）" in c002 and "前厅" in c002 and "客房" in c002 and "先问三个问题" in c002


def test_plans_follow_the_case_and_its_roleplay(drafts: dict[str, Any], sample: tuple[Any, Any]) -> None:
    from casekit.authoring.roleplays import INTERNAL_KINDS, KIND_LABELS, roleplay_kind

    bundle, analysis = sample
    shapes = set()
    for note_id, case in drafts.items():
        plan = teaching_note_parts(case)["讨论安排"]
        shapes.add(tuple(re.sub(r"^- \d+分钟　", "", x).split("：")[0] for x in plan.split("\n")))
        kind = roleplay_kind(case, bundle, analysis)
        assert f"角色演练（{KIND_LABELS[kind]}）" in plan, (note_id, kind, plan)
        if kind in INTERNAL_KINDS:  # no customer in the scene: nobody is told to play one
            assert "扮演客户的" not in plan and "扮演客户，" not in plan and "学员扮演客户" not in plan, (note_id, plan)
    assert len(shapes) >= 4, shapes
    assert "一人扮演落后的客户经理" not in teaching_note_parts(drafts["N030"])["讨论安排"]


def test_a_managers_case_asks_about_what_it_is_about(drafts: dict[str, Any]) -> None:
    managers = [c for c in drafts.values() if c.population == "sales_manager"]
    openings = {teaching_note_parts(c)["开场问题"].replace(hero_of(c), "某") for c in managers}
    assert len(openings) >= 3, openings
    assert not any("你会怎样看待这样的管理" in o for o in openings)
    firsts = {c.sections["讨论问题"].split("\n")[0].replace(hero_of(c), "某") for c in managers}
    assert len(firsts) >= 3, firsts
