"""Declared identities: Kaya and user identities, decomposed with LMDI-I on tidy levels.

An identity writes the decomposed quantity (CO2 unless said otherwise) of each unit u
(a region, a sector, a region's sector) as a product of factors:

    Kaya:  C_u = P_u * (G_u / P_u) * (E_u / G_u) * (C_u / E_u)
                 population, affluence, energy intensity, carbon intensity of energy
    user:  C_u = X_1u * X_2u * ... * X_nu, each factor a variable ("gdp") or a ratio
           of two ("energy/gdp"); the first is the activity, a variable.

Over several units the activity is split into its total and the units' shares (a
structure effect, Ang 2015): with regions r and sectors s,

    C = sum_rs X_1 * (X_1r / X_1) * (X_1rs / X_1r) * X_2rs * ... * X_nrs

(``region_share`` = X_1r / X_1 when there are several regions and region_share is on,
``structure`` = the sector's share when units are sectors).  The product of the factors
must reproduce the quantity in every cell (relative tolerance ``IDENTITY_RTOL``); a cell
where it does not is an :class:`IdentityMismatchError` naming the cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, StudyError
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

#: relative tolerance of the identity check |prod_x X_x - C| <= IDENTITY_RTOL * C
IDENTITY_RTOL = 1e-6
#: factors a user identity may have (a bound of its own until core.limits has one)
MAX_FACTORS = 20
KEY_COLUMNS = ("region", "sector")
_NAME = r"[a-z][a-z0-9_]*"
_FACTOR = re.compile(rf"\s*({_NAME})\s*(?:/\s*({_NAME})\s*)?")
_RESERVED = (lmdi.REGION_EFFECT, "structure")


@dataclass(frozen=True)
class Factor:
    """A factor of an identity: ``numerator`` / ``denominator`` (or a variable alone)."""

    name: str
    numerator: str
    denominator: str | None = None

    @property
    def text(self) -> str:
        return (
            self.numerator if self.denominator is None else f"{self.numerator}/{self.denominator}"
        )


@dataclass(frozen=True)
class Identity:
    """A declared identity: ``sectoral`` (the sector x fuel form), ``kaya`` or ``user``."""

    kind: Literal["sectoral", "kaya", "user"]
    quantity: str = "co2"
    factors: tuple[Factor, ...] = ()

    def to_setting(self) -> str | list[str]:
        """The study.toml form: "sectoral", "kaya" or the list of factor texts."""
        return self.kind if self.kind != "user" else [f.text for f in self.factors]

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables the identity reads, in first-use order, then the quantity."""
        names: list[str] = []
        for f in self.factors:
            for v in (f.numerator, f.denominator):
                if v is not None and v not in names:
                    names.append(v)
        return (*names, *([self.quantity] if self.quantity not in names else []))


SECTORAL = Identity("sectoral")
KAYA = Identity(
    "kaya",
    "co2",
    (
        Factor("population", "population"),
        Factor("affluence", "gdp", "population"),
        Factor("energy_intensity", "energy", "gdp"),
        Factor("carbon_intensity", "co2", "energy"),
    ),
)


def user_identity(entries: Sequence[str], *, quantity: str = "co2") -> Identity:
    """A user identity from its factor texts: ``["gdp", "energy/gdp", "co2/energy"]``.

    The first factor is the activity (a variable, no ratio); the others are variables or
    ratios ``a/b`` of lower_snake_case variable names.  Each factor's effect is named by
    its text.
    """
    if not 2 <= len(entries) <= MAX_FACTORS:
        raise InputError(
            f"an identity needs 2 to {MAX_FACTORS} factors, got {len(entries)}",
            fix='e.g. identity = ["gdp", "energy/gdp", "co2/energy"]',
        )
    factors: list[Factor] = []
    for i, entry in enumerate(entries):
        m = _FACTOR.fullmatch(entry)
        if m is None:
            raise InputError(
                f"factor {entry!r} is not a variable or a ratio a/b of variables",
                fix='write factors such as "gdp" or "energy/gdp" (lower-case names)',
            )
        factor = Factor(m.group(0).replace(" ", ""), m.group(1), m.group(2))
        if i == 0 and factor.denominator is not None:
            raise InputError(
                f"the first factor {entry!r} must be a variable (the activity), not a ratio",
                fix='start with the activity, e.g. "gdp" or "population"',
            )
        if factor.name in _RESERVED or factor.name in (f.name for f in factors):
            raise InputError(f"factor {factor.name!r} is given twice or is a reserved name")
        factors.append(factor)
    return Identity("user", quantity, tuple(factors))


