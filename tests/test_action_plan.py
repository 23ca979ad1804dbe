"""30/60/90-day action plans per behaviour type and the sales managers' coaching checklist (issue 16)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from casekit.analysis.segments import segment_account_managers
from casekit.authoring.action_plan import (
    CORE,
    PERIODS,
    ActionPlanRulesError,
    TypeProfile,
    action_plans,
    followup_focus,
    load_action_rules,
)
from casekit.authoring.coaching_checklist import (
    TICKS,
    action_plan_docx_bytes,
    action_plan_markdown,
    coaching_card_docx_bytes,
    coaching_checklist,
    write_action_plan,
)
from casekit.authoring.toolbox import TITLES, build_toolbox, table_title
from casekit.cli import main
from casekit.exceptions import EditedFileError
from casekit.reports.client_text import allowed_words_for, client_text_problems
from casekit.reports.course import course_design

ROOT = Path(__file__).resolve().parent.parent
FOREIGN = ROOT / "tests" / "fixtures" / "bundles" / "foreign"
RULES = ROOT / "casekit" / "authoring" / "action_plan.yaml"
REGION = "hebei"


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    """The sample's types, Hebei's course for account managers, its plans and checklist."""
    bundle = shared_sample_bundle
    segments = segment_account_managers(bundle)
    design = course_design(bundle, REGION, "account_manager")
    toolbox = [key for key, _ in build_toolbox(bundle, REGION).tables()]
    plans = action_plans(design, segments, toolbox)
    return bundle, segments, design, toolbox, plans, coaching_checklist(design, plans)


@pytest.fixture(scope="module")
def after(sample):
    """Hebei's next ninety days, after its follow-up wave."""
    from casekit.analysis import evaluate_followup

    bundle, segments, design, toolbox, _, _ = sample
    evaluation = evaluate_followup(bundle, region=REGION, types=False)
    focus = followup_focus(evaluation, REGION, followup=bundle.followup)
    plans = action_plans(design, segments, toolbox, focus=focus)
    return evaluation, focus, plans, coaching_checklist(design, plans)


@pytest.fixture(scope="module")
def foreign(shared_foreign_bundle):
    bundle = shared_foreign_bundle
    region = bundle.manifest.top_level_ids()[0]
    design = course_design(bundle, region, "account_manager")
    segments = segment_account_managers(bundle)
    plans = action_plans(design, segments)
    return bundle, segments, design, plans, coaching_checklist(design, plans)


def _docx_text(data: bytes, tmp_path: Path) -> tuple[str, docx.document.Document]:
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts), document


def test_every_type_in_the_region_gets_a_few_actions_after_three_core_ones(sample):
    _, segments, design, toolbox, plans, _ = sample
    assignments = segments.assignments
    present = sorted(int(s) for s in set(assignments.loc[assignments["top_region_id"] == REGION, "segment"]))
    assert segments.clear and [p.type_key for p in plans] == [CORE, *(f"type{s}" for s in present)]
    rules = load_action_rules()
    assert len(plans[0].actions) == rules.core_count and all(a.period == CORE for a in plans[0].actions)
    modules = {m.id: m.title for m in design.modules}
    titles = {key: table_title(key) for key in toolbox}
    for plan in plans[1:]:
        assert 1 <= len(plan.actions) <= rules.max_type_actions, plan.type_label
        assert all(a.period in PERIODS for a in plan.actions)
    for plan in plans:
        for action in plan.actions:
            assert modules.get(action.module_id) == action.module_title  # a module of Hebei's course
            assert action.table in titles and titles[action.table] == action.table_title  # a table they have
            assert action.text and action.sign.text and action.method_text


def test_no_action_is_copied_across_types_and_every_sign_is_its_own_and_observable(sample, after):
    rules = load_action_rules()
    for plans in (sample[4], after[2]):
        texts = [a.text for p in plans for a in p.actions]
        assert len(texts) == len(set(texts))  # the core once, each type its own
        signs = [a.sign.text for p in plans for a in p.actions]
        assert len(signs) == len(set(signs))
        for sign in signs:
            assert any(w in sign for w in rules.observable) and not any(w in sign for w in rules.vague), sign


def test_type_names_are_neutral_and_each_type_says_how_to_recognise_it(sample):
    _, segments, _, _, plans, _ = sample
    markdown = action_plan_markdown(plans, sample[5])
    names = {t.name for t in load_action_rules().type_names}
    for plan in plans[1:]:
        assert plan.type_label.split(" ", 1)[1] in names
        assert f"陪访时如果{plan.recognise}，按第{plan.number}类辅导" in markdown
    for persona in segments.personas:  # the segmentation's own, less flattering names stay out
        assert persona.name not in markdown
    assert "较弱" not in markdown
    staff = set(segments.assignments["respondent_id"].astype(str))
    assert not any(code in markdown for code in staff)  # no person list in the client document
    assert "名单由顾问另行交给销售经理" in markdown


