"""The chain findings → course design → 课程大纲, end to end on generated and sample bundles (issue 12).

Three bundles are generated once per module: the one-factor null (seeds 2008 and 1: no regional
difference at all) and the planted scenario (seed 2008: four regional weaknesses listed in its
``_ground_truth.yaml``). The committed sample bundle checks the cases the issue was filed on
(Hebei support engineers' 沟通, Hebei account managers' 行业篇) and the ``casekit outline``
command a consultant runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from docx import Document

from casekit.analysis import engagement_findings, segment_account_managers
from casekit.analysis.findings import bh_adjust, finding_id
from casekit.cli import main
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE
from casekit.reports.course import TYPE_MIX_COLUMNS, course_designs, type_mix
from casekit.sample.generator import generate_sample

NULL_SEEDS = (2008, 1)
#: The outline commands of this module read the sample once (conftest).
pytestmark = pytest.mark.usefixtures("read_each_bundle_once")
MODULE_CONTRACT = {"id", "title", "days", "days_min", "days_max", "dimensions", "findings", "chapters", "cases",
                   "roleplays", "industries"}
ACTIVITY_CONTRACT = {"type", "title", "minutes", "interactive", "module"}


def _designs(bundle, findings) -> dict[str, dict]:
    """Region id → population → CourseDesign, for every top-level region of the manifest."""
    return {r: course_designs(bundle, r, findings) for r in bundle.manifest.top_level_ids()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[tuple[str, int], dict]:
    """(scenario, seed) → the bundle's path, bundle, findings, designs and ground truth."""
    root = tmp_path_factory.mktemp("chain")
    out = {}
    for scenario, seed in [*(("null", s) for s in NULL_SEEDS), ("planted", 2008)]:
        path = generate_sample(root / f"{scenario}-{seed}", seed=seed, scenario=scenario)
        bundle = load_bundle(path)
        findings = engagement_findings(bundle)
        truth = yaml.safe_load((path / "_ground_truth.yaml").read_text(encoding="utf-8"))
        out[(scenario, seed)] = {"path": path, "bundle": bundle, "findings": findings,
                                 "designs": _designs(bundle, findings), "truth": truth}
    return out


@pytest.fixture(scope="module")
def sample() -> dict:
    bundle = load_bundle(SAMPLE_BUNDLE)
    findings = engagement_findings(bundle)
    return {"bundle": bundle, "findings": findings, "designs": _designs(bundle, findings)}


# -- (a) the null: nothing regional is claimed, every region gets the same course ---------------------


def _signature(design) -> dict:
    """What must not depend on the region when nothing regional is claimed (composition may)."""
    return {
        "total_days": design.total_days,
        "budget_days": design.budget_days,
        "modules": [(m.id, m.days, m.findings, tuple(s["dimension"] for s in m.added_sessions))
                    for m in design.modules],
        "objectives": [tuple(o["findings"]) for o in design.objectives],
        # weaknesses no module trains (the open items about scripts, cases and industries follow
        # the region's own material, which may differ on a null too)
        "uncovered": [(u["dimension"], u["finding"]) for u in design.uncovered if u["dimension"] is not None],
    }


@pytest.mark.parametrize("seed", NULL_SEEDS)
def test_null_claims_no_regional_difference_and_every_region_gets_the_same_course(generated, seed):
    run = generated[("null", seed)]
    assert run["truth"]["region_weaknesses"] == []
    assert run["findings"].claimed(kind="vs_other_regions").empty
    designs = run["designs"]
    regions = list(designs)
    assert len(regions) == 5
    audiences = list(designs[regions[0]])
    assert audiences == ["account_manager", "support_engineer", "sales_manager"]
    for audience in audiences:
        first = _signature(designs[regions[0]][audience])
        for region in regions[1:]:
            assert _signature(designs[region][audience]) == first, (seed, region, audience)
        for region in regions:
            design = designs[region][audience]
            assert all(m.days == m.base_days for m in design.modules)
            # what is cited is the engagement's gap to the target, never a region's own row
            cited = {f for m in design.modules for f in m.findings}
            assert cited and all(f.startswith("all:") for f in cited), (region, audience, cited)


# -- (b) planted: each weakness is claimed and lengthens what trains it ---------------------------------


def _planted(generated) -> list[dict]:
    return generated[("planted", 2008)]["truth"]["region_weaknesses"]


