"""``followup/``: the follow-up after the course, read and checked as docs/followup.md says.

Every bundle here is the ``mini`` bundle with a follow-up written by hand, as a consultant
would: Chinese labels and aliases where the format allows them. The mini bundle's people:
account managers 13800000001–05 and 12, support engineers 06–08, sales managers 09–11; its
baseline ride-alongs observe 01 (北京), 04 (保定) and 03 (石家庄).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casekit import cli
from casekit.exceptions import BundleValidationError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.bundle import check_bundle, remember_bundles
from casekit.intake.followup import FollowUp, followup_summary

MINI_SURVEY = Path(__file__).parent / "fixtures" / "bundles" / "mini" / "survey" / "responses.csv"

WAVES = """\
course:
  name: 转型业务营销培训
  start: 2008-11-10
  end: 2008-11-14
selection: 全员参训
waves:
  - id: w1
    label: 培训后三个月回访
    start: 2009-02-01
    end: 2009-02-28
"""

TRAINEES = """\
person_id,cohort,attended_days
13800000001,一班,5
13800000003,一班,4.5
13800000004,二班,5
13800000009,二班,
"""

REACTION = """\
person_id,整体满意度,相关性,trainer,应用信心,应用意愿,comment
13800000001,5,4,5,4,4,案例很贴近我们的客户
13800000003,4,,4,3,4,
13800000004,5,5,5,5,5,
"""

QUIZ = """\
person_id,phase,score,max_score
13800000001,pre,12,20
13800000001,培训后,17,20
13800000003,课前,10,20
13800000003,post,15,20
13800000004,pre,8,20
13800000004,后测,16,20
"""

SALES = """\
person_id,month,value
13800000001,2008-09,85
13800000001,2008-10,88
13800000001,2009-01,96
13800000001,2009/2,101
13800000002,2008-09,102.5
13800000002,2008-10,100
13800000002,2009-01,104
13800000002,2009-02,103
"""

RIDE_HEADER = ("visit_id,date,region,account_manager,customer_industry,purpose,products,funnel_stage,"
               "minutes_on_site,minutes_travel,question_share,behaviours,outcome,observer_notes,observer\n")
WAVE_RIDES = RIDE_HEADER + """\
W101,2009-02-10,北京,13800000001,酒店,回访商务领航,商务领航,发展痛点,50,40,0.4,提问挖掘需求;约定下一步行动,推进到下一步,先问了客房入住率,O1
W101,2009-02-10,北京,13800000001,酒店,回访商务领航,商务领航,发展痛点,50,40,0.4,提问挖掘需求,推进到下一步,问了入住率,O2
W102,2009-02-12,保定,13800000004,超市,推荐监控方案,宽视界,5,35,50,0.45,提问挖掘需求；产品演示,推进到下一步,,O1
W103,2009-02-15,beijing,13800000002,教育,介绍网站建设,网站,3,30,20,0.2,以价格优惠开场,停滞,,O2
"""

COACHING = """\
person_id,joint_visits,weekly_reviews
13800000001,3,8
13800000003,1,4
13800000004,2,6
"""


def _wave_survey(ids: list[str]) -> str:
    """The baseline export's header and the rows of ``ids``: the same questionnaire again."""
    lines = MINI_SURVEY.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines[1:] if line.split(",")[0] in ids]
    return "\n".join([lines[0], *rows]) + "\n"


