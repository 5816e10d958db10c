"""STIRPAT figures: the reference paper's Figs. 17-19.

- ``ridge_trace`` (Fig. 17): standardised ridge coefficients ``Beta(k) = (R + kI)^-1 r``
  as k grows, the k used marked;
- ``ridge_r2`` (Fig. 18): ``R^2(k) = 2 Beta'r - Beta'R Beta`` against k;
- ``predicted_actual`` (Fig. 19): observed ln C and the ridge fit, in sample.

Reading: :func:`_read_ridge`, :func:`_read_trace` and :func:`fit_rows` are this section's
only look into the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import legend_right, new_figure, year_axis
from carbonpath.report.figures.colours import DASHES, line_colour
from carbonpath.report.figures.context import (
    NEUTRAL,
    POS,
    Context,
    FigureSpec,
    num,
    plain,
    section,
    spec,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_TRACE_META = {"k", "r2", "R2", "adj_r2", "sse", "gcv", "df"}
_FIT_KEYS = {
    "year": ("year", "years"),
    "actual": ("actual", "observed", "y", "ln_c", "lnC"),
    "fitted": ("fitted", "predicted", "yhat", "prediction"),
}


# ---------------------------------------------------------------------------- reading
def _read_ridge(d: dict[str, Any]) -> dict[str, Any]:
    ridge = section(d, "stirpat", "ridge")
    return ridge if isinstance(ridge, dict) else {}


def _read_trace(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Ridge trace rows with a numeric k, by k."""
    trace = _read_ridge(d).get("trace") or []
    rows = [r for r in trace if isinstance(r, dict) and num(r.get("k")) is not None]
    return sorted(rows, key=lambda r: float(r["k"]))


def trace_terms(trace: list[dict[str, Any]]) -> list[str]:
    """The regressor columns of the trace (not k, fit statistics, VIF, B or SE columns)."""
    terms: list[str] = []
    for r in trace:
        for key, v in r.items():
            if key in _TRACE_META or key in terms or num(v) is None:
                continue
            if not key.lower().startswith(("vif", "b_", "se")):
                terms.append(key)
    return terms


def _pick(src: dict[str, Any], role: str) -> Any:
    for key in _FIT_KEYS[role]:
        if key in src:
            return src[key]
    return None


def _rows_from_columns(fit: dict[str, Any]) -> list[tuple[Any, float, float]]:
    """(year, actual, fitted) from a dict of equal-length lists (years 1..n if absent)."""
    years, act, fitted = _pick(fit, "year"), _pick(fit, "actual"), _pick(fit, "fitted")
    if not (isinstance(years, list) and len(years) == len(act)):
        years = list(range(1, len(act) + 1))
    rows = []
    for y, a, f in zip(years, act, fitted, strict=True):
        a, f = num(a), num(f)
        if a is not None and f is not None:
            rows.append((y, a, f))
    return rows


def _rows_from_records(fit: list[Any]) -> list[tuple[Any, float, float]]:
    """(year, actual, fitted) from a list of records."""
    rows = []
    for r in fit:
        if isinstance(r, dict):
            a, f = num(_pick(r, "actual")), num(_pick(r, "fitted"))
            if a is not None and f is not None:
                rows.append((_pick(r, "year"), a, f))
    return rows


def _fit_rows(fit: Any) -> list[tuple[Any, float, float]]:
    """(year, actual, fitted) triples from either a dict of lists or a list of records."""
    if isinstance(fit, list):
        return _rows_from_records(fit)
    if not isinstance(fit, dict):
        return []
    act, fitted = _pick(fit, "actual"), _pick(fit, "fitted")
    if isinstance(act, list) and isinstance(fitted, list) and len(act) == len(fitted):
        return _rows_from_columns(fit)
    if isinstance(fit.get("records"), list):
        return _fit_rows(fit["records"])
    return []


def fit_rows(d: dict[str, Any]) -> list[tuple[Any, float, float]]:
    """(year, actual, predicted) of the ridge fit; years from the STIRPAT specification."""
    fit = section(d, "stirpat", "ridge", "fit")
    years = section(d, "stirpat", "specification", "years")
    if isinstance(fit, dict) and "year" not in fit and "years" not in fit:
        if isinstance(years, list):
            fit = {**fit, "year": years}
    return _fit_rows(fit)


