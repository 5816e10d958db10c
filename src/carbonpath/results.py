"""Results of a study run: one typed results object per step, and their serialisation.

:class:`Results` holds the study's metadata, the settings used, the quality findings and
one attribute per step (``results.emissions``, ``.index``, ``.stirpat``,
``.decomposition``, ``.targets``, ``.scenarios``): the step's typed results object, or
``None`` when the step was skipped (the reason is in ``results.skipped``) or not asked
for.  ``to_dict()`` is exactly what results.json holds (NaN becomes ``null``; numbers are
never rounded here), ``tables()`` the CSV tables, ``write()`` every output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from carbonpath.core.errors import InputError, suggest
from carbonpath.core.results import internal, jsonable
from carbonpath.core.version import __version__
from carbonpath.study.core_settings import REPORT_FORMATS

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.accounting.results import EmissionsResults
    from carbonpath.index.results import IndexResults
    from carbonpath.stirpat.results import StirpatResults

__all__ = ["SCHEMA_VERSION", "Results"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Results:
    """Everything one run produced (see the module docstring)."""

    study: dict[str, Any]
    settings: dict[str, Any]
    quality: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: the study folder the results come from (None: the built-in study); outputs may
    #: never be written into it
    source: Path | None = internal()

    def __getitem__(self, name: str) -> Any:
        return self.sections[name]

    # ---- one attribute per step ---------------------------------------------------
    @property
    def emissions(self) -> EmissionsResults | None:
        return self.sections.get("emissions")

    @property
    def index(self) -> IndexResults | None:
        return self.sections.get("index")

    @property
    def stirpat(self) -> StirpatResults | None:
        return self.sections.get("stirpat")

    @property
    def decomposition(self) -> Any:
        return self.sections.get("decomposition")

    @property
    def decoupling(self) -> Any:
        """Tapio decoupling (``DecouplingResults``: ``states``, ``effort``) or None."""
        return self.sections.get("decoupling")

    @property
    def targets(self) -> Any:
        return self.sections.get("targets")

    @property
    def scenarios(self) -> Any:
        return self.sections.get("scenarios")

    # ---- serialisation ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """results.json: metadata, settings, quality, each step's section, data."""
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

    def summary(self) -> str:
        """The run in a few lines: what was computed, what was skipped and why."""
        from carbonpath.report.summary import summary_lines

        lines = [f"{self.study.get('title', '')}"]
        lines += [f"{label}: {text}" for label, text in summary_lines(self.to_dict())]
        lines += [f"skipped {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)

    def write(
        self,
        out_dir: str | Path,
        formats: Iterable[str] | None = None,
        *,
        on_step: Callable[[str], Any] | None = None,
    ) -> Path:
        """Write the outputs ``carbonpath run`` writes (``formats``: default the study's
        ``[report] formats``) into ``out_dir``, under the same safety rules: the folder
        is checked before anything is written and replaced only as a whole."""
        from carbonpath.report.output import check_out_dir, write_outputs
        from carbonpath.report.writers import available_writers

        chosen = list(formats) if formats is not None else list(self.settings["report"]["formats"])
        for fmt in chosen:
            if fmt not in REPORT_FORMATS:
                raise InputError(
                    f"unknown format '{fmt}'{suggest(str(fmt), REPORT_FORMATS)}",
                    fix=f"choose from {', '.join(REPORT_FORMATS)}",
                )
        out = check_out_dir(Path(out_dir), self.source)
        return write_outputs(self, out, chosen, available_writers(), on_step=on_step)
