"""What the report reads of a run's results.

The report sits below the pipeline (``Results.write()`` hands itself to the report), so
it names the results it reads by this protocol instead of importing
:class:`carbonpath.results.Results`.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

__all__ = ["ResultsLike"]


class ResultsLike(Protocol):
    """A run's results: results.json as data, the result tables, the study's metadata."""

    study: dict[str, Any]
    settings: dict[str, Any]
    quality: dict[str, Any]
    sections: dict[str, Any]
    skipped: dict[str, str]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]: ...

    def tables(self) -> dict[str, pd.DataFrame]: ...
