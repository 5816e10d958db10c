"""A study's own factors: the rows of its ``factors.csv`` applied to a factor set.

A row for a fuel of the set replaces the columns it gives (the others are kept); a row
for a new fuel adds it and must give ``ncv``, ``carbon_content``, ``oxidation`` and
``physical_unit`` (``ncv_unit`` defaults to kJ/kg or kJ/m3, ``tce_factor`` to
NCV / 29,307.6 kJ per kgce).  Every row is validated like a shipped one and recorded as
a :class:`~carbonpath.accounting.factors.FactorOverride`; problems are StudyErrors
naming the file, row and column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from carbonpath.accounting.factors import (
    COLUMNS,
    NUMERIC,
    REQUIRED_NEW,
    FactorOverride,
    FactorSet,
    Fuel,
    fuel_from_record,
    load_factor_set,
    parse_number,
    validate_fuel,
)
from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.units import TCE_GJ

__all__ = ["apply_overrides"]


def _check_override_columns(override: pd.DataFrame, file: str) -> None:
    """factors.csv has a ``fuel`` column and no column outside :data:`COLUMNS`."""
    if "fuel" not in override.columns:
        raise StudyError("has no 'fuel' column", file=file, fix="the first column must be fuel")
    unknown_cols = [c for c in override.columns if c not in COLUMNS and c not in ("file", "line")]
    if unknown_cols:
        bad = unknown_cols[0]
        raise StudyError(
            f"unknown column '{bad}'{suggest(bad, COLUMNS)}",
            file=file,
            column=bad,
            fix=f"columns are {', '.join(COLUMNS)}",
        )


def _given(rec: Mapping[str, Any]) -> dict[str, Any]:
    """The non-empty cells of a factors.csv row (without ``fuel``)."""
    out = {}
    for c in COLUMNS:
        v = rec.get(c)
        if c == "fuel" or v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if str(v).strip() != "":
            out[c] = v
    return out


#: columns whose change makes a set's note on the NCV / tce factor stale
_NOTE_COLUMNS = frozenset({"ncv", "ncv_unit", "physical_unit", "tce_factor"})


def _override_fuel(base: Fuel, given: dict[str, Any], *, file: str, row: int) -> Fuel:
    """A known fuel with the given columns replaced (validated, located at ``row``)."""
    changes: dict[str, Any] = {}
    for c, v in given.items():
        if c in NUMERIC:
            changes[c] = parse_number(v, column=c, fuel=base.fuel, file=file, row=row, where="")
        else:
            changes[c] = str(v).strip()
    if "physical_unit" in changes and "ncv_unit" not in changes:
        changes["ncv_unit"] = "kJ/kg" if changes["physical_unit"] == "t" else "kJ/m3"
        if "ncv" not in changes:
            raise StudyError(
                f"fuel '{base.fuel}': changing physical_unit needs the ncv in the new unit",
                file=file,
                row=row,
                column="ncv",
            )
    changes["origin"] = "override"
    if "source" not in changes:
        changes["source"] = f"{base.source} (overridden in {file}: {', '.join(given)})"
    if _NOTE_COLUMNS & set(given):
        changes["note"] = ""
    return validate_fuel(replace(base, **changes), file=file, row=row)


def _added_fuel(fuel: str, given: dict[str, Any], *, set_name: str, file: str, row: int) -> Fuel:
    """A new fuel from a factors.csv row; tce_factor defaults to NCV / 29,307.6 kJ/kgce."""
    for col in REQUIRED_NEW:
        if col not in given:
            raise StudyError(
                f"new fuel '{fuel}' needs {col} (it is not in factor set '{set_name}')",
                file=file,
                row=row,
                column=col,
                fix="give ncv, ncv_unit, physical_unit, carbon_content and oxidation",
            )
    f = fuel_from_record({"fuel": fuel, **given}, file=file, row=row, origin="added")
    if not f.source:
        f = replace(f, source=f"{file} row {row}")
    f = validate_fuel(f, file=file, row=row)
    if f.tce_factor is None:
        scale = 1.0 if f.physical_unit == "t" else 1000.0
        f = replace(
            f,
            tce_factor=f.ncv_gj_per_unit / TCE_GJ * scale,
            source=f"{f.source}; tce_factor derived as NCV / 29307.6",
        )
        f = validate_fuel(f, file=file, row=row)
    return f


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
    _check_override_columns(override, file)
    entries = dict(fs.entries)
    log: list[FactorOverride] = list(fs.overrides)
    for i, rec in enumerate(override.to_dict(orient="records")):
        src_file = str(rec.get("file") or file)
        row = int(rec["line"]) if rec.get("line") is not None and "line" in rec else i + 2
        fuel = str(rec.get("fuel") or "").strip()
        if not fuel:
            raise StudyError("fuel is empty", file=src_file, row=row, column="fuel")
        given = _given(rec)
        known = fuel in entries
        if known:
            entries[fuel] = _override_fuel(entries[fuel], given, file=src_file, row=row)
        else:
            entries[fuel] = _added_fuel(fuel, given, set_name=fs.name, file=src_file, row=row)
        action = "override" if known else "add"
        log.append(FactorOverride(fuel, action, tuple(sorted(given)), src_file, row))
    return FactorSet(name=fs.name, entries=entries, overrides=tuple(log))


def resolve_factor_set(name: str, override: pd.DataFrame | None = None) -> FactorSet:
    """Load a set by name and apply a study's overrides (the study-level entry point;
    a run resolves it once and hands the :class:`FactorSet` to every step)."""
    return apply_overrides(load_factor_set(name), override)
