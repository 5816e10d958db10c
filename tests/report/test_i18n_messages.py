"""The analyses' messages in a Chinese report: the catalogue, the translator, completeness.

The families, the pipeline, the study loader and the quality checks write English
messages (results.json keeps them); a ``language = "zh"`` report shows them in Chinese
from ``report/i18n/messages.zh.toml``.  The completeness tests run real studies (the
built-in one, the synthetic panel, the report-test studies, a CEADs import when
../shared is here) and list every message a Chinese report would leave in English.
"""

from __future__ import annotations

import csv
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from carbonpath.report.i18n import HERE, text
from carbonpath.report.i18n.localise import localised, messages_of
from carbonpath.report.i18n.messages import entries, placeholders, translate
from tests.conftest import CEADS

MINI = Path(__file__).resolve().parents[1] / "bad_inputs" / "_mini"
HAN = re.compile(r"[\u4e00-\u9fff]")
CATALOGUE = HERE / "messages.zh.toml"


def _zh(d: dict) -> dict:
    """Plain results ``d`` as a ``language = "zh"`` study would give them."""
    settings = dict(d.get("settings") or {})
    settings["report"] = {**(settings.get("report") or {}), "language": "zh"}
    return {**d, "settings": settings}


def _untranslated(d: dict) -> list[str]:
    return [m for m in messages_of(d) if translate(m, "zh", "，") is None]


# ---- the catalogue ----------------------------------------------------------------


def test_catalogue_parses_and_each_template_is_given_once() -> None:
    raw = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    items = raw["message"]
    assert len(items) == len(entries("zh")) > 100
    ens = [i["en"] for i in items]
    assert len(ens) == len(set(ens))
    assert all(set(i) == {"en", "zh"} for i in items)


def test_every_translation_has_the_placeholders_of_its_template() -> None:
    bad = []
    for item in tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))["message"]:
        en, zh = placeholders(item["en"]), placeholders(item["zh"])
        if set(en) != set(zh) or any(zh.values()):  # kinds are declared in en only
            bad.append(item["en"])
    assert bad == []


def test_every_translation_is_chinese() -> None:
    # one list item ("+0.5 with trace (k = 0.1)") becomes symbols only: "trace：+0.5（k = 0.1）"
    plain = [e.en for e in entries("zh") if not HAN.search(e.target)]
    assert plain == ["{b} with {rule} (k = {k})"]


#: a value of each kind of placeholder, and what it becomes in Chinese
SAMPLE = {
    "": ("Q9", "Q9"),
    "int": ("2017", "2017"),
    "num": ("1.25e+06", "1.25e+06"),
    "msg": ("no value", "没有数值"),
    "term": ("total", "合计"),
    "terms": ("mass, volume", "质量，体积"),
    "msgs": ("+0.5 with trace (k = 0.1), -0.2 with HKB (k = 0)", "trace：+0.5（k = 0.1）"),
    "parts": ("the region's total (1997, 1998); the total of sector 25 (2000)", "25 行业合计"),
    "years": ("1997, 1998", "1997, 1998"),
}


@pytest.mark.parametrize("entry", entries("zh"), ids=lambda e: e.en[:60])
def test_each_template_translates_a_message_it_describes(entry) -> None:
    """Fill the English template with a value per placeholder: the message translates,
    each plain or numeric value is kept and each nested message is translated too."""
    values = {n: SAMPLE[k][0] for n, k in entry.kinds.items()}
    message = (
        re.sub(r"\{([A-Za-z_]\w*)(?::[a-z]+)?\}", lambda m: values[m.group(1)], entry.en)
        .replace("{{", "{")
        .replace("}}", "}")
    )
    out = translate(message, "zh", "，")
    assert out is not None, message
    assert HAN.search(out) or not HAN.search(entry.target)
    for name, kind in entry.kinds.items():
        assert SAMPLE[kind][1] in out, (name, out)


def test_nested_messages_numbers_and_user_text() -> None:
    msg = (
        "after corrections and gap filling: rd_expenditure of sector 北京-C in 2015 is "
        "missing; filled with 2.20005e+10 yuan by linear interpolation between 2014 and 2016"
    )
    assert translate(msg, "zh") == (
        "修正和缺失值填补之后：行业 北京-C 的 rd_expenditure 在 2015 年缺失；"
        "已填补为 2.20005e+10 yuan（2014 年与 2016 年之间的线性插值）"
    )
    # a jump of the region's total: the word "total" is translated, the numbers kept
    assert translate(
        "total in 2019 is 1/32.1 of the median of its neighbouring years (2015, 2016)", "zh"
    ) == ("合计 在 2019 年为相邻年份（2015, 2016）中位数的 1/32.1")


