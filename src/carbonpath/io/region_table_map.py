"""The mapping file of ``carbonpath import-table``: which column holds what (typed, pydantic).

A country or region table as statistical offices and data portals publish it has one
row per region and year and one column per variable.  The mapping (a small TOML file,
docs/data-import.md) names the region and year columns and, for each column to keep,
the variable (economy.csv), the fuel whose use it is (energy.csv) or the fuel whose CO2
it is (emissions.csv), with its unit.  Errors are one line with the key path, e.g.
``map.toml, key 'economy."GDP".unit': ...``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from carbonpath.core.errors import InputError
from carbonpath.core.settings import Pair, SettingError, SettingsModel
from carbonpath.core.units import parse_unit

__all__ = ["Columns", "EconomyColumn", "FuelColumn", "TableMap"]

_SNAKE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _snake(value: Any) -> Any:
    if not isinstance(value, str) or not _SNAKE.match(value):
        raise SettingError(
            f"must be a name in lower_snake_case, got {value!r:.60}",
            "use letters, digits and '_' starting with a letter (e.g. gdp, natural_gas)",
        )
    return value


def _unit(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        parse_unit(value)
    except InputError as exc:
        raise SettingError(exc.message, exc.fix) from None
    return value


Name = Annotated[str, BeforeValidator(_snake)]
Unit = Annotated[str, BeforeValidator(_unit)]
Label = Annotated[str, Field(min_length=1, max_length=200)]


class Columns(SettingsModel):
    """``[columns]``: the headers of the region, year and optional label columns."""

    region: Label
    year: Label
    name: Label | None = None
    name_zh: Label | None = None
    group: Label | None = None


class EconomyColumn(SettingsModel):
    """A column of economy.csv: ``{ variable = "gdp", unit = "billion USD" }``."""

    variable: Name
    unit: Unit


class FuelColumn(SettingsModel):
    """A column of energy.csv (fuel use) or emissions.csv (CO2 of a fuel)."""

    fuel: Name
    unit: Unit


class TableMap(SettingsModel):
    """The whole mapping file."""

    title: Annotated[str, Field(max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    sheet: str | int | None = None
    header_row: Annotated[int, Field(ge=1, le=1000)] = 1
    years: Pair | None = None
    missing: tuple[Annotated[str, Field(max_length=20)], ...] = ()
    columns: Columns
    economy: dict[Label, EconomyColumn] = {}
    energy: dict[Label, FuelColumn] = {}
    emissions: dict[Label, FuelColumn] = {}

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("missing"), list):
            data = {**data, "missing": tuple(data["missing"])}
        return data

    @model_validator(mode="after")
    def _tables(self) -> TableMap:
        if not (self.economy or self.energy or self.emissions):
            raise SettingError(
                "maps no column",
                "add an [economy], [energy] or [emissions] table: column label -> "
                '{ variable = "...", unit = "..." } or { fuel = "...", unit = "..." }',
            )
        if self.energy and self.emissions:
            raise SettingError(
                "maps both [energy] and [emissions]",
                "keep one: energy (CO2 computed with a factor set) or emissions (CO2 as published)",
            )
        for what, table in (("energy", self.energy), ("emissions", self.emissions)):
            dims = ("mass",) if what == "emissions" else ("mass", "volume", "energy")
            for label, col in table.items():
                if parse_unit(col.unit).dimension not in dims:
                    raise SettingError(
                        f"unit '{col.unit}' of column '{label}' is not a {' or '.join(dims)}",
                        "give the unit the column is in, e.g. Mt CO2 (emissions) or Mt, EJ (energy)",
                    )
        if self.years is not None and self.years[0] > self.years[1]:
            raise SettingError(f"years {list(self.years)} run backwards", "write [first, last]")
        return self

    def mapped(self) -> list[tuple[str, str, str, str]]:
        """``(column label, table, variable or fuel, unit)`` for every mapped column."""
        out = [(lab, "economy", c.variable, c.unit) for lab, c in self.economy.items()]
        out += [(lab, "energy", c.fuel, c.unit) for lab, c in self.energy.items()]
        out += [(lab, "emissions", c.fuel, c.unit) for lab, c in self.emissions.items()]
        return out
