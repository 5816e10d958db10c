"""The ``carbonpath`` command line (thin: parse arguments, call the library, print).

Error contract: an :class:`~carbonpath.core.errors.InputError` becomes one line on stderr
and exit code 2; any other exception is an internal error, exit code 1, with a
traceback only under ``--debug``.  The line passes through
:func:`carbonpath.core.text.display_text`, so text quoted from a file (a cell holding a
terminal escape sequence or a bidirectional override) cannot act on the terminal.  Heavy libraries are imported inside the commands so
that ``carbonpath --help`` stays fast.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from typing import Any

import click
import typer
from typer.core import TyperCommand, TyperGroup

from carbonpath.core.version import __version__


def plain_help(text: str) -> str:
    """Help text as printed: typer escapes ``[`` for rich markup even when markup is off
    (``\\[default: ...]``); carbonpath's help is plain text, so the escape goes."""
    return text.replace("\\[", "[")


def argument_help(callback: Any) -> dict[str, str]:
    """{parameter: help} of a command's arguments, read from its ``typer.Argument(help=...)``.

    typer hands the help of an argument to click, which (click >= 8.2) drops it; read
    back here, the help of every argument is shown again under "Arguments".
    """
    import inspect
    import typing

    from typer.models import ArgumentInfo

    fn = inspect.unwrap(callback)
    hints = typing.get_type_hints(fn, include_extras=True)
    out: dict[str, str] = {}
    for name, param in inspect.signature(fn).parameters.items():
        for info in (param.default, *getattr(hints.get(name), "__metadata__", ())):
            if isinstance(info, ArgumentInfo) and info.help:
                out[name] = info.help
    return out


class _Command(TyperCommand):
    """A command whose ``--help`` is plain text (no markup escapes), arguments explained."""

    def get_help(self, ctx: click.Context) -> str:
        helps = argument_help(self.callback) if self.callback else {}
        for p in self.params:
            if isinstance(p, click.Argument) and not getattr(p, "help", None):
                p.help = helps.get(p.name or "")  # type: ignore[attr-defined]
        return plain_help(super().get_help(ctx))

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Nothing: typer lists the arguments itself (click >= 8.5 would list them twice)."""


class _Group(TyperGroup):
    """Click group that turns carbonpath errors into one line and an exit code."""

    def get_help(self, ctx: click.Context) -> str:
        return plain_help(super().get_help(ctx))

    def invoke(self, ctx: click.Context) -> Any:
        from carbonpath.core.errors import InputError
        from carbonpath.core.text import display_text

        try:
            return super().invoke(ctx)
        except InputError as exc:
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            typer.echo(f"error: {display_text(exc.one_line())}", err=True)
            raise typer.Exit(2) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the internal-error boundary
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            first = display_text(" ".join(str(exc).split()))[:300]
            typer.echo(
                f"internal error: {type(exc).__name__}: {first} "
                "(this is a bug in carbonpath; rerun with --debug for the traceback)",
                err=True,
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="carbonpath",
    help="Reproducible low-carbon assessment of a region's industry: CO2 accounting, "
    "low-carbon index, STIRPAT drivers, decomposition, scenarios and a report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carbonpath {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    ctx.obj = {"debug": debug}


def _register_all() -> None:
    from importlib import import_module

    for name in (
        "run_cmd",
        "init_cmd",
        "check_cmd",
        "factors_cmd",
        "weights_cmd",
        "ridge_cmd",
        "import_ceads_cmd",
        "import_table_cmd",
        "serve_cmd",
    ):
        try:
            module = import_module(f"carbonpath.cli.{name}")
        except ModuleNotFoundError as exc:  # a command module not present in this build
            if exc.name != f"carbonpath.cli.{name}":
                raise
            continue
        module.register(app)
    for info in app.registered_commands:  # every command prints plain help
        if info.cls in (None, TyperCommand):
            info.cls = _Command


_register_all()


#: numpy's floating-point warnings ("overflow encountered in multiply" ...): noise on the
#: user's terminal that would break the one-line error contract; shown with --debug
_FLOAT_WARNINGS = r".*encountered in "


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    args = sys.argv[1:] if argv is None else argv
    with warnings.catch_warnings():
        if "--debug" not in args:
            warnings.filterwarnings("ignore", message=_FLOAT_WARNINGS, category=RuntimeWarning)
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    try:
        rv = app(args=argv, prog_name="carbonpath", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
        if no_args and isinstance(exc, no_args) and getattr(exc, "ctx", None) is not None:
            typer.echo(exc.ctx.get_help())  # bare `carbonpath`: show the help
            return 0
        # usage errors: one line, exit 2
        msg = " ".join(exc.format_message().split())
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see `{ctx.command_path} --help`)"
        typer.echo(f"error: {msg}{hint}", err=True)
        return 2
    # without standalone mode click returns the code of a `typer.Exit` instead of raising
    return rv if isinstance(rv, int) else 0


def entry() -> None:  # pragma: no cover - thin wrapper for the console script
    sys.exit(main())
