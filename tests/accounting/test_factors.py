"""Factor sets: derived CO2 factors against published values; overrides of a study.

References: the reference paper's Table 5 (printed CO2 factors), the GUIDE's per-tce
coal factor, and IPCC 2006 Vol. 2 Ch. 1 Table 1.4 (default CO2 factors per TJ, with
95% bounds), which must follow from Table 1.3's carbon contents x 44/12.
"""

from __future__ import annotations

import pytest

from carbonpath.accounting.factors import (
    available_sets,
    derive_co2_factor,
    load_factor_set,
    ncv_to_gj_per_unit,
)
from carbonpath.core.errors import InputError

# Table 5 of the reference paper: printed CO2 factors (kg CO2/kg; natural gas kg CO2/m3)
TABLE5 = {
    "coal": 1.9027,
    "gasoline": 2.9287,
    "kerosene": 3.037,
    "diesel": 3.0998,
    "fuel_oil": 3.170,
    "lpg": 3.105,
    "natural_gas": 2.1649,
}


def test_sets_are_listed():
    assert {"cn-provincial-2011", "ipcc-2006"} <= set(available_sets())


@pytest.mark.parametrize("fuel", sorted(TABLE5))
def test_table5_factors_reproduced_within_0_05_percent(fuel):
    fs = load_factor_set("cn-provincial-2011")
    f = fs.get(fuel)
    # t CO2 per t == kg CO2 per kg; natural gas: t CO2 per m3 -> kg CO2 per m3
    derived = f.co2_per_unit * (1000.0 if f.physical_unit == "m3" else 1.0)
    assert derived == pytest.approx(TABLE5[fuel], rel=5e-4)


def test_coal_by_hand_and_per_tce():
    fs = load_factor_set("cn-provincial-2011")
    coal = fs.get("coal")
    # 20,934 kJ/kg = 20.934 GJ/t; 26.37 tC/TJ = 0.02637 tC/GJ
    hand = 20.934 * 0.02637 * 0.94 * 44 / 12
    assert coal.co2_per_unit == pytest.approx(hand, rel=1e-12)
    # GUIDE: coal per tce = 1.9027 / 0.7143 = 2.6637 t CO2/tce
    assert coal.co2_per_tce == pytest.approx(2.6637, rel=1e-4)
    assert coal.co2_per_gj == pytest.approx(hand / 0.7143 / 29.3076, rel=1e-12)


def test_natural_gas_per_tce_uses_kgce_per_m3():
    gas = load_factor_set("cn-provincial-2011").get("natural_gas")
    # 1.33 kgce/m3 = 0.00133 tce/m3
    hand = 0.038979 * 0.0153 * 0.99 * 44 / 12
    assert gas.co2_per_unit == pytest.approx(hand, rel=1e-12)
    assert gas.co2_per_tce == pytest.approx(hand / 0.00133, rel=1e-12)


# IPCC 2006 Vol. 2 Ch. 1 Table 1.4: default CO2 factor (kg CO2/TJ), lower, upper
TABLE14 = {
    "crude_oil": (73_300, 71_100, 75_500),
    "gasoline": (69_300, 67_500, 73_000),
    "diesel": (74_100, 72_600, 74_800),
    "fuel_oil": (77_400, 75_500, 78_800),
    "lpg": (63_100, 61_600, 65_600),
    "natural_gas": (56_100, 54_300, 58_300),
    "anthracite": (98_300, 94_600, 101_000),
    "other_bituminous_coal": (94_600, 89_500, 99_700),
    "coal": (94_600, 89_500, 99_700),
    "sub_bituminous_coal": (96_100, 92_800, 100_000),
    "lignite": (101_000, 90_900, 115_000),
}


@pytest.mark.parametrize("fuel", sorted(TABLE14))
def test_ipcc_carbon_contents_match_table_1_4(fuel):
    f = load_factor_set("ipcc-2006").get(fuel)
    centre, lo, hi = TABLE14[fuel]
    # kg CO2 per TJ = t C/TJ x 1000 x 44/12 (oxidation 1.0)
    assert f.oxidation == 1.0
    assert f.carbon_content * 1000 * 44 / 12 == pytest.approx(centre, rel=3e-3)
    assert f.cc_lo * 1000 * 44 / 12 == pytest.approx(lo, rel=3e-3)
    assert f.cc_hi * 1000 * 44 / 12 == pytest.approx(hi, rel=3e-3)


