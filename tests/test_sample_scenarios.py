"""Tests of the sample generator's scenarios (casekit.sample.scenarios): a one-factor null and planted weaknesses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from casekit.analysis.scores import respondent_scores
from casekit.cli import main
from casekit.cli.bundle import SAMPLE_SCENARIOS
from casekit.intake import load_bundle, validate_bundle
from casekit.paths import SAMPLE_BUNDLE
from casekit.sample import SCENARIOS, UnknownScenarioError, generate_sample

#: Seeds the statistical checks run on (the default one first).
SEEDS = (2008, 1, 2)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() != "_private/pseudonyms.csv"
    }


def _truth(root: Path) -> dict:
    return yaml.safe_load((root / "_ground_truth.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Path]:
    """(scenario, seed) → generated bundle folder, for the null at every seed and planted at 2008."""
    root = tmp_path_factory.mktemp("scenarios")
    wanted = [("null", seed) for seed in SEEDS] + [("planted", seed) for seed in SEEDS]
    return {
        (scenario, seed): generate_sample(root / f"{scenario}-{seed}", seed=seed, scenario=scenario)
        for scenario, seed in wanted
    }


@pytest.fixture(scope="module")
def scores(bundles: dict[tuple[str, int], Path]) -> dict[tuple[str, int], pd.DataFrame]:
    """(scenario, seed) → one row per respondent × dimension, as the analysis scores them."""
    return {key: respondent_scores(load_bundle(path)) for key, path in bundles.items()}


def _anova_p(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(population, dimension) → p of a one-way ANOVA of person scores across top regions."""
    return {
        (pop, dim): float(
            stats.f_oneway(*(g["score"].to_numpy() for _, g in cell.groupby("top_region_id"))).pvalue
        )
        for (pop, dim), cell in frame.groupby(["population", "dimension"])
    }


def _vs_others(frame: pd.DataFrame, region: str, population: str, dimension: str) -> tuple[float, float]:
    """Region mean minus the other regions' mean, and the p of Welch's t-test."""
    cell = frame[(frame["population"] == population) & (frame["dimension"] == dimension)]
    inside = cell.loc[cell["top_region_id"] == region, "score"]
    outside = cell.loc[cell["top_region_id"] != region, "score"]
    return float(inside.mean() - outside.mean()), float(stats.ttest_ind(inside, outside, equal_var=False).pvalue)


# -- every scenario: a valid, reproducible bundle ----------------------------------------------------------
@pytest.mark.parametrize("scenario", ["null", "planted"])
def test_scenario_bundles_pass_intake_with_no_problem(
    bundles: dict[tuple[str, int], Path], scenario: str
) -> None:
    path = bundles[(scenario, 2008)]
    assert validate_bundle(path) == []
    bundle = load_bundle(path)
    assert bundle.manifest.bundle == f"sample-{scenario}"  # its reports never land in reports/sample
    assert len(bundle.notes) >= 20 and len(bundle.ride_alongs) >= 40 and len(bundle.reviews_360) > 0


@pytest.mark.parametrize("scenario", ["null", "planted"])
def test_same_seed_and_scenario_give_identical_bytes(
    bundles: dict[tuple[str, int], Path], tmp_path: Path, scenario: str
) -> None:
    again = generate_sample(tmp_path / "again", seed=2008, scenario=scenario)
    assert _files(again) == _files(bundles[(scenario, 2008)])
    assert _files(bundles[(scenario, 1)])["survey/responses.csv"] != _files(again)["survey/responses.csv"]


def test_scenarios_differ_and_the_sample_scenario_is_the_committed_sample(
    bundles: dict[tuple[str, int], Path], tmp_path: Path
) -> None:
    sample = generate_sample(tmp_path / "sample", scenario="sample")
    assert _files(sample) == _files(SAMPLE_BUNDLE)
    null, planted = _files(bundles[("null", 2008)]), _files(bundles[("planted", 2008)])
    assert null["survey/responses.csv"] != planted["survey/responses.csv"]
    assert null["survey/responses.csv"] != _files(sample)["survey/responses.csv"]


def test_an_unknown_scenario_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(UnknownScenarioError, match="unknown sample scenario 'nul': expected one of sample, null, planted"):
        generate_sample(tmp_path / "out", scenario="nul")
    assert list(tmp_path.iterdir()) == []


# -- null: nothing regional, no types, one general factor --------------------------------------------------
def test_null_plants_no_weakness_and_no_type(bundles: dict[tuple[str, int], Path]) -> None:
    truth = _truth(bundles[("null", 2008)])
    assert truth["scenario"] == "null"
    assert truth["region_weaknesses"] == []
    assert truth["account_manager_types"] == [] and truth["account_manager_type_of"] == {}
    assert load_bundle(bundles[("null", 2008)]).manifest.budgets == {}  # same course days everywhere


def test_null_region_means_differ_only_by_sampling_noise(scores: dict[tuple[str, int], pd.DataFrame]) -> None:
    """A one-way ANOVA per population × dimension, for three seeds, Bonferroni over all of them."""
    p_values = {(seed, *cell): p for seed in SEEDS for cell, p in _anova_p(scores[("null", seed)]).items()}
    assert len(p_values) == 3 * 13
    significant = {key: p for key, p in p_values.items() if p < 0.05 / len(p_values)}
    assert significant == {}


