"""The ``[decomposition]`` section of study.toml, parsed once into typed settings.

Keys (docs/methods/decomposition.md, section "study.toml keys"):

- ``periods``: "chained", "first_last", [start, end] or "start-end", a list of at most
  ``core.limits.MAX_PERIODS`` (default ["chained", "first_last"]);
- ``delta``: the small value of the zero rule, 0 < delta < 1e-6 (default 1e-10);
- ``zero_limits``: analytical limits for cells zero in one year (default true);
- ``identity``: "sectoral" (default), "kaya" or a list of factors ["gdp",
  "energy/gdp", "co2/energy"] whose product is ``quantity`` (default "co2");
- ``scope``: the scope whose variables a Kaya or user identity reads (default "region");
- ``region_share``: with several regions, split the activity into its total and the
  regions' shares (default true);
- ``unit``: the unit of observation, "aggregate" (one total), "sector" or "region"
  (default: "region" in a study with regions.csv, else "sector" for the sectoral
  identity and "aggregate" for a Kaya or user identity);
- ``[decomposition.decoupling]``: the Tapio decoupling step (``driver``: "gdp" or
  "output_value", default gdp for regions and aggregates, output_value for sectors;
  ``enabled``, default true).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import PlainSerializer, PlainValidator, ValidationInfo, model_validator

from carbonpath.core.errors import InputError
from carbonpath.core.limits import MAX_PERIODS, YEAR_MAX, YEAR_MIN
from carbonpath.core.settings import SettingError, SettingsModel, parse
from carbonpath.decomposition.identity import KAYA, SECTORAL, Identity, user_identity

__all__ = ["DecompositionSettings", "Period", "parse_decomposition"]

#: a period: year to year over the data, first to last data year, or (start, end)
Period = Literal["chained", "first_last"] | tuple[int, int]
DEFAULT_PERIODS: tuple[Period, ...] = ("chained", "first_last")
_SPAN = re.compile(r"\s*(\d{4})\s*-\s*(\d{4})\s*")
_PERIOD_FIX = 'use "chained", "first_last" or [start, end] with start < end'


def _is_year(y: object) -> bool:
    return isinstance(y, int) and not isinstance(y, bool) and YEAR_MIN <= y <= YEAR_MAX


def _period(item: object) -> Period:
    """One period entry: the two words, ``[start, end]`` or ``"start-end"``."""
    if item in ("chained", "first_last"):
        return item  # type: ignore[return-value]
    if isinstance(item, str) and (m := _SPAN.fullmatch(item)):
        item = [int(m.group(1)), int(m.group(2))]
    if isinstance(item, list | tuple) and len(item) == 2 and all(_is_year(y) for y in item):
        if item[0] < item[1]:
            return (int(item[0]), int(item[1]))
    raise SettingError(f"period {item!r} is not understood", _PERIOD_FIX)


def _periods(value: object) -> tuple[Period, ...]:
    """``periods``: a non-empty list (or one entry) of at most MAX_PERIODS periods."""
    items = [value] if isinstance(value, str) else value
    if isinstance(items, tuple):
        items = list(items)
    if not isinstance(items, list) or not items:
        raise SettingError(
            "periods must be a list", 'e.g. periods = ["chained", "first_last", [2015, 2020]]'
        )
    if len(items) > MAX_PERIODS:
        raise SettingError(
            f"{len(items)} periods is more than {MAX_PERIODS}",
            f"give at most {MAX_PERIODS} periods",
        )
    return tuple(_period(item) for item in items)


def _periods_json(periods: tuple[Period, ...]) -> list[Any]:
    return [list(p) if isinstance(p, tuple) else p for p in periods]


def _delta(value: object) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (0 < float(value) < 1e-6):  # type: ignore[arg-type]
        raise SettingError(
            f"delta = {value!r} is not a small positive number",
            "use a value between 1e-20 and 1e-10 (Ang & Liu 2007)",
        )
    return float(value)  # type: ignore[arg-type]


def _identity(value: object, info: ValidationInfo) -> Identity:
    """``identity``: "sectoral", "kaya" or the list of factors of a user identity."""
    if value == "sectoral":
        return SECTORAL
    if value == "kaya":
        return KAYA
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        quantity = info.data.get("quantity", "co2")
        try:
            return user_identity(list(value), quantity=quantity)
        except InputError as exc:
            raise SettingError(exc.message, exc.fix) from None
    raise SettingError(
        f"identity {value!r} is not understood",
        'use "sectoral", "kaya" or a list of factors such as ["gdp", "energy/gdp", "co2/energy"]',
    )


def _name(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise SettingError(
            f"quantity {value!r} is not a variable name", "name a variable such as co2"
        )
    return value


def _scope(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingError(
            f"scope {value!r} is not a scope", 'name a scope such as "region" or "modern"'
        )
    return value


Unit = Literal["aggregate", "sector", "region"]
Driver = Literal["gdp", "output_value"]


class DecouplingSettings(SettingsModel):
    """``[decomposition.decoupling]``: Tapio decoupling against a driver."""

    enabled: bool = True
    driver: Driver | None = None


class DecompositionSettings(SettingsModel):
    """``[decomposition]``: LMDI-I periods, the zero rule and the identity."""

    periods: Annotated[
        tuple[Period, ...], PlainValidator(_periods), PlainSerializer(_periods_json)
    ] = DEFAULT_PERIODS
    delta: Annotated[float, PlainValidator(_delta)] = 1e-10
    zero_limits: bool = True
    quantity: Annotated[str, PlainValidator(_name)] = "co2"
    identity: Annotated[
        Identity, PlainValidator(_identity), PlainSerializer(lambda i: i.to_setting())
    ] = SECTORAL
    scope: Annotated[str, PlainValidator(_scope)] = "region"
    region_share: bool = True
    unit: Unit | None = None
    decoupling: DecouplingSettings = DecouplingSettings()

    @model_validator(mode="after")
    def _quantity_needs_user_identity(self) -> DecompositionSettings:
        if self.quantity != "co2" and self.identity.kind != "user":
            raise SettingError(
                f"quantity = {self.quantity!r} needs a user identity",
                "give identity as a list of factors, or drop quantity",
                key="quantity",
            )
        return self

    def unit_for(self, *, panel: bool) -> Unit:
        """The unit of observation: ``unit`` or its default (see the module docstring)."""
        if self.unit is not None:
            return self.unit
        if panel:
            return "region"
        return "sector" if self.identity.kind == "sectoral" else "aggregate"

    @property
    def period_years(self) -> list[tuple[int, int]]:
        """The explicit (start, end) periods (checked against the data by the step)."""
        return [p for p in self.periods if isinstance(p, tuple)]


def parse_decomposition(raw: Mapping[str, Any] | None) -> DecompositionSettings:
    """Parse ``[decomposition]`` (None: the defaults); errors are one-line StudyErrors."""
    return parse(DecompositionSettings, raw, prefix=("decomposition",))
