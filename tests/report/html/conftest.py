"""The HTML report of the hostile report-test study, written once for the module tests."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from carbonpath.report import html as report_html
from carbonpath.report.figures import write_figures
from tests.report.studies import results_for


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


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """report.html of the hostile study, next to its figures/: text, tags, results."""
    folder = tmp_path_factory.mktemp("html")
    results = results_for("hostile")
    write_figures(results, folder)
    path = report_html.write_html(results, folder)
    text = path.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    return {"folder": folder, "results": results, "text": text, "parser": parser}


def section_text(text: str, sid: str) -> str:
    """The HTML of section ``sid``."""
    start = text.index(f'<section id="{sid}">')
    return text[start : text.index("</section>", start)]
