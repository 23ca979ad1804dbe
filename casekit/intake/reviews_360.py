"""``reviews_360.csv``: 360° reviews of sales managers, one row per rater × item."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casekit.exceptions import Problem
from casekit.intake._files import read_table, short_list
from casekit.intake.codebook import CODEBOOK_FILE, Codebook
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import REVIEWS_360, cell_problems, coerce
from casekit.language import tr

__all__ = ["REVIEWS_360_FILE", "read_reviews_360"]

REVIEWS_360_FILE = "reviews_360.csv"


def read_reviews_360(root: Path, manifest: Manifest | None, codebook: Codebook | None
                     ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check ``reviews_360.csv``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names.
    codebook : Codebook or None
        Holds the review items and scale; without it items and scores are not checked.

    Returns
    -------
    reviews : DataFrame
        Columns of ``casekit.intake.schemas.REVIEWS_360``.
    problems : list of Problem
    """
    rel = REVIEWS_360_FILE
    frame, problems = read_table(root / rel, rel)
    if frame is None:
        return REVIEWS_360.empty(), problems
    out, more = coerce(frame, REVIEWS_360, manifest)
    problems += more
    if codebook is not None and "item_id" in frame.columns:
        items = codebook.review_items
        dims = dict(zip(items["item_id"], items["dimension"]))
        s = frame["item_id"]
        problems += cell_problems(frame, (s != "") & ~s.isin(dims), "item_id",
                                  tr(f"{CODEBOOK_FILE} → reviews_360.items 中的题目编号（{short_list(dims, 5)}）",
                                     f"an item id of {CODEBOOK_FILE} → reviews_360.items ({short_list(dims, 5)})"))
        out["dimension"] = s.map(dims)
    if codebook is not None and codebook.review_scale and "score" in frame.columns:
        scale = codebook.scales[codebook.review_scale]
        s = frame["score"]
        numeric = pd.to_numeric(s, errors="coerce")
        score = s.map(dict(scale.labels)).fillna(numeric.where(numeric.isin(scale.values))).astype(float)
        problems += cell_problems(frame, (s != "") & score.isna(), "score",
                                  tr(f"量表 {codebook.review_scale} 上的分数（{scale.describe()}）",
                                     f"a score on scale {codebook.review_scale} ({scale.describe()})"))
        out["score"] = score
    # the same rater scoring the same item of the same manager twice
    key = [c for c in ("manager_id", "rater_token", "item_id") if c in frame.columns]
    if len(key) == 3:
        dup = frame.duplicated(key, keep="first") & (frame["rater_token"] != "")
        problems += cell_problems(frame, dup, "rater_token",
                                  tr("每位管理人员 × 评价人 × 题目一行（这位评价人已给这道题打过分）",
                                     "one row per manager × rater × item (this rater already scored this item)"))
        groups = frame.loc[frame["rater_token"] != ""].groupby(["manager_id", "rater_token"])["rater_group"]
        mixed = groups.transform("nunique").reindex(frame.index, fill_value=1) > 1
        problems += cell_problems(frame, mixed, "rater_group",
                                  tr("同一位管理人员的评估中，同一评价人代号的每一行评价者类别相同",
                                     "the same rater group on every row of a rater token within a manager's review"))
    return REVIEWS_360.finalize(out), problems
