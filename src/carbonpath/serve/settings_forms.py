"""The settings forms: what each shows, how it changes study.toml, where errors go.

Each form writes the keys a user would type in study.toml, as typed (a number stays a
number, text stays text), so the settings models check them and word the messages
exactly as for the file; a message is shown next to the field of the key it names
(``stirpat.k`` -> the k field, ``index.indicators[3].expr`` -> the expression of the
third indicator).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carbonpath.serve.forms import Form
from carbonpath.serve.tomledit import Edits, typed

__all__ = ["FORMS", "SettingsForm", "display_values"]

K_RULES = ("trace", "hkb", "lw", "gcv")
INDICATOR_KEYS = ("name", "label", "expr", "direction", "subsystem")
#: blank rows offered for new entries
BLANK_ROWS = 2
_INDEXED = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?")


def _text(form: Form, name: str) -> str | None:
    """A text field: stripped, None when empty (the key is removed)."""
    value = form.get(name).strip()
    return value or None


def _rows(form: Form, prefix: str) -> list[int]:
    """The row numbers a repeated form sends (``<prefix>-<i>`` fields), in order."""
    found = set()
    for key in form.fields:
        m = re.fullmatch(rf"{re.escape(prefix)}-(\d{{1,4}})", key)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


# ------------------------------------------------------------------------- general
def apply_general(form: Form, edits: Edits, raw: dict[str, Any]) -> None:
    for key in ("title", "region"):
        edits.set([], key, form.get(key).strip())
    edits.set([], "description", _text(form, "description"))
    years = [typed(form.get("first")), typed(form.get("last"))]
    edits.set([], "years", [y if y is not None else "" for y in years])
    edits.set(["accounting"], "factor_set", _text(form, "factor_set"))
    edits.set(["report"], "language", _text(form, "language"))
    formats = form.getlist("formats")
    edits.set(["report"], "formats", formats if formats else None)


def field_general(key: str, form: Form) -> str:
    table = {
        "title": "title",
        "region": "region",
        "description": "description",
        "years": "years",
        "accounting.factor_set": "factor_set",
        "accounting": "factor_set",
        "report.language": "language",
        "report.formats": "formats",
    }
    return table.get(key, "_")


# ------------------------------------------------------------------------- index
def apply_index(form: Form, edits: Edits, raw: dict[str, Any]) -> None:
    edits.set(["index"], "method", _text(form, "method"))
    edits.set(["index"], "normalisation", _text(form, "normalisation"))
    rows = []
    for i in _rows(form, "name"):
        row = {k: _text(form, f"{k}-{i}") for k in INDICATOR_KEYS}
        if any(row.values()):
            rows.append(row)
    edits.sync_array(["index"], "indicators", rows)


def _sent_rows(form: Form, prefix: str, key: str) -> list[int]:
    """Row numbers of the non-empty entries, in the order they are written."""
    return [
        i for i in _rows(form, prefix) if any(form.get(f"{k}-{i}").strip() for k in key.split(","))
    ]


def field_index(key: str, form: Form) -> str:
    rest = key.removeprefix("index.")
    m = _INDEXED.match(rest)
    if m and m.group(1) == "indicators":
        rows = _sent_rows(form, "name", ",".join(INDICATOR_KEYS))
        n = int(m.group(2)) - 1  # the key counts the written entries from 1
        if 0 <= n < len(rows):
            return f"{m.group(3) or 'name'}-{rows[n]}"
    return {"method": "method", "normalisation": "normalisation"}.get(rest, "_")


# ------------------------------------------------------------------------- stirpat
def _k_value(form: Form) -> Any:
    rule = form.get("k_rule").strip()
    if rule == "fixed":
        return typed(form.get("k_value")) if form.get("k_value").strip() else ""
    return rule or None


def apply_stirpat(form: Form, edits: Edits, raw: dict[str, Any]) -> None:
    if form.get("enabled") != "1":
        edits.remove(["stirpat"])
        return
    edits.set(["stirpat"], "response", _text(form, "response"))
    edits.set(["stirpat"], "k", _k_value(form))
    edits.set(["stirpat"], "bootstrap", typed(form.get("bootstrap")))
    edits.set(["stirpat"], "panel", form.get("panel") == "1")
    regressors = {}
    for i in _rows(form, "rname"):
        name, expr = form.get(f"rname-{i}").strip(), form.get(f"rexpr-{i}").strip()
        if name or expr:
            regressors[name] = expr
    edits.sync_table(["stirpat", "regressors"], regressors)


def field_stirpat(key: str, form: Form) -> str:
    rest = key.removeprefix("stirpat.")
    if rest.startswith("regressors."):
        name = rest.split(".", 1)[1]
        for i in _rows(form, "rname"):
            if form.get(f"rname-{i}").strip() == name:
                return f"rexpr-{i}"
        return "regressors"
    table = {"k": "k", "response": "response", "bootstrap": "bootstrap", "panel": "panel"}
    return table.get(rest, "regressors" if rest == "regressors" else "_")


# ------------------------------------------------------------------------- scenarios
def _drivers(raw: dict[str, Any]) -> list[str]:
    regs = (raw.get("stirpat") or {}).get("regressors")
    if isinstance(regs, dict) and regs:
        return [str(k) for k in regs]
    from carbonpath.stirpat.settings import DEFAULT_REGRESSORS

    return list(DEFAULT_REGRESSORS)


def apply_scenarios(form: Form, edits: Edits, raw: dict[str, Any]) -> None:
    edits.set(["scenarios"], "horizon", typed(form.get("horizon")))
    edits.set(["scenarios"], "trend_years", typed(form.get("trend_years")))
    drivers = _drivers(raw)
    old = raw.get("scenarios") or {}
    kept = []
    for j in _rows(form, "sname"):
        name = form.get(f"sname-{j}").strip()
        if not name:
            continue
        kept.append(name)
        table = {"label": form.get(f"slabel-{j}").strip() or name}
        for d in drivers:
            value = typed(form.get(f"rate-{j}-{d}"))
            if value is not None:
                table[d] = value
        edits.sync_table(["scenarios", name], table)
    for name, value in old.items():
        if isinstance(value, dict) and name not in kept:
            edits.remove(["scenarios", name])


def field_scenarios(key: str, form: Form) -> str:
    rest = key.removeprefix("scenarios.")
    if rest in ("horizon", "trend_years"):
        return rest
    name, _, sub = rest.partition(".")
    for j in _rows(form, "sname"):
        if form.get(f"sname-{j}").strip() == name:
            if sub == "label":
                return f"slabel-{j}"
            return f"rate-{j}-{sub}" if sub else f"sname-{j}"
    return "_"


@dataclass(frozen=True)
class SettingsForm:
    """One settings form: its title, how it edits study.toml, where messages go."""

    title: str
    apply: Callable[[Form, Edits, dict[str, Any]], None]
    field: Callable[[str, Form], str]


FORMS: dict[str, SettingsForm] = {
    "general": SettingsForm("Study, years and emission factors", apply_general, field_general),
    "index": SettingsForm("Low-carbon index: indicators", apply_index, field_index),
    "stirpat": SettingsForm("STIRPAT drivers and ridge k", apply_stirpat, field_stirpat),
    "scenarios": SettingsForm("Scenarios", apply_scenarios, field_scenarios),
}


# ------------------------------------------------------------------------- display
def _k_display(k: Any) -> tuple[str, str]:
    if isinstance(k, bool) or k is None:
        return "trace", ""
    if isinstance(k, int | float):
        return "fixed", repr(k) if isinstance(k, float) else str(k)
    text = str(k)
    return (text if text in K_RULES else ("trace" if text == "auto" else "fixed")), (
        "" if text in (*K_RULES, "auto") else text
    )


def _indicator_rows(raw: dict[str, Any]) -> list[dict[str, str]]:
    items = (raw.get("index") or {}).get("indicators") or []
    rows = [
        {k: _str(item.get(k, "")) for k in INDICATOR_KEYS}
        for item in items
        if isinstance(item, dict)
    ]
    return rows + [dict.fromkeys(INDICATOR_KEYS, "") for _ in range(BLANK_ROWS)]


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _scenario_rows(raw: dict[str, Any], drivers: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name, table in (raw.get("scenarios") or {}).items():
        if isinstance(table, dict):
            rates = {d: _str(table.get(d, "")) for d in drivers}
            rows.append({"name": name, "label": _str(table.get("label", "")), "rates": rates})
    blank = {"name": "", "label": "", "rates": dict.fromkeys(drivers, "")}
    return rows + [dict(blank) for _ in range(BLANK_ROWS)]


def display_values(raw: dict[str, Any]) -> dict[str, Any]:
    """What the settings page shows, read from study.toml as written (defaults where a
    key is absent)."""
    from carbonpath.stirpat.settings import DEFAULT_REGRESSORS

    stirpat = raw.get("stirpat")
    st = stirpat if isinstance(stirpat, dict) else {}
    regs = st.get("regressors") if isinstance(st.get("regressors"), dict) else DEFAULT_REGRESSORS
    k_rule, k_value = _k_display(st.get("k", "trace"))
    years = raw.get("years") if isinstance(raw.get("years"), list) else ["", ""]
    report = raw.get("report") if isinstance(raw.get("report"), dict) else {}
    index = raw.get("index") if isinstance(raw.get("index"), dict) else {}
    scen = raw.get("scenarios") if isinstance(raw.get("scenarios"), dict) else {}
    drivers = _drivers(raw)
    return {
        "title": _str(raw.get("title", "")),
        "region": _str(raw.get("region", "")),
        "description": _str(raw.get("description", "")),
        "first": _str(years[0] if years else ""),
        "last": _str(years[1] if len(years) > 1 else ""),
        "factor_set": _str((raw.get("accounting") or {}).get("factor_set", "cn-provincial-2011")),
        "language": _str(report.get("language", "en")),
        "formats": list(report.get("formats", [])) or None,
        "method": _str(index.get("method", "entropy")),
        "normalisation": _str(index.get("normalisation", "minmax")),
        "indicators": _indicator_rows(raw),
        "stirpat_enabled": isinstance(stirpat, dict),
        "response": _str(st.get("response", "co2[modern]")),
        "regressors": [{"name": k, "expr": _str(v)} for k, v in regs.items()]
        + [{"name": "", "expr": ""} for _ in range(BLANK_ROWS)],
        "k_rule": k_rule,
        "k_value": k_value,
        "bootstrap": _str(st.get("bootstrap", 2000)),
        "panel": bool(st.get("panel", True)),
        "horizon": _str(scen.get("horizon", 2030)),
        "trend_years": _str(scen.get("trend_years", 3)),
        "drivers": drivers,
        "scenarios": _scenario_rows(raw, drivers),
    }


def typed_back(form: Form, values: dict[str, Any]) -> dict[str, Any]:
    """The page values with what the user typed, so a refused form keeps its input."""
    out = dict(values)
    for key in (
        "title",
        "region",
        "description",
        "first",
        "last",
        "factor_set",
        "language",
        "method",
        "normalisation",
        "response",
        "k_rule",
        "k_value",
        "bootstrap",
        "horizon",
        "trend_years",
    ):
        if key in form.fields:
            out[key] = form.get(key)
    if "name-0" in form.fields:
        out["indicators"] = [
            {k: form.get(f"{k}-{i}") for k in INDICATOR_KEYS} for i in _rows(form, "name")
        ]
    if "rname-0" in form.fields:
        out["regressors"] = [
            {"name": form.get(f"rname-{i}"), "expr": form.get(f"rexpr-{i}")}
            for i in _rows(form, "rname")
        ]
    if "sname-0" in form.fields:
        drivers = out["drivers"]
        out["scenarios"] = [
            {
                "name": form.get(f"sname-{j}"),
                "label": form.get(f"slabel-{j}"),
                "rates": {d: form.get(f"rate-{j}-{d}") for d in drivers},
            }
            for j in _rows(form, "sname")
        ]
    return out
