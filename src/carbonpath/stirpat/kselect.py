"""Rules for choosing the ridge parameter k (SPSS correlation-form scale, see ridge.py).

- **HKB** (Hoerl, Kennard & Baldwin 1975) and **L-W** (Lawless & Wang 1976), computed
  exactly as R's ``MASS::lm.ridge`` does: centre y and X, scale X to
  ``sqrt(sum x^2 / n)``, fit OLS, ``s2 = RSS / (n - p - 1)``,
  ``HKB = (p - 2) s2 / sum(b^2)``, ``LW = (p - 2) s2 n / sum(fitted^2)``.  These are
  in MASS's lambda units; carbonpath's k = lambda / n.  Both are reported.
- **GCV** (Golub, Heath & Wahba 1979) as MASS computes it,
  ``GCV(k) = RSS(k) / (n - df(k))^2`` with ``df(k) = sum_i e_i / (e_i + k)`` (e_i the
  eigenvalues of R); carbonpath takes the grid point with the smallest GCV.
- **Trace stability** (the paper's practice made precise).  On the grid k_0 < k_1 < ...,
  the change of standardized coefficient j from k_i to k_(i+1), expressed per 0.01 of
  k, relative to its size, is
  ``c_j(i) = |Beta_j(k_(i+1)) - Beta_j(k_i)| * (0.01 / (k_(i+1) - k_i)) / m_j(i)``
  with ``m_j(i) = max(|Beta_j(k_i)|, FLOOR * max_l |Beta_l(k_i)|)``, FLOOR = 0.1 (a
  coefficient smaller than a tenth of the largest is judged against a tenth of the
  largest, so a coefficient crossing zero does not block the rule forever).  The
  trace-stable k is the smallest grid k_i such that ``c_j(m) <= tol`` for every j and
  every later step m >= i.  Default tol = 0.05 (every coefficient moves by at most 5%
  of its size per 0.01 of k from there to the end of the grid).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from carbonpath.core.errors import InputError
from carbonpath.stirpat.design import validate_design
from carbonpath.stirpat.krule import RULES, KGrid, KRule
from carbonpath.stirpat.ridge import CorrelationForm, RidgeTrace, ridge_trace
from carbonpath.stirpat.settings import TRACE_TOL

__all__ = [
    "RULES",
    "KChoice",
    "MassRules",
    "choose_k",
    "gcv_curve",
    "mass_hkb_lw",
    "trace_rule_text",
    "trace_stable_k",
]

TRACE_FLOOR = 0.1
TRACE_STEP = 0.01


def trace_rule_text(tol: float = TRACE_TOL, floor: float = TRACE_FLOOR) -> str:
    """The trace-stability rule in one sentence (printed with every result)."""
    return (
        f"trace-stable k = the smallest grid k from which, for the rest of the grid, every "
        f"standardized coefficient changes by at most {tol:g} of its own size per "
        f"{TRACE_STEP:g} increase in k (sizes below {floor:g} x the largest coefficient "
        f"count as {floor:g} x the largest)"
    )


@dataclass(frozen=True)
class MassRules:
    """HKB and L-W as MASS::lm.ridge reports them (lambda) and on carbonpath's k scale."""

    n: int
    hkb_lambda: float
    lw_lambda: float

    @property
    def hkb_k(self) -> float:
        return self.hkb_lambda / self.n

    @property
    def lw_k(self) -> float:
        return self.lw_lambda / self.n


def mass_hkb_lw(
    y: Sequence[float] | np.ndarray, X: Sequence[Sequence[float]] | np.ndarray
) -> MassRules:
    """HKB and L-W estimates of MASS::lm.ridge (Venables & Ripley, MASS 4th ed.)."""
    yy, XX, _ = validate_design(y, X)
    n, p = XX.shape
    Xc = XX - XX.mean(axis=0)
    Xs = Xc / np.sqrt(np.sum(Xc**2, axis=0) / n)
    yc = yy - yy.mean()
    coef, *_ = np.linalg.lstsq(Xs, yc, rcond=None)
    fit = Xs @ coef
    s2 = float(np.sum((yc - fit) ** 2)) / (n - p - 1)
    hkb = (p - 2) * s2 / float(np.sum(coef**2))
    lw = (p - 2) * s2 * n / float(np.sum(fit**2))
    return MassRules(n=n, hkb_lambda=float(hkb), lw_lambda=float(lw))


