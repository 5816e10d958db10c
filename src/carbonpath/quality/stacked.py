"""The jump rule and the zero-run rule on many series at once (numpy, no per-series loop).

Series are held *flat*: the observed values of every series one after the other, each in
year order, with ``offsets`` (series s is ``values[offsets[s]:offsets[s + 1]]``).  Series
of the same length n share their neighbourhoods N(i), so they are stacked into an m x n
array and scored together; the medians are taken on sorted stacked arrays with the
missing entries (NaN) sorted last, as the mean of the two middle values of the k present
ones (the same arithmetic as ``numpy.median`` on the present values alone, so each score
is the number the one-series rule in :mod:`carbonpath.quality.jumps` gives, bit for bit).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Flat", "Jumps", "jumps", "nanmedian", "neighbour_index", "zero_run_bounds"]

#: stacked rows scored at once (bounds the m x n x n slope array of the trend)
CHUNK = 4096


@dataclass(frozen=True)
class Flat:
    """Observed values of many series, each in year order: ``values``, ``years`` (same
    length) and ``offsets`` (one more than the number of series)."""

    values: np.ndarray
    years: np.ndarray
    offsets: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def series(self) -> np.ndarray:
        """The series of each value."""
        return np.repeat(np.arange(len(self.offsets) - 1), self.lengths)


@dataclass(frozen=True)
class Jumps:
    """Per value: ``r`` (detrended score, NaN where undefined), ``shown`` (the score
    without detrending: the ratio to the neighbours as published), ``appears`` (positive
    while every neighbour is zero), ``flagged`` and ``error`` (severity)."""

    r: np.ndarray
    shown: np.ndarray
    appears: np.ndarray
    flagged: np.ndarray
    error: np.ndarray


def nanmedian(a: np.ndarray) -> np.ndarray:
    """Median over the last axis of the non-NaN entries (NaN where there are none):
    the middle value of the k sorted ones, or the mean of the two middle ones."""
    s = np.sort(a, axis=-1)  # NaN sorts last
    k = np.sum(~np.isnan(a), axis=-1)
    lo = np.maximum((k - 1) // 2, 0)[..., None]
    hi = np.minimum(k // 2, a.shape[-1] - 1)[..., None]
    low = np.take_along_axis(s, lo, axis=-1)[..., 0]
    high = np.take_along_axis(s, hi, axis=-1)[..., 0]
    with np.errstate(invalid="ignore", over="ignore"):
        med = (low + high) / 2
    return np.where(k > 0, med, np.nan)


@functools.cache
def neighbour_index(n: int, window: int) -> np.ndarray:
    """n x min(2w, n - 1) positions of each position's neighbourhood N(i): up to w on each
    side, topped up from the other side near the ends."""
    rows = []
    for i in range(n):
        short_left = max(0, window - i)
        short_right = max(0, window - (n - 1 - i))
        left = range(max(0, i - window - short_right), i)
        right = range(i + 1, min(n, i + 1 + window + short_left))
        rows.append([*left, *right])
    out = np.array(rows, dtype=np.int64)
    out.flags.writeable = False
    return out


def _trend(logs: np.ndarray, t: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Repeated-median slope of each row's logs on its years over its positive values
    (0 with fewer than 3): per point the median of its slopes to the others, then the
    median of those (Siegel 1982)."""
    slope = np.zeros(len(logs))
    enough = pos.sum(axis=1) >= 3
    if not enough.any():
        return slope
    lg = np.where(pos[enough], logs[enough], np.nan)
    tt = t[enough]
    dt = tt[:, None, :] - tt[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        pair = np.where(dt != 0, (lg[:, None, :] - lg[:, :, None]) / dt, np.nan)
    per_point = nanmedian(pair)
    per_point = np.where(pos[enough], per_point, np.nan)
    slope[enough] = nanmedian(per_point)
    return slope


def _scores(x: np.ndarray, logs: np.ndarray, nb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(r, appears) of stacked rows: r_i = l_i - median of the positive neighbours' l."""
    pos = x > 0
    npos = pos[:, nb]  # m x n x K
    appears = pos & ~(x[:, nb] != 0).any(axis=2)
    med = nanmedian(np.where(npos, logs[:, nb], np.nan))
    r = np.where(pos & ~appears & npos.any(axis=2), logs - med, np.nan)
    return r, appears


def _score_rows(
    x: np.ndarray, lg: np.ndarray, t: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(r detrended, r as published, appears) of m stacked series of one length."""
    nb = neighbour_index(x.shape[1], window)
    slope = _trend(lg, t, x > 0)
    with np.errstate(invalid="ignore"):
        detrended = lg - slope[:, None] * t
    r, appears = _scores(x, detrended, nb)
    shown, _ = _scores(x, lg - 0.0, nb)
    return r, shown, appears


def _stats(r: np.ndarray, x: np.ndarray, cfg: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """Per row: whether the MAD condition applies, median(r) and 1.4826 MAD(r)."""
    finite = np.isfinite(r)
    nfin = finite.sum(axis=1)
    use_mad = ((x > 0).sum(axis=1) >= int(cfg["jump_min_points"])) & (nfin >= 3)
    rr = np.where(finite, r, np.nan)
    med = np.where(nfin > 0, nanmedian(rr), 0.0)
    scale = np.where(nfin > 0, 1.4826 * nanmedian(np.abs(rr - med[:, None])), 0.0)
    return use_mad, med, scale


def jumps(flat: Flat, cfg: dict[str, Any]) -> Jumps:
    """The jump rule (:mod:`carbonpath.quality.jumps`) on every series of ``flat``."""
    v = np.asarray(flat.values, dtype=float)
    size = len(v)
    r, shown = np.full(size, np.nan), np.full(size, np.nan)
    appears, flagged, error = (np.zeros(size, dtype=bool) for _ in range(3))
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.log10(v)
    lengths = flat.lengths
    window = int(cfg["jump_window"])
    for n in np.unique(lengths[lengths >= 2]).tolist():
        starts = flat.offsets[:-1][lengths == n]
        for c in range(0, len(starts), CHUNK):
            idx = starts[c : c + CHUNK, None] + np.arange(n)
            x = v[idx]
            rr, sh, ap = _score_rows(x, lg[idx], flat.years[idx].astype(float), window)
            use_mad, med, scale = _stats(rr, x, cfg)
            with np.errstate(invalid="ignore"):
                big = np.abs(rr) >= cfg["jump_threshold"]
                usual = use_mad[:, None] & (
                    np.abs(rr - med[:, None]) < cfg["jump_mad_k"] * scale[:, None]
                )
                err = np.abs(rr) >= cfg["jump_error_threshold"]
            r[idx], shown[idx], appears[idx] = rr, sh, ap
            flagged[idx] = ap | (np.isfinite(rr) & big & ~usual)
            error[idx] = err & ~ap
    return Jumps(r=r, shown=shown, appears=appears, flagged=flagged, error=error)


def zero_run_bounds(flat: Flat) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) flat positions of each run of zeros with a positive value on each
    side in its series."""
    v = np.asarray(flat.values, dtype=float)
    if len(v) < 3:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    s = flat.series
    zero = v == 0
    same_prev = np.r_[False, s[1:] == s[:-1]]
    same_next = np.r_[s[:-1] == s[1:], False]
    start = zero & ~np.r_[False, zero[:-1] & same_prev[1:]]
    end = zero & ~np.r_[zero[1:] & same_next[:-1], False]
    first, last = np.flatnonzero(start), np.flatnonzero(end)
    ok = same_prev[first] & same_next[last]
    first, last = first[ok], last[ok]
    ok = (v[first - 1] > 0) & (v[last + 1] > 0)
    return first[ok], last[ok]
