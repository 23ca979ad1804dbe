"""The sample bundle's follow-up after the course (casekit.sample.followup, docs/followup.md).

The generated CSV and YAML files are read directly (pandas, yaml), not through the intake reader:
these tests check what the generator writes and plants, with the format of ``docs/followup.md``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from casekit import domain
from casekit.sample import generate_sample
from casekit.sample.scenarios import SAMPLE

WAVE_FILES = (
    "followup/waves.yaml",
    "followup/trainees.csv",
    "followup/reaction.csv",
    "followup/quiz.csv",
    "followup/sales.csv",
    "followup/w1/survey/responses.csv",
    "followup/w1/ride_alongs.csv",
    "followup/w1/coaching.csv",
)
REACTION_LABELS = ("整体满意度", "与工作的相关性", "讲师表现", "应用信心", "应用意愿")
LABEL_TO_BEHAVIOUR = {t.label: k for k, t in domain.BEHAVIOURS.items()}
CHANGED = ("beijing", "hebei")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_sample(tmp_path_factory.mktemp("followup") / "sample")


@pytest.fixture(scope="module")
def truth(bundle: Path) -> dict:
    return yaml.safe_load((bundle / "_ground_truth.yaml").read_text(encoding="utf-8"))["followup"]


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def top_of(bundle: Path) -> dict[str, str]:
    """Region or city name → top-level region id."""
    mapping = {}
    for region in yaml.safe_load((bundle / "manifest.yaml").read_text(encoding="utf-8"))["regions"]:
        mapping[region["name"]] = region["id"]
        for city in region.get("cities", []):
            mapping[city["name"]] = region["id"]
    return mapping


@pytest.fixture(scope="module")
def baseline_people(bundle: Path, top_of: dict[str, str]) -> pd.DataFrame:
    """The baseline survey's respondents: id, top region, population label."""
    survey = _csv(bundle / "survey" / "responses.csv")
    return pd.DataFrame({
        "person_id": survey["答卷编号"],
        "region": survey["所在地区"].map(top_of),
        "population": survey["岗位类别"],
    }).set_index("person_id")


def _dimension_means(bundle: Path, survey_rel: str) -> pd.DataFrame:
    """Respondent id × dimension → mean item score (reverse-keyed items mirrored), raw export."""
    codebook = yaml.safe_load((bundle / "codebook.yaml").read_text(encoding="utf-8"))
    frame = _csv(bundle / survey_rel)
    scores: dict[str, dict[str, list[int]]] = {}
    for _, row in frame.iterrows():
        for item in codebook["items"]:
            cell = row[item["column"]]
            if cell in codebook["missing"]:
                continue
            value = codebook["scales"][item["scale"]]["labels"][cell]
            scores.setdefault(row["答卷编号"], {}).setdefault(item["dimension"], []).append(
                6 - value if item["reverse"] else value
            )
    return pd.DataFrame({pid: {d: np.mean(v) for d, v in dims.items()} for pid, dims in scores.items()}).T


def _behaviour_shares(path: Path) -> pd.DataFrame:
    """Account manager × behaviour → share of their visits (first record of a visit recorded twice)."""
    visits = _csv(path).drop_duplicates("visit_id")
    flags = pd.DataFrame(
        {b: visits["behaviours"].map(lambda cell, b=b: b in {LABEL_TO_BEHAVIOUR[x] for x in cell.split(";") if x})
         for b in domain.BEHAVIOURS}
    )
    flags["question_share"] = visits["question_share"].astype(float)
    flags["person_id"] = visits["account_manager"]
    return flags.groupby("person_id").mean()


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's κ of two boolean ratings of the same visits."""
    observed = float(np.mean(a == b))
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return 1.0 if chance == 1.0 else (observed - chance) / (1.0 - chance)


