"""Read the CEADs 290-city workbook into a region-level panel study (regions = cities).

``The_Emission_Inventories_for_290_Chinese_Cities_from_1997_to_2019.xlsx`` (CEADs,
ceads.net; Shan et al. 2018, 2020, Guan et al. 2021) holds city totals of CO2, no
sectors or fuels: a ``NOTE`` sheet (its ``Unit/单位`` row says ``million tones
百万吨``), ``emission vector`` (long: ``ID, city, year, emission``) and ``emission
matrix`` (wide: one row per city, one column per year).  City labels are Chinese with
the province first (``安徽安庆``; a municipality is its own label, ``北京``).

``carbonpath import-ceads`` recognises the workbook by these sheets (one command for
everything from CEADs).  The study written:

- ``regions.csv``: ``code`` = ``name`` = the CEADs label (unique; Chinese kept),
  ``name_zh`` = the city without its province, ``group`` = the province's code as in
  the provincial import (``Anhui``, ``InnerMongolia``), so ``regiongroup:Anhui`` sums a
  province's cities;
- ``emissions.csv``: ``region,year,sector,fuel,value,unit`` with ``sector`` empty (a
  region-level study: no sectors.csv), ``fuel = total`` and the workbook's number as
  written, unit ``Mt CO2``; only the city-years the workbook has (the panel stays
  unbalanced, gaps are not filled);
- ``economy.csv`` (header only) and study.toml with commented analysis templates.

The long sheet is read; every value is checked against the wide sheet, so a workbook
whose two sheets disagree is refused instead of imported half-right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import parse_unit
from carbonpath.io.ceads_regions import PROVINCES, split_city
from carbonpath.io.study_writer import analysis_templates, csv_text, study_toml_header, toml_str
from carbonpath.io.tables import shown

__all__ = ["CityPanel", "import_ceads_cities", "is_city_workbook", "read_ceads_cities"]

VECTOR, MATRIX, NOTE = "emission vector", "emission matrix", "NOTE"
_ZH_TO_CODE = {zh: code for code, (_en, zh, _g) in PROVINCES.items()} | {"西藏": "Tibet"}


@dataclass(frozen=True)
class CityPanel:
    """The city totals: ``data`` = ``region, year, co2, line`` in the workbook's unit."""

    file: str
    unit: str  #: the unit written in the NOTE sheet (e.g. 百万吨)
    factor: float  #: the unit in t CO2
    data: pd.DataFrame
    regions: pd.DataFrame  #: code, name, name_zh, group


def _open(path: Path) -> Any:
    from carbonpath.io.workbook import open_workbook

    return open_workbook(Path(path), label=Path(path).name)


def is_city_workbook(path: Path) -> bool:
    """True for an .xlsx whose sheets are the city workbook's (``emission vector`` ...)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    with _open(path) as wb:
        return VECTOR in wb.sheetnames and MATRIX in wb.sheetnames


def _unit(wb: Any, file: str) -> tuple[str, float]:
    """The NOTE sheet's ``Unit/单位`` cell, parsed (``百万吨`` = Mt, taken as Mt CO2)."""
    for i, row in enumerate(wb.sheet(NOTE).iter_rows() if NOTE in wb.sheetnames else [], 1):
        if row and str(row[0] or "").lower().startswith("unit") and len(row) > 1:
            lines = [s.strip() for s in str(row[1] or "").splitlines() if s.strip()]
            for text in reversed(lines):  # the Chinese line (百万吨) parses; "million tones" not
                try:
                    parsed = parse_unit(text)
                except InputError:
                    continue
                if parsed.dimension == "mass":
                    return text, parsed.factor
            raise StudyError(
                f"unit '{shown(row[1])}' is not a mass",
                file=f"{file} (sheet {NOTE})",
                row=i,
                column="B",
                fix="give the CEADs city workbook unchanged (unit 百万吨 = Mt CO2)",
            )
    raise StudyError(
        "has no Unit/单位 row in its NOTE sheet",
        file=file,
        fix="give the CEADs city workbook unchanged (unit 百万吨 = Mt CO2)",
    )


