"""Study-level STIRPAT: wiring, errors, JSON and tables, against independent fits."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from carbonpath.core.errors import InputError, StudyError
from carbonpath.stirpat.settings import parse_stirpat
from carbonpath.stirpat.step import GJ_PER_TCE, run_arrays


def run_stirpat(raw: dict, resolve, years, members, seed):
    """The step on a raw [stirpat] table (parsed as study loading parses it)."""
    return run_arrays(parse_stirpat(raw), resolve, years, members, seed)


YEARS = list(range(2015, 2023))
MEMBERS = ["26", "27", "34", "35", "36", "37", "38", "39", "40"]
VARS = ["co2", "employment", "output_value", "energy", "rd_expenditure"]


def _make_data(seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    t = np.arange(len(YEARS))
    data = {}
    for i, code in enumerate(MEMBERS):
        emp = 2e4 * (1 + i / 3) * np.exp(0.01 * t + rng.normal(0, 0.03, t.size))
        out = 5e9 * (1 + i / 2) * np.exp(0.08 * t + rng.normal(0, 0.05, t.size))
        energy = 3e6 * (1 + i / 4) * np.exp(-0.05 * t + rng.normal(0, 0.06, t.size))
        rd = 2e8 * (1 + i / 5) * np.exp(0.1 * t + rng.normal(0, 0.08, t.size))
        co2 = 0.07 * energy * np.exp(rng.normal(0, 0.04, t.size))
        data[code] = dict(
            co2=co2, employment=emp, output_value=out, energy=energy, rd_expenditure=rd
        )
    return data


@pytest.fixture(scope="module")
def data():
    return _make_data()


def make_resolver(data: dict):
    def resolve(variable: str, scope: str) -> pd.Series:
        if variable not in VARS:
            raise InputError(f"unknown variable '{variable}'")
        if scope == "modern":
            vals = sum(data[c][variable] for c in MEMBERS)
        elif scope in data:
            vals = data[scope][variable]
        else:
            raise InputError(f"unknown scope '{scope}'")
        return pd.Series(vals, index=YEARS, dtype=float)

    return resolve


def _modern_design(data):
    m = {v: sum(data[c][v] for c in MEMBERS) for v in VARS}
    y = np.log(m["co2"])
    X = np.column_stack(
        [
            np.log(m["employment"]),
            np.log(m["output_value"]),
            np.log(m["output_value"] / (m["energy"] / 29.3076)),
            np.log(m["rd_expenditure"]),
        ]
    )
    return y, X


@pytest.fixture(scope="module")
def result(data):
    return run_stirpat({"bootstrap": 200}, make_resolver(data), YEARS, MEMBERS, seed=11)


def test_default_design_and_ols_against_statsmodels(data, result):
    y, X = _modern_design(data)
    d = result.to_dict()
    assert [r["name"] for r in d["specification"]["regressors"]] == ["lnP", "lnA", "lnT", "lnRE"]
    np.testing.assert_allclose([r["lnT"] for r in d["data"]], X[:, 2], rtol=1e-12)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    b = [c["b"] for c in d["ols"]["coefficients"]]
    np.testing.assert_allclose(b, ref.params, rtol=1e-8)
    assert d["ols"]["r2"] == pytest.approx(ref.rsquared, rel=1e-10)


def test_ridge_by_hand_at_reported_k(data, result):
    y, X = _modern_design(data)
    d = result.to_dict()["ridge"]
    k = d["k"]
    assert d["k_rule"] == "trace"
    assert k == d["k_candidates"]["trace"]
    C = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    beta = np.linalg.solve(C[:4, :4] + k * np.eye(4), C[:4, 4])
    B = beta * y.std(ddof=1) / X.std(axis=0, ddof=1)
    coefs = {c["term"]: c for c in d["coefficients"]}
    np.testing.assert_allclose([coefs[t]["beta"] for t in ["lnP", "lnA", "lnT", "lnRE"]], beta)
    np.testing.assert_allclose([coefs[t]["b"] for t in ["lnP", "lnA", "lnT", "lnRE"]], B)
    assert coefs["const"]["b"] == pytest.approx(y.mean() - B @ X.mean(axis=0))
    for c in d["coefficients"]:
        assert c["ci_lo"] <= c["ci_hi"]
    assert d["k_convention"]["mass_lambda"] == pytest.approx(8 * k)
    assert len(d["trace"]) == 101 and set(d["trace"][0]) == {"k", "r2", "lnP", "lnA", "lnT", "lnRE"}
    assert d["fit"]["levels"]["actual"] == pytest.approx(list(np.exp(y)))


def test_energy_in_tce_leaves_slope_unchanged(data):
    resolve = make_resolver(data)
    cfg = {"bootstrap": 0, "panel": False, "k": 0.1}
    a = run_stirpat(cfg, resolve, YEARS, MEMBERS, seed=1).to_dict()

    # same model with T in yuan per GJ: rescale the energy series so no tce conversion applies
    def resolve_gj(variable, scope):  # "energy_gj" is not an energy name: stays in GJ
        return resolve("energy" if variable == "energy_gj" else variable, scope)

    cfg_gj = {
        **cfg,
        "regressors": {
            "lnP": "employment[modern]",
            "lnA": "output_value[modern]",
            "lnT": "output_value[modern] / energy_gj[modern]",
            "lnRE": "rd_expenditure[modern]",
        },
    }
    b = run_stirpat(cfg_gj, resolve_gj, YEARS, MEMBERS, seed=1).to_dict()
    ca = {c["term"]: c["b"] for c in a["ridge"]["coefficients"]}
    cb = {c["term"]: c["b"] for c in b["ridge"]["coefficients"]}
    assert ca["lnT"] == pytest.approx(cb["lnT"], rel=1e-10)
    # ln(T per tce) = ln(T per GJ) + ln 29.3076, so the constant shifts by -B_T ln 29.3076
    assert ca["const"] == pytest.approx(cb["const"] - cb["lnT"] * np.log(GJ_PER_TCE), rel=1e-10)


def test_json_ready_and_required_keys(result):
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert text
    for key in ("unit_roots", "cointegration", "ols", "ridge", "panel", "warnings"):
        assert key in d
    for key in (
        "k",
        "k_rule",
        "k_candidates",
        "k_convention",
        "coefficients",
        "r2",
        "adj_r2",
        "f",
        "f_p",
        "trace",
        "fit",
    ):
        assert key in d["ridge"]
    assert set(d["ridge"]["k_candidates"]) == {"trace", "hkb", "lw", "gcv"}
    assert d["cointegration"]["status"] == "too few observations"
    assert "stat" not in d["cointegration"]
    fit = d["ridge"]["fit"]
    for key in ("predicted", "actual", "paired_t", "paired_p", "mape", "rmse", "loo"):
        assert key in fit
    warnings = " ".join(d["warnings"])
    assert "little power" in warnings
    assert "ignore the bias" in warnings
    assert "unstandardized coefficients B" in warnings
    assert len(d["unit_roots"]) == 5 * 3


def test_tables(result):
    tabs = result.tables()
    assert {
        "stirpat_unit_roots",
        "stirpat_ols",
        "stirpat_ridge",
        "stirpat_ridge_trace",
        "stirpat_fit",
        "stirpat_panel",
        "stirpat_data",
    } <= set(tabs)
    assert all(isinstance(v, pd.DataFrame) for v in tabs.values())
    assert len(tabs["stirpat_ridge"]) == 5


def test_seeded_bootstrap(data):
    resolve = make_resolver(data)
    cfg = {"bootstrap": 100, "panel": False}
    a = run_stirpat(cfg, resolve, YEARS, MEMBERS, seed=5).to_dict()
    b = run_stirpat(cfg, resolve, YEARS, MEMBERS, seed=5).to_dict()
    c = run_stirpat(cfg, resolve, YEARS, MEMBERS, seed=6).to_dict()
    assert a == b
    assert a["ridge"]["coefficients"] != c["ridge"]["coefficients"]


def test_panel_against_linearmodels(data, result):
    lmp = pytest.importorskip("linearmodels.panel")
    rows = []
    for code in MEMBERS:
        v = data[code]
        for i, yr in enumerate(YEARS):
            rows.append(
                {
                    "entity": code,
                    "year": yr,
                    "y": np.log(v["co2"][i]),
                    "lnP": np.log(v["employment"][i]),
                    "lnA": np.log(v["output_value"][i]),
                    "lnT": np.log(v["output_value"][i] / (v["energy"][i] / 29.3076)),
                    "lnRE": np.log(v["rd_expenditure"][i]),
                }
            )
    frame = pd.DataFrame(rows).set_index(["entity", "year"])
    ref = lmp.PanelOLS(frame["y"], frame[["lnP", "lnA", "lnT", "lnRE"]], entity_effects=True).fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=True,
        group_debias=True,
        count_effects=False,
    )
    p = result.to_dict()["panel"]
    assert p["status"] == "ok" and p["entities"] == 9 and p["nobs"] == 72
    np.testing.assert_allclose([c["b"] for c in p["coefficients"]], ref.params, rtol=1e-8)
    np.testing.assert_allclose([c["se"] for c in p["coefficients"]], ref.std_errors, rtol=1e-8)


def test_panel_skipped_when_sector_data_missing(data):
    base = make_resolver(data)

    def resolve(variable, scope):
        if scope == "39" and variable == "rd_expenditure":
            raise InputError("rd_expenditure has no data for sector 39")
        return base(variable, scope)

    d = run_stirpat({"bootstrap": 0}, resolve, YEARS, MEMBERS, seed=1).to_dict()
    assert d["panel"]["status"] == "skipped"
    assert "sector 39" in d["panel"]["reason"]


def test_non_positive_value_names_year_and_variable(data):
    bad = {c: dict(v) for c, v in data.items()}
    for c in MEMBERS:
        bad[c]["rd_expenditure"] = v = bad[c]["rd_expenditure"].copy()
        v[2] = 0.0
    with pytest.raises(StudyError, match=r"rd_expenditure\[modern\] is 0 in 2017") as err:
        run_stirpat({}, make_resolver(bad), YEARS, MEMBERS, seed=1)
    assert err.value.key == "stirpat.regressors.lnRE"


def test_missing_year_is_reported(data):
    with pytest.raises(StudyError, match="no value for 2023"):
        run_stirpat({"bootstrap": 0}, make_resolver(data), YEARS + [2023], MEMBERS, seed=1)


def test_custom_regressors_and_fixed_k(data):
    cfg = {
        "regressors": {
            "lnA": "output_value[modern]",
            "lnEI": "energy[modern] / output_value[modern]",
        },
        "k": 0.2,
        "bootstrap": 0,
        "panel": False,
    }
    d = run_stirpat(cfg, make_resolver(data), YEARS, MEMBERS, seed=1).to_dict()
    assert d["ridge"]["k"] == 0.2 and d["ridge"]["k_rule"] == "fixed"
    assert [c["term"] for c in d["ridge"]["coefficients"]] == ["const", "lnA", "lnEI"]
    assert d["panel"] == {"status": "off"}


def test_typed_results_use_the_statsmodels_vocabulary(data, result):
    y, X = _modern_design(data)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    names = ["lnP", "lnA", "lnT", "lnRE"]
    assert list(result.ols.params.index) == ["const", *names]
    np.testing.assert_allclose(result.ols.bse, ref.bse, rtol=1e-8)
    assert result.ols.nobs == 8 and result.ols.rsquared == pytest.approx(ref.rsquared)
    ridge = result.ridge
    assert list(ridge.params.index) == ["const", *names]
    assert ridge.k == ridge.k_candidates["trace"] and ridge.nobs == 8
    assert list(ridge.beta.index) == names and list(ridge.vif.index) == names
    ci = ridge.bootstrap_conf_int()
    assert list(ci.columns) == ["lower", "upper"] and (ci["lower"] <= ci["upper"]).all()
    assert list(result.panel.params.index) == names
    assert result.bootstrap_draws.shape == (ridge.bootstrap.valid, 4)


def test_elasticity_sensitivity_refits_every_rule_by_hand(data, result):
    y, X = _modern_design(data)
    C = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    table = result.ridge.k_sensitivity.set_index("term")
    for rule, k in result.ridge.k_candidates.items():
        beta = np.linalg.solve(C[:4, :4] + k * np.eye(4), C[:4, 4])
        B = beta * y.std(ddof=1) / X.std(axis=0, ddof=1)
        np.testing.assert_allclose(table[f"b_{rule}"], B, rtol=1e-9)
    b = table[["b_trace", "b_hkb", "b_lw", "b_gcv"]].to_numpy()
    np.testing.assert_array_equal(table["sign_change"], (b > 0).any(axis=1) & (b < 0).any(axis=1))
    flagged = list(table.index[table["sign_change"]])
    notes = result.ridge.k_sensitivity_notes
    assert len(notes) == len(flagged)
    assert all(
        f"The sign of {t}'s elasticity depends on the k rule" in n
        for t, n in zip(flagged, notes, strict=True)
    )
    assert "stirpat_k_sensitivity" in result.tables()


def test_labels_travel_with_the_symbols(data):
    raw = {"bootstrap": 0, "panel": False, "labels": {"lnP": "ln employment of the modern sectors"}}
    res = run_stirpat(raw, make_resolver(data), YEARS, MEMBERS, seed=1)
    spec = res.to_dict()["specification"]
    assert spec["regressors"][0] == {
        "name": "lnP",
        "term": "employment[modern]",
        "label": "ln employment of the modern sectors",
    }
    assert spec["response"]["label"] == "ln co2[modern]"
    assert res.labels["lnT"] == "ln(output_value[modern] / energy[modern])"
    text = str(res.ridge.summary())
    assert "lnP  = ln employment of the modern sectors" in text
    assert "k:" in text and "(trace)" in text and "Ridge (SPSS RIDGEREG)" in text


def _kaya_resolver():
    """Study data where C = P x (A/P) x (E/A) x (C/E) exactly, for every sector."""
    rng = np.random.default_rng(11)
    t = np.arange(len(YEARS))
    data = {}
    for i, code in enumerate(MEMBERS):
        emp = 2e4 * (1 + i) * np.exp(0.01 * t + rng.normal(0, 0.03, t.size))
        out = 5e9 * (1 + i) * np.exp(0.08 * t + rng.normal(0, 0.05, t.size))
        energy = 3e6 * (1 + i) * np.exp(-0.05 * t + rng.normal(0, 0.06, t.size))
        co2 = 0.07 * energy * np.exp(rng.normal(0, 0.04, t.size))
        data[code] = dict(co2=co2, employment=emp, output_value=out, energy=energy)

    def resolve(variable, scope):
        if scope == "modern":
            return pd.Series(sum(data[c][variable] for c in MEMBERS), index=YEARS)
        return pd.Series(data[scope][variable], index=YEARS)

    return resolve


def test_identity_is_said_next_to_the_coefficients():
    raw = {
        "bootstrap": 0,
        "k": 0.05,
        "regressors": {
            "lnP": "employment[modern]",
            "lnAP": "output_value[modern] / employment[modern]",
            "lnEA": "energy[modern] / output_value[modern]",
            "lnCE": "co2[modern] / energy[modern]",
        },
    }
    res = run_stirpat(raw, _kaya_resolver(), YEARS, MEMBERS, seed=1)
    assert res.identity.holds and res.identity.max_deviation < 1e-9
    assert res.panel.identity.holds
    np.testing.assert_allclose(res.panel.params, 1.0, rtol=1e-8)
    ident = [w for w in res.warnings if "accounting identity" in w]
    assert len(ident) == 2 and ident[1].startswith("Panel model: ")
    assert "by construction" in str(res.ridge.summary())
    assert res.to_dict()["identity"]["holds"] is True


def test_panel_settings_reach_the_estimator(data):
    lmp = pytest.importorskip("linearmodels.panel")
    raw = {
        "bootstrap": 0,
        "effects": ["entity", "time"],
        "cov": "driscoll-kraay",
        "bandwidth": 1,
    }
    p = run_stirpat(raw, make_resolver(data), YEARS, MEMBERS, seed=1).panel
    assert p.model == "fixed effects (within), entity and time effects"
    rows = []
    for code in MEMBERS:
        v = data[code]
        for i, yr in enumerate(YEARS):
            rows.append(
                {
                    "entity": code,
                    "year": yr,
                    "y": np.log(v["co2"][i]),
                    "lnP": np.log(v["employment"][i]),
                    "lnA": np.log(v["output_value"][i]),
                    "lnT": np.log(v["output_value"][i] / (v["energy"][i] / 29.3076)),
                    "lnRE": np.log(v["rd_expenditure"][i]),
                }
            )
    frame = pd.DataFrame(rows).set_index(["entity", "year"])
    ref = lmp.PanelOLS(
        frame["y"], frame[["lnP", "lnA", "lnT", "lnRE"]], entity_effects=True, time_effects=True
    ).fit(cov_type="kernel", bandwidth=1, debiased=True)
    np.testing.assert_allclose(p.params, ref.params, rtol=1e-8)
    np.testing.assert_allclose(p.bse, ref.std_errors, rtol=1e-8)
    assert p.to_dict()["bandwidth"] == 1 and p.to_dict()["cov_type"] == "driscoll-kraay"


def test_collinear_regressors_name_the_key(data):
    raw = {
        "regressors": {
            "lnA": "output_value[modern]",
            "lnT": "output_value[modern] / energy[modern]",
            "lnE": "energy[modern]",
        }
    }
    with pytest.raises(StudyError) as err:
        run_stirpat(raw, make_resolver(data), YEARS, MEMBERS, seed=1)
    assert err.value.key == "stirpat.regressors"
    assert err.value.fix == "drop a redundant regressor from [stirpat.regressors]"


def test_bandwidth_beyond_the_years_names_the_key(data):
    raw = {"bootstrap": 0, "cov": "driscoll-kraay", "bandwidth": 8}
    with pytest.raises(StudyError) as err:
        run_stirpat(raw, make_resolver(data), YEARS, MEMBERS, seed=1)
    assert err.value.key == "stirpat.bandwidth" and "not below the number of years (8)" in str(
        err.value
    )
