"""Panel results (a ``region`` column): the report shows per-region tables, ranked, and
does not crash; one-region results keep the report they had (no regions section)."""

from __future__ import annotations

import copy

from carbonpath.report.html import regions
from carbonpath.report.html.page import render_html
from tests.report.studies import results_for

REGIONS = [
    ("BJ", "Beijing", "北京", 1.0),
    ("TJ", "Tianjin", "天津", 2.5),
    ("XJ", "Xinjiang", "新疆", 0.4),
]


def panel_results() -> dict:
    """The full study's results with each emissions total and index score given per region
    (the one region's values scaled by a factor per region)."""
    d = copy.deepcopy(results_for("full").to_dict())
    d["study"]["regions"] = [{"code": c, "name": n, "name_zh": z} for c, n, z, _ in REGIONS]
    em, idx = d["emissions"], d["index"]
    em["total"] = [
        dict(r, region=c, co2_t=r["co2_t"] * f) for c, *_, f in REGIONS for r in em["total"]
    ]
    idx["scores"] = [
        dict(r, region=c, score=min(1.0, r["score"] * f))
        for c, *_, f in REGIONS
        for r in idx["scores"]
    ]
    return d


def test_one_region_results_have_no_regions_section() -> None:
    d = results_for("full").to_dict()
    assert not regions.is_panel(d)
    assert regions.build(d, {}) is None
    assert '<section id="regions">' not in render_html(d)


def test_panel_results_get_ranked_region_tables() -> None:
    d = panel_results()
    sec = regions.build(d, {})
    assert sec is not None and sec.intro == ["The study covers 3 regions; each table ranks them."]
    total, index = sec.tables
    last = max(r["year"] for r in d["emissions"]["total"])
    assert total.caption == f"Emissions by region, {last} (ranked)"
    assert [r[1].text for r in total.rows] == ["Tianjin", "Beijing", "Xinjiang"]
    assert [r[0].text for r in total.rows] == ["1", "2", "3"]
    base = next(
        r["co2_t"] for r in results_for("full").to_dict()["emissions"]["total"] if r["year"] == last
    )
    assert total.rows[0][2].text == f"{base * 2.5:,.0f}"
    assert [r[1].text for r in index.rows][-1] == "Xinjiang"


def test_panel_report_renders_in_both_languages() -> None:
    d = panel_results()
    html = render_html(d)
    assert '<section id="regions">' in html and "Tianjin" in html
    d["settings"]["report"]["language"] = "zh"
    html = render_html(d)
    assert "天津" in html and "地区" in html


def test_odd_panel_parts_do_not_crash() -> None:
    d = panel_results()
    d["index"]["scores"] = [{"region": "BJ"}, "junk", {"region": "TJ", "year": 2020, "score": None}]
    d["study"]["regions"] = "not a list"
    sec = regions.build(d, {})
    assert sec is not None and len(sec.tables) == 1
    assert sec.tables[0].rows[0][1].text == "TJ"  # no names: the code


def test_panel_summary_sums_the_regions() -> None:
    from carbonpath.report.html import summary
    from carbonpath.report.html.format import fmt_mass

    d = panel_results()
    first = min(r["year"] for r in d["emissions"]["total"])
    total = sum(r["co2_t"] for r in d["emissions"]["total"] if r["year"] == first)
    assert fmt_mass(total) in summary.findings(d, "en")[0]
