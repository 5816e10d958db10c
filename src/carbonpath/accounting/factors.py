"""Emission-factor sets: load, derive CO2 factors, apply a study's overrides.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
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
    def factor_unit(self) -> str:
        return f"t CO2/{self.physical_unit}"

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
class FactorSet:
    """A named factor set, possibly with a study's overrides applied."""

    name: str
    entries: dict[str, Fuel]
    overrides: tuple[dict[str, Any], ...] = field(default_factory=tuple)

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
        """One row per fuel with the source values and the derived factors."""
        rows = []
        for f in self.entries.values():
            rows.append(
                {
                    "fuel": f.fuel,
                    "label": f.label,
                    "ncv": f.ncv,
                    "ncv_unit": f.ncv_unit,
                    "physical_unit": f.physical_unit,
                    "carbon_content": f.carbon_content,
                    "carbon_content_unit": "tC/TJ",
                    "oxidation": f.oxidation,
                    "co2_factor": f.co2_per_unit,
                    "co2_factor_unit": f.factor_unit,
                    "tce_factor": f.tce_factor,
                    "tce_factor_unit": "kgce/kg" if f.physical_unit == "t" else "kgce/m3",
                    "co2_per_tce": f.co2_per_tce,
                    "co2_per_gj": f.co2_per_gj,
                    "ncv_lo": f.ncv_lo,
                    "ncv_hi": f.ncv_hi,
                    "cc_lo": f.cc_lo,
                    "cc_hi": f.cc_hi,
                    "factor_uncertainty_pct": (
                        None
                        if f.relative_uncertainty() is None
                        else 100.0 * f.relative_uncertainty()  # type: ignore[operator]
                    ),
                    "source": f.source,
                    "origin": f.origin,
                }
            )
        return pd.DataFrame(rows)


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


