"""Brinkerhoff's success case method: whom to interview after the course, and what to ask.

The trainees whose *observed* behaviour changed most (success cases) and least (non-success
cases) are the ones to interview: what they did with the course, what helped or blocked them,
their manager's coaching, the toolbox. The lists name people by their pseudonymous id and are for
the consultant only (:data:`CONSULTANT_ONLY`): never shown to the client or the trainees.

:func:`behaviour_change_score` turns per-person behaviour rates before and after into one score:
the mean over the behaviours with a direction (:data:`casekit.domain.BEHAVIOUR_SKILL`: +1 for the
consultative behaviours, −1 for the "medicine seller's") of direction × (after − before), so a
rise in asking about needs and a fall in price-first openings both count as progress.
:func:`success_cases` takes any per-person score and picks the top and bottom ``k``, ties broken
by person id (same input, same lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from casekit.analysis.evaluation.inputs import check_table, numeric_column
from casekit.domain import BEHAVIOUR_SKILL
from casekit.exceptions import AnalysisError
from casekit.language import tr
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema

__all__ = [
    "CONSULTANT_ONLY",
    "DEFAULT_K",
    "SUCCESS_CASE_COLUMNS",
    "SUCCESS_CASE_SCHEMA",
    "SuccessCases",
    "behaviour_change_score",
    "interview_outline",
    "success_cases",
]

#: Default number of success and of non-success cases.
DEFAULT_K: int = 3

#: Heading of the lists: who may read them.
CONSULTANT_ONLY = "仅供顾问内部使用：名单以编号标识个人，不提供给客户或学员。"

#: The tables :attr:`SuccessCases.most` and :attr:`SuccessCases.least`.
SUCCESS_CASE_SCHEMA = OutputSchema(
    "success cases", "casekit.analysis.evaluation.success_cases", (
        Col("rank", "int", description="1 = the most (or least) changed"),
        Col("person_id", description="pseudonymous id"),
        Col("score", "float", description="observed behaviour change"),
    ), consumers=("followup consultant pack",))
#: Columns of the success case lists.
SUCCESS_CASE_COLUMNS: tuple[str, ...] = SUCCESS_CASE_SCHEMA.names

_ASK_MODULES = "课程中哪些内容你用得最多？用在什么场合、什么客户身上？"
_TRIED_MODULES = "课程中哪些内容你试着用过？哪些没有用上，为什么？"


def behaviour_change_score(table: pd.DataFrame) -> pd.DataFrame:
    """Each person's observed behaviour change: mean of direction × (after − before).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per person × behaviour: ``person_id``, ``behaviour`` (an id of
        :data:`casekit.domain.BEHAVIOUR_SKILL`), ``before``, ``after`` (the person's rate of the
        behaviour on observed visits, 0–1). Rows missing either rate, and behaviours without a
        direction (``product_demo``) or unknown, are left out.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``score``, ``n_behaviours``; sorted by person id.
    """
    table = check_table(table, "table", ["person_id", "behaviour", "before", "after"],
                        unique=["person_id", "behaviour"])
    data = table[["person_id", "behaviour"]].copy()
    data["direction"] = data["behaviour"].map(lambda b: BEHAVIOUR_SKILL.get(b, (None, 0))[1])
    data["signed"] = data["direction"] * (numeric_column(table, "after", "table")
                                          - numeric_column(table, "before", "table"))
    data = data[(data["direction"] != 0) & data["signed"].notna()]
    out = data.groupby("person_id", sort=True)["signed"].agg(score="mean", n_behaviours="size").reset_index()
    return out.astype({"score": "float64", "n_behaviours": "int64"})


def interview_outline(success: bool, *, modules: Sequence[str] = (), toolbox: Sequence[str] = ()
                      ) -> tuple[str, ...]:
    """The questions of a success case (or non-success case) interview, in Chinese.

    Parameters
    ----------
    success : bool
        A success case (what helped) or a non-success case (what blocked).
    modules : sequence of str, optional
        The course's module titles, to ask about one by one.
    toolbox : sequence of str, optional
        The toolbox's table names.

    Returns
    -------
    tuple of str
    """
    listed = f"（逐一问：{'、'.join(modules)}）" if modules else ""
    tables = f"（{'、'.join(toolbox)}）" if toolbox else ""
    if success:
        return (
            "培训后，你拜访客户时做法上最大的改变是什么？请以最近一次拜访为例讲一讲。",
            f"{_ASK_MODULES}{listed}",
            "是什么帮助你把课上学的用起来？（客户的反应、同事、销售经理、工具）",
            "培训后销售经理陪你拜访或辅导过几次？哪一次对你帮助最大，他具体做了什么？",
            f"销售工具表{tables}你现在每周用哪几张？会和经理一起回顾吗？",
            "这些改变带来了什么结果？（客户的反应、推进到下一步的项目、业绩）有没有可以查证的例子？",
            "要让同事也做到，你建议培训或经理再做些什么？",
        )
    return (
        "培训后，你拜访客户的做法和以前相比有什么不同？没有变化的地方，原因是什么？",
        f"{_TRIED_MODULES}{listed}",
        "把课上学的用起来时，最大的障碍是什么？（时间、客户、考核指标、产品或支撑、缺少练习）",
        "培训后销售经理陪你拜访或辅导过吗？你希望得到什么样的帮助？",
        f"销售工具表{tables}你现在用吗？不用的原因是什么？（太复杂、不适合你的客户、没有人检查）",
        "如果重新培训，你最希望增加或改变什么？",
    )


@dataclass(frozen=True)
class SuccessCases:
    """The most and least changed trainees, with their interview outlines (consultant only).

    Attributes
    ----------
    most, least : pandas.DataFrame
        :data:`SUCCESS_CASE_COLUMNS`; ``most`` by score descending, ``least`` ascending, ties
        by person id. Nobody is in both.
    n_people : int
        Trainees with a score.
    success_outline, non_success_outline : tuple of str
        What to ask each list (:func:`interview_outline`).
    note : str
        :data:`CONSULTANT_ONLY`.
    """

    most: pd.DataFrame
    least: pd.DataFrame
    n_people: int
    success_outline: tuple[str, ...] = field(default=())
    non_success_outline: tuple[str, ...] = field(default=())
    note: str = CONSULTANT_ONLY

    @property
    def summary(self) -> str:
        """A plain-Chinese line for the consultant."""
        if self.n_people == 0:
            return "没有培训前后都有随访记录的参训人员，无法挑选成功案例。"
        return (f"在 {self.n_people} 名培训前后都有随访记录的参训人员中，挑出行为变化最大的 {len(self.most)} 人"
                f"和最小的 {len(self.least)} 人作回访访谈。")


def success_cases(scores: pd.DataFrame, *, k: int = DEFAULT_K, modules: Sequence[str] = (),
                  toolbox: Sequence[str] = ()) -> SuccessCases:
    """Brinkerhoff's success and non-success cases from per-person behaviour change scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``person_id``, ``score`` (e.g. :func:`behaviour_change_score`); a missing score is left out.
    k : int, default :data:`DEFAULT_K`
        People per list. With fewer than ``2k`` people, the success list is filled first and
        the non-success list gets the rest.
    modules, toolbox : sequence of str, optional
        Named in the interview outlines.

    Returns
    -------
    SuccessCases

    Raises
    ------
    AnalysisError
        If ``k`` is not a whole number >= 1, a column is missing, or a person appears twice.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise AnalysisError(tr(f"k 应为不小于 1 的整数，实际为 {k!r}", f"k must be a whole number >= 1, got {k!r}"))
    scores = check_table(scores, "scores", ["person_id", "score"], unique=["person_id"])
    data = pd.DataFrame({"person_id": scores["person_id"].astype(str),
                         "score": numeric_column(scores, "score", "scores")}).dropna(subset=["score"])
    most = data.sort_values(["score", "person_id"], ascending=[False, True], kind="mergesort").head(int(k))
    rest = data[~data["person_id"].isin(most["person_id"])]
    least = rest.sort_values(["score", "person_id"], ascending=[True, True], kind="mergesort").head(int(k))

    def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.reset_index(drop=True)
        out.insert(0, "rank", np.arange(1, len(out) + 1, dtype="int64"))
        return out[list(SUCCESS_CASE_COLUMNS)].astype({"person_id": object, "score": "float64"})

    return SuccessCases(most=_ranked(most), least=_ranked(least), n_people=len(data),
                        success_outline=interview_outline(True, modules=modules, toolbox=toolbox),
                        non_success_outline=interview_outline(False, modules=modules, toolbox=toolbox))
