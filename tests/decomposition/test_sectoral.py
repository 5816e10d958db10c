"""LMDI-I of the sectoral identity on tidy tables, against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.decomposition import frames, lmdi, sectoral


def L(a: float, b: float) -> float:
    """Logarithmic mean written out for the tests."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


# --- hand example: two sectors (A, B), two fuels (coal, gas), years 2020 -> 2021 ----------
# output (yuan):   A 100 -> 120, B 50 -> 90            Q 150 -> 210
# energy (GJ):     A coal 40 -> 30, gas 10 -> 20      E_A 50 -> 50
#                  B coal  5 ->  4, gas 15 -> 26      E_B 20 -> 30
# factor (t/GJ):   coal 2 -> 2, gas 1 -> 1.1
# CO2 (t):         A coal 80 -> 60, gas 10 -> 22
#                  B coal 10 ->  8, gas 15 -> 28.6     C 115 -> 118.6
HAND_OUTPUT = {("A", 2020): 100.0, ("B", 2020): 50.0, ("A", 2021): 120.0, ("B", 2021): 90.0}
HAND_ENERGY = {
    ("A", "coal", 2020): 40.0,
    ("A", "gas", 2020): 10.0,
    ("B", "coal", 2020): 5.0,
    ("B", "gas", 2020): 15.0,
    ("A", "coal", 2021): 30.0,
    ("A", "gas", 2021): 20.0,
    ("B", "coal", 2021): 4.0,
    ("B", "gas", 2021): 26.0,
}
HAND_CO2 = {
    ("A", "coal", 2020): 80.0,
    ("A", "gas", 2020): 10.0,
    ("B", "coal", 2020): 10.0,
    ("B", "gas", 2020): 15.0,
    ("A", "coal", 2021): 60.0,
    ("A", "gas", 2021): 22.0,
    ("B", "coal", 2021): 8.0,
    ("B", "gas", 2021): 28.6,
}


def hand_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    co2 = pd.DataFrame(
        [(y, s, f, v) for (s, f, y), v in HAND_CO2.items()],
        columns=["year", "sector", "fuel", "co2_t"],
    )
    energy = pd.DataFrame(
        [(y, s, f, v) for (s, f, y), v in HAND_ENERGY.items()],
        columns=["year", "sector", "fuel", "value"],
    )
    output = pd.DataFrame(
        [(y, s, v) for (s, y), v in HAND_OUTPUT.items()], columns=["year", "sector", "value"]
    )
    return co2, energy, output


def hand_effects() -> dict[str, dict[str, float]]:
    """Every factor ratio written out, then dC_X = sum L(C^T, C^0) ln(X^T/X^0)."""
    w = {
        ("A", "coal"): L(60.0, 80.0),
        ("A", "gas"): L(22.0, 10.0),
        ("B", "coal"): L(8.0, 10.0),
        ("B", "gas"): L(28.6, 15.0),
    }
    ln_q = math.log(210.0 / 150.0)
    ln_s = {"A": math.log((120 / 210) / (100 / 150)), "B": math.log((90 / 210) / (50 / 150))}
    ln_i = {"A": math.log((50 / 120) / (50 / 100)), "B": math.log((30 / 90) / (20 / 50))}
    ln_m = {
        ("A", "coal"): math.log((30 / 50) / (40 / 50)),
        ("A", "gas"): math.log((20 / 50) / (10 / 50)),
        ("B", "coal"): math.log((4 / 30) / (5 / 20)),
        ("B", "gas"): math.log((26 / 30) / (15 / 20)),
    }
    ln_u = {
        ("A", "coal"): math.log((60 / 30) / (80 / 40)),
        ("A", "gas"): math.log((22 / 20) / (10 / 10)),
        ("B", "coal"): math.log((8 / 4) / (10 / 5)),
        ("B", "gas"): math.log((28.6 / 26) / (15 / 15)),
    }
    out: dict[str, dict[str, float]] = {s: {} for s in ("A", "B", "total")}
    for s in ("A", "B"):
        cells = [(s, "coal"), (s, "gas")]
        out[s]["activity"] = sum(w[c] * ln_q for c in cells)
        out[s]["structure"] = sum(w[c] * ln_s[s] for c in cells)
        out[s]["intensity"] = sum(w[c] * ln_i[s] for c in cells)
        out[s]["mix"] = sum(w[c] * ln_m[c] for c in cells)
        out[s]["emission_factor"] = sum(w[c] * ln_u[c] for c in cells)
    for x in lmdi.ENERGY_EFFECTS:
        out["total"][x] = out["A"][x] + out["B"][x]
    return out


