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
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import (
    bars_with_share,
    canvas_height,
    legend_right,
    new_figure,
    stack_signed,
    year_axis,
)
from carbonpath.report.figures.colours import MARKERS, fuel_colours, fuel_order, line_colour
from carbonpath.report.figures.context import (
    Context,
    FigureSpec,
    mass_unit,
    num,
    one_region,
    plain,
    records,
    spec,
)
from carbonpath.report.figures.uncertainty import draw_uncertainty, uncertainty_series
from carbonpath.report.figures.words import has_text
from carbonpath.report.panel import is_panel, region_codes, sum_view

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Series = dict[str, dict[int, float]]
#: characters per line of a sector name at the end of its rank line (wrapped, never cut)
RANK_LABEL_WIDTH = 30


# ---------------------------------------------------------------------------- reading
def sector_intensity(ctx: Context) -> list[dict[str, Any]]:
    """emissions.intensity rows of the member industries (one region: see ``one_region``)."""
    return [
        r
        for r in one_region(records(ctx.d, "emissions", "intensity"))
        if r.get("scope_type", "sector") == "sector" and str(r.get("scope")) in ctx.members
    ]


def _read_total(ctx: Context) -> list[dict[str, Any]]:
    """emissions.total rows with a CO2 value, by year."""
    rows = one_region(records(ctx.d, "emissions", "total"))
    return sorted((r for r in rows if num(r.get("co2_t")) is not None), key=lambda r: r["year"])


def _read_co2_by_sector(ctx: Context) -> Series:
    """{member: {year: t CO2}} from emissions.by_sector (study years)."""
    out: Series = defaultdict(dict)
    for r in one_region(records(ctx.d, "emissions", "by_sector")):
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


def _no_fuels(ctx: Context) -> str:
    """Why the fuel figure is skipped: the table is absent, or too long for results.json
    (then it is only in the CSV tables and the workbook)."""
    left = ((ctx.d.get("emissions") or {}).get("left_out") or {}).get("by_fuel")
    if isinstance(left, dict) and left.get("rows"):
        return ctx.t("fig.skip.by_fuel_left_out", rows=f"{int(left['rows']):,}")
    return ctx.t("fig.skip.no_by_fuel")


def _read_fuels(ctx: Context) -> Series:
    """{fuel: {year: t CO2}} summed over the members, from emissions.by_fuel."""
    sums: Series = defaultdict(lambda: defaultdict(float))
    member_set = set(ctx.members)
    for r in one_region(records(ctx.d, "emissions", "by_fuel")):
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
    ax.set_ylabel(ctx.t("fig.axis.emissions", unit=unit))
    bars_with_share(
        ax,
        (years, [v / div for v in vals], ctx.t("fig.legend.emissions")),
        [(y, s * 100) for y, s in share if s is not None],
        (ctx.t("fig.legend.share_manufacturing"), ctx.t("fig.axis.share_manufacturing")),
        ctx.lang,
    )
    return fig


def _group_panel(
    ax: Axes, ctx: Context, codes: list[str], series: tuple[Series, Series], div: float
) -> list[int]:
    """Bars of CO2 (left axis) and lines of intensity (right axis) for ``codes``.

    Colours follow the sector's place in its group (the panel's declared order), so
    every panel uses the most distinct colours of the palette.
    """
    import numpy as np

    co2, inten = series
    years = sorted({y for c in codes for y in co2[c]})
    width = 0.8 / max(len(codes), 1)
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    for j, code in enumerate(codes):
        colour = line_colour(j)
        xs = np.array(years) - 0.4 + width * (j + 0.5)
        heights = [co2[code].get(y, np.nan) / div for y in years]
        ax.bar(xs, heights, width=width, color=colour, alpha=0.4, edgecolor=colour, linewidth=0.5)
        iy = sorted(inten.get(code, {}))
        if iy:
            ax2.plot(
                iy,
                [inten[code][y] for y in iy],
                color=colour,
                marker=MARKERS[j % len(MARKERS)],
                markeredgecolor="white",
                markeredgewidth=0.6,
                linewidth=1.4,
                zorder=3,
            )
    ax2.set_ylabel(ctx.t("fig.axis.intensity_short"), fontsize=7)
    ax2.tick_params(labelsize=7)
    return years


