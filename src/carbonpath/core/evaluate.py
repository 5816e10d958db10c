"""Evaluating a parsed expression (:mod:`carbonpath.core.expr`) over year-indexed series.

Walks carbonpath's own immutable tree; nothing is compiled or executed.  ``growth(x) =
x / lag(x) - 1``; ``lag(x, n)`` is the value n calendar years earlier.  A division by
zero, a log of a value <= 0 or an overflow in a year is an error naming the year (never
inf); with ``years`` given, only problems that reach those years are errors.

No implicit exchange: when the resolver knows the currency of its variables
(``resolve.currency(variable)`` -> a currency code or None), an expression whose
variables are in two currencies is an error naming both (:func:`check_currencies`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError
from carbonpath.core.expr import BinOp, Call, Expr, Neg, Number, Var, scalar_op

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["check_currencies", "evaluate"]

_SERIES_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


@dataclass(frozen=True)
class _Val:
    """An intermediate value: a year-indexed series or a scalar, plus the years whose
    value is undefined (division by zero, log of a non-positive number ...) and why."""

    data: object  # pandas.Series | float
    problems: Mapping[int, str]


def _short(node: Expr) -> str:
    """A node's text for a message: at most 80 characters."""
    text = str(node)
    return text if len(text) <= 80 else text[:77] + "..."


def _merge(*ps: Mapping[int, str]) -> dict[int, str]:
    """Problems by year; the first message of a year wins."""
    out: dict[int, str] = {}
    for p in ps:
        for y, msg in p.items():
            out.setdefault(y, msg)
    return out


def _flag(mask: pd.Series, msg: str) -> dict[int, str]:
    return {int(y): msg for y in mask.index[mask.to_numpy()]}


