"""The CEADs fuels in ``ipcc-2006``: mapped IPCC 2006 defaults, checked against the
published tables, and a small energy study in physical CEADs fuels computed by hand.

References typed below (never the code's output): IPCC 2006 Guidelines Vol. 2 Ch. 1
Table 1.2 (default NCV, TJ/Gg) and Table 1.3 (default carbon content, t C/TJ) per IPCC
fuel type, and the Table 1.4 default CO2 factors (kg CO2/TJ) they must reproduce as
carbon content x 44/12 to Table 1.4's rounding.
"""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.accounting.emissions import compute_emissions
from carbonpath.accounting.factors import load_factor_set
from carbonpath.accounting.overrides import apply_overrides
from carbonpath.core.errors import InputError
from carbonpath.core.units import parse_unit
from carbonpath.io.ceads import SCOPE1_FUELS
from carbonpath.io.yearbook_config import CEADS_FUEL_LABELS

# IPCC fuel type -> (NCV TJ/Gg, carbon content t C/TJ, Table 1.4 CO2 factor kg CO2/TJ)
IPCC = {
    "other bituminous coal": (25.8, 25.8, 94_600),
    "coking coal": (28.2, 25.8, 94_600),
    "patent fuel": (20.7, 26.6, 97_500),
    "coke oven coke": (28.2, 29.2, 107_000),
    "coke oven gas": (38.7, 12.1, 44_400),
    "coal tar": (28.0, 22.0, 80_700),
    "crude oil": (42.3, 20.0, 73_300),
    "motor gasoline": (44.3, 18.9, 69_300),
    "other kerosene": (43.8, 19.6, 71_900),
    "gas/diesel oil": (43.0, 20.2, 74_100),
    "residual fuel oil": (40.4, 21.1, 77_400),
    "liquefied petroleum gases": (47.3, 17.2, 63_100),
    "refinery gas": (49.5, 15.7, 57_600),
    "other petroleum products": (40.2, 20.0, 73_300),
    "natural gas": (48.0, 15.3, 56_100),
}

# the stated mapping: CEADs fuel id -> IPCC 2006 fuel type
MAPPING = {
    "raw_coal": "other bituminous coal",
    "cleaned_coal": "coking coal",
    "other_washed_coal": "other bituminous coal",
    "briquettes": "patent fuel",
    "coke": "coke oven coke",
    "coke_oven_gas": "coke oven gas",
    "other_coking_products": "coal tar",
    "crude_oil": "crude oil",
    "gasoline": "motor gasoline",
    "kerosene": "other kerosene",
    "diesel_oil": "gas/diesel oil",
    "fuel_oil": "residual fuel oil",
    "lpg": "liquefied petroleum gases",
    "refinery_gas": "refinery gas",
    "other_petroleum_products": "other petroleum products",
    "natural_gas": "natural gas",
}
#: left out: per m3 in yearbooks, per mass in IPCC, no density assumed
NOT_SHIPPED = ("other_gas",)
#: coke oven gas per m3 as printed in the yearbook's table (GB/T 2589): 17,981 kJ/m3
#: (4,300 kcal/m3 x 4.1816 kJ/kcal = 17,980.9)
COG_NCV_KJ_M3 = 17_981.0
#: methane at 0 degC and 101.325 kPa, the set's stated density for natural gas
CH4_DENSITY = 0.7174

FS = load_factor_set("ipcc-2006")


def test_the_mapping_covers_the_17_ceads_fuels():
    ceads = [f for f in SCOPE1_FUELS if f != "process"]
    yearbook = [f for f in CEADS_FUEL_LABELS.values() if f not in ("heat", "electricity")]
    assert sorted(ceads) == sorted(yearbook) and len(ceads) == 17
    assert sorted([*MAPPING, *NOT_SHIPPED]) == sorted(ceads)
    assert all(f in FS for f in MAPPING)
    assert not any(f in FS for f in NOT_SHIPPED)


