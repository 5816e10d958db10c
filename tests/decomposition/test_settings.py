"""[decomposition]: typed settings, defaults, located one-line errors."""

from __future__ import annotations

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_PERIODS
from carbonpath.decomposition.identity import KAYA, SECTORAL
from carbonpath.decomposition.settings import parse_decomposition


def test_defaults_dump_as_before_with_new_keys_after() -> None:
    s = parse_decomposition(None)
    assert s.identity is SECTORAL and s.periods == ("chained", "first_last")
    assert s.model_dump(mode="json") == {
        "periods": ["chained", "first_last"],
        "delta": 1e-10,
        "zero_limits": True,
        "quantity": "co2",
        "identity": "sectoral",
        "scope": "region",
        "region_share": True,
        "unit": None,
        "decoupling": {"enabled": True, "driver": None},
    }
    assert s.unit_for(panel=False) == "sector" and s.unit_for(panel=True) == "region"
    kaya = parse_decomposition({"identity": "kaya"})
    assert kaya.unit_for(panel=False) == "aggregate" and kaya.unit_for(panel=True) == "region"
    assert parse_decomposition({"unit": "sector"}).unit_for(panel=True) == "sector"


def test_periods_forms_and_typed_identity() -> None:
    s = parse_decomposition(
        {"periods": ["chained", "2015-2020", [2020, 2022]], "identity": "kaya", "delta": 1e-12}
    )
    assert s.periods == ("chained", (2015, 2020), (2020, 2022))
    assert s.period_years == [(2015, 2020), (2020, 2022)]
    assert s.model_dump(mode="json")["periods"] == ["chained", [2015, 2020], [2020, 2022]]
    assert s.identity is KAYA and s.delta == 1e-12
    one = parse_decomposition({"periods": "first_last"})
    assert one.periods == ("first_last",)
    user = parse_decomposition({"identity": ["energy", "co2 / energy"], "quantity": "co2"})
    assert user.identity.kind == "user" and user.identity.factors[1].denominator == "energy"
    assert user.model_dump(mode="json")["identity"] == ["energy", "co2/energy"]
    other = parse_decomposition({"identity": ["gdp", "energy/gdp"], "quantity": "energy"})
    assert other.identity.quantity == "energy"
    # the dump parses back to the same settings
    assert parse_decomposition(s.model_dump(mode="json")) == s


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({"delta": 0.1}, "decomposition.delta", "delta = 0.1 is not a small positive number"),
        ({"delta": "x"}, "decomposition.delta", "not a small positive number"),
        (
            {"periods": [[2020, 2015]]},
            "decomposition.periods",
            "period [2020, 2015] is not understood",
        ),
        ({"periods": [[2015, 2016, 2017]]}, "decomposition.periods", "not understood"),
        ({"periods": ["yearly"]}, "decomposition.periods", "'yearly' is not understood"),
        ({"periods": []}, "decomposition.periods", "periods must be a list"),
        (
            {"periods": ["chained"] * (MAX_PERIODS + 1)},
            "decomposition.periods",
            f"more than {MAX_PERIODS}",
        ),
        ({"method": "lmdi2"}, "decomposition.method", "unknown key"),
        ({"zero_limits": "yes"}, "decomposition.zero_limits", "true or false"),
        ({"identity": "kayaa"}, "decomposition.identity", "not understood"),
        ({"identity": ["gdp/population", "co2/gdp"]}, "decomposition.identity", "not a ratio"),
        ({"quantity": "energy"}, "decomposition.quantity", "needs a user identity"),
        ({"quantity": "Energy!"}, "decomposition.quantity", "not a variable name"),
        ({"region_share": 1}, "decomposition.region_share", "true or false"),
        ({"scope": ""}, "decomposition.scope", "is not a scope"),
        ({"unit": "country"}, "decomposition.unit", "'country' is not allowed"),
        ({"decoupling": {"driver": "co2"}}, "decomposition.decoupling.driver", "not allowed"),
        ({"decoupling": {"on": True}}, "decomposition.decoupling.on", "unknown key"),
    ],
)
def test_errors_carry_key(raw: dict, key: str, words: str) -> None:
    with pytest.raises(StudyError) as exc:
        parse_decomposition(raw)
    assert exc.value.key == key and exc.value.file == "study.toml"
    assert words in str(exc.value) and "\n" not in str(exc.value)