def gcv_curve(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    grid: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """MASS's GCV(k) = RSS(k) / (n - df(k))^2 on the grid (NaN where R + kI is singular)."""
    yy, XX, _ = validate_design(y, X, allow_collinear=True)
    cf = CorrelationForm.from_data(yy, XX)
    ev = np.linalg.eigvalsh(cf.R)
    sst = (cf.n - 1) * cf.sy**2
    out = np.full(len(grid), np.nan)
    for i, k in enumerate(np.asarray(grid, dtype=float)):
        if cf.is_singular(float(k)):
            continue
        b, _ = cf.beta(float(k))
        rss = sst * (1.0 - cf.r2(b))
        df = float(np.sum(ev / (ev + k)))
        out[i] = rss / (cf.n - df) ** 2
    return out


def trace_stable_k(
    trace: RidgeTrace, tol: float = TRACE_TOL, floor: float = TRACE_FLOOR
) -> tuple[float, bool]:
    """The trace-stable k (module docstring) and whether the rule was met on the grid.

    When no grid point qualifies, returns (last grid k, False).
    """
    ks = trace.k
    beta = trace.beta
    if ks.size < 2:
        raise InputError("the trace-stability rule needs at least two k values on the grid")
    ok = np.zeros(ks.size - 1, dtype=bool)
    for i in range(ks.size - 1):
        b0, b1 = beta[i], beta[i + 1]
        if not (np.all(np.isfinite(b0)) and np.all(np.isfinite(b1))):
            continue
        scale = np.maximum(np.abs(b0), floor * np.max(np.abs(b0)))
        step = (ks[i + 1] - ks[i]) / TRACE_STEP
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.abs(b1 - b0) / step / scale
        ok[i] = bool(np.all(change <= tol))
    # smallest i such that ok[m] for all m >= i
    tail_ok = np.flip(np.logical_and.accumulate(np.flip(ok)))
    idx = np.flatnonzero(tail_ok)
    if idx.size == 0:
        return float(ks[-1]), False
    return float(ks[idx[0]]), True


@dataclass(frozen=True, eq=False)
class KChoice:
    """Every k rule's value on the SPSS k scale, and the one used."""

    k: float
    rule: str  # "fixed", "trace", "hkb", "lw", "gcv"
    candidates: dict[str, float]  # {trace, hkb, lw, gcv} in k units
    hkb_lambda: float
    lw_lambda: float
    trace_stable: bool
    trace_rule: str
    gcv: np.ndarray
    notes: tuple[str, ...]


def _mass_rules(yy: np.ndarray, XX: np.ndarray, notes: list[str]) -> tuple[float, ...]:
    """(HKB lambda, L-W lambda, HKB k, L-W k); NaN when OLS is not available."""
    out = (float("nan"),) * 4
    try:
        mass = mass_hkb_lw(yy, XX)
        out = (mass.hkb_lambda, mass.lw_lambda, mass.hkb_k, mass.lw_k)
    except InputError as exc:  # perfect collinearity: OLS-based rules are undefined
        notes.append(f"HKB and L-W need the OLS fit, which is not available: {exc.message}")
    p = XX.shape[1]
    if p < 3:
        notes.append(
            f"HKB and L-W carry the factor (p - 2) and are {'0' if p == 2 else 'negative'} "
            f"with p = {p} regressors"
        )
    return out


def _gcv_k(gcv: np.ndarray, ks: np.ndarray, notes: list[str]) -> float:
    """The grid k with the smallest GCV (NaN when GCV is undefined everywhere)."""
    if np.all(np.isnan(gcv)):
        return float("nan")
    i_gcv = int(np.nanargmin(gcv))
    if i_gcv == gcv.size - 1 and gcv.size > 1:
        notes.append("GCV is smallest at the upper end of the k grid; widen the grid")
    return float(ks[i_gcv])


def _pick(rule: KRule, candidates: dict[str, float]) -> float:
    """The k of ``rule``: its fixed value, or the rule's candidate (which must be usable)."""
    if rule.is_fixed:
        return float(rule.value)  # type: ignore[arg-type]
    k = candidates[rule.rule]
    if not np.isfinite(k) or k < 0:
        raise InputError(
            f"the {rule.rule} rule gives no usable k ({k})",
            fix="give k as a number or choose another rule",
        )
    return float(k)


def choose_k(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    rule: KRule | str | float,
    trace: RidgeTrace | None = None,
    grid: Sequence[float] | np.ndarray | KGrid | None = None,
    tol: float = TRACE_TOL,
) -> KChoice:
    """Compute all four k rules and pick ``rule`` (a KRule; a rule name or a number is
    read by :meth:`KRule.coerce`).

    HKB and L-W need p >= 3 (their factor p - 2 makes them 0 for p = 2); with p < 3
    they are reported as computed and a note says they reduce to OLS or are undefined.
    """
    chosen = KRule.coerce(rule)
    yy, XX, nm = validate_design(y, X, allow_collinear=True)
    if trace is None:
        trace = ridge_trace(yy, XX, nm, grid)
    notes: list[str] = []
    k_trace, stable = trace_stable_k(trace, tol=tol)
    if not stable:
        notes.append(
            f"the ridge trace does not meet the stability rule anywhere on the grid; "
            f"the trace rule returns the last grid point k = {k_trace:g}"
        )
    hkb_l, lw_l, hkb_k, lw_k = _mass_rules(yy, XX, notes)
    gcv = gcv_curve(yy, XX, trace.k)
    candidates = {"trace": k_trace, "hkb": hkb_k, "lw": lw_k, "gcv": _gcv_k(gcv, trace.k, notes)}
    return KChoice(
        k=_pick(chosen, candidates),
        rule=chosen.rule,
        candidates=candidates,
        hkb_lambda=hkb_l,
        lw_lambda=lw_l,
        trace_stable=stable,
        trace_rule=trace_rule_text(tol),
        gcv=gcv,
        notes=tuple(notes),
    )