class IdentityMismatchError(StudyError):
    """The product of an identity's factors differs from the quantity in a cell."""

    def __init__(self, message: str, *, cell: dict[str, object]) -> None:
        self.cell = cell
        super().__init__(
            message,
            file="study.toml",
            key="decomposition.identity",
            fix="check the data of the identity's variables, or its factors",
        )


def _cell_text(keys: Sequence[str], unit: tuple[str, ...], year: int) -> str:
    parts = [f"{k} {v}" for k, v in zip(keys, unit, strict=True)]
    return ", ".join([*parts, f"year {year}"])


@dataclass(frozen=True)
class IdentityInputs:
    """The levels of ``decompose_identity``, validated and pivoted to (year x unit)."""

    identity: Identity
    keys: tuple[str, ...]
    units: list[tuple[str, ...]]
    pairs: list[tuple[int, int]]
    position: dict[int, int]
    levels: dict[str, np.ndarray]
    regions: np.ndarray | None
    split: bool

    @property
    def mode(self) -> str:
        return "kaya" if self.identity.kind == "kaya" else "identity"

    @property
    def quantity(self) -> str:
        return self.identity.quantity

    @property
    def effect_names(self) -> tuple[str, ...]:
        first, *rest = (f.name for f in self.identity.factors)
        shares = [lmdi.REGION_EFFECT] if self.regions is not None else []
        if self.split and "sector" in self.keys:
            shares.append("structure")
        return (first, *shares, *rest)

    @property
    def zero_columns(self) -> tuple[str, ...]:
        q = self.quantity
        return (
            "period_start",
            "period_end",
            *self.keys,
            f"{q}_start",
            f"{q}_end",
            "treatment",
            "assigned_to",
        )

    @property
    def notes(self) -> tuple[str, ...]:
        text = " * ".join(f.text for f in self.identity.factors)
        return (f"identity: {self.quantity} = {text} (checked to {IDENTITY_RTOL:g} in every cell)",)

    def factors(
        self, year: int, delta: float, zero_limits: bool
    ) -> tuple[lmdi.Factors, lmdi.Factors]:
        """The factor values of one year (zero or undefined -> delta) and their zero flags.

        The first factor X_1 becomes its total and the shares when ``split``:
        R_r = X_1r / X_1 (several regions), S_u = X_1u / X_1r (or X_1u / X_1).
        """
        pos = self.position[year]
        lv = {v: a[pos] for v, a in self.levels.items()}
        if not zero_limits:
            lv = {v: lmdi.substitute(a, delta) for v, a in lv.items()}
        first, *rest = self.identity.factors
        x1 = lv[first.numerator]
        n = x1.shape
        values: lmdi.Factors = {"c": lmdi.substitute(lv[self.quantity], delta)}
        flags: lmdi.Factors = {}
        if self.split:
            total = x1.sum()
            values[first.name], flags[first.name] = np.full(n, total), np.zeros(n, dtype=bool)
            base = np.full(n, total)
            if self.regions is not None:
                x1_r = np.bincount(self.regions, weights=x1)[self.regions]
                values[lmdi.REGION_EFFECT] = lmdi.ratio_or_delta(x1_r, total, delta)
                flags[lmdi.REGION_EFFECT] = x1_r == 0
                base = x1_r
            if "sector" in self.keys:
                values["structure"] = lmdi.ratio_or_delta(x1, base, delta)
                flags["structure"] = x1 == 0
        else:
            values[first.name], flags[first.name] = lmdi.ratio_or_delta(x1, 1.0, delta), x1 == 0
        for f in rest:
            den = lv[f.denominator] if f.denominator is not None else np.ones(n)
            values[f.name] = lmdi.ratio_or_delta(lv[f.numerator], den, delta)
            flags[f.name] = (lv[f.numerator] == 0) | (den == 0)
        return values, flags

    def period_effects(self, delta: float, zero_limits: bool) -> list[PeriodEffects]:
        """The LMDI-I effects of every period by unit."""
        treatment = "analytical limit" if zero_limits else f"small value {delta:g}"
        names = self.effect_names
        q = self.levels[self.quantity]
        out: list[PeriodEffects] = []
        for y0, y1 in self.pairs:
            c0, c1 = q[self.position[y0]], q[self.position[y1]]
            f0, z0 = self.factors(y0, delta, zero_limits)
            f1, z1 = self.factors(y1, delta, zero_limits)
            effects = lmdi.cell_effects(c0, c1, f0, f1, names, (z0, z1) if zero_limits else None)
            zero = [
                zero_rows(
                    (y0, y1),
                    dict(zip(self.keys, self.units[i], strict=True)),
                    (float(c0[i]), float(c1[i])),
                    treatment,
                    [x for x in names if effects[x][i] != 0],
                    self.quantity,
                )
                for i in np.nonzero((c0 == 0) != (c1 == 0))[0]
            ]
            out.append(PeriodEffects(y0, y1, effects, c0, c1, zero))
        return out


