"""A bundle's ``codebook.yaml`` drafted from questionnaire exports (``casekit init --from-export``).

A standalone draft (:mod:`casekit.intake.codebook_draft`) says what each column of an export is;
a bundle's codebook needs more (``docs/bundle-format.md``): ``platform:`` (the exports stay in
``survey/`` as downloaded), each item's ``populations`` and a ``dimension`` of the method that
those populations have (:data:`casekit.domain.POPULATION_DIMENSIONS`), the three identifying
columns, background questions and the 360° review's items. :func:`draft_bundle_codebook` writes
the standalone plan (:func:`~casekit.intake.codebook_draft.plan_draft`) in that form:

* **populations** of an item: the populations of the respondents who answered it (the export's
  岗位 column, each answer resolved by :func:`casekit.domain.lookup`), so the survey check
  never finds an answer from a population the item was not asked of;
* **dimension**: taken only when the question names one (:func:`named_dimension`: ``产品维度``,
  ``【销售】…``, a matrix titled ``客户知识：…``) and every population that answered has it.
  Otherwise ``dimension: TODO`` with a ``# TODO`` comment listing the dimensions those
  populations share (and the ones the statement mentions): ``casekit validate`` then reports
  exactly that line, and nothing else about the item (its column is not "unmapped" too);
* **respondent id**: a question column with an id-like header (工号, 答卷编号 …) before the
  platform's response number, because ride-alongs and 360° reviews name people by staff code
  (:func:`~casekit.intake.codebook_draft.choose_respondent_id`); the comment says why;
* **background**: non-scale questions answered with numbers (业绩完成率, 拜访次数 …, with the
  ``role`` their header names) or with a few repeated options (年龄段); everything else
  (metadata, open answers, contact details, multiple choice, rankings) under ``ignore:``;
* items on a scale whose range differs from the other items' go under ``ignore:`` with a
  comment (one score range per population);
* ``reviews_360``: the template's three items, marked as examples to replace.

Everything a consultant must still decide is a ``dimension: TODO`` (or ``populations: [TODO]``,
``region: TODO`` …) value, one per decision, listed in :attr:`BundleCodebook.decisions` with its
line; what to check without blocking validation (scale order, reverse keying) is a ``# TODO``
comment (:attr:`BundleCodebook.checks`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem, SurveyFileError
from casekit.intake.codebook_draft import (
    DEFAULT_MISSING,
    NOT_A_RATING,
    NOT_A_SCALE,
    DraftedItem,
    DraftPlan,
    RespondentIdChoice,
    ScaleGuess,
    answers_text,
    column_match,
    column_reference,
    column_title,
    plan_draft,
    scale_lines,
    yaml_comment,
    yaml_scalar,
)
from casekit.intake.options import question_text
from casekit.intake.survey import EXPORT_SUFFIXES
from casekit.surveys import ExportColumn, SurveyExport, read_export, reader_for

__all__ = [
    "TODO",
    "BundleCodebook",
    "Decision",
    "draft_bundle_codebook",
    "named_dimension",
    "read_exports",
]

#: The value of a codebook entry the consultant must still choose (``casekit validate`` reports it).
TODO = "TODO"

#: Headers of platform metadata a plain export may carry as ordinary columns (问卷星's front columns).
_META_HEADERS = frozenset({"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "IP", "总分",
                           "开始答题时间", "结束答题时间", "答题时长", "用户标识", "自定义字段"})
#: Words after a dimension's name that make a question name it (``产品维度``, ``客户知识``).
_DIMENSION_SUFFIX = "(?:维度|纬度|方面|能力|知识|技能|类|部分|篇)"
#: A section number in front of a title (``一、``, ``第二部分``, ``（三）``, ``3.``).
_SECTION_NO = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+(?:部分|节|章|题)|[一二三四五六七八九十]+[、.．]|"
                         r"\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*")
#: Background roles named by a header (first match wins; each role at most once).
_ROLE_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("visit_time_share", re.compile(r"拜访.*(比例|占比|%|％)|(比例|占比).*拜访")),
    ("weekly_visits", re.compile(r"拜访.*(次数|几次|多少次)")),
    ("performance", re.compile(r"业绩|完成率|达成率")),
)
#: A ``# TODO`` comment (not the header's mention of one in quotes).
_CHECK = re.compile(r"(^|\s)#\s*TODO")
#: At most this many distinct answers make a category background question (年龄段, 司龄段).
_MAX_CATEGORIES = 12
#: A number with this many digits or more is a code (phone, staff or ID number), not a quantity.
_CODE_DIGITS = 7
#: The 360° review's example items (the template's), and their scale.
_REVIEW_ITEMS = (
    ("r360_strategy_1", "能结合本地市场制定转型产品的销售目标", "市场分析与策略"),
    ("r360_process_1", "了解客户经理每天的时间都花在哪里", "过程管理"),
    ("r360_leadership_1", "清楚每位下属的长处和欠缺", "领导力"),
)
_REVIEW_SCALE = "{非常不符合: 1, 不太符合: 2, 一般: 3, 比较符合: 4, 非常符合: 5}"


@dataclass(frozen=True)
class Decision:
    """One choice the consultant must make in the drafted ``codebook.yaml``.

    Attributes
    ----------
    line : int
        The 1-based line of ``codebook.yaml`` holding the ``TODO`` value (the line ``casekit
        validate`` names).
    what : str
        What to choose there, in Chinese.
    """

    line: int
    what: str


@dataclass(frozen=True)
class BundleCodebook:
    """A bundle's ``codebook.yaml`` drafted from exports (:func:`draft_bundle_codebook`).

    Attributes
    ----------
    text : str
        The YAML, with comments in Chinese.
    platform : str
        ``platform:`` (the reader id, e.g. ``wjx``).
    platform_label : str
        The platform as consultants know it (``问卷星``).
    n_responses : int
        Responses in all the exports.
    respondent_id : RespondentIdChoice
        The column taken as the respondent id, and why.
    region_column, population_column : str or None
        The headers of the region and population columns (None: not found, a decision).
    region_names : tuple of str
        The distinct answers of the region column, in order of first appearance.
    unknown_populations : tuple of str
        Answers of the population column that are not a population of the method (their rows
        are problems of ``casekit validate``).
    n_items : int
        Scale items.
    n_mapped : int
        Scale items whose dimension was taken from the question.
    background : tuple of str
        Headers kept as background questions.
    n_ignored : int
        Columns under ``ignore:``.
    decisions : tuple of Decision
        The ``TODO`` values, in file order: exactly what ``casekit validate`` lists in
        ``codebook.yaml``.
    checks : tuple of int
        Lines of ``# TODO`` comments: guesses to check (scale order, bare numbers) that do not
        stop validation.
    """

    text: str
    platform: str
    platform_label: str
    n_responses: int
    respondent_id: RespondentIdChoice
    region_column: str | None
    population_column: str | None
    region_names: tuple[str, ...]
    unknown_populations: tuple[str, ...]
    n_items: int
    n_mapped: int
    background: tuple[str, ...]
    n_ignored: int
    decisions: tuple[Decision, ...]
    checks: tuple[int, ...]


# -- reading ------------------------------------------------------------------------------------


def read_exports(paths: Sequence[str | Path]) -> SurveyExport:
    """Read one or more downloads of one questionnaire as a single export.

    Parameters
    ----------
    paths : sequence of str or Path
        The exports as downloaded (``.csv``, ``.xlsx``, ``.sav``, 腾讯问卷's ``.zip``). Several
        files must come from the same platform with the same columns (e.g. one download per
        region of one questionnaire) and have different file names (they are kept side by side
        in ``survey/``).

    Returns
    -------
    SurveyExport
        The first file's export with the responses of all of them (``rows`` are each file's own).

    Raises
    ------
    SurveyFileError
        With every problem found: a file of another type, missing or unreadable, two files with
        one name, files of different platforms or layouts, or no rating-scale question at all
        (not a questionnaire export casekit can draft a codebook from).
    """
    if not paths:
        raise SurveyFileError([Problem("--from-export", None, None, "问卷导出文件", "没有文件")])
    problems: list[Problem] = []
    names: dict[str, Path] = {}
    kinds = "、".join(EXPORT_SUFFIXES)
    for path in map(Path, paths):
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            problems.append(Problem(path.name, None, None, f"问卷平台下载的导出文件（{kinds}）",
                                    f"{path.suffix} 文件" if path.suffix else "没有扩展名的文件"))
        elif stored_name(path) in names:
            problems.append(Problem(path.name, None, None, "各不相同的文件名（导出文件并排放在 survey/ 中）",
                                    f"与 {names[stored_name(path)]} 同名"))
        names.setdefault(stored_name(path), path)
    if problems:
        raise SurveyFileError(problems)
    exports: list[SurveyExport] = []
    for path in names.values():
        try:
            exports.append(read_export(path))
        except SurveyFileError as exc:
            problems += exc.problems
    if problems:
        raise SurveyFileError(problems)
    first = exports[0]
    for other in exports[1:]:
        if other.platform != first.platform:
            problems.append(Problem(other.path.name, None, None,
                                    f"与 {first.path.name} 同一平台（{reader_for(first.platform).label}）的导出文件",
                                    f"{reader_for(other.platform).label}的导出文件"))
        elif [(c.key, c.header) for c in other.columns] != [(c.key, c.header) for c in first.columns]:
            theirs = {c.key: c.header for c in other.columns}
            diff = next((c for c in first.columns if theirs.get(c.key) != c.header), None)
            where = (f"「{diff.header}」处是「{theirs.get(diff.key, '（没有这一列）')}」" if diff is not None
                     else f"{len(other.columns)} 列，而不是 {len(first.columns)} 列")
            problems.append(Problem(other.path.name, 1, None, f"与 {first.path.name} 相同的列（同一份问卷："
                                    "同样的题目、同样的顺序）", where))
    if problems:
        raise SurveyFileError(problems)
    if len(exports) > 1:
        keys = [c.key for c in first.columns]
        first = replace(first, data=pd.concat([e.data[keys] for e in exports], ignore_index=True),
                        status=pd.concat([e.status[keys] for e in exports], ignore_index=True),
                        rows=tuple(r for e in exports for r in e.rows),
                        value_labels={k: v for e in reversed(exports) for k, v in e.value_labels.items()})
    return first


def stored_name(path: str | Path) -> str:
    """The name an export is kept under in ``survey/``: its own, without leading ``_`` or ``.``.

    Bundle readers skip files whose name starts with ``_`` or ``.``; the content is never changed.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        E.g. ``问卷星导出.xlsx`` for ``_问卷星导出.xlsx``; ``export.xlsx`` for ``_.xlsx``.
    """
    name = Path(path).name
    kept = name.lstrip("_.")
    return kept if Path(kept).stem and Path(kept).suffix else "export" + Path(name).suffix


# -- dimensions named by a question ------------------------------------------------------------


def _names(dimension: str) -> list[str]:
    term = domain.DIMENSIONS[dimension]
    return sorted({term.label, *term.aliases}, key=len, reverse=True)


def named_dimension(text: str) -> str | None:
    """The dimension a question's text names as its topic, or None.

    A text names a dimension when it *is* the dimension's name (its label or an alias,
    ``产品``, ``行业纬度``, ``过程控制``), possibly followed by 维度/纬度/方面/能力/知识/技能/类/部分/篇
    and preceded by a section number (``一、产品知识``); when it starts with such a name and a
    colon or dash (``客户知识：请评价以下说法``); or when it holds one in brackets (``【销售】…``,
    ``（沟通能力）``). A dimension merely mentioned in a statement (``我能说清主推产品的资费``)
    is not named; several named dimensions are none.

    Parameters
    ----------
    text : str
        A question's stem, matrix row or header.

    Returns
    -------
    str or None
        The dimension id.

    Examples
    --------
    >>> named_dimension("一、产品知识"), named_dimension("【销售】我会先问客户的需求")
    ('product', 'sales')
    >>> named_dimension("我能说清主推产品的资费") is None
    True
    """
    body = _SECTION_NO.sub("", question_text(str(text)), count=1).strip()
    found = set()
    for dim in domain.DIMENSIONS:
        alts = "|".join(re.escape(n) for n in _names(dim))
        title = rf"(?:{alts}){_DIMENSION_SUFFIX}?"
        if (re.fullmatch(rf"{title}[？?：:]?", body)
                or re.match(rf"{title}\s*[：:—–\-]", body)
                or re.search(rf"[【\[（(〖「]\s*{title}\s*[】\]）)〗」]", body)):
            found.add(dim)
    # a longer name holding a shorter one (市场分析与策略 ⊃ 市场): the longer one is meant
    if len(found) > 1:
        found = {d for d in found if not any(d != o and any(n in m for n in _names(d) for m in _names(o))
                                             for o in found)}
    return found.pop() if len(found) == 1 else None


def _mentioned(text: str, allowed: Sequence[str]) -> list[str]:
    """The allowed dimensions whose name occurs anywhere in ``text`` (a hint, never a choice)."""
    return [d for d in allowed if any(n in text for n in _names(d))]


# -- the draft ----------------------------------------------------------------------------------


def _label(vocabulary: str, term_id: str) -> str:
    return domain.label(domain.POPULATIONS if vocabulary == "population" else domain.DIMENSIONS, term_id)


def _labels(vocabulary: str, ids: Sequence[str]) -> str:
    return "、".join(_label(vocabulary, i) for i in ids)


def _ordered_populations(pops: set[str]) -> list[str]:
    return [p for p in domain.POPULATIONS if p in pops]


def _common_dimensions(pops: Sequence[str]) -> list[str]:
    return [d for d in domain.DIMENSIONS if all(d in domain.POPULATION_DIMENSIONS[p] for p in pops)]


def _answered(export: SurveyExport, col: ExportColumn) -> pd.Series:
    """Whether each response answered ``col`` (a missing marker is no answer)."""
    return (export.status[col.key] == "answered") & ~export.data[col.key].astype(str).str.strip().isin(DEFAULT_MISSING)


def _answers_of(export: SurveyExport, col: ExportColumn) -> list[str]:
    return export.data.loc[_answered(export, col), col.key].astype(str).str.strip().tolist()


def _codes_only(export: SurveyExport, col: ExportColumn) -> bool:
    """Whether every answer of a grouping column is an option code (问卷星 按序号, SPSS codes)."""
    answers = _answers_of(export, col)
    return bool(answers) and all(a.isdigit() for a in answers)


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (0, code)


def _number(text: str) -> float | None:
    """``text`` as a finite number, as the survey check reads a number background question."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _background_kind(export: SurveyExport, col: ExportColumn) -> str | None:
    """``number`` or ``category`` for a non-scale question kept per respondent, or None (ignored).

    A number: every answer a number of fewer than :data:`_CODE_DIGITS` digits without a leading
    zero (a phone or staff number is a code, and personal). A category: at most
    :data:`_MAX_CATEGORIES` distinct short answers, each given twice on average.
    """
    if col.kind in ("meta", "multi", "rank", "other", "matrix") or col.header.strip() in _META_HEADERS:
        return None
    values = _answers_of(export, col)
    if not values:
        return None
    digits = [re.sub(r"\D", "", v) for v in values]
    if (all(_number(v) is not None for v in values) and all(len(d) < _CODE_DIGITS for d in digits)
            and not any(v.startswith("0") and len(v) > 1 and not v.startswith("0.") for v in values)):
        return "number"
    distinct = set(values)
    if (len(distinct) <= _MAX_CATEGORIES and len(values) >= 2 * len(distinct)
            and all(len(v) <= 20 for v in distinct)):
        return "category"
    return None


