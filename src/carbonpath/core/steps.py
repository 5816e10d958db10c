"""The names of the study's analysis steps, in the order they run.

One list for the pipeline (its registry follows it, checked at import) and for the
layers below it that walk the results by part (the report's translations, say).
"""

from __future__ import annotations

__all__ = ["STEPS"]

STEPS = (
    "emissions",
    "index",
    "stirpat",
    "decomposition",
    "decoupling",
    "targets",
    "scenarios",
)
