"""LMDI-I decomposition on arrays (Ang 2004, 2015; Ang & Liu 2007).

An identity writes the decomposed quantity as a sum over cells of a product of factors,
C = sum_k prod_x X_x,k.  For one period (start 0, end T) the LMDI-I effects are

    additive:        dC_x = sum_k L(C_k^T, C_k^0) ln(X_x,k^T / X_x,k^0)
    multiplicative:  D_x  = exp(dC_x / L(C^T, C^0))

with the logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a.  The additive
effects sum exactly to C^T - C^0 and the multiplicative ones multiply to C^T / C^0.

The sectoral identity (energy mode), for sector i and fuel j:

    C = sum_ij Q * S_i * I_i * M_ij * U_ij

with Q total output, S_i = Q_i / Q the sector share, I_i = E_i / Q_i the energy
intensity, M_ij = E_ij / E_i the fuel mix and U_ij = C_ij / E_ij the emission factor.
Without energy data (inventory mode) C = sum_i Q * S_i * K_i with K_i = C_i / Q_i.
Over several regions r the activity is split once more (region share as a structure
effect): C = sum_rij Q * R_r * S_ri * I_ri * M_rij * U_rij with R_r = Q_r / Q and
S_ri = Q_ri / Q_r.

Zero values (Ang & Liu 2007): zeros are replaced by a small value delta (default 1e-10)
so every logarithm is finite.  Where a cell's C is zero in only one of the two years the
small-value result converges to its limit only like 1 / ln(delta) (Wood & Lenzen 2006),
so by default (``zero_limits=True``) such cells receive their analytical limit: the whole
change C_k^T - C_k^0 goes to the first factor, in the identity's order, that is zero (or
undefined) in the year the cell is zero (for the sectoral identity: the region share if
the region had no output, else the sector share, else the energy intensity if the sector
used no energy, else the fuel mix, else the emission factor); cells zero in both years
contribute nothing.  Totals come from the raw data, so delta never reaches a reported
number.  ``zero_limits=False`` gives the pure small-value strategy for comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from carbonpath.core.errors import InputError

ENERGY_EFFECTS: tuple[str, ...] = ("activity", "structure", "intensity", "mix", "emission_factor")
INVENTORY_EFFECTS: tuple[str, ...] = ("activity", "structure", "emission_intensity")
#: the structure effect of the regions' shares in a multi-region decomposition
REGION_EFFECT = "region_share"
DEFAULT_DELTA = 1e-10
SENSITIVITY_DELTAS: tuple[float, ...] = (1e-10, 1e-12, 1e-14, 1e-16, 1e-18, 1e-20)
TOTAL = "total"

Factors = dict[str, np.ndarray]


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


def substitute(x: np.ndarray, delta: float) -> np.ndarray:
    """Small-value strategy: replace exact zeros by delta (Ang & Liu 2007)."""
    return np.where(x == 0, delta, x)


def ratio_or_delta(num: np.ndarray, den: np.ndarray, delta: float) -> np.ndarray:
    """num / den, with delta wherever the ratio is zero or undefined (den = 0)."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    return np.where(out > 0, out, delta)


def check_delta(delta: float) -> None:
    """delta must be a small positive number (Ang & Liu 2007 use 1e-10 .. 1e-20)."""
    if not (0 < delta < 1e-6):
        raise InputError(
            f"delta = {delta} is not a small positive value",
            fix="use a value between 1e-20 and 1e-10 (Ang & Liu 2007)",
        )


def cell_effects(
    c0: np.ndarray,
    ct: np.ndarray,
    f0: Mapping[str, np.ndarray],
    ft: Mapping[str, np.ndarray],
    names: Sequence[str],
    zero_flags: tuple[Mapping[str, np.ndarray], Mapping[str, np.ndarray]] | None = None,
) -> Factors:
    """Additive LMDI-I effects by cell: dC_x,k = L(C_k^T, C_k^0) ln(X_x,k^T / X_x,k^0).

    ``c0``/``ct`` are the raw cell values; ``f0``/``ft`` hold, per factor name and under
    ``"c"``, the positive (delta-substituted) values of each year.  With ``zero_flags``
    (per year, per factor: where the raw factor is zero or undefined) cells zero in one
    year receive the analytical limit (the whole change goes to the first flagged
    factor of ``names`` in the year the cell is zero) and cells zero in both years 0.
    """
    weight = logmean(ft["c"], f0["c"])
    effects = {x: weight * np.log(ft[x] / f0[x]) for x in names}
    if zero_flags is None:
        return effects
    zero0, zerot = c0 == 0, ct == 0
    degenerate = zero0 | zerot
    for x in names:
        effects[x] = np.where(degenerate, 0.0, effects[x])
    change = ct - c0
    for side, flags in ((zero0 & ~zerot, zero_flags[0]), (zerot & ~zero0, zero_flags[1])):
        if not side.any():
            continue
        open_ = side.copy()
        for x in names:
            mask = open_ & (flags[x] if x != names[-1] else True)
            effects[x] = np.where(mask, change, effects[x])
            open_ &= ~mask
    return effects