class _Lines:
    """The YAML lines being written, and where the decisions and checks are."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.decisions: list[Decision] = []
        self.checks: list[int] = []

    def add(self, line: str, *, decision: str | None = None) -> None:
        """Append ``line``; a ``decision`` is a TODO value, any other ``# TODO`` comment a check."""
        self.lines.append(line)
        if decision is not None:
            self.decisions.append(Decision(len(self.lines), decision))
        elif _CHECK.search(line):
            self.checks.append(len(self.lines))


def draft_bundle_codebook(export: SurveyExport, files: Sequence[str] = ()) -> BundleCodebook:
    """Draft a bundle's ``codebook.yaml`` from a questionnaire export (see the module docstring).

    Parameters
    ----------
    export : SurveyExport
        The export (:func:`read_exports` for several downloads of one questionnaire).
    files : sequence of str, optional
        The names the exports are kept under in ``survey/``, for the header comment (default:
        the export's own name).

    Returns
    -------
    BundleCodebook

    Raises
    ------
    SurveyFileError
        When the export has no rating-scale question: a bundle's codebook needs items.
    """
    plan = plan_draft(export, staff_codes_first=True)
    if not plan.items:
        raise SurveyFileError([Problem(
            export.path.name, None, None,
            "含量表题（非常不符合…非常符合、从不…总是、1–5 分等）的问卷导出文件：编码表要把量表题对应到能力维度",
            f"{len(export.columns)} 列中没有一道量表题")])
    coded = [(name, col) for name, col in plan.groups.items() if col is not None and _codes_only(export, col)]
    if coded:
        raise SurveyFileError([Problem(
            export.path.name, None, col.header.strip(),
            f"{'岗位' if name == 'population' else '地区'}的名称（按文本下载的答卷，例如问卷星“按选项文本”、"
            "Qualtrics 的 choice text、LimeSurvey 的 full answers；SPSS 文件请另存为带值标签的 CSV）",
            f"选项代码 {'、'.join(sorted(set(_answers_of(export, col)), key=_code_order)[:6])}")
            for name, col in coded])
    files = tuple(files) or (export.path.name,)
    label = reader_for(export.platform).label
    out = _Lines()
    add = out.add
    add("# 问卷编码表：告诉 casekit 问卷导出文件的每一列是什么（由 casekit init --from-export 起草）。")
    add(f"# 导出文件：survey/{'、survey/'.join(yaml_comment(f) for f in files)}（{label}，原样保存，请勿修改）；"
        f"答卷 {len(export.data)} 份。")
    add("# 还须您决定的地方写作 TODO：casekit validate 会逐条列出（第几行、可选什么）。")
    add("# 以 “# TODO” 开头的注释是请您核对的猜测（量表顺序、数字的含义），不影响检查。")
    add("# 反向计分题没有猜测：反向题请把 reverse 改为 true。格式说明见 docs/bundle-format.md。")
    add(f"platform: {export.platform}   # 导出文件来自{label}，按下载时的原样读取")

    # identifying columns -----------------------------------------------------------------
    choice = plan.respondent_id
    groups = plan.groups
    add("columns:")
    for line in _respondent_id_comment(choice):
        add(f"  # {line}")
    if choice.column is not None:
        add(f"  respondent_id: {column_reference(export, choice.column, flow=True)}")
    else:
        add(f"  respondent_id: {TODO}   # TODO 没有每份答卷各不相同的列：请填写答卷编号或工号所在列的表头",
            decision="答卷编号列（respondent_id）：填写每份答卷各不相同的那一列的表头")
    region_col, pop_col = groups.get("region"), groups.get("population")
    if region_col is not None:
        add(f"  region: {column_reference(export, region_col, flow=True)}   # 所在地区：{_title(region_col)}"
            "（manifest.yaml 的地区由此列的地名生成）")
    else:
        add(f"  region: {TODO}   # TODO 没有找到“所在地区/地市”列：请填写表头",
            decision="地区列（region）：填写受访者所在地区那一列的表头")
    pops_of_row = pd.Series([None] * len(export.data), index=export.data.index, dtype=object)
    unknown_pops: tuple[str, ...] = ()
    if pop_col is not None:
        answered = export.data.loc[_answered(export, pop_col), pop_col.key].astype(str).str.strip()
        lookup = {v: domain.lookup(domain.POPULATIONS, v) for v in answered.unique()}
        pops_of_row = export.data[pop_col.key].astype(str).str.strip().map(lookup).where(_answered(export, pop_col))
        unknown_pops = tuple(v for v, pid in lookup.items() if pid is None)
        add(f"  population: {column_reference(export, pop_col, flow=True)}   # 岗位（培训对象）：{_title(pop_col)}")
        if unknown_pops:
            add(f"  # TODO 岗位列中的「{'」「'.join(yaml_comment(v) for v in unknown_pops[:8])}」不是本方法的培训对象"
                f"（{_labels('population', list(domain.POPULATIONS))}）：这些答卷会被 casekit validate 逐行列出")
    else:
        add(f"  population: {TODO}   # TODO 没有找到“岗位”列：请填写表头，该列的答案须是 "
            f"{_labels('population', list(domain.POPULATIONS))} 之一",
            decision="岗位列（population）：填写受访者岗位那一列的表头")
    add("missing: [" + ", ".join(yaml_scalar(m) if m else '""' for m in DEFAULT_MISSING) + "]   # 表示“未作答”的单元格")

    # items: one score range; the others aside -----------------------------------------------
    span = {name: (min(v for _, v in g.labels), max(v for _, v in g.labels)) for name, g in plan.scales.items()}
    by_range = Counter(span[i.scale] for i in plan.items)
    main_range = by_range.most_common(1)[0][0]
    items = [i for i in plan.items if span[i.scale] == main_range]
    off_range = [i for i in plan.items if span[i.scale] != main_range]
    scales: dict[str, ScaleGuess] = {n: g for n, g in plan.scales.items() if any(i.scale == n for i in items)}
    review_scale = next((n for n, g in scales.items() if [lab for lab, _ in g.labels]
                         == ["非常不符合", "不太符合", "一般", "比较符合", "非常符合"]), None)
    add("scales:   # 量表：选项 → 分值（由导出中的答案推断）")
    for line in scale_lines(scales, english=False):
        add(f"  {line}")
    if review_scale is None:
        review_scale = "agree5" if "agree5" not in scales else "agree5_360"
        add(f"  {review_scale}:   # 360度评估用的量表（模板）")
        add(f"    labels: {_REVIEW_SCALE}")

    # background ------------------------------------------------------------------------------
    background: list[tuple[ExportColumn, str, str | None]] = []
    roles: set[str] = set()
    kept: set[str] = set()
    for col, why in plan.ignored:
        if why not in (NOT_A_SCALE, NOT_A_RATING):
            continue
        kind = _background_kind(export, col)
        if kind is None:
            continue
        text = question_text(col.header) or col.stem
        role = next((r for r, hint in _ROLE_HINTS if kind == "number" and r not in roles and hint.search(text)), None)
        if role is not None:
            roles.add(role)
        background.append((col, kind, role))
        kept.add(col.key)
    if background:
        add("background:   # 非量表题，按答卷保留（数值或类别）")
        for col, kind, role in background:
            add(f"  - id: {yaml_scalar(col.key)}   # {_title(col)}")
            add(f"    {column_match(export, col)}")
            add(f"    type: {kind}")
            if role is not None:
                add(f"    role: {role}   # 用于分析的“{domain.label(domain.BACKGROUND_ROLES, role)}”；如不是，请删去这一行")

    add("items:   # 量表题：每题的培训对象（populations）和能力维度（dimension）")
    n_mapped = 0
    for item in items:
        n_mapped += _item(out, export, item, pops_of_row, pop_col is not None)

    # ignored ---------------------------------------------------------------------------------
    add("ignore:   # 不参与分析的列")
    n_ignored = 0
    for item in off_range:
        lo, hi = span[item.scale]
        add(f"  - {column_reference(export, item.column)}   # 量表范围 {lo:g}–{hi:g} 与其他量表题"
            f"（{main_range[0]:g}–{main_range[1]:g}）不同，未作为能力题：同一类人员的题目须用同一范围")
        n_ignored += 1
    for col, why in plan.ignored:
        if col.key in kept:
            continue
        add(f"  - {column_reference(export, col)}   # {_why_ignored(col, why)}")
        n_ignored += 1
    if not n_ignored:
        add("  []")

    # 360° review -----------------------------------------------------------------------------
    add("reviews_360:   # 360度评估的题目（reviews_360.csv 的 item_id 须是这里的 id）")
    add("  # 以下三道是样例项目的示例题，不来自导出文件：请换成本项目360度评估问卷的题目")
    add(f"  scale: {review_scale}")
    add("  items:")
    for rid, text, dim in _REVIEW_ITEMS:
        add(f"    - {{id: {rid}, text: {text}, dimension: {dim}}}")

    region_names: tuple[str, ...] = ()
    if region_col is not None:
        answered = export.data.loc[_answered(export, region_col), region_col.key].astype(str).str.strip()
        region_names = tuple(dict.fromkeys(v for v in answered.tolist() if v))
    return BundleCodebook(
        text="\n".join(out.lines) + "\n", platform=export.platform, platform_label=label,
        n_responses=len(export.data), respondent_id=choice,
        region_column=region_col.header.strip() if region_col is not None else None,
        population_column=pop_col.header.strip() if pop_col is not None else None,
        region_names=region_names, unknown_populations=unknown_pops, n_items=len(items), n_mapped=n_mapped,
        background=tuple(c.header.strip() for c, _, _ in background), n_ignored=n_ignored,
        decisions=tuple(out.decisions), checks=tuple(out.checks))


