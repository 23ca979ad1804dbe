"""The columns of every table casekit reads and produces, declared once.

A :class:`TableSchema` lists :class:`Column` s. Each column names the output column, its dtype,
the input header it is read from (``source``; ``None`` for columns derived by the reader),
whether that header is required, whether cells may be empty, and the check that parses a
cell (``text``, ``date``, ``int``, ``share``, ``number``, ``vocab``, ``vocab_list``,
``region``, or ``custom`` for checks a reader module does itself).

:func:`coerce` applies the generic checks to a text table, vectorised, and returns the
converted columns plus a :class:`~casekit.exceptions.Problem` for every failing cell;
:meth:`TableSchema.finalize` gives the output frame its exact columns, dtypes and row order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from casekit import domain
from casekit.domain import Term
from casekit.exceptions import Problem
from casekit.intake._files import FILE, MISSING, ROW, short_list
from casekit.language import language, tr

if TYPE_CHECKING:  # pragma: no cover
    from casekit.intake.manifest import Manifest

__all__ = [
    "CATALOGUE",
    "COMPETENCY",
    "ITEMS",
    "LIST_SEPARATORS",
    "NOTES",
    "REGIONS",
    "RESPONDENTS",
    "RESPONSES",
    "REVIEWS_360",
    "REVIEW_ITEMS",
    "RIDE_ALONGS",
    "Column",
    "TableSchema",
    "cell_problems",
    "coerce",
    "split_cell",
    "split_list",
    "vocab_expected",
    "vocab_map",
]

#: Separators of list-valued cells: ``;`` and the Chinese ``；`` and ``、``.
LIST_SEPARATORS = r"\s*[;；、]\s*"

CHECKS = ("text", "date", "int", "share", "number", "vocab", "vocab_list", "region", "custom", "derived")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Output column name (in the loaded :class:`~casekit.intake.Bundle`).
    dtype : str
        Output dtype: ``"str"``, ``"datetime64[ns]"``, ``"int64"``, ``"float64"``, ``"bool"`` or
        ``"object"`` (tuples, or text that may be missing).
    source : str or None
        Input header the column is read from; ``None`` for derived columns.
    required : bool
        The input header must be present.
    nullable : bool
        Empty cells are allowed.
    check : str
        How a cell is parsed, one of ``CHECKS``.
    vocab : mapping of str to Term, optional
        Vocabulary of a ``vocab`` / ``vocab_list`` column.
    what : str
        Words naming one value ("an industry"), used in problems.
    unique : bool
        Values must be unique within the table.
    """

    name: str
    dtype: str = "str"
    source: str | None = None
    required: bool = True
    nullable: bool = False
    check: str = "text"
    vocab: Mapping[str, Term] | None = None
    what: str = ""
    unique: bool = False


@dataclass(frozen=True)
class TableSchema:
    """An ordered set of columns plus the sort key of the output table."""

    name: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Output column names, in order."""
        return [c.name for c in self.columns]

    @property
    def sources(self) -> list[str]:
        """Input headers read by the schema, in order."""
        return [c.source for c in self.columns if c.source is not None]

    def column(self, name: str) -> Column:
        """Return the column named ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def with_sources(self, sources: Mapping[str, str]) -> TableSchema:
        """Return a copy whose columns read from other headers (``name → header``)."""
        cols = tuple(replace(c, source=sources.get(c.name, c.source)) for c in self.columns)
        return replace(self, columns=cols)

    def extended(self, extra: Iterable[Column]) -> TableSchema:
        """Return a copy with ``extra`` columns appended (e.g. background questions)."""
        return replace(self, columns=self.columns + tuple(extra))

    def empty(self) -> pd.DataFrame:
        """Return an empty output frame with the right columns and dtypes."""
        return self.finalize(pd.DataFrame({n: [] for n in self.names}))

    def finalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Select, cast and sort ``frame`` into this table's exact output layout."""
        out = pd.DataFrame(index=frame.index)
        for c in self.columns:
            s = frame[c.name] if c.name in frame.columns else pd.Series(np.nan, index=frame.index)
            if c.dtype == "object":
                s = s.astype(object).where(s.notna(), None)
            elif c.dtype == "datetime64[ns]":
                s = pd.to_datetime(s).astype("datetime64[ns]")
            else:
                try:
                    s = s.astype(c.dtype)
                except (ValueError, TypeError):
                    # only a frame with problems gets here (gaps or unparsed text); such a frame
                    # is used for cross-file checks and never returned to users
                    s = s.astype(object)
            out[c.name] = s
        if self.sort_by and len(out):
            out = out.sort_values(list(self.sort_by), kind="mergesort")
        return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# vocabulary helpers


