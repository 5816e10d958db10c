"""`carbonpath factors`: table with derivation, JSON records, unknown set."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonpath.cli import app

runner = CliRunner()


def test_json_records_reproduce_table5():
    res = runner.invoke(app, ["factors", "--set", "cn-provincial-2011", "--json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert [r["fuel"] for r in recs] == [
        "coal",
        "gasoline",
        "kerosene",
        "diesel",
        "fuel_oil",
        "lpg",
        "natural_gas",
    ]
    for r in recs:
        for key in (
            "fuel",
            "ncv",
            "ncv_unit",
            "carbon_content",
            "oxidation",
            "co2_factor",
            "co2_factor_unit",
            "tce_factor",
            "source",
        ):
            assert key in r
    coal = recs[0]
    assert coal["co2_factor"] == pytest.approx(1.9027, rel=5e-4)
    assert coal["co2_factor_unit"] == "t CO2/t"
    gas = recs[-1]
    assert gas["co2_factor"] * 1000 == pytest.approx(2.1649, rel=5e-4)
    assert gas["co2_factor_unit"] == "t CO2/m3"


def test_default_set_text_shows_derivation():
    res = runner.invoke(app, ["factors"])
    assert res.exit_code == 0, res.output
    assert "NCV x carbon content x oxidation x 44/12" in res.stdout
    assert "20934" in res.stdout and "1.902662" in res.stdout
    assert "ipcc-2006" in res.stdout  # available sets listed


def test_ipcc_set_json():
    res = runner.invoke(app, ["factors", "--set", "ipcc-2006", "--json"])
    assert res.exit_code == 0
    recs = {r["fuel"]: r for r in json.loads(res.stdout)}
    # crude oil: 42.3 GJ/t x 20.0 kg C/GJ x 44/12 = 3.102 t CO2/t
    assert recs["crude_oil"]["co2_factor"] == pytest.approx(3.102, rel=1e-9)


def test_unknown_set_exits_2_and_lists_sets():
    res = runner.invoke(app, ["factors", "--set", "ipcc"])
    assert res.exit_code == 2
    assert "cn-provincial-2011" in res.output and "ipcc-2006" in res.output


def test_fuel_oil_inconsistency_is_stated():
    res = runner.invoke(app, ["factors"])
    assert res.exit_code == 0, res.output
    assert "fuel_oil (+0.126 %)" in res.stdout and "two editions of GB/T 2589" in res.stdout
    recs = {r["fuel"]: r for r in json.loads(runner.invoke(app, ["factors", "--json"]).stdout)}
    # 1.4286 kgce/kg x 29,307.6 kJ/kgce = 41,868.8 kJ/kg against the NCV 41,816 kJ/kg
    assert recs["fuel_oil"]["tce_ncv_gap_pct"] == pytest.approx(
        (1.4286 * 29_307.6 / 41_816 - 1) * 100, rel=1e-12
    )
    assert "41,869" in recs["fuel_oil"]["note"]
    assert recs["coal"]["note"] == ""
