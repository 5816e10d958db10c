"""Economy figures against hand calculations from the study's own CSV files."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import pytest

from carbonpath.report import figures
from tests.report.figures.conftest import draw
from tests.report.studies import MEMBERS, VA_SHARE, YEARS, write_study


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_value_added_share_of_gdp_by_hand(full: dict[str, Any], tmp_path: Path) -> None:
    rows = _csv(write_study(tmp_path / "s"), "economy.csv")
    # output value is in 10^4 yuan, GDP in 10^8 yuan; value added = VA_SHARE x output
    va = {y: 0.0 for y in YEARS}
    gdp = {}
    for r in rows:
        y = int(r["year"])
        if r["variable"] == "output_value" and r["sector"] in MEMBERS:
            va[y] += VA_SHARE[r["sector"]] * float(r["value"]) * 1e4
        if r["variable"] == "gdp" and r["sector"] == "R":
            gdp[y] = float(r["value"]) * 1e8
    ax, ax2 = draw(full, "value_added_gdp_share").axes
    assert [p.get_height() for p in ax.patches] == pytest.approx(
        [va[y] / 1e8 for y in YEARS], rel=1e-12
    )
    assert list(ax2.get_lines()[0].get_ydata()) == pytest.approx(
        [va[y] / gdp[y] * 100 for y in YEARS], rel=1e-12
    )
    assert ax.get_ylabel() == "Value added (10⁸ yuan)"


def test_value_added_structure_shares_add_to_100(full: dict[str, Any]) -> None:
    ax = draw(full, "value_added_structure").axes[0]
    heights = [p.get_height() for p in ax.patches]
    n = len(YEARS)
    assert len(heights) == 2 * n  # two groups
    for i in range(n):
        assert heights[i] + heights[n + i] == pytest.approx(100.0, rel=1e-12)


def test_efficiency_is_output_per_tce(full: dict[str, Any], tmp_path: Path) -> None:
    rows = _csv(write_study(tmp_path / "s"), "economy.csv")
    cell = {(r["year"], r["sector"], r["variable"]): float(r["value"]) for r in rows}
    line = draw(full, "energy_efficiency").axes[0].get_lines()[0]  # A, the first member
    # yuan per tce in 10^4: output (10^4 yuan) / energy (tce), energy_total read in tce
    want = [
        cell[(str(y), "A", "output_value")] / cell[(str(y), "A", "energy_total")] for y in YEARS
    ]
    assert list(line.get_ydata()) == pytest.approx(want, rel=1e-9)
    spec = next(s for s in figures.figure_specs(full) if s.name == "energy_efficiency")
    assert "1 tce = 29.3076 GJ" in spec.caption


def test_economy_figures_skip_without_data(full: dict[str, Any]) -> None:
    d = copy.deepcopy(full)
    d["data"] = {}
    specs = {s.name: s for s in figures.figure_specs(d)}
    for name in ("value_added_gdp_share", "output_by_industry", "value_added_structure"):
        assert specs[name].draw is None and "economy data" in (specs[name].skip or "")
    # energy efficiency still comes from the emissions results
    assert specs["energy_efficiency"].draw is not None
    assert specs["emissions_total_share"].draw is not None
