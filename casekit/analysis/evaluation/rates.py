"""Per-person behaviour rates from ride-along visits, paired across the baseline and a wave.

The level-3 measures are what an observer saw, not what the trainee says: for each account
manager and behaviour, the share of his or her observed visits on which the behaviour was
recorded. :func:`paired_behaviour_rates` puts the baseline's and a wave's rates side by side in
the long table :func:`~casekit.analysis.evaluation.paired_change`,
:func:`~casekit.analysis.evaluation.difference_in_differences` and
:func:`~casekit.analysis.evaluation.behaviour_change_score` take (``person_id``, ``measure``,
``before``, ``after``). A visit recorded by two observers counts once, as the first observer (in
code order) recorded it; the second record serves the agreement only
(:func:`~casekit.analysis.evaluation.observer_agreement`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from casekit.analysis.evaluation.agreement import behaviour_sets
from casekit.analysis.evaluation.inputs import check_table
from casekit.domain import BEHAVIOURS

__all__ = ["behaviour_rates", "paired_behaviour_rates"]


def behaviour_rates(visits: pd.DataFrame, behaviours: Sequence[str] = tuple(BEHAVIOURS)) -> pd.DataFrame:
    """Each account manager's rate of each behaviour on his or her observed visits.

    Parameters
    ----------
    visits : pandas.DataFrame
        Ride-alongs: ``visit_id``, ``account_manager``, ``behaviours`` (list/tuple of ids or ids
        joined by ``;``), optionally ``observer``.
    behaviours : sequence of str, default every behaviour of the domain
        The behaviours to rate.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``measure`` (the behaviour), ``rate`` (0–1), ``n_visits``; people sorted
        by id, behaviours in the given order.
    """
    visits = check_table(visits, "visits", ["visit_id", "account_manager", "behaviours"])
    data = visits.reset_index(drop=True)  # tables put together may repeat row labels
    if "observer" in data.columns:
        data = data.sort_values(["visit_id", "observer"], kind="mergesort", na_position="last",
                                key=lambda column: column.astype(str) if column.name == "observer" else column)
    data = data.drop_duplicates("visit_id", keep="first")
    data = data[data["account_manager"].notna()]
    seen = data["behaviours"].map(behaviour_sets)
    rows = []
    for person, index in data.groupby(data["account_manager"].astype(str), sort=True).groups.items():
        sets = seen.loc[index]
        n = len(sets)
        for behaviour in behaviours:
            rows.append({"person_id": person, "measure": behaviour,
                         "rate": sum(behaviour in s for s in sets) / n, "n_visits": n})
    out = pd.DataFrame(rows, columns=["person_id", "measure", "rate", "n_visits"])
    return out.astype({"rate": "float64", "n_visits": "int64"})


def paired_behaviour_rates(baseline: pd.DataFrame, wave: pd.DataFrame,
                           behaviours: Sequence[str] = tuple(BEHAVIOURS)) -> pd.DataFrame:
    """The baseline's and a wave's behaviour rates side by side, one row per person × behaviour.

    Parameters
    ----------
    baseline, wave : pandas.DataFrame
        Ride-along tables (see :func:`behaviour_rates`).
    behaviours : sequence of str, default every behaviour of the domain

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``measure``, ``before``, ``after`` (NaN: not observed in the wave, i.e.
        missing at follow-up), ``visits_before``, ``visits_after`` (0 when not observed), for
        every person observed at baseline. People observed only in the wave are left out.
    """
    before = behaviour_rates(baseline, behaviours).rename(columns={"rate": "before", "n_visits": "visits_before"})
    after = behaviour_rates(wave, behaviours).rename(columns={"rate": "after", "n_visits": "visits_after"})
    out = before.merge(after, on=["person_id", "measure"], how="left")
    out["visits_after"] = out["visits_after"].fillna(0).astype("int64")
    return out[["person_id", "measure", "before", "after", "visits_before", "visits_after"]]
