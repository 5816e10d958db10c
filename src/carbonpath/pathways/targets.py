"""Tracking of emission targets: progress, required rate and recent trend.

A target fixes a base year, a target year and a reduction r (a fraction).  It is
either an ``intensity`` target (CO2 per unit of output value) or an ``absolute``
target (CO2).  With x_t the tracked value:

- target value          x* = x_base * (1 - r)
- progress so far       x_last / x_base - 1            (change since the base year)
- share achieved        (x_base - x_last) / (x_base - x*)   (1 = target reached)
- required annual rate  g_req = (x* / x_last)^(1 / (target_year - last_year)) - 1
- recent trend          g_tr = (x_last / x_{last - w})^(1 / w) - 1   (window w years)
- trend meets target    g_tr <= g_req
- trend projection      x_last * (1 + g_tr)^(target_year - last_year)

All rates are compound average annual rates.  When the target year lies within the
data, the target is judged on the observed value instead (``met`` / ``missed``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

TARGET_TYPES = ("intensity", "absolute")
DEFAULT_TREND_YEARS = 3


@dataclass(frozen=True)
class TargetProgress:
    """One target's status.  Values are in the tracked series' unit."""

    name: str
    type: str
    unit: str
    base_year: int
    target_year: int
    reduction: float
    base_value: float
    target_value: float
    last_year: int
    last_value: float
    progress: float
    share_achieved: float
    required_rate: float | None
    trend_start_year: int
    trend_years: int
    trend_rate: float
    trend_meets_requirement: bool | None
    projected_value: float | None
    projected_meets_target: bool | None
    observed_target_value: float | None
    status: str

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        return out


def compound_rate(start: float, end: float, years: int) -> float:
    """Average annual compound rate (end / start)^(1 / years) - 1."""
    if years <= 0:
        raise InputError("a compound rate needs a span of at least one year")
    if start <= 0 or end <= 0:
        raise InputError(
            f"a compound rate needs positive values (got {start} and {end})",
            fix="check the series for zeros or negative values",
        )
    return (end / start) ** (1.0 / years) - 1.0


def _clean_series(series: pd.Series, what: str) -> pd.Series:
    s = series.dropna().astype(float)
    s.index = s.index.astype(int)
    s = s.sort_index()
    if s.empty:
        raise InputError(f"the {what} series is empty", fix="check the data for this scope")
    return s


def _check_request(
    kind: str, reduction: float, base_year: int, target_year: int, trend_years: int
) -> None:
    if kind not in TARGET_TYPES:
        raise InputError(f"unknown target type '{kind}'", fix="use 'intensity' or 'absolute'")
    if not (0.0 < reduction < 1.0):
        raise InputError(
            f"reduction {reduction} is not a fraction between 0 and 1",
            fix="write 20% as 0.20",
        )
    if target_year <= base_year:
        raise InputError(
            f"target year {target_year} is not after base year {base_year}",
            fix="the target year must come after the base year",
        )
    if trend_years < 1:
        raise InputError("trend_years must be at least 1")


def _years_in_data(s: pd.Series, base_year: int, trend_years: int) -> tuple[float, int, int]:
    """The base value, the last data year and the trend window's start (all in the data)."""
    years = list(s.index)
    if base_year not in s.index:
        raise InputError(
            f"base year {base_year} is outside the data ({years[0]}-{years[-1]})",
            fix="choose a base year with data",
        )
    base_value = float(s.loc[base_year])
    if base_value <= 0:
        raise InputError(f"the base-year value is {base_value}, not positive")
    last_year = int(years[-1])
    if last_year <= base_year:
        raise InputError(
            f"no data after the base year {base_year} (last data year {last_year})",
            fix="add data for later years",
        )
    start_year = last_year - trend_years
    if start_year not in s.index:
        raise InputError(
            f"the trend window of {trend_years} years needs data for {start_year}",
            fix=f"set trend_years to at most {last_year - years[0]} or add data",
        )
    return base_value, last_year, start_year


def _outlook(
    s: pd.Series, target_year: int, last_year: int, target_value: float, trend_rate: float
) -> dict[str, object]:
    """Required rate, trend projection and status (target ahead), or the observed value
    at the target year (target year within the data)."""
    last_value = float(s.loc[last_year])
    if target_year > last_year:
        horizon = target_year - last_year
        required = compound_rate(last_value, target_value, horizon)
        meets = trend_rate <= required
        projected = last_value * (1.0 + trend_rate) ** horizon
        return {
            "required_rate": required,
            "trend_meets_requirement": meets,
            "projected_value": projected,
            "projected_meets_target": projected <= target_value,
            "observed_target_value": None,
            "status": "on_track" if meets else "off_track",
        }
    out: dict[str, object] = {
        "required_rate": None,
        "trend_meets_requirement": None,
        "projected_value": None,
        "projected_meets_target": None,
        "observed_target_value": None,
        "status": "no_data_for_target_year",
    }
    if target_year in s.index:
        observed = float(s.loc[target_year])
        out["observed_target_value"] = observed
        out["status"] = "met" if observed <= target_value else "missed"
    return out


def track_target(
    series: pd.Series,
    *,
    base_year: int,
    target_year: int,
    reduction: float,
    kind: str = "intensity",
    name: str = "target",
    unit: str = "",
    trend_years: int = DEFAULT_TREND_YEARS,
) -> TargetProgress:
    """Progress of ``series`` (index year) towards a reduction target.

    ``series`` holds the tracked quantity: CO2 per output value for an intensity
    target, CO2 for an absolute one.  ``trend_years`` is the window w of the recent
    trend, counted back from the last data year; the year last - w must be in the
    data.  Raises ``InputError`` when a year is outside the data.
    """
    _check_request(kind, reduction, base_year, target_year, trend_years)
    s = _clean_series(series, name)
    base_value, last_year, start_year = _years_in_data(s, base_year, trend_years)
    last_value = float(s.loc[last_year])
    trend_rate = compound_rate(float(s.loc[start_year]), last_value, trend_years)
    target_value = base_value * (1.0 - reduction)
    return TargetProgress(
        name=name,
        type=kind,
        unit=unit,
        base_year=int(base_year),
        target_year=int(target_year),
        reduction=float(reduction),
        base_value=base_value,
        target_value=target_value,
        last_year=last_year,
        last_value=last_value,
        progress=last_value / base_value - 1.0,
        share_achieved=(base_value - last_value) / (base_value - target_value),
        trend_start_year=start_year,
        trend_years=int(trend_years),
        trend_rate=trend_rate,
        **_outlook(s, target_year, last_year, target_value, trend_rate),  # type: ignore[arg-type]
    )


def intensity_series(co2: pd.Series, output: pd.Series) -> pd.Series:
    """CO2 per output value (t per yuan) on the years both series share."""
    c = _clean_series(co2, "CO2")
    q = _clean_series(output, "output")
    common = c.index.intersection(q.index)
    if len(common) == 0:
        raise InputError("CO2 and output have no year in common", fix="check the data years")
    q = q.loc[common]
    if (q <= 0).any():
        raise InputError("output is zero or negative in some year", fix="check the output data")
    return (c.loc[common] / q).rename("intensity")
