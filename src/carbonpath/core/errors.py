"""One error family for carbonpath.

``CarbonpathError`` is the root.  ``InputError`` (and its location-aware subclass
``StudyError``) means the user's input or request cannot be used: the CLI prints the
message on one line and exits with code 2.  Anything else escaping is an internal
error (exit 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection


class CarbonpathError(Exception):
    """Root of every error carbonpath raises on purpose."""


class InputError(CarbonpathError, ValueError):
    """The input or request cannot be used as given (CLI exit code 2).

    Method modules raise this for problems with the data they were handed
    (too few observations, a constant column, perfect collinearity ...).
    """

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = self.message.rstrip(".")
        if self.fix:
            text = f"{text}; fix: {self.fix.rstrip('.')}"
        return " ".join(text.split())


class StudyError(InputError):
    """An input problem that can be located in a study file.

    Formats as ``file, row R, column 'C': message; fix: ...`` on one line.  ``row`` is
    the 1-based line number in the file as a user sees it in an editor (header = 1).
    ``key`` names a study.toml key instead of a row/column.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.key = key
        super().__init__(message, fix=fix)

    def one_line(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.key is not None:
            where.append(f"key '{self.key}'")
        head = ", ".join(where)
        body = super().one_line()
        return f"{head}: {body}" if head else body


def did_you_mean(word: object, choices: Collection[str]) -> str:
    """``"; did you mean 'X'?"`` for the closest of ``choices`` to a misspelt word, or ''."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def suggest(name: str, known: list[str] | tuple[str, ...] | set[str]) -> str:
    """A ' (did you mean X?)' suffix for a misspelt name, or ''."""
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
