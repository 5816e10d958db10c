"""The checks on the real CEADs inventories (../shared/data/ceads, read in place): the
known breaks are found, with their real sizes, and ranked among the top findings.

All 47 sectors of five provinces, 1997-2019, every scope-1 source, in t CO2.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from carbonpath.quality import materiality
from carbonpath.quality.checks import run_checks
from tests.conftest import CEADS

pytestmark = pytest.mark.skipif(not CEADS.is_dir(), reason="CEADs data not available")

PROVINCES = ("Beijing", "Hainan", "Ningxia", "Shaanxi", "Xinjiang")
MT = 1e6


def _ranked(region: str) -> list[dict]:
    from tests.quality import ceads_panel

    frame = ceads_panel.region_frame(PROVINCES, region)
    sectors = ceads_panel.sectors_frame()
    flags = run_checks(frame, "fuel", sectors=sectors)
    materiality.add_shares(flags, materiality.table_typicals([(frame, "fuel")], sectors))
    for f in flags:  # as an inventory's findings are shown: none blocks
        f["severity"] = "warning"
    return materiality.rank(flags)


def test_ningxia_three_years_without_fuel_is_the_top_finding() -> None:
    """Ningxia 2000-2002: every combustion source of every sector is zero; only cement
    process emissions remain (0.8-1.1 Mt against 17.4 Mt in 1999 and 55.3 Mt in 2003)."""
    top = _ranked("Ningxia")[0]
    assert top["check"] == "zero_between" and top["sector"] == "*" and top["year"] == 2000
    assert "series are zero in every year 2000-2002" in top["message"]
    n = int(top["message"].split()[0])
    assert n >= 90  # every non-zero series of 1999 and 2003: 100 in the published data
    assert top["size"] > 90 * MT and top["share"] > 1.0  # more than a typical year


def test_ningxia_totals_are_folded_into_the_zero_run() -> None:
    """The region total of Ningxia jumps around 2000-2002 (7.4 times its neighbours in
    2003, 1/6.6 in 2002) and the totals of the sectors without fuel are zero: the same
    break as the zero run of every combustion source, named in that finding, not listed
    again (issue 15)."""
    ranked = _ranked("Ningxia")
    totals = [f for f in ranked if f["check"] == "totals" and 1997 <= f["year"] <= 2004]
    assert not [f for f in totals if f["sector"] in ("*", "total")]
    notes = [f["message"] for f in ranked if "the totals above show the same break" in f["message"]]
    top = ranked[0]["message"]
    assert "series are zero in every year 2000-2002" in top
    assert "the region's total (1997, 1998, 2002, 2003)" in top
    assert any("the total of sector 25 (2000)" in m for m in notes)


def test_shaanxi_and_xinjiang_move_emissions_through_sector_42() -> None:
    """Shaanxi 2011-2012 and Xinjiang 2009-2010: 14-18 Mt are booked in scrap and waste
    (42) for a year, out of and back into smelting (31)."""
    shaanxi = [f for f in _ranked("Shaanxi") if f["check"] == "reallocation"]
    moved = {(f["year"], f["sector"], f["variable"]): f["size"] for f in shaanxi}
    assert 14 * MT < moved[(2011, "42", "total")] < 18 * MT
    assert 14 * MT < moved[(2012, "42", "total")] < 18 * MT
    xinjiang = [f for f in _ranked("Xinjiang") if f["check"] == "reallocation"]
    assert any(f["year"] == 2009 and f["sector"] == "42" and f["size"] > 11 * MT for f in xinjiang)
    assert any(f["year"] == 2010 and "42" in f["message"] and f["size"] > 11 * MT for f in xinjiang)


def test_beijing_known_problems() -> None:
    """The README's three: cement process zero in 2017, refinery gas leaving petroleum
    processing for 27 sectors in 2019, rubber and plastics identical in recent years."""
    ranked = _ranked("Beijing")
    process = [f for f in ranked if f["check"] == "zero_between" and f["variable"] == "process"]
    assert [(f["year"], f["sector"]) for f in process] == [(2017, "30")]
    assert process[0]["size"] == pytest.approx(
        (1482874 + 1281804) / 2, rel=1e-5
    )  # the mean of 2016 and 2018
    moved = [
        f
        for f in ranked
        if f["check"] == "reallocation" and f["variable"] == "refinery_gas" and f["year"] == 2019
    ]
    assert moved and moved[0]["sector"] == "25" and "27 sectors" in moved[0]["message"]
    same = [
        f
        for f in ranked
        if f["check"] == "identical" and f["sector"] == "292" and "sector 291 " in f["message"]
    ]
    assert {f["variable"] for f in same} >= {"gasoline", "diesel_oil", "raw_coal"}
    assert any("in 2012-2019 (8 of its 23 years)" in f["message"] for f in same)


def test_hainan_2002_region_total() -> None:
    """Hainan 2002: the province total is a twelfth of its neighbours'."""
    ranked = _ranked("Hainan")
    total = [f for f in ranked[:5] if f["check"] == "totals" and f["sector"] == "*"]
    assert [f["year"] for f in total] == [2002]
    assert "1/11.8 of the median" in total[0]["message"]


def test_check_on_the_whole_province_panel(tmp_path) -> None:
    """`carbonpath check` on the panel lists the known breaks among its top ten."""
    import json

    from carbonpath.cli import app
    from tests.quality import ceads_panel

    folder = ceads_panel.write_panel(tmp_path / "panel", PROVINCES)
    res = CliRunner().invoke(app, ["check", str(folder), "--json", "--no-preflight"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    flags = out["quality"]["flags"]
    top = [(f["region"], f["year"], f["check"], f["sector"]) for f in flags[:10]]
    assert ("Ningxia", 2000, "zero_between", "*") in top
    assert ("Hainan", 2002, "totals", "*") in top
    assert out["listed"] < len(flags) / 5  # the rest is counted per check
    assert sum(out["not_listed"].values()) + out["listed"] == len(flags)
    shares = [f["share"] for f in flags if f["share"] is not None]
    assert shares[:10] == sorted(shares[:10], reverse=True)