def test_ipcc_values_and_tce_rule():
    fs = load_factor_set("ipcc-2006")
    # Table 1.2: crude oil 42.3 TJ/Gg (40.1-44.8); LPG 47.3 (44.8-52.2)
    crude = fs.get("crude_oil")
    assert (crude.ncv, crude.ncv_lo, crude.ncv_hi) == (42_300.0, 40_100.0, 44_800.0)
    assert crude.co2_per_unit == pytest.approx(42.3 * 20.0 / 1000 * 44 / 12, rel=1e-12)
    assert crude.tce_factor == pytest.approx(42_300 / 29_307.6, rel=1e-12)
    lpg = fs.get("lpg")
    # product rule over NCV and carbon content half-ranges
    u_ncv = (52.2 - 44.8) / 2 / 47.3
    u_cc = (17.9 - 16.8) / 2 / 17.2
    assert lpg.relative_uncertainty() == pytest.approx((u_ncv**2 + u_cc**2) ** 0.5, rel=1e-12)
    gas = fs.get("natural_gas")
    assert gas.physical_unit == "m3"
    assert gas.ncv == pytest.approx(48_000 * 0.7174, rel=1e-12)
    for needed in (
        "coke",
        "crude_oil",
        "refinery_gas",
        "anthracite",
        "coking_coal",
        "other_bituminous_coal",
        "sub_bituminous_coal",
        "lignite",
        "jet_kerosene",
        *TABLE5,
    ):
        assert needed in fs


def test_cn_set_has_no_ranges():
    fs = load_factor_set("cn-provincial-2011")
    assert all(f.relative_uncertainty() is None for f in fs.entries.values())
    assert fs.fuels == tuple(TABLE5)


def test_unknown_set_lists_sets():
    with pytest.raises(InputError, match="ipcc-2006") as exc:
        load_factor_set("ipcc")
    assert "did you mean 'ipcc-2006'" in str(exc.value)


def test_ncv_units():
    assert ncv_to_gj_per_unit("kJ/kg") == (pytest.approx(1e-3), "t")
    assert ncv_to_gj_per_unit("TJ/Gg") == (pytest.approx(1.0), "t")
    assert ncv_to_gj_per_unit("kJ/m3") == (pytest.approx(1e-6), "m3")
    with pytest.raises(InputError):
        ncv_to_gj_per_unit("kJ")
    with pytest.raises(InputError):
        ncv_to_gj_per_unit("kg/kJ")


def test_derive_formula():
    assert derive_co2_factor(10.0, 20.0, 0.5) == pytest.approx(10 * 0.02 * 0.5 * 44 / 12)


def test_fuel_oil_editions_of_gb2589_are_stated():
    """GB/T 2589: 10,000 kcal/kg x 4.1816 kJ/kcal = 41,816 kJ/kg (the NCV printed), while
    the tce factor 1.4286 kgce/kg is 1.4286 x 29,307.6 kJ = 41,868.8 kJ/kg: 0.13 % apart."""
    fo = load_factor_set("cn-provincial-2011").get("fuel_oil")
    assert fo.ncv == pytest.approx(10_000 * 4.1816, rel=1e-12)  # the published value is kept
    assert fo.tce_factor == 1.4286
    assert fo.tce_ncv_gap_pct == pytest.approx((1.4286 * 29_307.6 / 41_816 - 1) * 100, rel=1e-12)
    assert 0.12 < fo.tce_ncv_gap_pct < 0.13
    assert fo.ncv_per_coal_equivalent == pytest.approx(41_816 / (1.4286 * 29_307.6), rel=1e-12)
    assert "GB/T 2589" in fo.note and "41,869" in fo.note
    table = load_factor_set("cn-provincial-2011").table().set_index("fuel")
    assert table.loc["fuel_oil", "note"] == fo.note
    assert table.loc["fuel_oil", "tce_ncv_gap_pct"] == pytest.approx(fo.tce_ncv_gap_pct)
    # the other fuels of the set: tce factors rounded to 4 digits, gaps below 0.01 %
    others = table.drop(index="fuel_oil")
    assert (others["tce_ncv_gap_pct"].abs() < 0.01).all()
    assert (others["note"] == "").all()


def test_ipcc_tce_factors_carry_the_ncv_exactly():
    fs = load_factor_set("ipcc-2006")
    for f in fs.entries.values():
        assert f.ncv_per_coal_equivalent == pytest.approx(1.0, rel=1e-12)


def test_fuels_know_the_row_they_came_from():
    fo = load_factor_set("cn-provincial-2011").get("fuel_oil")
    assert (fo.file, fo.row) == ("data/factors/cn-provincial-2011.csv", 6)
