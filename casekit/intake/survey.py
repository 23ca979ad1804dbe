"""``survey/*.csv|xlsx``: questionnaire exports → respondents and their answers.

Every check is a vectorised mask over a whole column; a Problem is built only for failing cells,
so a 100 000-row export validates in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.intake._files import FILE, MISSING, ROW, listed_files, read_table
from casekit.intake.codebook import CODEBOOK_FILE, Codebook
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import (
    RESPONDENTS,
    RESPONSES,
    Column,
    TableSchema,
    cell_problems,
    coerce,
)

__all__ = ["SURVEY_DIR", "SURVEY_SUFFIXES", "SurveyTables", "read_survey"]

SURVEY_DIR = "survey"
SURVEY_SUFFIXES = (".csv", ".xlsx")


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
    exports = [f for f in files if f.suffix.lower() in SURVEY_SUFFIXES]
    for f in files:
        if f.suffix.lower() not in SURVEY_SUFFIXES:
            problems.append(Problem(f"{SURVEY_DIR}/{f.name}", None, None,
                                    "a questionnaire export (.csv or .xlsx)", f.suffix or f.name))
    if not exports:
        problems.append(Problem(f"{SURVEY_DIR}/", None, None, "at least one .csv or .xlsx export",
                                "no export" if folder.is_dir() else "no survey/ folder"))
    empty = SurveyTables(RESPONDENTS.empty(), RESPONSES.empty())
    frames = []
    hint = codebook.columns.get("respondent_id") if codebook is not None else None
    for f in exports:
        rel = f"{SURVEY_DIR}/{f.name}"
        frame, more = read_table(f, rel, header_hint=hint)
        problems += more
        if frame is not None:
            frames.append((rel, frame))
    if codebook is None or not frames:
        return empty, problems

    schema = respondents_schema(codebook)
    expected: dict[str, str] = {}
    for key, header in codebook.columns.items():
        expected[header] = f"the {key} column named in {CODEBOOK_FILE} (line {codebook.lines.get('columns.' + key)})"
    for q in codebook.background:
        expected[q.column] = f"the column of background question {q.id} ({CODEBOOK_FILE} line {q.line})"
    for iid, col in zip(codebook.items["item_id"], codebook.items["column"]):
        expected[col] = f"the column of item {iid} ({CODEBOOK_FILE} line {codebook.lines.get('items.' + iid)})"
    known = set(expected) | set(codebook.ignore)
    for rel, frame in frames:
        headers = [c for c in frame.columns if c not in (ROW, FILE)]
        for header, why in expected.items():
            if header not in frame.columns:
                problems.append(Problem(rel, 1, header, why, MISSING))
        for header in headers:
            if header not in known:
                problems.append(Problem(rel, 1, header,
                                        f"a column mapped in {CODEBOOK_FILE} (an item, a background question "
                                        "or an identifying column) or listed under ignore:", header))
    data = pd.concat([f for _, f in frames], ignore_index=True) if len(frames) > 1 else frames[0][1]
    for header in expected:
        if header not in data.columns:
            data[header] = ""
    data[list(expected)] = data[list(expected)].fillna("")

    # identifying columns: missing ones were reported per file above
    out, more = coerce(data, schema, manifest)
    problems += [p for p in more if not (p.row == 1 and p.found == MISSING)]
    missing = set(codebook.missing)
    for q in codebook.background:
        s = data[q.column]
        absent = s.isin(missing)
        if q.type == "number":
            value = pd.to_numeric(s.where(~absent), errors="coerce")
            problems += cell_problems(data, ~absent & value.isna(), q.column,
                                      f"a number or a missing marker ({_markers(codebook)})")
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
                                  f"an answer on scale {item.scale} ({scale.describe()}) or a missing marker "
                                  f"({_markers(codebook)})")
        wrong_pop = ~absent & pop.notna() & ~pop.isin(item.populations)
        if wrong_pop.any():
            asked = "、".join(domain.label(domain.POPULATIONS, p) for p in item.populations)
            problems += cell_problems(data, wrong_pop, item.column,
                                      f"no answer: item {item.item_id} is asked only of {asked}")
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


def _markers(codebook: Codebook) -> str:
    shown = ["empty"] + [m for m in codebook.missing if m]
    return "、".join(shown)

