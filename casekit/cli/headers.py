"""Chinese headers and readable numbers for every table the command line prints or writes as CSV.

One mapping, :data:`HEADERS`, gives each column of casekit's output tables (the names declared in
the :class:`~casekit.tables.OutputSchema` s) a Chinese header and a kind that says how its values
are shown. :func:`readable` applies it; :func:`casekit.cli.common.show` and
:func:`casekit.cli.common.write_csv` call it, so every command prints and writes the same way:

* **headers** in Chinese; a stable id keeps its own column next to its label (``维度编号``
  ``product`` beside ``维度`` 产品), so a consultant can still filter and join on it;
* **numbers** rounded for reading: two decimals (means, gaps, intervals, correlations, minutes,
  hours), **shares as percentages** with one decimal and ``（%）`` in the header (0.571 →
  57.1), p values three decimals; counts stay whole numbers;
* **yes/no** columns as 是/否, lists as 、-separated text;
* under Chinese (:mod:`casekit.language`), the **ids of a few values** in words
  (:func:`shown_values`): the test of ``casekit survey --by`` (``ANOVA`` → 方差分析,
  ``Kruskal-Wallis`` → 秩和检验) and its effect (``eta²`` → η²), and a bundle codebook's scale
  names (``product（account_manager）`` → 产品（政企客户经理）). ``CASEKIT_LANG=en`` shows the ids.

The analysis functions and their schemas keep their English column names: notebooks, the reports
and ``casekit findings --json`` (machine-readable, stable keys) rely on them. Only what the CLI
shows a consultant is translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from casekit.language import language

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["HEADERS", "KINDS", "SHARE_INTERVAL", "readable", "shown_values"]

#: How a column's values are shown: ``text`` and ``id`` as they are; ``count`` whole numbers;
#: ``number`` two decimals; ``share`` a fraction shown as a percentage (one decimal); ``p`` three
#: decimals; ``flag`` 是/否.
KINDS: tuple[str, ...] = ("text", "id", "count", "number", "share", "p", "flag")

_ID, _TEXT, _COUNT, _NUMBER, _SHARE, _P, _FLAG = KINDS[1], KINDS[0], KINDS[2], KINDS[3], KINDS[4], KINDS[5], KINDS[6]

#: Column name → (Chinese header, kind). One entry per name, whatever table it is in.
HEADERS: Mapping[str, tuple[str, str]] = MappingProxyType({
    # who and where
    "respondent_id": ("受访者编号", _ID),
    "manager_id": ("销售管理人员编号", _ID),
    "interviewee": ("受访者", _ID),
    "region": ("地区编号", _ID),
    "region_id": ("所在地区编号", _ID),
    "top_region_id": ("地区编号", _ID),
    "region_name": ("地区", _TEXT),
    "group": ("分组编号", _ID),
    "group_id": ("分组编号", _ID),
    "group_name": ("分组", _TEXT),
    "population": ("岗位编号", _ID),
    "population_label": ("岗位", _TEXT),
    "populations": ("适用岗位", _TEXT),
    # dimensions and scores
    "dimension": ("维度编号", _ID),
    "dimension_label": ("维度", _TEXT),
    "scale": ("量表", _TEXT),
    "n_items": ("题目数", _COUNT),
    "n": ("人数", _COUNT),
    "mean": ("均分", _NUMBER),
    "sd": ("标准差", _NUMBER),
    "alpha": ("信度系数", _NUMBER),
    "required": ("目标水平", _NUMBER),
    "gap": ("差距", _NUMBER),
    "ci_low": ("区间下限", _NUMBER),
    "ci_high": ("区间上限", _NUMBER),
    "share_below": ("低于目标的比例（%）", _SHARE),
    "suppressed": ("人数不足不显示", _FLAG),
    "hidden": ("人数不足不显示", _FLAG),
    "note": ("说明", _TEXT),
    "sentence": ("结论", _TEXT),
    # findings
    "id": ("编号", _ID),
    "kind": ("类型编号", _ID),
    "kind_label": ("类型", _TEXT),
    "estimate": ("差值", _NUMBER),
    "reference_n": ("对照人数", _COUNT),
    "reference": ("对照均分", _NUMBER),
    "effect_size": ("效应大小", _NUMBER),
    "p_value": ("p值", _P),
    "p_adjusted": ("校正后p值", _P),
    "rank": ("排名", _NUMBER),
    "claimed": ("结论成立", _FLAG),
    "direction": ("方向编号", _ID),
    "interval_level": ("区间置信水平（%）", _SHARE),
    # survey statistics
    "test": ("检验方法", _TEXT),
    "statistic": ("统计量", _NUMBER),
    "df": ("自由度", _TEXT),
    "p": ("p值", _P),
    "q": ("校正后p值", _P),
    "effect": ("效应指标", _TEXT),
    "groups": ("组数", _COUNT),
    "question": ("题目", _TEXT),
    "chi2": ("卡方", _NUMBER),
    "cramers_v": ("关联强度系数", _NUMBER),
    "low_expected": ("期望频数偏低", _FLAG),
    # linkage
    "feature": ("指标编号", _ID),
    "label": ("名称", _TEXT),
    "block": ("指标类别编号", _ID),
    "rho": ("等级相关", _NUMBER),
    "strength": ("关联强度", _TEXT),
    "behaviour": ("做法编号", _ID),
    "behaviour_label": ("做法", _TEXT),
    "n_with": ("有该做法的拜访数", _COUNT),
    "success_with": ("有该做法且推进的拜访数", _COUNT),
    "share_with": ("有该做法时推进的比例（%）", _SHARE),
    "n_without": ("无该做法的拜访数", _COUNT),
    "success_without": ("无该做法且推进的拜访数", _COUNT),
    "share_without": ("无该做法时推进的比例（%）", _SHARE),
    "diff": ("差值", _NUMBER),
    # ride-alongs
    "n_people": ("随访的客户经理（人）", _COUNT),
    "n_visits": ("随访的拜访（次）", _COUNT),
    "minutes_on_site": ("每次在客户处（分钟）", _NUMBER),
    "minutes_travel": ("每次在路上（分钟）", _NUMBER),
    "on_site_share": ("在客户处占外出时间（%）", _SHARE),
    "n_estimated": ("可估算每周时间的人数", _COUNT),
    "weekly_visits": ("自报每周拜访次数", _NUMBER),
    "hours_on_site": ("估算每周在客户处（小时）", _NUMBER),
    "hours_travel": ("估算每周在路上（小时）", _NUMBER),
    "hours_office": ("估算每周在办公室及其他（小时）", _NUMBER),
    "week_hours": ("每周工作时间（小时）", _NUMBER),
    "n_capped": ("外出时间按满周计的人数", _COUNT),
    "share_on_site": ("在客户处占工作时间（%）", _SHARE),
    "share_travel": ("在路上占工作时间（%）", _SHARE),
    "share_office": ("在办公室及其他占工作时间（%）", _SHARE),
    "n_reported": ("自报时间占比的人数", _COUNT),
    "visit_share_reported": ("自报拜访客户时间占比（%）", _SHARE),
    "visit_share_observed": ("随访估算拜访客户时间占比（%）", _SHARE),
    "visit_share_gap": ("自报减估算（百分点）", _SHARE),
    "stage": ("销售阶段编号", _ID),
    "step": ("销售阶段序号", _COUNT),
    "stage_label": ("销售阶段", _TEXT),
    "count": ("次数", _COUNT),
    "share": ("占比（%）", _SHARE),
    "share_reached": ("推进到该阶段及以后的比例（%）", _SHARE),
    "mean_step": ("平均推进到的阶段", _NUMBER),
    "rate": ("占拜访次数（%）", _SHARE),
    "outcome": ("结果编号", _ID),
    "outcome_label": ("结果", _TEXT),
    # 360° reviews
    "rater_group": ("评价者类别编号", _ID),
    "group_label": ("评价者类别", _TEXT),
    "includes": ("并入的评价者", _TEXT),
    "n_raters": ("评价份数", _COUNT),
    "n_managers": ("销售管理人员数", _COUNT),
    "n_gap": ("可比较自评与他评的人数", _COUNT),
    "mean_gap": ("自评减他评", _NUMBER),
    "gap_ci_low": ("自评减他评区间下限", _NUMBER),
    "gap_ci_high": ("自评减他评区间上限", _NUMBER),
    "self_score": ("自评", _NUMBER),
    "n_others": ("他评人数", _COUNT),
    "others_mean": ("他评均分", _NUMBER),
    "flag": ("提示编号", _ID),
    "flag_label": ("提示", _TEXT),
    # interview notes: codes, quotes, keywords
    "code": ("主题编号", _ID),
    "code_group": ("主题类别编号", _ID),
    "code_a": ("主题甲编号", _ID),
    "code_b": ("主题乙编号", _ID),
    "n_a": ("提到主题甲的记录", _COUNT),
    "n_b": ("提到主题乙的记录", _COUNT),
    "n_both": ("同时提到的记录", _COUNT),
    "jaccard": ("共现系数", _NUMBER),
    "n_segments": ("提到的段落", _COUNT),
    "n_notes": ("提到的记录（份）", _COUNT),
    "n_interviewees": ("提到的受访者（人）", _COUNT),
    "group_notes": ("本组记录（份）", _COUNT),
    "group_interviewees": ("本组受访者（人）", _COUNT),
    "description": ("主题说明", _TEXT),
    "n_rules": ("规则数", _COUNT),
    "rules": ("规则", _TEXT),
    "source": ("来源", _TEXT),
    "segment_id": ("段落编号", _ID),
    "note_id": ("记录编号", _ID),
    "position": ("段落序号", _COUNT),
    "method": ("调研方式编号", _ID),
    "date": ("日期", _TEXT),
    "file": ("文件", _TEXT),
    "codes": ("主题", _TEXT),
    "keyword": ("关键词", _TEXT),
    "industries": ("行业", _TEXT),
    "products": ("产品", _TEXT),
    "quote": ("引语", _TEXT),
    "text": ("原文", _TEXT),
    "word": ("词语", _TEXT),
    "others_count": ("其他地区次数", _COUNT),
    "others_notes": ("其他地区记录（份）", _COUNT),
    "log_odds": ("突出程度", _NUMBER),
    "z": ("标准化突出程度", _NUMBER),
    # segments
    "segment": ("类型", _COUNT),
    "segment_name": ("类型名称", _TEXT),
    # case library
    "title": ("标题", _TEXT),
    "industry": ("行业编号", _ID),
    "industry_label": ("行业", _TEXT),
    "product_ids": ("产品编号", _ID),
    "product_labels": ("产品类别", _TEXT),
    "funnel_stage": ("销售阶段编号", _ID),
    "funnel_stage_label": ("销售阶段", _TEXT),
    "funnel_step": ("销售阶段序号", _COUNT),
    "modules": ("模块编号", _ID),
    "module_titles": ("模块", _TEXT),
    "status": ("状态编号", _ID),
    "status_label": ("状态", _TEXT),
    "n_sources": ("来源段落数", _COUNT),
    "case": ("对应案例", _ID),
    "roleplays": ("对应角色扮演", _ID),
    "minutes": ("讨论时长（分钟）", _COUNT),
    # the follow-up evaluation (casekit followup --csv)
    "level": ("层级", _COUNT),
    "wave_id": ("回访轮次编号", _ID),
    "measure": ("衡量指标编号", _ID),
    "measure_label": ("衡量指标", _TEXT),
    "unit": ("单位", _TEXT),
    "baseline": ("培训前", _NUMBER),
    "followup": ("培训后", _NUMBER),
    "change": ("变化", _NUMBER),
    "n_missing": ("未回访人数", _COUNT),
    "itt_change": ("未回访计为无变化时的变化", _NUMBER),
    "trained_change": ("参训人员的平均变化", _NUMBER),
    "control_change": ("未参训人员同期的平均变化", _NUMBER),
    "n_control": ("对照组人数", _COUNT),
    "isolation": ("对照方式编号", _ID),
    "isolation_label": ("对照方式", _TEXT),
    "self_report": ("学员自评", _FLAG),
    "unreliable": ("记录一致性偏低", _FLAG),
    "source_label": ("数据来源", _TEXT),
    "n_basis": ("应有人数", _COUNT),
    "n_found": ("找到人数", _COUNT),
    "match_rate": ("匹配率（%）", _SHARE),
    "meets_aim": ("达到八成目标", _FLAG),
    # bundle problems (casekit validate --csv)
    "row": ("行", _COUNT),
    "column": ("列", _TEXT),
    "expected": ("应为", _TEXT),
    "found": ("实际", _TEXT),
})


def _cell(value: object) -> object:
    """One cell for reading: a list or tuple becomes 、-separated text."""
    if isinstance(value, (tuple, list, frozenset, set)):
        return "、".join(str(v) for v in value)
    return value


def shown_values(column: str) -> Callable[[object], object] | None:
    """How the values of ``column`` are shown to a consultant, when not as stored.

    Parameters
    ----------
    column : str
        A column name of an output table.

    Returns
    -------
    callable or None
        Stored value → shown value, under Chinese for ``test``, ``effect`` (the ids of
        :func:`casekit.analysis.survey_summary.group_differences`) and ``scale``
        (:func:`casekit.intake.questionnaire.scale_label`); ``None`` for any other column, or
        with ``CASEKIT_LANG=en``.
    """
    if language() == "en" or column not in ("test", "effect", "scale"):
        return None
    if column == "scale":
        from casekit.intake.questionnaire import scale_label

        return lambda v: scale_label(v) if isinstance(v, str) else v
    from casekit.analysis.survey_summary import EFFECT_LABELS, TEST_LABELS

    labels = TEST_LABELS if column == "test" else EFFECT_LABELS
    return lambda v: labels.get(v, v) if isinstance(v, str) else v


#: Overrides for a table whose interval (and mean) is of a share, not of a score: the interval
#: of a rate is shown in percent like the rate itself.
SHARE_INTERVAL: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ci_low": ("区间下限（%）", _SHARE),
    "ci_high": ("区间上限（%）", _SHARE),
})


def readable(frame: pd.DataFrame,
             overrides: Mapping[str, str | tuple[str, str]] | None = None) -> pd.DataFrame:
    """Return ``frame`` with Chinese headers and numbers rounded for reading (see the module).

    Parameters
    ----------
    frame : DataFrame
        An output table with casekit's English column names. Columns already in Chinese, or
        unknown, keep their name; their numbers are rounded to two decimals.
    overrides : mapping of str to str or (str, str), optional
        Column → header, or (header, kind), for a table where a shared name means something else
        (the case library's ``region`` is a name, not an id; the interval of a rate is a share:
        :data:`SHARE_INTERVAL`).

    Returns
    -------
    DataFrame
        A copy; the index is dropped into nothing (tables are printed without it).

    Raises
    ------
    ValueError
        When two columns would get the same header (a mapping mistake, not the user's).
    """
    import pandas as pd
    from pandas.api import types as ptypes

    out = pd.DataFrame(index=frame.index)
    names: list[str] = []
    for column in frame.columns:
        header, kind = HEADERS.get(str(column), (str(column), _NUMBER))
        override = (overrides or {}).get(str(column))
        if isinstance(override, tuple):
            header, kind = override
        elif override is not None:
            header = override
        series = frame[column]
        if ptypes.is_bool_dtype(series.dtype):
            series = series.map({True: "是", False: "否"})
        elif kind == _FLAG and series.dtype == object:
            series = series.map(lambda v: "是" if v is True else "否" if v is False else v)
        elif ptypes.is_float_dtype(series.dtype):
            if kind == _SHARE:
                series = (series * 100).round(1)
            elif kind == _P:
                series = series.round(3)
            elif kind == _COUNT and series.dropna().eq(series.dropna().round()).all():
                series = series.round().astype("Int64")
            else:
                series = series.round(2)
        elif series.dtype == object:
            series = series.map(_cell)
        shown = shown_values(str(column))
        if shown is not None:
            series = series.map(shown)
        names.append(header)
        out[len(names) - 1] = series
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"two columns would both be headed {', '.join(twice)}: add an override")
    out.columns = names
    return out.reset_index(drop=True)
