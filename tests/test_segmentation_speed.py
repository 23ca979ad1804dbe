"""The Segmenter's fast path (``shortcuts=True``, the default) on a mid-size engagement.

600 account managers, generated here with a fixed seed: the fast path must give what the previous
algorithm (``shortcuts=False``) gives -- the same number of types, the same verdict and message,
the same people in the same types, the same stability and the same figures in the table of k.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from casekit.analysis.segmentation import Segmenter

N = 600
SURVEY = [f"dim{j}" for j in range(7)]
TIME = ["weekly_visits", "visit_time_share", "travel_share", "minutes_on_site"]
RIDE = [f"rate_b{j}" for j in range(8)]
BLOCKS = {"survey": SURVEY, "time": TIME, "ride": RIDE}


def mid_size_engagement(seed: int, types: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """Features of 600 account managers: survey (one general factor), time use, ride-alongs.

    With ``types``, four behaviour types of equal size differ in their visit behaviours, their
    time use and their survey profile (not their level); without, everything follows one general
    factor. 45 % were never accompanied (their ride-along features are missing).
    """
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 4, size=N) if types else np.zeros(N, dtype=int)
    general = rng.normal(size=(N, 1))
    profile = np.zeros((4, len(SURVEY)))
    if types:
        profile[0, :2] = profile[1, 2:4] = profile[2, 4:6] = profile[3, 6:] = 1.5
        profile -= profile.mean(axis=1, keepdims=True)
    survey = np.clip(3 + 0.6 * (0.8 * general + 0.6 * rng.normal(size=(N, len(SURVEY))) + profile[kind]), 1, 5)
    shift = np.zeros((4, len(TIME)))
    if types:
        shift[1, 0] = shift[2, 1] = shift[3, 2] = 1.5
    time_use = 0.5 * general + rng.normal(size=(N, len(TIME))) + shift[kind]
    rates = np.full((4, len(RIDE)), 0.3)
    if types:
        for t in range(4):
            rates[t, 2 * t:2 * t + 2] = 0.85
    ride = np.clip(rates[kind] + 0.1 * general + 0.12 * rng.normal(size=(N, len(RIDE))), 0, 1)
    ride[rng.random(N) < 0.45] = np.nan
    X = pd.DataFrame(np.hstack([survey, time_use, ride]), columns=SURVEY + TIME + RIDE,
                     index=[f"AM{i:04d}" for i in range(N)])
    return X, kind


def before_and_now(X: pd.DataFrame, **kwargs: object) -> tuple[Segmenter, Segmenter]:
    """The previous algorithm's fit and the fast path's.

    The previous one runs on one thread here only to keep the test cheap: the number of threads
    does not change k-means' result (the benchmark runs it as it ran before).
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        before = Segmenter(shortcuts=False, **kwargs).fit(X)  # type: ignore[arg-type]
    return before, Segmenter(**kwargs).fit(X)  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=[True, False], ids=["four types", "one general factor"])
def both_ways(request):
    X, kind = mid_size_engagement(15, request.param)
    before, now = before_and_now(X, blocks=BLOCKS, random_state=2008)
    return request.param, kind, before, now


def test_the_default_is_the_fast_path():
    assert Segmenter().shortcuts is True


def test_mid_size_engagement_gets_the_same_verdict_and_message_as_before(both_ways):
    types, _, before, now = both_ways
    assert now.structure_found_ is before.structure_found_ is types
    assert now.n_clusters_ == before.n_clusters_ == (4 if types else 1)
    assert now.summary_ == before.summary_
    assert now.reasons_ == before.reasons_
    assert now.appendix_ == before.appendix_


def test_mid_size_engagement_puts_the_same_people_in_the_same_types(both_ways):
    types, kind, before, now = both_ways
    assert adjusted_rand_score(before.labels_, now.labels_) == 1.0
    assert (now.labels_ == before.labels_).all()  # numbered by size the same way
    if types:
        assert adjusted_rand_score(kind, now.labels_) >= 0.9


def test_mid_size_engagement_reports_the_same_figures(both_ways):
    _, _, before, now = both_ways
    assert now.stability_ == pytest.approx(before.stability_, abs=1e-9)
    assert now.silhouette_ == pytest.approx(before.silhouette_, abs=1e-9)
    columns = ["silhouette", "silhouette_null", "inertia", "gap", "gap_se"]
    np.testing.assert_allclose(now.k_scores_[columns].to_numpy(float), before.k_scores_[columns].to_numpy(float),
                               rtol=1e-9, atol=1e-9)
    assert now.k_scores_["beats_null"].tolist() == before.k_scores_["beats_null"].tolist()


def test_fast_path_silhouettes_match_on_a_subsample_of_the_references():
    """More than 500 people: the references' silhouettes use 500 of them, the same 500 as before."""
    X, _ = mid_size_engagement(3, types=False)
    X = pd.concat([X, X.set_axis([f"{i}b" for i in X.index])]).iloc[:700]  # 700 people
    before, now = before_and_now(X, blocks=BLOCKS, random_state=1, k_max=3, n_bootstrap=2, n_references=3,
                                 n_init=2)
    np.testing.assert_allclose(now.k_scores_["silhouette_null"].to_numpy(float),
                               before.k_scores_["silhouette_null"].to_numpy(float), rtol=1e-9)