def _share_factors(
    q: np.ndarray, regions: np.ndarray | None, delta: float
) -> tuple[Factors, Factors]:
    """Activity and share factors of a (rows,) output vector, and their zero flags.

    One region: Q and S_i = Q_i / Q.  Several (``regions`` = region index per row):
    Q, R_r = Q_r / Q and S_ri = Q_ri / Q_r.
    """
    big_q = q.sum()
    if regions is None:
        values = {"activity": np.full(q.shape, big_q), "structure": ratio_or_delta(q, big_q, delta)}
        return values, {"activity": np.zeros(q.shape, dtype=bool), "structure": q == 0}
    q_r = np.bincount(regions, weights=q)[regions]
    values = {
        "activity": np.full(q.shape, big_q),
        REGION_EFFECT: ratio_or_delta(q_r, big_q, delta),
        "structure": ratio_or_delta(q, q_r, delta),
    }
    flags = {
        "activity": np.zeros(q.shape, dtype=bool),
        REGION_EFFECT: q_r == 0,
        "structure": q == 0,
    }
    return values, flags


def energy_effect_names(multi_region: bool = False) -> tuple[str, ...]:
    """The factors of the sectoral identity in energy mode (with the region share)."""
    return ("activity", REGION_EFFECT, *ENERGY_EFFECTS[1:]) if multi_region else ENERGY_EFFECTS


def inventory_effect_names(multi_region: bool = False) -> tuple[str, ...]:
    """The factors of the sectoral identity in inventory mode (with the region share)."""
    return (
        ("activity", REGION_EFFECT, *INVENTORY_EFFECTS[1:]) if multi_region else INVENTORY_EFFECTS
    )


def _energy_factors(
    c: np.ndarray,
    e: np.ndarray,
    q: np.ndarray,
    delta: float,
    zero_limits: bool,
    regions: np.ndarray | None = None,
) -> tuple[Factors, Factors]:
    """Factors Q, (R_r,) S_i, I_i, M_ij, U_ij of one year (and C_ij for the weights).

    Pure small-value strategy (``zero_limits=False``): zeros in the data are replaced
    by delta and all factors are computed from the substituted data.  With limits,
    totals come from the raw data and delta only replaces factors that are zero or
    undefined; those belong to cells that receive their analytical limit, so delta
    never reaches a reported number.  Returns the factors and their zero flags.
    """
    shape = c.shape
    if not zero_limits:
        c, e, q = substitute(c, delta), substitute(e, delta), substitute(q, delta)
    e_i = e.sum(axis=1)
    shares, share_flags = _share_factors(q, regions, delta)
    values = {"c": substitute(c, delta)}
    flags: Factors = {}
    for x, v in shares.items():
        values[x] = np.full(shape, v[0]) if x == "activity" else np.broadcast_to(v[:, None], shape)
        flags[x] = np.broadcast_to(share_flags[x][:, None], shape)
    values["intensity"] = np.broadcast_to(ratio_or_delta(e_i, q, delta)[:, None], shape)
    values["mix"] = ratio_or_delta(e, e_i[:, None], delta)
    values["emission_factor"] = ratio_or_delta(c, e, delta)
    flags["intensity"] = np.broadcast_to((e_i == 0)[:, None], shape)
    flags["mix"] = e == 0
    flags["emission_factor"] = np.ones(shape, dtype=bool)
    return values, flags


def _inventory_factors(
    c: np.ndarray, q: np.ndarray, delta: float, zero_limits: bool, regions: np.ndarray | None = None
) -> tuple[Factors, Factors]:
    """Factors Q, (R_r,) S_i, K_i = C_i / Q_i of one year (see ``_energy_factors``)."""
    if not zero_limits:
        c, q = substitute(c, delta), substitute(q, delta)
    values, flags = _share_factors(q, regions, delta)
    values["c"] = substitute(c, delta)
    values["emission_intensity"] = ratio_or_delta(c, q, delta)
    flags["emission_intensity"] = np.ones(c.shape, dtype=bool)
    return values, flags


def check_array(name: str, x: np.ndarray) -> None:
    """LMDI data must be finite and non-negative."""
    if not np.all(np.isfinite(x)):
        raise InputError(f"{name} contains missing or infinite values", fix="fill or drop them")
    if np.any(x < 0):
        raise InputError(f"{name} contains negative values", fix="LMDI needs values >= 0")


