"""Figures: the set drawn, skip notes, values plotted, CJK labels and byte-identical output."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from carbonpath.report import figures, style
from carbonpath.results import Results
from tests.report.report_fixture import GROUPS, SECTORS, YEARS, make_results

ALL = [
    "value_added_gdp_share",
    "output_by_industry",
    "value_added_structure",
    "energy_efficiency",
    "emissions_total_share",
    "emissions_by_group",
    "intensity_ranking",
    "fuel_contributions",
    "uncertainty_bands",
    "index_scores",
    "index_weights",
    "index_sensitivity",
    "ridge_trace",
    "ridge_r2",
    "predicted_actual",
    "lmdi_waterfall",
    "scenario_fan",
]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("figs")
    return folder, figures.write_figures(make_results(), folder)


def _ctx(d: dict[str, Any], cjk: str | None = "keep") -> figures.Context:
    info = (
        style.style_info()
        if cjk == "keep"
        else style.StyleInfo(cjk_font=cjk, notes=["no CJK font"])
    )
    return figures.build_context(d, info)


def _spec(d: dict[str, Any], name: str) -> figures.FigureSpec:
    return next(s for s in figures.figure_specs(d) if s.name == name)


def test_every_figure_written(written: tuple[Path, list[dict[str, Any]]]) -> None:
    from PIL import Image

    folder, manifest = written
    assert [m["name"] for m in manifest] == ALL
    for m in manifest:
        assert "skipped" not in m, m
        assert m["title"] and m["caption"]
        assert m["files"] == [f"figures/{m['name']}.png", f"figures/{m['name']}.svg"]
        png = Image.open(folder / m["files"][0])
        assert png.info["dpi"] == pytest.approx((100, 100), abs=0.01)  # [report] dpi = 100
        svg = (folder / m["files"][1]).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<dc:date>" not in svg
    assert sorted(p.name for p in (folder / "figures").iterdir()) == sorted(
        f"{n}.{ext}" for n in ALL for ext in ("png", "svg")
    )


def test_default_dpi_is_200() -> None:
    assert figures.report_dpi({"settings": {}}) == 200
    assert figures.report_dpi({"settings": {"report": {"dpi": 300}}}) == 300
    assert figures.report_dpi({"settings": {"report": {"dpi": "x"}}}) == 200


def test_everything_skipped_without_results(tmp_path: Path) -> None:
    manifest = figures.write_figures(make_results(minimal=True), tmp_path)
    assert [m["name"] for m in manifest] == ALL
    for m in manifest:
        assert "files" not in m
        assert isinstance(m["skipped"], str) and len(m["skipped"]) > 10
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())


def test_economy_figures_skip_without_data() -> None:
    r = make_results()
    d = r.to_dict()
    d["data"] = {}
    specs = {s.name: s for s in figures.figure_specs(d)}
    for name in ("value_added_gdp_share", "output_by_industry", "value_added_structure"):
        assert specs[name].draw is None and "economy data" in (specs[name].skip or "")
    # energy efficiency still comes from the emissions results
    assert specs["energy_efficiency"].draw is not None
    assert specs["emissions_total_share"].draw is not None


def test_emissions_bars_and_share_match_results() -> None:
    d = make_results().to_dict()
    ctx = _ctx(d)
    with style.style_context():
        fig = _spec(d, "emissions_total_share").draw(ctx)  # type: ignore[misc]
    ax, ax2 = fig.axes
    heights = [p.get_height() for p in ax.patches]
    total = sorted(d["emissions"]["total"], key=lambda r: r["year"])
    # totals are ~1e5..1e6 t: the axis is in kt, so each bar is co2_t / 1000
    assert heights == pytest.approx([r["co2_t"] / 1000 for r in total], rel=1e-12)
    assert "kt CO₂" in ax.get_ylabel()
    line = ax2.get_lines()[0]
    assert list(line.get_ydata()) == pytest.approx([r["share_of_reference"] * 100 for r in total])
    assert ax2.get_ylabel() == "Share of all manufacturing (%)"


def test_value_added_share_of_gdp_by_hand() -> None:
    r = make_results()
    d = r.to_dict()
    with style.style_context():
        fig = _spec(d, "value_added_gdp_share").draw(_ctx(d))  # type: ignore[misc]
    ax, ax2 = fig.axes
    # hand calculation from the fixture's definition: value added = 0.25 x output,
    # except automobiles 2021 (-0.2 x 0.25 x output); GDP = 23000e8 x 1.06^i
    expected_va, expected_share = [], []
    for i, year in enumerate(YEARS):
        va = 0.0
        for code, _n, _g, _zh, out0, growth, *_ in SECTORS:
            out = out0 * (1 + growth) ** i * 1e8
            if code == "27" and year == 2021:
                out *= 3.0
            v = out * 0.25
            if code == "36" and year == 2021:
                v = -0.2 * v
            va += v
        expected_va.append(va / 1e8)
        expected_share.append(va / (23000e8 * 1.06**i) * 100)
    assert [p.get_height() for p in ax.patches] == pytest.approx(expected_va, rel=1e-12)
    assert list(ax2.get_lines()[0].get_ydata()) == pytest.approx(expected_share, rel=1e-12)
    assert ax.get_ylabel() == "Value added (10⁸ yuan)"


def test_ranking_puts_highest_intensity_first() -> None:
    d = make_results().to_dict()
    with style.style_context():
        fig = _spec(d, "intensity_ranking").draw(_ctx(d))  # type: ignore[misc]
    ax = fig.axes[0]
    inten = {
        (r["scope"], r["year"]): r["intensity_t_per_1e8_yuan"] for r in d["emissions"]["intensity"]
    }
    codes = [s[0] for s in SECTORS]
    for code, line in zip(codes, ax.get_lines(), strict=True):
        for year, rank in zip(line.get_xdata(), line.get_ydata(), strict=True):
            higher = sum(1 for c in codes if inten[(c, year)] > inten[(code, year)])
            assert rank == higher + 1
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # rank 1 at the top


def test_one_panel_per_group() -> None:
    d = make_results().to_dict()
    with style.style_context():
        fig = _spec(d, "emissions_by_group").draw(_ctx(d))  # type: ignore[misc]
    titles = [
        a.get_title(loc="left") for a in fig.axes if a.get_visible() and a.get_title(loc="left")
    ]
    assert titles == [label for _, label in GROUPS]


def test_waterfall_effects_sum_to_change() -> None:
    d = make_results().to_dict()
    span = figures.lmdi_span(d)
    assert span is not None
    assert (span["start"], span["end"]) == (2015, 2022)
    # 180000 - 90000 - 620000 - 35000 = -565000 = 430300 - 995300
    assert sum(v for _, v in span["effects"]) == pytest.approx(-565000.0)
    assert span["co2_end"] - span["co2_start"] == pytest.approx(-565000.0)


def test_waterfall_chains_year_to_year_periods() -> None:
    d = {
        "decomposition": {
            "effects": [
                {
                    "period_start": 2015,
                    "period_end": 2016,
                    "sector": "39",
                    "effect": "activity",
                    "additive": 10.0,
                },
                {
                    "period_start": 2015,
                    "period_end": 2016,
                    "sector": "40",
                    "effect": "activity",
                    "additive": 5.0,
                },
                {
                    "period_start": 2016,
                    "period_end": 2017,
                    "sector": "39",
                    "effect": "activity",
                    "additive": -4.0,
                },
                {
                    "period_start": 2016,
                    "period_end": 2017,
                    "sector": "39",
                    "effect": "intensity",
                    "additive": -7.0,
                },
            ]
        }
    }
    span = figures.lmdi_span(d)
    assert span is not None
    assert dict(span["effects"]) == {"activity": 11.0, "intensity": -7.0}


def test_cjk_names_render_with_a_cjk_font() -> None:
    if style.find_cjk_font() is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    d = make_results(cjk=True).to_dict()
    with style.style_context() as info, warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns; it must not happen
        ctx = figures.build_context(d, info)
        assert ctx.notes == []
        svg, _png = figures.render(_spec(d, "intensity_ranking"), ctx, dpi=50)
    assert "医药制造业" in svg.decode("utf-8")  # matplotlib keeps the text as an SVG comment


def test_without_cjk_font_labels_fall_back_with_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    r = make_results(cjk=True)
    ctx = figures.build_context(r.to_dict(), style.style_info())
    assert ctx.labels["27"] == "Sector 27"
    assert ctx.notes and "CJK" in ctx.notes[0]
    d = r.to_dict()
    d["settings"]["report"] = {"labels": "name_zh"}
    d["study"]["sectors"][1]["name"] = "Pharmaceuticals"
    ctx = figures.build_context(d, style.style_info())
    assert ctx.labels["27"] == "Pharmaceuticals"


def test_hostile_labels_do_not_break_drawing() -> None:
    r = make_results(hostile=True)
    d = r.to_dict()
    d["study"]["sectors"][0]["name"] = "Cost $5 and $$ \\frac{"  # mathtext would fail on this
    with style.style_context() as info:
        ctx = figures.build_context(d, info)
        svg, png = figures.render(_spec(d, "output_by_industry"), ctx, dpi=40)
    assert svg and png


def _render_three(d: dict[str, Any]) -> list[bytes]:
    out = []
    with style.style_context() as info:
        ctx = figures.build_context(d, info)
        for name in ("emissions_by_group", "scenario_fan", "index_weights"):
            out.extend(figures.render(_spec(d, name), ctx, dpi=60))
    return out


def test_two_runs_byte_identical() -> None:
    d = make_results(cjk=True).to_dict()
    assert _render_three(d) == _render_three(d)


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    """Another interpreter with another hash seed writes the same SVG."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from tests.report.report_fixture import make_results\n"
        "from carbonpath.report import figures, style\n"
        "d = make_results(cjk=True).to_dict()\n"
        "with style.style_context() as info:\n"
        "    ctx = figures.build_context(d, info)\n"
        "    spec = next(s for s in figures.figure_specs(d) if s.name == 'emissions_by_group')\n"
        "    svg, png = figures.render(spec, ctx, dpi=60)\n"
        "open(sys.argv[3], 'wb').write(svg)\n"
    )
    out = tmp_path / "other.svg"
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", code, str(REPO / "src"), str(REPO / "tests"), str(out)],
        check=True,
        env=env,
        timeout=300,
    )
    here = _render_three(make_results(cjk=True).to_dict())[0]
    assert out.read_bytes() == here


