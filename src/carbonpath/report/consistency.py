"""The consistency pass: what the results say across tables, stated once and plainly.

Each check reads ``results.to_dict()`` and returns statements in the report language
(the words come from the catalogue, :mod:`carbonpath.report.i18n`). The summary shows
them; the checks catch what a reviewer would otherwise find:

- ``peak``: the peak of observed plus projected emissions, ``argmax_t C_t`` over the
  observed years and the scenario paths, so a peak in the past is called one (the
  paths start at the last data year, whose value is not a peak when emissions fell
  before it);
- ``above_baseline``: a scenario that ends above the baseline, with the driver that
  makes it so: per year a driver adds ``b_j ln(1 + g_j)`` to ln C, so the gap to the
  baseline is ``sum_j b_j (ln(1 + g_j,s) - ln(1 + g_j,base))`` and the reason is the
  driver with the largest positive term;
- ``target_scope``: a target declared for one scope while the scenarios project
  another: the scenarios cannot judge the target; the statement says on which scope
  each table judges it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from carbonpath.report.html.format import finite, fmt_mass, fmt_pct, fmt_sig
from carbonpath.report.i18n import text
from carbonpath.report.panel import co2_by_year, is_panel
from carbonpath.report.words import driver_words, scenario_name, scope_words

__all__ = ["Statement", "check", "observed_series", "peak_statements"]


@dataclass(frozen=True)
class Statement:
    """One sentence of the summary: ``key`` names the check, ``kind`` finding|inconsistency."""

    key: str
    text: str
    kind: str = "finding"


def _part(d: dict[str, Any], name: str) -> dict[str, Any]:
    v = d.get(name)
    return v if isinstance(v, dict) else {}


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj or [] if isinstance(r, dict)] if isinstance(obj, list) else []


def observed_series(d: dict[str, Any], scope: str | None) -> dict[int, float]:
    """Observed CO2 by year of ``scope`` (emissions.total for the studied industries)."""
    em = _part(d, "emissions")
    if scope in (None, "", "modern"):
        return co2_by_year(d)
    if is_panel(d):
        return {}  # a scope's observed series is per region: no one series to compare
    else:
        rows = [r for r in _rows(em.get("intensity")) if str(r.get("scope")) == scope]
    out = {}
    for r in rows:
        v = finite(r.get("co2_t"))
        if v is not None and r.get("year") is not None:
            out[int(r["year"])] = v
    return out


def _paths(sc: dict[str, Any]) -> dict[str, dict[int, float]]:
    """Scenario -> {year: CO2} (in the results' order of scenarios)."""
    out: dict[str, dict[int, float]] = {}
    for r in _rows(sc.get("records")):
        v = finite(r.get("co2_t"))
        if v is not None and r.get("year") is not None:
            out.setdefault(str(r.get("scenario")), {})[int(r["year"])] = v
    return out


def _peak_of(path: dict[int, float], anchor: int) -> tuple[int, float] | None:
    """The highest projected point after the anchor year when it exceeds the anchor."""
    after = {y: v for y, v in path.items() if y > anchor}
    if not after or anchor not in path:
        return None
    year = max(after, key=lambda y: (after[y], -y))
    return (year, after[year]) if after[year] > path[anchor] else None


def peak_statements(d: dict[str, Any], lang: str) -> list[Statement]:
    """When emissions peak, observed and projected together (one sentence per case)."""
    sc = _part(d, "scenarios")
    paths = _paths(sc)
    if not paths:
        return []
    anchor = int(sc.get("anchor_year") or min(min(p) for p in paths.values()))
    horizon = max(max(p) for p in paths.values())
    obs = {y: v for y, v in observed_series(d, sc.get("scope")).items() if y <= anchor}
    out: list[Statement] = []
    falling = []
    for name, path in paths.items():
        peak = _peak_of(path, anchor)
        if peak is None:
            falling.append(name)
            continue
        top = max(obs.values(), default=-math.inf)
        key = "find.peak_future" if peak[1] > top else "find.peak_rebound"
        oy = max(obs, key=lambda y: obs[y]) if obs else anchor
        out.append(
            Statement(
                key,
                text(
                    key,
                    lang,
                    scenario=scenario_name(d, name, lang),
                    year=peak[0],
                    value=fmt_mass(peak[1], lang),
                    obs_year=oy,
                    obs_value=fmt_mass(top, lang),
                ),
            )
        )
    if falling:
        out.insert(0, _falling(d, lang, paths, falling, obs, anchor, horizon))
    return out


def _falling(
    d: dict[str, Any],
    lang: str,
    paths: dict[str, dict[int, float]],
    names: list[str],
    obs: dict[int, float],
    anchor: int,
    horizon: int,
) -> Statement:
    """Scenarios that fall from the last data year: the peak is observed (or the anchor)."""
    ends = text("word.list_sep", lang).join(
        text(
            "find.scenario_end",
            lang,
            scenario=scenario_name(d, n, lang),
            value=fmt_mass(paths[n].get(horizon), lang),
        )
        for n in names
    )
    every = text("word.all_scenarios" if len(names) == len(paths) else "word.these", lang)
    peak_year = max(obs, key=lambda y: obs[y]) if obs else anchor
    if obs and peak_year < anchor:
        key = "find.peak_past"
    else:
        key = "find.peak_last_year"
    return Statement(
        key,
        text(
            key,
            lang,
            year=peak_year,
            value=fmt_mass(obs.get(peak_year, paths[names[0]].get(anchor)), lang),
            anchor=anchor,
            anchor_value=fmt_mass(paths[names[0]].get(anchor), lang),
            which=every,
            horizon=horizon,
            ends=ends,
        ),
    )


def _rates(sc: dict[str, Any]) -> dict[str, dict[str, tuple[float, float]]]:
    """Scenario -> driver -> (annual rate g, elasticity b)."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for r in _rows(sc.get("assumptions")):
        g, b = finite(r.get("rate")), finite(r.get("elasticity"))
        if g is not None and b is not None and g > -1:
            out.setdefault(str(r.get("scenario")), {})[str(r.get("driver"))] = (g, b)
    return out


def _reason(d: dict[str, Any], lang: str, rates: dict, name: str, base: str) -> str:
    """The driver whose term ``b (ln(1+g_s) - ln(1+g_base))`` lifts the scenario most."""
    gap = {
        j: b * (math.log1p(g) - math.log1p(rates[base][j][0]))
        for j, (g, b) in rates.get(name, {}).items()
        if j in rates.get(base, {})
    }
    if not gap or max(gap.values()) <= 0:
        return text("find.above_baseline_no_reason", lang)
    j = max(gap, key=lambda k: gap[k])
    g, b = rates[name][j]
    return text(
        "find.above_baseline_reason",
        lang,
        driver=driver_words(d, j, lang),
        rate=fmt_pct(g, sign=True),
        base_rate=fmt_pct(rates[base][j][0], sign=True),
        b=fmt_sig(b),
        gap=fmt_pct(math.expm1(gap[j]), sign=True),
    )


def above_baseline(d: dict[str, Any], lang: str) -> list[Statement]:
    """Scenarios that end above the baseline in the horizon year, with the reason."""
    sc = _part(d, "scenarios")
    paths = _paths(sc)
    if "baseline" not in paths:
        return []
    horizon = max(paths["baseline"])
    base = paths["baseline"][horizon]
    rates = _rates(sc)
    out = []
    for name, path in paths.items():
        v = path.get(horizon)
        if name == "baseline" or v is None or not v > base:
            continue
        out.append(
            Statement(
                "find.above_baseline",
                text(
                    "find.above_baseline",
                    lang,
                    scenario=scenario_name(d, name, lang),
                    year=horizon,
                    value=fmt_mass(v, lang),
                    base=fmt_mass(base, lang),
                    reason=_reason(d, lang, rates, name, "baseline"),
                ),
                "inconsistency",
            )
        )
    return out


def target_scope(d: dict[str, Any], lang: str) -> list[Statement]:
    """Targets the scenarios check on another scope than the target's own."""
    checks = _rows(_part(d, "scenarios").get("target_checks"))
    out = []
    seen: set[str] = set()
    for c in checks:
        name = str(c.get("target"))
        declared, applied = c.get("declared_scope"), c.get("applied_scope")
        if name in seen or not declared or not applied or declared == applied:
            continue
        seen.add(name)
        met = [x for x in checks if str(x.get("target")) == name and x.get("met")]
        n = len([x for x in checks if str(x.get("target")) == name])
        out.append(
            Statement(
                "find.target_scope",
                text(
                    "find.target_scope",
                    lang,
                    target=name,
                    declared=scope_words(d, str(declared), lang),
                    applied=scope_words(d, str(applied), lang),
                    met=len(met),
                    n=n,
                ),
                "inconsistency",
            )
        )
    return out


def check(d: dict[str, Any], lang: str = "en") -> list[Statement]:
    """Every consistency statement of the results, in the order the summary shows them."""
    return peak_statements(d, lang) + above_baseline(d, lang) + target_scope(d, lang)
