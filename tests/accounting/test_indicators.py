"""Intensities, efficiencies, ranks and zero denominators, by hand."""

from __future__ import annotations

import pytest

from carbonpath.core.errors import InputError
from tests.accounting.small_study import (
    F_COAL,
    F_DIESEL,
    F_GAS,
    FS,
    OUTPUT,
    SECTORS,
    economy_table,
    energy_table,
    rec,
    run,
)


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


def test_zero_output_value_is_a_clear_error():
    out = dict(OUTPUT)
    out[(2021, "35")] = 0.0
    with pytest.raises(InputError) as exc:
        run(economy=economy_table(out))
    msg = str(exc.value)
    assert "35" in msg and "2021" in msg and "output value is 0" in msg


def test_scopes_and_energy_sources():
    from carbonpath.accounting.aggregate import SectorRoles
    from carbonpath.accounting.indicators import (
        EnergyUse,
        efficiency_energy_text,
        scope_definitions,
        scope_words,
    )

    defs = scope_definitions(SectorRoles.of(SECTORS))
    assert [d[0] for d in defs] == [
        "26",
        "27",
        "35",
        "group:other",
        "group:pharma",
        "modern",
        "reference",
    ]
    assert defs[3][2] == ["26", "35"] and defs[5][2] == ["26", "27", "35"]
    assert scope_words("group:other") == "group other" and scope_words("27") == "sector 27"
    use = EnergyUse.of(energy_table(), economy_table(energy_total=False), FS)
    # no energy_total: 100 t coal x 0.7143 + 3600 GJ electricity / 29.3076
    assert use.tce(2020, "26") == pytest.approx(100 * 0.7143 + 3600 / 29.3076, rel=1e-12)
    assert use.kwh(2020, "26") == pytest.approx(1e6, rel=1e-12) and use.kwh(2020, "27") == 0.0
    assert efficiency_energy_text(use.sources).startswith("sum of the energy table")
    assert efficiency_energy_text(set()) == "none available"
