"""The whitelisting indicator expression parser and its evaluator."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.core.evaluate import evaluate
from carbonpath.core.expr import KNOWN_VARIABLES, BinOp, Call, Number, Var, parse

YEARS = [2014, 2015, 2016, 2017]
DATA = {
    ("output_value", "modern"): pd.Series([100.0, 110.0, 121.0, 145.2], index=YEARS),
    ("output_value", "reference"): pd.Series([400.0, 440.0, 440.0, 484.0], index=YEARS),
    ("employment", "modern"): pd.Series([10.0, 11.0, 0.0, 12.0], index=YEARS),
    ("co2", "39"): pd.Series([5.0, 4.0, 2.0, 1.0], index=YEARS),
    ("co2", "06"): pd.Series([1.0, 2.0, 3.0, 4.0], index=YEARS),
    ("energy", "group:electronics"): pd.Series([8.0, 8.0, 6.0, 4.0], index=YEARS),
}


def resolve(var: str, scope: str) -> pd.Series:
    return DATA[(var, scope)]


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        ("__import__('os')", "__import__"),
        ("().__class__", "attribute access"),
        ("lambda: 1", "lambda"),
        ("output_value[modern].real", "attribute access"),
        ("open('x')", "function 'open' is not allowed"),
        ("output_value[modern] if 1 else 2", "conditional"),
        ("[x for x in co2[39]]", "comprehensions"),
        ("output_value[1:2:3]", "invalid scope"),
        ("co2[39][0]", "subscripts other than variable[scope]"),
        ("lag(co2[39], n=2)", "keyword arguments"),
        ("'abc'", "strings"),
        ("output_value[modern] +", "syntax error"),
        ("output_value", "needs a scope selector"),
        ("co2[__class__]", "invalid scope"),
        ("co2[39] // 2", "operator FloorDiv"),
        ("co2[39] > 1", "comparisons"),
        ("growth(co2[39], 2)", "takes 1 argument"),
        ("lag(co2[39], 1.5)", "whole number"),
    ],
)
def test_rejected_with_one_line_message(text: str, piece: str) -> None:
    with pytest.raises(InputError) as info:
        parse(text, name="bad_ind")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("indicator 'bad_ind': ")
    assert piece in msg


def test_unknown_names_get_suggestions() -> None:
    with pytest.raises(
        InputError, match="unknown variable 'outptu_value'.*did you mean 'output_value'"
    ):
        parse("outptu_value[modern] / 2", name="x", variables=KNOWN_VARIABLES)
    with pytest.raises(InputError, match="function 'grwth'.*did you mean 'growth'"):
        parse("grwth(output_value[modern])", name="x")
    with pytest.raises(InputError, match="unknown scope 'modren'.*did you mean 'modern'"):
        parse("output_value[modren]", name="x")


def test_tree_scopes_and_variables() -> None:
    e = parse("growth(output_value[modern]) + co2[39] / energy[group:electronics] ** 2 - -co2[06]")
    assert e.variables() == {
        ("output_value", "modern"),
        ("co2", "39"),
        ("energy", "group:electronics"),
        ("co2", "06"),
    }
    assert parse("co2[39] * 2") == BinOp("*", Var("co2", "39"), Number(2.0))
    assert parse("sum(co2[39], 1)") == Call("sum", (Var("co2", "39"), Number(1.0)))
    # printing gives an expression that parses back to the same tree
    for text in [
        "(co2[39] - 1) / (2 + co2[06])",
        "-(co2[39] ** 2) ** 0.5",
        "2 ** 3 ** 2",
        "1 - (2 - co2[39])",
    ]:
        tree = parse(text)
        assert parse(str(tree)) == tree
    with pytest.raises(Exception):  # noqa: B017 - frozen dataclass
        e.op = "+"  # type: ignore[misc]


def test_evaluate_arithmetic_and_functions() -> None:
    ov, ref = DATA[("output_value", "modern")], DATA[("output_value", "reference")]
    got = evaluate(parse("output_value[modern] / output_value[reference]"), resolve)
    np.testing.assert_allclose(got, [0.25, 0.25, 121 / 440, 0.3], rtol=1e-12)
    g = evaluate(parse("growth(output_value[modern])"), resolve)
    assert math.isnan(g[2014])
    np.testing.assert_allclose(g.loc[2015:], [0.1, 0.1, 145.2 / 121 - 1], rtol=1e-12)
    lag2 = evaluate(parse("lag(co2[39], 2)"), resolve)
    assert lag2[2016] == 5.0 and lag2[2017] == 4.0 and 2015 not in lag2.index
    lg = evaluate(parse("log(output_value[modern])"), resolve)
    np.testing.assert_allclose(lg, np.log(ov.to_numpy()), rtol=1e-12)
    s = evaluate(parse("sum(co2[39], co2[06], 1)"), resolve)
    np.testing.assert_allclose(s, [7.0, 7.0, 6.0, 6.0])
    m = evaluate(parse("mean(co2[39], co2[06])"), resolve)
    np.testing.assert_allclose(m, [3.0, 3.0, 2.5, 2.5])
    p = evaluate(parse("-co2[39] ** 2 + 2 * output_value[reference] - 3"), resolve)
    np.testing.assert_allclose(p, -(DATA[("co2", "39")] ** 2) + 2 * ref - 3)


def test_division_by_zero_names_the_year() -> None:
    e = parse("output_value[modern] / employment[modern]")
    with pytest.raises(InputError, match="division by zero.*year 2016"):
        evaluate(e, resolve, name="productivity")
    # a zero only outside the requested years is not an error (the value is NaN there)
    out = evaluate(e, resolve, years=[2017], name="productivity")
    assert out[2017] == pytest.approx(145.2 / 12)
    assert math.isnan(out[2016])
    # lag shifts the problem year: lag(1/employment) is undefined in 2017, not 2016
    with pytest.raises(InputError, match="year 2017"):
        evaluate(parse("lag(1 / employment[modern])"), resolve, years=[2017])


def test_growth_of_zero_and_log_of_negative() -> None:
    with pytest.raises(InputError, match="year 2017"):
        evaluate(parse("growth(employment[modern])"), resolve, years=[2015, 2016, 2017])
    with pytest.raises(
        InputError, match="log of a value <= 0 in 'log\\(co2\\[39\\] - 3\\)' in year 2016"
    ):
        evaluate(parse("log(co2[39] - 3)"), resolve, years=[2014, 2016])


def test_expression_without_variables_is_rejected() -> None:
    with pytest.raises(InputError, match="uses no study variable"):
        evaluate(parse("1 + 2"), resolve, name="k")
    with pytest.raises(InputError, match="constant 0"):
        evaluate(parse("co2[39] / 0"), resolve, name="k")


def test_resolver_errors_propagate() -> None:
    def bad(var: str, scope: str) -> pd.Series:
        raise InputError(f"unknown variable '{var}'; did you mean 'co2'?")

    with pytest.raises(InputError, match="did you mean 'co2'"):
        evaluate(parse("c02[39]"), bad)


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        ("co2[39] * 10 ** 10 ** 10", "the exponent 10000000000 is larger than 100"),
        ("2.0 ** 2000 * co2[39]", "the exponent 2000 is larger than 100"),
        ("co2[39] ** -101", "the exponent -101 is larger than 100"),
        ("(-1) ** 0.5 * co2[39]", "is not a real number in '(-1) ** 0.5'"),
        ("(-8) ** (1 / 3) + co2[39]", "is not a real number"),
        ("1" + "0" * 400 + " * co2[39]", "the number is larger than 1e+15"),
        ("1e16 * co2[39]", "the number is larger than 1e+15"),
        ("lag(co2[39], 1e300)", "the number is larger than 1e+15"),
        ("lag(co2[39], 101)", "lag(x, n) needs a whole number n >= 1 (at most 100)"),
        ("lag(co2[39], 0)", "whole number n >= 1"),
        ("-" * 41 + "co2[39]", "nested more than 40 levels deep"),
        (" + ".join(["co2[39]"] * 300), "longer than 2000 characters"),
        (" * ".join(["1e15"] * 21) + " + co2[39]", "overflow"),  # 1e315 > 1.8e308
    ],
)
def test_bounds_are_one_line_errors(text, piece):
    """Huge powers, complex results, huge literals and absurd lags (issue 12)."""
    with pytest.raises(InputError) as info:
        parse(text)
    msg = str(info.value)
    assert piece in msg and "\n" not in msg and len(msg) < 400


def test_bounds_accept_what_studies_write():
    for text in (
        "co2[39] ** 0.5",
        "(co2[39] / co2[06]) ** (1 / 7)",
        "co2[39] ** 100",
        "lag(co2[39], 100)",
        "1e15 * co2[39]",
        "-" * 38 + "co2[39]",
    ):
        parse(text)


def test_overflow_in_a_year_is_named_not_infinite():
    # 5 * 1e15 ** 20 overflows float64 (about 1.8e308); a reference by hand
    with pytest.raises(
        InputError, match=r"is undefined \(negative base or overflow\) in year 2014"
    ):
        evaluate(parse("(co2[39] * 1e15) ** 20"), resolve)
    big = {("co2", "39"): pd.Series([1e300, 1.0], index=[2014, 2015])}
    with pytest.raises(InputError, match=r"is undefined \(overflow\) in year 2014"):
        evaluate(parse("co2[39] * 1e15"), lambda v, s: big[(v, s)])
    # only the years asked for count: 2015 is finite (1e15)
    out = evaluate(parse("co2[39] * 1e15"), lambda v, s: big[(v, s)], years=[2015])
    assert out[2015] == 1e15 and math.isnan(out[2014])


def test_negative_base_of_a_series_is_a_problem_of_its_year():
    neg = {("co2", "39"): pd.Series([4.0, -4.0], index=[2014, 2015])}
    with pytest.raises(InputError, match="negative base or overflow\\) in year 2015"):
        evaluate(parse("co2[39] ** 0.5"), lambda v, s: neg[(v, s)])
    np.testing.assert_allclose(
        evaluate(parse("co2[39] ** 0.5"), lambda v, s: neg[(v, s)], years=[2014]).loc[2014], 2.0
    )
