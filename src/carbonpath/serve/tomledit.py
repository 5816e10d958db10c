"""Editing study.toml in place with tomlkit, keeping the user's comments and order.

Only the keys a form changes are touched: a value is assigned where it stands (its
comment stays on its line), a key left empty is removed, tables and arrays of tables
are updated entry by entry (an indicator keeps its comments when its expression
changes), and new entries go at the end of their table.  The text is then validated
by the settings models, exactly as ``carbonpath run`` reads it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from carbonpath.core.errors import StudyError

__all__ = ["Edits", "parse_document", "typed", "validate_text"]

_INT = re.compile(r"^[+-]?\d{1,18}$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def typed(text: str) -> Any:
    """A form's text as the TOML value a user would write: a whole number, a number,
    ``true``/``false``, else the text itself (``""``: None, the key is removed)."""
    s = text.strip()
    if s == "":
        return None
    if _INT.fullmatch(s):
        return int(s)
    if _FLOAT.fullmatch(s):
        return float(s)
    if s in ("true", "false"):
        return s == "true"
    return s


def parse_document(folder: Path) -> TOMLDocument:
    """study.toml of the study folder as a tomlkit document (read like any input)."""
    from carbonpath.core.limits import MAX_TOML_BYTES
    from carbonpath.io.files import read_input
    from carbonpath.io.toml import loads

    data = read_input(
        folder / "study.toml", label="study.toml", root=folder, max_bytes=MAX_TOML_BYTES
    ).data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudyError("is not UTF-8 text", file="study.toml", fix="save it as UTF-8") from None
    loads(text)  # syntax errors as carbonpath words them
    return tomlkit.parse(text)


def validate_text(text: str, folder: Path) -> dict[str, Any]:
    """The new study.toml checked by the settings models (StudyError with the key)."""
    from carbonpath.io.toml import check_depth, loads
    from carbonpath.study.settings import parse_study_settings

    raw = loads(text)
    check_depth(raw)
    parse_study_settings(raw, folder)
    return raw


class Edits:
    """Changes to one tomlkit document."""

    def __init__(self, doc: TOMLDocument) -> None:
        self.doc = doc

    def table(self, path: Sequence[str], create: bool = True) -> Table | TOMLDocument | None:
        """The table at ``path`` (created, at the end of its parent, when absent)."""
        node: Any = self.doc
        for part in path:
            if part not in node:
                if not create:
                    return None
                node[part] = tomlkit.table()
            node = node[part]
        return node

    def set(self, path: Sequence[str], key: str, value: Any) -> None:
        """Assign ``value`` (None: remove the key); the key's comment stays."""
        table = self.table(path, create=value is not None)
        if table is None:
            return
        if value is None:
            if key in table:
                del table[key]
            return
        if key in table and _same(table[key], value):
            return
        table[key] = value

    def sync_table(self, path: Sequence[str], values: Mapping[str, Any]) -> None:
        """Make the table at ``path`` hold exactly ``values`` (in-place where it can)."""
        table = self.table(path)
        assert table is not None
        for key in [k for k in table if k not in values]:
            del table[key]
        for key, value in values.items():
            if key not in table or not _same(table[key], value):
                table[key] = value

    def sync_array(self, path: Sequence[str], key: str, rows: list[dict[str, Any]]) -> None:
        """Make the array of tables ``path.key`` hold ``rows`` (None values removed);
        entries are updated by position so their comments stay."""
        parent = self.table(path)
        assert parent is not None
        if not rows:
            if key in parent:
                del parent[key]
            return
        if key not in parent or not isinstance(parent[key], AoT):
            parent[key] = tomlkit.aot()
        aot = parent[key]
        while len(aot) > len(rows):
            del aot[len(aot) - 1]
        for i, row in enumerate(rows):
            if i >= len(aot):
                aot.append(tomlkit.table())
            _update_entry(aot[i], row)

    def remove(self, path: Sequence[str]) -> None:
        """Remove the table at ``path`` (absent: nothing to do)."""
        parent = self.table(path[:-1], create=False)
        if parent is not None and path[-1] in parent:
            del parent[path[-1]]

    def text(self) -> str:
        return tomlkit.dumps(self.doc)


def _update_entry(entry: Any, row: dict[str, Any]) -> None:
    """Set the keys of one table of an array (None: remove the key)."""
    for k, v in row.items():
        if v is None:
            if k in entry:
                del entry[k]
        elif k not in entry or not _same(entry[k], v):
            entry[k] = v


def _same(item: Any, value: Any) -> bool:
    """Whether a document item already holds ``value`` (then it is left untouched)."""
    plain = item.unwrap() if hasattr(item, "unwrap") else item
    return type(plain) is type(value) and plain == value


def plain(doc: TOMLDocument) -> dict[str, Any]:
    """The document as plain Python data (what the forms show)."""
    return tomllib.loads(tomlkit.dumps(doc))
