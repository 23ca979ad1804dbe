"""Any questionnaire export plus a standalone codebook → the reliability table of its scales.

The glue behind ``casekit survey``: read the export (:func:`~casekit.surveys.read_export`)
and the codebook (:mod:`casekit.intake.questionnaire`), score the answers, and hand the item
matrix to :func:`casekit.analysis.psychometrics.reliability`. With a grouping column,
:func:`group_differences` tests whether the groups' scale scores differ
(:func:`casekit.analysis.group_tests.compare_groups`) and :func:`categorical_by_group`
cross-tabulates the closed questions that are not scale items against the groups
(:func:`casekit.analysis.group_tests.crosstab`).

Each public function takes the two paths and reads and scores the export itself. To compute
several tables from one export (as ``casekit survey --by … --crosstabs`` does), read and score
it once with :func:`score_survey` and call the :class:`ScoredSurvey` methods
(:meth:`~ScoredSurvey.summary`, :meth:`~ScoredSurvey.group_differences`,
:meth:`~ScoredSurvey.crosstabs`), which give the same tables.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from casekit.analysis.psychometrics import RELIABILITY_SCHEMA
from casekit.exceptions import AnalysisError, Problem, SurveyFileError
from casekit.language import quoted, tr
from casekit.intake.columns import find_columns
from casekit.surveys import ExportColumn, SurveyExport, read_export
from casekit.intake.options import answer_order, question_text
from casekit.intake.questionnaire import (
    RESPONDENT_ID,
    Questionnaire,
    QuestionnaireData,
    apply_questionnaire,
    parse_questionnaire,
)
from casekit.progress import Progress
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "CROSSTAB_COLUMNS",
    "CROSSTAB_SCHEMA",
    "DIFFERENCE_COLUMNS",
    "DIFFERENCE_SCHEMA",
    "EFFECT_LABELS",
    "MAX_OPTIONS",
    "NO_GROUP",
    "SUMMARY_COLUMNS",
    "TEST_LABELS",
    "ScoredSurvey",
    "categorical_by_group",
    "format_crosstabs",
    "format_group_differences",
    "format_p",
    "group_differences",
    "score_survey",
    "survey_summary",
]

#: Columns of :func:`survey_summary`: it is the table of
#: :func:`~casekit.analysis.psychometrics.reliability` (its schema, ``RELIABILITY_SCHEMA``).
SUMMARY_COLUMNS: tuple[str, ...] = RELIABILITY_SCHEMA.names
#: The table of :func:`group_differences` (``casekit survey --by``: ``<stem>_groups.csv``); without
#: a test, ``test``, ``df`` and ``effect`` are empty and the numbers NaN.
DIFFERENCE_SCHEMA = OutputSchema(
    "group differences", "casekit.analysis.survey_summary.group_differences", (
        Col("scale"), Col("test", nullable=True), Col("statistic", "float", nullable=True),
        Col("df", nullable=True, description="'k-1, N-k' (ANOVA) or 'k-1' (Kruskal-Wallis)"),
        Col("p", "float", nullable=True),
        Col("p_adjusted", "float", nullable=True,
            description="Benjamini–Hochberg over the scales tested in this table (one family)"),
        Col("effect", nullable=True), Col("effect_size", "float", nullable=True),
        *columns("int", "n", "groups"), Col("note"),
    ), consumers=("cli survey --by", "notebook 2.0"))
#: Columns of :func:`group_differences` (from its schema).
DIFFERENCE_COLUMNS: tuple[str, ...] = DIFFERENCE_SCHEMA.names
#: The table of :func:`categorical_by_group` (``casekit survey --crosstabs``:
#: ``<stem>_crosstabs.csv``); without a test the numbers are empty.
CROSSTAB_SCHEMA = OutputSchema(
    "crosstabs", "casekit.analysis.survey_summary.categorical_by_group", (
        Col("question"), Col("n", "int"), Col("chi2", "float", nullable=True), Col("df", "int", nullable=True),
        *columns("float", "p", "cramers_v", nullable=True), Col("low_expected", "bool"), Col("note"),
    ), consumers=("cli survey --crosstabs",))
#: Columns of :func:`categorical_by_group` (from its schema).
CROSSTAB_COLUMNS: tuple[str, ...] = CROSSTAB_SCHEMA.names
#: Group of respondents who left the grouping question unanswered.
NO_GROUP = "（未填写）"
#: :func:`categorical_by_group` takes a column the export does not type (plain CSV/XLSX) for a
#: closed question only when it has at most this many distinct answers.
MAX_OPTIONS = 10

_TEST_NAMES = {"anova": ("ANOVA", "eta²"), "kruskal": ("Kruskal-Wallis", "ε²")}
#: :func:`group_differences`' ``test`` values in the words a consultant reads them in (notebook 2.0
#: explains them so); the table keeps the values themselves.
TEST_LABELS: Mapping[str, str] = MappingProxyType({"ANOVA": "方差分析", "Kruskal-Wallis": "秩和检验"})
#: The same for its ``effect`` values.
EFFECT_LABELS: Mapping[str, str] = MappingProxyType({"eta²": "η²", "ε²": "ε²"})


def _joined(notes: Sequence[str]) -> str:
    """A cell's notes as one text: sentences after one another (a space between English ones)."""
    return tr("", " ").join(notes)


