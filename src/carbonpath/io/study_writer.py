"""Text of the study files the import commands write: CSV rows, TOML strings, templates.

Numbers are written with :func:`repr` (shortest text that reads back to the same
float, so an imported value equals the source cell exactly); missing values are empty
cells, never zero.  :func:`analysis_templates` are the commented ``[index]``,
``[stirpat]`` and ``[decomposition]`` sections an imported study carries, so that a
user sees which economic data would unlock each analysis.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["analysis_templates", "csv_text", "study_toml_header", "toml_str"]


def toml_str(text: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML; non-ASCII kept)."""
    return json.dumps(str(text), ensure_ascii=False)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return "" if value is None else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\n`` line ends) with floats written exactly and NaN as an empty cell."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(header))
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def study_toml_header(command: str, source: Sequence[str], files: Sequence[str]) -> list[str]:
    """The comment block at the top of a written study.toml (source, files read)."""
    return [
        f"# carbonpath study written by `carbonpath {command}`.",
        *(f"# {line}" for line in source),
        "# Read from:",
        *(f"#   {name}" for name in files),
        "",
    ]


_TEMPLATES = """\
# ---------------------------------------------------------------------------------
# Analyses that need economic data. {intro}
#   {columns}
# and uncomment a section below to unlock an analysis; every key is in
# docs/study-format.md.
#
# Low-carbon development index: needs output_value and employment of the {who}.
# [index]
# normalisation = "minmax"
# method = "entropy"{unit}
#
# [[index.indicators]]
# name = "co2_intensity"
# expr = "co2[{scope}] / output_value[{scope}]"
# direction = "-"
#
# [[index.indicators]]
# name = "co2_per_worker"
# expr = "co2[{scope}] / employment[{scope}]"
# direction = "-"
#
# [[index.indicators]]
# name = "labour_productivity"
# expr = "output_value[{scope}] / employment[{scope}]"
# direction = "+"
#
# STIRPAT drivers (ln C = b0 + b1 ln P + b2 ln A + b3 ln T): needs employment (P),
# output_value (A) and energy_total (T) of the {who}.
# [stirpat]
# response = "co2[{scope}]"
# k = "trace"
#
# [stirpat.regressors]
# lnP = "employment[{scope}]"
# lnA = "output_value[{scope}]"
# lnT = "output_value[{scope}] / energy_total[{scope}]"
#
# LMDI decomposition of the change in CO2 ({identity}).
# [decomposition]
# periods = ["chained", "first_last"]{decomposition}
"""


_EMPTY = "This study holds emissions only, so `carbonpath\n# run` does the accounting. Add rows to economy.csv"
_FILLED = "Check that economy.csv holds what a section\n# needs (its columns:"


def analysis_templates(
    panel: bool, *, region_level: bool = False, has_economy: bool = False
) -> list[str]:
    """Commented ``[index]``, ``[stirpat]`` and ``[decomposition]`` sections.

    ``region_level``: the study has no sectors (rows describe whole regions), so the
    templates use the region-level variables gdp and population and the Kaya identity.
    """
    key = "region," if panel else ""
    columns = f"{key}year,{'' if region_level else 'sector,'}variable,value,unit"
    if has_economy:
        columns += ")"
    intro = _FILLED if has_economy else _EMPTY
    if region_level:
        text = _TEMPLATES.format(
            intro=intro,
            columns=columns,
            who="regions (gdp, population)",
            unit='\n# unit = "region"' if panel else "",
            scope="region",
            identity="Kaya identity: needs population, gdp and energy_total of each region",
            decomposition='\n# identity = "kaya"',
        )
        text = text.replace("output_value[region]", "gdp[region]")
        text = text.replace("employment[region]", "population[region]")
    else:
        text = _TEMPLATES.format(
            intro=intro,
            columns=columns,
            who="member sectors",
            unit="",
            scope="modern",
            identity="sectoral identity: needs output_value of every member sector",
            decomposition="",
        )
    return text.splitlines()
