"""``import-ceads --sectors ... --province A,B|all``: sector choice and the regions panel.

References: the raw cells of the published workbooks read in the test by row label and
column header (not through the importer), the GB/T 4754-2011 codes, the NBS regions.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.io import ceads_sectors, ceads_study
from carbonpath.io.workbook import open_workbook
from tests.conftest import CEADS

needs_data = pytest.mark.skipif(not CEADS.is_dir(), reason="CEADs data not available")


def _file(year: int) -> Path:
    return next(p for p in CEADS.iterdir() if re.search(rf"provinces_{year}\.xlsx$", p.name, re.I))


def test_sector_keywords() -> None:
    sel = ceads_sectors.select_sectors
    assert sel("modern") == ["26", "27", "34", "35", "36+37", "38", "39", "40"]
    manufacturing = sel("manufacturing")
    assert len(manufacturing) == 30 and manufacturing[0] == "13" and manufacturing[-1] == "42"
    assert "291" in manufacturing and "292" in manufacturing
    industry = sel("industry")  # B (6) + C (30) + D (3)
    assert len(industry) == 39 and {"06", "12", "44", "45", "46"} <= set(industry)
    assert "022" not in industry and "E" not in industry  # logging is forestry (A)
    assert len(sel("all")) == 47 and sel("ALL")[-2:] == ["urban", "rural"]
    assert sel("urban, E,26,modern") == [
        "26",
        "27",
        "34",
        "35",
        "36+37",
        "38",
        "39",
        "40",
        "E",
        "urban",
    ]
    assert sel("e") == ["E"]


def test_every_sector_named() -> None:
    for s in ceads_sectors.CEADS_SECTORS:
        assert s.label and s.name_zh and s.code
    by = ceads_sectors.BY_CODE
    assert by["291"].name_zh == "橡胶制品业" and by["292"].name_zh == "塑料制品业"
    assert by["E"].name_zh == "建筑业" and by["44"].name_zh == "电力、热力生产和供应业"
    assert by["transport_post"].label.startswith("Transportation, Storage")
    assert by["urban"].section == "households" and by["rural"].name_zh == "乡村居民生活"
    assert (
        ceads_sectors.group_of("44") == "utilities"
        and ceads_sectors.group_of("39") == "electronics"
    )


@pytest.mark.parametrize("bad", ["", "29", "modrn", "36"])
def test_bad_sector_choice(bad: str) -> None:
    with pytest.raises(InputError, match="--sectors"):
        ceads_sectors.select_sectors(bad)


def _raw_cells(path: Path, sheet: str) -> dict[tuple[str, str], float]:
    """(row label, column header) -> cell, read here with the plain XLSX reader."""
    with open_workbook(path) as wb:
        rows = list(wb[sheet].iter_rows())
    h = next(
        i
        for i, r in enumerate(rows)
        if any(str(c).strip() in ("Raw Coal", "Raw_Coal") for c in r if c)
    )
    header = [re.sub(r"[\s_]+", "", str(c or "")).lower() for c in rows[h]]
    out = {}
    for r in rows[h + 2 :]:
        if r and r[0] and not str(r[0]).strip().lower().startswith("total"):
            for j, c in enumerate(r[1:], 1):
                out[" ".join(str(r[0]).split()), header[j]] = c
    return out


@needs_data
def test_panel_import_equals_the_sheets(tmp_path: Path) -> None:
    out = tmp_path / "panel"
    files = [_file(2018), _file(2019)]
    ceads_study.import_ceads(files, ["Beijing", "inner mongolia"], out, sectors="all")
    regions = pd.read_csv(out / "regions.csv", dtype=str, keep_default_na=False)
    assert regions.to_dict("records") == [
        {"code": "Beijing", "name": "Beijing", "name_zh": "北京", "group": "east"},
        {"code": "InnerMongolia", "name": "Inner Mongolia", "name_zh": "内蒙古", "group": "west"},
    ]
    sectors = pd.read_csv(out / "sectors.csv", dtype=str, keep_default_na=False)
    # not all members are manufacturing: the reference is the sum of all 47 rows
    assert len(sectors) == 48 and sectors["code"].iloc[-1] == "total"
    assert set(sectors.loc[sectors["role"] == "member", "group"]) <= set(
        tomllib.loads((out / "study.toml").read_text(encoding="utf-8"))["groups"]
    )
    em = pd.read_csv(out / "emissions.csv", dtype={"sector": str, "region": str})
    assert list(em.columns) == ["region", "year", "sector", "fuel", "value", "unit"]
    assert len(em) == 2 * 2 * 48 * 18
    label = {s.code: s.label for s in ceads_sectors.CEADS_SECTORS}
    for region in ("Beijing", "InnerMongolia"):
        for year, f in zip((2018, 2019), files, strict=True):
            cells = _raw_cells(f, f"{region}{year}")
            got = em.query("region == @region and year == @year and sector != 'total'")
            assert len(got) == 47 * 18
            for rec in got.itertuples():
                col = rec.fuel.replace("_", "")
                assert rec.value == cells[label[rec.sector], col] * 1e6, (region, year, rec)
            total = em.query("region == @region and year == @year and sector == 'total'")
            for rec in total.itertuples():
                col = rec.fuel.replace("_", "")
                expect = sum(v for (_lab, c), v in cells.items() if c == col) * 1e6
                assert rec.value == pytest.approx(expect, rel=1e-12, abs=1e-6)


@needs_data
def test_panel_study_loads_and_templates_parse(tmp_path: Path) -> None:
    from carbonpath import load_study
    from carbonpath.study.settings import parse_study_settings

    out = tmp_path / "panel"
    ceads_study.import_ceads([_file(2019)], "Beijing,Hunan", out, sectors="manufacturing")
    study = load_study(out)
    assert study.is_panel and list(study.region_codes) == ["Beijing", "Hunan"]
    assert set(study.emissions_inventory["region"]) == {"Beijing", "Hunan"}
    assert list(study.reference) == ["C"] and len(study.members) == 30
    text = (out / "study.toml").read_text(encoding="utf-8")
    marker = text.index("# Analyses that need economic data")
    code = re.compile(r"^# (\[|[A-Za-z_]+ = )")  # template lines, not the prose around them
    body = [ln for ln in text[marker:].splitlines() if code.match(ln)]
    uncommented = text[:marker] + "\n".join(ln[2:] for ln in body) + "\n"
    raw = tomllib.loads(uncommented)
    assert {"index", "stirpat", "decomposition"} <= set(raw)
    settings = parse_study_settings(raw, out)
    assert settings.stirpat.response.text == "co2[modern]" and len(settings.index.indicators) == 3


@needs_data
def test_all_provinces_one_year(tmp_path: Path) -> None:
    out = tmp_path / "all"
    ceads_study.import_ceads([_file(2019)], "all", out)
    regions = pd.read_csv(out / "regions.csv", dtype=str, keep_default_na=False)
    assert len(regions) == 30 and regions["code"].iloc[0] == "Beijing"
    assert regions["group"].value_counts().to_dict() == {
        "west": 11, "east": 10, "central": 6, "northeast": 3
    }  # fmt: skip
    # a one-province import over it (--force) removes the panel's regions.csv
    ceads_study.import_ceads([_file(2019)], "Beijing", out, force=True)
    assert not (out / "regions.csv").exists()
    assert "region" not in pd.read_csv(out / "emissions.csv", nrows=1).columns


@needs_data
def test_province_named_twice(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="twice"):
        ceads_study.import_ceads([_file(2019)], ["Beijing", "beijing"], tmp_path / "x")


@needs_data
def test_cli_panel(tmp_path: Path, capsys) -> None:
    import json

    from carbonpath.cli import main

    f = str(_file(2019))
    argv = ["import-ceads", f, "--province", "Beijing", "--province", "Hebei,Tianjin"]
    out = tmp_path / "p"
    assert main([*argv, "--sectors", "26,urban", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["regions"] == 3 and summary["sectors"] == ["26", "total", "urban"]
    assert summary["rows"] == 3 * 3 * 18
    assert main(["import-ceads", f, "--out", str(tmp_path / "q")]) == 2
    err = capsys.readouterr().err
    assert "--province is missing" in err and err.count("\n") == 1
    assert main(["import-ceads", f, "--province", "all", "--sectors", "x", "--out", "o"]) == 2
    assert "--sectors: 'x'" in capsys.readouterr().err
