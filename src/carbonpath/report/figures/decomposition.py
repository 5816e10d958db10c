"""The decomposition figure: an LMDI-I waterfall from the first to the last year.

The bars start at ``C^0``, add each additive effect
``dC_X = sum_ij L(C_ij^T, C_ij^0) ln(X_ij^T / X_ij^0)`` (increases in vermillion,
decreases in green) and end at ``C^T``; the effects add up exactly to the change
(Ang 2004).  When only year-to-year periods exist their effects are chained (summed).

Reading: :func:`lmdi_span` is this section's one look into the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import new_figure
from carbonpath.report.figures.context import (
    NEG,
    POS,
    Context,
    FigureSpec,
    mass_unit,
    num,
    plain,
    spec,
)
from carbonpath.report.figures.words import has_text
from carbonpath.report.panel import whole_rows

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

Period = tuple[int, int]


def _period(r: dict[str, Any]) -> Period:
    return int(r["period_start"]), int(r["period_end"])


def _chain(periods: list[Period], start: int, end: int) -> list[Period] | None:
    """Consecutive periods from ``start`` to ``end`` (the shortest first), or None."""
    chain, cur = [], start
    while cur < end:
        nxt = sorted(p for p in periods if p[0] == cur)
        if not nxt:
            return None
        chain.append(nxt[0])
        cur = nxt[0][1]
    return chain


def _effect_sums(use: list[dict[str, Any]]) -> dict[str, float]:
    """Additive effects summed per effect (the rows of the whole study only)."""
    sums: dict[str, float] = {}
    for r in use:
        sums[str(r["effect"])] = sums.get(str(r["effect"]), 0.0) + float(r["additive"])
    return sums


def _end_levels(dec: dict[str, Any], start: int, end: int) -> tuple[float | None, float | None]:
    """CO2 at ``start`` and at ``end``: the whole study's rows of decomposition.totals
    (summed over the units when the results hold no total row)."""
    totals = [r for r in dec.get("totals") or [] if isinstance(r, dict)]
    rows = whole_rows(totals, dec.get("keys"))
    return _level(rows, "period_start", start, "co2_start"), _level(
        rows, "period_end", end, "co2_end"
    )


def _level(rows: list[dict[str, Any]], side: str, year: int, col: str) -> float | None:
    """``col`` summed over the rows of one period whose ``side`` is ``year`` (the first
    such period: every period starting, or ending, in a year has the same level)."""
    periods = sorted({_period(r) for r in rows if int(r.get(side, -1)) == year})
    if not periods:
        return None
    vals = [num(r.get(col)) for r in rows if _period(r) == periods[0]]
    return sum(v for v in vals if v is not None) if any(v is not None for v in vals) else None


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
        for r in whole_rows(
            [r for r in dec.get("effects") or [] if isinstance(r, dict)], dec.get("keys")
        )
        if num(r.get("additive")) is not None
    ]
    if not effects:
        return None
    periods = sorted({_period(r) for r in effects})
    start, end = min(p[0] for p in periods), max(p[1] for p in periods)
    use = [r for r in effects if _period(r) == (start, end)]
    if not use:
        chain = _chain(periods, start, end)
        if chain is None:
            return None
        use = [r for r in effects if _period(r) in chain]
    c0, c1 = _end_levels(dec, start, end)
    return {
        "start": start,
        "end": end,
        "co2_start": c0,
        "co2_end": c1,
        "effects": list(_effect_sums(use).items()),
    }


def _draw_waterfall(ctx: Context) -> Figure:
    span = lmdi_span(ctx.d)
    assert span is not None
    effects = span["effects"]
    c0, c1 = span["co2_start"], span["co2_end"]
    div, unit = mass_unit([abs(v) for _, v in effects] + [abs(c0 or 0.0), abs(c1 or 0.0)])
    fig = new_figure()
    ax = fig.add_subplot()
    labels: list[str] = []
    if c0 is not None:
        ax.bar(0, c0 / div, color="#999999")
        labels.append(ctx.t("fig.legend.co2_year", year=span["start"]))
    level = c0 if c0 is not None else 0.0
    for name, v in effects:
        x = len(labels)
        ax.bar(x, v / div, bottom=level / div, color=NEG if v < 0 else POS)
        ax.annotate(
            f"{v / div:+,.1f}",
            (x, (level + max(v, 0)) / div),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=7,
        )
        if c0 is not None:  # a dotted connector to the next bar
            ax.plot(
                [x - 0.4, x + 1.4],
                [(level + v) / div] * 2,
                color="#777777",
                linewidth=0.6,
                linestyle=":",
            )
        level += v
        labels.append(effect_label(ctx, name))
    if c1 is not None:
        ax.bar(len(labels), c1 / div, color="#999999")
        labels.append(ctx.t("fig.legend.co2_year", year=span["end"]))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.margins(y=0.12)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel(ctx.t("fig.axis.effects", unit=unit))
    return fig


def effect_label(ctx: Context, effect: str) -> str:
    """An LMDI effect in words: the catalogue's for known effects, else the id spelt out."""
    key = f"fig.effect.{effect}"
    return ctx.t(key) if has_text(key) else plain(effect.replace("_", " "))


def specs(ctx: Context) -> list[FigureSpec]:
    """The decomposition figure, drawable or skipped with the reason."""
    span = lmdi_span(ctx.d)
    return [
        spec(
            "lmdi_waterfall",
            ctx.t("fig.lmdi_waterfall.title")
            + (
                ctx.t("fig.lmdi_waterfall.span", start=span["start"], end=span["end"])
                if span
                else ""
            ),
            ctx.t("fig.lmdi_waterfall.caption"),
            "pathways",
            _draw_waterfall,
            None if span else ctx.t("fig.skip.no_decomposition"),
        )
    ]
