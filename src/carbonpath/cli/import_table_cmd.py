"""``carbonpath import-table FILE --map MAP.toml --out DIR [--force] [--json]``.

Turns a country/region table (one row per region and year, one column per variable)
into a region-level panel study as the mapping file declares (docs/data-import.md).
Problems become one-line errors, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("import-table")
    def import_table_command(
        file: Path = typer.Argument(
            ..., help="The table: CSV or XLSX, one row per region and year."
        ),
        map_file: Path = typer.Option(
            ..., "--map", help="Mapping file (TOML): which column is what."
        ),
        out: Path = typer.Option(..., "--out", help="Folder to write the study into."),
        force: bool = typer.Option(
            False, "--force", help="Replace the study files in a non-empty --out folder."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Write a region-level panel study from a published country/region table."""
        from carbonpath.io.region_table import import_table

        folder = import_table(file, map_file, out, force=force)
        regions = (folder / "regions.csv").read_text(encoding="utf-8").count("\n") - 1
        tables = {
            name: (folder / f"{name}.csv").read_text(encoding="utf-8").count("\n") - 1
            for name in ("economy", "energy", "emissions")
            if (folder / f"{name}.csv").is_file()
        }
        summary = {"study": str(folder), "regions": regions, "rows": tables}
        if as_json:
            typer.echo(json.dumps(summary, indent=2, allow_nan=False))
        else:
            rows = ", ".join(f"{n} {t}.csv rows" for t, n in tables.items())
            typer.echo(f"wrote {folder}: {regions} regions, {rows}")