def test_every_planted_weakness_is_claimed_weaker_with_its_id_and_nothing_else_regional_is(generated):
    run = generated[("planted", 2008)]
    planted = _planted(generated)
    assert len(planted) == 4
    claimed = run["findings"].claimed(kind="vs_other_regions")
    weaker = set(claimed.loc[claimed["direction"] == "weaker", "id"])
    ids = {finding_id(w["region"], w["population"], w["dimension"], "vs_other_regions") for w in planted}
    assert weaker == ids
    # the only other regional claim is the mirror image of a planted weakness: a region looks
    # stronger on the very dimension another region of the same population was lowered on
    mirror = claimed.loc[claimed["direction"] == "stronger"]
    planted_cells = {(w["population"], w["dimension"]) for w in planted}
    assert all((p, d) in planted_cells for p, d in zip(mirror["population"], mirror["dimension"]))


def _room(design, dimension: str) -> bool:
    """Whether the base design leaves room to give ``dimension`` more time within the budget.

    Room: some module training the dimension sits below its maximum, and some module *not*
    training it sits above its minimum (time can move from one to the other).
    """
    training = [m for m in design.modules if dimension in m.dimensions]
    others = [m for m in design.modules if dimension not in m.dimensions]
    return (any(m.base_days < m.days_max for m in training)
            and any(m.base_days > m.days_min for m in others))


def test_planted_weaknesses_lengthen_their_modules_where_the_budget_leaves_room(generated):
    run = generated[("planted", 2008)]
    null = generated[("null", 2008)]["designs"]
    no_room = []
    for w in _planted(generated):
        region, population, dimension = w["region"], w["population"], w["dimension"]
        fid = finding_id(region, population, dimension, "vs_other_regions")
        design = run["designs"][region][population]
        training = [m for m in design.modules if dimension in m.dimensions]
        assert training, (region, population, dimension)
        main = [m for m in training if m.dimensions[0] == dimension]
        # the module mainly training it never loses time, against the base design and the null's
        for m in main:
            assert m.days >= m.base_days, (m.id, m.days, m.base_days)
            assert m.days >= null[region][population].module(m.id).days, m.id
        # together the modules training it never lose time (one training it only as a second
        # dimension may give way to the one training it mainly: docs/course-design.md)
        assert sum(m.days for m in training) >= sum(m.base_days for m in training)
        if _room(design, dimension):
            assert any(m.days > m.base_days for m in training), (region, population, dimension)
            assert sum(m.days for m in training) > sum(m.base_days for m in training)
        else:
            no_room.append((region, population, dimension))
            others = [m for m in design.modules if dimension not in m.dimensions]
            assert (all(m.base_days == m.days_max for m in training)
                    or all(m.base_days == m.days_min for m in others)), (region, population, dimension)
        # the design's reasons cite the finding: its id on every module training it, its sentence
        sentence = run["findings"].table.set_index("id").loc[fid, "sentence"].rstrip("。")
        for m in training:
            assert fid in m.findings, (m.id, m.findings)
            assert sentence in m.reason, m.reason
        assert any(fid in o["findings"] for o in design.objectives)
    # measured on seed 2008 (see the closing note of issue 12): Hebei's 行业篇 already sits at its
    # maximum in the base design; Beijing's support engineers and Shandong's sales managers have
    # every module not training the dimension at its minimum -- the budget binds
    assert no_room == [("hebei", "account_manager", "industry"), ("beijing", "support_engineer", "communication"),
                       ("shandong", "sales_manager", "process")]


def test_planted_regions_without_a_weakness_keep_the_base_design(generated):
    run = generated[("planted", 2008)]
    weak = {(w["region"], w["population"]) for w in _planted(generated)}
    stronger = run["findings"].claimed(kind="vs_other_regions", direction="stronger")
    touched = weak | set(zip(stronger["region"], stronger["population"]))
    for region, by_pop in run["designs"].items():
        for population, design in by_pop.items():
            if (region, population) not in touched:
                assert all(m.days == m.base_days for m in design.modules), (region, population)


# -- (c) the sample bundle -----------------------------------------------------------------------------


def test_hebei_support_engineers_communication_module_is_not_cut_to_its_minimum(sample):
    design = sample["designs"]["hebei"]["support_engineer"]
    assert "communication" in sample["findings"].weakest("hebei", "support_engineer")
    module = design.module("se_key_links")
    assert module.title == "技术支持人员成功的五个关键环节"
    assert module.dimensions[0] == "communication"
    assert module.days > module.days_min
    assert "取下限" not in module.reason


def test_hebei_industry_module_lists_hospitals_with_the_evidence_counts(sample):
    design = sample["designs"]["hebei"]["account_manager"]
    industries = {i["label"]: i for i in design.module("am_industry_solutions").industries}
    assert "医院" in industries
    reason = industries["医院"]["reason"]
    assert "随访记录" in reason and "访谈记录" in reason
    assert any(ch.isdigit() for ch in reason)
    # the chapters follow the chosen industries
    assert any(ch.startswith("医院") for ch in design.module("am_industry_solutions").chapters)


