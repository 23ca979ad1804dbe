"""The shape every questionnaire-export reader returns, whatever the platform.

A reader turns one downloaded file (问卷星, 腾讯问卷, Qualtrics, LimeSurvey, SPSS, plain CSV/XLSX)
into a :class:`SurveyExport`: the columns described once (:class:`ExportColumn`) and the answers
as text, so that the same questionnaire exported from any platform gives the same
:meth:`SurveyExport.tidy` table (see ``docs/survey-exports.md``).

Conventions (all readers):

* Every cell is text (``str``); nothing is parsed as a number, so phone numbers, 18-digit ID
  numbers and leading zeros keep their digits. Surrounding white space, a leading tab or ``'``
  (spreadsheet "keep as text" tricks) and platform prefixes that are not part of the answer are
  removed by the reader.
* A cell nobody answered is ``""`` with status ``"empty"``; a question skipped by the survey's
  logic is ``""`` with status ``"skipped"``; a platform's numeric missing code (e.g. 问卷星's
  ``-3``) becomes ``""`` with status ``"skipped"`` or ``"empty"`` as the platform defines it.
* A multiple-choice answer is one value: the chosen options in the questionnaire's option order,
  joined by :data:`LIST_SEP`; a write-in ("其他〖…〗") is kept in its own column ``<key>_other``.
  A ranking is the options in rank order joined by :data:`LIST_SEP`.
* Column keys are ``Q<n>`` for question ``n`` (the questionnaire's number), ``Q<n>_<k>`` for the
  k-th row of a matrix question or the k-th fill-in blank, ``Q<n>_other`` for a write-in,
  ``Q<n>_<k>_<j>`` for a cell of a two-level question (Qualtrics side-by-side or multi-answer
  matrix), ``Q<n>_loop<i>`` for the i-th loop of a Qualtrics loop-and-merge block, metadata keys
  from :data:`META_KEYS`, and a slug of the header for other system columns a platform adds
  (e.g. 问卷星's ``自定义字段``), which are ``kind="meta"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

if TYPE_CHECKING:  # pandas is imported when a table is built, so the platform list stays cheap
    import pandas as pd

__all__ = [
    "KINDS",
    "LIST_SEP",
    "META_KEYS",
    "STATUSES",
    "TIDY_COLUMNS",
    "TIDY_SCHEMA",
    "ExportColumn",
    "SurveyExport",
]

#: Joins the options of a multiple-choice or ranking answer.
LIST_SEP = ";"

#: Metadata every reader maps its platform's system columns to (when the platform has them).
META_KEYS: tuple[str, ...] = (
    "response_id",  # the platform's id of the submission (序号, 编号, ResponseId, id)
    "submitted_at",  # submission time, ISO 8601 text "YYYY-MM-DD HH:MM:SS"
    "started_at",
    "duration_s",  # seconds as text, e.g. "95" for 问卷星's "95秒"
    "source",  # 来源 / channel
    "source_detail",
    "ip",  # "1.2.3.4"
    "ip_region",  # "广东-深圳" from "1.2.3.4(广东-深圳)"
    "total_score",
    "user_id",
)

#: What a column holds.
KINDS: tuple[str, ...] = ("meta", "single", "multi", "matrix", "open", "number", "rank", "fill", "other")

#: Status of one answer cell.
STATUSES: tuple[str, ...] = ("answered", "empty", "skipped")

#: The table of :meth:`SurveyExport.tidy`.
TIDY_SCHEMA = OutputSchema(
    "tidy answers", "casekit.surveys.SurveyExport.tidy", (
        Col("response", "int"), Col("key"),
        Col("question_no", "int", nullable=True, description="the questionnaire's number, when it has one"),
        Col("sub_item", "str", nullable=True, description="row of a matrix question"),
        Col("value", "str", nullable=True, description="the answer as text; empty when none"),
        Col("status", description="one of STATUSES"),
    ), consumers=("docs/survey-exports.md (users' own analyses)",))
#: Columns of :meth:`SurveyExport.tidy` (from its schema).
TIDY_COLUMNS: tuple[str, ...] = TIDY_SCHEMA.names


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export, described once.

    Parameters
    ----------
    key : str
        Canonical key (``Q3``, ``Q3_2``, ``Q4_other`` or a :data:`META_KEYS` entry).
    header : str
        The header exactly as in the file (first header row for multi-row headers).
    kind : str
        One of :data:`KINDS`.
    question_no : int or None
        The question's number in the questionnaire; None for metadata.
    stem : str
        The question text without its number (题干); ``""`` for metadata.
    sub_item : str or None
        Matrix row title, fill-in label or option label the column is about; None otherwise.
    platform_id : str or None
        The platform's own id of the column (Qualtrics ImportId such as ``QID5_1``, LimeSurvey
        code such as ``Q3[SQ001]``, SPSS variable name), when it has one.
    options : tuple of str
        Known answer options in questionnaire order (choice questions), when the export tells.
    """

    key: str
    header: str
    kind: str
    question_no: int | None = None
    stem: str = ""
    sub_item: str | None = None
    platform_id: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class SurveyExport:
    """A questionnaire export as read from one file.

    Attributes
    ----------
    path : Path
        The file read.
    platform : str
        The id of the reader that read it (:func:`casekit.surveys.platform_ids`).
    encoding : str or None
        The text encoding detected (``None`` for binary formats: XLSX, SAV).
    columns : tuple of ExportColumn
        Every column, in file order (option columns of one multiple-choice question are folded
        into that question's single column).
    data : pandas.DataFrame
        One row per response, one column per ``ExportColumn.key``; every value a ``str``.
    status : pandas.DataFrame
        Same shape as ``data``: ``"answered"``, ``"empty"`` or ``"skipped"`` per cell.
    rows : tuple of int
        For each response, the 1-based line (CSV) or sheet row (XLSX) it came from, so problems
        can be located in the file as downloaded.
    value_labels : dict
        ``key → {code: label}`` where the file carries value labels (SPSS); empty otherwise.
    """

    path: Path
    platform: str
    encoding: str | None
    columns: tuple[ExportColumn, ...]
    data: pd.DataFrame
    status: pd.DataFrame
    rows: tuple[int, ...]
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def column(self, key: str) -> ExportColumn:
        """Return the column with ``key`` (``KeyError`` if there is none)."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def tidy(self, *, include_meta: bool = False) -> pd.DataFrame:
        """Return the answers as a long table, the same for every platform.

        Parameters
        ----------
        include_meta : bool, default False
            Also include metadata columns.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TIDY_COLUMNS`: ``response`` (1-based order in the file), ``key``,
            ``question_no`` (nullable int), ``sub_item``, ``value`` (text), ``status``; one row
            per response × column, ordered by response then column order.
        """
        import pandas as pd

        cols = [c for c in self.columns if include_meta or c.kind != "meta"]
        keys = [c.key for c in cols]
        n = len(self.data)
        value = self.data[keys].to_numpy(dtype=object).reshape(-1) if n else []
        status = self.status[keys].to_numpy(dtype=object).reshape(-1) if n else []
        out = pd.DataFrame(
            {
                "response": [r + 1 for r in range(n) for _ in keys],
                "key": keys * n,
                "question_no": pd.array([c.question_no for c in cols] * n, dtype="Int64"),
                "sub_item": [c.sub_item for c in cols] * n,
                "value": value,
                "status": status,
            },
            columns=list(TIDY_COLUMNS),
        )
        return out
