"""The study-level uncertainty: Approach 1 against Approach 2, sources of the factor U."""

from __future__ import annotations

import pytest

from tests.accounting.small_study import (
    rec,
    run,
)


def test_uncertainty_section():
    d = run({"uncertainty": {"draws": 4000, "activity_pct": 2.0, "factor_pct": 2.0}}).to_dict()
    u = d["uncertainty"]
    a1 = rec(u["approach1"], level="modern", year=2020)
    a2 = rec(u["approach2"], level="modern", year=2020, quantity="co2_t")
    assert a2["half_width_pct"] == pytest.approx(a1["u_pct"], rel=0.08)
    assert a2["mean"] == pytest.approx(a1["co2_t"], rel=2e-3)
    assert rec(
        u["approach2"], level="sector", scope="26", year=2020, quantity="intensity_t_per_1e8_yuan"
    )
    rp = rec(u["rank_probability"], year=2020)
    assert 0.0 <= rp["p_ranking_holds"] <= 1.0
    assert u["trend"]["year0"] == 2020 and u["trend"]["year1"] == 2021
    assert u["settings"]["factor_pct"][0]["source"] == "study.toml factor_pct"
    assert "shared by all sectors and years" in u["settings"]["correlation"]


def test_default_factor_uncertainty_is_stated():
    d = run().to_dict()
    info = {r["fuel"]: r for r in d["uncertainty"]["settings"]["factor_pct"]}
    assert info["coal"]["factor_pct"] == 5.0 and "default" in info["coal"]["source"]
    d2 = run({"factor_set": "ipcc-2006", "uncertainty": {"draws": 500}}).to_dict()
    info2 = {r["fuel"]: r for r in d2["uncertainty"]["settings"]["factor_pct"]}
    assert "ranges" in info2["coal"]["source"] and info2["coal"]["factor_pct"] > 20
