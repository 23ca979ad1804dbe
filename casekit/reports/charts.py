"""Charts for the region report, labelled in Simplified Chinese.

Every function builds a :class:`matplotlib.figure.Figure` directly (not through ``pyplot``), so
charts never pile up in pyplot's figure registry, and a notebook shows a chart exactly once: as
the cell's value or through ``display(fig)``. Given the same data, a chart is drawn the same way
every time (fixed size, resolution, order and colours; no randomness). The region report's charts
are laid out when built, by a fixed rule measured from their own text (:func:`_lay_out`), not by a
layout engine that would draw the whole figure an extra time at every save.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.transforms import ScaledTranslation

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

from casekit.domain import DIMENSIONS, MIN_CELL_SIZE, POPULATIONS
from casekit.formatting import (
    days,
    rounded_diff,
    score,
    signed,
    small_cell,
)
from casekit.privacy.disclosure import gap_hidden, is_suppressed, mean_hidden
from casekit.reports.fonts import ensure_cjk_font
from casekit.language import tr

__all__ = ["ALL_COLOUR", "OTHERS_COLOUR", "REGION_COLOUR", "TIME_COLOURS", "chart_text", "dimension_comparison_figure",
           "gap_figure", "plot_dimension_comparison", "plot_gaps", "segment_profile_figure",
           "time_allocation_figure"]

#: Bar colours: the region in a strong blue, the all-regions benchmark in grey.
REGION_COLOUR = "#1f5fa8"
ALL_COLOUR = "#b0b7c0"

_REQUIRED = ("population", "dimension", "n", "mean", "all_mean")


def chart_text(value: object) -> str:
    """Bundle text (a region's or a type's name) as matplotlib should draw it: literally.

    Matplotlib reads ``$…$`` in any title, label or legend entry as mathematics, and a name such
    as ``$\\foo{$`` stops the whole figure with a parse error; an escaped dollar is drawn as
    itself. Characters no format can show are dropped (:func:`casekit.reports.document.plain_text`).
    """
    from casekit.reports.document import plain_text

    return plain_text(value).replace("$", r"\$")


def _check_columns(comparison: pd.DataFrame) -> None:
    missing = [c for c in _REQUIRED if c not in comparison.columns]
    if missing:
        raise ValueError(tr(
            f"比较表缺少 {'、'.join(missing)} 列；应为 casekit.analysis.compare_region 返回的表，"
            f"实际的列为 {'、'.join(map(str, comparison.columns))}",
            f"comparison is missing column(s) {missing}; expected the table returned by "
            f"casekit.analysis.compare_region, found columns {list(comparison.columns)}"
        ))


def _dimension_label(row: pd.Series) -> str:
    label = row.get("dimension_label")
    if isinstance(label, str) and label:
        return label
    term = DIMENSIONS.get(row["dimension"])
    return term.label if term is not None else str(row["dimension"])


def _style_axes(ax: Axes, population: str | None = None) -> None:
    """The house style of a horizontal-bar panel: light vertical grid, no top/right spines, and
    the population's Chinese name as the panel title."""
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if population is not None:
        term = POPULATIONS.get(population)
        # an explicit y: the title stays at the panel's top (no ticks there to clear) instead of
        # being placed anew, from the axes' measured extent, at every draw
        ax.set_title(term.label if term is not None else population, loc="left", fontsize=_PANEL_TITLE_SIZE,
                     y=1.0)


def _populations_in_order(present: Sequence[str], requested: Sequence[str] | None) -> list[str]:
    """``requested`` (default: :data:`~casekit.domain.POPULATIONS` order, unknown ones last)
    restricted to the populations ``present`` in the table."""
    if requested is None:
        requested = [p for p in POPULATIONS if p in present] + [p for p in present if p not in POPULATIONS]
    return [p for p in requested if p in present]


def _stacked_axes(fig: Figure, counts: Sequence[int]) -> list[Axes]:
    """One panel per population, top to bottom; :func:`_lay_out` places them once drawn into."""
    return [fig.add_axes((0.1, 0.1, 0.8, 0.8)) for _ in counts]


# -- fixed layout -------------------------------------------------------------------------------
#
# The charts place their panels by a fixed rule computed from their own text instead of a layout
# engine: constrained layout draws the whole figure once more before every save (and measures
# every text of it) only to find margins that a few string measurements give. Distances are in
# inches; matplotlib's own spacing (tick length and pad, title pad, label pad) is read from
# rcParams, so the rule follows the style the axes are drawn with.

#: Font size of a panel's title (the population's name), in points.
_PANEL_TITLE_SIZE = 12
#: Blank space at the figure's edges, in points.
_EDGE = 4.0
#: Blank space between the suptitle and the first panel's title, in points.
_BELOW_SUPTITLE = 4.0
#: Blank space between a panel's x tick labels and the next panel's title, in points.
_BETWEEN_PANELS = 10.0
#: Blank space between the x-axis label and a legend below it, in points.
_ABOVE_LEGEND = 4.0
#: Offset of a note drawn above the first panel (:func:`gap_figure`'s "目标水平"), in points.
_NOTE_OFFSET = 2.0


#: The rcParams that choose the default font and how it is rasterised: part of the key of
#: :func:`_font_metrics`' cache, so text is measured anew after a change of font.
_FONT_PARAMS = ("font.family", "font.sans-serif", "font.serif", "font.monospace", "font.cursive",
                "font.fantasy", "font.style", "font.variant", "font.weight", "font.stretch", "text.hinting")


@lru_cache(maxsize=4096)
def _font_metrics(text: str, size: float, dpi: float,
                  fonts: tuple[object, ...]) -> tuple[float, float, float]:
    """Width, ascent and descent in pixels of one line of ``text`` in the default font, as the Agg
    renderer measures it (``fonts``: the values of :data:`_FONT_PARAMS`, only a cache key)."""
    from matplotlib.backends.backend_agg import RendererAgg

    prop = FontProperties(size=size)
    # a line is as tall as matplotlib.text.Text makes it: at least the font's typographic ascent
    # and descent, whatever its characters
    font = get_font(findfont(prop))
    table = font.get_sfnt_table("OS/2")
    keys = ("sTypoAscender", "sTypoDescender")
    if table is None:
        table, keys = font.get_sfnt_table("hhea"), ("ascent", "descent")
    if table is not None:
        scale = size * dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
        min_ascent, min_descent = table[keys[0]] * scale, -table[keys[1]] * scale
    else:  # pragma: no cover - every usable font has one of the tables
        min_ascent = min_descent = 0.0
    if not text:
        return 0.0, min_ascent, min_descent
    width, height, descent = RendererAgg(1, 1, dpi).get_text_width_height_descent(text, prop, ismath=False)
    return width, max(height - descent, min_ascent), max(descent, min_descent)


def _text_size(text: str, size: float, dpi: float) -> tuple[float, float, float]:
    """Width, ascent and descent in inches of one line of ``text`` at ``size`` points as it is
    drawn at ``dpi``: a ``\\$`` of :func:`chart_text` is one dollar sign, everything else literal."""
    fonts = tuple(tuple(v) if isinstance(v, list) else v for v in (mpl.rcParams[k] for k in _FONT_PARAMS))
    width, ascent, descent = _font_metrics(text.replace(r"\$", "$"), float(size), float(dpi), fonts)
    return width / dpi, ascent / dpi, descent / dpi


def _height(text: str, size: float, dpi: float) -> float:
    """Height in inches of one line of ``text`` (:func:`_text_size`)."""
    _, ascent, descent = _text_size(text, size, dpi)
    return ascent + descent


def _points(name: str) -> float:
    """An rcParams length (points) in inches."""
    return float(mpl.rcParams[name]) / 72


def _font_size(name: str) -> float:
    """An rcParams font size (e.g. ``"medium"``) in points."""
    return FontProperties(size=mpl.rcParams[name]).get_size_in_points()


def _tick_texts(axis: Axis) -> list[str]:
    """The major tick labels ``axis`` will draw: its locator's ticks inside the view, formatted."""
    low, high = sorted(axis.get_view_interval())
    tolerance = (high - low) * 1e-10
    locations = [v for v in axis.get_majorticklocs() if low - tolerance <= v <= high + tolerance]
    return [str(t) for t in axis.get_major_formatter().format_ticks(locations)]


def _lay_out(
    fig: Figure,
    axes: Sequence[Axes],
    weights: Sequence[float],
    *,
    title: str,
    title_size: float,
    legend: tuple[list[Artist], list[str]] | None = None,
    legend_size: float = 9,
    note_height: float = 0.0,
) -> None:
    """Place stacked panels, the figure's title and a legend below them by a fixed rule.

    From top to bottom: ``title`` (the suptitle, ``title_size`` points), then per panel its
    title, the axes (heights in proportion to ``weights``; all as wide as the widest y tick
    label leaves room for), its x tick labels and, under the last one, its x-axis label; then
    ``legend`` (handles and labels in one centred row, ``legend_size`` points). Every band is
    the measured size of the text it holds plus matplotlib's spacing (tick length and pad, title
    and label pad, from rcParams) and a few fixed points of blank space, so nothing reaches past
    the figure's edges or into another panel. A note drawn above the first panel needs
    ``note_height`` inches there. Call it once everything else is drawn: it reads the panels'
    tick labels, titles and x-axis labels.
    """
    dpi = fig.dpi
    fig_w, fig_h = fig.get_size_inches()
    edge = _EDGE / 72
    x_font, y_font = _font_size("xtick.labelsize"), _font_size("ytick.labelsize")
    x_ticks = _points("xtick.major.size") + _points("xtick.major.pad")
    y_ticks = _points("ytick.major.size") + _points("ytick.major.pad")
    title_pad = _points("axes.titlepad")
    label_pad = _points("axes.labelpad")

    # horizontal: the widest y tick label on the left, x tick labels at the ends may overhang
    left = right = 0.0
    for ax in axes:
        for text in _tick_texts(ax.yaxis):
            left = max(left, _text_size(text, y_font, dpi)[0] + y_ticks)
        x_labels = _tick_texts(ax.xaxis)
        if x_labels:
            left = max(left, _text_size(x_labels[0], x_font, dpi)[0] / 2)
            right = max(right, _text_size(x_labels[-1], x_font, dpi)[0] / 2)
    left, right = left + edge, right + edge

    # vertical: fixed bands of text around the panels, the rest shared by the axes
    top = edge
    fig.suptitle(title, fontsize=title_size, x=0.5, y=1 - edge / fig_h, va="top", ha="center")
    top += _height(title, title_size, dpi) + _BELOW_SUPTITLE / 72
    above, below = [], []
    for i, ax in enumerate(axes):
        band = 0.0
        panel_title = ax.get_title(loc="left")
        if panel_title:  # drawn on its baseline, its descent inside the pad
            band = title_pad + _text_size(panel_title, _PANEL_TITLE_SIZE, dpi)[1]
        if i == 0:
            band = max(band, note_height)
        above.append(band)
        band = x_ticks + max((_height(t, x_font, dpi) for t in _tick_texts(ax.xaxis)), default=0.0)
        # the x-axis label where matplotlib puts it (label pad below the tick labels), given so
        # that drawing does not measure every tick label once more to find the spot; the y axis
        # has no label
        below_ticks = ScaledTranslation(0, -band - label_pad, fig.dpi_scale_trans)
        ax.xaxis.set_label_coords(0.5, 0, ax.transAxes + below_ticks)
        ax.yaxis.set_label_coords(0, 0.5)
        label = ax.xaxis.label
        if label.get_text():
            band += label_pad + _height(label.get_text(), label.get_fontsize(), dpi)
        below.append(band)
    bottom = edge
    if legend is not None:
        handles, labels = legend
        pad = mpl.rcParams["legend.borderpad"] * legend_size / 72
        row = max([*(_height(t, legend_size, dpi) for t in labels),
                   mpl.rcParams["legend.handleheight"] * legend_size / 72])
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, edge / fig_h), borderaxespad=0,
                   ncols=len(labels), frameon=False, fontsize=legend_size)
        bottom += row + 2 * pad + _ABOVE_LEGEND / 72
    fixed = top + bottom + sum(above) + sum(below) + _BETWEEN_PANELS / 72 * (len(axes) - 1)
    free = max(fig_h - fixed, 0.1 * fig_h)
    total = sum(weights)
    y = fig_h - top
    width = max(fig_w - left - right, 0.1 * fig_w)
    for ax, weight, band_above, band_below in zip(axes, weights, above, below):
        height = free * weight / total
        y -= band_above + height
        ax.set_position((left / fig_w, y / fig_h, width / fig_w, height / fig_h))
        y -= band_below + _BETWEEN_PANELS / 72


