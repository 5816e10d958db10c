"""``carbonpath factors``: print an emission-factor set with its derivation.

CO2 factor = NCV x carbon content x oxidation x 44/12, per physical unit (t CO2 per t,
or per m3 for gases); see docs/methods/accounting.md.
"""

from __future__ import annotations

import json
import math
from typing import Any

import typer


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def factor_records(name: str) -> list[dict[str, Any]]:
    """One JSON-ready record per fuel of factor set ``name`` (InputError if unknown):
    source values, derived factors, the gap between the tce factor and the NCV, notes."""
    from carbonpath.accounting.factors import load_factor_set

    fs = load_factor_set(name)
    return [{k: _clean(v) for k, v in f.record().items()} for f in fs.entries.values()]


#: the built-in factor sets (the help names them without importing the accounting code;
#: tests/cli/test_help.py checks the list against ``available_sets()``)
BUILTIN_SETS = ("cn-provincial-2011", "ipcc-2006")


def _fmt(x: float | None, digits: int = 4) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def register(app: typer.Typer) -> None:
    """Add the ``factors`` command to ``app``."""

    @app.command("factors")
    def factors(
        set_name: str = typer.Option(
            "cn-provincial-2011",
            "--set",
            help=f"Factor set to print: {' or '.join(BUILTIN_SETS)}.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON records."),
    ) -> None:
        """Print an emission-factor set with the derivation NCV x C x oxidation x 44/12."""
        from carbonpath.accounting.factors import available_sets

        records = factor_records(set_name)
        if as_json:
            typer.echo(
                json.dumps(
                    records,
                    indent=2,
                    sort_keys=False,
                    allow_nan=False,
                    ensure_ascii=False,
                )
            )
            return
        typer.echo(f"factor set: {set_name}   (available: {', '.join(available_sets())})")
        typer.echo("CO2 factor = NCV x carbon content x oxidation x 44/12")
        typer.echo("")
        for r in records:
            phys = r["co2_factor_unit"].split("/")[-1]
            if phys == "t":
                ncv_gj, unit_word = r["ncv"] / 1000.0, "GJ/t"
            else:
                ncv_gj, unit_word = r["ncv"] / 1e6, "GJ/m3"
            typer.echo(
                f"{r['fuel']:<22} {r['ncv']:>10g} {r['ncv_unit']:<6} x {r['carbon_content']:g} tC/TJ "
                f"x {r['oxidation']:g} x 44/12 = {ncv_gj:g} {unit_word} x {r['carbon_content'] / 1000:g} "
                f"tC/GJ x {r['oxidation']:g} x 3.6667 = {_fmt(r['co2_factor'], 6)} {r['co2_factor_unit']}"
                f"   | tce factor {_fmt(r['tce_factor'])} {r['tce_factor_unit']}"
                f" -> {_fmt(r['co2_per_tce'])} t CO2/tce"
            )
        typer.echo("")
        sources = list(dict.fromkeys(r["source"] for r in records))
        for s in sources:
            typer.echo(f"source: {s}")
        notes = [r for r in records if r["note"]]
        if notes:
            typer.echo("")
            typer.echo("notes (tce factor x 29,307.6 kJ/kgce against the NCV):")
        for r in notes:
            typer.echo(f"  {r['fuel']} ({r['tce_ncv_gap_pct']:+.3f} %): {r['note']}")
