"""A short plain-words summary of a run, built from ``results.to_dict()`` only.

The CLI prints these lines and the HTML report shows them; user text in them (title,
region, warnings, skip reasons) passes :func:`carbonpath.core.text.display_text`, so
it cannot carry terminal control sequences or bidi overrides.
"""

from __future__ import annotations

from typing import Any

from carbonpath.core.text import display_text


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def summary_lines(d: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs: the headline numbers and the conventions used."""
    return [(display_text(a), display_text(b)) for a, b in _lines(d)]


def _lines(d: dict[str, Any]) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    st = d["study"]
    lines.append(("Study", f"{st['title']} ({st['region']}, {st['years'][0]}-{st['years'][1]})"))
    em = d.get("emissions")
    if em and em.get("total"):
        tot = sorted(em["total"], key=lambda r: r["year"])
        a, b = tot[0], tot[-1]
        change = None
        if a["co2_t"]:
            change = (b["co2_t"] / a["co2_t"] - 1) * 100
        lines.append(
            (
                "CO2 (scope 1)",
                f"{_fmt(a['co2_t'], 0)} t in {a['year']} -> {_fmt(b['co2_t'], 0)} t in {b['year']}"
                + (f" ({change:+.1f}%)" if change is not None else ""),
            )
        )
        settings = em.get("settings", {})
        if settings.get("factor_set"):
            ov = settings.get("overrides") or []
            lines.append(
                ("Factor set", settings["factor_set"] + (f" + {len(ov)} override(s)" if ov else ""))
            )
    idx = d.get("index")
    if idx and idx.get("scores"):
        sc = sorted(idx["scores"], key=lambda r: r["year"])
        method = (idx.get("settings") or {}).get("method", "")
        lines.append(
            (
                "Low-carbon index",
                f"{_fmt(sc[0]['score'], 4)} in {sc[0]['year']} -> {_fmt(sc[-1]['score'], 4)} "
                f"in {sc[-1]['year']}" + (f" ({method} weights)" if method else ""),
            )
        )
    sp = d.get("stirpat")
    if sp and sp.get("ridge"):
        r = sp["ridge"]
        terms = ", ".join(
            f"{c['term']} {_fmt(c['b'], 3)}"
            for c in r.get("coefficients", [])
            if c["term"] != "const"
        )
        lines.append(("Ridge elasticities (B)", f"k = {r.get('k')} ({r.get('k_rule')}): {terms}"))
    lines += _conventions(d)
    q = d.get("quality") or {}
    flags = q.get("flags") or []
    n_err = sum(1 for f in flags if f.get("severity") == "error")
    n_fixed = sum(1 for f in flags if f.get("severity") == "error" and f.get("resolved"))
    n_warn = sum(
        1 for f in flags if f.get("severity") == "warning" and f.get("check") != "gap_filled"
    )
    fixed = f" ({n_fixed} resolved by corrections)" if n_fixed else ""
    lines.append(
        (
            "Data quality",
            f"{n_err} error(s){fixed}, {n_warn} warning(s); {len(q.get('corrections') or [])} "
            f"correction(s) applied; {len(q.get('filled') or [])} value(s) filled "
            "(`carbonpath check` lists them)",
        )
    )
    lines.append(("Seed", str(d["settings"].get("seed"))))
    for name, why in (d.get("skipped") or {}).items():
        lines.append((f"Skipped: {name}", why))
    for w in d.get("warnings") or []:
        lines.append(("Warning", w))
    return lines


def _conventions(d: dict[str, Any]) -> list[tuple[str, str]]:
    """The conventions the numbers depend on, stated next to them."""
    out: list[tuple[str, str]] = []
    idx = (d.get("settings") or {}).get("index")
    idx = idx if isinstance(idx, dict) else {}
    if d.get("index"):
        eps = idx.get("epsilon", 0.0)
        out.append(
            (
                "Index conventions",
                f"{idx.get('normalisation')} normalisation, {idx.get('method')} weights, "
                + ("0 ln 0 = 0" if not eps else f"epsilon shift {eps}"),
            )
        )
    ridge = (d.get("stirpat") or {}).get("ridge") or {}
    if ridge:
        conv = ridge.get("k_convention")
        conv = conv if isinstance(conv, dict) else {}
        out.append(
            (
                "Ridge k",
                f"SPSS RIDGEREG scale k = {ridge.get('k')} ({ridge.get('k_rule')}; "
                f"= MASS lambda {_fmt(conv.get('mass_lambda'), 3)}, statsmodels alpha "
                f"{_fmt(conv.get('statsmodels_alpha'), 4)}); elasticities are B, not Beta",
            )
        )
    dec = d.get("decomposition") or {}
    if dec:
        out.append(("LMDI zero rule", f"{dec.get('zero_handling')} (delta {dec.get('delta')})"))
    return out
