"""``followup/``: what happens after the course (follow-up waves, reaction, quiz, sales).

The folder is optional; a bundle without it is a research bundle as before. Its format is the
contract of ``docs/followup.md`` (bundle format, and what intake hands on):
:func:`read_followup` reads and checks every file of it, collecting every problem with file,
row, column, expected and found, and hands the evaluation one :class:`FollowUp`.

People are linked by their pseudonymous id, the baseline survey's respondent id. An id the
baseline does not know is a problem; a baseline person missing from a follow-up file is not a
problem but is counted (:attr:`FollowUp.links`) and shown by ``casekit validate``
(:func:`followup_summary`).

A wave's questionnaire and ride-alongs are read by the baseline's own readers
(:func:`~casekit.intake.survey.read_survey`, :func:`~casekit.intake.ride_alongs.read_ride_alongs`)
with the same codebook, manifest and catalogue; their problems name the wave's files
(``followup/w1/survey/responses.csv``, ``followup/w1/ride_alongs.csv``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.file_ids import file_id_problem, id_key
from casekit.intake._files import FILE, MISSING, ROW, is_ignored, read_table, text_of
from casekit.intake.codebook import Codebook
from casekit.intake.config import Each, ProblemLog, Schema, key_path, read_config
from casekit.intake.manifest import Manifest
from casekit.intake.ride_alongs import RIDE_ALONGS_FILE, read_ride_alongs
from casekit.intake.schemas import (
    Column,
    TableSchema,
    cell_problems,
    coerce,
    vocab_expected,
    vocab_map,
)
from casekit.intake.survey import SURVEY_DIR, SurveyTables, read_survey
from casekit.language import tr

__all__ = [
    "COACHING",
    "COACHING_FILE",
    "FOLLOWUP_DIR",
    "LINKS",
    "MATCH_TARGET",
    "PEOPLE",
    "QUIZ",
    "QUIZ_FILE",
    "REACTION",
    "REACTION_FILE",
    "SALES",
    "SALES_FILE",
    "TRAINEES",
    "TRAINEES_FILE",
    "WAVES",
    "WAVES_FILE",
    "Course",
    "CourseSchema",
    "FollowUp",
    "WaveSchema",
    "WavesSchema",
    "followup_file_order",
    "followup_summary",
    "read_followup",
]

FOLLOWUP_DIR = "followup"
WAVES_FILE = "waves.yaml"
TRAINEES_FILE = "trainees.csv"
REACTION_FILE = "reaction.csv"
QUIZ_FILE = "quiz.csv"
SALES_FILE = "sales.csv"
COACHING_FILE = "coaching.csv"
#: The files directly in ``followup/`` (the others are wave folders).
_TOP_FILES = (WAVES_FILE, TRAINEES_FILE, REACTION_FILE, QUIZ_FILE, SALES_FILE)
#: What a wave folder may hold.
_WAVE_ENTRIES = (SURVEY_DIR + "/", RIDE_ALONGS_FILE, COACHING_FILE)
#: The share of trainees matched across waves the issue aims for (``casekit validate`` says
#: when a source is below it).
MATCH_TARGET = 0.8
#: Reaction scores: 1 (worst) to 5 (best).
_REACTION_RANGE = (1.0, 5.0)
_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")


# ---------------------------------------------------------------------------------------------
# waves.yaml


class CourseSchema(Schema):
    """``course:`` of ``followup/waves.yaml``: the course's name, first and last day."""

    name: Any = None
    start: Any = None
    end: Any = None


class WaveSchema(Schema):
    """One item of ``waves:``: the wave's id (its folder), label and fieldwork period."""

    id: Any = None
    label: Any = None
    start: Any = None
    end: Any = None


class WavesSchema(Schema):
    """The keys of ``followup/waves.yaml`` (``docs/followup.md``)."""

    course: CourseSchema | None = None
    selection: Any = None
    waves: Each[WaveSchema] | None = None


# ---------------------------------------------------------------------------------------------
# the tables

WAVES = TableSchema("waves", (
    Column("wave_id"),
    Column("label"),
    Column("start", "datetime64[ns]"),
    Column("end", "datetime64[ns]"),
))

TRAINEES = TableSchema("trainees", (
    Column("person_id", source="person_id", unique=True),
    Column("cohort", "object", source="cohort", required=False, nullable=True),
    Column("attended_days", "float64", source="attended_days", required=False, nullable=True, check="custom"),
    Column("region_id", check="derived"),
    Column("population", check="derived"),
), sort_by=("person_id",))

PEOPLE = TableSchema("people", (
    Column("person_id"),
    Column("region_id"),
    Column("top_region_id"),
    Column("population"),
    Column("trained", "bool"),
), sort_by=("person_id",))

REACTION = TableSchema("reaction", (
    Column("person_id"),
    Column("item"),
    Column("score", "float64"),
), sort_by=("person_id", "item"))

QUIZ = TableSchema("quiz", (
    Column("person_id", source="person_id"),
    Column("phase", source="phase", check="vocab", vocab=domain.QUIZ_PHASES, what="a quiz phase"),
    Column("score", "float64", source="score", check="custom"),
    Column("max_score", "float64", source="max_score", check="custom"),
    Column("share", "float64", check="derived"),
), sort_by=("person_id", "phase"))