def _bars(ax: Axes, y: np.ndarray, widths: np.ndarray, height: float, *, colour: str, label: str) -> None:
    """Horizontal bars from 0 as one collection: drawn like :meth:`~matplotlib.axes.Axes.barh`'s
    rectangles, a tenth of the cost (one artist instead of one patch per bar)."""
    low, high, zero = y - height / 2, y + height / 2, np.zeros_like(widths)
    verts = np.stack([np.column_stack([zero, low]), np.column_stack([zero, high]),
                      np.column_stack([widths, high]), np.column_stack([widths, low])], axis=1)
    bars = PolyCollection(verts, facecolors=colour, edgecolors="none", label=label)
    bars.sticky_edges.x.append(0)
    ax.add_collection(bars)


def plot_dimension_comparison(
    ax: Axes,
    comparison: pd.DataFrame,
    population: str,
    *,
    region_name: str,
    scale_max: float | None = None,
    min_n: int = MIN_CELL_SIZE,
) -> None:
    """Draw one population's dimension means, region against all regions, on ``ax``.

    Horizontal bar pairs, one pair per dimension in the order of ``comparison``: the region's
    mean (blue, labelled with its value) and the mean of all regions (grey). A dimension whose
    region cell has fewer than ``min_n`` respondents shows no region bar, only "n<5".

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    comparison : pandas.DataFrame
        Output of :func:`casekit.analysis.compare_region` (columns ``population``,
        ``dimension``, ``n``, ``mean``, ``all_mean``; ``dimension_label`` and ``suppressed``
        are used when present).
    population : str
        Population id, e.g. ``"account_manager"``.
    region_name : str
        The region's Chinese name, used in the legend.
    scale_max : float, optional
        Right end of the value axis; defaults to the largest mean rounded up.
    min_n : int
        Smallest cell shown (anonymity threshold).
    """
    region_name = chart_text(region_name)
    _check_columns(comparison)
    rows = comparison[comparison["population"] == population].reset_index(drop=True)
    labels = [_dimension_label(r) for _, r in rows.iterrows()]
    suppressed = [mean_hidden(r, min_n) for _, r in rows.iterrows()]
    region = [np.nan if s else float(m) for s, m in zip(suppressed, rows["mean"])]
    overall = [float(v) if pd.notna(v) else np.nan for v in rows["all_mean"]]

    y = np.arange(len(rows))[::-1]  # first dimension at the top
    height = 0.38
    _bars(ax, y + height / 2, np.nan_to_num(region, nan=0.0), height, colour=REGION_COLOUR, label=region_name)
    _bars(ax, y - height / 2, np.nan_to_num(overall, nan=0.0), height, colour=ALL_COLOUR, label="全部地区")
    values = [v for v in region + overall if not math.isnan(v)]
    right = scale_max if scale_max is not None else max(5.0, math.ceil(max(values, default=5.0)))
    for yi, value, hidden in zip(y, region, suppressed):
        text = f"n{small_cell(min_n)}" if hidden else score(value)
        ax.text((0 if hidden else value) + right * 0.01, yi + height / 2, text,
                va="center", ha="left", fontsize=9, color="#333333")
    for yi, value in zip(y, overall):
        if not math.isnan(value):
            ax.text(value + right * 0.01, yi - height / 2, score(value),
                    va="center", ha="left", fontsize=8, color="#666666")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, right * 1.12)
    ax.set_xlabel("平均得分（越高越强）")
    _style_axes(ax, population)


