"""``carbonpath import-ceads FILES... --province NAME --out DIR [--force]``.

Writes an inventory-mode study from CEADs provincial workbooks (see
docs/data-import.md).  Problems with the files become one-line errors, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the CEADs provincial workbooks inside it."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.suffix.lower() == ".xlsx" and "provinces" in f.name.lower()
            )
            if not found:
                from carbonpath.core.errors import InputError

                raise InputError(
                    f"folder '{p}' holds no CEADs provincial workbook",
                    fix="give the Emission_Inventories_for_30_Provinces_YYYY.xlsx files",
                )
            out.extend(found)
        else:
            out.append(p)
    return out


def register(app: typer.Typer) -> None:
    @app.command("import-ceads")
    def import_ceads_command(
        files: list[Path] = typer.Argument(
            ..., help="CEADs provincial workbooks (one per year), or a folder holding them."
        ),
        province: str = typer.Option(..., "--province", help="Province, e.g. Beijing."),
        out: Path = typer.Option(..., "--out", help="Folder to write the study into."),
        force: bool = typer.Option(
            False, "--force", help="Replace the study files in a non-empty --out folder."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Write an inventory-mode study (emissions by sector and fuel, t CO2) from CEADs."""
        import pandas as pd

        from carbonpath.io.ceads_study import import_ceads

        folder = import_ceads(_expand(files), province, out, force=force)
        em = pd.read_csv(folder / "emissions.csv", dtype={"sector": str})
        summary = {
            "study": str(folder),
            "province": province,
            "years": [int(em["year"].min()), int(em["year"].max())],
            "sectors": sorted(em["sector"].unique().tolist()),
            "rows": int(len(em)),
        }
        if as_json:
            typer.echo(json.dumps(summary, indent=2, sort_keys=False, allow_nan=False))
        else:
            typer.echo(
                f"wrote {folder}: {province} {summary['years'][0]}-{summary['years'][1]}, "
                f"{len(summary['sectors'])} sectors, {summary['rows']} emission rows (t CO2)"
            )
