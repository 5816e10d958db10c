"""The report's figures, drawn from ``results.to_dict()`` only.

``figure_specs(d)`` is pure: it decides, from the plain results, which figures can be
drawn (with title and caption) and which are skipped (with the reason); nothing is
ever drawn empty.  ``write_figures`` draws the drawable ones into ``figures/`` as PNG
(200 dpi, or ``[report] dpi``) and SVG.  The HTML report calls the same specs, so it
shows the same figures, captions and skip notes whether or not ``figures/`` was
written.  ``render_figures`` draws on idle CPUs in worker processes when that pays
(``CARBONPATH_FIGURE_JOBS=1`` draws in the calling process); the bytes are the same.

Equivalents of the reference paper's figures (value added and its GDP share, Fig. 1;
output by industry, Fig. 2; value-added structure, Fig. 3; energy efficiency, Fig. 8;
emissions and share of manufacturing, Fig. 10; emissions and intensity per group,
Figs. 11-14; intensity ranking, Fig. 15; index, Fig. 16; ridge trace, Fig. 17; R2 vs
k, Fig. 18; predicted vs actual, Fig. 19) and figures beyond it (fuel contributions,
uncertainty bands, alternative weights, index sensitivity, LMDI waterfall, scenario
fan chart).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.core.errors import InputError
from carbonpath.report.style import (
    DASHES,
    DEFAULT_DPI,
    LINE_PALETTE,
    MARKERS,
    PALETTE,
    StyleInfo,
    has_cjk,
    style_context,
    style_info,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from carbonpath.results import Results

TCE_GJ = 29.3076  # 1 tce = 29.3076 GJ (GB/T 2589)
YUAN_1E8 = 1e8
NEG = "#009E73"  # decreases (green)
POS = "#D55E00"  # increases (vermillion)
NEUTRAL = "#0072B2"


# ----------------------------------------------------------------------------- context
@dataclass
class Context:
    """Sector labels, colours and groups, derived once from the results."""

    d: dict[str, Any]
    members: list[str]
    labels: dict[str, str]
    group_of: dict[str, str]
    groups: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)

    def label(self, code: str, width: int = 26) -> str:
        return textwrap.fill(plain(self.labels.get(code, str(code))), width)

    def colour(self, code: str) -> str:
        i = self.members.index(code) if code in self.members else len(self.members)
        return LINE_PALETTE[i % len(LINE_PALETTE)]

    def marker(self, code: str) -> str:
        i = self.members.index(code) if code in self.members else 0
        return MARKERS[i % len(MARKERS)]

    def dash(self, code: str) -> str:
        i = self.members.index(code) if code in self.members else 0
        return DASHES[(i // len(LINE_PALETTE)) % len(DASHES)]

    def group_label(self, gid: str) -> str:
        return plain(dict(self.groups).get(gid, gid))


def plain(text: Any) -> str:
    """User text for a matplotlib label: '$' escaped so it is never parsed as mathtext."""
    return str(text).replace("$", r"\$")


def _section(d: dict[str, Any], *path: str) -> Any:
    """d[path[0]][path[1]]...; None when any key is missing or the value is empty."""
    cur: Any = d
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur if cur not in ([], {}, "") else None


def _records(d: dict[str, Any], *path: str) -> list[dict[str, Any]]:
    val = _section(d, *path)
    if isinstance(val, list):
        return [r for r in val if isinstance(r, dict)]
    return []


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if f == f and abs(f) != float("inf") else None


def build_context(d: dict[str, Any], info: StyleInfo) -> Context:
    """Sector order (study order), display labels and group membership."""
    study = d.get("study") or {}
    sectors = [s for s in study.get("sectors") or [] if isinstance(s, dict) and "code" in s]
    if not sectors:
        sectors = [s for s in _records(d, "data", "sectors") if "code" in s]
    members = [str(s["code"]) for s in sectors if s.get("role", "member") == "member"]
    report = (d.get("settings") or {}).get("report") or {}
    want = report.get("labels") or ("name_zh" if report.get("language") == "zh" else "name")
    notes: list[str] = []
    labels: dict[str, str] = {}
    lost_cjk = False
    for s in sectors:
        code = str(s["code"])
        name = str(s.get("name") or code)
        zh = str(s.get("name_zh") or "")
        if want == "code":
            text = code
        elif want == "name_zh" and zh:
            text = zh
        else:
            text = name
        if has_cjk(text) and info.cjk_font is None:
            lost_cjk = True
            text = name if not has_cjk(name) else f"Sector {code}"
        labels[code] = text
    if lost_cjk:
        notes.extend(info.notes)
    group_of = {str(s["code"]): str(s.get("group") or "") for s in sectors}
    groups = [
        (str(g["id"]), str(g.get("label") or g["id"]))
        for g in study.get("groups") or []
        if isinstance(g, dict) and "id" in g
    ]
    known = {g for g, _ in groups}
    for code in members:  # groups used by sectors but not declared: keep study order
        g = group_of.get(code, "")
        if g and g not in known:
            groups.append((g, g))
            known.add(g)
    return Context(d, members, labels, group_of, groups, notes)


# ------------------------------------------------------------------------ data access
def _economy(ctx: Context, variable: str) -> dict[str, dict[int, float]]:
    """{sector: {year: value}} of one economy variable (canonical units) from d["data"]."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _records(ctx.d, "data", "economy"):
        if r.get("variable") == variable:
            v = _num(r.get("value"))
            if v is not None and r.get("year") is not None:
                out[str(r.get("sector"))][int(r["year"])] = v
    return dict(out)


def _years(d: dict[str, Any]) -> tuple[int, int] | None:
    ys = (d.get("study") or {}).get("years")
    if isinstance(ys, list) and len(ys) == 2:
        return int(ys[0]), int(ys[1])
    return None


def _in_years(ctx: Context, year: int) -> bool:
    span = _years(ctx.d)
    return span is None or span[0] <= year <= span[1]


def _region_codes(ctx: Context) -> list[str]:
    study = ctx.d.get("study") or {}
    return [str(s["code"]) for s in study.get("sectors") or [] if s.get("role") == "region"]


def _sector_intensity(ctx: Context) -> list[dict[str, Any]]:
    return [
        r
        for r in _records(ctx.d, "emissions", "intensity")
        if r.get("scope_type", "sector") == "sector" and str(r.get("scope")) in ctx.members
    ]


def _mass_unit(values: list[float]) -> tuple[float, str]:
    """A divisor and label so CO2 axes read in t, kt or Mt."""
    top = max((abs(v) for v in values), default=0.0)
    if top >= 5e6:
        return 1e6, "Mt CO₂"
    if top >= 5e3:
        return 1e3, "kt CO₂"
    return 1.0, "t CO₂"


# ------------------------------------------------------------------------ figure parts
def _new(width: float = 6.3, height: float = 3.6) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _legend_right(ax: Axes, handles: Any = None, labels: Any = None, **kw: Any) -> None:
    args = (handles, labels) if handles is not None else ()
    ax.legend(*args, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kw)


def _legend_top(ax: Axes, handles: Any, labels: Any) -> None:
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        ncol=len(labels),
        borderaxespad=0.0,
    )


