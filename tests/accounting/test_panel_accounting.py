"""Accounting of a panel study: each region equals the same rows run as a one-region
study; the sum of regions and the region ranks are checked by hand (numpy)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath import load_study
from tests.study.panel_study import STUDY_TOML, write_panel_study


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    folder = write_panel_study(tmp_path_factory.mktemp("panel") / "study")
    return folder, load_study(folder).run(only=["emissions"])


def _one_region(panel_folder: Path, code: str, out: Path) -> Path:
    """The rows of region ``code`` as a one-region study (no regions.csv)."""
    out.mkdir(parents=True)
    toml = STUDY_TOML.replace("years = [2008, 2019]", "years = [2010, 2019]")
    (out / "study.toml").write_text(toml, encoding="utf-8")
    (out / "sectors.csv").write_bytes((panel_folder / "sectors.csv").read_bytes())
    for name in ("energy.csv", "economy.csv"):
        with (panel_folder / name).open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["region"] == code and r["sector"]]
        cols = [c for c in rows[0] if c != "region"]
        lines = [",".join(cols)] + [",".join(r[c] for c in cols) for r in rows]
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_each_region_is_its_own_one_region_study(panel, tmp_path):
    folder, res = panel
    one = load_study(_one_region(folder, "XJ", tmp_path / "xj")).run(only=["emissions"])
    mine = res.emissions.intensity.query("region == 'XJ'").drop(columns="region")
    ref = one.emissions.intensity
    assert "region" not in ref.columns
    cols = ["co2_t", "output_value_yuan", "intensity_t_per_1e8_yuan", "energy_tce"]
    np.testing.assert_allclose(mine[cols].to_numpy(float), ref[cols].to_numpy(float), rtol=1e-12)
    assert mine["rank_intensity"].tolist() == ref["rank_intensity"].tolist()


def test_tables_have_region_first_and_coverage(panel):
    _, res = panel
    e = res.emissions
    for t in (e.by_fuel, e.by_sector, e.total, e.intensity, e.by_group):
        assert t.columns[0] == "region"
    cov = e.coverage
    assert cov.rows_possible == 60 and cov.rows_used == 58 and not cov.balanced
    assert cov.dropped[["region", "year"]].values.tolist() == [["XJ", 2008], ["XJ", 2009]]
    d = res.to_dict()["emissions"]
    assert d["coverage"]["dropped"][0]["reason"].startswith("no energy")
    assert "emissions_coverage_dropped" in res.tables()


def test_sum_of_regions_and_ranks_by_hand(panel):
    _, res = panel
    e = res.emissions
    modern = e.intensity.query("scope == 'modern'")
    wide = modern.pivot(index="year", columns="region", values="co2_t")
    out = modern.pivot(index="year", columns="region", values="output_value_yuan")
    sums = e.sum_of_regions.query("scope == 'modern'").set_index("year")
    full = wide.notna().all(axis=1)
    np.testing.assert_allclose(sums.loc[full, "co2_t"], wide[full].sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(
        sums.loc[full, "intensity_t_per_1e8_yuan"],
        wide[full].sum(axis=1) / out[full].sum(axis=1) * 1e8,
        rtol=1e-12,
    )
    assert sums.loc[~full, "co2_t"].isna().all()  # XJ missing: never a partial sum
    assert sums.loc[2008, "regions_with_data"] == 4
    year = e.by_region.query("year == 2015")
    intensity = year.set_index("region")["intensity_t_per_1e8_yuan"]
    expected = pd.Series(np.argsort(np.argsort(-intensity.to_numpy())) + 1, index=intensity.index)
    assert year.set_index("region")["rank_intensity"].astype(int).equals(expected)


def _region_level_study(folder: Path) -> Path:
    """A country panel without sectors: 3 countries x 6 years, CO2 from two fuels."""
    folder.mkdir(parents=True)
    (folder / "regions.csv").write_text("code,name\nDZA,Algeria\nBRA,Brazil\nCHN,China\n")
    (folder / "study.toml").write_text(
        'title = "Countries"\nregion = "Three countries"\nyears = [2000, 2005]\n'
        '[accounting]\nfactor_set = "ipcc-2006"\n[accounting.uncertainty]\ndraws = 200\n'
    )
    energy, economy = ["region,year,fuel,value,unit"], ["region,year,variable,value,unit"]
    for i, code in enumerate(["DZA", "BRA", "CHN"]):
        for y in range(2000, 2006):
            energy.append(f"{code},{y},coal,{1000 * (i + 1) + 10 * (y - 2000)},t")
            energy.append(f"{code},{y},diesel,{500 + 5 * i + (y - 2000) ** 2},t")
            economy.append(f"{code},{y},gdp,{100 + 10 * i + y - 2000},billion USD")
    (folder / "energy.csv").write_text("\n".join(energy) + "\n")
    (folder / "economy.csv").write_text("\n".join(economy) + "\n")
    return folder


def test_region_level_panel_is_accounted_per_region(tmp_path):
    """No sectors.csv: each region's rows are its whole economy (one member, code "")."""
    res = load_study(_region_level_study(tmp_path / "countries")).run(only=["emissions"])
    e = res.emissions
    by_fuel = e.by_fuel.pivot_table(index=["region", "year"], values="co2_t", aggfunc="sum")
    total = e.total.set_index(["region", "year"])["co2_t"]
    np.testing.assert_allclose(total.loc[by_fuel.index], by_fuel["co2_t"], rtol=1e-12)
    assert set(e.by_region["region"]) == {"DZA", "BRA", "CHN"}
    assert e.coverage.balanced
    # IPCC 2006 coal: NCV 25.8 GJ/t x 25.8 kg C/GJ x oxidation 1 x 44/12, by hand
    coal = e.by_fuel.query("region == 'BRA' and year == 2003 and fuel == 'coal'")["co2_t"]
    assert coal.iloc[0] == pytest.approx(2030 * 25.8 * 25.8 * 44 / 12 / 1000, rel=1e-12)
    sums = e.sum_of_regions.query("scope == 'modern'").set_index("year")["co2_t"]
    np.testing.assert_allclose(sums, total.groupby(level="year").sum(), rtol=1e-12)
