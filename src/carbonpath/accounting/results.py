"""Typed results of the accounting step (``results.emissions``).

Frozen dataclasses whose fields are DataFrames, numbers, strings and typed sub-results;
``to_dict()`` (the ``emissions`` section of results.json) and ``tables()`` (the
``emissions_*`` CSV tables) are derived from the fields by :class:`ResultBase`.

- :class:`EmissionsResults`: CO2 by fuel, sector, group and total, the indicators, the
  year-on-year change by fuel, scope 2, uncertainty and the echo of what was applied;
- :class:`Scope2Results`: CO2 of purchased electricity and heat (beside scope 1);
- :class:`UncertaintyResults`: IPCC Approach 1 and 2, rank probabilities, trend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from carbonpath.core.results import ResultBase, internal, jsonable, table

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.accounting.factors import FactorOverride, FactorSet
    from carbonpath.accounting.settings import UncertaintySettings

__all__ = [
    "AccountingEcho",
    "EmissionsResults",
    "NoTrend",
    "RankProbability",
    "Scope2Results",
    "TrendApproach1",
    "TrendMonteCarlo",
    "TrendUncertainty",
    "UncertaintyEcho",
    "UncertaintyResults",
]


@dataclass(frozen=True)
class Scope2Results(ResultBase):
    """Scope-2 CO2 (t) per year x sector: electricity x grid factor, heat x 0.11 t/GJ.

    ``records``: ``year, sector, electricity_t, heat_t``; ``factors_used``: the grid
    factor applied to each data year (``grid, year, factor_year, kg_co2_per_kwh, source,
    note, data_year``).  Disabled: no records, ``reason`` says why when it was asked for.
    """

    enabled: bool
    grid: str | None
    heat_t_per_gj: float | None
    heat_source: str | None
    factors_used: pd.DataFrame
    records: pd.DataFrame = table("scope2")
    reason: str | None = None

    @classmethod
    def disabled(cls, grid: str | None = None, reason: str | None = None) -> Scope2Results:
        """Scope 2 not computed (not asked for, or no electricity/heat data)."""
        return cls(False, grid, None, None, pd.DataFrame(), pd.DataFrame(), reason)

    def to_frame(self) -> pd.DataFrame:
        """The scope-2 records (year, sector, electricity_t, heat_t)."""
        return self.records

    def tables(self) -> dict[str, pd.DataFrame]:
        """The ``scope2`` table, only when scope 2 was computed."""
        return super().tables() if self.enabled else {}


@dataclass(frozen=True)
class RankProbability(ResultBase):
    """Probability that a year's central intensity ranking of the members holds.

    ``items``: ``scope, rank, p_rank_holds`` per member (rank 1 = highest intensity).
    """

    year: int | None
    p_ranking_holds: float
    items: pd.DataFrame


@dataclass(frozen=True)
class TrendMonteCarlo(ResultBase):
    """Approach-2 trend (T_t / T_0 - 1) x 100: mean and 2.5/97.5 percentiles of the draws."""

    mean_pct: float
    p2_5_pct: float
    p97_5_pct: float


@dataclass(frozen=True)
class TrendApproach1(ResultBase):
    """Approach-1 trend uncertainty between two years (IPCC 2006 Vol. 1 Table 3.2).

    ``trend_pct`` = (T_1 / T_0 - 1) x 100; ``u_pct_points`` its 95% half-width in
    percentage points; ``type_a_by_fuel`` the type A sensitivity of each fuel's factor.
    """

    year0: int
    year1: int
    co2_t_year0: float
    co2_t_year1: float
    trend_pct: float
    u_pct_points: float
    lower_pct: float
    upper_pct: float
    type_a_by_fuel: pd.Series


@dataclass(frozen=True)
class TrendUncertainty(TrendApproach1):
    """Trend uncertainty of a scope's total: Approach 1 and the Monte Carlo trend."""

    scope: str
    approach2: TrendMonteCarlo


@dataclass(frozen=True)
class NoTrend(ResultBase):
    """No trend uncertainty (one year only, or trend years without data); JSON ``{}``."""

    reason: str = internal("")


