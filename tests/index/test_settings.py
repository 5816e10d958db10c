"""[index] settings: defaults, the JSON echo, parsed expressions and one-line errors."""

from __future__ import annotations

import tomllib

import pytest

from carbonpath.core import expr as expr_mod
from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_BOOTSTRAP, MAX_INDICATORS, MAX_ROBUSTNESS_DRAWS
from carbonpath.index.settings import IndexSettings, Indicator, RobustnessSettings, parse_index
from carbonpath.study.load import builtin_path

IND = [
    {"name": "a", "expr": "co2[modern] / output_value[modern]", "direction": "-"},
    {"name": "b", "expr": "output_value[modern]", "direction": "+"},
]


def builtin_index() -> dict:
    with open(builtin_path() / "study.toml", "rb") as fh:
        return tomllib.load(fh)["index"]


def test_defaults() -> None:
    s = parse_index({"indicators": IND})
    assert s.normalisation == "minmax"
    assert s.method == "entropy"
    assert s.epsilon == 0.0
    assert s.panel is False
    assert s.unit == "aggregate"
    assert isinstance(s.robustness, RobustnessSettings)
    assert s.robustness.draws == 1000
    assert s.robustness.methods == ("entropy", "critic", "cv", "equal")
    assert s.robustness.normalisations == ("minmax", "zscore", "ratio")
    assert s.robustness.epsilons == (0.0, 1e-4, 1e-3, 1e-2)
    assert s.bootstrap == 1000
    assert s.weights is None and s.coupling_alpha is None
    assert s.indicators[1].label == "b"  # label defaults to the name
    assert parse_index(None).indicators == ()


def test_json_echo_is_todays_form() -> None:
    """``model_dump(mode="json")`` is the settings.index part of results.json (0.1.0
    layout plus the new key ``unit``)."""
    d = parse_index(builtin_index()).model_dump(mode="json")
    assert list(d) == [
        "normalisation",
        "method",
        "epsilon",
        "panel",
        "unit",
        "robustness",
        "bootstrap",
        "indicators",
        "weights",
        "coupling_alpha",
    ]
    assert d["robustness"] == {
        "draws": 1000,
        "methods": ["entropy", "critic", "cv", "equal"],
        "normalisations": ["minmax", "zscore", "ratio"],
        "epsilons": [0.0, 0.0001, 0.001, 0.01],
        "leave_one_out": True,
    }
    assert d["indicators"][2] == {
        "name": "modern_output_growth",
        "label": "Growth rate of modern manufacturing output value",
        "expr": "growth(output_value[modern])",
        "direction": "+",
        "subsystem": "modernisation",
    }
    assert (d["panel"], d["unit"], d["weights"], d["coupling_alpha"]) == (
        False,
        "aggregate",
        None,
        None,
    )
    off = parse_index({"robustness": False, "bootstrap": False}).model_dump(mode="json")
    assert off["robustness"] is False and off["bootstrap"] == 0
    on = parse_index({"robustness": True, "bootstrap": True}).model_dump(mode="json")
    assert on["robustness"]["draws"] == 1000 and on["bootstrap"] == 1000


def test_indicator_is_normalised_and_parsed_once() -> None:
    s = parse_index(
        {
            "indicators": [
                {
                    "name": " share ",
                    "expr": " output_value[modern]\n  / output_value[reference] ",
                    "direction": " Positive ",
                    "subsystem": " econ ",
                },
                {"name": "b", "expr": "growth(co2[39])", "direction": "negative", "subsystem": "x"},
            ]
        }
    )
    a, b = s.indicators
    assert (a.name, a.expr, a.direction, a.subsystem) == (
        "share",
        "output_value[modern] / output_value[reference]",
        "+",
        "econ",
    )
    assert isinstance(a.tree, expr_mod.BinOp)
    assert a.tree.variables() == {("output_value", "modern"), ("output_value", "reference")}
    assert b.direction == "-" and b.uses_lag and not a.uses_lag
    assert s.directions == {"share": "+", "b": "-"}
    assert s.subsystem_names == ["econ", "x"]
    # the model can be built in Python as well
    ind = Indicator(name="c", expr="co2[modern]", direction="+")
    assert str(ind.tree) == "co2[modern]"
    assert IndexSettings(indicators=[ind], unit="sector").panel is True


def test_unit_and_its_panel_alias() -> None:
    assert parse_index({"panel": True}).unit == "sector"
    assert parse_index({"panel": True}).unit_key == "index.panel"
    sector = parse_index({"unit": "sector"})
    assert sector.panel is True and sector.unit_key == "index.unit"
    region = parse_index({"unit": "region"})
    assert region.panel is False and region.unit == "region"
    assert parse_index({"unit": "sector", "panel": False}).panel is True


