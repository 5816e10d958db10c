"""The sectoral identity on tidy tables: CO2 by sector and fuel, energy in GJ, output.

``decompose(co2, output, energy)`` validates the tables, pivots them once to dense
(year x row x fuel) arrays and runs :func:`.lmdi.decompose_pair_energy` (or
``decompose_pair_inventory`` without energy data) for every period.  A row is a sector;
when the tables carry a ``region`` column a row is a region's sector, the activity Q is
the output of all regions and the region share R_r = Q_r / Q is a structure effect of
its own (``region_share``), with effects per region, per sector over the regions and in
total (see :mod:`.frames`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.decomposition import lmdi
from carbonpath.decomposition.frames import (
    DeltaCheck,
    LmdiResult,
    PeriodEffects,
    PeriodRequest,
    build_result,
    compare_deltas,
    resolve_periods,
    zero_rows,
)

INVENTORY_NOTE = (
    "inventory mode (no energy data): C = Q * S_i * (C_i/Q_i); the emission_intensity "
    "effect combines energy intensity, fuel mix and emission-factor effects, which "
    "cannot be separated without energy data"
)
REGION = "region"


def _value_column(df: pd.DataFrame, candidates: Sequence[str], what: str) -> str:
    for name in candidates:
        if name in df.columns:
            return name
    raise InputError(
        f"the {what} table has no value column",
        fix=f"name it one of {list(candidates)}",
    )


def _tidy(df: pd.DataFrame, keys: list[str], candidates: Sequence[str], what: str) -> pd.DataFrame:
    """Select keys + value, check completeness and uniqueness."""
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise InputError(f"the {what} table lacks columns {missing}", fix=f"give columns {keys}")
    col = _value_column(df, candidates, what)
    out = df[keys + [col]].rename(columns={col: "value"}).copy()
    out["year"] = out["year"].astype(int)
    for key in ("region", "sector", "fuel"):
        if key in keys:
            out[key] = out[key].astype(str)
    out["value"] = out["value"].astype(float)
    if out["value"].isna().any() or not np.isfinite(out["value"].to_numpy()).all():
        raise InputError(f"the {what} table has missing values", fix="fill or drop them first")
    if (out["value"] < 0).any():
        raise InputError(f"the {what} table has negative values", fix="LMDI needs values >= 0")
    if out.duplicated(subset=keys).any():
        raise InputError(
            f"the {what} table has duplicate {'/'.join(keys)} rows", fix="aggregate them first"
        )
    return out


def _row_index(tab: pd.DataFrame, rows: pd.Index) -> np.ndarray:
    """Position of each table row's unit (sector, or (region, sector)) among ``rows``."""
    if isinstance(rows, pd.MultiIndex):
        return rows.get_indexer(pd.MultiIndex.from_frame(tab[[REGION, "sector"]]))
    return rows.get_indexer(tab["sector"])


