"""``python -m carbonpath`` = the ``carbonpath`` command."""

from carbonpath.cli import entry

entry()
