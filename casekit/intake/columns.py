"""How a codebook entry names its export column: one matcher for every codebook.

A codebook entry (an item, a background question, an identifying column) names the column of a
:class:`~casekit.surveys.SurveyExport` it is read from by exactly one of
:data:`MATCH_KEYS`:

* ``column``: the exact header (surrounding white space ignored);
* ``pattern``: a regular expression searched in the headers, which must match exactly one;
* ``platform_id``: the platform's own id (Qualtrics ``QID3_1``, LimeSurvey ``Q3[SQ001]``, an
  SPSS variable name);
* ``key``: the :class:`~casekit.surveys.ExportColumn` key (``Q3_1``, ``submitted_at``).

Both the bundle's ``codebook.yaml`` (:mod:`casekit.intake.codebook`, with ``platform:`` set) and
the standalone codebook (:mod:`casekit.intake.questionnaire`) parse entries with
:func:`parse_match` and find columns with :func:`find_columns` / :func:`match_failure`, so a
codebook entry means the same thing in both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casekit.intake._files import YamlLines, line_of, short_list, text_of
from casekit.surveys.model import ExportColumn, SurveyExport
from casekit.language import language, tr

__all__ = ["MATCH_KEYS", "ColumnMatch", "find_columns", "match_failure", "parse_match"]

#: The ways an entry names its export column.
MATCH_KEYS: tuple[str, ...] = ("column", "pattern", "platform_id", "key")

#: ``report(where, column, expected, found)``: records a problem at a YAML path.
Report = Callable[[tuple, str, str, Any], None]


@dataclass(frozen=True)
class ColumnMatch:
    """How a codebook entry names its export column.

    Attributes
    ----------
    how : str
        One of :data:`MATCH_KEYS`.
    value : str
        The header, regular expression, platform id or key.
    line : int or None
        Line of the entry in the codebook.
    """

    how: str
    value: str
    line: int | None = field(default=None, compare=False)

    def describe(self) -> str:
        """``column '编号'``, ``pattern '^2\\.'`` … for problems."""
        return f"{self.how} {self.value!r}"


def parse_match(
    spec: Any, where: tuple, name: str, p: Report, lines: YamlLines, *, allow_plain: bool = False
) -> ColumnMatch | None:
    """Read the one of ``column``/``pattern``/``platform_id``/``key`` an entry names its column by.

    Parameters
    ----------
    spec : Any
        The entry as parsed from YAML: a mapping, or (with ``allow_plain``) a bare header.
    where : tuple
        The entry's path in the YAML tree (for lines).
    name : str
        The entry's name, used as ``Problem.column`` when the entry itself is wrong.
    p : callable
        ``p(where, column, expected, found)`` records a problem.
    lines : dict
        YAML path → line, as returned by :func:`~casekit.intake._files.load_yaml`.
    allow_plain : bool, default False
        Accept a bare text value as a ``column`` match.

    Returns
    -------
    ColumnMatch or None
        None when the entry names no column, several, or an invalid regular expression (a
        problem was recorded).
    """
    if allow_plain and not isinstance(spec, dict):
        header = text_of(spec)
        if not header:
            p(where, name, tr("这一列在导出文件中的表头", "the export's header of this column"), None)
            return None
        return ColumnMatch("column", header, line_of(lines, *where))
    if not isinstance(spec, dict):
        p(where, name, tr(f"一个表头，或含 {'、'.join(MATCH_KEYS)} 之一的映射",
                          f"a header, or a mapping with one of {', '.join(MATCH_KEYS)}"), spec)
        return None
    given = [k for k in MATCH_KEYS if text_of(spec.get(k))]
    if len(given) != 1:
        at = where + ((given[1],) if len(given) > 1 else ())
        p(at, name, tr(f"{'、'.join(MATCH_KEYS)} 中恰好一个，指明导出文件的列",
                       f"exactly one of {', '.join(MATCH_KEYS)} naming the export column"),
          ", ".join(given) if given else None)
        return None
    how = given[0]
    value = text_of(spec[how])
    if how == "pattern":
        try:
            re.compile(value)
        except re.error as exc:
            p(where + ("pattern",), "pattern", tr("有效的正则表达式", "a valid regular expression"), f"{value} ({exc})")
            return None
    return ColumnMatch(how, value, line_of(lines, *where, how))


def find_columns(match: ColumnMatch, columns: Sequence[ExportColumn]) -> list[ExportColumn]:
    """Return the columns ``match`` names (a valid match names exactly one).

    Parameters
    ----------
    match : ColumnMatch
        The codebook entry's match.
    columns : sequence of ExportColumn
        The export's columns.

    Returns
    -------
    list of ExportColumn
        In export order.
    """
    if match.how == "column":
        return [c for c in columns if c.header.strip() == match.value]
    if match.how == "key":
        return [c for c in columns if c.key == match.value]
    if match.how == "platform_id":
        return [c for c in columns if (c.platform_id or "") == match.value]
    rx = re.compile(match.value)
    return [c for c in columns if rx.search(c.header)]


def match_failure(match: ColumnMatch, found: Sequence[ExportColumn], export: SurveyExport) -> tuple[str, str] | None:
    """Say why ``found`` (from :func:`find_columns`) is not exactly one column.

    Parameters
    ----------
    match : ColumnMatch
        The codebook entry's match.
    found : sequence of ExportColumn
        What :func:`find_columns` returned for it.
    export : SurveyExport
        The export searched (named in the text; its headers suggest close matches).

    Returns
    -------
    (expected, found) or None
        Texts for a :class:`~casekit.exceptions.Problem`; None when ``found`` is one column.
    """
    if len(found) == 1:
        return None
    if found:
        return (tr(f"恰好指明 {export.path.name} 中一列的 {match.how}",
                   f"{match.how} naming exactly one column of {export.path.name}"),
                tr(f"{len(found)} 列：{short_list([c.header for c in found], 4)}",
                   f"{len(found)} columns: {short_list([c.header for c in found], 4)}"))
    # in Chinese the header looked for is already named at the start of the line (「…」列): the
    # column is missing, which 实际为（空） says without repeating it
    return _not_found(match, export), tr("<missing>", match.value)


def _not_found(match: ColumnMatch, export: SurveyExport) -> str:
    pool = {
        "column": [c.header for c in export.columns],
        "pattern": [c.header for c in export.columns],
        "key": [c.key for c in export.columns],
        "platform_id": [c.platform_id for c in export.columns if c.platform_id],
    }[match.how]
    close = difflib.get_close_matches(match.value, pool, n=3, cutoff=0.5)
    if language() == "zh":
        what = {"column": "表头", "pattern": "只匹配一个表头的正则表达式", "key": "列键", "platform_id": "平台编号"}[match.how]
        if close:
            return f"{export.path.name} 的{what}（导出中没有这一列；最接近的：{'、'.join(close)}）"
        return (f"{export.path.name} 的{what}（导出中没有这一列：是否在 Excel 里删过它或改过表头？"
                "请放回平台下载的原始导出文件，或在 codebook.yaml 的这一行改正，不用的列移到 ignore:）")
    what = {"column": "a header", "pattern": "a regular expression matching one header",
            "key": "a column key", "platform_id": "a platform id"}[match.how]
    hint = f"; closest: {'、'.join(close)}" if close else (f"; it has {short_list(pool, 4)}" if pool else "")
    return f"{what} of {export.path.name}{hint}"
