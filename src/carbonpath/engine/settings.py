"""``[engine]`` of study.toml: where the heavy aggregation of large studies runs.

- ``kind``: ``"auto"`` (pandas up to ``threshold_rows`` activity rows, DuckDB above),
  ``"pandas"``, ``"duckdb"`` (embedded, out of core) or ``"spark"`` (Apache Spark: needs
  ``pip install 'carbonpath[spark]'`` and Java);
- DuckDB: ``memory_limit`` (e.g. ``"4GB"``: beyond it DuckDB spills to
  ``temp_directory``), ``threads`` (0: DuckDB's default, one per core);
- Spark: ``master`` (``"local[2]"``, or a cluster URL such as ``"spark://host:7077"``)
  and ``spark_conf`` (extra ``spark.*`` options, text values);
- ``facilities``: the facility codes whose CO2 by year and fuel the results keep (every
  other facility is only summed into its sector); at most :data:`MAX_FACILITIES_KEPT`.

``model_dump(mode="json")`` is the ``settings.engine`` part of results.json.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from carbonpath.core.settings import SettingError, SettingsModel, parse

__all__ = [
    "DEFAULT_THRESHOLD_ROWS",
    "MAX_FACILITIES_KEPT",
    "EngineSettings",
    "memory_bytes",
    "parse_engine",
]

#: activity rows above which ``kind = "auto"`` aggregates on DuckDB instead of pandas
DEFAULT_THRESHOLD_ROWS = 2_000_000
#: facilities whose own CO2 a study may ask the results to keep
MAX_FACILITIES_KEPT = 1_000
_MEMORY = re.compile(r"^\s*(\d+(\.\d+)?)\s*(MB|GB|TB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_MASTER = re.compile(r"^(local(\[(\d+|\*)\])?|(spark|yarn|k8s|mesos)(://\S+)?)$")
_SCALE = {"mb": 1e6, "gb": 1e9, "tb": 1e12, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_bytes(text: str) -> int:
    """Bytes of a memory limit such as ``"4GB"`` or ``"512 MiB"``."""
    m = _MEMORY.match(text)
    if m is None:
        raise SettingError(f"memory limit {text!r} is not a size", 'write e.g. "4GB" or "512MB"')
    return int(float(m.group(1)) * _SCALE[m.group(3).lower()])


class EngineSettings(SettingsModel):
    """``[engine]``: the engine of the activity x factor aggregation (docs/scale.md)."""

    kind: Literal["auto", "pandas", "duckdb", "spark"] = "auto"
    threshold_rows: Annotated[int, Field(ge=0, le=10**12)] = DEFAULT_THRESHOLD_ROWS
    memory_limit: str = "4GB"
    threads: Annotated[int, Field(ge=0, le=1024)] = 0
    temp_directory: str = ""
    master: str = "local[2]"
    spark_conf: dict[str, str] = Field(default_factory=dict)
    facilities: Annotated[list[str], Field(max_length=MAX_FACILITIES_KEPT)] = Field(
        default_factory=list
    )

    @field_validator("memory_limit")
    @classmethod
    def _size(cls, value: str) -> str:
        if memory_bytes(value) < 64 * 2**20:
            raise SettingError(f"memory limit {value!r} is below 64 MB", 'give e.g. "4GB"')
        return value.strip()

    @field_validator("master")
    @classmethod
    def _master(cls, value: str) -> str:
        if not _MASTER.match(value.strip()):
            raise SettingError(
                f"Spark master {value!r} is not a master URL",
                'use "local[2]" (this machine, 2 cores) or a cluster URL "spark://host:7077"',
            )
        return value.strip()

    @field_validator("spark_conf")
    @classmethod
    def _conf(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.startswith("spark."):
                raise SettingError(f"option {key!r} is not a Spark option", "name spark.* options")
        return value

    def engine_for(self, rows: int) -> str:
        """The engine that runs an aggregation of ``rows`` activity rows."""
        if self.kind != "auto":
            return self.kind
        return "duckdb" if rows > self.threshold_rows else "pandas"


def parse_engine(raw: Any) -> EngineSettings:
    """Validate the ``[engine]`` table (``None``: every default)."""
    return parse(EngineSettings, raw, prefix=("engine",))
