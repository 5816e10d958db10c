"""The loaded study: validated settings and tidy tables in canonical units."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.study.settings import StudySettings

__all__ = ["StudyData"]


@dataclass
class StudyData:
    """A loaded, validated study: settings and tidy tables in canonical units.

    Everything a step reads (docs/architecture.md); :class:`carbonpath.Study` adds
    ``run()``.

    ``regions`` has one row with code ``""`` in a study without regions.csv; the long
    tables then have no ``region`` column (exactly as a one-region study always had).
    In a panel study (regions.csv) every long table has a ``region`` column.
    """

    path: Path
    builtin: bool
    settings: StudySettings
    sectors: pd.DataFrame
    energy: pd.DataFrame | None
    economy: pd.DataFrame
    emissions_inventory: pd.DataFrame | None
    factors_override: pd.DataFrame | None
    #: the study's emission-factor set with its factors.csv overrides (resolved once)
    factors: Any = None
    regions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code"]))
    is_panel: bool = False
    flags: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    filled: list[dict[str, Any]] = field(default_factory=list)
    blocking: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    #: context.csv's series (None without the file) and its provenance (report only)
    context: pd.DataFrame | None = None
    context_file: dict[str, Any] | None = None
    #: rows of the facilities named in [engine] facilities (None: no facility column)
    facilities: pd.DataFrame | None = None

    # ---- views --------------------------------------------------------------
    @property
    def config(self) -> dict[str, Any]:
        """The settings as plain data (what results.json's ``settings`` holds)."""
        return self.settings.model_dump()

    @property
    def years(self) -> list[int]:
        first, last = self.settings.years
        return list(range(first, last + 1))

    @property
    def region_codes(self) -> list[str]:
        """Codes of the regions, in file order (``[""]`` without regions.csv)."""
        return self.regions["code"].astype(str).tolist()

    @property
    def members(self) -> list[str]:
        return self.sectors.loc[self.sectors["role"] == "member", "code"].tolist()

    @property
    def reference(self) -> str | None:
        codes = self.sectors.loc[self.sectors["role"] == "reference", "code"].tolist()
        return codes[0] if codes else None

    @property
    def region_code(self) -> str | None:
        """The sector row marked ``role = region`` (region-wide values), if any."""
        codes = self.sectors.loc[self.sectors["role"] == "region", "code"].tolist()
        return codes[0] if codes else None

    @property
    def region_level(self) -> bool:
        """No sectors: every row describes a whole region."""
        return self.sectors.empty

    @property
    def groups(self) -> dict[str, str]:
        """Group id -> label, in display order."""
        return dict(self.settings.groups)

    @property
    def mode(self) -> str:
        return "inventory" if self.energy is None else "energy"

    @property
    def seed(self) -> int:
        return int(self.settings.seed)
