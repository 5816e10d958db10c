"""HTML report: self-contained, escaped, complete, deterministic; number formatting."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from carbonpath.report import html as report_html
from carbonpath.report.figures import write_figures
from tests.report.report_fixture import make_results

SECTIONS = [
    "summary",
    "data",
    "economy",
    "emissions",
    "index",
    "drivers",
    "pathways",
    "methods",
    "software",
]


class Collector(HTMLParser):
    """Every tag with its attributes, and the text of the document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("html")
    results = make_results(hostile=True)
    write_figures(results, folder)
    path = report_html.write_html(results, folder)
    text = path.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    return {"folder": folder, "results": results, "text": text, "parser": parser}


def test_user_text_is_escaped(report: dict[str, Any]) -> None:
    text = report["text"]
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the sector name, shown as text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text  # the title
    assert "-decimal shift &lt;b&gt;x10&lt;/b&gt;" in text  # a correction reason
    assert [t for t, _ in report["parser"].tags if t == "script"] == []


def test_self_contained(report: dict[str, Any]) -> None:
    tags = report["parser"].tags
    imgs = [a for t, a in tags if t == "img"]
    assert len(imgs) == 17
    assert all((a.get("src") or "").startswith("data:image/svg+xml;base64,") for a in imgs)
    assert all(a.get("alt") for a in imgs)
    for t, a in tags:
        if t == "a":
            assert (a.get("href") or "").startswith("#"), a
        assert t not in ("link", "iframe", "object", "embed", "script", "base")
    assert not re.search(r"url\(|@import", report["text"])
    csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")


def test_sections_and_contents_bar(report: dict[str, Any]) -> None:
    tags = report["parser"].tags
    ids = [a["id"] for t, a in tags if t == "section"]
    assert ids == SECTIONS
    nav = [a["href"] for t, a in tags if t == "a"]
    assert nav[: len(SECTIONS)] == [f"#{s}" for s in SECTIONS]


def _section_text(text: str, sid: str) -> str:
    start = text.index(f'<section id="{sid}">')
    return text[start : text.index("</section>", start)]


def test_ridge_warning_next_to_ridge_table(report: dict[str, Any]) -> None:
    drivers = _section_text(report["text"], "drivers")
    warn = drivers.index("treat the ridge estimate as unbiased")
    table = drivers.index("<caption>Ridge regression</caption>")
    ols = drivers.index("<caption>OLS</caption>")
    assert ols < warn < table  # the caveat sits right above the ridge table
    assert "not the standardised Beta" in drivers
    assert "B (elasticity)" in drivers and "Beta (standardised)" in drivers
    assert "k = 0.1 chosen by rule &#39;trace&#39;" in drivers
    assert "n = 8: unit-root tests have little power" in drivers


def test_provenance_quality_and_methods(report: dict[str, Any]) -> None:
    text = report["text"]
    data = _section_text(text, "data")
    assert "a" * 64 in data and "gb18030" in data
    assert "ten times its neighbours" in data and "23,650,340" in data
    methods = _section_text(text, "methods")
    for needle in (
        "cn-provincial-2011",
        "trace",
        "20240601",
        "Seed (settings.seed)",
        "SPSS RIDGEREG",
    ):
        assert needle in methods, needle
    software = _section_text(text, "software")
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib"):
        assert f"<td>{pkg}</td>" in software
        assert metadata.version(pkg) in software


def test_numbers_formatted_with_units(report: dict[str, Any]) -> None:
    em = _section_text(report["text"], "emissions")
    assert '<th scope="col">CO₂ (t)</th>' in em
    assert "Intensity (t CO₂ per 10⁸ yuan)" in em
    total = report["results"].to_dict()["emissions"]["total"]
    first = min(total, key=lambda r: r["year"])
    assert f">{first['co2_t']:,.0f}<" in em
    assert f">{first['share_of_reference'] * 100:.1f} %<" in em


def test_deterministic(report: dict[str, Any]) -> None:
    again = report_html.render_html(report["results"].to_dict(), report["folder"])
    assert again == report["text"]


def test_minimal_results_do_not_crash(tmp_path: Path) -> None:
    path = report_html.write_html(make_results(minimal=True), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<img" not in text
    assert "not drawn" in text and "no emissions.total" in text
    assert "Emission accounting was not run: no energy data" in text
    economy = _section_text(text, "economy")  # shown, with a note per skipped figure
    assert economy.count('class="skipped"') == 4


def test_fmt_num() -> None:
    f = report_html.fmt_num
    assert f(None) == "–"
    assert f(float("nan")) == "–"
    assert f(1234567) == "1,234,567"
    assert f(995300.4) == "995,300"
    assert f(13.284) == "13.28"
    assert f(0.2757) == "0.2757"
    assert f(0.00012345) == "1.234e-04"
    assert f(-0.203, 3) == "-0.203"
    assert f(True) == "yes"


def test_fmt_pct_and_p() -> None:
    assert report_html.fmt_pct(0.066) == "6.6 %"
    assert report_html.fmt_pct(None) == "–"
    assert report_html.fmt_p(0.0319) == "0.032"
    assert report_html.fmt_p(0.0002) == "< 0.001"


def test_column_digits() -> None:
    cd = report_html.column_digits
    assert cd([587.79, 3.9986]) == 2  # five significant digits for the largest
    assert cd([0.1837, 0.0657]) == 4  # at most four decimals
    assert cd([984543.2, 12.0]) == 0
    assert cd([1.9027, 2.1622]) == 4
    assert cd([1, 2, 3]) is None  # integers keep their own format
    assert cd([None, "x"]) is None


def test_records_table_units_and_alignment() -> None:
    t = report_html.records_table(
        [{"year": 2015, "output_value_yuan": 1.5e10, "share_of_reference": 0.2}], "cap"
    )
    assert t is not None
    assert t.headers == ["Year", "Output value (10⁸ yuan)", "Share of all manufacturing (%)"]
    assert [c.text for c in t.rows[0]] == ["2015", "150.00", "20.0 %"]
    assert all(c.numeric for c in t.rows[0])
