"""Writing the figures: the full set, skip notes, one layout per figure, byte-identical files."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from carbonpath.report import figures, style
from carbonpath.results import Results
from tests.report.studies import no_analyses, results_for

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
    "decoupling",
    "scenario_fan",
]
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("figs")
    return folder, figures.write_figures(results_for("full"), folder)


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


def test_png_and_svg_share_one_canvas(written: tuple[Path, list[dict[str, Any]]]) -> None:
    from PIL import Image

    folder, manifest = written
    for m in manifest:
        png = Image.open(folder / m["files"][0])
        w_pt, h_pt = (float(x) for x in _svg_size(folder / m["files"][1]))
        # one canvas for both: PNG pixels at 100 dpi = SVG points x 100/72
        assert abs(png.size[0] - w_pt * 100 / 72) < 1, m["name"]
        assert abs(png.size[1] - h_pt * 100 / 72) < 1, m["name"]


def _svg_size(path: Path) -> tuple[str, str]:
    import re

    head = path.read_text(encoding="utf-8")[:1000]
    m = re.search(r'width="([0-9.]+)pt" height="([0-9.]+)pt"', head)
    assert m is not None
    return m.group(1), m.group(2)


#: the documented canvases (docs/report.md): width x height in inches at the study's size
CANVAS_IN = {
    "emissions_by_group": (6.3, 2.8 * 1),  # two groups: one row of two panels
    "index_weights": (6.3, 3.6),  # 3 indicators: 0.3 x 3 + 0.9 < 3.6
    "intensity_ranking": (6.3, 3.6),  # 3 industries
}


def test_canvas_sizes_as_documented(written: tuple[Path, list[dict[str, Any]]]) -> None:
    from PIL import Image

    folder, manifest = written
    for m in manifest:
        w, h = CANVAS_IN.get(m["name"], (6.3, 3.6))
        assert Image.open(folder / m["files"][0]).size == (round(w * 100), round(h * 100)), m
    from carbonpath.report.figures.canvas import canvas_height

    assert canvas_height("panels", 3) == pytest.approx(8.4)
    assert canvas_height("items", 18) == pytest.approx(0.3 * 18 + 0.9)


def test_everything_fits_inside_the_canvas(full: dict[str, Any]) -> None:
    """After the one layout, nothing (labels, legends, titles) sticks out of the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from carbonpath.report.figures.files import freeze_layout

    with style.style_context() as info:
        ctx = figures.build_context(full, info)
        for spec in figures.figure_specs(full, info):
            assert spec.draw is not None
            fig = spec.draw(ctx)
            freeze_layout(fig, 100)
            fig.dpi = 100
            box = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())
            w, h = fig.get_size_inches()
            assert box.x0 >= -0.01 and box.y0 >= -0.01, spec.name
            assert box.x1 <= w + 0.01 and box.y1 <= h + 0.01, spec.name


def test_each_figure_laid_out_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    calls: list[Figure] = []
    original = ConstrainedLayoutEngine.execute

    def counting(self: ConstrainedLayoutEngine, fig: Figure) -> Any:
        calls.append(fig)  # kept alive: ids stay unique
        return original(self, fig)

    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", counting)
    monkeypatch.setenv("CARBONPATH_FIGURE_JOBS", "1")  # counted in this process
    monkeypatch.setattr(Figure, "tight_layout", lambda *a, **k: pytest.fail("tight_layout"))
    monkeypatch.setattr(Figure, "get_tightbbox", lambda *a, **k: pytest.fail("tight bbox"))
    manifest = figures.write_figures(results_for("full"), tmp_path)
    assert len(calls) == len(manifest) == len({id(f) for f in calls})  # once each, both formats


def test_nothing_written_outside_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No temporary files and no started programs (forked drawing processes write only
    into figures/ and die with the run: test_parallel.py)."""
    import tempfile

    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    started: list[Any] = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    figures.write_figures(results_for("full"), tmp_path / "out")
    assert started == [] and list(tmpdir.iterdir()) == []
    assert len(list((tmp_path / "out" / "figures").iterdir())) == 2 * len(ALL)


def test_default_dpi_is_200() -> None:
    assert figures.report_dpi({"settings": {}}) == 200
    assert figures.report_dpi({"settings": {"report": {"dpi": 300}}}) == 300
    assert figures.report_dpi({"settings": {"report": {"dpi": "x"}}}) == 200


def test_everything_skipped_without_results(tmp_path: Path) -> None:
    manifest = figures.write_figures(no_analyses(), tmp_path)
    assert [m["name"] for m in manifest] == ALL
    for m in manifest:
        assert "files" not in m
        assert isinstance(m["skipped"], str) and len(m["skipped"]) > 10
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())


def test_results_without_sections_key_errors_are_not_raised() -> None:
    r = Results(study={"title": "t"}, settings={}, quality={})
    specs = figures.figure_specs(r.to_dict())
    assert [s.name for s in specs] == ALL
    assert all(s.draw is None for s in specs)


def test_undrawable_figure_is_an_input_error(full: dict[str, Any]) -> None:
    from carbonpath.core.errors import InputError

    d = copy.deepcopy(full)
    d["decomposition"] = {}
    with style.style_context() as info, pytest.raises(InputError, match="lmdi_waterfall"):
        figures.render_figures(d, info, ["lmdi_waterfall"])


def test_cjk_names_render_with_a_cjk_font() -> None:
    if style.find_cjk_font() is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    d = results_for("cjk").to_dict()
    spec = next(s for s in figures.figure_specs(d) if s.name == "intensity_ranking")
    with style.style_context() as info, warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns; it must not happen
        ctx = figures.build_context(d, info)
        assert ctx.notes == []
        svg, _png = figures.render(spec, ctx, dpi=50)
    assert "医药制造业" in svg.decode("utf-8")  # matplotlib keeps the text as an SVG comment


def test_hostile_labels_do_not_break_drawing(tmp_path: Path) -> None:
    manifest = figures.write_figures(results_for("hostile"), tmp_path)
    assert all("files" in m for m in manifest)
    svg = (tmp_path / "figures" / "output_by_industry.svg").read_text(encoding="utf-8")
    assert "\u202e" not in svg


def _render_three(d: dict[str, Any]) -> list[bytes]:
    out = []
    with style.style_context() as info:
        ctx = figures.build_context(d, info)
        specs = {s.name: s for s in figures.figure_specs(d, info)}
        for name in ("emissions_by_group", "scenario_fan", "index_weights"):
            out.extend(figures.render(specs[name], ctx, dpi=60))
    return out


def test_two_runs_byte_identical() -> None:
    d = results_for("cjk").to_dict()
    assert _render_three(d) == _render_three(d)


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    """Another interpreter with another hash seed runs the study and writes the same files."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from pathlib import Path\n"
        "from tests.report.studies import no_analyses, results_for\n"
        "from carbonpath.report import figures\n"
        "figures.write_figures(results_for('cjk'), Path(sys.argv[3]))\n"
    )
    # same machine, same font cache (a stale cache would hide fonts installed since)
    keep = ("HOME", "MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})
    other = tmp_path / "other"
    subprocess.run(
        [sys.executable, "-c", code, str(REPO / "src"), str(REPO), str(other)],
        check=True,
        env=env,
        timeout=600,
    )
    here = tmp_path / "here"
    figures.write_figures(results_for("cjk"), here)
    names = sorted(os.listdir(here / "figures"))
    assert names == sorted(os.listdir(other / "figures")) and len(names) == 2 * len(ALL)
    for name in names:
        assert (here / "figures" / name).read_bytes() == (other / "figures" / name).read_bytes()
