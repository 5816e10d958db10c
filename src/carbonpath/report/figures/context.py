"""What every figure shares: the plain results, sector labels, colours and the figure spec.

``build_context`` reads, once, the sector order (the study's order), the display label
of each sector (``[report] labels``: name, name_zh or code; Chinese names fall back to
English ones when no CJK font is installed, with a note), and the groups.  Every label
passes :func:`plain`: user text without bidi overrides or invisible characters
(:func:`carbonpath.core.text.display_text`) and with ``$`` escaped, so it is never
parsed as mathtext.

The small readers here (``section``, ``records``, ``num``, ``economy``) are the only way
the figure modules look into ``results.to_dict()``.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carbonpath.core.text import display_text
from carbonpath.report.figures.colours import DASHES, LINE, MARKERS
from carbonpath.report.figures.words import has_text, language_of, text
from carbonpath.report.style import StyleInfo, has_cjk

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

YUAN_1E8 = 1e8
NEG = "#009E73"  # decreases (green)
POS = "#D55E00"  # increases (vermillion)
NEUTRAL = "#0072B2"


def plain(text: Any) -> str:
    """User text for a matplotlib label: display-safe, '$' escaped (never mathtext)."""
    return display_text(text).replace("$", r"\$")


# ------------------------------------------------------------------ reading the results
def section(d: dict[str, Any], *path: str) -> Any:
    """d[path[0]][path[1]]...; None when any key is missing or the value is empty."""
    cur: Any = d
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur if cur not in ([], {}, "") else None


def records(d: dict[str, Any], *path: str) -> list[dict[str, Any]]:
    """The list of records at ``path`` (non-dict entries dropped); [] when absent."""
    val = section(d, *path)
    if isinstance(val, list):
        return [r for r in val if isinstance(r, dict)]
    return []


def num(x: Any) -> float | None:
    """``x`` as a finite float, else None (booleans are not numbers here)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if f == f and abs(f) != float("inf") else None


#: region codes that stand for all regions of a panel study together
ALL_REGIONS = ("", "*", "total", "all")


