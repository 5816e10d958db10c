"""A small, hand-made but realistic Results for the report-layer tests.

Nine industries in five groups, 2015-2022, shaped like the Beijing study (emissions
falling, electronics growing, a pharmaceutical spike in 2021).  The numbers are made
up here, deterministically; the report tests never run the analyses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.results import Results

YEARS = list(range(2015, 2023))
GROUPS = [
    ("electronics", "Electronics"),
    ("electromechanical", "Electromechanical"),
    ("transport", "Transportation equipment"),
    ("pharmaceuticals", "Pharmaceuticals"),
    ("other", "Other (chemicals)"),
]
# code, name, group, name_zh, 2015 output (1e8 yuan), growth, 2015 co2 (t), co2 trend
SECTORS = [
    (
        "26",
        "Chemical raw materials",
        "other",
        "化学原料和化学制品制造业",
        180.0,
        -0.02,
        160000.0,
        -0.08,
    ),
    ("27", "Pharmaceuticals", "pharmaceuticals", "医药制造业", 900.0, 0.08, 90000.0, -0.10),
    (
        "34",
        "General equipment",
        "electromechanical",
        "通用设备制造业",
        700.0,
        0.01,
        124000.0,
        -0.17,
    ),
    ("35", "Special equipment", "electromechanical", "专用设备制造业", 800.0, 0.03, 60000.0, -0.12),
    ("36", "Automobiles", "transport", "汽车制造业", 4100.0, -0.02, 350300.0, -0.17),
    (
        "37",
        "Rail, ships, aerospace",
        "transport",
        "铁路、船舶、航空航天制造业",
        300.0,
        0.02,
        84900.0,
        -0.21,
    ),
    (
        "38",
        "Electrical machinery",
        "electromechanical",
        "电气机械和器材制造业",
        1100.0,
        0.04,
        40000.0,
        -0.10,
    ),
    (
        "39",
        "Electronics",
        "electronics",
        "计算机、通信和其他电子设备制造业",
        2900.0,
        0.09,
        70000.0,
        -0.15,
    ),
    ("40", "Instruments", "electromechanical", "仪器仪表制造业", 400.0, 0.05, 16100.0, -0.09),
]
FUELS = [
    ("coal", 0.05),
    ("natural_gas", 0.70),
    ("diesel", 0.08),
    ("gasoline", 0.07),
    ("fuel_oil", 0.10),
]
INDICATORS = [
    ("share_output", "Share of modern manufacturing", "scale", 0.0836),
    ("share_revenue", "Share of revenue", "scale", 0.0840),
    ("output_growth", "Output growth", "scale", 0.0844),
    ("labour_productivity", "Labour productivity", "efficiency", 0.1430),
    ("employment_structure", "Employment structure", "efficiency", 0.1837),
    ("electricity_per_output", "Electricity per output", "carbon", 0.0934),
    ("output_per_energy", "Output per energy", "carbon", 0.1404),
    ("co2_per_employee", "CO2 per employee", "carbon", 0.0657),
    ("co2_intensity", "CO2 intensity", "carbon", 0.1219),
]
TERMS = ["lnP", "lnA", "lnT", "lnRE"]


class Section:
    """A stand-in for an analysis results object: ``to_dict()`` and ``tables()``."""

    def __init__(self, data: Any, tables: dict[str, pd.DataFrame] | None = None):
        self._data = data
        self._tables = tables or {}
        self.warnings = data.get("warnings", []) if isinstance(data, dict) else []

    def to_dict(self) -> Any:
        return self._data

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self._tables)


def _emissions(sector_names: dict[str, str]) -> Section:
    rng = np.random.default_rng(1)
    by_sector, by_fuel, intensity = [], [], []
    totals = {}
    for code, _name, _g, _zh, out0, growth, co2_0, trend in SECTORS:
        for i, year in enumerate(YEARS):
            out = out0 * (1 + growth) ** i * 1e8
            if code == "27" and year == 2021:
                out *= 3.0
            co2 = co2_0 * (1 + trend) ** i * (1 + 0.05 * rng.standard_normal())
            if code == "26" and year == 2019:
                co2 *= 1.7
            by_sector.append({"year": year, "sector": code, "co2_t": co2})
            totals[year] = totals.get(year, 0.0) + co2
            for fuel, share in FUELS:
                by_fuel.append({"year": year, "sector": code, "fuel": fuel, "co2_t": co2 * share})
            energy = co2 / 2.1
            intensity.append(
                {
                    "year": year,
                    "scope": code,
                    "scope_type": "sector",
                    "co2_t": co2,
                    "output_value_yuan": out,
                    "intensity_t_per_1e8_yuan": co2 / (out / 1e8),
                    "energy_tce": energy,
                    "efficiency_yuan_per_tce": out / energy,
                    "employment": 20000.0,
                    "co2_per_employee_t": co2 / 20000.0,
                    "electricity_kwh": out / 1e4 * 150,
                    "electricity_kwh_per_1e4_yuan": 150.0,
                    "share_of_reference": None,
                    "rank_intensity": None,
                    "rank_efficiency": None,
                }
            )
    total = []
    for year in YEARS:
        ref = totals[year] / (0.2 - 0.015 * (year - 2015))
        total.append(
            {"year": year, "co2_t": totals[year], "share_of_reference": totals[year] / ref}
        )
    by_group = []
    group_of = {s[0]: s[2] for s in SECTORS}
    for year in YEARS:
        for gid, _label in GROUPS:
            v = sum(
                r["co2_t"] for r in by_sector if r["year"] == year and group_of[r["sector"]] == gid
            )
            by_group.append({"year": year, "group": gid, "co2_t": v})
    approach2 = []
    for r in total:
        half = 0.08 * r["co2_t"]
        approach2.append(
            {
                "year": r["year"],
                "scope": "modern",
                "quantity": "co2_t",
                "mean": r["co2_t"],
                "lo": r["co2_t"] - half,
                "hi": r["co2_t"] + half * 1.1,
            }
        )
        inten = (
            r["co2_t"]
            / sum(x["output_value_yuan"] for x in intensity if x["year"] == r["year"])
            * 1e8
        )
        approach2.append(
            {
                "year": r["year"],
                "scope": "modern",
                "quantity": "intensity_t_per_1e8_yuan",
                "mean": inten,
                "lo": inten * 0.9,
                "hi": inten * 1.11,
            }
        )
    factors = [
        {"fuel": f, "unit": "t", "co2_per_unit": v, "source": "Table 5"}
        for f, v in [("coal", 1.9027), ("natural_gas", 2.1622), ("diesel", 3.0959)]
    ]
    d = {
        "by_sector": by_sector,
        "by_fuel": by_fuel,
        "by_group": by_group,
        "total": total,
        "intensity": intensity,
        "uncertainty": {
            "approach1": [{"year": y, "u_percent": 8.0} for y in YEARS],
            "approach2": approach2,
            "settings": {"draws": 10000, "seed": 20240601},
        },
        "settings": {"factor_set": "cn-provincial-2011", "overrides": [], "factors": factors},
        "warnings": ["scope 2 not computed: no grid factor given"],
    }
    tables = {
        "emissions_by_sector": pd.DataFrame(by_sector),
        "emissions_total": pd.DataFrame(total),
        "emissions_intensity": pd.DataFrame(intensity),
    }
    return Section(d, tables)


def _index() -> Section:
    scores = [0.2757, 0.33, 0.41, 0.52, 0.60, 0.71, 0.8356, 0.74]
    weights = [
        {
            "indicator": n,
            "label": lab,
            "subsystem": sub,
            "weight": w,
            "entropy": 1 - w * 0.3,
            "divergence": w * 0.3,
            "rank": 0,
        }
        for n, lab, sub, w in INDICATORS
    ]
    order = sorted(range(len(weights)), key=lambda i: -weights[i]["weight"])
    for r, i in enumerate(order, start=1):
        weights[i]["rank"] = r
    subsystems = []
    for i, y in enumerate(YEARS):
        for j, sub in enumerate(("scale", "efficiency", "carbon")):
            subsystems.append({"year": y, "subsystem": sub, "score": scores[i] * (0.25 + 0.05 * j)})
    alt = [
        {
            "indicator": n,
            "entropy": w,
            "critic": 1 / 9 + (w - 1 / 9) * 0.5,
            "cv": 1 / 9 + (w - 1 / 9) * 0.8,
            "equal": 1 / 9,
        }
        for n, _lab, _s, w in INDICATORS
    ]
    ranks = np.argsort(np.argsort(-np.array(scores))) + 1
    per_year = [
        {
            "year": y,
            "baseline_score": s,
            "baseline_rank": float(ranks[i]),
            "score_median": s,
            "score_p5": s * 0.92,
            "score_p95": s * 1.06,
            "rank_median": float(ranks[i]),
            "rank_p5": float(max(1, ranks[i] - 1)),
            "rank_p95": float(min(8, ranks[i] + 1)),
            "mean_abs_rank_shift": 0.4,
        }
        for i, (y, s) in enumerate(zip(YEARS, scores, strict=True))
    ]
    d = {
        "weights": weights,
        "scores": [{"year": y, "score": s} for y, s in zip(YEARS, scores, strict=True)],
        "subsystems": subsystems,
        "coupling": [],
        "topsis": [],
        "obstacles": [],
        "alternative_weights": alt,
        "sensitivity": {
            "per_year": per_year,
            "mean_abs_rank_shift": 0.4,
            "weight_intervals": [],
            "settings": {"draws": 1000, "seed": 20240601},
        },
        "settings": {"method": "entropy", "normalisation": "minmax", "epsilon": 0.0},
        "warnings": ["8 years: entropy weights rest on few observations"],
    }
    return Section(
        d, {"index_weights": pd.DataFrame(weights), "index_scores": pd.DataFrame(d["scores"])}
    )


def _stirpat() -> Section:
    ks = [round(0.05 * i, 2) for i in range(21)]
    trace = []
    for k in ks:
        row: dict[str, Any] = {"k": k, "r2": 0.96 - 0.25 * k / (k + 0.3)}
        for j, t in enumerate(TERMS):
            start = [-0.48, 0.99, -1.11, -0.50][j]
            end = [-0.01, 0.12, -0.60, -0.35][j]
            row[t] = end + (start - end) * math.exp(-k / 0.08)
        trace.append(row)
    coefs = [
        {
            "term": "const",
            "b": 9.471,
            "se": 2.85,
            "beta": None,
            "t": 3.323,
            "p": 0.045,
            "vif": None,
            "ci_lo": 0.4,
            "ci_hi": 18.5,
        },
        {
            "term": "lnP",
            "b": -0.012,
            "se": 0.103,
            "beta": -0.015,
            "t": -0.117,
            "p": 0.914,
            "vif": 1.9,
            "ci_lo": -0.34,
            "ci_hi": 0.31,
        },
        {
            "term": "lnA",
            "b": 0.197,
            "se": 0.291,
            "beta": 0.125,
            "t": 0.677,
            "p": 0.547,
            "vif": 2.4,
            "ci_lo": -0.73,
            "ci_hi": 1.12,
        },
        {
            "term": "lnT",
            "b": -0.203,
            "se": 0.053,
            "beta": -0.648,
            "t": -3.797,
            "p": 0.032,
            "vif": 1.2,
            "ci_lo": -0.37,
            "ci_hi": -0.03,
        },
        {
            "term": "lnRE",
            "b": -0.299,
            "se": 0.136,
            "beta": -0.372,
            "t": -2.206,
            "p": 0.115,
            "vif": 1.5,
            "ci_lo": -0.73,
            "ci_hi": 0.13,
        },
    ]
    actual = [13.81, 13.52, 13.20, 12.95, 13.05, 12.61, 12.70, 12.66]
    fitted = [13.75, 13.58, 13.15, 13.01, 12.93, 12.70, 12.66, 12.71]
    ols = {
        "n": 8,
        "coefficients": [
            {
                "term": "const",
                "b": 516.15,
                "se": 256.641,
                "beta": None,
                "t": 2.011,
                "p": 0.115,
                "vif": None,
            },
            {
                "term": "lnP",
                "b": -64.135,
                "se": 32.971,
                "beta": -0.479,
                "t": -1.945,
                "p": 0.124,
                "vif": 3.423,
            },
            {
                "term": "lnA",
                "b": 1.153,
                "se": 1.161,
                "beta": 0.988,
                "t": 0.994,
                "p": 0.377,
                "vif": 55.849,
            },
            {
                "term": "lnT",
                "b": -0.894,
                "se": 0.445,
                "beta": -1.113,
                "t": -2.012,
                "p": 0.115,
                "vif": 12.0,
            },
            {
                "term": "lnRE",
                "b": -0.5,
                "se": 0.3,
                "beta": -0.6,
                "t": -1.667,
                "p": 0.19,
                "vif": 8.0,
            },
        ],
        "r2": 0.929,
        "adj_r2": 0.834,
        "f": 9.8,
        "f_p": 0.045,
        "max_vif": 55.849,
        "durbin_watson": 2.1,
    }
    unit_roots = [
        {
            "variable": v,
            "level": "level",
            "adf": s,
            "p": p,
            "lags": 0,
            "crit_5": -3.48,
            "verdict": verdict,
            "n": 8,
        }
        for v, s, p, verdict in [
            ("lnC", -1.2, 0.67, "unit root not rejected"),
            ("lnP", -3.478, 0.013, "stationary at 5%"),
            ("lnA", -0.4, 0.981, "unit root not rejected"),
        ]
    ]
    d = {
        "unit_roots": unit_roots,
        "cointegration": {"adf": -2.9, "p": 0.21, "verdict": "no cointegration at 5%"},
        "ols": ols,
        "ridge": {
            "k": 0.1,
            "k_rule": "trace",
            "k_candidates": {"trace": 0.1, "hkb": 0.03, "lw": 0.2, "gcv": 0.05},
            "k_convention": "SPSS RIDGEREG (correlation form); MASS lambda = n k",
            "coefficients": coefs,
            "r2": 0.939,
            "adj_r2": 0.857,
            "f": 11.499,
            "f_p": 0.037,
            "trace": trace,
            "fit": {"year": YEARS, "actual": actual, "fitted": fitted},
        },
        "warnings": ["n = 8: unit-root tests have little power"],
    }
    return Section(
        d,
        {
            "stirpat_ridge_coefficients": pd.DataFrame(coefs),
            "stirpat_ridge_trace": pd.DataFrame(trace),
        },
    )


def _decomposition() -> Section:
    effects = [
        {
            "period_start": 2015,
            "period_end": 2022,
            "sector": "total",
            "effect": e,
            "additive": v,
            "multiplicative": m,
        }
        for e, v, m in [
            ("activity", 180000.0, 1.25),
            ("structure", -90000.0, 0.88),
            ("intensity", -620000.0, 0.42),
            ("mix", -35000.0, 0.95),
        ]
    ]
    totals = [
        {
            "period_start": 2015,
            "period_end": 2022,
            "sector": "total",
            "co2_start": 995300.0,
            "co2_end": 430300.0,
            "change": -565000.0,
            "ratio": 0.4323,
        }
    ]
    d = {
        "mode": "energy",
        "effects": effects,
        "totals": totals,
        "delta": 1e-10,
        "zero_rule": "delta 1e-10 (Ang & Liu 2007)",
    }
    return Section(d, {"decomposition_effects": pd.DataFrame(effects)})


def _targets() -> Section:
    rows = [
        {
            "name": "absolute 2030",
            "type": "absolute",
            "unit": "t",
            "base_year": 2020,
            "target_year": 2030,
            "reduction": 0.3,
            "base_value": 299100.0,
            "target_value": 209370.0,
            "last_year": 2022,
            "last_value": 310000.0,
            "progress": 0.036,
            "share_achieved": -0.12,
            "required_rate": -0.048,
            "trend_rate": -0.02,
            "trend_meets_requirement": False,
            "status": "off track",
        },
        {
            "name": "intensity 2025",
            "type": "intensity",
            "unit": "t per 1e8 yuan",
            "base_year": 2020,
            "target_year": 2025,
            "reduction": 0.18,
            "base_value": 25.0,
            "target_value": 20.5,
            "last_year": 2022,
            "last_value": 22.0,
            "progress": -0.12,
            "share_achieved": 0.67,
            "required_rate": -0.023,
            "trend_rate": -0.05,
            "trend_meets_requirement": True,
            "status": "on track",
        },
    ]
    return Section(rows, {"targets": pd.DataFrame(rows)})


def _scenarios() -> Section:
    records = []
    for name, rate in (("baseline", -0.01), ("low_carbon", -0.06), ("high_growth", 0.02)):
        for i, year in enumerate(range(2022, 2031)):
            c = 430300.0 * (1 + rate) ** i
            spread = 0.02 * i * c
            records.append(
                {"year": year, "scenario": name, "co2_t": c, "lo": c - spread, "hi": c + spread}
            )
    d = {
        "records": records,
        "assumptions": [
            {
                "scenario": "baseline",
                "label": "Baseline",
                "driver": "lnA",
                "rate": 0.05,
                "source": "trend",
            }
        ],
        "peaks": [{"scenario": "high_growth", "peak_year": None, "peak_co2_t": None}],
    }
    return Section(d, {"scenarios_paths": pd.DataFrame(records)})


def _economy(names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for code, _n, _g, _zh, out0, growth, _c, _t in SECTORS:
        for i, year in enumerate(YEARS):
            out = out0 * (1 + growth) ** i * 1e8
            if code == "27" and year == 2021:
                out *= 3.0
            va = out * 0.25
            if code == "36" and year == 2021:
                va = -0.2 * va
            rows.append(
                {
                    "year": year,
                    "sector": code,
                    "variable": "output_value",
                    "value": out,
                    "unit": "yuan",
                    "filled": False,
                    "corrected": False,
                }
            )
            rows.append(
                {
                    "year": year,
                    "sector": code,
                    "variable": "value_added",
                    "value": va,
                    "unit": "yuan",
                    "filled": False,
                    "corrected": False,
                }
            )
            rows.append(
                {
                    "year": year,
                    "sector": code,
                    "variable": "energy_total",
                    "value": out / 4e4 * 29.3076,
                    "unit": "GJ",
                    "filled": False,
                    "corrected": False,
                }
            )
    for i, year in enumerate(YEARS):
        rows.append(
            {
                "year": year,
                "sector": "R",
                "variable": "gdp",
                "value": 23000e8 * 1.06**i,
                "unit": "yuan",
                "filled": False,
                "corrected": False,
            }
        )
    return rows


def make_results(hostile: bool = False, cjk: bool = False, minimal: bool = False) -> Results:
    """The fixture Results.

    ``hostile``: one sector name and the title carry HTML/formula payloads.
    ``cjk``: sectors carry their Chinese names as ``name``.
    ``minimal``: no analysis sections and no data (every figure must be skipped).
    """
    sectors = []
    for code, name, group, zh, *_ in SECTORS:
        if cjk:
            name = zh
        if hostile and code == "39":
            name = "<script>alert(1)</script>"
        if hostile and code == "40":
            name = '=HYPERLINK("http://example.invalid")'
        sectors.append(
            {"code": code, "name": name, "group": group, "name_zh": zh, "role": "member"}
        )
    sectors.append(
        {
            "code": "C",
            "name": "All manufacturing",
            "group": "",
            "name_zh": "制造业",
            "role": "reference",
        }
    )
    sectors.append(
        {"code": "R", "name": "Beijing", "group": "", "name_zh": "北京", "role": "region"}
    )
    names = {s["code"]: s["name"] for s in sectors}
    title = "Beijing modern manufacturing 2015-2022"
    if hostile:
        title = "Study <b>bold</b> & <script>alert('t')</script>"
    study = {
        "title": title,
        "region": "Beijing",
        "description": "Test study for the report layer.",
        "years": [2015, 2022],
        "mode": "energy",
        "groups": [{"id": g, "label": lab} for g, lab in GROUPS],
        "sectors": sectors,
        "inputs": [
            {"file": "energy.csv", "sha256": "a" * 64, "encoding": "utf-8", "rows": 630},
            {"file": "economy.csv", "sha256": "b" * 64, "encoding": "gb18030", "rows": 310},
        ],
    }
    settings = {
        "seed": 20240601,
        "accounting": {"factor_set": "cn-provincial-2011"},
        "stirpat": {"k": "trace"},
        "report": {"dpi": 100},
    }
    quality = {
        "flags": [
            {
                "severity": "warning",
                "check": "jump",
                "file": "economy.csv",
                "line": 17,
                "year": 2016,
                "sector": "C",
                "variable": "rd_expenditure",
                "value": 23650340.0,
                "message": "ten times its neighbours",
                "resolved": True,
            },
            {
                "severity": "info",
                "check": "filled",
                "file": "economy.csv",
                "line": None,
                "year": 2022,
                "sector": "C",
                "variable": "rd_expenditure",
                "value": None,
                "message": "extrapolated linearly",
                "resolved": True,
            },
        ],
        "corrections": [
            {
                "file": "economy.csv",
                "year": 2016,
                "sector": "C",
                "variable": "rd_expenditure",
                "old": 23650340.0,
                "new": 2365034.0,
                "reason": "-decimal shift <b>x10</b>",
            },
        ],
        "filled": [
            {
                "year": 2022,
                "sector": "C",
                "variable": "rd_expenditure",
                "value": 3000000.0,
                "method": "linear",
            }
        ],
    }
    if minimal:
        return Results(
            study=study, settings=settings, quality=quality, skipped={"emissions": "no energy data"}
        )
    sections = {
        "emissions": _emissions(names),
        "index": _index(),
        "stirpat": _stirpat(),
        "decomposition": _decomposition(),
        "targets": _targets(),
        "scenarios": _scenarios(),
    }
    return Results(
        study=study,
        settings=settings,
        quality=quality,
        sections=sections,
        data={"economy": _economy(names), "sectors": sectors},
        skipped={},
        warnings=["n = 8: unit-root tests have little power"],
    )
