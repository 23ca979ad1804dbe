"""Segmenting account managers into behaviour types, or saying that there are none.

:class:`Segmenter` is a scikit-learn clusterer (``fit`` / ``predict`` / ``fit_predict``,
parameters in ``__init__``, learned attributes ending in ``_``, ``random_state``). It does four
things a consultant would otherwise do by hand, each inspectable afterwards:

1. **Prepare.** Standardise every feature (missing values ignored), weight the features so that
   each *block* (survey scales, time use, ride-along behaviours; see
   :mod:`casekit.analysis.features`) counts as much as any other whatever its number of columns,
   and fill missing values (people never accompanied on a visit) from the five most similar
   people (:class:`~sklearn.impute.KNNImputer`) instead of the average person.
2. **Compare with a correlated null and choose k.** Self-reported scales are correlated (people
   who rate themselves high on one dimension rate themselves high on all; r ≈ .6 is typical), so
   the data form one elongated cloud, and k-means cuts any elongated cloud into "all weak" and
   "all strong" with a good-looking silhouette (≈ .3) and a high stability. Such a split is not a
   type. The reference is therefore *normal data with the mean and covariance of the prepared
   data* (``n_references`` data sets drawn in the principal-component frame): it keeps the
   general level and every correlation and has no types (the null of SigClust, Liu, Hayes,
   Nobel & Marron 2008). A uniform box, the reference of the classic gap statistic, is the wrong
   null here: a correlated normal cloud looks clustered against it. For every k in
   ``k_min..k_max`` k-means is fitted to the data and to every reference, and
   ``k_scores_`` records

   * ``gap`` = mean over references of log(W_k / W_1) minus the data's log(W_k / W_1), where
     W_k is the within-group sum of squares (W_1 the total): how much more of the spread k
     groups explain in the data than in data without types; ``gap_se`` its standard error
     (sd over references × sqrt(1 + 1/B)), as in Tibshirani, Walther & Hastie (2001);
   * ``silhouette`` of the data and ``silhouette_null``, the 95th percentile of the
     references' silhouettes at the same k;
   * ``beats_null``: ``gap > max(NULL_MARGIN · gap_se, MIN_GAP)`` (2 standard errors, and at
     least 0.1: k groups leave at least ~10% less of the spread unexplained than in the
     references) **and** ``silhouette > silhouette_null``.

   k is the best silhouette among the k that beat the null (the best silhouette overall when
   none does, only to report it; ``n_clusters`` when the user fixes it). ``gap_k_`` is the
   smallest k that beats the null (1: none does).
3. **Check stability.** ``n_bootstrap`` bootstrap resamples are clustered again with the same k;
   each resample's clustering of the data is compared with the fitted one by the adjusted Rand
   index. ``stability_`` is the mean.
4. **Decide.** Segments are declared (``structure_found_``) only when the chosen k beats the
   correlated null, the silhouette reaches ``min_silhouette`` and the stability reaches
   ``min_stability``; otherwise ``reasons_`` says in Chinese which test failed (with its
   figures) and ``summary_`` says in plain Chinese that there are no types — "所有人的差别主要是
   整体水平高低，而非类型不同" when the first principal component carries at least twice the
   variance of the second, that the differences are diffuse otherwise. When k was chosen by the
   data, ``labels_`` then puts everybody in one group (``n_clusters_ = 1``): no persona is
   invented from noise. The same data and ``random_state`` give the same verdict.

Large data: the scores of step 2 and 3 are computed on a random subsample of at most
``max_sample`` people (silhouette is quadratic in n); the final k-means uses everybody.

Speed (``shortcuts=True``, the default). Three rules make a mid-size engagement (600 account
managers) segment in a few tenths of a second instead of several seconds. None of them changes a
result: the same data and seed give the same k, verdict, messages, segments and figures as
``shortcuts=False``, which keeps the previous path step for step (figures equal to ~1e-12,
floating-point rounding; ``benchmarks/bench_segment.py`` measures both side by side and
``docs/segmentation-speed.md`` gives the figures):

* **One thread.** With at most ``max_sample`` people the whole fit runs on one thread (OpenMP,
  used by scikit-learn's k-means, and BLAS, used by the distances and the principal
  components); with more, the steps on the subsample do (choosing k, the references, the
  stability) and the imputation and final fit on everybody keep every thread. At this size
  starting and synchronising threads costs more than the arithmetic: ~200 small k-means fits
  each start a thread per core, and on two shared cores they wait for each other (4x to 20x
  slower, the more the busier the machine). The results do not depend on the number of threads.
* **Distances once per data set.** The silhouettes of every k of one data set (the data, each
  reference) are computed from one matrix of the distances between its people instead of from
  scratch for each k. For a reference of more than ``_REFERENCE_SILHOUETTE_N`` people, each k
  still draws its own random subset of that many people, with the same random numbers as
  scikit-learn's ``silhouette_score(sample_size=…)`` did, and scores it from the same matrix.
* **Inputs checked once.** scikit-learn's parameter validation and finiteness checks run in
  ``fit`` on the data, not again on each of the ~100 k-means fits of this class's own arrays.

Nothing is subsampled or restarted less than before: ``max_sample``, ``n_init``,
``n_references`` and ``n_bootstrap`` mean what they meant, and the random numbers are drawn in
the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from typing import Any

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.impute import KNNImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from scipy.spatial.distance import pdist, squareform
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from casekit.progress import Progress, Task

__all__ = ["MIN_GAP", "NO_TYPES", "NO_TYPES_DIFFUSE", "NULL_MARGIN", "TOO_FEW", "UNCLEAR_TYPES", "Segmenter"]

#: What every user-facing place says when the data show no behaviour types and one direction
#: (everybody better or worse at everything) dominates them.
NO_TYPES = "未发现明显不同的行为类型：所有人的差别主要是整体水平高低，而非类型不同"
#: The same, when no direction dominates either.
NO_TYPES_DIFFUSE = "未发现明显不同的行为类型：人与人之间的差别是零散、连续的，分不出界限清楚的几类人"
#: When groups beat the correlated reference but are not clear or not stable.
UNCLEAR_TYPES = "未发现稳定的行为类型：勉强分出的几组之间界限不清，换一批人重新分析，分法就会改变"
#: When there are too few people to compare groupings at all.
TOO_FEW = "人数太少，无法判断是否存在不同的行为类型"
#: A k beats the correlated reference when its gap exceeds this many standard errors (and its
#: silhouette exceeds the references' 95th percentile).
NULL_MARGIN: float = 2.0
#: ... and at least this much (log units: k groups leave at least ~10% less of the spread
#: unexplained than in data without types; a guard against a tiny standard error).
MIN_GAP: float = 0.1

_NEIGHBOURS = 5
#: k-means iterations and restarts on the reference data (normal clouds converge quickly; one
#: k-means++ start keeps the fit at national scale ~2x the uniform-box rule, not ~12x).
_REFERENCE_ITER = 100
_REFERENCE_INIT = 1
#: People of a reference data set whose silhouette is computed (silhouette is quadratic in n).
_REFERENCE_SILHOUETTE_N = 500
#: Quantile of the reference silhouettes the data's silhouette must exceed.
_NULL_QUANTILE = 0.95
#: The thread pools of the loaded libraries, found once (finding them takes ~50 ms).
_POOLS: list[ThreadpoolController] = []


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
        Reference data sets (normal, with the data's covariance) per k.
    min_silhouette : float, default=0.2
        Smallest mean silhouette of clear segments.
    min_stability : float, default=0.75
        Smallest mean bootstrap adjusted Rand index of clear segments.
    max_sample : int, default=2000
        People used to choose k and measure stability (the final fit uses all).
    n_init : int, default=10
        k-means restarts.
    shortcuts : bool, default=True
        Use the speed rules of the module docstring (one thread, distances computed once per
        data set, inputs checked once); they change no result. False: the previous path step
        for step, slower, kept as the baseline the rules are measured against.
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
        One row per k (1..k_max): ``k``, ``silhouette`` (NaN for k = 1), ``silhouette_null``
        (95th percentile of the references'), ``inertia``, ``gap`` and ``gap_se`` (against the
        correlated references; 0 for k = 1), ``beats_null`` (see the module docstring).
    gap_k_ : int
        Smallest k that beats the correlated null (1 = none: no structure).
    pc_share_ : ndarray
        Share of the (prepared) variance on each principal component, largest first.
    silhouette_k_ : int
        k with the best silhouette.
    stability_, stability_sd_ : float
        Mean and sd of the bootstrap adjusted Rand index at the chosen k.
    structure_found_ : bool
        Whether the segments are clear (see module docstring).
    reasons_ : list of str
        Chinese explanation of the verdict, with its figures (for the consultant).
    summary_ : str
        The verdict in plain Chinese without figures (:data:`NO_TYPES`,
        :data:`NO_TYPES_DIFFUSE`, :data:`UNCLEAR_TYPES`, :data:`TOO_FEW`, or the number of
        types found): what a client reads in the body of a report.
    appendix_ : str
        The method and its figures in plain words, for a report's appendix: the three
        conditions, the silhouette, gap and stability at the chosen k and the verdict (the
        analyst terms it uses are each explained where they appear).
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
        shortcuts: bool = True,
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
        self.shortcuts = shortcuts
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

    def fit(self, X: Any, y: None = None, *, progress: Progress | None = None) -> Segmenter:
        """Standardise, choose k, check stability and decide (see the module docstring).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            One row per person; NaN marks a value not observed.
        y : None
            Ignored.
        progress : Progress, optional
            Where the steps are reported (准备数据, 选择类数 k/k_max, 与对照数据比较 b/n_references,
            划分类型, 检验稳定性 i/n_bootstrap); default: nowhere. It changes no result.

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
        with self._one_thread(X.shape[0] <= self.max_sample):
            return self._fit(X, progress or Progress())

    def _fit(self, X: np.ndarray, progress: Progress) -> Segmenter:
        """:meth:`fit` on validated data."""
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
        with progress.task("准备数据"):
            self.imputer_ = KNNImputer(n_neighbors=min(_NEIGHBOURS, max(1, n - 1)),
                                       keep_empty_features=True).fit(Zw[np.sort(fit_rows)])
            if np.isnan(Zw).any():
                Zw = self.imputer_.transform(Zw)

        sample = np.sort(rng.choice(n, size=min(n, self.max_sample), replace=False))
        S = Zw[sample]
        k_hi = max(1, min(self.k_max, len(S) - 1))
        k_lo = min(self.k_min, k_hi)
        centred = S - S.mean(axis=0)
        eig = np.linalg.svd(centred, compute_uv=False) ** 2
        self.pc_share_ = eig / eig.sum() if eig.sum() > 0 else np.zeros_like(eig)
        with self._one_thread():
            self.k_scores_, distances = self._score_ks(S, k_lo, k_hi, rng, progress)
        candidates = self.k_scores_.dropna(subset=["silhouette"])
        self.silhouette_k_ = int(candidates.loc[candidates["silhouette"].idxmax(), "k"]) \
            if len(candidates) else 1
        beating = candidates[candidates["beats_null"]]
        self.gap_k_ = int(beating["k"].min()) if len(beating) else 1
        best = int(beating.loc[beating["silhouette"].idxmax(), "k"]) if len(beating) \
            else self.silhouette_k_
        k = int(self.n_clusters) if self.n_clusters is not None else best
        k = min(k, n)

        if k >= 2:
            with self._one_thread(n <= self.max_sample), progress.task("划分类型"):
                model = KMeans(n_clusters=k, n_init=self.n_init, random_state=rng).fit(Zw)
            labels, centres = self._order_by_size(model.labels_, model.cluster_centers_)
            model.cluster_centers_ = centres
            with self._one_thread():
                self.stability_, self.stability_sd_ = self._stability(S, labels[sample], k, rng, progress)
            if len(set(labels[sample])) < 2:
                silhouette = float("nan")
            elif distances is not None:
                silhouette = _silhouette(distances, labels[sample])
            else:
                silhouette = float(silhouette_score(S, labels[sample]))
        else:
            model, labels, centres = None, np.zeros(n, dtype=int), np.full((1, X.shape[1]), np.nan)
            self.stability_, self.stability_sd_, silhouette = float("nan"), float("nan"), float("nan")

        self.silhouette_ = silhouette
        self.structure_found_, self.reasons_ = self._verdict(k, silhouette)
        self.appendix_ = self._appendix(k, silhouette, n)
        if not self.structure_found_ and self.n_clusters is None:
            model, labels = None, np.zeros(n, dtype=int)
            centres = np.full((1, X.shape[1]), np.nan)
        self.model_ = model
        self.labels_ = labels
        self.n_clusters_ = int(labels.max()) + 1
        self.cluster_centers_ = (centres / self.weights_) if model is not None else centres
        return self

    # scoring -----------------------------------------------------------------------------
    def _one_thread(self, when: bool = True) -> AbstractContextManager[object]:
        """One thread (OpenMP and BLAS), scikit-learn's input checks skipped, when ``shortcuts``.

        The inputs are this class's own finite arrays (validated once in ``fit``).
        """
        if not self.shortcuts:
            return nullcontext()
        stack = ExitStack()
        stack.enter_context(config_context(assume_finite=True, skip_parameter_validation=True))
        if when:
            if not _POOLS:
                _POOLS.append(ThreadpoolController())
            stack.enter_context(_POOLS[0].limit(limits=1))
        return stack

    def _kmeans(self, k: int, rng: np.random.RandomState, n_init: int | None = None,
                max_iter: int = 300) -> KMeans:
        return KMeans(n_clusters=k, n_init=n_init or self.n_init, max_iter=max_iter, random_state=rng)

    def _score_ks(self, S: np.ndarray, k_lo: int, k_hi: int, rng: np.random.RandomState,
                  progress: Progress) -> tuple[pd.DataFrame, np.ndarray | None]:
        """``k_scores_`` and (shortcuts) the distances between the people of ``S``."""
        rows = []
        inertia: dict[int, float] = {}
        with progress.task("选择类数", total=k_hi) as task:
            distances = _distances(S) if self.shortcuts and k_hi >= 2 else None
            for k in range(1, k_hi + 1):
                task.step()
                if k == 1:
                    inertia[k] = float(((S - S.mean(axis=0)) ** 2).sum())
                    rows.append({"k": 1, "silhouette": float("nan")})
                    continue
                km = self._kmeans(k, rng).fit(S)
                inertia[k] = float(km.inertia_)
                if k < k_lo or len(set(km.labels_)) < 2:
                    sil = float("nan")
                elif distances is not None:
                    sil = _silhouette(distances, km.labels_)
                else:
                    sil = float(silhouette_score(S, km.labels_))
                rows.append({"k": k, "silhouette": sil})
        null = self._null(S, inertia, k_lo, k_hi, rng, progress)
        table = pd.DataFrame(rows)
        table["silhouette_null"] = null["silhouette_null"]
        table["inertia"] = [inertia[k] for k in table["k"]]
        table["gap"] = null["gap"]
        table["gap_se"] = null["gap_se"]
        table["beats_null"] = ((table["gap"] > np.maximum(NULL_MARGIN * table["gap_se"], MIN_GAP))
                               & (table["silhouette"] > table["silhouette_null"]))
        return table, distances

    def _reference(self, S: np.ndarray, rng: np.random.RandomState,
                   sd: np.ndarray | None = None) -> np.ndarray:
        """One reference data set without types but with the correlations of ``S``.

        Normal data with the mean and covariance of ``S`` (drawn in its principal-component
        frame: independent normal components with the data's standard deviations), i.e. one
        elongated cloud in which every feature is as correlated with the others as in the data.
        A general factor (everybody better or worse at everything) is kept; types are not.
        ``sd``: the standard deviations of the principal components of ``S`` when already known.
        """
        if sd is None:
            sd = self._component_sd(S)
        return rng.standard_normal(size=(len(S), len(sd))) * sd

    @staticmethod
    def _component_sd(S: np.ndarray) -> np.ndarray:
        """Standard deviations of the principal components of ``S``."""
        centred = S - S.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        return (centred @ vt.T).std(axis=0)

    def _null(self, S: np.ndarray, inertia: dict[int, float], k_lo: int, k_hi: int,
              rng: np.random.RandomState, progress: Progress) -> dict[str, np.ndarray]:
        """Gap statistic and reference silhouettes against correlated references (see module)."""
        with progress.task("与对照数据比较", total=self.n_references) as task:
            return self._null_steps(S, inertia, k_lo, k_hi, rng, task)

    def _null_steps(self, S: np.ndarray, inertia: dict[int, float], k_lo: int, k_hi: int,
                    rng: np.random.RandomState, task: Task) -> dict[str, np.ndarray]:
        """:meth:`_null`, reporting each reference data set to ``task``."""
        ref_log = np.empty((self.n_references, k_hi))
        ref_sil = np.full((self.n_references, k_hi), np.nan)
        sd = self._component_sd(S) if self.shortcuts else None  # the same for every reference
        for b in range(self.n_references):
            task.step()
            ref = self._reference(S, rng, sd)
            ref_log[b, 0] = np.log(((ref - ref.mean(axis=0)) ** 2).sum() + 1e-300)
            size = min(len(ref), _REFERENCE_SILHOUETTE_N)
            if self.shortcuts and k_hi >= k_lo:
                distances = _distances(ref)  # once for every k (module docstring)
            for k in range(2, k_hi + 1):
                km = self._kmeans(k, rng, n_init=max(1, min(self.n_init, _REFERENCE_INIT)),
                                  max_iter=_REFERENCE_ITER).fit(ref)
                ref_log[b, k - 1] = np.log(km.inertia_ + 1e-300)
                if k < k_lo or len(set(km.labels_)) < 2:
                    continue
                if self.shortcuts:
                    # the people scikit-learn's silhouette_score(sample_size=size) would draw
                    subset = rng.permutation(len(ref))[:size]
                    ref_sil[b, k - 1] = _silhouette(distances, km.labels_,
                                                    None if size == len(ref) else subset)
                else:
                    ref_sil[b, k - 1] = silhouette_score(ref, km.labels_, sample_size=size,
                                                         random_state=rng)
        # log(W_k / W_1): the share of the spread that k groups leave unexplained, which the
        # data must push below the references' (not the total spread, which they share)
        ref_log = ref_log - ref_log[:, :1]
        obs_log = np.log(np.array([inertia[k] for k in range(1, k_hi + 1)]) + 1e-300)
        obs_log = obs_log - obs_log[0]
        with np.errstate(all="ignore"):
            sil_null = np.array([np.nanquantile(ref_sil[:, j], _NULL_QUANTILE)
                                 if np.isfinite(ref_sil[:, j]).any() else np.nan
                                 for j in range(k_hi)])
        return {"gap": ref_log.mean(axis=0) - obs_log,
                "gap_se": ref_log.std(axis=0) * np.sqrt(1 + 1 / self.n_references),
                "silhouette_null": sil_null}

    @staticmethod
    def _order_by_size(labels: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        counts = np.bincount(labels, minlength=len(centres))
        # largest first; ties broken by the centre's coordinates so the order is reproducible
        order = sorted(range(len(centres)), key=lambda j: (-counts[j], tuple(centres[j])))
        remap = np.empty(len(centres), dtype=int)
        remap[order] = np.arange(len(centres))
        return remap[labels], centres[order]

    def _stability(self, S: np.ndarray, reference: np.ndarray, k: int,
                   rng: np.random.RandomState, progress: Progress) -> tuple[float, float]:
        scores = []
        with progress.task("检验稳定性", total=self.n_bootstrap) as task:
            for _ in range(self.n_bootstrap):
                task.step()
                idx = rng.randint(0, len(S), size=len(S))
                if len(np.unique(idx)) <= k:
                    continue
                km = self._kmeans(k, rng, n_init=max(1, min(self.n_init, 3))).fit(S[idx])
                scores.append(adjusted_rand_score(reference, km.predict(S)))
        if not scores:
            return float("nan"), float("nan")
        return float(np.mean(scores)), float(np.std(scores))

    def _verdict(self, k: int, silhouette: float) -> tuple[bool, list[str]]:
        """``structure_found_`` and ``reasons_``; sets ``summary_`` (plain Chinese, no numbers)."""
        general = len(self.pc_share_) < 2 or self.pc_share_[0] >= 2 * self.pc_share_[1]
        if k < 2:
            self.summary_ = TOO_FEW if len(self.k_scores_) < 2 else (NO_TYPES if general else NO_TYPES_DIFFUSE)
            return False, [self.summary_]
        row = self.k_scores_.loc[self.k_scores_["k"] == k]
        reasons: list[str] = []
        beats = bool(len(row) and row["beats_null"].iloc[0])
        if not beats:
            reference = float(row["silhouette_null"].iloc[0]) if len(row) else float("nan")
            reasons.append(f"分成{k}组的轮廓系数{silhouette:.2f}、间隔统计量"
                           f"{float(row['gap'].iloc[0]) if len(row) else float('nan'):.2f}，"
                           f"没有超过保留了各项之间相关、但没有类型的对照数据"
                           f"（轮廓系数第95百分位{reference:.2f}，间隔统计量须高于"
                           f"{NULL_MARGIN:g}倍标准误且不低于{MIN_GAP:g}）")
        if not (silhouette >= self.min_silhouette):
            reasons.append(f"分组之间界限不清（轮廓系数{silhouette:.2f}，低于{self.min_silhouette:.2f}）")
        if not (self.stability_ >= self.min_stability):
            reasons.append(f"换一批样本重新分组，结果就会变（稳定性{self.stability_:.2f}，低于"
                           f"{self.min_stability:.2f}）")
        if reasons:
            self.summary_ = UNCLEAR_TYPES if beats else (NO_TYPES if general else NO_TYPES_DIFFUSE)
            return False, [self.summary_, *reasons]
        self.summary_ = f"可分为{k}类，各类之间差别明显，换一批人重新分析，分法基本不变"
        verdict = (f"分为{k}类：轮廓系数{silhouette:.2f}（对照数据第95百分位"
                   f"{float(row['silhouette_null'].iloc[0]):.2f}），间隔统计量"
                   f"{float(row['gap'].iloc[0]):.2f}（标准误{float(row['gap_se'].iloc[0]):.2f}），"
                   f"稳定性{self.stability_:.2f}")
        return True, [verdict]

    def _appendix(self, k: int, silhouette: float, n: int) -> str:
        """The method and figures of the verdict in plain words (``appendix_``)."""

        def fmt(value: float) -> str:
            return f"{value:.2f}" if np.isfinite(value) else "—"

        method = ("客户经理类型的划分方法：把每位客户经理的问卷得分、时间使用和随访中观察到的拜访做法"
                  "放在一起（三类信息分量相同），用 k 均值聚类试分为不同的类数。只有同时满足三个条件，"
                  "才认为存在类型：一是各类之间的区分程度（轮廓系数，取值 −1 到 1，越大表示各类界限越清楚）"
                  f"至少 {self.min_silhouette:.2f}，并且高于没有类型的对照数据的第95百分位"
                  f"（对照数据共 {self.n_references} 组，与实际数据的平均水平和各项之间的相关相同、但不分类型）；"
                  "二是分成几类比不分类多解释的差异（间隔统计量，与对照数据相比）高于对照数据的"
                  f" {NULL_MARGIN:g} 倍标准误且不低于 {MIN_GAP:g}；三是换一批人重新分析"
                  f"（自助抽样 {self.n_bootstrap} 次）得到的分法与原分法基本一致"
                  f"（稳定性：调整兰德指数的平均值，1 表示完全一致）至少 {self.min_stability:.2f}。")
        row = self.k_scores_.loc[self.k_scores_["k"] == k] if k >= 2 else self.k_scores_.iloc[0:0]
        if not len(row):
            return f"{method}本次共 {n} 人，人数太少或各人差别太小，无法比较不同的分法，因此不划分类型。"
        figures = (f"本次共 {n} 人，分成 {k} 类时：轮廓系数 {fmt(silhouette)}"
                   f"（对照数据第95百分位 {fmt(float(row['silhouette_null'].iloc[0]))}），"
                   f"间隔统计量 {fmt(float(row['gap'].iloc[0]))}（标准误 {fmt(float(row['gap_se'].iloc[0]))}），"
                   f"稳定性 {fmt(self.stability_)}。")
        verdict = (f"三个条件都满足，因此把客户经理分为 {k} 类。" if self.structure_found_ else
                   "三个条件没有全部满足，因此不划分类型" +
                   (f"（按顾问指定的 {k} 类分组仅供参考）。" if self.n_clusters is not None else "。"))
        return method + figures + verdict

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

    def fit_predict(self, X: Any, y: None = None, *, progress: Progress | None = None, **kwargs: Any) -> np.ndarray:
        """Fit and return ``labels_`` (``progress`` as for :meth:`fit`)."""
        return self.fit(X, progress=progress).labels_


def _distances(S: np.ndarray) -> np.ndarray:
    """Euclidean distances between every two rows of ``S`` (square matrix)."""
    return squareform(pdist(S)) if len(S) > 1 else np.zeros((len(S), len(S)))


def _silhouette(distances: np.ndarray, labels: np.ndarray, people: np.ndarray | None = None) -> float:
    """Mean silhouette of ``labels`` from the square matrix of ``distances`` (as scikit-learn's).

    ``people``: score only these people, among themselves (scikit-learn's ``sample_size``), from
    the distances between everybody. NaN when there are fewer than two groups or more groups
    than people less one (scikit-learn raises then); a person alone in a group scores 0.
    """
    people = np.arange(len(labels)) if people is None else np.asarray(people)
    _, group = np.unique(np.asarray(labels)[people], return_inverse=True)
    n, k = len(group), int(group.max()) + 1 if len(group) else 0
    if k < 2 or k > n - 1:
        return float("nan")
    members = np.zeros((len(labels), k))
    members[people, group] = 1.0
    sums = (distances if n == len(labels) else distances[people]) @ members
    sizes = members.sum(axis=0)
    own = sizes[group]
    rows = np.arange(n)
    within = sums[rows, group] / np.maximum(own - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = sums / sizes
        between[rows, group] = np.inf
        nearest = between.min(axis=1)
        score = np.nan_to_num((nearest - within) / np.maximum(within, nearest))
    return float(np.where(own > 1, score, 0.0).mean())
