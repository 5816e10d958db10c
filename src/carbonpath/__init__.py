"""carbonpath: a reproducible low-carbon assessment of a region's industry.

study = carbonpath.load_study("my-study")     # or load_study() for the built-in study
results = study.run()
print(results.stirpat.ridge.summary())
results.write("my-report")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carbonpath.core.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from carbonpath.pipeline import Study
    from carbonpath.results import Results

__all__ = ["Results", "Study", "__version__", "load_study"]


def load_study(path: str | Path | None = None) -> Study:
    """Load and validate a study folder (``None``: the built-in Beijing study)."""
    from carbonpath.pipeline import load_study as _load

    return _load(path)


def __getattr__(name: str) -> object:
    """``carbonpath.Study`` and ``carbonpath.Results`` without importing pandas at start-up."""
    if name == "Study":
        from carbonpath.pipeline import Study

        return Study
    if name == "Results":
        from carbonpath.results import Results

        return Results
    raise AttributeError(f"module 'carbonpath' has no attribute {name!r}")
