"""The consistency pass: results built to hold each contradiction, and the wording.

Each case is a small hand-made results dict (the schema of results.json) holding one
contradiction a reviewer found: a low-carbon scenario above its baseline, a peak in the
past reported as a future one, a target judged on two scopes, shares without sign,
numbers like 'k = 0.003218394391673785' and '-0.0 %'.
"""

from __future__ import annotations

import math

from carbonpath.report.consistency import above_baseline, check, peak_statements, target_scope
from carbonpath.report.html import pathways, summary
from carbonpath.report.html.format import fmt_mass, fmt_num, fmt_pct, fmt_sig, setting_text

YEARS_OBS = [2015, 2016, 2017]


def _path(c0: float, rate: float, years: range) -> list[dict]:
    return [{"year": y, "co2_t": c0 * (1 + rate) ** (y - years.start)} for y in years]


def results(low_rate_p: float = -0.01, obs: tuple[float, ...] = (1000.0, 800.0, 600.0)) -> dict:
    """Observed falling emissions; baseline and low-carbon paths from elasticities."""
    b = {"lnP": 2.0, "lnT": -1.0}
    rates = {
        "baseline": {"lnP": -0.03, "lnT": 0.05},
        "low_carbon": {"lnP": low_rate_p, "lnT": 0.05},
    }
    records = []
    for name, r in rates.items():
        g = sum(b[j] * math.log1p(r[j]) for j in b)
        for y in range(2017, 2021):
            records.append(
                {"scenario": name, "year": y, "co2_t": obs[-1] * math.exp(g * (y - 2017))}
            )
    return {
        "study": {
            "sectors": [
                {"code": "A", "name": "Alpha", "role": "member"},
                {"code": "M", "name": "Manufacturing (all)", "role": "reference"},
            ],
            "groups": [],
        },
        "settings": {"report": {"language": "en"}},
        "emissions": {
            "total": [{"year": y, "co2_t": v} for y, v in zip(YEARS_OBS, obs, strict=True)]
        },
        "stirpat": {
            "specification": {
                "regressors": [
                    {"name": "lnP", "term": "employment[modern]"},
                    {"name": "lnT", "term": "output_value[modern] / energy[modern]"},
                ]
            }
        },
        "scenarios": {
            "scope": "modern",
            "anchor_year": 2017,
            "records": records,
            "assumptions": [
                {"scenario": s, "driver": j, "rate": r[j], "elasticity": b[j]}
                for s, r in rates.items()
                for j in b
            ],
            "peaks": [
                {
                    "scenario": s,
                    "peak_year": 2017,
                    "note": "already falling from the last data year",
                }
                for s in rates
            ],
            "target_checks": [
                {
                    "target": "t1",
                    "scenario": s,
                    "declared_scope": "reference",
                    "applied_scope": "modern",
                    "met": True,
                }
                for s in rates
            ],
        },
        "targets": {
            "records": [
                {
                    "name": "t1",
                    "type": "intensity",
                    "unit": "t/yuan",
                    "scope": "reference",
                    "base_year": 2015,
                    "target_year": 2020,
                    "reduction": 0.2,
                    "target_value": 1.6e-6,
                    "last_year": 2017,
                    "last_value": 2.19e-6,
                    "status": "off_track",
                }
            ]
        },
    }


def test_low_carbon_above_baseline_is_stated_with_its_reason() -> None:
    d = results(low_rate_p=-0.01)
    (s,) = above_baseline(d, "en")
    assert s.kind == "inconsistency"
    assert s.text.startswith("Scenario 'low-carbon' ends above the baseline in 2020")
    # the reason: lnP, -1.0 % against -3.0 %, elasticity 2; the gap per year is
    # exp(2 (ln 0.99 - ln 0.97)) - 1 = 4.16 %, by hand
    gap = math.exp(2 * (math.log(0.99) - math.log(0.97))) - 1
    assert f"+{gap * 100:.1f} % a year" in s.text
    assert "lnP (ln of employment of the studied industries)" in s.text
    assert "-1.0 % a year against the baseline's -3.0 %" in s.text