@dataclass(frozen=True, eq=False)
class ScoredSurvey:
    """An export read and scored once with a standalone codebook (:func:`score_survey`).

    Unpacks as ``export, questionnaire, data``. Its methods compute the tables of
    :func:`survey_summary`, :func:`group_differences` and :func:`categorical_by_group` without
    reading the files again.

    Attributes
    ----------
    export : SurveyExport
        The export as read.
    questionnaire : Questionnaire
        The codebook.
    data : QuestionnaireData
        The item matrix and grouping columns.
    """

    export: SurveyExport
    questionnaire: Questionnaire
    data: QuestionnaireData

    def __iter__(self) -> Iterator[SurveyExport | Questionnaire | QuestionnaireData]:
        return iter((self.export, self.questionnaire, self.data))

    def summary(self, by: str | None = None, *, min_answered: float = 0.5) -> pd.DataFrame:
        """The reliability table; see :func:`survey_summary` for the parameters and columns.

        Parameters
        ----------
        by : str, optional
        min_answered : float or int, default 0.5

        Returns
        -------
        pandas.DataFrame
        """
        return _summary(self, by, min_answered)

    def group_differences(self, by: str, *, min_answered: float = 0.5) -> pd.DataFrame:
        """One test per scale; see :func:`group_differences` for the parameters and columns.

        Parameters
        ----------
        by : str
        min_answered : float or int, default 0.5

        Returns
        -------
        pandas.DataFrame
        """
        return _differences(self, by, min_answered)

    def group_column(self, by: str) -> str:
        """What ``by`` names: a ``columns:`` name of the codebook, or the export header it matched.

        Parameters
        ----------
        by : str
            As for :func:`survey_summary`.

        Returns
        -------
        str
            ``by`` itself for a codebook name; else the header found (see
            :func:`survey_summary`), so that a caller can say which column was used.
        """
        name, col = _resolve(by, self.export, self.questionnaire, self.data)
        return name if name in self.questionnaire.columns or col is None else col.header.strip()

    def crosstabs(
        self,
        by: str,
        *,
        columns: Sequence[str] | None = None,
        explode_multi: bool = True,
        max_options: int = MAX_OPTIONS,
    ) -> pd.DataFrame:
        """Closed questions by group; see :func:`categorical_by_group` for the parameters and columns.

        Parameters
        ----------
        by : str
        columns : sequence of str, optional
        explode_multi : bool, default True
        max_options : int, default :data:`MAX_OPTIONS`

        Returns
        -------
        pandas.DataFrame
        """
        return _crosstabs(self, by, columns, explode_multi, max_options)


