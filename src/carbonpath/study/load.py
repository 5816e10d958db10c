"""``load_study``: a study folder -> a validated :class:`~carbonpath.study.data.StudyData`.

Loading reads ``study.toml`` once into settings, reads every table once (CSV or a
workbook sheet), parses each distinct unit once (:mod:`carbonpath.core.units`), checks
structure (columns, codes, years, units, currencies) on whole columns
(:mod:`carbonpath.study.tables`), then hands the tidy tables to the quality step
(:func:`carbonpath.quality.assure.assure`, region by region in a panel), which flags
anomalies, applies documented corrections and fills gaps.  What comes out is canonical
floats; analyses read them through :class:`~carbonpath.study.resolver.Resolver`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.accounting.factors import COLUMNS as FACTOR_FILE_COLUMNS
from carbonpath.accounting.overrides import resolve_factor_set
from carbonpath.core.errors import StudyError
from carbonpath.core.variables import ECONOMY_VARIABLES
from carbonpath.engine.csvfile import csv_header
from carbonpath.engine.fold import csv_rows_columns, parquet_rows_columns
from carbonpath.io.files import MB, locate_input, sha256_input
from carbonpath.io.tables import Table, _header, read_csv_table, read_parquet_table
from carbonpath.io.toml import parse_toml
from carbonpath.study.codes import read_regions, read_sectors
from carbonpath.study.context_table import CONTEXT_OPTIONAL, CONTEXT_REQUIRED, read_context
from carbonpath.study.corrections_table import read_corrections
from carbonpath.study.data import StudyData
from carbonpath.study.facilities import FileRules, fold_facilities, fold_facility_file
from carbonpath.study.panel_quality import assure_study, inventory_flags
from carbonpath.study.settings import StudySettings, parse_study_settings
from carbonpath.study.tables import Codes, LongSpec, read_long

__all__ = ["BUILTIN", "StudyData", "builtin_path", "load_study"]

BUILTIN = "beijing"
FACTOR_COLUMNS = [c for c in FACTOR_FILE_COLUMNS if c != "fuel"]
_LONG = ["year", "value", "unit"]


def builtin_path(name: str = BUILTIN) -> Path:
    """Folder of a study shipped inside the package."""
    return Path(str(resources.files("carbonpath") / "data" / "studies" / name))


class _Inputs:
    """Opens the study's tables (CSV or ``book.xlsx#Sheet``) and records each input."""

    def __init__(self, folder: Path, settings: StudySettings) -> None:
        self.folder = folder
        self.settings = settings
        self.records: list[dict[str, Any]] = []
        self.columns: dict[str, dict[str, str]] = {}  # facility files: canonical -> file name

    def label(self, role: str) -> str:
        return str(getattr(self.settings.files, role))

    @property
    def max_bytes(self) -> int:
        return int(self.settings.limits.max_file_mb * MB)

    def table(self, role: str, required: list[str], optional: list[str]) -> Table | None:
        """The table of ``role``, or None when its file does not exist; inputs are opened
        through :mod:`carbonpath.io.files` (inside the study folder, regular, bounded)."""
        name = self.label(role)
        fname, _, sheet = name.partition("#")
        p = self.folder / fname
        if locate_input(p, label=fname, root=self.folder) is None:
            return None
        opened = {"root": self.folder, "max_bytes": self.max_bytes}
        if fname.lower().endswith((".xlsx", ".xlsm")):
            from carbonpath.io.workbook import read_workbook_table

            t = read_workbook_table(
                p, sheet or role, label=name, required=required, optional=optional, **opened
            )
        elif fname.lower().endswith((".parquet", ".pq")):
            t = read_parquet_table(p, label=name, required=required, optional=optional, **opened)
        else:
            t = read_csv_table(
                p,
                label=name,
                required=required,
                optional=optional,
                encoding=self.settings.encoding,
                **opened,
            )
        self.records.append(
            {"file": name, "sha256": t.sha256, "encoding": t.encoding, "rows": len(t.rows)}
        )
        return t

    def facility_file(self, role: str, required: list[str], optional: list[str]) -> Path | None:
        """The Parquet or CSV file of ``role`` when it is a facility table for DuckDB: it
        has a ``facility`` column and ``[engine] kind = "duckdb"`` or more rows than
        ``threshold_rows`` (``auto``).  Its header is checked here, its rows by DuckDB."""
        name = self.label(role)
        engine = self.settings.engine
        parquet = name.lower().endswith((".parquet", ".pq"))
        if "#" in name or not (parquet or name.lower().endswith(".csv")):
            return None
        if engine.kind not in ("auto", "duckdb"):
            return None
        p = locate_input(self.folder / name, label=name, root=self.folder)
        if p is None:
            return None
        try:
            rows, names = (
                parquet_rows_columns(p) if parquet else (-1, csv_header(p, self.settings.encoding))
            )
        except Exception:  # a damaged file: the pandas reader says what is wrong
            return None
        plain = [unicodedata.normalize("NFKC", str(c)).strip().lower() for c in names]
        if "facility" not in plain:  # not a facility table: the in-memory reader takes it
            return None
        header = _header([str(c) for c in names], name, 1, required, optional)
        if rows < 0:  # a CSV's lines are counted only once it is known to be a facility table
            rows = csv_rows_columns(p, self.settings.encoding)[0]
        if engine.kind == "auto" and rows <= engine.threshold_rows:
            return None
        size = p.stat().st_size
        if size > self.max_bytes:
            raise StudyError(
                f"is {size / MB:,.0f} MB, above the limit of {self.max_bytes / MB:,.0f} MB",
                file=name,
                fix="raise [limits] max_file_mb in study.toml if this is the right file",
            )
        if rows == 0:
            raise StudyError(
                "has a header but no data rows",
                file=name,
                fix=f"add the data rows under the header {','.join(header)}",
            )
        self.columns[role] = dict(zip(header, names, strict=False))
        self.records.append(
            {
                "file": name,
                "sha256": _sha256(p),
                "encoding": "parquet" if parquet else self.settings.encoding,
                "rows": rows,
            }
        )
        return p

    def yearbook(self) -> dict[str, list[Table]]:
        if not self.settings.yearbook:
            return {}
        from carbonpath.io.yearbook import yearbook_tables

        first, last = self.settings.years
        tables = yearbook_tables(
            self.folder,
            self.settings.yearbook,
            list(range(first, last + 1)),
            max_bytes=self.max_bytes,
        )
        for entry in self.settings.yearbook:
            for p in sorted(self.folder.glob(entry["file"].replace("{year}", "*"))):
                digest = sha256_input(p, label=p.name, root=self.folder, max_bytes=self.max_bytes)
                self.records.append(
                    {"file": p.name, "sha256": digest, "encoding": "xlsx", "rows": None}
                )
        return tables


