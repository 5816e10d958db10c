"""The LMDI waterfall: the effects add up to the change in emissions."""

from __future__ import annotations

from typing import Any

import pytest

from carbonpath.report import figures
from tests.report.figures.conftest import draw


def test_waterfall_effects_sum_to_change(full: dict[str, Any]) -> None:
    span = figures.lmdi_span(full)
    assert span is not None
    assert (span["start"], span["end"]) == (2015, 2022)
    total = {r["year"]: r["co2_t"] for r in full["emissions"]["total"]}
    change = total[2022] - total[2015]  # the members' scope 1 CO2, from the accounting
    assert sum(v for _, v in span["effects"]) == pytest.approx(change, rel=1e-9)
    assert span["co2_start"] == pytest.approx(total[2015], rel=1e-12)
    assert span["co2_end"] == pytest.approx(total[2022], rel=1e-12)
    ax = draw(full, "lmdi_waterfall").axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "CO₂ 2015" and labels[-1] == "CO₂ 2022"
    assert len(labels) == len(span["effects"]) + 2


def test_waterfall_chains_year_to_year_periods() -> None:
    def eff(a: int, b: int, sector: str, effect: str, v: float) -> dict[str, Any]:
        return {
            "period_start": a,
            "period_end": b,
            "sector": sector,
            "effect": effect,
            "additive": v,
        }

    d = {
        "decomposition": {
            "effects": [
                eff(2015, 2016, "39", "activity", 10.0),
                eff(2015, 2016, "40", "activity", 5.0),
                eff(2016, 2017, "39", "activity", -4.0),
                eff(2016, 2017, "39", "intensity", -7.0),
            ]
        }
    }
    span = figures.lmdi_span(d)
    assert span is not None
    assert dict(span["effects"]) == {"activity": 11.0, "intensity": -7.0}
    assert (
        figures.lmdi_span(
            {
                "decomposition": {
                    "effects": [eff(2015, 2016, "1", "a", 1.0), eff(2017, 2018, "1", "a", 1.0)]
                }
            }
        )
        is None
    )
