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


# -- gaps to the competency model, working week -----------------------------------------------------


@pytest.fixture
def gaps() -> pd.DataFrame:
    """A region_gaps-shaped table: every population, one suppressed cell, one without data."""
    rows = []
    for population, dimensions in POPULATION_DIMENSIONS.items():
        for i, dimension in enumerate(dimensions):
            n = {("sales_manager", "leadership"): 3, ("support_engineer", "market"): 0}.get((population, dimension), 12)
            small = n < 5
            gap = np.nan if small else -1.5 + 0.3 * i
            rows.append({
                "population": population, "dimension": dimension,
                "dimension_label": DIMENSIONS[dimension].label, "n": n,
                "mean": np.nan if small else 4.0 + gap, "required": 4.0, "gap": gap,
                "ci_low": gap - 0.25, "ci_high": gap + 0.25,
                "others_gap": np.nan if small else -1.0, "suppressed": small,
            })
    return pd.DataFrame(rows)


def test_gap_figure_has_one_panel_per_population_with_chinese_labels(gaps):
    from casekit.reports import gap_figure

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would raise
        fig = gap_figure(gaps, "河北")
        _png(fig)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [POPULATIONS[p].label for p in POPULATION_DIMENSIONS]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        DIMENSIONS[d].label for d in POPULATION_DIMENSIONS["account_manager"]
    ]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["河北", "其他地区"]
    assert "河北" in fig.get_suptitle() and "目标水平" in fig.get_suptitle()
    assert any(0.0 in line.get_xdata() for line in fig.axes[0].get_lines())  # the required level
    assert "\u22121.50" in [t.get_text() for t in fig.axes[0].texts]  # house minus sign


def test_gap_figure_shows_no_value_for_a_small_group(gaps):
    from casekit.reports import gap_figure

    fig = gap_figure(gaps, "河北")
    support, managers = fig.axes[1], fig.axes[2]
    assert "无数据" in [t.get_text() for t in support.texts]
    texts = [t.get_text() for t in managers.texts]
    assert "n<5" in texts and len(texts) == len(POPULATION_DIMENSIONS["sales_manager"])
    assert all("nan" not in t for ax in fig.axes for t in (x.get_text() for x in ax.texts))
    # the hidden dimension (the last one, drawn at the bottom) has a bar of width 0
    bars = [p for p in managers.patches if hasattr(p, "get_width")]
    assert min(bars, key=lambda p: p.get_y()).get_width() == 0


def test_gap_figure_is_deterministic_and_rejects_other_tables(gaps):
    from casekit.reports import gap_figure

    assert _png(gap_figure(gaps, "河北")) == _png(gap_figure(gaps, "河北"))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['gap'\].*region_gaps"):
        gap_figure(gaps.drop(columns="gap"), "河北")


@pytest.fixture
def week() -> pd.DataFrame:
    nan = np.nan
    return pd.DataFrame({
        "group": ["tianjin", "all", "shijiazhuang"], "group_name": ["天津", "全部地区", "石家庄"],
        "n_people": [7, 45, 3], "minutes_on_site": [51.0, 62.0, nan], "minutes_travel": [74.0, 44.0, nan],
        "hours_on_site": [4.33, 10.05, nan], "hours_travel": [6.6, 6.67, nan], "hours_office": [29.07, 23.28, nan],
        "suppressed": [False, False, True], "note": ["", "", "不足5人"],
    })


