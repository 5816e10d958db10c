"""Scope-1 emissions from activity data: hand calculation, unit routes, errors, linearity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpath.accounting.emissions import compute_emissions
from carbonpath.accounting.factors import FactorSet, Fuel, load_factor_set
from carbonpath.core.errors import InputError

FS = load_factor_set("cn-provincial-2011")


def act(rows):
    return pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])


def co2(df, sector, fuel, year=2020):
    hit = df[(df["sector"] == sector) & (df["fuel"] == fuel) & (df["year"] == year)]
    assert len(hit) == 1
    return float(hit["co2_t"].iloc[0])


def test_small_inventory_by_hand():
    a = act(
        [
            (2020, "A", "coal", 100.0, "t"),
            (2020, "A", "natural_gas", 2.0, "10^4 m^3"),
            (2020, "B", "diesel", 50.0, "t"),
            (2020, "B", "electricity", 3600.0, "GJ"),
        ]
    )
    out = compute_emissions(a, FS)
    # coal: 100 t x 20.934 GJ/t x 0.02637 tC/GJ x 0.94 x 44/12
    assert co2(out, "A", "coal") == pytest.approx(
        100 * 20.934 * 0.02637 * 0.94 * 44 / 12, rel=1e-12
    )
    # gas: 20,000 m3 x 0.038979 GJ/m3 x 0.0153 x 0.99 x 44/12
    assert co2(out, "A", "natural_gas") == pytest.approx(
        20_000 * 0.038979 * 0.0153 * 0.99 * 44 / 12, rel=1e-12
    )
    assert co2(out, "B", "diesel") == pytest.approx(
        50 * 42.705 * 0.0202 * 0.98 * 44 / 12, rel=1e-12
    )
    # electricity is not combustion (scope 2)
    assert "electricity" not in set(out["fuel"])
    assert list(out.columns) == ["year", "sector", "fuel", "co2_t"]
    # totals: 190.27 + 43.30 + 154.99 t
    assert out["co2_t"].sum() == pytest.approx(190.2662 + 43.2972 + 154.9878, rel=1e-4)


@pytest.mark.parametrize("fuel", sorted(FS.fuels))
def test_physical_and_tce_routes_agree(fuel):
    f = FS.get(fuel)
    qty = 1234.5  # in the physical unit
    tce = qty * f.tce_factor / (1000.0 if f.physical_unit == "m3" else 1.0)
    phys = compute_emissions(act([(2020, "A", fuel, qty, f.physical_unit)]), FS)
    # tce at the edge -> GJ (canonical); the same as a yearbook 10^4 tce figure
    via_tce = compute_emissions(act([(2020, "A", fuel, tce, "tce")]), FS)
    via_wan = compute_emissions(act([(2020, "A", fuel, tce / 1e4, "万吨标准煤")]), FS)
    via_gj = compute_emissions(act([(2020, "A", fuel, tce * 29.3076, "GJ")]), FS)
    assert via_tce["co2_t"].iloc[0] == pytest.approx(phys["co2_t"].iloc[0], rel=1e-12)
    assert via_wan["co2_t"].iloc[0] == pytest.approx(phys["co2_t"].iloc[0], rel=1e-12)
    assert via_gj["co2_t"].iloc[0] == pytest.approx(phys["co2_t"].iloc[0], rel=1e-12)


def test_coal_in_tce_by_hand():
    # 1 tce of coal = 1 / 0.7143 t of coal -> 1.9027/0.7143 = 2.6637 t CO2 (GUIDE)
    out = compute_emissions(act([(2020, "A", "coal", 1.0, "tce")]), FS)
    assert out["co2_t"].iloc[0] == pytest.approx(2.6637, rel=1e-4)


def test_yearbook_units():
    out = compute_emissions(act([(2020, "A", "coal", 1.5, "万吨")]), FS)
    assert out["co2_t"].iloc[0] == pytest.approx(15_000 * FS.get("coal").co2_per_unit, rel=1e-12)
    out = compute_emissions(act([(2020, "A", "natural_gas", 0.01, "亿立方米")]), FS)
    assert out["co2_t"].iloc[0] == pytest.approx(1e6 * FS.get("natural_gas").co2_per_unit)


def test_duplicate_rows_are_summed():
    out = compute_emissions(act([(2020, "A", "coal", 1.0, "t"), (2020, "A", "coal", 2.0, "t")]), FS)
    assert out["co2_t"].iloc[0] == pytest.approx(3 * FS.get("coal").co2_per_unit)


def test_unknown_fuel_lists_known_fuels_and_how_to_add():
    with pytest.raises(InputError) as exc:
        compute_emissions(act([(2020, "A", "cocke", 1.0, "t")]), FS)
    msg = str(exc.value)
    for f in FS.fuels:
        assert f in msg
    assert "factors.csv" in msg
    assert "cocke" in msg


def test_negative_consumption():
    with pytest.raises(InputError, match=r"sector A, fuel coal.*negative"):
        compute_emissions(act([(2020, "A", "coal", -1.0, "t")]), FS)


def test_missing_consumption():
    with pytest.raises(InputError, match="missing"):
        compute_emissions(act([(2020, "A", "coal", np.nan, "t")]), FS)


def test_gas_in_mass_units_is_an_error():
    with pytest.raises(InputError) as exc:
        compute_emissions(act([(2021, "B", "natural_gas", 5.0, "t")]), FS)
    msg = str(exc.value)
    assert "natural_gas" in msg and "'t'" in msg and "m3" in msg and "density" in msg


def test_wrong_dimension_is_an_error():
    with pytest.raises(InputError, match=r"coal. is given in .m\^3. \(volume\)"):
        compute_emissions(act([(2021, "B", "coal", 5.0, "m^3")]), FS)
    with pytest.raises(InputError):
        compute_emissions(act([(2021, "B", "coal", 5.0, "yuan")]), FS)


def test_missing_factor_for_energy_route():
    f = FS.get("coal")
    no_tce = FactorSet(
        name="custom",
        entries={
            "coal": Fuel(
                fuel="coal",
                label="coal",
                ncv=f.ncv,
                ncv_unit=f.ncv_unit,
                physical_unit="t",
                carbon_content=f.carbon_content,
                oxidation=f.oxidation,
                tce_factor=None,
            )
        },
    )
    # physical route works without a tce factor
    ok = compute_emissions(act([(2020, "A", "coal", 1.0, "t")]), no_tce)
    assert ok["co2_t"].iloc[0] == pytest.approx(f.co2_per_unit)
    with pytest.raises(InputError, match="no tce_factor"):
        compute_emissions(act([(2020, "A", "coal", 1.0, "tce")]), no_tce)


def test_only_scope2_rows_give_empty_result():
    out = compute_emissions(act([(2020, "A", "heat", 10.0, "GJ")]), FS)
    assert out.empty and list(out.columns) == ["year", "sector", "fuel", "co2_t"]


values = st.lists(
    st.floats(min_value=0.0, max_value=1e9, allow_nan=False, allow_infinity=False),
    min_size=len(FS.fuels),
    max_size=len(FS.fuels),
)


@settings(max_examples=50, deadline=None)
@given(x=values, y=values, k=st.floats(min_value=0.0, max_value=1e6, allow_nan=False))
def test_emissions_are_linear_in_activity(x, y, k):
    fuels = list(FS.fuels)
    units = [FS.get(f).physical_unit for f in fuels]

    def total(vals):
        rows = [(2020, "A", f, v, u) for f, v, u in zip(fuels, vals, units, strict=True)]
        return compute_emissions(act(rows), FS).set_index("fuel")["co2_t"]

    ex, ey = total(x), total(y)
    combo = total([k * a + b for a, b in zip(x, y, strict=True)])
    expected = k * ex + ey
    assert np.allclose(combo.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-6)


def test_activity_gj_uses_ncv():
    from carbonpath.accounting.emissions import activity_gj

    out = activity_gj(
        act(
            [
                (2020, "A", "coal", 10.0, "t"),
                (2020, "A", "natural_gas", 1000.0, "m3"),
                (2020, "A", "electricity", 36.0, "GJ"),
            ]
        ),
        FS,
    )
    # 10 t x 20.934 GJ/t; 1000 m3 x 0.038979 GJ/m3; electricity unchanged
    assert out["value"].tolist() == pytest.approx([209.34, 38.979, 36.0], rel=1e-12)
    assert set(out["unit"]) == {"GJ"}


def test_activity_tce_by_hand():
    from carbonpath.accounting.emissions import activity_tce

    out = activity_tce(
        act(
            [
                (2020, "A", "coal", 10.0, "t"),
                (2020, "A", "natural_gas", 1000.0, "m3"),
                (2020, "A", "electricity", 29.3076, "GJ"),
                (2020, "A", "fuel_oil", 2.0, "tce"),
            ]
        ),
        FS,
    )
    # 10 t x 0.7143; 1000 m3 x 1.33 kgce/m3; 1 tce of electricity; 2 tce as reported
    assert out["tce"].tolist() == pytest.approx([7.143, 1.33, 1.0, 2.0], rel=1e-12)


@pytest.mark.parametrize("set_name", ["cn-provincial-2011", "ipcc-2006"])
def test_energy_is_the_same_whichever_unit_it_was_reported_in(set_name):
    """The physical quantity rules: a fuel in tce is turned into tonnes (or m3) with its
    tce factor; CO2, tce and GJ then follow from the physical quantity."""
    from carbonpath.accounting.emissions import activity_gj, activity_tce

    fs = load_factor_set(set_name)
    for fuel in fs.fuels:
        f = fs.get(fuel)
        qty = 1234.5  # in the physical unit
        tce = qty * f.tce_factor / (1000.0 if f.physical_unit == "m3" else 1.0)
        rows = act([(2020, "A", fuel, qty, f.physical_unit), (2020, "B", fuel, tce, "tce")])
        gj = activity_gj(rows, fs)["value"].to_numpy()
        # heat content = physical quantity x NCV (kJ per kg or m3 -> GJ per t or m3)
        ncv_gj = f.ncv / (1e3 if f.physical_unit == "t" else 1e6)
        assert gj == pytest.approx([qty * ncv_gj, qty * ncv_gj], rel=1e-12), fuel
        assert activity_tce(rows, fs)["tce"].to_numpy() == pytest.approx([tce, tce], rel=1e-12)
        co2 = compute_emissions(rows, fs).set_index("sector")["co2_t"]
        assert co2["B"] == pytest.approx(co2["A"], rel=1e-12)


def test_fuel_oil_in_tce_by_hand():
    """1 tce of fuel oil = 1 / 1.4286 t = 0.69999 t: 41.816 / 1.4286 = 29.2706 GJ of heat,
    not the 29.3076 GJ of 1 tce (the two editions of GB/T 2589 in Table 5)."""
    from carbonpath.accounting.emissions import activity_gj

    out = activity_gj(act([(2020, "A", "fuel_oil", 1.0, "tce")]), FS)
    assert out["value"].iloc[0] == pytest.approx(41.816 / 1.4286, rel=1e-12)
    assert out["value"].iloc[0] / 29.3076 == pytest.approx(1 - 0.0012620, rel=1e-4)
    co2 = compute_emissions(act([(2020, "A", "fuel_oil", 1.0, "tce")]), FS)
    assert co2["co2_t"].iloc[0] == pytest.approx(41.816 * 0.0211 * 0.98 * 44 / 12 / 1.4286)


def test_activity_gj_needs_a_tce_factor_for_energy_rows():
    from carbonpath.accounting.emissions import activity_gj

    f = FS.get("coal")
    no_tce = FactorSet(
        "custom", {"coal": Fuel("coal", "coal", f.ncv, "kJ/kg", "t", 26.0, 0.9, None)}
    )
    with pytest.raises(InputError, match="no tce_factor"):
        activity_gj(act([(2020, "A", "coal", 1.0, "tce")]), no_tce)


def _located(rows):
    df = act(rows)
    df["file"] = "energy.csv"
    df["line"] = range(2, 2 + len(df))
    return df


def test_overflowing_value_is_located_at_its_row():
    from carbonpath.accounting.emissions import activity_gj
    from carbonpath.core.errors import StudyError

    rows = _located([(2020, "A", "diesel", 5.0, "t"), (2020, "A", "coal", 1e308, "t")])
    with pytest.raises(StudyError) as exc:
        compute_emissions(rows, FS)
    err = exc.value
    assert (err.file, err.row, err.column) == ("energy.csv", 3, "value")
    assert "1e+308 t" in err.message and "overflow" in err.message
    # 1e307 t of coal: CO2 1.9e307 t is finite, its heat 2.09e308 GJ is not
    rows = _located([(2020, "A", "coal", 1e307, "t")])
    assert np.isfinite(compute_emissions(rows, FS)["co2_t"]).all()
    with pytest.raises(StudyError, match="energy in GJ") as exc:
        activity_gj(rows, FS)
    assert (exc.value.file, exc.value.row) == ("energy.csv", 2)


def test_overflowing_factor_is_located_at_its_factors_csv_row():
    from carbonpath.accounting.overrides import apply_overrides
    from carbonpath.core.errors import StudyError

    ov = pd.DataFrame([{"fuel": "coal", "ncv": "1e308", "file": "factors.csv", "line": 2}])
    fs = apply_overrides(FS, ov)
    with pytest.raises(StudyError) as exc:
        compute_emissions(_located([(2020, "A", "coal", 20_000.0, "t")]), fs)
    err = exc.value
    assert (err.file, err.row, err.column) == ("factors.csv", 2, "ncv")
    assert "overflow" in err.message and "20000 t" in err.message