def test_after_the_followup_the_focus_is_what_did_not_improve(after, sample):
    evaluation, focus, plans, checklist = after
    rows = evaluation.behaviour
    mine = rows[(rows["group"] == REGION) & ~rows["hidden"] & ~rows["unreliable"]]
    claimed_up = set(mine.loc[mine["claimed"] & (mine["direction"] == "up"), "measure"])
    improved = {c.behaviour for c in focus.improved}
    assert "asks_needs" in improved and improved <= {m for m in claimed_up} | set(
        mine.loc[mine["claimed"] & (mine["direction"] == "down"), "measure"])
    unclaimed = set(mine.loc[~mine["claimed"], "measure"]) - set(mine.loc[mine["claimed"], "measure"])
    assert not improved & unclaimed  # never an improvement from an unclaimed row
    keeping = {t.id for t in load_action_rules().themes if t.default == "strong"}
    for plan in plans:  # an improvement is kept, not trained again as a new habit
        assert not any(a.sign.behaviour in improved for a in plan.actions if a.theme not in keeping)
    first = [a for p in plans for a in p.period("day30") if a.theme not in keeping]
    assert first and "asks_needs" not in {a.sign.behaviour for a in first}
    core = {a.sign.behaviour for a in plans[0].actions}
    assert core and core <= {c.behaviour for c in focus.not_improved}
    markdown = action_plan_markdown(plans, checklist)
    assert "下一个九十天（回访后）" in markdown.splitlines()[0]
    assert client_text_problems(markdown, allowed_words=allowed_words_for(sample[0])) == []
    assert "继续保持" in markdown and all(f"“{c.label}”" in markdown for c in focus.improved)
    for behaviour in core:  # the focus names behaviours that did not improve
        change = next(c for c in focus.not_improved if c.behaviour == behaviour)
        assert f"“{change.label}”" in markdown.split("还看不出改善，是下一个九十天")[1].split("\n")[0]


def test_the_joint_visit_target_follows_current_practice(after):
    from casekit.authoring.action_plan import coaching_target

    evaluation, focus, plans, checklist = after
    drivers = evaluation.drivers
    logged = drivers[(drivers["group"] == REGION) & (drivers["measure"] == "joint_visits")]["followup"]
    target = focus.coaching
    assert target.current == pytest.approx(float(logged.iloc[0]))  # from the coaching log, not a fixed rule
    now = target.current_weeks
    assert now / 3 <= target.target_weeks < now  # more often than now, but not three times as often at once
    markdown = action_plan_markdown(plans, checklist)
    assert f"{target.current:.1f} 次" in markdown and target.target in markdown
    assert "每周至少陪访一次" not in markdown
    assert any(target.target in what for _, what in checklist.rhythm)
    # a region coaching less gets a nearer target than one coaching more; no log: the default
    rare, often = coaching_target(0.9, target.days), coaching_target(target.current * 2, target.days)
    assert rare.target_weeks > target.target_weeks >= often.target_weeks
    assert coaching_target(None, None).target == load_action_rules().coaching_default


def test_the_record_card_is_one_page_with_tick_boxes(after, tmp_path):
    import shutil
    import subprocess

    _, focus, plans, checklist = after
    rules = load_action_rules()
    assert 4 <= len(checklist.joint_visits) <= rules.card_items
    assert not {p.sign.behaviour for p in checklist.joint_visits} & focus.unreliable  # not judged on a visit
    assert all(p.tag == "全部" or re.fullmatch(r"\d(、\d)*类", p.tag) for p in checklist.joint_visits)
    path = tmp_path / "card.docx"
    path.write_bytes(coaching_card_docx_bytes(checklist))
    text, document = _docx_text(path.read_bytes(), tmp_path)
    assert text.count(TICKS) == len(checklist.joint_visits)
    assert "客户经理＿" in text and "本次拜访目的＿" in text and "一件做得好的＿" in text and "下次改一件＿" in text
    if not shutil.which("soffice") or not shutil.which("pdfinfo"):
        pytest.skip("soffice and pdfinfo render the card")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(tmp_path / "card.pdf")], check=True, capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    # the whole document carries no tool name as its author
    props = docx.Document(io.BytesIO(action_plan_docx_bytes(plans, checklist))).core_properties
    assert props.author == "" and "python-docx" not in (props.comments or "")


