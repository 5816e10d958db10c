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
from carbonpath.report.i18n import language_of, text
from carbonpath.report.words import term_words

#: the caveat above the ridge table (its words: catalogue key ``warn.ridge``)
RIDGE_WARNING = text("warn.ridge", "en")
COEF_COLUMNS = ["term", "b", "se", "beta", "t", "p", "vif", "ci_lo", "ci_hi"]
FIT_STATS = (
    ("n", "n"),
    ("r2", "R²"),
    ("adj_r2", "adj. R²"),
    ("f", "F"),
    ("f_p", "p(F)"),
    ("max_vif", "max VIF"),
    ("durbin_watson", "Durbin-Watson"),
)
_ORDER = {0: "order.level", 1: "order.first", 2: "order.second"}


def convention_text(conv: Any) -> str | None:
    """The ridge k convention as one line (its ``text``, or its items)."""
    if isinstance(conv, dict):
        return str(conv.get("text") or ", ".join(f"{k} {v}" for k, v in conv.items()))
    return None if conv is None else str(conv)


def _test_row(base: dict[str, Any], v: dict[str, Any]) -> dict[str, Any]:
    """One nested test ({stat, crit, p, verdict}) as a table row after ``base``."""
    crit = v.get("crit") if isinstance(v.get("crit"), dict) else {}
    row = dict(base)
    row["statistic"] = v.get("stat")
    row["crit_5"] = crit.get("5%")
    row["p" if "p" in v else "p_asymptotic"] = v.get("p", v.get("p_asymptotic"))
    if v.get("p_bound"):
        row["p_note"] = v["p_bound"]
    row["verdict"] = v.get("verdict") or v.get("status")
    return row


