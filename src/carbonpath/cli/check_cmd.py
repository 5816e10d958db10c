"""``carbonpath check STUDY [--json] [--min-share S] [--all]``: the data-quality findings of
a study, most material first, and a pre-flight of every analysis ``run`` would do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer


def _where(f: dict[str, Any]) -> str:
    parts = (f.get("region"), f.get("file"), f.get("year"), f.get("sector"), f.get("variable"))
    return ", ".join(str(x) for x in parts if x not in (None, ""))


def _size(f: dict[str, Any]) -> str:
    if f.get("size") is None:
        return ""
    text = f"size {f['size']:.4g}{(' ' + f['unit']) if f.get('unit') else ''}"
    if f.get("share") is not None:
        scope = "the panel's" if f.get("region") == "*" else "the region's"
        text += f", {100 * f['share']:.3g}% of {scope} total"
    return f" [{text}]"


def _min_share(value: float | None, default: float) -> float:
    from carbonpath.core.errors import InputError

    if value is None:
        return default
    if not 0 <= value <= 1:
        raise InputError(
            f"--min-share: {value!r} is not a share in [0, 1]",
            fix="give e.g. --min-share 0.01 (1% of the region's total) or 0 to list all",
        )
    return value


def _echo_text(st: Any, listed: list[dict[str, Any]], small: Any, min_share: float) -> None:
    from carbonpath.quality.materiality import counts

    per_check = counts(st.flags)
    typer.echo(f"{len(st.flags)} finding(s) by check, most material first:")
    for check, per in per_check.items():
        typer.echo(f"  {check}: " + ", ".join(f"{n} {sev}" for sev, n in per.items()))
    if listed:
        typer.echo(
            f"Findings of at least {100 * min_share:.3g}% of their region's total (and every "
            "error or finding without a size), most material first:"
        )
    for i, f in enumerate(listed, 1):
        status = " (corrected)" if f.get("resolved") else ""
        typer.echo(f"{i}. {f['severity']}{status}: {_where(f)}: {f['message']}{_size(f)}")
    if small:
        typer.echo(
            f"{sum(small.values())} smaller finding(s) not listed (below "
            f"{100 * min_share:.3g}% of their region's total): "
            + ", ".join(f"{check} {n}" for check, n in small.most_common())
            + "; --min-share 0 lists them"
        )
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


def _preflight(st: Any) -> dict[str, Any]:
    """Every step ``run`` would run, with a few draws; a refused setting raises."""
    from carbonpath.pipeline import preflight

    if st.blocking:
        return {"run": False, "reason": "the data have errors no correction resolved"}
    res = preflight(st)
    return {"run": True, "steps": list(res.sections), "skipped": dict(res.skipped)}


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        study: Path | None = typer.Argument(None, help="Study folder (default: built-in)."),
        as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
        min_share: float | None = typer.Option(
            None,
            "--min-share",
            help="List findings of at least this share of their region's total "
            "(default: [quality] min_share, 0.01); smaller ones are counted per check.",
        ),
        list_all: bool = typer.Option(False, "--all", help="List every finding."),
        no_preflight: bool = typer.Option(
            False, "--no-preflight", help="Check the data only, not the analyses' settings."
        ),
    ) -> None:
        """Check a study's data and settings; exit 2 if an uncorrected error remains or a
        setting would stop `carbonpath run`."""
        from carbonpath.core.results import jsonable
        from carbonpath.pipeline import load_study
        from carbonpath.quality.materiality import counts, rank, split_listed

        st = load_study(study)
        share = 0.0 if list_all else _min_share(min_share, st.settings.quality.min_share)
        listed, small = split_listed(st.flags, share)
        flight = None if no_preflight else _preflight(st)
        if as_json:
            payload = {
                "quality": {
                    "flags": rank(st.flags),
                    "corrections": st.corrections,
                    "filled": st.filled,
                },
                "counts": counts(st.flags),
                "min_share": share,
                "listed": len(listed),
                "not_listed": dict(small.most_common()),
                "blocking": len(st.blocking),
                "preflight": flight,
            }
            typer.echo(json.dumps(jsonable(payload), indent=2, ensure_ascii=False, allow_nan=False))
        else:
            _echo_text(st, listed, small, share)
            if flight is not None and flight["run"]:
                skipped = "; ".join(f"{k}: {v}" for k, v in flight["skipped"].items())
                typer.echo(
                    f"pre-flight: {', '.join(flight['steps'])} run with these settings"
                    + (f" (skipped {skipped})" if skipped else "")
                )
            elif flight is not None:
                typer.echo(f"pre-flight of the analyses not run: {flight['reason']}")
        if st.blocking:
            raise typer.Exit(2)
