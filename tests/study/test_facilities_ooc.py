"""Facility Parquet files folded on DuckDB out of core (``carbonpath.engine.fold``).

The references: the pandas path (the same rows written as CSV, read into memory and
folded there), and hand-placed errors whose row numbers are known from how the
fixture is written (row N = the N-th line of the table as CSV, header = row 1)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.pipeline import load_study
from tests.study.test_facilities import ROWS, _write

DUCK = '[files]\nenergy = "energy.parquet"\n[engine]\nkind = "duckdb"\n'


def _both(tmp_path: Path, rows: list[tuple], units: list[str] | None = None) -> tuple[Path, Path]:
    """The same facility rows as energy.csv (pandas) and energy.parquet (DuckDB)."""
    csv = _write(tmp_path / "csv", rows)
    duck = _write(tmp_path / "duck", rows, extra=DUCK)
    frame = pd.read_csv(csv / "energy.csv", dtype={"sector": str, "facility": str})
    if units is not None:
        frame["unit"] = units
        frame.to_csv(csv / "energy.csv", index=False)
    frame.to_parquet(duck / "energy.parquet", index=False)
    (duck / "energy.csv").unlink()
    return csv, duck


def _same_cells(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    for col in got.columns:
        if col in ("value", "u_scale"):
            np.testing.assert_allclose(got[col], want[col], rtol=1e-12, atol=0)
        elif col != "file":
            assert got[col].tolist() == want[col].tolist(), col


def test_duckdb_and_pandas_give_the_same_cells(tmp_path: Path) -> None:
    csv, duck = _both(tmp_path, ROWS)
    want = load_study(csv).energy
    got = load_study(duck).energy
    _same_cells(got, want)
    assert set(got["file"]) == {"energy.parquet"}
    a = got.set_index(["year", "sector", "fuel"])
    # hand sums: 2015 A coal = 100 + 300 (F1, F2), u_scale = sqrt(100^2 + 300^2) / 400
    assert a.loc[(2015, "A", "coal"), "value"] == 400.0
    assert a.loc[(2015, "A", "coal"), "facilities"] == 2
    assert a.loc[(2015, "A", "coal"), "u_scale"] == pytest.approx(
        math.sqrt(100**2 + 300**2) / 400, rel=1e-14
    )
    assert a.loc[(2015, "A", "coal"), "line"] == 2  # the cell's first row


def test_panel_study_cells_agree(tmp_path: Path) -> None:
    from tests.study.panel_study import write_panel_study

    folders = []
    for name, extra in (("csv", ""), ("duck", DUCK)):
        folder = tmp_path / name
        write_panel_study(folder)
        e = pd.read_csv(folder / "energy.csv", dtype={"region": str, "sector": str})
        quarter = e.assign(facility="Q" + e["region"] + e["sector"], value=e["value"] * 0.25)
        rest = e.assign(facility="R" + e["region"] + e["sector"], value=e["value"] * 0.75)
        split = pd.concat([quarter, rest], ignore_index=True)
        if extra:
            split.to_parquet(folder / "energy.parquet", index=False)
            (folder / "energy.csv").unlink()
            toml = (folder / "study.toml").read_text(encoding="utf-8")
            (folder / "study.toml").write_text(toml + extra, encoding="utf-8")
        else:
            split.to_csv(folder / "energy.csv", index=False)
        folders.append(folder)
    want, got = (load_study(f) for f in folders)
    _same_cells(got.energy, want.energy)
    assert got.is_panel and len(got.energy) == len(want.energy) > 0
    assert got.energy["u_scale"].to_numpy() == pytest.approx(
        math.sqrt(0.25**2 + 0.75**2), rel=1e-14
    )


def _error(folder: Path) -> str:
    with pytest.raises(StudyError) as exc:
        load_study(folder)
    return exc.value.one_line()


BAD = [  # (row index in ROWS to change, new row, the expected start of the message)
    (3, (2015, "Z", "F3", "coal", 50.0), "row 5, column 'sector': unknown sector code 'Z'"),
    (5, (2016, "A", "F2", "kerosine", 280.0), "row 7, column 'fuel': unknown fuel 'kerosine'"),
    (7, (2031, "B", "F3", "coal", 60.0), "row 9, column 'year': year 2031 is outside"),
    (2, (2015, "A", "F1", "diesel", math.inf), "row 4, column 'value': value 'inf' is not"),
    (6, (2016, "A", "F1", "coal", 25.0), "row 8: duplicate row for year 2016, sector A, "),
    (4, (2016, "A", "", "coal", 110.0), "row 6, column 'facility': facility is empty"),
    (9, (2017, "A", "F2", "coal", -2.0), "row 11, column 'value': value -2 t of facility F2"),
]


@pytest.mark.parametrize(("index", "row", "expected"), BAD)
def test_each_error_is_located_as_on_the_pandas_path(
    tmp_path: Path, index: int, row: tuple, expected: str
) -> None:
    rows = list(ROWS)
    rows[index] = row
    csv, duck = _both(tmp_path, rows)
    want = _error(csv)
    got = _error(duck)
    assert got.startswith(f"energy.parquet, {expected}"), got
    assert got == want.replace("energy.csv", "energy.parquet", 1)


def test_the_earliest_of_two_errors_wins(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[8] = (2017, "A", "F1", "coal", -1.0)  # row 10: negative (checked after the rest)
    rows[10] = (2017, "A", "F1", "petrol", 30.0)  # row 12: unknown fuel
    rows[4] = (2016, "Q", "F1", "coal", 110.0)  # row 6: unknown sector
    csv, duck = _both(tmp_path, rows)
    got = _error(duck)
    assert got.startswith("energy.parquet, row 6, column 'sector'"), got
    assert got == _error(csv).replace("energy.csv", "energy.parquet", 1)


def test_unit_errors_and_mixed_kinds(tmp_path: Path) -> None:
    units = ["t"] * len(ROWS)
    units[5] = "furlong"  # row 7: not a unit
    csv, duck = _both(tmp_path / "a", ROWS, units)
    assert _error(duck).startswith("energy.parquet, row 7, column 'unit'")
    assert _error(duck) == _error(csv).replace("energy.csv", "energy.parquet", 1)
    units[5] = "10^4 yuan"  # row 7: a currency where a fuel needs mass, volume or energy
    csv, duck = _both(tmp_path / "b", ROWS, units)
    assert _error(duck) == _error(csv).replace("energy.csv", "energy.parquet", 1)
    units[5] = "t"
    units[1] = "tce"  # row 3: F2's coal of 2015 in an energy unit, F1's (row 2) in t
    csv, duck = _both(tmp_path / "c", ROWS, units)
    got = _error(duck)
    assert got.startswith(
        "energy.parquet, row 3, column 'unit': facilities of year 2015, sector A, fuel coal "
        "give the fuel in an energy unit here but in a mass unit on row 2"
    ), got
    assert got == _error(csv).replace("energy.csv", "energy.parquet", 1)


def test_table_above_the_row_cap_loads_via_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import carbonpath.io.tables as io_tables

    monkeypatch.setattr(io_tables, "MAX_TABLE_ROWS", 10)  # 12 facility rows: above it
    auto = '[files]\nenergy = "energy.parquet"\n[engine]\nthreshold_rows = 10\n'
    csv, duck = _both(tmp_path, ROWS)
    with pytest.raises(StudyError, match="energy.csv"):
        load_study(csv)  # the pandas path refuses the table
    (duck / "study.toml").write_text(
        (duck / "study.toml").read_text().replace(DUCK, auto), encoding="utf-8"
    )
    got = load_study(duck)
    assert len(got.energy) == 9  # 3 years x (A coal, A diesel, B coal)
    assert got.energy["facilities"].sum() == len(ROWS)
    record = next(r for r in got.inputs if r["file"] == "energy.parquet")
    assert record["rows"] == len(ROWS) and record["encoding"] == "parquet"
    assert record["sha256"] == hashlib.sha256((duck / "energy.parquet").read_bytes()).hexdigest()
    monkeypatch.undo()
    _same_cells(got.energy, load_study(csv).energy)


def test_kept_facilities_are_the_same(tmp_path: Path) -> None:
    csv, duck = _both(tmp_path, ROWS)
    for folder in (csv, duck):
        toml = (folder / "study.toml").read_text()
        if "[engine]" in toml:
            toml = toml.replace("[engine]\n", '[engine]\nfacilities = ["F1"]\n')
        else:
            toml += '[engine]\nfacilities = ["F1"]\n'
        (folder / "study.toml").write_text(toml, encoding="utf-8")
    want = load_study(csv).facilities
    got = load_study(duck).facilities
    assert len(got) == 6
    _same_cells(got, want)


def test_a_text_value_the_sql_cannot_read_is_an_error_not_dropped(tmp_path: Path) -> None:
    """A Parquet value column stored as text with a thousands separator (``1,234``, which
    the pandas path reads) is refused on its row, never dropped from the sums."""
    _csv, duck = _both(tmp_path, ROWS)
    frame = pd.read_parquet(duck / "energy.parquet")
    frame["value"] = frame["value"].map(repr).astype(str)
    frame.loc[4, "value"] = "1,234"
    frame.to_parquet(duck / "energy.parquet", index=False)
    got = _error(duck)
    assert got.startswith("energy.parquet, row 6, column 'value'"), got
    assert "store the value column as numbers" in got


NFC, NFD = "Caf\u00e91", "Cafe\u03011"  # one facility code in two Unicode forms


@pytest.mark.parametrize(("first", "second"), [(NFC, NFD), ("F2", " F2")])
def test_two_spellings_of_one_facility_are_one_facility(
    tmp_path: Path, first: str, second: str
) -> None:
    # rows 2 and 3 (header = row 1): the same facility, year, sector and fuel, written
    # in two forms (composed and decomposed e-acute; a leading space): a repeat, as for
    # sector and region codes, which are compared in NFC without surrounding space
    rows = list(ROWS)
    rows[0] = (2015, "A", first, "coal", 100.0)
    rows[1] = (2015, "A", second, "coal", 300.0)
    csv, duck = _both(tmp_path, rows)
    got = _error(duck)
    code = first.strip()
    assert got.startswith(
        f"energy.parquet, row 3: duplicate row for year 2015, sector A, facility {code}, "
        "fuel coal (also on row 2)"
    ), got
    assert got == _error(csv).replace("energy.csv", "energy.parquet", 1)


def test_two_spellings_in_different_years_fold_alike(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[0] = (2015, "A", NFC, "coal", 100.0)
    rows[4] = (2016, "A", NFD, "coal", 110.0)
    csv, duck = _both(tmp_path, rows)
    want, got = load_study(csv).energy, load_study(duck).energy
    _same_cells(got, want)
    a = got.set_index(["year", "sector", "fuel"])
    assert a.loc[(2016, "A", "coal"), "value"] == 110.0 + 280.0  # NFD F1 and F2


@pytest.mark.parametrize("column", ["sector", "facility", "fuel"])
def test_a_null_cell_is_located_as_by_the_in_memory_parquet_reader(
    tmp_path: Path, column: str
) -> None:
    # the reference: the same Parquet file read into memory (kind = "pandas")
    _csv, duck = _both(tmp_path, ROWS)
    frame = pd.read_parquet(duck / "energy.parquet")
    frame[column] = frame[column].astype(object)
    frame.loc[6, column] = None  # row 8
    frame.to_parquet(duck / "energy.parquet", index=False)
    got = _error(duck)
    (duck / "study.toml").write_text(
        (duck / "study.toml").read_text().replace('kind = "duckdb"', 'kind = "pandas"'),
        encoding="utf-8",
    )
    want = _error(duck)
    assert got.startswith(f"energy.parquet, row 8, column '{column}'"), got
    assert got == want
