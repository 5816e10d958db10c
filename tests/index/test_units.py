"""``[index] unit`` defaults per study kind and the coverage of the time-series index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpath.index.settings import parse_index
from carbonpath.index.step import effective_unit, run

INDICATORS = [
    {"name": "a", "expr": "x[modern]", "direction": "+"},
    {"name": "b", "expr": "y[modern]", "direction": "-"},
]
YEARS = list(range(2010, 2016))


class Study:
    years = YEARS
    members = ["A"]
    seed = 3


@pytest.mark.parametrize(
    ("raw", "panel_study", "unit"),
    [
        ({}, False, "aggregate"),
        ({}, True, "region"),
        ({"unit": "aggregate"}, True, "aggregate"),
        ({"panel": True}, True, "sector"),
        ({"unit": "region"}, False, "region"),
    ],
)
def test_effective_unit(raw, panel_study, unit):
    assert effective_unit(parse_index(raw), panel_study) == unit


def _resolver(missing: set[int]):
    def resolve(var: str, scope: str) -> pd.Series:
        base = 1.0 if var == "x" else 5.0
        vals = [np.nan if y in missing else base + (y - 2010) ** 1.5 for y in YEARS]
        return pd.Series(vals, index=pd.Index(YEARS, name="year"))

    return resolve


def test_sum_of_regions_drops_incomplete_years_and_says_so():
    settings = parse_index(
        {"indicators": INDICATORS, "bootstrap": 0, "robustness": False, "unit": "aggregate"}
    )
    units = {"R1": _resolver(set()), "R2": _resolver(set())}
    res = run(Study(), settings, resolver=_resolver({2010}), units=units)
    cov = res.coverage
    assert cov.years == tuple(YEARS[1:]) and cov.rows_used == 5 and not cov.balanced
    assert cov.dropped["year"].tolist() == [2010]
    assert "sum over regions is incomplete" in cov.dropped["reason"].iloc[0]
    assert res.scores["year"].tolist() == YEARS[1:]
    assert "index_coverage_dropped" in res.tables()


def test_one_region_coverage_is_complete_and_adds_no_table():
    settings = parse_index({"indicators": INDICATORS, "bootstrap": 0, "robustness": False})
    res = run(Study(), settings, resolver=_resolver(set()))
    assert res.coverage.balanced and res.coverage.units == ("aggregate",)
    assert "index_coverage_dropped" not in res.tables()
