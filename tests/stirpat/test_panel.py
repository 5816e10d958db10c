"""Fixed-effects panel against linearmodels PanelOLS (entity effects, clustered by entity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.panel import fit_panel_fe

lm_panel = pytest.importorskip("linearmodels.panel")


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(3)
    G, T = 9, 8
    ent = np.repeat([f"s{g}" for g in range(G)], T)
    year = np.tile(np.arange(2015, 2023), G)
    X = rng.normal(size=(G * T, 3)) + np.repeat(np.arange(G), T)[:, None] * 0.3
    y = 1 + X @ [0.5, -0.2, 0.1] + np.repeat(np.arange(G), T) * 0.7
    y = y + rng.normal(size=G * T) * (1 + np.repeat(np.arange(G), T) / 5)
    frame = pd.DataFrame(X, columns=["lnP", "lnA", "lnT"])
    frame["y"] = y
    frame["entity"] = ent
    frame["year"] = year
    return frame.set_index(["entity", "year"]), y, X, ent


def _lm_fit(frame, **kw):
    mod = lm_panel.PanelOLS(frame["y"], frame[["lnP", "lnA", "lnT"]], entity_effects=True)
    return mod.fit(cov_type="clustered", cluster_entity=True, **kw)


def test_params_and_default_clustered_se(panel):
    frame, y, X, ent = panel
    ref = _lm_fit(frame)
    res = fit_panel_fe(y, X, ent, ["lnP", "lnA", "lnT"], small_sample=False)
    np.testing.assert_allclose(res.params, ref.params.to_numpy(), rtol=1e-9)
    # linearmodels' default scales the raw cluster sandwich by N / (N - K)
    n, k = X.shape
    np.testing.assert_allclose(res.bse * np.sqrt(n / (n - k)), ref.std_errors.to_numpy(), rtol=1e-9)
    assert res.r2_within == pytest.approx(ref.rsquared_within, rel=1e-9)


def test_small_sample_se_matches_linearmodels_debiased(panel):
    frame, y, X, ent = panel
    ref = _lm_fit(frame, debiased=True, group_debias=True, count_effects=False)
    res = fit_panel_fe(y, X, ent, ["lnP", "lnA", "lnT"], small_sample=True)
    np.testing.assert_allclose(res.bse, ref.std_errors.to_numpy(), rtol=1e-9)
    # p on G - 1 = 8 df from the reference standard errors
    t = ref.params.to_numpy() / ref.std_errors.to_numpy()
    np.testing.assert_allclose(res.pvalues, 2 * stats.t.sf(np.abs(t), 8), rtol=1e-9)
    assert res.entities == 9 and res.nobs == 72 and res.periods == 8


def test_panel_errors():
    rng = np.random.default_rng(0)
    ent = np.repeat(["a", "b", "c"], 4)
    X = np.column_stack([rng.normal(size=12), np.repeat([1.0, 2.0, 3.0], 4)])
    with pytest.raises(InputError, match="does not vary within"):
        fit_panel_fe(rng.normal(size=12), X, ent, ["x", "group_level"])
    with pytest.raises(InputError, match="two entities"):
        fit_panel_fe(rng.normal(size=4), rng.normal(size=(4, 1)), ["a"] * 4)
