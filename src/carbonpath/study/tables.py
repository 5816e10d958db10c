"""Long tables (``year,[region,]sector,<key>,value,unit``) into canonical floats, vectorised.

Every check runs on whole columns (no Python loop per row); the error reported is the
one a reader going through the file row by row would meet first: for each check the
first failing row is found, and the earliest row wins (on the same row, checks keep the
order year, region, sector, key, unit, value).  Units are parsed once per distinct text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonpath.core.errors import InputError, StudyError, suggest
from carbonpath.core.text import display_text, is_valid_code, normalise_code
from carbonpath.core.units import ParsedUnit, parse_unit
from carbonpath.io.tables import _NUMBER, _THOUSANDS, MISSING_TOKENS, Table

__all__ = ["Codes", "codes_of", "frame_of", "read_long", "numbers", "years_of"]

_YEAR = r"\d{4}"
_VALUE_FIX = (
    "write a plain number (1234.5), or leave the cell empty (or '-') if the value is missing"
)


@dataclass(frozen=True)
class Codes:
    """The codes a long table may use."""

    regions: tuple[str, ...]  #: ("",) in a study without regions.csv
    panel: bool  #: the study declares regions.csv (tables carry a region column)
    sectors: tuple[str, ...]  #: () in a region-level study (no sectors.csv)


def frame_of(t: Table) -> pd.DataFrame:
    """A table's cells as a frame (strings; numbers from Parquet), with its ``line``."""
    if t.frame is not None:
        return t.frame.reset_index(drop=True)
    frame = pd.DataFrame(t.rows, columns=t.columns, dtype=object)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in t.columns})
    frame["line"] = np.asarray(t.lines, dtype=np.int64)
    return frame.reset_index(drop=True)


def _nfkc(col: pd.Series) -> pd.Series:
    """NFKC-normalised, stripped text (only non-ASCII cells pay for the normalisation)."""
    s = col.astype(str)
    wide = ~s.str.isascii()
    if wide.any():
        s = s.copy()
        s[wide] = s[wide].str.normalize("NFKC")
    return s.str.strip()


def _typed(col: pd.Series) -> bool:
    """A numeric column (from Parquet): its cells are numbers already, not text."""
    return pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)


def codes_of(col: pd.Series) -> pd.Series:
    """Normalised codes (:func:`normalise_code`), computed once per distinct text."""
    if col.empty:
        return col.astype(object)
    uniq = pd.unique(col)
    return col.map(dict(zip(uniq, (normalise_code(u) for u in uniq), strict=True)))


def _to_float(s: pd.Series, ok: pd.Series) -> np.ndarray:
    """The cells of ``s`` where ``ok`` (checked number texts) as floats, NaN elsewhere.

    Parsed by Arrow (correctly rounded, as ``float()``), not one Python call per cell.
    """
    text = pa.array(s.where(ok, None).astype(object), type=pa.string(), from_pandas=True)
    return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)


