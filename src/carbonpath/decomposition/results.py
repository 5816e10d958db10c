"""Typed results of the decomposition step (the ``decomposition`` section of results.json)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carbonpath.core.results import ResultBase, internal, table
from carbonpath.decomposition.frames import DeltaCheck

METHOD = "LMDI-I (Ang 2004, 2015), additive and multiplicative"
ZERO_LIMITS = "analytical limits (Ang & Liu 2007)"
SMALL_VALUE = "small-value substitution only"


@dataclass(frozen=True)
class DecompositionResults(ResultBase):
    """LMDI-I decomposition of CO2 change (see docs/methods/decomposition.md).

    ``effects``: period_start, period_end, the unit keys (``sector``; ``region``, ``sector``
    ...; "total" for totals), effect, additive (t CO2), multiplicative.  ``totals``: the
    values at the start and end of each period, change and ratio.  ``chained``: the
    year-to-year effects cumulated over the whole span.  ``zero_cells``: cells zero in one
    year of a period and the rule applied.  ``insensitivity``: the rerun with delta from
    1e-10 to 1e-20.  ``keys``: the unit key columns; ``unit``: the unit of observation.
    """

    method: str
    mode: str
    effects_names: tuple[str, ...]
    delta: float
    zero_handling: str
    periods: tuple[tuple[int, int], ...]
    effects: pd.DataFrame = table("decomposition_effects")
    totals: pd.DataFrame = table("decomposition_totals")
    chained: pd.DataFrame = table("decomposition_chained")
    zero_cells: pd.DataFrame = table("decomposition_zero_cells")
    insensitivity: DeltaCheck
    notes: tuple[str, ...] = ()
    #: the unit key columns of the tables (a row whose keys are all "total" is the sum)
    keys: tuple[str, ...] = ("sector",)
    #: the unit of observation ("aggregate", "sector", "region"; None outside a study)
    unit: str | None = None
    zero_limits: bool = internal(True)

    def to_frame(self) -> pd.DataFrame:
        """The effects table (one row per period, unit, effect)."""
        return self.effects

    def effect(self, name: str, *, start: int, end: int) -> pd.Series:
        """Additive effect ``name`` of the period (start, end), indexed by unit."""
        e = self.effects
        sel = e[(e["effect"] == name) & (e["period_start"] == start) & (e["period_end"] == end)]
        return sel.set_index(list(self.keys))["additive"] if self.keys else sel["additive"]