def unit_root_tables(records: list[Any], lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """Unit-root records with nested tests ({variable, order, adf: {...}, kpss: {...}})
    as one list of rows per test: statistic, 5 % critical value, p and verdict.

    Flat records (no nested tests) are returned as they are under the name "ADF".
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for r in (r for r in records if isinstance(r, dict)):
        base = {k: v for k, v in r.items() if not isinstance(v, dict)}
        if "order" in base:
            o = base.pop("order")
            order = text(_ORDER[o], lang) if o in _ORDER else o
            base = {"variable": base.pop("variable", ""), "differenced": order, **base}
        nested = {
            k: v for k, v in r.items() if isinstance(v, dict) and ("stat" in v or "verdict" in v)
        }
        if not nested:
            out.setdefault("ADF", []).append(base)
        for k, v in nested.items():
            out.setdefault(str(v.get("test") or k).upper(), []).append(_test_row(base, v))
    return out


def fit_note(m: dict[str, Any], lang: str = "en") -> str:
    """n, R², adj. R², F, p(F), max VIF, Durbin-Watson of a model, those present."""
    parts = []
    for key, label in FIT_STATS:
        if m.get(key) is not None:
            value = fmt_p(m[key]) if key == "f_p" else fmt_num(m[key], None if key == "n" else 3)
            parts.append(f"{label} = {value}")
    return text("word.list_sep", lang).join(parts)


def _unit_root_records(sp: dict[str, Any]) -> list[Any]:
    ur = sp.get("unit_roots")
    if isinstance(ur, dict):
        ur = (
            ur.get("records")
            or ur.get("tests")
            or [dict(variable=k, **v) for k, v in ur.items() if isinstance(v, dict)]
        )
    return ur or []


def _k_note(ridge: dict[str, Any], lang: str) -> str:
    """'k = 0.28 chosen by rule 'trace' (other rules: hkb 0.00322, ...)'; the convention."""
    cands = ridge.get("k_candidates")
    others = ""
    if isinstance(cands, dict) and cands:
        others = text("word.list_sep", lang).join(
            f"{a} {setting_text(b)}" for a, b in cands.items() if a != ridge.get("k_rule")
        )
    note = text(
        "note.k" if others else "note.k_alone",
        lang,
        k=setting_text(ridge.get("k")),
        rule=ridge.get("k_rule", ""),
        others=others,
    )
    if ridge.get("k_convention"):
        conv = convention_text(ridge["k_convention"]) or ""
        note += " " + text("note.k_convention", lang, convention=conv.rstrip(". "))
    return note


def _coef_table(m: dict[str, Any], caption: str, note: str, lang: str, **kw: Any) -> Table | None:
    return records_table(
        m.get("coefficients") or [],
        caption,
        COEF_COLUMNS,
        note=note,
        decimals=COEF_DECIMALS,
        lang=lang,
        kind="coef",
        **kw,
    )


def _model_tables(sp: dict[str, Any], lang: str) -> list[Table | None]:
    """The OLS and the ridge coefficient tables (SPSS layout, 3 decimals)."""
    ols = sp.get("ols") if isinstance(sp.get("ols"), dict) else None
    ridge = sp.get("ridge") if isinstance(sp.get("ridge"), dict) else None
    out: list[Table | None] = []
    if ols:
        out.append(_coef_table(ols, text("caption.ols", lang), fit_note(ols, lang), lang))
    if ridge:
        note = _k_note(ridge, lang) + " " + fit_note(ridge, lang) + "."
        out.append(
            _coef_table(
                ridge, text("caption.ridge", lang), note, lang, warn=text("warn.ridge", lang)
            )
        )
    return out


def k_sensitivity_table(sp: dict[str, Any], lang: str) -> Table | None:
    """B of every regressor under each k rule side by side, sign changes flagged; each
    symbol named in words next to it."""
    ridge = sp.get("ridge") if isinstance(sp.get("ridge"), dict) else {}
    rows = [dict(r) for r in ridge.get("k_sensitivity") or [] if isinstance(r, dict)]
    for r in rows:
        inner = str(r.get("label") or "").removeprefix("ln").strip()
        if inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1]
        if inner:
            r["label"] = text("word.ln_of", lang, words=term_words(inner, lang))
    cols = ["term", "label", "b_trace", "b_hkb", "b_lw", "b_gcv", "sign_change"]
    return records_table(
        rows,
        text("caption.k_sensitivity", lang),
        [c for c in cols if any(c in r for r in rows)],
        note=text("note.k_sensitivity", lang),
        decimals=dict.fromkeys(cols[2:6], 3),
        lang=lang,
        keys="k_sensitivity",
    )


def _identity_warning(sp: dict[str, Any]) -> list[str]:
    """The identity check's statement when the regressors multiply to the response."""
    ident = sp.get("identity") if isinstance(sp.get("identity"), dict) else {}
    msg = ident.get("message") if ident.get("holds") else None
    return [str(msg)] if msg else []


def variables_table(d: dict[str, Any], lang: str) -> Table | None:
    """Every variable of the model: its symbol and what it measures, in words."""
    spec = (d.get("stirpat") or {}).get("specification") or {}
    resp = spec.get("response") if isinstance(spec.get("response"), dict) else None
    rows = []
    terms = [resp] if resp else []
    terms += [r for r in spec.get("regressors") or [] if isinstance(r, dict)]
    for r in terms:
        if r.get("name") and r.get("term"):
            words = term_words(str(r["term"]), lang)
            rows.append({"symbol": r["name"], "meaning": text("word.ln_of", lang, words=words)})
    return records_table(rows, text("caption.variables", lang), ["symbol", "meaning"], lang=lang)


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Drivers (STIRPAT): the model, its tests, OLS and ridge tables, figures, panel."""
    lang = language_of(d)
    sp = d.get("stirpat") if isinstance(d.get("stirpat"), dict) else None
    sec = Section("drivers", text("section.drivers", lang))
    sec.figures = figs.get("drivers", [])
    if not sp:
        sec.intro.append(not_run(d, "stirpat", "report.not_run.stirpat"))
        return sec
    sec.intro.append(text("intro.stirpat", lang))
    sec.warnings = [str(w) for w in sp.get("warnings") or []]
    sec.warnings += [w for w in _identity_warning(sp) if w not in sec.warnings]
    ridge = sp.get("ridge") if isinstance(sp.get("ridge"), dict) else {}
    sec.warnings += [
        str(n) for n in ridge.get("k_sensitivity_notes") or [] if n not in sec.warnings
    ]
    add_tables(sec.tables, variables_table(d, lang))
    for test, rows in unit_root_tables(_unit_root_records(sp), lang).items():
        add_tables(
            sec.tables,
            records_table(
                rows,
                text("caption.unit_root", lang, test=test),
                note=text("note.unit_root", lang),
                lang=lang,
            ),
        )
    co = sp.get("cointegration")
    co_rows = co if isinstance(co, list) else ([co] if isinstance(co, dict) and co else [])
    add_tables(sec.tables, records_table(co_rows, text("caption.cointegration", lang), lang=lang))
    add_tables(sec.tables, *_model_tables(sp, lang))
    add_tables(sec.tables, k_sensitivity_table(sp, lang))
    panel = sp.get("panel")
    if isinstance(panel, dict):
        add_tables(
            sec.extra,
            records_table(
                panel.get("coefficients") or [],
                text("caption.panel", lang),
                note=str(panel.get("model", "")),
                lang=lang,
                kind="coef",
            ),
        )
    return sec
