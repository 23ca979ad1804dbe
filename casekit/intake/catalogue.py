"""``catalogue/<region_id>.csv``: each top-level region's local product catalogue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casekit.exceptions import Problem
from casekit.intake._files import listed_files, read_table, short_list
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import CATALOGUE, coerce

__all__ = ["CATALOGUE_DIR", "read_catalogue"]

CATALOGUE_DIR = "catalogue"


def read_catalogue(root: Path, manifest: Manifest | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check every regional catalogue in ``catalogue/``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Names the top-level regions a catalogue may belong to.

    Returns
    -------
    catalogue : DataFrame
        Columns of ``casekit.intake.schemas.CATALOGUE``, sorted by region and local name.
    problems : list of Problem
    """
    folder = root / CATALOGUE_DIR
    if not folder.is_dir():
        return CATALOGUE.empty(), [Problem(f"{CATALOGUE_DIR}/", None, None,
                                           "a catalogue/ folder with one <region_id>.csv per region",
                                           "no catalogue/ folder")]
    problems: list[Problem] = []
    tops = manifest.top_level_ids() if manifest is not None else None
    parts = []
    for path in listed_files(folder):
        rel = f"{CATALOGUE_DIR}/{path.name}"
        if path.suffix.lower() != ".csv":
            problems.append(Problem(rel, None, None, "a catalogue <region_id>.csv", path.name))
            continue
        if manifest is not None and tops is not None and path.stem not in tops:
            city = manifest.resolve(path.stem)
            hint = f" ({path.stem} is a city of {manifest.top_of(city)})" if city and city not in tops else ""
            problems.append(Problem(rel, None, None,
                                    "a file named after a top-level region id "
                                    f"({short_list([f'{t}.csv' for t in tops], 8)}){hint}",
                                    path.name))
        frame, more = read_table(path, rel)
        problems += more
        if frame is None:
            continue
        out, more = coerce(frame, CATALOGUE, manifest)
        problems += more
        out["region_id"] = path.stem
        parts.append(out)
    if not parts:
        return CATALOGUE.empty(), problems
    return CATALOGUE.finalize(pd.concat(parts, ignore_index=True)), problems


def local_names(catalogue: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Return ``top-level region id → {local name → canonical product id}``."""
    out: dict[str, dict[str, str]] = {}
    for rid, name, prod in zip(catalogue["region_id"], catalogue["local_name"], catalogue["canonical_product"]):
        if isinstance(prod, str):
            out.setdefault(rid, {})[name] = prod
    return out
