"""Emission figures: the reference paper's Figs. 10-15, and fuels and uncertainty beyond it.

- ``emissions_total_share`` (Fig. 10): total CO2 of the studied industries and its share of
  all manufacturing's emissions;
- ``emissions_by_group`` (Figs. 11-14): one panel per group, CO2 per industry (bars) and
  intensity ``C_i / Q_i`` in t CO2 per 10^8 yuan (lines);
- ``intensity_ranking`` (Fig. 15): each industry's intensity rank per year (1 = highest);
- ``fuel_contributions``: CO2 by fuel, stacked;
- ``uncertainty_bands``: central estimate and 95 % interval (IPCC 2006 Vol. 1 Ch. 3).

Reading: the ``_read_*`` functions and :func:`sector_intensity` are this section's only
look into the results.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import (
    bars_with_share,
    legend_right,
    new_figure,
    stack_signed,
    year_axis,
)
from carbonpath.report.figures.context import (
    Context,
    FigureSpec,
    mass_unit,
    num,
    plain,
    records,
    spec,
)
from carbonpath.report.figures.uncertainty import draw_uncertainty, uncertainty_series
from carbonpath.report.style import PALETTE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Series = dict[str, dict[int, float]]


# ---------------------------------------------------------------------------- reading
def sector_intensity(ctx: Context) -> list[dict[str, Any]]:
    """emissions.intensity rows of the member industries."""
    return [
        r
        for r in records(ctx.d, "emissions", "intensity")
        if r.get("scope_type", "sector") == "sector" and str(r.get("scope")) in ctx.members
    ]


def _read_total(ctx: Context) -> list[dict[str, Any]]:
    """emissions.total rows with a CO2 value, by year."""
    rows = (r for r in records(ctx.d, "emissions", "total") if num(r.get("co2_t")) is not None)
    return sorted(rows, key=lambda r: r["year"])


def _read_co2_by_sector(ctx: Context) -> Series:
    """{member: {year: t CO2}} from emissions.by_sector (study years)."""
    out: Series = defaultdict(dict)
    for r in records(ctx.d, "emissions", "by_sector"):
        v = num(r.get("co2_t"))
        if v is not None and str(r.get("sector")) in ctx.members and ctx.in_years(int(r["year"])):
            out[str(r["sector"])][int(r["year"])] = v
    return dict(out)


def _read_intensity(ctx: Context) -> Series:
    """{member: {year: t CO2 per 10^8 yuan}} from emissions.intensity (study years)."""
    out: Series = defaultdict(dict)
    for r in sector_intensity(ctx):
        v = num(r.get("intensity_t_per_1e8_yuan"))
        if v is not None and ctx.in_years(int(r["year"])):
            out[str(r["scope"])][int(r["year"])] = v
    return dict(out)


def _read_fuels(ctx: Context) -> Series:
    """{fuel: {year: t CO2}} summed over the members, from emissions.by_fuel."""
    sums: Series = defaultdict(lambda: defaultdict(float))
    member_set = set(ctx.members)
    for r in records(ctx.d, "emissions", "by_fuel"):
        v = num(r.get("co2_t"))
        if v is None or (member_set and str(r.get("sector")) not in member_set):
            continue
        if ctx.in_years(int(r["year"])):
            sums[str(r.get("fuel"))][int(r["year"])] += v
    return {f: dict(s) for f, s in sums.items()}


# ------------------------------------------------------------------------------ drawing
def _draw_emissions_total(ctx: Context) -> Figure:
    rows = _read_total(ctx)
    years = [int(r["year"]) for r in rows]
    vals = [float(r["co2_t"]) for r in rows]
    div, unit = mass_unit(vals)
    share = [(int(r["year"]), num(r.get("share_of_reference"))) for r in rows]
    fig = new_figure()
    ax = fig.add_subplot()
    ax.set_ylabel(f"Emissions ({unit})")
    bars_with_share(
        ax,
        (years, [v / div for v in vals], "Emissions"),
        [(y, s * 100) for y, s in share if s is not None],
        ("Share of manufacturing", "Share of all manufacturing (%)"),
    )
    return fig


def _group_panel(
    ax: Axes, ctx: Context, codes: list[str], series: tuple[Series, Series], div: float
) -> list[int]:
    """Bars of CO2 (left axis) and lines of intensity (right axis) for ``codes``."""
    import numpy as np

    co2, inten = series
    years = sorted({y for c in codes for y in co2[c]})
    width = 0.8 / max(len(codes), 1)
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    for j, code in enumerate(codes):
        xs = np.array(years) - 0.4 + width * (j + 0.5)
        heights = [co2[code].get(y, np.nan) / div for y in years]
        ax.bar(xs, heights, width=width, color=ctx.colour(code), alpha=0.5)
        iy = sorted(inten.get(code, {}))
        if iy:
            ax2.plot(
                iy,
                [inten[code][y] for y in iy],
                color=ctx.colour(code),
                marker=ctx.marker(code),
                linewidth=1.3,
            )
    ax2.set_ylabel("Intensity (t CO₂ per 10⁸ yuan)", fontsize=7)
    return years


def _group_legend(fig: Figure, ctx: Context, shown: list[str], ncol: int) -> None:
    """One legend below the panels (bar and line per industry); room made for it first."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        (
            Patch(color=ctx.colour(c), alpha=0.5),
            Line2D([], [], color=ctx.colour(c), marker=ctx.marker(c)),
        )
        for c in shown
    ]
    texts = [ctx.label(c, 26 if ncol == 2 else 40) for c in shown]
    nrows = (len(texts) + 2) // 3  # the legend fills column by column
    lines = [
        max(t.count("\n") + 1 for i, t in enumerate(texts) if i % nrows == row)
        for row in range(nrows)
    ]
    legend_in = 0.13 * sum(lines) + 0.05 * nrows + 0.08
    fig.tight_layout(rect=(0, legend_in / fig.get_figheight(), 1, 0.97))
    fig.legend(
        handles,
        texts,
        loc="lower center",
        ncol=3,
        fontsize=7,
        handler_map={tuple: HandlerTuple(ndivide=None)},
    )


