"""``casekit init FOLDER --from-export EXPORT``: a new bundle started from real questionnaire exports.

casekit/intake/skeleton.py (``init_bundle(exports=…)``) and casekit/intake/export_codebook.py.
What a consultant notices: the export sits in ``survey/`` exactly as downloaded, ``casekit
validate`` right after lists only the choices left (one line each, in codebook.yaml, naming what
to choose) or nothing, choosing them gives a valid bundle, and an export that cannot be used
leaves nothing behind.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from casekit.cli import main
from casekit.exceptions import SurveyFileError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.skeleton import FolderNotEmptyError, init_bundle, regions_from_names

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
SAMPLE_EXPORT = ROOT / "research_data" / "sample" / "survey" / "responses.csv"

#: The reference questionnaire (docs/survey-exports.md) as exported by each platform, by text.
REFERENCE = {
    "wjx/reference_text.xlsx": "wjx",
    "wjx/reference_text_gb18030.csv": "wjx",
    "tencent/reference.zip": "tencent",
    "qualtrics/choice_text.csv": "qualtrics",
    "limesurvey/full_headings_full_answers.csv": "limesurvey",
}

# 问卷星 按文本, UTF-8 with a BOM: questions naming their dimension, places the seed does not know
NAMED_HEADER = ("序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的岗位,2、您所在的地市,"
                "3、产品知识—我能说清主推产品的资费和套餐,3、产品知识—我能完整演示主推产品的功能,"
                "4、【销售】拜访时我先问客户的需求,5、沟通能力：客户愿意和我谈经营中的难处,6、上季度业绩完成率（%）")
NAMED_ROWS = (
    "政企客户经理,长沙,比较符合,非常符合,经常,比较符合,85",
    "客户经理,长沙市,一般,不太符合,有时,一般,92.5",
    "政企客户经理,株洲,非常不符合,一般,总是,非常符合,60",
    "政企客户经理,湘潭,非常符合,比较符合,从不,不太符合,",
    "政企客户经理,湘潭,不太符合,比较符合,很少,非常不符合,70",
)


def named_export(path: Path, first: int = 1) -> Path:
    """A 问卷星 download whose questions name their dimensions (序号 from ``first``)."""
    lines = [NAMED_HEADER] + [f"{first + i},2024/3/5 10:1{i}:33,95秒,微信,N/A,1.2.3.{i}(湖南-长沙),{row}"
                              for i, row in enumerate(NAMED_ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the reference questionnaire on every platform ---------------------------------------------


@pytest.mark.parametrize("rel", list(REFERENCE))
def test_validate_lists_only_the_dimensions_to_choose(tmp_path, capsys, rel):
    export = EXPORTS / rel
    folder = tmp_path / "hunan"
    assert main(["init", str(folder), "--from-export", str(export)]) == 0
    out = capsys.readouterr().out
    assert "codebook.yaml 中还有 3 处须您选择" in out

    # the export as downloaded, and no template table beside it
    assert (folder / "survey" / export.name).read_bytes() == export.read_bytes()
    assert sorted(p.name for p in (folder / "survey").iterdir()) == [export.name]
    codebook = yaml.safe_load((folder / "codebook.yaml").read_text(encoding="utf-8"))
    assert codebook["platform"] == REFERENCE[rel]
    assert [i["id"] for i in codebook["items"]] == ["Q3_1", "Q3_2", "Q3_3"]

    # everyone answered Q3_1 and Q3_3, so no dimension fits; Q3_2 (no sales manager answered it)
    # may be 产品 or 沟通; nothing else is a problem (no unmapped column, no region, no 360° item)
    problems = validate_bundle(folder)
    lines = (folder / "codebook.yaml").read_text(encoding="utf-8").splitlines()
    assert [(p.file, p.column, p.found) for p in problems] == [("codebook.yaml", "dimension", "TODO")] * 3
    for p in problems:
        assert lines[p.row - 1].lstrip().startswith("dimension: TODO   # TODO ")
    assert "a dimension of 政企客户经理、支撑人员 (产品、沟通, or its English id)" == problems[1].expected
    for p in (problems[0], problems[2]):
        assert "政企客户经理、支撑人员、销售管理人员 share none" in p.expected
    assert "请选择政企客户经理、支撑人员的能力维度：产品、沟通" in lines[problems[1].row - 1]


def test_questions_naming_their_dimensions_give_a_valid_bundle(tmp_path, capsys):
    export = named_export(tmp_path / "问卷星导出.csv")
    folder = tmp_path / "b"
    assert main(["init", str(folder), "--from-export", str(export)]) == 0
    assert "须您选择" not in capsys.readouterr().out
    assert validate_bundle(folder) == []
    bundle = load_bundle(folder)
    items = bundle.items.set_index("item_id")
    assert items["dimension"].to_dict() == {"Q3_1": "product", "Q3_2": "product", "Q4": "sales",
                                            "Q5": "communication"}
    assert set(items["populations"]) == {("account_manager",)}
    assert len(bundle.respondents) == 5 and bundle.codebook.role_column("performance") == "Q6"
    # the manifest's regions are the places the export names (长沙市 is 长沙), ids to rename
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))
    assert [(r["id"], r["name"]) for r in manifest["regions"]] == [
        ("region_1", "长沙"), ("region_2", "株洲"), ("region_3", "湘潭")]
    assert "budgets" not in manifest
    assert sorted(p.name for p in (folder / "catalogue").iterdir()) == ["region_1.csv", "region_2.csv",
                                                                       "region_3.csv"]
    assert "region_1" in (folder / "README.md").read_text(encoding="utf-8")


def test_choosing_the_listed_dimensions_makes_the_bundle_valid(tmp_path):
    """The sample's export: 43 items, each asked of one population; every TODO lists the choices."""
    folder = tmp_path / "b"
    done = init_bundle(folder, exports=[SAMPLE_EXPORT])
    assert done.draft is not None and done.draft.n_items == 43 and len(done.draft.decisions) == 43
    problems = validate_bundle(folder)
    assert [p.row for p in problems] == [d.line for d in done.draft.decisions]
    assert {(p.column, p.found) for p in problems} == {("dimension", "TODO")}

    text = (folder / "codebook.yaml").read_text(encoding="utf-8")
    # choose the first dimension each TODO offers, as a consultant would type it
    chosen = re.sub(r"dimension: TODO   # TODO 请选择[^：]*的能力维度：([^、（\n]+)[^\n]*", r"dimension: \1", text)
    assert "TODO 请选择" not in chosen
    (folder / "codebook.yaml").write_text(chosen, encoding="utf-8")
    assert validate_bundle(folder) == []
    bundle = load_bundle(folder)
    assert len(bundle.respondents) == 160
    # the staff code column, not the response number, so ride-alongs and 360° reviews join
    assert bundle.codebook.columns["respondent_id"] == "答卷编号"
    assert {q.id for q in bundle.codebook.background} >= {"上季度业绩完成率", "平均每周客户拜访次数"}
    assert bundle.codebook.role_column("weekly_visits") == "平均每周客户拜访次数"


