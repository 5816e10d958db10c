"""The methods and software sections: settings used, seeds, factors, versions."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

from carbonpath.report.html.drivers import convention_text
from carbonpath.report.html.format import setting_text
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table

SOFTWARE = (
    "carbonpath",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "jinja2",
    "openpyxl",
    "pint",
)
SEEDED = ("emissions", "index", "stirpat", "scenarios")


def _part(d: dict[str, Any], name: str) -> dict[str, Any]:
    v = d.get(name)
    return v if isinstance(v, dict) else {}


def seeds(obj: Any, path: str = "") -> list[dict[str, Any]]:
    """Every setting named seed (or *_seed) anywhere in the results, with its path."""
    out: list[dict[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = f"{path}.{k}" if path else str(k)
            if (k == "seed" or str(k).endswith("_seed")) and not isinstance(v, dict | list):
                out.append({"setting": p, "value": v})
            elif isinstance(v, dict):
                out += seeds(v, p)
    return out


def _emission_settings(emset: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    if emset.get("factor_set"):
        rows.append({"setting": "Emission factor set", "value": emset["factor_set"]})
    if emset.get("overrides"):
        rows.append({"setting": "Factor overrides", "value": len(emset["overrides"])})
    return rows


def _index_settings(idx: dict[str, Any]) -> list[dict[str, Any]]:
    s = idx.get("settings") or {}
    return [
        {"setting": f"Index {k}", "value": s[k]}
        for k in ("method", "normalisation", "epsilon")
        if s.get(k) is not None
    ]


def _ridge_settings(sp: dict[str, Any]) -> list[dict[str, Any]]:
    r = sp.get("ridge")
    if not isinstance(r, dict):
        return []
    return [
        {"setting": "Ridge k", "value": r.get("k")},
        {"setting": "Ridge k rule", "value": r.get("k_rule")},
        {"setting": "Ridge k convention", "value": convention_text(r.get("k_convention"))},
    ]


def _lmdi_settings(dec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"setting": f"LMDI {k.replace('_', ' ')}", "value": dec[k]}
        for k in ("mode", "zero_rule", "delta", "zero_limits")
        if dec.get(k) is not None
    ]


def settings_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """(setting, value) rows: factor set, index, ridge k, LMDI rule and every seed."""
    rows = _emission_settings(_part(d, "emissions").get("settings") or {})
    rows += _index_settings(_part(d, "index"))
    rows += _ridge_settings(_part(d, "stirpat"))
    rows += _lmdi_settings(_part(d, "decomposition"))
    where = {"settings": d.get("settings") or {}, **{k: d[k] for k in SEEDED if _part(d, k)}}
    rows += [dict(s, setting=f"Seed ({s['setting']})", value=str(s["value"])) for s in seeds(where)]
    return [dict(r, value=setting_text(r["value"])) for r in rows if r.get("value") is not None]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Methods and conventions: the settings used and the emission factors."""
    sec = Section("methods", "Methods and conventions")
    add_tables(
        sec.tables,
        records_table(
            settings_rows(d), "Settings used", headers={"setting": "Setting", "value": "Value"}
        ),
    )
    factors = (_part(d, "emissions").get("settings") or {}).get("factors")
    add_tables(
        sec.extra,
        records_table(factors if isinstance(factors, list) else [], "Emission factors used"),
    )
    return sec


def versions() -> list[dict[str, str]]:
    """Python and the versions of carbonpath and its main dependencies."""
    rows = [{"package": "python", "version": platform.python_version()}]
    for pkg in SOFTWARE:
        try:
            v = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            if pkg == "carbonpath":
                from carbonpath.core.version import __version__ as v
            else:
                v = "not installed"
        rows.append({"package": pkg, "version": v})
    return rows


def build_software(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Software: results schema, carbonpath version and the versions used."""
    sec = Section("software", "Software")
    sec.intro.append(
        f"Results schema version {d.get('schema_version', '')}, produced by carbonpath "
        f"{d.get('carbonpath_version', '')}."
    )
    add_tables(
        sec.tables,
        records_table(versions(), "Versions", headers={"package": "Package", "version": "Version"}),
    )
    return sec
