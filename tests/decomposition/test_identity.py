"""Kaya and user identities: a hand-built 3-region Kaya example, zeros, the identity check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.decomposition import identity as ident
from carbonpath.decomposition.identity import KAYA, IdentityMismatchError, user_identity


def L(a: float, b: float) -> float:
    """Logarithmic mean written out for the tests."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


# three regions, 2020 -> 2021: population (10^6), GDP (10^9 yuan), energy (PJ), CO2 (Mt)
#          P0  P1    G0   G1    E0  E1    C0  C1
KAYA_DATA = {
    "A": (10.0, 11.0, 100.0, 120.0, 50.0, 54.0, 40.0, 41.0),
    "B": (20.0, 20.0, 150.0, 160.0, 80.0, 76.0, 70.0, 60.0),
    "C": (5.0, 6.0, 30.0, 33.0, 20.0, 25.0, 15.0, 20.0),
}


def kaya_levels() -> pd.DataFrame:
    rows = []
    for r, (p0, p1, g0, g1, e0, e1, c0, c1) in KAYA_DATA.items():
        rows.append((r, 2020, p0, g0, e0, c0))
        rows.append((r, 2021, p1, g1, e1, c1))
    return pd.DataFrame(rows, columns=["region", "year", "population", "gdp", "energy", "co2"])


def kaya_by_hand(region_share: bool) -> dict[str, dict[str, float]]:
    """dC_x,r = L(C_r^1, C_r^0) ln(X_r^1 / X_r^0) for every factor, written out."""
    p0 = sum(v[0] for v in KAYA_DATA.values())  # 35
    p1 = sum(v[1] for v in KAYA_DATA.values())  # 37
    out: dict[str, dict[str, float]] = {}
    for r, (a0, a1, g0, g1, e0, e1, c0, c1) in KAYA_DATA.items():
        w = L(c1, c0)
        eff = {
            "affluence": w * math.log((g1 / a1) / (g0 / a0)),
            "energy_intensity": w * math.log((e1 / g1) / (e0 / g0)),
            "carbon_intensity": w * math.log((c1 / e1) / (c0 / e0)),
        }
        if region_share:
            eff["population"] = w * math.log(p1 / p0)
            eff["region_share"] = w * math.log((a1 / p1) / (a0 / p0))
        else:
            eff["population"] = w * math.log(a1 / a0)
        out[r] = eff
    out["total"] = {x: sum(out[r][x] for r in KAYA_DATA) for x in out["A"]}
    return out


def test_kaya_three_regions_against_hand_calculation() -> None:
    res = ident.decompose_identity(kaya_levels(), KAYA, periods="first_last")
    assert res.mode == "kaya" and res.keys == ("region",)
    assert res.effect_names == (
        "population",
        "region_share",
        "affluence",
        "energy_intensity",
        "carbon_intensity",
    )
    eff = res.effects.set_index(["region", "effect"])
    hand = kaya_by_hand(region_share=True)
    for r, effects in hand.items():
        for x, v in effects.items():
            assert eff.loc[(r, x), "additive"] == pytest.approx(v, rel=1e-12, abs=1e-12)
    # one number computed by hand: the population effect of region A,
    # L(41, 40) ln(37/35) = 40.4979... * 0.0555698...
    assert eff.loc[("A", "population"), "additive"] == pytest.approx(
        (41 - 40) / math.log(41 / 40) * math.log(37 / 35), rel=1e-14
    )
    # effects sum to the change (121 - 125 = -4), per region and in total
    sums = res.effects.groupby("region")["additive"].sum()
    assert sums["total"] == pytest.approx(-4.0, abs=1e-9)
    for r, v in KAYA_DATA.items():
        assert sums[r] == pytest.approx(v[7] - v[6], abs=1e-9)
    # multiplicative effects multiply to the ratio (121 / 125), within 1e-12
    prods = res.effects.groupby("region")["multiplicative"].prod()
    assert prods["total"] == pytest.approx(121.0 / 125.0, rel=1e-12)
    big_l = L(121.0, 125.0)
    for x, v in hand["total"].items():
        assert eff.loc[("total", x), "multiplicative"] == pytest.approx(
            math.exp(v / big_l), rel=1e-12
        )
    tot = res.totals.set_index("region")
    assert tot.loc["total", "co2_start"] == 125.0 and tot.loc["total", "co2_end"] == 121.0


def test_kaya_without_region_share_and_chained() -> None:
    res = ident.decompose_identity(kaya_levels(), KAYA, periods="first_last", region_share=False)
    assert "region_share" not in res.effect_names
    eff = res.effects.set_index(["region", "effect"])["additive"]
    hand = kaya_by_hand(region_share=False)
    for r, effects in hand.items():
        for x, v in effects.items():
            assert eff.loc[(r, x)] == pytest.approx(v, rel=1e-12, abs=1e-12)


