"""Quality findings ranked by materiality, each with the row it concerns.

The quality step gives each finding its size (``size``, in the finding's unit) and its
``share`` of the region's total (:mod:`carbonpath.quality.materiality`: the size over the
median yearly total of the region), the same numbers `carbonpath check` ranks by.

Findings are ranked: errors that stop a run first, then the open findings, then those
already corrected; within each, by share (largest first), then by severity; findings below ``min_share`` are summarised, not listed one by one.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

__all__ = ["Finding", "rank"]

SEVERITY = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One finding as the checks page lists it."""

    index: int
    flag: dict[str, Any]
    share: float | None
    blocking: bool
    link: str | None

    @property
    def severity(self) -> str:
        return str(self.flag.get("severity", ""))


def _share(flag: dict[str, Any]) -> float | None:
    share = flag.get("share")
    if isinstance(share, int | float) and not isinstance(share, bool) and math.isfinite(share):
        return float(share)
    return None


def row_link(study_name: str, flag: dict[str, Any], files: list[str]) -> str | None:
    """The table page of the finding's file at its line, if the file is a table here."""
    file = str(flag.get("file") or "").partition("#")[0]
    line = flag.get("line")
    if not file or file not in files:
        return None
    url = f"/s/{quote(study_name, safe='')}/table/{quote(file, safe='')}"
    return f"{url}?line={int(line)}#L{int(line)}" if line else url


def _is_blocking(flag: dict[str, Any]) -> bool:
    return flag.get("severity") == "error" and not flag.get("resolved")


def rank(study: Any, study_name: str, files: list[str]) -> list[Finding]:
    """The study's findings, most material first (see the module docstring)."""
    found = []
    for i, flag in enumerate(study.flags):
        share = _share(flag)
        link = row_link(study_name, flag, files)
        found.append(Finding(i, flag, share, _is_blocking(flag), link))

    def key(f: Finding) -> tuple[int, float, int, int]:
        return (
            0 if f.blocking else 2 if f.flag.get("resolved") else 1,
            -(f.share if f.share is not None else -1.0),
            SEVERITY.get(f.severity, 3),
            f.index,
        )

    return sorted(found, key=key)


def split(found: list[Finding], min_share: float) -> tuple[list[Finding], list[Finding]]:
    """(listed, summarised): small findings (share below ``min_share``) that do not stop
    the run are summarised."""
    listed, small = [], []
    for f in found:
        tiny = f.share is not None and f.share < min_share and not f.blocking
        (small if tiny else listed).append(f)
    return listed, small


def counts(found: list[Finding]) -> list[tuple[str, int, int]]:
    """(check, findings, of which errors) per check, largest first."""
    total = Counter(str(f.flag.get("check", "")) for f in found)
    errors = Counter(str(f.flag.get("check", "")) for f in found if f.severity == "error")
    return [(c, n, errors[c]) for c, n in total.most_common()]