def _pivot(
    levels: pd.DataFrame, keys: list[str], variables: Sequence[str]
) -> tuple[list[tuple[str, ...]], list[int], dict[str, np.ndarray]]:
    """(year x unit) arrays of each variable; units and years sorted."""
    missing = [c for c in ("year", *variables) if c not in levels.columns]
    if missing:
        raise InputError(
            f"the levels table lacks columns {missing}", fix="give a column per variable"
        )
    tab = levels[["year", *keys, *variables]].copy()
    tab["year"] = tab["year"].astype(int)
    for k in keys:
        tab[k] = tab[k].astype(str)
    if tab.duplicated(subset=["year", *keys]).any():
        raise InputError(f"the levels table has duplicate {'/'.join(['year', *keys])} rows")
    units = sorted({tuple(r) for r in tab[keys].itertuples(index=False)}) if keys else [()]
    years = sorted(set(tab["year"]))
    full = pd.MultiIndex.from_product([years, range(len(units))], names=["year", "unit"])
    unit_of = {u: i for i, u in enumerate(units)}
    tab["unit"] = [unit_of[tuple(r)] for r in tab[keys].itertuples(index=False)] if keys else 0
    wide = tab.set_index(["year", "unit"]).reindex(full)
    arrays = {v: wide[v].to_numpy(dtype=float).reshape(len(years), len(units)) for v in variables}
    return units, years, arrays


def _check_levels(inputs: IdentityInputs, years: list[int]) -> None:
    """Complete, non-negative levels in the used years and the identity in every cell."""
    used = sorted({y for p in inputs.pairs for y in p})
    for v, arr in inputs.levels.items():
        for y in used:
            row = arr[inputs.position[y]]
            bad = np.nonzero(~np.isfinite(row) | (row < 0))[0]
            if bad.size:
                where = _cell_text(inputs.keys, inputs.units[bad[0]], y)
                raise InputError(
                    f"{v} is missing or negative in {where}",
                    fix="LMDI needs values >= 0 in every cell",
                )
    for y in used:
        _check_identity_year(inputs, y)


