"""Typed results of the pathways family: targets, scenarios, decoupling.

``TargetResults.to_dict()`` and ``ScenarioResults.to_dict()`` are the ``targets`` and
``scenarios`` sections of results.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from carbonpath.core.results import ResultBase, internal, table

ANCHOR_NOTE = (
    "ln C_t = ln C_t0 + sum_j b_j (ln X_jt - ln X_j,t0): anchored at the last observed "
    "year t0, so each path starts at actual emissions"
)
INTERVAL_NOTE = (
    "2.5/97.5 percentiles over the coefficient bootstrap draws; coefficient "
    "uncertainty only (driver paths and residuals are not varied)"
)
TARGET_COLUMNS = (
    "name",
    "type",
    "unit",
    "base_year",
    "target_year",
    "reduction",
    "base_value",
    "target_value",
    "last_year",
    "last_value",
    "progress",
    "share_achieved",
    "required_rate",
    "trend_start_year",
    "trend_years",
    "trend_rate",
    "trend_meets_requirement",
    "projected_value",
    "projected_meets_target",
    "observed_target_value",
    "status",
    "scope",
    "source",
)
CHECK_COLUMNS = (
    "target",
    "scenario",
    "type",
    "declared_scope",
    "applied_scope",
    "base_year",
    "target_year",
    "base_value",
    "target_value",
    "projected_value",
    "projected_lo",
    "projected_hi",
    "projected_reduction",
    "required_reduction",
    "met",
    "met_at_upper_bound",
)


@dataclass(frozen=True)
class TargetResults(ResultBase):
    """One row per declared target: progress, required rate, recent trend, status
    (see :class:`.targets.TargetProgress` for the columns)."""

    records: pd.DataFrame = table("targets")
    #: notes on the targets (e.g. how a panel's targets are tracked)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.records


@dataclass(frozen=True)
class ScenarioResults(ResultBase):
    """Projected CO2 by scenario, with assumptions, peaks and target checks.

    ``records`` (also ``paths``): year, scenario, co2_t, lo, hi.  ``assumptions``: the
    annual rate of each driver per scenario.  ``peaks``: the peak year of each path.
    ``intensity``: CO2 per output value along each path.  ``target_checks``: each
    target at its target year on each path.
    """

    method: str
    interval: str | None
    n_bootstrap: int
    scope: str
    anchor_year: int
    anchor_co2_t: float
    horizon: int
    trend_years: int
    records: pd.DataFrame = table("scenarios")
    assumptions: pd.DataFrame = table("scenario_assumptions")
    peaks: pd.DataFrame = table("scenario_peaks")
    intensity: pd.DataFrame = table("scenario_intensity")
    target_checks: pd.DataFrame = table("scenario_target_checks")
    notes: tuple[str, ...] = ()
    #: the driver levels along each path (year, scenario, driver, level)
    driver_paths: pd.DataFrame | None = internal()

    @property
    def paths(self) -> pd.DataFrame:
        """The projected paths (the ``records`` table)."""
        return self.records

    def to_frame(self) -> pd.DataFrame:
        return self.records


@dataclass(frozen=True)
class UnitScenarioResults(ResultBase):
    """Scenario paths per unit (a region or sector) and for their sum.

    ``paths``: <unit column>, year, scenario, co2_t, lo, hi (unit "total" for the sum,
    whose interval is taken over the sums of the units' paths draw by draw).
    ``peaks``: <unit column>, scenario, peak_year, peak_co2_t, note.
    ``assumptions``: <unit column>, scenario, driver, rate, source, elasticity.
    ``elasticities``: where the elasticities come from (the panel model over regions,
    or the time-series model applied to every region); ``interval``: how the interval
    is drawn (None without draws).
    """

    unit: str
    anchor_year: int
    horizon: int
    n_bootstrap: int
    paths: pd.DataFrame = table("scenarios")
    peaks: pd.DataFrame = table("scenario_peaks")
    assumptions: pd.DataFrame = table("scenario_assumptions")
    method: str = ANCHOR_NOTE
    interval: str | None = None
    elasticities: str = ""
    scope: str = ""
    notes: tuple[str, ...] = ()
    #: every target on every region's path and the sum's (region + the columns of
    #: ``ScenarioResults.target_checks``); empty without targets
    target_checks: pd.DataFrame = field(
        default_factory=pd.DataFrame,
        metadata={"table": "scenario_target_checks", "json": True},
    )

    @property
    def records(self) -> pd.DataFrame:
        """The projected paths (as ``ScenarioResults.records``)."""
        return self.paths

    def to_frame(self) -> pd.DataFrame:
        return self.paths


@dataclass(frozen=True)
class DecouplingResults(ResultBase):
    """Tapio (2005) decoupling of CO2 from a driver (GDP, or output for sectors).

    ``states``: <unit columns>, period_start, period_end, co2_start, co2_end,
    driver_start, driver_end, pct_co2 (dC/C0), pct_driver (dG/G0), elasticity
    e = pct_co2 / pct_driver, state (one of the eight Tapio states, or "undefined" when
    the driver did not change).  ``effort``: <unit columns>, period_start, period_end,
    effect, additive, contribution (dC_k / C0 / (dG/G0)), the LMDI effects' shares of e;
    empty without effects.  For a figure: pct_driver on x, pct_co2 on y, the state
    boundaries e = ``weak`` and e = ``strong`` as rays through the origin.
    """

    driver: str
    keys: tuple[str, ...]
    weak: float
    strong: float
    states: pd.DataFrame = table("decoupling")
    effort: pd.DataFrame = table("decoupling_effort")

    def to_frame(self) -> pd.DataFrame:
        return self.states
