"""Saving a figure: laid out once, then drawn into PNG and SVG at its fixed canvas size.

Every figure has a fixed canvas (:data:`carbonpath.report.figures.canvas.CANVAS`); its
layout (``layout="constrained"``: axes shrunk so that labels and legends fit inside the
canvas) is computed once, at the PNG's resolution, and then frozen, so that neither
format lays the figure out again and both files show exactly the same arrangement at
the same size.  After the layout the figure has no layout engine at all, so that
``savefig`` (the SVG) does not draw the whole figure once more before drawing it for
real (it does so for any figure with a layout engine, even a frozen one).

The PNG is drawn once with Agg and encoded here (:func:`png_bytes`): RGB, 8 bits, no
row filter, zlib level :data:`PNG_COMPRESSION`, a fixed ``Software`` entry and the
resolution, no date.  The SVG has no date and stores glyphs as paths (the style's
``svg.fonttype``).  A ``bbox_inches="tight"`` save would lay the figure out again for
every file and give each figure another size.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.report.style import DEFAULT_DPI, PNG_SOFTWARE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: zlib level of the PNG data.  Measured on the built-in study's 23 figures (200 dpi,
#: benchmarks/bench_report.py): Pillow's adaptive row filters at level 6 took 1.07 s
#: CPU for 1.68 MB; unfiltered rows at level 3 take 0.24 s for 1.79 MB (level 6:
#: 0.55 s, 1.50 MB; level 1: 0.25 s, 1.89 MB).  Charts are mostly flat colour, where
#: the row filters only cost time.
PNG_COMPRESSION = 3


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
    _drop_engine(fig)


def _drop_engine(fig: Figure) -> None:
    """Keep the positions just computed and remove the layout engine, so that no save
    lays the figure out or draws it an extra time."""
    import matplotlib

    # set_layout_engine(None) falls back to these rcParams when they are set
    off = {"figure.autolayout": False, "figure.constrained_layout.use": False}
    with matplotlib.rc_context(off):
        fig.set_layout_engine(None)


def png_bytes(rgba: Any, dpi: int) -> bytes:
    """A PNG file of the RGB part of an ``(height, width, 4)`` uint8 array.

    Chunks: IHDR (8-bit RGB, no interlace), tEXt ``Software``, pHYs (``dpi`` as pixels
    per metre, rounded), one IDAT (every row with filter type 0, zlib level
    :data:`PNG_COMPRESSION`), IEND; each chunk is length, type, data and the CRC-32 of
    type and data (PNG specification, 2nd edition, sections 5 and 11).
    """
    import numpy as np

    height, width = rgba.shape[0], rgba.shape[1]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:].reshape(height, width, 3)[...] = rgba[..., :3]
    ppm = int(dpi / 0.0254 + 0.5)
    chunks = [
        (b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        (b"tEXt", b"Software\0" + PNG_SOFTWARE.encode("latin-1")),
        (b"pHYs", struct.pack(">IIB", ppm, ppm, 1)),
        (b"IDAT", zlib.compress(rows.data, PNG_COMPRESSION)),
        (b"IEND", b""),
    ]
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, data in chunks:
        crc = zlib.crc32(data, zlib.crc32(kind))
        out.append(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc))
    return b"".join(out)


def figure_png(fig: Figure, dpi: int = DEFAULT_DPI) -> bytes:
    """PNG bytes of ``fig`` at ``dpi`` (RGB, the canvas size, fixed ``Software``, no date)."""
    import numpy as np

    freeze_layout(fig, dpi)
    own = fig.dpi
    try:
        fig.dpi = dpi
        canvas = _agg(fig)
        canvas.draw()
        return png_bytes(np.asarray(canvas.buffer_rgba()), dpi)
    finally:
        fig.dpi = own


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
