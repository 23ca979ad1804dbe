"""A first standalone codebook, guessed from a questionnaire export (``casekit codebook draft``).

The draft lists every question column: columns whose answers form a response scale become
``items`` (one ``dimension`` per numbered question: matrix questions sharing a stem stay apart),
everything else goes under ``ignore:``. A scale is exactly the labels the export uses: the
known Chinese label sets (:data:`~casekit.intake.options.LABEL_SETS`: 非常不符合…非常符合,
非常不同意…非常同意, 非常不满意…非常满意 with 5, 6 or 7 points, 从不…总是, 非常不重要…非常重要) give
their order, and a set's levels are the scale only when every level is used (see
:func:`guess_scale`); a level nobody chose is never invented. Integer answers 1–5, 1–7, 0–10
and 1–10 are recognised too (also in ``number`` columns: a 0–10 推荐可能性 or a 1–5 总体评分
typed in as a number is an item). The respondent id is chosen by :func:`choose_respondent_id`,
which prefers the column of a bundle's staff codes and says why.

Answer codes: when the export lists a column's options (in questionnaire order) or SPSS value
labels, the scale is built from the option *labels* -- a recognised label set keeps its own
order and values whatever the order of the options (options listed 非常符合 → 非常不符合 still
score 非常符合 highest), any other set follows the option order -- and
:func:`~casekit.intake.questionnaire.apply_questionnaire` maps each code to its label. When
the answers are bare numbers and the export does not say what they stand for, the number scale
is drafted with ``# TODO: 数字是选项序号还是分值？请核对``: in a 问卷星 按序号 download a number is
the option's position, which is the scale value only if the options run from low to high.
Labels of a known set that do not use all its levels are drafted in the set's order, scored
1..k, with a ``# TODO`` asking whether the questionnaire offered options nobody chose. Any other
label set is listed by frequency with a ``# TODO`` for the consultant. Reverse keying is never
guessed.

When every label set was recognised, the draft loads with
:func:`casekit.intake.questionnaire.read_questionnaire` without edits.

The guesses are made once, by :func:`plan_draft` (a :class:`DraftPlan`: the respondent id,
the grouping columns, the scales, the items and the ignored columns with why); the standalone
YAML is written from it here, a bundle's ``codebook.yaml`` by
:mod:`casekit.intake.export_codebook` (``casekit init --from-export``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from casekit.bounded import csv_records
from casekit.exceptions import InputFileError, Problem, SurveyFileError
from casekit.files import write_atomic
from casekit.intake._files import MISSING, read_text
from casekit.surveys import SurveyExport, read_export
from casekit.surveys.model import ExportColumn
from casekit.intake.manifest import MANIFEST_FILE
from casekit.intake.options import LABEL_SETS, question_text
from casekit.language import tr
from casekit.progress import Progress

__all__ = [
    "DEFAULT_MISSING",
    "LABEL_SETS",
    "METADATA",
    "NOT_A_RATING",
    "NOT_A_SCALE",
    "NUMBERS_TODO",
    "PERSON_ID_COLUMNS",
    "TOO_FEW_ANSWERS",
    "CodebookDraft",
    "DraftPlan",
    "DraftedItem",
    "RespondentIdChoice",
    "ScaleGuess",
    "answers_text",
    "bundle_person_ids",
    "choose_respondent_id",
    "column_match",
    "column_reference",
    "column_title",
    "draft_codebook",
    "guess_scale",
    "plan_draft",
    "scale_lines",
    "write_draft",
    "yaml_comment",
    "yaml_scalar",
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
#: Why a column is not an item (the reasons :attr:`DraftPlan.ignored` gives besides a column kind).
NOT_A_RATING = "数值题，不是量表 / a number, not a rating scale"
NOT_A_SCALE = "非量表题：开放题或选项未识别为量表 / not a scale: open answers or unrecognised options"
TOO_FEW_ANSWERS = "答案太少，无法推断量表 / too few distinct answers to tell the scale"
METADATA = "元数据 / metadata"


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
        Suggested scale name (``agree7``, ``num1_5``, ``conform_4labels`` for four labels of a
        known set, or ``""`` when not recognised).
    labels : tuple of (str, float)
        Labels in order with their values.
    recognised : bool
        False when the order is only the answers' frequency (the consultant must check it).
    note : str
        Comment for the draft.
    todo : str
        What the consultant must check before the scale can be trusted (``""`` when nothing):
        written as a ``# TODO`` line under the scale.
    """

    name: str
    labels: tuple[tuple[str, float], ...]
    recognised: bool
    note: str
    todo: str = ""


