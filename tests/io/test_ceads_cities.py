"""The CEADs 290-city workbook -> a region-level panel study (regions = cities).

References: the workbook's own cells read in the test with the plain XLSX reader (the
long ``emission vector`` sheet and the wide ``emission matrix`` sheet), and small
workbooks built here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io import ceads_cities
from carbonpath.io.ceads_regions import split_city
from carbonpath.io.workbook import open_workbook
from tests.conftest import CEADS
from tests.io.xlsx_build import build_xlsx

CITIES = CEADS / "The_Emission_Inventories_for_290_Chinese_Cities_from_1997_to_2019.xlsx"
needs_data = pytest.mark.skipif(not CITIES.is_file(), reason="CEADs city workbook not available")


def test_split_city() -> None:
    assert split_city("安徽安庆") == ("安徽", "安庆")
    assert split_city("内蒙古呼和浩特") == ("内蒙古", "呼和浩特")
    assert split_city("黑龙江哈尔滨") == ("黑龙江", "哈尔滨")
    assert split_city("北京") == ("北京", "北京")
    assert split_city("Atlantis") == ("", "Atlantis")


def _note(unit: str = "million tones\n百万吨") -> list[list[object]]:
    return [["Introduction/简介", "x"], ["Unit/单位", unit]]


def _small(tmp_path: Path, matrix_value: float = 2.5) -> Path:
    vector = [
        ["ID", "city", "year", "emission"],
        ["北京2000", "北京", 2000, 1.25],
        ["北京2001", "北京", 2001, 1.5],
        ["安徽安庆2001", "安徽安庆", 2001, 2.5],
    ]
    matrix = [["city", "2000", "2001"], ["北京", 1.25, 1.5], ["安徽安庆", None, matrix_value]]
    p = tmp_path / "cities.xlsx"
    p.write_bytes(
        build_xlsx({"NOTE": _note(), "emission vector": vector, "emission matrix": matrix})
    )
    return p


def test_small_workbook(tmp_path: Path) -> None:
    p = _small(tmp_path)
    assert ceads_cities.is_city_workbook(p)
    panel = ceads_cities.read_ceads_cities(p)
    assert panel.unit == "百万吨" and panel.factor == 1e6
    assert panel.regions.to_dict("records") == [
        {"code": "北京", "name": "北京", "name_zh": "北京", "group": "Beijing"},
        {"code": "安徽安庆", "name": "安徽安庆", "name_zh": "安庆", "group": "Anhui"},
    ]
    out = ceads_cities.import_ceads_cities(p, tmp_path / "study")
    em = (out / "emissions.csv").read_text(encoding="utf-8").splitlines()
    assert em == [
        "region,year,sector,fuel,value,unit",
        "北京,2000,,total,1.25,Mt CO2",
        "北京,2001,,total,1.5,Mt CO2",
        "安徽安庆,2001,,total,2.5,Mt CO2",
    ]
    from carbonpath import load_study

    study = load_study(out)
    assert study.is_panel and study.region_level
    inv = study.emissions_inventory.set_index(["region", "year"])["co2_t"]
    assert inv["安徽安庆", 2001] == 2.5e6 and inv["北京", 2000] == 1.25e6


def test_sheets_that_disagree_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="differs from the 'emission vector' sheet"):
        ceads_cities.read_ceads_cities(_small(tmp_path, matrix_value=2.6))


def test_unit_that_is_not_a_mass(tmp_path: Path) -> None:
    p = tmp_path / "c.xlsx"
    p.write_bytes(
        build_xlsx(
            {
                "NOTE": _note("万元"),
                "emission vector": [["ID", "city", "year", "emission"]],
                "emission matrix": [["city"]],
            }
        )
    )
    with pytest.raises(StudyError, match="not a mass"):
        ceads_cities.read_ceads_cities(p)


@needs_data
def test_real_city_workbook(tmp_path: Path) -> None:
    with open_workbook(CITIES) as wb:
        vector = list(wb.sheet("emission vector").iter_rows())[1:]
        matrix = list(wb.sheet("emission matrix").iter_rows())
    t0 = time.perf_counter()
    out = ceads_cities.import_ceads_cities(CITIES, tmp_path / "cities")
    seconds = time.perf_counter() - t0
    assert seconds < 30  # about 1 s on an idle machine
    regions = pd.read_csv(out / "regions.csv", dtype=str, keep_default_na=False)
    assert len(regions) == 290 and (regions["group"] != "").all()
    assert regions.set_index("code").loc["安徽安庆", "group"] == "Anhui"
    assert regions.set_index("code").loc["新疆阿克苏", "name_zh"] == "阿克苏"
    assert regions["group"].nunique() == 30
    em = pd.read_csv(out / "emissions.csv", dtype={"region": str, "sector": str})
    # one row per city-year of the long sheet, the number exactly as written
    assert len(em) == len(vector) == 3929
    got = dict(zip(zip(em["region"], em["year"], strict=True), em["value"], strict=True))
    assert got == {(r[1], r[2]): r[3] for r in vector}
    # and equal to the wide sheet's filled cells
    years = matrix[0]
    wide = {
        (r[0], int(years[j])): c for r in matrix[1:] for j, c in enumerate(r) if j and c is not None
    }
    assert got == wide
    # unbalanced: cities start in different years, gaps are kept, nothing filled
    first = em.groupby("region")["year"].min()
    assert first["北京"] == 1997 and first.max() > 2005
    assert (em["unit"] == "Mt CO2").all()


def test_keep_provinces(tmp_path: Path) -> None:
    p = _small(tmp_path)
    panel = ceads_cities.read_ceads_cities(p, ["anhui"])
    assert panel.regions["code"].tolist() == ["安徽安庆"] and len(panel.data) == 1
    assert ceads_cities.read_ceads_cities(p, ["北京"]).regions["code"].tolist() == ["北京"]
    assert len(ceads_cities.read_ceads_cities(p, ["all"]).regions) == 2
    from carbonpath.core.errors import InputError

    with pytest.raises(InputError, match="Atlantis"):
        ceads_cities.read_ceads_cities(p, ["Atlantis"])


def test_cli_recognises_the_city_workbook(tmp_path: Path, capsys) -> None:
    import json

    from carbonpath.cli import main

    p = _small(tmp_path)
    assert main(["import-ceads", str(p), "--out", str(tmp_path / "c"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["regions"] == 2 and summary["rows"] == 3 and summary["years"] == [2000, 2001]