def test_time_allocation_figure_stacks_the_week_with_chinese_labels(week):
    from casekit.reports import time_allocation_figure

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = time_allocation_figure(week)
        png = _png(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["天津", "全部地区", "石家庄"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["客户处", "路上", "办公室及其他"]
    texts = [t.get_text() for t in ax.texts]
    assert {"4.3", "6.6", "29.1", "10.1"} <= set(texts)
    assert texts.count("n<5") == 1 and not any("nan" in t for t in texts)
    assert ax.get_xlabel() == "每周小时"
    assert png == _png(time_allocation_figure(week))


def test_time_allocation_figure_without_the_weekly_question_shows_minutes_per_visit(week):
    from casekit.reports import time_allocation_figure

    fig = time_allocation_figure(week.drop(columns=["hours_on_site", "hours_travel", "hours_office"]))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["客户处", "路上"]
    assert fig.axes[0].get_xlabel() == "每次拜访分钟"
    with pytest.raises(ValueError, match="time_allocation"):
        time_allocation_figure(week.iloc[:0])


HOSTILE = "$\\foo{$ 北京"  # matplotlib would read $…$ as mathematics and stop on \foo


def test_a_name_with_dollars_is_drawn_as_written_in_every_chart(comparison, gaps, week):
    from casekit.reports import gap_figure, time_allocation_figure
    from casekit.reports.charts import segment_profile_figure

    figures = [
        dimension_comparison_figure(comparison, region_name=HOSTILE),
        gap_figure(gaps, HOSTILE),
        time_allocation_figure(week.assign(group_name=[HOSTILE, "全部地区", "石家庄"])),
        segment_profile_figure(pd.DataFrame({"segment": [1, 2], "label": ["提问占说话时间比例"] * 2, "z": [1.0, -1.0]}),
                               {1: HOSTILE, 2: "提问少"}, top=1),
    ]
    for fig in figures:
        _png(fig)  # drawn, not a parse error
        shown = [fig._suptitle.get_text() if fig._suptitle else ""]
        for ax in fig.axes:
            shown += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
            legend = ax.get_legend()
            shown += [t.get_text() for t in legend.get_texts()] if legend else []
        shown += [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        assert any("北京" in text for text in shown)
        # the dollar is escaped wherever the name is drawn: drawn as itself, never as mathematics
        assert all("\\$" in text for text in shown if "北京" in text)


# -- the fixed layout: nothing clipped, nothing overlapping, no layout engine ---------------------

LONG_LABEL = "客户关系深度经营与高层拜访策略规划能力强"  # 20 characters


@pytest.fixture(scope="module")
def sample_tables(shared_sample_bundle, shared_sample_notes) -> dict[str, dict]:
    """The chart tables of a few sample regions: full data (河北, 南宁), a city with many groups
    under five (石家庄) and one with all of them (承德)."""
    from casekit.reports import region_report

    hebei = region_report(shared_sample_bundle, "hebei", notes=shared_sample_notes)
    reports = {"hebei": hebei}
    for region in ("nanning", "shijiazhuang", "chengde"):
        reports[region] = region_report(shared_sample_bundle, region, segments=hebei.segments,
                                        notes=shared_sample_notes)
    return {r: {"name": rep.region_name, "comparison": rep.comparison, "gaps": rep.gaps, "time": rep.time_use}
            for r, rep in reports.items()}


def _long_labels(comparison: pd.DataFrame, gaps: pd.DataFrame, week: pd.DataFrame):
    """The tables with every other dimension (and a group) named by a 20-character label, and
    gaps reaching both ends of the axis."""
    every_other = np.arange(len(comparison)) % 2 == 0
    comparison = comparison.assign(dimension_label=np.where(every_other, LONG_LABEL, comparison["dimension_label"]))
    wide = gaps.assign(dimension_label=np.where(np.arange(len(gaps)) % 2 == 0, LONG_LABEL, gaps["dimension_label"]))
    spread = np.linspace(-2.6, 1.6, len(wide))
    wide = wide.assign(gap=spread, ci_low=spread - 0.4, ci_high=spread + 0.4, mean=4.0 + spread)
    week = week.assign(group_name=[LONG_LABEL, "全部地区（包括所有城市的客户经理）", "石家庄"])
    return comparison, wide, week


def _charts(sample_tables, comparison, gaps, week):
    from casekit.reports import gap_figure, time_allocation_figure

    figures = {}
    for region, t in sample_tables.items():
        figures[f"{region}-dimension"] = dimension_comparison_figure(t["comparison"], region_name=t["name"])
        figures[f"{region}-gap"] = gap_figure(t["gaps"], t["name"])
        figures[f"{region}-time"] = time_allocation_figure(t["time"])
    long_comparison, long_gaps, long_week = _long_labels(comparison, gaps, week)
    figures["long-dimension"] = dimension_comparison_figure(long_comparison, region_name="张家口")
    figures["long-gap"] = gap_figure(long_gaps, "张家口")
    figures["long-time"] = time_allocation_figure(long_week)
    figures["one-population-gap"] = gap_figure(sample_tables["hebei"]["gaps"], "河北", populations=["sales_manager"])
    per_visit = week.drop(columns=["hours_on_site", "hours_travel", "hours_office"])
    figures["minutes-time"] = time_allocation_figure(per_visit)
    return figures


def _drawn_texts(fig: Figure):
    """Every text drawn when the figure is saved as a notebook shows it, with its extent in pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    drawn = []
    draw_text = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        drawn.append(mtext)
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record
    canvas.draw()
    assert all(t is not None for t in drawn)
    return [(t, t.get_window_extent(renderer)) for t in drawn]


def test_the_charts_have_no_layout_engine(comparison, gaps, week, sample_tables):
    """The charts are laid out by a fixed rule when built, not by a layout engine at every save."""
    for name, fig in _charts(sample_tables, comparison, gaps, week).items():
        assert fig.get_layout_engine() is None, name


def test_no_text_of_a_chart_reaches_past_its_edges_or_into_another(comparison, gaps, week, sample_tables):
    """Titles, tick labels, values, notes and legends lie inside the picture and apart from each
    other: the long dimension names on the left, the values beside the bars, the legend below."""
    for name, fig in _charts(sample_tables, comparison, gaps, week).items():
        texts = _drawn_texts(fig)
        width, height = fig.bbox.width, fig.bbox.height
        for text, box in texts:
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height, (name, text.get_text(), box)
        for i, (first, a) in enumerate(texts):
            for second, b in texts[i + 1:]:
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
                assert min(overlap) <= 0.5, (name, first.get_text(), second.get_text())


def test_tick_labels_and_titles_stay_outside_the_panels(comparison, gaps, week, sample_tables):
    """The y tick labels (dimension names) sit left of their panel, the x tick labels below it and
    the panel title above it; nothing drawn for one panel (or for the whole figure: suptitle,
    legend below) reaches into another panel's plotting area."""
    for name, fig in _charts(sample_tables, comparison, gaps, week).items():
        texts = _drawn_texts(fig)
        owner = {}
        for ax in fig.axes:
            legend = ax.get_legend()
            owner.update({id(t): ax for t in (legend.get_texts() if legend else [])})
        for ax in fig.axes:
            area = ax.bbox
            for tick, box in ((t, b) for t, b in texts if t in ax.get_yticklabels()):
                assert box.x1 <= area.x0 + 0.5, (name, tick.get_text())
            for tick, box in ((t, b) for t, b in texts if t in ax.get_xticklabels()):
                assert box.y1 <= area.y0 + 0.5, (name, tick.get_text())
            if ax.get_title(loc="left"):  # a panel of a population
                title = [b for t, b in texts if t.get_text() == ax.get_title(loc="left") and t.axes is ax]
                assert len(title) == 1 and title[0].y0 >= area.y1 - 0.5, name
        for text, box in texts:
            parent = owner.get(id(text), text.axes)
            for ax in fig.axes:
                if ax is not parent:
                    area = ax.bbox
                    overlap = min(area.x1, box.x1) - max(area.x0, box.x0), min(area.y1, box.y1) - max(area.y0, box.y0)
                    assert min(overlap) <= 0.5, (name, text.get_text())
