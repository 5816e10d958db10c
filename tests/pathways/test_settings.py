"""[[targets]] and [scenarios]: typed settings, defaults, located one-line errors."""

from __future__ import annotations

import tomllib

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_HORIZON_YEARS, MAX_SCENARIOS, MAX_TARGETS
from carbonpath.pathways.settings import (
    ScenarioSettings,
    TargetSettings,
    check_against,
    parse_scenarios,
    parse_targets,
)

# the block of the built-in Beijing study
BEIJING_TOML = """
[[targets]]
name = "manufacturing_intensity_2025"
type = "intensity"
scope = "reference"
base_year = 2020
target_year = 2025
reduction = 0.20
source = "Beijing 14th Five-Year Plan: carbon intensity 20% below 2020 by 2025"

[scenarios]
horizon = 2030
trend_years = 3

[scenarios.baseline]
label = "Baseline: every driver continues its 2019-2022 compound growth"

[scenarios.low_carbon]
label = "Low-carbon (illustrative)"
lnP = -0.01
lnA = 0.05
lnT = 0.05
lnRE = 0.07

[scenarios.enhanced]
label = "Enhanced (illustrative)"
lnP = -0.01
lnA = 0
lnT = 0.08
lnRE = "trend"
"""
DRIVERS = ("lnP", "lnA", "lnT", "lnRE")


def beijing() -> tuple[TargetSettings, ScenarioSettings]:
    raw = tomllib.loads(BEIJING_TOML)
    return parse_targets(raw["targets"]), parse_scenarios(raw["scenarios"])


def test_beijing_block_is_typed_and_dumps_as_study_toml_writes_it() -> None:
    targets, scenarios = beijing()
    t = targets.targets[0]
    assert (t.scope, t.reduction, t.trend_years, t.type) == ("reference", 0.20, 3, "intensity")
    assert targets.scopes == ["reference"]
    assert list(scenarios.scenarios) == ["baseline", "low_carbon", "enhanced"]
    assert scenarios.scenarios["low_carbon"].rates["lnT"] == 0.05
    assert scenarios.scenarios["enhanced"].rates == {
        "lnP": -0.01,
        "lnA": 0.0,
        "lnT": 0.08,
        "lnRE": "trend",
    }
    dump = scenarios.model_dump(mode="json")
    assert list(dump) == ["horizon", "trend_years", "scope", "output_driver", *scenarios.scenarios]
    assert dump["low_carbon"] == {
        "label": "Low-carbon (illustrative)",
        "lnP": -0.01,
        "lnA": 0.05,
        "lnT": 0.05,
        "lnRE": 0.07,
    }
    tdump = targets.model_dump(mode="json")
    assert isinstance(tdump, list) and tdump[0]["name"] == "manufacturing_intensity_2025"
    assert list(tdump[0]) == [
        "name",
        "type",
        "scope",
        "base_year",
        "target_year",
        "reduction",
        "source",
        "trend_years",
    ]
    # parsing the dump again gives the same settings
    assert parse_targets(tdump) == targets
    assert parse_scenarios(dump) == scenarios
    check_against(scenarios, [2015, 2022], DRIVERS)


def test_defaults() -> None:
    assert parse_targets(None).targets == ()
    assert parse_targets(None).model_dump(mode="json") == []
    s = parse_scenarios(None)
    assert s.model_dump(mode="json") == {
        "horizon": 2030,
        "trend_years": 3,
        "scope": "modern",
        "output_driver": "lnA",
        "baseline": {"label": "Recent trends"},
    }
    # one [targets] table is one target; names default to target_<n>
    one = parse_targets(
        {"type": "absolute", "base_year": 2020, "target_year": 2025, "reduction": 0.1}
    )
    assert one.targets[0].name == "target_1" and one.targets[0].scope == "modern"


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        (
            {"low_carbon": {"lnA": 5}},
            "scenarios.low_carbon.lnA",
            "growth rate 5.0 is outside (-1, 1]",
        ),
        ({"low_carbon": {"lnA": "fast"}}, "scenarios.low_carbon.lnA", "not a number or 'trend'"),
        ({"low_carbon": {"lnA": True}}, "scenarios.low_carbon.lnA", "not a number or 'trend'"),
        ({"horizon": "2030"}, "scenarios.horizon", "'2030' is not a year"),
        ({"horizon": 1800}, "scenarios.horizon", "'1800' is not a year"),
        ({"speed": 3}, "scenarios.speed", "unknown key 'speed'"),
        ({"trend_years": 0}, "scenarios.trend_years", "whole number >= 1"),
        ({"s": {"label": 3}}, "scenarios.s.label", "label must be a string"),
        ({"9s": {"label": "x"}}, "scenarios.9s", "not a simple name"),
        ({"scope": ""}, "scenarios.scope", "non-empty"),
    ],
)
def test_scenario_errors_carry_key(raw: dict, key: str, words: str) -> None:
    with pytest.raises(StudyError) as exc:
        parse_scenarios(raw)
    assert exc.value.key == key and exc.value.file == "study.toml"
    assert words in str(exc.value) and "\n" not in str(exc.value)