def test_figure_bytes_carry_no_date_or_version() -> None:
    from matplotlib.figure import Figure
    from PIL import Image

    with style.style_context():
        fig = Figure()
        fig.add_subplot().plot([1, 2], [3, 4])
        svg, png = style.figure_bytes(fig, dpi=30)
    text = svg.decode("utf-8")
    assert "<dc:date>" not in text and "Matplotlib v" not in text
    assert Image.open(io.BytesIO(png)).info.get("Software") == style.PNG_SOFTWARE


def test_style_does_not_leak_into_global_rcparams() -> None:
    import matplotlib

    before = matplotlib.rcParams["svg.hashsalt"]
    with style.style_context():
        assert matplotlib.rcParams["svg.hashsalt"] == "carbonpath"
        assert matplotlib.rcParams["font.size"] == 9
    assert matplotlib.rcParams["svg.hashsalt"] == before


def test_palette_is_okabe_ito() -> None:
    okabe_ito = {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
        "#000000",
    }
    assert set(style.PALETTE) - {"#999999"} == okabe_ito


def test_results_without_sections_key_errors_are_not_raised() -> None:
    r = Results(study={"title": "t"}, settings={}, quality={})
    specs = figures.figure_specs(r.to_dict())
    assert all(s.draw is None for s in specs)
