"""Answer options: the known Chinese label sets, the order of a question's options, question text.

One place for what casekit knows about the options of a questionnaire's questions, shared by
the codebook draft (:mod:`casekit.intake.codebook_draft`: which labels make a scale, in what
order) and the survey tables (:mod:`casekit.analysis.survey_summary`: in what order the groups
of ``--by`` are listed, which header ``--by 性别`` means).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["KNOWN_ORDERS", "LABEL_SETS", "answer_order", "question_text"]


def _levels(*levels: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(level.split("/")) for level in levels)


#: Recognised label sets: name → levels in order, each level's synonyms separated by ``/``.
#: A set gives the *order* of the labels an export uses. Its name and its levels are the
#: drafted scale only when the export uses every level (or lists exactly these options); a
#: 6-point set has no midpoint. Otherwise the scale is the labels used, in the set's order,
#: scored 1..k, with a TODO (see :func:`casekit.intake.codebook_draft.guess_scale`).
LABEL_SETS: dict[str, tuple[tuple[str, ...], ...]] = {
    "agree5": _levels("非常不同意/完全不同意", "不同意/比较不同意/不太同意", "一般/中立/不确定/说不清",
                      "同意/比较同意", "非常同意/完全同意"),
    "agree6": _levels("非常不同意/完全不同意", "不同意/比较不同意", "有点不同意/有些不同意/稍微不同意",
                      "有点同意/有些同意/稍微同意", "同意/比较同意", "非常同意/完全同意"),
    "agree7": _levels("非常不同意/完全不同意", "不同意/比较不同意", "有点不同意/有些不同意/稍微不同意",
                      "一般/中立/不确定/说不清", "有点同意/有些同意/稍微同意", "同意/比较同意",
                      "非常同意/完全同意"),
    "conform5": _levels("非常不符合/完全不符合", "不太符合/比较不符合/不符合", "一般/不确定/说不清",
                        "比较符合/符合", "非常符合/完全符合"),
    "conform6": _levels("非常不符合/完全不符合", "不符合/比较不符合", "有点不符合/有些不符合",
                        "有点符合/有些符合", "符合/比较符合", "非常符合/完全符合"),
    "conform7": _levels("非常不符合/完全不符合", "不符合/比较不符合", "有点不符合/有些不符合",
                        "一般/不确定/说不清", "有点符合/有些符合", "符合/比较符合", "非常符合/完全符合"),
    "freq5": _levels("从不/从来没有", "很少/偶尔", "有时/有时候", "经常/常常", "总是/一直/每次都"),
    "satisfy5": _levels("非常不满意", "不满意/比较不满意/不太满意", "一般", "满意/比较满意", "非常满意"),
    "satisfy6": _levels("非常不满意", "不满意/比较不满意", "有点不满意/有些不满意",
                        "有点满意/有些满意", "满意/比较满意", "非常满意"),
    "satisfy7": _levels("非常不满意", "不满意/比较不满意", "有点不满意/有些不满意", "一般",
                        "有点满意/有些满意", "满意/比较满意", "非常满意"),
    "importance5": _levels("非常不重要/完全不重要", "不太重要/不重要/比较不重要", "一般",
                           "比较重要/重要", "非常重要"),
}

#: Option orders every Chinese questionnaire uses, for exports that do not list the options.
KNOWN_ORDERS: tuple[tuple[str, ...], ...] = (("男", "女"), ("是", "否"), ("有", "没有"), ("有", "无"))

_QUESTION_NO = re.compile(r"^\s*(?:第\s*\d+\s*题\s*[.、．:：)）]?|[Qq]?\d+\s*[.、．:：)）]|[Qq]\d+\b)\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BELOW = re.compile(r"以下|以内|不满|未满|不足|不到|小于|低于|少于|[<＜≤]")
_ABOVE = re.compile(r"以上|超过|大于|高于|多于|[>＞≥+＋]")


def question_text(header: str) -> str:
    """A header without its question number (``1、您的性别`` → ``您的性别``).

    Parameters
    ----------
    header : str

    Returns
    -------
    str
    """
    return _QUESTION_NO.sub("", header, count=1).strip()


def _numbered_key(label: str) -> tuple[float, int, str]:
    """``30岁以下`` < ``30-39岁`` < ``40岁及以上``; ``1组`` < ``2组`` < ``10组``."""
    match = _NUMBER.search(label)
    assert match is not None
    where = -1 if _BELOW.search(label) else 1 if _ABOVE.search(label) else 0
    return float(match[0]), where, label


def _known_order(labels: Sequence[str]) -> list[str] | None:
    """``labels`` in the order of a known set that has each on a level of its own, or None."""
    orders = [tuple(level) for level in KNOWN_ORDERS] + [tuple("/".join(syn) for syn in levels)
                                                        for levels in LABEL_SETS.values()]
    for order in orders:
        level: dict[str, int] = {}
        for label in labels:
            hit = [i for i, names in enumerate(order) if label in names.split("/")]
            if not hit:
                break
            level[label] = hit[0]
        else:
            if len(set(level.values())) == len(level):
                return sorted(labels, key=level.__getitem__)
    return None


def answer_order(values: Iterable[str], options: Sequence[str] = ()) -> list[str]:
    """The distinct answers of a question in the questionnaire's option order.

    Parameters
    ----------
    values : iterable of str
        Answers (repeats and blanks allowed; blanks are dropped).
    options : sequence of str, optional
        The options in questionnaire order, when the export lists them.

    Returns
    -------
    list of str
        The distinct answers: in ``options`` order when every answer is an option; otherwise
        in a known set's order (``男``/``女``, 非常不满意 … 非常满意); otherwise, when every
        answer carries a number, by that number (``30岁以下``, ``30-39岁``, ``40岁及以上``;
        ``1组``, ``2组``, ``10组``); otherwise in string order.
    """
    distinct = list(dict.fromkeys(v for v in values if v))
    if options and set(distinct) <= set(options):
        return [o for o in dict.fromkeys(options) if o in set(distinct)]
    known = _known_order(distinct)
    if known is not None:
        return known
    if distinct and all(_NUMBER.search(v) for v in distinct):
        return sorted(distinct, key=_numbered_key)
    return sorted(distinct)