def dimension_comparison_figure(
    comparison: pd.DataFrame,
    *,
    region_name: str,
    populations: Sequence[str] | None = None,
    min_n: int = MIN_CELL_SIZE,
) -> Figure:
    """One chart per population: each dimension's mean in the region against all regions.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`casekit.analysis.compare_region`.
    region_name : str
        The region's Chinese name (title and legend).
    populations : sequence of str, optional
        Populations to draw, in this order; default: those in ``comparison``, in the order of
        :data:`casekit.domain.POPULATIONS`.
    min_n : int
        Smallest cell shown (anonymity threshold).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one row of axes per population.

    Raises
    ------
    ValueError
        If ``comparison`` lacks a required column or holds none of ``populations``.
    """
    _check_columns(comparison)
    ensure_cjk_font()
    present = list(dict.fromkeys(comparison["population"]))
    populations = _populations_in_order(present, populations)
    if not populations:
        raise ValueError(tr(f"比较表中没有所选岗位的数据；表中的岗位为 {'、'.join(map(str, present)) or '（无）'}",
                            f"comparison holds no rows for the populations requested; found {present}"))

    finite = pd.to_numeric(comparison["all_mean"], errors="coerce").tolist() + pd.to_numeric(
        comparison["mean"], errors="coerce"
    ).tolist()
    finite = [v for v in finite if not math.isnan(v)]
    scale_max = max(5.0, math.ceil(max(finite, default=5.0)))

    counts = [int((comparison["population"] == p).sum()) for p in populations]
    fig = Figure(figsize=(8, 1.2 + sum(0.55 * c + 0.7 for c in counts)), dpi=100)
    axes = _stacked_axes(fig, counts)
    for ax, population in zip(axes, populations):
        plot_dimension_comparison(ax, comparison, population, region_name=region_name,
                                  scale_max=scale_max, min_n=min_n)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    axes[0].legend(loc="lower right", frameon=False, fontsize=9)
    _lay_out(fig, axes, [max(c, 1) for c in counts],
             title=f"{chart_text(region_name)}：各维度平均得分与全部地区对比", title_size=14)
    return fig


