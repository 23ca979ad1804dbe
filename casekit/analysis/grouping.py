"""Grouping helpers shared by the survey statistics (:mod:`~casekit.analysis.psychometrics`,
:mod:`~casekit.analysis.group_tests`): a grouping aligned on the respondents, and its groups in order.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

from casekit.analysis.checks import preview, preview_zh
from casekit.exceptions import AnalysisError
from casekit.language import tr

__all__ = ["align_groups", "group_order"]


def align_groups(groups: object, index: pd.Index, what: str) -> pd.Series:
    """Return ``groups`` reindexed on ``index`` (the rows of ``what``), or raise.

    Parameters
    ----------
    groups : pandas.Series
        One group label per respondent.
    index : pandas.Index
        The respondents of the table the groups belong to.
    what : str
        That table's name in error messages (``"items"``, ``"answers"``).

    Returns
    -------
    pandas.Series

    Raises
    ------
    AnalysisError
        ``groups`` is not a Series, has a duplicated index, or does not have the same labels as
        ``index`` (the message names the missing and the extra labels).
    """
    if not isinstance(groups, pd.Series):
        raise AnalysisError(tr(
            f"分组应为与 {what} 同样索引的 pandas Series，实际为 {type(groups).__name__}",
            f"groups must be a pandas Series indexed like {what}, got {type(groups).__name__}"
        ))
    if groups.index.has_duplicates:
        raise AnalysisError(tr(
            "分组的行索引有重复；每一行应是一位答卷人",
            "groups has a duplicated index; each row must be one respondent"
        ))
    extra = groups.index.difference(index)
    lacking = index.difference(groups.index)
    if len(extra) or len(lacking):
        parts, parts_zh = [], []
        if len(lacking):
            parts.append(
                f"lacks {len(lacking)} of {what}'s labels ({preview(lacking.tolist())})"
            )
            parts_zh.append(f"缺少 {what} 中的 {len(lacking)} 个编号（{preview_zh(lacking.tolist())}）")
        if len(extra):
            parts.append(
                f"has {len(extra)} labels not in {what} ({preview(extra.tolist())})"
            )
            parts_zh.append(f"多出 {len(extra)} 个 {what} 中没有的编号（{preview_zh(extra.tolist())}）")
        raise AnalysisError(tr(
            f"分组应与 {what} 有相同的索引，但它{'，并且'.join(parts_zh)}",
            f"groups must have the same index as {what}, but it {' and '.join(parts)}"
        ))
    return groups.reindex(index)


def group_order(groups: pd.Series) -> list[Hashable]:
    """Return the distinct non-missing groups: category order for a categorical, else sorted.

    Parameters
    ----------
    groups : pandas.Series

    Returns
    -------
    list
    """
    present = groups.dropna()
    if isinstance(groups.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return [c for c in groups.cat.categories if c in seen]
    distinct = list(pd.unique(present))
    try:
        return sorted(distinct)
    except TypeError:
        return sorted(distinct, key=str)