def score_survey(
    export_path: str | Path, codebook_path: str | Path, *, platform: str | None = None,
    progress: Progress | None = None,
) -> ScoredSurvey:
    """Read an export and a standalone codebook and score the answers, once.

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded.
    codebook_path : str or Path
        The standalone codebook (YAML, see :mod:`casekit.intake.questionnaire`).
    platform : str, optional
        Force the export's reader (``wjx``, ``tencent``, ``qualtrics``, ``limesurvey``, ``spss``,
        ``plain``). When omitted, the codebook's ``platform:`` (if any, and not ``auto``), else
        detected.
    progress : Progress, optional
        Where reading and scoring are reported (``读取问卷 12000 行``, ``整理答卷``, ``计分 3/15``,
        ``检查重复提交``; :func:`~casekit.surveys.read_export`,
        :func:`~casekit.intake.questionnaire.apply_questionnaire`); default: nowhere. It changes
        no result.

    Returns
    -------
    ScoredSurvey
        Unpacks as ``export, questionnaire, data``.

    Raises
    ------
    SurveyFileError
        With every problem of the codebook and the export together.
    """
    questionnaire, problems = parse_questionnaire(codebook_path)
    if platform is None and questionnaire is not None:
        platform = questionnaire.read_platform
    export: SurveyExport | None = None
    try:
        export = read_export(export_path, platform=platform, progress=progress)
    except SurveyFileError as exc:
        problems.extend(exc.problems)
    if questionnaire is None or export is None:
        raise SurveyFileError(problems)
    data = apply_questionnaire(export, questionnaire, earlier=problems, progress=progress)
    return ScoredSurvey(export, questionnaire, data)


def _resolve(
    name: str, export: SurveyExport, questionnaire: Questionnaire, data: QuestionnaireData
) -> tuple[str, ExportColumn | None]:
    """The column ``name`` means: (codebook name, its export column or None) or (name, column).

    In this order: a name under the codebook's ``columns:`` (not ``respondent_id``); an export
    header, or column key, found once; a header whose text without its question number is
    ``name`` (``您的性别`` → ``1、您的性别``); a header whose text without its number and a
    leading 您的/您所在的/所在 is ``name`` (``性别``, ``班组`` → ``所在班组``). Scored items and the
    respondent id are never matched by the last two. Several headers: a problem listing them;
    none: a problem naming the closest headers (those containing ``name`` first), never a
    guess.
    """
    if name in questionnaire.columns and name != RESPONDENT_ID:
        found = find_columns(questionnaire.columns[name], export.columns)
        return name, found[0] if len(found) == 1 else None
    rid = data.headers.get(RESPONDENT_ID)
    exact = [c for c in export.columns if c.header.strip() == name] or [c for c in export.columns if c.key == name]
    exact = [c for c in exact if c.header != rid or name == RESPONDENT_ID]
    if len(exact) == 1 and name != RESPONDENT_ID:
        return name, exact[0]
    scored = {data.headers[i] for ids in data.scales.values() for i in ids if i in data.headers}
    others = [c for c in export.columns if c.header not in scored and c.header != rid and c.header.strip()]
    found = exact
    if not found and name != RESPONDENT_ID:
        wanted = question_text(name)
        found = [c for c in others if question_text(c.header) == wanted]
        if not found:
            topic = _topic(name)
            found = [c for c in others if _topic(c.header) == topic]
    if len(found) == 1:
        return name, found[0]
    names = [n for n in questionnaire.columns if n != RESPONDENT_ID]
    expected = tr(f"{questionnaire.path.name} 中 columns: 下的名称（{'、'.join(names) or '无'}），"
                  f"或 {export.path.name} 中只出现一次的表头",
                  f"a name under columns: in {questionnaire.path.name} ({', '.join(names) or 'none'}) "
                  f"or a header of {export.path.name} found once")
    if found:
        headers = " / ".join(c.header.strip() for c in found[:10])
        what = (tr(f"有 {len(found)} 列是这个表头", f"{len(found)} columns with this header") if exact
                else tr(f"{len(found)} 个表头含有{quoted(name)}：{headers}", f"{name!r} in {len(found)} headers: {headers}"))
        raise SurveyFileError([Problem(export.path.name, None, name, expected, what)])
    texts = {question_text(c.header): c.header.strip() for c in others}
    close = [t for t in texts if _topic(name) in t]
    close += [t for t in difflib.get_close_matches(_topic(name), list(texts), n=3, cutoff=0.3) if t not in close]
    closest = " / ".join(texts[t] for t in close[:3])
    hint = tr(f"（最接近的表头：{closest}）", f" (closest headers: {closest})") if close else ""
    raise SurveyFileError([Problem(export.path.name, None, name, expected, f"{name}{hint}")])


