"""A standalone codebook: how to score any questionnaire export, outside a research bundle.

The file uses the keys and wording of the bundle's ``codebook.yaml`` (``docs/bundle-format.md``)
so that consultants learn one format, with these differences:

* ``columns:`` maps any names to the export's identifying or grouping columns. Only
  ``respondent_id`` has a meaning of its own (without it respondents are numbered in file order);
  every other entry (``region``, ``population``, ``team`` …) is a grouping column.
* ``items[].dimension`` is free text: the name of the scale (construct) the item belongs to.
  ``populations`` is optional; when the items of one dimension were asked of different
  populations, each population set is scored as its own scale (:func:`scale_names`).
* An item names its column by exactly one of ``column`` (the exact header), ``pattern`` (a
  regular expression searched in the headers, which must match exactly one column),
  ``platform_id`` (Qualtrics ``QID3_1``, LimeSurvey ``Q3[SQ001]``, an SPSS variable name) or
  ``key`` (the :class:`~casekit.surveys.SurveyExport` key such as ``Q3_1``). A
  ``columns:`` entry may be a header or a mapping with one of these four keys. The matching is
  :mod:`casekit.intake.columns`, shared with a bundle's ``codebook.yaml`` with ``platform:``.
* The platform's metadata columns (``kind == "meta"``) need not be listed under ``ignore:``.
* ``platform:`` (as in a bundle's ``codebook.yaml``: one of the export platforms or ``auto``) is
  the platform the export is read as when none is given (``casekit survey --platform``), so a
  bundle's codebook can be used as a standalone codebook.
* The items of one ``dimension`` must share the range (min, max) of their response scales: a
  scale score is the mean of its items, and a mean of 1–5 and 0–10 answers means nothing.

Answers are scored as follows (:func:`apply_questionnaire`):

1. When the export column carries answer codes -- SPSS value labels
   (:attr:`~casekit.surveys.SurveyExport.value_labels`), or the options the export lists
   in questionnaire order (:attr:`~casekit.surveys.ExportColumn.options`, where the code
   is the option's 1-based position) -- a code is turned into its label, and the label into the
   scale value. A code whose label is not a label of the scale is a problem.
2. An answer that is a label of the scale gets that label's value.
3. A bare number is taken as a scale value **only** when it is one of the scale's labels (compared
   as numbers: ``"4.0"`` is the label ``"4"``), i.e. when the scale lists the numbers themselves,
   as in ``labels: {"1": 1, "2": 2, …}``. Otherwise it is a problem: in a 问卷星 按序号 download
   (and any other code export) a number is the option's *position*, which is the scale value
   only when the options run from the lowest to the highest level. To score such an export
   whose options are not in the file, list the codes as labels with their values, e.g.
   ``labels: {"1": 5, "2": 4, "3": 3, "4": 2, "5": 1}`` for options 非常符合 … 非常不符合.

:func:`read_questionnaire` parses the YAML; :func:`apply_questionnaire` turns an export into an
item matrix (reverse keys applied) and the grouping columns, or raises
:class:`~casekit.exceptions.SurveyFileError` with every problem at once.

Example
-------
.. code-block:: yaml

    columns:
      respondent_id: 编号
      team: 所在班组
    missing: ["", "(空)", "(跳过)", "不适用"]
    scales:
      agree7:
        labels: {非常不同意: 1, 不同意: 2, 有点不同意: 3, 一般: 4, 有点同意: 5, 同意: 6, 非常同意: 7}
    items:
      - {id: Q2_1, column: 2.服务意识—我会主动询问客户的真实需求, dimension: 服务意识, scale: agree7}
      - {id: Q2_5, key: Q2_5, dimension: 服务意识, scale: agree7, reverse: true}
    ignore: [提交时间, 4.您对培训有什么建议]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem, SurveyFileError
from casekit.intake._files import MISSING, line_of, text_of
from casekit.intake.codebook import (
    AUTO,
    BackgroundSchema,
    ItemSchema,
    MatchSchema,
    Scale,
    ScaleSchema,
    parse_missing,
    parse_scales,
    platform_choices,
)
from casekit.intake.config import Each, Keyed, Schema, read_config
from casekit.intake.columns import (
    MATCH_KEYS,
    ColumnMatch,
    find_columns,
    match_failure,
    parse_match,
)
from casekit.progress import Progress
from casekit.surveys.problems import condense
from casekit.surveys.model import ExportColumn, SurveyExport
from casekit.language import language, tr

__all__ = [
    "IDENTIFYING_META",
    "MATCH_KEYS",
    "RESPONDENT_ID",
    "ColumnMatch",
    "Questionnaire",
    "QuestionnaireData",
    "QuestionnaireItem",
    "apply_questionnaire",
    "parse_questionnaire",
    "read_questionnaire",
    "scale_label",
]

#: The ``columns:`` entry naming the respondent id column.
RESPONDENT_ID = "respondent_id"



class QuestionnaireSchema(Schema):
    """The keys of a standalone codebook: a bundle codebook's, with free names under ``columns``.

    Items and background questions have the bundle codebook's keys (``role:`` tells the bundle
    analysis what a number measures; a standalone codebook accepts it); ``reviews_360`` is
    accepted and not used.
    """

    platform: Any = None
    columns: Keyed[MatchSchema] | None = None
    missing: Any = None
    scales: Keyed[ScaleSchema] | None = None
    items: Each[ItemSchema] | None = None
    ignore: Any = None
    background: Each[BackgroundSchema] | None = None
    reviews_360: Any = None

#: Metadata that identify who submitted: one submission sent twice shares one of them.
IDENTIFYING_META: tuple[str, ...] = ("ip", "user_id", "submitted_at")
#: Without identifying metadata, a repeated submission must have at least this many answered
#: cells (identical short answer patterns are common in real staff surveys).
_MIN_ANSWERED_FOR_DUPLICATE = 5


@dataclass(frozen=True)
class QuestionnaireItem:
    """One scale item of a standalone codebook.

    Attributes
    ----------
    id : str
        Item id (a column of the item matrix).
    match : ColumnMatch
        Its export column.
    dimension : str
        The scale (construct) it belongs to, free text.
    scale : str
        Name of its response scale under ``scales:``.
    reverse : bool
        Mirrored (``min + max - value``) before scoring.
    populations : tuple of str
        Who was asked the item, as written (for reference).
    line : int or None
        Line of the item in the codebook.
    """

    id: str
    match: ColumnMatch
    dimension: str
    scale: str
    reverse: bool = False
    populations: tuple[str, ...] = ()
    line: int | None = None


def scale_names(items: Sequence[QuestionnaireItem]) -> list[str]:
    """The scale each item is scored in: its ``dimension``, split by population where needed.

    A bundle codebook asks different items of one dimension to different populations (the
    account managers' 产品 items are not the support engineers'). When the items of a dimension
    declare different ``populations``, each population set is its own scale, named
    ``"<dimension>（<populations>）"``; otherwise the scale is the dimension.

    Parameters
    ----------
    items : sequence of QuestionnaireItem

    Returns
    -------
    list of str
        One scale name per item, in the same order.
    """
    sets: dict[str, set[tuple[str, ...]]] = {}
    for item in items:
        sets.setdefault(item.dimension, set()).add(item.populations)
    return [
        f"{item.dimension}（{'、'.join(item.populations) or '全部'}）" if len(sets[item.dimension]) > 1 else item.dimension
        for item in items
    ]


def scale_label(name: str) -> str:
    """A scale name of :func:`scale_names` as a consultant reads it: ids replaced by their labels.

    A bundle codebook's dimensions and populations are ids (``product``, ``account_manager``);
    a standalone codebook's dimensions are free text and stay as they are.

    Parameters
    ----------
    name : str
        ``"<dimension>"`` or ``"<dimension>（<populations>）"``.

    Returns
    -------
    str

    Examples
    --------
    >>> scale_label("product（account_manager、support_engineer）")
    '产品（政企客户经理、支撑人员）'
    >>> scale_label("服务意识")
    '服务意识'
    """
    dimension, bracket, rest = str(name).partition("（")
    shown = domain.DIMENSIONS[dimension].label if dimension in domain.DIMENSIONS else dimension
    if not bracket or not rest.endswith("）"):
        return shown + bracket + rest
    populations = [domain.POPULATIONS[p].label if p in domain.POPULATIONS else p for p in rest[:-1].split("、")]
    return f"{shown}（{'、'.join(populations)}）"


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """A parsed standalone codebook.

    Attributes
    ----------
    path : Path
        The YAML file.
    columns : mapping of str to ColumnMatch
        ``respondent_id`` and grouping columns (``background:`` entries included, under their id).
    missing : tuple of str
        Cell values meaning "no answer" (``""`` always).
    scales : mapping of str to Scale
        Response scales.
    items : tuple of QuestionnaireItem
        Scale items, in codebook order.
    ignore : tuple of str
        Headers (or keys) of export columns that are not scored.
    lines : mapping of str to int
        ``"columns.<name>"`` → line of that entry in the codebook.
    platform : str or None
        ``platform:`` of the codebook (an export platform, or ``"auto"``); None when absent.
        :func:`casekit.analysis.survey_summary.score_survey` reads the export as this platform
        unless told otherwise (``"auto"``: detected).
    """

    path: Path
    columns: Mapping[str, ColumnMatch]
    missing: tuple[str, ...]
    scales: Mapping[str, Scale]
    items: tuple[QuestionnaireItem, ...]
    ignore: tuple[str, ...] = ()
    lines: Mapping[str, int | None] = field(default_factory=dict)
    platform: str | None = None

    @property
    def read_platform(self) -> str | None:
        """The platform to read the export as: ``platform:``, or None (detect) for ``auto``."""
        return None if self.platform in (None, AUTO) else self.platform

    @property
    def scale_items(self) -> dict[str, list[str]]:
        """Scale name → its item ids, in codebook order (see :func:`scale_names`)."""
        out: dict[str, list[str]] = {}
        for item, name in zip(self.items, scale_names(self.items)):
            out.setdefault(name, []).append(item.id)
        return out

    @property
    def group_names(self) -> tuple[str, ...]:
        """Names of the grouping columns (``columns:`` except ``respondent_id``)."""
        return tuple(k for k in self.columns if k != RESPONDENT_ID)


@dataclass(frozen=True, eq=False)
class QuestionnaireData:
    """An export scored with a standalone codebook.

    Attributes
    ----------
    items : pandas.DataFrame
        Respondents × item ids, float, ``NaN`` where unanswered; reverse keys applied. The index
        (named ``respondent``) holds the respondent ids as text, or ``"1"``, ``"2"`` … (file
        order) when the codebook names no ``respondent_id``.
    groups : pandas.DataFrame
        Same index; one text column per grouping column (``""`` where unanswered).
    scales : dict of str to list of str
        Scale (dimension) name → item ids.
    reversed_items : tuple of str
        Items whose values were mirrored.
    rows : tuple of int
        Per respondent, the line or sheet row of the export it came from.
    headers : dict of str to str
        Item id or group name → the export header it was read from.
    """

    items: pd.DataFrame
    groups: pd.DataFrame
    scales: dict[str, list[str]]
    reversed_items: tuple[str, ...]
    rows: tuple[int, ...]
    headers: dict[str, str]


# ------------------------------------------------------------------------------------------
# reading the YAML


def read_questionnaire(path: str | Path) -> Questionnaire:
    """Read a standalone codebook.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    Questionnaire

    Raises
    ------
    SurveyFileError
        With every problem of the file (file, YAML line, key, expected, found).
    """
    questionnaire, problems = parse_questionnaire(path)
    if problems or questionnaire is None:
        raise SurveyFileError(problems)
    return questionnaire


def parse_questionnaire(path: str | Path) -> tuple[Questionnaire | None, list[Problem]]:
    """Parse a standalone codebook, returning what could be read and every problem.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    questionnaire : Questionnaire or None
        Entries with problems are left out; None when the file is missing or does not parse.
    problems : list of Problem
    """
    path = Path(path)
    rel = path.name
    loaded = read_config(path, rel, QuestionnaireSchema,
                         mapping_of="columns, missing, scales, items, ignore")
    data, lines = loaded.data, loaded.lines
    if data is None:
        return None, loaded.problems
    p = loaded.log()

    platform: str | None = None
    if data.get("platform") is not None:
        platform = text_of(data.get("platform")).lower()
        if platform not in platform_choices():
            p(("platform",), "platform", tr(f"{'、'.join(platform_choices())} 之一（导出文件所属的平台）",
                                            f"one of {', '.join(platform_choices())} (the platform of the export)"),
              data.get("platform"))
            platform = None

    where: dict[str, int | None] = {}
    # columns -------------------------------------------------------------------------------
    columns: dict[str, ColumnMatch] = {}
    raw = data.get("columns") or {}
    if not isinstance(raw, dict):
        p(("columns",), "columns", tr("名称 → 导出文件表头的映射（respondent_id、region、population …）",
                                      "a mapping name → export header (respondent_id, region, population …)"), raw)
        raw = {}
    for name, spec in raw.items():
        name = text_of(name)
        match = parse_match(spec, ("columns", name), name, p, lines, allow_plain=True)
        if match is not None:
            columns[name] = match
            where[f"columns.{name}"] = line_of(lines, "columns", name)

    missing = parse_missing(data, p)
    scales = parse_scales(data, p)

    # background (kept as grouping columns) ---------------------------------------------------
    raw = data.get("background") or []
    if not isinstance(raw, list):
        p(("background",), "background", tr("{id, column, type} 的列表", "a list of {id, column, type}"), raw)
        raw = []
    for i, q in enumerate(raw):
        path_ = ("background", i)
        if not isinstance(q, dict):
            p(path_, "background", "a mapping {id, column, type}", q)
            continue
        qid = text_of(q.get("id"))
        if not qid or qid in columns:
            p(path_ + ("id",), "id", tr("不重复、也没在 columns: 下用过的名称", "a unique name, not one used under columns:"), qid)
            continue
        match = parse_match(q, path_, qid, p, lines)
        if match is not None:
            columns[qid] = match
            where[f"columns.{qid}"] = line_of(lines, *path_)

    # items ---------------------------------------------------------------------------------
    items: list[QuestionnaireItem] = []
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        p(("items",), "items", tr("非空的量表题目列表", "a non-empty list of scale items"), raw)
        raw = []
    ids: set[str] = set()
    for i, it in enumerate(raw):
        path_ = ("items", i)
        if not isinstance(it, dict):
            p(path_, "items", "a mapping {id, column, dimension, scale}", it)
            continue
        ok = True
        iid = text_of(it.get("id"))
        if not iid or iid in ids:
            p(path_ + ("id",), "id", tr("不重复的题目编号", "a unique item id"), iid)
            ok = False
        ids.add(iid)
        match = parse_match(it, path_, iid or f"item {i + 1}", p, lines)
        dim = text_of(it.get("dimension"))
        if not dim:
            p(path_ + ("dimension",), "dimension", tr("这道题所测量表（构念）的名称",
                                                      "the name of the scale (construct) this item measures"), None)
            ok = False
        scale = text_of(it.get("scale"))
        if scale not in scales:
            p(path_ + ("scale",), "scale", tr(f"scales: 下定义的量表（{'、'.join(scales) or '无'}）",
                                              f"a scale defined under scales: ({', '.join(scales) or 'none'})"), scale)
            ok = False
        reverse = it.get("reverse", False)
        if not isinstance(reverse, bool):
            p(path_ + ("reverse",), "reverse", tr("true 或 false", "true or false"), reverse)
            ok = False
        pops = it.get("populations") or []
        pops = [pops] if isinstance(pops, str) else pops
        if not isinstance(pops, list):
            p(path_ + ("populations",), "populations", tr("回答这道题的岗位列表",
                                                          "a list of populations asked this item"), pops)
            ok = False
            pops = []
        if ok and match is not None:
            items.append(QuestionnaireItem(iid, match, dim, scale, reverse, tuple(text_of(x) for x in pops),
                                           line_of(lines, *path_)))

    # one scale, one range: its scale score is the mean of its items -------------------------
    first_of: dict[str, QuestionnaireItem] = {}
    for item, name in zip(items, scale_names(items)):
        first = first_of.setdefault(name, item)
        ours, theirs = scales[item.scale], scales[first.scale]
        if (ours.min, ours.max) != (theirs.min, theirs.max):
            p.problems.append(Problem(
                rel, item.line, "scale",
                tr(f"与题目 {first.id} 的量表 {theirs.name} 一样取 {theirs.min:g}–{theirs.max:g} 的回答量表"
                   f"（维度 {item.dimension} 的题目会平均成一个分数：范围不同的题目请另设一个维度）",
                   f"a response scale ranging {theirs.min:g}–{theirs.max:g} like scale {theirs.name} of item "
                   f"{first.id} (items of dimension {item.dimension} are averaged into one score: give items "
                   f"on another range a dimension of their own)"),
                tr(f"量表 {ours.name}，取 {ours.min:g}–{ours.max:g}（题目 {item.id}）",
                   f"scale {ours.name} ranging {ours.min:g}–{ours.max:g} (item {item.id})")))

    # ignore --------------------------------------------------------------------------------
    ignore_raw = data.get("ignore") or []
    if not isinstance(ignore_raw, list):
        p(("ignore",), "ignore", tr("要忽略的导出文件表头列表", "a list of export headers to ignore"), ignore_raw)
        ignore_raw = []
    ignore = tuple(text_of(h) for h in ignore_raw if text_of(h))

    return Questionnaire(path, columns, missing, scales, tuple(items), ignore, where, platform), p.problems


# ------------------------------------------------------------------------------------------
# applying it to an export


def apply_questionnaire(
    export: SurveyExport, questionnaire: Questionnaire, *, earlier: Sequence[Problem] = (),
    progress: Progress | None = None,
) -> QuestionnaireData:
    """Score an export with a standalone codebook.

    Parameters
    ----------
    export : SurveyExport
        The questionnaire export, as read by :func:`~casekit.surveys.read_export`.
    questionnaire : Questionnaire
        The codebook, as read by :func:`read_questionnaire` (or :func:`parse_questionnaire`).
    earlier : sequence of Problem, optional
        Problems already found (e.g. in the codebook by :func:`parse_questionnaire`), reported
        together with those found here.
    progress : Progress, optional
        Where the scoring is reported (``计分`` item by item, then ``检查重复提交``); default:
        nowhere. It changes no result.

    Returns
    -------
    QuestionnaireData
        The item matrix (float, ``NaN`` unanswered, reverse keys applied) and the grouping
        columns as text, both indexed by respondent.

    Raises
    ------
    SurveyFileError
        With every problem at once, nothing returned half-way: a codebook entry whose column is
        not in the export (or whose ``pattern`` matches 0 or 2+ columns, or that is used twice);
        an export without responses; question columns neither scored nor ignored; answers that
        are not a label of the item's scale or a code of such a label (see the module docstring:
        a bare number is not a scale value unless the scale lists it); empty or repeated
        respondent ids; one submission sent twice (see Notes). Problems in the export give its
        file name, line (``SurveyExport.rows``) and header; problems in the codebook its file
        name, YAML line and key. Many problems of one kind (a label typo repeated on every row)
        are condensed: the first rows of each, then one problem counting the rest.

    Notes
    -----
    A row is reported as a *duplicate submission* of an earlier row when both give identical
    answers on every question column (every column that is not platform metadata, open answers
    included, the respondent id excepted) and

    * the export has identifying metadata (:data:`IDENTIFYING_META`: ``ip``, ``user_id``,
      ``submitted_at``): they share the value of at least one of them, and at least one
      question is answered;
    * it has none: at least :data:`_MIN_ANSWERED_FOR_DUPLICATE` (5) cells are answered.

    Identical answer patterns from different people (same Likert answers, different IPs) are
    common and are not reported. The same respondent id on two rows is reported as a repeated
    respondent id whatever the answers.
    """
    q = questionnaire
    problems = list(earlier)
    exp = export.path.name
    cb = q.path.name
    used: dict[str, str] = {}  # export key → owner
    mentioned: set[str] = set()  # keys matched by an entry with a problem: not "unmapped" as well

    def resolve(match: ColumnMatch, owner: str, column: str) -> ExportColumn | None:
        line = match.line
        found = find_columns(match, export.columns)
        mentioned.update(c.key for c in found)
        failure = match_failure(match, found, export)
        if failure is not None:
            problems.append(Problem(cb, line, column, *failure))
            return None
        col = found[0]
        if col.key in used:
            problems.append(Problem(cb, line, column, tr(f"尚未被 {used[col.key]} 占用的列",
                                                         f"a column not already used by {used[col.key]}"),
                                    col.header))
            return None
        used[col.key] = owner
        return col

    group_cols: dict[str, ExportColumn] = {}
    for name, match in q.columns.items():
        col = resolve(match, f"columns.{name}", name)
        if col is not None:
            group_cols[name] = col
    item_cols: dict[str, ExportColumn] = {}
    for item in q.items:
        col = resolve(item.match, f"item {item.id}", item.match.how)
        if col is not None:
            item_cols[item.id] = col

    n = len(export.data)
    if n == 0:
        problems.append(Problem(exp, None, None, tr("表头下面至少有一份答卷", "at least one response below the header"),
                                tr("没有答卷", "no responses")))

    ignored = set(q.ignore)
    for col in export.columns:
        if (col.kind == "meta" or col.key in used or col.key in mentioned
                or col.header.strip() in ignored or col.key in ignored):
            continue
        problems.append(Problem(exp, None, col.header,
                                tr(f"列在 {cb} 的 items、columns 或 ignore 下的列",
                                   f"a column listed under items, columns or ignore in {cb}"),
                                tr(f"编码簿中没有的题目列 {col.key}", f"question column {col.key} not in the codebook")))

    lines = list(export.rows) + [None] * max(0, n - len(export.rows))
    missing = set(q.missing)

    def answers(col: ExportColumn) -> list[str | None]:
        """Each respondent's answer as stripped text, None when unanswered or a missing marker."""
        vals = export.data[col.key].tolist()
        stats = export.status[col.key].tolist()
        out: list[str | None] = []
        for v, s in zip(vals, stats):
            text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            out.append(None if s != "answered" or text in missing else text)
        return out

    # items -----------------------------------------------------------------------------------
    matrix: dict[str, list[float]] = {}
    reversed_items: list[str] = []
    progress = progress or Progress()
    with progress.task("计分", total=len(item_cols)) as task:
        for item in q.items:
            col = item_cols.get(item.id)
            if col is None:
                continue
            task.step()
            scale = q.scales[item.scale]
            codes = _codes(export, col)
            numbers = _numeric_labels(scale)
            out: list[float] = []
            for r, text in enumerate(answers(col)):
                if text is None:
                    out.append(math.nan)
                    continue
                value = _score(text, scale, codes, numbers)
                if isinstance(value, str):
                    problems.append(Problem(exp, lines[r], col.header, value, text))
                    out.append(math.nan)
                    continue
                out.append(scale.min + scale.max - value if item.reverse else value)
            if item.reverse:
                reversed_items.append(item.id)
            matrix[item.id] = out

    # respondent ids and groups -----------------------------------------------------------------
    id_col = group_cols.get(RESPONDENT_ID)
    if id_col is not None:
        ids = answers(id_col)
        first: dict[str, int] = {}
        for r, rid in enumerate(ids):
            if rid is None:
                problems.append(Problem(exp, lines[r], id_col.header, tr("答卷人编号", "a respondent id"), MISSING))
            elif rid in first:
                problems.append(Problem(exp, lines[r], id_col.header,
                                        tr(f"只出现一次的答卷人编号（第 {lines[first[rid]]} 行也有）",
                                           f"a respondent id used once (also on row {lines[first[rid]]})"), rid))
            else:
                first[rid] = r
        index = [rid if rid is not None else f"(row {lines[r]})" for r, rid in enumerate(ids)]
    else:
        index = [str(r + 1) for r in range(n)]
    groups = {name: [a or "" for a in answers(col)] for name, col in group_cols.items() if name != RESPONDENT_ID}

    # one submission sent twice -------------------------------------------------------------
    with progress.task("检查重复提交"):
        problems.extend(_duplicate_submissions(export, id_col, index, lines))

    if problems:
        raise SurveyFileError(condense(problems))
    idx = pd.Index(index, name="respondent", dtype=object)
    items = pd.DataFrame(matrix, index=idx, columns=[i.id for i in q.items], dtype="float64")
    group_frame = pd.DataFrame(groups, index=idx, columns=list(groups), dtype=object)
    headers = {i: c.header for i, c in item_cols.items()} | {g: c.header for g, c in group_cols.items()}
    return QuestionnaireData(items=items, groups=group_frame, scales=q.scale_items,
                             reversed_items=tuple(reversed_items), rows=tuple(export.rows), headers=headers)


