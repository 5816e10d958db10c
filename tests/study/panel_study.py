"""A small synthetic panel study written by the tests: 5 regions x 3 sectors x 12 years.

Regions BJ, TJ (east), 山西, NM (central), XJ (west; its data start two years late, so the
panel is unbalanced); sectors A, B (group g1) and C (g2); coal, natural gas and
electricity; output value in 10^4 yuan and employment per sector; GDP in billion USD and
population as region-level rows (no sector). ``energy_total`` equals the fuels in tce so
that the quality checks find nothing. The numbers are smooth growth paths with
deterministic wiggles; nothing here is real data.
"""

from __future__ import annotations

import math
from pathlib import Path

REGIONS = [
    ("BJ", "Beijing", "北京", "east"),
    ("TJ", "Tianjin", "天津", "east"),
    ("山西", "Shanxi", "山西", "central"),
    ("NM", "Inner Mongolia", "内蒙古", "central"),
    ("XJ", "Xinjiang", "新疆", "west"),
]
SECTORS = [("A", "Alpha", "g1"), ("B", "Beta", "g1"), ("C", "Gamma", "g2")]
YEARS = list(range(2008, 2020))
LATE = {"XJ": 2010}  # first year with data
FUELS = {
    "coal": ("t", 0.7143),
    "natural_gas": ("10^4 m^3", 13.3),
    "electricity": ("10^4 kWh", 1.229),
}
TCE_PER_UNIT = {"coal": 0.7143, "natural_gas": 13.3, "electricity": 0.36 / 0.293076}

STUDY_TOML = """title = "Five provinces (synthetic panel)"
region = "Five provinces"
years = [2008, 2019]
seed = 7

[groups]
g1 = "Group one"
g2 = "Group two"

[accounting]
factor_set = "cn-provincial-2011"

[accounting.uncertainty]
draws = 200
"""


def _wiggle(*keys: object) -> float:
    h = sum((i + 1) * ord(ch) for i, ch in enumerate("".join(map(str, keys))))
    return 1.0 + 0.02 * math.sin(h)


def _first(region: str) -> int:
    return LATE.get(region, YEARS[0])


def energy_rows() -> list[str]:
    rows = ["region,year,sector,fuel,value,unit"]
    for r, (code, *_rest) in enumerate(REGIONS):
        for y in YEARS:
            if y < _first(code):
                continue
            for s, (sec, _name, _group) in enumerate(SECTORS):
                for f, (fuel, (unit, _tce)) in enumerate(FUELS.items()):
                    base = (1000 + 300 * r + 150 * s) * (1 + f)
                    value = base * (1.03 + 0.01 * s) ** (y - YEARS[0]) * _wiggle(code, y, sec, fuel)
                    rows.append(f"{code},{y},{sec},{fuel},{value:.3f},{unit}")
    return rows


def _energy_tce(code: str, y: int, sec: str, lines: list[str]) -> float:
    total = 0.0
    for line in lines[1:]:
        rc, yy, ss, fuel, value, _unit = line.split(",")
        if rc == code and int(yy) == y and ss == sec:
            total += float(value) * TCE_PER_UNIT[fuel]
    return total


def economy_rows(energy: list[str]) -> list[str]:
    rows = ["region,year,sector,variable,value,unit"]
    for r, (code, *_rest) in enumerate(REGIONS):
        for y in YEARS:
            if y < _first(code):
                continue
            t = y - YEARS[0]
            for s, (sec, _name, _group) in enumerate(SECTORS):
                out = (50000 + 9000 * r + 4000 * s) * 1.08**t * _wiggle(code, y, sec, "o")
                emp = (20000 + 3000 * r + 1000 * s) * 1.01**t * _wiggle(code, y, sec, "e")
                tce = _energy_tce(code, y, sec, energy)
                rows.append(f"{code},{y},{sec},output_value,{out:.2f},10^4 yuan")
                rows.append(f"{code},{y},{sec},employment,{emp:.0f},person")
                rows.append(f"{code},{y},{sec},energy_total,{tce:.3f},tce")
            gdp = (80 + 20 * r) * 1.07**t * _wiggle(code, y, "gdp")
            pop = (2000 + 700 * r) * 1.005**t
            rows.append(f"{code},{y},,gdp,{gdp:.4f},billion USD")
            rows.append(f"{code},{y},,population,{pop:.1f},10^4 person")
    return rows


def write_panel_study(folder: Path, *, extra_toml: str = "") -> Path:
    """Write the panel study into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(STUDY_TOML + extra_toml, encoding="utf-8")
    regions = ["code,name,name_zh,group"] + [",".join(r) for r in REGIONS]
    (folder / "regions.csv").write_text("\n".join(regions) + "\n", encoding="utf-8")
    sectors = ["code,name,group"] + [",".join(s) for s in SECTORS]
    (folder / "sectors.csv").write_text("\n".join(sectors) + "\n", encoding="utf-8")
    energy = energy_rows()
    (folder / "energy.csv").write_text("\n".join(energy) + "\n", encoding="utf-8")
    (folder / "economy.csv").write_text("\n".join(economy_rows(energy)) + "\n", encoding="utf-8")
    return folder