def test_an_unknown_message_is_marked_and_counted() -> None:
    d = _zh({"warnings": ["a message no template knows", "study.toml declares no [[targets]]"]})
    out, tr = localised(d)
    mark = text("report.untranslated_mark", "zh")
    assert out["warnings"] == [
        mark + "a message no template knows",
        "study.toml 未声明 [[targets]]（减排目标）",
    ]
    assert tr.missed == ["a message no template knows"]
    from carbonpath.report.html.page import untranslated_note

    assert untranslated_note(tr) == (
        "分析模块生成的消息中有 1 条在词表中没有译文，以英文原文显示，并标有［英文原文］。"
    )
    # a nested message that is unknown leaves the whole message in English
    assert translate("OLS not computed: something else went wrong.", "zh") is None


def test_english_results_are_not_touched() -> None:
    d = {"warnings": ["study.toml declares no [[targets]]"], "settings": {"report": {}}}
    out, tr = localised(d)
    assert out is d and tr.missed == []


# ---- completeness on real studies ---------------------------------------------------


@pytest.fixture(scope="module")
def builtin() -> dict:
    import carbonpath

    return carbonpath.load_study().run().to_dict()


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> dict:
    from tests.report.studies import run_study
    from tests.study.panel_study import write_panel_study

    folder = tmp_path_factory.mktemp("panel") / "study"
    write_panel_study(folder)
    return run_study(folder).to_dict()


def test_builtin_study_every_message_translated(builtin) -> None:
    assert len(messages_of(builtin)) > 30
    assert _untranslated(builtin) == []


def test_panel_study_every_message_translated(panel) -> None:
    assert _untranslated(panel) == []


@pytest.mark.parametrize("variant", ["full", "hostile"])
def test_report_studies_every_message_translated(variant) -> None:
    from tests.report.studies import results_for

    assert _untranslated(results_for(variant).to_dict()) == []


@pytest.mark.skipif(not CEADS.is_dir(), reason="the CEADs workbooks are not here")
def test_ceads_import_every_message_translated(tmp_path: Path) -> None:
    from carbonpath.io.ceads_study import import_ceads
    from tests.report.studies import run_study

    books = sorted(CEADS.glob("Emission_Inventories_for_30_Provinces_201[5-9].xlsx"))
    folder = import_ceads(books, "Beijing", tmp_path / "bj")
    d = run_study(Path(folder)).to_dict()
    assert len(messages_of(d)) > 10
    assert _untranslated(d) == []


# ---- small studies that trigger the other messages found in the source ----------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "study.toml"
    toml = path.read_text(encoding="utf-8")
    assert old in toml, old
    path.write_text(toml.replace(old, new), encoding="utf-8")


def identity_study(folder: Path) -> Path:
    """A Kaya-type STIRPAT whose regressors multiply to the response (identity check)."""
    shutil.copytree(MINI, folder)
    _edit(
        folder,
        'lnT = "output_value[modern] / energy[modern]"\n',
        'lnT = "energy[modern] / output_value[modern]"\nlnRE = "co2[modern] / energy[modern]"\n',
    )
    return folder


def quality_study(folder: Path) -> Path:
    """Findings and fills: a copied row, a zero between years, a fractional headcount,
    an inner and an edge gap (held), user weights not summing to 1, small-value LMDI."""
    shutil.copytree(MINI, folder)
    _edit(
        folder,
        'method = "entropy"',
        'method = "user"\nweights = {output_per_energy = 1, co2_intensity = 2, rd_intensity = 1}',
    )
    _edit(
        folder,
        "[report]",
        '[quality]\nextrapolate = "hold"\n\n[decomposition]\nzero_limits = false\n\n[report]',
    )
    gone = {("2022", "D", "rd_expenditure"), ("2018", "B", "rd_expenditure")}
    eco = [
        r
        for r in _csv(folder / "economy.csv")
        if (r["year"], r["sector"], r["variable"]) not in gone
    ]
    for r in eco:
        if (r["year"], r["sector"], r["variable"]) == ("2017", "A", "employment"):
            r["value"] = str(float(r["value"]) + 0.5)
    _write_csv(folder / "economy.csv", eco)
    energy = _csv(folder / "energy.csv")
    coal_b = {r["year"]: r["value"] for r in energy if (r["sector"], r["fuel"]) == ("B", "coal")}
    for r in energy:
        if (r["sector"], r["fuel"]) == ("D", "coal"):
            r["value"] = coal_b[r["year"]]
        if (r["year"], r["sector"], r["fuel"]) == ("2019", "A", "natural_gas"):
            r["value"] = "0"
    _write_csv(folder / "energy.csv", energy)
    return folder


