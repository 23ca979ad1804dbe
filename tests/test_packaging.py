"""An installed casekit: the wheel carries what it needs, and works from any folder (issue 17).

The wheel is built from a copy of the sources (nothing is written into the checkout) and
installed into a fresh virtual environment outside the checkout. To keep the suite fast and
offline, that environment borrows the test environment's third-party packages through a ``.pth``
line instead of downloading them again; casekit itself comes only from the wheel (the test
checks it). Then, in a folder of its own, ``casekit init``, ``casekit validate`` and
``casekit demo`` run as a consultant would run them after ``pip install casekit-….whl``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT_NOTEBOOKS = ("5.0-region-report.ipynb", "7.1-follow-up-report.ipynb")


def _env() -> dict[str, str]:
    """The environment of a consultant's shell: no PYTHONPATH or CASEKIT_ROOT leading to the checkout,
    and casekit's own language (Chinese), not the suite's English."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "CASEKIT_ROOT", "PYTHONHOME", "CASEKIT_LANG")}


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds, from a copy of what the source distribution holds."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "constraints.txt"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "casekit", src / "casekit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (src / "notebooks").mkdir()
    for name in REPORT_NOTEBOOKS:
        shutil.copy2(ROOT / "notebooks" / name, src / "notebooks" / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          str(src), "-w", str(dist)], cwd=src)
    (built,) = dist.glob("casekit-*.whl")
    return built


def test_the_wheel_carries_the_report_notebooks_templates_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in REPORT_NOTEBOOKS:  # the very notebooks nbval checks, not a second copy that could drift
        member = f"casekit/reports/notebooks/{name}"
        assert member in names, f"{member} is not in the wheel"
        assert zipfile.ZipFile(wheel).read(member) == (ROOT / "notebooks" / name).read_bytes()
    for member in ("casekit/reports/templates/casekit_index.html.j2", "casekit/reports/templates/casekit_report/conf.json",
                   "casekit/curriculum/outlines.yaml", "casekit/analysis/competency.yaml",
                   "casekit/analysis/stopwords_zh.txt", "casekit/py.typed"):
        assert member in names, f"{member} is not in the wheel"
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "casekit = casekit.cli:main" in entry_points
    assert not any(n.startswith(("tests/", "notebooks/", "research_data/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed; its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=venv).stdout.strip())
    # third-party packages from the test environment (a plain path: its .pth files, among them
    # the editable casekit's, are not run)
    (site / "_casekit_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # and the data files pip puts beside them (nbconvert's HTML templates, the kernel spec) in
    # <prefix>/share/jupyter, where Jupyter looks for them
    (venv / "share").mkdir(exist_ok=True)
    (venv / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter", target_is_directory=True)
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
          str(wheel)], cwd=venv)
    return python.parent


def test_casekit_comes_from_the_wheel_not_the_checkout(installed, tmp_path):
    where = _run([str(installed / "python"), "-c",
                  "import casekit, casekit.paths as p; print(casekit.__file__); print(p.REPORT_NOTEBOOK)"],
                 cwd=tmp_path).stdout.splitlines()
    package, notebook = (Path(line) for line in where)
    assert ROOT not in package.parents and ROOT not in notebook.parents, where
    assert notebook.name == "5.0-region-report.ipynb" and notebook.parent.name == "notebooks"
    assert notebook.is_file()


def test_init_validate_and_demo_work_from_any_folder(installed, tmp_path):
    work = tmp_path / "我的项目"
    work.mkdir()
    casekit = str(installed / "casekit")

    init = _run([casekit, "init", "新项目", "--client", "某省移动"], cwd=work)
    assert "调研资料包已建立" in init.stdout
    assert (work / "新项目" / "manifest.yaml").is_file()
    _run([casekit, "validate", "新项目"], cwd=work)  # the new engagement's skeleton validates (exit 0)

    demo = _run([casekit, "demo", "--quiet"], cwd=work, timeout=900)
    assert "已生成样例资料包" in demo.stdout
    for name in ("北京", "天津", "河北", "山东", "南宁"):  # regions by their names, not their ids
        assert f"已生成  {name}" in demo.stdout
    assert "beijing" not in demo.stdout
    assert (work / "research_data" / "sample" / "manifest.yaml").is_file()
    reports = work / "reports" / "sample"
    manifest_regions = ("beijing", "tianjin", "hebei", "shandong", "nanning")
    for region in manifest_regions:
        html = (reports / region / "report.html").read_text(encoding="utf-8")
        assert "区域调研报告" in html
        for local in (str(tmp_path), str(installed.parent), "site-packages"):
            assert local not in html, f"{region}/report.html names {local}"
        params = json.loads((reports / region / "report.ipynb").read_text(encoding="utf-8"))["metadata"]["papermill"]
        assert params["parameters"] == {"bundle_path": "sample", "region": region}
    assert (reports / "index.html").is_file()
    assert (reports / "follow-up" / "index.html").is_file()  # the sample has a follow-up wave
    assert list((reports / "follow-up").glob("*/report.html"))

    # run again: the sample is kept as it is and nothing is rebuilt
    before = {p: p.stat().st_mtime_ns for p in reports.glob("*/report.html")}
    again = _run([casekit, "demo", "--quiet"], cwd=work, timeout=900)
    assert "使用已有的样例资料包" in again.stdout
    assert "报告都是最新的" in again.stdout or "已是最新" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in reports.glob("*/report.html")} == before
