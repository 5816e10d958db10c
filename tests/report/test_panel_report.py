"""The report of a panel study (regions.csv) says what the panel's numbers say.

The synthetic panel (tests/study/panel_study.py: 5 regions, XJ without data in 2008 and
2009) runs with index, STIRPAT, Kaya decomposition, decoupling, targets and per-region
scenarios, and writes every format.  The expected numbers are computed here from the
study's CSV files (output value, GDP, the years each region has energy data) and the
per-region CO2 rows of the results (``emissions.by_sector``), never from the report's
own code: the sum of regions over the years in which every region has data, the
industries' intensities of that sum, the waterfall's effects against a hand sum of the
``total`` rows, and each region's Tapio elasticity.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from carbonpath import load_study
from carbonpath.report import figures
from carbonpath.report.figures import lmdi_span
from tests.pathways.test_panel import SCENARIOS, TARGETS
from tests.study.panel_study import REGIONS, write_panel_study
from tests.study.test_panel_run import INDEX, STIRPAT

FORMATS = ["json", "csv", "html", "xlsx", "figures", "docx"]
CODES = [r[0] for r in REGIONS]
TOML = (
    INDEX
    + STIRPAT.format(extra="")
    + TARGETS
    + SCENARIOS
    + '\n[decomposition]\nidentity = "kaya"\n'
)


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    root = tmp_path_factory.mktemp("panel_report")
    folder = write_panel_study(root / "study", extra_toml=TOML)
    res = load_study(folder).run()
    out = res.write(root / "out", formats=FORMATS)
    page = (out / "report.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))
    return folder, res, res.to_dict(), out, words


def _co2(res) -> pd.Series:
    """CO2 per region and year summed over the member sectors (results.by_sector)."""
    by = res.emissions.by_sector
    return by.groupby(["region", "year"])["co2_t"].sum()


def _complete_years(folder: Path) -> list[int]:
    """The years in which every region has energy rows (energy.csv)."""
    energy = pd.read_csv(folder / "energy.csv", keep_default_na=False)
    have = energy.groupby("year")["region"].nunique()
    return sorted(int(y) for y, n in have.items() if n == len(CODES))


def _mass(t: float) -> str:
    """Three significant digits in kt or Mt, as people read CO2 amounts."""
    return f"{t / 1e6:.3g} Mt CO₂" if t >= 1e6 else f"{t / 1e3:.3g} kt CO₂"


def test_headline_is_the_sum_of_regions_over_complete_years(panel) -> None:
    folder, res, _d, _out, words = panel
    years = _complete_years(folder)
    assert years[0] == 2010 and years[-1] == 2019  # XJ starts in 2010
    total = _co2(res).groupby(level="year").sum()
    a, b = total[years[0]], total[years[-1]]
    change = f"+{(b / a - 1) * 100:.1f} %"
    expected = f"rose from {_mass(a)} in {years[0]} to {_mass(b)} in {years[-1]} ({change})"
    assert expected in words
    assert "sums over the 5 regions" in words and "In 2008, 2009 some region has no data" in words
    # the 2008 sum of the four regions with data is never the headline
    partial = total[2008]
    assert _mass(partial) not in words
    text = res.summary()  # the CLI's headline numbers
    assert f"{a:,.0f} t in {years[0]} -> {b:,.0f} t in {years[-1]}" in text
    assert f"{partial:,.0f} t" not in text


def test_intensity_finding_is_over_the_sum(panel) -> None:
    folder, res, _d, _out, words = panel
    eco = pd.read_csv(folder / "economy.csv", keep_default_na=False)
    out = eco[(eco["variable"] == "output_value") & (eco["year"] == 2019)]
    output = out.groupby("sector")["value"].sum() * 1e4  # 10^4 yuan -> yuan
    by = res.emissions.by_sector
    co2 = by[by["year"] == 2019].groupby("sector")["co2_t"].sum()
    inten = (co2 / output * 1e8).sort_values()
    names = {"A": "Alpha", "B": "Beta", "C": "Gamma"}
    hi, lo = inten.index[-1], inten.index[0]
    assert (
        f"In 2019, over the sum of the 5 regions, the most carbon-intensive industry was "
        f"{names[hi]} ({inten[hi]:,.0f} t CO₂ per 10⁸ yuan of output value); the least was "
        f"{names[lo]} ({inten[lo]:,.0f} t CO₂ per 10⁸ yuan)"
    ) in words


def test_waterfall_is_the_sums_change(panel) -> None:
    _folder, res, d, _out, _words = panel
    span = lmdi_span(d)
    assert span is not None and (span["start"], span["end"]) == (2010, 2019)
    eff = res.decomposition.effects
    rows = eff[(eff["region"] == "total") & (eff["period_start"] == 2010)]
    rows = rows[rows["period_end"] == 2019]
    by_hand = rows.groupby("effect")["additive"].sum().to_dict()
    assert dict(span["effects"]) == pytest.approx(by_hand, rel=1e-12)
    total = _co2(res).groupby(level="year").sum()
    change = total[2019] - total[2010]
    assert sum(by_hand.values()) == pytest.approx(change, rel=1e-9)
    assert span["co2_start"] == pytest.approx(total[2010], rel=1e-12)
    assert span["co2_end"] == pytest.approx(total[2019], rel=1e-12)


def test_decoupling_table_in_the_report(panel) -> None:
    folder, res, _d, _out, words = panel
    assert "Decoupling of CO₂ from" in words
    assert "Contributions of the LMDI effects to the decoupling elasticity" in words
    eco = pd.read_csv(folder / "economy.csv", keep_default_na=False)
    gdp = eco[eco["variable"] == "gdp"].set_index(["region", "year"])["value"].astype(float)
    co2 = _co2(res)
    e = (co2[("BJ", 2011)] / co2[("BJ", 2010)] - 1) / (gdp[("BJ", 2011)] / gdp[("BJ", 2010)] - 1)
    assert 0 <= e < 0.8  # weak decoupling by Tapio's thresholds
    assert re.search(rf"BJ 2010-2011 [^A-Z]*{e:.3f} weak decoupling", words)
    assert res.decoupling is res["decoupling"]


def test_per_region_peaks_and_units(panel) -> None:
    _folder, res, d, _out, words = panel
    assert res.scenarios.unit == "region"
    peaks = words[words.index("Peak of each projected path") :][:2000]
    for code in CODES:
        assert code in peaks
    assert "Total" in peaks
    for section in ("index", "stirpat", "decomposition"):
        assert d["settings"][section]["unit"] == "region", section


def test_every_figure_draws_or_says_why(panel, tmp_path) -> None:
    _folder, res, _d, out, _words = panel
    manifest = figures.write_figures(res, tmp_path)
    by = {m["name"]: m for m in manifest}
    for name in ("emissions_by_group", "emissions_by_region", "lmdi_waterfall", "lmdi_by_region",
                 "decoupling", "scenario_fan", "fuel_contributions"):  # fmt: skip
        assert by[name].get("files"), name
    assert "per region" in by["uncertainty_bands"]["skipped"]
    assert all(m.get("files") or m.get("skipped") for m in manifest)
    assert (out / "report.docx").is_file() and (out / "results.xlsx").is_file()