def one_region(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one region: all of them in a one-region study (no ``region`` column,
    or a single region); in a panel study the all-regions rows (region ``*``, ``""`` or
    ``total``) or, without those, none (the per-region figures show the regions)."""
    regions = {str(r.get("region", "")) for r in rows}
    if len(regions) <= 1:
        return rows
    return [r for r in rows if str(r.get("region", "")) in ALL_REGIONS]


def mass_unit(values: list[float]) -> tuple[float, str]:
    """A divisor and label so CO2 axes read in t, kt or Mt."""
    top = max((abs(v) for v in values), default=0.0)
    if top >= 5e6:
        return 1e6, "Mt CO₂"
    if top >= 5e3:
        return 1e3, "kt CO₂"
    return 1.0, "t CO₂"


# ---------------------------------------------------------------------------- context
@dataclass
class Context:
    """Sector labels, colours and groups, derived once from the results."""

    d: dict[str, Any]
    members: list[str]
    labels: dict[str, str]
    group_of: dict[str, str]
    groups: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    lang: str = "en"

    def label(self, code: str, width: int = 26) -> str:
        return textwrap.fill(plain(self.labels.get(code, str(code))), width)

    def colour(self, code: str) -> str:
        """The sector's colour, by its place in the study's declared order."""
        i = self.members.index(code) if code in self.members else len(self.members)
        return LINE[i % len(LINE)]

    def marker(self, code: str) -> str:
        i = self.members.index(code) if code in self.members else 0
        return MARKERS[i % len(MARKERS)]

    def dash(self, code: str) -> str:
        i = self.members.index(code) if code in self.members else 0
        return DASHES[(i // len(LINE)) % len(DASHES)]

    def t(self, key: str, **fields: Any) -> str:
        """The figure words of ``key`` in the report's language."""
        return text(key, self.lang, **fields)

    def subsystem_label(self, sid: str) -> str:
        """A subsystem's name in words: the catalogue's for known ids, else the id spelt out."""
        key = f"fig.subsystem.{sid}"
        if has_text(key):
            return self.t(key)
        return plain(str(sid).replace("_", " ").strip().capitalize() or sid)

    def declared(self, *path: str, key: str = "name") -> list[str]:
        """Names in the order the settings declare them (``settings.<path>[*].<key>``)."""
        cur: Any = self.d.get("settings") or {}
        for p in path:
            cur = cur.get(p) if isinstance(cur, dict) else None
        if isinstance(cur, list):
            return [str(x[key]) for x in cur if isinstance(x, dict) and key in x]
        if isinstance(cur, dict):
            return [k for k, v in cur.items() if isinstance(v, dict)]
        return []

    def group_label(self, gid: str) -> str:
        return plain(dict(self.groups).get(gid, gid))

    def in_years(self, year: int) -> bool:
        """Whether ``year`` lies in the study's years (lead years are not drawn)."""
        ys = (self.d.get("study") or {}).get("years")
        if isinstance(ys, list) and len(ys) == 2:
            return int(ys[0]) <= year <= int(ys[1])
        return True

    def economy(self, variable: str) -> dict[str, dict[int, float]]:
        """{sector: {year: value}} of one economy variable (canonical units) from d["data"]."""
        out: dict[str, dict[int, float]] = defaultdict(dict)
        for r in one_region(records(self.d, "data", "economy")):
            if r.get("variable") == variable:
                v = num(r.get("value"))
                if v is not None and r.get("year") is not None:
                    out[str(r.get("sector"))][int(r["year"])] = v
        return dict(out)

    def region_codes(self) -> list[str]:
        """Codes of the region-level rows (role ``region``) in study order."""
        study = self.d.get("study") or {}
        return [str(s["code"]) for s in study.get("sectors") or [] if s.get("role") == "region"]


def _sector_label(s: dict[str, Any], want: str, info: StyleInfo) -> tuple[str, bool]:
    """The label of sector ``s`` for the label choice ``want``; True when CJK was lost."""
    code = str(s["code"])
    name = str(s.get("name") or code)
    zh = str(s.get("name_zh") or "")
    text = code if want == "code" else (zh if want == "name_zh" and zh else name)
    if has_cjk(text) and info.cjk_font is None:
        return (name if not has_cjk(name) else f"Sector {code}"), True
    return text, False


def _groups(
    d: dict[str, Any], members: list[str], group_of: dict[str, str]
) -> list[tuple[str, str]]:
    """Declared groups (id, label) in study order, then groups only sectors name."""
    study = d.get("study") or {}
    zh = language_of(d) == "zh"
    groups = [
        (str(g["id"]), str((zh and g.get("label_zh")) or g.get("label") or g["id"]))
        for g in study.get("groups") or []
        if isinstance(g, dict) and "id" in g
    ]
    known = {g for g, _ in groups}
    for code in members:
        g = group_of.get(code, "")
        if g and g not in known:
            groups.append((g, g))
            known.add(g)
    return groups


def build_context(d: dict[str, Any], info: StyleInfo) -> Context:
    """Sector order (study order), display labels and group membership."""
    study = d.get("study") or {}
    sectors = [s for s in study.get("sectors") or [] if isinstance(s, dict) and "code" in s]
    if not sectors:
        sectors = [s for s in records(d, "data", "sectors") if "code" in s]
    members = [str(s["code"]) for s in sectors if s.get("role", "member") == "member"]
    report = (d.get("settings") or {}).get("report") or {}
    lang = language_of(d)
    want = report.get("labels") or "name"
    if lang == "zh" and want == "name":  # a Chinese report names sectors in Chinese
        want = "name_zh"
    labels: dict[str, str] = {}
    lost_cjk = False
    for s in sectors:
        labels[str(s["code"])], lost = _sector_label(s, want, info)
        lost_cjk = lost_cjk or lost
    group_of = {str(s["code"]): str(s.get("group") or "") for s in sectors}
    notes = list(info.notes) if lost_cjk else []
    return Context(d, members, labels, group_of, _groups(d, members, group_of), notes, lang)


# ------------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class FigureSpec:
    """One figure: identity, caption and either a drawing function or a skip reason."""

    name: str
    title: str
    caption: str
    section: str
    draw: Callable[[Context], Figure] | None = None
    skip: str | None = None


def spec(
    name: str,
    title: str,
    caption: str,
    section_id: str,
    draw: Callable[[Context], Figure],
    missing: str | None,
) -> FigureSpec:
    """A drawable spec, or a skipped one when ``missing`` names what the figure lacks."""
    if missing:
        return FigureSpec(name, title, caption, section_id, None, missing)
    return FigureSpec(name, title, caption, section_id, draw, None)
