"""carbonpath: a reproducible low-carbon assessment of a region's industry."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.study import Study

__all__ = ["__version__", "load_study"]


def load_study(path: str | None = None) -> Study:
    """Load and validate a study folder (``None``: the built-in Beijing study)."""
    from carbonpath.study import load_study as _load

    return _load(path)
