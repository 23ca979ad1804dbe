"""Region-vs-all-regions dimension charts."""

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from casekit.domain import DIMENSIONS, POPULATION_DIMENSIONS, POPULATIONS
from casekit.reports import dimension_comparison_figure


@pytest.fixture
def comparison() -> pd.DataFrame:
    """A small table shaped like casekit.analysis.compare_region's, one suppressed cell."""
    rows = []
    for population, dimensions in POPULATION_DIMENSIONS.items():
        for i, dimension in enumerate(dimensions):
            n = 3 if (population, dimension) == ("sales_manager", "leadership") else 12
            small = n < 5
            rows.append(
                {
                    "population": population,
                    "dimension": dimension,
                    "dimension_label": DIMENSIONS[dimension].label,
                    "n": n,
                    "mean": np.nan if small else 2.6 + 0.2 * i,
                    "others_mean": np.nan if small else 3.0,
                    "all_mean": np.nan if small else 2.9 + 0.1 * i,
                    "suppressed": small,
                }
            )
    return pd.DataFrame(rows)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_one_panel_per_population_with_chinese_labels(comparison):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would raise
        fig = dimension_comparison_figure(comparison, region_name="北京")
        _png(fig)
    assert isinstance(fig, Figure)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [POPULATIONS[p].label for p in POPULATION_DIMENSIONS]
    first = fig.axes[0]
    assert [t.get_text() for t in first.get_yticklabels()] == [
        DIMENSIONS[d].label for d in POPULATION_DIMENSIONS["account_manager"]
    ]
    assert [t.get_text() for t in first.get_legend().get_texts()] == ["北京", "全部地区"]
    assert "北京" in fig.get_suptitle()


def test_suppressed_cell_shows_no_score(comparison):
    fig = dimension_comparison_figure(comparison, region_name="北京")
    texts = [t.get_text() for t in fig.axes[2].texts]
    assert "n<5" in texts
    assert all(not t.startswith("nan") for ax in fig.axes for t in (x.get_text() for x in ax.texts))


def test_chart_is_deterministic(comparison):
    first = _png(dimension_comparison_figure(comparison, region_name="北京"))
    second = _png(dimension_comparison_figure(comparison, region_name="北京"))
    assert first == second


def test_populations_argument_selects_and_orders(comparison):
    fig = dimension_comparison_figure(
        comparison, region_name="北京", populations=["sales_manager", "account_manager"]
    )
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["销售管理人员", "政企客户经理"]


def test_wrong_table_is_rejected(comparison):
    with pytest.raises(ValueError, match=r"missing column\(s\) \['all_mean'\].*compare_region"):
        dimension_comparison_figure(comparison.drop(columns="all_mean"), region_name="北京")


def test_segment_profile_shows_the_most_distinctive_features_in_chinese():
    from casekit.reports.charts import segment_profile_figure

    profile = pd.DataFrame({
        "segment": [1, 1, 1, 2, 2, 2],
        "label": ["提问占说话时间比例", "产品能力自评", "每周拜访次数"] * 2,
        "z": [1.5, -0.2, 0.01, -1.5, 0.2, -0.01],
    })
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would raise
        fig = segment_profile_figure(profile, {1: "提问多", 2: "提问少"}, top=2)
        png = _png(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["提问占说话时间比例", "产品能力自评"]
    assert "提问多" in ax.get_xticklabels()[0].get_text()
    assert {t.get_text() for t in ax.texts} == {"+1.5", "\u22121.5", "\u22120.2", "+0.2"}
    assert png == _png(segment_profile_figure(profile, {1: "提问多", 2: "提问少"}, top=2))


def test_segment_profile_refuses_to_draw_no_segments():
    from casekit.reports.charts import segment_profile_figure

    with pytest.raises(ValueError, match="no clear segments"):
        segment_profile_figure(pd.DataFrame(columns=["segment", "label", "z"]), {})