class _Evaluator:
    """Walks an :class:`Expr` tree over year-indexed series (see :func:`evaluate`)."""

    def __init__(self, resolve: Callable[[str, str], pd.Series], where: str) -> None:
        self.resolve = resolve
        self.where = where
        self.cache: dict[tuple[str, str], pd.Series] = {}

    def fetch(self, var: Var) -> pd.Series:
        import pandas as pd

        key = (var.name, var.scope)
        if key not in self.cache:
            s = self.resolve(var.name, var.scope)
            if not isinstance(s, pd.Series):
                s = pd.Series(s)
            s = pd.to_numeric(s, errors="coerce").astype(float)
            s.index = pd.Index([int(y) for y in s.index], name="year")
            self.cache[key] = s.sort_index()
        return self.cache[key]

    def run(self, node: Expr) -> _Val:
        if isinstance(node, Number):
            return _Val(node.value, {})
        if isinstance(node, Var):
            return _Val(self.fetch(node), {})
        if isinstance(node, Neg):
            v = self.run(node.operand)
            return _Val(-v.data, v.problems)  # type: ignore[operator]
        if isinstance(node, BinOp):
            return self.binop(node, self.run(node.left), self.run(node.right))
        if isinstance(node, Call):
            return self.call(node)
        raise InputError(f"{self.where}: cannot evaluate {type(node).__name__}")  # pragma: no cover

    def scalar_binop(self, node: BinOp, x: float, y: float, probs: dict[int, str]) -> _Val:
        if node.op == "/" and y == 0:
            raise InputError(f"{self.where}: division by the constant 0 in '{_short(node)}'")
        value = scalar_op(node.op, float(x), float(y))
        if not math.isfinite(value):
            raise InputError(
                f"{self.where}: '{_short(node)}' is undefined (overflow or not a real number)"
            )
        return _Val(value, probs)

    def binop(self, node: BinOp, a: _Val, b: _Val) -> _Val:
        """``a op b``; a year whose result is not finite (overflow, 0 divisor) is a problem."""
        import numpy as np
        import pandas as pd

        probs = _merge(a.problems, b.problems)
        x, y = a.data, b.data
        if not isinstance(x, pd.Series) and not isinstance(y, pd.Series):
            return self.scalar_binop(node, x, y, probs)  # type: ignore[arg-type]
        if node.op == "/" and isinstance(y, pd.Series):
            zero = y == 0
            if isinstance(x, pd.Series):
                zero = zero.reindex(x.index.union(y.index), fill_value=False)
                zero &= x.reindex(zero.index).notna()
            probs = _merge(probs, _flag(zero, f"division by zero: '{_short(node.right)}' is 0"))
            y = y.where(y != 0)
        elif node.op == "/" and y == 0:
            raise InputError(f"{self.where}: division by the constant 0 in '{_short(node)}'")
        with np.errstate(all="ignore"):
            out = _SERIES_OPS[node.op](x, y)
        xs = x if isinstance(x, pd.Series) else pd.Series(x, index=out.index)
        ys = y if isinstance(y, pd.Series) else pd.Series(y, index=out.index)
        bad = (~np.isfinite(out)) & xs.reindex(out.index).notna() & ys.reindex(out.index).notna()
        what = "negative base or overflow" if node.op == "**" else "overflow"
        probs = _merge(probs, _flag(bad, f"'{_short(node)}' is undefined ({what})"))
        return _Val(out.where(~bad), probs)

    @staticmethod
    def lagged(v: _Val, n: int) -> _Val:
        import pandas as pd

        if not isinstance(v.data, pd.Series):
            return v
        s = v.data.copy()
        s.index = s.index + n
        return _Val(s, {y + n: m for y, m in v.problems.items()})

    def call(self, node: Call) -> _Val:
        f = node.func
        if f == "lag":
            n = int(node.args[1].value) if len(node.args) == 2 else 1  # type: ignore[attr-defined]
            return self.lagged(self.run(node.args[0]), n)
        if f == "growth":
            return self.growth(node)
        if f == "log":
            return self.log(node)
        return self.aggregate(node)

    def growth(self, node: Call) -> _Val:
        """``growth(x) = x / lag(x) - 1``; a previous-year 0 is a problem of that year."""
        import numpy as np
        import pandas as pd

        v = self.run(node.args[0])
        if not isinstance(v.data, pd.Series):
            raise InputError(f"{self.where}: growth() of a constant in '{_short(node)}'")
        prev = self.lagged(v, 1)
        cur, old = v.data, prev.data.reindex(v.data.index)  # type: ignore[union-attr]
        zero = (old == 0) & cur.notna()
        probs = _merge(
            v.problems,
            prev.problems,
            _flag(zero, f"growth divides by a previous-year value of 0 in '{_short(node)}'"),
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            out = cur / old.where(old != 0) - 1.0
        return _Val(out, probs)

    def log(self, node: Call) -> _Val:
        import numpy as np
        import pandas as pd

        v = self.run(node.args[0])
        if not isinstance(v.data, pd.Series):
            if v.data <= 0:  # type: ignore[operator]
                raise InputError(
                    f"{self.where}: log of a non-positive constant in '{_short(node)}'"
                )
            return _Val(math.log(v.data), v.problems)  # type: ignore[arg-type]
        bad = v.data <= 0
        probs = _merge(v.problems, _flag(bad, f"log of a value <= 0 in '{_short(node)}'"))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log(v.data.where(~bad))
        return _Val(out, probs)

    def aggregate(self, node: Call) -> _Val:
        """``sum``/``mean`` of the arguments; NaN in any argument makes the result NaN."""
        import pandas as pd

        vals = [self.run(a) for a in node.args]
        probs = _merge(*(v.problems for v in vals))
        series = [v.data for v in vals if isinstance(v.data, pd.Series)]
        if not series:
            total = sum(float(v.data) for v in vals)  # type: ignore[arg-type]
            return _Val(total if node.func == "sum" else total / len(vals), probs)
        idx = series[0].index
        for s in series[1:]:
            idx = idx.union(s.index)
        cols = [
            v.data.reindex(idx)
            if isinstance(v.data, pd.Series)
            else pd.Series(float(v.data), index=idx)  # type: ignore[arg-type]
            for v in vals
        ]
        out = pd.concat(cols, axis=1).sum(axis=1, skipna=False)
        if node.func == "mean":
            out = out / len(vals)
        return _Val(out, probs)


def check_currencies(
    pairs: Collection[tuple[str, str]],
    currency_of: Callable[[str], str | None] | None,
    where: str,
) -> None:
    """Refuse ``(variable, scope)`` pairs whose variables are in different currencies
    (no exchange rate is ever applied implicitly); ``currency_of`` None: not checked."""
    if currency_of is None:
        return
    seen: dict[str, str] = {}
    for var, scope in sorted(pairs):
        code = currency_of(var)
        if code and code not in seen:
            seen[code] = f"{var}[{scope}]"
    if len(seen) > 1:
        (c1, v1), (c2, v2) = list(seen.items())[:2]
        raise InputError(
            f"{where} mixes currencies: {v1} is in {c1} and {v2} in {c2}",
            fix="express both in one currency in the data (carbonpath never converts "
            "currencies implicitly), or use them in separate expressions",
        )


def evaluate(
    expr: Expr,
    resolve: Callable[[str, str], pd.Series],
    *,
    years: Collection[int] | None = None,
    name: str | None = None,
) -> pd.Series:
    """Evaluate ``expr`` by walking the tree; variables come from ``resolve(var, scope)``.

    Returns a float series indexed by year.  ``growth(x) = x / lag(x) - 1``;
    ``lag(x, n)`` is the value n calendar years earlier.  A division by a value that is
    zero, a log of a value <= 0 or a result that overflows in a year raises
    :class:`InputError` naming the year, never inf; with ``years`` given, only problems
    that reach those years are errors.
    """
    import pandas as pd

    where = f"indicator '{name}'" if name else "expression"
    check_currencies(expr.variables(), getattr(resolve, "currency", None), where)
    try:
        result = _Evaluator(resolve, where).run(expr)
    except RecursionError:
        raise InputError(f"{where}: the expression is nested too deeply") from None
    if not isinstance(result.data, pd.Series):
        raise InputError(
            f"{where}: the expression uses no study variable",
            fix="refer to at least one variable[scope]",
        )
    out = result.data.astype(float).sort_index()
    out.index = pd.Index([int(y) for y in out.index], name="year")
    wanted = None if years is None else set(years)
    relevant = sorted(y for y in result.problems if wanted is None or y in wanted)
    if relevant:
        y = relevant[0]
        raise InputError(
            f"{where}: {result.problems[y]} in year {y}",
            fix="check the data for that year or change the expression",
        )
    return out