def _year_axis(ax: Axes, years: list[int]) -> None:
    ax.set_xticks(sorted(set(years)))
    ax.set_xlabel("Year")
    if len(set(years)) > 10:
        ax.tick_params(axis="x", labelrotation=45)


def _sector_lines(
    ax: Axes, ctx: Context, series: dict[str, dict[int, float]], scale: float = 1.0
) -> list[int]:
    years: list[int] = []
    for code in ctx.members:
        s = series.get(code)
        if not s:
            continue
        ys = sorted(y for y in s if _in_years(ctx, y))
        years += ys
        ax.plot(
            ys,
            [s[y] / scale for y in ys],
            color=ctx.colour(code),
            marker=ctx.marker(code),
            linestyle=ctx.dash(code),
            label=ctx.label(code),
        )
    return years


# ------------------------------------------------------------------ paper equivalents
def _draw_value_added(ctx: Context) -> Figure:
    va = _economy(ctx, "value_added")
    gdp_all = _economy(ctx, "gdp")
    regions = [c for c in _region_codes(ctx) if c in gdp_all] or list(gdp_all)
    gdp = gdp_all[regions[0]] if regions else {}
    totals: dict[int, float] = defaultdict(float)
    for code in ctx.members:
        for y, v in (va.get(code) or {}).items():
            if _in_years(ctx, y):
                totals[y] += v
    years = sorted(totals)
    fig = _new()
    ax = fig.add_subplot()
    ax.bar(years, [totals[y] / YUAN_1E8 for y in years], color=NEUTRAL, label="Value added")
    ax.set_ylabel("Value added (10⁸ yuan)")
    _year_axis(ax, years)
    share_years = [y for y in years if gdp.get(y)]
    handles, labels = ax.get_legend_handles_labels()
    if share_years:
        ax2 = ax.twinx()
        ax2.plot(
            share_years,
            [totals[y] / gdp[y] * 100 for y in share_years],
            color=POS,
            marker="o",
            label="Share of GDP",
        )
        ax2.set_ylabel("Share of GDP (%)")
        ax2.set_ylim(bottom=0)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    _legend_top(ax, handles, labels)
    return fig


def _draw_output(ctx: Context) -> Figure:
    fig = _new()
    ax = fig.add_subplot()
    years = _sector_lines(ax, ctx, _economy(ctx, "output_value"), YUAN_1E8)
    ax.set_ylabel("Output value (10⁸ yuan)")
    _year_axis(ax, years)
    _legend_right(ax)
    return fig


def _stack_signed(ax: Axes, years: list[int], parts: list[tuple[str, str, list[float]]]) -> None:
    """Stacked bars where negative parts stack downwards from zero."""
    import numpy as np

    pos = np.zeros(len(years))
    neg = np.zeros(len(years))
    for label, colour, vals in parts:
        v = np.array(vals, dtype=float)
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(years, v, bottom=bottom, color=colour, label=label, edgecolor="white", linewidth=0.4)
        pos = pos + np.where(v >= 0, v, 0)
        neg = neg + np.where(v < 0, v, 0)


def _draw_va_structure(ctx: Context) -> Figure:
    va = _economy(ctx, "value_added")
    by_group = bool(ctx.groups)
    keys = [g for g, _ in ctx.groups] if by_group else ctx.members
    sums: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[int, float] = defaultdict(float)
    for code in ctx.members:
        key = ctx.group_of.get(code, "") if by_group else code
        for y, v in (va.get(code) or {}).items():
            if _in_years(ctx, y):
                sums[key][y] += v
                totals[y] += v
    years = sorted(y for y in totals if totals[y])
    parts = []
    for i, key in enumerate(keys):
        if key in sums:
            label = ctx.group_label(key) if by_group else ctx.label(key)
            parts.append(
                (label, PALETTE[i % len(PALETTE)], [sums[key][y] / totals[y] * 100 for y in years])
            )
    fig = _new()
    ax = fig.add_subplot()
    _stack_signed(ax, years, parts)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("Share of value added (%)")
    _year_axis(ax, years)
    _legend_right(ax)
    return fig


def _efficiency_series(ctx: Context) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _sector_intensity(ctx):
        v = _num(r.get("efficiency_yuan_per_tce"))
        if v is not None:
            out[str(r["scope"])][int(r["year"])] = v
    if out:
        return dict(out)
    output = _economy(ctx, "output_value")
    energy = _economy(ctx, "energy_total")
    for code in ctx.members:
        for y, e in (energy.get(code) or {}).items():
            o = (output.get(code) or {}).get(y)
            if o is not None and e > 0:
                out[code][y] = o / (e / TCE_GJ)
    return dict(out)


def _draw_efficiency(ctx: Context) -> Figure:
    fig = _new()
    ax = fig.add_subplot()
    years = _sector_lines(ax, ctx, _efficiency_series(ctx), 1e4)
    ax.set_ylabel("Energy efficiency (10⁴ yuan per tce)")
    _year_axis(ax, years)
    _legend_right(ax)
    return fig


def _draw_emissions_total(ctx: Context) -> Figure:
    rows = sorted(
        (r for r in _records(ctx.d, "emissions", "total") if _num(r.get("co2_t")) is not None),
        key=lambda r: r["year"],
    )
    years = [int(r["year"]) for r in rows]
    vals = [float(r["co2_t"]) for r in rows]
    div, unit = _mass_unit(vals)
    fig = _new()
    ax = fig.add_subplot()
    ax.bar(years, [v / div for v in vals], color=NEUTRAL, label="Emissions")
    ax.set_ylabel(f"Emissions ({unit})")
    _year_axis(ax, years)
    handles, labels = ax.get_legend_handles_labels()
    share = [(int(r["year"]), _num(r.get("share_of_reference"))) for r in rows]
    share = [(y, s) for y, s in share if s is not None]
    if share:
        ax2 = ax.twinx()
        ax2.plot(
            [y for y, _ in share],
            [s * 100 for _, s in share],
            color=POS,
            marker="o",
            label="Share of manufacturing",
        )
        ax2.set_ylabel("Share of all manufacturing (%)")
        ax2.set_ylim(bottom=0)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    _legend_top(ax, handles, labels)
    return fig


def _co2_by_sector(ctx: Context) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _records(ctx.d, "emissions", "by_sector"):
        v = _num(r.get("co2_t"))
        if v is not None and str(r.get("sector")) in ctx.members and _in_years(ctx, int(r["year"])):
            out[str(r["sector"])][int(r["year"])] = v
    return dict(out)


def _intensity_by_sector(ctx: Context) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _sector_intensity(ctx):
        v = _num(r.get("intensity_t_per_1e8_yuan"))
        if v is not None and _in_years(ctx, int(r["year"])):
            out[str(r["scope"])][int(r["year"])] = v
    return dict(out)