@dataclass(frozen=True)
class UncertaintyEcho(ResultBase):
    """What the uncertainty analysis applied: draws, seed, distributions, correlations.

    ``factor_pct``: ``fuel, factor_pct, source`` (where each fuel's factor U came from).
    """

    draws: int
    seed: int
    distribution: str
    activity_pct: float
    activity_pct_source: str
    factor_pct: pd.DataFrame
    correlation: str
    u_definition: str
    mode: str
    trend_years: tuple[int, int]
    monte_carlo_chunk_draws: int | None


@dataclass(frozen=True)
class UncertaintyResults(ResultBase):
    """IPCC 2006 Vol. 1 Ch. 3 uncertainty of the emissions and intensities.

    ``approach1``: ``level, scope, year, co2_t, u_pct, lower, upper`` (error
    propagation); ``approach2``: ``quantity, level, scope, year, central, mean, p2_5,
    p97_5, half_width_pct`` (Monte Carlo).  Disabled: empty tables, ``settings`` is the
    ``[accounting.uncertainty]`` settings as given.
    """

    enabled: bool
    approach1: pd.DataFrame = table("uncertainty_approach1")
    approach2: pd.DataFrame = table("uncertainty_approach2")
    rank_probability: tuple[RankProbability, ...] = ()
    trend: TrendUncertainty | NoTrend = NoTrend()
    settings: UncertaintyEcho | UncertaintySettings | None = None

    @classmethod
    def disabled(cls, settings: UncertaintySettings) -> UncertaintyResults:
        """Uncertainty not computed (disabled, or no emissions)."""
        return cls(False, pd.DataFrame(), pd.DataFrame(), (), NoTrend("disabled"), settings)

    def to_frame(self) -> pd.DataFrame:
        """The Approach-1 table (the IPCC reporting table)."""
        return self.approach1

    def tables(self) -> dict[str, pd.DataFrame]:
        """The two approach tables, only when the uncertainty was computed."""
        return super().tables() if self.enabled else {}


@dataclass(frozen=True)
class AccountingEcho(ResultBase):
    """What the accounting applied: the factor set and its overrides, the factors of the
    fuels used, where energy came from, the mode and what could not be computed."""

    factor_set: str
    overrides: tuple[FactorOverride, ...]
    factors: pd.DataFrame
    efficiency_energy: str
    mode: str
    non_combustion: tuple[str, ...]
    intensity_unit: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class EmissionsResults(ResultBase):
    """Emission accounting of a study (``results.emissions``).

    Tables (CO2 in t): ``by_fuel`` (year, sector, fuel, co2_t), ``by_sector`` (members
    and the reference row), ``by_group``, ``total`` (members, with the share of the
    reference), ``intensity`` (indicators per year and scope, with ranks),
    ``yoy_by_fuel`` (change from the previous year), ``factors`` (the factors applied).
    ``factor_set`` is the resolved :class:`FactorSet` (for Python users and later steps).
    """

    by_sector: pd.DataFrame = table()
    by_fuel: pd.DataFrame = table()
    by_group: pd.DataFrame = table()
    total: pd.DataFrame = table()
    intensity: pd.DataFrame = table()
    yoy_by_fuel: pd.DataFrame = table()
    factors: pd.DataFrame = table("factors", json=False)
    scope2: Scope2Results
    uncertainty: UncertaintyResults
    settings: AccountingEcho
    factor_set: FactorSet | None = internal()
    warnings: tuple[str, ...] = internal(())
    #: CO2 (t) by year, sector, facility and fuel of the facilities named in
    #: ``[engine] facilities`` (None: the study has no facility column or names none)
    by_facility: pd.DataFrame | None = field(
        default=None, metadata={"table": "by_facility", "json": False}
    )

    def to_dict(self) -> dict[str, Any]:
        """results.json's ``emissions``; ``by_facility`` only when facilities were kept."""
        out = super().to_dict()
        if self.by_facility is not None:
            out["by_facility"] = jsonable(self.by_facility)
        return out

    def to_frame(self) -> pd.DataFrame:
        """CO2 (t) per year x sector x fuel: the finest table."""
        return self.by_fuel
