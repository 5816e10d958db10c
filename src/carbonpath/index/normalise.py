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

from carbonpath.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = [
    "METHODS",
    "Normalised",
    "check_columns",
    "column_sd",
    "normalise",
    "normalise_columns",
    "parse_direction",
    "zscore_raw",
]

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
        known = set(columns)
        unknown = [k for k in directions if k not in known]
        if unknown:
            raise InputError(
                f"direction given for unknown column(s): {', '.join(map(str, unknown))}"
            )
        return {c: parse_direction(directions.get(c, 1)) for c in columns}
    if len(directions) != len(columns):
        raise InputError(f"{len(directions)} directions for {len(columns)} columns")
    return {c: parse_direction(d) for c, d in zip(columns, directions, strict=True)}


def _check(x: pd.DataFrame) -> pd.DataFrame:
    if x.shape[0] < 2:
        raise InputError(f"normalisation needs at least 2 rows, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise InputError("normalisation needs at least one indicator column")
    return x.astype(float)


def _columns(v: pd.DataFrame) -> np.ndarray:
    """The float matrix as (indicators x rows), C-ordered: one contiguous row per
    indicator, like a pandas column, so row sums round as pandas' column sums do."""
    import numpy as np

    return np.ascontiguousarray(v.to_numpy(dtype=float).T)


def check_columns(cols: np.ndarray, names: Sequence[object], rows: Sequence[object]) -> None:
    """The checks of :func:`normalise` on an (indicators x rows) matrix: at least 2
    rows, at least one indicator, every value finite."""
    import numpy as np

    if cols.shape[1] < 2:
        raise InputError(f"normalisation needs at least 2 rows, got {cols.shape[1]}")
    if cols.shape[0] < 1:
        raise InputError("normalisation needs at least one indicator column")
    bad = ~np.isfinite(cols.T)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError(f"indicator '{names[c]}' is missing or not finite in row '{rows[r]}'")


def column_sd(cols: np.ndarray) -> np.ndarray:
    """Sample sd (ddof = 1) of every row of ``cols`` with pandas' two-pass formula
    ``sqrt(sum((mean - x)^2) / (n - 1))``, ``mean = sum(x) / n`` (rows contiguous)."""
    import numpy as np

    n = float(cols.shape[1])
    avg = cols.sum(axis=1, dtype=np.float64) / n
    sqr = (avg[:, None] - cols) ** 2
    return np.sqrt(sqr.sum(axis=1, dtype=np.float64) / (n - 1.0))


def _zscore_columns(cols: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """``s (x - mean) / sd`` per row of ``cols``; 0 for a constant row."""
    import numpy as np

    mean = cols.sum(axis=1, dtype=np.float64) / float(cols.shape[1])
    sd = column_sd(cols)
    flat = (sd == 0) | (cols.max(axis=1) == cols.min(axis=1))
    safe = np.where(flat, 1.0, sd)
    z = (sign[:, None] * (cols - mean[:, None])) / safe[:, None]
    z[flat] = 0.0
    return z


def normalise_columns(
    cols: np.ndarray,
    sign: np.ndarray,
    method: str,
    names: Sequence[object],
    rows: Sequence[object],
) -> tuple[np.ndarray, np.ndarray]:
    """Array core of :func:`normalise`.

    ``cols`` is the (indicators x rows) matrix with one C-contiguous row per indicator,
    ``sign`` +1/-1 per indicator; ``names`` and ``rows`` label error messages.  Returns
    the normalised (indicators x rows) matrix and the mask of constant indicators.
    """
    import numpy as np

    check_columns(cols, names, rows)
    lo, hi = cols.min(axis=1), cols.max(axis=1)
    constant = hi == lo
    if method == "minmax":
        span = np.where(constant, 1.0, hi - lo)[:, None]
        out = np.where(sign[:, None] > 0, (cols - lo[:, None]) / span, (hi[:, None] - cols) / span)
        out[constant] = 0.0
    elif method == "zscore":
        out = 0.5 + _zscore_columns(cols, sign) / 6.0
        out = np.where(out >= 0.0, out, 0.0)
        out = np.where(out <= 1.0, out, 1.0)
    elif method == "ratio":
        nonpositive = (cols <= 0).any(axis=1)
        if nonpositive.any():
            c = names[int(np.argmax(nonpositive))]
            raise InputError(
                f"ratio normalisation needs positive values, but indicator '{c}' has values <= 0",
                fix="use minmax or zscore normalisation",
            )
        out = np.where(sign[:, None] > 0, cols / hi[:, None], lo[:, None] / cols)
        out[constant] = 1.0
    else:
        raise InputError(
            f"unknown normalisation '{method}'", fix=f"use one of {', '.join(METHODS)}"
        )
    return np.ascontiguousarray(out), constant


def zscore_raw(
    x: pd.DataFrame, directions: Mapping[str, object] | Sequence[object] | None = None
) -> pd.DataFrame:
    """Direction-signed z-scores ``s (x - mean) / sd`` (sample sd, ddof = 1); constant -> 0."""
    import numpy as np
    import pandas as pd

    v = _check(x)
    cols = _columns(v)
    check_columns(cols, v.columns, v.index)
    sign = _signs(list(v.columns), directions)
    s = np.array([sign[c] for c in v.columns], dtype=float)
    return pd.DataFrame(_zscore_columns(cols, s).T, index=v.index, columns=v.columns)


def normalise(
    x: pd.DataFrame,
    directions: Mapping[str, object] | Sequence[object] | None = None,
    method: str = "minmax",
) -> Normalised:
    """Normalise every column of ``x`` with ``method`` (see the module docstring)."""
    import numpy as np
    import pandas as pd

    v = _check(x)
    cols = _columns(v)
    check_columns(cols, v.columns, v.index)
    sign = _signs(list(v.columns), directions)
    s = np.array([sign[c] for c in v.columns], dtype=float)
    out, constant = normalise_columns(cols, s, method, v.columns, v.index)
    names = tuple(c for c, flat in zip(v.columns, constant, strict=True) if flat)
    return Normalised(pd.DataFrame(out.T, index=v.index, columns=v.columns), method, names)
