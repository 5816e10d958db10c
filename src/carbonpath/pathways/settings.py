"""The ``[[targets]]`` and ``[scenarios]`` sections of study.toml, parsed once.

``parse_targets(raw)`` -> :class:`TargetSettings` (at most ``core.limits.MAX_TARGETS``
targets); ``parse_scenarios(raw)`` -> :class:`ScenarioSettings` (at most
``MAX_SCENARIOS`` scenarios).  :func:`check_against` checks a scenario section against
the rest of the study: the horizon at most ``MAX_HORIZON_YEARS`` beyond the last study
year, and the drivers among the STIRPAT regressors.  Every key, type, default and bound
is documented in docs/methods/pathways.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, model_serializer, model_validator

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import (
    MAX_HORIZON_YEARS,
    MAX_SCENARIOS,
    MAX_TARGETS,
    YEAR_MAX,
    YEAR_MIN,
)
from carbonpath.core.settings import FILE, SettingError, SettingsModel, parse

__all__ = [
    "Rate",
    "Scenario",
    "ScenarioSettings",
    "Target",
    "TargetSettings",
    "check_against",
    "parse_scenarios",
    "parse_targets",
]

SCENARIO_SETTINGS = ("horizon", "trend_years", "scope", "output_driver")
DEFAULT_BASELINE = "Recent trends"
#: a trend window longer than the whole year range can never be in the data
MAX_TREND_YEARS = YEAR_MAX - YEAR_MIN
_SCENARIO_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
#: an annual growth rate in (-1, 1], or "trend" (the recent compound growth)
Rate = float | Literal["trend"]


def _year(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not YEAR_MIN <= value <= YEAR_MAX:
        raise SettingError(
            f"'{value}' is not a year between {YEAR_MIN} and {YEAR_MAX}",
            "write a year such as 2030",
        )
    return int(value)


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TREND_YEARS:
        raise SettingError("trend_years must be a whole number >= 1", f"use 1 to {MAX_TREND_YEARS}")
    return int(value)


def _text(what: str) -> PlainValidator:
    def check(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise SettingError(f"{what} must be a non-empty string")
        return value

    return PlainValidator(check)


def _rate(value: object) -> Rate:
    """A growth rate: "trend" or a fraction per year in (-1, 1]."""
    if value == "trend":
        return "trend"
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise SettingError(
            f"growth rate {value!r} is not a number or 'trend'",
            'write an annual rate such as 0.05 (5% a year) or "trend"',
        )
    rate = float(value)
    if not -1.0 < rate <= 1.0:
        raise SettingError(
            f"growth rate {rate} is outside (-1, 1]",
            "rates are fractions per year: write 5% as 0.05",
        )
    return rate


def _fraction(value: object) -> float:
    """``reduction``: a fraction strictly between 0 and 1."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not 0.0 < float(value) < 1.0:  # type: ignore[arg-type]
        raise SettingError(
            f"reduction {value!r} is not a fraction between 0 and 1", "write 20% as 0.20"
        )
    return float(value)  # type: ignore[arg-type]


def _rate_at(value: object, key: str) -> Rate:
    """``_rate`` with the error located at ``key`` (below ``scenarios``)."""
    try:
        return _rate(value)
    except SettingError as exc:
        raise SettingError(exc.message, exc.fix, key=key) from None


Year = Annotated[int, PlainValidator(_year)]
TrendYears = Annotated[int, PlainValidator(_whole)]


