"""study.toml parsed once into :class:`StudySettings`.

The core keys (title, region, years, groups, files ...) are a model of this module
(:mod:`carbonpath.study.core_settings`); each analysis section is parsed by the settings
model of the family that uses it (``accounting.settings``, ``index.settings`` ...), so the
rules for a section live next to the code that reads it.  Unknown keys, wrong types and
bad values are :class:`~carbonpath.core.errors.StudyError` naming the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field

from carbonpath.accounting.settings import AccountingSettings, parse_accounting
from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.limits import DEFAULT_MAX_FILE_MB
from carbonpath.core.settings import SettingsModel, parse
from carbonpath.decomposition.settings import DecompositionSettings, parse_decomposition
from carbonpath.engine.settings import EngineSettings, parse_engine
from carbonpath.index.settings import IndexSettings, parse_index
from carbonpath.io import yearbook
from carbonpath.io.files import MB, max_input_bytes
from carbonpath.pathways.settings import (
    ScenarioSettings,
    TargetSettings,
    check_against,
    parse_scenarios,
    parse_targets,
)
from carbonpath.quality.settings import QualitySettings, parse_quality
from carbonpath.stirpat.settings import StirpatSettings, parse_stirpat
from carbonpath.study.core_settings import DEFAULT_FILES, REPORT_FORMATS, CoreSettings

FILE = "study.toml"

__all__ = ["DEFAULT_FILES", "REPORT_FORMATS", "StudySettings", "parse_study_settings"]

#: the core keys of study.toml (the analysis sections are parsed by their families)
CORE_KEYS = tuple(CoreSettings.model_fields)


class LimitsSettings(SettingsModel):
    """``[limits]``: how large an input file may be (docs/reliability.md)."""

    max_file_mb: float = DEFAULT_MAX_FILE_MB


def parse_limits(raw: Any) -> LimitsSettings:
    """``[limits]``, checked by the reader that applies it (:func:`io.files.max_input_bytes`)."""
    if isinstance(raw, Mapping):
        for key in raw:
            if key != "max_file_mb":
                raise StudyError(
                    f"unknown key{suggest(str(key), ['max_file_mb'])}",
                    file=FILE,
                    key=f"limits.{key}",
                    fix="the only key here is max_file_mb",
                )
    limit = max_input_bytes(None if raw is None else {"limits": raw})
    return LimitsSettings(max_file_mb=limit / MB)


#: study.toml sections -> the family parser of each
SECTION_PARSERS: dict[str, Callable[[Any], Any]] = {
    "accounting": parse_accounting,
    "quality": parse_quality,
    "index": parse_index,
    "stirpat": parse_stirpat,
    "decomposition": parse_decomposition,
    "targets": parse_targets,
    "scenarios": parse_scenarios,
    "yearbook": yearbook.validate_config,
    "limits": parse_limits,
    "engine": parse_engine,
}


class StudySettings(CoreSettings):
    """Every setting of a study: the core keys and one typed model per section.

    A section that study.toml does not write holds its defaults; ``given`` names the
    sections it writes (``[stirpat]`` runs only when given).
    """

    accounting: AccountingSettings
    quality: QualitySettings
    index: IndexSettings
    stirpat: StirpatSettings
    decomposition: DecompositionSettings
    targets: TargetSettings
    scenarios: ScenarioSettings
    yearbook: list[dict[str, Any]] = Field(default_factory=list)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    given: frozenset[str] = Field(default=frozenset(), exclude=True)


def _check_top_keys(raw: Mapping[str, Any]) -> None:
    known = set(CORE_KEYS) | set(SECTION_PARSERS)
    for key in raw:
        if key not in known:
            raise StudyError(
                f"unknown key{suggest(key, known)}",
                file=FILE,
                key=key,
                fix="remove it or check the spelling; see docs/study-format.md",
            )


def _check_files_inside(core: CoreSettings, given: Mapping[str, Any], study_dir: Path) -> None:
    """A file named under ``[files]`` must lie inside the study folder (default names are
    checked when they are opened, links included: :mod:`carbonpath.io.files`)."""
    for role in given:
        value = getattr(core.files, role)
        target = (study_dir / value.partition("#")[0]).resolve()
        if not target.is_relative_to(study_dir.resolve()):
            raise StudyError(
                f"'{value}' points outside the study folder",
                file=FILE,
                key=f"files.{role}",
                fix="keep the study's files inside its folder",
            )


def parse_study_settings(raw: Mapping[str, Any], study_dir: Path) -> StudySettings:
    """Validate the whole study.toml (already parsed as TOML) into typed settings."""
    _check_top_keys(raw)
    core = parse(CoreSettings, {k: raw[k] for k in CORE_KEYS if k in raw})
    files = raw.get("files")
    _check_files_inside(core, files if isinstance(files, Mapping) else {}, study_dir)
    sections = {name: parser(raw.get(name)) for name, parser in SECTION_PARSERS.items()}
    check_against(sections["scenarios"], list(core.years), tuple(sections["stirpat"].regressors))
    values = {name: getattr(core, name) for name in CORE_KEYS}
    given = frozenset(k for k in raw if k in SECTION_PARSERS)
    if (study_dir / core.files.regions.partition("#")[0]).is_file():
        sections.update(panel_unit_defaults(sections))
    return StudySettings.model_construct(**values, **sections, given=given)


def panel_unit_defaults(sections: Mapping[str, Any]) -> dict[str, Any]:
    """The unit of observation a panel study (regions.csv) uses when study.toml names
    none, written into the settings so that results.json says what was used: "region"
    for ``[index]`` (unless ``panel = true``), ``[stirpat]`` and ``[decomposition]``."""
    out: dict[str, Any] = {}
    idx, sp, dec = (sections.get(k) for k in ("index", "stirpat", "decomposition"))
    if idx is not None and "unit" not in idx.model_fields_set and not idx.panel:
        out["index"] = idx.model_copy(update={"unit": "region"})
    if sp is not None and "unit" not in sp.model_fields_set:
        out["stirpat"] = sp.model_copy(update={"unit": "region"})
    if dec is not None and getattr(dec, "unit", None) is None:
        out["decomposition"] = dec.model_copy(update={"unit": "region"})
    return out
