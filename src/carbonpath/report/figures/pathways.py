"""The pathways figure: observed emissions, scenario paths with bootstrap bands, targets.

Reading: :func:`scenario_records`, :func:`target_records` and :func:`_read_history` are
this section's only look into the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import legend_right, new_figure
from carbonpath.report.figures.colours import DASHES, line_colour
from carbonpath.report.figures.context import (
    POS,
    Context,
    FigureSpec,
    mass_unit,
    num,
    plain,
    spec,
)
from carbonpath.report.panel import co2_by_year

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# ---------------------------------------------------------------------------- reading
def scenario_records(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Scenario path records (year, scenario, co2_t, lo, hi) with a CO2 value."""
    sc = d.get("scenarios")
    rows: Any = None
    if isinstance(sc, dict):
        rows = sc.get("records") or sc.get("paths")
    elif isinstance(sc, list):
        rows = sc
    return [
        r
        for r in rows or []
        if isinstance(r, dict)
        and r.get("year") is not None
        and num(r.get("co2_t")) is not None
        and _whole(r)
    ]


def _whole(r: dict[str, Any]) -> bool:
    """A row of the whole study: no region (one-region study) or the sum of regions."""
    return str(r.get("region", "total")) in ("total", "*")


def target_records(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets as a list of records, whether ``targets`` is a list or {targets: [...]}."""
    t = d.get("targets")
    if isinstance(t, dict):
        t = t.get("targets") or t.get("records")
    return [r for r in t or [] if isinstance(r, dict)]


def _read_history(d: dict[str, Any]) -> list[tuple[int, float]]:
    """(year, t CO2) observed: emissions.total, in a panel the complete sums of regions."""
    return list(co2_by_year(d).items())


def _absolute_targets(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        t
        for t in target_records(d)
        if t.get("type") == "absolute"
        and _whole(t)
        and num(t.get("target_value")) is not None
        and t.get("target_year") is not None
    ]


# ------------------------------------------------------------------------------ drawing
def _scenario_line(ax: Axes, rows: list[dict[str, Any]], name: str, i: int, div: float) -> None:
    """One scenario's path and, where given, its band."""
    pts = sorted(
        (int(r["year"]), float(r["co2_t"]), num(r.get("lo")), num(r.get("hi")))
        for r in rows
        if str(r.get("scenario")) == name
    )
    colour = line_colour(i)
    ax.plot(
        [p[0] for p in pts],
        [p[1] / div for p in pts],
        color=colour,
        linestyle=DASHES[(i + 1) % len(DASHES)],
        label=plain(name.replace("_", " ")),
    )
    band = [(p[0], p[2], p[3]) for p in pts if p[2] is not None and p[3] is not None]
    if band:
        ax.fill_between(
            [p[0] for p in band],
            [p[1] / div for p in band],
            [p[2] / div for p in band],
            color=colour,
            alpha=0.18,
            linewidth=0,
        )


def _draw_fan(ctx: Context) -> Figure:
    rows = scenario_records(ctx.d)
    hist = _read_history(ctx.d)
    found = list(dict.fromkeys(str(r.get("scenario")) for r in rows))
    declared = [n for n in ctx.declared("scenarios") if n in found]
    names = declared + [n for n in found if n not in declared]  # the study's order
    div, unit = mass_unit([float(r["co2_t"]) for r in rows] + [v for _, v in hist])
    fig = new_figure()
    ax = fig.add_subplot()
    if hist:
        ax.plot(
            [h[0] for h in hist],
            [h[1] / div for h in hist],
            color="black",
            marker="o",
            label=ctx.t("fig.legend.observed"),
        )
    for i, name in enumerate(names):
        _scenario_line(ax, rows, name, i, div)
    for t in _absolute_targets(ctx.d):
        ax.plot(
            [int(t["target_year"])],
            [float(t["target_value"]) / div],
            marker="*",
            markersize=12,
            color=POS,
            linestyle="none",
            label=ctx.t("fig.legend.target", name=plain(t.get("name", ""))),
        )
    ax.set_ylabel(ctx.t("fig.axis.emissions", unit=unit))
    ax.set_xlabel(ctx.t("fig.axis.year"))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2012.5
    ax.set_ylim(bottom=0)
    legend_right(ax)
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The scenario figure, drawable or skipped with the reason."""
    return [
        spec(
            "scenario_fan",
            ctx.t("fig.scenario_fan.title"),
            ctx.t(
                "fig.scenario_fan.caption_targets"
                if _absolute_targets(ctx.d)
                else "fig.scenario_fan.caption"
            ),
            "pathways",
            _draw_fan,
            None if scenario_records(ctx.d) else ctx.t("fig.skip.no_scenarios"),
        )
    ]
