"""The core keys of study.toml (title, years, files, variables, report ...) as typed models.

The analysis sections are parsed by their own families (``study/settings.py`` composes
them); this module holds the keys every study has.
"""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from carbonpath.core import limits
from carbonpath.core.settings import Pair, SettingError, SettingsModel
from carbonpath.core.text import display_text
from carbonpath.core.variables import DERIVED_VARIABLES, ECONOMY_VARIABLES

__all__ = [
    "DEFAULT_FILES",
    "DIMENSIONS",
    "LANGUAGES",
    "REPORT_FORMATS",
    "CoreSettings",
    "FilesSettings",
    "ReportSettings",
]

DIMENSIONS = ("currency", "energy", "mass", "volume", "headcount", "count", "ratio")
REPORT_FORMATS = ("json", "csv", "html", "xlsx", "figures", "docx")
REPORT_LABELS = ("name", "name_zh", "code")
LANGUAGES = ("en", "zh")
ENCODINGS = ("auto", "utf-8", "gb18030")

DEFAULT_FILES = {
    "sectors": "sectors.csv",
    "energy": "energy.csv",
    "economy": "economy.csv",
    "factors": "factors.csv",
    "emissions": "emissions.csv",
    "corrections": "corrections.csv",
    "regions": "regions.csv",
    "context": "context.csv",
}

_VARIABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _plain_text(value: str, what: str) -> str:
    """Refuse control and invisible characters in a line of user text."""
    if display_text(value) != value:
        bad = next(ch for ch in value if display_text(ch) != ch)
        raise SettingError(
            f"{what} holds an invisible or control character (U+{ord(bad):04X})",
            "write plain text without control characters",
        )
    return value


class FilesSettings(SettingsModel):
    """File of each table, when it differs from the default name (``name.xlsx#Sheet``)."""

    sectors: str = DEFAULT_FILES["sectors"]
    energy: str = DEFAULT_FILES["energy"]
    economy: str = DEFAULT_FILES["economy"]
    factors: str = DEFAULT_FILES["factors"]
    emissions: str = DEFAULT_FILES["emissions"]
    corrections: str = DEFAULT_FILES["corrections"]
    regions: str = DEFAULT_FILES["regions"]
    context: str = DEFAULT_FILES["context"]


class ReportSettings(SettingsModel):
    """``[report]``: which outputs, figure resolution, language and sector labels."""

    formats: list[Literal["json", "csv", "html", "xlsx", "figures", "docx"]] = Field(
        default_factory=lambda: list(REPORT_FORMATS)
    )
    dpi: Annotated[int, Field(ge=limits.MIN_DPI, le=limits.MAX_DPI)] = 200
    language: str = "en"
    labels: Literal["name", "name_zh", "code"] = "name"

    @field_validator("formats", mode="before")
    @classmethod
    def _known_formats(cls, value: object) -> object:
        from carbonpath.core.errors import suggest

        if isinstance(value, list):
            for fmt in value:
                if fmt not in REPORT_FORMATS:
                    raise SettingError(
                        f"unknown format '{fmt}'{suggest(str(fmt), REPORT_FORMATS)}",
                        f"choose from {', '.join(REPORT_FORMATS)}",
                    )
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from carbonpath.core.errors import suggest

        if value not in LANGUAGES:
            raise SettingError(
                f"language '{value}' is not supported{suggest(value, LANGUAGES)}",
                f"use one of {', '.join(LANGUAGES)} (en: English, zh: Chinese)",
            )
        return value


class CoreSettings(SettingsModel):
    """The keys every study.toml has (docs/study-format.md)."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    region: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5000)] = ""
    years: Pair
    lead_years: Annotated[int, Field(ge=0, le=limits.MAX_LEAD_YEARS)] = 0
    seed: Annotated[int, Field(ge=0, le=limits.MAX_SEED)] = 20240601
    encoding: str = "auto"
    groups: dict[str, str] = Field(default_factory=dict)
    files: FilesSettings = Field(default_factory=FilesSettings)
    variables: dict[str, str] = Field(default_factory=dict)
    report: ReportSettings = Field(default_factory=ReportSettings)

    @field_validator("title", "region")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return _plain_text(value, "the text")

    @field_validator("years", mode="before")
    @classmethod
    def _year_pair(cls, value: object) -> object:
        ok = (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
            and value[0] <= value[1]
        )
        if not ok:
            raise SettingError(
                f"must be [first, last] with first <= last, got {value!r}",
                "e.g. years = [2015, 2022]",
            )
        if not all(limits.YEAR_MIN <= y <= limits.YEAR_MAX for y in value):  # type: ignore[union-attr]
            raise SettingError(
                f"{list(value)!r} is outside {limits.YEAR_MIN}-{limits.YEAR_MAX}",  # type: ignore[arg-type]
                "give the study's first and last year",
            )
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value if value != "auto" else "utf-8")
        except LookupError:
            raise SettingError(
                f"encoding '{value}' is unknown", "use 'auto', 'utf-8' or 'gb18030'"
            ) from None
        return value

    @field_validator("variables")
    @classmethod
    def _custom_variables(cls, value: dict[str, str]) -> dict[str, str]:
        from carbonpath.core.errors import suggest

        builtin = set(ECONOMY_VARIABLES) | set(DERIVED_VARIABLES)
        for name, dim in value.items():
            if not _VARIABLE_NAME.fullmatch(name):
                raise SettingError("variable names are lower_snake_case", key=name)
            if name in builtin:
                raise SettingError(
                    f"'{name}' is a built-in variable; a custom variable needs another name",
                    "rename the variable (and its rows in economy.csv)",
                    key=name,
                )
            if dim not in DIMENSIONS:
                raise SettingError(
                    f"dimension '{dim}' unknown{suggest(str(dim), DIMENSIONS)}",
                    f"use one of {', '.join(DIMENSIONS)}",
                    key=name,
                )
        return value

    @model_validator(mode="after")
    def _group_labels(self) -> CoreSettings:
        for gid, label in self.groups.items():
            _plain_text(label, f"the label of group '{gid}'")
        return self
