"""The model's symbols in words: ``lnP = ln employment of the modern sectors``.

A term ``variable[scope]`` reads as the variable (underscores as spaces; ``co2`` as
CO2) followed by its scope in words; a ratio as ``ln(a / b)``.  In a panel over regions
a scope without a region part is evaluated in each region ("of each region"); ``*:``
is the sum of all regions.  A ``[stirpat.labels]`` entry replaces the words.
"""

from __future__ import annotations

from carbonpath.core.errors import InputError
from carbonpath.core.scopes import ALL, parse_scope

__all__ = ["glossary", "term_words"]

_VARIABLES = {
    "co2": "CO2",
    "energy": "energy use",
    "energy_total": "energy use",
    "gdp": "GDP",
    "rd_expenditure": "R&D expenditure",
}


def _sector_words(sector: str) -> str:
    if sector == "modern":
        return "of the modern sectors"
    if sector == "reference":
        return "of the reference row"
    if sector in ("region", ALL):
        return "of the whole region"
    if sector.startswith("group:"):
        return f"of sector group {sector.split(':', 1)[1]}"
    return f"of sector {sector}"


def _part_words(variable: str, scope: str, per_region: bool) -> str:
    var = _VARIABLES.get(variable, variable.replace("_", " "))
    try:
        parsed = parse_scope(scope)
    except InputError:
        return f"{var}[{scope}]"
    whole = parsed.sector in ("region", ALL)
    if whole and per_region and not parsed.crosses_regions:
        return f"{var} of each region"
    words = f"{var} {_sector_words(parsed.sector)}"
    if parsed.region_group is not None:
        return f"{words}, summed over region group {parsed.region_group}"
    if parsed.region == ALL:
        return f"{words}, summed over all regions"
    if parsed.region is not None:
        return f"{words} of region {parsed.region}"
    return f"{words} of each region" if per_region else words


def term_words(parts: list[tuple[str, str]], per_region: bool = False) -> str:
    """``ln <words>`` of a term given as its (variable, scope) parts."""
    words = [_part_words(v, s, per_region) for v, s in parts]
    return f"ln({words[0]} / {words[1]})" if len(words) == 2 else f"ln {words[0]}"


def glossary(settings, names: list[str], per_region: bool = False) -> tuple[str, ...]:
    """``symbol = words`` for the response and every regressor (``[stirpat.labels]``
    where given)."""
    out = []
    for name in names:
        if name in settings.labels:
            text = settings.labels[name]
        else:
            term = settings.response if name not in settings.regressors else None
            term = term or settings.regressors[name]
            text = term_words(term.parts(), per_region)
        out.append(f"{name} = {text}")
    return tuple(out)