def _sha256(path: Path) -> str:
    """SHA-256 of a file read in 8 MiB blocks (a facility file is never held whole)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(8 * 2**20):
            digest.update(block)
    return digest.hexdigest()


def _study_folder(path: str | Path | None) -> tuple[Path, bool]:
    builtin = path is None
    folder = builtin_path() if builtin else Path(path)  # type: ignore[arg-type]
    if not folder.exists():
        raise StudyError(
            f"study folder '{folder}' does not exist",
            fix="give the path of a folder with study.toml, or `carbonpath init DIR` to create one",
        )
    if folder.is_file():
        if folder.name != "study.toml":
            raise StudyError(f"'{folder}' is a file; give the study folder that holds study.toml")
        folder = folder.parent
    return folder, builtin


def _regions(inputs: _Inputs) -> tuple[pd.DataFrame, bool]:
    t = inputs.table("regions", ["code", "name"], ["name_zh", "group"])
    if t is None:
        one = pd.DataFrame(
            {"code": [""], "name": [inputs.settings.region], "name_zh": [""], "group": [""]}
        )
        return one, False
    return read_regions(t), True


def _key_columns(panel: bool, sector: bool, key: str) -> tuple[list[str], list[str]]:
    """(required, optional) columns of a long table (energy and emissions: ``facility``)."""
    required = (
        ["year", "sector", key, "value", "unit"] if sector else ["year", key, "value", "unit"]
    )
    optional = [] if sector else ["sector"]
    if key == "fuel":
        optional = [*optional, "facility"]
    if panel:
        optional = ["region", *optional]
    return required, optional


def _sectors(
    inputs: _Inputs, t: Table | None, long_tables: list[Table | None]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sectors (empty in a region-level study: no sectors.csv and no sector codes)."""
    groups = dict(inputs.settings.groups)
    if t is not None:
        return read_sectors(t, groups)
    names_sectors = any(
        lt is not None and "sector" in lt.columns and any(lt.column("sector")) for lt in long_tables
    )
    if names_sectors:
        raise StudyError(
            "file is missing",
            file=inputs.label("sectors"),
            fix="list the study's sectors as code,name,group (see docs/study-format.md)",
        )
    empty = pd.DataFrame(columns=["code", "name", "group", "name_zh", "role"])
    return empty, groups


