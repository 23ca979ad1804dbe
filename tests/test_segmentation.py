"""Segmenter: a scikit-learn clusterer that finds planted types and refuses to invent them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from casekit.analysis.features import account_manager_features
from conftest import RecordingProgress
from casekit.analysis.segmentation import Segmenter
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE

FAST = {"n_bootstrap": 5, "n_references": 3, "n_init": 3}
#: Enough references for the null comparison to mean something; stability is not what is tested.
NULL = {"n_bootstrap": 5}


def one_factor_scores(seed: int, n: int = 300, n_dims: int = 7, loading: float = 0.87,
                      profiles: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Likert-like self-ratings (1–5) that all load on one general factor.

    With ``loading`` 0.87 the rounded scores correlate ≈ .65 between dimensions, as
    self-reports do. ``profiles`` (types × dimensions, in latent sd units) plants types on top
    of the general factor; each person gets one at random. Returns the scores and the types.
    """
    rng = np.random.default_rng(seed)
    general = rng.normal(size=(n, 1))
    latent = loading * general + np.sqrt(1 - loading ** 2) * rng.normal(size=(n, n_dims))
    types = rng.integers(0, 1 if profiles is None else len(profiles), size=n)
    if profiles is not None:
        latent = latent + profiles[types]
    return np.clip(np.round(3 + 0.8 * latent), 1, 5), types


def _mean_correlation(X: np.ndarray) -> float:
    return float(np.corrcoef(X.T)[np.triu_indices(X.shape[1], 1)].mean())


@pytest.fixture(scope="module")
def sample_features():
    return account_manager_features(load_bundle(SAMPLE_BUNDLE))


