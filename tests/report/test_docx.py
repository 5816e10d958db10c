"""report.docx: opened with python-docx, its tables (three-line style, regressions in the
SPSS layout) and figures (embedded, numbered captions) checked, in English and Chinese."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402

from carbonpath.report.docx import docx_bytes, write_docx  # noqa: E402
from carbonpath.report.html.page import build_sections  # noqa: E402
from tests.report.studies import results_for  # noqa: E402


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict]:
    folder = tmp_path_factory.mktemp("docx")
    results = results_for("full")
    path = write_docx(results, folder)
    return docx.Document(str(path)), results.to_dict()


def _rule(tc: object, side: str) -> tuple[str | None, str | None]:
    el = tc.tcPr.find(qn("w:tcBorders")).find(qn(f"w:{side}"))  # type: ignore[attr-defined]
    return el.get(qn("w:val")), el.get(qn("w:sz"))


def _tcs(row: object) -> list:
    return list(row._tr.tc_lst)  # type: ignore[attr-defined]


def test_every_table_of_the_report_in_three_line_style(english) -> None:
    doc, d = english
    sections = build_sections(d)
    n_tables = sum(len(s.tables) + len(s.extra) for s in sections)
    assert len(doc.tables) == n_tables > 10
    for table in doc.tables:
        rows = table.rows
        header = 2 if rows[0].cells[1].text == "Unstandardised coefficients" else 1
        for tc in _tcs(rows[0]):
            assert _rule(tc, "top") == ("single", "12")
        for tc in _tcs(rows[header - 1]):
            if len(rows) > header:
                assert _rule(tc, "bottom") == ("single", "6")
        for tc in _tcs(rows[-1]):
            assert _rule(tc, "bottom") == ("single", "12")
        for row in rows[1:-1]:
            for tc in _tcs(row):
                assert _rule(tc, "top")[0] == "nil"
        for row in rows:
            for tc in _tcs(row):
                assert _rule(tc, "left")[0] == "nil" and _rule(tc, "right")[0] == "nil"


def test_regressions_in_the_spss_layout(english) -> None:
    doc, d = english
    ols = next(t for t in doc.tables if t.rows[0].cells[1].text == "Unstandardised coefficients")
    top = [c.text for c in ols.rows[0].cells]
    sub = [c.text for c in ols.rows[1].cells]
    assert top[:4] == [
        "Model",
        "Unstandardised coefficients",
        "Unstandardised coefficients",
        "Standardised coefficients",
    ]
    assert sub[1:4] == ["B", "Std. error", "Beta"] and "Sig." in sub
    # the rows are the results' coefficients, three decimals as SPSS prints them
    coefs = d["stirpat"]["ols"]["coefficients"]
    assert [r.cells[0].text for r in ols.rows[2:]] == [c["term"] for c in coefs]
    assert ols.rows[3].cells[1].text == f"{coefs[1]['b']:,.3f}"


def test_figures_embedded_with_numbered_captions(english) -> None:
    doc, d = english
    sections = build_sections(d)
    drawn = [f for s in sections for f in s.figures if f.src]
    blips = doc.element.body.findall(".//" + qn("a:blip"))
    assert len(blips) == len(drawn) == 18  # 17 + the decoupling figure
    caps = [p.text for p in doc.paragraphs if re.match(r"Figure \d+\. ", p.text)]
    assert [int(re.match(r"Figure (\d+)\.", c).group(1)) for c in caps] == list(range(1, 19))
    assert caps[0].startswith(f"Figure 1. {drawn[0].title}")
    tabs = [p.text for p in doc.paragraphs if re.match(r"Table \d+\. ", p.text)]
    assert len(tabs) == len(doc.tables)


def test_chinese_document_and_determinism() -> None:
    d = results_for("zh").to_dict()
    raw = docx_bytes(d)
    assert raw == docx_bytes(d)
    doc = docx.Document(io.BytesIO(raw))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert (
        "主要结论" in headings and "碳排放" in headings and "影响因素（STIRPAT 模型）" in headings
    )
    assert any(p.text.startswith("表 1") for p in doc.paragraphs)
    assert any(p.text.startswith("图 1") for p in doc.paragraphs)
    ols = next(t for t in doc.tables if t.rows[0].cells[1].text == "非标准化系数")
    assert [c.text for c in ols.rows[1].cells][1:3] == ["B", "标准误差"]


def test_docx_is_a_format_of_the_run(tmp_path: Path) -> None:
    out = results_for("full").write(tmp_path / "out", ["json", "docx"])
    assert (out / "report.docx").is_file() and not (out / "report.html").exists()
