"""The drivers section: unit roots, cointegration, OLS and ridge STIRPAT, the panel model.

ln C = b0 + b1 ln P + b2 ln A + b3 ln T + b4 ln RE + e, estimated by OLS and by ridge
regression in the SPSS RIDGEREG convention; the ridge table carries the caveat that its
t and p values treat the biased ridge estimate as unbiased.
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.emissions import not_run
from carbonpath.report.html.format import fmt_num, fmt_p, setting_text
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import COEF_DECIMALS, Table, add_tables, records_table

RIDGE_WARNING = (
    "Ridge standard errors, t and p-values follow the SPSS RIDGEREG formulas, which treat "
    "the ridge estimate as unbiased; ridge is biased by construction, so these t and p "
    "values overstate precision. Read them as descriptive, and prefer the bootstrap "
    "intervals where given. In this log-log model the elasticities are the unstandardised "
    "coefficients B, not the standardised Beta."
)
MODEL = (
    "ln C = b₀ + b₁ ln P + b₂ ln A + b₃ ln T + b₄ ln RE + e, estimated by OLS and by ridge "
    "regression (the regressors are collinear)."
)
COEF_COLUMNS = ["term", "b", "se", "beta", "t", "p", "vif", "ci_lo", "ci_hi"]
COEF_HEADERS = {
    "term": "Term",
    "b": "B (elasticity)",
    "se": "SE(B)",
    "beta": "Beta (standardised)",
    "t": "t",
    "p": "p",
    "vif": "VIF",
    "ci_lo": "95 % CI low",
    "ci_hi": "95 % CI high",
}
FIT_STATS = (
    ("n", "n"),
    ("r2", "R²"),
    ("adj_r2", "adj. R²"),
    ("f", "F"),
    ("f_p", "p(F)"),
    ("max_vif", "max VIF"),
    ("durbin_watson", "Durbin-Watson"),
)
_ORDER = {0: "level", 1: "first difference", 2: "second difference"}
UNIT_ROOT_NOTE = (
    "The verdict follows the critical value (finite-sample where available); "
    "with few observations the test has little power."
)


def convention_text(conv: Any) -> str | None:
    """The ridge k convention as one line (its ``text``, or its items)."""
    if isinstance(conv, dict):
        return str(conv.get("text") or ", ".join(f"{k} {v}" for k, v in conv.items()))
    return None if conv is None else str(conv)


def _test_row(base: dict[str, Any], v: dict[str, Any]) -> dict[str, Any]:
    """One nested test ({stat, crit, p, verdict}) as a table row after ``base``."""
    crit = v.get("crit") if isinstance(v.get("crit"), dict) else {}
    row = dict(base)
    row["Statistic"] = v.get("stat")
    row["5 % critical value"] = crit.get("5%")
    row["p" + ("" if "p" in v else " (asymptotic)")] = v.get("p", v.get("p_asymptotic"))
    if v.get("p_bound"):
        row["p note"] = v["p_bound"]
    row["Verdict"] = v.get("verdict") or v.get("status")
    return row


def unit_root_tables(records: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Unit-root records with nested tests ({variable, order, adf: {...}, kpss: {...}})
    as one list of rows per test: statistic, 5 % critical value, p and verdict.

    Flat records (no nested tests) are returned as they are under the name "ADF".
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for r in (r for r in records if isinstance(r, dict)):
        base = {k: v for k, v in r.items() if not isinstance(v, dict)}
        if "order" in base:
            o = base.pop("order")
            base = {"variable": base.pop("variable", ""), "Differenced": _ORDER.get(o, o), **base}
        nested = {
            k: v for k, v in r.items() if isinstance(v, dict) and ("stat" in v or "verdict" in v)
        }
        if not nested:
            out.setdefault("ADF", []).append(base)
        for k, v in nested.items():
            out.setdefault(str(v.get("test") or k).upper(), []).append(_test_row(base, v))
    return out


def fit_note(m: dict[str, Any]) -> str:
    """n, R², adj. R², F, p(F), max VIF, Durbin-Watson of a model, those present."""
    parts = []
    for key, label in FIT_STATS:
        if m.get(key) is not None:
            value = fmt_p(m[key]) if key == "f_p" else fmt_num(m[key], None if key == "n" else 3)
            parts.append(f"{label} = {value}")
    return ", ".join(parts)


def _unit_root_records(sp: dict[str, Any]) -> list[Any]:
    ur = sp.get("unit_roots")
    if isinstance(ur, dict):
        ur = (
            ur.get("records")
            or ur.get("tests")
            or [dict(variable=k, **v) for k, v in ur.items() if isinstance(v, dict)]
        )
    return ur or []


def _k_note(ridge: dict[str, Any]) -> str:
    """'k = .. chosen by rule '..' (other rules: ..); k convention: ..'."""
    note = f"k = {setting_text(ridge.get('k'))} chosen by rule '{ridge.get('k_rule', '')}'"
    cands = ridge.get("k_candidates")
    if isinstance(cands, dict) and cands:
        others = ", ".join(f"{a} {setting_text(b)}" for a, b in cands.items())
        note += f" (other rules: {others})"
    if ridge.get("k_convention"):
        note += f"; k convention: {convention_text(ridge['k_convention'])}"
    return note


def _model_tables(sp: dict[str, Any]) -> list[Table | None]:
    """The OLS and the ridge coefficient tables (SPSS layout, 3 decimals)."""
    ols = sp.get("ols") if isinstance(sp.get("ols"), dict) else None
    ridge = sp.get("ridge") if isinstance(sp.get("ridge"), dict) else None
    out: list[Table | None] = []
    if ols:
        out.append(
            records_table(
                ols.get("coefficients") or [],
                "OLS",
                COEF_COLUMNS,
                COEF_HEADERS,
                note=fit_note(ols),
                decimals=COEF_DECIMALS,
            )
        )
    if ridge:
        out.append(
            records_table(
                ridge.get("coefficients") or [],
                "Ridge regression",
                COEF_COLUMNS,
                COEF_HEADERS,
                note=_k_note(ridge) + ". " + fit_note(ridge),
                warn=RIDGE_WARNING,
                decimals=COEF_DECIMALS,
            )
        )
    return out


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Drivers (STIRPAT): the model, its tests, OLS and ridge tables, figures, panel."""
    sp = d.get("stirpat") if isinstance(d.get("stirpat"), dict) else None
    sec = Section("drivers", "Drivers (STIRPAT)")
    sec.figures = figs.get("drivers", [])
    if not sp:
        sec.intro.append(not_run(d, "stirpat", "The STIRPAT model was not estimated"))
        return sec
    sec.intro.append(MODEL)
    sec.warnings = [str(w) for w in sp.get("warnings") or []]
    for test, rows in unit_root_tables(_unit_root_records(sp)).items():
        add_tables(sec.tables, records_table(rows, f"Unit-root test: {test}", note=UNIT_ROOT_NOTE))
    co = sp.get("cointegration")
    co_rows = co if isinstance(co, list) else ([co] if isinstance(co, dict) and co else [])
    add_tables(sec.tables, records_table(co_rows, "Cointegration (residual-based test)"))
    add_tables(sec.tables, *_model_tables(sp))
    panel = sp.get("panel")
    if isinstance(panel, dict):
        add_tables(
            sec.extra,
            records_table(
                panel.get("coefficients") or [], "Panel model", note=str(panel.get("model", ""))
            ),
        )
    return sec
