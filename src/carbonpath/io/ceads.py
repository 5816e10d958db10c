"""Read CEADs provincial CO2 inventories and turn them into an inventory-mode study.

CEADs (China Emission Accounts and Datasets, ceads.net; Shan et al. 2018, Sci. Data 5,
170201; Shan et al. 2020, Sci. Data 7, 54; Guan et al. 2021, Earth's Future 9,
e2021EF002241) publishes one workbook per year with a sheet per province
(``Beijing2019``): 47 sector rows plus a total row, by 17 fossil fuels, two scope-2
columns, ``Other_Energy``, ``Process`` (cement) and ``Scope_1_Total``, in Mt CO2.

The layout drifts between years (1997-2017: spaced headers such as ``Raw Coal`` and
``Total Consumption``, an empty first cell and unit row label; 2018-2019: ``Raw_Coal``,
``CleanedCoal``, ``TotalEmissions``, ``Emission_Inventory`` / ``unit``; Hunan 2017
mixes both), so nothing here relies on positions: the header row is the row whose
cells name fuels, headers and row labels are matched after normalisation (case,
spaces, underscores), sheets are found by name, and the unit row is parsed with
:func:`carbonpath.core.units.parse_unit` (Mt CO2 -> t).

Sector names map to GB/T 4754-2011 two-digit codes; CEADs keeps the pre-2011 list,
so ``Transportation Equipment`` is ``36+37`` and rubber / plastic products are the
three-digit groups ``291`` / ``292``.  Sectors outside manufacturing and mining get
section letters (``A``, ``E``) or stable ids (``transport_post``, ``urban`` ...).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import parse_unit
from carbonpath.io.tables import shown

#: CEADs sector name -> (code, Chinese GB/T 4754-2011 name, is manufacturing (section C))
SECTORS: dict[str, tuple[str, str, bool]] = {
    "Farming, Forestry, Animal Husbandry, Fishery and Water Conservancy": (
        "A",
        "农、林、牧、渔业及水利管理",
        False,
    ),
    "Coal Mining and Dressing": ("06", "煤炭开采和洗选业", False),
    "Petroleum and Natural Gas Extraction": ("07", "石油和天然气开采业", False),
    "Ferrous Metals Mining and Dressing": ("08", "黑色金属矿采选业", False),
    "Nonferrous Metals Mining and Dressing": ("09", "有色金属矿采选业", False),
    "Nonmetal Minerals Mining and Dressing": ("10", "非金属矿采选业", False),
    "Other Minerals Mining and Dressing": ("12", "其他采矿业", False),
    "Logging and Transport of Wood and Bamboo": ("022", "木材和竹材采运", False),
    "Food Processing": ("13", "农副食品加工业", True),
    "Food Production": ("14", "食品制造业", True),
    "Beverage Production": ("15", "酒、饮料和精制茶制造业", True),
    "Tobacco Processing": ("16", "烟草制品业", True),
    "Textile Industry": ("17", "纺织业", True),
    "Garments and Other Fiber Products": ("18", "纺织服装、服饰业", True),
    "Leather, Furs, Down and Related Products": ("19", "皮革、毛皮、羽毛及其制品和制鞋业", True),
    "Timber Processing, Bamboo, Cane, Palm Fiber & Straw Products": (
        "20",
        "木材加工和木、竹、藤、棕、草制品业",
        True,
    ),
    "Furniture Manufacturing": ("21", "家具制造业", True),
    "Papermaking and Paper Products": ("22", "造纸和纸制品业", True),
    "Printing and Record Medium Reproduction": ("23", "印刷和记录媒介复制业", True),
    "Cultural, Educational and Sports Articles": ("24", "文教、工美、体育和娱乐用品制造业", True),
    "Petroleum Processing and Coking": ("25", "石油加工、炼焦和核燃料加工业", True),
    "Raw Chemical Materials and Chemical Products": ("26", "化学原料和化学制品制造业", True),
    "Medical and Pharmaceutical Products": ("27", "医药制造业", True),
    "Chemical Fiber": ("28", "化学纤维制造业", True),
    "Rubber Products": ("291", "橡胶制品业", True),
    "Plastic Products": ("292", "塑料制品业", True),
    "Nonmetal Mineral Products": ("30", "非金属矿物制品业", True),
    "Smelting and Pressing of Ferrous Metals": ("31", "黑色金属冶炼和压延加工业", True),
    "Smelting and Pressing of Nonferrous Metals": ("32", "有色金属冶炼和压延加工业", True),
    "Metal Products": ("33", "金属制品业", True),
    "Ordinary Machinery": ("34", "通用设备制造业", True),
    "Equipment for Special Purposes": ("35", "专用设备制造业", True),
    "Transportation Equipment": (
        "36+37",
        "汽车制造业；铁路、船舶、航空航天和其他运输设备制造业",
        True,
    ),
    "Electric Equipment and Machinery": ("38", "电气机械和器材制造业", True),
    "Electronic and Telecommunications Equipment": ("39", "计算机、通信和其他电子设备制造业", True),
    "Instruments, Meters, Cultural and Office Machinery": ("40", "仪器仪表制造业", True),
    "Other Manufacturing Industry": ("41", "其他制造业", True),
    "Scrap and waste": ("42", "废弃资源综合利用业", True),
    "Production and Supply of Electric Power, Steam and Hot Water": (
        "44",
        "电力、热力生产和供应业",
        False,
    ),
    "Production and Supply of Gas": ("45", "燃气生产和供应业", False),
    "Production and Supply of Tap Water": ("46", "水的生产和供应业", False),
    "Construction": ("E", "建筑业", False),
    "Transportation, Storage, Post and Telecommunication Services": (
        "transport_post",
        "交通运输、仓储、邮政和电信业",
        False,
    ),
    "Wholesale, Retail Trade and Catering Services": (
        "trade_catering",
        "批发、零售业和住宿、餐饮业",
        False,
    ),
    "Others": ("other_services", "其他行业", False),
    "Urban": ("urban", "城镇居民生活", False),
    "Rural": ("rural", "乡村居民生活", False),
}

#: modern-manufacturing members of the reference paper (Table 4) -> group id
MODERN_GROUPS: dict[str, str] = {
    "26": "other",
    "27": "pharmaceuticals",
    "34": "electromechanical",
    "35": "electromechanical",
    "36+37": "transport",
    "38": "electromechanical",
    "39": "electronics",
    "40": "electromechanical",
}
GROUP_LABELS: dict[str, str] = {
    "electronics": "Electronics",
    "electromechanical": "Electromechanical",
    "transport": "Transportation equipment",
    "pharmaceuticals": "Pharmaceuticals",
    "other": "Other (chemicals)",
}

#: CEADs column header -> fuel id (scope-1 sources first, then the columns not imported)
FUELS: dict[str, str] = {
    "Raw Coal": "raw_coal",
    "Cleaned Coal": "cleaned_coal",
    "Other Washed Coal": "other_washed_coal",
    "Briquettes": "briquettes",
    "Coke": "coke",
    "Coke Oven Gas": "coke_oven_gas",
    "Other Gas": "other_gas",
    "Other Coking Products": "other_coking_products",
    "Crude Oil": "crude_oil",
    "Gasoline": "gasoline",
    "Kerosene": "kerosene",
    "Diesel Oil": "diesel_oil",
    "Fuel Oil": "fuel_oil",
    "LPG": "lpg",
    "Refinery Gas": "refinery_gas",
    "Other Petroleum Products": "other_petroleum_products",
    "Natural Gas": "natural_gas",
    "Process": "process",
    "Scope 2 Heat": "scope2_heat",
    "Scope 2 Electricity": "scope2_electricity",
    "Other Energy": "other_energy",
}
#: columns written to emissions.csv: the 17 fossil fuels and cement process (scope 1)
SCOPE1_FUELS: tuple[str, ...] = tuple(
    f for f in FUELS.values() if not f.startswith(("scope2", "other_energy"))
)
TOTAL_COLUMN = "Scope 1 Total"
TOTAL_ROW = "Total"  # matched on the normalised label prefix "total"

_YEAR = re.compile(r"^(?P<name>[A-Za-z_ ]+?)\s*(?P<year>(19|20)\d\d)$")


def _key(text: Any) -> str:
    """Normalised label: NFKC, lower case, without spaces, underscores, dashes or dots."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s_\-.]+", "", s)


