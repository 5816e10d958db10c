"""Monte Carlo robustness and bootstrap weight intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpath.index.normalise import normalise
from carbonpath.index.robustness import bootstrap_entropy_weights, monte_carlo
from carbonpath.index.weights import entropy_weights

RAW = pd.DataFrame(
    {
        "share": [0.20, 0.22, 0.25, 0.24, 0.30, 0.33, 0.35, 0.31],
        "growth": [0.05, -0.02, 0.08, 0.03, 0.10, 0.01, 0.12, -0.04],
        "intensity": [9.0, 8.5, 8.1, 8.3, 7.0, 6.2, 5.9, 6.4],
        "productivity": [1.0, 1.1, 1.15, 1.3, 1.35, 1.5, 1.7, 1.6],
    },
    index=pd.Index(range(2015, 2023), name="year"),
)
DIRS = {"share": "+", "growth": "+", "intensity": "-", "productivity": "+"}


def test_same_seed_identical_results() -> None:
    a = monte_carlo(RAW, DIRS, draws=300, seed=42)
    b = monte_carlo(RAW, DIRS, draws=300, seed=42)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert a.mean_abs_rank_shift == b.mean_abs_rank_shift
    assert a.settings == b.settings
    ba = bootstrap_entropy_weights(RAW, DIRS, draws=200, seed=7)
    bb = bootstrap_entropy_weights(RAW, DIRS, draws=200, seed=7)
    pd.testing.assert_frame_equal(ba, bb)


def test_ratio_skipped_for_negative_values_with_warning() -> None:
    r = monte_carlo(RAW, DIRS, draws=50, seed=1)
    assert "ratio" not in r.settings.normalisations
    assert any("ratio" in w for w in r.warnings)


def test_degenerate_configuration_reproduces_baseline() -> None:
    r = monte_carlo(
        RAW,
        DIRS,
        draws=20,
        seed=3,
        methods=["entropy"],
        normalisations=["minmax"],
        epsilons=[0.0],
        leave_one_out=False,
    )
    x = normalise(RAW, DIRS, "minmax").values
    base = x.to_numpy() @ entropy_weights(x).weights.to_numpy()
    np.testing.assert_allclose(r.summary["score_p5"], base, rtol=1e-12)
    np.testing.assert_allclose(r.summary["score_p95"], base, rtol=1e-12)
    np.testing.assert_allclose(r.summary["baseline_score"], base, rtol=1e-12)
    assert r.mean_abs_rank_shift == 0.0
    # rank 1 = highest score
    assert r.summary["baseline_rank"].loc[int(np.argmax(base)) + 2015] == 1


def test_leave_one_out_bounds_hand_calculation() -> None:
    # equal weights + min-max: each leave-one-out index is the mean of the other columns
    r = monte_carlo(
        RAW, DIRS, draws=400, seed=5, methods=["equal"], normalisations=["minmax"], epsilons=[0.0]
    )
    x = normalise(RAW, DIRS, "minmax").values
    configs = [x.mean(axis=1)] + [x.drop(columns=c).mean(axis=1) for c in x.columns]
    lo = np.min(configs, axis=0)
    hi = np.max(configs, axis=0)
    assert (r.summary["score_p5"] >= lo - 1e-12).all()
    assert (r.summary["score_p95"] <= hi + 1e-12).all()
    assert (r.summary["score_p95"] > r.summary["score_p5"]).any()
    assert r.mean_abs_rank_shift > 0


def test_bootstrap_matches_loop_over_resamples() -> None:
    draws, seed = 50, 11
    got = bootstrap_entropy_weights(RAW, DIRS, draws=draws, seed=seed, epsilon=0.001)
    idx = np.random.default_rng(seed).integers(0, len(RAW), size=(draws, len(RAW)))
    ws = []
    for rows in idx:
        sample = RAW.iloc[rows].reset_index(drop=True)
        if all(sample[c].nunique() == 1 for c in sample.columns):
            continue
        x = normalise(sample, DIRS, "minmax").values
        ws.append(entropy_weights(x, epsilon=0.001).weights.to_numpy())
    ws = np.array(ws)
    np.testing.assert_allclose(got["median"], np.median(ws, axis=0), rtol=1e-10)
    np.testing.assert_allclose(got["lower"], np.percentile(ws, 5, axis=0), rtol=1e-10)
    np.testing.assert_allclose(got["upper"], np.percentile(ws, 95, axis=0), rtol=1e-10)
    assert (got["lower"] <= got["median"]).all() and (got["median"] <= got["upper"]).all()


def test_bad_arguments() -> None:
    from carbonpath.core.errors import InputError

    with pytest.raises(InputError):
        monte_carlo(RAW, DIRS, draws=0)
    with pytest.raises(InputError):
        bootstrap_entropy_weights(RAW, DIRS, level=1.5)


def test_configuration_grid_is_the_product_in_order() -> None:
    import itertools

    from carbonpath.index.robustness import _Grid

    grid = _Grid(("entropy", "cv"), ("minmax", "zscore", "ratio"), (0.0, 0.01), (None, "a", "b"))
    want = list(itertools.product(grid.methods, grid.norms, grid.epsilons, grid.drops))
    assert [grid.config(k) for k in range(grid.size)] == want


def test_blocked_ranks_and_bootstrap_equal_the_unblocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks bound the memory of the rank comparison and of the bootstrap; the numbers
    do not depend on the block size."""
    from carbonpath.index import robustness as rob

    mc = monte_carlo(RAW, DIRS, draws=200, seed=4)
    bs = bootstrap_entropy_weights(RAW, DIRS, draws=300, seed=4)
    monkeypatch.setattr(rob, "_RANK_BLOCK", 70)
    monkeypatch.setattr(rob, "_BOOTSTRAP_BLOCK", 100)
    pd.testing.assert_frame_equal(monte_carlo(RAW, DIRS, draws=200, seed=4).summary, mc.summary)
    pd.testing.assert_frame_equal(bootstrap_entropy_weights(RAW, DIRS, draws=300, seed=4), bs)
    scores = np.random.default_rng(0).random((50, 8))
    ranks = rob._ranks_rows(scores)
    want = np.array([pd.Series(s).rank(ascending=False, method="min") for s in scores])
    np.testing.assert_array_equal(ranks, want)
