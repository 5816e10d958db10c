"""A study's factors.csv applied to a factor set: overrides, added fuels, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.accounting.factors import FactorOverride, load_factor_set
from carbonpath.accounting.overrides import apply_overrides
from carbonpath.core.errors import StudyError


def _override(rows):
    df = pd.DataFrame(rows)
    return df


def test_override_existing_fuel_records_it():
    base = load_factor_set("cn-provincial-2011")
    ov = _override([{"fuel": "coal", "ncv": "25000", "file": "factors.csv", "line": 2}])
    fs = apply_overrides(base, ov)
    assert fs.get("coal").co2_per_unit == pytest.approx(25.0 * 0.02637 * 0.94 * 44 / 12)
    assert fs.get("coal").carbon_content == 26.37  # untouched columns kept
    assert fs.get("coal").origin == "override"
    assert fs.overrides == (FactorOverride("coal", "override", ("ncv",), "factors.csv", 2),)
    # the shipped set itself is unchanged
    assert load_factor_set("cn-provincial-2011").get("coal").ncv == 20934.0


def test_override_adds_a_fuel_with_derived_tce_factor():
    base = load_factor_set("cn-provincial-2011")
    ov = _override(
        [
            {
                "fuel": "coke_oven_gas",
                "ncv": "17981",
                "ncv_unit": "kJ/m3",
                "physical_unit": "m3",
                "carbon_content": "13.58",
                "oxidation": "0.99",
            }
        ]
    )
    fs = apply_overrides(base, ov)
    f = fs.get("coke_oven_gas")
    assert f.origin == "added"
    assert f.co2_per_unit == pytest.approx(0.017981 * 0.01358 * 0.99 * 44 / 12)
    # 17,981 kJ/m3 / 29,307.6 kJ/kgce = 0.6135 kgce/m3
    assert f.tce_factor == pytest.approx(17981 / 29307.6)
    assert fs.overrides[0].action == "add"


@pytest.mark.parametrize("drop", ["ncv", "carbon_content", "oxidation", "physical_unit"])
def test_new_fuel_needs_required_columns(drop):
    rec = {
        "fuel": "biogas",
        "ncv": "20000",
        "physical_unit": "m3",
        "carbon_content": "15",
        "oxidation": "1",
        "file": "factors.csv",
        "line": 4,
    }
    rec[drop] = ""
    with pytest.raises(StudyError) as exc:
        apply_overrides(load_factor_set("cn-provincial-2011"), _override([rec]))
    err = exc.value
    assert (err.file, err.row, err.column) == ("factors.csv", 4, drop)
    assert "biogas" in err.message


def test_override_bad_values_are_located():
    base = load_factor_set("cn-provincial-2011")
    with pytest.raises(StudyError) as exc:
        apply_overrides(base, _override([{"fuel": "coal", "ncv": "abc", "line": 3}]))
    assert (exc.value.row, exc.value.column) == (3, "ncv")
    with pytest.raises(StudyError, match="above 1"):
        apply_overrides(base, _override([{"fuel": "coal", "oxidation": "94"}]))
    with pytest.raises(StudyError, match="per t but physical_unit is m3"):
        apply_overrides(
            base,
            _override(
                [
                    {
                        "fuel": "x",
                        "ncv": "1",
                        "ncv_unit": "kJ/kg",
                        "physical_unit": "m3",
                        "carbon_content": "1",
                        "oxidation": "1",
                    }
                ]
            ),
        )
    with pytest.raises(StudyError, match="unknown column"):
        apply_overrides(base, _override([{"fuel": "coal", "ncvv": "1"}]))


def test_changing_ncv_or_tce_factor_drops_the_sets_note():
    base = load_factor_set("cn-provincial-2011")
    fs = apply_overrides(base, _override([{"fuel": "fuel_oil", "tce_factor": "1.42857"}]))
    assert fs.get("fuel_oil").note == ""
    fs = apply_overrides(base, _override([{"fuel": "fuel_oil", "label": "Heavy oil"}]))
    assert fs.get("fuel_oil").note == base.get("fuel_oil").note
    assert (fs.get("fuel_oil").file, fs.get("fuel_oil").row) == ("factors.csv", 2)


@pytest.mark.parametrize(
    ("cell", "column"),
    [({"tce_factor": "1e-320"}, "tce_factor"), ({"ncv": "1e-320"}, "ncv")],
)
def test_factors_that_give_no_usable_number_are_located(cell, column):
    base = load_factor_set("cn-provincial-2011")
    with pytest.raises(StudyError) as exc:
        apply_overrides(base, _override([{"fuel": "coal", **cell, "line": 3}]))
    assert (exc.value.file, exc.value.row, exc.value.column) == ("factors.csv", 3, column)
    assert "not a usable number" in exc.value.message
