"""The typed results: the results.json contract, the tables, the typed fields."""

from __future__ import annotations

import json

import pytest

from carbonpath.accounting.results import EmissionsResults, Scope2Results, UncertaintyResults
from tests.accounting.small_study import (
    F_COAL,
    F_DIESEL,
    F_FO,
    F_GAS,
    run,
)


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


def test_typed_results():
    res = run()
    assert isinstance(res, EmissionsResults)
    assert isinstance(res.scope2, Scope2Results) and isinstance(res.uncertainty, UncertaintyResults)
    assert list(res.by_sector.columns) == ["year", "sector", "co2_t"]
    assert res.to_frame() is res.by_fuel
    assert res.factor_set.name == "cn-provincial-2011"
    # the uncertainty results are typed too
    a1 = res.uncertainty.approach1
    assert set(a1["level"]) == {"modern", "group", "sector", "reference"}
    trend = res.uncertainty.trend
    t0 = 100 * F_COAL + 10 * F_DIESEL + 10_000 * F_GAS
    t1 = 80 * F_COAL + 50 * F_FO + 12 * F_DIESEL + 10_000 * F_GAS
    assert (trend.year0, trend.year1) == (2020, 2021)
    assert trend.trend_pct == pytest.approx((t1 / t0 - 1) * 100, rel=1e-12)
    assert trend.approach2.mean_pct == pytest.approx(trend.trend_pct, rel=0.01)
    assert [r.year for r in res.uncertainty.rank_probability] == [2020, 2021]


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
