"""No output of casekit shows the personal data planted in the sample bundle.

The sample's answer key (``_ground_truth.yaml``, ``pii:``) lists every phone number, customer
company and person written into its interview notes. This test produces every output a
consultant or client gets from the sample — every region's report (HTML and executed
notebook), the index, every analysis command's printout and CSV, and the committed notebooks'
stored outputs — and scans all of it for those strings.
"""

from __future__ import annotations

import contextlib

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import reading_each_bundle_once

from casekit.cli import main
from casekit.paths import NOTEBOOKS, SAMPLE_BUNDLE

#: Every analysis command, as a consultant runs it on the sample (``--csv``/``--out`` added).
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("gaps", "--by", "city"),
    ("segment",),
    ("ride-alongs", "--by", "segment"),
    ("ride-alongs", "--view", "behaviours"),
    ("review360", "--managers", "--gap"),
    ("review360",),
    ("linkage",),
    ("linkage", "--visits"),
    ("codes",),
    ("codes", "--cooccurrence"),
    ("quotes",),
    ("keywords",),
    ("keywords", "--themes"),
)


@pytest.fixture(scope="module")
def planted() -> list[str]:
    truth = yaml.safe_load((SAMPLE_BUNDLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    strings = [entry["string"] for entry in truth["pii"]]
    assert len(strings) >= 14  # the test is only as good as what was planted
    return strings


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, sample_reports) -> dict[str, str]:
    """Every output of the sample bundle: file or command → its text (the reports in every format)."""
    with reading_each_bundle_once():
        return _outputs(tmp_path_factory.mktemp("outputs"), sample_reports)


def _outputs(out: Path, sample_reports: Any) -> dict[str, str]:
    result = sample_reports
    assert result.ok and len(result.built) == 5
    reports = result.out_dir.parent
    texts = {f"reports/{p.relative_to(reports)}": _report_text(p) for p in sorted(reports.rglob("*")) if p.is_file()}
    for i, command in enumerate(COMMANDS):
        target = out / f"command{i}.csv"
        flag = "--out" if command[0] == "segment" else "--csv"
        with contextlib.chdir(out):  # default outputs (segment's internal/<bundle>/segments.csv) land here,
            printed = _run([command[0], str(SAMPLE_BUNDLE), *command[1:]])  # never in the checkout
        _run([command[0], str(SAMPLE_BUNDLE), *command[1:], flag, str(target)])
        texts[" ".join(command)] = printed
        texts[f"{' '.join(command)} --csv"] = target.read_text(encoding="utf-8-sig")
    for region in ("beijing", "tianjin", "hebei", "shandong", "nanning"):
        texts[f"outline-interview {region}"] = _run(["outline-interview", str(SAMPLE_BUNDLE), "--region", region])
    _run(["toolbox", str(SAMPLE_BUNDLE), "--out", str(out / "toolbox")])
    for path in sorted(p for p in (out / "toolbox").rglob("*.*") if not p.name.startswith(".")):  # not the ledger
        texts[str(path.relative_to(out))] = (path.read_text(encoding="utf-8") if path.suffix == ".md"
                                             else _office_text(path))  # the consultant's editing list
    import shutil

    authored = out / "authored"
    shutil.copytree(SAMPLE_BUNDLE, authored)
    for note in ("N002", "N005", "N028", "N033"):  # the notes with planted companies, people, phones
        _run(["case", "draft", str(authored), note, "--roleplay", "--save"])
    for case in sorted((authored / "cases").glob("*.md")):
        texts[f"cases/{case.name}"] = case.read_text(encoding="utf-8")
    for edition, book in (("", out / "book.md"), ("--trainer", out / "book_trainer.docx")):
        _run(["case", "book", str(authored), "--out", str(book), *([edition] if edition else [])])
        texts[book.name] = book.read_text(encoding="utf-8") if book.suffix == ".md" else _office_text(book)
    audiences = ("account_manager", "support_engineer", "sales_manager")
    for i, region in enumerate(("beijing", "tianjin", "hebei", "shandong", "nanning")):  # the 课程大纲
        audience = audiences[i % 3]  # every region and every audience, not every pair (each run ~2 s)
        texts[f"outline {region} {audience}"] = _run(["outline", str(SAMPLE_BUNDLE), "--region", region,
                                                      "--audience", audience, "--trainer"])
    _run(["outline", str(SAMPLE_BUNDLE), "--region", "hebei", "--audience", "account_manager",
          "--out", str(out / "outline.docx")])
    texts["outline.docx"] = _office_text(out / "outline.docx")
    notes = sorted(str(p) for p in (SAMPLE_BUNDLE / "notes").glob("*.md"))
    texts["redact (patterns only, no roster)"] = _run(["redact", *notes])
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts[notebook.name] = json.dumps([c.get("outputs", []) for c in cells], ensure_ascii=False)
    return texts


def _report_text(path: Path) -> str:
    """The text of a file of a region's report: the page, notebook and index as they are, the PDF
    as pdftotext reads it, the Word report and the slides paragraph by paragraph."""
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
    if path.suffix == ".pptx":
        from pptx import Presentation

        deck = Presentation(str(path))
        parts = [para.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                 for para in shape.text_frame.paragraphs]
        parts += [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
                  for row in shape.table.rows for cell in row.cells]
        parts += [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
        return "\n".join(parts)
    if path.suffix == ".docx":
        return _office_text(path)
    return path.read_text(encoding="utf-8")


def _office_text(path: Path) -> str:
    """Every cell of a workbook, every paragraph and table cell of a document."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _run(argv: list[str]) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(argv) == 0, argv
    return buffer.getvalue()


def test_every_output_was_produced(outputs):
    assert sum(name.endswith("report.html") for name in outputs) == 5
    assert all(text.strip() for text in outputs.values())


def _without_seed_case_titles(text: str) -> str:
    """The text without the seed's named teaching cases (华夏宾馆的苦恼 …): published course material.

    The sample's notes reuse those cases' company names as customers, so the names are planted
    personal data everywhere except inside a seed case title, which the course design may cite.
    """
    from casekit.curriculum import load_outlines

    titles = sorted({c for o in load_outlines().values() for m in o.modules for c in m.cases}, key=len, reverse=True)
    for title in titles:
        text = text.replace(title, "")
    return text


def test_no_output_shows_a_planted_name_company_or_number(outputs, planted):
    stripped = {name: _without_seed_case_titles(text) for name, text in outputs.items()}
    leaks = [(name, s) for name, text in stripped.items() for s in planted if s in text]
    assert leaks == []


def test_the_planted_strings_are_in_the_raw_notes_so_a_leak_would_be_seen(planted):
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted((SAMPLE_BUNDLE / "notes").glob("*")))
    assert [s for s in planted if s not in raw] == []
