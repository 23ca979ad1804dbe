"""Segmenting account managers into behaviour types, or saying that there are none.

:class:`Segmenter` is a scikit-learn clusterer (``fit`` / ``predict`` / ``fit_predict``,
parameters in ``__init__``, learned attributes ending in ``_``, ``random_state``). It does four
things a consultant would otherwise do by hand, each inspectable afterwards:

1. **Prepare.** Standardise every feature (missing values ignored), weight the features so that
   each *block* (survey scales, time use, ride-along behaviours; see
   :mod:`casekit.analysis.features`) counts as much as any other whatever its number of columns,
   and fill missing values (people never accompanied on a visit) from the five most similar
   people (:class:`~sklearn.impute.KNNImputer`) instead of the average person.
2. **Choose k from the data.** For every k in ``k_min..k_max`` k-means is fitted and scored by
   the mean silhouette; the gap statistic (Tibshirani, Walther & Hastie 2001: log within-cluster
   dispersion against uniform reference data in the principal-component box of the data) is
   computed for k = 1..k_max. ``k_scores_`` holds both. k is the silhouette's best (or
   ``n_clusters`` when the user fixes it); the gap statistic's own choice (``gap_k_``, smallest k
   with Gap(k) ≥ Gap(k+1) − s(k+1)) says whether there is any structure at all: 1 means the data
   is no more clustered than uniform noise.
3. **Check stability.** ``n_bootstrap`` bootstrap resamples are clustered again with the same k;
   each resample's clustering of the data is compared with the fitted one by the adjusted Rand
   index. ``stability_`` is the mean.
4. **Decide.** Segments are declared (``structure_found_``) only when the gap statistic finds
   more than one group, the silhouette reaches ``min_silhouette`` and the stability reaches
   ``min_stability``; otherwise ``reasons_`` says in Chinese which test failed, and when k was
   chosen by the data ``labels_`` puts everybody in one group (``n_clusters_ = 1``): no persona is
   invented from noise.

Large data: the scores of step 2 and 3 are computed on a random subsample of at most
``max_sample`` people (silhouette is quadratic in n); the final k-means uses everybody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.impute import KNNImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["Segmenter"]

_NEIGHBOURS = 5
#: k-means iterations on the gap statistic's uniform reference data.
_REFERENCE_ITER = 30


class Segmenter(ClusterMixin, BaseEstimator):
    """k-means segmentation with a data-driven k, a stability check and a "no clear segments" verdict.

    Parameters
    ----------
    n_clusters : int or None, default=None
        Fix k instead of choosing it (the notebook's k slider). Stability and silhouette are
        still measured and ``structure_found_`` still reports whether the segments are clear.
    k_min, k_max : int, default=2, 8
        Range of k searched (``k_max`` is capped at n_samples − 1).
    blocks : mapping of str to sequence of str, or None
        Feature blocks weighted equally (column names of a DataFrame ``X``). Columns in no
        block form one block each. None: every feature weighs the same.
    n_bootstrap : int, default=20
        Bootstrap resamples for the stability check.
    n_references : int, default=10
        Uniform reference data sets for the gap statistic.
    min_silhouette : float, default=0.2
        Smallest mean silhouette of clear segments.
    min_stability : float, default=0.75
        Smallest mean bootstrap adjusted Rand index of clear segments.
    max_sample : int, default=2000
        People used to choose k and measure stability (the final fit uses all).
    n_init : int, default=10
        k-means restarts.
    random_state : int, RandomState or None, default=None
        Seed of every random step; the same data and seed give the same segments.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` is a DataFrame with string column names.
    mean_, scale_ : ndarray
        Standardisation (missing values ignored; constant features get scale 1).
    weights_ : ndarray
        Weight of each standardised feature (1 / sqrt(size of its block)).
    k_scores_ : DataFrame
        One row per k (1..k_max): ``k``, ``silhouette`` (NaN for k = 1), ``inertia``, ``gap``,
        ``gap_se``.
    gap_k_ : int
        k chosen by the gap statistic's one-standard-error rule (1 = no structure).
    silhouette_k_ : int
        k with the best silhouette.
    stability_, stability_sd_ : float
        Mean and sd of the bootstrap adjusted Rand index at the chosen k.
    structure_found_ : bool
        Whether the segments are clear (see module docstring).
    reasons_ : list of str
        Chinese explanation of the verdict.
    n_clusters_ : int
        Segments in ``labels_`` (1 when no structure and k was not fixed).
    labels_ : ndarray of int
        Segment of every person, numbered by size (0 = largest).
    cluster_centers_ : ndarray of shape (n_clusters_, n_features_in_)
        Centres in standardised (unweighted) units; NaN rows when there is one group.
    model_ : KMeans or None
        The final k-means (None when everybody is in one group).
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        *,
        k_min: int = 2,
        k_max: int = 8,
        blocks: Mapping[str, Sequence[str]] | None = None,
        n_bootstrap: int = 20,
        n_references: int = 10,
        min_silhouette: float = 0.2,
        min_stability: float = 0.75,
        max_sample: int = 2000,
        n_init: int = 10,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_min = k_min
        self.k_max = k_max
        self.blocks = blocks
        self.n_bootstrap = n_bootstrap
        self.n_references = n_references
        self.min_silhouette = min_silhouette
        self.min_stability = min_stability
        self.max_sample = max_sample
        self.n_init = n_init
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # preparation -------------------------------------------------------------------------
    def _block_weights(self, n_features: int) -> np.ndarray:
        names = list(getattr(self, "feature_names_in_", []))
        owner = [f"#{j}" for j in range(n_features)]
        for block, cols in (self.blocks or {}).items():
            for c in cols:
                if c in names:
                    owner[names.index(c)] = block
        if self.blocks is None:
            return np.ones(n_features)
        sizes = pd.Series(owner).value_counts()
        return np.array([1.0 / np.sqrt(sizes[o]) for o in owner])

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) / self.scale_

    def _prepare(self, X: np.ndarray) -> np.ndarray:
        Z = self._standardise(X) * self.weights_
        if np.isnan(Z).any():
            Z = self.imputer_.transform(Z)
        return Z

    def fit(self, X: Any, y: None = None) -> Segmenter:
        """Standardise, choose k, check stability and decide (see the module docstring).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            One row per person; NaN marks a value not observed.
        y : None
            Ignored.

        Returns
        -------
        Segmenter
            ``self``.
        """
        X = validate_data(self, X, ensure_all_finite="allow-nan", ensure_min_samples=3,
                          dtype=np.float64)
        if self.k_min < 2 or self.k_max < self.k_min:
            raise ValueError(f"need 2 <= k_min <= k_max, got k_min={self.k_min}, k_max={self.k_max}")
        if self.n_clusters is not None and self.n_clusters < 1:
            raise ValueError(f"n_clusters must be >= 1, got {self.n_clusters}")
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        with np.errstate(all="ignore"):
            mean = np.nanmean(X, axis=0)
            scale = np.nanstd(X, axis=0)
        mean = np.where(np.isnan(mean), 0.0, mean)
        scale = np.where(~np.isfinite(scale) | (scale < 1e-12), 1.0, scale)
        self.mean_, self.scale_ = mean, scale
        self.weights_ = self._block_weights(X.shape[1])

        Zw = self._standardise(X) * self.weights_
        all_missing = np.isnan(Zw).all(axis=0)
        Zw[:, all_missing] = 0.0
        fit_rows = rng.choice(n, size=min(n, self.max_sample), replace=False)
        self.imputer_ = KNNImputer(n_neighbors=min(_NEIGHBOURS, max(1, n - 1)),
                                   keep_empty_features=True).fit(Zw[np.sort(fit_rows)])
        if np.isnan(Zw).any():
            Zw = self.imputer_.transform(Zw)

        sample = np.sort(rng.choice(n, size=min(n, self.max_sample), replace=False))
        S = Zw[sample]
        k_hi = max(1, min(self.k_max, len(S) - 1))
        k_lo = min(self.k_min, k_hi)
        self.k_scores_ = self._score_ks(S, k_lo, k_hi, rng)
        self.gap_k_ = self._gap_choice(self.k_scores_)
        candidates = self.k_scores_.dropna(subset=["silhouette"])
        self.silhouette_k_ = int(candidates.loc[candidates["silhouette"].idxmax(), "k"]) \
            if len(candidates) else 1
        k = int(self.n_clusters) if self.n_clusters is not None else self.silhouette_k_
        k = min(k, n)

        if k >= 2:
            model = KMeans(n_clusters=k, n_init=self.n_init, random_state=rng).fit(Zw)
            labels, centres = self._order_by_size(model.labels_, model.cluster_centers_)
            model.cluster_centers_ = centres
            self.stability_, self.stability_sd_ = self._stability(S, labels[sample], k, rng)
            silhouette = float(silhouette_score(S, labels[sample])) if len(set(labels[sample])) > 1 \
                else float("nan")
        else:
            model, labels, centres = None, np.zeros(n, dtype=int), np.full((1, X.shape[1]), np.nan)
            self.stability_, self.stability_sd_, silhouette = float("nan"), float("nan"), float("nan")

        self.silhouette_ = silhouette
        self.structure_found_, self.reasons_ = self._verdict(k, silhouette)
        if not self.structure_found_ and self.n_clusters is None:
            model, labels = None, np.zeros(n, dtype=int)
            centres = np.full((1, X.shape[1]), np.nan)
        self.model_ = model
        self.labels_ = labels
        self.n_clusters_ = int(labels.max()) + 1
        self.cluster_centers_ = (centres / self.weights_) if model is not None else centres
        return self

    # scoring -----------------------------------------------------------------------------
    def _kmeans(self, k: int, rng: np.random.RandomState, n_init: int | None = None,
                max_iter: int = 300) -> KMeans:
        return KMeans(n_clusters=k, n_init=n_init or self.n_init, max_iter=max_iter, random_state=rng)

    def _score_ks(self, S: np.ndarray, k_lo: int, k_hi: int,
                  rng: np.random.RandomState) -> pd.DataFrame:
        rows = []
        inertia: dict[int, float] = {}
        for k in range(1, k_hi + 1):
            if k == 1:
                inertia[k] = float(((S - S.mean(axis=0)) ** 2).sum())
                rows.append({"k": 1, "silhouette": float("nan")})
                continue
            km = self._kmeans(k, rng).fit(S)
            inertia[k] = float(km.inertia_)
            sil = float(silhouette_score(S, km.labels_)) \
                if k >= k_lo and len(set(km.labels_)) > 1 else float("nan")
            rows.append({"k": k, "silhouette": sil})
        gap, se = self._gap(S, inertia, k_hi, rng)
        table = pd.DataFrame(rows)
        table["inertia"] = [inertia[k] for k in table["k"]]
        table["gap"] = gap
        table["gap_se"] = se
        return table

    def _gap(self, S: np.ndarray, inertia: dict[int, float], k_hi: int,
             rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
        """Gap statistic with uniform references in the principal-component box of ``S``."""
        centred = S - S.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        rotated = centred @ vt.T
        lo, hi = rotated.min(axis=0), rotated.max(axis=0)
        ref_log = np.empty((self.n_references, k_hi))
        for b in range(self.n_references):
            ref = rng.uniform(lo, hi, size=rotated.shape)
            ref_log[b, 0] = np.log(((ref - ref.mean(axis=0)) ** 2).sum() + 1e-300)
            for k in range(2, k_hi + 1):
                # uniform data converges slowly and the statistic only needs log W roughly:
                # one start, few iterations (the cost of the whole fit at national scale)
                km = self._kmeans(k, rng, n_init=1, max_iter=_REFERENCE_ITER).fit(ref)
                ref_log[b, k - 1] = np.log(km.inertia_ + 1e-300)
        obs_log = np.log(np.array([inertia[k] for k in range(1, k_hi + 1)]) + 1e-300)
        gap = ref_log.mean(axis=0) - obs_log
        se = ref_log.std(axis=0) * np.sqrt(1 + 1 / self.n_references)
        return gap, se

    @staticmethod
    def _gap_choice(table: pd.DataFrame) -> int:
        gap, se, ks = table["gap"].to_numpy(), table["gap_se"].to_numpy(), table["k"].to_numpy()
        for i in range(len(ks) - 1):
            if gap[i] >= gap[i + 1] - se[i + 1]:
                return int(ks[i])
        return int(ks[-1])

    @staticmethod
    def _order_by_size(labels: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        counts = np.bincount(labels, minlength=len(centres))
        # largest first; ties broken by the centre's coordinates so the order is reproducible
        order = sorted(range(len(centres)), key=lambda j: (-counts[j], tuple(centres[j])))
        remap = np.empty(len(centres), dtype=int)
        remap[order] = np.arange(len(centres))
        return remap[labels], centres[order]

    def _stability(self, S: np.ndarray, reference: np.ndarray, k: int,
                   rng: np.random.RandomState) -> tuple[float, float]:
        scores = []
        for _ in range(self.n_bootstrap):
            idx = rng.randint(0, len(S), size=len(S))
            if len(np.unique(idx)) <= k:
                continue
            km = self._kmeans(k, rng, n_init=max(1, min(self.n_init, 3))).fit(S[idx])
            scores.append(adjusted_rand_score(reference, km.predict(S)))
        if not scores:
            return float("nan"), float("nan")
        return float(np.mean(scores)), float(np.std(scores))

    def _verdict(self, k: int, silhouette: float) -> tuple[bool, list[str]]:
        reasons: list[str] = []
        if k < 2:
            reasons.append("只有一组，数据中看不到可区分的类型")
            return False, reasons
        if self.gap_k_ < 2:
            reasons.append("间隔统计量（gap statistic）表明数据并不比随机均匀分布更有分组结构")
        if not (silhouette >= self.min_silhouette):
            reasons.append(f"轮廓系数 {silhouette:.2f} 低于 {self.min_silhouette:.2f}，各组之间界限不清")
        if not (self.stability_ >= self.min_stability):
            reasons.append(f"自助抽样稳定性（平均调整兰德指数）{self.stability_:.2f} 低于 "
                           f"{self.min_stability:.2f}，换一批样本分组就会变")
        if reasons:
            return False, reasons
        verdict = (f"分为 {k} 类：轮廓系数 {silhouette:.2f}，自助抽样稳定性 {self.stability_:.2f}，"
                   "间隔统计量支持存在分组")
        return True, [verdict]

    # prediction --------------------------------------------------------------------------
    def predict(self, X: Any) -> np.ndarray:
        """Return the segment of each row of ``X`` (all 0 when there is one group).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        ndarray of int
        """
        check_is_fitted(self, "labels_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        if self.model_ is None:
            return np.zeros(X.shape[0], dtype=int)
        return self.model_.predict(self._prepare(X))

    def fit_predict(self, X: Any, y: None = None, **kwargs: Any) -> np.ndarray:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_
