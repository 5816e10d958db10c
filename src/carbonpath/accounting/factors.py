"""Emission-factor sets: load a shipped set, validate its rows, derive the CO2 factors.

A factor set is a CSV shipped in ``carbonpath/data/factors/<name>.csv`` (see the README
there for sources).  Each row gives, per fuel, the net calorific value (NCV) per
physical unit, the carbon content per unit of heat (t C/TJ), the carbon oxidation rate
and the standard-coal conversion factor.  The CO2 factor is always *derived*
(GUIDE section 4, "Emission factors"; IPCC 2006 Vol. 2 Ch. 1 eq. 1.1 with Table 1.2/1.3):

    EF [t CO2 / physical unit] = NCV [GJ/unit] x C [t C/TJ] / 1000 x oxidation x 44/12

Units are kept explicit (the reference paper's eq. (1) mixes them):

- per physical unit (t CO2 per t, or per m3 for gases),
- per tce: EF / tce per unit, where tce per unit = tce_factor (kgce/kg = tce/t) for
  solids and liquids and tce_factor / 1000 for gases (kgce/m3),
- per GJ of coal equivalent: EF per tce / 29.3076 (1 tce = 29.3076 GJ).

A set's NCV and its tce factor are two published numbers that need not agree: the heat
content implied by the tce factor is ``tce_factor x 29,307.6 kJ``, and
``cn-provincial-2011`` prints fuel oil at 41,816 kJ/kg (10,000 kcal x 4.1816) with
1.4286 kgce/kg (41,869 kJ/kg).  Both are kept as published; :attr:`Fuel.tce_ncv_gap_pct`
and the set's ``note`` column state the gap, and :mod:`.emissions` makes a fuel's
energy the same whichever unit it was reported in (the physical quantity rules).
A study's own ``factors.csv`` is applied by :mod:`.overrides`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import TCE_GJ, parse_unit

#: 44/12: mass of CO2 per mass of carbon
CO2_PER_C = 44.0 / 12.0

COLUMNS = (
    "fuel",
    "label",
    "ncv",
    "ncv_unit",
    "physical_unit",
    "carbon_content",
    "oxidation",
    "tce_factor",
    "ncv_lo",
    "ncv_hi",
    "cc_lo",
    "cc_hi",
    "source",
)
#: a shipped set's file may add a ``note`` column (say what is known to be inconsistent)
SET_COLUMNS = (*COLUMNS, "note")
NUMERIC = ("ncv", "carbon_content", "oxidation", "tce_factor", "ncv_lo", "ncv_hi", "cc_lo", "cc_hi")
#: columns a new fuel in factors.csv must give
REQUIRED_NEW = ("ncv", "carbon_content", "oxidation", "physical_unit")
PHYSICAL_UNITS = {"t": "mass", "m3": "volume"}
#: energy carriers that are not combusted on site (scope 2 / not scope 1)
NON_COMBUSTION = ("electricity", "heat")
ADD_FUEL_HINT = (
    "add a row to the study's factors.csv with fuel,ncv,ncv_unit,physical_unit,"
    "carbon_content,oxidation (e.g. coke_oven_gas,17981,kJ/m3,m3,13.58,0.99)"
)
DEFAULT_SET = "cn-provincial-2011"


def ncv_to_gj_per_unit(ncv_unit: str) -> tuple[float, str]:
    """Multiplier turning an NCV in ``ncv_unit`` into GJ per canonical physical unit.

    ``kJ/kg`` -> 1e-3 (GJ per t), ``kJ/m3`` -> 1e-6 (GJ per m3), ``TJ/Gg`` -> 1.
    Returns ``(multiplier, physical_unit)`` with physical_unit ``t`` or ``m3``.
    """
    text = str(ncv_unit).strip()
    if text.count("/") != 1:
        raise InputError(
            f"NCV unit '{ncv_unit}' must be energy per mass or volume",
            fix="write e.g. kJ/kg, MJ/kg, TJ/Gg, kJ/m3 or MJ/m3",
        )
    num_text, den_text = (p.strip() for p in text.split("/"))
    num, den = parse_unit(num_text), parse_unit(den_text)
    if num.dimension != "energy" or den.dimension not in ("mass", "volume"):
        raise InputError(
            f"NCV unit '{ncv_unit}' must be energy per mass or volume",
            fix="write e.g. kJ/kg, MJ/kg, TJ/Gg, kJ/m3 or MJ/m3",
        )
    return num.factor / den.factor, den.canonical


def derive_co2_factor(ncv_gj_per_unit: float, carbon_content: float, oxidation: float) -> float:
    """CO2 factor in t CO2 per physical unit = NCV x C x oxidation x 44/12.

    ``ncv_gj_per_unit`` in GJ per t (or per m3); ``carbon_content`` in t C/TJ
    (= kg C/GJ, hence the /1000 to t C/GJ).
    """
    return ncv_gj_per_unit * carbon_content / 1000.0 * oxidation * CO2_PER_C


@dataclass(frozen=True)
class Fuel:
    """One fuel of a factor set (values as in the source; derived factors as properties)."""

    fuel: str
    label: str
    ncv: float
    ncv_unit: str
    physical_unit: str
    carbon_content: float
    oxidation: float
    tce_factor: float | None
    ncv_lo: float | None = None
    ncv_hi: float | None = None
    cc_lo: float | None = None
    cc_hi: float | None = None
    source: str = ""
    origin: str = "set"
    #: what the data file says about the row (e.g. an inconsistency of its sources)
    note: str = ""
    #: where the fuel's values were last set (shipped set file or factors.csv), for errors
    file: str = field(default="", compare=False)
    row: int | None = field(default=None, compare=False)

    @property
    def ncv_gj_per_unit(self) -> float:
        """NCV in GJ per t (solids, liquids) or per m3 (gases)."""
        mult, _ = ncv_to_gj_per_unit(self.ncv_unit)
        return self.ncv * mult

    @property
    def co2_per_unit(self) -> float:
        """t CO2 per t of fuel (or per m3 of gas)."""
        return derive_co2_factor(self.ncv_gj_per_unit, self.carbon_content, self.oxidation)

    @property
    def tce_per_unit(self) -> float | None:
        """tce per t (kgce/kg) or per m3 (kgce/m3 / 1000)."""
        if self.tce_factor is None:
            return None
        return self.tce_factor if self.physical_unit == "t" else self.tce_factor / 1000.0

    @property
    def co2_per_tce(self) -> float | None:
        """t CO2 per tce = physical factor / tce per physical unit."""
        tpu = self.tce_per_unit
        return None if tpu is None else self.co2_per_unit / tpu

    @property
    def co2_per_gj(self) -> float | None:
        """t CO2 per GJ of coal equivalent (energy given in tce and converted to GJ)."""
        per_tce = self.co2_per_tce
        return None if per_tce is None else per_tce / TCE_GJ

    @property
    def ncv_per_coal_equivalent(self) -> float | None:
        """GJ of heat (NCV) per GJ of coal equivalent = NCV / (tce per unit x 29.3076).

        1 for a tce factor derived from the NCV; fuel oil of ``cn-provincial-2011``:
        41.816 / (1.4286 x 29.3076) = 0.99874.
        """
        tpu = self.tce_per_unit
        return None if tpu is None else self.ncv_gj_per_unit / (tpu * TCE_GJ)

    @property
    def tce_ncv_gap_pct(self) -> float | None:
        """How far the heat implied by the tce factor is from the NCV, in %:
        (tce per unit x 29.3076 / NCV - 1) x 100 (fuel oil of ``cn-provincial-2011``:
        +0.126 %)."""
        ratio = self.ncv_per_coal_equivalent
        return None if ratio is None else (1.0 / ratio - 1.0) * 100.0

    @property
    def factor_unit(self) -> str:
        """Unit of :attr:`co2_per_unit`: t CO2 per t, or per m3."""
        return f"t CO2/{self.physical_unit}"

    @property
    def tce_factor_unit(self) -> str:
        """Unit of ``tce_factor``: kgce per kg, or per m3."""
        return "kgce/kg" if self.physical_unit == "t" else "kgce/m3"

    def record(self) -> dict[str, Any]:
        """The fuel's source values and derived factors, one table row."""
        rel = self.relative_uncertainty()
        return {
            "fuel": self.fuel,
            "label": self.label,
            "ncv": self.ncv,
            "ncv_unit": self.ncv_unit,
            "physical_unit": self.physical_unit,
            "carbon_content": self.carbon_content,
            "carbon_content_unit": "tC/TJ",
            "oxidation": self.oxidation,
            "co2_factor": self.co2_per_unit,
            "co2_factor_unit": self.factor_unit,
            "tce_factor": self.tce_factor,
            "tce_factor_unit": self.tce_factor_unit,
            "co2_per_tce": self.co2_per_tce,
            "co2_per_gj": self.co2_per_gj,
            "tce_ncv_gap_pct": self.tce_ncv_gap_pct,
            "ncv_lo": self.ncv_lo,
            "ncv_hi": self.ncv_hi,
            "cc_lo": self.cc_lo,
            "cc_hi": self.cc_hi,
            "factor_uncertainty_pct": None if rel is None else 100.0 * rel,
            "source": self.source,
            "origin": self.origin,
            "note": self.note,
        }

    def relative_uncertainty(self) -> float | None:
        """Half-width of the 95% range of the CO2 factor, fraction of the central value.

        Product rule (IPCC 2006 Vol. 1 eq. 3.1) over NCV and carbon content, each
        U = (hi - lo) / 2 / central.  ``None`` when the set gives no range.
        """
        parts = []
        if self.ncv_lo is not None and self.ncv_hi is not None:
            parts.append((self.ncv_hi - self.ncv_lo) / 2.0 / self.ncv)
        if self.cc_lo is not None and self.cc_hi is not None:
            parts.append((self.cc_hi - self.cc_lo) / 2.0 / self.carbon_content)
        if not parts:
            return None
        return math.sqrt(sum(p * p for p in parts))