_POSSESSIVE = re.compile(r"^(?:您的|你的|您所在的?|你所在的?|所在的?|所属的?)")


def _topic(header: str) -> str:
    """A header's text without its question number and a leading 您的/您所在的/所在 (``性别``)."""
    return _POSSESSIVE.sub("", question_text(header)).strip() or question_text(header)


def _groups(by: str, export: SurveyExport, questionnaire: Questionnaire, data: QuestionnaireData) -> pd.Series:
    """Each respondent's group: a categorical in the questionnaire's option order, unanswered last.

    ``by`` is resolved by :func:`_resolve`; the groups follow the options (or value labels)
    the export lists for the column, else :func:`casekit.intake.options.answer_order`.
    """
    name, col = _resolve(by, export, questionnaire, data)
    if name in data.groups.columns:
        values = data.groups[name].tolist()
    else:
        assert col is not None
        missing = set(questionnaire.missing)
        values = [
            str(v).strip() if s == "answered" and str(v).strip() not in missing else ""
            for v, s in zip(export.data[col.key].tolist(), export.status[col.key].tolist())
        ]
    options: tuple[str, ...] = ()
    if col is not None:
        labels = export.value_labels.get(col.key) or {}
        options = tuple(str(k) for k in labels) if labels else col.options
    order = answer_order(values, options)
    if "" in values:
        order.append(NO_GROUP)
    return pd.Series(pd.Categorical([v or NO_GROUP for v in values], categories=order),
                     index=data.items.index, name=by)


