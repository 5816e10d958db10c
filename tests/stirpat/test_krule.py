"""KRule and KGrid: the one parser of k (study.toml, --k, choose_k)."""

from __future__ import annotations

import pytest

from carbonpath.core.errors import InputError
from carbonpath.core.limits import MAX_K_GRID_POINTS
from carbonpath.stirpat.krule import KGrid, KRule


@pytest.mark.parametrize(
    ("value", "rule", "k"),
    [("trace", "trace", None), (" HKB ", "hkb", None), ("auto", "trace", None), (0, "fixed", 0.0)],
)
def test_coerce(value, rule, k):
    r = KRule.coerce(value)
    assert r.rule == rule and r.value == k


def test_setting_round_trip():
    assert KRule.coerce(0.25).setting() == 0.25
    assert KRule.coerce("gcv").setting() == "gcv"
    assert str(KRule.coerce(0.25)) == "0.25" and str(KRule.coerce("lw")) == "lw"


@pytest.mark.parametrize("value", [-0.1, float("inf"), float("nan"), True, None])
def test_bad_numbers(value):
    with pytest.raises(InputError, match="k must be a number >= 0 or a rule name"):
        KRule.coerce(value)


def test_study_toml_string_is_a_rule_name_only():
    with pytest.raises(InputError, match="unknown k rule '0.1'"):
        KRule.coerce("0.1")


def test_command_line_text():
    assert KRule.from_text("0.02") == KRule("fixed", 0.02)
    assert KRule.from_text("Auto") == KRule("trace")
    with pytest.raises(InputError, match="neither a number nor a rule"):
        KRule.from_text("x")
    with pytest.raises(InputError, match="finite number >= 0"):
        KRule.from_text("-1")


def test_grid_count_and_bound():
    assert KGrid().count == 101
    assert KGrid(0.0, 0.1, 0.02).count == 6
    assert KGrid(0.0, 1.0, 1e-5).count == MAX_K_GRID_POINTS
    with pytest.raises(InputError, match="more than 100,001"):
        KGrid(0.0, 1.0, 0.99e-5)
    with pytest.raises(InputError, match="0 <= start < stop"):
        KGrid(0.5, 0.5, 0.1)
