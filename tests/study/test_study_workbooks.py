"""Studies whose tables come from workbooks load to the same numbers as the CSV study.

The reference is the built-in study read from its CSV files: the same data written as
(a) a workbook with one sheet per table and (b) yearbook-style wide sheets (sectors as
rows, fuels as columns, one sheet per year, Chinese headers and units) must give
identical emissions.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

import carbonpath
from carbonpath.cli import main


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _emissions(study: Path | None) -> dict[tuple[int, str], float]:
    d = carbonpath.load_study(study).run(only=["emissions"]).to_dict()
    return {(r["year"], r["sector"]): r["co2_t"] for r in d["emissions"]["by_sector"]}


@pytest.fixture(scope="module")
def reference() -> dict[tuple[int, str], float]:
    return _emissions(None)


def test_tables_as_workbook_sheets(beijing_copy: Path, reference):
    wb = Workbook()
    wb.remove(wb.active)
    for name in ("energy", "economy"):
        ws = wb.create_sheet(name)
        for row in _rows(beijing_copy / f"{name}.csv"):
            ws.append([float(c) if name and c.replace(".", "", 1).isdigit() else c for c in row])
        (beijing_copy / f"{name}.csv").unlink()
    wb.save(beijing_copy / "data.xlsx")
    toml = (beijing_copy / "study.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        "[groups]",
        '[files]\nenergy = "data.xlsx#energy"\neconomy = "data.xlsx#economy"\n\n[groups]',
    )
    (beijing_copy / "study.toml").write_text(toml, encoding="utf-8")
    got = _emissions(beijing_copy)
    assert got.keys() == reference.keys()
    for key, value in reference.items():
        assert got[key] == pytest.approx(value, rel=1e-12)


FUELS_ZH = {
    "coal": ("原煤", "吨"),
    "gasoline": ("汽油", "吨"),
    "kerosene": ("煤油", "吨"),
    "diesel": ("柴油", "吨"),
    "fuel_oil": ("燃料油", "吨"),
    "lpg": ("液化石油气", "吨"),
    "natural_gas": ("天然气", "万立方米"),
    "electricity": ("电力", "万千瓦时"),
}


def test_yearbook_wide_sheets(beijing_copy: Path, reference, tmp_path: Path):
    rows = _rows(beijing_copy / "energy.csv")[1:]
    sectors = {r[0]: r[3] for r in _rows(beijing_copy / "sectors.csv")[1:]}  # code -> name_zh
    units_ok = {"t": "吨", "10^4 m^3": "万立方米", "10^4 kWh": "万千瓦时"}
    values: dict[tuple[str, str, str], str] = {}
    for year, sector, fuel, value, unit in rows:
        assert units_ok[unit] == FUELS_ZH[fuel][1]
        values[(year, sector, fuel)] = value
    years = sorted({r[0] for r in rows})
    codes = sorted({r[1] for r in rows})
    wb = Workbook()
    wb.remove(wb.active)
    for year in years:
        ws = wb.create_sheet(year)
        ws.append([f"{year}年 分行业能源消费量"])
        ws.append(["行业", *(FUELS_ZH[f][0] for f in FUELS_ZH)])
        ws.append(["单位", *(FUELS_ZH[f][1] for f in FUELS_ZH)])
        for code in codes:
            label = sectors[code] if sectors[code] else code
            ws.append(
                [
                    label,
                    *(
                        float(values[(year, code, f)]) if values[(year, code, f)] else None
                        for f in FUELS_ZH
                    ),
                ]
            )
        ws.append(["合计", *([0.0] * len(FUELS_ZH))])
    wb.save(beijing_copy / "energy_yearbook.xlsx")
    (beijing_copy / "energy.csv").unlink()
    row_map = "\n".join(f'"{(sectors[c] or c)}" = "{c}"' for c in codes)
    col_map = "\n".join(f'"{zh}" = "{f}"' for f, (zh, _) in FUELS_ZH.items())
    toml = (beijing_copy / "study.toml").read_text(encoding="utf-8")
    toml += f"""
[[yearbook]]
file = "energy_yearbook.xlsx"
sheet = "{{year}}"
table = "energy"
header_row = 2
unit_row = 3
label_column = "A"
ignore_rows = ["合计"]

[yearbook.rows]
{row_map}

[yearbook.columns]
{col_map}
"""
    (beijing_copy / "study.toml").write_text(toml, encoding="utf-8")
    got = _emissions(beijing_copy)
    assert got.keys() == reference.keys()
    diffs = [abs(got[k] / reference[k] - 1) for k in reference if reference[k]]
    assert np.max(diffs) < 1e-12

    # an unmapped row label in the block is a one-line error naming file and sheet
    wb2 = Workbook()
    wb2.remove(wb2.active)
    for year in years:
        ws = wb2.create_sheet(year)
        for r in wb[year].iter_rows(values_only=True):
            ws.append(list(r))
        ws.append(["未知行业", *([1.0] * len(FUELS_ZH))])
    wb2.save(beijing_copy / "energy_yearbook.xlsx")
    code = main(["run", str(beijing_copy), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2
