"""Distinctive keywords and themes of a region's interview notes, against the other regions.

Both use the weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008, "Fightin' words", *Political Analysis* 16(4), §3.5): for a word *w*, a group *i*
(a region) and the rest *j* (the other regions),

.. math::

    \\delta_w = \\log\\frac{y_{iw} + \\alpha_w}{n_i + \\alpha_0 - y_{iw} - \\alpha_w}
             - \\log\\frac{y_{jw} + \\alpha_w}{n_j + \\alpha_0 - y_{jw} - \\alpha_w},
    \\qquad
    \\sigma^2_w \\approx \\frac{1}{y_{iw} + \\alpha_w} + \\frac{1}{y_{jw} + \\alpha_w},
    \\qquad z_w = \\delta_w / \\sigma_w,

where *y* are counts, *n* the groups' total counts and the prior :math:`\\alpha_w =
\\alpha_0 \\cdot y_w / n` is proportional to the word's frequency in all the notes (by default
:math:`\\alpha_0 = n`, i.e. the pooled counts themselves). The prior shrinks rare words towards
"not distinctive", so a word said twice in one region does not top the list the way a raw ratio
would put it; ``z`` is the evidence that the region uses the word more (positive) or less
(negative) than the others.

* :func:`distinctive_keywords` counts content words (a ``words`` callable, by default
  :class:`casekit.analysis.tokenize.Tokenizer`) in the segments.
* :func:`themes` applies the same statistic to code counts (:func:`casekit.analysis.coding.codes_for`):
  the codes over-represented in a region.

Anonymity: a word (or code) is listed for a group only if it occurs in at least ``min_notes``
(≥ 2) different notes *and* interviewees of that group — never a word found in one note only,
which could point to the person who said it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.privacy import disclosure
from casekit.tables import OutputSchema, columns

__all__ = [
    "KEYWORD_SCHEMA",
    "MIN_NOTES",
    "THEME_SCHEMA",
    "distinctive_keywords",
    "distinctive_schema",
    "themes",
    "weighted_log_odds",
]

#: Fewest notes (and interviewees) of a group a listed word must occur in; the floor as well
#: (:data:`casekit.privacy.disclosure.MIN_NOTES`).
MIN_NOTES = disclosure.MIN_NOTES

Words = Callable[[str], Sequence[str]]

#: The statistics of a distinctive word or code (after the group and the word or code).
_STATS = (
    *columns("int", "count", "others_count", "n_notes", "n_interviewees", "others_notes"),
    *columns("float", "log_odds", "z"),
)


#: What a distinctive item is: the table's name, its producer, the item's columns.
_ITEMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "word": ("distinctive keywords", "distinctive_keywords", ("word",)),
    "code": ("themes", "themes", ("code", "label", "code_group")),
}


def distinctive_schema(by: str = "top_region_id", item: str = "word") -> OutputSchema:
    """The schema of :func:`distinctive_keywords` (``item="word"``) or :func:`themes` (``"code"``).

    Parameters
    ----------
    by : str, default ``"top_region_id"``
        The grouping column (text, first).
    item : {"word", "code"}, default ``"word"``
        What is distinctive.

    Returns
    -------
    OutputSchema
        ``by``, the item's columns (``word``; ``code``, ``label``, ``code_group``), then the counts
        and statistics.
    """
    name, producer, described = _ITEMS[item]
    return OutputSchema(name, f"casekit.analysis.keywords.{producer}", (*columns("str", by, *described), *_STATS),
                        consumers=(f"NotesAnalysis.{'keywords' if item == 'word' else 'themes'}",
                                   "reports.region_report", "cli keywords", "notebook 4.0"))


#: The table of :func:`distinctive_keywords` by top-level region (:func:`distinctive_schema` gives
#: the other groupings).
KEYWORD_SCHEMA = distinctive_schema()
#: The table of :func:`themes` by top-level region (:func:`distinctive_schema` gives the others).
THEME_SCHEMA = distinctive_schema(item="code")


def weighted_log_odds(counts: pd.DataFrame, prior_size: float | None = None) -> pd.DataFrame:
    """Weighted log-odds of every item in every group against all other groups.

    Parameters
    ----------
    counts : DataFrame
        Groups as rows, items (words, codes) as columns, non-negative counts.
    prior_size : float, optional
        :math:`\\alpha_0`, the total weight of the informative prior spread over the items in
        proportion to their pooled counts; default the pooled total (the prior is then the
        pooled counts themselves, as in Monroe et al.).

    Returns
    -------
    DataFrame
        One row per group × item with a positive pooled count: ``group``, ``item``, ``count``,
        ``others_count``, ``log_odds`` (δ) and ``z``.

    Raises
    ------
    AnalysisError
        If there are fewer than two groups or a count is negative.
    """
    if counts.shape[0] < 2:
        raise AnalysisError(tr(f"突出程度是一组与其他组相比：至少需要 2 个组，实际只有 {counts.shape[0]} 个",
                               f"the log-odds compare a group with the others: needs at least 2 groups, "
                               f"got {counts.shape[0]}"))
    y = counts.to_numpy(dtype=float)
    if (y < 0).any():
        raise AnalysisError(tr("次数不能是负数", "counts must be non-negative"))
    pooled = y.sum(axis=0)
    keep = pooled > 0
    y, pooled = y[:, keep], pooled[keep]
    items = counts.columns[keep]
    n_total = pooled.sum()
    if n_total == 0:
        return pd.DataFrame(columns=["group", "item", "count", "others_count", "log_odds", "z"])
    a0 = float(n_total if prior_size is None else prior_size)
    if a0 <= 0:
        raise AnalysisError(tr(f"prior_size 应为正数，实际为 {prior_size}", f"prior_size must be positive, got {prior_size}"))
    alpha = a0 * pooled / n_total
    n_i = y.sum(axis=1, keepdims=True)
    y_j = pooled[None, :] - y
    n_j = n_total - n_i
    delta = (np.log((y + alpha) / (n_i + a0 - y - alpha))
             - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
    z = delta / np.sqrt(1.0 / (y + alpha) + 1.0 / (y_j + alpha))
    g, w = np.meshgrid(np.arange(len(counts.index)), np.arange(len(items)), indexing="ij")
    return pd.DataFrame({
        "group": counts.index.to_numpy()[g.ravel()],
        "item": items.to_numpy()[w.ravel()],
        "count": y.ravel().astype(np.int64),
        "others_count": y_j.ravel().astype(np.int64),
        "log_odds": delta.ravel(),
        "z": z.ravel(),
    })


def _default_words() -> Words:
    from casekit.analysis.tokenize import Tokenizer

    return Tokenizer().words


def _check_min_notes(min_notes: int) -> None:
    if min_notes < MIN_NOTES:
        raise AnalysisError(tr(f"最少记录数应不小于 {MIN_NOTES}：只在一份记录中出现的词可能让人认出是谁说的"
                               f"（实际为 {min_notes}）",
                               f"min_notes must be at least {MIN_NOTES}: a word found in one note only could "
                               f"identify who said it (got {min_notes})"))


def _people(segments: pd.DataFrame) -> pd.Series:
    return (segments["interviewee"] if "interviewee" in segments.columns else segments["note_id"]).astype(str)


def distinctive_keywords(segments: pd.DataFrame, words: Words | None = None, by: str = "top_region_id", *,
                         min_count: int = 3, min_notes: int = MIN_NOTES, prior_size: float | None = None,
                         skip_kinds: Sequence[str] = ("question",), top: int | None = None) -> pd.DataFrame:
    """The words each group (region) uses distinctively more than the other groups.

    Parameters
    ----------
    segments : DataFrame
        Note segments: ``note_id``, ``text``, the ``by`` column; ``interviewee`` and ``kind``
        used when present.
    words : callable, optional
        ``str -> list of str``, the content words of a text; default
        ``Tokenizer().words`` (casekit's terms kept whole). Pass
        ``Tokenizer(user_dictionary(bundle)).words`` to keep the bundle's local product names
        whole too.
    by : str, default ``"top_region_id"``
        The grouping column (``region_id`` for cities, ``population`` …).
    min_count : int, default 3
        Fewest occurrences of the word in the group.
    min_notes : int, default :data:`MIN_NOTES`
        Fewest different notes, and interviewees, of the group the word occurs in (at least 2).
    prior_size : float, optional
        See :func:`weighted_log_odds`.
    skip_kinds : sequence of str, default ``("question",)``
        Segment kinds left out (the interviewer's questions are the consultant's words).
    top : int, optional
        Keep the ``top`` highest z per group.

    Returns
    -------
    DataFrame
        One row per group × word meeting the minimums: ``by`` column, ``word``, ``count``,
        ``others_count``, ``n_notes`` and ``n_interviewees`` (of the group with the word),
        ``others_notes``, ``log_odds``, ``z``. Sorted by group, then ``z`` descending, then word,
        so the same input always gives the same table.

    Raises
    ------
    AnalysisError
        If a column is missing, ``min_notes`` < 2 or there are fewer than two groups.
    """
    _check_min_notes(min_notes)
    missing = [c for c in ("note_id", "text", by) if c not in segments.columns]
    if missing:
        raise AnalysisError(tr(f"找突出关键词需要含有 {'、'.join(missing)} 列的段落表",
                               f"distinctive_keywords needs segments with the column(s) {', '.join(missing)}"))
    words = words or _default_words()
    seg = segments
    if "kind" in seg.columns and skip_kinds:
        seg = seg.loc[~seg["kind"].isin(list(skip_kinds))]
    seg = seg.loc[seg[by].notna()]
    people = _people(seg)
    tokens: list[tuple[object, str, str, str]] = []
    for group, note, person, text in zip(seg[by], seg["note_id"], people, seg["text"]):
        if isinstance(text, str) and text:
            tokens += [(group, note, person, w) for w in words(text)]
    table = pd.DataFrame(tokens, columns=["group", "note_id", "person", "word"])
    return _distinctive(table, "word", by, min_count, min_notes, prior_size, top,
                        groups=sorted(seg[by].unique().tolist(), key=str))


def _distinctive(table: pd.DataFrame, item: str, by: str, min_count: int, min_notes: int,
                 prior_size: float | None, top: int | None, groups: list[object]) -> pd.DataFrame:
    """Shared part of :func:`distinctive_keywords` and :func:`themes` on a long table of
    ``group``, ``note_id``, ``person``, ``item`` rows (one per occurrence)."""
    names = [by, item, *(c.name for c in _STATS)]
    if len(groups) < 2:
        raise AnalysisError(tr(("还没有访谈记录（notes/ 中没有笔记），找不出各组突出的词" if not groups else
                                f"要找出一组突出的词，须与其他组比较：至少需要 2 个有访谈记录的组，现在只有 {len(groups)} 个"),
                               f"distinctive words compare a {by} with the others: needs at least 2 groups, "
                               f"got {len(groups)}"))
    if table.empty:
        return pd.DataFrame(columns=names)
    counts = table.groupby(["group", item]).size().unstack(fill_value=0).reindex(groups, fill_value=0)
    counts = counts.reindex(sorted(counts.columns, key=str), axis=1)
    stats = weighted_log_odds(counts, prior_size).rename(columns={"group": by, "item": item})
    spread = table.groupby(["group", item]).agg(n_notes=("note_id", "nunique"),
                                                n_interviewees=("person", "nunique")).reset_index()
    spread = spread.rename(columns={"group": by})
    total_notes = table.groupby(item)["note_id"].nunique().rename("_all_notes").reset_index()
    out = stats.merge(spread, on=[by, item], how="left").merge(total_notes, on=item, how="left")
    out[["n_notes", "n_interviewees"]] = out[["n_notes", "n_interviewees"]].fillna(0).astype(np.int64)
    # notes of the other groups with the word (a note belongs to one group)
    out["others_notes"] = (out["_all_notes"] - out["n_notes"]).astype(np.int64)
    ok = (out["count"] >= min_count) & (out["n_notes"] >= min_notes) & (out["n_interviewees"] >= min_notes)
    out = out.loc[ok, names]
    out["_g"] = out[by].map({g: i for i, g in enumerate(groups)})
    out = out.sort_values(["_g", "z", item], ascending=[True, False, True], kind="mergesort")
    if top is not None:
        out = out.groupby("_g", sort=False).head(top)
    return out.drop(columns="_g").reset_index(drop=True)


def themes(coded: pd.DataFrame, segments: pd.DataFrame, by: str = "top_region_id", *, frame=None,
           unit: str = "note", min_count: int = 2, min_notes: int = MIN_NOTES,
           prior_size: float | None = None, top: int | None = None) -> pd.DataFrame:
    """The codes over-represented in each group (region) against the other groups.

    Parameters
    ----------
    coded : DataFrame
        Segment codes (:func:`casekit.analysis.coding.codes_for`): ``segment_id``, ``code``
        (``label``, ``code_group`` used when present).
    segments : DataFrame
        The segments coded: ``segment_id``, ``note_id``, the ``by`` column, ``interviewee``.
    by : str, default ``"top_region_id"``
        The grouping column.
    frame : CodeFrame, optional
        Gives the labels and groups of the codes (else ``coded``'s ``label``/``code_group``).
    unit : {"note", "segment"}, default ``"note"``
        What is counted: notes with the code (a long note about prices counts once) or segments.
    min_count : int, default 2
        Fewest units of the group with the code.
    min_notes : int, default :data:`MIN_NOTES`
        Fewest notes, and interviewees, of the group with the code (at least 2).
    prior_size : float, optional
        See :func:`weighted_log_odds`.
    top : int, optional
        Keep the ``top`` highest z per group.

    Returns
    -------
    DataFrame
        ``by`` column, ``code``, ``label`` (Chinese), ``code_group``, ``count``,
        ``others_count``, ``n_notes``, ``n_interviewees``, ``others_notes``, ``log_odds``, ``z``;
        sorted by group, ``z`` descending, then code.
    """
    _check_min_notes(min_notes)
    if unit not in ("note", "segment"):
        raise AnalysisError(tr(f"unit 应为 'note' 或 'segment'，实际为 {unit!r}", f"unit must be 'note' or 'segment', got {unit!r}"))
    missing = [c for c in ("segment_id", "note_id", by) if c not in segments.columns]
    if missing:
        raise AnalysisError(tr(f"统计主题需要含有 {'、'.join(missing)} 列的段落表",
                               f"themes needs segments with the column(s) {', '.join(missing)}"))
    seg = segments.loc[segments[by].notna(), ["segment_id", "note_id", by]].assign(person=_people(segments))
    hits = coded[["segment_id", "code"]].drop_duplicates().merge(seg, on="segment_id", how="inner")
    if unit == "note":
        hits = hits.drop_duplicates(["note_id", "code"])
    table = hits.rename(columns={by: "group"})[["group", "note_id", "person", "code"]]
    out = _distinctive(table, "code", by, min_count, min_notes, prior_size, top,
                       groups=sorted(seg[by].unique().tolist(), key=str))
    if frame is not None:
        labels = {c.id: c.label for c in frame.codes}
        groups = {c.id: c.group for c in frame.codes}
    else:
        labels = dict(zip(coded["code"], coded["label"])) if "label" in coded.columns else {}
        groups = dict(zip(coded["code"], coded["code_group"])) if "code_group" in coded.columns else {}
    out.insert(2, "label", [labels.get(c, c) for c in out["code"]])
    out.insert(3, "code_group", [groups.get(c, "") for c in out["code"]])
    return out
