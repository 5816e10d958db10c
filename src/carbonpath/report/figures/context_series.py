"""Figures of the study's context series (context.csv): one figure per title.

The series that share a title are drawn together: ``kind = line`` as lines with
markers, ``kind = bar`` as bars; a second unit goes on a right-hand axis. The x axis
is the years, or the categories in the file's order. The caption names the source and,
for an illustrative series, says that its values are placeholders, not data. Series of
``kind = table`` are shown as tables by the report, not drawn.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import new_figure, year_axis
from carbonpath.report.figures.context import Context, FigureSpec, plain, spec
from carbonpath.report.i18n import language_of, text
from carbonpath.report.style import LINE_PALETTE, MARKERS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["context_groups", "specs"]


def _rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    st = d.get("study") if isinstance(d.get("study"), dict) else {}
    rows = st.get("context") if isinstance(st, dict) else None
    return [r for r in rows or [] if isinstance(r, dict)] if isinstance(rows, list) else []


def context_groups(d: dict[str, Any], kinds: tuple[str, ...] = ("line", "bar")) -> dict:
    """{title: {series: [rows]}} of the drawable series, in the file's order."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in _rows(d):
        if r.get("kind", "line") not in kinds:
            continue
        title = str(r.get("title") or r.get("series"))
        out.setdefault(title, {}).setdefault(str(r.get("series")), []).append(r)
    return out


def _x(rows: list[dict[str, Any]], cats: list[str]) -> list[float]:
    return [
        float(r["year"]) if r.get("year") is not None else float(cats.index(str(r["category"])))
        for r in rows
    ]


def _draw_series(
    ax: Axes,
    i: int,
    name: str,
    rows: list[dict[str, Any]],
    cats: list[str],
    n_bars: int,
    bar_i: int,
) -> Any:
    xs, ys = _x(rows, cats), [float(r["value"]) for r in rows]
    colour = LINE_PALETTE[i % len(LINE_PALETTE)]
    hatch = "//" if rows[0].get("illustrative") else None
    if rows[0].get("kind") == "bar":
        w = 0.8 / max(n_bars, 1)
        off = (bar_i - (n_bars - 1) / 2) * w
        return ax.bar(
            [x + off for x in xs],
            ys,
            w,
            color=colour,
            hatch=hatch,
            edgecolor="white" if hatch is None else "#333333",
            label=plain(name),
        )
    style = "--" if rows[0].get("illustrative") else "-"
    (h,) = ax.plot(xs, ys, style, color=colour, marker=MARKERS[i % len(MARKERS)], label=plain(name))
    return h


def _draw(title: str, series: dict[str, list[dict[str, Any]]]) -> Figure:
    fig = new_figure()
    ax = fig.add_subplot(1, 1, 1)
    units = list(dict.fromkeys(str(rows[0].get("unit") or "") for rows in series.values()))
    axes = {units[0]: ax}
    if len(units) > 1:
        axes[units[1]] = ax.twinx()
    cats = list(
        dict.fromkeys(
            str(r["category"]) for rows in series.values() for r in rows if r.get("year") is None
        )
    )
    bars = [n for n, rows in series.items() if rows[0].get("kind") == "bar"]
    handles = []
    for i, (name, rows) in enumerate(series.items()):
        a = axes.get(str(rows[0].get("unit") or ""), ax)
        bi = bars.index(name) if name in bars else 0
        handles.append(_draw_series(a, i, name, rows, cats, len(bars), bi))
    for unit, a in axes.items():
        a.set_ylabel(plain(unit))
    if cats:
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(
            [plain(c) for c in cats],
            rotation=30 if len(cats) > 4 else 0,
            ha="right" if len(cats) > 4 else "center",
        )
    else:
        years = sorted({int(r["year"]) for rows in series.values() for r in rows})
        year_axis(ax, years)
    ax.legend(
        handles=handles,
        labels=[textwrap.fill(plain(n), 45) for n in series],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.02),
        ncol=min(len(handles), 2),
        borderaxespad=0.0,
        frameon=False,
    )
    return fig


def _caption(series: dict[str, list[dict[str, Any]]], lang: str) -> str:
    sources = list(dict.fromkeys(str(rows[0].get("source")) for rows in series.values()))
    cap = text("note.context", lang, source="; ".join(sources))
    if any(rows[0].get("illustrative") for rows in series.values()):
        cap += " " + text("note.illustrative", lang)
    return cap


def specs(ctx: Context) -> list[FigureSpec]:
    """One figure per title of the drawable context series (section ``context``)."""
    lang = language_of(ctx.d)
    out = []
    for i, (title, series) in enumerate(context_groups(ctx.d).items()):
        first = next(iter(series.values()))[0]
        shown = str((first.get("title_zh") if lang == "zh" else None) or title)
        if any(rows[0].get("illustrative") for rows in series.values()):
            shown += f" ({text('word.illustrative', lang)})"
        out.append(
            spec(
                f"context_{i + 1}",
                shown,
                _caption(series, lang),
                "context",
                lambda _ctx, t=title, s=series: _draw(t, s),
                None,
            )
        )
    return out