def paths_study(folder: Path) -> Path:
    """The report-test study with scope 2 (a year without a published grid factor), one
    index subsystem with a constant indicator, no decoupling, a rising scenario."""
    from tests.report.studies import write_study

    write_study(folder)
    _edit(folder, 'direction = "+"\n', 'direction = "+"\nsubsystem = "economy"\n')
    _edit(folder, 'direction = "-"\n', 'direction = "-"\nsubsystem = "economy"\n')
    _edit(
        folder,
        '[[index.indicators]]\nname = "co2_intensity"',
        '[[index.indicators]]\nname = "flat"\nexpr = "output_value[modern] / output_value[modern]"\n'
        'direction = "+"\nsubsystem = "economy"\n\n[[index.indicators]]\nname = "co2_intensity"',
    )
    extra = (
        "\n[accounting.scope2]\nenabled = true\nyear = 2020\n\n[decomposition.decoupling]\n"
        'enabled = false\n\n[scenarios.rising]\nlabel = "Rising"\nlnA = -0.30\nlnT = -0.30\n'
    )
    path = folder / "study.toml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


PANEL_MODELS = """
[index]
unit = "region"

[[index.indicators]]
name = "gdp_per_person"
expr = "gdp[region] / population[region]"
direction = "+"

[[index.indicators]]
name = "co2_per_gdp"
expr = "co2[*] / gdp[region]"
direction = "-"

[stirpat]
response = "co2[*]"
unit = "region"
k = 0.1
bootstrap = 50

[stirpat.regressors]
lnP = "population[region]"
lnA = "gdp[region] / population[region]"
"""


def panel_models_study(folder: Path) -> Path:
    """The synthetic panel with an index and a STIRPAT over regions (XJ starts late:
    region-years dropped; within-region fit; no single-series cointegration)."""
    from tests.study.panel_study import write_panel_study

    write_panel_study(folder)
    path = folder / "study.toml"
    path.write_text(path.read_text(encoding="utf-8") + PANEL_MODELS, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (identity_study, "The regressors multiply to the response"),
        (quality_study, "is identical to sector B in all 8 years"),
        (paths_study, "scope 2: 2020 has no published factor"),
        (panel_models_study, "Panel over regions: OLS and ridge are fitted"),
    ],
)
def test_fixture_studies_every_message_translated(build, expected, tmp_path: Path) -> None:
    from tests.report.studies import run_study

    d = run_study(build(tmp_path / "study")).to_dict()
    messages = messages_of(d)
    assert any(expected in m for m in messages), messages
    assert _untranslated(d) == []


def test_zh_report_shows_the_messages_in_chinese(builtin) -> None:
    from carbonpath.report.html.page import render_html

    page = render_html(_zh(builtin))
    assert "保留英文原文" not in page
    assert text("report.untranslated_mark", "zh") not in page
    # a quality finding, a STIRPAT warning and a test verdict, in Chinese
    assert "是否单位或小数点错位了 10 倍" in page
    assert "岭回归的 t 值和 p 值把 k 视为固定值" in page
    assert "在 5% 水平上拒绝平稳性" in page
    assert "unit or decimal slip" not in page
    assert "Ridge t and p-values" not in page


def test_en_report_keeps_every_message_as_written(builtin) -> None:
    from carbonpath.report.html.page import render_html

    page = render_html(builtin)
    assert not HAN.search(page)
    assert "Ridge t and p-values treat k as fixed" in page
    assert "(a unit or decimal slip of 10x?)" in page


def test_zh_word_document_shows_the_messages_in_chinese(builtin) -> None:
    import io

    from docx import Document

    from carbonpath.report.docx import docx_bytes

    doc = Document(io.BytesIO(docx_bytes(_zh(builtin))))
    paras = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("岭回归的 t 值和 p 值把 k 视为固定值" in p for p in paras)
    assert any("是否单位或小数点错位了 10 倍" in c for c in cells)
    assert not any("Ridge t and p-values" in p for p in paras)
    mark = text("report.untranslated_mark", "zh")
    assert not any(mark in x for x in paras + cells)


