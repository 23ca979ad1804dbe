"""The competency model: package defaults, rescaling, and a bundle's competency.yaml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import BUNDLES, MINI

from casekit.domain import POPULATION_DIMENSIONS
from casekit.exceptions import BundleValidationError
from casekit.intake import load_bundle, validate_bundle
from casekit.intake.competency import DEFAULTS_PATH, default_competency
from casekit.intake.schemas import COMPETENCY

FOREIGN = BUNDLES / "foreign"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _row(table, population, dimension):
    hit = table.loc[(table["population"] == population) & (table["dimension"] == dimension)]
    assert len(hit) == 1, (population, dimension)
    return hit.iloc[0]


def _line(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_defaults_cover_every_population_dimension_with_a_chinese_basis():
    defaults = default_competency()
    assert DEFAULTS_PATH.parent.name == "analysis" and DEFAULTS_PATH.is_file()
    assert list(defaults.columns) == COMPETENCY.names
    pairs = [(p, d) for p, dims in POPULATION_DIMENSIONS.items() for d in dims]
    assert list(zip(defaults["population"], defaults["dimension"])) == pairs
    assert defaults["required"].between(1, 5).all()
    assert (defaults["source"] == "default").all()
    assert all(CJK.search(b) for b in defaults["basis"])
    # the seed's named weaknesses are core skills: required at least as high as the rest
    am = defaults.loc[defaults["population"] == "account_manager"].set_index("dimension")["required"]
    assert am[["product", "industry", "sales"]].min() >= am.max() - 1e-9


def test_bundle_without_competency_file_uses_the_defaults():
    bundle = load_bundle(MINI)
    defaults = default_competency()
    assert list(bundle.competency.columns) == COMPETENCY.names
    assert bundle.competency["required"].tolist() == defaults["required"].tolist()
    assert (bundle.competency["source"] == "default").all()


def test_defaults_rescale_to_the_populations_score_range():
    bundle = load_bundle(FOREIGN)  # account managers answer 1–6, support engineers 0–10
    defaults = default_competency().set_index(["population", "dimension"])["required"]
    comp = bundle.competency
    se = comp.loc[comp["population"] == "support_engineer"]
    assert (se["scale_min"] == 0).all() and (se["scale_max"] == 10).all()
    am = comp.loc[comp["population"] == "account_manager"]
    assert (am["scale_min"] == 1).all() and (am["scale_max"] == 6).all()
    for row in comp.itertuples():
        relative = (row.required - row.scale_min) / (row.scale_max - row.scale_min)
        assert relative == pytest.approx((defaults[(row.population, row.dimension)] - 1) / 4)
    # 0–10: a level above the middle of 1–5 is above the middle of 0–10 too
    assert _row(comp, "support_engineer", "communication").required > 5
    # the foreign codebook asks sales managers nothing: their levels stay on 1–5
    sm = comp.loc[comp["population"] == "sales_manager"]
    assert (sm["scale_max"] == 5).all()


def test_bundle_file_overrides_levels_by_id_or_label(mini_copy):
    root = mini_copy({"competency.yaml": (
        "客户经理:\n"
        "  行业: 4.5\n"
        "  sales: {required: 3, basis: 本项目客户要求先抓产品和行业}\n"
        "support_engineer:\n"
        "  沟通维度: 5\n"
    )})
    assert validate_bundle(root) == []
    comp = load_bundle(root).competency
    defaults = default_competency()
    industry = _row(comp, "account_manager", "industry")
    assert industry.required == 4.5 and industry.source == "bundle"
    sales = _row(comp, "account_manager", "sales")
    assert sales.required == 3 and sales.basis == "本项目客户要求先抓产品和行业"
    assert _row(comp, "support_engineer", "communication").required == 5
    untouched = _row(comp, "account_manager", "product")
    assert untouched.source == "default"
    assert untouched.required == _row(defaults, "account_manager", "product").required


def test_override_changes_person_gaps(mini_copy):
    from casekit.analysis.gaps import person_gaps

    before = person_gaps(load_bundle(MINI), "account_manager")
    after = person_gaps(load_bundle(mini_copy({"competency.yaml": "account_manager: {product: 2}\n"})),
                        "account_manager")
    product = after["dimension"] == "product"
    assert (after.loc[product, "required"] == 2).all()
    assert (after.loc[product, "gap"] > before.loc[product, "gap"]).all()
    assert after.loc[~product, "gap"].equals(before.loc[~product, "gap"])


def test_invalid_file_reports_every_problem_with_its_line(mini_copy):
    text = (
        "# 本项目的要求\n"
        "account_manager:\n"
        "  product: 4.5\n"
        "  行业: 很高\n"          # not a number
        "  market: 4\n"           # a dimension, but not of account managers
        "  情商: 4\n"             # no such dimension
        "  sales: 7\n"            # above the 1–5 range
        "实习生:\n"               # no such population
        "  product: 3\n"
        "sales_manager:\n"
        "  strategy: 0.5\n"       # below the range
    )
    root = mini_copy({"competency.yaml": text})
    problems = [p for p in validate_bundle(root) if p.file == "competency.yaml"]
    got = {(p.row, p.column) for p in problems}
    assert got == {
        (_line(text, "行业: 很高"), "行业"),
        (_line(text, "market: 4"), "market"),
        (_line(text, "情商"), "情商"),
        (_line(text, "sales: 7"), "sales"),
        (_line(text, "实习生"), "实习生"),
        (_line(text, "strategy: 0.5"), "strategy"),
    }
    found = {p.column: p.found for p in problems}
    assert found["行业"] == "很高" and found["sales"] == "7"
    assert "1–5" in next(p.expected for p in problems if p.column == "sales")
    with pytest.raises(BundleValidationError) as err:
        load_bundle(root)
    assert len([p for p in err.value.problems if p.file == "competency.yaml"]) == 6


def test_levels_are_checked_against_the_bundles_own_range(tmp_path: Path, mini_copy):
    override = "客户经理:\n  product: 5.5\n"
    foreign = tmp_path / "foreign"
    shutil.copytree(FOREIGN, foreign)
    (foreign / "competency.yaml").write_text(override, encoding="utf-8")
    assert validate_bundle(foreign) == []  # 5.5 is on the foreign bundle's 1–6 scale
    assert _row(load_bundle(foreign).competency, "account_manager", "product").required == 5.5
    problems = validate_bundle(mini_copy({"competency.yaml": override}))  # mini: 1–5
    assert [(p.file, p.row, p.column) for p in problems] == [("competency.yaml", 2, "product")]


def test_duplicates_and_bad_shapes_are_problems(mini_copy):
    text = "account_manager:\n  industry: 4\n  行业: 4.5\nsupport_engineer: 4\n"
    problems = validate_bundle(mini_copy({"competency.yaml": text}))
    assert {(p.row, p.column) for p in problems} == {(3, "行业"), (4, "support_engineer")}
    assert validate_bundle(mini_copy({"competency.yaml": "- 4\n"}))[0].file == "competency.yaml"


def test_empty_file_keeps_the_defaults(mini_copy):
    root = mini_copy({"competency.yaml": "# 暂不调整\n"})
    assert validate_bundle(root) == []
    assert (load_bundle(root).competency["source"] == "default").all()
