"""CO2 by sector, group and total, and the year-on-year change by fuel, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.accounting.small_study import (
    F_COAL,
    F_DIESEL,
    F_FO,
    F_GAS,
    SECTORS,
    rec,
    run,
)


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


def test_yoy_by_fuel_shows_a_fuel_oil_spike():
    d = run().to_dict()
    assert rec(d["yoy_by_fuel"], year=2021, sector="26", fuel="fuel_oil")[
        "change_t"
    ] == pytest.approx(50 * F_FO, rel=1e-12)
    assert rec(d["yoy_by_fuel"], year=2021, sector="26", fuel="coal")["change_t"] == pytest.approx(
        -20 * F_COAL, rel=1e-12
    )
    assert all(r["year"] == 2021 for r in d["yoy_by_fuel"])


def test_aggregate_directly():
    from carbonpath.accounting.aggregate import SectorRoles, aggregate

    roles = SectorRoles.of(SECTORS)
    assert roles.members == ("26", "27", "35") and roles.reference == "C"
    assert roles.groups == ("other", "pharma") and roles.reported == ["26", "27", "35", "C"]
    by_fuel = pd.DataFrame(
        {
            "year": [2020, 2020, 2020, 2020, 2020],
            "sector": ["26", "26", "27", "C", "R"],
            "fuel": ["coal", "gas", "coal", "coal", "coal"],
            "co2_t": [1.0, 2.0, 4.0, 0.0, 100.0],
        }
    )
    rows = by_fuel.rename(columns={"co2_t": "value"})
    agg = aggregate(by_fuel, roles, rows)
    assert agg.by_sector["sector"].tolist() == ["26", "27", "C"]  # no region row
    assert agg.by_group.to_dict(orient="records") == [
        {"year": 2020, "group": "other", "co2_t": 3.0},
        {"year": 2020, "group": "pharma", "co2_t": 4.0},
    ]
    assert agg.total["co2_t"].tolist() == [7.0]
    # the reference row emits nothing: no share (never inf)
    assert pd.isna(agg.total["share_of_reference"].iloc[0])
    assert agg.co2_sector[(2020, "R")] == 100.0
