"""Context series figures: grouping, axes, illustrative marks, captions, languages."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from carbonpath.report import figures, style
from carbonpath.report.figures import context_series as cs

ROWS = [
    # series, year, value, unit, source, kind, illustrative, figure
    ("SEI output", 2018, 100.0, "10^8 yuan", "Yearbook 2019", "bar", False, "SEI"),
    ("SEI output", 2019, 120.0, "10^8 yuan", "Yearbook 2020", "bar", False, "SEI"),
    ("SEI output", 2020, 130.0, "10^8 yuan", "Yearbook 2021", "bar", True, "SEI"),
    ("SEI share", 2018, 20.0, "%", "Yearbook 2019", "line", False, "SEI"),
    ("SEI share", 2019, 22.5, "%", "Yearbook 2020", "line", False, "SEI"),
    ("SEI share", 2020, 24.0, "%", "Yearbook 2021", "line", False, "SEI"),
    ("Green factories", 2017, 5, "firms", "MIIT lists", "bar", "no", ""),
    ("Green factories", 2018, 9, "firms", "MIIT lists", "bar", "no", ""),
]
COLS = ["series", "year", "value", "unit", "source", "kind", "illustrative", "figure"]


def table() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLS)


def test_figures_grouped_in_table_order() -> None:
    figs = cs.context_figures(table())
    assert [f.name for f in figs] == ["context_sei", "context_green_factories"]
    sei = figs[0]
    assert [s.name for s in sei.series] == ["SEI output", "SEI share"]
    assert sei.units == ["10^8 yuan", "%"]
    assert sei.series[0].illustrative and not sei.series[1].illustrative
    assert [p.year for p in sei.series[0].points] == [2018, 2019, 2020]
    assert not figs[1].series[0].illustrative  # "no" is not a flag
    # list-of-dicts input gives the same figures
    assert cs.context_figures(table().to_dict(orient="records")) == figs


def test_bar_and_line_on_two_axes_with_illustrative_hatch() -> None:
    with style.style_context():
        fig = cs.draw_context(table(), "SEI")
    left, right = fig.axes
    assert left.get_ylabel() == "10^8 yuan" and right.get_ylabel() == "%"
    bars = [p for p in left.patches if p.get_height() > 0]
    assert [round(b.get_height()) for b in bars] == [100, 120, 130]
    assert [b.get_hatch() for b in bars] == [None, None, "///"]
    line = next(ln for ln in right.get_lines() if len(ln.get_xdata()) == 3)
    assert list(line.get_ydata()) == [20.0, 22.5, 24.0]
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend == ["SEI output (illustrative)", "SEI share"]


def test_caption_names_sources_and_illustrative_values() -> None:
    sei = cs.context_figures(table())[0]
    cap = cs.caption(sei)
    assert "Source: Yearbook 2019; Yearbook 2020; Yearbook 2021." in cap
    assert "not published figures: SEI output." in cap
    zh = cs.caption(sei, "zh")
    assert "资料来源：Yearbook 2019" in zh and "示意值" in zh


def test_more_than_two_units_is_skipped_with_reason() -> None:
    rows = table().assign(figure="one")
    (spec,) = [s for s in cs.specs_for(rows) if s.name == "context_one"]
    assert spec.draw is None and "more than two units" in (spec.skip or "")


@pytest.mark.parametrize("where", ["data", "list", "dict"])
def test_specs_read_from_results(full: dict[str, Any], where: str) -> None:
    d = copy.deepcopy(full)
    rows = table().to_dict(orient="records")
    if where == "data":
        d["data"]["context"] = rows
    elif where == "list":
        d["context"] = rows
    else:
        d["context"] = {"series": rows}
    specs = figures.figure_specs(d, style.StyleInfo(cjk_font=None))
    names = [s.name for s in specs]
    assert names[4:6] == ["context_sei", "context_green_factories"]  # after the economy figures
    assert all(s.section == "economy" and s.draw for s in specs[4:6])


def test_no_context_no_figures(full: dict[str, Any]) -> None:
    specs = figures.figure_specs(full, style.StyleInfo(cjk_font=None))
    assert not any(s.name.startswith("context_") for s in specs)
    assert cs.context_figures(None) == [] and cs.context_figures("x") == []


def test_chinese_series_names_get_numbered_files_and_chinese_axes() -> None:
    rows = [
        {"series": "专利", "year": 2019, "value": 3, "unit": "件", "kind": "line"},
        {"series": "专利", "year": 2020, "value": 4, "unit": "件", "kind": "line"},
    ]
    (f,) = cs.context_figures(rows)
    assert f.name == "context_1"
    with style.style_context():
        fig = cs.draw_figure(f, "zh")
    assert fig.axes[0].get_xlabel() == "年份"
