"""``carbonpath init DIR``: write a copy of the built-in study to edit."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        folder: Path = typer.Argument(..., help="New study folder to create."),
        force: bool = typer.Option(False, "--force", help="Write into an existing empty folder."),
    ) -> None:
        """Write the built-in Beijing study (commented study.toml) into FOLDER."""
        import shutil

        from carbonpath.core.errors import InputError
        from carbonpath.study import builtin_path

        src = builtin_path()
        dest = folder.expanduser()
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise InputError(
                f"'{dest}' already exists and is not an empty folder",
                fix="give a new folder name",
            )
        if dest.exists() and not force and any(dest.iterdir()):
            raise InputError(f"'{dest}' exists", fix="give a new folder name")
        dest.mkdir(parents=True, exist_ok=True)
        for item in sorted(src.iterdir()):
            if item.is_file() and not item.name.startswith((".", "__")):
                shutil.copyfile(item, dest / item.name)
        typer.echo(f"Wrote the Beijing example study to {dest}; run it with: carbonpath run {dest}")