def test_null_has_enough_respondents_per_region_for_power(scores: dict[tuple[str, int], pd.DataFrame]) -> None:
    frame = scores[("null", 2008)]
    per_cell = frame.groupby(["population", "top_region_id"])["respondent_id"].nunique()
    assert len(per_cell) == 15
    assert per_cell.min() >= 20
    assert per_cell.xs("account_manager").min() >= 22


@pytest.mark.parametrize("seed", SEEDS)
def test_null_dimensions_share_one_general_factor(scores: dict[tuple[str, int], pd.DataFrame], seed: int) -> None:
    frame = scores[("null", seed)]
    for population, cell in frame.groupby("population"):
        wide = cell.pivot(index="respondent_id", columns="dimension", values="score").dropna()
        corr = np.corrcoef(wide.to_numpy().T)
        pairs = corr[np.triu_indices_from(corr, k=1)]
        assert 0.45 <= pairs.mean() <= 0.75, (population, pairs.mean())
        assert pairs.min() > 0.3, (population, pairs.min())  # every pair loads on the same factor
        # one factor: the first component carries most of the variance and is the only one with
        # an eigenvalue above 1 (Kaiser's rule)
        eigen = np.sort(np.linalg.eigvalsh(corr))[::-1]
        assert eigen[0] / eigen.sum() > 0.5, (population, eigen)
        assert eigen[1] < 1.0, (population, eigen)


def test_null_means_are_below_the_targets_engagement_wide(
    bundles: dict[tuple[str, int], Path], scores: dict[tuple[str, int], pd.DataFrame]
) -> None:
    competency = load_bundle(bundles[("null", 2008)]).competency.set_index(["population", "dimension"])["required"]
    means = scores[("null", 2008)].groupby(["population", "dimension"])["score"].mean()
    assert set(means.index) == set(competency.index)
    gaps = competency - means
    assert (gaps > 0.15).all(), gaps[gaps <= 0.15]


def test_null_ride_alongs_take_the_same_travel_time_in_every_region(
    bundles: dict[tuple[str, int], Path],
) -> None:
    visits = load_bundle(bundles[("null", 2008)]).ride_alongs
    groups = [g["minutes_travel"].astype(float).to_numpy() for _, g in visits.groupby("top_region_id")]
    assert len(groups) == 5
    assert stats.f_oneway(*groups).pvalue > 0.01  # the sample's Tianjin travels far longer


# -- planted: the known weaknesses, and nothing else regional ----------------------------------------------
def test_planted_weaknesses_are_strong_and_span_populations(bundles: dict[tuple[str, int], Path]) -> None:
    weaknesses = _truth(bundles[("planted", 2008)])["region_weaknesses"]
    assert 3 <= len(weaknesses) <= 4
    assert len({w["population"] for w in weaknesses}) >= 2
    assert all(-0.8 <= w["delta"] <= -0.5 for w in weaknesses)
    assert len({(w["population"], w["dimension"]) for w in weaknesses}) == len(weaknesses)


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_weaknesses_are_visible_in_the_survey(
    bundles: dict[tuple[str, int], Path], scores: dict[tuple[str, int], pd.DataFrame], seed: int
) -> None:
    frame = scores[("planted", seed)]
    weaknesses = _truth(bundles[("planted", seed)])["region_weaknesses"]
    for w in weaknesses:
        diff, p = _vs_others(frame, w["region"], w["population"], w["dimension"])
        assert w["delta"] - 0.35 < diff < w["delta"] / 2, (w, diff)
        # visible after a Bonferroni adjustment over every region × population × dimension (65)
        assert p < 0.05 / 65, (w, p)
        others = {
            r: _vs_others(frame, r, w["population"], w["dimension"])[0]
            for r in frame["top_region_id"].unique()
        }
        assert min(others, key=others.__getitem__) == w["region"], (w, others)


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_has_nothing_else_regional(
    bundles: dict[tuple[str, int], Path], scores: dict[tuple[str, int], pd.DataFrame], seed: int
) -> None:
    planted = {(w["population"], w["dimension"]) for w in _truth(bundles[("planted", seed)])["region_weaknesses"]}
    p_values = _anova_p(scores[("planted", seed)])
    unplanted = {cell: p for cell, p in p_values.items() if cell not in planted}
    assert len(unplanted) == 13 - len(planted)
    assert {cell: p for cell, p in unplanted.items() if p < 0.05 / len(unplanted)} == {}
    assert all(p_values[cell] < 0.05 / 13 for cell in planted)


# -- the command line -------------------------------------------------------------------------------------
def test_cli_lists_every_scenario() -> None:
    assert list(SAMPLE_SCENARIOS) == list(SCENARIOS)


def test_cli_writes_a_scenario_beside_the_sample_never_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    bundles: dict[tuple[str, int], Path],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sample", "--scenario", "planted"]) == 0
    assert "planted bundle written to research_data/sample-planted (seed 2008)" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "research_data").iterdir()) == ["sample-planted"]
    assert _files(tmp_path / "research_data" / "sample-planted") == _files(bundles[("planted", 2008)])
    assert main(["sample", "--scenario", "null", "--seed", "1", "--out", "elsewhere"]) == 0
    assert _files(tmp_path / "elsewhere") == _files(bundles[("null", 1)])
