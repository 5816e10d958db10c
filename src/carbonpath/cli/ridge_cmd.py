"""``carbonpath ridge``: SPSS-convention ridge regression on any CSV file.

Heavy imports (numpy, pandas, scipy, statsmodels) happen inside the command so that
``carbonpath --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonpath.core.errors import InputError


def _parse_k(text: str) -> str | float:
    key = text.strip().lower()
    if key in ("auto", "trace", "hkb", "lw", "gcv"):
        return "trace" if key == "auto" else key
    try:
        value = float(key)
    except ValueError:
        raise InputError(
            f"--k {text!r} is neither a number nor a rule",
            fix="use a number >= 0 or one of: auto, trace, hkb, lw, gcv",
        ) from None
    if not value >= 0 or value == float("inf"):
        raise InputError(f"--k {text!r} must be a finite number >= 0")
    return value


def _read(path: Path, y: str, xs: list[str], log: bool) -> tuple:
    import numpy as np
    import pandas as pd

    if not path.is_file():
        raise InputError(f"file not found: {path}", fix="give the path of a CSV file")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot read {path} as UTF-8 CSV ({type(exc).__name__})",
            fix="save the file as CSV UTF-8",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    wanted = [y, *xs]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError(
            f"column(s) {', '.join(repr(c) for c in missing)} not in {path.name}; "
            f"available: {', '.join(frame.columns)}",
            fix="check --y and --x",
        )
    if len(set(wanted)) != len(wanted):
        raise InputError("--y and --x name the same column more than once")
    data = {}
    for c in wanted:
        col = pd.to_numeric(frame[c], errors="coerce")
        bad = col.isna() & frame[c].notna()
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise InputError(
                f"column '{c}' has a non-numeric value {frame[c][bad].iloc[0]!r} on line {line}"
            )
        data[c] = col.to_numpy(dtype=float)
    ok = np.all([np.isfinite(v) for v in data.values()], axis=0)
    if not ok.all():
        raise InputError(
            f"{int((~ok).sum())} row(s) have empty values in the chosen columns",
            fix="fill or remove those rows",
        )
    if log:
        for c, v in data.items():
            if np.any(v <= 0):
                i = int(np.flatnonzero(v <= 0)[0])
                raise InputError(
                    f"--log: column '{c}' is {v[i]:g} on line {i + 2}; logarithms need "
                    "positive values"
                )
            data[c] = np.log(v)
    return data[y], np.column_stack([data[c] for c in xs])


def ridge_result(path: Path, y: str, xs: list[str], log: bool, k: str) -> tuple[dict, list[str]]:
    """Compute the ridge JSON payload and the plain-language warnings."""
    from carbonpath.stirpat.kselect import choose_k
    from carbonpath.stirpat.ridge import (
        coefficient_records,
        fit_ridge,
        k_convention,
        ridge_trace,
    )

    yy, XX = _read(path, y, xs, log)
    rule = _parse_k(k)
    trace = ridge_trace(yy, XX, xs)
    choice = choose_k(yy, XX, rule, trace=trace)
    fit = fit_ridge(yy, XX, choice.k, xs)
    payload = {
        "k": choice.k,
        "k_rule": choice.rule,
        "n": fit.n,
        "r2": fit.r2,
        "adj_r2": fit.adj_r2,
        "f": fit.f,
        "f_p": fit.f_p,
        "coefficients": coefficient_records(fit),
        "trace": trace.records(),
        "k_candidates": choice.candidates,
        "trace_rule": choice.trace_rule,
        "k_convention": k_convention(fit.n, choice.k),
    }
    warnings = list(choice.notes)
    warnings.append(
        "t and p treat k as fixed and ignore the bias ridge introduces; k is on the SPSS "
        f"scale (MASS lambda = n k = {fit.n * choice.k:g})"
    )
    if log:
        warnings.append("log-log model: the elasticities are B, not the standardized Beta")
    if fit.n < 20:
        warnings.append(f"only {fit.n} observations: estimates are fragile")
    return payload, warnings


def _fmt(v: float | None, digits: int = 3) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def _print_table(payload: dict, warnings: list[str], y: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    title = (
        f"Ridge regression, K = {payload['k']:g} ({payload['k_rule']}), dependent: {y}, "
        f"n = {payload['n']}"
    )
    table = Table(title=title)
    for head in ("", "B", "SE(B)", "Beta", "t", "Sig.", "VIF"):
        table.add_column(head, justify="left" if head == "" else "right")
    for c in payload["coefficients"]:
        table.add_row(
            "Constant" if c["term"] == "const" else c["term"],
            _fmt(c["b"], 4),
            _fmt(c["se"], 4),
            _fmt(c["beta"]),
            _fmt(c["t"]),
            _fmt(c["p"]),
            _fmt(c["vif"]),
        )
    console.print(table)
    console.print(
        f"R Square {payload['r2']:.3f}   Adjusted R Square {payload['adj_r2']:.3f}   "
        f"F {payload['f']:.3f} (Sig. {payload['f_p']:.3f})"
    )
    cand = ", ".join(
        f"{key} {'n/a' if v is None else f'{v:.4g}'}" for key, v in payload["k_candidates"].items()
    )
    console.print(f"k rules: {cand}")
    console.print(f"Rule: {payload['trace_rule']}", markup=False)
    for w in warnings:
        console.print(f"Note: {w}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``ridge`` command to ``app``."""

    @app.command("ridge")
    def ridge(
        data: Annotated[Path, typer.Argument(help="CSV file (UTF-8) with a header row.")],
        y: Annotated[str, typer.Option("--y", help="Dependent variable column.")],
        x: Annotated[str, typer.Option("--x", help="Regressor columns, comma-separated.")],
        log: Annotated[
            bool, typer.Option("--log", help="Take natural logs of all columns.")
        ] = False,
        k: Annotated[
            str, typer.Option("--k", help="k as a number, or auto|trace|hkb|lw|gcv (auto = trace).")
        ] = "auto",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Ridge regression in the SPSS RIDGEREG convention, with trace and k rules."""
        import json

        from carbonpath.core.results import jsonable

        xs = [c.strip() for c in x.split(",") if c.strip()]
        if not xs:
            raise InputError("--x names no columns", fix="give --x COL,COL,...")
        payload, warnings = ridge_result(data, y.strip(), xs, log, k)
        if as_json:
            typer.echo(json.dumps(jsonable(payload), indent=2, sort_keys=False, allow_nan=False))
        else:
            _print_table(payload, warnings, y)