def test_actions_follow_each_types_own_weaknesses(sample):
    plans = sample[4][1:]  # the types, after the core
    changes = {p.type_key: set(p.behaviours_to_change) for p in plans}
    weak = {p.type_key: set(p.weak_dimensions) for p in plans}
    for plan in plans:
        for action in plan.actions:  # every weakness an action answers is one of the type's own
            assert set(action.because) <= weak[plan.type_key] | changes[plan.type_key]
    pushers = [p for p in plans if "price_first" in changes[p.type_key]]
    others = [p for p in plans if "price_first" not in changes[p.type_key]]
    assert pushers and others
    for plan in pushers:  # opening with the price: an action watched by that very sign
        assert any(a.sign.behaviour == "price_first" and "price_first" in a.because for a in plan.actions)
    for plan in others:
        assert not any("price_first" in a.because for a in plan.actions)
    # a type with no weakness keeps and spreads good practice instead of remedies
    strong = [p for p in plans if not p.weak_dimensions and not p.behaviours_to_change]
    assert strong and all(not a.because for p in strong for a in p.actions)
    assert all(a.theme != "share_practice" for p in plans if p not in strong for a in p.actions)


def test_a_weak_dimension_gets_actions_only_where_it_is_weak():
    from casekit.curriculum import design_course, load_outlines

    design = design_course(load_outlines()["account_manager"], None, "north", None)
    weak = TypeProfile("type1", "第1类", ("industry",), {"technical_jargon": 1.4})
    fine = TypeProfile("type2", "第2类", (), {"technical_jargon": -0.9, "asks_needs": 1.2})
    plans = {p.type_key: p for p in action_plans(design, [weak, fine])}
    assert any(a.dimension == "industry" and "industry" in a.because for a in plans["type1"].actions)
    assert any(a.sign.behaviour == "technical_jargon" for a in plans["type1"].actions)
    assert not any(a.dimension == "industry" or a.because for a in plans["type2"].actions)
    industry_module = next(m for m in design.modules if m.dimensions[0] == "industry")
    assert {a.module_id for a in plans["type1"].actions if a.dimension == "industry"} == {industry_module.id}


def test_the_record_card_lists_signs_the_plans_name_with_short_tags(sample):
    _, _, _, _, plans, checklist = sample
    text = action_plan_markdown(plans, checklist)
    named = {}
    for plan in plans:
        for action in plan.actions:
            named.setdefault(action.sign.behaviour, set()).add("全部" if plan.is_core else f"{plan.number}")
            assert action.sign.text in text
    core = {a.sign.behaviour for a in plans[0].actions}
    for point in checklist.joint_visits:
        assert point.sign.behaviour in named and point.sign.card in text
        who = named[point.sign.behaviour]
        assert point.tag == ("全部" if "全部" in who else "、".join(sorted(who)) + "类")
    assert core <= {p.sign.behaviour for p in checklist.joint_visits}  # the core is always on the card
    for plan in plans[1:]:  # no full type name repeated on the card
        assert plan.type_label not in "".join(p.tag for p in checklist.joint_visits)
    reviewed = {r.table for r in checklist.weekly_reviews}
    assert reviewed == {a.table for p in plans for a in p.actions}
    assert all(r.ask for r in checklist.weekly_reviews)
    assert [w for w, _ in checklist.rhythm][:1] == ["周一"] and "周五" in [w for w, _ in checklist.rhythm]
    assert "陪访次数" in text and "复盘次数" in text  # what coaching.csv of the next wave counts
    assert "负责人＿" in text and "复盘日期＿" in text


def test_sample_document_is_plain_chinese_in_both_formats(sample, tmp_path):
    bundle, _, _, _, plans, checklist = sample
    allowed = allowed_words_for(bundle)
    markdown = action_plan_markdown(plans, checklist)
    assert client_text_problems(markdown, allowed_words=allowed) == []
    text, document = _docx_text(action_plan_docx_bytes(plans, checklist), tmp_path)
    assert client_text_problems(text, allowed_words=allowed) == []
    assert all(p.type_label in text for p in plans) and "河北" in document.paragraphs[0].text
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" for r in runs)
    assert action_plan_docx_bytes(plans, checklist) == action_plan_docx_bytes(plans, checklist)


def test_foreign_bundle_without_clear_types_gets_one_plan_for_everybody(foreign, tmp_path):
    bundle, segments, design, plans, checklist = foreign
    assert not segments.clear and [p.type_key for p in plans] == ["core", "all"]
    plan = plans[1]
    assert plan.type_label == "全体客户经理" and design.region_name in plan.summary
    modules = {m.id for m in design.modules}
    assert all(a.module_id in modules and a.table in TITLES for a in plan.actions)
    assert 1 <= len(plan.actions) <= load_action_rules().max_type_actions and len(plans[0].actions) == 3
    markdown = action_plan_markdown(plans, checklist)
    assert "回访后" not in markdown and "陪访记录卡" in markdown  # no follow-up: built from the baseline
    assert client_text_problems(markdown, allowed_words=allowed_words_for(bundle)) == []
    assert "未发现明显不同的行为类型" in markdown
    text, _ = _docx_text(action_plan_docx_bytes(plans, checklist), tmp_path)
    assert client_text_problems(text, allowed_words=allowed_words_for(bundle)) == []


