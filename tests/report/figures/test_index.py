"""Index figures draw the index results as they are."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.report.figures.conftest import draw


def test_index_line_is_the_scores(full: dict[str, Any]) -> None:
    ax = draw(full, "index_scores").axes[0]
    scores = sorted(full["index"]["scores"], key=lambda r: r["year"])
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [r["year"] for r in scores]
    assert list(line.get_ydata()) == pytest.approx([r["score"] for r in scores], rel=1e-15)
    assert line.get_label() == "Index"


def test_weight_bars_per_method(full: dict[str, Any]) -> None:
    ax = draw(full, "index_weights").axes[0]
    rows = full["index"]["alternative_weights"]
    methods = [t.get_text() for t in ax.get_legend().get_texts()]
    assert methods[:2] == ["Entropy", "CRITIC"]  # named in words, fixed order
    widths = [p.get_width() for p in ax.patches]
    assert widths[: len(rows)] == pytest.approx([r["entropy"] for r in rows], rel=1e-15)
    assert len(widths) == len(rows) * len(methods)


def test_sensitivity_has_rank_and_score_panels(full: dict[str, Any]) -> None:
    fig = draw(full, "index_sensitivity")
    assert [a.get_ylabel() for a in fig.axes] == [
        "Rank of year (1 = best score)",
        "Index score (dimensionless)",
    ]


def test_subsystems_in_declared_order_with_labels(full: dict[str, Any]) -> None:
    d = copy.deepcopy(full)
    subs = ["zeta_part", "low_carbon", "alpha_part"]  # declared order, not alphabetical
    for ind, sid in zip(d["settings"]["index"]["indicators"], subs, strict=True):
        ind["subsystem"] = sid
    d["index"]["subsystems"] = [
        {"year": r["year"], "subsystem": sid, "score": 0.1 * (k + 1)}
        for k, sid in enumerate(sorted(subs))
        for r in d["index"]["scores"]
    ]
    ax = draw(d, "index_scores").axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()[1:]]
    assert labels == [
        "Subsystem: Zeta part",
        "Subsystem: Low-carbon development",
        "Subsystem: Alpha part",
    ]
    # each subsystem keeps its scores: alpha_part is the first in name order (0.1)
    assert set(ax.get_lines()[3].get_ydata()) == {0.1}
