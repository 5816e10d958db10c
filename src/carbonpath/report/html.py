"""The self-contained HTML report (``report.html``), built from ``results.to_dict()``.

One file: figures are embedded as ``data:`` URIs (SVG), styles are inline, there is no
JavaScript and a Content-Security-Policy forbids every request except embedded images,
so the report opens offline and can be mailed as it is.  All text that comes from the
user (study title, sector names, correction reasons, messages) goes through Jinja2 with
``autoescape=True``.  Numbers are formatted here (the report layer), with units in the
table headers.  No timestamps: two runs on the same results give the same bytes.
"""

from __future__ import annotations

import base64
import math
import platform
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures import (
    build_context,
    figure_specs,
    lmdi_span,
    render_figures,
    report_dpi,
    target_records,
)
from carbonpath.report.style import style_context

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.results import Results

TEMPLATE = "report.html.j2"
SOFTWARE = (
    "carbonpath",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "jinja2",
    "openpyxl",
    "pint",
)
RIDGE_WARNING = (
    "Ridge standard errors, t and p-values follow the SPSS RIDGEREG formulas, which treat "
    "the ridge estimate as unbiased; ridge is biased by construction, so these t and p "
    "values overstate precision. Read them as descriptive, and prefer the bootstrap "
    "intervals where given. In this log-log model the elasticities are the unstandardised "
    "coefficients B, not the standardised Beta."
)

#: Column name -> header with unit, for tables taken straight from the results.
HEADERS: dict[str, str] = {
    "year": "Year",
    "sector": "Sector",
    "scope": "Scope",
    "fuel": "Fuel",
    "group": "Group",
    "co2_t": "CO₂ (t)",
    "share_of_reference": "Share of all manufacturing (%)",
    "output_value_yuan": "Output value (10⁸ yuan)",
    "intensity_t_per_1e8_yuan": "Intensity (t CO₂ per 10⁸ yuan)",
    "energy_tce": "Energy (tce)",
    "efficiency_yuan_per_tce": "Efficiency (10⁴ yuan per tce)",
    "employment": "Employment (persons)",
    "co2_per_employee_t": "CO₂ per employee (t)",
    "electricity_kwh_per_1e4_yuan": "Electricity (kWh per 10⁴ yuan)",
    "severity": "Severity",
    "check": "Check",
    "file": "File",
    "line": "Line",
    "variable": "Variable",
    "value": "Value",
    "message": "Message",
    "resolved": "Resolved",
    "reason": "Reason",
    "sha256": "SHA-256",
    "encoding": "Encoding",
    "rows": "Rows",
    "adf": "ADF statistic",
    "crit_5": "5 % critical value",
    "crit_1": "1 % critical value",
    "crit_10": "10 % critical value",
    "lags": "Lags",
    "verdict": "Verdict",
    "n": "n",
}
#: Columns whose values are fractions shown as percentages.
PERCENT = {
    "share",
    "share_of_reference",
    "reduction",
    "progress",
    "share_achieved",
    "required_rate",
    "trend_rate",
    "rate",
}
#: Columns shown in other units than stored: name -> divisor.
SCALE = {"output_value_yuan": 1e8, "efficiency_yuan_per_tce": 1e4}


# ------------------------------------------------------------------------ formatting
def _finite(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float):
        f = float(x)
        return f if math.isfinite(f) else None
    return None


def fmt_num(x: Any, digits: int | None = None) -> str:
    """A number for reading: thousands separators, sensible decimals; None -> en dash."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    f = _finite(x)
    if f is None:
        return "–" if x is None or isinstance(x, float) else str(x)
    if isinstance(x, int) and digits is None:
        return f"{x:,d}"
    if digits is None:
        a = abs(f)
        if a == 0:
            return "0"
        if a >= 1000:
            digits = 0
        elif a >= 10:
            digits = 2
        elif a >= 0.01:
            digits = 4
        else:
            return f"{f:.3e}"
    return f"{f:,.{digits}f}"


def setting_text(v: Any) -> str:
    """A setting's value as written (floats to 6 significant digits, e.g. 1e-10)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def fmt_pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage ('0.066' -> '6.6 %')."""
    f = _finite(x)
    return "–" if f is None else f"{f * 100:,.{digits}f} %"


