"""Chinese figure words, and the region figure of a panel study."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from carbonpath.report import figures, style
from carbonpath.report.figures import words
from tests.report.figures.conftest import draw


def _zh(d: dict[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(d)
    d["settings"]["report"]["language"] = "zh"
    return d


def test_every_english_key_has_chinese_words() -> None:
    en, zh = words.catalogue("en"), words.catalogue("zh")
    assert set(en) == set(zh)
    for key, value in en.items():  # the same fields in both languages
        fields = sorted(p.split("}")[0] for p in value.split("{")[1:])
        assert fields == sorted(p.split("}")[0] for p in zh[key].split("{")[1:]), key


def test_zh_titles_axes_and_legends(full: dict[str, Any]) -> None:
    d = _zh(full)
    specs = {s.name: s for s in figures.figure_specs(d, style.StyleInfo("Noto Sans CJK SC"))}
    assert specs["emissions_total_share"].title == "碳排放量及其占全部制造业比重"
    assert specs["lmdi_waterfall"].title.startswith("碳排放变化的分解")
    assert all(style.has_cjk(s.title) and style.has_cjk(s.caption) for s in specs.values())
    ax, ax2 = draw(d, "emissions_total_share").axes
    assert ax.get_ylabel() == "碳排放量（kt CO₂）" and ax.get_xlabel() == "年份"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["碳排放量", "占制造业比重"]
    fig = draw(d, "uncertainty_bands")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["95% 区间", "中心估计"]


def test_english_is_the_default_and_unknown_languages_fall_back() -> None:
    assert words.language_of({}) == "en"
    assert words.language_of({"settings": {"report": {"language": "klingon"}}}) == "en"
    assert words.text("fig.axis.year", "klingon") == "Year"
    with pytest.raises(KeyError):
        words.text("fig.no.such.key")


REGIONS = [
    {"code": "BJ", "name": "Beijing", "name_zh": "北京"},
    {"code": "TJ", "name": "Tianjin", "name_zh": "天津"},
    {"code": "XJ", "name": "Xinjiang", "name_zh": "新疆"},
]
TOTALS = {"BJ": {2018: 300.0, 2019: 200.0}, "TJ": {2018: 100.0, 2019: 500.0}, "XJ": {2019: 50.0}}


def _panel(full: dict[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(full)
    d["study"]["regions"] = REGIONS
    d["emissions"]["total"] = [
        {"region": r, "year": y, "co2_t": v} for r, s in TOTALS.items() for y, v in s.items()
    ] + [{"region": "*", "year": 2019, "co2_t": 750.0}]
    return d


def test_region_bars_ranked_with_first_year_dots(full: dict[str, Any]) -> None:
    d = _panel(full)
    ax = draw(d, "emissions_by_region").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Tianjin", "Beijing", "Xinjiang"]
    assert [p.get_width() for p in ax.patches] == [500.0, 200.0, 50.0]  # t CO2 (< 5 kt)
    (dots,) = ax.get_lines()
    assert list(dots.get_xdata()) == [100.0, 300.0]  # 2018 values; Xinjiang starts in 2019
    assert "2019" in ax.get_xlabel()
    # colours by declared order: Beijing first
    from matplotlib.colors import to_hex

    from carbonpath.report.figures.colours import FILL

    assert to_hex(ax.patches[1].get_facecolor()) == FILL[0].lower()
    zh = draw(_zh(d), "emissions_by_region").axes[0]
    assert [t.get_text() for t in zh.get_yticklabels()] == ["天津", "北京", "新疆"]


def test_panel_study_other_figures_use_the_all_regions_rows(full: dict[str, Any]) -> None:
    d = _panel(full)
    ax = draw(d, "emissions_total_share").axes[0]
    assert [p.get_height() for p in ax.patches] == [750.0]  # only the "*" row


def test_one_region_study_has_no_region_figure(full: dict[str, Any]) -> None:
    names = [s.name for s in figures.figure_specs(full, style.StyleInfo(None))]
    assert "emissions_by_region" not in names