SALES = TableSchema("sales", (
    Column("person_id", source="person_id"),
    Column("month", source="month", check="custom"),
    Column("value", "float64", source="value", check="number"),
    Column("period", check="derived"),
), sort_by=("person_id", "month"))

COACHING = TableSchema("coaching", (
    Column("person_id", source="person_id", unique=True),
    Column("joint_visits", "int64", source="joint_visits", check="int"),
    Column("weekly_reviews", "int64", source="weekly_reviews", check="int"),
), sort_by=("person_id",))

LINKS = TableSchema("links", (
    Column("wave_id"),
    Column("source"),
    Column("present", "bool"),
    Column("n_trainees", "int64"),
    Column("n_found", "int64"),
    Column("match_rate", "float64"),
    Column("found", "object"),
    Column("missing", "object"),
    Column("basis"),
))


@dataclass(frozen=True)
class Course:
    """The course the follow-up evaluates.

    Attributes
    ----------
    name : str
        Free text (``转型业务营销培训``).
    start, end : Timestamp or None
        First and last day; None when ``waves.yaml`` does not give a valid date.
    """

    name: str = ""
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


@dataclass(frozen=True, eq=False)
class FollowUp:
    """Everything after the course, as typed tables (``docs/followup.md``).

    Attributes
    ----------
    course : Course
        Name, first and last day of the course.
    selection : str
        How trainees were chosen: an id of :data:`casekit.domain.TRAINEE_SELECTIONS`.
    waves : DataFrame
        ``wave_id``, ``label``, ``start``, ``end``, in time order.
    trainees : DataFrame
        ``person_id``, ``cohort``, ``attended_days``, ``region_id``, ``population`` (the last
        two from the baseline survey).
    people : DataFrame
        One row per baseline person (survey respondent): ``person_id``, ``region_id``,
        ``top_region_id``, ``population``, ``trained``.
    reaction : DataFrame
        Long: ``person_id``, ``item`` (an id of :data:`casekit.domain.REACTION_ITEMS`),
        ``score`` 1–5; an empty cell (no answer) has no row.
    reaction_comments : DataFrame
        ``person_id``, ``comment``: the sheets' free text (consultant-only, never shown per person).
    quiz : DataFrame
        ``person_id``, ``phase`` (``pre``/``post``), ``score``, ``max_score``, ``share``.
    sales : DataFrame
        ``person_id``, ``month`` (``YYYY-MM``), ``value``, ``period`` (``baseline``/``after``).
    surveys : dict of str to SurveyTables
        Per wave id with a ``survey/`` folder: ``respondents`` and ``responses`` as the baseline's.
    ride_alongs : dict of str to DataFrame
        Per wave id with a ``ride_alongs.csv``: one row per visit, the baseline's columns plus ``observer``.
    ride_along_recordings : dict of str to DataFrame
        Per wave id: every recording (a visit recorded by two observers has two rows).
    coaching : dict of str to DataFrame
        Per wave id with a ``coaching.csv``: ``person_id``, ``joint_visits``, ``weekly_reviews``.
    links : DataFrame
        Per wave and source (``survey``, ``ride_alongs``, ``coaching``): ``present`` (the wave
        has that file), ``n_trainees`` (the trainees the source can match, see ``basis``),
        ``n_found``, ``match_rate`` (NaN without trainees to match), ``found`` and ``missing``
        (tuples of person ids), ``basis`` (``trainees``: every trainee, all are baseline
        respondents; ``observed_trainees``: the trainees observed on a baseline ride-along;
        ``account_manager_trainees``: the account managers among the trainees, the people coached).
    """

    course: Course
    selection: str
    waves: pd.DataFrame
    trainees: pd.DataFrame
    people: pd.DataFrame
    reaction: pd.DataFrame = field(default_factory=REACTION.empty)
    reaction_comments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["person_id", "comment"]))
    quiz: pd.DataFrame = field(default_factory=QUIZ.empty)
    sales: pd.DataFrame = field(default_factory=SALES.empty)
    surveys: dict[str, SurveyTables] = field(default_factory=dict)
    ride_alongs: dict[str, pd.DataFrame] = field(default_factory=dict)
    ride_along_recordings: dict[str, pd.DataFrame] = field(default_factory=dict)
    coaching: dict[str, pd.DataFrame] = field(default_factory=dict)
    links: pd.DataFrame = field(default_factory=LINKS.empty)


# ---------------------------------------------------------------------------------------------
# reading


