"""The sections' content: findings, provenance, quality, emissions, drivers, methods."""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import Any

from carbonpath.report.html import summary
from tests.report.html.conftest import section_text
from tests.report.studies import results_for, write_study


def test_provenance_hashes_are_those_of_the_files(report: dict[str, Any], tmp_path: Path) -> None:
    folder = write_study(tmp_path / "s", hostile=True)
    data = section_text(report["text"], "data")
    for name in ("sectors.csv", "energy.csv", "economy.csv"):
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() in data
    assert "<td>utf-8</td>" in data


def test_quality_findings_and_corrections(report: dict[str, Any]) -> None:
    data = section_text(report["text"], "data")
    assert "2 quality finding(s) (1 error(s), 1 of them resolved by corrections)" in data
    assert "9.87 times the median of its neighbouring years" in data
    assert ">12,451,100,000<" in data  # the slipped value, as read (yuan)
    assert "Corrections applied" in data


def test_numbers_formatted_with_units(report: dict[str, Any]) -> None:
    em = section_text(report["text"], "emissions")
    assert '<th scope="col">CO₂ (t)</th>' in em
    assert "Intensity (t CO₂ per 10⁸ yuan)" in em
    total = report["results"].to_dict()["emissions"]["total"]
    first = min(total, key=lambda r: r["year"])
    assert f">{first['co2_t']:,.0f}<" in em
    assert f">{first['share_of_reference'] * 100:.1f} %<" in em
    assert "factor set &#39;cn-provincial-2011&#39;" in em


def test_ridge_warning_next_to_ridge_table(report: dict[str, Any]) -> None:
    drivers = section_text(report["text"], "drivers")
    warn = drivers.index("treat the ridge estimate as unbiased")
    table = drivers.index("Ridge regression</caption>")
    ols = drivers.index("OLS regression</caption>")
    assert ols < warn < table  # the caveat sits right above the ridge table
    assert "not the standardised Beta" in drivers
    assert "B (elasticity)" in drivers and "Beta (standardised)" in drivers
    ridge = report["results"].to_dict()["stirpat"]["ridge"]
    assert f"k = 0.1 chosen by the rule &#39;{ridge['k_rule']}&#39;" in drivers
    assert "unit-root and cointegration tests have little power" in drivers


def test_methods_and_software(report: dict[str, Any]) -> None:
    text = report["text"]
    methods = section_text(text, "methods")
    for needle in ("cn-provincial-2011", "Seed (settings.seed)", "12345", "SPSS RIDGEREG"):
        assert needle in methods, needle
    software = section_text(text, "software")
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib"):
        assert f"<td>{pkg}</td>" in software
        assert metadata.version(pkg) in software


def test_findings_name_the_extremes_and_the_largest_effect() -> None:
    d = results_for("full").to_dict()
    lines = summary.findings(d)
    last = [r for r in d["emissions"]["intensity"] if r["year"] == 2022]
    last = [r for r in last if r["scope_type"] == "sector"]
    hi = max(last, key=lambda r: r["intensity_t_per_1e8_yuan"])
    names = summary.sector_names(d)
    assert any(f"most carbon-intensive industry was {names[hi['scope']]}" in s for s in lines)
    effects = {r["effect"] for r in d["decomposition"]["effects"]}
    words = {summary.effect_name(e, "en") for e in effects}
    assert any("largest LMDI-I effect" in s and any(w in s for w in words) for s in lines)
    # the peak is said once for all scenarios, not once per scenario
    assert sum("'baseline'" in s and "peak" in s for s in lines) == 1


def test_pathways_tables(report: dict[str, Any]) -> None:
    pathways = section_text(report["text"], "pathways")
    assert "LMDI-I decomposition 2015-2022</caption>" in pathways
    assert "Targets, each judged on its own scope" in pathways
    assert "modern_intensity_2025" in pathways
    assert "Peak of each projected path" in pathways and "Scenario assumptions" in pathways
