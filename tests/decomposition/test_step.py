"""The decomposition step: typed results, results.json section, study-level run."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.decomposition import step
from carbonpath.decomposition.settings import parse_decomposition
from tests.decomposition.test_identity import KAYA_DATA, kaya_by_hand, kaya_levels


def lmdi_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows_e, rows_c, rows_q = [], [], []
    fac = {"coal": 0.095, "gas": 0.056}
    data = {
        2015: {("26", "coal"): 40.0, ("26", "gas"): 10.0, ("39", "gas"): 20.0},
        2016: {("26", "coal"): 20.0, ("26", "gas"): 25.0, ("39", "gas"): 22.0},
        2017: {("26", "coal"): 0.0, ("26", "gas"): 35.0, ("39", "gas"): 21.0},
    }
    for y, cells in data.items():
        rows_q += [(y, "26", 300.0 + 10 * (y - 2015)), (y, "39", 500.0 + 80 * (y - 2015))]
        for (s, f), e in cells.items():
            rows_e.append((y, s, f, e))
            rows_c.append((y, s, f, e * fac[f]))
    return (
        pd.DataFrame(rows_c, columns=["year", "sector", "fuel", "co2_t"]),
        pd.DataFrame(rows_e, columns=["year", "sector", "fuel", "value"]),
        pd.DataFrame(rows_q, columns=["year", "sector", "value"]),
    )


def test_decompose_tables_to_dict() -> None:
    co2, energy, output = lmdi_tables()
    res = step.decompose_tables(parse_decomposition(None), co2, output, energy)
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert list(d) == [
        "method",
        "mode",
        "effects_names",
        "delta",
        "zero_handling",
        "periods",
        "effects",
        "totals",
        "chained",
        "zero_cells",
        "insensitivity",
        "notes",
        "keys",
        "unit",
    ]
    assert d["keys"] == ["sector"] and d["unit"] is None
    assert d["mode"] == "energy" and d["insensitivity"]["insensitive"] is True
    assert list(d["insensitivity"]) == [
        "deltas",
        "max_abs_diff",
        "max_rel_diff",
        "tolerance",
        "insensitive",
    ]
    assert d["periods"] == [[2015, 2016], [2016, 2017], [2015, 2017]]
    assert {r["effect"] for r in d["effects"]} == set(d["effects_names"])
    assert d["zero_handling"] == "analytical limits (Ang & Liu 2007)"
    # chained cumulative sums to C_2017 - C_2015 (written out)
    c15 = 40 * 0.095 + 10 * 0.056 + 20 * 0.056
    c17 = 35 * 0.056 + 21 * 0.056
    tot = [r["additive"] for r in d["chained"] if r["sector"] == "total"]
    assert sum(tot) == pytest.approx(c17 - c15, abs=1e-9)
    assert set(res.tables()) == {
        "decomposition_effects",
        "decomposition_totals",
        "decomposition_chained",
        "decomposition_zero_cells",
    }
    assert res.to_frame() is res.effects
    act = res.effect("activity", start=2015, end=2017)
    assert list(act.index) == ["26", "39", "total"]
    inv = step.decompose_tables(parse_decomposition({"periods": "first_last"}), co2, output, None)
    assert inv.mode == "inventory" and any("inventory" in n for n in inv.notes)
    assert inv.to_dict()["chained"] == []


def test_period_outside_data() -> None:
    co2, energy, output = lmdi_tables()
    settings = parse_decomposition({"periods": [[2014, 2016]]})
    with pytest.raises(StudyError) as exc:
        step.decompose_tables(settings, co2, output, energy)
    assert exc.value.key == "decomposition.periods" and "2015-2017" in str(exc.value)


@dataclass
class _Study:
    """What the step reads of a study."""

    members: list[str]
    years: list[int]
    economy: pd.DataFrame
    energy: pd.DataFrame | None


def test_run_selects_members_and_years_and_converts_energy() -> None:
    co2, energy, output = lmdi_tables()
    economy = pd.concat(
        [
            output.assign(variable="output_value"),
            pd.DataFrame(
                {"year": [2016], "sector": ["C"], "value": [9e9], "variable": ["output_value"]}
            ),
        ],
        ignore_index=True,
    )
    # energy in "tce": the step hands the member rows of the study years to energy_to_gj
    study = _Study(
        ["26", "39"], [2015, 2016, 2017], economy, energy.assign(value=energy["value"] / 2)
    )
    seen: list[pd.DataFrame] = []

    def to_gj(rows: pd.DataFrame) -> pd.DataFrame:
        seen.append(rows)
        return rows.assign(value=rows["value"] * 2, unit="GJ")

    other = co2.assign(sector="C")
    res = step.run(
        study,  # type: ignore[arg-type]
        parse_decomposition(None),
        resolver=lambda v, s: pd.Series(dtype=float),
        co2_by_fuel=pd.concat([co2, other], ignore_index=True),
        energy_to_gj=to_gj,
    )
    direct = step.decompose_tables(parse_decomposition(None), co2, output, energy)
    pd.testing.assert_frame_equal(res.effects, direct.effects)
    assert set(seen[0]["sector"]) == {"26", "39"}


def test_run_kaya_reads_the_scope_through_the_resolver() -> None:
    lv = kaya_levels()
    a = lv[lv["region"] == "A"].set_index("year")
    calls: list[tuple[str, str]] = []

    def resolver(variable: str, scope: str) -> pd.Series:
        calls.append((variable, scope))
        return a[variable]

    study = _Study([], [2020, 2021], pd.DataFrame(), None)
    settings = parse_decomposition({"identity": "kaya", "periods": ["first_last"]})
    res = step.run(
        study,  # type: ignore[arg-type]
        settings,
        resolver=resolver,
        co2_by_fuel=pd.DataFrame(),
        energy_to_gj=lambda e: e,
    )
    assert calls == [(v, "region") for v in ("population", "gdp", "energy", "co2")]
    assert res.mode == "kaya" and res.keys == ()
    hand = kaya_by_hand(region_share=False)["A"]
    got = res.effects.set_index("effect")["additive"]
    for x, v in hand.items():
        assert got[x] == pytest.approx(v, rel=1e-12)
    assert sum(got) == pytest.approx(KAYA_DATA["A"][7] - KAYA_DATA["A"][6], abs=1e-12)

    def unknown(variable: str, scope: str) -> pd.Series:
        from carbonpath.core.errors import InputError

        raise InputError(f"unknown variable '{variable}'")

    with pytest.raises(StudyError) as exc:
        step.run(
            study,  # type: ignore[arg-type]
            settings,
            resolver=unknown,
            co2_by_fuel=pd.DataFrame(),
            energy_to_gj=lambda e: e,
        )
    assert exc.value.key == "decomposition.identity" and "population[region]" in str(exc.value)


def test_run_with_a_region_column_is_a_multi_region_decomposition() -> None:
    co2, energy, output = lmdi_tables()
    # region S: sector 26 appears in 2016 (nothing in 2015)
    s_co2 = co2[co2["year"] > 2015].assign(region="S")
    s_energy = energy[energy["year"] > 2015].assign(region="S")
    s_out = output.assign(region="S", value=output["value"].where(output["year"] > 2015, 0.0))
    co2 = pd.concat([co2.assign(region="N"), s_co2], ignore_index=True)
    energy = pd.concat([energy.assign(region="N"), s_energy], ignore_index=True)
    output = pd.concat([output.assign(region="N"), s_out], ignore_index=True)
    study = _Study(["26", "39"], [2015, 2016, 2017], output.assign(variable="output_value"), energy)

    def to_gj(rows: pd.DataFrame) -> pd.DataFrame:  # as accounting's activity_gj: no region
        return rows[["year", "sector", "fuel", "value"]].assign(unit="GJ")

    res = step.run(
        study,  # type: ignore[arg-type]
        parse_decomposition(None),
        resolver=lambda v, s: pd.Series(dtype=float),
        co2_by_fuel=co2,
        energy_to_gj=to_gj,
    )
    assert res.keys == ("region", "sector") and "region_share" in res.effects_names
    eff = res.effects
    first = eff[(eff["period_start"] == 2015) & (eff["period_end"] == 2016)]
    appear = first[first["region"] == "S"].set_index(["sector", "effect"])["additive"]
    # the region had no output in 2015: its whole 2016 CO2 is the region-share effect
    c16 = 20 * 0.095 + 25 * 0.056 + 22 * 0.056
    assert appear[("total", "region_share")] == pytest.approx(c16, rel=1e-12)
    others = [x for x in res.effects_names if x != "region_share"]
    assert all(appear[("total", x)] == 0.0 for x in others)
    sums = eff.groupby(["period_start", "period_end", "region", "sector"])["additive"].sum()
    changes = res.totals.set_index(["period_start", "period_end", "region", "sector"])["change"]
    assert (sums - changes).abs().max() < 1e-9
    assert res.insensitivity.insensitive
