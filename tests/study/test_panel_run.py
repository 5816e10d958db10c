"""A panel study run end to end (issue 14, "Done when").

5 regions x 3 sectors x 12 years, XJ starting two years late (a gap), GDP in USD and
output value in yuan (two currencies in separate variables).  Every analysis runs; the
panel STIRPAT is checked against linearmodels ``PanelOLS`` (coefficients and clustered
SEs to 1e-8; two-way effects with Driscoll-Kraay SEs too) and the panel entropy weights
against a hand calculation with numpy (GUIDE.md: min-max, p = X / sum X,
E = -(1 / ln N) sum p ln p, D = 1 - E, w = D / sum D), both computed from the study's
CSV files in this test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath import load_study
from carbonpath.core.errors import StudyError
from tests.study.panel_study import REGIONS, write_panel_study

lm_panel = pytest.importorskip("linearmodels.panel")

TOL = 1e-8
CODES = [r[0] for r in REGIONS]
INDEX = """
[index]
bootstrap = 50
robustness = {draws = 50}

[[index.indicators]]
name = "energy_intensity"
expr = "energy[modern] / output_value[modern]"
direction = "-"

[[index.indicators]]
name = "gdp_per_capita"
expr = "gdp[*] / population[*]"
direction = "+"

[[index.indicators]]
name = "labour_productivity"
expr = "output_value[modern] / employment[modern]"
direction = "+"
"""
STIRPAT = """
[stirpat]
bootstrap = 100
{extra}

