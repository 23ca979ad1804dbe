"""The teaching note of a case: what the trainer reads before and during the discussion.

Every case carries one, in its ``## 教学笔记`` section (trainer edition only), as ten ``### ``
parts (:data:`TEACHING_NOTE_PARTS`) — the elements the case-method houses ask of a teaching note
(Harvard Business School's and The Case Centre's guidance): a synopsis, learning objectives, the
audience and course module, preparation questions, an opening question, a discussion plan whose
minutes add up to the class time (the case's ``minutes``, default 60), the analysis (as thorough as
the best trainee's answer), the wrap-up, a board plan, and what actually happened afterwards.

:func:`teaching_note_problems` is the check (a missing or empty part, minutes that do not add
up); :func:`casekit.authoring.cases.validate_case` reports it for reviewed cases.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from casekit.exceptions import Problem

__all__ = [
    "DISCUSSION_PLAN",
    "TEACHING_NOTE_PARTS",
    "TEACHING_NOTE_SECTION",
    "discussion_minutes",
    "discussion_plan",
    "plan_steps",
    "teaching_note_markdown",
    "teaching_note_parts",
    "teaching_note_problems",
]

#: The section of a case that holds the teaching note.
TEACHING_NOTE_SECTION = "教学笔记"
#: The ten parts of a teaching note, in order (each a ``### `` heading of ``## 教学笔记``).
TEACHING_NOTE_PARTS: tuple[str, ...] = (
    "案例概要", "学习目标", "适用对象与模块", "课前思考题", "开场问题",
    "讨论安排", "案例分析", "总结", "板书设计", "后来的情况",
)
#: The steps of a case discussion and their share of the class time (shares of 60 minutes).
DISCUSSION_PLAN: tuple[tuple[int, str], ...] = (
    (5, "开场：提出开场问题，请两三位学员回答，不作评价"),
    (20, "小组讨论：各组讨论“讨论问题”，把答案写在白板纸上"),
    (15, "各组汇报：每组选一个问题汇报，其他组补充或质疑"),
    (10, "全班讨论难题：如果你是主人公，下一步怎么做？讲师追问理由"),
    (10, "讲师总结：对照板书讲案例分析和要点，最后讲后来的情况"),
)

_ROLEPLAY_STEP = {
    "account_manager": "角色演练：学员分别扮演{hero}和{customer}的人，把这次拜访重来一次（先问再讲），观察员按观察清单记录",
    "support_engineer": "角色演练：一组扮演客户经理和支撑工程师联合拜访，练习事先分工和出场时机，其余学员扮演客户",
    "sales_manager": "角色演练：一人扮演{hero}，一人扮演落后的客户经理，谈一次辅导谈话（问过程，不训话），其余学员观察",
}
_GROUP_STEP = {
    "account_manager": "小组讨论：各组讨论{n}个讨论问题，把{customer}各部门的麻烦写在白板纸上",
    "support_engineer": "小组讨论：各组讨论{n}个讨论问题，对照五个关键环节给{hero}打分",
    "sales_manager": "小组讨论：各组讨论{n}个讨论问题，写出{hero}可以检查的销售过程",
}


def plan_steps(population: str, *, questions: int, roleplay: bool, hero: str = "主人公",
               customer: str = "客户") -> tuple[tuple[int, str], ...]:
    """The steps of a case's discussion and their minutes, from the case itself.

    Group work takes about four minutes per discussion question (at least 12), the reports three per
    question (at least 9); a case with a role-play adds the exercise (20 minutes) and its debrief
    (10). A sales case of four questions with a role-play takes 90 minutes, without one 60.

    Parameters
    ----------
    population : str
        ``account_manager``, ``support_engineer`` or ``sales_manager`` (the kind of case).
    questions : int
        Number of discussion questions.
    roleplay : bool
        Whether a role-play follows the case in class.
    hero, customer : str
        The case's main character and customer, named in the steps.

    Returns
    -------
    tuple of (int, str)
        Minutes and what happens, in class order.
    """
    n = max(1, questions)
    fill = {"hero": hero, "customer": customer, "n": n}
    group = max(12, 4 * n)
    steps: list[tuple[int, str]] = [
        (5, "开场：提出开场问题，请两三位学员回答，不作评价"),
        (group, _GROUP_STEP.get(population, _GROUP_STEP["account_manager"]).format(**fill)),
        (max(9, 3 * n), "各组汇报：每组选一个问题汇报，其他组补充或质疑"),
        (10, f"全班讨论难题：如果你是{hero}，下一步怎么做？讲师追问理由"),
    ]
    if roleplay:
        steps.append((20, _ROLEPLAY_STEP.get(population, _ROLEPLAY_STEP["account_manager"]).format(**fill)))
        steps.append((10, "演练点评：观察员先说，扮演客户的学员再说“什么时候我愿意多说”，讲师最后点评"))
    used = sum(m for m, _ in steps)
    wrap = 10
    total = -(-(used + wrap) // 5) * 5  # whole five minutes
    steps.append((total - used, "讲师总结：对照板书讲案例分析和要点，最后讲后来的情况"))
    return tuple(steps)


_PART_RE = re.compile(r"^###(?!#)\s*(.+?)\s*#*\s*$", re.MULTILINE)
_STEP_RE = re.compile(r"^\s*(?:[-*+]|\d+[.、．)])\s*(\d+)\s*分钟")
_MISSING_MARK = "【待补充"


def teaching_note_parts(case: Any) -> dict[str, str]:
    """The parts of a case's teaching note: ``### `` heading → its text, in file order.

    A file of the older format has no ``教学笔记``; its ``教学要点`` is returned as the
    ``总结`` part.

    Parameters
    ----------
    case : Case
        Any object with ``sections`` (heading → text).

    Returns
    -------
    dict of str to str
        Empty when the case has no teaching note.
    """
    sections: Mapping[str, str] = getattr(case, "sections", {}) or {}
    text = sections.get(TEACHING_NOTE_SECTION)
    if text is None:
        legacy = sections.get("教学要点")
        return {"总结": legacy.strip()} if legacy is not None else {}
    out: dict[str, str] = {}
    matches = list(_PART_RE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        heading = m.group(1).strip()
        if heading not in out:
            out[heading] = text[m.end():end].strip()
    return out


def discussion_minutes(plan: str) -> list[int]:
    """The minutes of each step of a ``讨论安排`` (lines ``- 10分钟 …`` or ``1. 10分钟 …``)."""
    return [int(m.group(1)) for line in plan.split("\n") for m in [_STEP_RE.match(line)] if m]


def discussion_plan(minutes: int, steps: Sequence[tuple[int, str]] = DISCUSSION_PLAN) -> str:
    """A ``讨论安排`` whose steps add up to ``minutes``: ``- 10分钟 …`` lines.

    Each step gets its share of ``minutes`` (``steps`` give shares, e.g. of 60, or the minutes of
    :func:`plan_steps`), rounded to whole minutes, at least one each; the last step takes what
    rounding left over.

    Raises
    ------
    ValueError
        If ``minutes`` is smaller than the number of steps.
    """
    if minutes < len(steps):
        raise ValueError(f"a discussion of {minutes} minutes cannot have {len(steps)} steps")
    total = sum(share for share, _ in steps)
    got = [max(1, round(minutes * share / total)) for share, _ in steps]
    while sum(got) > minutes:  # rounding up too much: take from the longest
        got[got.index(max(got))] -= 1
    got[-1] += minutes - sum(got)
    return "\n".join(f"- {n}分钟　{text}" for n, (_, text) in zip(got, steps))


def teaching_note_markdown(parts: Mapping[str, str]) -> str:
    """The text of a ``## 教学笔记`` section: each part of :data:`TEACHING_NOTE_PARTS` as ``### ``.

    Parts not in ``parts`` are written as ``【待补充：…】``; parts not in the list are appended.
    """
    from casekit.authoring.cases import missing

    chunks = []
    for heading in (*TEACHING_NOTE_PARTS, *(h for h in parts if h not in TEACHING_NOTE_PARTS)):
        body = str(parts.get(heading, "")).strip() or missing(heading)
        chunks.append(f"### {heading}\n\n{body}")
    return "\n\n".join(chunks)


def _note_start(case: Any) -> int | None:
    """The file line of the first text line under ``## 教学笔记`` in the file casekit would write."""
    from casekit.authoring.cases import case_to_markdown

    lines = case_to_markdown(case).split("\n")
    for n, line in enumerate(lines):
        if re.match(rf"^##\s*{TEACHING_NOTE_SECTION}\s*$", line):
            return next((k + 1 for k in range(n + 1, len(lines)) if lines[k].strip()), n + 1)
    return None