def fmt_p(x: Any) -> str:
    """A p-value: three decimals, '< 0.001' below."""
    f = _finite(x)
    if f is None:
        return "–"
    return "< 0.001" if f < 0.001 else f"{f:.3f}"


def column_digits(values: list[Any]) -> int | None:
    """Decimals that give the largest |value| of a column five significant digits (0-4).

    One number of decimals per column keeps columns aligned and comparable; None
    (per-value formatting) when the column has no finite non-zero number or only
    tiny ones (those are shown in scientific notation).
    """
    nums = [abs(f) for f in (_finite(v) for v in values) if f is not None and f != 0]
    if not nums or all(
        isinstance(v, int) and not isinstance(v, bool) for v in values if _finite(v) is not None
    ):
        return None
    top = max(nums)
    if top < 1e-3:
        return None
    return int(min(4, max(0, 4 - math.floor(math.log10(top)))))


_P_COLUMN = re.compile(r"(^|[ _])p($|[ _(])")


def fmt_cell(col: str, v: Any, digits: int | None = None) -> str:
    if isinstance(v, dict | list):
        return (
            ", ".join(f"{k}: {fmt_cell(k, x)}" for k, x in v.items())
            if isinstance(v, dict)
            else ", ".join(fmt_cell(col, x) for x in v)
        )
    if isinstance(v, str):
        return v
    if col in PERCENT:
        return fmt_pct(v)
    if _P_COLUMN.search(col):
        return fmt_p(v)
    if col in SCALE and _finite(v) is not None:
        return fmt_num(float(v) / SCALE[col], digits)
    if _is_count(col):
        f = _finite(v)
        return str(int(f)) if f is not None and f == int(f) else fmt_num(v)
    return fmt_num(v, digits) if not isinstance(v, str) else v


def _is_count(col: str) -> bool:
    return col == "year" or col.endswith("_year") or col in ("line", "rows", "rank", "n", "lags")


# ---------------------------------------------------------------------------- tables
@dataclass
class Cell:
    text: str
    numeric: bool = False

    @property
    def long(self) -> bool:
        """Long text gets a minimum width so it does not wrap into a narrow column."""
        return not self.numeric and len(self.text) > 40


