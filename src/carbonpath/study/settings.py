"""Read and validate ``study.toml``: the study's settings.

The core keys (title, region, years, groups, files ...) are checked here; each
analysis section is checked by the ``validate_config`` of the module that uses it, so
the rules for a section live next to the code that reads it.  Unknown keys, wrong
types and bad values are :class:`~carbonpath.core.errors.StudyError` naming the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from carbonpath.accounting.settings import parse_accounting
from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.settings import parse
from carbonpath.decomposition.settings import parse_decomposition
from carbonpath.index.settings import parse_index
from carbonpath.io import yearbook
from carbonpath.pathways.settings import check_against, parse_scenarios, parse_targets
from carbonpath.quality.settings import parse_quality
from carbonpath.stirpat.settings import parse_stirpat
from carbonpath.study.core_settings import DEFAULT_FILES, REPORT_FORMATS, CoreSettings

FILE = "study.toml"

__all__ = ["DEFAULT_FILES", "REPORT_FORMATS", "CoreSettings", "validate"]

#: the core keys of study.toml (the analysis sections are parsed by their families)
CORE_KEYS = tuple(CoreSettings.model_fields)

#: study.toml sections, each parsed by its family (the rules for a section live next to
#: the code that reads it): name -> parse(raw section, whole raw study.toml)
SECTION_PARSERS: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
    "accounting": lambda raw, full: parse_accounting(raw),
    "quality": lambda raw, full: parse_quality(raw),
    "index": lambda raw, full: parse_index(raw),
    "stirpat": lambda raw, full: parse_stirpat(raw),
    "yearbook": lambda raw, full: yearbook.validate_config(raw),
}
#: sections parsed together (scenarios read the names of the STIRPAT regressors)
PATHWAY_SECTIONS = ("decomposition", "targets", "scenarios")


def validate(raw: dict[str, Any], study_dir: Path) -> dict[str, Any]:
    """Validate the whole study.toml; return it with defaults filled in."""
    known = set(CORE_KEYS) | set(SECTION_PARSERS) | set(PATHWAY_SECTIONS)
    for key in raw:
        if key not in known:
            raise StudyError(
                f"unknown key{suggest(key, known)}",
                file=FILE,
                key=key,
                fix="remove it or check the spelling; see docs/study-format.md",
            )
    core = parse(CoreSettings, {k: raw[k] for k in CORE_KEYS if k in raw})
    for role, value in core.files.model_dump().items():
        target = (study_dir / value.partition("#")[0]).resolve()
        if not target.is_relative_to(study_dir.resolve()):
            raise StudyError(
                f"'{value}' points outside the study folder",
                file=FILE,
                key=f"files.{role}",
                fix="keep the study's files inside its folder",
            )
    cfg: dict[str, Any] = core.model_dump()
    cfg["years"] = list(core.years)
    cfg["core"] = core

    # analysis sections: parsed by their families (defaults filled in)
    for section, parse_section in SECTION_PARSERS.items():
        cfg[section] = parse_section(raw.get(section), raw)
    cfg["decomposition"] = parse_decomposition(raw.get("decomposition"))
    cfg["targets"] = parse_targets(raw.get("targets"))
    cfg["scenarios"] = parse_scenarios(raw.get("scenarios"))
    check_against(cfg["scenarios"], cfg["years"], tuple(cfg["stirpat"].regressors))
    cfg["sections_given"] = sorted(k for k in raw if k in SECTION_PARSERS or k in PATHWAY_SECTIONS)
    return cfg
