"""``casekit init FOLDER``: a new engagement's bundle skeleton that validates (casekit/intake/skeleton.py)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml

from casekit.cli import main
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.skeleton import NOTE_TEMPLATE, SEED_REGIONS, FolderNotEmptyError, init_bundle

SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def test_init_writes_a_bundle_that_validates_and_loads(tmp_path, capsys):
    folder = tmp_path / "hunan2026"
    assert main(["init", str(folder), "--client", "湖南电信", "--engagement", "政企客户经理能力提升调研"]) == 0
    out = capsys.readouterr().out
    assert "调研资料包已建立" in out and "casekit validate" in out

    assert main(["validate", str(folder)]) == 0
    assert "OK, no problems found" in capsys.readouterr().out
    bundle = load_bundle(folder)
    assert bundle.manifest.bundle == "hunan2026"
    assert bundle.manifest.client == "湖南电信"
    assert bundle.manifest.engagement == "政企客户经理能力提升调研"
    assert bundle.notes.empty  # the note template is not an interview
    assert bundle.respondents.empty and bundle.ride_alongs.empty and bundle.reviews_360.empty
    assert len(bundle.items) > 0 and len(bundle.review_items) > 0


def test_the_tables_have_the_sample_bundles_headers(tmp_path):
    init_bundle(tmp_path / "b")
    for rel in ("ride_alongs.csv", "reviews_360.csv", "catalogue/beijing.csv"):
        assert _header(tmp_path / "b" / rel) == _header(SAMPLE / rel), rel
    # Excel on a Chinese Windows reads a CSV as UTF-8 only with a BOM
    assert (tmp_path / "b" / "survey" / "responses.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_manifest_is_chinese_and_offers_the_seed_regions_to_replace(tmp_path):
    init_bundle(tmp_path / "b")
    text = (tmp_path / "b" / "manifest.yaml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("#") and CJK.search(first)
    assert "请换成本项目的地区" in text
    sample = yaml.safe_load((SAMPLE / "manifest.yaml").read_text(encoding="utf-8"))
    mine = yaml.safe_load(text)

    def tree(manifest):
        return [(r["id"], r["name"], [(c["id"], c["name"]) for c in r.get("cities", [])])
                for r in manifest["regions"]]

    assert tree(mine) == tree(sample)
    assert mine["audiences"] == sample["audiences"] and mine["budgets"] == sample["budgets"]


def test_seed_regions_are_the_sample_generators_regions():
    from casekit.sample.regions import REGIONS

    assert SEED_REGIONS == tuple((r.id, r.name, tuple(r.cities)) for r in REGIONS)


def test_the_readme_is_chinese_and_says_what_to_run_next(tmp_path):
    init_bundle(tmp_path / "b")
    readme = (tmp_path / "b" / "README.md").read_text(encoding="utf-8")
    assert len(CJK.findall(readme)) > 200
    for name in ("manifest.yaml", "codebook.yaml", "survey/responses.csv", "ride_alongs.csv", "reviews_360.csv",
                 "catalogue/", "notes/"):
        assert name in readme, name
    assert readme.index("casekit validate") < readme.index("casekit build")


def test_the_note_template_becomes_a_valid_note_when_copied(tmp_path):
    folder = tmp_path / "b"
    init_bundle(folder)
    template = folder / NOTE_TEMPLATE
    assert "模板" in template.read_text(encoding="utf-8")
    shutil.copy(template, folder / "notes" / "N001.md")
    assert validate_bundle(folder) == []
    assert load_bundle(folder).notes["note_id"].tolist() == ["N001"]


def test_a_non_empty_folder_is_refused_and_left_alone(tmp_path, capsys):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "访谈提纲.docx").write_bytes(b"mine")
    with pytest.raises(FolderNotEmptyError, match="不是空的.*--force"):
        init_bundle(folder)
    assert main(["init", str(folder)]) == 1
    assert "不是空的" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["访谈提纲.docx"]


def test_a_file_is_refused(tmp_path):
    target = tmp_path / "b"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(FolderNotEmptyError, match="是一个文件"):
        init_bundle(target, force=True)


def test_force_keeps_the_consultants_edits_as_a_backup(tmp_path, capsys):
    folder = tmp_path / "b"
    init_bundle(folder)
    edited = (folder / "manifest.yaml").read_text(encoding="utf-8").replace("name: 北京", "name: 北京市")
    (folder / "manifest.yaml").write_text(edited, encoding="utf-8")
    (folder / "访谈提纲.docx").write_bytes(b"mine")

    assert main(["init", str(folder), "--force"]) == 0
    assert "备份" in capsys.readouterr().out
    backups = list(folder.glob("_manifest.bak-*.yaml"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited
    assert "name: 北京市" not in (folder / "manifest.yaml").read_text(encoding="utf-8")
    assert (folder / "访谈提纲.docx").read_bytes() == b"mine"  # not the skeleton's: untouched
    assert validate_bundle(folder) == []  # the backup is not read


def test_init_twice_with_force_leaves_a_valid_bundle_and_no_needless_backup(tmp_path):
    folder = tmp_path / "b"
    first = init_bundle(folder)
    second = init_bundle(folder, force=True)
    assert second.backups == () and second.written == () and set(second.unchanged) == set(first.written)
    third = init_bundle(folder, client="河南联通", force=True)  # only the manifest changes
    assert third.written == ("manifest.yaml",) and third.backups == ()
    assert validate_bundle(folder) == []
    assert load_bundle(folder).manifest.client == "河南联通"


def test_a_chinese_folder_name_gets_an_ascii_bundle_name(tmp_path):
    folder = tmp_path / "湖南项目"
    init_bundle(folder)
    assert validate_bundle(folder) == []
    assert load_bundle(folder).manifest.bundle == "engagement"


def test_names_with_yaml_characters_are_kept_as_typed(tmp_path):
    folder = tmp_path / "b"
    init_bundle(folder, client="甲: 乙 # 丙", engagement="- 项目")
    manifest = load_bundle(folder).manifest
    assert (manifest.client, manifest.engagement) == ("甲: 乙 # 丙", "- 项目")


def test_a_new_engagement_without_answers_gets_no_report(tmp_path, capsys, monkeypatch):
    """The skeleton is valid, but a 调研报告 of zero answers would still recommend a course: validate
    says what is missing, build refuses and leaves no reports folder behind."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASEKIT_LANG", "zh")  # as a consultant reads it
    assert main(["init", "新项目", "--client", "湖南电信"]) == 0
    capsys.readouterr()
    assert main(["validate", "新项目"]) == 0
    out = capsys.readouterr().out
    assert "问卷还没有答卷" in out and "新项目/survey/" in out

    assert main(["build", "新项目", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "还没有问卷答卷" in err and "没有生成调研报告" in err and "casekit validate 新项目" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["新项目"]  # no reports/ left


def test_validate_says_nothing_of_answers_when_the_survey_has_some(capsys, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["validate", str(SAMPLE)]) == 0
    assert "问卷还没有答卷" not in capsys.readouterr().out


def test_validate_names_the_examples_a_new_engagement_still_has(tmp_path, capsys, monkeypatch):
    """The skeleton is valid, but its reports would be titled 客户名称（请修改） and cover the seed's
    regions: validate says which examples are left, and stops saying it once they are replaced."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["init", "新项目", "--client", "湖南电信"]) == 0
    capsys.readouterr()
    assert main(["validate", "新项目"]) == 0
    out = capsys.readouterr().out
    assert "客户名称（client）" not in out  # given on the command line
    assert "项目名称（engagement）还是示例" in out
    assert "样例地区相同（北京、天津、河北、山东、南宁）" in out

    manifest = tmp_path / "新项目" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("营销培训调研（请修改）", "政企客户经理能力提升调研")
    manifest.write_text(text, encoding="utf-8")
    assert main(["validate", "新项目"]) == 0
    out = capsys.readouterr().out
    assert "还是示例" not in out and "样例地区" in out  # the regions are still the seed's

    text = text.replace("id: nanning\n  name: 南宁", "id: changsha\n  name: 长沙")
    manifest.write_text(text, encoding="utf-8")
    catalogue = tmp_path / "新项目" / "catalogue"
    (catalogue / "nanning.csv").rename(catalogue / "changsha.csv")
    assert main(["validate", "新项目"]) == 0, capsys.readouterr().err
    assert "样例地区" not in capsys.readouterr().out


def test_the_sample_bundle_has_no_examples_left(capsys, monkeypatch):
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["validate", str(SAMPLE)]) == 0
    assert "注意" not in capsys.readouterr().out


def test_a_new_engagement_without_notes_or_cases_is_told_what_to_do(tmp_path, capsys, monkeypatch):
    """keywords and case list on a bundle with no notes and no cases: one sentence saying what is
    missing and how to start, not a statistics error or "no case matches" for no filter."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["init", "新项目"]) == 0
    capsys.readouterr()
    assert main(["keywords", "新项目"]) == 1
    assert "还没有访谈记录（notes/ 中没有笔记）" in capsys.readouterr().err
    assert main(["case", "list", "新项目"]) == 0
    err = capsys.readouterr().err
    assert "案例库是空的" in err and "casekit case draft 新项目 --all --save" in err
