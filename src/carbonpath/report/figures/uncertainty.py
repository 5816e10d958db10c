"""The uncertainty figure: 95 % intervals of total emissions and of intensity.

The intervals come from ``emissions.uncertainty``: Approach 2 (Monte Carlo percentiles)
when present, else Approach 1 half-widths ``U %`` around the totals,
``[C (1 - U/100), C (1 + U/100)]`` (IPCC 2006 Vol. 1 Ch. 3).

Reading: :func:`uncertainty_series` is this figure's one look into the results.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import new_figure, year_axis
from carbonpath.report.figures.context import NEUTRAL, Context, mass_unit, num, records, section

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Band = tuple[int, float | None, float, float]  # year, central (or None), low, high

_LO = ("lo", "lower", "p2_5", "p025", "ci_lo", "q025")
_HI = ("hi", "upper", "p97_5", "p975", "ci_hi", "q975")
_MID = ("central", "value", "co2_t", "estimate", "mean", "median")
_U = ("u_percent", "uncertainty_percent", "u_pct", "u")


def _first(r: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    for k in keys:
        if k in r and num(r[k]) is not None:
            return num(r[k])
    return None


def _band_rows(unc: Any) -> list[dict[str, Any]]:
    """Records with a year and a 95 % interval from the uncertainty results, any layout."""
    if isinstance(unc, dict):
        for key in ("approach2", "approach1", "records", "total"):
            rows = _band_rows(unc.get(key))
            if rows:
                return rows
        return []
    if not isinstance(unc, list):
        return []
    return [
        r
        for r in unc
        if isinstance(r, dict)
        and r.get("year") is not None
        and _first(r, _LO) is not None
        and _first(r, _HI) is not None
    ]


def _band_kind(r: dict[str, Any]) -> str:
    what = " ".join(str(r.get(k, "")) for k in ("quantity", "variable", "metric", "measure"))
    return "intensity" if "intens" in what.lower() else "co2"


def _band_scope_ok(r: dict[str, Any]) -> bool:
    scope = r.get("scope", r.get("sector"))
    return scope is None or str(scope) in ("modern", "total", "members", "all")


def _approach1_bands(d: dict[str, Any], unc: dict[str, Any]) -> list[Band]:
    """Bands from Approach 1 percentage half-widths around emissions.total."""
    totals = {int(r["year"]): num(r.get("co2_t")) for r in records(d, "emissions", "total")}
    out: list[Band] = []
    for r in unc.get("approach1") or []:
        if not isinstance(r, dict) or r.get("year") is None or not _band_scope_ok(r):
            continue
        u = _first(r, _U)
        t = totals.get(int(r["year"]))
        if u is not None and t is not None:
            out.append((int(r["year"]), t, t * (1 - u / 100), t * (1 + u / 100)))
    return out


def uncertainty_series(d: dict[str, Any]) -> dict[str, list[Band]]:
    """{"co2": bands, "intensity": bands} (only kinds with bands), each by year."""
    unc = section(d, "emissions", "uncertainty")
    out: dict[str, list[Band]] = defaultdict(list)
    for r in _band_rows(unc):
        if _band_scope_ok(r):
            lo, hi = _first(r, _LO), _first(r, _HI)
            assert lo is not None and hi is not None  # _band_rows kept only such rows
            out[_band_kind(r)].append((int(r["year"]), _first(r, _MID), lo, hi))
    if not out and isinstance(unc, dict):
        bands = _approach1_bands(d, unc)
        if bands:
            out["co2"] = bands
    return {k: sorted(v) for k, v in out.items() if v}


def _band_panel(ax: Axes, ctx: Context, kind: str, pts: list[Band]) -> None:
    years = [p[0] for p in pts]
    if kind == "co2":
        div, unit = mass_unit([p[3] for p in pts])
        ylabel = ctx.t("fig.axis.emissions", unit=unit)
    else:
        div, ylabel = 1.0, ctx.t("fig.axis.intensity")
    ax.fill_between(
        years,
        [p[2] / div for p in pts],
        [p[3] / div for p in pts],
        color=NEUTRAL,
        alpha=0.25,
        linewidth=0,
        label=ctx.t("fig.legend.interval95"),
    )
    mids = [(p[0], p[1]) for p in pts if p[1] is not None]
    if mids:
        ax.plot(
            [m[0] for m in mids],
            [m[1] / div for m in mids],
            color=NEUTRAL,
            marker="o",
            label=ctx.t("fig.legend.central"),
        )
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    year_axis(ax, years, ctx.lang)
    ax.tick_params(axis="x", labelrotation=45)


def draw_uncertainty(ctx: Context) -> Figure:
    """One panel per kind (emissions, intensity): the band and the central estimate."""
    series = uncertainty_series(ctx.d)
    kinds = [k for k in ("co2", "intensity") if k in series]
    fig = new_figure()
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    for ax, kind in zip(axes, kinds, strict=True):
        _band_panel(ax, ctx, kind, series[kind])
    handles, labels = axes[0].get_legend_handles_labels()
    # one legend above the panels, outside them: it never covers a band
    fig.legend(handles, labels, loc="outside upper left", ncol=len(labels))
    return fig
