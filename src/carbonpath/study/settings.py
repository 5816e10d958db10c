"""Read and validate ``study.toml``: the study's settings.

The core keys (title, region, years, groups, files ...) are checked here; each
analysis section is checked by the ``validate_config`` of the module that uses it, so
the rules for a section live next to the code that reads it.  Unknown keys, wrong
types and bad values are :class:`~carbonpath.core.errors.StudyError` naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from carbonpath.accounting import step as accounting_step
from carbonpath.core.errors import StudyError, suggest
from carbonpath.decomposition.settings import parse_decomposition
from carbonpath.index import step as index_step
from carbonpath.io import yearbook
from carbonpath.pathways.settings import check_against, parse_scenarios, parse_targets
from carbonpath.quality import assure as quality_assure
from carbonpath.stirpat import step as stirpat_step

FILE = "study.toml"

#: study.toml core keys -> (expected python type(s), default, help)
CORE_KEYS: dict[str, tuple[tuple[type, ...], Any, str]] = {
    "title": ((str,), None, "a short title for the report"),
    "region": ((str,), None, "the region studied, e.g. 'Beijing'"),
    "description": ((str,), "", "a longer description"),
    "years": ((list,), None, "first and last year, e.g. [2015, 2022]"),
    "lead_years": ((int,), 0, "years of data allowed before the first year (for lag/growth)"),
    "seed": ((int,), 20240601, "seed of every random draw (Monte Carlo, bootstrap)"),
    "encoding": ((str,), "auto", "CSV encoding: auto, utf-8 or gb18030"),
    "groups": ((dict,), None, "group id -> label, in display order"),
    "files": ((dict,), None, "file names, when they differ from the defaults"),
    "variables": ((dict,), None, "custom economy variables: name -> dimension"),
    "report": ((dict,), None, "report options"),
}

#: study.toml sections, each parsed by its family (the rules for a section live next to
#: the code that reads it): name -> parse(raw section, whole raw study.toml)
SECTION_PARSERS: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
    "accounting": lambda raw, full: accounting_step.validate_config(raw),
    "quality": lambda raw, full: quality_assure.validate_config(raw),
    "index": lambda raw, full: index_step.validate_config(raw),
    "stirpat": lambda raw, full: stirpat_step.validate_config(raw),
    "yearbook": lambda raw, full: yearbook.validate_config(raw),
}
#: sections parsed together (scenarios read the names of the STIRPAT regressors)
PATHWAY_SECTIONS = ("decomposition", "targets", "scenarios")

DEFAULT_FILES = {
    "sectors": "sectors.csv",
    "energy": "energy.csv",
    "economy": "economy.csv",
    "factors": "factors.csv",
    "emissions": "emissions.csv",
    "corrections": "corrections.csv",
}

REPORT_KEYS: dict[str, tuple[tuple[type, ...], Any]] = {
    "formats": ((list,), ["json", "csv", "html", "xlsx", "figures"]),
    "dpi": ((int,), 200),
    "language": ((str,), "en"),
    "labels": ((str,), "name"),
}
REPORT_LABELS = ("name", "name_zh", "code")
REPORT_FORMATS = ("json", "csv", "html", "xlsx", "figures")

DIMENSIONS = ("currency", "energy", "mass", "volume", "headcount", "count", "ratio")


def _type_name(types: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        list: "a list",
        dict: "a table",
        float: "a number",
        bool: "true or false",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)


def _check_type(key: str, value: Any, types: tuple[type, ...]) -> None:
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if float in types and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise StudyError(
            f"must be {_type_name(types)}, got {type(value).__name__} {value!r}",
            file=FILE,
            key=key,
        )


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
    cfg: dict[str, Any] = {}
    for key, (types, default, help_text) in CORE_KEYS.items():
        if key not in raw:
            if default is None and key in ("title", "region", "years"):
                raise StudyError(f"is required ({help_text})", file=FILE, key=key)
            cfg[key] = default
            continue
        _check_type(key, raw[key], types)
        cfg[key] = raw[key]

    years = cfg["years"]
    if (
        len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise StudyError(
            f"must be [first, last] with first <= last, got {years!r}",
            file=FILE,
            key="years",
            fix="e.g. years = [2015, 2022]",
        )
    if not (1900 <= years[0] <= 2200 and 1900 <= years[1] <= 2200):
        raise StudyError(f"{years!r} is outside 1900-2200", file=FILE, key="years")
    if cfg["lead_years"] < 0:
        raise StudyError("must be 0 or more", file=FILE, key="lead_years")

    groups = cfg["groups"] or {}
    for gid, label in groups.items():
        if not isinstance(label, str):
            raise StudyError("must be a string label", file=FILE, key=f"groups.{gid}")
    cfg["groups"] = dict(groups)

    files = dict(DEFAULT_FILES)
    for name, value in (cfg["files"] or {}).items():
        if name not in DEFAULT_FILES:
            raise StudyError(
                f"unknown file role{suggest(name, DEFAULT_FILES)}",
                file=FILE,
                key=f"files.{name}",
                fix=f"roles are {', '.join(DEFAULT_FILES)}",
            )
        _check_type(f"files.{name}", value, (str,))
        target = (study_dir / value.partition("#")[0]).resolve()
        if not target.is_relative_to(study_dir.resolve()):
            raise StudyError(
                f"'{value}' points outside the study folder",
                file=FILE,
                key=f"files.{name}",
                fix="keep the study's files inside its folder",
            )
        files[name] = value
    cfg["files"] = files

    variables = {}
    for name, dim in (cfg["variables"] or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise StudyError(
                "variable names are lower_snake_case", file=FILE, key=f"variables.{name}"
            )
        if dim not in DIMENSIONS:
            raise StudyError(
                f"dimension '{dim}' unknown{suggest(str(dim), DIMENSIONS)}",
                file=FILE,
                key=f"variables.{name}",
                fix=f"use one of {', '.join(DIMENSIONS)}",
            )
        variables[name] = dim
    cfg["variables"] = variables

    report = {}
    raw_report = cfg["report"] or {}
    for key in raw_report:
        if key not in REPORT_KEYS:
            raise StudyError(
                f"unknown key{suggest(key, REPORT_KEYS)}", file=FILE, key=f"report.{key}"
            )
    for key, (types, default) in REPORT_KEYS.items():
        value = raw_report.get(key, default)
        _check_type(f"report.{key}", value, types)
        report[key] = value
    for fmt in report["formats"]:
        if fmt not in REPORT_FORMATS:
            raise StudyError(
                f"unknown format '{fmt}'{suggest(str(fmt), REPORT_FORMATS)}",
                file=FILE,
                key="report.formats",
                fix=f"choose from {', '.join(REPORT_FORMATS)}",
            )
    if report["labels"] not in REPORT_LABELS:
        raise StudyError(
            f"unknown label choice '{report['labels']}'",
            file=FILE,
            key="report.labels",
            fix=f"choose from {', '.join(REPORT_LABELS)}",
        )
    cfg["report"] = report

    # analysis sections: parsed by their families (defaults filled in)
    for section, parse_section in SECTION_PARSERS.items():
        cfg[section] = parse_section(raw.get(section), raw)
    cfg["decomposition"] = parse_decomposition(raw.get("decomposition"))
    cfg["targets"] = parse_targets(raw.get("targets"))
    cfg["scenarios"] = parse_scenarios(raw.get("scenarios"))
    check_against(cfg["scenarios"], cfg["years"], tuple(cfg["stirpat"]["regressors"]))
    cfg["sections_given"] = sorted(k for k in raw if k in SECTION_PARSERS or k in PATHWAY_SECTIONS)
    return cfg