def _target(**kw: object) -> dict:
    return {"type": "intensity", "base_year": 2020, "target_year": 2025, "reduction": 0.2, **kw}


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ([_target(reduction=20)], "targets[1].reduction", "reduction 20 is not a fraction"),
        ([_target(type="relative")], "targets[1].type", "type 'relative' is not 'intensity'"),
        (
            [{"type": "absolute", "base_year": 2020, "reduction": 0.2}],
            "targets[1].target_year",
            "lacks target_year",
        ),
        ([_target(target_year=2019)], "targets[1].target_year", "not after base year 2020"),
        ([_target(x=1)], "targets[1].x", "unknown key"),
        ([_target(), _target(name="target_1")], "targets[2].name", "used twice"),
        ([_target(name="")], "targets[1].name", "non-empty"),
        ([_target(trend_years=0)], "targets[1].trend_years", "whole number"),
        (3, "targets", "[[targets]] tables"),
        ([3], "targets[1]", "must be a table"),
    ],
)
def test_target_errors_carry_key(raw: object, key: str, words: str) -> None:
    with pytest.raises(StudyError) as exc:
        parse_targets(raw)
    assert exc.value.key == key and words in str(exc.value)
    assert "\n" not in str(exc.value)


def test_counts_are_bounded() -> None:
    many = [_target(name=f"t{i}") for i in range(MAX_TARGETS + 1)]
    with pytest.raises(StudyError) as exc:
        parse_targets(many)
    assert exc.value.key == "targets" and str(MAX_TARGETS) in str(exc.value)
    assert len(parse_targets(many[:MAX_TARGETS]).targets) == MAX_TARGETS
    scen = {f"s{i}": {"label": "x"} for i in range(MAX_SCENARIOS + 1)}
    with pytest.raises(StudyError) as exc:
        parse_scenarios(scen)
    assert exc.value.key == "scenarios" and str(MAX_SCENARIOS) in str(exc.value)


def test_check_against_the_study() -> None:
    _, scenarios = beijing()
    # drivers: the STIRPAT regressors
    with pytest.raises(StudyError) as exc:
        check_against(scenarios, [2015, 2022], ("lnP", "lnA", "lnT"))
    assert exc.value.key == "scenarios.low_carbon.lnRE"
    # horizon: at most MAX_HORIZON_YEARS beyond the last study year
    far = parse_scenarios({"horizon": 2022 + MAX_HORIZON_YEARS})
    check_against(far, [2015, 2022], DRIVERS)
    too_far = parse_scenarios({"horizon": 2022 + MAX_HORIZON_YEARS + 1})
    with pytest.raises(StudyError) as exc:
        check_against(too_far, [2015, 2022], DRIVERS)
    assert exc.value.key == "scenarios.horizon"
    # the output driver is checked when it is given, not by default
    check_against(parse_scenarios(None), [2015, 2022], ("lnP", "lnT"))
    with pytest.raises(StudyError) as exc:
        check_against(parse_scenarios({"output_driver": "lnA"}), [2015, 2022], ("lnP", "lnT"))
    assert exc.value.key == "scenarios.output_driver"


def test_builtin_study_dumps_as_results_json_settings_of_0_1_0() -> None:
    """settings.targets / settings.scenarios of the built-in study's results.json (0.1.0)."""
    from carbonpath.study.load import builtin_path

    raw = tomllib.loads((builtin_path() / "study.toml").read_text(encoding="utf-8"))
    assert parse_targets(raw["targets"]).model_dump(mode="json") == [
        {
            "name": "manufacturing_intensity_2025",
            "type": "intensity",
            "scope": "reference",
            "base_year": 2020,
            "target_year": 2025,
            "reduction": 0.2,
            "source": "Beijing 14th Five-Year Plan for green and low-carbon manufacturing: "
            "carbon intensity 20% below 2020 by 2025",
            "trend_years": 3,
        }
    ]
    low = {"lnP": -0.01, "lnA": 0.05, "lnT": 0.05, "lnRE": 0.07}
    assert parse_scenarios(raw["scenarios"]).model_dump(mode="json") == {
        "horizon": 2030,
        "trend_years": 3,
        "scope": "modern",
        "output_driver": "lnA",
        "baseline": {"label": "Baseline: every driver continues its 2019-2022 compound growth"},
        "low_carbon": {
            "label": "Low-carbon (illustrative): output +5%/yr, employment -1%/yr, "
            "energy efficiency +5%/yr, R&D +7%/yr",
            **low,
        },
        "enhanced": {
            "label": "Enhanced (illustrative): as low-carbon with energy efficiency +8%/yr "
            "and R&D +10%/yr",
            **dict(low, lnT=0.08, lnRE=0.1),
        },
    }
