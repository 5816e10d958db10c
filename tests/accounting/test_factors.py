"""Factor sets: derived CO2 factors against published values; overrides of a study.

References: the reference paper's Table 5 (printed CO2 factors), the GUIDE's per-tce
coal factor, and IPCC 2006 Vol. 2 Ch. 1 Table 1.4 (default CO2 factors per TJ, with
95% bounds), which must follow from Table 1.3's carbon contents x 44/12.
"""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.accounting.factors import (
    apply_overrides,
    available_sets,
    derive_co2_factor,
    load_factor_set,
    ncv_to_gj_per_unit,
)
from carbonpath.core.errors import InputError, StudyError

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


def _override(rows):
    df = pd.DataFrame(rows)
    return df


def test_override_existing_fuel_records_it():
    base = load_factor_set("cn-provincial-2011")
    ov = _override([{"fuel": "coal", "ncv": "25000", "file": "factors.csv", "line": 2}])
    fs = apply_overrides(base, ov)
    assert fs.get("coal").co2_per_unit == pytest.approx(25.0 * 0.02637 * 0.94 * 44 / 12)
    assert fs.get("coal").carbon_content == 26.37  # untouched columns kept
    assert fs.get("coal").origin == "override"
    assert fs.overrides == (
        {"fuel": "coal", "action": "override", "columns": ["ncv"], "file": "factors.csv", "row": 2},
    )
    # the shipped set itself is unchanged
    assert load_factor_set("cn-provincial-2011").get("coal").ncv == 20934.0


def test_override_adds_a_fuel_with_derived_tce_factor():
    base = load_factor_set("cn-provincial-2011")
    ov = _override(
        [
            {
                "fuel": "coke_oven_gas",
                "ncv": "17981",
                "ncv_unit": "kJ/m3",
                "physical_unit": "m3",
                "carbon_content": "13.58",
                "oxidation": "0.99",
            }
        ]
    )
    fs = apply_overrides(base, ov)
    f = fs.get("coke_oven_gas")
    assert f.origin == "added"
    assert f.co2_per_unit == pytest.approx(0.017981 * 0.01358 * 0.99 * 44 / 12)
    # 17,981 kJ/m3 / 29,307.6 kJ/kgce = 0.6135 kgce/m3
    assert f.tce_factor == pytest.approx(17981 / 29307.6)
    assert fs.overrides[0]["action"] == "add"


@pytest.mark.parametrize("drop", ["ncv", "carbon_content", "oxidation", "physical_unit"])
def test_new_fuel_needs_required_columns(drop):
    rec = {
        "fuel": "biogas",
        "ncv": "20000",
        "physical_unit": "m3",
        "carbon_content": "15",
        "oxidation": "1",
        "file": "factors.csv",
        "line": 4,
    }
    rec[drop] = ""
    with pytest.raises(StudyError) as exc:
        apply_overrides(load_factor_set("cn-provincial-2011"), _override([rec]))
    err = exc.value
    assert (err.file, err.row, err.column) == ("factors.csv", 4, drop)
    assert "biogas" in err.message


def test_override_bad_values_are_located():
    base = load_factor_set("cn-provincial-2011")
    with pytest.raises(StudyError) as exc:
        apply_overrides(base, _override([{"fuel": "coal", "ncv": "abc", "line": 3}]))
    assert (exc.value.row, exc.value.column) == (3, "ncv")
    with pytest.raises(StudyError, match="above 1"):
        apply_overrides(base, _override([{"fuel": "coal", "oxidation": "94"}]))
    with pytest.raises(StudyError, match="per t but physical_unit is m3"):
        apply_overrides(
            base,
            _override(
                [
                    {
                        "fuel": "x",
                        "ncv": "1",
                        "ncv_unit": "kJ/kg",
                        "physical_unit": "m3",
                        "carbon_content": "1",
                        "oxidation": "1",
                    }
                ]
            ),
        )
    with pytest.raises(StudyError, match="unknown column"):
        apply_overrides(base, _override([{"fuel": "coal", "ncvv": "1"}]))
