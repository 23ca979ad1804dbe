"""``casekit build --workers N``: a Dask ``LocalCluster`` renders the regions (issue 15).

Found by ``benchmarks/bench_national_build.py``: ``DaskRenderer.run`` failed before rendering
anything (``client.run(..., wait=False)`` with a plain function; ``as_completed`` without a
default client). One region of the sample with the tiny probe notebook and one worker, so the
test costs a cluster start and one kernel.
"""

from pathlib import Path

import pytest

from casekit.paths import SAMPLE_BUNDLE
from casekit.reports import build_reports

pytest.importorskip("distributed")

PROBE = Path(__file__).parent / "fixtures" / "notebooks" / "region-probe.ipynb"

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)


def test_local_dask_cluster_builds_and_publishes_a_region(tmp_path):
    result = build_reports(SAMPLE_BUNDLE, regions=["tianjin"], out=tmp_path, progress=False,
                           notebook=PROBE, workers=1)
    assert result.ok, result.failed
    assert result.backend == "dask"
    assert result.built == ["tianjin"]
    page = (result.out_dir / "tianjin" / "report.html").read_text(encoding="utf-8")
    assert "tianjin 地区报告" in page
