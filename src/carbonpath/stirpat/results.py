"""Typed results of the study-level STIRPAT analysis.

:class:`StirpatResults` is what ``results.stirpat`` holds: the specification and data,
unit roots, cointegration, OLS (:class:`~carbonpath.stirpat.ols.OlsResult`), ridge
(:class:`RidgeResults`) and the panel model
(:class:`~carbonpath.stirpat.panel.PanelResult`), each with the statsmodels vocabulary
(``params``, ``bse``, ``tvalues``, ``pvalues``, ``conf_int()``, ``summary()``).
``to_dict()`` is the ``stirpat`` section of results.json and ``tables()`` the
``stirpat_*`` CSV tables, both derived from the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonpath.core.results import Coverage as PanelCoverage
from carbonpath.core.results import ResultBase, internal, table
from carbonpath.stirpat.cointegration import EngleGranger, EngleGrangerNotComputed
from carbonpath.stirpat.identity import IdentityCheck
from carbonpath.stirpat.ols import OlsResult
from carbonpath.stirpat.panel import PanelResult
from carbonpath.stirpat.regression import RegressionVocabulary
from carbonpath.stirpat.resampling import FitCheck, LooCheck
from carbonpath.stirpat.ridge import KConvention
from carbonpath.stirpat.unitroot import UnitRootRow

__all__ = [
    "BootstrapInfo",
    "ModelFit",
    "PanelOff",
    "RidgeResults",
    "Skipped",
    "Specification",
    "StirpatCoverage",
    "StirpatResults",
    "TermSpec",
]


@dataclass(frozen=True)
class TermSpec(ResultBase):
    """A model term: its symbol, the study.toml term and its words."""

    name: str
    term: str
    label: str


@dataclass(frozen=True)
class Specification(ResultBase):
    """The model as fitted: response, regressors (in order), units, years."""

    response: TermSpec
    regressors: tuple[TermSpec, ...]
    energy_unit: str
    n: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class Skipped(ResultBase):
    """A model that was not estimated, and why."""

    status: str
    reason: str


@dataclass(frozen=True)
class PanelOff(ResultBase):
    """``[stirpat] panel = false``."""

    status: str = "off"


@dataclass(frozen=True)
class BootstrapInfo(ResultBase):
    """How the bootstrap intervals were made (valid and level are None when off)."""

    replications: int
    valid: int | None
    level: float | None
    method: str
    seed: int


@dataclass(frozen=True, eq=False)
class ModelFit(ResultBase):
    """Predicted vs actual on the log scale, and (``levels``) on exp of the logs."""

    scale: str
    actual: np.ndarray
    predicted: np.ndarray
    paired_t: float
    paired_p: float
    mape: float
    rmse: float
    loo: LooCheck
    levels: FitCheck

    @classmethod
    def from_checks(cls, log: FitCheck, levels: FitCheck) -> ModelFit:
        return cls(
            scale="log",
            actual=log.actual,
            predicted=log.predicted,
            paired_t=log.paired_t,
            paired_p=log.paired_p,
            mape=log.mape,
            rmse=log.rmse,
            loo=log.loo,
            levels=levels,
        )


@dataclass(frozen=True, eq=False)
class RidgeResults(RegressionVocabulary, ResultBase):
    """The ridge model at the chosen k, with every k rule, the trace and the checks.

    ``coefficients`` has ``ci_lo``/``ci_hi`` (bootstrap percentiles) when the
    bootstrap ran; ``k_sensitivity`` gives B under every k rule, flagging sign changes.
    """

    k: float
    k_rule: str
    k_candidates: pd.Series  # trace, hkb, lw, gcv (SPSS k scale)
    k_mass_lambda: pd.Series  # hkb, lw (MASS lambda = n k)
    trace_rule: str
    trace_stable_within_grid: bool
    k_convention: KConvention
    coefficients: pd.DataFrame = table("stirpat_ridge")
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: int
    df_resid: int
    trace: pd.DataFrame = table("stirpat_ridge_trace")
    vif_trace: pd.DataFrame
    gcv: pd.DataFrame
    bootstrap: BootstrapInfo
    fit: ModelFit
    k_sensitivity: pd.DataFrame = table("stirpat_k_sensitivity")
    #: findings about k (sign changes across the rules), for summary() and the report
    k_sensitivity_notes: tuple[str, ...]
    nobs: int = internal(0)
    response: str = internal("lnC")
    labels: dict | None = internal()
    #: notes summary() prints under the table (identity, sensitivity)
    notes: tuple[str, ...] = internal(())

    @property
    def rsquared(self) -> float:
        return self.r2

    @property
    def rsquared_adj(self) -> float:
        return self.adj_r2

    @property
    def fvalue(self) -> float:
        return self.f

    @property
    def f_pvalue(self) -> float:
        return self.f_p

    @property
    def beta(self) -> pd.Series:
        """Standardized coefficients Beta(k) (regressors only)."""
        return self._column("beta", regressors_only=True)

    @property
    def vif(self) -> pd.Series:
        """VIF(k) (regressors only)."""
        return self._column("vif", regressors_only=True)

    def bootstrap_conf_int(self) -> pd.DataFrame | None:
        """Bootstrap percentile intervals ``[lower, upper]`` by term (None when off)."""
        if "ci_lo" not in self.coefficients.columns:
            return None
        lo = self._column("ci_lo")
        return pd.DataFrame({"lower": lo, "upper": self._column("ci_hi")})

    def summary(self):  # -> carbonpath.stirpat.summary.Summary
        """The SPSS coefficient table with a statsmodels-style header (see summary.py)."""
        from carbonpath.stirpat.summary import ridge_summary

        return ridge_summary(self, self.notes)


@dataclass(frozen=True, kw_only=True)
class StirpatCoverage(PanelCoverage):
    """Which units x years the STIRPAT models used: ``dropped`` lists each unit-year left
    out (a term missing or not positive, so its logarithm is undefined) with the reason;
    nothing is filled in."""

    dropped: pd.DataFrame = table("stirpat_coverage_dropped")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The dropped unit-years, only when some were dropped."""
        return super().tables() if len(self.dropped) else {}


