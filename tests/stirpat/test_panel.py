"""Panel STIRPAT against linearmodels PanelOLS / PooledOLS (coefficients and SEs, 1e-8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.errors import AbsorbedRegressorError, CollinearityError
from carbonpath.stirpat.panel import fit_panel
from carbonpath.stirpat.panel_cov import auto_bandwidth

lm_panel = pytest.importorskip("linearmodels.panel")
pytestmark = pytest.mark.filterwarnings("ignore")

NAMES = ["lnP", "lnA", "lnT"]
TOL = 1e-8


@pytest.fixture(scope="module")
def panel():
    """9 entities x 8 years with entity and year effects and heteroskedastic noise."""
    rng = np.random.default_rng(3)
    G, T = 9, 8
    ent = np.repeat([f"s{g}" for g in range(G)], T)
    year = np.tile(np.arange(2015, 2023), G)
    trend = np.tile(np.arange(T), G)[:, None] * 0.1
    X = rng.normal(size=(G * T, 3)) + np.repeat(np.arange(G), T)[:, None] * 0.3 + trend
    y = 1 + X @ [0.5, -0.2, 0.1] + np.repeat(np.arange(G), T) * 0.7
    y = (
        y
        + np.tile(rng.normal(size=T), G)
        + rng.normal(size=G * T) * (1 + np.repeat(np.arange(G), T) / 5)
    )
    frame = pd.DataFrame(X, columns=NAMES)
    frame["y"] = y
    frame["entity"] = ent
    frame["year"] = year
    return frame.set_index(["entity", "year"]), y, X, ent, year


def _close(mine, ref, names=NAMES):
    np.testing.assert_allclose(mine.params, ref.params[names].to_numpy(), rtol=TOL)
    np.testing.assert_allclose(mine.bse, ref.std_errors[names].to_numpy(), rtol=TOL)


def test_entity_effects_clustered(panel):
    frame, y, X, ent, year = panel
    ref = lm_panel.PanelOLS(frame["y"], frame[NAMES], entity_effects=True).fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=True,
        group_debias=True,
        count_effects=False,
    )
    res = fit_panel(y, X, ent, year, NAMES)
    _close(res, ref)
    assert res.rsquared == pytest.approx(ref.rsquared, rel=TOL)
    assert res.r2_within == pytest.approx(ref.rsquared_within, rel=TOL)
    # p on G - 1 = 8 df (Stata's xtreg, fe vce(cluster)), from the reference SEs
    t = ref.params.to_numpy() / ref.std_errors.to_numpy()
    np.testing.assert_allclose(res.pvalues, 2 * stats.t.sf(np.abs(t), 8), rtol=1e-9)
    assert (res.entities, res.nobs, res.periods, res.df_t) == (9, 72, 8, 8)
    assert res.const_average_effect == pytest.approx(y.mean() - X.mean(axis=0) @ res.params)
    assert list(res.coefficients["term"]) == NAMES


def test_two_way_coefficients(panel):
    frame, y, X, ent, year = panel
    ref = lm_panel.PanelOLS(frame["y"], frame[NAMES], entity_effects=True, time_effects=True).fit()
    res = fit_panel(y, X, ent, year, NAMES, effects=("entity", "time"))
    np.testing.assert_allclose(res.params, ref.params.to_numpy(), rtol=TOL)
    assert res.rsquared == pytest.approx(ref.rsquared, rel=TOL)
    assert res.r2_within == pytest.approx(ref.rsquared_within, rel=TOL)


def test_two_way_clustered_counts_the_year_dummies(panel):
    """Two-way FE clustered by entity = entity FE with year dummies (Stata xtreg ... i.year)."""
    frame, y, X, ent, year = panel
    years = frame.index.get_level_values("year")
    dummies = pd.get_dummies(years, prefix="y", drop_first=True).astype(float)
    dummies.index = frame.index
    ref = lm_panel.PanelOLS(
        frame["y"], pd.concat([frame[NAMES], dummies], axis=1), entity_effects=True
    ).fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=True,
        group_debias=True,
        auto_df=False,
        count_effects=False,
    )
    res = fit_panel(y, X, ent, year, NAMES, effects=("entity", "time"))
    _close(res, ref)


@pytest.mark.parametrize("effects", [("entity",), ("entity", "time")])
@pytest.mark.parametrize("bandwidth", [None, 0, 3])
def test_driscoll_kraay(panel, effects, bandwidth):
    frame, y, X, ent, year = panel
    kw = {} if bandwidth is None else {"bandwidth": bandwidth}
    ref = lm_panel.PanelOLS(
        frame["y"], frame[NAMES], entity_effects=True, time_effects="time" in effects
    ).fit(cov_type="kernel", kernel="bartlett", debiased=True, **kw)
    res = fit_panel(y, X, ent, year, NAMES, effects=effects, cov="driscoll-kraay", **kw)
    _close(res, ref)
    np.testing.assert_allclose(res.pvalues, ref.pvalues.to_numpy(), rtol=1e-7)
    assert res.df_resid == ref.df_resid
    assert res.bandwidth == (auto_bandwidth(8) if bandwidth is None else bandwidth)


def test_auto_bandwidth_rule():
    # floor(4 (T / 100)^(2/9)): 8 years -> 2, 30 -> 3, 100 -> 4
    assert [auto_bandwidth(t) for t in (8, 30, 100)] == [2, 3, 4]


def test_robust(panel):
    frame, y, X, ent, year = panel
    ref = lm_panel.PanelOLS(frame["y"], frame[NAMES], entity_effects=True, time_effects=True).fit(
        cov_type="robust", debiased=True
    )
    res = fit_panel(y, X, ent, year, NAMES, effects=("entity", "time"), cov="robust")
    _close(res, ref)


@pytest.mark.parametrize("cov", ["cluster", "driscoll-kraay"])
def test_pooled(panel, cov):
    frame, y, X, ent, year = panel
    exog = pd.concat([pd.Series(1.0, index=frame.index, name="const"), frame[NAMES]], axis=1)
    mod = lm_panel.PooledOLS(frame["y"], exog)
    if cov == "cluster":
        ref = mod.fit(cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)
    else:
        ref = mod.fit(cov_type="kernel", debiased=True)
    res = fit_panel(y, X, ent, year, NAMES, effects=(), cov=cov)
    _close(res, ref, ["const", *NAMES])
    assert res.rsquared == pytest.approx(ref.rsquared, rel=TOL)
    assert list(res.params.index) == ["const", *NAMES]


def test_any_entity_labels_and_unbalanced_panel(panel):
    frame, y, X, ent, year = panel
    keep = np.ones(y.size, dtype=bool)
    keep[[3, 17, 40]] = False  # drop three observations
    regions = np.array([f"R{e[1:]}" for e in ent])[keep]
    sub = frame[keep]
    ref = lm_panel.PanelOLS(sub["y"], sub[NAMES], entity_effects=True, time_effects=True).fit()
    res = fit_panel(y[keep], X[keep], regions, year[keep], NAMES, effects=("entity", "time"))
    np.testing.assert_allclose(res.params, ref.params.to_numpy(), rtol=TOL)


def test_identity_is_reported():
    """C = P x (A/P) x (E/A) x (C/E): the elasticities are 1 by construction."""
    rng = np.random.default_rng(7)
    G, T = 6, 10
    ent = np.repeat(np.arange(G), T)
    year = np.tile(np.arange(T), G)
    lnP, lnAP, lnEA, lnCE = (rng.normal(size=G * T) for _ in range(4))
    y = lnP + lnAP + lnEA + lnCE + np.repeat(rng.normal(size=G), T)
    X = np.column_stack([lnP, lnAP, lnEA, lnCE])
    res = fit_panel(y, X, ent, year, ["lnP", "lnAP", "lnEA", "lnCE"])
    np.testing.assert_allclose(res.params, 1.0, rtol=1e-9)
    assert res.identity.holds and list(res.identity.weights) == [1, 1, 1, 1]
    assert res.identity.equation == "lnC = a_i + lnP + lnAP + lnEA + lnCE"
    assert "near 1 (or -1) by construction" in res.identity.message


def test_errors():
    rng = np.random.default_rng(0)
    ent = np.repeat(["a", "b", "c"], 4)
    year = np.tile([1, 2, 3, 4], 3)
    X = np.column_stack([rng.normal(size=12), np.repeat([1.0, 2.0, 3.0], 4)])
    with pytest.raises(AbsorbedRegressorError, match="does not vary within"):
        fit_panel(rng.normal(size=12), X, ent, year, ["x", "group_level"])
    common = np.column_stack([rng.normal(size=12), np.tile([1.0, 2.0, 4.0, 3.0], 3)])
    with pytest.raises(AbsorbedRegressorError, match="once the effects are removed"):
        fit_panel(
            rng.normal(size=12), common, ent, year, ["x", "yearly"], effects=("entity", "time")
        )
    a = rng.normal(size=12)
    with pytest.raises(CollinearityError):
        fit_panel(rng.normal(size=12), np.column_stack([a, 2 * a]), ent, year)
    with pytest.raises(InputError, match="two entities"):
        fit_panel(rng.normal(size=4), rng.normal(size=(4, 1)), ["a"] * 4, [1, 2, 3, 4])
    with pytest.raises(InputError, match="more than one observation"):
        fit_panel(rng.normal(size=4), rng.normal(size=(4, 1)), ["a", "a", "b", "b"], [1, 1, 1, 2])
    with pytest.raises(InputError, match="not below the number of periods"):
        fit_panel(
            rng.normal(size=12),
            rng.normal(size=(12, 1)),
            ent,
            year,
            cov="driscoll-kraay",
            bandwidth=4,
        )