def _cube(
    tab: pd.DataFrame, years: list[int], rows: pd.Index, fuels: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(year x row x fuel) array of a year/row/fuel/value table, 0 where absent.

    Rows are unique (``_tidy``), so each cell is 0.0 + value, as a pivot-table sum gives.
    Also returns, per year, whether the matrix goes on in Fortran order: a per-year
    ``pivot_table(...).reindex(...).to_numpy()`` is Fortran-ordered exactly when every
    row but not every fuel has data that year, and numpy's sum over >= 8 fuels rounds
    differently in the two orders; keeping the order keeps results bit-for-bit stable.
    """
    yi = pd.Index(years).get_indexer(tab["year"])
    keep = yi >= 0
    yi = yi[keep]
    si = _row_index(tab[keep], rows)
    fi = pd.Index(fuels).get_indexer(tab["fuel"][keep])
    out = np.zeros((len(years), len(rows), len(fuels)))
    out[yi, si, fi] += tab["value"].to_numpy(dtype=float)[keep]
    has_row = np.zeros((len(years), len(rows)), dtype=bool)
    has_fuel = np.zeros((len(years), len(fuels)), dtype=bool)
    has_row[yi, si] = True
    has_fuel[yi, fi] = True
    fortran = has_row.all(axis=1) & ~has_fuel.all(axis=1)
    return out, fortran


@dataclass(frozen=True)
class SectoralInputs:
    """The tidy tables of ``decompose``, validated and pivoted once to dense arrays.

    ``c`` and ``e`` are (year x row x fuel); ``c_f`` and ``e_f`` say per year whether
    that year's matrix is handed on in Fortran order (see ``_cube``).  ``regions`` is the
    region index of each row when there are several regions, else None.
    """

    mode: str
    keys: tuple[str, ...]
    units: list[tuple[str, ...]]
    fuels: list[str]
    pairs: list[tuple[int, int]]
    position: dict[int, int]  # data year -> index along the first axis
    c: np.ndarray
    c_f: np.ndarray
    e: np.ndarray | None
    e_f: np.ndarray | None
    q: np.ndarray  # (year x row)
    q_known: np.ndarray  # (year x row) bool: output given
    regions: np.ndarray | None
    quantity: str = "co2"

    @property
    def effect_names(self) -> tuple[str, ...]:
        multi = self.regions is not None
        if self.mode == "energy":
            return lmdi.energy_effect_names(multi)
        return lmdi.inventory_effect_names(multi)

    @property
    def zero_columns(self) -> tuple[str, ...]:
        return (
            "period_start",
            "period_end",
            *self.keys,
            "fuel",
            "co2_start",
            "co2_end",
            "treatment",
            "assigned_to",
        )

    @property
    def notes(self) -> tuple[str, ...]:
        return (INVENTORY_NOTE,) if self.mode == "inventory" else ()

    def matrix(self, which: str, year: int) -> np.ndarray:
        """The (row x fuel) matrix of CO2 (``"c"``) or energy (``"e"``) in ``year``."""
        pos = self.position[year]
        cube, fortran = (self.c, self.c_f) if which == "c" else (self.e, self.e_f)
        assert cube is not None and fortran is not None
        return np.asfortranarray(cube[pos]) if fortran[pos] else cube[pos]

    def output(self, year: int) -> np.ndarray:
        """The rows' output in ``year``; every row needs one."""
        pos = self.position[year]
        missing = [
            "/".join(u) for u, known in zip(self.units, self.q_known[pos], strict=True) if not known
        ]
        if missing:
            raise InputError(f"output is missing for sectors {missing} in {year}", fix="add it")
        return self.q[pos]

    def labels(self, i: int) -> dict[str, object]:
        return dict(zip(self.keys, self.units[i], strict=True))

    def period_effects(self, delta: float, zero_limits: bool) -> list[PeriodEffects]:
        """Run the cell-level LMDI of every period on the pivoted arrays."""
        treatment = "analytical limit" if zero_limits else f"small value {delta:g}"
        out: list[PeriodEffects] = []
        for y0, y1 in self.pairs:
            c0, c1 = self.matrix("c", y0), self.matrix("c", y1)
            q0, q1 = self.output(y0), self.output(y1)
            cs0, cs1 = c0.sum(axis=1), c1.sum(axis=1)
            if self.mode == "energy":
                e0, e1 = self.matrix("e", y0), self.matrix("e", y1)
                cells = lmdi.decompose_pair_energy(
                    c0,
                    c1,
                    e0,
                    e1,
                    q0,
                    q1,
                    delta=delta,
                    zero_limits=zero_limits,
                    regions=self.regions,
                )
                by_unit = {x: cells[x].sum(axis=1) for x in self.effect_names}
                zero = [
                    zero_rows(
                        (y0, y1),
                        {**self.labels(i), "fuel": self.fuels[j]},
                        (float(c0[i, j]), float(c1[i, j])),
                        treatment,
                        [x for x in self.effect_names if cells[x][i, j] != 0],
                    )
                    for i, j in zip(*np.nonzero((c0 == 0) != (c1 == 0)), strict=True)
                ]
            else:
                by_unit = lmdi.decompose_pair_inventory(
                    cs0, cs1, q0, q1, delta=delta, zero_limits=zero_limits, regions=self.regions
                )
                zero = [
                    zero_rows(
                        (y0, y1),
                        {**self.labels(i), "fuel": "all"},
                        (float(cs0[i]), float(cs1[i])),
                        treatment,
                        [x for x in self.effect_names if by_unit[x][i] != 0],
                    )
                    for i in np.nonzero((cs0 == 0) != (cs1 == 0))[0]
                ]
            out.append(PeriodEffects(y0, y1, by_unit, cs0, cs1, zero))
        return out


def _keys(*tables: pd.DataFrame | None) -> list[str]:
    """``["region", "sector"]`` when the tables carry regions, else ``["sector"]``."""
    given = [t for t in tables if t is not None]
    with_region = [REGION in t.columns for t in given]
    if any(with_region) and not all(with_region):
        raise InputError(
            "some tables have a region column and others not",
            fix="give the region of every row in every table, or in none",
        )
    return [REGION, "sector"] if all(with_region) else ["sector"]


def _rows(q_tab: pd.DataFrame, keys: list[str]) -> tuple[pd.Index, np.ndarray | None]:
    """The rows (units) in sorted order and the region index of each (several regions)."""
    if keys == ["sector"]:
        return pd.Index(sorted(q_tab["sector"].unique())), None
    pairs = sorted(set(zip(q_tab[REGION], q_tab["sector"], strict=True)))
    rows = pd.MultiIndex.from_tuples(pairs, names=[REGION, "sector"])
    regions = sorted({r for r, _ in pairs})
    if len(regions) < 2:
        return rows, None
    return rows, pd.Index(regions).get_indexer([r for r, _ in pairs]).astype(np.int64)


def _unknown_units(tab: pd.DataFrame, rows: pd.Index, what: str) -> None:
    unknown = sorted(set(tab.loc[_row_index(tab, rows) < 0, "sector"]))
    if unknown:
        raise InputError(
            f"sectors {unknown} have {what} but no output rows", fix="add their output or drop them"
        )


def prepare(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None,
    periods: PeriodRequest | Sequence[PeriodRequest],
) -> SectoralInputs:
    """Validate the tidy tables of ``decompose`` and pivot them once."""
    keys = _keys(co2, output, energy)
    c_tab = _tidy(co2, ["year", *keys, "fuel"], ("co2_t", "value"), "CO2")
    q_tab = _tidy(output, ["year", *keys], ("value", "output_value", "output"), "output")
    rows, regions = _rows(q_tab, keys)
    _unknown_units(c_tab, rows, "CO2")
    mode = "energy" if energy is not None else "inventory"
    e_tab = None
    fuels = sorted(set(c_tab["fuel"]))
    if energy is not None:
        if "unit" in energy.columns and (energy["unit"].astype(str) != "GJ").any():
            raise InputError(
                "energy must be in GJ for LMDI",
                fix="convert physical units (t, m3) to GJ with the fuels' NCV first",
            )
        e_tab = _tidy(energy, ["year", *keys, "fuel"], ("value", "gj", "GJ", "energy_gj"), "energy")
        _unknown_units(e_tab, rows, "energy")
        fuels = sorted(set(c_tab["fuel"]) | set(e_tab["fuel"]))
    years = set(q_tab["year"]) & set(c_tab["year"])
    if e_tab is not None:
        years &= set(e_tab["year"])
    data_years = sorted(years)
    pairs = resolve_periods(data_years, periods)
    yi = pd.Index(data_years).get_indexer(q_tab["year"])
    keep = yi >= 0
    si = _row_index(q_tab[keep], rows)
    q = np.zeros((len(data_years), len(rows)))
    q_known = np.zeros(q.shape, dtype=bool)
    q[yi[keep], si] = q_tab["value"].to_numpy(dtype=float)[keep]
    q_known[yi[keep], si] = True
    c, c_f = _cube(c_tab, data_years, rows, fuels)
    e, e_f = (None, None) if e_tab is None else _cube(e_tab, data_years, rows, fuels)
    units = [u if isinstance(u, tuple) else (u,) for u in rows]
    return SectoralInputs(
        mode=mode,
        keys=tuple(keys),
        units=[tuple(str(x) for x in u) for u in units],
        fuels=fuels,
        pairs=pairs,
        position={y: i for i, y in enumerate(data_years)},
        c=c,
        c_f=c_f,
        e=e,
        e_f=e_f,
        q=q,
        q_known=q_known,
        regions=regions,
    )


def decompose(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None = None,
    *,
    periods: PeriodRequest | Sequence[PeriodRequest] = "chained",
    delta: float = lmdi.DEFAULT_DELTA,
    zero_limits: bool = True,
) -> LmdiResult:
    """LMDI-I decomposition of CO2 change from tidy tables (the sectoral identity).

    ``co2``: year, sector, fuel, co2_t.  ``output``: year, sector, value (yuan); its
    sectors define Q (the sum of their output).  ``energy``: year, sector, fuel, value
    (GJ) or None for inventory mode.  Fuels with energy but no CO2 rows (electricity,
    heat) count in E_i with zero direct emissions.  A ``region`` column in every table
    makes it a multi-region decomposition.  ``periods``: see ``resolve_periods``.
    """
    lmdi.check_delta(delta)
    inputs = prepare(co2, output, energy, periods)
    return build_result(inputs, inputs.period_effects(delta, zero_limits), delta, zero_limits)


def delta_sensitivity(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None = None,
    *,
    periods: PeriodRequest | Sequence[PeriodRequest] = "chained",
    deltas: Sequence[float] = lmdi.SENSITIVITY_DELTAS,
    zero_limits: bool = True,
    tolerance: float = 1e-6,
) -> DeltaCheck:
    """Rerun ``decompose`` for each delta and compare effects with the first delta
    (see :func:`.frames.compare_deltas`); the tables are validated and pivoted once."""
    if len(deltas) < 2:
        raise InputError("give at least two values of delta to compare")
    return compare_deltas(prepare(co2, output, energy, periods), deltas, zero_limits, tolerance)