def _panel_legend(lax: Axes, ctx: Context, codes: list[str]) -> None:
    """The panel's own legend (bar and line per industry) in the axes-free row below it."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        (
            Patch(facecolor=line_colour(j), alpha=0.4, edgecolor=line_colour(j)),
            Line2D([], [], color=line_colour(j), marker=MARKERS[j % len(MARKERS)]),
        )
        for j in range(len(codes))
    ]
    lax.axis("off")
    lax.legend(
        handles,
        [ctx.label(c, 38) for c in codes],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        borderaxespad=0.0,
        fontsize=7,
        handler_map={tuple: HandlerTuple(ndivide=None)},
    )


def _legend_lines(ctx: Context, codes: list[str]) -> int:
    return sum(ctx.label(c, 38).count("\n") + 1 for c in codes)


def _draw_by_group(ctx: Context) -> Figure:
    co2 = _read_co2_by_sector(ctx)
    inten = _read_intensity(ctx)
    groups = [g for g, _ in ctx.groups if any(ctx.group_of.get(c) == g for c in co2)] or [""]
    members = {
        g: [c for c in ctx.members if c in co2 and (not g or ctx.group_of.get(c) == g)]
        for g in groups
    }
    ncol = 2 if len(groups) > 1 else 1
    nrow = (len(groups) + ncol - 1) // ncol
    fig = new_figure("panels", nrow)
    ratios = []
    for r in range(nrow):
        lines = max(_legend_lines(ctx, members[g]) for g in groups[r * ncol : (r + 1) * ncol])
        legend_in = 0.125 * lines + 0.05
        ratios += [max(canvas_height("panels") - legend_in - 0.8, 1.1), legend_in]
    grid = fig.add_gridspec(2 * nrow, ncol, height_ratios=ratios)
    div, unit = mass_unit([v for s in co2.values() for v in s.values()])
    for i, gid in enumerate(groups):
        row, col = divmod(i, ncol)
        ax = fig.add_subplot(grid[2 * row, col])
        years = _group_panel(ax, ctx, members[gid], (co2, inten), div)
        ax.set_title(ctx.group_label(gid) if gid else ctx.t("fig.title.all_industries"), fontsize=9)
        ax.set_ylabel(ctx.t("fig.axis.emissions", unit=unit), fontsize=8)
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.tick_params(axis="y", labelsize=7)
        _panel_legend(fig.add_subplot(grid[2 * row + 1, col]), ctx, members[gid])
    fig.suptitle(ctx.t("fig.note.bars_lines"), fontsize=8, x=0.01, ha="left")
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
    fig = new_figure("items", len(ranks))
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
        ax.annotate(  # the whole name, wrapped, never cut
            ctx.label(code, RANK_LABEL_WIDTH),
            (ys[-1], ranks[code][ys[-1]]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            linespacing=1.0,
            color=ctx.colour(code),
        )
    n = max((max(r.values()) for r in ranks.values()), default=1)
    ax.set_ylim(n + 0.5, 0.5)
    ax.set_yticks(range(1, n + 1))
    ax.set_ylabel(ctx.t("fig.axis.rank_intensity"))
    ax.grid(False)
    year_axis(ax, years, ctx.lang)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    return fig


def fuel_label(ctx: Context, fuel: str) -> str:
    """A fuel's name in words: the catalogue's for known fuels, else the code spelt out."""
    key = f"fig.fuel.{fuel}"
    return ctx.t(key) if has_text(key) else plain(fuel.replace("_", " "))


def _draw_fuels(ctx: Context) -> Figure:
    sums = _read_fuels(ctx)
    years = sorted({y for s in sums.values() for y in s})
    fuels = fuel_order(list(sums))
    colours = fuel_colours(fuels)
    div, unit = mass_unit([sum(sums[f].get(y, 0.0) for f in fuels) for y in years])
    parts = [
        (fuel_label(ctx, f), colours[f], [sums[f].get(y, 0.0) / div for y in years]) for f in fuels
    ]
    fig = new_figure()
    ax = fig.add_subplot()
    stack_signed(ax, years, parts)
    ax.set_ylabel(ctx.t("fig.axis.emissions", unit=unit))
    year_axis(ax, years, ctx.lang)
    handles, labels = ax.get_legend_handles_labels()
    legend_right(  # the first fuel at the top, as it stacks at the bottom: read bottom-up
        ax,
        handles[::-1],
        labels[::-1],
        title=ctx.t("fig.legend.fuel"),
        ncol=2 if len(fuels) > 12 else 1,
    )
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The emission section's figures, drawable or skipped with the reason; in a panel
    drawn from the sum of regions (:func:`carbonpath.report.panel.sum_view`)."""
    if not is_panel(ctx.d):
        return _specs(ctx)
    whole = replace(ctx, d=sum_view(ctx.d))
    note = ctx.t("fig.note.panel_sum", n=len(region_codes(ctx.d)))
    out = []
    for s in _specs(whole):
        if s.name == "uncertainty_bands":
            s = replace(s, draw=None, skip=ctx.t("fig.skip.panel_uncertainty"))
        elif s.draw is not None:
            s = replace(s, draw=_drawn_on(s.draw, whole))
        out.append(replace(s, caption=f"{s.caption} {note}"))
    return out


def _drawn_on(draw: Any, whole: Context) -> Any:
    """``draw`` called on the sum-of-regions context whatever context it is given."""
    return lambda _ctx: draw(whole)


def _specs(ctx: Context) -> list[FigureSpec]:
    """The emission section's figures of ``ctx``."""
    d = ctx.d
    unc = uncertainty_series(d)
    return [
        spec(
            "emissions_total_share",
            ctx.t("fig.emissions_total_share.title"),
            ctx.t("fig.emissions_total_share.caption"),
            "emissions",
            _draw_emissions_total,
            None if _read_total(ctx) else ctx.t("fig.skip.no_total"),
        ),
        spec(
            "emissions_by_group",
            ctx.t("fig.emissions_by_group.title"),
            ctx.t("fig.emissions_by_group.caption"),
            "emissions",
            _draw_by_group,
            None if _read_co2_by_sector(ctx) else ctx.t("fig.skip.no_by_sector"),
        ),
        spec(
            "intensity_ranking",
            ctx.t("fig.intensity_ranking.title"),
            ctx.t("fig.intensity_ranking.caption"),
            "emissions",
            _draw_ranking,
            None if len(_read_intensity(ctx)) >= 2 else ctx.t("fig.skip.few_intensities"),
        ),
        spec(
            "fuel_contributions",
            ctx.t("fig.fuel_contributions.title"),
            ctx.t("fig.fuel_contributions.caption"),
            "emissions",
            _draw_fuels,
            None if _read_fuels(ctx) else _no_fuels(ctx),
        ),
        spec(
            "uncertainty_bands",
            ctx.t("fig.uncertainty_bands.title"),
            ctx.t(
                "fig.uncertainty_bands.caption_intensity"
                if "intensity" in unc
                else "fig.uncertainty_bands.caption"
            ),
            "emissions",
            draw_uncertainty,
            None if unc else ctx.t("fig.skip.no_uncertainty"),
        ),
    ]
