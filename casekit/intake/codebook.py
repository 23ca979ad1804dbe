"""``codebook.yaml``: how to read the questionnaire export, and the 360° review items.

Without ``platform:`` every entry names its export column by exact header (``column``). With
``platform:`` (one of :func:`platform_choices`) the exports in ``survey/`` are read as downloaded
from that platform (:func:`~casekit.surveys.read_export`) and an item, a background
question or an identifying column may name its column by exactly one of
:data:`~casekit.intake.columns.MATCH_KEYS` (``column``, ``pattern``, ``platform_id``, ``key``),
parsed and matched by :mod:`casekit.intake.columns` exactly as in a standalone codebook.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.intake._files import line_of, text_of
from casekit.intake.config import Each, Keyed, Schema, read_config
from casekit.intake.columns import MATCH_KEYS, ColumnMatch, parse_match
from casekit.intake.schemas import ITEMS, REVIEW_ITEMS, vocab_expected
from casekit.surveys import platform_ids
from casekit.language import tr

__all__ = [
    "AUTO",
    "CODEBOOK_FILE",
    "BackgroundQuestion",
    "BackgroundSchema",
    "Codebook",
    "CodebookSchema",
    "ItemSchema",
    "MatchSchema",
    "Scale",
    "ScaleSchema",
    "platform_choices",
    "read_codebook",
]

CODEBOOK_FILE = "codebook.yaml"
#: Keys of ``columns:`` (the export's identifying headers).
ID_KEYS = ("respondent_id", "region", "population")
BACKGROUND_TYPES = ("category", "number")
#: ``platform: auto``: detect each export's platform.
AUTO = "auto"


def platform_choices() -> tuple[str, ...]:
    """Values of ``platform:``: every registered survey platform (:func:`casekit.surveys.platform_ids`), then ``auto``."""
    return (*platform_ids(), AUTO)


# -- schema: the keys of codebook.yaml (and, with its own top level, of standalone codebooks) ---


class MatchSchema(Schema):
    """How an entry names its export column: one of ``MATCH_KEYS`` (or a bare header)."""

    column: Any = None
    pattern: Any = None
    platform_id: Any = None
    key: Any = None


class ScaleSchema(Schema):
    """A response scale: ``labels`` label → value."""

    labels: Any = None


class BackgroundSchema(Schema):
    """A background question kept per respondent."""

    id: Any = None
    column: Any = None
    pattern: Any = None
    platform_id: Any = None
    key: Any = None
    type: Any = None
    role: Any = None


class ItemSchema(Schema):
    """A scale item (``text``: the question's wording, for the reader of the file)."""

    id: Any = None
    column: Any = None
    pattern: Any = None
    platform_id: Any = None
    key: Any = None
    dimension: Any = None
    populations: Any = None
    scale: Any = None
    reverse: Any = None
    text: Any = None


class ColumnsSchema(Schema):
    """The export's identifying columns."""

    respondent_id: MatchSchema | None = None
    region: MatchSchema | None = None
    population: MatchSchema | None = None


class ReviewItemSchema(Schema):
    """An item of the 360° review."""

    id: Any = None
    text: Any = None
    dimension: Any = None


class ReviewsSchema(Schema):
    """The 360° review: its scale and items."""

    scale: Any = None
    items: Each[ReviewItemSchema] | None = None


class CodebookSchema(Schema):
    """The keys of ``codebook.yaml`` (``docs/bundle-format.md``)."""

    platform: Any = None
    columns: ColumnsSchema | None = None
    missing: Any = None
    scales: Keyed[ScaleSchema] | None = None
    background: Each[BackgroundSchema] | None = None
    items: Each[ItemSchema] | None = None
    ignore: Any = None
    reviews_360: ReviewsSchema | None = None


@dataclass(frozen=True)
class Scale:
    """A response scale: Chinese label → numeric value."""

    name: str
    labels: Mapping[str, float]

    @property
    def values(self) -> tuple[float, ...]:
        """The scale's distinct values, ascending."""
        return tuple(sorted(set(self.labels.values())))

    @property
    def min(self) -> float:
        """Lowest value."""
        return min(self.labels.values())

    @property
    def max(self) -> float:
        """Highest value."""
        return max(self.labels.values())

    def describe(self) -> str:
        """Short text for problems: ``非常不符合…非常符合 or 1–5``."""
        labels = list(self.labels)
        return tr(f"{labels[0]}…{labels[-1]} 或 {self.min:g}–{self.max:g}",
                  f"{labels[0]}…{labels[-1]} or {self.min:g}–{self.max:g}")


@dataclass(frozen=True)
class BackgroundQuestion:
    """A non-scale question kept per respondent.

    ``column`` is the export header, or (when matched otherwise, with ``platform:`` set) the
    match as text, e.g. ``key 'Q2'``.
    """

    id: str
    column: str
    type: str
    line: int | None = None
    role: str | None = None


@dataclass(frozen=True, eq=False)
class Codebook:
    """The parsed ``codebook.yaml``.

    Attributes
    ----------
    columns : mapping of str to str
        ``respondent_id`` / ``region`` / ``population`` → the export's header (or, for an entry
        matched by ``pattern``/``platform_id``/``key``, the match as text: ``key 'Q1'``).
    missing : tuple of str
        Cell values meaning "no answer" (the empty cell always does).
    scales : mapping of str to Scale
    background : tuple of BackgroundQuestion
    items : DataFrame
        Columns of ``casekit.intake.schemas.ITEMS``, in codebook order; ``column`` is the
        export's header, or the match as text (``pattern '^3、'``) for other matches.
    ignore : tuple of str
        Export headers that are platform metadata, not questions (with ``platform:`` set, also
        column keys such as ``submitted_at`` or ``Q9``).
    review_scale : str or None
        Scale of ``reviews_360.csv`` scores.
    review_items : DataFrame
        ``item_id``, ``text``, ``dimension`` of the 360° review.
    lines : mapping of str to int
        ``"items.<id>"`` / ``"background.<id>"`` / ``"columns.<key>"`` → line in codebook.yaml.
    platform : str or None
        ``platform:`` (one of :func:`platform_choices`); None when absent: the exports are then
        read in casekit's own layout and every column is named by its exact header.
    matches : mapping of str to ColumnMatch
        Same keys as ``lines`` → how the entry names its column (``column`` matches included).
    rejected : mapping of str to ColumnMatch
        How the items and background questions left out for a problem name their column
        (``"items.<id or position>"`` …): the survey check does not report such a column as
        unmapped too, so one mistake in an entry is one problem.
    """

    columns: Mapping[str, str]
    missing: tuple[str, ...]
    scales: Mapping[str, Scale]
    background: tuple[BackgroundQuestion, ...]

    def role_column(self, role: str) -> str | None:
        """Return the id of the background question with ``role`` (``None`` when none has it).

        Roles (``casekit.domain.BACKGROUND_ROLES``) tell the analysis which background
        question holds, e.g., the sales result (``performance``) or the weekly visit count.
        """
        for q in self.background:
            if q.role == role:
                return q.id
        return None
    items: pd.DataFrame
    ignore: tuple[str, ...] = ()
    review_scale: str | None = None
    review_items: pd.DataFrame = field(default_factory=REVIEW_ITEMS.empty)
    lines: Mapping[str, int | None] = field(default_factory=dict)
    platform: str | None = None
    matches: Mapping[str, ColumnMatch] = field(default_factory=dict)
    rejected: Mapping[str, ColumnMatch] = field(default_factory=dict)


def read_codebook(root: Path) -> tuple[Codebook | None, list[Problem]]:
    """Read and check ``codebook.yaml`` of the bundle at ``root``.

    Parameters
    ----------
    root : Path
        The bundle folder.

    Returns
    -------
    codebook : Codebook or None
        What could be read (entries with problems are left out); None when the file is missing
        or does not parse.
    problems : list of Problem
    """
    rel = CODEBOOK_FILE
    loaded = read_config(root / rel, rel, CodebookSchema, mapping_of="columns, scales, items")
    data, lines = loaded.data, loaded.lines
    if data is None:
        return None, loaded.problems
    p = loaded.log()
    where: dict[str, int | None] = {}

    matches: dict[str, ColumnMatch] = {}
    rejected: dict[str, ColumnMatch] = {}

    # platform ------------------------------------------------------------------------------
    platform: str | None = None
    if data.get("platform") is not None:
        platform = text_of(data.get("platform")).lower()
        if platform not in platform_choices():
            p(("platform",), "platform",
              tr(f"{'、'.join(platform_choices())} 之一（survey/ 中的导出文件是从哪个平台下载的）",
                 f"one of {', '.join(platform_choices())} (the platform the exports in survey/ were downloaded from)"),
              data.get("platform"))
            platform = AUTO  # keep checking the exports as downloaded, whatever their platform

    def match_of(spec: Any, path: tuple, name: str, *, allow_plain: bool = False) -> ColumnMatch | None:
        """How the entry at ``path`` names its column (problems recorded; None if it does not)."""
        if platform is not None:
            return parse_match(spec, path, name, p, lines, allow_plain=allow_plain)
        header = text_of(spec) if allow_plain else text_of(spec.get("column"))
        if header and not (allow_plain and isinstance(spec, dict)):
            return ColumnMatch("column", header, line_of(lines, *path))
        other = [k for k in MATCH_KEYS[1:] if isinstance(spec, dict) and text_of(spec.get(k))]
        if other:
            p(path + (other[0],), other[0], tr("column：导出文件中完全一致的表头（pattern、platform_id 和 key 需要在 "
                                              "codebook.yaml 开头写明 platform:）",
                                              "column: the export's exact header (pattern, platform_id and key "
                                              "need platform: set at the top of codebook.yaml)"), spec.get(other[0]))
        else:
            p(path if allow_plain else path + ("column",), name if allow_plain else "column",
              tr("这一列在导出文件中的表头", "the export's header of this column") if allow_plain else
              tr(f"这道{'背景题' if path[0] == 'background' else '题目'}在导出文件中的表头",
                 f"the export's header of this {'question' if path[0] == 'background' else 'item'}"), None)
        return None

    # columns -------------------------------------------------------------------------------
    columns: dict[str, str] = {}
    raw = data.get("columns")
    if not isinstance(raw, dict):
        p(("columns",), "columns", tr("respondent_id / region / population → 导出文件表头的映射",
                                      "a mapping respondent_id / region / population → export header"), raw)
        raw = {}
    for key in ID_KEYS:
        if key not in raw:
            p(("columns",), key, tr("这一列在导出文件中的表头", "the export's header of this column"), None)
            continue
        m = match_of(raw.get(key), ("columns", key), key, allow_plain=True)
        if m is not None:
            columns[key] = _as_text(m)
            matches[f"columns.{key}"] = m
            where[f"columns.{key}"] = line_of(lines, "columns", key)

    missing = parse_missing(data, p)
    scales = parse_scales(data, p)

    used_headers: dict[str, str] = {h: f"columns.{k}" for k, h in columns.items()}

    def claim(header: str, owner: str, path: tuple) -> bool:
        if header in used_headers:
            p(path, "column", tr(f"尚未被占用的导出文件表头（已被 {used_headers[header]} 使用）",
                                 f"an export header not already used (used by {used_headers[header]})"), header)
            return False
        used_headers[header] = owner
        return True

    # background ----------------------------------------------------------------------------
    background: list[BackgroundQuestion] = []
    raw = data.get("background") or []
    if not isinstance(raw, list):
        p(("background",), "background", tr("{id, column, type} 的列表", "a list of {id, column, type}"), raw)
        raw = []
    seen: set[str] = set(ID_KEYS) | {"region_id", "top_region_id"}
    roles_seen: dict[str, str] = {}
    for i, q in enumerate(raw):
        path = ("background", i)
        if not isinstance(q, dict):
            p(path, "background", tr("{id, column, type} 的映射", "a mapping {id, column, type}"), q)
            continue
        qid, qtype = text_of(q.get("id")), text_of(q.get("type") or "category")
        ok = True
        if not qid or qid in seen:
            p(path + ("id",), "id", tr("不重复的题目编号（不能是 respondent_id/region/population）",
                                       "a unique question id (not respondent_id/region/population)"), qid)
            ok = False
        m = match_of(q, path, qid or "background")
        col = _as_text(m) if m is not None else ""
        if m is None:
            ok = False
        if qtype not in BACKGROUND_TYPES:
            p(path + ("type",), "type", tr("category 或 number", "category or number"), qtype)
            ok = False
        role = text_of(q.get("role")) or None
        if role is not None:
            role_id = domain.lookup(domain.BACKGROUND_ROLES, role)
            if role_id is None:
                p(path + ("role",), "role", tr(f"{'、'.join(domain.BACKGROUND_ROLES)} 之一",
                                               f"one of {', '.join(domain.BACKGROUND_ROLES)}"), role)
                ok = False
            elif role_id in roles_seen:
                p(path + ("role",), "role", tr(f"尚未分配给 {roles_seen[role_id]} 的角色",
                                               f"a role not already given to {roles_seen[role_id]}"),
                  role)
                ok = False
            elif qtype != "number":
                p(path + ("type",), "type", tr(f"number（角色 {role_id} 是数字）", f"number (role {role_id} is a number)"),
                  qtype)
                ok = False
            else:
                roles_seen[role_id] = qid or "?"
            role = role_id
        if not ok and m is not None:
            rejected[f"background.{qid or i}"] = m
        if ok and claim(col, f"background {qid}", path + ("column",)):
            seen.add(qid)
            line = line_of(lines, *path)
            where[f"background.{qid}"] = line
            matches[f"background.{qid}"] = m  # type: ignore[assignment]
            background.append(BackgroundQuestion(qid, col, qtype, line, role))

    # items ---------------------------------------------------------------------------------
    rows: list[dict[str, Any]] = []
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        p(("items",), "items", tr("非空的量表题目列表", "a non-empty list of scale items"), raw)
        raw = []
    item_ids: set[str] = set()
    population_range: dict[str, tuple[str, str, tuple[float, float]]] = {}
    for i, it in enumerate(raw):
        path = ("items", i)
        if not isinstance(it, dict):
            p(path, "items", tr("{id, column, dimension, populations, scale} 的映射",
                                "a mapping {id, column, dimension, populations, scale}"), it)
            continue
        iid = text_of(it.get("id"))
        ok = True
        if not iid or iid in item_ids:
            p(path + ("id",), "id", tr("不重复的题目编号", "a unique item id"), iid if iid else None)
            ok = False
        m = match_of(it, path, iid or "items")
        col = _as_text(m) if m is not None else ""
        if m is None:
            ok = False
        dim = domain.lookup(domain.DIMENSIONS, text_of(it.get("dimension")))
        pops_raw = it.get("populations")
        if dim is None:
            p(path + ("dimension",), "dimension", _dimension_expected(pops_raw), text_of(it.get("dimension")))
            ok = False
        pops_raw = [pops_raw] if isinstance(pops_raw, str) else pops_raw
        pops: list[str] = []
        if not isinstance(pops_raw, list) or not pops_raw:
            p(path + ("populations",), "populations", tr("回答这道题的岗位列表",
                                                         "a list of populations asked this item"), pops_raw)
            ok = False
        else:
            for pr in pops_raw:
                pop = domain.lookup(domain.POPULATIONS, text_of(pr))
                if pop is None:
                    p(path + ("populations",), "populations",
                      vocab_expected(domain.POPULATIONS, "a population"), pr)
                    ok = False
                elif dim is not None and dim not in domain.POPULATION_DIMENSIONS[pop]:
                    allowed = "、".join(domain.label(domain.DIMENSIONS, d) for d in domain.POPULATION_DIMENSIONS[pop])
                    p(path + ("dimension",), "dimension",
                      tr(f"{pop} 的调研维度（{allowed}）", f"a research dimension of {pop} ({allowed})"),
                      text_of(it.get("dimension")))
                    ok = False
                else:
                    pops.append(pop)
        scale = text_of(it.get("scale"))
        if scale not in scales:
            p(path + ("scale",), "scale", tr(f"scales: 下定义的量表（{'、'.join(scales) or '无'}）",
                                             f"a scale defined under scales: ({', '.join(scales) or 'none'})"),
              scale if scale else None)
            ok = False
        reverse = it.get("reverse", False)
        if not isinstance(reverse, bool):
            p(path + ("reverse",), "reverse", tr("true 或 false", "true or false"), reverse)
            ok = False
        if not ok and m is not None:
            rejected[f"items.{iid or i}"] = m
        if not ok or not claim(col, f"item {iid}", path + ("column",)):
            if iid:
                item_ids.add(iid)
            continue
        item_ids.add(iid)
        where[f"items.{iid}"] = line_of(lines, *path)
        matches[f"items.{iid}"] = m  # type: ignore[assignment]
        # One score range per population: dimension means are compared and ranked within a
        # population, which is meaningless across 1–5 and 0–10 items.
        span = (scales[scale].min, scales[scale].max)
        for pop in pops:
            first = population_range.setdefault(pop, (iid, scale, span))
            if first[2] != span:
                p(path + ("scale",), "scale",
                  tr(f"问{domain.label(domain.POPULATIONS, pop)}的所有题目用同一个分数范围"
                     f"（题目 {first[0]} 用的是量表 {first[1]}：{_span(first[2])}）",
                     f"one score range for all items asked of {domain.label(domain.POPULATIONS, pop)} "
                     f"(item {first[0]} uses scale {first[1]}: {_span(first[2])})"),
                  f"{scale}: {_span(span)}")
        rows.append({"item_id": iid, "column": col, "dimension": dim, "populations": tuple(dict.fromkeys(pops)),
                     "scale": scale, "reverse": reverse, "scale_min": scales[scale].min,
                     "scale_max": scales[scale].max})
    items = pd.DataFrame(rows, columns=ITEMS.names)
    items = ITEMS.finalize(items) if rows else ITEMS.empty()
    items = items.set_index("item_id").loc[[r["item_id"] for r in rows]].reset_index() if rows else items

    # ignore --------------------------------------------------------------------------------
    ignore_raw = data.get("ignore") or []
    if not isinstance(ignore_raw, list):
        p(("ignore",), "ignore", tr("要忽略的导出文件表头列表（写了 platform: 时也可以是列键）",
                                    "a list of export headers (or, with platform:, column keys) to ignore"),
          ignore_raw)
        ignore_raw = []
    ignore = tuple(text_of(h) for h in ignore_raw if text_of(h))

    # 360 review ----------------------------------------------------------------------------
    review_scale: str | None = None
    review_rows: list[dict[str, str]] = []
    raw = data.get("reviews_360")
    if not isinstance(raw, dict):
        p(("reviews_360",), "reviews_360", tr("描述 360° 评估的 {scale, items} 映射",
                                              "a mapping {scale, items} describing the 360° review"), raw)
        raw = {}
    rs = text_of(raw.get("scale"))
    if raw and rs not in scales:
        p(("reviews_360", "scale"), "scale", tr(f"scales: 下定义的量表（{'、'.join(scales) or '无'}）",
                                                f"a scale defined under scales: ({', '.join(scales) or 'none'})"),
          rs if rs else None)
    elif raw:
        review_scale = rs
    ritems = raw.get("items") if raw else []
    if raw and (not isinstance(ritems, list) or not ritems):
        p(("reviews_360", "items"), "items", tr("非空的 {id, text, dimension} 列表",
                                                "a non-empty list of {id, text, dimension}"), ritems)
        ritems = []
    rids: set[str] = set()
    for i, it in enumerate(ritems or []):
        rpath: tuple = ("reviews_360", "items", i)
        if not isinstance(it, dict):
            p(rpath, "items", tr("{id, text, dimension} 的映射", "a mapping {id, text, dimension}"), it)
            continue
        rid, rtext = text_of(it.get("id")), text_of(it.get("text"))
        dim = domain.lookup(domain.DIMENSIONS, text_of(it.get("dimension")))
        ok = True
        if not rid or rid in rids:
            p(rpath + ("id",), "id", tr("不重复的 360° 题目编号", "a unique 360° item id"), rid if rid else None)
            ok = False
        if not rtext:
            p(rpath + ("text",), "text", tr("题目的文字", "the item's wording"), None)
            ok = False
        if dim is None:
            p(rpath + ("dimension",), "dimension", vocab_expected(domain.DIMENSIONS, "a dimension"),
              text_of(it.get("dimension")))
            ok = False
        rids.add(rid)
        if ok:
            review_rows.append({"item_id": rid, "text": rtext, "dimension": dim or ""})
    review_items = REVIEW_ITEMS.finalize(pd.DataFrame(review_rows, columns=REVIEW_ITEMS.names))

    return Codebook(columns=columns, missing=missing, scales=scales, background=tuple(background),
                    items=items, ignore=ignore, review_scale=review_scale, review_items=review_items,
                    lines=where, platform=platform, matches=matches, rejected=rejected), p.problems


def _dimension_expected(populations: Any) -> str:
    """What an item's missing or unknown ``dimension`` should be: one its populations share.

    Every dimension when the populations are not all known; else the dimensions of all of
    them, or -- when they share none -- that they must be fewer.
    """
    raw = [populations] if isinstance(populations, str) else populations
    pops = [domain.lookup(domain.POPULATIONS, text_of(x)) for x in raw] if isinstance(raw, list) else []
    if not pops or None in pops:
        return vocab_expected(domain.DIMENSIONS, "a dimension")
    pops = list(dict.fromkeys(pops))
    common = [d for d in domain.DIMENSIONS if all(d in domain.POPULATION_DIMENSIONS[x] for x in pops)]
    who = "、".join(domain.label(domain.POPULATIONS, x) for x in pops)
    if not common:
        return tr(f"所有作答岗位共有的能力维度（{who}没有共同的维度：请把这一列移到 ignore:，不计分；"
                  "只留一类人员时，其他人员的答案会被逐条报为问题）",
                  f"a dimension of every population asked ({who} share none: give fewer populations, "
                  "or list the column under ignore:)")
    dims = "、".join(domain.label(domain.DIMENSIONS, d) for d in common)
    return tr(f"{who}的能力维度（{dims}，或其英文编号）", f"a dimension of {who} ({dims}, or its English id)")


def _as_text(match: ColumnMatch) -> str:
    """The header of a ``column`` match; the match as text (``key 'Q3_1'``) otherwise."""
    return match.value if match.how == "column" else match.describe()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


Report = Callable[[tuple, str, str, Any], None]


def parse_missing(data: Mapping[str, Any], p: Report) -> tuple[str, ...]:
    """The codebook's ``missing`` markers (``""`` always included), reporting a non-list.

    Shared by the bundle codebook and standalone codebooks (:mod:`casekit.intake.questionnaire`).

    Parameters
    ----------
    data : mapping
        The parsed codebook.
    p : callable
        ``p(path, column, expected, found)`` records a problem at the YAML ``path``.

    Returns
    -------
    tuple of str
    """
    raw = data.get("missing", [""])
    if not isinstance(raw, list):
        p(("missing",), "missing", tr("表示“未作答”的单元格取值列表", "a list of cell values meaning 'no answer'"), raw)
        raw = []
    return tuple(dict.fromkeys(["", *(text_of(m) for m in raw)]))


def parse_scales(data: Mapping[str, Any], p: Report) -> dict[str, Scale]:
    """The codebook's response ``scales`` (label → value), reporting every bad one.

    A scale needs at least two labels, numeric finite values, and two different values.
    Shared by the bundle codebook and standalone codebooks.

    Parameters
    ----------
    data : mapping
        The parsed codebook.
    p : callable
        ``p(path, column, expected, found)`` records a problem at the YAML ``path``.

    Returns
    -------
    dict of str to Scale
        The scales without problems.
    """
    scales: dict[str, Scale] = {}
    raw = data.get("scales")
    if not isinstance(raw, dict) or not raw:
        p(("scales",), "scales", tr("量表名 → {labels: {标签: 值}} 的映射",
                                    "a mapping scale name → {labels: {label: value}}"), raw)
        raw = {}
    for name, spec in raw.items():
        labels = spec.get("labels") if isinstance(spec, dict) else None
        if not isinstance(labels, dict) or len(labels) < 2:
            p(("scales", name), str(name), tr("labels：至少两个“标签 → 值”的映射",
                                              "labels: a mapping of at least two label → value"), labels)
            continue
        bad = [k for k, v in labels.items() if not _number(v)]
        if bad:
            p(("scales", name, "labels", bad[0]), str(bad[0]), tr("数字形式的量表值",
                                                                  "a numeric scale value"), labels[bad[0]])
            continue
        parsed = Scale(str(name), {text_of(k): float(v) for k, v in labels.items()})
        if parsed.min == parsed.max:
            p(("scales", name, "labels"), str(name), tr("至少有两个不同值的标签", "labels with at least two different values"),
              tr(f"每个标签的值都是 {parsed.min:g}", f"every label valued {parsed.min:g}"))
            continue
        scales[str(name)] = parsed
    return scales


def _span(span: tuple[float, float]) -> str:
    lo, hi = span
    return f"{lo:g}–{hi:g}"
