"""Facility CSV files folded on DuckDB out of core (``carbonpath.engine.csvfile``).

The reference: the pandas path on the very same ``energy.csv`` (read into memory and
folded there): the same cells to 1e-12 and the same one-line errors, character for
character; and hand-placed errors whose lines are known from how the file is written
(header = line 1)."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.pipeline import load_study
from tests.study.test_facilities import ROWS, _write
from tests.study.test_facilities_ooc import _same_cells

DUCK = '[engine]\nkind = "duckdb"\n'


def _both(tmp_path: Path, rows: list[tuple]) -> tuple[Path, Path]:
    """The same energy.csv in a pandas study and in a DuckDB study."""
    return _write(tmp_path / "csv", rows), _write(tmp_path / "duck", rows, extra=DUCK)


def _edit(folders: tuple[Path, Path], edit) -> None:
    """Apply ``edit`` to the text of both energy.csv files (written as UTF-8)."""
    for folder in folders:
        text = (folder / "energy.csv").read_text(encoding="utf-8")
        (folder / "energy.csv").write_text(edit(text), encoding="utf-8", newline="")


def _error(folder: Path) -> str:
    with pytest.raises(StudyError) as exc:
        load_study(folder)
    return exc.value.one_line()


def _same_error(csv: Path, duck: Path, expected: str) -> str:
    got, want = _error(duck), _error(csv)
    assert got.startswith(f"energy.csv, {expected}"), got
    assert got == want
    return got


def test_cells_agree_and_the_fold_ran_on_duckdb(tmp_path: Path) -> None:
    csv, duck = _both(tmp_path, ROWS)
    got, want = load_study(duck), load_study(csv)
    _same_cells(got.energy, want.energy)
    record = next(r for r in got.inputs if r["file"] == "energy.csv")
    # the DuckDB path records the study's encoding setting; the in-memory one the codec
    assert record["encoding"] == "auto"
    assert next(r for r in want.inputs if r["file"] == "energy.csv")["encoding"] != "auto"
    a = got.energy.set_index(["year", "sector", "fuel"])
    # hand sums: 2015 A coal = 100 + 300 (F1, F2), u_scale = sqrt(100^2 + 300^2) / 400
    assert a.loc[(2015, "A", "coal"), "value"] == 400.0
    assert a.loc[(2015, "A", "coal"), "u_scale"] == pytest.approx(
        math.sqrt(100**2 + 300**2) / 400, rel=1e-14
    )


def _panel(folder: Path, duck: bool) -> None:
    """The panel study (5 regions, 3 sectors, 12 years) with each cell split between two
    facilities: one written in kg (x 1000) and, in odd years, with its code in NFD."""
    from tests.study.panel_study import write_panel_study

    write_panel_study(folder)
    e = pd.read_csv(folder / "energy.csv", dtype={"region": str, "sector": str})
    mass = e["unit"] == "t"
    name = "Caf\u00e9" + e["region"] + e["sector"]
    nfd = name.map(lambda s: unicodedata.normalize("NFD", s))
    quarter = e.assign(facility=name.where(e["year"] % 2 == 0, nfd), value=e["value"] * 0.25)
    quarter.loc[mass, "value"] *= 1000.0
    quarter.loc[mass, "unit"] = "kg"
    rest = e.assign(facility="R-" + e["region"] + e["sector"], value=e["value"] * 0.75)
    pd.concat([quarter, rest], ignore_index=True).sample(frac=1.0, random_state=4).to_csv(
        folder / "energy.csv", index=False
    )
    if duck:
        toml = (folder / "study.toml").read_text(encoding="utf-8")
        (folder / "study.toml").write_text(toml + DUCK, encoding="utf-8")


def test_generated_panel_with_unicode_forms_and_units_agrees(tmp_path: Path) -> None:
    for name, duck in (("csv", False), ("duck", True)):
        _panel(tmp_path / name, duck)
    want, got = load_study(tmp_path / "csv"), load_study(tmp_path / "duck")
    _same_cells(got.energy, want.energy)
    assert got.is_panel and len(got.energy) == len(want.energy) > 100
    assert set(got.energy["facilities"]) == {2}  # the NFC and NFD codes are one facility
    assert got.energy["u_scale"].to_numpy() == pytest.approx(
        math.sqrt(0.25**2 + 0.75**2), rel=1e-12
    )


BAD = [  # (row index in ROWS to change, new row, the expected start of the message)
    (3, (2015, "Z", "F3", "coal", 50.0), "row 5, column 'sector': unknown sector code 'Z'"),
    (5, (2016, "A", "F2", "kerosine", 280.0), "row 7, column 'fuel': unknown fuel 'kerosine'"),
    (7, (2031, "B", "F3", "coal", 60.0), "row 9, column 'year': year 2031 is outside"),
    (2, (2015, "A", "F1", "diesel", "inf"), "row 4, column 'value': value 'inf' is not"),
    (2, (2015, "A", "F1", "diesel", "12,34"), "row 4, column 'value': value '12,34' is not"),
    (2, (2015, "A", "F1", "diesel", "abc"), "row 4, column 'value': value 'abc' is not"),
    (6, (2016, "A", "F1", "coal", 25.0), "row 8: duplicate row for year 2016, sector A, "),
    (4, (2016, "A", "", "coal", 110.0), "row 6, column 'facility': facility is empty"),
    (9, (2017, "A", "F2", "coal", -2.0), "row 11, column 'value': value -2 t of facility F2"),
    (9, (2017, "A", "F2", "coal", "-2,000"), "row 11, column 'value': value -2000 t of "),
]


@pytest.mark.parametrize(("index", "row", "expected"), BAD)
def test_each_error_is_located_as_on_the_pandas_path(
    tmp_path: Path, index: int, row: tuple, expected: str
) -> None:
    rows = list(ROWS)
    rows[index] = row
    _same_error(*_both(tmp_path, rows), expected)


def test_a_missing_value_is_handled_as_in_memory(tmp_path: Path) -> None:
    for marker in ("", "-", "\u2014"):
        rows = list(ROWS)
        rows[2] = (2015, "A", "F1", "diesel", marker)
        csv, duck = _both(tmp_path / f"m{len(marker)}{ord(marker[:1] or 'x')}", rows)
        try:
            want = load_study(csv).energy
        except StudyError as exc:
            assert _error(duck) == exc.one_line()
            continue
        _same_cells(load_study(duck).energy, want)


def test_thousands_separators_and_full_width_digits_read_as_in_memory(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[1] = (2015, "A", "F2", "coal", "1,234.5")  # quoted by the CSV writer
    rows[5] = (2016, "A", "F2", "coal", "\uff12\uff18\uff10")  # full-width 280
    rows[9] = (2017, "A", "F2", "coal", " 260 ")
    csv, duck = _both(tmp_path, rows)
    assert '"1,234.5"' in (duck / "energy.csv").read_text(encoding="utf-8")
    want, got = load_study(csv).energy, load_study(duck).energy
    _same_cells(got, want)
    a = got.set_index(["year", "sector", "fuel"])
    assert a.loc[(2015, "A", "coal"), "value"] == 100.0 + 1234.5
    assert a.loc[(2016, "A", "coal"), "value"] == 110.0 + 280.0


def test_the_earliest_of_several_errors_wins(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[8] = (2017, "A", "F1", "coal", -1.0)  # row 10: negative (checked after the rest)
    rows[10] = (2017, "A", "F1", "petrol", 30.0)  # row 12: unknown fuel
    rows[6] = (2016, "A", "F1", "diesel", "x1")  # row 8: not a number
    rows[4] = (2016, "Q", "F1", "coal", 110.0)  # row 6: unknown sector
    _same_error(*_both(tmp_path, rows), "row 6, column 'sector'")


def test_blank_lines_are_skipped_and_counted_as_in_memory(tmp_path: Path) -> None:
    folders = _both(tmp_path, ROWS)

    def blanks(text: str) -> str:
        lines = text.split("\n")  # header, 12 rows, ""
        lines[3:3] = ["", "   ", ",,,,,", ",  ,,,,,,"]  # after line 3: lines 4-7 are blank
        lines[9:9] = ["\r"]  # an empty CRLF line
        return "\n".join(lines) + "\n\n"

    _edit(folders, blanks)
    want, got = load_study(folders[0]).energy, load_study(folders[1]).energy
    _same_cells(got, want)
    assert 8 in set(got["line"])  # row 3 of ROWS (2015 A diesel), after 4 blank lines

    def bad_after(text: str) -> str:  # the 2017 B row (now line 18) with an unknown sector
        return text.replace("2017,B,F3", "2017,Z,F3")

    _edit(folders, bad_after)
    _same_error(*folders, "row 18, column 'sector': unknown sector code 'Z'")


def test_a_quoted_line_break_is_refused_at_its_line(tmp_path: Path) -> None:
    _csv, duck = _both(tmp_path, ROWS)
    text = (duck / "energy.csv").read_text(encoding="utf-8").replace(",F3,", ',"F\n3",', 1)
    (duck / "energy.csv").write_text(text, encoding="utf-8")
    got = _error(duck)
    assert got.startswith("energy.csv, row 5: has a quoted field that runs over"), got
    assert "write the table as Parquet" in got


def test_short_and_long_rows_as_in_memory(tmp_path: Path) -> None:
    folders = _both(tmp_path / "a", ROWS)
    _edit(folders, lambda t: t.replace("2016,A,F1,diesel,25.0,t", "2016,A,F1,diesel,25.0,t,,"))
    _same_cells(load_study(folders[1]).energy, load_study(folders[0]).energy)
    folders = _both(tmp_path / "b", ROWS)
    _edit(folders, lambda t: t.replace("2016,A,F1,diesel,25.0,t", "2016,A,F1,diesel,25.0"))
    _same_error(*folders, "row 8, column 'unit'")  # padded: the unit is empty
    folders = _both(tmp_path / "c", ROWS)
    _edit(folders, lambda t: t.replace("2017,A,F1,coal,120.0,t", "2017,A,F1,coal,120.0,t,x"))
    _same_error(*folders, "row 10: has 7 cells but the header has 6")


def test_a_wide_row_is_refused_before_an_earlier_bad_cell(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[1] = (2015, "Z", "F2", "coal", 300.0)  # row 3: unknown sector
    folders = _both(tmp_path, rows)
    _edit(folders, lambda t: t.replace("2017,A,F1,coal,120.0,t", "2017,A,F1,coal,120,t,x,y"))
    _same_error(*folders, "row 10: has 8 cells but the header has 6")


def _encoded(tmp_path: Path, rows: list[tuple], encoding: str) -> tuple[Path, Path]:
    folders = _both(tmp_path, rows)
    for folder in folders:
        text = (folder / "energy.csv").read_text(encoding="utf-8").replace("F1", "工厂一")
        (folder / "energy.csv").write_bytes(text.encode(encoding))
    return folders


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_gb18030_and_utf8_bom_files(tmp_path: Path, encoding: str) -> None:
    csv, duck = _encoded(tmp_path / "ok", ROWS, encoding)
    want, got = load_study(csv).energy, load_study(duck).energy
    _same_cells(got, want)
    assert len(got) == 9
    rows = list(ROWS)
    rows[6] = (2016, "A", "F1", "diesel", "x")
    _same_error(*_encoded(tmp_path / "bad", rows, encoding), "row 8, column 'value'")


def test_a_file_mixing_encodings_is_refused_as_in_memory(tmp_path: Path) -> None:
    folders = _both(tmp_path, ROWS)
    for folder in folders:
        lines = (folder / "energy.csv").read_text(encoding="utf-8").split("\n")
        data = "\n".join(lines[:3]).replace("F1", "工厂") + "\n"
        rest = "\n".join(lines[3:]).replace("F3", "工场")
        (folder / "energy.csv").write_bytes(data.encode("utf-8") + rest.encode("gb18030"))
    _same_error(*folders, "row 5")


def test_kept_facilities_are_the_same(tmp_path: Path) -> None:
    csv, duck = _both(tmp_path, ROWS)
    for folder in (csv, duck):
        toml = (folder / "study.toml").read_text()
        if "[engine]" in toml:
            toml = toml.replace("[engine]\n", '[engine]\nfacilities = ["F1"]\n')
        else:
            toml += '[engine]\nfacilities = ["F1"]\n'
        (folder / "study.toml").write_text(toml, encoding="utf-8")
    want, got = load_study(csv).facilities, load_study(duck).facilities
    assert len(got) == 6
    _same_cells(got, want)


def test_the_line_mapping_skips_exactly_the_listed_lines() -> None:
    from carbonpath.io.columnar import line_numbers, scan_block

    data = b'a,b,c\n1,2,3\n\n1,"x,y",3\r\n1,2\n\r\n4,5,6\n'
    scan = scan_block(data, 1, 3)
    assert scan.empty.tolist() == [3, 6] and scan.other.tolist() == [5]
    skipped = np.sort(np.concatenate([scan.empty, scan.other]))
    assert line_numbers(np.arange(3), skipped).tolist() == [2, 4, 7]


def test_lines_stay_exact_across_blocks_and_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of ~200 bytes for the byte pass and ~300 for pyarrow's batches: many of
    each, with blank and short lines spread over them, and the errors at the end."""
    import carbonpath.engine.csvfile as csvfile
    import carbonpath.io.columnar as columnar

    monkeypatch.setattr(columnar, "BLOCK", 200)
    monkeypatch.setattr(csvfile, "READ_BLOCK", 300)
    rng = np.random.default_rng(8)
    rows = [
        (year, sector, f"F{k}", fuel, float(rng.integers(1, 999)))
        for year in (2015, 2016, 2017)
        for sector in "AB"
        for k in range(12)
        for fuel in ("coal", "diesel")
    ]
    folders = _both(tmp_path, rows)

    def spread(text: str) -> str:
        lines = text.split("\n")
        for at in (140, 97, 61, 60, 33, 7):  # from the end, so the places stay put
            lines[at:at] = ["", ",,,,,"] if at % 2 else [" ", f"2016,A,G{at},coal,5"]
        return "\n".join(lines)

    _edit(folders, spread)
    lines = (folders[1] / "energy.csv").read_text(encoding="utf-8").split("\n")
    short = lines.index("2016,A,G60,coal,5") + 1  # the first short line (66: counted)
    assert short == 61 + 2 + 2 + 1
    _same_error(*folders, f"row {short}, column 'unit'")  # the short lines hold no unit
    _edit(folders, lambda t: re.sub(r"(2016,A,G\d+,coal,5)(?=\n)", r"\1,t", t))
    want, got = load_study(folders[0]).energy, load_study(folders[1]).energy
    _same_cells(got, want)
    _edit(folders, lambda t: t.replace("2017,B,F11,diesel", "2017,Z,F11,diesel"))
    lines = (folders[1] / "energy.csv").read_text(encoding="utf-8").split("\n")
    bad = next(i for i, x in enumerate(lines) if x.startswith("2017,Z")) + 1
    assert bad == 1 + len(rows) + 12  # the last row, after 6 x 2 inserted lines
    _same_error(*folders, f"row {bad}, column 'sector': unknown sector code 'Z'")


def test_a_table_above_the_threshold_folds_on_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import carbonpath.io.tables as io_tables

    monkeypatch.setattr(io_tables, "MAX_TABLE_ROWS", 10)  # 12 facility rows: above it
    csv = _write(tmp_path / "csv", ROWS)
    auto = _write(tmp_path / "auto", ROWS, extra="[engine]\nthreshold_rows = 10\n")
    with pytest.raises(StudyError, match="energy.csv"):
        load_study(csv)  # the pandas path refuses the table
    got = load_study(auto)
    assert len(got.energy) == 9 and got.energy["facilities"].sum() == len(ROWS)
    monkeypatch.undo()
    _same_cells(got.energy, load_study(csv).energy)
