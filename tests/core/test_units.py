"""Unit parsing against hand-written conversion factors (GUIDE section 4, Units)."""

import pytest

from carbonpath.core.errors import InputError
from carbonpath.core.units import TCE_GJ, factor_to, parse_unit, to_canonical


@pytest.mark.parametrize(
    ("text", "dimension", "factor"),
    [
        ("t", "mass", 1.0),
        ("10^4 t", "mass", 1e4),
        ("10⁴ t", "mass", 1e4),
        ("1e4 t", "mass", 1e4),
        ("万吨", "mass", 1e4),
        ("kg", "mass", 1e-3),
        ("Mt CO2", "mass", 1e6),
        ("t CO2", "mass", 1.0),
        ("m^3", "volume", 1.0),
        ("10^4 m^3", "volume", 1e4),
        ("10^8 m^3", "volume", 1e8),
        ("亿立方米", "volume", 1e8),
        ("万立方米", "volume", 1e4),
        ("tce", "energy", 29.3076),
        ("kgce", "energy", 0.0293076),
        ("万吨标准煤", "energy", 293076.0),
        ("10^4 tce", "energy", 293076.0),
        ("kWh", "energy", 0.0036),
        ("万千瓦时", "energy", 36.0),
        ("亿千瓦时", "energy", 360000.0),
        ("GJ", "energy", 1.0),
        ("TJ", "energy", 1000.0),
        ("yuan", "currency", 1.0),
        ("万元", "currency", 1e4),
        ("亿元", "currency", 1e8),
        ("10^4 yuan", "currency", 1e4),
        ("10 thousand yuan", "currency", 1e4),
        ("100 million yuan", "currency", 1e8),
        ("10^8 yuan", "currency", 1e8),
        ("person", "headcount", 1.0),
        ("人", "headcount", 1.0),
        ("万人", "headcount", 1e4),
        ("10^4 persons", "headcount", 1e4),
        ("units", "count", 1.0),
        ("%", "ratio", 0.01),
    ],
)
def test_parse_unit(text, dimension, factor):
    p = parse_unit(text)
    assert p.dimension == dimension
    assert p.factor == pytest.approx(factor, rel=1e-12)


def test_tce_definition():
    # 1 kgce = 29,307.6 kJ (GB/T 2589-2020)
    assert TCE_GJ * 1e6 / 1000 == pytest.approx(29307.6, rel=1e-12)
    assert factor_to("10^4 tce", "GJ") == pytest.approx(293076.0, rel=1e-12)
    assert factor_to("亿千瓦时", "10^4 kWh") == pytest.approx(1e4, rel=1e-12)


def test_to_canonical_arrays():
    arr, unit, dim = to_canonical([1.0, 2.5], "10^4 m^3")
    assert unit == "m3" and dim == "volume"
    assert list(arr) == [1e4, 2.5e4]


@pytest.mark.parametrize("bad", ["foo", "m", "s", "10^4", "kg/s"])
def test_bad_units_are_one_line_errors(bad):
    with pytest.raises(InputError) as info:
        parse_unit(bad)
    text = str(info.value)
    assert bad in text and "\n" not in text and "fix:" in text


def test_cross_dimension_conversion_refused():
    with pytest.raises(InputError, match="cannot convert"):
        factor_to("t", "m^3")


@pytest.mark.parametrize(
    ("bad", "piece"),
    [
        ("0 t", "has a scale of 0"),
        ("0.0 t", "has a scale of 0"),
        ("10^-400 t", "absurd scale (10^-400)"),
        ("10^400 t", "absurd scale (10^400)"),
        ("1e400 t", "absurd scale (inf)"),
        ("1e-400 t", "has a scale of 0"),
        ("10^16 t", "absurd scale (1e+16)"),
        ("10^-13 yuan", "absurd scale"),
        ("ng", "absurd scale"),  # 1e-15 t
        ("10^99999999999999999999 t", "absurd scale"),
        ("9" * 120 + " t", "longer than 100 characters"),
    ],
)
def test_units_of_absurd_scale_are_refused(bad, piece):
    """0, 10^-400 and 10^400 would turn every value into 0 or infinity (issue 12)."""
    with pytest.raises(InputError) as info:
        parse_unit(bad)
    assert piece in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "factor"),
    [("1e15 t", 1e15), ("10^-12 t", 1e-12), ("mg", 1e-9), ("10^12 yuan", 1e12), ("ppm", 1e-6)],
)
def test_scales_at_the_bounds_are_accepted(text, factor):
    assert parse_unit(text).factor == pytest.approx(factor, rel=1e-12)
