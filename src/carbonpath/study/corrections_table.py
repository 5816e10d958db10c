"""``corrections.csv``: documented replacements of published values, read and located.

Columns ``year,sector,variable,value,reason[,unit][,region]``; the value is in the unit
given (or, when the unit is empty, in the unit of the value it replaces).  The quality
step applies them (:mod:`carbonpath.quality.corrections`).
"""

from __future__ import annotations

import pandas as pd

from carbonpath.core.errors import InputError, StudyError, suggest
from carbonpath.core.text import display_text, normalise_code
from carbonpath.core.units import parse_unit
from carbonpath.io.tables import Table, parse_number, parse_year
from carbonpath.study.tables import Codes

__all__ = ["read_corrections"]

COLUMNS = ["year", "sector", "variable", "value", "reason", "unit", "file", "line"]


def _code(rec: dict[str, str], column: str, known: tuple[str, ...], t: Table, line: int) -> str:
    code = normalise_code(rec.get(column, ""))
    if code not in known:
        raise StudyError(
            f"unknown {column} code '{display_text(code)}'{suggest(code, known)}",
            file=t.label,
            row=line,
            column=column,
        )
    return code


def _record(rec: dict[str, str], line: int, t: Table, codes: Codes) -> dict[str, object]:
    year = parse_year(rec["year"], file=t.label, row=line)
    sectors = codes.sectors if codes.sectors else ("",)
    sector = _code(rec, "sector", (*sectors, ""), t, line)
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
        try:
            parse_unit(unit)
        except InputError as exc:
            raise StudyError(
                exc.message, file=t.label, row=line, column="unit", fix=exc.fix
            ) from exc
    out: dict[str, object] = {
        "year": year,
        "sector": sector,
        "variable": rec["variable"].lower(),
        "value": value,
        "reason": rec["reason"],
        "unit": unit,
        "file": t.label,
        "line": line,
    }
    if codes.panel:
        out["region"] = (
            _code(rec, "region", codes.regions, t, line) if "region" in rec else codes.regions[0]
        )
    return out


def read_corrections(t: Table, codes: Codes, years: tuple[int, int]) -> pd.DataFrame:
    """The corrections as a frame (``region`` first in a panel study)."""
    del years  # a correction outside the study years finds no value and says so
    rows = [
        _record(dict(zip(t.columns, cells, strict=True)), line, t, codes)
        for cells, line in zip(t.rows, t.lines, strict=True)
    ]
    columns = (["region"] if codes.panel else []) + COLUMNS
    return pd.DataFrame(rows, columns=columns)