def test_hand_example_additive_and_multiplicative() -> None:
    co2, energy, output = hand_tables()
    res = sectoral.decompose(co2, output, energy, periods="first_last")
    expected = hand_effects()
    eff = res.effects.set_index(["sector", "effect"])
    for sector, effects in expected.items():
        for x, value in effects.items():
            assert eff.loc[(sector, x), "additive"] == pytest.approx(value, rel=1e-9, abs=1e-12)
    # multiplicative written out: D_X = exp(sum_ij L(C_ij) / L(C^T, C^0) * ln ratio)
    big_l = L(118.6, 115.0)
    for x, value in expected["total"].items():
        assert eff.loc[("total", x), "multiplicative"] == pytest.approx(
            math.exp(value / big_l), rel=1e-12
        )
    # hand-calculated numbers (independent of the formula code): activity effect
    w_sum = L(60, 80) + L(22, 10) + L(8, 10) + L(28.6, 15)
    assert eff.loc[("total", "activity"), "additive"] == pytest.approx(
        w_sum * math.log(1.4), rel=1e-12
    )
    assert res.mode == "energy"
    assert eff.loc[("total", "emission_factor"), "additive"] > 0  # gas factor rose


def test_additive_sums_and_multiplicative_products() -> None:
    co2, energy, output = hand_tables()
    res = sectoral.decompose(co2, output, energy, periods="chained")
    tot = res.totals.set_index("sector")
    sums = res.effects.groupby("sector")["additive"].sum()
    prods = res.effects.groupby("sector")["multiplicative"].prod()
    assert sums["total"] == pytest.approx(118.6 - 115.0, abs=1e-9)
    for s in ("A", "B", "total"):
        assert abs(sums[s] - tot.loc[s, "change"]) < 1e-9
        assert prods[s] == pytest.approx(tot.loc[s, "co2_end"] / tot.loc[s, "co2_start"], rel=1e-12)


