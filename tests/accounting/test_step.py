"""Study-level accounting on a small study computed by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from carbonpath.accounting.step import (
    co2_by_sector_fuel,
    run_accounting,
    validate_config,
)
from carbonpath.core.errors import InputError, StudyError

# factors of the paper's Table 5 written out (t CO2 per t / per m3)
F_COAL = 20.934 * 0.02637 * 0.94 * 44 / 12
F_DIESEL = 42.705 * 0.0202 * 0.98 * 44 / 12
F_FO = 41.816 * 0.0211 * 0.98 * 44 / 12
F_GAS = 0.038979 * 0.0153 * 0.99 * 44 / 12

SECTORS = pd.DataFrame(
    {
        "code": ["26", "27", "35", "C", "R"],
        "name": ["chem", "pharma", "special", "manufacturing", "region"],
        "group": ["other", "pharma", "other", "", ""],
        "role": ["member", "member", "member", "reference", "region"],
    }
)


def energy_table(extra=()):
    rows = [
        (2020, "26", "coal", 100.0, "t"),
        (2020, "26", "electricity", 3600.0, "GJ"),
        (2020, "27", "diesel", 10.0, "t"),
        (2020, "35", "natural_gas", 10_000.0, "m3"),
        (2020, "C", "coal", 1000.0, "t"),
        (2021, "26", "coal", 80.0, "t"),
        (2021, "26", "fuel_oil", 50.0, "t"),
        (2021, "26", "electricity", 7200.0, "GJ"),
        (2021, "27", "diesel", 12.0, "t"),
        (2021, "35", "natural_gas", 10_000.0, "m3"),
        (2021, "C", "coal", 900.0, "t"),
        *extra,
    ]
    df = pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])
    df["dimension"] = df["unit"].map({"t": "mass", "m3": "volume", "GJ": "energy"})
    return df


OUTPUT = {
    (2020, "26"): 1e8,
    (2020, "27"): 2e8,
    (2020, "35"): 5e7,
    (2020, "C"): 1e10,
    (2021, "26"): 2e8,
    (2021, "27"): 2e8,
    (2021, "35"): 5e7,
    (2021, "C"): 1e10,
}
EMPLOYMENT = {k: 100.0 for k in OUTPUT}
ENERGY_TOTAL_TCE = {k: 50.0 for k in OUTPUT}


def economy_table(output=OUTPUT, energy_total=True):
    rows = []
    for (y, s), v in output.items():
        rows.append((y, s, "output_value", v, "yuan"))
        rows.append((y, s, "employment", EMPLOYMENT[(y, s)], "person"))
        if energy_total:
            rows.append((y, s, "energy_total", ENERGY_TOTAL_TCE[(y, s)] * 29.3076, "GJ"))
    return pd.DataFrame(rows, columns=["year", "sector", "variable", "value", "unit"])


def run(config=None, energy=None, economy=None, **kw):
    return run_accounting(
        energy_table() if energy is None else energy,
        economy_table() if economy is None else economy,
        SECTORS,
        config if config is not None else {"uncertainty": {"draws": 2000}},
        seed=7,
        **kw,
    )


def rec(records, **where):
    hits = [r for r in records if all(r.get(k) == v for k, v in where.items())]
    assert len(hits) == 1, where
    return hits[0]


def test_keys_are_exactly_the_contract():
    d = run().to_dict()
    assert list(d) == [
        "by_sector",
        "by_fuel",
        "by_group",
        "total",
        "intensity",
        "yoy_by_fuel",
        "scope2",
        "uncertainty",
        "settings",
    ]
    assert set(d["uncertainty"]) == {
        "enabled",
        "approach1",
        "approach2",
        "rank_probability",
        "trend",
        "settings",
    }
    json.dumps(d, allow_nan=False)
    assert set(d["intensity"][0]) == {
        "year",
        "scope",
        "scope_type",
        "co2_t",
        "output_value_yuan",
        "intensity_t_per_1e8_yuan",
        "energy_tce",
        "efficiency_yuan_per_tce",
        "employment",
        "co2_per_employee_t",
        "electricity_kwh",
        "electricity_kwh_per_1e4_yuan",
        "share_of_reference",
        "rank_intensity",
        "rank_efficiency",
    }


def test_sector_group_total_by_hand():
    d = run().to_dict()
    c26 = 100 * F_COAL
    c27 = 10 * F_DIESEL
    c35 = 10_000 * F_GAS
    cref = 1000 * F_COAL
    assert rec(d["by_sector"], year=2020, sector="26")["co2_t"] == pytest.approx(c26, rel=1e-12)
    assert rec(d["by_sector"], year=2020, sector="C")["co2_t"] == pytest.approx(cref, rel=1e-12)
    assert rec(d["by_group"], year=2020, group="other")["co2_t"] == pytest.approx(
        c26 + c35, rel=1e-12
    )
    tot = rec(d["total"], year=2020)
    assert tot["co2_t"] == pytest.approx(c26 + c27 + c35, rel=1e-12)
    assert tot["share_of_reference"] == pytest.approx((c26 + c27 + c35) / cref, rel=1e-12)
    assert rec(d["by_fuel"], year=2021, sector="26", fuel="fuel_oil")["co2_t"] == pytest.approx(
        50 * F_FO, rel=1e-12
    )
    assert "electricity" not in {r["fuel"] for r in d["by_fuel"]}


def test_indicators_by_hand():
    d = run().to_dict()
    r = rec(d["intensity"], year=2020, scope="26")
    co2 = 100 * F_COAL
    assert r["scope_type"] == "sector"
    assert r["intensity_t_per_1e8_yuan"] == pytest.approx(co2 / 1e8 * 1e8, rel=1e-12)
    assert r["co2_per_employee_t"] == pytest.approx(co2 / 100, rel=1e-12)
    assert r["energy_tce"] == pytest.approx(50.0, rel=1e-12)  # energy_total used
    assert r["efficiency_yuan_per_tce"] == pytest.approx(1e8 / 50.0, rel=1e-12)
    # 3600 GJ = 1e6 kWh; per 10^4 yuan of 1e8 yuan output -> 1e6 / 1e4 = 100
    assert r["electricity_kwh"] == pytest.approx(1e6, rel=1e-12)
    assert r["electricity_kwh_per_1e4_yuan"] == pytest.approx(100.0, rel=1e-12)
    assert r["share_of_reference"] == pytest.approx(co2 / (1000 * F_COAL), rel=1e-12)
    modern = rec(d["intensity"], year=2020, scope="modern")
    tot = 100 * F_COAL + 10 * F_DIESEL + 10_000 * F_GAS
    assert modern["intensity_t_per_1e8_yuan"] == pytest.approx(tot / 3.5e8 * 1e8, rel=1e-12)
    grp = rec(d["intensity"], year=2021, scope="group:other")
    assert grp["scope_type"] == "group"
    assert grp["output_value_yuan"] == pytest.approx(2.5e8)
    ref = rec(d["intensity"], year=2021, scope="reference")
    assert ref["scope_type"] == "reference" and ref["rank_intensity"] is None
    assert "energy_total" in d["settings"]["efficiency_energy"]


def test_ranks_per_year():
    d = run().to_dict()
    # 2020 intensities: 26: 190.27 per 1e8; 27: 31.0/2 = 15.5; 35: 21.65/0.5 = 43.3
    ranks = {
        r["scope"]: r["rank_intensity"]
        for r in d["intensity"]
        if r["year"] == 2020 and r["scope_type"] == "sector"
    }
    assert ranks == {"26": 1, "35": 2, "27": 3}
    # efficiency: output / 50 tce -> 27 (2e8) highest, then 26, then 35
    eff = {
        r["scope"]: r["rank_efficiency"]
        for r in d["intensity"]
        if r["year"] == 2020 and r["scope_type"] == "sector"
    }
    assert eff == {"27": 1, "26": 2, "35": 3}


def test_efficiency_from_fuel_sum_without_energy_total():
    d = run(economy=economy_table(energy_total=False)).to_dict()
    r = rec(d["intensity"], year=2020, scope="26")
    # 100 t coal x 0.7143 tce/t + 3600 GJ electricity / 29.3076
    tce = 100 * 0.7143 + 3600 / 29.3076
    assert r["energy_tce"] == pytest.approx(tce, rel=1e-12)
    assert r["efficiency_yuan_per_tce"] == pytest.approx(1e8 / tce, rel=1e-12)
    assert "sum of the energy table" in d["settings"]["efficiency_energy"]


def test_yoy_by_fuel_shows_a_fuel_oil_spike():
    d = run().to_dict()
    assert rec(d["yoy_by_fuel"], year=2021, sector="26", fuel="fuel_oil")[
        "change_t"
    ] == pytest.approx(50 * F_FO, rel=1e-12)
    assert rec(d["yoy_by_fuel"], year=2021, sector="26", fuel="coal")["change_t"] == pytest.approx(
        -20 * F_COAL, rel=1e-12
    )
    assert all(r["year"] == 2021 for r in d["yoy_by_fuel"])


def test_zero_output_value_is_a_clear_error():
    out = dict(OUTPUT)
    out[(2021, "35")] = 0.0
    with pytest.raises(InputError) as exc:
        run(economy=economy_table(out))
    msg = str(exc.value)
    assert "35" in msg and "2021" in msg and "output value is 0" in msg


def test_unknown_fuel_and_negative_consumption_propagate():
    with pytest.raises(InputError, match="factors.csv"):
        run(energy=energy_table([(2021, "27", "biogas", 1.0, "t")]))
    with pytest.raises(InputError, match="negative"):
        run(energy=energy_table([(2021, "27", "lpg", -1.0, "t")]))


def test_scope2_is_reported_beside_scope1():
    d0 = run().to_dict()
    assert d0["scope2"] == {"enabled": False, "grid": None, "records": []}
    d = run(
        {
            "scope2": {"enabled": True, "grid": "north_china", "year": 2022},
            "uncertainty": {"enabled": False},
        }
    ).to_dict()
    r = rec(d["scope2"]["records"], year=2020, sector="26")
    # 1e6 kWh x 0.6776 kg/kWh = 677.6 t
    assert r["electricity_t"] == pytest.approx(677.6, rel=1e-12)
    assert d["scope2"]["grid"] == "north_china"
    assert [t["co2_t"] for t in d["total"]] == [t["co2_t"] for t in d0["total"]]
    with pytest.raises(InputError, match="2021, 2022, 2023"):
        run({"scope2": {"enabled": True}})


def test_overrides_are_recorded():
    ov = pd.DataFrame([{"fuel": "coal", "ncv": "25000", "file": "factors.csv", "line": 2}])
    d = run(factors_override=ov).to_dict()
    assert d["settings"]["overrides"][0]["fuel"] == "coal"
    coal = rec(d["settings"]["factors"], fuel="coal")
    assert coal["co2_factor"] == pytest.approx(25.0 * 0.02637 * 0.94 * 44 / 12)
    assert rec(d["by_sector"], year=2020, sector="26")["co2_t"] == pytest.approx(
        100 * coal["co2_factor"]
    )
    assert d["settings"]["factor_set"] == "cn-provincial-2011"
    assert d["settings"]["mode"] == "energy"


def test_uncertainty_section():
    d = run({"uncertainty": {"draws": 4000, "activity_pct": 2.0, "factor_pct": 2.0}}).to_dict()
    u = d["uncertainty"]
    a1 = rec(u["approach1"], level="modern", year=2020)
    a2 = rec(u["approach2"], level="modern", year=2020, quantity="co2_t")
    assert a2["half_width_pct"] == pytest.approx(a1["u_pct"], rel=0.08)
    assert a2["mean"] == pytest.approx(a1["co2_t"], rel=2e-3)
    assert rec(
        u["approach2"], level="sector", scope="26", year=2020, quantity="intensity_t_per_1e8_yuan"
    )
    rp = rec(u["rank_probability"], year=2020)
    assert 0.0 <= rp["p_ranking_holds"] <= 1.0
    assert u["trend"]["year0"] == 2020 and u["trend"]["year1"] == 2021
    assert u["settings"]["factor_pct"][0]["source"] == "study.toml factor_pct"
    assert "shared by all sectors and years" in u["settings"]["correlation"]


def test_default_factor_uncertainty_is_stated():
    d = run().to_dict()
    info = {r["fuel"]: r for r in d["uncertainty"]["settings"]["factor_pct"]}
    assert info["coal"]["factor_pct"] == 5.0 and "default" in info["coal"]["source"]
    d2 = run({"factor_set": "ipcc-2006", "uncertainty": {"draws": 500}}).to_dict()
    info2 = {r["fuel"]: r for r in d2["uncertainty"]["settings"]["factor_pct"]}
    assert "ranges" in info2["coal"]["source"] and info2["coal"]["factor_pct"] > 20


def test_fixed_seed_identical_results():
    a = run().to_dict()
    b = run().to_dict()
    assert json.dumps(a, allow_nan=False) == json.dumps(b, allow_nan=False)


def test_inventory_mode():
    inv = co2_by_sector_fuel(energy_table())
    d = run_accounting(
        None, economy_table(), SECTORS, {"uncertainty": {"draws": 500}}, 1, inventory=inv
    ).to_dict()
    assert d["settings"]["mode"] == "inventory"
    assert d["settings"]["missing"]
    energy_mode = run().to_dict()
    assert [r["co2_t"] for r in d["by_sector"]] == pytest.approx(
        [r["co2_t"] for r in energy_mode["by_sector"]]
    )
    r = rec(d["intensity"], year=2020, scope="26")
    assert r["electricity_kwh"] is None
    assert r["efficiency_yuan_per_tce"] == pytest.approx(1e8 / 50.0)  # from energy_total
    assert d["scope2"]["enabled"] is False
    with pytest.raises(InputError, match="inventory"):
        run_accounting(None, economy_table(), SECTORS, {"source": "inventory"}, 1)


def test_co2_by_sector_fuel_for_other_analyses():
    out = co2_by_sector_fuel(energy_table())
    assert list(out.columns) == ["year", "sector", "fuel", "co2_t"]
    assert out[(out["sector"] == "27") & (out["year"] == 2021)]["co2_t"].iloc[0] == pytest.approx(
        12 * F_DIESEL
    )


def test_tables():
    t = run().tables()
    assert {
        "by_sector",
        "by_fuel",
        "total",
        "intensity",
        "factors",
        "uncertainty_approach1",
    } <= set(t)


def test_validate_config_defaults_and_errors():
    cfg = validate_config(None)
    assert cfg == {
        "factor_set": "cn-provincial-2011",
        "source": None,
        "scope2": {"enabled": False, "grid": "national", "year": "auto"},
        "uncertainty": {
            "enabled": True,
            "draws": 10_000,
            "activity_pct": 5.0,
            "factor_pct": None,
            "distribution": "normal",
            "trend": None,
        },
    }
    assert validate_config(cfg) == cfg
    for raw, key in (
        ({"factor_sett": "x"}, "accounting.factor_sett"),
        ({"factor_set": "ipcc"}, "accounting.factor_set"),
        ({"source": "both"}, "accounting.source"),
        ({"scope2": {"grid": "south"}}, "accounting.scope2.grid"),
        ({"scope2": {"year": "2022"}}, "accounting.scope2.year"),
        ({"uncertainty": {"draws": 10}}, "accounting.uncertainty.draws"),
        ({"uncertainty": {"distribution": "gamma"}}, "accounting.uncertainty.distribution"),
        ({"uncertainty": {"trend": [2022, 2015]}}, "accounting.uncertainty.trend"),
        ({"uncertainty": {"factor_pct": {"coal": -1}}}, "accounting.uncertainty.factor_pct.coal"),
    ):
        with pytest.raises(StudyError) as exc:
            validate_config(raw)
        assert exc.value.key == key and exc.value.file == "study.toml"
