"""Regions in the data model: loading panel studies (issue 14)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

import carbonpath
from carbonpath.core.errors import StudyError
from tests.study.panel_study import REGIONS, SECTORS, YEARS, write_panel_study


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> carbonpath.study.Study:
    return carbonpath.load_study(str(write_panel_study(tmp_path_factory.mktemp("p") / "s")))


def _edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    p = folder / name
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, count), encoding="utf-8")


def test_panel_tables_carry_the_region(panel):
    assert panel.is_panel
    assert panel.region_codes == [r[0] for r in REGIONS]
    assert list(panel.energy.columns[:2]) == ["region", "year"]
    assert list(panel.economy.columns[:2]) == ["region", "year"]
    # XJ starts in 2010: 2 years x 3 sectors x 3 fuels fewer rows
    n_full = len(YEARS) * len(SECTORS) * 3
    counts = panel.energy.groupby("region").size()
    assert counts["BJ"] == n_full
    assert counts["XJ"] == n_full - 2 * len(SECTORS) * 3
    # region-level rows have no sector
    gdp = panel.economy[panel.economy["variable"] == "gdp"]
    assert set(gdp["sector"]) == {""}
    assert set(gdp["unit"]) == {"USD"}
    # billion USD -> USD: the first BJ value times 1e9
    assert gdp.iloc[0]["value"] == pytest.approx(80 * 1e9, rel=0.03)


def test_unbalanced_edges_are_warnings_not_errors(panel):
    assert not panel.blocking
    cover = [f for f in panel.flags if f["check"] == "coverage"]
    assert cover and all(f["severity"] == "warning" and f["region"] == "XJ" for f in cover)
    assert {f["year"] for f in cover} == {2008, 2009}


def test_chinese_code_and_nfc(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    decomposed = unicodedata.normalize("NFD", "山西")
    assert decomposed == "山西"  # CJK has no decomposition; use a Latin code with an accent
    _edit(folder, "regions.csv", "NM,Inner Mongolia", "Né,Inner Mongolia")
    nfd = unicodedata.normalize("NFD", "Né")
    assert nfd != "Né"
    text = (folder / "energy.csv").read_text(encoding="utf-8").replace("\nNM,", f"\n{nfd},")
    (folder / "energy.csv").write_text(text, encoding="utf-8")
    text = (folder / "economy.csv").read_text(encoding="utf-8").replace("\nNM,", f"\n{nfd},")
    (folder / "economy.csv").write_text(text, encoding="utf-8")
    study = carbonpath.load_study(str(folder))
    assert "Né" in study.region_codes
    assert (study.energy["region"] == "Né").sum() == len(YEARS) * len(SECTORS) * 3
    assert (study.energy["region"] == "山西").any()


def test_confusable_region_codes_refused(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    # Cyrillic capital VE looks like Latin B
    _edit(folder, "regions.csv", "TJ,Tianjin", "\u0412J,Tianjin")
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    msg = err.value.one_line()
    assert msg.startswith(
        "regions.csv, row 3, column 'code': region code 'ВJ' looks like 'BJ' (row 2)"
    )


def test_unknown_region_code_with_suggestion(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    _edit(folder, "energy.csv", "\nTJ,2008,A,coal", "\nTJJ,2008,A,coal")
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    msg = err.value.one_line()
    assert "column 'region': unknown region code 'TJJ' (did you mean 'TJ'?)" in msg
    assert msg.startswith("energy.csv, row ")


def test_duplicate_within_a_region_only(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    lines = (folder / "energy.csv").read_text(encoding="utf-8").splitlines()
    dup = lines[1]  # BJ,2008,A,coal
    (folder / "energy.csv").write_text("\n".join([*lines, dup]) + "\n", encoding="utf-8")
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    assert (
        f"row {len(lines) + 1}: duplicate row for region BJ, year 2008, sector A, fuel coal (also on row 2)"
        in err.value.one_line()
    )


def test_one_variable_in_two_currencies_refused(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    _edit(folder, "economy.csv", ",,gdp,", ",,gdp,", 1)
    text = (folder / "economy.csv").read_text(encoding="utf-8")
    first = text.index(",billion USD")
    second = text.index(",billion USD", first + 1)
    text = text[:second] + ",10^8 yuan" + text[second + len(",billion USD") :]
    (folder / "economy.csv").write_text(text, encoding="utf-8")
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    msg = err.value.one_line()
    assert "gdp is in yuan here but in USD on row" in msg
    assert "never converts between currencies" in msg


def test_region_column_needs_regions_csv(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    (folder / "regions.csv").unlink()
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    assert "has unknown column(s) region" in err.value.one_line()


def test_region_level_study_without_sectors(tmp_path):
    """A country panel: no sectors.csv, no sector column; every row is a whole region."""
    folder = tmp_path / "countries"
    folder.mkdir()
    (folder / "study.toml").write_text(
        'title = "Three countries"\nregion = "World"\nyears = [2000, 2004]\n', encoding="utf-8"
    )
    (folder / "regions.csv").write_text(
        "code,name,group\nDZA,Algeria,africa\nEGY,Egypt,africa\nFRA,France,europe\n",
        encoding="utf-8",
    )
    energy = ["region,year,fuel,value,unit"]
    economy = ["region,year,variable,value,unit"]
    for i, c in enumerate(["DZA", "EGY", "FRA"]):
        for y in range(2000, 2005):
            energy.append(f"{c},{y},coal,{(100 + 10 * i) * 1.02 ** (y - 2000):.3f},10^4 t")
            economy.append(
                f"{c},{y},gdp,{(200 + 50 * i) * 1.03 ** (y - 2000):.3f},2011 international $"
            )
            economy.append(
                f"{c},{y},population,{(30 + 5 * i) * 1.01 ** (y - 2000):.3f},10^4 person"
            )
    (folder / "energy.csv").write_text("\n".join(energy) + "\n", encoding="utf-8")
    (folder / "economy.csv").write_text("\n".join(economy) + "\n", encoding="utf-8")
    study = carbonpath.load_study(str(folder))
    assert study.region_level and study.is_panel
    assert set(study.energy["sector"]) == {""}
    assert set(study.economy["unit"]) == {"international $ (2011 prices)", "person"}
    from carbonpath.study.resolver import Resolver

    r = Resolver(study.economy, study.energy, study.sectors, regions=study.regions)
    coal = r.for_region("EGY")("coal", "*")
    assert coal[2000] == pytest.approx(110 * 1e4)
    africa = r("gdp", "regiongroup:africa:*")
    assert africa[2004] == pytest.approx((200 + 250) * 1.03**4)


def test_missing_sectors_csv_when_tables_name_sectors(tmp_path):
    folder = write_panel_study(tmp_path / "s")
    (folder / "sectors.csv").unlink()
    with pytest.raises(StudyError) as err:
        carbonpath.load_study(str(folder))
    assert err.value.one_line().startswith("sectors.csv: file is missing")


class TestResolver:
    @pytest.fixture(scope="class")
    @classmethod
    def resolver(cls, panel):
        from carbonpath.study.resolver import Resolver

        return Resolver(panel.economy, panel.energy, panel.sectors, regions=panel.regions)

    def _cell(self, panel, region, year, sector, fuel):
        e = panel.energy
        hit = e[
            (e["region"] == region)
            & (e["year"] == year)
            & (e["sector"] == sector)
            & (e["fuel"] == fuel)
        ]
        return float(hit["value"].iloc[0])

    def test_current_region_and_named_region(self, resolver, panel):
        assert resolver.current == "BJ"
        a = resolver("coal", "A")[2012]
        assert a == self._cell(panel, "BJ", 2012, "A", "coal")
        assert resolver("coal", "TJ:A")[2012] == self._cell(panel, "TJ", 2012, "A", "coal")
        assert resolver.for_region("TJ")("coal", "A")[2012] == self._cell(
            panel, "TJ", 2012, "A", "coal"
        )

    def test_sums_over_sectors_and_regions(self, resolver, panel):
        want = sum(
            self._cell(panel, r, 2015, s, "coal") for r in ("BJ", "TJ") for s in ("A", "B", "C")
        )
        assert resolver("coal", "regiongroup:east:modern")[2015] == pytest.approx(want, rel=1e-12)
        every = sum(
            self._cell(panel, r[0], 2015, s, "coal") for r in REGIONS for s in ("A", "B", "C")
        )
        assert resolver("coal", "*:modern")[2015] == pytest.approx(every, rel=1e-12)
        assert resolver("coal", "*:group:g1")[2015] == pytest.approx(
            sum(self._cell(panel, r[0], 2015, s, "coal") for r in REGIONS for s in ("A", "B")),
            rel=1e-12,
        )

    def test_a_sum_with_a_missing_part_is_missing(self, resolver):
        total = resolver("gdp", "*:*")
        assert np.isnan(total[2008]) and np.isnan(total[2009])
        assert np.isfinite(total[2010])

    def test_panel_view(self, resolver):
        p = resolver.panel("population", "*")
        assert list(p.index.names) == ["region", "year"]
        assert len(p) == 4 * len(YEARS) + (len(YEARS) - 2)
        assert p[("XJ", 2010)] == pytest.approx((2000 + 700 * 4) * 1.005**2 * 1e4, rel=1e-5)

    @pytest.mark.parametrize(
        ("scope", "message"),
        [
            ("TJJ:A", "unknown region 'TJJ' (did you mean 'TJ'?)"),
            ("regiongroup:centrl:A", "unknown region group 'centrl' (did you mean 'central'?)"),
            ("group:g3", "unknown group 'g3'"),
        ],
    )
    def test_unknown_names(self, resolver, scope, message):
        from carbonpath.core.errors import InputError

        with pytest.raises(InputError) as err:
            resolver("coal", scope)
        assert message in err.value.one_line()


def test_energy_alias_without_energy_total_says_so(tmp_path):
    """'energy' is energy_total; without that series the message names both, and never
    suggests the very name it refuses ("did you mean 'energy'?")."""
    from carbonpath.core.errors import InputError
    from carbonpath.study.resolver import Resolver

    study = carbonpath.load_study(str(write_panel_study(tmp_path / "p")))
    economy = study.economy[study.economy["variable"] != "energy_total"]
    r = Resolver(economy, study.energy, study.sectors, regions=study.regions)
    assert float(r("coal", "*").sum()) > 0
    with pytest.raises(InputError) as err:
        r("energy", "*")
    line = err.value.one_line()
    assert "variable 'energy' (energy_total) has no data in this study" in line
    assert "did you mean" not in line
