"""Small real studies for the report tests: written to a temporary folder and run.

The report tests draw and write what the pipeline really produces, not a hand-made copy
of the results schema.  ``write_study`` starts from the bad-input corpus's small valid
study (``tests/bad_inputs/_mini``: three member industries in two groups, a reference
row ``M`` and a region row ``R``, 2015-2022) and adds what the report needs to show every
figure: value added, the reference row's fuel use (share of all manufacturing), a
decomposition, a target and two scenarios.  Variants:

- ``hostile``: the title, two sector names and a correction reason carry HTML, a
  spreadsheet formula, mathtext dollars and a bidi override;
- ``cjk``: the sector names are Chinese (``name`` and ``name_zh``);
- ``zh``: as ``cjk``, with ``[report] language = "zh"`` and a ``context.csv``.

``run_study`` loads and runs such a folder; ``results_for`` caches one run per variant for
the test session (the runs are deterministic: same folder, same seed, same results).
``no_analyses`` keeps a real run's study, settings and quality findings and drops every
analysis: the pipeline always runs the accounting, so no real run lacks them all, yet
the report must still be complete (every figure skipped with its reason).
"""

from __future__ import annotations

import csv
import functools
import shutil
import tempfile
from pathlib import Path

from carbonpath.results import Results

MINI = Path(__file__).resolve().parents[1] / "bad_inputs" / "_mini"
YEARS = list(range(2015, 2023))
MEMBERS = ["A", "B", "D"]
GROUPS = [("g1", "Group one"), ("g2", "Group two")]
#: value added as a share of output value, per member (hand-set, used by the tests)
VA_SHARE = {"A": 0.30, "B": 0.25, "D": 0.40}
#: the reference row's coal use in each year, as a multiple of the members' coal use
REFERENCE_COAL = 4.0

HOSTILE_TITLE = "Study <b>bold</b> & <script>alert('t')</script>"
HOSTILE_NAMES = {
    "B": "<script>alert(1)</script>",
    "D": '=HYPERLINK("http://example.invalid") \u202eevil',
    "A": "Cost $5 and $$ \\frac{",
}
CJK_NAMES = {"A": "通用设备制造业", "B": "计算机、通信和其他电子设备制造业", "D": "医药制造业"}
HOSTILE_REASON = "-decimal shift <b>x10</b>"

EXTRA_TOML = """
[decomposition]
periods = ["chained", "first_last"]
delta = 1e-10

[[targets]]
name = "modern_intensity_2025"
type = "intensity"
scope = "modern"
base_year = 2020
target_year = 2025
reduction = 0.18

[scenarios]
horizon = 2026
trend_years = 3

[scenarios.baseline]
label = "Baseline: every driver continues its recent growth"

[scenarios.low_carbon]
label = "Low-carbon: output +4%/yr, efficiency +6%/yr"
lnA = 0.04
lnT = 0.06
"""


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _add_value_added(folder: Path) -> None:
    """Value added = VA_SHARE x output value for each member (same unit)."""
    path = folder / "economy.csv"
    rows = _read(path)
    extra = [
        {**r, "variable": "value_added", "value": repr(float(r["value"]) * VA_SHARE[r["sector"]])}
        for r in rows
        if r["variable"] == "output_value" and r["sector"] in VA_SHARE
    ]
    _write(path, rows + extra, list(rows[0]))


def _add_reference_energy(folder: Path) -> None:
    """Coal use of all manufacturing (M) = REFERENCE_COAL x the members' coal, per year."""
    path = folder / "energy.csv"
    rows = _read(path)
    coal: dict[str, float] = {}
    for r in rows:
        if r["fuel"] == "coal" and r["sector"] in MEMBERS:
            coal[r["year"]] = coal.get(r["year"], 0.0) + float(r["value"])
    extra = [
        {"year": y, "sector": "M", "fuel": "coal", "value": repr(v * REFERENCE_COAL), "unit": "t"}
        for y, v in sorted(coal.items())
    ]
    _write(path, rows + extra, list(rows[0]))


