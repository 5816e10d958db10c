"""Scope resolver: the one way analyses read a study's variables.

``resolve(variable, scope)`` returns a year-indexed float Series in canonical units.
Scopes: a sector code (``"39"``), ``"group:<id>"``, ``"modern"`` (sum of the member
sectors), ``"reference"`` (the reference aggregate row, e.g. all manufacturing) and
``"region"`` (the region-wide row, e.g. GDP).  Variables: every economy variable, any
fuel (canonical unit), ``electricity`` (GJ), ``energy`` (total energy in GJ, from
``energy_total``) and ``co2`` (t, once emissions are computed).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, suggest
from carbonpath.core.variables import SCOPE_WORDS


class Resolver:
    """Resolve ``(variable, scope)`` to a Series; see the module docstring."""

    def __init__(
        self,
        economy: pd.DataFrame,
        energy: pd.DataFrame | None,
        sectors: pd.DataFrame,
        co2: pd.DataFrame | None = None,
    ) -> None:
        self._series: dict[tuple[str, str], pd.Series] = {}
        for (var, sec), grp in economy.groupby(["variable", "sector"], sort=False):
            self._series[(str(var), str(sec))] = grp.set_index("year")["value"].sort_index()
        if energy is not None:
            for (fuel, sec), grp in energy.groupby(["fuel", "sector"], sort=False):
                self._series[(str(fuel), str(sec))] = grp.set_index("year")["value"].sort_index()
        self._co2 = co2
        if co2 is not None:
            for sec, grp in co2.groupby("sector", sort=False):
                self._series[("co2", str(sec))] = grp.set_index("year")["co2_t"].sort_index()
        self.sectors = sectors
        self.members = sectors.loc[sectors["role"] == "member", "code"].tolist()
        self.groups = {
            g: sectors.loc[(sectors["role"] == "member") & (sectors["group"] == g), "code"].tolist()
            for g in sectors.loc[sectors["role"] == "member", "group"].unique()
        }
        ref = sectors.loc[sectors["role"] == "reference", "code"].tolist()
        reg = sectors.loc[sectors["role"] == "region", "code"].tolist()
        self.reference = ref[0] if ref else None
        self.region = reg[0] if reg else None

    @property
    def variables(self) -> set[str]:
        names = {v for v, _ in self._series}
        names.add("energy")
        if self._co2 is not None:
            names.add("co2")
        return names

    def with_co2(self, co2: pd.DataFrame) -> Resolver:
        """A copy that also knows ``co2`` (records year, sector, co2_t)."""
        new = Resolver.__new__(Resolver)
        new.__dict__.update(self.__dict__)
        new._series = dict(self._series)
        new._co2 = co2
        for sec, grp in co2.groupby("sector", sort=False):
            new._series[("co2", str(sec))] = grp.set_index("year")["co2_t"].sort_index()
        return new

    def scope_codes(self, scope: str) -> list[str]:
        """Sector codes a scope sums over."""
        scope = str(scope).strip()
        if scope == "modern":
            return list(self.members)
        if scope == "reference":
            if self.reference is None:
                raise InputError(
                    "scope 'reference' is used but sectors.csv marks no reference row",
                    fix="add the all-manufacturing row with role reference",
                )
            return [self.reference]
        if scope == "region":
            if self.region is None:
                raise InputError(
                    "scope 'region' is used but sectors.csv marks no region row",
                    fix="add the whole-economy row with role region",
                )
            return [self.region]
        if scope.startswith("group:"):
            g = scope.split(":", 1)[1]
            if g not in self.groups:
                raise InputError(f"unknown group '{g}'{suggest(g, list(self.groups))}")
            return list(self.groups[g])
        codes = self.sectors["code"].tolist()
        if scope in codes:
            return [scope]
        known = [*SCOPE_WORDS, *codes, *(f"group:{g}" for g in self.groups)]
        raise InputError(
            f"unknown scope '{scope}'{suggest(scope, known)}",
            fix="use a sector code, modern, reference, region or group:<id>",
        )

    def __call__(self, variable: str, scope: str) -> pd.Series:
        var = str(variable).strip()
        if var == "energy":
            var = "energy_total"
        codes = self.scope_codes(scope)
        if var not in {v for v, _ in self._series}:
            known = sorted(self.variables)
            if variable == "co2" and self._co2 is None:
                raise InputError("co2 is not available (emissions were not computed)")
            raise InputError(
                f"unknown variable '{variable}'{suggest(variable, known)}",
                fix=f"known variables: {', '.join(known)}",
            )
        parts = []
        for code in codes:
            s = self._series.get((var, code))
            if s is None:
                raise InputError(
                    f"variable '{variable}' has no data for sector {code}",
                    fix=f"add {variable} for sector {code} to the study's tables",
                )
            parts.append(s)
        if len(parts) == 1:
            out = parts[0].astype(float).copy()
        else:
            frame = pd.concat(parts, axis=1)
            out = frame.sum(axis=1, min_count=len(parts))
            out[frame.isna().any(axis=1)] = np.nan
        out.index = out.index.astype(int)
        out.name = f"{variable}[{scope}]"
        return out


ResolveFn = Callable[[str, str], pd.Series]
