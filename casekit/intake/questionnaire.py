"""A standalone codebook: how to score any questionnaire export, outside a research bundle.

The file uses the keys and wording of the bundle's ``codebook.yaml`` (``docs/bundle-format.md``)
so that consultants learn one format, with these differences:

* ``columns:`` maps any names to the export's identifying or grouping columns. Only
  ``respondent_id`` has a meaning of its own (without it respondents are numbered in file order);
  every other entry (``region``, ``population``, ``team`` …) is a grouping column.
* ``items[].dimension`` is free text: the name of the scale (construct) the item belongs to.
  ``populations`` is optional and kept for reference only.
* An item names its column by exactly one of ``column`` (the exact header), ``pattern`` (a
  regular expression searched in the headers, which must match exactly one column),
  ``platform_id`` (Qualtrics ``QID3_1``, LimeSurvey ``Q3[SQ001]``, an SPSS variable name) or
  ``key`` (the :class:`~casekit.intake.exports.SurveyExport` key such as ``Q3_1``). A
  ``columns:`` entry may be a header or a mapping with one of these four keys. The matching is
  :mod:`casekit.intake.columns`, shared with a bundle's ``codebook.yaml`` with ``platform:``.
* The platform's metadata columns (``kind == "meta"``) need not be listed under ``ignore:``.

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

from casekit.exceptions import Problem, SurveyFileError
from casekit.intake._files import (
    MISSING,
    line_of,
    load_yaml,
    read_text,
    text_of,
)
from casekit.intake.codebook import Scale
from casekit.intake.columns import (
    MATCH_KEYS,
    ColumnMatch,
    find_columns,
    match_failure,
    parse_match,
)
from casekit.intake.exports.model import ExportColumn, SurveyExport

__all__ = [
    "MATCH_KEYS",
    "RESPONDENT_ID",
    "ColumnMatch",
    "Questionnaire",
    "QuestionnaireData",
    "QuestionnaireItem",
    "apply_questionnaire",
    "parse_questionnaire",
    "read_questionnaire",
]

#: The ``columns:`` entry naming the respondent id column.
RESPONDENT_ID = "respondent_id"

_TOP_KEYS = ("columns", "missing", "scales", "items", "ignore", "background", "reviews_360")
_ITEM_KEYS = ("id", *MATCH_KEYS, "dimension", "populations", "scale", "reverse", "text")
_BACKGROUND_KEYS = ("id", *MATCH_KEYS, "type")
#: Answers compared to find one submission sent twice: at least this many answered cells.
_MIN_ANSWERED_FOR_DUPLICATE = 2


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
    """

    path: Path
    columns: Mapping[str, ColumnMatch]
    missing: tuple[str, ...]
    scales: Mapping[str, Scale]
    items: tuple[QuestionnaireItem, ...]
    ignore: tuple[str, ...] = ()
    lines: Mapping[str, int | None] = field(default_factory=dict)

    @property
    def scale_items(self) -> dict[str, list[str]]:
        """Dimension (scale name) → its item ids, in codebook order."""
        out: dict[str, list[str]] = {}
        for item in self.items:
            out.setdefault(item.dimension, []).append(item.id)
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
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    data, lines, problems = load_yaml(text, rel)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(rel, 1, None, "a YAML mapping with keys columns, missing, scales, items, ignore",
                              type(data).__name__)]

    def p(where: tuple, column: str | None, expected: str, found: Any) -> None:
        problems.append(Problem(rel, line_of(lines, *where), column, expected,
                                MISSING if found is None or found == "" else str(found)))

    for key in data:
        if str(key) not in _TOP_KEYS:
            p((key,), str(key), f"a key among {', '.join(_TOP_KEYS)}", key)

    where: dict[str, int | None] = {}
    # columns -------------------------------------------------------------------------------
    columns: dict[str, ColumnMatch] = {}
    raw = data.get("columns") or {}
    if not isinstance(raw, dict):
        p(("columns",), "columns", "a mapping name → export header (respondent_id, region, population …)", raw)
        raw = {}
    for name, spec in raw.items():
        name = text_of(name)
        match = parse_match(spec, ("columns", name), name, p, lines, allow_plain=True)
        if match is not None:
            columns[name] = match
            where[f"columns.{name}"] = line_of(lines, "columns", name)

    missing_raw = data.get("missing", [""])
    if not isinstance(missing_raw, list):
        p(("missing",), "missing", "a list of cell values meaning 'no answer'", missing_raw)
        missing_raw = []
    missing = tuple(dict.fromkeys(["", *(text_of(m) for m in missing_raw)]))

    # scales --------------------------------------------------------------------------------
    scales: dict[str, Scale] = {}
    raw = data.get("scales")
    if not isinstance(raw, dict) or not raw:
        p(("scales",), "scales", "a mapping scale name → {labels: {label: value}}", raw)
        raw = {}
    for name, spec in raw.items():
        labels = spec.get("labels") if isinstance(spec, dict) else None
        if not isinstance(labels, dict) or len(labels) < 2:
            p(("scales", name), str(name), "labels: a mapping of at least two label → value", labels)
            continue
        bad = [k for k, v in labels.items() if not _is_number(v)]
        if bad:
            p(("scales", name, "labels", bad[0]), str(bad[0]), "a numeric scale value", labels[bad[0]])
            continue
        parsed = Scale(str(name), {text_of(k): float(v) for k, v in labels.items()})
        if parsed.min == parsed.max:
            p(("scales", name, "labels"), str(name), "labels with at least two different values",
              f"every label valued {parsed.min:g}")
            continue
        scales[str(name)] = parsed

    # background (kept as grouping columns) ---------------------------------------------------
    raw = data.get("background") or []
    if not isinstance(raw, list):
        p(("background",), "background", "a list of {id, column, type}", raw)
        raw = []
    for i, q in enumerate(raw):
        path_ = ("background", i)
        if not isinstance(q, dict):
            p(path_, "background", "a mapping {id, column, type}", q)
            continue
        for key in q:
            if str(key) not in _BACKGROUND_KEYS:
                p(path_ + (key,), str(key), f"a key among {', '.join(_BACKGROUND_KEYS)}", key)
        qid = text_of(q.get("id"))
        if not qid or qid in columns:
            p(path_ + ("id",), "id", "a unique name, not one used under columns:", qid)
            continue
        match = parse_match(q, path_, qid, p, lines)
        if match is not None:
            columns[qid] = match
            where[f"columns.{qid}"] = line_of(lines, *path_)

    # items ---------------------------------------------------------------------------------
    items: list[QuestionnaireItem] = []
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        p(("items",), "items", "a non-empty list of scale items", raw)
        raw = []
    ids: set[str] = set()
    for i, it in enumerate(raw):
        path_ = ("items", i)
        if not isinstance(it, dict):
            p(path_, "items", "a mapping {id, column, dimension, scale}", it)
            continue
        ok = True
        for key in it:
            if str(key) not in _ITEM_KEYS:
                p(path_ + (key,), str(key), f"a key among {', '.join(_ITEM_KEYS)}", key)
                ok = False
        iid = text_of(it.get("id"))
        if not iid or iid in ids:
            p(path_ + ("id",), "id", "a unique item id", iid)
            ok = False
        ids.add(iid)
        match = parse_match(it, path_, iid or f"item {i + 1}", p, lines)
        dim = text_of(it.get("dimension"))
        if not dim:
            p(path_ + ("dimension",), "dimension", "the name of the scale (construct) this item measures", None)
            ok = False
        scale = text_of(it.get("scale"))
        if scale not in scales:
            p(path_ + ("scale",), "scale", f"a scale defined under scales: ({', '.join(scales) or 'none'})", scale)
            ok = False
        reverse = it.get("reverse", False)
        if not isinstance(reverse, bool):
            p(path_ + ("reverse",), "reverse", "true or false", reverse)
            ok = False
        pops = it.get("populations") or []
        pops = [pops] if isinstance(pops, str) else pops
        if not isinstance(pops, list):
            p(path_ + ("populations",), "populations", "a list of populations asked this item", pops)
            ok = False
            pops = []
        if ok and match is not None:
            items.append(QuestionnaireItem(iid, match, dim, scale, reverse, tuple(text_of(x) for x in pops),
                                           line_of(lines, *path_)))

    # ignore --------------------------------------------------------------------------------
    ignore_raw = data.get("ignore") or []
    if not isinstance(ignore_raw, list):
        p(("ignore",), "ignore", "a list of export headers to ignore", ignore_raw)
        ignore_raw = []
    ignore = tuple(text_of(h) for h in ignore_raw if text_of(h))

    return Questionnaire(path, columns, missing, scales, tuple(items), ignore, where), problems


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# ------------------------------------------------------------------------------------------
# applying it to an export