def survey_summary(
    export_path: str | Path,
    codebook_path: str | Path,
    by: str | None = None,
    *,
    platform: str | None = None,
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Reliability table of a questionnaire's scales, optionally per group.

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded (any platform casekit reads).
    codebook_path : str or Path
        The standalone codebook (``casekit codebook draft`` writes a first version).
    by : str, optional
        Group respondents by a name under the codebook's ``columns:`` (``region``,
        ``population`` …) or by an export header (or column key); else by the header whose
        text without its question number is ``by`` (``您的性别`` for ``1、您的性别``), else by
        the one header containing ``by`` (``性别``). Several such headers, or none, is a
        problem naming them (or the closest headers). Groups are listed in the
        questionnaire's option order (the options the export lists, else
        :func:`casekit.intake.options.answer_order`: 男/女, ``30岁以下`` < ``30-39岁`` <
        ``40岁及以上``, ``1组`` < ``2组`` < ``10组``, else string order). Respondents who did not
        answer it form the group ``（未填写）``, listed last.
    platform : str, optional
        Force the export's reader; detected when omitted.
    min_answered : float or int, default 0.5
        How many of a scale's items a respondent must answer to be scored, see
        :func:`casekit.analysis.psychometrics.scale_scores`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per scale (codebook order) or scale × group:
        ``scale`` (the items' ``dimension``), ``group`` (``"(all)"`` without ``by``),
        ``n_items``, ``n`` (respondents with a scale score), ``mean`` and ``sd`` of the scale
        scores (mean of the answered items, reverse keys applied), ``alpha`` (pairwise
        Cronbach's alpha), ``note`` (why a statistic is blank, ``""`` when none is; see
        :func:`casekit.analysis.psychometrics.reliability`). Not rounded.

    Raises
    ------
    SurveyFileError
        With every problem of the export and the codebook at once, or an unknown ``by``.
    """
    return _summary(score_survey(export_path, codebook_path, platform=platform), by, min_answered)


def _summary(scored: ScoredSurvey, by: str | None, min_answered: float) -> pd.DataFrame:
    from casekit.analysis.psychometrics import reliability

    export, questionnaire, data = scored.export, scored.questionnaire, scored.data
    groups = _groups(by, export, questionnaire, data) if by else None
    table = reliability(data.items, data.scales, groups=groups, min_answered=min_answered)
    return table.loc[:, list(SUMMARY_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# group differences


def _compared_groups(groups: pd.Series) -> tuple[pd.Series, int]:
    """Groups for a test: respondents who did not answer the grouping question left out (NaN)."""
    unanswered = groups == NO_GROUP
    if isinstance(groups.dtype, pd.CategoricalDtype) and NO_GROUP in groups.cat.categories:
        return groups.cat.remove_categories([NO_GROUP]), int(unanswered.sum())
    return groups.where(~unanswered), int(unanswered.sum())


def _left_out_note(n_unanswered: int, by: str) -> list[str]:
    if not n_unanswered:
        return []
    return [tr(f"{n_unanswered} 人没有回答{quoted(by)}，未参与比较。",
               f"{n_unanswered} respondent(s) who did not answer {by} left out.")]


def group_differences(
    export_path: str | Path,
    codebook_path: str | Path,
    by: str,
    *,
    platform: str | None = None,
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Do the groups' scale scores differ? One test per scale.

    The scale scores are those of :func:`survey_summary` (same reading, scoring and
    ``min_answered``); each scale is compared across the groups of ``by`` with
    :func:`casekit.analysis.group_tests.compare_groups` (``method="auto"``).

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded (any platform casekit reads).
    codebook_path : str or Path
        The standalone codebook.
    by : str
        A name under the codebook's ``columns:`` or an export header (or column key), as for
        :func:`survey_summary`. Respondents who did not answer it are left out of the tests
        (``note`` says how many): "not answered" is not a group to compare.
    platform : str, optional
        Force the export's reader; detected when omitted.
    min_answered : float or int, default 0.5
        How many of a scale's items a respondent must answer to be scored, see
        :func:`casekit.analysis.psychometrics.scale_scores`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DIFFERENCE_COLUMNS`, one row per scale (codebook order), not rounded:

        * ``scale``;
        * ``test`` -- ``"ANOVA"`` or ``"Kruskal-Wallis"``, as ``compare_groups(method="auto")``
          chose (Kruskal-Wallis when a group has fewer than 10 scores or is clearly skewed);
        * ``statistic`` -- F (ANOVA) or the tie-corrected H (Kruskal-Wallis);
        * ``df`` -- degrees of freedom as text: ``"k-1, N-k"`` for ANOVA (e.g. ``"2, 37"``),
          ``"k-1"`` for Kruskal-Wallis;
        * ``p`` -- p value of that test; ``p_adjusted`` -- the p values of all the scales tested
          here adjusted together (Benjamini–Hochberg, as the findings do: with a dozen scales,
          one p below 0.05 is expected by chance alone); a difference is claimed only on it;
        * ``effect`` -- ``"eta²"`` (ANOVA) or ``"ε²"`` (Kruskal-Wallis), and ``effect_size``
          its value;
        * ``n`` -- respondents compared (a scale score and a group); ``groups`` -- groups
          compared (groups with fewer than 2 scores are dropped);
        * ``note`` -- dropped groups, respondents left out, why the test was chosen, and
          why there is no test when fewer than 2 groups have 2 or more scores (``test``,
          ``df`` and ``effect`` then missing, the numbers ``NaN``).

    Raises
    ------
    SurveyFileError
        With every problem of the export and the codebook at once, or an unknown ``by``.

    See Also
    --------
    casekit.analysis.group_tests.compare_groups : the tests, effect sizes and choice rule.
    """
    return _differences(score_survey(export_path, codebook_path, platform=platform), by, min_answered)


def _differences(scored: ScoredSurvey, by: str, min_answered: float) -> pd.DataFrame:
    from casekit.analysis.group_tests import compare_groups
    from casekit.analysis.psychometrics import scale_scores

    export, questionnaire, data = scored.export, scored.questionnaire, scored.data
    groups, n_unanswered = _compared_groups(_groups(by, export, questionnaire, data))
    scores = scale_scores(data.items, data.scales, min_answered=min_answered)
    nan = float("nan")
    rows = []
    for scale in data.scales:
        notes = _left_out_note(n_unanswered, by)
        try:
            result = compare_groups(scores[scale], groups, method="auto")
        except AnalysisError as exc:
            scored = scores[scale].notna() & groups.notna()
            counts = groups[scored].value_counts()
            rows.append({"scale": scale, "test": None, "statistic": nan, "df": None, "p": nan,
                         "effect": None, "effect_size": nan, "n": int(scored.sum()),
                         "groups": int((counts >= 2).sum()), "note": _joined([*notes, tr(f"未检验：{exc}。", f"No test: {exc}.")])})
            continue
        test, effect = _TEST_NAMES[result.method]
        anova = result.method == "anova"
        notes += list(result.notes)
        notes.append(tr(f"{TEST_LABELS[test]}：{result.reason}。", f"{test}: {result.reason}."))
        rows.append({
            "scale": scale,
            "test": test,
            "statistic": result.anova_f if anova else result.kruskal_h,
            "df": f"{result.df_between}, {result.df_within}" if anova else f"{result.df_between}",
            "p": result.p_value,
            "effect": effect,
            "effect_size": result.effect_size,
            "n": result.n,
            "groups": len(result.groups),
            "note": _joined(notes),
        })
    from casekit.analysis.findings import bh_adjust

    for row, adjusted in zip(rows, bh_adjust([row["p"] for row in rows]) if rows else []):
        row["p_adjusted"] = float(adjusted)
    table = pd.DataFrame(rows, columns=list(DIFFERENCE_COLUMNS))
    return table.astype({"statistic": "float64", "p": "float64", "p_adjusted": "float64", "effect_size": "float64",
                         "n": "int64", "groups": "int64"})


# --------------------------------------------------------------------------------------------
# closed questions by group


def _answers(export: SurveyExport, col: ExportColumn, missing: set[str], *, multi: bool) -> pd.Series:
    """A column's answers as text (value labels applied), ``None`` where unanswered."""
    labels = export.value_labels.get(col.key, {})
    out: list[str | None] = []
    for v, s in zip(export.data[col.key].tolist(), export.status[col.key].tolist()):
        text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
        if s != "answered" or text in missing:
            out.append(None)
        elif multi:
            out.append(";".join(labels.get(part.strip(), part.strip()) for part in text.split(";")))
        else:
            out.append(labels.get(text, text))
    return pd.Series(out, dtype=object)


def _looks_closed(answers: pd.Series, max_options: int) -> bool:
    """Rule for columns the export does not type: mostly answered, with few, repeated answers."""
    given = answers.dropna()
    distinct = given.nunique()
    return 2 * len(given) >= len(answers) and 2 <= distinct <= min(max_options, len(given) // 2)


def _question_columns(
    names: Sequence[str] | None,
    by: str,
    export: SurveyExport,
    questionnaire: Questionnaire,
    data: QuestionnaireData,
    *,
    explode_multi: bool,
    max_options: int,
) -> list[tuple[ExportColumn, bool]]:
    """The columns to cross-tabulate and whether each is counted option by option."""
    if names is not None:
        chosen: list[ExportColumn] = []
        problems = []
        for name in names:
            try:
                col = _resolve(name, export, questionnaire, data)[1]
            except SurveyFileError as exc:
                problems.extend(exc.problems)
                continue
            if col is not None:
                chosen.append(col)
        if problems:
            raise SurveyFileError(problems)
        return [(c, explode_multi and c.kind == "multi") for c in chosen]

    item_ids = {i for ids in data.scales.values() for i in ids}
    skip = {data.headers[i] for i in item_ids if i in data.headers}
    if RESPONDENT_ID in data.headers:
        skip.add(data.headers[RESPONDENT_ID])
    by_column = _resolve(by, export, questionnaire, data)[1]
    if by_column is not None:
        skip.add(by_column.header.strip())
    missing = set(questionnaire.missing)
    out = []
    for col in export.columns:
        if col.header.strip() in skip or col.key == by or col.kind in ("meta", "matrix", "rank", "number", "other"):
            continue
        if col.kind == "single":
            out.append((col, False))
        elif col.kind == "multi":
            if explode_multi:
                out.append((col, True))
        elif _looks_closed(_answers(export, col, missing, multi=False), max_options):
            out.append((col, False))
    return out


def categorical_by_group(
    export_path: str | Path,
    codebook_path: str | Path,
    by: str,
    *,
    columns: Sequence[str] | None = None,
    platform: str | None = None,
    explode_multi: bool = True,
    max_options: int = MAX_OPTIONS,
) -> pd.DataFrame:
    """Cross-tabulate the closed questions that are not scale items against the groups.

    Each question (岗位, 年龄段, 培训形式 …) is tested for independence from ``by`` with
    :func:`casekit.analysis.group_tests.crosstab`: chi-square, Cramér's V, and Fisher's exact
    test for a 2 x 2 table (its p value is given in ``note``).

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded (any platform casekit reads).
    codebook_path : str or Path
        The standalone codebook.
    by : str
        A name under the codebook's ``columns:`` or an export header (or column key), as for
        :func:`survey_summary`. Respondents who did not answer it are left out.
    columns : sequence of str, optional
        The questions to tabulate: names under ``columns:``, export headers or column keys.
        Default: every column of the export that is not a codebook item, the respondent id
        or ``by`` itself, and is a closed question -- a single-choice column, a multi-choice
        column (with ``explode_multi``), or, where the export does not say what a column
        holds (plain CSV/XLSX), a column answered by at least half the respondents with 2 to
        ``max_options`` distinct answers, each given twice on average. Codebook grouping
        columns (``region``, ``population``) are included.
    platform : str, optional
        Force the export's reader; detected when omitted.
    explode_multi : bool, default True
        Include multi-choice questions, counted option by option
        (``crosstab(explode_multi=True)``): their row gives ``n`` and a note but no
        chi-square test, since a respondent can fall in several columns. ``False`` leaves
        them out of the default selection; a multi-choice question named in ``columns`` is
        then tabulated with each combination of options as one answer.
    max_options : int, default :data:`MAX_OPTIONS`
        Most distinct answers of an untyped column taken as a closed question.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CROSSTAB_COLUMNS`, one row per question in export order, not rounded:
        ``question`` (the export header), ``n`` (respondents with an answer and a group),
        ``chi2``, ``df`` (nullable int), ``p`` (Pearson's chi-square test; Yates-corrected
        for a 2 x 2 table), ``cramers_v``, ``low_expected`` (Cochran's rule fails: the p
        value is unreliable), ``note`` (crosstab's caveats, Fisher's p, respondents left out;
        why there is no test). Without a test the numbers are ``NaN``.

    Raises
    ------
    SurveyFileError
        With every problem of the export and the codebook at once, an unknown ``by``, or
        names in ``columns`` that are not found (all of them).
    """
    scored = score_survey(export_path, codebook_path, platform=platform)
    return _crosstabs(scored, by, columns, explode_multi, max_options)


def _crosstabs(
    scored: ScoredSurvey, by: str, columns: Sequence[str] | None, explode_multi: bool, max_options: int
) -> pd.DataFrame:
    from casekit.analysis.group_tests import crosstab

    export, questionnaire, data = scored.export, scored.questionnaire, scored.data
    groups, n_unanswered = _compared_groups(_groups(by, export, questionnaire, data))
    chosen = _question_columns(columns, by, export, questionnaire, data,
                               explode_multi=explode_multi, max_options=max_options)
    missing = set(questionnaire.missing)
    nan = float("nan")
    rows = []
    for col, multi in chosen:
        answers = _answers(export, col, missing, multi=multi).set_axis(groups.index)
        observed = set(answers.dropna().str.split(";").explode().str.strip()) if multi else set(answers.dropna())
        # options in questionnaire order (once each: an export may list one twice), else answer_order
        order = answer_order(observed, col.options)
        notes = _left_out_note(n_unanswered, by)
        try:
            result = crosstab(answers, groups, order=order, explode_multi=multi)
        except AnalysisError as exc:
            rows.append({"question": col.header.strip(), "n": int((answers.notna() & groups.notna()).sum()),
                         "chi2": nan, "df": pd.NA, "p": nan, "cramers_v": nan, "low_expected": False,
                         "note": _joined([*notes, tr(f"未制表：{exc}。", f"No table: {exc}.")])})
            continue
        notes[:0] = result.notes
        if not math.isnan(result.fisher_p):
            notes.append(tr(f"费希尔精确检验的 p值为 {format_p(result.fisher_p)}。",
                            f"Fisher's exact p = {result.fisher_p:.3g}."))
        rows.append({
            "question": col.header.strip(),
            "n": result.n,
            "chi2": result.chi2,
            "df": result.dof if result.chi2_applies else pd.NA,
            "p": result.p_value,
            "cramers_v": result.cramers_v,
            "low_expected": result.low_expected,
            "note": _joined(notes),
        })
    table = pd.DataFrame(rows, columns=list(CROSSTAB_COLUMNS))
    return table.astype({"n": "int64", "chi2": "float64", "df": "Int64", "p": "float64",
                         "cramers_v": "float64", "low_expected": "bool"})


# --------------------------------------------------------------------------------------------
# printing


def format_p(p: float) -> str:
    """A p value for printing: 3 decimals, ``"<0.001"`` below 0.001, ``"-"`` when missing.

    Parameters
    ----------
    p : float

    Returns
    -------
    str

    Examples
    --------
    >>> format_p(0.04567), format_p(0.0002), format_p(float("nan"))
    ('0.046', '<0.001', '-')
    """
    if p is None or pd.isna(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def format_group_differences(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`group_differences` rounded for printing (``statistic`` 2 dp, ``p`` and ``p_adjusted`` text,
    ``effect_size`` 3 dp).

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`group_differences`.

    Returns
    -------
    pandas.DataFrame
        A copy; ``p`` and ``p_adjusted`` are text (see :func:`format_p`).
    """
    shown = table.round({"statistic": 2, "effect_size": 3})
    for column in ("p", "p_adjusted"):
        shown[column] = [format_p(p) for p in table[column]]
    return shown


def format_crosstabs(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`categorical_by_group` rounded for printing (``chi2`` 2 dp, ``p`` text, ``cramers_v`` 3 dp).

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`categorical_by_group`.

    Returns
    -------
    pandas.DataFrame
        A copy; ``p`` is text (see :func:`format_p`).
    """
    shown = table.round({"chi2": 2, "cramers_v": 3})
    shown["p"] = [format_p(p) for p in table["p"]]
    return shown
