"""Index figures: the reference paper's Fig. 16, and weights and robustness beyond it.

- ``index_scores`` (Fig. 16): composite index ``Y_t = sum_j w_j X_tj`` per year and the
  subsystem scores;
- ``index_weights``: each indicator's weight under entropy and the alternative methods;
- ``index_sensitivity``: the rank of each year under the Monte Carlo variations
  (5th-95th percentile bar, baseline dot) and the score band.

Reading: the ``_read_*`` functions are this section's only look into the results.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import legend_right, new_figure, year_axis
from carbonpath.report.figures.context import (
    NEUTRAL,
    Context,
    FigureSpec,
    num,
    plain,
    records,
    spec,
)
from carbonpath.report.style import MARKERS, PALETTE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_WEIGHT_METHODS = ("entropy", "critic", "cv", "equal", "user", "pca")
NAN = float("nan")


# ---------------------------------------------------------------------------- reading
def _read_scores(ctx: Context) -> list[dict[str, Any]]:
    rows = (r for r in records(ctx.d, "index", "scores") if num(r.get("score")) is not None)
    return sorted(rows, key=lambda r: r["year"])


def _read_subsystems(ctx: Context) -> dict[str, list[tuple[int, float]]]:
    """{subsystem: [(year, score)]} sorted by subsystem name and year."""
    subs: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in records(ctx.d, "index", "subsystems"):
        v = num(r.get("score"))
        if v is not None:
            subs[str(r.get("subsystem"))].append((int(r["year"]), v))
    return {k: sorted(v) for k, v in sorted(subs.items())}


def _read_weights(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """Alternative-weight rows, indicator labels and the methods present (known first)."""
    rows = records(ctx.d, "index", "alternative_weights")
    labels = {
        str(r.get("indicator")): str(r.get("label") or r.get("indicator"))
        for r in records(ctx.d, "index", "weights")
    }
    methods = [m for m in _WEIGHT_METHODS if any(num(r.get(m)) is not None for r in rows)]
    others = {
        k
        for r in rows
        for k in r
        if k not in methods and k not in ("indicator", "label") and num(r.get(k)) is not None
    }
    return rows, labels, methods + sorted(others)


def _read_sensitivity(ctx: Context) -> list[dict[str, Any]]:
    rows = records(ctx.d, "index", "sensitivity", "per_year")
    return sorted((r for r in rows if r.get("year") is not None), key=lambda r: r["year"])


# ------------------------------------------------------------------------------ drawing
def _draw_index(ctx: Context) -> Figure:
    scores = _read_scores(ctx)
    subs = _read_subsystems(ctx)
    fig = new_figure()
    ax = fig.add_subplot()
    years = [int(r["year"]) for r in scores]
    vals = [float(r["score"]) for r in scores]
    ax.plot(years, vals, color="black", marker="o", linewidth=2.2, label="Index")
    for i, (name, pts) in enumerate(subs.items()):
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
    year_axis(ax, years + [p[0] for pts in subs.values() for p in pts])
    legend_right(ax)
    return fig


def _draw_weights(ctx: Context) -> Figure:
    import numpy as np

    rows, labels, methods = _read_weights(ctx)
    n = len(rows)
    fig = new_figure(6.3, max(2.8, 0.42 * n + 0.9))
    ax = fig.add_subplot()
    height = 0.8 / max(len(methods), 1)
    ys = np.arange(n)
    for j, m in enumerate(methods):
        ax.barh(
            ys - 0.4 + height * (j + 0.5),
            [num(r.get(m)) or 0.0 for r in rows],
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
    legend_right(ax, title="Method")
    return fig


def _rank_panel(ax: Axes, rows: list[dict[str, Any]]) -> None:
    """Rank of each year: 5-95 % bar over the draws and the baseline dot (1 at the top)."""
    years = [int(r["year"]) for r in rows]
    lo = [num(r.get("rank_p5")) for r in rows]
    hi = [num(r.get("rank_p95")) for r in rows]
    base = [num(r.get("baseline_rank")) for r in rows]
    for y, a, b in zip(years, lo, hi, strict=True):
        if a is not None and b is not None:
            ax.plot([y, y], [a, b], color=NEUTRAL, linewidth=5, alpha=0.45, solid_capstyle="butt")
    ax.plot(
        years, [NAN if b is None else b for b in base], "o", color="black", label="Baseline rank"
    )
    ax.plot([], [], color=NEUTRAL, linewidth=5, alpha=0.45, label="5-95 % of draws")
    top = max([v for v in hi + base if v is not None] or [1.0])
    ax.set_ylim(top + 0.5, 0.5)
    ax.set_ylabel("Rank of year (1 = best score)")
    year_axis(ax, years)
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(loc="lower right", fontsize=7)


def _score_panel(ax: Axes, rows: list[dict[str, Any]]) -> None:
    """Score band (5-95 % of the draws) and the baseline score per year."""
    pts = [
        (
            int(r["year"]),
            num(r.get("score_p5")),
            num(r.get("score_p95")),
            num(r.get("baseline_score")),
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
        [NAN if p[3] is None else p[3] for p in pts],
        color="black",
        marker="o",
        label="Baseline score",
    )
    ax.set_ylabel("Index score (dimensionless)")
    year_axis(ax, [p[0] for p in pts])
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(loc="upper left", fontsize=7)


def _draw_sensitivity(ctx: Context) -> Figure:
    rows = _read_sensitivity(ctx)
    has_scores = any(num(r.get("score_p5")) is not None for r in rows)
    fig = new_figure(6.3, 3.2)
    axes = fig.subplots(1, 2 if has_scores else 1, squeeze=False)[0]
    _rank_panel(axes[0], rows)
    if has_scores:
        _score_panel(axes[1], rows)
    fig.tight_layout()
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The index section's figures, drawable or skipped with the reason."""
    sens_ok = any(num(r.get("rank_p5")) is not None for r in _read_sensitivity(ctx))
    return [
        spec(
            "index_scores",
            "Low-carbon development index",
            "Composite index per year (solid) and subsystem scores (dashed), each between 0 and 1.",
            "index",
            _draw_index,
            None if _read_scores(ctx) else "no index.scores in the results",
        ),
        spec(
            "index_weights",
            "Indicator weights by method",
            "Weights of each indicator under the entropy method and the alternatives (CRITIC, "
            "coefficient of variation, equal weights).",
            "index",
            _draw_weights,
            None if _read_weights(ctx)[0] else "no index.alternative_weights in the results",
        ),
        spec(
            "index_sensitivity",
            "Sensitivity of the index",
            "Rank of each year under the Monte Carlo variations of method, normalisation and "
            "indicator set (bar: 5th to 95th percentile of the draws; dot: baseline), and the "
            "score band.",
            "index",
            _draw_sensitivity,
            None
            if sens_ok
            else "index robustness analysis not run (no index.sensitivity.per_year)",
        ),
    ]
