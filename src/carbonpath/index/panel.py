"""The index over a panel of units (regions or sectors) and years.

Rows are unit-years, columns indicators.  As is usual for provincial studies, the
normalisation and the weights are pooled over all unit-years, so that every score is
comparable across units and years (panel entropy):

- min-max over all unit-years: ``X_itj = (x_itj - min_it x_j) / (max_it x_j - min_it x_j)``
  (``(max - x) / (max - min)`` for a smaller-is-better indicator);
- ``p_itj = X_itj / sum_it X_itj``;
- ``E_j = -(1 / ln N) sum_it p_itj ln p_itj`` with ``0 ln 0 = 0`` and N the number of
  unit-years used (``N = n T`` for n units over T years when the panel is balanced);
- ``D_j = 1 - E_j``, ``w_j = D_j / sum_k D_k``; score ``Y_it = sum_j w_j X_itj``;
- rank of unit i in year t: 1 + the number of units with a higher score that year.

Any normalisation and weighting of :mod:`carbonpath.index.normalise` and
:mod:`carbonpath.index.weights` can be pooled the same way.  An unbalanced panel is
handled explicitly: a unit-year with a missing indicator value is dropped (never
filled) and listed, with the reason, in the :class:`~carbonpath.index.results.Coverage`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError
from carbonpath.index.composite import composite_scores
from carbonpath.index.normalise import normalise
from carbonpath.index.results import Coverage, PanelIndex
from carbonpath.index.weights import compute_weights

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["balanced_frame", "panel_coverage", "panel_index", "year_ranks"]


def balanced_frame(
    raw: pd.DataFrame, units: Sequence[str] | None = None, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """``raw`` (index: unit, year) on the full units x years grid; absent rows are NaN.

    ``units`` default to the units of ``raw`` in order of appearance, ``years`` to its
    sorted years.
    """
    import pandas as pd

    if raw.index.nlevels != 2:
        raise InputError("a panel needs rows indexed by (unit, year)")
    u = list(dict.fromkeys(raw.index.get_level_values(0))) if units is None else list(units)
    y = sorted(set(raw.index.get_level_values(1))) if years is None else list(years)
    grid = pd.MultiIndex.from_product([u, y], names=raw.index.names)
    return raw.astype(float).reindex(grid)


def panel_coverage(full: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, Coverage]:
    """Split the unit-year grid ``full`` into the complete rows and the coverage record.

    A row with any missing (NaN) indicator is dropped; the reason names the missing
    indicators.  Returns (complete rows, :class:`Coverage`).
    """
    import numpy as np
    import pandas as pd

    values = full.to_numpy(dtype=float)
    missing = np.isnan(values)
    ok = ~missing.any(axis=1)
    names = [str(c) for c in full.columns]
    bad_rows = np.flatnonzero(~ok)
    dropped = pd.DataFrame(
        {
            unit: [full.index[r][0] for r in bad_rows],
            "year": [int(full.index[r][1]) for r in bad_rows],
            "reason": [
                "no value for indicator(s) " + ", ".join(_missing(names, missing[r]))
                for r in bad_rows
            ],
        }
    )
    kept = full[ok]
    all_units = list(dict.fromkeys(full.index.get_level_values(0)))
    used_units = set(kept.index.get_level_values(0))
    cov = Coverage(
        unit=unit,
        units=tuple(u for u in all_units if u in used_units),
        years=tuple(sorted({int(y) for y in kept.index.get_level_values(1)})),
        rows_used=int(ok.sum()),
        rows_possible=len(full),
        balanced=bool(ok.all()),
        units_dropped=tuple(u for u in all_units if u not in used_units),
        dropped=dropped,
    )
    return kept, cov


def _missing(names: list[str], row) -> list[str]:
    return [n for n, m in zip(names, row, strict=True) if m]


def year_ranks(scores: pd.Series) -> pd.Series:
    """Rank of every unit within its year (index level 1): 1 = best, ties share the
    smallest rank ("min")."""
    return scores.groupby(level=1, sort=False).rank(ascending=False, method="min").astype(int)


def _rank_table(scores: pd.DataFrame, unit: str, units: Sequence[str], years: Sequence[int]):
    """Wide rank table: one row per unit, one column per year (<NA> where dropped)."""
    wide = scores.pivot(index=unit, columns="year", values="rank")
    wide = wide.reindex(index=list(units), columns=list(years)).astype("Int64")
    wide.columns = [int(y) for y in wide.columns]
    return wide.rename_axis(unit).reset_index()


def _weights_frame(wres, names: list[str]) -> pd.DataFrame:
    import pandas as pd

    out = pd.DataFrame({"indicator": names, "weight": wres.weights.reindex(names).to_numpy()})
    if wres.diagnostics is not None and "entropy" in wres.diagnostics:
        out["entropy"] = wres.diagnostics["entropy"].reindex(names).to_numpy()
        out["divergence"] = wres.diagnostics["divergence"].reindex(names).to_numpy()
    return out


def _values_frame(kept: pd.DataFrame, norm: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Long table unit, year, indicator, value, normalised (row by row)."""
    import numpy as np
    import pandas as pd

    m = kept.shape[1]
    return pd.DataFrame(
        {
            unit: np.repeat(np.asarray(kept.index.get_level_values(0), dtype=object), m),
            "year": np.repeat(np.asarray(kept.index.get_level_values(1), dtype=int), m),
            "indicator": list(kept.columns) * len(kept),
            "value": kept.to_numpy(dtype=float).ravel(),
            "normalised": norm.to_numpy(dtype=float).ravel(),
        }
    )


def panel_index(
    raw: pd.DataFrame,
    directions: Mapping[str, object],
    *,
    unit: str = "unit",
    normalisation: str = "minmax",
    method: str = "entropy",
    epsilon: float = 0.0,
    user: Mapping[str, float] | None = None,
    units: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> PanelIndex:
    """The pooled index of a (unit, year) x indicator matrix (see the module docstring).

    ``unit`` names the unit column of the tables ("region", "sector"); ``units`` and
    ``years`` give the expected grid (default: what ``raw`` holds), so that absent
    unit-years are reported as dropped.
    """
    full = balanced_frame(raw, units, years)
    grid_units = list(dict.fromkeys(full.index.get_level_values(0)))
    grid_years = sorted({int(y) for y in full.index.get_level_values(1)})
    kept, cov = panel_coverage(full, unit)
    if len(kept) < 2:
        raise InputError(
            f"the panel has {len(kept)} complete unit-year(s) of {len(full)}; at least 2 are needed",
            fix="add the missing indicator data (index.panel.coverage lists what is missing)",
        )
    norm = normalise(kept, directions, normalisation)
    wres = compute_weights(norm.values, method, epsilon=epsilon, user=user)
    score = composite_scores(norm.values, wres.weights)
    names = list(kept.columns)
    scores = score.rename("score").rename_axis([unit, "year"]).reset_index()
    scores["rank"] = year_ranks(score).to_numpy()
    warns = [f"panel: {w}" for w in wres.warnings]
    if not cov.balanced:
        warns.append(
            f"panel: {cov.rows_possible - cov.rows_used} of {cov.rows_possible} {unit}-years "
            "dropped for missing indicator values (see index.panel.coverage)"
        )
    return PanelIndex(
        weights=_weights_frame(wres, names),
        scores=scores,
        indicator_values=_values_frame(kept, norm.values, unit),
        ranks=_rank_table(scores, unit, grid_units, grid_years),
        coverage=cov,
        unit=unit,
        warnings=tuple(warns),
        weight_result=wres,
    )
