"""Features of account managers: one row per person, for segmentation and performance linkage.

Three blocks of features, each optional except the survey:

``survey``
    The person's score on each research dimension of the population (mean of answered items).
``time``
    Time use: self-reported customer visits per week and share of working time visiting
    customers (background questions with ``role: weekly_visits`` / ``role: visit_time_share``
    in the codebook), and, from the ride-alongs, minutes on site per visit and the share of
    field time spent travelling.
``ride``
    What the observer saw on the person's visits: share of talking time spent asking questions,
    the furthest funnel step reached (mean over visits) and, for every behaviour observed at
    least once in the bundle, the share of the person's visits where it was seen.

People who were never accompanied have no ``ride`` features (and no ride-along time features):
those cells are missing, not zero. The segmenter fills them from similar people
(:class:`casekit.analysis.segmentation.Segmenter`); the linkage uses whoever has the value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.analysis.scores import respondent_scores
from casekit.domain import BEHAVIOURS, DIMENSIONS, POPULATION_DIMENSIONS

__all__ = ["FEATURE_BLOCKS", "FeatureTable", "account_manager_features", "feature_label"]

#: Feature blocks in the order they appear in a :class:`FeatureTable`.
FEATURE_BLOCKS: tuple[str, ...] = ("survey", "time", "ride")

_FIXED_LABELS: dict[str, str] = {
    "weekly_visits": "每周拜访次数",
    "visit_time_share": "拜访客户时间占比",
    "minutes_on_site": "每次拜访现场时长",
    "travel_share": "路途时间占外出时间比例",
    "question_share": "提问占说话时间比例",
    "funnel_step": "拜访推进到的漏斗阶段",
}


def feature_label(feature: str) -> str:
    """Return the Chinese label of a feature id (``rate_price_first`` → ``以价格优惠开场的拜访比例``).

    Parameters
    ----------
    feature : str
        A column of :attr:`FeatureTable.X`.

    Returns
    -------
    str
        The label shown to consultants and clients; the id itself when unknown.
    """
    if feature in DIMENSIONS:
        return f"{DIMENSIONS[feature].label}能力自评"
    if feature.startswith("rate_") and feature[5:] in BEHAVIOURS:
        return f"“{BEHAVIOURS[feature[5:]].label}”的拜访比例"
    return _FIXED_LABELS.get(feature, feature)


@dataclass(frozen=True)
class FeatureTable:
    """Person × feature table with its blocks.

    Attributes
    ----------
    X : DataFrame
        One row per account manager (index ``respondent_id``, sorted), one float column per
        feature; missing where not observed.
    blocks : dict of str to tuple of str
        Block name (``survey`` / ``time`` / ``ride``) → its feature columns (empty blocks
        are left out).
    people : DataFrame
        Index ``respondent_id``: ``region_id``, ``top_region_id``, ``n_visits`` (ride-alongs
        observed) and, when the codebook names it, ``performance``.
    """

    X: pd.DataFrame
    blocks: dict[str, tuple[str, ...]]
    people: pd.DataFrame

    def labels(self) -> dict[str, str]:
        """Return feature id → Chinese label for every column of ``X``."""
        return {c: feature_label(c) for c in self.X.columns}


def account_manager_features(bundle: object, population: str = "account_manager") -> FeatureTable:
    """Build the feature table of one population (account managers by default) of a bundle.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (:func:`casekit.intake.load_bundle`).
    population : str
        Population id; ride-along features exist only for account managers (the observed
        population), time-use questions for whoever answered them.

    Returns
    -------
    FeatureTable
    """
    respondents = bundle.respondents  # type: ignore[attr-defined]
    people = respondents.loc[respondents["population"] == population,
                             ["respondent_id", "region_id", "top_region_id"]]
    people = people.set_index("respondent_id").sort_index()
    ids = people.index

    scores = respondent_scores(bundle)
    scores = scores[scores["population"] == population]
    dims = [d for d in POPULATION_DIMENSIONS.get(population, ()) if d in set(scores["dimension"])]
    survey = (scores.pivot(index="respondent_id", columns="dimension", values="score")
              .reindex(index=ids, columns=dims).astype(float))

    codebook = bundle.codebook  # type: ignore[attr-defined]
    bg = respondents.set_index("respondent_id").reindex(ids)
    time = pd.DataFrame(index=ids)
    for role in ("weekly_visits", "visit_time_share"):
        col = codebook.role_column(role)
        if col is not None and bg[col].notna().any():
            time[role] = pd.to_numeric(bg[col], errors="coerce").astype(float)
    perf_col = codebook.role_column("performance")
    if perf_col is not None:
        people["performance"] = pd.to_numeric(bg[perf_col], errors="coerce").astype(float)

    visits = bundle.ride_alongs  # type: ignore[attr-defined]
    visits = visits[visits["account_manager"].isin(ids)]
    people["n_visits"] = visits.groupby("account_manager").size().reindex(ids).fillna(0).astype(int)
    ride = pd.DataFrame(index=ids)
    if len(visits):
        by = visits.groupby("account_manager")
        on_site = visits["minutes_on_site"].astype(float)
        travel = visits["minutes_travel"].astype(float)
        field = (on_site + travel).groupby(visits["account_manager"]).sum()
        time["minutes_on_site"] = by["minutes_on_site"].mean().astype(float).reindex(ids)
        share = travel.groupby(visits["account_manager"]).sum() / field.replace(0, np.nan)
        time["travel_share"] = share.reindex(ids)
        ride["question_share"] = by["question_share"].mean().astype(float).reindex(ids)
        ride["funnel_step"] = by["funnel_step"].mean().astype(float).reindex(ids)
        seen = visits[["account_manager", "behaviours"]].explode("behaviours").dropna()
        n_visits = by.size()
        if len(seen):
            counts = pd.crosstab(seen["account_manager"], seen["behaviours"])
            for b in [b for b in BEHAVIOURS if b in counts.columns]:
                rate = counts[b].reindex(n_visits.index).fillna(0) / n_visits
                ride[f"rate_{b}"] = rate.astype(float).reindex(ids)

    blocks = {name: tuple(frame.columns) for name, frame in
              (("survey", survey), ("time", time), ("ride", ride)) if len(frame.columns)}
    X = pd.concat([survey, time, ride], axis=1)
    X.index.name = "respondent_id"
    return FeatureTable(X=X, blocks=blocks, people=people)
