"""``casekit build --report followup``: the follow-up reports go through the research report's
machinery (kernels, keys, publishing, index) into a folder of their own, for the trained regions
only; the research reports no longer depend on the follow-up.

The builds here run a small stand-in notebook (a line of text per region), not notebooks/7.1: the report's content is tested in test_followup_report.py; this module
tests what the build does with it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from casekit.exceptions import RegionError, ReportKindError
from casekit.intake import load_bundle
from casekit.reports import build_reports
from casekit.reports.build import followup_report_regions
from casekit.reports.build_state import notebook_path_parameter, parse_formats, up_to_date
from casekit.reports.report_kinds import REPORT_KINDS, report_kind

from conftest import MINI, SAMPLE

_TRAINED = ["beijing", "tianjin", "hebei", "nanning"]  # the sample's waves.yaml: 山东 is the comparison


def _notebook(folder: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell('bundle_path = "../research_data/sample"\nregion = "hebei"',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.ipynb"
    nbformat.write(nb, path)
    return path


_FOLLOWUP_BODY = "print(region)"  # what the build does with a follow-up report, not its content
_RESEARCH_BODY = "from casekit.intake import load_bundle\nprint(load_bundle(bundle_path).manifest.name(region))"


@pytest.fixture(scope="module")
def bundle_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kinds") / "sample"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture(scope="module")
def built(bundle_copy: Path, tmp_path_factory):
    """A research build of two regions, then the follow-up build of every trained region, into one folder."""
    work = tmp_path_factory.mktemp("kinds-out")
    research_nb = _notebook(work / "nb-research", _RESEARCH_BODY)
    followup_nb = _notebook(work / "nb-followup", _FOLLOWUP_BODY)
    out = work / "reports"
    research = build_reports(bundle_copy, regions=["beijing"], out=out, progress=False,
                             notebook=research_nb)
    followup = build_reports(bundle_copy, out=out, progress=False, notebook=followup_nb, report="followup")
    return {"out": out, "research": research, "followup": followup, "research_nb": research_nb,
            "followup_nb": followup_nb}


def test_the_followup_build_makes_one_report_per_trained_region_in_its_own_folder(built):
    result = built["followup"]
    assert result.ok and result.built == _TRAINED
    folder = built["out"] / "sample" / "follow-up"
    assert result.out_dir == folder and result.index_path == folder / "index.html"
    for region in _TRAINED:
        assert (folder / region / "report.html").is_file()
    assert not (folder / "shandong").exists()  # the comparison region has no trainees: no report
    # the research reports are where they were, untouched by the second build
    assert (built["out"] / "sample" / "beijing" / "report.html").is_file()
    assert json.loads((built["out"] / "sample" / "index.json").read_text(encoding="utf-8"))["regions"][0][
        "region_id"] == "beijing"


def test_each_index_names_its_kind_of_report(built):
    followup = (built["out"] / "sample" / "follow-up" / "index.html").read_text(encoding="utf-8")
    research = (built["out"] / "sample" / "index.html").read_text(encoding="utf-8")
    assert "培训后跟踪评估报告" in followup and "区域调研报告" not in followup
    # the follow-up's own dates (the sample's wave: February 2009), not the research period
    assert "回访时间：2009-02" in followup and "调研时间" not in followup and "调研时间：2008-08" in research
    assert "培训后跟踪评估报告" not in research
    # each region's page is titled with its own kind
    page = (built["out"] / "sample" / "follow-up" / "hebei" / "report.html").read_text(encoding="utf-8")
    assert "<title>河北 · 培训后跟踪评估报告</title>" in page
    # the research index does not list the follow-up folder as a region
    assert "follow-up" not in research


def test_a_followup_edit_rebuilds_the_followup_reports_and_no_research_report(built, bundle_copy):
    out = built["out"]
    quick = {kind: up_to_date(bundle_copy, regions, out, nb, parse_formats(None),
                              {"bundle_path": notebook_path_parameter(bundle_copy.resolve())}, kind=kind)
             for kind, regions, nb in (("research", ["beijing"], built["research_nb"]),
                                       ("followup", None, built["followup_nb"]))}
    assert quick["research"] is not None and quick["followup"] is not None  # both current after their builds
    reaction = bundle_copy / "followup" / "reaction.csv"
    text = reaction.read_text(encoding="utf-8")
    try:
        reaction.write_text(text + "\n", encoding="utf-8")  # a blank line: same data, other bytes
        research = up_to_date(bundle_copy, ["beijing"], out, built["research_nb"], parse_formats(None),
                              {"bundle_path": notebook_path_parameter(bundle_copy.resolve())})
        followup = up_to_date(bundle_copy, None, out, built["followup_nb"], parse_formats(None),
                              {"bundle_path": notebook_path_parameter(bundle_copy.resolve())},
                              kind="followup")
        assert research is not None, "editing followup/ must not make the research reports stale"
        assert followup is None
        again = build_reports(bundle_copy, regions=["beijing"], out=out, progress=False,
                              notebook=built["research_nb"])
        assert again.built == [] and again.skipped == ["beijing"]
    finally:
        reaction.write_text(text, encoding="utf-8")


def test_regions_a_followup_report_cannot_be_made_for_are_refused_before_any_work():
    bundle = load_bundle(SAMPLE)
    assert followup_report_regions(bundle, None) == _TRAINED
    assert followup_report_regions(bundle, ["河北", "beijing"]) == ["hebei", "beijing"]
    with pytest.raises(RegionError, match="山东没有参训学员.*北京、天津、河北、南宁"):
        followup_report_regions(bundle, "shandong")
    with pytest.raises(RegionError, match="石家庄是河北的下属城市"):
        followup_report_regions(bundle, "shijiazhuang")
    with pytest.raises(RegionError, match="nope"):
        followup_report_regions(bundle, "nope")
    mini = load_bundle(MINI)
    assert mini.followup is None
    with pytest.raises(RegionError, match="没有培训后回访的数据"):
        followup_report_regions(mini, None)


def test_an_unknown_kind_of_report_stops_before_anything_is_read(tmp_path):
    with pytest.raises(ReportKindError, match="known kinds: research, followup"):
        build_reports(tmp_path / "no-bundle", out=tmp_path / "out", report="evaluation", progress=False)
    assert not (tmp_path / "out").exists()
    assert report_kind("follow-up") is REPORT_KINDS["followup"]


def test_the_research_reports_keys_leave_the_followup_out():
    files = {"manifest.yaml": "a", "followup/waves.yaml": "b", "followup/w1/survey/x.csv": "c", "notes/N1.md": "d"}
    assert REPORT_KINDS["research"].inputs(files) == {"manifest.yaml": "a", "notes/N1.md": "d"}
    assert REPORT_KINDS["followup"].inputs(files) == files
