"""Units: parse the unit strings users write, once, at the edge.

A pint registry extended with what yearbooks use: ``tce`` (1 tce = 29.3076 GJ, i.e.
1 kgce = 29,307.6 kJ, GB/T 2589-2020), ``yuan`` as its own currency dimension,
``person`` for headcounts, powers of ten as yearbooks write them (``10^4 t``,
``10^8 m^3``, ``100 million yuan``) and the yearbooks' Chinese unit names (万吨,
亿立方米, 万吨标准煤, 万千瓦时, 亿千瓦时, 万元, 亿元, 人, 万人 ...).

Everything inside carbonpath is a plain float in one canonical unit per dimension
(see ``CANONICAL``); :func:`to_canonical` does the conversion and tells which
dimension a value has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from carbonpath.core.errors import InputError
from carbonpath.core.limits import MAX_UNIT_CHARS, MAX_UNIT_SCALE, MIN_UNIT_SCALE

TCE_GJ = 29.3076
"""GJ per tonne of coal equivalent (1 kgce = 29,307.6 kJ)."""

KWH_GJ = 0.0036
"""GJ per kWh."""

#: canonical unit of each dimension carbonpath knows
CANONICAL: dict[str, str] = {
    "mass": "t",
    "volume": "m3",
    "energy": "GJ",
    "currency": "yuan",
    "headcount": "person",
    "count": "count",
    "ratio": "1",
}

UNIT_HINT = (
    "write a unit such as t, 10^4 t, m^3, 10^8 m^3, tce, 10^4 tce, kWh, 10^8 kWh, GJ, "
    "yuan, 10^4 yuan, 100 million yuan, person, 10^4 person, % "
    "(or a yearbook name: 万吨, 亿立方米, 万吨标准煤, 万千瓦时, 万元, 亿元, 人, 万人)"
)

# Chinese yearbook unit names -> the English form parsed below.
_CHINESE = {
    "吨": "t",
    "千克": "kg",
    "公斤": "kg",
    "万吨": "10^4 t",
    "亿吨": "10^8 t",
    "千吨": "10^3 t",
    "百万吨": "10^6 t",
    "十万吨": "10^5 t",
    "立方米": "m^3",
    "万立方米": "10^4 m^3",
    "亿立方米": "10^8 m^3",
    "吨标准煤": "tce",
    "千克标准煤": "kgce",
    "万吨标准煤": "10^4 tce",
    "亿吨标准煤": "10^8 tce",
    "千瓦时": "kWh",
    "万千瓦时": "10^4 kWh",
    "亿千瓦时": "10^8 kWh",
    "千焦": "kJ",
    "吉焦": "GJ",
    "百万千焦": "10^6 kJ",
    "太焦": "TJ",
    "元": "yuan",
    "千元": "10^3 yuan",
    "万元": "10^4 yuan",
    "亿元": "10^8 yuan",
    "人": "person",
    "万人": "10^4 person",
    "个": "units",
    "家": "units",
    "吨二氧化碳": "t",
    "万吨二氧化碳": "10^4 t",
    "百万吨二氧化碳": "10^6 t",
    "亿吨二氧化碳": "10^8 t",
    "千吨二氧化碳": "10^3 t",
    "吨油当量": "toe",
    "万吨油当量": "10^4 toe",
    "百万吨油当量": "10^6 toe",
    "百万千瓦时": "10^6 kWh",
    "百万立方米": "10^6 m^3",
    "百万元": "10^6 yuan",
    "十亿元": "10^9 yuan",
    "万户": "10^4 units",
}

_WORDS = {
    "thousand": 1e3,
    "k": 1e3,
    "ten thousand": 1e4,
    "million": 1e6,
    "hundred million": 1e8,
    "billion": 1e9,
}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_POWER = re.compile(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")

_PREFIX = re.compile(
    r"""^\s*
    (?:
        (?P<mant>\d+(?:\.\d+)?)\s*(?:[x×*]\s*)?10\s*(?:\^|\*\*)\s*(?P<exp1>-?\d+)   # 1.5 x 10^4
      | 10\s*(?:\^|\*\*)\s*(?P<exp2>-?\d+)                                       # 10^4
      | (?P<sci>\d+(?:\.\d+)?[eE][+-]?\d+)                                        # 1e4
      | (?P<plain>\d+(?:\.\d+)?)(?=\s|[a-zA-Z])                                   # 100 million
    )?
    \s*(?P<word>ten\ thousand|hundred\ million|thousand|million|billion|k(?=\s))?
    \s*(?P<rest>.*?)\s*$""",
    re.VERBOSE,
)

_ALIASES = {
    "t": "metric_ton",
    "ton": "metric_ton",
    "tons": "metric_ton",
    "tonne": "metric_ton",
    "tonnes": "metric_ton",
    "mt": "megametric_ton",
    "kt": "kilometric_ton",
    "m3": "meter**3",
    "m^3": "meter**3",
    "m³": "meter**3",
    "cubic meter": "meter**3",
    "cubic meters": "meter**3",
    "cubic metre": "meter**3",
    "cubic metres": "meter**3",
    "persons": "person",
    "people": "person",
    "employees": "person",
    "units": "countable_item",
    "unit": "countable_item",
    "count": "countable_item",
    "institutions": "countable_item",
    "%": "percent",
    "1": "dimensionless",
    "": "dimensionless",
}

_CO2_TOKEN = re.compile(r"\s*(co2e?|co₂e?|co2-eq|co2eq)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedUnit:
    """A unit string resolved to a factor onto the canonical unit of its dimension.

    A currency is a dimension of its own per currency code: ``10^4 yuan`` is 1e4
    ``yuan``, ``billion USD`` 1e9 ``USD``; ``currency`` names it (with its price base
    year when the unit gives one, e.g. ``international $ (2011 prices)``).  Values in
    different currencies are never converted into each other.
    """

    text: str
    dimension: str
    factor: float
    currency: str = ""

    @property
    def canonical(self) -> str:
        return self.currency if self.currency else CANONICAL[self.dimension]


# Currency words -> currency code.  An ISO 4217 code in capitals (GBP, JPY ...) is
# accepted as it is; "international $" and "PPP $" are the same unit (PPP dollars).
_CURRENCY_WORDS = {
    "yuan": "yuan",
    "rmb": "yuan",
    "cny": "yuan",
    "元": "yuan",
    "usd": "USD",
    "us$": "USD",
    "us dollar": "USD",
    "us dollars": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "$": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "€": "EUR",
    "international $": "international $",
    "international dollar": "international $",
    "international dollars": "international $",
    "intl $": "international $",
    "intl$": "international $",
    "int$": "international $",
    "int. $": "international $",
    "ppp $": "international $",
    "ppp$": "international $",
    "$ ppp": "international $",
    "ppp dollar": "international $",
    "ppp dollars": "international $",
    "ppp usd": "international $",
    "usd ppp": "international $",
}
_ISO_CODE = re.compile(r"^[A-Z]{3}$")
_BASE_YEAR = re.compile(
    r"(?:^|\s|\()(?:constant\s+)?(?P<year>1[89]\d\d|20\d\d|2100)(?:\s+prices)?(?:\)|\s|$)",
    re.IGNORECASE,
)


def _currency(rest: str) -> str | None:
    """The currency code of a unit's remainder after the multiplier, or None."""
    word = " ".join(rest.split())
    if word.lower() in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word.lower()]
    if _ISO_CODE.match(word) and word not in ("TCE", "GWH", "MWH", "KWH"):
        return word
    return None


