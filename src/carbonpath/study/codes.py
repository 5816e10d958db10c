"""Regions and sectors of a study: ``regions.csv`` and ``sectors.csv`` as tidy frames.

Codes may be letters and digits of any script (``北京``, ``BJ``, ``110000``, ``DZA``,
``36+37``); they are normalised to NFC and checked against each other for confusables
(two codes that differ only by look-alike characters, such as Latin ``B`` and Cyrillic
``В``, or full-width and ASCII forms, are refused: a table row would silently belong to
the wrong one).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.text import display_text, is_valid_code, normalise_code
from carbonpath.io.tables import Table

__all__ = ["ROLES", "read_regions", "read_sectors", "skeleton", "check_confusables"]

ROLES = ("member", "reference", "region")


@lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str:
    """The Latin character ``ch`` is confusable with, or ``ch`` itself."""
    if ch.isascii():
        return ch
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True)
    if found:
        for glyph in found[0]["homoglyphs"]:
            if glyph["c"].isascii():
                return glyph["c"]
    return ch


def skeleton(code: str) -> str:
    """What a code looks like: NFKC, look-alikes mapped to Latin, case folded."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(_latin_lookalike(ch) for ch in text).casefold()


def check_confusables(codes: Iterable[tuple[str, int]], *, file: str, what: str) -> None:
    """Refuse two different codes that look alike (``codes``: (code, line) pairs)."""
    seen: dict[str, tuple[str, int]] = {}
    for code, line in codes:
        key = skeleton(code)
        if key in seen and seen[key][0] != code:
            other, other_line = seen[key]
            raise StudyError(
                f"{what} code '{display_text(code)}' looks like '{display_text(other)}' "
                f"(row {other_line}) but is a different code (look-alike or full-width "
                "characters)",
                file=file,
                row=line,
                column="code",
                fix="write both codes with the same characters, or choose clearly different codes",
            )
        seen.setdefault(key, (code, line))


def _records(t: Table) -> list[tuple[dict[str, str], int]]:
    return [
        (dict(zip(t.columns, cells, strict=True)), line)
        for cells, line in zip(t.rows, t.lines, strict=True)
    ]


def _code(rec: dict[str, str], line: int, t: Table, what: str, seen: dict[str, int]) -> str:
    code = normalise_code(rec["code"])
    if not is_valid_code(code):
        raise StudyError(
            f"{what} code '{display_text(rec['code'])}' is not a valid code",
            file=t.label,
            row=line,
            column="code",
            fix="use letters, digits, '.', '_', '+' or '-' (e.g. 39, C, 36+37)",
        )
    if code in seen:
        raise StudyError(
            f"{what} code '{display_text(code)}' is listed twice (first on row {seen[code]})",
            file=t.label,
            row=line,
            column="code",
            fix=f"keep one row per {what} code",
        )
    seen[code] = line
    return code


def read_regions(t: Table) -> pd.DataFrame:
    """``regions.csv`` (code, name[, name_zh][, group]) -> frame in file order."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for rec, line in _records(t):
        code = _code(rec, line, t, "region", seen)
        if not rec.get("name"):
            raise StudyError("region name is empty", file=t.label, row=line, column="name")
        group = normalise_code(rec.get("group", ""))
        rows.append(
            {
                "code": code,
                "name": rec["name"],
                "name_zh": rec.get("name_zh", ""),
                "group": group,
                "line": line,
            }
        )
    if not rows:
        raise StudyError(
            "has a header but no data rows",
            file=t.label,
            fix="list one region per row: code,name[,name_zh][,group]",
        )
    check_confusables(((r["code"], r["line"]) for r in rows), file=t.label, what="region")
    return pd.DataFrame(rows).drop(columns="line")


def _member_group(
    rec: dict[str, str], line: int, t: Table, groups: dict[str, str], derive: bool
) -> str:
    group = rec["group"]
    if not group:
        raise StudyError(
            "a member sector needs a group",
            file=t.label,
            row=line,
            column="group",
            fix="name its group (a key of [groups] in study.toml)",
        )
    if group not in groups:
        if not derive:
            raise StudyError(
                f"group '{group}' is not declared in study.toml [groups]{suggest(group, groups)}",
                file=t.label,
                row=line,
                column="group",
                fix="add it under [groups] or correct the spelling",
            )
        groups[group] = group
    return group


def _role(rec: dict[str, str], line: int, t: Table) -> str:
    role = (rec.get("role") or "member").lower()
    if role not in ROLES:
        raise StudyError(
            f"role '{role}' is unknown{suggest(role, ROLES)}",
            file=t.label,
            row=line,
            column="role",
            fix="use member, reference or region",
        )
    return role


def read_sectors(t: Table, groups: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """``sectors.csv`` -> (frame in file order, groups with any derived from the file).

    When study.toml declares no ``[groups]``, the groups named in the file become the
    groups, in the order they first appear.
    """
    groups = dict(groups)
    derive = not groups
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for rec, line in _records(t):
        code = _code(rec, line, t, "sector", seen)
        if not rec["name"]:
            raise StudyError("sector name is empty", file=t.label, row=line, column="name")
        role = _role(rec, line, t)
        group = _member_group(rec, line, t, groups, derive) if role == "member" else ""
        rows.append(
            {
                "code": code,
                "name": rec["name"],
                "group": group,
                "name_zh": rec.get("name_zh", ""),
                "role": role,
                "line": line,
            }
        )
    df = pd.DataFrame(rows, columns=["code", "name", "group", "name_zh", "role", "line"])
    if df.empty or not (df["role"] == "member").any():
        raise StudyError(
            "lists no member sector",
            file=t.label,
            fix="add at least one row with role member (the default)",
        )
    for role in ("reference", "region"):
        hits = df.loc[df["role"] == role]
        if len(hits) > 1:
            raise StudyError(
                f"has more than one '{role}' row",
                file=t.label,
                row=int(hits["line"].iloc[1]),
                column="role",
                fix=f"mark exactly one sector as {role}",
            )
    check_confusables(zip(df["code"], df["line"], strict=True), file=t.label, what="sector")
    return df.drop(columns="line"), groups