@pytest.mark.parametrize("fuel", sorted(MAPPING))
def test_factor_is_ncv_times_carbon_content_by_hand(fuel):
    ncv, cc, _ = IPCC[MAPPING[fuel]]
    f = FS.get(fuel)
    assert f.oxidation == 1.0
    if fuel == "natural_gas":
        # TJ/Gg = GJ/t = MJ/kg; x kg/m3 -> MJ/m3 = GJ per 1000 m3
        hand = ncv * CH4_DENSITY / 1000 * cc / 1000 * 44 / 12 * 1.0
    elif fuel == "coke_oven_gas":
        hand = COG_NCV_KJ_M3 / 1e6 * cc / 1000 * 44 / 12 * 1.0  # GJ/m3 x t C/GJ
    else:
        hand = ncv * cc / 1000 * 44 / 12 * 1.0  # GJ/t x t C/GJ x 44/12 x O
    assert f.co2_per_unit == pytest.approx(hand, rel=1e-9)
    assert f.tce_factor == pytest.approx(f.ncv / 29_307.6, rel=1e-12)


@pytest.mark.parametrize("ipcc_type", sorted(IPCC))
def test_carbon_contents_reproduce_the_printed_table_1_4_factors(ipcc_type):
    _, cc, printed = IPCC[ipcc_type]
    fuel = next(k for k, v in MAPPING.items() if v == ipcc_type)
    f = FS.get(fuel)
    # Table 1.4 prints 3 significant digits: 26.6 x 44/12 = 97.53 t -> 97,500
    assert f.carbon_content == cc
    assert f.carbon_content * 1000 * 44 / 12 == pytest.approx(printed, rel=2.5e-3)


def test_printed_values_of_the_new_rows():
    briq = FS.get("briquettes")
    assert (briq.ncv, briq.ncv_unit, briq.carbon_content) == (20_700.0, "kJ/kg", 26.6)
    # 20.7 GJ/t x 97.5 t CO2/TJ (Table 1.4) = 2.018 t CO2/t, to Table 1.4's rounding
    assert briq.co2_per_unit == pytest.approx(20.7 * 97.5 / 1000, rel=1e-3)
    tar = FS.get("other_coking_products")
    assert tar.co2_per_unit == pytest.approx(28.0 * 80.7 / 1000, rel=1e-3)
    cog = FS.get("coke_oven_gas")
    assert (cog.ncv, cog.ncv_unit, cog.physical_unit) == (17_981.0, "kJ/m3", "m3")
    # 0.017981 GJ/m3 x 12.1 kg C/GJ x 44/12 = 0.7978 kg CO2/m3
    assert cog.co2_per_unit * 1000 == pytest.approx(0.7978, rel=1e-4)
    # tce: 17,981 / 29,307.6 = 0.6135 kgce/m3 (the yearbook rounds to 0.6143 at 4.1868)
    assert cog.tce_factor == pytest.approx(0.6135, rel=1e-4)
    opp = FS.get("other_petroleum_products")
    assert opp.co2_per_unit == pytest.approx(40.2 * 73.3 / 1000, rel=1e-3)


def test_aliases_equal_their_ipcc_type_and_ranges_where_checked():
    for alias, base in (
        ("raw_coal", "coal"),
        ("other_washed_coal", "other_bituminous_coal"),
        ("cleaned_coal", "coking_coal"),
        ("diesel_oil", "diesel"),
    ):
        a, b = FS.get(alias), FS.get(base)
        assert a.co2_per_unit == b.co2_per_unit
        assert (a.ncv_lo, a.ncv_hi, a.cc_lo, a.cc_hi) == (b.ncv_lo, b.ncv_hi, b.cc_lo, b.cc_hi)
    # bounds that could not be cross-checked are not shipped
    for fuel in (
        "briquettes",
        "coke_oven_gas",
        "other_coking_products",
        "other_petroleum_products",
    ):
        assert FS.get(fuel).relative_uncertainty() is None
    for fuel in ("briquettes", "other_coking_products", "other_petroleum_products"):
        assert "no 95% range shipped" in FS.get(fuel).note
    assert "middlings" in FS.get("other_washed_coal").note


