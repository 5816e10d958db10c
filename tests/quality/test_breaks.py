"""The checks that find breaks no single cell shows, and the materiality ranking.

Each synthetic case is built from a real pattern of the CEADs inventories (named in its
docstring; tests/quality/test_real_breaks.py finds the real ones); expected sizes and
shares are computed by hand in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpath.quality import breaks, identical, materiality
from carbonpath.quality.checks import run_checks

YEARS = list(range(1997, 2006))


def _long(cells: dict[tuple[str, str], list[float]], years: list[int] = YEARS) -> pd.DataFrame:
    """``{(sector, fuel): values by year}`` -> a one-unit long table (t CO2)."""
    rows = [
        {"year": y, "sector": s, "fuel": f, "value": float(v), "unit": "t", "dimension": "mass"}
        for (s, f), values in cells.items()
        for y, v in zip(years, values, strict=True)
    ]
    return pd.DataFrame(rows)


def _members(codes: list[str], reference: str | None = None) -> pd.DataFrame:
    roles = [("member" if c != reference else "reference") for c in codes]
    return pd.DataFrame({"code": codes, "role": roles})


def _of(flags, check, **where):
    return [f for f in flags if f["check"] == check and all(f[k] == v for k, v in where.items())]


# --------------------------------------------------------------------- zero runs


def test_every_fuel_of_every_sector_zero_for_three_years() -> None:
    """Ningxia 2000-2002: every combustion source of every sector is zero for three years
    between non-zero years, while cement process emissions go on."""
    cells = {}
    for k, sector in enumerate(["25", "26", "30", "44"]):
        for j, fuel in enumerate(["raw_coal", "coke", "diesel_oil"]):
            base = 100.0 * (k + 1) * (j + 1)
            cells[(sector, fuel)] = [base, base, base, 0, 0, 0, 2 * base, 2 * base, 2 * base]
    cells[("30", "process")] = [50.0] * 9
    flags = run_checks(_long(cells), "fuel", sectors=_members(["25", "26", "30", "44"]))
    run = _of(flags, "zero_between", sector="44", variable="raw_coal")
    assert len(run) == 1 and run[0]["year"] == 2000
    assert "in every year 2000-2002 (3 years)" in run[0]["message"]
    # what the run lacks against the line from 400 (1999) to 800 (2003): 500 + 600 + 700
    assert run[0]["size"] == pytest.approx(1800.0, rel=1e-12)
    common = _of(flags, "zero_between", sector="*")
    assert len(common) == 1 and common[0]["message"].startswith("12 series are zero in every year")
    # 1800 x (sum over sectors and fuels of (k+1)(j+1)) / 4 = 1800 x 10 x 6 / 4
    assert common[0]["size"] == pytest.approx(1800.0 * 60 / 4, rel=1e-12)
    materiality.add_shares(flags, materiality.table_typicals([(_long(cells), "fuel")], None))
    assert materiality.rank(flags)[0] is common[0]


def test_single_zero_keeps_its_message() -> None:
    cells = {("30", "process"): [1.48, 1.5, 1.4, 1.45, 1.48, 0.0, 1.28, 1.3, 1.25]}
    (f,) = _of(run_checks(_long(cells), "fuel"), "zero_between")
    assert f["message"] == (
        "process is zero in 2002 between 1.48 (2001) and 1.28 (2003): a missing value written as 0?"
    )
    assert f["size"] == pytest.approx((1.48 + 1.28) / 2, rel=1e-12)


def test_zero_runs_need_a_non_zero_year_on_both_sides() -> None:
    from carbonpath.quality.jumps import zero_runs

    assert zero_runs(np.array([0.0, 0, 1, 0, 0, 2, 0])) == [(3, 4)]
    assert zero_runs(np.array([1.0, 0, 0, 0])) == []


# ------------------------------------------------------------------ reallocation


def _shaanxi_like() -> dict[tuple[str, str], list[float]]:
    """Shaanxi 2011-2012: sector 42 goes from about 0 to 17.6 Mt and back while sector 31
    falls and rises by as much; their sum stays smooth."""
    grow = [1.0 + 0.04 * i for i in range(9)]
    s31 = [16.0 * g for g in grow]
    s42 = [0.001] * 9
    s31[5], s42[5] = s31[5] - 17.0, 17.0  # 2002: 17 Mt booked in sector 42
    s31[6], s42[6] = s31[6], 0.001  # 2003: back
    s31[5] = 16.0 * grow[5] - 16.9  # the move is not exact: 0.1 Mt more in 42
    other = [30.0 * g for g in grow]
    return {("31", "total"): s31, ("42", "total"): s42, ("44", "total"): other}


def test_reallocation_between_two_sectors() -> None:
    cells = _shaanxi_like()
    flags = breaks.check_reallocation(
        _long(cells), "fuel", _members(["31", "42", "44"]), {"jump_mad_k": 3.0}
    )
    found = {(f["year"], f["sector"]) for f in flags}
    # 2002: 42's +17 is the largest change (31: -16.9); 2003: 31's rise is the largest
    assert found == {(2002, "42"), (2003, "31")}
    assert "while sector 42 falls" in next(f for f in flags if f["year"] == 2003)["message"]
    f2002 = next(f for f in flags if f["year"] == 2002)
    d31 = cells[("31", "total")][5] - cells[("31", "total")][4]
    assert f2002["size"] == pytest.approx(min(17.0 - 0.001, abs(d31)), rel=1e-12)
    assert "sector 31 falls" in f2002["message"]
    # 44 grows smoothly: never a partner
    assert all("44" not in f["message"].split("while")[1] for f in flags)


def test_no_reallocation_when_the_sum_moves_or_nobody_balances() -> None:
    cells = _shaanxi_like()
    cells[("31", "total")] = [16.0 * (1 + 0.04 * i) for i in range(9)]  # 31 does not fall
    flags = breaks.check_reallocation(
        _long(cells), "fuel", _members(["31", "42", "44"]), {"jump_mad_k": 3.0}
    )
    assert flags == []


def test_one_sector_spread_over_many() -> None:
    """Beijing 2019: refinery gas leaves petroleum processing (25) and appears in 28
    sectors at once."""
    years = list(range(2014, 2020))
    cells = {("25", "refinery_gas"): [1.9, 2.5, 2.1, 2.2, 2.1, 0.01]}
    for k in range(6):
        cells[(f"3{k}", "refinery_gas")] = [0, 0, 0, 0, 0, 0.35]
    flags = breaks.check_reallocation(
        _long(cells, years), "fuel", _members(list({s for s, _ in cells})), {"jump_mad_k": 3.0}
    )
    (f,) = [f for f in flags if f["variable"] == "refinery_gas"]
    assert f["sector"] == "25" and f["year"] == 2019 and "6 sectors" in f["message"]
    assert f["size"] == pytest.approx(min(2.09, 6 * 0.35), rel=1e-12)


# ------------------------------------------------------------------------ totals


def test_region_total_jump_that_no_cell_explains() -> None:
    """Hainan 2002: the whole province is a tenth of its neighbours; each cell is a small
    part of it, the region total shows the size."""
    cells, base = {}, {}
    for k, s in enumerate(("A", "B", "C")):
        for j, fuel in enumerate(("coal", "gas")):
            base[(s, fuel)] = 10.0 * (k + 1) + 5.0 * j
            cells[(s, fuel)] = [base[(s, fuel)]] * 9
            cells[(s, fuel)][4] = base[(s, fuel)] / 10  # 2001
    whole = sum(base.values())  # 135
    flags = run_checks(_long(cells), "fuel", sectors=_members(["A", "B", "C"]))
    (total,) = _of(flags, "totals", sector="*")
    assert total["year"] == 2001 and total["value"] == pytest.approx(whole / 10)
    assert total["size"] == pytest.approx(0.9 * whole, rel=1e-12)
    materiality.add_shares(flags, materiality.table_typicals([(_long(cells), "fuel")], None))
    assert total["share"] == pytest.approx(0.9, rel=1e-12)
    # the cells are errors (each a tenth of its neighbours: they block a run and come
    # first); among the warnings the total is the most material
    ranked = materiality.rank(flags)
    assert [f["check"] for f in ranked[:6]] == ["jump"] * 6 and ranked[6] is total
    assert ranked[0]["share"] == pytest.approx(0.9 * 35.0 / whole, rel=1e-12)
    # each sector total is explained by its larger cell (10(k+1) + 5 > half of the sum)
    assert len(_of(flags, "totals")) == 1 and total["severity"] == "warning"


def test_total_explained_by_one_cell_is_that_cells_finding() -> None:
    cells = {("A", "coal"): [10.0] * 9, ("A", "gas"): [0.5] * 9, ("B", "coal"): [1.0] * 9}
    cells[("A", "coal")][4] = 100.0
    flags = run_checks(_long(cells), "fuel", sectors=_members(["A", "B"]))
    assert _of(flags, "jump", sector="A", variable="coal")
    assert not _of(flags, "totals")


def test_energy_table_totals_are_per_variable() -> None:
    d = _long({("A", "coal"): [10.0] * 9, ("B", "coal"): [10.0] * 9})
    d.loc[d["sector"] == "B", "unit"] = "t"
    d = pd.concat([d, _long({("A", "gas"): [5.0] * 9}).assign(unit="m3", dimension="volume")])
    series = list(breaks.total_series(d, "fuel", _members(["A", "B"])))
    assert [(s[0], s[1], s[2]) for s in series] == [("*", "coal", "t")]
    np.testing.assert_allclose(series[0][4], [20.0] * 9)


# --------------------------------------------------------------------- identical


def test_identical_over_part_of_the_years() -> None:
    """Rubber (291) and plastics (292) carry the same values in 2016-2019 only."""
    years = list(range(2010, 2020))
    a = [float(10 + i) for i in range(10)]
    b = [v + 3.0 for v in a[:6]] + a[6:]
    flags = identical.check_identical(
        _long({("291", "coal"): a, ("292", "coal"): b}, years), "fuel"
    )
    (f,) = flags
    assert f["sector"] == "292" and f["year"] == 2016
    assert "identical to sector 291 in 2016-2019 (4 of its 10 years)" in f["message"]
    assert f["size"] == pytest.approx(sum(a[6:]), rel=1e-12)


def test_reference_equal_to_its_only_non_zero_member_is_no_finding() -> None:
    years = list(range(2015, 2020))
    v = [1.0, 2.0, 3.0, 4.0, 5.0]
    cells = {("26", "refinery_gas"): v, ("27", "refinery_gas"): [0.0] * 5, ("C", "refinery_gas"): v}
    sectors = _members(["26", "27", "C"], reference="C")
    assert identical.check_identical(_long(cells, years), "fuel", sectors=sectors) == []
    cells[("27", "refinery_gas")] = [0.5] * 5  # now C should be 26 + 27: a copied row
    (f,) = identical.check_identical(_long(cells, years), "fuel", sectors=sectors)
    assert f["sector"] == "C" and "in all 5 years" in f["message"]


# -------------------------------------------------------------------- materiality


def test_region_totals_take_the_largest_aggregate() -> None:
    d = _long({("A", "coal"): [1.0] * 9, ("B", "coal"): [2.0] * 9, ("C", "coal"): [10.0] * 9})
    totals = materiality.region_totals(d, "fuel", _members(["A", "B", "C"], reference="C"))
    assert set(totals["total"]) == {10.0}
    d2 = d.loc[d["sector"] != "C"]
    totals = materiality.region_totals(d2, "fuel", _members(["A", "B", "C"], reference="C"))
    assert set(totals["total"]) == {3.0}


def test_rank_and_listing() -> None:
    flags = [
        {"check": "jump", "severity": "warning", "resolved": False, "size": 1.0, "share": 0.001},
        {"check": "totals", "severity": "warning", "resolved": False, "size": 9.0, "share": 0.5},
        {"check": "unit", "severity": "error", "resolved": False, "size": None, "share": None},
        {"check": "jump", "severity": "error", "resolved": True, "size": 99.0, "share": 0.9},
        {"check": "components", "severity": "info", "resolved": False, "size": None, "share": None},
    ]
    order = [flags.index(f) for f in materiality.rank(flags)]
    assert order == [2, 1, 0, 3, 4]
    listed, small = materiality.split_listed(flags, 0.01)
    assert [flags.index(f) for f in listed] == [2, 1, 3, 4] and small == {"jump": 1}
    assert materiality.counts(flags) == {
        "unit": {"error": 1},
        "totals": {"warning": 1},
        "jump": {"warning": 1, "error": 1},
        "components": {"info": 1},
    }


@pytest.mark.parametrize("at", [0, 3, 7])
def test_slip_in_a_growing_series_has_the_slips_size(at) -> None:
    """A 10x slip in a series growing 19 %/yr: found, and its size is 9/10 of the slipped
    value (the detrended neighbours put the value at a tenth of what is printed)."""
    vals = [100 * 1.19**i for i in range(8)]
    vals[at] *= 10
    (f,) = [
        f
        for f in run_checks(_long({("26", "output"): vals}, list(range(2010, 2018))), "fuel")
        if f["check"] == "jump"
    ]
    assert f["year"] == 2010 + at and f["severity"] == "error"
    assert f["size"] == pytest.approx(0.9 * vals[at], rel=1e-9)
