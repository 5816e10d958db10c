"""Scenario projections of CO2 with fitted STIRPAT elasticities.

Each scenario sets an annual growth rate g_j for every STIRPAT driver X_j (driver
``lnP`` is the level P, ``lnA`` is A, and so on).  Driver paths grow from the last
observed year t0:  ln X_jt = ln X_j,t0 + (t - t0) ln(1 + g_j).

CO2 follows the fitted log-linear model, anchored at the last observed emissions:

    ln C_t = ln C_t0 + sum_j b_j (ln X_jt - ln X_j,t0)

so the projection starts exactly at actual emissions and only the elasticities b_j
(not the fitted intercept or the last residual) drive it.  With one driver growing
at g and elasticity b, CO2 changes by the factor (1 + g)^b per year.

Baseline rates default to recent trends: the compound annual growth of each driver
over the last N data years (default 3).  Intervals: the projection is repeated for
every row of a coefficient bootstrap array (B x p) and the 2.5th and 97.5th
percentiles are reported; they reflect coefficient uncertainty only (not driver-path
or residual uncertainty), so they are zero-width at t0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from carbonpath.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_HORIZON = 2030
DEFAULT_TREND_YEARS = 3
INTERVAL_PERCENTILES = (2.5, 97.5)
CONSTANT_NAMES = frozenset({"const", "constant", "intercept", "b0", "(intercept)"})


def driver_level_name(driver: str) -> str:
    """Map a model term to its level column: ``lnA`` -> ``A``; other names unchanged."""
    return driver[2:] if driver.startswith("ln") and len(driver) > 2 else driver


def trend_rates(drivers: pd.DataFrame, last_year: int, years: int) -> dict[str, float]:
    """Compound annual growth (X_t0 / X_{t0-N})^(1/N) - 1 of each driver column."""
    start = last_year - years
    if years < 1:
        raise InputError("trend_years must be at least 1")
    if start not in drivers.index or last_year not in drivers.index:
        raise InputError(
            f"the trend window {start}-{last_year} is outside the driver data "
            f"({int(drivers.index.min())}-{int(drivers.index.max())})",
            fix=f"set trend_years to at most {last_year - int(drivers.index.min())}",
        )
    out: dict[str, float] = {}
    for col in drivers.columns:
        a, b = float(drivers.loc[start, col]), float(drivers.loc[last_year, col])
        if a <= 0 or b <= 0:
            raise InputError(f"driver {col} is not positive in {start} or {last_year}")
        out[str(col)] = (b / a) ** (1.0 / years) - 1.0
    return out


@dataclass(frozen=True)
class ScenarioSpec:
    """A named scenario: label and annual growth per driver (a float or "trend")."""

    name: str
    label: str
    rates: Mapping[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Projection:
    """Projected CO2 paths for all scenarios.

    ``paths``: year, scenario, co2_t, lo, hi (lo/hi NaN without bootstrap), starting
    at the anchor year.  ``assumptions``: scenario, label, driver, rate, source.
    ``peaks``: scenario, peak_year (None when CO2 still rises or stays flat at the
    horizon), peak_co2_t.
    """

    anchor_year: int
    anchor_co2_t: float
    horizon: int
    trend_years: int
    paths: pd.DataFrame
    assumptions: pd.DataFrame
    peaks: pd.DataFrame
    driver_paths: pd.DataFrame
    n_bootstrap: int
    #: the path of every bootstrap draw by scenario (years x B; B = 0 without draws)
    draws: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


def _bootstrap_matrix(
    bootstrap: np.ndarray | None, names: Sequence[str], all_names: Sequence[str]
) -> np.ndarray | None:
    """Bootstrap draws (B x p) in the order of ``names``; constant columns dropped."""
    if bootstrap is None:
        return None
    arr = np.asarray(bootstrap, dtype=float)
    if arr.ndim != 2:
        raise InputError("bootstrap draws must be a 2-D array (draws x coefficients)")
    if arr.shape[1] == len(all_names) and len(all_names) != len(names):
        keep = [i for i, n in enumerate(all_names) if n.lower() not in CONSTANT_NAMES]
        arr = arr[:, keep]
    if arr.shape[1] != len(names):
        raise InputError(
            f"bootstrap has {arr.shape[1]} columns but the model has {len(names)} drivers",
            fix="pass draws with one column per elasticity, in the elasticities' order",
        )
    if not np.all(np.isfinite(arr)):
        raise InputError("bootstrap draws contain missing or infinite values")
    return arr


def _terms(elasticities: Mapping[str, float]) -> tuple[list[str], list[str], np.ndarray]:
    """All terms, the driver terms (constants dropped) and their elasticities b_j."""
    all_names = [str(k) for k in elasticities]
    names = [n for n in all_names if n.lower() not in CONSTANT_NAMES]
    if not names:
        raise InputError("no elasticities given", fix="fit the STIRPAT model first")
    b = np.array([float(elasticities[n]) for n in names])
    if not np.all(np.isfinite(b)):
        raise InputError("an elasticity is missing or infinite", fix="check the STIRPAT fit")
    return all_names, names, b


def _levels(drivers: pd.DataFrame, names: list[str], cols: list[str]) -> pd.DataFrame:
    """Driver levels by year: the level column (``A``) or exp of the log column (``lnA``)."""
    import pandas as pd

    levels = {}
    for n, col in zip(names, cols, strict=True):
        if col in drivers.columns:
            levels[col] = drivers[col].astype(float)
        elif n in drivers.columns:  # a log column (e.g. lnA): back to levels
            levels[col] = np.exp(drivers[n].astype(float))
        else:
            raise InputError(
                f"driver data lack a column for {n}",
                fix=f"give driver levels as columns {cols} (or logs as {names})",
            )
    d = pd.DataFrame(levels, index=drivers.index).dropna()
    d.index = d.index.astype(int)
    return d


def _anchor(d: pd.DataFrame, co2: pd.Series, horizon: int) -> tuple[int, float]:
    """t0 = the last year with CO2 and driver data, and C_t0 > 0."""
    c = co2.dropna().astype(float)
    c.index = c.index.astype(int)
    common = sorted(set(d.index) & set(c.index))
    if not common:
        raise InputError("CO2 and drivers share no year", fix="check the data years")
    t0 = int(common[-1])
    c0 = float(c.loc[t0])
    if c0 <= 0:
        raise InputError(f"CO2 in the anchor year {t0} is not positive")
    if horizon <= t0:
        raise InputError(
            f"horizon {horizon} is not after the last data year {t0}",
            fix=f"set a horizon after {t0}",
        )
    return t0, c0


def _rates(
    spec: ScenarioSpec, names: list[str], cols: list[str], trends: dict[str, float], window: str
) -> tuple[np.ndarray, list[str]]:
    """The scenario's annual rate g_j of each driver ("trend" or absent: the recent
    trend) and where each came from."""
    rates = np.empty(len(names))
    sources: list[str] = []
    for j, (n, col) in enumerate(zip(names, cols, strict=True)):
        given = spec.rates.get(n, "trend")
        if isinstance(given, str):
            if given != "trend":
                raise InputError(
                    f"scenario '{spec.name}' rate for {n} is '{given}'",
                    fix="give a number (0.05 = 5% a year) or 'trend'",
                )
            rates[j] = trends[col]
            sources.append(f"trend {window}")
        else:
            rates[j] = float(given)
            sources.append("given")
        if not rates[j] > -1.0:
            raise InputError(
                f"scenario '{spec.name}' growth rate for {n} is {rates[j]}, not above -100%",
                fix="give an annual rate above -1",
            )
    return rates, sources


def _path(
    rates: np.ndarray, b: np.ndarray, draws: np.ndarray | None, c0: float, steps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """ln X_jt - ln X_j,t0 = (t - t0) ln(1 + g_j); C_t = C_t0 exp(sum_j b_j dlnX_jt),
    and the same for every bootstrap row of b (years x B), or None."""
    log_growth = np.log1p(rates)  # ln(1 + g_j)
    dlnx = np.outer(steps, log_growth)  # (years x p): ln X_jt - ln X_j,t0
    co2_path = c0 * np.exp(dlnx @ b)
    sims = c0 * np.exp(dlnx @ draws.T) if draws is not None else None  # (years x B)
    return dlnx, co2_path, sims


def _interval(sims: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """2.5/97.5 percentiles over the draws by year (NaN without draws)."""
    if sims is None:
        nan = np.full(n, np.nan)
        return nan, nan
    lo, hi = np.percentile(sims, INTERVAL_PERCENTILES, axis=1)
    return lo, hi


def peak(years: np.ndarray, path: np.ndarray, horizon: int) -> dict[str, object]:
    """The peak of a path: its maximum when it is above the horizon's value (else none)."""
    k_max = int(np.argmax(path))
    peaked = path[k_max] > path[-1]
    if not peaked:
        note = f"no peak by {horizon}"
    elif k_max == 0:
        note = "already falling from the last data year"
    else:
        note = "peaks within the horizon"
    return {
        "peak_year": int(years[k_max]) if peaked else None,
        "peak_co2_t": float(path[k_max]) if peaked else None,
        "note": note,
    }