@dataclass(frozen=True, eq=False)
class StirpatResults(ResultBase):
    """Everything the STIRPAT analysis produced (``results.stirpat``)."""

    specification: Specification
    data: pd.DataFrame = table("stirpat_data")
    unit_roots: tuple[UnitRootRow, ...]
    cointegration: EngleGranger | EngleGrangerNotComputed
    ols: OlsResult | Skipped
    ridge: RidgeResults
    panel: PanelResult | Skipped | PanelOff
    warnings: tuple[str, ...]
    #: the words for each symbol (lnC and the regressors)
    labels: pd.Series
    #: whether the regressors multiply to the response (time-series model)
    identity: IdentityCheck
    unit_roots_table: pd.DataFrame = table("stirpat_unit_roots", json=False)
    fit_table: pd.DataFrame = table("stirpat_fit", json=False)
    #: B of every valid bootstrap resample (resamples x regressors), for scenario intervals
    bootstrap_draws: np.ndarray | None = internal()
    #: the unit of observation: "aggregate", "sector" or "region" (panel over regions:
    #: ``ols`` and ``ridge`` are then fitted on the within-transformed panel data)
    unit: str = "aggregate"
    #: units x years used, and what was dropped and why
    coverage: StirpatCoverage | None = None
    #: each symbol in words: ``lnP = ln employment of the modern sectors``
    glossary: tuple[str, ...] = ()
    #: per-region time series (unit "region"): OLS and ridge B per region and term
    regions: pd.DataFrame | None = field(
        default=None, metadata={"table": "stirpat_regions", "json": True}
    )