_SECTOR_KEYS = {_key(name): name for name in SECTORS}
_FUEL_KEYS = {_key(name): fuel for name, fuel in FUELS.items()}


@dataclass(frozen=True)
class CeadsSheet:
    """One province-year sheet: the sector x source values and the sheet's own totals.

    ``data``: ``year, sector_name, sector, fuel, co2_t, file, row`` (one row per
    sector and source column, sources as in :data:`FUELS`).  ``total_row``: the sheet's
    total row by source (``fuel, co2_t``, including ``scope1_total``).
    ``total_column``: the ``Scope 1 Total`` column by sector (``sector_name, co2_t``).
    """

    file: str
    sheet: str
    province: str
    year: int
    data: pd.DataFrame
    total_row: pd.DataFrame
    total_column: pd.DataFrame


def _province_key(name: str) -> str:
    return _key(name)


def _open_workbook(path: Path) -> Any:
    """Open a workbook read-only; every failure becomes a one-line StudyError."""
    from carbonpath.io.files import locate_input
    from carbonpath.io.workbook import open_workbook

    if locate_input(path, label=path.name) is None:
        raise StudyError(
            "file is missing", file=str(path), fix="give the path of a CEADs .xlsx workbook"
        )
    return open_workbook(path, label=path.name)


def province_sheets(workbook: Any) -> dict[str, tuple[str, int]]:
    """Map normalised province name -> (sheet name, year) for a CEADs workbook."""
    out: dict[str, tuple[str, int]] = {}
    for name in workbook.sheetnames:
        m = _YEAR.match(name.strip())
        if m:
            out[_province_key(m.group("name"))] = (name, int(m.group("year")))
    return out