def test_low_carbon_below_baseline_says_nothing() -> None:
    assert above_baseline(results(low_rate_p=-0.05), "en") == []


def test_peak_in_the_past_is_called_so_once() -> None:
    d = results()
    out = peak_statements(d, "en")
    assert [s.key for s in out] == ["find.peak_past"]
    assert out[0].text.startswith("Emissions peaked in 2015 (1 kt CO₂, observed)")
    assert "already falling" not in " ".join(s.text for s in check(d, "en"))
    lines = summary.findings(d, "en")
    assert sum("peak" in s for s in lines) == 1


def test_peak_in_the_last_year_and_a_future_peak() -> None:
    d = results(obs=(500.0, 800.0, 1000.0))
    assert peak_statements(d, "en")[0].key == "find.peak_last_year"
    d["scenarios"]["records"].append({"scenario": "baseline", "year": 2021, "co2_t": 2000.0})
    keys = [s.key for s in peak_statements(d, "en")]
    assert "find.peak_future" in keys


def test_target_on_two_scopes_is_stated_with_both() -> None:
    d = results()
    (s,) = target_scope(d, "en")
    assert "Manufacturing (all) [scope reference]" in s.text
    assert "the studied industries [scope modern]" in s.text
    assert "says nothing about the target itself" in s.text
    # the summary judges the target on its own scope, in t CO2 per 10^8 yuan
    (line,) = [x for x in summary.findings(d, "en") if x.startswith("Target 't1' (")]
    assert "judged on Manufacturing (all) [scope reference]: off track" in line
    assert "219 t CO₂ per 10⁸ yuan" in line and "160 t CO₂ per 10⁸ yuan" in line
    # the targets table: the scope in words, the unit of the rest of the report
    t = pathways._targets_table(d, "en")
    assert t is not None and "t CO₂ per 10⁸ yuan" in t.caption
    assert t.rows[0][1].text == "Manufacturing (all) [scope reference]"
    # the scenarios' checks show both scopes and say what 'met' means
    c = pathways._checks_table(d, {"target_checks": d["scenarios"]["target_checks"]}, "en")
    assert c is not None and "does not judge the target itself" in c.note


def test_lmdi_share_carries_the_sign_of_the_effect() -> None:
    d = {
        "decomposition": {
            "periods": [[2015, 2022]],
            "effects": [
                {
                    "period_start": 2015,
                    "period_end": 2022,
                    "sector": "A",
                    "effect": e,
                    "additive": v,
                }
                for e, v in (("activity", 31883.0), ("intensity", -727495.0))
            ],
        }
    }
    t = pathways._lmdi_table(d, "en")
    assert t is not None
    cells = {r[0].text: r[2].text for r in t.rows}
    assert cells["activity (scale)"] == "4.6 %"  # 31883 / |-695612|: raises emissions
    assert cells["energy intensity"] == "-104.6 %"
    assert cells["total change"] == "-100.0 %"
    assert "sign of the effect" in t.headers[2]


def test_numbers_for_people() -> None:
    assert fmt_sig(0.003218394391673785) == "0.00322"
    assert fmt_sig(0.28) == "0.28"
    assert setting_text(0.041902297701195676) == "0.0419"
    assert fmt_pct(-0.0004) == "0.0 %" and fmt_pct(-0.0004, sign=True) == "0.0 %"
    assert fmt_pct(0.031, sign=True) == "+3.1 %"
    assert fmt_num(-0.00001, 2) == "0.00"
    assert fmt_mass(86911.27) == "86.9 kt CO₂" and fmt_mass(86911.27, "zh") == "8.69 万吨 CO₂"
    assert fmt_mass(1.5e7) == "15 Mt CO₂"


def test_the_chinese_statements_are_chinese() -> None:
    d = results()
    d["settings"]["report"]["language"] = "zh"
    texts = [s.text for s in check(d, "zh")]
    assert texts[0].startswith("排放量已于 2015 年达峰")
    assert any("高于基准情景" in t for t in texts)
    assert any("并不能说明目标本身是否达成" in t for t in texts)
