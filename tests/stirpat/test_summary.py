"""summary(): the SPSS coefficient table (numbers) and its text rendering."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.stirpat.ols import fit_ols
from carbonpath.stirpat.panel import fit_panel
from carbonpath.stirpat.ridge import fit_ridge
from carbonpath.stirpat.summary import spss_table

BODYFAT = Path(__file__).resolve().parents[1] / "data" / "bodyfat_neter.csv"
NAMES = ["triceps", "thigh", "midarm"]


@pytest.fixture(scope="module")
def bodyfat():
    d = pd.read_csv(BODYFAT)
    return d["bodyfat"].to_numpy(), d[NAMES].to_numpy()


def test_spss_table_layout_and_numbers(bodyfat):
    y, X = bodyfat
    fit = fit_ridge(y, X, 0.02, NAMES)
    tab = fit.summary().to_frame()
    assert list(tab.columns) == ["B", "Std. Error", "Beta", "t", "Sig.", "VIF"]
    assert list(tab.index) == ["(Constant)", *NAMES]
    # NAG g02kbc at k = 0.02: slopes 0.5554, 0.3681, -0.1916, VIF 1.1026, 1.0805, 1.0105
    np.testing.assert_allclose(tab["B"].iloc[1:], [0.5554, 0.3681, -0.1916], atol=5e-5)
    np.testing.assert_allclose(tab["VIF"].iloc[1:], [1.1026, 1.0805, 1.0105], atol=5e-5)
    assert np.isnan(tab.loc["(Constant)", "Beta"]) and np.isnan(tab.loc["(Constant)", "VIF"])
    np.testing.assert_array_equal(tab["Sig."].to_numpy(), fit.pvalues.to_numpy())


def test_ridge_text_names_model_k_rule_and_fit(bodyfat):
    y, X = bodyfat
    fit = replace(fit_ridge(y, X, 0.02, NAMES), k_rule="fixed", response="bodyfat")
    text = str(fit.summary())
    for words in (
        "Ridge Regression Results",
        "Ridge (SPSS RIDGEREG)",
        "0.02 (fixed)",
        "MASS lambda = n k:",
        "Dep. Variable:",
        "bodyfat",
        "R-squared:",
        "Adj. R-squared:",
        "F-statistic:",
        "Prob (F-statistic):",
        "No. Observations:",
        "ignore the bias",
    ):
        assert words in text
    line = next(row for row in text.splitlines() if row.startswith("triceps"))
    assert line.split() == ["triceps", "0.5554", f"{fit.bse['triceps']:.4f}", "0.546",
                            f"{fit.tvalues['triceps']:.3f}", f"{fit.pvalues['triceps']:.3f}",
                            "1.103"]  # fmt: skip
    assert max(len(row) for row in text.splitlines()[:20]) <= 78


def test_ols_summary_has_the_diagnostics(bodyfat):
    y, X = bodyfat
    res = fit_ols(y, X, NAMES)
    text = str(res.summary())
    assert "OLS Regression Results" in text and "Durbin-Watson:" in text and "Cond. No.:" in text
    assert spss_table(res.coefficients).loc["triceps", "VIF"] == pytest.approx(708.8429, abs=5e-5)


def test_panel_summary_has_no_beta_or_vif():
    rng = np.random.default_rng(0)
    ent = np.repeat(list("abcd"), 6)
    year = np.tile(np.arange(6), 4)
    X = rng.normal(size=(24, 2))
    y = X @ [1.0, -1.0] + rng.normal(size=24)
    res = fit_panel(y, X, ent, year, ["x1", "x2"])
    tab = res.summary().to_frame()
    assert list(tab.columns) == ["B", "Std. Error", "t", "Sig."]
    text = str(res.summary())
    assert "Panel Regression Results" in text and "Effects:" in text and "entity" in text