class Target(SettingsModel):
    """One ``[[targets]]`` table: an intensity or absolute reduction against a base year."""

    name: Annotated[str, _text("name")]
    type: Literal["intensity", "absolute"]
    scope: Annotated[str, _text("scope")] = "modern"
    base_year: Year
    target_year: Year
    reduction: Annotated[float, PlainValidator(_fraction)]
    source: str = ""
    trend_years: TrendYears = 3

    @model_validator(mode="before")
    @classmethod
    def _type_words(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("type") not in ("intensity", "absolute"):
            raise SettingError(
                f"type {data.get('type')!r} is not 'intensity' or 'absolute'",
                'write type = "intensity" (CO2 per output value) or "absolute"',
                key="type",
            )
        return data

    def terms(self) -> dict[str, Any]:
        """The keyword arguments of :func:`.targets.track_target` and
        :func:`.units.track_units` that this table sets (one place for both)."""
        return {
            "base_year": self.base_year,
            "target_year": self.target_year,
            "reduction": self.reduction,
            "kind": self.type,
            "name": self.name,
            "trend_years": self.trend_years,
        }

    @model_validator(mode="after")
    def _target_after_base(self) -> Target:
        if self.target_year <= self.base_year:
            raise SettingError(
                f"target year {self.target_year} is not after base year {self.base_year}",
                key="target_year",
            )
        return self


class TargetSettings(SettingsModel):
    """All ``[[targets]]`` tables, in study.toml order (dumped as a list)."""

    targets: Annotated[tuple[Target, ...], Field(max_length=MAX_TARGETS)] = ()

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        """Default names ``target_<n>``; every name once."""
        items = data.get("targets") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            return data
        named, seen = [], set()
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                item = {"name": f"target_{i + 1}", **item}
                _required(item, i)
                if item["name"] in seen:
                    raise SettingError(
                        f"target name '{item['name']}' is used twice",
                        "give unique names",
                        key=f"targets[{i + 1}].name",
                    )
                seen.add(item["name"])
            named.append(item)
        return {**data, "targets": tuple(named)}

    @model_serializer(mode="wrap")
    def _as_list(self, handler: Any) -> Any:
        return handler(self)["targets"]

    @property
    def scopes(self) -> list[str]:
        """The targets' scopes, sorted, each once."""
        return sorted({t.scope for t in self.targets})


def _required(item: Mapping[str, Any], i: int) -> None:
    """Today's words for a missing year or reduction (after the type is known)."""
    if item.get("type") not in ("intensity", "absolute"):
        return
    for key in ("base_year", "target_year", "reduction"):
        if key not in item:
            raise SettingError(
                f"target '{item['name']}' lacks {key}", key=f"targets[{i + 1}].{key}"
            )


def parse_targets(raw: object) -> TargetSettings:
    """Parse ``[[targets]]`` (a list of tables, one table, or None for no targets)."""
    if raw is None:
        raw = []
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise StudyError("targets must be written as [[targets]] tables", file=FILE, key="targets")
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise StudyError(
                "each [[targets]] entry must be a table", file=FILE, key=f"targets[{i + 1}]"
            )
    return parse(TargetSettings, {"targets": raw})


class Scenario(SettingsModel):
    """A ``[scenarios.<name>]`` table: a label, an annual growth rate per driver and, in a
    panel, a region's own rates (``[scenarios.<name>.regions.<code>]``)."""

    label: str
    rates: dict[str, Annotated[Rate, PlainValidator(_rate)]] = Field(default_factory=dict)
    regions: dict[str, dict[str, Annotated[Rate, PlainValidator(_rate)]]] = Field(
        default_factory=dict
    )

    @model_serializer(mode="wrap")
    def _flat(self, handler: Any) -> Any:
        out = handler(self)
        regions = {"regions": out["regions"]} if out["regions"] else {}
        return {"label": out["label"], **out["rates"], **regions}


def _region_rates(value: object, key: str) -> dict[str, dict[str, Rate]]:
    """``regions``: {region code: {driver: rate}} (each rate as ``_rate``)."""
    fix = "write [scenarios.<name>.regions.<code>] tables of driver = rate"
    if not isinstance(value, Mapping):
        raise SettingError("regions must be a table of region tables", fix, key=key)
    out: dict[str, dict[str, Rate]] = {}
    for code, rates in value.items():
        if not isinstance(rates, Mapping):
            raise SettingError(
                f"region {code!r} must be a table of rates", fix, key=f"{key}.{code}"
            )
        out[str(code)] = {d: _rate_at(r, f"{key}.{code}.{d}") for d, r in rates.items()}
    return out


class ScenarioSettings(SettingsModel):
    """``[scenarios]``: horizon, trend window, scope, output driver and the scenarios."""

    horizon: Year = 2030
    trend_years: TrendYears = 3
    scope: Annotated[str, _text("scope")] = "modern"
    output_driver: str = "lnA"
    scenarios: dict[str, Scenario] = Field(
        default_factory=lambda: {"baseline": Scenario(label=DEFAULT_BASELINE)}
    )

    @model_validator(mode="before")
    @classmethod
    def _collect(cls, data: Any) -> Any:
        """The ``[scenarios.<name>]`` tables sit next to the settings: gather them."""
        if not isinstance(data, Mapping):
            return data
        settings = {k: v for k, v in data.items() if k in SCENARIO_SETTINGS}
        named: dict[str, Any] = {}
        for name, table in data.items():
            if name in SCENARIO_SETTINGS:
                continue
            if not isinstance(table, Mapping):
                raise SettingError(
                    f"unknown key '{name}'",
                    f"settings are {sorted(SCENARIO_SETTINGS)}; scenarios are [scenarios.<name>] tables",
                    key=name,
                )
            if not _SCENARIO_NAME.fullmatch(name):
                raise SettingError(f"scenario name '{name}' is not a simple name", key=name)
            label = table.get("label", name)
            if not isinstance(label, str):
                raise SettingError("label must be a string", key=f"{name}.label")
            rates = {
                k: _rate_at(v, f"{name}.{k}")
                for k, v in table.items()
                if k not in ("label", "regions")
            }
            regions = _region_rates(table.get("regions", {}), f"{name}.regions")
            named[name] = {"label": label, "rates": rates, "regions": regions}
        if len(named) > MAX_SCENARIOS:
            raise SettingError(
                f"{len(named)} scenarios is more than {MAX_SCENARIOS}",
                f"declare at most {MAX_SCENARIOS} [scenarios.<name>] tables",
            )
        if named:
            settings["scenarios"] = named
        return settings

    @model_serializer(mode="wrap")
    def _flat(self, handler: Any) -> Any:
        out = handler(self)
        scenarios = out.pop("scenarios")
        return {**out, **scenarios}

    def check_against(self, years: Sequence[int], drivers: Sequence[str]) -> None:
        """The horizon at most MAX_HORIZON_YEARS beyond the last study year, the output
        driver (when given) and every scenario's drivers among ``drivers`` (the model
        terms).  Raises StudyError at the key."""
        last = int(max(years))
        if self.horizon > last + MAX_HORIZON_YEARS:
            raise StudyError(
                f"horizon {self.horizon} is more than {MAX_HORIZON_YEARS} years after the last "
                f"study year {last}",
                file=FILE,
                key="scenarios.horizon",
                fix=f"set a horizon up to {last + MAX_HORIZON_YEARS}",
            )
        if "output_driver" in self.model_fields_set and self.output_driver not in drivers:
            raise StudyError(
                f"output_driver '{self.output_driver}' is not a model driver",
                file=FILE,
                key="scenarios.output_driver",
                fix=f"use one of {', '.join(drivers)}",
            )
        for name, scenario in self.scenarios.items():
            own = [(f"regions.{c}.{d}", d) for c, r in scenario.regions.items() for d in r]
            for where, driver in [*((d, d) for d in scenario.rates), *own]:
                if driver not in drivers:
                    raise StudyError(
                        f"unknown driver '{driver}' in scenario '{name}'",
                        file=FILE,
                        key=f"scenarios.{name}.{where}",
                        fix=f"use one of {', '.join(drivers)}",
                    )


def parse_scenarios(raw: Mapping[str, Any] | None) -> ScenarioSettings:
    """Parse ``[scenarios]`` (None: the defaults, one "Recent trends" baseline)."""
    return parse(ScenarioSettings, raw, prefix=("scenarios",))


def check_against(settings: ScenarioSettings, years: Sequence[int], drivers: Sequence[str]) -> None:
    """``settings.check_against(years, drivers)`` (for study/settings.py)."""
    settings.check_against(years, drivers)