def vocab_map(vocabulary: Mapping[str, Term]) -> dict[str, str]:
    """Return ``text → id`` for ids, labels and aliases (same precedence as ``domain.lookup``)."""
    out: dict[str, str] = {}
    for term in reversed(list(vocabulary.values())):
        out[term.label] = term.id
        for alias in term.aliases:
            out[alias] = term.id
    out.update({k: k for k in vocabulary})
    return out


#: ``what`` of a vocabulary (:func:`vocab_expected`, ``Column.what``) in Chinese.
_WHAT_ZH = {
    "a population": "岗位", "an industry": "行业", "behaviours": "行为", "an outcome": "结果",
    "a rater group": "评价者类别", "a canonical product": "标准产品", "customer needs": "客户需求",
    "customer departments": "客户部门", "a note method": "访谈方式", "a dimension": "维度",
    "a quiz phase": "测验阶段（培训前或培训后）", "how the trainees were chosen": "学员的选择方式",
    "person_id, comment or an item of the reaction sheet": "person_id、comment 或反应评估表中的一项",
}


def vocab_expected(vocabulary: Mapping[str, Term], what: str) -> str:
    """Return a short "expected" text listing a vocabulary's labels (in the current language)."""
    labels = [t.label for t in vocabulary.values()]
    return tr(f"{_WHAT_ZH.get(what, what)}（{short_list(labels, 12)}，或其英文编号）",
              f"{what} ({short_list(labels, 12)}, or its English id)")


def split_list(values: pd.Series) -> pd.Series:
    """Split ``;``/``；``/``、``-separated cells into lists of stripped, non-empty items."""
    texts = values.fillna("").astype(str)
    return pd.Series([split_cell(t) for t in texts.tolist()], index=values.index, name=values.name, dtype=object)


def split_cell(text: str) -> list[str]:
    """Split one list-valued cell (``LIST_SEPARATORS``) into stripped, non-empty items.

    The same as splitting on the ``LIST_SEPARATORS`` regex and stripping every part (the white
    space around a separator is stripped either way), with str methods instead of a regex.
    """
    if ";" not in text and "；" not in text and "、" not in text:
        item = text.strip()
        return [item] if item else []
    parts = text.replace("；", ";").replace("、", ";").split(";")
    return [x for x in (p.strip() for p in parts) if x]


def cell_problems(frame: pd.DataFrame, mask: pd.Series, column: str | None, expected: str,
                  found: pd.Series | str | None = None, row_col: str = ROW) -> list[Problem]:
    """Return one Problem per row of ``frame`` where ``mask`` is True.

    ``found`` is the series of offending values (default: the column itself); empty values are
    reported as ``<missing>``.
    """
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    sub = frame.loc[mask]
    if isinstance(found, str):
        values = [found] * len(sub)
    else:
        src = found if found is not None else frame[column]
        values = [MISSING if v is None or (isinstance(v, float) and np.isnan(v)) or v == "" else str(v)
                  for v in src.loc[mask]]
    rc = row_col if row_col in sub.columns else ROW
    return [
        Problem(f, None if pd.isna(r) else int(r), column, expected, v)
        for f, r, v in zip(sub[FILE], sub[rc], values)
    ]


