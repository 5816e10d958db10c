"""Whitelisting parser for index indicator expressions (evaluation: :mod:`.evaluate`).

An indicator is written as an arithmetic expression over study variables, e.g.
``output_value[modern] / output_value[reference]`` or ``growth(output_value[modern])``.
The text is parsed with :func:`ast.parse` (``mode="eval"``) and the tree is walked
allowing only numbers, ``variable[scope]`` selectors, ``+ - * / **``, unary minus,
parentheses and calls to ``growth``, ``lag``, ``log``, ``sum`` and ``mean``.  Every
other construct (attribute access, other subscripts, lambdas, comprehensions, strings,
keyword arguments, dunder names ...) is rejected with a one-line :class:`InputError`.
Nothing is ever compiled or executed: evaluation walks carbonpath's own immutable tree.

Bounds (:mod:`carbonpath.core.limits`) keep numbers numbers: at most
``MAX_EXPR_CHARS`` characters and ``MAX_EXPR_DEPTH`` levels of nesting, literals of at
most ``MAX_EXPR_LITERAL`` in magnitude, a constant exponent of at most ``MAX_EXPONENT``
in magnitude (``10 ** 10 ** 10``, ``2.0 ** 2000`` are refused), constant parts that
must give a finite real number (``(-1) ** 0.5`` is refused) and ``lag(x, n)`` with
``1 <= n <= MAX_LAG``.  A value that overflows during evaluation is an error naming the
year, like a division by zero.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError, did_you_mean
from carbonpath.core.limits import (
    MAX_EXPONENT,
    MAX_EXPR_CHARS,
    MAX_EXPR_DEPTH,
    MAX_EXPR_LITERAL,
    MAX_LAG,
)
from carbonpath.core.scopes import SCOPE_FIX, parse_scope
from carbonpath.core.variables import DERIVED_VARIABLES, ECONOMY_VARIABLES

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "FUNCTIONS",
    "KNOWN_VARIABLES",
    "BinOp",
    "Call",
    "Expr",
    "Neg",
    "Number",
    "Var",
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
        self.depth = 0

    def fail(
        self, what: str, node: ast.AST | None = None, fix: str | None = None, hint: str = ""
    ) -> InputError:
        piece = ""
        if node is not None:
            seg = ast.get_source_segment(self.quoted, node)
            if seg:
                seg = re.sub(r"\[\"([^\"\]]*)\"\]", r"[\1]", seg)
                seg = seg if len(seg) <= 80 else seg[:77] + "..."
                piece = f" in '{seg}'"
        return InputError(f"{self.where}: {what}{piece}{hint}", fix=fix)

    def visit(self, node: ast.AST) -> Expr:
        self.depth += 1
        try:
            if self.depth > MAX_EXPR_DEPTH:
                raise self.fail(
                    f"the expression is nested more than {MAX_EXPR_DEPTH} levels deep",
                    fix="write it more simply",
                )
            return self.visit_node(node)
        finally:
            self.depth -= 1

    def visit_constant(self, node: ast.Constant) -> Expr:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            kind = "strings" if isinstance(v, str) else f"{type(v).__name__} literals"
            raise self.fail(
                f"{kind} are not allowed", node, fix="use numbers and variable[scope] only"
            )
        if isinstance(v, float) and not math.isfinite(v):
            raise self.fail("non-finite number", node)
        if abs(v) > MAX_EXPR_LITERAL:
            raise self.fail(
                f"the number is larger than {MAX_EXPR_LITERAL:g}",
                node,
                fix="write smaller numbers (variables carry their own units)",
            )
        return Number(float(v))

    def visit_binop(self, node: ast.BinOp) -> Expr:
        op = _OPS.get(type(node.op))
        if op is None:
            sym = type(node.op).__name__
            raise self.fail(f"operator {sym} is not allowed (only + - * / **)", node)
        out = BinOp(op, self.visit(node.left), self.visit(node.right))
        if op == "**":
            exponent = constant_value(out.right)
            if exponent is not None and abs(exponent) > MAX_EXPONENT:
                raise self.fail(
                    f"the exponent {Number(exponent)} is larger than {MAX_EXPONENT}",
                    node,
                    fix=f"use an exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}",
                )
        if constant_value(out.left) is not None and constant_value(out.right) is not None:
            value = scalar_op(op, constant_value(out.left), constant_value(out.right))  # type: ignore[arg-type]
            if op != "/" and math.isnan(value):
                what = "a negative number to a fractional power is not a real number"
                raise self.fail(what, node, fix="check the constants")
            if op != "/" and math.isinf(value):
                what = "the constants overflow (the result is larger than 1.8e308)"
                raise self.fail(what, node, fix="check the constants")
        return out

    def visit_node(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            return self.visit_constant(node)
        if isinstance(node, ast.BinOp):
            return self.visit_binop(node)
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
            raise self.bare_name(node)
        raise self.fail(
            self.describe(node),
            node,
            fix="only numbers, variable[scope], + - * / ** and growth/lag/log/sum/mean are allowed",
        )

    def bare_name(self, node: ast.Name) -> InputError:
        """The error for a name without ``[scope]`` (a function, a scope word, a variable)."""
        self.check_name(node.id, node)
        if node.id in FUNCTIONS:
            return self.fail(f"function '{node.id}' must be called with arguments", node)
        if node.id in _SCOPE_WORDS:
            return self.fail(
                f"'{node.id}' is a scope, not a variable",
                node,
                fix="write variable[scope], e.g. output_value[modern]",
            )
        self.check_variable(node.id, node)
        return self.fail(
            f"variable '{node.id}' needs a scope selector",
            node,
            fix=f"write {node.id}[modern], {node.id}[reference], {node.id}[region], {node.id}[<sector code>] or {node.id}[group:<name>]",
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
            if not (isinstance(k, Number) and k.value.is_integer() and 1 <= k.value <= MAX_LAG):
                raise self.fail(
                    f"lag(x, n) needs a whole number n >= 1 (at most {MAX_LAG})",
                    node,
                    fix=f"give the lag in years as a whole number from 1 to {MAX_LAG}",
                )
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
    if len(flat) > MAX_EXPR_CHARS:
        raise InputError(
            f"{where}: the expression is longer than {MAX_EXPR_CHARS} characters",
            fix="split it into several indicators or variables",
        )
    quoted = _quote_scopes(flat)
    try:
        tree = ast.parse(quoted, mode="eval")
    except SyntaxError as exc:
        detail = exc.msg or "invalid syntax"
        raise InputError(
            f"{where}: syntax error in '{flat}': {detail}",
            fix="check brackets, operators and commas",
        ) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise InputError(f"{where}: cannot parse '{flat}'") from None
    try:
        return _Parser(flat, quoted, name, variables).visit(tree.body)
    except RecursionError:
        raise InputError(f"{where}: the expression is nested too deeply") from None


def constant_value(expr: Expr) -> float | None:
    """The value of a sub-expression made of numbers only (``None`` if it reads a variable).

    Folded with IEEE arithmetic (:func:`scalar_op`): an overflow gives inf, a negative base
    with a fractional exponent NaN, a division by 0 inf or NaN; never an exception.
    """
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Neg):
        inner = constant_value(expr.operand)
        return None if inner is None else -inner
    if isinstance(expr, BinOp):
        a, b = constant_value(expr.left), constant_value(expr.right)
        if a is None or b is None:
            return None
        return scalar_op(expr.op, a, b)
    return None


def scalar_op(op: str, a: float, b: float) -> float:
    """``a op b`` in float64 without exceptions (inf/NaN instead of OverflowError/complex)."""
    import numpy as np

    x, y = np.float64(a), np.float64(b)
    with np.errstate(all="ignore"):
        if op == "+":
            return float(x + y)
        if op == "-":
            return float(x - y)
        if op == "*":
            return float(x * y)
        if op == "/":
            return float(x / y) if y != 0 else math.nan
        return float(np.power(x, y))


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
