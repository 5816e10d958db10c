"""``carbonpath check STUDY [--json]``: the data-quality findings of a study."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        study: Path | None = typer.Argument(None, help="Study folder (default: built-in)."),
        as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    ) -> None:
        """Check a study's data; exit 2 if an uncorrected error remains."""
        from carbonpath.core.results import jsonable
        from carbonpath.pipeline import load_study

        st = load_study(study)
        if as_json:
            payload = {
                "quality": {"flags": st.flags, "corrections": st.corrections, "filled": st.filled},
                "blocking": len(st.blocking),
            }
            typer.echo(json.dumps(jsonable(payload), indent=2, ensure_ascii=False, allow_nan=False))
        else:
            for f in st.flags:
                where = ", ".join(
                    str(x)
                    for x in (f.get("file"), f.get("year"), f.get("sector"), f.get("variable"))
                    if x not in (None, "")
                )
                status = " (corrected)" if f.get("resolved") else ""
                typer.echo(f"{f['severity']}{status}: {where}: {f['message']}")
            for c in st.corrections:
                typer.echo(
                    f"correction: {c['year']} {c['sector']} {c['variable']}: "
                    f"{c['old']} -> {c['new']} ({c['reason']})"
                )
            for c in st.filled:
                typer.echo(
                    f"filled: {c['year']} {c['sector']} {c['variable']} = {c['value']} ({c['method']})"
                )
            n_err = sum(1 for f in st.flags if f["severity"] == "error")
            n_warn = sum(1 for f in st.flags if f["severity"] == "warning")
            typer.echo(
                f"{n_err} error(s) ({len(st.blocking)} not corrected), {n_warn} warning(s), "
                f"{len(st.corrections)} correction(s), {len(st.filled)} filled value(s)"
            )
        if st.blocking:
            raise typer.Exit(2)
