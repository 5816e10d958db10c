"""The vectorised jump and zero-run rules against a plain per-series loop written here
(the rule as docs/quality-checks.md states it, one value at a time), on random series
with zeros, negatives, constants, NaN and 2-3 year series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpath.quality import breaks, stacked
from carbonpath.quality.checks import DEFAULTS, check_series

CFG = dict(DEFAULTS)


def ref_neighbours(n: int, w: int, i: int) -> list[int]:
    """Up to w observed values each side, topped up from the other side near the ends."""
    short_left = max(0, w - i)
    short_right = max(0, w - (n - 1 - i))
    left = list(range(max(0, i - w - short_right), i))
    right = list(range(i + 1, min(n, i + 1 + w + short_left)))
    return left + right


def ref_trend(x: list[float], t: list[float]) -> float:
    """Repeated median slope of log10 x over the positive values (0 with fewer than 3)."""
    pts = [(ti, np.log10(xi)) for xi, ti in zip(x, t, strict=True) if xi > 0]
    if len(pts) < 3:
        return 0.0
    per_point = []
    for ti, li in pts:
        slopes = [(lj - li) / (tj - ti) for tj, lj in pts if tj != ti]
        per_point.append(float(np.median(slopes)))
    return float(np.median(per_point))


def ref_scores(x: list[float], t: list[float] | None, w: int) -> tuple[list[float], list[bool]]:
    n = len(x)
    slope = ref_trend(x, t) if t is not None else 0.0
    tt = t if t is not None else [0.0] * n
    logs = [np.log10(v) - slope * ti if v > 0 else np.nan for v, ti in zip(x, tt, strict=True)]
    r, appears = [np.nan] * n, [False] * n
    for i in range(n):
        nb = ref_neighbours(n, w, i)
        if x[i] <= 0 or not nb:
            continue
        if all(x[j] == 0 for j in nb):
            appears[i] = True
            continue
        pos = [logs[j] for j in nb if x[j] > 0]
        if pos:
            r[i] = logs[i] - float(np.median(pos))
    return r, appears


def ref_flagged(x: list[float], t: list[float], cfg: dict) -> list[bool]:
    r, appears = ref_scores(x, t, int(cfg["jump_window"]))
    fin = [v for v in r if np.isfinite(v)]
    use_mad = sum(v > 0 for v in x) >= cfg["jump_min_points"] and len(fin) >= 3
    med = float(np.median(fin)) if fin else 0.0
    scale = 1.4826 * float(np.median([abs(v - med) for v in fin])) if fin else 0.0
    out = []
    for ri, ap in zip(r, appears, strict=True):
        ok = np.isfinite(ri) and abs(ri) >= cfg["jump_threshold"]
        if ok and use_mad and abs(ri - med) < cfg["jump_mad_k"] * scale:
            ok = False
        out.append(bool(ap or ok))
    return out


def random_series(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    out = []
    for _ in range(count):
        n = int(rng.integers(1, 13))
        x = rng.lognormal(5, 1.5, n) * np.exp(rng.normal(0.05, 0.1) * np.arange(n))
        kind = rng.random()
        if kind < 0.1:
            x[:] = 7.0  # constant
        m = rng.random(n)
        x[m < 0.15] = 0.0
        x[(m > 0.15) & (m < 0.2)] *= 10
        x[(m > 0.95)] *= -1
        out.append(x)
    return out


def flat_of(series: list[np.ndarray], t0: int = 2000) -> stacked.Flat:
    years = [t0 + np.arange(len(x)) + (np.arange(len(x)) > 2) for x in series]  # a gap
    return stacked.Flat(
        values=np.concatenate(series),
        years=np.concatenate(years),
        offsets=np.concatenate([[0], np.cumsum([len(x) for x in series])]),
    )


def test_nanmedian_is_numpys_median_of_the_values_present() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(200, 9))
    a[rng.random(a.shape) < 0.3] = np.nan
    got = stacked.nanmedian(a)
    for row, g in zip(a, got, strict=True):
        keep = row[~np.isnan(row)]
        assert (np.isnan(g) and not len(keep)) or g == np.median(keep)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jumps_equal_the_per_series_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    series = random_series(rng, 400)
    flat = flat_of(series)
    got = stacked.jumps(flat, CFG)
    for s, x in enumerate(series):
        lo, hi = flat.offsets[s], flat.offsets[s + 1]
        t = flat.years[lo:hi].astype(float).tolist()
        if len(x) < 2:
            assert not got.flagged[lo:hi].any()
            continue
        r, appears = ref_scores(x.tolist(), t, 2)
        shown, _ = ref_scores(x.tolist(), None, 2)
        np.testing.assert_array_equal(got.r[lo:hi], r)  # exact: the same arithmetic
        np.testing.assert_array_equal(got.shown[lo:hi], shown)
        assert got.appears[lo:hi].tolist() == appears
        assert got.flagged[lo:hi].tolist() == ref_flagged(x.tolist(), t, CFG)


def test_hand_calculated_slip() -> None:
    """Five values 100, 100, 1000, 100, 100: r = log10(1000) - median of four log10(100)
    = 1 (no trend: the repeated-median slope is 0), an error at the 0.9 threshold."""
    flat = flat_of([np.array([100.0, 100, 1000, 100, 100])])
    got = stacked.jumps(flat, CFG)
    assert got.r.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert got.flagged.tolist() == [False, False, True, False, False]
    assert got.error[2]


def ref_zero_runs(x: list[float]) -> list[tuple[int, int]]:
    runs = []
    for i in range(1, len(x)):
        if x[i] == 0 and x[i - 1] > 0:
            j = i
            while j + 1 < len(x) and x[j + 1] == 0:
                j += 1
            if j + 1 < len(x) and x[j + 1] > 0:
                runs.append((i, j))
    return runs


def test_zero_runs_equal_the_per_series_loop() -> None:
    rng = np.random.default_rng(5)
    series = random_series(rng, 500)
    flat = flat_of(series)
    first, last = stacked.zero_run_bounds(flat)
    got = list(zip(first.tolist(), last.tolist(), strict=True))
    want = [
        (int(flat.offsets[s]) + i, int(flat.offsets[s]) + j)
        for s, x in enumerate(series)
        for i, j in ref_zero_runs(x.tolist())
    ]
    assert got == want


def test_robust_unusual_equals_the_per_row_loop() -> None:
    rng = np.random.default_rng(3)
    d = rng.normal(size=(60, 8))
    d[rng.random(d.shape) < 0.2] = np.nan
    d[0, 1:] = np.nan  # one change only: never unusual
    d[1] = 2.0  # constant: MAD 0
    got = breaks._robust_unusual(d, 3.0)
    for row, g in zip(d, got, strict=True):
        ok = np.isfinite(row)
        want = np.zeros(len(row), dtype=bool)
        if ok.sum() >= 2:
            med = np.median(row[ok])
            mad = 1.4826 * np.median(np.abs(row[ok] - med))
            want[ok] = np.abs(row[ok] - med) >= 3.0 * mad
        assert g.tolist() == want.tolist()


def test_check_series_on_a_table_with_missing_values_equals_the_loop() -> None:
    """Jump and zero-run findings of a random table (NaN dropped per series) are the
    per-series loop's, series in order of first appearance, each in year order."""
    rng = np.random.default_rng(11)
    rows = []
    for s in range(30):
        x = random_series(rng, 1)[0]
        for k, v in enumerate(x):
            rows.append((2000 + k, f"S{s % 7}", f"f{s}", np.nan if rng.random() < 0.1 else v))
    df = pd.DataFrame(rows, columns=["year", "sector", "fuel", "value"]).sample(
        frac=1.0, random_state=2
    )
    got = [
        (f["sector"], f["variable"], f["year"])
        for f in check_series(df.assign(unit="t", dimension="mass"), "fuel")
        if f["check"] == "jump"
    ]
    want = []
    for (sector, fuel), g in df.groupby(["sector", "fuel"], sort=False):
        g = g.sort_values("year").dropna(subset=["value"])
        x, t = g["value"].tolist(), g["year"].astype(float).tolist()
        if len(x) >= 2:
            want += [
                (sector, fuel, int(y)) for y, f in zip(t, ref_flagged(x, t, CFG), strict=True) if f
            ]
    assert got == want and want
