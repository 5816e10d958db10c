"""Currencies are dimensions of their own (issue 14): no implicit exchange."""

from __future__ import annotations

import pytest

from carbonpath.core.errors import InputError
from carbonpath.core.units import factor_to, parse_unit


@pytest.mark.parametrize(
    ("text", "factor", "currency"),
    [
        ("yuan", 1.0, "yuan"),
        ("元", 1.0, "yuan"),
        ("万元", 1e4, "yuan"),
        ("亿元", 1e8, "yuan"),
        ("10^4 yuan", 1e4, "yuan"),
        ("100 million yuan", 1e8, "yuan"),
        ("RMB", 1.0, "yuan"),
        ("USD", 1.0, "USD"),
        ("billion USD", 1e9, "USD"),
        ("million US$", 1e6, "USD"),
        ("EUR", 1.0, "EUR"),
        ("GBP", 1.0, "GBP"),
        ("international dollar", 1.0, "international $"),
        ("PPP $", 1.0, "international $"),
        ("2011 international $", 1.0, "international $ (2011 prices)"),
        ("constant 2017 international $", 1.0, "international $ (2017 prices)"),
        ("billion 2015 USD", 1e9, "USD (2015 prices)"),
    ],
)
def test_currency_units(text, factor, currency):
    u = parse_unit(text)
    assert u.dimension == "currency"
    assert u.factor == factor
    assert u.currency == u.canonical == currency


def test_a_year_is_only_a_base_year_next_to_a_currency():
    assert parse_unit("100 million yuan").factor == 1e8
    assert parse_unit("2011 t").factor == 2011.0  # a multiplier, not a base year


def test_no_conversion_between_currencies():
    assert factor_to("10^8 yuan", "10^4 yuan") == 1e4
    with pytest.raises(InputError) as err:
        factor_to("USD", "yuan")
    assert "cannot convert 'USD' (USD) to 'yuan' (yuan)" in err.value.one_line()
    with pytest.raises(InputError):
        factor_to("2011 international $", "2017 international $")
