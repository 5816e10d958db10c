"""Saving a figure: laid out once, then drawn into PNG and SVG at its fixed canvas size.

Every figure has a fixed canvas (:data:`carbonpath.report.figures.canvas.CANVAS`); its
layout (``layout="constrained"``: axes shrunk so that labels and legends fit inside the
canvas) is computed once, at the PNG's resolution, and then frozen, so that neither
format lays the figure out again and both files show exactly the same arrangement at
the same size.  The PNG is drawn once with Agg and written as RGB with a fixed
``Software`` entry; the SVG has no date and stores glyphs as paths (the style's
``svg.fonttype``).  A ``bbox_inches="tight"`` save would lay the figure out again for
every file and give each figure another size.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.report.style import DEFAULT_DPI, PNG_SOFTWARE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: zlib level of the PNG files: 6 (zlib's default) is within a few per cent of the
#: smallest files at a fraction of level 9's time
PNG_COMPRESSION = 6


def _agg(fig: Figure) -> Any:
    """The figure's Agg canvas (made once): layout and PNG share its renderer and so its
    cache of text extents, measured once per text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    return canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


def freeze_layout(fig: Figure, dpi: int = DEFAULT_DPI) -> None:
    """Run the figure's layout engine once (text measured at ``dpi``), then fix the result."""
    engine = fig.get_layout_engine()
    if engine is None or not hasattr(engine, "execute"):
        return
    _agg(fig)
    own = fig.dpi
    try:
        fig.dpi = dpi
        engine.execute(fig)
    finally:
        fig.dpi = own
    fig.set_layout_engine("none")  # keeps the positions just computed


def figure_png(fig: Figure, dpi: int = DEFAULT_DPI) -> bytes:
    """PNG bytes of ``fig`` at ``dpi`` (RGB, the canvas size, fixed ``Software``, no date)."""
    import numpy as np
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    freeze_layout(fig, dpi)
    own = fig.dpi
    try:
        fig.dpi = dpi
        canvas = _agg(fig)
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    finally:
        fig.dpi = own
    info = PngInfo()
    info.add_text("Software", PNG_SOFTWARE)
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(
        out, format="png", pnginfo=info, dpi=(dpi, dpi), compress_level=PNG_COMPRESSION
    )
    return out.getvalue()


def figure_svg(fig: Figure, dpi: int = DEFAULT_DPI) -> bytes:
    """SVG bytes of ``fig`` at its canvas size (layout frozen at ``dpi``), no date."""
    import matplotlib

    freeze_layout(fig, dpi)
    out = io.BytesIO()
    with matplotlib.rc_context({"savefig.bbox": "standard"}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def figure_files(
    fig: Figure, dpi: int = DEFAULT_DPI, formats: tuple[str, ...] = ("svg", "png")
) -> tuple[bytes, ...]:
    """The bytes of ``fig`` in each of ``formats`` ("svg", "png"), laid out once."""
    freeze_layout(fig, dpi)
    return tuple(figure_svg(fig, dpi) if f == "svg" else figure_png(fig, dpi) for f in formats)


def write_figure_files(folder: Path, name: str, svg: bytes, png: bytes) -> list[str]:
    """Write ``folder/<name>.svg`` and ``.png`` from their bytes; return the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.svg").write_bytes(svg)
    (folder / f"{name}.png").write_bytes(png)
    return [f"{name}.png", f"{name}.svg"]
