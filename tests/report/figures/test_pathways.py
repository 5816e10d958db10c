"""The scenario fan: observed emissions, one path per scenario, bands."""

from __future__ import annotations

from typing import Any

import pytest

from carbonpath.report import figures
from tests.report.figures.conftest import draw


def test_fan_lines_per_scenario(full: dict[str, Any]) -> None:
    ax = draw(full, "scenario_fan").axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["Observed", "baseline", "low carbon"]
    records = figures.scenario_records(full)
    base = sorted((r["year"], r["co2_t"]) for r in records if r["scenario"] == "baseline")
    assert list(ax.get_lines()[1].get_ydata()) == pytest.approx([v / 1000 for _, v in base])
    assert len(ax.collections) == 2  # a bootstrap band per scenario


def test_target_records_either_layout() -> None:
    rows = [{"name": "t", "type": "absolute"}]
    assert figures.target_records({"targets": rows}) == rows
    assert figures.target_records({"targets": {"records": rows}}) == rows
    assert figures.target_records({"targets": {"targets": rows}}) == rows
    assert figures.target_records({}) == []
