"""`carbonpath check`: most material first, counts per check, the threshold, the
pre-flight; and the panel's checks region by region and over the panel total."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonpath.cli import app
from tests.study.panel_study import write_panel_study


def _check(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["check", *args])
    return res.exit_code, res.output


def test_builtin_study_ranked_with_counts_and_preflight() -> None:
    code, out = _check()
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "19 finding(s) by check, most material first:"
    assert "  jump: 1 warning, 2 error" in lines
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    # the extrapolated 2022 R&D value is 113% of a typical year's total
    assert lines[first].startswith("1. warning: economy.csv, 2022, C, rd_expenditure:")
    assert "% of the region's total]" in lines[first]
    assert lines[-2] == (
        "2 error(s) (0 not corrected), 5 warning(s), 2 correction(s), 4 filled value(s)"
    )
    assert lines[-1] == (
        "pre-flight: emissions, index, stirpat, decomposition, decoupling, targets, scenarios "
        "run with "
        "these settings"
    )


def test_min_share_and_all() -> None:
    _, listed = _check("--min-share", "0.5", "--no-preflight")
    assert "smaller finding(s) not listed (below 50% of their region's total): " in listed
    n_listed = sum(1 for line in listed.splitlines() if line[:1].isdigit() and ". " in line[:5])
    _, everything = _check("--all", "--no-preflight")
    n_all = sum(1 for line in everything.splitlines() if line[:1].isdigit() and ". " in line[:5])
    assert n_all == 19 and n_listed < n_all and "smaller finding" not in everything


def test_json_is_ranked_and_carries_sizes() -> None:
    code, out = _check("--json")
    payload = json.loads(out)
    flags = payload["quality"]["flags"]
    assert len(flags) == 19 and payload["listed"] + sum(payload["not_listed"].values()) == 19
    assert all({"size", "share"} <= set(f) for f in flags)
    assert payload["preflight"]["run"] and payload["preflight"]["skipped"] == {}
    fuel_oil = next(f for f in flags if f["variable"] == "fuel_oil")
    # 2019 fuel oil of sector 26 against its trend-adjusted neighbours, in t
    assert fuel_oil["size"] == pytest.approx(65446.76, rel=1e-6)
    assert payload["min_share"] == 0.01


def test_preflight_not_run_when_data_errors_remain(tmp_path) -> None:
    import shutil

    from tests.conftest import REPO

    study = tmp_path / "s"
    shutil.copytree(REPO / "tests" / "bad_inputs" / "_mini", study)
    lines = (study / "energy.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[20].split(",")
    cells[3] = str(float(cells[3]) * 100)  # a 100x slip: an error no correction resolves
    lines[20] = ",".join(cells)
    (study / "energy.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _check(str(study))
    assert code == 2
    assert out.splitlines()[-1] == (
        "pre-flight of the analyses not run: the data have errors no correction resolved"
    )


def test_panel_shares_are_of_each_regions_total(tmp_path) -> None:
    """The same absolute slip weighs more in a small region than in a large one."""
    import carbonpath

    folder = write_panel_study(tmp_path / "p")
    energy = pd.read_csv(folder / "energy.csv")
    for region in ("BJ", "NM"):  # BJ is the smallest region, NM the largest but XJ
        at = (
            (energy["region"] == region)
            & (energy["year"] == 2014)
            & (energy["sector"] == "A")
            & (energy["fuel"] == "coal")
        )
        energy.loc[at, "value"] += 20000.0
    energy.to_csv(folder / "energy.csv", index=False)
    st = carbonpath.load_study(folder)
    jumps = {
        f["region"]: f
        for f in st.flags
        if f["check"] == "jump" and f["variable"] == "coal" and f["year"] == 2014
    }
    assert set(jumps) == {"BJ", "NM"}
    coal = energy.loc[energy["fuel"] == "coal"].groupby(["region", "year"])["value"].sum()
    for region, f in jumps.items():
        typical = coal.loc[region].median()
        assert f["share"] == pytest.approx(f["size"] / typical, rel=1e-9)
    assert jumps["BJ"]["share"] > jumps["NM"]["share"]


def test_panel_total_is_checked(tmp_path) -> None:
    """Every region's coal a tenth in one year: the panel total shows it, as region *."""
    from carbonpath.study.panel_quality import panel_total_flags

    rows = []
    for r, region in enumerate(("BJ", "TJ", "NM")):
        for y in range(2008, 2020):
            for s in ("A", "B"):
                v = 100.0 * (r + 1) * (0.1 if y == 2013 else 1.0)
                rows.append((region, y, s, "coal", v, "t", "mass"))
    frame = pd.DataFrame(
        rows, columns=["region", "year", "sector", "fuel", "value", "unit", "dimension"]
    )
    sectors = pd.DataFrame({"code": ["A", "B"], "role": "member"})
    (f,) = panel_total_flags(frame, "fuel", sectors, {})
    assert f["region"] == "*" and f["year"] == 2013 and f["sector"] == "*"
    assert f["message"].startswith("panel total (3 regions): ")
    assert f["size"] == pytest.approx(0.9 * 1200.0, rel=1e-12)
    assert f["share"] == pytest.approx(0.9, rel=1e-12)
    # a region that starts late is left out of the total instead of making a jump
    late = frame.loc[~((frame["region"] == "NM") & (frame["year"] < 2010))]
    (g,) = panel_total_flags(late, "fuel", sectors, {})
    assert g["message"].startswith("panel total (2 regions): ")
