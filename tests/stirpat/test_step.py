"""Study-level STIRPAT: wiring, config validation, errors, JSON, against independent fits."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from carbonpath.core.errors import InputError, StudyError
from carbonpath.stirpat.step import GJ_PER_TCE, run_stirpat, validate_config

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


def test_validate_config_defaults():
    cfg = validate_config(None)
    assert cfg["k"] == "trace" and cfg["k_grid"] == [0.0, 1.0, 0.01]
    assert cfg["bootstrap"] == 2000 and cfg["panel"] is True
    assert cfg["regressors"]["lnT"] == "output_value[modern] / energy[modern]"
    assert validate_config({"k": "auto"})["k"] == "trace"
    assert validate_config({"k": 1})["k"] == 1.0


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"kk": 1}, "stirpat.kk"),
        ({"k": "magic"}, "stirpat.k"),
        ({"k": -0.1}, "stirpat.k"),
        ({"k": True}, "stirpat.k"),
        ({"k_grid": [0, 1]}, "stirpat.k_grid"),
        ({"k_grid": [1, 0, 0.1]}, "stirpat.k_grid"),
        ({"bootstrap": 2.5}, "stirpat.bootstrap"),
        ({"bootstrap": True}, "stirpat.bootstrap"),
        ({"panel": "yes"}, "stirpat.panel"),
        ({"regressors": {"lnP": "employment"}}, "stirpat.regressors.lnP"),
        ({"regressors": {"lnP": "employment[modern] * 2"}}, "stirpat.regressors.lnP"),
        ({"regressors": {"ln P": "employment[modern]"}}, "stirpat.regressors.ln P"),
        ({"regressors": {}}, "stirpat.regressors"),
        ({"response": 3}, "stirpat.response"),
        ({"trace_tol": 0}, "stirpat.trace_tol"),
    ],
)
def test_validate_config_errors(raw, key):
    with pytest.raises(StudyError) as err:
        validate_config(raw)
    assert err.value.key == key and err.value.file == "study.toml"
    assert "study.toml" in str(err.value) and "\n" not in str(err.value)
