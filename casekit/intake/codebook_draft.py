"""A first standalone codebook, guessed from a questionnaire export (``casekit codebook draft``).

The draft lists every question column: columns whose answers form a response scale become
``items`` (grouped into one ``dimension`` per matrix question), everything else goes under
``ignore:``. Common Chinese label sets are recognised and put in order (非常不符合…非常符合,
非常不同意…非常同意, 从不…总是, 非常不满意…非常满意, 非常不重要…非常重要, 5 and 7 points) as are
integer answers 1–5, 1–7, 0–10 and 1–10 (also in ``number`` columns: a 0–10 推荐可能性 or a 1–5
总体评分 typed in as a number is an item).

Answer codes: when the export lists a column's options (in questionnaire order) or SPSS value
labels, the scale is built from the option *labels* -- a recognised label set keeps its own
order and values whatever the order of the options (options listed 非常符合 → 非常不符合 still
score 非常符合 highest), any other set follows the option order -- and
:func:`~casekit.intake.questionnaire.apply_questionnaire` maps each code to its label. When
the answers are bare numbers and the export does not say what they stand for, the number scale
is drafted with ``# TODO: 数字是选项序号还是分值？请核对``: in a 问卷星 按序号 download a number is
the option's position, which is the scale value only if the options run from low to high. Any
other label set is listed by frequency with a ``# TODO`` for the consultant. Reverse keying is
never guessed.

When every label set was recognised, the draft loads with
:func:`casekit.intake.questionnaire.read_questionnaire` without edits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from casekit.exceptions import Problem, SurveyFileError
from casekit.files import write_atomic
from casekit.intake.exports import SurveyExport, read_export
from casekit.intake.exports.model import ExportColumn

__all__ = [
    "DEFAULT_MISSING",
    "LABEL_SETS",
    "NUMBERS_TODO",
    "ScaleGuess",
    "draft_codebook",
    "guess_scale",
    "write_draft",
]

#: Missing markers every draft lists (the empty cell first).
DEFAULT_MISSING: tuple[str, ...] = ("", "(空)", "(跳过)", "不适用", "N/A", "-3")
#: Platforms whose column ids stay the same across exports of one survey.
_STABLE_IDS = ("qualtrics", "limesurvey", "spss")
#: Kinds that are never scale items (``number`` columns are items when their answers are a
#: number range, see :data:`_NUMERIC_RANGES`).
_NOT_ITEMS = ("meta", "multi", "rank", "other")
#: Comment on a number scale drafted from bare numbers, whose meaning the export does not tell.
NUMBERS_TODO = "TODO: 数字是选项序号还是分值？请核对 / are the numbers option positions or scale values? check"


def _levels(*levels: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(level.split("/")) for level in levels)


#: Recognised label sets: name → levels in order, each level's synonyms separated by ``/``.
#: Sets are tried in this order; the first in which every observed label has a level of its
#: own wins (so a 7-point set is chosen only when labels the 5-point set lacks are present).
LABEL_SETS: dict[str, tuple[tuple[str, ...], ...]] = {
    "agree5": _levels("非常不同意/完全不同意", "不同意/比较不同意/不太同意", "一般/中立/不确定/说不清",
                      "同意/比较同意", "非常同意/完全同意"),
    "agree7": _levels("非常不同意/完全不同意", "不同意/比较不同意", "有点不同意/有些不同意/稍微不同意",
                      "一般/中立/不确定/说不清", "有点同意/有些同意/稍微同意", "同意/比较同意",
                      "非常同意/完全同意"),
    "conform5": _levels("非常不符合/完全不符合", "不太符合/比较不符合/不符合", "一般/不确定/说不清",
                        "比较符合/符合", "非常符合/完全符合"),
    "conform7": _levels("非常不符合/完全不符合", "不符合/比较不符合", "有点不符合/有些不符合",
                        "一般/不确定/说不清", "有点符合/有些符合", "符合/比较符合", "非常符合/完全符合"),
    "freq5": _levels("从不/从来没有", "很少/偶尔", "有时/有时候", "经常/常常", "总是/一直/每次都"),
    "satisfy5": _levels("非常不满意", "不满意/比较不满意/不太满意", "一般", "满意/比较满意", "非常满意"),
    "satisfy7": _levels("非常不满意", "不满意/比较不满意", "有点不满意/有些不满意", "一般",
                        "有点满意/有些满意", "满意/比较满意", "非常满意"),
    "importance5": _levels("非常不重要/完全不重要", "不太重要/不重要/比较不重要", "一般",
                           "比较重要/重要", "非常重要"),
}
#: Integer ranges recognised when every answer is a whole number.
_NUMERIC_RANGES: tuple[tuple[int, int], ...] = ((1, 5), (1, 7), (1, 10), (0, 10))

_TRANSLATION = {
    "agree": "同意程度", "conform": "符合程度", "freq": "频率", "satisfy": "满意度", "importance": "重要程度",
}


@dataclass(frozen=True)
class ScaleGuess:
    """A response scale guessed from a column's answers.

    Attributes
    ----------
    name : str
        Suggested scale name (``agree7``, ``num1_5``, or ``""`` when not recognised).
    labels : tuple of (str, float)
        Labels in order with their values.
    recognised : bool
        False when the order is only the answers' frequency (the consultant must check it).
    note : str
        Comment for the draft.
    """

    name: str
    labels: tuple[tuple[str, float], ...]
    recognised: bool
    note: str


def _match_set(observed: list[str], only: str | None = None) -> ScaleGuess | None:
    for name, levels in LABEL_SETS.items():
        if only is not None and name != only:
            continue
        where: dict[str, int] = {}
        for label in observed:
            hit = [i for i, syn in enumerate(levels) if label in syn]
            if not hit:
                break
            where[label] = hit[0]
        else:
            if len(set(where.values())) != len(where):
                continue  # two answers on one level: a longer set fits better
            labels: list[tuple[str, float]] = []
            for i, syn in enumerate(levels):
                chosen = [lab for lab, lvl in where.items() if lvl == i] or [syn[0]]
                labels.append((chosen[0], float(i + 1)))
            family = re.sub(r"\d+$", "", name)
            note = f"{len(levels)} 级{_TRANSLATION.get(family, '')}量表 / {len(levels)}-point scale, recognised"
            return ScaleGuess(name, tuple(labels), True, note)
    return None


def _match_numbers(observed: list[str], at_least: int = 0) -> ScaleGuess | None:
    try:
        numbers = [float(v) for v in observed]
    except ValueError:
        return None
    if not numbers or not all(n.is_integer() for n in numbers):
        return None
    lo, hi = min(numbers), max(numbers)
    for a, b in _NUMERIC_RANGES[at_least:]:
        if a <= lo and hi <= b:
            labels = tuple((str(v), float(v)) for v in range(a, b + 1))
            note = (f"数值 {a}–{b}（按出现的数值推断，请核对量表的端点） / "
                    f"numbers {a}–{b}, inferred from the answers: check the end points. {NUMBERS_TODO}")
            return ScaleGuess(f"num{a}_{b}", labels, True, note)
    return None


def guess_scale(
    counts: Counter[str], options: tuple[str, ...] = (), codes: dict[str, str] | None = None
) -> ScaleGuess | None:
    """Guess the response scale of one column from its answers.

    Parameters
    ----------
    counts : Counter of str
        Each distinct answer (missing markers removed) → how often it was given.
    options : tuple of str, optional
        The options in questionnaire order when the export lists them.
    codes : dict of str to str, optional
        Value labels (code → label), e.g. from SPSS.

    Returns
    -------
    ScaleGuess or None
        None when the column does not look like a scale item (no answers, or free text).
    """
    observed = [v for v, _ in counts.most_common()]
    if codes:
        try:
            ordered = sorted(codes.items(), key=lambda kv: float(kv[0]))
        except (ValueError, OverflowError):
            ordered = []
        if ordered and all(v in codes or v in codes.values() for v in observed):
            labels = tuple((lab, float(code)) for code, lab in ordered)
            known = _match_set([lab for lab, _ in labels])
            if known is not None and len({lab for lab, _ in labels}) == len(labels):
                level = dict(known.labels)
                values = [v for _, v in labels]
                levels = [level[lab] for lab, _ in labels]
                if sorted(levels) != levels or sorted(values) != values:
                    # codes run against the labels' order (非常同意 = 1): value each label by its level
                    labels = tuple(sorted(((lab, level[lab]) for lab, _ in labels), key=lambda lv: lv[1]))
                    return ScaleGuess(known.name if known.labels == labels else "", labels, True,
                                      "导出文件中的值标签，按标签含义排序 / value labels of the export, "
                                      "ordered by their meaning (the codes run the other way)")
            name = known.name if known is not None and known.labels == labels else ""
            return ScaleGuess(name, labels, True, "导出文件中的值标签 / value labels of the export")
    if options and all(v in options or v.isdigit() and 1 <= int(v) <= len(options) for v in observed):
        guess = _match_set(list(options))
        if guess is not None and len(set(options)) == len(options):
            # a known label set, in whatever order the questionnaire lists it: answers (labels
            # or option codes) are scored by their label
            if [lab for lab, _ in guess.labels] != list(options):
                guess = ScaleGuess(guess.name, guess.labels, True,
                                   f"{guess.note}; 问卷选项顺序与量表相反或不同，按标签计分 / the questionnaire "
                                   "lists the options in another order: answers are scored by their label")
            return guess
        labels = tuple((lab, float(i + 1)) for i, lab in enumerate(options))
        return ScaleGuess("", labels, True, "问卷中的选项顺序（请核对分值方向） / options in questionnaire order: "
                                            "check that higher means more")
    if len(observed) < 2:
        return None
    for match in (_match_set, _match_numbers):
        guess = match(observed)
        if guess is not None:
            return guess
    return None


def _unify(
    guesses: list[tuple[ExportColumn, ScaleGuess, Counter[str]]],
) -> list[tuple[ExportColumn, ScaleGuess, Counter[str]]]:
    """Give the rows of one matrix question one scale: the longest set guessed for any row.

    A row whose answers happen to miss the 7-point set's extra labels (or the numbers 6 and 7)
    would otherwise be guessed as a 5-point scale. Unrecognised rows of one question get one
    label list, ordered by the frequency of the labels over all of them.
    """
    pooled: dict[int, Counter[str]] = {}
    for col, guess, counts in guesses:
        if col.question_no is not None and not guess.recognised:
            pooled.setdefault(col.question_no, Counter()).update(counts)
    guesses = [(col, _unrecognised(pooled[col.question_no]) if col.question_no in pooled
                and not guess.recognised else guess, counts) for col, guess, counts in guesses]
    best: dict[int, str] = {}
    order = [*LABEL_SETS, *(f"num{a}_{b}" for a, b in _NUMERIC_RANGES)]
    for col, guess, _ in guesses:
        if col.question_no is None or guess.name not in order:
            continue
        current = best.get(col.question_no)
        if current is None or _size(guess.name) > _size(current):
            best[col.question_no] = guess.name
    out = []
    for col, guess, counts in guesses:
        target = best.get(col.question_no) if col.question_no is not None else None
        if target and target != guess.name and guess.name in order:
            observed = [v for v, _ in counts.most_common()]
            if target.startswith("num"):
                better = _match_numbers(observed, [f"num{a}_{b}" for a, b in _NUMERIC_RANGES].index(target))
            else:
                better = _match_set(observed, only=target)
            guess = better or guess
        out.append((col, guess, counts))
    return out


def _size(name: str) -> tuple[int, int]:
    """Sort key of a recognised scale: its number of points, then its family's position."""
    if name in LABEL_SETS:
        return (len(LABEL_SETS[name]), 0)
    a, b = (int(x) for x in name[3:].split("_"))
    return (b - a + 1, 1)


