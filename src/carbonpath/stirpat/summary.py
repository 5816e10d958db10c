"""The coefficient table a researcher recognises, for OLS, ridge and panel results.

:func:`spss_table` gives the SPSS "Coefficients" layout as a DataFrame (numbers, not
text): one row per term, ``(Constant)`` first, columns ``B``, ``Std. Error``, ``Beta``,
``t``, ``Sig.``, ``VIF`` (Beta and VIF where the model has them).  :class:`Summary`
adds a statsmodels-style header (model, dependent variable, k and its rule, R2,
adjusted R2, F with its p, n) and notes, and renders it as text (``str(summary)``).  The
``ridge`` command, and the HTML report and workbook, use this same code.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Summary", "ols_summary", "panel_summary", "ridge_summary", "spss_table"]

WIDTH = 78
_COLUMNS = {  # SPSS heading -> (coefficients column, decimals)
    "B": ("b", 4),
    "Std. Error": ("se", 4),
    "Beta": ("beta", 3),
    "t": ("t", 3),
    "Sig.": ("p", 3),
    "VIF": ("vif", 3),
}
RIDGE_NOTE = "t and Sig. treat k as fixed and ignore the bias ridge introduces."
ELASTICITY_NOTE = (
    "In a log-log model the elasticities are the unstandardized coefficients B, not Beta."
)


def spss_table(coefficients: pd.DataFrame) -> pd.DataFrame:
    """The SPSS coefficient table (index: ``(Constant)`` and the term names)."""
    present = {h: c for h, (c, _) in _COLUMNS.items() if c in coefficients.columns}
    out = pd.DataFrame({h: coefficients[c].to_numpy(dtype=float) for h, c in present.items()})
    out.index = ["(Constant)" if t == "const" else str(t) for t in coefficients["term"]]
    return out


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    v = float(value)
    if not math.isfinite(v):
        return "" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return f"{v:.{digits}f}" if abs(v) < 1e6 else f"{v:.4g}"


def _pair(label: str, value: str, width: int) -> str:
    """``label`` left and ``value`` right in ``width`` columns (at least one space apart)."""
    return label + " " * max(1, width - len(label) - len(value)) + value


@dataclass(frozen=True)
class Summary:
    """A titled header, the coefficient table and notes; ``str()`` renders them."""

    title: str
    left: tuple[tuple[str, str], ...]
    right: tuple[tuple[str, str], ...]
    table: pd.DataFrame
    labels: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (numbers)."""
        return self.table

    def _header(self) -> list[str]:
        lines = []
        for i in range(max(len(self.left), len(self.right))):
            lab, val = self.left[i] if i < len(self.left) else ("", "")
            rlab, rval = self.right[i] if i < len(self.right) else ("", "")
            left = _pair(lab, val, 38) if lab else " " * 38
            lines.append(f"{left}   {_pair(rlab, rval, 37) if rlab else ''}".rstrip())
        return lines

    def _rows(self) -> list[str]:
        width = max([12, *(len(str(i)) + 2 for i in self.table.index)])
        head = " " * width + "".join(f"{h:>11}" for h in self.table.columns)
        lines = [head, "-" * max(WIDTH, len(head))]
        for term, row in self.table.iterrows():
            cells = "".join(
                f"{_number(row[h], _COLUMNS.get(h, ('', 3))[1]):>11}" for h in self.table.columns
            )
            lines.append(f"{str(term):<{width}}{cells}".rstrip())
        return lines

    def as_text(self) -> str:
        """The summary as plain text, 78 columns wide (wider for many columns)."""
        rule = "=" * WIDTH
        out = [self.title.center(WIDTH), rule, *self._header(), rule, *self._rows(), rule]
        out += [f"{name} = {words}" for name, words in self.labels]
        if self.notes:
            out.append("Notes:")
            for i, note in enumerate(self.notes, 1):
                head = f"[{i}] "
                out.append(
                    textwrap.fill(
                        note, WIDTH, initial_indent=head, subsequent_indent=" " * len(head)
                    )
                )
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()


