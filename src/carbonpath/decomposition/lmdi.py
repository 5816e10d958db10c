"""LMDI-I decomposition of a change in CO2 emissions (Ang 2004, 2015).

Identity (energy mode), for sector i and fuel j:

    C = sum_ij Q * S_i * I_i * M_ij * U_ij

with Q total output, S_i = Q_i / Q the sector share, I_i = E_i / Q_i the energy
intensity, M_ij = E_ij / E_i the fuel mix and U_ij = C_ij / E_ij the emission factor.
Without energy data (inventory mode) the identity is C = sum_i Q * S_i * K_i with
K_i = C_i / Q_i the emission intensity, so intensity, mix and factor effects are not
separated.

Additive LMDI-I (Ang 2004, 2015):     dC_X = sum_ij L(C_ij^T, C_ij^0) ln(X^T / X^0)
Multiplicative LMDI-I:                  D_X = exp(sum_ij L(C_ij^T, C_ij^0) / L(C^T, C^0)
                                                   * ln(X^T / X^0))
                                            = exp(dC_X / L(C^T, C^0))
with the logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a.  The additive
effects sum exactly to C^T - C^0 and the multiplicative effects multiply to C^T / C^0.

Zero values (Ang & Liu 2007): zeros are replaced by a small value delta (default
1e-10) so every logarithm is finite (the small-value strategy).  Where a cell's CO2 is
zero in only one of the two years, the small-value result converges to its limit only
like 1 / ln(delta) (Wood & Lenzen 2006), so by default (``zero_limits=True``) such cells
receive their analytical limit (Ang & Liu 2007): the whole change C_ij^T - C_ij^0 goes
to the factor that is zero (the sector share if the sector had no output, else the
energy intensity if the sector used no energy, else the fuel mix if the fuel was not
used, else the emission factor), and cells that are zero in both years contribute
nothing.  Totals then come from the raw data, so delta never reaches a reported number;
``delta_sensitivity`` reruns the decomposition with delta from 1e-10 to 1e-20 and shows
it.  ``zero_limits=False`` gives the pure small-value strategy for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from carbonpath.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

ENERGY_EFFECTS: tuple[str, ...] = ("activity", "structure", "intensity", "mix", "emission_factor")
INVENTORY_EFFECTS: tuple[str, ...] = ("activity", "structure", "emission_intensity")
DEFAULT_DELTA = 1e-10
SENSITIVITY_DELTAS: tuple[float, ...] = (1e-10, 1e-12, 1e-14, 1e-16, 1e-18, 1e-20)
TOTAL = "total"

INVENTORY_NOTE = (
    "inventory mode (no energy data): C = Q * S_i * (C_i/Q_i); the emission_intensity "
    "effect combines energy intensity, fuel mix and emission-factor effects, which "
    "cannot be separated without energy data"
)


def logmean(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a (Ang 2004).

    Evaluated as (a - b) / log1p((a - b) / b) for close values (no cancellation) and
    (a - b) / ln(a / b) otherwise.  Both arguments must be positive.
    """
    a_arr = np.asarray(a, dtype=float)
    b_arr = np.asarray(b, dtype=float)
    if np.any(a_arr <= 0) or np.any(b_arr <= 0):
        raise InputError(
            "the logarithmic mean needs positive values",
            fix="replace zeros by a small value delta before calling logmean",
        )
    a_arr, b_arr = np.broadcast_arrays(a_arr, b_arr)
    diff = a_arr - b_arr
    out = a_arr.astype(float, copy=True)
    ratio = a_arr / b_arr
    near = (diff != 0) & (np.abs(ratio - 1.0) <= 0.5)
    far = (diff != 0) & ~near
    # log1p of the relative difference is accurate for close values; plain log
    # of the ratio for distant ones (where (a-b)/b may round to -1)
    out[near] = diff[near] / np.log1p(diff[near] / b_arr[near])
    out[far] = diff[far] / np.log(ratio[far])
    return np.asarray(out, dtype=float)


