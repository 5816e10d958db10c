"""Every --help is plain and complete, and docs/cli.md documents every command and option.

The commands and their options come from the click tree typer builds (introspection),
so a command or option added later fails here until docs/cli.md describes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer.main

from carbonpath.cli import app, main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _root() -> click.Group:
    root = typer.main.get_command(app)
    assert isinstance(root, click.Group)
    return root


def _commands() -> dict[str, click.Command]:
    return dict(sorted(_root().commands.items()))


def _sections() -> dict[str, str]:
    """docs/cli.md split at its '## carbonpath <command>' headings; "" = the text above."""
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^## carbonpath (\S+)\s*$", text, flags=re.M)
    out = {"": parts[0]}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        out[name] = body
    return out


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["", *_commands()])
def test_help_is_plain_text(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help([name] if name else [], capsys)
    assert "\\[" not in out and "\\]" not in out
    assert "Usage: carbonpath" in out
    if name:
        assert out.count("Arguments:") <= 1 and "Positional arguments" not in out


@pytest.mark.parametrize("name", list(_commands()))
def test_every_argument_and_option_explained(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help([name], capsys)
    for p in _commands()[name].params:
        if isinstance(p, click.Argument):
            line = next(
                ln
                for ln in out.splitlines()
                if ln.strip().startswith(p.human_readable_name.upper())
                or ln.strip().startswith(f"[{p.human_readable_name.upper()}]")
            )
            assert len(line.split(None, 1)) == 2, f"{name}: argument {p.name} has no help"
        else:
            assert isinstance(p, click.Option) and p.help, f"{name}: {p.opts} has no help"


def test_run_help_shows_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    out = " ".join(_help(["run"], capsys).split())
    assert "[default: carbonpath-report]" in out


def test_factors_help_lists_the_sets_it_promises(capsys: pytest.CaptureFixture[str]) -> None:
    from carbonpath.accounting.factors import available_sets
    from carbonpath.cli.factors_cmd import BUILTIN_SETS

    out = " ".join(_help(["factors"], capsys).split())
    assert list(BUILTIN_SETS) == list(available_sets())
    assert all(s in out.replace("- ", "-") for s in available_sets())
    assert "list below" not in out


def test_docs_describe_every_command() -> None:
    sections = _sections()
    assert set(_commands()) <= set(sections), set(_commands()) - set(sections)


def _default_text(p: click.Option) -> str | None:
    """The default as documented, or None for flags, empty and required options."""
    if p.is_flag or p.required or p.default in (None, "", ()):
        return None
    return str(p.default)


@pytest.mark.parametrize("name", list(_commands()))
def test_docs_name_every_option_argument_and_default(name: str) -> None:
    body = _sections()[name]
    for p in _commands()[name].params:
        if isinstance(p, click.Argument):
            assert p.human_readable_name.upper() in body, f"{name}: argument {p.name}"
            continue
        assert isinstance(p, click.Option)
        for opt in [*p.opts, *p.secondary_opts]:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", body), f"{name}: {opt}"
        default = _default_text(p)
        if default is not None:
            assert default in body, f"{name}: default {default!r} of {p.opts[0]}"


def test_docs_describe_the_global_options() -> None:
    top = _sections()[""]
    for p in _root().params:
        for opt in p.opts:
            assert opt in top, opt
    assert "--help" in top