def years_of(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(year as Int64, mask of cells that are not a four-digit year)."""
    if _typed(col):
        v = pd.to_numeric(col, errors="coerce").astype(float)
        ok = (v == np.round(v)) & (v >= 1000) & (v <= 9999)
        ok = ok.fillna(False).astype(bool)
        return v.where(ok).astype("Int64"), ~ok
    s = _nfkc(col).str.removesuffix("年")
    ok = s.str.fullmatch(_YEAR)
    years = pd.Series(_to_float(s, ok), index=s.index).astype("Int64")
    return years, ~ok


def numbers(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values with NaN for missing markers, mask of cells that are not numbers)."""
    if _typed(col):  # a Parquet number: null is missing, an infinity is not a number
        v = pd.to_numeric(col, errors="coerce").astype(float).reset_index(drop=True)
        return v, pd.Series(np.isinf(v.to_numpy()), index=v.index)
    s = _nfkc(col).str.replace(" ", "", regex=False)
    missing = s.isin(MISSING_TOKENS)
    thousands = s.str.fullmatch(_THOUSANDS.pattern)
    s = s.where(~thousands, s.str.replace(",", "", regex=False))
    ok = s.str.fullmatch(_NUMBER.pattern) | missing
    values = pd.Series(_to_float(s, ok & ~missing), index=s.index)
    return values, ~ok


class _FirstError:
    """Collects (row position, order, error factory) and raises the earliest."""

    def __init__(self) -> None:
        self.best: tuple[int, int, Callable[[int], StudyError]] | None = None
        self.order = 0

    def add(self, mask: pd.Series | np.ndarray, make: Callable[[int], StudyError]) -> None:
        self.order += 1
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if hits.size and (self.best is None or hits[0] < self.best[0]):
            self.best = (int(hits[0]), self.order, make)

    def raise_first(self) -> None:
        if self.best is not None:
            raise self.best[2](self.best[0])


def _units(
    texts: pd.Series,
) -> tuple[dict[str, ParsedUnit], dict[str, InputError]]:
    parsed: dict[str, ParsedUnit] = {}
    failed: dict[str, InputError] = {}
    for text in pd.unique(texts):
        if not str(text).strip():
            continue
        try:
            parsed[text] = parse_unit(text)
        except InputError as exc:
            failed[text] = exc
    return parsed, failed


@dataclass(frozen=True)
class LongSpec:
    """What a long table holds: its key column and the rules for keys and units."""

    key: str  #: "fuel" or "variable"
    what: str  #: words for the key in messages ("fuel", "variable", "emission source")
    known: Mapping[str, str] | None  #: allowed keys (None: any)
    dims: tuple[str, ...] | None  #: dimensions every unit must have (None: any)
    required_dims: Mapping[str, str] | None = None  #: key -> the dimension its unit needs
    region_rows: bool = False  #: rows may leave the sector empty (region-level values)
    unknown_fix: str = ""


def _where(frame: pd.DataFrame, label: str, column: str | None, fix: str | None = None):
    """An error factory locating a message at a row position of ``frame``."""

    def make(message: Callable[[int], str]) -> Callable[[int], StudyError]:
        return lambda i: StudyError(
            message(i), file=label, row=int(frame["line"].iat[i]), column=column, fix=fix
        )

    return make


def _check_codes(
    frame: pd.DataFrame, t: Table, codes: Codes, spec: LongSpec, errors: _FirstError
) -> tuple[pd.Series, pd.Series]:
    """Normalised region and sector columns (missing ones filled), with their checks."""
    n = len(frame)
    if codes.panel and "region" in frame:
        region = codes_of(frame["region"])
        bad = ~region.isin(codes.regions)
        errors.add(
            bad,
            _where(
                frame, t.label, "region", "use a code listed in regions.csv or add the region there"
            )(
                lambda i: (
                    f"unknown region code '{display_text(region.iat[i])}'"
                    f"{suggest(region.iat[i], codes.regions)}"
                )
            ),
        )
    else:
        region = pd.Series([codes.regions[0]] * n, dtype=object)
    if "sector" in frame:
        sector = codes_of(frame["sector"])
    else:
        sector = pd.Series([""] * n, dtype=object)
    allowed = set(codes.sectors)
    if spec.region_rows or not codes.sectors:
        allowed.add("")
    bad = ~sector.isin(allowed)
    fix = (
        "use a code listed in sectors.csv or add the sector there"
        if codes.sectors
        else "leave the sector empty: the study has no sectors.csv, so rows describe whole regions"
    )
    errors.add(
        bad,
        _where(frame, t.label, "sector", fix)(
            lambda i: (
                f"unknown sector code '{display_text(sector.iat[i])}'"
                f"{suggest(sector.iat[i], codes.sectors)}"
            )
        ),
    )
    return region, sector


def _check_keys(frame: pd.DataFrame, t: Table, spec: LongSpec, errors: _FirstError) -> pd.Series:
    name = frame[spec.key].astype(str).str.strip().str.lower()
    where = _where(frame, t.label, spec.key)
    errors.add(name == "", where(lambda i: f"{spec.what} is empty"))
    if spec.known is not None:
        known = spec.known
        listing = ", ".join(sorted(known))
        unknown = (name != "") & ~name.isin(list(known))
        errors.add(
            unknown,
            _where(frame, t.label, spec.key, spec.unknown_fix)(
                lambda i: (
                    f"unknown {spec.what} '{display_text(name.iat[i])}'"
                    f"{suggest(name.iat[i], known)}; known: {listing}"
                )
            ),
        )
    return name


def _check_units(
    frame: pd.DataFrame, t: Table, spec: LongSpec, name: pd.Series, errors: _FirstError
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(factor to canonical, canonical unit, dimension) per row, with the unit checks."""
    text = frame["unit"].astype(str)
    parsed, failed = _units(text)
    errors.add(
        text.str.strip() == "",
        _where(
            frame,
            t.label,
            "unit",
            "write the unit of the value, e.g. t, 10^4 m^3, tce, 10^4 yuan, person",
        )(lambda i: "unit is empty"),
    )
    bad = text.isin(list(failed))
    errors.add(
        bad,
        lambda i: StudyError(
            failed[text.iat[i]].message,
            file=t.label,
            row=int(frame["line"].iat[i]),
            column="unit",
            fix=failed[text.iat[i]].fix,
        ),
    )
    factor = text.map({k: p.factor for k, p in parsed.items()}).astype(float)
    canonical = text.map({k: p.canonical for k, p in parsed.items()})
    dimension = text.map({k: p.dimension for k, p in parsed.items()})
    if spec.dims is not None:
        wrong = dimension.notna() & ~dimension.isin(spec.dims)
        errors.add(
            wrong,
            _where(
                frame,
                t.label,
                "unit",
                "give the quantity in a unit of that kind (e.g. t, 10^4 m^3, tce)",
            )(
                lambda i: (
                    f"unit '{text.iat[i]}' is a {dimension.iat[i]}, but a {spec.what} needs "
                    f"{' or '.join(spec.dims or ())}"
                )
            ),
        )
    if spec.required_dims:
        need = name.map(dict(spec.required_dims))
        wrong = need.notna() & dimension.notna() & (need != dimension)
        errors.add(
            wrong,
            lambda i: StudyError(
                f"unit '{text.iat[i]}' is a {dimension.iat[i]}, but {name.iat[i]} is a {need.iat[i]}",
                file=t.label,
                row=int(frame["line"].iat[i]),
                column="unit",
                fix=f"give {name.iat[i]} in a {need.iat[i]} unit",
            ),
        )
    return factor, canonical, dimension


def _check_facility(frame: pd.DataFrame, t: Table, errors: _FirstError) -> pd.Series | None:
    """The normalised ``facility`` column (None when the table has none): a code each."""
    if "facility" not in frame:
        return None
    facility = codes_of(frame["facility"].astype(str))
    uniq = pd.unique(facility)
    bad_codes = [u for u in uniq if not is_valid_code(u)]
    fix = "give every row the code of its facility (letters, digits, _ . + -)"
    errors.add(
        facility.isin(bad_codes),
        _where(frame, t.label, "facility", fix)(
            lambda i: (
                "facility is empty"
                if not facility.iat[i]
                else f"facility code '{display_text(facility.iat[i])}' is not a code"
            )
        ),
    )
    return facility


def _check_duplicates(
    frame: pd.DataFrame,
    t: Table,
    spec: LongSpec,
    codes: Codes,
    key: tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series | None],
    errors: _FirstError,
) -> None:
    """One row per [region,] year, sector, [facility,] key: a repeat names the first."""
    region, year, sector, name, facility = key
    cols = {"r": region, "y": year, "s": sector, "k": name}
    if facility is not None:
        cols["f"] = facility
    keys = pd.DataFrame(cols)
    dup = keys.duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    by = list(cols.values())
    first_line = frame["line"].groupby(by, sort=False).transform("first")

    def duplicate(i: int) -> StudyError:
        where = f"region {region.iat[i]}, " if codes.panel else ""
        at = f", facility {facility.iat[i]}" if facility is not None else ""
        return StudyError(
            f"duplicate row for {where}year {year.iat[i]}, sector {sector.iat[i]}{at}, "
            f"{spec.what} {name.iat[i]} (also on row {first_line.iat[i]})",
            file=t.label,
            row=int(frame["line"].iat[i]),
            fix=f"keep one row per year, sector{', facility' if at else ''} and {spec.what}",
        )

    errors.add(dup, duplicate)


def read_long(t: Table, spec: LongSpec, codes: Codes, years: tuple[int, int]) -> pd.DataFrame:
    """Read a long table into canonical floats (see the module docstring).

    Returns ``[region,] year, sector, <key>, value, unit, dimension, source_unit, file,
    line`` — the region column only in a study with regions.csv.
    """
    frame = frame_of(t)
    errors = _FirstError()
    year, bad_year = years_of(frame["year"])
    errors.add(
        bad_year,
        _where(frame, t.label, "year", "write the year as e.g. 2015")(
            lambda i: f"year '{frame['year'].iat[i]}' is not a four-digit year"
        ),
    )
    outside = (~bad_year) & ((year < years[0]) | (year > years[1])).fillna(False)
    errors.add(
        outside,
        _where(
            frame, t.label, "year", "drop the row, or widen years (or lead_years) in study.toml"
        )(lambda i: f"year {year.iat[i]} is outside the study's years {years[0]}-{years[1]}"),
    )
    region, sector = _check_codes(frame, t, codes, spec, errors)
    name = _check_keys(frame, t, spec, errors)
    factor, canonical, dimension = _check_units(frame, t, spec, name, errors)
    value, bad_value = numbers(frame["value"])
    errors.add(
        bad_value,
        _where(frame, t.label, "value", _VALUE_FIX)(
            lambda i: f"value '{frame['value'].iat[i]}' is not a number"
        ),
    )
    facility = _check_facility(frame, t, errors)
    _check_duplicates(frame, t, spec, codes, (region, year, sector, name, facility), errors)
    errors.raise_first()
    out = pd.DataFrame(
        {
            "year": year.astype(int),
            "sector": sector.astype(str),
            spec.key: name,
            "value": value * factor,
            "unit": canonical.astype(str),
            "dimension": dimension.astype(str),
            "source_unit": frame["unit"].astype(str),
            "file": t.label,
            "line": frame["line"].astype(int),
        }
    )
    if facility is not None:
        out.insert(2, "facility", facility.astype(str))
    if codes.panel:
        out.insert(0, "region", region.astype(str))
    return out.reset_index(drop=True)
