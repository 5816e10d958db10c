"""The accounting step on a small study: modes, overrides, scope 2, seeds, errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from carbonpath.accounting.emissions import compute_emissions
from carbonpath.core.errors import InputError
from tests.accounting.small_study import (
    FS,
    SECTORS,
    economy_table,
    energy_table,
    rec,
    run,
    run_accounting,
)


def test_unknown_fuel_and_negative_consumption_propagate():
    with pytest.raises(InputError, match="factors.csv"):
        run(energy=energy_table([(2021, "27", "biogas", 1.0, "t")]))
    with pytest.raises(InputError, match="negative"):
        run(energy=energy_table([(2021, "27", "lpg", -1.0, "t")]))


def test_scope2_is_reported_beside_scope1():
    d0 = run().to_dict()
    assert d0["scope2"]["enabled"] is False and d0["scope2"]["records"] == []
    assert d0["scope2"]["grid"] is None
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


def test_fixed_seed_identical_results():
    a = run().to_dict()
    b = run().to_dict()
    assert json.dumps(a, allow_nan=False) == json.dumps(b, allow_nan=False)


def test_inventory_mode():
    inv = compute_emissions(energy_table(), FS)
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