def _check_rows(tables: list[Table | None]) -> None:
    for t in tables:
        if t is not None and not t.rows:
            raise StudyError(
                "has a header but no data rows",
                file=t.label,
                fix=f"add the data rows under the header {','.join(t.columns)}",
            )


def _source(
    settings: StudySettings, inputs: _Inputs, energy_t: Table | None, emissions_t: Table | None
) -> str:
    source = settings.accounting.source or ("energy" if energy_t is not None else "inventory")
    if source == "energy" and energy_t is None:
        raise StudyError(
            "file is missing",
            file=inputs.label("energy"),
            fix='add energy consumption by fuel, or set [accounting] source = "inventory" with emissions.csv',
        )
    if source == "inventory" and emissions_t is None:
        raise StudyError(
            "file is missing (the study is in inventory mode)",
            file=inputs.label("emissions"),
            fix="add emissions.csv (year,sector,fuel,value,unit) or energy.csv",
        )
    return source


def _read_long_all(
    tables: list[Table], spec: LongSpec, codes: Codes, years: tuple[int, int]
) -> pd.DataFrame:
    """Read several long tables (a CSV and yearbook sheets) and refuse duplicate keys."""
    frames = [read_long(t, spec, codes, years) for t in tables]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        keys = [c for c in ("region", "year", "sector", spec.key) if c in df.columns]
        dup = df.duplicated(keys, keep="first")
        if dup.any():
            row = df[dup].iloc[0]
            same = (df[keys] == row[keys]).all(axis=1)
            first = df[same].iloc[0]
            raise StudyError(
                f"duplicate row for year {row['year']}, sector {row['sector']}, {spec.key} "
                f"{row[spec.key]} (also in {first['file']} row {first['line']})",
                file=row["file"],
                row=int(row["line"]),
                fix="give each value in one place only",
            )
    return df


def _check_currencies(economy: pd.DataFrame) -> None:
    """Each currency variable in one currency: carbonpath never converts between them."""
    money = economy[economy["dimension"] == "currency"]
    for variable, grp in money.groupby("variable", sort=False):
        units = grp["unit"].unique()
        if len(units) > 1:
            first = grp.iloc[0]
            other = grp[grp["unit"] != first["unit"]].iloc[0]
            raise StudyError(
                f"{variable} is in {other['unit']} here but in {first['unit']} on row "
                f"{first['line']} of {first['file']}",
                file=str(other["file"]),
                row=int(other["line"]),
                column="unit",
                fix="give each variable in one currency (carbonpath never converts between "
                "currencies); declare a second variable for the other currency",
            )


def _check_variable_names(variables: dict[str, str], fs: Any) -> None:
    """A custom variable may not take the name of a fuel (``coal[modern]`` would be both)."""
    fuels = set(_known_fuels(fs))
    for name in variables:
        if name in fuels:
            raise StudyError(
                f"'{name}' is a fuel of the factor set; a custom variable needs another name",
                file="study.toml",
                key=f"variables.{name}",
                fix="rename the variable (and its rows in economy.csv)",
            )


