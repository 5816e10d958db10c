"""``[stirpat] unit``: validated, its default per study kind, and words for symbols."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.stirpat.settings import parse_stirpat
from carbonpath.stirpat.step import run
from carbonpath.stirpat.words import glossary, term_words


def test_unit_is_validated_in_one_line():
    with pytest.raises(StudyError) as err:
        parse_stirpat({"unit": "province"})
    assert "stirpat.unit" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("raw", "panel_study", "unit"),
    [
        ({}, False, "aggregate"),
        ({}, True, "region"),
        ({"unit": "aggregate"}, True, "aggregate"),
        ({"unit": "sector"}, False, "sector"),
    ],
)
def test_effective_unit(raw, panel_study, unit):
    assert parse_stirpat(raw).effective_unit(panel_study) == unit


def test_unit_region_without_regions_is_a_study_error():
    study = SimpleNamespace(years=list(range(2000, 2012)), members=["A"], seed=1)
    with pytest.raises(StudyError) as err:
        run(study, parse_stirpat({"unit": "region"}), resolver=lambda v, s: pd.Series())
    assert "stirpat.unit" in str(err.value) and "regions.csv" in str(err.value)


def test_effects_and_cov_errors_are_one_line():
    for raw, key in (({"effects": ["region"]}, "stirpat.effects"), ({"cov": "hac"}, "stirpat.cov")):
        with pytest.raises(StudyError) as err:
            parse_stirpat(raw)
        assert key in str(err.value) and "\n" not in str(err.value)


def test_symbols_in_words():
    assert term_words([("employment", "modern")]) == "ln employment of the modern sectors"
    assert (
        term_words([("co2", "*:modern")]) == "ln CO2 of the modern sectors, summed over all regions"
    )
    assert (
        term_words([("output_value", "modern"), ("energy", "modern")], per_region=True)
        == "ln(output value of the modern sectors of each region / energy use of the modern "
        "sectors of each region)"
    )
    s = parse_stirpat({"labels": {"lnP": "ln jobs"}})
    assert glossary(s, ["lnC", "lnP"]) == ("lnC = ln CO2 of the modern sectors", "lnP = ln jobs")