def read_followup(root: Path, manifest: Manifest | None, codebook: Codebook | None, survey: SurveyTables,
                  catalogue: pd.DataFrame | None, *, baseline_ride_alongs: pd.DataFrame | None = None
                  ) -> tuple[FollowUp | None, list[Problem]]:
    """Read and check ``followup/``, collecting every problem of every file.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names (a wave's questionnaire and ride-alongs).
    codebook : Codebook or None
        The baseline's codebook, which reads a wave's questionnaire too.
    survey : SurveyTables
        The baseline survey: its respondents are the people every follow-up file names.
        Without respondents (the survey could not be read) ids are not checked.
    catalogue : DataFrame or None
        Regional catalogues (local product names of a wave's ride-alongs).
    baseline_ride_alongs : DataFrame, optional
        The baseline's visits: the trainees observed there are those a wave's ride-alongs can match.

    Returns
    -------
    followup : FollowUp or None
        None when the bundle has no ``followup/`` folder; otherwise the follow-up as far as it
        could be read (complete only when ``problems`` is empty).
    problems : list of Problem
        Every problem, files named relative to the bundle (``followup/quiz.csv``).
    """
    folder = root / FOLLOWUP_DIR
    if not folder.exists() and not folder.is_symlink():
        return None, []
    if not folder.is_dir():
        return None, [Problem(FOLLOWUP_DIR, None, None, tr("followup/ 文件夹（见 docs/followup.md）",
                                                           "a folder followup/ (docs/followup.md)"),
                              tr("一个文件", "a file"))]
    if not folder.resolve().is_relative_to(root.resolve()):  # a wave's readers take its folder as root
        return None, [Problem(FOLLOWUP_DIR + "/", None, None, tr("资料包里面的文件夹", "a folder inside the bundle"),
                              tr("指向资料包外面文件夹的链接", "a link to a folder outside the bundle"))]
    problems: list[Problem] = []
    respondents = survey.respondents
    known: set[str] | None = set(respondents["respondent_id"].dropna()) if len(respondents) else None
    managers: set[str] | None = None
    if known is not None:
        managers = set(respondents.loc[respondents["population"] == "account_manager", "respondent_id"])

    course, selection, waves, more = _read_waves(folder)
    problems += more
    problems += _folder_problems(folder, waves)
    trainees, more = _read_trainees(root, respondents, known)
    problems += more
    trained = set(trainees["person_id"].dropna())
    reaction, comments, more = _read_reaction(root, known, trained)
    problems += more
    quiz, more = _read_quiz(root, known, trained)
    problems += more
    sales, more = _read_sales(root, known, course)
    problems += more

    surveys: dict[str, SurveyTables] = {}
    visits: dict[str, pd.DataFrame] = {}
    recordings: dict[str, pd.DataFrame] = {}
    coaching: dict[str, pd.DataFrame] = {}
    for wave in waves.itertuples(index=False):
        wid = str(wave.wave_id)
        where = folder / wid
        if not where.is_dir():
            continue  # reported by _folder_problems
        prefix = f"{FOLLOWUP_DIR}/{wid}/"
        if (where / SURVEY_DIR).exists():
            tables, more = read_survey(where, codebook, manifest)
            problems += [replace(p, file=prefix + p.file) for p in more]
            problems += _unknown_respondents(where, prefix, codebook, tables, known)
            surveys[wid] = tables
        if (where / RIDE_ALONGS_FILE).exists():
            period = (wave.start, wave.end) if pd.notna(wave.start) and pd.notna(wave.end) else None
            rides, more = read_ride_alongs(root, manifest, managers, catalogue, rel=prefix + RIDE_ALONGS_FILE,
                                           period=period)
            problems += more
            visits[wid], recordings[wid] = rides.visits, rides.recordings
        if (where / COACHING_FILE).exists():
            coaching[wid], more = _read_coaching(root, prefix + COACHING_FILE, known, managers)
            problems += more

    people = _people(respondents, trained)
    trainees = _with_baseline(trainees, respondents)
    links = _links(waves, trainees, people, surveys, visits, coaching, baseline_ride_alongs)
    followup = FollowUp(
        course=course, selection=selection, waves=waves, trainees=trainees, people=people,
        reaction=reaction, reaction_comments=comments, quiz=quiz, sales=sales, surveys=surveys,
        ride_alongs=visits, ride_along_recordings=recordings, coaching=coaching, links=links,
    )
    return followup, problems


def followup_file_order(rel: str) -> int:
    """Where a file's problems come among the follow-up's: ``waves.yaml``, ``trainees.csv``,
    ``reaction.csv``, ``quiz.csv``, ``sales.csv``, then the waves' folders (0 outside ``followup/``).

    Parameters
    ----------
    rel : str
        A problem's file, relative to the bundle.

    Returns
    -------
    int
        A sort key: problems read in the order a consultant fixes them (the waves first).
    """
    parts = rel.split("/")
    if parts[0] != FOLLOWUP_DIR or len(parts) < 2:
        return 0
    return _TOP_FILES.index(parts[1]) if parts[1] in _TOP_FILES else len(_TOP_FILES)


def _date(log: ProblemLog, path: tuple[Any, ...], value: Any) -> pd.Timestamp | None:
    """A ``YYYY-MM-DD`` date of ``waves.yaml`` (kept as text by the loader), or None with a problem."""
    text = text_of(value)
    stamp = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce") if text else pd.NaT
    if pd.isna(stamp):
        log.add(path, key_path(path), tr("日期，格式为 YYYY-MM-DD", "a date YYYY-MM-DD"), text)
        return None
    return pd.Timestamp(stamp)


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d}"


