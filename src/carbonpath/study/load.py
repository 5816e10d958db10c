"""The Study: a validated study folder as tidy tables, and ``load_study``.

Loading reads ``study.toml`` and the CSV tables once, parses every unit (see
:mod:`carbonpath.core.units`), checks structure (columns, keys, codes, years, units), then
hands the tidy tables to the quality step (:func:`carbonpath.quality.assure.assure`),
which flags anomalies, applies documented corrections and fills gaps.  What comes out
is canonical floats; analyses read them through :class:`~carbonpath.study.resolver.Resolver`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from carbonpath.accounting.factors import COLUMNS as FACTOR_FILE_COLUMNS
from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.units import parse_unit
from carbonpath.core.variables import ECONOMY_VARIABLES
from carbonpath.io.tables import Table, parse_number, parse_year, read_csv_table
from carbonpath.io.toml import parse_toml
from carbonpath.study import settings as study_toml

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.results import Results

BUILTIN = "beijing"

KNOWN_VARIABLES = ECONOMY_VARIABLES

ROLES = ("member", "reference", "region")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,31}$")


def builtin_path(name: str = BUILTIN) -> Path:
    """Folder of a study shipped inside the package."""
    return Path(str(resources.files("carbonpath") / "data" / "studies" / name))


@dataclass
class Study:
    """A loaded, validated study (tidy tables in canonical units)."""

    path: Path
    builtin: bool
    config: dict[str, Any]
    sectors: pd.DataFrame
    energy: pd.DataFrame | None
    economy: pd.DataFrame
    emissions_inventory: pd.DataFrame | None
    factors_override: pd.DataFrame | None
    flags: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    filled: list[dict[str, Any]] = field(default_factory=list)
    blocking: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)

    # ---- convenient views -------------------------------------------------
    @property
    def years(self) -> list[int]:
        first, last = self.config["years"]
        return list(range(first, last + 1))

    @property
    def members(self) -> list[str]:
        return self.sectors.loc[self.sectors["role"] == "member", "code"].tolist()

    @property
    def reference(self) -> str | None:
        codes = self.sectors.loc[self.sectors["role"] == "reference", "code"].tolist()
        return codes[0] if codes else None

    @property
    def region_code(self) -> str | None:
        codes = self.sectors.loc[self.sectors["role"] == "region", "code"].tolist()
        return codes[0] if codes else None

    @property
    def groups(self) -> dict[str, str]:
        """Group id -> label, in display order."""
        return dict(self.config["groups"])

    @property
    def mode(self) -> str:
        return "inventory" if self.energy is None else "energy"

    @property
    def seed(self) -> int:
        return int(self.config["seed"])

    def run(
        self,
        only: list[str] | None = None,
        progress: Any = None,
        allow_errors: bool = False,
    ) -> Results:
        """Run every configured analysis (or those in ``only``); see :mod:`carbonpath.pipeline`."""
        from carbonpath.pipeline import run_study

        return run_study(self, only=only, progress=progress, allow_errors=allow_errors)


# ---------------------------------------------------------------------------
# loading


def load_study(path: str | Path | None = None) -> Study:
    """Load a study folder (``None``: the built-in Beijing study) and validate it.

    Structural problems raise :class:`StudyError`; data-quality findings are kept in
    ``study.flags`` (errors that block a run in ``study.blocking``).
    """
    builtin = path is None
    folder = builtin_path() if builtin else Path(path)  # type: ignore[arg-type]
    if not folder.exists():
        raise StudyError(
            f"study folder '{folder}' does not exist",
            fix="give the path of a folder with study.toml, or `carbonpath init DIR` to create one",
        )
    if folder.is_file():
        if folder.name == "study.toml":
            folder = folder.parent
        else:
            raise StudyError(f"'{folder}' is a file; give the study folder that holds study.toml")
    raw = parse_toml(folder / "study.toml")
    cfg = study_toml.validate(raw, folder)
    enc = cfg["encoding"]
    files = cfg["files"]
    inputs: list[dict[str, Any]] = []

    def table(role: str, required: list[str], optional: list[str]) -> Table | None:
        # inputs are opened through io.files: inside the study folder, regular, bounded
        from carbonpath.io.files import locate_input, max_input_bytes

        name = files[role]
        fname, _, sheet = name.partition("#")
        p = folder / fname
        if locate_input(p, label=fname, root=folder) is None:
            return None
        opened = {"root": folder, "max_bytes": max_input_bytes(raw)}
        if fname.lower().endswith((".xlsx", ".xlsm")):
            from carbonpath.io.yearbook import read_workbook_table

            t = read_workbook_table(
                p, sheet or role, label=name, required=required, optional=optional, **opened
            )
        else:
            t = read_csv_table(
                p, label=name, required=required, optional=optional, encoding=enc, **opened
            )
        inputs.append(
            {
                "file": name,
                "sha256": t.sha256,
                "encoding": t.encoding,
                "rows": len(t.rows),
            }
        )
        return t

    sectors_t = table("sectors", ["code", "name", "group"], ["name_zh", "role"])
    if sectors_t is None:
        raise StudyError(
            "file is missing",
            file=files["sectors"],
            fix="list the study's sectors as code,name,group (see docs/study-format.md)",
        )
    sectors = _read_sectors(sectors_t, cfg)

    energy_t = table("energy", ["year", "sector", "fuel", "value", "unit"], [])
    economy_t = table("economy", ["year", "sector", "variable", "value", "unit"], [])
    emissions_t = table("emissions", ["year", "sector", "fuel", "value", "unit"], [])
    factors_t = table("factors", ["fuel"], FACTOR_COLUMNS)
    corrections_t = table(
        "corrections", ["year", "sector", "variable", "value", "reason"], ["unit"]
    )

    yearbook: dict[str, list[Table]] = {}
    if cfg.get("yearbook"):
        from carbonpath.io.yearbook import yearbook_tables

        yearbook = yearbook_tables(
            folder,
            cfg["yearbook"],
            list(range(cfg["years"][0], cfg["years"][1] + 1)),
        )
        from carbonpath.io.files import max_input_bytes, sha256_input

        for entry in cfg["yearbook"]:
            for p in sorted(folder.glob(entry["file"].replace("{year}", "*"))):
                digest = sha256_input(p, label=p.name, root=folder, max_bytes=max_input_bytes(raw))
                inputs.append({"file": p.name, "sha256": digest, "encoding": "xlsx", "rows": None})
    if energy_t is None and yearbook.get("energy"):
        energy_t = yearbook["energy"].pop(0)
    if economy_t is None and yearbook.get("economy"):
        economy_t = yearbook["economy"].pop(0)

    source = cfg["accounting"].get("source") or ("energy" if energy_t is not None else "inventory")
    if source == "energy" and energy_t is None:
        raise StudyError(
            "file is missing",
            file=files["energy"],
            fix='add energy consumption by fuel, or set [accounting] source = "inventory" with emissions.csv',
        )
    if source == "inventory" and emissions_t is None:
        raise StudyError(
            "file is missing (the study is in inventory mode)",
            file=files["emissions"],
            fix="add emissions.csv (year,sector,fuel,value,unit) or energy.csv",
        )
    if economy_t is None:
        raise StudyError(
            "file is missing",
            file=files["economy"],
            fix="add economy.csv with year,sector,variable,value,unit (output value, employment ...)",
        )
    # a table without rows is a mistake, except economy.csv of an inventory-mode study
    # (an imported inventory may come without economic data; analyses then say so)
    needed = [sectors_t, economy_t if source == "energy" else None]
    needed.append(energy_t if source == "energy" else emissions_t)
    for t in needed:
        if t is not None and not t.rows:
            raise StudyError(
                "has a header but no data rows",
                file=t.label,
                fix=f"add the data rows under the header {','.join(t.columns)}",
            )

    codes = set(sectors["code"])
    years = (cfg["years"][0] - cfg["lead_years"], cfg["years"][1])
    factors_override = _read_factors(factors_t) if factors_t is not None else None
    factor_set = _factor_set(cfg, factors_override)
    known_fuels = _known_fuels(factor_set)

    energy = None
    if source == "energy" and energy_t is not None:
        energy = _read_long_all(
            [energy_t, *yearbook.get("energy", [])],
            "fuel",
            codes,
            years,
            known=known_fuels,
            dims=("mass", "volume", "energy"),
            what="fuel",
        )
    inventory = None
    if emissions_t is not None and source == "inventory":
        inventory = _read_long(
            emissions_t,
            "fuel",
            codes,
            years,
            known=None,
            dims=("mass",),
            what="emission source",
        )
        inventory = inventory.rename(columns={"value": "co2_t"})
    variables = dict(KNOWN_VARIABLES)
    variables.update(cfg["variables"])
    economy = _read_long_all(
        [economy_t, *yearbook.get("economy", [])],
        "variable",
        codes,
        years,
        known=variables,
        dims=None,
        what="variable",
        required_dims=variables,
    )
    corrections = (
        _read_corrections(corrections_t, codes, years, variables) if corrections_t else None
    )

    from carbonpath.quality.assure import assure

    energy_for_qa = energy if energy is not None else _empty_long("fuel")
    qa = assure(
        energy_for_qa,
        economy,
        sectors,
        list(range(cfg["years"][0], cfg["years"][1] + 1)),
        cfg["lead_years"],
        cfg["quality"],
        corrections,
        tce_per_unit={
            f: t for f in factor_set.fuels if (t := factor_set.get(f).tce_per_unit) is not None
        },
    )
    energy_final = qa.energy if energy is not None else None
    flags = list(qa.flags)
    if inventory is not None:
        flags += _inventory_flags(inventory, sectors, cfg["quality"])
    return Study(
        path=folder,
        builtin=builtin,
        config=cfg,
        sectors=sectors,
        energy=energy_final,
        economy=qa.economy,
        emissions_inventory=inventory,
        factors_override=factors_override,
        flags=flags,
        corrections=list(qa.corrections),
        filled=list(qa.filled),
        blocking=list(qa.blocking),
        inputs=inputs,
    )


FACTOR_COLUMNS = [c for c in FACTOR_FILE_COLUMNS if c != "fuel"]


def _read_sectors(t: Table, cfg: dict[str, Any]) -> pd.DataFrame:
    rows = []
    seen: dict[str, int] = {}
    groups = dict(cfg["groups"])
    derive_groups = not groups
    for cells, line in zip(t.rows, t.lines, strict=True):
        rec = dict(zip(t.columns, cells, strict=True))
        code = rec["code"]
        if not _CODE.match(code):
            raise StudyError(
                f"sector code '{code}' is not a valid code",
                file=t.label,
                row=line,
                column="code",
                fix="use letters, digits, '.', '_', '+' or '-' (e.g. 39, C, 36+37)",
            )
        if code in seen:
            raise StudyError(
                f"sector code '{code}' is listed twice (first on row {seen[code]})",
                file=t.label,
                row=line,
                column="code",
                fix="keep one row per sector code",
            )
        seen[code] = line
        if not rec["name"]:
            raise StudyError("sector name is empty", file=t.label, row=line, column="name")
        role = (rec.get("role") or "member").lower()
        if role not in ROLES:
            raise StudyError(
                f"role '{role}' is unknown{suggest(role, ROLES)}",
                file=t.label,
                row=line,
                column="role",
                fix="use member, reference or region",
            )
        group = rec["group"]
        if role == "member":
            if not group:
                raise StudyError(
                    "a member sector needs a group",
                    file=t.label,
                    row=line,
                    column="group",
                    fix="name its group (a key of [groups] in study.toml)",
                )
            if group not in groups:
                if derive_groups:
                    groups[group] = group
                else:
                    raise StudyError(
                        f"group '{group}' is not declared in study.toml [groups]"
                        f"{suggest(group, groups)}",
                        file=t.label,
                        row=line,
                        column="group",
                        fix="add it under [groups] or correct the spelling",
                    )
        rows.append(
            {
                "code": code,
                "name": rec["name"],
                "group": group if role == "member" else "",
                "name_zh": rec.get("name_zh", ""),
                "role": role,
                "line": line,
            }
        )
    df = pd.DataFrame(rows)
    if df.empty or not (df["role"] == "member").any():
        raise StudyError(
            "lists no member sector",
            file=t.label,
            fix="add at least one row with role member (the default)",
        )
    for role in ("reference", "region"):
        hits = df.loc[df["role"] == role]
        if len(hits) > 1:
            raise StudyError(
                f"has more than one '{role}' row",
                file=t.label,
                row=int(hits["line"].iloc[1]),
                column="role",
                fix=f"mark exactly one sector as {role}",
            )
    cfg["groups"] = groups
    return df.drop(columns="line")


def _factor_set(cfg: dict[str, Any], override: pd.DataFrame | None) -> Any:
    """The study's emission-factor set with its factors.csv overrides applied."""
    from carbonpath.accounting.factors import resolve_factor_set

    return resolve_factor_set(cfg["accounting"]["factor_set"], override)


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