def _known_fuels(fs: Any) -> dict[str, str]:
    known = {f: "fuel" for f in fs.fuels}
    known["electricity"] = "energy"
    known["heat"] = "energy"
    return known


def _read_factors(t: Table) -> pd.DataFrame:
    rows = []
    for cells, line in zip(t.rows, t.lines, strict=True):
        rec = dict(zip(t.columns, cells, strict=True))
        rec["file"] = t.label
        rec["line"] = line
        rows.append(rec)
    return pd.DataFrame(rows)


def _energy_spec(known: dict[str, str]) -> LongSpec:
    return LongSpec(
        key="fuel",
        what="fuel",
        known=known,
        dims=("mass", "volume", "energy"),
        unknown_fix="add a row to factors.csv (fuel,ncv,ncv_unit,physical_unit,carbon_content,oxidation,...)",
    )


def _economy_spec(variables: dict[str, str]) -> LongSpec:
    return LongSpec(
        key="variable",
        what="variable",
        known=variables,
        dims=None,
        required_dims=variables,
        region_rows=True,
        unknown_fix="declare it under [variables] in study.toml with its dimension",
    )


def _context(inputs: _Inputs) -> tuple[pd.DataFrame | None, dict[str, Any] | None]:
    """context.csv (optional): its series and its provenance (kept apart from
    ``inputs``, which lists the files the analyses read)."""
    t = inputs.table("context", CONTEXT_REQUIRED, CONTEXT_OPTIONAL)
    if t is None:
        return None, None
    return read_context(t), inputs.records.pop()


_INVENTORY = LongSpec(key="fuel", what="emission source", known=None, dims=("mass",))


def _long_tables(
    inputs: _Inputs, cols: dict[str, tuple[list[str], list[str]]]
) -> tuple[Table | None, Table | None, Table | None, dict[str, Path | None]]:
    """(energy, economy, emissions tables, the facility Parquet files DuckDB folds)."""
    big: dict[str, Path | None] = {"energy": inputs.facility_file("energy", *cols["fuel"])}
    energy_t = None if big["energy"] else inputs.table("energy", *cols["fuel"])
    economy_t = inputs.table("economy", *cols["variable"])
    big["emissions"] = inputs.facility_file("emissions", *cols["fuel"])
    emissions_t = None if big["emissions"] else inputs.table("emissions", *cols["fuel"])
    return energy_t, economy_t, emissions_t, big