def _draw_by_group(ctx: Context) -> Figure:
    co2 = _read_co2_by_sector(ctx)
    inten = _read_intensity(ctx)
    groups = [g for g, _ in ctx.groups if any(ctx.group_of.get(c) == g for c in co2)] or [""]
    ncol = 2 if len(groups) > 1 else 1
    nrow = (len(groups) + ncol - 1) // ncol
    fig = new_figure(6.3 if ncol == 2 else 5.0, 2.6 * nrow + 0.3)
    div, unit = mass_unit([v for s in co2.values() for v in s.values()])
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for i, gid in enumerate(groups):
        ax = axes[i // ncol][i % ncol]
        codes = [c for c in ctx.members if c in co2 and (not gid or ctx.group_of.get(c) == gid)]
        years = _group_panel(ax, ctx, codes, (co2, inten), div)
        ax.set_title(ctx.group_label(gid) if gid else "All industries", fontsize=9)
        ax.set_ylabel(f"Emissions ({unit})", fontsize=8)
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for k in range(len(groups), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    _group_legend(fig, ctx, [c for c in ctx.members if c in co2], ncol)
    fig.suptitle(
        "Bars: emissions (left axis); lines: intensity (right axis)", fontsize=8, x=0.01, ha="left"
    )
    return fig


def intensity_ranks(ctx: Context, inten: Series) -> dict[str, dict[int, int]]:
    """{member: {year: rank}}, 1 = highest intensity; ties broken by study order."""
    years = sorted({y for s in inten.values() for y in s})
    ranks: dict[str, dict[int, int]] = defaultdict(dict)
    for y in years:
        present = [c for c in ctx.members if y in inten.get(c, {})]
        order = sorted(present, key=lambda c: (-inten[c][y], ctx.members.index(c)))
        for r, c in enumerate(order, start=1):
            ranks[c][y] = r
    return dict(ranks)


def _draw_ranking(ctx: Context) -> Figure:
    inten = _read_intensity(ctx)
    years = sorted({y for s in inten.values() for y in s})
    ranks = intensity_ranks(ctx, inten)
    fig = new_figure(6.3, 3.8)
    ax = fig.add_subplot()
    for code in ctx.members:
        if code not in ranks:
            continue
        ys = sorted(ranks[code])
        ax.plot(
            ys,
            [ranks[code][y] for y in ys],
            color=ctx.colour(code),
            marker=ctx.marker(code),
            linestyle=ctx.dash(code),
            markersize=6,
        )
        text = plain(ctx.labels.get(code, code))
        ax.annotate(
            text if len(text) <= 36 else text[:35] + "…",
            (ys[-1], ranks[code][ys[-1]]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color=ctx.colour(code),
        )
    n = max((max(r.values()) for r in ranks.values()), default=1)
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_yticks(range(1, n + 1))
    ax.set_ylabel("Rank (1 = highest t CO₂ per 10⁸ yuan)")
    ax.grid(False)
    year_axis(ax, years)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    return fig


def _draw_fuels(ctx: Context) -> Figure:
    sums = _read_fuels(ctx)
    years = sorted({y for s in sums.values() for y in s})
    fuels = sorted(sums, key=lambda f: -sum(sums[f].values()))
    div, unit = mass_unit([sum(sums[f].get(y, 0.0) for f in fuels) for y in years])
    parts = [
        (
            plain(f.replace("_", " ")),
            PALETTE[i % len(PALETTE)],
            [sums[f].get(y, 0.0) / div for y in years],
        )
        for i, f in enumerate(fuels)
    ]
    fig = new_figure()
    ax = fig.add_subplot()
    stack_signed(ax, years, parts)
    ax.set_ylabel(f"Emissions ({unit})")
    year_axis(ax, years)
    legend_right(ax, title="Fuel")
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The emission section's figures, drawable or skipped with the reason."""
    d = ctx.d
    unc = uncertainty_series(d)
    return [
        spec(
            "emissions_total_share",
            "Emissions and share of all manufacturing",
            "CO₂ emissions of the studied industries (bars) and their share of all "
            "manufacturing's emissions (line, %).",
            "emissions",
            _draw_emissions_total,
            None if _read_total(ctx) else "no emissions.total in the results",
        ),
        spec(
            "emissions_by_group",
            "Emissions and intensity per group",
            "One panel per group: CO₂ emissions of each industry (bars, left axis) and its "
            "emission intensity (lines, t CO₂ per 10⁸ yuan of output value, right axis).",
            "emissions",
            _draw_by_group,
            None
            if _read_co2_by_sector(ctx)
            else "no emissions.by_sector for the studied industries",
        ),
        spec(
            "intensity_ranking",
            "Ranking of emission intensity",
            "Rank of each industry's emission intensity per year (1 = highest t CO₂ per 10⁸ yuan).",
            "emissions",
            _draw_ranking,
            None
            if len(_read_intensity(ctx)) >= 2
            else "fewer than two industries with an emission intensity",
        ),
        spec(
            "fuel_contributions",
            "Emissions by fuel",
            "CO₂ emissions of the studied industries by fuel, stacked.",
            "emissions",
            _draw_fuels,
            None
            if any(num(r.get("co2_t")) is not None for r in records(d, "emissions", "by_fuel"))
            else "no emissions.by_fuel (inventory mode or no energy data)",
        ),
        spec(
            "uncertainty_bands",
            "Uncertainty of emissions and intensity",
            "Central estimate and 95 % interval (IPCC 2006 Vol. 1 Ch. 3) of total emissions"
            + (" and of emission intensity" if "intensity" in unc else "")
            + ".",
            "emissions",
            draw_uncertainty,
            None if unc else "no per-year uncertainty intervals in emissions.uncertainty",
        ),
    ]