def _respondent_id_comment(choice: RespondentIdChoice) -> list[str]:
    """Why the respondent id is what it is, and what to change it to, as comment lines."""
    col = choice.column
    join = ("随访记录（ride_alongs.csv 的 account_manager）和360度评估（reviews_360.csv 的 manager_id）"
            "须用同一编号，才能与问卷对应。")
    if col is None:
        return ["答卷编号（respondent_id）：导出中没有每份答卷各不相同的列。", join]
    header = yaml_comment(col.header.strip())
    if col.key == "response_id":
        lines = [f"答卷编号（respondent_id）：选用「{header}」，即平台的答卷序号，每份答卷各不相同。",
                 join + "问卷中若有工号等员工编号列，请改用那一列。"]
    else:
        lines = [f"答卷编号（respondent_id）：选用「{header}」，表头像员工编号，每份答卷各不相同。", join]
    others = [c for c in choice.alternatives if c is not col]
    if others:
        lines.append(f"「{'」「'.join(yaml_comment(c.header.strip()) for c in others)}」也是每份答卷一个编号，可改用。")
    return lines


def _title(col: ExportColumn) -> str:
    """The column for a comment: its header (and matrix row), with the question when the header
    is only a code (Qualtrics ``Q6``, SPSS variable names)."""
    title = column_title(col)
    stem = col.stem.strip()
    if stem and stem not in col.header:
        title += f"（{yaml_comment(stem)}）"
    return title