def test_the_readme_says_what_was_drafted_and_what_to_check(tmp_path):
    export = EXPORTS / "wjx" / "reference_text.xlsx"
    init_bundle(tmp_path / "b", exports=[export])
    readme = (tmp_path / "b" / "README.md").read_text(encoding="utf-8")
    assert "## 从问卷导出文件起草了什么" in readme and "## 接下来" in readme
    for text in ("survey/reference_text.xlsx", "问卷星", "答卷 4 份", "「序号」", "「2、您所在的地市」",
                 "量表题 3 道", "3 道的能力维度须您选择", "还有 3 处须您选择", "请勿修改", "casekit validate"):
        assert text in readme, text
    assert "survey/responses.csv" not in readme


def test_regions_keep_the_seeds_ids_and_provinces_and_number_the_others():
    regions, comment = regions_from_names(["保定市", "北京", "长沙", "长沙市", "唐山"], "2、您所在的地市")
    assert regions == (("beijing", "北京", ()), ("hebei", "河北", (("baoding", "保定"), ("tangshan", "唐山"))),
                       ("region_1", "长沙", ()))
    assert "「2、您所在的地市」列的 5 个地名" in comment and "region_1" in comment
    assert regions_from_names([]) is None
    assert regions_from_names([f"地点{i}" for i in range(101)]) is None  # free text, not places