def _cell_value(value: Any, *, file: str, row: int, column: str) -> float:
    """A numeric cell in the sheet's unit; missing (empty, dash) -> NaN, never zero."""
    from carbonpath.io.tables import parse_number

    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise StudyError(f"value {value!r} is not a number", file=file, row=row, column=column)
    if isinstance(value, int | float):
        return float(value)
    parsed = parse_number(str(value), file=file, row=row, column=column)
    return math.nan if parsed is None else parsed


def _header_row(rows: list[tuple[Any, ...]], where: str) -> int:
    """0-based index of the first row (of the first 20) naming at least 3 fuels."""
    for i, r in enumerate(rows[:20]):
        if sum(1 for c in r[1:] if c is not None and _key(c) in _FUEL_KEYS) >= 3:
            return i
    raise StudyError(
        "has no header row naming fuels (Raw Coal, Coke, ...) in its first 20 rows",
        file=where,
        fix="give the CEADs provincial workbook unchanged",
    )


def _columns(header: tuple[Any, ...], where: str, line: int) -> tuple[dict[int, str], int]:
    """Column index -> fuel id, and the index of the Scope 1 Total column."""
    columns: dict[int, str] = {}
    total_col = None
    for j, cell in enumerate(header):
        if j == 0 or cell is None or str(cell).strip() == "":
            continue
        k = _key(cell)
        if k == _key(TOTAL_COLUMN):
            total_col = j
        elif k in _FUEL_KEYS:
            columns[j] = _FUEL_KEYS[k]
        else:
            raise StudyError(
                f"column header '{shown(cell)}' is not a CEADs fuel or total",
                file=where,
                row=line,
                column=shown(cell),
                fix=f"expected headers such as {', '.join(list(FUELS)[:4])} ... {TOTAL_COLUMN}",
            )
    missing = [name for name, fuel in FUELS.items() if fuel not in columns.values()]
    if missing or total_col is None:
        absent = missing + ([TOTAL_COLUMN] if total_col is None else [])
        raise StudyError(
            f"lacks column(s) {', '.join(absent)}",
            file=where,
            row=line,
            fix="give the CEADs provincial workbook unchanged",
        )
    return columns, total_col


def _unit_factors(
    unit_row: tuple[Any, ...], header: tuple[Any, ...], cols: list[int], where: str, line: int
) -> dict[int, float]:
    """Column index -> factor onto t CO2, from the unit row under the header (Mt CO2)."""
    if not any(isinstance(c, str) and c.strip() for c in unit_row[1:]):
        raise StudyError(
            "has no unit row under the header",
            file=where,
            row=line,
            fix="CEADs sheets give the unit (Mt CO2) in the row under the fuel names",
        )
    factors: dict[int, float] = {}
    for j in cols:
        text = unit_row[j] if j < len(unit_row) else None
        try:
            parsed = parse_unit(str(text or ""))
        except InputError as exc:
            raise StudyError(
                exc.message, file=where, row=line, column=shown(header[j]), fix=exc.fix
            ) from exc
        if parsed.dimension != "mass":
            raise StudyError(
                f"unit '{shown(text)}' is not a mass of CO2",
                file=where,
                row=line,
                column=shown(header[j]),
                fix="CEADs values are in Mt CO2",
            )
        factors[j] = parsed.factor
    return factors