def test_files_and_columns_follow_the_contract(bundle: Path) -> None:
    for rel in WAVE_FILES:
        assert (bundle / rel).is_file(), rel
    waves = yaml.safe_load((bundle / "followup" / "waves.yaml").read_text(encoding="utf-8"))
    assert set(waves) == {"course", "selection", "waves"}
    assert set(waves["course"]) == {"name", "start", "end"}
    assert str(waves["course"]["start"]) == "2008-11-10" and str(waves["course"]["end"]) == "2008-11-14"
    assert waves["selection"] == "all"
    assert waves["waves"] == [{"id": "w1", "label": "培训后三个月回访",
                               "start": pd.Timestamp("2009-02-01").date(),
                               "end": pd.Timestamp("2009-02-28").date()}]

    assert list(_csv(bundle / "followup/trainees.csv").columns) == ["person_id", "cohort", "attended_days"]
    reaction = _csv(bundle / "followup/reaction.csv")
    assert list(reaction.columns) == ["person_id", *REACTION_LABELS, "comment"]
    cells = reaction[list(REACTION_LABELS)].to_numpy().ravel()
    assert set(cells) <= {"", "1", "2", "3", "4", "5"}
    assert 0 < (cells == "").sum() < 0.1 * cells.size  # a few unanswered cells, not many

    quiz = _csv(bundle / "followup/quiz.csv")
    assert list(quiz.columns) == ["person_id", "phase", "score", "max_score"]
    assert set(quiz["phase"]) == {"pre", "post"}
    assert not quiz.duplicated(["person_id", "phase"]).any()
    assert (quiz["score"].astype(int) <= quiz["max_score"].astype(int)).all()

    sales = _csv(bundle / "followup/sales.csv")
    assert list(sales.columns) == ["person_id", "month", "value"]
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in sales["month"])
    assert sorted(set(sales["month"])) == [
        "2008-05", "2008-06", "2008-07", "2008-08", "2008-09", "2008-10", "2009-01", "2009-02", "2009-03"
    ]
    assert sales["value"].astype(float).between(20, 200).all()

    baseline_header = _csv(bundle / "survey/responses.csv").columns.tolist()
    assert _csv(bundle / "followup/w1/survey/responses.csv").columns.tolist() == baseline_header
    assert (bundle / "followup/w1/survey/responses.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    baseline_visits = _csv(bundle / "ride_alongs.csv").columns.tolist()
    assert _csv(bundle / "followup/w1/ride_alongs.csv").columns.tolist() == [*baseline_visits, "observer"]
    coaching = _csv(bundle / "followup/w1/coaching.csv")
    assert list(coaching.columns) == ["person_id", "joint_visits", "weekly_reviews"]
    assert (coaching[["joint_visits", "weekly_reviews"]].astype(int) >= 0).all().all()


def test_dates_fall_in_the_wave_and_labels_are_the_baseline_vocabulary(bundle: Path) -> None:
    visits = _csv(bundle / "followup/w1/ride_alongs.csv")
    days = pd.to_datetime(visits["date"], format="%Y-%m-%d")
    assert days.between("2009-02-01", "2009-02-28").all()
    labels = {x for cell in visits["behaviours"] for x in cell.split(";") if x}
    assert labels <= set(LABEL_TO_BEHAVIOUR)
    survey = _csv(bundle / "followup/w1/survey/responses.csv")
    submitted = pd.to_datetime(survey["提交答卷时间"], format="%Y/%m/%d %H:%M:%S")
    assert submitted.between("2009-02-01", "2009-02-28").all()
    baseline = _csv(bundle / "survey/responses.csv").set_index("答卷编号").loc[survey["答卷编号"]]
    for column in ("所在地区", "岗位类别", "您的年龄段", "您在本公司工作的年限（年）"):  # the same people
        assert (survey[column].to_numpy() == baseline[column].to_numpy()).all(), column


def test_everyone_is_a_baseline_account_manager_and_trainees_are_the_trained_regions(
    bundle: Path, baseline_people: pd.DataFrame, truth: dict
) -> None:
    ams = set(baseline_people.index[baseline_people["population"] == "政企客户经理"])
    ids = {
        "trainees": set(_csv(bundle / "followup/trainees.csv")["person_id"]),
        "reaction": set(_csv(bundle / "followup/reaction.csv")["person_id"]),
        "quiz": set(_csv(bundle / "followup/quiz.csv")["person_id"]),
        "sales": set(_csv(bundle / "followup/sales.csv")["person_id"]),
        "survey": set(_csv(bundle / "followup/w1/survey/responses.csv")["答卷编号"]),
        "ride_alongs": set(_csv(bundle / "followup/w1/ride_alongs.csv")["account_manager"]),
        "coaching": set(_csv(bundle / "followup/w1/coaching.csv")["person_id"]),
    }
    for source, people in ids.items():
        assert people and people <= ams, source
    trained = {pid for pid in ams if baseline_people.loc[pid, "region"] in truth["trained_regions"]}
    assert truth["untrained_regions"] == ["shandong"]
    assert ids["trainees"] == trained
    assert len(trained) == truth["n_trainees"] and len(ams - trained) == truth["n_untrained"] > 0
    assert ids["reaction"] <= trained and ids["quiz"] <= trained  # only trainees sat the course
    untrained = ams - trained
    assert untrained <= ids["survey"] and untrained <= ids["ride_alongs"]  # the comparison group is followed too


def test_attrition_is_what_the_ground_truth_says(bundle: Path, truth: dict) -> None:
    trainees = set(_csv(bundle / "followup/trainees.csv")["person_id"])
    survey = set(_csv(bundle / "followup/w1/survey/responses.csv")["答卷编号"])
    visits = set(_csv(bundle / "followup/w1/ride_alongs.csv")["account_manager"])
    coaching = set(_csv(bundle / "followup/w1/coaching.csv")["person_id"])
    missing = truth["missing"]
    assert trainees - survey == set(missing["survey"])
    assert trainees - visits == set(missing["ride_alongs"])
    assert trainees - coaching == set(missing["coaching"])
    for source in ("survey", "ride_alongs"):
        rate = 1 - len(missing[source]) / len(trainees)
        assert 0.8 <= rate <= 0.95, source  # some attrition, matching still at least 80%
    # different people miss the questionnaire and the ride-alongs, beyond those who left
    assert set(missing["survey"]) != set(missing["ride_alongs"])
    assert set(missing["survey"]) & set(missing["ride_alongs"]) == set(truth["left_company"])

    sales = _csv(bundle / "followup/sales.csv")
    after = sales[sales["month"] >= "2009"]
    before = sales[sales["month"] < "2009"]
    assert set(trainees) - set(after["person_id"]) == set(missing["sales_after"]) == set(truth["left_company"])
    assert set(missing["sales_after"]) <= set(before["person_id"])  # they have their months before the course
    quiz = _csv(bundle / "followup/quiz.csv")
    assert trainees - set(quiz.loc[quiz["phase"] == "post", "person_id"]) == set(missing["quiz_post"])
    assert trainees == set(quiz.loc[quiz["phase"] == "pre", "person_id"])
    assert trainees - set(_csv(bundle / "followup/reaction.csv")["person_id"]) == set(missing["reaction"])
    days = _csv(bundle / "followup/trainees.csv").set_index("person_id")["attended_days"].astype(float)
    assert (days[missing["reaction"]] < days.median()).all()  # who left the course early attended less


def test_planted_behaviour_change_shows_where_planted_and_nowhere_else(
    bundle: Path, baseline_people: pd.DataFrame, truth: dict
) -> None:
    before = _behaviour_shares(bundle / "ride_alongs.csv")
    after = _behaviour_shares(bundle / "followup/w1/ride_alongs.csv")
    both = before.index.intersection(after.index)
    change = (after.loc[both] - before.loc[both])
    region = baseline_people.loc[both, "region"]
    changed = change[region.isin(CHANGED)].mean()
    assert changed["asks_needs"] > 0.3
    assert changed["agrees_next_step"] > 0.3
    assert changed["price_first"] < -0.15
    assert changed["question_share"] > 0.08
    for name in ("nanning", "shandong", "tianjin"):
        same = change[region == name].mean()
        assert abs(same["asks_needs"]) < 0.15 and abs(same["question_share"]) < 0.05, name
    planted = {(c["region"], c["id"]) for c in truth["planted_changes"] if c["measure"] == "behaviour"}
    assert planted == {(r, b) for r in CHANGED for b in ("asks_needs", "price_first", "agrees_next_step")}
    for name, untouched in truth["untouched"]["behaviours"].items():
        assert set(untouched) | {b for r, b in planted if r == name} == set(domain.BEHAVIOURS)
    for c in truth["planted_changes"]:
        if c["measure"] == "behaviour":  # the expected rates say the same as the direction
            assert (c["rate_after"] > c["rate_before"]) == (c["direction"] == "up")


def test_planted_questionnaire_change_shows_only_in_its_region_and_dimension(
    bundle: Path, baseline_people: pd.DataFrame
) -> None:
    before = _dimension_means(bundle, "survey/responses.csv")
    after = _dimension_means(bundle, "followup/w1/survey/responses.csv")
    change = after - before.loc[after.index, after.columns]
    region = baseline_people.loc[after.index, "region"]
    by_region = change.groupby(region).mean()
    # a region's mean change of an untouched dimension is noise: about 0.12 standard error
    assert (by_region.loc[list(CHANGED), "sales"] > 0.45).all()
    assert by_region.loc["tianjin", "product"] > 0.45
    assert (by_region.loc[["nanning", "shandong"]].abs() < 0.35).all().all()
    assert (by_region.loc["tianjin"].drop("product").abs() < 0.35).all()
    assert (by_region.loc[list(CHANGED)].drop(columns="sales").abs() < 0.35).all().all()


def test_sales_rise_with_the_trend_everywhere_and_beyond_it_where_behaviour_changed(
    bundle: Path, baseline_people: pd.DataFrame, truth: dict
) -> None:
    sales = _csv(bundle / "followup/sales.csv")
    sales["value"] = sales["value"].astype(float)
    sales["period"] = np.where(sales["month"] >= "2009", "after", "before")
    sales["region"] = baseline_people.loc[sales["person_id"], "region"].to_numpy()
    means = sales.groupby(["region", "period"])["value"].mean().unstack()
    gain = means["after"] - means["before"]
    assert gain["shandong"] > 2  # the untrained rise too: the secular trend
    for name in CHANGED:
        assert gain[name] - gain["shandong"] > 5, name  # difference-in-differences
    for name in ("tianjin", "nanning"):
        assert abs(gain[name] - gain["shandong"]) < 4, name
    assert truth["sales_trend_per_month"] > 0
    assert set(truth["untouched"]["sales_beyond_trend"]) == {"tianjin", "nanning", "shandong"}


def test_reaction_and_quiz_are_as_good_where_nothing_changed(
    bundle: Path, baseline_people: pd.DataFrame
) -> None:
    reaction = _csv(bundle / "followup/reaction.csv").set_index("person_id")
    scores = reaction[list(REACTION_LABELS)].replace("", np.nan).astype(float).mean(axis=1)
    by_region = scores.groupby(baseline_people.loc[scores.index, "region"]).mean()
    assert by_region.min() > 3.7 and by_region.max() - by_region.min() < 0.4
    quiz = _csv(bundle / "followup/quiz.csv").pivot(index="person_id", columns="phase", values="score").astype(float)
    gain = (quiz["post"] - quiz["pre"]).dropna()
    assert (gain.groupby(baseline_people.loc[gain.index, "region"]).mean() > 4).all()


def test_coaching_is_higher_where_change_was_planted(
    bundle: Path, baseline_people: pd.DataFrame, truth: dict
) -> None:
    coaching = _csv(bundle / "followup/w1/coaching.csv").set_index("person_id").astype(int)
    region = baseline_people.loc[coaching.index, "region"]
    changed = coaching[region.isin(CHANGED) & ~coaching.index.isin(truth["non_adopters"])].mean()
    others = coaching[~region.isin(CHANGED)].mean()
    non_adopters = coaching[coaching.index.isin(truth["non_adopters"]) & region.isin(CHANGED)].mean()
    assert (changed > 2 * others).all()
    assert (changed > non_adopters).all()
    assert truth["coaching"]["more_coaching"] == list(CHANGED)


def test_one_behaviour_is_recorded_with_poor_agreement(bundle: Path, truth: dict) -> None:
    visits = _csv(bundle / "followup/w1/ride_alongs.csv")
    twice = visits[visits["visit_id"].duplicated(keep=False)]
    n_visits = visits["visit_id"].nunique()
    assert 0.1 <= twice["visit_id"].nunique() / n_visits <= 0.2
    assert sorted(twice["visit_id"].unique()) == truth["observer_agreement"]["double_recorded_visits"]
    assert (twice.groupby("visit_id")["observer"].nunique() == 2).all()
    assert (twice.groupby("visit_id").size() == 2).all()
    first = twice.groupby("visit_id").nth(0).set_index("visit_id")
    second = twice.groupby("visit_id").nth(1).set_index("visit_id").loc[first.index]
    for column in ("date", "account_manager", "customer_industry", "outcome"):
        assert (first[column] == second[column]).all()  # the same visit
    unreliable = truth["observer_agreement"]["unreliable_behaviour"]
    kappas = {}
    for behaviour, term in domain.BEHAVIOURS.items():
        a = first["behaviours"].map(lambda cell, label=term.label: label in cell.split(";")).to_numpy()
        b = second["behaviours"].map(lambda cell, label=term.label: label in cell.split(";")).to_numpy()
        if a.sum() + b.sum() >= 3:
            kappas[behaviour] = _kappa(a, b)
    assert kappas[unreliable] < 0.6
    assert {b for b, k in kappas.items() if k < 0.6} == {unreliable}
    assert len(kappas) >= 8  # most behaviours occur often enough to be judged


def test_same_seed_same_bytes_other_seed_different(bundle: Path, tmp_path: Path) -> None:
    again = generate_sample(tmp_path / "again")
    other = generate_sample(tmp_path / "other", seed=7)
    for rel in WAVE_FILES:
        assert (again / rel).read_bytes() == (bundle / rel).read_bytes(), rel
    assert (other / "followup/waves.yaml").read_bytes() == (bundle / "followup/waves.yaml").read_bytes()
    for rel in WAVE_FILES[1:]:
        assert (other / rel).read_bytes() != (bundle / rel).read_bytes(), rel


def test_the_follow_up_leaves_every_baseline_file_as_it_was(bundle: Path, tmp_path: Path) -> None:
    without = generate_sample(tmp_path / "without", scenario=dataclasses.replace(SAMPLE, followup=False))
    assert not (without / "followup").exists()
    for path in sorted(without.rglob("*")):
        rel = path.relative_to(without).as_posix()
        if path.is_file() and rel not in ("_ground_truth.yaml", ".casekit-written.json"):
            assert path.read_bytes() == (bundle / rel).read_bytes(), rel
    # the answer key only grows: the same text, then the follow-up's section
    # (a scenario other than SAMPLE itself names itself in its answer key)
    before = (without / "_ground_truth.yaml").read_text(encoding="utf-8").replace("scenario: sample\n", "", 1)
    after = (bundle / "_ground_truth.yaml").read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):].startswith("followup:\n")
