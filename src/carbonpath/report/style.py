"""One matplotlib style for every carbonpath figure, and deterministic saving.

Why a module of its own: figures are only comparable and publishable when they share
fonts, sizes and colours, and only reproducible when two runs write the same bytes.

- Colours: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe
  for the common forms of colour blindness; lines also differ by marker and dash so
  figures stay readable in greyscale.
- Sizes: 9 pt text on a 6.3 x 3.6 in canvas; a figure scaled to one journal column
  (about 3.5 in) keeps labels at >= 5 pt, at full text width they are 9 pt.
- CJK: Chinese sector names need a font with Han glyphs.  ``find_cjk_font`` looks in
  matplotlib's font list for Noto Sans CJK, Source Han Sans, WenQuanYi, ... and adds
  the first one found as a fallback after DejaVu Sans.  Without one, figures use the
  English names and the manifest records a note.
- Determinism: Agg backend, a fixed SVG hash salt, no dates in SVG metadata and a
  fixed ``Software`` entry in PNG metadata, so two runs write byte-identical files.
- Speed: a figure is laid out once (:func:`layout_bbox`) and saved in every format from
  that layout; only the drawing itself is repeated per format.  Inside
  :func:`style_context` matplotlib's font search (a text's family list -> font files,
  asked once per family for every text measured or drawn, each time reading eleven
  rcParams) is remembered per set of font properties: the style fixes the fonts, so
  the answer cannot change while it is active (:class:`FontLookups`).
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

#: Okabe-Ito colours, ordered so that neighbours contrast; grey added as ninth colour.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#F0E442",  # yellow (fills only; weak as a thin line on white)
    "#999999",  # grey
)
#: Colours for lines and markers: yellow is too faint as a thin line on white, so it is
#: replaced by a darker shade of the same hue; series beyond nine repeat colours with
#: another dash pattern.
LINE_PALETTE: tuple[str, ...] = tuple(c if c != "#F0E442" else "#B59B00" for c in PALETTE)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "h")
DASHES: tuple[str, ...] = ("-", "--", "-.", ":")

#: Fonts with Han glyphs, in order of preference (family names as matplotlib lists them).
CJK_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)

FIGSIZE: tuple[float, float] = (6.3, 3.6)
DEFAULT_DPI = 200
SVG_HASHSALT = "carbonpath"
PNG_SOFTWARE = "carbonpath (matplotlib Agg)"

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains Han characters (needs a CJK font to render)."""
    return bool(_HAN.search(text or ""))


def find_cjk_font() -> str | None:
    """The family name of the first installed CJK font from ``CJK_CANDIDATES``, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for cand in CJK_CANDIDATES:
        if cand in names:
            return cand
    for name in sorted(names):  # any other family that says it is CJK
        if "CJK" in name or "Han Sans" in name:
            return name
    return None


@dataclass
class StyleInfo:
    """What :func:`apply_style` chose: the CJK font (or None) and notes for the report."""

    cjk_font: str | None
    notes: list[str] = field(default_factory=list)


def rc_params(cjk_font: str | None) -> dict[str, Any]:
    """The rcParams of the carbonpath style."""
    from cycler import cycler

    family = ["DejaVu Sans"] + ([cjk_font] if cjk_font else [])
    return {
        "font.family": family,  # a list of families: matplotlib falls back glyph by glyph
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "figure.titlesize": 10,
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "lines.linewidth": 1.6,
        "lines.markersize": 4.5,
        "axes.unicode_minus": False,  # DejaVu has U+2212 but many CJK fallbacks do not
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",  # glyphs as paths: the SVG needs no font on the reader's side
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.05,
        "savefig.facecolor": "white",
        "pdf.fonttype": 42,
    }


def use_agg() -> None:
    """Select the non-interactive Agg backend, unless pyplot already runs another one.

    carbonpath draws on ``matplotlib.figure.Figure`` objects and never uses pyplot, so
    a user's interactive session (Jupyter, a GUI) keeps its backend.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")


def style_info() -> StyleInfo:
    """The CJK font to use (or None) and the note the report shows when none exists."""
    cjk = find_cjk_font()
    notes = []
    if cjk is None:
        notes.append(
            "no CJK font found (install e.g. Noto Sans CJK, Debian package fonts-noto-cjk): "
            "figures show sector codes or English names instead of Chinese ones"
        )
    return StyleInfo(cjk_font=cjk, notes=notes)


