"""``[quality]``: how the quality step judges, corrects and fills a study's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from carbonpath.core.errors import suggest
from carbonpath.core.settings import SettingError, SettingsModel, parse
from carbonpath.quality.checks import CHECKS

__all__ = ["QualitySettings", "parse_quality"]

Positive = Annotated[float, Field(gt=0)]


class QualitySettings(SettingsModel):
    """The ``[quality]`` table (docs/quality-checks.md)."""

    #: edge years: "none" (an error), "linear" or "hold"
    extrapolate: Literal["none", "linear", "hold"] = "none"
    #: |log10 jump| that is flagged (0.7 = a factor of 5)
    jump_threshold: Positive = 0.7
    #: |log10 jump| that is an error (0.9 = a factor of about 8)
    jump_error_threshold: Positive = 0.9
    #: neighbouring observed years on each side
    jump_window: Annotated[int, Field(ge=1, le=20)] = 2
    #: robust z (MAD units) a jump must also exceed
    jump_mad_k: Positive = 3.0
    #: positive values a series needs before the MAD rule applies
    jump_min_points: Annotated[int, Field(ge=3, le=1000)] = 5
    #: relative slack of components vs totals
    total_tolerance: Annotated[float, Field(ge=0, lt=1)] = 0.05
    #: findings below this share of their region's total are counted, not listed
    min_share: Annotated[float, Field(ge=0, le=1)] = 0.01
    #: checks to switch off, e.g. ["identical"]
    skip: list[str] = Field(default_factory=list)

    @field_validator("skip")
    @classmethod
    def _known_checks(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in CHECKS:
                raise SettingError(
                    f"unknown check '{name}'{suggest(str(name), CHECKS)}",
                    f"checks are {', '.join(CHECKS)}",
                )
        return value

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> QualitySettings:
        if self.jump_error_threshold < self.jump_threshold:
            raise SettingError("must be at least jump_threshold", key="jump_error_threshold")
        return self


def parse_quality(raw: Mapping[str, Any] | None) -> QualitySettings:
    """Validate the ``[quality]`` table (``None``: every default)."""
    return parse(QualitySettings, raw, prefix=("quality",))