def _empty_long(key: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": pd.Series(dtype=int),
            "sector": pd.Series(dtype=str),
            key: pd.Series(dtype=str),
            "value": pd.Series(dtype=float),
            "unit": pd.Series(dtype=str),
            "dimension": pd.Series(dtype=str),
            "source_unit": pd.Series(dtype=str),
            "file": pd.Series(dtype=str),
            "line": pd.Series(dtype=int),
        }
    )


def _unit(text: str, *, file: str, row: int):  # -> ParsedUnit
    from carbonpath.core.errors import InputError

    try:
        return parse_unit(text)
    except InputError as exc:
        raise StudyError(exc.message, file=file, row=row, column="unit", fix=exc.fix) from exc


def _inventory_flags(
    inventory: pd.DataFrame, sectors: pd.DataFrame, quality: dict[str, Any]
) -> list[dict[str, Any]]:
    """Quality checks on an emission inventory (e.g. CEADs), reported as warnings.

    A published inventory cannot be corrected cell by cell the way a yearbook table
    can, and its small sector-fuel cells jump by orders of magnitude for real reasons;
    so its findings are shown beside the results instead of stopping the run.
    """
    from carbonpath.quality.checks import run_checks

    frame = inventory.rename(columns={"co2_t": "value"})
    flags = run_checks(frame, "fuel", config=quality, sectors=sectors)
    for f in flags:
        if f["severity"] == "error":
            f["severity"] = "warning"
            f["message"] += " (inventory data: reported, not blocking)"
    return flags


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_long_all(tables: list[Table], key: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Read several long tables (a CSV and yearbook sheets) and refuse duplicate keys."""
    frames = [_read_long(t, key, *args, **kwargs) for t in tables]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        dup = df.duplicated(["year", "sector", key], keep="first")
        if dup.any():
            row = df[dup].iloc[0]
            first = df[
                (df["year"] == row["year"])
                & (df["sector"] == row["sector"])
                & (df[key] == row[key])
            ].iloc[0]
            raise StudyError(
                f"duplicate row for year {row['year']}, sector {row['sector']}, {key} {row[key]} "
                f"(also in {first['file']} row {first['line']})",
                file=row["file"],
                row=int(row["line"]),
                fix="give each value in one place only",
            )
    return df


def _read_long(
    t: Table,
    key: str,
    codes: set[str],
    years: tuple[int, int],
    *,
    known: dict[str, str] | None,
    dims: tuple[str, ...] | None,
    what: str,
    required_dims: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read a long table ``year,sector,<key>,value,unit`` into canonical floats."""
    out: dict[str, list[Any]] = {
        c: []
        for c in (
            "year",
            "sector",
            key,
            "value",
            "unit",
            "dimension",
            "source_unit",
            "file",
            "line",
        )
    }
    seen: dict[tuple[int, str, str], int] = {}
    idx = {c: t.columns.index(c) for c in t.columns}
    for cells, line in zip(t.rows, t.lines, strict=True):
        year = parse_year(cells[idx["year"]], file=t.label, row=line)
        if not years[0] <= year <= years[1]:
            raise StudyError(
                f"year {year} is outside the study's years {years[0]}-{years[1]}",
                file=t.label,
                row=line,
                column="year",
                fix="drop the row, or widen years (or lead_years) in study.toml",
            )
        sector = cells[idx["sector"]]
        if sector not in codes:
            raise StudyError(
                f"unknown sector code '{sector}'{suggest(sector, codes)}",
                file=t.label,
                row=line,
                column="sector",
                fix="use a code listed in sectors.csv or add the sector there",
            )
        name = cells[idx[key]].strip().lower()
        if not name:
            raise StudyError(f"{what} is empty", file=t.label, row=line, column=key)
        if known is not None and name not in known:
            listing = ", ".join(sorted(known))
            how = (
                "add a row to factors.csv (fuel,ncv,ncv_unit,physical_unit,carbon_content,oxidation,...)"
                if key == "fuel"
                else "declare it under [variables] in study.toml with its dimension"
            )
            raise StudyError(
                f"unknown {what} '{name}'{suggest(name, known)}; known: {listing}",
                file=t.label,
                row=line,
                column=key,
                fix=how,
            )
        unit_text = cells[idx["unit"]]
        if not unit_text.strip():
            raise StudyError(
                "unit is empty",
                file=t.label,
                row=line,
                column="unit",
                fix="write the unit of the value, e.g. t, 10^4 m^3, tce, 10^4 yuan, person",
            )
        parsed = _unit(unit_text, file=t.label, row=line)
        if dims is not None and parsed.dimension not in dims:
            raise StudyError(
                f"unit '{unit_text}' is a {parsed.dimension}, but a {what} needs {' or '.join(dims)}",
                file=t.label,
                row=line,
                column="unit",
                fix="give the quantity in a unit of that kind (e.g. t, 10^4 m^3, tce)",
            )
        if (
            required_dims is not None
            and name in required_dims
            and parsed.dimension != required_dims[name]
        ):
            raise StudyError(
                f"unit '{unit_text}' is a {parsed.dimension}, but {name} is a {required_dims[name]}",
                file=t.label,
                row=line,
                column="unit",
                fix=f"give {name} in a {required_dims[name]} unit",
            )
        value = parse_number(cells[idx["value"]], file=t.label, row=line, column="value")
        k = (year, sector, name)
        if k in seen:
            raise StudyError(
                f"duplicate row for year {year}, sector {sector}, {what} {name} "
                f"(also on row {seen[k]})",
                file=t.label,
                row=line,
                fix="keep one row per year, sector and " + what,
            )
        seen[k] = line
        out["year"].append(year)
        out["sector"].append(sector)
        out[key].append(name)
        out["value"].append(np.nan if value is None else value * parsed.factor)
        out["unit"].append(parsed.canonical)
        out["dimension"].append(parsed.dimension)
        out["source_unit"].append(unit_text)
        out["file"].append(t.label)
        out["line"].append(line)
    df = pd.DataFrame(out)
    return df.astype({"year": int, "value": float, "line": int})


def _read_corrections(
    t: Table, codes: set[str], years: tuple[int, int], variables: dict[str, str]
) -> pd.DataFrame:
    rows = []
    for cells, line in zip(t.rows, t.lines, strict=True):
        rec = dict(zip(t.columns, cells, strict=True))
        year = parse_year(rec["year"], file=t.label, row=line)
        if rec["sector"] not in codes:
            raise StudyError(
                f"unknown sector code '{rec['sector']}'{suggest(rec['sector'], codes)}",
                file=t.label,
                row=line,
                column="sector",
            )
        value = parse_number(rec["value"], file=t.label, row=line, column="value")
        if value is None:
            raise StudyError("a correction needs a value", file=t.label, row=line, column="value")
        if not rec["reason"]:
            raise StudyError(
                "a correction needs a reason",
                file=t.label,
                row=line,
                column="reason",
                fix="say in one sentence why the published value is replaced",
            )
        unit = rec.get("unit", "")
        if unit:
            _unit(unit, file=t.label, row=line)
        rows.append(
            {
                "year": year,
                "sector": rec["sector"],
                "variable": rec["variable"].lower(),
                "value": value,
                "reason": rec["reason"],
                "unit": unit,
                "file": t.label,
                "line": line,
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "sector", "variable", "value", "reason", "unit", "file", "line"]
    )