def _check_shapes(arrays: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> None:
    for name, x in arrays.items():
        if x.shape != shape:
            raise InputError(f"{name} has shape {x.shape}, expected {shape}")
        check_array(name, x)


def _check_year(c: np.ndarray, e: np.ndarray | None, q: np.ndarray, label: str) -> None:
    """The sectoral identity needs output > 0 in total and wherever there is CO2."""
    if q.sum() <= 0:
        raise InputError(f"total output is zero in the {label} year", fix="check the output data")
    if e is not None and np.any((c > 0) & (e == 0)):
        raise InputError(
            f"CO2 without energy use in the {label} year",
            fix="every sector/fuel with CO2 needs an energy value > 0",
        )
    c_rows = c.sum(axis=1) if c.ndim == 2 else c
    if np.any((c_rows > 0) & (q == 0)):
        raise InputError(
            f"a sector has CO2 but zero output in the {label} year", fix="check the output data"
        )


def _region_index(regions: Sequence[int] | np.ndarray | None, n: int) -> np.ndarray | None:
    """Region index per row, or None for one region (no region-share factor)."""
    if regions is None:
        return None
    idx = np.asarray(regions, dtype=np.int64)
    if idx.shape != (n,) or np.any(idx < 0):
        raise InputError(f"regions must give a region index >= 0 for each of the {n} rows")
    return idx if np.unique(idx).size > 1 else None


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
    regions: Sequence[int] | np.ndarray | None = None,
) -> Factors:
    """Additive LMDI-I effects by cell (row x fuel) for one period, energy mode.

    ``c*`` and ``e*`` are (rows x fuels) arrays of CO2 and energy, ``q*`` the row
    outputs, for the start (0) and end (t) year; a row is a sector (of a region).
    ``regions``: the region index of each row, for a multi-region decomposition with
    the region-share effect.  Returns one (rows x fuels) array per effect of
    ``energy_effect_names``; summed over all cells and effects they equal
    ct.sum() - c0.sum().
    """
    check_delta(delta)
    arrays = {
        name: np.asarray(x, dtype=float)
        for name, x in zip(("c0", "ct", "e0", "et"), (c0, ct, e0, et), strict=True)
    }
    q_arrays = {"q0": np.asarray(q0, dtype=float), "qt": np.asarray(qt, dtype=float)}
    shape = arrays["c0"].shape
    if len(shape) != 2:
        raise InputError("CO2 and energy must be (sectors x fuels) arrays")
    _check_shapes(arrays, shape)
    _check_shapes(q_arrays, (shape[0],))
    reg = _region_index(regions, shape[0])
    years = (
        (arrays["c0"], arrays["e0"], q_arrays["q0"], "start"),
        (arrays["ct"], arrays["et"], q_arrays["qt"], "end"),
    )
    for c, e, q, label in years:
        _check_year(c, e, q, label)
    (f0, z0), (ft, zt) = (_energy_factors(c, e, q, delta, zero_limits, reg) for c, e, q, _ in years)
    names = energy_effect_names(reg is not None)
    flags = (z0, zt) if zero_limits else None
    return cell_effects(arrays["c0"], arrays["ct"], f0, ft, names, flags)


def decompose_pair_inventory(
    c0: np.ndarray,
    ct: np.ndarray,
    q0: np.ndarray,
    qt: np.ndarray,
    *,
    delta: float = DEFAULT_DELTA,
    zero_limits: bool = True,
    regions: Sequence[int] | np.ndarray | None = None,
) -> Factors:
    """Additive LMDI-I effects by row for one period, inventory mode.

    Identity C = sum_i Q * S_i * K_i with K_i = C_i / Q_i (with R_r for several
    regions).  ``c*`` and ``q*`` are per-row CO2 and output.  Returns one per-row array
    per effect of ``inventory_effect_names``.
    """
    check_delta(delta)
    arrays = {
        name: np.asarray(x, dtype=float)
        for name, x in zip(("c0", "ct", "q0", "qt"), (c0, ct, q0, qt), strict=True)
    }
    n = arrays["c0"].shape
    if len(n) != 1:
        raise InputError("inventory-mode CO2 must be a per-sector vector")
    _check_shapes(arrays, n)
    reg = _region_index(regions, n[0])
    for c, q, label in ((arrays["c0"], arrays["q0"], "start"), (arrays["ct"], arrays["qt"], "end")):
        _check_year(c, None, q, label)
    f0, z0 = _inventory_factors(arrays["c0"], arrays["q0"], delta, zero_limits, reg)
    ft, zt = _inventory_factors(arrays["ct"], arrays["qt"], delta, zero_limits, reg)
    names = inventory_effect_names(reg is not None)
    flags = (z0, zt) if zero_limits else None
    return cell_effects(arrays["c0"], arrays["ct"], f0, ft, names, flags)


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


def multiplicative(additive: np.ndarray, c0: np.ndarray, ct: np.ndarray) -> np.ndarray:
    """``multiplicative_from_additive`` element by element (same arithmetic, vectorised)."""
    out = np.full(additive.shape, np.nan)
    out[(c0 == 0) & (ct == 0)] = 1.0
    ok = (c0 > 0) & (ct > 0)
    if ok.any():
        out[ok] = np.exp(additive[ok] / logmean(ct[ok], c0[ok]))
    return out
