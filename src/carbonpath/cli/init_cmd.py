"""``carbonpath init DIR``: write a copy of the built-in study to edit.

DIR must be new or an empty folder; a symbolic link to nothing, a path below a file
or a folder that cannot be written is a one-line error (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path

import typer


def _check_dest(dest: Path) -> None:
    """Refuse a destination init cannot (or must not) write into."""
    from carbonpath.core.errors import InputError

    if dest.is_symlink() and not dest.exists():
        raise InputError(
            f"'{dest}' is a symbolic link to '{os.readlink(dest)}', which does not exist",
            fix="remove the link or give a new folder name",
        )
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(
            f"'{dest}' already exists and is not an empty folder",
            fix="give a new folder name",
        )
    for parent in dest.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(
                    f"cannot create '{dest}': '{parent}' is a file", fix="give a new folder name"
                )
            return


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        folder: Path = typer.Argument(..., help="New study folder to create."),
        force: bool = typer.Option(
            False,
            "--force",
            help="Accepted for compatibility; an existing empty folder is written into "
            "without it, a non-empty one never.",
        ),
    ) -> None:
        """Write the built-in Beijing study (commented study.toml) into FOLDER."""
        import shutil

        from carbonpath.core.errors import InputError
        from carbonpath.study import builtin_path

        src = builtin_path()
        dest = folder.expanduser()
        _check_dest(dest)
        try:
            dest.mkdir(parents=True, exist_ok=True)
            for item in sorted(src.iterdir()):
                if item.is_file() and not item.name.startswith((".", "__")):
                    shutil.copyfile(item, dest / item.name)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise InputError(
                f"cannot write the study to '{dest}' ({reason})",
                fix="give a folder you can write to",
            ) from None
        typer.echo(f"Wrote the Beijing example study to {dest}; run it with: carbonpath run {dest}")
