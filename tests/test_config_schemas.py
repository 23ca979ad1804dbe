"""Configuration files by schema (casekit.intake.config): unknown keys are problems with line and suggestion."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from casekit.curriculum import OutlineError, load_outlines
from casekit.curriculum.outlines import default_outlines_path
from casekit.exceptions import BundleValidationError, SurveyFileError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.code_frame import read_code_frame
from casekit.intake.codebook import read_codebook
from casekit.intake.competency import read_competency
from casekit.intake.config import Each, Schema, load_config
from casekit.intake.manifest import read_manifest
from casekit.intake.questionnaire import read_questionnaire
from tests.conftest import MINI


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _only(problems, column):
    found = [p for p in problems if p.column == column]
    assert len(found) == 1, [(p.column, p.row, p.found) for p in problems]
    return found[0]


# -- the loader ------------------------------------------------------------------------------


class _City(Schema):
    id: object = None
    name: object = None


class _Region(_City):
    cities: Each[_City] | None = None


class _Top(Schema):
    regions: Each[_Region] | None = None


def test_every_unknown_key_at_once_with_line_key_path_and_suggestion():
    text = "regions:\n  - id: a\n    nmae: 甲\n    cities:\n      - {id: b, naem: 乙, colour: red}\nzzz: 1\n"
    loaded = load_config(text, "f.yaml", _Top)
    got = [(p.row, p.column, p.found) for p in loaded.problems]
    assert got == [
        (3, "regions[0].nmae", "unknown key 'nmae' (did you mean 'name'?)"),
        (5, "regions[0].cities[0].naem", "unknown key 'naem' (did you mean 'name'?)"),
        (5, "regions[0].cities[0].colour", "unknown key 'colour'"),
        (6, "zzz", "unknown key 'zzz'"),
    ]
    assert loaded.problems[0].expected == "one of the keys id, name, cities"
    assert loaded.problems[1].expected == "one of the keys id, name"
    assert loaded.data["regions"][0]["nmae"] == "甲"  # the reader still sees everything


def test_a_value_of_the_wrong_shape_is_left_to_the_reader():
    assert load_config("regions: 3\n", "f.yaml", _Top).problems == []
    assert load_config("regions: [3, {id: a}]\n", "f.yaml", _Top).problems == []
    assert load_config("- a\n", "f.yaml", _Top).problems == []


def test_the_loader_keeps_the_strict_yaml_rules():
    loaded = load_config("regions: []\nregions: []\n", "f.yaml", _Top)
    assert loaded.data is None
    assert [(p.row, p.expected) for p in loaded.problems] == [(2, "each key once in a mapping")]


def test_an_alias_bomb_is_refused_within_bounded_memory(tmp_path: Path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
        from casekit.intake.config import load_config
        from casekit.curriculum.outlines import OutlinesSchema
        loaded = load_config({laughs!r}, "bomb.yaml", OutlinesSchema)
        assert loaded.data is None, loaded.data
        print(loaded.problems[0])
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parent.parent)
    assert run.returncode == 0, run.stderr
    assert "bomb.yaml" in run.stdout and "alias" in run.stdout.lower()


# -- each file kind --------------------------------------------------------------------------


def test_manifest_unknown_keys(mini_copy):
    text = (MINI / "manifest.yaml").read_text(encoding="utf-8")
    text = text.replace("    name: 北京", "    nmae: 北京").replace("budgets:", "citys: 2\nbudgets:")
    text = text.replace("{days: 2.5}", "{dayz: 2.5}")
    root = mini_copy({"manifest.yaml": text})
    _, problems = read_manifest(root)
    nmae = _only(problems, "regions[0].nmae")
    assert (nmae.file, nmae.row) == ("manifest.yaml", _line(text, "nmae"))
    assert nmae.found == "unknown key 'nmae' (did you mean 'name'?)"
    assert _only(problems, "citys").row == _line(text, "citys")
    assert _only(problems, "audiences.support_engineer.dayz").found.endswith("(did you mean 'days'?)")
    with pytest.raises(BundleValidationError,
                       match=r"manifest.yaml, row 7, column 'regions\[0\].nmae': expected one of the keys "
                             r"id, name, client, cities, found \"unknown key 'nmae' \(did you mean 'name'\?\)\""):
        load_bundle(root)


def test_codebook_unknown_keys(mini_copy):
    text = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    text = text.replace("  region: 所在地区", "  regoin: 所在地区").replace(
        "    dimension: product", "    dimesion: product", 1).replace("missing:", "mising: []\nmissing:")
    root = mini_copy({"codebook.yaml": text})
    _, problems = read_codebook(root)
    assert _only(problems, "columns.regoin").found == "unknown key 'regoin' (did you mean 'region'?)"
    dim = _only(problems, "items[0].dimesion")
    assert dim.row == _line(text, "dimesion") and dim.found.endswith("(did you mean 'dimension'?)")
    assert _only(problems, "mising").found == "unknown key 'mising' (did you mean 'missing'?)"
    assert any(p.column == "region" for p in validate_bundle(root))  # and the column is still missing


def test_competency_unknown_keys(mini_copy):
    text = "account_manager:\n  product: {required: 3.5, basis: 本项目, requried: 4}\n"
    root = mini_copy({"competency.yaml": text})
    codebook, _ = read_codebook(root)
    _, problems = read_competency(root, codebook)
    typo = _only(problems, "account_manager.product.requried")
    assert typo.row == 2 and typo.found == "unknown key 'requried' (did you mean 'required'?)"


def test_code_frame_unknown_keys(mini_copy):
    text = ("groups: {local: 本地}\ncodes:\n  - id: price\n    label: 价格\n    group: local\n"
            "    rules:\n      - any: [价格]\n        windw: 3\n  - id: x\n    lable: 叉\n    group: local\n")
    root = mini_copy({"code_frame.yaml": text})
    _, problems = read_code_frame(root)
    assert _only(problems, "codes[price].rules[0].windw").found == "unknown key 'windw' (did you mean 'window'?)"
    lable = _only(problems, "codes[x].lable")
    assert lable.row == 10 and lable.found == "unknown key 'lable' (did you mean 'label'?)"


def test_questionnaire_unknown_keys(tmp_path: Path):
    path = tmp_path / "cb.yaml"
    path.write_text(
        "columns: {respondent_id: 编号}\n"
        "scales:\n  agree: {labels: {不同意: 1, 同意: 2}, lables: {}}\n"
        "items:\n  - {id: a1, column: x, dimension: D, scale: agree}\n"
        "background:\n  - {id: age, column: 年龄, tpye: category}\n",
        encoding="utf-8")
    with pytest.raises(SurveyFileError) as info:
        read_questionnaire(path)
    found = {(p.row, p.column, p.found) for p in info.value.problems}
    assert found == {(3, "scales.agree.lables", "unknown key 'lables' (did you mean 'labels'?)"),
                     (7, "background[0].tpye", "unknown key 'tpye' (did you mean 'type'?)")}


def test_outlines_unknown_keys(tmp_path: Path):
    data = yaml.safe_load(default_outlines_path().read_text(encoding="utf-8"))
    data["outlines"][1]["titel"] = "x"
    population = data["outlines"][1]["population"]
    data["outlines"][0]["parts"][0]["modules"][0]["chapter"] = ["y"]
    path = tmp_path / "outlines.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(OutlineError, match=rf"outlines.yaml, line \d+: outline '{population}', key 'titel': "
                                           r"expected one of the keys population, title, parts, "
                                           r"found unknown key 'titel' \(did you mean 'title'\?\)") as info:
        load_outlines(path)
    module_id = data["outlines"][0]["parts"][0]["modules"][0]["id"]
    chapter = _only(info.value.problems, f"module {module_id!r}, key 'chapter'")
    assert chapter.row == _line(path.read_text(encoding="utf-8"), "chapter:")
    assert chapter.found == "unknown key 'chapter' (did you mean 'chapters'?)"