def _number(
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


def _validate_fuel(f: Fuel, *, file: str, row: int | None) -> Fuel:
    """Check one fuel's values (positive numbers, units that fit, ranges around the centre)."""
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
    return f


def _fuel_from_record(rec: dict[str, Any], *, file: str, row: int | None, origin: str) -> Fuel:
    fuel = str(rec["fuel"]).strip()
    nums = {
        c: _number(rec.get(c), column=c, fuel=fuel, file=file, row=row, where="") for c in NUMERIC
    }
    physical = str(rec.get("physical_unit") or "").strip()
    ncv_unit = str(rec.get("ncv_unit") or "").strip() or ("kJ/kg" if physical == "t" else "kJ/m3")
    f = Fuel(
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
    )
    return f


@lru_cache(maxsize=16)
def _load_cached(name: str) -> FactorSet:
    path = _data_dir() / f"{name}.csv"
    label = f"data/factors/{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)  # type: ignore[arg-type]
    entries: dict[str, Fuel] = {}
    for i, rec in enumerate(df.to_dict(orient="records")):
        f = _fuel_from_record(rec, file=label, row=i + 2, origin="set")
        for col in REQUIRED_NEW:
            if getattr(f, col) in (None, ""):
                raise StudyError(f"fuel '{f.fuel}' lacks {col}", file=label, row=i + 2, column=col)
        entries[f.fuel] = _validate_fuel(f, file=label, row=i + 2)
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


def apply_overrides(
    fs: FactorSet, override: pd.DataFrame | None, *, file: str = "factors.csv"
) -> FactorSet:
    """Apply a study's ``factors.csv`` rows to a factor set.

    A row for a known fuel replaces the columns it gives; a row for an unknown fuel adds
    that fuel and must give ncv, carbon_content, oxidation and physical_unit (else a
    StudyError naming file, row and column).  ``tce_factor`` of an added fuel defaults to
    NCV / 29,307.6 kJ per kgce.  The result lists every override.  ``override`` may
    carry ``file``/``line`` columns (as the study loader gives them) for locations.
    """
    if override is None or len(override) == 0:
        return fs
    if "fuel" not in override.columns:
        raise StudyError("has no 'fuel' column", file=file, fix="the first column must be fuel")
    unknown_cols = [c for c in override.columns if c not in COLUMNS and c not in ("file", "line")]
    if unknown_cols:
        from carbonpath.core.errors import suggest

        bad = unknown_cols[0]
        raise StudyError(
            f"unknown column '{bad}'{suggest(bad, COLUMNS)}",
            file=file,
            column=bad,
            fix=f"columns are {', '.join(COLUMNS)}",
        )
    entries = dict(fs.entries)
    log: list[dict[str, Any]] = list(fs.overrides)
    for i, rec in enumerate(override.to_dict(orient="records")):
        src_file = str(rec.get("file") or file)
        row = int(rec["line"]) if rec.get("line") is not None and "line" in rec else i + 2
        fuel = str(rec.get("fuel") or "").strip()
        if not fuel:
            raise StudyError("fuel is empty", file=src_file, row=row, column="fuel")
        given = {
            c: rec[c]
            for c in COLUMNS
            if c != "fuel"
            and c in rec
            and rec[c] is not None
            and not (isinstance(rec[c], float) and math.isnan(rec[c]))
            and str(rec[c]).strip() != ""
        }
        if fuel in entries:
            base = entries[fuel]
            changes: dict[str, Any] = {}
            for c, v in given.items():
                if c in NUMERIC:
                    changes[c] = _number(v, column=c, fuel=fuel, file=src_file, row=row, where="")
                else:
                    changes[c] = str(v).strip()
            if "physical_unit" in changes and "ncv_unit" not in changes:
                changes["ncv_unit"] = "kJ/kg" if changes["physical_unit"] == "t" else "kJ/m3"
                if "ncv" not in changes:
                    raise StudyError(
                        f"fuel '{fuel}': changing physical_unit needs the ncv in the new unit",
                        file=src_file,
                        row=row,
                        column="ncv",
                    )
            changes["origin"] = "override"
            if "source" not in changes:
                changes["source"] = f"{base.source} (overridden in {src_file}: {', '.join(given)})"
            new = replace(base, **changes)
            entries[fuel] = _validate_fuel(new, file=src_file, row=row)
            log.append(
                {
                    "fuel": fuel,
                    "action": "override",
                    "columns": sorted(given),
                    "file": src_file,
                    "row": row,
                }
            )
        else:
            for col in REQUIRED_NEW:
                if col not in given:
                    raise StudyError(
                        f"new fuel '{fuel}' needs {col} (it is not in factor set '{fs.name}')",
                        file=src_file,
                        row=row,
                        column=col,
                        fix="give ncv, ncv_unit, physical_unit, carbon_content and oxidation",
                    )
            f = _fuel_from_record({"fuel": fuel, **given}, file=src_file, row=row, origin="added")
            if not f.source:
                f = replace(f, source=f"{src_file} row {row}")
            f = _validate_fuel(f, file=src_file, row=row)
            if f.tce_factor is None:
                per_unit_gj = f.ncv_gj_per_unit
                scale = 1.0 if f.physical_unit == "t" else 1000.0
                f = replace(
                    f,
                    tce_factor=per_unit_gj / TCE_GJ * scale,
                    source=f"{f.source}; tce_factor derived as NCV / 29307.6",
                )
            entries[fuel] = f
            log.append(
                {
                    "fuel": fuel,
                    "action": "add",
                    "columns": sorted(given),
                    "file": src_file,
                    "row": row,
                }
            )
    return FactorSet(name=fs.name, entries=entries, overrides=tuple(log))


def resolve_factor_set(name: str, override: pd.DataFrame | None = None) -> FactorSet:
    """Load a set by name and apply a study's overrides (the study-level entry point)."""
    return apply_overrides(load_factor_set(name), override)


def factor_arrays(fs: FactorSet, fuels: list[str]) -> dict[str, np.ndarray]:
    """Per-fuel arrays (co2 per physical unit, per GJ, tce per unit) for vectorised use."""
    entries = [fs.get(f) for f in fuels]
    return {
        "co2_per_unit": np.array([e.co2_per_unit for e in entries], dtype=float),
        "co2_per_gj": np.array(
            [np.nan if e.co2_per_gj is None else e.co2_per_gj for e in entries], dtype=float
        ),
        "tce_per_unit": np.array(
            [np.nan if e.tce_per_unit is None else e.tce_per_unit for e in entries], dtype=float
        ),
    }