def _usable(guess: ScaleGuess) -> ScaleGuess | None:
    """``guess`` with repeated or blank labels dropped; None unless 2+ labels with 2+ values remain.

    A codebook scale needs at least two labels and two different values; a matrix row whose
    answers were all the same, or value labels sharing one code, do not make one.
    """
    labels: dict[str, float] = {}
    for label, value in guess.labels:
        key = label.strip()
        if key and key not in labels:
            labels[key] = value
    if len(labels) < 2 or len(set(labels.values())) < 2:
        return None
    if len(labels) == len(guess.labels):
        return guess
    return ScaleGuess(guess.name, tuple(labels.items()), guess.recognised, guess.note)


def _unrecognised(counts: Counter[str]) -> ScaleGuess:
    labels = tuple((lab, float(i + 1)) for i, (lab, _) in enumerate(counts.most_common()))
    note = ("TODO 未识别的选项，按出现次数排列：请改成量表顺序并核对分值 / "
            "labels not recognised, listed by frequency: put them in scale order and check the values")
    return ScaleGuess("", labels, False, note)


# ------------------------------------------------------------------------------------------
# YAML text (written by hand: PyYAML drops comments)


#: Characters a YAML stream may not contain (outside YAML 1.1's "printable" set).
_NOT_PRINTABLE = re.compile("[^\\x09\\x0a\\x0d\\x20-\\x7e\\x85\\xa0-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff]")
#: Characters written as escapes in a quoted scalar: the above and YAML's other line breaks.
_ESCAPED = re.compile("[^\\x09\\x0a\\x0d\\x20-\\x7e\\xa0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufffd\\U00010000-\\U0010ffff]")


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar usable in block and flow context: plain when safe, else quoted."""
    if (text and text == text.strip() and not re.search(r"[#:,\[\]{}&*!|>'\"%@`]", text)
            and not _ESCAPED.search(text)):
        try:
            if (yaml.safe_load(f"k: {text}") == {"k": text}
                    and yaml.safe_load(f"[{text}]") == [text]):
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON escapes only C0 controls; YAML refuses DEL, C1 controls, surrogates and U+FFFE/FFFF too
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)  # all below U+10000


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _comment(text: str) -> str:
    """``text`` on one line, without characters a YAML file may not contain."""
    return " ".join(_NOT_PRINTABLE.sub("\ufffd", text).split())


_REGION_HINT = re.compile(r"^(您的|您所在的?|所在的?|所属的?)?(地区|地市|城市|区域|分公司|省份|所在地|区县)[？?]?$")
_POPULATION_HINT = re.compile(r"^(您的|您所在的?|所在的?|所属的?)?(岗位|职位|职务|角色|人员类别|人员类型|岗位类别)[？?]?$")
_ID_HINT = re.compile(r"^(编号|序号|答卷编号|答卷序号|问卷编号|工号|id|respondent.?id|response.?id)$", re.IGNORECASE)


def _answers(export: SurveyExport, col: ExportColumn, missing: set[str]) -> tuple[Counter[str], int]:
    vals = export.data[col.key].tolist()
    stats = export.status[col.key].tolist()
    answered = [str(v).strip() for v, s in zip(vals, stats) if s == "answered"]
    return Counter(v for v in answered if v not in missing), len(answered)


def _respondent_id(export: SurveyExport, missing: set[str]) -> ExportColumn | None:
    metas = [c for c in export.columns if c.key == "response_id"]
    candidates = metas + [c for c in export.columns if c.kind != "meta" and _ID_HINT.match(c.header.strip())]
    for col in candidates:
        counts, n_answered = _answers(export, col, missing)
        if n_answered == len(export.data) and all(n == 1 for n in counts.values()) and sum(counts.values()) == n_answered:
            return col
    return None


def _question_text(col: ExportColumn) -> str:
    """The header without a leading question number (``1.您的岗位`` → ``您的岗位``)."""
    return re.sub(r"^\s*(?:[Qq]?\d+\s*[.、．:：)）]|[Qq]\d+\b)\s*", "", col.header).strip()


def _header_unique(export: SurveyExport, col: ExportColumn) -> bool:
    return sum(c.header.strip() == col.header.strip() for c in export.columns) == 1


def _match_line(export: SurveyExport, col: ExportColumn) -> str:
    ids = [c.platform_id for c in export.columns]
    if export.platform in _STABLE_IDS and col.platform_id and ids.count(col.platform_id) == 1:
        return f"platform_id: {_scalar(col.platform_id)}"
    if col.header.strip() and _header_unique(export, col):
        return f"column: {_scalar(col.header.strip())}"
    return f"key: {_scalar(col.key)}"


def draft_codebook(export: SurveyExport) -> str:
    """Return a draft standalone codebook (YAML text with comments) for an export.

    Parameters
    ----------
    export : SurveyExport
        The questionnaire export.

    Returns
    -------
    str
        YAML with ``columns`` (the respondent id from the metadata, or an id-like column; a
        region / population guess from the headers), ``missing``, ``scales`` (one per distinct
        label set), ``items`` (every scale-like question column, ``dimension`` = its matrix
        question's stem or question number, ``reverse: false``) and ``ignore`` (every other
        column). Comments, in Chinese and English, say what was guessed and what to check.
    """
    missing = set(DEFAULT_MISSING)
    out: list[str] = [
        "# casekit 问卷编码本草稿 / draft codebook (casekit codebook draft)",
        f"# 导出文件 export: {_comment(export.path.name)}",
        f"# 平台 platform: {export.platform}（自动识别 / detected）；答卷 {len(export.data)} 份 / responses",
        "# 请检查：量表顺序与分值、每题所属维度 (dimension)、反向计分题。",
        "# Check: scale order and values, each item's dimension, reverse-keyed items.",
        "# 反向计分未作猜测：反向题请改为 reverse: true / reverse keying is NOT guessed: set reverse: true.",
        "",
    ]
    rid = _respondent_id(export, missing)
    used: set[str] = set()
    out.append("columns:")
    if rid is not None:
        if rid.header.strip() and _header_unique(export, rid):
            out.append(f"  respondent_id: {_scalar(rid.header.strip())}")
        else:
            out.append(f"  respondent_id: {{key: {_scalar(rid.key)}}}")
        used.add(rid.key)
    else:
        out.append("  # respondent_id: 未找到答卷编号列，按行序编号 / no id column found: respondents numbered by row")
    guessed_groups = {"region": _REGION_HINT, "population": _POPULATION_HINT}
    for name, hint in guessed_groups.items():
        col = next((c for c in export.columns if c.kind not in ("meta", "multi", "rank", "other")
                    and c.key not in used and (hint.search(_question_text(c)) or hint.search(c.stem.strip())) and _header_unique(export, c)), None)
        if col is not None:
            out.append(f"  {name}: {_scalar(col.header.strip())}   # 猜测的分组列 / guessed grouping column")
            used.add(col.key)
        else:
            out.append(f"  # {name}: <表头 / header>")
    markers = ", ".join(_scalar(m) if m else '""' for m in DEFAULT_MISSING)
    out.append(f"missing: [{markers}]")

    # items and their scales ----------------------------------------------------------------
    guesses: list[tuple[ExportColumn, ScaleGuess, Counter[str]]] = []
    ignored: list[tuple[ExportColumn, str]] = []
    for col in export.columns:
        if col.key in used:
            continue
        if col.kind in _NOT_ITEMS:
            ignored.append((col, {"meta": "元数据 / metadata"}.get(col.kind, col.kind)))
            continue
        counts, _ = _answers(export, col, missing)
        if col.kind == "number":
            # a rating typed in as a number (0–10 推荐可能性, 1–5 总体评分): only a number range
            observed = [v for v, _ in counts.most_common()]
            guess = _match_numbers(observed) if len(observed) >= 2 else None
            if guess is None:
                ignored.append((col, "数值题，不是量表 / a number, not a rating scale"))
                continue
            guesses.append((col, guess, counts))
            continue
        guess = guess_scale(counts, col.options, export.value_labels.get(col.key))
        if guess is not None and not guess.name and col.kind != "matrix":
            guess = None  # options in a known order but no scale: a category question (岗位, 地市)
        if guess is None and col.kind == "matrix" and counts:
            guess = _unrecognised(counts)
        if guess is None:
            why = "非量表题：开放题或选项未识别为量表 / not a scale: open answers or unrecognised options"
            ignored.append((col, why))
            continue
        guesses.append((col, guess, counts))
    unified = []
    for col, guess, counts in _unify(guesses):
        usable = _usable(guess)
        if usable is None:
            ignored.append((col, "答案太少，无法推断量表 / too few distinct answers to tell the scale"))
        else:
            unified.append((col, usable, counts))
    guesses = unified

    scales: dict[tuple, tuple[str, ScaleGuess]] = {}
    names: Counter[str] = Counter()
    items: list[tuple[ExportColumn, str, Counter[str]]] = []
    for col, guess, counts in guesses:
        signature = guess.labels
        if signature not in scales:
            base = guess.name or "scale"
            names[base] += 1
            scale_name = base if names[base] == 1 and guess.name else f"{base}_{names[base]}"
            while any(s == scale_name for s, _ in scales.values()):
                names[base] += 1
                scale_name = f"{base}_{names[base]}"
            scales[signature] = (scale_name, guess)
        items.append((col, scales[signature][0], counts))

    out.append("scales:")
    if not scales:
        out.append("  # TODO 未找到量表题 / no scale items found")
    for name, guess in scales.values():
        note = guess.note.replace(NUMBERS_TODO, "").strip()
        out.append(f"  {name}:   # {note}")
        if NUMBERS_TODO in guess.note:
            out.append(f"    # {NUMBERS_TODO}")
        labels = ", ".join(f"{_scalar(lab)}: {_number(v)}" for lab, v in guess.labels)
        out.append(f"    labels: {{{labels}}}")

    out.append("items:")
    if not items:
        out.append("  # TODO 未找到量表题：请手工添加 / no scale items found: add them by hand")
    ranges = {name: (min(v for _, v in g.labels), max(v for _, v in g.labels)) for name, g in scales.values()}
    first_range: dict[str, tuple[float, float]] = {}
    for col, scale_name, counts in items:
        dimension = col.stem.strip() if col.stem.strip() and col.sub_item else (
            f"Q{col.question_no}" if col.question_no is not None else col.key)
        # items of one dimension are averaged: one range per dimension (another range, another name)
        lo, hi = ranges[scale_name]
        if first_range.setdefault(dimension, (lo, hi)) != (lo, hi):
            dimension = f"{dimension}（{_number(lo)}–{_number(hi)}）"
            first_range.setdefault(dimension, (lo, hi))
        header = _comment(col.header)
        if col.sub_item and col.sub_item not in col.header:
            header += f" — {_comment(col.sub_item)}"
        out.append(f"  - id: {_scalar(col.key)}   # {header}")
        out.append(f"    {_match_line(export, col)}")
        out.append(f"    dimension: {_scalar(dimension)}   # 所属维度，可改 / the scale it belongs to")
        out.append(f"    scale: {scale_name}")
        found = "、".join(f"{_comment(v)}×{n}" for v, n in counts.most_common())
        out.append(f"    reverse: false   # 反向题改为 true / true if reverse-keyed; 答案 answers: {found}")

    out.append("ignore:")
    if not ignored:
        out.append("  []")
    for col, why in ignored:
        ref = col.header.strip() if col.header.strip() and _header_unique(export, col) else col.key
        out.append(f"  - {_scalar(ref)}   # {why}")
    return "\n".join(out) + "\n"


def write_draft(
    export_path: str | Path,
    out: str | Path | None = None,
    *,
    platform: str | None = None,
    force: bool = False,
) -> str:
    """Read an export and draft its codebook; write it to ``out`` (atomically) when given.

    Parameters
    ----------
    export_path : str or Path
        The questionnaire export as downloaded.
    out : str or Path, optional
        Where to write the YAML. An existing file is not replaced unless ``force``.
    platform : str, optional
        Force the export's reader; detected when omitted.
    force : bool, default False
        Replace an existing ``out``.

    Returns
    -------
    str
        The draft YAML.

    Raises
    ------
    SurveyFileError
        If the export cannot be read, or ``out`` exists and ``force`` is False.
    OutputError
        If ``out`` cannot be written.
    """
    if out is not None and Path(out).exists() and not force:
        raise SurveyFileError([Problem(Path(out).name, None, None,
                                       "a file name not yet used (or --force to replace it)",
                                       "an existing file")])
    text = draft_codebook(read_export(export_path, platform=platform))
    if out is not None:
        write_atomic(Path(out), text.encode("utf-8"))
    return text
