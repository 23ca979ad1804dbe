"""The consultant's exploration of the follow-up (notebook 7.0): what a consultant sees per region.

One explorer on the sample (the evaluation is computed once per module), one with a higher
threshold for the hidden cells, and a hand-written follow-up on the foreign bundle (data nobody
here generated).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from matplotlib.colors import to_hex

from casekit.exceptions import AnalysisError
from casekit.intake import load_bundle
from casekit.reports.followup_explorer import NO_FOLLOWUP, FollowUpExplorer

FOREIGN = Path(__file__).resolve().parent / "fixtures" / "bundles" / "foreign"
CLAIMED_RED = "#c0392b"


@pytest.fixture(scope="module")
def explorer(shared_sample_bundle: Any) -> FollowUpExplorer:
    return FollowUpExplorer(shared_sample_bundle)


def test_regions_are_the_trained_ones_and_a_city_means_its_province(explorer):
    assert [rid for _, rid in explorer.regions] == ["beijing", "tianjin", "hebei", "nanning", "all"]
    assert explorer.region_id("河北") == "hebei"
    assert explorer.region_id("石家庄") == "hebei"
    with pytest.raises(AnalysisError, match="不是参训地区，可选：北京、天津、河北、南宁"):
        explorer.region_id("山东")  # the untrained comparison region is not a choice


def test_nanning_shows_no_claimed_behaviour_change_and_hebei_shows_its_planted_ones(explorer):
    assert explorer.claimed_sentences("南宁", "w1", ("behaviour",)) == []
    nanning = explorer.measure_table("behaviour", "南宁", "w1")
    assert len(nanning) and not nanning["结论"].str.startswith("明显").any()
    hebei = explorer.measure_table("behaviour", "河北", "w1")
    before_after = hebei[hebei["对照方式"] == "仅培训前后"].set_index("指标")
    assert before_after.loc["提问挖掘需求", "结论"] == "明显提高（向好）"
    assert before_after.loc["以价格优惠开场", "结论"] == "明显降低（向好）"  # a pushing opening going down
    assert any("提问挖掘需求" in s for s in explorer.claimed_sentences("河北", "w1", ("behaviour",)))


def test_the_chart_marks_exactly_the_claimed_changes(explorer):
    fig = explorer.change_figure("behaviour", "hebei", "w1")
    filled_red = [line for ax in fig.axes for line in ax.lines
                  if line.get_marker() not in ("None", "", None) and len(line.get_xdata()) == 1
                  and to_hex(line.get_markerfacecolor()) == CLAIMED_RED]
    rows = explorer.evaluation.behaviour
    claimed = rows[(rows["group"] == "hebei") & (rows["wave_id"] == "w1") & rows["claimed"]]
    assert len(filled_red) == len(claimed) >= 3  # asks_needs, price_first, question share (and the DiDs)


def test_the_comparison_for_hebei_is_shandongs_untrained_group(explorer):
    table = explorer.comparison_table("河北", "w1", "asks_needs")
    assert list(table["分组"]) == ["河北参训学员", "山东未参训的政企客户经理"]
    row = explorer.comparison_row("河北", "w1", "asks_needs")
    assert row["isolation"] == "control_group" and row["claimed"]
    assert table.loc[1, "n"] == row["n_control"] and table.loc[0, "n"] == row["n"]
    # the trainees' levels are the evaluation's own before/after figures
    ev = explorer.evaluation.behaviour
    own = ev[(ev["group"] == "hebei") & (ev["measure"] == "asks_needs") & (ev["isolation"] == "before_after")].iloc[0]
    assert table.loc[0, "before"] == pytest.approx(own["baseline"])
    assert table.loc[0, "after"] == pytest.approx(own["followup"])
    fig = explorer.comparison_figure("河北", "w1", "asks_needs")
    texts = [t.get_text() for t in fig.legends[0].get_texts()] + [fig.get_suptitle()]
    assert any("山东未参训" in t for t in texts) and any("明显提高" in t for t in texts)
    # sales are compared by the baseline and follow-up months' means
    sales = explorer.comparison_table("河北", "w1", "target_attainment")
    assert sales.loc[1, "分组"] == "山东未参训的政企客户经理" and sales["培训后"].str.endswith("%").all()
    # the share of talk that is questions: the trainees' levels are the evaluation's too
    questions = explorer.comparison_table("河北", "w1", "question_share")
    own = ev[(ev["group"] == "hebei") & (ev["measure"] == "question_share") & (ev["isolation"] == "before_after")]
    assert questions.loc[0, "after"] == pytest.approx(own["followup"].iloc[0])
    assert questions.loc[1, "分组"] == "山东未参训的政企客户经理"
    # a measure the evaluation does not compare with the untrained: nothing to show
    assert explorer.comparison_figure("河北", "w1", "quiz") is None


def test_an_unreliable_behaviour_is_flagged_everywhere(explorer):
    assert explorer.unreliable_behaviours("w1") == ["用客户语言讲价值"]
    agreement = explorer.agreement_table().set_index("做法")
    assert agreement.loc["用客户语言讲价值", "结论"] == "偏低，只作参考"
    assert agreement.loc["提问挖掘需求", "结论"] == "可靠"
    for region in ("北京", "河北", "all"):
        table = explorer.measure_table("behaviour", region, "w1")
        flagged = table[table["指标"] == "用客户语言讲价值"]
        assert len(flagged) and (flagged["结论"] == "记录不一致，只作参考").all()


def test_hidden_cells_show_no_number(shared_sample_bundle):
    strict = FollowUpExplorer(shared_sample_bundle, min_n=7)  # 天津: six trainees observed twice
    table = strict.measure_table("behaviour", "天津", "w1")
    hidden = table[table["结论"] == "人数不足，不显示"]
    assert len(hidden) and (hidden["人数"].str.startswith("不足7人")).all()
    assert (hidden[["培训前", "培训后", "变化", "可能范围"]] == "—").all().all()
    fig = strict.change_figure("behaviour", "天津", "w1")
    assert any(t.get_text() == "人数不足，不显示" for ax in fig.axes for t in ax.texts)
    numbers = [line for ax in fig.axes for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(numbers) == (table["结论"] != "人数不足，不显示").sum()


def test_match_rates_are_reported_against_the_80_percent_aim(explorer):
    table = explorer.match_table()
    assert len(table) == len(explorer.evaluation.attrition)
    ride = table[table["资料"] == "工作随访"].iloc[0]
    assert ride["轮次"] == "培训后三个月回访" and ride["应有"] == "37 人" and ride["匹配率"] == "92%"
    assert (table["达到八成"] == "是").all()


def test_who_moved_and_the_success_cases_name_the_regions_trainees(explorer, shared_sample_bundle):
    moved = explorer.who_moved("河北", "w1")
    people = shared_sample_bundle.followup.people.set_index("person_id")
    assert (people.loc[moved["编号"], "top_region_id"] == "hebei").all()
    assert set(moved["方向"]) <= {"向好", "没有变化", "向差", "未回访"}
    assert moved["类型"].str.startswith("第").all()
    # over every trained region, the lists are the evaluation's own
    cases = explorer.success_cases("all", "w1")
    own = explorer.evaluation.success_cases["w1"]
    assert list(cases.most["person_id"]) == list(own.most["person_id"])
    assert list(cases.least["person_id"]) == list(own.least["person_id"])
    text = explorer.success_cases_markdown("河北", "w1")
    assert text.startswith("**仅供顾问") and "访谈提纲" in text
    assert set(explorer.success_cases("河北", "w1").most["person_id"]) <= set(moved["编号"])


def test_the_action_plan_preview_is_the_action_plan_api(explorer):
    types = explorer.plan_types("河北")
    assert len(types) >= 2
    text = explorer.action_plan_markdown("河北", types[1])
    # after the follow-up, the plan is the next ninety days and opens with what the follow-up found
    assert text.startswith("# 河北客户经理下一个九十天（回访后）行动计划与陪访记录卡")
    assert "回访发现了什么" in text
    # the chosen type's plan only; the checklist is the region's (every type's signs)
    assert f"### {types[1]}" in text and f"### {types[0]}" not in text and "陪访记录卡" in text
    assert "全体客户经理的三件核心行动" in text  # every account manager's core actions stay beside the type's
    with pytest.raises(AnalysisError, match="请选一个参训地区"):
        explorer.action_plan_markdown("all")
    with pytest.raises(AnalysisError, match="没有“第九类”的行动计划"):
        explorer.action_plan_markdown("河北", "第九类")


def test_a_bundle_without_followup_says_so_in_chinese():
    with pytest.raises(AnalysisError) as error:
        FollowUpExplorer(load_bundle(FOREIGN))
    assert str(error.value) == NO_FOLLOWUP


_WAVES = """course:
  name: 滇桂转型业务营销训练营
  start: 2009-06-08
  end: 2009-06-11
