"""Findings: the one model of regional weaknesses (issue 12) -- schema, claims, privacy, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import BUNDLES

from casekit.analysis.findings import (
    ENGAGEMENT,
    FINDINGS_SCHEMA,
    bh_adjust,
    engagement_findings,
)
from casekit.cli import main
from casekit.domain import POPULATION_DIMENSIONS
from casekit.exceptions import AnalysisError, RegionError
from casekit.intake.competency import default_competency
from casekit.intake.manifest import Manifest
from casekit.tables import validate_output

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
FOREIGN = BUNDLES / "foreign"
NUMBERS = ["estimate", "ci_low", "ci_high", "mean", "reference", "effect_size", "p_value", "p_adjusted", "rank"]
REGIONS = {"beijing": "北京", "tianjin": "天津", "hebei": "河北", "shandong": "山东", "nanning": "南宁"}
#: People per region, as in the sample bundle.
SIZES = {"account_manager": (14, 12, 36, 14, 12), "support_engineer": (8, 6, 12, 6, 5)}


def one_factor_bundle(seed: int, planted: dict[tuple[str, str, str], float] | None = None,
                      sizes: dict[str, tuple[int, ...]] = SIZES, competency: pd.DataFrame | None = None,
                      means: dict[str, float] | None = None) -> SimpleNamespace:
    """Every dimension loads on one general factor (inter-dimension r = .6, SD 0.7, mean 3.0).

    ``planted`` adds ``delta`` to one (region, population, dimension); nothing else differs
    between regions.
    """
    rng = np.random.default_rng(seed)
    planted = planted or {}
    means = means or {}
    regions = pd.DataFrame([{"region_id": r, "name": n, "parent_id": None, "level": "top"}
                            for r, n in REGIONS.items()])
    rows = []
    for pop, counts in sizes.items():
        for region, count in zip(REGIONS, counts):
            for i in range(count):
                general = rng.normal()
                for dim in POPULATION_DIMENSIONS[pop]:
                    value = means.get(dim, 3.0) + 0.7 * (np.sqrt(0.6) * general + np.sqrt(0.4) * rng.normal())
                    rows.append({"respondent_id": f"{pop}-{region}-{i}", "region_id": region,
                                 "top_region_id": region, "population": pop, "dimension": dim,
                                 "value": value + planted.get((region, pop, dim), 0.0)})
    return SimpleNamespace(manifest=Manifest("fake", "客户", "项目", "2008", regions),
                           responses=pd.DataFrame(rows),
                           competency=default_competency() if competency is None else competency, items=None)


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return engagement_findings(shared_sample_bundle)  # load_bundle(SAMPLE), shared read-only


@pytest.fixture(scope="module")
def foreign(shared_foreign_bundle):
    return engagement_findings(shared_foreign_bundle)  # load_bundle(FOREIGN), shared read-only


# ---------------------------------------------------------------------------------------------
# the table


@pytest.mark.parametrize("name", ["sample", "foreign"])
def test_schema_ids_and_privacy_hold_on_the_sample_and_foreign_bundles(name, request):
    findings = request.getfixturevalue(name)
    table = validate_output(findings.table, FINDINGS_SCHEMA)
    assert not table.empty and table["id"].is_unique
    expected = table["region"] + ":" + table["population"] + ":" + table["dimension"] + ":" + table["kind"]
    assert table["id"].tolist() == expected.tolist()
    assert set(table["kind"]) == {"vs_required", "vs_other_regions"}
    assert (table.loc[table["kind"] == "vs_required", "reference_n"] == 0).all()
    assert not (table["region"].eq(ENGAGEMENT) & table["kind"].eq("vs_other_regions")).any()
    hidden = table.loc[table["hidden"]]
    assert hidden[NUMBERS].isna().all().all()
    assert not hidden["claimed"].any() and (hidden["direction"] == "none").all()
    assert hidden["sentence"].str.contains("样本不足").all()
    claimed = table.loc[table["claimed"]]
    assert (claimed["n"] >= 5).all()
    assert (claimed.loc[claimed["kind"] == "vs_other_regions", "reference_n"] >= 5).all()
    assert (claimed["p_adjusted"] < findings.fdr).all()
    assert (claimed["effect_size"].abs() >= findings.min_effect).all()
    assert ((claimed["direction"] == "weaker") == (claimed["estimate"] < 0)).all()
    assert (table.loc[~table["claimed"], "sentence"].str.contains("无明显差异")
            | table.loc[~table["claimed"], "hidden"]).all()


def test_the_foreign_bundles_small_region_is_hidden_and_its_neighbour_not_compared(foreign):
    t = foreign.table
    yunnan = t.loc[(t["region"] == "yunnan") & (t["population"] == "support_engineer")]
    assert yunnan["hidden"].all() and (yunnan["n"] == 4).all()
    guangxi = t.loc[(t["region"] == "guangxi") & (t["population"] == "support_engineer")]
    # the others (Yunnan, 4 people) are too few: no comparison, and they count nowhere
    assert guangxi.loc[guangxi["kind"] == "vs_other_regions", "hidden"].all()
    assert (guangxi["reference_n"] == 0).all()
    pooled = t.loc[(t["region"] == ENGAGEMENT) & (t["population"] == "support_engineer")]
    assert (pooled["n"] == 5).all()


def test_sentences_are_plain_chinese_with_n_and_interval(sample):
    shown = sample.table.loc[~sample.table["hidden"]]
    for sentence in shown["sentence"]:
        assert re.search(r"（.*n=\d+.*区间 [+−]?\d+\.\d\d 至 [+−]?\d+\.\d\d）。$", sentence), sentence
        assert not re.search(r"[A-Za-z]", sentence.replace("n=", "")), sentence
        assert "-" not in sentence and "能力模型" not in sentence
    required = shown.loc[shown["kind"] == "vs_required", "sentence"]
    assert required.str.contains("目标水平").all()
    assert "与其他地区的" in shown.loc[shown["kind"] == "vs_other_regions", "sentence"].iloc[0]


def test_intervals_are_adjusted_and_agree_with_the_claims(sample):
    t = sample.table.loc[~sample.table["hidden"]]
    assert (t["interval_level"] > 0.95).all()  # wider than the unadjusted 95% interval
    excludes_zero = (t["ci_low"] > 0) | (t["ci_high"] < 0)
    assert (excludes_zero == (t["p_adjusted"] < sample.fdr)).all()
    assert ((t["ci_low"] <= t["estimate"]) & (t["estimate"] <= t["ci_high"])).all()


def test_p_adjusted_is_benjamini_hochberg_within_each_kinds_family(sample, shared_sample_bundle):
    t = sample.table
    for kind in ("vs_required", "vs_other_regions"):
        family = t.loc[(t["kind"] == kind) & ~t["hidden"]]
        assert np.allclose(family["p_adjusted"], bh_adjust(family["p_value"].to_numpy()))
    assert sample.family_size == int((~t["hidden"]).sum())
    together = engagement_findings(shared_sample_bundle, family="engagement")
    shown = together.table.loc[~together.table["hidden"]]
    assert np.allclose(shown["p_adjusted"], bh_adjust(shown["p_value"].to_numpy()))
    assert together.family_sizes == {"engagement": sample.family_size}


def test_bh_matches_its_definition_by_hand():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5, np.nan, 0.02])
    valid = p[~np.isnan(p)]
    m = valid.size
    order = np.argsort(valid)
    by_hand = np.empty(m)
    running = 1.0
    for position in range(m - 1, -1, -1):  # step-up: min over the larger p values
        i = order[position]
        running = min(running, valid[i] * m / (position + 1))
        by_hand[i] = running
    adjusted = bh_adjust(p)
    assert np.isnan(adjusted[5])
    assert np.allclose(adjusted[~np.isnan(p)], by_hand)
    assert np.allclose(adjusted[~np.isnan(p)], [0.03, 0.048, 0.045, 0.03, 0.5, 0.04])


def test_rank_is_one_for_the_lowest_mean_of_the_region_and_population(sample):
    hebei = sample.region("河北")
    am = hebei.loc[(hebei["population"] == "account_manager") & (hebei["kind"] == "vs_required")]
    assert am.loc[am["rank"] == 1, "mean"].iloc[0] == am["mean"].min()
    assert sorted(am["rank"]) == list(range(1, len(am) + 1))


def test_same_input_same_output():
    a = engagement_findings(one_factor_bundle(3)).table
    b = engagement_findings(one_factor_bundle(3)).table
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------------------------
# planted and null data


def test_a_planted_regional_weakness_is_claimed_weaker_with_its_id():
    planted = {("hebei", "account_manager", "industry"): -0.9, ("beijing", "account_manager", "sales"): +0.9}
    findings = engagement_findings(one_factor_bundle(11, planted))
    regional = findings.claimed(kind="vs_other_regions")
    assert {"hebei:account_manager:industry:vs_other_regions",
            "beijing:account_manager:sales:vs_other_regions"} <= set(regional["id"])
    # anything else claimed is the mirror image of a plant: a region against others that include
    # the planted region (Hebei is 36 of 88 people) -- never a difference on an unplanted dimension
    for row in regional.itertuples():
        if row.region not in ("hebei", "beijing"):
            plant = {"industry": "stronger", "sales": "weaker"}
            assert row.dimension in plant and row.direction == plant[row.dimension], row.sentence
    hebei = regional.set_index("id").loc["hebei:account_manager:industry:vs_other_regions"]
    assert hebei["direction"] == "weaker" and hebei["estimate"] < 0 and hebei["ci_high"] < 0
    assert "明显低于其他地区" in hebei["sentence"]
    beijing = regional.set_index("id").loc["beijing:account_manager:sales:vs_other_regions"]
    assert beijing["direction"] == "stronger" and beijing["ci_low"] > 0
    assert findings.weakest("hebei", "政企客户经理") == ("industry",)


@pytest.mark.parametrize("seed", range(5))
def test_a_one_factor_null_claims_no_regional_difference(seed):
    findings = engagement_findings(one_factor_bundle(seed))
    t = findings.table
    regional = t.loc[t["kind"] == "vs_other_regions"]
    assert not regional["claimed"].any(), regional.loc[regional["claimed"], "sentence"].tolist()
    assert regional.loc[~regional["hidden"], "sentence"].str.contains("与其他地区的.*无明显差异").all()
    # the null has no regional difference, but everyone is below the targets: those are claimed
    assert findings.claimed(kind="vs_required", direction="weaker")["dimension"].nunique() > 0


def test_a_group_below_the_disclosure_threshold_is_hidden_never_claimed_and_counts_nowhere():
    sizes = {"account_manager": (20, 20, 20, 20, 4)}  # Nanning: 4 people, far weaker on product
    planted = {("nanning", "account_manager", "product"): -3.0}
    t = engagement_findings(one_factor_bundle(5, planted, sizes=sizes)).table
    nanning = t.loc[t["region"] == "nanning"]
    assert nanning["hidden"].all() and not nanning["claimed"].any()
    assert nanning[NUMBERS].isna().all().all()
    assert not nanning["sentence"].str.contains(r"\d\.\d").any()
    t = t.loc[t["population"] == "account_manager"]
    others = t.loc[(t["kind"] == "vs_other_regions") & (t["region"] != "nanning")]
    assert (others["reference_n"] == 60).all()  # Nanning's 4 are in nobody's comparison
    assert (t.loc[t["region"] == ENGAGEMENT, "n"] == 80).all()


def test_weakest_follows_the_target_levels_not_the_lowest_mean():
    competency = default_competency()
    target = {"product": 4.5, "time": 3.0}
    for dim, level in target.items():
        competency.loc[(competency["population"] == "account_manager") & (competency["dimension"] == dim),
                       "required"] = level
    # time: lowest mean (2.6) but its target is 3.0 (gap −0.4); product: mean 3.3, target 4.5 (gap −1.2)
    means = {"product": 3.3, "industry": 4.1, "sales": 4.1, "management": 3.6, "time": 2.6, "customer": 4.1,
             "communication": 4.1}
    findings = engagement_findings(one_factor_bundle(2, competency=competency, means=means))
    pooled = findings.region(ENGAGEMENT)
    am = pooled.loc[(pooled["population"] == "account_manager") & (pooled["kind"] == "vs_required")]
    assert am.set_index("dimension")["rank"]["time"] == 1  # the lowest mean …
    assert findings.weakest(ENGAGEMENT, "account_manager") == ("product",)  # … but the largest gap wins
    assert findings.weakest(ENGAGEMENT, "account_manager", k=2) == ("product", "time")
    # and the other way round: a lower target with a larger gap wins over a higher target
    target = {"product": 4.0, "time": 3.5}
    for dim, level in target.items():
        competency.loc[(competency["population"] == "account_manager") & (competency["dimension"] == dim),
                       "required"] = level
    means["time"] = 2.2
    findings = engagement_findings(one_factor_bundle(2, competency=competency, means=means))
    assert findings.weakest(ENGAGEMENT, "account_manager") == ("time",)


def test_weakest_is_empty_when_nothing_is_claimed():
    levels = default_competency()
    means = dict(levels.loc[levels["population"] == "account_manager", ["dimension", "required"]].to_numpy())
    # everyone exactly at the targets on average, no regional difference
    findings = engagement_findings(one_factor_bundle(1, means=means, sizes={"account_manager": (8, 8, 8, 8, 8)}))
    assert findings.weakest("hebei", "account_manager") == ()
    assert findings.claimed().empty


def test_settings_and_names_are_checked(sample, shared_sample_bundle):
    with pytest.raises(AnalysisError, match="fdr"):
        engagement_findings(shared_sample_bundle, fdr=1.5)
    with pytest.raises(AnalysisError, match="family"):
        engagement_findings(shared_sample_bundle, family="region")
    with pytest.raises(RegionError, match="unknown region"):
        sample.region("上海")
    with pytest.raises(AnalysisError, match="population"):
        sample.weakest("hebei", "经理")
    assert "Benjamini–Hochberg" in sample.method and "目标水平" in sample.method


# ---------------------------------------------------------------------------------------------
# command line


def test_cli_json_round_trips_the_table(tmp_path, sample):
    out = tmp_path / "findings.json"
    assert main(["findings", str(SAMPLE), "--json", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "河北" in text and "NaN" not in text  # UTF-8 as is, missing numbers as null
    records = json.loads(text)
    assert records == sample.records()
    assert list(records[0])[:len(FINDINGS_SCHEMA.names)] == list(FINDINGS_SCHEMA.names)
    back = pd.DataFrame(records)
    assert back["id"].tolist() == sample.table["id"].tolist()
    assert np.allclose(back["estimate"].astype(float), sample.table["estimate"], equal_nan=True)
    assert back.loc[sample.table["hidden"].to_numpy(), "estimate"].isna().all()


def test_cli_regions_by_name_population_and_stdout(capsys):
    assert main(["findings", str(SAMPLE), "--regions", "河北", "--population", "政企客户经理", "--claimed",
                 "--json", "-"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records and {r["region"] for r in records} == {"hebei"}
    assert {r["population"] for r in records} == {"account_manager"} and all(r["claimed"] for r in records)
    assert "hebei:account_manager:industry:vs_other_regions" in {r["id"] for r in records}


def test_cli_prints_claimed_sentences_and_the_table(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # a wide terminal: every column whole
    assert main(["findings", str(SAMPLE), "--regions", "tianjin"]) == 0
    out = capsys.readouterr().out
    assert "天津政企客户经理在“时间”上平均" in out and "明显低于其他地区" in out
    assert "其他地区" in out.split("\n\n", 1)[1] and "vs_other_regions" not in out  # the table says it in words


def test_cli_csv(tmp_path):
    out = tmp_path / "findings.csv"
    assert main(["findings", str(SAMPLE), "--csv", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    # Chinese headers, one per column of the schema (the JSON keeps the English keys)
    from casekit.cli.headers import HEADERS

    assert list(table.columns) == [HEADERS[n][0] for n in FINDINGS_SCHEMA.names]


def test_cli_rejects_a_wrong_extension_and_an_unknown_region(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["findings", str(SAMPLE), "--json", str(tmp_path / "f.csv")])
    assert exc.value.code == 2
    assert main(["findings", str(SAMPLE), "--regions", "上海"]) != 0


# ---------------------------------------------------------------------------------------------
# the one order of need


def _with_rows(findings, region: str, population: str, rows: dict[tuple[str, str], dict]):
    """``findings`` with some (dimension, kind) rows of one region × population replaced."""
    import dataclasses

    table = findings.table.copy()
    for (dim, kind), values in rows.items():
        mask = ((table["region"] == region) & (table["population"] == population) & (table["dimension"] == dim)
                & (table["kind"] == kind))
        assert mask.sum() == 1
        for column, value in values.items():
            table.loc[mask, column] = value
    return dataclasses.replace(findings, table=table)


def test_order_is_claimed_shortfalls_then_regional_weaknesses_then_the_largest_gaps(sample):
    nothing = {"claimed": False, "direction": "none"}
    weak = {"claimed": True, "direction": "weaker"}
    rows = {(d, k): dict(nothing) for d in POPULATION_DIMENSIONS["account_manager"]
            for k in ("vs_required", "vs_other_regions")}
    rows[("product", "vs_required")] = {**weak, "estimate": -0.9}
    rows[("industry", "vs_required")] = {**weak, "estimate": -0.5}
    rows[("sales", "vs_required")] = {**weak, "estimate": -0.501}      # ties with industry at two decimals
    rows[("time", "vs_required")] = {**nothing, "estimate": -1.5}      # larger, but not claimed …
    rows[("time", "vs_other_regions")] = {**weak, "estimate": -0.3}    # … weaker than the other regions
    rows[("customer", "vs_required")] = {**nothing, "estimate": -1.0}
    rows[("customer", "vs_other_regions")] = {"claimed": True, "direction": "stronger", "estimate": 0.4}
    rows[("management", "vs_required")] = {**nothing, "estimate": -0.2}
    rows[("communication", "vs_required")] = {**nothing, "estimate": np.nan, "hidden": True}
    findings = _with_rows(sample, "hebei", "account_manager", rows)
    order = findings.order("hebei", "account_manager")
    assert order == ("product", "sales", "industry", "time", "customer", "management", "communication")
    assert order[:1] == findings.weakest("hebei", "account_manager")
    assert findings.order("河北", "政企客户经理") == order  # names work as ids
    # nothing claimed: the largest gaps to the target first, a dimension without a gap last
    none = _with_rows(sample, "hebei", "account_manager", {k: {**v, **nothing} for k, v in rows.items()})
    assert none.weakest("hebei", "account_manager") == ()
    assert none.order("hebei", "account_manager") == (
        "time", "customer", "product", "sales", "industry", "management", "communication")


def test_order_starts_with_weakest_and_covers_every_dimension_on_the_sample(sample):
    for region in [*REGIONS, ENGAGEMENT]:
        for population, dims in POPULATION_DIMENSIONS.items():
            order = sample.order(region, population)
            assert sorted(order) == sorted(dims)
            weakest = sample.weakest(region, population)
            assert order[:len(weakest)] == weakest
            claimed = set(sample.claimed(region, population, direction="weaker")["dimension"])
            assert set(order[:len(claimed)]) == claimed  # every claimed weakness before the rest
    assert sample.order("hebei", "account_manager")[0] == "industry"
    with pytest.raises(RegionError):
        sample.order("atlantis", "account_manager")