# ------------------------------------------------------------------------------ drawing
def _k_line(ax: Axes, ridge: dict[str, Any]) -> None:
    """A dotted vertical line at the k used, labelled with k and its rule."""
    k = num(ridge.get("k"))
    if k is None:
        return
    rule = ridge.get("k_rule")
    ax.axvline(k, color="#555555", linestyle=":", linewidth=1.2)
    ax.annotate(
        f"k = {k:g}" + (f" ({plain(rule)})" if rule else ""),
        (k, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -10),
        textcoords="offset points",
        fontsize=7,
    )


def _draw_ridge_trace(ctx: Context) -> Figure:
    trace = _read_trace(ctx.d)
    fig = new_figure()
    ax = fig.add_subplot()
    for i, term in enumerate(trace_terms(trace)):  # the model's declared regressor order
        pts = [(float(r["k"]), num(r.get(term))) for r in trace]
        pts = [(k, v) for k, v in pts if v is not None]
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            color=line_colour(i),
            linestyle=DASHES[i % len(DASHES)],
            label=plain(term),
        )
    ax.axhline(0, color="black", linewidth=0.6)
    _k_line(ax, _read_ridge(ctx.d))
    ax.set_xlabel(ctx.t("fig.axis.ridge_k"))
    ax.set_ylabel(ctx.t("fig.axis.beta"))
    legend_right(ax)
    return fig


def _draw_ridge_r2(ctx: Context) -> Figure:
    pts = sorted(
        (float(r["k"]), float(r["r2"])) for r in _read_trace(ctx.d) if num(r.get("r2")) is not None
    )
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot([p[0] for p in pts], [p[1] for p in pts], color=NEUTRAL, marker=".", label="R²(k)")
    _k_line(ax, _read_ridge(ctx.d))
    ax.set_xlabel(ctx.t("fig.axis.ridge_k"))
    ax.set_ylabel(ctx.t("fig.axis.r2"))
    return fig


def _draw_predicted(ctx: Context) -> Figure:
    rows = fit_rows(ctx.d)
    years = [r[0] for r in rows]
    scale = str((_read_ridge(ctx.d).get("fit") or {}).get("scale", ""))
    logs = scale.startswith("log") or (not scale and all(abs(v) < 40 for r in rows for v in r[1:]))
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot(
        years, [r[1] for r in rows], color="black", marker="o", label=ctx.t("fig.legend.actual")
    )
    ax.plot(
        years,
        [r[2] for r in rows],
        color=POS,
        marker="s",
        linestyle="--",
        label=ctx.t("fig.legend.ridge_prediction"),
    )
    ax.set_ylabel(ctx.t("fig.axis.ln_c") if logs else ctx.t("fig.axis.emissions", unit="t CO₂"))
    if all(isinstance(y, int) for y in years):
        year_axis(ax, years, ctx.lang)
    else:
        ax.set_xlabel(ctx.t("fig.axis.observation"))
    ax.legend(loc="best")
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The drivers section's figures, drawable or skipped with the reason."""
    trace = _read_trace(ctx.d)
    return [
        spec(
            "ridge_trace",
            ctx.t("fig.ridge_trace.title"),
            ctx.t("fig.ridge_trace.caption"),
            "drivers",
            _draw_ridge_trace,
            None if trace and trace_terms(trace) else ctx.t("fig.skip.no_trace"),
        ),
        spec(
            "ridge_r2",
            ctx.t("fig.ridge_r2.title"),
            ctx.t("fig.ridge_r2.caption"),
            "drivers",
            _draw_ridge_r2,
            None if any(num(r.get("r2")) is not None for r in trace) else ctx.t("fig.skip.no_r2"),
        ),
        spec(
            "predicted_actual",
            ctx.t("fig.predicted_actual.title"),
            ctx.t("fig.predicted_actual.caption"),
            "drivers",
            _draw_predicted,
            None if fit_rows(ctx.d) else ctx.t("fig.skip.no_fit"),
        ),
    ]
