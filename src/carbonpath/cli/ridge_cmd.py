"""``carbonpath ridge``: SPSS-convention ridge regression on any CSV file.

The table is :mod:`carbonpath.stirpat.summary`'s, the same as ``results.stirpat.ridge
.summary()``.  Heavy imports (numpy, pandas, scipy, statsmodels) happen inside the
command so that ``carbonpath --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from carbonpath.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _read_frame(path: Path) -> pd.DataFrame:
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
    return frame


def _check_columns(frame: pd.DataFrame, path: Path, wanted: list[str]) -> None:
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError(
            f"column(s) {', '.join(repr(c) for c in missing)} not in {path.name}; "
            f"available: {', '.join(frame.columns)}",
            fix="check --y and --x",
        )
    if len(set(wanted)) != len(wanted):
        raise InputError("--y and --x name the same column more than once")


def _numeric(frame: pd.DataFrame, column: str) -> Any:
    import numpy as np
    import pandas as pd

    col = pd.to_numeric(frame[column], errors="coerce")
    bad = col.isna() & frame[column].notna()
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(
            f"column '{column}' has a non-numeric value {frame[column][bad].iloc[0]!r} "
            f"on line {line}"
        )
    return col.to_numpy(dtype=float)


def _logs(data: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    for c, v in data.items():
        if np.any(v <= 0):
            i = int(np.flatnonzero(v <= 0)[0])
            raise InputError(
                f"--log: column '{c}' is {v[i]:g} on line {i + 2}; logarithms need positive values"
            )
    return {c: np.log(v) for c, v in data.items()}


def _read(path: Path, y: str, xs: list[str], log: bool) -> tuple:
    import numpy as np

    frame = _read_frame(path)
    wanted = [y, *xs]
    _check_columns(frame, path, wanted)
    data = {c: _numeric(frame, c) for c in wanted}
    ok = np.all([np.isfinite(v) for v in data.values()], axis=0)
    if not ok.all():
        raise InputError(
            f"{int((~ok).sum())} row(s) have empty values in the chosen columns",
            fix="fill or remove those rows",
        )
    if log:
        data = _logs(data)
    return data[y], np.column_stack([data[c] for c in xs])


def ridge_result(path: Path, y: str, xs: list[str], log: bool, k: str) -> tuple[dict, Any]:
    """The ridge JSON payload and the summary (its notes are the plain-language warnings)."""
    from dataclasses import replace

    from carbonpath.stirpat.krule import KRule
    from carbonpath.stirpat.kselect import choose_k
    from carbonpath.stirpat.ridge import fit_ridge, k_convention, ridge_trace
    from carbonpath.stirpat.summary import ridge_summary

    yy, XX = _read(path, y, xs, log)
    rule = KRule.from_text(k)
    trace = ridge_trace(yy, XX, xs)
    choice = choose_k(yy, XX, rule, trace=trace)
    fit = replace(fit_ridge(yy, XX, choice.k, xs), k_rule=choice.rule, response=y)
    payload = {
        "k": choice.k,
        "k_rule": choice.rule,
        "n": fit.n,
        "r2": fit.r2,
        "adj_r2": fit.adj_r2,
        "f": fit.f,
        "f_p": fit.f_p,
        "coefficients": fit.coefficients,
        "trace": trace.to_frame(),
        "k_candidates": choice.candidates,
        "trace_rule": choice.trace_rule,
        "k_convention": k_convention(fit.n, choice.k),
    }
    notes = [note[0].upper() + note[1:] + "." for note in choice.notes]
    cand = ", ".join(
        f"{key} {'n/a' if v != v else f'{v:.4g}'}" for key, v in choice.candidates.items()
    )
    notes.append(f"k is on the SPSS scale (MASS lambda = n k = {fit.n * choice.k:g}).")
    notes.append(f"k rules: {cand}. Trace rule: {choice.trace_rule}.")
    if not log:
        notes.append("Without --log the coefficients are not elasticities.")
    if fit.n < 20:
        notes.append(f"Only {fit.n} observations: estimates are fragile.")
    return payload, ridge_summary(fit, notes)


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
        payload, summary = ridge_result(data, y.strip(), xs, log, k)
        if as_json:
            typer.echo(json.dumps(jsonable(payload), indent=2, sort_keys=False, allow_nan=False))
        else:
            typer.echo(summary.as_text())
