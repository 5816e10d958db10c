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

#: Column name -> header with unit, for tables taken straight from the results.
HEADERS: dict[str, str] = {
    "year": "Year",
    "sector": "Sector",
    "scope": "Scope",
    "fuel": "Fuel",
    "group": "Group",
    "co2_t": "CO₂ (t)",
    "share_of_reference": "Share of all manufacturing (%)",
    "output_value_yuan": "Output value (10⁸ yuan)",
    "intensity_t_per_1e8_yuan": "Intensity (t CO₂ per 10⁸ yuan)",
    "energy_tce": "Energy (tce)",
    "efficiency_yuan_per_tce": "Efficiency (10⁴ yuan per tce)",
    "employment": "Employment (persons)",
    "co2_per_employee_t": "CO₂ per employee (t)",
    "electricity_kwh_per_1e4_yuan": "Electricity (kWh per 10⁴ yuan)",
    "severity": "Severity",
    "check": "Check",
    "file": "File",
    "line": "Line",
    "variable": "Variable",
    "value": "Value",
    "message": "Message",
    "resolved": "Resolved",
    "reason": "Reason",
    "sha256": "SHA-256",
    "encoding": "Encoding",
    "rows": "Rows",
    "adf": "ADF statistic",
    "crit_5": "5 % critical value",
    "crit_1": "1 % critical value",
    "crit_10": "10 % critical value",
    "lags": "Lags",
    "verdict": "Verdict",
    "n": "n",
}
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
    return f"{f:,.{digits}f}"


def setting_text(v: Any) -> str:
    """A setting's value as written (floats to 6 significant digits, e.g. 1e-10)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def fmt_pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage ('0.066' -> '6.6 %')."""
    f = finite(x)
    return "–" if f is None else f"{f * 100:,.{digits}f} %"


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