def _why_ignored(col: ExportColumn, why: str) -> str:
    if col.kind == "meta" or col.header.strip() in _META_HEADERS:
        return "平台记录的信息"
    return {"multi": "多选题", "rank": "排序题", "other": "“其他”的填写内容",
            NOT_A_RATING: "数值题，不是量表", NOT_A_SCALE: "开放题或非量表题"}.get(why, "答案太少，无法推断量表")


def _item(out: _Lines, export: SurveyExport, item: DraftedItem, pops_of_row: pd.Series, known_pops: bool) -> int:
    """Write one item; return 1 when its dimension was taken from the question, else 0."""
    col = item.column
    add = out.add
    add(f"  - id: {yaml_scalar(col.key)}   # {_title(col)}")
    add(f"    {column_match(export, col)}")
    texts = [t for t in (col.sub_item or "", question_text(col.header), col.stem) if t and t.strip()]
    named = next((d for d in (named_dimension(t) for t in texts) if d is not None), None)
    who = pops_of_row[_answered(export, col)].dropna()
    counts = Counter(who.tolist())
    pops = _ordered_populations(set(counts))
    statement = " ".join(texts)
    if not pops:
        if named is not None:
            pops = [p for p in domain.POPULATIONS if named in domain.POPULATION_DIMENSIONS[p]]
            add(f"    populations: [{_labels('population', pops).replace('、', ', ')}]   "
                f"# TODO 按维度推断的培训对象，请核对")
        else:
            why = "回答过这道题的人没有一个填了已知的岗位" if known_pops else "导出中没有岗位列"
            add(f"    populations: [{TODO}]   # TODO {why}：请填写这道题问的是哪类人员："
                f"{_labels('population', list(domain.POPULATIONS))}（可填多个，用逗号分开）",
                decision=f"{col.key} 的培训对象（populations）：{_labels('population', list(domain.POPULATIONS))}")
            add(f"    dimension: {TODO}   # TODO 请在填好 populations 后选择这类人员的能力维度",
                decision=f"{col.key} 的能力维度（dimension）：填好 populations 后选择")
            _item_tail(out, item)
            return 0
    else:
        asked = "、".join(f"{_label('population', p)} {counts[p]} 人" for p in pops)
        add(f"    populations: [{_labels('population', pops).replace('、', ', ')}]   # 回答过这道题的人：{asked}")
    common = _common_dimensions(pops)
    if named is not None and named in common:
        add(f"    dimension: {_label('dimension', named)}   # 题目中写明的维度")
        _item_tail(out, item)
        return 1
    who_text = _labels("population", pops)
    if not common:
        add(f"    dimension: {TODO}   # TODO {who_text}都答了这道题，但没有共同的能力维度：请把这道题移到"
            f" ignore:（不计分）。只保留一类人员也可以，但导出中其他人员的答案会被逐条报为问题，导出文件又不能改",
            decision=f"{col.key}：{who_text}没有共同的能力维度，请移到 ignore:")
    else:
        hint = ""
        if named is not None:
            hint = f"（题目写的“{_label('dimension', named)}”不是{who_text}都有的维度）"
        else:
            mentioned = _mentioned(statement, common)
            if mentioned:
                hint = f"（题目中提到：{_labels('dimension', mentioned)}）"
        add(f"    dimension: {TODO}   # TODO 请选择{who_text}的能力维度：{_labels('dimension', common)}{hint}",
            decision=f"{col.key} 的能力维度（dimension）：{_labels('dimension', common)}")
    _item_tail(out, item)
    return 0


def _item_tail(out: _Lines, item: DraftedItem) -> None:
    out.add(f"    scale: {item.scale}")
    out.add(f"    reverse: false   # 反向题改为 true；答案：{answers_text(item.answers)}")
