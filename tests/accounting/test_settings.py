"""``[accounting]`` settings: defaults, the results.json echo, bounds and located errors."""

from __future__ import annotations

import tomllib

import pytest

from carbonpath.accounting.settings import (
    AccountingSettings,
    Scope2Settings,
    UncertaintySettings,
    parse_accounting,
)
from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_DRAWS, MIN_DRAWS
from carbonpath.study.load import builtin_path
from tests.conftest import REPO

#: the ``settings.accounting`` of results.json for an empty [accounting] section
DEFAULTS = {
    "factor_set": "cn-provincial-2011",
    "source": None,
    "scope2": {"enabled": False, "grid": "national", "year": "auto"},
    "uncertainty": {
        "enabled": True,
        "draws": 10_000,
        "activity_pct": 5.0,
        "factor_pct": None,
        "distribution": "normal",
        "trend": None,
    },
}


def test_defaults_and_json_echo():
    s = parse_accounting(None)
    assert isinstance(s, AccountingSettings)
    assert isinstance(s.scope2, Scope2Settings) and isinstance(s.uncertainty, UncertaintySettings)
    assert s.model_dump(mode="json") == DEFAULTS
    # parsing the echo again gives the same settings (idempotent)
    assert parse_accounting(s.model_dump(mode="json")) == s


def _section(path):
    return tomllib.loads((path / "study.toml").read_text(encoding="utf-8")).get("accounting")


def test_builtin_and_mini_studies_echo():
    assert parse_accounting(_section(builtin_path())).model_dump(mode="json") == DEFAULTS
    mini = parse_accounting(_section(REPO / "tests" / "bad_inputs" / "_mini"))
    expected = {**DEFAULTS, "uncertainty": {**DEFAULTS["uncertainty"], "draws": 1000}}
    assert mini.model_dump(mode="json") == expected


def test_values_are_typed():
    s = parse_accounting(
        {
            "factor_set": "ipcc-2006",
            "source": "energy",
            "scope2": {"enabled": True, "grid": "north_china", "year": 2022},
            "uncertainty": {
                "draws": 500,
                "activity_pct": 3,
                "factor_pct": {"coal": 2, "natural_gas": 1.5},
                "distribution": "lognormal",
                "trend": [2016, 2020],
            },
        }
    )
    assert s.scope2.year == 2022 and s.uncertainty.trend == (2016, 2020)
    assert s.uncertainty.activity_pct == 3.0 and isinstance(s.uncertainty.activity_pct, float)
    assert s.uncertainty.factor_pct == {"coal": 2.0, "natural_gas": 1.5}
    assert parse_accounting({"uncertainty": {"factor_pct": 4}}).uncertainty.factor_pct == 4.0
    assert s.model_dump(mode="json")["uncertainty"]["trend"] == [2016, 2020]


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({"factor_sett": "x"}, "accounting.factor_sett", "did you mean 'factor_set'"),
        ({"factor_set": "ipcc"}, "accounting.factor_set", "did you mean 'ipcc-2006'"),
        ({"factor_set": 3}, "accounting.factor_set", "must be a string"),
        ({"source": "both"}, "accounting.source", 'must be "energy" or "inventory"'),
        ({"scope2": {"grid": "south"}}, "accounting.scope2.grid", "unknown grid 'south'"),
        ({"scope2": {"year": "2022"}}, "accounting.scope2.year", 'must be "auto" or a year'),
        ({"scope2": {"year": 10**9}}, "accounting.scope2.year", "outside 1900-2200"),
        ({"scope2": {"enabled": 1}}, "accounting.scope2.enabled", "true or false"),
        ({"scope2": {"grd": "x"}}, "accounting.scope2.grd", "did you mean 'grid'"),
        ({"scope2": []}, "accounting.scope2", "must be a table"),
        ({"uncertainty": {"draws": 10}}, "accounting.uncertainty.draws", f"at least {MIN_DRAWS}"),
        (
            {"uncertainty": {"draws": 10**7}},
            "accounting.uncertainty.draws",
            f"at most {MAX_DRAWS}",
        ),
        ({"uncertainty": {"draws": 1000.0}}, "accounting.uncertainty.draws", "a whole number"),
        (
            {"uncertainty": {"activity_pct": -1}},
            "accounting.uncertainty.activity_pct",
            "at least 0",
        ),
        ({"uncertainty": {"activity_pct": "5"}}, "accounting.uncertainty.activity_pct", "a number"),
        (
            {"uncertainty": {"distribution": "gamma"}},
            "accounting.uncertainty.distribution",
            "unknown distribution 'gamma'",
        ),
        ({"uncertainty": {"trend": [2022, 2015]}}, "accounting.uncertainty.trend", "[first, last]"),
        (
            {"uncertainty": {"factor_pct": {"coal": -1}}},
            "accounting.uncertainty.factor_pct.coal",
            "number >= 0",
        ),
        ({"uncertainty": {"factor_pct": "x"}}, "accounting.uncertainty.factor_pct", "table fuel"),
    ],
)
def test_errors_name_the_key(raw, key, words):
    with pytest.raises(StudyError) as exc:
        parse_accounting(raw)
    err = exc.value
    assert (err.key, err.file) == (key, "study.toml")
    assert words in err.message
    assert "\n" not in str(err)


def test_bound_error_says_the_bound():
    with pytest.raises(StudyError) as exc:
        parse_accounting({"uncertainty": {"draws": 10**7}})
    assert str(exc.value) == (
        "study.toml, key 'accounting.uncertainty.draws': must be at most 100000, got 10000000; "
        "fix: use a value at most 100000 (the bound is documented in docs/study-format.md)"
    )