def segment_profile_figure(profile: pd.DataFrame, names: dict[int, str], *, top: int = 12) -> Figure:
    """Heat map of what distinguishes each segment: feature means in standard deviations.

    Parameters
    ----------
    profile : pandas.DataFrame
        :attr:`casekit.analysis.segments.SegmentReport.profile` (``segment``, ``label``, ``z``).
    names : dict of int to str
        Segment number → persona name (column titles).
    top : int, default 12
        Features shown: those with the largest deviation in any segment.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``profile`` is empty (no clear segments: there is nothing to draw).
    """
    names = {key: chart_text(name) for key, name in names.items()}
    if profile.empty:
        raise ValueError(tr("没有清晰的客户经理类型：类型画像为空，没有可画的内容",
                            "no clear segments: the profile is empty, there is nothing to draw"))
    ensure_cjk_font()
    wide = profile.pivot_table(index="label", columns="segment", values="z", sort=False)
    order = wide.abs().max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    wide = wide.loc[order]
    fig = Figure(figsize=(2.0 + 1.6 * wide.shape[1], 1.2 + 0.42 * len(wide)), dpi=100,
                 layout="constrained")
    ax = fig.subplots()
    limit = max(1.5, float(np.nanmax(np.abs(wide.to_numpy()))))
    image = ax.imshow(wide.to_numpy(), cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
    for (i, j), value in np.ndenumerate(wide.to_numpy()):
        if not math.isnan(value):
            text = "0.0" if abs(value) < 0.05 else f"{value:+.1f}".replace("-", "\u2212")
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if abs(value) > limit * 0.6 else "#222222")
    ax.set_xticks(range(wide.shape[1]),
                  [f"第{s}类\n{names.get(int(s), '')}".replace("·", "\n") for s in wide.columns],
                  fontsize=8)
    ax.set_yticks(range(len(wide)), list(wide.index), fontsize=9)
    ax.tick_params(length=0)
    cbar = fig.colorbar(image, ax=ax, shrink=0.8)
    cbar.set_label("与全体平均相差的标准差（正：更高）", fontsize=8)
    fig.suptitle("客户经理各类型的区别（标准化均值）", fontsize=13)
    return fig


