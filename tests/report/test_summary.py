"""The printed summary states the headline numbers and the conventions they rest on."""

from carbonpath.report.summary import summary_lines


def test_summary_states_numbers_and_conventions():
    d = {
        "study": {"title": "T", "region": "R", "years": [2015, 2016]},
        "settings": {
            "seed": 7,
            "index": {"normalisation": "minmax", "method": "entropy", "epsilon": 0},
        },
        "emissions": {
            "total": [{"year": 2016, "co2_t": 50.0}, {"year": 2015, "co2_t": 100.0}],
            "settings": {"factor_set": "ipcc-2006", "overrides": ["coal"]},
        },
        "index": {"scores": [{"year": 2015, "score": 0.25}, {"year": 2016, "score": 0.75}]},
        "stirpat": {
            "ridge": {
                "k": 0.1,
                "k_rule": "hkb",
                "k_convention": {"mass_lambda": 0.8, "statsmodels_alpha": 0.0125},
                "coefficients": [{"term": "const", "b": 1.0}, {"term": "lnT", "b": -0.203}],
            }
        },
        "decomposition": {"zero_handling": "analytical limits", "delta": 1e-10},
        "quality": {
            "flags": [
                {"severity": "error", "resolved": True, "check": "jump"},
                {"severity": "warning", "check": "jump"},
                {"severity": "warning", "check": "gap_filled"},
            ],
            "corrections": [{}],
            "filled": [{}],
        },
        "skipped": {"scenarios": "no [scenarios]"},
        "warnings": ["small sample"],
    }
    lines = dict(summary_lines(d))
    assert lines["CO2 (scope 1)"] == "100 t in 2015 -> 50 t in 2016 (-50.0%)"
    assert lines["Factor set"] == "ipcc-2006 + 1 override(s)"
    assert lines["Low-carbon index"].startswith("0.2500 in 2015 -> 0.7500 in 2016")
    assert "lnT -0.203" in lines["Ridge elasticities (B)"]
    assert "MASS lambda 0.8" in lines["Ridge k"] and "not Beta" in lines["Ridge k"]
    assert lines["Index conventions"] == "minmax normalisation, entropy weights, 0 ln 0 = 0"
    assert lines["LMDI zero rule"].startswith("analytical limits")
    assert lines["Data quality"].startswith("1 error(s) (1 resolved by corrections), 1 warning(s)")
    assert lines["Skipped: scenarios"] == "no [scenarios]"
    assert lines["Warning"] == "small sample"


def test_user_text_in_the_summary_is_display_safe():
    d = {
        "study": {"title": "T\x1b[31m\u202eevil", "region": "R", "years": [2015, 2016]},
        "settings": {"seed": 1},
        "warnings": ["w\u200bx"],
    }
    lines = summary_lines(d)
    assert lines[0] == ("Study", "T [31mevil (R, 2015-2016)")
    assert ("Warning", "wx") in lines
