"""Reading study.toml: every failure is a located one-line StudyError.

The file is opened through :func:`carbonpath.io.files.read_input` (inside the study
folder, a regular file, at most :data:`~carbonpath.core.limits.MAX_TOML_BYTES`);
syntax errors name the line; an integer with more digits than Python converts, a
nesting so deep that the parser recurses without end, and arrays or tables nested
more than :data:`~carbonpath.core.limits.MAX_TOML_DEPTH` levels are refused.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_TOML_BYTES, MAX_TOML_DEPTH
from carbonpath.io.files import locate_input, read_input

FILE = "study.toml"


def parse_toml(path: Path, *, root: Path | None = None) -> dict[str, Any]:
    """Parse study.toml, turning every problem into a located one-line StudyError.

    ``root``: the folder the file must resolve into (default: the folder holding it).
    """
    path = Path(path)
    if locate_input(path, label=FILE, root=path.parent if root is None else root) is None:
        raise StudyError(
            "file is missing",
            file=FILE,
            fix="every study folder needs a study.toml; `carbonpath init DIR` writes an example",
        )
    data = read_input(
        path,
        label=FILE,
        root=path.parent if root is None else root,
        max_bytes=MAX_TOML_BYTES,
        limit_fix="study.toml is a short text file; check that this is the right file",
    ).data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StudyError("is not UTF-8 text", file=FILE, fix="save study.toml as UTF-8") from exc
    raw = loads(text)
    check_depth(raw)
    return raw


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with its errors as one-line StudyErrors."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        row = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        col = m.group(2) if m else None
        raise StudyError(
            f"TOML syntax error: {msg}" + (f" at column {col}" if col else ""),
            file=FILE,
            row=row,
            fix="check quotes, brackets and '=' on that line",
        ) from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # an integer of more than 4300 digits
        what = "an integer of more than 4300 digits" if "digits" in str(exc) else "a value"
        raise StudyError(
            f"holds {what}, which TOML cannot read",
            file=FILE,
            fix="write numbers with at most 20 digits",
        ) from None


def _too_deep() -> StudyError:
    return StudyError(
        f"arrays or tables are nested more than {MAX_TOML_DEPTH} levels deep",
        file=FILE,
        fix="a study.toml needs only a few levels; see docs/study-format.md",
    )


def check_depth(raw: Any) -> None:
    """Refuse arrays/tables nested deeper than :data:`MAX_TOML_DEPTH` (iteratively)."""
    stack: list[tuple[Any, int]] = [(raw, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
