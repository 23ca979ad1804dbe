"""codebook.yaml: items, scales, reverse keys, 360° items; problems point at the YAML line."""

from __future__ import annotations

from conftest import MINI

from casekit.intake import Codebook, load_bundle, validate_bundle


def test_items_resolve_labels_to_ids():
    b = load_bundle(MINI)
    assert isinstance(b.codebook, Codebook)
    items = b.items.set_index("item_id")
    assert items.at["am_customer_1", "dimension"] == "customer"          # from 客户
    assert items.at["am_customer_1", "populations"] == ("account_manager",)  # from 客户经理
    assert bool(items.at["am_sales_1", "reverse"]) is True
    assert (items.at["am_sales_1", "scale_min"], items.at["am_sales_1", "scale_max"]) == (1.0, 5.0)
    assert b.review_items["item_id"].tolist() == ["r360_leadership_1", "r360_strategy_1"]


def test_empty_cell_is_always_a_missing_marker():
    assert load_bundle(MINI).codebook.missing[0] == ""


def _codebook_problems(mini_copy, old, new):
    text = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    assert old in text
    root = mini_copy({"codebook.yaml": text.replace(old, new)})
    return [p for p in validate_bundle(root) if p.file == "codebook.yaml"]


def test_unknown_scale_and_wrong_population_dimension(mini_copy):
    problems = _codebook_problems(mini_copy, "    dimension: strategy\n    populations: [sales_manager]\n"
                                             "    scale: agree5",
                                  "    dimension: strategy\n    populations: [account_manager]\n"
                                  "    scale: agree7")
    found = {(p.row, p.column) for p in problems}
    assert found == {(40, "dimension"), (42, "scale")}
    assert any("a research dimension of account_manager" in p.expected for p in problems)


def test_duplicate_item_id_and_column(mini_copy):
    problems = _codebook_problems(mini_copy, "  - id: am_customer_1\n    column: 拜访前我会先了解客户的组织结构和决策人",
                                  "  - id: am_product_1\n    column: 我能说清本地区主推转型产品的资费和套餐")
    assert {(p.column, p.found) for p in problems} == {("id", "am_product_1")}


def test_reverse_must_be_boolean(mini_copy):
    problems = _codebook_problems(mini_copy, "reverse: true", "reverse: 是")
    assert [(p.row, p.column, p.found) for p in problems] == [(32, "reverse", "是")]


def test_items_of_one_population_must_share_a_score_range(mini_copy):
    """Dimension means are ranked within a population: 1–5 and 0–10 items cannot be mixed."""
    text = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "scales:\n  agree5:\n",
        "scales:\n  score11:\n    labels: {'0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, "
        "'8': 8, '9': 9, '10': 10}\n  agree5:\n",
    )
    lines = text.splitlines(keepends=True)
    second = [i for i, line in enumerate(lines) if "scale: agree5" in line][1]
    lines[second] = lines[second].replace("agree5", "score11")
    root = mini_copy({"codebook.yaml": "".join(lines)})
    problems = [p for p in validate_bundle(root) if p.file == "codebook.yaml"]
    assert len(problems) == 1
    p = problems[0]
    assert p.row == second + 1 and p.column == "scale"
    assert p.expected.startswith("one score range for all items asked of 政企客户经理 (item ")
    assert p.expected.endswith("uses scale agree5: 1–5)")
    assert p.found == "score11: 0–10"


def test_background_role_names_the_question_the_analysis_uses(mini_copy):
    text = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    root = mini_copy({"codebook.yaml": text.replace("    type: number\n", "    type: number\n    role: 业绩\n")})
    b = load_bundle(root)
    assert b.codebook.role_column("performance") == "target_attainment"
    assert b.codebook.role_column("weekly_visits") is None


def test_background_role_must_be_known_unique_and_numeric(mini_copy):
    problems = _codebook_problems(
        mini_copy, "    type: category\n  - id: target_attainment\n    column: 上季度业绩完成率（%）\n    type: number\n",
        "    type: category\n    role: performance\n  - id: target_attainment\n    column: 上季度业绩完成率（%）\n"
        "    type: number\n    role: 心情\n")
    found = {(p.column, p.found) for p in problems}
    assert found == {("type", "category"), ("role", "心情")}
    assert any("number (role performance" in p.expected for p in problems)


def test_an_item_with_an_unknown_dimension_is_one_problem_naming_its_populations_dimensions(mini_copy):
    """The item's column is not reported as unmapped too, and the problem lists what to choose."""
    text = (MINI / "codebook.yaml").read_text(encoding="utf-8")
    root = mini_copy({"codebook.yaml": text.replace("    dimension: product\n", "    dimension: TODO\n", 1)})
    problems = validate_bundle(root)
    assert [(p.file, p.row, p.column, p.found) for p in problems] == [("codebook.yaml", 19, "dimension", "TODO")]
    assert problems[0].expected == "a dimension of 政企客户经理 (产品、行业、销售、管理、时间、客户、沟通, or its English id)"


def test_populations_sharing_no_dimension_are_told_to_be_fewer(mini_copy):
    problems = _codebook_problems(mini_copy, "    dimension: product\n    populations: [account_manager]\n",
                                  "    dimension: TODO\n    populations: [account_manager, sales_manager]\n")
    assert [(p.row, p.column) for p in problems] == [(19, "dimension")]
    assert "政企客户经理、销售管理人员 share none: give fewer populations, or list the column under ignore:" \
        in problems[0].expected
