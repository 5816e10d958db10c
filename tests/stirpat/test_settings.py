"""[stirpat] settings: defaults, the results.json form, one-line errors naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.stirpat.krule import KGrid, KRule
from carbonpath.stirpat.settings import StirpatSettings, Term, parse_stirpat

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = ROOT / "src" / "carbonpath" / "data" / "studies" / "beijing" / "study.toml"
MINI = ROOT / "tests" / "bad_inputs" / "_mini" / "study.toml"

#: settings.stirpat of the built-in study's results.json in carbonpath 0.1.0
BUILTIN_010 = {
    "response": "co2[modern]",
    "regressors": {
        "lnP": "employment[modern]",
        "lnA": "output_value[modern]",
        "lnT": "output_value[modern] / energy[modern]",
        "lnRE": "rd_expenditure[modern]",
    },
    "k": "trace",
    "k_grid": [0.0, 1.0, 0.01],
    "trace_tol": 0.05,
    "bootstrap": 2000,
    "panel": True,
    "adf_regression": "c",
}
#: the keys added in the redesign, with their defaults
NEW_DEFAULTS = {
    "effects": ["entity"],
    "cov": "cluster",
    "bandwidth": "auto",
    "identity_tol": 0.005,
    "labels": {},
    "unit": "aggregate",
}


def _section(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["stirpat"]


def test_builtin_dump_is_the_010_settings_plus_new_keys():
    dumped = parse_stirpat(_section(BUILTIN)).model_dump(mode="json")
    assert dumped == BUILTIN_010 | NEW_DEFAULTS
    assert list(dumped)[: len(BUILTIN_010)] == list(BUILTIN_010)


def test_mini_dump_keeps_a_fixed_k_as_a_float():
    dumped = parse_stirpat(_section(MINI)).model_dump(mode="json")
    # what carbonpath 0.1.0's validate_config returned for the bad-input _mini study
    assert (
        dumped
        == {
            "response": "co2[modern]",
            "regressors": {
                "lnA": "output_value[modern]",
                "lnT": "output_value[modern] / energy[modern]",
            },
            "k": 0.1,
            "k_grid": [0.0, 1.0, 0.01],
            "trace_tol": 0.05,
            "bootstrap": 200,
            "panel": False,
            "adf_regression": "c",
        }
        | NEW_DEFAULTS
    )
    assert isinstance(dumped["k"], float)


def test_typed_values_downstream():
    s = parse_stirpat({"k": "AUTO ", "k_grid": [0, 0.5, 0.05]})
    assert s.k == KRule("trace") and not s.k.is_fixed
    assert s.k_grid == KGrid(0.0, 0.5, 0.05) and s.k_grid.count == 11
    assert isinstance(s.regressors["lnT"], Term)
    assert s.regressors["lnT"].parts() == [("output_value", "modern"), ("energy", "modern")]
    assert parse_stirpat({"k": 1}).k == KRule("fixed", 1.0)
    assert parse_stirpat(None) == StirpatSettings()


def test_effects_are_held_in_canonical_order():
    assert parse_stirpat({"effects": ["time", "entity"]}).effects == ["entity", "time"]
    assert parse_stirpat({"effects": []}).effects == []


def test_labels_default_to_ln_term_and_are_made_safe():
    s = parse_stirpat({"labels": {"lnP": "ln employment\u202e of the modern sectors"}})
    assert s.label("lnP") == "ln employment of the modern sectors"
    assert s.label("lnT") == "ln(output_value[modern] / energy[modern])"
    assert s.label("lnA") == "ln output_value[modern]"
    assert s.all_labels()["lnC"] == "ln co2[modern]"


def test_bad_k_keeps_the_corpus_message():
    with pytest.raises(StudyError) as err:
        parse_stirpat({"k": -1})
    assert str(err.value) == (
        "study.toml, key 'stirpat.k': k must be a number >= 0 or a rule name, got -1"
    )


def test_unreadable_regressor_keeps_the_corpus_message():
    with pytest.raises(StudyError) as err:
        parse_stirpat({"regressors": {"lnA": "__import__('os')[modern]"}})
    assert str(err.value) == (
        "study.toml, key 'stirpat.regressors.lnA': cannot read \"__import__('os')[modern]\"; "
        'fix: write "variable[scope]" or "variable[scope] / variable[scope]", '
        'e.g. "output_value[modern] / energy[modern]"'
    )


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({"kk": 1}, "stirpat.kk", "did you mean 'k'"),
        ({"k": "magic"}, "stirpat.k", "unknown k rule 'magic'"),
        ({"k": True}, "stirpat.k", "got True"),
        ({"k_grid": [0, 1]}, "stirpat.k_grid", "[start, stop, step]"),
        ({"k_grid": [1, 0, 0.1]}, "stirpat.k_grid", "0 <= start < stop"),
        ({"k_grid": [0, 1, 1e-7]}, "stirpat.k_grid", "more than 100,001"),
        ({"bootstrap": 2.5}, "stirpat.bootstrap", "whole number"),
        ({"bootstrap": True}, "stirpat.bootstrap", "whole number"),
        ({"bootstrap": 100_001}, "stirpat.bootstrap", "at most 100000"),
        ({"panel": "yes"}, "stirpat.panel", "true or false"),
        ({"regressors": {"lnP": "employment"}}, "stirpat.regressors.lnP", "cannot read"),
        ({"regressors": {"lnP": "a[modern] * 2"}}, "stirpat.regressors.lnP", "cannot read"),
        ({"regressors": {"ln P": "employment[modern]"}}, "stirpat.regressors.ln P", "identifier"),
        ({"regressors": {"lnC": "employment[modern]"}}, "stirpat.regressors.lnC", "identifier"),
        ({"regressors": {}}, "stirpat.regressors", "must be a table"),
        (
            {"regressors": {f"x{i}": "a[b]" for i in range(51)}},
            "stirpat.regressors",
            "more than 50",
        ),
        ({"response": 3}, "stirpat.response", "expected a string"),
        ({"trace_tol": 0}, "stirpat.trace_tol", "greater than 0"),
        ({"trace_tol": 1}, "stirpat.trace_tol", "less than 1"),
        ({"adf_regression": "ctt"}, "stirpat.adf_regression", "use one of c, ct"),
        ({"effects": ["entity", "tme"]}, "stirpat.effects", "did you mean 'time'"),
        ({"effects": ["entity", "entity"]}, "stirpat.effects", "twice"),
        ({"cov": "dk"}, "stirpat.cov", "use one of cluster, driscoll-kraay, robust"),
        ({"bandwidth": 2}, "stirpat.bandwidth", 'cov = "driscoll-kraay" only'),
        ({"cov": "driscoll-kraay", "bandwidth": -1}, "stirpat.bandwidth", "from 0 to 100"),
        ({"cov": "driscoll-kraay", "bandwidth": 2.5}, "stirpat.bandwidth", "whole number"),
        ({"identity_tol": 0.0}, "stirpat.identity_tol", "greater than 0"),
        ({"labels": {"lnQ": "x"}}, "stirpat.labels.lnQ", "did you mean"),
        ({"labels": {"lnP": " "}}, "stirpat.labels.lnP", "non-empty string"),
        ({"labels": "x"}, "stirpat.labels", "must be a table"),
    ],
)
def test_errors_name_the_key_on_one_line(raw, key, words):
    with pytest.raises(StudyError) as err:
        parse_stirpat(raw)
    assert err.value.key == key and err.value.file == "study.toml"
    text = str(err.value)
    assert words in text and "\n" not in text and text.startswith(f"study.toml, key '{key}'")


def test_driscoll_kraay_bandwidth_is_accepted():
    s = parse_stirpat({"cov": "driscoll-kraay", "bandwidth": 3, "effects": ["entity", "time"]})
    assert s.bandwidth == 3 and s.model_dump(mode="json")["bandwidth"] == 3