@pytest.fixture(scope="module")
def planted() -> dict[str, str]:
    truth = yaml.safe_load((SAMPLE_BUNDLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    return truth["account_manager_type_of"]


@parametrize_with_checks([Segmenter(n_bootstrap=3, n_references=2, n_init=2, random_state=0)])
def test_follows_the_scikit_learn_estimator_contract(estimator, check):
    check(estimator)


def test_recovers_the_planted_account_manager_types(sample_features, planted):
    seg = Segmenter(blocks=sample_features.blocks, random_state=2008).fit(sample_features.X)
    truth = [planted[i] for i in sample_features.X.index]
    assert seg.structure_found_
    assert seg.n_clusters_ == len(set(truth))
    assert adjusted_rand_score(truth, seg.labels_) >= 0.8
    assert seg.stability_ >= 0.75
    assert seg.gap_k_ >= 2


def test_types_are_recovered_although_half_the_people_were_never_accompanied(sample_features, planted):
    X = sample_features.X
    ride = list(sample_features.blocks["ride"])
    assert X[ride].isna().all(axis=1).mean() > 0.3  # the situation this test is about
    seg = Segmenter(blocks=sample_features.blocks, random_state=1).fit(X)
    unobserved = X[ride].isna().all(axis=1).to_numpy()
    truth = np.array([planted[i] for i in X.index])
    assert adjusted_rand_score(truth[unobserved], seg.labels_[unobserved]) >= 0.8


def test_structureless_data_gives_no_clear_segments(sample_features):
    """Shuffling every feature independently keeps its distribution and destroys the types."""
    rng = np.random.default_rng(0)
    X = sample_features.X.apply(lambda c: pd.Series(rng.permutation(c.to_numpy()), index=c.index))
    seg = Segmenter(blocks=sample_features.blocks, random_state=0).fit(X)
    assert not seg.structure_found_
    assert seg.n_clusters_ == 1 and set(seg.labels_) == {0}
    assert seg.reasons_ and all(isinstance(r, str) for r in seg.reasons_)


@pytest.mark.parametrize("kind", ["normal", "uniform"])
def test_random_noise_gives_no_clear_segments(kind):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(250, 8)) if kind == "normal" else rng.uniform(size=(250, 8))
    seg = Segmenter(random_state=0, **FAST).fit(X)
    assert not seg.structure_found_
    assert seg.gap_k_ == 1
    assert (seg.predict(X) == 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_one_general_factor_is_not_split_into_weak_and_strong_types(seed):
    """Everybody better or worse at everything: a level, not types (issue 12)."""
    X, _ = one_factor_scores(seed)
    assert 0.55 <= _mean_correlation(X) <= 0.75  # the situation this test is about
    seg = Segmenter(random_state=0, **NULL).fit(X)
    assert not seg.structure_found_
    assert seg.gap_k_ == 1 and not seg.k_scores_["beats_null"].any()
    assert seg.n_clusters_ == 1 and (seg.predict(X) == 0).all()
    assert seg.summary_ == "未发现明显不同的行为类型：所有人的差别主要是整体水平高低，而非类型不同"
    # what the old criterion fell for: the weak/strong split looks tidy by silhouette alone
    two = seg.k_scores_.set_index("k").loc[2]
    assert two["silhouette"] >= seg.min_silhouette
    assert two["silhouette"] <= two["silhouette_null"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_types_on_top_of_a_strong_general_factor_are_found(seed):
    profiles = np.zeros((3, 7))
    profiles[0, :3] = profiles[1, 3:5] = profiles[2, 5:] = 2.5
    profiles -= profiles.mean(axis=1, keepdims=True)  # types differ in profile, not in level
    X, types = one_factor_scores(seed, loading=np.sqrt(0.6), profiles=profiles)
    within = np.mean([_mean_correlation(X[types == t]) for t in range(3)])
    assert within >= 0.35  # a strong general factor inside every type
    seg = Segmenter(random_state=0, **NULL).fit(X)
    assert seg.structure_found_ and seg.n_clusters_ == 3
    assert adjusted_rand_score(types, seg.labels_) >= 0.9
    assert seg.summary_.startswith("可分为3类")


def _one_factor_bundle_features(features, seed: int) -> pd.DataFrame:
    """The sample's account managers with their types replaced by one general factor.

    Survey dimensions: means of four Likert items driven by the factor (r ≈ .65 between
    dimensions); every time-use and ride-along feature keeps its values and who is missing,
    but is reordered to follow the same factor (correlation ≈ .45).
    """
    rng = np.random.default_rng(seed)
    X = features.X.copy()
    n = len(X)
    survey = list(features.blocks["survey"])
    general = rng.normal(size=(n, 1))
    latent = np.sqrt(0.75) * general + 0.5 * rng.normal(size=(n, len(survey)))
    X[survey] = np.stack([np.clip(np.round(3 + 0.8 * (latent[:, [j]] + 0.5 * rng.normal(size=(n, 4)))),
                                  1, 5).mean(axis=1) for j in range(len(survey))], axis=1)
    for column in X.columns.difference(survey):
        seen = X[column].notna().to_numpy()
        follows = 0.5 * general[:, 0] + rng.normal(size=n)
        X.loc[seen, column] = np.sort(X.loc[seen, column].to_numpy())[follows[seen].argsort().argsort()]
    return X


def test_the_weak_strong_split_of_a_one_factor_bundle_is_no_longer_reported(sample_features):
    """Regression: against the uniform box the old rule reported 2 types here (silhouette 0.24,
    stability 0.87); against data with the same correlations it is no better than no types."""
    X = _one_factor_bundle_features(sample_features, 0)
    assert _mean_correlation(X[list(sample_features.blocks["survey"])].to_numpy()) >= 0.55
    seg = Segmenter(blocks=sample_features.blocks, random_state=2008).fit(X)
    assert not seg.structure_found_
    assert seg.n_clusters_ == 1
    assert seg.summary_.startswith("未发现明显不同的行为类型")
    assert any("对照数据" in r for r in seg.reasons_)


def test_independent_differences_are_not_called_a_general_level():
    X = np.random.default_rng(11).normal(size=(200, 6))
    seg = Segmenter(random_state=0, **NULL).fit(X)
    assert not seg.structure_found_
    assert "整体水平" not in seg.summary_ and seg.summary_.startswith("未发现明显不同的行为类型")


def test_finds_well_separated_groups_and_numbers_them_by_size():
    X, y = make_blobs(n_samples=[120, 60, 30], n_features=5, cluster_std=0.6, random_state=3)
    seg = Segmenter(random_state=0, **FAST).fit(X)
    assert seg.structure_found_ and seg.n_clusters_ == 3
    assert adjusted_rand_score(y, seg.labels_) == pytest.approx(1.0)
    assert np.bincount(seg.labels_).tolist() == [120, 60, 30]
    assert (seg.predict(X) == seg.labels_).all()


def test_same_data_and_seed_give_the_same_segments(sample_features):
    a = Segmenter(blocks=sample_features.blocks, random_state=5, **FAST).fit(sample_features.X)
    b = Segmenter(blocks=sample_features.blocks, random_state=5, **FAST).fit(sample_features.X)
    assert (a.labels_ == b.labels_).all()
    pd.testing.assert_frame_equal(a.k_scores_, b.k_scores_)


def test_a_fixed_k_is_used_and_still_judged(sample_features):
    seg = Segmenter(n_clusters=7, blocks=sample_features.blocks, random_state=0, **FAST)
    seg.fit(sample_features.X)
    assert seg.n_clusters_ == 7
    assert not seg.structure_found_  # seven segments of four planted types are not stable
    assert any("稳定性" in r or "轮廓系数" in r for r in seg.reasons_)


def test_k_scores_cover_the_range_with_silhouette_and_gap(sample_features):
    seg = Segmenter(k_max=6, blocks=sample_features.blocks, random_state=0, **FAST)
    seg.fit(sample_features.X)
    table = seg.k_scores_
    assert table["k"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["silhouette"].iloc[0] != table["silhouette"].iloc[0]  # NaN for k = 1
    assert table["silhouette"].iloc[1:].between(-1, 1).all()
    assert seg.silhouette_k_ == int(table.loc[table["silhouette"].idxmax(), "k"])


def test_blocks_weigh_equally_whatever_their_size():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 5)), columns=list("abcde"))
    seg = Segmenter(blocks={"one": ["a"], "four": ["b", "c", "d", "e"]}, random_state=0, **FAST).fit(X)
    assert seg.weights_[0] == pytest.approx(1.0)
    assert seg.weights_[1:] == pytest.approx([0.5] * 4)
    assert (seg.weights_[:1] ** 2).sum() == pytest.approx((seg.weights_[1:] ** 2).sum())


def test_invalid_k_range_is_rejected():
    with pytest.raises(ValueError, match="k_min"):
        Segmenter(k_min=1).fit(np.zeros((10, 2)))





def test_progress_reports_each_step_and_changes_nothing(sample_features):
    params = {**FAST, "k_max": 6, "blocks": sample_features.blocks, "random_state": 2008}
    quiet = Segmenter(**params).fit(sample_features.X)
    progress = RecordingProgress()
    shown = Segmenter(**params).fit(sample_features.X, progress=progress)
    # the same seed gives the same segments, figures and words, whether progress is shown or not
    assert np.array_equal(quiet.labels_, shown.labels_)
    pd.testing.assert_frame_equal(quiet.k_scores_, shown.k_scores_)
    assert (quiet.stability_, quiet.reasons_, quiet.appendix_) == (shown.stability_, shown.reasons_, shown.appendix_)
    last = {label: (count, total) for label, count, total in progress.seen}
    assert last["选择类数"] == (6, 6)  # k = 1..k_max, one step each
    assert last["与对照数据比较"] == (FAST["n_references"], FAST["n_references"])
    assert last["检验稳定性"] == (FAST["n_bootstrap"], FAST["n_bootstrap"])
    started = [label for label, count, _ in progress.seen if count == 0]
    assert started == ["准备数据", "选择类数", "与对照数据比较", "划分类型", "检验稳定性"]
    assert progress.tasks == []  # every step ended
