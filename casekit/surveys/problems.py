"""Keeping a list of problems readable: one line per distinct mistake, not one per cell.

One typo in an option label of a 100,000-row export is 100,000 identical problems; one wrong
date format is as many problems as rows. :func:`condense` groups problems that say the same
thing about the same column (same file, column, expected and found) and keeps the first few
rows of each group, then caps the whole list. Every reader calls it before raising
:class:`~casekit.exceptions.SurveyFileError`; other modules reading exports (questionnaires,
codebooks) can call it too::

    from casekit.surveys.problems import condense
"""

from __future__ import annotations

from collections.abc import Iterable

from casekit.exceptions import Problem
from casekit.language import tr

__all__ = ["CAP", "PER_GROUP", "condense"]

#: Rows listed per group of identical problems (same file, column, expected, found).
PER_GROUP = 3
#: At most this many problems are listed in all, the last one counting the rest.
CAP = 200


def condense(problems: Iterable[Problem], *, per_group: int = PER_GROUP, cap: int = CAP) -> list[Problem]:
    """Return the problems grouped by what they say, and capped.

    Parameters
    ----------
    problems : iterable of Problem
        Every problem found, in the order to report them.
    per_group : int, default 3
        Problems with the same ``file``, ``column``, ``expected`` and ``found`` are a group: the
        first ``per_group`` of each are kept (with their rows), and one more problem, placed
        right after them, says how many more rows have the same value (``row`` None, ``found``
        ``"… and N more rows with the same value '<found>'"``).
    cap : int, default 200
        At most this many problems are returned: when more remain after grouping, the first
        ``cap - 1`` are kept and a last problem (``file`` that of the first problem, ``row`` and
        ``column`` None) says ``"… N more problems"``, N counting every problem not listed
        (a group summary counts as the rows it stands for).

    Returns
    -------
    list of Problem
        The original problems when there are at most ``cap`` and no group exceeds
        ``per_group``; otherwise the condensed list, order of first appearance kept.

    Raises
    ------
    ValueError
        If ``per_group`` < 1 or ``cap`` < 2.

    Examples
    --------
    >>> from casekit.exceptions import Problem
    >>> same = [Problem("a.csv", r, "1、岗位", "a known option", "经 理") for r in range(2, 12)]
    >>> [p.row for p in condense(same)]
    [2, 3, 4, None]
    >>> condense(same)[-1].found
    "… and 7 more rows with the same value '经 理'"
    """
    if per_group < 1:
        raise ValueError(f"per_group must be at least 1, got {per_group}")
    if cap < 2:
        raise ValueError(f"cap must be at least 2, got {cap}")
    problems = list(problems)
    counts: dict[tuple[str, str | None, str, str], int] = {}
    for p in problems:
        key = (p.file, p.column, p.expected, p.found)
        counts[key] = counts.get(key, 0) + 1
    if len(problems) <= cap and all(n <= per_group for n in counts.values()):
        return problems

    # (problem, how many original problems it stands for)
    entries: list[tuple[Problem, int]] = []
    seen: dict[tuple[str, str | None, str, str], int] = {}
    for p in problems:
        key = (p.file, p.column, p.expected, p.found)
        k = seen[key] = seen.get(key, 0) + 1
        if k <= per_group:
            entries.append((p, 1))
        if k == per_group and counts[key] > per_group:
            more = counts[key] - per_group
            found = tr(f"……另有 {more} 行是同样的值「{p.found}」",
                       f"… and {more} more row{'s' if more != 1 else ''} with the same value {p.found!r}")
            entries.append((Problem(p.file, None, p.column, p.expected, found), more))
    if len(entries) <= cap:
        return [p for p, _ in entries]
    kept = entries[: cap - 1]
    rest = sum(n for _, n in entries[cap - 1 :])
    last = Problem(kept[0][0].file, None, None, tr(f"最多列出 {cap} 个问题", f"at most {cap} problems listed"),
                   tr(f"……另有 {rest} 个问题", f"… {rest} more problems"))
    return [p for p, _ in kept] + [last]
