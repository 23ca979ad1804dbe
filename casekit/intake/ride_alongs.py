"""``ride_alongs.csv``: one row per observed customer visit (工作随访)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.intake._files import read_table, short_list
from casekit.intake.catalogue import local_names
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import (
    RIDE_ALONGS,
    cell_problems,
    coerce,
    split_cell,
    vocab_map,
)

__all__ = ["RIDE_ALONGS_FILE", "read_ride_alongs"]

RIDE_ALONGS_FILE = "ride_alongs.csv"


def _funnel_map() -> dict[str, str]:
    stages = list(domain.FUNNEL_STAGES)
    table = vocab_map(domain.FUNNEL_STAGES)
    table.update({str(i): s for i, s in enumerate(stages, start=1)})
    return table


def read_ride_alongs(root: Path, manifest: Manifest | None, account_managers: set[str] | None,
                     catalogue: pd.DataFrame | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check ``ride_alongs.csv``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names.
    account_managers : set of str or None
        Respondent ids of the survey's account managers; None skips that check (survey unreadable).
    catalogue : DataFrame or None
        Regional catalogues, to resolve local product names.

    Returns
    -------
    ride_alongs : DataFrame
        Columns of ``casekit.intake.schemas.RIDE_ALONGS``, sorted by ``visit_id``.
    problems : list of Problem
    """
    rel = RIDE_ALONGS_FILE
    frame, problems = read_table(root / rel, rel)
    if frame is None:
        return RIDE_ALONGS.empty(), problems
    out, more = coerce(frame, RIDE_ALONGS, manifest)
    problems += more

    # funnel stage: id, label, alias or step 1–8
    if "funnel_stage" in frame.columns:
        s = frame["funnel_stage"]
        stage = s.map(_funnel_map())
        problems += cell_problems(frame, (s != "") & stage.isna(), "funnel_stage",
                                  "a funnel stage 1–8 (" + short_list([t.label for t in domain.FUNNEL_STAGES.values()], 8)
                                  + ", or its English id)")
        out["funnel_stage"] = stage
        out["funnel_step"] = stage.map({s: i for i, s in enumerate(domain.FUNNEL_STAGES, start=1)})

    # account manager: must be an account-manager respondent of the survey
    if account_managers is not None and "account_manager" in frame.columns:
        s = frame["account_manager"]
        problems += cell_problems(frame, (s != "") & ~s.isin(account_managers), "account_manager",
                                  "the respondent id of an account manager in the survey")

    # products: local names (the row's region's catalogue first) or canonical products
    if "products" in frame.columns:
        out["products_local"], out["products"], more = _products(frame, out, catalogue)
        problems += more
    return RIDE_ALONGS.finalize(out), problems


def _products(frame: pd.DataFrame, out: pd.DataFrame, catalogue: pd.DataFrame | None
              ) -> tuple[pd.Series, pd.Series, list[Problem]]:
    texts = frame["products"].fillna("").astype(str).tolist()
    names = local_names(catalogue) if catalogue is not None and len(catalogue) else {}
    anywhere: dict[str, set[str]] = {}
    for table in names.values():
        for name, canonical_id in table.items():
            anywhere.setdefault(name, set()).add(canonical_id)
    canonical = vocab_map(domain.PRODUCTS)
    tops = out["top_region_id"].tolist()
    # cells repeat a lot (a few products per region): each distinct (cell, region) is resolved once
    done: dict[tuple[str, object], tuple[tuple[str, ...], tuple[str, ...], str | None]] = {}
    local, resolved, bad_rows, bad_found = [], [], [], []
    for i, (text, top) in enumerate(zip(texts, tops)):
        key = (text, top if isinstance(top, str) else None)
        hit = done.get(key)
        if hit is None:
            items = split_cell(text)
            region = names.get(top, {}) if isinstance(top, str) else {}
            ids: list[str] = []
            bad: list[str] = []
            for name in items:
                prod: str | None = region.get(name) or canonical.get(name)
                if prod is None and len(anywhere.get(name, ())) == 1:
                    prod = next(iter(anywhere[name]))
                if prod is None:
                    bad.append(name)
                else:
                    ids.append(prod)
            hit = done[key] = (tuple(items), tuple(dict.fromkeys(ids)), "；".join(bad) if bad else None)
        local.append(hit[0])
        resolved.append(hit[1])
        if hit[2] is not None:
            bad_rows.append(i)
            bad_found.append(hit[2])
    mask = pd.Series(False, index=frame.index)
    found = pd.Series(np.nan, index=frame.index, dtype=object)
    if bad_rows:
        mask.iloc[bad_rows] = True
        found.iloc[bad_rows] = bad_found
    problems = cell_problems(frame, mask, "products",
                             "products named in the region's catalogue/<region_id>.csv or canonical products ("
                             + short_list([t.label for t in domain.PRODUCTS.values()], 10) + ")", found=found)
    return (pd.Series(local, index=frame.index, dtype=object),
            pd.Series(resolved, index=frame.index, dtype=object), problems)
