"""Typed results of the low-carbon development index.

:class:`IndexResults` remembers every step of the index, as a composite-indicator
toolkit does: the raw indicator matrix (``raw``), the normalised matrix
(``normalised``), the weights (``weight_result``, and the ``weights`` table) and the
aggregates (``scores``, ``subsystems``, ``coupling``, ``topsis``, ``obstacles``).
``to_dict()`` is the ``index`` section of results.json and ``tables()`` the
``index_*`` tables, both derived from the fields (:class:`carbonpath.core.results.ResultBase`).

:class:`PanelIndex` is the index over a panel of units (sectors or regions) and years,
with its rank table and :class:`Coverage` (which unit-years were used, which dropped
and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from carbonpath.core.results import Coverage as PanelCoverage
from carbonpath.core.results import ResultBase, internal, table

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.index.weights import WeightResult

__all__ = [
    "Baseline",
    "Coverage",
    "IndexEcho",
    "IndexResults",
    "MonteCarloSettings",
    "PanelIndex",
    "Sensitivity",
    "SensitivityEcho",
    "SeriesCoverage",
]


@dataclass(frozen=True, kw_only=True)
class Baseline(ResultBase):
    """The configuration of the reported index, against which ranks shift."""

    method: str
    normalisation: str
    epsilon: float


@dataclass(frozen=True, kw_only=True)
class MonteCarloSettings(ResultBase):
    """What the robustness Monte Carlo drew from, and how many draws it used."""

    draws: int
    draws_used: int
    seed: int
    methods: tuple[str, ...]
    normalisations: tuple[str, ...]
    epsilons: tuple[float, ...]
    leave_one_out: bool
    baseline: Baseline


@dataclass(frozen=True, kw_only=True)
class SensitivityEcho(ResultBase):
    """How the sensitivity analysis ran (``robustness`` is False when it was off;
    the bootstrap fields are None when ``bootstrap = 0``)."""

    robustness: MonteCarloSettings | bool
    bootstrap: int
    bootstrap_seed: int | None = None
    bootstrap_weights: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sensitivity(ResultBase):
    """Monte Carlo score/rank intervals per year and bootstrap weight intervals."""

    per_year: pd.DataFrame = table("index_sensitivity")
    mean_abs_rank_shift: float | None
    weight_intervals: pd.DataFrame = table("index_weight_intervals")
    settings: SensitivityEcho

    def to_frame(self) -> pd.DataFrame:
        """The Monte Carlo summary indexed by year."""
        return self.per_year.set_index("year") if "year" in self.per_year else self.per_year


@dataclass(frozen=True, kw_only=True)
class IndexEcho(ResultBase):
    """The settings the index was computed with (``index.settings`` in results.json)."""

    normalisation: str
    method: str
    epsilon: float
    years: tuple[int, ...]
    seed: int
    directions: dict[str, str]
    excluded: tuple[str, ...]
    constant: tuple[str, ...]
    user_weights: dict[str, float] | None
    coupling_alpha: dict[str, float] | None
    subsystem_weights: str
    panel: bool
    sensitivity: SensitivityEcho
    unit: str = "aggregate"


@dataclass(frozen=True, kw_only=True)
class Coverage(PanelCoverage):
    """Which unit-years a panel index used: a unit-year with a missing indicator value
    is dropped (listed in ``dropped`` with the reason); nothing is filled in."""

    dropped: pd.DataFrame = table("index_panel_dropped")

    def to_frame(self) -> pd.DataFrame:
        """The dropped unit-years with the reason, one row each."""
        return self.dropped


@dataclass(frozen=True, kw_only=True)
class SeriesCoverage(Coverage):
    """Which years the reported (time-series) index used: unit "aggregate", ``units``
    names the series (``aggregate``, or ``sum of regions`` in a panel study); a year
    with a missing indicator value is dropped and listed with the reason."""

    dropped: pd.DataFrame = table("index_coverage_dropped")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The dropped years, only when some were dropped."""
        return super().tables() if len(self.dropped) else {}


@dataclass(frozen=True, kw_only=True)
class PanelIndex(ResultBase):
    """The index over a panel of units x years: pooled normalisation and weights
    (panel entropy over unit-years), a score and a rank (1 = best in its year) for every
    unit in every year, and the coverage of the panel."""

    weights: pd.DataFrame = table("index_panel_weights")
    scores: pd.DataFrame = table("index_panel_scores")
    indicator_values: pd.DataFrame = table("index_panel_indicator_values")
    ranks: pd.DataFrame = table("index_panel_ranks")
    coverage: Coverage
    unit: str
    warnings: tuple[str, ...] = internal(())
    weight_result: WeightResult | None = internal()

    def to_frame(self) -> pd.DataFrame:
        """Scores and ranks indexed by (unit, year)."""
        return self.scores.set_index([self.unit, "year"])


@dataclass(frozen=True, kw_only=True)
class IndexResults(ResultBase):
    """Everything the index step produced; numbers unrounded.

    JSON and tables: ``weights`` (w_j, E_j, D_j, rank), ``scores`` (eq. 6),
    ``subsystems``, ``coupling`` (C, T, D), ``topsis`` (closeness), ``obstacles``,
    ``alternative_weights``, ``sensitivity``, ``indicator_values``, ``settings``,
    ``warnings`` and ``panel`` (None unless ``unit`` is "sector" or "region").
    For Python users: ``raw`` (years x indicators), ``normalised`` (same shape, larger
    is better), ``weight_result`` (the typed weights with diagnostics).
    """

    weights: pd.DataFrame = table("index_weights")
    scores: pd.DataFrame = table("index_scores")
    subsystems: pd.DataFrame = table("index_subsystems")
    coupling: pd.DataFrame = table("index_coupling")
    topsis: pd.DataFrame = table("index_topsis")
    obstacles: pd.DataFrame = table("index_obstacles")
    alternative_weights: pd.DataFrame = table("index_alternative_weights")
    sensitivity: Sensitivity
    indicator_values: pd.DataFrame = table("index_indicator_values")
    settings: IndexEcho
    warnings: tuple[str, ...] = ()
    panel: PanelIndex | None = None
    #: the years the time-series index used and those dropped, and why (the panel's
    #: coverage is ``panel.coverage``)
    coverage: SeriesCoverage | None = None
    raw: pd.DataFrame | None = internal()
    normalised: pd.DataFrame | None = internal()
    weight_result: WeightResult | None = internal()

    def to_frame(self) -> pd.DataFrame:
        """One row per year: the index, TOPSIS closeness, subsystem scores and the
        coupling C, T, D (when there are subsystems)."""
        out = self.scores.set_index("year")
        out = out.join(self.topsis.set_index("year"))
        if len(self.subsystems):
            sub = self.subsystems.pivot(index="year", columns="subsystem", values="score")
            out = out.join(sub[list(dict.fromkeys(self.subsystems["subsystem"]))])
        if len(self.coupling):
            out = out.join(self.coupling.set_index("year"))
        return out

    def weight_series(self) -> pd.Series:
        """w_j indexed by indicator."""
        return self.weights.set_index("indicator")["weight"]

    def summary(self) -> str:
        """A short text table: weights, then the index per year."""
        s = self.settings
        lines = [f"Low-carbon development index: {s.normalisation} + {s.method} weights"]
        for row in self.weights.itertuples(index=False):
            lines.append(f"  {row.indicator:<32} {row.weight:.6f}")
        lines.append("year      score")
        for row in self.scores.itertuples(index=False):
            lines.append(f"  {row.year}  {row.score:.6f}")
        return "\n".join(lines)
