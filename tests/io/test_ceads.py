"""CEADs import on the real published workbooks in ../shared/data/ceads (read in place).

References: the sheets' own total rows and Scope 1 Total columns, and the known
problems listed in the data README (Beijing 2019 refinery gas, Beijing 2017 cement
process emissions, rubber = plastic).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError, StudyError
from carbonpath.io import ceads, ceads_study
from tests.conftest import CEADS

PROVINCES = ("Beijing", "Hunan", "InnerMongolia")  # Hunan 2017 has the odd header mix

pytestmark = pytest.mark.skipif(not CEADS.is_dir(), reason="CEADs data not available")


def _files() -> list[Path]:
    return sorted(p for p in CEADS.iterdir() if re.search(r"provinces_\d{4}\.xlsx$", p.name, re.I))


def _year(p: Path) -> int:
    return int(re.search(r"(\d{4})\.xlsx$", p.name).group(1))


@cache
def _workbook(path: Path) -> dict[str, ceads.CeadsSheet]:
    """Each workbook opened once for all three provinces (module-level cache)."""
    return ceads.read_ceads_workbook(path, list(PROVINCES))


def _sheets(province: str) -> list[ceads.CeadsSheet]:
    return sorted((_workbook(p)[province] for p in _files()), key=lambda s: s.year)


def test_every_year_is_there() -> None:
    years = sorted(_year(p) for p in _files())
    assert years == list(range(1997, 2020))


@pytest.mark.parametrize("province", PROVINCES)
def test_every_workbook_reads_and_totals_match(province: str) -> None:
    sheets = _sheets(province)
    assert [s.year for s in sheets] == list(range(1997, 2020))
    for s in sheets:
        d = s.data
        # 47 sectors x 21 source columns, values in t (Mt x 1e6), no missing cell
        assert d["sector_name"].nunique() == 47
        assert len(d) == 47 * 21
        assert d["co2_t"].notna().all()
        # the sheet's total row = sum over sectors of each source column
        by_fuel = d.groupby("fuel")["co2_t"].sum()
        tr = s.total_row.set_index("fuel")["co2_t"]
        for fuel, total in by_fuel.items():
            assert total == pytest.approx(tr[fuel], rel=1e-9, abs=1e-3), (s.sheet, fuel)
        # the sheet's Scope 1 Total column = sum over source columns of each sector
        by_sector = d.groupby("sector_name")["co2_t"].sum()
        tc = s.total_column.set_index("sector_name")["co2_t"]
        for name, total in by_sector.items():
            assert total == pytest.approx(tc[name], rel=1e-9, abs=1e-3), (s.sheet, name)
        # scope-2 and other-energy columns are zero (the inventories are scope 1)
        extra = d.loc[d["fuel"].isin(["scope2_heat", "scope2_electricity", "other_energy"])]
        assert (extra["co2_t"] == 0).all()
        assert tr["scope1_total"] == pytest.approx(tr[list(ceads.SCOPE1_FUELS)].sum(), rel=1e-9)


def test_unit_conversion_mt_to_t_against_the_cell() -> None:
    # Beijing 2016, Nonmetal Mineral Products, Process: 1.4828736800000002 Mt in the sheet
    s = next(x for x in _sheets("Beijing") if x.year == 2016)
    v = s.data.query("sector == '30' and fuel == 'process'")["co2_t"].item()
    assert v == pytest.approx(1.4828736800000002e6, rel=1e-12)


def test_sector_codes() -> None:
    codes = {name: code for name, (code, _zh, _c) in ceads.SECTORS.items()}
    assert codes["Transportation Equipment"] == "36+37"
    assert codes["Raw Chemical Materials and Chemical Products"] == "26"
    assert codes["Medical and Pharmaceutical Products"] == "27"
    assert codes["Ordinary Machinery"] == "34"
    assert codes["Equipment for Special Purposes"] == "35"
    assert codes["Electric Equipment and Machinery"] == "38"
    assert codes["Electronic and Telecommunications Equipment"] == "39"
    assert codes["Instruments, Meters, Cultural and Office Machinery"] == "40"
    assert len(set(codes.values())) == 47  # stable, unique ids


@pytest.mark.parametrize("province", PROVINCES)
def test_import_writes_inventory_study(province: str, tmp_path: Path) -> None:
    out = tmp_path / "study"
    ceads_study.write_inventory_study(_sheets(province), out)  # the sheets read above (cached)
    cfg = tomllib.loads((out / "study.toml").read_text(encoding="utf-8"))
    assert cfg["years"] == [1997, 2019]
    assert cfg["accounting"] == {"source": "inventory"}
    assert cfg["region"] == province
    sectors = pd.read_csv(out / "sectors.csv", dtype=str, keep_default_na=False)
    assert set(sectors.loc[sectors["role"] == "member", "code"]) == set(ceads.MODERN_GROUPS)
    assert sectors.loc[sectors["role"] == "reference", "code"].tolist() == ["C"]
    assert set(sectors.loc[sectors["role"] == "member", "group"]) <= set(cfg["groups"])
    em = pd.read_csv(out / "emissions.csv", dtype={"sector": str})
    assert (em["unit"] == "t CO2").all()
    assert len(em) == 23 * 9 * 18
    # reference C = sum over the manufacturing sectors (codes 13-42), per year, from
    # the sheets' own Scope 1 Total column
    manufacturing = [n for n, (_c, _z, is_c) in ceads.SECTORS.items() if is_c]
    assert len(manufacturing) == 30  # 13-28 (16), 291, 292 (2), 30-35, 36+37, 38-42 (12)
    for s in _sheets(province):
        tc = s.total_column.set_index("sector_name")["co2_t"]
        expect = float(tc[manufacturing].sum())
        got = em.query("year == @s.year and sector == 'C'")["value"].sum()
        assert got == pytest.approx(expect, rel=1e-9)
        # transportation equipment (36+37) equals its sheet row total
        te = em.query("year == @s.year and sector == '36+37'")["value"].sum()
        assert te == pytest.approx(float(tc["Transportation Equipment"]), rel=1e-9)


def test_import_refuses_non_empty_folder_and_force_replaces(tmp_path: Path) -> None:
    out = tmp_path / "s"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    files = [f for f in _files() if _year(f) >= 2018]
    with pytest.raises(InputError, match="not empty"):
        ceads_study.import_ceads(files, "Beijing", out)
    assert not (out / "study.toml").exists()
    ceads_study.import_ceads(files, "Beijing", out, force=True)
    assert (out / "notes.txt").read_text() == "mine"
    assert "years = [2018, 2019]" in (out / "study.toml").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".s.tmp")]


def test_import_refuses_year_gaps_and_duplicates(tmp_path: Path) -> None:
    by_year = {_year(f): f for f in _files()}
    with pytest.raises(InputError, match="not 2016"):
        ceads.read_ceads_sheets([by_year[2015], by_year[2017]], "Beijing")
    with pytest.raises(StudyError, match="holds year 2015"):
        ceads.read_ceads_sheets([by_year[2015], by_year[2015]], "Beijing")


def test_missing_province_lists_available() -> None:
    f = next(f for f in _files() if _year(f) == 2019)
    with pytest.raises(StudyError) as e:
        ceads.read_ceads([f], "Bejing")
    msg = str(e.value)
    assert "did you mean 'Beijing'" in msg and "Shanghai" in msg and "\n" not in msg


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("year,value\n2019,1\n")
    with pytest.raises(StudyError, match=r"x\.xlsx: is not an Excel workbook"):
        ceads.read_ceads([bad], "Beijing")


def _fake_ceads(path: Path, label: str = "Coal Mining and Dressing") -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "NOTE"
    ws = wb.create_sheet("Beijing2019")
    ws.append(["Emission_Inventory", *ceads.FUELS, "Scope_1_Total"])
    ws.append(["unit", *["Mt CO2"] * (len(ceads.FUELS) + 1)])
    ws.append([])
    ws.append(["TotalEmissions", *[0.0] * (len(ceads.FUELS) + 1)])
    for name in ceads.SECTORS:
        ws.append([label if name == "Coal Mining and Dressing" else name, *[0.0] * 22])
    wb.save(path)


def test_unmapped_row_label_is_located(tmp_path: Path) -> None:
    p = tmp_path / "Emission_Inventories_for_30_Provinces_2019.xlsx"
    _fake_ceads(p, label="Coal Mining and Washing")
    with pytest.raises(StudyError) as e:
        ceads.read_ceads([p], "Beijing")
    assert "sheet Beijing2019" in str(e.value)
    assert "row 6" in str(e.value)
    assert "'Coal Mining and Washing' is not a CEADs sector" in str(e.value)


def test_fake_sheet_roundtrip(tmp_path: Path) -> None:
    p = tmp_path / "Emission_Inventories_for_30_Provinces_2019.xlsx"
    _fake_ceads(p)
    d = ceads.read_ceads([p], "beijing")
    assert d["co2_t"].sum() == 0 and d["year"].unique().tolist() == [2019]


def test_beijing_2015_2019_quality_flags() -> None:
    """The checks find the README's known problems in the real Beijing inventory."""
    from carbonpath.quality.checks import run_checks

    data = pd.concat([s.data for s in _sheets("Beijing") if s.year >= 2015], ignore_index=True)
    frame = data.rename(columns={"co2_t": "value", "row": "line"}).assign(
        unit="t", dimension="mass"
    )
    flags = run_checks(frame, "fuel")
    jumps = {
        (f["year"], f["sector"])
        for f in flags
        if f["check"] == "jump" and f["variable"] == "refinery_gas"
    }
    for code in ("34", "35", "36+37", "38", "39", "40"):  # machinery and electronics
        assert (2019, code) in jumps, code
    # petroleum processing's refinery gas collapses in 2019 (1/285 of its neighbours)
    petro = [
        f
        for f in flags
        if f["check"] == "jump" and f["sector"] == "25" and f["variable"] == "refinery_gas"
    ]
    assert petro and petro[0]["severity"] == "error" and petro[0]["year"] == 2019
    zero = [f for f in flags if f["check"] == "zero_between" and f["variable"] == "process"]
    assert [(f["year"], f["sector"]) for f in zero] == [(2017, "30")]
    ident = {(f["sector"], f["variable"]) for f in flags if f["check"] == "identical"}
    assert ("292", "raw_coal") in ident  # plastic = rubber
    # the flag points at the cell: file and spreadsheet row of Beijing2019 '34'
    f34 = next(
        f
        for f in flags
        if f["check"] == "jump" and f["sector"] == "34" and f["variable"] == "refinery_gas"
    )
    assert f34["file"] == "Emission_Inventories_for_30_Provinces_2019.xlsx" and f34["line"] == 35
    assert f34["value"] == pytest.approx(0.16411138207761972e6, rel=1e-12)
    assert np.isfinite(f34["value"])


def test_inventory_study_loads(tmp_path: Path) -> None:
    pytest.importorskip("carbonpath.accounting.step")
    from carbonpath.study import load_study

    out = tmp_path / "bj"
    ceads_study.write_inventory_study([s for s in _sheets("Beijing") if s.year >= 2015], out)
    st = load_study(out)
    assert st.mode == "inventory"
    inv = st.emissions_inventory
    assert inv["co2_t"].sum() > 0 and set(inv["sector"]) == {*ceads.MODERN_GROUPS, "C"}
