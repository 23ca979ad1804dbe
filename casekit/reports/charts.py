"""Charts for the region report, labelled in Simplified Chinese.

Every function builds a :class:`matplotlib.figure.Figure` directly (not through ``pyplot``), so
charts never pile up in pyplot's figure registry, and a notebook shows a chart exactly once: as
the cell's value or through ``display(fig)``. Given the same data, a chart is drawn the same way
every time (fixed size, resolution, order and colours; no randomness).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

from casekit.domain import DIMENSIONS, MIN_CELL_SIZE, POPULATIONS
from casekit.formatting import mean_hidden, score, small_cell
from casekit.reports.fonts import ensure_cjk_font

__all__ = ["ALL_COLOUR", "REGION_COLOUR", "dimension_comparison_figure", "plot_dimension_comparison",
           "segment_profile_figure"]

#: Bar colours: the region in a strong blue, the all-regions benchmark in grey.
REGION_COLOUR = "#1f5fa8"
ALL_COLOUR = "#b0b7c0"

_REQUIRED = ("population", "dimension", "n", "mean", "all_mean")


def _check_columns(comparison: pd.DataFrame) -> None:
    missing = [c for c in _REQUIRED if c not in comparison.columns]
    if missing:
        raise ValueError(
            f"comparison is missing column(s) {missing}; expected the table returned by "
            f"casekit.analysis.compare_region, found columns {list(comparison.columns)}"
        )


def _dimension_label(row: pd.Series) -> str:
    label = row.get("dimension_label")
    if isinstance(label, str) and label:
        return label
    term = DIMENSIONS.get(row["dimension"])
    return term.label if term is not None else str(row["dimension"])


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
    _check_columns(comparison)
    rows = comparison[comparison["population"] == population].reset_index(drop=True)
    labels = [_dimension_label(r) for _, r in rows.iterrows()]
    suppressed = [mean_hidden(r, min_n) for _, r in rows.iterrows()]
    region = [np.nan if s else float(m) for s, m in zip(suppressed, rows["mean"])]
    overall = [float(v) if pd.notna(v) else np.nan for v in rows["all_mean"]]

    y = np.arange(len(rows))[::-1]  # first dimension at the top
    height = 0.38
    ax.barh(y + height / 2, np.nan_to_num(region, nan=0.0), height, color=REGION_COLOUR,
            label=region_name)
    ax.barh(y - height / 2, np.nan_to_num(overall, nan=0.0), height, color=ALL_COLOUR,
            label="全部地区")
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
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    term = POPULATIONS.get(population)
    ax.set_title(term.label if term is not None else population, loc="left", fontsize=12)


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
    if populations is None:
        populations = [p for p in POPULATIONS if p in present] + [p for p in present if p not in POPULATIONS]
    populations = [p for p in populations if p in present]
    if not populations:
        raise ValueError(f"comparison holds no rows for the populations requested; found {present}")

    finite = pd.to_numeric(comparison["all_mean"], errors="coerce").tolist() + pd.to_numeric(
        comparison["mean"], errors="coerce"
    ).tolist()
    finite = [v for v in finite if not math.isnan(v)]
    scale_max = max(5.0, math.ceil(max(finite, default=5.0)))

    counts = [int((comparison["population"] == p).sum()) for p in populations]
    fig = Figure(figsize=(8, 1.2 + sum(0.55 * c + 0.7 for c in counts)), dpi=100,
                 layout="constrained")
    axes = fig.subplots(len(populations), 1, squeeze=False,
                        gridspec_kw={"height_ratios": [max(c, 1) for c in counts]})[:, 0]
    for ax, population in zip(axes, populations):
        plot_dimension_comparison(ax, comparison, population, region_name=region_name,
                                  scale_max=scale_max, min_n=min_n)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    axes[0].legend(loc="lower right", frameon=False, fontsize=9)
    fig.suptitle(f"{region_name}：各维度平均得分与全部地区对比", fontsize=14)
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
    if profile.empty:
        raise ValueError("no clear segments: the profile is empty, there is nothing to draw")
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
