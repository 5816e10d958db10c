"""The figure style: Okabe-Ito colours, no leak into global rcParams, dateless bytes."""

from __future__ import annotations

import io

from carbonpath.report import style


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


def test_layout_box_holds_a_legend_outside_the_axes() -> None:
    from matplotlib.figure import Figure

    with style.style_context():
        fig = Figure(figsize=(4, 3))
        ax = fig.add_subplot()
        ax.plot([1, 2], [3, 4], label="a long legend entry outside")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        box = style.layout_bbox(fig)
    assert box.x1 > 4.0  # wider than the canvas: the legend is kept, not cut off
    assert box.y0 < 0.0 or box.x0 < 0.5  # padded by savefig.pad_inches


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


def test_font_lookups_remembered_only_inside_the_style() -> None:
    """Inside the style the font search answers as matplotlib's own, from memory."""
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    manager = font_manager.fontManager
    search = type(manager)._find_fonts_by_props
    props = [FontProperties(size=s, weight=w) for s in (7, 9) for w in ("normal", "bold")]
    with style.style_context():
        assert "_find_fonts_by_props" in vars(manager)
        for p in props:
            direct = search(manager, p)
            assert manager._find_fonts_by_props(p) == direct
            assert manager._find_fonts_by_props(p) == direct  # remembered
        assert len(style.FontLookups._found) == len(props)
        family = FontProperties(family=["DejaVu Sans"])
        assert manager._find_fonts_by_props(family) == search(manager, family)
        with style.style_context():  # nested: still remembering
            assert "_find_fonts_by_props" in vars(manager)
        assert "_find_fonts_by_props" in vars(manager)
    assert "_find_fonts_by_props" not in vars(manager)
    assert style.FontLookups._found == {}


def test_font_lookups_of_other_threads_are_not_remembered() -> None:
    import threading

    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    manager = font_manager.fontManager
    with style.style_context():
        before = dict(style.FontLookups._found)
        t = threading.Thread(target=manager._find_fonts_by_props, args=(FontProperties(size=13),))
        t.start()
        t.join()
        assert style.FontLookups._found == before