@dataclass
class Table:
    """A table ready for the template: headers and rows of formatted cells."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    warn: str = ""


def records_table(
    records: list[dict[str, Any]],
    caption: str,
    columns: list[str] | None = None,
    headers: dict[str, str] | None = None,
    note: str = "",
    warn: str = "",
    decimals: dict[str, int] | None = None,
) -> Table | None:
    """A Table from plain records; columns default to every key in first-seen order.

    Numbers get one number of decimals per column (``column_digits``) unless
    ``decimals`` fixes it for a column (regression tables use 3, as SPSS does).
    """
    rows = [r for r in records or [] if isinstance(r, dict)]
    if not rows:
        return None
    if columns is None:
        columns = []
        for r in rows:
            columns += [k for k in r if k not in columns]
    else:
        columns = [c for c in columns if any(c in r for r in rows)]
    names = {**HEADERS, **(headers or {})}
    digits = {}
    for c in columns:
        vals = [r.get(c) for r in rows]
        if c in SCALE:
            vals = [v / SCALE[c] if _finite(v) is not None else v for v in vals]
        digits[c] = None if _is_count(c) or c in PERCENT else column_digits(vals)
        if decimals and c in decimals:
            digits[c] = decimals[c]
    out_rows = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            cells.append(Cell(fmt_cell(c, v, digits[c]), _finite(v) is not None))
        out_rows.append(cells)
    return Table(caption, [names.get(c, c) for c in columns], out_rows, note, warn)


_COEF_DECIMALS = {k: 3 for k in ("b", "se", "beta", "t", "vif", "ci_lo", "ci_hi")}


def _dict_rows(d: Any) -> list[dict[str, Any]]:
    """A dict of scalars as (setting, value) records; lists/dicts are summarised."""
    if not isinstance(d, dict):
        return []
    return [
        {"setting": k, "value": v}
        for k, v in d.items()
        if not isinstance(v, dict | list) or v == [] or len(str(v)) < 120
    ]


# -------------------------------------------------------------------------- sections
_SVG_SIZE = re.compile(rb'<svg[^>]*?width="([0-9.]+)pt"[^>]*?height="([0-9.]+)pt"', re.S)
DISPLAY_SCALE = 1.3  # figures are drawn at print size (6.3 in); show them a little larger


def svg_size_px(svg: bytes) -> tuple[int, int]:
    """Display size in CSS pixels of a matplotlib SVG (its size in pt x 4/3 x scale)."""
    m = _SVG_SIZE.search(svg[:2000])
    if not m:
        return 800, 480
    w, h = (float(x) * 4 / 3 * DISPLAY_SCALE for x in m.groups())
    return round(w), round(h)


@dataclass
class Figure:
    name: str
    title: str
    caption: str
    src: str = ""
    width: int = 0
    height: int = 0
    skipped: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)  # tables shown after the figures


def _sector_names(d: dict[str, Any]) -> dict[str, str]:
    return {
        str(s.get("code")): str(s.get("name") or s.get("code"))
        for s in (d.get("study") or {}).get("sectors") or []
        if isinstance(s, dict)
    }


def _findings(d: dict[str, Any]) -> list[str]:
    """Plain-words headline findings (beyond the summary lines)."""
    out: list[str] = []
    names = _sector_names(d)
    em = d.get("emissions") if isinstance(d.get("emissions"), dict) else {}
    inten = [
        r
        for r in em.get("intensity") or []
        if r.get("scope_type", "sector") == "sector"
        and _finite(r.get("intensity_t_per_1e8_yuan")) is not None
    ]
    if inten:
        last = max(int(r["year"]) for r in inten)
        rows = sorted(
            (r for r in inten if int(r["year"]) == last),
            key=lambda r: -r["intensity_t_per_1e8_yuan"],
        )
        if len(rows) >= 2:
            hi, lo = rows[0], rows[-1]
            out.append(
                f"In {last} the most carbon-intensive industry was {names.get(str(hi['scope']), hi['scope'])} "
                f"({fmt_num(hi['intensity_t_per_1e8_yuan'], 1)} t CO₂ per 10⁸ yuan); the least was "
                f"{names.get(str(lo['scope']), lo['scope'])} ({fmt_num(lo['intensity_t_per_1e8_yuan'], 1)})."
            )
    span = lmdi_span(d)
    if span and span["effects"]:
        name, v = max(span["effects"], key=lambda e: abs(e[1]))
        out.append(
            f"The largest driver of the change in emissions {span['start']}-{span['end']} was the {name.replace('_', ' ')} "
            f"effect ({'+' if v >= 0 else ''}{fmt_num(v, 0)} t CO₂, LMDI-I additive)."
        )
    sp = d.get("stirpat") if isinstance(d.get("stirpat"), dict) else {}
    coefs = [
        c
        for c in (sp.get("ridge") or {}).get("coefficients") or []
        if c.get("term") != "const" and _finite(c.get("b")) is not None
    ]
    if coefs:
        c = max(coefs, key=lambda c: abs(c["b"]))
        out.append(
            f"In the ridge STIRPAT model, a 1 % rise in {c['term']} goes with a {fmt_num(c['b'], 3)} % change in emissions "
            "(elasticity B), the largest in absolute value; see the caveats on ridge p-values."
        )
    for t in target_records(d):
        if t.get("status"):
            out.append(
                f"Target '{t.get('name', '')}' ({t.get('type', '')}, {t.get('target_year', '')}): "
                f"{str(t['status']).replace('_', ' ')}."
            )
    sc = d.get("scenarios") if isinstance(d.get("scenarios"), dict) else {}
    for p in sc.get("peaks") or []:
        if isinstance(p, dict) and p.get("scenario") is not None:
            when = (
                f"peak in {p['peak_year']}"
                if p.get("peak_year") is not None
                else "do not peak within the horizon"
            )
            note = f" ({p['note']})" if p.get("note") else ""
            out.append(f"Scenario '{p['scenario']}': emissions {when}{note}.")
    return out


def _summary_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    from carbonpath.report.summary import summary_lines

    try:
        return summary_lines(d)
    except (KeyError, IndexError, TypeError, ValueError):
        st = d.get("study") or {}
        return [("Study", str(st.get("title", "")))]


def _seeds(obj: Any, path: str = "") -> list[dict[str, Any]]:
    """Every setting named seed (or *_seed) anywhere in the results, with its path."""
    out: list[dict[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = f"{path}.{k}" if path else str(k)
            if (k == "seed" or str(k).endswith("_seed")) and not isinstance(v, dict | list):
                out.append({"setting": p, "value": v})
            elif isinstance(v, dict):
                out += _seeds(v, p)
    return out


def _versions() -> list[dict[str, str]]:
    rows = [{"package": "python", "version": platform.python_version()}]
    for pkg in SOFTWARE:
        try:
            v = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            if pkg == "carbonpath":
                from carbonpath import __version__ as v
            else:
                v = "not installed"
        rows.append({"package": pkg, "version": v})
    return rows


def _figures(d: dict[str, Any], folder: Path | None) -> dict[str, list[Figure]]:
    """Figures per section; embedded from folder/figures/<name>.svg or drawn in memory.

    Only the SVG is drawn for figures not on disk (the page embeds no PNG), all of
    them in one :func:`render_figures` call so they can share worker processes.
    """
    out: dict[str, list[Figure]] = {}
    with style_context() as info:
        ctx = build_context(d, info)
        specs = figure_specs(d, info)
        svgs: dict[str, bytes] = {}
        for spec in specs:
            path = folder / "figures" / f"{spec.name}.svg" if folder is not None else None
            if spec.draw is not None and path is not None and path.is_file():
                svgs[spec.name] = path.read_bytes()
        missing = [s.name for s in specs if s.draw is not None and s.name not in svgs]
        if missing:
            drawn = render_figures(d, info, missing, report_dpi(d), formats=("svg",))
            svgs.update({name: files[0] for name, files in drawn.items()})
        for spec in specs:
            fig = Figure(spec.name, spec.title, spec.caption)
            if spec.draw is None:
                fig.skipped = spec.skip or "no data"
            else:
                svg = svgs[spec.name]
                fig.src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
                fig.width, fig.height = svg_size_px(svg)
                fig.notes = list(ctx.notes)
            out.setdefault(spec.section, []).append(fig)
    return out


def build_sections(d: dict[str, Any], folder: Path | None = None) -> list[Section]:
    """The report's sections in order, each with its tables, figures and warnings."""
    figs = _figures(d, folder)
    names = _sector_names(d)
    secs: list[Section] = []
    q = d.get("quality") or {}
    st = d.get("study") or {}

    summary = Section("summary", "Summary of findings")
    summary.intro = _findings(d)
    summary.tables.append(
        Table(
            "Headline numbers and conventions",
            ["Item", "Result"],
            [[Cell(a), Cell(b)] for a, b in _summary_rows(d) if a != "Warning"],
        )
    )
    summary.warnings = [str(w) for w in d.get("warnings") or []]
    secs.append(summary)

    data = Section("data", "Data and quality")
    if st.get("description"):
        data.intro.append(str(st["description"]))
    flags = q.get("flags") or []
    n_err = sum(1 for f in flags if isinstance(f, dict) and f.get("severity") == "error")
    n_res = sum(
        1
        for f in flags
        if isinstance(f, dict) and f.get("severity") == "error" and f.get("resolved")
    )
    data.intro.append(
        f"{len(flags)} quality finding(s) ({n_err} error(s), {n_res} of them resolved by "
        f"corrections); {len(q.get('corrections') or [])} correction(s) "
        f"applied from corrections.csv; {len(q.get('filled') or [])} value(s) filled."
    )
    for t in (
        records_table(
            st.get("inputs") or [],
            "Input files (provenance)",
            note="SHA-256 of each file as read; rerun on identical files gives identical results.",
        ),
        records_table(
            flags,
            "Quality findings",
            [
                "severity",
                "resolved",
                "check",
                "file",
                "line",
                "year",
                "sector",
                "variable",
                "value",
                "message",
            ],
            headers={"resolved": "Resolved by a correction"},
        ),
        records_table(q.get("corrections") or [], "Corrections applied"),
        records_table(q.get("filled") or [], "Filled (gap-filled or extrapolated) values"),
        records_table(
            [{"step": k, "reason": v} for k, v in (d.get("skipped") or {}).items()],
            "Steps skipped",
            headers={"step": "Step"},
        ),
    ):
        if t is not None:
            data.tables.append(t)
    secs.append(data)

    if figs.get("economy"):
        eco = Section("economy", "Economy and energy")
        eco.intro.append(
            "The studied industries' economic scale, structure and energy efficiency (from the study's economy data after quality checks)."
        )
        eco.figures = figs["economy"]
        secs.append(eco)

    em = d.get("emissions") if isinstance(d.get("emissions"), dict) else None
    sec = Section("emissions", "Emissions")
    if em:
        settings = em.get("settings") or {}
        if settings.get("factor_set"):
            sec.intro.append(
                f"Scope 1 CO₂ from fuel use with the factor set '{settings['factor_set']}'"
                + (
                    f" and {len(settings.get('overrides') or [])} override(s)."
                    if settings.get("overrides")
                    else "."
                )
            )
        sec.warnings = [str(w) for w in em.get("warnings") or []]
        t = records_table(
            sorted(em.get("total") or [], key=lambda r: r.get("year", 0)),
            "Total emissions of the studied industries",
            ["year", "co2_t", "share_of_reference"],
        )
        if t:
            sec.tables.append(t)
        inten = [r for r in em.get("intensity") or [] if r.get("scope_type", "sector") == "sector"]
        if inten:
            last = max(int(r["year"]) for r in inten)
            rows = [
                dict(r, scope=names.get(str(r.get("scope")), r.get("scope")))
                for r in inten
                if int(r["year"]) == last
            ]
            rows.sort(key=lambda r: -(_finite(r.get("intensity_t_per_1e8_yuan")) or 0))
            t = records_table(
                rows,
                f"Emissions, intensity and efficiency by industry, {last}",
                [
                    "scope",
                    "co2_t",
                    "output_value_yuan",
                    "intensity_t_per_1e8_yuan",
                    "efficiency_yuan_per_tce",
                    "co2_per_employee_t",
                ],
                headers={"scope": "Industry"},
            )
            if t:
                sec.tables.append(t)
    else:
        sec.intro.append(
            "Emission accounting was not run"
            + (
                f": {d['skipped']['emissions']}"
                if (d.get("skipped") or {}).get("emissions")
                else "."
            )
        )
    sec.figures = figs.get("emissions", [])
    secs.append(sec)

    idx = d.get("index") if isinstance(d.get("index"), dict) else None
    sec = Section("index", "Low-carbon development index")
    if idx:
        s = idx.get("settings") or {}
        if s.get("method"):
            sec.intro.append(
                f"Weights: {s['method']}; normalisation: {s.get('normalisation', 'min-max')}"
                + (f"; epsilon shift {s['epsilon']}" if s.get("epsilon") else "")
                + "."
            )
        sec.warnings = [str(w) for w in idx.get("warnings") or []]
        t = records_table(
            sorted(idx.get("weights") or [], key=lambda r: r.get("rank") or 0),
            "Indicator weights",
            ["indicator", "label", "subsystem", "weight", "entropy", "divergence", "rank"],
            headers={
                "indicator": "Indicator",
                "label": "Label",
                "subsystem": "Subsystem",
                "weight": "Weight (sums to 1)",
                "entropy": "Entropy E",
                "divergence": "Divergence 1 − E",
                "rank": "Rank",
            },
        )
        if t:
            sec.tables.append(t)
        t = records_table(
            idx.get("scores") or [], "Index per year", headers={"score": "Index (0-1)"}
        )
        if t:
            sec.tables.append(t)
        sens = idx.get("sensitivity") or {}
        if isinstance(sens, dict) and _finite(sens.get("mean_abs_rank_shift")) is not None:
            sec.intro.append(
                f"Robustness: across the Monte Carlo variations a year's rank moves by {fmt_num(sens['mean_abs_rank_shift'], 2)} places on average."
            )
    else:
        sec.intro.append(
            "The index was not computed"
            + (f": {d['skipped']['index']}" if (d.get("skipped") or {}).get("index") else ".")
        )
    sec.figures = figs.get("index", [])
    secs.append(sec)

    sp = d.get("stirpat") if isinstance(d.get("stirpat"), dict) else None
    sec = Section("drivers", "Drivers (STIRPAT)")
    if sp:
        sec.intro.append(
            "ln C = b₀ + b₁ ln P + b₂ ln A + b₃ ln T + b₄ ln RE + e, estimated by OLS and by ridge regression (the regressors are collinear)."
        )
        sec.warnings = [str(w) for w in sp.get("warnings") or []]
        ur = sp.get("unit_roots")
        if isinstance(ur, dict):
            ur = (
                ur.get("records")
                or ur.get("tests")
                or [dict(variable=k, **v) for k, v in ur.items() if isinstance(v, dict)]
            )
        for test, rows in unit_root_tables(ur or []).items():
            t = records_table(
                rows,
                f"Unit-root test: {test}",
                note="The verdict follows the critical value (finite-sample where available); "
                "with few observations the test has little power.",
            )
            if t:
                sec.tables.append(t)
        co = sp.get("cointegration")
        t = records_table(
            co if isinstance(co, list) else ([co] if isinstance(co, dict) and co else []),
            "Cointegration (residual-based test)",
        )
        if t:
            sec.tables.append(t)
        coef_cols = ["term", "b", "se", "beta", "t", "p", "vif", "ci_lo", "ci_hi"]
        coef_heads = {
            "term": "Term",
            "b": "B (elasticity)",
            "se": "SE(B)",
            "beta": "Beta (standardised)",
            "t": "t",
            "p": "p",
            "vif": "VIF",
            "ci_lo": "95 % CI low",
            "ci_hi": "95 % CI high",
        }
        ols = sp.get("ols") if isinstance(sp.get("ols"), dict) else None
        if ols:
            t = records_table(
                ols.get("coefficients") or [],
                "OLS",
                coef_cols,
                coef_heads,
                note=_fit_note(ols),
                decimals=_COEF_DECIMALS,
            )
            if t:
                sec.tables.append(t)
        ridge = sp.get("ridge") if isinstance(sp.get("ridge"), dict) else None
        if ridge:
            k_note = (
                f"k = {setting_text(ridge.get('k'))} chosen by rule '{ridge.get('k_rule', '')}'"
            )
            cands = ridge.get("k_candidates")
            if isinstance(cands, dict) and cands:
                k_note += (
                    " (other rules: "
                    + ", ".join(f"{a} {setting_text(b)}" for a, b in cands.items())
                    + ")"
                )
            if ridge.get("k_convention"):
                k_note += f"; k convention: {_convention_text(ridge['k_convention'])}"
            t = records_table(
                ridge.get("coefficients") or [],
                "Ridge regression",
                coef_cols,
                coef_heads,
                note=k_note + ". " + _fit_note(ridge),
                warn=RIDGE_WARNING,
                decimals=_COEF_DECIMALS,
            )
            if t:
                sec.tables.append(t)
        panel = sp.get("panel")
        if isinstance(panel, dict):
            t = records_table(
                panel.get("coefficients") or [], "Panel model", note=str(panel.get("model", ""))
            )
            if t:
                sec.extra.append(t)
    else:
        sec.intro.append(
            "The STIRPAT model was not estimated"
            + (f": {d['skipped']['stirpat']}" if (d.get("skipped") or {}).get("stirpat") else ".")
        )
    sec.figures = figs.get("drivers", [])
    secs.append(sec)

    sec = Section("pathways", "Decomposition and pathways")
    span = lmdi_span(d)
    if span:
        change = sum(v for _, v in span["effects"])
        rows = [
            {"effect": n.replace("_", " "), "additive": v, "share": v / change if change else None}
            for n, v in span["effects"]
        ]
        rows.append(
            {"effect": "total change", "additive": change, "share": 1.0 if change else None}
        )
        t = records_table(
            rows,
            f"LMDI-I decomposition {span['start']}-{span['end']}",
            headers={
                "effect": "Effect",
                "additive": "Additive effect (t CO₂)",
                "share": "Share of change (%)",
            },
        )
        if t:
            dec = d.get("decomposition") or {}
            notes = [
                f"{k}: {v}"
                for k, v in dec.items()
                if k in ("mode", "delta", "zero_rule", "zero_limits") and v is not None
            ]
            t.note = "; ".join(notes)
            sec.tables.append(t)
        dec = d.get("decomposition") or {}
        sec.warnings = (
            [str(w) for w in (dec.get("notes") or dec.get("warnings") or [])]
            if isinstance(dec, dict)
            else []
        )
    targets = target_records(d)
    t = records_table(
        targets,
        "Targets",
        [
            "name",
            "type",
            "unit",
            "base_year",
            "target_year",
            "reduction",
            "base_value",
            "target_value",
            "last_year",
            "last_value",
            "progress",
            "required_rate",
            "trend_rate",
            "status",
        ],
        headers={
            "name": "Target",
            "type": "Type",
            "unit": "Unit",
            "base_year": "Base year",
            "target_year": "Target year",
            "reduction": "Reduction (%)",
            "base_value": "Base value",
            "target_value": "Target value",
            "last_year": "Last year",
            "last_value": "Last value",
            "progress": "Change since base (%)",
            "required_rate": "Required rate (%/yr)",
            "trend_rate": "Recent trend (%/yr)",
            "status": "Status",
        },
    )
    if t:
        sec.tables.append(t)
    sc = d.get("scenarios") if isinstance(d.get("scenarios"), dict) else {}
    t = records_table(
        sc.get("assumptions") or [],
        "Scenario assumptions (annual growth of each driver)",
        headers={
            "scenario": "Scenario",
            "label": "Label",
            "driver": "Driver",
            "rate": "Rate (%/yr)",
            "source": "Source",
        },
    )
    if t:
        sec.extra.append(t)
    t = records_table(
        sc.get("peaks") or [],
        "Peak years",
        headers={"scenario": "Scenario", "peak_year": "Peak year", "peak_co2_t": "Peak CO₂ (t)"},
    )
    if t:
        sec.extra.append(t)
    sec.figures = figs.get("pathways", [])
    if not (sec.tables or sec.extra or any(f.src for f in sec.figures)):
        sec.intro.append("No decomposition, targets or scenarios in this run.")
    secs.append(sec)

    sec = Section("methods", "Methods and conventions")
    settings = d.get("settings") or {}
    emset = (em or {}).get("settings") or {}
    rows: list[dict[str, Any]] = []
    if emset.get("factor_set"):
        rows.append({"setting": "Emission factor set", "value": emset["factor_set"]})
    if emset.get("overrides"):
        rows.append({"setting": "Factor overrides", "value": len(emset["overrides"])})
    if idx:
        for k in ("method", "normalisation", "epsilon"):
            if (idx.get("settings") or {}).get(k) is not None:
                rows.append({"setting": f"Index {k}", "value": idx["settings"][k]})
    if sp and isinstance(sp.get("ridge"), dict):
        r = sp["ridge"]
        rows += [
            {"setting": "Ridge k", "value": r.get("k")},
            {"setting": "Ridge k rule", "value": r.get("k_rule")},
            {"setting": "Ridge k convention", "value": _convention_text(r.get("k_convention"))},
        ]
    dec = d.get("decomposition") if isinstance(d.get("decomposition"), dict) else {}
    for k in ("mode", "zero_rule", "delta", "zero_limits"):
        if dec.get(k) is not None:
            rows.append({"setting": f"LMDI {k.replace('_', ' ')}", "value": dec[k]})
    rows += [
        dict(s, setting=f"Seed ({s['setting']})", value=str(s["value"]))
        for s in _seeds(
            {
                "settings": settings,
                **{
                    k: d.get(k)
                    for k in ("emissions", "index", "stirpat", "scenarios")
                    if isinstance(d.get(k), dict)
                },
            }
        )
    ]
    t = records_table(
        [dict(r, value=setting_text(r["value"])) for r in rows if r.get("value") is not None],
        "Settings used",
        headers={"setting": "Setting", "value": "Value"},
    )
    if t:
        sec.tables.append(t)
    factors = emset.get("factors")
    t = records_table(factors if isinstance(factors, list) else [], "Emission factors used")
    if t:
        sec.extra.append(t)
    secs.append(sec)

    sec = Section("software", "Software")
    sec.intro.append(
        f"Results schema version {d.get('schema_version', '')}, produced by carbonpath {d.get('carbonpath_version', '')}."
    )
    t = records_table(_versions(), "Versions", headers={"package": "Package", "version": "Version"})
    if t:
        sec.tables.append(t)
    secs.append(sec)
    return secs