def _activity(rows):
    return pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])


STUDY = [
    (2020, "31", "raw_coal", 1000.0, "t"),
    (2020, "31", "cleaned_coal", 200.0, "t"),
    (2020, "31", "briquettes", 50.0, "t"),
    (2020, "31", "coke", 300.0, "t"),
    (2020, "31", "other_coking_products", 5.0, "t"),
    (2020, "25", "crude_oil", 400.0, "t"),
    (2020, "25", "refinery_gas", 20.0, "t"),
    (2020, "25", "other_petroleum_products", 30.0, "t"),
    (2020, "25", "diesel_oil", 12.0, "t"),
    (2020, "25", "natural_gas", 1_000_000.0, "m3"),
    (2020, "31", "coke_oven_gas", 2_000_000.0, "m3"),
]


def test_small_study_in_physical_ceads_fuels_by_hand():
    out = compute_emissions(_activity(STUDY), FS).set_index(["sector", "fuel"])["co2_t"]

    def ef(ipcc_type):  # t CO2 per t: GJ/t x t C/GJ x 44/12, oxidation 1.0
        ncv, cc, _ = IPCC[ipcc_type]
        return ncv * cc / 1000 * 44 / 12

    hand = {
        ("31", "raw_coal"): 1000 * ef("other bituminous coal"),
        ("31", "cleaned_coal"): 200 * ef("coking coal"),
        ("31", "briquettes"): 50 * ef("patent fuel"),
        ("31", "coke"): 300 * ef("coke oven coke"),
        ("31", "other_coking_products"): 5 * ef("coal tar"),
        ("25", "crude_oil"): 400 * ef("crude oil"),
        ("25", "refinery_gas"): 20 * ef("refinery gas"),
        ("25", "other_petroleum_products"): 30 * ef("other petroleum products"),
        ("25", "diesel_oil"): 12 * ef("gas/diesel oil"),
        ("25", "natural_gas"): 1e6 * CH4_DENSITY / 1000 * ef("natural gas"),
        ("31", "coke_oven_gas"): 2e6 * COG_NCV_KJ_M3 / 1e6 * 12.1 / 1000 * 44 / 12,
    }
    assert len(out) == len(hand)
    for key, value in hand.items():
        assert out[key] == pytest.approx(value, rel=1e-9), key
    # e.g. raw coal: 1000 t x 25.8 GJ/t x 0.0258 t C/GJ x 44/12 = 2440.68 t CO2
    assert out["31", "raw_coal"] == pytest.approx(2440.68, rel=1e-9)


def test_the_same_study_in_tens_of_thousands_of_tonnes_and_tce():
    """A yearbook prints 万吨 / 亿立方米; tce rows go through the tce factor (NCV / 29,307.6)."""
    wan = [
        (y, s, f, v / 1e4, "万吨") if u == "t" else (y, s, f, v / 1e8, "亿立方米")
        for y, s, f, v, u in STUDY
    ]
    rows = []
    for y, s, f, v, u in wan:
        unit = parse_unit(u)
        rows.append((y, s, f, v * unit.factor, unit.canonical))
    a = compute_emissions(_activity(STUDY), FS)["co2_t"].to_numpy()
    b = compute_emissions(_activity(rows), FS)["co2_t"].to_numpy()
    assert b == pytest.approx(a, rel=1e-12)
    tce = [(2020, "31", "briquettes", 50.0 * 20_700 / 29_307.6, "tce")]
    assert compute_emissions(_activity(tce), FS)["co2_t"].iloc[0] == pytest.approx(
        50 * 20.7 * 26.6 / 1000 * 44 / 12, rel=1e-12
    )