def apply_questionnaire(
    export: SurveyExport, questionnaire: Questionnaire, *, earlier: Sequence[Problem] = ()
) -> QuestionnaireData:
    """Score an export with a standalone codebook.

    Parameters
    ----------
    export : SurveyExport
        The questionnaire export, as read by :func:`~casekit.intake.exports.read_export`.
    questionnaire : Questionnaire
        The codebook, as read by :func:`read_questionnaire` (or :func:`parse_questionnaire`).
    earlier : sequence of Problem, optional
        Problems already found (e.g. in the codebook by :func:`parse_questionnaire`), reported
        together with those found here.

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
        are not a label or value of the item's scale; empty or repeated respondent ids; the same
        answers submitted twice under different respondent ids. Problems in the export give its
        file name, line (``SurveyExport.rows``) and header; problems in the codebook its file
        name, YAML line and key.
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
            problems.append(Problem(cb, line, column, f"a column not already used by {used[col.key]}",
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
        problems.append(Problem(exp, None, None, "at least one response below the header", "no responses"))

    ignored = set(q.ignore)
    for col in export.columns:
        if (col.kind == "meta" or col.key in used or col.key in mentioned
                or col.header.strip() in ignored or col.key in ignored):
            continue
        problems.append(Problem(exp, None, col.header,
                                f"a column listed under items, columns or ignore in {cb}",
                                f"question column {col.key} not in the codebook"))

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
    for item in q.items:
        col = item_cols.get(item.id)
        if col is None:
            continue
        scale = q.scales[item.scale]
        codes = export.value_labels.get(col.key, {})
        numbers = {v: v for v in scale.values}
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
                problems.append(Problem(exp, lines[r], id_col.header, "a respondent id", MISSING))
            elif rid in first:
                problems.append(Problem(exp, lines[r], id_col.header,
                                        f"a respondent id used once (also on row {lines[first[rid]]})", rid))
            else:
                first[rid] = r
        index = [rid if rid is not None else f"(row {lines[r]})" for r, rid in enumerate(ids)]
    else:
        index = [str(r + 1) for r in range(n)]
    groups = {name: [a or "" for a in answers(col)] for name, col in group_cols.items() if name != RESPONDENT_ID}

    # one submission sent twice -------------------------------------------------------------
    compare = [c.key for c in export.columns if c.kind != "meta" and (id_col is None or c.key != id_col.key)]
    if compare and n > 1:
        status = export.status[compare].to_numpy(dtype=object)
        values = export.data[compare].to_numpy(dtype=object)
        seen: dict[tuple, int] = {}
        for r in range(n):
            answered = [j for j in range(len(compare)) if status[r, j] == "answered"]
            if len(answered) < _MIN_ANSWERED_FOR_DUPLICATE:
                continue
            signature = tuple((str(values[r, j]).strip() if status[r, j] == "answered" else None)
                              for j in range(len(compare)))
            if signature in seen:
                k = seen[signature]
                who = f"respondent {index[k]}, row {lines[k]}" if id_col is not None else f"row {lines[k]}"
                problems.append(Problem(
                    exp, lines[r], id_col.header if id_col is not None else None,
                    f"answers differing from those of {who} (delete one of the two submissions)",
                    f"the same answers as row {lines[k]}" + (f" under respondent id {index[r]}" if id_col else ""),
                ))
            else:
                seen[signature] = r

    if problems:
        raise SurveyFileError(problems)
    idx = pd.Index(index, name="respondent", dtype=object)
    items = pd.DataFrame(matrix, index=idx, columns=[i.id for i in q.items], dtype="float64")
    group_frame = pd.DataFrame(groups, index=idx, columns=list(groups), dtype=object)
    headers = {i: c.header for i, c in item_cols.items()} | {g: c.header for g, c in group_cols.items()}
    return QuestionnaireData(items=items, groups=group_frame, scales=q.scale_items,
                             reversed_items=tuple(reversed_items), rows=tuple(export.rows), headers=headers)


def _score(text: str, scale: Scale, codes: Mapping[str, str], numbers: Mapping[float, float]) -> float | str:
    """An answer's scale value, or what was expected (text) when it is not one."""
    if text in scale.labels:
        return scale.labels[text]
    label = codes.get(text)
    if label is not None and label in scale.labels:
        return scale.labels[label]
    try:
        number = float(text)
    except ValueError:
        return f"a label of scale {scale.name} ({scale.describe()}) or a missing marker"
    if number in numbers:
        return numbers[number]
    return f"a value of scale {scale.name} ({'、'.join(f'{v:g}' for v in scale.values)})"
