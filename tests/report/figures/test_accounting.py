"""Emission figures: bars, shares, ranks and panels against the results and the study."""

from __future__ import annotations

from typing import Any

import pytest

from tests.report.figures.conftest import draw
from tests.report.studies import GROUPS, MEMBERS, REFERENCE_COAL


def test_emissions_bars_and_share_by_hand(full: dict[str, Any]) -> None:
    ax, ax2 = draw(full, "emissions_total_share").axes
    total = sorted(full["emissions"]["total"], key=lambda r: r["year"])
    # totals are ~1e5 t: the axis is in kt, so each bar is co2_t / 1000
    assert [p.get_height() for p in ax.patches] == pytest.approx(
        [r["co2_t"] / 1000 for r in total], rel=1e-12
    )
    assert "kt CO₂" in ax.get_ylabel()
    # all manufacturing (M) burns only coal, REFERENCE_COAL times the members' coal: its
    # CO2 is REFERENCE_COAL x the members' coal CO2, so the share is total / that
    coal = {r["year"]: 0.0 for r in total}
    for r in full["emissions"]["by_fuel"]:
        if r["fuel"] == "coal" and r["sector"] in MEMBERS:
            coal[r["year"]] += r["co2_t"]
    want = [r["co2_t"] / (REFERENCE_COAL * coal[r["year"]]) * 100 for r in total]
    assert list(ax2.get_lines()[0].get_ydata()) == pytest.approx(want, rel=1e-9)
    assert ax2.get_ylabel() == "Share of all manufacturing (%)"


def test_ranking_puts_highest_intensity_first(full: dict[str, Any]) -> None:
    ax = draw(full, "intensity_ranking").axes[0]
    inten = {
        (r["scope"], r["year"]): r["intensity_t_per_1e8_yuan"]
        for r in full["emissions"]["intensity"]
        if r["scope_type"] == "sector"
    }
    lines = ax.get_lines()
    assert len(lines) == len(MEMBERS)
    for code, line in zip(MEMBERS, lines, strict=True):
        for year, rank in zip(line.get_xdata(), line.get_ydata(), strict=True):
            higher = sum(1 for c in MEMBERS if inten[(c, year)] > inten[(code, year)])
            assert rank == higher + 1
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # rank 1 at the top


def test_one_panel_per_group(full: dict[str, Any]) -> None:
    fig = draw(full, "emissions_by_group")
    titles = [
        a.get_title(loc="left") for a in fig.axes if a.get_visible() and a.get_title(loc="left")
    ]
    assert titles == [label for _, label in GROUPS]
    first = fig.axes[0]  # group one: A and B, one bar per year each
    by_sector = {(r["sector"], r["year"]): r["co2_t"] for r in full["emissions"]["by_sector"]}
    heights = [p.get_height() for p in first.patches]
    assert heights[:8] == pytest.approx([by_sector[("A", y)] / 1000 for y in range(2015, 2023)])


def test_fuels_stack_to_the_total(full: dict[str, Any]) -> None:
    ax = draw(full, "fuel_contributions").axes[0]
    total = {r["year"]: r["co2_t"] for r in full["emissions"]["total"]}
    sums: dict[float, float] = {}
    for p in ax.patches:
        x = round(p.get_x() + p.get_width() / 2)
        sums[x] = sums.get(x, 0.0) + p.get_height()
    assert sums == pytest.approx({y: v / 1000 for y, v in total.items()}, rel=1e-12)


def test_uncertainty_band_contains_the_total(full: dict[str, Any]) -> None:
    fig = draw(full, "uncertainty_bands")
    ax = fig.axes[0]
    band = ax.collections[0].get_paths()[0].vertices
    total = sorted(full["emissions"]["total"], key=lambda r: r["year"])
    lo, hi = band[:, 1].min(), band[:, 1].max()
    assert all(lo <= r["co2_t"] / 1000 <= hi for r in total)
    assert ax.get_legend() is not None
