"""``carbonpath import-table``: a country table + a mapping -> a region-level panel study.

Reference: the fixture table tests/io/data/countries.csv (made up for the tests and the
worked example in docs/data-import.md), its cells compared one by one.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonpath.cli import main
from carbonpath.core.errors import StudyError
from carbonpath.io.region_table import import_table
from tests.io.xlsx_build import build_xlsx

DATA = Path(__file__).parent / "data"
TABLE, MAP = DATA / "countries.csv", DATA / "countries_map.toml"
COLUMNS = {
    "Population (million)": ("economy", "population", "10^6 person"),
    "GDP (billion USD, 2015 prices)": ("economy", "gdp", "billion USD (2015 prices)"),
    "Primary energy (EJ)": ("economy", "energy_total", "EJ"),
    "CO2 coal (Mt)": ("emissions", "coal", "Mt CO2"),
    "CO2 oil (Mt)": ("emissions", "oil", "Mt CO2"),
    "CO2 gas (Mt)": ("emissions", "natural_gas", "Mt CO2"),
}


def _expected() -> dict[str, dict[tuple[str, int, str], tuple[float, str]]]:
    out: dict[str, dict] = {"economy": {}, "emissions": {}}
    with TABLE.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            for col, (table, key, unit) in COLUMNS.items():
                if rec[col] != "..":
                    value = float(rec[col].replace(",", ""))
                    out[table][rec["Country Code"], int(rec["Year"]), key] = (value, unit)
    return out


def _read(path: Path, key: str) -> dict[tuple[str, int, str], tuple[float, str]]:
    d = pd.read_csv(path, dtype={"region": str})
    return {
        (r.region, r.year, getattr(r, key)): (r.value, r.unit) for r in d.itertuples(index=False)
    }


def test_country_table_equals_the_cells(tmp_path: Path) -> None:
    out = import_table(TABLE, MAP, tmp_path / "s")
    expected = _expected()
    assert _read(out / "economy.csv", "variable") == expected["economy"]
    assert _read(out / "emissions.csv", "fuel") == expected["emissions"]
    assert len(expected["economy"]) == 23 and len(expected["emissions"]) == 23  # two '..'
    regions = pd.read_csv(out / "regions.csv", dtype=str, keep_default_na=False)
    assert regions[["code", "name", "group"]].values.tolist() == [
        ["ALP", "Alpha", "North"],
        ["BET", "Beta", "South"],
        ["GAM", "Gamma", "South"],
    ]
    assert not (out / "energy.csv").exists()
    from carbonpath import load_study

    study = load_study(out)
    assert study.is_panel and study.region_level and study.years == list(range(2018, 2021))
    econ = study.economy.set_index(["region", "year", "variable"])["value"]
    assert econ["GAM", 2019, "gdp"] == pytest.approx(1410.0e9, rel=1e-12)
    assert econ["ALP", 2018, "population"] == pytest.approx(10.5e6, rel=1e-12)
    inv = study.emissions_inventory.set_index(["region", "year", "fuel"])["co2_t"]
    assert inv["BET", 2019, "natural_gas"] == pytest.approx(3.1e6, rel=1e-12)
    assert ("BET", 2018, "natural_gas") not in inv.index  # '..' is missing, not zero


def test_xlsx_table_and_cli(tmp_path: Path, capsys) -> None:
    with TABLE.open(encoding="utf-8") as fh:
        rows: list[list[object]] = [next(csv.reader(fh))]
        for r in csv.reader(fh):
            rows.append(
                [*r[:3], int(r[3]), *(c if c == ".." else float(c.replace(",", "")) for c in r[4:])]
            )
    book = tmp_path / "countries.xlsx"
    book.write_bytes(build_xlsx({"Notes": [["about"]], "Data": [["Table 1"], *rows]}))
    mapping = tmp_path / "map.toml"
    text = 'sheet = "Data"\nheader_row = 2\n' + MAP.read_text(encoding="utf-8")
    mapping.write_text(text, encoding="utf-8")
    code = main(["import-table", str(book), "--map", str(mapping), "--out", str(tmp_path / "x")])
    assert code == 0, capsys.readouterr().err
    assert _read(tmp_path / "x" / "economy.csv", "variable") == _expected()["economy"]


def _bad(tmp_path: Path, toml: str | None = None, table: str | None = None) -> str:
    m, t = tmp_path / "m.toml", tmp_path / "t.csv"
    m.write_text(toml if toml is not None else MAP.read_text(encoding="utf-8"), encoding="utf-8")
    if table is None:
        shutil.copy(TABLE, t)
    else:
        t.write_text(table, encoding="utf-8")
    with pytest.raises(StudyError) as e:
        import_table(t, m, tmp_path / "out")
    return str(e.value)


def test_mapping_errors_name_the_key(tmp_path: Path) -> None:
    base = MAP.read_text(encoding="utf-8")
    msg = _bad(tmp_path, base.replace('unit = "EJ"', 'unit = "furlongs"'))
    assert "m.toml" in msg and "economy.Primary energy (EJ).unit" in msg
    msg = _bad(tmp_path, base.replace('year = "Year"', 'year = "Year"\nyaer = "x"'))
    assert "columns.yaer" in msg and "unknown key" in msg
    msg = _bad(tmp_path, base.replace('unit = "Mt CO2" }', 'unit = "EJ" }', 1))
    assert "is not a mass" in msg
    msg = _bad(tmp_path, base.replace('"CO2 oil (Mt)" =', '"CO2 petrol (Mt)" ='))
    assert "has no column 'CO2 petrol (Mt)'" in msg and "CO2 oil (Mt)" in msg
    msg = _bad(tmp_path, base.replace('variable = "gdp"', 'variable = "GDP"'))
    assert "lower_snake_case" in msg


def test_table_errors(tmp_path: Path) -> None:
    text = TABLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    msg = _bad(tmp_path, table="\n".join([*lines, lines[1]]) + "\n")
    assert "ALP year 2018 appears twice" in msg and "row 10" in msg
    msg = _bad(tmp_path, table=text.replace("Beta,BET,South,2019", "Beta,B T,South,2019"))
    assert "region code 'B T' is not a valid code" in msg and "row 6" in msg
    msg = _bad(tmp_path, table=text.replace("4.3,83.0", "4.3,83.0①"))
    assert "footnote mark" in msg and "row 6" in msg
    msg = _bad(tmp_path, table=text.replace("Beta,BET,South,2020", "Beta,BET,North,2020"))
    assert "region BET is named" in msg
