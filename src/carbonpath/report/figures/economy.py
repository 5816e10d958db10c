"""Economy and energy figures: the reference paper's Figs. 1-3 and 8.

- ``value_added_gdp_share`` (Fig. 1): value added of the studied industries (bars) and its
  share of the region's GDP, ``sum_i VA_i / GDP`` (line, %);
- ``output_by_industry`` (Fig. 2): gross output value per industry;
- ``value_added_structure`` (Fig. 3): each group's (or industry's) share of value added,
  ``VA_g / sum VA``; a negative value added stacks below zero;
- ``energy_efficiency`` (Fig. 8): output value per tce, from the emission results or,
  without them, ``output / (energy_GJ / TCE_GJ)``.

Reading: :func:`_read` is this section's one look into the results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.core.units import TCE_GJ
from carbonpath.report.figures.accounting import sector_intensity
from carbonpath.report.figures.canvas import (
    bars_with_share,
    legend_right,
    new_figure,
    sector_lines,
    stack_signed,
    year_axis,
)
from carbonpath.report.figures.colours import fill_colour
from carbonpath.report.figures.context import (
    YUAN_1E8,
    Context,
    FigureSpec,
    num,
    section,
    spec,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

Series = dict[str, dict[int, float]]


@dataclass(frozen=True)
class EconomyData:
    """The economy series the figures draw, in canonical units (yuan, GJ)."""

    has_data: bool
    value_added: Series
    output: Series
    gdp: dict[int, float]


def _read(ctx: Context) -> EconomyData:
    """Value added and output of the members, and GDP of the region row (or the first)."""
    has = section(ctx.d, "data", "economy") is not None
    va = {c: v for c, v in ctx.economy("value_added").items() if c in ctx.members}
    out = {c: v for c, v in ctx.economy("output_value").items() if c in ctx.members}
    gdp_all = ctx.economy("gdp")
    regions = [c for c in ctx.region_codes() if c in gdp_all] or list(gdp_all)
    gdp = gdp_all[regions[0]] if regions else {}
    return EconomyData(has, va if has else {}, out if has else {}, gdp if has else {})


def efficiency_series(ctx: Context) -> Series:
    """Output value per tce by member: emissions.intensity, else output / energy_total."""
    out: Series = defaultdict(dict)
    for r in sector_intensity(ctx):
        v = num(r.get("efficiency_yuan_per_tce"))
        if v is not None:
            out[str(r["scope"])][int(r["year"])] = v
    if out:
        return dict(out)
    output = ctx.economy("output_value")
    energy = ctx.economy("energy_total")
    for code in ctx.members:
        for y, e in (energy.get(code) or {}).items():
            o = (output.get(code) or {}).get(y)
            if o is not None and e > 0:
                out[code][y] = o / (e / TCE_GJ)
    return dict(out)


def _totals(ctx: Context, series: Series) -> dict[int, float]:
    """Sum over the members of ``series`` per year, study years only."""
    totals: dict[int, float] = defaultdict(float)
    for code in ctx.members:
        for y, v in (series.get(code) or {}).items():
            if ctx.in_years(y):
                totals[y] += v
    return dict(totals)


def _draw_value_added(ctx: Context) -> Figure:
    data = _read(ctx)
    totals = _totals(ctx, data.value_added)
    years = sorted(totals)
    fig = new_figure()
    ax = fig.add_subplot()
    ax.set_ylabel(ctx.t("fig.axis.value_added"))
    share = [(y, totals[y] / data.gdp[y] * 100) for y in years if data.gdp.get(y)]
    bars_with_share(
        ax,
        (years, [totals[y] / YUAN_1E8 for y in years], ctx.t("fig.legend.value_added")),
        share,
        (ctx.t("fig.legend.share_gdp"), ctx.t("fig.axis.share_gdp")),
        ctx.lang,
    )
    return fig


def _draw_output(ctx: Context) -> Figure:
    fig = new_figure()
    ax = fig.add_subplot()
    years = sector_lines(ax, ctx, _read(ctx).output, YUAN_1E8)
    ax.set_ylabel(ctx.t("fig.axis.output_value"))
    year_axis(ax, years, ctx.lang)
    legend_right(ax)
    return fig


def _structure_parts(
    ctx: Context, va: Series
) -> tuple[list[int], list[tuple[str, str, list[float]]]]:
    """Years and (label, colour, share %) per group, or per industry without groups."""
    by_group = bool(ctx.groups)
    keys = [g for g, _ in ctx.groups] if by_group else ctx.members
    sums: Series = {}
    for code in ctx.members:
        key = ctx.group_of.get(code, "") if by_group else code
        for y, v in (va.get(code) or {}).items():
            if ctx.in_years(y):
                sums.setdefault(key, {})
                sums[key][y] = sums[key].get(y, 0.0) + v
    totals = _totals(ctx, va)
    years = sorted(y for y in totals if totals[y])
    parts = []
    for i, key in enumerate(keys):
        if key in sums:
            label = ctx.group_label(key) if by_group else ctx.label(key)
            share = [sums[key].get(y, 0.0) / totals[y] * 100 for y in years]
            parts.append((label, fill_colour(i), share))  # colour by declared order
    return years, parts


def _draw_va_structure(ctx: Context) -> Figure:
    years, parts = _structure_parts(ctx, _read(ctx).value_added)
    fig = new_figure()
    ax = fig.add_subplot()
    stack_signed(ax, years, parts)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(ctx.t("fig.axis.share_value_added"))
    year_axis(ax, years, ctx.lang)
    legend_right(ax)
    return fig


def _draw_efficiency(ctx: Context) -> Figure:
    fig = new_figure()
    ax = fig.add_subplot()
    years = sector_lines(ax, ctx, efficiency_series(ctx), 1e4)
    ax.set_ylabel(ctx.t("fig.axis.efficiency"))
    year_axis(ax, years, ctx.lang)
    legend_right(ax)
    return fig


def _missing(ctx: Context, data: EconomyData, series: Series, variable: str) -> str | None:
    if not data.has_data:
        return ctx.t("fig.skip.no_economy")
    return None if series else ctx.t("fig.skip.no_variable", variable=variable)


def specs(ctx: Context) -> list[FigureSpec]:
    """The economy section's figures, drawable or skipped with the reason."""
    data = _read(ctx)
    no_va = _missing(ctx, data, data.value_added, "value_added")
    return [
        spec(
            "value_added_gdp_share",
            ctx.t("fig.value_added_gdp_share.title"),
            ctx.t("fig.value_added_gdp_share.caption")
            + ("" if data.gdp else " " + ctx.t("fig.value_added_gdp_share.no_gdp")),
            "economy",
            _draw_value_added,
            no_va,
        ),
        spec(
            "output_by_industry",
            ctx.t("fig.output_by_industry.title"),
            ctx.t("fig.output_by_industry.caption"),
            "economy",
            _draw_output,
            _missing(ctx, data, data.output, "output_value"),
        ),
        spec(
            "value_added_structure",
            ctx.t("fig.value_added_structure.title"),
            ctx.t(
                "fig.value_added_structure.caption_groups"
                if ctx.groups
                else "fig.value_added_structure.caption_industries"
            ),
            "economy",
            _draw_va_structure,
            no_va,
        ),
        spec(
            "energy_efficiency",
            ctx.t("fig.energy_efficiency.title"),
            ctx.t("fig.energy_efficiency.caption", tce_gj=TCE_GJ),
            "economy",
            _draw_efficiency,
            None if efficiency_series(ctx) else ctx.t("fig.skip.no_efficiency"),
        ),
    ]
