"""Names in words for the report: scopes, sectors, regressors, indicators, scenarios.

Symbols and ids (``lnP``, ``reference``, ``co2_intensity``) never stand alone in the
report: each is shown with its meaning in the report language, taken from the study
(sector and group names, the regressors' terms) and the catalogue
(:mod:`carbonpath.report.i18n`).
"""

from __future__ import annotations

import re
from typing import Any

from carbonpath.report.i18n import has_text, text

__all__ = [
    "driver_words",
    "indicator_words",
    "scenario_name",
    "scope_words",
    "sector_names",
    "term_words",
    "variable_words",
]

_VAR_SCOPE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]")


def _study(d: dict[str, Any]) -> dict[str, Any]:
    st = d.get("study")
    return st if isinstance(st, dict) else {}


def sector_names(d: dict[str, Any], lang: str = "en") -> dict[str, str]:
    """{code: name} of every sector (``name_zh`` in Chinese when the study gives one)."""
    out = {}
    for s in _study(d).get("sectors") or []:
        if isinstance(s, dict):
            zh = s.get("name_zh") if lang == "zh" else None
            out[str(s.get("code"))] = str(zh or s.get("name") or s.get("code"))
    return out


def _group_label(d: dict[str, Any], gid: str, lang: str) -> str:
    for g in _study(d).get("groups") or []:
        if isinstance(g, dict) and str(g.get("id")) == gid:
            key = f"group.{gid}"
            return text(key, lang) if lang != "en" and has_text(key, lang) else str(g["label"])
    return gid


def _role_name(d: dict[str, Any], role: str, lang: str) -> str | None:
    names = sector_names(d, lang)
    for s in _study(d).get("sectors") or []:
        if isinstance(s, dict) and s.get("role") == role:
            return names.get(str(s.get("code")))
    return None


def scope_words(d: dict[str, Any], scope: str, lang: str = "en") -> str:
    """A scope in words with its id: 'Manufacturing (all) [scope reference]'."""
    region, _, sector = scope.rpartition(":") if ":" in scope else ("", "", scope)
    if sector.startswith("group:") or (region.endswith("group") and ":" in scope):
        region, _, gid = scope.rpartition(":")
        region = region.removesuffix(":group").removesuffix("group")
        words = _group_label(d, gid, lang)
    elif sector in ("modern", "*", "region", "reference"):
        named = _role_name(d, sector, lang) if sector in ("reference", "region") else None
        words = named or text(f"scope.{'all' if sector == '*' else sector}", lang)
    else:
        words = sector_names(d, lang).get(sector, sector)
    if region:
        words = f"{region}: {words}"
    return text("word.scope_id", lang, words=words, scope=scope)


def variable_words(name: str, lang: str = "en") -> str:
    """A variable in words ('output_value' -> 'output value'), from the catalogue."""
    key = f"variable.{name}"
    return text(key, lang) if has_text(key, lang) else name.replace("_", " ")


def term_words(term: str, lang: str = "en") -> str:
    """A STIRPAT term in words: 'output_value[modern] / energy[modern]' ->
    'output value / energy use (the studied industries)'."""
    scopes = {s for _, s in _VAR_SCOPE.findall(term)}
    words = _VAR_SCOPE.sub(lambda m: variable_words(m.group(1), lang), term)
    if len(scopes) == 1:
        (scope,) = scopes
        key = f"scope.{scope}"
        where = text(key, lang) if has_text(key, lang) else scope
        words = text("word.term_scope", lang, words=words, scope=where)
    return words


def driver_words(d: dict[str, Any], symbol: str, lang: str = "en") -> str:
    """A regressor with its meaning: 'lnP (ln of employment (the studied industries))'."""
    spec = (d.get("stirpat") or {}).get("specification") if isinstance(d, dict) else None
    regs = spec.get("regressors") if isinstance(spec, dict) else None
    for r in regs or []:
        if isinstance(r, dict) and str(r.get("name")) == symbol and r.get("term"):
            return text("word.driver", lang, symbol=symbol, words=term_words(str(r["term"]), lang))
    key = f"symbol.{symbol}"
    if has_text(key, lang):
        return text("word.driver", lang, symbol=symbol, words=text(key, lang))
    return symbol


def indicator_words(indicator: str, label: str | None, lang: str = "en") -> str:
    """An index indicator's name (the catalogue's Chinese name, else its label)."""
    key = f"indicator.{indicator}"
    if lang != "en" and has_text(key, lang):
        return text(key, lang)
    return str(label or indicator.replace("_", " "))


def scenario_name(d: dict[str, Any], name: str, lang: str = "en") -> str:
    """A scenario's display name ('low_carbon' -> 'low-carbon', quoted)."""
    key = f"scenario.{name}"
    words = text(key, lang) if has_text(key, lang) else name.replace("_", " ")
    return text("word.quoted", lang, words=words)
