"""The page: escaped and display-safe user text, self-contained, complete, deterministic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from carbonpath.report import html as report_html
from tests.report.html.conftest import section_text
from tests.report.studies import no_analyses, results_for

SECTIONS = [
    "summary",
    "economy",
    "data",
    "emissions",
    "index",
    "drivers",
    "pathways",
    "methods",
    "software",
]


def test_user_text_is_escaped(report: dict[str, Any]) -> None:
    text = report["text"]
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the sector name, shown as text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text  # the title
    assert "-decimal shift &lt;b&gt;x10&lt;/b&gt;" in text  # a correction reason
    assert [t for t, _ in report["parser"].tags if t == "script"] == []


def test_user_text_is_display_safe(report: dict[str, Any]) -> None:
    text = report["text"]
    assert "\u202e" not in text  # the bidi override of sector D's name is gone
    assert "=HYPERLINK(&#34;http://example.invalid&#34;) evil" in text


def test_self_contained(report: dict[str, Any]) -> None:
    tags = report["parser"].tags
    imgs = [a for t, a in tags if t == "img"]
    assert len(imgs) == 18  # 17 + the decoupling figure
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


def test_deterministic(report: dict[str, Any]) -> None:
    again = report_html.render_html(report["results"].to_dict(), report["folder"])
    assert again == report["text"]


def test_figures_drawn_in_memory_are_those_on_disk(report: dict[str, Any]) -> None:
    """Without figures/ the page draws its SVGs itself, with the same layout and bytes."""
    alone = report_html.render_html(report["results"].to_dict(), None)
    assert alone == report["text"]


def test_no_analyses_do_not_crash(tmp_path: Path) -> None:
    path = report_html.write_html(no_analyses(), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<img" not in text
    assert "not drawn" in text and "no emissions.total" in text
    assert "Emission accounting was not run: no energy data" in text
    assert "The index was not computed." in text
    economy = section_text(text, "economy")  # shown, with a note per skipped figure
    assert economy.count('class="skipped"') == 4


def test_full_study_has_no_skip_notes(tmp_path: Path) -> None:
    text = report_html.write_html(results_for("full"), tmp_path).read_text(encoding="utf-8")
    assert 'class="skipped"' not in text
    assert text.count("<img") == 18  # 17 + the decoupling figure
