"""The statsmodels vocabulary shared by the OLS, ridge and panel results.

A results class holds its estimates as one ``coefficients`` table (columns ``term``,
``b``, ``se``, ``t``, ``p`` and, where they exist, ``beta``, ``vif``; the constant, when
the model has one, is the row ``"const"`` and comes first), which is also what
results.json and the CSV tables show.  :class:`RegressionVocabulary` reads that table as
statsmodels names it: ``params``, ``bse``, ``tvalues``, ``pvalues`` (Series indexed by
term) and ``conf_int(alpha)`` = ``params -/+ q bse`` with q the 1 - alpha/2 quantile of
Student t on the model's degrees of freedom (normal when it has none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["RegressionVocabulary", "coefficient_frame"]


def coefficient_frame(terms: list[str], **columns: np.ndarray | list[float]) -> pd.DataFrame:
    """The ``coefficients`` table: ``term`` then the given columns (floats, NaN = none)."""
    frame = pd.DataFrame({"term": terms})
    for name, values in columns.items():
        frame[name] = np.asarray(values, dtype=float)
    return frame


class RegressionVocabulary:
    """``params``, ``bse``, ``tvalues``, ``pvalues``, ``conf_int()`` from ``coefficients``."""

    coefficients: pd.DataFrame

    def _column(self, column: str, *, regressors_only: bool = False) -> pd.Series:
        frame = self.coefficients
        if regressors_only:
            frame = frame[frame["term"] != "const"]
        out = pd.Series(frame[column].to_numpy(dtype=float), index=list(frame["term"]), name=column)
        return out

    @property
    def params(self) -> pd.Series:
        """Coefficients B by term (``"const"`` first when the model has a constant)."""
        return self._column("b")

    @property
    def bse(self) -> pd.Series:
        """Standard errors of B."""
        return self._column("se")

    @property
    def tvalues(self) -> pd.Series:
        """t = B / SE(B)."""
        return self._column("t")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of t."""
        return self._column("p")

    def t_df(self) -> float | None:
        """Degrees of freedom of the t reference distribution (None: normal)."""
        return float(self.df_resid)  # type: ignore[attr-defined]

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """``[lower, upper]`` = B -/+ q SE(B), q the (1 - alpha/2) quantile of t (or N(0,1))."""
        df = self.t_df()
        q = stats.norm.ppf(1 - alpha / 2) if df is None else stats.t.ppf(1 - alpha / 2, df)
        b, se = self.params, self.bse
        return pd.DataFrame({"lower": b - q * se, "upper": b + q * se})
