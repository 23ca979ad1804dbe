"""Write the sample research bundle: seeded, deterministic, atomic."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import yaml

from casekit.sample.catalogue import CATALOGUE_COLUMNS, catalogue_rows
from casekit.sample.note_texts import PASSAGES
from casekit.sample.notes import Note, build_notes, render_note
from casekit.sample.people import Person, build_roster
from casekit.sample.planted import AM_TYPES, REGION_WEAKNESSES, SM_SELF_INFLATION
from casekit.sample.questionnaire import (
    codebook,
    survey_header,
    survey_rows,
    true_scores,
)
from casekit.sample.regions import REGIONS
from casekit.sample.reviews import REVIEW_COLUMNS, REVIEW_ITEMS, review_rows
from casekit.sample.ride_alongs import (
    RIDE_ALONG_COLUMNS,
    Visit,
    build_visits,
    visit_row,
)

__all__ = ["DEFAULT_SEED", "generate_sample"]

#: The default seed (the year of the seed's research).
DEFAULT_SEED: int = 2008


def _dump_yaml(path: Path, data: object) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def _write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    bom: bool = False,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _manifest() -> dict:
    regions = []
    for region in REGIONS:
        entry: dict = {"id": region.id, "name": region.name}
        if region.cities:
            entry["cities"] = [
                {"id": cid, "name": cname} for cid, cname in region.cities
            ]
        regions.append(entry)
    return {
        "bundle": "sample",
        "client": "华北网通、南宁电信（样例）",
        "engagement": "转型业务营销体系培训调研",
        "period": "2008-08 至 2008-10",
        "regions": regions,
        "audiences": {
            "account_manager": {"days": 3.0},
            "support_engineer": {"days": 2.5},
            "sales_manager": {"days": 3.0},
        },
        "budgets": {"hebei": {"account_manager": 3.5}},
    }


def _ground_truth(
    seed: int, roster: list[Person], notes: list[Note], visit_ids: dict[str, str]
) -> dict:
    pii = []
    for passage in PASSAGES:
        note = next(n for n in notes if n.passage.key == passage.key)
        for string, kind in passage.pii:
            pii.append(
                {"string": string, "kind": kind, "file": f"notes/{note.note_id}.md"}
            )
    pii.sort(key=lambda d: (d["file"], d["string"]))
    return {
        "seed": seed,
        "note": "Test-only answer key of the sample bundle; casekit ignores files starting with '_'.",
        "account_manager_types": [
            {
                "id": t.id,
                "label": t.label,
                "description": t.description,
                "survey_profile": dict(t.survey),
            }
            for t in AM_TYPES
        ],
        "account_manager_type_of": {
            p.staff_id: p.am_type for p in roster if p.population == "account_manager"
        },
        "region_weaknesses": [
            {
                "region": w.region,
                "population": w.population,
                "dimension": w.dimension,
                "delta": w.delta,
                "reason": w.reason,
            }
            for w in REGION_WEAKNESSES
        ],
        "reviews_360": {
            "self_inflation": SM_SELF_INFLATION,
            "weakest_dimension": "process",
        },
        "pii": pii,
        "notes": {
            n.note_id: {
                "passage": n.passage.key,
                "staff_id": n.person.staff_id,
                "am_type": n.person.am_type,
                **(
                    {"visit_id": visit_ids[n.note_id]} if n.note_id in visit_ids else {}
                ),
            }
            for n in notes
        },
    }


def _write_bundle(root: Path, seed: int) -> None:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_people, rng_truth, rng_survey, rng_reviews, rng_notes, rng_visits = streams

    roster = build_roster(rng_people)
    truths = {p.staff_id: true_scores(p, rng_truth) for p in roster}

    _dump_yaml(root / "manifest.yaml", _manifest())
    _dump_yaml(root / "codebook.yaml", codebook([dict(item) for item in REVIEW_ITEMS]))
    _write_csv(
        root / "survey" / "responses.csv",
        survey_header(),
        survey_rows(roster, truths, rng_survey),
        bom=True,
    )

    managers = [p for p in roster if p.population == "sales_manager"]
    reviews = review_rows(managers, truths, rng_reviews)
    _write_csv(
        root / "reviews_360.csv",
        REVIEW_COLUMNS,
        ([r[c] for c in REVIEW_COLUMNS] for r in reviews),
    )

    for index, region in enumerate(REGIONS):
        products = catalogue_rows(region.id, index)
        _write_csv(
            root / "catalogue" / f"{region.id}.csv",
            CATALOGUE_COLUMNS,
            ([r[c] for c in CATALOGUE_COLUMNS] for r in products),
        )

    notes = build_notes(roster, rng_notes)
    (root / "notes").mkdir()
    for note in notes:
        (root / "notes" / f"{note.note_id}.md").write_text(
            render_note(note), encoding="utf-8"
        )

    visits: list[Visit] = build_visits(roster, notes, rng_visits)
    visit_ids: dict[str, str] = {}
    rows: list[list[str]] = []
    for i, visit in enumerate(visits, start=1):
        vid = f"V{i:03d}"
        if visit.note_id:
            visit_ids[visit.note_id] = vid
        row = visit_row(vid, visit)
        rows.append([row[c] for c in RIDE_ALONG_COLUMNS])
    _write_csv(root / "ride_alongs.csv", RIDE_ALONG_COLUMNS, rows)

    _dump_yaml(
        root / "_ground_truth.yaml", _ground_truth(seed, roster, notes, visit_ids)
    )


def generate_sample(out: str | Path, *, seed: int = DEFAULT_SEED) -> Path:
    """Generate the realistic sample research bundle into ``out``.

    The bundle follows ``docs/bundle-format.md``; its planted structure (account-manager types,
    region weaknesses, personal data to redact) is written to ``out/_ground_truth.yaml``, which
    casekit's loader ignores. The same seed always gives byte-identical files. The bundle is built
    in a temporary folder beside ``out`` and then swapped in, so a failure never leaves a half
    bundle behind (an existing ``out`` is replaced only on success).

    Parameters
    ----------
    out : str or Path
        Folder to write (created or replaced).
    seed : int, default 2008
        Seed of the random generators.

    Returns
    -------
    Path
        ``out`` as a :class:`~pathlib.Path`.

    Examples
    --------
    >>> from casekit.sample import generate_sample
    >>> generate_sample("research_data/sample")  # doctest: +SKIP
    PosixPath('research_data/sample')
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        _write_bundle(work, seed)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        out.rename(old / out.name)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out
