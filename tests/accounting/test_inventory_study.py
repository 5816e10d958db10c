"""An imported CEADs inventory (inventory mode) through `check` and `run`.

Reference: the known quality problems of the real Beijing inventories documented with
the data (shared/data/ceads/README.md): refinery gas appearing in 2019 in the
machinery and electronics sectors, and zero cement process emissions in 2017.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonpath.cli import main
from tests.conftest import CEADS


@pytest.fixture(scope="module")
def beijing_inventory(tmp_path_factory) -> Path:
    if not CEADS.is_dir():
        pytest.skip(f"the real CEADs inventories are not here ({CEADS}); CI has them")
    files = [
        str(CEADS / f"Emission_Inventories_for_30_Provinces_{y}.xlsx") for y in range(2015, 2020)
    ]
    out = tmp_path_factory.mktemp("inv") / "beijing"
    assert main(["import-ceads", *files, "--province", "Beijing", "--out", str(out)]) == 0
    return out


def test_check_flags_known_problems(beijing_inventory: Path, capsys):
    code = main(["check", str(beijing_inventory), "--json"])
    flags = json.loads(capsys.readouterr().out)["quality"]["flags"]
    assert code == 0  # inventory findings are reported, not blocking
    refinery = {f["sector"] for f in flags if f["variable"] == "refinery_gas" and f["year"] == 2019}
    assert {"34", "35", "38", "39", "40"} <= refinery
    assert any(
        f["variable"] == "process" and f["year"] == 2017 and f["check"] == "zero_between"
        for f in flags
    )


def test_run_inventory_mode_says_what_is_missing(beijing_inventory: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert (
        main(["run", str(beijing_inventory), "--out", str(out), "--quiet", "--formats", "json"])
        == 0
    )
    d = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert d["study"]["mode"] == "inventory"
    assert "output_value" in d["skipped"]["decomposition"]
    assert {"index", "stirpat", "targets", "scenarios"} <= set(d["skipped"])
    # the members' total shows the documented 2019 break
    by_year = {r["year"]: r["co2_t"] for r in d["emissions"]["total"]}
    assert by_year[2019] > 2.5 * by_year[2018]  # the 2019 refinery-gas break
