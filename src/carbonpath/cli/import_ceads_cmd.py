"""``carbonpath import-ceads FILES... --province NAME|all --sectors SEL --out DIR [--force]``.

Writes an inventory-mode study from CEADs provincial workbooks, or a region-level panel
study from the CEADs 290-city workbook (recognised by its sheets), see
docs/data-import.md.  Problems with the files become one-line errors, exit 2.
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
        province: list[str] = typer.Option(
            None,
            "--province",
            help="Province, e.g. Beijing; repeat the option or give a comma list for a "
            "panel study, or 'all' (30 provinces). Not used with the city workbook.",
        ),
        sectors: str = typer.Option(
            "modern",
            "--sectors",
            help="modern (default), manufacturing, industry, all, or a comma list of codes "
            "(e.g. 26,27,291,E,urban).",
        ),
        out: Path = typer.Option(..., "--out", help="Folder to write the study into."),
        force: bool = typer.Option(
            False, "--force", help="Replace the study files in a non-empty --out folder."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Write an inventory-mode study (emissions by sector and fuel, t CO2) from CEADs."""
        from carbonpath.io.ceads_cities import import_ceads_cities, is_city_workbook

        paths = _expand(files)
        if len(paths) == 1 and is_city_workbook(paths[0]):
            folder = import_ceads_cities(paths[0], out, force=force, provinces=province or None)
        else:
            if not province:
                from carbonpath.core.errors import InputError

                raise InputError(
                    "--province is missing",
                    fix="give --province NAME (repeat it, or 'all', for a panel study)",
                )
            from carbonpath.io.ceads_study import import_ceads

            folder = import_ceads(paths, province, out, sectors=sectors, force=force)
        summary = _summary(folder)
        if as_json:
            typer.echo(json.dumps(summary, indent=2, sort_keys=False, allow_nan=False))
        else:
            typer.echo(
                f"wrote {folder}: {summary['regions']} region(s) {summary['years'][0]}-"
                f"{summary['years'][1]}, {len(summary['sectors'])} sectors, "
                f"{summary['rows']} emission rows"
            )


def _summary(folder: Path) -> dict[str, object]:
    import pandas as pd

    em = pd.read_csv(folder / "emissions.csv", dtype={"sector": str, "region": str})
    regions = sorted(em["region"].unique().tolist()) if "region" in em else []
    return {
        "study": str(folder),
        "regions": len(regions) or 1,
        "years": [int(em["year"].min()), int(em["year"].max())],
        "sectors": sorted(em["sector"].dropna().unique().tolist()),
        "rows": int(len(em)),
    }