def teaching_note_problems(case: Any, *, rel: str | None = None, line: int | None = None) -> list[Problem]:
    """What a case's teaching note lacks: a missing or empty part, minutes that do not add up.

    Parameters
    ----------
    case : Case
    rel : str, optional
        The file named in each problem (default ``cases/<id>.md``).
    line : int, optional
        File line of the first text line under ``## 教学笔记``; default: where
        :func:`casekit.authoring.cases.write_case` would put it.

    Returns
    -------
    list of Problem
        ``(file, line, "教学笔记", expected, found)``; empty when the note is complete. A part
        still marked ``【待补充】`` is not one of them (a reviewed case reports those already).
    """
    rel = rel or f"cases/{getattr(case, 'id', '') or '<memory>'}.md"
    sections: Mapping[str, str] = getattr(case, "sections", {}) or {}
    start = line if line is not None else _note_start(case)
    if TEACHING_NOTE_SECTION not in sections:
        return [Problem(rel, None, TEACHING_NOTE_SECTION, f"the section '## {TEACHING_NOTE_SECTION}'", "<missing>")]
    text = sections[TEACHING_NOTE_SECTION]
    parts = teaching_note_parts(case)

    def row(heading: str | None) -> int | None:
        if start is None:
            return None
        if heading is None:
            return start
        m = re.search(rf"^###\s*{re.escape(heading)}\s*$", text, re.MULTILINE)
        return start + text[:m.start()].count("\n") if m else start

    problems: list[Problem] = []
    for heading in TEACHING_NOTE_PARTS:
        if heading not in parts:
            problems.append(Problem(rel, row(None), TEACHING_NOTE_SECTION,
                                    f"the part '### {heading}' of the teaching note", "<missing>"))
        elif not parts[heading].strip():
            problems.append(Problem(rel, row(heading), TEACHING_NOTE_SECTION,
                                    f"some text under '### {heading}'", "an empty part"))
    plan = parts.get("讨论安排", "")
    if plan.strip() and _MISSING_MARK not in plan:
        steps = discussion_minutes(plan)
        want = getattr(case, "minutes", None) or 60
        if not steps:
            problems.append(Problem(rel, row("讨论安排"), TEACHING_NOTE_SECTION,
                                    "steps written '- 10分钟 …' under '### 讨论安排'", plan.split("\n")[0][:40]))
        elif sum(steps) != want:
            problems.append(Problem(rel, row("讨论安排"), TEACHING_NOTE_SECTION,
                                    f"discussion steps adding up to minutes: {want}",
                                    f"{'+'.join(map(str, steps))} = {sum(steps)} 分钟"))
    return problems
