"""The synthetic panel study (tests/study/panel_study.py) with CO2 accounted per region.

Until the emissions step carries a ``region`` column in a panel, ``region_emissions``
replaces the pipeline's emissions step by one that accounts every region's energy rows
with accounting's own method (``compute_emissions``) and tags them with the region.
When the emissions step is region-aware the wrapper hands its results on unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath import pipeline
from carbonpath.accounting.emissions import compute_emissions
from carbonpath.study.resolver import Resolver
from tests.study.panel_study import write_panel_study


def _region_aware(run: Any) -> Any:
    def emissions(ctx: pipeline.RunContext) -> Any:
        acc = run(ctx)
        study = ctx.study
        if not study.is_panel or "region" in acc.by_fuel.columns:
            return acc
        parts = [
            compute_emissions(study.energy[study.energy["region"] == r], study.factors).assign(
                region=r
            )
            for r in study.region_codes
        ]
        by_fuel = pd.concat(parts, ignore_index=True)[["region", "year", "sector", "fuel", "co2_t"]]
        by_sector = by_fuel.groupby(["region", "year", "sector"], as_index=False, sort=True)[
            "co2_t"
        ].sum()
        base = Resolver(study.economy, study.energy, study.sectors, regions=study.regions)
        ctx.resolver = base.with_co2(by_sector)
        return replace(acc, by_fuel=by_fuel, by_sector=by_sector)

    return emissions


def region_emissions(monkeypatch: Any) -> None:
    """Make the emissions step region-aware for this test (see the module docstring)."""
    steps = tuple(
        replace(s, run=_region_aware(s.run)) if s.name == "emissions" else s
        for s in pipeline.REGISTRY
    )
    monkeypatch.setattr(pipeline, "REGISTRY", steps)


def panel_study(folder: Path, toml: str = "", drop_energy_total: bool = False) -> Path:
    """The panel study with extra study.toml text (optionally without energy_total)."""
    path = write_panel_study(folder, extra_toml=toml)
    if drop_energy_total:
        economy = path / "economy.csv"
        lines = economy.read_text(encoding="utf-8").splitlines()
        economy.write_text(
            "\n".join(x for x in lines if ",energy_total," not in x) + "\n", encoding="utf-8"
        )
    return path