def test_other_gas_needs_the_study_s_ncv_per_m3():
    rows = [(2020, "31", "other_gas", 1e6, "m3")]
    with pytest.raises(InputError, match="other_gas") as exc:
        compute_emissions(_activity(rows), FS)
    assert "factors.csv" in str(exc.value)
    # the documented fix: one factors.csv row with the NCV per m3, IPCC carbon content
    row = {
        "fuel": "other_gas",
        "ncv": "3700",
        "ncv_unit": "kJ/m3",
        "physical_unit": "m3",
        "carbon_content": "70.8",
        "oxidation": "1.0",
    }
    fs = apply_overrides(FS, pd.DataFrame([row]))
    co2 = compute_emissions(_activity(rows), fs)["co2_t"].iloc[0]
    assert co2 == pytest.approx(1e6 * 3_700 / 1e6 * 70.8 / 1000 * 44 / 12, rel=1e-12)
    assert fs.get("other_gas").tce_factor == pytest.approx(3_700 / 29_307.6, rel=1e-12)


def test_cn_provincial_set_is_unchanged():
    fs = load_factor_set("cn-provincial-2011")
    assert fs.fuels == ("coal", "gasoline", "kerosene", "diesel", "fuel_oil", "lpg", "natural_gas")
    with pytest.raises(InputError, match="raw_coal"):
        compute_emissions(_activity([(2020, "31", "raw_coal", 1.0, "t")]), fs)


def test_accounting_step_runs_on_ceads_fuels_with_ipcc_2006():
    """The whole accounting step on a study in CEADs fuels: emissions by hand; fuels
    without a shipped range get the stated 5% default factor uncertainty."""
    from carbonpath.accounting.uncertainty_study import factor_uncertainty

    from .small_study import SECTORS, economy_table, run_accounting

    rows = [
        (2020, "26", "raw_coal", 100.0, "t"),
        (2020, "27", "briquettes", 10.0, "t"),
        (2020, "35", "coke_oven_gas", 50_000.0, "m3"),
        (2020, "C", "cleaned_coal", 1000.0, "t"),
        (2021, "26", "raw_coal", 80.0, "t"),
        (2021, "27", "diesel_oil", 12.0, "t"),
        (2021, "35", "other_petroleum_products", 5.0, "t"),
        (2021, "C", "cleaned_coal", 900.0, "t"),
    ]
    energy = _activity(rows)
    energy["dimension"] = energy["unit"].map({"t": "mass", "m3": "volume"})
    config = {"factor_set": "ipcc-2006", "uncertainty": {"draws": 500}}
    res = run_accounting(energy, economy_table(), SECTORS, config, seed=7)
    got = res.to_frame().set_index(["year", "sector", "fuel"])["co2_t"]
    hand = {
        (2020, "26", "raw_coal"): 100 * 25.8 * 25.8 / 1000 * 44 / 12,
        (2020, "27", "briquettes"): 10 * 20.7 * 26.6 / 1000 * 44 / 12,
        (2020, "35", "coke_oven_gas"): 50_000 * 17_981 / 1e6 * 12.1 / 1000 * 44 / 12,
        (2020, "C", "cleaned_coal"): 1000 * 28.2 * 25.8 / 1000 * 44 / 12,
        (2021, "26", "raw_coal"): 80 * 25.8 * 25.8 / 1000 * 44 / 12,
        (2021, "27", "diesel_oil"): 12 * 43.0 * 20.2 / 1000 * 44 / 12,
        (2021, "35", "other_petroleum_products"): 5 * 40.2 * 20.0 / 1000 * 44 / 12,
        (2021, "C", "cleaned_coal"): 900 * 28.2 * 25.8 / 1000 * 44 / 12,
    }
    for key, value in hand.items():
        assert got[key] == pytest.approx(value, rel=1e-9), key
    u, info = factor_uncertainty(["briquettes", "raw_coal"], FS, None)
    assert u["briquettes"] == pytest.approx(0.05)
    # raw coal: product rule over the other bituminous coal bounds (Tables 1.2 and 1.3)
    u_ncv, u_cc = (30.5 - 19.9) / 2 / 25.8, (27.2 - 24.4) / 2 / 25.8
    assert u["raw_coal"] == pytest.approx((u_ncv**2 + u_cc**2) ** 0.5, rel=1e-12)
    assert "default" in info.set_index("fuel").loc["briquettes", "source"]