# ---- findings written by the quality checks themselves, on a small table --------------

YEARS = list(range(2010, 2020))


def _series(rows: list[dict], sector: str, var: str, vals: list, unit: str, dim: str) -> None:
    for y, v in zip(YEARS, vals, strict=True):
        rows.append(
            dict(year=y, sector=sector, variable=var, value=float(v), unit=unit, dimension=dim)
        )


def quality_table():
    """An economy table with one of each finding the study fixtures do not produce: a
    negative value, a share above 1, units of the wrong kind and mixed kinds, a run of
    zeros shared by three series, a partly copied series, an amount moved between two
    sectors, a variable one member lacks."""
    import pandas as pd

    rows: list[dict] = []
    base = [100, 104, 108, 112, 117, 122, 127, 132, 137, 143]
    _series(rows, "A", "output_value", base, "yuan", "currency")
    _series(rows, "B", "output_value", [1.5 * b for b in base], "yuan", "currency")
    _series(rows, "A", "rd_expenditure", range(10, 20), "yuan", "currency")
    _series(
        rows, "B", "rd_expenditure", [20, 21, 12, 13, 14, 15, 26, 27, 28, 29], "yuan", "currency"
    )
    _series(rows, "A", "value_added", [-5, *range(30, 39)], "yuan", "currency")
    _series(rows, "A", "green_share", [0.2, 0.3, 1.5, *[0.3] * 7], "1", "ratio")
    _series(rows, "A", "employment", range(50, 60), "t", "mass")
    _series(rows, "B", "operating_revenue", range(5, 15), "yuan", "currency")
    rows[-5].update(unit="t", dimension="mass")
    for s, v in (("A", 500), ("B", 800), ("M", 2000)):
        _series(rows, s, "energy_total", [v, v, 0, 0, v, v, v, v, v, v], "GJ", "energy")
    _series(
        rows,
        "A",
        "rd_institutions",
        [100, 101, 102, 103, 104, 404, 405, 406, 407, 408],
        "count",
        "count",
    )
    _series(
        rows,
        "B",
        "rd_institutions",
        [400, 401, 402, 403, 404, 104, 105, 106, 107, 108],
        "count",
        "count",
    )
    df = pd.DataFrame(rows).assign(file="economy.csv", line=range(2, len(rows) + 2))
    sectors = pd.DataFrame({"code": ["A", "B", "M"], "role": ["member", "member", "reference"]})
    return df, sectors


def test_quality_checks_findings_translated() -> None:
    from carbonpath.quality.checks import run_checks
    from carbonpath.quality.totals import check_missing_variables

    df, sectors = quality_table()
    flags = run_checks(df, "variable", sectors=sectors) + check_missing_variables(df, sectors)
    messages = list(dict.fromkeys(f["message"] for f in flags))
    for check in ("negative", "share", "unit", "zero_between", "identical", "reallocation"):
        assert any(f["check"] == check for f in flags), check
    assert any("series are zero in every year" in m for m in messages), messages
    assert [m for m in messages if translate(m, "zh", "，") is None] == []


def test_folded_zero_run_findings_translated() -> None:
    """A zero-run finding that took in the totals above it (quality/folding.py) carries
    the totals' names after '; ': the whole message and each name are translated."""
    from carbonpath.quality.checks import run_checks
    from tests.quality.test_folding import SECTORS, inventory

    flags = run_checks(inventory(range(2002, 2005), ("A", "B", "C")), "fuel", sectors=SECTORS)
    folded = [f["message"] for f in flags if "the totals above show the same break" in f["message"]]
    assert folded
    zh = translate(folded[0], "zh", "，")
    assert zh is not None and "上层合计显示的是同一断点" in zh
    assert "A 行业合计（2002 年）；B 行业合计（2002 年）；C 行业合计（2002 年）" in zh
    assert "（已并入 3 条合计类发现）" in zh and "total" not in zh
    for name, want in (
        ("the region's total (1997, 1998)", "地区合计（1997, 1998 年）"),
        ("coal over the sectors (2001)", "各行业 coal 合计（2001 年）"),
        ("coal of 25 (2001)", "25 行业的 coal（2001 年）"),
        ("the panel total (2003)", "面板合计（2003 年）"),
        ("the panel total of coal (2003)", "面板 coal 合计（2003 年）"),
    ):
        assert translate(name, "zh", "，") == want