def project(
    drivers: pd.DataFrame,
    co2: pd.Series,
    elasticities: Mapping[str, float],
    scenarios: Sequence[ScenarioSpec],
    *,
    horizon: int = DEFAULT_HORIZON,
    trend_years: int = DEFAULT_TREND_YEARS,
    bootstrap: np.ndarray | None = None,
) -> Projection:
    """Project CO2 from the last common data year to ``horizon`` for each scenario.

    ``drivers``: index year, one column per driver level (P, A, T, RE); a column
    named after the term (``lnA``) is read as logs when the level column is absent.
    ``elasticities``: model term -> b_j (``lnA`` -> 0.125); constant terms ignored.
    ``bootstrap``: optional draws (B x p) of the elasticities in the same order.
    Rates not given by a scenario, or given as "trend", use the recent trend.
    """
    import pandas as pd

    all_names, names, b = _terms(elasticities)
    draws = _bootstrap_matrix(bootstrap, names, all_names)
    cols = [driver_level_name(n) for n in names]
    d = _levels(drivers, names, cols)
    t0, c0 = _anchor(d, co2, horizon)
    trends = trend_rates(d, t0, trend_years)
    years = np.arange(t0, horizon + 1)
    steps = (years - t0).astype(float)
    rows: dict[str, list[dict[str, object]]] = {k: [] for k in ("path", "assume", "peak", "driver")}
    sims_by: dict[str, np.ndarray] = {}
    for spec in scenarios:
        _check_spec(spec, names, sims_by)
        rates, sources = _rates(spec, names, cols, trends, f"{t0 - trend_years}-{t0}")
        rows["assume"] += [
            {
                "scenario": spec.name,
                "label": spec.label,
                "driver": n,
                "rate": float(rates[j]),
                "source": sources[j],
                "elasticity": float(b[j]),
            }
            for j, n in enumerate(names)
        ]
        dlnx, co2_path, sims = _path(rates, b, draws, c0, steps)
        sims_by[spec.name] = sims if sims is not None else np.empty((len(years), 0))
        lo, hi = _interval(sims, len(years))
        for k, year in enumerate(years):
            rows["path"].append(
                {
                    "year": int(year),
                    "scenario": spec.name,
                    "co2_t": float(co2_path[k]),
                    "lo": float(lo[k]),
                    "hi": float(hi[k]),
                }
            )
            rows["driver"] += [
                {
                    "year": int(year),
                    "scenario": spec.name,
                    "driver": names[j],
                    "level": float(d.loc[t0, col]) * float(np.exp(dlnx[k, j])),
                }
                for j, col in enumerate(cols)
            ]
        rows["peak"].append({"scenario": spec.name, **peak(years, co2_path, horizon)})
    return Projection(
        anchor_year=t0,
        anchor_co2_t=c0,
        horizon=int(horizon),
        trend_years=int(trend_years),
        paths=pd.DataFrame(rows["path"], columns=["year", "scenario", "co2_t", "lo", "hi"]),
        assumptions=pd.DataFrame(
            rows["assume"],
            columns=["scenario", "label", "driver", "rate", "source", "elasticity"],
        ),
        # object dtype keeps peak_year an int (or None) instead of a float with NaN
        peaks=pd.DataFrame(
            rows["peak"], columns=["scenario", "peak_year", "peak_co2_t", "note"], dtype=object
        ),
        driver_paths=pd.DataFrame(rows["driver"], columns=["year", "scenario", "driver", "level"]),
        n_bootstrap=0 if draws is None else int(draws.shape[0]),
        draws=sims_by,
    )


