"""One CLI shape (issue 11): one meaning per flag, usage errors exit 2, ``casekit --version``,
old spellings still working with one line of warning, and ``redact``'s file checks in the library."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from casekit.cli import main
from casekit.exceptions import CasekitError, RedactFilesError
from casekit.intake.redact_files import redact_files
from casekit.paths import SAMPLE_BUNDLE

from conftest import MINI

#: The commands of this module read the sample once and analyse its notes once (conftest).
pytestmark = pytest.mark.usefixtures("read_each_bundle_once")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_version_prints_casekits_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"casekit {version('casekit')}\n"


# -- one --by vocabulary ------------------------------------------------------------------------------
@pytest.mark.parametrize("command, choices", [
    ("gaps", "'top_region', 'city', 'all'"),
    ("ride-alongs", "'top_region', 'city', 'segment', 'all'"),
    ("codes", "'top_region', 'city', 'population', 'method', 'segment'"),
    ("keywords", "'top_region', 'city', 'population', 'method'"),
])
def test_a_bad_by_is_a_usage_error_listing_the_choices(command, choices, capsys):
    # the probe: `codes --by foo` printed "code_frequencies needs a segments table …" and exited 1
    with pytest.raises(SystemExit) as exc:
        main([command, str(MINI), "--by", "foo"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"casekit {command}: error: argument --by: invalid choice: 'foo' (choose from {choices})" in err
    assert "code_frequencies" not in err and "Traceback" not in err


@pytest.mark.parametrize("command, new, old", [
    ("codes", "top_region", "top_region_id"),
    ("codes", "city", "region_id"),
    ("keywords", "top_region", "top_region_id"),
])
def test_the_by_ids_users_type_and_the_old_column_names_group_alike(command, new, old, capsys):
    assert main([command, str(MINI), "--by", new]) == 0
    printed = capsys.readouterr().out
    assert main([command, str(MINI), "--by", old]) == 0
    assert capsys.readouterr().out == printed
    assert main([command, str(MINI)]) == 0  # the default is top_region
    assert (capsys.readouterr().out == printed) is (new == "top_region")


def test_by_help_lists_the_ids_with_chinese_labels(capsys):
    with pytest.raises(SystemExit):
        main(["ride-alongs", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "grouping: top_region 省级地区, city 地市, segment 客户经理行为类型, all 全部合计" in help_text


# -- --csv for the table a command prints, --out for what it writes ------------------------------------
def test_segment_out_is_a_deprecated_spelling_of_csv(tmp_path: Path, capsys):
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    assert main(["segment", str(MINI), "--csv", str(new)]) == 0
    assert "deprecated" not in capsys.readouterr().err
    assert main(["segment", str(MINI), "--out", str(old)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "deprecated" in line]
    assert warnings == ["casekit segment: warning: --out is deprecated; use --csv"]
    assert old.read_bytes() == new.read_bytes()
    with pytest.raises(SystemExit) as exc:  # the old spelling checks the extension too
        main(["segment", str(MINI), "--out", str(tmp_path / "s.xlsx")])
    assert exc.value.code == 2
    assert "argument --out: " in capsys.readouterr().err and not (tmp_path / "s.xlsx").exists()


# -- --regions everywhere ------------------------------------------------------------------------------
def test_region_is_a_deprecated_spelling_of_regions(capsys):
    assert main(["review360", str(SAMPLE_BUNDLE), "--regions", "河北"]) == 0
    new = capsys.readouterr()
    assert main(["review360", str(SAMPLE_BUNDLE), "--region", "河北"]) == 0
    old = capsys.readouterr()
    assert old.out == new.out and "全部他评" in new.out
    assert old.err.splitlines() == ["casekit review360: warning: --region is deprecated; use --regions"]
    with pytest.raises(SystemExit) as exc:  # both at once: which one?
        main(["review360", str(SAMPLE_BUNDLE), "--regions", "河北", "--region", "天津"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_several_regions_one_after_the_other(tmp_path: Path, capsys):
    out = tmp_path / "r.csv"
    assert main(["review360", str(SAMPLE_BUNDLE), "--regions", "河北", "天津", "--csv", str(out)]) == 0
    assert list(dict.fromkeys(r["所在地区编号"] for r in _rows(out))) == ["hebei", "tianjin"]
    capsys.readouterr()
    assert main(["review360", str(SAMPLE_BUNDLE), "--regions", "河北", "火星"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("casekit review360: ") and "火星" in err

    assert main(["outline-interview", str(SAMPLE_BUNDLE), "--regions", "天津", "北京", "--population", "支撑人员"]) == 0
    printed = capsys.readouterr().out
    assert printed.index("# 天津 支撑人员") < printed.index("# 北京 支撑人员")
    with pytest.raises(SystemExit) as exc:
        main(["outline-interview", str(SAMPLE_BUNDLE)])
    assert exc.value.code == 2
    assert "error: one of the arguments --regions is required" in capsys.readouterr().err


def test_quotes_of_several_regions_are_those_of_each(tmp_path: Path):
    one, two, both = (tmp_path / f"{n}.csv" for n in ("one", "two", "both"))
    assert main(["quotes", str(SAMPLE_BUNDLE), "--regions", "河北", "--csv", str(one)]) == 0
    assert main(["quotes", str(SAMPLE_BUNDLE), "--region", "天津", "--csv", str(two)]) == 0
    assert main(["quotes", str(SAMPLE_BUNDLE), "--regions", "河北", "天津", "--csv", str(both)]) == 0
    ids = [r["段落编号"] for r in _rows(both)]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r["段落编号"] for r in _rows(one)} | {r["段落编号"] for r in _rows(two)}
    assert main(["quotes", str(SAMPLE_BUNDLE), "--regions", "河北", "天津", "--limit", "3", "--csv", str(both)]) == 0
    assert len(_rows(both)) == 3


# -- redact's file checks, in the library ---------------------------------------------------------------
def test_redact_files_names_every_file_it_cannot_redact_before_reading_any(tmp_path: Path):
    note = tmp_path / "a.md"
    note.write_text("王经理的手机 13912345678\n", encoding="utf-8")
    (tmp_path / "b.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    with pytest.raises(RedactFilesError, match=(
            r"^nothing redacted:\n"
            rf"  - {tmp_path}/b\.doc: a \.doc file; save it as \.docx .*\n"
            rf"  - {tmp_path}/c\.pdf: not a note casekit reads \(\.md, \.markdown, \.txt, \.docx\)\n"
            rf"  - {tmp_path}/missing\.txt: no such file\n"
            rf"  - {tmp_path}/a\.md: --out would overwrite the original; choose another folder$")):
        redact_files([tmp_path / "b.doc", tmp_path / "c.pdf", tmp_path / "missing.txt", note], out=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.doc", "c.pdf"]

    with pytest.raises(CasekitError, match="is not a research bundle"):
        redact_files([note], bundle=tmp_path)
    done = list(redact_files([note]))
    assert [d.path for d in done] == [note] and done[0].error is None
    assert "13912345678" not in done[0].result.text and "王经理" not in done[0].result.text


def test_redact_command_says_the_same_and_exits_one(tmp_path: Path, capsys):
    assert main(["redact", str(tmp_path / "missing.md")]) == 1
    assert capsys.readouterr().err == f"casekit redact: nothing redacted:\n  - {tmp_path}/missing.md: no such file\n"


def test_case_list_of_several_regions_lists_each_case_once(tmp_path: Path, capsys):
    import shutil

    bundle = Path(shutil.copytree(SAMPLE_BUNDLE, tmp_path / "bundle"))
    for note in ("N002", "N001"):  # 石家庄 (河北), 天津
        assert main(["case", "draft", str(bundle), note, "--save"]) == 0
    out = {}
    every = ["--regions", "河北", "北京", "天津", "山东", "南宁", "河北"]  # all top-level regions, one twice
    for name, regions in (("all", []), ("both", every), ("hebei", ["--regions", "河北"])):
        out[name] = tmp_path / f"{name}.csv"
        assert main(["case", "list", str(bundle), *regions, "--csv", str(out[name])]) == 0
    assert [r["编号"] for r in _rows(out["both"])] == [r["编号"] for r in _rows(out["all"])]  # each once, in order
    assert len(_rows(out["hebei"])) < len(_rows(out["all"]))


def test_old_by_spelling_warns_and_chinese_label_is_accepted(capsys):
    assert main(["codes", str(SAMPLE_BUNDLE), "--by", "top_region_id"]) == 0
    old = capsys.readouterr()
    assert "--by top_region_id is deprecated; use --by top_region" in old.err
    assert main(["codes", str(SAMPLE_BUNDLE), "--by", "省级地区"]) == 0
    assert capsys.readouterr().out == old.out


def test_validate_csv_is_rewritten_when_the_bundle_is_clean(tmp_path):
    stale = tmp_path / "problems.csv"
    stale.write_text("file,row,column,expected,found\nold.csv,2,x,y,z\n", encoding="utf-8")
    assert main(["validate", str(SAMPLE_BUNDLE), "--csv", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8-sig").splitlines() == ["文件,行,列,应为,实际"]  # Chinese headers
