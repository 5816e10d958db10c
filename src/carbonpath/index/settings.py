"""Typed settings of the ``[index]`` section of study.toml (docs/methods/index.md).

:func:`parse_index` validates the table once, at load, into an :class:`IndexSettings`:
choices are checked against the methods this family offers, counts against
:mod:`carbonpath.core.limits`, and every indicator expression is parsed by the
whitelisting parser :func:`carbonpath.core.expr.parse` and kept parsed
(:attr:`Indicator.tree`).  Errors are one line naming the key, the bad value and the
fix; tables of ``[[index.indicators]]`` are counted from 1 in keys
(``index.indicators[3].expr`` is the third indicator), as a TOML author counts them.

``model_dump(mode="json")`` is the ``settings.index`` part of results.json.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from carbonpath.core import expr as expr_mod
from carbonpath.core.errors import InputError, did_you_mean
from carbonpath.core.limits import MAX_BOOTSTRAP, MAX_INDICATORS, MAX_ROBUSTNESS_DRAWS
from carbonpath.core.settings import SettingError, SettingsModel, parse

__all__ = [
    "NORMALISATIONS",
    "OBJECTIVE_METHODS",
    "UNITS",
    "WEIGHT_METHODS",
    "IndexSettings",
    "Indicator",
    "RobustnessSettings",
    "parse_index",
]

NORMALISATIONS = ("minmax", "zscore", "ratio")
WEIGHT_METHODS = ("entropy", "critic", "cv", "equal", "user")
#: the weightings computed from the data (the robustness analysis draws among them)
OBJECTIVE_METHODS = WEIGHT_METHODS[:-1]
#: units of observation: one aggregate time series, a panel of sectors, a panel of regions
UNITS = ("aggregate", "sector", "region")
DIRECTION_FIX = "use '+' (larger is better) or '-' (smaller is better)"

Normalisation = Literal["minmax", "zscore", "ratio"]
WeightMethod = Literal["entropy", "critic", "cv", "equal", "user"]
ObjectiveMethod = Literal["entropy", "critic", "cv", "equal"]
Unit = Literal["aggregate", "sector", "region"]


# ------------------------------------------------------------------ value checks
def _choice(allowed: Sequence[str], what: str) -> Callable[[Any], Any]:
    """A check that ``value`` is one of ``allowed`` (today's words: 'unknown <what>')."""

    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise SettingError(
                f"unknown {what} '{value}'{did_you_mean(str(value), allowed)}",
                f"use one of {', '.join(allowed)}",
            )
        return value

    return check


def _choices(allowed: Sequence[str], what: str) -> Callable[[Any], Any]:
    """A check of a non-empty list of choices (the key names the list, not an entry)."""
    one = _choice(allowed, what)

    def check(value: Any) -> Any:
        if not isinstance(value, list | tuple) or not value:
            raise SettingError("must be a non-empty list")
        return tuple(one(v) for v in value)

    return check


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _non_negative(value: Any) -> float:
    """A finite number >= 0 (an int is read as a float)."""
    if not _is_number(value) or value < 0:
        raise SettingError(f"must be a number >= 0, got {value!r}")
    return float(value)


def _epsilon(value: Any) -> float:
    """The entropy shift: a number in [0, 1)."""
    eps = _non_negative(value)
    if eps >= 1:
        raise SettingError(f"epsilon {eps:g} is too large (usual: 0.0001, 0.001 or 0.01)")
    return eps


def _numbers(value: Any) -> Any:
    if not isinstance(value, list | tuple) or not value:
        raise SettingError("must be a non-empty list")
    return tuple(_non_negative(v) for v in value)


def _count(lo: int) -> Callable[[Any], Any]:
    """A whole number >= ``lo`` (the upper bound is a Field constraint)."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < lo:
            raise SettingError(f"must be a whole number >= {lo}, got {value!r}")
        return value

    return check


def _bootstrap(value: Any) -> Any:
    """``true`` = 1000 resamples, ``false`` = 0 (off), else a whole number >= 0."""
    if value is True:
        return 1000
    if value is False:
        return 0
    return _count(0)(value)


def _robustness(value: Any) -> Any:
    """``false`` = off (None), ``true`` = the defaults, a table = the defaults overridden."""
    if value is False:
        return None
    if value is True:
        return {}
    if isinstance(value, Mapping | RobustnessSettings):
        return value
    raise SettingError(f"must be false or a table like {{draws = 1000}}, got {value!r}")


def _indicator_list(value: Any) -> Any:
    """An array of tables, at most MAX_INDICATORS long (checked before any is parsed)."""
    if not isinstance(value, list | tuple):
        raise SettingError("must be an array of tables ([[index.indicators]])")
    if len(value) > MAX_INDICATORS:
        raise SettingError(
            f"must have at most {MAX_INDICATORS} entries, got {len(value)}",
            f"use at most {MAX_INDICATORS} indicators "
            "(the bound is documented in docs/study-format.md)",
        )
    return tuple(value)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingError("every indicator needs a name")
    return value.strip()


def _text(what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise SettingError(f"{what} must be a string")
        return value

    return check


def _subsystem(value: Any) -> Any:
    return _text("subsystem")(value).strip()


def _direction(value: Any) -> str:
    """``+``/``positive`` -> ``+``, ``-``/``negative`` -> ``-`` (any case, stripped)."""
    text = str(value).strip().lower()
    if text in {"+", "positive"}:
        return "+"
    if text in {"-", "negative"}:
        return "-"
    raise SettingError(f"bad direction {value!r}", DIRECTION_FIX)


# ------------------------------------------------------------------------ models
class RobustnessSettings(SettingsModel):
    """``[index.robustness]``: the Monte Carlo over method x normalisation x epsilon x
    one-indicator-out (OECD/JRC Handbook 2008, step 7)."""

    draws: Annotated[int, BeforeValidator(_count(1)), Field(le=MAX_ROBUSTNESS_DRAWS)] = 1000
    methods: Annotated[
        tuple[ObjectiveMethod, ...], BeforeValidator(_choices(OBJECTIVE_METHODS, "method"))
    ] = OBJECTIVE_METHODS
    normalisations: Annotated[
        tuple[Normalisation, ...], BeforeValidator(_choices(NORMALISATIONS, "normalisation"))
    ] = NORMALISATIONS
    epsilons: Annotated[tuple[float, ...], BeforeValidator(_numbers)] = (0.0, 1e-4, 1e-3, 1e-2)
    leave_one_out: bool = True


class Indicator(SettingsModel):
    """One ``[[index.indicators]]`` table; ``tree`` is the parsed expression."""

    name: Annotated[str, BeforeValidator(_name)] = Field(default=None, validate_default=True)
    label: Annotated[str | None, BeforeValidator(_text("label"))] = Field(
        default=None, validate_default=True
    )
    expr: Annotated[str | None, BeforeValidator(_text("expr"))] = None
    direction: Annotated[Literal["+", "-"] | None, BeforeValidator(_direction)] = None
    subsystem: Annotated[str, BeforeValidator(_subsystem)] = ""

    _tree: expr_mod.Expr = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _a_table(cls, data: Any) -> Any:
        if not isinstance(data, Mapping | Indicator):
            raise SettingError("must be a table with name, expr and direction")
        return data

    @field_validator("label")
    @classmethod
    def _label_defaults_to_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        return info.data.get("name") if value is None else value

    @field_validator("expr")
    @classmethod
    def _one_space(cls, value: str | None) -> str | None:
        return None if value is None else " ".join(value.split())

    @model_validator(mode="after")
    def _parsed(self) -> Indicator:
        """Parse the expression once (whitelisting parser); require a direction."""
        name = self.name
        if not self.expr:
            raise SettingError(
                f"indicator '{name}' needs an expression",
                'e.g. expr = "output_value[modern] / output_value[reference]"',
                key="expr",
            )
        try:
            self._tree = expr_mod.parse(self.expr, name=name)
        except InputError as exc:
            raise SettingError(exc.message, exc.fix, key="expr") from None
        if self.direction is None:
            raise SettingError(
                f"indicator '{name}' needs a direction", DIRECTION_FIX, key="direction"
            )
        return self

    @property
    def tree(self) -> expr_mod.Expr:
        """The parsed expression (:mod:`carbonpath.core.expr`), evaluated by the step."""
        return self._tree

    @property
    def uses_lag(self) -> bool:
        """True when the expression reads earlier years (``growth`` or ``lag``)."""
        return any(f in str(self.expr) for f in ("growth(", "lag("))


class IndexSettings(SettingsModel):
    """The ``[index]`` section: normalisation, weighting, unit of observation,
    robustness, bootstrap, coupling and the indicators."""

    normalisation: Annotated[
        Normalisation, BeforeValidator(_choice(NORMALISATIONS, "normalisation"))
    ] = "minmax"
    method: Annotated[
        WeightMethod, BeforeValidator(_choice(WEIGHT_METHODS, "weighting method"))
    ] = "entropy"
    epsilon: Annotated[float, BeforeValidator(_epsilon)] = 0.0
    #: alias of ``unit = "sector"`` (kept for studies written for carbonpath 0.1)
    panel: bool = False
    unit: Annotated[Unit, BeforeValidator(_choice(UNITS, "unit"))] = Field(
        default=None, validate_default=True
    )
    robustness: Annotated[RobustnessSettings | None, BeforeValidator(_robustness)] = (
        RobustnessSettings()
    )
    bootstrap: Annotated[int, BeforeValidator(_bootstrap), Field(le=MAX_BOOTSTRAP)] = 1000
    indicators: Annotated[tuple[Indicator, ...], BeforeValidator(_indicator_list)] = ()
    weights: dict[str, Annotated[float, BeforeValidator(_non_negative)]] | None = None
    coupling_alpha: dict[str, Annotated[float, BeforeValidator(_non_negative)]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _unit_sets_panel(cls, data: Any) -> Any:
        """``unit = "sector"`` implies ``panel = true`` (the echo stays consistent)."""
        if isinstance(data, Mapping) and data.get("unit") == "sector":
            return {**data, "panel": True}
        return data

    @field_validator("unit", mode="wrap")
    @classmethod
    def _unit_from_panel(cls, value: Any, handler: Any, info: ValidationInfo) -> Any:
        """No unit given: ``panel = true`` means "sector", else "aggregate"."""
        panel = info.data.get("panel") is True
        if value is None:
            return "sector" if panel else "aggregate"
        unit = handler(value)
        if panel and unit != "sector":
            raise SettingError(
                f'panel = true means unit = "sector" and contradicts unit = "{unit}"',
                'remove panel (unit is the preferred key) or set unit = "sector"',
            )
        return unit

    @field_serializer("robustness")
    def _robustness_json(self, value: RobustnessSettings | None) -> Any:
        return False if value is None else value.model_dump(mode="json")

    @model_validator(mode="after")
    def _consistent(self) -> IndexSettings:
        """Cross-key rules: unique names, subsystems all or none, user weights, coupling
        alpha."""
        _check_names(self.indicators)
        _check_subsystems(self.indicators)
        _check_weights(self.method, self.weights, [d.name for d in self.indicators])
        _check_alpha(self.coupling_alpha, self.subsystem_names)
        return self

    # ---- views used by the step
    @property
    def names(self) -> list[str]:
        return [d.name for d in self.indicators]

    @property
    def directions(self) -> dict[str, str]:
        return {d.name: d.direction for d in self.indicators}  # type: ignore[misc]

    @property
    def subsystem_names(self) -> list[str]:
        """Subsystems in order of first appearance ([] when indicators have none)."""
        return list(dict.fromkeys(d.subsystem for d in self.indicators if d.subsystem))

    @property
    def unit_key(self) -> str:
        """The study.toml key that chose the unit (for error messages)."""
        return "index.panel" if "unit" not in self.model_fields_set else "index.unit"


def _check_names(indicators: Sequence[Indicator]) -> None:
    seen: set[str] = set()
    for i, d in enumerate(indicators):
        if d.name in seen:
            raise SettingError(
                f"indicator name '{d.name}' is used twice", key=f"indicators[{i + 1}].name"
            )
        seen.add(d.name)


def _check_subsystems(indicators: Sequence[Indicator]) -> None:
    subs = [d.subsystem for d in indicators]
    if any(subs) and not all(subs):
        missing = next(i for i, s in enumerate(subs) if not s)
        raise SettingError(
            "either every indicator has a subsystem or none has",
            key=f"indicators[{missing + 1}].subsystem",
        )


def _check_weights(method: str, weights: Mapping[str, float] | None, names: list[str]) -> None:
    """User weights: only with method "user", one per indicator, not summing to 0."""
    if weights is None:
        if method == "user":
            raise SettingError(
                'method "user" needs index.weights',
                "add [index.weights] with a weight per indicator",
                key="weights",
            )
        return
    if method != "user":
        raise SettingError(
            'user weights are only used with method = "user"',
            'set index.method = "user" or remove index.weights',
            key="weights",
        )
    known = set(names)
    for k in weights:
        if k not in known:
            raise SettingError(
                f"weight for unknown indicator '{k}'{did_you_mean(str(k), sorted(known))}",
                key=f"weights.{k}",
            )
    missing = sorted(n for n in names if n not in weights)
    if missing:
        raise SettingError(f"no weight for indicator(s) {', '.join(missing)}", key="weights")
    if not sum(weights.values()) > 0:
        raise SettingError("user weights sum to 0", key="weights")


def _check_alpha(alpha: Mapping[str, float] | None, subsystems: list[str]) -> None:
    """Coupling alpha: one value per subsystem, summing to 1."""
    if alpha is None:
        return
    names = sorted(subsystems)
    known = set(names)
    for k in alpha:
        if k not in known:
            raise SettingError(
                f"unknown subsystem '{k}'",
                f"subsystems: {', '.join(names) or 'none defined'}",
                key=f"coupling_alpha.{k}",
            )
    if set(alpha) != known or not math.isclose(sum(alpha.values()), 1.0, abs_tol=1e-9):
        raise SettingError(
            "coupling_alpha must give every subsystem a value, summing to 1",
            key="coupling_alpha",
        )


def parse_index(raw: Any) -> IndexSettings:
    """Validate the ``[index]`` table (``None``: no section, the defaults)."""
    return parse(IndexSettings, raw, prefix=("index",))