def test_an_edited_plan_is_kept_unless_forced(foreign, tmp_path):
    _, _, _, plans, checklist = foreign
    for name in ("plan.md", "plan.docx"):
        target = tmp_path / name
        write_action_plan(plans, checklist, target)
        write_action_plan(plans, checklist, target)  # unchanged: written again without complaint
        target.write_bytes(target.read_bytes() + b"\n")  # the consultant edits it
        edited = target.read_bytes()
        with pytest.raises(EditedFileError):
            write_action_plan(plans, checklist, target)
        assert target.read_bytes() == edited
        write_action_plan(plans, checklist, target, force=True)
        assert target.read_bytes() != edited
        assert [p for p in tmp_path.iterdir() if p.name.startswith(f"_{target.stem}.bak-")]


def test_cli_writes_the_document_and_refuses_to_replace_an_edited_one(tmp_path, capsys):
    out = tmp_path / "行动计划.md"
    argv = ["action-plan", str(FOREIGN), "--region", "云南", "--out", str(out)]
    assert main(argv) == 0
    assert "云南客户经理培训后九十天行动计划" in out.read_text(encoding="utf-8")
    out.write_text(out.read_text(encoding="utf-8") + "顾问的修改\n", encoding="utf-8")
    assert main(argv) == 1
    assert "顾问的修改" in out.read_text(encoding="utf-8")
    assert main([*argv, "--force"]) == 0
    capsys.readouterr()
    assert main(["action-plan", str(FOREIGN), "--region", "火星"]) == 1
    assert "火星" in capsys.readouterr().err


def test_rules_file_problems_are_reported_with_line_and_suggestion(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    bad = text.replace("    title: 用四步提问找到客户的问题\n", "    titel: 用四步提问找到客户的问题\n", 1)
    bad = bad.replace("      table: decision_chain\n", "      table: decision_tree\n", 1)
    path = tmp_path / "rules.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ActionPlanRulesError) as caught:
        load_action_rules(path)
    message = str(caught.value)
    assert "did you mean 'title'" in message and "decision_tree" in message
    assert all(p.row for p in caught.value.problems)
    # an edited wording is used as written
    path.write_text(text.replace("    card: 开场三句话内没有谈价格或优惠\n", "    card: 开场没有先谈价格\n"), encoding="utf-8")
    assert load_action_rules(path).signs["price_first"].card == "开场没有先谈价格"
    # a sign nobody can see on a joint visit is a problem, with its line
    vague = text.replace("sign: 拜访中见了或约了一位以前没见过的部门负责人", "sign: 对决策人更有针对性", 1)
    path.write_text(vague, encoding="utf-8")
    with pytest.raises(ActionPlanRulesError, match="针对性") as caught:
        load_action_rules(path)
    assert all(p.row for p in caught.value.problems)
    # a copy saved in GBK by an editor: one problem naming the file, not a traceback
    path.write_bytes(text.encode("gbk", errors="replace"))
    with pytest.raises(ActionPlanRulesError, match="UTF-8"):
        load_action_rules(path)


def test_everybody_without_any_weakness_builds_habits_not_praise():
    from casekit.curriculum import design_course, load_outlines

    design = design_course(load_outlines()["account_manager"], None, "north", None)
    (_, plan) = action_plans(design, None)
    assert plan.type_label == "全体客户经理" and not plan.weak_dimensions
    assert {a.theme for a in plan.actions} and all(a.theme != "share_practice" for a in plan.actions)
    assert "未发现需要特别加强" in plan.summary and "接近顾问式销售" not in plan.summary


def test_names_from_the_bundle_show_as_written_in_markdown():
    from dataclasses import replace

    from casekit.curriculum import design_course, load_outlines

    design = design_course(load_outlines()["account_manager"], None, "north", None)
    design = replace(design, region_name="<b>北方</b>*|")
    hostile = TypeProfile("type1", "第1类“<img src=x onerror=alert(1)>|_价格_”", ("sales",), {"price_first": 1.0})
    plans = action_plans(design, [hostile])
    text = action_plan_markdown(plans, coaching_checklist(design, plans))
    assert not re.search(r"(?<!\\)[<>]", text)  # no markup: every < and > escaped
    assert "\\<img src=x onerror=alert(1)\\>\\|\\_价格\\_" in text and "\\<b\\>北方\\</b\\>\\*\\|" in text
    rows = [line for line in text.splitlines() if line.startswith("| 第1～30天")]
    assert rows and all(line.count(" | ") == 4 for line in rows)  # a name's | does not split a cell