def dyadic_tables(factor_change: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Exactly representable data: factors 0.5 (coal) and 0.25 (gas)."""
    factors = {"coal": 0.5, "gas": 0.25}
    energy_rows = []
    co2_rows = []
    out_rows = []
    values = {
        2018: {("s1", "coal"): 64.0, ("s1", "gas"): 32.0, ("s2", "coal"): 16.0, ("s2", "gas"): 8.0},
        2019: {("s1", "coal"): 48.0, ("s1", "gas"): 40.0, ("s2", "coal"): 8.0, ("s2", "gas"): 24.0},
        2020: {("s1", "coal"): 32.0, ("s1", "gas"): 56.0, ("s2", "coal"): 4.0, ("s2", "gas"): 32.0},
    }
    for year, cells in values.items():
        out_rows += [(year, "s1", 1024.0 + year - 2018), (year, "s2", 512.0 * (year - 2016))]
        for (s, f), e in cells.items():
            energy_rows.append((year, s, f, e))
            u = factors[f] * (2.0 if factor_change and year == 2020 and f == "gas" else 1.0)
            co2_rows.append((year, s, f, e * u))
        energy_rows.append((year, "s1", "electricity", 100.0 + year - 2018))  # no direct CO2
    return (
        pd.DataFrame(co2_rows, columns=["year", "sector", "fuel", "co2_t"]),
        pd.DataFrame(energy_rows, columns=["year", "sector", "fuel", "value"]),
        pd.DataFrame(out_rows, columns=["year", "sector", "value"]),
    )


def test_emission_factor_effect_zero_when_factors_constant() -> None:
    co2, energy, output = dyadic_tables(factor_change=False)
    res = sectoral.decompose(co2, output, energy, periods=["chained", "first_last"])
    ef = res.effects[res.effects["effect"] == "emission_factor"]
    assert (ef["additive"] == 0.0).all()
    assert (ef["multiplicative"] == 1.0).all()
    # and it is not zero when a factor changes (the test can fail)
    co2c, energyc, outputc = dyadic_tables(factor_change=True)
    resc = sectoral.decompose(co2c, outputc, energyc, periods="first_last")
    efc = resc.effects[
        (resc.effects["effect"] == "emission_factor") & (resc.effects["sector"] == "total")
    ]
    assert float(efc["additive"].iloc[0]) > 0


def zero_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Coal drops to zero in s1 after 2016; refinery gas appears in s2 in 2017."""
    energy = [
        (2015, "s1", "coal", 50.0),
        (2015, "s1", "gas", 20.0),
        (2016, "s1", "coal", 10.0),
        (2016, "s1", "gas", 40.0),
        (2017, "s1", "coal", 0.0),
        (2017, "s1", "gas", 45.0),
        (2015, "s2", "gas", 30.0),
        (2016, "s2", "gas", 33.0),
        (2017, "s2", "gas", 31.0),
        (2017, "s2", "refinery_gas", 12.0),
    ]
    factor = {"coal": 0.095, "gas": 0.056, "refinery_gas": 0.066}
    co2 = [(y, s, f, e * factor[f]) for y, s, f, e in energy]
    output = [(2015, "s1", 200.0), (2016, "s1", 230.0), (2017, "s1", 260.0)]
    output += [(2015, "s2", 100.0), (2016, "s2", 90.0), (2017, "s2", 120.0)]
    return (
        pd.DataFrame(co2, columns=["year", "sector", "fuel", "co2_t"]),
        pd.DataFrame(energy, columns=["year", "sector", "fuel", "value"]),
        pd.DataFrame(output, columns=["year", "sector", "value"]),
    )


def test_zero_handling_insensitive_to_delta() -> None:
    co2, energy, output = zero_tables()
    a = sectoral.decompose(co2, output, energy, periods=["chained", "first_last"], delta=1e-10)
    b = sectoral.decompose(co2, output, energy, periods=["chained", "first_last"], delta=1e-20)
    np.testing.assert_allclose(b.effects["additive"], a.effects["additive"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(b.effects["multiplicative"], a.effects["multiplicative"], rtol=1e-6)
    check = sectoral.delta_sensitivity(co2, output, energy, periods=["chained", "first_last"])
    assert check.insensitive and check.max_rel_diff <= 1e-6
    assert len(a.zero_cells) > 0
    # sums stay exact with zeros
    sums = a.effects.groupby(["period_start", "period_end", "sector"])["additive"].sum()
    changes = a.totals.set_index(["period_start", "period_end", "sector"])["change"]
    assert (sums - changes).abs().max() < 1e-9


def test_small_value_only_is_flagged_as_sensitive() -> None:
    co2, energy, output = zero_tables()
    check = sectoral.delta_sensitivity(co2, output, energy, periods="chained", zero_limits=False)
    assert not check.insensitive


def test_inventory_mode_matches_energy_mode_with_one_fuel_per_sector() -> None:
    # with one fuel per sector, emission intensity = intensity + mix + emission factor
    co2 = pd.DataFrame(
        [
            (2020, "a", "gas", 30.0),
            (2020, "b", "coal", 70.0),
            (2021, "a", "gas", 33.0),
            (2021, "b", "coal", 60.0),
        ],
        columns=["year", "sector", "fuel", "co2_t"],
    )
    energy = pd.DataFrame(
        [
            (2020, "a", "gas", 500.0),
            (2020, "b", "coal", 700.0),
            (2021, "a", "gas", 520.0),
            (2021, "b", "coal", 640.0),
        ],
        columns=["year", "sector", "fuel", "value"],
    )
    output = pd.DataFrame(
        [(2020, "a", 1000.0), (2020, "b", 400.0), (2021, "a", 1100.0), (2021, "b", 390.0)],
        columns=["year", "sector", "value"],
    )
    inv = sectoral.decompose(co2, output, None, periods="first_last")
    en = sectoral.decompose(co2, output, energy, periods="first_last")
    assert inv.mode == "inventory"
    assert set(inv.effects["effect"]) == set(lmdi.INVENTORY_EFFECTS)
    assert any("inventory mode" in n for n in inv.notes)
    ie = inv.effects.set_index(["sector", "effect"])["additive"]
    ee = en.effects.set_index(["sector", "effect"])["additive"]
    combined = (
        ee.loc[("total", "intensity")]
        + ee.loc[("total", "mix")]
        + ee.loc[("total", "emission_factor")]
    )
    assert ie.loc[("total", "emission_intensity")] == pytest.approx(combined, rel=1e-12)
    # hand: activity = L(33,30) ln(1490/1400) + L(60,70) ln(1490/1400)
    assert ie.loc[("total", "activity")] == pytest.approx(
        (L(33, 30) + L(60, 70)) * math.log(1490 / 1400), rel=1e-12
    )


def test_chained_effects_sum_to_total_change() -> None:
    co2, energy, output = dyadic_tables(factor_change=True)
    res = sectoral.decompose(co2, output, energy, periods=["chained", "first_last"])
    chained = frames.chain_effects(res)
    assert set(zip(chained["period_start"], chained["period_end"], strict=True)) == {(2018, 2020)}
    tot = res.totals[
        (res.totals["sector"] == "total")
        & (res.totals["period_start"] == 2018)
        & (res.totals["period_end"] == 2020)
    ]
    change = float(tot["change"].iloc[0])
    ratio = float(tot["ratio"].iloc[0])
    ch_tot = chained[chained["sector"] == "total"]
    assert float(ch_tot["additive"].sum()) == pytest.approx(change, abs=1e-9)
    assert float(ch_tot["multiplicative"].prod()) == pytest.approx(ratio, rel=1e-12)


def test_periods_and_input_errors() -> None:
    assert frames.resolve_periods([2015, 2016, 2017], ["chained", "first_last"]) == [
        (2015, 2016),
        (2016, 2017),
        (2015, 2017),
    ]
    with pytest.raises(InputError, match="outside the data"):
        frames.resolve_periods([2015, 2016], [(2014, 2016)])
    with pytest.raises(InputError):
        frames.resolve_periods([2015, 2016], ["yearly"])
    co2, energy, output = hand_tables()
    bad = energy.copy()
    bad.loc[0, "value"] = 0.0  # CO2 without energy
    with pytest.raises(InputError, match="CO2 without energy"):
        sectoral.decompose(co2, output, bad)
    with pytest.raises(InputError, match="GJ"):
        sectoral.decompose(co2, output, energy.assign(unit="t"))
    with pytest.raises(InputError, match="no output"):
        sectoral.decompose(co2, output[output["sector"] == "A"], energy)


# --- several regions: region share as a structure effect -----------------------------
def two_region_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Region N: the hand example's sectors A, B; region S: sector A with coal only,
    growing fast (its output share of the two regions rises)."""
    co2, energy, output = hand_tables()
    co2, energy, output = (t.assign(region="N") for t in (co2, energy, output))
    extra_e = [(2020, "A", "coal", 30.0), (2021, "A", "coal", 45.0)]
    co2_s = pd.DataFrame(
        [(y, s, f, 2.0 * e, "S") for y, s, f, e in extra_e],
        columns=["year", "sector", "fuel", "co2_t", "region"],
    )
    energy_s = pd.DataFrame(
        [(*r, "S") for r in extra_e], columns=["year", "sector", "fuel", "value", "region"]
    )
    output_s = pd.DataFrame(
        [(2020, "A", 60.0, "S"), (2021, "A", 100.0, "S")],
        columns=["year", "sector", "value", "region"],
    )
    return (
        pd.concat([co2, co2_s], ignore_index=True),
        pd.concat([energy, energy_s], ignore_index=True),
        pd.concat([output, output_s], ignore_index=True),
    )


def test_multi_region_region_share_by_hand_and_against_pooled_sectors() -> None:
    co2, energy, output = two_region_tables()
    res = sectoral.decompose(co2, output, energy, periods="first_last")
    assert res.keys == ("region", "sector")
    assert res.effect_names == (
        "activity",
        "region_share",
        "structure",
        "intensity",
        "mix",
        "emission_factor",
    )
    eff = res.effects.set_index(["region", "sector", "effect"])["additive"]
    # region share by hand: Q 210 -> 310, Q_N 150 -> 210, Q_S 60 -> 100
    w_n = L(60.0, 80.0) + L(22.0, 10.0) + L(8.0, 10.0) + L(28.6, 15.0)
    w_s = L(90.0, 60.0)
    assert eff[("N", "total", "region_share")] == pytest.approx(
        w_n * math.log((210 / 310) / (150 / 210)), rel=1e-12
    )
    assert eff[("S", "A", "region_share")] == pytest.approx(
        w_s * math.log((100 / 310) / (60 / 210)), rel=1e-12
    )
    assert eff[("N", "A", "activity")] == pytest.approx(
        (L(60.0, 80.0) + L(22.0, 10.0)) * math.log(310 / 210), rel=1e-12
    )
    # within region N the structure effect is the sector share of N's output
    assert eff[("N", "B", "structure")] == pytest.approx(
        (L(8.0, 10.0) + L(28.6, 15.0)) * math.log((90 / 210) / (50 / 150)), rel=1e-12
    )
    # the same rows pooled as sectors of one region: Q * (Q_r/Q) * (Q_ri/Q_r) = Q * Q_ri/Q
    pooled = [
        t.assign(sector=t["region"] + ":" + t["sector"]).drop(columns="region")
        for t in (co2, energy, output)
    ]
    p = sectoral.decompose(pooled[0], pooled[2], pooled[1], periods="first_last")
    pe = p.effects.set_index(["sector", "effect"])["additive"]
    for r, s in (("N", "A"), ("N", "B"), ("S", "A")):
        for x in ("activity", "intensity", "mix", "emission_factor"):
            assert eff[(r, s, x)] == pytest.approx(pe[(f"{r}:{s}", x)], rel=1e-12)
        assert eff[(r, s, "region_share")] + eff[(r, s, "structure")] == pytest.approx(
            pe[(f"{r}:{s}", "structure")], rel=1e-12, abs=1e-12
        )
    # every scope sums to its change; totals over regions per sector and overall
    sums = res.effects.groupby(["region", "sector"])["additive"].sum()
    changes = res.totals.set_index(["region", "sector"])["change"]
    assert (sums - changes).abs().max() < 1e-9
    assert changes[("total", "total")] == pytest.approx((118.6 + 90.0) - (115.0 + 60.0), abs=1e-12)
    assert changes[("total", "A")] == pytest.approx((60 + 22 + 90) - (80 + 10 + 60), abs=1e-12)
    prods = res.effects.groupby(["region", "sector"])["multiplicative"].prod()
    ratios = res.totals.set_index(["region", "sector"])["ratio"]
    assert (prods - ratios).abs().max() < 1e-12
    rows = list(zip(res.totals["region"], res.totals["sector"], strict=True))
    assert rows == [
        ("N", "A"),
        ("N", "B"),
        ("N", "total"),
        ("S", "A"),
        ("S", "total"),
        ("total", "A"),
        ("total", "B"),
        ("total", "total"),
    ]


def test_one_region_column_changes_no_number() -> None:
    co2, energy, output = dyadic_tables(factor_change=True)
    plain = sectoral.decompose(co2, output, energy, periods=["chained", "first_last"])
    tagged = sectoral.decompose(
        co2.assign(region="BJ"),
        output.assign(region="BJ"),
        energy.assign(region="BJ"),
        periods=["chained", "first_last"],
    )
    assert tagged.effect_names == plain.effect_names
    assert (tagged.effects["region"] == "BJ").all()
    np.testing.assert_array_equal(tagged.effects["additive"], plain.effects["additive"])
    np.testing.assert_array_equal(tagged.effects["multiplicative"], plain.effects["multiplicative"])
    assert list(tagged.effects["sector"]) == list(plain.effects["sector"])
    with pytest.raises(InputError, match="region column"):
        sectoral.decompose(co2.assign(region="BJ"), output, energy)


def test_multi_region_chained_and_inventory() -> None:
    co2, energy, output = two_region_tables()
    inv = sectoral.decompose(co2, output, None, periods="first_last")
    assert inv.effect_names == ("activity", "region_share", "structure", "emission_intensity")
    sums = inv.effects.groupby(["region", "sector"])["additive"].sum()
    changes = inv.totals.set_index(["region", "sector"])["change"]
    assert (sums - changes).abs().max() < 1e-9
    # with one fuel in a row (S, A) energy-mode intensity + mix + factor = the
    # inventory-mode emission intensity (the LMDI weights are the same)
    en = sectoral.decompose(co2, output, energy, periods="first_last").effects
    ee = en.set_index(["region", "sector", "effect"])["additive"]
    ie = inv.effects.set_index(["region", "sector", "effect"])["additive"]
    for r, s in (("S", "A"),):
        combined = sum(ee[(r, s, x)] for x in ("intensity", "mix", "emission_factor"))
        assert ie[(r, s, "emission_intensity")] == pytest.approx(combined, rel=1e-12)
        assert ie[(r, s, "region_share")] == pytest.approx(ee[(r, s, "region_share")], rel=1e-12)
    chained = frames.chain_effects(inv)
    assert chained.empty and list(chained.columns)[2:4] == ["region", "sector"]
