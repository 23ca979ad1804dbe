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
from casekit.bounded import MAX_CELLS, MAX_CSV_FIELD
from casekit.surveys import read_export

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
        from casekit.surveys import read_export
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
        from casekit.surveys import read_export
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


# ------------------------------------------------------- issue 10, second probe: workbooks


def write_sst_workbook(path: Path, unique_count: str, strings: list[str]) -> Path:
    """A 2 × 2 sheet of shared strings whose table declares ``uniqueCount``."""
    cells = [f'<c r="{c}{r}" t="s"><v>{i}</v></c>' for i, (r, c) in enumerate([(1, "A"), (1, "B"), (2, "A"), (2, "B")])]
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}">'
             f'<dimension ref="A1:B2"/><sheetData><row r="1">{cells[0]}{cells[1]}</row>'
             f'<row r="2">{cells[2]}{cells[3]}</row></sheetData></worksheet>')
    sst = (f'<sst xmlns="{_NS}" count="4" uniqueCount="{unique_count}">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
                         '<sheet name="答卷" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                         f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", sst)
    return path


def test_a_string_table_declaring_four_billion_strings_is_refused(tmp_path: Path):
    # calamine reserves 24 bytes per declared string before reading: 96 GB, exit 134
    path = write_sst_workbook(tmp_path / "sst_tiny2.xlsx", "4000000000", ["答卷编号", "题", "A1", "1"])
    assert path.stat().st_size < 2_000
    done = cli_capped("codebook", "draft", str(path), "--out", str(tmp_path / "cb.yaml"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert ("sst_tiny2.xlsx, column 'xl/sharedStrings.xml': expected a shared-string table declaring "
            "(uniqueCount) no more strings than it holds") in done.stderr
    assert "found 'uniqueCount=4,000,000,000 declared, 4 string(s) present'" in done.stderr


def test_a_string_table_declaring_what_it_holds_is_read(tmp_path: Path):
    path = write_sst_workbook(tmp_path / "ok.xlsx", "4", ["序号", "岗位", "1", "客户经理"])
    assert read_export(path).rows == (2,)


def test_a_string_table_over_its_size_limit_is_refused(tmp_path: Path, monkeypatch):
    from casekit import bounded

    monkeypatch.setattr(bounded, "MAX_SHARED_STRINGS_BYTES", 1024**2)  # 683 MB in the probe
    strings = ["序号", "岗位", "1"] + [f"第{i}条开放回答：" + "希望多讲真实案例" * 3 for i in range(40_000)]
    path = write_sst_workbook(tmp_path / "sst.xlsx", str(len(strings)), strings)
    with pytest.raises(SurveyFileError, match=r"sst.xlsx, column 'xl/sharedStrings.xml': expected a shared-string "
                                              r"table of at most 1 MiB once inflated"):
        read_export(path)


def test_a_sparse_area_is_refused_before_calamine_allocates_it(tmp_path: Path):
    # 1.5 KB, cells at A1 and AX1000000: 50 M cells of area, 1.6 GB for calamine (exit 134 under 1.5 GB)
    path = write_workbook(tmp_path / "area50m.xlsx", "A1:AX1000000", "AX1000000")
    done = cli_capped("codebook", "draft", str(path), "--out", str(tmp_path / "cb.yaml"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert ("area50m.xlsx, column \"sheet '答卷'\": expected a used area (A1 to the last cell) of at most "
            "1,000,000 cells, or at most 16 times the cells present") in done.stderr
    assert "found 'an area of 50,000,000 cells (1,526 MiB to read) holding 3 cells'" in done.stderr


# ----------------------------------------------------------- bundle CSV bodies, notes


@pytest.mark.parametrize("filler", ["\n", ",,,,,\n"])
def test_a_bundle_table_padded_past_the_cell_limit_is_refused_fast(mini_copy, filler: str):
    # reviews_360.csv + 30 M blank lines was "OK" after 31 s and 3.0 GB (a MemoryError under 2 GB)
    text = (mini_copy() / "reviews_360.csv").read_text(encoding="utf-8") + filler * 10_000_000
    root = mini_copy({"reviews_360.csv": text})
    done = run_capped(f"""
        import time
        from casekit.intake import validate_bundle
        start = time.perf_counter()
        for p in validate_bundle({str(root)!r}):
            print(p)
        print(f"seconds={{time.perf_counter() - start:.1f}}")
        """, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (f"reviews_360.csv: expected a table of at most {MAX_CELLS:,} cells (docs/limits.md), "
            "found '10,000,00") in done.stdout
    assert "lines × 6 columns" in done.stdout
    assert float(done.stdout.rsplit("seconds=", 1)[1]) < 30


def test_a_note_of_five_million_lines_is_a_problem(mini_copy):
    note = (mini_copy() / "notes" / "N001.md").read_text(encoding="utf-8") + "嗯\n" * 5_000_000
    root = mini_copy({"notes/N001.md": note})
    done = run_capped(f"""
        from casekit.intake import validate_bundle
        for p in validate_bundle({str(root)!r}):
            print(p)
        """, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "notes/N001.md: expected a note of at most 8 MiB (docs/limits.md), found '19 MiB'" in done.stdout


def test_a_note_of_many_short_lines_is_a_problem(mini_copy):
    note = (mini_copy() / "notes" / "N001.md").read_text(encoding="utf-8") + "\n" * 200_000
    root = mini_copy({"notes/N001.md": note})
    assert [str(p) for p in validate_bundle(root)] == [
        "notes/N001.md: expected a note of at most 100,000 lines (docs/limits.md), found '200,011 lines'"]


def test_a_properly_quoted_long_cell_is_not_called_a_stray_quote(mini_copy):
    header = (mini_copy() / "ride_alongs.csv").read_text(encoding="utf-8").splitlines()[0]
    cell = '"' + ("很长的备注" * 2_000 + "\n") * 60 + '"'
    root = mini_copy({"ride_alongs.csv": f"{header}\nV9,{cell}\n"})
    problems = [str(p) for p in validate_bundle(root) if p.file == "ride_alongs.csv"]
    assert problems == [
        f"ride_alongs.csv, row 2: expected cells of at most {MAX_CSV_FIELD:,} characters (docs/limits.md), "
        f"found 'a cell of over {MAX_CSV_FIELD:,} characters from line 2 (61 line(s) long)'"]


def test_validate_prints_at_most_twenty_problems_of_a_kind(mini_copy, capsys, tmp_path: Path):
    from casekit.cli import main

    lines = (mini_copy() / "ride_alongs.csv").read_text(encoding="utf-8").splitlines()
    root = mini_copy({"ride_alongs.csv": "\n".join([lines[0]] + [lines[1]] * 500) + "\n"})
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    kinds = [line for line in err.splitlines() if line.startswith("  - ride_alongs.csv")]
    assert len(kinds) == 21
    assert "ride_alongs.csv, column 'visit_id': … and 479 more problems of this kind" in kinds[-1]
    assert kinds[-1].endswith("; --csv FILE lists them all")
    assert main(["validate", str(root), "--csv", str(tmp_path / "p.csv")]) == 1
    assert len((tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 499


# -------------------------------------------------------------------- YAML depth, merge keys


def test_deeply_nested_front_matter_is_a_problem_with_its_line(mini_copy):
    note = (mini_copy() / "notes" / "N001.md").read_text(encoding="utf-8")
    note = note.replace("tags: [商务领航, 酒店, 价格战]", "tags: " + "[" * 340 + "]" * 340)
    root = mini_copy({"notes/N001.md": note})
    assert [str(p) for p in validate_bundle(root)] == [
        "notes/N001.md, row 8: expected YAML nested at most 32 levels deep (docs/limits.md), "
        "found 'more than 32 nested levels'"]


def test_deep_yaml_in_the_manifest_and_competency_is_a_problem(mini_copy):
    manifest = (mini_copy() / "manifest.yaml").read_text(encoding="utf-8")
    n = len(manifest.splitlines())
    nested = "".join(" " * i + f"k{i}:\n" for i in range(3_000))
    root = mini_copy({"manifest.yaml": manifest + "deep: " + "[" * 100_000 + "]" * 100_000 + "\n",
                      "competency.yaml": nested})
    problems = [str(p) for p in validate_bundle(root)]
    assert f"manifest.yaml, row {n + 1}: expected YAML nested at most 32 levels deep (docs/limits.md), " \
           "found 'more than 32 nested levels'" in problems
    assert "competency.yaml, row 33: expected YAML nested at most 32 levels deep (docs/limits.md), " \
           "found 'more than 32 nested levels'" in problems


def test_a_merge_key_is_refused(mini_copy):
    competency = ("populations:\n  account_manager:\n    dimensions:\n"
                  "      sales:\n        <<: {required: 1.0}\n        required: 4.5\n")
    root = mini_copy({"competency.yaml": competency})
    assert [str(p) for p in validate_bundle(root)] == [
        "competency.yaml, row 5: expected YAML without merge keys (<<): write each key out, "
        "found \"a merge key '<<'\""]


# ------------------------------------------------------------------------ notes/ entries


def test_entries_of_notes_that_are_not_files_are_reported(mini_copy):
    root = mini_copy()
    notes = root / "notes"
    (notes / "N097.md").symlink_to(notes / "gone.md")
    (notes / "N098.md").symlink_to(notes / "N098.md")
    (notes / "N099.md").mkdir()
    os.mkfifo(notes / "N100.md")
    expected = "expected a note file (.md, .txt or .docx); other entries of notes/ are not read"
    assert [str(p) for p in validate_bundle(root)] == [
        f"notes/N097.md: {expected}, found 'a link to nothing'",
        f"notes/N098.md: {expected}, found 'a link that cannot be followed (a loop)'",
        f"notes/N099.md: {expected}, found 'a folder'",
        f"notes/N100.md: {expected}, found 'a named pipe (FIFO)'"]


def test_a_broken_gbk_byte_is_reported_on_its_own_line(mini_copy):
    text = (mini_copy() / "notes" / "N001.md").read_text(encoding="utf-8").replace("保定", "石家庄")
    data = text.encode("gb18030")
    lines = data.split(b"\n")
    lines[10] = lines[10] + b"\x81\x20\xff\xfe"
    root = mini_copy({"notes/N001.md": b"\n".join(lines)})
    assert [str(p) for p in validate_bundle(root)] == [
        "notes/N001.md, row 11: expected UTF-8 or GBK/GB18030 text, found "
        r'''"undecodable bytes b'\\x81 \\xff\\xfe' (the file looks GBK/GB18030-encoded)"''']


def test_a_docx_note_inflating_past_its_cap_is_refused_before_parsing(mini_copy, tmp_path: Path):
    import docx

    path = tmp_path / "N001.docx"
    document = docx.Document()
    for line in ["---", "id: N001", "date: 2008-09-12", "region: 保定", "population: account_manager",
                 "interviewee: 客户经理B07", "method: interview", "---", "正文"]:
        document.add_paragraph(line)
    document.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    paragraphs = b"".join(b"<w:p><w:r><w:t>%d \xe5\xae\xa2\xe6\x88\xb7</w:t></w:r></w:p>" % i
                          for i in range(1_700_000))  # about 70 MiB, packed at a ratio near 30
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"</w:body>", paragraphs + b"</w:body>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    root = mini_copy({"notes/N001.md": None, "notes/N001.docx": path.read_bytes()})
    done = run_capped(f"""
        from casekit.intake import validate_bundle
        for p in validate_bundle({str(root)!r}):
            print(p)
        """, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0].startswith(
        "notes/N001.docx: expected an archive inflating to at most 64 MiB (docs/limits.md), found ")