def _labels(result: Any) -> tuple[tuple[str, str], ...]:
    labels: Mapping[str, str] | None = getattr(result, "labels", None)
    if not labels:
        return ()
    width = max(len(k) for k in labels)
    return tuple((name.ljust(width), words) for name, words in labels.items())


def _fit_rows(result: Any) -> tuple[tuple[str, str], ...]:
    return (
        ("R-squared:", _number(result.r2)),
        ("Adj. R-squared:", _number(result.adj_r2)),
        ("F-statistic:", _number(result.f)),
        ("Prob (F-statistic):", _number(result.f_p, 4)),
        ("Df Model:", str(result.df_model)),
    )


def ols_summary(result: Any, notes: Sequence[str] = ()) -> Summary:
    """Summary of an :class:`~carbonpath.stirpat.ols.OlsResult`."""
    left = (
        ("Dep. Variable:", result.response),
        ("Model:", "OLS"),
        ("No. Observations:", str(result.n)),
        ("Df Residuals:", str(result.df_resid)),
        ("Durbin-Watson:", _number(result.durbin_watson)),
        ("Cond. No.:", _number(result.condition_number, 1)),
    )
    return Summary(
        "OLS Regression Results",
        left,
        _fit_rows(result),
        spss_table(result.coefficients),
        _labels(result),
        (ELASTICITY_NOTE, *notes),
    )


def ridge_summary(result: Any, notes: Sequence[str] = ()) -> Summary:
    """Summary of a ridge fit (:class:`~carbonpath.stirpat.ridge.RidgeFit` or the
    study's ridge results): k on the SPSS scale, its rule and the MASS lambda = n k."""
    left = (
        ("Dep. Variable:", result.response),
        ("Model:", "Ridge (SPSS RIDGEREG)"),
        ("k:", f"{result.k:.4g} ({result.k_rule})"),
        ("MASS lambda = n k:", f"{result.nobs * result.k:.4g}"),
        ("No. Observations:", str(result.nobs)),
        ("Df Residuals:", str(result.df_resid)),
    )
    coefs = result.coefficients.drop(columns=["ci_lo", "ci_hi"], errors="ignore")
    return Summary(
        "Ridge Regression Results",
        left,
        _fit_rows(result),
        spss_table(coefs),
        _labels(result),
        (RIDGE_NOTE, ELASTICITY_NOTE, *notes),
    )


def panel_summary(result: Any, notes: Sequence[str] = ()) -> Summary:
    """Summary of a :class:`~carbonpath.stirpat.panel.PanelResult`."""
    effects = " and ".join(result.effects) if result.effects else "none (pooled)"
    left = (
        ("Dep. Variable:", getattr(result, "response", "lnC")),
        ("Model:", "Panel OLS" if not result.effects else "Fixed effects"),
        ("Effects:", effects),
        ("Covariance:", result.cov_type),
        ("No. Observations:", str(result.nobs)),
        ("Entities:", str(result.entities)),
    )
    right = (
        ("R-squared:", _number(result.rsquared)),
        ("R-squared (within):", _number(result.r2_within)),
        ("Periods:", str(result.periods)),
        ("Df Residuals:", str(result.df_resid)),
        ("t df:", "normal" if result.df_t is None else str(result.df_t)),
        ("Bandwidth:", "" if result.bandwidth is None else str(result.bandwidth)),
    )
    extra = [result.cov]
    identity = getattr(result, "identity", None)
    if identity is not None and identity.holds:
        extra.append(identity.message)
    return Summary(
        "Panel Regression Results",
        left,
        tuple(r for r in right if r[1]),
        spss_table(result.coefficients),
        _labels(result),
        (*extra, ELASTICITY_NOTE, *notes),
    )
