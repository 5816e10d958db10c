"""STIRPAT figures: the ridge trace, R²(k) and the fit, and the fit layouts read."""

from __future__ import annotations

from typing import Any

import pytest

from carbonpath.report import figures
from tests.report.figures.conftest import draw


def test_trace_lines_per_term_and_k_marked(full: dict[str, Any]) -> None:
    ax = draw(full, "ridge_trace").axes[0]
    ridge = full["stirpat"]["ridge"]
    terms = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert terms == ["lnA", "lnT"]
    k_lines = [line for line in ax.get_lines() if list(line.get_xdata()) == [ridge["k"]] * 2]
    assert k_lines, "the k used is marked"
    trace = sorted(ridge["trace"], key=lambda r: r["k"])
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([r["lnA"] for r in trace])


def test_r2_line_is_the_trace(full: dict[str, Any]) -> None:
    ax = draw(full, "ridge_r2").axes[0]
    trace = sorted(full["stirpat"]["ridge"]["trace"], key=lambda r: r["k"])
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([r["r2"] for r in trace])


def test_fit_rows_from_the_results(full: dict[str, Any]) -> None:
    fit = full["stirpat"]["ridge"]["fit"]
    rows = figures.fit_rows(full)
    assert [r[1] for r in rows] == fit["actual"]
    assert [r[2] for r in rows] == fit["predicted"]
    assert [r[0] for r in rows] == list(range(2015, 2023))
    ax = draw(full, "predicted_actual").axes[0]
    assert ax.get_ylabel() == "ln C (C in t CO₂)"


def test_fit_rows_layouts() -> None:
    cols = {"stirpat": {"ridge": {"fit": {"actual": [1.0, 2.0], "fitted": [1.5, None]}}}}
    assert figures.fit_rows(cols) == [(1, 1.0, 1.5)]
    recs = {"stirpat": {"ridge": {"fit": {"records": [{"year": 2020, "y": 3, "yhat": 4}]}}}}
    assert figures.fit_rows(recs) == [(2020, 3.0, 4.0)]
    years = {
        "stirpat": {
            "ridge": {"fit": {"observed": [5, 6], "prediction": [5, 7]}},
            "specification": {"years": [2001, 2002]},
        }
    }
    assert figures.fit_rows(years) == [(2001, 5.0, 5.0), (2002, 6.0, 7.0)]
    assert figures.fit_rows({}) == []
