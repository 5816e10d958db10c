"""The regions section of a panel study: per-region tables, ranked.

Built only when the results carry a ``region`` column (a panel study); a one-region
report has no such section. Every read is defensive: a missing or oddly shaped part
leaves its table out, it never stops the report.
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.format import finite
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Table, add_tables, records_table
from carbonpath.report.i18n import language_of, text


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj or [] if isinstance(r, dict)] if isinstance(obj, list) else []


def _part(d: dict[str, Any], *path: str) -> Any:
    cur: Any = d
    for p in path:
        cur = cur.get(p) if isinstance(cur, dict) else None
    return cur


def region_names(d: dict[str, Any], lang: str) -> dict[str, str]:
    """{code: name} of the regions the results name (study.regions when given)."""
    out: dict[str, str] = {}
    for r in _rows(_part(d, "study", "regions")):
        zh = r.get("name_zh") if lang == "zh" else None
        out[str(r.get("code"))] = str(zh or r.get("name") or r.get("code"))
    return out


def ranked(rows: list[dict[str, Any]], value: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """The last year's rows by region, largest ``value`` first, with rank 1, 2, ..."""
    rows = [r for r in rows if "region" in r and finite(r.get(value)) is not None]
    years = [int(r["year"]) for r in rows if finite(r.get("year")) is not None]
    if not years:
        return []
    last = max(years)
    use = sorted(
        (r for r in rows if finite(r.get("year")) is not None and int(r["year"]) == last),
        key=lambda r: -r[value],
    )
    return [
        {"rank": i + 1, "region": names.get(str(r["region"]), str(r["region"])), value: r[value]}
        for i, r in enumerate(use)
    ]


def _table(
    d: dict[str, Any], path: tuple[str, ...], value: str, key: str, lang: str
) -> Table | None:
    rows = ranked(_rows(_part(d, *path)), value, region_names(d, lang))
    if not rows:
        return None
    years = [int(r["year"]) for r in _rows(_part(d, *path)) if finite(r.get("year")) is not None]
    return records_table(
        rows,
        text(key, lang, year=max(years)),
        ["rank", "region", value],
        note=text("note.regions", lang),
        lang=lang,
    )


def is_panel(d: dict[str, Any]) -> bool:
    """Whether the results are from a panel study (some result rows carry a region)."""
    for path in (("emissions", "total"), ("emissions", "by_sector"), ("index", "scores")):
        if any("region" in r for r in _rows(_part(d, *path))):
            return True
    return False


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section | None:
    """Regions: emissions and the index per region, ranked; None in a one-region study."""
    if not is_panel(d):
        return None
    lang = language_of(d)
    codes = {str(r.get("region")) for r in _rows(_part(d, "emissions", "total")) if "region" in r}
    sec = Section("regions", text("section.regions", lang))
    sec.intro.append(text("intro.regions", lang, n=len(codes) or len(region_names(d, lang))))
    add_tables(
        sec.tables,
        _table(d, ("emissions", "total"), "co2_t", "caption.regions_total", lang),
        _table(d, ("index", "scores"), "score", "caption.regions_index", lang),
    )
    sec.figures = figs.get("regions", [])
    return sec
