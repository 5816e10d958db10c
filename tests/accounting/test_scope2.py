"""Scope 2: published grid factors, year selection, heat factor; hand calculations."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.accounting.scope2 import (
    HEAT_T_PER_GJ,
    compute_scope2,
    grid_factors,
    select_grid_factor,
)
from carbonpath.core.errors import InputError


def act(rows):
    return pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])


def test_shipped_series_is_the_published_one():
    gf = grid_factors()
    table = {(r.grid, int(r.year)): r.kg_co2_per_kwh for r in gf.itertuples()}
    assert table == {
        ("national", 2021): 0.5568,
        ("national", 2022): 0.5366,
        ("national", 2023): 0.5306,
        ("north_china", 2022): 0.6776,
        ("north_china", 2023): 0.6361,
    }
    # the emissions-trading reporting factor is not a year's grid factor
    assert 0.5703 not in set(gf["kg_co2_per_kwh"])
    assert gf["source"].str.len().gt(10).all()


def test_electricity_and_heat_by_hand():
    # 1,000,000 kWh = 3600 GJ; 2022 national 0.5366 kg/kWh -> 536.6 t
    # heat 1000 GJ x 0.11 t/GJ (GB/T 32150) = 110 t
    res = compute_scope2(
        act(
            [
                (2022, "A", "electricity", 3600.0, "GJ"),
                (2022, "A", "heat", 1000.0, "GJ"),
                (2022, "A", "coal", 10.0, "t"),
                (2023, "A", "electricity", 1e6, "kWh"),
            ]
        ),
        grid="national",
    )
    rec = res.records.set_index(["year", "sector"])
    assert rec.loc[(2022, "A"), "electricity_t"] == pytest.approx(536.6, rel=1e-12)
    assert rec.loc[(2022, "A"), "heat_t"] == pytest.approx(110.0, rel=1e-12)
    assert rec.loc[(2023, "A"), "electricity_t"] == pytest.approx(530.6, rel=1e-12)
    assert HEAT_T_PER_GJ == 0.11
    d = res.to_dict()
    assert d["enabled"] is True and d["grid"] == "national"
    assert set(d["records"][0]) == {"year", "sector", "electricity_t", "heat_t"}


def test_year_without_factor_is_an_error_listing_years():
    with pytest.raises(InputError) as exc:
        compute_scope2(act([(2019, "A", "electricity", 3600.0, "GJ")]))
    msg = str(exc.value)
    assert "2019" in msg and "2021, 2022, 2023" in msg and "year =" in msg


def test_explicit_year_uses_nearest_published():
    sel = select_grid_factor("national", 2019, explicit=True)
    assert sel["factor_year"] == 2021 and sel["kg_co2_per_kwh"] == 0.5568 and sel["note"]
    sel = select_grid_factor("north_china", 2030, explicit=True)
    assert sel["factor_year"] == 2023 and sel["kg_co2_per_kwh"] == 0.6361
    # explicit year applied to every data year
    res = compute_scope2(
        act([(2015, "A", "electricity", 3600.0, "GJ"), (2016, "A", "electricity", 7200.0, "GJ")]),
        grid="north_china",
        year=2022,
    )
    rec = res.records.set_index("year")
    assert rec.loc[2015, "electricity_t"] == pytest.approx(677.6, rel=1e-12)
    assert rec.loc[2016, "electricity_t"] == pytest.approx(2 * 677.6, rel=1e-12)


def test_unknown_grid():
    with pytest.raises(InputError, match="north_china"):
        select_grid_factor("north", 2022, explicit=False)


def test_negative_electricity():
    with pytest.raises(InputError, match="negative"):
        compute_scope2(act([(2022, "A", "electricity", -1.0, "GJ")]))
