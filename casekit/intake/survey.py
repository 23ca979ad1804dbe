"""``survey/*.csv|xlsx``: questionnaire exports → respondents and their answers.

Every check is a vectorised mask over a whole column; a Problem is built only for failing cells,
so a 100 000-row export validates in seconds.

Without ``platform:`` in the codebook the exports are in casekit's own layout (one header row,
read with :func:`~casekit.intake._files.read_table`) and columns are named by exact header. With
``platform:`` each export (also ``.sav`` and 腾讯问卷's ``.zip``) is read as downloaded with
:func:`~casekit.surveys.read_export`, every codebook entry is matched to one export column
with :mod:`casekit.intake.columns` (the matcher of standalone codebooks), and the export becomes
the same text frame (one column per original header, skipped/empty cells ``""``, the file's own
row numbers), so both paths share every check below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from casekit import domain
from casekit.exceptions import InputFileError, Problem, SurveyFileError
from casekit.intake._files import FILE, MISSING, ROW, listed_files, read_table
from casekit.bounded import check_file
from casekit.intake.codebook import AUTO, CODEBOOK_FILE, Codebook
from casekit.intake.columns import ColumnMatch, find_columns, match_failure
from casekit.surveys import SurveyExport, read_export
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import (
    RESPONDENTS,
    RESPONSES,
    Column,
    TableSchema,
    cell_problems,
    coerce,
)
from casekit.language import language, tr

__all__ = ["EXPORT_SUFFIXES", "SURVEY_DIR", "SURVEY_SUFFIXES", "SurveyTables", "read_survey"]

SURVEY_DIR = "survey"
#: Files read from ``survey/`` in casekit's own layout (no ``platform:`` in the codebook).
SURVEY_SUFFIXES = (".csv", ".xlsx")
#: Files read from ``survey/`` as downloaded (``platform:`` set).
EXPORT_SUFFIXES = (".csv", ".xlsx", ".sav", ".zip")
#: Entry keys of ``Codebook.matches``, by kind, in the order they claim columns.
_ENTRY_KINDS = ("columns", "background", "items")


@dataclass(frozen=True, eq=False)
class SurveyTables:
    """The survey as two tables (see ``docs/architecture.md``)."""

    respondents: pd.DataFrame
    responses: pd.DataFrame


def respondents_schema(codebook: Codebook) -> TableSchema:
    """Return the respondents schema for ``codebook``: identifying headers + background columns."""
    schema = RESPONDENTS.with_sources({
        "respondent_id": codebook.columns.get("respondent_id", "respondent_id"),
        "region_id": codebook.columns.get("region", "region"),
        "population": codebook.columns.get("population", "population"),
    })
    return schema.extended(
        Column(q.id, "float64" if q.type == "number" else "object", source=q.column, nullable=True,
               check="custom")
        for q in codebook.background
    )


def read_survey(root: Path, codebook: Codebook | None, manifest: Manifest | None
                ) -> tuple[SurveyTables, list[Problem]]:
    """Read and check every export in ``survey/``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    codebook : Codebook or None
        The codebook; without it the exports are only read, not checked.
    manifest : Manifest or None
        Resolves region names.

    Returns
    -------
    tables : SurveyTables
        ``respondents`` and ``responses``, complete only when ``problems`` is empty (with
        problems: the respondents as far as they could be read, no responses).
    problems : list of Problem
    """
    problems: list[Problem] = []
    folder = root / SURVEY_DIR
    files = listed_files(folder)
    platform = codebook.platform if codebook is not None else None
    suffixes = SURVEY_SUFFIXES if platform is None else EXPORT_SUFFIXES
    kinds = ", ".join(suffixes[:-1]) + tr(" 或 ", " or ") + suffixes[-1]  # ".csv or .xlsx"
    exports = [f for f in files if f.suffix.lower() in suffixes]
    for f in files:
        if f.suffix.lower() not in suffixes:
            problems.append(Problem(f"{SURVEY_DIR}/{f.name}", None, None,
                                    tr(f"问卷导出文件（{kinds}）", f"a questionnaire export ({kinds})"), f.suffix or f.name))
    if not exports:
        problems.append(Problem(f"{SURVEY_DIR}/", None, None, tr(f"至少一个 {kinds} 导出文件",
                                                                 f"at least one {kinds} export"),
                                tr("没有导出文件", "no export") if folder.is_dir()
                                else tr("没有 survey/ 文件夹", "no survey/ folder")))
    empty = SurveyTables(RESPONDENTS.empty(), RESPONSES.empty())
    frames: list[tuple[str, pd.DataFrame]] = []
    renamed: dict[tuple[str, str], str] = {}
    if codebook is not None and platform is not None:
        frames, codebook, renamed, more = _read_downloads(exports, codebook)
        problems += more
    else:
        hint = codebook.columns.get("respondent_id") if codebook is not None else None
        for f in exports:
            rel = f"{SURVEY_DIR}/{f.name}"
            frame, more = read_table(f, rel, header_hint=hint)
            problems += more
            if frame is not None:
                frames.append((rel, frame))
    if codebook is None or not frames:
        return empty, problems
    tables, more = _check(frames, codebook, manifest, header_checks=platform is None)
    if renamed:  # a later download named a column differently: report its own header
        more = [replace(p, column=renamed.get((p.file, p.column or ""), p.column)) for p in more]
    return tables, problems + more


def _check(frames: list[tuple[str, pd.DataFrame]], codebook: Codebook, manifest: Manifest | None, *,
           header_checks: bool) -> tuple[SurveyTables, list[Problem]]:
    """Check the text frames of the exports against the codebook (every column named by header).

    Parameters
    ----------
    frames : list of (str, DataFrame)
        Per export, its path relative to the bundle and its text frame (``_row``, ``_file``).
    codebook : Codebook
        With every entry's column given as the frames' header.
    manifest : Manifest or None
        Resolves region names.
    header_checks : bool
        Report missing and unmapped headers per file (done by :func:`_read_downloads` otherwise).

    Returns
    -------
    tables : SurveyTables
    problems : list of Problem
    """
    problems: list[Problem] = []

    schema = respondents_schema(codebook)
    expected: dict[str, str] = {}
    for key, header in codebook.columns.items():
        line = codebook.lines.get('columns.' + key)
        expected[header] = tr(f"{CODEBOOK_FILE} 中指定的 {key} 列（第 {line} 行）",
                              f"the {key} column named in {CODEBOOK_FILE} (line {line})")
    for q in codebook.background:
        expected[q.column] = tr(f"背景题 {q.id} 的列（{CODEBOOK_FILE} 第 {q.line} 行）",
                                f"the column of background question {q.id} ({CODEBOOK_FILE} line {q.line})")
    for iid, col in zip(codebook.items["item_id"], codebook.items["column"]):
        line = codebook.lines.get('items.' + iid)
        expected[col] = tr(f"题目 {iid} 的列（{CODEBOOK_FILE} 第 {line} 行）",
                           f"the column of item {iid} ({CODEBOOK_FILE} line {line})")
    # a column named by an entry left out for a problem (reported in codebook.yaml) is not unmapped too
    known = set(expected) | set(codebook.ignore) | {m.value for m in codebook.rejected.values() if m.how == "column"}
    for rel, frame in frames if header_checks else ():
        headers = [c for c in frame.columns if c not in (ROW, FILE)]
        for header, why in expected.items():
            if header not in frame.columns:
                problems.append(Problem(rel, 1, header, why, MISSING))
        for header in headers:
            if header not in known:
                problems.append(Problem(rel, 1, header,
                                        tr(f"在 {CODEBOOK_FILE} 中有对应的列（题目、背景题或身份列），或列在 ignore: 下",
                                           f"a column mapped in {CODEBOOK_FILE} (an item, a background question "
                                           "or an identifying column) or listed under ignore:"), header))
    data = pd.concat([f for _, f in frames], ignore_index=True) if len(frames) > 1 else frames[0][1]
    absent = [header for header in expected if header not in data.columns]
    for header in absent:
        data[header] = ""
    data[list(expected)] = data[list(expected)].fillna("")

    # identifying columns: missing ones were reported per file above (once, not on every row)
    out, more = coerce(data, schema, manifest)
    problems += [p for p in more if not (p.row == 1 and p.found == MISSING) and p.column not in absent]
    missing = set(codebook.missing)
    for q in codebook.background:
        s = data[q.column]
        absent = s.isin(missing)
        if q.type == "number":
            value = pd.to_numeric(s.where(~absent), errors="coerce")
            problems += cell_problems(data, ~absent & value.isna(), q.column,
                                      tr(f"一个数或缺失标记（{_markers(codebook)}）",
                                         f"a number or a missing marker ({_markers(codebook)})"))
            out[q.id] = value
        else:
            out[q.id] = s.where(~absent, None)

    # answers -------------------------------------------------------------------------------
    pop = out["population"]
    values = {}
    raws = {}
    for item in codebook.items.itertuples(index=False):
        s = data[item.column]
        absent = s.isin(missing)
        scale = codebook.scales[item.scale]
        by_label = s.map(dict(scale.labels))
        numeric = pd.to_numeric(s.where(~absent & by_label.isna()), errors="coerce")
        value = by_label.fillna(numeric.where(numeric.isin(scale.values))).astype(float)
        bad = ~absent & value.isna()
        problems += cell_problems(data, bad, item.column,
                                  tr(f"量表 {item.scale} 上的回答（{scale.describe()}）或缺失标记（{_markers(codebook)}）",
                                     f"an answer on scale {item.scale} ({scale.describe()}) or a missing marker "
                                     f"({_markers(codebook)})"))
        wrong_pop = ~absent & pop.notna() & ~pop.isin(item.populations)
        if wrong_pop.any():
            asked = "、".join(domain.label(domain.POPULATIONS, p) for p in item.populations)
            problems += cell_problems(data, wrong_pop, item.column,
                                      tr(f"不作答：题目 {item.item_id} 只问{asked}",
                                         f"no answer: item {item.item_id} is asked only of {asked}"))
        if item.reverse:
            value = item.scale_min + item.scale_max - value
        values[item.item_id] = value.where(~wrong_pop)
        raws[item.item_id] = s
    respondents = schema.finalize(out)
    if problems:
        # respondents as far as they could be read (other files are checked against them)
        return SurveyTables(respondents, RESPONSES.empty()), problems
    if not values:
        return SurveyTables(respondents, RESPONSES.empty()), problems
    stacked = pd.DataFrame(values, index=data.index).stack(future_stack=True)
    raw_stacked = pd.DataFrame(raws, index=data.index).stack(future_stack=True)
    keep = stacked.notna().to_numpy()
    index = stacked.index[keep]
    rows = index.get_level_values(0)
    long = pd.DataFrame({
        "item_id": index.get_level_values(1).astype(str),
        "value": stacked.to_numpy()[keep],
        "raw": raw_stacked.to_numpy()[keep],
    })
    for col in ("respondent_id", "region_id", "top_region_id", "population"):
        long[col] = out.loc[rows, col].to_numpy()
    long["dimension"] = long["item_id"].map(dict(zip(codebook.items["item_id"], codebook.items["dimension"])))
    return SurveyTables(respondents, RESPONSES.finalize(long)), problems


def _read_downloads(
    files: list[Path], codebook: Codebook
) -> tuple[list[tuple[str, pd.DataFrame]], Codebook, dict[tuple[str, str], str], list[Problem]]:
    """Read exports as downloaded and match every codebook entry to one of their columns.

    Parameters
    ----------
    files : list of Path
        The exports in ``survey/``.
    codebook : Codebook
        With ``platform`` set.

    Returns
    -------
    frames : list of (str, DataFrame)
        Per readable export, ``survey/<name>`` and its text frame: one column per original header
        (a header shared by several export columns: ``header [key]`` for all but the first),
        skipped and empty cells ``""``, ``_row`` the file's own line or sheet row, ``_file``.
    codebook : Codebook
        ``codebook`` with every matched entry's column set to its header in the frames (the
        header in the first export matching it; later exports' columns are renamed to it).
    renamed : dict
        ``(file, header in frames) → the export's own header`` for the renamed columns.
    problems : list of Problem
        The readers' problems (file ``survey/<name>``), entries matching no column, several or
        one already used, and question columns neither matched nor ignored.
    """
    problems: list[Problem] = []
    frames: list[tuple[str, pd.DataFrame]] = []
    canonical: dict[str, str] = {}  # entry ("items.<id>" …) → its header in the frames
    renamed: dict[tuple[str, str], str] = {}
    ignored = set(codebook.ignore)
    platform = None if codebook.platform == AUTO else codebook.platform
    entries = [(e, m) for kind in _ENTRY_KINDS for e, m in codebook.matches.items() if e.split(".")[0] == kind]
    for f in files:
        rel = f"{SURVEY_DIR}/{f.name}"
        try:
            check_file(f, rel)  # a link out of the bundle is not read
        except InputFileError as exc:
            problems += exc.problems
            continue
        try:
            export = read_export(f, platform)
        except SurveyFileError as exc:
            problems += [replace(p, file=_relocate(p.file, f.name)) for p in exc.problems]
            continue
        frame, names = _frame(export, rel)
        used: dict[str, str] = {}  # export key → owning entry
        mentioned: set[str] = set()  # keys named by an entry with a problem: not "unmapped" too
        resolved: dict[str, str] = {}
        for entry, match in entries:
            found = find_columns(match, export.columns)
            mentioned.update(c.key for c in found)
            failure = match_failure(match, found, export)
            why = _owner(entry, codebook)
            if failure is not None:
                problems.append(Problem(rel, 1, _label(match), f"{why}{tr('：', ': ')}{failure[0]}", failure[1]))
                continue
            col = found[0]
            if col.key in used:
                problems.append(Problem(rel, 1, col.header,
                                        tr(f"{why}：一个未被{_owner(used[col.key], codebook)}占用的列",
                                           f"{why}: a column not already used by {_owner(used[col.key], codebook)}"),
                                        col.header))
                continue
            used[col.key] = entry
            resolved[entry] = names[col.key]
        for match in codebook.rejected.values():  # its problem is in codebook.yaml: not unmapped too
            mentioned.update(c.key for c in find_columns(match, export.columns))
        for col in export.columns:
            if (col.kind == "meta" or col.key in used or col.key in mentioned
                    or col.header.strip() in ignored or col.key in ignored):
                continue
            problems.append(Problem(rel, 1, names[col.key],
                                    tr(f"在 {CODEBOOK_FILE} 中有对应的列（题目、背景题或身份列），或列在 ignore: 下"
                                       "（按表头或列键）",
                                       f"a column mapped in {CODEBOOK_FILE} (an item, a background question or an "
                                       "identifying column) or listed under ignore: (by header or key)"),
                                    tr(f"编码簿中没有的题目列 {col.key}", f"question column {col.key} not in the codebook")))
        rename: dict[str, str] = {}
        for entry, own in resolved.items():
            name = canonical.setdefault(entry, own)
            if name != own:
                rename[own] = name
                renamed[(rel, name)] = own
        if rename:
            # a column already holding a target name is neither matched here nor needed any more
            frame = frame.drop(columns=[n for n in rename.values() if n in frame.columns and n not in rename])
            frame = frame.rename(columns=rename)
        frames.append((rel, frame))
    return frames, _with_headers(codebook, canonical), renamed, problems


def _frame(export: SurveyExport, rel: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The export as a text frame, and each column key's header in it (see :func:`_read_downloads`)."""
    names: dict[str, str] = {}
    taken: set[str] = {ROW, FILE}
    data: dict[str, object] = {}
    for col in export.columns:
        header = col.header.strip()
        name = header if header not in taken else f"{header} [{col.key}]"
        taken.add(name)
        names[col.key] = name
        text = export.data[col.key].fillna("").astype(str).str.strip()
        data[name] = text.where(export.status[col.key] == "answered", "").to_numpy(dtype=object)
    n = len(export.data)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), columns=list(data), dtype=object)
    rows = list(export.rows)[:n]
    frame[ROW] = rows + [None] * (n - len(rows))
    frame[FILE] = rel
    return frame, names


