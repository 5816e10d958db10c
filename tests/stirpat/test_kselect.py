"""k rules: MASS::lm.ridge HKB, L-W and GCV on Longley; the trace-stability rule by hand."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from carbonpath.core.errors import InputError
from carbonpath.stirpat.kselect import (
    choose_k,
    gcv_curve,
    mass_hkb_lw,
    trace_rule_text,
    trace_stable_k,
)
from carbonpath.stirpat.ridge import RidgeTrace, k_grid


@pytest.fixture(scope="module")
def longley():
    d = sm.datasets.longley.load_pandas().data
    # R: GNP.deflator ~ GNP + Unemployed + Armed.Forces + Population + Year + Employed
    return d["GNPDEFL"].to_numpy(), d[["GNP", "UNEMP", "ARMED", "POP", "YEAR", "TOTEMP"]].to_numpy()


def test_mass_hkb_lw_longley(longley):
    y, X = longley
    m = mass_hkb_lw(y, X)
    # MASS::select(lm.ridge(GNP.deflator ~ ., longley)) prints these (lambda units)
    assert m.hkb_lambda == pytest.approx(0.006836982, rel=1e-6)
    assert m.lw_lambda == pytest.approx(0.05267247, rel=1e-6)
    assert m.hkb_k == pytest.approx(0.006836982 / 16, rel=1e-6)
    assert m.lw_k == pytest.approx(0.05267247 / 16, rel=1e-6)


def test_gcv_matches_mass_formula_and_published_minimum(longley):
    y, X = longley
    n = len(y)
    lam = np.round(np.arange(0, 1001) * 0.0001, 10)
    g = gcv_curve(y, X, lam / n)
    # MASS's computation via the SVD of the centred, sqrt(sum x^2/n)-scaled X
    Xc = X - X.mean(axis=0)
    Xs = Xc / np.sqrt((Xc**2).sum(axis=0) / n)
    u, d, vt = np.linalg.svd(Xs, full_matrices=False)
    rhs = u.T @ (y - y.mean())
    expected = []
    for lmb in lam:
        coef = vt.T @ (d * rhs / (d**2 + lmb))
        rss = np.sum((y - y.mean() - Xs @ coef) ** 2)
        expected.append(rss / (n - np.sum(d**2 / (d**2 + lmb))) ** 2)
    np.testing.assert_allclose(g, expected, rtol=1e-7)
    # select(lm.ridge(GNP.deflator ~ ., longley, lambda = seq(0, 0.1, 0.0001))):
    # "smallest value of GCV at 0.0057"
    assert lam[int(np.argmin(g))] == pytest.approx(0.0057)


def _trace(k, beta):
    beta = np.asarray(beta, dtype=float)
    return RidgeTrace(
        names=tuple(f"x{j}" for j in range(beta.shape[1])),
        k=np.asarray(k),
        beta=beta,
        r2=np.zeros(len(k)),
        vif=np.ones_like(beta),
    )


def test_trace_rule_by_hand():
    # Beta_1 = 1 / (k + a): relative change per 0.01 step is 0.01 / (k + 0.01 + a).
    # With tol 0.05 the step from k is acceptable when k >= 0.19 - a; a = 0.045 -> k >= 0.145,
    # so the first grid point is 0.15.  Beta_2 is flat and never blocks.
    ks = k_grid(0, 1, 0.01)
    beta = np.column_stack([1 / (ks + 0.045), np.full(ks.size, 0.5)])
    k, ok = trace_stable_k(_trace(ks, beta), tol=0.05)
    assert ok and k == pytest.approx(0.15)
    # on a 0.02 grid the change is expressed per 0.01: same function gives the same k rule
    ks2 = k_grid(0, 1, 0.02)
    beta2 = np.column_stack([1 / (ks2 + 0.045), np.full(ks2.size, 0.5)])
    k2, _ = trace_stable_k(_trace(ks2, beta2), tol=0.05)
    # per-0.01 relative change (1/(k+a) - 1/(k+0.02+a)) * (k+a) / 2 = 0.01 / (k+0.02+a)
    # <= 0.05 -> k >= 0.2 - 0.02 - 0.045 = 0.135 -> first 0.02-grid point 0.14
    assert k2 == pytest.approx(0.14)


def test_trace_rule_floor_and_late_instability():
    ks = k_grid(0, 0.1, 0.01)
    # coefficient crossing zero slowly: judged against 0.1 x the largest (1.0)
    crossing = 0.02 - 0.004 * np.arange(ks.size)  # change 0.004 per step <= 0.05 * 0.1
    beta = np.column_stack([np.ones(ks.size), crossing])
    assert trace_stable_k(_trace(ks, beta), tol=0.05) == (0.0, True)
    # a jump late in the grid pushes the answer past it
    jump = np.ones(ks.size)
    jump[7:] = 1.2
    k, ok = trace_stable_k(_trace(ks, np.column_stack([jump, jump])), tol=0.05)
    assert ok and k == pytest.approx(0.07)
    # never stable: the last grid point, flagged
    wild = np.column_stack([(-1.0) ** np.arange(ks.size), np.ones(ks.size)])
    assert trace_stable_k(_trace(ks, wild), tol=0.05) == (pytest.approx(0.1), False)


def test_choose_k_rules(longley):
    y, X = longley
    c = choose_k(y, X, "hkb")
    assert c.rule == "hkb" and c.k == pytest.approx(0.006836982 / 16, rel=1e-6)
    assert c.hkb_lambda == pytest.approx(0.006836982, rel=1e-6)
    assert set(c.candidates) == {"trace", "hkb", "lw", "gcv"}
    assert choose_k(y, X, "auto").rule == "trace"
    fixed = choose_k(y, X, 0.1)
    assert fixed.rule == "fixed" and fixed.k == 0.1
    assert "0.05" in c.trace_rule and c.trace_rule == trace_rule_text()
    with pytest.raises(InputError, match="unknown k rule"):
        choose_k(y, X, "magic")


def test_choose_k_two_regressors_note():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 2))
    y = X @ [1.0, 2.0] + rng.normal(size=20)
    c = choose_k(y, X, "trace")
    assert c.candidates["hkb"] == 0.0
    assert any("p - 2" in note for note in c.notes)


def test_choose_k_takes_the_typed_rule(longley):
    y, X = longley
    from carbonpath.stirpat.krule import KRule

    assert choose_k(y, X, KRule("gcv")).rule == "gcv"
    fixed = choose_k(y, X, KRule.fixed(0.2))
    assert fixed.k == 0.2 and fixed.rule == "fixed"
