"""Reading study.toml: TOML syntax errors become a located one-line StudyError."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from carbonpath.core.errors import StudyError

FILE = "study.toml"


def parse_toml(path: Path) -> dict[str, Any]:
    """Parse study.toml, turning syntax errors into a located one-line StudyError."""
    if not path.is_file():
        raise StudyError(
            "file is missing",
            file=FILE,
            fix="every study folder needs a study.toml; `carbonpath init DIR` writes an example",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StudyError("is not UTF-8 text", file=FILE, fix="save study.toml as UTF-8") from exc
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
        ) from exc