def test_several_downloads_of_one_questionnaire(tmp_path):
    first = named_export(tmp_path / "长沙.csv")
    second = named_export(tmp_path / "株洲.csv", first=6)
    folder = tmp_path / "b"
    done = init_bundle(folder, exports=[first, second])
    assert sorted(p.name for p in (folder / "survey").iterdir()) == ["株洲.csv", "长沙.csv"]
    assert done.draft is not None and done.draft.n_responses == 10
    assert validate_bundle(folder) == []
    assert len(load_bundle(folder).respondents) == 10


@pytest.mark.parametrize("given", ["*.csv", "."])
def test_a_pattern_or_a_folder_gives_its_exports(tmp_path, given):
    """PowerShell passes 导出\\*.csv as typed: casekit expands it, and takes a folder's exports."""
    downloads = tmp_path / "下载"
    downloads.mkdir()
    named_export(downloads / "长沙.csv")
    named_export(downloads / "株洲.csv", first=6)
    (downloads / "说明.txt").write_text("不是导出文件", encoding="utf-8")
    done = init_bundle(tmp_path / "b", exports=[str(downloads / given)])
    assert sorted(p.name for p in (tmp_path / "b" / "survey").iterdir()) == ["株洲.csv", "长沙.csv"]
    assert done.draft is not None and done.draft.n_responses == 10