def _with_headers(codebook: Codebook, headers: dict[str, str]) -> Codebook:
    """``codebook`` with the entries of ``headers`` (``"items.<id>"`` … → header) renamed."""
    columns = {k: headers.get(f"columns.{k}", v) for k, v in codebook.columns.items()}
    background = tuple(replace(q, column=headers.get(f"background.{q.id}", q.column)) for q in codebook.background)
    items = codebook.items.copy()
    items["column"] = [headers.get(f"items.{i}", c) for i, c in zip(items["item_id"], items["column"])]
    return replace(codebook, columns=columns, background=background, items=items)


def _owner(entry: str, codebook: Codebook) -> str:
    """``the column of item am_product_1 (codebook.yaml line 17)`` for an entry key."""
    kind, name = entry.split(".", 1)
    if language() == "zh":
        what = {"columns": f"指定的 {name} 列", "background": f"背景题 {name} 的列", "items": f"题目 {name} 的列"}[kind]
        return f"{what}（{CODEBOOK_FILE} 第 {codebook.lines.get(entry)} 行）"
    what = {"columns": f"the {name} column named", "background": f"the column of background question {name}",
            "items": f"the column of item {name}"}[kind]
    return f"{what} ({CODEBOOK_FILE} line {codebook.lines.get(entry)})"


def _label(match: ColumnMatch) -> str:
    """``Problem.column`` for an entry that matched no single column: the header or the match."""
    return match.value if match.how == "column" else match.describe()


def _relocate(file: str, name: str) -> str:
    """A reader's problem file (``x.csv``, ``x.zip/inner.csv``) relative to the bundle."""
    return f"{SURVEY_DIR}/{file}" if file == name or file.startswith(name) else f"{SURVEY_DIR}/{name}"


def _markers(codebook: Codebook) -> str:
    shown = [tr("空白", "empty")] + [m for m in codebook.missing if m]
    return "、".join(shown)