def _convention_text(conv: Any) -> str | None:
    if isinstance(conv, dict):
        return str(conv.get("text") or ", ".join(f"{k} {v}" for k, v in conv.items()))
    return None if conv is None else str(conv)


def unit_root_tables(records: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Unit-root records with nested tests ({variable, order, adf: {...}, kpss: {...}})
    as one list of rows per test: statistic, 5 % critical value, p and verdict.

    Flat records (no nested tests) are returned as they are under the name "ADF".
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if not isinstance(r, dict):
            continue
        base = {k: v for k, v in r.items() if not isinstance(v, dict)}
        if "order" in base:
            o = base.pop("order")
            base = {"variable": base.pop("variable", ""), "Differenced": _ORDER.get(o, o), **base}
        nested = {
            k: v for k, v in r.items() if isinstance(v, dict) and ("stat" in v or "verdict" in v)
        }
        if not nested:
            out.setdefault("ADF", []).append(base)
            continue
        for k, v in nested.items():
            crit = v.get("crit") if isinstance(v.get("crit"), dict) else {}
            p = v.get("p", v.get("p_asymptotic"))
            row = dict(base)
            row["Statistic"] = v.get("stat")
            row["5 % critical value"] = crit.get("5%")
            row["p" + ("" if "p" in v else " (asymptotic)")] = p
            if v.get("p_bound"):
                row["p note"] = v["p_bound"]
            row["Verdict"] = v.get("verdict") or v.get("status")
            out.setdefault(str(v.get("test") or k).upper(), []).append(row)
    return out


_ORDER = {0: "level", 1: "first difference", 2: "second difference"}


def _fit_note(m: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("n", "n"),
        ("r2", "R²"),
        ("adj_r2", "adj. R²"),
        ("f", "F"),
        ("f_p", "p(F)"),
        ("max_vif", "max VIF"),
        ("durbin_watson", "Durbin-Watson"),
    ):
        if m.get(key) is not None:
            parts.append(
                f"{label} = {fmt_p(m[key]) if key == 'f_p' else fmt_num(m[key], None if key == 'n' else 3)}"
            )
    return ", ".join(parts)


def render_html(d: dict[str, Any], folder: Path | None = None) -> str:
    """The report's HTML text for the plain results ``d``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,  # every user string is escaped, whatever the template's name
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt_num
    st = d.get("study") or {}
    years = st.get("years") or []
    return env.get_template(TEMPLATE).render(
        title=str(st.get("title") or "carbonpath report"),
        region=str(st.get("region") or ""),
        years=f"{years[0]}-{years[1]}" if len(years) == 2 else "",
        version=str(d.get("carbonpath_version") or ""),
        sections=build_sections(d, folder),
    )


def write_html(results: Results, folder: Path) -> Path:
    """Write ``folder/report.html`` (self-contained, deterministic); return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(render_html(results.to_dict(), folder), encoding="utf-8")
    return path
