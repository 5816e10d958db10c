"""``carbonpath run [STUDY] [--out DIR]``: the whole assessment in one command."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        study: Path | None = typer.Argument(
            None, help="Study folder (default: the built-in Beijing study)."
        ),
        out: Path = typer.Option(
            Path("carbonpath-report"), "--out", "-o", help="Output folder (replaced atomically)."
        ),
        only: str | None = typer.Option(
            None,
            "--only",
            help="Comma-separated steps: emissions,index,stirpat,decomposition,targets,scenarios.",
        ),
        formats: str | None = typer.Option(
            None,
            "--formats",
            help="Comma-separated outputs (default from study.toml): json,csv,html,xlsx,figures.",
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    ) -> None:
        """Load, check and analyse a study; write results.json, tables and the report."""
        from rich.console import Console

        from carbonpath.core.errors import InputError, suggest
        from carbonpath.pipeline import check_steps, load_study
        from carbonpath.report.output import check_out_dir, write_outputs
        from carbonpath.report.summary import summary_lines
        from carbonpath.report.writers import available_writers
        from carbonpath.study.settings import REPORT_FORMATS

        console = Console(stderr=False, highlight=False, soft_wrap=True)
        show = not quiet and sys.stdout.isatty()
        steps = [s.strip() for s in only.split(",") if s.strip()] if only else None
        check_steps(steps or [], "--only: ")
        chosen = [f.strip() for f in formats.split(",") if f.strip()] if formats else None
        for f in chosen or []:
            if f not in REPORT_FORMATS:
                raise InputError(
                    f"--formats: unknown format '{f}'{suggest(f, REPORT_FORMATS)}",
                    fix=f"choose from {', '.join(REPORT_FORMATS)}",
                )
        st = load_study(study)
        out_dir = check_out_dir(out, None if st.builtin else st.path)
        fmts = chosen or st.settings.report.formats
        if show:
            with console.status("loading") as status:
                results = st.run(only=steps, progress=lambda s: status.update(f"running {s}"))
                status.update("writing outputs")
                written = write_outputs(
                    results,
                    out_dir,
                    fmts,
                    available_writers(),
                    on_step=lambda f: status.update(f"writing {f}"),
                )
        else:
            results = st.run(only=steps)
            written = write_outputs(results, out_dir, fmts, available_writers())
        if quiet:
            return
        d = results.to_dict()
        for label, text in summary_lines(d):
            console.print(
                f"[bold]{label}:[/bold] {text}" if show else f"{label}: {text}", markup=show
            )
        console.print(f"Outputs: {written}", markup=False)
