"""The scope of a variable: which sectors of which regions ``variable[scope]`` sums.

Grammar (docs/study-format.md, "Scopes")::

    scope  := [region ":"] sector
    region := "*" | "regiongroup:" NAME | CODE
    sector := "*" | "modern" | "reference" | "region" | "group:" NAME | CODE

Without a region part a scope means "in the region being evaluated" (each region in
turn in a panel).  ``*`` as region sums all regions, ``regiongroup:east`` the regions of
that group; ``*`` as sector is the whole region (its region-level value, or the sum of
the member sectors).  Codes are letters and digits of any script (``北京``, ``110000``).
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonpath.core.errors import InputError
from carbonpath.core.text import is_valid_code, normalise_code

__all__ = ["ALL", "SECTOR_WORDS", "Scope", "parse_scope", "SCOPE_FIX"]

ALL = "*"
#: sector scopes that are words, not codes
SECTOR_WORDS = ("modern", "reference", "region")
SCOPE_FIX = (
    "use a sector code, modern, reference, region, group:<id> or *, optionally after a "
    "region (BJ:modern, *:modern, regiongroup:<g>:modern)"
)


@dataclass(frozen=True)
class Scope:
    """A parsed scope: ``region`` (None: the current region; ``"*"``: all) or a region
    group, and the sector part (a word, a code, ``*`` or ``group:<id>``)."""

    sector: str
    region: str | None = None
    region_group: str | None = None

    def __str__(self) -> str:
        if self.region_group is not None:
            return f"regiongroup:{self.region_group}:{self.sector}"
        if self.region is not None:
            return f"{self.region}:{self.sector}"
        return self.sector

    @property
    def crosses_regions(self) -> bool:
        """Whether the scope names regions itself (the same in every region of a panel)."""
        return self.region is not None or self.region_group is not None


def _name(text: str, what: str, scope: str) -> str:
    name = normalise_code(text)
    if not (name == ALL or is_valid_code(name)):
        raise InputError(f"invalid scope '{scope}' ('{name}' is not a {what} code)", fix=SCOPE_FIX)
    return name


def _sector(parts: list[str], scope: str) -> str:
    if not parts:
        raise InputError(f"scope '{scope}' names no sector", fix=SCOPE_FIX)
    if parts[0] == "group":
        if len(parts) != 2 or any(ch in parts[1] for ch in "[]\"'\\"):
            raise InputError(f"invalid scope '{scope}'", fix=SCOPE_FIX)
        return "group:" + parts[1]
    if len(parts) != 1:
        raise InputError(f"invalid scope '{scope}'", fix=SCOPE_FIX)
    return _name(parts[0], "sector", scope)


def parse_scope(text: object) -> Scope:
    """Parse a scope (see the module docstring); raises :class:`InputError`."""
    scope = " ".join(str(text).split())
    parts = [p.strip() for p in scope.split(":")]
    if not scope or any(p == "" for p in parts):
        raise InputError(f"invalid scope '{scope}'", fix=SCOPE_FIX)
    if parts[0] == "regiongroup":
        if len(parts) < 2:
            raise InputError(f"invalid scope '{scope}'", fix=SCOPE_FIX)
        group = _name(parts[1], "region group", scope)
        return Scope(sector=_sector(parts[2:] or [ALL], scope), region_group=group)
    if parts[0] == "group" or len(parts) == 1:
        return Scope(sector=_sector(parts, scope))
    return Scope(sector=_sector(parts[1:], scope), region=_name(parts[0], "region", scope))