def test_user_identity_equals_kaya_with_population_and_affluence_merged() -> None:
    user = user_identity(["gdp", "energy/gdp", "co2/energy"])
    assert user.to_setting() == ["gdp", "energy/gdp", "co2/energy"]
    a = ident.decompose_identity(kaya_levels(), user, periods="first_last", region_share=False)
    k = ident.decompose_identity(kaya_levels(), KAYA, periods="first_last", region_share=False)
    ae = a.effects.set_index(["region", "effect"])["additive"]
    ke = k.effects.set_index(["region", "effect"])["additive"]
    for r in ("A", "B", "C", "total"):
        assert ae[(r, "gdp")] == pytest.approx(
            ke[(r, "population")] + ke[(r, "affluence")], rel=1e-12
        )
        assert ae[(r, "energy/gdp")] == pytest.approx(ke[(r, "energy_intensity")], rel=1e-12)
        assert ae[(r, "co2/energy")] == pytest.approx(ke[(r, "carbon_intensity")], rel=1e-12)


def test_single_unit_and_sectors_as_units() -> None:
    one = kaya_levels()
    one = one[one["region"] == "A"].drop(columns="region")
    res = ident.decompose_identity(one, KAYA, periods="first_last")
    assert res.keys == () and list(res.effects.columns[:2]) == ["period_start", "period_end"]
    hand = kaya_by_hand(region_share=False)["A"]
    got = res.effects.set_index("effect")["additive"]
    for x, v in hand.items():
        assert got[x] == pytest.approx(v, rel=1e-12)
    # units as sectors: the activity's sector share is the structure effect
    sec = kaya_levels().rename(columns={"region": "sector"})
    res = ident.decompose_identity(sec, KAYA, periods="first_last")
    assert res.effect_names[:2] == ("population", "structure")
    eff = res.effects.set_index(["sector", "effect"])["additive"]
    hand = kaya_by_hand(region_share=True)
    assert eff[("B", "structure")] == pytest.approx(hand["B"]["region_share"], rel=1e-12)


def test_zero_co2_in_one_year_goes_to_the_zero_factor() -> None:
    """Region C emits nothing in 2020 (energy from non-fossil sources): the whole change
    of C goes to the carbon intensity of energy, the factor that is zero (Ang & Liu 2007)."""
    lv = kaya_levels()
    lv.loc[(lv["region"] == "C") & (lv["year"] == 2020), "co2"] = 0.0
    res = ident.decompose_identity(lv, KAYA, periods="first_last")
    eff = res.effects.set_index(["region", "effect"])["additive"]
    assert eff[("C", "carbon_intensity")] == 20.0
    for x in ("population", "region_share", "affluence", "energy_intensity"):
        assert eff[("C", x)] == 0.0
    assert res.zero_cells["assigned_to"].tolist() == ["carbon_intensity"]
    check = ident.identity_delta_sensitivity(lv, KAYA, periods="first_last")
    assert check.insensitive and check.max_abs_diff == 0.0
    sums = res.effects.groupby("region")["additive"].sum()
    assert sums["total"] == pytest.approx(121.0 - 110.0, abs=1e-9)


def test_identity_check_names_the_cell() -> None:
    lv = kaya_levels().assign(gdp_per_capita=lambda d: d["gdp"] / d["population"])
    user = user_identity(["population", "gdp_per_capita", "energy/gdp", "co2/energy"])
    ident.decompose_identity(lv, user, periods="first_last")  # holds
    lv.loc[(lv["region"] == "B") & (lv["year"] == 2021), "gdp_per_capita"] *= 1.01
    with pytest.raises(IdentityMismatchError) as exc:
        ident.decompose_identity(lv, user, periods="first_last")
    msg = str(exc.value)
    assert "region B, year 2021" in msg and exc.value.key == "decomposition.identity"
    assert exc.value.cell == {"region": "B", "year": 2021}
    assert "\n" not in msg
    # within the stated tolerance the identity holds
    lv.loc[(lv["region"] == "B") & (lv["year"] == 2021), "gdp_per_capita"] /= 1.01
    lv.loc[(lv["region"] == "B") & (lv["year"] == 2021), "gdp_per_capita"] *= 1 + 0.5e-6
    ident.decompose_identity(lv, user, periods="first_last")


def test_input_errors() -> None:
    lv = kaya_levels()
    with pytest.raises(InputError, match="lacks columns"):
        ident.decompose_identity(lv.drop(columns="energy"), KAYA)
    bad = lv.copy()
    bad.loc[0, "gdp"] = np.nan
    with pytest.raises(InputError, match="gdp is missing or negative in region A, year 2020"):
        ident.decompose_identity(bad, KAYA)
    with pytest.raises(InputError, match="must be a variable"):
        user_identity(["gdp/population", "co2/gdp"])
    with pytest.raises(InputError, match="not a variable or a ratio"):
        user_identity(["gdp", "co2*gdp"])
    with pytest.raises(InputError, match="2 to"):
        user_identity(["gdp"])
    with pytest.raises(InputError, match="twice"):
        user_identity(["gdp", "co2/gdp", "co2/gdp"])
