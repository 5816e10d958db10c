"""Saving one figure: the PNG encoder (checked against Pillow's decoder) and one draw per file."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

from carbonpath.report import style
from carbonpath.report.figures import files


def _figure() -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2.0, 1.5), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([1, 2, 3], [3, 1, 2], label="a line")
    ax.set_title("title")
    ax.legend()
    return fig


def test_png_bytes_decode_to_the_same_pixels() -> None:
    from PIL import Image

    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    png = files.png_bytes(rgba, 200)
    im = Image.open(io.BytesIO(png))
    im.verify()  # CRCs and chunk structure, by Pillow
    im = Image.open(io.BytesIO(png))
    assert im.mode == "RGB" and im.size == (53, 37)
    assert np.array_equal(np.asarray(im), rgba[..., :3])
    assert im.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    assert im.info["Software"] == style.PNG_SOFTWARE


def test_png_of_a_figure_matches_the_agg_buffer() -> None:
    from PIL import Image

    with style.style_context():
        fig = _figure()
        png = files.figure_png(fig, 100)
        buffer = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert decoded.shape == (150, 200, 3)
    assert np.array_equal(decoded, buffer)


def test_png_files_are_deterministic() -> None:
    with style.style_context():
        first = files.figure_png(_figure(), 100)
        second = files.figure_png(_figure(), 100)
    assert first == second and b"tIME" not in first


def test_after_the_layout_no_save_draws_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frozen figure has no layout engine: savefig (SVG) draws it once, not twice."""
    from matplotlib.figure import Figure

    draws: list[Any] = []
    original = Figure.draw

    def counting(self: Figure, renderer: Any) -> Any:
        draws.append(renderer)
        return original(self, renderer)

    with style.style_context():
        fig = _figure()
        files.freeze_layout(fig, 100)
        assert fig.get_layout_engine() is None
        monkeypatch.setattr(Figure, "draw", counting)
        svg = files.figure_svg(fig, 100)
        png = files.figure_png(fig, 100)
    assert len(draws) == 2  # one per file
    assert svg.startswith(b"<?xml") and png.startswith(b"\x89PNG")


def test_layout_frozen_even_when_rcparams_ask_for_a_layout() -> None:
    import matplotlib

    with style.style_context(), matplotlib.rc_context({"figure.constrained_layout.use": True}):
        fig = _figure()
        files.freeze_layout(fig, 100)
        assert fig.get_layout_engine() is None
