"""The sales managers' 360° review: items and simulated ratings by anonymous raters."""

from __future__ import annotations

import numpy as np

from casekit.sample.people import Person
from casekit.sample.planted import ITEM_SD, SM_SELF_INFLATION

__all__ = ["RATER_COUNTS", "REVIEW_COLUMNS", "REVIEW_ITEMS", "review_rows"]

REVIEW_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "region",
    "rater_group",
    "rater_token",
    "item_id",
    "score",
)

#: The 360° items, answered on the agree5 scale (values 1–5).
REVIEW_ITEMS: tuple[dict[str, str], ...] = (
    {
        "id": "r360_strategy_1",
        "text": "能结合本地市场制定转型产品的销售目标",
        "dimension": "strategy",
    },
    {
        "id": "r360_strategy_2",
        "text": "能讲清楚我们该重点做哪些行业、哪些客户",
        "dimension": "strategy",
    },
    {
        "id": "r360_strategy_3",
        "text": "分解指标时考虑各片区客户的实际情况",
        "dimension": "strategy",
    },
    {
        "id": "r360_process_1",
        "text": "了解客户经理每天的时间都花在哪里",
        "dimension": "process",
    },
    {
        "id": "r360_process_2",
        "text": "定期和客户经理一起检查重点项目进展到哪一步",
        "dimension": "process",
    },
    {
        "id": "r360_process_3",
        "text": "评价客户经理时不只看业绩数字，也看过程",
        "dimension": "process",
    },
    {
        "id": "r360_leadership_1",
        "text": "清楚每位下属的长处和欠缺",
        "dimension": "leadership",
    },
    {
        "id": "r360_leadership_2",
        "text": "遇到难卖的产品时能亲自示范怎么卖",
        "dimension": "leadership",
    },
    {
        "id": "r360_leadership_3",
        "text": "下属愿意把工作中的难处告诉他",
        "dimension": "leadership",
    },
)

#: (min, max) raters per group for each manager reviewed.
RATER_COUNTS: dict[str, tuple[int, int]] = {
    "account_manager": (4, 6),
    "support": (3, 4),
    "superior": (1, 1),
    "self": (1, 1),
}


def review_rows(
    managers: list[Person],
    truths: dict[str, dict[str, float]],
    rng: np.random.Generator,
) -> list[dict[str, str]]:
    """Return one row per manager × rater × item.

    Raters see a manager through their own role: account managers are slightly harsher on
    process control, superiors on strategy, and every manager rates himself higher than others
    do (by :data:`~casekit.sample.planted.SM_SELF_INFLATION`).

    Parameters
    ----------
    managers : list of Person
        The sales managers.
    truths : dict
        Staff id → true dimension scores.
    rng : numpy.random.Generator
        Source of randomness.
    """
    group_bias = {
        "account_manager": {"process": -0.2},
        "support": {},
        "superior": {"strategy": -0.2},
        "self": {
            "strategy": SM_SELF_INFLATION,
            "process": SM_SELF_INFLATION,
            "leadership": SM_SELF_INFLATION,
        },
    }
    used_tokens: set[str] = set()
    rows: list[dict[str, str]] = []
    for manager in managers:
        truth = truths[manager.staff_id]
        for group, (lo, hi) in RATER_COUNTS.items():
            for _ in range(int(rng.integers(lo, hi + 1))):
                token = f"r{int(rng.integers(16**5, 16**6)):x}"
                while token in used_tokens:
                    token = f"r{int(rng.integers(16**5, 16**6)):x}"
                used_tokens.add(token)
                leniency = rng.normal(0.0, 0.25)
                for item in REVIEW_ITEMS:
                    dim = item["dimension"]
                    value = (
                        truth[dim]
                        + group_bias[group].get(dim, 0.0)
                        + leniency
                        + rng.normal(0.0, ITEM_SD)
                    )
                    rows.append(
                        {
                            "manager_id": manager.staff_id,
                            "region": manager.unit,
                            "rater_group": group,
                            "rater_token": token,
                            "item_id": item["id"],
                            "score": str(int(np.clip(np.rint(value), 1, 5))),
                        }
                    )
    return rows