def _check_spec(spec: ScenarioSpec, names: list[str], seen: Mapping[str, object]) -> None:
    if spec.name in seen:
        raise InputError(f"scenario '{spec.name}' is defined twice")
    unknown = [k for k in spec.rates if k not in names]
    if unknown:
        raise InputError(
            f"scenario '{spec.name}' sets unknown driver(s) {unknown}",
            fix=f"use drivers among {names}",
        )


def intensity_paths(
    projection: Projection, output: pd.Series, output_driver: str = "lnA"
) -> pd.DataFrame:
    """CO2 per output value along each scenario (t per yuan).

    Output grows from its value in the anchor year at the scenario's rate for
    ``output_driver`` (the STIRPAT affluence driver A is output value).  Returns
    year, scenario, output, intensity.
    """
    import pandas as pd

    q = output.dropna().astype(float)
    q.index = q.index.astype(int)
    t0 = projection.anchor_year
    if t0 not in q.index or q.loc[t0] <= 0:
        raise InputError(f"output has no positive value for the anchor year {t0}")
    a = projection.assumptions
    rows = []
    for name in projection.paths["scenario"].unique():
        sel = a[(a["scenario"] == name) & (a["driver"] == output_driver)]
        if sel.empty:
            raise InputError(
                f"the output driver {output_driver} is not in the model",
                fix="set scenarios.output_driver to the driver that is output value",
            )
        g = float(sel["rate"].iloc[0])
        path = projection.paths[projection.paths["scenario"] == name]
        for year, co2_t in zip(path["year"], path["co2_t"], strict=True):
            out_t = float(q.loc[t0]) * (1.0 + g) ** (int(year) - t0)
            rows.append(
                {"year": int(year), "scenario": name, "output": out_t, "intensity": co2_t / out_t}
            )
    return pd.DataFrame(rows, columns=["year", "scenario", "output", "intensity"])