[stirpat.regressors]
lnP = "employment[modern]"
lnA = "gdp[*] / population[*]"
lnT = "energy[modern] / output_value[modern]"
"""
NAMES = ["lnP", "lnA", "lnT"]


def _study(folder: Path, stirpat_extra: str = "") -> Path:
    return write_panel_study(folder, extra_toml=INDEX + STIRPAT.format(extra=stirpat_extra))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = _study(tmp_path_factory.mktemp("panel") / "study")
    return folder, load_study(folder).run()


def _csv_panel(folder: Path) -> pd.DataFrame:
    """Per region-year, from the CSV files: member-sector energy (tce), output value
    (yuan), employment, and region-level GDP (USD) and population (persons)."""
    eco = pd.read_csv(folder / "economy.csv", keep_default_na=False)
    eco["value"] = eco["value"].astype(float)
    scale = {"10^4 yuan": 1e4, "person": 1.0, "tce": 1.0, "billion USD": 1e9, "10^4 person": 1e4}
    eco["value"] = eco["value"] * eco["unit"].map(scale)
    sectors = eco[eco["sector"] != ""].pivot_table(
        index=["region", "year"], columns="variable", values="value", aggfunc="sum"
    )
    region = eco[eco["sector"] == ""].pivot_table(
        index=["region", "year"], columns="variable", values="value", aggfunc="sum"
    )
    return sectors.join(region)


def test_every_analysis_runs_and_states_coverage(run):
    _, res = run
    assert res.emissions is not None and res.index is not None and res.stirpat is not None
    assert res.decomposition is not None and "decomposition" not in res.skipped
    assert res.scenarios is not None and "scenarios" not in res.skipped
    dropped = [["XJ", 2008], ["XJ", 2009]]
    assert res.emissions.coverage.dropped[["region", "year"]].values.tolist() == dropped
    assert res.index.panel.coverage.dropped[["region", "year"]].values.tolist() == dropped
    assert res.stirpat.coverage.dropped[["region", "year"]].values.tolist() == dropped
    assert res.stirpat.coverage.rows_used == 58 and res.stirpat.coverage.rows_possible == 60
    assert res.index.coverage.years == tuple(range(2010, 2020))  # sum of regions
    d = res.to_dict()
    for section in ("emissions", "stirpat"):
        assert d[section]["coverage"]["dropped"][0]["region"] == "XJ"
    tables = res.tables()
    for name in ("emissions_coverage_dropped", "stirpat_coverage_dropped", "index_panel_dropped"):
        assert len(tables[name]) == 2
    assert res.index.settings.unit == "region" and res.stirpat.unit == "region"
    assert res.stirpat.glossary[2] == "lnA = ln(GDP of each region / population of each region)"


def _reference_frame(folder: Path, res) -> pd.DataFrame:
    """lnC, lnP, lnA, lnT per region-year, built here (CO2 from the emissions step)."""
    raw = _csv_panel(folder)
    co2 = res.emissions.total.set_index(["region", "year"])["co2_t"]
    frame = pd.DataFrame(
        {
            "lnC": np.log(co2),
            "lnP": np.log(raw["employment"]),
            "lnA": np.log(raw["gdp"] / raw["population"]),
            "lnT": np.log(raw["energy_total"] / raw["output_value"]),
        }
    ).dropna()
    frame.index = pd.MultiIndex.from_arrays(
        [frame.index.get_level_values(0), frame.index.get_level_values(1).astype(int)],
        names=["region", "year"],
    )
    return frame


def test_panel_stirpat_matches_linearmodels_clustered(run):
    folder, res = run
    frame = _reference_frame(folder, res)
    assert len(frame) == 58
    mine = res.stirpat.data.set_index(["region", "year"]).loc[frame.index]
    np.testing.assert_allclose(mine[["lnC", *NAMES]], frame[["lnC", *NAMES]], rtol=1e-9)
    ref = lm_panel.PanelOLS(frame["lnC"], frame[NAMES], entity_effects=True).fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=True,
        group_debias=True,
        count_effects=False,
    )
    panel = res.stirpat.panel
    assert panel.entities == 5 and panel.nobs == 58
    np.testing.assert_allclose(panel.params[NAMES], ref.params[NAMES], rtol=TOL)
    np.testing.assert_allclose(panel.bse[NAMES], ref.std_errors[NAMES], rtol=TOL)
    # OLS on the within-transformed data gives the fixed-effects slopes
    np.testing.assert_allclose(res.stirpat.ols.params[NAMES], ref.params[NAMES], rtol=1e-8)
    assert set(res.stirpat.ridge.k_sensitivity["term"]) == set(NAMES)
    assert set(res.stirpat.regions["region"]) == set(CODES)


def test_two_way_driscoll_kraay_matches_linearmodels(tmp_path):
    folder = _study(tmp_path / "s", 'effects = ["entity", "time"]\ncov = "driscoll-kraay"')
    res = load_study(folder).run(only=["emissions", "stirpat"])
    frame = _reference_frame(folder, res)
    ref = lm_panel.PanelOLS(frame["lnC"], frame[NAMES], entity_effects=True, time_effects=True).fit(
        cov_type="kernel", kernel="bartlett", debiased=True
    )
    panel = res.stirpat.panel
    np.testing.assert_allclose(panel.params[NAMES], ref.params[NAMES], rtol=TOL)
    np.testing.assert_allclose(panel.bse[NAMES], ref.std_errors[NAMES], rtol=TOL)


def test_panel_entropy_weights_by_hand(run):
    folder, res = run
    raw = _csv_panel(folder)
    x = pd.DataFrame(
        {
            "energy_intensity": raw["energy_total"] / raw["output_value"],
            "gdp_per_capita": raw["gdp"] / raw["population"],
            "labour_productivity": raw["output_value"] / raw["employment"],
        }
    ).dropna()
    assert len(x) == 58  # XJ 2008-2009 dropped
    lo, hi = x.min(), x.max()
    X = (x - lo) / (hi - lo)
    X["energy_intensity"] = (hi["energy_intensity"] - x["energy_intensity"]) / (
        hi["energy_intensity"] - lo["energy_intensity"]
    )
    p = X / X.sum()
    n = len(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p.where(p > 0)), 0.0)
    E = -plogp.sum(axis=0) / np.log(n)
    D = 1 - E
    w = D / D.sum()
    got = res.index.panel.weights.set_index("indicator")["weight"]
    np.testing.assert_allclose(got[list(x.columns)].to_numpy(), w, rtol=1e-12)
    scores = res.index.panel.scores.set_index(["region", "year"])["score"]
    expected = (X * w).sum(axis=1)
    expected.index = pd.MultiIndex.from_arrays(
        [expected.index.get_level_values(0), expected.index.get_level_values(1).astype(int)]
    )
    np.testing.assert_allclose(scores.loc[expected.index].to_numpy(), expected, rtol=1e-12)
    ranks = res.index.panel.ranks.set_index("region")
    assert pd.isna(ranks.loc["XJ", 2008]) and ranks[2015].notna().all()


def test_mixing_two_currencies_is_one_line_error(tmp_path):
    folder = write_panel_study(
        tmp_path / "s",
        extra_toml=INDEX.replace("gdp[*] / population[*]", "gdp[*] / output_value[modern]"),
    )
    with pytest.raises(StudyError) as err:
        load_study(folder).run(only=["index"])
    text = str(err.value)
    assert "\n" not in text and "USD" in text and "yuan" in text
    assert "index.indicators[2].expr" in text


def test_stirpat_term_mixing_currencies_is_refused(tmp_path):
    toml = STIRPAT.format(extra="").replace(
        'lnA = "gdp[*] / population[*]"', 'lnA = "gdp[*] / output_value[modern]"'
    )
    folder = write_panel_study(tmp_path / "s", extra_toml=toml)
    with pytest.raises(StudyError) as err:
        load_study(folder).run(only=["stirpat"])
    assert "stirpat.regressors.lnA" in str(err.value) and "USD" in str(err.value)


def test_unit_sector_in_a_panel_study_reads_the_sum_of_regions(tmp_path):
    folder = write_panel_study(tmp_path / "s", extra_toml=STIRPAT.format(extra='unit = "sector"'))
    res = load_study(folder).run(only=["stirpat"])
    assert res.stirpat.unit == "sector" and res.stirpat.coverage.units == ("sum of regions",)


def test_outputs_write_in_every_format(run, tmp_path):
    _, res = run
    out = res.write(tmp_path / "out", formats=["json", "csv", "xlsx", "html", "figures"])
    assert (out / "results.json").is_file()


def test_panel_run_is_deterministic(run):
    folder, res = run
    again = load_study(folder).run(only=["emissions", "index", "stirpat"])
    first = res.to_dict()
    second = again.to_dict()
    for section in ("emissions", "index", "stirpat"):
        assert first[section] == second[section]
