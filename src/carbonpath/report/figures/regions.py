"""Emissions by region, for a panel study (a study with ``regions.csv``).

``emissions_by_region``: a ranked bar chart of each region's CO2 in the last year
(largest at the top) with a dot at its first-year value, so the change since then reads
off each bar.  Regions are named by ``study.regions`` (``name``, or ``name_zh`` in a
Chinese report) and keep their declared colour.  A one-region study has no region
figure (not even a skipped one) and all its other figures are unchanged.

Reading: :func:`region_totals` is this figure's one look into the results: the
``emissions.total`` rows that carry a ``region`` (the all-regions rows, region ``*``,
are left out).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import new_figure
from carbonpath.report.figures.colours import fill_colour
from carbonpath.report.figures.context import (
    ALL_REGIONS,
    Context,
    FigureSpec,
    mass_unit,
    num,
    plain,
    records,
    spec,
)
from carbonpath.report.panel import region_codes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def region_totals(d: dict[str, Any]) -> dict[str, dict[int, float]]:
    """{region: {year: t CO2}} from emissions.total (or by_sector summed), regions only."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for r in records(d, "emissions", "total"):
        region, v = str(r.get("region", "")), num(r.get("co2_t"))
        if region not in ALL_REGIONS and v is not None and r.get("year") is not None:
            out[region][int(r["year"])] = v
    if len(out) < 2:
        return {}
    return dict(out)


def _region_names(ctx: Context) -> tuple[list[str], dict[str, str]]:
    """Declared region order and display names (name_zh in a Chinese report)."""
    regions = (ctx.d.get("study") or {}).get("regions") or []
    order, names = [], {}
    for r in regions if isinstance(regions, list) else []:
        if isinstance(r, dict) and r.get("code") not in (None, ""):
            code = str(r["code"])
            order.append(code)
            zh = r.get("name_zh") if ctx.lang == "zh" else None
            names[code] = plain(zh or r.get("name") or code)
    if not order:  # results without study.regions: regions.csv order, codes as names
        order = region_codes(ctx.d)
    return order, names


def _draw_regions(ctx: Context) -> Figure:
    totals = region_totals(ctx.d)
    order, names = _region_names(ctx)
    order = [c for c in order if c in totals] + sorted(c for c in totals if c not in order)
    last = max(y for s in totals.values() for y in s)
    first = min(y for s in totals.values() for y in s)
    ranked = sorted(
        (c for c in order if last in totals[c]), key=lambda c: (-totals[c][last], order.index(c))
    )
    div, unit = mass_unit([v for s in totals.values() for v in s.values()])
    fig = new_figure("items", len(ranked))
    ax = fig.add_subplot()
    ys = list(range(len(ranked)))
    colours = [fill_colour(order.index(c)) for c in ranked]
    ax.barh(ys, [totals[c][last] / div for c in ranked], color=colours, height=0.7)
    starts = [(y, totals[c].get(first)) for y, c in zip(ys, ranked, strict=True)]
    if first != last:
        ax.plot(
            [v / div for _, v in starts if v is not None],
            [y for y, v in starts if v is not None],
            "o",
            color="black",
            markersize=4,
            label=ctx.t("fig.legend.first_year", year=first),
        )
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), borderaxespad=0.0)
    ax.set_yticks(ys)
    ax.set_yticklabels([names.get(c, plain(c)) for c in ranked])
    ax.invert_yaxis()
    ax.set_xlabel(ctx.t("fig.axis.region_emissions", year=last, unit=unit))
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The region figure of a panel study; none in a one-region study (its list unchanged)."""
    totals = region_totals(ctx.d)
    if not totals:
        return []
    years = sorted({y for s in totals.values() for y in s})
    caption = (
        ctx.t("fig.emissions_by_region.caption", first=years[0], last=years[-1])
        if len(years) > 1
        else ctx.t("fig.emissions_by_region.caption_one_year", last=years[-1] if years else "")
    )
    return [
        spec(
            "emissions_by_region",
            ctx.t("fig.emissions_by_region.title"),
            caption,
            "emissions",
            _draw_regions,
            None,
        )
    ]