# ---------------------------------------------------------------------------------------------
# generic coercion


def coerce(frame: pd.DataFrame, schema: TableSchema, manifest: Manifest | None = None,
           ) -> tuple[pd.DataFrame, list[Problem]]:
    """Check and convert a text table (from ``_files.read_table``) with ``schema``.

    Parameters
    ----------
    frame : DataFrame
        Text cells, plus ``_row`` and ``_file`` (and optionally ``_row:<header>`` per column).
    schema : TableSchema
        What the table must hold.
    manifest : Manifest, optional
        Resolves ``region`` columns; without it region cells are only checked for presence.

    Returns
    -------
    out : DataFrame
        Same index as ``frame``: converted values of every non-derived column whose header is
        present (invalid cells become missing), ``top_region_id`` next to any ``region`` column,
        and ``_row`` / ``_file``. Columns with ``check="custom"`` hold the text for the caller.
    problems : list of Problem
    """
    problems: list[Problem] = []
    out = pd.DataFrame({ROW: frame[ROW], FILE: frame[FILE]}, index=frame.index)
    for c in frame.columns:
        if c.startswith(ROW + ":"):
            out[c] = frame[c]
    # a table with a header and no rows still names its file (read_table keeps it in attrs)
    file = frame[FILE].iloc[0] if len(frame) else frame.attrs.get(FILE, "")
    for col in schema.columns:
        if col.source is None:
            continue
        if col.source not in frame.columns:
            if col.required:
                problems.append(Problem(file, 1, col.source, tr(f"「{col.source}」列", f"a column {col.source!r}"),
                                        MISSING))
            out[col.name] = np.nan if col.check != "vocab_list" else [() for _ in range(len(frame))]
            continue
        s = frame[col.source]
        row_col = f"{ROW}:{col.source}"
        empty = s.isna() | (s == "")
        if not col.nullable:
            problems += cell_problems(frame, empty, col.source, tr("一个值（这一格是空的）", "a value (the cell is empty)"),
                                      row_col=row_col)
        filled = ~empty
        if col.check in ("text", "custom"):
            value = s
        elif col.check == "date":
            value = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
            problems += cell_problems(frame, filled & value.isna(), col.source,
                                      tr("日期，格式为 YYYY-MM-DD", "a date YYYY-MM-DD"), row_col=row_col)
        elif col.check in ("int", "share", "number"):
            value = pd.to_numeric(s.where(filled), errors="coerce")
            if col.check == "int":
                bad = filled & (value.isna() | (value % 1 != 0) | (value < 0))
                expected = tr("不小于 0 的整数", "a whole number ≥ 0")
            elif col.check == "share":
                bad = filled & (value.isna() | (value < 0) | (value > 1))
                expected = tr("0 到 1 之间的比例（例如 0.35）", "a share between 0 and 1 (e.g. 0.35)")
            else:
                bad = filled & value.isna()
                expected = tr("一个数", "a number")
            problems += cell_problems(frame, bad, col.source, expected, row_col=row_col)
            value = value.where(~bad)
        elif col.check == "vocab":
            value = s.map(vocab_map(col.vocab or {}))
            problems += cell_problems(frame, filled & value.isna(), col.source,
                                      vocab_expected(col.vocab or {}, col.what), row_col=row_col)
        elif col.check == "vocab_list":
            value, more = _vocab_list(frame, s, col, row_col)
            problems += more
        elif col.check == "region":
            if manifest is None:
                value = s.where(filled)
                top = pd.Series(np.nan, index=frame.index)
            else:
                value = manifest.resolve_many(s)
                bad = filled & value.isna()
                for text in s[bad].unique():  # unknown or ambiguous: say which regions fit or are close
                    problems += cell_problems(frame, bad & (s == text), col.source,
                                              manifest.expected_region(text), row_col=row_col)
                top = value.map(manifest.top_map())
            out["top_region_id"] = top
        else:  # pragma: no cover - schema declaration error
            raise ValueError(f"unknown check {col.check!r} in {schema.name}.{col.name}")
        if col.unique:
            dup = filled & s.duplicated(keep="first")
            if dup.any():
                first = frame.loc[filled].drop_duplicates(col.source).set_index(col.source)
                if language() == "zh":
                    where = first[FILE] + " 第 " + first[ROW].astype(str) + " 行"
                    found = s[dup] + "（第一次出现在 " + s[dup].map(where) + "）"
                else:
                    where = first[FILE] + " row " + first[ROW].astype(str)
                    found = s[dup] + " (first at " + s[dup].map(where) + ")"
                problems += cell_problems(frame, dup, col.source, tr("不重复的值", "a unique value"),
                                          found=found.reindex(frame.index), row_col=row_col)
        out[col.name] = value
    return out, problems


