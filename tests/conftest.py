"""Shared fixtures: the hand-made bundles under ``tests/fixtures/bundles/``, and the sample's and
the foreign bundle's loaded tables, coded notes and drafted cases, computed once per session.

The session fixtures are read-only: a test that changes a bundle's tables or a drafted case works
on a copy (``copy.deepcopy``, ``dataclasses.replace``), never on the shared object.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from casekit.progress import Progress

# casekit speaks Chinese unless CASEKIT_LANG=en (casekit/language.py). The suite pins the English
# wording of messages, so it runs in English: set here, at import, so that every subprocess
# (`python -m casekit …`) and every kernel the tests start inherits it. tests/test_language.py
# and the tests of what a consultant reads switch to Chinese with monkeypatch; nbval's notebooks
# run in Chinese, as `make notebooks` stored them (_NotebooksInChinese below).
os.environ.setdefault("CASEKIT_LANG", "en")


class _NotebooksInChinese:
    """Runs every nbval cell with ``CASEKIT_LANG=zh``: set before the cell's setup, which starts
    the notebook's kernel (the kernel inherits it), and put back afterwards. A plugin object, not
    a ``notebooks/conftest.py``: conftest hooks only reach items below their folder, and a second
    module named ``conftest`` would shadow this one for ``from conftest import …``."""

    def __init__(self) -> None:
        self.saved: dict[str, str | None] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if item.path.suffix == ".ipynb":
            self.saved[item.nodeid] = os.environ.get("CASEKIT_LANG")
            os.environ["CASEKIT_LANG"] = "zh"

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        if item.nodeid in self.saved:
            before = self.saved.pop(item.nodeid)
            if before is None:
                os.environ.pop("CASEKIT_LANG", None)
            else:
                os.environ["CASEKIT_LANG"] = before


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("casekit-notebooks-in-chinese"):
        config.pluginmanager.register(_NotebooksInChinese(), "casekit-notebooks-in-chinese")

BUNDLES = Path(__file__).parent / "fixtures" / "bundles"
MINI = BUNDLES / "mini"
BROKEN = BUNDLES / "broken"
FOREIGN = Path(__file__).resolve().parent / "fixtures" / "bundles" / "foreign"
SAMPLE = Path(__file__).resolve().parents[1] / "research_data" / "sample"


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory):
    """Every top-level region of the sample built once, in every format this machine can make
    (PDF when a Chromium is installed): read-only, shared by the format and personal-data tests."""
    import shutil as _shutil

    from casekit.reports import build_reports
    from casekit.reports.pdf import BROWSER_NAMES

    formats = "html,pdf,docx,pptx" if any(_shutil.which(b) for b in BROWSER_NAMES) else "html,docx,pptx"
    out = tmp_path_factory.mktemp("sample-reports")
    return build_reports(SAMPLE, out=out, progress=False, formats=formats)


@pytest.fixture(scope="session")
def two_region_builds(tmp_path_factory) -> dict[str, Any]:
    """The real report notebook for Beijing and Hebei (the latter asked by name), built twice from
    scratch: with the default pool of kernels (``pooled``, one per core, at most two) and in one
    kernel (``serial``, ``jobs=1``). Read-only: shared by the build tests (what a report shows,
    rebuilding gives the same bytes) and the pool test (a pool gives the bytes of one kernel).

    Returns
    -------
    dict
        ``pooled`` and ``serial``: the builds' results; ``pooled_out`` and ``serial_out``: the
        folders given as ``out``.
    """
    from casekit.reports import build_reports

    pooled_out, serial_out = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("serial")
    return {
        "pooled": build_reports(SAMPLE, regions=["beijing", "河北"], out=pooled_out, progress=False),
        "pooled_out": pooled_out,
        "serial": build_reports(SAMPLE, regions=["beijing", "hebei"], out=serial_out, progress=False, jobs=1),
        "serial_out": serial_out,
    }


@pytest.fixture(scope="session", autouse=True)
def shared_build_cache(tmp_path_factory):
    """One cache of engagement-wide results for every build of the session (``CASEKIT_CACHE_DIR``).

    Entries are keyed by content, so builds of the same bundle into different folders share them
    (the sample's findings are computed once, not once per test build); a test of the cache itself
    sets its own folder.
    """
    import os

    folder = tmp_path_factory.mktemp("casekit-cache")
    before = os.environ.get("CASEKIT_CACHE_DIR")
    os.environ["CASEKIT_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("CASEKIT_CACHE_DIR", None)
    else:
        os.environ["CASEKIT_CACHE_DIR"] = before


@contextlib.contextmanager
def reading_each_bundle_once() -> Iterator[None]:
    """Commands run in this process read a bundle and analyse its notes once while its files stay
    as they are, not once per command.

    ``load_bundle`` hands out a fresh copy of the bundle it last read while none of its files
    changed (``remember_bundles``, the report kernel's memo), and ``analyse_notes`` of an unchanged
    bundle is computed once and handed out as the caller's own tables with the caller's own bundle
    (both computed again as soon as a file of the bundle is added, removed or written). What a
    command prints and writes is unchanged: both are reproducible from the files.
    """
    import dataclasses

    from casekit import analysis
    from casekit.analysis import notes_analysis
    from casekit.bundle_tree import tree_stamp
    from casekit.intake.bundle import remember_bundles

    real = notes_analysis.analyse_notes
    kept: dict[tuple[object, ...], Any] = {}

    def analyse_once(bundle: Any, **kwargs: Any) -> Any:
        if kwargs:  # a redactor of the caller's: computed as asked
            return real(bundle, **kwargs)
        key = tree_stamp(bundle.path)
        if key not in kept:
            if len(kept) >= 4:
                kept.clear()
            kept[key] = real(bundle)
        done = kept[key]
        return dataclasses.replace(done, segments=done.segments.copy(deep=True), coded=done.coded.copy(deep=True),
                                   bundle=bundle)

    remember_bundles(True)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(notes_analysis, "analyse_notes", analyse_once)
            mp.setattr(analysis, "analyse_notes", analyse_once)
            yield
    finally:
        remember_bundles(False)


@pytest.fixture(scope="module")
def read_each_bundle_once() -> Iterator[None]:
    """:func:`reading_each_bundle_once` for a whole module of command-line tests
    (``pytestmark = pytest.mark.usefixtures("read_each_bundle_once")``)."""
    with reading_each_bundle_once():
        yield


def region_bytes(out_dir: Path, region_ids: list[str]) -> dict[str, bytes]:
    """Every file of the given region folders, and the index page, by relative path."""
    files = {"index.html": (out_dir / "index.html").read_bytes()}
    for rid in region_ids:
        for p in sorted((out_dir / rid).rglob("*")):
            if p.is_file():
                files[p.relative_to(out_dir).as_posix()] = p.read_bytes()
    return files


def _drafted_cases(bundle: Any, analysis: Any) -> Mapping[str, Any]:
    from casekit.authoring.case_draft import draft_case

    return MappingProxyType({str(n): draft_case(bundle, str(n), analysis=analysis) for n in bundle.notes["note_id"]})


@pytest.fixture(scope="session")
def shared_sample_bundle() -> Any:
    """The sample bundle, loaded once (read-only)."""
    from casekit.intake import load_bundle

    return load_bundle(SAMPLE)


@pytest.fixture(scope="session")
def shared_sample_notes(shared_sample_bundle: Any) -> Any:
    """``analyse_notes`` of the sample bundle, computed once (read-only)."""
    from casekit.analysis import analyse_notes

    return analyse_notes(shared_sample_bundle)


@pytest.fixture(scope="session")
def shared_sample_cases(shared_sample_bundle: Any, shared_sample_notes: Any) -> Mapping[str, Any]:
    """Every sample note's drafted case (``draft_case`` with the shared analysis), by note id."""
    return _drafted_cases(shared_sample_bundle, shared_sample_notes)


@pytest.fixture(scope="session")
def shared_foreign_bundle() -> Any:
    """The hand-made foreign bundle, loaded once (read-only)."""
    from casekit.intake import load_bundle

    return load_bundle(FOREIGN)


@pytest.fixture(scope="session")
def shared_foreign_notes(shared_foreign_bundle: Any) -> Any:
    """``analyse_notes`` of the foreign bundle, computed once (read-only)."""
    from casekit.analysis import analyse_notes

    return analyse_notes(shared_foreign_bundle)


@pytest.fixture(scope="session")
def shared_foreign_cases(shared_foreign_bundle: Any, shared_foreign_notes: Any) -> Mapping[str, Any]:
    """Every foreign note's drafted case, by note id."""
    return _drafted_cases(shared_foreign_bundle, shared_foreign_notes)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Callable[..., Path]:
    """Return a function copying the valid ``mini`` bundle, with some files replaced.

    ``mini_copy({"ride_alongs.csv": "...", "notes/N003.md": None})`` writes the given texts
    (``None`` deletes the file) and returns the copy's path.
    """

    count = iter(range(1000))

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / f"bundle{next(count)}"
        shutil.copytree(MINI, root)
        for rel, content in (files or {}).items():
            target = root / rel
            if content is None:
                if target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
        return root

    return make


# Notebooks under fixtures/ are test inputs, not committed project notebooks for nbval.
collect_ignore_glob = ["fixtures/*"]


def write_page_here(folder, title, kernel):
    """``casekit.reports.build.write_page`` in this process, for tests that stand in for the kernel."""
    from casekit.reports.export import write_html

    write_html(folder / "report.ipynb", folder / "report.html", title=title)


class RecordingProgress(Progress):
    """A :class:`casekit.progress.Progress` that keeps every report it is given: (label, count, total)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int, int | None]] = []

    def update(self, task) -> None:
        self.seen.append((task.label, task.count, task.total))