def _duplicate_submissions(
    export: SurveyExport, id_col: ExportColumn | None, index: Sequence[str], lines: Sequence[int | None]
) -> list[Problem]:
    """Rows that repeat an earlier submission (rule: :func:`apply_questionnaire`, Notes)."""
    n = len(export.data)
    compare = [c.key for c in export.columns if c.kind != "meta" and (id_col is None or c.key != id_col.key)]
    if not compare or n < 2:
        return []
    identifying = [k for k in IDENTIFYING_META if any(c.key == k for c in export.columns)]
    least = 1 if identifying else _MIN_ANSWERED_FOR_DUPLICATE
    status = export.status[compare].to_numpy(dtype=object)
    values = export.data[compare].to_numpy(dtype=object)
    meta_status = export.status[identifying].to_numpy(dtype=object) if identifying else None
    meta_values = export.data[identifying].to_numpy(dtype=object) if identifying else None
    # signature → earlier rows with it; and, per identifying field, (signature, value) → first row
    seen: dict[tuple, int] = {}
    shared: dict[tuple, int] = {}
    out: list[Problem] = []
    exp = export.path.name
    for r in range(n):
        answered = status[r] == "answered"
        if int(answered.sum()) < least:
            continue
        signature = tuple(str(values[r, j]).strip() if answered[j] else None for j in range(len(compare)))
        earlier: tuple[int, str] | None = None
        if meta_values is None:
            if signature in seen:
                earlier = (seen[signature], "")
            else:
                seen[signature] = r
        else:
            for j, key in enumerate(identifying):
                value = str(meta_values[r, j]).strip()
                if meta_status[r, j] != "answered" or not value:
                    continue
                k = shared.setdefault((signature, key, value), r)
                if k != r and earlier is None:
                    earlier = (k, tr(f"，{key} 也相同（{value}）", f" and the same {key} {value}"))
        if earlier is None:
            continue
        k, why = earlier
        if id_col is not None and index[k] == index[r]:
            continue  # one respondent id twice: reported as a repeated id already
        if language() == "zh":
            who = f"答卷人 {index[k]}（第 {lines[k]} 行）" if id_col is not None else f"第 {lines[k]} 行"
            expected = f"与{who}不同的回答（请删除两份中的一份）"
            found = (f"与第 {lines[k]} 行的回答完全相同{why}"
                     + (f"，答卷人编号为 {index[r]}" if id_col is not None else ""))
        else:
            who = f"respondent {index[k]}, row {lines[k]}" if id_col is not None else f"row {lines[k]}"
            expected = f"answers differing from those of {who} (delete one of the two submissions)"
            found = (f"the same answers as row {lines[k]}{why}"
                     + (f" under respondent id {index[r]}" if id_col is not None else ""))
        out.append(Problem(exp, lines[r], id_col.header if id_col is not None else None, expected, found))
    return out


