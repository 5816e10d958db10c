"""The methods and software sections: settings used, seeds, factors, versions."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

from carbonpath.report.html.drivers import convention_text
from carbonpath.report.html.emissions import factors_table
from carbonpath.report.html.format import setting_text
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table
from carbonpath.report.i18n import language_of, text

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
    "python-docx",
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


def _emission_settings(emset: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = []
    if emset.get("factor_set"):
        rows.append({"setting": text("set.factor_set", lang), "value": emset["factor_set"]})
    if emset.get("overrides"):
        rows.append({"setting": text("set.overrides", lang), "value": len(emset["overrides"])})
    return rows


def _index_settings(idx: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    s = idx.get("settings") or {}
    return [
        {"setting": text(f"set.index_{k}", lang), "value": s[k]}
        for k in ("method", "normalisation", "epsilon")
        if s.get(k) is not None
    ]


def _ridge_settings(sp: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    r = sp.get("ridge")
    if not isinstance(r, dict):
        return []
    return [
        {"setting": text("set.ridge_k", lang), "value": r.get("k")},
        {"setting": text("set.ridge_k_rule", lang), "value": r.get("k_rule")},
        {
            "setting": text("set.ridge_k_convention", lang),
            "value": convention_text(r.get("k_convention")),
        },
    ]


def _lmdi_settings(dec: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    return [
        {"setting": text("set.lmdi", lang, what=k.replace("_", " ")), "value": dec[k]}
        for k in ("mode", "zero_rule", "delta", "zero_limits")
        if dec.get(k) is not None
    ]


def settings_rows(d: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """(setting, value) rows: factor set, index, ridge k, LMDI rule and every seed."""
    rows = _emission_settings(_part(d, "emissions").get("settings") or {}, lang)
    rows += _index_settings(_part(d, "index"), lang)
    rows += _ridge_settings(_part(d, "stirpat"), lang)
    rows += _lmdi_settings(_part(d, "decomposition"), lang)
    where = {"settings": d.get("settings") or {}, **{k: d[k] for k in SEEDED if _part(d, k)}}
    rows += [
        dict(s, setting=text("set.seed", lang, where=s["setting"]), value=str(s["value"]))
        for s in seeds(where)
    ]
    return [dict(r, value=setting_text(r["value"])) for r in rows if r.get("value") is not None]


def _factor_sources(d: dict[str, Any]) -> str:
    """The distinct sources of the emission factors, in first-seen order."""
    factors = (_part(d, "emissions").get("settings") or {}).get("factors") or []
    out: list[str] = []
    for f in factors if isinstance(factors, list) else []:
        src = f.get("source") if isinstance(f, dict) else None
        if isinstance(src, str) and src and src not in out:
            out.append(src)
    return "; ".join(out)


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Methods and conventions: the settings used and the emission factors."""
    lang = language_of(d)
    sec = Section("methods", text("section.methods", lang))
    add_tables(
        sec.tables,
        records_table(settings_rows(d, lang), text("caption.settings", lang), lang=lang),
    )
    table = factors_table(d, lang)
    if table is not None and _factor_sources(d):
        table.note = text("note.factor_sources", lang, sources=_factor_sources(d)) + (
            " " + table.note if table.note else ""
        )
    add_tables(sec.extra, table)
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
    lang = language_of(d)
    sec = Section("software", text("section.software", lang))
    sec.intro.append(
        text(
            "intro.software",
            lang,
            schema=d.get("schema_version", ""),
            version=d.get("carbonpath_version", ""),
        )
    )
    add_tables(sec.tables, records_table(versions(), text("caption.versions", lang), lang=lang))
    return sec
