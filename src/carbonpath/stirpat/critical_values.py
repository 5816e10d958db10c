"""Finite-sample critical values of the Dickey-Fuller and Engle-Granger tau tests.

MacKinnon (2010, Queen's Economics Department Working Paper 1227) Table 2 gives, for
each variant (deterministic terms), number of variables N and test size, response-surface
coefficients from which the critical value at T observations is

    c(T) = b_inf + b1 / T + b2 / T^2 + b3 / T^3

(b_inf is the asymptotic value).  carbonpath carries the table itself
(``stirpat/data/mackinnon2010_table2.csv``, with its source) instead of using
statsmodels' copy, which has typing errors (its 1 % value for N = 2 with a constant
uses b2 = -33.527 where the paper prints -22.527; the data file lists all four).

c(T) is evaluated as ``((b3 x + b2) x + b1) x + b_inf`` with x = 1 / T, the order
``numpy.polyval`` uses, so that entries equal to statsmodels' give its numbers to the bit.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from importlib import resources

from carbonpath.core.errors import InputError

__all__ = ["LEVELS", "TABLE_FILE", "coefficients", "critical_values", "max_variables"]

TABLE_FILE = "mackinnon2010_table2.csv"
#: test sizes of the table, in percent
LEVELS: tuple[int, ...] = (1, 5, 10)

Key = tuple[str, int, int]


@cache
def _table() -> dict[Key, tuple[float, float, float, float]]:
    """``{(variant, N, level): (b_inf, b1, b2, b3)}`` read from the data file."""
    text = (resources.files("carbonpath.stirpat") / "data" / TABLE_FILE).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out: dict[Key, tuple[float, float, float, float]] = {}
    for row in csv.DictReader(lines):
        key = (row["variant"], int(row["n_vars"]), int(row["level"]))
        out[key] = (float(row["b_inf"]), float(row["b1"]), float(row["b2"]), float(row["b3"]))
    return out


def max_variables(variant: str) -> int:
    """The largest N the table covers for ``variant`` (12, or 1 for ``nc``)."""
    return max((n for v, n, _ in _table() if v == variant), default=0)


def coefficients(variant: str, n_vars: int, level: int) -> tuple[float, float, float, float]:
    """(b_inf, b1, b2, b3) of Table 2; ``InputError`` for a case the table lacks."""
    try:
        return _table()[(variant, int(n_vars), int(level))]
    except KeyError:
        raise InputError(
            f"MacKinnon (2010) Table 2 has no critical value for variant '{variant}', "
            f"{n_vars} variables, {level}%",
            fix=f"use at most {max_variables(variant)} variables",
        ) from None


def critical_values(variant: str, n_vars: int, nobs: float = math.inf) -> dict[str, float]:
    """``{"1%": c, "5%": c, "10%": c}`` at ``nobs`` observations (inf: asymptotic)."""
    x = 0.0 if math.isinf(nobs) else 1.0 / nobs
    out = {}
    for level in LEVELS:
        b_inf, b1, b2, b3 = coefficients(variant, n_vars, level)
        value = 0.0
        for c in (b3, b2, b1, b_inf):
            value = value * x + c
        out[f"{level}%"] = value
    return out