def _draw_by_group(ctx: Context) -> Figure:
    import numpy as np

    co2 = _co2_by_sector(ctx)
    inten = _intensity_by_sector(ctx)
    groups = [g for g, _ in ctx.groups if any(ctx.group_of.get(c) == g for c in co2)]
    if not groups:
        groups = [""]
    ncol = 2 if len(groups) > 1 else 1
    nrow = (len(groups) + ncol - 1) // ncol
    fig = _new(6.3 if ncol == 2 else 5.0, 2.6 * nrow + 0.3)
    div, unit = _mass_unit([v for s in co2.values() for v in s.values()])
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for i, gid in enumerate(groups):
        ax = axes[i // ncol][i % ncol]
        codes = [c for c in ctx.members if c in co2 and (not gid or ctx.group_of.get(c) == gid)]
        years = sorted({y for c in codes for y in co2[c]})
        width = 0.8 / max(len(codes), 1)
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        for j, code in enumerate(codes):
            xs = np.array(years) - 0.4 + width * (j + 0.5)
            ax.bar(
                xs,
                [co2[code].get(y, np.nan) / div for y in years],
                width=width,
                color=ctx.colour(code),
                alpha=0.5,
            )
            iy = sorted(inten.get(code, {}))
            if iy:
                ax2.plot(
                    iy,
                    [inten[code][y] for y in iy],
                    color=ctx.colour(code),
                    marker=ctx.marker(code),
                    linewidth=1.3,
                )
        ax.set_title(ctx.group_label(gid) if gid else "All industries", fontsize=9)
        ax.set_ylabel(f"Emissions ({unit})", fontsize=8)
        ax2.set_ylabel("Intensity (t CO₂ per 10⁸ yuan)", fontsize=7)
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for k in range(len(groups), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = [c for c in ctx.members if c in co2]
    handles = [
        (
            Patch(color=ctx.colour(c), alpha=0.5),
            Line2D([], [], color=ctx.colour(c), marker=ctx.marker(c)),
        )
        for c in shown
    ]
    from matplotlib.legend_handler import HandlerTuple

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
    fig.suptitle(
        "Bars: emissions (left axis); lines: intensity (right axis)", fontsize=8, x=0.01, ha="left"
    )
    return fig


def _draw_ranking(ctx: Context) -> Figure:
    inten = _intensity_by_sector(ctx)
    years = sorted({y for s in inten.values() for y in s})
    ranks: dict[str, dict[int, int]] = defaultdict(dict)
    for y in years:
        present = [c for c in ctx.members if y in inten.get(c, {})]
        order = sorted(present, key=lambda c: (-inten[c][y], ctx.members.index(c)))
        for r, c in enumerate(order, start=1):
            ranks[c][y] = r
    fig = _new(6.3, 3.8)
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
    _year_axis(ax, years)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    return fig


def _draw_index(ctx: Context) -> Figure:
    scores = sorted(
        (r for r in _records(ctx.d, "index", "scores") if _num(r.get("score")) is not None),
        key=lambda r: r["year"],
    )
    subs: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in _records(ctx.d, "index", "subsystems"):
        v = _num(r.get("score"))
        if v is not None:
            subs[str(r.get("subsystem"))].append((int(r["year"]), v))
    fig = _new()
    ax = fig.add_subplot()
    years = [int(r["year"]) for r in scores]
    vals = [float(r["score"]) for r in scores]
    ax.plot(years, vals, color="black", marker="o", linewidth=2.2, label="Index")
    for i, (name, pts) in enumerate(sorted(subs.items())):
        pts.sort()
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[(i + 1) % len(MARKERS)],
            linestyle="--",
            label=f"Subsystem: {plain(name)}",
        )
    for y, v in ((years[0], vals[0]), (years[-1], vals[-1])):
        ax.annotate(
            f"{v:.4f}", (y, v), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7
        )
    ax.set_ylabel("Score (0-1, dimensionless)")
    ax.set_ylim(bottom=0)
    _year_axis(ax, years + [p[0] for pts in subs.values() for p in pts])
    _legend_right(ax)
    return fig


_TRACE_META = {"k", "r2", "R2", "adj_r2", "sse", "gcv", "df"}


def _trace_terms(trace: list[dict[str, Any]]) -> list[str]:
    terms: list[str] = []
    for r in trace:
        for key, v in r.items():
            if key not in _TRACE_META and key not in terms and _num(v) is not None:
                if not key.lower().startswith(("vif", "b_", "se")):
                    terms.append(key)
    return terms


def _k_line(ax: Axes, ridge: dict[str, Any]) -> None:
    k = _num(ridge.get("k"))
    if k is not None:
        rule = ridge.get("k_rule")
        ax.axvline(k, color="#555555", linestyle=":", linewidth=1.2)
        ax.annotate(
            f"k = {k:g}" + (f" ({rule})" if rule else ""),
            (k, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -10),
            textcoords="offset points",
            fontsize=7,
        )


def _draw_ridge_trace(ctx: Context) -> Figure:
    ridge = _section(ctx.d, "stirpat", "ridge") or {}
    trace = sorted(
        (r for r in ridge.get("trace") or [] if _num(r.get("k")) is not None), key=lambda r: r["k"]
    )
    fig = _new()
    ax = fig.add_subplot()
    for i, term in enumerate(_trace_terms(trace)):
        pts = [(float(r["k"]), _num(r.get(term))) for r in trace]
        pts = [(k, v) for k, v in pts if v is not None]
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            color=PALETTE[i % len(PALETTE)],
            linestyle=DASHES[i % len(DASHES)],
            label=plain(term),
        )
    ax.axhline(0, color="black", linewidth=0.6)
    _k_line(ax, ridge)
    ax.set_xlabel("Ridge parameter k (correlation form, SPSS scale)")
    ax.set_ylabel("Standardised coefficient (Beta)")
    _legend_right(ax)
    return fig


def _draw_ridge_r2(ctx: Context) -> Figure:
    ridge = _section(ctx.d, "stirpat", "ridge") or {}
    pts = sorted(
        (float(r["k"]), float(r["r2"]))
        for r in ridge.get("trace") or []
        if _num(r.get("k")) is not None and _num(r.get("r2")) is not None
    )
    fig = _new(5.0, 3.2)
    ax = fig.add_subplot()
    ax.plot([p[0] for p in pts], [p[1] for p in pts], color=NEUTRAL, marker=".", label="R²(k)")
    _k_line(ax, ridge)
    ax.set_xlabel("Ridge parameter k (correlation form, SPSS scale)")
    ax.set_ylabel("R² (dimensionless)")
    return fig


_FIT_KEYS = {
    "year": ("year", "years"),
    "actual": ("actual", "observed", "y", "ln_c", "lnC"),
    "fitted": ("fitted", "predicted", "yhat", "prediction"),
}


def fit_rows(d: dict[str, Any]) -> list[tuple[Any, float, float]]:
    """(year, actual, predicted) of the ridge fit; years from the STIRPAT specification."""
    fit = _section(d, "stirpat", "ridge", "fit")
    years = _section(d, "stirpat", "specification", "years")
    if (
        isinstance(fit, dict)
        and "year" not in fit
        and "years" not in fit
        and isinstance(years, list)
    ):
        fit = {**fit, "year": years}
    return _fit_rows(fit)