selection: all
waves:
  - id: w1
    label: 训练营后第一次回访
    start: 2009-09-01
    end: 2009-09-25
"""
_GUANGXI = ["GXGL01", "GXGL02", "GXGL03", "GXLZ01", "GXLZ02", "GXLZ03", "GXLZ04", "GXLZ05", "GXNN01",
            "GXNN02", "GXNN03", "GXNN04", "GXNN05", "GXNN06", "GXSJ01"]
_YUNNAN = ["YNAM01", "YNAM02", "YNAM03", "YNAM04", "YNAM05"]
_VISITS = """visit_id,date,region,account_manager,customer_industry,purpose,products,funnel_stage,minutes_on_site,minutes_travel,question_share,behaviours,outcome,observer_notes,observer
GL-0905-1,2009-09-05,桂林市,GXGL01,酒店,回访,壮乡眼,发展痛点,45,50,0.35,提问挖掘需求;约定下一步行动,推进到下一步,先问了夜班前台的人手。,O1
GL-0905-1,2009-09-05,桂林市,GXGL01,酒店,回访,壮乡眼,发展痛点,45,50,0.35,提问挖掘需求;用客户语言讲价值,推进到下一步,先问了夜班前台的人手。,O2
LZ-0907-1,2009-09-07,柳州市,GXLZ01,工厂,仓库监控,壮乡眼,找到切入点,40,60,0.28,提问挖掘需求;以价格优惠开场,停滞,<b>客户</b>说再想想,O1
LZ-0908-1,2009-09-08,柳州市,GXLZ03,酒店,续约,天翼商务,发展痛点,55,35,0.4,提问挖掘需求;约定下一步行动,推进到下一步,,O2
NN-0910-1,2009-09-10,南宁市,GXNN02,旅行社,回访,桂企云站,成交,30,40,0.45,约定下一步行动,成交,,O1
YN-0915-1,2009-09-15,云南,YNAM01,学校,校园监控,壮乡眼,找到切入点,30,80,0.15,以价格优惠开场,停滞,,O1
"""


@pytest.fixture(scope="module")
def foreign(tmp_path_factory) -> FollowUpExplorer:
    """The foreign bundle with a small hand-written follow-up: 广西 trained, 云南 the comparison."""
    root = tmp_path_factory.mktemp("foreign") / "bundle"
    shutil.copytree(FOREIGN, root)
    folder = root / "followup"
    (folder / "w1").mkdir(parents=True)
    (folder / "waves.yaml").write_text(_WAVES, encoding="utf-8")
    (folder / "trainees.csv").write_text("person_id\n" + "\n".join(_GUANGXI) + "\n", encoding="utf-8")
    months = [("2009-03", 0.0), ("2009-04", 1.0), ("2009-05", 2.0), ("2009-07", 8.0), ("2009-08", 9.0)]
    lines = ["person_id,month,value"]
    for i, person in enumerate(_GUANGXI + _YUNNAN):
        lift = 1.0 if person.startswith("GX") else 0.0
        lines += [f"{person},{m},{80 + i + step * (lift if step > 5 else 1):.1f}" for m, step in months]
    (folder / "sales.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "w1" / "ride_alongs.csv").write_text(_VISITS, encoding="utf-8")
    return FollowUpExplorer(load_bundle(root))


def test_a_hand_written_followup_on_foreign_data(foreign):
    assert foreign.regions == [("广西", "guangxi")]
    assert foreign.control_label == "云南未参训的政企客户经理"
    assert foreign.region_id("柳州市") == "guangxi"
    # sales against 云南's five untrained account managers
    sales = foreign.measure_table("results", "广西", "w1")
    assert "对照组（未参训人员）" in set(sales["对照方式"])
    # behaviour: four trainees observed before and after, one 云南 account manager: nothing shown
    table = foreign.comparison_table("广西", "w1", "asks_needs")
    assert list(table["人数"]) == ["不足5人", "不足5人"] and (table[["培训前", "培训后", "变化"]] == "—").all().all()
    behaviour = foreign.measure_table("behaviour", "广西", "w1")
    assert set(behaviour["对照方式"]) == {"仅培训前后"} and (behaviour["人数"] == "不足5人").all()
    assert (behaviour["结论"] == "人数不足，不显示").all() and (behaviour["变化"] == "—").all()
    assert foreign.claimed_sentences("广西", "w1", ("behaviour",)) == []
    assert foreign.change_figure("behaviour", "广西", "w1").axes
    moved = foreign.who_moved("广西", "w1")
    assert "未回访" in set(moved["方向"])  # GXNN05 was observed before the course only
    assert foreign.plan_types("广西")
    assert "陪访记录卡" in foreign.action_plan_markdown("广西")
