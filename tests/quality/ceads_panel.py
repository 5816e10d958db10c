"""A whole-province CEADs panel study for the quality tests, written from the real
workbooks in ../shared/data/ceads (read in place, written to a temporary folder).

Every one of the 47 CEADs sectors is a member (no aggregate row), every scope-1 source
(17 fuels and cement process) an emission source, in t CO2; one region per province.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from carbonpath.io import ceads
from tests.conftest import CEADS

STUDY_TOML = """title = "CEADs provinces, all sectors {first}-{last}"
region = "{n} provinces"
years = [{first}, {last}]
seed = 1

[accounting]
source = "inventory"
"""


def workbooks() -> list[Path]:
    return sorted(p for p in CEADS.iterdir() if re.search(r"provinces_\d{4}\.xlsx$", p.name, re.I))


@cache
def inventory(provinces: tuple[str, ...]) -> pd.DataFrame:
    """``region, year, sector, fuel, co2_t, file, row`` of the provinces, all years."""
    parts = []
    for path in workbooks():
        for name, sheet in ceads.read_ceads_workbook(path, list(provinces)).items():
            parts.append(sheet.data.assign(region=name))
    d = pd.concat(parts, ignore_index=True)
    return d.loc[d["fuel"].isin(ceads.SCOPE1_FUELS)].reset_index(drop=True)


def sectors_frame() -> pd.DataFrame:
    codes = [code for code, _zh, _c in ceads.SECTORS.values()]
    return pd.DataFrame({"code": codes, "role": "member"})


def region_frame(provinces: tuple[str, ...], region: str) -> pd.DataFrame:
    """One province as the checks read it: ``year, sector, fuel, value`` (t), ``unit``."""
    d = inventory(provinces)
    d = d.loc[d["region"] == region]
    return (
        d.rename(columns={"co2_t": "value", "row": "line"})[
            ["year", "sector", "fuel", "value", "file", "line"]
        ]
        .assign(unit="t", dimension="mass")
        .reset_index(drop=True)
    )


def write_panel(folder: Path, provinces: tuple[str, ...]) -> Path:
    """The study folder: study.toml, regions.csv, sectors.csv, emissions.csv, economy.csv."""
    d = inventory(provinces)
    folder.mkdir(parents=True, exist_ok=True)
    first, last = int(d["year"].min()), int(d["year"].max())
    (folder / "study.toml").write_text(
        STUDY_TOML.format(first=first, last=last, n=len(provinces)), encoding="utf-8"
    )
    regions = ["code,name"] + [f"{p},{p}" for p in provinces]
    (folder / "regions.csv").write_text("\n".join(regions) + "\n", encoding="utf-8")
    rows = ["code,name,group,role"]
    for name, (code, _zh, _c) in ceads.SECTORS.items():
        rows.append(f'{code},"{name}",all,member')
    (folder / "sectors.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = d[["region", "year", "sector", "fuel", "co2_t"]].rename(columns={"co2_t": "value"})
    out = out.assign(unit="t CO2")
    out.to_csv(folder / "emissions.csv", index=False, float_format="%.17g")
    (folder / "economy.csv").write_text(
        "region,year,sector,variable,value,unit\n", encoding="utf-8"
    )
    return folder