#: The other regions' gap (a marker beside each bar of :func:`gap_figure`).
OTHERS_COLOUR = "#7a8591"
#: Colours of the working week in :func:`time_allocation_figure`: with customers, on the road,
#: in the office or on other work.
TIME_COLOURS: tuple[str, str, str] = (REGION_COLOUR, "#e08a2c", "#c9ced4")

_GAP_REQUIRED = ("population", "dimension", "n", "mean", "gap", "ci_low", "ci_high")


def plot_gaps(
    ax: Axes,
    gaps: pd.DataFrame,
    population: str,
    *,
    region_name: str,
    limits: tuple[float, float],
    min_n: int = MIN_CELL_SIZE,
) -> None:
    """Draw one population's gaps to the required level on ``ax``.

    One horizontal bar per dimension (in the order of ``gaps``) from 0 (the required level,
    a vertical line) to the region's mean gap, with its confidence interval as a whisker and
    the value written beside it; a grey diamond marks the other regions' gap. A dimension
    below ``min_n`` people shows no bar and no value, only "n<5" ("无数据" when nobody
    answered).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    gaps : pandas.DataFrame
        :func:`casekit.analysis.region_gaps` (``others_gap`` and ``dimension_label`` are used
        when present).
    population : str
        Population id.
    region_name : str
        The region's Chinese name (legend).
    limits : (float, float)
        The value axis' range, shared by all panels.
    min_n : int
        Smallest group shown.
    """
    region_name = chart_text(region_name)
    rows = gaps[gaps["population"] == population].reset_index(drop=True)
    hidden = [gap_hidden(r, min_n) for _, r in rows.iterrows()]
    y = np.arange(len(rows))[::-1]
    values = np.array([np.nan if h else float(g) for h, g in zip(hidden, rows["gap"])])
    low = np.array([np.nan if h else float(v) for h, v in zip(hidden, rows["ci_low"])])
    high = np.array([np.nan if h else float(v) for h, v in zip(hidden, rows["ci_high"])])
    has_ci = ~np.isnan(low) & ~np.isnan(high)
    ax.barh(y, np.nan_to_num(values, nan=0.0), 0.55, color=REGION_COLOUR, label=region_name, zorder=2)
    if has_ci.any():
        err = np.vstack([values - low, high - values])[:, has_ci]
        ax.errorbar(values[has_ci], y[has_ci], xerr=err, fmt="none", ecolor="#333333",
                    elinewidth=1, capsize=3, zorder=3)
    if "others_gap" in rows.columns:
        others = pd.to_numeric(rows["others_gap"], errors="coerce").to_numpy(dtype=float, copy=True)
        others[np.array(hidden, dtype=bool)] = np.nan
        if (~np.isnan(others)).any():
            ax.scatter(others, y, marker="D", s=28, color=OTHERS_COLOUR, zorder=4, label="其他地区")
    span = limits[1] - limits[0]
    for yi, value, top, bottom, hide, (_, row) in zip(y, values, high, low, hidden, rows.iterrows()):
        if hide:
            text = "无数据" if int(row["n"]) == 0 else f"n{small_cell(min_n)}"
            ax.text(span * 0.01, yi, text, va="center", ha="left", fontsize=9, color="#333333")
            continue
        # the gap as the tables print it: the rounded mean minus the rounded requirement
        text = signed(rounded_diff(row["mean"], row["required"]) if "required" in row.index else value)
        if value < 0:
            end = np.nanmin([value, bottom])
            ax.text(end - span * 0.01, yi, text, va="center", ha="right", fontsize=9, color="#333333")
        else:
            end = np.nanmax([value, top])
            ax.text(end + span * 0.01, yi, text, va="center", ha="left", fontsize=9, color="#333333")
    ax.axvline(0, color="#222222", linewidth=1.2, zorder=5)
    ax.set_yticks(y, [_dimension_label(r) for _, r in rows.iterrows()])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(*limits)
    ax.set_xlabel("与目标水平的差距（均分 − 目标水平；负值：低于目标）")
    _style_axes(ax, population)


