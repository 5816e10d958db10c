"""Emission figures: bars, shares, ranks and panels against the results and the study."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.report.figures.conftest import draw
from tests.report.studies import GROUPS, MEMBERS, REFERENCE_COAL


def test_emissions_bars_and_share_by_hand(full: dict[str, Any]) -> None:
    ax, ax2 = draw(full, "emissions_total_share").axes
    total = sorted(full["emissions"]["total"], key=lambda r: r["year"])
    # totals are ~1e5 t: the axis is in kt, so each bar is co2_t / 1000
    assert [p.get_height() for p in ax.patches] == pytest.approx(
        [r["co2_t"] / 1000 for r in total], rel=1e-12
    )
    assert "kt CO₂" in ax.get_ylabel()
    # all manufacturing (M) burns only coal, REFERENCE_COAL times the members' coal: its
    # CO2 is REFERENCE_COAL x the members' coal CO2, so the share is total / that
    coal = {r["year"]: 0.0 for r in total}
    for r in full["emissions"]["by_fuel"]:
        if r["fuel"] == "coal" and r["sector"] in MEMBERS:
            coal[r["year"]] += r["co2_t"]
    want = [r["co2_t"] / (REFERENCE_COAL * coal[r["year"]]) * 100 for r in total]
    assert list(ax2.get_lines()[0].get_ydata()) == pytest.approx(want, rel=1e-9)
    assert ax2.get_ylabel() == "Share of all manufacturing (%)"


def test_ranking_puts_highest_intensity_first(full: dict[str, Any]) -> None:
    ax = draw(full, "intensity_ranking").axes[0]
    inten = {
        (r["scope"], r["year"]): r["intensity_t_per_1e8_yuan"]
        for r in full["emissions"]["intensity"]
        if r["scope_type"] == "sector"
    }
    lines = ax.get_lines()
    assert len(lines) == len(MEMBERS)
    for code, line in zip(MEMBERS, lines, strict=True):
        for year, rank in zip(line.get_xdata(), line.get_ydata(), strict=True):
            higher = sum(1 for c in MEMBERS if inten[(c, year)] > inten[(code, year)])
            assert rank == higher + 1
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # rank 1 at the top


def test_one_panel_per_group(full: dict[str, Any]) -> None:
    fig = draw(full, "emissions_by_group")
    titles = [
        a.get_title(loc="left") for a in fig.axes if a.get_visible() and a.get_title(loc="left")
    ]
    assert titles == [label for _, label in GROUPS]
    first = fig.axes[0]  # group one: A and B, one bar per year each
    by_sector = {(r["sector"], r["year"]): r["co2_t"] for r in full["emissions"]["by_sector"]}
    heights = [p.get_height() for p in first.patches]
    assert heights[:8] == pytest.approx([by_sector[("A", y)] / 1000 for y in range(2015, 2023)])


def test_fuels_stack_to_the_total(full: dict[str, Any]) -> None:
    ax = draw(full, "fuel_contributions").axes[0]
    total = {r["year"]: r["co2_t"] for r in full["emissions"]["total"]}
    sums: dict[float, float] = {}
    for p in ax.patches:
        x = round(p.get_x() + p.get_width() / 2)
        sums[x] = sums.get(x, 0.0) + p.get_height()
    assert sums == pytest.approx({y: v / 1000 for y, v in total.items()}, rel=1e-12)


def test_uncertainty_band_contains_the_total(full: dict[str, Any]) -> None:
    fig = draw(full, "uncertainty_bands")
    ax = fig.axes[0]
    band = ax.collections[0].get_paths()[0].vertices
    total = sorted(full["emissions"]["total"], key=lambda r: r["year"])
    lo, hi = band[:, 1].min(), band[:, 1].max()
    assert all(lo <= r["co2_t"] / 1000 <= hi for r in total)
    # one legend, outside and above every panel: it hides no data
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["95 % interval", "Central estimate"]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from carbonpath.report.figures.files import freeze_layout

    freeze_layout(fig, 100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    top = legend.get_window_extent(renderer)
    for a in fig.axes:
        assert top.y0 >= a.get_window_extent(renderer).y1 - 0.5


def test_ranking_labels_wrap_never_cut(full: dict[str, Any]) -> None:
    d = copy.deepcopy(full)
    long = "Manufacture of computers, communication and other electronic equipment"
    d["study"]["sectors"][0]["name"] = long
    ax = draw(d, "intensity_ranking").axes[0]
    texts = [t.get_text() for t in ax.texts]
    shown = next(t for t in texts if t.startswith("Manufacture"))
    assert shown.replace("\n", " ") == long and "\n" in shown and "…" not in shown


def test_group_panels_use_distinct_colours(full: dict[str, Any]) -> None:
    """Each panel's industries take the first, most distinct colours (not greys)."""
    from carbonpath.report.figures.colours import LINE

    fig = draw(full, "emissions_by_group")
    twins = [a for a in fig.axes if a.get_lines()]
    for twin in twins:
        colours = [ln.get_color() for ln in twin.get_lines()]
        assert colours == list(LINE[: len(colours)])


def test_fuel_colours_fixed_and_distinct_for_a_ceads_inventory() -> None:
    from carbonpath.io.ceads import SCOPE1_FUELS
    from carbonpath.report.figures.colours import FUEL_COLOURS, fuel_colours, fuel_order

    assert len(SCOPE1_FUELS) == 18
    colours = fuel_colours(list(SCOPE1_FUELS))
    assert len(set(colours.values())) == 18  # 18 fuels, 18 colours
    assert colours["raw_coal"] == FUEL_COLOURS["coal"]  # the same fuel, the same colour
    # the same fuel keeps its colour whatever else the study burns
    assert fuel_colours(["natural_gas"]) == {"natural_gas": colours["natural_gas"]}
    assert fuel_order(["natural_gas", "zz_other", "coal"]) == ["coal", "natural_gas", "zz_other"]
    for name in ("cn-provincial-2011", "ipcc-2006"):
        from carbonpath.accounting.factors import load_factor_set

        fuels = list(load_factor_set(name).entries)
        aliases = {"raw_coal": "coal", "diesel_oil": "diesel"}  # one fuel, two names
        kinds = {aliases.get(f, f) for f in fuels}
        assert len(set(fuel_colours(fuels).values())) == len(kinds), name
    unknown = fuel_colours(["coal", "peat", "bagasse"])
    assert len(set(unknown.values())) == 3


def test_fuel_stack_in_fixed_order(full: dict[str, Any]) -> None:
    ax = draw(full, "fuel_contributions").axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "Coal"  # the first fuel stacks at the bottom, listed last


def test_fuel_figure_says_when_its_table_was_left_out_of_results_json(
    full: dict[str, Any],
) -> None:
    """A national inventory's per-fuel table is too long for results.json (left_out): the
    figure is skipped with that reason, not with 'no energy data'."""
    from carbonpath.report.figures.render import figure_specs

    d = copy.deepcopy(full)
    d["emissions"]["by_fuel"] = []
    d["emissions"]["left_out"] = {"by_fuel": {"rows": 248000, "max_rows": 100000}}
    spec = {s.name: s for s in figure_specs(d)}["fuel_contributions"]
    assert spec.draw is None
    assert "248,000 rows" in spec.skip and "tables/emissions_by_fuel.csv" in spec.skip
    d["emissions"].pop("left_out")
    skip = {s.name: s for s in figure_specs(d)}["fuel_contributions"].skip
    assert skip is not None and "no emissions.by_fuel" in skip