def _fold_file(
    inputs: _Inputs, role: str, path: Path, rules: FileRules, value: str = "value"
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A facility Parquet or CSV file folded into sector cells on DuckDB (out of core)."""
    what = "fuel" if role == "energy" else "emissions"
    return fold_facility_file(
        path,
        inputs.columns[role],
        rules,
        inputs.settings.engine,
        label=inputs.label(role),
        value=value,
        what=what,
        encoding=inputs.settings.encoding,
    )


def _inventory(
    inputs: _Inputs,
    emissions_t: Table | None,
    path: Path | None,
    codes: Codes,
    years: tuple[int, int],
    kept: pd.DataFrame | None,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The emission inventory (inventory mode) folded into sector cells."""
    if path is not None:
        return _fold_file(inputs, "emissions", path, FileRules(_INVENTORY, codes, years), "co2_t")
    if emissions_t is None:
        return None, kept
    inventory = read_long(emissions_t, _INVENTORY, codes, years).rename(columns={"value": "co2_t"})
    return fold_facilities(inventory, inputs.settings.engine, value="co2_t", what="emissions")


def load_study(path: str | Path | None = None) -> StudyData:
    """Load a study folder (``None``: the built-in Beijing study) and validate it.

    Structural problems raise :class:`StudyError`; data-quality findings are kept in
    ``study.flags`` (errors that block a run in ``study.blocking``).
    """
    folder, builtin = _study_folder(path)
    settings = parse_study_settings(parse_toml(folder / "study.toml"), folder)
    inputs = _Inputs(folder, settings)
    regions, panel = _regions(inputs)
    sectors_t = inputs.table("sectors", ["code", "name", "group"], ["name_zh", "role"])
    sectors_file = sectors_t is not None
    cols = {k: _key_columns(panel, sectors_file, k) for k in ("fuel", "variable")}
    energy_t, economy_t, emissions_t, big = _long_tables(inputs, cols)
    sectors, groups = _sectors(inputs, sectors_t, [energy_t, economy_t, emissions_t])
    settings = settings.model_copy(update={"groups": groups})
    factors_t = inputs.table("factors", ["fuel"], FACTOR_COLUMNS)
    corr_required = (
        ["year", "sector", "variable", "value", "reason"]
        if sectors_file
        else ["year", "variable", "value", "reason"]
    )
    corr_optional = ["unit", *(["region"] if panel else []), *([] if sectors_file else ["sector"])]
    corrections_t = inputs.table("corrections", corr_required, corr_optional)
    yearbook = inputs.yearbook()
    if energy_t is None and yearbook.get("energy"):
        energy_t = yearbook["energy"].pop(0)
    if economy_t is None and yearbook.get("economy"):
        economy_t = yearbook["economy"].pop(0)
    source = _source(settings, inputs, energy_t or big["energy"], emissions_t or big["emissions"])
    if economy_t is None:
        raise StudyError(
            "file is missing",
            file=inputs.label("economy"),
            fix="add economy.csv with year,sector,variable,value,unit (output value, employment ...)",
        )
    # a table without rows is a mistake, except economy.csv of an inventory-mode study
    # (an imported inventory may come without economic data; analyses then say so)
    _check_rows(
        [economy_t if source == "energy" else None, energy_t if source == "energy" else emissions_t]
    )

    codes = Codes(tuple(regions["code"]), panel, tuple(sectors["code"]))
    first, last = settings.years
    years = (first - settings.lead_years, last)
    factors_override = _read_factors(factors_t) if factors_t is not None else None
    factor_set = resolve_factor_set(settings.accounting.factor_set, factors_override)
    energy_spec = _energy_spec(_known_fuels(factor_set))
    energy, kept = None, None
    if source == "energy" and big["energy"] is not None:
        rules = FileRules(energy_spec, codes, years)
        energy, kept = _fold_file(inputs, "energy", big["energy"], rules)
    elif source == "energy" and energy_t is not None:
        tables = [energy_t, *yearbook.get("energy", [])]
        energy = _read_long_all(tables, energy_spec, codes, years)
        energy, kept = fold_facilities(energy, settings.engine)
    inventory = None
    if source == "inventory":
        inventory, kept = _inventory(inputs, emissions_t, big["emissions"], codes, years, kept)
    _check_variable_names(settings.variables, factor_set)
    variables = {**ECONOMY_VARIABLES, **settings.variables}
    economy = _read_long_all(
        [economy_t, *yearbook.get("economy", [])], _economy_spec(variables), codes, years
    )
    _check_currencies(economy)
    corrections = read_corrections(corrections_t, codes, years) if corrections_t else None

    qa = assure_study(
        energy,
        economy,
        sectors,
        regions if panel else None,
        list(range(first, last + 1)),
        settings,
        corrections,
        tce_per_unit={
            f: t for f in factor_set.fuels if (t := factor_set.get(f).tce_per_unit) is not None
        },
    )
    context, context_file = _context(inputs)
    flags = list(qa.flags)
    if inventory is not None:
        flags += inventory_flags(inventory, sectors, settings.quality, regions if panel else None)
    return StudyData(
        path=folder,
        builtin=builtin,
        settings=settings,
        sectors=sectors,
        energy=qa.energy if energy is not None else None,
        economy=qa.economy,
        emissions_inventory=inventory,
        factors_override=factors_override,
        factors=factor_set,
        regions=regions,
        is_panel=panel,
        flags=flags,
        corrections=list(qa.corrections),
        filled=list(qa.filled),
        blocking=list(qa.blocking),
        inputs=inputs.records,
        context=context,
        context_file=context_file,
        facilities=kept,
    )
