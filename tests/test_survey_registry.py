"""casekit.surveys.registry: one reader protocol, one registry, the platform list in one place."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import MINI

from casekit.exceptions import SurveyFileError, SurveyReaderError
from casekit.intake.codebook import read_codebook
from casekit.surveys import (
    PLATFORMS,
    TABLE_SUFFIXES,
    Reader,
    SurveyReader,
    platform_ids,
    read_export,
    reader_for,
    readers,
    register_reader,
    unregister_reader,
)
from casekit.surveys import plain
from casekit.surveys.registry import BUILTIN_MODULES

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
BUILT_IN = ("wjx", "tencent", "qualtrics", "limesurvey", "spss", "plain")
#: One reference export per platform (the fixtures' folders are named after the platform).
FIXTURES = sorted(p for p in EXPORTS.glob("*/*") if p.suffix in (".csv", ".xlsx", ".sav", ".zip"))


def test_every_platform_is_registered_once_by_its_module():
    assert platform_ids() == BUILT_IN == tuple(PLATFORMS) == BUILTIN_MODULES
    assert [r.id for r in readers()] == list(BUILT_IN)
    for reader in readers():
        assert isinstance(reader, SurveyReader)
        module = sys.modules[f"casekit.surveys.{reader.id}"]
        assert module.READER is reader  # the module's one line
    assert {r.id: r.label for r in readers()}["tencent"] == "腾讯问卷"


def test_platform_list_needs_no_pandas():
    """Naming the platforms (``casekit --help``, argparse choices) imports no reader and no pandas."""
    code = ("import sys; from casekit.surveys import PLATFORMS; "
            "print(list(PLATFORMS), 'wjx' in PLATFORMS, 'pandas' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert run.stdout.split("]")[1].split() == ["True", "False"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reader_for_a_file_by_suffix_or_sniff(path):
    assert reader_for(path).id == path.parent.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_reader_is_called_the_same_way(path):
    """SPSS included: ``read(path, grid=None)`` through the protocol gives what read_export gives."""
    reader = reader_for(path.parent.name)
    got = reader.read(path, grid=None)
    assert got.platform == reader.id
    pd.testing.assert_frame_equal(got.tidy(include_meta=True), read_export(path).tidy(include_meta=True))


def test_reader_for_a_name(tmp_path):
    assert reader_for("spss").suffixes == (".sav",)
    with pytest.raises(SurveyReaderError, match=r"survey platform 'spps': expected one of wjx, tencent, qualtrics, "
                                                r"limesurvey, spss, plain"):
        reader_for("spps")
    blank = tmp_path / "blank.csv"
    blank.write_text("a,b\n1,2\n", encoding="utf-8")
    assert reader_for(blank).id == "plain"  # a table no reader recognises: the lowest priority


def test_unknown_platform_in_read_export_lists_the_registry():
    with pytest.raises(SurveyFileError, match=r"a platform among wjx, tencent, qualtrics, limesurvey, spss, plain, "
                                              r"found 'fake'"):
        read_export(EXPORTS / "spss" / "reference.sav", platform="fake")


# -- a reader registered from outside ----------------------------------------------------------------
MARK = "FAKE-EXPORT"


def _fake_read(path: Path, *, grid=None):
    return dataclasses.replace(plain.read(path, grid=grid), platform="fake")


@pytest.fixture
def fake() -> Iterator[SurveyReader]:
    reader = register_reader(Reader("fake", "测试平台", _fake_read, lambda grid: grid.rows[0][:1] == [MARK]))
    yield reader
    unregister_reader("fake")


def test_fake_reader_is_in_the_platform_list(fake):
    assert platform_ids() == (*BUILT_IN, "fake")
    assert "fake" in PLATFORMS and list(PLATFORMS)[-1] == "fake"
    assert readers()[-1] is fake


def test_fake_reader_is_detected_by_sniff_before_plain(fake, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"{MARK},Q1\n1,是\n", encoding="utf-8")
    assert reader_for(path) is fake
    assert read_export(path).platform == "fake"
    assert reader_for(EXPORTS / "wjx" / "reference_text.xlsx").id == "wjx"  # higher priority still first


def test_fake_platform_is_accepted_in_a_codebook(fake, mini_copy):
    codebook = "platform: fake\n" + (MINI / "codebook.yaml").read_text(encoding="utf-8")
    codebook_, problems = read_codebook(mini_copy({"codebook.yaml": codebook}))
    assert codebook_ is not None and codebook_.platform == "fake"
    assert not [p for p in problems if p.column == "platform"]


def test_unregistered_platform_is_a_codebook_problem_naming_the_registered_ones(fake, mini_copy):
    codebook = "platform: fake2\n" + (MINI / "codebook.yaml").read_text(encoding="utf-8")
    _, problems = read_codebook(mini_copy({"codebook.yaml": codebook}))
    (problem,) = [p for p in problems if p.column == "platform"]
    assert problem.expected.startswith("one of wjx, tencent, qualtrics, limesurvey, spss, plain, fake, auto")


def test_fake_platform_is_a_cli_choice(fake, capsys):
    from casekit.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["survey", "--help"])
    assert exit_.value.code == 0
    assert "{wjx,tencent,qualtrics,limesurvey,spss,plain,fake}" in capsys.readouterr().out


def test_unregistered_reader_leaves_the_list():
    register_reader(Reader("gone", "临时", _fake_read))
    unregister_reader("gone")
    assert platform_ids() == BUILT_IN
    with pytest.raises(SurveyReaderError, match="survey platform 'gone': expected one of"):
        unregister_reader("gone")


@pytest.mark.parametrize(("reader", "message"), [
    (Reader("wjx", "问卷星", _fake_read), r"survey reader 'wjx': expected a new id, found it registered already"),
    (Reader("sav2", "SPSS 2", _fake_read, suffixes=(".sav",)),
     r"survey reader 'sav2': expected a file type no other reader reads, found \.sav read by 'spss'"),
    (Reader("Fake X", "x", _fake_read), r"survey reader id 'Fake X': expected a lower-case ASCII name"),
    (Reader("auto", "自动", _fake_read), r"survey reader id 'auto': expected .* other than auto"),
    (Reader("nolabel", " ", _fake_read), r"survey reader 'nolabel': expected a label, found ' '"),
    (Reader("upper", "x", _fake_read, suffixes=(".CSV",)), r"expected file types such as '\.csv' \(lower case\)"),
    (object(), r"expected a SurveyReader, found no id, label, suffixes, priority, sniff, read"),
])
def test_bad_readers_are_refused(reader, message):
    with pytest.raises(SurveyReaderError, match=message):
        register_reader(reader)
    assert platform_ids() == BUILT_IN


def test_table_suffixes_are_read_by_every_table_reader():
    assert all(set(TABLE_SUFFIXES) <= set(r.suffixes) for r in readers() if r.id != "spss")
    assert reader_for("tencent").suffixes[-1] == ".zip"
