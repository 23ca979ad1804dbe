"""Any questionnaire export plus a standalone codebook → the reliability table of its scales.

The glue behind ``casekit survey``: read the export (:func:`~casekit.intake.exports.read_export`)
and the codebook (:mod:`casekit.intake.questionnaire`), score the answers, and hand the item
matrix to :func:`casekit.analysis.psychometrics.reliability`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casekit.exceptions import Problem, SurveyFileError
from casekit.intake.exports import SurveyExport, read_export
from casekit.intake.questionnaire import (
    RESPONDENT_ID,
    Questionnaire,
    QuestionnaireData,
    apply_questionnaire,
    parse_questionnaire,
)

__all__ = ["NO_GROUP", "SUMMARY_COLUMNS", "score_survey", "survey_summary"]

#: Columns of :func:`survey_summary`.
SUMMARY_COLUMNS: tuple[str, ...] = ("scale", "group", "n_items", "n", "mean", "sd", "alpha")
#: Group of respondents who left the grouping question unanswered.
NO_GROUP = "（未填写）"


def score_survey(
    export_path: str | Path, codebook_path: str | Path, *, platform: str | None = None
) -> tuple[SurveyExport, Questionnaire, QuestionnaireData]:
    """Read an export and a standalone codebook and score the answers.

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded.
    codebook_path : str or Path
        The standalone codebook (YAML, see :mod:`casekit.intake.questionnaire`).
    platform : str, optional
        Force the export's reader (``wjx``, ``tencent``, ``qualtrics``, ``limesurvey``, ``spss``,
        ``plain``); detected when omitted.

    Returns
    -------
    export : SurveyExport
    questionnaire : Questionnaire
    data : QuestionnaireData

    Raises
    ------
    SurveyFileError
        With every problem of the codebook and the export together.
    """
    questionnaire, problems = parse_questionnaire(codebook_path)
    export: SurveyExport | None = None
    try:
        export = read_export(export_path, platform=platform)
    except SurveyFileError as exc:
        problems.extend(exc.problems)
    if questionnaire is None or export is None:
        raise SurveyFileError(problems)
    data = apply_questionnaire(export, questionnaire, earlier=problems)
    return export, questionnaire, data


def _groups(by: str, export: SurveyExport, questionnaire: Questionnaire, data: QuestionnaireData) -> pd.Series:
    """Each respondent's group: a ``columns:`` entry of the codebook, or any export header/key."""
    if by in data.groups.columns:
        values = data.groups[by].tolist()
    else:
        found = [c for c in export.columns if c.header.strip() == by] or [c for c in export.columns if c.key == by]
        if len(found) != 1 or by == RESPONDENT_ID:
            names = [n for n in questionnaire.columns if n != RESPONDENT_ID]
            expected = (f"a name under columns: in {questionnaire.path.name} ({', '.join(names) or 'none'}) "
                        f"or a header of {export.path.name} found once")
            raise SurveyFileError([Problem(export.path.name, None, by, expected,
                                           f"{len(found)} columns with this header" if found else by)])
        col = found[0]
        missing = set(questionnaire.missing)
        values = [
            str(v).strip() if s == "answered" and str(v).strip() not in missing else ""
            for v, s in zip(export.data[col.key].tolist(), export.status[col.key].tolist())
        ]
    return pd.Series([v or NO_GROUP for v in values], index=data.items.index, name=by, dtype=object)


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
        ``population`` …) or by an export header (or column key). Respondents who did not
        answer it form the group ``（未填写）``.
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
        Cronbach's alpha). Not rounded.

    Raises
    ------
    SurveyFileError
        With every problem of the export and the codebook at once, or an unknown ``by``.
    """
    from casekit.analysis.psychometrics import reliability

    export, questionnaire, data = score_survey(export_path, codebook_path, platform=platform)
    groups = _groups(by, export, questionnaire, data) if by else None
    table = reliability(data.items, data.scales, groups=groups, min_answered=min_answered)
    return table.loc[:, list(SUMMARY_COLUMNS)].reset_index(drop=True)
