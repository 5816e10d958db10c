"""Normalisation of an indicator matrix (rows = years or sector-years, columns = indicators).

All methods apply the indicator direction so that after normalisation *larger is
better* for every column (the convention eq. 6 and the obstacle degree rely on):

- ``minmax`` (the paper's range method, section 3.3.2): positive
  ``(x - min) / (max - min)``, negative ``(max - x) / (max - min)``; values in [0, 1].
- ``zscore``: ``z = s (x - mean) / sd`` (sample sd, ``s`` = +1 or -1 for the direction),
  rescaled to [0, 1] by ``0.5 + z / 6`` (the +-3 sd band) and clipped, so that entropy,
  TOPSIS and the obstacle degree, which need non-negative values, can use it.
  :func:`zscore_raw` returns the unscaled z.
- ``ratio`` (ratio to the best value): positive ``x / max``, negative ``min / x``;
  needs strictly positive values.

A constant column (max = min) carries no information: it is listed in
``Normalised.constant`` and set to 0 (min-max), 0.5 (z-score) or 1 (ratio), never NaN;
the weighting step gives it weight 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["METHODS", "Normalised", "normalise", "parse_direction", "zscore_raw"]

METHODS = ("minmax", "zscore", "ratio")


@dataclass(frozen=True)
class Normalised:
    """A normalised matrix plus which columns were constant."""

    values: pd.DataFrame
    method: str
    constant: tuple[str, ...]


def parse_direction(value: object) -> int:
    """``"+"``/``"positive"``/``1`` -> +1, ``"-"``/``"negative"``/``-1`` -> -1."""
    text = str(value).strip().lower()
    if text in {"+", "positive", "pos", "1", "+1", "benefit"}:
        return 1
    if text in {"-", "negative", "neg", "-1", "cost"}:
        return -1
    raise InputError(
        f"direction '{value}' is not understood",
        fix="use '+' (larger is better) or '-' (smaller is better)",
    )


def _signs(
    columns: Sequence[str], directions: Mapping[str, object] | Sequence[object] | None
) -> dict[str, int]:
    if directions is None:
        return {c: 1 for c in columns}
    if isinstance(directions, Mapping):
        unknown = [k for k in directions if k not in columns]
        if unknown:
            raise InputError(
                f"direction given for unknown column(s): {', '.join(map(str, unknown))}"
            )
        return {c: parse_direction(directions.get(c, 1)) for c in columns}
    if len(directions) != len(columns):
        raise InputError(f"{len(directions)} directions for {len(columns)} columns")
    return {c: parse_direction(d) for c, d in zip(columns, directions, strict=True)}


def _check(x: pd.DataFrame) -> pd.DataFrame:
    import numpy as np

    if x.shape[0] < 2:
        raise InputError(f"normalisation needs at least 2 rows, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise InputError("normalisation needs at least one indicator column")
    v = x.astype(float)
    bad = ~np.isfinite(v.to_numpy())
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError(
            f"indicator '{v.columns[c]}' is missing or not finite in row '{v.index[r]}'"
        )
    return v


def zscore_raw(
    x: pd.DataFrame, directions: Mapping[str, object] | Sequence[object] | None = None
) -> pd.DataFrame:
    """Direction-signed z-scores ``s (x - mean) / sd`` (sample sd, ddof = 1); constant -> 0."""
    v = _check(x)
    sign = _signs(list(v.columns), directions)
    out = v.copy()
    for c in v.columns:
        sd = float(v[c].std(ddof=1))
        out[c] = 0.0 if sd == 0 or v[c].max() == v[c].min() else sign[c] * (v[c] - v[c].mean()) / sd
    return out


def normalise(
    x: pd.DataFrame,
    directions: Mapping[str, object] | Sequence[object] | None = None,
    method: str = "minmax",
) -> Normalised:
    """Normalise every column of ``x`` with ``method`` (see the module docstring)."""
    v = _check(x)
    sign = _signs(list(v.columns), directions)
    constant = tuple(c for c in v.columns if v[c].max() == v[c].min())
    out = v.copy()
    if method == "minmax":
        for c in v.columns:
            lo, hi = float(v[c].min()), float(v[c].max())
            if c in constant:
                out[c] = 0.0
            elif sign[c] > 0:
                out[c] = (v[c] - lo) / (hi - lo)
            else:
                out[c] = (hi - v[c]) / (hi - lo)
    elif method == "zscore":
        z = zscore_raw(v, sign)
        out = (0.5 + z / 6.0).clip(lower=0.0, upper=1.0)
    elif method == "ratio":
        for c in v.columns:
            if (v[c] <= 0).any():
                raise InputError(
                    f"ratio normalisation needs positive values, but indicator '{c}' has values <= 0",
                    fix="use minmax or zscore normalisation",
                )
            out[c] = (
                1.0 if c in constant else (v[c] / v[c].max() if sign[c] > 0 else v[c].min() / v[c])
            )
    else:
        raise InputError(
            f"unknown normalisation '{method}'", fix=f"use one of {', '.join(METHODS)}"
        )
    return Normalised(out.astype(float), method, constant)