def test_every_claimed_weakness_no_module_trains_gets_a_session_or_an_open_decision(sample):
    findings = sample["findings"]
    seen = 0
    for region, by_pop in sample["designs"].items():
        for population, design in by_pop.items():
            trained = {d for m in design.modules for d in m.dimensions}
            added = {s["dimension"]: s for m in design.modules for s in m.added_sessions}
            open_ = {u["dimension"]: u for u in design.uncovered}
            weak = set(findings.claimed(region, population, direction="weaker", kind="vs_other_regions")["dimension"])
            weak |= set(findings.claimed("all", population, direction="weaker", kind="vs_required")["dimension"])
            for d in sorted(weak - trained):
                seen += 1
                assert d in added or d in open_, (region, population, d)
                said = added[d] if d in added else open_[d]
                assert said["finding"].split(":")[0] in (region, "all")
                if d in added:  # the host module cites the finding its session answers
                    assert said["finding"] in {f for m in design.modules for f in m.findings}
                else:
                    assert "请顾问决定" in said["decision"]
    assert seen >= 5  # 时间 and 管理 of the account managers in every region
    # Tianjin's own, planted 时间 weakness is what its added session cites
    tianjin = sample["designs"]["tianjin"]["account_manager"]
    time = [s for m in tianjin.modules for s in m.added_sessions if s["dimension"] == "time"]
    assert [s["finding"] for s in time] == ["tianjin:account_manager:time:vs_other_regions"]
    assert "时间管理" in time[0]["title"]


def _day_shares(design) -> dict[int, float]:
    minutes: dict[int, list[int]] = {}
    for session in design.schedule:
        day = minutes.setdefault(session["day"], [0, 0])
        for a in session["activities"]:
            day[0] += a["minutes"] * bool(a["interactive"])
            day[1] += a["minutes"]
    return {d: i / t for d, (i, t) in minutes.items() if t}


