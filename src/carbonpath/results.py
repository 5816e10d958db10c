"""Results of a study run: plain data with ``to_dict()`` and ``tables()``.

Each analysis returns its own frozen results object; :class:`Results` bundles them
with the study's metadata, the settings used and the quality findings.  ``to_dict()``
is exactly what ``results.json`` holds (NaN becomes ``null``; numbers are never
rounded here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonpath import __version__
from carbonpath.core.results import jsonable

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Results:
    """Everything one run produced."""

    study: dict[str, Any]
    settings: dict[str, Any]
    quality: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        return self.sections[name]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "carbonpath_version": __version__,
            "study": self.study,
            "settings": self.settings,
            "quality": self.quality,
        }
        for name, res in self.sections.items():
            out[name] = res.to_dict() if hasattr(res, "to_dict") else res
        out["data"] = self.data
        out["skipped"] = dict(self.skipped)
        out["warnings"] = list(self.warnings)
        return jsonable(out)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All result tables, named ``<section>_<table>``, for CSV and the workbook."""
        tabs: dict[str, pd.DataFrame] = {}
        for key in ("flags", "corrections", "filled"):
            rows = self.quality.get(key) or []
            tabs[f"quality_{key}"] = pd.DataFrame(rows)
        for name, res in self.sections.items():
            if hasattr(res, "tables"):
                for tname, frame in res.tables().items():
                    tabs[f"{name}_{tname}" if not tname.startswith(name) else tname] = frame
        return tabs