def _fit_rows(fit: Any) -> list[tuple[Any, float, float]]:
    """(year, actual, fitted) triples from either a dict of lists or a list of records."""

    def pick(src: dict[str, Any], role: str) -> Any:
        for key in _FIT_KEYS[role]:
            if key in src:
                return src[key]
        return None

    rows: list[tuple[Any, float, float]] = []
    if isinstance(fit, dict):
        years, act, fitted = pick(fit, "year"), pick(fit, "actual"), pick(fit, "fitted")
        if isinstance(act, list) and isinstance(fitted, list) and len(act) == len(fitted):
            years = (
                years
                if isinstance(years, list) and len(years) == len(act)
                else list(range(1, len(act) + 1))
            )
            for y, a, f in zip(years, act, fitted, strict=True):
                a, f = _num(a), _num(f)
                if a is not None and f is not None:
                    rows.append((y, a, f))
        elif isinstance(fit.get("records"), list):
            return _fit_rows(fit["records"])
    elif isinstance(fit, list):
        for r in fit:
            if isinstance(r, dict):
                a, f = _num(pick(r, "actual")), _num(pick(r, "fitted"))
                if a is not None and f is not None:
                    rows.append((pick(r, "year"), a, f))
    return rows


def _draw_predicted(ctx: Context) -> Figure:
    rows = fit_rows(ctx.d)
    years = [r[0] for r in rows]
    scale = str((_section(ctx.d, "stirpat", "ridge", "fit") or {}).get("scale", ""))
    logs = scale.startswith("log") or (not scale and all(abs(v) < 40 for r in rows for v in r[1:]))
    fig = _new(5.0, 3.2)
    ax = fig.add_subplot()
    ax.plot(years, [r[1] for r in rows], color="black", marker="o", label="Actual")
    ax.plot(
        years, [r[2] for r in rows], color=POS, marker="s", linestyle="--", label="Ridge prediction"
    )
    ax.set_ylabel("ln C (C in t CO₂)" if logs else "Emissions (t CO₂)")
    if all(isinstance(y, int) for y in years):
        _year_axis(ax, years)
    else:
        ax.set_xlabel("Observation")
    ax.legend(loc="best")
    return fig


# ---------------------------------------------------------------- beyond the paper
def _draw_fuels(ctx: Context) -> Figure:
    sums: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    member_set = set(ctx.members)
    for r in _records(ctx.d, "emissions", "by_fuel"):
        v = _num(r.get("co2_t"))
        if v is None or (member_set and str(r.get("sector")) not in member_set):
            continue
        if _in_years(ctx, int(r["year"])):
            sums[str(r.get("fuel"))][int(r["year"])] += v
    years = sorted({y for s in sums.values() for y in s})
    fuels = sorted(sums, key=lambda f: -sum(sums[f].values()))
    div, unit = _mass_unit([sum(sums[f].get(y, 0.0) for f in fuels) for y in years])
    parts = [
        (
            plain(f.replace("_", " ")),
            PALETTE[i % len(PALETTE)],
            [sums[f].get(y, 0.0) / div for y in years],
        )
        for i, f in enumerate(fuels)
    ]
    fig = _new()
    ax = fig.add_subplot()
    _stack_signed(ax, years, parts)
    ax.set_ylabel(f"Emissions ({unit})")
    _year_axis(ax, years)
    _legend_right(ax, title="Fuel")
    return fig


_LO = ("lo", "lower", "p2_5", "p025", "ci_lo", "q025")
_HI = ("hi", "upper", "p97_5", "p975", "ci_hi", "q975")
_MID = ("central", "value", "co2_t", "estimate", "mean", "median")


def _first(r: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    for k in keys:
        if k in r and _num(r[k]) is not None:
            return _num(r[k])
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


def _uncertainty_series(
    d: dict[str, Any],
) -> dict[str, list[tuple[int, float | None, float, float]]]:
    unc = _section(d, "emissions", "uncertainty")
    out: dict[str, list[tuple[int, float | None, float, float]]] = defaultdict(list)
    for r in _band_rows(unc):
        if not _band_scope_ok(r):
            continue
        out[_band_kind(r)].append((int(r["year"]), _first(r, _MID), _first(r, _LO), _first(r, _HI)))  # type: ignore[arg-type]
    if not out and isinstance(unc, dict):  # Approach 1: percentage half-widths
        totals = {int(r["year"]): _num(r.get("co2_t")) for r in _records(d, "emissions", "total")}
        for r in unc.get("approach1") or []:
            if not isinstance(r, dict):
                continue
            u = _first(r, ("u_percent", "uncertainty_percent", "u_pct", "u"))
            t = totals.get(int(r["year"])) if r.get("year") is not None else None
            if u is not None and t is not None and _band_scope_ok(r):
                out["co2"].append((int(r["year"]), t, t * (1 - u / 100), t * (1 + u / 100)))
    return {k: sorted(v) for k, v in out.items() if v}


def _draw_uncertainty(ctx: Context) -> Figure:
    series = _uncertainty_series(ctx.d)
    kinds = [k for k in ("co2", "intensity") if k in series]
    fig = _new(6.3, 3.2)
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    for ax, kind in zip(axes, kinds, strict=True):
        pts = series[kind]
        years = [p[0] for p in pts]
        if kind == "co2":
            div, unit = _mass_unit([p[3] for p in pts])
            ylabel = f"Emissions ({unit})"
        else:
            div, ylabel = 1.0, "Intensity (t CO₂ per 10⁸ yuan)"
        ax.fill_between(
            years,
            [p[2] / div for p in pts],
            [p[3] / div for p in pts],
            color=NEUTRAL,
            alpha=0.25,
            linewidth=0,
            label="95 % interval",
        )
        mids = [(p[0], p[1]) for p in pts if p[1] is not None]
        if mids:
            ax.plot(
                [m[0] for m in mids],
                [m[1] / div for m in mids],
                color=NEUTRAL,
                marker="o",
                label="Central estimate",
            )
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        _year_axis(ax, years)
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


_WEIGHT_METHODS = ("entropy", "critic", "cv", "equal", "user", "pca")


def _draw_weights(ctx: Context) -> Figure:
    import numpy as np

    rows = _records(ctx.d, "index", "alternative_weights")
    labels = {
        str(r.get("indicator")): str(r.get("label") or r.get("indicator"))
        for r in _records(ctx.d, "index", "weights")
    }
    methods = [m for m in _WEIGHT_METHODS if any(_num(r.get(m)) is not None for r in rows)]
    methods += sorted(
        {
            k
            for r in rows
            for k in r
            if k not in methods and k not in ("indicator", "label") and _num(r.get(k)) is not None
        }
    )
    n = len(rows)
    fig = _new(6.3, max(2.8, 0.42 * n + 0.9))
    ax = fig.add_subplot()
    height = 0.8 / max(len(methods), 1)
    ys = np.arange(n)
    for j, m in enumerate(methods):
        ax.barh(
            ys - 0.4 + height * (j + 0.5),
            [_num(r.get(m)) or 0.0 for r in rows],
            height=height,
            color=PALETTE[j % len(PALETTE)],
            label=plain(m),
        )
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [
            textwrap.fill(plain(labels.get(str(r["indicator"]), str(r["indicator"]))), 30)
            for r in rows
        ]
    )
    ax.invert_yaxis()
    ax.set_xlabel("Weight (dimensionless, sums to 1)")
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    _legend_right(ax, title="Method")
    return fig