def _rename_sectors(folder: Path, names: dict[str, str], zh: dict[str, str] | None) -> None:
    path = folder / "sectors.csv"
    rows = _read(path)
    header = list(rows[0]) + (["name_zh"] if zh is not None else [])
    for r in rows:
        r["name"] = names.get(r["code"], r["name"])
        if zh is not None:
            r["name_zh"] = zh.get(r["code"], "")
    _write(path, rows, header)


def _add_slip_and_correction(folder: Path, reason: str) -> None:
    """A 10x slip in A's 2018 output value, and the correction restoring it, with ``reason``.

    The quality check flags the slip as an error, the correction resolves it: the results
    are those of the unbroken study, with one resolved finding and one correction.
    """
    path = folder / "economy.csv"
    rows = _read(path)
    cell = next(
        r for r in rows if (r["year"], r["sector"], r["variable"]) == ("2018", "A", "output_value")
    )
    original = cell["value"]
    cell["value"] = repr(float(original) * 10)
    _write(path, rows, list(rows[0]))
    _write(
        folder / "corrections.csv",
        [{**cell, "value": original, "reason": reason}],
        ["year", "sector", "variable", "value", "unit", "reason"],
    )


CONTEXT_CSV = """series,year,category,value,unit,source,kind,illustrative,title,title_zh
Share,2016,,34,%,Paper section 2.1.2,line,false,Share of output,产值比重
Share,2022,,62,%,Paper section 2.1.2,line,false,Share of output,产值比重
Placeholder,2016,,3,count,Paper Figure 5,bar,true,Placeholder counts,占位数量
Placeholder,2017,,5,count,Paper Figure 5,bar,true,Placeholder counts,占位数量
National,,Batch 1,8,count,Paper Table 2,table,false,Lists by batch,按批次名单
National,,Batch 2,4,count,Paper Table 2,table,false,Lists by batch,按批次名单
Parks,,Batch 1,0,count,Paper Table 2,table,false,Lists by batch,按批次名单
Parks,,Batch 2,1,count,Paper Table 2,table,false,Lists by batch,按批次名单
"""


def write_study(
    folder: Path, *, hostile: bool = False, cjk: bool = False, zh: bool = False
) -> Path:
    """Write the report-test study into ``folder`` (created); return ``folder``."""
    shutil.copytree(MINI, folder)
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    lang = '\nlanguage = "zh"' if zh else ""
    toml = toml.replace('[report]\nformats = ["json", "csv"]', "[report]\ndpi = 100" + lang)
    if zh:
        (folder / "context.csv").write_text(CONTEXT_CSV, encoding="utf-8")
        cjk = True
    if hostile:
        toml = toml.replace('title = "Mini study"', f'title = "{HOSTILE_TITLE}"')
    (folder / "study.toml").write_text(toml + EXTRA_TOML, encoding="utf-8")
    _add_value_added(folder)
    _add_reference_energy(folder)
    if hostile:
        _rename_sectors(folder, HOSTILE_NAMES, None)
        _add_slip_and_correction(folder, HOSTILE_REASON)
    if cjk:
        _rename_sectors(folder, CJK_NAMES, CJK_NAMES)
    return folder


def run_study(folder: Path) -> Results:
    """Load and run the study in ``folder``."""
    import carbonpath

    return carbonpath.load_study(str(folder)).run()


@functools.cache
def results_for(variant: str = "full") -> Results:
    """The results of the report-test study (``full``, ``hostile``, ``cjk`` or ``zh``), run
    once."""
    tmp = Path(tempfile.mkdtemp(prefix="carbonpath-report-tests-"))
    try:
        folder = write_study(
            tmp / variant, hostile=variant == "hostile", cjk=variant == "cjk", zh=variant == "zh"
        )
        return run_study(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def no_analyses() -> Results:
    """The full study's metadata, settings and quality, with every analysis skipped."""
    real = results_for("full")
    return Results(
        study=real.study,
        settings=real.settings,
        quality=real.quality,
        skipped={"emissions": "no energy data"},
    )
