"""Quality findings ranked by materiality, each with the row it concerns.

When the quality step gives a finding its size (``size`` in the finding's unit and
``share`` of the region's total, issue 15), that is used as it is.  Until then the size
of a finding on a cell is the cell's value and its share is that value over the total
of the same variable (or fuel) in the same year and region across the study's member
sectors (the reference row is not added to its own members)::

    share = |value| / sum(|value of variable v, year t, member sectors|)

A finding on the reference or region-level row concerns a total itself: its share is 1.

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


def _totals(study: Any) -> dict[tuple[str, int, str], float]:
    """(region, year, variable or fuel) -> sum of |value| over the member sectors."""
    import pandas as pd

    out: dict[tuple[str, int, str], float] = {}
    members = set(study.members)
    for frame, key in ((study.economy, "variable"), (study.energy, "fuel")):
        if frame is None or frame.empty:
            continue
        d = frame[frame["sector"].isin(members)] if members else frame
        region = d["region"] if "region" in d.columns else pd.Series("", index=d.index)
        sums = d["value"].abs().groupby([region, d["year"], d[key]]).sum()
        for (reg, year, name), total in sums.items():
            out[(str(reg), int(year), str(name))] = float(total)
    return out


def _share(
    flag: dict[str, Any], totals: dict[tuple[str, int, str], float], members: set[str]
) -> float | None:
    if isinstance(flag.get("share"), int | float):
        return float(flag["share"])
    value, year, variable = flag.get("value"), flag.get("year"), flag.get("variable")
    if value is None or year is None or not variable:
        return None
    if members and str(flag.get("sector") or "") not in members:
        # the reference or region row is a total itself: a finding on it concerns all of it
        return 1.0 if float(value) != 0 else None
    total = totals.get((str(flag.get("region") or ""), int(year), str(variable)))
    if not total or not math.isfinite(total):
        return None
    return abs(float(value)) / total


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
    totals = _totals(study)
    members = {str(m) for m in study.members}
    found = []
    for i, flag in enumerate(study.flags):
        share = _share(flag, totals, members)
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
