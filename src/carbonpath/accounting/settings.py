"""The ``[accounting]`` section of study.toml as typed settings (parsed once, at load).

Keys (docs/methods/accounting.md lists them with types, defaults and bounds):

- ``factor_set``: a shipped factor set (``carbonpath factors`` lists them);
- ``source``: ``"energy"`` (fuel use x factors) or ``"inventory"`` (emissions.csv);
  unset: energy when the study has an energy table;
- ``[accounting.scope2]``: ``enabled``, ``grid`` (a shipped grid), ``year``
  (``"auto"``: each data year its own factor, or one year for all);
- ``[accounting.uncertainty]``: ``enabled``, ``draws`` (Monte Carlo draws, bounded by
  :data:`carbonpath.core.limits.MIN_DRAWS` .. ``MAX_DRAWS``), ``activity_pct`` and
  ``factor_pct`` (95% half-widths in %; ``factor_pct`` one number or a table fuel -> %),
  ``distribution`` and ``trend`` (``[first, last]`` years of the trend uncertainty).

``model_dump(mode="json")`` is the ``settings.accounting`` part of results.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from carbonpath.accounting.factors import DEFAULT_SET, available_sets
from carbonpath.accounting.scope2 import available_grids
from carbonpath.accounting.uncertainty import DISTRIBUTIONS
from carbonpath.core.errors import suggest
from carbonpath.core.limits import MAX_DRAWS, MIN_DRAWS, YEAR_MAX, YEAR_MIN
from carbonpath.core.settings import Pair, SettingError, SettingsModel, parse

__all__ = [
    "DEFAULT_ACTIVITY_PCT",
    "DEFAULT_DRAWS",
    "AccountingSettings",
    "Scope2Settings",
    "UncertaintySettings",
    "parse_accounting",
]

#: activity-data uncertainty (95% half-width, %) by default
DEFAULT_ACTIVITY_PCT = 5.0
#: Monte Carlo draws by default
DEFAULT_DRAWS = 10_000

Percent = Annotated[float, Field(ge=0.0)]
Distribution = Literal["normal", "lognormal", "uniform", "triangular"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _year_or_auto(value: Any) -> Any:
    """``"auto"`` or a whole year in YEAR_MIN..YEAR_MAX (today's words otherwise)."""
    if value == "auto":
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise SettingError(f'must be "auto" or a year, got {value!r}')
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise SettingError(
            f"year {value} is outside {YEAR_MIN}-{YEAR_MAX}",
            f'give a year between {YEAR_MIN} and {YEAR_MAX}, or "auto"',
        )
    return value


class Scope2Settings(SettingsModel):
    """``[accounting.scope2]``: CO2 of purchased electricity and heat, beside scope 1."""

    enabled: bool = False
    grid: str = "national"
    year: Annotated[Literal["auto"] | int, BeforeValidator(_year_or_auto)] = "auto"

    @field_validator("grid")
    @classmethod
    def _known_grid(cls, grid: str) -> str:
        grids = available_grids()
        if grid not in grids:
            raise SettingError(
                f"unknown grid '{grid}'{suggest(grid, grids)}", f"choose one of {', '.join(grids)}"
            )
        return grid


def _factor_pct(value: Any) -> Any:
    """A number >= 0, or a table fuel -> number >= 0 (floats either way)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        out = {}
        for fuel, pct in value.items():
            if not _is_number(pct) or pct < 0:
                raise SettingError(f"must be a number >= 0 (percent), got {pct!r}", key=str(fuel))
            out[str(fuel)] = float(pct)
        return out
    if _is_number(value) and value >= 0:
        return float(value)
    raise SettingError(f"must be a number >= 0 or a table fuel = percent, got {value!r}")


def _trend(value: Any) -> Any:
    """``[first, last]`` with first < last (held as a tuple)."""
    if value is None:
        return None
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
        and value[0] < value[1]
    ):
        return tuple(value)
    raise SettingError(f"must be [first, last] years, got {value!r}")


class UncertaintySettings(SettingsModel):
    """``[accounting.uncertainty]``: IPCC Approach 1 and 2 (Monte Carlo)."""

    enabled: bool = True
    draws: Annotated[int, Field(ge=MIN_DRAWS, le=MAX_DRAWS)] = DEFAULT_DRAWS
    activity_pct: Percent = DEFAULT_ACTIVITY_PCT
    factor_pct: Annotated[float | dict[str, float] | None, BeforeValidator(_factor_pct)] = None
    distribution: Distribution = "normal"
    trend: Annotated[Pair | None, BeforeValidator(_trend)] = None

    @field_validator("distribution", mode="before")
    @classmethod
    def _known_distribution(cls, value: Any) -> Any:
        if value not in DISTRIBUTIONS:
            raise SettingError(
                f"unknown distribution {value!r}{suggest(str(value), DISTRIBUTIONS)}",
                f"choose one of {', '.join(DISTRIBUTIONS)}",
            )
        return value


class AccountingSettings(SettingsModel):
    """``[accounting]``: the factor set, the data source, scope 2 and uncertainty."""

    factor_set: str = DEFAULT_SET
    source: Literal["energy", "inventory"] | None = None
    scope2: Scope2Settings = Scope2Settings()
    uncertainty: UncertaintySettings = UncertaintySettings()

    @field_validator("factor_set")
    @classmethod
    def _known_set(cls, name: str) -> str:
        sets = available_sets()
        if name not in sets:
            raise SettingError(
                f"unknown factor set '{name}'{suggest(name, sets)}",
                f"choose one of {', '.join(sets)} (`carbonpath factors` prints them)",
            )
        return name

    @field_validator("source", mode="before")
    @classmethod
    def _known_source(cls, value: Any) -> Any:
        if value is not None and value not in ("energy", "inventory"):
            raise SettingError(f'must be "energy" or "inventory", got {value!r}')
        return value


def parse_accounting(raw: Mapping[str, Any] | None) -> AccountingSettings:
    """Validate the ``[accounting]`` table (``None``: every default)."""
    return parse(AccountingSettings, raw, prefix=("accounting",))