def _followup(**changes: str | None) -> dict[str, str | None]:
    files: dict[str, str | None] = {
        "followup/waves.yaml": WAVES,
        "followup/trainees.csv": TRAINEES,
        "followup/reaction.csv": REACTION,
        "followup/quiz.csv": QUIZ,
        "followup/sales.csv": SALES,
        "followup/w1/survey/responses.csv": _wave_survey(["13800000001", "13800000002", "13800000009"]),
        "followup/w1/ride_alongs.csv": WAVE_RIDES,
        "followup/w1/coaching.csv": COACHING,
    }
    files.update({f"followup/{k.replace('__', '/').replace('_csv', '.csv').replace('_yaml', '.yaml')}": v
                  for k, v in changes.items()})
    return files


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The mini bundle with a clean follow-up, loaded once (read-only)."""
    import shutil

    root = tmp_path_factory.mktemp("followup") / "bundle"
    shutil.copytree(MINI_SURVEY.parents[1], root)
    for rel, text in _followup().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root, load_bundle(root)


def test_a_follow_up_loads_into_the_documented_tables(clean):
    _, bundle = clean
    f = bundle.followup
    assert isinstance(f, FollowUp)
    assert f.course.name == "转型业务营销培训"
    assert (f.course.start, f.course.end) == (pd.Timestamp("2008-11-10"), pd.Timestamp("2008-11-14"))
    assert f.selection == "all"  # written as the Chinese label 全员参训
    assert f.waves.to_dict("records") == [{"wave_id": "w1", "label": "培训后三个月回访",
                                           "start": pd.Timestamp("2009-02-01"), "end": pd.Timestamp("2009-02-28")}]
    trainees = f.trainees.set_index("person_id")
    assert list(f.trainees.columns) == ["person_id", "cohort", "attended_days", "region_id", "population"]
    assert trainees.loc["13800000003", "region_id"] == "shijiazhuang"
    assert trainees.loc["13800000009", "population"] == "sales_manager"
    assert pd.isna(trainees.loc["13800000009", "attended_days"])
    # every baseline respondent once; the trainees flagged, everyone else the comparison group
    assert len(f.people) == 12 and f.people["trained"].sum() == 4
    assert list(f.people.columns) == ["person_id", "region_id", "top_region_id", "population", "trained"]


def test_reaction_is_long_items_by_label_or_alias_and_no_answer_has_no_row(clean):
    reaction = clean[1].followup.reaction
    assert set(reaction["item"]) == {"satisfaction", "relevance", "trainer", "confidence", "commitment"}
    three = reaction[reaction["person_id"] == "13800000003"]
    assert "relevance" not in set(three["item"])  # the empty 相关性 cell: no answer
    assert len(reaction) == 5 + 4 + 5
    comments = clean[1].followup.reaction_comments
    assert comments.to_dict("records") == [{"person_id": "13800000001", "comment": "案例很贴近我们的客户"}]


def test_quiz_phases_are_normalised_and_get_a_share(clean):
    quiz = clean[1].followup.quiz.set_index(["person_id", "phase"])
    assert quiz.loc[("13800000001", "post"), "share"] == pytest.approx(17 / 20)
    assert quiz.loc[("13800000004", "pre"), "share"] == pytest.approx(8 / 20)  # 课前 → pre
    assert sorted(set(quiz.index.get_level_values("phase"))) == ["post", "pre"]


def test_sales_months_get_their_period(clean):
    sales = clean[1].followup.sales
    one = sales[sales["person_id"] == "13800000001"]
    assert one["month"].tolist() == ["2008-09", "2008-10", "2009-01", "2009-02"]  # 2009/2 written as 2009-02
    assert one["period"].tolist() == ["baseline", "baseline", "after", "after"]


def test_each_wave_has_its_survey_ride_alongs_and_coaching(clean):
    f = clean[1].followup
    assert sorted(f.surveys["w1"].respondents["respondent_id"]) == ["13800000001", "13800000002", "13800000009"]
    assert len(f.surveys["w1"].responses) > 0
    visits = f.ride_alongs["w1"]
    assert visits["visit_id"].tolist() == ["W101", "W102", "W103"]  # W101 recorded twice, seen once
    assert visits.set_index("visit_id").loc["W101", "observer"] == "O1"  # its first recording
    assert visits.set_index("visit_id").loc["W101", "behaviours"] == ("asks_needs", "agrees_next_step")
    recordings = f.ride_along_recordings["w1"]
    assert recordings.loc[recordings["visit_id"] == "W101", "observer"].tolist() == ["O1", "O2"]
    assert f.coaching["w1"].set_index("person_id")["weekly_reviews"].to_dict() == {
        "13800000001": 8, "13800000003": 4, "13800000004": 6}


def test_links_count_the_trainees_found_and_missing_per_source(clean):
    links = clean[1].followup.links.set_index("source")
    survey = links.loc["survey"]
    # 4 trainees; the wave's questionnaire has 01 and 09 (02 answered too, but is not trained)
    assert (survey["n_found"], survey["n_trainees"]) == (2, 4)
    assert survey["missing"] == ("13800000003", "13800000004")
    assert survey["match_rate"] == pytest.approx(0.5)
    rides = links.loc["ride_alongs"]  # among the trainees observed at baseline: 01, 03, 04
    assert (rides["n_found"], rides["n_trainees"], rides["missing"]) == (2, 3, ("13800000003",))
    coaching = links.loc["coaching"]  # among the account managers trained: 01, 03, 04
    assert (coaching["n_found"], coaching["n_trainees"]) == (3, 3)


def test_validate_prints_the_match_rates_in_chinese_and_says_when_below_80(clean, capsys):
    root, _ = clean
    assert cli.main(["validate", str(root)]) == 0
    out = capsys.readouterr().out
    # 8 untrained; of the trainees' posts: account managers 02, 05, 12 and sales managers 10, 11
    assert "学员 4 人" in out and "未参训的基线人员 8 人（其中与学员同岗位、可作对照组的 5 人）" in out
    assert "回访 w1（培训后三个月回访）：" in out
    assert "问卷匹配 2/4 名学员（50%，低于 80% 的目标）" in out
    assert "随访匹配 2/3 名基线有随访记录的学员（67%，低于 80% 的目标）" in out
    assert "辅导记录匹配 3/3 名客户经理学员（100%）" in out
    assert "OK, no problems found" in out


def test_a_summary_without_untrained_people_says_only_before_and_after(clean):
    f = clean[1].followup
    everyone = f.people.assign(trained=True)
    lines = followup_summary(FollowUp(f.course, f.selection, f.waves, f.trainees, everyone, links=f.links))
    assert "没有未参训的基线人员（只能比较培训前后）" in lines[0]


PLANTED = dict(
    # unknown key in waves.yaml (lable), and a second wave without its folder
    waves_yaml=WAVES.replace("    label: 培训后三个月回访", "    lable: 培训后三个月回访")
    + "  - id: w2\n    label: 培训后六个月回访\n    start: 2009-05-01\n    end: 2009-05-31\n",
    # an unknown person, a duplicate row (01 pre twice: pre and 课前), a score above max_score
    quiz_csv=QUIZ + "13800000999,pre,10,20\n13800000001,课前,11,20\n13800000009,pre,25,20\n",
    # a month during the course
    sales_csv=SALES + "13800000002,2008-11,99\n",
    # the same observer twice on one visit
    w1__ride_alongs_csv=WAVE_RIDES.replace("问了入住率,O2", "问了入住率,O1"),
)


def test_every_planted_problem_is_reported_at_once_with_file_row_and_column(mini_copy):
    root = mini_copy(_followup(**PLANTED))
    problems = validate_bundle(root)
    where = {(p.file, p.row, p.column) for p in problems}
    by_place = {(p.file, p.row, p.column): p for p in problems}
    key = by_place[("followup/waves.yaml", 8, "waves[0].lable")]
    assert "did you mean 'label'" in key.found
    assert ("followup/waves.yaml", 7, "waves[0].label") in where  # the label itself is then missing
    assert ("followup/w2/", None, None) in where  # declared, no folder
    assert "no such folder" in by_place[("followup/w2/", None, None)].found
    assert ("followup/quiz.csv", 8, "person_id") in where  # 13800000999: not in the baseline
    dup = by_place[("followup/quiz.csv", 9, "phase")]
    assert dup.expected.startswith("one row per person and phase") and "first at row 2" in dup.found
    over = by_place[("followup/quiz.csv", 10, "score")]
    assert "at most max_score" in over.expected and over.found == "25 (max_score 20)"
    during = by_place[("followup/sales.csv", 10, "month")]
    assert "2008-11-10 to 2008-11-14" in during.expected and during.found == "2008-11"
    twice = by_place[("followup/w1/ride_alongs.csv", 3, "observer")]
    assert "different observer" in twice.expected and "W101 already recorded by O1 at" in twice.found
    with pytest.raises(BundleValidationError):
        load_bundle(root)


def test_ids_and_dates_the_follow_up_does_not_accept(mini_copy):
    root = mini_copy(_followup(
        trainees_csv=TRAINEES + "13800000003,三班,-1\n",  # twice, and negative days
        reaction_csv=REACTION.replace("13800000004,5,5,5,5,5", "13800000005,5,6,5,5,5"),  # not trained; 6 > 5
        w1__coaching_csv=COACHING + "13800000009,1,1\n",  # a sales manager coached as an account manager
        w1__ride_alongs_csv=WAVE_RIDES.replace("W103,2009-02-15", "W103,2009-03-15"),  # after the wave
        w1__survey__responses_csv=_wave_survey(["13800000001"]) + "13800000077" + _wave_survey(
            ["13800000002"]).splitlines()[1][len("13800000002"):] + "\n",
    ))
    problems = validate_bundle(root)
    places = {(p.file, p.row, p.column) for p in problems}
    assert ("followup/trainees.csv", 6, "person_id") in places  # 03 again
    assert ("followup/trainees.csv", 6, "attended_days") in places
    assert ("followup/reaction.csv", 4, "person_id") in places  # 05 did not attend
    assert ("followup/reaction.csv", 4, "相关性") in places
    assert ("followup/w1/coaching.csv", 5, "person_id") in places
    assert ("followup/w1/ride_alongs.csv", 5, "date") in places
    assert ("followup/w1/survey/responses.csv", 3, "答卷编号") in places  # 13800000077: nobody at baseline


def test_wave_folders_and_files_must_be_declared_and_known(mini_copy):
    root = mini_copy(_followup(**{"w9__coaching_csv": COACHING, "quizz_csv": QUIZ}))
    found = {p.file: p for p in validate_bundle(root)}
    assert "not a declared wave" in found["followup/w9/"].found
    assert "did you mean 'quiz.csv'" in found["followup/quizz.csv"].found


def test_waves_out_of_order_are_problems(mini_copy):
    waves = WAVES.replace("start: 2009-02-01", "start: 2008-11-12") + (
        "  - id: w2\n    label: 第二次回访\n    start: 2009-02-20\n    end: 2009-03-31\n")
    root = mini_copy(_followup(waves_yaml=waves, **{"w2__coaching_csv": COACHING}))
    problems = {(p.file, p.row, p.column): p for p in validate_bundle(root)}
    assert "course's last day" in problems[("followup/waves.yaml", 9, "waves[0].start")].expected
    assert "do not overlap" in problems[("followup/waves.yaml", 13, "waves[1].start")].expected


def test_a_bundle_without_followup_loads_as_before(shared_mini_bundle):
    assert shared_mini_bundle.followup is None
    assert len(shared_mini_bundle.ride_alongs) == 3
    assert check_bundle(MINI_SURVEY.parents[1]).followup is None
    recordings = shared_mini_bundle.ride_along_recordings
    assert len(recordings) == 3 and recordings["observer"].isna().all()


@pytest.fixture(scope="module")
def shared_mini_bundle():
    return load_bundle(MINI_SURVEY.parents[1])


BASELINE_TWICE = (Path(__file__).parent / "fixtures" / "bundles" / "mini" / "ride_alongs.csv").read_text(
    encoding="utf-8").splitlines()


def _baseline_with_observers(second_observer: str) -> str:
    header, *rows = BASELINE_TWICE
    out = [header + ",observer"] + [row + ",O1" for row in rows]
    out.append(rows[1] + f",{second_observer}")  # V001 again
    return "\n".join(out) + "\n"


def test_a_baseline_visit_recorded_by_two_observers_is_one_visit_for_the_analyses(mini_copy):
    bundle = load_bundle(mini_copy({"ride_alongs.csv": _baseline_with_observers("O2")}))
    assert bundle.ride_alongs["visit_id"].tolist() == ["V001", "V002", "V003"]
    assert "observer" not in bundle.ride_alongs.columns  # the baseline's documented columns
    recordings = bundle.ride_along_recordings
    assert recordings.loc[recordings["visit_id"] == "V001", "observer"].tolist() == ["O1", "O2"]


def test_a_repeated_visit_without_observers_stays_a_problem(mini_copy):
    header, *rows = BASELINE_TWICE
    root = mini_copy({"ride_alongs.csv": "\n".join([header, *rows, rows[1]]) + "\n"})
    dup = [p for p in validate_bundle(root) if p.file == "ride_alongs.csv"]
    assert [(p.row, p.column, p.expected) for p in dup] == [(5, "visit_id", "a unique value")]


def test_recordings_of_one_visit_must_name_the_same_account_manager(mini_copy):
    text = _baseline_with_observers("O2").replace("13800000001,酒店,介绍商务领航,商务领航,3,45,40,0.2,以价格优惠开场;"
                                                  "relationship_talk,停滞,一开场就报价格优惠,O2",
                                                  "13800000002,酒店,介绍商务领航,商务领航,3,45,40,0.2,以价格优惠开场;"
                                                  "relationship_talk,停滞,一开场就报价格优惠,O2")
    problems = [p for p in validate_bundle(mini_copy({"ride_alongs.csv": text})) if p.file == "ride_alongs.csv"]
    assert [(p.row, p.column) for p in problems] == [(5, "account_manager")]
    assert "13800000001" in problems[0].found


def test_a_remembered_bundle_hands_out_independent_copies_of_the_follow_up(clean):
    root, _ = clean
    remember_bundles(True)
    try:
        first = load_bundle(root)
        first.followup.ride_alongs["w1"].loc[0, "visit_id"] = "changed"
        first.followup.surveys["w1"].respondents.loc[0, "respondent_id"] = "changed"
        second = load_bundle(root)
    finally:
        remember_bundles(False)
    assert second.followup.ride_alongs["w1"].loc[0, "visit_id"] == "W101"
    assert second.followup.surveys["w1"].respondents["respondent_id"].iloc[0] == "13800000001"
