"""context.csv: read and checked at load, shown in the report with its source.

The built-in study ships the paper's context (Figures 4-7 and 9, Tables 1-2); its
printed values are checked here against the paper's text (Table 1 and 2 totals, the
34 % and 62 % shares), and its placeholders are marked illustrative.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.report.html import context as context_section
from carbonpath.report.html.page import build_sections
from carbonpath.study.load import builtin_path
from tests.report.studies import CONTEXT_CSV, results_for, run_study, write_study


def _rows(d):
    return d["study"]["context"]


def test_builtin_context_has_the_papers_printed_values() -> None:
    import carbonpath

    study = carbonpath.load_study()
    ctx = study.context
    assert ctx is not None
    t1 = ctx[ctx["title"].str.contains("Table 1")]
    nat = t1[t1["series"] == "National-level firms"].set_index("category")["value"]
    mun = t1[t1["series"] == "Municipal-level firms"].set_index("category")["value"]
    # Table 1 of the paper: totals 56 and 315, each the sum of its ten industries
    assert nat["Total"] == 56 and mun["Total"] == 315
    assert nat.drop("Total").sum() == 56 and mun.drop("Total").sum() == 315
    t2 = ctx[ctx["title"].str.contains("Table 2")]
    factories = t2[t2["series"] == "Green factories"].set_index("category")["value"]
    assert factories["Total"] == 116 and factories.drop("Total").sum() == 116
    share = ctx[ctx["series"] == "Share of modern manufacturing output"]
    assert dict(zip(share["year"], share["value"], strict=True)) == {2016: 34.0, 2022: 62.0}
    assert not share["illustrative"].any()
    # every series without printed values is marked illustrative
    for title in ("Figure 5", "Figure 6", "Figure 7", "Figure 9"):
        rows = ctx[ctx["source"].str.contains(title)]
        assert len(rows) and rows["illustrative"].all(), title
    assert (builtin_path() / "context.csv").is_file()


def test_context_in_the_report_with_source_and_illustrative_note() -> None:
    d = results_for("zh").to_dict()
    assert len(_rows(d)) == 8
    figs_html = build_sections(d)
    sec = next(s for s in figs_html if s.id == "context")
    assert [f.name for f in sec.figures] == ["context_1", "context_2"]
    assert all(f.src for f in sec.figures)
    assert "Paper Figure 5" in sec.figures[1].caption
    assert "示意" in sec.figures[1].title and "示意" in sec.figures[1].caption
    (table,) = sec.tables
    assert table.caption == "按批次名单"
    assert [c.text for c in table.rows[0]] == ["Batch 1", "8", "0"]
    assert table.headers[1] == "National (count)"


def test_no_context_no_section() -> None:
    d = results_for("full").to_dict()
    assert "context" not in d["study"]
    assert context_section.build(d, {}) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("S,2016,,x,%,src,line,false,T,", "is not a number"),
        ("S,2016,,1,%,,line,false,T,", "needs its source"),
        ("S,2016,,1,%,src,pie,false,T,", "kind 'pie' is unknown"),
        ("S,,,1,%,src,line,false,T,", "either a year or a category"),
        ("S,2016,A,1,%,src,line,false,T,", "either a year or a category"),
        ("S,2016,,1,%,src,line,maybe,T,", "illustrative 'maybe' is not true or false"),
        ("Share,2017,,1,t,Paper section 2.1.2,line,false,Share of output,", "mixes units"),
    ],
)
def test_bad_context_rows_are_one_line_errors(tmp_path: Path, line: str, message: str) -> None:
    folder = write_study(tmp_path / "s")
    (folder / "context.csv").write_text(CONTEXT_CSV + line + "\n", encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        run_study(folder)
    text = str(exc.value)
    assert message in text and "context.csv" in text and "\n" not in text
    assert re.search(r"row \d+|line \d+", text)