def _number(value: Any, where: str, row: int, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StudyError(
            f"value '{shown(value)}' is not a number",
            file=where,
            row=row,
            column=column,
            fix="give the CEADs city workbook unchanged",
        )
    return float(value)


def _vector(rows: list[tuple[Any, ...]], where: str) -> pd.DataFrame:
    """The long sheet: ``region, year, co2, line``; a repeated city-year is an error."""
    header = [str(c or "").strip().lower() for c in rows[0]] if rows else []
    if header[:4] != ["id", "city", "year", "emission"]:
        raise StudyError(
            f"header {header[:4]} is not ID, city, year, emission",
            file=where,
            row=1,
            fix="give the CEADs city workbook unchanged",
        )
    out: dict[str, list[Any]] = {"region": [], "year": [], "co2": [], "line": []}
    seen: dict[tuple[str, int], int] = {}
    for line, r in enumerate(rows[1:], 2):
        if not any(c not in (None, "") for c in r):
            continue
        city = " ".join(str(r[1] or "").split())
        year = r[2] if len(r) > 2 else None
        if not city or isinstance(year, bool) or not isinstance(year, int):
            raise StudyError(
                f"city '{shown(city)}' / year '{shown(year)}' is not a city and a year",
                file=where,
                row=line,
                fix="give the CEADs city workbook unchanged",
            )
        if (city, year) in seen:
            raise StudyError(
                f"{city} {year} appears twice (also on row {seen[city, year]})",
                file=where,
                row=line,
            )
        seen[city, year] = line
        value = _number(r[3] if len(r) > 3 else None, where, line, "D")
        for k, v in zip(out, (city, year, value, line), strict=True):
            out[k].append(v)
    return pd.DataFrame(out)


def _check_matrix(data: pd.DataFrame, rows: list[tuple[Any, ...]], where: str) -> None:
    """Every filled cell of the wide sheet equals the long sheet's value, and back."""
    long = {
        (c, int(y)): v for c, y, v in zip(data["region"], data["year"], data["co2"], strict=True)
    }
    years = [int(str(c).strip()) if str(c or "").strip().isdigit() else None for c in rows[0]]
    wide = 0
    for line, r in enumerate(rows[1:], 2):
        city = " ".join(str(r[0] or "").split())
        for j, cell in enumerate(r[1:], 1):
            if cell in (None, "") or j >= len(years) or years[j] is None:
                continue
            wide += 1
            if long.get((city, years[j])) != _number(cell, where, line, str(rows[0][j])):
                raise StudyError(
                    f"{city} {years[j]}: {cell!r} differs from the '{VECTOR}' sheet "
                    f"({long.get((city, years[j]))!r})",
                    file=where,
                    row=line,
                    fix="the workbook's two sheets disagree; get a fresh copy from CEADs",
                )
    if wide != len(long):
        raise StudyError(
            f"holds {wide} values, the '{VECTOR}' sheet {len(long)}",
            file=where,
            fix="the workbook's two sheets disagree; get a fresh copy from CEADs",
        )


def _regions(cities: list[str]) -> pd.DataFrame:
    rows = []
    for city in cities:
        zh, short = split_city(city)
        rows.append((city, city, short, _ZH_TO_CODE.get(zh, "")))
    return pd.DataFrame(rows, columns=["code", "name", "name_zh", "group"])


def read_ceads_cities(path: Path, provinces: list[str] | None = None) -> CityPanel:
    """Read the city workbook; ``provinces`` (codes such as Anhui) keeps only their cities."""
    path = Path(path)
    with _open(path) as wb:
        for name in (VECTOR, MATRIX):
            if name not in wb.sheetnames:
                raise StudyError(
                    f"has no sheet '{name}'", file=path.name, fix="give the CEADs city workbook"
                )
        unit, factor = _unit(wb, path.name)
        data = _vector(list(wb.sheet(VECTOR).iter_rows()), f"{path.name} (sheet {VECTOR})")
        _check_matrix(data, list(wb.sheet(MATRIX).iter_rows()), f"{path.name} (sheet {MATRIX})")
    regions = _regions(list(dict.fromkeys(data["region"])))  # workbook order
    if provinces:
        regions = _keep_provinces(regions, provinces)
        data = data.loc[data["region"].isin(regions["code"])]
    order = {c: i for i, c in enumerate(regions["code"])}
    data = data.assign(_o=data["region"].map(order)).sort_values(["_o", "year"], kind="stable")
    data = data.drop(columns="_o").reset_index(drop=True)
    return CityPanel(path.name, unit, factor, data, regions.reset_index(drop=True))


def _keep_provinces(regions: pd.DataFrame, provinces: list[str]) -> pd.DataFrame:
    from carbonpath.core.errors import suggest

    wanted = [p.strip() for item in provinces for p in item.split(",") if p.strip()]
    if any(p.lower() == "all" for p in wanted):
        return regions
    keys = {g.lower().replace(" ", ""): g for g in regions["group"] if g}
    keys |= {zh: _ZH_TO_CODE[zh] for zh in _ZH_TO_CODE}
    groups = []
    for p in wanted:
        g = keys.get(p.lower().replace(" ", "")) or keys.get(p)
        if g is None:
            raise InputError(
                f"--province '{p}' has no city in the workbook{suggest(p, sorted(set(keys.values())))}",
                fix=f"use one of {', '.join(sorted(set(keys.values())))} or all",
            )
        groups.append(g)
    return regions.loc[regions["group"].isin(groups)]


def _write_cities(folder: Path, panel: CityPanel, seed: int) -> None:
    years = (int(panel.data["year"].min()), int(panel.data["year"].max()))
    n = len(panel.regions)
    title = f"{n} Chinese cities CO2 {years[0]}-{years[1]} (CEADs)"
    source = (
        "Source: CEADs city CO2 inventories (ceads.net), city totals; cite Shan et al.",
        "(2018), Sci. Data 5, 170201; Shan et al. (2020), Sci. Data 7, 54; Guan et al.",
        "(2021), Earth's Future 9, e2021EF002241.",
        f"Values as written in the workbook, unit {panel.unit} = Mt CO2; the panel is",
        "unbalanced (city-years the workbook lacks are not in emissions.csv).",
    )
    toml = [
        *study_toml_header("import-ceads", source, [panel.file]),
        f"title = {toml_str(title)}",
        f"region = {toml_str(f'{n} Chinese cities')}",
        f"description = {toml_str('Total CO2 of Chinese cities imported from CEADs (no sectors or fuels); regions are cities, grouped by province.')}",
        f"years = [{years[0]}, {years[1]}]",
        f"seed = {seed}",
        "",
        "[accounting]",
        'source = "inventory"',
        "",
        "# City totals carry no activity data (fuel use), so the IPCC uncertainty of",
        "# activity data and factors cannot be propagated: it is switched off.",
        "[accounting.uncertainty]",
        "enabled = false",
        "",
        *analysis_templates(True, region_level=True),
    ]
    (folder / "study.toml").write_text("\n".join(toml), encoding="utf-8")
    (folder / "regions.csv").write_text(
        csv_text(list(panel.regions.columns), panel.regions.itertuples(index=False)),
        encoding="utf-8",
    )
    d = panel.data
    rows = zip(d["region"], d["year"], [""] * len(d), ["total"] * len(d), d["co2"], strict=True)
    header = ["region", "year", "sector", "fuel", "value", "unit"]
    (folder / "emissions.csv").write_text(
        csv_text(header, ((*r, "Mt CO2") for r in rows)), encoding="utf-8"
    )
    (folder / "economy.csv").write_text("region,year,variable,value,unit\n", encoding="utf-8")


def import_ceads_cities(
    path: Path,
    out: Path,
    *,
    force: bool = False,
    provinces: list[str] | None = None,
    seed: int = 20240601,
) -> Path:
    """Write the city panel study into ``out`` (same folder rules as the provincial import)."""
    from carbonpath.io.ceads_study import write_folder

    panel = read_ceads_cities(Path(path), provinces)
    return write_folder(Path(out), lambda tmp: _write_cities(tmp, panel, seed), force=force)