def _read_waves(folder: Path) -> tuple[Course, str, pd.DataFrame, list[Problem]]:
    rel = f"{FOLLOWUP_DIR}/{WAVES_FILE}"
    config = read_config(folder / WAVES_FILE, rel, WavesSchema, mapping_of="course, selection, waves")
    log = config.log()
    data = config.data if isinstance(config.data, dict) else None
    if data is None:
        return Course(), "all", WAVES.empty(), log.problems

    # course
    raw = data.get("course")
    name, start, end = "", None, None
    if not isinstance(raw, dict):
        log.add(("course",), "course", tr("含 name、start、end 三个键的映射（课程名称、第一天和最后一天）",
                                          "a mapping with the keys name, start, end (the course's first and last day)"),
                raw)
    else:
        name = text_of(raw.get("name"))
        if not name:
            log.add(("course", "name"), "course.name", tr("课程名称", "the course's name"), name)
        start = _date(log, ("course", "start"), raw.get("start"))
        end = _date(log, ("course", "end"), raw.get("end"))
        if start is not None and end is not None and end < start:
            log.add(("course", "end"), "course.end", tr(f"不早于 course.start（{_day(start)}）的日期",
                                                        f"a date on or after course.start ({_day(start)})"), _day(end))
    course = Course(name, start, end)

    # selection
    text = text_of(data.get("selection"))
    selection = vocab_map(domain.TRAINEE_SELECTIONS).get(text)
    if selection is None:
        log.add(("selection",), "selection",
                vocab_expected(domain.TRAINEE_SELECTIONS, "how the trainees were chosen"), text)
        selection = "all"

    # waves
    items = data.get("waves")
    rows: list[dict[str, Any]] = []
    if not isinstance(items, list) or not items:
        log.add(("waves",), "waves", tr("回访轮次的列表，每轮有 id、label、start、end",
                                        "a list of follow-up waves, each with id, label, start, end"), items)
        items = []
    seen: dict[str, str] = {}
    previous: tuple[str, pd.Timestamp] | None = None
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            log.add(("waves", i), f"waves[{i}]", tr("含 id、label、start、end 四个键的映射",
                                                    "a mapping with the keys id, label, start, end"), item)
            continue
        wid = text_of(item.get("id"))
        why = file_id_problem(wid)
        if why is not None:
            log.add(("waves", i, "id"), f"waves[{i}].id",
                    tr("可用作文件夹名的回访轮次编号（ASCII 字母、数字和 _ - .，例如 w1）",
                       "a wave id that can be a folder name (ASCII letters, digits, '_', '-', '.', e.g. w1)"),
                    f"{wid or MISSING}: {why}" if wid else wid)
            wid = ""
        elif id_key(wid) in seen:
            log.add(("waves", i, "id"), f"waves[{i}].id", tr("每个回访轮次编号只出现一次（大小写不同也算同一个文件夹）",
                                                             "each wave id once (upper and lower case are one folder)"),
                    tr(f"{wid}（已有 {seen[id_key(wid)]}）", f"{wid} (already {seen[id_key(wid)]})"))
            wid = ""
        else:
            seen[id_key(wid)] = wid
        label = text_of(item.get("label"))
        if not label:
            log.add(("waves", i, "label"), f"waves[{i}].label", tr("这一轮的名称，会显示在报告中",
                                                                   "the wave's label, shown in reports"), label)
        w_start = _date(log, ("waves", i, "start"), item.get("start"))
        w_end = _date(log, ("waves", i, "end"), item.get("end"))
        if w_start is not None and w_end is not None and w_end < w_start:
            log.add(("waves", i, "end"), f"waves[{i}].end", tr(f"不早于 waves[{i}].start（{_day(w_start)}）的日期",
                                                               f"a date on or after waves[{i}].start ({_day(w_start)})"),
                    _day(w_end))
            w_end = None
        if w_start is not None:
            if end is not None and w_start <= end:
                log.add(("waves", i, "start"), f"waves[{i}].start",
                        tr(f"晚于课程最后一天（course.end {_day(end)}）的日期",
                           f"a date after the course's last day (course.end {_day(end)})"), _day(w_start))
            if previous is not None and w_start <= previous[1]:
                log.add(("waves", i, "start"), f"waves[{i}].start",
                        tr(f"晚于上一轮结束的日期（{previous[0]} 于 {_day(previous[1])} 结束）：各轮不重叠，并按时间顺序列出",
                           f"a date after the end of the wave before ({previous[0]} ends {_day(previous[1])}): "
                           "waves do not overlap and are listed in time order"), _day(w_start))
        if w_end is not None:
            previous = (wid or f"waves[{i}]", w_end)
        if wid:
            rows.append({"wave_id": wid, "label": label, "start": w_start, "end": w_end})
    waves = WAVES.finalize(pd.DataFrame(rows, columns=WAVES.names)) if rows else WAVES.empty()
    return course, selection, waves, log.problems