def gap_figure(
    gaps: pd.DataFrame,
    region_name: str,
    *,
    populations: Sequence[str] | None = None,
    min_n: int = MIN_CELL_SIZE,
) -> Figure:
    """One chart per population: how far each dimension falls short of the required level.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`casekit.analysis.region_gaps` for the region.
    region_name : str
        The region's Chinese name (title and legend).
    populations : sequence of str, optional
        Populations to draw, in this order; default: those of ``gaps`` with at least one
        respondent, in the order of :data:`casekit.domain.POPULATIONS`.
    min_n : int
        Smallest group shown (anonymity threshold).

    Returns
    -------
    matplotlib.figure.Figure
        One row of axes per population; the vertical line at 0 is the required level.

    Raises
    ------
    ValueError
        If ``gaps`` lacks a required column or holds none of ``populations``.
    """
    missing = [c for c in _GAP_REQUIRED if c not in gaps.columns]
    if missing:
        raise ValueError(tr(
            f"差距表缺少 {'、'.join(missing)} 列；应为 casekit.analysis.region_gaps 返回的表，"
            f"实际的列为 {'、'.join(map(str, gaps.columns))}",
            f"gaps is missing column(s) {missing}; expected the table returned by "
            f"casekit.analysis.region_gaps, found columns {list(gaps.columns)}"
        ))
    ensure_cjk_font()
    answered = gaps.groupby("population", sort=False)["n"].sum()
    present = [p for p in dict.fromkeys(gaps["population"]) if answered.get(p, 0) > 0]
    populations = _populations_in_order(present, populations)
    if not populations:
        raise ValueError(tr(f"差距表中没有所选岗位的作答数据；有作答的岗位为 {'、'.join(map(str, present)) or '（无）'}",
                            f"gaps holds no answered rows for the populations requested; found {present}"))

    shown = gaps[gaps["population"].isin(populations)]
    shown = shown[[not gap_hidden(r, min_n) for _, r in shown.iterrows()]]
    numbers = [0.0]
    for column in ("gap", "ci_low", "ci_high", "others_gap"):
        if column in shown.columns:
            numbers += [float(v) for v in pd.to_numeric(shown[column], errors="coerce") if not math.isnan(v)]
    left = math.floor(min(numbers) * 2) / 2 - 0.5
    right = max(math.ceil(max(numbers) * 2) / 2 + 0.5, 0.5)

    counts = [int((gaps["population"] == p).sum()) for p in populations]
    fig = Figure(figsize=(8, 1.4 + sum(0.5 * c + 0.8 for c in counts)), dpi=100)
    axes = _stacked_axes(fig, counts)
    for ax, population in zip(axes, populations):
        plot_gaps(ax, gaps, population, region_name=region_name, limits=(left, right), min_n=min_n)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    note = " 目标水平"
    above_axes = ScaledTranslation(0, _NOTE_OFFSET / 72, fig.dpi_scale_trans)
    axes[0].text(0, 1, note, ha="left", va="bottom", fontsize=8, color="#222222",
                 transform=axes[0].get_xaxis_transform() + above_axes)
    legend: dict[str, Artist] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    order = [label for label in (chart_text(region_name), "其他地区") if label in legend]
    _lay_out(fig, axes, [max(c, 1) for c in counts],
             title=f"{chart_text(region_name)}：各维度与目标水平的差距（横线为差距的可能范围）", title_size=14,
             legend=([legend[label] for label in order], order),
             note_height=_NOTE_OFFSET / 72 + _height(note, 8, fig.dpi))
    return fig