def _number_text(text: str) -> str | None:
    """``text`` as a canonical number (``"4.0"`` → ``"4"``), or None when it is not a number."""
    try:
        number = float(text)
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(number):
        return None
    return f"{number:.15g}"


def _codes(export: SurveyExport, col: ExportColumn) -> dict[str, str]:
    """Answer code → option label for one column: SPSS value labels, else the listed options.

    Options listed by the export are in questionnaire order, so their code is the 1-based
    position (问卷星 按序号, LimeSurvey and Qualtrics numeric downloads). Codes are also keyed
    by their canonical number text, so ``"1.0"`` finds code ``"1"``.
    """
    labels = export.value_labels.get(col.key) or {}
    codes = {str(k).strip(): str(v).strip() for k, v in labels.items()}
    if not codes and col.options:
        codes = {str(i + 1): str(option).strip() for i, option in enumerate(col.options)}
    for code, label in list(codes.items()):
        canonical = _number_text(code)
        if canonical is not None:
            codes.setdefault(canonical, label)
    return codes


def _numeric_labels(scale: Scale) -> dict[str, float]:
    """The scale's labels that are numbers, keyed by canonical number text, with their values."""
    out: dict[str, float] = {}
    for label, value in scale.labels.items():
        canonical = _number_text(label)
        if canonical is not None:
            out.setdefault(canonical, value)
    return out