def _folder_problems(folder: Path, waves: pd.DataFrame) -> list[Problem]:
    """Unknown files, wave folders missing or not declared, empty wave folders."""
    problems: list[Problem] = []
    declared = set(waves["wave_id"])
    wave_list = tr("、", ", ").join(sorted(declared)) or tr("一个也没有声明", "none declared")
    for path in sorted(folder.iterdir()):
        if is_ignored(path):
            continue
        rel = f"{FOLLOWUP_DIR}/{path.name}"
        if path.is_dir():
            if path.name not in declared:
                problems.append(Problem(rel + "/", None, None,
                                        tr(f"{FOLLOWUP_DIR}/{WAVES_FILE} 中声明的某一轮的文件夹（{wave_list}）",
                                           f"the folder of a wave declared in {FOLLOWUP_DIR}/{WAVES_FILE} ({wave_list})"),
                                        tr(f"文件夹 {path.name}/，不是声明过的轮次",
                                           f"folder {path.name}/, not a declared wave")))
        elif path.name not in _TOP_FILES:
            problems.append(Problem(rel, None, None, _one_of(_TOP_FILES, tr("followup/ 中的文件", "a file of followup/")),
                                    _with_guess(path.name, _TOP_FILES)))
    for wid in waves["wave_id"]:
        where = folder / wid
        rel = f"{FOLLOWUP_DIR}/{wid}/"
        if not where.is_dir():
            problems.append(Problem(rel, None, None,
                                    tr(f"{FOLLOWUP_DIR}/{WAVES_FILE} 中声明的轮次 {wid} 的文件夹（内有 {'、'.join(_WAVE_ENTRIES)}）",
                                       f"the folder of wave {wid} declared in "
                                       f"{FOLLOWUP_DIR}/{WAVES_FILE} (holding {', '.join(_WAVE_ENTRIES)})"),
                                    tr("没有这个文件夹", "no such folder")))
            continue
        entries = [p for p in sorted(where.iterdir()) if not is_ignored(p)]
        names = [p.name + ("/" if p.is_dir() else "") for p in entries]
        for name in names:
            if name not in _WAVE_ENTRIES:
                problems.append(Problem(rel + name, None, None, _one_of(_WAVE_ENTRIES, tr("一轮回访的组成部分",
                                                                                          "a part of a wave")),
                                        _with_guess(name, _WAVE_ENTRIES)))
        if not any(name in _WAVE_ENTRIES for name in names):
            problems.append(Problem(rel, None, None, tr(f"{'、'.join(_WAVE_ENTRIES)} 中至少一个",
                                                        f"at least one of {', '.join(_WAVE_ENTRIES)}"),
                                    tr("空的一轮", "an empty wave")))
    return problems


def _one_of(names: Iterable[str], what: str) -> str:
    return tr(f"{what}：{'、'.join(names)} 之一", f"{what}: one of {', '.join(names)}")