def _vocab_list(frame: pd.DataFrame, s: pd.Series, col: Column, row_col: str
                ) -> tuple[pd.Series, list[Problem]]:
    table = vocab_map(col.vocab or {})
    done: dict[str, tuple[tuple[str, ...], str | None]] = {}  # a cell's ids, and its unknown items
    tuples: list[tuple[str, ...]] = []
    bad_rows: list[int] = []
    bad_found: list[str] = []
    for i, text in enumerate(s.fillna("").astype(str).tolist()):
        hit = done.get(text)
        if hit is None:
            ids: list[str] = []
            unknown: list[str] = []
            for item in split_cell(text):
                term = table.get(item)
                if term is None:
                    unknown.append(item)
                else:
                    ids.append(term)
            hit = done[text] = (tuple(ids), "；".join(unknown) if unknown else None)
        tuples.append(hit[0])
        if hit[1] is not None:
            bad_rows.append(i)
            bad_found.append(hit[1])
    problems: list[Problem] = []
    if bad_rows:
        mask = np.zeros(len(frame), dtype=bool)
        mask[bad_rows] = True
        found = pd.Series(np.nan, index=frame.index, dtype=object)
        found.iloc[bad_rows] = bad_found
        problems = cell_problems(frame, pd.Series(mask, index=frame.index), col.source,
                                 vocab_expected(col.vocab or {}, col.what), found=found, row_col=row_col)
    return pd.Series(tuples, index=frame.index, dtype=object), problems


# ---------------------------------------------------------------------------------------------
# the tables

_REGION = (Column("region_id", source="region", check="region"), Column("top_region_id", check="derived"))

REGIONS = TableSchema("regions", (
    Column("region_id", unique=True),
    Column("name"),
    Column("parent_id", "object", nullable=True),
    Column("level"),
))

ITEMS = TableSchema("items", (
    Column("item_id"),
    Column("column"),
    Column("dimension"),
    Column("populations", "object"),
    Column("scale"),
    Column("reverse", "bool"),
    Column("scale_min", "float64"),
    Column("scale_max", "float64"),
), sort_by=("item_id",))

#: Respondents; the reader points ``source`` at the codebook's identifying headers and appends
#: one column per background question.
RESPONDENTS = TableSchema("respondents", (
    Column("respondent_id", source="respondent_id", unique=True),
    *_REGION,
    Column("population", source="population", check="vocab", vocab=domain.POPULATIONS,
           what="a population"),
), sort_by=("respondent_id",))

RESPONSES = TableSchema("responses", (
    Column("respondent_id"),
    Column("region_id"),
    Column("top_region_id"),
    Column("population"),
    Column("item_id"),
    Column("dimension"),
    Column("value", "float64"),
    Column("raw"),
), sort_by=("respondent_id", "item_id"))

