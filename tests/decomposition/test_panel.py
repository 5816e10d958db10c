"""The decomposition step on the synthetic panel study: every unit of observation.

The hand calculations below write LMDI-I out with numpy and math from the study's input
levels (population, GDP, energy_total, the accounted CO2 per region); they do not call
carbonpath's LMDI code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carbonpath
from carbonpath.core.errors import StudyError
from tests.decomposition.panel_fixture import panel_study, region_emissions

YEARS = (2010, 2019)  # XJ starts in 2010: the balanced years
FIRST_LAST = '[decomposition]\nperiods = ["first_last"]\n'


def L(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Logarithmic mean, written out: (a - b) / (ln a - ln b), L(a, a) = a."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(a == b, a, out)


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, **kw: bool):
    region_emissions(monkeypatch)
    study = carbonpath.load_study(panel_study(tmp_path / "p", toml, **kw))
    return study, study.run()


def region_levels(study, res) -> pd.DataFrame:
    """region x year: population, gdp, energy (energy_total summed), co2."""
    eco = study.economy
    out = {}
    for v in ("population", "gdp"):
        sel = eco[(eco["variable"] == v) & (eco["sector"] == "")]
        out[v] = sel.set_index(["region", "year"])["value"]
    en = eco[eco["variable"] == "energy_total"].groupby(["region", "year"])["value"].sum()
    out["energy"] = en
    out["co2"] = res.emissions.by_sector.groupby(["region", "year"])["co2_t"].sum()
    return pd.DataFrame(out)


def test_default_is_the_sectoral_identity_per_region_and_sector(tmp_path, monkeypatch) -> None:
    study, res = run(tmp_path, monkeypatch, FIRST_LAST)
    d = res.decomposition
    assert d.keys == ("region", "sector") and "region_share" in d.effects_names
    assert d.unit == "region" and d.to_dict()["keys"] == ["region", "sector"]
    assert d.periods == (YEARS,)
    assert any("years 2008-2009 dropped: XJ lacks data" in n for n in d.notes)
    eff = d.effects.set_index(["region", "sector", "effect"])
    tot = d.totals.set_index(["region", "sector"])
    # effects sum to the change and multiply to the ratio: every region and the sum
    for r in [*study.region_codes, "total"]:
        change = tot.loc[(r, "total"), "change"]
        add = eff.loc[(r, "total"), "additive"]
        assert add.sum() == pytest.approx(change, abs=1e-9 * abs(tot.loc[(r, "total"), "co2_end"]))
        ratio = tot.loc[(r, "total"), "ratio"]
        assert eff.loc[(r, "total"), "multiplicative"].prod() == pytest.approx(ratio, rel=1e-12)
    # the activity and region-share effects written out from the cells
    fuel = res.emissions.by_fuel
    fuel = fuel[fuel["year"].isin(YEARS)].pivot_table(
        index=["region", "sector", "fuel"], columns="year", values="co2_t"
    )
    out = study.economy[study.economy["variable"] == "output_value"]
    q = out[out["year"].isin(YEARS)].pivot_table(
        index="region", columns="year", values="value", aggfunc="sum"
    )
    big_q = q.sum()
    w = L(fuel[2019].to_numpy(), fuel[2010].to_numpy())
    activity = float(np.sum(w * math.log(big_q[2019] / big_q[2010])))
    assert eff.loc[("total", "total", "activity"), "additive"] == pytest.approx(activity, rel=1e-10)
    share = q.div(big_q, axis=1)
    regions = fuel.index.get_level_values("region")
    ln_r = np.log(share.loc[regions, 2019].to_numpy() / share.loc[regions, 2010].to_numpy())
    for r in study.region_codes:
        mine = np.asarray(regions == r)
        hand = float(np.sum(w[mine] * ln_r[mine]))
        assert eff.loc[(r, "total", "region_share"), "additive"] == pytest.approx(hand, rel=1e-10)


def test_kaya_per_region_against_a_hand_calculation(tmp_path, monkeypatch) -> None:
    study, res = run(tmp_path, monkeypatch, FIRST_LAST + 'identity = "kaya"\n')
    d = res.decomposition
    assert d.mode == "kaya" and d.keys == ("region",)
    lv = region_levels(study, res)
    y0, y1 = YEARS
    p_tot = {y: lv.xs(y, level="year")["population"].sum() for y in YEARS}
    eff = d.effects.set_index(["region", "effect"])["additive"]
    mult = d.effects.set_index(["region", "effect"])["multiplicative"]
    totals = {}
    for r in study.region_codes:
        a, b = lv.loc[(r, y0)], lv.loc[(r, y1)]
        w = float(L(b["co2"], a["co2"]))
        hand = {
            "population": w * math.log(p_tot[y1] / p_tot[y0]),
            "region_share": w
            * math.log((b["population"] / p_tot[y1]) / (a["population"] / p_tot[y0])),
            "affluence": w * math.log((b["gdp"] / b["population"]) / (a["gdp"] / a["population"])),
            "energy_intensity": w * math.log((b["energy"] / b["gdp"]) / (a["energy"] / a["gdp"])),
            "carbon_intensity": w * math.log((b["co2"] / b["energy"]) / (a["co2"] / a["energy"])),
        }
        for x, v in hand.items():
            assert eff[(r, x)] == pytest.approx(v, rel=1e-10, abs=1e-9)
            totals[x] = totals.get(x, 0.0) + v
        assert sum(hand.values()) == pytest.approx(b["co2"] - a["co2"], rel=1e-12)
    c0 = lv.xs(y0, level="year")["co2"].sum()
    c1 = lv.xs(y1, level="year")["co2"].sum()
    for x, v in totals.items():
        assert eff[("total", x)] == pytest.approx(v, rel=1e-10)
        assert mult[("total", x)] == pytest.approx(math.exp(v / float(L(c1, c0))), rel=1e-10)
    assert eff.loc["total"].sum() == pytest.approx(c1 - c0, abs=1e-9 * c1)
    assert mult.loc["total"].prod() == pytest.approx(c1 / c0, rel=1e-12)


def test_kaya_of_the_sum_of_the_regions(tmp_path, monkeypatch) -> None:
    study, res = run(tmp_path, monkeypatch, FIRST_LAST + 'identity = "kaya"\nunit = "aggregate"\n')
    d = res.decomposition
    assert d.keys == () and "region_share" not in d.effects_names
    assert any("2008-2009 dropped" in n for n in d.notes)
    s = region_levels(study, res).groupby("year").sum()
    a, b = s.loc[YEARS[0]], s.loc[YEARS[1]]
    w = float(L(b["co2"], a["co2"]))
    got = d.effects.set_index("effect")["additive"]
    assert got["population"] == pytest.approx(w * math.log(b["population"] / a["population"]))
    assert got["energy_intensity"] == pytest.approx(
        w * math.log((b["energy"] / b["gdp"]) / (a["energy"] / a["gdp"])), rel=1e-10
    )


def test_sector_unit_adds_the_regions_up(tmp_path, monkeypatch) -> None:
    study, res = run(tmp_path, monkeypatch, FIRST_LAST + 'unit = "sector"\n')
    d = res.decomposition
    assert d.keys == ("sector",) and "region_share" not in d.effects_names
    assert d.unit == "sector"
    fuel = res.emissions.by_fuel
    cells = fuel[fuel["year"].isin(YEARS)].pivot_table(
        index=["sector", "fuel"], columns="year", values="co2_t", aggfunc="sum"
    )
    out = study.economy[study.economy["variable"] == "output_value"]
    q = out[out["year"].isin(YEARS)].groupby("year")["value"].sum()
    hand = float(
        np.sum(L(cells[2019].to_numpy(), cells[2010].to_numpy())) * math.log(q[2019] / q[2010])
    )
    got = d.effects.set_index(["sector", "effect"])["additive"]
    assert got[("total", "activity")] == pytest.approx(hand, rel=1e-10)


def test_kaya_without_energy_total_uses_the_accounted_energy(tmp_path, monkeypatch) -> None:
    toml = FIRST_LAST + 'identity = "kaya"\n'
    _, given = run(tmp_path / "a", monkeypatch, toml)
    _, accounted = run(tmp_path / "b", monkeypatch, toml, drop_energy_total=True)
    g = given.decomposition.effects.set_index(["region", "effect"])["additive"]
    a = accounted.decomposition.effects.set_index(["region", "effect"])["additive"]
    # energy only splits C/G into E/G and C/E: the other effects and the sum stay
    for x in ("population", "region_share", "affluence"):
        assert a.xs(x, level="effect").to_numpy() == pytest.approx(
            g.xs(x, level="effect").to_numpy(), rel=1e-12
        )
    both = ["energy_intensity", "carbon_intensity"]
    sum_a = a[a.index.get_level_values("effect").isin(both)].groupby(level="region").sum()
    sum_g = g[g.index.get_level_values("effect").isin(both)].groupby(level="region").sum()
    assert sum_a.to_numpy() == pytest.approx(sum_g.to_numpy(), rel=1e-9)
    # the fixture's energy_total is the fuels in tce (rounded to 1e-3 tce): the accounted
    # energy in GJ is proportional to it, so the split agrees to rounding, yet is not the same
    ei_a, ei_g = (s.xs("energy_intensity", level="effect").to_numpy() for s in (a, g))
    assert ei_a == pytest.approx(ei_g, rel=1e-6) and not np.array_equal(ei_a, ei_g)


def test_units_the_identity_cannot_have(tmp_path, monkeypatch) -> None:
    region_emissions(monkeypatch)
    study = carbonpath.load_study(
        panel_study(tmp_path / "p", '[decomposition]\nunit = "aggregate"\n')
    )
    with pytest.raises(StudyError) as exc:
        study.run(only=["decomposition"])
    assert exc.value.key == "decomposition.unit" and "sectoral identity" in str(exc.value)
    one = tmp_path / "one"
    path = panel_study(one, '[decomposition]\nunit = "region"\n')
    (path / "regions.csv").unlink()
    for name in ("energy.csv", "economy.csv"):  # BJ only, without the region column
        lines = (path / name).read_text(encoding="utf-8").splitlines()
        kept = [lines[0].split(",", 1)[1]] + [
            x.split(",", 1)[1] for x in lines[1:] if x.startswith("BJ,")
        ]
        (path / name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        carbonpath.load_study(path).run(only=["decomposition"])
    assert exc.value.key == "decomposition.unit" and "needs regions" in str(exc.value)


@dataclass
class _RegionLevelStudy:
    """What the step reads of a region-level panel study (no sectors)."""

    economy: pd.DataFrame
    years: list[int]
    region_codes: list[str]
    is_panel: bool = True
    members: tuple[str, ...] = ()
    energy: pd.DataFrame | None = None


def test_region_level_kaya_through_the_resolver_against_the_hand_example() -> None:
    """The hand-built 3-region Kaya example of test_identity, read by the study's resolver
    from region-level rows (sector ""), as a region-level panel gives them."""
    from carbonpath.decomposition import step
    from carbonpath.decomposition.settings import parse_decomposition
    from carbonpath.study.resolver import Resolver
    from tests.decomposition.test_identity import KAYA_DATA, kaya_by_hand

    rows, co2 = [], []
    for r, (p0, p1, g0, g1, e0, e1, c0, c1) in KAYA_DATA.items():
        for y, p, g, e, c in ((2020, p0, g0, e0, c0), (2021, p1, g1, e1, c1)):
            rows += [
                (r, y, "", v, x) for v, x in (("population", p), ("gdp", g), ("energy_total", e))
            ]
            co2.append((r, y, "", c))
    economy = pd.DataFrame(rows, columns=["region", "year", "sector", "variable", "value"])
    sectors = pd.DataFrame(columns=["code", "name", "group", "role"])
    regions = pd.DataFrame({"code": list(KAYA_DATA), "name": list(KAYA_DATA), "group": ""})
    resolver = Resolver(
        economy,
        None,
        sectors,
        co2=pd.DataFrame(co2, columns=["region", "year", "sector", "co2_t"]),
        regions=regions,
    )
    study = _RegionLevelStudy(economy, [2020, 2021], list(KAYA_DATA))
    settings = parse_decomposition({"identity": "kaya", "periods": ["first_last"]})
    res = step.run(
        study,  # type: ignore[arg-type]
        settings,
        resolver=resolver,
        co2_by_fuel=pd.DataFrame(columns=["region", "year", "sector", "fuel", "co2_t"]),
        energy_to_gj=lambda e: e,
    )
    assert res.keys == ("region",) and res.notes[0].startswith("identity:")
    eff = res.effects.set_index(["region", "effect"])
    for r, effects in kaya_by_hand(region_share=True).items():
        for x, v in effects.items():
            assert eff.loc[(r, x), "additive"] == pytest.approx(v, rel=1e-12, abs=1e-12)
    assert eff.loc["total", "additive"].sum() == pytest.approx(121.0 - 125.0, abs=1e-9)
    assert eff.loc["total", "multiplicative"].prod() == pytest.approx(121.0 / 125.0, rel=1e-12)


def test_user_identity_per_region_and_sector(tmp_path, monkeypatch) -> None:
    toml = FIRST_LAST + (
        'identity = ["output_value", "energy/output_value", "co2/energy"]\nunit = "sector"\n'
    )
    study, res = run(tmp_path, monkeypatch, toml)
    d = res.decomposition
    assert d.keys == ("region", "sector") and d.mode == "identity"
    assert d.effects_names == (
        "output_value",
        "region_share",
        "structure",
        "energy/output_value",
        "co2/energy",
    )
    eff = d.effects.set_index(["region", "sector", "effect"])["additive"]
    tot = d.totals.set_index(["region", "sector"])
    assert eff.loc[("total", "total")].sum() == pytest.approx(
        tot.loc[("total", "total"), "change"], abs=1e-9 * tot.loc[("total", "total"), "co2_end"]
    )
    # the structure effect of sector B in region TJ: L(C) ln(S^T / S^0), S = Q_TJ,B / Q_TJ
    out = study.economy[study.economy["variable"] == "output_value"].set_index(
        ["region", "sector", "year"]
    )["value"]
    c = res.emissions.by_sector.set_index(["region", "sector", "year"])["co2_t"]
    share = {
        y: out[("TJ", "B", y)] / sum(out[("TJ", s, y)] for s in ("A", "B", "C")) for y in YEARS
    }
    w = float(L(c[("TJ", "B", 2019)], c[("TJ", "B", 2010)]))
    assert eff[("TJ", "B", "structure")] == pytest.approx(
        w * math.log(share[2019] / share[2010]), rel=1e-10
    )
