"""Shared pieces of the figure tests: the real results and drawing one figure."""

from __future__ import annotations

from typing import Any

import pytest

from carbonpath.report import figures, style
from tests.report.studies import results_for


@pytest.fixture(scope="session")
def full() -> dict[str, Any]:
    """results.to_dict() of the report-test study (every figure drawable)."""
    return results_for("full").to_dict()


def draw(d: dict[str, Any], name: str) -> Any:
    """The matplotlib Figure ``name`` drawn from ``d`` (in the carbonpath style)."""
    with style.style_context() as info:
        ctx = figures.build_context(d, info)
        spec = next(s for s in figures.figure_specs(d, info) if s.name == name)
        assert spec.draw is not None, spec.skip
        return spec.draw(ctx)