@dataclass(frozen=True)
class FactorOverride:
    """One row of a study's factors.csv applied to a set: ``action`` is ``override``
    (columns of a known fuel replaced) or ``add`` (a new fuel)."""

    fuel: str
    action: str
    columns: tuple[str, ...]
    file: str
    row: int


@dataclass(frozen=True)
class FactorSet:
    """A named factor set, possibly with a study's overrides applied."""

    name: str
    entries: dict[str, Fuel]
    overrides: tuple[FactorOverride, ...] = field(default_factory=tuple)

    @property
    def fuels(self) -> tuple[str, ...]:
        """Fuel ids in the set's order."""
        return tuple(self.entries)

    def __contains__(self, fuel: object) -> bool:
        return fuel in self.entries

    def get(self, fuel: str) -> Fuel:
        """The fuel's entry; unknown fuel: InputError listing the known ones."""
        if fuel not in self.entries:
            raise unknown_fuel_error(fuel, self)
        return self.entries[fuel]

    def table(self) -> pd.DataFrame:
        """One row per fuel with the source values, the derived factors and the notes."""
        return pd.DataFrame([f.record() for f in self.entries.values()])


def unknown_fuel_error(fuel: str, fs: FactorSet) -> InputError:
    """InputError for a fuel the set does not know: lists the fuels and how to add one."""
    from carbonpath.core.errors import suggest

    known = ", ".join(fs.fuels)
    return InputError(
        f"fuel '{fuel}' is not in factor set '{fs.name}'{suggest(fuel, fs.fuels)}; "
        f"known fuels: {known} (electricity and heat are scope 2, not combustion)",
        fix=ADD_FUEL_HINT,
    )