def _draw_sensitivity(ctx: Context) -> Figure:
    rows = sorted(
        (
            r
            for r in _records(ctx.d, "index", "sensitivity", "per_year")
            if r.get("year") is not None
        ),
        key=lambda r: r["year"],
    )
    has_scores = any(_num(r.get("score_p5")) is not None for r in rows)
    fig = _new(6.3, 3.2)
    axes = fig.subplots(1, 2 if has_scores else 1, squeeze=False)[0]
    ax = axes[0]
    years = [int(r["year"]) for r in rows]
    lo = [_num(r.get("rank_p5")) for r in rows]
    hi = [_num(r.get("rank_p95")) for r in rows]
    base = [_num(r.get("baseline_rank")) for r in rows]
    for y, a, b in zip(years, lo, hi, strict=True):
        if a is not None and b is not None:
            ax.plot([y, y], [a, b], color=NEUTRAL, linewidth=5, alpha=0.45, solid_capstyle="butt")
    ax.plot(
        years,
        [b if b is not None else float("nan") for b in base],
        "o",
        color="black",
        label="Baseline rank",
    )
    ax.plot([], [], color=NEUTRAL, linewidth=5, alpha=0.45, label="5-95 % of draws")
    top = max([v for v in hi + base if v is not None] or [1.0])
    ax.set_ylim(top + 0.5, 0.5)
    ax.set_ylabel("Rank of year (1 = best score)")
    _year_axis(ax, years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(loc="lower right", fontsize=7)
    if has_scores:
        ax = axes[1]
        pts = [
            (
                int(r["year"]),
                _num(r.get("score_p5")),
                _num(r.get("score_p95")),
                _num(r.get("baseline_score")),
            )
            for r in rows
        ]
        pts = [p for p in pts if p[1] is not None and p[2] is not None]
        ax.fill_between(
            [p[0] for p in pts],
            [p[1] for p in pts],
            [p[2] for p in pts],
            color=NEUTRAL,
            alpha=0.25,
            linewidth=0,
            label="5-95 % of draws",
        )
        ax.plot(
            [p[0] for p in pts],
            [p[3] if p[3] is not None else float("nan") for p in pts],
            color="black",
            marker="o",
            label="Baseline score",
        )
        ax.set_ylabel("Index score (dimensionless)")
        _year_axis(ax, [p[0] for p in pts])
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return fig


def lmdi_span(d: dict[str, Any]) -> dict[str, Any] | None:
    """The decomposition shown in the waterfall: the widest period, effects summed over sectors.

    Returns {start, end, co2_start, co2_end, effects: [(name, additive t)]} or None.  When
    only year-to-year periods exist, their additive effects are summed (chaining).
    """
    dec = d.get("decomposition")
    if not isinstance(dec, dict):
        return None
    effects = [
        r
        for r in dec.get("effects") or []
        if isinstance(r, dict) and _num(r.get("additive")) is not None
    ]
    if not effects:
        return None
    periods = sorted({(int(r["period_start"]), int(r["period_end"])) for r in effects})
    start, end = min(p[0] for p in periods), max(p[1] for p in periods)
    direct = [r for r in effects if (int(r["period_start"]), int(r["period_end"])) == (start, end)]
    use = direct
    if not direct:  # chain consecutive periods
        chain, cur = [], start
        while cur < end:
            nxt = sorted(p for p in periods if p[0] == cur)
            if not nxt:
                return None
            chain.append(nxt[0])
            cur = nxt[0][1]
        use = [r for r in effects if (int(r["period_start"]), int(r["period_end"])) in chain]
    has_total = any(str(r.get("sector")) == "total" for r in use)
    sums: dict[str, float] = {}
    for r in use:
        if (str(r.get("sector")) == "total") == has_total:
            sums[str(r["effect"])] = sums.get(str(r["effect"]), 0.0) + float(r["additive"])
    totals = [r for r in dec.get("totals") or [] if isinstance(r, dict)]
    c0 = c1 = None
    tot_rows = [r for r in totals if str(r.get("sector")) == "total"] or totals
    for r in tot_rows:
        if int(r.get("period_start", -1)) == start and str(r.get("sector")) in ("total", "None"):
            c0 = _num(r.get("co2_start"))
        if int(r.get("period_end", -1)) == end and str(r.get("sector")) in ("total", "None"):
            c1 = _num(r.get("co2_end"))
    return {
        "start": start,
        "end": end,
        "co2_start": c0,
        "co2_end": c1,
        "effects": list(sums.items()),
    }


def _draw_waterfall(ctx: Context) -> Figure:
    span = lmdi_span(ctx.d)
    assert span is not None
    effects = span["effects"]
    c0, c1 = span["co2_start"], span["co2_end"]
    vals = [abs(v) for _, v in effects] + [abs(c0 or 0.0), abs(c1 or 0.0)]
    div, unit = _mass_unit(vals)
    fig = _new(5.6, 3.4)
    ax = fig.add_subplot()
    labels, x = [], 0
    level = c0 if c0 is not None else 0.0
    if c0 is not None:
        ax.bar(x, c0 / div, color="#999999")
        labels.append(f"CO₂ {span['start']}")
        x += 1
    for name, v in effects:
        ax.bar(x, v / div, bottom=level / div, color=NEG if v < 0 else POS)
        ax.annotate(
            f"{v / div:+,.1f}",
            (x, (level + max(v, 0)) / div),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=7,
        )
        if c0 is not None and x < len(effects) + (1 if c0 is not None else 0):
            ax.plot(
                [x - 0.4, x + 1.4],
                [(level + v) / div] * 2,
                color="#777777",
                linewidth=0.6,
                linestyle=":",
            )
        level += v
        labels.append(plain(name.replace("_", " ")))
        x += 1
    if c1 is not None:
        ax.bar(x, c1 / div, color="#999999")
        labels.append(f"CO₂ {span['end']}")
        x += 1
    ax.axhline(0, color="black", linewidth=0.6)
    ax.margins(y=0.12)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel(f"Emissions and effects ({unit})")
    return fig


def _scenario_records(d: dict[str, Any]) -> list[dict[str, Any]]:
    sc = d.get("scenarios")
    rows: Any = None
    if isinstance(sc, dict):
        rows = sc.get("records") or sc.get("paths")
    elif isinstance(sc, list):
        rows = sc
    return [
        r
        for r in rows or []
        if isinstance(r, dict) and r.get("year") is not None and _num(r.get("co2_t")) is not None
    ]


def target_records(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets as a list of records, whether ``targets`` is a list or {targets: [...]}."""
    t = d.get("targets")
    if isinstance(t, dict):
        t = t.get("targets") or t.get("records")
    return [r for r in t or [] if isinstance(r, dict)]


def _draw_fan(ctx: Context) -> Figure:
    rows = _scenario_records(ctx.d)
    hist = sorted(
        (int(r["year"]), float(r["co2_t"]))
        for r in _records(ctx.d, "emissions", "total")
        if _num(r.get("co2_t")) is not None
    )
    names: list[str] = []
    for r in rows:
        if str(r.get("scenario")) not in names:
            names.append(str(r.get("scenario")))
    allv = [float(r["co2_t"]) for r in rows] + [v for _, v in hist]
    div, unit = _mass_unit(allv)
    fig = _new()
    ax = fig.add_subplot()
    if hist:
        ax.plot(
            [h[0] for h in hist],
            [h[1] / div for h in hist],
            color="black",
            marker="o",
            label="Observed",
        )
    for i, name in enumerate(names):
        pts = sorted(
            (int(r["year"]), float(r["co2_t"]), _num(r.get("lo")), _num(r.get("hi")))
            for r in rows
            if str(r.get("scenario")) == name
        )
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(
            [p[0] for p in pts],
            [p[1] / div for p in pts],
            color=colour,
            linestyle=DASHES[(i + 1) % len(DASHES)],
            label=plain(name.replace("_", " ")),
        )
        band = [p for p in pts if p[2] is not None and p[3] is not None]
        if band:
            ax.fill_between(
                [p[0] for p in band],
                [p[2] / div for p in band],
                [p[3] / div for p in band],
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
    for t in target_records(ctx.d):
        if (
            t.get("type") == "absolute"
            and _num(t.get("target_value")) is not None
            and t.get("target_year") is not None
        ):
            ax.plot(
                [int(t["target_year"])],
                [float(t["target_value"]) / div],
                marker="*",
                markersize=12,
                color=POS,
                linestyle="none",
                label=f"Target: {plain(t.get('name', ''))}",
            )
    ax.set_ylabel(f"Emissions ({unit})")
    ax.set_xlabel("Year")
    ax.set_ylim(bottom=0)
    _legend_right(ax)
    return fig


# --------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class FigureSpec:
    """One figure: identity, caption and either a drawing function or a skip reason."""

    name: str
    title: str
    caption: str
    section: str
    draw: Callable[[Context], Figure] | None = None
    skip: str | None = None


def _spec(
    name: str,
    title: str,
    caption: str,
    section: str,
    draw: Callable[[Context], Figure],
    missing: str | None,
) -> FigureSpec:
    if missing:
        return FigureSpec(name, title, caption, section, None, missing)
    return FigureSpec(name, title, caption, section, draw, None)


def figure_specs(d: dict[str, Any], info: StyleInfo | None = None) -> list[FigureSpec]:
    """Every figure of the report, in report order, each drawable or skipped with a reason."""
    info = info or style_info()
    ctx = build_context(d, info)
    specs: list[FigureSpec] = []
    no_data = "no economy data in the results (results.data.economy)"

    va = _economy(ctx, "value_added") if _section(d, "data", "economy") else {}
    va_m = {c: v for c, v in va.items() if c in ctx.members}
    gdp = _economy(ctx, "gdp") if va_m else {}
    specs.append(
        _spec(
            "value_added_gdp_share",
            "Value added and its share of GDP",
            "Value added of the studied industries (bars, 10⁸ yuan) and its share of the region's GDP (line, %)."
            + ("" if gdp else " GDP is not in the data, so the share is not shown."),
            "economy",
            _draw_value_added,
            no_data
            if not _section(d, "data", "economy")
            else (None if va_m else "no value_added for the studied industries"),
        )
    )
    out = (
        {c: v for c, v in _economy(ctx, "output_value").items() if c in ctx.members}
        if _section(d, "data", "economy")
        else {}
    )
    specs.append(
        _spec(
            "output_by_industry",
            "Output value by industry",
            "Gross output value of each studied industry (10⁸ yuan, current prices as reported).",
            "economy",
            _draw_output,
            no_data
            if not _section(d, "data", "economy")
            else (None if out else "no output_value for the studied industries"),
        )
    )
    specs.append(
        _spec(
            "value_added_structure",
            "Structure of value added",
            "Share of each "
            + ("group" if ctx.groups else "industry")
            + " in the studied industries' value added (%). "
            "A negative value added stacks below zero.",
            "economy",
            _draw_va_structure,
            no_data
            if not _section(d, "data", "economy")
            else (None if va_m else "no value_added for the studied industries"),
        )
    )
    eff = _efficiency_series(ctx)
    specs.append(
        _spec(
            "energy_efficiency",
            "Energy efficiency by industry",
            "Output value per tonne of standard coal equivalent (10⁴ yuan per tce; 1 tce = 29.3076 GJ).",
            "economy",
            _draw_efficiency,
            None
            if eff
            else "neither emissions.intensity efficiency nor output_value and energy_total data",
        )
    )
    total_ok = any(_num(r.get("co2_t")) is not None for r in _records(d, "emissions", "total"))
    specs.append(
        _spec(
            "emissions_total_share",
            "Emissions and share of all manufacturing",
            "CO₂ emissions of the studied industries (bars) and their share of all manufacturing's emissions (line, %).",
            "emissions",
            _draw_emissions_total,
            None if total_ok else "no emissions.total in the results",
        )
    )
    co2 = _co2_by_sector(ctx)
    specs.append(
        _spec(
            "emissions_by_group",
            "Emissions and intensity per group",
            "One panel per group: CO₂ emissions of each industry (bars, left axis) and its emission intensity "
            "(lines, t CO₂ per 10⁸ yuan of output value, right axis).",
            "emissions",
            _draw_by_group,
            None if co2 else "no emissions.by_sector for the studied industries",
        )
    )
    inten = _intensity_by_sector(ctx)
    specs.append(
        _spec(
            "intensity_ranking",
            "Ranking of emission intensity",
            "Rank of each industry's emission intensity per year (1 = highest t CO₂ per 10⁸ yuan).",
            "emissions",
            _draw_ranking,
            None if len(inten) >= 2 else "fewer than two industries with an emission intensity",
        )
    )
    fuels_ok = any(_num(r.get("co2_t")) is not None for r in _records(d, "emissions", "by_fuel"))
    specs.append(
        _spec(
            "fuel_contributions",
            "Emissions by fuel",
            "CO₂ emissions of the studied industries by fuel, stacked.",
            "emissions",
            _draw_fuels,
            None if fuels_ok else "no emissions.by_fuel (inventory mode or no energy data)",
        )
    )
    unc = _uncertainty_series(d)
    specs.append(
        _spec(
            "uncertainty_bands",
            "Uncertainty of emissions and intensity",
            "Central estimate and 95 % interval (IPCC 2006 Vol. 1 Ch. 3) of total emissions"
            + (" and of emission intensity" if "intensity" in unc else "")
            + ".",
            "emissions",
            _draw_uncertainty,
            None if unc else "no per-year uncertainty intervals in emissions.uncertainty",
        )
    )
    scores_ok = any(_num(r.get("score")) is not None for r in _records(d, "index", "scores"))
    specs.append(
        _spec(
            "index_scores",
            "Low-carbon development index",
            "Composite index per year (solid) and subsystem scores (dashed), each between 0 and 1.",
            "index",
            _draw_index,
            None if scores_ok else "no index.scores in the results",
        )
    )
    specs.append(
        _spec(
            "index_weights",
            "Indicator weights by method",
            "Weights of each indicator under the entropy method and the alternatives (CRITIC, coefficient of variation, equal weights).",
            "index",
            _draw_weights,
            None
            if _records(d, "index", "alternative_weights")
            else "no index.alternative_weights in the results",
        )
    )
    sens_ok = any(
        _num(r.get("rank_p5")) is not None for r in _records(d, "index", "sensitivity", "per_year")
    )
    specs.append(
        _spec(
            "index_sensitivity",
            "Sensitivity of the index",
            "Rank of each year under the Monte Carlo variations of method, normalisation and indicator set "
            "(bar: 5th to 95th percentile of the draws; dot: baseline), and the score band.",
            "index",
            _draw_sensitivity,
            None
            if sens_ok
            else "index robustness analysis not run (no index.sensitivity.per_year)",
        )
    )
    ridge = _section(d, "stirpat", "ridge") or {}
    trace = [
        r for r in ridge.get("trace") or [] if isinstance(r, dict) and _num(r.get("k")) is not None
    ]
    specs.append(
        _spec(
            "ridge_trace",
            "Ridge trace",
            "Standardised ridge coefficients (Beta) as the ridge parameter k grows; the dotted line marks the k used.",
            "drivers",
            _draw_ridge_trace,
            None if trace and _trace_terms(trace) else "no stirpat.ridge.trace in the results",
        )
    )
    specs.append(
        _spec(
            "ridge_r2",
            "R² against the ridge parameter",
            "Coefficient of determination R²(k) of the ridge fit; the dotted line marks the k used.",
            "drivers",
            _draw_ridge_r2,
            None
            if any(_num(r.get("r2")) is not None for r in trace)
            else "no R² in stirpat.ridge.trace",
        )
    )
    specs.append(
        _spec(
            "predicted_actual",
            "Predicted and actual emissions",
            "Observed ln C and the ridge regression's prediction (in-sample).",
            "drivers",
            _draw_predicted,
            None if fit_rows(d) else "no stirpat.ridge.fit in the results",
        )
    )
    span = lmdi_span(d)
    specs.append(
        _spec(
            "lmdi_waterfall",
            "Decomposition of the change in emissions"
            + (f", {span['start']}-{span['end']}" if span else ""),
            "LMDI-I additive effects (Ang 2004): increases in vermillion, decreases in green; they add up exactly to the change.",
            "pathways",
            _draw_waterfall,
            None if span else "no decomposition.effects in the results",
        )
    )
    specs.append(
        _spec(
            "scenario_fan",
            "Scenarios and targets",
            "Observed emissions and projected paths per scenario with their bootstrap bands; stars mark absolute targets.",
            "pathways",
            _draw_fan,
            None if _scenario_records(d) else "no scenarios.records in the results",
        )
    )
    return specs


def render(spec: FigureSpec, ctx: Context, dpi: int = DEFAULT_DPI) -> tuple[bytes, bytes]:
    """(SVG, PNG) bytes of one drawable figure (call inside ``style_context``)."""
    from carbonpath.report.style import figure_bytes

    assert spec.draw is not None
    fig = spec.draw(ctx)
    return figure_bytes(fig, dpi)


def report_dpi(d: dict[str, Any]) -> int:
    """``[report] dpi`` from the settings, else 200."""
    rep = (d.get("settings") or {}).get("report") or {}
    dpi = rep.get("dpi", DEFAULT_DPI) if isinstance(rep, dict) else DEFAULT_DPI
    return int(dpi) if isinstance(dpi, int | float) and dpi > 0 else DEFAULT_DPI


# ------------------------------------------------------------------------ rendering
# Drawing and saving is matplotlib work (text layout, a layout pass and a drawing
# pass per format for the tight bounding box), about 0.3-0.7 s of CPU per figure.
# ``render_figures`` can split the figures over worker interpreters started with
# ``sys.executable -c``: a fresh interpreter, not ``fork`` (unsafe with threads) nor
# ``multiprocessing`` spawn (which re-runs an unguarded user script).  A worker gets
# the plain results, the style and the exact rcParams of this process, so every
# file is byte-identical to drawing here; a worker that fails or cannot start is
# replaced by drawing here.  Workers only pay off on idle CPUs (starting one costs
# about 1.5 s of CPU), so the automatic choice counts the CPUs other processes use.

#: Relative CPU cost of a figure in both formats (1 = one panel), used only to split
#: the work evenly: the per-group figure lays out and saves four twin-axis panels.
_COST: dict[str, float] = {"emissions_by_group": 6.0}
#: Share of a figure's cost per format (the drawing itself is in both).
_FORMAT_COST: dict[str, float] = {"svg": 0.45, "png": 0.55}
#: Cost, in one-panel figures, of starting a worker (interpreter, matplotlib, fonts;
#: about 3.5) less what this process spent before the split (results, fonts; about 2).
_WORKER_START_COST = 1.5
#: Below this total cost, drawing in this process is faster than starting a worker.
_MIN_PARALLEL_COST = 8.0
_MAX_JOBS = 4
_WORKER_TIMEOUT_S = 900.0
#: Environment variable fixing the number of processes (1 = draw in this process).
JOBS_ENV = "CARBONPATH_FIGURE_JOBS"
_WORKER_CODE = (
    "import pickle, sys\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    sys.path[:] = pickle.load(f)\n"
    "    job = pickle.load(f)\n"
    "from carbonpath.report.figures import run_worker\n"
    "run_worker(job, sys.argv[2])\n"
)
_REEMITTED: dict[Any, Any] = {}  # warnings registry: a worker's warning is shown once


def _cost(name: str, formats: tuple[str, ...] = ("svg", "png")) -> float:
    return _COST.get(name, 1.0) * sum(_FORMAT_COST.get(f, 0.5) for f in formats)


def _busy_cpus() -> float:
    """CPUs that other processes keep busy now.

    Linux: the fewest runnable tasks in three looks at /proc/loadavg over 20 ms, less
    this process; elsewhere the 1-minute load average less one; 0 when unknown.
    """
    import time

    try:
        seen = []
        for i in range(3):
            if i:
                time.sleep(0.01)
            with open("/proc/loadavg", encoding="ascii") as f:
                seen.append(int(f.read().split()[3].split("/")[0]))
        return float(max(min(seen) - 1, 0))
    except (OSError, ValueError, IndexError):
        pass
    try:
        return max(os.getloadavg()[0] - 1.0, 0.0)
    except (AttributeError, OSError):
        return 0.0


def _idle_cpus() -> float:
    """Usable CPUs that no other process keeps busy."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) - _busy_cpus()


def figure_jobs(
    names: list[str], jobs: int | None = None, formats: tuple[str, ...] = ("svg", "png")
) -> int:
    """Processes to draw ``names`` with: ``jobs``, else $CARBONPATH_FIGURE_JOBS, else auto.

    Auto: one per idle CPU (at most 4) when the work outweighs starting a worker,
    else 1.  A frozen application (no Python interpreter to start) always uses 1.
    """
    if jobs is None:
        env = os.environ.get(JOBS_ENV, "").strip()
        if env:
            try:
                jobs = int(env)
            except ValueError:
                raise InputError(
                    f"{JOBS_ENV}={env!r} is not a whole number",
                    fix=f"set {JOBS_ENV} to 1 (draw in one process) or more, or unset it",
                ) from None
    if getattr(sys, "frozen", False) or not sys.executable:
        return 1
    if jobs is None:
        if sum(_cost(n, formats) for n in names) < _MIN_PARALLEL_COST:
            return 1
        jobs = min(int(_idle_cpus()), _MAX_JOBS)
    return max(1, min(jobs, len(names)))


def split_work(
    names: list[str], parts: int, formats: tuple[str, ...] = ("svg", "png")
) -> list[list[str]]:
    """Split ``names`` into ``parts`` lists of about equal cost, part 0 for this process.

    Longest first to the least loaded part (LPT); workers start with the cost of their
    start-up.  Each part keeps report order.
    """
    loads = [0.0] + [_WORKER_START_COST] * (parts - 1)
    out: list[list[str]] = [[] for _ in range(parts)]
    for name in sorted(names, key=lambda n: -_cost(n)):  # stable: ties in report order
        k = min(range(parts), key=lambda i: loads[i])
        out[k].append(name)
        loads[k] += _cost(name, formats)
    order = {n: i for i, n in enumerate(names)}
    return [sorted(p, key=order.__getitem__) for p in out]


def _draw_here(
    d: dict[str, Any], info: StyleInfo, names: list[str], dpi: int, formats: tuple[str, ...]
) -> dict[str, tuple[bytes, ...]]:
    """Draw and save ``names`` in this process (inside ``style_context``)."""
    from carbonpath.report.style import figure_png, figure_svg

    if not names:
        return {}
    specs = {s.name: s for s in figure_specs(d, info)}
    ctx = build_context(d, info)
    out: dict[str, tuple[bytes, ...]] = {}
    for name in names:
        draw = specs[name].draw
        if draw is None:
            raise InputError(f"figure '{name}' cannot be drawn: {specs[name].skip}")
        fig = draw(ctx)
        out[name] = tuple(figure_svg(fig) if f == "svg" else figure_png(fig, dpi) for f in formats)
    return out


def run_worker(job: dict[str, Any], result_path: str) -> None:
    """Body of a figure worker process: draw the job's figures, write them to ``result_path``.

    ``job``: the plain results ``d``, the style (``cjk_font``, ``notes``), the caller's
    ``rc`` parameters, ``names``, ``dpi`` and ``formats``.  Warnings are recorded and
    sent back so the caller shows them.
    """
    import warnings

    from carbonpath.report.style import apply_rc_snapshot

    apply_rc_snapshot(job["rc"])
    info = StyleInfo(cjk_font=job["cjk_font"], notes=list(job["notes"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = _draw_here(job["d"], info, list(job["names"]), job["dpi"], tuple(job["formats"]))
    sent = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
    tmp = Path(result_path + ".part")
    with tmp.open("wb") as f:
        pickle.dump({"figures": figs, "warnings": sent}, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, result_path)


def _start_worker(folder: Path, k: int, job: dict[str, Any]) -> subprocess.Popen[bytes] | None:
    """Start worker ``k`` on ``job``; None when no interpreter can be started."""
    job_file = folder / f"job{k}.pickle"
    with job_file.open("wb") as f:
        pickle.dump(list(sys.path), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(job, f, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with (folder / f"stderr{k}.txt").open("wb") as err:
            return subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(job_file), str(folder / f"result{k}")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
    except OSError:
        return None


def _collect(proc: subprocess.Popen[bytes] | None, result: Path) -> dict[str, Any] | None:
    """The worker's result once it has finished; None when it failed or hung."""
    if proc is None:
        return None
    try:
        code = proc.wait(timeout=_WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    if code != 0 or not result.is_file():
        return None
    with result.open("rb") as f:
        return pickle.load(f)  # written by our own worker into our private folder


def render_figures(
    d: dict[str, Any],
    info: StyleInfo,
    names: list[str],
    dpi: int = DEFAULT_DPI,
    formats: tuple[str, ...] = ("svg", "png"),
    jobs: int | None = None,
) -> dict[str, tuple[bytes, ...]]:
    """Bytes of each named figure in ``formats`` (``"svg"``, ``"png"``), in ``names`` order.

    Call inside ``style_context``.  The work is split over :func:`figure_jobs`
    processes; the bytes are the same whatever the split (see the note above).
    """
    import tempfile
    import warnings

    from carbonpath.report.style import rc_snapshot

    n = figure_jobs(names, jobs, formats)
    parts = split_work(names, n, formats) if n > 1 else [list(names)]
    out: dict[str, tuple[bytes, ...]] = {}
    with tempfile.TemporaryDirectory(prefix="carbonpath-figures-") as tmp:
        folder = Path(tmp)
        base = {
            "d": d,
            "cjk_font": info.cjk_font,
            "notes": list(info.notes),
            "rc": rc_snapshot(),
            "dpi": dpi,
            "formats": list(formats),
        }
        workers = [
            (part, _start_worker(folder, k, {**base, "names": part}), folder / f"result{k}")
            for k, part in enumerate(parts[1:], start=1)
            if part
        ]
        try:
            out.update(_draw_here(d, info, parts[0], dpi, formats))
            for part, proc, result in workers:
                got = _collect(proc, result)
                if got is None:  # the worker failed: draw its share here (errors surface)
                    out.update(_draw_here(d, info, part, dpi, formats))
                    continue
                out.update(got["figures"])
                for message, category, filename, lineno in got["warnings"]:
                    warnings.warn_explicit(message, category, filename, lineno, registry=_REEMITTED)
        finally:  # an error or interrupt here: no worker outlives the call
            for _part, proc, _result in workers:
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return {name: out[name] for name in names}


def write_figures(results: Results, folder: Path, jobs: int | None = None) -> list[dict[str, Any]]:
    """Draw every figure into ``folder/figures/`` (PNG and SVG); return the manifest.

    Manifest entries: {name, title, caption, files: ["figures/<name>.png", ".svg"]} or
    {name, title, caption, skipped: reason}; a drawn entry carries ``notes`` when the
    figures had to fall back (no CJK font for Chinese sector names).  ``jobs``: number
    of processes (see :func:`figure_jobs`); the files do not depend on it.
    """
    from carbonpath.report.style import write_figure_files

    d = results.to_dict()
    dpi = report_dpi(d)
    out_dir = Path(folder) / "figures"
    manifest: list[dict[str, Any]] = []
    with style_context() as info:
        specs = figure_specs(d, info)
        ctx = build_context(d, info)
        drawn = render_figures(
            d, info, [s.name for s in specs if s.draw is not None], dpi, ("svg", "png"), jobs
        )
        for spec in specs:
            entry: dict[str, Any] = {
                "name": spec.name,
                "title": spec.title,
                "caption": spec.caption,
            }
            if spec.draw is None:
                entry["skipped"] = spec.skip
            else:
                svg, png = drawn[spec.name]
                files = write_figure_files(out_dir, spec.name, svg, png)
                entry["files"] = [f"figures/{f}" for f in files]
                if ctx.notes:
                    entry["notes"] = list(ctx.notes)
            manifest.append(entry)
    return manifest
