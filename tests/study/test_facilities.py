"""Facility-level energy data: folded into sector cells at load, accounted as sectors,
kept per facility only when asked, with the summed activity uncertainty of IPCC eq. 3.2."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from carbonpath.accounting.factors import load_factor_set
from carbonpath.core.errors import StudyError
from carbonpath.pipeline import load_study

FS = load_factor_set("cn-provincial-2011")
ROWS = [  # year, sector, facility, fuel, value (t)
    (2015, "A", "F1", "coal", 100.0),
    (2015, "A", "F2", "coal", 300.0),
    (2015, "A", "F1", "diesel", 20.0),
    (2015, "B", "F3", "coal", 50.0),
    (2016, "A", "F1", "coal", 110.0),
    (2016, "A", "F2", "coal", 280.0),
    (2016, "A", "F1", "diesel", 25.0),
    (2016, "B", "F3", "coal", 60.0),
    (2017, "A", "F1", "coal", 120.0),
    (2017, "A", "F2", "coal", 260.0),
    (2017, "A", "F1", "diesel", 30.0),
    (2017, "B", "F3", "coal", 65.0),
]
TOML = """title = "facilities"
region = "R"
years = [2015, 2017]
seed = 3
[groups]
g = "G"
[accounting]
factor_set = "cn-provincial-2011"
[accounting.uncertainty]
draws = 500
factor_pct = 4.0
"""


def _write(folder: Path, rows: list[tuple], facility: bool = True, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(TOML + extra, encoding="utf-8")
    (folder / "sectors.csv").write_text("code,name,group\nA,Alpha,g\nB,Beta,g\n", encoding="utf-8")
    frame = pd.DataFrame(rows, columns=["year", "sector", "facility", "fuel", "value"])
    frame["unit"] = "t"
    if not facility:
        frame = frame.groupby(["year", "sector", "fuel"], as_index=False)["value"].sum()
        frame["unit"] = "t"
    frame.to_csv(folder / "energy.csv", index=False)
    eco = [
        f"{y},{s},output_value,{1000 + y - 2015},10^4 yuan"
        for y in (2015, 2016, 2017)
        for s in "AB"
    ]
    (folder / "economy.csv").write_text("year,sector,variable,value,unit\n" + "\n".join(eco) + "\n")
    return folder


def test_cells_are_sums_with_ipcc_u_scale(tmp_path: Path) -> None:
    study = load_study(_write(tmp_path / "s", ROWS))
    e = study.energy.set_index(["year", "sector", "fuel"])
    assert e.loc[(2015, "A", "coal"), "value"] == 400.0
    assert e.loc[(2015, "A", "coal"), "facilities"] == 2
    # sqrt(100^2 + 300^2) / 400 (IPCC 2006 Vol. 1 eq. 3.2, equal U per facility)
    assert e.loc[(2015, "A", "coal"), "u_scale"] == pytest.approx(
        math.sqrt(1e4 + 9e4) / 400, rel=1e-14
    )
    assert e.loc[(2015, "B", "coal"), "u_scale"] == 1.0
    assert study.facilities is None  # none asked for


def test_accounting_equals_the_sector_level_study(tmp_path: Path) -> None:
    fac = load_study(_write(tmp_path / "f", ROWS)).run(only=["emissions"]).emissions
    sec = load_study(_write(tmp_path / "s", ROWS, facility=False)).run(only=["emissions"]).emissions
    pd.testing.assert_frame_equal(fac.by_fuel, sec.by_fuel, rtol=1e-13)
    coal = FS.get("coal").co2_per_unit
    row = fac.by_fuel.set_index(["year", "sector", "fuel"]).loc[(2015, "A", "coal"), "co2_t"]
    assert row == pytest.approx(400.0 * coal, rel=1e-13)
    # Approach 1 of sector B (one facility, one fuel): sqrt(U_a^2 + U_f^2) = sqrt(5^2 + 4^2) %
    a1 = fac.uncertainty.approach1
    b = a1[(a1["level"] == "sector") & (a1["scope"] == "B") & (a1["year"] == 2015)].iloc[0]
    assert b["u_pct"] == pytest.approx(math.sqrt(25 + 16), rel=1e-12)
    # sector A 2015: coal (two facilities) and diesel: IPCC eq. 3.1/3.2 by hand
    d = FS.get("diesel").co2_per_unit
    e_coal, e_diesel = 400.0 * coal, 20.0 * d
    u_coal = math.sqrt((5 * math.sqrt(1e4 + 9e4) / 400) ** 2 + 16)
    want = math.hypot(u_coal * e_coal, math.sqrt(25 + 16) * e_diesel) / (e_coal + e_diesel)
    a = a1[(a1["level"] == "sector") & (a1["scope"] == "A") & (a1["year"] == 2015)].iloc[0]
    assert a["u_pct"] == pytest.approx(want, rel=1e-12)
    # the sector-level study has no u_scale: its coal half-width is the datum's 5 %
    s1 = sec.uncertainty.approach1
    sa = s1[(s1["level"] == "sector") & (s1["scope"] == "A") & (s1["year"] == 2015)].iloc[0]
    assert sa["u_pct"] > a["u_pct"]


def test_kept_facilities_only(tmp_path: Path) -> None:
    folder = _write(tmp_path / "k", ROWS, extra='[engine]\nfacilities = ["F1"]\n')
    res = load_study(folder).run(only=["emissions"])
    by = res.emissions.by_facility
    assert set(by["facility"]) == {"F1"} and set(by["sector"]) == {"A"}
    got = by.set_index(["year", "fuel"])["co2_t"]
    assert got[(2016, "diesel")] == pytest.approx(25.0 * FS.get("diesel").co2_per_unit, rel=1e-13)
    assert len(res.to_dict()["emissions"]["by_facility"]) == 6


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [*ROWS, (2015, "A", "F1", "coal", 5.0)],
            "energy.csv, row 14: duplicate row for year 2015, sector A, facility F1, fuel coal (also on row 2)",
        ),
        (
            [(2015, "A", "F1", "coal", 5.0), (2015, "A", "F2", "coal", -1.0)],
            "energy.csv, row 3, column 'value': value -1 t of facility F2 is negative",
        ),
    ],
)
def test_facility_errors_are_located(tmp_path: Path, rows: list[tuple], expected: str) -> None:
    with pytest.raises(StudyError) as exc:
        load_study(_write(tmp_path / "e", rows))
    assert exc.value.one_line().startswith(expected)


def test_mixed_units_in_one_cell_are_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "m", ROWS)
    text = (folder / "energy.csv").read_text().splitlines()
    text[2] = text[2].rsplit(",", 1)[0] + ",tce"  # F2's coal of 2015 in tce
    (folder / "energy.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(
        StudyError,
        match=r"energy.csv, row 3, column 'unit': facilities of year 2015, sector A, fuel coal give the fuel in an energy unit here but in a mass unit on row 2",
    ):
        load_study(folder)


def test_panel_study_folds_facilities_per_region(tmp_path: Path) -> None:
    from tests.study.panel_study import write_panel_study

    base = tmp_path / "base"
    write_panel_study(base)
    split = tmp_path / "split"
    write_panel_study(split)
    e = pd.read_csv(split / "energy.csv", dtype={"region": str, "sector": str})
    quarter = e.assign(facility="Q" + e["region"] + e["sector"], value=e["value"] * 0.25)
    rest = e.assign(facility="R" + e["region"] + e["sector"], value=e["value"] * 0.75)
    pd.concat([quarter, rest]).to_csv(split / "energy.csv", index=False)
    got = load_study(split).energy.set_index(["region", "year", "sector", "fuel"]).sort_index()
    want = load_study(base).energy.set_index(["region", "year", "sector", "fuel"]).sort_index()
    assert got.index.equals(want.index)
    assert (got["value"] / want["value"] - 1).abs().max() < 1e-14
    assert got["u_scale"].to_numpy() == pytest.approx(math.sqrt(0.25**2 + 0.75**2), rel=1e-14)
