"""The one rule for ids that are file names or keys (issue 10, finding 9): look-alikes,
invisible characters, Windows device names and ids that differ only by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.exceptions import FileIdError
from casekit.file_ids import (
    check_file_id,
    file_id_problem,
    file_id_problems,
    hidden_characters,
    is_file_id,
    name_problem,
    normalize_id,
)
from casekit.intake import validate_bundle

MINI = Path(__file__).parent / "fixtures" / "bundles" / "mini"
NOTE = (MINI / "notes" / "N001.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("value", "why"), [
    ("N0О1", r"not ASCII: U\+041E CYRILLIC CAPITAL LETTER O at position 3"),
    ("Ｎ001", r"not ASCII: U\+FF2E FULLWIDTH LATIN CAPITAL LETTER N at position 1 \(a look-alike of 'N'\)"),
    ("N001\u200b", r"invisible or control character U\+200B ZERO WIDTH SPACE at position 5"),
    ("N001\ufeff", r"U\+FEFF ZERO WIDTH NO-BREAK SPACE at position 5"),
    ("N\u2060001", r"U\+2060 WORD JOINER at position 2"),
    ("CON", r"Windows device name CON"),
    ("con", r"Windows device name CON"),
    ("Nul.md", r"Windows device name NUL"),
    ("COM1", r"Windows device name COM1"),
    ("lpt9.tar.gz", r"Windows device name LPT9"),
    ("C9.", r"'\.' at the end"),
    ("C9\n", r"U\+000A"),
])
def test_an_id_that_is_not_one_file_everywhere_is_refused(value: str, why: str) -> None:
    assert not is_file_id(value)
    with pytest.raises(FileIdError, match=rf"case id .* cannot be a file name: expected .*{why}"):
        check_file_id(value, "case id")


@pytest.mark.parametrize("value", ["C001", "N002", "COM10", "CONSOLE", "con_1", "LPT0", "a.b-c_d"])
def test_ordinary_ids_pass(value: str) -> None:
    assert file_id_problem(value) is None and check_file_id(value) == value


def test_typed_ids_are_nfkc_normalised_and_names_with_hidden_characters_are_located() -> None:
    assert normalize_id(" Ｎ００１ ") == "N001"
    assert hidden_characters("南宁\u200b") == [(3, "\u200b")]
    assert hidden_characters("南宁 市") == []  # an ordinary space is visible
    assert name_problem("南\u200d宁") == "an invisible or control character U+200D ZERO WIDTH JOINER at position 2"


def test_two_ids_that_differ_only_by_case_collide() -> None:
    problems = file_id_problems([("cases/C9.md", None, None, "C9"), ("cases/c9.md", None, None, "c9"),
                                 ("cases/C10.md", None, None, "C10")], "case id")
    assert [(p.file, p.found) for p in problems] == [("cases/c9.md", "c9")]
    assert "differs from 'C9' (cases/C9.md) by more than upper/lower case" in problems[0].expected


@pytest.mark.parametrize(("name", "why"), [
    ("N0О1", "U+041E CYRILLIC CAPITAL LETTER O at position 3"),
    ("Ｎ001", "U+FF2E FULLWIDTH LATIN CAPITAL LETTER N at position 1"),
    ("N001\u200b", "U+200B ZERO WIDTH SPACE at position 5"),
    ("CON", "Windows device name CON"),
])
def test_a_note_whose_name_is_not_a_file_id_is_a_problem(mini_copy, name: str, why: str) -> None:
    # the probe's reproducer: each note carries a matching id, and validate said OK
    root = mini_copy({f"notes/{name}.md": NOTE.replace("id: N001", f"id: {name}", 1)})
    problems = [p for p in validate_bundle(root) if p.file == f"notes/{name}.md"]
    assert len(problems) == 1, problems
    assert (problems[0].row, problems[0].column, problems[0].found) == (2, "id", name)
    assert why in problems[0].expected and "a note id that can be a file name" in problems[0].expected


def test_note_ids_that_differ_only_by_case_are_a_problem(mini_copy) -> None:
    root = mini_copy({"notes/n001.md": NOTE.replace("id: N001", "id: n001", 1)})
    problems = [p for p in validate_bundle(root) if p.file.startswith("notes/")]
    assert [(p.file, p.found) for p in problems] == [("notes/n001.md", "n001")]
    assert "differs from 'N001' (notes/N001.md) by more than upper/lower case" in problems[0].expected


def _manifest(extra_regions: str) -> str:
    text = (MINI / "manifest.yaml").read_text(encoding="utf-8")
    return text.replace("audiences:", extra_regions + "audiences:", 1)


def test_a_region_name_with_an_invisible_character_is_a_problem_at_its_position(mini_copy) -> None:
    # the probe: 南宁 and "南宁\u200b" were accepted as two regions that look identical
    root = mini_copy({"manifest.yaml": _manifest('  - {id: nanning, name: 南宁}\n'
                                                 '  - {id: nanning2, name: "南宁\\u200b"}\n')})
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    assert len(problems) == 1, problems
    assert (problems[0].column, problems[0].found) == ("name", "南宁\u200b")
    assert problems[0].expected == ("a region name without an invisible or control character "
                                    "U+200B ZERO WIDTH SPACE at position 3")


def test_region_names_equal_after_width_and_case_folding_are_one_name(mini_copy) -> None:
    root = mini_copy({"manifest.yaml": _manifest('  - {id: a_qu, name: A区}\n  - {id: a_qu2, name: Ａ区}\n')})
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    assert [(p.column, p.found) for p in problems] == [("name", "Ａ区")]
    assert "a unique region name (already used by a_qu)" in problems[0].expected


@pytest.mark.parametrize("rid", ["con", "nul", "com1", "lpt3"])
def test_a_region_id_that_names_a_windows_device_is_a_problem(mini_copy, rid: str) -> None:
    root = mini_copy({"manifest.yaml": _manifest(f"  - {{id: {rid}, name: 某地}}\n")})
    problems = [p for p in validate_bundle(root) if p.file == "manifest.yaml"]
    assert [(p.column, p.found) for p in problems] == [("id", rid)]
    assert "Windows device name" in problems[0].expected


def test_a_bundle_named_like_a_windows_device_is_a_problem(mini_copy) -> None:
    text = (MINI / "manifest.yaml").read_text(encoding="utf-8").replace("bundle: mini", "bundle: CON", 1)
    problems = [p for p in validate_bundle(mini_copy({"manifest.yaml": text})) if p.file == "manifest.yaml"]
    assert [(p.column, p.found) for p in problems] == [("bundle", "CON")]
