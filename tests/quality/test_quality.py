"""Quality assurance: checks, corrections, gap filling, on the paper's Table 3 and hand cases.

Reference values are computed by hand in each test (written out), never taken from
the code's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpath.core.errors import StudyError
from carbonpath.quality import checks, totals
from carbonpath.quality.assure import assure
from carbonpath.quality.gapfill import fill_gaps
from carbonpath.quality.settings import parse_quality as validate_config

# Table 3 of the reference paper: manufacturing internal R&D expenditure, 10^4 yuan
TABLE3 = {
    2014: 2035064,
    2015: None,
    2016: 23650340,
    2017: 2471278.9,
    2018: 2613921.6,
    2019: 2660339.4,
    2020: 2758939.15,
    2021: 285753.8,
    2022: None,
}
YEARS = list(range(2015, 2023))
COLS = ["year", "sector", "fuel", "value", "unit", "dimension", "source_unit", "file", "line"]


def _row(
    year, sector, variable, value, unit="yuan", dim="currency", src="10^4 yuan", factor=1e4, line=2
):
    return {
        "year": year,
        "sector": sector,
        "variable": variable,
        "value": math.nan if value is None else value * factor,
        "unit": unit,
        "dimension": dim,
        "source_unit": src,
        "file": "economy.csv",
        "line": line,
    }


def _economy(extra: list[dict] | None = None) -> pd.DataFrame:
    rows = [
        _row(y, "C", "rd_expenditure", v, line=i + 2) for i, (y, v) in enumerate(TABLE3.items())
    ]
    return pd.DataFrame(rows + (extra or []))


def _energy_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLS}).astype(
        {"year": int, "value": float, "line": int}
    )


SECTORS = pd.DataFrame(
    [
        {"code": "26", "name": "Chemicals", "group": "other", "name_zh": "", "role": "member"},
        {"code": "27", "name": "Pharma", "group": "pharma", "name_zh": "", "role": "member"},
        {"code": "C", "name": "Manufacturing", "group": "", "name_zh": "", "role": "reference"},
    ]
)

CORRECTIONS = pd.DataFrame(
    [
        {
            "year": 2016,
            "sector": "C",
            "variable": "rd_expenditure",
            "value": 2365034.0,
            "reason": "Table 3 prints 23,650,340: ten times its neighbours (decimal slip)",
            "unit": "",
            "file": "corrections.csv",
            "line": 2,
        },
        {
            "year": 2021,
            "sector": "C",
            "variable": "rd_expenditure",
            "value": 2857538.0,
            "reason": "Table 3 prints 285,753.8: a tenth of its neighbours",
            "unit": "",
            "file": "corrections.csv",
            "line": 3,
        },
    ]
)


def _flags(res, check, variable="rd_expenditure"):
    return [f for f in res.flags if f["check"] == check and f["variable"] == variable]


def test_table3_jumps_flagged_as_errors() -> None:
    res = assure(_energy_empty(), _economy(), SECTORS, YEARS, 1, validate_config(None), None)
    jumps = _flags(res, "jump")
    assert sorted(f["year"] for f in jumps) == [2016, 2021]
    assert all(f["severity"] == "error" and not f["resolved"] for f in jumps)
    # 2016: neighbours 2014, 2017, 2018, 2019 -> median of logs = mean of the middle two
    mid = (math.log10(2471278.9) + math.log10(2613921.6)) / 2
    r = math.log10(23650340) - mid
    assert "2014, 2017, 2018, 2019" in jumps[0]["message"]
    assert f"{10**r:.3g} times" in jumps[0]["message"]
    assert jumps[0]["line"] == 4 and jumps[0]["file"] == "economy.csv"
    assert {f["year"] for f in res.blocking} >= {2016, 2021}


def test_table3_corrections_resolve_and_2015_interpolated() -> None:
    cfg = validate_config({"extrapolate": "linear"})
    res = assure(_energy_empty(), _economy(), SECTORS, YEARS, 1, cfg, CORRECTIONS)
    assert all(f["resolved"] for f in _flags(res, "jump"))
    assert not [f for f in res.blocking if f["variable"] == "rd_expenditure"]
    # applied corrections: old/new in canonical yuan
    c = {x["year"]: x for x in res.corrections}
    assert c[2016]["old"] == pytest.approx(23650340e4) and c[2016]["new"] == pytest.approx(
        2365034e4
    )
    assert c[2021]["new"] == pytest.approx(2857538e4)
    e = res.economy.set_index("year")
    assert e.loc[2016, "corrected"] and e.loc[2021, "corrected"] and not e.loc[2017, "corrected"]
    # 2015 interpolated between 2014 and the corrected 2016: (2035064 + 2365034) / 2
    assert e.loc[2015, "value"] == pytest.approx(2200049e4, rel=1e-12)
    assert e.loc[2015, "filled"]
    filled = {f["year"]: f for f in res.filled}
    assert filled[2015]["method"] == "linear interpolation between 2014 and 2016"
    flag15 = [f for f in _flags(res, "gap_filled") if f["year"] == 2015]
    assert flag15 and flag15[0]["severity"] == "info"
    # 2022 extrapolated from 2020 and 2021: 2857538 + (2857538 - 2758939.15)
    assert e.loc[2022, "value"] == pytest.approx((2 * 2857538 - 2758939.15) * 1e4, rel=1e-12)
    assert [f["severity"] for f in _flags(res, "gap_filled") if f["year"] == 2022] == ["warning"]


def test_edge_year_is_error_by_default_and_hold_option() -> None:
    res = assure(_energy_empty(), _economy(), SECTORS, YEARS, 1, validate_config(None), CORRECTIONS)
    cov = _flags(res, "coverage")
    assert [(f["year"], f["severity"]) for f in cov] == [(2022, "error")]
    assert "extrapolate" in cov[0]["message"]
    assert cov[0] in res.blocking
    held = assure(
        _energy_empty(),
        _economy(),
        SECTORS,
        YEARS,
        1,
        validate_config({"extrapolate": "hold"}),
        CORRECTIONS,
    )
    e = held.economy.set_index("year")
    assert e.loc[2022, "value"] == pytest.approx(2857538e4)
    assert not _flags(held, "coverage")


def test_non_integer_institutions() -> None:
    extra = [
        _row(
            y,
            "C",
            "rd_institutions",
            v,
            unit="count",
            dim="count",
            src="units",
            factor=1,
            line=20 + i,
        )
        for i, (y, v) in enumerate({2020: 382, 2021: 381.74}.items())
    ]
    flags = checks.check_series(pd.DataFrame(extra), "variable")
    ni = [f for f in flags if f["check"] == "non_integer"]
    assert [(f["year"], f["value"]) for f in ni] == [(2021, 381.74)]
    # 12.34 x 10^4 persons = 123400 persons is whole despite float rounding
    emp = pd.DataFrame(
        [_row(2020, "26", "employment", 12.34, "person", "headcount", "10^4 person")]
    )
    assert not [f for f in checks.check_series(emp, "variable") if f["check"] == "non_integer"]


def test_negative_share_zero_between_identical_unit() -> None:
    rows = [
        _row(2015, "26", "output_value", 5, factor=1),
        _row(2016, "26", "output_value", 0, factor=1),
        _row(2017, "26", "output_value", 6, factor=1),
        _row(2018, "26", "output_value", -1, factor=1),
        _row(2015, "27", "output_value", 5, factor=1),
        _row(2016, "27", "output_value", 0, factor=1),
        _row(2017, "27", "output_value", 6, factor=1),
        _row(2018, "27", "output_value", -1, factor=1),
        _row(2015, "26", "export_share", 1.2, "1", "ratio", "%", 1),
        _row(2015, "26", "employment", 100, "yuan", "currency", "yuan", 1),
    ]
    df = pd.DataFrame(rows)
    flags = checks.run_checks(df, "variable")
    kinds = {(f["check"], f["sector"], f["year"], f["severity"]) for f in flags}
    assert ("negative", "26", 2018, "error") in kinds
    assert ("zero_between", "26", 2016, "warning") in kinds
    assert ("share", "26", 2015, "error") in kinds
    assert ("unit", "26", 2015, "error") in kinds  # employment in yuan
    assert ("identical", "27", None, "warning") in kinds


def test_mixed_units_in_one_series() -> None:
    rows = [
        {**_row(2015, "26", "raw_coal", 10, "t", "mass", "t", 1)},
        {**_row(2016, "26", "raw_coal", 10, "GJ", "energy", "GJ", 1)},
    ]
    df = pd.DataFrame(rows).rename(columns={"variable": "fuel"})
    assert any(f["check"] == "unit" for f in checks.check_series(df, "fuel"))


def test_components_vs_energy_total() -> None:
    # fuels: 100 t coal at 0.7143 tce/t + 1000 GJ; energy_total 10 tce = 293.076 GJ
    energy = pd.DataFrame(
        [
            {**_row(2015, "26", "raw_coal", 100, "t", "mass", "t", 1)},
            {**_row(2015, "26", "electricity", 1000, "GJ", "energy", "GJ", 1)},
        ]
    ).rename(columns={"variable": "fuel"})
    econ = pd.DataFrame([_row(2015, "26", "energy_total", 10, "GJ", "energy", "tce", 29.3076)])
    flags = totals.check_components(energy, econ, {"raw_coal": 0.7143})
    gj = 100 * 0.7143 * 29.3076 + 1000
    assert [f["severity"] for f in flags] == ["warning"]
    assert f"{gj / 293.076:.3g} times" in flags[0]["message"]
    # without a tce factor the comparison is skipped, and that is said
    skipped = totals.check_components(energy, econ, None)
    assert [f["severity"] for f in skipped] == ["info"] and "raw_coal" in skipped[0]["message"]


def test_members_exceed_reference() -> None:
    rows = [
        _row(2015, "26", "output_value", 60, factor=1),
        _row(2015, "27", "output_value", 50, factor=1),
        _row(2015, "C", "output_value", 100, factor=1),
        _row(2016, "26", "output_value", 40, factor=1),
        _row(2016, "C", "output_value", 100, factor=1),
    ]
    flags = totals.check_members_vs_reference(pd.DataFrame(rows), "variable", SECTORS, 0.05)
    assert [(f["year"], f["sector"]) for f in flags] == [(2015, "C")]


def test_missing_variable_for_a_member() -> None:
    econ = pd.DataFrame([_row(2015, "26", "output_value", 1, factor=1)])
    flags = totals.check_missing_variables(econ, SECTORS)
    assert flags and "27" in flags[0]["message"]


def test_volatile_series_not_flagged_by_mad_rule() -> None:
    # a series swinging by a factor 5-6 every year: |r| >= 0.7 everywhere, so no value
    # stands out from the series' own spread (MAD rule) -> no jump flag
    vals = [1, 6, 1, 5.5, 1, 6, 1.1, 5]
    rows = [_row(2010 + i, "26", "output_value", v, factor=1) for i, v in enumerate(vals)]
    flags = checks.check_series(pd.DataFrame(rows), "variable")
    assert not [f for f in flags if f["check"] == "jump"]


def test_neighbourhoods_definition() -> None:
    # n = 7, w = 2: ends are topped up from the other side to 4 neighbours
    nb = checks.neighbourhoods(7, 2)
    assert nb[0] == [1, 2, 3, 4]
    assert nb[3] == [1, 2, 4, 5]
    assert nb[6] == [2, 3, 4, 5]
    assert checks.neighbourhoods(2, 2) == [[1], [0]]


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(min_value=1e-3, max_value=1e9),
    growth=st.floats(min_value=-0.2, max_value=0.2),
    n=st.integers(min_value=4, max_value=12),
    at=st.integers(min_value=0, max_value=11),
    slip=st.sampled_from([10.0, 0.1]),
)
def test_property_single_decimal_slip_is_the_only_error(base, growth, n, at, slip) -> None:
    """A smooth series (growth within +-20%/yr) with one value x10 or /10: exactly that
    value is flagged, nothing else, and it is an error (the rule detrends the series by
    its robust log slope, so a steep trend neither hides a slip at the ends nor flags
    the ends themselves)."""
    at = at % n
    vals = [base * (1 + growth) ** i for i in range(n)]
    vals[at] *= slip
    rows = [_row(2000 + i, "26", "output_value", v, factor=1) for i, v in enumerate(vals)]
    jumps = [f for f in checks.check_series(pd.DataFrame(rows), "variable") if f["check"] == "jump"]
    assert [f["year"] for f in jumps] == [2000 + at]
    assert jumps[0]["severity"] == "error"


@pytest.mark.parametrize("at", [0, 3, 7])
@pytest.mark.parametrize("slip", [10.0, 0.1])
def test_slip_in_a_series_growing_19_percent_a_year(at, slip) -> None:
    """Issue 13: a 10x slip in a series growing 19 %/yr must be flagged, wherever it is;
    the ends of the unslipped series are not flagged."""
    vals = [100 * 1.19**i for i in range(8)]
    rows = [_row(2010 + i, "26", "output_value", v, factor=1) for i, v in enumerate(vals)]
    assert not [
        f for f in checks.check_series(pd.DataFrame(rows), "variable") if f["check"] == "jump"
    ]
    vals[at] *= slip
    rows = [_row(2010 + i, "26", "output_value", v, factor=1) for i, v in enumerate(vals)]
    jumps = [f for f in checks.check_series(pd.DataFrame(rows), "variable") if f["check"] == "jump"]
    assert [(f["year"], f["severity"]) for f in jumps] == [(2010 + at, "error")]


def test_log_trend_is_the_repeated_median_slope() -> None:
    # hand calculation: log10 values 1, 0, 0, 0 at t = 0..3 (a slip at the start of a
    # flat series); per-point medians of slopes: -0.5, 0, 0, 0 -> median 0
    assert checks.log_trend(np.array([10.0, 1, 1, 1]), np.arange(4)) == 0.0
    # an exact trend of 0.1 decades per year is recovered
    assert checks.log_trend(10 ** (0.1 * np.arange(6)), np.arange(6)) == pytest.approx(0.1)


def test_gapfill_hand_values() -> None:
    df = pd.DataFrame(
        [
            _row(2015, "26", "output_value", 10, factor=1),
            _row(2018, "26", "output_value", 40, factor=1),
        ]
    )
    out, filled, flags, unfilled = fill_gaps(df, "variable", [2015, 2016, 2017, 2018, 2019], "none")
    got = out.set_index("year")["value"]
    assert got[2016] == pytest.approx(20.0) and got[2017] == pytest.approx(30.0)
    assert (2019, "26", "output_value") in unfilled
    assert len(filled) == len(flags) == 2
    assert out.loc[out["year"] == 2017, "line"].item() == 0  # a row that was not in the file


def test_linear_extrapolation_refuses_negative() -> None:
    df = pd.DataFrame(
        [
            _row(2015, "26", "output_value", 10, factor=1),
            _row(2016, "26", "output_value", 2, factor=1),
        ]
    )
    _, filled, _, unfilled = fill_gaps(df, "variable", [2015, 2016, 2017], "linear")
    assert not filled and "negative" in unfilled[(2017, "26", "output_value")]


def test_correction_unit_and_errors() -> None:
    econ = _economy()
    corr = CORRECTIONS.iloc[[0]].copy()
    corr["value"] = 236.5034
    corr["unit"] = "亿元"  # 10^8 yuan
    res = assure(_energy_empty(), econ, SECTORS, YEARS, 1, validate_config(None), corr)
    assert res.corrections[0]["new"] == pytest.approx(236.5034e8)
    bad = corr.copy()
    bad["unit"] = "t"
    with pytest.raises(StudyError, match="corrections.csv, row 2, column 'unit'"):
        assure(_energy_empty(), econ, SECTORS, YEARS, 1, validate_config(None), bad)
    unknown = corr.copy()
    unknown["variable"] = "output_value"
    with pytest.raises(StudyError, match="no output_value data for sector C"):
        assure(_energy_empty(), econ, SECTORS, YEARS, 1, validate_config(None), unknown)
    twice = pd.concat([corr, corr], ignore_index=True)
    with pytest.raises(StudyError, match="again"):
        assure(_energy_empty(), econ, SECTORS, YEARS, 1, validate_config(None), twice)


def test_correction_supplies_missing_year() -> None:
    corr = CORRECTIONS.copy()
    extra = corr.iloc[[0]].copy()
    extra["year"] = 2022
    extra["value"] = 2900000.0
    res = assure(
        _energy_empty(),
        _economy(),
        SECTORS,
        YEARS,
        1,
        validate_config(None),
        pd.concat([corr, extra]),
    )
    e = res.economy.set_index("year")
    assert e.loc[2022, "value"] == pytest.approx(2.9e10) and e.loc[2022, "corrected"]
    assert not res.blocking


def test_validate_config() -> None:
    cfg = validate_config(None)
    assert cfg.extrapolate == "none" and cfg.jump_threshold == 0.7
    # results.json's settings.quality is the table 0.1.0 wrote, plus min_share
    assert cfg.model_dump(mode="json") == {
        "min_share": 0.01,
        "extrapolate": "none",
        "jump_threshold": 0.7,
        "jump_error_threshold": 0.9,
        "jump_window": 2,
        "jump_mad_k": 3.0,
        "jump_min_points": 5,
        "total_tolerance": 0.05,
        "skip": [],
    }
    for raw, key in (
        ({"extrapolat": "linear"}, "quality.extrapolat"),
        ({"extrapolate": "cubic"}, "quality.extrapolate"),
        ({"jump_threshold": "big"}, "quality.jump_threshold"),
        ({"jump_threshold": 1.0, "jump_error_threshold": 0.8}, "quality.jump_error_threshold"),
        ({"skip": ["jumps"]}, "quality.skip"),
        ({"total_tolerance": 1.5}, "quality.total_tolerance"),
        ({"jump_window": 10**6}, "quality.jump_window"),
        ({"jump_min_points": True}, "quality.jump_min_points"),
        ({"min_share": 1.5}, "quality.min_share"),
        ({"skip": ["realocation"]}, "quality.skip"),
    ):
        with pytest.raises(StudyError) as e:
            validate_config(raw)
        assert f"key '{key}'" in str(e.value)


def test_empty_frames_pass_through() -> None:
    res = assure(_energy_empty(), _economy()[:0], SECTORS, YEARS, 0, None, None)
    assert res.flags == [] and res.energy.empty and res.economy.empty
    assert {"filled", "corrected"} <= set(res.economy.columns)


def test_flags_are_json_ready() -> None:
    import json

    res = assure(_energy_empty(), _economy(), SECTORS, YEARS, 1, validate_config(None), None)
    text = json.dumps(res.flags, allow_nan=False)
    assert "NaN" not in text
    assert all(
        set(f)
        >= {
            "severity",
            "check",
            "file",
            "line",
            "year",
            "sector",
            "variable",
            "value",
            "message",
            "resolved",
        }
        for f in res.flags
    )
    assert np.all([f["severity"] in ("error", "warning", "info") for f in res.flags])


def test_cross_sector_flag_resolved_by_correction() -> None:
    # members 26 + 27 = 110 > reference C = 10; C corrected to 200 >= 110
    econ = pd.DataFrame(
        [
            _row(2015, "26", "output_value", 60, factor=1),
            _row(2015, "27", "output_value", 50, factor=1),
            _row(2015, "C", "output_value", 10, factor=1, line=4),
        ]
    )
    corr = CORRECTIONS.iloc[[0]].assign(
        year=2015, variable="output_value", value=200.0, unit="yuan"
    )
    res = assure(_energy_empty(), econ, SECTORS, [2015], 0, validate_config(None), corr)
    mvr = [f for f in res.flags if f["check"] == "members_vs_reference"]
    assert len(mvr) == 1 and mvr[0]["resolved"]


def test_builtin_study_table3() -> None:
    """The built-in Beijing study: 2016 and 2021 flagged and corrected, 2015 interpolated."""
    pytest.importorskip("carbonpath.accounting.step")
    from carbonpath.study import load_study

    st = load_study()
    jumps = [f for f in st.flags if f["check"] == "jump" and f["variable"] == "rd_expenditure"]
    assert sorted((f["year"], f["severity"], f["resolved"]) for f in jumps) == [
        (2016, "error", True),
        (2021, "error", True),
    ]
    assert {c["year"] for c in st.corrections if c["variable"] == "rd_expenditure"} == {2016, 2021}
    filled = [f for f in st.filled if f["variable"] == "rd_expenditure" and f["year"] == 2015]
    assert filled and filled[0]["method"].startswith("linear interpolation")
    assert any(f["check"] == "non_integer" and f["value"] == 381.74 for f in st.flags)


def test_partial_component_coverage_is_one_note_per_sector() -> None:
    # fuels cover 50% of energy_total in 2015 and 40% in 2016: one info flag, with the range
    energy = pd.DataFrame(
        [
            {**_row(2015, "26", "electricity", 500, "GJ", "energy", "GJ", 1)},
            {**_row(2016, "26", "electricity", 400, "GJ", "energy", "GJ", 1)},
        ]
    ).rename(columns={"variable": "fuel"})
    econ = pd.DataFrame(
        [
            _row(2015, "26", "energy_total", 1000, "GJ", "energy", "GJ", 1),
            _row(2016, "26", "energy_total", 1000, "GJ", "energy", "GJ", 1),
        ]
    )
    flags = totals.check_components(energy, econ, {})
    assert len(flags) == 1 and flags[0]["severity"] == "info"
    assert "40-50%" in flags[0]["message"] and "2 years 2015-2016" in flags[0]["message"]