def _sector_of(label: Any, r: tuple[Any, ...], where: str, line: int) -> str | None:
    """The CEADs sector name of a data row, "total" for the total row, None for a blank
    row; an unknown label or numbers without a label are errors."""
    if label is None or str(label).strip() == "":
        if any(c not in (None, "") for c in r[1:]):
            raise StudyError(
                "has numbers but no sector label",
                file=where,
                row=line,
                column="A",
                fix="give the CEADs provincial workbook unchanged",
            )
        return None
    text = " ".join(str(label).split())
    k = _key(text)
    if k.startswith("total"):
        return "total"
    if k not in _SECTOR_KEYS:
        raise StudyError(
            f"row label '{shown(text)}' is not a CEADs sector",
            file=where,
            row=line,
            column="A",
            fix="carbonpath maps the 47 CEADs sectors (see docs/data-import.md); "
            "give the workbook unchanged",
        )
    return _SECTOR_KEYS[k]


def _read_sheet(ws: Any, *, file: str, sheet: str, province: str, year: int) -> CeadsSheet:
    where = f"{file} (sheet {sheet})"
    rows = [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    header_idx = _header_row(rows, where)
    header = rows[header_idx]
    columns, total_col = _columns(header, where, header_idx + 1)
    unit_row = rows[header_idx + 1] if header_idx + 1 < len(rows) else ()
    factors = _unit_factors(unit_row, header, [*columns, total_col], where, header_idx + 2)
    data: dict[str, list[Any]] = {
        k: [] for k in ("year", "sector_name", "sector", "fuel", "co2_t", "file", "row")
    }
    total_row: dict[str, float] | None = None
    total_column: dict[str, list[Any]] = {"sector_name": [], "co2_t": []}
    seen: dict[str, int] = {}
    for i in range(header_idx + 2, len(rows)):
        r = rows[i]

        def value(j: int, line: int = i + 1, r: tuple = r) -> float:
            cell = r[j] if j < len(r) else None
            return _cell_value(cell, file=where, row=line, column=str(header[j])) * factors[j]

        name = _sector_of(r[0] if r else None, r, where, i + 1)
        if name is None:
            continue
        if name == "total":
            total_row = {fuel: value(j) for j, fuel in columns.items()}
            total_row["scope1_total"] = value(total_col)
            continue
        if name in seen:
            raise StudyError(
                f"sector '{name}' appears twice (also on row {seen[name]})",
                file=where,
                row=i + 1,
                column="A",
            )
        seen[name] = i + 1
        for j, fuel in columns.items():
            for k, v in zip(
                ("year", "sector_name", "sector", "fuel", "co2_t", "file", "row"),
                (year, name, SECTORS[name][0], fuel, value(j), file, i + 1),
                strict=True,
            ):
                data[k].append(v)
        total_column["sector_name"].append(name)
        total_column["co2_t"].append(value(total_col))
    absent = [n for n in SECTORS if n not in seen]
    if absent:
        raise StudyError(
            f"lacks sector row(s) {', '.join(absent[:3])}{' ...' if len(absent) > 3 else ''}",
            file=where,
            fix="give the CEADs provincial workbook unchanged",
        )
    if total_row is None:
        raise StudyError("has no total row", file=where, fix="give the CEADs workbook unchanged")
    tr = pd.DataFrame({"fuel": list(total_row), "co2_t": list(total_row.values())})
    return CeadsSheet(
        file=file,
        sheet=sheet,
        province=province,
        year=year,
        data=pd.DataFrame(data),
        total_row=tr,
        total_column=pd.DataFrame(total_column),
    )


def read_ceads_workbook(path: Path, provinces: list[str]) -> dict[str, CeadsSheet]:
    """Read the sheets of several provinces from one CEADs workbook (opened once).

    Returns ``{province as given: CeadsSheet}``.  A missing province is a
    :class:`StudyError` listing the provinces the workbook has.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        sheets = province_sheets(wb)
        if not sheets:
            raise StudyError(
                "has no province sheets (named like Beijing2019)",
                file=path.name,
                fix="give the CEADs 'Emission_Inventories_for_30_Provinces_YYYY.xlsx' workbooks",
            )
        out: dict[str, CeadsSheet] = {}
        for province in provinces:
            key = _province_key(province)
            if key not in sheets:
                from carbonpath.core.errors import suggest

                names = sorted(re.sub(r"\d+$", "", s) for s, _ in sheets.values())
                raise StudyError(
                    f"has no sheet for province '{province}'"
                    f"{suggest(province, names)}; provinces: {', '.join(names)}",
                    file=path.name,
                    fix="give --province as one of these names",
                )
            sheet, year = sheets[key]
            out[province] = _read_sheet(
                wb[sheet],
                file=path.name,
                sheet=sheet,
                province=re.sub(r"\d+$", "", sheet).strip(),
                year=year,
            )
        return out
    finally:
        wb.close()


def read_ceads_sheets(files: list[Path], province: str) -> list[CeadsSheet]:
    """Read one province's sheet from each workbook, sorted by year (years must differ)."""
    if not files:
        raise InputError("no CEADs workbook given", fix="give one or more .xlsx files")
    sheets = [read_ceads_workbook(Path(f), [province])[province] for f in files]
    return check_years(sheets)


def check_years(sheets: list[CeadsSheet]) -> list[CeadsSheet]:
    """Sort by year; refuse a year given twice or a gap between the years."""
    if not sheets:
        raise InputError("no CEADs sheet given", fix="give one or more .xlsx files")
    sheets = sorted(sheets, key=lambda s: s.year)
    for a, b in zip(sheets, sheets[1:], strict=False):
        if a.year == b.year:
            raise StudyError(
                f"holds year {b.year}, which {a.file} holds too",
                file=b.file,
                fix="give each year's workbook once",
            )
    years = [s.year for s in sheets]
    gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if gaps:
        raise InputError(
            f"the workbooks cover {years[0]}-{years[-1]} but not {', '.join(map(str, gaps))}",
            fix="give the workbook of every year in the range (a study's years are consecutive)",
        )
    return sheets


def read_ceads(files: list[Path], province: str) -> pd.DataFrame:
    """A province's CEADs inventory, all given years: ``year, sector_name, fuel, co2_t``.

    ``co2_t`` is in tonnes of CO2 (the workbooks' Mt CO2 x 10^6).  Extra columns:
    ``sector`` (the GB/T 4754 code or stable id, see :data:`SECTORS`), ``file``, ``row``
    (1-based spreadsheet row).  All source columns of :data:`FUELS` are returned,
    including the scope-2 and other-energy columns (zero in every published file).
    """
    sheets = read_ceads_sheets(files, province)
    return pd.concat([s.data for s in sheets], ignore_index=True)


# ---------------------------------------------------------------------------
# writing an inventory-mode study


def inventory_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Scope-1 rows for the study: the modern-manufacturing members and reference ``C``.

    ``C`` is the sum over every manufacturing sector (GB/T section C, codes 13-42) of
    each source, so shares of modern manufacturing in manufacturing CO2 can be formed.
    Returns ``year, sector, fuel, co2_t``.
    """
    d = data.loc[data["fuel"].isin(SCOPE1_FUELS)]
    manufacturing = {code for code, _zh, is_c in SECTORS.values() if is_c}
    members = d.loc[d["sector"].isin(MODERN_GROUPS), ["year", "sector", "fuel", "co2_t"]]
    ref = (
        d.loc[d["sector"].isin(manufacturing)]
        .groupby(["year", "fuel"], sort=False)["co2_t"]
        .sum(min_count=1)
        .reset_index()
    )
    ref.insert(1, "sector", "C")
    out = pd.concat([members, ref], ignore_index=True)
    out["_s"] = out["sector"].map({c: i for i, c in enumerate([*MODERN_GROUPS, "C"])})
    out["_f"] = out["fuel"].map({f: i for i, f in enumerate(SCOPE1_FUELS)})
    out = out.sort_values(["year", "_s", "_f"]).drop(columns=["_s", "_f"])
    return out.reset_index(drop=True)