def _with_guess(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return name + (tr(f"（是不是 {close[0]}？）", f" (did you mean {close[0]!r}?)") if close else "")


def _table(root: Path, name: str) -> tuple[pd.DataFrame | None, str, list[Problem], bool]:
    """Read ``followup/<name>``: frame (None when absent or unreadable), rel, problems, present."""
    rel = f"{FOLLOWUP_DIR}/{name}"
    path = root / rel
    if not path.exists() and not path.is_symlink():
        return None, rel, [], False
    frame, problems = read_table(path, rel, header_hint="person_id")
    return frame, rel, problems, True


def _unknown_people(frame: pd.DataFrame, column: str, known: set[str] | None, expected: str) -> list[Problem]:
    if known is None or column not in frame.columns:
        return []
    s = frame[column]
    return cell_problems(frame, (s != "") & ~s.isin(known), column, expected)


def _known() -> str:
    return tr("培训前调研中的人（答卷人编号，与 survey/ 中一致）",
              "a person of the baseline survey (a respondent id, e.g. as in survey/)")


def _trainee() -> str:
    return tr(f"{FOLLOWUP_DIR}/{TRAINEES_FILE} 中列出的学员", f"a trainee listed in {FOLLOWUP_DIR}/{TRAINEES_FILE}")


def _not_trainees(frame: pd.DataFrame, known: set[str] | None, trained: set[str]) -> list[Problem]:
    if known is None or "person_id" not in frame.columns:
        return []
    s = frame["person_id"]
    return cell_problems(frame, s.isin(known) & ~s.isin(trained), "person_id", _trainee())


def _duplicates(frame: pd.DataFrame, keys: list[str], expected: str, column: str) -> list[Problem]:
    """One problem per row repeating an earlier row's ``keys`` (all filled)."""
    if any(k not in frame.columns for k in keys):
        return []
    filled = (frame[keys] != "").all(axis=1)
    dup = filled & frame.duplicated(keys, keep="first")
    if not dup.any():
        return []
    firsts = frame.loc[filled].drop_duplicates(keys).set_index(keys)
    found = {}
    for i in frame.index[dup]:
        key = tuple(frame.loc[i, keys]) if len(keys) > 1 else frame.loc[i, keys[0]]
        first_row = firsts.loc[key, ROW]
        found[i] = " ".join(frame.loc[i, keys]) + tr(f"（第一次出现在第 {first_row} 行）", f" (first at row {first_row})")
    return cell_problems(frame, dup, column, expected, found=pd.Series(found, index=frame.index, dtype=object))


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    s = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
    return pd.to_numeric(s.where(s != ""), errors="coerce")


def _read_trainees(root: Path, respondents: pd.DataFrame, known: set[str] | None
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    frame, rel, problems, present = _table(root, TRAINEES_FILE)
    if not present:
        problems.append(Problem(rel, None, None, tr("学员名单（person_id：每位参加课程者在培训前调研中的答卷人编号）",
                                                    "the list of trainees (person_id: the baseline respondent id of "
                                                    "everyone who attended the course)"), MISSING))
    if frame is None:
        return TRAINEES.empty(), problems
    out, more = coerce(frame, TRAINEES)
    problems += more
    problems += _unknown_people(frame, "person_id", known, _known())
    if "attended_days" in frame.columns:
        s = frame["attended_days"]
        days = _numbers(frame, "attended_days")
        problems += cell_problems(frame, (s != "") & (days.isna() | (days < 0)), "attended_days",
                                  tr("出勤天数：不小于 0 的数，或留空", "days attended: a number ≥ 0, or empty"))
        out["attended_days"] = days.where(days >= 0)
    out["cohort"] = out["cohort"].where(out["cohort"].notna() & (out["cohort"] != ""), None)
    keep = ~frame["person_id"].duplicated() if "person_id" in frame.columns else slice(None)
    return TRAINEES.finalize(out.loc[keep]), problems


def _with_baseline(trainees: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    base = respondents.drop_duplicates("respondent_id").set_index("respondent_id")
    out = trainees.copy()
    for column in ("region_id", "population"):
        out[column] = out["person_id"].map(base[column]) if len(base) else None
    return TRAINEES.finalize(out)


def _people(respondents: pd.DataFrame, trained: set[str]) -> pd.DataFrame:
    base = respondents.drop_duplicates("respondent_id")
    out = pd.DataFrame({
        "person_id": base["respondent_id"], "region_id": base["region_id"],
        "top_region_id": base["top_region_id"], "population": base["population"],
        "trained": base["respondent_id"].isin(trained),
    })
    return PEOPLE.finalize(out)


def _read_reaction(root: Path, known: set[str] | None, trained: set[str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    comments_empty = pd.DataFrame(columns=["person_id", "comment"])
    frame, rel, problems, _ = _table(root, REACTION_FILE)
    if frame is None:
        return REACTION.empty(), comments_empty, problems
    table = vocab_map(domain.REACTION_ITEMS)
    items: dict[str, str] = {}  # header → item id
    for header in frame.columns:
        if header in (ROW, FILE, "person_id", "comment"):
            continue
        item = table.get(header)
        if item is None:
            known_headers = ["person_id", "comment", *domain.REACTION_ITEMS,
                             *(t.label for t in domain.REACTION_ITEMS.values())]
            problems.append(Problem(rel, 1, header, vocab_expected(domain.REACTION_ITEMS, "person_id, comment or an "
                                                                   "item of the reaction sheet"),
                                    _with_guess(header, known_headers)))
        elif item in items.values():
            other = next(h for h, i in items.items() if i == item)
            problems.append(Problem(rel, 1, header, tr("反应评估表的每一项只出现一次", "each item of the reaction sheet once"),
                                    tr(f"{header}（题目“{domain.label(domain.REACTION_ITEMS, item)}”已在「{other}」列）",
                                       f"{header} (item {domain.label(domain.REACTION_ITEMS, item)} already in column "
                                       f"{other!r})")))
        else:
            items[header] = item
    if "person_id" not in frame.columns:
        problems.append(Problem(rel, 1, "person_id", tr("「person_id」列", "a column 'person_id'"), MISSING))
        return REACTION.empty(), comments_empty, problems
    problems += cell_problems(frame, frame["person_id"] == "", "person_id",
                              tr("一个值（这一格是空的）", "a value (the cell is empty)"))
    problems += _unknown_people(frame, "person_id", known, _known())
    problems += _not_trainees(frame, known, trained)
    problems += _duplicates(frame, ["person_id"], tr("每位学员一份反应评估表", "one reaction sheet per trainee"), "person_id")
    lo, hi = _REACTION_RANGE
    long = []
    for header, item in items.items():
        score = _numbers(frame, header)
        given = frame[header] != ""
        problems += cell_problems(frame, given & (score.isna() | (score < lo) | (score > hi)), header,
                                  tr("1 到 5 的分数，或空格（未作答）", "a score from 1 to 5, or an empty cell (no answer)"))
        ok = given & score.between(lo, hi)
        long.append(pd.DataFrame({"person_id": frame.loc[ok, "person_id"], "item": item, "score": score[ok]}))
    reaction = REACTION.finalize(pd.concat(long, ignore_index=True)) if long else REACTION.empty()
    comments = comments_empty
    if "comment" in frame.columns:
        said = frame["comment"] != ""
        comments = frame.loc[said, ["person_id", "comment"]].sort_values("person_id", kind="mergesort")
        comments = comments.reset_index(drop=True)
    return reaction, comments, problems


def _read_quiz(root: Path, known: set[str] | None, trained: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    frame, _, problems, _ = _table(root, QUIZ_FILE)
    if frame is None:
        return QUIZ.empty(), problems
    out, more = coerce(frame, QUIZ)
    problems += more
    problems += _unknown_people(frame, "person_id", known, _known())
    problems += _not_trainees(frame, known, trained)
    if "phase" in frame.columns:
        keyed = frame.assign(phase=out["phase"].fillna(frame["phase"]))
        problems += _duplicates(keyed, ["person_id", "phase"], tr("每人每个阶段（pre 培训前、post 培训后）一行",
                                                                   "one row per person and phase (pre, post)"), "phase")
    score, most = _numbers(frame, "score"), _numbers(frame, "max_score")
    for column, values, bad, expected in (
            ("score", score, score.isna() | (score < 0), tr("得分：不小于 0 的数", "points scored: a number ≥ 0")),
            ("max_score", most, most.isna() | (most <= 0), tr("满分：大于 0 的数", "points possible: a number > 0"))):
        if column in frame.columns:
            problems += cell_problems(frame, (frame[column] != "") & bad, column, expected)
    over = score.notna() & most.notna() & (most > 0) & (score > most)
    if over.any():
        found = pd.Series({i: tr(f"{frame.loc[i, 'score']}（满分 {frame.loc[i, 'max_score']}）",
                                 f"{frame.loc[i, 'score']} (max_score {frame.loc[i, 'max_score']})")
                           for i in frame.index[over]}, index=frame.index, dtype=object)
        problems += cell_problems(frame, over, "score", tr("得分：不超过满分（max_score）", "points scored: at most max_score"),
                                  found=found)
    ok = (score >= 0) & (most > 0) & (score <= most)
    out["score"] = score.where(ok)
    out["max_score"] = most.where(ok)
    out["share"] = out["score"] / out["max_score"]
    return QUIZ.finalize(out), problems


def _month(text: str) -> str | None:
    """``YYYY-MM`` of a month cell (``2008-09``, ``2008/9``, ``2008-09-01``), or None."""
    m = _MONTH.fullmatch(text)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    if m.group(3) is not None and int(m.group(3)) != 1:
        return None  # a day other than the first: not a month
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def _read_sales(root: Path, known: set[str] | None, course: Course) -> tuple[pd.DataFrame, list[Problem]]:
    frame, _, problems, _ = _table(root, SALES_FILE)
    if frame is None:
        return SALES.empty(), problems
    out, more = coerce(frame, SALES)
    problems += more
    problems += _unknown_people(frame, "person_id", known, _known())
    if "month" not in frame.columns:
        return SALES.finalize(out), problems
    month = frame["month"].map(_month)
    problems += cell_problems(frame, (frame["month"] != "") & month.isna(), "month",
                              tr("月份，格式为 YYYY-MM（例如 2008-09）", "a month YYYY-MM (e.g. 2008-09)"))
    out["month"] = month
    keyed = frame.assign(month=month.fillna(frame["month"]))
    problems += _duplicates(keyed, ["person_id", "month"], tr("每人每月一行", "one row per person and month"), "month")
    if course.start is not None and course.end is not None:
        first = pd.to_datetime(month, format="%Y-%m", errors="coerce")
        last = first + pd.offsets.MonthEnd(0)
        period = pd.Series(np.where(last < course.start, "baseline", np.where(first > course.end, "after", "during")),
                           index=frame.index).where(first.notna())
        during = period == "during"
        problems += cell_problems(
            frame, during, "month",
            tr(f"课程之前或之后的月份（课程为 {_day(course.start)} 至 {_day(course.end)}）：课程期间的月份混合了培训前后，"
               "请删除这些行",
               f"a month before or after the course ({_day(course.start)} to {_day(course.end)}): a month during "
               "the course mixes before and after, delete its rows"))
        out["period"] = period
    return SALES.finalize(out), problems


def _read_coaching(root: Path, rel: str, known: set[str] | None, managers: set[str] | None
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    frame, problems = read_table(root / rel, rel, header_hint="person_id")
    if frame is None:
        return COACHING.empty(), problems
    out, more = coerce(frame, COACHING)
    problems += more
    problems += _unknown_people(frame, "person_id", known, _known())
    if known is not None and managers is not None and "person_id" in frame.columns:
        s = frame["person_id"]
        problems += cell_problems(frame, s.isin(known) & ~s.isin(managers), "person_id",
                                  tr("培训前调研中的客户经理（被辅导的人）",
                                     "an account manager of the baseline survey (the person coached)"))
    keep = ~frame["person_id"].duplicated() if "person_id" in frame.columns else slice(None)
    return COACHING.finalize(out.loc[keep]), problems


def _unknown_respondents(where: Path, prefix: str, codebook: Codebook | None, tables: SurveyTables,
                         known: set[str] | None) -> list[Problem]:
    """A wave's respondents the baseline does not know, located in the wave's exports where possible."""
    if known is None or not len(tables.respondents):
        return []
    unknown = sorted(set(tables.respondents["respondent_id"].dropna()) - known)
    if not unknown:
        return []
    header = codebook.columns.get("respondent_id", "respondent_id") if codebook is not None else "respondent_id"
    expected = tr("培训前调研中某人的答卷人编号（每轮都用同一个化名编号）",
                  "the respondent id of a person of the baseline survey (the same pseudonymous id at every wave)")
    located: set[str] = set()
    problems: list[Problem] = []
    folder = where / SURVEY_DIR
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if is_ignored(path) or path.suffix.lower() not in (".csv", ".xlsx") or not path.is_file():
            continue
        rel = f"{SURVEY_DIR}/{path.name}"
        frame, _ = read_table(path, rel, header_hint=header)
        if frame is None or header not in frame.columns:
            continue
        hit = frame[header].isin(unknown)
        for p in cell_problems(frame, hit, header, expected):
            problems.append(replace(p, file=prefix + p.file))
        located.update(frame.loc[hit, header])
    for rid in unknown:
        if rid not in located:  # an export read as downloaded (.sav, .zip): named by folder
            problems.append(Problem(prefix + SURVEY_DIR + "/", None, header, expected, rid))
    return problems


# ---------------------------------------------------------------------------------------------
# links


_BASES = {"survey": "trainees", "ride_alongs": "observed_trainees", "coaching": "account_manager_trainees"}


def _links(waves: pd.DataFrame, trainees: pd.DataFrame, people: pd.DataFrame, surveys: dict[str, SurveyTables],
           visits: dict[str, pd.DataFrame], coaching: dict[str, pd.DataFrame],
           baseline_ride_alongs: pd.DataFrame | None) -> pd.DataFrame:
    ids = set(trainees["person_id"].dropna())
    ams = set(people.loc[people["population"] == "account_manager", "person_id"])
    observed = set(baseline_ride_alongs["account_manager"]) if baseline_ride_alongs is not None else set()
    pool = {"survey": ids, "ride_alongs": ids & observed, "coaching": ids & ams}
    rows = []
    for wid in waves["wave_id"]:
        seen = {
            "survey": set(surveys[wid].respondents["respondent_id"]) if wid in surveys else None,
            "ride_alongs": set(visits[wid]["account_manager"]) if wid in visits else None,
            "coaching": set(coaching[wid]["person_id"]) if wid in coaching else None,
        }
        for source in domain.FOLLOWUP_SOURCES:
            base = pool[source]
            present = seen[source] is not None
            found = sorted(base & seen[source]) if present else []
            missing = sorted(base - set(found))
            rows.append({
                "wave_id": wid, "source": source, "present": present, "n_trainees": len(base),
                "n_found": len(found), "match_rate": len(found) / len(base) if present and base else np.nan,
                "found": tuple(found), "missing": tuple(missing), "basis": _BASES[source],
            })
    return LINKS.finalize(pd.DataFrame(rows, columns=LINKS.names)) if rows else LINKS.empty()


# ---------------------------------------------------------------------------------------------
# what casekit validate says


_BASIS_WORDS = {"trainees": "名学员", "observed_trainees": "名基线有随访记录的学员",
                "account_manager_trainees": "名客户经理学员"}


def _percent(rate: float) -> str:
    return f"{int(np.floor(rate * 100 + 0.5))}%"


def _chinese_day(stamp: pd.Timestamp | None) -> str:
    return "日期未知" if stamp is None or pd.isna(stamp) else f"{stamp.year}年{stamp.month}月{stamp.day}日"


def followup_summary(followup: FollowUp) -> list[str]:
    """The follow-up in a few Chinese lines, as ``casekit validate`` prints them.

    Parameters
    ----------
    followup : FollowUp

    Returns
    -------
    list of str
        The course, trainees and untrained baseline people (the comparison group: those of the
        trainees' populations), then per wave
        the share of trainees each source matches, saying plainly when one is below the aim of
        :data:`MATCH_TARGET` (80%).

    Examples
    --------
    >>> followup_summary(bundle.followup)  # doctest: +SKIP
    ['培训后跟进：课程“转型业务营销培训”（2008年11月10日至2008年11月14日），学员 52 人，…',
     '回访 w1（培训后三个月回访）：问卷匹配 46/52 名学员（88%），…']
    """
    course = followup.course
    people = followup.people
    n_trained = int(people["trained"].sum())
    n_untrained = int((~people["trained"]).sum())
    # the comparison group: the untrained of the trainees' own populations (posts)
    posts = set(people.loc[people["trained"], "population"])
    n_compared = int((~people["trained"] & people["population"].isin(posts)).sum())
    selection = domain.label(domain.TRAINEE_SELECTIONS, followup.selection)
    head = (f"培训后跟进：课程“{course.name or '未命名'}”（{_chinese_day(course.start)}至{_chinese_day(course.end)}，"
            f"{selection}），学员 {n_trained} 人，")
    if n_compared:
        head += f"未参训的基线人员 {n_untrained} 人（其中与学员同岗位、可作对照组的 {n_compared} 人），"
    elif n_untrained:
        head += f"未参训的基线人员 {n_untrained} 人，但没有与学员同岗位的（只能比较培训前后），"
    else:
        head += "没有未参训的基线人员（只能比较培训前后），"
    head += f"回访 {len(followup.waves)} 次。"
    lines = [head]
    low_any = False
    for wave in followup.waves.itertuples(index=False):
        parts = []
        for link in followup.links.loc[followup.links["wave_id"] == wave.wave_id].itertuples(index=False):
            what = domain.label(domain.FOLLOWUP_SOURCES, link.source)
            if not link.present:
                parts.append(f"{what}：本次回访没有")
            elif link.n_trainees == 0:
                parts.append(f"{what}：没有可匹配的学员")
            else:
                part = f"{what}匹配 {link.n_found}/{link.n_trainees} {_BASIS_WORDS[link.basis]}（{_percent(link.match_rate)}"
                if link.match_rate < MATCH_TARGET:
                    part += f"，低于 {_percent(MATCH_TARGET)} 的目标"
                    low_any = True
                parts.append(part + "）")
        name = f"回访 {wave.wave_id}" + (f"（{wave.label}）" if wave.label else "")
        lines.append(f"{name}：" + "，".join(parts) + "。")
    if low_any:
        lines.append(f"匹配率低于 {_percent(MATCH_TARGET)} 时，前后比较只代表找到的学员，结论要谨慎；请尽量补齐缺少学员的记录。")
    return lines