def _data_dir() -> Any:
    return resources.files("carbonpath") / "data" / "factors"


def available_sets() -> list[str]:
    """Names of the factor sets shipped with carbonpath."""
    return sorted(p.name[: -len(".csv")] for p in _data_dir().iterdir() if p.name.endswith(".csv"))


def parse_number(
    value: Any, *, column: str, fuel: str, file: str, row: int | None, where: str
) -> float | None:
    """A numeric cell (None when empty); non-numbers are a located StudyError."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text == "":
            return None
        try:
            out = float(text)
        except ValueError:
            raise StudyError(
                f"fuel '{fuel}': {column} '{value}' is not a number",
                file=file,
                row=row,
                column=column,
                fix=f"write {column} as a plain number {where}",
            ) from None
    else:
        out = float(value)
    if not math.isfinite(out):
        raise StudyError(
            f"fuel '{fuel}': {column} is not finite", file=file, row=row, column=column
        )
    return out


def _check_positive(f: Fuel, *, file: str, row: int | None) -> None:
    """NCV, carbon content and oxidation > 0, oxidation <= 1, tce factor > 0."""
    for col in ("ncv", "carbon_content", "oxidation"):
        if getattr(f, col) <= 0:
            raise StudyError(
                f"fuel '{f.fuel}': {col} must be positive", file=file, row=row, column=col
            )
    if f.oxidation > 1.0:
        raise StudyError(
            f"fuel '{f.fuel}': oxidation {f.oxidation} is above 1",
            file=file,
            row=row,
            column="oxidation",
            fix="give the oxidation rate as a fraction, e.g. 0.98",
        )
    if f.tce_factor is not None and f.tce_factor <= 0:
        raise StudyError(
            f"fuel '{f.fuel}': tce_factor must be positive",
            file=file,
            row=row,
            column="tce_factor",
        )


def _check_units(f: Fuel, *, file: str, row: int | None) -> None:
    """physical_unit t or m3, and an NCV unit per that physical unit."""
    if f.physical_unit not in PHYSICAL_UNITS:
        raise StudyError(
            f"fuel '{f.fuel}': physical_unit '{f.physical_unit}' is not t or m3",
            file=file,
            row=row,
            column="physical_unit",
            fix="use t for solids and liquids, m3 for gases",
        )
    try:
        _, den = ncv_to_gj_per_unit(f.ncv_unit)
    except InputError as exc:
        raise StudyError(
            f"fuel '{f.fuel}': {exc.message}", file=file, row=row, column="ncv_unit", fix=exc.fix
        ) from exc
    if den != f.physical_unit:
        raise StudyError(
            f"fuel '{f.fuel}': ncv_unit '{f.ncv_unit}' is per {den} but physical_unit is "
            f"{f.physical_unit}",
            file=file,
            row=row,
            column="ncv_unit",
            fix="give the NCV per the physical unit (kJ/kg with t, kJ/m3 with m3)",
        )


def _check_ranges(f: Fuel, *, file: str, row: int | None) -> None:
    """Both bounds of a 95% range or neither, and the range brackets the central value."""
    for lo_c, hi_c, centre in (("ncv_lo", "ncv_hi", f.ncv), ("cc_lo", "cc_hi", f.carbon_content)):
        lo, hi = getattr(f, lo_c), getattr(f, hi_c)
        if (lo is None) != (hi is None):
            raise StudyError(
                f"fuel '{f.fuel}': give both {lo_c} and {hi_c} or neither",
                file=file,
                row=row,
                column=lo_c if lo is None else hi_c,
            )
        if lo is not None and not (lo <= centre <= hi):
            raise StudyError(
                f"fuel '{f.fuel}': range {lo}-{hi} does not contain the central value {centre}",
                file=file,
                row=row,
                column=lo_c,
                fix="the 95% range must bracket the central value",
            )


def _most_extreme(f: Fuel, columns: tuple[str, ...]) -> str:
    """The column whose (positive) value is furthest from 1 in orders of magnitude: the
    one to name when their product is not a usable number."""
    return max(columns, key=lambda c: abs(math.log10(getattr(f, c))))


def _check_derived(f: Fuel, *, file: str, row: int | None) -> None:
    """The derived factors must be finite positive numbers (no overflow, no underflow):
    EF per unit from NCV x C x oxidation, per tce and per GJ through the tce factor."""
    checks = [("co2_per_unit", _most_extreme(f, ("ncv", "carbon_content", "oxidation")))]
    if f.tce_factor is not None:
        checks += [("co2_per_tce", "tce_factor"), ("co2_per_gj", "tce_factor")]
    for name, column in checks:
        value = getattr(f, name)
        if not (math.isfinite(value) and value > 0):
            raise StudyError(
                f"fuel '{f.fuel}': {column} {getattr(f, column)!r} gives a CO2 factor "
                f"({name.replace('_', ' ')}) of {value!r}, which is not a usable number",
                file=file,
                row=row,
                column=column,
                fix=f"give {column} in its documented unit (`carbonpath factors` shows them)",
            )


def validate_fuel(f: Fuel, *, file: str, row: int | None) -> Fuel:
    """Check one fuel's values (positive numbers, units that fit, ranges around the
    centre, finite derived factors) and remember where they came from."""
    _check_positive(f, file=file, row=row)
    _check_units(f, file=file, row=row)
    _check_ranges(f, file=file, row=row)
    _check_derived(f, file=file, row=row)
    return replace(f, file=file, row=row)


def fuel_from_record(rec: Mapping[str, Any], *, file: str, row: int | None, origin: str) -> Fuel:
    fuel = str(rec["fuel"]).strip()
    nums = {
        c: parse_number(rec.get(c), column=c, fuel=fuel, file=file, row=row, where="")
        for c in NUMERIC
    }
    physical = str(rec.get("physical_unit") or "").strip()
    ncv_unit = str(rec.get("ncv_unit") or "").strip() or ("kJ/kg" if physical == "t" else "kJ/m3")
    return Fuel(
        fuel=fuel,
        label=str(rec.get("label") or fuel),
        ncv=nums["ncv"],  # type: ignore[arg-type]
        ncv_unit=ncv_unit,
        physical_unit=physical,
        carbon_content=nums["carbon_content"],  # type: ignore[arg-type]
        oxidation=nums["oxidation"],  # type: ignore[arg-type]
        tce_factor=nums["tce_factor"],
        ncv_lo=nums["ncv_lo"],
        ncv_hi=nums["ncv_hi"],
        cc_lo=nums["cc_lo"],
        cc_hi=nums["cc_hi"],
        source=str(rec.get("source") or ""),
        origin=origin,
        note=str(rec.get("note") or ""),
    )


@lru_cache(maxsize=16)
def _load_cached(name: str) -> FactorSet:
    path = _data_dir() / f"{name}.csv"
    label = f"data/factors/{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)  # type: ignore[arg-type]
    entries: dict[str, Fuel] = {}
    for i, rec in enumerate(df.to_dict(orient="records")):
        f = fuel_from_record(rec, file=label, row=i + 2, origin="set")
        for col in REQUIRED_NEW:
            if getattr(f, col) in (None, ""):
                raise StudyError(f"fuel '{f.fuel}' lacks {col}", file=label, row=i + 2, column=col)
        entries[f.fuel] = validate_fuel(f, file=label, row=i + 2)
    return FactorSet(name=name, entries=entries)


def load_factor_set(name: str = DEFAULT_SET) -> FactorSet:
    """Load a shipped factor set by name (``carbonpath factors`` lists them)."""
    sets = available_sets()
    if name not in sets:
        from carbonpath.core.errors import suggest

        raise InputError(
            f"unknown factor set '{name}'{suggest(name, sets)}",
            fix=f"choose one of {', '.join(sets)}",
        )
    return _load_cached(name)