def _split_base_year(text: str) -> tuple[str, str | None]:
    """``'2011 international $'`` -> ``('international $', '2011')`` (only next to a
    currency: ``100 million yuan`` keeps its 100)."""
    m = _BASE_YEAR.search(text)
    if m is None:
        return text, None
    rest = (text[: m.start()] + " " + text[m.end() :]).replace("()", " ")
    rest = " ".join(rest.split())
    tail = _PREFIX.match(rest)
    remainder = tail.group("rest") if tail else rest
    if _currency(remainder) is None:
        return text, None
    return rest, m.group("year")


@lru_cache(maxsize=1)
def registry() -> Any:
    """The shared pint registry with carbonpath's definitions (built on first use)."""
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define(f"tce = {TCE_GJ} * gigajoule = tonne_coal_equivalent")
    ureg.define("kgce = tce / 1000")
    ureg.define("person = [headcount]")
    ureg.define("countable_item = [item]")
    return ureg


def _dimension_of(quantity: Any) -> tuple[str, float]:
    ureg = registry()
    for dim, canon in (
        ("mass", "metric_ton"),
        ("volume", "meter**3"),
        ("energy", "gigajoule"),
        ("headcount", "person"),
        ("count", "countable_item"),
        ("ratio", "dimensionless"),
    ):
        target = ureg.Quantity(1.0, canon)
        if quantity.dimensionality == target.dimensionality:
            return dim, float(quantity.to(canon).magnitude)
    raise InputError(f"unit has dimension {quantity.dimensionality}, which carbonpath does not use")


#: powers of ten beyond this are refused before they are computed (10.0 ** 400 overflows)
_MAX_POWER = 30


def _multiplier(m: re.Match[str], raw: str) -> float:
    """The number in front of the unit: ``1.5 x 10^4``, ``10^4``, ``1e4``, ``100`` (x word)."""
    exp = m.group("exp1") if m.group("exp1") is not None else m.group("exp2")
    if exp is not None and abs(int(exp)) > _MAX_POWER:
        raise InputError(f"unit '{raw}' has an absurd scale (10^{exp})", fix=_SCALE_FIX)
    mult = 1.0
    if m.group("exp1") is not None:
        mult = float(m.group("mant")) * 10.0 ** int(m.group("exp1"))
    elif m.group("exp2") is not None:
        mult = 10.0 ** int(m.group("exp2"))
    elif m.group("sci") is not None:
        mult = float(m.group("sci"))
    elif m.group("plain") is not None:
        mult = float(m.group("plain"))
    if m.group("word"):
        mult *= _WORDS[m.group("word")]
    return mult