def _match_set(
    observed: list[str], *, declared: bool = False, elsewhere: frozenset[str] = frozenset()
) -> ScaleGuess | None:
    """The scale of the labels ``observed``, ordered by a known label set, or None.

    A set fits when every label is one of its levels and no two labels share a level. The
    first set whose levels are *all* used is the scale (name, levels, values 1..n): used in
    ``observed``, or -- for levels ``observed`` lacks -- in ``elsewhere`` (the labels the rest
    of the export uses: a question nobody answered 非常不符合 in still offered it when another
    question got that answer; only levels beyond the column's lowest and highest label, never
    one between them). Otherwise the scale is exactly the labels used, in the order of
    the first set that fits, scored 1..k -- never with levels nobody used (an invented 一般
    would shift every label above it): with ``declared`` (the export lists these options)
    that is the scale; from answers alone it carries a TODO, since the questionnaire may have
    offered options nobody chose.
    """
    partial: tuple[str, tuple[tuple[str, ...], ...], dict[str, int]] | None = None
    for name, levels in LABEL_SETS.items():
        where: dict[str, int] = {}
        for label in observed:
            hit = [i for i, syn in enumerate(levels) if label in syn]
            if not hit:
                break
            where[label] = hit[0]
        else:
            if len(set(where.values())) != len(where):
                continue  # two answers on one level: another set fits better
            # an end level this column lacks, used elsewhere in the export: offered here too (a
            # level between two used ones never is -- it would shift the labels above it)
            low, high = min(where.values(), default=0), max(where.values(), default=-1)
            for i, syn in enumerate(levels):
                used = [label for label in syn if label in elsewhere]
                if (i < low or i > high) and len(used) == 1:
                    where[used[0]] = i
            family = re.sub(r"\d+$", "", name)
            kind = _TRANSLATION.get(family, "")
            if len(where) == len(levels):
                labels = tuple((label, float(level + 1)) for label, level in sorted(where.items(), key=lambda lv: lv[1]))
                note = f"{len(levels)} 级{kind}量表 / {len(levels)}-point scale, recognised"
                return ScaleGuess(name, labels, True, note)
            if partial is None:
                partial = (name, levels, where)
    if partial is None:
        return None
    name, levels, where = partial
    family = re.sub(r"\d+$", "", name)
    kind = _TRANSLATION.get(family, "")
    k, n = len(where), len(levels)
    labels = tuple((label, float(i + 1)) for i, (label, _) in enumerate(sorted(where.items(), key=lambda lv: lv[1])))
    unused = "、".join(syn[0] for i, syn in enumerate(levels) if i not in where.values())
    if declared:
        note = (f"{k} 个选项，按{kind}量表的顺序计 1–{k} 分 / the export's {k} options, "
                f"in the order of the {n}-point {family} scale, scored 1–{k}")
        return ScaleGuess(f"{family}_{k}labels", labels, True, note)
    note = f"导出中用到的 {k} 个选项 / the {k} labels the export uses, scored 1–{k}"
    todo = (f"TODO: 导出中只出现了这 {k} 个选项，按{kind}量表的顺序计 1–{k} 分；若问卷还有没人选的选项"
            f"（如 {unused}），请补上并重排分值 / only these {k} labels occur in the export, scored 1–{k} "
            f"in the order of the {n}-point {family} scale; if the questionnaire also offered "
            f"options nobody chose (e.g. {unused}), add them and renumber the values")
    return ScaleGuess(f"{family}_{k}labels", labels, True, note, todo)


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
    counts: Counter[str],
    options: tuple[str, ...] = (),
    codes: dict[str, str] | None = None,
    *,
    elsewhere: frozenset[str] = frozenset(),
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
    elsewhere : frozenset of str, optional
        Answers given anywhere in the export: a known label set's levels this column lacks
        count as offered when other questions got them (see the module docstring).

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
            known = _match_set([lab for lab, _ in labels], declared=True)
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
        guess = _match_set(list(options), declared=True)
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
    return _match_set(observed, elsewhere=elsewhere) or _match_numbers(observed)


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


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar usable in block and flow context: plain when safe, else quoted.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` itself when YAML reads it back unchanged, else a double-quoted scalar with
        every character a YAML file may not hold escaped.
    """
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


_scalar = yaml_scalar


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def yaml_comment(text: str) -> str:
    """``text`` on one line, without characters a YAML file may not contain (for a ``# comment``).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    return " ".join(_NOT_PRINTABLE.sub("\ufffd", text).split())


_comment = yaml_comment


_REGION_HINT = re.compile(r"^(您的|您所在的?|所在的?|所属的?)?(地区|地市|城市|区域|分公司|省份|所在地|区县)[？?]?$")
_POPULATION_HINT = re.compile(r"^(您的|您所在的?|所在的?|所属的?)?(岗位|职位|职务|角色|人员类别|人员类型|岗位类别)[？?]?$")
_ID_HINT = re.compile(r"^(您的)?(编号|序号|答卷编号|答卷序号|问卷编号|工号|员工编号|员工号|员工编码|人员编号|"
                      r"id|respondent.?id|response.?id|staff.?id|employee.?id)$", re.IGNORECASE)
#: Values that look like codes (AM050, 10023, KF-01): letters, digits, ``-``/``_``, with a digit.
_CODE_LIKE = re.compile(r"(?=.*\d)[A-Za-z0-9_-]{2,32}")
#: Columns of a bundle's other tables that hold staff codes (the survey's respondent ids).
PERSON_ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "ride_alongs.csv": ("account_manager",),
    "reviews_360.csv": ("manager_id",),
}


@dataclass(frozen=True)
class RespondentIdChoice:
    """The column a draft takes as the respondent id, and why.

    Attributes
    ----------
    column : ExportColumn or None
        None when no column has one distinct value per response (respondents are numbered).
    reason : str
        Why, in English (printed by ``casekit codebook draft``).
    reason_zh : str
        The same in Chinese (a comment in the draft).
    alternatives : tuple of ExportColumn
        The other question columns holding one code per response (e.g. a 工号 column when the
        platform's response number was taken), named in ``reason``.
    """

    column: ExportColumn | None
    reason: str
    reason_zh: str
    alternatives: tuple[ExportColumn, ...] = ()


@dataclass(frozen=True)
class CodebookDraft:
    """A drafted codebook (:func:`write_draft`).

    Attributes
    ----------
    text : str
        The YAML with comments.
    respondent_id : RespondentIdChoice
        The respondent id column chosen, and why.
    """

    text: str
    respondent_id: RespondentIdChoice


@dataclass(frozen=True)
class DraftedItem:
    """A column a draft takes as a scale item.

    Attributes
    ----------
    column : ExportColumn
    scale : str
        The name of its scale in :attr:`DraftPlan.scales`.
    dimension : str
        The standalone draft's dimension: the matrix question's stem (``（第n题）`` added when
        questions with different numbers share it) or the question number.
    answers : Counter of str
        Each distinct answer (missing markers removed) → how often it was given.
    """

    column: ExportColumn
    scale: str
    dimension: str
    answers: Counter[str]


@dataclass(frozen=True)
class DraftPlan:
    """What a draft says each column of an export is (:func:`plan_draft`).

    Attributes
    ----------
    export : SurveyExport
    respondent_id : RespondentIdChoice
    groups : dict of str to ExportColumn or None
        ``"region"`` and ``"population"`` → the column guessed from its header (None: not found).
    scales : dict of str to ScaleGuess
        Scale name → its guess, in the order first used.
    items : tuple of DraftedItem
        The scale items, in export order.
    ignored : tuple of (ExportColumn, str)
        Every other column (the identifying ones excepted) and why, in export order: the
        column kind (``multi``, ``rank``, ``other``) or one of :data:`METADATA`,
        :data:`NOT_A_RATING`, :data:`NOT_A_SCALE`, :data:`TOO_FEW_ANSWERS`.
    """

    export: SurveyExport
    respondent_id: RespondentIdChoice
    groups: dict[str, ExportColumn | None]
    scales: dict[str, ScaleGuess]
    items: tuple[DraftedItem, ...]
    ignored: tuple[tuple[ExportColumn, str], ...]


def bundle_person_ids(bundle: str | Path) -> dict[str, set[str]]:
    """The staff codes a bundle's other tables use (:data:`PERSON_ID_COLUMNS`).

    Parameters
    ----------
    bundle : str or Path
        The bundle folder (or its ``manifest.yaml``).

    Returns
    -------
    dict of str to set of str
        ``"ride_alongs.csv (account_manager)"`` → the codes found there; tables the bundle does
        not have are left out.

    Raises
    ------
    SurveyFileError
        If ``bundle`` is not a bundle folder, or a table cannot be read or lacks its column.
    """
    root = Path(bundle)
    if root.is_file() and root.name == MANIFEST_FILE:
        root = root.parent
    if not (root / MANIFEST_FILE).is_file():
        raise SurveyFileError([Problem(str(root), None, None,
                                       tr(f"调研资料包的文件夹（内有 {MANIFEST_FILE}）",
                                          f"a research bundle folder (with {MANIFEST_FILE})"),
                                       tr("没有这个文件夹", "no such folder") if not root.is_dir()
                                       else tr(f"没有 {MANIFEST_FILE}", f"no {MANIFEST_FILE}"))])
    out: dict[str, set[str]] = {}
    problems: list[Problem] = []
    for name, columns in PERSON_ID_COLUMNS.items():
        if not (root / name).is_file():
            continue
        text, found = read_text(root / name, name)
        problems.extend(found)
        if text is None:
            continue
        try:  # the bounded parser of every bundle CSV: a stray quote or runaway cell is a problem
            rows, _ = csv_records(text, name)
        except InputFileError as exc:
            problems.extend(exc.problems)
            continue
        header = [h.strip() for h in rows[0]] if rows else []
        for column in columns:
            if column not in header:
                problems.append(Problem(name, 1, column, f"a column {column} (staff codes)", ", ".join(header) or MISSING))
                continue
            j = header.index(column)
            out[f"{name} ({column})"] = {r[j].strip() for r in rows[1:] if len(r) > j and r[j].strip()}
    if problems:
        raise SurveyFileError(problems)
    return out


def _unique_columns(export: SurveyExport, missing: set[str]) -> list[ExportColumn]:
    """Columns answered on every row with a distinct value on each."""
    out = []
    for col in export.columns:
        if col.kind in ("multi", "rank", "matrix", "other"):
            continue
        counts, n_answered = _answers(export, col, missing)
        if (len(export.data) and n_answered == len(export.data) and sum(counts.values()) == n_answered
                and all(n == 1 for n in counts.values())):
            out.append(col)
    return out


def choose_respondent_id(
    export: SurveyExport, person_ids: dict[str, set[str]] | None = None, *, missing: set[str] | None = None,
    staff_codes_first: bool = False,
) -> RespondentIdChoice:
    """Choose the respondent id column of an export, and say why.

    Only a column with one distinct value per response can be the id. With ``person_ids``
    (:func:`bundle_person_ids`), the column most of whose values are staff codes of the
    bundle's other tables wins (so ride-alongs and 360° reviews join the survey); otherwise,
    or when no column holds any of them, the platform's response number (序号) or an id-like
    header (编号, 工号 …), and the other columns holding codes are named.

    Parameters
    ----------
    export : SurveyExport
    person_ids : dict of str to set of str, optional
        Table and column → staff codes, as :func:`bundle_person_ids` returns.
    missing : set of str, optional
        Missing markers (default :data:`DEFAULT_MISSING`).
    staff_codes_first : bool, default False
        Without staff codes to compare with, prefer a question column with an id-like header
        (工号, 员工编号, 答卷编号 …) to the platform's response number: in a bundle, ride-alongs
        and 360° reviews name people by such a code, never by the response number.

    Returns
    -------
    RespondentIdChoice
    """
    missing = set(DEFAULT_MISSING) if missing is None else missing
    unique = _unique_columns(export, missing)
    values = {c.key: set(_answers(export, c, missing)[0]) for c in unique}
    if person_ids:
        best: tuple[int, ExportColumn] | None = None
        for col in unique:
            overlap = len(values[col.key] & set().union(*person_ids.values()))
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, col)
        if best is not None:
            overlap, col = best
            tables = [t for t, codes in person_ids.items() if values[col.key] & codes]
            return RespondentIdChoice(
                col,
                f"{col.header.strip()!r}: {overlap} of its {len(values[col.key])} values are staff codes "
                f"used in the bundle's {', '.join(tables)}",
                f"「{col.header.strip()}」：{len(values[col.key])} 个值中有 {overlap} 个是资料包"
                f"{'、'.join(tables)}中的员工编号",
            )
    metas = [c for c in unique if c.key == "response_id"]
    hinted = [c for c in unique if c.kind != "meta" and (_ID_HINT.match(c.header.strip()) or _ID_HINT.match(question_text(c.header)))]
    if staff_codes_first:
        # a staff code (AM050, 10023) before a column numbering the responses 1, 2, 3 …
        hinted.sort(key=lambda c: all(v.isdigit() for v in values[c.key]))
    chosen = (hinted + metas if staff_codes_first else metas + hinted)[:1]
    col = chosen[0] if chosen else None
    others = [c for c in unique if c is not col and c.kind != "meta" and values[c.key]
              and all(_CODE_LIKE.fullmatch(v) for v in values[c.key])]
    why = ("the platform's response number" if col is not None and col.key == "response_id"
           else "an id-like header")
    why_zh = "平台的答卷序号" if col is not None and col.key == "response_id" else "表头像编号"
    if staff_codes_first and col is not None and col.key != "response_id" and metas:
        why += ", preferred to the platform's response number"
        why_zh += "，优先于平台的答卷序号"
    if col is None:
        reason, reason_zh = "no column has one distinct value per response: respondents numbered by row", \
            "没有每份答卷各不相同的列，按行序编号"
    else:
        reason = f"{col.header.strip()!r}: {why}, one distinct value per response"
        reason_zh = f"「{col.header.strip()}」：{why_zh}，每份答卷各不相同"
    if person_ids:
        reason += f"; no column holds staff codes of the bundle's {', '.join(person_ids) or 'tables'}"
        reason_zh += "；没有一列的值是资料包其他表中的员工编号"
    if others:
        names = ", ".join(repr(c.header.strip()) for c in others)
        reason += (f"; {names} also hold{'s' if len(others) == 1 else ''} one code per response"
                   + ("" if person_ids else ": give --bundle to prefer the column the bundle's other tables use"))
        reason_zh += (f"；「{'」「'.join(c.header.strip() for c in others)}」也是每份答卷一个编号"
                      + ("" if person_ids else "：加 --bundle 可优先选用资料包其他表使用的那一列"))
    return RespondentIdChoice(col, reason, reason_zh, tuple(others))


def _answers(export: SurveyExport, col: ExportColumn, missing: set[str]) -> tuple[Counter[str], int]:
    vals = export.data[col.key].tolist()
    stats = export.status[col.key].tolist()
    answered = [str(v).strip() for v, s in zip(vals, stats) if s == "answered"]
    return Counter(v for v in answered if v not in missing), len(answered)


def _matrix_row(col: ExportColumn) -> bool:
    """A row of a numbered matrix question (typed ``matrix``, or ``n.题干—行`` in a plain export)."""
    return col.question_no is not None and bool(col.sub_item) and col.kind not in (*_NOT_ITEMS, "number", "fill")


def _header_unique(export: SurveyExport, col: ExportColumn) -> bool:
    return sum(c.header.strip() == col.header.strip() for c in export.columns) == 1


def column_match(export: SurveyExport, col: ExportColumn) -> str:
    """How a codebook entry names ``col``: ``platform_id: …``, ``column: …`` or ``key: …`` (YAML).

    The platform's own id where it stays the same across exports of one survey (Qualtrics,
    LimeSurvey, SPSS), else the exact header when no other column has it, else the column key.

    Parameters
    ----------
    export : SurveyExport
    col : ExportColumn

    Returns
    -------
    str
        One YAML ``key: value`` pair.
    """
    ids = [c.platform_id for c in export.columns]
    if export.platform in _STABLE_IDS and col.platform_id and ids.count(col.platform_id) == 1:
        return f"platform_id: {_scalar(col.platform_id)}"
    if col.header.strip() and _header_unique(export, col):
        return f"column: {_scalar(col.header.strip())}"
    return f"key: {_scalar(col.key)}"


def column_reference(export: SurveyExport, col: ExportColumn, *, flow: bool = False) -> str:
    """``col`` as a YAML value naming it: its header when no other column has it, else its key.

    Parameters
    ----------
    export : SurveyExport
    col : ExportColumn
    flow : bool, default False
        Write a key as ``{key: Q3}`` (an identifying column) rather than the bare key (a line of
        ``ignore:``).

    Returns
    -------
    str
    """
    if col.header.strip() and _header_unique(export, col):
        return _scalar(col.header.strip())
    return f"{{key: {_scalar(col.key)}}}" if flow else _scalar(col.key)


def column_title(col: ExportColumn) -> str:
    """The header of ``col`` for a comment, with its matrix row when the header lacks it."""
    title = _comment(col.header)
    if col.sub_item and col.sub_item not in col.header:
        title += f" — {_comment(col.sub_item)}"
    return title


def answers_text(answers: Counter[str]) -> str:
    """``比较符合×27、一般×26``: each answer and how often, most frequent first (for a comment)."""
    return "、".join(f"{_comment(v)}×{n}" for v, n in answers.most_common())


def scale_lines(scales: dict[str, ScaleGuess], *, english: bool = True) -> list[str]:
    """The YAML lines under ``scales:`` (not indented), each scale's note and TODO as comments.

    Parameters
    ----------
    scales : dict of str to ScaleGuess
        Scale name → guess, as :attr:`DraftPlan.scales`.
    english : bool, default True
        Keep the English half of the comments (``中文 / English``); False keeps the Chinese.

    Returns
    -------
    list of str
    """

    def said(text: str) -> str:
        return text if english else text.split(" / ")[0]

    out = []
    for name, guess in scales.items():
        note = guess.note.replace(NUMBERS_TODO, "").strip()
        out.append(f"{name}:   # {said(note)}")
        if NUMBERS_TODO in guess.note:
            out.append(f"  # {said(NUMBERS_TODO)}")
        if guess.todo:
            out.append(f"  # {said(_comment(guess.todo))}")
        labels = ", ".join(f"{_scalar(lab)}: {_number(v)}" for lab, v in guess.labels)
        out.append(f"  labels: {{{labels}}}")
    return out


def draft_codebook(export: SurveyExport, *, person_ids: dict[str, set[str]] | None = None) -> str:
    """Return a draft standalone codebook (YAML text with comments) for an export.

    Parameters
    ----------
    export : SurveyExport
        The questionnaire export.
    person_ids : dict of str to set of str, optional
        Staff codes of a bundle's other tables (:func:`bundle_person_ids`): the column holding
        them is preferred as the respondent id (:func:`choose_respondent_id`).

    Returns
    -------
    str
        YAML with ``columns`` (the respondent id, see :func:`choose_respondent_id`, with a
        comment saying why; a region / population guess from the headers), ``missing``,
        ``scales`` (one per distinct label set, see :func:`guess_scale`), ``items`` (every
        scale-like question column, ``dimension`` = its matrix question's stem -- with
        ``（第n题）`` when questions with different numbers share it -- or question number,
        ``reverse: false``) and ``ignore`` (every other column). Comments, in Chinese and
        English, say what was guessed and what to check.
    """
    return _draft(export, person_ids).text


def plan_draft(
    export: SurveyExport, person_ids: dict[str, set[str]] | None = None, *, staff_codes_first: bool = False
) -> DraftPlan:
    """Decide what each column of an export is: the guesses a draft codebook is written from.

    :func:`draft_codebook` writes the plan as a standalone codebook;
    :mod:`casekit.intake.export_codebook` writes it as a bundle's ``codebook.yaml``.

    Parameters
    ----------
    export : SurveyExport
        The questionnaire export.
    person_ids : dict of str to set of str, optional
        Staff codes of a bundle's other tables (:func:`bundle_person_ids`).
    staff_codes_first : bool, default False
        Passed to :func:`choose_respondent_id`.

    Returns
    -------
    DraftPlan
    """
    missing = set(DEFAULT_MISSING)
    choice = choose_respondent_id(export, person_ids, missing=missing, staff_codes_first=staff_codes_first)
    rid = choice.column
    used: set[str] = set() if rid is None else {rid.key}
    groups: dict[str, ExportColumn | None] = {}
    for name, hint in {"region": _REGION_HINT, "population": _POPULATION_HINT}.items():
        col = next((c for c in export.columns if c.kind not in ("meta", "multi", "rank", "other")
                    and c.key not in used and (hint.search(question_text(c.header)) or hint.search(c.stem.strip())) and _header_unique(export, c)), None)
        groups[name] = col
        if col is not None:
            used.add(col.key)

    # items and their scales ----------------------------------------------------------------
    guesses: list[tuple[ExportColumn, ScaleGuess, Counter[str]]] = []
    ignored: list[tuple[ExportColumn, str]] = []
    # the rows of one matrix question share its options: their scale is guessed from every
    # label used in any row (a row nobody answered 非常不符合 in is still a 5-point row)
    pooled: dict[tuple[int, str], Counter[str]] = {}
    found: set[str] = set()
    for col in export.columns:
        if col.key in used or col.kind in _NOT_ITEMS:
            continue
        answers = _answers(export, col, missing)[0]
        found.update(answers)
        if _matrix_row(col):
            pooled.setdefault((col.question_no, col.stem), Counter()).update(answers)
    everywhere = frozenset(found)
    for col in export.columns:
        if col.key in used:
            continue
        if col.kind in _NOT_ITEMS:
            ignored.append((col, {"meta": METADATA}.get(col.kind, col.kind)))
            continue
        counts, _ = _answers(export, col, missing)
        if col.kind == "number":
            # a rating typed in as a number (0–10 推荐可能性, 1–5 总体评分): only a number range
            observed = [v for v, _ in counts.most_common()]
            guess = _match_numbers(observed) if len(observed) >= 2 else None
            if guess is None:
                ignored.append((col, NOT_A_RATING))
                continue
            guesses.append((col, guess, counts))
            continue
        question = pooled[(col.question_no, col.stem)] if _matrix_row(col) else counts
        guess = guess_scale(question, col.options, export.value_labels.get(col.key), elsewhere=everywhere)
        if guess is not None and not guess.name and col.kind != "matrix":
            guess = None  # options in a known order but no scale: a category question (岗位, 地市)
        if guess is None and col.kind == "matrix" and counts:
            guess = _unrecognised(question)
        if guess is None:
            ignored.append((col, NOT_A_SCALE))
            continue
        guesses.append((col, guess, counts))
    unified = []
    for col, guess, counts in guesses:
        usable = _usable(guess)
        if usable is None:
            ignored.append((col, TOO_FEW_ANSWERS))
        else:
            unified.append((col, usable, counts))
    guesses = unified

    scales: dict[tuple, tuple[str, ScaleGuess]] = {}
    names: Counter[str] = Counter()
    named: list[tuple[ExportColumn, str, Counter[str]]] = []
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
        named.append((col, scales[signature][0], counts))

    ranges = {name: (min(v for _, v in g.labels), max(v for _, v in g.labels)) for name, g in scales.values()}
    first_range: dict[str, tuple[float, float]] = {}
    # one dimension per question: questions with different numbers are different scales, even
    # when they share a stem (the same statements asked of different populations)
    numbers_of_stem: dict[str, set[int | None]] = {}
    for col, _, _ in named:
        if col.stem.strip() and col.sub_item:
            numbers_of_stem.setdefault(col.stem.strip(), set()).add(col.question_no)
    items: list[DraftedItem] = []
    for col, scale_name, counts in named:
        stem = col.stem.strip()
        if stem and col.sub_item:
            shared = len(numbers_of_stem[stem]) > 1 and col.question_no is not None
            dimension = f"{stem}（第{col.question_no}题）" if shared else stem
        else:
            dimension = f"Q{col.question_no}" if col.question_no is not None else col.key
        # items of one dimension are averaged: one range per dimension (another range, another name)
        lo, hi = ranges[scale_name]
        if first_range.setdefault(dimension, (lo, hi)) != (lo, hi):
            dimension = f"{dimension}（{_number(lo)}–{_number(hi)}）"
            first_range.setdefault(dimension, (lo, hi))
        items.append(DraftedItem(col, scale_name, dimension, counts))
    return DraftPlan(export, choice, groups, {name: guess for name, guess in scales.values()}, tuple(items),
                     tuple(ignored))


def _draft(export: SurveyExport, person_ids: dict[str, set[str]] | None) -> CodebookDraft:
    plan = plan_draft(export, person_ids)
    out: list[str] = [
        "# casekit 问卷编码本草稿 / draft codebook (casekit codebook draft)",
        f"# 导出文件 export: {_comment(export.path.name)}",
        f"# 平台 platform: {export.platform}（自动识别 / detected）；答卷 {len(export.data)} 份 / responses",
        "# 请检查：量表顺序与分值、每题所属维度 (dimension)、反向计分题。",
        "# Check: scale order and values, each item's dimension, reverse-keyed items.",
        "# 反向计分未作猜测：反向题请改为 reverse: true / reverse keying is NOT guessed: set reverse: true.",
        "",
    ]
    choice = plan.respondent_id
    rid = choice.column
    out.append(f"# 答卷编号列 / respondent id: {_comment(choice.reason_zh)} / {_comment(choice.reason)}")
    out.append("columns:")
    if rid is not None:
        out.append(f"  respondent_id: {column_reference(export, rid, flow=True)}")
    else:
        out.append("  # respondent_id: 未找到答卷编号列，按行序编号 / no id column found: respondents numbered by row")
    for name, col in plan.groups.items():
        if col is not None:
            out.append(f"  {name}: {_scalar(col.header.strip())}   # 猜测的分组列 / guessed grouping column")
        else:
            out.append(f"  # {name}: <表头 / header>")
    markers = ", ".join(_scalar(m) if m else '""' for m in DEFAULT_MISSING)
    out.append(f"missing: [{markers}]")

    out.append("scales:")
    if not plan.scales:
        out.append("  # TODO 未找到量表题 / no scale items found")
    for line in scale_lines(plan.scales):
        out.append(f"  {line}")

    out.append("items:")
    if not plan.items:
        out.append("  # TODO 未找到量表题：请手工添加 / no scale items found: add them by hand")
    for item in plan.items:
        col = item.column
        out.append(f"  - id: {_scalar(col.key)}   # {column_title(col)}")
        out.append(f"    {column_match(export, col)}")
        out.append(f"    dimension: {_scalar(item.dimension)}   # 所属维度，可改 / the scale it belongs to")
        out.append(f"    scale: {item.scale}")
        out.append(f"    reverse: false   # 反向题改为 true / true if reverse-keyed; 答案 answers: {answers_text(item.answers)}")

    out.append("ignore:")
    if not plan.ignored:
        out.append("  []")
    for col, why in plan.ignored:
        out.append(f"  - {column_reference(export, col)}   # {why}")
    return CodebookDraft("\n".join(out) + "\n", choice)


def write_draft(
    export_path: str | Path,
    out: str | Path | None = None,
    *,
    platform: str | None = None,
    force: bool = False,
    bundle: str | Path | None = None,
    progress: Progress | None = None,
) -> CodebookDraft:
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
    bundle : str or Path, optional
        A research bundle whose other tables (ride-alongs, 360° reviews) name the respondents
        by staff code: the export's column holding those codes becomes the respondent id.
    progress : Progress, optional
        Where the work is reported: ``读取调研资料`` (with ``bundle``), the export's reading
        (:func:`casekit.surveys.read_export`: ``读取问卷 n 行``, ``整理答卷``), then
        ``起草编码簿``; default: nowhere. The draft is the same with any progress or none.

    Returns
    -------
    CodebookDraft
        The draft YAML (``.text``) and the respondent id chosen, with why.

    Raises
    ------
    SurveyFileError
        If the export or the bundle's tables cannot be read, or ``out`` exists and ``force``
        is False.
    OutputError
        If ``out`` cannot be written.
    """
    if out is not None and Path(out).exists() and not force:
        raise SurveyFileError([Problem(Path(out).name, None, None,
                                       tr("还没有用过的文件名（或加 --force 替换它）",
                                          "a file name not yet used (or --force to replace it)"),
                                       tr("已有的文件", "an existing file"))])
    progress = progress or Progress()
    person_ids = None
    if bundle is not None:
        with progress.task("读取调研资料"):
            person_ids = bundle_person_ids(bundle)
    export = read_export(export_path, platform=platform, progress=progress)
    with progress.task("起草编码簿"):  # a second pass over every answer (seconds on a large export)
        draft = _draft(export, person_ids)
    if out is not None:
        write_atomic(Path(out), draft.text.encode("utf-8"))
    return draft
