"""Hostile inputs: links out of the bundle, workbook and zip bombs, YAML alias bombs, broken CSV.

Every reproducer that could exhaust memory runs in a subprocess whose address space is capped
at 2 GiB, with a timeout: before the fix these crashed (calamine aborting with exit 134), ran
out of memory or hung; now each ends fast with a problem naming the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from casekit.exceptions import SurveyFileError
from casekit.intake import validate_bundle
from casekit.intake.bounded import MAX_CELLS, MAX_CSV_FIELD
from casekit.intake.exports import read_export

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------------- helpers


def run_capped(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run Python code in a subprocess limited to 2 GiB of address space and ``timeout`` seconds."""
    prelude = ("import resource\n"
               "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def cli_capped(*argv: str) -> subprocess.CompletedProcess[str]:
    return run_capped(f"import sys\nfrom casekit.cli import main\nsys.exit(main({list(argv)!r}))")


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_workbook(path: Path, dimension: str, far_cell: str, header: tuple[str, ...] = ("序号", "岗位")) -> Path:
    """A minimal .xlsx written by hand: a header row and one cell at ``far_cell``."""
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header))
    far_row = "".join(ch for ch in far_cell if ch.isdigit())
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}">'
             f'<dimension ref="{dimension}"/><sheetData><row r="1">{head}</row>'
             f'<row r="{far_row}"><c r="{far_cell}"><v>1</v></c></row></sheetData></worksheet>')
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" xmlns:r="{_REL}">'
            '<sheets><sheet name="答卷" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def alias_bomb(levels: int = 10) -> str:
    """The "billion laughs": ten levels of ten aliases each, about 1 KB of YAML."""
    lines = ['l0: &l0 ["哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈", "哈哈哈哈"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- XLSX bombs


@pytest.fixture
def xfd_workbook(tmp_path: Path) -> Path:
    path = write_workbook(tmp_path / "问卷星导出.xlsx", "A1:XFD1048576", "XFD1048576")
    assert path.stat().st_size < 5_000
    return path


def test_codebook_draft_refuses_a_workbook_declaring_the_whole_sheet(xfd_workbook: Path, tmp_path: Path):
    done = cli_capped("codebook", "draft", str(xfd_workbook), "--out", str(tmp_path / "cb.yaml"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "问卷星导出.xlsx, column \"sheet '答卷'\"" in done.stderr
    assert "1,048,576 rows × 16,384 columns" in done.stderr
    assert f"{MAX_CELLS:,} cells" in done.stderr


def test_survey_refuses_the_workbook_bomb(xfd_workbook: Path, tmp_path: Path):
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text("items: []\n", encoding="utf-8")
    done = cli_capped("survey", str(xfd_workbook), "--codebook", str(codebook))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "1,048,576 rows × 16,384 columns" in done.stderr


@pytest.mark.parametrize("platform", [True, False])
def test_validate_refuses_the_workbook_bomb_in_a_bundle(mini_copy, xfd_workbook: Path, platform: bool):
    root = mini_copy({"survey/responses_shijiazhuang.xlsx": xfd_workbook.read_bytes()})
    if platform:
        text = (root / "codebook.yaml").read_text(encoding="utf-8")
        (root / "codebook.yaml").write_text("platform: auto\n" + text, encoding="utf-8")
    done = cli_capped("validate", str(root))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "survey/responses_shijiazhuang.xlsx" in done.stderr
    assert "1,048,576 rows × 16,384 columns" in done.stderr
    assert "MemoryError" not in done.stderr


def test_a_workbook_lying_about_its_dimension_is_measured(tmp_path: Path):
    path = write_workbook(tmp_path / "lying.xlsx", "A1", "XFD1048576")
    done = run_capped(f"""
        from casekit.intake.exports import read_export
        from casekit.exceptions import SurveyFileError
        try:
            read_export({str(path)!r})
        except SurveyFileError as exc:
            print(exc)
        """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cells up to row 1,048,576, column 16,384" in done.stdout


def test_a_small_far_cell_is_still_read(tmp_path: Path):
    path = write_workbook(tmp_path / "ok.xlsx", "A1:C30", "C30")
    export = read_export(path)
    assert export.rows == (30,)


# ------------------------------------------------------------------------------- zip bombs


def test_a_tencent_zip_bomb_stops_fast_in_bounded_memory(tmp_path: Path):
    path = tmp_path / "腾讯问卷.zip"
    line = ("1," * 49 + "1\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("答卷数据.csv", "w", force_zip64=True) as member:
            member.write(",".join(f"Q{i}" for i in range(50)).encode() + b"\n")
            block = line * 10_000
            for _ in range(200 * 1024**2 // len(block)):
                member.write(block)
    assert path.stat().st_size < 1024**2
    done = run_capped(f"""
        import time
        from casekit.intake.exports import read_export
        from casekit.exceptions import SurveyFileError
        start = time.perf_counter()
        try:
            read_export({str(path)!r})
        except SurveyFileError as exc:
            print(exc)
        print(f"seconds={{time.perf_counter() - start:.1f}}")
        """, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "腾讯问卷.zip, column '答卷数据.csv'" in done.stdout
    assert "(a zip bomb)" in done.stdout
    assert float(done.stdout.rsplit("seconds=", 1)[1]) < 10


# ----------------------------------------------------------------------------------- YAML


def test_an_alias_bomb_in_the_manifest_is_refused_at_once(mini_copy):
    root = mini_copy({"manifest.yaml": alias_bomb()})
    done = run_capped(f"""
        import time
        from casekit.intake import validate_bundle
        start = time.perf_counter()
        for p in validate_bundle({str(root)!r}):
            if p.file == "manifest.yaml":
                print(p)
        print(f"seconds={{time.perf_counter() - start:.2f}}")
        """, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ("manifest.yaml, row 1: expected YAML without anchors (&) or aliases (*): write each value "
            "out, found \"an anchor '&l0'\"") in done.stdout


def test_an_alias_bomb_in_a_note_front_matter_names_its_line(mini_copy):
    note = "---\n" + alias_bomb() + "---\n正文\n"
    root = mini_copy({"notes/N001.md": note})
    done = run_capped(f"""
        from casekit.intake import validate_bundle
        for p in validate_bundle({str(root)!r}):
            print(p)
        """, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "notes/N001.md, row 2: expected YAML without anchors (&) or aliases (*)" in done.stdout


def test_a_key_given_twice_is_a_problem_naming_both_lines(mini_copy):
    manifest = (mini_copy() / "manifest.yaml").read_text(encoding="utf-8")
    root = mini_copy({"manifest.yaml": manifest + "client: 另一家公司\n"})
    first = next(i for i, line in enumerate(manifest.splitlines(), 1) if line.startswith("client:"))
    last = len(manifest.splitlines()) + 1
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    assert [str(p) for p in problems] == [
        f"manifest.yaml, row {last}, column 'client': expected each key once in a mapping, "
        f"found \"'client' on line {first} and again on line {last}\""]


def test_outlines_refuse_aliases_and_duplicate_keys(tmp_path: Path):
    from casekit.curriculum.outlines import load_outlines
    from casekit.exceptions import OutlineError

    path = tmp_path / "outlines.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    with pytest.raises(OutlineError, match=r"line 1: expected YAML without anchors"):
        load_outlines(path)
    path.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(OutlineError, match=r"line 3: a: expected each key once in a mapping, found 'a' on line 1"):
        load_outlines(path)


# ------------------------------------------------------------------------------------ CSV


def _stray_quote_csv(header: str, row: str) -> str:
    return header + "\n" + row + ',"stray quote\n' + ("很长的备注" * 30_000) + "\n"


def test_a_huge_cell_after_a_stray_quote_in_a_bundle_table_is_a_problem(mini_copy):
    header = (mini_copy() / "ride_alongs.csv").read_text(encoding="utf-8").splitlines()[0]
    root = mini_copy({"ride_alongs.csv": _stray_quote_csv(header, "V9")})
    problems = [str(p) for p in validate_bundle(root) if p.file == "ride_alongs.csv"]
    assert problems == [
        f"ride_alongs.csv, row 2: expected a closing quote (\") for each quoted cell, and cells under "
        f"{MAX_CSV_FIELD:,} characters, found 'a cell of over {MAX_CSV_FIELD:,} characters from line 2 "
        "(a stray quote makes the next 2 line(s) one cell)'"]


def test_a_huge_cell_after_a_stray_quote_in_an_export_is_a_problem(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(_stray_quote_csv("序号,岗位,备注", "1,客户经理"), encoding="utf-8")
    with pytest.raises(SurveyFileError, match=r"export.csv, row 2: expected a closing quote"):
        read_export(path)


# ----------------------------------------------------------------------------- the roster


def test_validate_checks_the_private_roster(mini_copy):
    roster = ("kind,name,aliases\nperson,王建国,老王\n"
              'company,华夏商贸,华夏,多余的一格,"没有闭合的引号\nperson,李明,小李\ncompany,远航物流,远航\n')
    root = mini_copy({"_private/roster.csv": roster})
    problems = [str(p) for p in validate_bundle(root)]
    assert problems == [  # rows 4 and 5 are still read: a roster row never spans lines
        "_private/roster.csv, row 3: expected a closing quote (\") for each quoted cell, on the same line "
        "(one row per line), found 'an unbalanced quote in: company,华夏商贸,华夏,多余的一格,\"没有闭合的引号'"]


def test_validate_reports_a_roster_row_with_extra_cells(mini_copy, capsys):
    from casekit.cli import main

    root = mini_copy({"_private/roster.csv": "kind,name,aliases\nperson,王建国,老王,多余\n"})
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert ("_private/roster.csv, row 2: expected at most 3 cells (one per column: kind, name, aliases), "
            "found '4 cells'") in err


# -------------------------------------------------------------------------------- symlinks


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.md").write_text("SECRET-FIRST-LINE 客户的真实姓名\n", encoding="utf-8")
    (folder / "secret.csv").write_text("SECRET-HEADER,x\n1,2\n", encoding="utf-8")
    return folder


def test_a_note_linked_out_of_the_bundle_is_refused_unread(mini_copy, secret: Path, capsys):
    from casekit.cli import main

    root = mini_copy({"notes/N003.md": None})
    (root / "notes" / "N003.md").symlink_to(secret / "secret.md")
    (root / "ride_alongs.csv").unlink()
    (root / "ride_alongs.csv").symlink_to(secret / "secret.csv")
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert ("notes/N003.md: expected a file inside the bundle, found 'a link to a file outside the bundle'"
            in err)
    assert "ride_alongs.csv: expected a file inside the bundle" in err
    assert "SECRET" not in err


def test_a_folder_linked_out_of_the_bundle_is_refused(mini_copy, secret: Path):
    root = mini_copy()
    (secret / "hebei.csv").write_text((root / "catalogue" / "hebei.csv").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    for f in (root / "catalogue").iterdir():
        f.unlink()
    (root / "catalogue").rmdir()
    (root / "catalogue").symlink_to(secret)
    problems = {str(p) for p in validate_bundle(root) if p.file.startswith("catalogue/")}
    assert ("catalogue/hebei.csv: expected a file inside the bundle, "
            "found 'a link to a file outside the bundle'") in problems


def test_a_link_inside_the_bundle_is_read(mini_copy):
    root = mini_copy()
    (root / "_notes_store").mkdir()
    (root / "notes" / "N003.md").rename(root / "_notes_store" / "N003.md")
    (root / "notes" / "N003.md").symlink_to(root / "_notes_store" / "N003.md")
    assert validate_bundle(root) == []


# ------------------------------------------------------------------------- file names


def test_a_table_with_a_header_and_no_rows_names_its_file(mini_copy):
    root = mini_copy({"ride_alongs.csv": "visit_id,date,region\n"})
    problems = validate_bundle(root)
    assert problems and all(p.file for p in problems)
    assert "ride_alongs.csv, row 1, column 'account_manager': expected a column 'account_manager', " \
           "found '<missing>'" in [str(p) for p in problems]
