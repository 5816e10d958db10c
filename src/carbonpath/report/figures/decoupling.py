"""Panel and decoupling figures of the pathways section.

- ``lmdi_by_region`` (a panel decomposed by region): one horizontal bar per region for
  the widest period, its LMDI-I additive effects stacked (increases to the right,
  decreases to the left) and a black mark at the region's change
  ``dC = sum_X dC_X``; regions sorted by the change (largest at the top).
- ``decoupling``: each unit and period at (dG / G0, dC / C0), coloured by its Tapio
  (2005) state, with the rays e = ``weak`` (0.8) and e = ``strong`` (1.2) through the
  origin that bound the coupling states.

Reading: :func:`region_effects` and :func:`decoupling_points` are this module's looks
into the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.pathways.decoupling import STATES as TAPIO_STATES
from carbonpath.pathways.decoupling import STRONG, UNDEFINED, WEAK
from carbonpath.report.figures.canvas import legend_right, new_figure
from carbonpath.report.figures.colours import line_colour
from carbonpath.report.figures.context import (
    Context,
    FigureSpec,
    mass_unit,
    num,
    plain,
    records,
    spec,
)
from carbonpath.report.figures.decomposition import effect_label, lmdi_span
from carbonpath.report.figures.words import has_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: the Tapio states in a fixed order (their colours follow it)
STATES = (*TAPIO_STATES, UNDEFINED)


def region_effects(d: dict[str, Any]) -> dict[str, dict[str, float]]:
    """{region: {effect: additive t CO2}} of the widest period, the regions' own rows
    (region not ``total``, every other key ``total``); {} without a region key."""
    dec = d.get("decomposition")
    span = lmdi_span(d)
    keys = [str(k) for k in (dec or {}).get("keys") or []] if isinstance(dec, dict) else []
    if not span or "region" not in keys:
        return {}
    others = [k for k in keys if k != "region"]
    out: dict[str, dict[str, float]] = {}
    for r in records(d, "decomposition", "effects"):
        v = num(r.get("additive"))
        if (
            v is None
            or (int(r.get("period_start", -1)), int(r.get("period_end", -1)))
            != (span["start"], span["end"])
            or str(r.get("region")) == "total"
            or any(str(r.get(k)) != "total" for k in others)
        ):
            continue
        eff = out.setdefault(str(r["region"]), {})
        eff[str(r["effect"])] = eff.get(str(r["effect"]), 0.0) + v
    return out if len(out) >= 2 else {}


def _draw_region_effects(ctx: Context) -> Figure:
    eff = region_effects(ctx.d)
    span = lmdi_span(ctx.d)
    assert span is not None
    ranked = sorted(eff, key=lambda c: (-sum(eff[c].values()), c))
    names = list(dict.fromkeys(n for c in ranked for n in eff[c]))
    div, unit = mass_unit(
        [sum(abs(v) for v in e.values() if v > 0) for e in eff.values()]
        + [sum(abs(v) for v in e.values() if v < 0) for e in eff.values()]
    )
    fig = new_figure("items", len(ranked))
    ax = fig.add_subplot()
    ys = list(range(len(ranked)))
    pos = [0.0] * len(ranked)
    neg = [0.0] * len(ranked)
    for i, name in enumerate(names):
        vals = [eff[c].get(name, 0.0) / div for c in ranked]
        left = [p if v >= 0 else n for v, p, n in zip(vals, pos, neg, strict=True)]
        ax.barh(
            ys, vals, left=left, color=line_colour(i), height=0.7, label=effect_label(ctx, name)
        )
        pos = [p + max(v, 0.0) for v, p in zip(vals, pos, strict=True)]
        neg = [n + min(v, 0.0) for v, n in zip(vals, neg, strict=True)]
    ax.plot(
        [sum(eff[c].values()) / div for c in ranked],
        ys,
        "D",
        color="black",
        markersize=5,
        label=ctx.t("fig.legend.change"),
    )
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(ys)
    ax.set_yticklabels([plain(c) for c in ranked])
    ax.invert_yaxis()
    ax.set_xlabel(ctx.t("fig.axis.effects", unit=unit))
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    legend_right(ax)
    return fig


def decoupling_points(d: dict[str, Any]) -> list[tuple[float, float, str]]:
    """(dG / G0, dC / C0, state) of every unit and period of decoupling.states."""
    out = []
    for r in records(d, "decoupling", "states"):
        x, y = num(r.get("pct_driver")), num(r.get("pct_co2"))
        if x is not None and y is not None:
            out.append((x, y, str(r.get("state"))))
    return out


def _bounds(d: dict[str, Any]) -> tuple[float, float]:
    dc = d.get("decoupling") if isinstance(d.get("decoupling"), dict) else {}
    weak, strong = num(dc.get("weak")), num(dc.get("strong"))
    return (WEAK if weak is None else weak), (STRONG if strong is None else strong)


def _state_label(ctx: Context, state: str) -> str:
    key = "tapio." + state.replace(" ", "_")
    return ctx.t(key) if has_text(key) else plain(state)


def _draw_decoupling(ctx: Context) -> Figure:
    pts = decoupling_points(ctx.d)
    weak, strong = _bounds(ctx.d)
    fig = new_figure()
    ax = fig.add_subplot()
    found = [s for s in STATES if any(p[2] == s for p in pts)]
    found += sorted({p[2] for p in pts} - set(STATES))
    for s in found:
        i = STATES.index(s) if s in STATES else len(STATES)
        xs = [100 * p[0] for p in pts if p[2] == s]
        ys = [100 * p[1] for p in pts if p[2] == s]
        ax.plot(xs, ys, "o", color=line_colour(i), markersize=5, label=_state_label(ctx, s))
    top = max([abs(100 * v) for p in pts for v in p[:2]] + [1.0]) * 1.05
    for e, style in ((weak, "--"), (strong, ":")):
        ax.plot([-top, top], [-top * e, top * e], style, color="#555555", linewidth=0.9,
                label=ctx.t("fig.legend.ray", e=f"{e:g}"))  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlim(-top, top)
    ax.set_ylim(-top, top)
    ax.set_xlabel(ctx.t("fig.axis.pct_driver"))
    ax.set_ylabel(ctx.t("fig.axis.pct_co2"))
    legend_right(ax)
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The region-effects figure (panels decomposed by region only) and the decoupling
    figure (skipped with the reason when the decoupling step did not run)."""
    out = []
    span = lmdi_span(ctx.d)
    if region_effects(ctx.d) and span:
        out.append(
            spec(
                "lmdi_by_region",
                ctx.t("fig.lmdi_by_region.title", start=span["start"], end=span["end"]),
                ctx.t("fig.lmdi_by_region.caption"),
                "pathways",
                _draw_region_effects,
                None,
            )
        )
    out.append(
        spec(
            "decoupling",
            ctx.t("fig.decoupling.title"),
            ctx.t("fig.decoupling.caption"),
            "pathways",
            _draw_decoupling,
            None if decoupling_points(ctx.d) else ctx.t("fig.skip.no_decoupling"),
        )
    )
    return out