def _check_identity_year(inputs: IdentityInputs, year: int) -> None:
    """prod_x X_x = C to IDENTITY_RTOL where C > 0; a zero factor where C = 0."""
    pos = inputs.position[year]
    lv = {v: a[pos] for v, a in inputs.levels.items()}
    c = lv[inputs.quantity]
    prod = np.ones(c.shape)
    has_zero = np.zeros(c.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for f in inputs.identity.factors:
            num = lv[f.numerator]
            prod = prod * (num / lv[f.denominator] if f.denominator is not None else num)
            has_zero |= num == 0
    ok = np.where(c > 0, np.abs(prod - c) <= IDENTITY_RTOL * c, has_zero)
    if not ok.all():
        i = int(np.nonzero(~ok)[0][0])
        cell = dict(zip(inputs.keys, inputs.units[i], strict=True), year=year)
        raise IdentityMismatchError(
            f"the identity's product {prod[i]:.8g} differs from {inputs.quantity} {c[i]:.8g} in "
            f"{_cell_text(inputs.keys, inputs.units[i], year)} (relative tolerance {IDENTITY_RTOL:g})",
            cell=cell,
        )


def prepare_identity(
    levels: pd.DataFrame,
    identity: Identity,
    periods: PeriodRequest | Sequence[PeriodRequest],
    *,
    region_share: bool = True,
) -> IdentityInputs:
    """Validate and pivot ``levels`` for ``decompose_identity``."""
    if identity.kind == "sectoral":
        raise InputError(
            "the sectoral identity works on CO2, energy and output tables",
            fix="use sectoral.decompose",
        )
    keys = [k for k in KEY_COLUMNS if k in levels.columns]
    units, years, arrays = _pivot(levels, keys, identity.variables)
    regions = None
    if "region" in keys and region_share:
        codes = sorted({u[0] for u in units})
        if len(codes) > 1:
            regions = pd.Index(codes).get_indexer([u[0] for u in units]).astype(np.int64)
    split = len(units) > 1 and (regions is not None or "sector" in keys)
    inputs = IdentityInputs(
        identity=identity,
        keys=tuple(keys),
        units=units,
        pairs=resolve_periods(years, periods),
        position={y: i for i, y in enumerate(years)},
        levels=arrays,
        regions=regions,
        split=split,
    )
    _check_levels(inputs, years)
    if split:
        first = identity.factors[0].numerator
        for y in sorted({y for p in inputs.pairs for y in p}):
            if arrays[first][inputs.position[y]].sum() <= 0:
                raise InputError(f"the total of {first} is zero in {y}", fix="check the data")
    return inputs


def decompose_identity(
    levels: pd.DataFrame,
    identity: Identity,
    *,
    periods: PeriodRequest | Sequence[PeriodRequest] = "chained",
    delta: float = lmdi.DEFAULT_DELTA,
    zero_limits: bool = True,
    region_share: bool = True,
) -> LmdiResult:
    """LMDI-I of a Kaya or user identity from a tidy table of levels.

    ``levels``: ``year``, optional key columns ``region`` and/or ``sector`` (one row per
    unit and year) and a column per variable of the identity (Kaya: population, gdp,
    energy, co2).  Effects per unit, per total (see :mod:`.frames`) and period.
    """
    lmdi.check_delta(delta)
    inputs = prepare_identity(levels, identity, periods, region_share=region_share)
    return build_result(inputs, inputs.period_effects(delta, zero_limits), delta, zero_limits)


def identity_delta_sensitivity(
    levels: pd.DataFrame,
    identity: Identity,
    *,
    periods: PeriodRequest | Sequence[PeriodRequest] = "chained",
    deltas: Sequence[float] = lmdi.SENSITIVITY_DELTAS,
    zero_limits: bool = True,
    region_share: bool = True,
    tolerance: float = 1e-6,
) -> DeltaCheck:
    """``decompose_identity`` rerun for each delta (see :func:`.frames.compare_deltas`)."""
    inputs = prepare_identity(levels, identity, periods, region_share=region_share)
    return compare_deltas(inputs, deltas, zero_limits, tolerance)