def _log_ratio(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """ln(new / old) for positive arrays."""
    return np.log(new / old)


def _substitute(x: np.ndarray, delta: float) -> np.ndarray:
    """Small-value strategy: replace exact zeros by delta (Ang & Liu 2007)."""
    return np.where(x == 0, delta, x)


def _ratio_or_delta(num: np.ndarray, den: np.ndarray, delta: float) -> np.ndarray:
    """num / den, with delta wherever the ratio is zero or undefined (den = 0)."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    return np.where(out > 0, out, delta)


def _energy_factors(
    c: np.ndarray, e: np.ndarray, q: np.ndarray, delta: float, zero_limits: bool
) -> dict[str, np.ndarray]:
    """Factors Q, S_i, I_i, M_ij, U_ij of one year (and C_ij for the weights).

    Pure small-value strategy (``zero_limits=False``): zeros in the data are replaced
    by delta and all factors are computed from the substituted data.  With limits,
    totals come from the raw data and delta only replaces factors that are zero or
    undefined; those belong to cells that receive their analytical limit, so delta
    never reaches a reported number.
    """
    shape = c.shape
    if not zero_limits:
        c, e, q = _substitute(c, delta), _substitute(e, delta), _substitute(q, delta)
    e_i = e.sum(axis=1)
    big_q = q.sum()
    return {
        "c": _substitute(c, delta),
        "activity": np.full(shape, big_q),
        "structure": np.broadcast_to(_ratio_or_delta(q, big_q, delta)[:, None], shape),
        "intensity": np.broadcast_to(_ratio_or_delta(e_i, q, delta)[:, None], shape),
        "mix": _ratio_or_delta(e, e_i[:, None], delta),
        "emission_factor": _ratio_or_delta(c, e, delta),
    }


def _inventory_factors(
    c: np.ndarray, q: np.ndarray, delta: float, zero_limits: bool
) -> dict[str, np.ndarray]:
    """Factors Q, S_i, K_i = C_i / Q_i of one year (see ``_energy_factors``)."""
    if not zero_limits:
        c, q = _substitute(c, delta), _substitute(q, delta)
    big_q = q.sum()
    return {
        "c": _substitute(c, delta),
        "activity": np.full(c.shape, big_q),
        "structure": _ratio_or_delta(q, big_q, delta),
        "emission_intensity": _ratio_or_delta(c, q, delta),
    }


def _check_array(name: str, x: np.ndarray) -> None:
    if not np.all(np.isfinite(x)):
        raise InputError(f"{name} contains missing or infinite values", fix="fill or drop them")
    if np.any(x < 0):
        raise InputError(f"{name} contains negative values", fix="LMDI needs values >= 0")


def _check_delta(delta: float) -> None:
    if not (0 < delta < 1e-6):
        raise InputError(
            f"delta = {delta} is not a small positive value",
            fix="use a value between 1e-20 and 1e-10 (Ang & Liu 2007)",
        )


def decompose_pair_energy(
    c0: np.ndarray,
    ct: np.ndarray,
    e0: np.ndarray,
    et: np.ndarray,
    q0: np.ndarray,
    qt: np.ndarray,
    *,
    delta: float = DEFAULT_DELTA,
    zero_limits: bool = True,
) -> dict[str, np.ndarray]:
    """Additive LMDI-I effects by cell (sector x fuel) for one period, energy mode.

    ``c*`` and ``e*`` are (sectors x fuels) arrays of CO2 and energy, ``q*`` the
    sector outputs, for the start (0) and end (t) year.  Returns one (sectors x fuels)
    array per effect in ``ENERGY_EFFECTS``; summed over all cells and effects they
    equal ct.sum() - c0.sum().
    """
    _check_delta(delta)
    arrays = {
        "c0": np.asarray(c0, dtype=float),
        "ct": np.asarray(ct, dtype=float),
        "e0": np.asarray(e0, dtype=float),
        "et": np.asarray(et, dtype=float),
    }
    q_arrays = {"q0": np.asarray(q0, dtype=float), "qt": np.asarray(qt, dtype=float)}
    shape = arrays["c0"].shape
    if len(shape) != 2:
        raise InputError("CO2 and energy must be (sectors x fuels) arrays")
    for name, x in arrays.items():
        if x.shape != shape:
            raise InputError(f"{name} has shape {x.shape}, expected {shape}")
        _check_array(name, x)
    for name, x in q_arrays.items():
        if x.shape != (shape[0],):
            raise InputError(f"{name} has shape {x.shape}, expected ({shape[0]},)")
        _check_array(name, x)
    years = (
        (arrays["c0"], arrays["e0"], q_arrays["q0"], "start"),
        (arrays["ct"], arrays["et"], q_arrays["qt"], "end"),
    )
    for c, e, q, label in years:
        if q.sum() <= 0:
            raise InputError(
                f"total output is zero in the {label} year", fix="check the output data"
            )
        if np.any((c > 0) & (e == 0)):
            raise InputError(
                f"CO2 without energy use in the {label} year",
                fix="every sector/fuel with CO2 needs an energy value > 0",
            )
        if np.any((c.sum(axis=1) > 0) & (q == 0)):
            raise InputError(
                f"a sector has CO2 but zero output in the {label} year",
                fix="check the output data",
            )

    factors = [_energy_factors(c, e, q, delta, zero_limits) for c, e, q, _ in years]
    f0, ft = factors
    weight = logmean(ft["c"], f0["c"])
    effects = {x: weight * _log_ratio(ft[x], f0[x]) for x in ENERGY_EFFECTS}

    if zero_limits:
        c_0, c_t = arrays["c0"], arrays["ct"]
        zero0, zerot = c_0 == 0, c_t == 0
        degenerate = zero0 | zerot
        for x in ENERGY_EFFECTS:
            effects[x] = np.where(degenerate, 0.0, effects[x])
        # the year in which the cell is zero decides which factor is zero there
        for zero_side, e, q in (
            (zero0 & ~zerot, arrays["e0"], q_arrays["q0"]),
            (zerot & ~zero0, arrays["et"], q_arrays["qt"]),
        ):
            if not zero_side.any():
                continue
            q_zero = np.broadcast_to((q == 0)[:, None], shape)
            e_i_zero = np.broadcast_to((e.sum(axis=1) == 0)[:, None], shape)
            e_zero = e == 0
            change = c_t - c_0
            responsible = {
                "structure": zero_side & q_zero,
                "intensity": zero_side & ~q_zero & e_i_zero,
                "mix": zero_side & ~q_zero & ~e_i_zero & e_zero,
                "emission_factor": zero_side & ~q_zero & ~e_i_zero & ~e_zero,
            }
            for x, mask in responsible.items():
                effects[x] = np.where(mask, change, effects[x])
    return effects


def decompose_pair_inventory(
    c0: np.ndarray,
    ct: np.ndarray,
    q0: np.ndarray,
    qt: np.ndarray,
    *,
    delta: float = DEFAULT_DELTA,
    zero_limits: bool = True,
) -> dict[str, np.ndarray]:
    """Additive LMDI-I effects by sector for one period, inventory mode.

    Identity C = sum_i Q * S_i * K_i with K_i = C_i / Q_i.  ``c*`` and ``q*`` are
    per-sector CO2 and output.  Returns one per-sector array per effect in
    ``INVENTORY_EFFECTS``.
    """
    _check_delta(delta)
    arrays = {
        name: np.asarray(x, dtype=float)
        for name, x in zip(("c0", "ct", "q0", "qt"), (c0, ct, q0, qt), strict=True)
    }
    n = arrays["c0"].shape
    if len(n) != 1:
        raise InputError("inventory-mode CO2 must be a per-sector vector")
    for name, x in arrays.items():
        if x.shape != n:
            raise InputError(f"{name} has shape {x.shape}, expected {n}")
        _check_array(name, x)
    for c, q, label in ((arrays["c0"], arrays["q0"], "start"), (arrays["ct"], arrays["qt"], "end")):
        if q.sum() <= 0:
            raise InputError(
                f"total output is zero in the {label} year", fix="check the output data"
            )
        if np.any((c > 0) & (q == 0)):
            raise InputError(
                f"a sector has CO2 but zero output in the {label} year",
                fix="check the output data",
            )
    factors = [
        _inventory_factors(c, q, delta, zero_limits)
        for c, q in ((arrays["c0"], arrays["q0"]), (arrays["ct"], arrays["qt"]))
    ]
    f0, ft = factors
    weight = logmean(ft["c"], f0["c"])
    effects = {x: weight * _log_ratio(ft[x], f0[x]) for x in INVENTORY_EFFECTS}
    if zero_limits:
        c_0, c_t = arrays["c0"], arrays["ct"]
        zero0, zerot = c_0 == 0, c_t == 0
        degenerate = zero0 | zerot
        for x in INVENTORY_EFFECTS:
            effects[x] = np.where(degenerate, 0.0, effects[x])
        change = c_t - c_0
        for zero_side, q in ((zero0 & ~zerot, arrays["q0"]), (zerot & ~zero0, arrays["qt"])):
            effects["structure"] = np.where(zero_side & (q == 0), change, effects["structure"])
            effects["emission_intensity"] = np.where(
                zero_side & (q > 0), change, effects["emission_intensity"]
            )
    return effects


def multiplicative_from_additive(additive: float, c0: float, ct: float) -> float:
    """D_X = exp(dC_X / L(C^T, C^0)) (Ang 2015): the multiplicative LMDI-I effect.

    Returns 1.0 when C is zero in both years and NaN when it is zero in only one
    (the ratio C^T / C^0 is then 0 or infinite).
    """
    if c0 == 0 and ct == 0:
        return 1.0
    if c0 <= 0 or ct <= 0:
        return float("nan")
    return float(np.exp(additive / float(logmean(ct, c0))))


@dataclass(frozen=True)
class LmdiResult:
    """Result of an LMDI-I decomposition.

    ``effects``: period_start, period_end, sector (a sector code or "total"), effect,
    additive (t CO2), multiplicative (ratio).  ``totals``: period_start, period_end,
    sector, co2_start, co2_end, change, ratio.  ``zero_cells``: cells whose CO2 is
    zero in exactly one year of a period and how they were treated.  A sector row's
    multiplicative effect decomposes that sector's own ratio C_i^T / C_i^0, i.e.
    exp(dC_X,i / L(C_i^T, C_i^0)); the "total" row decomposes C^T / C^0.
    """

    mode: str
    effect_names: tuple[str, ...]
    delta: float
    zero_limits: bool
    periods: tuple[tuple[int, int], ...]
    effects: pd.DataFrame
    totals: pd.DataFrame
    zero_cells: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


def resolve_periods(
    years: Sequence[int], periods: str | Sequence[str | Sequence[int]]
) -> list[tuple[int, int]]:
    """Turn a period request into (start, end) pairs.

    ``"chained"``: consecutive data years (year-to-year); ``"first_last"``: first to
    last data year; or explicit (start, end) pairs.  A list may mix these.
    """
    ys = sorted({int(y) for y in years})
    if len(ys) < 2:
        raise InputError("LMDI needs at least two years of data", fix="add another year")
    items: list[str | Sequence[int]] = [periods] if isinstance(periods, str) else list(periods)
    pairs: list[tuple[int, int]] = []
    for item in items:
        if isinstance(item, str):
            if item == "chained":
                new = list(zip(ys[:-1], ys[1:], strict=True))
            elif item == "first_last":
                new = [(ys[0], ys[-1])]
            else:
                raise InputError(
                    f"unknown period '{item}'",
                    fix="use 'chained', 'first_last' or [start, end] year pairs",
                )
        else:
            pair = tuple(int(y) for y in item)
            if len(pair) != 2 or pair[0] >= pair[1]:
                raise InputError(
                    f"period {list(item)} is not a [start, end] pair with start < end",
                    fix="write periods as [start, end], e.g. [2015, 2020]",
                )
            for y in pair:
                if y not in ys:
                    raise InputError(
                        f"period year {y} is outside the data ({ys[0]}-{ys[-1]})",
                        fix=f"use years among {ys}",
                    )
            new = [(pair[0], pair[1])]
        for p in new:
            if p not in pairs:
                pairs.append(p)
    return pairs


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
    out["sector"] = out["sector"].astype(str)
    if "fuel" in keys:
        out["fuel"] = out["fuel"].astype(str)
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


@dataclass(frozen=True)
class _Inputs:
    """The tidy tables of ``decompose``, validated and pivoted once to dense arrays.

    ``c`` and ``e`` are (year x sector x fuel); ``c_f`` and ``e_f`` say per year whether
    that year's matrix is handed on in Fortran order (see ``_cube``).
    """

    mode: str
    sectors: list[str]
    fuels: list[str]
    pairs: list[tuple[int, int]]
    position: dict[int, int]  # data year -> index along the first axis
    c: np.ndarray
    c_f: np.ndarray
    e: np.ndarray | None
    e_f: np.ndarray | None
    q: np.ndarray  # (year x sector)
    q_known: np.ndarray  # (year x sector) bool: output given

    def matrix(self, which: str, year: int) -> np.ndarray:
        """The (sector x fuel) matrix of CO2 (``"c"``) or energy (``"e"``) in ``year``."""
        pos = self.position[year]
        cube, fortran = (self.c, self.c_f) if which == "c" else (self.e, self.e_f)
        assert cube is not None and fortran is not None
        return np.asfortranarray(cube[pos]) if fortran[pos] else cube[pos]


def _cube(
    tab: pd.DataFrame, years: list[int], sectors: list[str], fuels: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(year x sector x fuel) array of a year/sector/fuel/value table, 0 where absent.

    Rows are unique (``_tidy``), so each cell is 0.0 + value, as a pivot-table sum gives.
    Also returns, per year, whether the matrix goes on in Fortran order: a per-year
    ``pivot_table(...).reindex(...).to_numpy()`` is Fortran-ordered exactly when every
    sector but not every fuel has rows that year, and numpy's sum over >= 8 fuels rounds
    differently in the two orders; keeping the order keeps results bit-for-bit stable.
    """
    import pandas as pd

    yi = pd.Index(years).get_indexer(tab["year"])
    keep = yi >= 0
    yi = yi[keep]
    si = pd.Index(sectors).get_indexer(tab["sector"][keep])
    fi = pd.Index(fuels).get_indexer(tab["fuel"][keep])
    out = np.zeros((len(years), len(sectors), len(fuels)))
    out[yi, si, fi] += tab["value"].to_numpy(dtype=float)[keep]
    has_sector = np.zeros((len(years), len(sectors)), dtype=bool)
    has_fuel = np.zeros((len(years), len(fuels)), dtype=bool)
    has_sector[yi, si] = True
    has_fuel[yi, fi] = True
    fortran = has_sector.all(axis=1) & ~has_fuel.all(axis=1)
    return out, fortran


def _prepare(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None,
    periods: str | Sequence[str | Sequence[int]],
) -> _Inputs:
    """Validate the tidy tables of ``decompose`` and pivot them once."""
    import pandas as pd

    c_tab = _tidy(co2, ["year", "sector", "fuel"], ("co2_t", "value"), "CO2")
    q_tab = _tidy(output, ["year", "sector"], ("value", "output_value", "output"), "output")
    sectors = sorted(q_tab["sector"].unique())
    unknown = sorted(set(c_tab["sector"]) - set(sectors))
    if unknown:
        raise InputError(
            f"sectors {unknown} have CO2 but no output rows", fix="add their output or drop them"
        )
    mode = "energy" if energy is not None else "inventory"
    if energy is not None:
        if "unit" in energy.columns and (energy["unit"].astype(str) != "GJ").any():
            raise InputError(
                "energy must be in GJ for LMDI",
                fix="convert physical units (t, m3) to GJ with the fuels' NCV first",
            )
        e_tab = _tidy(
            energy, ["year", "sector", "fuel"], ("value", "gj", "GJ", "energy_gj"), "energy"
        )
        unknown_e = sorted(set(e_tab["sector"]) - set(sectors))
        if unknown_e:
            raise InputError(
                f"sectors {unknown_e} have energy but no output rows",
                fix="add their output or drop them",
            )
        fuels = sorted(set(c_tab["fuel"]) | set(e_tab["fuel"]))
    else:
        e_tab = None
        fuels = sorted(set(c_tab["fuel"]))

    data_years = sorted(set(q_tab["year"]) & set(c_tab["year"]))
    if e_tab is not None:
        data_years = sorted(set(data_years) & set(e_tab["year"]))
    pairs = resolve_periods(data_years, periods)

    yi = pd.Index(data_years).get_indexer(q_tab["year"])
    keep = yi >= 0
    si = pd.Index(sectors).get_indexer(q_tab["sector"][keep])
    q = np.zeros((len(data_years), len(sectors)))
    q_known = np.zeros(q.shape, dtype=bool)
    q[yi[keep], si] = q_tab["value"].to_numpy(dtype=float)[keep]
    q_known[yi[keep], si] = True
    c, c_f = _cube(c_tab, data_years, sectors, fuels)
    e, e_f = (None, None) if e_tab is None else _cube(e_tab, data_years, sectors, fuels)
    return _Inputs(
        mode=mode,
        sectors=sectors,
        fuels=fuels,
        pairs=pairs,
        position={y: i for i, y in enumerate(data_years)},
        c=c,
        c_f=c_f,
        e=e,
        e_f=e_f,
        q=q,
        q_known=q_known,
    )


@dataclass(frozen=True)
class _PeriodEffects:
    """Additive effects of one period by sector, the sectors' CO2 and the zero cells."""

    start: int
    end: int
    by_sector: dict[str, np.ndarray]
    cs0: np.ndarray
    cs1: np.ndarray
    zero_rows: list[dict[str, object]]


def _q_vector(inputs: _Inputs, year: int) -> np.ndarray:
    pos = inputs.position[year]
    missing = [s for s, known in zip(inputs.sectors, inputs.q_known[pos], strict=True) if not known]
    if missing:
        raise InputError(f"output is missing for sectors {missing} in {year}", fix="add it")
    return inputs.q[pos]


def _period_effects(inputs: _Inputs, delta: float, zero_limits: bool) -> list[_PeriodEffects]:
    """Run the cell-level LMDI of every period on the pivoted arrays."""
    sectors, fuels = inputs.sectors, inputs.fuels
    effect_names = ENERGY_EFFECTS if inputs.mode == "energy" else INVENTORY_EFFECTS
    treatment = "analytical limit" if zero_limits else f"small value {delta:g}"
    out: list[_PeriodEffects] = []
    for y0, y1 in inputs.pairs:
        c0, c1 = inputs.matrix("c", y0), inputs.matrix("c", y1)
        q0, q1 = _q_vector(inputs, y0), _q_vector(inputs, y1)
        zero_rows: list[dict[str, object]] = []
        if inputs.mode == "energy":
            e0, e1 = inputs.matrix("e", y0), inputs.matrix("e", y1)
            cells = decompose_pair_energy(
                c0, c1, e0, e1, q0, q1, delta=delta, zero_limits=zero_limits
            )
            by_sector = {x: cells[x].sum(axis=1) for x in effect_names}
            zero_mask = (c0 == 0) != (c1 == 0)
            for i, j in zip(*np.nonzero(zero_mask), strict=True):
                assigned = [x for x in effect_names if cells[x][i, j] != 0]
                zero_rows.append(
                    {
                        "period_start": y0,
                        "period_end": y1,
                        "sector": sectors[i],
                        "fuel": fuels[j],
                        "co2_start": float(c0[i, j]),
                        "co2_end": float(c1[i, j]),
                        "treatment": treatment,
                        "assigned_to": ",".join(assigned),
                    }
                )
            cs0, cs1 = c0.sum(axis=1), c1.sum(axis=1)
        else:
            cs0, cs1 = c0.sum(axis=1), c1.sum(axis=1)
            by_sector = decompose_pair_inventory(
                cs0, cs1, q0, q1, delta=delta, zero_limits=zero_limits
            )
            for i in np.nonzero((cs0 == 0) != (cs1 == 0))[0]:
                assigned = [x for x in effect_names if by_sector[x][i] != 0]
                zero_rows.append(
                    {
                        "period_start": y0,
                        "period_end": y1,
                        "sector": sectors[i],
                        "fuel": "all",
                        "co2_start": float(cs0[i]),
                        "co2_end": float(cs1[i]),
                        "treatment": treatment,
                        "assigned_to": ",".join(assigned),
                    }
                )
        out.append(_PeriodEffects(y0, y1, by_sector, cs0, cs1, zero_rows))
    return out


def _multiplicative(additive: np.ndarray, c0: np.ndarray, ct: np.ndarray) -> np.ndarray:
    """``multiplicative_from_additive`` element by element (same arithmetic, vectorised)."""
    out = np.full(additive.shape, np.nan)
    out[(c0 == 0) & (ct == 0)] = 1.0
    ok = (c0 > 0) & (ct > 0)
    if ok.any():
        out[ok] = np.exp(additive[ok] / logmean(ct[ok], c0[ok]))
    return out


def _scope_numbers(
    period: _PeriodEffects, effect_names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CO2 at start and end by scope (each sector, then the total), and the additive and
    multiplicative effects as (scope x effect) arrays."""
    n = period.cs0.size
    start = np.append(period.cs0, float(period.cs0.sum()))
    end = np.append(period.cs1, float(period.cs1.sum()))
    additive = np.empty((n + 1, len(effect_names)))
    for j, x in enumerate(effect_names):
        additive[:n, j] = period.by_sector[x]
        additive[n, j] = float(period.by_sector[x].sum())
    shape = additive.shape
    multiplicative = _multiplicative(
        additive, np.broadcast_to(start[:, None], shape), np.broadcast_to(end[:, None], shape)
    )
    return start, end, additive, multiplicative


def decompose(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None = None,
    *,
    periods: str | Sequence[str | Sequence[int]] = "chained",
    delta: float = DEFAULT_DELTA,
    zero_limits: bool = True,
) -> LmdiResult:
    """LMDI-I decomposition of CO2 change from tidy tables.

    ``co2``: year, sector, fuel, co2_t.  ``output``: year, sector, value (yuan); its
    sectors define Q (the sum of their output).  ``energy``: year, sector, fuel, value
    (GJ) or None for inventory mode.  Fuels with energy but no CO2 rows (electricity,
    heat) count in E_i with zero direct emissions.  ``periods``: see
    ``resolve_periods``.  Returns an ``LmdiResult``.
    """
    inputs = _prepare(co2, output, energy, periods)
    return _result(inputs, _period_effects(inputs, delta, zero_limits), delta, zero_limits)


def _result(
    inputs: _Inputs, results: list[_PeriodEffects], delta: float, zero_limits: bool
) -> LmdiResult:
    """Assemble the ``LmdiResult`` tables from the per-period effects."""
    import pandas as pd

    mode = inputs.mode
    effect_names = ENERGY_EFFECTS if mode == "energy" else INVENTORY_EFFECTS
    scopes = [*inputs.sectors, TOTAL]
    n_eff = len(effect_names)
    eff_cols: dict[str, list] = {k: [] for k in ("start", "end", "add", "mul")}
    tot_cols: dict[str, list] = {k: [] for k in ("start", "end", "c0", "c1")}
    zero_rows: list[dict[str, object]] = []
    for period in results:
        start, end, additive, multiplicative = _scope_numbers(period, effect_names)
        size = additive.size
        eff_cols["start"].append(np.full(size, period.start, dtype=np.int64))
        eff_cols["end"].append(np.full(size, period.end, dtype=np.int64))
        eff_cols["add"].append(additive.ravel())
        eff_cols["mul"].append(multiplicative.ravel())
        tot_cols["start"].append(np.full(start.size, period.start, dtype=np.int64))
        tot_cols["end"].append(np.full(start.size, period.end, dtype=np.int64))
        tot_cols["c0"].append(start)
        tot_cols["c1"].append(end)
        zero_rows.extend(period.zero_rows)
    n_periods = len(results)
    co2_start = np.concatenate(tot_cols["c0"])
    co2_end = np.concatenate(tot_cols["c1"])
    positive = co2_start > 0
    ratio = np.full(co2_start.shape, np.nan)
    ratio[positive] = co2_end[positive] / co2_start[positive]
    effects = pd.DataFrame(
        {
            "period_start": np.concatenate(eff_cols["start"]),
            "period_end": np.concatenate(eff_cols["end"]),
            "sector": [s for s in scopes for _ in effect_names] * n_periods,
            "effect": list(effect_names) * (len(scopes) * n_periods),
            "additive": np.concatenate(eff_cols["add"]),
            "multiplicative": np.concatenate(eff_cols["mul"]),
        }
    )
    totals = pd.DataFrame(
        {
            "period_start": np.concatenate(tot_cols["start"]),
            "period_end": np.concatenate(tot_cols["end"]),
            "sector": scopes * n_periods,
            "co2_start": co2_start,
            "co2_end": co2_end,
            "change": co2_end - co2_start,
            "ratio": ratio,
        }
    )
    assert len(effects) == len(totals) * n_eff
    notes: list[str] = []
    if mode == "inventory":
        notes.append(INVENTORY_NOTE)
    if zero_rows:
        notes.append(
            f"{len(zero_rows)} cell(s) have zero CO2 in one year of a period; "
            + (
                "they receive the analytical limit of LMDI (Ang & Liu 2007)"
                if zero_limits
                else f"they use the small value delta = {delta:g} (converges slowly, check delta_sensitivity)"
            )
        )
    zero_cols = [
        "period_start",
        "period_end",
        "sector",
        "fuel",
        "co2_start",
        "co2_end",
        "treatment",
        "assigned_to",
    ]
    return LmdiResult(
        mode=mode,
        effect_names=effect_names,
        delta=delta,
        zero_limits=zero_limits,
        periods=tuple(inputs.pairs),
        effects=effects,
        totals=totals,
        zero_cells=pd.DataFrame(zero_rows, columns=zero_cols),
        notes=tuple(notes),
    )


def chain_effects(result: LmdiResult) -> pd.DataFrame:
    """Cumulate year-to-year (chained) effects over their whole span.

    Additive effects of consecutive periods are summed, multiplicative ones
    multiplied (Ang 2015, chaining).  Uses the consecutive periods of ``result``
    only; returns rows for (first year, last year) with the same columns as
    ``result.effects``.  The chained total differs slightly from a direct first->last
    decomposition because LMDI is not chain-consistent in its effects.
    """
    import pandas as pd

    eff = result.effects
    cols = ["period_start", "period_end", "sector", "effect", "additive", "multiplicative"]
    periods = set(result.periods)
    consecutive: list[tuple[int, int]] = []
    current = min(p[0] for p in periods) if periods else None
    while current is not None:
        ends = sorted(y1 for y0, y1 in periods if y0 == current)
        if not ends:
            break
        consecutive.append((current, ends[0]))
        current = ends[0]
    if len(consecutive) < 2:
        return pd.DataFrame(columns=cols)
    mask = np.zeros(len(eff), dtype=bool)
    for y0, y1 in consecutive:
        mask |= (eff["period_start"] == y0).to_numpy() & (eff["period_end"] == y1).to_numpy()
    sub = eff[mask]
    grouped = sub.groupby(["sector", "effect"], sort=False).agg(
        additive=("additive", "sum"), multiplicative=("multiplicative", "prod")
    )
    out = grouped.reset_index()
    out.insert(0, "period_end", consecutive[-1][1])
    out.insert(0, "period_start", consecutive[0][0])
    return out[cols]


@dataclass(frozen=True)
class DeltaCheck:
    """Outcome of rerunning LMDI with several small values delta."""

    deltas: tuple[float, ...]
    max_abs_diff: float
    max_rel_diff: float
    tolerance: float
    insensitive: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "deltas": list(self.deltas),
            "max_abs_diff": self.max_abs_diff,
            "max_rel_diff": self.max_rel_diff,
            "tolerance": self.tolerance,
            "insensitive": self.insensitive,
        }


def delta_sensitivity(
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None = None,
    *,
    periods: str | Sequence[str | Sequence[int]] = "chained",
    deltas: Sequence[float] = SENSITIVITY_DELTAS,
    zero_limits: bool = True,
    tolerance: float = 1e-6,
) -> DeltaCheck:
    """Rerun ``decompose`` for each delta and compare effects with the first delta.

    Relative difference of an additive effect = |x_delta - x_ref| / max(|x_ref|, f)
    with the floor f = 1e-9 * the largest |additive effect| (so effects that are zero
    do not divide by zero); multiplicative effects are compared on ln D_X.  The result
    is insensitive when every relative difference is <= ``tolerance`` (Ang & Liu 2007
    recommend checking delta between 1e-10 and 1e-20).
    """
    if len(deltas) < 2:
        raise InputError("give at least two values of delta to compare")
    # the tables are validated and pivoted once; only the arithmetic is redone per delta
    inputs = _prepare(co2, output, energy, periods)
    effect_names = ENERGY_EFFECTS if inputs.mode == "energy" else INVENTORY_EFFECTS
    runs = []
    for d in deltas:
        numbers = [_scope_numbers(p, effect_names) for p in _period_effects(inputs, d, zero_limits)]
        runs.append(
            (
                np.concatenate([add.ravel() for _, _, add, _ in numbers]),
                np.concatenate([mul.ravel() for _, _, _, mul in numbers]),
            )
        )
    ref_add = runs[0][0]
    ref_mul = np.log(runs[0][1])
    scale = float(np.nanmax(np.abs(ref_add))) if ref_add.size else 0.0
    floor = max(scale * 1e-9, np.finfo(float).tiny)
    max_abs = 0.0
    max_rel = 0.0
    for add, run_mul in runs[1:]:
        mul = np.log(run_mul)
        d_add = np.abs(add - ref_add)
        max_abs = max(max_abs, float(np.nanmax(d_add)) if d_add.size else 0.0)
        rel = d_add / np.maximum(np.abs(ref_add), floor)
        finite = np.isfinite(ref_mul) & np.isfinite(mul)
        rel_mul = np.abs(mul[finite] - ref_mul[finite]) / np.maximum(np.abs(ref_mul[finite]), 1e-9)
        for arr in (rel, rel_mul):
            if arr.size:
                max_rel = max(max_rel, float(np.nanmax(arr)))
    return DeltaCheck(
        deltas=tuple(float(d) for d in deltas),
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        tolerance=tolerance,
        insensitive=bool(max_rel <= tolerance),
    )