RIDE_ALONGS = TableSchema("ride_alongs", (
    Column("visit_id", source="visit_id", unique=True),
    Column("date", "datetime64[ns]", source="date", check="date"),
    *_REGION,
    Column("account_manager", source="account_manager"),
    Column("industry", source="customer_industry", check="vocab", vocab=domain.INDUSTRIES,
           what="an industry"),
    Column("purpose", source="purpose", nullable=True),
    Column("products", "object", source="products", check="custom", nullable=True),
    Column("products_local", "object", check="derived"),
    Column("funnel_stage", source="funnel_stage", check="custom"),
    Column("funnel_step", "int64", check="derived"),
    Column("minutes_on_site", "int64", source="minutes_on_site", check="int"),
    Column("minutes_travel", "int64", source="minutes_travel", check="int"),
    Column("question_share", "float64", source="question_share", check="share"),
    Column("behaviours", "object", source="behaviours", check="vocab_list", nullable=True,
           vocab=domain.BEHAVIOURS, what="behaviours"),
    Column("outcome", source="outcome", check="vocab", vocab=domain.OUTCOMES, what="an outcome"),
    Column("observer_notes", source="observer_notes", nullable=True),
), sort_by=("visit_id",))

REVIEWS_360 = TableSchema("reviews_360", (
    Column("manager_id", source="manager_id"),
    *_REGION,
    Column("rater_group", source="rater_group", check="vocab", vocab=domain.RATER_GROUPS,
           what="a rater group"),
    Column("rater_token", source="rater_token"),
    Column("item_id", source="item_id", check="custom"),
    Column("dimension", check="derived"),
    Column("score", "float64", source="score", check="custom"),
), sort_by=("manager_id", "rater_token", "item_id"))

REVIEW_ITEMS = TableSchema("review_items", (
    Column("item_id"),
    Column("text"),
    Column("dimension"),
), sort_by=("item_id",))

CATALOGUE = TableSchema("catalogue", (
    Column("region_id", check="derived"),
    Column("local_name", source="local_name", unique=True),
    Column("canonical_product", source="canonical_product", check="vocab", vocab=domain.PRODUCTS,
           what="a canonical product"),
    Column("package", source="package", nullable=True),
    Column("price", source="price", nullable=True),
    Column("technical_description", source="technical_description", nullable=True),
    Column("customer_value", source="customer_value", nullable=True),
    Column("needs", "object", source="needs", check="vocab_list", nullable=True,
           vocab=domain.CUSTOMER_NEEDS, what="customer needs"),
    Column("departments", "object", source="departments", check="vocab_list", nullable=True,
           vocab=domain.CUSTOMER_DEPARTMENTS, what="customer departments"),
    # optional: the product's benefit per department, 财务部：…；运营部：… (parsed by catalogue.py
    # into {department id: sentence})
    Column("department_values", "object", source="department_values", required=False, nullable=True,
           check="custom"),
), sort_by=("region_id", "local_name"))

#: Notes: front-matter keys are the sources; ``text`` and ``file`` are derived.
NOTES = TableSchema("notes", (
    Column("note_id", source="id", unique=True),
    Column("date", "datetime64[ns]", source="date", check="date"),
    *_REGION,
    Column("population", source="population", check="vocab", vocab=domain.POPULATIONS,
           what="a population"),
    Column("interviewee", source="interviewee"),
    Column("method", source="method", check="vocab", vocab=domain.NOTE_METHODS,
           what="a note method"),
    Column("tags", "object", source="tags", required=False, nullable=True, check="custom"),
    Column("text", check="derived"),
    Column("file", check="derived"),
), sort_by=("note_id",))

#: The competency model: the required level of each population x dimension, on the population's
#: score range in the bundle (package defaults rescaled, then the bundle's ``competency.yaml``).
COMPETENCY = TableSchema("competency", (
    Column("population"),
    Column("dimension"),
    Column("required", "float64"),
    Column("scale_min", "float64"),
    Column("scale_max", "float64"),
    Column("source"),
    Column("basis"),
))
