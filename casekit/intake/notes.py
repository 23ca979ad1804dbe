"""``notes/*.md``: interview notes, Markdown with YAML front matter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from casekit.exceptions import Problem
from casekit.intake._files import (
    FILE,
    MISSING,
    ROW,
    listed_files,
    load_yaml,
    read_text,
    split_front_matter,
)
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import NOTES, coerce, split_list

__all__ = ["NOTES_DIR", "read_notes"]

NOTES_DIR = "notes"
_KEYS = [c.source for c in NOTES.columns if c.source is not None]
_REQUIRED = [c.source for c in NOTES.columns if c.source is not None and c.required]


def read_notes(root: Path, manifest: Manifest | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check every interview note in ``notes/``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Resolves region names.

    Returns
    -------
    notes : DataFrame
        Columns of ``casekit.intake.schemas.NOTES``, sorted by ``note_id``.
    problems : list of Problem
        Problems of the front matter carry the line number of the offending key.
    """
    problems: list[Problem] = []
    folder = root / NOTES_DIR
    if not folder.is_dir():
        return NOTES.empty(), [Problem(f"{NOTES_DIR}/", None, None, "a notes/ folder of Markdown notes",
                                       "no notes/ folder")]
    records: list[dict[str, Any]] = []
    absent: set[tuple[str, str]] = set()
    for path in listed_files(folder):
        rel = f"{NOTES_DIR}/{path.name}"
        if path.suffix.lower() != ".md":
            problems.append(Problem(rel, None, None, "a Markdown note (.md)", path.name))
            continue
        text, more = read_text(path, rel)
        problems += more
        if text is None:
            continue
        front, body, more = split_front_matter(text, rel)
        problems += more
        if front is None:
            continue
        data, lines, more = load_yaml(front, rel, line_offset=1)
        problems += more
        if more:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(rel, 2, None, "front matter as key: value lines", str(data)))
            continue
        record: dict[str, Any] = {FILE: rel, ROW: 1, "_body": body, "_stem": path.stem}
        for key in _KEYS:
            record[key] = _as_text(data.get(key)) if key != "tags" else data.get(key)
            record[f"{ROW}:{key}"] = lines.get((key,), 1)
            if key in _REQUIRED and key not in data:
                absent.add((rel, key))
        records.append(record)
    if not records:
        return NOTES.empty(), problems

    frame = pd.DataFrame.from_records(records)
    tags = frame["tags"]
    frame["tags"] = ""
    out, more = coerce(frame, NOTES, manifest)
    for p in more:
        if (p.file, p.column) in absent and p.found == MISSING:
            p = Problem(p.file, 1, p.column, f"the front-matter key {p.column!r}", MISSING)
        problems.append(p)
    wrong = frame["id"].ne("") & frame["id"].ne(frame["_stem"])
    problems += [
        Problem(f, int(r), "id", f"the file name without .md ({stem!r})", i)
        for f, r, stem, i in zip(frame.loc[wrong, FILE], frame.loc[wrong, f"{ROW}:id"],
                                 frame.loc[wrong, "_stem"], frame.loc[wrong, "id"])
    ]
    out["tags"] = [_tags(t) for t in tags]
    out["text"] = frame["_body"]
    out["file"] = frame[FILE]
    return NOTES.finalize(out), problems


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return tuple(split_list(pd.Series([str(value)])).iloc[0])
