"""Numbers and cells as the report shows them: units in headers, one format per column.

- ``fmt_num``: thousands separators; 0 decimals from 1,000, 2 from 10, 4 from 0.01,
  scientific below; None and NaN as an en dash;
- ``fmt_pct``: a fraction as a percentage; ``fmt_p``: p-values, "< 0.001" below;
- ``column_digits``: the decimals that give a column's largest |value| five
  significant digits (0-4), so a column is aligned and comparable;
- ``fmt_cell``: a cell by its column (percent, p, scaled, count columns).
"""

from __future__ import annotations

import math
import re
from typing import Any

#: Columns whose values are fractions shown as percentages.
PERCENT = {
    "share",
    "share_of_reference",
    "reduction",
    "progress",
    "share_achieved",
    "required_rate",
    "trend_rate",
    "rate",
    "obstacle",
    "projected_reduction",
    "required_reduction",
    "pct_co2",
    "pct_driver",
}
#: Columns shown in other units than stored: name -> divisor.
SCALE = {"output_value_yuan": 1e8, "efficiency_yuan_per_tce": 1e4}


def finite(x: Any) -> float | None:
    """``x`` as a finite float when it is a number (not a bool), else None."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float):
        f = float(x)
        return f if math.isfinite(f) else None
    return None


def fmt_num(x: Any, digits: int | None = None) -> str:
    """A number for reading: thousands separators, sensible decimals; None -> en dash."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    f = finite(x)
    if f is None:
        return "–" if x is None or isinstance(x, float) else str(x)
    if isinstance(x, int) and digits is None:
        return f"{x:,d}"
    if digits is None:
        a = abs(f)
        if a == 0:
            return "0"
        if a >= 1000:
            digits = 0
        elif a >= 10:
            digits = 2
        elif a >= 0.01:
            digits = 4
        else:
            return f"{f:.3e}"
    return _no_negative_zero(f"{f:,.{digits}f}")


def setting_text(v: Any) -> str:
    """A setting's value as written (floats to 6 significant digits, e.g. 1e-10)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return fmt_sig(v) if 1e-4 <= abs(v) < 1e6 else f"{v:.3g}"
    return str(v)


def _no_negative_zero(s: str) -> str:
    """'-0.0' -> '0.0': a value that rounds to zero carries no sign."""
    return s[1:] if s.startswith("-") and not any(ch in "123456789" for ch in s) else s


def fmt_pct(x: Any, digits: int = 1, sign: bool = False) -> str:
    """A fraction as a percentage ('0.066' -> '6.6 %'; never '-0.0 %'); ``sign``: '+6.6 %'."""
    f = finite(x)
    if f is None:
        return "–"
    s = _no_negative_zero(f"{f * 100:,.{digits}f}")
    if sign and not s.startswith("-") and any(ch in "123456789" for ch in s):
        s = "+" + s
    return f"{s} %"


def fmt_sig(x: Any, n: int = 3) -> str:
    """``x`` to ``n`` significant digits for people (0.003218 -> '0.00322', 0.28 -> '0.28').

    From 10^n up the number is shown whole with thousands separators; never '-0'.
    """
    f = finite(x)
    if f is None:
        return "–"
    if f == 0:
        return "0"
    if abs(f) >= 10**n:
        return _no_negative_zero(f"{f:,.0f}")
    decimals = max(0, n - 1 - math.floor(math.log10(abs(f))))
    s = f"{round(f, decimals):,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return _no_negative_zero(s)


#: mass units for people: English t/kt/Mt, Chinese 吨/万吨/亿吨 (as Chinese statistics write)
MASS_UNITS = {
    "en": ((1e6, "Mt CO₂"), (1e3, "kt CO₂"), (1.0, "t CO₂")),
    "zh": ((1e8, "亿吨 CO₂"), (1e4, "万吨 CO₂"), (1.0, "吨 CO₂")),
}


def fmt_mass(t: Any, lang: str = "en") -> str:
    """Tonnes of CO2 with three significant digits ('86.9 kt CO₂'; zh '8.69 万吨 CO₂')."""
    f = finite(t)
    if f is None:
        return "–"
    units = MASS_UNITS.get(lang, MASS_UNITS["en"])
    for div, unit in units:
        if abs(f) >= div:
            return f"{fmt_sig(f / div)} {unit}"
    return f"{fmt_sig(f)} {units[-1][1]}"


def fmt_p(x: Any) -> str:
    """A p-value: three decimals, '< 0.001' below."""
    f = finite(x)
    if f is None:
        return "–"
    return "< 0.001" if f < 0.001 else f"{f:.3f}"


def column_digits(values: list[Any]) -> int | None:
    """Decimals that give the largest |value| of a column five significant digits (0-4).

    One number of decimals per column keeps columns aligned and comparable; None
    (per-value formatting) when the column has no finite non-zero number or only
    tiny ones (those are shown in scientific notation).
    """
    nums = [abs(f) for f in (finite(v) for v in values) if f is not None and f != 0]
    if not nums or all(
        isinstance(v, int) and not isinstance(v, bool) for v in values if finite(v) is not None
    ):
        return None
    top = max(nums)
    if top < 1e-3:
        return None
    return int(min(4, max(0, 4 - math.floor(math.log10(top)))))


_P_COLUMN = re.compile(r"(^|[ _])p($|[ _(])")


def fmt_cell(col: str, v: Any, digits: int | None = None) -> str:
    """The text of one cell of column ``col`` (lists and dicts joined, units applied)."""
    if isinstance(v, dict | list):
        return (
            ", ".join(f"{k}: {fmt_cell(k, x)}" for k, x in v.items())
            if isinstance(v, dict)
            else ", ".join(fmt_cell(col, x) for x in v)
        )
    if isinstance(v, str):
        return v
    if col in PERCENT:
        return fmt_pct(v)
    if _P_COLUMN.search(col):
        return fmt_p(v)
    if col in SCALE and finite(v) is not None:
        return fmt_num(float(v) / SCALE[col], digits)
    if is_count(col):
        f = finite(v)
        return str(int(f)) if f is not None and f == int(f) else fmt_num(v)
    return fmt_num(v, digits) if not isinstance(v, str) else v


def is_count(col: str) -> bool:
    """Columns of whole counts (years, lines, ranks): no thousands separators."""
    return col == "year" or col.endswith("_year") or col in ("line", "rows", "rank", "n", "lags")