def test_a_folder_holding_only_the_export_needs_no_force(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    export = shutil.copy(EXPORTS / "wjx" / "reference_text.xlsx", folder / "问卷星导出.xlsx")
    init_bundle(folder, exports=[export])
    assert (folder / "survey" / "问卷星导出.xlsx").read_bytes() == Path(export).read_bytes()
    assert Path(export).is_file()  # the consultant's own copy is left where it was


# -- what cannot be used leaves nothing behind --------------------------------------------------


def _bomb(path: Path) -> Path:
    from tests.test_limits import write_workbook

    return write_workbook(path, "A1:XFD1048576", "XFD1048576")


HOSTILE = {
    "not a workbook": (lambda d: (d / "问卷星导出.xlsx").write_bytes(b"PK\x03\x04 not really a zip") and d / "问卷星导出.xlsx",
                       "问卷星导出.xlsx", "a readable .xlsx workbook"),
    "not a survey": (lambda d: shutil.copy(ROOT / "research_data" / "sample" / "ride_alongs.csv", d),
                     "ride_alongs.csv", "含量表题"),
    "a sheet declaring a million rows": (lambda d: _bomb(d / "问卷星导出.xlsx"), "问卷星导出.xlsx",
                                         "1,048,576 rows × 16,384 columns"),
    "option codes for the population": (lambda d: shutil.copy(EXPORTS / "wjx" / "reference_codes.xlsx", d),
                                        "reference_codes.xlsx", "按文本下载的答卷"),
    "not an export": (lambda d: shutil.copy(ROOT / "docs" / "init.md", d), "init.md", "问卷平台下载的导出文件"),
    "no such file": (lambda d: d / "问卷星导出.xlsx", "问卷星导出.xlsx", "没有这样的文件"),
    "a pattern matching nothing": (lambda d: d / "*.xlsx", "*.xlsx", "没有这样的文件"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_an_export_that_cannot_be_used_is_a_clear_error_and_writes_nothing(tmp_path, capsys, case):
    make, name, says = HOSTILE[case]
    source = tmp_path / "from"
    source.mkdir()
    export = Path(make(source))
    folder = tmp_path / "b"
    assert main(["init", str(folder), "--from-export", str(export)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("casekit init: ") and name in err and says in err, err
    assert not folder.exists()

    existing = tmp_path / "existing"
    init_bundle(existing)
    before = tree(existing)
    with pytest.raises(SurveyFileError):
        init_bundle(existing, exports=[export], force=True)
    assert tree(existing) == before


def test_downloads_of_different_questionnaires_are_refused(tmp_path):
    with pytest.raises(SurveyFileError) as caught:
        init_bundle(tmp_path / "b", exports=[EXPORTS / "wjx" / "reference_text.xlsx",
                                             EXPORTS / "tencent" / "reference.csv",
                                             named_export(tmp_path / "其他问卷.csv")])
    assert [p.file for p in caught.value.problems] == ["reference.csv", "其他问卷.csv"]
    assert "同一平台（问卷星）" in caught.value.problems[0].expected
    assert "相同的列" in caught.value.problems[1].expected
    assert not (tmp_path / "b").exists()


# -- never overwriting (docs/init.md) ------------------------------------------------------------


def test_force_rules_hold_and_the_template_table_does_not_stay_beside_the_export(tmp_path, capsys):
    folder = tmp_path / "b"
    init_bundle(folder)
    with (folder / "catalogue" / "beijing.csv").open("a", encoding="utf-8") as fh:
        fh.write("商务领航,business_navigator,,,,,,\n")  # the consultant's own row
    export = EXPORTS / "wjx" / "reference_text.xlsx"
    with pytest.raises(FolderNotEmptyError):
        init_bundle(folder, exports=[export])

    assert main(["init", str(folder), "--force", "--from-export", str(export)]) == 0
    out = capsys.readouterr().out
    assert "已删除上次生成、未改动过的 survey/responses.csv" in out
    assert not (folder / "survey" / "responses.csv").exists()
    # the edited catalogue of a region no longer in the manifest is kept aside, not lost
    kept = list((folder / "catalogue").glob("_beijing.bak-*.csv"))
    assert len(kept) == 1 and "商务领航" in kept[0].read_text(encoding="utf-8") and f"备份为 {kept[0]}" in out
    assert sorted(p.name for p in (folder / "catalogue").glob("[!_]*")) == ["hebei.csv"]
    assert [(p.file, p.column) for p in validate_bundle(folder)] == [("codebook.yaml", "dimension")] * 3

    # the consultant chooses a dimension; a second --force keeps that choice as a backup
    text = (folder / "codebook.yaml").read_text(encoding="utf-8")
    (folder / "codebook.yaml").write_text(text.replace("dimension: TODO   # TODO 请选择", "dimension: 产品   # "),
                                          encoding="utf-8")
    again = init_bundle(folder, exports=[export], force=True)
    assert [b.name.split(".bak-")[0] for b in again.backups] == ["_codebook"]
    assert "dimension: 产品" in again.backups[0].read_text(encoding="utf-8")
    assert again.removed == () and "survey/reference_text.xlsx" in again.unchanged
    third = init_bundle(folder, exports=[export], force=True)
    assert third.written == () and third.backups == ()


def test_a_write_failing_halfway_leaves_no_half_bundle(tmp_path, monkeypatch):
    import casekit.intake.skeleton as skeleton
    from casekit.exceptions import OutputError

    real, calls = skeleton.save_editable, []

    def failing(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise OutputError(path, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(skeleton, "save_editable", failing)
    with pytest.raises(OutputError):
        init_bundle(tmp_path / "b", exports=[EXPORTS / "wjx" / "reference_text.xlsx"])
    assert len(calls) == 3 and not (tmp_path / "b").exists()


def test_a_column_deleted_from_the_export_says_what_happened_and_what_to_do(tmp_path, capsys, monkeypatch):
    """The consultant deletes a column in Excel after init: validate says the export lacks it and
    how to mend it, instead of '应为 … 的表头；它有 序号、…，实际为「<the same header>」'."""
    export = named_export(tmp_path / "问卷星导出.csv")
    folder = tmp_path / "b"
    assert main(["init", str(folder), "--from-export", str(export)]) == 0
    stored = folder / "survey" / export.name
    rows = [line.split(",") for line in stored.read_text(encoding="utf-8-sig").splitlines()]
    performance = next(i for i, header in enumerate(rows[0]) if "业绩" in header)
    stored.write_text("\n".join(",".join(r[:performance] + r[performance + 1:]) for r in rows) + "\n",
                      encoding="utf-8-sig")
    capsys.readouterr()
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "业绩" in line)
    assert "导出中没有这一列" in line and "是否在 Excel 里删过它" in line and line.endswith("实际为（空）")
