"""Scope resolver: the one way analyses read a study's variables.

``resolver(variable, scope)`` returns a year-indexed float Series in canonical units for
the resolver's region; ``resolver.for_region(code)`` binds another region of a panel and
``resolver.panel(variable, scope)`` evaluates the scope in every region
(``(region, year)``-indexed).  Scopes follow :mod:`carbonpath.core.scopes`: a sector code,
``group:<id>``, ``modern`` (sum of the member sectors), ``reference``, ``region`` (the
region-wide value: the sector row marked ``role = region``, or rows without a sector),
``*`` (the whole region), optionally after a region part (``BJ:modern``, ``*:modern``,
``regiongroup:east:modern``).  Variables: every economy variable, any fuel (canonical
unit), ``electricity`` (GJ), ``energy`` (``energy_total``) and ``co2`` (t, once the
emissions are computed).

A sum is missing (NaN) in a year where any of its parts is missing: a total is never
silently a partial sum.  The data are indexed once, so a lookup costs the same whatever
the number of sectors and regions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, suggest
from carbonpath.core.scopes import ALL, Scope, parse_scope
from carbonpath.core.variables import SCOPE_WORDS

__all__ = ["Resolver", "ResolveFn"]

ResolveFn = Callable[[str, str], pd.Series]
_KEY = ("variable", "region", "sector")


@dataclass(frozen=True)
class _Store:
    """Every series of the study, sorted by (variable, region, sector, year)."""

    years: np.ndarray
    values: np.ndarray
    spans: dict[tuple[str, str, str], tuple[int, int]]
    names: frozenset[str]

    @classmethod
    def build(cls, frames: Iterable[pd.DataFrame]) -> _Store:
        parts = [f for f in frames if f is not None and not f.empty]
        if not parts:
            return cls(np.empty(0, int), np.empty(0), {}, frozenset())
        df = pd.concat(parts, ignore_index=True).sort_values([*_KEY, "year"], kind="stable")
        cols = df[list(_KEY)]
        starts = np.flatnonzero(cols.ne(cols.shift()).any(axis=1).to_numpy())
        stops = np.append(starts[1:], len(df))
        first = cols.iloc[starts]
        keys = zip(first["variable"], first["region"], first["sector"], strict=True)
        spans = {
            (str(v), str(r), str(s)): (int(a), int(b))
            for (v, r, s), a, b in zip(keys, starts, stops, strict=True)
        }
        return cls(
            df["year"].to_numpy(dtype=int),
            df["value"].to_numpy(dtype=float),
            spans,
            frozenset(df["variable"].unique().tolist()),
        )

    def series(self, key: tuple[str, str, str]) -> pd.Series | None:
        span = self.spans.get(key)
        if span is None:
            return None
        a, b = span
        return pd.Series(self.values[a:b], index=pd.Index(self.years[a:b], name="year"))


def _long(frame: pd.DataFrame | None, key: str, value: str = "value") -> pd.DataFrame | None:
    """A table as (variable, region, sector, year, value)."""
    if frame is None or frame.empty:
        return None
    region = frame["region"] if "region" in frame else ""
    return pd.DataFrame(
        {
            "variable": frame[key].astype(str).to_numpy(),
            "region": np.asarray(region, dtype=object) if "region" in frame else "",
            "sector": frame["sector"].astype(str).to_numpy(),
            "year": frame["year"].astype(int).to_numpy(),
            "value": frame[value].astype(float).to_numpy(),
        }
    )


class Resolver:
    """Resolve ``(variable, scope)`` to a Series; see the module docstring."""

    def __init__(
        self,
        economy: pd.DataFrame,
        energy: pd.DataFrame | None,
        sectors: pd.DataFrame,
        co2: pd.DataFrame | None = None,
        regions: pd.DataFrame | None = None,
    ) -> None:
        self._base = [_long(economy, "variable"), _long(energy, "fuel")]
        self._store = _Store.build([*self._base, _co2_long(co2)])
        self._has_co2 = co2 is not None
        self.sectors = sectors
        members = sectors.loc[sectors["role"] == "member"]
        self.members = members["code"].tolist()
        self.groups = {
            g: members.loc[members["group"] == g, "code"].tolist()
            for g in members["group"].unique()
        }
        ref = sectors.loc[sectors["role"] == "reference", "code"].tolist()
        reg = sectors.loc[sectors["role"] == "region", "code"].tolist()
        self.reference = ref[0] if ref else None
        self.region = reg[0] if reg else None
        self.regions = regions["code"].astype(str).tolist() if regions is not None else [""]
        self.region_groups: dict[str, list[str]] = {}
        if regions is not None and "group" in regions:
            for code, group in zip(regions["code"], regions["group"], strict=True):
                if group:
                    self.region_groups.setdefault(str(group), []).append(str(code))
        self.current = self.regions[0]
        self._currencies = _currencies(economy)

    # ---- copies ----------------------------------------------------------------
    def _copy(self) -> Resolver:
        new = Resolver.__new__(Resolver)
        new.__dict__.update(self.__dict__)
        return new

    def with_co2(self, co2: pd.DataFrame) -> Resolver:
        """A copy that also knows ``co2`` (records [region,] year, sector, co2_t)."""
        new = self._copy()
        new._store = _Store.build([*self._base, _co2_long(co2)])
        new._has_co2 = True
        return new

    def for_region(self, code: str) -> Resolver:
        """A copy whose scopes without a region part mean region ``code``."""
        if code not in self.regions:
            raise InputError(f"unknown region '{code}'{suggest(code, self.regions)}")
        new = self._copy()
        new.current = code
        return new

    def currency(self, variable: str) -> str | None:
        """The currency code of a money variable (``yuan``, ``USD`` ...), else None."""
        return self._currencies.get(str(variable).strip())

    # ---- names -----------------------------------------------------------------
    @property
    def variables(self) -> set[str]:
        names = set(self._store.names)
        names.add("energy")
        return names

    def _region_list(self, scope: Scope) -> list[str]:
        if scope.region_group is not None:
            if scope.region_group not in self.region_groups:
                raise InputError(
                    f"unknown region group '{scope.region_group}'"
                    f"{suggest(scope.region_group, list(self.region_groups))}",
                    fix="use a group named in the group column of regions.csv",
                )
            return list(self.region_groups[scope.region_group])
        if scope.region == ALL:
            return list(self.regions)
        if scope.region is not None:
            if scope.region not in self.regions:
                raise InputError(
                    f"unknown region '{scope.region}'{suggest(scope.region, self.regions)}",
                    fix="use a code listed in regions.csv",
                )
            return [scope.region]
        return [self.current]

    def _whole_region(self, var: str, region: str) -> list[str]:
        """Sector codes of ``*``: the region-level row if the variable has one there."""
        for code in ("", self.region):
            if code is not None and (var, region, code) in self._store.spans:
                return [code]
        return list(self.members) if self.members else [""]

    def _sector_list(self, sector: str, var: str, region: str) -> list[str]:
        if sector == ALL:
            return self._whole_region(var, region)
        if sector == "modern":
            return list(self.members) if self.members else [""]
        if sector == "reference":
            if self.reference is None:
                raise InputError(
                    "scope 'reference' is used but sectors.csv marks no reference row",
                    fix="add the all-manufacturing row with role reference",
                )
            return [self.reference]
        if sector == "region":
            return [self.region] if self.region is not None else [""]
        if sector.startswith("group:"):
            g = sector.split(":", 1)[1]
            if g not in self.groups:
                raise InputError(f"unknown group '{g}'{suggest(g, list(self.groups))}")
            return list(self.groups[g])
        codes = self.sectors["code"].tolist()
        if sector in codes:
            return [sector]
        known = [*SCOPE_WORDS, *codes, *(f"group:{g}" for g in self.groups)]
        raise InputError(
            f"unknown scope '{sector}'{suggest(sector, known)}",
            fix="use a sector code, modern, reference, region or group:<id>",
        )

    def scope_codes(self, scope: str) -> list[str]:
        """Sector codes a scope sums over (in the current region)."""
        parsed = parse_scope(scope)
        return self._sector_list(parsed.sector, "", self.current)

    # ---- lookups ---------------------------------------------------------------
    def _check_variable(self, variable: str, var: str) -> None:
        if var in self._store.names:
            return
        if variable == "co2" and not self._has_co2:
            raise InputError("co2 is not available (emissions were not computed)")
        if var != variable:  # an alias ("energy" is energy_total) whose data are absent
            raise InputError(
                f"variable '{variable}' ({var}) has no data in this study",
                fix=f"add {var} rows to the study's tables, or use another variable",
            )
        known = sorted(self.variables)
        raise InputError(
            f"unknown variable '{variable}'{suggest(variable, known)}",
            fix=f"known variables: {', '.join(known)}",
        )

    def __call__(self, variable: str, scope: str) -> pd.Series:
        var = str(variable).strip()
        if var == "energy":
            var = "energy_total"
        parsed = parse_scope(scope)
        regions = self._region_list(parsed)
        cells = [(r, c) for r in regions for c in self._sector_list(parsed.sector, var, r)]
        self._check_variable(variable, var)
        parts = []
        for region, code in cells:
            s = self._store.series((var, region, code))
            if s is None:
                where = f"sector {code}" if code else "the region level"
                if len(self.regions) > 1:
                    where += f" of region {region}"
                raise InputError(
                    f"variable '{variable}' has no data for {where}",
                    fix=f"add {variable} for {where} to the study's tables",
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

    def panel(self, variable: str, scope: str) -> pd.Series:
        """``variable[scope]`` in every region, indexed by (region, year)."""
        parts = {r: self.for_region(r)(variable, scope) for r in self.regions}
        out = pd.concat(parts, names=["region", "year"])
        out.name = f"{variable}[{scope}]"
        return out


def _currencies(economy: pd.DataFrame | None) -> dict[str, str]:
    """Variable -> currency code, from the canonical units of the economy table."""
    from carbonpath.core.units import parse_unit

    if economy is None or economy.empty or "unit" not in economy:
        return {}
    out: dict[str, str] = {}
    pairs = economy[["variable", "unit"]].drop_duplicates()
    for var, unit in zip(pairs["variable"].astype(str), pairs["unit"].astype(str), strict=True):
        try:
            code = parse_unit(unit).currency
        except InputError:
            continue
        if code:
            out[var] = code
    return out


def _co2_long(co2: pd.DataFrame | None) -> pd.DataFrame | None:
    if co2 is None or co2.empty:
        return None
    frame = co2.assign(variable="co2")
    return _long(frame, "variable", value="co2_t")