def test_every_day_is_at_least_half_interactive_or_the_design_says_why(sample):
    for region, by_pop in sample["designs"].items():
        for population, design in by_pop.items():
            shares = _day_shares(design)
            assert shares, (region, population)
            assert len(shares) == -(-design.total_days // 1)  # ceil: every course day is scheduled
            said = " ".join(d["text"] for d in design.decisions if d["module"] is None)
            for day, share in shares.items():
                assert share > 0.5 or f"第{day}天" in said, (region, population, day, share)  # 超过一半
            total = sum(a["minutes"] for s in design.schedule for a in s["activities"])
            interactive = sum(a["minutes"] for s in design.schedule for a in s["activities"] if a["interactive"])
            assert design.interactive_share == pytest.approx(interactive / total)


# -- the command line ------------------------------------------------------------------------------------


def _outline_json(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["outline", str(SAMPLE_BUNDLE), *args, "--json"])
    return code, capsys.readouterr().out


def test_outline_json_has_the_contract_keys_and_is_the_design(capsys, sample):
    code, text = _outline_json(capsys, "--region", "河北", "--audience", "支撑人员")
    assert code == 0
    data = json.loads(text)
    assert {"region", "audience", "total_days", "budget_days", "interactive_share", "modules", "schedule",
            "uncovered"} <= set(data)
    assert data["region"] == "hebei" and data["audience"] == "support_engineer"
    assert all(MODULE_CONTRACT <= set(m) for m in data["modules"])
    assert all({"day", "half", "minutes", "activities"} <= set(s) for s in data["schedule"])
    assert all(ACTIVITY_CONTRACT <= set(a) for s in data["schedule"] for a in s["activities"])
    assert all(s["minutes"] == sum(a["minutes"] for a in s["activities"]) for s in data["schedule"])
    design = sample["designs"]["hebei"]["support_engineer"]
    assert [(m["id"], m["days"]) for m in data["modules"]] == [(m.id, m.days) for m in design.modules]
    assert data["total_days"] == sum(m["days"] for m in data["modules"]) == data["budget_days"]


def test_outline_accepts_ids_and_chinese_names_and_gives_identical_bytes(capsys):
    by_id = _outline_json(capsys, "--region", "hebei", "--audience", "support_engineer")
    by_name = _outline_json(capsys, "--region", "河北", "--audience", "支撑人员")
    again = _outline_json(capsys, "--region", "河北", "--audience", "支撑人员")
    assert by_id[0] == by_name[0] == again[0] == 0
    assert by_id[1] == by_name[1] == again[1]
    assert json.loads(by_id[1])["audience"] == "support_engineer"


@pytest.mark.parametrize(("args", "choices"), [
    (["--region", "火星", "--audience", "支撑人员"], ["河北", "hebei", "天津", "南宁"]),
    (["--region", "河北", "--audience", "老板"], ["支撑人员", "support_engineer", "政企客户经理"]),
])
def test_an_unknown_region_or_audience_is_refused_in_chinese_with_the_choices(tmp_path, capsys, args, choices):
    out = tmp_path / "课程大纲.docx"
    capsys.readouterr()
    assert main(["outline", str(SAMPLE_BUNDLE), *args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert all(c in err for c in choices), err
    assert "未知" in err and "unknown" not in err
    assert list(tmp_path.iterdir()) == []


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_outline_docx_is_written_protected_when_edited_and_replaced_with_force(tmp_path, sample):
    out = tmp_path / "课程大纲.docx"
    argv = ["outline", str(SAMPLE_BUNDLE), "--region", "hebei", "--audience", "account_manager", "--out", str(out)]
    assert main(argv) == 0
    design = sample["designs"]["hebei"]["account_manager"]
    text = _docx_text(out)
    assert design.title in text
    assert all(m.title in text for m in design.modules)
    assert "医院" in text
    # the consultant edits it: a second run does not replace it
    doc = Document(str(out))
    doc.add_paragraph("顾问补充：第二天下午请院办主任来分享。")
    doc.save(str(out))
    edited = out.read_bytes()
    assert main(argv) == 1
    assert out.read_bytes() == edited
    # --force replaces it and keeps the edited one beside it
    assert main([*argv, "--force"]) == 0
    assert "顾问补充" not in _docx_text(out)
    backups = list(tmp_path.glob("_课程大纲.bak-*.docx"))
    assert [b.read_bytes() for b in backups] == [edited]


def test_outline_refuses_a_pdf_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "课程大纲.pdf"
    with pytest.raises(SystemExit) as exc:
        main(["outline", str(SAMPLE_BUNDLE), "--region", "hebei", "--audience", "account_manager", "--out", str(out)])
    assert exc.value.code == 2
    assert ".docx" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- behaviour types -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def segments(sample):
    report = segment_account_managers(sample["bundle"])
    assert report.clear
    return report


def _all_mixes(report, regions) -> pd.DataFrame:
    return pd.concat([type_mix(report, r).assign(region=r) for r in regions], ignore_index=True)


def test_type_mix_is_adjusted_over_the_engagement_and_claims_nothing_on_balanced_regions(sample, segments):
    regions = sample["bundle"].manifest.top_level_ids()
    mix = _all_mixes(segments, regions)
    assert list(mix.columns[:-1]) == list(TYPE_MIX_COLUMNS)
    assert len(mix) == len(regions) * len(segments.personas)
    assert mix["p_adjusted"].to_numpy() == pytest.approx(bh_adjust(mix["p_value"].to_numpy()))
    # the sample's types are spread evenly over its regions: nothing is claimed
    assert not mix["claimed"].any()


def test_type_mix_claims_a_dominant_type_only_when_significant_after_adjustment(sample, segments):
    regions = sample["bundle"].manifest.top_level_ids()
    a = segments.assignments.copy()
    hebei = a["top_region_id"] == "hebei"
    a.loc[hebei, "segment"] = 2  # every Hebei account manager a price-first opener
    rigged = type(segments)(**{**segments.__dict__, "assignments": a})
    mix = _all_mixes(rigged, regions)
    claimed = mix.loc[mix["claimed"]]
    assert [(r, t) for r, t in zip(claimed["region"], claimed["type_id"])] == [("hebei", "type2")]
    assert (claimed["p_adjusted"] < 0.05).all()
    assert (claimed["share"] > claimed["engagement_share"]).all()
    # a raw p below .05 that does not survive the adjustment is not claimed
    assert not mix.loc[(mix["p_value"] < 0.05) & (mix["p_adjusted"] >= 0.05), "claimed"].any()
    assert mix["p_adjusted"].to_numpy() == pytest.approx(bh_adjust(mix["p_value"].to_numpy()))


def test_type_mix_is_empty_without_segments():
    empty = type_mix(None, "hebei")
    assert empty.empty and list(empty.columns) == list(TYPE_MIX_COLUMNS)


def test_outline_names_the_case_files_it_cannot_use(mini_copy, capsys):
    """A case whose module id is misspelt would silently drop out of the outline: the command says so."""
    case = (Path(__file__).parent / "fixtures/case_library/cases/hotel_monitoring.md").read_text(encoding="utf-8")
    root = mini_copy({"cases/hotel_monitoring.md": case.replace("modules: [am_needs_basics]",
                                                                "modules: [am_needs_basic]")})
    capsys.readouterr()
    assert main(["outline", str(root), "--region", "河北", "--audience", "政企客户经理"]) == 0
    err = capsys.readouterr().err
    assert "cases/hotel_monitoring.md" in err and "am_needs_basic" in err and "casekit validate" in err