def _score(text: str, scale: Scale, codes: Mapping[str, str], numbers: Mapping[str, float]) -> float | str:
    """An answer's scale value, or what was expected (text) when it is not one.

    See the module docstring for the rules: code → label → value first, then a label of the
    scale, then a number that is one of the scale's (numeric) labels.
    """
    canonical = _number_text(text)
    label = codes.get(text)
    if label is None and canonical is not None:
        label = codes.get(canonical)
    if label is not None and label in scale.labels:
        return scale.labels[label]
    if text in scale.labels:
        return scale.labels[text]
    if canonical is not None and canonical in numbers:
        return numbers[canonical]
    if label is not None:
        return tr(f"量表 {scale.name} 某个标签的代码（{scale.describe()}）；代码 {text} 是选项「{label}」，不是量表的标签",
                  f"a code of a label of scale {scale.name} ({scale.describe()}); code {text} is the "
                  f"option {label!r}, not a label of the scale")
    if canonical is None:
        return tr(f"量表 {scale.name} 的标签（{scale.describe()}）或缺失标记",
                  f"a label of scale {scale.name} ({scale.describe()}) or a missing marker")
    if numbers:
        return tr(f"量表 {scale.name} 的值（{'、'.join(numbers)}）", f"a value of scale {scale.name} ({'、'.join(numbers)})")
    return tr(f"量表 {scale.name} 的标签（{scale.describe()}）：单独一个数字不是量表值（在问卷星“按序号”导出中它是选项的"
              f"位置）；如果这些数字是代码，请把它们连同对应的值列为量表的标签，例如 {{\"1\": 5, \"2\": 4, …}}",
              f"a label of scale {scale.name} ({scale.describe()}): a bare number is not a scale value "
              f"(in a 问卷星 按序号 export it is the option's position); list the numbers as labels "
              f"of the scale with their values, e.g. {{\"1\": 5, \"2\": 4, …}}, if they are codes")