def time_allocation_figure(table: pd.DataFrame, *, min_n: int = MIN_CELL_SIZE) -> Figure:
    """Stacked bars of the account managers' estimated working week, one bar per group.

    Hours per week with customers (客户处), on the road (路上) and in the office or on other
    work (办公室及其他), from :func:`casekit.analysis.time_allocation`. Without the
    weekly-visits question (no estimated week) the bars show the minutes of one visit on site
    and on the road instead. A group with fewer than ``min_n`` account managers observed shows
    no bar, only "n<5".

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`casekit.analysis.time_allocation` (e.g. the region and all regions, or
        the account-manager types), drawn top to bottom in this order, labelled with
        ``group_name``.
    min_n : int
        Smallest group shown (anonymity threshold).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``table`` is empty or not a ``time_allocation`` table.
    """
    needed = ["group_name", "n_people", "minutes_on_site", "minutes_travel", "suppressed"]
    missing = [c for c in needed if c not in table.columns]
    if missing or table.empty:
        raise ValueError(tr(
            "表格应为 casekit.analysis.time_allocation 的结果；"
            + ("表格是空的" if table.empty else f"缺少 {'、'.join(missing)} 列"),
            f"table must be rows of casekit.analysis.time_allocation; "
            f"{'it is empty' if table.empty else f'missing column(s) {missing}'}"
        ))
    ensure_cjk_font()
    week = "hours_on_site" in table.columns
    parts = (["hours_on_site", "hours_travel", "hours_office"] if week
             else ["minutes_on_site", "minutes_travel"])
    names = ["客户处", "路上", "办公室及其他"][: len(parts)]
    unit = "小时" if week else "分钟"
    hidden = [bool(s) or is_suppressed(n, min_n) for s, n in zip(table["suppressed"], table["n_people"])]
    values = np.array([pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                       for c in parts])  # parts × groups
    values[:, np.array(hidden, dtype=bool)] = np.nan
    totals = np.nansum(values, axis=0)
    right = max(float(np.nanmax(totals)) if np.isfinite(totals).any() else 0.0, 1.0) * 1.08

    fig = Figure(figsize=(8, 1.6 + 0.55 * len(table)), dpi=100)
    ax = _stacked_axes(fig, [len(table)])[0]
    y = np.arange(len(table))[::-1]
    start = np.zeros(len(table))
    for values_of, name, colour in zip(values, names, TIME_COLOURS):
        width = np.nan_to_num(values_of, nan=0.0)
        ax.barh(y, width, 0.6, left=start, color=colour, label=name)
        for yi, x0, w in zip(y, start, width):
            if w >= right * 0.06:
                text = days(round(float(w), 1)) if week else f"{w:.0f}"
                ax.text(x0 + w / 2, yi, text, va="center", ha="center", fontsize=9,
                        color="white" if colour == REGION_COLOUR else "#222222")
        start = start + width
    for yi, hide in zip(y, hidden):
        if hide:
            ax.text(right * 0.01, yi, f"n{small_cell(min_n)}", va="center", ha="left", fontsize=9, color="#333333")
    ax.set_yticks(y, [chart_text(v) for v in table["group_name"]])
    ax.set_xlim(0, right)
    ax.set_xlabel(f"{'每周' if week else '每次拜访'}{unit}")
    _style_axes(ax)
    title = ("客户经理的一周时间估算（小时，按随访观察与自报每周拜访次数）" if week
             else "客户经理每次拜访的时间（分钟，随访观察）")
    _lay_out(fig, [ax], [1], title=title, title_size=13, legend=ax.get_legend_handles_labels())
    return fig
