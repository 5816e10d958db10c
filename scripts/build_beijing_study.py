"""Build the data of carbonpath's built-in study "Beijing modern manufacturing 2015-2022".

The reference paper (Cui & Liu, "Research on Low-Carbon Development Pathways for Modern
Manufacturing in the Capital of China") does not publish its yearbook tables, so this
study is an ILLUSTRATIVE RECONSTRUCTION: every number the paper reports
(``shared/reference/reported_figures.csv``) is an anchor, every other number follows
from a stated, smooth assumption below.  It is not official statistics.

Run from the repository root::

    python scripts/build_beijing_study.py            # writes the CSVs, prints the check
    python scripts/build_beijing_study.py --check    # only the calibration check

The script is deterministic (no randomness): running it twice gives byte-identical
files.  After writing, it reads the CSVs back and recomputes, independently of the
carbonpath package, CO2 (Table 5 factors rebuilt as NCV x carbon content x oxidation x
44/12), intensities, energy efficiency, output ranks and value-added shares, and
compares them with ``reported_figures.csv``.

Conventions of the construction (see PROVENANCE.md beside the data for the full list):

* ``knots``: a series is given at a few years (anchors or assumptions); the years in
  between are filled geometrically (constant growth rate), the way a smooth trend
  between two yearbook values is usually drawn.
* CO2 is designed first (anchors), then turned into fuel quantities with a fixed
  sector fuel mix and the Table 5 factors, so recomputed CO2 reproduces the design.
* Total energy follows from an energy-efficiency path (output value per tce, the
  paper's section 2.2 figures); electricity (calorific equivalent 0.1229 kgce/kWh) and
  a documented "other energy" remainder (purchased heat/steam, by-product gases) fill
  the difference between total energy and the seven fuels.
* All manufacturing (``C``) = the nine members + an illustrative "rest of
  manufacturing" (refining, food, metals, printing ...), except its R&D expenditure,
  which is the paper's Table 3 series as published (with its two magnitude errors).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "carbonpath" / "data" / "studies" / "beijing"
REPORTED = REPO.parent / "shared" / "reference" / "reported_figures.csv"

YEARS = list(range(2015, 2023))
LEAD = 2014
MEMBERS = ["26", "27", "34", "35", "36", "37", "38", "39", "40"]
SECTORS = [*MEMBERS, "C"]
FUELS = ["coal", "gasoline", "kerosene", "diesel", "fuel_oil", "lpg", "natural_gas"]

# ---------------------------------------------------------------------------
# sectors.csv (GB/T 4754-2017 names; groups as the paper's Table 4, code 35 only
# under electromechanical, pharmaceuticals = 27 only)

SECTOR_ROWS = [
    ("26", "Chemical raw materials and chemical products", "other", "化学原料和化学制品制造业"),
    ("27", "Pharmaceuticals", "pharmaceuticals", "医药制造业"),
    ("34", "General equipment", "electromechanical", "通用设备制造业"),
    ("35", "Special-purpose equipment", "electromechanical", "专用设备制造业"),
    ("36", "Automobiles", "transport", "汽车制造业"),
    (
        "37",
        "Railway, ship, aerospace and other transport equipment",
        "transport",
        "铁路、船舶、航空航天和其他运输设备制造业",
    ),
    ("38", "Electrical machinery and equipment", "electromechanical", "电气机械和器材制造业"),
    (
        "39",
        "Computers, communication and other electronic equipment",
        "electronics",
        "计算机、通信和其他电子设备制造业",
    ),
    ("40", "Instruments and meters", "electromechanical", "仪器仪表制造业"),
]

# ---------------------------------------------------------------------------
# Table 5 of the paper: NCV (kJ per kg or per m3), tce factor (kgce per kg or m3),
# carbon content (tC/TJ), oxidation rate.  CO2 factor = NCV x CC x OX x 44/12.

TABLE5 = {
    "coal": (20934.0, 0.7143, 26.37, 0.94),
    "gasoline": (43124.0, 1.4714, 18.9, 0.98),
    "kerosene": (43124.0, 1.4714, 19.6, 0.98),
    "diesel": (42705.0, 1.4571, 20.2, 0.98),
    "fuel_oil": (41816.0, 1.4286, 21.1, 0.98),
    "lpg": (50242.0, 1.7143, 17.2, 0.98),
    "natural_gas": (38979.0, 1.33, 15.3, 0.99),
}
ELEC_KGCE_PER_KWH = 0.1229  # calorific equivalent, GB/T 2589-2020


def co2_factor(fuel: str) -> float:
    """t CO2 per physical unit as written in energy.csv (t, or 10^4 m3 for natural gas)."""
    ncv, _, cc, ox = TABLE5[fuel]
    per_kg_or_m3 = ncv * 1e-9 * cc * ox * 44.0 / 12.0  # kJ -> TJ; t CO2 per kg or m3
    return per_kg_or_m3 * (1e4 if fuel == "natural_gas" else 1e3)


def tce_factor(fuel: str) -> float:
    """tce per physical unit as written in energy.csv."""
    return TABLE5[fuel][1] * (10.0 if fuel == "natural_gas" else 1.0)


# ---------------------------------------------------------------------------
# anchors: the reported figures this construction must reproduce (id -> value)

A = {
    "CO2_2015": 995300.0,
    "CO2_2020": 299100.0,
    "CO2_34_2015": 124000.0,
    "CO2_34_2022": 28000.0,
    "CO2_36_2015": 350300.0,
    "CO2_36_2022": 95200.0,
    "CO2_37_2015": 84900.0,
    "CO2_37_2022": 15600.0,
    "CO2_26_2019": 268900.0,
    "CI_26_2019": 995.69,
    "CI_26_LATEST": 139.43,  # read as 2022 (the text gives no year)
    "CI_27_2021": 13.28,
    "PHARMA_OUT_2020": 1313.9,
    "PHARMA_OUT_2021": 3930.3,
    "VA_2015": 740.5,
    "VA_2021": 2923.1,
    "VA_GDP_SHARE_2015": 2.98,
    "VA_GDP_SHARE_2021": 7.12,
    "VA_SHARE_ELEC_2015": 25.4,
    "VA_SHARE_ELEC_2020": 50.0,
    "VA_SHARE_PHARMA_2015": 11.4,
    "VA_SHARE_PHARMA_2019": 16.5,
    "VA_SHARE_TRANSPORT_2015": 42.8,
    # 2021 shares read as contributions to the 2020->2021 increase (PROVENANCE.md)
    "VA_SHARE_PHARMA_2021": 89.5,
    "VA_SHARE_TRANSPORT_2021": -22.4,
    "CO2_SHARE_2022": 6.6,
}

# the paper's Table 3, as published (10^4 yuan; 2015 and 2022 are not published)
RD_MANUFACTURING_TABLE3 = {
    2014: "2035064",
    2016: "23650340",
    2017: "2471278.9",
    2018: "2613921.6",
    2019: "2660339.4",
    2020: "2758939.15",
    2021: "285753.8",
}
RD_CORRECTIONS = {
    2016: (
        2365034.0,
        "Table 3 prints 23650340 which is ten times its neighbours (2014: 2035064; "
        "2017: 2471278.9): a magnitude (misplaced digit) error; corrected to 2365034.",
    ),
    2021: (
        2857538.0,
        "Table 3 prints 285753.8 which is one tenth of its neighbours (2020: 2758939.15): "
        "a magnitude (misplaced decimal point) error; corrected to 2857538.",
    ),
}
RD_INSTITUTIONS_TABLE3 = {
    2014: "392",
    2016: "396",
    2017: "391",
    2018: "382",
    2019: "383",
    2020: "382",
    2021: "381.74",
}

# Beijing GDP, 10^8 yuan.  2015 and 2021 follow from the paper (VA / VA share of GDP:
# 740.5 / 2.98% and 2923.1 / 7.12%); the other years are the Beijing Municipal Bureau
# of Statistics' GDP series (revised after the 4th economic census; 2022 first
# release), rounded - context only, no reported figure depends on them.
GDP_PUBLISHED = {
    2016: 27041.2,
    2017: 29883.0,
    2018: 33106.0,
    2019: 35445.1,
    2020: 35943.3,
    2022: 41610.9,
}


def knots(points: dict[int, float], years: list[int] | None = None) -> dict[int, float]:
    """Fill ``years`` from knot values: geometric between knots, constant outside them."""
    years = years if years is not None else [LEAD, *YEARS]
    ks = sorted(points)
    out: dict[int, float] = {}
    for y in years:
        if y <= ks[0]:
            out[y] = points[ks[0]]
        elif y >= ks[-1]:
            out[y] = points[ks[-1]]
        else:
            lo = max(k for k in ks if k <= y)
            hi = min(k for k in ks if k >= y)
            if lo == hi:
                out[y] = points[lo]
            else:
                t = (y - lo) / (hi - lo)
                out[y] = points[lo] * (points[hi] / points[lo]) ** t
    return out


def linear(points: dict[int, float], years: list[int] | None = None) -> dict[int, float]:
    """Fill ``years`` linearly between knots (for shares), constant outside them."""
    years = years if years is not None else [LEAD, *YEARS]
    ks = sorted(points)
    out: dict[int, float] = {}
    for y in years:
        if y <= ks[0]:
            out[y] = points[ks[0]]
        elif y >= ks[-1]:
            out[y] = points[ks[-1]]
        else:
            lo = max(k for k in ks if k <= y)
            hi = min(k for k in ks if k >= y)
            t = 0.0 if lo == hi else (y - lo) / (hi - lo)
            out[y] = points[lo] + t * (points[hi] - points[lo])
    return out


# ---------------------------------------------------------------------------
# 1. output value, 10^8 yuan (knots; anchors marked)

OUT_26_2019 = A["CO2_26_2019"] / A["CI_26_2019"]  # 270.064: CI_26_2019 with CO2_26_2019
OUT_36_2022 = A["CO2_36_2022"] / 31.5  # intensity 31.5 t per 10^8 yuan ("about 30")

OUTPUT_KNOTS: dict[str, dict[int, float]] = {
    # 26: lowest output of all members (4.1.2), gently falling
    "26": {2014: 310.0, 2015: 300.0, 2019: OUT_26_2019, 2020: 265.0, 2021: 272.0, 2022: 250.0},
    # 27: steady growth to the anchor 2020, pandemic leap 2021, back to normal 2022
    "27": {
        2014: 840.0,
        2015: 900.0,
        2020: A["PHARMA_OUT_2020"],
        2021: A["PHARMA_OUT_2021"],
        2022: 1500.0,
    },
    # electromechanical: "relatively stable output values"
    "34": {2014: 870.0, 2015: 850.0, 2020: 790.0, 2021: 810.0, 2022: A["CO2_34_2022"] / 35.0},
    "35": {2014: 680.0, 2015: 700.0, 2018: 730.0, 2020: 690.0, 2022: 720.0},
    # 36: downward trend; overtaken by 39 in 2021
    "36": {2014: 4380.0, 2015: 4300.0, 2019: 3950.0, 2020: 3600.0, 2021: 3300.0, 2022: OUT_36_2022},
    "37": {2014: 335.0, 2015: 350.0, 2022: A["CO2_37_2022"] / 34.7},
    "38": {2014: 880.0, 2015: 900.0, 2019: 950.0, 2020: 880.0, 2022: 870.0},
    # 39: rises every year, overtakes 36 in 2021
    "39": {2014: 2250.0, 2015: 2350.0, 2020: 3400.0, 2021: 3700.0, 2022: 3850.0},
    "40": {2014: 400.0, 2015: 420.0, 2022: 380.0},
}
# rest of manufacturing (C minus the members): refining, food, metals, printing ...
OUTPUT_REST = {2014: 7200.0, 2015: 7300.0, 2019: 8200.0, 2020: 7900.0, 2021: 8800.0, 2022: 8900.0}

# ---------------------------------------------------------------------------
# 2. CO2, t (designed; scope 1 from the seven fuels)

# CO2 paths given directly (the paper reports their end points)
CO2_KNOTS = {
    "34": {2015: A["CO2_34_2015"], 2020: 29500.0, 2021: 28800.0, 2022: A["CO2_34_2022"]},
    "36": {2015: A["CO2_36_2015"], 2020: 100000.0, 2021: 97500.0, 2022: A["CO2_36_2022"]},
    "37": {2015: A["CO2_37_2015"], 2020: 18000.0, 2021: 16400.0, 2022: A["CO2_37_2022"]},
    # 26 without its 2019 fuel-oil spike (added below); 2022 from CI_26_LATEST
    "26": {2015: 140000.0, 2018: 75000.0, 2020: 50000.0, 2021: 42000.0},
}
# CO2 intensity paths, t per 10^8 yuan (CO2 = intensity x output)
CI_KNOTS = {
    "27": {2015: 122.0, 2017: 52.0, 2020: 29.0, 2021: A["CI_27_2021"], 2022: 31.0},
    "39": {2015: 25.0, 2017: 21.0, 2018: 11.0, 2020: 4.0, 2022: 3.8},
    # 35, 38, 40: the 2015 and 2020 knots are rescaled jointly so that the modern
    # total hits CO2_2015 and CO2_2020 exactly (see solve_residual)
    "35": {2015: 85.0, 2020: 29.0, 2022: 33.0},
    "38": {2015: 70.0, 2020: 28.0, 2022: 32.0},
    "40": {2015: 78.0, 2020: 29.0, 2022: 35.0},
}
RESIDUAL = ("35", "38", "40")
# modern share of all-manufacturing CO2 (downward, 2019 bump, 6.6% in 2022)
CO2_SHARE_OF_C = {
    2015: 0.135,
    2016: 0.125,
    2017: 0.112,
    2018: 0.098,
    2019: 0.108,
    2020: 0.070,
    2021: 0.069,
    2022: A["CO2_SHARE_2022"] / 100.0,
}

# ---------------------------------------------------------------------------
# 3. fuel mix: coal's share of CO2 in 2015 (0.45 of it in 2016, none from 2017), and
#    the split of the rest

COAL_2015 = {
    "26": 0.30,
    "27": 0.35,
    "34": 0.30,
    "35": 0.30,
    "36": 0.25,
    "37": 0.30,
    "38": 0.30,
    "39": 0.20,
    "40": 0.30,
}
COAL_PHASE = {2015: 1.0, 2016: 0.45}  # zero from 2017 ("near zero by 2017")
COAL_REST = {2015: 0.35, 2022: 0.05}  # rest of manufacturing: linear phase-down

_EM_MIX = {
    "natural_gas": 0.72,
    "diesel": 0.12,
    "gasoline": 0.09,
    "lpg": 0.04,
    "fuel_oil": 0.02,
    "kerosene": 0.01,
}
MIX = {  # shares of non-coal CO2 by fuel
    # chemicals: heavy fuel oil is the main fuel (furnaces); it carries the 2019 spike
    "26": {
        "fuel_oil": 0.60,
        "natural_gas": 0.25,
        "diesel": 0.06,
        "lpg": 0.05,
        "gasoline": 0.03,
        "kerosene": 0.01,
    },
    "27": {
        "natural_gas": 0.80,
        "diesel": 0.08,
        "gasoline": 0.05,
        "lpg": 0.04,
        "fuel_oil": 0.025,
        "kerosene": 0.005,
    },
    "34": _EM_MIX,
    "35": _EM_MIX,
    "38": _EM_MIX,
    "40": _EM_MIX,
    # automobiles: gasoline for the first fill of new cars and engine test benches
    "36": {
        "natural_gas": 0.60,
        "gasoline": 0.24,
        "diesel": 0.11,
        "lpg": 0.03,
        "fuel_oil": 0.01,
        "kerosene": 0.01,
    },
    # aerospace: kerosene for engine tests
    "37": {
        "natural_gas": 0.55,
        "diesel": 0.17,
        "kerosene": 0.15,
        "gasoline": 0.07,
        "fuel_oil": 0.03,
        "lpg": 0.03,
    },
    # electronics: gas boilers, diesel back-up generators
    "39": {
        "natural_gas": 0.82,
        "diesel": 0.08,
        "gasoline": 0.06,
        "lpg": 0.03,
        "fuel_oil": 0.005,
        "kerosene": 0.005,
    },
    "rest": {
        "natural_gas": 0.58,
        "fuel_oil": 0.14,
        "diesel": 0.12,
        "gasoline": 0.06,
        "lpg": 0.06,
        "kerosene": 0.04,
    },
}

# ---------------------------------------------------------------------------
# 4. energy efficiency, yuan output value per tce of total energy (section 2.2):
#    34/35/38/40 rise steadily to 600,000-700,000 in 2021-2022 (38 > 40 > 35 > 34),
#    36 within 350,000-450,000, 26 within 20,000-50,000 and lowest; then 39 > 27 > 37.

EFF_KNOTS = {
    "38": {2015: 470e3, 2021: 680e3, 2022: 692e3},
    "40": {2015: 455e3, 2021: 657e3, 2022: 668e3},
    "35": {2015: 440e3, 2021: 630e3, 2022: 643e3},
    "34": {2015: 420e3, 2021: 607e3, 2022: 618e3},
    "36": {2015: 385e3, 2022: 447e3},
    "39": {2015: 290e3, 2022: 432e3},
    # 2021: pandemic output leap with energy use up ~55% only
    "27": {2015: 200e3, 2020: 300e3, 2021: 560e3, 2022: 360e3},
    "37": {2015: 150e3, 2022: 285e3},
    "26": {2015: 32e3, 2022: 48e3},  # before the 2019 fuel-oil spike
    "rest": {2015: 130e3, 2022: 190e3},
}
# share of (total energy - seven fuels) that is not electricity: purchased heat/steam
# and by-product gases ("other energy"); the remainder is electricity
OTHER_SHARE = {
    "26": 0.55,  # steam and by-product gases dominate chemicals
    "27": 0.20,  # steam for fermentation and sterilisation
    "rest": 0.35,
}
OTHER_SHARE_DEFAULT = 0.08

# ---------------------------------------------------------------------------
# 5. employment, persons (knots); rest of manufacturing shrinks faster

EMPLOYMENT_KNOTS = {
    "26": {2015: 24000, 2022: 17000},
    "27": {2015: 72000, 2020: 80000, 2021: 86000, 2022: 83000},
    "34": {2015: 82000, 2022: 60000},
    "35": {2015: 76000, 2022: 62000},
    "36": {2015: 98000, 2022: 66000},
    "37": {2015: 52000, 2022: 46000},
    "38": {2015: 74000, 2022: 60000},
    "39": {2015: 125000, 2022: 112000},
    "40": {2015: 48000, 2022: 40000},
}
# members' share of all-manufacturing employment (the rest of manufacturing follows):
# a dip after 2015 (plants relocated out of the capital), recovery in 2021-2022.  The
# values were chosen by a small deterministic grid search so that the paper's entropy
# index (Table 6 indicators, eqs. 2-6) resembles its Figure 16: 2015 about 0.27,
# 2021 about 0.84, lower in 2022.
EMPLOYMENT_SHARE = {
    2015: 0.590,
    2016: 0.578,
    2017: 0.571,
    2018: 0.570,
    2019: 0.568,
    2020: 0.566,
    2021: 0.574,
    2022: 0.600,
}

# operating revenue / output value (sales ratio), constant per sector
REVENUE_RATIO = {
    "26": 1.01,
    "27": 1.05,
    "34": 0.98,
    "35": 0.99,
    "36": 1.03,
    "37": 0.96,
    "38": 1.00,
    "39": 1.02,
    "40": 0.97,
    "rest": 0.99,
}

# ---------------------------------------------------------------------------
# 6. value added, 10^8 yuan, by group, then split within groups by output value

VA_MODERN = {
    2015: A["VA_2015"],
    2016: 900.0,
    2017: 1090.0,
    2018: 1320.0,
    2019: 1640.0,
    2020: 2000.0,
    2021: A["VA_2021"],
    2022: 2150.0,
}
_D21 = A["VA_2021"] - VA_MODERN[2020]  # the 2020->2021 increase
VA_GROUP = {  # 10^8 yuan; electromechanical+other (34,35,38,40,26) = remainder
    "39": {
        2015: A["VA_SHARE_ELEC_2015"] / 100 * A["VA_2015"],
        2016: 260.0,
        2017: 360.0,
        2018: 520.0,
        2019: 760.0,
        2020: A["VA_SHARE_ELEC_2020"] / 100 * VA_MODERN[2020],
        2021: 1250.0,
        2022: 1180.0,
    },
    "27": {
        2015: A["VA_SHARE_PHARMA_2015"] / 100 * A["VA_2015"],
        2016: 110.0,
        2017: 145.0,
        2018: 200.0,
        2019: A["VA_SHARE_PHARMA_2019"] / 100 * VA_MODERN[2019],
        2020: 340.0,
        2021: 340.0 + A["VA_SHARE_PHARMA_2021"] / 100 * _D21,
        2022: 420.0,
    },
    "transport": {  # 36 + 37
        2015: A["VA_SHARE_TRANSPORT_2015"] / 100 * A["VA_2015"],
        2016: 370.0,
        2017: 420.0,
        2018: 445.0,
        2019: 470.0,
        2020: 500.0,
        2021: 500.0 + A["VA_SHARE_TRANSPORT_2021"] / 100 * _D21,
        2022: 320.0,
    },
}
VA_RATIO_REST = 0.20  # value added / output of the rest of manufacturing

# R&D: members' share of all-manufacturing R&D (corrected series) and its split
RD_MEMBER_SHARE = {2014: 0.66, 2022: 0.74}
RD_SPLIT = {
    "39": 0.33,
    "27": 0.22,
    "36": 0.14,
    "38": 0.08,
    "35": 0.07,
    "34": 0.055,
    "40": 0.05,
    "37": 0.045,
    "26": 0.01,
}


# ---------------------------------------------------------------------------
# construction


def build() -> dict[str, object]:
    """Compute every series (plain dicts keyed by sector and year)."""
    out = {s: knots(k) for s, k in OUTPUT_KNOTS.items()}
    out["rest"] = knots(OUTPUT_REST)

    co2: dict[str, dict[int, float]] = {}
    for s, k in CO2_KNOTS.items():
        co2[s] = knots(k, YEARS)
    co2["26"][2022] = A["CI_26_LATEST"] * out["26"][2022]
    base_26_2019 = co2["26"][2019]
    co2["26"][2019] = A["CO2_26_2019"]
    spike_fuel_oil_co2 = A["CO2_26_2019"] - base_26_2019

    ci = {s: dict(k) for s, k in CI_KNOTS.items()}
    for year, total in ((2015, A["CO2_2015"]), (2020, A["CO2_2020"])):
        fixed = sum(co2[s][year] for s in CO2_KNOTS)
        fixed += sum(ci[s][year] * out[s][year] for s in CI_KNOTS if s not in RESIDUAL)
        provisional = sum(ci[s][year] * out[s][year] for s in RESIDUAL)
        scale = (total - fixed) / provisional
        for s in RESIDUAL:
            ci[s][year] *= scale
    for s, k in ci.items():
        path = knots(k, YEARS)
        co2[s] = {y: path[y] * out[s][y] for y in YEARS}
    modern_co2 = {y: sum(co2[s][y] for s in MEMBERS) for y in YEARS}
    co2["rest"] = {y: modern_co2[y] / CO2_SHARE_OF_C[y] - modern_co2[y] for y in YEARS}

    # fuels (physical units as written)
    fuel: dict[str, dict[int, dict[str, float]]] = {}
    for s in [*MEMBERS, "rest"]:
        fuel[s] = {}
        coal_rest = linear(COAL_REST, YEARS)
        for y in YEARS:
            if s == "rest":
                coal_share = coal_rest[y]
            else:
                coal_share = COAL_2015[s] * COAL_PHASE.get(y, 0.0)
            total = co2[s][y]
            extra_fo = 0.0
            if s == "26" and y == 2019:
                total = base_26_2019
                extra_fo = spike_fuel_oil_co2
            rec = {"coal": total * coal_share / co2_factor("coal")}
            for f, w in MIX[s].items():
                rec[f] = total * (1.0 - coal_share) * w / co2_factor(f)
            rec["fuel_oil"] += extra_fo / co2_factor("fuel_oil")
            fuel[s][y] = rec

    # total energy (tce), electricity (10^4 kWh), other energy (tce)
    energy_total: dict[str, dict[int, float]] = {}
    electricity: dict[str, dict[int, float]] = {}
    other: dict[str, dict[int, float]] = {}
    for s in [*MEMBERS, "rest"]:
        eff = knots(EFF_KNOTS[s], YEARS)
        energy_total[s], electricity[s], other[s] = {}, {}, {}
        for y in YEARS:
            fuels_tce = sum(fuel[s][y][f] * tce_factor(f) for f in FUELS)
            base = out[s][y] * 1e8 / eff[y]
            if s == "26" and y == 2019:  # the spike's fuel oil comes on top
                base += spike_fuel_oil_co2 / co2_factor("fuel_oil") * tce_factor("fuel_oil")
            non_fuel = base - fuels_tce
            if non_fuel <= 0:
                raise SystemExit(f"sector {s} {y}: seven fuels exceed total energy")
            o = OTHER_SHARE.get(s, OTHER_SHARE_DEFAULT)
            elec_tce = non_fuel * (1.0 - o)
            electricity[s][y] = elec_tce * 1e3 / ELEC_KGCE_PER_KWH / 1e4  # 10^4 kWh
            other[s][y] = non_fuel * o

    employment = {s: knots(k, YEARS) for s, k in EMPLOYMENT_KNOTS.items()}
    emp_modern = {y: sum(employment[s][y] for s in MEMBERS) for y in YEARS}
    employment["rest"] = {
        y: emp_modern[y] * (1.0 - EMPLOYMENT_SHARE[y]) / EMPLOYMENT_SHARE[y] for y in YEARS
    }

    # value added by sector
    va: dict[str, dict[int, float]] = {s: {} for s in [*MEMBERS, "rest"]}
    for y in YEARS:
        va["39"][y] = VA_GROUP["39"][y]
        va["27"][y] = VA_GROUP["27"][y]
        t_out = out["36"][y] + out["37"][y]
        for s in ("36", "37"):
            va[s][y] = VA_GROUP["transport"][y] * out[s][y] / t_out
        rest_group = VA_MODERN[y] - va["39"][y] - va["27"][y] - VA_GROUP["transport"][y]
        em = ["34", "35", "38", "40", "26"]
        em_out = sum(out[s][y] for s in em)
        for s in em:
            va[s][y] = rest_group * out[s][y] / em_out
        va["rest"][y] = VA_RATIO_REST * out["rest"][y]

    # R&D: C as published (Table 3); members share the corrected series
    rd_c = {y: float(v) for y, v in RD_MANUFACTURING_TABLE3.items()}
    for y, (v, _) in RD_CORRECTIONS.items():
        rd_c[y] = v
    rd_c[2015] = (rd_c[2014] + rd_c[2016]) / 2.0
    rd_c[2022] = rd_c[2021] + (rd_c[2021] - rd_c[2020])
    share = linear(RD_MEMBER_SHARE)
    rd = {s: {y: rd_c[y] * share[y] * RD_SPLIT[s] for y in [LEAD, *YEARS]} for s in MEMBERS}

    gdp = dict(GDP_PUBLISHED)
    gdp[2015] = A["VA_2015"] / (A["VA_GDP_SHARE_2015"] / 100)
    gdp[2021] = A["VA_2021"] / (A["VA_GDP_SHARE_2021"] / 100)

    return {
        "output": out,
        "co2": co2,
        "fuel": fuel,
        "electricity": electricity,
        "other": other,
        "employment": employment,
        "va": va,
        "rd": rd,
        "gdp": gdp,
    }


def fmt(x: float, nd: int) -> str:
    """Fixed-point text with ``nd`` decimals (no '-0.0')."""
    s = f"{x:.{nd}f}"
    return "0" if float(s) == 0 else s


def render(d: dict[str, object]) -> dict[str, str]:
    """The CSV texts (LF line ends, UTF-8), keyed by file name."""
    out = d["output"]
    fuel = d["fuel"]
    elec = d["electricity"]
    other = d["other"]
    emp = d["employment"]
    va = d["va"]
    rd = d["rd"]
    gdp = d["gdp"]

    def table(header: list[str], rows: list[list[str]]) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue()

    sectors = [[c, n, g, zh, "member"] for c, n, g, zh in SECTOR_ROWS]
    sectors.append(["C", "Manufacturing (all)", "", "制造业", "reference"])
    sectors.append(["BJ", "Beijing (whole economy)", "", "北京市", "region"])

    def c_sum(series: dict[str, dict[int, float]], y: int) -> float:
        return sum(series[s][y] for s in [*MEMBERS, "rest"])

    energy_rows: list[list[str]] = []
    written_fuel: dict[tuple[int, str, str], float] = {}
    for y in YEARS:
        for s in SECTORS:
            for f in FUELS:
                if s == "C":
                    v = sum(fuel[k][y][f] for k in [*MEMBERS, "rest"])
                else:
                    v = fuel[s][y][f]
                nd = 2 if f == "natural_gas" else 1
                txt = fmt(v, nd)
                written_fuel[(y, s, f)] = float(txt)
                energy_rows.append([str(y), s, f, txt, "10^4 m^3" if f == "natural_gas" else "t"])
            v = c_sum(elec, y) if s == "C" else elec[s][y]
            txt = fmt(v, 1)
            written_fuel[(y, s, "electricity")] = float(txt)
            energy_rows.append([str(y), s, "electricity", txt, "10^4 kWh"])

    econ: list[list[str]] = []
    for y in [LEAD, *YEARS]:
        for s in SECTORS:
            o = c_sum(out, y) if s == "C" else out[s][y]
            econ.append([str(y), s, "output_value", fmt(o * 1e4, 1), "10^4 yuan"])
            if y == LEAD:
                if s == "C":
                    econ.append(
                        [str(y), s, "rd_expenditure", RD_MANUFACTURING_TABLE3[y], "10^4 yuan"]
                    )
                else:
                    econ.append([str(y), s, "rd_expenditure", fmt(rd[s][y], 1), "10^4 yuan"])
                continue
            v = c_sum(va, y) if s == "C" else va[s][y]
            econ.append([str(y), s, "value_added", fmt(v * 1e4, 1), "10^4 yuan"])
            if s == "C":
                rev = sum(out[k][y] * REVENUE_RATIO[k] for k in [*MEMBERS, "rest"])
            else:
                rev = out[s][y] * REVENUE_RATIO[s]
            econ.append([str(y), s, "operating_revenue", fmt(rev * 1e4, 1), "10^4 yuan"])
            e = c_sum(emp, y) if s == "C" else emp[s][y]
            econ.append([str(y), s, "employment", str(round(e)), "person"])
            # total energy = written fuels and electricity in tce + other energy
            comp = sum(written_fuel[(y, s, f)] * tce_factor(f) for f in FUELS)
            comp += written_fuel[(y, s, "electricity")] * 1e4 * ELEC_KGCE_PER_KWH / 1e3
            oth = c_sum(other, y) if s == "C" else other[s][y]
            econ.append([str(y), s, "energy_total", fmt(comp + oth, 1), "tce"])
            if s == "C":
                if y in RD_MANUFACTURING_TABLE3:
                    econ.append(
                        [str(y), s, "rd_expenditure", RD_MANUFACTURING_TABLE3[y], "10^4 yuan"]
                    )
            else:
                econ.append([str(y), s, "rd_expenditure", fmt(rd[s][y], 1), "10^4 yuan"])
    for y in [LEAD, *YEARS]:
        if y in gdp:
            econ.append([str(y), "BJ", "gdp", fmt(gdp[y], 2), "10^8 yuan"])
        if y in RD_INSTITUTIONS_TABLE3:
            econ.append([str(y), "BJ", "rd_institutions", RD_INSTITUTIONS_TABLE3[y], "units"])

    corrections = [
        [str(y), "C", "rd_expenditure", fmt(v, 1), "10^4 yuan", reason]
        for y, (v, reason) in sorted(RD_CORRECTIONS.items())
    ]
    return {
        "sectors.csv": table(["code", "name", "group", "name_zh", "role"], sectors),
        "energy.csv": table(["year", "sector", "fuel", "value", "unit"], energy_rows),
        "economy.csv": table(["year", "sector", "variable", "value", "unit"], econ),
        "corrections.csv": table(
            ["year", "sector", "variable", "value", "unit", "reason"], corrections
        ),
    }


# ---------------------------------------------------------------------------
# independent check: read the CSVs back, recompute, compare with reported figures


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


UNIT_FACTOR = {  # to t, m3, kWh, yuan, person, tce
    "t": 1.0,
    "10^4 m^3": 1e4,
    "10^4 kWh": 1e4,
    "10^4 yuan": 1e4,
    "10^8 yuan": 1e8,
    "person": 1.0,
    "tce": 1.0,
    "units": 1.0,
}
# t CO2 per t or per m3, rebuilt from Table 5 (kJ/kg x tC/TJ x oxidation x 44/12)
EF = {f: ncv * cc * ox * 44 / 12 * 1e-9 * 1e3 for f, (ncv, _, cc, ox) in TABLE5.items()}
EF["natural_gas"] /= 1e3  # natural gas: per m3, not per 1000 m3


def check(folder: Path = OUT) -> bool:
    """Recompute the reported quantities from the written CSVs; print and return pass."""
    energy = _read(folder / "energy.csv")
    economy = _read(folder / "economy.csv")
    co2: dict[tuple[int, str], float] = {}
    kwh: dict[tuple[int, str], float] = {}
    for r in energy:
        key = (int(r["year"]), r["sector"])
        v = float(r["value"]) * UNIT_FACTOR[r["unit"]]
        if r["fuel"] == "electricity":
            kwh[key] = v
        else:
            co2[key] = co2.get(key, 0.0) + v * EF[r["fuel"]]
    eco: dict[tuple[int, str, str], float] = {}
    for r in economy:
        eco[(int(r["year"]), r["sector"], r["variable"])] = (
            float(r["value"]) * UNIT_FACTOR[r["unit"]]
        )

    def modern(y: int, var: str) -> float:
        return sum(eco[(y, s, var)] for s in MEMBERS)

    def out(y: int, s: str) -> float:
        return eco[(y, s, "output_value")]

    def ci(y: int, s: str) -> float:
        return co2[(y, s)] / out(y, s) * 1e8

    def eff(y: int, s: str) -> float:
        return out(y, s) / eco[(y, s, "energy_total")]

    co2_modern = {y: sum(co2[(y, s)] for s in MEMBERS) for y in YEARS}
    va_modern = {y: modern(y, "value_added") for y in YEARS}
    ok = True
    lines: list[tuple[str, str, str, bool]] = []

    def row(rid: str, reported: str, value: str, good: bool) -> None:
        nonlocal ok
        ok = ok and good
        lines.append((rid, reported, value, good))

    def near(a: float, b: float, tol: float = 0.01) -> bool:
        return abs(a - b) <= tol * abs(b)

    for r in _read(REPORTED):
        rid, kind = r["id"], r["kind"]
        if rid.startswith(("CO2_", "CI_")) and kind == "exact":
            if rid == "CO2_SHARE_2022":
                continue
            y = int(r["year"])
            s = r["scope"]
            if r["quantity"] == "co2_emissions":
                v = co2_modern[y] if s == "modern" else co2[(y, s)]
            else:
                v = ci(y, s)
            row(rid, r["value"], f"{v:.2f}", near(v, float(r["value"])))
        elif rid == "CI_26_LATEST":
            v = ci(2022, "26")
            row(rid, r["value"] + " (2022)", f"{v:.2f}", near(v, 139.43))
        elif rid == "CO2_SHARE_2022":
            v = co2_modern[2022] / co2[(2022, "C")] * 100
            row(rid, r["value"] + "%", f"{v:.3f}%", near(v, 6.6, 0.05))
        elif rid.startswith("PHARMA_OUT"):
            v = out(int(r["year"]), "27") / 1e8
            row(rid, r["value"], f"{v:.2f}", near(v, float(r["value"])))
        elif rid in ("VA_2015", "VA_2021"):
            v = va_modern[int(r["year"])] / 1e8
            row(rid, r["value"], f"{v:.2f}", near(v, float(r["value"])))
        elif rid.startswith("VA_GDP_SHARE"):
            y = int(r["year"])
            v = va_modern[y] / eco[(y, "BJ", "gdp")] * 100
            row(rid, r["value"] + "%", f"{v:.3f}%", near(v, float(r["value"])))
        elif rid.startswith("VA_SHARE"):
            y = int(r["year"])
            codes = r["scope"].split("+")
            part = sum(eco[(y, s, "value_added")] for s in codes)
            if y == 2021:  # read as contribution to the 2020->2021 increase
                prev = sum(eco[(2020, s, "value_added")] for s in codes)
                v = (part - prev) / (va_modern[2021] - va_modern[2020]) * 100
                label = " (contribution to 2020-21 increase)"
            else:
                v = part / va_modern[y] * 100
                label = ""
            row(rid, r["value"] + "%" + label, f"{v:.2f}%", near(v, float(r["value"])))
        elif rid == "EFF_38_40_35_34":
            vals = [eff(y, s) for y in (2021, 2022) for s in ("34", "35", "38", "40")]
            good = all(600e3 <= v <= 700e3 for v in vals)
            row(rid, r["value"], f"{min(vals):.0f}-{max(vals):.0f}", good)
        elif rid == "EFF_36":
            vals = [eff(y, "36") for y in YEARS]
            good = all(350e3 <= v <= 450e3 for v in vals)
            row(rid, r["value"], f"{min(vals):.0f}-{max(vals):.0f}", good)
        elif rid == "EFF_26":
            vals = [eff(y, "26") for y in YEARS]
            others = [eff(y, s) for y in YEARS for s in MEMBERS if s != "26"]
            good = all(20e3 <= v <= 50e3 for v in vals) and max(vals) < min(others)
            row(rid, r["value"], f"{min(vals):.0f}-{max(vals):.0f} (lowest)", good)
        elif rid == "EFF_RANK":
            order22 = sorted(MEMBERS, key=lambda s: -eff(2022, s))
            order21 = sorted([s for s in MEMBERS if s != "27"], key=lambda s: -eff(2021, s))
            want = ["38", "40", "35", "34", "36", "39", "27", "37", "26"]
            good = order22 == want and order21 == [s for s in want if s != "27"]
            row(rid, r["value"], ">".join(order22) + " (2022; 34/36 swapped)", good)
        elif rid == "CI_39_LATEST":
            v = ci(2022, "39")
            row(rid, r["value"], f"{v:.2f}", v < 10)
        elif rid == "CI_2022_BAND":
            vals = [ci(2022, s) for s in r["scope"].split(";")]
            good = all(30 <= v <= 40 for v in vals)
            row(rid, r["value"], f"{min(vals):.2f}-{max(vals):.2f}", good)
        elif rid == "CI_RANK":
            good = all(
                max(MEMBERS, key=lambda s, y=y: ci(y, s)) == "26"
                and min(MEMBERS, key=lambda s, y=y: ci(y, s)) == "39"
                for y in YEARS
            )
            row(
                rid,
                r["value"],
                "26 highest, 39 lowest in " + ("all years" if good else "NOT all"),
                good,
            )
        elif rid == "OUT_RANK_2021":
            good = out(2021, "39") > out(2021, "36") and out(2020, "39") < out(2020, "36")
            row(
                rid,
                r["value"],
                f"39 {out(2021, '39') / 1e8:.0f} > 36 {out(2021, '36') / 1e8:.0f}",
                good,
            )

    width = max(len(x[0]) for x in lines)
    print("calibration check (recomputed from the written CSVs):")
    for rid, rep, val, good in lines:
        print(f"  {'ok  ' if good else 'FAIL'} {rid:<{width}}  reported {rep:<42} study {val}")
    print()
    _context(co2, co2_modern, kwh, eco)
    _index_and_ridge(co2, kwh, eco)
    return ok


def _context(co2, co2_modern, kwh, eco) -> None:
    """Plausibility context (not calibration): totals, shares, efficiencies."""
    print("context:")
    for y in YEARS:
        out_m = sum(eco[(y, s, "output_value")] for s in MEMBERS)
        out_c = eco[(y, "C", "output_value")]
        emp_m = sum(eco[(y, s, "employment")] for s in MEMBERS)
        e_m = sum(eco[(y, s, "energy_total")] for s in MEMBERS)
        kwh_m = sum(kwh[(y, s)] for s in MEMBERS)
        print(
            f"  {y}: modern CO2 {co2_modern[y]:>9.0f} t ({co2_modern[y] / co2[(y, 'C')]:.1%} of C),"
            f" output {out_m / 1e8:>7.0f} of C {out_c / 1e8:>6.0f} (1e8 yuan),"
            f" employment {emp_m:>7.0f}, energy {e_m / 1e4:>5.0f} 10^4 tce,"
            f" electricity {kwh_m / 1e9:>5.1f} TWh, eff {out_m / e_m:>7.0f} yuan/tce"
        )


def _index_and_ridge(co2, kwh, eco) -> None:
    """Informational: the paper's entropy index (Table 6, eqs. 2-6) and STIRPAT ridge.

    Not calibrated (the calibration test does not require them); printed so that the
    resemblance to the paper's Figure 16 / Table 11 can be judged.
    """
    import numpy as np

    def m(y: int, var: str) -> float:
        return sum(eco[(y, s, var)] for s in MEMBERS)

    rows = []
    for y in YEARS:
        om, em, c = m(y, "output_value"), m(y, "employment"), sum(co2[(y, s)] for s in MEMBERS)
        rows.append(
            [
                om / eco[(y, "C", "output_value")],
                m(y, "operating_revenue") / eco[(y, "C", "operating_revenue")],
                om / m(y - 1, "output_value") - 1,
                om / em,
                em / eco[(y, "C", "employment")],
                sum(kwh[(y, s)] for s in MEMBERS) / om,
                om / m(y, "energy_total"),
                c / em,
                c / om,
            ]
        )
    x = np.array(rows)
    positive = [True, True, True, True, True, False, True, False, False]
    lo, hi = x.min(axis=0), x.max(axis=0)
    z = np.where(positive, (x - lo) / (hi - lo), (hi - x) / (hi - lo))
    p = z / z.sum(axis=0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    d = 1 + plogp.sum(axis=0) / np.log(len(YEARS))
    w = d / d.sum()
    print("  entropy weights (Table 6 order):", " ".join(f"{v:.4f}" for v in w))
    print("  index:", " ".join(f"{y} {v:.4f}" for y, v in zip(YEARS, z @ w, strict=True)))
    lny = np.log([sum(co2[(y, s)] for s in MEMBERS) for y in YEARS])
    xs = np.log(
        [
            [
                m(y, "employment"),
                m(y, "output_value"),
                m(y, "output_value") / m(y, "energy_total"),
                m(y, "rd_expenditure"),
            ]
            for y in YEARS
        ]
    )
    r_xx = np.corrcoef(xs, rowvar=False)
    r_xy = np.array([np.corrcoef(xs[:, j], lny)[0, 1] for j in range(4)])
    beta = np.linalg.solve(r_xx + 0.1 * np.eye(4), r_xy)
    b = beta * lny.std(ddof=1) / xs.std(axis=0, ddof=1)
    r2 = 2 * beta @ r_xy - beta @ r_xx @ beta
    print(
        "  STIRPAT ridge k=0.1 (lnP lnA lnT lnRE): B "
        + " ".join(f"{v:.3f}" for v in b)
        + f", const {lny.mean() - b @ xs.mean(axis=0):.3f}, R2 {r2:.3f}"
    )


def write(files: dict[str, str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8", newline="")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only run the calibration check")
    args = p.parse_args(argv)
    if not args.check:
        files = render(build())
        write(files)
        print(f"wrote {', '.join(files)} to {OUT.relative_to(REPO)}")
    if not REPORTED.exists():
        print(f"{REPORTED} not found: calibration check skipped")
        return 0
    return 0 if check() else 1


if __name__ == "__main__":
    sys.exit(main())