@pytest.mark.parametrize(
    ("raw", "key", "text"),
    [
        ({"methd": "entropy"}, "index.methd", "did you mean 'method'"),
        ({"method": "entrpy"}, "index.method", "did you mean 'entropy'"),
        ({"normalisation": "maxmin"}, "index.normalisation", "unknown normalisation"),
        ({"epsilon": -1}, "index.epsilon", ">= 0"),
        ({"epsilon": 1}, "index.epsilon", "too large"),
        ({"epsilon": "0.01"}, "index.epsilon", "must be a number"),
        ({"panel": "yes"}, "index.panel", "true or false"),
        ({"unit": "province"}, "index.unit", "unknown unit 'province'"),
        ({"unit": "regoin"}, "index.unit", "did you mean 'region'"),
        ({"unit": "region", "panel": True}, "index.unit", 'contradicts unit = "region"'),
        ({"robustness": {"drawz": 5}}, "index.robustness.drawz", "did you mean 'draws'"),
        ({"robustness": {"draws": 0}}, "index.robustness.draws", ">= 1"),
        (
            {"robustness": {"draws": MAX_ROBUSTNESS_DRAWS + 1}},
            "index.robustness.draws",
            f"at most {MAX_ROBUSTNESS_DRAWS}",
        ),
        ({"robustness": {"methods": []}}, "index.robustness.methods", "non-empty list"),
        ({"robustness": {"methods": ["user"]}}, "index.robustness.methods", "unknown method"),
        (
            {"robustness": {"normalisations": ["minmax", "rank"]}},
            "index.robustness.normalisations",
            "unknown normalisation 'rank'",
        ),
        ({"robustness": {"epsilons": [0, -0.1]}}, "index.robustness.epsilons", ">= 0"),
        ({"robustness": "yes"}, "index.robustness", "must be false or a table"),
        ({"bootstrap": -1}, "index.bootstrap", ">= 0"),
        ({"bootstrap": MAX_BOOTSTRAP + 1}, "index.bootstrap", f"at most {MAX_BOOTSTRAP}"),
        ({"indicators": {"a": 1}}, "index.indicators", "array of tables"),
        ({"indicators": [IND[0]] * (MAX_INDICATORS + 1)}, "index.indicators", "at most 200"),
        ({"indicators": [IND[0], 3]}, "index.indicators[2]", "must be a table"),
        (
            {"indicators": [{"name": "a", "expr": "co2[modern]", "direction": "up"}]},
            "index.indicators[1].direction",
            "bad direction",
        ),
        (
            {"indicators": [{"name": "a", "expr": "co2[modern]"}]},
            "index.indicators[1].direction",
            "indicator 'a' needs a direction",
        ),
        (
            {"indicators": [IND[0], {"name": "a", "expr": "co2[modern] +", "direction": "+"}]},
            "index.indicators[2].expr",
            "indicator 'a': syntax error",
        ),
        (
            {"indicators": [{"name": "evil", "expr": "__import__('os')", "direction": "+"}]},
            "index.indicators[1].expr",
            "indicator 'evil': dunder",
        ),
        (
            {"indicators": [{"name": "a", "expr": " ", "direction": "+"}]},
            "index.indicators[1].expr",
            "indicator 'a' needs an expression",
        ),
        (
            {"indicators": [{"expr": "co2[modern]", "direction": "+"}]},
            "index.indicators[1].name",
            "every indicator needs a name",
        ),
        (
            {"indicators": [IND[0], IND[0]]},
            "index.indicators[2].name",
            "indicator name 'a' is used twice",
        ),
        (
            {"indicators": [{"name": "a", "expr": "co2[modern]", "direction": "+", "weight": 1}]},
            "index.indicators[1].weight",
            "unknown key",
        ),
        (
            {"indicators": [{**IND[0], "label": 3}]},
            "index.indicators[1].label",
            "label must be a string",
        ),
        (
            {"indicators": [{**IND[0], "subsystem": "s"}, IND[1]]},
            "index.indicators[2].subsystem",
            "every indicator has a subsystem or none",
        ),
        ({"weights": {"share": 1}}, "index.weights", 'method = "user"'),
        ({"method": "user"}, "index.weights", "needs index.weights"),
        (
            {"method": "user", "weights": {"a": 1, "c": 1}, "indicators": IND},
            "index.weights.c",
            "unknown indicator 'c'",
        ),
        (
            {"method": "user", "weights": {"a": 1}, "indicators": IND},
            "index.weights",
            "indicator(s) b",
        ),
        (
            {"method": "user", "weights": {"a": 0, "b": 0}, "indicators": IND},
            "index.weights",
            "sum to 0",
        ),
        (
            {"method": "user", "weights": {"a": -1, "b": 1}, "indicators": IND},
            "index.weights.a",
            ">= 0",
        ),
        ({"coupling_alpha": {"x": 1}}, "index.coupling_alpha.x", "unknown subsystem 'x'"),
        (
            {
                "indicators": [{**IND[0], "subsystem": "s"}, {**IND[1], "subsystem": "t"}],
                "coupling_alpha": {"s": 0.4, "t": 0.4},
            },
            "index.coupling_alpha",
            "summing to 1",
        ),
    ],
)
def test_errors_are_one_located_line(raw: dict, key: str, text: str) -> None:
    with pytest.raises(StudyError) as info:
        parse_index(raw)
    assert info.value.file == "study.toml"
    assert info.value.key == key
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def test_expression_error_keeps_the_parsers_words() -> None:
    """The bad-input corpus checks these lines exactly (key counted from 1)."""
    raw = {
        "indicators": [
            IND[0],
            IND[1],
            {"name": "rd_intensity", "expr": "open('/etc/passwd')", "direction": "+"},
        ]
    }
    with pytest.raises(StudyError) as info:
        parse_index(raw)
    assert str(info.value) == (
        "study.toml, key 'index.indicators[3].expr': indicator 'rd_intensity': function "
        "'open' is not allowed in 'open('/etc/passwd')'; fix: use growth, lag, log, sum or mean"
    )