_SCALE_FIX = (
    f"a unit's scale must lie between {MIN_UNIT_SCALE:g} and {MAX_UNIT_SCALE:g} of the "
    "canonical unit (t, m^3, GJ, yuan, person); write e.g. t, 10^4 t or 10^8 yuan"
)


def _check_scale(raw: str, factor: float) -> None:
    """Refuse a scale of 0, of infinity, or outside [MIN_UNIT_SCALE, MAX_UNIT_SCALE]."""
    if factor == 0.0:
        raise InputError(f"unit '{raw}' has a scale of 0", fix=_SCALE_FIX)
    if not np.isfinite(factor) or not MIN_UNIT_SCALE <= abs(factor) <= MAX_UNIT_SCALE:
        raise InputError(f"unit '{raw}' has an absurd scale ({factor:.3g})", fix=_SCALE_FIX)


@lru_cache(maxsize=512)
def parse_unit(text: str) -> ParsedUnit:
    """Parse a unit string such as ``10^4 t``, ``亿立方米`` or ``100 million yuan``.

    Raises :class:`InputError` (without location; callers add file/row) when the text
    is not a unit carbonpath understands, or when its scale onto the canonical unit is
    0, infinite or outside [:data:`MIN_UNIT_SCALE`, :data:`MAX_UNIT_SCALE`].
    """
    raw = "" if text is None else str(text)
    if len(raw) > MAX_UNIT_CHARS:
        raise InputError(
            f"unit '{raw[:40]}...' is longer than {MAX_UNIT_CHARS} characters", fix=UNIT_HINT
        )
    s = _SUPERSCRIPT_POWER.sub(lambda m: "10^" + m.group(1).translate(_SUPERSCRIPTS), raw.strip())
    s = _CHINESE.get(s, s)
    s, base_year = _split_base_year(s)
    s = _CO2_TOKEN.sub("", s).strip()
    m = _PREFIX.match(s)
    if m is None:  # pragma: no cover - the pattern always matches
        raise InputError(f"unit '{raw}' is not understood", fix=UNIT_HINT)
    mult = _multiplier(m, raw)
    rest = m.group("rest").strip()
    rest = _CHINESE.get(rest, rest)
    rest = _CO2_TOKEN.sub("", rest).strip().replace("³", "^3")
    code = _currency(rest)
    if code is not None:
        _check_scale(raw, mult)
        if base_year is not None:
            code = f"{code} ({base_year} prices)"
        return ParsedUnit(text=raw, dimension="currency", factor=mult, currency=code)
    rest = _ALIASES.get(rest.lower(), rest)
    if mult != 1.0 and rest == "dimensionless" and not m.group("rest"):
        raise InputError(f"unit '{raw}' is a number without a unit", fix=UNIT_HINT)
    ureg = registry()
    try:
        quantity = ureg.Quantity(1.0, rest.replace("^", "**"))
    except Exception as exc:  # pint raises several unrelated types
        raise InputError(f"unit '{raw}' is not understood", fix=UNIT_HINT) from exc
    try:
        dim, factor = _dimension_of(quantity)
    except InputError as exc:
        raise InputError(f"unit '{raw}': {exc.message}", fix=UNIT_HINT) from exc
    except (OverflowError, ZeroDivisionError, ValueError) as exc:
        raise InputError(f"unit '{raw}' has an absurd scale", fix=_SCALE_FIX) from exc
    _check_scale(raw, factor * mult)
    return ParsedUnit(text=raw, dimension=dim, factor=factor * mult)


def to_canonical(values: Any, unit: str) -> tuple[np.ndarray, str, str]:
    """Convert ``values`` given in ``unit`` to the canonical unit of its dimension.

    Returns ``(array, canonical_unit, dimension)``.
    """
    parsed = parse_unit(unit)
    arr = np.asarray(values, dtype=float) * parsed.factor
    return arr, parsed.canonical, parsed.dimension


def factor_to(unit_from: str, unit_to: str) -> float:
    """Multiplier converting a value in ``unit_from`` into ``unit_to`` (same dimension)."""
    a, b = parse_unit(unit_from), parse_unit(unit_to)
    if a.dimension != b.dimension or a.currency != b.currency:
        raise InputError(
            f"cannot convert '{unit_from}' ({a.canonical}) to '{unit_to}' ({b.canonical})",
            fix="carbonpath never converts between dimensions or currencies",
        )
    return a.factor / b.factor