class FontLookups:
    """Remembered answers of matplotlib's font search while a carbonpath style is active.

    matplotlib resolves a text's font families to font files
    (``fontManager._find_fonts_by_props``) every time the text is measured or drawn:
    about 11,000 searches for the built-in study's figures, each reading eleven rcParams
    before its own cache is consulted.  While the style is active the font rcParams
    are the style's, so the answer depends only on the font properties, the file type
    and the search options; it is kept here, on the font manager instance, and dropped
    when the last style context is left.  Failed searches are not kept.  Other threads
    ask matplotlib itself.
    """

    _lock = threading.Lock()
    _depth = 0
    _owner: int | None = None
    _found: dict[tuple[Any, ...], Any] = {}

    @classmethod
    def enter(cls) -> None:
        """Start remembering (the outermost style context of the first thread only)."""
        from matplotlib import font_manager

        with cls._lock:
            if cls._depth == 0:
                cls._owner = threading.get_ident()
                cls._found = {}
                manager = font_manager.fontManager
                search = type(manager)._find_fonts_by_props.__get__(manager)
                manager._find_fonts_by_props = cls._remembering(search)  # type: ignore[method-assign]
            cls._depth += 1

    @classmethod
    def leave(cls) -> None:
        """Stop remembering when the outermost style context ends."""
        from matplotlib import font_manager

        with cls._lock:
            cls._depth -= 1
            if cls._depth == 0:
                font_manager.fontManager.__dict__.pop("_find_fonts_by_props", None)
                cls._found = {}
                cls._owner = None

    @classmethod
    def _remembering(cls, search: Any) -> Any:
        def find(prop: Any, fontext: str = "ttf", *args: Any, **kw: Any) -> Any:
            if threading.get_ident() != cls._owner:
                return search(prop, fontext, *args, **kw)
            key = (_font_key(prop), fontext, args, tuple(sorted(kw.items())))
            found = cls._found.get(key)
            if found is None:
                found = cls._found[key] = search(prop, fontext, *args, **kw)
            return list(found)

        return find


def _font_key(prop: Any) -> Any:
    """What a font search depends on besides the rcParams: the properties' values."""
    if isinstance(prop, str):
        return prop
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size(),
        prop.get_file(),
    )


@contextmanager
def style_context(info: StyleInfo | None = None) -> Iterator[StyleInfo]:
    """Draw and save inside the carbonpath style without touching global rcParams."""
    import matplotlib

    use_agg()
    info = info or style_info()
    with matplotlib.rc_context(rc_params(info.cjk_font)):
        FontLookups.enter()
        try:
            yield info
        finally:
            FontLookups.leave()


def layout_bbox(fig: Figure, dpi: float | None = None) -> Bbox:
    """The area to save, in inches: the tight bounding box plus ``savefig.pad_inches``.

    Computed once per figure with an Agg renderer at ``dpi`` (the PNG's; default the
    figure's) and then used for every format, so a figure is laid out once however many
    files are written (a ``bbox_inches="tight"`` save lays it out again per format).
    The SVG and the PNG of a figure therefore share one size.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    pad = matplotlib.rcParams["savefig.pad_inches"]
    pad = pad if isinstance(pad, int | float) else 0.05
    own = fig.dpi
    try:
        fig.dpi = dpi or own
        box = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())
    finally:
        fig.dpi = own
    return box.padded(pad)


def figure_svg(fig: Figure, bbox: Bbox | None = None) -> bytes:
    """SVG bytes of ``fig`` (the ``bbox`` area, default :func:`layout_bbox`), no dates."""
    svg = io.BytesIO()
    fig.savefig(
        svg,
        format="svg",
        bbox_inches=bbox or layout_bbox(fig),
        metadata={"Date": None, "Creator": None},
    )
    return svg.getvalue()


def figure_png(fig: Figure, dpi: int = DEFAULT_DPI, bbox: Bbox | None = None) -> bytes:
    """PNG bytes of ``fig`` at ``dpi`` (the ``bbox`` area), fixed ``Software``, no date."""
    png = io.BytesIO()
    fig.savefig(
        png,
        format="png",
        dpi=dpi,
        bbox_inches=bbox or layout_bbox(fig, dpi),
        metadata={"Software": PNG_SOFTWARE},
    )
    return png.getvalue()


def figure_files(
    fig: Figure, dpi: int = DEFAULT_DPI, formats: tuple[str, ...] = ("svg", "png")
) -> tuple[bytes, ...]:
    """The bytes of ``fig`` in each of ``formats`` ("svg", "png"), laid out once."""
    bbox = layout_bbox(fig, dpi)
    return tuple(
        figure_svg(fig, bbox) if f == "svg" else figure_png(fig, dpi, bbox) for f in formats
    )


def figure_bytes(fig: Figure, dpi: int = DEFAULT_DPI) -> tuple[bytes, bytes]:
    """(SVG, PNG) bytes of ``fig``, laid out once, free of dates and version strings."""
    svg, png = figure_files(fig, dpi, ("svg", "png"))
    return svg, png


def write_figure_files(folder: Path, name: str, svg: bytes, png: bytes) -> list[str]:
    """Write ``folder/<name>.svg`` and ``.png`` from their bytes; return the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.svg").write_bytes(svg)
    (folder / f"{name}.png").write_bytes(png)
    return [f"{name}.png", f"{name}.svg"]


def save_figure(fig: Figure, folder: Path, name: str, dpi: int = DEFAULT_DPI) -> list[str]:
    """Write ``folder/<name>.svg`` and ``.png``; return the file names written."""
    svg, png = figure_bytes(fig, dpi)
    return write_figure_files(folder, name, svg, png)
