"""Whitelisting parser and evaluator for index indicator expressions.

An indicator is written as an arithmetic expression over study variables, e.g.
``output_value[modern] / output_value[reference]`` or ``growth(output_value[modern])``.
The text is parsed with :func:`ast.parse` (``mode="eval"``) and the tree is walked
allowing only numbers, ``variable[scope]`` selectors, ``+ - * / **``, unary minus,
parentheses and calls to ``growth``, ``lag``, ``log``, ``sum`` and ``mean``.  Every
other construct (attribute access, other subscripts, lambdas, comprehensions, strings,
keyword arguments, dunder names ...) is rejected with a one-line :class:`InputError`.
Nothing is ever compiled or executed: evaluation walks carbonpath's own immutable tree.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError, did_you_mean
from carbonpath.core.scopes import SCOPE_FIX, parse_scope
from carbonpath.core.variables import DERIVED_VARIABLES, ECONOMY_VARIABLES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FUNCTIONS",
    "KNOWN_VARIABLES",
    "BinOp",
    "Call",
    "Expr",
    "Neg",
    "Number",
    "Var",
    "evaluate",
    "parse",
    "replace_scope",
]

#: Functions an indicator may call, with (min, max) number of arguments (None = any).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "growth": (1, 1),
    "lag": (1, 2),
    "log": (1, 1),
    "sum": (1, None),
    "mean": (1, None),
}

#: Variables every study offers through the scope resolver (docs/architecture.md).
#: Fuel names are also valid; a study may pass its own list to :func:`parse`.
KNOWN_VARIABLES: frozenset[str] = frozenset(ECONOMY_VARIABLES) | frozenset(DERIVED_VARIABLES)

_SCOPE_WORDS = ("modern", "reference", "region")
# A bracket holding a bare scope such as [39], [06], [modern] or [group:electronics];
# it is quoted before ast.parse so that codes with leading zeros and group selectors parse.
_BRACKET_RE = re.compile(r"\[\s*([^\[\]\"'()\\]+?)\s*\]")

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


# --------------------------------------------------------------------------- tree
class Expr(ABC):
    """Base class of the immutable expression tree."""

    def variables(self) -> set[tuple[str, str]]:
        """All ``(variable, scope)`` pairs the expression reads."""
        out: set[tuple[str, str]] = set()
        self._collect(out)
        return out

    @abstractmethod
    def _collect(self, out: set[tuple[str, str]]) -> None:
        """Add the ``(variable, scope)`` pairs of this node to ``out``."""

    def _prec(self) -> int:
        return 5

    @abstractmethod
    def __str__(self) -> str:
        """The expression in canonical text form."""


@dataclass(frozen=True)
class Number(Expr):
    """A numeric literal."""

    value: float

    def _collect(self, out: set[tuple[str, str]]) -> None:
        return None

    def __str__(self) -> str:
        v = self.value
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(v)


@dataclass(frozen=True)
class Var(Expr):
    """A study variable read at a scope: ``name[scope]``."""

    name: str
    scope: str

    def _collect(self, out: set[tuple[str, str]]) -> None:
        out.add((self.name, self.scope))

    def __str__(self) -> str:
        return f"{self.name}[{self.scope}]"


@dataclass(frozen=True)
class Neg(Expr):
    """Unary minus."""

    operand: Expr

    def _collect(self, out: set[tuple[str, str]]) -> None:
        self.operand._collect(out)

    def _prec(self) -> int:
        return _PRECEDENCE["neg"]

    def __str__(self) -> str:
        inner = str(self.operand)
        if self.operand._prec() < self._prec():
            inner = f"({inner})"
        return f"-{inner}"


@dataclass(frozen=True)
class BinOp(Expr):
    """A binary operation; ``op`` is one of ``+ - * / **``."""

    op: str
    left: Expr
    right: Expr

    def _collect(self, out: set[tuple[str, str]]) -> None:
        self.left._collect(out)
        self.right._collect(out)

    def _prec(self) -> int:
        return _PRECEDENCE[self.op]

    def __str__(self) -> str:
        p = self._prec()
        left, right = str(self.left), str(self.right)
        # ** is right-associative, the others left-associative.
        if self.left._prec() < p or (self.op == "**" and self.left._prec() == p):
            left = f"({left})"
        if self.right._prec() < p or (self.op != "**" and self.right._prec() == p):
            right = f"({right})"
        return f"{left} {self.op} {right}"


@dataclass(frozen=True)
class Call(Expr):
    """A call to one of the whitelisted functions in :data:`FUNCTIONS`."""

    func: str
    args: tuple[Expr, ...]

    def _collect(self, out: set[tuple[str, str]]) -> None:
        for a in self.args:
            a._collect(out)

    def __str__(self) -> str:
        return f"{self.func}({', '.join(str(a) for a in self.args)})"


# -------------------------------------------------------------------------- parse
class _Parser:
    """Walks a Python AST, accepting only the whitelisted node types."""

    def __init__(self, text: str, quoted: str, name: str | None, variables: Collection[str] | None):
        self.text = text
        self.quoted = quoted
        self.where = f"indicator '{name}'" if name else "expression"
        self.variables = variables

    def fail(
        self, what: str, node: ast.AST | None = None, fix: str | None = None, hint: str = ""
    ) -> InputError:
        piece = ""
        if node is not None:
            seg = ast.get_source_segment(self.quoted, node)
            if seg:
                seg = re.sub(r"\[\"([^\"\]]*)\"\]", r"[\1]", seg)
                piece = f" in '{seg}'"
        return InputError(f"{self.where}: {what}{piece}{hint}", fix=fix)

    def visit(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                kind = "strings" if isinstance(v, str) else f"{type(v).__name__} literals"
                raise self.fail(
                    f"{kind} are not allowed", node, fix="use numbers and variable[scope] only"
                )
            if not math.isfinite(float(v)):
                raise self.fail("non-finite number", node)
            return Number(float(v))
        if isinstance(node, ast.BinOp):
            op = _OPS.get(type(node.op))
            if op is None:
                sym = type(node.op).__name__
                raise self.fail(f"operator {sym} is not allowed (only + - * / **)", node)
            return BinOp(op, self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Neg(self.visit(node.operand))
            if isinstance(node.op, ast.UAdd):
                return self.visit(node.operand)
            raise self.fail(f"unary {type(node.op).__name__} is not allowed (only -)", node)
        if isinstance(node, ast.Subscript):
            return self.visit_var(node)
        if isinstance(node, ast.Call):
            return self.visit_call(node)
        if isinstance(node, ast.Name):
            self.check_name(node.id, node)
            if node.id in FUNCTIONS:
                raise self.fail(f"function '{node.id}' must be called with arguments", node)
            if node.id in _SCOPE_WORDS:
                raise self.fail(
                    f"'{node.id}' is a scope, not a variable",
                    node,
                    fix="write variable[scope], e.g. output_value[modern]",
                )
            self.check_variable(node.id, node)
            raise self.fail(
                f"variable '{node.id}' needs a scope selector",
                node,
                fix=f"write {node.id}[modern], {node.id}[reference], {node.id}[region], {node.id}[<sector code>] or {node.id}[group:<name>]",
            )
        raise self.fail(
            self.describe(node),
            node,
            fix="only numbers, variable[scope], + - * / ** and growth/lag/log/sum/mean are allowed",
        )

    @staticmethod
    def describe(node: ast.AST) -> str:
        names = {
            ast.Attribute: "attribute access is",
            ast.Lambda: "lambda is",
            ast.ListComp: "comprehensions are",
            ast.SetComp: "comprehensions are",
            ast.DictComp: "comprehensions are",
            ast.GeneratorExp: "comprehensions are",
            ast.Compare: "comparisons are",
            ast.BoolOp: "boolean operators are",
            ast.IfExp: "conditional expressions are",
            ast.Tuple: "tuples are",
            ast.List: "lists are",
            ast.Dict: "dicts are",
            ast.Set: "sets are",
            ast.JoinedStr: "strings are",
            ast.NamedExpr: "assignment expressions are",
            ast.Starred: "starred arguments are",
            ast.Slice: "slices are",
            ast.Await: "await is",
            ast.Yield: "yield is",
            ast.YieldFrom: "yield is",
        }
        return f"{names.get(type(node), type(node).__name__ + ' is')} not allowed"

    def check_name(self, name: str, node: ast.AST) -> None:
        if name.startswith("__") or name.endswith("__"):
            raise self.fail(f"dunder name '{name}' is not allowed", node)

    def check_variable(self, name: str, node: ast.AST) -> None:
        if self.variables is not None and name not in self.variables:
            raise self.fail(
                f"unknown variable '{name}'", node, hint=did_you_mean(name, self.variables)
            )

    def visit_var(self, node: ast.Subscript) -> Expr:
        if not isinstance(node.value, ast.Name):
            raise self.fail("subscripts other than variable[scope] are not allowed", node)
        name = node.value.id
        self.check_name(name, node)
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function; call it with parentheses", node)
        sl = node.slice
        if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
            scope = sl.value.strip()
        elif (
            isinstance(sl, ast.Constant)
            and isinstance(sl.value, int)
            and not isinstance(sl.value, bool)
        ):
            scope = str(sl.value)
        else:
            raise self.fail("subscripts other than variable[scope] are not allowed", node)
        scope = re.sub(r"\s*:\s*", ":", scope)
        try:
            parse_scope(scope)
        except InputError as exc:
            raise self.fail(exc.message, node, fix=exc.fix) from None
        if "__" in scope:
            raise self.fail(f"invalid scope '{scope}'", node, fix=SCOPE_FIX)
        if scope.isalpha() and scope.islower() and scope not in _SCOPE_WORDS:
            close = difflib.get_close_matches(scope, _SCOPE_WORDS, n=1, cutoff=0.75)
            if close:
                raise self.fail(
                    f"unknown scope '{scope}'", node, hint=f"; did you mean '{close[0]}'?"
                )
        self.check_variable(name, node)
        return Var(name, scope)

    def visit_call(self, node: ast.Call) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only calls to growth, lag, log, sum and mean are allowed", node)
        fname = node.func.id
        self.check_name(fname, node)
        if fname not in FUNCTIONS:
            raise self.fail(
                f"function '{fname}' is not allowed",
                node,
                fix="use growth, lag, log, sum or mean",
                hint=did_you_mean(fname, FUNCTIONS),
            )
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed in {fname}()", node)
        lo, hi = FUNCTIONS[fname]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if lo == hi else (f"{lo} or {hi}" if hi else f"at least {lo}")
            raise self.fail(f"{fname}() takes {want} argument(s), got {n}", node)
        args = tuple(self.visit(a) for a in node.args)
        if fname == "lag" and n == 2:
            k = args[1]
            if not (isinstance(k, Number) and k.value.is_integer() and k.value >= 1):
                raise self.fail("lag(x, n) needs a whole number n >= 1", node)
        return Call(fname, args)


def _quote_scopes(text: str) -> str:
    return _BRACKET_RE.sub(lambda m: '["' + m.group(1) + '"]', text)


def parse(text: str, *, name: str | None = None, variables: Collection[str] | None = None) -> Expr:
    """Parse an indicator expression into an immutable :class:`Expr` tree.

    ``name`` (the indicator's name) is used in error messages; ``variables``, when given,
    is the set of valid variable names and unknown names get a "did you mean" hint.
    Raises :class:`InputError` (one line) for anything outside the whitelist.
    """
    where = f"indicator '{name}'" if name else "expression"
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            f"{where}: the expression is empty",
            fix="write e.g. output_value[modern] / output_value[reference]",
        )
    flat = " ".join(text.split())
    if len(flat) > 1000:
        raise InputError(f"{where}: the expression is longer than 1000 characters")
    quoted = _quote_scopes(flat)
    try:
        tree = ast.parse(quoted, mode="eval")
    except SyntaxError as exc:
        detail = exc.msg or "invalid syntax"
        raise InputError(
            f"{where}: syntax error in '{flat}': {detail}",
            fix="check brackets, operators and commas",
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError(f"{where}: cannot parse '{flat}'") from None
    try:
        return _Parser(flat, quoted, name, variables).visit(tree.body)
    except RecursionError:
        raise InputError(f"{where}: the expression is nested too deeply") from None


# ----------------------------------------------------------------------- evaluate
@dataclass(frozen=True)
class _Val:
    """An intermediate value: a year-indexed series or a scalar, plus the years whose
    value is undefined (division by zero, log of a non-positive number ...) and why."""

    data: object  # pandas.Series | float
    problems: Mapping[int, str]


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
    zero (or a log of a value <= 0) in a year raises :class:`InputError` naming the year,
    never inf; with ``years`` given, only problems that reach those years are errors.
    """
    import numpy as np
    import pandas as pd

    where = f"indicator '{name}'" if name else "expression"
    cache: dict[tuple[str, str], pd.Series] = {}

    def fetch(var: Var) -> pd.Series:
        key = (var.name, var.scope)
        if key not in cache:
            s = resolve(var.name, var.scope)
            if not isinstance(s, pd.Series):
                s = pd.Series(s)
            s = pd.to_numeric(s, errors="coerce").astype(float)
            s.index = pd.Index([int(y) for y in s.index], name="year")
            cache[key] = s.sort_index()
        return cache[key]

    def merge(*ps: Mapping[int, str]) -> dict[int, str]:
        out: dict[int, str] = {}
        for p in ps:
            for y, msg in p.items():
                out.setdefault(y, msg)
        return out

    def flag(mask: pd.Series, msg: str) -> dict[int, str]:
        return {int(y): msg for y in mask.index[mask.to_numpy()]}

    def run(node: Expr) -> _Val:
        if isinstance(node, Number):
            return _Val(node.value, {})
        if isinstance(node, Var):
            return _Val(fetch(node), {})
        if isinstance(node, Neg):
            v = run(node.operand)
            return _Val(-v.data, v.problems)
        if isinstance(node, BinOp):
            a, b = run(node.left), run(node.right)
            probs = merge(a.problems, b.problems)
            x, y = a.data, b.data
            if node.op == "+":
                return _Val(x + y, probs)
            if node.op == "-":
                return _Val(x - y, probs)
            if node.op == "*":
                return _Val(x * y, probs)
            if node.op == "/":
                if isinstance(y, pd.Series):
                    zero = y == 0
                    if isinstance(x, pd.Series):
                        zero = zero.reindex(x.index.union(y.index), fill_value=False)
                        zero &= x.reindex(zero.index).notna()
                    probs = merge(probs, flag(zero, f"division by zero: '{node.right}' is 0"))
                    with np.errstate(divide="ignore", invalid="ignore"):
                        out = x / y.where(y != 0)
                    return _Val(out, probs)
                if y == 0:
                    raise InputError(f"{where}: division by the constant 0 in '{node}'")
                return _Val(x / y, probs)
            # power
            with np.errstate(all="ignore"):
                out = x**y
            if isinstance(out, pd.Series):
                xs = x if isinstance(x, pd.Series) else pd.Series(x, index=out.index)
                ys = y if isinstance(y, pd.Series) else pd.Series(y, index=out.index)
                bad = (
                    (~np.isfinite(out))
                    & xs.reindex(out.index).notna()
                    & ys.reindex(out.index).notna()
                )
                probs = merge(
                    probs, flag(bad, f"'{node}' is undefined (negative base or overflow)")
                )
                out = out.where(~bad)
            elif not math.isfinite(out):
                raise InputError(f"{where}: '{node}' is undefined")
            return _Val(out, probs)
        if isinstance(node, Call):
            return call(node)
        raise InputError(f"{where}: cannot evaluate {type(node).__name__}")  # pragma: no cover

    def lagged(v: _Val, n: int) -> _Val:
        if not isinstance(v.data, pd.Series):
            return v
        s = v.data.copy()
        s.index = s.index + n
        return _Val(s, {y + n: m for y, m in v.problems.items()})

    def call(node: Call) -> _Val:
        f = node.func
        if f == "lag":
            n = int(node.args[1].value) if len(node.args) == 2 else 1  # type: ignore[attr-defined]
            return lagged(run(node.args[0]), n)
        if f == "growth":
            v = run(node.args[0])
            if not isinstance(v.data, pd.Series):
                raise InputError(f"{where}: growth() of a constant in '{node}'")
            prev = lagged(v, 1)
            cur, old = v.data, prev.data.reindex(v.data.index)
            zero = (old == 0) & cur.notna()
            probs = merge(
                v.problems,
                prev.problems,
                flag(zero, f"growth divides by a previous-year value of 0 in '{node}'"),
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                out = cur / old.where(old != 0) - 1.0
            return _Val(out, probs)
        if f == "log":
            v = run(node.args[0])
            if not isinstance(v.data, pd.Series):
                if v.data <= 0:
                    raise InputError(f"{where}: log of a non-positive constant in '{node}'")
                return _Val(math.log(v.data), v.problems)
            bad = v.data <= 0
            probs = merge(v.problems, flag(bad, f"log of a value <= 0 in '{node}'"))
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.log(v.data.where(~bad))
            return _Val(out, probs)
        vals = [run(a) for a in node.args]
        probs = merge(*(v.problems for v in vals))
        series = [v.data for v in vals if isinstance(v.data, pd.Series)]
        if not series:
            total = sum(float(v.data) for v in vals)
            return _Val(total if f == "sum" else total / len(vals), probs)
        idx = series[0].index
        for s in series[1:]:
            idx = idx.union(s.index)
        cols = [
            v.data.reindex(idx)
            if isinstance(v.data, pd.Series)
            else pd.Series(float(v.data), index=idx)
            for v in vals
        ]
        frame = pd.concat(cols, axis=1)
        # NaN in any argument makes the result NaN (no silent skipping of missing data).
        out = frame.sum(axis=1, skipna=False)
        if f == "mean":
            out = out / len(vals)
        return _Val(out, probs)

    try:
        result = run(expr)
    except RecursionError:
        raise InputError(f"{where}: the expression is nested too deeply") from None
    if not isinstance(result.data, pd.Series):
        raise InputError(
            f"{where}: the expression uses no study variable",
            fix="refer to at least one variable[scope]",
        )
    out = result.data.astype(float).sort_index()
    out.index = pd.Index([int(y) for y in out.index], name="year")
    relevant = sorted(y for y in result.problems if years is None or y in set(years))
    if relevant:
        y = relevant[0]
        raise InputError(
            f"{where}: {result.problems[y]} in year {y}",
            fix="check the data for that year or change the expression",
        )
    return out


def replace_scope(expr: Expr, old: str, new: str) -> Expr:
    """A copy of ``expr`` with every ``var[old]`` read as ``var[new]`` (used by panel mode,
    where ``modern`` becomes each member sector in turn)."""
    if isinstance(expr, Var):
        return Var(expr.name, new) if expr.scope == old else expr
    if isinstance(expr, Neg):
        return Neg(replace_scope(expr.operand, old, new))
    if isinstance(expr, BinOp):
        return BinOp(
            expr.op, replace_scope(expr.left, old, new), replace_scope(expr.right, old, new)
        )
    if isinstance(expr, Call):
        return Call(expr.func, tuple(replace_scope(a, old, new) for a in expr.args))
    return expr
