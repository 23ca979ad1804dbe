"""Personas, training emphasis and regional mix of account-manager segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.features import FeatureTable
from casekit.analysis.segmentation import Segmenter
from casekit.analysis.segments import describe_segments, segment_account_managers, segment_mix
from casekit.curriculum import load_outlines
from casekit.intake import load_bundle
from casekit.reports.client_text import client_text_problems
from casekit.paths import SAMPLE_BUNDLE
from conftest import MINI

FAST = {"n_bootstrap": 5, "n_references": 3, "n_init": 3}


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE_BUNDLE)


@pytest.fixture(scope="module")
def report(sample):
    return segment_account_managers(sample, outline=load_outlines()["account_manager"], **FAST)


def _table(rng: np.random.Generator, groups: dict[str, dict[str, float]], size: int = 40) -> FeatureTable:
    """Synthetic people: each group has its own mean per feature, sd 0.05."""
    rows, ids = [], []
    for g, means in groups.items():
        for i in range(size):
            rows.append({f: m + rng.normal(0, 0.05) for f, m in means.items()})
            ids.append(f"{g}{i:03d}")
    X = pd.DataFrame(rows, index=pd.Index(ids, name="respondent_id"))
    people = pd.DataFrame({"region_id": "r1", "top_region_id": "r1", "n_visits": 1}, index=X.index)
    return FeatureTable(X=X, blocks={"survey": ("product", "communication"),
                                     "ride": ("rate_price_first", "rate_asks_needs")}, people=people)


def test_personas_are_named_from_what_the_data_says():
    """Swap which group opens with price: the names follow the data, not a fixed list."""
    rng = np.random.default_rng(0)
    a = {"product": 2.0, "communication": 3.0, "rate_price_first": 0.9, "rate_asks_needs": 0.1}
    b = {"product": 4.0, "communication": 3.0, "rate_price_first": 0.1, "rate_asks_needs": 0.9}
    for first, second in ((a, b), (b, a)):
        features = _table(rng, {"x": first, "y": second})
        seg = Segmenter(blocks=features.blocks, random_state=0, **FAST).fit(features.X)
        rep = describe_segments(seg, features)
        assert rep.clear
        segment_of = rep.assignments.set_index("respondent_id")["segment"]
        persona = {p.segment: p for p in rep.personas}
        pricey, other = ("x", "y") if first is a else ("y", "x")
        assert "常以价格优惠开场" in persona[segment_of[f"{pricey}000"]].weaknesses
        assert "较少以价格优惠开场" in persona[segment_of[f"{other}000"]].strengths
        assert "产品知识较强" in persona[segment_of[f"{other}000"]].strengths
        # a client reads the message and the personas: plain words; the figures go to the appendix
        assert client_text_problems(rep.message) == []
        assert all(client_text_problems(p.description) == [] for p in rep.personas)
        assert "轮廓系数" not in rep.message and "轮廓系数" in rep.appendix
        assert f"轮廓系数 {rep.silhouette:.2f}" in rep.appendix and "因此把客户经理分为 2 类" in rep.appendix
        assert client_text_problems(rep.appendix, appendix=True) == []


def test_weak_segment_gets_the_modules_that_train_its_weak_dimensions():
    rng = np.random.default_rng(1)
    features = _table(rng, {
        "x": {"product": 2.0, "communication": 3.0, "rate_price_first": 0.9, "rate_asks_needs": 0.1},
        "y": {"product": 4.0, "communication": 3.0, "rate_price_first": 0.1, "rate_asks_needs": 0.9},
    })
    segmenter = Segmenter(blocks=features.blocks, random_state=0, **FAST).fit(features.X)
    rep = describe_segments(segmenter, features, outline=load_outlines()["account_manager"])
    weak = next(p for p in rep.personas if "产品知识较弱" in p.weaknesses)
    assert weak.emphasis_dimensions[0] in {"product", "sales", "customer"}
    assert any("电信的转型" in e for e in weak.emphasis)  # the outline module training product
    assert "卖药" in weak.description and "培训重点" in weak.description
    strong = next(p for p in rep.personas if p is not weak)
    assert "医生" in strong.description

    # analysis does not load outlines itself (curriculum sits above it): without one, the same
    # weakest dimensions and no modules
    bare = next(p for p in describe_segments(segmenter, features).personas if p.segment == weak.segment)
    assert bare.emphasis_dimensions == weak.emphasis_dimensions
    assert bare.emphasis == () and "培训重点" not in bare.description


def test_sample_bundle_personas_match_the_planted_types(report):
    assert report.clear and report.k == 4
    names = " ".join(p.name for p in report.personas)
    for trait in ("价格优惠", "技术术语", "提问", "寒暄"):
        assert trait in names
    assert sum(p.n for p in report.personas) == len(report.assignments) == 88
    assert report.persona_table().columns.tolist() == ["类型", "人数", "占比", "强项", "短板", "培训重点"]


def test_no_structure_means_no_personas(sample):
    features_report = segment_account_managers(sample, n_clusters=None, **FAST)
    assert features_report.clear
    rng = np.random.default_rng(3)
    from casekit.analysis.features import account_manager_features

    f = account_manager_features(sample)
    shuffled = f.X.apply(lambda c: pd.Series(rng.permutation(c.to_numpy()), index=c.index))
    features = FeatureTable(shuffled, f.blocks, f.people)
    rep = describe_segments(Segmenter(blocks=f.blocks, random_state=0, **FAST).fit(shuffled), features)
    assert not rep.clear
    assert rep.personas == () and rep.profile.empty
    assert rep.message.startswith("未发现明显不同的行为类型")
    assert "轮廓系数" not in rep.message and "0." not in rep.message  # plain words for a client
    assert "没有全部满足，因此不划分类型" in rep.appendix  # the figures are for the appendix
    assert rep.assignments["segment"].isna().all()
    mix = segment_mix(rep, sample.manifest)
    assert mix.empty
    # the report's persona and mix tables cope: no rows, no error
    from casekit.reports.tables import persona_descriptions, persona_table, segment_mix_table

    assert persona_table(rep).empty and persona_descriptions(rep) == []
    assert segment_mix_table(mix, "hebei", rep).empty


def test_segment_mix_counts_every_person_once_and_flags_small_regions(sample, report):
    mix = segment_mix(report, sample.manifest)
    per_region = mix.groupby("group_id")["count"].sum()
    expected = report.assignments.groupby("top_region_id").size()
    pd.testing.assert_series_equal(per_region, expected, check_names=False)
    small = segment_mix(report, sample.manifest, by="region", min_n=5)
    tiny = small[small["n"] < 5]
    assert len(tiny) and tiny["suppressed"].all() and tiny["share"].isna().all()
    assert not small.loc[small["n"] >= 5, "suppressed"].any()


def test_repeated_segmentation_of_the_same_data_is_served_once_and_not_shared(sample, report, monkeypatch):
    fits = []
    original_fit = Segmenter.fit
    monkeypatch.setattr(Segmenter, "fit", lambda self, X, y=None, **kw: fits.append(1) or original_fit(self, X, y, **kw))
    again = segment_account_managers(sample, **FAST)
    assert fits == []  # same data and parameters as the `report` fixture: no second fit
    assert again.message == report.message
    again.assignments.loc[0, "segment"] = 99  # a caller's change never leaks into the next call
    assert segment_account_managers(sample, **FAST).assignments.loc[0, "segment"] != 99
    other = segment_account_managers(sample, n_clusters=3, **FAST)
    assert other.k == 3 and fits == [1]  # different parameters are not served from the cache


def test_segment_mix_lists_regions_in_the_manifests_order(sample, report):
    """Not alphabetically: the sample declares 北京, 天津, 河北, 山东, 南宁 in that order."""
    manifest = sample.manifest
    tops = list(dict.fromkeys(segment_mix(report, manifest)["group_id"]))
    assert tops == [r for r in manifest.top_level_ids() if r in set(tops)]
    assert tops == ["beijing", "tianjin", "hebei", "shandong", "nanning"]
    cities = list(dict.fromkeys(segment_mix(report, manifest, by="region")["group_id"]))
    order = manifest.regions["region_id"].tolist()
    assert cities == sorted(cities, key=order.index) and cities != sorted(cities)


def test_too_few_account_managers_is_said_in_words_not_a_traceback(mini_copy, monkeypatch, capsys):
    """A new engagement's first answers (two account managers): the clusterer cannot split them.
    The command says so in Chinese, and a report says only that the data is too thin."""
    import csv
    import io

    from casekit.cli import main
    from casekit.exceptions import AnalysisError
    from casekit.intake import load_bundle
    from casekit.reports.region_report import segment_types

    source = (MINI / "survey" / "responses.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(source)))
    ams = [r for r in rows[1:] if r[4] in ("政企客户经理", "客户经理", "account_manager")]
    kept = [rows[0], *ams[:2], *(r for r in rows[1:] if r not in ams)]
    text = "".join(",".join(r) + "\n" for r in kept)
    root = mini_copy({"survey/responses.csv": text, "survey/responses_shijiazhuang.xlsx": None,
                      "ride_alongs.csv": "visit_id,date,region,account_manager,customer_industry,purpose,products,"
                      "funnel_stage,minutes_on_site,minutes_travel,question_share,behaviours,outcome,observer_notes\n"})
    bundle = load_bundle(root)
    with pytest.raises(AnalysisError, match="only 2 account manager"):
        segment_account_managers(bundle)
    report, message = segment_types(bundle)
    assert report is None and message == "客户经理的数据不足，无法分析客户经理类型。"

    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["segment", str(root), "--quiet", "--csv", str(root / "_segments.csv")]) == 1
    err = capsys.readouterr().err
    assert "只有 2 名客户经理有问卷资料，分类至少需要 3 人" in err and "Traceback" not in err
